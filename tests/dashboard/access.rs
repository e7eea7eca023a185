//! Who may reach what: each role is refused the other roles' pages and forms (403), anonymous
//! visitors go to the login page, and a state-changing request without the CSRF token is
//! refused and changes nothing.

use crate::common::{self, TestApp};
use crate::synced::{mismatches_in_state, settle};
use crate::tests;
use bookbridge::web::paths;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        each_role_is_refused_the_dashboard_pages_of_the_other_roles,
        posts_without_the_csrf_token_are_refused_and_change_nothing,
    ]
}

/// Each page and the one role that may open it.
const PAGES: [(&str, &str); 6] = [
    (paths::CARE_MISMATCHES, "care@demo.test"),
    (paths::CARE_CASES, "care@demo.test"),
    ("/care/mismatches/1", "care@demo.test"),
    (paths::SALES_CONNECTIONS, "sales@demo.test"),
    ("/sales/connections/1", "sales@demo.test"),
    (paths::CONNECTION, "partner@demo.test"),
];

/// Each form and the role that may post it.
const FORMS: [(&str, &str); 9] = [
    ("/care/mismatches/1/assign", "care@demo.test"),
    ("/care/mismatches/1/resolve", "care@demo.test"),
    (paths::CARE_MISMATCHES_BULK, "care@demo.test"),
    ("/care/cases/1/resolve", "care@demo.test"),
    ("/sales/connections/1/mapping", "sales@demo.test"),
    ("/sales/connections/1/confirm", "sales@demo.test"),
    (paths::CONNECTION, "partner@demo.test"),
    ("/connection/1/go-live", "partner@demo.test"),
    ("/cases/1/notes", "partner@demo.test"),
];

async fn each_role_is_refused_the_dashboard_pages_of_the_other_roles(app: TestApp) {
    settle(&app).await;
    let users = [
        "partner@demo.test",
        "care@demo.test",
        "sales@demo.test",
        "admin@demo.test",
    ];
    for who in users {
        let client = app.login(who).await;
        for (path, owner) in PAGES {
            let status = app.get(&client, path).await.status();
            if owner == who {
                assert_eq!(status, 200, "{who} opens {path}");
            } else {
                assert_eq!(status, 403, "{who} is refused {path}");
            }
        }
        for (path, owner) in FORMS {
            if owner == who {
                continue;
            }
            let r = app.post_form(&client, "/", path, &[("note", "x")]).await;
            assert_eq!(r.status(), 403, "{who} may not post {path}");
        }
    }
    let anonymous = app.client();
    for (path, _) in PAGES {
        let r = app.get(&anonymous, path).await;
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(r.headers()["location"], paths::LOGIN);
    }
    assert!(
        mismatches_in_state(&app, "resolved")
            .await
            .iter()
            .all(|id| *id != 1),
        "no refused post changed mismatch 1"
    );
}

/// Who posts, where, and which fields.
type Attempt = (&'static str, String, Vec<(&'static str, String)>);

async fn posts_without_the_csrf_token_are_refused_and_change_nothing(app: TestApp) {
    settle(&app).await;
    let open = mismatches_in_state(&app, "open").await;
    let id = open[0];
    let audit_rows = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM audit_log WHERE action NOT LIKE 'login.%' \
                 AND actor <> 'sync'",
            )
            .fetch_one(db.pool())
            .await
            .expect("count");
            n
        }
    };
    let before = audit_rows(&app).await;
    let attempts: [Attempt; 7] = [
        ("care@demo.test", paths::care_mismatch_assign(id), vec![]),
        (
            "care@demo.test",
            paths::care_mismatch_acknowledge(id),
            vec![],
        ),
        (
            "care@demo.test",
            paths::care_mismatch_resolve(id),
            vec![("note", "sneaky".into())],
        ),
        (
            "care@demo.test",
            paths::CARE_MISMATCHES_BULK.into(),
            vec![("action", "acknowledge".into()), ("ids", id.to_string())],
        ),
        (
            "partner@demo.test",
            paths::CONNECTION_SANDBOX.into(),
            vec![],
        ),
        (
            "partner@demo.test",
            paths::CONNECTION.into(),
            vec![
                ("reservio_business_id", "biz".into()),
                ("reservio_token", "t".into()),
            ],
        ),
        (
            "sales@demo.test",
            "/sales/connections/1/confirm".into(),
            vec![],
        ),
    ];
    for (who, path, fields) in attempts {
        let client = app.login(who).await;
        // No token at all, and a wrong one in the htmx header.
        let r = client
            .post(app.url(&path))
            .form(&fields)
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status(), 403, "{path} without a token");
        let r = client
            .post(app.url(&path))
            .header("hx-request", "true")
            .header("x-csrf-token", "0".repeat(64))
            .form(&fields)
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status(), 403, "{path} with a wrong token");
    }
    assert_eq!(mismatches_in_state(&app, "open").await, open);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections WHERE state = 'requested'")
            .await,
        0
    );
    assert_eq!(audit_rows(&app).await, before, "nothing was audited either");
}
