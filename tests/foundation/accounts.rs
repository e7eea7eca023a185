//! Accounts: invitations, the user's own password and sessions, forgotten passwords and the
//! second factor — each on SQLite and on PostgreSQL, over HTTP.

use bookbridge::app::App;
use bookbridge::auth::second_factor::{self, StaffSecondFactor};
use bookbridge::db::emails;

use crate::common::{self, DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        an_invited_user_chooses_a_password_and_language_and_the_link_then_stops_working,
        an_invitation_link_expires_after_72_hours,
        a_resent_invitation_replaces_the_old_link_and_a_revoked_one_works_no_more,
        a_reset_for_an_unknown_address_gets_the_same_answer_and_queues_nothing,
        a_reset_link_works_once_signs_out_every_session_and_expires_after_30_minutes,
        reset_requests_are_throttled_like_logins,
        the_admin_sends_a_reset_link_without_seeing_it,
        changing_the_password_needs_the_current_one_and_signs_out_the_other_sessions,
        common_and_personal_passwords_are_refused_next_to_the_field,
        guessing_the_current_password_is_throttled,
        the_user_sets_language_and_time_zone_and_signs_out_other_sessions_one_or_all,
        staff_cannot_get_in_without_the_second_factor_when_it_is_required,
        wrong_codes_are_throttled_and_a_used_code_is_not_taken_twice,
        a_recovery_code_lets_the_user_in_once_only,
        a_partner_may_turn_on_the_second_factor_and_the_admin_may_reset_it,
    ]
}

/// The path of the newest link e-mailed to `recipient` (`/invitation/…` or
/// `/password/reset/…`).
pub async fn emailed_link(app: &TestApp, recipient: &str) -> String {
    let mails = emails::account_emails_to(&app.db, recipient)
        .await
        .expect("account e-mails");
    let (_, body, _) = mails.first().expect("an account e-mail was queued");
    let start = body
        .find("/invitation/")
        .or_else(|| body.find("/password/reset/"))
        .unwrap_or_else(|| panic!("a link in {body:?}"));
    body[start..]
        .split_whitespace()
        .next()
        .expect("the link")
        .to_string()
}

async fn partner_id(app: &TestApp) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM partners WHERE name = 'Salon Aurora'")
        .fetch_one(app.db.pool())
        .await
        .expect("demo partner");
    id.to_string()
}

async fn invite(app: &TestApp, admin: &reqwest::Client, email: &str) -> reqwest::Response {
    let partner = partner_id(app).await;
    app.post_form(
        admin,
        "/admin/users",
        "/admin/users",
        &[
            ("email", email),
            ("role", "partner"),
            ("partner_id", &partner),
        ],
    )
    .await
}

/// Posts the set-password form of `link` (GET first, for its CSRF token).
pub async fn set_password(
    app: &TestApp,
    client: &reqwest::Client,
    link: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let token = html(app.get(client, link).await).await;
    let token = select_attr(&token, "input[name=csrf_token]", "value").unwrap_or_default();
    let mut fields = vec![
        ("new_password", password),
        ("confirm_password", password),
        ("csrf_token", token.as_str()),
    ];
    fields.extend_from_slice(extra);
    client
        .post(app.url(link))
        .form(&fields)
        .send()
        .await
        .expect("post answers")
}

pub async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

