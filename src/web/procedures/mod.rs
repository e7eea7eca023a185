//! The guided procedures' pages (DESIGN.md, "Guided procedures"): the start form of each
//! procedure with its plan, the free slots a move can take, and one procedure's live progress
//! with its retry and abandon actions.
//!
//! A partner acts on its own bookings only (another partner's is not found); Partner Care acts
//! for any partner; every other role is refused.

pub mod actions;
pub mod form;
pub mod labels;
pub mod progress;
pub mod slots;
pub mod start;

use jiff::tz::TimeZone;

use crate::db::links::{self, LinkRow};
use crate::db::partners;
use crate::i18n::format::{default_time_zone, time_zone};
use crate::sync::SyncContext;
use crate::web::error::AppError;
use crate::web::session::BookingUser;
use crate::web::state::AppState;

/// The booking `id` if the user may act on it; another partner's booking is not found.
pub(crate) async fn booking_for(
    state: &AppState,
    who: &BookingUser,
    id: i64,
) -> Result<LinkRow, AppError> {
    match links::find_row(&state.db, id).await? {
        Some(row) if who.may_see(row.partner_id) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The partner's time zone and its name: slots are offered on the partner's wall clock,
/// whoever reads them.
pub(crate) async fn partner_zone(
    state: &AppState,
    partner_id: i64,
) -> Result<(TimeZone, String), AppError> {
    Ok(match partners::find(&state.db, partner_id).await? {
        Some(p) => (time_zone(&p.timezone), p.timezone),
        None => (
            default_time_zone(),
            crate::i18n::format::DEFAULT_TIME_ZONE.to_string(),
        ),
    })
}

/// How pages name a booking: its voucher code, else its number.
pub(crate) fn booking_title(row: &LinkRow) -> String {
    match &row.voucher_code {
        Some(code) if !code.is_empty() => code.clone(),
        _ => format!("#{}", row.id),
    }
}

/// The sync engine, when this server is connected to the booking systems.
pub(crate) fn engine(state: &AppState) -> Option<&SyncContext> {
    state.sync.as_ref()
}
