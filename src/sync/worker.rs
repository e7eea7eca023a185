//! The worker: syncs each connection when it falls due (its schedule is in the database, see
//! [`crate::db::schedule`] and [`super::schedule`]) and at once when a system notifies us, several
//! connections at a time. Each connection's sync runs in a task of its own, so a panic in one is
//! logged and never stops the loop. Where the deployment has Termino's channel feed, a task of
//! the worker follows it ([`super::feed`]): one read for every connection, at each
//! notification and every poll interval, and the connections it brought changes for fall due.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::budget::{Urgency, with_urgency};
use super::context::{SyncContext, SyncError};
use super::feed::read_feed;
use super::link::link_new;
use super::pull::{PullReport, pull};
use super::push::{PushReport, push_due};
use super::reconcile::{ReconcileReport, reconcile_all, reconcile_connection};
use super::sweep::{SweepReport, sweep};
use crate::db::connections::{self, Connection, Hold, ServiceMap};
use crate::db::schedule::{self, Lane};
use crate::db::{Backend, DatabaseUrl, channel_feed, cursors, sessions, statistics};
use crate::domain::System;
use crate::systems::termino::ChannelFeed;

/// What one sync of one connection did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub termino: PullReport,
    pub reservio: PullReport,
    pub links: usize,
    pub reconcile: ReconcileReport,
    pub push: PushReport,
    pub sweep_termino: SweepReport,
    pub sweep_reservio: SweepReport,
    /// When the safety net ran: the links it had to change (0 in a healthy system).
    pub full_check: Option<usize>,
}

impl SyncReport {
    /// Whether either system showed something new, changed or gone: such a connection is
    /// polled at the shortest interval for a while.
    pub fn saw_a_change(&self) -> bool {
        [&self.termino, &self.reservio]
            .into_iter()
            .any(|p| !(p.new.is_empty() && p.changed.is_empty() && p.vanished.is_empty()))
    }
}

/// Asks the worker to sync one connection now: the connection is made due in the database
/// (so whichever instance is free takes it) and this instance's worker is woken. When what it
/// asks for is known to be news (a user's change, or a Termino change the connection does not
/// hold yet), a poll of the connection already under way at this instance goes first from then
/// on, since the notified sync waits for it. Our own push coming back as a webhook is not: it
/// arrives while the push's sync still runs, and would hurry every poll that pushes.
#[derive(Clone, Debug)]
pub struct Notifier {
    wake: Arc<Notify>,
    /// Wakes the channel feed's reader, where there is one: the change is read from the feed.
    feed: Option<Arc<Notify>>,
    /// The database and clock it writes requests with, and the systems it reads a notified
    /// reservation from where the feed serves its connection.
    sync: SyncContext,
    /// This instance's syncs under way: a poll of a connection news arrived for goes first.
    running: Running,
}

/// What a Termino notification names: the reservation that changed, and its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifiedChange {
    pub reservation_id: String,
    pub version: i64,
}

impl Notifier {
    /// A change made here (a user's) that the connection's sync should act on now: the
    /// connection is made due at once. Never blocks: the request is written in a task of its
    /// own; a failed write is logged (the poll still comes).
    pub fn notify(&self, connection_id: i64) {
        self.running.hurry(connection_id);
        let notifier = self.clone();
        tokio::spawn(async move {
            let now = notifier.sync.clock.now();
            if let Err(e) = schedule::request_sync(&notifier.sync.db, connection_id, now).await {
                tracing::warn!(connection = connection_id, error = %e, "cannot request a sync");
            }
            notifier.wake.notify_one();
        });
    }

