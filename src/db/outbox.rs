//! `outbox`: changes to push to an external system. Each row carries an idempotency key
//! (enqueueing the same decision twice adds nothing), attempts and the next try; rows are
//! claimed with a lease so several instances never push the same change at once.

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx, lease};

#[derive(Clone, Debug, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub connection_id: i64,
    pub link_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub system: String,
    pub action: String,
    pub payload: String,
    pub idempotency_key: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub reason: String,
}

const COLUMNS: &str = "id, connection_id, link_id, procedure_id, system, action, payload, \
     idempotency_key, state, attempts, next_attempt_at, last_error, reason";

/// A change to push.
pub struct NewPush<'a> {
    pub connection_id: i64,
    pub link_id: Option<i64>,
    pub procedure_id: Option<i64>,
    pub system: &'a str,
    pub action: &'a str,
    pub payload: &'a str,
    pub idempotency_key: &'a str,
    pub reason: &'a str,
}

/// Enqueues a push; returns its id, or None when the same key is already queued or done.
pub async fn enqueue(
    tx: &mut Tx,
    push: &NewPush<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO outbox (connection_id, link_id, procedure_id, system, action, payload, \
         idempotency_key, state, attempts, next_attempt_at, created_at, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8, $9) \
         ON CONFLICT (connection_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(push.connection_id)
    .bind(push.link_id)
    .bind(push.procedure_id)
    .bind(push.system)
    .bind(push.action)
    .bind(push.payload)
    .bind(push.idempotency_key)
    .bind(now)
    .bind(push.reason)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Gives back `owner`'s lease of a push without counting an attempt (it was held, not tried).
pub async fn release_lease(tx: &mut Tx, id: i64, owner: &str) -> Result<(), sqlx::Error> {
    lease::PUSHES.release(tx, id, owner).await
}

/// Claims up to `limit` due pushes of one connection for `owner` until `lease_until` (see
/// [`lease::Queue::claim`]).
pub async fn claim_due(
    db: &Db,
    connection_id: i64,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, sqlx::Error> {
    let lease = lease::Lease {
        owner,
        now,
        until: lease_until,
    };
    let select = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
    lease::PUSHES
        .claim(
            db,
            Some(("connection_id", connection_id)),
            lease,
            limit,
            &select,
        )
        .await
}

/// The push took effect.
pub async fn mark_done(tx: &mut Tx, id: i64, owner: &str, now: i64) -> Result<bool, sqlx::Error> {
    lease::PUSHES
        .settle(
            tx,
            id,
            owner,
            "state = 'done', done_at = $3, last_error = NULL",
            |q| q.bind(now),
        )
        .await
}

/// The push failed and will be tried again at `next_attempt_at`.
pub async fn mark_retry(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<bool, sqlx::Error> {
    lease::PUSHES
        .retry(tx, id, owner, error, next_attempt_at)
        .await
}

/// The push failed for good; a `push_failed` mismatch tells people. `retry_at` is when a push
/// that failed for a transient reason is tried again by itself (`sync::undelivered`); `None`
/// for a refusal, which stays refused.
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
    now: i64,
    retry_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    lease::PUSHES
        .fail(
            tx,
            id,
            owner,
            error,
            ", done_at = $4, retry_at = $5",
            move |q| q.bind(now).bind(retry_at),
        )
        .await
}

/// A push that failed for good and may go again: the newest of its link, system and action,
/// failed since its link's open `push_failed` mismatch was raised.
#[derive(Clone, Debug, FromRow)]
pub struct Undelivered {
    pub id: i64,
    pub link_id: i64,
    pub system: String,
    pub action: String,
    /// When it last failed.
    pub done_at: i64,
    /// Its next slow try; None when the system refused it.
    pub retry_at: Option<i64>,
    /// 1 when a later push to the same system went through: the system answers again.
    pub written_since: i64,
}

/// Which failed pushes still count: the link's `push_failed` mismatch is open and was raised
/// before the push last failed (an older failure, settled by hand, never comes back), and no
/// newer push of the same kind replaced it.
const UNDELIVERED: &str = "SELECT o.id, o.link_id, o.system, o.action, o.done_at, o.retry_at, \
     CASE WHEN EXISTS (SELECT 1 FROM outbox d WHERE d.connection_id = o.connection_id \
          AND d.system = o.system AND d.state = 'done' AND d.done_at > o.done_at) \
          THEN 1 ELSE 0 END AS written_since \
     FROM outbox o WHERE o.state = 'failed' AND o.link_id IS NOT NULL \
     AND EXISTS (SELECT 1 FROM mismatches m WHERE m.link_id = o.link_id \
          AND m.kind = 'push_failed' AND m.state <> 'resolved' AND m.detected_at <= o.done_at) \
     AND NOT EXISTS (SELECT 1 FROM outbox n WHERE n.link_id = o.link_id \
          AND n.system = o.system AND n.action = o.action AND n.id > o.id)";

/// A connection's undelivered pushes that the system did not refuse.
pub async fn undelivered_for_connection(
    db: &Db,
    connection_id: i64,
) -> Result<Vec<Undelivered>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{UNDELIVERED} AND o.connection_id = $1 AND o.retry_at IS NOT NULL ORDER BY o.id"
    ))
    .bind(connection_id)
    .fetch_all(db.pool())
    .await
}