async fn an_invited_user_chooses_a_password_and_language_and_the_link_then_stops_working(
    app: TestApp,
) {
    let admin = app.login("admin@demo.test").await;
    let doc = html(app.get(&admin, "/admin/users").await).await;
    assert!(
        select_attr(&doc, "input[name=password]", "type").is_none(),
        "the admin never types a password"
    );
    assert_eq!(
        invite(&app, &admin, "reception@aurora.test").await.status(),
        303
    );
    let doc = html(app.get(&admin, "/admin/users").await).await;
    assert!(!select_texts(&doc, "#users .badge.invited").is_empty());
    // Only the token's hash is stored, and the Outbox page never shows the message.
    let link = emailed_link(&app, "reception@aurora.test").await;
    let token = link.rsplit('/').next().expect("token");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
    let care = app.login("care@demo.test").await;
    let outbox = app.get(&care, "/outbox").await.text().await.expect("body");
    assert!(
        !outbox.contains(token),
        "the link is not on the Outbox page"
    );
    // The invitee cannot log in before choosing a password.
    let visitor = app.client();
    let r = app.try_login(&visitor, "reception@aurora.test", "").await;
    assert_eq!(r.status(), 401);

    let r = set_password(
        &app,
        &visitor,
        &link,
        "violet tram at dawn",
        &[("lang", "pl")],
    )
    .await;
    assert_eq!(r.status(), 303, "the password is set");
    let r = app
        .try_login(
            &app.client(),
            "reception@aurora.test",
            "violet tram at dawn",
        )
        .await;
    assert_eq!(r.status(), 303);
    let (locale,): (Option<String>,) =
        sqlx::query_as("SELECT locale FROM users WHERE email = 'reception@aurora.test'")
            .fetch_one(app.db.pool())
            .await
            .expect("user");
    assert_eq!(locale.as_deref(), Some("pl"));

    // Used once, the link is spent: the same answer as for an unknown one, nothing changes.
    let r = app.get(&app.client(), &link).await;
    assert_eq!(r.status(), 410);
    let r = set_password(&app, &app.client(), &link, "another fine passphrase", &[]).await;
    assert_eq!(r.status(), 410);
    let r = app
        .try_login(
            &app.client(),
            "reception@aurora.test",
            "another fine passphrase",
        )
        .await;
    assert_eq!(r.status(), 401);
    let created = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.created' AND actor = 'admin@demo.test'")
        .await;
    assert_eq!(created, 1);
    assert_eq!(audit_count(&app, "user.invitation_accepted").await, 1);
    let (_, body, _) = emails::account_emails_to(&app.db, "reception@aurora.test")
        .await
        .expect("mails")
        .remove(0);
    assert!(
        body.is_empty(),
        "the used link's e-mail keeps no copy of it"
    );
}

async fn an_invitation_link_expires_after_72_hours(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    assert_eq!(invite(&app, &admin, "late@aurora.test").await.status(), 303);
    let link = emailed_link(&app, "late@aurora.test").await;
    app.clock.advance(72 * 60 * 60 - 60);
    assert_eq!(app.get(&app.client(), &link).await.status(), 200);
    app.clock.advance(120);
    assert_eq!(app.get(&app.client(), &link).await.status(), 410);
    let r = set_password(&app, &app.client(), &link, "violet tram at dawn", &[]).await;
    assert_eq!(r.status(), 410);
    assert_eq!(audit_count(&app, "user.invitation_accepted").await, 0);
}

async fn a_resent_invitation_replaces_the_old_link_and_a_revoked_one_works_no_more(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    assert_eq!(
        invite(&app, &admin, "twice@aurora.test").await.status(),
        303
    );
    let first = emailed_link(&app, "twice@aurora.test").await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = 'twice@aurora.test'")
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/invitation/resend"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let second = emailed_link(&app, "twice@aurora.test").await;
    assert_ne!(first, second);
    assert_eq!(app.get(&app.client(), &first).await.status(), 410);
    assert_eq!(app.get(&app.client(), &second).await.status(), 200);
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/invitation/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&app.client(), &second).await.status(), 410);
    assert_eq!(audit_count(&app, "user.invitation_resent").await, 1);
    assert_eq!(audit_count(&app, "user.invitation_revoked").await, 1);
}

async fn request_reset(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    app.post_form(
        client,
        "/password/forgot",
        "/password/forgot",
        &[("email", email)],
    )
    .await
}

