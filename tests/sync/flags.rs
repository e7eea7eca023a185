//! Flags: what must not propagate or cannot, flagged with the right mismatch and never
//! "fixed" by the sync itself (FAQ rules 2, 4 and 5), and a side that vanished.

use crate::common::TestApp;
use crate::common::world::{DAY, HOUR, World, open_kind, tomorrow};
use bookbridge::domain::{BookingStatus, Customer};
use bookbridge::sandbox::faults::Faults;
use bookbridge::sandbox::reservio::StaffBooking;
use bookbridge::systems::reservio::note::NoteMarkers;

use crate::common;
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_voucher_cancelled_in_termino_is_never_cancelled_in_reservio_by_itself,
        a_booking_rejected_without_telling_partner_care_is_flagged_and_still_counts,
        a_booking_left_unanswered_for_a_day_is_flagged,
        a_booking_deleted_in_reservio_is_critical_and_never_recreated,
        a_booking_for_another_service_is_flagged_and_never_changed_by_sync,
        a_voucher_for_an_unmapped_offer_is_missing_in_reservio_after_the_grace_period,
        a_calendar_booking_with_an_unmapped_service_is_missing_in_termino,
        a_change_that_cannot_cross_over_for_an_hour_becomes_time_differs,
    ]
}

async fn a_voucher_cancelled_in_termino_is_never_cancelled_in_reservio_by_itself(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 5).await;
    w.sandbox
        .termino
        .cancel_voucher_by_channel(&w.partner.termino_partner_id, &voucher)
        .expect("cancel voucher");
    w.settle().await;
    assert_eq!(
        w.calendar_booking(&voucher).expect("still there").state,
        "confirmed",
        "rule 2: the calendar booking is not cancelled by sync"
    );
    let (severity, details) = open_kind(&app, "status_differs").await.expect("flagged");
    assert_eq!(severity, "high");
    assert!(
        details.to_lowercase().contains("reservio"),
        "says which side to cancel: {details}"
    );
    // The partner cancels it in the calendar too: both agree, the flag clears.
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "canceled");
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_none());
    assert_eq!(
        w.calendar_bookings_for(&voucher),
        1,
        "nothing was deleted or recreated"
    );
}

async fn a_booking_rejected_without_telling_partner_care_is_flagged_and_still_counts(app: TestApp) {
    let w = World::of(&app);
    let (reservation, _, booking) = w.agreed_booking(2, tomorrow(&app), 6).await;
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "rejected");
    w.settle().await;
    let (severity, _) = open_kind(&app, "rejected_without_care")
        .await
        .expect("flagged");
    assert_eq!(severity, "high");
    // Rule 4: the customer will still come; the voucher stays valid.
    assert_ne!(w.reservation(&reservation).status, BookingStatus::Cancelled);
    // A Partner Care case for the booking silences it.
    let (link_id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM booking_links")
        .fetch_one(app.db.pool())
        .await
        .expect("link");
    sqlx::query(
        "INSERT INTO cases (partner_id, link_id, kind, state, reason, opened_at) \
         VALUES ($1, $2, 'cannot_honour', 'open', 'schedule changed', $3)",
    )
    .bind(w.partner.partner_id)
    .bind(link_id)
    .bind(app.clock.now())
    .execute(app.db.pool())
    .await
    .expect("case");
    w.settle().await;
    assert!(open_kind(&app, "rejected_without_care").await.is_none());
}

async fn a_booking_left_unanswered_for_a_day_is_flagged(app: TestApp) {
    let w = World::of(&app);
    let (_, _, booking) = w.agreed_booking(0, tomorrow(&app) + 3 * DAY, 7).await;
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "pending");
    w.settle().await;
    assert!(
        open_kind(&app, "unanswered").await.is_none(),
        "not yet: it is fresh"
    );
    app.clock.advance(DAY + 60);
    w.settle().await;
    let (severity, _) = open_kind(&app, "unanswered")
        .await
        .expect("flagged after a day");
    assert_eq!(severity, "medium");
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "confirmed");
    w.settle().await;
    assert!(
        open_kind(&app, "unanswered").await.is_none(),
        "answered: the flag clears"
    );
}

async fn a_booking_deleted_in_reservio_is_critical_and_never_recreated(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 8).await;
    assert!(
        w.sandbox
            .reservio
            .staff_delete(&w.partner.business_id, &booking)
    );
    w.settle().await;
    let (severity, _) = open_kind(&app, "deleted_remotely").await.expect("flagged");
    assert_eq!(severity, "critical");
    assert_eq!(
        w.calendar_bookings_for(&voucher),
        0,
        "rule 2: a human must look; sync does not recreate it"
    );
    let vanished = app
        .count("SELECT COUNT(*) FROM external_bookings WHERE vanished_at IS NOT NULL")
        .await;
    assert_eq!(
        vanished, 1,
        "our snapshot is kept, marked vanished, never deleted"
    );
}

