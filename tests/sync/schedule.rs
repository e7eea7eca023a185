//! The schedule in the database (issue 15): each connection is due at a time kept in
//! `connections`, instances claim due connections without taking the same one twice, a
//! notification makes its connection due at once (and survives a sync already under way), and
//! quiet connections are polled less often than active ones.

use std::sync::Arc;

use bookbridge::db::schedule::{self, Claimed, Finished, Lane};
use bookbridge::sync::{HttpConnector, SyncContext, sync_all};

use crate::common::TestApp;
use crate::common::world::{HOUR, World, open_kind, tomorrow};

async fn next_sync_at(app: &TestApp, id: i64) -> (i64, Option<i64>) {
    sqlx::query_as("SELECT next_sync_at, sync_wanted_at FROM connections WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("schedule row")
}

async fn syncable(app: &TestApp) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM connections WHERE state IN ('verifying', 'active') ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("connections");
    rows.into_iter().map(|(id,)| id).collect()
}

pub async fn due_connections_are_claimed_once_across_instances_and_a_notification_makes_one_due_now(
    app: TestApp,
) {
    let w = World::of(&app);
    let ids = syncable(&app).await;
    assert!(ids.len() >= 2, "the sandbox connects several partners");
    let now = app.clock.now();
    // Before any sync every connection is due; two instances claiming at once share them out.
    let (a, b) = tokio::join!(
        schedule::claim_due(&app.db, Lane::Due, "instance-a", now, now + 60, 100, &[]),
        schedule::claim_due(&app.db, Lane::Due, "instance-b", now, now + 60, 100, &[]),
    );
    let (mut a, b) = (ids_of(a.expect("claim a")), ids_of(b.expect("claim b")));
    // Whichever instance got some (one of them may have got them all).
    let (who, theirs) = if b.is_empty() {
        ("instance-a", a.clone())
    } else {
        ("instance-b", b.clone())
    };
    assert!(
        a.iter().all(|id| !b.contains(id)),
        "no connection claimed twice: {a:?} {b:?}"
    );
    a.extend(&b);
    a.sort();
    assert_eq!(a, ids, "every due connection was claimed by one of them");
    // Leased: nothing left to claim, even when due.
    let again = ids_of(
        schedule::claim_due(&app.db, Lane::Due, "instance-c", now, now + 60, 100, &[])
            .await
            .expect("claim"),
    );
    assert!(again.is_empty(), "{again:?}");
    // Its own lease, on a connection it is not syncing (the database went away before the
    // lease was given back), an instance takes up again at once; never one it is syncing.
    let lost = ids_of(
        schedule::claim_due(&app.db, Lane::Due, who, now, now + 60, 100, &theirs)
            .await
            .expect("claim"),
    );
    assert!(lost.is_empty(), "all of its own are under way: {lost:?}");
    let lost = ids_of(
        schedule::claim_due(&app.db, Lane::Due, who, now, now + 60, 100, &[])
            .await
            .expect("claim"),
    );
    let mut mine = theirs.clone();
    mine.sort();
    assert_eq!(lost, mine, "taken up again");

    // Once synced, none is due before its next poll.
    app.clock.advance(61);
    sync_all(&w.ctx).await.expect("sync round");
    let now = app.clock.now();
    for id in &ids {
        assert!(next_sync_at(&app, *id).await.0 > now);
    }
    let idle = ids_of(
        schedule::claim_due(&app.db, Lane::Due, "instance-a", now, now + 60, 100, &[])
            .await
            .expect("claim"),
    );
    assert!(
        idle.is_empty(),
        "nothing is due right after a sync: {idle:?}"
    );

    // A notification makes exactly its connection due now, in the notified lane first.
    schedule::request_sync(&app.db, ids[1], now)
        .await
        .expect("request");
    assert_eq!(next_sync_at(&app, ids[1]).await, (now, Some(now)));
    let backlog = schedule::backlog(&app.db, now).await.expect("backlog");
    assert_eq!(backlog.due, 1);
    assert_eq!(backlog.oldest_due_at, Some(now));
    let notified =
        schedule::claim_due(&app.db, Lane::Notified, "instance-b", now, now + 60, 8, &[])
            .await
            .expect("claim");
    assert_eq!(
        notified,
        vec![Claimed {
            id: ids[1],
            wanted: true
        }]
    );
    // Being synced now: no longer waiting.
    let backlog = schedule::backlog(&app.db, now).await.expect("backlog");
    assert_eq!(backlog.due, 0);
    // A notification that comes between the notified lane's claim and the polls' is taken by
    // the polls' lane, and still says it was asked for (its sync runs as a notified one).
    schedule::request_sync(&app.db, ids[0], now)
        .await
        .expect("request");
    let polled = schedule::claim_due(&app.db, Lane::Due, "instance-a", now, now + 60, 8, &[])
        .await
        .expect("claim");
    assert_eq!(
        polled,
        vec![Claimed {
            id: ids[0],
            wanted: true
        }]
    );
    // A connection merely due for its poll is not (the two asked for are left out: their
    // leases ran out with the hour, and they are still asked for).
    app.clock.advance(3_600);
    let now = app.clock.now();
    let asked = [ids[0], ids[1]];
    let polled = schedule::claim_due(&app.db, Lane::Due, "instance-c", now, now + 60, 100, &asked)
        .await
        .expect("claim");
    assert!(!polled.is_empty());
    assert!(polled.iter().all(|c| !c.wanted), "{polled:?}");
}

