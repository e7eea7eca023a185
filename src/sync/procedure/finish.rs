//! How a procedure ends: completed (its case settled, the partner's confirmation queued),
//! stopped at a failed step (with a `procedure_failed` flag on the booking), or abandoned.

use serde_json::{Value, json};

use super::context::{Hooks, StepRef, audit_step};
use crate::audit::{self, Actor, Event};
use crate::db::links::{self, LinkRow};
use crate::db::procedures::{self, ProcedureRow};
use crate::db::{Tx, cases, mismatches, partners};
use crate::domain::System;
use crate::domain::case::CaseOutcome;
use crate::domain::mismatch::MismatchKind;
use crate::domain::procedure::{ProcedureKind, Step};
use crate::i18n::{self, Lang};
use crate::sync::context::SyncContext;

/// Marks the procedure completed, settles its case, clears its failure flag, and queues the
/// partner's confirmation e-mail (FAQ rule 6).
pub(super) async fn complete(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    procedure_id: i64,
    kind: ProcedureKind,
    actor: &Actor,
    now: i64,
) -> Result<(), sqlx::Error> {
    procedures::set_state(tx, procedure_id, "completed", None, now).await?;
    audit::append(
        tx,
        now,
        Event::new(actor, "operation.completed", "operation", procedure_id)
            .partner(Some(row.partner_id))
            .after(json!({ "link_id": row.id, "kind": kind.as_str() })),
    )?;
    clear_failure(tx, actor, row, procedure_id, "the procedure completed", now).await?;
    let op = procedures::find_tx(tx, procedure_id).await?;
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
                    .after(json!({ "outcome": outcome, "operation_id": procedure_id })),
            )?;
        }
    }
    queue_confirmation(tx, hooks, row, procedure_id, kind, now).await?;
    Ok(())
}

/// The confirmation e-mail, in the partner's language (the admin's setting; else that of the
/// partner's first user who chose one) and with the booking's time on the partner's clock.
async fn queue_confirmation(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    procedure_id: i64,
    kind: ProcedureKind,
    now: i64,
) -> Result<(), sqlx::Error> {
    let settings = partners::mail_settings(tx, row.partner_id).await?;
    let lang = settings
        .locale
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default();
    let tz = i18n::format::time_zone(&settings.timezone);
    let customer = row
        .side(System::Reservio)
        .or(row.side(System::Termino))
        .map(|s| s.customer_name.clone())
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
                procedures::step_result(tx, procedure_id, Step::CancelVoucher.as_str()).await?;
            let reservio_step =
                procedures::step_result(tx, procedure_id, Step::CancelReservio.as_str()).await?;
            cancel_story(row, voucher_step.as_deref(), reservio_step.as_deref())
                .map(|key| i18n::text_with(lang, key, &args))
                .join("\n")
        }
        _ => String::new(),
    };
    args.push(("steps", story.as_str().into()));
    let subject = i18n::text_with(lang, &format!("mail-subject-{}", kind.as_str()), &args);
    let mut body = i18n::text_with(lang, &format!("mail-body-{}", kind.as_str()), &args);
    let seen = row.side(System::Reservio).or(row.side(System::Termino));
    if let Some(start) = seen.map(|s| s.start_at) {
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
        Some(procedure_id),
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
    let voucher = match (voucher_step, row.sides.termino.is_some()) {
        (Some(_), _) => "mail-cancel-voucher-done",
        (None, true) => "mail-cancel-voucher-already",
        (None, false) => "mail-cancel-voucher-none",
    };
    let result = reservio_step.and_then(|r| serde_json::from_str::<Value>(r).ok());
    let reservio = match (result, row.sides.reservio.is_some()) {
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
    procedure_id: i64,
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
                        "operation_id": procedure_id,
                    })),
            )?;
        }
    }
    Ok(())
}

/// Stops the procedure at a step: the step and the procedure fail with the reason, and the
/// booking gets an open `procedure_failed` mismatch until the procedure is retried or abandoned.
pub(super) async fn stop(
    tx: &mut Tx,
    actor: &Actor,
    row: &LinkRow,
    op: &ProcedureRow,
    (position, step): (i64, Step),
    message: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    procedures::fail_step(tx, op.id, position, message, now).await?;
    audit_step(
        tx,
        actor,
        StepRef {
            procedure_id: op.id,
            partner_id: op.partner_id,
            position,
            step,
        },
        "operation.failed",
        json!({ "error": message }),
        now,
    )
    .await?;
    let detail = format!("{} stopped at {}: {message}", op.kind, step.as_str());
    let extra = json!({ "operation_id": op.id });
    let kind = MismatchKind::ProcedureFailed;
    crate::sync::context::flag(tx, row.id, row.partner_id, kind, &detail, extra, now).await?;
    Ok(())
}

/// Gives a procedure up; nothing already done is undone.
pub async fn abandon(
    ctx: &SyncContext,
    procedure_id: i64,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = ctx.clock.now();
    let row = match procedures::find(&ctx.db, procedure_id).await? {
        Some(op) => links::find_row(&ctx.db, op.link_id).await?,
        None => None,
    };
    let mut tx = ctx.db.begin_write().await?;
    let Some(op) = procedures::find_tx(&mut tx, procedure_id).await? else {
        return Ok(false);
    };
    if !procedures::abandon(&mut tx, procedure_id, now).await? {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(actor, "operation.abandoned", "operation", procedure_id)
            .partner(Some(op.partner_id))
            .request(request_id)
            .after(json!({ "link_id": op.link_id, "at_step": op.current_step })),
    )?;
    if let Some(row) = &row {
        clear_failure(
            &mut tx,
            actor,
            row,
            procedure_id,
            "the procedure was abandoned",
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
