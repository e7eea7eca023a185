//! One of the partner's links in full, and everything the audit log says about it.
//!
//! Scoped like the list: a link of another partner is simply not found.

use sqlx::{FromRow, Row};

use super::bookings_view::{Badge, ListedLink};
use crate::db::Db;
use crate::db::link_sides::{self, Read, Snapshot, StoredBase};
use crate::domain::mismatch::Severity;

/// A link in full: both sides, the base, its unresolved mismatches, what supersedes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkDetail {
    /// The sides (each with its id in its own system and when sync last read it); its badges
    /// are those of `mismatches`.
    pub link: ListedLink,
    pub origin_system: String,
    pub created_at: i64,
    pub superseded_by: Option<i64>,
    /// The last state both sides agreed on, with its service's name.
    pub base: Option<StoredBase>,
    /// Worst first.
    pub mismatches: Vec<MismatchSummary>,
}

/// An unresolved mismatch of the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MismatchSummary {
    pub id: i64,
    pub badge: Badge,
    pub state: String,
    pub detected_at: i64,
}

#[derive(FromRow)]
struct MismatchRow {
    id: i64,
    kind: String,
    severity: String,
    state: String,
    detected_at: i64,
}

/// One of the partner's links, current or superseded, with its unresolved mismatches; `None`
/// when the partner has no such link.
pub async fn detail(
    db: &Db,
    partner_id: i64,
    link_id: i64,
) -> Result<Option<LinkDetail>, sqlx::Error> {
    let sql = format!(
        "SELECT l.id, l.voucher_code, l.origin_system, l.appointment_at, l.created_at, \
         l.change_pending_since, l.superseded_by, {} \
         FROM booking_links l {} WHERE l.id = $1 AND l.partner_id = $2",
        Read::Full.columns(),
        Read::Full.joins()
    );
    let Some(row) = sqlx::query(&sql)
        .bind(link_id)
        .bind(partner_id)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let (sides, base) = link_sides::decode(&row, Read::Full)?;
    let rows: Vec<MismatchRow> = sqlx::query_as(
        "SELECT id, kind, severity, state, detected_at FROM mismatches \
         WHERE link_id = $1 AND partner_id = $2 AND state <> 'resolved' ORDER BY id",
    )
    .bind(link_id)
    .bind(partner_id)
    .fetch_all(db.pool())
    .await?;
    let mut mismatches: Vec<MismatchSummary> = rows
        .into_iter()
        .map(|m| MismatchSummary {
            id: m.id,
            badge: Badge {
                kind: m.kind.parse().ok(),
                severity: m.severity.parse().unwrap_or(Severity::High),
            },
            state: m.state,
            detected_at: m.detected_at,
        })
        .collect();
    mismatches.sort_by_key(|m| std::cmp::Reverse(m.badge.severity));
    Ok(Some(LinkDetail {
        link: ListedLink {
            id: row.try_get("id")?,
            voucher_code: row.try_get("voucher_code")?,
            appointment_at: row.try_get("appointment_at")?,
            change_pending_since: row.try_get("change_pending_since")?,
            sides,
            mismatches: mismatches.iter().map(|m| m.badge).collect(),
        },
        origin_system: row.try_get("origin_system")?,
        created_at: row.try_get("created_at")?,
        superseded_by: row.try_get("superseded_by")?,
        base,
        mismatches,
    }))
}

/// One thing that happened to a link, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct TimelineEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
}

/// Everything the audit log records about a link, newest first: the link itself, its
/// snapshots, its mismatches, its pushes, and its procedures and cases. Entity ids are text
/// in the log, so the ids of the link's rows are compared as text.
pub async fn timeline(
    db: &Db,
    partner_id: i64,
    detail: &LinkDetail,
    limit: i64,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let side_id = |side: &Option<Snapshot>| {
        side.as_ref()
            .map(|s| s.booking_id.to_string())
            .unwrap_or_default()
    };
    sqlx::query_as(
        "SELECT id, at, actor, action, entity_type, before_state, after_state FROM audit_log \
         WHERE partner_id = $1 AND (\
           (entity_type = 'booking_link' AND entity_id = $2) \
           OR (entity_type = 'external_booking' AND entity_id IN ($3, $4)) \
           OR (entity_type = 'mismatch' AND entity_id IN \
               (SELECT CAST(id AS TEXT) FROM mismatches WHERE link_id = $5)) \
           OR (entity_type = 'outbox' AND entity_id IN \
               (SELECT CAST(id AS TEXT) FROM outbox WHERE link_id = $5)) \
           OR (entity_type = 'operation' AND entity_id IN \
               (SELECT CAST(id AS TEXT) FROM procedures WHERE link_id = $5)) \
           OR (entity_type = 'case' AND entity_id IN \
               (SELECT CAST(id AS TEXT) FROM cases WHERE link_id = $5))) \
         ORDER BY id DESC LIMIT $6",
    )
    .bind(partner_id)
    .bind(detail.link.id.to_string())
    .bind(side_id(&detail.link.sides.reservio))
    .bind(side_id(&detail.link.sides.termino))
    .bind(detail.link.id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}
