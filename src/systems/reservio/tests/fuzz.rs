//! Fuzz-style tests of everything that reads Reservio's documents: whatever arrives (random
//! JSON, a valid document broken somewhere, a note staff typed anything into), the readers give
//! a value or a typed error, never a panic.

use proptest::prelude::*;
use serde_json::json;

use super::super::service_from;
use super::super::wire::{
    Included, booking_from, format_instant, index_included, list_page, parse_instant,
    required_instant, single,
};
use super::*;
use crate::systems::hostile_json::{any_json, near_miss, odd_string};

const CASES: u32 = 256;

/// A booking, its event and its client, as one listing item with what it includes.
fn document() -> Value {
    json!({
        "data": [{
            "type": "booking", "id": "b1",
            "attributes": {
                "state": "confirmed",
                "note": "[bookbridge] voucher:SV-1 termino:T-1",
                "bookedClientName": "Jana",
                "updatedAt": "2026-11-02T08:00:00+01:00",
            },
            "relationships": {
                "event": { "data": { "type": "event", "id": "e1" } },
                "client": { "data": { "type": "client", "id": "c1" } },
            },
        }],
        "included": [
            {
                "type": "event", "id": "e1",
                "attributes": { "start": "2026-11-03T10:00:00+01:00", "end": "2026-11-03T11:00:00Z" },
                "relationships": { "service": { "data": { "type": "service", "id": "s1" } } },
            },
            {
                "type": "client", "id": "c1",
                "attributes": { "name": "Jana Nováková", "email": "jana@example.test", "phone": "+420" },
            },
        ],
        "meta": { "totalCount": 1 },
    })
}

fn is_typed<T>(result: &Result<T, SystemError>) -> bool {
    matches!(result, Ok(_) | Err(SystemError::InvalidPayload(_)))
}

/// Reads a listing document the way the client does: split it, index what it includes, map
/// each item on its own.
fn read_listing(document: Value) -> Result<Vec<Result<RemoteBooking, SystemError>>, SystemError> {
    let page = list_page(document)?;
    let mut included = Included::new();
    index_included(page.included, &mut included);
    Ok(page
        .data
        .iter()
        .map(|item| booking_from(item, &included))
        .collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_json_at_all_is_read_or_refused_as_an_invalid_payload(value in any_json()) {
        prop_assert!(is_typed(&single(value.clone())));
        prop_assert!(is_typed(&service_from(&value)));
        prop_assert!(is_typed(&required_instant(&value, "/attributes/start", "a slot")));
        match read_listing(value) {
            Ok(bookings) => prop_assert!(bookings.iter().all(is_typed)),
            Err(e) => prop_assert!(matches!(e, SystemError::InvalidPayload(_))),
        }
    }

    #[test]
    fn a_listing_broken_anywhere_is_read_faithfully_or_refused(document in near_miss(document())) {
        match read_listing(document.clone()) {
            Ok(bookings) => {
                prop_assert_eq!(Some(bookings.len()), document["data"].as_array().map(Vec::len));
                for (item, read) in document["data"].as_array().into_iter().flatten().zip(&bookings) {
                    match read {
                        Ok(booking) => {
                            prop_assert_eq!(booking.system, System::Reservio);
                            prop_assert_eq!(Some(booking.external_id.as_str()), item["id"].as_str());
                            prop_assert!(booking.voucher_code.as_deref().is_none_or(|v| !v.is_empty()));
                        }
                        Err(e) => prop_assert!(matches!(e, SystemError::InvalidPayload(_)), "{:?}", e),
                    }
                }
            }
            Err(e) => prop_assert!(matches!(e, SystemError::InvalidPayload(_))),
        }
    }

    #[test]
    fn a_single_booking_document_broken_anywhere_is_read_or_refused(document in near_miss(document())) {
        // The same resources as a single-booking answer (`GET /bookings/{id}`).
        let mut single_document = document;
        if let Some(first) = single_document["data"].as_array().and_then(|d| d.first()).cloned() {
            single_document["data"] = first;
        }
        if let Ok((item, resources)) = single(single_document) {
            let mut included = Included::new();
            index_included(resources, &mut included);
            prop_assert!(is_typed(&booking_from(&item, &included)));
        }
    }

    #[test]
    fn services_and_slots_broken_anywhere_are_read_or_refused(
        service in near_miss(json!({
            "type": "service", "id": "s1",
            "attributes": { "name": "Haircut", "duration": 3600 },
        })),
        slot in near_miss(json!({
            "type": "bookingSlot",
            "attributes": { "start": "2026-11-03T10:00:00+01:00", "end": "2026-11-03T11:00:00+01:00" },
        })),
    ) {
        prop_assert!(is_typed(&service_from(&service)));
        prop_assert!(is_typed(&required_instant(&slot, "/attributes/start", "a booking slot")));
    }

    /// Staff may type anything into a note; bookbridge's markers read back as they were found.
    #[test]
    fn any_note_yields_markers_that_read_back_the_same(note in odd_string(), staff in any::<String>()) {
        let markers = NoteMarkers::parse(&format!("{staff}\n{note}"));
        let line = markers.render().expect("parsed markers have no whitespace and are not empty");
        prop_assert_eq!(NoteMarkers::parse(&line), markers);
    }

    /// A time the reader accepts is one the writer can write back, to the same instant.
    #[test]
    fn any_text_as_an_instant_is_refused_or_round_trips(text in odd_string()) {
        if let Some(unix) = parse_instant(&text) {
            if let Ok(written) = format_instant(unix) {
                prop_assert_eq!(parse_instant(&written), Some(unix));
            }
        }
    }
}
