//! `mismatches`: what disagrees on a link. One unresolved row per link and kind (a unique
//! partial index holds that line); re-detection updates it, agreement resolves it.

use sqlx::FromRow;

use super::{GuardedWrite, Tx};

/// An unresolved mismatch of one link.
#[derive(Clone, Debug, FromRow)]
pub struct OpenMismatch {
    pub id: i64,
    pub kind: String,
    pub severity: String,
    pub details: String,
    pub state: String,
}

/// The link's unresolved mismatches.
pub async fn unresolved_for_link(
    tx: &mut Tx,
    link_id: i64,
) -> Result<Vec<OpenMismatch>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, severity, details, state FROM mismatches \
         WHERE link_id = $1 AND state <> 'resolved' ORDER BY id",
    )
    .bind(link_id)
    .fetch_all(&mut **tx)
    .await
}

/// A mismatch as detected now.
pub struct Detected<'a> {
    pub link_id: i64,
    pub partner_id: i64,
    pub kind: &'a str,
    pub severity: &'a str,
    pub details: &'a str,
}

/// Opens a mismatch, or refreshes the unresolved one of the same kind. Returns the row id and
/// whether it was newly opened.
pub async fn open_or_refresh(
    tx: &mut Tx,
    m: &Detected<'_>,
    now: i64,
) -> Result<(i64, bool), sqlx::Error> {
    let existing: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM mismatches WHERE link_id = $1 AND kind = $2 AND state <> 'resolved'",
    )
    .bind(m.link_id)
    .bind(m.kind)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id,)) = existing {
        sqlx::query(
            "UPDATE mismatches SET last_seen_at = $1, details = $2, severity = $3 WHERE id = $4",
        )
        .bind(now)
        .bind(m.details)
        .bind(m.severity)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        return Ok((id, false));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mismatches (link_id, partner_id, kind, severity, state, details, \
         detected_at, last_seen_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
    )
    .bind(m.link_id)
    .bind(m.partner_id)
    .bind(m.kind)
    .bind(m.severity)
    .bind(m.details)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, true))
}

/// Resolves one mismatch with a note and who resolved it (`sync` when the sides agree again).
pub async fn resolve(
    tx: &mut Tx,
    id: i64,
    by: &str,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE mismatches SET state = 'resolved', resolved_at = $1, resolved_by = $2, \
         resolution_note = $3 WHERE id = $4 AND state <> 'resolved'",
    )
    .bind(now)
    .bind(by)
    .bind(note)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Assigns the mismatch if it is still in `state`; false when someone changed it meanwhile.
pub async fn assign(
    tx: &mut Tx,
    id: i64,
    state: &str,
    assignee_id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE mismatches SET assignee_id = $1 WHERE id = $2 AND state = $3")
        .bind(assignee_id)
        .bind(id)
        .bind(state)
        .changed_one(tx)
        .await
}

/// Marks an open mismatch acknowledged by `user_id`, who takes it unless someone has.
pub async fn acknowledge(
    tx: &mut Tx,
    id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE mismatches SET state = 'acknowledged', acknowledged_at = $1, \
         acknowledged_by = $2, assignee_id = COALESCE(assignee_id, $3) \
         WHERE id = $4 AND state = 'open'",
    )
    .bind(now)
    .bind(user_id)
    .bind(user_id)
    .bind(id)
    .changed_one(tx)
    .await
}