async fn a_reset_for_an_unknown_address_gets_the_same_answer_and_queues_nothing(app: TestApp) {
    let before = app.count("SELECT COUNT(*) FROM email_outbox").await;
    let unknown = request_reset(&app, &app.client(), "nobody@nowhere.test").await;
    let (status_unknown, doc_unknown) = (unknown.status(), html(unknown).await);
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, before);
    let known = request_reset(&app, &app.client(), "partner@demo.test").await;
    let (status_known, doc_known) = (known.status(), html(known).await);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox").await,
        before + 1
    );
    assert_eq!(status_unknown, 200);
    assert_eq!(status_unknown, status_known);
    assert_eq!(
        select_texts(&doc_unknown, "main"),
        select_texts(&doc_known, "main"),
        "the same page either way"
    );
    assert_eq!(
        audit_count(&app, "password_reset.requested_unknown").await,
        1
    );
    assert_eq!(audit_count(&app, "password_reset.requested").await, 1);
}

async fn a_reset_link_works_once_signs_out_every_session_and_expires_after_30_minutes(
    app: TestApp,
) {
    let signed_in = app.login("partner@demo.test").await;
    assert_eq!(app.get(&signed_in, "/bookings").await.status(), 200);
    assert_eq!(
        request_reset(&app, &app.client(), "partner@demo.test")
            .await
            .status(),
        200
    );
    let link = emailed_link(&app, "partner@demo.test").await;
    let r = set_password(&app, &app.client(), &link, "violet tram at dawn", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.get(&signed_in, "/bookings").await.status(),
        303,
        "every session ended"
    );
    let r = app
        .try_login(&app.client(), "partner@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(r.status(), 401, "the old password is gone");
    let r = app
        .try_login(&app.client(), "partner@demo.test", "violet tram at dawn")
        .await;
    assert_eq!(r.status(), 303);
    // Reused: refused.
    let r = set_password(&app, &app.client(), &link, "another fine passphrase", &[]).await;
    assert_eq!(r.status(), 410);
    assert_eq!(audit_count(&app, "user.password_reset").await, 1);
    // A newer link expires after 30 minutes.
    request_reset(&app, &app.client(), "partner@demo.test").await;
    let link = emailed_link(&app, "partner@demo.test").await;
    app.clock.advance(31 * 60);
    let r = set_password(&app, &app.client(), &link, "another fine passphrase", &[]).await;
    assert_eq!(r.status(), 410);
}

async fn reset_requests_are_throttled_like_logins(app: TestApp) {
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(
            request_reset(&app, &client, "partner@demo.test")
                .await
                .status(),
            200
        );
    }
    let r = request_reset(&app, &client, "partner@demo.test").await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM email_outbox WHERE recipient = 'partner@demo.test' \
             AND account_token_id IS NOT NULL"
        )
        .await,
        5
    );
    assert_eq!(audit_count(&app, "password_reset.throttled").await, 1);
}

async fn change_password(
    app: &TestApp,
    client: &reqwest::Client,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.post_form(
        client,
        "/account",
        "/account/password",
        &[
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", new),
        ],
    )
    .await
}

async fn changing_the_password_needs_the_current_one_and_signs_out_the_other_sessions(
    app: TestApp,
) {
    let here = app.login("partner@demo.test").await;
    let elsewhere = app.login("partner@demo.test").await;
    let r = change_password(&app, &here, "not my password", "violet tram at dawn").await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        select_texts(&html(r).await, "#current_password-error").len(),
        1
    );
    let r = change_password(&app, &here, DEMO_PASSWORD, "violet tram at dawn").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.get(&here, "/account").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.get(&elsewhere, "/account").await.status(),
        303,
        "the other session is signed out"
    );
    let r = app
        .try_login(&app.client(), "partner@demo.test", "violet tram at dawn")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(audit_count(&app, "user.password_changed").await, 1);
}

