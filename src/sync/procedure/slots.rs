//! Reservio's free times for a move, and the check of a chosen slot: before a reschedule or a
//! change of service starts, and again as its first step.

use super::context::{StartError, connection_accounts};
use crate::db::bookings;
use crate::db::connections::Connection;
use crate::db::links::LinkRow;
use crate::domain::System;
use crate::domain::procedure::{self, SlotProblem};
use crate::sync::context::SyncContext;
use crate::systems::SystemError;

/// The resource (staff member or room) a linked booking is on in Reservio, from its stored
/// snapshot: a move keeps it there.
pub async fn booking_resource(ctx: &SyncContext, row: &LinkRow) -> Option<String> {
    let id = row.side(System::Reservio)?.booking_id;
    let raw = bookings::raw_payload(&ctx.db, id).await.ok().flatten()?;
    let raw: serde_json::Value = serde_json::from_str(&raw).ok()?;
    raw.get("included")?
        .as_array()?
        .iter()
        .find(|r| r.get("type").and_then(serde_json::Value::as_str) == Some("event"))?
        .pointer("/relationships/resource/data/id")?
        .as_str()
        .map(str::to_string)
}

/// Reservio's free times for a staff move of a service in `[from, to)` that are still in the
/// future: beyond the customer's booking horizon and inside the lead time too; on `resource`
/// when given (the booking keeps its staff member or room).
pub async fn free_slots(
    ctx: &SyncContext,
    conn: &Connection,
    service_id: &str,
    resource: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, SystemError> {
    let (business, token, _, _) = connection_accounts(conn)
        .ok_or_else(|| SystemError::Refused("the connection has no Reservio account".into()))?;
    let client = ctx.connector.reservio_client(token)?;
    let now = ctx.clock.now();
    let mut slots = client
        .staff_free_slots(business, service_id, resource, from, to)
        .await?;
    slots.retain(|(start, _)| *start > now);
    slots.sort_unstable();
    Ok(slots)
}

/// Checks a slot for a service against Reservio's availability right now.
pub async fn check_slot(
    ctx: &SyncContext,
    conn: &Connection,
    row: &LinkRow,
    service_id: &str,
    slot: (i64, i64),
) -> Result<Result<(), SlotProblem>, StartError> {
    let now = ctx.clock.now();
    if slot.1 <= slot.0 || slot.0 <= now {
        return Ok(procedure::check_slot(slot, now, &[], false));
    }
    // The slot's own day, with a margin: Reservio lists slots by their start.
    let resource = booking_resource(ctx, row).await;
    let free = free_slots(
        ctx,
        conn,
        service_id,
        resource.as_deref(),
        slot.0 - 1,
        slot.0 + 1,
    )
    .await?;
    let own = row.side(System::Reservio).map(|r| r.booking_id);
    let taken = bookings::reservio_slot_taken(&ctx.db, conn.id, slot, own).await?;
    Ok(procedure::check_slot(slot, now, &free, taken))
}

/// The plain reason a slot was refused, for the audit trail and the step's error.
pub fn slot_message(problem: SlotProblem) -> &'static str {
    match problem {
        SlotProblem::Past => "the chosen time is in the past",
        SlotProblem::Invalid => "the chosen time is not a valid slot",
        SlotProblem::Taken => "the chosen time is taken by another booking",
        SlotProblem::NotOffered => {
            "the chosen time is outside opening hours or not offered for this service"
        }
    }
}
