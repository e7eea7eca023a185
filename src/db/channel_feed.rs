//! `channel_feeds`: where the channel-wide change feed of Termino has been read to, who reads
//! it now (a lease, so that one instance at a time reads it), and what the reads met.
//!
//! The cursor moves in the transaction that stores the snapshots of the page it covers (see
//! `sync::feed`), and only while the lease is still the reader's own: a reader that lost its
//! lease (it stalled past it and another took over) writes nothing.

use super::{Db, Tx};

/// The one feed there is: Termino's.
const FEED: &str = "termino";

/// The feed's row as the reader and the figures see it.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedState {
    pub position: Option<String>,
    pub wanted_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub caught_up_at: Option<i64>,
    pub last_error: Option<String>,
    pub unknown_changes: i64,
    pub resyncs: i64,
}

pub async fn state(db: &Db) -> Result<FeedState, sqlx::Error> {
    let row: Option<FeedState> = sqlx::query_as(
        "SELECT position, wanted_at, answered_at, caught_up_at, last_error, unknown_changes, \
         resyncs FROM channel_feeds WHERE system = $1",
    )
    .bind(FEED)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.unwrap_or_default())
}

/// Takes (or extends) the feed's lease for `owner` until `until`. False when another instance
/// holds an unexpired lease.
pub async fn claim(db: &Db, owner: &str, now: i64, until: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE channel_feeds SET lease_owner = $1, lease_until = $2 \
         WHERE system = $3 AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $1)",
    )
    .bind(owner)
    .bind(until)
    .bind(FEED)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease back.
pub async fn release(db: &Db, owner: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE channel_feeds SET lease_owner = NULL, lease_until = NULL \
         WHERE system = $1 AND lease_owner = $2",
    )
    .bind(FEED)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A notification came: the feed is to be read now.
pub async fn request_read(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE channel_feeds SET wanted_at = COALESCE(wanted_at, $1) WHERE system = $2")
        .bind(now)
        .bind(FEED)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Where one page left the feed, for [`advance`].
#[derive(Clone, Debug)]
pub struct Advance<'a> {
    pub owner: &'a str,
    pub position: &'a str,
    pub now: i64,
    /// The page was the last one: nothing more is waiting.
    pub caught_up: bool,
    /// When the read began: a request made before it is answered by reaching the end.
    pub read_started_at: i64,
    /// Changes of the page whose account no syncable connection has.
    pub unknown_changes: i64,
}

/// Moves the cursor, in the transaction that stored the page's snapshots. False when the
/// lease is no longer `owner`'s: the transaction must then be dropped, not committed.
pub async fn advance(tx: &mut Tx, a: &Advance<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE channel_feeds SET position = $1, answered_at = $2, updated_at = $2, \
         caught_up_at = CASE WHEN $3 = 1 THEN $2 ELSE caught_up_at END, \
         wanted_at = CASE WHEN $3 = 1 AND wanted_at < $4 THEN NULL ELSE wanted_at END, \
         unknown_changes = unknown_changes + $5, last_error = NULL \
         WHERE system = $6 AND lease_owner = $7",
    )
    .bind(a.position)
    .bind(a.now)
    .bind(i64::from(a.caught_up))
    .bind(a.read_started_at)
    .bind(a.unknown_changes)
    .bind(FEED)
    .bind(a.owner)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The feed cannot continue from its cursor: it continues from `resume`, and every
/// connection's Termino account is read in full again (its own cursor back to the start), in
/// one transaction. False when the lease is no longer `owner`'s.
pub async fn resync(tx: &mut Tx, owner: &str, resume: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE channel_feeds SET position = $1, answered_at = $2, updated_at = $2, \
         resyncs = resyncs + 1, last_error = NULL WHERE system = $3 AND lease_owner = $4",
    )
    .bind(resume)
    .bind(now)
    .bind(FEED)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    super::cursors::read_termino_in_full_again(tx, now).await?;
    Ok(true)
}

