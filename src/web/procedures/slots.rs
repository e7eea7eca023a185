//! `GET /bookings/{id}/slots?date=YYYY-MM-DD&service=…`: the free slots of one day in Reservio,
//! as the radio buttons the reschedule and service-change forms load with htmx. Days and times
//! are the partner's wall clock, whoever reads them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::{booking_for, engine, partner_zone};
use crate::db::connections;
use crate::db::links::LinkRow;
use crate::i18n::Lang;
use crate::i18n::format::{format_date, format_time, start_of_day};
use crate::sync::procedure;
use crate::web::error::AppError;
use crate::web::extract::{Path, Query};
use crate::web::page::Page;
use crate::web::session::BookingUser;
use crate::web::state::AppState;

/// One free slot as a radio button.
#[derive(Clone, Debug)]
pub struct SlotChoice {
    /// What the form sends: `<start_unix>-<end_unix>`.
    pub value: String,
    /// When, e.g. `09:00–10:00`.
    pub label: String,
    pub checked: bool,
}

/// The slots container: the free slots of a day, or why there are none to show.
#[derive(Clone, Debug, Default)]
pub struct SlotsView {
    /// Shown instead of the choices (a catalogue key).
    pub message: Option<&'static str>,
    /// The message is a problem, not a hint.
    pub alert: bool,
    pub choices: Vec<SlotChoice>,
    /// The day, formatted.
    pub day: String,
    /// The partner's time zone, by name.
    pub zone: String,
    /// The slot field's own error (from a submitted form).
    pub error: Option<&'static str>,
}

impl SlotsView {
    pub fn hint(key: &'static str) -> Self {
        SlotsView {
            message: Some(key),
            ..SlotsView::default()
        }
    }

    pub fn problem(key: &'static str) -> Self {
        SlotsView {
            message: Some(key),
            alert: true,
            ..SlotsView::default()
        }
    }
}

/// Which slots to show: a service of the booking's connection on one day.
pub struct SlotQuery<'a> {
    pub service: &'a str,
    /// `YYYY-MM-DD`; empty until a day is chosen.
    pub date: &'a str,
    /// The slot chosen before (kept checked when the form comes back).
    pub selected: &'a str,
}

/// Whether `service` is one the booking's slots may be asked for: its own service or a mapped
/// one of its connection.
async fn known_service(state: &AppState, row: &LinkRow, service: &str) -> Result<bool, AppError> {
    if row.reservio_service() == Some(service) {
        return Ok(true);
    }
    let mappings = connections::mappings(&state.db, row.connection_id).await?;
    Ok(mappings.iter().any(|m| m.reservio_service_id == service))
}

/// The free slots for `query`, and the status the fragment answers with (422 for a date or a
/// service that cannot be used).
pub async fn load(
    state: &AppState,
    lang: Lang,
    row: &LinkRow,
    query: &SlotQuery<'_>,
) -> Result<(SlotsView, StatusCode), AppError> {
    let Some(ctx) = engine(state) else {
        return Ok((
            SlotsView::problem("procedure-not-connected"),
            StatusCode::OK,
        ));
    };
    let service = query.service.trim();
    if service.is_empty() {
        return Ok((
            SlotsView::hint("procedure-slots-choose-service"),
            StatusCode::OK,
        ));
    }
    if !known_service(state, row, service).await? {
        return Ok((
            SlotsView::problem("procedure-error-unmapped"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let date = query.date.trim();
    if date.is_empty() {
        return Ok((
            SlotsView::hint("procedure-slots-choose-date"),
            StatusCode::OK,
        ));
    }
    let bad_date = || {
        (
            SlotsView::problem("procedure-slot-bad-date"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Ok(day) = date.parse::<Date>() else {
        return Ok(bad_date());
    };
    let (tz, zone) = partner_zone(state, row.partner_id).await?;
    let bounds = day
        .tomorrow()
        .ok()
        .and_then(|next| Some((start_of_day(day, &tz)?, start_of_day(next, &tz)?)));
    let Some((from, to)) = bounds else {
        return Ok(bad_date());
    };
    let Some(conn) = connections::find(&state.db, row.connection_id).await? else {
        return Ok((
            SlotsView::problem("procedure-error-no_connection"),
            StatusCode::OK,
        ));
    };
    let resource = procedure::booking_resource(ctx, row).await;
    let view = match procedure::free_slots(ctx, &conn, service, resource.as_deref(), from, to).await
    {
        Ok(free) if free.is_empty() => SlotsView::hint("procedure-slots-empty"),
        Ok(free) => SlotsView {
            choices: free
                .into_iter()
                .map(|(start, end)| {
                    let value = format!("{start}-{end}");
                    SlotChoice {
                        label: format!(
                            "{}–{}",
                            format_time(lang, start, &tz),
                            format_time(lang, end, &tz)
                        ),
                        checked: value == query.selected.trim(),
                        value,
                    }
                })
                .collect(),
            ..SlotsView::default()
        },
        Err(e) => {
            tracing::warn!(link = row.id, error = %e, "free slots could not be read");
            SlotsView::problem("procedure-slots-error")
        }
    };
    Ok((
        SlotsView {
            day: format_date(lang, from, &tz),
            zone,
            ..view
        },
        StatusCode::OK,
    ))
}

#[derive(Default, Deserialize)]
pub struct SlotsParams {
    #[serde(default)]
    date: String,
    /// The Reservio service; the booking's own when absent (an empty one asks to choose).
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    slot: String,
}

/// The slots container on its own, for htmx to swap in.
#[derive(Template, WebTemplate)]
#[template(path = "procedures/slots.html")]
pub struct SlotsFragment {
    pub page: Page,
    pub slots: SlotsView,
}

pub async fn fragment(
    State(state): State<AppState>,
    who: BookingUser,
    page: Page,
    Path(id): Path<i64>,
    Query(params): Query<SlotsParams>,
) -> Result<Response, AppError> {
    let row = booking_for(&state, &who, id).await?;
    let own = row.reservio_service().unwrap_or_default().to_string();
    let service = params.service.as_deref().unwrap_or(own.as_str());
    let query = SlotQuery {
        service,
        date: &params.date,
        selected: &params.slot,
    };
    let (slots, status) = load(&state, page.lang, &row, &query).await?;
    Ok((status, SlotsFragment { page, slots }).into_response())
}
