//! Every procedure under faults: one at a time per booking, a refusal at each step stops there
//! and a retry completes it, a system that keeps failing, a crash at every step.

use std::time::Duration;

use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::{Params, ProcedureKind, Step};
use bookbridge::sandbox::faults::{FaultSwitch, Faults};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::SyncContext;
use bookbridge::sync::procedure::{self, StartError};

use crate::common::procedure::*;
use crate::common::world::{DAY, World, open_kind, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_second_procedure_on_the_same_booking_is_refused,
        a_refusal_at_each_cancel_step_stops_there_and_retry_completes_it,
        a_refusal_at_each_reschedule_step_stops_there_and_retry_completes_it,
        a_refusal_at_each_change_service_step_stops_there_and_retry_completes_it,
        a_system_that_keeps_failing_is_retried_then_stops_and_can_be_abandoned,
        a_crash_at_every_step_resumes_without_repeating_an_effect,
    ]
}

async fn a_second_procedure_on_the_same_booking_is_refused(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 11).await;
    let link = link_of(&app, &voucher).await;
    let first = start(&app, &w, link, Params::Cancel { reason: "a".into() })
        .await
        .expect("started");
    let (start_at, end_at) = free_slot(&w, &app, 0, 1).await;
    let second = start(&app, &w, link, Params::Reschedule { start_at, end_at }).await;
    assert!(
        matches!(second, Err(StartError::Busy(id)) if id == first),
        "{second:?}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM procedures").await, 1);
}

/// Which fake system a step talks to first.
fn system_of(w: &World, step: Step, origin_termino: bool) -> Option<&FaultSwitch> {
    let reservio = w.sandbox.reservio.faults();
    let termino = w.sandbox.termino.faults();
    match step {
        Step::CancelVoucher | Step::ConfirmVoucherCancelled | Step::ReissueVoucher => Some(termino),
        Step::CancelReservio
        | Step::CancelOldReservio
        | Step::VerifyCancelled
        | Step::CheckSlot
        | Step::VerifyTime
        | Step::VerifyNewBooking => Some(reservio),
        Step::ApplyTime if origin_termino => Some(termino),
        Step::ApplyTime => Some(reservio),
        Step::AwaitPropagation if origin_termino => Some(reservio),
        Step::AwaitPropagation => Some(termino),
        // No system call of its own: it writes the new link and queues the booking; and waiting
        // for the sync is tested with the sync's own faults.
        Step::CreateNewBooking | Step::AwaitNewBooking | Step::OpenCase => None,
    }
}

/// For each step of a procedure: run the steps before it, make the step's system refuse
/// everything, and check the procedure stops exactly there with the reason, opens a
/// `procedure_failed` mismatch, and that nothing was asked of either system after the refusal;
/// then lift the fault, retry, and check it completes.
async fn fault_at_each_step(app: &TestApp, kind: ProcedureKind) {
    let w = World::of(app);
    let steps = steps_of(kind);
    for (position, step) in steps.iter().enumerate() {
        let Some(switch) = system_of(&w, *step, true) else {
            continue;
        };
        let n = 100 + position as u32 + 10 * kind.rule() as u32;
        let (_, voucher, _) = w
            .agreed_booking(0, tomorrow(app) + position as i64 * DAY, n)
            .await;
        let link = link_of(app, &voucher).await;
        let params = match kind {
            ProcedureKind::Cancel => Params::Cancel {
                reason: "fault test".into(),
            },
            ProcedureKind::Reschedule => {
                let (start_at, end_at) = free_slot(&w, app, 0, 10 + position as i64).await;
                Params::Reschedule { start_at, end_at }
            }
            _ => {
                let (service_id, offer_id, _) = w.offer(1);
                let (start_at, end_at) = free_slot(&w, app, 1, 10 + position as i64).await;
                Params::ChangeService {
                    service_id,
                    offer_id,
                    start_at,
                    end_at,
                }
            }
        };
        let op = start(app, &w, link, params).await.expect("started");
        advance_to(app, &w.ctx, op, position).await;
        switch.set(refuse_all());
        let effects = (
            w.sandbox.termino.effects().len(),
            w.sandbox.reservio.effects().len(),
        );
        procedure::run_one(&w.ctx, &hooks(), op)
            .await
            .expect("runs");
        switch.set(Faults::default());
        let (state, current, error) = state_of(app, op).await;
        assert_eq!(
            (state.as_str(), current),
            ("failed", position as i64),
            "{kind} stops at {step:?}"
        );
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("injected refusal")),
            "the reason is kept: {error:?}"
        );
        assert_eq!(
            (
                w.sandbox.termino.effects().len(),
                w.sandbox.reservio.effects().len()
            ),
            effects,
            "{kind} at {step:?}: nothing happened after the refusal"
        );
        let after = step_states(app, op).await;
        assert!(
            after[position + 1..].iter().all(|(_, s)| s == "pending"),
            "{after:?}"
        );
        let flagged = app
            .count(&format!(
                "SELECT COUNT(*) FROM mismatches WHERE link_id = {link} \
                 AND kind = 'procedure_failed' AND state <> 'resolved'"
            ))
            .await;
        assert_eq!(flagged, 1, "a failed procedure is an open mismatch");

        let (care, _) = actor(app, PARTNER_CARE).await;
        assert!(
            procedure::retry(&w.ctx, &hooks(), op, &care, None)
                .await
                .expect("retry")
        );
        assert_eq!(
            run_to_end(app, &w.ctx, op).await,
            "completed",
            "{kind}: retry from {step:?} completes"
        );
        let flagged = app
            .count(&format!(
                "SELECT COUNT(*) FROM mismatches WHERE link_id = {link} \
                 AND kind = 'procedure_failed' AND state <> 'resolved'"
            ))
            .await;
        assert_eq!(flagged, 0, "the flag clears when the procedure completes");
        w.settle().await;
    }
    let keys = w.sandbox.termino.effects();
    let mut seen = std::collections::HashSet::new();
    for e in &keys {
        assert!(
            seen.insert(e.idempotency_key.clone()),
            "applied twice: {e:?}"
        );
    }
}