/// A read failed (the feed did not answer, or answered garbage): recorded, the cursor stays.
pub async fn record_error(db: &Db, owner: &str, error: &str, now: i64) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    sqlx::query(
        "UPDATE channel_feeds SET last_error = $1, updated_at = $2 \
         WHERE system = $3 AND lease_owner = $4",
    )
    .bind(error)
    .bind(now)
    .bind(FEED)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A syncable connection of a Termino account, as the feed applies changes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fed {
    pub connection_id: i64,
    pub partner_id: i64,
}

/// The connections of a Termino account: the syncable ones (fed by the feed), and whether any
/// other (paused, not yet live) has it.
pub async fn connections_of(
    tx: &mut Tx,
    account: &str,
) -> Result<(Vec<Fed>, Vec<i64>), sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, partner_id, state FROM connections WHERE termino_partner_id = $1 \
         AND state NOT IN ('disconnected', 'rejected') ORDER BY id",
    )
    .bind(account)
    .fetch_all(&mut **tx)
    .await?;
    let mut fed = vec![];
    let mut paused = vec![];
    for (connection_id, partner_id, state) in rows {
        if state == "verifying" || state == "active" {
            fed.push(Fed {
                connection_id,
                partner_id,
            });
        } else {
            paused.push(connection_id);
        }
    }
    Ok((fed, paused))
}

/// The connection's stored snapshot of the reservation, when it is version `$3` or later
/// (`$1` the connection, `$2` the reservation).
const STORED_AS_NEW: &str = "SELECT 1 FROM external_bookings WHERE connection_id = $1 \
     AND system = 'termino' AND external_id = $2 AND vanished_at IS NULL \
     AND CAST(remote_version AS BIGINT) >= $3";

/// Hands a reservation the feed brought to a connection: kept until the connection's sync
/// stores it, replaced only by a later version. False when the connection already held a
/// version as new, in its inbox or stored: the feed also brings back what our own pushes wrote
/// to Termino, whose answers were stored when they were made, and such an echo must not make
/// the connection due (its sync would poll Reservio for nothing).
pub async fn deliver(
    tx: &mut Tx,
    connection_id: i64,
    external_id: &str,
    version: i64,
    payload: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "INSERT INTO termino_inbox (connection_id, external_id, version, payload, received_at) \
         SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS ({STORED_AS_NEW}) \
         ON CONFLICT (connection_id, external_id) DO UPDATE \
         SET version = excluded.version, payload = excluded.payload, \
             received_at = excluded.received_at \
         WHERE termino_inbox.version < excluded.version"
    ))
    .bind(connection_id)
    .bind(external_id)
    .bind(version)
    .bind(payload)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the connection already holds `version` of the reservation or a later one, stored or
/// waiting in its inbox: a notification of it is then no news (our own push coming back).
pub async fn holds(
    db: &Db,
    connection_id: i64,
    external_id: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let (held,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM ({STORED_AS_NEW} UNION ALL \
             SELECT 1 FROM termino_inbox WHERE connection_id = $1 AND external_id = $2 \
             AND version >= $3) held"
    ))
    .bind(connection_id)
    .bind(external_id)
    .bind(version)
    .fetch_one(db.pool())
    .await?;
    Ok(held > 0)
}

/// One reservation waiting in a connection's inbox.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivered {
    pub external_id: String,
    pub version: i64,
    pub payload: String,
}

/// Up to `limit` of what waits in the connection's inbox, oldest change first.
pub async fn inbox(db: &Db, connection_id: i64, limit: i64) -> Result<Vec<Delivered>, sqlx::Error> {
    sqlx::query_as(
        "SELECT external_id, version, payload FROM termino_inbox WHERE connection_id = $1 \
         ORDER BY version LIMIT $2",
    )
    .bind(connection_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Takes a stored reservation out of the inbox, in the transaction that stored it — unless a
/// later version arrived meanwhile, which stays for the next sync.
pub async fn take(tx: &mut Tx, connection_id: i64, d: &Delivered) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM termino_inbox WHERE connection_id = $1 AND external_id = $2 \
         AND version = $3",
    )
    .bind(connection_id)
    .bind(&d.external_id)
    .bind(d.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many reservations wait in inboxes, and since when the oldest (for the figures).
pub async fn inbox_backlog(db: &Db) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as("SELECT COUNT(*), MIN(received_at) FROM termino_inbox")
        .fetch_one(db.pool())
        .await
}
