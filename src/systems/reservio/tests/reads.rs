//! Reading from the fake Reservio: listings, mapping, states, services, slots, access.

use super::*;

#[tokio::test]
async fn listing_follows_the_pages_until_the_whole_window_is_read() {
    let s = sandbox_with(2, Duration::from_secs(5)).await;
    let mut ids: Vec<String> = (0..5)
        .map(|i| s.fake.staff_create(SALON, at(i * 24)))
        .collect();
    // Outside the window on both sides.
    s.fake.staff_create(SALON, at(-48));
    s.fake.staff_create(SALON, at(61 * 24));

    let batch = s
        .client
        .changes_since(SALON, None)
        .await
        .expect("the listing succeeds");

    let mut got: Vec<String> = batch
        .bookings
        .iter()
        .map(|b| b.as_ref().expect("every booking reads").external_id.clone())
        .collect();
    ids.sort();
    got.sort();
    assert_eq!(got, ids);
    assert_eq!(batch.complete_window, Some((NOW - DAY, NOW + 60 * DAY)));
    assert!(!batch.has_more);
    // A first poll reads the whole window and says when it did, so the next polls read the
    // near window until the whole one is due again.
    assert_eq!(batch.next_cursor, format!("full@{NOW}"));
}

#[tokio::test]
async fn a_booking_maps_with_its_event_service_client_and_note_markers() {
    let s = sandbox().await;
    let mut staff = at(2);
    staff.note = "VIP\n[bookbridge] voucher:SLV-1 termino:T-5".into();
    let id = s.fake.staff_create(SALON, staff);

    let booking = s.client.get(SALON, &id).await.expect("the booking reads");

    assert_eq!(booking.system, System::Reservio);
    assert_eq!(
        (booking.start_at, booking.end_at),
        (NOW + 2 * HOUR, NOW + 3 * HOUR)
    );
    assert_eq!(booking.service_id, "haircut");
    assert_eq!(booking.customer, customer("Jana"));
    assert_eq!(booking.status, BookingStatus::Confirmed);
    assert_eq!(booking.voucher_code.as_deref(), Some("SLV-1"));
    assert_eq!(booking.counterpart_id.as_deref(), Some("T-5"));
    assert_eq!(booking.updated_at, Some(NOW));
    assert!(booking.raw.contains(&id));
}

#[tokio::test]
async fn reservio_states_map_to_ours_and_an_unknown_state_fails_only_that_booking() {
    let s = sandbox().await;
    let cases = [
        ("confirmed", Some(BookingStatus::Confirmed)),
        ("canceled", Some(BookingStatus::Cancelled)),
        ("pending", Some(BookingStatus::Pending)),
        ("rejected", Some(BookingStatus::Rejected)),
        ("declined", Some(BookingStatus::Rejected)),
        ("no_show", None),
    ];
    let mut ids = Vec::new();
    for (i, (state, _)) in cases.iter().enumerate() {
        let id = s.fake.staff_create(SALON, at(i as i64 + 1));
        assert!(s.fake.staff_set_state(SALON, &id, state));
        ids.push(id);
    }

    let batch = s
        .client
        .changes_since(SALON, None)
        .await
        .expect("the listing succeeds");

    assert_eq!(batch.bookings.len(), cases.len());
    for (i, (state, expected)) in cases.iter().enumerate() {
        match (expected, s.client.get(SALON, &ids[i]).await) {
            (Some(status), Ok(booking)) => assert_eq!(booking.status, *status, "{state}"),
            (None, Err(SystemError::InvalidPayload(message))) => {
                assert!(message.contains("no_show"), "{message}");
            }
            (_, other) => panic!("{state}: unexpected {other:?}"),
        }
    }
    assert_eq!(batch.bookings.iter().filter(|b| b.is_err()).count(), 1);
    assert_eq!(
        batch.complete_window, None,
        "a window with an unreadable booking is not complete"
    );
}

