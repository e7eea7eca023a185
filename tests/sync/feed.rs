//! Termino's channel feed (issue 15): one read of one cursor serves every connection of the
//! channel, a page is applied once whatever crashes, one instance reads it at a time, a cursor
//! the feed no longer keeps makes every connection read its account in full and loses nothing,
//! and what the feed brings for an account nobody syncs is counted and skipped.

use std::sync::Arc;
use std::time::Duration;

use bookbridge::db::channel_feed;
use bookbridge::db::connections::Connection;
use bookbridge::domain::PartnerName;
use bookbridge::sync::feed::{read_feed, take_notified};
use bookbridge::sync::{ConnectionSystems, Connector, SyncContext, SyncError, sync_all};
use bookbridge::systems::SystemError;
use bookbridge::systems::reservio::ReservioClient;
use bookbridge::systems::termino::{ChannelFeed, ChannelRead, TerminoClient};

use crate::common::world::{HOUR, World, tomorrow};
use crate::common::{self, TestApp, TestFn};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    crate::tests![
        one_read_of_the_channel_feed_serves_every_connection_instead_of_one_poll_each,
        a_page_is_applied_exactly_once_across_a_crash_between_reading_and_committing,
        two_instances_never_read_the_channel_feed_at_once,
        a_cursor_past_the_feeds_retention_reads_every_account_in_full_and_loses_nothing,
        a_change_of_an_account_no_connection_syncs_is_counted_and_skipped,
        garbage_from_the_channel_feed_is_recorded_and_the_cursor_stays,
        our_own_push_coming_back_through_the_feed_makes_no_connection_due,
        a_notified_change_is_read_at_once_not_behind_the_feeds_backlog,
    ]
}

/// The same systems, but each connection polls its own Termino account: the engine as it was
/// before the channel feed (and as it is without the channel's token).
struct PerConnection(Arc<dyn Connector>);

impl Connector for PerConnection {
    fn systems(&self, connection: &Connection) -> Result<ConnectionSystems, SystemError> {
        self.0.systems(connection)
    }

    fn reservio_client(&self, token: &str) -> Result<ReservioClient, SystemError> {
        self.0.reservio_client(token)
    }

    fn termino_client(&self, token: &str) -> Result<TerminoClient, SystemError> {
        self.0.termino_client(token)
    }
}

/// Another instance of the engine on the same database (its own lease owner).
fn instance(w: &World) -> SyncContext {
    SyncContext::new(
        w.ctx.db.clone(),
        w.ctx.clock.clone(),
        w.ctx.settings.clone(),
        w.ctx.connector.clone(),
    )
}

fn feed_of(w: &World) -> Arc<dyn ChannelFeed> {
    w.ctx
        .connector
        .termino_channel()
        .expect("the sandbox has the channel's token")
}

/// The connection syncing Termino account `partner`.
async fn connection_of(app: &TestApp, partner: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM connections WHERE termino_partner_id = $1")
        .bind(partner)
        .fetch_one(app.db.pool())
        .await
        .expect("connection");
    id
}

/// When a notified sync of the connection was asked for, if one is waiting.
async fn sync_wanted_at(app: &TestApp, connection: i64) -> Option<i64> {
    let (wanted,): (Option<i64>,) =
        sqlx::query_as("SELECT sync_wanted_at FROM connections WHERE id = $1")
            .bind(connection)
            .fetch_one(app.db.pool())
            .await
            .expect("schedule");
    wanted
}

/// When the calendar's booking starts now.
fn calendar_start(w: &World, booking: &str) -> i64 {
    w.sandbox
        .reservio
        .get_booking(&w.partner.business_id, booking)
        .expect("calendar booking")
        .start_at
}

async fn position(app: &TestApp) -> Option<String> {
    channel_feed::state(&app.db)
        .await
        .expect("feed state")
        .position
}

/// Moves the partner's reservation to begin at `to`, as the partner would in Termino; its
/// version now.
fn move_by_partner(w: &World, reservation: &str, to: i64, duration: i64) -> i64 {
    let termino = &w.sandbox.termino;
    let partner = &w.partner.termino_partner_id;
    termino
        .reschedule_by_partner(partner, reservation, to, to + duration)
        .expect("moved");
    termino
        .get_reservation(partner, reservation)
        .expect("reservation")
        .version as i64
}

