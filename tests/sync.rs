//! The sync engine against the sandbox's fake systems over real HTTP, on both databases: date
//! changes cross over both ways, cancellations and service changes never propagate by
//! themselves, every mismatch kind is raised by its scenario and clears when the sides agree,
//! and under injected faults and restarts changes converge, none lost and none applied twice.

mod common;
#[path = "sync/holds.rs"]
mod holds;
#[path = "sync/integrity.rs"]
mod integrity;
#[path = "sync/listing.rs"]
mod listing;
#[path = "sync/reservio_contract.rs"]
mod reservio_contract;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bookbridge::config::SystemsConfig;
use bookbridge::domain::{BookingStatus, Customer, NewBooking, RemoteBooking};
use bookbridge::sandbox::faults::Faults;
use bookbridge::sandbox::reservio::{EffectKind as ReservioEffect, StaffBooking};
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::{SyncContext, sync_all};
use bookbridge::systems::reservio::note::NoteMarkers;
use bookbridge::systems::{BookingSystem, ChangeBatch, SystemError};
use common::world::{DAY, HOUR, World, open_kind, open_mismatches, tomorrow};
use common::{TestApp, html, select_attr, select_texts};
use listing::*;
use reservio_contract::the_verification_report_shows_the_probed_reservio_profile_in_plain_words;

fn main() {
    let mut all = tests![
        a_voucher_redeemed_in_termino_appears_in_the_calendar_and_the_link_agrees,
        a_date_change_made_in_reservio_reaches_termino,
        a_date_change_made_in_termino_reaches_reservio,
        changes_on_both_sides_to_different_times_are_a_conflict_and_nothing_is_overwritten,
        a_voucher_cancelled_in_termino_is_never_cancelled_in_reservio_by_itself,
        a_booking_rejected_without_telling_partner_care_is_flagged_and_still_counts,
        a_booking_left_unanswered_for_a_day_is_flagged,
        a_booking_deleted_in_reservio_is_critical_and_never_recreated,
        a_booking_for_another_service_is_flagged_and_never_changed_by_sync,
        a_voucher_for_an_unmapped_offer_is_missing_in_reservio_after_the_grace_period,
        a_calendar_booking_with_an_unmapped_service_is_missing_in_termino,
        a_change_that_cannot_cross_over_for_an_hour_becomes_time_differs,
        a_push_that_keeps_failing_becomes_push_failed_and_clears_once_it_goes_through,
        a_push_that_failed_for_good_crosses_by_itself_once_the_system_answers_again,
        an_undelivered_push_goes_again_at_a_slow_pace_while_reads_answer_all_along,
        a_refused_push_stays_refused_until_a_person_sends_it_again_now,
        a_customers_self_reschedule_is_told_as_theirs_with_the_time_it_had,
        a_signed_notification_from_termino_makes_the_worker_sync_at_once,
        unsigned_or_unknown_notifications_are_refused,
        a_notification_is_accepted_once_by_any_instance_and_never_when_stale,
        one_unreadable_booking_does_not_stop_the_others,
        random_changes_under_faults_and_restarts_converge_with_none_lost_or_applied_twice,
        two_workers_on_one_database_never_apply_a_change_twice,
        a_vanished_side_agrees_with_nothing_and_its_mismatches_carry_on_when_it_returns,
        a_change_whose_read_back_cannot_be_read_stays_pending_and_is_verified_later,
        an_empty_listing_of_a_known_calendar_is_one_alarm_not_a_flood_of_deletions,
        bookings_dropping_out_of_a_created_at_filter_raise_the_alarm_instead_of_deletions,
        partner_care_confirming_the_alarm_lets_the_vanished_bookings_be_marked,
        bookings_that_cannot_be_read_are_one_log_line_per_cause_and_one_health_line,
        a_listing_that_ignores_the_date_filter_never_makes_bookings_beyond_the_window_vanish,
        the_verification_report_shows_the_probed_reservio_profile_in_plain_words,
    ];
    all.extend(tests![
        partners_credentials_are_sealed_at_rest_and_the_sync_still_reaches_both_systems,
        credentials_stored_in_plain_text_are_sealed_at_start_keeping_every_row,
        rotating_the_key_reseals_credentials_and_old_audit_rows_still_verify,
    ]);
    all.extend(integrity::tests());
    all.extend(holds::tests());
    common::run_configured(
        |config| {
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 0,
            });
            config.run_worker = false;
            // Hanging requests fail fast, so fault tests finish quickly.
            config.sync.call_timeout = Duration::from_millis(400);
            config.sync.max_attempts = 10;
            config.sync.retry_base_secs = 5;
        },
        reservio_contract::trials(),
        all,
    );
}

