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
    /// The system's own version of this state, where it has one (Termino's `version`): a
    /// snapshot read earlier never overwrites one of a later version.
    pub remote_version: Option<i64>,
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

impl RemoteBooking {
    /// A hash over everything that matters for comparison (not `raw` or `updated_at`), so a
    /// poll can tell an unchanged booking from a changed one without field-by-field checks.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let content = serde_json::json!([
            self.system.as_str(),
            self.external_id,
            self.start_at,
            self.end_at,
            self.service_id,
            self.customer.name,
            self.customer.email,
            self.customer.phone,
            self.status.as_str(),
            self.voucher_code,
            self.counterpart_id,
            self.self_rescheduled,
        ]);
        hex::encode(Sha256::digest(content.to_string().as_bytes()))
    }
}

impl NewBooking {
    /// Whether `existing`, a booking already in the target system, stands for this one: it is
    /// live and carries the same voucher, or names the same counterpart, or is at the same time
    /// for the same customer. Creating this booking next to it would book the customer twice.
    pub fn stands_in(&self, existing: &RemoteBooking) -> bool {
        if existing.status == BookingStatus::Cancelled {
            return false;
        }
        let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        same(&self.voucher_code, &existing.voucher_code)
            || same(&self.counterpart_id, &existing.counterpart_id)
            || (self.start_at == existing.start_at
                && self.end_at == existing.end_at
                && self.customer.name.trim() == existing.customer.name.trim()
                && self
                    .customer
                    .email
                    .trim()
                    .eq_ignore_ascii_case(existing.customer.email.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_create(b: &RemoteBooking) -> NewBooking {
        NewBooking {
            start_at: b.start_at,
            end_at: b.end_at,
            service_id: b.service_id.clone(),
            customer: b.customer.clone(),
            voucher_code: b.voucher_code.clone(),
            counterpart_id: b.counterpart_id.clone(),
        }
    }

    #[test]
    fn a_live_booking_with_the_voucher_the_counterpart_or_the_slot_and_customer_stands_in() {
        let existing = booking();
        let mut wanted = to_create(&existing);
        wanted.start_at += 3600;
        wanted.end_at += 3600;
        wanted.counterpart_id = None;
        assert!(wanted.stands_in(&existing), "same voucher, moved");
        wanted.voucher_code = Some("SLV-2".into());
        wanted.counterpart_id = Some("t-1".into());
        assert!(wanted.stands_in(&existing), "names the same counterpart");
        let mut same_slot = to_create(&existing);
        same_slot.voucher_code = None;
        same_slot.counterpart_id = None;
        same_slot.customer.email = "JANA@example.test ".into();
        assert!(same_slot.stands_in(&existing), "same slot, same customer");
        same_slot.customer.name = "Eva".into();
        assert!(!same_slot.stands_in(&existing), "another customer");
        let mut cancelled = existing.clone();
        cancelled.status = BookingStatus::Cancelled;
        assert!(
            !to_create(&existing).stands_in(&cancelled),
            "a cancelled one frees the voucher"
        );
        let mut bare = to_create(&existing);
        bare.voucher_code = None;
        bare.counterpart_id = None;
        bare.start_at += 60;
        let mut unmarked = existing;
        unmarked.voucher_code = None;
        unmarked.counterpart_id = None;
        assert!(
            !bare.stands_in(&unmarked),
            "no voucher, no counterpart, another time"
        );
    }

    fn booking() -> RemoteBooking {
        RemoteBooking {
            system: System::Reservio,
            external_id: "r-1".into(),
            start_at: 1_800_000_000,
            end_at: 1_800_003_600,
            service_id: "svc-1".into(),
            customer: Customer {
                name: "Jana Nováková".into(),
                email: "jana@example.test".into(),
                phone: "+420 777 000 111".into(),
            },
            status: BookingStatus::Confirmed,
            voucher_code: Some("SLV-1".into()),
            counterpart_id: Some("t-1".into()),
            self_rescheduled: false,
            updated_at: Some(1),
            remote_version: None,
            raw: "{}".into(),
        }
    }

    #[test]
    fn the_content_hash_ignores_the_raw_payload_and_timestamps() {
        let a = booking();
        let mut b = booking();
        b.raw = "{\"other\":true}".into();
        b.updated_at = Some(99);
        assert_eq!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn the_content_hash_sees_every_compared_field() {
        let a = booking();
        let changes: [fn(&mut RemoteBooking); 10] = [
            |b| b.start_at += 60,
            |b| b.end_at += 60,
            |b| b.service_id = "svc-2".into(),
            |b| b.customer.name = "Jana".into(),
            |b| b.customer.email = "x@example.test".into(),
            |b| b.customer.phone = "1".into(),
            |b| b.status = BookingStatus::Cancelled,
            |b| b.voucher_code = None,
            |b| b.counterpart_id = None,
            |b| b.self_rescheduled = true,
        ];
        for change in changes {
            let mut b = booking();
            change(&mut b);
            assert_ne!(a.content_hash(), b.content_hash());
        }
    }

    #[test]
    fn statuses_and_systems_round_trip() {
        for s in [
            BookingStatus::Pending,
            BookingStatus::Confirmed,
            BookingStatus::Cancelled,
            BookingStatus::Rejected,
        ] {
            assert_eq!(s.as_str().parse::<BookingStatus>(), Ok(s));
        }
        for s in System::BOTH {
            assert_eq!(s.as_str().parse::<System>(), Ok(s));
            assert_eq!(s.other().other(), s);
        }
        assert!(!BookingStatus::Cancelled.customer_will_come());
        assert!(BookingStatus::Rejected.customer_will_come());
    }
}
