//! Logging in and out.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Decision};
use crate::db::{login_attempts, users};
use crate::web::error::AppError;
use crate::web::extract::{Form, Query};
use crate::web::form_request::{self, ActionRequest, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::session::{CurrentUser, LANG_KEY};
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    page: Page,
    email: String,
    next: String,
    error_key: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

pub async fn show(page: Page, Query(q): Query<NextParam>) -> Result<Response, AppError> {
    if page.user.is_some() {
        return Ok(Redirect::to(paths::HOME).into_response());
    }
    Ok(LoginPage {
        page,
        email: String::new(),
        next: q.next,
        error_key: None,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: FormRequest,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let (state, page, request_id) = (&request.state, request.page, &request.request_id);
    let email = throttle::claimed_email(&form.email);
    let ip = peer.ip().to_string();
    let now = state.clock.now();
    let refuse = |page: Page, status: StatusCode, key: &'static str| {
        let email = email.clone();
        (
            status,
            LoginPage {
                page,
                email,
                next: form.next.clone(),
                error_key: Some(key),
            },
        )
            .into_response()
    };
    let actor = Actor::Anonymous {
        claimed_email: email.clone(),
    };

    let decision = throttle::check(&state.db, &email, &ip, now).await?;
    if decision != Decision::Allowed {
        audit_refusal(state, &actor, decision, &email, &ip, request_id, now).await?;
        return Ok(refuse(
            page,
            StatusCode::TOO_MANY_REQUESTS,
            "login-throttled",
        ));
    }

    let user = users::find_by_email(&state.db, &email).await?;
    let password_ok = state
        .passwords
        .verify(
            &form.password,
            user.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await;
    let user = user.filter(|u| password_ok && !u.is_disabled() && u.role().is_some());

    // A right password is not yet a login when the second step is owed: `login.succeeded`
    // is then audited by that step.
    let owes_second_step = match &user {
        Some(user) => crate::web::sign_in::owes_second_step(state, user).await?,
        None => false,
    };
    let mut tx = state.db.begin_write().await?;
    login_attempts::record(&mut tx, &email, &ip, user.is_some(), now).await?;
    let Some(user) = user else {
        audit::append(
            &mut tx,
            now,
            Event::new(&actor, "login.failed", "login", &email)
                .after(serde_json::json!({ "ip": ip }))
                .request(Some(request_id.as_str())),
        )?;
        tx.commit().await?;
        return Ok(refuse(page, StatusCode::UNAUTHORIZED, "login-failed"));
    };
    let user_actor = Actor::User {
        id: user.id,
        email: user.email.clone(),
    };
    let action = if owes_second_step {
        "login.password_ok"
    } else {
        "login.succeeded"
    };
    audit::append(
        &mut tx,
        now,
        Event::new(&user_actor, action, "user", user.id)
            .partner(user.partner_id)
            .after(serde_json::json!({ "ip": ip }))
            .request(Some(request_id.as_str())),
    )?;
    tx.commit().await?;

    // A new id at login defeats session fixation; the second step, when owed, comes first.
    let session = &request.session;
    crate::web::sign_in::after_password(state, session, &user, now, &form.next).await
}

/// Counts a throttled attempt and audits the first of its window, limit, account and address:
/// anonymous requests must not be able to fill the audit log. The count stays in
/// `login_throttle_windows` for a day.
async fn audit_refusal(
    state: &AppState,
    actor: &Actor,
    decision: Decision,
    email: &str,
    ip: &str,
    request_id: &RequestId,
    now: i64,
) -> Result<(), AppError> {
    let limit = decision.limit_kind();
    // The address limit covers every account: one count for the address.
    let counted_email = match decision {
        Decision::AddressLocked => "",
        _ => email,
    };
    let window = throttle::window_start(now);
    let mut tx = state.db.begin_write().await?;
    let refused = login_attempts::count_refusal(&mut tx, limit, counted_email, ip, window).await?;
    if refused == 1 {
        login_attempts::forget_refusals_before(&mut tx, now - 24 * 60 * 60).await?;
        audit::append(
            &mut tx,
            now,
            Event::new(actor, "login.throttled", "login", email)
                .after(serde_json::json!({
                    "ip": ip,
                    "limit": limit,
                    "window_start": window,
                    "window_secs": throttle::WINDOW_SECS,
                    "note": "further refusals in this window are counted, not audited",
                }))
                .request(Some(request_id.as_str())),
        )?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn logout(
    request: ActionRequest,
    user: Option<CurrentUserOpt>,
) -> Result<Response, AppError> {
    let (state, session) = (&request.state, &request.session);
    if let Some(CurrentUserOpt(user)) = user {
        audit::record(
            &state.db,
            state.clock.now(),
            Event::new(&user.actor(), "logout", "user", user.id)
                .partner(user.partner_id)
                .request(Some(request.request_id.as_str())),
        )
        .await?;
    }
    // The browser keeps speaking the language it chose: the login page after logging out
    // should not fall back to English. The new session holds nothing else.
    let lang: Option<String> = session.get(LANG_KEY).await?;
    session.flush().await?;
    if let Some(lang) = lang {
        session.insert(LANG_KEY, lang).await?;
    }
    form_request::done(session, "logout-done", None, paths::LOGIN).await
}

/// The current user if there is one; logging out works for an expired session too.
pub struct CurrentUserOpt(pub CurrentUser);

impl axum::extract::OptionalFromRequestParts<AppState> for CurrentUserOpt {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        use axum::extract::FromRequestParts;
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(CurrentUserOpt(user))),
            Err(AppError::Unauthenticated { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
