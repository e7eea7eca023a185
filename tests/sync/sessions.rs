//! The worker's housekeeping: sessions whose expiry has passed are removed from the database by
//! its periodic step, live ones stay.

use bookbridge::sync::worker::remove_expired_sessions;

use crate::common::TestApp;
use crate::common::world::World;

async fn insert_session(app: &TestApp, id: &str, expires_at: i64) {
    sqlx::query("INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, NULL, '{}', $2)")
        .bind(id)
        .bind(expires_at)
        .execute(app.db.pool())
        .await
        .expect("session row");
}

/// The test's own sessions still stored.
async fn stored(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM sessions WHERE id LIKE 'housekeeping-%' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .expect("sessions");
    rows.into_iter().map(|(id,)| id).collect()
}

pub async fn the_worker_removes_expired_sessions_and_keeps_live_ones(app: TestApp) {
    let w = World::of(&app);
    let now = app.clock.now();
    insert_session(&app, "housekeeping-expired", now - 1).await;
    insert_session(&app, "housekeeping-ends-now", now).await;
    insert_session(&app, "housekeeping-ends-soon", now + 60).await;
    insert_session(&app, "housekeeping-live", now + 12 * 3600).await;

    let removed = remove_expired_sessions(&w.ctx).await.expect("housekeeping");
    assert!(removed >= 2, "both expired sessions counted: {removed}");
    assert_eq!(
        stored(&app).await,
        ["housekeeping-ends-soon", "housekeeping-live"],
        "the expired ones went, the live ones stayed"
    );

    // A minute on, by the worker's clock, the next one has expired too.
    app.clock.advance(60);
    let removed = remove_expired_sessions(&w.ctx).await.expect("housekeeping");
    assert!(removed >= 1, "{removed}");
    assert_eq!(stored(&app).await, ["housekeeping-live"]);
    // Nothing more to remove: a second round finds nothing of ours.
    remove_expired_sessions(&w.ctx).await.expect("housekeeping");
    assert_eq!(stored(&app).await, ["housekeeping-live"]);
}
