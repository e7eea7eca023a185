//! When each connection is synced next, and which instance syncs it: the schedule lives in
//! `connections` (`next_sync_at`, `sync_wanted_at`, `sync_requests`, the sync lease), so every
//! instance claims from the same list and no two claim the same connection.
//!
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment
//! take different rows instead of waiting for each other; SQLite has a single writer, so the
//! same `UPDATE … RETURNING` is atomic there by itself.

use super::{Backend, Db, Tx};

/// The PostgreSQL channel a notification is announced on, so that an idle worker of any
/// instance wakes at once.
pub const WAKE_CHANNEL: &str = "bookbridge_sync";

/// The states whose connections are synced.
const SYNCABLE: &str = "state IN ('verifying', 'active')";

/// Makes the connection due now and counts the request, so a sync already under way (which
/// may have read its system before the change) is followed by another. On PostgreSQL it also
/// announces the connection on [`WAKE_CHANNEL`].
pub async fn request_sync(db: &Db, connection_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET sync_wanted_at = COALESCE(sync_wanted_at, $1), \
         next_sync_at = CASE WHEN next_sync_at > $1 THEN $1 ELSE next_sync_at END, \
         sync_requests = sync_requests + 1 WHERE id = $2",
    )
    .bind(now)
    .bind(connection_id)
    .execute(db.pool())
    .await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(WAKE_CHANNEL)
            .bind(connection_id.to_string())
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// The channel feed brought changes of the connection (stored in `tx`): it is due now, in the
/// notified lane, and counts as changed just now for its polling interval. Announced to idle
/// workers by [`announce`] after the commit.
pub async fn changes_arrived(tx: &mut Tx, connection_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET sync_wanted_at = COALESCE(sync_wanted_at, $1), \
         next_sync_at = CASE WHEN next_sync_at > $1 THEN $1 ELSE next_sync_at END, \
         sync_requests = sync_requests + 1, last_change_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(connection_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Wakes idle workers of every instance (PostgreSQL); on SQLite the caller wakes its own.
pub async fn announce(db: &Db) -> Result<(), sqlx::Error> {
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(WAKE_CHANNEL)
            .bind("feed")
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// Which connections to claim: only those a notification asked for, or any that is due
/// (notified ones first, then the longest overdue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Notified,
    Due,
}

impl Lane {
    fn condition(self) -> &'static str {
        match self {
            Lane::Notified => "sync_wanted_at IS NOT NULL",
            Lane::Due => "next_sync_at <= $3",
        }
    }
}

/// A connection [`claim_due`] leased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    /// A notification asked for its sync: the sync is a notified one, whichever lane took it
    /// (the polls' lane takes a notified connection first, as one may arrive between the
    /// claims of the two lanes).
    pub wanted: bool,
}

/// Claims up to `limit` due connections of `lane` for `owner` until `until`. A cheap read
/// first, so an idle instance takes no write lock.
///
/// A lease of `owner`'s own counts as free unless its connection is in `in_flight`: a sync that
/// this instance lost track of (the database went away before it could give the lease back) is
/// taken up again at once instead of after the lease runs out.
pub async fn claim_due(
    db: &Db,
    lane: Lane,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
    in_flight: &[i64],
) -> Result<Vec<Claimed>, sqlx::Error> {
    if limit <= 0 {
        return Ok(vec![]);
    }
    let condition = lane.condition();
    // Ids are numbers of ours, written into the text: no placeholder list is portable.
    let busy = if in_flight.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = in_flight.iter().map(i64::to_string).collect();
        format!(" AND id NOT IN ({})", ids.join(", "))
    };
    let free = format!(
        "(sync_lease_until IS NULL OR sync_lease_until < $1 OR sync_lease_owner = $3){busy}"
    );
    let (any,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM (SELECT id FROM connections WHERE {SYNCABLE} AND {free} \
         AND {} LIMIT 1) due",
        condition.replace("$3", "$2")
    ))
    .bind(now)
    .bind(now)
    .bind(owner)
    .fetch_one(db.pool())
    .await?;
    if any == 0 {
        return Ok(vec![]);
    }
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let free = format!(
        "(sync_lease_until IS NULL OR sync_lease_until < $3 OR sync_lease_owner = $1){busy}"
    );
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "UPDATE connections SET sync_lease_owner = $1, sync_lease_until = $2 \
         WHERE id IN (SELECT id FROM connections WHERE {SYNCABLE} AND {free} AND {condition} \
                      ORDER BY CASE WHEN sync_wanted_at IS NULL THEN 1 ELSE 0 END, next_sync_at, id \
                      LIMIT $4{lock}) \
         RETURNING id, CASE WHEN sync_wanted_at IS NULL THEN 0 ELSE 1 END"
    ))
    .bind(owner)
    .bind(until)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, wanted)| Claimed {
            id,
            wanted: wanted == 1,
        })
        .collect())
}

