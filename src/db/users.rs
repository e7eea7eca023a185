//! Users and their logins.

use sqlx::FromRow;

use super::{Db, GuardedWrite};
use crate::domain::{Email, Role};

/// A user as stored.
#[derive(Clone, Debug, FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub partner_id: Option<i64>,
    pub disabled: i64,
    pub locale: Option<String>,
    pub created_at: i64,
}

impl User {
    /// The role, or `None` for a value the code does not know (never written by us).
    pub fn role(&self) -> Option<Role> {
        self.role.parse().ok()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled != 0
    }
}

/// A user together with the name of their partner, for listings.
#[derive(Clone, Debug, FromRow)]
pub struct UserListing {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub partner_name: Option<String>,
    pub disabled: i64,
    pub created_at: i64,
    /// 1 while the user has not yet set a password from their invitation.
    pub invited: i64,
    /// 1 when the user has a second factor.
    pub second_factor: i64,
}

impl UserListing {
    /// The catalogue key of the user's role name.
    pub fn role_key(&self) -> &'static str {
        self.role
            .parse::<Role>()
            .map(Role::label_key)
            .unwrap_or("role-unknown")
    }
}

const COLUMNS: &str = "id, email, password_hash, role, partner_id, disabled, locale, created_at";

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(db.pool())
        .await
}

pub async fn find(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// A user with their partner's time zone: what a logged-in request needs, in one query.
#[derive(Clone, Debug, FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: User,
    /// The partner's IANA time zone; `None` for staff, who have no partner.
    pub partner_timezone: Option<String>,
}

/// The user `id` for a request, with their partner's time zone joined in.
pub async fn find_for_session(db: &Db, id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.password_hash, u.role, u.partner_id, u.disabled, \
         COALESCE(u.locale, p.locale) AS locale, \
         u.created_at, COALESCE(u.timezone, p.timezone) AS partner_timezone \
         FROM users u LEFT JOIN partners p ON p.id = u.partner_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// The password hash of a user who was invited and has not yet chosen a password: no password
/// verifies against it.
pub const INVITED: &str = "!invited";

/// A user's own settings: language and time zone (`None`: the partner's, or the default).
pub async fn preferences(
    db: &Db,
    id: i64,
) -> Result<Option<(Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT locale, timezone FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// The language and time zone an e-mail to the user is written in: their own choice, else
/// their partner's (`None` each: the default).
pub async fn mail_preferences(
    tx: &mut super::Tx,
    id: i64,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT COALESCE(u.locale, p.locale), COALESCE(u.timezone, p.timezone) \
         FROM users u LEFT JOIN partners p ON p.id = u.partner_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Sets a new password hash inside the caller's transaction.
pub async fn set_password(tx: &mut super::Tx, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the user's own time zone (`None`: back to the partner's or the default).
pub async fn set_timezone(
    tx: &mut super::Tx,
    id: i64,
    timezone: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET timezone = $1 WHERE id = $2")
        .bind(timezone)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A new user; the password is already hashed.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub role: Role,
    pub partner_id: Option<i64>,
}

/// Inserts a user inside the caller's transaction and returns its id.
pub async fn insert(tx: &mut super::Tx, user: &NewUser<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, password_hash, role, partner_id, disabled, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(user.partner_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Sets the disabled flag; returns false when no such user exists.
pub async fn set_disabled(
    tx: &mut super::Tx,
    id: i64,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .changed_one(tx)
        .await
}

/// One page of users, newest first.
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<UserListing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.role, p.name AS partner_name, u.disabled, u.created_at, \
         CASE WHEN u.password_hash = $3 THEN 1 ELSE 0 END AS invited, \
         CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS second_factor \
         FROM users u LEFT JOIN partners p ON p.id = u.partner_id \
         ORDER BY u.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .bind(INVITED)
    .fetch_all(db.pool())
    .await
}

/// The users of one partner, oldest first: a partner user's list of colleagues.
pub async fn list_for_partner(db: &Db, partner_id: i64) -> Result<Vec<UserListing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.role, p.name AS partner_name, u.disabled, u.created_at, \
         CASE WHEN u.password_hash = $2 THEN 1 ELSE 0 END AS invited, \
         CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS second_factor \
         FROM users u JOIN partners p ON p.id = u.partner_id \
         WHERE u.partner_id = $1 ORDER BY u.id",
    )
    .bind(partner_id)
    .bind(INVITED)
    .fetch_all(db.pool())
    .await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Saves the user's interface language inside the caller's transaction, next to its audit row.
pub async fn set_locale(tx: &mut super::Tx, id: i64, locale: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