async fn common_and_personal_passwords_are_refused_next_to_the_field(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    for bad in ["password123", "partner-at-the-salon", "my bookbridge login"] {
        let r = change_password(&app, &client, DEMO_PASSWORD, bad).await;
        assert_eq!(r.status(), 422, "{bad}");
        let doc = html(r).await;
        assert_eq!(select_texts(&doc, "#new_password-error").len(), 1, "{bad}");
    }
    assert_eq!(audit_count(&app, "user.password_changed").await, 0);
}

async fn the_user_sets_language_and_time_zone_and_signs_out_other_sessions_one_or_all(
    app: TestApp,
) {
    let here = app.login("care@demo.test").await;
    let second = app.login("care@demo.test").await;
    let third = app.login("care@demo.test").await;
    let r = app
        .post_form(
            &here,
            "/account",
            "/account/preferences",
            &[("lang", "cs"), ("timezone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(select_texts(&html(r).await, "#timezone-error").len(), 1);
    let r = app
        .post_form(
            &here,
            "/account",
            "/account/preferences",
            &[("lang", "cs"), ("timezone", "Europe/Warsaw")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let doc = html(app.get(&here, "/account").await).await;
    assert_eq!(select_attr(&doc, "html", "lang").as_deref(), Some("cs"));
    assert_eq!(
        select_attr(&doc, "#pref-timezone", "value").as_deref(),
        Some("Europe/Warsaw")
    );
    // Three sessions listed; sign out one of the others.
    let rows = select_texts(&doc, "#sessions tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    let action = select_attr(&doc, "#sessions tbody tr:not(.current) form", "action")
        .expect("another session's sign-out");
    let r = app.post_form(&here, "/account", &action, &[]).await;
    assert_eq!(r.status(), 303);
    let alive = [
        app.get(&second, "/account").await.status() == 200,
        app.get(&third, "/account").await.status() == 200,
    ];
    assert_eq!(alive.iter().filter(|a| **a).count(), 1, "{alive:?}");
    let r = app
        .post_form(&here, "/account", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&second, "/account").await.status(), 303);
    assert_eq!(app.get(&third, "/account").await.status(), 303);
    assert_eq!(app.get(&here, "/account").await.status(), 200);
    assert_eq!(audit_count(&app, "user.preferences_changed").await, 1);
    assert_eq!(audit_count(&app, "user.session_ended").await, 1);
    assert_eq!(audit_count(&app, "user.other_sessions_ended").await, 1);
}

/// A second app on the same database and clock, with the second factor required for staff
/// (as under `serve`).
pub struct Strict {
    pub app: TestApp,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Strict {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn strict(app: &TestApp) -> Strict {
    let mut config = common::test_config(app.database_url.clone());
    config.staff_second_factor = StaffSecondFactor::Required;
    let built = App::build(config, app.clock.clone())
        .await
        .expect("a second app starts");
    let strict = TestApp {
        base: format!("http://127.0.0.1:{}", built.port()),
        db: built.state().db.clone(),
        clock: app.clock.clone(),
        backend: app.backend,
        database_url: app.database_url.clone(),
        sandbox: None,
        sync: None,
    };
    let server = tokio::spawn(built.run());
    Strict {
        app: strict,
        server,
    }
}

/// Logs in with the password and enrols (as staff must); returns the client and the secret.
pub async fn enrol_at_login(app: &TestApp, email: &str) -> (reqwest::Client, String) {
    let client = app.client();
    let r = app.try_login(&client, email, DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/login/second-factor")
    );
    let doc = html(app.get(&client, "/login/second-factor").await).await;
    assert!(
        !select_texts(&doc, "#enrol-qr svg").is_empty() || doc.html().contains("<svg"),
        "the QR code is drawn on the page"
    );
    let secret = select_texts(&doc, "#enrol-secret").remove(0);
    let code = second_factor::code_at(&secret, email, app.clock.now()).expect("code");
    let r = app
        .post_form(
            &client,
            "/login/second-factor",
            "/login/second-factor/enrol",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let doc = html(r).await;
    assert_eq!(select_texts(&doc, "#recovery-codes li").len(), 10);
    (client, secret)
}

pub async fn code_login(app: &TestApp, email: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let client = app.client();
    let r = app.try_login(&client, email, DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
    app.post_form(
        &client,
        "/login/second-factor",
        "/login/second-factor",
        fields,
    )
    .await
}

async fn staff_cannot_get_in_without_the_second_factor_when_it_is_required(app: TestApp) {
    let strict = strict(&app).await;
    let s = &strict.app;
    let client = s.client();
    let r = s.try_login(&client, "care@demo.test", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/login/second-factor")
    );
    let r = s.get(&client, "/care/mismatches").await;
    assert_eq!(r.status(), 303, "a password alone does not let staff in");
    // A wrong enrolment code does not either.
    let r = s
        .post_form(
            &client,
            "/login/second-factor",
            "/login/second-factor/enrol",
            &[("code", "000000")],
        )
        .await;
    assert_eq!(r.status(), 401);
    assert_eq!(s.get(&client, "/care/mismatches").await.status(), 303);
    // Partners need none.
    let partner = s.client();
    let r = s
        .try_login(&partner, "partner@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );
    // Enrolled, staff get in, and from then on need a code every time.
    let (client, secret) = enrol_at_login(s, "care@demo.test").await;
    assert_eq!(s.get(&client, "/care/mismatches").await.status(), 200);
    app.clock.advance(30);
    let r = code_login(s, "care@demo.test", &[("code", "")]).await;
    assert_eq!(r.status(), 401);
    let code = second_factor::code_at(&secret, "care@demo.test", app.clock.now()).expect("code");
    let r = code_login(s, "care@demo.test", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(audit_count(&app, "user.second_factor_enrolled").await, 1);
    // On the demo's settings too, an enrolled user needs the code.
    app.clock.advance(30);
    let client = app.client();
    let r = app
        .try_login(&client, "care@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/login/second-factor")
    );
}

async fn wrong_codes_are_throttled_and_a_used_code_is_not_taken_twice(app: TestApp) {
    let strict = strict(&app).await;
    let s = &strict.app;
    let (_, secret) = enrol_at_login(s, "sales@demo.test").await;
    // The enrolment's code is spent: the same code (same step) is refused.
    let code = second_factor::code_at(&secret, "sales@demo.test", app.clock.now()).expect("code");
    let r = code_login(s, "sales@demo.test", &[("code", &code)]).await;
    assert_eq!(r.status(), 401, "a code is good once");
    for _ in 0..4 {
        let r = code_login(s, "sales@demo.test", &[("code", "123456")]).await;
        assert_eq!(r.status(), 401);
    }
    app.clock.advance(30);
    let code = second_factor::code_at(&secret, "sales@demo.test", app.clock.now()).expect("code");
    let r = code_login(s, "sales@demo.test", &[("code", &code)]).await;
    assert_eq!(r.status(), 429, "five failures pause the second step");
    assert!(audit_count(&app, "login.second_factor_throttled").await >= 1);
    assert_eq!(audit_count(&app, "login.second_factor_failed").await, 5);
    // Once the failures age out, the right code works.
    app.clock.advance(15 * 60 + 30);
    let code = second_factor::code_at(&secret, "sales@demo.test", app.clock.now()).expect("code");
    let r = code_login(s, "sales@demo.test", &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
}

async fn a_recovery_code_lets_the_user_in_once_only(app: TestApp) {
    let strict = strict(&app).await;
    let s = &strict.app;
    let client = s.client();
    let r = s.try_login(&client, "admin@demo.test", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
    let doc = html(s.get(&client, "/login/second-factor").await).await;
    let secret = select_texts(&doc, "#enrol-secret").remove(0);
    let code = second_factor::code_at(&secret, "admin@demo.test", app.clock.now()).expect("code");
    let r = s
        .post_form(
            &client,
            "/login/second-factor",
            "/login/second-factor/enrol",
            &[("code", &code)],
        )
        .await;
    let codes = select_texts(&html(r).await, "#recovery-codes li");
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL")
            .await,
        10
    );
    for code in &codes {
        let stored = app
            .count(&format!(
                "SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE '%{}%'",
                code.replace('-', "")
            ))
            .await;
        assert_eq!(stored, 0, "stored hashed");
    }
    let typed = codes[3].to_uppercase();
    let r = code_login(s, "admin@demo.test", &[("recovery_code", &typed)]).await;
    assert_eq!(r.status(), 303);
    let r = code_login(s, "admin@demo.test", &[("recovery_code", &typed)]).await;
    assert_eq!(r.status(), 401, "a recovery code is good once");
    let r = code_login(s, "admin@demo.test", &[("recovery_code", &codes[4])]).await;
    assert_eq!(r.status(), 303);
}

async fn a_partner_may_turn_on_the_second_factor_and_the_admin_may_reset_it(app: TestApp) {
    let partner = app.login("partner@demo.test").await;
    let doc = html(app.get(&partner, "/account/second-factor").await).await;
    assert!(
        doc.html().contains("<svg"),
        "the QR code is drawn on our page"
    );
    let secret = select_texts(&doc, "#enrol-secret").remove(0);
    let r = app
        .post_form(
            &partner,
            "/account/second-factor",
            "/account/second-factor",
            &[("code", "999999")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let code = second_factor::code_at(&secret, "partner@demo.test", app.clock.now()).expect("code");
    let r = app
        .post_form(
            &partner,
            "/account/second-factor",
            "/account/second-factor",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(select_texts(&html(r).await, "#recovery-codes li").len(), 10);
    let doc = html(app.get(&partner, "/account").await).await;
    assert_eq!(select_texts(&doc, "#second-factor-on").len(), 1);
    // The phone is lost: the admin resets the factor, which signs the partner out.
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = 'partner@demo.test'")
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    let admin = app.login("admin@demo.test").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/second-factor/reset"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&partner, "/account").await.status(), 303);
    assert_eq!(audit_count(&app, "user.second_factor_reset").await, 1);
    let r = app
        .try_login(&app.client(), "partner@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/"),
        "no second step any more"
    );
}

async fn the_admin_sends_a_reset_link_without_seeing_it(app: TestApp) {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = 'sales@demo.test'")
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    let admin = app.login("admin@demo.test").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{id}/password-reset"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let link = emailed_link(&app, "sales@demo.test").await;
    let page = app
        .get(&admin, "/admin/users")
        .await
        .text()
        .await
        .expect("body");
    let token = link.rsplit('/').next().expect("token");
    assert!(!page.contains(token), "the admin never sees the link");
    let r = set_password(&app, &app.client(), &link, "violet tram at dawn", &[]).await;
    assert_eq!(r.status(), 303);
    let r = app
        .try_login(&app.client(), "sales@demo.test", "violet tram at dawn")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(audit_count(&app, "user.password_reset_sent").await, 1);
}

async fn guessing_the_current_password_is_throttled(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    for _ in 0..5 {
        let r = change_password(&app, &client, "a wrong guess", "violet tram at dawn").await;
        assert_eq!(r.status(), 422);
    }
    let r = change_password(&app, &client, DEMO_PASSWORD, "violet tram at dawn").await;
    assert_eq!(r.status(), 429, "even the right password waits");
    assert_eq!(
        select_texts(&html(r).await, "#current_password-error").len(),
        1
    );
    assert_eq!(audit_count(&app, "user.password_changed").await, 0);
    // Once the failures age out of the 15-minute window, the right password works.
    app.clock.advance(15 * 60 + 1);
    let r = change_password(&app, &client, DEMO_PASSWORD, "violet tram at dawn").await;
    assert_eq!(r.status(), 303);
}
