//! Connections being set up: the partner's request, the channel account and service mapping the
//! sales rep adds, and each state change with its `*_at`/`*_by` columns.

use sqlx::FromRow;

use super::connections::{Credential, ServiceMapping, seal};
use super::filter::{Bind, Where};
use super::{Db, GuardedWrite, Tx};
use crate::domain::connection::ConnectionState;

/// A connection with its partner and who moved it through each step. Credentials stay out.
#[derive(Clone, Debug, FromRow)]
pub struct ConnectionOverview {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub connection_code: String,
    pub state: String,
    pub reservio_business_id: Option<String>,
    pub termino_partner_id: Option<String>,
    pub requested_at: i64,
    pub requested_by: String,
    pub mapped_at: Option<i64>,
    pub mapped_by: Option<String>,
    pub verifying_at: Option<i64>,
    pub verifying_by: Option<String>,
    pub active_at: Option<i64>,
    pub active_by: Option<String>,
    pub last_synced_at: Option<i64>,
    pub last_sync_error: Option<String>,
    pub updated_at: i64,
    pub mappings: i64,
    pub open_problems: i64,
}

impl ConnectionOverview {
    /// The stored state; an unknown name (a newer build's) reads as disconnected, which offers
    /// no action on it.
    pub fn state(&self) -> ConnectionState {
        self.state.parse().unwrap_or(ConnectionState::Disconnected)
    }
}

const OVERVIEW: &str = "SELECT c.id, c.partner_id, p.name AS partner_name, c.connection_code, \
     c.state, c.reservio_business_id, c.termino_partner_id, c.requested_at, c.requested_by, \
     c.mapped_at, c.mapped_by, c.verifying_at, c.verifying_by, c.active_at, c.active_by, \
     c.last_synced_at, c.last_sync_error, c.updated_at, \
     (SELECT COUNT(*) FROM service_mappings s WHERE s.connection_id = c.id) AS mappings, \
     (SELECT COUNT(*) FROM cases k WHERE k.connection_id = c.id \
        AND k.kind = 'connection_problem' AND k.state <> 'resolved') AS open_problems \
     FROM connections c JOIN partners p ON p.id = c.partner_id";

/// Connections in any of `states`, most recently changed first.
pub async fn in_states(
    db: &Db,
    states: &[ConnectionState],
    limit: i64,
) -> Result<Vec<ConnectionOverview>, sqlx::Error> {
    let mut w = Where::new();
    let placeholders: Vec<String> = states.iter().map(|s| w.bind(s.as_str())).collect();
    // An empty IN list is a syntax error; no state asked for means no row.
    let condition = if placeholders.is_empty() {
        "1 = 0".to_string()
    } else {
        format!("c.state IN ({})", placeholders.join(", "))
    };
    w.and(&condition, []);
    let where_sql = w.sql();
    let limit = w.bind(limit);
    let sql = format!("{OVERVIEW}{where_sql} ORDER BY c.updated_at DESC, c.id DESC LIMIT {limit}");
    w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await
}

/// One connection; with `partner_id`, only if it is that partner's.
pub async fn find(
    db: &Db,
    id: i64,
    partner_id: Option<i64>,
) -> Result<Option<ConnectionOverview>, sqlx::Error> {
    let mut w = Where::new();
    w.and("c.id = {}", [Bind::from(id)]);
    if let Some(partner_id) = partner_id {
        w.and("c.partner_id = {}", [Bind::from(partner_id)]);
    }
    let sql = format!("{OVERVIEW}{}", w.sql());
    w.bind_as(sqlx::query_as(&sql))
        .fetch_optional(db.pool())
        .await
}

/// A partner's connections, newest first.
pub async fn of_partner(db: &Db, partner_id: i64) -> Result<Vec<ConnectionOverview>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{OVERVIEW} WHERE c.partner_id = $1 ORDER BY c.id DESC"
    ))
    .bind(partner_id)
    .fetch_all(db.pool())
    .await
}

/// A partner's request for a connection.
pub struct NewRequest<'a> {
    pub partner_id: i64,
    pub code: &'a str,
    pub reservio_business_id: &'a str,
    pub reservio_token: &'a str,
    pub webhook_secret: &'a str,
    pub requested_by: &'a str,
    /// Start in observe mode (a real account: nothing is written until the sales rep switches
    /// it to live); a sandbox calendar of the demo starts live.
    pub observe: bool,
}

