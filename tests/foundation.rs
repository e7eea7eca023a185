//! The foundation: health, login, sessions, CSRF, roles, partner scoping, admin pages and the
//! audit chain — each test on SQLite and on PostgreSQL.

#[path = "foundation/accounts.rs"]
mod accounts;
mod common;
#[path = "foundation/edge.rs"]
mod edge;
#[path = "foundation/fuzz.rs"]
mod fuzz;
#[path = "foundation/logs.rs"]
mod logs;
#[path = "foundation/people.rs"]
mod people;
#[path = "foundation/structure.rs"]
mod structure;

use bookbridge::audit::{self, Entry, Problem, Verdict};
use common::{DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use sha2::{Digest, Sha256};

fn main() {
    let mut all = tests![
        health_check_answers_once_the_database_is_reachable,
        every_demo_role_logs_in_and_sees_its_own_navigation,
        a_wrong_password_and_an_unknown_email_get_the_same_answer,
        five_failures_lock_the_account_even_for_the_right_password,
        twenty_failures_from_one_address_lock_that_address,
        logging_in_issues_a_new_session_id_with_safe_cookie_attributes,
        logging_out_ends_the_session_on_the_server,
        requests_without_the_csrf_token_are_refused_and_change_nothing,
        the_csrf_token_is_accepted_from_the_htmx_header,
        each_role_is_refused_the_pages_of_the_other_roles,
        anonymous_visitors_are_sent_to_the_login_page,
        a_partner_user_never_sees_another_partners_audit_entries,
        the_admin_invites_a_user_who_can_then_log_in,
        invalid_new_users_are_refused_with_errors_next_to_the_fields,
        a_disabled_user_cannot_log_in_and_loses_open_sessions,
        the_admin_adds_and_disables_partners,
        the_audit_chain_verifies_and_names_a_tampered_row,
        the_audit_command_exits_non_zero_on_a_broken_chain,
        rewriting_the_chain_without_the_key_is_caught_row_by_row,
        cutting_off_the_newest_rows_is_caught_by_the_signed_checkpoint,
        rows_written_before_the_chain_was_keyed_still_verify_and_cannot_be_imitated,
        security_headers_are_on_every_response,
        sessions_end_after_thirty_idle_minutes,
        sessions_end_twelve_hours_after_login_however_active,
        the_user_read_with_the_session_is_current_and_never_stored,
        malformed_input_gets_a_clear_error_not_a_server_error,
        restarting_the_demo_keeps_what_is_there,
    ];
    all.extend(accounts::tests());
    all.extend(people::tests());
    all.extend(fuzz::tests());
    all.extend(edge::tests());
    logs::capture();
    let mut plain = fuzz::plain();
    plain.extend(edge::plain());
    plain.extend(structure::plain());
    common::run_with(plain, all);
}

async fn health_check_answers_once_the_database_is_reachable(app: TestApp) {
    let response = app.get(&app.client(), "/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

async fn every_demo_role_logs_in_and_sees_its_own_navigation(app: TestApp) {
    let expectations = [
        ("partner@demo.test", "/bookings", "/admin/users"),
        ("care@demo.test", "/care/mismatches", "/bookings"),
        ("sales@demo.test", "/sales/connections", "/care/mismatches"),
        ("admin@demo.test", "/admin/users", "/sales/connections"),
    ];
    for (email, own, foreign) in expectations {
        let client = app.login(email).await;
        let doc = html(app.get(&client, "/").await).await;
        let links: Vec<String> = {
            let sel = scraper::Selector::parse("header nav a").expect("selector");
            doc.select(&sel)
                .filter_map(|a| a.value().attr("href").map(str::to_string))
                .collect()
        };
        assert!(
            links.iter().any(|l| l == own),
            "{email} has a link to {own}: {links:?}"
        );
        assert!(
            links.iter().any(|l| l == "/audit"),
            "{email} has the audit trail"
        );
        assert!(
            !links.iter().any(|l| l == foreign),
            "{email} has no link to {foreign}"
        );
        assert_eq!(select_texts(&doc, ".user-email"), vec![email.to_string()]);
        assert_eq!(
            app.get(&client, own).await.status(),
            200,
            "{email} opens {own}"
        );
    }
    let partner = app.login("partner@demo.test").await;
    let doc = html(app.get(&partner, "/").await).await;
    assert!(
        select_texts(&doc, ".lead")
            .iter()
            .any(|t| t.contains("Salon Aurora")),
        "the partner user sees its partner's name"
    );
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    let client = app.client();
    let wrong_password = app
        .try_login(&client, "partner@demo.test", "not the password")
        .await;
    let status_a = wrong_password.status();
    let doc_a = html(wrong_password).await;
    let unknown_user = app
        .try_login(&client, "nobody@demo.test", DEMO_PASSWORD)
        .await;
    let status_b = unknown_user.status();
    let doc_b = html(unknown_user).await;
    assert_eq!(status_a, 401);
    assert_eq!(status_b, 401);
    let message_a = select_texts(&doc_a, "#login-error");
    assert_eq!(message_a, select_texts(&doc_b, "#login-error"));
    assert_eq!(message_a.len(), 1);
    // The failed attempt left no session behind that counts as logged in.
    assert_eq!(app.get(&client, "/").await.status(), 303);
    let failures = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'")
        .await;
    assert_eq!(failures, 2, "both failures are audited");
}

async fn five_failures_lock_the_account_even_for_the_right_password(app: TestApp) {
    let client = app.client();
    for _ in 0..5 {
        let r = app
            .try_login(&client, "care@demo.test", "wrong password!")
            .await;
        assert_eq!(r.status(), 401);
    }
    let locked = app
        .try_login(&client, "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(locked.status(), 429);
    let doc = html(locked).await;
    assert!(select_texts(&doc, "#login-error")[0].contains("15 minutes"));
    let throttled = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'")
        .await;
    assert_eq!(throttled, 1, "the refusal is audited");
    // Another account from the same address is not affected.
    app.login("sales@demo.test").await;
    // Once the failures age out of the 15-minute window, the right password works again.
    app.clock.advance(15 * 60 + 1);
    let r = app
        .try_login(&app.client(), "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 303);
}

async fn twenty_failures_from_one_address_lock_that_address(app: TestApp) {
    let client = app.client();
    for i in 0..20 {
        // Different accounts, so the per-account limit is never reached.
        let email = format!("someone{}@demo.test", i % 5 + i * 7);
        let r = app.try_login(&client, &email, "wrong password!").await;
        assert_eq!(r.status(), 401);
    }
    let r = app
        .try_login(&client, "admin@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 429, "the address is locked for every account");
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bookbridge_session="))
        .map(str::to_string)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

async fn logging_in_issues_a_new_session_id_with_safe_cookie_attributes(app: TestApp) {
    let client = app.client();
    let login_page = app.get(&client, "/login").await;
    let before = session_cookie(&login_page).expect("the login page starts a session");
    let token = {
        let doc = html(login_page).await;
        select_attr(&doc, "input[name=csrf_token]", "value").expect("token")
    };
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", "partner@demo.test"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303);
    let after = session_cookie(&response).expect("login sets the cookie");
    assert_ne!(
        cookie_value(&before),
        cookie_value(&after),
        "the session id changes"
    );
    let attributes = after.to_ascii_lowercase();
    assert!(attributes.contains("httponly"), "{after}");
    assert!(attributes.contains("samesite=lax"), "{after}");
    assert!(attributes.contains("secure"), "{after}");
}

async fn logging_out_ends_the_session_on_the_server(app: TestApp) {
    let client = app.client();
    let response = app
        .try_login(&client, "partner@demo.test", DEMO_PASSWORD)
        .await;
    let cookie = session_cookie(&response).expect("session cookie");
    let cookie = cookie.split(';').next().expect("name=value").to_string();
    assert_eq!(app.get(&client, "/bookings").await.status(), 200);
    let r = app.post_form(&client, "/", "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    // The old cookie, replayed by someone who kept it, no longer works.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = replay
        .get(app.url("/bookings"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    let logouts = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'logout'")
        .await;
    assert_eq!(logouts, 1);
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
        .post(app.url("/admin/users"))
        .form(&new_user)
        .send()
        .await
        .expect("answer");
    assert_eq!(missing.status(), 403);
    let mut wrong = new_user.to_vec();
    wrong.push(("csrf_token", "not-the-token"));
    let wrong = admin
        .post(app.url("/admin/users"))
        .form(&wrong)
        .send()
        .await
        .expect("answer");
    assert_eq!(wrong.status(), 403);
    // Logging in needs the token too.
    let r = app
        .client()
        .post(app.url("/login"))
        .form(&[("email", "admin@demo.test"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    // With the token the same form works.
    let ok = app
        .post_form(&admin, "/admin/users", "/admin/users", &new_user)
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
        .post(app.url("/logout"))
        .header("x-csrf-token", token)
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.get(&client, "/bookings").await.status(),
        303,
        "logged out"
    );
}

async fn each_role_is_refused_the_pages_of_the_other_roles(app: TestApp) {
    let pages = [
        ("partner@demo.test", "/bookings"),
        ("care@demo.test", "/care/mismatches"),
        ("sales@demo.test", "/sales/connections"),
        ("admin@demo.test", "/admin/users"),
        ("admin@demo.test", "/admin/partners"),
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
            app.get(&client, "/audit").await.status(),
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
            "/admin/partners",
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
        "/bookings",
        "/care/mismatches",
        "/admin/users",
        "/audit",
        "/audit/1",
    ] {
        let r = app.get(&client, page).await;
        assert_eq!(r.status(), 303, "{page}");
        assert_eq!(r.headers()["location"], "/login", "{page}");
    }
    let r = client
        .get(app.url("/bookings"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["hx-redirect"], "/login");
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
    let r = app.get(&first, &format!("/audit/{foreign_entry}")).await;
    assert_eq!(r.status(), 404, "another partner's entry is not found");
    let body = r.text().await.expect("body");
    assert!(!body.contains("partner2@demo.test"));
    let list = app.get(&first, "/audit").await.text().await.expect("body");
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
        app.get(&first, &format!("/audit/{staff_entry}"))
            .await
            .status(),
        404
    );
    // The owner sees its own entry, and staff see everything.
    assert_eq!(
        app.get(&second, &format!("/audit/{foreign_entry}"))
            .await
            .status(),
        200
    );
    let care = app.login("care@demo.test").await;
    assert_eq!(
        app.get(&care, &format!("/audit/{foreign_entry}"))
            .await
            .status(),
        200
    );
    assert_eq!(app.get(&care, "/audit/999999").await.status(), 404);
    assert_eq!(app.get(&care, "/audit/not-a-number").await.status(), 404);
}

async fn the_admin_invites_a_user_who_can_then_log_in(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let (partner_id,): (i64,) =
        sqlx::query_as("SELECT id FROM partners WHERE name = 'Salon Aurora'")
            .fetch_one(app.db.pool())
            .await
            .expect("demo partner");
    let partner_id = partner_id.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", " Reception@Aurora.test "),
                ("role", "partner"),
                ("partner_id", &partner_id),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let doc = html(app.get(&admin, "/admin/users").await).await;
    let flashes = select_texts(&doc, ".flash-success");
    assert!(
        flashes.iter().any(|f| f.contains("reception@aurora.test")),
        "{flashes:?}"
    );
    assert!(select_texts(&doc, "#users td").contains(&"reception@aurora.test".to_string()));
    // The invitee chooses the password from the e-mailed link.
    let visitor = app.client();
    let link = accounts::emailed_link(&app, "reception@aurora.test").await;
    let r = app
        .post_form(
            &visitor,
            &link,
            &link,
            &[
                ("new_password", "front desk passphrase"),
                ("confirm_password", "front desk passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .try_login(
            &app.client(),
            "reception@aurora.test",
            "front desk passphrase",
        )
        .await;
    assert_eq!(r.status(), 303);
    let created = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.created' AND actor = 'admin@demo.test'")
        .await;
    assert_eq!(created, 1);
}

async fn invalid_new_users_are_refused_with_errors_next_to_the_fields(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let before = app.count("SELECT COUNT(*) FROM users").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "not-an-email"),
                ("role", "partner"),
                ("partner_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let doc = html(r).await;
    assert_eq!(select_texts(&doc, "#email-error").len(), 1);
    assert_eq!(select_texts(&doc, "#partner-error").len(), 1);
    assert_eq!(
        select_attr(&doc, "#new-email", "value").as_deref(),
        Some("not-an-email"),
        "what was typed is kept"
    );
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "care@demo.test"),
                ("role", "partner_care"),
                ("partner_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        select_texts(&html(r).await, "#email-error").len(),
        1,
        "a taken e-mail is refused"
    );
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "x@demo.test"),
                ("role", "emperor"),
                ("partner_id", "99999"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
}

async fn a_disabled_user_cannot_log_in_and_loses_open_sessions(app: TestApp) {
    let sales = app.login("sales@demo.test").await;
    assert_eq!(app.get(&sales, "/sales/connections").await.status(), 200);
    let admin = app.login("admin@demo.test").await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = 'sales@demo.test'")
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app.get(&sales, "/sales/connections").await;
    assert_eq!(r.status(), 303, "the open session is gone");
    let r = app
        .try_login(&app.client(), "sales@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 401, "a disabled user cannot log in");
    let disabled = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.disabled'")
        .await;
    assert_eq!(disabled, 1);
    // The admin cannot disable themselves.
    let (admin_id,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'admin@demo.test'")
            .fetch_one(app.db.pool())
            .await
            .expect("admin");
    app.post_form(
        &admin,
        "/admin/users",
        &format!("/admin/users/{admin_id}/disable"),
        &[],
    )
    .await;
    assert_eq!(
        app.get(&admin, "/admin/users").await.status(),
        200,
        "still logged in"
    );
    // Enabling brings the account back.
    app.post_form(
        &admin,
        "/admin/users",
        &format!("/admin/users/{id}/enable"),
        &[],
    )
    .await;
    app.login("sales@demo.test").await;
    let r = app
        .post_form(&admin, "/admin/users", "/admin/users/424242/disable", &[])
        .await;
    assert_eq!(r.status(), 404, "an unknown user is not found");
}

async fn the_admin_adds_and_disables_partners(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let r = app
        .post_form(
            &admin,
            "/admin/partners",
            "/admin/partners",
            &[("name", "  Nové   Studio ")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let doc = html(app.get(&admin, "/admin/partners").await).await;
    assert!(select_texts(&doc, "#partners td").contains(&"Nové Studio".to_string()));
    let r = app
        .post_form(
            &admin,
            "/admin/partners",
            "/admin/partners",
            &[("name", "nové studio")],
        )
        .await;
    assert_eq!(
        r.status(),
        303,
        "names differing in case are distinct partners"
    );
    let r = app
        .post_form(
            &admin,
            "/admin/partners",
            "/admin/partners",
            &[("name", "Nové Studio")],
        )
        .await;
    assert_eq!(r.status(), 422, "a duplicate name is refused");
    assert_eq!(select_texts(&html(r).await, "#name-error").len(), 1);
    let r = app
        .post_form(
            &admin,
            "/admin/partners",
            "/admin/partners",
            &[("name", "   ")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM partners WHERE name = 'Nové Studio'")
        .fetch_one(app.db.pool())
        .await
        .expect("partner");
    let r = app
        .post_form(
            &admin,
            "/admin/partners",
            &format!("/admin/partners/{id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.count(&format!("SELECT disabled FROM partners WHERE id = {id}"))
            .await,
        1
    );
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action IN ('partner.created', 'partner.disabled') AND actor = 'admin@demo.test'")
        .await;
    assert_eq!(audited, 3);
}

async fn the_audit_chain_verifies_and_names_a_tampered_row(app: TestApp) {
    app.login("partner@demo.test").await;
    app.login("admin@demo.test").await;
    let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(rows > 5);
    assert_eq!(
        audit::verify(&app.db).await.expect("verify runs"),
        Verdict::Intact { rows }
    );
    let care = app.login("care@demo.test").await;
    let doc = html(app.get(&care, "/audit").await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("ok")
    );

    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3")
        .execute(app.db.pool())
        .await
        .expect("tamper");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(
        verdict.problems(),
        &[Problem::Altered { row: 3 }],
        "exactly the edited row"
    );
    let doc = html(app.get(&care, "/audit").await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("bad")
    );
}

/// `bookbridge audit verify` on the test's database, with its key file.
fn verify_command(app: &TestApp) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", app.database_url.as_str())
        .env("BOOKBRIDGE_KEY_FILE", common::key_file(&app.database_url))
        .env_remove("BOOKBRIDGE_CHECKPOINT_FILE")
        .output()
        .expect("the command runs")
}

async fn the_audit_command_exits_non_zero_on_a_broken_chain(app: TestApp) {
    app.login("partner@demo.test").await;
    let verify = || verify_command(&app);
    let ok = verify();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    // Removing the newest row is noticed too.
    let newest = app.count("SELECT MAX(id) FROM audit_log").await;
    sqlx::query(&format!("DELETE FROM audit_log WHERE id = {newest}"))
        .execute(app.db.pool())
        .await
        .expect("tamper");
    let broken = verify();
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains(&format!("row {newest}")), "{stderr}");
    // A bad database URL is a one-line reason, not a panic.
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .expect("the command runs");
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    // Production refuses to start without a key, saying which setting is missing.
    let keyless = std::process::Command::new(env!("CARGO_BIN_EXE_bookbridge"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", app.database_url.as_str())
        .env_remove("BOOKBRIDGE_KEY_FILE")
        .env_remove("RESERVIO_URL")
        .env_remove("TERMINO_URL")
        .output()
        .expect("the command runs");
    assert!(!keyless.status.success());
    let stderr = String::from_utf8_lossy(&keyless.stderr);
    assert!(stderr.contains("BOOKBRIDGE_KEY_FILE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

async fn security_headers_are_on_every_response(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    let htmx = client
        .get(app.url("/bookings"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    let responses = vec![
        app.get(&client, "/").await,
        app.get(&client, "/no-such-page").await,
        app.get(&client, "/admin/users").await,
        app.get(&client, "/static/app.css").await,
        app.get(&app.client(), "/login").await,
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

async fn sessions_end_after_thirty_idle_minutes(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    app.clock.advance(29 * 60);
    assert_eq!(
        app.get(&client, "/bookings").await.status(),
        200,
        "29 idle minutes are fine"
    );
    app.clock.advance(29 * 60);
    assert_eq!(
        app.get(&client, "/bookings").await.status(),
        200,
        "activity resets the timer"
    );
    app.clock.advance(31 * 60);
    let r = app.get(&client, "/bookings").await;
    assert_eq!(r.status(), 303, "31 idle minutes end the session");
}

async fn sessions_end_twelve_hours_after_login_however_active(app: TestApp) {
    let client = app.login("care@demo.test").await;
    for _ in 0..35 {
        app.clock.advance(20 * 60);
        assert_eq!(app.get(&client, "/care/mismatches").await.status(), 200);
    }
    app.clock.advance(20 * 60 + 1);
    assert_eq!(
        app.get(&client, "/care/mismatches").await.status(),
        303,
        "12 hours are over"
    );
}

async fn malformed_input_gets_a_clear_error_not_a_server_error(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let token = app.csrf(&admin, "/admin/users").await;
    // A body that is not a form at all, with a valid token in the header.
    let r = admin
        .post(app.url("/admin/users"))
        .header("x-csrf-token", &token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=%ZZ&&&role")
        .send()
        .await
        .expect("answer");
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = admin
        .post(app.url("/admin/users"))
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
        .delete(app.url("/admin/users"))
        .header("x-csrf-token", &token)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 405);
    let r = app
        .post_form(&admin, "/", "/language", &[("lang", "klingon")])
        .await;
    assert_eq!(r.status(), 400);
}

async fn restarting_the_demo_keeps_what_is_there(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    app.post_form(
        &admin,
        "/admin/partners",
        "/admin/partners",
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

/// The session store reads the user in the same query as the session: a change to the user
/// shows on the very next request, and the copy is never written back into the session.
async fn the_user_read_with_the_session_is_current_and_never_stored(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    // Two views, so the second one runs on a session loaded from the database.
    for _ in 0..2 {
        assert_eq!(app.get(&client, "/bookings").await.status(), 200);
    }
    sqlx::query("UPDATE users SET locale = 'cs' WHERE email = 'partner@demo.test'")
        .execute(app.db.pool())
        .await
        .expect("update");
    let page = app
        .get(&client, "/bookings")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("lang=\"cs\""),
        "the new language shows at once"
    );
    // A request that changes the session saves it, loaded user and all in memory.
    let switched = app
        .post_form(&client, "/", "/language", &[("lang", "pl"), ("next", "/")])
        .await;
    assert_eq!(switched.status(), 303);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT data FROM sessions")
        .fetch_all(app.db.pool())
        .await
        .expect("sessions");
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|(data,)| !data.contains("\"_user\"")),
        "the loaded user is never saved into a session: {stored:?}"
    );
    sqlx::query("UPDATE users SET disabled = 1 WHERE email = 'partner@demo.test'")
        .execute(app.db.pool())
        .await
        .expect("update");
    let refused = app.get(&client, "/bookings").await;
    assert_ne!(refused.status(), 200, "a disabled user is refused at once");
}

/// Every row, oldest first, as stored.
async fn audit_rows(app: &TestApp) -> Vec<Entry> {
    sqlx::query_as(
        "SELECT id, at, actor, actor_user_id, action, entity_type, entity_id, partner_id, \
         before_state, after_state, request_id, prev_hash, hash, key_id FROM audit_log ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("audit rows")
}

/// The unkeyed hash every row had before the chain was keyed: what anyone can compute.
fn unkeyed_hash(prev_hash: &str, e: &Entry) -> String {
    let content = serde_json::json!([
        e.id,
        e.at,
        e.actor,
        e.actor_user_id,
        e.action,
        e.entity_type,
        e.entity_id,
        e.partner_id,
        e.before_state,
        e.after_state,
        e.request_id,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// What someone with write access to the database (but not the key file) can do: rewrite the
/// rows from `from` on, each hash recomputed after the edit, and the head moved to match.
async fn rewrite_chain_from(app: &TestApp, from: i64, key_id: Option<&str>) {
    let rows = audit_rows(app).await;
    let mut prev = rows
        .iter()
        .find(|e| e.id == from - 1)
        .map(|e| e.hash.clone())
        .unwrap_or_else(|| audit::GENESIS_HASH.to_string());
    for mut e in rows.into_iter().filter(|e| e.id >= from) {
        if let Some(key_id) = key_id {
            e.key_id = key_id.to_string();
        }
        let hash = unkeyed_hash(&prev, &e);
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2, key_id = $3 WHERE id = $4")
            .bind(&prev)
            .bind(&hash)
            .bind(&e.key_id)
            .bind(e.id)
            .execute(app.db.pool())
            .await
            .expect("rewrite");
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(app.db.pool())
        .await
        .expect("move the head");
}

async fn rewriting_the_chain_without_the_key_is_caught_row_by_row(app: TestApp) {
    app.login("partner@demo.test").await;
    app.login("admin@demo.test").await;
    let care = app.login("care@demo.test").await;
    let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(rows > 5);
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3")
        .execute(app.db.pool())
        .await
        .expect("tamper");
    // Recomputing every hash after the edited row made the unkeyed chain whole again.
    rewrite_chain_from(&app, 3, None).await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(verdict.first_break(), Some(3), "{verdict:?}");
    let flagged: Vec<i64> = verdict.problems().iter().filter_map(Problem::row).collect();
    for row in 3..=rows {
        assert!(
            verdict.problems().contains(&Problem::Altered { row }),
            "row {row} is listed: {flagged:?}"
        );
    }
    assert!(!flagged.iter().any(|row| *row < 3), "{flagged:?}");

    // Passed off as rows from before the chain was keyed, they are caught too.
    rewrite_chain_from(&app, 3, Some("legacy")).await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    for row in 3..=rows {
        assert!(
            verdict
                .problems()
                .contains(&Problem::LegacyAfterKeyed { row }),
            "row {row} is listed: {verdict:?}"
        );
    }

    // The pages say so: the list names every problem, an entry's page says it comes after
    // the break, and an entry before the break does not.
    let doc = html(app.get(&care, "/audit").await).await;
    assert!(
        select_attr(&doc, "#chain-status", "class")
            .expect("status")
            .contains("bad")
    );
    assert!(select_texts(&doc, "#chain-problems li").len() as i64 >= rows - 2);
    let after = html(app.get(&care, &format!("/audit/{rows}")).await).await;
    assert_eq!(select_texts(&after, "#entry-after-break").len(), 1);
    let before = html(app.get(&care, "/audit/2").await).await;
    assert!(select_texts(&before, "#entry-after-break").is_empty());
}

async fn cutting_off_the_newest_rows_is_caught_by_the_signed_checkpoint(app: TestApp) {
    app.login("partner@demo.test").await;
    let checkpoint = audit::checkpoint::write(&app.db, app.clock.now(), "manual")
        .await
        .expect("checkpoint written")
        .expect("the test app has a checkpoint file");
    let signed = checkpoint.seq;
    app.login("admin@demo.test").await;
    let newest = app.count("SELECT MAX(id) FROM audit_log").await;
    assert!(newest > signed);
    // Cut the chain back to two rows before the checkpoint, and move the head to match:
    // what is left is a chain whose every link and MAC is right.
    let keep = signed - 2;
    let (kept_hash,): (String,) = sqlx::query_as("SELECT hash FROM audit_log WHERE id = $1")
        .bind(keep)
        .fetch_one(app.db.pool())
        .await
        .expect("kept row");
    sqlx::query("DELETE FROM audit_log WHERE id > $1")
        .bind(keep)
        .execute(app.db.pool())
        .await
        .expect("cut");
    sqlx::query("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1")
        .bind(keep)
        .bind(&kept_hash)
        .execute(app.db.pool())
        .await
        .expect("move the head back");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert_eq!(
        verdict.problems(),
        &[Problem::Missing {
            from: keep + 1,
            to: signed
        }],
        "the rows up to the checkpoint are reported missing"
    );
    let out = verify_command(&app);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("rows {} to {signed} are missing", keep + 1)),
        "{stderr}"
    );

    // New rows written over the cut take the old numbers, and differ from what was signed.
    app.login("care@demo.test").await;
    app.login("sales@demo.test").await;
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert!(
        verdict
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::DiffersFromCheckpoint { row, .. } if *row == signed)),
        "{verdict:?}"
    );

    // A checkpoint line forged to cover the cut does not verify.
    let path = app
        .db
        .checkpoint_file()
        .expect("checkpoint file")
        .to_path_buf();
    let mut forged = checkpoint.clone();
    forged.seq = keep;
    forged.hash = kept_hash;
    let mut text = std::fs::read_to_string(&path).expect("checkpoints");
    text.push_str(&serde_json::to_string(&forged).expect("json"));
    text.push('\n');
    std::fs::write(&path, text).expect("forge");
    let verdict = audit::verify(&app.db).await.expect("verify runs");
    assert!(
        verdict
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::BadCheckpoint { .. })),
        "{verdict:?}"
    );
}

async fn rows_written_before_the_chain_was_keyed_still_verify_and_cannot_be_imitated(app: TestApp) {
    // Start over as a database the unkeyed version wrote: its rows, its head, no checkpoints.
    sqlx::query("DELETE FROM audit_log")
        .execute(app.db.pool())
        .await
        .expect("reset");
    let _ = std::fs::remove_file(app.db.checkpoint_file().expect("checkpoint file"));
    let mut prev = audit::GENESIS_HASH.to_string();
    for id in 1..=3_i64 {
        let e = Entry {
            id,
            at: 1_700_000_000 + id,
            actor: "system".into(),
            actor_user_id: None,
            action: "partner.created".into(),
            entity_type: "partner".into(),
            entity_id: id.to_string(),
            partner_id: Some(id),
            before_state: None,
            after_state: Some(format!("{{\"n\":{id}}}")),
            request_id: None,
            prev_hash: prev.clone(),
            hash: String::new(),
            key_id: String::new(),
        };
        let hash = unkeyed_hash(&prev, &e);
        // Without key_id, as the old version wrote it: the column's default marks it legacy.
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, actor_user_id, action, entity_type, \
             entity_id, partner_id, before_state, after_state, request_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(e.id)
        .bind(e.at)
        .bind(&e.actor)
        .bind(e.actor_user_id)
        .bind(&e.action)
        .bind(&e.entity_type)
        .bind(&e.entity_id)
        .bind(e.partner_id)
        .bind(&e.before_state)
        .bind(&e.after_state)
        .bind(&e.request_id)
        .bind(&prev)
        .bind(&hash)
        .execute(app.db.pool())
        .await
        .expect("legacy row");
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET seq = 3, last_hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(app.db.pool())
        .await
        .expect("head");
    // The upgraded app starts (a checkpoint pins the legacy rows) and writes keyed rows.
    let upgraded = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("the upgraded app starts");
    drop(upgraded);
    app.login("partner@demo.test").await;
    let rows = audit_rows(&app).await;
    assert!(rows.len() > 3);
    assert!(rows[..3].iter().all(|e| e.key_id == "legacy"));
    assert!(rows[3..].iter().all(|e| e.key_id != "legacy"));
    assert_eq!(
        audit::verify(&app.db).await.expect("verify"),
        Verdict::Intact {
            rows: rows.len() as i64
        },
        "every row kept, the old ones verified as they were written"
    );
    // A keyed row cannot be passed off as an old one.
    rewrite_chain_from(&app, 4, Some("legacy")).await;
    let verdict = audit::verify(&app.db).await.expect("verify");
    assert!(
        verdict
            .problems()
            .contains(&Problem::LegacyAfterKeyed { row: 4 }),
        "{verdict:?}"
    );
    assert_eq!(verdict.first_break(), Some(4));
}