fn ids_of(claimed: Vec<Claimed>) -> Vec<i64> {
    claimed.into_iter().map(|c| c.id).collect()
}

pub async fn a_notification_that_arrives_during_a_sync_keeps_its_connection_due(app: TestApp) {
    let ids = syncable(&app).await;
    let id = ids[0];
    let now = app.clock.now();
    let seen = schedule::claim_one(&app.db, id, "instance-a", now, now + 60)
        .await
        .expect("claim")
        .expect("free");
    // Another instance takes the webhook while the sync runs (after it read Termino).
    schedule::request_sync(&app.db, id, now)
        .await
        .expect("request");
    let finished = |requests_seen| Finished {
        connection_id: id,
        owner: "instance-a",
        now,
        error: None,
        requests_seen,
        next_sync_at: now + 600,
        changed: false,
    };
    schedule::finish(&app.db, &finished(seen))
        .await
        .expect("finish");
    assert_eq!(
        next_sync_at(&app, id).await,
        (now, Some(now)),
        "still due now: the sync did not see the notified change"
    );
    // The next sync sees it and then waits for its poll.
    let seen = schedule::claim_one(&app.db, id, "instance-a", now, now + 60)
        .await
        .expect("claim")
        .expect("free");
    schedule::finish(&app.db, &finished(seen))
        .await
        .expect("finish");
    assert_eq!(next_sync_at(&app, id).await, (now + 600, None));
}

pub async fn a_quiet_connection_is_polled_less_often_than_one_that_just_changed(app: TestApp) {
    let w = World::of(&app);
    let settings = &w.ctx.settings;
    let (active, quiet) = (
        settings.poll_interval_secs as i64,
        settings.quiet_poll_interval_secs as i64,
    );
    assert!(quiet > active);
    let id: (i64,) = sqlx::query_as(
        "SELECT c.id FROM connections c WHERE c.termino_partner_id = $1 \
         AND c.state IN ('verifying', 'active')",
    )
    .bind(&w.partner.termino_partner_id)
    .fetch_one(app.db.pool())
    .await
    .expect("connection");
    let id = id.0;
    // A new voucher: the pull sees a change, so the next poll comes at the shortest interval.
    // (Termino's notification of it may come in while the first round runs: the second round
    // answers that one.)
    w.redeem(0, tomorrow(&app), 1);
    sync_all(&w.ctx).await.expect("sync round");
    sync_all(&w.ctx).await.expect("sync round");
    let now = app.clock.now();
    assert_eq!(next_sync_at(&app, id).await.0, now + active);
    // Quiet for an hour: the longest interval.
    w.ctx.clock.advance(3600);
    sync_all(&w.ctx).await.expect("sync round");
    sync_all(&w.ctx).await.expect("sync round");
    let now = app.clock.now();
    assert_eq!(next_sync_at(&app, id).await.0, now + quiet);
}

/// The reconcile report of the test partner's connection in one sync round.
async fn reconciled(app: &TestApp, w: &World) -> usize {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM connections WHERE termino_partner_id = $1 \
         AND state IN ('verifying', 'active')",
    )
    .bind(&w.partner.termino_partner_id)
    .fetch_one(app.db.pool())
    .await
    .expect("connection");
    let rounds = sync_all(&w.ctx).await.expect("sync round");
    let (_, outcome) = rounds
        .into_iter()
        .find(|(c, _)| *c == id)
        .expect("the connection was synced");
    outcome.expect("sync ok").reconcile.links_seen
}

