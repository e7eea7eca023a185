//! `booking_links`: the two sides of one appointment, with the base (the last state both sides
//! agreed on). A link is superseded by another (service change), never removed.

use std::sync::LazyLock;

use sqlx::Executor;
use sqlx::any::{Any, AnyRow};

use super::link_sides::{self, Read, Snapshot, StoredBase};
use super::{Db, Tx};
use crate::domain::reconcile::Base;
use crate::domain::{Sides, System};

/// A link with both of its snapshots and its base: everything reconcile needs, in one row.
#[derive(Clone, Debug)]
pub struct LinkRow {
    pub id: i64,
    pub connection_id: i64,
    pub partner_id: i64,
    pub origin_system: String,
    pub voucher_code: Option<String>,
    pub created_at: i64,
    pub change_pending_since: Option<i64>,
    /// Each system's latest snapshot; `None` for a side not seen yet.
    pub sides: Sides<Option<Snapshot>>,
    /// The last state both sides agreed on; `None` until they agreed once.
    pub base: Option<StoredBase>,
    pub has_open_case: i64,
    pub pending_pushes: i64,
    pub open_mismatches: i64,
    /// The kind of the procedure under way on the link (pending, running or waiting), if any.
    pub active_procedure: Option<String>,
    /// When reconcile must look at the link again (0: now; `None`: only when it changes).
    pub next_check_at: Option<i64>,
    /// How many times the link has been marked for reconcile so far (see
    /// [`set_next_check_unless_marked`]).
    pub marks: i64,
}

impl LinkRow {
    /// A row selected by [`joined`] with the same `read`.
    pub fn decode(row: &AnyRow, read: Read) -> Result<LinkRow, sqlx::Error> {
        use sqlx::Row;
        let (sides, base) = link_sides::decode(row, read)?;
        Ok(LinkRow {
            id: row.try_get("id")?,
            connection_id: row.try_get("connection_id")?,
            partner_id: row.try_get("partner_id")?,
            origin_system: row.try_get("origin_system")?,
            voucher_code: row.try_get("voucher_code")?,
            created_at: row.try_get("created_at")?,
            change_pending_since: row.try_get("change_pending_since")?,
            sides,
            base,
            has_open_case: row.try_get("has_open_case")?,
            pending_pushes: row.try_get("pending_pushes")?,
            open_mismatches: row.try_get("open_mismatches")?,
            active_procedure: row.try_get("active_procedure")?,
            next_check_at: row.try_get("next_check_at")?,
            marks: row.try_get("marks")?,
        })
    }
}

impl LinkRow {
    /// The side of `system`, once it has been seen.
    pub fn side(&self, system: System) -> Option<&Snapshot> {
        self.sides.get(system).as_ref()
    }

    /// The Reservio service the booking is on, once Reservio has shown it.
    pub fn reservio_service(&self) -> Option<&str> {
        self.side(System::Reservio).map(|s| s.service_id.as_str())
    }

    /// Each side's id in its own system, once seen.
    pub fn external_ids(&self) -> Sides<Option<&str>> {
        self.sides
            .as_ref()
            .map(|_, s| s.as_ref().map(|s| s.external_id.as_str()))
    }
}

/// The links with their sides, as `read` selects them, and what reconcile asks of their
/// cases, pushes, mismatches and procedures; a query adds its WHERE.
pub fn joined(read: Read) -> &'static str {
    static JOINED: LazyLock<[String; 2]> = LazyLock::new(|| {
        Read::ALL.map(|read| {
            format!(
                "SELECT l.id, l.connection_id, l.partner_id, l.origin_system, l.voucher_code, \
                 l.created_at, l.change_pending_since, {}, \
                 CASE WHEN EXISTS (SELECT 1 FROM cases c WHERE c.link_id = l.id \
                      AND c.state <> 'resolved') THEN 1 ELSE 0 END AS has_open_case, \
                 CASE WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.link_id = l.id \
                      AND o.state = 'pending') THEN 1 ELSE 0 END AS pending_pushes, \
                 (SELECT COUNT(*) FROM mismatches m WHERE m.link_id = l.id \
                      AND m.state <> 'resolved') AS open_mismatches, \
                 (SELECT o.kind FROM procedures o WHERE o.link_id = l.id \
                      AND o.state IN ('pending', 'running', 'waiting') ORDER BY o.id LIMIT 1) \
                      AS active_procedure, \
                 l.next_check_at, l.marks \
                 FROM booking_links l {}",
                read.columns(),
                read.joins()
            )
        })
    });
    &JOINED[read as usize]
}

