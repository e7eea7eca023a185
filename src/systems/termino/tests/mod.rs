//! The client against a real fake Termino over HTTP: the feed, idempotency, vouchers, deletes.

mod fuzz;
mod garbage;

use std::time::Duration;

use super::*;
use crate::clock::Clock;
use crate::domain::BookingStatus;
use crate::sandbox::faults::Faults;
use crate::sandbox::termino::{EffectKind, FakeTermino};

const PARTNER: &str = "partner-1";
const TOKEN: &str = "token-partner-1";
/// 2026-12-01T09:00:00Z
const NINE: i64 = 1_796_115_600;
const HOUR: i64 = 3600;

fn customer(name: &str) -> Customer {
    Customer {
        name: name.into(),
        email: format!("{}@example.test", name.to_lowercase()),
        phone: "+420 777 000 111".into(),
    }
}

fn offer(id: &str, minutes: u32) -> Offer {
    Offer {
        id: id.into(),
        name: format!("{id} ({minutes} min)"),
        duration_minutes: minutes,
    }
}

async fn fake_and_client() -> (FakeTermino, TerminoClient) {
    let fake = FakeTermino::start_with_clock(Clock::fixed(NINE - 86_400))
        .await
        .expect("the fake binds a free port");
    fake.add_partner(PARTNER, TOKEN);
    fake.add_offer(PARTNER, offer("massage", 60))
        .expect("partner exists");
    fake.add_offer(PARTNER, offer("facial", 30))
        .expect("partner exists");
    let client =
        TerminoClient::new(&fake.url(), TOKEN, Duration::from_secs(5)).expect("a valid base URL");
    (fake, client)
}

fn new_booking(voucher: &str) -> NewBooking {
    NewBooking {
        start_at: NINE,
        end_at: NINE + HOUR,
        service_id: "massage".into(),
        customer: customer("Jana"),
        voucher_code: Some(voucher.into()),
        counterpart_id: Some("reservio-77".into()),
    }
}

fn redeem(fake: &FakeTermino, voucher: &str, at: i64) -> String {
    fake.redeem_voucher(PARTNER, voucher, "massage", at, at + HOUR, customer("Petr"))
        .expect("a fresh voucher can be booked")
}

fn ids(batch: &ChangeBatch) -> Vec<String> {
    batch
        .bookings
        .iter()
        .map(|b| {
            b.as_ref()
                .expect("the fake serves valid reservations")
                .external_id
                .clone()
        })
        .collect()
}

#[tokio::test]
async fn the_feed_pages_in_version_order_and_resumes_after_its_cursor() {
    let (fake, client) = fake_and_client().await;
    let client = client.with_page_size(2);
    let created: Vec<String> = (0..5)
        .map(|i| redeem(&fake, &format!("V{i}"), NINE + i * HOUR))
        .collect();

    let first = client.changes_since(PARTNER, None).await.expect("page 1");
    assert_eq!(ids(&first), created[0..2]);
    assert!(first.has_more);
    assert_eq!(
        first.complete_window, None,
        "a change feed never claims a complete window"
    );
    let second = client
        .changes_since(PARTNER, Some(&first.next_cursor))
        .await
        .expect("page 2");
    assert_eq!(ids(&second), created[2..4]);
    let third = client
        .changes_since(PARTNER, Some(&second.next_cursor))
        .await
        .expect("page 3");
    assert_eq!(ids(&third), created[4..5]);
    assert!(!third.has_more);

    let idle = client
        .changes_since(PARTNER, Some(&third.next_cursor))
        .await
        .expect("idle");
    assert!(idle.bookings.is_empty());
    assert_eq!(
        idle.next_cursor, third.next_cursor,
        "an empty page keeps the cursor"
    );
    assert!(!idle.has_more);

    // Two changes to one reservation show up once, in its latest state, after the cursor.
    fake.set_status(PARTNER, &created[0], BookingStatus::Confirmed)
        .expect("exists");
    fake.set_status(PARTNER, &created[0], BookingStatus::Rejected)
        .expect("exists");
    let later = client
        .changes_since(PARTNER, Some(&idle.next_cursor))
        .await
        .expect("later");
    assert_eq!(ids(&later), created[0..1]);
    let changed = later.bookings[0].as_ref().expect("valid");
    assert_eq!(changed.status, BookingStatus::Rejected);

    // From the start, every reservation appears exactly once, the changed one last.
    let everything = client
        .with_page_size(500)
        .changes_since(PARTNER, None)
        .await
        .expect("all");
    let mut expected = created[1..].to_vec();
    expected.push(created[0].clone());
    assert_eq!(ids(&everything), expected);
}

