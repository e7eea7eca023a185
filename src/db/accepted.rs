//! `accepted_differences`: a difference Partner Care accepted on purpose silences its kind of
//! mismatch on its link until either side changes again. The fingerprint is both snapshots'
//! content hashes, computed here in SQL so the accepting and the checking agree.

use super::{GuardedWrite, Tx};

/// Both sides of link `l` as they are now (`r`, `t`: its snapshots, either may be missing).
const FINGERPRINT: &str = "COALESCE(r.content_hash, '') || '|' || COALESCE(t.content_hash, '')";

const SIDES: &str = "FROM booking_links l \
     LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
     LEFT JOIN external_bookings t ON t.id = l.termino_booking_id";

/// A difference to accept.
pub struct Acceptance<'a> {
    pub link_id: i64,
    pub kind: &'a str,
    pub reason: &'a str,
    pub mismatch_id: i64,
    pub accepted_by: i64,
}

/// Records the acceptance against both sides as they are now. False when exactly this was
/// accepted already.
pub async fn accept(tx: &mut Tx, a: &Acceptance<'_>, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO accepted_differences (link_id, kind, fingerprint, reason, mismatch_id, \
         accepted_by, accepted_at) SELECT l.id, $2, {FINGERPRINT}, $3, $4, $5, $6 {SIDES} \
         WHERE l.id = $1 ON CONFLICT DO NOTHING"
    ))
    .bind(a.link_id)
    .bind(a.kind)
    .bind(a.reason)
    .bind(a.mismatch_id)
    .bind(a.accepted_by)
    .bind(now)
    .changed_one(tx)
    .await
}

/// The kinds accepted on the link while both sides are still as they were then.
pub async fn still_accepted(tx: &mut Tx, link_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT a.kind FROM accepted_differences a JOIN booking_links l ON l.id = a.link_id \
         LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id \
         LEFT JOIN external_bookings t ON t.id = l.termino_booking_id \
         WHERE a.link_id = $1 AND a.fingerprint = {FINGERPRINT}"
    ))
    .bind(link_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(kind,)| kind).collect())
}
