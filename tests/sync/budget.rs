//! The Reservio request budget of the whole deployment (issue 15): shared by every instance
//! through the database, and a 429's `Retry-After` holds every instance off.

use std::time::Duration;

use bookbridge::db::budget;
use bookbridge::sync::budget::SharedBudget;
use bookbridge::systems::{RequestGate, SystemError};

use crate::common::TestApp;

pub async fn the_request_budget_is_shared_by_every_instance_through_the_database(app: TestApp) {
    let second = app.clock.now();
    // Two instances take 12 requests between them, at once, in one second of a budget of 5.
    let take = |_| budget::take(&app.db, "reservio", second, 5);
    let (a, b) = tokio::join!(
        futures_util::future::join_all((0..6).map(take)),
        futures_util::future::join_all((0..6).map(take)),
    );
    let granted = a
        .into_iter()
        .chain(b)
        .map(|r| r.expect("budget row"))
        .filter(|ok| *ok)
        .count();
    assert_eq!(granted, 5, "exactly the budget, whoever asked");
    assert_eq!(
        budget::used_since(&app.db, "reservio", second)
            .await
            .expect("used"),
        5
    );
    // The next second has a budget of its own.
    assert!(
        budget::take(&app.db, "reservio", second + 1, 5)
            .await
            .expect("budget row")
    );
}

pub async fn a_429_with_retry_after_holds_off_every_instance(app: TestApp) {
    let one = SharedBudget::new(app.db.clone(), app.clock.clone(), "reservio", 100);
    let other = SharedBudget::new(app.db.clone(), app.clock.clone(), "reservio", 100);
    other.admit().await.expect("within the budget");
    // Reservio told the first instance to wait two minutes: the other one does not send either.
    one.hold_off(Duration::from_secs(120)).await;
    match other.admit().await {
        Err(SystemError::Http { status: 429, .. }) => {}
        other => panic!("held off, as a transient 429: {other:?}"),
    }
    // Once the time is over, requests go again.
    app.clock.advance(121);
    other.admit().await.expect("the pause is over");
}

pub async fn requests_over_a_seconds_budget_go_in_the_seconds_after(app: TestApp) {
    // The machine's clock: the budget is counted per second of it.
    let gate = SharedBudget::new(
        app.db.clone(),
        bookbridge::clock::Clock::System,
        "reservio",
        2,
    );
    let first = bookbridge::clock::Clock::System.now();
    let admitted = futures_util::future::join_all((0..5).map(|_| gate.admit())).await;
    assert!(
        admitted.iter().all(Result::is_ok),
        "each waits for a second with room: {admitted:?}"
    );
    let last = bookbridge::clock::Clock::System.now();
    let mut used = 0;
    for second in first..=last {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(used), 0) FROM request_budget WHERE system = 'reservio' \
             AND second = $1",
        )
        .bind(second)
        .fetch_one(app.db.pool())
        .await
        .expect("budget row");
        assert!(n <= 2, "never more than the budget in second {second}: {n}");
        used += n;
    }
    assert_eq!(used, 5, "every request counted once");
    assert!(last >= first + 2, "five at two a second span three seconds");
}
