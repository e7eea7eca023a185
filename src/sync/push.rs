//! Push: carry out due outbox rows against the systems, verify each effect by reading the
//! booking back, and retry with exponential backoff and jitter. A push that keeps failing
//! becomes a `push_failed` mismatch — never silently dropped.
//!
//! Crash safety: a row stays `pending` until its effect is verified and recorded. If the
//! process dies in between, the lease runs out and the row is tried again with the same
//! idempotency key, which the systems (or our clients) use to avoid applying it twice.

use serde::Deserialize;

use super::connector::ConnectionSystems;
use super::context::{SYNC, SyncContext, SyncError};
use crate::audit::{self, Event};
use crate::clock::ReadMark;
use crate::db::Tx;
use crate::db::bookings;
use crate::db::connections::Connection;
use crate::db::links;
use crate::db::mismatches;
use crate::db::outbox::{self, OutboxRow};
use crate::domain::mismatch::MismatchKind;
use crate::domain::{BookingStatus, Customer, NewBooking, RemoteBooking, System};
use crate::systems::{BookingSystem, SystemError};

/// What one push round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    pub applied: usize,
    pub retried: usize,
    pub failed: usize,
    /// Pushes sent whose effect could not be read back: kept pending, verified later.
    pub unverified: usize,
    /// Links whose snapshots changed because of a push (worth reconciling again).
    pub links: Vec<i64>,
    /// Pushes stopped by refused credentials: they wait for new ones.
    pub held: usize,
}

/// How many pushes one round claims.
const BATCH: i64 = 50;

#[derive(Deserialize)]
struct TimePayload {
    external_id: String,
    start_at: i64,
    end_at: i64,
}

#[derive(Deserialize)]
struct CustomerPayload {
    external_id: String,
    customer: Customer,
}

#[derive(Deserialize)]
struct CancelPayload {
    external_id: String,
}

fn account(connection: &Connection, system: System) -> Option<&str> {
    match system {
        System::Reservio => connection.reservio_business_id.as_deref(),
        System::Termino => connection.termino_partner_id.as_deref(),
    }
}

/// Our own outbox row cannot be read: nothing was sent, and trying again cannot help.
fn bad_payload(e: serde_json::Error) -> SystemError {
    SystemError::Refused(format!("outbox payload: {e}"))
}

/// Whether a push's outcome is unknown rather than failed: the system's answer, or the
/// read-back after the write, could not be read (a listing without `included`, say). The write
/// may well have taken; recording it as failed would raise a false `push_failed` and, once the
/// system reads cleanly again, apply it again or call it a conflict. So the row stays pending
/// and the next readable read verifies it: a pull that shows the new time confirms a date
/// change (`confirm_observed`), and a retry — harmless under the idempotency key — reads the
/// booking back again.
fn effect_unknown(error: &SystemError) -> bool {
    matches!(error, SystemError::InvalidPayload(_))
}

/// What a push came to.
struct Executed {
    /// The booking as it is now.
    booking: RemoteBooking,
    /// A create found the booking already in the system and made none.
    found_existing: bool,
}

/// Carries out one push and reads the booking back to check the effect took.
async fn execute(
    client: &dyn BookingSystem,
    account: &str,
    row: &OutboxRow,
) -> Result<Executed, SystemError> {
    if row.action == "create" {
        let p: NewBooking = serde_json::from_str(&row.payload).map_err(bad_payload)?;
        // Our own rows may have been lost since the booking was made (or it was made by hand):
        // the system itself says whether it already holds it.
        if let Some(existing) = client.find_existing(account, &p).await? {
            return Ok(Executed {
                booking: existing,
                found_existing: true,
            });
        }
        let created = client
            .create(account, &p, row.idempotency_key.as_str())
            .await?;
        let booking = client.get(account, &created.external_id).await?;
        return Ok(Executed {
            booking,
            found_existing: false,
        });
    }
    let booking = execute_change(client, account, row).await?;
    Ok(Executed {
        booking,
        found_existing: false,
    })
}

