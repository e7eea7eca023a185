//! Starting a procedure: the booking as a procedure sees it, the plan the start form shows, and
//! the start itself (checks, the stored procedure and its steps, the audit).

use serde_json::json;

use super::context::{Hooks, StartError, Starter, connection_syncs};
use super::escalate::escalate;
use super::slots::check_slot;
use crate::audit::{self, Event};
use crate::db::cases;
use crate::db::connections::{self, ServiceMap};
use crate::db::links::{self, LinkRow};
use crate::db::procedures::{self, AlreadyActive, NewProcedure};
use crate::domain::BookingStatus;
use crate::domain::procedure::{self, Params, PlannedStep, ProcedureKind, Refusal, Situation};
use crate::sync::context::SyncContext;

/// The booking as a procedure sees it.
pub fn situation(row: &LinkRow, superseded: bool) -> Situation {
    // A side not seen, or gone from its system, has no status to plan with.
    let status = row.sides.as_ref().map(|_, side| {
        side.as_ref()
            .filter(|s| s.vanished_at.is_none())
            .and_then(|s| s.status.parse::<BookingStatus>().ok())
    });
    Situation {
        reservio: status.reservio,
        termino: status.termino,
        voucher_code: row.voucher_code.clone(),
        superseded,
    }
}

/// The plan of `kind` for a booking, as the start form shows it.
pub async fn preview(
    ctx: &SyncContext,
    row: &LinkRow,
    kind: ProcedureKind,
) -> Result<Result<Vec<PlannedStep>, Refusal>, sqlx::Error> {
    if !connection_syncs(&ctx.db, row.id).await? {
        return Ok(Err(Refusal::ConnectionEnded));
    }
    let superseded = links::superseded_by(&ctx.db, row.id).await?.is_some();
    Ok(procedure::plan(kind, &situation(row, superseded)))
}

/// Starts a procedure on a link: checks the plan (and the slot), stores the procedure and its
/// steps, audits it, and wakes the runner. An escalation is carried out at once: it only opens a
/// Partner Care case.
pub async fn start(
    ctx: &SyncContext,
    hooks: &Hooks,
    link_id: i64,
    params: Params,
    by: &Starter<'_>,
) -> Result<i64, StartError> {
    let row = links::find_row(&ctx.db, link_id)
        .await?
        .ok_or(StartError::NotFound)?;
    let kind = params.kind();
    let steps = preview(ctx, &row, kind)
        .await?
        .map_err(StartError::Refused)?;
    let conn = connections::find(&ctx.db, row.connection_id)
        .await?
        .ok_or(StartError::NoConnection)?;
    match &params {
        Params::Reschedule { start_at, end_at } => {
            let service = row.reservio_service().unwrap_or_default().to_string();
            check_slot(ctx, &conn, &row, &service, (*start_at, *end_at))
                .await?
                .map_err(StartError::Slot)?;
        }
        Params::ChangeService {
            service_id,
            offer_id,
            start_at,
            end_at,
        } => {
            let map = ServiceMap::new(&connections::mappings(&ctx.db, conn.id).await?);
            if map.offer_for_service(service_id) != Some(offer_id.as_str()) {
                return Err(StartError::Unmapped);
            }
            check_slot(ctx, &conn, &row, service_id, (*start_at, *end_at))
                .await?
                .map_err(StartError::Slot)?;
        }
        Params::Escalate { .. } => {
            if let Some(case_id) = cases::open_for_link(&ctx.db, link_id).await? {
                return Err(StartError::CaseOpen(case_id));
            }
        }
        Params::Cancel { .. } => {}
    }
    if let Some(case_id) = by.case_id {
        // The case a procedure settles must be an open case about this very booking.
        if !cases::is_open_about(&ctx.db, case_id, link_id).await? {
            return Err(StartError::NotFound);
        }
    }
    let now = ctx.clock.now();
    let params_json = serde_json::to_string(&params).unwrap_or_default();
    let mut tx = ctx.db.begin_write().await?;
    let id = match procedures::insert(
        &mut tx,
        &NewProcedure {
            link_id,
            partner_id: row.partner_id,
            kind: kind.as_str(),
            params: &params_json,
            started_by: by.user_id,
            case_id: by.case_id,
            steps: &steps,
        },
        now,
    )
    .await?
    {
        Ok(id) => id,
        Err(AlreadyActive(other)) => return Err(StartError::Busy(other)),
    };
    audit::append(
        &mut tx,
        now,
        Event::new(by.actor, "operation.started", "operation", id)
            .partner(Some(row.partner_id))
            .request(by.request_id)
            .after(json!({
                "link_id": link_id,
                "kind": kind.as_str(),
                "rule": kind.rule(),
                "params": params,
                "steps": steps.iter().map(|s| json!({
                    "step": s.step.as_str(),
                    "skipped": s.skip,
                })).collect::<Vec<_>>(),
            })),
    )?;
    for (position, s) in steps.iter().enumerate() {
        if let Some(reason) = s.skip {
            audit::append(
                &mut tx,
                now,
                Event::new(by.actor, "operation.step_skipped", "operation", id)
                    .partner(Some(row.partner_id))
                    .request(by.request_id)
                    .after(
                        json!({ "position": position, "step": s.step.as_str(), "reason": reason }),
                    ),
            )?;
        }
    }
    if let Params::Escalate { reason, proposal } = &params {
        escalate(&mut tx, hooks, &row, id, (reason, proposal), by, now).await?;
    }
    tx.commit().await?;
    hooks.wake.notify_one();
    Ok(id)
}
