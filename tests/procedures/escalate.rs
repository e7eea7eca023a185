//! FAQ rule 4, cannot honour a booking: tell Partner Care, who settles the case.

use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::Params;
use bookbridge::sync::procedure::{self, StartError, Starter};

use crate::common::procedure::*;
use crate::common::world::{World, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        escalation_opens_a_care_case_and_the_booking_stays_valid,
        partner_care_settles_a_case_by_cancelling_the_booking,
    ]
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
