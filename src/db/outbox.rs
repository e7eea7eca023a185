//! `outbox`: changes to push to an external system. Each row carries an idempotency key
//! (enqueueing the same decision twice adds nothing), attempts and the next try; rows are
//! claimed with a lease so several instances never push the same change at once.

use sqlx::FromRow;

use super::{Db, Tx};

#[derive(Clone, Debug, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub connection_id: i64,
    pub link_id: Option<i64>,
    pub operation_id: Option<i64>,
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

const COLUMNS: &str = "id, connection_id, link_id, operation_id, system, action, payload, \
     idempotency_key, state, attempts, next_attempt_at, last_error, reason";

/// A change to push.
pub struct NewPush<'a> {
    pub connection_id: i64,
    pub link_id: Option<i64>,
    pub operation_id: Option<i64>,
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
        "INSERT INTO outbox (connection_id, link_id, operation_id, system, action, payload, \
         idempotency_key, state, attempts, next_attempt_at, created_at, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8, $9) \
         ON CONFLICT (connection_id, idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(push.connection_id)
    .bind(push.link_id)
    .bind(push.operation_id)
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

/// Claims up to `limit` due pushes of one connection for `owner` until `lease_until`.
///
/// Claiming is an UPDATE guarded by the lease columns, so two instances racing for the same
/// row cannot both win it.
pub async fn claim_due(
    db: &Db,
    connection_id: i64,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, sqlx::Error> {
    let candidates: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM outbox WHERE connection_id = $1 AND state = 'pending' \
         AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2) \
         ORDER BY id LIMIT $3",
    )
    .bind(connection_id)
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut claimed = vec![];
    for (id,) in candidates {
        let won = sqlx::query(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id = $3 \
             AND state = 'pending' AND (lease_until IS NULL OR lease_until < $4)",
        )
        .bind(owner)
        .bind(lease_until)
        .bind(id)
        .bind(now)
        .execute(db.pool())
        .await?;
        if won.rows_affected() == 1 {
            let row: OutboxRow =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
                    .bind(id)
                    .fetch_one(db.pool())
                    .await?;
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// The push took effect.
pub async fn mark_done(tx: &mut Tx, id: i64, owner: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'done', done_at = $1, attempts = attempts + 1, \
         lease_owner = NULL, lease_until = NULL, last_error = NULL \
         WHERE id = $2 AND lease_owner = $3 AND state = 'pending'",
    )
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The push failed and will be tried again at `next_attempt_at`.
pub async fn mark_retry(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         lease_owner = NULL, lease_until = NULL WHERE id = $3 AND lease_owner = $4 \
         AND state = 'pending'",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(id)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The push failed for good; a `push_failed` mismatch tells people.
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $1, \
         done_at = $2, lease_owner = NULL, lease_until = NULL \
         WHERE id = $3 AND lease_owner = $4 AND state = 'pending'",
    )
    .bind(error)
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many pushes of a connection are still pending.
pub async fn pending_count(db: &Db, connection_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM outbox WHERE connection_id = $1 AND state = 'pending'",
    )
    .bind(connection_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
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
    let done = sqlx::query(
        "UPDATE outbox SET state = 'done', done_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE id = $2 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $1)",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