    /// Termino notified a change of the connection: asks for its sync ([`ask_for_sync`]) and
    /// wakes the worker and the feed's reader; a failed write is logged (the poll still comes).
    /// Where the feed serves the connection, the reservation the notification names is also
    /// read at once, in a task of its own ([`super::feed::take_notified`]), so that the change
    /// does not wait for the feed to read everything before it.
    pub async fn request(&self, connection_id: i64, change: Option<NotifiedChange>) {
        let now = self.sync.clock.now();
        let channel_feed = self.feed.is_some();
        let names = change.is_some();
        let fed = match ask_for_sync(&self.sync.db, connection_id, now, channel_feed, names).await {
            Ok(fed) => fed,
            Err(e) => {
                tracing::warn!(connection = connection_id, error = %e, "cannot request a sync");
                false
            }
        };
        match (fed, change) {
            (true, Some(change)) => {
                let notifier = self.clone();
                tokio::spawn(async move { notifier.take_notified(connection_id, &change).await });
            }
            _ => self.read_feed_now(),
        }
        self.wake.notify_one();
    }

    /// Wakes the channel feed's reader, where there is one.
    fn read_feed_now(&self) {
        if let Some(feed) = &self.feed {
            feed.notify_one();
        }
    }

    async fn take_notified(&self, connection_id: i64, change: &NotifiedChange) {
        let outcome = async {
            let Some(conn) = connections::find(&self.sync.db, connection_id).await? else {
                return Ok(false);
            };
            super::feed::take_notified(&self.sync, &conn, &change.reservation_id, change.version)
                .await
        }
        .await;
        match outcome {
            // News for the connection (not our own push coming back, which fires the webhook
            // while the push's own sync still runs): a poll of it under way goes first.
            Ok(true) => {
                self.running.hurry(connection_id);
                self.wake.notify_one();
            }
            Ok(false) => {}
            // The feed's read brings the change.
            Err(e) => {
                tracing::debug!(
                    connection = connection_id,
                    error = %e,
                    "reading a notified reservation failed; the channel feed brings it"
                );
                let now = self.sync.clock.now();
                if let Err(e) = channel_feed::request_read(&self.sync.db, now).await {
                    tracing::warn!(error = %e, "cannot request a read of the channel feed");
                }
                self.read_feed_now();
            }
        }
    }
}

/// What a notification of a change in Termino asks for: the connection's sync now. Where the
/// channel feed brings the connection's changes (`channel_feed`, once the connection has read
/// its own account to the end), nothing of the connection: the change is news to it only if it
/// does not hold that version yet (a notification of what our own push wrote is not, and a sync
/// for it would only poll Reservio). The caller reads the reservation the notification names
/// itself (`reads_named`, see [`super::feed::take_notified`]); else a read of the feed is asked
/// for, which makes the connection due if the change is news. (Read at once, the feed would
/// race our own push: its webhook comes before the push's sync stored Termino's answer.) True
/// when the feed serves the connection.
pub async fn ask_for_sync(
    db: &crate::db::Db,
    connection_id: i64,
    now: i64,
    channel_feed: bool,
    reads_named: bool,
) -> Result<bool, sqlx::Error> {
    if channel_feed {
        let fed = cursors::caught_up(db, connection_id).await?;
        if !(fed && reads_named) {
            channel_feed::request_read(db, now).await?;
        }
        if fed {
            return Ok(true);
        }
    }
    schedule::request_sync(db, connection_id, now).await?;
    Ok(false)
}

/// The background loop: claims due connections from the database and syncs up to
/// `concurrency` of them at once, plus as many again for connections a notification asked
/// for, so a notified change never waits behind a round of polls.
pub struct Worker {
    ctx: SyncContext,
    running: Running,
    wake: Arc<Notify>,
    feed_wake: Arc<Notify>,
    listen: Option<DatabaseUrl>,
}

/// The syncs under way at one instance, by connection, each with its urgency.
#[derive(Clone, Debug, Default)]
struct Running(Arc<Mutex<HashMap<i64, Urgency>>>);

