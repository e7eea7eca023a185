//! Pull: read a system's changes since the cursor and store the snapshots. The cursor moves in
//! the same transaction that stores the snapshots it covers, so a crash never skips a change.

use std::collections::HashSet;

use super::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::db::bookings::{self, Stored};
use crate::db::connections::Connection;
use crate::db::cursors;
use crate::domain::System;
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
}

/// Most pages read in one pull, so one busy system cannot starve the others.
const MAX_PAGES: usize = 50;

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
    for _ in 0..MAX_PAGES {
        let cursor = cursors::get(&ctx.db, connection.id, system).await?;
        let batch = client.changes_since(account, cursor.as_deref()).await?;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        let mut seen = HashSet::new();
        let mut unreadable_here = 0;
        for item in &batch.bookings {
            let booking = match item {
                Ok(b) => b,
                Err(e) => {
                    unreadable_here += 1;
                    tracing::warn!(connection = connection.id, %system, error = %e, "unreadable booking skipped");
                    continue;
                }
            };
            seen.insert(booking.external_id.clone());
            let stored = bookings::upsert(&mut tx, connection.id, booking, now).await?;
            let id = stored.id();
            let (action, previous) = match stored {
                Stored::New(id) => {
                    report.new.push(id);
                    ("booking.seen", None)
                }
                Stored::Changed(id, previous) => {
                    report.changed.push(id);
                    ("booking.changed", Some(previous))
                }
                Stored::Unchanged(_) => continue,
            };
            let mut event = Event::new(&SYNC, action, "external_booking", id)
                .partner(Some(connection.partner_id));
            if let Some(p) = previous {
                event = event.before(serde_json::json!({
                    "start_at": p.start_at,
                    "end_at": p.end_at,
                    "status": p.status,
                }));
            }
            audit::append(
                &mut tx,
                now,
                event.after(serde_json::json!({
                    "system": system.as_str(),
                    "external_id": booking.external_id,
                    "start_at": booking.start_at,
                    "end_at": booking.end_at,
                    "service_id": booking.service_id,
                    "status": booking.status.as_str(),
                    "voucher_code": booking.voucher_code,
                })),
            )
            .await?;
        }
        // A booking we could not read is not gone: only a clean listing proves absence.
        if let (Some(window), 0) = (batch.complete_window, unreadable_here) {
            let vanished =
                bookings::mark_vanished(&mut tx, connection.id, system, window, &seen, now).await?;
            for id in &vanished {
                audit::append(
                    &mut tx,
                    now,
                    Event::new(&SYNC, "booking.vanished", "external_booking", id)
                        .partner(Some(connection.partner_id))
                        .after(serde_json::json!({ "system": system.as_str() })),
                )
                .await?;
            }
            report.vanished.extend(vanished);
        }
        cursors::set(&mut tx, connection.id, system, &batch.next_cursor, now).await?;
        tx.commit().await?;
        report.unreadable += unreadable_here;
        if !batch.has_more {
            break;
        }
    }
    Ok(report)
}
