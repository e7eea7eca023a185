//! Reservio's JSON:API documents, read defensively and written by hand.
//!
//! Every read goes through `serde_json::Value` rather than typed structs: one booking with a
//! missing field or a value of the wrong type must fail alone, with a message that says which
//! field, and never take the rest of a listing down with it.

use std::collections::HashMap;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::note::NoteMarkers;
use crate::domain::{BookingStatus, Customer, RemoteBooking, System};
use crate::systems::SystemError;

/// The media type of JSON:API documents.
pub const JSON_API: &str = "application/vnd.api+json";

/// Reservio's booking states as they appear on the wire.
pub mod state {
    pub const CONFIRMED: &str = "confirmed";
    /// One "l", unlike Termino.
    pub const CANCELED: &str = "canceled";
    /// Awaiting the business's manual approval.
    pub const PENDING: &str = "pending";
    /// Turned down by the business.
    pub const REJECTED: &str = "rejected";
    /// Accepted as a synonym of `rejected`: Reservio's own help pages use both words.
    pub const DECLINED: &str = "declined";
}

/// Maps a wire state to ours; an unknown state is an error for that booking only.
pub fn status_from_state(value: &str) -> Result<BookingStatus, SystemError> {
    match value {
        state::CONFIRMED => Ok(BookingStatus::Confirmed),
        state::CANCELED => Ok(BookingStatus::Cancelled),
        state::PENDING => Ok(BookingStatus::Pending),
        state::REJECTED | state::DECLINED => Ok(BookingStatus::Rejected),
        other => Err(invalid(format!("unknown booking state {other:?}"))),
    }
}

/// Unix seconds as RFC 3339 in UTC, e.g. `2026-11-02T09:00:00Z`.
pub fn format_instant(unix: i64) -> Result<String, SystemError> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .ok_or_else(|| invalid(format!("instant {unix} cannot be written as RFC 3339")))
}

/// Reads an RFC 3339 date-time with any offset (Reservio writes the business's local offset).
pub fn parse_instant(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

pub fn invalid(message: impl Into<String>) -> SystemError {
    SystemError::InvalidPayload(message.into())
}

/// A top-level document's `data` array and its `included` resources.
pub struct ListPage {
    pub data: Vec<Value>,
    pub included: Vec<Value>,
    /// `meta.total` (Reservio's name; `meta.totalCount` is read too), when the server says.
    pub total: Option<u64>,
    /// Whether `links.next` is there; `None` when the document has no `links` at all.
    pub has_next: Option<bool>,
}

/// Splits a list document into its parts without judging the items yet.
pub fn list_page(document: Value) -> Result<ListPage, SystemError> {
    let Value::Object(mut top) = document else {
        return Err(invalid("the document is not a JSON object"));
    };
    let data = match top.remove("data") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("`data` is not an array")),
        None => return Err(invalid("the document has no `data`")),
    };
    let included = match top.remove("included") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(invalid("`included` is not an array")),
    };
    let meta = top.get("meta");
    let total = meta
        .and_then(|meta| meta.get("total").or_else(|| meta.get("totalCount")))
        .and_then(Value::as_u64);
    let has_next = match top.get("links") {
        Some(Value::Object(links)) => Some(links.get("next").is_some_and(|n| !n.is_null())),
        _ => None,
    };
    Ok(ListPage {
        data,
        included,
        total,
        has_next,
    })
}

/// A single-resource document's `data` object and its `included` resources.
pub fn single(document: Value) -> Result<(Value, Vec<Value>), SystemError> {
    let page = match document {
        Value::Object(mut top) => {
            let data = top.remove("data");
            let included = match top.remove("included") {
                Some(Value::Array(items)) => items,
                None | Some(Value::Null) => Vec::new(),
                Some(_) => return Err(invalid("`included` is not an array")),
            };
            (data, included)
        }
        _ => return Err(invalid("the document is not a JSON object")),
    };
    match page {
        (Some(data @ Value::Object(_)), included) => Ok((data, included)),
        _ => Err(invalid("`data` is not a resource object")),
    }
}

/// Included resources by (type, id).
pub type Included = HashMap<(String, String), Value>;

/// Indexes included resources; entries without a string type and id are skipped (nothing can
/// point at them).
pub fn index_included(resources: Vec<Value>, into: &mut Included) {
    for resource in resources {
        let key = match (str_at(&resource, "/type"), str_at(&resource, "/id")) {
            (Some(kind), Some(id)) => (kind.to_string(), id.to_string()),
            _ => continue,
        };
        into.insert(key, resource);
    }
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// A required string field, with a message naming it when it is missing or not a string.
pub fn required_str<'a>(
    value: &'a Value,
    pointer: &str,
    what: &str,
) -> Result<&'a str, SystemError> {
    match value.pointer(pointer) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(invalid(format!("{what}: `{pointer}` is missing"))),
        Some(other) => Err(invalid(format!(
            "{what}: `{pointer}` is not a string but {}",
            kind_of(other)
        ))),
    }
}