async fn a_voucher_redeemed_in_termino_appears_in_the_calendar_and_the_link_agrees(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, start, 1).await;
    let booking = w.calendar_booking(&voucher).expect("calendar booking");
    let (service, _, duration) = w.offer(0);
    assert_eq!(
        (booking.start_at, booking.end_at),
        (start, start + duration)
    );
    assert_eq!(
        booking.service_id, service,
        "the offer is mapped to its service"
    );
    assert_eq!(booking.customer.name, "Customer 1");
    assert_eq!(
        NoteMarkers::parse(&booking.note).termino_id.as_deref(),
        Some(reservation.as_str()),
        "the calendar booking names its reservation"
    );
    assert_eq!(w.calendar_bookings_for(&voucher), 1);
    let (agreed,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM booking_links WHERE base_start_at = $1 \
         AND reservio_booking_id IS NOT NULL AND termino_booking_id IS NOT NULL",
    )
    .bind(start)
    .fetch_one(app.db.pool())
    .await
    .expect("query");
    assert_eq!(agreed, 1, "one link with both sides and an agreed base");
    assert!(
        open_mismatches(&app).await.is_empty(),
        "{:?}",
        open_mismatches(&app).await
    );
    let created = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'push.applied' AND actor = 'sync'")
        .await;
    assert_eq!(created, 1, "the create is audited as the sync's");
}

async fn a_date_change_made_in_reservio_reaches_termino(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, _, booking) = w.agreed_booking(0, start, 2).await;
    let (_, _, duration) = w.offer(0);
    let moved = start + 3 * HOUR;
    assert!(w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        moved,
        moved + duration
    ));
    w.settle().await;
    let r = w.reservation(&reservation);
    assert_eq!((r.start_at, r.end_at), (moved, moved + duration));
    let reschedules: Vec<_> = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::Reschedule)
        .collect();
    assert_eq!(reschedules.len(), 1, "applied once: {reschedules:?}");
    assert!(open_mismatches(&app).await.is_empty());
}

async fn a_date_change_made_in_termino_reaches_reservio(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, voucher, _) = w.agreed_booking(1, start, 3).await;
    let (_, _, duration) = w.offer(1);
    let moved = start + DAY;
    w.sandbox
        .termino
        .customer_self_reschedule(
            &w.partner.termino_partner_id,
            &reservation,
            moved,
            moved + duration,
        )
        .expect("the customer's one self-reschedule");
    w.settle().await;
    let booking = w.calendar_booking(&voucher).expect("booking");
    assert_eq!(
        (booking.start_at, booking.end_at),
        (moved, moved + duration)
    );
    assert!(open_mismatches(&app).await.is_empty());
    let moves = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| e.kind == ReservioEffect::Moved)
        .count();
    assert_eq!(moves, 1);
}

async fn changes_on_both_sides_to_different_times_are_a_conflict_and_nothing_is_overwritten(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, start, 4).await;
    let (_, _, duration) = w.offer(0);
    let (a, b) = (start + HOUR, start + 2 * HOUR);
    w.sandbox
        .reservio
        .staff_move(&w.partner.business_id, &booking, a, a + duration);
    w.sandbox
        .termino
        .reschedule_by_partner(&w.partner.termino_partner_id, &reservation, b, b + duration)
        .expect("reschedule");
    w.settle().await;
    assert_eq!(
        w.calendar_booking(&voucher).expect("booking").start_at,
        a,
        "Reservio keeps its change"
    );
    assert_eq!(
        w.reservation(&reservation).start_at,
        b,
        "Termino keeps its change"
    );
    let (severity, _) = open_kind(&app, "conflict")
        .await
        .expect("a conflict is open");
    assert_eq!(severity, "high");
    // Someone settles it by hand in one system: the conflict resolves itself.
    w.sandbox
        .reservio
        .staff_move(&w.partner.business_id, &booking, b, b + duration);
    w.settle().await;
    assert!(open_kind(&app, "conflict").await.is_none());
    let resolved = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'mismatch.resolved' AND actor = 'sync'",
        )
        .await;
    assert_eq!(resolved, 1, "the automatic resolution is audited");
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

async fn a_push_that_keeps_failing_becomes_push_failed_and_clears_once_it_goes_through(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app) + DAY;
    let (reservation, _, booking) = w.agreed_booking(0, start, 11).await;
    let (_, _, duration) = w.offer(0);
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
    for _ in 0..12 {
        app.clock.advance(10 * 60);
        w.settle().await;
    }
    let (severity, details) = open_kind(&app, "push_failed")
        .await
        .expect("flagged after the last retry");
    assert_eq!(severity, "high");
    assert!(details.contains("update_time"), "{details}");
    let failed = app
        .count("SELECT COUNT(*) FROM outbox WHERE state = 'failed'")
        .await;
    assert_eq!(failed, 1, "the push is kept, marked failed, not dropped");
    // The system recovers and the change is made again: both sides agree and the flag clears.
    w.sandbox.termino.faults().set(Faults::default());
    w.sandbox
        .termino
        .reschedule_by_partner(
            &w.partner.termino_partner_id,
            &reservation,
            start + HOUR,
            start + HOUR + duration,
        )
        .expect("reschedule by hand");
    w.settle().await;
    assert!(
        open_kind(&app, "push_failed").await.is_none(),
        "{:?}",
        open_mismatches(&app).await
    );
}

/// The link of a voucher.
async fn link_of(app: &TestApp, voucher: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM booking_links WHERE voucher_code = $1")
        .bind(voucher)
        .fetch_one(app.db.pool())
        .await
        .expect("the booking is linked");
    id
}

