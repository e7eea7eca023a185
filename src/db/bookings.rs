//! `external_bookings`: the latest snapshot of each booking in each system. Rows are updated
//! as the systems change and marked vanished when a booking disappears — never deleted.

use sqlx::{FromRow, Row};

use super::{AnyQuery, Db, Tx};
use crate::clock::ReadMark;
use crate::domain::{BookingStatus, Customer, RemoteBooking, System};

/// A stored snapshot.
#[derive(Clone, Debug, FromRow)]
pub struct StoredBooking {
    pub id: i64,
    pub connection_id: i64,
    pub system: String,
    pub external_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub service_id: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: String,
    pub status: String,
    pub voucher_code: Option<String>,
    pub counterpart_id: Option<String>,
    pub self_rescheduled: i64,
    pub fetched_at: i64,
    pub vanished_at: Option<i64>,
}

impl StoredBooking {
    pub fn system(&self) -> Option<System> {
        self.system.parse().ok()
    }

    pub fn status(&self) -> BookingStatus {
        // Only statuses we wrote ourselves are stored.
        self.status.parse().unwrap_or(BookingStatus::Confirmed)
    }

    pub fn customer(&self) -> Customer {
        Customer {
            name: self.customer_name.clone(),
            email: self.customer_email.clone(),
            phone: self.customer_phone.clone(),
        }
    }
}

pub const COLUMNS: &str = "id, connection_id, system, external_id, start_at, end_at, service_id, \
     customer_name, customer_email, customer_phone, status, voucher_code, counterpart_id, \
     self_rescheduled, fetched_at, vanished_at";

/// What storing a snapshot changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// First time we see this booking.
    New(i64),
    /// It changed since the last snapshot (or came back after vanishing).
    Changed(i64),
    /// Nothing that matters changed; nothing was written.
    Unchanged(i64),
}

impl Stored {
    pub fn id(self) -> i64 {
        match self {
            Stored::New(id) | Stored::Changed(id) | Stored::Unchanged(id) => id,
        }
    }
}

/// What [`upsert`] compares a new snapshot with.
#[derive(FromRow)]
struct StoredSnapshot {
    id: i64,
    content_hash: String,
    vanished_at: Option<i64>,
    remote_version: Option<String>,
    read_began_us: Option<i64>,
}

impl StoredSnapshot {
    /// Whether `incoming`, read by a read that began at `read`, is older than this: read before
    /// a change that is already stored. A poll's listing, a procedure's read-back, a push's
    /// answer and the channel feed's page may cross: a listing asked for before a procedure
    /// cancelled the booking, and stored after the procedure stored its cancelled read-back,
    /// would put the booking back as it was. Where the system versions its bookings (Termino)
    /// the versions decide; where it does not (Reservio) the read that began later wins.
    fn is_newer_than(&self, incoming: &RemoteBooking, read: Option<ReadMark>) -> bool {
        let stored = self
            .remote_version
            .as_deref()
            .and_then(|s| s.parse::<i64>().ok());
        match (incoming.remote_version, stored) {
            (Some(incoming), Some(stored)) => incoming < stored,
            _ => {
                matches!((read, self.read_began_us), (Some(read), Some(stored)) if read.0 < stored)
            }
        }
    }
}

