//! Writing handlers: create, patch, the refused delete, and moving an event.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::super::render;
use super::super::store::{EffectKind, PATCHABLE_STATES, StaffBooking};
use super::{Answer, ApiError, ApiState, authorize, bad_request, document, error, invalid_value};
use crate::domain::Customer;
use crate::sandbox::faults::HANG;
use crate::systems::reservio::wire::{parse_instant, state};

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|_| bad_request("the body is not JSON"))
}

fn text_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn instant_at(value: &Value, pointer: &str) -> Result<i64, ApiError> {
    text_at(value, pointer)
        .and_then(parse_instant)
        .ok_or_else(|| invalid_value(&format!("{pointer} is missing or not RFC 3339")))
}

pub(super) async fn create_booking(
    State(api): State<ApiState>,
    Path(business): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let created = {
        let mut store = api.lock();
        authorize(&store, &business, &headers, api.clock.now())?;
        let body = json_body(&body)?;
        let event = "/data/relationships/event/data";
        let start_at = instant_at(&body, &format!("{event}/attributes/start"))?;
        let end_at = instant_at(&body, &format!("{event}/attributes/end"))?;
        if end_at <= start_at {
            return Err(invalid_value("the event ends before it starts"));
        }
        let service_id = text_at(&body, &format!("{event}/relationships/service/data/id"))
            .ok_or_else(|| invalid_value("the event has no service"))?;
        let resource_id =
            text_at(&body, &format!("{event}/relationships/resource/data/id")).map(str::to_string);
        let existing_event = text_at(&body, &format!("{event}/id")).map(str::to_string);
        let b = store.business_mut(&business);
        if b.service(service_id).is_none() {
            return Err(invalid_value("no such service"));
        }
        if let Some(r) = &resource_id
            && !b.resources.iter().any(|known| &known.id == r)
        {
            return Err(invalid_value("no such resource"));
        }
        let client = "/data/relationships/client/data/attributes";
        let booked_name = text_at(&body, "/data/attributes/bookedClientName").unwrap_or("");
        let customer = Customer {
            name: text_at(&body, &format!("{client}/name"))
                .unwrap_or(booked_name)
                .to_string(),
            email: text_at(&body, &format!("{client}/email"))
                .unwrap_or("")
                .to_string(),
            phone: text_at(&body, &format!("{client}/phone"))
                .unwrap_or("")
                .to_string(),
        };
        let initial = if b.manual_approval {
            state::PENDING
        } else {
            state::CONFIRMED
        };
        let new = StaffBooking {
            service_id: service_id.to_string(),
            start_at,
            end_at,
            customer,
            note: text_at(&body, "/data/attributes/note")
                .unwrap_or("")
                .to_string(),
            state: initial.to_string(),
            resource_id,
        };
        let id = store.insert(&business, new, api.clock.now());
        // A POST naming an existing event books another seat of it (a group event).
        if let Some(event_id) = existing_event {
            let b = store.business_mut(&business);
            let Some(host) = b
                .bookings
                .iter()
                .find(|bk| bk.event_id == event_id)
                .cloned()
            else {
                return Err(invalid_value("no such event"));
            };
            for bk in b.bookings.iter_mut() {
                if bk.event_id == event_id || bk.id == id {
                    bk.group = true;
                }
                if bk.id == id {
                    bk.event_id = host.event_id.clone();
                    bk.start_at = host.start_at;
                    bk.end_at = host.end_at;
                    bk.resource_id = host.resource_id.clone();
                }
            }
        }
        let zone = store.business_mut(&business).timezone.clone();
        let booking = store.business_mut(&business).booking(&id).cloned();
        let Some(booking) = booking else {
            return Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "lost it",
            ));
        };
        store.record(EffectKind::Created, &booking);
        render::booking_document(&booking, &render::Include::ALL, &zone, state::REJECTED)
    };
    if api.lose_next_create.swap(false, Ordering::SeqCst) {
        // Made, but the answer "drops" like a lost response: the client's timeout fires.
        tokio::time::sleep(HANG).await;
    }
    Ok(document(StatusCode::CREATED, created))
}

