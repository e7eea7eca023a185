//! The sandbox world synced into the database, as the staff tests start from it, and the small
//! reads those tests make of it.

use bookbridge::sync::sync_all;
use scraper::Html;

use crate::common::{TestApp, html};

/// Runs the sync engine until pulls, links and pushes have settled.
pub async fn settle(app: &TestApp) {
    let ctx = app.sync.as_ref().expect("sync is configured");
    for _ in 0..3 {
        sync_all(ctx).await.expect("a sync round runs");
    }
}

/// Fetches `path`, expecting 200, and parses it.
pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> Html {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), 200, "{path}");
    html(response).await
}

/// The ids of the rows a queue page shows, in order.
pub fn queue_ids(doc: &Html) -> Vec<i64> {
    let rows = scraper::Selector::parse("#queue-table tbody tr").expect("selector");
    doc.select(&rows)
        .filter_map(|r| r.value().attr("data-mismatch-id")?.parse().ok())
        .collect()
}

/// Unresolved mismatches in a given state, oldest first.
pub async fn mismatches_in_state(app: &TestApp, state: &str) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM mismatches WHERE state = $1 ORDER BY id")
            .bind(state)
            .fetch_all(app.db.pool())
            .await
            .expect("mismatches");
    rows.into_iter().map(|r| r.0).collect()
}

/// The session's CSRF token, as every page's forms carry it.
pub async fn token(app: &TestApp, client: &reqwest::Client) -> String {
    app.csrf(client, "/").await
}

/// Posts a form as htmx does: the token in the header, `HX-Request` set.
pub async fn htmx_post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = token(app, client).await;
    client
        .post(app.url(path))
        .header("hx-request", "true")
        .header("x-csrf-token", token)
        .form(fields)
        .send()
        .await
        .expect("post answers")
}

/// How many audit rows have this action and entity.
pub async fn audited(app: &TestApp, action: &str, entity_type: &str, entity_id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity_type = $2 AND entity_id = $3",
    )
    .bind(action)
    .bind(entity_type)
    .bind(entity_id.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    n
}
