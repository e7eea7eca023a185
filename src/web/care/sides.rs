//! Both sides of a linked booking, field by field, for Partner Care's read-only views (a
//! mismatch, a case). Differing fields are marked so the eye finds them.

use std::collections::HashMap;

use crate::db::links::{self, LinkRow};
use crate::db::{Db, connections};
use crate::web::page::Page;
// Booking statuses are named as on the partner's pages.
pub use crate::web::bookings::row::status_key;

/// One field of the booking on both sides.
pub struct SideField {
    pub label_key: &'static str,
    pub reservio: String,
    pub termino: String,
    pub differs: bool,
}

/// A linked booking as Partner Care reads it.
pub struct Sides {
    pub link_id: i64,
    pub voucher_code: Option<String>,
    pub reservio_missing: bool,
    pub termino_missing: bool,
    pub has_open_case: bool,
    pub fields: Vec<SideField>,
}

/// A time span for people: start date and time, end time.
fn span(page: &Page, start: Option<i64>, end: Option<i64>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{} – {}", page.datetime(start), page.time(end)),
        _ => "—".into(),
    }
}

fn text(value: &Option<String>) -> String {
    match value.as_deref() {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "—".into(),
    }
}

/// Reads link `link_id` with its service names; `None` when it does not exist.
pub async fn load(db: &Db, page: &Page, link_id: i64) -> Result<Option<Sides>, sqlx::Error> {
    let Some(row) = links::find_row(db, link_id).await? else {
        return Ok(None);
    };
    let mappings = connections::mappings(db, row.connection_id).await?;
    let service_names: HashMap<&str, &str> = mappings
        .iter()
        .map(|m| {
            (
                m.reservio_service_id.as_str(),
                m.reservio_service_name.as_str(),
            )
        })
        .collect();
    let offer_names: HashMap<&str, &str> = mappings
        .iter()
        .map(|m| (m.termino_offer_id.as_str(), m.termino_offer_name.as_str()))
        .collect();
    let offer_for_service: HashMap<&str, &str> = mappings
        .iter()
        .map(|m| (m.reservio_service_id.as_str(), m.termino_offer_id.as_str()))
        .collect();
    let name_of = |names: &HashMap<&str, &str>, id: &Option<String>| match id.as_deref() {
        Some(id) => match names.get(id) {
            Some(name) => (*name).to_string(),
            None => page.t_value("bookings-service-unmapped", id),
        },
        None => "—".into(),
    };
    let both = row.r_id.is_some() && row.t_id.is_some();
    let differs = |a: &Option<String>, b: &Option<String>| both && a != b;
    let fields = vec![
        SideField {
            label_key: "booking-field-time",
            reservio: span(page, row.r_start_at, row.r_end_at),
            termino: span(page, row.t_start_at, row.t_end_at),
            differs: both && (row.r_start_at, row.r_end_at) != (row.t_start_at, row.t_end_at),
        },
        SideField {
            label_key: "booking-field-service",
            reservio: name_of(&service_names, &row.r_service_id),
            termino: name_of(&offer_names, &row.t_service_id),
            differs: both
                && row
                    .r_service_id
                    .as_deref()
                    .and_then(|s| offer_for_service.get(s).copied())
                    != row.t_service_id.as_deref(),
        },
        status_field(page, &row, both),
        SideField {
            label_key: "booking-field-name",
            reservio: text(&row.r_customer_name),
            termino: text(&row.t_customer_name),
            differs: differs(&row.r_customer_name, &row.t_customer_name),
        },
        SideField {
            label_key: "booking-field-email",
            reservio: text(&row.r_customer_email),
            termino: text(&row.t_customer_email),
            differs: differs(&row.r_customer_email, &row.t_customer_email),
        },
        SideField {
            label_key: "booking-field-phone",
            reservio: text(&row.r_customer_phone),
            termino: text(&row.t_customer_phone),
            differs: differs(&row.r_customer_phone, &row.t_customer_phone),
        },
        SideField {
            label_key: "booking-field-external-id",
            reservio: text(&row.r_external_id),
            termino: text(&row.t_external_id),
            differs: false,
        },
    ];
    Ok(Some(Sides {
        link_id: row.id,
        voucher_code: row.voucher_code.clone(),
        reservio_missing: row.r_id.is_none() || row.r_vanished_at.is_some(),
        termino_missing: row.t_id.is_none() || row.t_vanished_at.is_some(),
        has_open_case: row.has_open_case != 0,
        fields,
    }))
}

fn status_field(page: &Page, row: &LinkRow, both: bool) -> SideField {
    let shown = |status: &Option<String>| match status {
        Some(s) => page.t(status_key(s)),
        None => "—".into(),
    };
    SideField {
        label_key: "booking-field-status",
        reservio: shown(&row.r_status),
        termino: shown(&row.t_status),
        differs: both && row.r_status != row.t_status,
    }
}
