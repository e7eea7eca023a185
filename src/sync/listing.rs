//! What the pull does with a listing it cannot fully believe (issue 18): bookings missing from
//! a complete listing are marked vanished only when they are few — a whole calendar gone at once
//! holds the marking and raises one alarm about the connection — and bookings it cannot read
//! are logged and shown once per cause, with a count, not once per booking and poll.

use std::collections::{BTreeMap, HashSet};

use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::clock::ReadMark;
use crate::db::Tx;
use crate::db::bookings;
use crate::db::connections::Connection;
use crate::db::listing::{self, Health, MASS_VANISH, NewAlarm};
use crate::domain::System;
use crate::domain::listing::{AlarmState, VanishDecision, decide_vanish, summarize_causes};

/// What a complete listing of one system showed.
pub(super) struct Listed<'a> {
    pub system: System,
    /// The part of the calendar it listed in full.
    pub window: (i64, i64),
    /// The external ids it showed.
    pub seen: &'a HashSet<String>,
    /// When the read began: a booking first read after it cannot be in it.
    pub began: ReadMark,
    /// The safety net's full comparison read it (said so in the audit).
    pub by_sweep: bool,
}

/// Marks the bookings of the listed window that the listing no longer shows as vanished, each
/// audited — unless they are too many to be real deletions, which holds the marking under a
/// connection alarm. Returns the ids it marked.
pub(super) async fn mark_vanished_unless_mass(
    tx: &mut Tx,
    ctx: &SyncContext,
    connection: &Connection,
    listed: &Listed<'_>,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let (system, seen) = (listed.system, listed.seen);
    let known =
        bookings::present_in_window(tx, connection.id, system, listed.window, listed.began).await?;
    let missing: Vec<i64> = known
        .iter()
        .filter(|(_, external_id)| !seen.contains(external_id))
        .map(|(id, _)| *id)
        .collect();
    let (known, missing_count) = (known.len() as i64, missing.len() as i64);
    let alarm = listing::active_alarm(tx, connection.id, system, MASS_VANISH).await?;
    let state = match &alarm {
        None => AlarmState::None,
        Some(a) if a.is_confirmed() => AlarmState::Confirmed,
        Some(_) => AlarmState::Open,
    };
    let event = |action, id: i64| {
        Event::new(&SYNC, action, "connection_alarm", id).partner(Some(connection.partner_id))
    };
    let counts = serde_json::json!({
        "connection_id": connection.id,
        "system": system.as_str(),
        "missing": missing_count,
        "known": known,
    });
    match decide_vanish(&ctx.settings.mass_vanish, known, missing_count, state) {
        VanishDecision::Hold { raise: true } => {
            let id = listing::open_alarm(
                tx,
                &NewAlarm {
                    connection_id: connection.id,
                    partner_id: connection.partner_id,
                    system,
                    kind: MASS_VANISH,
                    missing: missing_count,
                    known,
                },
                now,
            )
            .await?;
            audit::append(tx, now, event("connection.alarm_opened", id).after(counts))?;
            tracing::warn!(
                connection = connection.id,
                %system,
                missing = missing_count,
                known,
                "the listing suddenly shows far fewer bookings: vanish marking held, alarm raised"
            );
            Ok(vec![])
        }
        VanishDecision::Hold { raise: false } => {
            if let Some(a) = alarm.filter(|a| (a.missing, a.known) != (missing_count, known)) {
                if listing::update_alarm_counts(tx, a.id, missing_count, known, now).await? {
                    let before = serde_json::json!({ "missing": a.missing, "known": a.known });
                    let e = event("connection.alarm_updated", a.id)
                        .before(before)
                        .after(counts);
                    audit::append(tx, now, e)?;
                }
            }
            Ok(vec![])
        }
        VanishDecision::Mark { resolve } => {
            if let (Some(reason), Some(a)) = (resolve, alarm) {
                if listing::resolve_alarm(tx, a.id, reason, now).await? {
                    let e = event("connection.alarm_resolved", a.id)
                        .before(serde_json::json!({ "state": a.state }))
                        .after(serde_json::json!({
                            "state": "resolved",
                            "reason": reason,
                            "missing": missing_count,
                            "known": known,
                        }));
                    audit::append(tx, now, e)?;
                    tracing::info!(connection = connection.id, %system, reason, "listing alarm resolved");
                }
            }
            for id in &missing {
                bookings::mark_one_vanished(tx, *id, now).await?;
                audit_vanished(tx, connection, system, *id, listed.by_sweep, now)?;
            }
            Ok(missing)
        }
    }
}

/// Audits snapshot `id` of `system` marked vanished; `by_sweep`: the safety net's full
/// comparison found it gone.
pub(super) fn audit_vanished(
    tx: &mut Tx,
    connection: &Connection,
    system: System,
    id: i64,
    by_sweep: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut after = serde_json::json!({ "system": system.as_str() });
    if by_sweep {
        after["found_by"] = serde_json::json!("sweep");
    }
    let event = Event::new(&SYNC, "booking.vanished", "external_booking", id)
        .partner(Some(connection.partner_id))
        .after(after);
    audit::append(tx, now, event)
}

/// Records what a pull could not read, per cause with a count. Logs and audits only when the
/// cause changes (including back to "everything read"); a count that merely moves is stored for
/// the sync-health line without a log line.
pub(super) async fn note_unreadable(
    ctx: &SyncContext,
    connection: &Connection,
    system: System,
    causes: &BTreeMap<String, i64>,
) -> Result<(), SyncError> {
    let now = ctx.clock.now();
    let unreadable: i64 = causes.values().sum();
    let cause = summarize_causes(causes);
    // The connection's sync lease makes us the only writer of its row.
    let stored = listing::health(&ctx.db, connection.id, system).await?;
    let stored_cause = stored.as_ref().map_or("", |h| h.cause.as_str());
    let stored_count = stored.as_ref().map_or(0, |h| h.unreadable);
    if stored_cause == cause && stored_count == unreadable {
        return Ok(());
    }
    let changed = stored_cause != cause;
    let since = match &stored {
        Some(h) if !changed => h.since,
        _ => now,
    };
    let mut tx = ctx.db.begin_write().await?;
    listing::set_health(
        &mut tx,
        connection.id,
        system,
        &Health {
            cause: cause.clone(),
            unreadable,
            since,
        },
        now,
    )
    .await?;
    if changed {
        let action = if unreadable > 0 {
            tracing::warn!(
                connection = connection.id,
                %system,
                unreadable,
                cause = %cause,
                "bookings in the listing could not be read (logged again only when the cause changes)"
            );
            "connection.listing_unreadable"
        } else {
            tracing::info!(connection = connection.id, %system, "every booking in the listing is readable again");
            "connection.listing_readable"
        };
        audit::append(
            &mut tx,
            now,
            Event::new(&SYNC, action, "connection", connection.id)
                .partner(Some(connection.partner_id))
                .before(serde_json::json!({ "cause": stored_cause, "unreadable": stored_count }))
                .after(serde_json::json!({
                    "system": system.as_str(),
                    "cause": cause,
                    "unreadable": unreadable,
                })),
        )?;
    }
    tx.commit().await?;
    Ok(())
}
