//! What the partner's home page counts: open mismatches by kind, and mismatches opened and
//! resolved over time.

use crate::db::Db;

/// Open mismatches of the partner's current links, by stored kind.
pub async fn open_mismatches_by_kind(
    db: &Db,
    partner_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // Superseded links are history; the counts lead to the list, which shows current links.
    sqlx::query_as(
        "SELECT m.kind, COUNT(*) FROM mismatches m JOIN booking_links l ON l.id = m.link_id \
         WHERE m.partner_id = $1 AND m.state <> 'resolved' AND l.superseded_by IS NULL \
         GROUP BY m.kind",
    )
    .bind(partner_id)
    .fetch_all(db.pool())
    .await
}

/// Length of the time slots [`mismatch_activity`] counts in. Every time zone's offset is a
/// whole number of quarter hours, so slots can be summed into any zone's days exactly.
pub const SLOT_SECS: i64 = 15 * 60;

/// Mismatches opened and resolved since `since`, counted per [`SLOT_SECS`] slot: each row is
/// (resolved?, slot number = Unix time / SLOT_SECS, count). At most a few thousand rows a
/// month, however many mismatches there were.
pub async fn mismatch_activity(
    db: &Db,
    partner_id: i64,
    since: i64,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    // The slot length is written into the text so the grouped expression and the selected one
    // are the same on both databases (PostgreSQL matches them by their text).
    sqlx::query_as(&format!(
        "SELECT CAST(0 AS BIGINT), detected_at / {SLOT_SECS}, COUNT(*) FROM mismatches \
         WHERE partner_id = $1 AND detected_at >= $2 GROUP BY detected_at / {SLOT_SECS} \
         UNION ALL \
         SELECT CAST(1 AS BIGINT), resolved_at / {SLOT_SECS}, COUNT(*) FROM mismatches \
         WHERE partner_id = $1 AND resolved_at >= $2 GROUP BY resolved_at / {SLOT_SECS}"
    ))
    .bind(partner_id)
    .bind(since)
    .fetch_all(db.pool())
    .await
}

/// What Partner Care's home counts: unresolved mismatches, those nobody has taken, and
/// unresolved cases.
pub async fn care_counts(db: &Db) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'), \
         (SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved' AND assignee_id IS NULL), \
         (SELECT COUNT(*) FROM cases WHERE state <> 'resolved')",
    )
    .fetch_one(db.pool())
    .await
}

/// Unresolved problems partners reported about a connection itself (not about a booking).
pub async fn open_connection_problems(db: &Db) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM cases WHERE link_id IS NULL AND connection_id IS NOT NULL \
         AND state <> 'resolved'",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
