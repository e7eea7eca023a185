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
    assert!(body.contains("bookbridge_mismatches_open"), "{body}");
    assert!(
        body.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );
}
