//! The nonces of accepted Termino notifications, so that no instance accepts one twice.

use super::Db;

/// Remembers `nonce` for the connection until `expires_at`; false when it was already
/// remembered (a replay). Forgets the nonces that expired before `now` first.
pub async fn remember(
    db: &Db,
    connection_id: i64,
    nonce: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM webhook_nonces WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO webhook_nonces (connection_id, nonce, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (connection_id, nonce) DO NOTHING",
    )
    .bind(connection_id)
    .bind(nonce)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(inserted.rows_affected() == 1)
}