impl Running {
    fn syncs(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Urgency>> {
        // Nothing is left half-written under this lock: a panic elsewhere cannot spoil it.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A sync of `id` begins: its urgency, raised already for a notified one.
    fn start(&self, id: i64, notified: bool) -> Urgency {
        let urgency = Urgency::new(notified);
        self.syncs().insert(id, urgency.clone());
        urgency
    }

    fn end(&self, id: i64) {
        self.syncs().remove(&id);
    }

    /// News for `id` arrived: a poll of it under way goes first from now on, since the
    /// notified sync waits for it to end.
    fn hurry(&self, id: i64) {
        if let Some(urgency) = self.syncs().get(&id) {
            urgency.raise();
        }
    }

    fn ids(&self) -> Vec<i64> {
        self.syncs().keys().copied().collect()
    }
}

/// Which of the worker's two allowances a sync counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Notified = 0,
    Polled = 1,
}

/// A sync that takes longer than this is logged: a notified change waits behind it.
const SLOW_SYNC: Duration = Duration::from_secs(10);

/// How often an idle worker looks for connections that fell due.
const LOOK_EVERY: Duration = Duration::from_millis(500);

impl Worker {
    pub fn new(ctx: SyncContext) -> (Worker, Notifier) {
        let wake = Arc::new(Notify::new());
        let feed_wake = Arc::new(Notify::new());
        let running = Running::default();
        let notifier = Notifier {
            wake: wake.clone(),
            feed: ctx.connector.termino_channel().map(|_| feed_wake.clone()),
            sync: ctx.clone(),
            running: running.clone(),
        };
        (
            Worker {
                ctx,
                running,
                wake,
                feed_wake,
                listen: None,
            },
            notifier,
        )
    }

    /// Also wakes on notifications made by other instances (PostgreSQL `LISTEN`, on a
    /// connection of its own outside the pool).
    pub fn listening_to(mut self, url: &DatabaseUrl) -> Worker {
        if url.backend() == Backend::Postgres {
            self.listen = Some(url.clone());
        }
        self
    }

