//! What guards every request: the CSRF token, the roles and the partner boundary, the security
//! headers, and a clear error for malformed input.

use crate::common::{self, DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use crate::tests;
use bookbridge::web::paths;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        requests_without_the_csrf_token_are_refused_and_change_nothing,
        the_csrf_token_is_accepted_from_the_htmx_header,
        each_role_is_refused_the_pages_of_the_other_roles,
        anonymous_visitors_are_sent_to_the_login_page,
        a_partner_user_never_sees_another_partners_audit_entries,
        security_headers_are_on_every_response,
        malformed_input_gets_a_clear_error_not_a_server_error,
    ]
}

async fn requests_without_the_csrf_token_are_refused_and_change_nothing(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let new_user = [
        ("email", "new@demo.test"),
        ("role", "sales_rep"),
        ("partner_id", ""),
        ("password", "long enough password"),
    ];
    let missing = admin
        .post(app.url(paths::ADMIN_USERS))
        .form(&new_user)
        .send()
        .await
        .expect("answer");
    assert_eq!(missing.status(), 403);
    let mut wrong = new_user.to_vec();
    wrong.push(("csrf_token", "not-the-token"));
    let wrong = admin
        .post(app.url(paths::ADMIN_USERS))
        .form(&wrong)
        .send()
        .await
        .expect("answer");
    assert_eq!(wrong.status(), 403);
    // Logging in needs the token too.
    let r = app
        .client()
        .post(app.url(paths::LOGIN))
        .form(&[("email", "admin@demo.test"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    // With the token the same form works.
    let ok = app
        .post_form(&admin, paths::ADMIN_USERS, paths::ADMIN_USERS, &new_user)
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users").await,
        users_before + 1
    );
}

async fn the_csrf_token_is_accepted_from_the_htmx_header(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    let doc = html(app.get(&client, "/").await).await;
    let headers = select_attr(&doc, "body", "hx-headers").expect("hx-headers on body");
    let parsed: serde_json::Value = serde_json::from_str(&headers).expect("hx-headers is JSON");
    let token = parsed["x-csrf-token"].as_str().expect("token").to_string();
    let r = client
        .post(app.url(paths::LOGOUT))
        .header("x-csrf-token", token)
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.get(&client, paths::BOOKINGS).await.status(),
        303,
        "logged out"
    );
}

async fn each_role_is_refused_the_pages_of_the_other_roles(app: TestApp) {
    let pages = [
        ("partner@demo.test", paths::BOOKINGS),
        ("care@demo.test", paths::CARE_MISMATCHES),
        ("sales@demo.test", paths::SALES_CONNECTIONS),
        ("admin@demo.test", paths::ADMIN_USERS),
        ("admin@demo.test", paths::ADMIN_PARTNERS),
    ];
    for who in [
        "partner@demo.test",
        "care@demo.test",
        "sales@demo.test",
        "admin@demo.test",
    ] {
        let client = app.login(who).await;
        for (owner, page) in pages {
            let status = app.get(&client, page).await.status();
            if owner == who {
                assert_eq!(status, 200, "{who} opens {page}");
            } else {
                assert_eq!(status, 403, "{who} is refused {page}");
            }
        }
        assert_eq!(
            app.get(&client, paths::AUDIT).await.status(),
            200,
            "{who} reads the audit trail"
        );
    }
    // Posting to the admin's forms as a partner is refused too, and nothing changes.
    let partner = app.login("partner@demo.test").await;
    let before = app.count("SELECT COUNT(*) FROM partners").await;
    let r = app
        .post_form(
            &partner,
            "/",
            paths::ADMIN_PARTNERS,
            &[("name", "Sneaky Partner")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post_form(&partner, "/", "/admin/users/1/disable", &[])
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM partners").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE disabled = 1")
            .await,
        0
    );
}

async fn anonymous_visitors_are_sent_to_the_login_page(app: TestApp) {
    let client = app.client();
    for page in [
        "/",
        paths::BOOKINGS,
        paths::CARE_MISMATCHES,
        paths::ADMIN_USERS,
        paths::AUDIT,
        "/audit/1",
    ] {
        let r = app.get(&client, page).await;
        assert_eq!(r.status(), 303, "{page}");
        assert_eq!(r.headers()["location"], paths::LOGIN, "{page}");
    }
    let r = client
        .get(app.url(paths::BOOKINGS))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["hx-redirect"], paths::LOGIN);
}

