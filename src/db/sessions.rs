//! The tower-sessions store over our own pool, so sessions live in the same database on both
//! backends. The user id is copied into its own column so that disabling a user can end all of
//! their sessions at once.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use super::{Db, is_unique_violation};

/// The session key under which the logged-in user's id is kept.
pub const USER_ID_KEY: &str = "user_id";

/// The key under which [`DbSessionStore::load`] puts the session's user as the database has it
/// now (read in the same query as the session), so that a request needs no second query for
/// its user. Never stored: [`encode`] drops it.
pub const USER_ROW_KEY: &str = "_user";

/// The logged-in user as read with the session.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct LoadedUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub partner_id: Option<i64>,
    pub disabled: bool,
    pub locale: Option<String>,
    /// The partner's IANA time zone; `None` for staff.
    pub timezone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LoadedRow {
    data: String,
    expires_at: i64,
    user_id: Option<i64>,
    email: Option<String>,
    role: Option<String>,
    partner_id: Option<i64>,
    disabled: Option<i64>,
    locale: Option<String>,
    timezone: Option<String>,
}

/// Sessions stored in the `sessions` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }
}

fn backend(err: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn encode(record: &Record) -> Result<(String, Option<i64>, i64), session_store::Error> {
    let encoded = if record.data.contains_key(USER_ROW_KEY) {
        let mut data = record.data.clone();
        data.remove(USER_ROW_KEY);
        serde_json::to_string(&data)
    } else {
        serde_json::to_string(&record.data)
    };
    let data = encoded.map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record.data.get(USER_ID_KEY).and_then(|v| v.as_i64());
    Ok((data, user_id, record.expiry_date.unix_timestamp()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let (data, user_id, expires_at) = encode(record)?;
        // Ids are 128 random bits; a collision is astronomically unlikely, but never overwrite.
        loop {
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(record.id.to_string())
            .bind(user_id)
            .bind(&data)
            .bind(expires_at)
            .execute(self.db.pool())
            .await;
            match inserted {
                Ok(_) => return Ok(()),
                Err(e) if is_unique_violation(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, user_id, expires_at) = encode(record)?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(user_id)
        .bind(&data)
        .bind(expires_at)
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        // The store has no clock of its own: tower-sessions dates records by the system clock.
        let now = crate::clock::Clock::System.now();
        let row: Option<LoadedRow> = sqlx::query_as(
            "SELECT s.data, s.expires_at, u.id AS user_id, u.email, u.role, u.partner_id, \
             u.disabled, COALESCE(u.locale, p.locale) AS locale, \
             COALESCE(u.timezone, p.timezone) AS timezone \
             FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
             LEFT JOIN partners p ON p.id = u.partner_id \
             WHERE s.id = $1 AND s.expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now)
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let expires_at = row.expires_at;
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        if let (Some(id), Some(email), Some(role)) = (row.user_id, row.email, row.role) {
            let user = LoadedUser {
                id,
                email,
                role,
                partner_id: row.partner_id,
                disabled: row.disabled.unwrap_or(1) != 0,
                locale: row.locale,
                timezone: row.timezone,
            };
            if let Ok(value) = serde_json::to_value(user) {
                data.insert(USER_ROW_KEY.to_string(), value);
            }
        }
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every session of one user, e.g. when the user is disabled.
pub async fn end_all_for_user(tx: &mut super::Tx, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// One open session of a user, as stored: its id and its data.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserSession {
    pub id: String,
    pub data: String,
    pub expires_at: i64,
}

/// The unexpired sessions of one user.
pub async fn list_for_user(
    db: &Db,
    user_id: i64,
    now: i64,
) -> Result<Vec<UserSession>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, data, expires_at FROM sessions WHERE user_id = $1 AND expires_at > $2 \
         ORDER BY id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db.pool())
    .await
}

/// Ends one session of a user; false when it was not theirs or is gone.
pub async fn end_one(tx: &mut super::Tx, user_id: i64, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a user but `keep`; returns how many.
pub async fn end_others(tx: &mut super::Tx, user_id: i64, keep: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// Removes sessions whose expiry has passed.
pub async fn delete_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
