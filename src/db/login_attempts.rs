//! Login attempts, kept in the database so that every instance sees the same counts, and the
//! refusals of the throttle, counted per window.

use super::Db;

/// Failures of one account from one address counted for throttling: those after `since` and
/// after the last success of that account from that address.
pub async fn failures_for_email_from_ip(
    db: &Db,
    email: &str,
    ip: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts \
         WHERE email = $1 AND ip = $2 AND succeeded = 0 AND at > $3 \
         AND at >= COALESCE((SELECT MAX(at) FROM login_attempts \
                             WHERE email = $1 AND ip = $2 AND succeeded = 1), 0)",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

pub async fn failures_for_ip(db: &Db, ip: &str, since: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND succeeded = 0 AND at > $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

pub async fn record(
    tx: &mut super::Tx,
    email: &str,
    ip: &str,
    succeeded: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_attempts (email, ip, at, succeeded) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ip)
        .bind(now)
        .bind(i64::from(succeeded))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts one refused attempt against `limit_kind` in the window starting at `window_start`;
/// returns how many this window has refused so far, this one included (1: the first, the one
/// to audit). `email` is `""` for a limit on the address alone.
pub async fn count_refusal(
    tx: &mut super::Tx,
    limit_kind: &str,
    email: &str,
    ip: &str,
    window_start: i64,
) -> Result<i64, sqlx::Error> {
    let (refused,): (i64,) = sqlx::query_as(
        "INSERT INTO login_throttle_windows (limit_kind, email, ip, window_start, refused) \
         VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (limit_kind, email, ip, window_start) \
         DO UPDATE SET refused = login_throttle_windows.refused + 1 \
         RETURNING refused",
    )
    .bind(limit_kind)
    .bind(email)
    .bind(ip)
    .bind(window_start)
    .fetch_one(&mut **tx)
    .await?;
    Ok(refused)
}

/// Forgets the refusal counts of windows that started before `before`.
pub async fn forget_refusals_before(tx: &mut super::Tx, before: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle_windows WHERE window_start < $1")
        .bind(before)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
