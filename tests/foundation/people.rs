//! Accounts, continued (issue 17): partner users inviting colleagues when the admin allows it,
//! the demo's mailbox, the notice that a password changed, second-factor secrets sealed at
//! rest, and a login audited as succeeded only after its second step — on both databases.

use bookbridge::app::App;
use bookbridge::auth::second_factor;

use crate::accounts::{
    audit_count, code_login, emailed_link, enrol_at_login, set_password, strict,
};
use crate::common::{self, DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_login_is_audited_as_succeeded_only_after_its_second_step,
        second_factor_secrets_are_sealed_at_rest_and_plain_ones_are_sealed_at_start,
        a_changed_or_reset_password_is_told_by_e_mail_in_the_users_language,
        setting_up_or_removing_a_second_factor_is_told_by_e_mail,
        a_partner_user_invites_colleagues_only_when_allowed_and_only_to_its_own_partner,
        the_demo_mailbox_lets_an_invitee_choose_a_password_and_log_in,
    ]
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("the user");
    id
}

async fn partner_of(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT partner_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("a partner user");
    id
}

/// How often `action` was audited about the user `email`.
async fn audited_about(app: &TestApp, action: &str, email: &str) -> i64 {
    let id = user_id(app, email).await;
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND entity_type = 'user' \
         AND entity_id = '{id}'"
    ))
    .await
}