#[tokio::test]
async fn a_reservation_reads_back_with_every_field_mapped() {
    let (_fake, client) = fake_and_client().await;
    let created = client
        .create(PARTNER, &new_booking("SV-1"), "create-1")
        .await
        .expect("created");
    let read = client
        .get(PARTNER, &created.external_id)
        .await
        .expect("found");
    assert_eq!(read, created);
    assert_eq!(read.system, System::Termino);
    assert_eq!((read.start_at, read.end_at), (NINE, NINE + HOUR));
    assert_eq!(read.service_id, "massage");
    assert_eq!(read.voucher_code.as_deref(), Some("SV-1"));
    assert_eq!(read.counterpart_id.as_deref(), Some("reservio-77"));
    assert_eq!(read.customer, customer("Jana"));
    assert_eq!(read.status, BookingStatus::Confirmed);
    assert!(!read.self_rescheduled);
    assert_eq!(read.updated_at, Some(NINE - 86_400));
    let raw: serde_json::Value = serde_json::from_str(&read.raw).expect("raw is the item's JSON");
    assert_eq!(raw["id"], read.external_id.as_str());
}

#[tokio::test]
async fn creating_twice_with_the_same_key_returns_the_first_reservation_and_applies_once() {
    let (fake, client) = fake_and_client().await;
    let first = client
        .create(PARTNER, &new_booking("SV-1"), "key-1")
        .await
        .expect("created");
    let again = client
        .create(PARTNER, &new_booking("SV-1"), "key-1")
        .await
        .expect("replayed");
    assert_eq!(again, first);
    assert_eq!(fake.reservations(PARTNER).len(), 1);
    let effects = fake.effects();
    assert_eq!(effects.len(), 1);
    assert_eq!(effects[0].kind, EffectKind::CreateReservation);
    assert_eq!(effects[0].idempotency_key, "key-1");
}

#[tokio::test]
async fn reschedule_customer_change_and_cancel_are_each_applied_once_per_key() {
    let (fake, client) = fake_and_client().await;
    let id = redeem(&fake, "SV-1", NINE);
    for _ in 0..2 {
        let moved = client
            .update_time(PARTNER, &id, NINE + 2 * HOUR, NINE + 3 * HOUR, "move-1")
            .await
            .expect("moved");
        assert_eq!(moved.start_at, NINE + 2 * HOUR);
        let renamed = client
            .update_customer(PARTNER, &id, &customer("Eva"), "rename-1")
            .await
            .expect("renamed");
        assert_eq!(renamed.customer.name, "Eva");
        let cancelled = client
            .cancel(PARTNER, &id, "cancel-1")
            .await
            .expect("cancelled");
        assert_eq!(cancelled.status, BookingStatus::Cancelled);
    }
    let kinds: Vec<(EffectKind, String)> = fake
        .effects()
        .into_iter()
        .map(|e| (e.kind, e.idempotency_key))
        .collect();
    assert_eq!(
        kinds,
        [
            (EffectKind::Reschedule, "move-1".to_string()),
            (EffectKind::UpdateCustomer, "rename-1".to_string()),
            (EffectKind::CancelReservation, "cancel-1".to_string()),
        ]
    );
    // A cancelled reservation cannot be moved any more.
    let refused = client
        .update_time(PARTNER, &id, NINE, NINE + HOUR, "move-2")
        .await;
    assert!(
        matches!(refused, Err(SystemError::Refused(m)) if m.starts_with("reservation_cancelled"))
    );
}

#[tokio::test]
async fn reusing_a_key_for_a_different_request_is_refused() {
    let (fake, client) = fake_and_client().await;
    let id = redeem(&fake, "SV-1", NINE);
    client
        .update_time(PARTNER, &id, NINE + HOUR, NINE + 2 * HOUR, "k")
        .await
        .expect("moved");
    let reused = client
        .update_time(PARTNER, &id, NINE + 5 * HOUR, NINE + 6 * HOUR, "k")
        .await;
    assert!(
        matches!(reused, Err(SystemError::Refused(m)) if m.starts_with("idempotency_key_reused"))
    );
    assert_eq!(
        fake.get_reservation(PARTNER, &id).expect("exists").start_at,
        NINE + HOUR
    );
}

#[tokio::test]
async fn a_change_whose_answer_was_lost_is_applied_once_when_retried_with_the_same_key() {
    let (fake, _) = fake_and_client().await;
    let impatient =
        TerminoClient::new(&fake.url(), TOKEN, Duration::from_millis(300)).expect("url");
    fake.faults().set(Faults {
        lost_response_rate: 1.0,
        ..Faults::default()
    });
    let lost = impatient
        .create(PARTNER, &new_booking("SV-1"), "lost-1")
        .await;
    assert_eq!(lost, Err(SystemError::Timeout));
    fake.faults().set(Faults::default());
    let retried = impatient
        .create(PARTNER, &new_booking("SV-1"), "lost-1")
        .await
        .expect("replayed");
    assert_eq!(
        fake.reservations(PARTNER),
        vec![
            fake.get_reservation(PARTNER, &retried.external_id)
                .expect("exists")
        ]
    );
    assert_eq!(fake.effects().len(), 1);
}

#[tokio::test]
async fn bookings_for_unknown_offers_or_without_a_voucher_are_refused() {
    let (_fake, client) = fake_and_client().await;
    let mut booking = new_booking("SV-1");
    booking.service_id = "no-such-offer".into();
    let unknown = client.create(PARTNER, &booking, "k1").await;
    assert!(matches!(unknown, Err(SystemError::Refused(m)) if m.starts_with("unknown_offer")));
    booking.voucher_code = None;
    assert!(matches!(
        client.create(PARTNER, &booking, "k2").await,
        Err(SystemError::Refused(_))
    ));
}