pub async fn reconcile_reads_only_the_links_that_changed_or_whose_check_falls_due(app: TestApp) {
    use bookbridge::domain::Customer;
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (_, _, first) = w.agreed_booking(0, start, 1).await;
    w.agreed_booking(0, start + 2 * HOUR, 2).await;
    w.settle().await;
    // Quiet: nothing changed, nothing falls due.
    assert_eq!(reconciled(&app, &w).await, 0, "a quiet sync reads no link");

    // A change in Reservio marks exactly its link.
    let (_, _, duration) = w.offer(0);
    let moved = start + 5 * HOUR;
    assert!(
        w.sandbox
            .reservio
            .staff_move(&w.partner.business_id, &first, moved, moved + duration)
    );
    assert_eq!(
        reconciled(&app, &w).await,
        1,
        "only the moved booking's link"
    );
    w.settle().await;
    assert_eq!(reconciled(&app, &w).await, 0);

    // A time-based check fires at its time with nothing else changing: a voucher whose offer
    // nobody mapped is `missing_in_reservio` once the grace period is over.
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
            "TSTDUE",
            "offer-unmapped",
            start,
            start + HOUR,
            Customer::default(),
        )
        .expect("redeem");
    w.settle().await;
    assert_eq!(reconciled(&app, &w).await, 0, "within the grace period");
    assert!(open_kind(&app, "missing_in_reservio").await.is_none());
    let grace = w.ctx.settings.policy.missing_grace_secs;
    app.clock.advance(grace + 1);
    assert_eq!(reconciled(&app, &w).await, 1, "the check fell due");
    assert!(open_kind(&app, "missing_in_reservio").await.is_some());
    assert_eq!(reconciled(&app, &w).await, 0);
    // The safety net, run a sweep interval later, found nothing the incremental pass missed.
    app.clock.advance(w.ctx.settings.sweep_interval_secs + 1);
    sync_all(&w.ctx).await.expect("sync round");
    assert_eq!(
        bookbridge::db::schedule::full_check_found(&app.db)
            .await
            .expect("count"),
        0
    );
}

