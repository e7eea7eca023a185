//! The partner's pages over HTTP, with a sandbox world synced into the database: the
//! boundaries between roles and partners here, the list in `partner_list.rs`, the booking
//! detail, the export and the home page in `partner_pages.rs`; shared helpers below.

use bookbridge::sandbox::world::DemoPartner;
use bookbridge::sync::sync_all;
use bookbridge::web::paths;
use scraper::Html;

use crate::common::{self, TestApp, html, select_texts};
use crate::tests;

pub(crate) const PARTNER: &str = "partner@demo.test";
pub(crate) const OTHER_PARTNER: &str = "partner2@demo.test";

/// Every test of the partner's pages, for the binary's list.
pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    let mut all = tests![
        other_roles_are_refused_the_partner_pages,
        a_partner_never_sees_another_partners_bookings,
        unknown_booking_ids_are_not_found,
        malformed_filters_get_a_clear_400_page,
    ];
    all.extend(crate::partner_list::tests());
    all.extend(crate::partner_pages::tests());
    all
}

/// The first demo partner (Salon Aurora, `partner@demo.test`) in the sandbox.
pub(crate) fn first_partner(app: &TestApp) -> DemoPartner {
    app.sandbox
        .as_ref()
        .expect("the dashboard tests start the sandbox")
        .partners()
        .into_iter()
        .next()
        .expect("a demo partner is connected")
}

/// Runs the sync engine until pulls, links and pushes have settled.
pub(crate) async fn settle(app: &TestApp) {
    let ctx = app.sync.as_ref().expect("sync is configured");
    for _ in 0..3 {
        sync_all(ctx).await.expect("a sync round runs");
    }
}

pub(crate) async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> Html {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), 200, "{path}");
    html(response).await
}

/// The voucher codes of the listed rows, in order.
pub(crate) fn listed(doc: &Html) -> Vec<String> {
    select_texts(doc, "#bookings-table tr.link-row th.booking a.open")
}

/// The id of the current link carrying `voucher`.
pub(crate) async fn link_of(app: &TestApp, voucher: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT id FROM booking_links WHERE voucher_code = $1 AND superseded_by IS NULL",
    )
    .bind(voucher)
    .fetch_one(app.db.pool())
    .await
    .expect("a link for the voucher");
    id
}

pub(crate) async fn partner_id(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT partner_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("a partner user");
    id
}

/// The seeded appointment with index `n` (see the sandbox world: n % 40 == 3 starts with
/// its voucher cancelled, 7 rejected, 11 pending, 15 on another service).
pub(crate) fn voucher(partner: &DemoPartner, n: usize) -> String {
    partner.appointments[n].2.clone()
}

async fn other_roles_are_refused_the_partner_pages(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let id = link_of(&app, &voucher(&w, 0)).await;
    for email in ["care@demo.test", "sales@demo.test", "admin@demo.test"] {
        let client = app.login(email).await;
        // Partner Care opens one booking to act for its partner, never the partner's list.
        let detail = (email != "care@demo.test").then(|| paths::booking(id));
        for path in [paths::BOOKINGS.to_string(), paths::BOOKINGS_CSV.to_string()]
            .into_iter()
            .chain(detail)
        {
            let response = app.get(&client, &path).await;
            assert_eq!(response.status(), 403, "{email} {path}");
            let body = response.text().await.expect("body");
            assert!(
                !body.contains(&voucher(&w, 0)),
                "{email} {path} shows no booking data"
            );
        }
    }
    let anonymous = app.get(&app.client(), paths::BOOKINGS).await;
    assert_eq!(anonymous.status(), 303, "to the login page");
}

async fn a_partner_never_sees_another_partners_bookings(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let code = voucher(&w, 0);
    let id = link_of(&app, &code).await;
    let (name,): (String,) = sqlx::query_as(
        "SELECT customer_name FROM external_bookings WHERE voucher_code = $1 AND system = 'termino'",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("snapshot");
    let other = app.login(OTHER_PARTNER).await;
    let response = app.get(&other, &paths::booking(id)).await;
    assert_eq!(
        response.status(),
        404,
        "another partner's link does not exist for them"
    );
    let body = response.text().await.expect("body");
    assert!(!body.contains(&code) && !body.contains(&name));
    let own = listed(&page(&app, &other, "/bookings?from=").await);
    assert!(!own.is_empty(), "partner two has its own bookings");
    assert!(!own.contains(&code));
    let search = listed(&page(&app, &other, &format!("/bookings?from=&q={code}")).await);
    assert!(search.is_empty(), "not even by its voucher code");
    let csv = app
        .get(&other, "/bookings.csv?from=")
        .await
        .text()
        .await
        .expect("csv");
    assert!(!csv.contains(&code));
    let home = app.get(&other, "/").await.text().await.expect("home");
    assert!(!home.contains(&code));
}

async fn unknown_booking_ids_are_not_found(app: TestApp) {
    let client = app.login(PARTNER).await;
    for path in [
        "/bookings/999999",
        "/bookings/abc",
        "/bookings/-1",
        "/bookings/1/x",
    ] {
        let response = app.get(&client, path).await;
        assert_eq!(response.status(), 404, "{path}");
    }
}

async fn malformed_filters_get_a_clear_400_page(app: TestApp) {
    let client = app.login(PARTNER).await;
    for query in [
        "from=tomorrow",
        "to=2026-02-30",
        "kind=no_such_kind",
        "status=gone",
        "sort=price",
        "page=0",
        "page=x",
        "mismatches=perhaps",
        "page=1&page=2",
    ] {
        for path in [paths::BOOKINGS, paths::BOOKINGS_CSV] {
            let response = app.get(&client, &format!("{path}?{query}")).await;
            assert_eq!(response.status(), 400, "{path}?{query}");
            let doc = html(response).await;
            let heading = select_texts(&doc, ".error-page h1").join("");
            assert!(
                heading.contains("could not be read"),
                "{path}?{query}: {heading}"
            );
        }
    }
    let long = format!("/bookings?q={}", "x".repeat(101));
    assert_eq!(app.get(&client, &long).await.status(), 400);
}