/// A booking's page as the partner sees it.
async fn booking_page(app: &TestApp, client: &reqwest::Client, link: i64) -> scraper::Html {
    let response = app.get(client, &format!("/bookings/{link}")).await;
    assert_eq!(response.status(), 200);
    html(response).await
}

/// Moves the calendar booking while Termino fails every call until the push fails for good.
async fn fail_a_push_for_good(
    w: &World,
    app: &TestApp,
    faults: Faults,
    n: u32,
) -> (String, String, i64) {
    let start = tomorrow(app) + DAY;
    let (reservation, voucher, booking) = w.agreed_booking(0, start, n).await;
    let (_, _, duration) = w.offer(0);
    w.sandbox.termino.faults().set(faults);
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        start + HOUR,
        start + HOUR + duration,
    );
    // Ten tries, five seconds to seven and a half minutes apart: failed for good within the
    // hour, one try per sync at most.
    for _ in 0..20 {
        app.clock.advance(5 * 60);
        w.settle().await;
        if open_kind(app, "push_failed").await.is_some() {
            break;
        }
    }
    assert!(
        open_kind(app, "push_failed").await.is_some(),
        "failed for good"
    );
    (reservation, voucher, start + HOUR)
}

// Issue: a failed push never went through after the system was back.
async fn a_push_that_failed_for_good_crosses_by_itself_once_the_system_answers_again(app: TestApp) {
    let w = World::of(&app);
    let down = Faults {
        error_rate: 1.0,
        ..Faults::default()
    };
    let (reservation, voucher, moved_to) = fail_a_push_for_good(&w, &app, down, 21).await;
    let link = link_of(&app, &voucher).await;
    let client = app.login("partner@demo.test").await;
    // One state, one message: not delivered, what happens next — not "on its way".
    let doc = booking_page(&app, &client, link).await;
    assert_eq!(
        select_attr(&doc, "#pending-change", "data-state").as_deref(),
        Some("not-delivered")
    );
    let card = select_texts(&doc, "#pending-change").join(" ");
    assert!(card.contains("Termino did not answer"), "{card}");
    assert!(
        card.contains("at once when Termino answers again"),
        "{card}"
    );
    assert!(!card.contains("promises"), "{card}");
    assert!(select_attr(&doc, "#pending-change progress", "value").is_none());
    assert!(select_attr(&doc, "#send-again", "id").is_some());
    // The list never says the sides agree while the change has not crossed.
    let list = html(app.get(&client, "/bookings").await).await;
    let flags = select_texts(&list, &format!("#link-{link} .f-mismatches")).join(" ");
    assert!(!flags.contains("In agreement"), "{flags}");

    // Termino answers again; nobody does anything, and no time passes.
    w.sandbox.termino.faults().set(Faults::default());
    w.settle().await;
    assert_eq!(
        w.reservation(&reservation).start_at,
        moved_to,
        "the change crossed"
    );
    assert!(
        open_kind(&app, "push_failed").await.is_none(),
        "{:?}",
        open_mismatches(&app).await
    );
    let requeued = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'push.requeued' \
             AND actor = 'sync' AND after_state LIKE '%answered_again%'",
        )
        .await;
    assert_eq!(requeued, 1);
    let doc = booking_page(&app, &client, link).await;
    assert!(select_attr(&doc, "#pending-change", "data-state").is_none());
}

async fn an_undelivered_push_goes_again_at_a_slow_pace_while_reads_answer_all_along(app: TestApp) {
    let w = World::of(&app);
    // Termino answers reads but fails every write: its reads answering is no news.
    let writes_down = Faults {
        error_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    };
    let (reservation, _, moved_to) = fail_a_push_for_good(&w, &app, writes_down, 22).await;
    let (retry_at,): (Option<i64>,) =
        sqlx::query_as("SELECT retry_at FROM outbox WHERE state = 'failed'")
            .fetch_one(app.db.pool())
            .await
            .expect("the failed push is kept");
    let retry_at = retry_at.expect("no answer is not a refusal: a slow retry is due");
    let tries = || {
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('push.retry', 'push.failed')")
    };
    let before = tries().await;
    w.settle().await;
    assert_eq!(tries().await, before, "not tried again at every poll");
    w.sandbox.termino.faults().set(Faults::default());
    w.settle().await;
    assert_ne!(
        w.reservation(&reservation).start_at,
        moved_to,
        "not yet due"
    );
    app.clock.advance(retry_at - app.clock.now());
    w.settle().await;
    assert_eq!(
        w.reservation(&reservation).start_at,
        moved_to,
        "went at its slow pace"
    );
    assert!(open_kind(&app, "push_failed").await.is_none());
}

