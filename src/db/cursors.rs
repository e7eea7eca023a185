//! `sync_cursors`: how far each system's changes have been read, per connection.

use super::{Db, Tx};
use crate::domain::System;

pub async fn get(
    db: &Db,
    connection_id: i64,
    system: System,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT position FROM sync_cursors WHERE connection_id = $1 AND system = $2",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.0))
}

/// Moves the cursor; called in the transaction that stored the snapshots it covers.
pub async fn set(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    position: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sync_cursors (connection_id, system, position, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, system) \
         DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(position)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the system last answered a read of this connection's changes (the cursor moves, with
/// its time, on every page read).
pub async fn answered_at(
    db: &Db,
    connection_id: i64,
    system: System,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT updated_at FROM sync_cursors WHERE connection_id = $1 AND system = $2",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.0))
}
