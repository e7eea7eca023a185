//! The request budget for an external system, shared by every instance: requests taken per
//! second (`request_budget`) and until when the system asked everyone to wait
//! (`request_pause`, from a 429's `Retry-After`).

use super::Db;

/// Takes one request of `system`'s budget for Unix second `second`; false when `limit` are
/// already taken in that second. A second's first taker prunes rows older than an hour.
pub async fn take(db: &Db, system: &str, second: i64, limit: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO request_budget (system, second, used) VALUES ($1, $2, 1) \
         ON CONFLICT (system, second) DO UPDATE SET used = request_budget.used + 1 \
         WHERE request_budget.used < $3 RETURNING used",
    )
    .bind(system)
    .bind(second)
    .bind(limit)
    .fetch_optional(db.pool())
    .await?;
    if row == Some((1,)) {
        sqlx::query("DELETE FROM request_budget WHERE system = $1 AND second < $2")
            .bind(system)
            .bind(second - 3600)
            .execute(db.pool())
            .await?;
    }
    Ok(row.is_some())
}

/// Until when (Unix seconds) `system` asked everyone to wait, if it did.
pub async fn paused_until(db: &Db, system: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT until_at FROM request_pause WHERE system = $1")
            .bind(system)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|(at,)| at))
}

/// Records that `system` asked to be left alone until `until`; a longer pause already
/// recorded stays.
pub async fn pause(db: &Db, system: &str, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_pause (system, until_at) VALUES ($1, $2) \
         ON CONFLICT (system) DO UPDATE SET until_at = $2 WHERE request_pause.until_at < $2",
    )
    .bind(system)
    .bind(until)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Requests of `system` taken in the seconds from `from` on (for the metrics and the bench).
pub async fn used_since(db: &Db, system: &str, from: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) FROM request_budget \
         WHERE system = $1 AND second >= $2",
    )
    .bind(system)
    .bind(from)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
