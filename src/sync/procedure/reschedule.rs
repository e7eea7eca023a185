//! FAQ rule 3, move it where it was made: the move's steps (the slot's check also opens a change
//! of service).

use serde_json::json;

use super::context::{Outcome, Reach, Snapshots, StartError, StepRun, db_error};
use super::slots::{self, slot_message};
use crate::db::connections::{self, ServiceMap};
use crate::domain::procedure::{self, Params};
use crate::domain::{BookingStatus, RemoteBooking, System};
use crate::systems::SystemError;
use crate::systems::reservio::MOVE_NOT_SUPPORTED;

/// Checks the chosen slot again just before the move (it may have been taken meanwhile).
pub(super) async fn check_slot(
    run: &StepRun<'_>,
    _at: &Reach<'_>,
    _seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some(slot) = run.params.slot() else {
        return Ok(Outcome::Fail("no slot was chosen".into()));
    };
    let service = match run.params {
        Params::ChangeService { service_id, .. } => service_id.clone(),
        _ => run.row.reservio_service().unwrap_or_default().to_string(),
    };
    // A retry after the slot was taken over by this very booking is fine.
    let reservio = run.row.side(System::Reservio);
    if reservio.is_some_and(|r| (r.start_at, r.end_at) == slot) {
        return Ok(Outcome::Done(json!({ "slot": slot, "already": true })));
    }
    match slots::check_slot(run.ctx, run.conn, run.row, &service, slot).await {
        Ok(Ok(())) => Ok(Outcome::Done(json!({ "slot": slot, "free": true }))),
        Ok(Err(problem)) => Ok(Outcome::Fail(slot_message(problem).into())),
        Err(StartError::System(e)) => Err(e),
        Err(e) => Ok(Outcome::Transient(e.to_string())),
    }
}

/// Moves the booking in the system where it was made (FAQ rule 3).
pub(super) async fn apply_time(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some((start, end)) = run.params.slot() else {
        return Ok(Outcome::Fail("no slot was chosen".into()));
    };
    let origin = run.origin();
    let (client, account, id) = at.side(origin);
    let Some(id) = id else {
        return Ok(Outcome::Fail(format!("the booking is not in {origin}")));
    };
    let before = client.get(account, id).await?;
    // Once Reservio has refused the move, the partner makes it by hand: only read.
    let by_hand = run.step_row.error.as_deref() == Some(procedure::MOVE_BY_HAND);
    if (before.start_at, before.end_at) != (start, end) && !by_hand {
        match client
            .update_time(account, id, start, end, &run.key("move"))
            .await
        {
            Ok(_) => {}
            // Reservio does not let bookings be moved through its API (rule 3 still says the
            // change is made in the origin system): the partner moves it in Reservio's own
            // calendar, and this step waits until Reservio shows it.
            Err(SystemError::Refused(reason))
                if origin == System::Reservio && reason == MOVE_NOT_SUPPORTED =>
            {
                seen.push(before);
                return Ok(wait_for_move_by_hand(run));
            }
            Err(e) => return Err(e),
        }
    }
    let after = client.get(account, id).await?;
    let moved = (after.start_at, after.end_at) == (start, end);
    seen.push(after);
    if !moved && by_hand {
        return Ok(wait_for_move_by_hand(run));
    }
    if moved {
        run.notify_sync();
    }
    Ok(Outcome::done_if(
        moved,
        json!({ "system": origin.as_str(), "start_at": start, "end_at": end }),
        Outcome::Fail(format!("{origin} did not take the new time")),
    ))
}

/// How long the partner has to move a booking by hand in Reservio's own calendar before the
/// step stops (with a retry button and an open mismatch).
const MOVE_BY_HAND_DEADLINE_SECS: i64 = 2 * 24 * 60 * 60;

/// Waits for the partner to move the booking in Reservio's own calendar.
fn wait_for_move_by_hand(run: &StepRun<'_>) -> Outcome {
    Outcome::Wait {
        reason: procedure::MOVE_BY_HAND.into(),
        deadline: run.deadline(MOVE_BY_HAND_DEADLINE_SECS),
    }
}

/// Waits until the sync has carried the new time over to the other system.
pub(super) async fn await_propagation(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some((start, end)) = run.params.slot() else {
        return Ok(Outcome::Fail("no slot was chosen".into()));
    };
    let origin = run.origin();
    let other = origin.other();
    let (client, account, id) = at.side(other);
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
    run.sync_now().await;
    let now = client.get(account, id).await?;
    let done = arrived(&now);
    seen.push(now);
    Ok(Outcome::done_if(
        done,
        json!({ "system": other.as_str() }),
        run.wait_for_sync(format!("waiting for the new time to reach {other}")),
    ))
}

/// Reads both systems back: the new time, confirmed, the same service.
pub(super) async fn verify_time(
    run: &StepRun<'_>,
    at: &Reach<'_>,
    seen: &mut Snapshots,
) -> Result<Outcome, SystemError> {
    let Some((start, end)) = run.params.slot() else {
        return Ok(Outcome::Fail("no slot was chosen".into()));
    };
    // The booking is moved only when both systems show everything the procedure
    // promised: the new time, confirmed (a rejected booking moved is still
    // rejected), and the same service.
    let mut problems = vec![];
    let mut services = (None, None);
    at.read_back(seen, |system, now| {
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
    })
    .await?;
    if let (Some(service), Some(offer)) = services {
        let map = ServiceMap::new(
            &connections::mappings(&run.ctx.db, run.conn.id)
                .await
                .map_err(db_error)?,
        );
        if map.offer_for_service(&service) != Some(offer.as_str()) {
            problems.push("the two systems show different services".into());
        }
    }
    Ok(Outcome::verified(
        problems,
        json!({ "start_at": start, "end_at": end, "status": "confirmed" }),
    ))
}