/// Runs a query over [`joined`] `read` with its binds, decoding each row.
async fn fetch_rows<'q>(
    db: &Db,
    read: Read,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| LinkRow::decode(row, read))
        .collect()
}

/// One page of a connection's current links, in id order after `after_id`.
pub async fn page_for_connection(
    db: &Db,
    connection_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    let sql = format!(
        "{} WHERE l.connection_id = $1 AND l.superseded_by IS NULL AND l.id > $2 \
         ORDER BY l.id LIMIT $3",
        joined(Read::Sync)
    );
    let query = sqlx::query(&sql)
        .bind(connection_id)
        .bind(after_id)
        .bind(limit);
    fetch_rows(db, Read::Sync, query).await
}

/// One page of a connection's current links that reconcile must look at by `now` — one of
/// their inputs changed, or a time-based check falls due — in id order after `after_id`.
pub async fn page_due_for_connection(
    db: &Db,
    connection_id: i64,
    now: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    let sql = format!(
        "{} WHERE l.connection_id = $1 AND l.next_check_at <= $2 \
         AND l.superseded_by IS NULL AND l.id > $3 ORDER BY l.id LIMIT $4",
        joined(Read::Sync)
    );
    let query = sqlx::query(&sql)
        .bind(connection_id)
        .bind(now)
        .bind(after_id)
        .bind(limit);
    fetch_rows(db, Read::Sync, query).await
}

/// Every current link of every connection, in id order: a look over the whole database (the
/// soak's final check against the systems' own state).
pub async fn all_current(db: &Db) -> Result<Vec<LinkRow>, sqlx::Error> {
    let sql = format!(
        "{} WHERE l.superseded_by IS NULL ORDER BY l.id",
        joined(Read::Sync)
    );
    fetch_rows(db, Read::Sync, sqlx::query(&sql)).await
}

