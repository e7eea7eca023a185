//! Runs guided procedures (`operations`): starts them after checking the plan, then carries out
//! their steps one by one against the two systems, recording each step before moving on.
//!
//! Crash safety: a step's external effect is made with an idempotency key derived from the
//! operation and the step, and every step first reads the system to see whether its effect is
//! already there. A runner killed mid-step leaves the step `running`; when the lease runs out
//! another runner (or the restarted one) does the step again, and the key and the read make sure
//! the effect happens once.

use std::sync::Arc;

use serde_json::{Value, json};

use super::context::{SyncContext, SyncError};
use super::reconcile::reconcile_link;
use super::worker::{Notifier, sync_connection};
use crate::audit::{self, Actor, Event};
use crate::db::connections::{self, Connection, ServiceMap};
use crate::db::links::{self, LinkRow, NewLink};
use crate::db::mismatches;
use crate::db::operations::{self, AlreadyActive, NewOperation, OperationRow, StepRow};
use crate::db::outbox::{self, NewPush};
use crate::db::{Tx, bookings, cases};
use crate::domain::case::CaseOutcome;
use crate::domain::connection::ConnectionState;
use crate::domain::mismatch::MismatchKind;
use crate::domain::procedure::{
    self, Params, PlannedStep, ProcedureKind, Refusal, Situation, SlotProblem, Step,
};
use crate::domain::{BookingStatus, Customer, NewBooking, RemoteBooking, System};
use crate::i18n::{self, Lang};
use crate::systems::SystemError;

/// How long a confirmation from Termino may take before the step fails.
const CONFIRM_DEADLINE_SECS: i64 = 10 * 60;
/// How long to wait between looks at a waiting step.
const WAIT_SECS: i64 = 2;
/// How many operations one round takes.
const BATCH: i64 = 20;

/// What the runner needs besides the sync context.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    /// Wakes the sync worker for a connection (so a change crosses over sooner).
    pub notifier: Option<Notifier>,
    /// Confirmation e-mails are kept for the Outbox page instead of being sent.
    pub mail_held: bool,
    /// Wakes the runner when an operation is started or retried.
    pub wake: Arc<tokio::sync::Notify>,
}

/// Why a procedure could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("no such booking")]
    NotFound,
    #[error("the procedure does not apply: {0:?}")]
    Refused(Refusal),
    #[error("the slot cannot be taken: {0:?}")]
    Slot(SlotProblem),
    #[error("another procedure is under way on this booking")]
    Busy(i64),
    #[error("the service is not mapped to an offer")]
    Unmapped,
    #[error("an open case already exists for this booking")]
    CaseOpen(i64),
    #[error("the booking's connection is not set up")]
    NoConnection,
    #[error("{0}")]
    System(#[from] SystemError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Who starts a procedure.
pub struct Starter<'a> {
    pub actor: &'a Actor,
    pub user_id: Option<i64>,
    pub request_id: Option<&'a str>,
    /// The case this procedure settles (Partner Care acting on an escalation).
    pub case_id: Option<i64>,
}

/// The booking as a procedure sees it.
pub fn situation(row: &LinkRow, superseded: bool) -> Situation {
    let status = |present: Option<i64>, vanished: Option<i64>, s: &Option<String>| {
        if present.is_none() || vanished.is_some() {
            None
        } else {
            s.as_deref().and_then(|s| s.parse::<BookingStatus>().ok())
        }
    };
    Situation {
        reservio: status(row.r_id, row.r_vanished_at, &row.r_status),
        termino: status(row.t_id, row.t_vanished_at, &row.t_status),
        voucher_code: row.voucher_code.clone(),
        superseded,
    }
}

/// Whether the link has been superseded (read separately: `LinkRow` is the current-link view).
async fn is_superseded(ctx: &SyncContext, link_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT superseded_by FROM booking_links WHERE id = $1")
            .bind(link_id)
            .fetch_optional(ctx.db.pool())
            .await?;
    Ok(matches!(row, Some((Some(_),))))
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
    let superseded = is_superseded(ctx, row.id).await?;
    Ok(procedure::plan(kind, &situation(row, superseded)))
}

fn connection_accounts(conn: &Connection) -> Option<(&str, &str, &str, &str)> {
    Some((
        conn.reservio_business_id.as_deref()?,
        conn.reservio_token.as_deref()?,
        conn.termino_partner_id.as_deref()?,
        conn.termino_token.as_deref()?,
    ))
}

/// Reservio's free times for a staff move of a service in `[from, to)` that are still in the
/// future: beyond the customer's booking horizon and inside the lead time too.
pub async fn free_slots(
    ctx: &SyncContext,
    conn: &Connection,
    service_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, SystemError> {
    let (business, token, _, _) = connection_accounts(conn)
        .ok_or_else(|| SystemError::Refused("the connection has no Reservio account".into()))?;
    let client = ctx.connector.reservio_client(token)?;
    let now = ctx.clock.now();
    let mut slots = client
        .staff_free_slots(business, service_id, None, from, to)
        .await?;
    slots.retain(|(start, _)| *start > now);
    slots.sort_unstable();
    Ok(slots)
}

/// Whether a booking we know of (other than `except`) holds any part of the slot in Reservio.
async fn slot_taken(
    ctx: &SyncContext,
    connection_id: i64,
    (start, end): (i64, i64),
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM external_bookings WHERE connection_id = $1 AND system = 'reservio' \
         AND status IN ('confirmed', 'pending') AND vanished_at IS NULL \
         AND start_at < $2 AND end_at > $3 AND id <> $4",
    )
    .bind(connection_id)
    .bind(end)
    .bind(start)
    .bind(except.unwrap_or(0))
    .fetch_one(ctx.db.pool())
    .await?;
    Ok(n > 0)
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
    let free = free_slots(ctx, conn, service_id, slot.0 - 1, slot.0 + 1).await?;
    let taken = slot_taken(ctx, conn.id, slot, row.r_id).await?;
    Ok(procedure::check_slot(slot, now, &free, taken))
}