/// Moves every reservation of `made` an hour later, as the partner would in Termino.
fn move_all(w: &World, made: &[(String, String)]) {
    let termino = &w.sandbox.termino;
    for (partner, id) in made {
        let r = termino.get_reservation(partner, id).expect("reservation");
        termino
            .reschedule_by_partner(partner, id, r.start_at + HOUR, r.end_at + HOUR)
            .expect("moved");
    }
}

async fn one_read_of_the_channel_feed_serves_every_connection_instead_of_one_poll_each(
    app: TestApp,
) {
    let w = World::of(&app);
    // The demo's partners and more, to a hundred connections.
    let n = 100;
    let more = n - w.sandbox.partners().len();
    let now = app.clock.now();
    let mut tx = app.db.begin_write().await.expect("tx");
    let mut ids = vec![];
    for i in 0..more {
        let name = PartnerName::parse(&format!("Feed partner {i}")).expect("name");
        ids.push(
            bookbridge::db::partners::insert(&mut tx, &name, now)
                .await
                .expect("partner"),
        );
    }
    tx.commit().await.expect("commit");
    let port: u16 = app
        .base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    bookbridge::demo::sandbox::connect_partners(&w.sandbox, &app.db, &app.clock, port, &ids, 0)
        .await
        .expect("partners connected");
    let partners = w.sandbox.partners();
    assert_eq!(partners.len(), n);
    // One voucher redeemed at every partner, carried over to every calendar.
    let start = tomorrow(&app);
    let mut made = vec![];
    for (k, p) in partners.iter().enumerate() {
        let (_, offer, minutes) = p.services[0].clone();
        let id = w
            .sandbox
            .termino
            .redeem_voucher(
                &p.termino_partner_id,
                &format!("FEED{k:04}"),
                &offer,
                start,
                start + i64::from(minutes) * 60,
                bookbridge::domain::Customer::default(),
            )
            .expect("redeemed");
        made.push((p.termino_partner_id.clone(), id));
    }
    sync_all(&w.ctx).await.expect("round");
    sync_all(&w.ctx).await.expect("round");

    // A change at every partner; one round carries them all over.
    move_all(&w, &made);
    app.clock.advance(1);
    let before = w.sandbox.termino.traffic();
    sync_all(&w.ctx).await.expect("round");
    let after = w.sandbox.termino.traffic();
    let (feed_pages, own_polls, feed_total) = (
        after.channel_feed - before.channel_feed,
        after.partner_feed - before.partner_feed,
        after.requests - before.requests,
    );
    assert_eq!(own_polls, 0, "no connection polls its own account");
    assert!(
        (1..=2).contains(&feed_pages),
        "{n} changes in one or two pages: {feed_pages}"
    );
    for (partner, id) in &made {
        let r = w
            .sandbox
            .termino
            .get_reservation(partner, id)
            .expect("reservation");
        let (at,): (i64,) = sqlx::query_as(
            "SELECT start_at FROM external_bookings WHERE system = 'termino' AND external_id = $1 \
             AND connection_id IN (SELECT id FROM connections WHERE termino_partner_id = $2)",
        )
        .bind(id)
        .bind(partner)
        .fetch_one(app.db.pool())
        .await
        .expect("snapshot");
        assert_eq!(at, r.start_at, "{partner}: the move was read");
    }
    let (moved,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM connections WHERE last_change_at = $1 \
         AND state IN ('verifying', 'active')",
    )
    .bind(app.clock.now())
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(moved, n as i64, "every connection saw its change");

    // The same round with each connection polling its own account.
    let per_connection = SyncContext::new(
        app.db.clone(),
        app.clock.clone(),
        w.ctx.settings.clone(),
        Arc::new(PerConnection(w.ctx.connector.clone())),
    );
    move_all(&w, &made);
    let before = w.sandbox.termino.traffic();
    sync_all(&per_connection).await.expect("round");
    let after = w.sandbox.termino.traffic();
    let (polls, polls_total) = (
        after.partner_feed - before.partner_feed,
        after.requests - before.requests,
    );
    assert_eq!(after.channel_feed, before.channel_feed);
    assert_eq!(polls, n as u64, "one poll per connection");
    eprintln!(
        "Termino requests in one sync round of {n} connections, a change at each: channel feed \
         {feed_pages} page(s) ({feed_total} requests in all); one poll per connection {polls} \
         ({polls_total} requests in all)"
    );
}

