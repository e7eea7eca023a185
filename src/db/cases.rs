//! `cases` and `case_notes`: escalations to Partner Care and the conversation on each.

use sqlx::FromRow;

use super::filter::{Bind, Where};
use super::{Db, GuardedWrite, Tx};

/// A case with the names its pages show.
#[derive(Clone, Debug, FromRow)]
pub struct CaseRecord {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub link_id: Option<i64>,
    pub connection_id: Option<i64>,
    pub connection_code: Option<String>,
    pub voucher_code: Option<String>,
    pub kind: String,
    pub state: String,
    pub reason: String,
    /// What the partner proposes (an escalation's "what could be done instead").
    pub proposal: String,
    pub outcome: Option<String>,
    pub opened_by_email: Option<String>,
    pub opened_at: i64,
    pub assignee_id: Option<i64>,
    pub assignee_email: Option<String>,
    pub resolved_by_email: Option<String>,
    pub resolved_at: Option<i64>,
    pub notes: i64,
}

const RECORD: &str = "SELECT c.id, c.partner_id, p.name AS partner_name, c.link_id, \
     c.connection_id, cn.connection_code, l.voucher_code, c.kind, c.state, c.reason, c.proposal, c.outcome, \
     ob.email AS opened_by_email, c.opened_at, c.assignee_id, a.email AS assignee_email, \
     rb.email AS resolved_by_email, c.resolved_at, \
     (SELECT COUNT(*) FROM case_notes n WHERE n.case_id = c.id) AS notes \
     FROM cases c JOIN partners p ON p.id = c.partner_id \
     LEFT JOIN connections cn ON cn.id = c.connection_id \
     LEFT JOIN booking_links l ON l.id = c.link_id \
     LEFT JOIN users ob ON ob.id = c.opened_by \
     LEFT JOIN users a ON a.id = c.assignee_id \
     LEFT JOIN users rb ON rb.id = c.resolved_by";

/// Which cases a list shows.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// One state, or every unresolved case when `None`.
    pub state: Option<String>,
    pub partner_id: Option<i64>,
    pub connection_id: Option<i64>,
}

/// Unresolved cases oldest first (they waited longest); resolved ones newest first.
pub async fn list(db: &Db, f: &CaseFilter, limit: i64) -> Result<Vec<CaseRecord>, sqlx::Error> {
    let mut w = Where::new();
    let order = match &f.state {
        Some(state) => {
            w.and("c.state = {}", [Bind::from(state.as_str())]);
            if state == "resolved" {
                "c.resolved_at DESC, c.id DESC"
            } else {
                "c.opened_at, c.id"
            }
        }
        None => {
            w.and("c.state <> 'resolved'", []);
            "c.opened_at, c.id"
        }
    };
    if let Some(partner_id) = f.partner_id {
        w.and("c.partner_id = {}", [Bind::from(partner_id)]);
    }
    if let Some(connection_id) = f.connection_id {
        w.and("c.connection_id = {}", [Bind::from(connection_id)]);
    }
    let where_sql = w.sql();
    let limit = w.bind(limit);
    let sql = format!("{RECORD}{where_sql} ORDER BY {order} LIMIT {limit}");
    w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await
}

/// Every problem reported about a connection itself, any state, newest first. A case about
/// one booking is that booking's, not the connection's.
pub async fn of_connection(db: &Db, connection_id: i64) -> Result<Vec<CaseRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{RECORD} WHERE c.connection_id = $1 AND c.link_id IS NULL ORDER BY c.id DESC"
    ))
    .bind(connection_id)
    .fetch_all(db.pool())
    .await
}

/// Every case about one booking, newest first.
pub async fn of_link(db: &Db, link_id: i64) -> Result<Vec<CaseRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{RECORD} WHERE c.link_id = $1 ORDER BY c.id DESC"))
        .bind(link_id)
        .fetch_all(db.pool())
        .await
}

/// The first unresolved case about a booking, if any.
pub async fn open_for_link(db: &Db, link_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM cases WHERE link_id = $1 AND state <> 'resolved' ORDER BY id LIMIT 1",
    )
    .bind(link_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Whether case `id` is unresolved and about this very booking.
pub async fn is_open_about(db: &Db, id: i64, link_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM cases WHERE id = $1 AND link_id = $2 AND state <> 'resolved'",
    )
    .bind(id)
    .bind(link_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// One case; with `partner_id`, only if it is that partner's.
pub async fn find(
    db: &Db,
    id: i64,
    partner_id: Option<i64>,
) -> Result<Option<CaseRecord>, sqlx::Error> {
    let mut w = Where::new();
    w.and("c.id = {}", [Bind::from(id)]);
    if let Some(partner_id) = partner_id {
        w.and("c.partner_id = {}", [Bind::from(partner_id)]);
    }
    let sql = format!("{RECORD}{}", w.sql());
    w.bind_as(sqlx::query_as(&sql))
        .fetch_optional(db.pool())
        .await
}

/// A case to open.
pub struct NewCase<'a> {
    pub partner_id: i64,
    pub link_id: Option<i64>,
    pub connection_id: Option<i64>,
    pub kind: &'a str,
    pub reason: &'a str,
    /// What the partner proposes instead (an escalation); may be empty.
    pub proposal: &'a str,
    pub opened_by: i64,
}

/// Opens a case.
pub async fn insert(tx: &mut Tx, c: &NewCase<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cases (partner_id, link_id, connection_id, kind, state, reason, proposal, \
         opened_by, opened_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.partner_id)
    .bind(c.link_id)
    .bind(c.connection_id)
    .bind(c.kind)
    .bind(c.reason)
    .bind(c.proposal)
    .bind(c.opened_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The case's state inside a write transaction, to decide a transition on.
pub async fn state_for_update(tx: &mut Tx, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT state FROM cases WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Someone in Partner Care takes an open case.
pub async fn take(tx: &mut Tx, id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET state = 'in_progress', assignee_id = $1 WHERE id = $2 AND state = 'open'",
    )
    .bind(user_id)
    .bind(id)
    .changed_one(tx)
    .await
}

/// Resolves an unresolved case with its outcome.
pub async fn resolve(
    tx: &mut Tx,
    id: i64,
    user_id: i64,
    outcome: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET state = 'resolved', outcome = $1, resolved_by = $2, resolved_at = $3, \
         assignee_id = COALESCE(assignee_id, $4) WHERE id = $5 AND state <> 'resolved'",
    )
    .bind(outcome)
    .bind(user_id)
    .bind(now)
    .bind(user_id)
    .bind(id)
    .changed_one(tx)
    .await
}

/// One message in a case's conversation.
#[derive(Clone, Debug, FromRow)]
pub struct CaseNote {
    pub id: i64,
    pub author_email: Option<String>,
    pub author_role: Option<String>,
    pub body: String,
    pub created_at: i64,
}

/// The conversation, oldest first, as it is read.
pub async fn notes(db: &Db, case_id: i64) -> Result<Vec<CaseNote>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, u.email AS author_email, u.role AS author_role, n.body, n.created_at \
         FROM case_notes n LEFT JOIN users u ON u.id = n.author_id \
         WHERE n.case_id = $1 ORDER BY n.id",
    )
    .bind(case_id)
    .fetch_all(db.pool())
    .await
}

/// Adds a message to a case's conversation.
pub async fn add_note(
    tx: &mut Tx,
    case_id: i64,
    author_id: i64,
    body: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO case_notes (case_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(case_id)
    .bind(author_id)
    .bind(body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
