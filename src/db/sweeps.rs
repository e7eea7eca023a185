//! `sync_sweeps`: where the periodic full comparison of one connection with one system stands.
//! A sweep is started when due, reads a few pages per sync round, then checks what it did not
//! see, and is scheduled again one period later.

use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::System;

/// The state of one connection's sweep of one system.
#[derive(Clone, Debug, FromRow)]
pub struct Sweep {
    /// How far the listing has read (None: from the start); [`LISTED`] once it is complete.
    pub position: Option<String>,
    /// When the running sweep started; None between sweeps.
    pub started_at: Option<i64>,
    /// When the next sweep is due.
    pub next_at: i64,
}

/// The position of a sweep whose listing is complete and which is checking what it did not see.
pub const LISTED: &str = "listed";

pub async fn get(
    db: &Db,
    connection_id: i64,
    system: System,
) -> Result<Option<Sweep>, sqlx::Error> {
    sqlx::query_as(
        "SELECT position, started_at, next_at FROM sync_sweeps \
         WHERE connection_id = $1 AND system = $2",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .fetch_optional(db.pool())
    .await
}

/// Writes the sweep's state.
pub async fn set(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    sweep: &Sweep,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sync_sweeps (connection_id, system, position, started_at, next_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection_id, system) \
         DO UPDATE SET position = excluded.position, started_at = excluded.started_at, \
         next_at = excluded.next_at, updated_at = excluded.updated_at",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(&sweep.position)
    .bind(sweep.started_at)
    .bind(sweep.next_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
