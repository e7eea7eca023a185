//! Login attempts, kept in the database so that every instance sees the same counts.

use super::Db;

/// Failures counted for throttling: those after `since` and after the account's last success.
pub async fn failures_for_email(db: &Db, email: &str, since: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND succeeded = 0 AND at > $2 \
         AND at >= COALESCE((SELECT MAX(at) FROM login_attempts \
                             WHERE email = $1 AND succeeded = 1), 0)",
    )
    .bind(email)
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