/// Stores the latest snapshot of a booking, read by a read that began at `read` (`None`: not
/// known). A snapshot older than the stored one changes nothing (see
/// [`StoredSnapshot::is_newer_than`]).
pub async fn upsert(
    tx: &mut Tx,
    connection_id: i64,
    booking: &RemoteBooking,
    read: Option<ReadMark>,
    now: i64,
) -> Result<Stored, sqlx::Error> {
    let hash = booking.content_hash();
    let version = booking.remote_version.map(|v| v.to_string());
    let existing: Option<StoredSnapshot> = sqlx::query_as(
        "SELECT id, content_hash, vanished_at, remote_version, read_began_us \
         FROM external_bookings WHERE connection_id = $1 AND system = $2 AND external_id = $3",
    )
    .bind(connection_id)
    .bind(booking.system.as_str())
    .bind(&booking.external_id)
    .fetch_optional(&mut **tx)
    .await?;
    let read_began = read.map(|r| r.0);
    match existing {
        Some(s) if s.is_newer_than(booking, read) => Ok(Stored::Unchanged(s.id)),
        Some(s) if s.vanished_at.is_none() && s.content_hash == hash => {
            // Nothing that matters changed, but a later read must not go back before it.
            if version.is_some() && version != s.remote_version {
                sqlx::query("UPDATE external_bookings SET remote_version = $1 WHERE id = $2")
                    .bind(&version)
                    .bind(s.id)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(Stored::Unchanged(s.id))
        }
        Some(StoredSnapshot { id, .. }) => {
            let update = sqlx::query(
                "UPDATE external_bookings SET start_at = $1, end_at = $2, service_id = $3, \
                 customer_name = $4, customer_email = $5, customer_phone = $6, status = $7, \
                 voucher_code = $8, counterpart_id = $9, self_rescheduled = $10, \
                 remote_updated_at = $11, content_hash = $12, raw_payload = $13, \
                 fetched_at = $14, vanished_at = NULL, remote_version = $15, \
                 read_began_us = $16 WHERE id = $17",
            );
            bind_snapshot(update, booking, &hash, now)
                .bind(&version)
                .bind(read_began)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            super::links::refresh_appointment_of_booking(tx, id).await?;
            Ok(Stored::Changed(id))
        }
        None => {
            let insert = sqlx::query(
                "INSERT INTO external_bookings (start_at, end_at, service_id, customer_name, \
                 customer_email, customer_phone, status, voucher_code, counterpart_id, \
                 self_rescheduled, remote_updated_at, content_hash, raw_payload, fetched_at, \
                 remote_version, read_began_us, connection_id, system, external_id, \
                 awaiting_link) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 $14, $15, $16, $17, $18, $19, 1) RETURNING id",
            );
            let row = bind_snapshot(insert, booking, &hash, now)
                .bind(&version)
                .bind(read_began)
                .bind(connection_id)
                .bind(booking.system.as_str())
                .bind(&booking.external_id)
                .fetch_one(&mut **tx)
                .await?;
            Ok(Stored::New(row.try_get(0)?))
        }
    }
}

/// Binds what a snapshot stores of a booking as `$1` to `$14`, in the order [`upsert`]'s
/// UPDATE and INSERT name the columns: its times, service, customer, status, voucher,
/// counterpart, whether the customer moved it, when its system last changed it, the content
/// hash, the raw payload, and when it was fetched.
fn bind_snapshot<'q>(
    query: AnyQuery<'q>,
    booking: &'q RemoteBooking,
    hash: &'q str,
    now: i64,
) -> AnyQuery<'q> {
    query
        .bind(booking.start_at)
        .bind(booking.end_at)
        .bind(&booking.service_id)
        .bind(&booking.customer.name)
        .bind(&booking.customer.email)
        .bind(&booking.customer.phone)
        .bind(booking.status.as_str())
        .bind(&booking.voucher_code)
        .bind(&booking.counterpart_id)
        .bind(i64::from(booking.self_rescheduled))
        .bind(booking.updated_at)
        .bind(hash)
        .bind(&booking.raw)
        .bind(now)
}

/// The bookings of a polled window we believe are there (not vanished) and knew of before the
/// listing began at `listed`: id and external id. Those a complete listing no longer shows have
/// vanished — unless they are too many to be deletions (`sync::listing` decides). A booking
/// read after the listing began (a procedure's new booking) cannot be in it, and is not gone.
pub async fn present_in_window(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    window: (i64, i64),
    listed: ReadMark,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, external_id FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND vanished_at IS NULL AND start_at >= $3 AND start_at < $4 \
         AND (read_began_us IS NULL OR read_began_us < $5) ORDER BY id",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(window.0)
    .bind(window.1)
    .bind(listed.0)
    .fetch_all(&mut **tx)
    .await
}