    /// Runs until dropped.
    pub async fn run(self) {
        // The tasks beside the loop (listening, the feed, housekeeping) stop when it is dropped.
        let mut listener = JoinSet::new();
        if let Some(url) = self.listen.clone() {
            listener.spawn(listen_for_requests(
                url,
                self.wake.clone(),
                self.feed_wake.clone(),
            ));
        }
        listener.spawn(remove_expired_sessions_forever(self.ctx.clone()));
        listener.spawn(keep_statistics_forever(self.ctx.clone()));
        if let Some(feed) = self.ctx.connector.termino_channel() {
            listener.spawn(follow_feed(
                self.ctx.clone(),
                feed,
                self.feed_wake.clone(),
                self.wake.clone(),
                self.running.clone(),
            ));
        }
        let concurrency = self.ctx.settings.concurrency.max(1);
        // Each sync is a task of this set: a panic in one is contained (its slot is found by
        // its task id), and dropping the loop stops them all, so nothing writes after it.
        let mut sync_tasks: JoinSet<Duration> = JoinSet::new();
        let mut tasks: HashMap<tokio::task::Id, (Slot, i64, Urgency)> = HashMap::new();
        // Syncs under way per slot (notified, polled); their connections are in `self.running`.
        let mut in_flight = [0usize; 2];
        loop {
            for (slot, lane) in [(Slot::Notified, Lane::Notified), (Slot::Polled, Lane::Due)] {
                let free = concurrency.saturating_sub(in_flight[slot as usize]);
                for claimed in self.claim(lane, free, &self.running.ids()).await {
                    let id = claimed.id;
                    in_flight[slot as usize] += 1;
                    // A notified connection the polls' lane took (its notification came
                    // between the two lanes' claims) is still a notified sync: its requests
                    // go first, and it counts as one.
                    let notified = slot == Slot::Notified || claimed.wanted;
                    tracing::debug!(connection = id, ?slot, notified, "sync claimed");
                    let urgency = self.running.start(id, notified);
                    let sync =
                        with_urgency(urgency.clone(), timed(sync_claimed(self.ctx.clone(), id)));
                    let task = sync_tasks.spawn(sync);
                    tasks.insert(task.id(), (slot, id, urgency));
                }
            }
            tokio::select! {
                Some(done) = sync_tasks.join_next_with_id(), if !sync_tasks.is_empty() => {
                    let (task, took) = match done {
                        Ok((task, took)) => (task, took),
                        Err(e) => {
                            tracing::error!(error = %e, "a sync task panicked or was cancelled");
                            (e.id(), Duration::ZERO)
                        }
                    };
                    if let Some((slot, id, urgency)) = tasks.remove(&task) {
                        in_flight[slot as usize] = in_flight[slot as usize].saturating_sub(1);
                        self.running.end(id);
                        // A poll a notification hurried counts as notified: its requests did.
                        let notified = urgency.is_raised();
                        self.ctx.syncs.count(notified, took);
                        if took > SLOW_SYNC {
                            tracing::warn!(
                                connection = id,
                                notified,
                                seconds = took.as_secs_f64(),
                                "a sync took long (its Reservio requests waited for the budget, \
                                 or a system or the database was slow)"
                            );
                        }
                    }
                }
                () = self.wake.notified() => {}
                () = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }

    async fn claim(&self, lane: Lane, free: usize, syncing: &[i64]) -> Vec<schedule::Claimed> {
        if free == 0 {
            return vec![];
        }
        let now = self.ctx.clock.now();
        match schedule::claim_due(
            &self.ctx.db,
            lane,
            &self.ctx.owner,
            now,
            now + self.ctx.settings.lease_secs,
            i64::try_from(free).unwrap_or(i64::MAX),
            syncing,
        )
        .await
        {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim due connections");
                vec![]
            }
        }
    }
}

/// Follows the channel feed: reads it when a notification asks (here or, on PostgreSQL, at
/// another instance) and at least every poll interval, unless another instance read it
/// meanwhile; wakes the worker for the connections it made due. Each read is a task of its
/// own, so a panic in one is logged and the feed is still followed.
async fn follow_feed(
    ctx: SyncContext,
    feed: Arc<dyn ChannelFeed>,
    feed_wake: Arc<Notify>,
    wake: Arc<Notify>,
    running: Running,
) {
    let poll = Duration::from_secs(ctx.settings.poll_interval_secs.max(1));
    loop {
        let now = ctx.clock.now();
        let due = match channel_feed::state(&ctx.db).await {
            Ok(state) => {
                state.wanted_at.is_some()
                    || state.answered_at.is_none_or(|at| {
                        at + i64::try_from(poll.as_secs()).unwrap_or(i64::MAX) <= now
                    })
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the channel feed's state");
                false
            }
        };
        let mut more = false;
        if due {
            let (ctx, feed) = (ctx.clone(), feed.clone());
            match tokio::spawn(async move { read_feed(&ctx, feed.as_ref()).await }).await {
                Ok(Ok(report)) => {
                    tracing::debug!(?report, "channel feed read");
                    if !report.connections.is_empty() {
                        // News for each of them: a poll of one under way goes first.
                        for id in &report.connections {
                            running.hurry(*id);
                        }
                        wake.notify_one();
                    }
                    more = report.more;
                }
                Ok(Err(SyncError::FeedBusy)) => {
                    tracing::debug!("channel feed read by another instance");
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "channel feed read failed"),
                Err(e) => tracing::error!(error = %e, "a channel feed read panicked"),
            }
        }
        if more {
            continue;
        }
        tokio::select! {
            () = feed_wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

/// Removes the sessions whose expiry has passed: the worker's periodic housekeeping, run by
/// [`Worker::run`] every `session_cleanup_secs` (every instance does it; a second removal finds
/// nothing). Returns how many went.
pub async fn remove_expired_sessions(ctx: &SyncContext) -> Result<u64, sqlx::Error> {
    let removed = sessions::delete_expired(&ctx.db, ctx.clock.now()).await?;
    if removed > 0 {
        tracing::info!(sessions = removed, "expired sessions removed");
    }
    Ok(removed)
}

/// Runs [`remove_expired_sessions`] at start and then every `session_cleanup_secs`, each time in
/// a task of its own, so a panic is logged and the next round still comes.
async fn remove_expired_sessions_forever(ctx: SyncContext) {
    let every = Duration::from_secs(ctx.settings.session_cleanup_secs.max(1));
    loop {
        let round = ctx.clone();
        match tokio::spawn(async move { remove_expired_sessions(&round).await }).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot remove expired sessions"),
            Err(e) => tracing::error!(error = %e, "removing expired sessions panicked"),
        }
        tokio::time::sleep(every).await;
    }
}

/// How often, on a PostgreSQL server without autovacuum, the worker looks for tables that
/// changed enough to vacuum or analyze (see [`crate::db::statistics`]).
const STATISTICS_EVERY: Duration = Duration::from_secs(30);

/// On a PostgreSQL server with autovacuum off, vacuums and analyzes the tables that changed
/// enough, every [`STATISTICS_EVERY`], as autovacuum would; elsewhere returns at once.
async fn keep_statistics_forever(ctx: SyncContext) {
    match statistics::unattended(&ctx.db).await {
        Ok(true) => tracing::warn!(
            "PostgreSQL runs with autovacuum off: this instance vacuums and analyzes the tables \
             that change in its place, so that their plans follow their size and their old row \
             versions do not pile up"
        ),
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether PostgreSQL runs autovacuum");
            return;
        }
    }
    loop {
        tokio::time::sleep(STATISTICS_EVERY).await;
        let round = ctx.clone();
        let done = tokio::spawn(async move {
            let analyzed = statistics::analyze_changed(&round.db).await?;
            let vacuumed = statistics::vacuum_changed(&round.db).await?;
            Ok::<_, sqlx::Error>((analyzed, vacuumed))
        })
        .await;
        match done {
            Ok(Ok((analyzed, vacuumed))) => {
                if !analyzed.is_empty() {
                    tracing::info!(tables = %analyzed.join(", "), "statistics refreshed");
                }
                if !vacuumed.is_empty() {
                    tracing::info!(tables = %vacuumed.join(", "), "tables vacuumed");
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot analyze or vacuum the tables"),
            Err(e) => tracing::error!(error = %e, "analyzing or vacuuming the tables panicked"),
        }
    }
}

/// Wakes the worker (and the channel feed's reader) whenever any instance requests a sync;
/// reconnects after a failure.
async fn listen_for_requests(url: DatabaseUrl, wake: Arc<Notify>, feed_wake: Arc<Notify>) {
    loop {
        let outcome = async {
            let mut listener = sqlx::postgres::PgListener::connect(url.as_str()).await?;
            listener.listen(schedule::WAKE_CHANNEL).await?;
            loop {
                let notification = listener.recv().await?;
                // The feed's own announcements make connections due; they need no feed read.
                if notification.payload() != "feed" {
                    feed_wake.notify_one();
                }
                wake.notify_one();
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        }
        .await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "listening for sync requests failed; trying again");
        }
        // Anything requested while we were not listening is found by the regular look.
        wake.notify_one();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Runs `work` and says how long it took.
async fn timed(work: impl std::future::Future<Output = ()>) -> Duration {
    let started = tokio::time::Instant::now();
    work.await;
    started.elapsed()
}

/// Syncs one claimed connection (in a task of the worker's set).
async fn sync_claimed(ctx: SyncContext, id: i64) {
    match connections::find(&ctx.db, id).await {
        Ok(Some(conn)) => log_outcome(&conn, sync_connection(&ctx, &conn).await),
        Ok(None) => tracing::debug!(connection = id, "claimed an unknown connection"),
        Err(e) => tracing::warn!(error = %e, "cannot load connection"),
    }
}

/// For a connection fed by the channel feed, the feed's answers stand in for its own reads of
/// Termino: Termino answered this round if the feed answered since the connection's last
/// round; else it counts as silent (as a failed read would).
async fn feed_answered(
    ctx: &SyncContext,
    conn: &Connection,
    silent_since: &mut HashMap<System, i64>,
) -> Result<(), SyncError> {
    let before = cursors::answered_at(&ctx.db, conn.id, System::Termino).await?;
    match channel_feed::state(&ctx.db).await?.answered_at {
        Some(at) if before.is_none_or(|b| at > b) => {
            cursors::set_answered(&ctx.db, conn.id, System::Termino, at).await?;
        }
        _ => {
            silent_since.remove(&System::Termino);
        }
    }
    Ok(())
}

fn log_outcome(conn: &Connection, outcome: Result<SyncReport, SyncError>) {
    match outcome {
        Ok(report) => tracing::debug!(connection = conn.id, ?report, "synced"),
        Err(SyncError::Busy(_)) => {}
        Err(e) => tracing::warn!(connection = conn.id, error = %e, "sync failed"),
    }
}

/// Syncs every syncable connection once, one after another. Tests call this to drain the
/// engine deterministically.
pub async fn sync_all(
    ctx: &SyncContext,
) -> Result<Vec<(i64, Result<SyncReport, SyncError>)>, SyncError> {
    if let Some(feed) = ctx.connector.termino_channel() {
        // The whole backlog of the channel feed first, as the worker's reader would have.
        for _ in 0..100 {
            match read_feed(ctx, feed.as_ref()).await {
                Ok(report) if report.more => continue,
                Ok(_) | Err(SyncError::FeedBusy) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "channel feed read failed");
                    break;
                }
            }
        }
    }
    let mut results = vec![];
    for conn in connections::list_syncable(&ctx.db).await? {
        let outcome = sync_connection(ctx, &conn).await;
        if let Err(e) = &outcome {
            if !matches!(e, SyncError::Busy(_)) {
                tracing::warn!(connection = conn.id, error = %e, "sync failed");
            }
        }
        results.push((conn.id, outcome));
    }
    Ok(results)
}

/// Pull → link → reconcile → push → reconcile what the pushes changed, for one connection,
/// under its lease.
pub async fn sync_connection(
    ctx: &SyncContext,
    conn: &Connection,
) -> Result<SyncReport, SyncError> {
    let now = ctx.clock.now();
    let started_at = now;
    let Some(requests_seen) = schedule::claim_one(
        &ctx.db,
        conn.id,
        &ctx.owner,
        now,
        now + ctx.settings.lease_secs,
    )
    .await?
    else {
        return Err(SyncError::Busy(conn.id));
    };
    let mut steps = Steps::new();
    let outcome = tokio::select! {
        outcome = run_steps(ctx, conn, &mut steps) => outcome,
        never = keep_lease(ctx, conn.id) => match never {},
    };
    tracing::debug!(
        connection = conn.id,
        notified = super::budget::is_notified(),
        %steps,
        "sync steps"
    );
    let error = outcome.as_ref().err().map(|e| e.to_string());
    let now = ctx.clock.now();
    let changed = outcome.as_ref().is_ok_and(SyncReport::saw_a_change);
    let last_change_at = if changed {
        Some(now)
    } else {
        schedule::last_change_at(&ctx.db, conn.id).await?
    };
    // Counted from when this sync began reading, not from when it ended: a change made just
    // after the read waits one interval plus one sync, not two syncs.
    let polled_at = started_at + super::schedule::poll_delay(&ctx.settings, now, last_change_at);
    let next_sync_at = match &outcome {
        // Reservio's whole window falls due at a time of its own: the poll that reads it comes
        // then, not at the first poll after it. Not after a failed sync, whose cursor may be
        // old (never sooner than a second on: a cursor that did not move cannot spin it).
        Ok(report) => match report.reservio.read_due_at {
            Some(due) => due.max(started_at + 1).min(polled_at),
            None => polled_at,
        },
        Err(_) => polled_at,
    };
    schedule::finish(
        &ctx.db,
        &schedule::Finished {
            connection_id: conn.id,
            owner: &ctx.owner,
            now,
            error: error.as_deref(),
            requests_seen,
            next_sync_at,
            changed,
        },
    )
    .await?;
    outcome
}

/// Renews the connection's sync lease every third of its length for as long as its sync runs
/// (the caller drops this when the sync ends). A sync slower than the lease — a first sync of a
/// large account on a busy database — would otherwise be claimed by another instance while it
/// still runs, and the two would sync the same connection at once. Taken over all the same
/// (this instance stalled past the lease), it stops renewing and the sync runs on as before:
/// its finish no longer counts, since the lease is not its own.
async fn keep_lease(ctx: &SyncContext, connection_id: i64) -> std::convert::Infallible {
    let lease = ctx.settings.lease_secs.max(1);
    let every = Duration::from_secs(lease.unsigned_abs().div_ceil(3));
    loop {
        tokio::time::sleep(every).await;
        let now = ctx.clock.now();
        match schedule::claim_one(&ctx.db, connection_id, &ctx.owner, now, now + lease).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                tracing::warn!(
                    connection = connection_id,
                    "another instance took the sync lease over while this one was syncing"
                );
                return std::future::pending().await;
            }
            Err(e) => tracing::warn!(
                connection = connection_id,
                error = %e,
                "cannot renew the sync lease"
            ),
        }
    }
}

/// How long each step of one sync took, for the debug log: where a slow sync spent its time.
struct Steps {
    last: tokio::time::Instant,
    took: Vec<(&'static str, Duration)>,
}

impl Steps {
    fn new() -> Self {
        Steps {
            last: tokio::time::Instant::now(),
            took: vec![],
        }
    }