async fn next_check_of(app: &TestApp, link: i64) -> Option<i64> {
    let (at,): (Option<i64>,) =
        sqlx::query_as("SELECT next_check_at FROM booking_links WHERE id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("link row");
    at
}

async fn put_off_check(app: &TestApp, link: i64, at: i64) {
    sqlx::query("UPDATE booking_links SET next_check_at = $1 WHERE id = $2")
        .bind(at)
        .bind(link)
        .execute(app.db.pool())
        .await
        .expect("put the check off");
}

pub async fn a_push_retried_or_a_flag_seen_again_marks_its_link_only_when_its_state_changes(
    app: TestApp,
) {
    use bookbridge::db::mismatches::{self, Detected};
    use bookbridge::db::outbox::{self, NewPush};
    let w = World::of(&app);
    let (reservation, _, _) = w.agreed_booking(0, tomorrow(&app), 1).await;
    w.settle().await;
    let (link,): (i64,) = sqlx::query_as(
        "SELECT l.id FROM booking_links l JOIN external_bookings t ON t.id = l.termino_booking_id \
         WHERE t.external_id = $1 AND l.superseded_by IS NULL",
    )
    .bind(&reservation)
    .fetch_one(app.db.pool())
    .await
    .expect("the booking's link");
    let later = app.clock.now() + 10 * HOUR;
    let now = app.clock.now();

    // A new push is news for its link's reconcile.
    put_off_check(&app, link, later).await;
    let mut tx = app.db.begin_write().await.expect("tx");
    let push = outbox::enqueue(
        &mut tx,
        &NewPush {
            connection_id: w.partner.connection_id,
            link_id: Some(link),
            procedure_id: None,
            system: "reservio",
            action: "update_time",
            payload: "{}",
            idempotency_key: "quiet-marks-1",
            reason: "a test push",
        },
        now,
    )
    .await
    .expect("enqueue")
    .expect("a new key");
    tx.commit().await.expect("commit");
    assert_eq!(next_check_of(&app, link).await, Some(0), "a new push marks");

    // Its lease and a failed attempt leave it pending: reconcile would decide nothing new.
    put_off_check(&app, link, later).await;
    let owner = "quiet-marks-test";
    let claimed = outbox::claim_due(&app.db, w.partner.connection_id, owner, now, now + 60, 10)
        .await
        .expect("claim");
    assert!(claimed.iter().any(|r| r.id == push), "the push is taken");
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(
        outbox::mark_retry(&mut tx, push, owner, "no answer", now)
            .await
            .expect("retry")
    );
    tx.commit().await.expect("commit");
    assert_eq!(
        next_check_of(&app, link).await,
        Some(later),
        "taking a push and trying it again later are no news for reconcile"
    );

    // Done: the pending push is gone, which reconcile reads.
    let claimed = outbox::claim_due(&app.db, w.partner.connection_id, owner, now, now + 60, 10)
        .await
        .expect("claim again");
    assert!(
        claimed.iter().any(|r| r.id == push),
        "the push is due again"
    );
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(
        outbox::mark_done(&mut tx, push, owner, now)
            .await
            .expect("done")
    );
    tx.commit().await.expect("commit");
    assert_eq!(
        next_check_of(&app, link).await,
        Some(0),
        "a push done marks"
    );

    // A flag raised marks; seen again (its details refreshed) it does not; resolved it does.
    let detected = Detected {
        link_id: link,
        partner_id: w.partner.partner_id,
        kind: "conflict",
        severity: "high",
        details: "first look",
    };
    put_off_check(&app, link, later).await;
    let mut tx = app.db.begin_write().await.expect("tx");
    let (flag, opened) = mismatches::open_or_refresh(&mut tx, &detected, now)
        .await
        .expect("open");
    tx.commit().await.expect("commit");
    assert!(opened);
    assert_eq!(next_check_of(&app, link).await, Some(0), "a new flag marks");
    put_off_check(&app, link, later).await;
    let mut tx = app.db.begin_write().await.expect("tx");
    mismatches::open_or_refresh(
        &mut tx,
        &Detected {
            details: "second look",
            ..detected
        },
        now + 1,
    )
    .await
    .expect("refresh");
    tx.commit().await.expect("commit");
    assert_eq!(
        next_check_of(&app, link).await,
        Some(later),
        "a flag seen again is no news"
    );
    let mut tx = app.db.begin_write().await.expect("tx");
    assert!(
        mismatches::resolve(&mut tx, flag, "sync", "a test", now + 2)
            .await
            .expect("resolve")
    );
    tx.commit().await.expect("commit");
    assert_eq!(
        next_check_of(&app, link).await,
        Some(0),
        "a resolved flag marks"
    );
}

/// Reservio's whole window is read every `far_window_every_secs`, at a poll: the poll that
/// reads it is scheduled for when it falls due, not left for the first poll after that time (a
/// change beyond the next 48 hours would wait up to one more poll interval).
pub async fn the_poll_that_reads_the_whole_reservio_window_comes_when_it_falls_due(app: TestApp) {
    let w = World::of(&app);
    // The tests read the whole window at every poll; here, as by default, once a minute.
    let far = bookbridge::sync::Settings::default().far_window_every_secs;
    assert_eq!(far, 60, "the default the arithmetic below assumes");
    let mut connector = HttpConnector::new(
        &w.sandbox.reservio.url(),
        &w.sandbox.termino.url(),
        w.ctx.settings.call_timeout,
        app.clock.clone(),
    )
    .with_termino_channel(&w.sandbox.termino_channel_token)
    .expect("the channel's feed");
    connector.far_window_every_secs = far;
    let settings = bookbridge::sync::Settings {
        far_window_every_secs: far,
        ..w.ctx.settings.clone()
    };
    let ctx = SyncContext::new(
        app.db.clone(),
        app.clock.clone(),
        settings,
        Arc::new(connector),
    );
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM connections WHERE termino_partner_id = $1 \
         AND state IN ('verifying', 'active')",
    )
    .bind(&w.partner.termino_partner_id)
    .fetch_one(app.db.pool())
    .await
    .expect("connection");
    // A change, so the connection is polled often for a while.
    w.redeem(0, tomorrow(&app), 1);
    sync_all(&ctx).await.expect("sync round");
    sync_all(&ctx).await.expect("sync round");
    // 200 s later: this poll reads the whole window; quiet since, the next poll is 20 s on.
    app.clock.advance(200);
    sync_all(&ctx).await.expect("sync round");
    let whole_read_at = app.clock.now();
    assert_eq!(next_sync_at(&app, id).await.0, whole_read_at + 20);
    // 50 s after it the poll reads the next 48 hours only; by the poll interval the next would
    // come 25 s on, 75 s after the whole read: it comes when the whole window falls due.
    app.clock.advance(50);
    sync_all(&ctx).await.expect("sync round");
    assert_eq!(
        next_sync_at(&app, id).await.0,
        whole_read_at + far,
        "the poll interval alone would say {}",
        app.clock.now() + 25
    );
    // That poll reads it whole, and the schedule goes on from there.
    app.clock.advance(10);
    sync_all(&ctx).await.expect("sync round");
    let now = app.clock.now();
    let (cursor,): (Option<String>,) = sqlx::query_as(
        "SELECT position FROM sync_cursors WHERE connection_id = $1 AND system = 'reservio'",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("cursor");
    assert_eq!(cursor.as_deref(), Some(format!("full@{now}").as_str()));
    assert_eq!(next_sync_at(&app, id).await.0, now + 26);
}
