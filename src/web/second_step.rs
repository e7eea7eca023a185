//! The second step of logging in: a code from the authenticator app or a recovery code, or —
//! for staff who must have a second factor and have none yet — enrolment on the spot. Failed
//! codes are throttled like passwords (per account and per address, in the database).

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::audit::{self, Actor, Event};
use crate::auth::second_factor::{self as totp, RECOVERY_CODES};
use crate::auth::throttle::{self, Decision};
use crate::auth::tokens;
use crate::db::account_attempts::{self, Kind};
use crate::db::{Tx, second_factor, users};
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::form_request::FormRequest;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::sign_in::{
    ENROL_SECRET_KEY, PENDING_AT_KEY, PENDING_NEXT_KEY, PENDING_TTL, PENDING_USER_KEY, establish,
};
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account/second_step.html")]
pub struct SecondStepPage {
    page: Page,
    error_key: Option<&'static str>,
}

/// The enrolment form: the QR code, the secret to type instead, one code to confirm.
#[derive(Template, WebTemplate)]
#[template(path = "account/enrol.html")]
pub struct EnrolPage {
    pub page: Page,
    /// Inline SVG drawn by us.
    pub qr_svg: String,
    pub secret: String,
    pub action: &'static str,
    pub required: bool,
    pub error_key: Option<&'static str>,
}

/// The recovery codes, shown once.
#[derive(Template, WebTemplate)]
#[template(path = "account/recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub page: Page,
    pub codes: Vec<String>,
    pub continue_to: String,
}

/// The user owing the second step, if the password was right recently enough.
async fn pending(state: &AppState, session: &Session) -> Result<Option<users::User>, AppError> {
    let Some(user_id) = session.get::<i64>(PENDING_USER_KEY).await? else {
        return Ok(None);
    };
    let at = session.get::<i64>(PENDING_AT_KEY).await?.unwrap_or(0);
    if state.clock.now() - at > PENDING_TTL {
        session.remove_value(PENDING_USER_KEY).await?;
        return Ok(None);
    }
    Ok(users::find(&state.db, user_id)
        .await?
        .filter(|u| !u.is_disabled() && u.role().is_some()))
}

fn back_to_login() -> Response {
    Redirect::to(paths::LOGIN).into_response()
}

