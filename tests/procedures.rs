//! The guided procedures against the sandbox's fake systems over real HTTP, on both databases:
//! each procedure end to end (FAQ rules 2 to 5), a fault at every step that calls a system
//! (stops there, nothing after it happens, retry completes it), a crash mid-step (the restarted
//! runner finishes with each external effect applied once), and the refusals.
//!
//! The pages that start and show procedures are tested in `tests/dashboard.rs` and, in a
//! browser, in `tests/browser.rs`.

mod common;
#[path = "procedures/daily.rs"]
mod daily;
#[path = "procedures/holds.rs"]
mod holds;
#[path = "procedures/integrity.rs"]
mod integrity;

use std::time::Duration;

use bookbridge::audit::Actor;
use bookbridge::config::SystemsConfig;
use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::{Params, ProcedureKind, Refusal, SlotProblem, Step};
use bookbridge::sandbox::faults::{FaultSwitch, Faults};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::SyncContext;
use bookbridge::sync::procedure::{self, Hooks, StartError, Starter};
use common::TestApp;
use common::world::{DAY, HOUR, World, open_kind, tomorrow};
use daily::{
    a_case_settled_by_moving_a_rejected_booking_resolves_only_once_both_show_it_confirmed,
    a_confirmation_is_written_in_the_partners_language_and_on_its_clock,
    a_running_cancellation_is_not_flagged_for_the_state_it_passes_through,
};

fn main() {
    let mut all = tests![
        cancel_cancels_the_voucher_first_then_the_calendar_booking_and_deletes_nothing,
        cancel_of_an_already_cancelled_voucher_starts_at_the_reservio_step,
        cancel_of_a_booking_cancelled_on_both_sides_is_refused,
        reschedule_moves_the_booking_where_it_was_made_and_sync_carries_it_over,
        reschedule_refuses_a_past_a_taken_and_a_closed_slot,
        change_service_issues_a_new_voucher_and_a_new_booking_and_supersedes_the_link,
        change_service_to_an_unmapped_service_is_refused,
        escalation_opens_a_care_case_and_the_booking_stays_valid,
        partner_care_settles_a_case_by_cancelling_the_booking,
        a_second_procedure_on_the_same_booking_is_refused,
        a_refusal_at_each_cancel_step_stops_there_and_retry_completes_it,
        a_refusal_at_each_reschedule_step_stops_there_and_retry_completes_it,
        a_refusal_at_each_change_service_step_stops_there_and_retry_completes_it,
        a_system_that_keeps_failing_is_retried_then_stops_and_can_be_abandoned,
        a_crash_at_every_step_resumes_without_repeating_an_effect,
    ];
    all.extend(tests![
        a_case_settled_by_moving_a_rejected_booking_resolves_only_once_both_show_it_confirmed,
        a_running_cancellation_is_not_flagged_for_the_state_it_passes_through,
        a_confirmation_is_written_in_the_partners_language_and_on_its_clock,
    ]);
    all.extend(integrity::tests());
    all.extend(holds::tests());
    common::run_configured(
        |config| {
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 0,
            });
            config.run_worker = false;
            config.sync.call_timeout = Duration::from_millis(400);
            config.sync.max_attempts = 3;
            config.sync.retry_base_secs = 1;
        },
        vec![],
        all,
    );
}

/// The booking's link, by voucher.
async fn link_of(app: &TestApp, voucher: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM booking_links WHERE voucher_code = $1")
        .bind(voucher)
        .fetch_one(app.db.pool())
        .await
        .expect("the booking is linked");
    id
}

fn hooks() -> Hooks {
    Hooks {
        mail_held: true,
        ..Hooks::default()
    }
}

const PARTNER_CARE: &str = "care@demo.test";

async fn actor(app: &TestApp, email: &str) -> (Actor, i64) {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("demo user");
    (
        Actor::User {
            id,
            email: email.to_string(),
        },
        id,
    )
}

