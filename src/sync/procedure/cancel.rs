//! FAQ rule 2, cancel in both systems, voucher first, never delete: the cancellation's steps.

use serde_json::json;

use super::context::{CONFIRM_DEADLINE_SECS, Outcome, Reach, Snapshots, StepRun};
use crate::domain::BookingStatus;
use crate::domain::procedure::Params;
use crate::systems::SystemError;

/// Asks Termino to cancel the voucher (FAQ rule 2: the channel's side first).
pub(super) async fn cancel_voucher(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Reach {
        partner, t_token, ..
    } = *at;
    let connector = &run.ctx.connector;
    let Some(code) = run.row.voucher_code.as_deref() else {
        return Ok(Outcome::Fail("the booking has no voucher code".into()));
    };
    let reason = match run.params {
        Params::Cancel { reason } => reason.as_str(),
        _ => "",
    };
    let client = connector.termino_client(t_token)?;
    let reservation = client
        .cancel_voucher(partner, code, reason, &run.key("cancel-voucher"))
        .await?;
    let result = json!({ "voucher": code, "reservation": reservation.external_id });
    seen.push(reservation);
    Ok(Outcome::Done(result))
}

/// Waits until Termino shows the voucher's reservation cancelled.
pub(super) async fn confirm_voucher_cancelled(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Reach {
        partner,
        termino,
        ids,
        ..
    } = *at;
    let Some(id) = ids.termino else {
        return Ok(Outcome::Done(json!({ "reservation": null })));
    };
    let now = termino.get(partner, id).await?;
    let cancelled = now.status == BookingStatus::Cancelled;
    seen.push(now);
    Ok(Outcome::done_if(
        cancelled,
        json!({ "reservation": id, "status": "cancelled" }),
        Outcome::Wait {
            reason: "waiting for Termino to confirm the cancellation".into(),
            deadline: run.deadline(CONFIRM_DEADLINE_SECS),
        },
    ))
}

/// Cancels the booking in Reservio (never deletes it); the old booking of a service change too.
pub(super) async fn cancel_reservio(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Reach {
        business,
        reservio,
        ids,
        ..
    } = *at;
    let Some(id) = ids.reservio else {
        return Ok(Outcome::Done(json!({ "booking": null })));
    };
    let before = reservio.get(business, id).await?;
    if before.status == BookingStatus::Cancelled {
        seen.push(before);
        return Ok(Outcome::Done(json!({ "booking": id, "already": true })));
    }
    reservio.cancel(business, id, &run.key("cancel")).await?;
    let after = reservio.get(business, id).await?;
    let cancelled = after.status == BookingStatus::Cancelled;
    seen.push(after);
    Ok(Outcome::done_if(
        cancelled,
        json!({ "booking": id, "status": "cancelled" }),
        Outcome::Fail("Reservio still shows the booking as not cancelled".into()),
    ))
}

/// Reads both systems back: both must show the booking cancelled.
pub(super) async fn verify_cancelled(
    _run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let mut problems = vec![];
    at.read_back(seen, |system, now| {
        if now.status != BookingStatus::Cancelled {
            problems.push(format!("{system} shows it {}", now.status.as_str()));
        }
    })
    .await?;
    let failed = Outcome::Fail(format!("not cancelled everywhere: {}", problems.join(", ")));
    Ok(Outcome::done_if(
        problems.is_empty(),
        json!({ "both": "cancelled" }),
        failed,
    ))
}