async fn a_refusal_at_each_cancel_step_stops_there_and_retry_completes_it(app: TestApp) {
    fault_at_each_step(&app, ProcedureKind::Cancel).await;
}

async fn a_refusal_at_each_reschedule_step_stops_there_and_retry_completes_it(app: TestApp) {
    fault_at_each_step(&app, ProcedureKind::Reschedule).await;
}

async fn a_refusal_at_each_change_service_step_stops_there_and_retry_completes_it(app: TestApp) {
    fault_at_each_step(&app, ProcedureKind::ChangeService).await;
}

async fn a_system_that_keeps_failing_is_retried_then_stops_and_can_be_abandoned(app: TestApp) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 12).await;
    let link = link_of(&app, &voucher).await;
    let op = start(&app, &w, link, Params::Cancel { reason: "x".into() })
        .await
        .expect("started");
    w.sandbox.termino.faults().set(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    procedure::run_one(&w.ctx, &hooks(), op)
        .await
        .expect("runs");
    let (state, _, error) = state_of(&app, op).await;
    assert_eq!(state, "waiting", "a 503 is worth another try");
    assert!(error.is_some_and(|e| e.contains("trying again")));
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "failed");
    let (attempts,): (i64,) = sqlx::query_as(
        "SELECT attempts FROM procedure_steps WHERE procedure_id = $1 AND position = 0",
    )
    .bind(op)
    .fetch_one(app.db.pool())
    .await
    .expect("step");
    assert_eq!(attempts, 3, "as many tries as configured");
    w.sandbox.termino.faults().set(Faults::default());
    let (partner, _) = actor(&app, "partner@demo.test").await;
    assert!(
        procedure::abandon(&w.ctx, op, &partner, None)
            .await
            .expect("abandon")
    );
    assert_eq!(state_of(&app, op).await.0, "abandoned");
    // Abandoning changes nothing already done, and frees the booking for another procedure.
    assert_eq!(w.reservation(&reservation).status, BookingStatus::Confirmed);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'operation.abandoned'")
            .await,
        1
    );
    assert!(
        open_kind(&app, "procedure_failed").await.is_none(),
        "the flag clears"
    );
    let again = start(&app, &w, link, Params::Cancel { reason: "y".into() }).await;
    assert!(again.is_ok(), "{again:?}");
}

fn params_for(w: &World, kind: ProcedureKind, slot: (i64, i64)) -> Params {
    match kind {
        ProcedureKind::Reschedule => Params::Reschedule {
            start_at: slot.0,
            end_at: slot.1,
        },
        ProcedureKind::ChangeService => {
            let (service_id, offer_id, _) = w.offer(1);
            Params::ChangeService {
                service_id,
                offer_id,
                start_at: slot.0,
                end_at: slot.1,
            }
        }
        _ => Params::Cancel {
            reason: "test".into(),
        },
    }
}