async fn a_refused_push_stays_refused_until_a_person_sends_it_again_now(app: TestApp) {
    let w = World::of(&app);
    let refused = Faults {
        refuse_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    };
    let (reservation, voucher, moved_to) = fail_a_push_for_good(&w, &app, refused, 23).await;
    let link = link_of(&app, &voucher).await;
    w.sandbox.termino.faults().set(Faults::default());
    for _ in 0..3 {
        app.clock.advance(30 * 60);
        w.settle().await;
    }
    assert_ne!(
        w.reservation(&reservation).start_at,
        moved_to,
        "a refusal stays refused"
    );
    assert!(open_kind(&app, "push_failed").await.is_some());

    let client = app.login("partner@demo.test").await;
    let doc = booking_page(&app, &client, link).await;
    let card = select_texts(&doc, "#pending-change").join(" ");
    assert!(card.contains("Termino refused the change"), "{card}");
    assert!(card.contains("will not send it again by itself"), "{card}");
    // Partner Care finds the action on the mismatch it works from too.
    let care = app.login("care@demo.test").await;
    let (mismatch,): (i64,) =
        sqlx::query_as("SELECT id FROM mismatches WHERE kind = 'push_failed' AND link_id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("the flag");
    let care_page = html(
        app.get(&care, &format!("/care/mismatches/{mismatch}"))
            .await,
    )
    .await;
    assert_eq!(
        select_attr(&care_page, "#send-again-form", "action"),
        Some(format!("/bookings/{link}/send-again"))
    );
    // Like every form: no token, no effect.
    let path = format!("/bookings/{link}/send-again");
    let forged = client
        .post(app.url(&path))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .expect("answers");
    assert_eq!(forged.status(), 403);
    let page = format!("/bookings/{link}");
    let sent = app.post_form(&client, &page, &path, &[]).await;
    assert_eq!(sent.status(), 303);
    let (actor,): (String,) = sqlx::query_as(
        "SELECT actor FROM audit_log WHERE action = 'push.requeued' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("audited");
    assert_eq!(actor, "partner@demo.test");
    w.settle().await;
    assert_eq!(w.reservation(&reservation).start_at, moved_to);
    assert!(open_kind(&app, "push_failed").await.is_none());
    // Partner Care has the same action; with nothing undelivered any more it changes nothing.
    let again = app.post_form(&care, &page, &path, &[]).await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'push.requeued'")
            .await,
        1
    );
}

// Rule 3: the customer may reschedule once by themselves, from their channel account.
async fn a_customers_self_reschedule_is_told_as_theirs_with_the_time_it_had(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app) + DAY;
    let (reservation, voucher, _) = w.agreed_booking(0, start, 24).await;
    let (_, _, duration) = w.offer(0);
    let link = link_of(&app, &voucher).await;
    w.sandbox
        .termino
        .customer_self_reschedule(
            &w.partner.termino_partner_id,
            &reservation,
            start + DAY,
            start + DAY + duration,
        )
        .expect("the customer moves it");
    w.settle().await;
    let (id, before, after): (i64, Option<String>, String) = sqlx::query_as(
        "SELECT id, before_state, after_state FROM audit_log WHERE action = 'booking.changed' \
         AND after_state LIKE '%\"moved_by\":\"customer\"%'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the change is audited as the customer's");
    let before: serde_json::Value =
        serde_json::from_str(&before.expect("with the before state")).expect("json");
    assert_eq!(before["start_at"], start);
    assert!(
        after.contains(&format!("\"start_at\":{}", start + DAY)),
        "{after}"
    );

    let client = app.login("partner@demo.test").await;
    let doc = booking_page(&app, &client, link).await;
    let told = "The customer moved it from their Slevomat account: ";
    let lines = select_texts(&doc, "#booking-timeline li .what");
    let line = lines
        .iter()
        .find(|l| l.starts_with(told))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(line.contains(" → "), "{line}");
    let entry = html(app.get(&client, &format!("/audit/{id}")).await).await;
    let what = select_texts(&entry, "#audit-what").join("");
    assert_eq!(&what, line);
    // A staff move in Reservio is told with its times too; Reservio does not say who.
    let booking = w.calendar_booking(&voucher).expect("calendar booking");
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking.id,
        start + 2 * DAY,
        start + 2 * DAY + duration,
    );
    w.settle().await;
    let doc = booking_page(&app, &client, link).await;
    let lines = select_texts(&doc, "#booking-timeline li .what");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Moved in Reservio: ") && l.contains(" → ")),
        "{lines:?}"
    );
}

