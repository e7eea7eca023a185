//! How trustworthy a connection's listings are: `connection_alarms` (a whole calendar vanishing
//! at once is one alarm, not hundreds of deletions) and `listing_health` (bookings a poll could
//! not read, and why).

use sqlx::FromRow;

use super::{Db, GuardedWrite, Tx};
use crate::domain::System;

/// The kind of alarm raised when a listing suddenly shows far fewer bookings.
pub const MASS_VANISH: &str = "mass_vanish";

/// An alarm that is not resolved yet.
#[derive(Clone, Debug, FromRow)]
pub struct ActiveAlarm {
    pub id: i64,
    pub state: String,
    pub missing: i64,
    pub known: i64,
}

impl ActiveAlarm {
    /// A person confirmed the bookings are really gone: the next clean listing marks them.
    pub fn is_confirmed(&self) -> bool {
        self.state == "confirmed"
    }
}

/// The connection's unresolved alarm of `kind` for `system`, if any.
pub async fn active_alarm(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    kind: &str,
) -> Result<Option<ActiveAlarm>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, state, missing, known FROM connection_alarms WHERE connection_id = $1 \
         AND system = $2 AND kind = $3 AND state <> 'resolved'",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await
}

/// A new alarm.
pub struct NewAlarm<'a> {
    pub connection_id: i64,
    pub partner_id: i64,
    pub system: System,
    pub kind: &'a str,
    pub missing: i64,
    pub known: i64,
}

/// Opens an alarm; returns its id.
pub async fn open_alarm(tx: &mut Tx, a: &NewAlarm<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO connection_alarms (connection_id, partner_id, system, kind, state, missing, \
         known, opened_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $7) \
         RETURNING id",
    )
    .bind(a.connection_id)
    .bind(a.partner_id)
    .bind(a.system.as_str())
    .bind(a.kind)
    .bind(a.missing)
    .bind(a.known)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Records how many bookings an open alarm's listing misses now.
pub async fn update_alarm_counts(
    tx: &mut Tx,
    id: i64,
    missing: i64,
    known: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE connection_alarms SET missing = $1, known = $2, updated_at = $3 \
         WHERE id = $4 AND state <> 'resolved'",
    )
    .bind(missing)
    .bind(known)
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Resolves an alarm with a short English reason for the audit trail.
pub async fn resolve_alarm(
    tx: &mut Tx,
    id: i64,
    resolution: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE connection_alarms SET state = 'resolved', resolved_at = $1, updated_at = $1, \
         resolution = $2 WHERE id = $3 AND state <> 'resolved'",
    )
    .bind(now)
    .bind(resolution)
    .bind(id)
    .changed_one(tx)
    .await
}

/// A person confirms an open alarm: the bookings are really gone. False when it is not open.
pub async fn confirm_alarm(
    tx: &mut Tx,
    id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE connection_alarms SET state = 'confirmed', confirmed_by = $1, confirmed_at = $2, \
         updated_at = $2 WHERE id = $3 AND state = 'open'",
    )
    .bind(user_id)
    .bind(now)
    .bind(id)
    .changed_one(tx)
    .await
}

/// An alarm as the pages show it.
#[derive(Clone, Debug, FromRow)]
pub struct AlarmRecord {
    pub id: i64,
    pub connection_id: i64,
    pub connection_code: String,
    pub partner_id: i64,
    pub partner_name: String,
    pub system: String,
    pub kind: String,
    pub state: String,
    pub missing: i64,
    pub known: i64,
    pub opened_at: i64,
}

impl AlarmRecord {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

const ALARM: &str = "SELECT a.id, a.connection_id, c.connection_code, a.partner_id, \
     p.name AS partner_name, a.system, a.kind, a.state, a.missing, a.known, a.opened_at \
     FROM connection_alarms a JOIN connections c ON c.id = a.connection_id \
     JOIN partners p ON p.id = a.partner_id";

/// Unresolved alarms, oldest first; with `partner_id`, only that partner's.
pub async fn unresolved_alarms(
    db: &Db,
    partner_id: Option<i64>,
) -> Result<Vec<AlarmRecord>, sqlx::Error> {
    match partner_id {
        Some(partner_id) => {
            sqlx::query_as(&format!(
                "{ALARM} WHERE a.state <> 'resolved' AND a.partner_id = $1 \
                 ORDER BY a.opened_at, a.id"
            ))
            .bind(partner_id)
            .fetch_all(db.pool())
            .await
        }
        None => {
            sqlx::query_as(&format!(
                "{ALARM} WHERE a.state <> 'resolved' ORDER BY a.opened_at, a.id"
            ))
            .fetch_all(db.pool())
            .await
        }
    }
}

/// One alarm, for the confirm action.
pub async fn find_alarm(db: &Db, id: i64) -> Result<Option<AlarmRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{ALARM} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// What the last poll of one system could not read.
#[derive(Clone, Debug, Default, PartialEq, Eq, FromRow)]
pub struct Health {
    /// Empty when every booking was read.
    pub cause: String,
    pub unreadable: i64,
    pub since: i64,
}

/// The stored listing health of a connection's system; `None` before anything was recorded.
pub async fn health(
    db: &Db,
    connection_id: i64,
    system: System,
) -> Result<Option<Health>, sqlx::Error> {
    sqlx::query_as(
        "SELECT cause, unreadable, since FROM listing_health \
         WHERE connection_id = $1 AND system = $2",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .fetch_optional(db.pool())
    .await
}

/// Stores the listing health of a connection's system.
pub async fn set_health(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    health: &Health,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO listing_health (connection_id, system, cause, unreadable, since, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection_id, system) DO UPDATE SET \
         cause = $3, unreadable = $4, since = $5, updated_at = $6",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(&health.cause)
    .bind(health.unreadable)
    .bind(health.since)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A connection whose last poll left bookings unread, as the sync-health line shows it.
#[derive(Clone, Debug, FromRow)]
pub struct ListingIssue {
    pub connection_id: i64,
    pub connection_code: String,
    pub partner_id: i64,
    pub partner_name: String,
    pub system: String,
    pub cause: String,
    pub unreadable: i64,
    pub since: i64,
}

const ISSUE: &str = "SELECT h.connection_id, c.connection_code, c.partner_id, \
     p.name AS partner_name, h.system, h.cause, h.unreadable, h.since \
     FROM listing_health h JOIN connections c ON c.id = h.connection_id \
     JOIN partners p ON p.id = c.partner_id WHERE h.unreadable > 0";

/// Connections with unread bookings; with `partner_id`, only that partner's.
pub async fn issues(db: &Db, partner_id: Option<i64>) -> Result<Vec<ListingIssue>, sqlx::Error> {
    match partner_id {
        Some(partner_id) => {
            sqlx::query_as(&format!(
                "{ISSUE} AND c.partner_id = $1 ORDER BY h.since, h.connection_id"
            ))
            .bind(partner_id)
            .fetch_all(db.pool())
            .await
        }
        None => {
            sqlx::query_as(&format!("{ISSUE} ORDER BY h.since, h.connection_id"))
                .fetch_all(db.pool())
                .await
        }
    }
}
