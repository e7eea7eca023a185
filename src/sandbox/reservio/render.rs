//! The fake Reservio's resources as JSON:API objects, shaped as `docs/reservio.md` shows.

use serde_json::{Value, json};

use super::store::{Business, FakeBooking};
use crate::systems::reservio::Service;
use crate::systems::reservio::wire::format_instant;

/// Writes `at` with the offset `zone` has then (`+01:00` in Prague in winter), as Reservio
/// writes the business's local offset. Instants the fake stored came from valid input; an
/// absurd one a test seeded directly, or an unknown zone, falls back to UTC or an empty string
/// rather than crashing.
fn instant(at: i64, zone: &str) -> String {
    let local = jiff::tz::TimeZone::get(zone)
        .ok()
        .zip(jiff::Timestamp::from_second(at).ok())
        .map(|(tz, ts)| {
            ts.to_zoned_datetime(tz)
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        });
    local.unwrap_or_else(|| format_instant(at).unwrap_or_default())
}

/// `GET /businesses/{id}`: name, time zone and opening hours (the fake's hours are the same
/// every day and kept in UTC; the zone only shapes how instants are written).
pub fn business(id: &str, b: &Business) -> Value {
    let minute = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let days: Vec<Value> = (1..=7)
        .map(|day| {
            json!({ "day": day, "from": minute(b.hours.open_minute),
                    "to": minute(b.hours.close_minute), "timezone": "UTC" })
        })
        .collect();
    json!({
        "type": "business",
        "id": id,
        "attributes": {
            "name": b.name,
            "timezone": b.timezone,
            "openingHours": days,
            "slotSize": u64::from(b.hours.slot_minutes) * 60,
        },
    })
}

pub fn resource(r: &super::store::Resource) -> Value {
    json!({ "type": "resource", "id": r.id, "attributes": { "name": r.name } })
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

pub fn slot(service_id: &str, slot: &super::store::FreeSlot, zone: &str) -> Value {
    let (resource, start, end) = slot;
    json!({
        "type": "timeSlot",
        "id": format!("{service_id}@{resource}@{start}"),
        "attributes": { "start": instant(*start, zone), "end": instant(*end, zone) },
        "relationships": {
            "resource": { "data": { "type": "resource", "id": resource } },
        },
    })
}

/// A booking; a rejected one carries the word the quirks say.
pub fn booking(b: &FakeBooking, zone: &str, rejected_as: &str) -> Value {
    let state = if b.state == crate::systems::reservio::wire::state::REJECTED {
        rejected_as
    } else {
        b.state.as_str()
    };
    json!({
        "type": "booking",
        "id": b.id,
        "attributes": {
            "state": state,
            "bookedClientName": b.customer.name,
            "note": b.note,
            "createdAt": instant(b.created_at, zone),
            "updatedAt": instant(b.updated_at, zone),
        },
        "relationships": {
            "event": { "data": { "type": "event", "id": b.event_id } },
            "client": { "data": { "type": "client", "id": b.client_id } },
        },
    })
}

pub fn event(b: &FakeBooking, zone: &str) -> Value {
    json!({
        "type": "event",
        "id": b.event_id,
        "attributes": {
            "start": instant(b.start_at, zone),
            "end": instant(b.end_at, zone),
            "name": b.customer.name,
            "eventType": if b.group { "groupEvent" } else { "appointment" },
        },
        "relationships": {
            "service": { "data": { "type": "service", "id": b.service_id } },
            "resource": { "data": { "type": "resource", "id": b.resource_id } },
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

    pub fn resources(&self, b: &FakeBooking, zone: &str) -> Vec<Value> {
        let mut resources = Vec::new();
        if self.event {
            resources.push(event(b, zone));
        }
        if self.client {
            resources.push(client(b));
        }
        resources
    }
}

pub fn booking_document(
    b: &FakeBooking,
    include: &Include,
    zone: &str,
    rejected_as: &str,
) -> Value {
    json!({ "data": booking(b, zone, rejected_as), "included": include.resources(b, zone) })
}
