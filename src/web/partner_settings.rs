//! An admin sets a partner's time zone and language: its users read times on the partner's
//! wall clock and pages in its language (unless they chose their own).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::audit::{self, Event};
use crate::db::partners;
use crate::i18n::Lang;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::page::{FlashKind, flash};
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::session::AdminUser;
use crate::web::state::AppState;

/// The time zones partners work in: the channel's markets.
pub const TIME_ZONES: [&str; 6] = [
    "Europe/Prague",
    "Europe/Bratislava",
    "Europe/Warsaw",
    "Europe/Budapest",
    "Europe/Vienna",
    "Europe/Berlin",
];

#[derive(Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    timezone: String,
    /// A language code, or empty for "each reader's own".
    #[serde(default)]
    locale: String,
}

/// Saves a partner's time zone and language; anything outside the lists is refused.
pub async fn save(
    State(state): State<AppState>,
    admin: AdminUser,
    session: Session,
    request_id: RequestId,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let partner = partners::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(timezone) = TIME_ZONES.iter().find(|z| **z == form.timezone) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, "unknown time zone").into_response());
    };
    let locale = match form.locale.as_str() {
        "" => None,
        code => match Lang::from_code(code) {
            Some(lang) => Some(lang.code()),
            None => {
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, "unknown language").into_response());
            }
        },
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    partners::set_settings(&mut tx, id, timezone, locale).await?;
    audit::append(
        &mut tx,
        now,
        Event::new(&admin.0.actor(), "partner.settings_changed", "partner", id)
            .partner(Some(id))
            .before(serde_json::json!({ "timezone": partner.timezone, "locale": partner.locale }))
            .after(serde_json::json!({ "timezone": timezone, "locale": locale }))
            .request(Some(request_id.as_str())),
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        "flash-partner-settings",
        Some(partner.name),
    )
    .await?;
    Ok(Redirect::to(paths::ADMIN_PARTNERS).into_response())
}