/// At every step of every procedure, the runner is killed while the step waits for a system
/// whose answer never comes — for a change, after the system applied it, the worst moment.
/// A new runner takes over once the dead one's lease runs out and finishes the procedure with
/// every change made once.
async fn a_crash_at_every_step_resumes_without_repeating_an_effect(app: TestApp) {
    let w = World::of(&app);
    let mut n = 200;
    let mut cancelled_bookings = 0;
    let mut kills = vec![];
    for kind in [
        ProcedureKind::Cancel,
        ProcedureKind::Reschedule,
        ProcedureKind::ChangeService,
    ] {
        for (position, step) in steps_of(kind).into_iter().enumerate() {
            n += 1;
            let (_, voucher, _) = w
                .agreed_booking(0, tomorrow(&app) + i64::from(n - 200) * DAY, n)
                .await;
            let link = link_of(&app, &voucher).await;
            let k = if kind == ProcedureKind::ChangeService {
                1
            } else {
                0
            };
            let slot = free_slot(&w, &app, k, 40 + i64::from(n)).await;
            let op = start(&app, &w, link, params_for(&w, kind, slot))
                .await
                .expect("started");
            advance_to(&app, &w.ctx, op, position).await;
            let lost = Faults {
                lost_response_rate: 1.0,
                ..Faults::default()
            };
            w.sandbox.termino.faults().set(lost);
            w.sandbox.reservio.faults().set(lost);
            let killed = tokio::time::timeout(
                Duration::from_millis(250),
                procedure::run_steps(&w.ctx, &hooks(), op, 1),
            )
            .await;
            w.sandbox.termino.faults().set(Faults::default());
            w.sandbox.reservio.faults().set(Faults::default());
            if killed.is_err() {
                kills.push(step);
                let (state, current, _) = state_of(&app, op).await;
                assert_eq!(
                    (state.as_str(), current),
                    ("running", position as i64),
                    "{kind} at {step:?}: the step is recorded as under way"
                );
            }
            // The restarted process: another owner, once the dead one's lease has run out.
            let restarted = SyncContext::new(
                w.ctx.db.clone(),
                w.ctx.clock.clone(),
                w.ctx.settings.clone(),
                w.ctx.connector.clone(),
            );
            app.clock.advance(w.ctx.settings.lease_secs + 1);
            assert_eq!(
                run_to_end(&app, &restarted, op).await,
                "completed",
                "{kind} after a crash at {step:?}"
            );
            if kind != ProcedureKind::Reschedule {
                cancelled_bookings += 1;
            }
            w.settle().await;
        }
    }
    // Every step but the one that only writes to our database was caught mid-call.
    assert_eq!(kills.len(), 13, "{kills:?}");
    assert!(!kills.contains(&Step::CreateNewBooking));
    // Every Termino change once per key, one reissue per service change, one cancellation per
    // calendar booking.
    let termino = w.sandbox.termino.effects();
    let mut keys = std::collections::HashMap::new();
    for e in &termino {
        *keys.entry(e.idempotency_key.clone()).or_insert(0) += 1;
    }
    assert!(keys.values().all(|n| *n == 1), "{termino:?}");
    let reissues = termino
        .iter()
        .filter(|e| e.kind == TerminoEffect::ReissueVoucher)
        .count();
    assert_eq!(reissues, steps_of(ProcedureKind::ChangeService).len());
    let mut cancels = std::collections::HashMap::new();
    let mut moves = std::collections::HashMap::new();
    let mut creates = std::collections::HashMap::new();
    for e in w.sandbox.reservio.effects() {
        match &e.kind {
            ReservioEffect::StateChanged { to, .. } if to == "canceled" => {
                *cancels.entry(e.booking_id).or_insert(0) += 1
            }
            ReservioEffect::Moved => *moves.entry(e.booking_id).or_insert(0) += 1,
            ReservioEffect::Created => *creates.entry(e.key.clone()).or_insert(0) += 1,
            _ => {}
        }
    }
    assert!(cancels.values().all(|n| *n == 1), "{cancels:?}");
    assert_eq!(cancels.len(), cancelled_bookings);
    assert!(moves.values().all(|n| *n == 1), "moved once: {moves:?}");
    assert!(
        creates.values().all(|n| *n == 1),
        "created once: {creates:?}"
    );
}
