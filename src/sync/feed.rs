//! The channel feed: Termino's changes for every connection of the channel, read through one
//! cursor by one instance at a time (a lease in `channel_feeds`), instead of one poll per
//! connection.
//!
//! Each page is applied in one transaction: each change handed to the connections whose account
//! it names (their inbox, `termino_inbox`: the latest version of each reservation), those
//! connections made due, and the cursor moved — so a crash before the commit leaves the page to
//! be read again, and one after it never reads it twice. Each connection's own sync then stores
//! what its inbox holds, under its lease, where its own read of Termino used to: a snapshot
//! never changes under a sync that is reconciling it. A change of an account that no syncable connection has is counted
//! and skipped. A page that is garbage is an error recorded with the feed; the cursor stays.
//! When the feed cannot continue from our cursor (older than its retention), every connection
//! reads its account in full again and the feed continues from where Termino says.
//!
//! A connection reads its own account only until it has read it to the end once (a new
//! connection, or after a resync); from then on the feed brings its changes.

use std::collections::{BTreeSet, HashMap};

use super::context::{SYNC, SyncContext, SyncError};
use super::pull::PullReport;
use crate::audit::{self, Event};
use crate::db::bookings::Stored;
use crate::db::channel_feed::{self, Advance, Fed};
use crate::db::connections::Connection;
use crate::db::{cursors, schedule};
use crate::domain::listing::unreadable_cause;
use crate::systems::termino::{ChannelFeed, ChannelPage, ChannelRead, reservation_from_payload};

/// What one read of the feed did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedReport {
    /// Pages read.
    pub pages: usize,
    /// Changes the pages held.
    pub changes: usize,
    /// Reservations handed to connections newer than what their inbox held.
    pub delivered: usize,
    /// Changes of accounts no syncable connection has, skipped.
    pub unknown: usize,
    /// Reservations that could not be read, skipped (the sweep reads their accounts again).
    pub unreadable: usize,
    /// Connections whose snapshots changed, made due.
    pub connections: Vec<i64>,
    /// The feed could not continue from our cursor: every account is read in full again.
    pub resynced: bool,
    /// More pages were waiting when this read stopped.
    pub more: bool,
}

/// Most pages applied in one read, so that the lease is renewed and the worker hears of the
/// connections made due between pages of a long backlog.
const MAX_PAGES: usize = 20;

/// Reads the feed from its cursor, page by page, under its lease. `SyncError::FeedBusy` when
/// another instance is reading it.
pub async fn read_feed(ctx: &SyncContext, feed: &dyn ChannelFeed) -> Result<FeedReport, SyncError> {
    let started = ctx.clock.now();
    if !channel_feed::claim(
        &ctx.db,
        &ctx.owner,
        started,
        started + ctx.settings.lease_secs,
    )
    .await?
    {
        return Err(SyncError::FeedBusy);
    }
    let mut report = FeedReport::default();
    let outcome = read_pages(ctx, feed, started, &mut report).await;
    if let Err(e) = &outcome
        && !matches!(e, SyncError::FeedBusy)
    {
        tracing::warn!(error = %e, "reading Termino's channel feed failed");
        channel_feed::record_error(&ctx.db, &ctx.owner, &e.to_string(), ctx.clock.now()).await?;
    }
    channel_feed::release(&ctx.db, &ctx.owner).await?;
    if !report.connections.is_empty() {
        schedule::announce(&ctx.db).await?;
    }
    outcome.map(|()| report)
}