/// A feed that, once it has answered, takes the database's write lock, as if the process had
/// stalled between reading a page and committing it.
struct StallsAfterReading {
    inner: Arc<dyn ChannelFeed>,
    db: bookbridge::db::Db,
    lock: Arc<tokio::sync::Mutex<Option<bookbridge::db::Tx>>>,
}

#[async_trait::async_trait]
impl ChannelFeed for StallsAfterReading {
    async fn read(&self, cursor: Option<&str>) -> Result<ChannelRead, SystemError> {
        let answer = self.inner.read(cursor).await;
        let mut tx = self.db.begin_write().await.expect("lock");
        // PostgreSQL: the feed's row stays locked until the test lets go.
        sqlx::query("UPDATE channel_feeds SET updated_at = updated_at")
            .execute(&mut *tx)
            .await
            .expect("row locked");
        *self.lock.lock().await = Some(tx);
        answer
    }
}

async fn termino_start(app: &TestApp, id: &str) -> i64 {
    let (at,): (i64,) = sqlx::query_as(
        "SELECT start_at FROM external_bookings WHERE system = 'termino' AND external_id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("snapshot");
    at
}

async fn a_page_is_applied_exactly_once_across_a_crash_between_reading_and_committing(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let made: Vec<(String, String)> = (0..3)
        .map(|n| {
            let (id, _) = w.redeem(0, start + i64::from(n) * 3 * HOUR, 700 + n);
            (w.partner.termino_partner_id.clone(), id)
        })
        .collect();
    w.settle().await;
    let was = termino_start(&app, &made[0].1).await;
    let cursor = position(&app).await;
    move_all(&w, &made);

    // The instance reads the page and dies before its commit.
    let lock = Arc::new(tokio::sync::Mutex::new(None));
    let stalling = StallsAfterReading {
        inner: feed_of(&w),
        db: app.db.clone(),
        lock: lock.clone(),
    };
    let crashed = tokio::time::timeout(Duration::from_secs(2), read_feed(&w.ctx, &stalling)).await;
    assert!(crashed.is_err(), "the read stalled before its commit");
    drop(lock.lock().await.take());
    assert_eq!(
        termino_start(&app, &made[0].1).await,
        was,
        "nothing applied"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM termino_inbox").await,
        0,
        "nothing handed over"
    );
    assert_eq!(position(&app).await, cursor, "the cursor did not move");

    // Another instance takes over once the dead one's lease has run out.
    let other = instance(&w);
    assert!(matches!(
        read_feed(&other, feed_of(&w).as_ref()).await,
        Err(SyncError::FeedBusy)
    ));
    app.clock.advance(w.ctx.settings.lease_secs + 1);
    let report = read_feed(&other, feed_of(&w).as_ref()).await.expect("read");
    assert_eq!(report.delivered, 3, "{report:?}");
    let again = read_feed(&other, feed_of(&w).as_ref()).await.expect("read");
    assert_eq!(again.delivered, 0, "never twice: {again:?}");
    // The connection's sync stores what the feed handed it, once.
    sync_all(&other).await.expect("round");
    sync_all(&other).await.expect("round");
    assert_eq!(termino_start(&app, &made[0].1).await, was + HOUR);
    assert_eq!(app.count("SELECT COUNT(*) FROM termino_inbox").await, 0);
    for (_, id) in &made {
        let changed = app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'booking.changed' \
                 AND after_state LIKE '%\"external_id\":\"{id}\"%'"
            ))
            .await;
        assert_eq!(changed, 1, "{id}: one change, audited once");
    }
}

/// A feed that answers slowly, so that two readers overlap.
struct Slow(Arc<dyn ChannelFeed>);

#[async_trait::async_trait]
impl ChannelFeed for Slow {
    async fn read(&self, cursor: Option<&str>) -> Result<ChannelRead, SystemError> {
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.0.read(cursor).await
    }
}

