//! A procedure whose connection was disconnected under it (as every demo restart does to the
//! previous run's connections) stops with that reason, and its page offers nothing it cannot do.

use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::{Params, Refusal};
use bookbridge::sync::procedure::{self, StartError};

use crate::common::world::{HOUR, World, restart_demo, tomorrow};
use crate::common::{self, TestApp, TestFn};
use crate::{actor, hooks, link_of, start, state_of};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    crate::tests![
        a_procedure_on_a_disconnected_connection_stops_with_that_reason_and_offers_no_retry,
    ]
}

async fn a_procedure_on_a_disconnected_connection_stops_with_that_reason_and_offers_no_retry(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 71).await;
    let (_, other_voucher, _) = w.agreed_booking(1, tomorrow(&app) + 3 * HOUR, 72).await;
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
    .expect("the procedure starts");

    // The demo starts again: this connection is disconnected, its sandbox is an old one.
    let _restarted = restart_demo(&app, 0).await;
    procedure::run_one(&w.ctx, &hooks(), op)
        .await
        .expect("the runner runs");
    let (state, _, error) = state_of(&app, op).await;
    assert_eq!(state, "failed", "the procedure stops");
    let error = error.unwrap_or_default();
    assert!(error.contains("disconnected"), "it says why: {error}");
    assert_eq!(
        w.reservation(&reservation).status,
        BookingStatus::Confirmed,
        "nothing was done in the old connection's systems"
    );
    let (care, _) = actor(&app, "care@demo.test").await;
    assert!(
        !procedure::retry(&w.ctx, &hooks(), op, &care, None)
            .await
            .expect("retry answers"),
        "a retry is refused"
    );

    let other = link_of(&app, &other_voucher).await;
    let refused = start(
        &app,
        &w,
        other,
        Params::Cancel {
            reason: "the customer asked".into(),
        },
    )
    .await;
    assert!(
        matches!(refused, Err(StartError::Refused(Refusal::ConnectionEnded))),
        "no new procedure starts on the disconnected connection: {refused:?}"
    );

    let client = app.login("partner@demo.test").await;
    let path = bookbridge::web::paths::procedure(op);
    let doc = common::html(app.get(&client, &path).await).await;
    let has = |selector: &str| !common::select_texts(&doc, selector).is_empty();
    assert!(!has("#retry"), "no retry is offered");
    assert!(has("#procedure-connection-ended"), "the page says why");
    assert!(has("#abandon"), "abandoning is still possible");
    let response = app
        .post_form(
            &client,
            &path,
            &bookbridge::web::paths::procedure_retry(op),
            &[],
        )
        .await;
    assert_eq!(response.status(), 409, "a retry posted anyway is refused");
    let (state, _, _) = state_of(&app, op).await;
    assert_eq!(state, "failed");
}
