//! `/metrics` in the demo: answered on the demo's own loopback address without a token.

use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![the_demo_answers_metrics_on_loopback_without_a_token]
}

async fn the_demo_answers_metrics_on_loopback_without_a_token(app: TestApp) {
    // The test apps run as the demo (demo users, no metrics token) on 127.0.0.1.
    let response = app
        .client()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(body.contains("bookbridge_sync_due_connections "), "{body}");
    assert!(body.contains("bookbridge_db_pool_in_use "), "{body}");
    // A connection never synced yet has waited since it was set up, not since 1970.
    let oldest: i64 = body
        .lines()
        .find_map(|l| l.strip_prefix("bookbridge_sync_oldest_due_seconds "))
        .and_then(|v| v.trim().parse().ok())
        .expect("oldest due");
    assert!(oldest < 3600, "{oldest}");
    assert!(
        body.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );
}
