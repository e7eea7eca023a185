//! Connections between a partner's Reservio business and its Termino account, and their
//! service mappings.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{Db, Tx};

/// A connection as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Connection {
    pub id: i64,
    pub partner_id: i64,
    pub connection_code: String,
    pub reservio_business_id: Option<String>,
    pub termino_partner_id: Option<String>,
    pub reservio_token: Option<String>,
    pub termino_token: Option<String>,
    pub webhook_secret: String,
    pub state: String,
    pub last_synced_at: Option<i64>,
    pub last_sync_error: Option<String>,
    /// What the probe found the Reservio account to do (JSON of `AccountProfile`).
    pub reservio_profile: Option<String>,
}

const COLUMNS: &str = "id, partner_id, connection_code, reservio_business_id, termino_partner_id, \
     reservio_token, termino_token, webhook_secret, state, last_synced_at, last_sync_error, \
     reservio_profile";

/// Stores what the probe found (JSON), as of `now`.
pub async fn set_reservio_profile(
    db: &Db,
    id: i64,
    profile: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET reservio_profile = $1, reservio_profile_at = $2 WHERE id = $3",
    )
    .bind(profile)
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn find(db: &Db, id: i64) -> Result<Option<Connection>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM connections WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Connection>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE connection_code = $1"
    ))
    .bind(code)
    .fetch_optional(db.pool())
    .await
}

/// Connections whose bookings are kept in step: live ones, and those being verified.
pub async fn list_syncable(db: &Db) -> Result<Vec<Connection>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE state IN ('verifying', 'active') \
         AND reservio_business_id IS NOT NULL AND termino_partner_id IS NOT NULL ORDER BY id"
    ))
    .fetch_all(db.pool())
    .await
}

/// The state of the connection a link belongs to.
pub async fn state_of_link(db: &Db, link_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT c.state FROM connections c JOIN booking_links l ON l.connection_id = c.id \
         WHERE l.id = $1",
    )
    .bind(link_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn list_for_partner(db: &Db, partner_id: i64) -> Result<Vec<Connection>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE partner_id = $1 ORDER BY id"
    ))
    .bind(partner_id)
    .fetch_all(db.pool())
    .await
}

/// A connection to create directly in a given state (demo seeding and tests).
pub struct NewConnection<'a> {
    pub partner_id: i64,
    pub connection_code: &'a str,
    pub reservio_business_id: &'a str,
    pub termino_partner_id: &'a str,
    pub reservio_token: &'a str,
    pub termino_token: &'a str,
    pub webhook_secret: &'a str,
    pub state: &'a str,
    pub actor: &'a str,
}

pub async fn insert(tx: &mut Tx, c: &NewConnection<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO connections (partner_id, connection_code, reservio_business_id, \
         termino_partner_id, reservio_token, termino_token, webhook_secret, state, \
         requested_at, requested_by, active_at, active_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $9) RETURNING id",
    )
    .bind(c.partner_id)
    .bind(c.connection_code)
    .bind(c.reservio_business_id)
    .bind(c.termino_partner_id)
    .bind(c.reservio_token)
    .bind(c.termino_token)
    .bind(c.webhook_secret)
    .bind(c.state)
    .bind(now)
    .bind(c.actor)
    .bind((c.state == "active").then_some(now))
    .bind((c.state == "active").then_some(c.actor))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Takes the connection's sync lease for `owner` until `until`; false when another instance
/// holds an unexpired lease.
pub async fn claim_sync_lease(
    db: &Db,
    id: i64,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE connections SET sync_lease_owner = $1, sync_lease_until = $2 \
         WHERE id = $3 AND (sync_lease_until IS NULL OR sync_lease_until < $4 \
                            OR sync_lease_owner = $1)",
    )
    .bind(owner)
    .bind(until)
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease back and records how the sync went.
pub async fn finish_sync(
    db: &Db,
    id: i64,
    owner: &str,
    now: i64,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connections SET sync_lease_owner = NULL, sync_lease_until = NULL, \
         last_synced_at = $1, last_sync_error = $2 WHERE id = $3 AND sync_lease_owner = $4",
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .bind(owner)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// One mapped pair of services.
#[derive(Clone, Debug, FromRow)]
pub struct ServiceMapping {
    pub id: i64,
    pub connection_id: i64,
    pub reservio_service_id: String,
    pub reservio_service_name: String,
    pub termino_offer_id: String,
    pub termino_offer_name: String,
    pub duration_minutes: i64,
}

pub async fn mappings(db: &Db, connection_id: i64) -> Result<Vec<ServiceMapping>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, connection_id, reservio_service_id, reservio_service_name, termino_offer_id, \
         termino_offer_name, duration_minutes FROM service_mappings WHERE connection_id = $1 \
         ORDER BY reservio_service_name",
    )
    .bind(connection_id)
    .fetch_all(db.pool())
    .await
}

pub async fn insert_mapping(tx: &mut Tx, m: &ServiceMapping, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO service_mappings (connection_id, reservio_service_id, reservio_service_name, \
         termino_offer_id, termino_offer_name, duration_minutes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(m.connection_id)
    .bind(&m.reservio_service_id)
    .bind(&m.reservio_service_name)
    .bind(&m.termino_offer_id)
    .bind(&m.termino_offer_name)
    .bind(m.duration_minutes)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Translation between Termino offers and Reservio services for one connection.
#[derive(Clone, Debug, Default)]
pub struct ServiceMap {
    offer_to_service: HashMap<String, String>,
    service_to_offer: HashMap<String, String>,
}

impl ServiceMap {
    pub fn new(mappings: &[ServiceMapping]) -> Self {
        ServiceMap {
            offer_to_service: mappings
                .iter()
                .map(|m| (m.termino_offer_id.clone(), m.reservio_service_id.clone()))
                .collect(),
            service_to_offer: mappings
                .iter()
                .map(|m| (m.reservio_service_id.clone(), m.termino_offer_id.clone()))
                .collect(),
        }
    }

    /// The Reservio service a Termino offer is mapped to.
    pub fn service_for_offer(&self, offer_id: &str) -> Option<&str> {
        self.offer_to_service.get(offer_id).map(String::as_str)
    }

    /// The Termino offer a Reservio service is mapped to.
    pub fn offer_for_service(&self, service_id: &str) -> Option<&str> {
        self.service_to_offer.get(service_id).map(String::as_str)
    }
}
