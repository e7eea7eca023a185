//! Faults: pushes that fail, fail for good, are refused or cannot be read back; an unreadable
//! booking; random changes under faults and restarts; two workers on one database.

use bookbridge::web::paths;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::common::procedure::link_of;
use crate::common::tap::{Call, Tap, tapped};
use crate::common::world::{DAY, HOUR, World, open_kind, open_mismatches, tomorrow};
use crate::common::{TestApp, html, select_attr, select_texts};
use bookbridge::domain::System;
use bookbridge::sandbox::faults::Faults;
use bookbridge::sync::{SyncContext, sync_all};

use crate::common;
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_push_that_keeps_failing_becomes_push_failed_and_clears_once_it_goes_through,
        a_push_that_failed_for_good_crosses_by_itself_once_the_system_answers_again,
        an_undelivered_push_goes_again_at_a_slow_pace_while_reads_answer_all_along,
        a_refused_push_stays_refused_until_a_person_sends_it_again_now,
        one_unreadable_booking_does_not_stop_the_others,
        random_changes_under_faults_and_restarts_converge_with_none_lost_or_applied_twice,
        two_workers_on_one_database_never_apply_a_change_twice,
    ]
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

/// A booking's page as the partner sees it.
pub(crate) async fn booking_page(
    app: &TestApp,
    client: &reqwest::Client,
    link: i64,
) -> scraper::Html {
    let response = app.get(client, &paths::booking(link)).await;
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
    let list = html(app.get(&client, paths::BOOKINGS).await).await;
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
    let care_page = html(app.get(&care, &paths::care_mismatch(mismatch)).await).await;
    assert_eq!(
        select_attr(&care_page, "#send-again-form", "action"),
        Some(paths::booking_send_again(link))
    );
    // Like every form: no token, no effect.
    let path = paths::booking_send_again(link);
    let forged = client
        .post(app.url(&path))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .expect("answers");
    assert_eq!(forged.status(), 403);
    let page = paths::booking(link);
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
                let crash = Crash(std::sync::atomic::AtomicI64::new(rng.random_range(1..6)));
                let crashing = tapped(ctx, Arc::new(crash));
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

/// Systems that stop answering for good after a number of calls — right after the call's
/// effect, the worst moment for a crash. Only the external call hangs, never a database
/// transaction, as when a real process dies while waiting for a system.
struct Crash(std::sync::atomic::AtomicI64);

impl Tap for Crash {
    fn after(&self, _: System, _: Call) -> futures_util::future::BoxFuture<'_, ()> {
        Box::pin(async move {
            if self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) <= 1 {
                std::future::pending::<()>().await;
            }
        })
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
