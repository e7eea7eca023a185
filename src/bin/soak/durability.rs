//! "Nothing is ever deleted": before each kill the soak notes how many booking snapshots and
//! audit rows there are and the highest id of each; afterwards every row up to that id must
//! still be there. Counting the rows at or below the old maximum (rather than comparing totals)
//! also catches a row deleted while another was added.

use bookbridge::db::Db;

/// The tables whose rows are only ever inserted.
pub const TABLES: [&str; 2] = ["external_bookings", "audit_log"];

/// One table at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub rows: i64,
    pub max_id: i64,
}

/// Every table of [`TABLES`] at one moment, in that order.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub label: String,
    pub tallies: [Tally; TABLES.len()],
}

/// Rows missing since a checkpoint, per table of [`TABLES`].
pub type Missing = [i64; TABLES.len()];

pub async fn record(db: &Db, label: String) -> Result<Checkpoint, sqlx::Error> {
    let mut tallies = [Tally::default(); TABLES.len()];
    for (tally, table) in tallies.iter_mut().zip(TABLES) {
        let (rows, max_id): (i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM {table}"
        ))
        .fetch_one(db.pool())
        .await?;
        *tally = Tally { rows, max_id };
    }
    Ok(Checkpoint { label, tallies })
}

/// How many of the rows the checkpoint counted are gone now.
pub async fn missing_since(db: &Db, checkpoint: &Checkpoint) -> Result<Missing, sqlx::Error> {
    let mut missing = [0; TABLES.len()];
    for ((gone, table), before) in missing.iter_mut().zip(TABLES).zip(&checkpoint.tallies) {
        let (still,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE id <= $1"))
                .bind(before.max_id)
                .fetch_one(db.pool())
                .await?;
        *gone = (before.rows - still).max(0);
    }
    Ok(missing)
}
