//! Bookings as the two external systems report them, normalised to one shape.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the two systems whose bookings must agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum System {
    /// The partner's booking calendar.
    Reservio,
    /// The channel's (Slevomat's) booking tool; every reservation belongs to a voucher.
    Termino,
}

impl System {
    pub const BOTH: [System; 2] = [System::Reservio, System::Termino];

    pub fn as_str(self) -> &'static str {
        match self {
            System::Reservio => "reservio",
            System::Termino => "termino",
        }
    }

    /// The system on the other side of a link.
    pub fn other(self) -> System {
        match self {
            System::Reservio => System::Termino,
            System::Termino => System::Reservio,
        }
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for System {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reservio" => Ok(System::Reservio),
            "termino" => Ok(System::Termino),
            other => Err(format!("unknown system {other:?}")),
        }
    }
}

/// Where a booking stands, in either system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingStatus {
    /// Waiting for the partner to confirm it (FAQ rule 4: still valid).
    Pending,
    Confirmed,
    /// Cancelled (Reservio spells it `canceled`, Termino `cancelled`).
    Cancelled,
    /// Rejected or declined by the partner (FAQ rule 4: still valid unless Partner Care agreed).
    Rejected,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Pending => "pending",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Rejected => "rejected",
        }
    }

    /// Whether the customer should be expected: pending, confirmed, and (rule 4) rejected
    /// bookings all still count.
    pub fn customer_will_come(self) -> bool {
        !matches!(self, BookingStatus::Cancelled)
    }
}

impl FromStr for BookingStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(BookingStatus::Pending),
            "confirmed" => Ok(BookingStatus::Confirmed),
            "cancelled" => Ok(BookingStatus::Cancelled),
            "rejected" => Ok(BookingStatus::Rejected),
            other => Err(format!("unknown booking status {other:?}")),
        }
    }
}

/// Who booked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// One booking as one system reports it right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteBooking {
    pub system: System,
    /// The booking's id in its own system.
    pub external_id: String,
    /// Unix seconds, UTC.
    pub start_at: i64,
    pub end_at: i64,
    /// The system's own service id: a Reservio service id or a Termino offer id.
    pub service_id: String,
    pub customer: Customer,
    pub status: BookingStatus,
    pub voucher_code: Option<String>,
    /// The other system's id for the same appointment, where this system stores it.
    pub counterpart_id: Option<String>,
    /// Termino: whether the customer has used their one self-reschedule.
    pub self_rescheduled: bool,
    /// When the system last changed it, if it says.
    pub updated_at: Option<i64>,
    /// The payload as received, kept for diagnosis.
    pub raw: String,
}

/// A booking to create in one system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBooking {
    pub start_at: i64,
    pub end_at: i64,
    /// The target system's service id.
    pub service_id: String,
    pub customer: Customer,
    pub voucher_code: Option<String>,
    /// The id of the same appointment in the other system.
    pub counterpart_id: Option<String>,
}
