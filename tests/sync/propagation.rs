//! Propagation: a change on one side reaches the other (by the poll or at once on Termino's
//! signed notification), both sides changed is a conflict, and a customer's own move is told
//! as theirs.

use bookbridge::web::paths;
use std::time::Duration;

use crate::common::procedure::link_of;
use crate::common::world::{DAY, HOUR, World, open_kind, open_mismatches, tomorrow};
use crate::common::{TestApp, html, select_texts};
use bookbridge::config::SystemsConfig;
use bookbridge::domain::{BookingStatus, Customer};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::systems::reservio::note::NoteMarkers;

use crate::common;
use crate::faults::booking_page;
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_voucher_redeemed_in_termino_appears_in_the_calendar_and_the_link_agrees,
        a_date_change_made_in_reservio_reaches_termino,
        a_date_change_made_in_termino_reaches_reservio,
        changes_on_both_sides_to_different_times_are_a_conflict_and_nothing_is_overwritten,
        a_customers_self_reschedule_is_told_as_theirs_with_the_time_it_had,
        a_signed_notification_from_termino_makes_the_worker_sync_at_once,
        unsigned_or_unknown_notifications_are_refused,
        a_notification_is_accepted_once_by_any_instance_and_never_when_stale,
    ]
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
    let entry = html(app.get(&client, &paths::audit_entry(id)).await).await;
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
