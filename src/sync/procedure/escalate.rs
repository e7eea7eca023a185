//! FAQ rule 4: a partner who cannot honour a booking tells Partner Care. The escalation's one
//! step, opening the case, is carried out as it starts; the booking stays valid.

use serde_json::json;

use super::context::{Hooks, StartError, Starter, StepRef, audit_step};
use super::finish::complete;
use crate::audit::{self, Event};
use crate::db::links::LinkRow;
use crate::db::{Tx, cases, procedures};
use crate::domain::procedure::{ProcedureKind, Step};

/// Opens the Partner Care case of an escalation and completes the procedure (one step).
pub(super) async fn escalate(
    tx: &mut Tx,
    hooks: &Hooks,
    row: &LinkRow,
    procedure_id: i64,
    (reason, proposal): (&str, &str),
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
                "operation_id": procedure_id,
            })),
    )?;
    let result = json!({ "case_id": case_id }).to_string();
    procedures::start_step(tx, procedure_id, 0, now).await?;
    procedures::finish_step(tx, procedure_id, 0, &result, now).await?;
    audit_step(
        tx,
        by.actor,
        StepRef {
            procedure_id,
            partner_id: row.partner_id,
            position: 0,
            step: Step::OpenCase,
        },
        "operation.step_done",
        json!({ "case_id": case_id }),
        now,
    )
    .await?;
    complete(
        tx,
        hooks,
        row,
        procedure_id,
        ProcedureKind::Escalate,
        by.actor,
        now,
    )
    .await?;
    Ok(())
}
