//! An admin sets a partner's time zone and language: its users read times on the partner's
//! wall clock and pages in its language (unless they chose their own).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::Event;
use crate::db::partners;
use crate::i18n::Lang;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, ActionRequest};
use crate::web::paths;
use crate::web::session::AdminUser;

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
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let state = &request.state;
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
    let actor = admin.0.actor();
    let event = Event::new(&actor, "partner.settings_changed", "partner", id)
        .partner(Some(id))
        .before(serde_json::json!({ "timezone": partner.timezone, "locale": partner.locale }))
        .after(serde_json::json!({ "timezone": timezone, "locale": locale }))
        .request(Some(request.request_id.as_str()));
    let (key, value) = ("flash-partner-settings", Some(partner.name));
    let session = &request.session;
    form_request::finish(tx, now, event, session, key, value, paths::ADMIN_PARTNERS).await
}
