//! The app runs: the health check, and a restart of the demo keeps what is there.

use bookbridge::audit::{self, Verdict};
use bookbridge::web::paths;

use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        health_check_answers_once_the_database_is_reachable,
        restarting_the_demo_keeps_what_is_there,
    ]
}

async fn health_check_answers_once_the_database_is_reachable(app: TestApp) {
    let response = app.get(&app.client(), paths::HEALTHZ).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

async fn restarting_the_demo_keeps_what_is_there(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    app.post_form(
        &admin,
        paths::ADMIN_PARTNERS,
        paths::ADMIN_PARTNERS,
        &[("name", "Kept Partner")],
    )
    .await;
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let partners = app.count("SELECT COUNT(*) FROM partners").await;
    // A second instance starting the demo on the same database seeds nothing new.
    let second = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("second start");
    drop(second);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM partners").await, partners);
    assert_eq!(
        audit::verify(&app.db).await.expect("verify"),
        Verdict::Intact {
            rows: app.count("SELECT COUNT(*) FROM audit_log").await
        }
    );
}