#[tokio::test]
async fn free_slots_leave_out_the_taken_ones_across_pages() {
    let s = sandbox_with(7, Duration::from_secs(5)).await;
    let day = MIDNIGHT + DAY;
    s.fake.staff_create(
        SALON,
        StaffBooking::confirmed("haircut", day + 10 * HOUR, day + 11 * HOUR, customer("A")),
    );
    let cancelled = s.fake.staff_create(
        SALON,
        StaffBooking::confirmed("haircut", day + 14 * HOUR, day + 15 * HOUR, customer("B")),
    );
    s.fake.staff_set_state(SALON, &cancelled, "canceled");

    let slots = s
        .client
        .free_slots(SALON, "haircut", day, day + DAY)
        .await
        .expect("the slots read");

    let starts: Vec<i64> = slots.iter().map(|&(start, _)| (start - day) / 60).collect();
    // 23 hourly-long slots from 08:00 to 19:00, less 09:30, 10:00 and 10:30.
    assert_eq!(slots.len(), 20, "{starts:?}");
    for taken in [9 * 60 + 30, 10 * 60, 10 * 60 + 30] {
        assert!(!starts.contains(&taken));
    }
    assert!(
        starts.contains(&(14 * 60)),
        "the cancelled booking's slot is free"
    );
    assert!(slots.iter().all(|&(start, end)| end - start == HOUR));
}

#[tokio::test]
async fn services_are_listed_with_their_durations() {
    let s = sandbox().await;
    let services = s
        .client
        .list_services(SALON)
        .await
        .expect("the services read");
    assert_eq!(
        services,
        vec![Service {
            id: "haircut".into(),
            name: "Haircut".into(),
            duration_minutes: 60
        }]
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_injected_errors_are_transient() {
    let s = sandbox().await;
    let stranger = ReservioClient::new(
        &s.fake.url(),
        "wrong",
        Duration::from_secs(5),
        WindowPolicy::rolling(Clock::fixed(NOW)),
    )
    .expect("a valid base");
    let refused = stranger.list_services(SALON).await;
    assert!(
        matches!(refused, Err(SystemError::Http { status: 401, .. })),
        "{refused:?}"
    );

    s.fake.faults().set(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let failed = s.client.changes_since(SALON, None).await;
    assert!(matches!(&failed, Err(e) if e.is_transient()), "{failed:?}");
}

#[test]
fn the_near_window_is_read_at_every_poll_and_the_whole_window_only_now_and_then() {
    let clock = Clock::fixed(NOW);
    let policy = WindowPolicy {
        far_every_secs: 60,
        ..WindowPolicy::rolling(clock.clone())
    };
    let (whole, _) = (policy.window(), ());
    // No cursor yet: the whole window.
    let (first, cursor) = policy.window_for(None);
    assert_eq!(first, whole);
    // Within the minute: only up to 48 hours ahead.
    clock.advance(30);
    let (near, again) = policy.window_for(Some(&cursor));
    assert_eq!(near, (policy.window().0, NOW + 30 + 2 * 24 * 3600));
    assert_eq!(
        again, cursor,
        "the last whole read is still the one remembered"
    );
    // A minute after the whole read: the whole window again.
    clock.advance(30);
    let (far, later) = policy.window_for(Some(&again));
    assert_eq!(far, policy.window());
    assert_ne!(later, cursor);
    // A cursor of the old form (an instant) reads the whole window.
    assert_eq!(
        policy.window_for(Some("2026-11-03T10:00:00Z")).0,
        policy.window()
    );
}

#[test]
fn the_whole_window_falls_due_a_far_interval_after_it_was_last_read() {
    let clock = Clock::fixed(NOW);
    let policy = WindowPolicy {
        far_every_secs: 60,
        ..WindowPolicy::rolling(clock.clone())
    };
    assert_eq!(
        policy.whole_window_due_at(None),
        None,
        "the next poll reads it whole"
    );
    let (_, cursor) = policy.window_for(None);
    assert_eq!(policy.whole_window_due_at(Some(&cursor)), Some(NOW + 60));
    // A near read keeps the time of the last whole one.
    clock.advance(30);
    let (_, near) = policy.window_for(Some(&cursor));
    assert_eq!(policy.whole_window_due_at(Some(&near)), Some(NOW + 60));
    // A poll at that time reads it whole (and the next falls due a minute on).
    clock.advance(30);
    let (whole, later) = policy.window_for(Some(&near));
    assert_eq!(whole, policy.window());
    assert_eq!(policy.whole_window_due_at(Some(&later)), Some(NOW + 120));
    // Every poll reading the whole window: no time of its own.
    let every = WindowPolicy::rolling(clock);
    assert_eq!(every.whole_window_due_at(Some(&later)), None);
}