async fn a_signed_notification_from_termino_makes_the_worker_sync_at_once(app: TestApp) {
    // A second instance on the same database with its worker on and a poll interval of an
    // hour: only the notification can make it sync within seconds.
    let mut config = common::test_config(app.database_url.clone());
    config.systems = Some(SystemsConfig::Sandbox {
        bookings_per_partner: 0,
    });
    config.run_worker = true;
    config.sync.poll_interval_secs = 3600;
    let instance = bookbridge::app::App::build(config, app.clock.clone())
        .await
        .expect("second instance starts");
    let sandbox = instance.sandbox().expect("sandbox");
    let partner = sandbox.partners().into_iter().next().expect("partner");
    let server = tokio::spawn(instance.run());
    // Let the worker's first (immediate) round pass.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, offer, minutes) = partner.services[0].clone();
    let start = tomorrow(&app);
    let id = sandbox
        .termino
        .redeem_voucher(
            &partner.termino_partner_id,
            "TSTHOOK",
            &offer,
            start,
            start + i64::from(minutes) * 60,
            Customer::default(),
        )
        .expect("redeem");
    sandbox
        .termino
        .set_status(&partner.termino_partner_id, &id, BookingStatus::Confirmed)
        .expect("confirm");
    let mut arrived = false;
    for _ in 0..100 {
        let found = sandbox
            .reservio
            .bookings(&partner.business_id)
            .iter()
            .any(|b| NoteMarkers::parse(&b.note).voucher_code.as_deref() == Some("TSTHOOK"));
        if found {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.abort();
    assert!(arrived, "the notification triggered a sync within 10 s");
}

async fn unsigned_or_unknown_notifications_are_refused(app: TestApp) {
    let client = app.client();
    // The secret as the app reads it: decrypted (the column holds it sealed).
    let (first_id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM connections")
        .fetch_one(app.db.pool())
        .await
        .expect("connection");
    let stored = bookbridge::db::connections::find(&app.db, first_id)
        .await
        .expect("connections read")
        .expect("connection");
    let (code, secret) = (stored.connection_code, stored.webhook_secret);
    let body = notification(app.clock.now(), &bookbridge::systems::termino::new_nonce());
    let post = |path: String, signature: Option<String>| {
        let mut request = client.post(app.url(&path)).body(body.clone());
        if let Some(sig) = signature {
            request = request.header("x-termino-signature", sig);
        }
        request.send()
    };
    let r = post(format!("/hooks/termino/{code}"), None)
        .await
        .expect("answer");
    assert_eq!(r.status(), 401);
    let wrong = bookbridge::systems::termino::sign_webhook_body("not-the-secret", body.as_bytes());
    let r = post(format!("/hooks/termino/{code}"), Some(wrong))
        .await
        .expect("answer");
    assert_eq!(r.status(), 401);
    let right = bookbridge::systems::termino::sign_webhook_body(&secret, body.as_bytes());
    let r = post("/hooks/termino/NO-SUCH-CODE".into(), Some(right.clone()))
        .await
        .expect("answer");
    assert_eq!(r.status(), 404);
    let r = post(format!("/hooks/termino/{code}"), Some(right))
        .await
        .expect("answer");
    assert_eq!(
        r.status(),
        202,
        "a correctly signed notification is accepted without a CSRF token"
    );
}

/// A Termino notification body sent at `sent_at` with `nonce`.
fn notification(sent_at: i64, nonce: &str) -> String {
    serde_json::json!({
        "partner_id": "x",
        "reservation_id": "y",
        "version": 1,
        "sent_at": sent_at,
        "nonce": nonce,
    })
    .to_string()
}

async fn a_notification_is_accepted_once_by_any_instance_and_never_when_stale(app: TestApp) {
    use bookbridge::systems::termino::{WEBHOOK_MAX_AGE_SECS, new_nonce, sign_webhook_body};
    // The secret as the app reads it: decrypted (the column holds it sealed).
    let (first_id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM connections")
        .fetch_one(app.db.pool())
        .await
        .expect("connection");
    let stored = bookbridge::db::connections::find(&app.db, first_id)
        .await
        .expect("connections read")
        .expect("connection");
    let (code, secret) = (stored.connection_code, stored.webhook_secret);
    // A second instance on the same database, as behind a load balancer.
    let mut config = common::test_config(app.database_url.clone());
    config.run_worker = false;
    let other = bookbridge::app::App::build(config, app.clock.clone())
        .await
        .expect("second instance starts");
    let other_base = format!("http://127.0.0.1:{}", other.port());
    let other_server = tokio::spawn(other.run());
    let client = app.client();
    let send = |base: String, body: String| {
        let signature = sign_webhook_body(&secret, body.as_bytes());
        client
            .post(format!("{base}/hooks/termino/{code}"))
            .header("x-termino-signature", signature)
            .body(body)
            .send()
    };
    let now = app.clock.now();
    let body = notification(now, &new_nonce());
    let r = send(app.base.clone(), body.clone()).await.expect("answer");
    assert_eq!(r.status(), 202, "a fresh notification is accepted");
    let r = send(app.base.clone(), body.clone()).await.expect("answer");
    assert_eq!(r.status(), 409, "the same notification again is a replay");
    let r = send(other_base.clone(), body.clone())
        .await
        .expect("answer");
    assert_eq!(r.status(), 409, "another instance refuses the replay too");
    // Sent too long ago, or too far ahead: refused whatever the nonce.
    for sent_at in [
        now - WEBHOOK_MAX_AGE_SECS - 1,
        now + WEBHOOK_MAX_AGE_SECS + 1,
    ] {
        let r = send(app.base.clone(), notification(sent_at, &new_nonce()))
            .await
            .expect("answer");
        assert_eq!(r.status(), 401, "sent at {sent_at}, now {now}");
    }
    // Signed, but not a notification with a time and a nonce.
    for body in [
        r#"{"partner_id":"x","reservation_id":"y","version":1}"#.to_string(),
        notification(now, "short"),
        notification(now, &"n".repeat(500)),
    ] {
        let r = send(app.base.clone(), body.clone()).await.expect("answer");
        assert_eq!(r.status(), 400, "{body}");
    }
    // Once the replay is stale it is refused for its time, and its nonce is forgotten.
    app.clock.advance(WEBHOOK_MAX_AGE_SECS + 1);
    let r = send(other_base, body).await.expect("answer");
    assert_eq!(r.status(), 401);
    let fresh = notification(app.clock.now(), &new_nonce());
    let r = send(app.base.clone(), fresh).await.expect("answer");
    assert_eq!(r.status(), 202);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_nonces").await,
        1,
        "expired nonces are deleted"
    );
    other_server.abort();
}

async fn one_unreadable_booking_does_not_stop_the_others(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (_, voucher, booking) = w.agreed_booking(0, start, 12).await;
    // Staff give one booking a state nobody knows; another booking still syncs.
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "on_hold_mystery");
    let (reservation, _) = w.redeem(1, start + DAY, 13);
    w.settle().await;
    let (_, _, duration) = w.offer(1);
    let b = w
        .calendar_booking("TST000013")
        .expect("the other booking is synced");
    assert_eq!(b.start_at, start + DAY);
    let _ = (reservation, duration, voucher);
    let vanished = app
        .count("SELECT COUNT(*) FROM external_bookings WHERE vanished_at IS NOT NULL")
        .await;
    assert_eq!(
        vanished, 0,
        "an unreadable booking is not mistaken for a deleted one"
    );
}

/// Appointments for the convergence tests: (reservation, voucher, calendar booking, side that changes it).
async fn appointments(w: &World, app: &TestApp, n: u32) -> Vec<(String, String, String, bool)> {
    let start = tomorrow(app);
    let mut made = vec![];
    for i in 0..n {
        let (reservation, voucher) =
            w.redeem((i % 3) as usize, start + i64::from(i) * 2 * HOUR, 100 + i);
        made.push((reservation, voucher));
    }
    w.settle().await;
    made.into_iter()
        .enumerate()
        .map(|(i, (r, v))| {
            let booking = w.calendar_booking(&v).expect("created").id;
            (r, v, booking, i % 2 == 0)
        })
        .collect()
}

/// Makes `changes` random date changes, each on the side that owns that appointment, with a
/// sync round (or an interrupted one) after every few.
async fn churn(
    app: &TestApp,
    w: &World,
    ctxs: &[SyncContext],
    items: &[(String, String, String, bool)],
    changes: usize,
) -> HashMap<String, i64> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut expected: HashMap<String, i64> = HashMap::new();
    let base = tomorrow(app) + 5 * DAY;
    for change in 0..changes {
        let (reservation, voucher, booking, in_reservio) = &items[rng.random_range(0..items.len())];
        let start = base + rng.random_range(0..500) * 1800;
        let duration = HOUR;
        if *in_reservio {
            w.sandbox
                .reservio
                .staff_move(&w.partner.business_id, booking, start, start + duration);
        } else {
            w.sandbox
                .termino
                .reschedule_by_partner(
                    &w.partner.termino_partner_id,
                    reservation,
                    start,
                    start + duration,
                )
                .expect("reschedule");
        }
        expected.insert(voucher.clone(), start);
        if change % 25 == 24 {
            app.clock.advance(30);
            let ctx = &ctxs[rng.random_range(0..ctxs.len())];
            if rng.random_bool(0.2) {
                // A crash mid-sync: the k-th call to a system takes effect, then the "process"
                // never hears back and is abandoned. Its leases run out and another takes over.
                let crashing = Crashing::wrap(ctx, rng.random_range(1..6));
                let _ = tokio::time::timeout(Duration::from_secs(3), sync_all(&crashing)).await;
                app.clock.advance(ctx.settings.lease_secs + 1);
            } else if ctxs.len() > 1 {
                let (a, b) = tokio::join!(sync_all(&ctxs[0]), sync_all(&ctxs[1]));
                a.expect("round");
                b.expect("round");
            } else {
                sync_all(ctx).await.expect("round");
            }
        }
    }
    expected
}

/// A connector whose systems stop answering for good after a number of calls — right after the
/// call's effect, the worst moment for a crash. Only the external call hangs, never a database
/// transaction, as when a real process dies while waiting for a system.
struct Crashing {
    inner: Arc<dyn bookbridge::sync::Connector>,
    calls_left: Arc<std::sync::atomic::AtomicI64>,
}

impl Crashing {
    fn wrap(ctx: &SyncContext, after_calls: i64) -> SyncContext {
        let connector = Crashing {
            inner: ctx.connector.clone(),
            calls_left: Arc::new(std::sync::atomic::AtomicI64::new(after_calls)),
        };
        SyncContext::new(
            ctx.db.clone(),
            ctx.clock.clone(),
            ctx.settings.clone(),
            Arc::new(connector),
        )
    }
}

struct CrashingSystem {
    inner: Arc<dyn BookingSystem>,
    calls_left: Arc<std::sync::atomic::AtomicI64>,
}

impl CrashingSystem {
    async fn answer<T>(&self, result: T) -> T {
        if self
            .calls_left
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst)
            <= 1
        {
            std::future::pending::<()>().await;
        }
        result
    }
}

