//! The admin's pages: inviting users (and refusing invalid ones), disabling them, partners.

use crate::common::{self, DEMO_PASSWORD, TestApp, html, select_attr, select_texts};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        the_admin_invites_a_user_who_can_then_log_in,
        invalid_new_users_are_refused_with_errors_next_to_the_fields,
        a_disabled_user_cannot_log_in_and_loses_open_sessions,
        the_admin_adds_and_disables_partners,
    ]
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
    let link = crate::accounts::emailed_link(&app, "reception@aurora.test").await;
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
