//! Partner Care's queue: unresolved mismatches across all partners, each mismatch with its
//! names, and each partner's sync health. The state changes people make on a mismatch are
//! writes of [`crate::db::mismatches`].

use sqlx::FromRow;

use crate::db::filter::{Bind, Where};
use crate::db::{Db, Tx};

/// Who a queue row must be assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignee {
    Anyone,
    Nobody,
    User(i64),
}

/// The queue's filters; `None` leaves a filter off.
#[derive(Clone, Debug)]
pub struct QueueFilter {
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub partner_id: Option<i64>,
    /// Only mismatches detected at or before this instant (i.e. at least this old).
    pub detected_before: Option<i64>,
    pub assignee: Assignee,
    /// One state, or both unresolved states when `None`.
    pub state: Option<String>,
}

/// One row of the queue, with what a person needs to pick it.
#[derive(Clone, Debug, FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub link_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: String,
    pub severity: String,
    pub state: String,
    pub detected_at: i64,
    pub assignee_id: Option<i64>,
    pub assignee_email: Option<String>,
    pub voucher_code: Option<String>,
    /// When the appointment starts, by whichever side has it.
    pub starts_at: Option<i64>,
}

/// Most severe first, then oldest: the order Partner Care works in.
const SEVERITY_RANK: &str = "CASE m.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 \
     WHEN 'medium' THEN 2 ELSE 3 END";

fn clause(f: &QueueFilter) -> Where {
    let mut w = Where::new();
    match &f.state {
        Some(state) => w.and("m.state = {}", [Bind::from(state.as_str())]),
        None => w.and("m.state IN ('open', 'acknowledged')", []),
    }
    if let Some(kind) = &f.kind {
        w.and("m.kind = {}", [Bind::from(kind.as_str())]);
    }
    if let Some(severity) = &f.severity {
        w.and("m.severity = {}", [Bind::from(severity.as_str())]);
    }
    if let Some(partner_id) = f.partner_id {
        w.and("m.partner_id = {}", [Bind::from(partner_id)]);
    }
    if let Some(before) = f.detected_before {
        w.and("m.detected_at <= {}", [Bind::from(before)]);
    }
    match f.assignee {
        Assignee::Anyone => {}
        Assignee::Nobody => w.and("m.assignee_id IS NULL", []),
        Assignee::User(id) => w.and("m.assignee_id = {}", [Bind::from(id)]),
    }
    w
}

/// One page of the queue.
pub async fn list(
    db: &Db,
    f: &QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    let mut w = clause(f);
    let where_sql = w.sql();
    let (limit, offset) = (w.bind(limit), w.bind(offset));
    let sql = format!(
        "SELECT m.id, m.link_id, m.partner_id, p.name AS partner_name, m.kind, m.severity, \
         m.state, m.detected_at, m.assignee_id, u.email AS assignee_email, l.voucher_code, \
         COALESCE(t.start_at, r.start_at, l.base_start_at) AS starts_at \
         FROM mismatches m JOIN partners p ON p.id = m.partner_id \
         JOIN booking_links l ON l.id = m.link_id \
         LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
         LEFT JOIN external_bookings t ON t.id = l.termino_booking_id \
         LEFT JOIN users u ON u.id = m.assignee_id{where_sql} \
         ORDER BY {SEVERITY_RANK}, m.detected_at, m.id LIMIT {limit} OFFSET {offset}"
    );
    w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await
}

/// How many rows the filters match.
pub async fn count(db: &Db, f: &QueueFilter) -> Result<i64, sqlx::Error> {
    let w = clause(f);
    let sql = format!("SELECT COUNT(*) FROM mismatches m{}", w.sql());
    let (n,): (i64,) = w.bind_as(sqlx::query_as(&sql)).fetch_one(db.pool()).await?;
    Ok(n)
}

