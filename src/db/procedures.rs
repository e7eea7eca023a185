//! `procedures` and `procedure_steps`: durable guided procedures. A procedure is claimed with a
//! lease, so several instances never run the same one at once; its steps are recorded one by one,
//! so a restart resumes at the step it was on.

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx, is_unique_violation, lease};
use crate::domain::procedure::PlannedStep;

/// One procedure as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ProcedureRow {
    pub id: i64,
    pub link_id: i64,
    pub partner_id: i64,
    pub kind: String,
    pub state: String,
    pub params: String,
    pub current_step: i64,
    pub error: Option<String>,
    pub started_by: Option<i64>,
    pub case_id: Option<i64>,
    pub next_run_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

/// One step as stored.
#[derive(Clone, Debug, FromRow)]
pub struct StepRow {
    pub id: i64,
    pub procedure_id: i64,
    pub position: i64,
    pub name: String,
    pub state: String,
    pub attempts: i64,
    pub result: Option<String>,
    pub error: Option<String>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, link_id, partner_id, kind, state, params, current_step, error, \
     started_by, case_id, next_run_at, created_at, updated_at, finished_at";

const STEP_COLUMNS: &str = "id, procedure_id, position, name, state, attempts, result, error, \
     started_at, finished_at";

/// The states in which a procedure still holds its booking (one at a time per booking).
pub const ACTIVE: &str = "('pending', 'running', 'waiting', 'failed')";

/// A new procedure and its planned steps.
pub struct NewProcedure<'a> {
    pub link_id: i64,
    pub partner_id: i64,
    pub kind: &'a str,
    pub params: &'a str,
    pub started_by: Option<i64>,
    pub case_id: Option<i64>,
    pub steps: &'a [PlannedStep],
}

/// Another procedure is already under way on the booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadyActive(pub i64);

/// Stores a procedure with its steps (skipped ones already marked) at the first step to run.
/// Refused when the booking already has an active procedure; the unique index is the final
/// word when two requests race.
pub async fn insert(
    tx: &mut Tx,
    op: &NewProcedure<'_>,
    now: i64,
) -> Result<Result<i64, AlreadyActive>, sqlx::Error> {
    if let Some(existing) = active_for_link_tx(tx, op.link_id).await? {
        return Ok(Err(AlreadyActive(existing)));
    }
    let first = op
        .steps
        .iter()
        .position(|s| s.skip.is_none())
        .unwrap_or(op.steps.len()) as i64;
    let key = format!("op-{}-{}-{}", op.link_id, now, rand_suffix());
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO procedures (link_id, partner_id, kind, state, params, idempotency_key, \
         current_step, started_by, case_id, next_run_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $9, $9) RETURNING id",
    )
    .bind(op.link_id)
    .bind(op.partner_id)
    .bind(op.kind)
    .bind(op.params)
    .bind(&key)
    .bind(first)
    .bind(op.started_by)
    .bind(op.case_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(e) if is_unique_violation(&e) => {
            return Ok(Err(AlreadyActive(
                active_for_link_tx(tx, op.link_id).await?.unwrap_or(0),
            )));
        }
        Err(e) => return Err(e),
    };
    for (position, step) in op.steps.iter().enumerate() {
        let (state, result) = match step.skip {
            Some(reason) => (
                "skipped",
                Some(serde_json::json!({ "skip": reason }).to_string()),
            ),
            None => ("pending", None),
        };
        sqlx::query(
            "INSERT INTO procedure_steps (procedure_id, position, name, state, result, finished_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(step.step.as_str())
        .bind(state)
        .bind(result)
        .bind(step.skip.map(|_| now))
        .execute(&mut **tx)
        .await?;
    }
    Ok(Ok(id))
}

fn rand_suffix() -> String {
    use rand::Rng;
    format!("{:08x}", rand::rng().random::<u32>())
}

async fn active_for_link_tx(tx: &mut Tx, link_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT id FROM procedures WHERE link_id = $1 AND state IN {ACTIVE} ORDER BY id LIMIT 1"
    ))
    .bind(link_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// The booking's procedure that is still under way (or stopped, awaiting retry), if any.
pub async fn active_for_link(db: &Db, link_id: i64) -> Result<Option<ProcedureRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM procedures WHERE link_id = $1 AND state IN {ACTIVE} \
         ORDER BY id LIMIT 1"
    ))
    .bind(link_id)
    .fetch_optional(db.pool())
    .await
}

pub async fn find(db: &Db, id: i64) -> Result<Option<ProcedureRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM procedures WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

pub async fn find_tx(tx: &mut Tx, id: i64) -> Result<Option<ProcedureRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM procedures WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Every procedure of a booking, newest first.
pub async fn for_link(db: &Db, link_id: i64) -> Result<Vec<ProcedureRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM procedures WHERE link_id = $1 ORDER BY id DESC"
    ))
    .bind(link_id)
    .fetch_all(db.pool())
    .await
}

pub async fn steps(db: &Db, procedure_id: i64) -> Result<Vec<StepRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {STEP_COLUMNS} FROM procedure_steps WHERE procedure_id = $1 ORDER BY position"
    ))
    .bind(procedure_id)
    .fetch_all(db.pool())
    .await
}

/// Procedures the runner may take now: under way, due, and not leased by a live runner.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    lease::PROCEDURES.due(db, None, now, limit).await
}

