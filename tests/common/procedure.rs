//! Starting and running guided procedures from a test: the link of a voucher, the runner's hooks,
//! a demo user as the actor, starting one as the partner, its state and steps, running it to
//! its end or to a given step, and a free slot to move to.

use bookbridge::audit::Actor;
use bookbridge::domain::procedure::{Params, ProcedureKind, Step};
use bookbridge::sandbox::faults::Faults;
use bookbridge::sync::SyncContext;
use bookbridge::sync::procedure::{self, Hooks, StartError, Starter};

use super::TestApp;
use super::world::{DAY, HOUR, World, tomorrow};

/// The booking's link, by voucher.
pub async fn link_of(app: &TestApp, voucher: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM booking_links WHERE voucher_code = $1")
        .bind(voucher)
        .fetch_one(app.db.pool())
        .await
        .expect("the booking is linked");
    id
}

pub fn hooks() -> Hooks {
    Hooks {
        mail_held: true,
        ..Hooks::default()
    }
}

pub const PARTNER_CARE: &str = "care@demo.test";

pub async fn actor(app: &TestApp, email: &str) -> (Actor, i64) {
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

pub async fn start(app: &TestApp, w: &World, link: i64, params: Params) -> Result<i64, StartError> {
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

pub async fn state_of(app: &TestApp, op: i64) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT state, current_step, error FROM procedures WHERE id = $1")
        .bind(op)
        .fetch_one(app.db.pool())
        .await
        .expect("operation")
}

pub async fn step_states(app: &TestApp, op: i64) -> Vec<(String, String)> {
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
pub async fn run_to_end(app: &TestApp, ctx: &SyncContext, op: i64) -> String {
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
pub async fn advance_to(app: &TestApp, ctx: &SyncContext, op: i64, position: usize) {
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

pub fn refuse_all() -> Faults {
    Faults {
        refuse_rate: 1.0,
        ..Faults::default()
    }
}

pub fn reservio_state(w: &World, voucher: &str) -> String {
    w.calendar_booking(voucher).expect("calendar booking").state
}

pub async fn emails_for(app: &TestApp, op: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM email_outbox WHERE procedure_id = {op}"
    ))
    .await
}

/// A free slot for service `k` on the day `days` after tomorrow, at 14:00 if free.
pub async fn free_slot(w: &World, app: &TestApp, k: usize, days: i64) -> (i64, i64) {
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

/// The steps of each procedure that can run, in order (as planned for an agreed booking).
pub fn steps_of(kind: ProcedureKind) -> Vec<Step> {
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
