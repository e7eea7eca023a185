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

/// Whether the connection's own read of its Termino account has reached the end since it was
/// last asked to read in full: from then on the channel feed brings its changes.
pub async fn caught_up(db: &Db, connection_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT caught_up_at FROM sync_cursors WHERE connection_id = $1 AND system = 'termino'",
    )
    .bind(connection_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some_and(|(at,)| at.is_some()))
}

/// Records that a read of the connection's own Termino account reached the end; called in the
/// transaction that moved its cursor to that end.
pub async fn mark_caught_up(tx: &mut Tx, connection_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sync_cursors SET caught_up_at = $1 WHERE connection_id = $2 AND system = 'termino'",
    )
    .bind(now)
    .bind(connection_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every connection reads its Termino account in full again, from the start (after the channel
/// feed lost its place).
pub async fn read_termino_in_full_again(tx: &mut Tx, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sync_cursors SET position = '0', caught_up_at = NULL, updated_at = $1 \
         WHERE system = 'termino'",
    )
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A connection whose account paused (it is not synced now) misses what the channel feed
/// brings meanwhile: it reads its account in full again when it is synced next.
pub async fn forget_caught_up(tx: &mut Tx, connection_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sync_cursors SET caught_up_at = NULL WHERE connection_id = $1 \
         AND system = 'termino' AND caught_up_at IS NOT NULL",
    )
    .bind(connection_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records that Termino answered for this connection at `at` (the channel feed's answer stands
/// in for a read of its own).
pub async fn set_answered(
    db: &Db,
    connection_id: i64,
    system: System,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sync_cursors SET updated_at = $1 WHERE connection_id = $2 AND system = $3")
        .bind(at)
        .bind(connection_id)
        .bind(system.as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}