/// Carries out a change to an existing booking and reads it back.
async fn execute_change(
    client: &dyn BookingSystem,
    account: &str,
    row: &OutboxRow,
) -> Result<RemoteBooking, SystemError> {
    let key = row.idempotency_key.as_str();
    match row.action.as_str() {
        "update_time" => {
            let p: TimePayload = serde_json::from_str(&row.payload).map_err(bad_payload)?;
            client
                .update_time(account, &p.external_id, p.start_at, p.end_at, key)
                .await?;
            let now = client.get(account, &p.external_id).await?;
            if now.start_at == p.start_at && now.end_at == p.end_at {
                Ok(now)
            } else {
                Err(SystemError::Refused("the new time did not take".into()))
            }
        }
        "update_customer" => {
            let p: CustomerPayload = serde_json::from_str(&row.payload).map_err(bad_payload)?;
            client
                .update_customer(account, &p.external_id, &p.customer, key)
                .await?;
            let now = client.get(account, &p.external_id).await?;
            if now.customer == p.customer {
                Ok(now)
            } else {
                Err(SystemError::Refused(
                    "the customer details did not take".into(),
                ))
            }
        }
        "cancel" => {
            let p: CancelPayload = serde_json::from_str(&row.payload).map_err(bad_payload)?;
            client.cancel(account, &p.external_id, key).await?;
            let now = client.get(account, &p.external_id).await?;
            if now.status == BookingStatus::Cancelled {
                Ok(now)
            } else {
                Err(SystemError::Refused(
                    "the booking is still not cancelled".into(),
                ))
            }
        }
        other => Err(SystemError::Refused(format!(
            "unknown outbox action {other:?}"
        ))),
    }
}