async fn start(app: &TestApp, w: &World, link: i64, params: Params) -> Result<i64, StartError> {
    let (actor, user) = actor(app, "partner@demo.test").await;
    procedure::start(
        &w.ctx,
        &hooks(),
        link,
        params,
        &Starter {
            actor: &actor,
            user_id: Some(user),
            request_id: None,
            case_id: None,
        },
    )
    .await
}

async fn state_of(app: &TestApp, op: i64) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT state, current_step, error FROM procedures WHERE id = $1")
        .bind(op)
        .fetch_one(app.db.pool())
        .await
        .expect("operation")
}

async fn step_states(app: &TestApp, op: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT name, state FROM procedure_steps WHERE procedure_id = $1 ORDER BY position",
    )
    .bind(op)
    .fetch_all(app.db.pool())
    .await
    .expect("steps")
}

/// Runs the procedure (and, between rounds, lets time pass for waits and backoffs) until it
/// completes, fails or is abandoned.
async fn run_to_end(app: &TestApp, ctx: &SyncContext, op: i64) -> String {
    for _ in 0..30 {
        procedure::run_one(ctx, &hooks(), op)
            .await
            .expect("the runner runs");
        let (state, _, _) = state_of(app, op).await;
        if matches!(state.as_str(), "completed" | "failed" | "abandoned") {
            return state;
        }
        app.clock.advance(5);
    }
    state_of(app, op).await.0
}

/// Runs the procedure's steps before `position` (waiting where a step waits), so that the next
/// step to run is the one at `position`.
async fn advance_to(app: &TestApp, ctx: &SyncContext, op: i64, position: usize) {
    for _ in 0..20 {
        let (state, current, _) = state_of(app, op).await;
        if current == position as i64 {
            return;
        }
        assert!(
            matches!(state.as_str(), "pending" | "running" | "waiting"),
            "stopped before step {position}: {state}"
        );
        procedure::run_steps(ctx, &hooks(), op, position - current as usize)
            .await
            .expect("runs");
        app.clock.advance(5);
    }
    panic!("never reached step {position}");
}

fn refuse_all() -> Faults {
    Faults {
        refuse_rate: 1.0,
        ..Faults::default()
    }
}

fn reservio_state(w: &World, voucher: &str) -> String {
    w.calendar_booking(voucher).expect("calendar booking").state
}

async fn emails_for(app: &TestApp, op: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM email_outbox WHERE procedure_id = {op}"
    ))
    .await
}

// Rule 2.
async fn cancel_cancels_the_voucher_first_then_the_calendar_booking_and_deletes_nothing(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 1).await;
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "the customer asked".into(),
        },
    )
    .await
    .expect("started");
    assert_eq!(state_of(&app, op).await.0, "pending");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");

    assert_eq!(w.reservation(&reservation).status, BookingStatus::Cancelled);
    assert_eq!(reservio_state(&w, &voucher), "canceled");
    // Nothing deleted: both still list the booking.
    assert!(w.calendar_booking(&voucher).is_some());
    assert!(
        w.sandbox
            .termino
            .get_reservation(&w.partner.termino_partner_id, &reservation)
            .is_some()
    );
    // The voucher went first: its effect precedes the calendar's.
    let voucher_cancels: Vec<_> = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::CancelVoucher)
        .collect();
    assert_eq!(voucher_cancels.len(), 1, "{voucher_cancels:?}");
    let calendar_cancels = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| {
            e.booking_id == booking
                && matches!(&e.kind, ReservioEffect::StateChanged { to, .. } if to == "canceled")
        })
        .count();
    assert_eq!(calendar_cancels, 1);
    let steps = step_states(&app, op).await;
    assert!(steps.iter().all(|(_, s)| s == "done"), "{steps:?}");
    // Every step is in the audit trail, and the partner gets a confirmation (rule 6).
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'operation' AND entity_id = '{op}' \
             AND action = 'operation.step_done'"
        ))
        .await;
    assert_eq!(audited, 4);
    assert!(emails_for(&app, op).await >= 1);
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM email_outbox WHERE procedure_id = $1")
            .bind(op)
            .fetch_one(app.db.pool())
            .await
            .expect("a confirmation is queued");
    assert!(body.contains("The channel cancelled voucher"), "{body}");
    assert!(
        body.contains("bookbridge cancelled the booking in Reservio"),
        "{body}"
    );
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_none());
}