#[async_trait::async_trait]
impl BookingSystem for CrashingSystem {
    fn system(&self) -> bookbridge::domain::System {
        self.inner.system()
    }

    async fn changes_since(
        &self,
        account: &str,
        cursor: Option<&str>,
    ) -> Result<ChangeBatch, SystemError> {
        let r = self.inner.changes_since(account, cursor).await;
        self.answer(r).await
    }

    async fn get(&self, account: &str, id: &str) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.get(account, id).await;
        self.answer(r).await
    }

    async fn find_existing(
        &self,
        account: &str,
        booking: &NewBooking,
    ) -> Result<Option<RemoteBooking>, SystemError> {
        let r = self.inner.find_existing(account, booking).await;
        self.answer(r).await
    }

    async fn create(
        &self,
        account: &str,
        booking: &NewBooking,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.create(account, booking, key).await;
        self.answer(r).await
    }

    async fn update_time(
        &self,
        account: &str,
        id: &str,
        start: i64,
        end: i64,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.update_time(account, id, start, end, key).await;
        self.answer(r).await
    }

    async fn update_customer(
        &self,
        account: &str,
        id: &str,
        customer: &Customer,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.update_customer(account, id, customer, key).await;
        self.answer(r).await
    }

    async fn cancel(
        &self,
        account: &str,
        id: &str,
        key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let r = self.inner.cancel(account, id, key).await;
        self.answer(r).await
    }
}