/// Pushes the connection's due outbox rows.
pub async fn push_due(
    ctx: &SyncContext,
    connection: &Connection,
    systems: &ConnectionSystems,
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    let now = ctx.clock.now();
    let lease_until = now + ctx.settings.lease_secs;
    let rows =
        outbox::claim_due(&ctx.db, connection.id, &ctx.owner, now, lease_until, BATCH).await?;
    let claimed: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for row in rows {
        let Ok(system) = row.system.parse::<System>() else {
            continue;
        };
        let read = ReadMark::now();
        let result = match account(connection, system) {
            Some(account) => execute(systems.of(system).as_ref(), account, &row).await,
            None => Err(SystemError::Refused(
                "the connection has no account there".into(),
            )),
        };
        let now = ctx.clock.now();
        if let Err(error) = &result
            && super::hold::refused_credentials(error)
        {
            // The credentials are refused: this push and every other waits, unattempted,
            // until new ones are entered. Not a failure of the push.
            let mut tx = ctx.db.begin_write().await?;
            for id in &claimed {
                outbox::release_lease(&mut tx, *id, &ctx.owner).await?;
            }
            tx.commit().await?;
            super::hold::credentials_refused(ctx, connection, Some(system), error).await?;
            report.held += 1;
            break;
        }
        let mut tx = ctx.db.begin_write().await?;
        match result {
            Ok(Executed {
                booking,
                found_existing,
            }) => {
                if !outbox::mark_done(&mut tx, row.id, &ctx.owner, now).await? {
                    // Our lease ran out and someone else took over; they will record it.
                    continue;
                }
                let stored =
                    bookings::upsert(&mut tx, connection.id, &booking, Some(read), now).await?;
                if let Some(link_id) = row.link_id {
                    match row.action.as_str() {
                        "create" => {
                            attach_created(&mut tx, connection, link_id, system, stored.id(), now)
                                .await?
                        }
                        // Both sides showed the pushed value at this moment: it is the new
                        // base for that field. Without this, a later change on the source side
                        // would look like a change on both sides — a false conflict.
                        "update_time" => {
                            links::set_base_time(
                                &mut tx,
                                link_id,
                                booking.start_at,
                                booking.end_at,
                                now,
                            )
                            .await?
                        }
                        _ => {}
                    }
                }
                audit::append(
                    &mut tx,
                    now,
                    Event::new(
                        &SYNC,
                        if found_existing {
                            "push.found_existing"
                        } else {
                            "push.applied"
                        },
                        "outbox",
                        row.id,
                    )
                    .partner(Some(connection.partner_id))
                    .after(serde_json::json!({
                        "system": system.as_str(),
                        "action": row.action,
                        "external_id": booking.external_id,
                        "link_id": row.link_id,
                    })),
                )?;
                report.applied += 1;
                report.links.extend(row.link_id);
            }
            Err(error) => {
                let attempts = row.attempts + 1;
                let message = error.to_string();
                let unknown = effect_unknown(&error);
                if unknown || (error.is_transient() && attempts < ctx.settings.max_attempts) {
                    let jitter: f64 = {
                        use rand::Rng;
                        rand::rng().random()
                    };
                    let delay = crate::domain::backoff::secs(
                        row.attempts,
                        ctx.settings.retry_base_secs,
                        ctx.settings.retry_max_secs,
                        jitter,
                    );
                    if outbox::mark_retry(&mut tx, row.id, &ctx.owner, &message, now + delay)
                        .await?
                    {
                        let action = if unknown {
                            report.unverified += 1;
                            "push.unverified"
                        } else {
                            report.retried += 1;
                            "push.retry"
                        };
                        audit_failure(&mut tx, connection, &row, action, &message, now).await?;
                    }
                } else if outbox::mark_failed(
                    &mut tx,
                    row.id,
                    &ctx.owner,
                    &message,
                    now,
                    // No answer is not a refusal: it goes again (`super::undelivered`).
                    error
                        .is_transient()
                        .then_some(now + ctx.settings.slow_retry_secs),
                )
                .await?
                {
                    audit_failure(&mut tx, connection, &row, "push.failed", &message, now).await?;
                    if let Some(link_id) = row.link_id {
                        flag_push_failed(&mut tx, connection, link_id, &row, &message, now).await?;
                    }
                    report.failed += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// Puts the booking a create made (or found) on its link. When it already belongs to another
/// current link — our rows lost it and a second link grew around its other side — the two links
/// are one appointment: this one is superseded by the other, which takes its side.
async fn attach_created(
    tx: &mut Tx,
    connection: &Connection,
    link_id: i64,
    system: System,
    booking_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    match links::link_of_booking(tx, booking_id).await? {
        None => links::attach(tx, link_id, system, booking_id, now).await,
        Some(owner) if owner == link_id => Ok(()),
        Some(owner) => {
            if !links::merge_into(tx, link_id, owner, now).await? {
                return Ok(());
            }
            audit::append(
                tx,
                now,
                Event::new(&SYNC, "link.merged", "booking_link", link_id)
                    .partner(Some(connection.partner_id))
                    .after(serde_json::json!({ "superseded_by": owner })),
            )?;
            for open in mismatches::unresolved_for_link(tx, link_id).await? {
                let note = format!("the booking's link was merged into #{owner}");
                if mismatches::resolve(tx, open.id, "sync", &note, now).await? {
                    audit::append(
                        tx,
                        now,
                        Event::new(&SYNC, "mismatch.resolved", "mismatch", open.id)
                            .partner(Some(connection.partner_id))
                            .before(serde_json::json!({ "kind": open.kind, "state": open.state }))
                            .after(serde_json::json!({ "state": "resolved", "by": "sync" })),
                    )?;
                }
            }
            Ok(())
        }
    }
}

/// Marks pending date changes whose effect a pull has already seen as done, and moves the
/// link's base with them. A push whose response was lost did take effect; without this, a later
/// change on the source side would look like a change on both sides — a false conflict — until
/// the retry came round.
pub async fn confirm_observed(
    ctx: &SyncContext,
    connection: &Connection,
) -> Result<usize, SyncError> {
    let now = ctx.clock.now();
    let rows = outbox::unleased_time_changes(&ctx.db, connection.id, now).await?;
    let mut confirmed = 0;
    for (id, link_id, system, payload) in rows {
        let (Some(link_id), Ok(system), Ok(p)) = (
            link_id,
            system.parse::<System>(),
            serde_json::from_str::<TimePayload>(&payload),
        ) else {
            continue;
        };
        let seen = bookings::live_time(&ctx.db, connection.id, system, &p.external_id).await?;
        if seen != Some((p.start_at, p.end_at)) {
            continue;
        }
        let mut tx = ctx.db.begin_write().await?;
        if outbox::mark_observed(&mut tx, id, now).await? {
            links::set_base_time(&mut tx, link_id, p.start_at, p.end_at, now).await?;
            audit::append(
                &mut tx,
                now,
                Event::new(&SYNC, "push.observed", "outbox", id)
                    .partner(Some(connection.partner_id))
                    .after(serde_json::json!({
                        "system": system.as_str(),
                        "external_id": p.external_id,
                        "link_id": link_id,
                    })),
            )?;
            confirmed += 1;
        }
        tx.commit().await?;
    }
    Ok(confirmed)
}

async fn audit_failure(
    tx: &mut Tx,
    connection: &Connection,
    row: &OutboxRow,
    action: &str,
    message: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    audit::append(
        tx,
        now,
        Event::new(&SYNC, action, "outbox", row.id)
            .partner(Some(connection.partner_id))
            .after(serde_json::json!({
                "system": row.system,
                "action": row.action,
                "attempt": row.attempts + 1,
                "error": message,
            })),
    )?;
    Ok(())
}

async fn flag_push_failed(
    tx: &mut Tx,
    connection: &Connection,
    link_id: i64,
    row: &OutboxRow,
    message: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let detail = format!("{} to {} failed: {message}", row.action, row.system);
    let kind = MismatchKind::PushFailed;
    let extra = serde_json::json!({});
    super::context::flag(
        tx,
        link_id,
        connection.partner_id,
        kind,
        &detail,
        extra,
        now,
    )
    .await
}