/// The enrolment page for `user`, with the secret kept in the session until confirmed.
pub async fn enrol_page(
    session: &Session,
    page: Page,
    email: &str,
    action: &'static str,
    required: bool,
    error_key: Option<&'static str>,
) -> Result<EnrolPage, AppError> {
    let secret = match session.get::<String>(ENROL_SECRET_KEY).await? {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            session.insert(ENROL_SECRET_KEY, &secret).await?;
            secret
        }
    };
    let qr_svg = totp::qr_svg(&secret, email)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("cannot draw the QR code")))?;
    Ok(EnrolPage {
        page,
        qr_svg,
        secret,
        action,
        required,
        error_key,
    })
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    page: Page,
) -> Result<Response, AppError> {
    let Some(user) = pending(&state, &session).await? else {
        return Ok(back_to_login());
    };
    if second_factor::secret(&state.db, user.id).await?.is_none() {
        let enrol = enrol_page(
            &session,
            page,
            &user.email,
            paths::LOGIN_SECOND_FACTOR_ENROL,
            true,
            None,
        )
        .await?;
        return Ok(enrol.into_response());
    }
    Ok(SecondStepPage {
        page,
        error_key: None,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    recovery_code: String,
}

/// Whether more codes may be tried for this user from this address.
async fn throttled(state: &AppState, user_id: i64, ip: &str, now: i64) -> Result<bool, AppError> {
    let subject = user_id.to_string();
    let decision =
        throttle::check_attempts(&state.db, Kind::SecondFactor, &subject, ip, now).await?;
    Ok(decision != Decision::Allowed)
}

async fn record_attempt(
    tx: &mut Tx,
    user: &users::User,
    ip: &str,
    ok: bool,
    how: &str,
    request_id: &RequestId,
    now: i64,
) -> Result<(), AppError> {
    account_attempts::record(tx, Kind::SecondFactor, &user.id.to_string(), ip, ok, now).await?;
    // Only now is the login whole: `login.succeeded` is audited here, not after the password.
    let action = if ok {
        "login.succeeded"
    } else {
        "login.second_factor_failed"
    };
    audit::append(
        tx,
        now,
        Event::new(&actor(user), action, "user", user.id)
            .partner(user.partner_id)
            .after(serde_json::json!({ "ip": ip, "second_factor": how }))
            .request(Some(request_id.as_str())),
    )?;
    Ok(())
}

fn actor(user: &users::User) -> Actor {
    Actor::User {
        id: user.id,
        email: user.email.clone(),
    }
}

pub async fn submit(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: FormRequest,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let (state, session, page) = (&request.state, &request.session, request.page);
    let request_id = &request.request_id;
    let Some(user) = pending(state, session).await? else {
        return Ok(back_to_login());
    };
    let Some((secret, _)) = second_factor::secret(&state.db, user.id).await? else {
        return Ok(Redirect::to(paths::LOGIN_SECOND_FACTOR).into_response());
    };
    let ip = peer.ip().to_string();
    let now = state.clock.now();
    if throttled(state, user.id, &ip, now).await? {
        audit::record(
            &state.db,
            now,
            Event::new(
                &actor(&user),
                "login.second_factor_throttled",
                "user",
                user.id,
            )
            .partner(user.partner_id)
            .after(serde_json::json!({ "ip": ip }))
            .request(Some(request_id.as_str())),
        )
        .await?;
        let page = SecondStepPage {
            page,
            error_key: Some("second-factor-throttled"),
        };
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    let (ok, how) = if !form.recovery_code.trim().is_empty() {
        let stored = second_factor::unused_recovery_codes(&mut tx, user.id).await?;
        let found = stored
            .iter()
            .find(|(_, hash)| tokens::recovery_code_matches(&form.recovery_code, hash));
        let used = match found {
            Some((id, _)) => second_factor::use_recovery_code(&mut tx, *id, now).await?,
            None => false,
        };
        (used, "recovery_code")
    } else {
        let step = totp::matching_step(&secret, &user.email, &form.code, now);
        let accepted = match step {
            Some(step) => second_factor::accept_step(&mut tx, user.id, step).await?,
            None => false,
        };
        (accepted, "totp")
    };
    record_attempt(&mut tx, &user, &ip, ok, how, request_id, now).await?;
    tx.commit().await?;
    if !ok {
        let page = SecondStepPage {
            page,
            error_key: Some("second-factor-wrong"),
        };
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    let next: String = session.get(PENDING_NEXT_KEY).await?.unwrap_or_default();
    establish(session, user.id, user.locale.as_deref(), now).await?;
    let target = paths::local_redirect_target(&next).unwrap_or(paths::HOME);
    Ok(Redirect::to(target).into_response())
}

/// Confirms the secret in the session with one code, saves it with fresh recovery codes and
/// returns the codes to show (once). `None` when the code is wrong.
pub async fn confirm_enrolment(
    state: &AppState,
    session: &Session,
    user: &users::User,
    code: &str,
    request_id: &RequestId,
    now: i64,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(secret) = session.get::<String>(ENROL_SECRET_KEY).await? else {
        return Ok(None);
    };
    let Some(step) = totp::matching_step(&secret, &user.email, code, now) else {
        return Ok(None);
    };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| tokens::new_recovery_code())
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| tokens::hash_recovery_code(c))
        .collect();
    let mut tx = state.db.begin_write().await?;
    second_factor::enrol(&mut tx, user.id, &secret, step, &hashes, now).await?;
    crate::web::account_links::notify_account_change(
        &mut tx,
        state,
        crate::web::account_links::AccountChange::SecondFactorEnrolled,
        user.id,
        &user.email,
        user.partner_id,
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        Event::new(&actor(user), "user.second_factor_enrolled", "user", user.id)
            .partner(user.partner_id)
            .after(serde_json::json!({ "recovery_codes": codes.len() }))
            .request(Some(request_id.as_str())),
    )?;
    tx.commit().await?;
    session.remove_value(ENROL_SECRET_KEY).await?;
    Ok(Some(codes))
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
}

/// Enrolment during login, for staff who must have a second factor: the confirmed code is the
/// second step.
pub async fn enrol(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: FormRequest,
    Form(form): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let (state, session, page) = (&request.state, &request.session, request.page);
    let request_id = &request.request_id;
    let Some(user) = pending(state, session).await? else {
        return Ok(back_to_login());
    };
    if second_factor::secret(&state.db, user.id).await?.is_some() {
        return Ok(Redirect::to(paths::LOGIN_SECOND_FACTOR).into_response());
    }
    let ip = peer.ip().to_string();
    let now = state.clock.now();
    let error = if throttled(state, user.id, &ip, now).await? {
        Some((StatusCode::TOO_MANY_REQUESTS, "second-factor-throttled"))
    } else {
        match confirm_enrolment(state, session, &user, &form.code, request_id, now).await? {
            Some(codes) => {
                let mut tx = state.db.begin_write().await?;
                record_attempt(&mut tx, &user, &ip, true, "enrolment", request_id, now).await?;
                tx.commit().await?;
                let next: String = session.get(PENDING_NEXT_KEY).await?.unwrap_or_default();
                establish(session, user.id, user.locale.as_deref(), now).await?;
                let continue_to = paths::local_redirect_target(&next)
                    .unwrap_or(paths::HOME)
                    .to_string();
                let page = Page {
                    csrf: String::new(),
                    ..page
                };
                return Ok(RecoveryCodesPage {
                    page,
                    codes,
                    continue_to,
                }
                .into_response());
            }
            None => {
                let mut tx = state.db.begin_write().await?;
                record_attempt(&mut tx, &user, &ip, false, "enrolment", request_id, now).await?;
                tx.commit().await?;
                Some((StatusCode::UNAUTHORIZED, "second-factor-wrong"))
            }
        }
    };
    let (status, key) = error.unwrap_or((StatusCode::UNAUTHORIZED, "second-factor-wrong"));
    let page = enrol_page(
        session,
        page,
        &user.email,
        paths::LOGIN_SECOND_FACTOR_ENROL,
        true,
        Some(key),
    )
    .await?;
    Ok((status, page).into_response())
}
