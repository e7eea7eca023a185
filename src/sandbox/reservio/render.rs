//! The fake Reservio's resources as JSON:API objects, shaped as `docs/reservio.md` shows.

use serde_json::{Value, json};

use super::store::FakeBooking;
use crate::systems::reservio::Service;
use crate::systems::reservio::wire::format_instant;

/// Instants the fake stored came from valid input, so formatting cannot fail for them; an
/// absurd one a test seeded directly is written as an empty string rather than crashing.
fn instant(at: i64) -> String {
    format_instant(at).unwrap_or_default()
}

pub fn service(service: &Service) -> Value {
    json!({
        "type": "service",
        "id": service.id,
        "attributes": {
            "name": service.name,
            // Seconds, like the slot sizes of Reservio's availability filters.
            "duration": u64::from(service.duration_minutes) * 60,
        },
    })
}

pub fn slot(service_id: &str, start: i64, end: i64) -> Value {
    json!({
        "type": "bookingSlot",
        "id": format!("{service_id}@{start}"),
        "attributes": { "start": instant(start), "end": instant(end) },
    })
}

pub fn booking(b: &FakeBooking) -> Value {
    json!({
        "type": "booking",
        "id": b.id,
        "attributes": {
            "state": b.state,
            "bookedClientName": b.customer.name,
            "note": b.note,
            "createdAt": instant(b.created_at),
            "updatedAt": instant(b.updated_at),
        },
        "relationships": {
            "event": { "data": { "type": "event", "id": b.event_id } },
            "client": { "data": { "type": "client", "id": b.client_id } },
        },
    })
}

pub fn event(b: &FakeBooking) -> Value {
    json!({
        "type": "event",
        "id": b.event_id,
        "attributes": {
            "start": instant(b.start_at),
            "end": instant(b.end_at),
            "name": b.customer.name,
            "eventType": "appointment",
        },
        "relationships": {
            "service": { "data": { "type": "service", "id": b.service_id } },
        },
    })
}

pub fn client(b: &FakeBooking) -> Value {
    json!({
        "type": "client",
        "id": b.client_id,
        "attributes": {
            "name": b.customer.name,
            "email": b.customer.email,
            "phone": b.customer.phone,
        },
    })
}

/// Which related resources a request asked for with `include=`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Include {
    pub event: bool,
    pub client: bool,
}

impl Include {
    pub const ALL: Include = Include {
        event: true,
        client: true,
    };

    /// The resources asked for, unless the server is switched to ignore `include`.
    pub fn parse(param: Option<&String>, quirks: &super::listing::ListingQuirks) -> Include {
        let mut include = Include::default();
        if quirks.include_ignored {
            return include;
        }
        for name in param.map(String::as_str).unwrap_or("").split(',') {
            match name.trim() {
                "event" => include.event = true,
                "client" => include.client = true,
                _ => {}
            }
        }
        include
    }

    pub fn resources(&self, b: &FakeBooking) -> Vec<Value> {
        let mut resources = Vec::new();
        if self.event {
            resources.push(event(b));
        }
        if self.client {
            resources.push(client(b));
        }
        resources
    }
}

pub fn booking_document(b: &FakeBooking, include: &Include) -> Value {
    json!({ "data": booking(b), "included": include.resources(b) })
}
