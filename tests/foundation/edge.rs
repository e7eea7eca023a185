//! The web edge under a hostile look: where login sends a visitor, what an unreadable form
//! gets, what a server error leaves in the log, how login throttling is audited and whom it
//! refuses, and what slow clients can do to the server.

use bookbridge::web::paths;
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
        wrong_passwords_from_one_address_never_lock_the_owner_out_from_another,
        repeated_throttled_logins_write_one_audit_row_per_window_and_limit,
        a_flood_of_half_sent_requests_is_cut_off_and_healthz_keeps_answering,
    ]
}

/// Tests that need no server.
pub fn plain() -> Vec<Trial> {
    vec![]
}

/// Posts the login form with `next`, from a fresh client; returns it and the answer.
async fn login_with_next(app: &TestApp, next: &str) -> (reqwest::Client, reqwest::Response) {
    let client = app.client();
    let token = app.csrf(&client, paths::LOGIN).await;
    let response = client
        .post(app.url(paths::LOGIN))
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
        let token = app.csrf(&admin, paths::ADMIN_PARTNERS).await;
        let response = admin
            .post(app.url(paths::ADMIN_PARTNERS))
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
    let token = app.csrf(&admin, paths::ADMIN_PARTNERS).await;
    let response = admin
        .post(app.url(paths::ADMIN_PARTNERS))
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
    let response = app.get(&care, paths::OUTBOX).await;
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

/// A client whose connections come from another loopback address (Linux routes all of
/// 127.0.0.0/8 to the loopback interface).
fn client_from(app: &TestApp, address: &str) -> reqwest::Client {
    let ip: std::net::IpAddr = address.parse().expect("an address");
    app.client_builder()
        .local_address(ip)
        .build()
        .expect("client builds")
}

async fn wrong_passwords_from_one_address_never_lock_the_owner_out_from_another(app: TestApp) {
    let attacker = app.client();
    for _ in 0..5 {
        let r = app
            .try_login(&attacker, "care@demo.test", "wrong password!")
            .await;
        assert_eq!(r.status(), 401);
    }
    let r = app
        .try_login(&attacker, "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 429, "the address that failed is refused");
    // The owner, from an address that has not failed, logs in.
    let owner = client_from(&app, "127.0.0.2");
    let r = app.try_login(&owner, "care@demo.test", DEMO_PASSWORD).await;
    assert_eq!(
        r.status(),
        303,
        "the right password from elsewhere is not refused"
    );
    // The owner's own slips count for the owner's address only.
    let owner = client_from(&app, "127.0.0.2");
    for _ in 0..4 {
        let r = app.try_login(&owner, "care@demo.test", "typo").await;
        assert_eq!(r.status(), 401);
    }
    let r = app.try_login(&owner, "care@demo.test", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
}

async fn repeated_throttled_logins_write_one_audit_row_per_window_and_limit(app: TestApp) {
    use bookbridge::auth::throttle::WINDOW_SECS;
    // Start one second into a window, so that the whole test but its end is in one window.
    let into = app.clock.now().rem_euclid(WINDOW_SECS);
    app.clock.advance(WINDOW_SECS - into + 1);
    let client = app.client();
    for _ in 0..5 {
        let r = app
            .try_login(&client, "care@demo.test", "wrong password!")
            .await;
        assert_eq!(r.status(), 401);
    }
    let token = app.csrf(&client, paths::LOGIN).await;
    for _ in 0..30 {
        let r = client
            .post(app.url(paths::LOGIN))
            .form(&[
                ("email", "care@demo.test"),
                ("password", "wrong password!"),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .expect("login answers");
        assert_eq!(r.status(), 429);
    }
    let throttled = "SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'";
    assert_eq!(app.count(throttled).await, 1, "30 refusals, one audit row");
    let counted = app
        .count("SELECT CAST(SUM(refused) AS BIGINT) FROM login_throttle_windows")
        .await;
    assert_eq!(counted, 30, "every refusal is counted");
    // The address limit, reached with other accounts, is audited once more, however many
    // accounts are tried.
    for i in 0..15 {
        let r = app
            .try_login(&client, &format!("guess{i}@demo.test"), "wrong password!")
            .await;
        assert_eq!(r.status(), 401);
    }
    for i in 0..10 {
        let r = app
            .try_login(&client, &format!("other{i}@demo.test"), "wrong password!")
            .await;
        assert_eq!(r.status(), 429);
    }
    assert_eq!(
        app.count(throttled).await,
        2,
        "one more for the address limit"
    );
    // The next window audits again.
    app.clock.advance(WINDOW_SECS - 1);
    for _ in 0..3 {
        let r = app
            .try_login(&client, "other0@demo.test", "wrong password!")
            .await;
        assert_eq!(r.status(), 429);
    }
    assert_eq!(app.count(throttled).await, 3, "one per window");
}

async fn a_flood_of_half_sent_requests_is_cut_off_and_healthz_keeps_answering(app: TestApp) {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // An instance on the same database with small limits, so the flood needs few sockets.
    let mut config = common::test_config(app.database_url.clone());
    config.run_worker = false;
    config.server = bookbridge::config::ServerLimits {
        header_read_timeout: Duration::from_secs(1),
        body_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
        max_connections: 16,
    };
    let instance = bookbridge::app::App::build(config, app.clock.clone())
        .await
        .expect("the instance starts");
    let addr = format!("127.0.0.1:{}", instance.port());
    let server = tokio::spawn(instance.run());
    // Three times the cap of requests that stop half-way: in the headers, or in the body.
    let mut slow = Vec::new();
    for i in 0..48 {
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connects");
        let partial: &[u8] = if i % 4 == 0 {
            b"POST /hooks/termino/NO-SUCH-CODE HTTP/1.1\r\nHost: x\r\n\
              Content-Length: 1000\r\n\r\n{\"partner"
        } else {
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
        };
        stream
            .write_all(partial)
            .await
            .expect("sends half a request");
        slow.push(stream);
    }
    let started = Instant::now();
    let health = app
        .client_builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client")
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("the health check answers during the flood");
    assert_eq!(health.status(), 200);
    let waited = started.elapsed();
    // Every half-sent request is cut off by the server.
    for (i, stream) in slow.iter_mut().enumerate() {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest))
            .await
            .is_ok();
        assert!(closed, "slow connection {i} was closed by the server");
    }
    let capped = logs::lines_with(&["connection cap reached"]).await;
    assert!(!capped.is_empty(), "hitting the connection cap is logged");
    server.abort();
    assert!(
        waited < Duration::from_secs(10),
        "the health check waited {waited:?}"
    );
}
