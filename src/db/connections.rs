//! Connections between a partner's Reservio business and its Termino account, and their
//! service mappings.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{Db, Tx};
use crate::domain::System;
use crate::keys::Keyring;
use crate::keys::sealed::{self, SealError};

/// A connection, its credentials decrypted. Its `Debug` output leaves the credentials out.
#[derive(Clone, FromRow)]
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
    /// When a system refused the connection's credentials (401); writes wait until new ones
    /// are entered.
    pub credentials_expired_at: Option<i64>,
    /// 1: observe mode — read, link, compare and flag, but write nothing.
    pub observe: i64,
}

/// Why a connection writes nothing for now; its pushes and procedure steps wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// A system refused the credentials: they must be replaced first.
    CredentialsExpired,
    /// Observe mode: what would be written is recorded instead.
    Observe,
}

impl Hold {
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::CredentialsExpired => "credentials_expired",
            Hold::Observe => "observe",
        }
    }
}

impl Connection {
    /// Whether (and why) the connection must not write to its systems now. Expired
    /// credentials come first: they must be fixed whatever the mode.
    pub fn hold(&self) -> Option<Hold> {
        if self.credentials_expired_at.is_some() {
            Some(Hold::CredentialsExpired)
        } else if self.observe != 0 {
            Some(Hold::Observe)
        } else {
            None
        }
    }

    /// The connection's account in `system` (the Reservio business, the Termino partner), if
    /// it is known yet.
    pub fn account_id(&self, system: System) -> Option<&str> {
        match system {
            System::Reservio => self.reservio_business_id.as_deref(),
            System::Termino => self.termino_partner_id.as_deref(),
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("id", &self.id)
            .field("partner_id", &self.partner_id)
            .field("connection_code", &self.connection_code)
            .field("reservio_business_id", &self.reservio_business_id)
            .field("termino_partner_id", &self.termino_partner_id)
            .field("state", &self.state)
            .field("last_synced_at", &self.last_synced_at)
            .field("last_sync_error", &self.last_sync_error)
            .field("credentials_expired_at", &self.credentials_expired_at)
            .field("observe", &self.observe)
            .finish_non_exhaustive()
    }
}

/// The credential columns of `connections`, sealed at rest (see [`crate::keys::sealed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    ReservioToken,
    TerminoToken,
    WebhookSecret,
}

impl Credential {
    pub const ALL: [Credential; 3] = [
        Credential::ReservioToken,
        Credential::TerminoToken,
        Credential::WebhookSecret,
    ];

    fn column(self) -> &'static str {
        match self {
            Credential::ReservioToken => "reservio_token",
            Credential::TerminoToken => "termino_token",
            Credential::WebhookSecret => "webhook_secret",
        }
    }

    /// What a sealed value is bound to: its column and its connection (codes never change),
    /// so a value copied to another column or row does not open.
    fn context(self, connection_code: &str) -> String {
        format!("connections.{}/{connection_code}", self.column())
    }
}

fn seal_error(e: SealError) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

/// Encrypts one credential for storage under the current key.
pub fn seal(
    keys: &Keyring,
    credential: Credential,
    connection_code: &str,
    plain: &str,
) -> Result<String, sqlx::Error> {
    sealed::seal(keys, &credential.context(connection_code), plain).map_err(seal_error)
}

fn open(
    keys: &Keyring,
    credential: Credential,
    connection_code: &str,
    stored: &str,
) -> Result<String, sqlx::Error> {
    sealed::open(keys, &credential.context(connection_code), stored).map_err(seal_error)
}

impl Connection {
    /// Decrypts the credentials of a row as read.
    fn opened(mut self, keys: &Keyring) -> Result<Connection, sqlx::Error> {
        let code = self.connection_code.clone();
        if let Some(token) = &self.reservio_token {
            self.reservio_token = Some(open(keys, Credential::ReservioToken, &code, token)?);
        }
        if let Some(token) = &self.termino_token {
            self.termino_token = Some(open(keys, Credential::TerminoToken, &code, token)?);
        }
        self.webhook_secret = open(keys, Credential::WebhookSecret, &code, &self.webhook_secret)?;
        Ok(self)
    }
}

fn opened_all(db: &Db, rows: Vec<Connection>) -> Result<Vec<Connection>, sqlx::Error> {
    let keys = db.keys()?;
    rows.into_iter().map(|c| c.opened(keys)).collect()
}

fn opened_one(db: &Db, row: Option<Connection>) -> Result<Option<Connection>, sqlx::Error> {
    row.map(|c| c.opened(db.keys()?)).transpose()
}