/// Starts a procedure on a link: checks the plan (and the slot), stores the operation and its
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
            let service = row.r_service_id.clone().unwrap_or_default();
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
            let open: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM cases WHERE link_id = $1 AND state <> 'resolved' ORDER BY id LIMIT 1",
            )
            .bind(link_id)
            .fetch_optional(ctx.db.pool())
            .await?;
            if let Some((case_id,)) = open {
                return Err(StartError::CaseOpen(case_id));
            }
        }
        Params::Cancel { .. } => {}
    }
    if let Some(case_id) = by.case_id {
        // The case a procedure settles must be an open case about this very booking.
        let open: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM cases WHERE id = $1 AND link_id = $2 AND state <> 'resolved'",
        )
        .bind(case_id)
        .bind(link_id)
        .fetch_optional(ctx.db.pool())
        .await?;
        if open.is_none() {
            return Err(StartError::NotFound);
        }
    }
    let now = ctx.clock.now();
    let params_json = serde_json::to_string(&params).unwrap_or_default();
    let mut tx = ctx.db.begin_write().await?;
    let id = match operations::insert(
        &mut tx,
        &NewOperation {
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
    )
    .await?;
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
            )
            .await?;
        }
    }
    if let Params::Escalate { reason, proposal } = &params {
        escalate(&mut tx, hooks, &row, id, reason, proposal, by, now).await?;
    }
    tx.commit().await?;
    hooks.wake.notify_one();
    Ok(id)
}

/// Opens the Partner Care case of an escalation and completes the operation (one step).
#[allow(clippy::too_many_arguments)]
async fn escalate(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    operation_id: i64,
    reason: &str,
    proposal: &str,
    by: &Starter<'_>,
    now: i64,
) -> Result<(), StartError> {
    let case_id = cases::insert(
        tx,
        &cases::NewCase {
            partner_id: row.partner_id,
            link_id: Some(row.id),
            connection_id: Some(row.connection_id),
            kind: "cannot_honour",
            reason,
            proposal,
            opened_by: by.user_id.unwrap_or(0),
        },
        now,
    )
    .await?;
    audit::append(
        tx,
        now,
        Event::new(by.actor, "case.opened", "case", case_id)
            .partner(Some(row.partner_id))
            .request(by.request_id)
            .after(json!({
                "link_id": row.id,
                "kind": "cannot_honour",
                "reason": reason,
                "proposal": proposal,
                "operation_id": operation_id,
            })),
    )
    .await?;
    let result = json!({ "case_id": case_id }).to_string();
    operations::start_step(tx, operation_id, 0, now).await?;
    operations::finish_step(tx, operation_id, 0, &result, now).await?;
    audit_step(
        tx,
        by.actor,
        row.partner_id,
        operation_id,
        "operation.step_done",
        0,
        Step::OpenCase,
        json!({ "case_id": case_id }),
        now,
    )
    .await?;
    complete(
        tx,
        hooks,
        row,
        operation_id,
        ProcedureKind::Escalate,
        by.actor,
        now,
    )
    .await?;
    Ok(())
}

/// Marks the operation completed, settles its case, clears its failure flag, and queues the
/// partner's confirmation e-mail (FAQ rule 6).
#[allow(clippy::too_many_arguments)]
async fn complete(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    operation_id: i64,
    kind: ProcedureKind,
    actor: &Actor,
    now: i64,
) -> Result<(), sqlx::Error> {
    operations::set_state(tx, operation_id, "completed", None, now).await?;
    audit::append(
        tx,
        now,
        Event::new(actor, "operation.completed", "operation", operation_id)
            .partner(Some(row.partner_id))
            .after(json!({ "link_id": row.id, "kind": kind.as_str() })),
    )
    .await?;
    clear_failure(tx, actor, row, operation_id, "the procedure completed", now).await?;
    let op = operations::find_tx(tx, operation_id).await?;
    if let Some(case_id) = op.as_ref().and_then(|o| o.case_id) {
        let user = op.as_ref().and_then(|o| o.started_by).unwrap_or(0);
        let outcome = match kind {
            ProcedureKind::Cancel => CaseOutcome::BookingCancelled,
            ProcedureKind::Reschedule | ProcedureKind::ChangeService => CaseOutcome::BookingMoved,
            ProcedureKind::Escalate => CaseOutcome::BookingKept,
        }
        .as_str();
        if user != 0 && cases::resolve(tx, case_id, user, outcome, now).await? {
            audit::append(
                tx,
                now,
                Event::new(actor, "case.resolved", "case", case_id)
                    .partner(Some(row.partner_id))
                    .after(json!({ "outcome": outcome, "operation_id": operation_id })),
            )
            .await?;
        }
    }
    queue_confirmation(tx, hooks, row, operation_id, kind, now).await?;
    Ok(())
}