/// Takes the procedure for `owner` until `until`; false when someone else holds it or it is no
/// longer runnable.
pub async fn claim(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let lease = lease::Lease { owner, now, until };
    lease::PROCEDURES.take(&mut **tx, id, lease).await
}

/// Gives the lease back.
pub async fn release(tx: &mut Tx, id: i64, owner: &str) -> Result<(), sqlx::Error> {
    lease::PROCEDURES.release(tx, id, owner).await
}

/// Marks the step as being carried out (one more attempt) and the procedure as running.
pub async fn start_step(
    tx: &mut Tx,
    procedure_id: i64,
    position: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE procedure_steps SET state = 'running', attempts = attempts + 1, \
         started_at = COALESCE(started_at, $1), error = NULL \
         WHERE procedure_id = $2 AND position = $3",
    )
    .bind(now)
    .bind(procedure_id)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    set_state(tx, procedure_id, "running", None, now).await
}

/// Records a finished step and moves the procedure to the next step to run.
pub async fn finish_step(
    tx: &mut Tx,
    procedure_id: i64,
    position: i64,
    result: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE procedure_steps SET state = 'done', result = $1, error = NULL, finished_at = $2 \
         WHERE procedure_id = $3 AND position = $4",
    )
    .bind(result)
    .bind(now)
    .bind(procedure_id)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    let next = next_runnable(tx, procedure_id, position)
        .await?
        .unwrap_or(position + 1);
    sqlx::query(
        "UPDATE procedures SET current_step = $1, error = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(next)
    .bind(now)
    .bind(procedure_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The next step to run after `position`, if any.
pub async fn next_runnable(
    tx: &mut Tx,
    procedure_id: i64,
    after: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT position FROM procedure_steps WHERE procedure_id = $1 AND position > $2 \
         AND state <> 'skipped' AND state <> 'done' ORDER BY position LIMIT 1",
    )
    .bind(procedure_id)
    .bind(after)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(p,)| p))
}

/// The step waits (a confirmation, the sync, a backoff): it stays current and is looked at
/// again at `next_run_at`.
pub async fn wait_step(
    tx: &mut Tx,
    procedure_id: i64,
    position: i64,
    reason: &str,
    next_run_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE procedure_steps SET state = 'pending', error = $1 \
         WHERE procedure_id = $2 AND position = $3",
    )
    .bind(reason)
    .bind(procedure_id)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE procedures SET state = 'waiting', error = $1, next_run_at = $2, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(reason)
    .bind(next_run_at)
    .bind(now)
    .bind(procedure_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The step failed for good: the procedure stops there until someone retries or abandons it.
pub async fn fail_step(
    tx: &mut Tx,
    procedure_id: i64,
    position: i64,
    error: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE procedure_steps SET state = 'failed', error = $1, finished_at = $2 \
         WHERE procedure_id = $3 AND position = $4",
    )
    .bind(error)
    .bind(now)
    .bind(procedure_id)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    set_state(tx, procedure_id, "failed", Some(error), now).await
}

/// Sets the procedure's state (and error), stamping `finished_at` for final states.
pub async fn set_state(
    tx: &mut Tx,
    procedure_id: i64,
    state: &str,
    error: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let finished = matches!(state, "completed" | "abandoned").then_some(now);
    sqlx::query(
        "UPDATE procedures SET state = $1, error = $2, updated_at = $3, \
         finished_at = COALESCE($4, finished_at) WHERE id = $5",
    )
    .bind(state)
    .bind(error)
    .bind(now)
    .bind(finished)
    .bind(procedure_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sends a stopped procedure back to its failed step. False when it is not stopped.
pub async fn retry(tx: &mut Tx, procedure_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let stopped = sqlx::query(
        "UPDATE procedures SET state = 'pending', error = NULL, next_run_at = $1, \
         updated_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE id = $2 AND state = 'failed'",
    )
    .bind(now)
    .bind(procedure_id)
    .changed_one(tx)
    .await?;
    if !stopped {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE procedure_steps SET state = 'pending', attempts = 0, started_at = NULL, \
         finished_at = NULL WHERE procedure_id = $1 AND state = 'failed'",
    )
    .bind(procedure_id)
    .execute(&mut **tx)
    .await?;
    // Deliveries the procedure waits on that failed for good are tried again too.
    sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, \
         last_error = NULL WHERE state = 'failed' AND (procedure_id = $2 OR link_id = \
             (SELECT l.superseded_by FROM booking_links l JOIN procedures o ON o.link_id = l.id \
              WHERE o.id = $2))",
    )
    .bind(now)
    .bind(procedure_id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Gives a procedure up. Allowed while it is not in the middle of a step (a step being carried
/// out finishes first); nothing already done is undone. False when it cannot be abandoned now.
pub async fn abandon(tx: &mut Tx, procedure_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE procedures SET state = 'abandoned', updated_at = $1, finished_at = $1, \
         lease_owner = NULL, lease_until = NULL \
         WHERE id = $2 AND (state IN ('pending', 'waiting', 'failed') \
             OR (state = 'running' AND (lease_until IS NULL OR lease_until < $1)))",
    )
    .bind(now)
    .bind(procedure_id)
    .changed_one(tx)
    .await
}

/// The stored result of a finished step, by name.
pub async fn step_result(
    tx: &mut Tx,
    procedure_id: i64,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT result FROM procedure_steps WHERE procedure_id = $1 AND name = $2 \
         AND state = 'done'",
    )
    .bind(procedure_id)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(r,)| r))
}
