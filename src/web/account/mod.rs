//! `/account`: the user's own account — password, language and time zone, open sessions and
//! the second factor.

pub mod second_factor;
pub mod sessions;

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::audit::{self, Event};
use crate::auth::second_factor::required_for;
use crate::auth::throttle::{self, Decision};
use crate::db::account_attempts::{self, Kind};
use crate::db::account_tokens::{self, Purpose};
use crate::db::{emails, second_factor as factor_db, sessions as session_db, users};
use crate::domain::NewPassword;
use crate::i18n::Lang;
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::form_request::{self, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::CurrentUser;
use crate::web::session::LANG_KEY;
use crate::web::state::AppState;
use sessions::SessionItem;

/// Field name → message key of what is wrong with it.
pub type FieldErrors = HashMap<&'static str, &'static str>;

#[derive(Template, WebTemplate)]
#[template(path = "account/index.html")]
pub struct AccountPage {
    page: Page,
    email: String,
    sessions: Vec<SessionItem>,
    locale: String,
    timezone: String,
    has_second_factor: bool,
    second_factor_required: bool,
    recovery_codes_left: i64,
    errors: FieldErrors,
}

impl AccountPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(|key| self.page.t(key))
    }

    fn has_other_sessions(&self) -> bool {
        self.sessions.iter().any(|s| !s.current)
    }
}

async fn account_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    page: Page,
    errors: FieldErrors,
) -> Result<AccountPage, AppError> {
    let (locale, timezone) = users::preferences(&state.db, user.id)
        .await?
        .unwrap_or_default();
    let has_second_factor = factor_db::secret(&state.db, user.id).await?.is_some();
    let recovery_codes_left = if has_second_factor {
        factor_db::recovery_codes_left(&state.db, user.id).await?
    } else {
        0
    };
    let sessions = sessions::items(state, session, user.id).await?;
    Ok(AccountPage {
        locale: locale.unwrap_or_else(|| page.lang.code().to_string()),
        page,
        email: user.email.clone(),
        sessions,
        timezone: timezone.unwrap_or_default(),
        has_second_factor,
        second_factor_required: required_for(user.role, state.config.staff_second_factor),
        recovery_codes_left,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    user: CurrentUser,
    page: Page,
) -> Result<AccountPage, AppError> {
    account_page(&state, &session, &user, page, FieldErrors::new()).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Changes the password: the current one is required; every other session ends.
pub async fn change_password(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    user: CurrentUser,
    request: FormRequest,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let (state, session, page) = (&request.state, &request.session, request.page);
    let stored = users::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated { htmx: false })?;
    let mut errors = FieldErrors::new();
    let now = state.clock.now();
    let ip = peer.ip().to_string();
    let subject = user.id.to_string();
    // Someone holding a stolen session must not be able to guess the password behind it.
    let decision =
        throttle::check_attempts(&state.db, Kind::CurrentPassword, &subject, &ip, now).await?;
    if decision != Decision::Allowed {
        errors.insert("current_password", "error-current-password-throttled");
        let page = account_page(state, session, &user, page, errors).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let current_ok = state
        .passwords
        .verify(&form.current_password, Some(&stored.password_hash))
        .await;
    if !current_ok {
        errors.insert("current_password", "error-current-password");
        let mut tx = state.db.begin_write().await?;
        account_attempts::record(&mut tx, Kind::CurrentPassword, &subject, &ip, false, now).await?;
        audit::append(
            &mut tx,
            now,
            Event::new(
                &user.actor(),
                "user.current_password_wrong",
                "user",
                user.id,
            )
            .partner(user.partner_id)
            .after(serde_json::json!({ "ip": ip }))
            .request(Some(request.request_id.as_str())),
        )?;
        tx.commit().await?;
    }
    let new = NewPassword::parse_for(&form.new_password, &user.email)
        .map_err(|e| errors.insert("new_password", e.0))
        .ok();
    if new.is_some() && form.new_password != form.confirm_password {
        errors.insert("confirm_password", "error-password-mismatch");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        let page = account_page(state, session, &user, page, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let hash = state
        .passwords
        .hash(new.expose())
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let keep = session.id().map(|id| id.to_string()).unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    account_attempts::record(&mut tx, Kind::CurrentPassword, &subject, &ip, true, now).await?;
    let ended = session_db::end_others(&mut tx, user.id, &keep).await?;
    // A reset link asked for before the change must not undo it.
    for id in account_tokens::revoke_open(&mut tx, user.id, Purpose::Reset, now).await? {
        emails::withdraw_account_emails(&mut tx, id).await?;
    }
    crate::web::account_links::notify_account_change(
        &mut tx,
        state,
        crate::web::account_links::AccountChange::PasswordChanged,
        user.id,
        &user.email,
        user.partner_id,
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        Event::new(&user.actor(), "user.password_changed", "user", user.id)
            .partner(user.partner_id)
            .after(serde_json::json!({ "other_sessions_ended": ended }))
            .request(Some(request.request_id.as_str())),
    )?;
    tx.commit().await?;
    session.cycle_id().await?;
    form_request::done(session, "account-password-changed", None, paths::ACCOUNT).await
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    timezone: String,
}

/// Saves the user's language and time zone (empty: the partner's, or the default).
pub async fn preferences(
    user: CurrentUser,
    request: FormRequest,
    Form(form): Form<PreferencesForm>,
) -> Result<Response, AppError> {
    let (state, session, page) = (&request.state, &request.session, request.page);
    let mut errors = FieldErrors::new();
    let lang = Lang::from_code(form.lang.trim());
    if lang.is_none() {
        errors.insert("lang", "error-language-unknown");
    }
    let timezone = form.timezone.trim();
    let timezone = (!timezone.is_empty()).then_some(timezone);
    let known = |tz: &str| tz.len() <= 64 && jiff::tz::TimeZone::get(tz).is_ok();
    if timezone.is_some_and(|tz| !known(tz)) {
        errors.insert("timezone", "error-timezone-unknown");
    }
    let Some(lang) = lang.filter(|_| errors.is_empty()) else {
        let page = account_page(state, session, &user, page, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let before = users::preferences(&state.db, user.id)
        .await?
        .unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    users::set_locale(&mut tx, user.id, lang.code()).await?;
    users::set_timezone(&mut tx, user.id, timezone).await?;
    audit::append(
        &mut tx,
        state.clock.now(),
        Event::new(&user.actor(), "user.preferences_changed", "user", user.id)
            .partner(user.partner_id)
            .before(serde_json::json!({ "locale": before.0, "timezone": before.1 }))
            .after(serde_json::json!({ "locale": lang.code(), "timezone": timezone }))
            .request(Some(request.request_id.as_str())),
    )?;
    tx.commit().await?;
    session.insert(LANG_KEY, lang.code()).await?;
    form_request::done(session, "account-preferences-saved", None, paths::ACCOUNT).await
}