/// The confirmation e-mail, in the partner's language (the admin's setting; else that of the
/// partner's first user who chose one) and with the booking's time on the partner's clock.
async fn queue_confirmation(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    operation_id: i64,
    kind: ProcedureKind,
    now: i64,
) -> Result<(), sqlx::Error> {
    let settings: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.timezone, p.locale, (SELECT u.locale FROM users u WHERE u.partner_id = p.id \
         AND u.disabled = 0 AND u.locale IS NOT NULL ORDER BY u.id LIMIT 1) \
         FROM partners p WHERE p.id = $1",
    )
    .bind(row.partner_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (timezone, partner_locale, user_locale) = settings.unwrap_or_default();
    let lang = partner_locale
        .or(user_locale)
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default();
    let tz = i18n::format::time_zone(&timezone);
    let customer = row
        .r_customer_name
        .clone()
        .or_else(|| row.t_customer_name.clone())
        .unwrap_or_default();
    let voucher = row.voucher_code.clone().unwrap_or_else(|| "—".into());
    let mut args = vec![
        ("customer", customer.as_str().into()),
        ("voucher", voucher.as_str().into()),
        ("booking", row.id.into()),
    ];
    // The cancel confirmation tells what really ran: a voucher already cancelled, a calendar
    // booking bookbridge itself cancelled — never "please check" what bookbridge has checked.
    let story = match kind {
        ProcedureKind::Cancel => {
            let voucher_step =
                operations::step_result(tx, operation_id, Step::CancelVoucher.as_str()).await?;
            let reservio_step =
                operations::step_result(tx, operation_id, Step::CancelReservio.as_str()).await?;
            cancel_story(row, voucher_step.as_deref(), reservio_step.as_deref())
                .map(|key| i18n::text_with(lang, key, &args))
                .join("\n")
        }
        _ => String::new(),
    };
    args.push(("steps", story.as_str().into()));
    let subject = i18n::text_with(lang, &format!("mail-subject-{}", kind.as_str()), &args);
    let mut body = i18n::text_with(lang, &format!("mail-body-{}", kind.as_str()), &args);
    if let Some(start) = row.r_start_at.or(row.t_start_at) {
        let when = i18n::format::format_datetime(lang, start, &tz);
        body.push('\n');
        body.push_str(&i18n::text_with(
            lang,
            "mail-booking-time",
            &[("when", when.as_str().into())],
        ));
    }
    crate::db::emails::queue(
        tx,
        row.partner_id,
        Some(operation_id),
        &subject,
        &body,
        hooks.mail_held,
        now,
    )
    .await?;
    Ok(())
}

/// What a completed cancellation did on each side, as the confirmation's catalogue keys, from
/// the stored results of its voucher and Reservio steps (`None`: the step was skipped).
fn cancel_story(
    row: &LinkRow,
    voucher_step: Option<&str>,
    reservio_step: Option<&str>,
) -> [&'static str; 2] {
    let voucher = match (voucher_step, row.t_external_id.is_some()) {
        (Some(_), _) => "mail-cancel-voucher-done",
        (None, true) => "mail-cancel-voucher-already",
        (None, false) => "mail-cancel-voucher-none",
    };
    let result = reservio_step.and_then(|r| serde_json::from_str::<Value>(r).ok());
    let reservio = match (result, row.r_external_id.is_some()) {
        (Some(r), _) if r.get("already").and_then(Value::as_bool) == Some(true) => {
            "mail-cancel-reservio-already"
        }
        (Some(r), _) if r.get("booking").is_some_and(Value::is_null) => "mail-cancel-reservio-none",
        (Some(_), _) => "mail-cancel-reservio-done",
        (None, true) => "mail-cancel-reservio-already",
        (None, false) => "mail-cancel-reservio-none",
    };
    [voucher, reservio]
}