/// Whether a sync of the connection is under way at any instance (its lease is held at `now`).
pub async fn sync_under_way(db: &Db, connection_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let (held,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM connections WHERE id = $1 AND sync_lease_owner IS NOT NULL \
         AND sync_lease_until >= $2",
    )
    .bind(connection_id)
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    Ok(held > 0)
}

/// Takes (or extends) the connection's sync lease for `owner` until `until`. Returns the count
/// of sync requests seen at that moment — [`finish`] compares it to tell whether another
/// arrived meanwhile — or `None` when another instance holds an unexpired lease.
pub async fn claim_one(
    db: &Db,
    connection_id: i64,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE connections SET sync_lease_owner = $1, sync_lease_until = $2 \
         WHERE id = $3 AND (sync_lease_until IS NULL OR sync_lease_until < $4 \
                            OR sync_lease_owner = $1) \
         RETURNING sync_requests",
    )
    .bind(owner)
    .bind(until)
    .bind(connection_id)
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(requests,)| requests))
}

/// How one sync ended, for [`finish`].
#[derive(Clone, Debug)]
pub struct Finished<'a> {
    pub connection_id: i64,
    pub owner: &'a str,
    pub now: i64,
    pub error: Option<&'a str>,
    /// [`claim_one`]'s count: a request that arrived after it keeps the connection due.
    pub requests_seen: i64,
    /// When it is due next, unless a request arrived meanwhile.
    pub next_sync_at: i64,
    /// The pulls found a change.
    pub changed: bool,
}

/// Gives the lease back, records how the sync went and when it is due next.
pub async fn finish(db: &Db, done: &Finished<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET sync_lease_owner = NULL, sync_lease_until = NULL, \
         last_synced_at = $1, last_sync_error = $2, \
         last_change_at = CASE WHEN $3 = 1 THEN $1 ELSE last_change_at END, \
         next_sync_at = CASE WHEN sync_requests = $4 THEN $5 ELSE $1 END, \
         sync_wanted_at = CASE WHEN sync_requests = $4 THEN NULL ELSE sync_wanted_at END \
         WHERE id = $6 AND sync_lease_owner = $7",
    )
    .bind(done.now)
    .bind(done.error)
    .bind(i64::from(done.changed))
    .bind(done.requests_seen)
    .bind(done.next_sync_at)
    .bind(done.connection_id)
    .bind(done.owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// When the connection last saw a change, for choosing how soon to poll it again.
pub async fn last_change_at(db: &Db, connection_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT last_change_at FROM connections WHERE id = $1")
            .bind(connection_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(at,)| at))
}

/// The schedule at a glance: syncable connections due now and waiting (not being synced), and
/// the oldest due time (for one never scheduled yet, since it last changed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    pub due: i64,
    pub oldest_due_at: Option<i64>,
}

pub async fn backlog(db: &Db, now: i64) -> Result<Backlog, sqlx::Error> {
    let (due, oldest): (i64, Option<i64>) = sqlx::query_as(&format!(
        "SELECT COUNT(*), MIN(CASE WHEN sync_wanted_at IS NOT NULL AND sync_wanted_at < next_sync_at \
                                   THEN sync_wanted_at \
                                   WHEN next_sync_at = 0 THEN COALESCE(last_synced_at, updated_at) \
                                   ELSE next_sync_at END) \
         FROM connections WHERE {SYNCABLE} AND (next_sync_at <= $1 OR sync_wanted_at IS NOT NULL) \
         AND (sync_lease_until IS NULL OR sync_lease_until < $1)"
    ))
    .bind(now)
    .fetch_one(db.pool())
    .await?;
    Ok(Backlog {
        due,
        oldest_due_at: oldest,
    })
}

/// Whether the connection's slow full reconcile (the safety net) is due.
pub async fn full_check_due(db: &Db, connection_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT full_check_at FROM connections WHERE id = $1")
        .bind(connection_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some_and(|(at,)| at <= now))
}

/// Records a full reconcile: how many links it found needing a change that the incremental
/// reconcile had not looked at (added to the connection's count), and when the next is due.
pub async fn record_full_check(
    db: &Db,
    connection_id: i64,
    found: i64,
    next_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET full_check_found = full_check_found + $1, full_check_at = $2 \
         WHERE id = $3",
    )
    .bind(found)
    .bind(next_at)
    .bind(connection_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What the full reconciles found in all, over every connection: 0 in a healthy system.
pub async fn full_check_found(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(full_check_found), 0) AS BIGINT) FROM connections",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
