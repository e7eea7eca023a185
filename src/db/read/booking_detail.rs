//! One of the partner's links in full, and everything the audit log says about it.
//!
//! Scoped like the list: a link of another partner is simply not found.

use sqlx::FromRow;

use super::bookings_view::{Badge, ListedLink};
use super::link_sides::{FlatSides, JOIN_SIDES, SIDES, Snapshot};
use crate::db::Db;
use crate::domain::mismatch::Severity;

/// A link in full: both sides, the base, its unresolved mismatches, what supersedes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkDetail {
    /// The sides; its badges are those of `mismatches`.
    pub link: ListedLink,
    pub origin_system: String,
    pub created_at: i64,
    pub superseded_by: Option<i64>,
    pub base: Option<AgreedBase>,
    /// Worst first.
    pub mismatches: Vec<MismatchSummary>,
    /// Each side's id in its own system and when sync last read it.
    pub reservio_record: Option<SideRecord>,
    pub termino_record: Option<SideRecord>,
}

/// Where one side's snapshot came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideRecord {
    pub external_id: String,
    pub fetched_at: i64,
}

/// An unresolved mismatch of the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MismatchSummary {
    pub id: i64,
    pub badge: Badge,
    pub state: String,
    pub detected_at: i64,
}

/// The last state both sides agreed on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreedBase {
    pub start_at: i64,
    pub end_at: i64,
    pub service_name: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub status: String,
}

#[derive(FromRow)]
struct DetailRow {
    id: i64,
    voucher_code: Option<String>,
    origin_system: String,
    appointment_at: i64,
    created_at: i64,
    change_pending_since: Option<i64>,
    superseded_by: Option<i64>,
    base_start_at: Option<i64>,
    base_end_at: Option<i64>,
    base_service_name: Option<String>,
    base_customer_name: Option<String>,
    base_customer_email: Option<String>,
    base_customer_phone: Option<String>,
    base_status: Option<String>,
    r_external_id: Option<String>,
    r_fetched_at: Option<i64>,
    t_external_id: Option<String>,
    t_fetched_at: Option<i64>,
    #[sqlx(flatten)]
    sides: FlatSides,
}

#[derive(FromRow)]
struct MismatchRow {
    id: i64,
    kind: String,
    severity: String,
    state: String,
    detected_at: i64,
}

fn record(external_id: Option<String>, fetched_at: Option<i64>) -> Option<SideRecord> {
    Some(SideRecord {
        external_id: external_id?,
        fetched_at: fetched_at.unwrap_or_default(),
    })
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
         l.change_pending_since, l.superseded_by, l.base_start_at, l.base_end_at, \
         bs.reservio_service_name AS base_service_name, l.base_customer_name, \
         l.base_customer_email, l.base_customer_phone, l.base_status, \
         r.external_id AS r_external_id, r.fetched_at AS r_fetched_at, \
         t.external_id AS t_external_id, t.fetched_at AS t_fetched_at, {SIDES} \
         FROM booking_links l {JOIN_SIDES} \
         LEFT JOIN service_mappings bs ON bs.connection_id = l.connection_id \
             AND bs.reservio_service_id = l.base_service_id \
         WHERE l.id = $1 AND l.partner_id = $2"
    );
    let Some(row): Option<DetailRow> = sqlx::query_as(&sql)
        .bind(link_id)
        .bind(partner_id)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
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
    let base = match (row.base_start_at, row.base_end_at) {
        (Some(start_at), Some(end_at)) => Some(AgreedBase {
            start_at,
            end_at,
            service_name: row.base_service_name,
            customer_name: row.base_customer_name.unwrap_or_default(),
            customer_email: row.base_customer_email.unwrap_or_default(),
            customer_phone: row.base_customer_phone.unwrap_or_default(),
            status: row.base_status.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(Some(LinkDetail {
        link: ListedLink {
            id: row.id,
            voucher_code: row.voucher_code,
            appointment_at: row.appointment_at,
            change_pending_since: row.change_pending_since,
            reservio: row.sides.reservio(),
            termino: row.sides.termino(),
            mismatches: mismatches.iter().map(|m| m.badge).collect(),
        },
        origin_system: row.origin_system,
        created_at: row.created_at,
        superseded_by: row.superseded_by,
        base,
        mismatches,
        reservio_record: record(row.r_external_id, row.r_fetched_at),
        termino_record: record(row.t_external_id, row.t_fetched_at),
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
    .bind(side_id(&detail.link.reservio))
    .bind(side_id(&detail.link.termino))
    .bind(detail.link.id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}
