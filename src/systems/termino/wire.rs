//! The Termino API's JSON, read defensively: every malformed answer becomes a
//! [`SystemError::InvalidPayload`], never a panic.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::timestamp::parse_rfc3339;
use crate::domain::{BookingStatus, Customer, RemoteBooking, System};
use crate::systems::SystemError;

/// A product the channel sells vouchers for; mapped to a Reservio service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    pub name: String,
    /// How long one visit takes.
    pub duration_minutes: u32,
}

/// The outcome of a service change (FAQ rule 5): the old voucher is cancelled together with its
/// reservation, and a new voucher is issued that has no reservation yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reissued {
    /// The old voucher's reservation, now cancelled.
    pub cancelled: RemoteBooking,
    /// The code of the voucher issued for the new offer.
    pub new_voucher_code: String,
}

/// A reservation exactly as the API spells it; checked further in [`reservation_from_value`].
#[derive(Deserialize)]
struct ReservationWire {
    id: String,
    voucher_code: String,
    offer_id: String,
    start: String,
    end: String,
    customer: Customer,
    status: String,
    self_rescheduled: bool,
    reservio_booking_id: Option<String>,
    version: u64,
    updated_at: String,
}

#[derive(Deserialize)]
struct ChangesWire {
    reservations: Vec<Value>,
    next_cursor: String,
    has_more: bool,
}

#[derive(Deserialize)]
struct OffersWire {
    offers: Vec<Offer>,
}

#[derive(Deserialize)]
struct ReissuedWire {
    cancelled: Value,
    new_voucher_code: String,
}

#[derive(Deserialize)]
struct ErrorWire {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

fn invalid(what: &str, err: impl std::fmt::Display) -> SystemError {
    SystemError::InvalidPayload(format!("Termino {what}: {err}"))
}

/// One reservation as a [`RemoteBooking`]; `raw` keeps the item's JSON text.
pub(crate) fn reservation_from_value(value: &Value) -> Result<RemoteBooking, SystemError> {
    let wire = ReservationWire::deserialize(value).map_err(|e| invalid("reservation", e))?;
    let status = BookingStatus::from_str(&wire.status).map_err(|e| invalid("reservation", e))?;
    let time = |field: &str, text: &str| {
        parse_rfc3339(text).ok_or_else(|| {
            invalid(
                "reservation",
                format!("{field} {text:?} is not an RFC 3339 date-time"),
            )
        })
    };
    Ok(RemoteBooking {
        system: System::Termino,
        start_at: time("start", &wire.start)?,
        end_at: time("end", &wire.end)?,
        updated_at: Some(time("updated_at", &wire.updated_at)?),
        external_id: wire.id,
        service_id: wire.offer_id,
        customer: wire.customer,
        status,
        voucher_code: Some(wire.voucher_code),
        counterpart_id: wire.reservio_booking_id,
        self_rescheduled: wire.self_rescheduled,
        remote_version: Some(i64::try_from(wire.version).map_err(|e| invalid("reservation", e))?),
        raw: value.to_string(),
    })
}

/// A page of the change feed; each reservation is read on its own so one bad item cannot hide
/// the others.
pub(crate) struct Changes {
    pub bookings: Vec<Result<RemoteBooking, SystemError>>,
    pub next_cursor: String,
    pub has_more: bool,
}

pub(crate) fn changes_from_value(value: Value) -> Result<Changes, SystemError> {
    let wire = ChangesWire::deserialize(value).map_err(|e| invalid("change feed", e))?;
    if wire.next_cursor.is_empty() {
        return Err(invalid("change feed", "next_cursor is empty"));
    }
    Ok(Changes {
        bookings: wire
            .reservations
            .iter()
            .map(reservation_from_value)
            .collect(),
        next_cursor: wire.next_cursor,
        has_more: wire.has_more,
    })
}

pub(crate) fn offers_from_value(value: Value) -> Result<Vec<Offer>, SystemError> {
    OffersWire::deserialize(value)
        .map(|wire| wire.offers)
        .map_err(|e| invalid("offer list", e))
}

pub(crate) fn reissued_from_value(value: Value) -> Result<Reissued, SystemError> {
    let wire = ReissuedWire::deserialize(value).map_err(|e| invalid("reissue answer", e))?;
    if wire.new_voucher_code.is_empty() {
        return Err(invalid("reissue answer", "new_voucher_code is empty"));
    }
    Ok(Reissued {
        cancelled: reservation_from_value(&wire.cancelled)?,
        new_voucher_code: wire.new_voucher_code,
    })
}

/// The most useful text of an error answer: `code: message` when it has the documented shape,
/// else the start of the body.
pub(crate) fn describe_error_body(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorWire>(body) {
        Ok(wire) => format!("{}: {}", wire.error.code, wire.error.message),
        Err(_) => String::from_utf8_lossy(body).chars().take(500).collect(),
    }
}
