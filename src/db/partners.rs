//! Partners: the businesses whose bookings we keep in step.

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx};
use crate::domain::PartnerName;

#[derive(Clone, Debug, FromRow)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    /// The language its users read in unless they chose their own.
    pub locale: Option<String>,
    /// 1 when its own users may invite colleagues (the admin's setting).
    pub users_may_invite: i64,
    pub disabled: i64,
    pub created_at: i64,
}

impl Partner {
    pub fn is_disabled(&self) -> bool {
        self.disabled != 0
    }

    pub fn users_may_invite(&self) -> bool {
        self.users_may_invite != 0
    }
}

const COLUMNS: &str = "id, name, timezone, locale, users_may_invite, disabled, created_at";

pub async fn find(db: &Db, id: i64) -> Result<Option<Partner>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM partners WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// How a partner's own e-mails are written: in its time zone and language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub timezone: String,
    /// The admin's setting, else that of the partner's first active user who chose one.
    pub locale: Option<String>,
}

/// The partner's [`MailSettings`]; the defaults when there is no such partner.
pub async fn mail_settings(tx: &mut Tx, id: i64) -> Result<MailSettings, sqlx::Error> {
    let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.timezone, p.locale, (SELECT u.locale FROM users u WHERE u.partner_id = p.id \
         AND u.disabled = 0 AND u.locale IS NOT NULL ORDER BY u.id LIMIT 1) \
         FROM partners p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let (timezone, partner_locale, user_locale) = row.unwrap_or_default();
    Ok(MailSettings {
        timezone,
        locale: partner_locale.or(user_locale),
    })
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<Partner>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM partners WHERE LOWER(name) = LOWER($1)"
    ))
    .bind(name)
    .fetch_optional(db.pool())
    .await
}

/// All partners by name; there are few enough to list on one page.
pub async fn list(db: &Db) -> Result<Vec<Partner>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM partners ORDER BY name"))
        .fetch_all(db.pool())
        .await
}

pub async fn insert(tx: &mut Tx, name: &PartnerName, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO partners (name, timezone, disabled, created_at) \
         VALUES ($1, 'Europe/Prague', 0, $2) RETURNING id",
    )
    .bind(name.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn set_disabled(tx: &mut Tx, id: i64, disabled: bool) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE partners SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .changed_one(tx)
        .await
}

/// Sets where the partner's wall clock is and the language its users read in.
pub async fn set_settings(
    tx: &mut Tx,
    id: i64,
    timezone: &str,
    locale: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE partners SET timezone = $1, locale = $2 WHERE id = $3")
        .bind(timezone)
        .bind(locale)
        .bind(id)
        .changed_one(tx)
        .await
}

/// Lets the partner's own users invite colleagues, or stops them; false when no such partner.
pub async fn set_users_may_invite(tx: &mut Tx, id: i64, allow: bool) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE partners SET users_may_invite = $1 WHERE id = $2")
        .bind(i64::from(allow))
        .bind(id)
        .changed_one(tx)
        .await
}