#[tokio::test]
async fn cancelling_a_voucher_cancels_its_reservation_and_the_voucher_cannot_be_booked_again() {
    let (fake, client) = fake_and_client().await;
    let id = redeem(&fake, "SV-1", NINE);
    let cancelled = client
        .cancel_voucher(PARTNER, "SV-1", "customer asked", "vc-1")
        .await
        .expect("cancelled");
    assert_eq!(
        (cancelled.external_id.as_str(), cancelled.status),
        (id.as_str(), BookingStatus::Cancelled)
    );
    let replay = client
        .cancel_voucher(PARTNER, "SV-1", "customer asked", "vc-1")
        .await;
    assert_eq!(replay, Ok(cancelled));
    assert_eq!(fake.effects().len(), 1);
    let rebook = client.create(PARTNER, &new_booking("SV-1"), "c-1").await;
    assert!(matches!(rebook, Err(SystemError::Refused(m)) if m.starts_with("voucher_cancelled")));
    let unknown = client.cancel_voucher(PARTNER, "SV-404", "x", "vc-2").await;
    assert_eq!(unknown, Err(SystemError::NotFound));
}

#[tokio::test]
async fn reissuing_a_voucher_cancels_the_old_reservation_and_issues_a_bookable_code() {
    let (fake, client) = fake_and_client().await;
    let id = redeem(&fake, "SV-1", NINE);
    let reissued = client
        .reissue_voucher(PARTNER, "SV-1", "facial", "re-1")
        .await
        .expect("reissued");
    assert_eq!(reissued.cancelled.external_id, id);
    assert_eq!(reissued.cancelled.status, BookingStatus::Cancelled);
    assert_ne!(reissued.new_voucher_code, "SV-1");
    assert_eq!(
        client
            .reissue_voucher(PARTNER, "SV-1", "facial", "re-1")
            .await,
        Ok(reissued.clone())
    );

    let mut booking = new_booking(&reissued.new_voucher_code);
    booking.service_id = "facial".into();
    let new = client
        .create(PARTNER, &booking, "c-new")
        .await
        .expect("the new voucher books");
    assert_eq!(new.service_id, "facial");
    let kinds: Vec<EffectKind> = fake.effects().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EffectKind::ReissueVoucher, EffectKind::CreateReservation]
    );

    let twice = client
        .reissue_voucher(PARTNER, "SV-1", "facial", "re-2")
        .await;
    assert!(matches!(twice, Err(SystemError::Refused(m)) if m.starts_with("voucher_cancelled")));
}

#[tokio::test]
async fn a_customer_can_reschedule_by_themselves_only_once() {
    let (fake, client) = fake_and_client().await;
    let id = redeem(&fake, "SV-1", NINE);
    fake.customer_self_reschedule(PARTNER, &id, NINE + HOUR, NINE + 2 * HOUR)
        .expect("first time");
    let second = fake.customer_self_reschedule(PARTNER, &id, NINE + 3 * HOUR, NINE + 4 * HOUR);
    assert!(second.is_err());
    let read = client.get(PARTNER, &id).await.expect("found");
    assert!(read.self_rescheduled);
    assert_eq!(read.start_at, NINE + HOUR);
    // The partner may still move it.
    client
        .update_time(PARTNER, &id, NINE, NINE + HOUR, "partner-move")
        .await
        .expect("partner moves");
}

#[tokio::test]
async fn a_deleted_reservation_is_not_found_and_leaves_the_feed() {
    let (fake, client) = fake_and_client().await;
    let kept = redeem(&fake, "SV-1", NINE);
    let deleted = redeem(&fake, "SV-2", NINE + HOUR);
    fake.delete_reservation(PARTNER, &deleted).expect("exists");
    assert_eq!(
        client.get(PARTNER, &deleted).await,
        Err(SystemError::NotFound)
    );
    let feed = client.changes_since(PARTNER, None).await.expect("feed");
    assert_eq!(ids(&feed), [kept]);
    let cancel = client.cancel(PARTNER, &deleted, "c-1").await;
    assert_eq!(cancel, Err(SystemError::NotFound));
}

#[tokio::test]
async fn a_token_is_good_for_its_own_partner_only() {
    let (fake, _) = fake_and_client().await;
    fake.add_partner("partner-2", "token-partner-2");
    let other =
        TerminoClient::new(&fake.url(), "token-partner-2", Duration::from_secs(5)).expect("url");
    let foreign = other.list_offers(PARTNER).await;
    assert!(matches!(
        foreign,
        Err(SystemError::Http { status: 401, .. })
    ));
    let offers = other.list_offers("partner-2").await.expect("own partner");
    assert!(offers.is_empty());
}

#[tokio::test]
async fn offers_are_listed_as_the_partner_set_them_up() {
    let (_fake, client) = fake_and_client().await;
    let offers = client.list_offers(PARTNER).await.expect("offers");
    assert_eq!(offers, [offer("massage", 60), offer("facial", 30)]);
}
