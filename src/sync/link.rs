//! Link: attach every new snapshot to the link of its appointment — by the ids each side keeps
//! of the other first, then by voucher code — or start a link for it.

use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::db::Tx;
use crate::db::bookings::{self, StoredBooking};
use crate::db::connections::Connection;
use crate::db::links::{self, NewLink};
use crate::domain::System;

/// Snapshots placed per transaction: a first sync's hundreds in one transaction would hold the
/// rows they touch (and SQLite's single writer) until all of them were placed.
const BATCH: i64 = 20;

/// Links every unlinked snapshot of the connection; returns the ids of links created or
/// completed.
pub async fn link_new(ctx: &SyncContext, connection: &Connection) -> Result<Vec<i64>, SyncError> {
    let mut touched = vec![];
    let mut after = 0;
    loop {
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        let unlinked = bookings::unlinked(&mut tx, connection.id, after, BATCH).await?;
        let Some(last) = unlinked.last() else {
            break;
        };
        after = last.id;
        let full = unlinked.len() as i64 == BATCH;
        for booking in unlinked {
            let Some(system) = booking.system() else {
                continue;
            };
            // Earlier iterations may have linked this one already (as the counterpart of
            // another).
            if links::link_of_booking(&mut tx, booking.id).await?.is_some() {
                links::placed(&mut tx, booking.id).await?;
                continue;
            }
            let link_id = link_one(&mut tx, connection, &booking, system, now).await?;
            touched.push(link_id);
        }
        tx.commit().await?;
        if !full {
            break;
        }
    }
    Ok(touched)
}

async fn counterpart(
    tx: &mut Tx,
    connection: &Connection,
    booking: &StoredBooking,
    system: System,
) -> Result<Option<StoredBooking>, sqlx::Error> {
    if let Some(other_id) = &booking.counterpart_id {
        if let Some(other) =
            bookings::find_by_external_id(tx, connection.id, system.other(), other_id).await?
        {
            return Ok(Some(other));
        }
    }
    // The other side may name us even if we do not name it.
    let named_by =
        bookings::naming_counterpart(tx, connection.id, system.other(), &booking.external_id)
            .await?;
    if named_by.is_some() {
        return Ok(named_by);
    }
    match &booking.voucher_code {
        Some(code) => bookings::find_by_voucher(tx, connection.id, system.other(), code).await,
        None => Ok(None),
    }
}

async fn link_one(
    tx: &mut Tx,
    connection: &Connection,
    booking: &StoredBooking,
    system: System,
    now: i64,
) -> Result<i64, SyncError> {
    let other = counterpart(tx, connection, booking, system).await?;
    if let Some(other) = &other {
        if let Some(link_id) = links::link_of_booking(tx, other.id).await? {
            // The other side's link may be waiting for us; fill the gap if it is ours to fill.
            let sides = links::side_ids_tx(tx, link_id).await?;
            let gap = matches!(
                (system, sides),
                (System::Reservio, Some((None, _))) | (System::Termino, Some((_, None)))
            );
            if gap {
                links::attach(tx, link_id, system, booking.id, now).await?;
                audit_link(
                    tx,
                    connection,
                    "link.completed",
                    link_id,
                    booking,
                    system,
                    now,
                )
                .await?;
                return Ok(link_id);
            }
        } else {
            let (reservio, termino) = match system {
                System::Reservio => (booking.id, other.id),
                System::Termino => (other.id, booking.id),
            };
            // The side we saw first is where the booking was made.
            let origin = if other.id < booking.id {
                system.other()
            } else {
                system
            };
            let voucher = booking
                .voucher_code
                .as_deref()
                .or(other.voucher_code.as_deref());
            let sides = (Some(reservio), Some(termino));
            let seen = (booking, system);
            return create_link(tx, connection, sides, voucher, origin, seen, now).await;
        }
    }
    let (reservio, termino) = match system {
        System::Reservio => (Some(booking.id), None),
        System::Termino => (None, Some(booking.id)),
    };
    let voucher = booking.voucher_code.as_deref();
    let seen = (booking, system);
    create_link(
        tx,
        connection,
        (reservio, termino),
        voucher,
        system,
        seen,
        now,
    )
    .await
}

/// Stores a new link of `connection` with its sides (Reservio, Termino), and audits its
/// creation on `seen`: the booking in its system that the link step was placing.
async fn create_link(
    tx: &mut Tx,
    connection: &Connection,
    sides: links::SideIds,
    voucher_code: Option<&str>,
    origin: System,
    (booking, system): (&StoredBooking, System),
    now: i64,
) -> Result<i64, SyncError> {
    let link = NewLink {
        connection_id: connection.id,
        partner_id: connection.partner_id,
        reservio_booking_id: sides.0,
        termino_booking_id: sides.1,
        voucher_code,
        origin,
    };
    let link_id = links::insert(tx, &link, now).await?;
    audit_link(
        tx,
        connection,
        "link.created",
        link_id,
        booking,
        system,
        now,
    )
    .await?;
    Ok(link_id)
}

async fn audit_link(
    tx: &mut Tx,
    connection: &Connection,
    action: &str,
    link_id: i64,
    booking: &StoredBooking,
    system: System,
    now: i64,
) -> Result<(), sqlx::Error> {
    audit::append(
        tx,
        now,
        Event::new(&SYNC, action, "booking_link", link_id)
            .partner(Some(connection.partner_id))
            .after(serde_json::json!({
                "system": system.as_str(),
                "external_id": booking.external_id,
                "voucher_code": booking.voucher_code,
            })),
    )?;
    Ok(())
}