async fn two_instances_never_read_the_channel_feed_at_once(app: TestApp) {
    let w = World::of(&app);
    w.redeem(0, tomorrow(&app), 720);
    let (a, b) = (instance(&w), instance(&w));
    let slow = Slow(feed_of(&w));
    let before = w.sandbox.termino.traffic();
    let (ra, rb) = tokio::join!(read_feed(&a, &slow), read_feed(&b, &slow));
    let after = w.sandbox.termino.traffic();
    let busy = [&ra, &rb]
        .iter()
        .filter(|r| matches!(r, Err(SyncError::FeedBusy)))
        .count();
    assert_eq!(
        busy, 1,
        "one reads, the other finds it taken: {ra:?} {rb:?}"
    );
    let read = ra.or(rb).expect("one read");
    assert_eq!(
        after.channel_feed - before.channel_feed,
        read.pages as u64,
        "only the reader asked the feed"
    );
    // The lease is given back after the read, and taken over when a reader dies with it.
    let now = app.clock.now();
    assert!(
        channel_feed::claim(&app.db, "instance-x", now, now + 60)
            .await
            .expect("claim")
    );
    assert!(
        !channel_feed::claim(&app.db, "instance-y", now, now + 60)
            .await
            .expect("claim"),
        "held"
    );
    assert!(
        channel_feed::claim(&app.db, "instance-y", now + 61, now + 120)
            .await
            .expect("claim"),
        "a lease that ran out is taken over"
    );
}

async fn a_cursor_past_the_feeds_retention_reads_every_account_in_full_and_loses_nothing(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (first, voucher, _) = w.agreed_booking(0, start, 730).await;
    let (second, second_voucher, _) = w.agreed_booking(1, start + 4 * HOUR, 731).await;
    // While nobody reads the feed, the customer moves one booking and the feed's retention
    // passes: our cursor is older than anything it keeps.
    let partner = w.partner.termino_partner_id.clone();
    let r = w.reservation(&first);
    w.sandbox
        .termino
        .customer_self_reschedule(&partner, &first, r.start_at + HOUR, r.end_at + HOUR)
        .expect("moved");
    w.sandbox.termino.expire_channel_changes();
    let polls_before = w.sandbox.termino.traffic().partner_feed;

    let report = read_feed(&w.ctx, feed_of(&w).as_ref()).await.expect("read");
    assert!(report.resynced, "{report:?}");
    assert_eq!(
        position(&app).await,
        Some(w.sandbox.termino.head_version().to_string()),
        "the feed continues from where Termino said"
    );
    let resyncs = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'termino_feed.resync'")
        .await;
    assert_eq!(resyncs, 1, "the resync is audited");
    // A change after the resync comes through the feed as before.
    let r = w.reservation(&second);
    w.sandbox
        .termino
        .customer_self_reschedule(&partner, &second, r.start_at + HOUR, r.end_at + HOUR)
        .expect("moved");
    w.settle().await;
    let syncable = app
        .count("SELECT COUNT(*) FROM connections WHERE state IN ('verifying', 'active')")
        .await;
    assert!(
        w.sandbox.termino.traffic().partner_feed - polls_before >= syncable as u64,
        "every connection read its account again"
    );
    assert_eq!(
        w.calendar_booking(&voucher).expect("booking").start_at,
        start + HOUR,
        "the move the feed no longer had crossed over"
    );
    assert_eq!(
        w.calendar_booking(&second_voucher)
            .expect("booking")
            .start_at,
        start + 5 * HOUR,
        "the move after the resync crossed over"
    );
    let caught_up = app
        .count(
            "SELECT COUNT(*) FROM sync_cursors WHERE system = 'termino' AND caught_up_at IS NOT NULL",
        )
        .await;
    assert_eq!(caught_up, syncable, "every connection is back on the feed");
}