// Rule 2, the common mismatch: the channel cancelled the voucher, the calendar still shows it.
async fn cancel_of_an_already_cancelled_voucher_starts_at_the_reservio_step(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 2).await;
    w.sandbox
        .termino
        .cancel_voucher_by_channel(&w.partner.termino_partner_id, &voucher)
        .expect("the channel cancels the voucher");
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_some());
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "voucher refunded".into(),
        },
    )
    .await
    .expect("started");
    let steps = step_states(&app, op).await;
    assert_eq!(steps[0], ("cancel_voucher".into(), "skipped".into()));
    assert_eq!(
        steps[1],
        ("confirm_voucher_cancelled".into(), "skipped".into())
    );
    assert_eq!(state_of(&app, op).await.1, 2, "starts at the Reservio step");
    let before = w.sandbox.termino.effects().len();
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    assert_eq!(
        w.sandbox.termino.effects().len(),
        before,
        "nothing more asked of Termino"
    );
    assert_eq!(reservio_state(&w, &voucher), "canceled");
    // Rule 6, told as it happened: the voucher was cancelled already, bookbridge cancelled the
    // calendar booking itself and read both back — nothing asks the partner to check Reservio.
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM email_outbox WHERE procedure_id = $1")
            .bind(op)
            .fetch_one(app.db.pool())
            .await
            .expect("a confirmation is queued");
    assert!(
        body.contains(&format!("Voucher {voucher} of "))
            && body.contains("was already cancelled in Termino"),
        "{body}"
    );
    assert!(
        body.contains("bookbridge cancelled the booking in Reservio"),
        "{body}"
    );
    assert!(body.contains("both show the booking cancelled"), "{body}");
    assert!(!body.contains("The channel cancelled"), "{body}");
    assert!(!body.contains("Please check"), "{body}");
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_none());
}

async fn cancel_of_a_booking_cancelled_on_both_sides_is_refused(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 3).await;
    let link = link_of(&app, &voucher).await;
    let op = start(&app, &w, link, Params::Cancel { reason: "x".into() })
        .await
        .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    w.settle().await;
    let again = start(&app, &w, link, Params::Cancel { reason: "x".into() }).await;
    assert!(
        matches!(again, Err(StartError::Refused(Refusal::AlreadyCancelled))),
        "{again:?}"
    );
    let moved = start(
        &app,
        &w,
        link,
        Params::Reschedule {
            start_at: tomorrow(&app) + DAY,
            end_at: tomorrow(&app) + DAY + HOUR,
        },
    )
    .await;
    assert!(
        matches!(moved, Err(StartError::Refused(Refusal::Cancelled))),
        "{moved:?}"
    );
}

/// A free slot for service `k` on the day `days` after tomorrow, at 14:00 if free.
async fn free_slot(w: &World, app: &TestApp, k: usize, days: i64) -> (i64, i64) {
    let (service, _, _) = w.offer(k);
    let conn = bookbridge::db::connections::find(&app.db, w.partner.connection_id)
        .await
        .expect("query")
        .expect("connection");
    let day = tomorrow(app) - 9 * HOUR + days * DAY;
    let slots = procedure::free_slots(&w.ctx, &conn, &service, None, day, day + DAY)
        .await
        .expect("Reservio lists free slots");
    slots
        .iter()
        .copied()
        .find(|(s, _)| *s == day + 14 * HOUR)
        .unwrap_or(slots[0])
}

