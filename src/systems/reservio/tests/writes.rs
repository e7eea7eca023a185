//! Writing to the fake Reservio: every write is re-read, creates are idempotent, deletes
//! are refused.

use super::*;

#[tokio::test]
async fn moving_a_booking_re_reads_it_and_returns_the_new_time() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));

    let moved = s
        .client
        .update_time(SALON, &id, NOW + 5 * HOUR, NOW + 6 * HOUR, "move-1")
        .await
        .expect("the move succeeds");

    assert_eq!(
        (moved.start_at, moved.end_at),
        (NOW + 5 * HOUR, NOW + 6 * HOUR)
    );
    let stored = s
        .fake
        .get_booking(SALON, &id)
        .expect("the booking is still there");
    assert_eq!(stored.start_at, NOW + 5 * HOUR);
    let moves = s
        .fake
        .effects()
        .iter()
        .filter(|e| e.kind == EffectKind::Moved)
        .count();
    assert_eq!(moves, 1);
}

#[tokio::test]
async fn cancelling_re_reads_the_booking_and_a_second_cancel_changes_nothing() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));

    let first = s
        .client
        .cancel(SALON, &id, "cancel-1")
        .await
        .expect("the cancel succeeds");
    let again = s
        .client
        .cancel(SALON, &id, "cancel-1")
        .await
        .expect("a retry succeeds too");

    assert_eq!(first.status, BookingStatus::Cancelled);
    assert_eq!(again.status, BookingStatus::Cancelled);
    assert_eq!(
        s.fake.get_booking(SALON, &id).map(|b| b.state).as_deref(),
        Some("canceled")
    );
    let changes: Vec<_> = s
        .fake
        .effects()
        .into_iter()
        .filter(|e| matches!(e.kind, EffectKind::StateChanged { .. }))
        .collect();
    assert_eq!(changes.len(), 1, "the state changed once: {changes:?}");
}

#[tokio::test]
async fn a_misspelt_state_is_silently_ignored_and_only_a_re_read_shows_it() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));
    let url = format!("{}/businesses/{SALON}/bookings/{id}", s.fake.url());
    let body = json_body(&id, "cancelled");

    let response = reqwest::Client::new()
        .patch(url)
        .bearer_auth(TOKEN)
        .header(CONTENT_TYPE, JSON_API)
        .body(body)
        .send()
        .await
        .expect("the fake answers");

    assert_eq!(
        response.status(),
        StatusCode::OK,
        "no error, as the real API"
    );
    let reread = s.client.get(SALON, &id).await.expect("the booking reads");
    assert_eq!(reread.status, BookingStatus::Confirmed);
    assert!(s.fake.effects().is_empty());
}

fn json_body(id: &str, state: &str) -> String {
    wire::set_state_body(id, state).to_string()
}

#[tokio::test]
async fn a_create_whose_response_was_lost_is_found_on_retry_instead_of_duplicated() {
    let s = sandbox_with(50, Duration::from_millis(300)).await;
    let booking = new_booking(10);

    s.fake.lose_next_create_response();
    let first = s.client.create(SALON, &booking, "op-1-create").await;
    assert!(
        matches!(&first, Err(e) if e.is_transient()),
        "the lost answer looks transient: {first:?}"
    );
    let retry = s
        .client
        .create(SALON, &booking, "op-1-create")
        .await
        .expect("the retry succeeds");

    let stored = s.fake.bookings(SALON);
    assert_eq!(stored.len(), 1, "exactly one booking: {stored:?}");
    assert_eq!(retry.external_id, stored[0].id);
    let created: Vec<_> = s
        .fake
        .effects()
        .into_iter()
        .filter(|e| e.kind == EffectKind::Created)
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].key.as_deref(), Some("op-1-create"));
}

#[tokio::test]
async fn a_create_under_total_response_loss_fails_and_a_clean_retry_creates_once() {
    let s = sandbox_with(50, Duration::from_millis(300)).await;
    let booking = new_booking(11);

    s.fake.faults().set(Faults {
        lost_response_rate: 1.0,
        ..Faults::default()
    });
    let first = s.client.create(SALON, &booking, "op-2-create").await;
    assert!(matches!(&first, Err(e) if e.is_transient()), "{first:?}");
    s.fake.faults().set(Faults::default());
    s.client
        .create(SALON, &booking, "op-2-create")
        .await
        .expect("the retry succeeds");
    s.client
        .create(SALON, &booking, "op-2-create")
        .await
        .expect("a third try finds it");

    assert_eq!(s.fake.bookings(SALON).len(), 1);
}

#[tokio::test]
async fn a_created_booking_carries_its_voucher_and_termino_id_back() {
    let s = sandbox().await;

    let created = s
        .client
        .create(SALON, &new_booking(12), "op-3-create")
        .await
        .expect("the create succeeds");

    assert_eq!(created.voucher_code.as_deref(), Some("SLV-777"));
    assert_eq!(created.counterpart_id.as_deref(), Some("T-99"));
    assert_eq!(created.customer, customer("Petr"));
    assert_eq!(created.status, BookingStatus::Confirmed);
    assert_eq!(
        (created.start_at, created.service_id.as_str()),
        (MIDNIGHT + 12 * HOUR, "haircut")
    );
}

#[tokio::test]
async fn changing_the_customer_re_reads_the_booking() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));

    let updated = s
        .client
        .update_customer(SALON, &id, &customer("Eva"), "cust-1")
        .await
        .expect("the update succeeds");

    assert_eq!(updated.customer, customer("Eva"));
}

#[tokio::test]
async fn deleting_a_booking_answers_not_supported_and_keeps_it() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));

    let response = reqwest::Client::new()
        .delete(format!("{}/businesses/{SALON}/bookings/{id}", s.fake.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the fake answers");

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.expect("an error document");
    assert_eq!(
        body.pointer("/errors/0/code").and_then(Value::as_str),
        Some("notSupported")
    );
    assert!(s.fake.get_booking(SALON, &id).is_some());
}

#[tokio::test]
async fn a_booking_staff_deleted_is_not_found() {
    let s = sandbox().await;
    let id = s.fake.staff_create(SALON, at(1));
    assert!(s.fake.staff_delete(SALON, &id));

    assert_eq!(s.client.get(SALON, &id).await, Err(SystemError::NotFound));
    assert_eq!(
        s.client.cancel(SALON, &id, "k").await,
        Err(SystemError::NotFound)
    );
}