pub(super) async fn patch_booking(
    State(api): State<ApiState>,
    Path((business, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let mut store = api.lock();
    authorize(&store, &business, &headers, api.clock.now())?;
    let body = json_body(&body)?;
    let now = api.clock.now();
    let quirks = api.listing.get();
    let zone = store.business_mut(&business).timezone.clone();
    let Some(booking) = store.business_mut(&business).booking_mut(&id) else {
        return Err(error(StatusCode::NOT_FOUND, "notFound", "no such booking"));
    };
    let before = booking.clone();
    if let Some(new_state) = text_at(&body, "/data/attributes/state") {
        // Unknown states are dropped silently: the behaviour every write must re-read for.
        if PATCHABLE_STATES.contains(&new_state) {
            booking.state = new_state.to_string();
        }
    }
    if let Some(note) = text_at(&body, "/data/attributes/note") {
        booking.note = note.to_string();
    }
    let client = "/data/relationships/client/data/attributes";
    let client_fields = if quirks.client_changes_ignored {
        Vec::new()
    } else {
        vec!["name", "email", "phone"]
    };
    for (field, target) in [
        ("name", &mut booking.customer.name),
        ("email", &mut booking.customer.email),
        ("phone", &mut booking.customer.phone),
    ] {
        if !client_fields.contains(&field) {
            continue;
        }
        if let Some(value) = text_at(&body, &format!("{client}/{field}")) {
            *target = value.to_string();
        }
    }
    if *booking != before {
        booking.updated_at = now;
    }
    let after = booking.clone();
    if after.state != before.state {
        let kind = EffectKind::StateChanged {
            from: before.state.clone(),
            to: after.state.clone(),
        };
        store.record(kind, &after);
    }
    if after.note != before.note {
        store.record(EffectKind::NoteChanged, &after);
    }
    if after.customer != before.customer {
        store.record(EffectKind::ClientChanged, &after);
    }
    Ok(document(
        StatusCode::OK,
        render::booking_document(&after, &render::Include::ALL, &zone, quirks.rejected_as),
    ))
}

/// Reservio does not delete bookings through its API: 404 `notSupported`, as seen live.
pub(super) async fn delete_booking(
    State(api): State<ApiState>,
    Path((business, _id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    authorize(&api.lock(), &business, &headers, api.clock.now())?;
    Err(error(
        StatusCode::NOT_FOUND,
        "notSupported",
        "bookings cannot be deleted; cancel them instead",
    ))
}

pub(super) async fn patch_event(
    State(api): State<ApiState>,
    Path((business, event_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let mut store = api.lock();
    authorize(&store, &business, &headers, api.clock.now())?;
    if api.listing.get().event_patch_refused {
        return Err(error(
            StatusCode::NOT_FOUND,
            "notSupported",
            "events cannot be changed through the API",
        ));
    }
    let body = json_body(&body)?;
    let start_at = instant_at(&body, "/data/attributes/start")?;
    let end_at = instant_at(&body, "/data/attributes/end")?;
    if end_at <= start_at {
        return Err(invalid_value("the event ends before it starts"));
    }
    let now = api.clock.now();
    let b = store.business_mut(&business);
    let zone = b.timezone.clone();
    // Moving an event moves every booking of it: all seats of a group event.
    let mut moved_bookings = Vec::new();
    for booking in b.bookings.iter_mut().filter(|b| b.event_id == event_id) {
        if (booking.start_at, booking.end_at) != (start_at, end_at) {
            booking.start_at = start_at;
            booking.end_at = end_at;
            booking.updated_at = now;
            moved_bookings.push(booking.clone());
        }
    }
    let Some(any) = b.bookings.iter().find(|b| b.event_id == event_id).cloned() else {
        return Err(error(StatusCode::NOT_FOUND, "notFound", "no such event"));
    };
    for after in &moved_bookings {
        store.record(EffectKind::Moved, after);
    }
    Ok(document(
        StatusCode::OK,
        json!({ "data": render::event(&any, &zone) }),
    ))
}