/// Sets when reconcile must look at the link again, in the transaction that applied its
/// outcome (after its writes, which marked it).
pub async fn set_next_check_in(
    tx: &mut Tx,
    link_id: i64,
    next_check_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE booking_links SET next_check_at = $1 WHERE id = $2")
        .bind(next_check_at)
        .bind(link_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets when reconcile must look at a link it read with `marks` again — unless something marked
/// the link since: then it stays marked, for a reconcile that sees what marked it. False then.
pub async fn set_next_check_unless_marked<'c>(
    conn: impl Executor<'c, Database = Any>,
    link_id: i64,
    next_check_at: Option<i64>,
    marks: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE booking_links SET next_check_at = $1 WHERE id = $2 AND marks = $3")
            .bind(next_check_at)
            .bind(link_id)
            .bind(marks)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes link `link_id`, read with `marks`, for the writes of this transaction — unless
/// something marked it since it was read (false): what reconcile decided from that read is
/// then already out of date, and the link is left marked. Once taken, a mark from elsewhere
/// waits for this transaction (PostgreSQL's row lock; SQLite's single writer), so it is not lost
/// to the next check this transaction sets.
pub async fn take_unless_marked(
    tx: &mut Tx,
    link_id: i64,
    marks: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE booking_links SET marks = marks WHERE id = $1 AND marks = $2")
        .bind(link_id)
        .bind(marks)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a link for the next reconcile.
pub async fn mark_for_check(tx: &mut Tx, link_id: i64) -> Result<(), sqlx::Error> {
    set_next_check_in(tx, link_id, Some(0)).await
}

/// One link with its snapshots in full (their ids, service names, when they were read).
pub async fn find_row(db: &Db, id: i64) -> Result<Option<LinkRow>, sqlx::Error> {
    let sql = format!("{} WHERE l.id = $1", joined(Read::Full));
    let query = sqlx::query(&sql).bind(id);
    Ok(fetch_rows(db, Read::Full, query).await?.pop())
}

/// The link that superseded link `id` (a service change's new booking), if one did; `None` too
/// when there is no such link. Read apart from [`LinkRow`], the current link's view.
pub async fn superseded_by(db: &Db, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT superseded_by FROM booking_links WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(by,)| by))
}

/// The snapshot ids a link holds, (Reservio, Termino), `None` where a side is still missing.
pub type SideIds = (Option<i64>, Option<i64>);

/// The sides link `id` holds so far; `None` when there is no such link.
pub async fn side_ids(db: &Db, id: i64) -> Result<Option<SideIds>, sqlx::Error> {
    read_side_ids(db.pool(), id).await
}

/// [`side_ids`] inside the caller's transaction.
pub async fn side_ids_tx(tx: &mut Tx, id: i64) -> Result<Option<SideIds>, sqlx::Error> {
    read_side_ids(&mut **tx, id).await
}

async fn read_side_ids<'c>(
    conn: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<SideIds>, sqlx::Error> {
    sqlx::query_as(
        "SELECT reservio_booking_id, termino_booking_id FROM booking_links WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The current link a snapshot belongs to, if any.
pub async fn link_of_booking(tx: &mut Tx, booking_id: i64) -> Result<Option<i64>, sqlx::Error> {
    // One branch per column, so each is a look-up in its own index: SQLite answers
    // `reservio_booking_id = $1 OR termino_booking_id = $1` by scanning every link
    // (half a second per call at 1,000,000 links).
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM booking_links WHERE superseded_by IS NULL AND reservio_booking_id = $1 \
         UNION ALL \
         SELECT id FROM booking_links WHERE superseded_by IS NULL AND termino_booking_id = $1 \
         ORDER BY id LIMIT 1",
    )
    .bind(booking_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| r.0))
}

/// A new link; either side may still be missing.
pub struct NewLink<'a> {
    pub connection_id: i64,
    pub partner_id: i64,
    pub reservio_booking_id: Option<i64>,
    pub termino_booking_id: Option<i64>,
    pub voucher_code: Option<&'a str>,
    pub origin: System,
}

pub async fn insert(tx: &mut Tx, link: &NewLink<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO booking_links (connection_id, partner_id, reservio_booking_id, \
         termino_booking_id, voucher_code, origin_system, created_at, updated_at, \
         appointment_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, COALESCE(\
             (SELECT b.start_at FROM external_bookings b WHERE b.id = $3), \
             (SELECT b.start_at FROM external_bookings b WHERE b.id = $4), 0)) \
         RETURNING id",
    )
    .bind(link.connection_id)
    .bind(link.partner_id)
    .bind(link.reservio_booking_id)
    .bind(link.termino_booking_id)
    .bind(link.voucher_code)
    .bind(link.origin.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for booking in [link.reservio_booking_id, link.termino_booking_id]
        .into_iter()
        .flatten()
    {
        placed(tx, booking).await?;
    }
    Ok(id)
}

/// The snapshot belongs to a link now: the link step need not look at it again.
pub async fn placed(tx: &mut Tx, booking_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE external_bookings SET awaiting_link = 0 WHERE id = $1 AND awaiting_link = 1",
    )
    .bind(booking_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Fills the missing side of a link.
pub async fn attach(
    tx: &mut Tx,
    link_id: i64,
    system: System,
    booking_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let column = match system {
        System::Reservio => "reservio_booking_id",
        System::Termino => "termino_booking_id",
    };
    sqlx::query(&format!(
        "UPDATE booking_links SET {column} = $1, updated_at = $2, next_check_at = 0 \
         WHERE id = $3 AND {column} IS NULL"
    ))
    .bind(booking_id)
    .bind(now)
    .bind(link_id)
    .execute(&mut **tx)
    .await?;
    placed(tx, booking_id).await?;
    refresh_appointment(tx, link_id).await
}

/// Supersedes link `from` by link `into`, the same appointment: `into` takes whichever side it
/// lacks from `from`. False when `from` is no longer current.
pub async fn merge_into(tx: &mut Tx, from: i64, into: i64, now: i64) -> Result<bool, sqlx::Error> {
    let sides: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT reservio_booking_id, termino_booking_id FROM booking_links \
         WHERE id = $1 AND superseded_by IS NULL",
    )
    .bind(from)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((reservio, termino)) = sides else {
        return Ok(false);
    };
    sqlx::query("UPDATE booking_links SET superseded_by = $1, updated_at = $2 WHERE id = $3")
        .bind(into)
        .bind(now)
        .bind(from)
        .execute(&mut **tx)
        .await?;
    if let Some(id) = reservio {
        attach(tx, into, System::Reservio, id, now).await?;
    }
    if let Some(id) = termino {
        attach(tx, into, System::Termino, id, now).await?;
    }
    mark_for_check(tx, into).await?;
    Ok(true)
}