/// A connection's credential columns as stored.
#[derive(FromRow)]
struct StoredCredentials {
    id: i64,
    partner_id: i64,
    connection_code: String,
    reservio_token: Option<String>,
    termino_token: Option<String>,
    webhook_secret: String,
}

impl StoredCredentials {
    fn need_resealing(&self, keys: &Keyring) -> bool {
        [
            self.reservio_token.as_deref(),
            self.termino_token.as_deref(),
            Some(self.webhook_secret.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|v| sealed::needs_resealing(keys, v))
    }
}

const STORED_CREDENTIALS: &str = "SELECT id, partner_id, connection_code, reservio_token, \
     termino_token, webhook_secret FROM connections";

/// Encrypts every credential still stored in plain text (from before encryption) or under an
/// older key, keeping every row; audited once per connection changed. Runs at start (and in
/// `bookbridge migrate` with a key file). Returns how many values were sealed.
pub async fn seal_credentials(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let keys = db.keys()?;
    let stale: Vec<i64> =
        sqlx::query_as::<_, StoredCredentials>(&format!("{STORED_CREDENTIALS} ORDER BY id"))
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .filter(|c| c.need_resealing(keys))
            .map(|c| c.id)
            .collect();
    let mut sealed_values = 0;
    for id in stale {
        let mut tx = db.begin_write().await?;
        // Read again under the write lock: another instance may have sealed them meanwhile.
        let c: StoredCredentials = sqlx::query_as(&format!("{STORED_CREDENTIALS} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let code = c.connection_code.as_str();
        let mut changed = vec![];
        let mut reseal = |credential: Credential, stored: &str| -> Result<String, sqlx::Error> {
            if !sealed::needs_resealing(keys, stored) {
                return Ok(stored.to_string());
            }
            changed.push(credential.column());
            let plain = open(keys, credential, code, stored)?;
            seal(keys, credential, code, &plain)
        };
        let reservio = c
            .reservio_token
            .as_deref()
            .map(|v| reseal(Credential::ReservioToken, v))
            .transpose()?;
        let termino = c
            .termino_token
            .as_deref()
            .map(|v| reseal(Credential::TerminoToken, v))
            .transpose()?;
        let webhook = reseal(Credential::WebhookSecret, &c.webhook_secret)?;
        if changed.is_empty() {
            continue;
        }
        sqlx::query(
            "UPDATE connections SET reservio_token = $1, termino_token = $2, webhook_secret = $3 \
             WHERE id = $4",
        )
        .bind(&reservio)
        .bind(&termino)
        .bind(&webhook)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sealed_values += changed.len() as u64;
        crate::audit::append(
            &mut tx,
            now,
            crate::audit::Event::new(
                &crate::audit::Actor::System,
                "connection.credentials_sealed",
                "connection",
                id,
            )
            .partner(Some(c.partner_id))
            .after(serde_json::json!({ "columns": changed, "key_id": keys.current_id() })),
        )?;
        tx.commit().await?;
    }
    Ok(sealed_values)
}

const COLUMNS: &str = "id, partner_id, connection_code, reservio_business_id, termino_partner_id, \
     reservio_token, termino_token, webhook_secret, state, last_synced_at, last_sync_error, \
     reservio_profile, credentials_expired_at, observe";

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
    let row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM connections WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    opened_one(db, row)
}

pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Connection>, sqlx::Error> {
    let row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE connection_code = $1"
    ))
    .bind(code)
    .fetch_optional(db.pool())
    .await?;
    opened_one(db, row)
}

/// Connections whose bookings are kept in step: live ones, and those being verified.
pub async fn list_syncable(db: &Db) -> Result<Vec<Connection>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE state IN ('verifying', 'active') \
         AND reservio_business_id IS NOT NULL AND termino_partner_id IS NOT NULL ORDER BY id"
    ))
    .fetch_all(db.pool())
    .await?;
    opened_all(db, rows)
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
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM connections WHERE partner_id = $1 ORDER BY id"
    ))
    .bind(partner_id)
    .fetch_all(db.pool())
    .await?;
    opened_all(db, rows)
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
    let keys = tx.keys()?;
    let code = c.connection_code;
    let reservio_token = seal(keys, Credential::ReservioToken, code, c.reservio_token)?;
    let termino_token = seal(keys, Credential::TerminoToken, code, c.termino_token)?;
    let webhook_secret = seal(keys, Credential::WebhookSecret, code, c.webhook_secret)?;
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
    .bind(&reservio_token)
    .bind(&termino_token)
    .bind(&webhook_secret)
    .bind(c.state)
    .bind(now)
    .bind(c.actor)
    .bind((c.state == "active").then_some(now))
    .bind((c.state == "active").then_some(c.actor))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
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