impl bookbridge::sync::Connector for Crashing {
    fn systems(
        &self,
        connection: &bookbridge::db::connections::Connection,
    ) -> Result<bookbridge::sync::ConnectionSystems, SystemError> {
        let real = self.inner.systems(connection)?;
        let wrap = |inner: Arc<dyn BookingSystem>| -> Arc<dyn BookingSystem> {
            Arc::new(CrashingSystem {
                inner,
                calls_left: self.calls_left.clone(),
            })
        };
        Ok(bookbridge::sync::ConnectionSystems {
            reservio: wrap(real.reservio),
            termino: wrap(real.termino),
        })
    }

    fn reservio_client(
        &self,
        token: &str,
    ) -> Result<bookbridge::systems::reservio::ReservioClient, SystemError> {
        self.inner.reservio_client(token)
    }

    fn termino_client(
        &self,
        token: &str,
    ) -> Result<bookbridge::systems::termino::TerminoClient, SystemError> {
        self.inner.termino_client(token)
    }
}

async fn converge(app: &TestApp, w: &World, ctx: &SyncContext) {
    w.sandbox.termino.faults().set(Faults::default());
    w.sandbox.reservio.faults().set(Faults::default());
    for _ in 0..20 {
        app.clock.advance(10 * 60);
        sync_all(ctx).await.expect("round");
        let pending = app
            .count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            .await;
        if pending == 0 {
            sync_all(ctx).await.expect("round");
            break;
        }
    }
}

fn check_converged(
    w: &World,
    items: &[(String, String, String, bool)],
    expected: &HashMap<String, i64>,
) {
    for (reservation, voucher, _, _) in items {
        let termino = w.reservation(reservation).start_at;
        let reservio = w.calendar_booking(voucher).expect("booking").start_at;
        assert_eq!(termino, reservio, "{voucher}: both sides agree");
        if let Some(last) = expected.get(voucher) {
            assert_eq!(
                termino, *last,
                "{voucher}: the last change won, nothing was lost"
            );
        }
        assert_eq!(
            w.calendar_bookings_for(voucher),
            1,
            "{voucher}: never created twice"
        );
    }
    let mut keys = HashMap::new();
    for effect in w.sandbox.termino.effects() {
        *keys.entry(effect.idempotency_key).or_insert(0) += 1;
    }
    assert!(
        keys.values().all(|n| *n == 1),
        "every Termino change applied once"
    );
}

async fn random_changes_under_faults_and_restarts_converge_with_none_lost_or_applied_twice(
    app: TestApp,
) {
    let w = World::of(&app);
    let items = appointments(&w, &app, 30).await;
    w.sandbox.termino.faults().set(Faults::uniform(0.2));
    w.sandbox.reservio.faults().set(Faults::uniform(0.2));
    // Each round may run as a "new instance" after a crash.
    let restarted = SyncContext::new(
        w.ctx.db.clone(),
        w.ctx.clock.clone(),
        w.ctx.settings.clone(),
        w.ctx.connector.clone(),
    );
    let expected = churn(&app, &w, &[w.ctx.clone(), restarted], &items, 1000).await;
    converge(&app, &w, &w.ctx).await;
    check_converged(&w, &items, &expected);
    let conflicts = app
        .count("SELECT COUNT(*) FROM mismatches WHERE kind = 'conflict'")
        .await;
    assert_eq!(
        conflicts, 0,
        "changes from one side never look like conflicts"
    );
}

async fn two_workers_on_one_database_never_apply_a_change_twice(app: TestApp) {
    let w = World::of(&app);
    let items = appointments(&w, &app, 12).await;
    let second = SyncContext::new(
        w.ctx.db.clone(),
        w.ctx.clock.clone(),
        w.ctx.settings.clone(),
        w.ctx.connector.clone(),
    );
    let expected = churn(&app, &w, &[w.ctx.clone(), second], &items, 200).await;
    converge(&app, &w, &w.ctx).await;
    check_converged(&w, &items, &expected);
}

