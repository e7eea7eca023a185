//! The runner: claims due procedures with a lease, runs their steps one by one (each recorded as
//! running before its system call and as done after), and sends a stopped one back to its step.

use serde_json::json;

use super::context::{
    BATCH, Hooks, Outcome, Reach, Snapshots, StepRef, StepRun, WAIT_SECS, audit_step,
    connection_accounts, connection_syncs,
};
use super::finish::{complete, stop};
use super::{cancel, change_service, reschedule};
use crate::audit::{self, Actor, Event};
use crate::clock::ReadMark;
use crate::db::connections::{self, Hold, ServiceMap};
use crate::db::links;
use crate::db::procedures::{ProcedureRow, StepRow};
use crate::db::{bookings, procedures};
use crate::domain::connection::ConnectionState;
use crate::domain::procedure::{self, Params, ProcedureKind, Step};
use crate::sync::context::{SyncContext, SyncError};
use crate::sync::reconcile::reconcile_link;
use crate::systems::SystemError;

/// Runs every due procedure as far as it goes now; returns how many were looked at.
pub async fn run_due(ctx: &SyncContext, hooks: &Hooks) -> Result<usize, SyncError> {
    let ids = procedures::due(&ctx.db, ctx.clock.now(), BATCH).await?;
    let mut ran = 0;
    for id in ids {
        match run_one(ctx, hooks, id).await {
            Ok(true) => ran += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(procedure = id, error = %e, "procedure step failed to run"),
        }
    }
    Ok(ran)
}

/// Runs one procedure until it waits, fails, or completes. False when it was not ours to run.
pub async fn run_one(ctx: &SyncContext, hooks: &Hooks, id: i64) -> Result<bool, SyncError> {
    run_steps(ctx, hooks, id, usize::MAX).await
}

/// Like [`run_one`], but carries out at most `max_steps` steps (tests stop a procedure between
/// steps this way, to break a system at exactly the next one).
pub async fn run_steps(
    ctx: &SyncContext,
    hooks: &Hooks,
    id: i64,
    max_steps: usize,
) -> Result<bool, SyncError> {
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let claimed =
        procedures::claim(&mut tx, id, &ctx.owner, now, now + ctx.settings.lease_secs).await?;
    tx.commit().await?;
    if !claimed {
        return Ok(false);
    }
    let outcome = drive(ctx, hooks, id, max_steps).await;
    let mut tx = ctx.db.begin_write().await?;
    procedures::release(&mut tx, id, &ctx.owner).await?;
    tx.commit().await?;
    outcome.map(|()| true)
}