async fn a_login_is_audited_as_succeeded_only_after_its_second_step(app: TestApp) {
    let strict = strict(&app).await;
    let s = &strict.app;
    const CARE: &str = "care@demo.test";
    // The password alone: a step, not a login.
    let client = s.client();
    let r = s.try_login(&client, CARE, DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(audited_about(&app, "login.password_ok", CARE).await, 1);
    assert_eq!(audited_about(&app, "login.succeeded", CARE).await, 0);
    // Enrolling completes that login.
    let (_, secret) = enrol_at_login(s, CARE).await;
    assert_eq!(audited_about(&app, "login.password_ok", CARE).await, 2);
    assert_eq!(audited_about(&app, "login.succeeded", CARE).await, 1);
    // A wrong code is no login; the right one is.
    app.clock.advance(30);
    let r = code_login(s, CARE, &[("code", "000000")]).await;
    assert_eq!(r.status(), 401);
    assert_eq!(audited_about(&app, "login.succeeded", CARE).await, 1);
    let code = second_factor::code_at(&secret, CARE, app.clock.now()).expect("code");
    let r = code_login(s, CARE, &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(audited_about(&app, "login.succeeded", CARE).await, 2);
    assert_eq!(audited_about(&app, "login.password_ok", CARE).await, 4);
    // Without a second factor the password is the whole login.
    app.login("partner@demo.test").await;
    assert_eq!(
        audited_about(&app, "login.succeeded", "partner@demo.test").await,
        1
    );
    assert_eq!(
        audited_about(&app, "login.password_ok", "partner@demo.test").await,
        0
    );
}

async fn stored_secret(app: &TestApp, email: &str) -> String {
    let (secret,): (Option<String>,) =
        sqlx::query_as("SELECT totp_secret FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .expect("the user");
    secret.expect("a second factor")
}

async fn second_factor_secrets_are_sealed_at_rest_and_plain_ones_are_sealed_at_start(app: TestApp) {
    let strict_app = strict(&app).await;
    let s = &strict_app.app;
    let (_, secret) = enrol_at_login(s, "sales@demo.test").await;
    let stored = stored_secret(&app, "sales@demo.test").await;
    assert!(stored.starts_with("sealed1:"), "{stored}");
    assert!(
        !stored.contains(&secret),
        "the secret is not readable at rest"
    );

    // A secret enrolled before sealing (plain text) keeps working and is sealed at the next
    // start, audited once.
    let plain = second_factor::new_secret();
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE email = $2")
        .bind(&plain)
        .bind("admin@demo.test")
        .execute(app.db.pool())
        .await
        .expect("an old enrolment");
    drop(strict_app);
    let restarted = strict(&app).await;
    let s = &restarted.app;
    let stored = stored_secret(&app, "admin@demo.test").await;
    assert!(stored.starts_with("sealed1:"), "{stored}");
    assert!(!stored.contains(&plain));
    assert_eq!(audit_count(&app, "user.second_factor_sealed").await, 1);
    app.clock.advance(30);
    let code = second_factor::code_at(&plain, "admin@demo.test", app.clock.now()).expect("code");
    let r = code_login(s, "admin@demo.test", &[("code", &code)]).await;
    assert_eq!(
        r.status(),
        303,
        "the sealed secret still gives the same codes"
    );
    // Sealing again changes nothing.
    drop(restarted);
    let _again = strict(&app).await;
    assert_eq!(audit_count(&app, "user.second_factor_sealed").await, 1);
}

/// The account notices (no link) queued for `recipient`: (subject, body).
async fn notices_to(app: &TestApp, recipient: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT subject, body FROM email_outbox WHERE recipient = $1 AND account_email = 1 \
         AND account_token_id IS NULL ORDER BY id",
    )
    .bind(recipient)
    .fetch_all(app.db.pool())
    .await
    .expect("notices")
}

async fn a_changed_or_reset_password_is_told_by_e_mail_in_the_users_language(app: TestApp) {
    const PARTNER: &str = "partner@demo.test";
    sqlx::query("UPDATE users SET locale = 'pl', timezone = 'Europe/London' WHERE email = $1")
        .bind(PARTNER)
        .execute(app.db.pool())
        .await
        .expect("the user's own language");
    let partner = app.login(PARTNER).await;
    let new = "violet tram at dawn";
    let r = app
        .post_form(
            &partner,
            "/account",
            "/account/password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let notices = notices_to(&app, PARTNER).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    let (subject, body) = &notices[0];
    assert_eq!(
        subject,
        &bookbridge::i18n::text(bookbridge::i18n::Lang::Pl, "mail-subject-password-changed")
    );
    let when = bookbridge::i18n::format::format_datetime(
        bookbridge::i18n::Lang::Pl,
        app.clock.now(),
        &bookbridge::i18n::format::time_zone("Europe/London"),
    );
    assert!(body.contains(&when), "on the user's clock: {body}");
    assert!(
        body.contains("/password/forgot"),
        "where to go if it was not them: {body}"
    );
    // The partners' Outbox never lists it.
    let outbox = app
        .get(&partner, "/outbox")
        .await
        .text()
        .await
        .expect("body");
    assert!(!outbox.contains(subject.as_str()));

    // A reset through a link is told too.
    let visitor = app.client();
    let r = app
        .post_form(
            &visitor,
            "/password/forgot",
            "/password/forgot",
            &[("email", "partner2@demo.test")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(notices_to(&app, "partner2@demo.test").await.is_empty());
    let link = emailed_link(&app, "partner2@demo.test").await;
    let r = set_password(&app, &app.client(), &link, "quiet harbour lanterns", &[]).await;
    assert_eq!(r.status(), 303);
    let notices = notices_to(&app, "partner2@demo.test").await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].0, "Your bookbridge password was changed");
}

async fn setting_up_or_removing_a_second_factor_is_told_by_e_mail(app: TestApp) {
    const PARTNER: &str = "partner@demo.test";
    let partner = app.login(PARTNER).await;
    let doc = html(app.get(&partner, "/account/second-factor").await).await;
    let secret = select_texts(&doc, "#enrol-secret").remove(0);
    let code = second_factor::code_at(&secret, PARTNER, app.clock.now()).expect("code");
    let r = app
        .post_form(
            &partner,
            "/account/second-factor",
            "/account/second-factor",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let subjects = |notices: Vec<(String, String)>| -> Vec<String> {
        notices.into_iter().map(|(subject, _)| subject).collect()
    };
    assert_eq!(
        subjects(notices_to(&app, PARTNER).await),
        ["A second factor was set up for your bookbridge account"]
    );
    let id = user_id(&app, PARTNER).await;
    let admin = app.login("admin@demo.test").await;
    let reset = format!("/admin/users/{id}/second-factor/reset");
    let r = app.post_form(&admin, "/admin/users", &reset, &[]).await;
    assert_eq!(r.status(), 303);
    let notices = notices_to(&app, PARTNER).await;
    assert_eq!(notices.len(), 2);
    assert_eq!(
        notices[1].0,
        "The second factor of your bookbridge account was removed"
    );
    assert!(
        notices[1].1.contains("/password/forgot"),
        "{}",
        notices[1].1
    );
    // Resetting a user who has none tells them nothing.
    let r = app.post_form(&admin, "/admin/users", &reset, &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(notices_to(&app, PARTNER).await.len(), 2);
}

async fn allow_colleague_invitations(
    app: &TestApp,
    admin: &reqwest::Client,
    partner: i64,
    on: bool,
) {
    let r = app
        .post_form(
            admin,
            "/admin/partners",
            &format!("/admin/partners/{partner}/colleague-invitations"),
            &[("allow", if on { "1" } else { "0" })],
        )
        .await;
    assert_eq!(r.status(), 303);
}

async fn a_partner_user_invites_colleagues_only_when_allowed_and_only_to_its_own_partner(
    app: TestApp,
) {
    const PARTNER: &str = "partner@demo.test";
    const OTHER: &str = "partner2@demo.test";
    const COLLEAGUE: &str = "reception@aurora.test";
    let aurora = partner_of(&app, PARTNER).await;
    let other_partner = partner_of(&app, OTHER).await;
    assert_ne!(aurora, other_partner);
    let partner = app.login(PARTNER).await;

    // Off by default: the page says whom to ask, and inviting is refused.
    let doc = html(app.get(&partner, "/team").await).await;
    assert_eq!(select_texts(&doc, "#team td.email").len(), 1);
    assert!(!select_texts(&doc, "#team-invite-off").is_empty());
    assert!(select_attr(&doc, "#team-invite form", "action").is_none());
    let r = app
        .post_form(&partner, "/team", "/team", &[("email", COLLEAGUE)])
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE email = '{COLLEAGUE}'"
        ))
        .await,
        0
    );

    // The admin allows it, audited with what it was before.
    let admin = app.login("admin@demo.test").await;
    allow_colleague_invitations(&app, &admin, aurora, true).await;
    assert_eq!(
        audit_count(&app, "partner.colleague_invitations_changed").await,
        1
    );
    // The partner reads Czech: so does the invitation, whoever sends it.
    sqlx::query("UPDATE partners SET locale = 'cs' WHERE id = $1")
        .bind(aurora)
        .execute(app.db.pool())
        .await
        .expect("partner language");
    let r = app
        .post_form(&partner, "/team", "/team", &[("email", COLLEAGUE)])
        .await;
    assert_eq!(r.status(), 303);
    let (role, partner_id): (String, Option<i64>) =
        sqlx::query_as("SELECT role, partner_id FROM users WHERE email = $1")
            .bind(COLLEAGUE)
            .fetch_one(app.db.pool())
            .await
            .expect("the colleague");
    assert_eq!((role.as_str(), partner_id), ("partner", Some(aurora)));
    let (subject,): (String,) = sqlx::query_as(
        "SELECT subject FROM email_outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(COLLEAGUE)
    .fetch_one(app.db.pool())
    .await
    .expect("an invitation");
    assert_eq!(
        subject,
        bookbridge::i18n::text(bookbridge::i18n::Lang::Cs, "mail-subject-invitation")
    );
    assert_eq!(audited_about(&app, "user.created", COLLEAGUE).await, 1);
    // A second invitation of the same address is refused next to the field.
    let r = app
        .post_form(&partner, "/team", "/team", &[("email", COLLEAGUE)])
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_form(&partner, "/team", "/team", &[("email", "not-an-address")])
        .await;
    assert_eq!(r.status(), 422);

    // Resend replaces the link; the colleague is listed as invited.
    let colleague = user_id(&app, COLLEAGUE).await;
    let first = emailed_link(&app, COLLEAGUE).await;
    let doc = html(app.get(&partner, "/team").await).await;
    let row = format!("#team tr[data-user-id='{colleague}']");
    assert_eq!(
        select_texts(&doc, &format!("{row} .badge.invited")).len(),
        1
    );
    let r = app
        .post_form(
            &partner,
            "/team",
            &format!("/team/{colleague}/invitation/resend"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let second = emailed_link(&app, COLLEAGUE).await;
    assert_ne!(first, second);
    assert_eq!(app.get(&app.client(), &first).await.status(), 410);
    assert_eq!(
        audited_about(&app, "user.invitation_resent", COLLEAGUE).await,
        1
    );

    // Another partner's user: not listed, not found — even when its partner allows invitations.
    allow_colleague_invitations(&app, &admin, other_partner, true).await;
    let other = app.login(OTHER).await;
    let doc = html(app.get(&other, "/team").await).await;
    assert!(!select_texts(&doc, "#team td.email").contains(&COLLEAGUE.to_string()));
    for action in ["resend", "revoke"] {
        let r = app
            .post_form(
                &other,
                "/team",
                &format!("/team/{colleague}/invitation/{action}"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 404, "{action}");
    }
    // Nor is a staff user, or a colleague who already chose a password.
    for id in [
        user_id(&app, "care@demo.test").await,
        user_id(&app, PARTNER).await,
    ] {
        let r = app
            .post_form(
                &partner,
                "/team",
                &format!("/team/{id}/invitation/resend"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 404);
    }
    assert_eq!(app.get(&app.client(), &second).await.status(), 200);

    // Revoked, the link works no more.
    let r = app
        .post_form(
            &partner,
            "/team",
            &format!("/team/{colleague}/invitation/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&app.client(), &second).await.status(), 410);
    assert_eq!(
        audited_about(&app, "user.invitation_revoked", COLLEAGUE).await,
        1
    );

    // Turned off again: every action is refused.
    allow_colleague_invitations(&app, &admin, aurora, false).await;
    let r = app
        .post_form(
            &partner,
            "/team",
            &format!("/team/{colleague}/invitation/resend"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        audit_count(&app, "partner.colleague_invitations_changed").await,
        3
    );
    // Staff have no colleagues page.
    let care = app.login("care@demo.test").await;
    assert_eq!(app.get(&care, "/team").await.status(), 403);
}

async fn the_demo_mailbox_lets_an_invitee_choose_a_password_and_log_in(app: TestApp) {
    const NEWCOMER: &str = "newcomer@aurora.test";
    let admin = app.login("admin@demo.test").await;
    let doc = html(app.get(&admin, "/").await).await;
    assert_eq!(
        select_attr(&doc, "header nav a[href='/admin/mailbox']", "href").as_deref(),
        Some("/admin/mailbox"),
        "the admin finds the mailbox in the navigation"
    );
    let aurora = partner_of(&app, "partner@demo.test").await.to_string();
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", NEWCOMER),
                ("role", "partner"),
                ("partner_id", &aurora),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let doc = html(app.get(&admin, "/admin/mailbox").await).await;
    assert_eq!(select_texts(&doc, "#mailbox .recipient"), [NEWCOMER]);
    let href = select_attr(&doc, "#mailbox a.open-link", "href").expect("the link");
    assert!(href.starts_with(&app.base), "{href}");
    let path = href[app.base.len()..].to_string();
    assert!(path.starts_with("/invitation/"), "{path}");
    // Only admins read it.
    let care = app.login("care@demo.test").await;
    assert_eq!(app.get(&care, "/admin/mailbox").await.status(), 403);
    let partner = app.login("partner@demo.test").await;
    assert_eq!(app.get(&partner, "/admin/mailbox").await.status(), 403);

    // The newcomer opens the link, chooses a password and logs in.
    let newcomer = app.client();
    let r = set_password(
        &app,
        &newcomer,
        &path,
        "copper kettle sings",
        &[("lang", "en")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = app
        .try_login(&newcomer, NEWCOMER, "copper kettle sings")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get(&newcomer, "/bookings").await.status(), 200);
    // A used link is gone from the mailbox.
    let doc = html(app.get(&admin, "/admin/mailbox").await).await;
    assert!(select_texts(&doc, "#mailbox .recipient").is_empty());

    // Outside the demo there is no mailbox: no admin sees another person's link.
    let mut config = common::test_config(app.database_url.clone());
    config.demo = None;
    let built = App::build(config, app.clock.clone())
        .await
        .expect("an app outside the demo starts");
    let plain = TestApp {
        base: format!("http://127.0.0.1:{}", built.port()),
        db: built.state().db.clone(),
        clock: app.clock.clone(),
        backend: app.backend,
        database_url: app.database_url.clone(),
        sandbox: None,
        sync: None,
    };
    let server = tokio::spawn(built.run());
    let admin = plain.login("admin@demo.test").await;
    assert_eq!(plain.get(&admin, "/admin/mailbox").await.status(), 404);
    let doc = html(plain.get(&admin, "/").await).await;
    assert!(select_attr(&doc, "header nav a[href='/admin/mailbox']", "href").is_none());
    server.abort();
}