// Rule 3.
async fn reschedule_moves_the_booking_where_it_was_made_and_sync_carries_it_over(app: TestApp) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 4).await;
    let link = link_of(&app, &voucher).await;
    let (start_at, end_at) = free_slot(&w, &app, 0, 1).await;
    let op = start(&app, &w, link, Params::Reschedule { start_at, end_at })
        .await
        .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let r = w.reservation(&reservation);
    assert_eq!((r.start_at, r.end_at), (start_at, end_at));
    assert!(
        !r.self_rescheduled,
        "a partner's move is not the customer's"
    );
    let b = w.calendar_booking(&voucher).expect("booking");
    assert_eq!((b.start_at, b.end_at), (start_at, end_at));
    // Applied once in Termino (where the voucher was redeemed), carried once to Reservio.
    let reschedules = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::Reschedule)
        .count();
    assert_eq!(reschedules, 1);
    let moves = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| e.kind == ReservioEffect::Moved)
        .count();
    assert_eq!(moves, 1);
    w.settle().await;
    let open = app
        .count("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
        .await;
    assert_eq!(open, 0);
}

async fn reschedule_refuses_a_past_a_taken_and_a_closed_slot(app: TestApp) {
    let w = World::of(&app);
    let first = tomorrow(&app);
    let (_, voucher, _) = w.agreed_booking(0, first, 5).await;
    let (_, _, duration) = w.offer(0);
    let other = first + 2 * HOUR;
    w.agreed_booking(0, other, 6).await;
    let link = link_of(&app, &voucher).await;
    let now = app.clock.now();
    let cases = [
        ((now - HOUR, now - HOUR + duration), SlotProblem::Past),
        ((other, other + duration), SlotProblem::Taken),
        (
            (first + 18 * HOUR, first + 18 * HOUR + duration),
            SlotProblem::NotOffered,
        ),
    ];
    for ((start_at, end_at), problem) in cases {
        let refused = start(&app, &w, link, Params::Reschedule { start_at, end_at }).await;
        assert!(
            matches!(refused, Err(StartError::Slot(p)) if p == problem),
            "{problem:?}: {refused:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM procedures").await, 0);
}

// Rule 5.
async fn change_service_issues_a_new_voucher_and_a_new_booking_and_supersedes_the_link(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 7).await;
    let link = link_of(&app, &voucher).await;
    let (service_id, offer_id, _) = w.offer(1);
    let (start_at, end_at) = free_slot(&w, &app, 1, 2).await;
    let op = start(
        &app,
        &w,
        link,
        Params::ChangeService {
            service_id: service_id.clone(),
            offer_id: offer_id.clone(),
            start_at,
            end_at,
        },
    )
    .await
    .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");

    // The old voucher and both old bookings are cancelled, not deleted.
    assert_eq!(w.reservation(&reservation).status, BookingStatus::Cancelled);
    let old = w.calendar_booking(&voucher).expect("old booking kept");
    assert_eq!(
        (old.id.as_str(), old.state.as_str()),
        (booking.as_str(), "canceled")
    );
    // The new voucher has its own booking in both systems, for the new service and slot.
    let (superseded_by,): (Option<i64>,) =
        sqlx::query_as("SELECT superseded_by FROM booking_links WHERE id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("old link");
    let new_link = superseded_by.expect("the old link is superseded");
    let (new_voucher,): (Option<String>,) =
        sqlx::query_as("SELECT voucher_code FROM booking_links WHERE id = $1")
            .bind(new_link)
            .fetch_one(app.db.pool())
            .await
            .expect("new link");
    let new_voucher = new_voucher.expect("the new link has the new voucher");
    assert_ne!(new_voucher, voucher);
    let new_reservation = w
        .sandbox
        .termino
        .reservations(&w.partner.termino_partner_id)
        .into_iter()
        .find(|r| r.voucher_code == new_voucher)
        .expect("the new voucher is booked in Termino");
    assert_eq!(new_reservation.offer_id, offer_id);
    assert_eq!(
        (new_reservation.start_at, new_reservation.end_at),
        (start_at, end_at)
    );
    let new_booking = w
        .calendar_booking(&new_voucher)
        .expect("the new voucher is booked in Reservio");
    assert_eq!(new_booking.service_id, service_id);
    assert_eq!(new_booking.state, "confirmed");
    assert_eq!(w.calendar_bookings_for(&new_voucher), 1);
    let reissues = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::ReissueVoucher)
        .count();
    assert_eq!(reissues, 1);
    // Both links stay; the new one agrees and nothing is flagged.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM booking_links").await,
        2,
        "the old link is kept"
    );
    w.settle().await;
    let open = app
        .count("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
        .await;
    assert_eq!(open, 0);
}

