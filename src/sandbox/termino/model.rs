//! What the fake Termino stores and records: reservations and the effects of API calls.

use serde::Serialize;
use serde_json::{Value, json};

use crate::domain::{BookingStatus, Customer};
use crate::systems::termino::format_rfc3339;

/// One reservation as the fake stores it; times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub id: String,
    pub voucher_code: String,
    pub offer_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub customer: Customer,
    pub status: BookingStatus,
    /// The customer has used their one self-reschedule.
    pub self_rescheduled: bool,
    pub reservio_booking_id: Option<String>,
    /// The server-wide version of its latest change.
    pub version: u64,
    pub updated_at: i64,
}

impl Reservation {
    /// The documented JSON shape.
    pub fn to_json(&self) -> Value {
        // Every time stored went through `check_slot` or came from the clock, so formatting
        // cannot fail for them; an empty string would show up loudly in a test if it did.
        let time = |t: i64| format_rfc3339(t).unwrap_or_default();
        json!({
            "id": self.id,
            "voucher_code": self.voucher_code,
            "offer_id": self.offer_id,
            "start": time(self.start_at),
            "end": time(self.end_at),
            "customer": self.customer,
            "status": self.status.as_str(),
            "self_rescheduled": self.self_rescheduled,
            "reservio_booking_id": self.reservio_booking_id,
            "version": self.version,
            "updated_at": time(self.updated_at),
        })
    }
}

/// What an API call changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    CreateReservation,
    Reschedule,
    UpdateCustomer,
    CancelReservation,
    CancelVoucher,
    ReissueVoucher,
}

/// One state change applied through the API, so tests can check it happened exactly once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Effect {
    pub kind: EffectKind,
    pub partner_id: String,
    pub reservation_id: String,
    pub idempotency_key: String,
}
