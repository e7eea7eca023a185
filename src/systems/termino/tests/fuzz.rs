//! Fuzz-style tests of everything that reads Termino's answers and notifications: whatever
//! arrives (random JSON, a valid payload broken somewhere, bytes that are not JSON), the
//! readers give a value or a typed error, never a panic.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::super::wire::{
    changes_from_value, describe_error_body, offers_from_value, reissued_from_value,
    reservation_from_value,
};
use super::super::*;
use crate::systems::SystemError;
use crate::systems::hostile_json::{any_body, any_json, near_miss, odd_string};

const CASES: u32 = 256;

fn reservation(id: &str) -> Value {
    json!({
        "id": id,
        "voucher_code": "SV-1",
        "offer_id": "massage",
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T10:00:00+01:00",
        "customer": { "name": "Jana", "email": "jana@example.test", "phone": "+420" },
        "status": "confirmed",
        "self_rescheduled": false,
        "reservio_booking_id": "rb-1",
        "version": 3,
        "updated_at": "2026-11-30T09:00:00.250Z",
    })
}

fn is_typed<T>(result: &Result<T, SystemError>) -> bool {
    matches!(result, Ok(_) | Err(SystemError::InvalidPayload(_)))
}

/// A reservation the reader accepted must say what the payload said.
fn check_read(value: &Value, booking: &crate::domain::RemoteBooking) -> Result<(), TestCaseError> {
    prop_assert_eq!(booking.system, crate::domain::System::Termino);
    prop_assert_eq!(Some(booking.external_id.as_str()), value["id"].as_str());
    prop_assert_eq!(
        booking.voucher_code.as_deref(),
        value["voucher_code"].as_str()
    );
    prop_assert_eq!(
        Some(booking.start_at),
        value["start"].as_str().and_then(parse_rfc3339)
    );
    prop_assert_eq!(&booking.raw, &value.to_string());
    Ok(())
}

/// Items of a change feed page: good ones, near misses and anything at all.
fn feed_item() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => "[a-z0-9-]{1,8}".prop_map(|id| reservation(&id)),
        2 => near_miss(reservation("r1")),
        1 => any_json(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_json_at_all_is_read_or_refused_as_an_invalid_payload(value in any_json()) {
        prop_assert!(is_typed(&reservation_from_value(&value)));
        prop_assert!(is_typed(&changes_from_value(value.clone())));
        prop_assert!(is_typed(&offers_from_value(value.clone())));
        prop_assert!(is_typed(&reissued_from_value(value)));
    }

    #[test]
    fn a_reservation_broken_anywhere_is_read_faithfully_or_refused(value in near_miss(reservation("r1"))) {
        match reservation_from_value(&value) {
            Ok(booking) => check_read(&value, &booking)?,
            Err(e) => prop_assert!(matches!(e, SystemError::InvalidPayload(_)), "{:?}", e),
        }
    }

    #[test]
    fn each_item_of_a_feed_page_is_read_on_its_own(
        items in proptest::collection::vec(feed_item(), 0..6),
        cursor in prop_oneof![Just(String::new()), odd_string()],
        has_more in any::<bool>(),
    ) {
        let page = json!({ "reservations": items, "next_cursor": cursor, "has_more": has_more });
        match changes_from_value(page) {
            Ok(changes) => {
                prop_assert!(!cursor.is_empty());
                prop_assert_eq!(&changes.next_cursor, &cursor);
                prop_assert_eq!(changes.has_more, has_more);
                prop_assert_eq!(changes.bookings.len(), items.len());
                for (item, read) in items.iter().zip(&changes.bookings) {
                    // Whatever its neighbours, an item reads as it does alone.
                    prop_assert_eq!(read, &reservation_from_value(item));
                }
            }
            Err(e) => {
                prop_assert!(cursor.is_empty(), "only an empty cursor spoils the page: {:?}", e);
                prop_assert!(matches!(e, SystemError::InvalidPayload(_)));
            }
        }
    }

    #[test]
    fn offer_lists_and_reissue_answers_broken_anywhere_are_read_or_refused(
        offers in near_miss(json!({ "offers": [
            { "id": "o1", "name": "Massage", "duration_minutes": 60 },
            { "id": "o2", "name": "Facial", "duration_minutes": 4_294_967_295_u32 },
        ] })),
        reissue in near_miss(json!({ "cancelled": reservation("r1"), "new_voucher_code": "SV-2" })),
    ) {
        prop_assert!(is_typed(&offers_from_value(offers)));
        match reissued_from_value(reissue.clone()) {
            Ok(reissued) => {
                prop_assert!(!reissued.new_voucher_code.is_empty());
                check_read(&reissue["cancelled"], &reissued.cancelled)?;
            }
            Err(e) => prop_assert!(matches!(e, SystemError::InvalidPayload(_))),
        }
    }

    /// Answer bodies (as the client gets them off the wire), error bodies and notifications.
    #[test]
    fn any_bytes_as_a_body_are_read_or_refused(body in any_body(), header in odd_string()) {
        if let Ok(value) = serde_json::from_slice::<Value>(&body) {
            prop_assert!(is_typed(&reservation_from_value(&value)));
            prop_assert!(is_typed(&changes_from_value(value)));
        }
        prop_assert!(describe_error_body(&body).chars().count() <= 500 || body.len() > 500);
        prop_assert!(is_typed(&parse_webhook(&body)));
        // A signature is valid for its own body and secret only.
        prop_assert!(!verify_webhook_signature("s3cret", &body, &header));
        prop_assert!(verify_webhook_signature("s3cret", &body, &sign_webhook_body("s3cret", &body)));
        prop_assert!(!verify_webhook_signature("other", &body, &sign_webhook_body("s3cret", &body)));
    }

    /// A time the reader accepts is one the writer can write back, to the same instant.
    #[test]
    fn any_text_as_a_timestamp_is_refused_or_round_trips(text in odd_string()) {
        if let Some(unix) = parse_rfc3339(&text) {
            if let Some(written) = format_rfc3339(unix) {
                prop_assert_eq!(parse_rfc3339(&written), Some(unix));
            }
        }
    }
}
