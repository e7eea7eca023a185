//! The web edge under a hostile look: where login sends a visitor, what an unreadable form
//! gets, what a server error leaves in the log, how login throttling is audited and whom it
//! refuses, and what slow clients can do to the server.

use libtest_mimic::Trial;
use reqwest::header::{CONTENT_TYPE, LOCATION};

use crate::common::{self, DEMO_PASSWORD, TestApp};
use crate::logs;
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        after_login_only_our_own_pages_are_followed_and_anything_else_goes_home,
        a_form_whose_text_is_not_utf8_is_refused_and_changes_nothing,
        a_server_error_is_logged_with_its_request_id,
    ]
}

/// Tests that need no server.
pub fn plain() -> Vec<Trial> {
    vec![]
}

/// Posts the login form with `next`, from a fresh client; returns it and the answer.
async fn login_with_next(app: &TestApp, next: &str) -> (reqwest::Client, reqwest::Response) {
    let client = app.client();
    let token = app.csrf(&client, "/login").await;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", "partner@demo.test"),
            ("password", DEMO_PASSWORD),
            ("next", next),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .expect("login answers");
    (client, response)
}

async fn after_login_only_our_own_pages_are_followed_and_anything_else_goes_home(app: TestApp) {
    let cases = [
        // A browser drops the tab and goes to //evil.test.
        ("/\t/evil.test", "/"),
        ("/\u{b}", "/"),
        ("/\u{1}", "/"),
        ("/\u{7f}", "/"),
        ("//evil.test", "/"),
        ("/\\evil.test", "/"),
        ("https://evil.test/", "/"),
        ("/no-such-page", "/"),
        ("/bookings?status=\u{7f}", "/"),
        ("/bookings?status=open", "/bookings?status=open"),
        (
            "/bookings/1/procedures/cancel",
            "/bookings/1/procedures/cancel",
        ),
    ];
    for (next, expected) in cases {
        let (client, response) = login_with_next(&app, next).await;
        assert_eq!(response.status(), 303, "next={next:?}");
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert_eq!(location, expected, "next={next:?}");
        assert_eq!(
            app.get(&client, "/").await.status(),
            200,
            "next={next:?}: the user is logged in"
        );
    }
}

async fn a_form_whose_text_is_not_utf8_is_refused_and_changes_nothing(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let partners = "SELECT COUNT(*) FROM partners";
    let before = app.count(partners).await;
    for name in ["Salon%FF", "Salon%C3%28", "%ED%A0%80"] {
        let token = app.csrf(&admin, "/admin/partners").await;
        let response = admin
            .post(app.url("/admin/partners"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("name={name}&csrf_token={token}"))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 400, "name={name}");
    }
    assert_eq!(app.count(partners).await, before, "no partner was added");
    // The same for a query string.
    let partner = app.login("partner@demo.test").await;
    let response = app.get(&partner, "/bookings?q=%FF").await;
    assert_eq!(response.status(), 400);
    // Text that is UTF-8 still goes through.
    let token = app.csrf(&admin, "/admin/partners").await;
    let response = admin
        .post(app.url("/admin/partners"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("name=Salon%20Nov%C3%A1k&csrf_token={token}"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 303);
    assert_eq!(app.count(partners).await, before + 1);
}

async fn a_server_error_is_logged_with_its_request_id(app: TestApp) {
    let care = app.login("care@demo.test").await;
    // A table the page reads is gone: the page cannot be shown.
    sqlx::query("ALTER TABLE email_outbox RENAME TO email_outbox_gone")
        .execute(app.db.pool())
        .await
        .expect("rename");
    let response = app.get(&care, "/outbox").await;
    assert_eq!(response.status(), 500);
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("the answer names its request")
        .to_string();
    let lines = logs::lines_with(&[&id, "500"]).await;
    assert!(
        !lines.is_empty(),
        "a log line names request {id} and its status 500"
    );
    assert!(
        lines.iter().any(|l| l.contains("ERROR")),
        "it is an error: {lines:?}"
    );
}