async fn read_pages(
    ctx: &SyncContext,
    feed: &dyn ChannelFeed,
    started: i64,
    report: &mut FeedReport,
) -> Result<(), SyncError> {
    for _ in 0..MAX_PAGES {
        let cursor = channel_feed::state(&ctx.db).await?.position;
        let read = feed.read(cursor.as_deref()).await?;
        report.pages += 1;
        match read {
            ChannelRead::Resync { resume_cursor } => {
                resync(ctx, cursor.as_deref(), &resume_cursor).await?;
                report.resynced = true;
            }
            ChannelRead::Page(page) => {
                let has_more = page.has_more;
                apply_page(ctx, page, started, report).await?;
                report.more = has_more;
                if !has_more {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// The feed lost our place: it continues from `resume`, and every connection reads its account
/// in full at its next sync, which covers whatever changed before `resume`.
async fn resync(ctx: &SyncContext, from: Option<&str>, resume: &str) -> Result<(), SyncError> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    if !channel_feed::resync(&mut tx, &ctx.owner, resume, now).await? {
        return Err(SyncError::FeedBusy);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(&SYNC, "termino_feed.resync", "channel_feed", "termino")
            .before(serde_json::json!({ "cursor": from }))
            .after(serde_json::json!({ "cursor": resume, "read_in_full": "every connection" })),
    )?;
    tx.commit().await?;
    tracing::warn!(
        from = ?from,
        resume,
        "Termino's channel feed cannot continue from our cursor: every connection reads its \
         account in full again"
    );
    Ok(())
}

async fn apply_page(
    ctx: &SyncContext,
    page: ChannelPage,
    started: i64,
    report: &mut FeedReport,
) -> Result<(), SyncError> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let mut accounts: HashMap<String, Vec<Fed>> = HashMap::new();
    let mut touched = BTreeSet::new();
    let mut unknown = 0i64;
    let mut causes: HashMap<String, i64> = HashMap::new();
    report.changes += page.changes.len();
    for change in &page.changes {
        if !accounts.contains_key(&change.account) {
            let (fed, paused) = channel_feed::connections_of(&mut tx, &change.account).await?;
            // A paused connection misses this change: it reads its account in full on return.
            for id in paused {
                cursors::forget_caught_up(&mut tx, id).await?;
            }
            accounts.insert(change.account.clone(), fed);
        }
        let fed = accounts
            .get(&change.account)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if fed.is_empty() {
            unknown += 1;
            continue;
        }
        let booking = match &change.booking {
            Ok(b) => b,
            Err(e) => {
                report.unreadable += 1;
                *causes.entry(unreadable_cause(&e.to_string())).or_default() += 1;
                continue;
            }
        };
        let version = booking.remote_version.unwrap_or(0);
        for f in fed {
            if channel_feed::deliver(
                &mut tx,
                f.connection_id,
                &booking.external_id,
                version,
                &booking.raw,
                now,
            )
            .await?
            {
                report.delivered += 1;
                touched.insert(f.connection_id);
            }
        }
    }
    for id in &touched {
        schedule::changes_arrived(&mut tx, *id, now).await?;
    }
    let moved = channel_feed::advance(
        &mut tx,
        &Advance {
            owner: &ctx.owner,
            position: &page.next_cursor,
            now,
            caught_up: !page.has_more,
            read_started_at: started,
            unknown_changes: unknown,
        },
    )
    .await?;
    if !moved {
        // Another instance took the feed over meanwhile; this page is theirs to apply.
        return Err(SyncError::FeedBusy);
    }
    tx.commit().await?;
    if unknown > 0 {
        tracing::info!(
            changes = unknown,
            "Termino's channel feed brought changes of accounts no connection syncs: skipped"
        );
    }
    for (cause, n) in causes {
        tracing::warn!(
            count = n,
            cause,
            "unreadable reservations in Termino's channel feed"
        );
    }
    report.unknown += usize::try_from(unknown).unwrap_or(0);
    report.connections.extend(touched);
    Ok(())
}

/// How long a notified reservation waits at most for a sync of its connection under way.
const WAIT_FOR_SYNC_AT_MOST: std::time::Duration = std::time::Duration::from_secs(30);
/// How often it looks whether that sync has ended.
const LOOK_AGAIN: std::time::Duration = std::time::Duration::from_millis(50);

/// Termino notified a change of reservation `reservation_id` (its `version`) of a connection
/// the feed serves: the reservation is read at once and handed to the connection's inbox as
/// the feed would hand it, and the connection made due. The change then does not wait for the
/// feed to get through whatever it must read first (after a start or a resync, the whole
/// channel's history). True when it was news; false when the connection already held that
/// version (our own push coming back: no read, nobody due). Where this fails, the notifier
/// asks the feed for a read, which brings the change (and the feed is read every poll interval
/// in any case), so a failed read here loses nothing.
pub async fn take_notified(
    ctx: &SyncContext,
    connection: &Connection,
    reservation_id: &str,
    version: i64,
) -> Result<bool, SyncError> {
    // Our own push's webhook comes while the push's sync still runs, before it stored what
    // Termino answered: read then, the echo would look like news and make the connection due
    // for nothing. So a sync under way is waited for (a while at most); a change that is news
    // waits no longer for it than its notified sync would have, as that cannot begin earlier.
    let waiting_since = tokio::time::Instant::now();
    while waiting_since.elapsed() < WAIT_FOR_SYNC_AT_MOST
        && schedule::sync_under_way(&ctx.db, connection.id, ctx.clock.now()).await?
    {
        tokio::time::sleep(LOOK_AGAIN).await;
    }
    if channel_feed::holds(&ctx.db, connection.id, reservation_id, version).await? {
        return Ok(false);
    }
    let account = connection
        .termino_partner_id
        .as_deref()
        .ok_or(SyncError::NotConfigured(
            connection.id,
            "account id missing",
        ))?;
    let systems = ctx.connector.systems(connection)?;
    let booking = systems.termino.get(account, reservation_id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let news = channel_feed::deliver(
        &mut tx,
        connection.id,
        &booking.external_id,
        booking.remote_version.unwrap_or(0),
        &booking.raw,
        now,
    )
    .await?;
    if news {
        schedule::changes_arrived(&mut tx, connection.id, now).await?;
    }
    tx.commit().await?;
    if news {
        schedule::announce(&ctx.db).await?;
    }
    Ok(news)
}

/// Inbox entries stored per transaction.
const INBOX_PAGE: i64 = 200;

/// Stores what the channel feed handed the connection, under the connection's lease (its sync
/// calls this where it would have read its own account): each reservation audited like a
/// pull's, and taken out of the inbox in the same transaction.
pub async fn take_inbox(
    ctx: &SyncContext,
    connection: &Connection,
) -> Result<PullReport, SyncError> {
    let mut report = PullReport::default();
    loop {
        let waiting = channel_feed::inbox(&ctx.db, connection.id, INBOX_PAGE).await?;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        for delivered in &waiting {
            match reservation_from_payload(&delivered.payload) {
                Ok(booking) => {
                    match super::pull::store(&mut tx, connection, &booking, None, now, None).await?
                    {
                        Stored::New(id) => report.new.push(id),
                        Stored::Changed(id) => report.changed.push(id),
                        Stored::Unchanged(_) => {}
                    }
                }
                // It was read once already; what cannot be read again is skipped.
                Err(e) => {
                    report.unreadable += 1;
                    tracing::warn!(connection = connection.id, error = %e, "unreadable inbox entry skipped");
                }
            }
            channel_feed::take(&mut tx, connection.id, delivered).await?;
        }
        tx.commit().await?;
        if (waiting.len() as i64) < INBOX_PAGE {
            return Ok(report);
        }
    }
}