async fn a_booking_for_another_service_is_flagged_and_never_changed_by_sync(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, voucher) = w.redeem(0, start, 9);
    let (other_service, _, _) = w.offer(1);
    let (_, _, duration) = w.offer(0);
    // Staff booked the voucher's customer for a different treatment.
    let mut staff = StaffBooking::confirmed(
        &other_service,
        start,
        start + duration,
        w.reservation(&reservation).customer,
    );
    staff.note = NoteMarkers {
        termino_id: Some(reservation.clone()),
        voucher_code: Some(voucher.clone()),
        idempotency_key: None,
    }
    .render()
    .expect("note");
    w.sandbox
        .reservio
        .staff_create(&w.partner.business_id, staff);
    w.settle().await;
    let (severity, _) = open_kind(&app, "service_differs").await.expect("flagged");
    assert_eq!(severity, "medium");
    assert_eq!(
        w.calendar_booking(&voucher).expect("booking").service_id,
        other_service,
        "rule 5: not changed by sync"
    );
    assert_eq!(w.reservation(&reservation).offer_id, w.offer(0).1);
}

async fn a_voucher_for_an_unmapped_offer_is_missing_in_reservio_after_the_grace_period(
    app: TestApp,
) {
    let w = World::of(&app);
    w.sandbox
        .termino
        .add_offer(
            &w.partner.termino_partner_id,
            bookbridge::systems::termino::Offer {
                id: "offer-unmapped".into(),
                name: "Gift package".into(),
                duration_minutes: 60,
            },
        )
        .expect("offer");
    w.sandbox
        .termino
        .redeem_voucher(
            &w.partner.termino_partner_id,
            "TSTUNMAPPED",
            "offer-unmapped",
            tomorrow(&app),
            tomorrow(&app) + HOUR,
            Customer::default(),
        )
        .expect("redeem");
    w.settle().await;
    assert!(
        open_kind(&app, "missing_in_reservio").await.is_none(),
        "within the grace period"
    );
    app.clock.advance(16 * 60);
    w.settle().await;
    let (severity, _) = open_kind(&app, "missing_in_reservio")
        .await
        .expect("flagged");
    assert_eq!(severity, "high");
    assert_eq!(w.calendar_bookings_for("TSTUNMAPPED"), 0);
}

async fn a_calendar_booking_with_an_unmapped_service_is_missing_in_termino(app: TestApp) {
    let w = World::of(&app);
    w.sandbox.reservio.add_service(
        &w.partner.business_id,
        bookbridge::systems::reservio::Service {
            id: "svc-unmapped".into(),
            name: "Walk-in".into(),
            duration_minutes: 30,
        },
    );
    let mut staff = StaffBooking::confirmed(
        "svc-unmapped",
        tomorrow(&app),
        tomorrow(&app) + 1800,
        Customer::default(),
    );
    staff.note = NoteMarkers {
        termino_id: None,
        voucher_code: Some("TSTWALKIN".into()),
        idempotency_key: None,
    }
    .render()
    .expect("note");
    w.sandbox
        .reservio
        .staff_create(&w.partner.business_id, staff);
    w.settle().await;
    app.clock.advance(16 * 60);
    w.settle().await;
    let (severity, _) = open_kind(&app, "missing_in_termino")
        .await
        .expect("flagged");
    assert_eq!(severity, "high");
    assert!(
        w.sandbox
            .termino
            .reservations(&w.partner.termino_partner_id)
            .is_empty()
    );
}

async fn a_change_that_cannot_cross_over_for_an_hour_becomes_time_differs(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app) + 2 * DAY;
    let (reservation, _, booking) = w.agreed_booking(0, start, 10).await;
    let (_, _, duration) = w.offer(0);
    // Termino refuses every call for a while.
    w.sandbox.termino.faults().set(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        start + HOUR,
        start + HOUR + duration,
    );
    w.settle().await;
    assert!(
        open_kind(&app, "time_differs").await.is_none(),
        "on its way, within the hour"
    );
    app.clock.advance(HOUR + 60);
    w.settle().await;
    let (severity, _) = open_kind(&app, "time_differs").await.expect("overdue");
    assert_eq!(severity, "high");
    // Termino comes back; a fresh change crosses over and everything agrees again.
    w.sandbox.termino.faults().set(Faults::default());
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        start + 2 * HOUR,
        start + 2 * HOUR + duration,
    );
    for _ in 0..6 {
        app.clock.advance(10 * 60);
        w.settle().await;
    }
    assert_eq!(w.reservation(&reservation).start_at, start + 2 * HOUR);
    assert!(open_kind(&app, "time_differs").await.is_none());
}