/// An optional string field: absent and null read as empty, another type is an error.
fn optional_str<'a>(value: &'a Value, pointer: &str, what: &str) -> Result<&'a str, SystemError> {
    match value.pointer(pointer) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(invalid(format!(
            "{what}: `{pointer}` is not a string but {}",
            kind_of(other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A required RFC 3339 instant.
pub fn required_instant(value: &Value, pointer: &str, what: &str) -> Result<i64, SystemError> {
    let text = required_str(value, pointer, what)?;
    parse_instant(text)
        .ok_or_else(|| invalid(format!("{what}: `{pointer}` is not RFC 3339: {text:?}")))
}

/// The id of the event a booking belongs to.
pub fn event_id(booking: &Value) -> Result<&str, SystemError> {
    let what = booking_label(booking);
    required_str(booking, "/relationships/event/data/id", &what)
}

/// "booking <id>" for messages, or "a booking without an id".
pub fn booking_label(booking: &Value) -> String {
    match str_at(booking, "/id") {
        Some(id) => format!("booking {id}"),
        None => "a booking without an id".to_string(),
    }
}

/// Maps one JSON:API booking, with its included event and client, to our shape.
pub fn booking_from(item: &Value, included: &Included) -> Result<RemoteBooking, SystemError> {
    let what = booking_label(item);
    let id = required_str(item, "/id", &what)?;
    let status = status_from_state(required_str(item, "/attributes/state", &what)?)
        .map_err(|e| invalid(format!("{what}: {e}")))?;
    let note = optional_str(item, "/attributes/note", &what)?;
    let markers = NoteMarkers::parse(note);

    let event_key = ("event".to_string(), event_id(item)?.to_string());
    let event = included
        .get(&event_key)
        .ok_or_else(|| invalid(format!("{what}: its event {} is not included", event_key.1)))?;
    let start_at = required_instant(event, "/attributes/start", &what)?;
    let end_at = required_instant(event, "/attributes/end", &what)?;
    let service_id = required_str(event, "/relationships/service/data/id", &what)?;

    let customer = customer_from(item, included, &what)?;
    let updated_at = match optional_str(item, "/attributes/updatedAt", &what)? {
        "" => None,
        text => Some(
            parse_instant(text)
                .ok_or_else(|| invalid(format!("{what}: `updatedAt` is not RFC 3339")))?,
        ),
    };
    let mut related = vec![event.clone()];
    let client_key = client_key(item);
    if let Some(client) = client_key.as_ref().and_then(|key| included.get(key)) {
        related.push(client.clone());
    }
    let raw = json!({ "data": item, "included": related }).to_string();

    Ok(RemoteBooking {
        system: System::Reservio,
        external_id: id.to_string(),
        start_at,
        end_at,
        service_id: service_id.to_string(),
        customer,
        status,
        voucher_code: markers.voucher_code,
        counterpart_id: markers.termino_id,
        self_rescheduled: false,
        updated_at,
        remote_version: None,
        raw,
    })
}

fn client_key(booking: &Value) -> Option<(String, String)> {
    str_at(booking, "/relationships/client/data/id")
        .map(|id| ("client".to_string(), id.to_string()))
}

/// The customer from the included client; the booking's `bookedClientName` stands in for a
/// missing client name (bookings made for walk-ins may carry only that).
fn customer_from(item: &Value, included: &Included, what: &str) -> Result<Customer, SystemError> {
    let booked_name = optional_str(item, "/attributes/bookedClientName", what)?;
    let Some(client) = client_key(item).and_then(|key| included.get(&key)) else {
        return Ok(Customer {
            name: booked_name.to_string(),
            ..Customer::default()
        });
    };
    let name = match optional_str(client, "/attributes/name", what)? {
        "" => booked_name,
        name => name,
    };
    Ok(Customer {
        name: name.to_string(),
        email: optional_str(client, "/attributes/email", what)?.to_string(),
        phone: optional_str(client, "/attributes/phone", what)?.to_string(),
    })
}

/// The body of `POST /bookings`: the booking with its event (and the event's service) and
/// client nested as relationship data, the way Reservio's public clients send it.
pub fn new_booking_body(
    start_at: i64,
    end_at: i64,
    service_id: &str,
    customer: &Customer,
    note: &str,
) -> Result<Value, SystemError> {
    Ok(json!({
        "data": {
            "type": "booking",
            "attributes": {
                "bookedClientName": customer.name,
                "note": note,
                "via": "application",
            },
            "relationships": {
                "event": { "data": {
                    "type": "event",
                    "attributes": {
                        "start": format_instant(start_at)?,
                        "end": format_instant(end_at)?,
                        "name": customer.name,
                        "eventType": "appointment",
                    },
                    "relationships": {
                        "service": { "data": { "type": "service", "id": service_id } },
                    },
                }},
                "client": { "data": {
                    "type": "client",
                    "attributes": {
                        "name": customer.name,
                        "email": customer.email,
                        "phone": customer.phone,
                    },
                }},
            },
        }
    }))
}

/// The body of `PATCH /events/{id}` moving an appointment.
pub fn move_event_body(event_id: &str, start_at: i64, end_at: i64) -> Result<Value, SystemError> {
    Ok(json!({ "data": {
        "type": "event",
        "id": event_id,
        "attributes": { "start": format_instant(start_at)?, "end": format_instant(end_at)? },
    }}))
}

/// The body of `PATCH /bookings/{id}` setting the state.
pub fn set_state_body(booking_id: &str, state: &str) -> Value {
    json!({ "data": { "type": "booking", "id": booking_id, "attributes": { "state": state } } })
}

/// The body of `PATCH /bookings/{id}` replacing the client's details.
pub fn set_client_body(booking_id: &str, customer: &Customer) -> Value {
    json!({ "data": {
        "type": "booking",
        "id": booking_id,
        "attributes": { "bookedClientName": customer.name },
        "relationships": { "client": { "data": {
            "type": "client",
            "attributes": { "name": customer.name, "email": customer.email, "phone": customer.phone },
        }}},
    }})
}

/// `(booking id, event start)` of each booking that can be read.
pub(super) fn starts_of(items: &[Value], included: &Included) -> Vec<(String, i64)> {
    items
        .iter()
        .filter_map(|item| booking_from(item, included).ok())
        .map(|b| (b.external_id, b.start_at))
        .collect()
}