async fn drive(
    ctx: &SyncContext,
    hooks: &Hooks,
    id: i64,
    max_steps: usize,
) -> Result<(), SyncError> {
    let actor = Actor::Sync;
    let mut executed = 0;
    loop {
        let Some(op) = procedures::find(&ctx.db, id).await? else {
            return Ok(());
        };
        if !matches!(op.state.as_str(), "pending" | "running" | "waiting") {
            return Ok(());
        }
        let kind: ProcedureKind = op
            .kind
            .parse()
            .map_err(|_| SyncError::NotConfigured(op.link_id, "a procedure of an unknown kind"))?;
        let steps = procedures::steps(&ctx.db, id).await?;
        let Some(row) = links::find_row(&ctx.db, op.link_id).await? else {
            return Ok(());
        };
        let now = ctx.clock.now();
        let Some(step_row) = steps.iter().find(|s| {
            s.position >= op.current_step && !matches!(s.state.as_str(), "done" | "skipped")
        }) else {
            let mut tx = ctx.db.begin_write().await?;
            complete(&mut tx, hooks, &row, id, kind, &actor, now).await?;
            tx.commit().await?;
            if let Some(conn) = connections::find(&ctx.db, row.connection_id).await? {
                let map = ServiceMap::new(&connections::mappings(&ctx.db, conn.id).await?);
                reconcile_link(ctx, &conn, &map, row.id).await?;
            }
            return Ok(());
        };
        let Ok(step) = step_row.name.parse::<Step>() else {
            let mut tx = ctx.db.begin_write().await?;
            procedures::fail_step(&mut tx, id, step_row.position, "unknown step", now).await?;
            tx.commit().await?;
            return Ok(());
        };
        let Some(conn) = connections::find(&ctx.db, row.connection_id).await? else {
            return Ok(());
        };
        // A disconnected (or suspended) connection's systems are gone or off limits: its old
        // credentials would only be refused. The procedure stops and says why.
        if !conn
            .state
            .parse::<ConnectionState>()
            .is_ok_and(ConnectionState::syncs)
        {
            let message = format!(
                "the connection is {}: bookbridge no longer acts in its systems",
                conn.state
            );
            let mut tx = ctx.db.begin_write().await?;
            stop(
                &mut tx,
                &actor,
                &row,
                &op,
                (step_row.position, step),
                &message,
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let params: Params = match serde_json::from_str(&op.params) {
            Ok(p) => p,
            Err(e) => {
                let mut tx = ctx.db.begin_write().await?;
                procedures::fail_step(&mut tx, id, step_row.position, &e.to_string(), now).await?;
                tx.commit().await?;
                return Ok(());
            }
        };
        if executed >= max_steps {
            return Ok(());
        }
        executed += 1;
        // A connection that writes nothing (refused credentials, observe mode): a step that
        // would write waits, recorded as what bookbridge would do, and goes once the hold lifts.
        if let Some(hold) = conn.hold().filter(|_| step.writes()) {
            let mut tx = ctx.db.begin_write().await?;
            hold_step(&mut tx, &op, step_row, step, hold, now).await?;
            tx.commit().await?;
            return Ok(());
        }
        let mut tx = ctx.db.begin_write().await?;
        procedures::start_step(&mut tx, id, step_row.position, now).await?;
        tx.commit().await?;

        let run = StepRun {
            ctx,
            hooks,
            op: &op,
            step_row,
            row: &row,
            conn: &conn,
            params: &params,
        };
        let read = ReadMark::now();
        let (outcome, snapshots) = execute(&run, step).await;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        for snapshot in &snapshots {
            bookings::upsert(&mut tx, conn.id, snapshot, Some(read), now).await?;
        }
        let position = step_row.position;
        // Which step the audit rows of its outcome are about.
        let at = StepRef {
            procedure_id: id,
            partner_id: op.partner_id,
            position,
            step,
        };
        let carry_on = match outcome {
            Outcome::Done(result) => {
                procedures::finish_step(&mut tx, id, position, &result.to_string(), now).await?;
                audit_step(&mut tx, &actor, at, "operation.step_done", result, now).await?;
                true
            }
            Outcome::Wait { reason, deadline } if now < deadline => {
                if step_row.error.as_deref() != Some(reason.as_str()) {
                    audit_step(
                        &mut tx,
                        &actor,
                        at,
                        "operation.step_waiting",
                        json!({ "reason": reason }),
                        now,
                    )
                    .await?;
                }
                procedures::wait_step(&mut tx, id, position, &reason, now + WAIT_SECS, now).await?;
                false
            }
            Outcome::Wait { reason, .. } => {
                let message = format!("gave up waiting: {reason}");
                stop(&mut tx, &actor, &row, &op, (position, step), &message, now).await?;
                false
            }
            Outcome::Transient(message) if step_row.attempts + 1 < ctx.settings.max_attempts => {
                let delay = crate::domain::backoff::secs(
                    step_row.attempts,
                    ctx.settings.retry_base_secs,
                    ctx.settings.retry_max_secs,
                    0.5,
                );
                audit_step(
                    &mut tx,
                    &actor,
                    at,
                    "operation.step_retry",
                    json!({ "error": message, "attempt": step_row.attempts + 1 }),
                    now,
                )
                .await?;
                let reason = format!("{message}; trying again");
                procedures::wait_step(&mut tx, id, position, &reason, now + delay, now).await?;
                false
            }
            Outcome::Transient(message) | Outcome::Fail(message) => {
                stop(&mut tx, &actor, &row, &op, (position, step), &message, now).await?;
                false
            }
            Outcome::CredentialsRefused(error) => {
                crate::sync::hold::mark_refused(&mut tx, &conn, None, &error, now).await?;
                let hold = Hold::CredentialsExpired;
                hold_step(&mut tx, &op, step_row, step, hold, now).await?;
                false
            }
        };
        tx.commit().await?;
        if !carry_on {
            return Ok(());
        }
    }
}

/// Holds a step that would write while the connection writes nothing: it waits (never giving
/// up) with the hold as its reason, audited when it starts to wait for that reason.
async fn hold_step(
    tx: &mut crate::db::Tx,
    op: &ProcedureRow,
    step_row: &StepRow,
    step: Step,
    hold: Hold,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (reason, action) = match hold {
        Hold::Observe => (procedure::HELD_OBSERVE, "operation.step_would_do"),
        Hold::CredentialsExpired => (procedure::HELD_CREDENTIALS, "operation.step_held"),
    };
    if step_row.error.as_deref() != Some(reason) {
        let params = serde_json::from_str::<serde_json::Value>(&op.params).ok();
        let what = json!({ "reason": reason, "params": params });
        let at = StepRef {
            procedure_id: op.id,
            partner_id: op.partner_id,
            position: step_row.position,
            step,
        };
        audit_step(tx, &Actor::Sync, at, action, what, now).await?;
    }
    procedures::wait_step(tx, op.id, step_row.position, reason, now + WAIT_SECS, now).await
}

/// Sends a stopped procedure back to its failed step; refused when the booking's connection no
/// longer syncs, since the step would only fail again.
pub async fn retry(
    ctx: &SyncContext,
    hooks: &Hooks,
    procedure_id: i64,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = ctx.clock.now();
    match procedures::find(&ctx.db, procedure_id).await? {
        Some(op) if connection_syncs(&ctx.db, op.link_id).await? => {}
        _ => return Ok(false),
    }
    let mut tx = ctx.db.begin_write().await?;
    let Some(op) = procedures::find_tx(&mut tx, procedure_id).await? else {
        return Ok(false);
    };
    if !procedures::retry(&mut tx, procedure_id, now).await? {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(actor, "operation.retried", "operation", procedure_id)
            .partner(Some(op.partner_id))
            .request(request_id)
            .after(json!({ "link_id": op.link_id, "from_step": op.current_step })),
    )?;
    tx.commit().await?;
    hooks.wake.notify_one();
    Ok(true)
}

async fn execute(run: &StepRun<'_>, step: Step) -> (Outcome, Snapshots) {
    let mut snapshots = vec![];
    let outcome = match run_step(run, step, &mut snapshots).await {
        Ok(outcome) => outcome,
        Err(e) => Outcome::from(e),
    };
    (outcome, snapshots)
}

/// Carries out one step: each kind's steps live in the kind's own module.
async fn run_step(
    run: &StepRun<'_>,
    step: Step,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some((business, _, partner, t_token)) = connection_accounts(run.conn) else {
        return Ok(Outcome::Fail(
            "the connection has no accounts in both systems".into(),
        ));
    };
    let systems = run.ctx.connector.systems(run.conn)?;
    let at = Reach {
        business,
        partner,
        t_token,
        reservio: systems.reservio.as_ref(),
        termino: systems.termino.as_ref(),
        ids: run.row.external_ids(),
    };
    match step {
        Step::CancelVoucher => cancel::cancel_voucher(run, &at, seen).await,
        Step::ConfirmVoucherCancelled => cancel::confirm_voucher_cancelled(run, &at, seen).await,
        Step::CancelReservio | Step::CancelOldReservio => {
            cancel::cancel_reservio(run, &at, seen).await
        }
        Step::VerifyCancelled => cancel::verify_cancelled(run, &at, seen).await,
        Step::CheckSlot => reschedule::check_slot(run, &at, seen).await,
        Step::ApplyTime => reschedule::apply_time(run, &at, seen).await,
        Step::AwaitPropagation => reschedule::await_propagation(run, &at, seen).await,
        Step::VerifyTime => reschedule::verify_time(run, &at, seen).await,
        Step::ReissueVoucher => change_service::reissue_voucher(run, &at, seen).await,
        Step::CreateNewBooking => change_service::create_new_booking(run).await,
        Step::AwaitNewBooking => change_service::await_new_booking(run, &at, seen).await,
        Step::VerifyNewBooking => change_service::verify_new_booking(run, &at, seen).await,
        // The escalation's one step is carried out as it starts (see `escalate`).
        Step::OpenCase => Ok(Outcome::Done(json!({}))),
    }
}

/// The background loop: runs due procedures every second, and at once when one is started.
pub async fn run_forever(ctx: SyncContext, hooks: Hooks) {
    loop {
        let task = {
            let ctx = ctx.clone();
            let hooks = hooks.clone();
            tokio::spawn(async move { run_due(&ctx, &hooks).await })
        };
        match task.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "procedure round failed"),
            Err(e) => tracing::error!(error = %e, "a procedure round panicked"),
        }
        tokio::select! {
            _ = hooks.wake.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
        }
    }
}
