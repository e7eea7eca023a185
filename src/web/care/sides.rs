//! Both sides of a linked booking, field by field, for Partner Care's read-only views (a
//! mismatch, a case). Differing fields are marked so the eye finds them.

use crate::db::link_sides::Snapshot;
use crate::db::{Db, links};
use crate::domain::Sides;
use crate::web::page::Page;
// Booking statuses are named as on the partner's pages.
pub use crate::web::bookings::row::status_key;

/// One field of the booking on both sides.
pub struct SideField {
    pub label_key: &'static str,
    pub values: Sides<String>,
    pub differs: bool,
}

/// A linked booking as Partner Care reads it.
pub struct SidesView {
    pub link_id: i64,
    pub voucher_code: Option<String>,
    /// Each side not seen yet, or gone from its system.
    pub missing: Sides<bool>,
    pub has_open_case: bool,
    pub fields: Vec<SideField>,
}

/// A text value for people: an empty one is shown as a dash.
fn text(value: &str) -> String {
    if value.is_empty() {
        "—".into()
    } else {
        value.to_string()
    }
}

/// Reads link `link_id` with its service names; `None` when it does not exist.
pub async fn load(db: &Db, page: &Page, link_id: i64) -> Result<Option<SidesView>, sqlx::Error> {
    let Some(row) = links::find_row(db, link_id).await? else {
        return Ok(None);
    };
    let sides = &row.sides;
    let field = |label_key, differs, shown: &dyn Fn(&Snapshot) -> String| SideField {
        label_key,
        values: sides
            .as_ref()
            .map(|_, side| side.as_ref().map_or_else(|| "—".into(), shown)),
        differs,
    };
    let fields = vec![
        field("booking-field-time", sides.time_differs(), &|s| {
            // A time span for people: start date and time, end time.
            format!("{} – {}", page.datetime(s.start_at), page.time(s.end_at))
        }),
        field("booking-field-service", sides.service_differs(), &|s| {
            s.service_label(page)
        }),
        field("booking-field-status", sides.status_differs(), &|s| {
            page.t(s.status_key())
        }),
        field("booking-field-name", sides.name_differs(), &|s| {
            text(&s.customer_name)
        }),
        field("booking-field-email", sides.email_differs(), &|s| {
            text(&s.customer_email)
        }),
        field("booking-field-phone", sides.phone_differs(), &|s| {
            text(&s.customer_phone)
        }),
        field("booking-field-external-id", false, &|s| {
            text(&s.external_id)
        }),
    ];
    Ok(Some(SidesView {
        link_id: row.id,
        voucher_code: row.voucher_code.clone(),
        missing: sides.gone(),
        has_open_case: row.has_open_case != 0,
        fields,
    }))
}