async fn a_change_of_an_account_no_connection_syncs_is_counted_and_skipped(app: TestApp) {
    let w = World::of(&app);
    w.settle().await;
    let termino = &w.sandbox.termino;
    termino.add_partner("stranger", "stranger-token");
    termino
        .add_offer(
            "stranger",
            bookbridge::systems::termino::Offer {
                id: "o".into(),
                name: "Someone else's offer".into(),
                duration_minutes: 60,
            },
        )
        .expect("offer");
    let start = tomorrow(&app);
    termino
        .redeem_voucher(
            "stranger",
            "STRANGER1",
            "o",
            start,
            start + HOUR,
            Default::default(),
        )
        .expect("redeemed");
    // One of ours changes in the same page.
    w.redeem(0, start, 740);
    let report = read_feed(&w.ctx, feed_of(&w).as_ref()).await.expect("read");
    assert_eq!(report.unknown, 1, "{report:?}");
    assert!(report.delivered >= 1, "ours is handed over: {report:?}");
    let theirs = app
        .count("SELECT COUNT(*) FROM external_bookings WHERE voucher_code = 'STRANGER1'")
        .await;
    assert_eq!(theirs, 0, "nothing stored for an account nobody syncs");
    let state = channel_feed::state(&app.db).await.expect("state");
    assert_eq!(state.unknown_changes, 1, "{state:?}");
    let body = app
        .client()
        .get(app.url("/metrics"))
        .bearer_auth(crate::metrics::METRICS_TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("body");
    assert!(
        body.contains("bookbridge_termino_feed_unknown_account_changes 1"),
        "{body}"
    );
    assert!(
        body.contains("bookbridge_termino_feed_lag_seconds 0"),
        "read to its end just now: {body}"
    );
}

/// A feed that answers garbage.
struct Garbage;

#[async_trait::async_trait]
impl ChannelFeed for Garbage {
    async fn read(&self, _cursor: Option<&str>) -> Result<ChannelRead, SystemError> {
        Err(SystemError::InvalidPayload(
            "Termino channel feed: expected value at line 1".into(),
        ))
    }
}

async fn garbage_from_the_channel_feed_is_recorded_and_the_cursor_stays(app: TestApp) {
    let w = World::of(&app);
    w.settle().await;
    let cursor = position(&app).await;
    assert!(cursor.is_some());
    let outcome = read_feed(&w.ctx, &Garbage).await;
    assert!(
        matches!(
            outcome,
            Err(SyncError::System(SystemError::InvalidPayload(_)))
        ),
        "{outcome:?}"
    );
    let state = channel_feed::state(&app.db).await.expect("state");
    assert_eq!(state.position, cursor, "the cursor stays");
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("expected value")),
        "{state:?}"
    );
    // The next good read clears it.
    read_feed(&w.ctx, feed_of(&w).as_ref()).await.expect("read");
    let state = channel_feed::state(&app.db).await.expect("state");
    assert_eq!(state.last_error, None);
}

/// What our own push wrote to Termino comes back through the feed: it was stored when the push
/// was answered, so it makes nobody due (a sync for it would poll Reservio for nothing), while
/// the partner's own change of the same reservation does.
async fn our_own_push_coming_back_through_the_feed_makes_no_connection_due(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, _, booking) = w.agreed_booking(0, start, 950).await;
    let connection = connection_of(&app, &w.partner.termino_partner_id).await;
    let termino = &w.sandbox.termino;
    let partner = &w.partner.termino_partner_id;
    let (_, _, duration) = w.offer(0);

    // Staff move the booking in the calendar; the sync carries the move over to Termino.
    assert!(w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        start + HOUR,
        start + HOUR + duration
    ));
    app.clock.advance(1);
    sync_all(&w.ctx).await.expect("round");
    let moved = termino
        .get_reservation(partner, &reservation)
        .expect("reservation");
    assert_eq!(moved.start_at, start + HOUR, "the move reached Termino");

    // The feed brings that change back: read, and nobody made due for it.
    app.clock.advance(1);
    let echo = read_feed(&w.ctx, feed_of(&w).as_ref())
        .await
        .expect("feed read");
    assert!(
        echo.changes >= 1,
        "the feed brought our push back: {echo:?}"
    );
    assert!(
        !echo.connections.contains(&connection),
        "our own push makes its connection due: {echo:?}"
    );
    assert_eq!(
        sync_wanted_at(&app, connection).await,
        None,
        "no notified sync asked for"
    );

    // The partner moves it in Termino: that change is news, and its connection is due now.
    termino
        .reschedule_by_partner(
            partner,
            &reservation,
            start + 2 * HOUR,
            start + 2 * HOUR + duration,
        )
        .expect("moved");
    app.clock.advance(1);
    let news = read_feed(&w.ctx, feed_of(&w).as_ref())
        .await
        .expect("feed read");
    assert_eq!(news.connections, vec![connection], "{news:?}");
    sync_all(&w.ctx).await.expect("round");
    assert_eq!(
        calendar_start(&w, &booking),
        start + 2 * HOUR,
        "the partner's move reached the calendar"
    );
}