/// Sets when a link's appointment is, for a link whose snapshots are not stored yet (a service
/// change's new booking, before it exists in either system).
pub async fn set_appointment(tx: &mut Tx, id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE booking_links SET appointment_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Link `from` is superseded by link `by` (a service change's new booking); nothing moves over.
/// False when `from` was already superseded.
pub async fn supersede(tx: &mut Tx, from: i64, by: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE booking_links SET superseded_by = $1, updated_at = $2 \
         WHERE id = $3 AND superseded_by IS NULL",
    )
    .bind(by)
    .bind(now)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// `appointment_at` computed from the row's own columns: the base's start, else a snapshot's.
const APPOINTMENT_AT: &str = "COALESCE(base_start_at, \
     (SELECT b.start_at FROM external_bookings b WHERE b.id = booking_links.reservio_booking_id), \
     (SELECT b.start_at FROM external_bookings b WHERE b.id = booking_links.termino_booking_id), 0)";

/// Recomputes when a link's appointment is, for the lists that sort and filter by it.
async fn refresh_appointment(tx: &mut Tx, link_id: i64) -> Result<(), sqlx::Error> {
    refresh_appointments(tx, "id = $1", link_id).await
}

/// Recomputes the appointment of the current links of a snapshot that changed. Only links
/// without a base follow their snapshots; the others keep the agreed start.
pub async fn refresh_appointment_of_booking(
    tx: &mut Tx,
    booking_id: i64,
) -> Result<(), sqlx::Error> {
    let which = "base_start_at IS NULL AND superseded_by IS NULL \
         AND (reservio_booking_id = $1 OR termino_booking_id = $1)";
    refresh_appointments(tx, which, booking_id).await
}

/// Recomputes `appointment_at` of the links `which` picks, a condition on `$1` = `id`.
async fn refresh_appointments(tx: &mut Tx, which: &str, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE booking_links SET appointment_at = {APPOINTMENT_AT} WHERE {which}"
    ))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a new base and whether a change is on its way.
pub async fn set_base(
    tx: &mut Tx,
    link_id: i64,
    base: Option<&Base>,
    change_pending_since: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    match base {
        Some(b) => {
            sqlx::query(
                "UPDATE booking_links SET base_start_at = $1, base_end_at = $2, \
                 base_service_id = $3, base_customer_name = $4, base_customer_email = $5, \
                 base_customer_phone = $6, base_status = $7, change_pending_since = $8, \
                 updated_at = $9, appointment_at = $1 WHERE id = $10",
            )
            .bind(b.start_at)
            .bind(b.end_at)
            .bind(&b.service)
            .bind(&b.customer.name)
            .bind(&b.customer.email)
            .bind(&b.customer.phone)
            .bind(b.status.as_str())
            .bind(change_pending_since)
            .bind(now)
            .bind(link_id)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query(
                "UPDATE booking_links SET change_pending_since = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(change_pending_since)
            .bind(now)
            .bind(link_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Moves the base's time after a pushed date change took effect (only for links with a base).
pub async fn set_base_time(
    tx: &mut Tx,
    link_id: i64,
    start_at: i64,
    end_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE booking_links SET base_start_at = $1, base_end_at = $2, updated_at = $3, \
         next_check_at = 0 WHERE id = $4 AND base_start_at IS NOT NULL",
    )
    .bind(start_at)
    .bind(end_at)
    .bind(now)
    .bind(link_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn count_for_connection(db: &Db, connection_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM booking_links WHERE connection_id = $1 AND superseded_by IS NULL",
    )
    .bind(connection_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}