async fn a_partner_user_never_sees_another_partners_audit_entries(app: TestApp) {
    // Each partner user logs in once: their login rows belong to their own partner.
    let first = app.login("partner@demo.test").await;
    let second = app.login("partner2@demo.test").await;
    let (second_partner,): (i64,) =
        sqlx::query_as("SELECT partner_id FROM users WHERE email = 'partner2@demo.test'")
            .fetch_one(app.db.pool())
            .await
            .expect("partner2 exists");
    let (foreign_entry,): (i64,) = sqlx::query_as(
        "SELECT MAX(id) FROM audit_log WHERE partner_id = $1 AND action = 'login.succeeded'",
    )
    .bind(second_partner)
    .fetch_one(app.db.pool())
    .await
    .expect("entry exists");
    let r = app.get(&first, &paths::audit_entry(foreign_entry)).await;
    assert_eq!(r.status(), 404, "another partner's entry is not found");
    let body = r.text().await.expect("body");
    assert!(!body.contains("partner2@demo.test"));
    let list = app
        .get(&first, paths::AUDIT)
        .await
        .text()
        .await
        .expect("body");
    assert!(
        !list.contains("partner2@demo.test"),
        "the list shows none of partner 2's rows"
    );
    assert!(
        list.contains("partner@demo.test"),
        "the list shows the partner's own rows"
    );
    // Staff-wide entries (no partner) are not shown to partners either.
    let (staff_entry,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM audit_log WHERE partner_id IS NULL")
            .fetch_one(app.db.pool())
            .await
            .expect("entry exists");
    assert_eq!(
        app.get(&first, &paths::audit_entry(staff_entry))
            .await
            .status(),
        404
    );
    // The owner sees its own entry, and staff see everything.
    assert_eq!(
        app.get(&second, &paths::audit_entry(foreign_entry))
            .await
            .status(),
        200
    );
    let care = app.login("care@demo.test").await;
    assert_eq!(
        app.get(&care, &paths::audit_entry(foreign_entry))
            .await
            .status(),
        200
    );
    assert_eq!(app.get(&care, "/audit/999999").await.status(), 404);
    assert_eq!(app.get(&care, "/audit/not-a-number").await.status(), 404);
}

async fn security_headers_are_on_every_response(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    let htmx = client
        .get(app.url(paths::BOOKINGS))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    let responses = vec![
        app.get(&client, "/").await,
        app.get(&client, "/no-such-page").await,
        app.get(&client, paths::ADMIN_USERS).await,
        app.get(&client, "/static/app.css").await,
        app.get(&app.client(), paths::LOGIN).await,
        htmx,
    ];
    for r in responses {
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        for part in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{csp} lacks {part}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h.contains_key("referrer-policy"));
    }
    let r = app.get(&client, "/no-such-page").await;
    assert_eq!(r.status(), 404);
    let doc = html(r).await;
    assert_eq!(select_texts(&doc, "h1").len(), 1, "a friendly 404 page");
    let htmx_file = app.get(&client, "/static/htmx-2.0.11.min.js").await;
    assert_eq!(htmx_file.status(), 200);
}

async fn malformed_input_gets_a_clear_error_not_a_server_error(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let token = app.csrf(&admin, paths::ADMIN_USERS).await;
    // A body that is not a form at all, with a valid token in the header.
    let r = admin
        .post(app.url(paths::ADMIN_USERS))
        .header("x-csrf-token", &token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=%ZZ&&&role")
        .send()
        .await
        .expect("answer");
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = admin
        .post(app.url(paths::ADMIN_USERS))
        .header("x-csrf-token", &token)
        .header("content-type", "application/json")
        .body("{\"email\": 1}")
        .send()
        .await
        .expect("answer");
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = app.get(&admin, "/audit?before=yesterday").await;
    assert_eq!(r.status(), 400);
    assert_eq!(select_texts(&html(r).await, "h1").len(), 1);
    let r = admin
        .delete(app.url(paths::ADMIN_USERS))
        .header("x-csrf-token", &token)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 405);
    let r = app
        .post_form(&admin, "/", paths::LANGUAGE, &[("lang", "klingon")])
        .await;
    assert_eq!(r.status(), 400);
}
