//! "Forgot your password?": a reset link by e-mail. The answer is the same whether or not the
//! address belongs to anyone, and requests are throttled like logins (per address asked for
//! and per client address), so the form tells nobody who has an account.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Decision};
use crate::db::account_attempts::{self, Kind};
use crate::db::account_tokens::Purpose;
use crate::db::users;
use crate::i18n::Lang;
use crate::web::account_links::{self, Recipient};
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::page::Page;
use crate::web::request_id::RequestId;
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account/forgot.html")]
pub struct ForgotPage {
    page: Page,
    email: String,
    sent: bool,
    error_key: Option<&'static str>,
}

pub async fn show(page: Page) -> ForgotPage {
    ForgotPage {
        page,
        email: String::new(),
        sent: false,
        error_key: None,
    }
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request_id: RequestId,
    page: Page,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let email = throttle::claimed_email(&form.email);
    let ip = peer.ip().to_string();
    let now = state.clock.now();
    let actor = Actor::Anonymous {
        claimed_email: email.clone(),
    };
    // Every request counts: a reset request never "succeeds" in a way the throttle could see
    // without telling which addresses exist.
    let decision =
        throttle::check_attempts(&state.db, Kind::ResetRequest, &email, &ip, now).await?;
    if decision != Decision::Allowed {
        audit::record(
            &state.db,
            now,
            Event::new(&actor, "password_reset.throttled", "login", &email)
                .after(serde_json::json!({ "ip": ip }))
                .request(Some(request_id.as_str())),
        )
        .await?;
        let page = ForgotPage {
            page,
            email,
            sent: false,
            error_key: Some("forgot-throttled"),
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let user = users::find_by_email(&state.db, &email)
        .await?
        .filter(|u| !u.is_disabled() && u.password_hash != users::INVITED);
    let mut tx = state.db.begin_write().await?;
    account_attempts::record(&mut tx, Kind::ResetRequest, &email, &ip, false, now).await?;
    match &user {
        Some(user) => {
            let lang = user
                .locale
                .as_deref()
                .and_then(Lang::from_code)
                .unwrap_or(page.lang);
            let to = Recipient {
                user_id: user.id,
                email: &user.email,
                partner_id: user.partner_id,
                lang,
            };
            account_links::send(&mut tx, &state, Purpose::Reset, &to, None, now).await?;
            audit::append(
                &mut tx,
                now,
                Event::new(&actor, "password_reset.requested", "user", user.id)
                    .partner(user.partner_id)
                    .after(serde_json::json!({ "ip": ip }))
                    .request(Some(request_id.as_str())),
            )?;
        }
        None => {
            audit::append(
                &mut tx,
                now,
                Event::new(&actor, "password_reset.requested_unknown", "login", &email)
                    .after(serde_json::json!({ "ip": ip }))
                    .request(Some(request_id.as_str())),
            )?;
        }
    }
    tx.commit().await?;
    Ok(ForgotPage {
        page,
        email: String::new(),
        sent: true,
        error_key: None,
    }
    .into_response())
}