/// Resolves the link's `procedure_failed` flag, if one is open.
async fn clear_failure(
    tx: &mut Tx,
    actor: &Actor,
    row: &LinkRow,
    operation_id: i64,
    note: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    for open in mismatches::unresolved_for_link(tx, row.id).await? {
        if open.kind != MismatchKind::ProcedureFailed.as_str() {
            continue;
        }
        if mismatches::resolve(tx, open.id, "sync", note, now).await? {
            audit::append(
                tx,
                now,
                Event::new(actor, "mismatch.resolved", "mismatch", open.id)
                    .partner(Some(row.partner_id))
                    .after(json!({
                        "link_id": row.id,
                        "kind": open.kind,
                        "note": note,
                        "operation_id": operation_id,
                    })),
            )
            .await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn audit_step(
    tx: &mut Tx,
    actor: &Actor,
    partner_id: i64,
    operation_id: i64,
    action: &str,
    position: i64,
    step: Step,
    detail: Value,
    now: i64,
) -> Result<(), sqlx::Error> {
    audit::append(
        tx,
        now,
        Event::new(actor, action, "operation", operation_id)
            .partner(Some(partner_id))
            .after(json!({ "position": position, "step": step.as_str(), "detail": detail })),
    )
    .await?;
    Ok(())
}

/// Whether the connection of a link still syncs, so a procedure on it can act in its systems.
pub async fn connection_syncs(db: &crate::db::Db, link_id: i64) -> Result<bool, sqlx::Error> {
    Ok(connections::state_of_link(db, link_id)
        .await?
        .and_then(|s| s.parse::<ConnectionState>().ok())
        .is_some_and(ConnectionState::syncs))
}

/// Sends a stopped operation back to its failed step; refused when the booking's connection no
/// longer syncs, since the step would only fail again.
pub async fn retry(
    ctx: &SyncContext,
    hooks: &Hooks,
    operation_id: i64,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = ctx.clock.now();
    match operations::find(&ctx.db, operation_id).await? {
        Some(op) if connection_syncs(&ctx.db, op.link_id).await? => {}
        _ => return Ok(false),
    }
    let mut tx = ctx.db.begin_write().await?;
    let Some(op) = operations::find_tx(&mut tx, operation_id).await? else {
        return Ok(false);
    };
    if !operations::retry(&mut tx, operation_id, now).await? {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(actor, "operation.retried", "operation", operation_id)
            .partner(Some(op.partner_id))
            .request(request_id)
            .after(json!({ "link_id": op.link_id, "from_step": op.current_step })),
    )
    .await?;
    tx.commit().await?;
    hooks.wake.notify_one();
    Ok(true)
}

/// Gives a procedure up; nothing already done is undone.
pub async fn abandon(
    ctx: &SyncContext,
    operation_id: i64,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = ctx.clock.now();
    let row = match operations::find(&ctx.db, operation_id).await? {
        Some(op) => links::find_row(&ctx.db, op.link_id).await?,
        None => None,
    };
    let mut tx = ctx.db.begin_write().await?;
    let Some(op) = operations::find_tx(&mut tx, operation_id).await? else {
        return Ok(false);
    };
    if !operations::abandon(&mut tx, operation_id, now).await? {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(actor, "operation.abandoned", "operation", operation_id)
            .partner(Some(op.partner_id))
            .request(request_id)
            .after(json!({ "link_id": op.link_id, "at_step": op.current_step })),
    )
    .await?;
    if let Some(row) = &row {
        clear_failure(
            &mut tx,
            actor,
            row,
            operation_id,
            "the procedure was abandoned",
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Runs every due operation as far as it goes now; returns how many were looked at.
pub async fn run_due(ctx: &SyncContext, hooks: &Hooks) -> Result<usize, SyncError> {
    let ids = operations::due(&ctx.db, ctx.clock.now(), BATCH).await?;
    let mut ran = 0;
    for id in ids {
        match run_one(ctx, hooks, id).await {
            Ok(true) => ran += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(operation = id, error = %e, "procedure step failed to run"),
        }
    }
    Ok(ran)
}

/// What one step came to.
enum Outcome {
    Done(Value),
    /// Not yet: look again later. `deadline`: when waiting turns into failing.
    Wait {
        reason: String,
        deadline: i64,
    },
    Fail(String),
    /// A system did not answer (timeout, 5xx): try again after a backoff, a few times.
    Transient(String),
}

impl From<SystemError> for Outcome {
    fn from(e: SystemError) -> Self {
        if e.is_transient() {
            Outcome::Transient(e.to_string())
        } else {
            Outcome::Fail(e.to_string())
        }
    }
}

/// Runs one operation until it waits, fails, or completes. False when it was not ours to run.
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
        operations::claim(&mut tx, id, &ctx.owner, now, now + ctx.settings.lease_secs).await?;
    tx.commit().await?;
    if !claimed {
        return Ok(false);
    }
    let outcome = drive(ctx, hooks, id, max_steps).await;
    let mut tx = ctx.db.begin_write().await?;
    operations::release(&mut tx, id, &ctx.owner).await?;
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
        let Some(op) = operations::find(&ctx.db, id).await? else {
            return Ok(());
        };
        if !matches!(op.state.as_str(), "pending" | "running" | "waiting") {
            return Ok(());
        }
        let kind: ProcedureKind = op
            .kind
            .parse()
            .map_err(|_| SyncError::NotConfigured(op.link_id, "an operation of an unknown kind"))?;
        let steps = operations::steps(&ctx.db, id).await?;
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
            operations::fail_step(&mut tx, id, step_row.position, "unknown step", now).await?;
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
                step_row.position,
                step,
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
                operations::fail_step(&mut tx, id, step_row.position, &e.to_string(), now).await?;
                tx.commit().await?;
                return Ok(());
            }
        };
        if executed >= max_steps {
            return Ok(());
        }
        executed += 1;
        let mut tx = ctx.db.begin_write().await?;
        operations::start_step(&mut tx, id, step_row.position, now).await?;
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
        let (outcome, snapshots) = run.execute(step).await;
        let now = ctx.clock.now();
        let mut tx = ctx.db.begin_write().await?;
        for snapshot in &snapshots {
            bookings::upsert(&mut tx, conn.id, snapshot, now).await?;
        }
        let position = step_row.position;
        let carry_on = match outcome {
            Outcome::Done(result) => {
                operations::finish_step(&mut tx, id, position, &result.to_string(), now).await?;
                audit_step(
                    &mut tx,
                    &actor,
                    op.partner_id,
                    id,
                    "operation.step_done",
                    position,
                    step,
                    result,
                    now,
                )
                .await?;
                true
            }
            Outcome::Wait { reason, deadline } if now < deadline => {
                if step_row.error.as_deref() != Some(reason.as_str()) {
                    audit_step(
                        &mut tx,
                        &actor,
                        op.partner_id,
                        id,
                        "operation.step_waiting",
                        position,
                        step,
                        json!({ "reason": reason }),
                        now,
                    )
                    .await?;
                }
                operations::wait_step(&mut tx, id, position, &reason, now + WAIT_SECS, now).await?;
                false
            }
            Outcome::Wait { reason, .. } => {
                let message = format!("gave up waiting: {reason}");
                stop(&mut tx, &actor, &row, &op, position, step, &message, now).await?;
                false
            }
            Outcome::Transient(message) if step_row.attempts + 1 < ctx.settings.max_attempts => {
                let delay = super::push::backoff_secs(
                    step_row.attempts,
                    ctx.settings.retry_base_secs,
                    ctx.settings.retry_max_secs,
                    0.5,
                );
                audit_step(
                    &mut tx,
                    &actor,
                    op.partner_id,
                    id,
                    "operation.step_retry",
                    position,
                    step,
                    json!({ "error": message, "attempt": step_row.attempts + 1 }),
                    now,
                )
                .await?;
                let reason = format!("{message}; trying again");
                operations::wait_step(&mut tx, id, position, &reason, now + delay, now).await?;
                false
            }
            Outcome::Transient(message) | Outcome::Fail(message) => {
                stop(&mut tx, &actor, &row, &op, position, step, &message, now).await?;
                false
            }
        };
        tx.commit().await?;
        if !carry_on {
            return Ok(());
        }
    }
}

/// Stops the operation at a step: the step and the operation fail with the reason, and the
/// booking gets an open `procedure_failed` mismatch until the procedure is retried or abandoned.
#[allow(clippy::too_many_arguments)]
async fn stop(
    tx: &mut Tx,
    actor: &Actor,
    row: &LinkRow,
    op: &OperationRow,
    position: i64,
    step: Step,
    message: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    operations::fail_step(tx, op.id, position, message, now).await?;
    audit_step(
        tx,
        actor,
        op.partner_id,
        op.id,
        "operation.failed",
        position,
        step,
        json!({ "error": message }),
        now,
    )
    .await?;
    let detail = format!("{} stopped at {}: {message}", op.kind, step.as_str());
    let extra = json!({ "operation_id": op.id });
    let kind = MismatchKind::ProcedureFailed;
    super::context::flag(tx, row.id, row.partner_id, kind, &detail, extra, now).await?;
    Ok(())
}

/// Everything one step needs.
struct StepRun<'a> {
    ctx: &'a SyncContext,
    hooks: &'a Hooks,
    op: &'a OperationRow,
    step_row: &'a StepRow,
    row: &'a LinkRow,
    conn: &'a Connection,
    params: &'a Params,
}

type Snapshots = Vec<RemoteBooking>;

impl StepRun<'_> {
    /// The idempotency key of this step's external effect: the same on every attempt.
    fn key(&self, what: &str) -> String {
        format!("op{}-s{}-{what}", self.op.id, self.step_row.position)
    }

    fn deadline(&self, secs: i64) -> i64 {
        self.step_row.started_at.unwrap_or(self.ctx.clock.now()) + secs
    }

    async fn execute(&self, step: Step) -> (Outcome, Snapshots) {
        let mut snapshots = vec![];
        let outcome = match self.step(step, &mut snapshots).await {
            Ok(outcome) => outcome,
            Err(e) => Outcome::from(e),
        };
        (outcome, snapshots)
    }

    async fn step(&self, step: Step, seen: &mut Snapshots) -> Result<Outcome, SystemError> {
        let Some((business, _, partner, t_token)) = connection_accounts(self.conn) else {
            return Ok(Outcome::Fail(
                "the connection has no accounts in both systems".into(),
            ));
        };
        let connector = &self.ctx.connector;
        let systems = connector.systems(self.conn)?;
        let reservio = systems.reservio.as_ref();
        let termino = systems.termino.as_ref();
        let r_id = self.row.r_external_id.as_deref();
        let t_id = self.row.t_external_id.as_deref();
        match step {
            Step::CancelVoucher => {
                let Some(code) = self.row.voucher_code.as_deref() else {
                    return Ok(Outcome::Fail("the booking has no voucher code".into()));
                };
                let reason = match self.params {
                    Params::Cancel { reason } => reason.as_str(),
                    _ => "",
                };
                let client = connector.termino_client(t_token)?;
                let reservation = client
                    .cancel_voucher(partner, code, reason, &self.key("cancel-voucher"))
                    .await?;
                let result = json!({ "voucher": code, "reservation": reservation.external_id });
                seen.push(reservation);
                Ok(Outcome::Done(result))
            }
            Step::ConfirmVoucherCancelled => {
                let Some(id) = t_id else {
                    return Ok(Outcome::Done(json!({ "reservation": null })));
                };
                let now = termino.get(partner, id).await?;
                let cancelled = now.status == BookingStatus::Cancelled;
                seen.push(now);
                if cancelled {
                    Ok(Outcome::Done(
                        json!({ "reservation": id, "status": "cancelled" }),
                    ))
                } else {
                    Ok(Outcome::Wait {
                        reason: "waiting for Termino to confirm the cancellation".into(),
                        deadline: self.deadline(CONFIRM_DEADLINE_SECS),
                    })
                }
            }
            Step::CancelReservio | Step::CancelOldReservio => {
                let Some(id) = r_id else {
                    return Ok(Outcome::Done(json!({ "booking": null })));
                };
                let before = reservio.get(business, id).await?;
                if before.status == BookingStatus::Cancelled {
                    seen.push(before);
                    return Ok(Outcome::Done(json!({ "booking": id, "already": true })));
                }
                reservio.cancel(business, id, &self.key("cancel")).await?;
                let after = reservio.get(business, id).await?;
                let cancelled = after.status == BookingStatus::Cancelled;
                seen.push(after);
                if cancelled {
                    Ok(Outcome::Done(
                        json!({ "booking": id, "status": "cancelled" }),
                    ))
                } else {
                    Ok(Outcome::Fail(
                        "Reservio still shows the booking as not cancelled".into(),
                    ))
                }
            }
            Step::VerifyCancelled => {
                let mut problems = vec![];
                for (system, client, account, id) in [
                    (System::Reservio, reservio, business, r_id),
                    (System::Termino, termino, partner, t_id),
                ] {
                    let Some(id) = id else { continue };
                    let now = client.get(account, id).await?;
                    if now.status != BookingStatus::Cancelled {
                        problems.push(format!("{system} shows it {}", now.status.as_str()));
                    }
                    seen.push(now);
                }
                if problems.is_empty() {
                    Ok(Outcome::Done(json!({ "both": "cancelled" })))
                } else {
                    Ok(Outcome::Fail(format!(
                        "not cancelled everywhere: {}",
                        problems.join(", ")
                    )))
                }
            }
            Step::CheckSlot => {
                let Some(slot) = self.params.slot() else {
                    return Ok(Outcome::Fail("no slot was chosen".into()));
                };
                let service = match self.params {
                    Params::ChangeService { service_id, .. } => service_id.clone(),
                    _ => self.row.r_service_id.clone().unwrap_or_default(),
                };
                // A retry after the slot was taken over by this very booking is fine.
                if self.row.r_start_at == Some(slot.0) && self.row.r_end_at == Some(slot.1) {
                    return Ok(Outcome::Done(json!({ "slot": slot, "already": true })));
                }
                match check_slot(self.ctx, self.conn, self.row, &service, slot).await {
                    Ok(Ok(())) => Ok(Outcome::Done(json!({ "slot": slot, "free": true }))),
                    Ok(Err(problem)) => Ok(Outcome::Fail(slot_message(problem).into())),
                    Err(StartError::System(e)) => Err(e),
                    Err(e) => Ok(Outcome::Transient(e.to_string())),
                }
            }
            Step::ApplyTime => {
                let Some((start, end)) = self.params.slot() else {
                    return Ok(Outcome::Fail("no slot was chosen".into()));
                };
                let origin = self
                    .row
                    .origin_system
                    .parse::<System>()
                    .unwrap_or(System::Reservio);
                let (client, account, id) = match origin {
                    System::Reservio => (reservio, business, r_id),
                    System::Termino => (termino, partner, t_id),
                };
                let Some(id) = id else {
                    return Ok(Outcome::Fail(format!("the booking is not in {origin}")));
                };
                let before = client.get(account, id).await?;
                if (before.start_at, before.end_at) != (start, end) {
                    client
                        .update_time(account, id, start, end, &self.key("move"))
                        .await?;
                }
                let after = client.get(account, id).await?;
                let moved = (after.start_at, after.end_at) == (start, end);
                seen.push(after);
                if moved {
                    if let Some(notifier) = &self.hooks.notifier {
                        notifier.notify(self.conn.id);
                    }
                    Ok(Outcome::Done(
                        json!({ "system": origin.as_str(), "start_at": start, "end_at": end }),
                    ))
                } else {
                    Ok(Outcome::Fail(format!("{origin} did not take the new time")))
                }
            }
            Step::AwaitPropagation => {
                let Some((start, end)) = self.params.slot() else {
                    return Ok(Outcome::Fail("no slot was chosen".into()));
                };
                let origin = self
                    .row
                    .origin_system
                    .parse::<System>()
                    .unwrap_or(System::Reservio);
                let other = origin.other();
                let (client, account, id) = match other {
                    System::Reservio => (reservio, business, r_id),
                    System::Termino => (termino, partner, t_id),
                };
                let Some(id) = id else {
                    return Ok(Outcome::Done(
                        json!({ "system": other.as_str(), "absent": true }),
                    ));
                };
                let arrived = |b: &RemoteBooking| (b.start_at, b.end_at) == (start, end);
                let now = client.get(account, id).await?;
                if arrived(&now) {
                    seen.push(now);
                    return Ok(Outcome::Done(json!({ "system": other.as_str() })));
                }
                // Let the sync carry it over now rather than at its next round.
                self.sync_now().await;
                let now = client.get(account, id).await?;
                let done = arrived(&now);
                seen.push(now);
                if done {
                    Ok(Outcome::Done(json!({ "system": other.as_str() })))
                } else {
                    Ok(Outcome::Wait {
                        reason: format!("waiting for the new time to reach {other}"),
                        deadline: self.deadline(self.ctx.settings.policy.propagation_sla_secs),
                    })
                }
            }
            Step::VerifyTime => {
                let Some((start, end)) = self.params.slot() else {
                    return Ok(Outcome::Fail("no slot was chosen".into()));
                };
                // The booking is moved only when both systems show everything the procedure
                // promised: the new time, confirmed (a rejected booking moved is still
                // rejected), and the same service.
                let mut problems = vec![];
                let mut services = (None, None);
                for (system, client, account, id) in [
                    (System::Reservio, reservio, business, r_id),
                    (System::Termino, termino, partner, t_id),
                ] {
                    let Some(id) = id else { continue };
                    let now = client.get(account, id).await?;
                    if (now.start_at, now.end_at) != (start, end) {
                        problems.push(format!("{system} shows another time"));
                    }
                    if now.status != BookingStatus::Confirmed {
                        problems.push(format!("{system} shows it {}", now.status.as_str()));
                    }
                    match system {
                        System::Reservio => services.0 = Some(now.service_id.clone()),
                        System::Termino => services.1 = Some(now.service_id.clone()),
                    }
                    seen.push(now);
                }
                if let (Some(service), Some(offer)) = services {
                    let map = ServiceMap::new(
                        &connections::mappings(&self.ctx.db, self.conn.id)
                            .await
                            .map_err(db_error)?,
                    );
                    if map.offer_for_service(&service) != Some(offer.as_str()) {
                        problems.push("the two systems show different services".into());
                    }
                }
                if problems.is_empty() {
                    Ok(Outcome::Done(
                        json!({ "start_at": start, "end_at": end, "status": "confirmed" }),
                    ))
                } else {
                    Ok(Outcome::Fail(problems.join(", ")))
                }
            }
            Step::ReissueVoucher => {
                let (Some(code), Params::ChangeService { offer_id, .. }) =
                    (self.row.voucher_code.as_deref(), self.params)
                else {
                    return Ok(Outcome::Fail("the booking has no voucher code".into()));
                };
                let client = connector.termino_client(t_token)?;
                let reissued = client
                    .reissue_voucher(partner, code, offer_id, &self.key("reissue"))
                    .await?;
                let result = json!({
                    "old_voucher": code,
                    "new_voucher": reissued.new_voucher_code,
                    "offer_id": offer_id,
                });
                seen.push(reissued.cancelled);
                Ok(Outcome::Done(result))
            }
            Step::CreateNewBooking => self.create_new_booking().await,
            Step::AwaitNewBooking => {
                let Some(new_link) = self.new_link_id().await? else {
                    return Ok(Outcome::Fail("the new booking was not started".into()));
                };
                if self.link_complete(new_link).await? {
                    return Ok(Outcome::Done(json!({ "link_id": new_link })));
                }
                self.sync_now().await;
                if self.link_complete(new_link).await? {
                    Ok(Outcome::Done(json!({ "link_id": new_link })))
                } else {
                    Ok(Outcome::Wait {
                        reason: "waiting for the new booking to exist in both systems".into(),
                        deadline: self.deadline(self.ctx.settings.policy.propagation_sla_secs),
                    })
                }
            }
            Step::VerifyNewBooking => {
                let (
                    Some(new_link),
                    Params::ChangeService {
                        service_id,
                        offer_id,
                        start_at,
                        end_at,
                    },
                ) = (self.new_link_id().await?, self.params)
                else {
                    return Ok(Outcome::Fail("the new booking was not started".into()));
                };
                let Some(new_row) = links::find_row(&self.ctx.db, new_link)
                    .await
                    .map_err(|e| SystemError::Transport(e.to_string()))?
                else {
                    return Ok(Outcome::Fail("the new booking's link is gone".into()));
                };
                let mut problems = vec![];
                for (system, client, account, id, service) in [
                    (
                        System::Reservio,
                        reservio,
                        business,
                        new_row.r_external_id.as_deref(),
                        service_id,
                    ),
                    (
                        System::Termino,
                        termino,
                        partner,
                        new_row.t_external_id.as_deref(),
                        offer_id,
                    ),
                ] {
                    let Some(id) = id else {
                        problems.push(format!("not in {system}"));
                        continue;
                    };
                    let now = client.get(account, id).await?;
                    if now.status == BookingStatus::Cancelled {
                        problems.push(format!("{system} shows it cancelled"));
                    }
                    if (now.start_at, now.end_at) != (*start_at, *end_at) {
                        problems.push(format!("{system} shows another time"));
                    }
                    if &now.service_id != service {
                        problems.push(format!("{system} shows another service"));
                    }
                    seen.push(now);
                }
                if problems.is_empty() {
                    Ok(Outcome::Done(json!({ "link_id": new_link })))
                } else {
                    Ok(Outcome::Fail(problems.join(", ")))
                }
            }
            Step::OpenCase => Ok(Outcome::Done(json!({}))),
        }
    }

    /// Runs a sync of the connection now; another instance already syncing it is fine.
    async fn sync_now(&self) {
        match sync_connection(self.ctx, self.conn).await {
            Ok(_) | Err(SyncError::Busy(_)) => {}
            Err(e) => tracing::debug!(error = %e, "sync during a procedure step"),
        }
    }

    async fn new_voucher(&self) -> Result<Option<String>, SystemError> {
        let mut tx = self.ctx.db.begin_write().await.map_err(db_error)?;
        let result = operations::step_result(&mut tx, self.op.id, Step::ReissueVoucher.as_str())
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(result
            .and_then(|r| serde_json::from_str::<Value>(&r).ok())
            .and_then(|v| v["new_voucher"].as_str().map(str::to_owned)))
    }

    /// The link this operation started for the new booking, if it did.
    async fn new_link_id(&self) -> Result<Option<i64>, SystemError> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT superseded_by FROM booking_links WHERE id = $1")
                .bind(self.op.link_id)
                .fetch_optional(self.ctx.db.pool())
                .await
                .map_err(db_error)?;
        Ok(row.and_then(|(id,)| id))
    }

    async fn link_complete(&self, link_id: i64) -> Result<bool, SystemError> {
        let row: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT reservio_booking_id, termino_booking_id FROM booking_links WHERE id = $1",
        )
        .bind(link_id)
        .fetch_optional(self.ctx.db.pool())
        .await
        .map_err(db_error)?;
        Ok(matches!(row, Some((Some(_), Some(_)))))
    }

    /// Rule 5's last part: a new link for the new voucher supersedes the old one (both stay), and
    /// the new voucher is booked in Termino through the outbox; the sync then books it in
    /// Reservio, as for any voucher redeemed on the channel. One transaction, so a repeat after a
    /// crash finds the link already there.
    async fn create_new_booking(&self) -> Result<Outcome, SystemError> {
        let Params::ChangeService {
            offer_id,
            start_at,
            end_at,
            ..
        } = self.params
        else {
            return Ok(Outcome::Fail("not a service change".into()));
        };
        let Some(voucher) = self.new_voucher().await? else {
            return Ok(Outcome::Fail("Termino issued no new voucher".into()));
        };
        if let Some(existing) = self.new_link_id().await? {
            return Ok(Outcome::Done(
                json!({ "link_id": existing, "voucher": voucher }),
            ));
        }
        let customer = Customer {
            name: self
                .row
                .t_customer_name
                .clone()
                .or_else(|| self.row.r_customer_name.clone())
                .unwrap_or_default(),
            email: self
                .row
                .t_customer_email
                .clone()
                .or_else(|| self.row.r_customer_email.clone())
                .unwrap_or_default(),
            phone: self
                .row
                .t_customer_phone
                .clone()
                .or_else(|| self.row.r_customer_phone.clone())
                .unwrap_or_default(),
        };
        let booking = NewBooking {
            start_at: *start_at,
            end_at: *end_at,
            service_id: offer_id.clone(),
            customer,
            voucher_code: Some(voucher.clone()),
            counterpart_id: None,
        };
        let payload = serde_json::to_string(&booking).unwrap_or_default();
        let now = self.ctx.clock.now();
        let actor = Actor::Sync;
        let write = async {
            let mut tx = self.ctx.db.begin_write().await?;
            let new_link = links::insert(
                &mut tx,
                &NewLink {
                    connection_id: self.conn.id,
                    partner_id: self.row.partner_id,
                    reservio_booking_id: None,
                    termino_booking_id: None,
                    voucher_code: Some(&voucher),
                    origin: System::Termino,
                },
                now,
            )
            .await?;
            sqlx::query("UPDATE booking_links SET appointment_at = $1 WHERE id = $2")
                .bind(*start_at)
                .bind(new_link)
                .execute(&mut *tx)
                .await?;
            let superseded = sqlx::query(
                "UPDATE booking_links SET superseded_by = $1, updated_at = $2 \
                 WHERE id = $3 AND superseded_by IS NULL",
            )
            .bind(new_link)
            .bind(now)
            .bind(self.op.link_id)
            .execute(&mut *tx)
            .await?;
            if superseded.rows_affected() != 1 {
                // Someone superseded it meanwhile; leave everything as it was.
                return Ok::<_, sqlx::Error>(None);
            }
            outbox::enqueue(
                &mut tx,
                &NewPush {
                    connection_id: self.conn.id,
                    link_id: Some(new_link),
                    operation_id: Some(self.op.id),
                    system: System::Termino.as_str(),
                    action: "create",
                    payload: &payload,
                    idempotency_key: &self.key("create"),
                    reason: "service change: the new voucher's booking",
                },
                now,
            )
            .await?;
            audit::append(
                &mut tx,
                now,
                Event::new(&actor, "link.created", "booking_link", new_link)
                    .partner(Some(self.row.partner_id))
                    .after(json!({ "voucher_code": voucher, "operation_id": self.op.id })),
            )
            .await?;
            audit::append(
                &mut tx,
                now,
                Event::new(&actor, "link.superseded", "booking_link", self.op.link_id)
                    .partner(Some(self.row.partner_id))
                    .after(json!({ "superseded_by": new_link, "operation_id": self.op.id })),
            )
            .await?;
            // The old booking's flags belong to it; the new link starts clean.
            for open in mismatches::unresolved_for_link(&mut tx, self.op.link_id).await? {
                if mismatches::resolve(
                    &mut tx,
                    open.id,
                    "sync",
                    "superseded by a service change",
                    now,
                )
                .await?
                {
                    audit::append(
                        &mut tx,
                        now,
                        Event::new(&actor, "mismatch.resolved", "mismatch", open.id)
                            .partner(Some(self.row.partner_id))
                            .after(json!({ "link_id": self.op.link_id, "kind": open.kind, "superseded_by": new_link })),
                    )
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(Some(new_link))
        };
        match write.await.map_err(db_error)? {
            Some(new_link) => {
                if let Some(notifier) = &self.hooks.notifier {
                    notifier.notify(self.conn.id);
                }
                Ok(Outcome::Done(
                    json!({ "link_id": new_link, "voucher": voucher }),
                ))
            }
            None => Ok(Outcome::Fail(
                "the booking was superseded by another change meanwhile".into(),
            )),
        }
    }
}

fn db_error(e: sqlx::Error) -> SystemError {
    // A database hiccup is worth another try, like a system that did not answer.
    SystemError::Transport(format!("database: {e}"))
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

/// The background loop: runs due operations every second, and at once when one is started.
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