    /// The step `name` ended now.
    fn mark(&mut self, name: &'static str) {
        let now = tokio::time::Instant::now();
        self.took.push((name, now - self.last));
        self.last = now;
    }
}

impl std::fmt::Display for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (name, took)) in self.took.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            write!(f, "{sep}{name}={}ms", took.as_millis())?;
        }
        Ok(())
    }
}

async fn run_steps(
    ctx: &SyncContext,
    conn: &Connection,
    steps: &mut Steps,
) -> Result<SyncReport, SyncError> {
    let systems = ctx.connector.systems(conn)?;
    let map = ServiceMap::new(&connections::mappings(&ctx.db, conn.id).await?);
    let mut report = SyncReport::default();
    // When each system last answered a read (plus one poll), before this round asks again: a
    // push that failed after that failed while the system was silent, so a system answering
    // this round's read is news for it (`undelivered::due`).
    let poll = i64::try_from(ctx.settings.poll_interval_secs).unwrap_or(i64::MAX);
    let mut silent_since = HashMap::new();
    for system in [System::Termino, System::Reservio] {
        let answered = cursors::answered_at(&ctx.db, conn.id, system).await?;
        silent_since.insert(system, answered.unwrap_or(0).saturating_add(poll));
    }
    // Termino's side comes from the channel feed once the connection has read its own
    // account to the end; until then (new, or after a resync) it reads it itself.
    let fed_by_channel =
        ctx.connector.termino_channel().is_some() && cursors::caught_up(&ctx.db, conn.id).await?;
    // One system being down must not stop the other side from syncing.
    let termino = if fed_by_channel {
        feed_answered(ctx, conn, &mut silent_since).await?;
        super::feed::take_inbox(ctx, conn).await
    } else {
        let own = pull(ctx, conn, System::Termino, systems.termino.as_ref()).await;
        match own {
            // What the feed handed it meanwhile is stored too (a later version than the read
            // wins; an older one changes nothing).
            Ok(mut report) if ctx.connector.termino_channel().is_some() => {
                let inbox = super::feed::take_inbox(ctx, conn).await?;
                report.new.extend(inbox.new);
                report.changed.extend(inbox.changed);
                report.unreadable += inbox.unreadable;
                Ok(report)
            }
            other => other,
        }
    };
    steps.mark("termino");
    let reservio = pull(ctx, conn, System::Reservio, systems.reservio.as_ref()).await;
    steps.mark("reservio");
    let mut refused = false;
    for (system, outcome) in [(System::Termino, &termino), (System::Reservio, &reservio)] {
        if let Err(SyncError::System(e)) = outcome
            && super::hold::refused_credentials(e)
        {
            super::hold::credentials_refused(ctx, conn, Some(system), e).await?;
            refused = true;
        }
    }
    let mut first_error = None;
    match termino {
        Ok(r) => report.termino = r,
        Err(e) => {
            silent_since.remove(&System::Termino);
            first_error = Some(e)
        }
    }
    match reservio {
        Ok(r) => report.reservio = r,
        Err(e) => {
            silent_since.remove(&System::Reservio);
            first_error = first_error.or(Some(e))
        }
    }
    // The slow full comparison, a few pages a round, before the new snapshots are linked.
    match sweep(ctx, conn, System::Termino, systems.termino.as_ref()).await {
        Ok(r) => report.sweep_termino = r,
        Err(e) => first_error = first_error.or(Some(e)),
    }
    match sweep(ctx, conn, System::Reservio, systems.reservio.as_ref()).await {
        Ok(r) => report.sweep_reservio = r,
        Err(e) => first_error = first_error.or(Some(e)),
    }
    steps.mark("sweep");
    report.links = link_new(ctx, conn).await?.len();
    super::push::confirm_observed(ctx, conn).await?;
    super::undelivered::requeue_due(ctx, conn, &silent_since).await?;
    report.reconcile = reconcile_connection(ctx, conn, &map).await?;
    steps.mark("reconcile");
    // The safety net: now and then every link, marked or not. What it has to change, the
    // incremental reconcile missed — counted, and 0 in a healthy system.
    let now = ctx.clock.now();
    if schedule::full_check_due(&ctx.db, conn.id, now).await? {
        let full = reconcile_all(ctx, conn, &map).await?;
        if full.links_changed > 0 {
            tracing::warn!(
                connection = conn.id,
                links = full.links_changed,
                "the full reconcile found links the incremental one had not looked at"
            );
        }
        schedule::record_full_check(
            &ctx.db,
            conn.id,
            i64::try_from(full.links_changed).unwrap_or(i64::MAX),
            now + ctx.settings.sweep_interval_secs,
        )
        .await?;
        report.full_check = Some(full.links_changed);
        report.reconcile.pushes_enqueued += full.pushes_enqueued;
        report.reconcile.mismatches_opened += full.mismatches_opened;
        report.reconcile.mismatches_resolved += full.mismatches_resolved;
    }
    // Refused credentials or observe mode: the pushes wait, recorded, and nothing is written.
    let hold = if refused {
        Some(Hold::CredentialsExpired)
    } else {
        conn.hold()
    };
    if let Some(hold) = hold {
        super::hold::hold_round(ctx, conn, hold).await?;
        return match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        };
    }
    steps.mark("full_check");
    report.push = push_due(ctx, conn, &systems).await?;
    steps.mark("push");
    for link_id in report.push.links.clone() {
        let again = super::reconcile::reconcile_link(ctx, conn, &map, link_id).await?;
        report.reconcile.pushes_enqueued += again.pushes_enqueued;
        report.reconcile.mismatches_opened += again.mismatches_opened;
        report.reconcile.mismatches_resolved += again.mismatches_resolved;
    }
    steps.mark("after_push");
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_hurries_the_poll_of_its_connection_under_way_and_no_other() {
        let running = Running::default();
        let poll = running.start(1, false);
        let other = running.start(2, false);
        let notified = running.start(3, true);
        assert!(
            notified.is_raised(),
            "a notified sync goes first from its start"
        );
        running.hurry(1);
        assert!(poll.is_raised());
        assert!(!other.is_raised());
        // Once a sync ended, a request for its connection changes nothing of it.
        running.end(2);
        running.hurry(2);
        assert!(!other.is_raised());
        let mut ids = running.ids();
        ids.sort();
        assert_eq!(ids, vec![1, 3]);
    }
}
