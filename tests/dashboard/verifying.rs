//! A connection under verification over HTTP: steps out of order are refused, a reported
//! problem opens a Partner Care case while the connection stays in verification, and a partner
//! never reaches another partner's connection or case.

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::onboarding::{PARTNER, SALES, map, request, state_of};
use crate::synced::{audited, page};
use crate::tests;
use bookbridge::web::paths;

const OTHER_PARTNER: &str = "partner2@demo.test";

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        steps_out_of_order_are_refused,
        reporting_a_problem_opens_a_case_and_keeps_the_connection_in_verification,
        a_partner_never_reaches_another_partners_connection_or_case,
    ]
}

async fn steps_out_of_order_are_refused(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, _) = request(&app, &partner).await;
    let sales = app.login(SALES).await;
    // Not mapped yet: no confirmation; not verifying: no going live, no problem report.
    let r = app
        .post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    assert_eq!(r.status(), 409);
    assert!(select_texts(&html(r).await, ".form-error")[0].contains("moved on"));
    let r = app
        .post_form(&partner, "/", &paths::connection_go_live(id), &[])
        .await;
    assert_eq!(r.status(), 409);
    map(&app, &sales, id).await;
    app.post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    let r = app
        .post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    assert_eq!(r.status(), 409, "confirmed twice");
    let r = app
        .post_form(&sales, "/", &paths::sales_connection_mapping(id), &[])
        .await;
    assert_eq!(
        r.status(),
        409,
        "the mapping is fixed while the partner verifies"
    );
    app.post_form(&partner, "/", &paths::connection_go_live(id), &[])
        .await;
    let r = app
        .post_form(&partner, "/", &paths::connection_go_live(id), &[])
        .await;
    assert_eq!(r.status(), 409, "live twice");
    assert_eq!(
        audited(&app, "connection.confirmed", "connection", id).await,
        1
    );
    assert_eq!(
        audited(&app, "connection.went_live", "connection", id).await,
        1
    );
}

async fn reporting_a_problem_opens_a_case_and_keeps_the_connection_in_verification(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, code) = request(&app, &partner).await;
    let sales = app.login(SALES).await;
    map(&app, &sales, id).await;
    app.post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    let problem = paths::connection_problem(id);
    let r = app
        .post_form(&partner, "/", &problem, &[("description", "")])
        .await;
    assert_eq!(r.status(), 422);
    let doc = html(r).await;
    assert_eq!(
        select_texts(&doc, &format!("#problem-{id}-error")),
        ["Write a few words; this field cannot be empty."]
    );
    let text = "The beard trim vouchers do not show up in my calendar.";
    let r = app
        .post_form(&partner, "/", &problem, &[("description", text)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&app, id).await, "verifying");
    let (case_id, kind, reason): (i64, String, String) =
        sqlx::query_as("SELECT id, kind, reason FROM cases WHERE connection_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("a case");
    assert_eq!(
        (kind.as_str(), reason.as_str()),
        ("connection_problem", text)
    );
    assert_eq!(audited(&app, "case.opened", "case", case_id).await, 1);
    assert_eq!(
        audited(&app, "connection.problem_reported", "connection", id).await,
        1
    );
    let doc = page(&app, &partner, paths::CONNECTION).await;
    assert!(
        select_attr(&doc, &format!("a[href='/cases/{case_id}']"), "href").is_some(),
        "the partner's page links its case"
    );
    // The sales rep sees it among the problems, with the partner's words, and reopens mapping.
    let lists = page(&app, &sales, paths::SALES_CONNECTIONS).await;
    assert!(select_texts(&lists, "#list-problems td").contains(&code));
    let doc = page(&app, &sales, &paths::sales_connection(id)).await;
    assert!(select_texts(&doc, "#problem-list").join(" ").contains(text));
    let r = app
        .post_form(&sales, "/", &format!("/sales/connections/{id}/reopen"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&app, id).await, "mapped");
    assert_eq!(
        audited(&app, "connection.mapping_reopened", "connection", id).await,
        1
    );
}

async fn a_partner_never_reaches_another_partners_connection_or_case(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, code) = request(&app, &partner).await;
    let sales = app.login(SALES).await;
    map(&app, &sales, id).await;
    app.post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    let secret = "Only Salon Aurora may read this report.";
    app.post_form(
        &partner,
        "/",
        &paths::connection_problem(id),
        &[("description", secret)],
    )
    .await;
    let (case_id,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE connection_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("case");

    let other = app.login(OTHER_PARTNER).await;
    for path in [paths::connection_report(id), paths::partner_case(case_id)] {
        let r = app.get(&other, &path).await;
        assert_eq!(r.status(), 404, "{path}");
        let body = r.text().await.expect("body");
        assert!(
            !body.contains(&code) && !body.contains(secret),
            "{path} leaks"
        );
    }
    for path in [
        paths::connection_go_live(id),
        paths::connection_problem(id),
        paths::partner_case_note(case_id),
    ] {
        let r = app
            .post_form(&other, "/", &path, &[("description", "x"), ("body", "x")])
            .await;
        assert_eq!(r.status(), 404, "{path}");
    }
    let doc = page(&app, &other, paths::CONNECTION).await;
    assert!(!doc.html().contains(&code));
    assert_eq!(state_of(&app, id).await, "verifying");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_notes").await,
        0,
        "nothing was added"
    );
}