async fn change_service_to_an_unmapped_service_is_refused(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 8).await;
    let link = link_of(&app, &voucher).await;
    let (service_id, _, _) = w.offer(1);
    let (start_at, end_at) = free_slot(&w, &app, 1, 1).await;
    let refused = start(
        &app,
        &w,
        link,
        Params::ChangeService {
            service_id,
            offer_id: "not-an-offer".into(),
            start_at,
            end_at,
        },
    )
    .await;
    assert!(matches!(refused, Err(StartError::Unmapped)), "{refused:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM procedures").await, 0);
}

// Rule 4.
async fn escalation_opens_a_care_case_and_the_booking_stays_valid(app: TestApp) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 9).await;
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Escalate {
            reason: "the therapist is ill".into(),
            proposal: "move to next week".into(),
        },
    )
    .await
    .expect("started");
    assert_eq!(state_of(&app, op).await.0, "completed");
    let (reason, proposal, state): (String, String, String) =
        sqlx::query_as("SELECT reason, proposal, state FROM cases WHERE link_id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("a case is open");
    assert_eq!(
        (reason.as_str(), proposal.as_str(), state.as_str()),
        ("the therapist is ill", "move to next week", "open")
    );
    // Nothing changed in either system: the customer will come.
    assert_eq!(w.reservation(&reservation).status, BookingStatus::Confirmed);
    assert_eq!(reservio_state(&w, &voucher), "confirmed");
    let again = start(
        &app,
        &w,
        link,
        Params::Escalate {
            reason: "again".into(),
            proposal: String::new(),
        },
    )
    .await;
    assert!(matches!(again, Err(StartError::CaseOpen(_))), "{again:?}");
}

// Rule 4: Partner Care resolves the case by starting a procedure.
async fn partner_care_settles_a_case_by_cancelling_the_booking(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 10).await;
    let link = link_of(&app, &voucher).await;
    start(
        &app,
        &w,
        link,
        Params::Escalate {
            reason: "cannot honour".into(),
            proposal: String::new(),
        },
    )
    .await
    .expect("escalated");
    let (case_id,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE link_id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("case");
    let (care, care_id) = actor(&app, PARTNER_CARE).await;
    let op = procedure::start(
        &w.ctx,
        &hooks(),
        link,
        Params::Cancel {
            reason: "agreed with the customer".into(),
        },
        &Starter {
            actor: &care,
            user_id: Some(care_id),
            request_id: None,
            case_id: Some(case_id),
        },
    )
    .await
    .expect("Partner Care starts the cancel");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let (state, outcome): (String, Option<String>) =
        sqlx::query_as("SELECT state, outcome FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(app.db.pool())
            .await
            .expect("case");
    assert_eq!(
        (state.as_str(), outcome.as_deref()),
        ("resolved", Some("booking_cancelled"))
    );
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

/// The steps of each procedure that can run, in order (as planned for an agreed booking).
fn steps_of(kind: ProcedureKind) -> Vec<Step> {
    match kind {
        ProcedureKind::Cancel => vec![
            Step::CancelVoucher,
            Step::ConfirmVoucherCancelled,
            Step::CancelReservio,
            Step::VerifyCancelled,
        ],
        ProcedureKind::Reschedule => vec![
            Step::CheckSlot,
            Step::ApplyTime,
            Step::AwaitPropagation,
            Step::VerifyTime,
        ],
        ProcedureKind::ChangeService => vec![
            Step::CheckSlot,
            Step::ReissueVoucher,
            Step::CancelOldReservio,
            Step::CreateNewBooking,
            Step::AwaitNewBooking,
            Step::VerifyNewBooking,
        ],
        ProcedureKind::Escalate => vec![Step::OpenCase],
    }
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