/// A mismatch with everything its page shows.
#[derive(Clone, Debug, FromRow)]
pub struct MismatchRecord {
    pub id: i64,
    pub link_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub kind: String,
    pub severity: String,
    pub state: String,
    pub detected_at: i64,
    pub last_seen_at: i64,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by_email: Option<String>,
    pub assignee_id: Option<i64>,
    pub assignee_email: Option<String>,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

const RECORD: &str = "SELECT m.id, m.link_id, m.partner_id, p.name AS partner_name, m.kind, \
     m.severity, m.state, m.detected_at, m.last_seen_at, m.acknowledged_at, \
     ack.email AS acknowledged_by_email, m.assignee_id, u.email AS assignee_email, \
     m.resolved_at, m.resolved_by, m.resolution_note \
     FROM mismatches m JOIN partners p ON p.id = m.partner_id \
     LEFT JOIN users ack ON ack.id = m.acknowledged_by \
     LEFT JOIN users u ON u.id = m.assignee_id";

/// One mismatch with its names.
pub async fn find(db: &Db, id: i64) -> Result<Option<MismatchRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{RECORD} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// The same, read inside a write transaction, so a decision rests on the current row.
pub async fn find_for_update(tx: &mut Tx, id: i64) -> Result<Option<MismatchRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{RECORD} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Every mismatch a link ever had, newest first.
pub async fn of_link(db: &Db, link_id: i64) -> Result<Vec<MismatchRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{RECORD} WHERE m.link_id = $1 ORDER BY m.id DESC"))
        .bind(link_id)
        .fetch_all(db.pool())
        .await
}

/// One partner's sync health, for Partner Care to see where to look first.
#[derive(Clone, Debug, FromRow)]
pub struct PartnerHealth {
    pub partner_id: i64,
    pub partner_name: String,
    /// Current (not superseded) links.
    pub links: i64,
    /// Current links without an unresolved mismatch.
    pub agreeing: i64,
    pub open_mismatches: i64,
    pub oldest_open_at: Option<i64>,
    /// Pushes that failed for good.
    pub failed_pushes: i64,
}

impl PartnerHealth {
    /// The share of links in agreement, in whole percent; 100 when there are no links.
    pub fn agreement_percent(&self) -> i64 {
        if self.links == 0 {
            100
        } else {
            self.agreeing * 100 / self.links
        }
    }
}

/// Health of every partner that has a connection, the least healthy first.
pub async fn health(db: &Db) -> Result<Vec<PartnerHealth>, sqlx::Error> {
    let mut rows: Vec<PartnerHealth> = sqlx::query_as(
        "SELECT p.id AS partner_id, p.name AS partner_name, \
         (SELECT COUNT(*) FROM booking_links l \
            WHERE l.partner_id = p.id AND l.superseded_by IS NULL) AS links, \
         (SELECT COUNT(*) FROM booking_links l \
            WHERE l.partner_id = p.id AND l.superseded_by IS NULL AND NOT EXISTS \
              (SELECT 1 FROM mismatches m WHERE m.link_id = l.id AND m.state <> 'resolved')) \
            AS agreeing, \
         (SELECT COUNT(*) FROM mismatches m \
            WHERE m.partner_id = p.id AND m.state <> 'resolved') AS open_mismatches, \
         (SELECT MIN(m.detected_at) FROM mismatches m \
            WHERE m.partner_id = p.id AND m.state <> 'resolved') AS oldest_open_at, \
         (SELECT COUNT(*) FROM outbox o JOIN connections c ON c.id = o.connection_id \
            WHERE c.partner_id = p.id AND o.state = 'failed') AS failed_pushes \
         FROM partners p \
         WHERE EXISTS (SELECT 1 FROM connections c WHERE c.partner_id = p.id) \
         ORDER BY p.name",
    )
    .fetch_all(db.pool())
    .await?;
    rows.sort_by_key(|h| (h.agreement_percent(), h.oldest_open_at.unwrap_or(i64::MAX)));
    Ok(rows)
}

/// Partner Care's people, for the assignee filter.
pub async fn care_staff(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email FROM users WHERE role = 'partner_care' AND disabled = 0 ORDER BY email",
    )
    .fetch_all(db.pool())
    .await
}
