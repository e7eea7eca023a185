//! The sweep: a periodic full comparison of a connection with each system. The change feed
//! shows a booking once; a snapshot we lost afterwards, or a change the feed skipped, would
//! never be read again. So every `sweep_interval_secs` the whole listing is read again — a few
//! pages per sync round, so it costs little — and stored like a pull: what our rows lack comes
//! back, what changed unseen is updated. Afterwards every live snapshot the listing did not show
//! is read on its own: a booking the system no longer has is marked vanished (and flagged as
//! deleted), one it still has is stored again.

use std::collections::HashSet;

use super::context::{SyncContext, SyncError};
use super::listing::{Listed, audit_vanished, mark_vanished_unless_mass};
use super::pull::store;
use crate::clock::ReadMark;
use crate::db::bookings;
use crate::db::connections::Connection;
use crate::db::sweeps::{self, LISTED, Sweep};
use crate::domain::System;
use crate::systems::{BookingSystem, SystemError};

/// What one round of a sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Pages of the listing read this round.
    pub pages: usize,
    /// Snapshots the sweep stored anew or updated: what the feed had not brought us.
    pub repaired: usize,
    /// Snapshots the system no longer has.
    pub vanished: usize,
    /// The sweep finished this round.
    pub finished: bool,
}

/// Most snapshots read one by one in one round, after the listing.
const CHECKS_PER_ROUND: i64 = 50;

/// Runs one round of the connection's sweep of `system`, if one is due or under way.
pub async fn sweep(
    ctx: &SyncContext,
    connection: &Connection,
    system: System,
    client: &dyn BookingSystem,
) -> Result<SweepReport, SyncError> {
    let account = connection
        .account_id(system)
        .ok_or(SyncError::NotConfigured(
            connection.id,
            "account id missing",
        ))?;
    let interval = ctx.settings.sweep_interval_secs.max(1);
    let now = ctx.clock.now();
    let mut report = SweepReport::default();
    let mut state = match sweeps::get(&ctx.db, connection.id, system).await? {
        // The first sweep comes one period after the first sync: the first pull read it all.
        None => {
            let first = Sweep {
                position: None,
                started_at: None,
                next_at: now + interval,
            };
            let mut tx = ctx.db.begin_write().await?;
            sweeps::set(&mut tx, connection.id, system, &first, now).await?;
            tx.commit().await?;
            return Ok(report);
        }
        Some(s) if s.started_at.is_none() && now < s.next_at => return Ok(report),
        Some(s) => s,
    };
    let started_at = *state.started_at.get_or_insert(now);
    // A system listed as a complete window (Reservio's poll) was compared row by row already;
    // what lies outside its window it cannot list, and is not read one by one either.
    let mut windowed = false;

    while state.position.as_deref() != Some(LISTED) && report.pages < ctx.settings.sweep_pages {
        let read = ReadMark::now();
        let batch = client
            .changes_since(account, state.position.as_deref())
            .await?;
        report.pages += 1;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        let mut seen = HashSet::new();
        let mut unreadable = 0;
        for item in &batch.bookings {
            let Ok(booking) = item else {
                unreadable += 1;
                continue;
            };
            seen.insert(booking.external_id.clone());
            if !matches!(
                store(
                    &mut tx,
                    connection,
                    booking,
                    Some(read),
                    now,
                    Some(started_at)
                )
                .await?,
                bookings::Stored::Unchanged(_)
            ) {
                report.repaired += 1;
            }
        }
        if let (Some(window), 0) = (batch.complete_window, unreadable) {
            let listed = Listed {
                system,
                window,
                seen: &seen,
                began: read,
                by_sweep: true,
            };
            let gone = mark_vanished_unless_mass(&mut tx, ctx, connection, &listed, now).await?;
            report.vanished += gone.len();
            windowed = true;
        }
        let done = !batch.has_more || state.position.as_deref() == Some(&batch.next_cursor);
        state.position = Some(if done {
            LISTED.to_string()
        } else {
            batch.next_cursor.clone()
        });
        sweeps::set(&mut tx, connection.id, system, &state, now).await?;
        tx.commit().await?;
    }
    if state.position.as_deref() != Some(LISTED) {
        return Ok(report);
    }

    // What the listing did not show is read on its own: only the system can say it is gone.
    let unseen = if windowed {
        vec![]
    } else {
        bookings::not_swept(&ctx.db, connection.id, system, started_at, CHECKS_PER_ROUND).await?
    };
    for (id, external_id) in &unseen {
        let read = ReadMark::now();
        let found = client.get(account, external_id).await;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        match found {
            Ok(booking) if &booking.external_id == external_id => {
                if !matches!(
                    store(
                        &mut tx,
                        connection,
                        &booking,
                        Some(read),
                        now,
                        Some(started_at)
                    )
                    .await?,
                    bookings::Stored::Unchanged(_)
                ) {
                    report.repaired += 1;
                }
            }
            Err(SystemError::NotFound) => {
                bookings::mark_one_vanished(&mut tx, *id, now).await?;
                audit_vanished(&mut tx, connection, system, *id, true, now)?;
                report.vanished += 1;
            }
            // The answer names another booking: the system is confused; look again next sweep.
            Ok(_) => bookings::mark_swept(&mut tx, *id, started_at).await?,
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
    }
    if unseen.len() as i64 == CHECKS_PER_ROUND {
        return Ok(report);
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let next = Sweep {
        position: None,
        started_at: None,
        next_at: now + interval,
    };
    sweeps::set(&mut tx, connection.id, system, &next, now).await?;
    tx.commit().await?;
    report.finished = true;
    Ok(report)
}