/// A link's undelivered pushes, refused ones included.
pub async fn undelivered_for_link(db: &Db, link_id: i64) -> Result<Vec<Undelivered>, sqlx::Error> {
    sqlx::query_as(&format!("{UNDELIVERED} AND o.link_id = $1 ORDER BY o.id"))
        .bind(link_id)
        .fetch_all(db.pool())
        .await
}

/// Puts a failed push back in the queue, due now; false when it is no longer failed.
pub async fn send_again(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = $1, retry_at = NULL, \
         lease_owner = NULL, lease_until = NULL WHERE id = $2 AND state = 'failed'",
    )
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// The push of a link on its way (pending), or the newest, for the booking's page: towards
/// which system, since when, and whether it is still being retried quickly.
#[derive(Clone, Debug, FromRow)]
pub struct LinkPush {
    pub system: String,
    pub action: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

/// The link's pending push, or else its newest one.
pub async fn current_for_link(db: &Db, link_id: i64) -> Result<Option<LinkPush>, sqlx::Error> {
    sqlx::query_as(
        "SELECT system, action, state, attempts, next_attempt_at, created_at FROM outbox \
         WHERE link_id = $1 ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, id DESC \
         LIMIT 1",
    )
    .bind(link_id)
    .fetch_optional(db.pool())
    .await
}

/// Pending date changes of a connection that nobody holds a lease on: (id, link, system,
/// payload).
pub async fn unleased_time_changes(
    db: &Db,
    connection_id: i64,
    now: i64,
) -> Result<Vec<(i64, Option<i64>, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, link_id, system, payload FROM outbox WHERE connection_id = $1 \
         AND state = 'pending' AND action = 'update_time' \
         AND (lease_until IS NULL OR lease_until < $2) ORDER BY id",
    )
    .bind(connection_id)
    .bind(now)
    .fetch_all(db.pool())
    .await
}

/// Marks an unleased pending push done because its effect was observed; false when someone
/// holds it or it is no longer pending.
pub async fn mark_observed(tx: &mut Tx, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET state = 'done', done_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE id = $2 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $1)",
    )
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// A push of a link waiting for a hold (observe mode, refused credentials): what bookbridge
/// would do, for the booking's page.
#[derive(Clone, Debug, FromRow)]
pub struct HeldForLink {
    pub system: String,
    pub action: String,
    pub held: String,
    pub created_at: i64,
}

pub async fn held_for_link(db: &Db, link_id: i64) -> Result<Vec<HeldForLink>, sqlx::Error> {
    sqlx::query_as(
        "SELECT system, action, held, created_at FROM outbox WHERE link_id = $1 \
         AND state = 'pending' AND held IS NOT NULL ORDER BY id",
    )
    .bind(link_id)
    .fetch_all(db.pool())
    .await
}
