//! What happens once a password is right: the session becomes the user's, or — for a user
//! with a second factor, or staff who must have one — it waits for the second step
//! ([`crate::web::second_step`]). Login, the second step and enrolment all end here.

use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::auth::second_factor::required_for;
use crate::db::sessions::USER_ID_KEY;
use crate::db::{second_factor, users};
use crate::web::csrf::{self, CSRF_KEY};
use crate::web::error::AppError;
use crate::web::paths;
use crate::web::session::{LANG_KEY, LOGIN_AT_KEY, SEEN_AT_KEY};
use crate::web::state::AppState;

/// The user whose password was right and who owes the second step.
pub const PENDING_USER_KEY: &str = "pending_user";
/// When the password was right; the second step must follow within [`PENDING_TTL`].
pub const PENDING_AT_KEY: &str = "pending_at";
/// Where to go once logged in.
pub const PENDING_NEXT_KEY: &str = "pending_next";
/// The secret offered for enrolment, until a code confirms it.
pub const ENROL_SECRET_KEY: &str = "enrol_secret";
/// How long the second step may take.
pub const PENDING_TTL: i64 = 5 * 60;

/// Makes the session `user`'s: a new id (no fixation), a new CSRF token.
pub async fn establish(
    session: &Session,
    user_id: i64,
    locale: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    for key in [
        PENDING_USER_KEY,
        PENDING_AT_KEY,
        PENDING_NEXT_KEY,
        ENROL_SECRET_KEY,
    ] {
        session.remove_value(key).await?;
    }
    session.insert(USER_ID_KEY, user_id).await?;
    session.insert(LOGIN_AT_KEY, now).await?;
    session.insert(SEEN_AT_KEY, now).await?;
    session.insert(CSRF_KEY, csrf::new_token()).await?;
    if let Some(locale) = locale {
        session.insert(LANG_KEY, locale).await?;
    }
    Ok(())
}

/// Whether a right password alone does not log `user` in: they have a second factor, or are
/// staff who must have one.
pub async fn owes_second_step(state: &AppState, user: &users::User) -> Result<bool, AppError> {
    let enrolled = second_factor::secret(&state.db, user.id).await?.is_some();
    let must = user
        .role()
        .is_some_and(|role| required_for(role, state.config.staff_second_factor));
    Ok(enrolled || must)
}

/// After a right password: logs in, or asks for the second step.
pub async fn after_password(
    state: &AppState,
    session: &Session,
    user: &users::User,
    now: i64,
    next: &str,
) -> Result<Response, AppError> {
    if !owes_second_step(state, user).await? {
        establish(session, user.id, user.locale.as_deref(), now).await?;
        let target = paths::local_redirect_target(next).unwrap_or(paths::HOME);
        return Ok(Redirect::to(target).into_response());
    }
    session.cycle_id().await?;
    session.remove_value(ENROL_SECRET_KEY).await?;
    session.insert(PENDING_USER_KEY, user.id).await?;
    session.insert(PENDING_AT_KEY, now).await?;
    session.insert(PENDING_NEXT_KEY, next).await?;
    session.insert(CSRF_KEY, csrf::new_token()).await?;
    if let Some(locale) = &user.locale {
        session.insert(LANG_KEY, locale).await?;
    }
    Ok(Redirect::to(paths::LOGIN_SECOND_FACTOR).into_response())
}
