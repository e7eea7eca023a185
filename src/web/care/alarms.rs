//! Listing health on the pages (issue 18): a connection whose listing suddenly shows far
//! fewer bookings has one alarm, shown to Partner Care and the partner, which Partner Care can
//! confirm ("the bookings really are gone") so that the sync marks them; bookings a poll could
//! not read are one line per connection and cause, with a count.

use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;

use crate::audit::Event;
use crate::db::listing::{self, AlarmRecord, ListingIssue};
use crate::i18n;
use crate::web::bookings::row::system_key;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::form_request::{self, ActionRequest};
use crate::web::page::{FlashKind, Page, flash};
use crate::web::paths;
use crate::web::session::CareUser;
use crate::web::state::AppState;

/// An unresolved alarm with its sentence.
pub struct AlarmView {
    pub alarm: AlarmRecord,
    pub text: String,
}

/// A connection's unread bookings with their sentence.
pub struct IssueView {
    pub issue: ListingIssue,
    pub text: String,
}

/// "Reservio suddenly shows N fewer bookings — check the connection."
pub fn alarm_view(page: &Page, alarm: AlarmRecord) -> AlarmView {
    let system = page.t(system_key(&alarm.system));
    let text = i18n::text_with(
        page.lang,
        "listing-alarm",
        &[
            ("system", FluentValue::from(system)),
            ("count", FluentValue::from(alarm.missing)),
        ],
    );
    AlarmView { alarm, text }
}

/// "Reservio: N bookings could not be read since … (cause)."
pub fn issue_view(page: &Page, issue: ListingIssue) -> IssueView {
    let system = page.t(system_key(&issue.system));
    let text = i18n::text_with(
        page.lang,
        "listing-unreadable",
        &[
            ("system", FluentValue::from(system)),
            ("count", FluentValue::from(issue.unreadable)),
            ("since", FluentValue::from(page.datetime(issue.since))),
            ("cause", FluentValue::from(issue.cause.clone())),
        ],
    );
    IssueView { issue, text }
}

/// A connection whose credentials a system refused, with its sentence.
pub struct ExpiredView {
    pub expired: crate::db::holds::ExpiredCredentials,
    pub text: String,
}

/// "Reservio refused this connection's credentials on …: bookbridge writes nothing …"
pub fn expired_view(page: &Page, expired: crate::db::holds::ExpiredCredentials) -> ExpiredView {
    let system = match expired.system.as_deref() {
        Some(system) => page.t(system_key(system)),
        None => page.t("credentials-system-unknown"),
    };
    let text = i18n::text_with(
        page.lang,
        "credentials-expired-banner",
        &[
            ("system", FluentValue::from(system)),
            ("since", FluentValue::from(page.datetime(expired.since))),
            ("held", FluentValue::from(expired.held)),
        ],
    );
    ExpiredView { expired, text }
}

/// Connections with refused credentials, for everyone (`None`) or one partner.
pub async fn load_expired(
    state: &AppState,
    page: &Page,
    partner_id: Option<i64>,
) -> Result<Vec<ExpiredView>, AppError> {
    Ok(crate::db::holds::expired_credentials(&state.db, partner_id)
        .await?
        .into_iter()
        .map(|e| expired_view(page, e))
        .collect())
}

/// Unresolved alarms and listing issues, for everyone (`None`) or one partner.
pub async fn load(
    state: &AppState,
    page: &Page,
    partner_id: Option<i64>,
) -> Result<(Vec<AlarmView>, Vec<IssueView>), AppError> {
    let alarms = listing::unresolved_alarms(&state.db, partner_id)
        .await?
        .into_iter()
        .map(|a| alarm_view(page, a))
        .collect();
    let issues = listing::issues(&state.db, partner_id)
        .await?
        .into_iter()
        .map(|i| issue_view(page, i))
        .collect();
    Ok((alarms, issues))
}

/// Partner Care confirms the bookings really are gone: the next clean listing marks them
/// vanished (each a `deleted_remotely` mismatch) and resolves the alarm.
pub async fn confirm(
    user: CareUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (state, session) = (&request.state, &request.session);
    let alarm = listing::find_alarm(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !listing::confirm_alarm(&mut tx, id, user.0.id, now).await? {
        drop(tx);
        flash(session, FlashKind::Error, "listing-alarm-refused", None).await?;
        return Ok(Redirect::to(paths::CARE_MISMATCHES).into_response());
    }
    let actor = user.0.actor();
    let event = Event::new(&actor, "connection.alarm_confirmed", "connection_alarm", id)
        .partner(Some(alarm.partner_id))
        .before(serde_json::json!({ "state": alarm.state }))
        .after(serde_json::json!({
            "state": "confirmed",
            "connection_id": alarm.connection_id,
            "system": alarm.system,
            "missing": alarm.missing,
        }))
        .request(Some(request.request_id.as_str()));
    let (key, to) = ("listing-alarm-confirmed", paths::CARE_MISMATCHES);
    form_request::finish(tx, now, event, session, key, None, to).await
}
