//! Pull: read a system's changes since the cursor and store the snapshots. The cursor moves in
//! the transaction that stores the last snapshots it covers, so a crash never skips a change.

use std::collections::{BTreeMap, HashSet};

use super::context::{SYNC, SyncContext, SyncError};
use super::listing::{Listed, mark_vanished_unless_mass};
use crate::audit::{self, Event};
use crate::clock::ReadMark;
use crate::db::bookings::{self, Stored};
use crate::db::connections::Connection;
use crate::db::cursors;
use crate::domain::System;
use crate::domain::listing::unreadable_cause;
use crate::systems::BookingSystem;

/// What one pull found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Snapshot ids seen for the first time.
    pub new: Vec<i64>,
    /// Snapshot ids that changed.
    pub changed: Vec<i64>,
    /// Snapshot ids that disappeared from their system.
    pub vanished: Vec<i64>,
    /// Bookings the system sent that could not be read.
    pub unreadable: usize,
    /// When the system's next read falls due whatever the poll interval says, from the cursor
    /// this pull left ([`BookingSystem::read_due_at`]).
    pub read_due_at: Option<i64>,
}

/// Who moved a booking, where its system says: Termino marks the customer's one
/// self-reschedule from their channel account. Reservio does not say who changed a booking, and
/// bookbridge's own changes never show up here (their pushes store the new snapshot first).
fn moved_by(
    system: System,
    previous: &bookings::Previous,
    now: &crate::domain::RemoteBooking,
) -> Option<&'static str> {
    let moved = (previous.start_at, previous.end_at) != (now.start_at, now.end_at);
    let self_rescheduled_now = previous.self_rescheduled == 0 && now.self_rescheduled;
    (system == System::Termino && moved && self_rescheduled_now).then_some("customer")
}

/// Most pages read in one pull, so one busy system cannot starve the others.
const MAX_PAGES: usize = 50;

/// Snapshots stored per transaction, so that a first sync's page of a hundred does not hold
/// SQLite's single writer for all of them at once. The cursor still moves only with the page's
/// last ones; a crash in between reads the page again, and what was stored already is unchanged
/// (neither stored nor audited twice).
const STORE_BATCH: usize = 20;

pub async fn pull(
    ctx: &SyncContext,
    connection: &Connection,
    system: System,
    client: &dyn BookingSystem,
) -> Result<PullReport, SyncError> {
    let account = match system {
        System::Reservio => connection.reservio_business_id.as_deref(),
        System::Termino => connection.termino_partner_id.as_deref(),
    }
    .ok_or(SyncError::NotConfigured(
        connection.id,
        "account id missing",
    ))?;
    let mut report = PullReport::default();
    // Why bookings could not be read, with how many: one log line per cause, not per booking.
    let mut causes: BTreeMap<String, i64> = BTreeMap::new();
    for _ in 0..MAX_PAGES {
        let cursor = cursors::get(&ctx.db, connection.id, system).await?;
        let read = ReadMark::now();
        let batch = client.changes_since(account, cursor.as_deref()).await?;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        let mut in_tx = 0;
        let mut seen = HashSet::new();
        let mut unreadable_here = 0;
        for item in &batch.bookings {
            if in_tx == STORE_BATCH {
                tx.commit().await?;
                tx = ctx.db.begin_write().await?;
                in_tx = 0;
            }
            let booking = match item {
                Ok(b) => b,
                Err(e) => {
                    unreadable_here += 1;
                    *causes.entry(unreadable_cause(&e.to_string())).or_default() += 1;
                    tracing::debug!(connection = connection.id, %system, error = %e, "unreadable booking skipped");
                    continue;
                }
            };
            seen.insert(booking.external_id.clone());
            in_tx += 1;
            match store(&mut tx, connection, booking, Some(read), now, None).await? {
                Stored::New(id) => report.new.push(id),
                Stored::Changed(id) => report.changed.push(id),
                Stored::Unchanged(_) => {}
            }
        }
        // A booking we could not read is not gone: only a clean listing proves absence.
        if let (Some(window), 0) = (batch.complete_window, unreadable_here) {
            let listed = Listed {
                system,
                window,
                seen: &seen,
                began: read,
                by_sweep: false,
            };
            let vanished =
                mark_vanished_unless_mass(&mut tx, ctx, connection, &listed, now).await?;
            report.vanished.extend(vanished);
        }
        cursors::set(&mut tx, connection.id, system, &batch.next_cursor, now).await?;
        report.read_due_at = client.read_due_at(Some(&batch.next_cursor));
        // Read to its end: from now on the channel feed (where there is one) brings its changes.
        if system == System::Termino && !batch.has_more {
            cursors::mark_caught_up(&mut tx, connection.id, now).await?;
        }
        tx.commit().await?;
        report.unreadable += unreadable_here;
        if !batch.has_more {
            break;
        }
    }
    super::listing::note_unreadable(ctx, connection, system, &causes).await?;
    Ok(report)
}

/// Stores one snapshot read from a system and audits it when it is new or changed. `sweep`
/// names the full comparison that read it, if one did.
pub(crate) async fn store(
    tx: &mut crate::db::Tx,
    connection: &Connection,
    booking: &crate::domain::RemoteBooking,
    read: Option<ReadMark>,
    now: i64,
    sweep: Option<i64>,
) -> Result<Stored, sqlx::Error> {
    let (connection_id, partner_id) = (connection.id, connection.partner_id);
    let system = booking.system;
    let previous = bookings::previous(tx, connection_id, system, &booking.external_id).await?;
    let stored = bookings::upsert(tx, connection_id, booking, read, now).await?;
    if let Some(started_at) = sweep {
        bookings::mark_swept(tx, stored.id(), started_at).await?;
    }
    let action = match stored {
        Stored::New(_) => "booking.seen",
        Stored::Changed(_) => "booking.changed",
        Stored::Unchanged(_) => return Ok(stored),
    };
    let mut after = serde_json::json!({
        "system": booking.system.as_str(),
        "external_id": booking.external_id,
        "start_at": booking.start_at,
        "end_at": booking.end_at,
        "service_id": booking.service_id,
        "status": booking.status.as_str(),
        "voucher_code": booking.voucher_code,
        "self_rescheduled": booking.self_rescheduled,
        "moved_by": previous.as_ref().and_then(|p| moved_by(system, p, booking)),
    });
    if sweep.is_some() {
        after["found_by"] = serde_json::json!("sweep");
    }
    let mut event = Event::new(&SYNC, action, "external_booking", stored.id())
        .partner(Some(partner_id))
        .after(after);
    // The state it changed from, so that the change can be told ("13:00 → 10:00").
    if let (Stored::Changed(_), Some(p)) = (stored, &previous) {
        event = event.before(serde_json::json!({
            "start_at": p.start_at,
            "end_at": p.end_at,
            "status": p.status,
            "self_rescheduled": p.self_rescheduled != 0,
        }));
    }
    audit::append(tx, now, event)?;
    Ok(stored)
}