/// Marks one booking as gone from its system.
pub async fn mark_one_vanished(tx: &mut Tx, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE external_bookings SET vanished_at = $1 WHERE id = $2 AND vanished_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn find(db: &Db, id: i64) -> Result<Option<StoredBooking>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// A connection's snapshot of one booking: an external id is unique only within one account of
/// one system, so the connection is always part of the look-up.
pub async fn find_by_external_id(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    external_id: &str,
) -> Result<Option<StoredBooking>, sqlx::Error> {
    one_of_system(tx, connection_id, system, "external_id = $3", external_id).await
}

/// Snapshots of one connection that the link step has not placed yet: those stored since its
/// last run, found through their own index (`awaiting_link`), however many links there are;
/// up to `limit` of them after id `after`, in id order.
pub async fn unlinked(
    tx: &mut Tx,
    connection_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredBooking>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings b WHERE b.connection_id = $1 \
         AND b.awaiting_link = 1 AND b.id > $2 ORDER BY b.id LIMIT $3"
    ))
    .bind(connection_id)
    .bind(after)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
}

/// A snapshot of `system` for the same voucher, if one exists for the connection.
pub async fn find_by_voucher(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    voucher_code: &str,
) -> Result<Option<StoredBooking>, sqlx::Error> {
    one_of_system(
        tx,
        connection_id,
        system,
        "voucher_code = $3 ORDER BY id DESC LIMIT 1",
        voucher_code,
    )
    .await
}

/// What a snapshot said before it changed: when, its status, and whether the customer had
/// used their one self-reschedule.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct Previous {
    pub start_at: i64,
    pub end_at: i64,
    pub status: String,
    pub self_rescheduled: i64,
}

/// The stored snapshot of one booking of the connection, as it was before this pull.
pub async fn previous(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    external_id: &str,
) -> Result<Option<Previous>, sqlx::Error> {
    sqlx::query_as(
        "SELECT start_at, end_at, status, self_rescheduled FROM external_bookings \
         WHERE connection_id = $1 AND system = $2 AND external_id = $3",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The snapshot of `system` that names `external_id` as its counterpart, if one exists for the
/// connection.
pub async fn naming_counterpart(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    external_id: &str,
) -> Result<Option<StoredBooking>, sqlx::Error> {
    one_of_system(
        tx,
        connection_id,
        system,
        "counterpart_id = $3 ORDER BY id LIMIT 1",
        external_id,
    )
    .await
}

/// The connection's snapshot of `system` that `condition` picks, its one placeholder `$3` bound
/// to `value`.
async fn one_of_system(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    condition: &str,
    value: &str,
) -> Result<Option<StoredBooking>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND {condition}"
    ))
    .bind(connection_id)
    .bind(system.as_str())
    .bind(value)
    .fetch_optional(&mut **tx)
    .await
}

/// The start and end of a connection's live snapshot, if there is one.
pub async fn live_time(
    db: &Db,
    connection_id: i64,
    system: System,
    external_id: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT start_at, end_at FROM external_bookings WHERE connection_id = $1 \
         AND system = $2 AND external_id = $3 AND vanished_at IS NULL",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(external_id)
    .fetch_optional(db.pool())
    .await
}

/// The system's own answer a snapshot was read from (JSON), as it was stored.
pub async fn raw_payload(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT raw_payload FROM external_bookings WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.map(|(raw,)| raw))
}

/// Whether a live Reservio booking of the connection we know of, other than snapshot `except`,
/// holds any part of `[start, end)`.
pub async fn reservio_slot_taken(
    db: &Db,
    connection_id: i64,
    (start, end): (i64, i64),
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM external_bookings WHERE connection_id = $1 AND system = 'reservio' \
         AND status IN ('confirmed', 'pending') AND vanished_at IS NULL \
         AND start_at < $2 AND end_at > $3 AND id <> $4",
    )
    .bind(connection_id)
    .bind(end)
    .bind(start)
    .bind(except.unwrap_or(0))
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Records that the sweep started at `started_at` listed this snapshot.
pub async fn mark_swept(tx: &mut Tx, id: i64, started_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE external_bookings SET swept_at = $1 WHERE id = $2")
        .bind(started_at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Live snapshots of a connection and system that the sweep started at `started_at` did not
/// list, and that were stored before it started: (id, external id), `limit` at a time.
pub async fn not_swept(
    db: &Db,
    connection_id: i64,
    system: System,
    started_at: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, external_id FROM external_bookings WHERE connection_id = $1 \
         AND system = $2 AND vanished_at IS NULL AND fetched_at < $3 \
         AND (swept_at IS NULL OR swept_at < $3) ORDER BY id LIMIT $4",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(started_at)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}
