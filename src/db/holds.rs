//! What keeps a connection from writing to its systems — credentials a system refused, or
//! observe mode — and the pushes that wait for it. Nothing waiting is lost: a held push stays
//! `pending` with `held` set, and goes once the hold is lifted.

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx};

/// Marks the connection's credentials as refused by `system`; false when they already were.
pub async fn mark_credentials_expired(
    tx: &mut Tx,
    id: i64,
    system: Option<&str>,
    detail: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET credentials_expired_at = $1, credentials_expired_system = $2, \
         credentials_expired_detail = $3 WHERE id = $4 AND credentials_expired_at IS NULL",
    )
    .bind(now)
    .bind(system)
    .bind(detail)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Stores a new (sealed) credential in `column` (`reservio_token` or `termino_token`) and
/// clears the expiry mark.
pub async fn replace_credential(
    tx: &mut Tx,
    id: i64,
    column: Column,
    sealed: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let column = match column {
        Column::Reservio => "reservio_token",
        Column::Termino => "termino_token",
    };
    sqlx::query(&format!(
        "UPDATE connections SET {column} = $1, credentials_expired_at = NULL, \
         credentials_expired_system = NULL, credentials_expired_detail = NULL, updated_at = $2 \
         WHERE id = $3"
    ))
    .bind(sealed)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Which credential column a replacement goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Reservio,
    Termino,
}

/// Switches observe mode; false when it already was as asked.
pub async fn set_observe(
    tx: &mut Tx,
    id: i64,
    observe: bool,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET observe = $1, observe_changed_at = $2, observe_changed_by = $3, \
         updated_at = $2 WHERE id = $4 AND observe <> $1",
    )
    .bind(i64::from(observe))
    .bind(now)
    .bind(by)
    .bind(id)
    .changed_one(tx)
    .await
}

/// A push that has just started to wait.
#[derive(Clone, Debug, FromRow)]
pub struct HeldPush {
    pub id: i64,
    pub link_id: Option<i64>,
    pub system: String,
    pub action: String,
    pub payload: String,
}

/// Holds the connection's pending pushes for `why` (`observe` or `credentials_expired`);
/// returns those not held for that reason before, so each is recorded once.
pub async fn hold_pending(
    tx: &mut Tx,
    connection_id: i64,
    why: &str,
) -> Result<Vec<HeldPush>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE outbox SET held = $1 WHERE connection_id = $2 AND state = 'pending' \
         AND (held IS NULL OR held <> $1) RETURNING id, link_id, system, action, payload",
    )
    .bind(why)
    .bind(connection_id)
    .fetch_all(&mut **tx)
    .await
}

/// Lets the connection's held pushes go now; returns how many.
pub async fn release_held(tx: &mut Tx, connection_id: i64, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET held = NULL, next_attempt_at = $1 WHERE connection_id = $2 \
         AND state = 'pending' AND held IS NOT NULL",
    )
    .bind(now)
    .bind(connection_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// A connection whose credentials a system refused, for the banners.
#[derive(Clone, Debug, FromRow)]
pub struct ExpiredCredentials {
    pub connection_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub connection_code: String,
    pub system: Option<String>,
    pub detail: Option<String>,
    pub since: i64,
    /// Pushes waiting for new credentials.
    pub held: i64,
}

/// Connections with refused credentials: all (`None`) or one partner's.
pub async fn expired_credentials(
    db: &Db,
    partner_id: Option<i64>,
) -> Result<Vec<ExpiredCredentials>, sqlx::Error> {
    let sql = "SELECT c.id AS connection_id, c.partner_id, p.name AS partner_name, \
         c.connection_code, c.credentials_expired_system AS system, \
         c.credentials_expired_detail AS detail, c.credentials_expired_at AS since, \
         (SELECT COUNT(*) FROM outbox o WHERE o.connection_id = c.id AND o.state = 'pending') \
           AS held \
         FROM connections c JOIN partners p ON p.id = c.partner_id \
         WHERE c.credentials_expired_at IS NOT NULL";
    match partner_id {
        Some(partner) => {
            sqlx::query_as(&format!("{sql} AND c.partner_id = $1 ORDER BY c.id"))
                .bind(partner)
                .fetch_all(db.pool())
                .await
        }
        None => {
            sqlx::query_as(&format!("{sql} ORDER BY c.credentials_expired_at, c.id"))
                .fetch_all(db.pool())
                .await
        }
    }
}

/// A connection's mode as its pages show it.
#[derive(Clone, Debug, FromRow)]
pub struct ModeRecord {
    pub observe: i64,
    pub observe_changed_at: Option<i64>,
    pub observe_changed_by: Option<String>,
    pub credentials_expired_at: Option<i64>,
    pub credentials_expired_system: Option<String>,
}

pub async fn mode(db: &Db, id: i64) -> Result<Option<ModeRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT observe, observe_changed_at, observe_changed_by, credentials_expired_at, \
         credentials_expired_system FROM connections WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}
