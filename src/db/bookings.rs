//! `external_bookings`: the latest snapshot of each booking in each system. Rows are updated
//! as the systems change and marked vanished when a booking disappears — never deleted.

use sqlx::FromRow;

use super::{Db, Tx};
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

/// Stores the latest snapshot of a booking.
pub async fn upsert(
    tx: &mut Tx,
    connection_id: i64,
    booking: &RemoteBooking,
    now: i64,
) -> Result<Stored, sqlx::Error> {
    let hash = booking.content_hash();
    let existing: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, content_hash, vanished_at FROM external_bookings \
         WHERE connection_id = $1 AND system = $2 AND external_id = $3",
    )
    .bind(connection_id)
    .bind(booking.system.as_str())
    .bind(&booking.external_id)
    .fetch_optional(&mut **tx)
    .await?;
    match existing {
        Some((id, old_hash, None)) if old_hash == hash => Ok(Stored::Unchanged(id)),
        Some((id, _, _)) => {
            sqlx::query(
                "UPDATE external_bookings SET start_at = $1, end_at = $2, service_id = $3, \
                 customer_name = $4, customer_email = $5, customer_phone = $6, status = $7, \
                 voucher_code = $8, counterpart_id = $9, self_rescheduled = $10, \
                 remote_updated_at = $11, content_hash = $12, raw_payload = $13, \
                 fetched_at = $14, vanished_at = NULL WHERE id = $15",
            )
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
            .bind(&hash)
            .bind(&booking.raw)
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            super::links::refresh_appointment_of_booking(tx, id).await?;
            Ok(Stored::Changed(id))
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO external_bookings (connection_id, system, external_id, start_at, \
                 end_at, service_id, customer_name, customer_email, customer_phone, status, \
                 voucher_code, counterpart_id, self_rescheduled, remote_updated_at, content_hash, \
                 raw_payload, fetched_at, awaiting_link) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1) \
                 RETURNING id",
            )
            .bind(connection_id)
            .bind(booking.system.as_str())
            .bind(&booking.external_id)
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
            .bind(&hash)
            .bind(&booking.raw)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            Ok(Stored::New(id))
        }
    }
}

/// The bookings of a polled window we believe are there (not vanished): id and external id.
/// Those a complete listing no longer shows have vanished — unless they are too many to be
/// deletions (`sync::listing` decides).
pub async fn present_in_window(
    tx: &mut Tx,
    connection_id: i64,
    system: System,
    window: (i64, i64),
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, external_id FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND vanished_at IS NULL AND start_at >= $3 AND start_at < $4 ORDER BY id",
    )
    .bind(connection_id)
    .bind(system.as_str())
    .bind(window.0)
    .bind(window.1)
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
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND external_id = $3"
    ))
    .bind(connection_id)
    .bind(system.as_str())
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await
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
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND voucher_code = $3 ORDER BY id DESC LIMIT 1"
    ))
    .bind(connection_id)
    .bind(system.as_str())
    .bind(voucher_code)
    .fetch_optional(&mut **tx)
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
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM external_bookings WHERE connection_id = $1 AND system = $2 \
         AND counterpart_id = $3 ORDER BY id LIMIT 1"
    ))
    .bind(connection_id)
    .bind(system.as_str())
    .bind(external_id)
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
