//! The figures operators watch (`/metrics`, and the sync-health line on Partner Care's page),
//! read from the database at the moment they are asked for, so every instance reports the same.

use crate::db::Db;

/// The deployment's sync engine at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncFigures {
    /// Syncable connections due now (polls and notifications).
    pub due_connections: i64,
    /// Seconds the longest-waiting due connection has waited.
    pub oldest_due_secs: i64,
    pub pushes_pending: i64,
    pub pushes_failed: i64,
    /// Reservio requests taken from the shared budget in the last minute.
    pub reservio_requests_last_minute: i64,
    /// Links the safety net found the incremental reconcile missed, in all.
    pub missed_by_incremental: i64,
    /// Termino's channel feed: seconds since a read last reached its end — no change older
    /// than that is unread. `None` where the feed has never been read to its end (or the
    /// deployment has none).
    pub termino_feed_lag_secs: Option<i64>,
    /// Changes the feed brought for accounts no syncable connection has (skipped), in all.
    pub termino_feed_unknown_changes: i64,
    /// Times the feed could not continue from our cursor and every account was read again.
    pub termino_feed_resyncs: i64,
    /// Changes the feed handed to connections that their syncs have not stored yet, and the
    /// seconds the oldest has waited.
    pub termino_inbox_waiting: i64,
    pub termino_inbox_oldest_secs: i64,
}

pub async fn sync_figures(db: &Db, now: i64) -> Result<SyncFigures, sqlx::Error> {
    let backlog = crate::db::schedule::backlog(db, now).await?;
    let (pending, failed): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM outbox WHERE state <> 'done'",
    )
    .fetch_one(db.pool())
    .await?;
    let feed = crate::db::channel_feed::state(db).await?;
    let (inbox, inbox_oldest) = crate::db::channel_feed::inbox_backlog(db).await?;
    Ok(SyncFigures {
        due_connections: backlog.due,
        oldest_due_secs: backlog
            .oldest_due_at
            .map_or(0, |at| now.saturating_sub(at).max(0)),
        pushes_pending: pending,
        pushes_failed: failed,
        reservio_requests_last_minute: crate::db::budget::used_since(db, "reservio", now - 59)
            .await?,
        missed_by_incremental: crate::db::schedule::full_check_found(db).await?,
        termino_feed_lag_secs: feed.caught_up_at.map(|at| now.saturating_sub(at).max(0)),
        termino_feed_unknown_changes: feed.unknown_changes,
        termino_feed_resyncs: feed.resyncs,
        termino_inbox_waiting: inbox,
        termino_inbox_oldest_secs: inbox_oldest.map_or(0, |at| now.saturating_sub(at).max(0)),
    })
}

/// Per syncable connection: its code and its sync lag in seconds — how long the oldest change
/// not yet carried over has waited: a notified change not yet read, or a push not yet done.
pub async fn lag_per_connection(db: &Db, now: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.connection_code, \
                CAST($1 - COALESCE(MIN(o.created_at), c.sync_wanted_at, $1) AS BIGINT) \
         FROM connections c LEFT JOIN outbox o ON o.connection_id = c.id AND o.state = 'pending' \
         WHERE c.state IN ('verifying', 'active') \
         GROUP BY c.id, c.connection_code, c.sync_wanted_at ORDER BY c.id",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await
}

/// Open (unresolved) mismatches per kind.
pub async fn open_mismatches_by_kind(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, COUNT(*) FROM mismatches WHERE state <> 'resolved' GROUP BY kind ORDER BY kind",
    )
    .fetch_all(db.pool())
    .await
}

/// Procedures per state.
pub async fn procedures_by_state(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT state, COUNT(*) FROM procedures GROUP BY state ORDER BY state")
        .fetch_all(db.pool())
        .await
}
