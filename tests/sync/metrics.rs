//! `/metrics` (issue 15): behind its bearer token under `serve`, in Prometheus' text format,
//! and its figures follow the database.

use bookbridge::db::schedule;
use bookbridge::sync::sync_all;

use crate::common::TestApp;
use crate::common::world::World;

/// The token the sync tests' app wants for `/metrics`.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

async fn scrape(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let mut request = app.client().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The value of an unlabelled gauge in a scrape.
fn value(body: &str, name: &str) -> i64 {
    body.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in\n{body}"))
}

pub async fn metrics_want_the_bearer_token_and_follow_the_schedule(app: TestApp) {
    let w = World::of(&app);
    assert_eq!(scrape(&app, None).await.0, 404, "no token: as if absent");
    assert_eq!(scrape(&app, Some("not-the-token")).await.0, 404);

    w.redeem(0, app.clock.now() + 2 * 86_400, 901);
    sync_all(&w.ctx).await.expect("sync round");
    // One link marked for reconcile: the next round reads it, whatever ran before this test.
    let before = bookbridge::sync::reconcile::links_read();
    sqlx::query(
        "UPDATE booking_links SET next_check_at = 0 \
         WHERE id = (SELECT MIN(id) FROM booking_links WHERE superseded_by IS NULL)",
    )
    .execute(app.db.pool())
    .await
    .expect("mark a link");
    sync_all(&w.ctx).await.expect("sync round");
    let (status, body) = scrape(&app, Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(value(&body, "bookbridge_sync_due_connections"), 0, "{body}");
    assert!(
        body.contains("bookbridge_sync_lag_seconds{connection=\""),
        "{body}"
    );
    assert!(body.contains("bookbridge_db_pool_in_use "), "{body}");
    assert!(
        body.contains("bookbridge_worker_sync_seconds_total{lane=\"polled\"} "),
        "the time the worker's syncs took, beside their count: {body}"
    );
    // The round read the marked link, and the counter says so (it is the process's, so other
    // tests' rounds may add to it, never take away).
    assert!(
        u64::try_from(value(&body, "bookbridge_reconcile_links_read_total")).unwrap_or(0) > before,
        "{body}"
    );

    // A notification makes one connection due: the figure moves, and so does its age.
    let (id,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM connections WHERE state IN ('verifying', 'active')")
            .fetch_one(app.db.pool())
            .await
            .expect("connection");
    schedule::request_sync(&app.db, id, app.clock.now())
        .await
        .expect("request");
    app.clock.advance(7);
    let (_, body) = scrape(&app, Some(METRICS_TOKEN)).await;
    assert_eq!(value(&body, "bookbridge_sync_due_connections"), 1, "{body}");
    assert_eq!(
        value(&body, "bookbridge_sync_oldest_due_seconds"),
        7,
        "{body}"
    );
    // Latency is labelled by the route's pattern, not by the raw path.
    assert!(
        body.contains("route=\"/metrics\""),
        "the scrapes are timed under their route: {body}"
    );
    assert!(!body.contains("route=\"/connection/1"), "{body}");

    // The same figures on Partner Care's page.
    let care = app.login("care@demo.test").await;
    let page = crate::common::html(app.get(&care, "/care/mismatches").await).await;
    let line = crate::common::select_texts(&page, "#sync-health").join(" ");
    assert!(line.contains("1 connections due"), "{line}");
    assert!(line.contains("waiting 7 s"), "{line}");
}