/// A notification names the reservation and its version: where the feed serves the connection,
/// that reservation is read at once and handed to the connection's inbox, so the change does
/// not wait for the feed to read everything before it (after a start, the whole channel's
/// history). A notification of a version the connection holds (our own push coming back) reads
/// nothing and makes nobody due.
async fn a_notified_change_is_read_at_once_not_behind_the_feeds_backlog(app: TestApp) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, _, booking) = w.agreed_booking(0, start, 960).await;
    let termino = &w.sandbox.termino;
    let partner = &w.partner.termino_partner_id;
    let (_, _, duration) = w.offer(0);
    let id = connection_of(&app, partner).await;
    let connection = bookbridge::db::connections::find(&app.db, id)
        .await
        .expect("read")
        .expect("connection");
    let held = termino
        .get_reservation(partner, &reservation)
        .expect("reservation");
    let requests = termino.traffic().requests;
    assert!(
        !take_notified(&w.ctx, &connection, &reservation, held.version as i64)
            .await
            .expect("no news"),
        "a version the connection holds is news"
    );
    assert_eq!(
        termino.traffic().requests,
        requests,
        "a notification of what the connection holds was read from Termino"
    );

    // A backlog in the feed: other reservations of the channel are made and moved first.
    let made: Vec<(String, String)> = (0..3)
        .map(|n| {
            let (other, _) = w.redeem(0, start + (6 + 3 * n) * HOUR, 961 + n as u32);
            (partner.clone(), other)
        })
        .collect();
    move_all(&w, &made);
    let before = position(&app).await;
    let moved = move_by_partner(&w, &reservation, start + 3 * HOUR, duration);
    app.clock.advance(1);
    assert!(
        take_notified(&w.ctx, &connection, &reservation, moved)
            .await
            .expect("read"),
        "the partner's move is news"
    );
    assert_eq!(position(&app).await, before, "the feed was read");
    assert!(
        sync_wanted_at(&app, id).await.is_some(),
        "the connection is not due for the move"
    );
    // The connection's own sync carries it over, with the feed still unread.
    let report = bookbridge::sync::sync_connection(&w.ctx, &connection)
        .await
        .expect("sync");
    assert!(
        !report.termino.changed.is_empty(),
        "the sync did not store the notified change: {report:?}"
    );
    assert_eq!(
        calendar_start(&w, &booking),
        start + 3 * HOUR,
        "the partner's move reached the calendar"
    );
    assert_eq!(position(&app).await, before, "the feed was read");

    // While a sync of the connection is under way (at any instance: its lease is held), the
    // notified reservation waits for it: our own push's webhook comes before that sync stored
    // what Termino answered, and read then it would look like news.
    let now = app.clock.now();
    bookbridge::db::schedule::claim_one(&app.db, id, "another-instance", now, now + 60)
        .await
        .expect("claim")
        .expect("free");
    let moved = move_by_partner(&w, &reservation, start + 4 * HOUR, duration);
    let requests = termino.traffic().requests;
    let waiting = tokio::spawn({
        let (ctx, connection, reservation) =
            (w.ctx.clone(), connection.clone(), reservation.clone());
        async move { take_notified(&ctx, &connection, &reservation, moved).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "read while a sync of its connection ran"
    );
    assert_eq!(
        termino.traffic().requests,
        requests,
        "read while a sync ran"
    );
    sqlx::query(
        "UPDATE connections SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(app.db.pool())
    .await
    .expect("the sync ends");
    assert!(
        waiting.await.expect("task").expect("read"),
        "the partner's move, once the sync ended, is news"
    );
}