/// How many of a partner's connections are still being set up (requested, mapped, verifying).
pub async fn in_setup_count(tx: &mut Tx, partner_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM connections WHERE partner_id = $1 \
         AND state IN ('requested', 'mapped', 'verifying')",
    )
    .bind(partner_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Whether a connection already has this connection ID.
pub async fn code_taken(tx: &mut Tx, code: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM connections WHERE connection_code = $1")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.is_some())
}

/// Stores a partner's request as a `requested` connection, observing or live as asked.
pub async fn insert_request(tx: &mut Tx, r: &NewRequest<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let keys = tx.keys()?;
    let reservio_token = seal(keys, Credential::ReservioToken, r.code, r.reservio_token)?;
    let webhook_secret = seal(keys, Credential::WebhookSecret, r.code, r.webhook_secret)?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO connections (partner_id, connection_code, reservio_business_id, \
         reservio_token, webhook_secret, state, requested_at, requested_by, updated_at, \
         observe) VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7, $8, $9) RETURNING id",
    )
    .bind(r.partner_id)
    .bind(r.code)
    .bind(r.reservio_business_id)
    .bind(&reservio_token)
    .bind(&webhook_secret)
    .bind(now)
    .bind(r.requested_by)
    .bind(now)
    .bind(i64::from(r.observe))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Stores the channel's (Termino) account of a connection whose mapping may still change.
pub async fn set_channel_account(
    tx: &mut Tx,
    id: i64,
    termino_partner_id: &str,
    termino_token: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let code: Option<(String,)> =
        sqlx::query_as("SELECT connection_code FROM connections WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((code,)) = code else {
        return Ok(false);
    };
    let termino_token = seal(tx.keys()?, Credential::TerminoToken, &code, termino_token)?;
    sqlx::query(
        "UPDATE connections SET termino_partner_id = $1, termino_token = $2, updated_at = $3 \
         WHERE id = $4 AND state IN ('requested', 'mapped')",
    )
    .bind(termino_partner_id)
    .bind(&termino_token)
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Replaces a connection's mapping. Mappings are configuration, not bookings: the old ones
/// are kept in the audit row that records the change.
pub async fn replace_mappings(
    tx: &mut Tx,
    connection_id: i64,
    mappings: &[ServiceMapping],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM service_mappings WHERE connection_id = $1")
        .bind(connection_id)
        .execute(&mut **tx)
        .await?;
    for m in mappings {
        super::connections::insert_mapping(tx, m, now).await?;
    }
    Ok(())
}

/// Moves the connection from `from` to `to`, stamping `to`'s `*_at`/`*_by` columns; false
/// when the connection is no longer in `from`.
pub async fn set_state(
    tx: &mut Tx,
    id: i64,
    from: ConnectionState,
    to: ConnectionState,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    // The column names come from the enum, never from input.
    let column = to.as_str();
    sqlx::query(&format!(
        "UPDATE connections SET state = $1, {column}_at = $2, {column}_by = $3, updated_at = $4 \
         WHERE id = $5 AND state = $6"
    ))
    .bind(to.as_str())
    .bind(now)
    .bind(by)
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .changed_one(tx)
    .await
}

/// The partner's demo connections (their IDs start with `DEMO`) not yet disconnected.
pub async fn open_demo_connections(tx: &mut Tx, partner_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM connections WHERE partner_id = $1 AND connection_code LIKE 'DEMO%' \
         AND state <> 'disconnected'",
    )
    .bind(partner_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Disconnects a connection from whatever state it is in, by `by`.
pub async fn disconnect(tx: &mut Tx, id: i64, by: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET state = 'disconnected', disconnected_at = $1, \
         disconnected_by = $2, updated_at = $1 WHERE id = $3",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A booking the channel holds, as the last sync stored it.
#[derive(Clone, Debug, FromRow)]
pub struct ChannelBookingRow {
    pub service_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub voucher_code: Option<String>,
}

/// The channel's live (not cancelled, not vanished) bookings of a connection starting in
/// `[from, to)`, for the verification's availability check.
pub async fn channel_bookings(
    db: &Db,
    connection_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<ChannelBookingRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT service_id, start_at, end_at, voucher_code FROM external_bookings \
         WHERE connection_id = $1 AND system = 'termino' AND status <> 'cancelled' \
         AND vanished_at IS NULL AND start_at >= $2 AND start_at < $3 ORDER BY start_at",
    )
    .bind(connection_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await
}
