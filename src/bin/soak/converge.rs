//! Waiting for the app to finish the work the run left it: no push pending in the outbox, no
//! guided procedure running, and then two clean sync rounds of every connection, the second of
//! which started after the database last changed. Only then do the database's snapshots have
//! to match the sandbox.

use std::collections::HashMap;
use std::time::Duration;

use bookbridge::clock::Clock;
use bookbridge::db::Db;
use tokio::time::Instant;

/// How the wait ended.
#[derive(Clone, Copy, Debug)]
pub struct Convergence {
    pub settled: bool,
    pub waited: Duration,
    /// Outbox rows still pending when the wait ended.
    pub pending_pushes: i64,
    pub running_procedures: i64,
}

/// What says the database is still moving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Motion {
    pending_pushes: i64,
    running_procedures: i64,
    last_audit_id: i64,
    last_outbox_id: i64,
}

async fn motion(db: &Db) -> Result<Motion, sqlx::Error> {
    let (pending_pushes, last_outbox_id): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending'), \
         (SELECT COALESCE(MAX(id), 0) FROM outbox)",
    )
    .fetch_one(db.pool())
    .await?;
    let (running_procedures, last_audit_id): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM procedures WHERE state = 'running'), \
         (SELECT COALESCE(MAX(id), 0) FROM audit_log)",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(Motion {
        pending_pushes,
        running_procedures,
        last_audit_id,
        last_outbox_id,
    })
}

/// Each syncable connection's last finished round and whether it went wrong.
async fn rounds(db: &Db) -> Result<Vec<(i64, Option<i64>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, last_synced_at, last_sync_error FROM connections \
         WHERE state IN ('verifying', 'active') ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
}

/// Polls once a second, for at most `limit`, while the app runs.
pub async fn wait(db: &Db, clock: &Clock, limit: Duration) -> Result<Convergence, sqlx::Error> {
    let started = Instant::now();
    let mut last = motion(db).await?;
    // The last second (Unix time) the database was seen moving.
    let mut quiet_since = clock.now();
    // Per connection: the clean rounds finished after `quiet_since`.
    let mut clean: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut next_note = 10;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = motion(db).await?;
        if now != last || now.pending_pushes > 0 || now.running_procedures > 0 {
            last = now;
            quiet_since = clock.now();
            clean.clear();
        }
        let connections = rounds(db).await?;
        for (id, finished, error) in &connections {
            if let (Some(at), None) = (finished, error) {
                let seen = clean.entry(*id).or_default();
                if *at > quiet_since && !seen.contains(at) {
                    seen.push(*at);
                }
            }
        }
        // Rounds of one app run one after another, so the second clean round after the quiet
        // moment started after it: it pulled everything and found nothing to do.
        let settled = connections
            .iter()
            .all(|(id, _, _)| clean.get(id).is_some_and(|r| r.len() >= 2));
        let waited = started.elapsed().as_secs();
        if !settled && waited >= next_note {
            next_note = waited + 10;
            let behind = connections
                .iter()
                .filter(|(id, _, _)| clean.get(id).is_none_or(|r| r.len() < 2))
                .count();
            eprintln!(
                "soak: settling for {waited} s: {} pushes pending, {behind} connections without \
                 two clean rounds yet (a connection whose sync was killed stays leased for up \
                 to a minute)",
                now.pending_pushes
            );
        }
        if settled || started.elapsed() >= limit {
            return Ok(Convergence {
                settled,
                waited: started.elapsed(),
                pending_pushes: now.pending_pushes,
                running_procedures: now.running_procedures,
            });
        }
    }
}

/// Waits until every connection has finished a sync round (the first one links the seeded
/// bookings), for at most `limit`. False when the limit ran out.
pub async fn first_rounds(db: &Db, limit: Duration) -> Result<bool, sqlx::Error> {
    let started = Instant::now();
    loop {
        let connections = rounds(db).await?;
        if !connections.is_empty() && connections.iter().all(|(_, at, _)| at.is_some()) {
            return Ok(true);
        }
        if started.elapsed() >= limit {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