/// Each connection's stored credential columns, exactly as in the database.
async fn raw_credentials(app: &TestApp) -> Vec<(i64, Option<String>, Option<String>, String)> {
    sqlx::query_as(
        "SELECT id, reservio_token, termino_token, webhook_secret FROM connections ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("connections")
}

async fn partners_credentials_are_sealed_at_rest_and_the_sync_still_reaches_both_systems(
    app: TestApp,
) {
    let raw = raw_credentials(&app).await;
    assert!(!raw.is_empty());
    for (id, reservio, termino, webhook) in &raw {
        let plain = bookbridge::db::connections::find(&app.db, *id)
            .await
            .expect("read")
            .expect("connection");
        let pairs = [
            (reservio.clone(), plain.reservio_token.clone()),
            (termino.clone(), plain.termino_token.clone()),
            (Some(webhook.clone()), Some(plain.webhook_secret.clone())),
        ];
        for (stored, plain) in pairs {
            let (stored, plain) = (stored.expect("stored"), plain.expect("opened"));
            assert!(!plain.is_empty());
            assert!(stored.starts_with("sealed1:"), "connection {id} is sealed");
            assert!(
                !stored.contains(&plain),
                "connection {id} stores no plain credential"
            );
        }
        // Nor does anything that prints a connection.
        let shown = format!("{plain:?}");
        assert!(!shown.contains(plain.reservio_token.as_deref().unwrap_or("?")));
        assert!(!shown.contains(&plain.webhook_secret));
    }
    // The clients built from the opened credentials still reach both systems.
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (_, voucher, _) = w.agreed_booking(0, start, 1).await;
    assert_eq!(w.calendar_bookings_for(&voucher), 1);
    // A sealed value copied into another connection's row does not open there.
    let (first, second) = (&raw[0], &raw[1]);
    sqlx::query("UPDATE connections SET reservio_token = $1 WHERE id = $2")
        .bind(&first.1)
        .bind(second.0)
        .execute(app.db.pool())
        .await
        .expect("copy");
    assert!(
        bookbridge::db::connections::find(&app.db, second.0)
            .await
            .is_err()
    );
}

async fn credentials_stored_in_plain_text_are_sealed_at_start_keeping_every_row(app: TestApp) {
    let before = raw_credentials(&app).await;
    // As the version before encryption stored them.
    for (id, _, _, _) in &before {
        sqlx::query(
            "UPDATE connections SET reservio_token = $1, termino_token = $2, \
             webhook_secret = $3 WHERE id = $4",
        )
        .bind(format!("plain-reservio-{id}"))
        .bind(format!("plain-termino-{id}"))
        .bind(format!("plain-secret-{id}"))
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("plain");
    }
    let connections = app.count("SELECT COUNT(*) FROM connections").await;
    let sealed = bookbridge::db::connections::seal_credentials(&app.db, app.clock.now())
        .await
        .expect("sealed");
    assert_eq!(sealed, 3 * before.len() as u64);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections").await,
        connections
    );
    for (id, reservio, termino, webhook) in raw_credentials(&app).await {
        for stored in [reservio.expect("r"), termino.expect("t"), webhook] {
            assert!(stored.starts_with("sealed1:"), "{id}");
            assert!(!stored.contains("plain-"), "{id}");
        }
        let opened = bookbridge::db::connections::find(&app.db, id)
            .await
            .expect("read")
            .expect("connection");
        assert_eq!(
            opened.reservio_token.as_deref(),
            Some(format!("plain-reservio-{id}").as_str())
        );
        assert_eq!(opened.webhook_secret, format!("plain-secret-{id}"));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'connection.credentials_sealed'")
            .await,
        before.len() as i64
    );
    // Sealing again changes nothing.
    assert_eq!(
        bookbridge::db::connections::seal_credentials(&app.db, app.clock.now())
            .await
            .expect("sealed"),
        0
    );
}

async fn rotating_the_key_reseals_credentials_and_old_audit_rows_still_verify(app: TestApp) {
    let key_file = common::key_file(&app.database_url);
    let old_id = bookbridge::keys::Keyring::load(&key_file)
        .expect("keys")
        .current_id()
        .to_string();
    let new_id = bookbridge::keys::Keyring::rotate_file(&key_file).expect("rotated");
    assert_ne!(old_id, new_id);
    // The next start reads the rotated file.
    let restarted = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("restarts");
    let db = restarted.state().db.clone();
    drop(restarted);
    for (id, reservio, termino, webhook) in raw_credentials(&app).await {
        for stored in [reservio.expect("r"), termino.expect("t"), webhook] {
            assert!(
                stored.starts_with(&format!("sealed1:{new_id}:")),
                "connection {id} is sealed under the new key"
            );
        }
        assert!(
            bookbridge::db::connections::find(&db, id)
                .await
                .expect("opens")
                .is_some()
        );
    }
    let key_ids: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT key_id FROM audit_log")
        .fetch_all(app.db.pool())
        .await
        .expect("key ids");
    assert!(key_ids.iter().any(|(k,)| *k == old_id));
    assert!(key_ids.iter().any(|(k,)| *k == new_id));
    assert!(matches!(
        bookbridge::audit::verify(&db).await.expect("verify"),
        bookbridge::audit::Verdict::Intact { .. }
    ));
}
