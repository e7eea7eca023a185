//! The app runs: the health check, and a restart of the demo keeps what is there.

use bookbridge::audit::{self, Verdict};
use bookbridge::web::paths;

use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        health_check_answers_once_the_database_is_reachable,
        restarting_the_demo_keeps_what_is_there,
        tables_that_changed_enough_are_vacuumed_and_analyzed_where_autovacuum_is_off,
        sqlite_keeps_no_allocation_statistics_and_maps_its_file,
    ]
}

async fn health_check_answers_once_the_database_is_reachable(app: TestApp) {
    let response = app.get(&app.client(), paths::HEALTHZ).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("body"), "ok");
}

async fn restarting_the_demo_keeps_what_is_there(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    app.post_form(
        &admin,
        paths::ADMIN_PARTNERS,
        paths::ADMIN_PARTNERS,
        &[("name", "Kept Partner")],
    )
    .await;
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let partners = app.count("SELECT COUNT(*) FROM partners").await;
    // A second instance starting the demo on the same database seeds nothing new.
    let second = bookbridge::app::App::build(
        common::test_config(app.database_url.clone()),
        app.clock.clone(),
    )
    .await
    .expect("second start");
    drop(second);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM partners").await, partners);
    assert_eq!(
        audit::verify(&app.db).await.expect("verify"),
        Verdict::Intact {
            rows: app.count("SELECT COUNT(*) FROM audit_log").await
        }
    );
}

/// Where PostgreSQL runs without autovacuum, the worker analyzes what changed, by autovacuum's
/// rule (50 rows and a tenth of the table): a table that grew is analyzed once, then not again
/// until it changes enough. It vacuums by autovacuum's rules too: a table whose rows were
/// updated (more than 50 dead versions and a fifth of the table) is vacuumed once. SQLite needs
/// none of it.
async fn tables_that_changed_enough_are_vacuumed_and_analyzed_where_autovacuum_is_off(
    app: TestApp,
) {
    use bookbridge::db::statistics;
    if app.backend == bookbridge::db::Backend::Sqlite {
        assert!(!statistics::unattended(&app.db).await.expect("setting"));
        return;
    }
    let (setting,): (String,) =
        sqlx::query_as("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
            .fetch_one(app.db.pool())
            .await
            .expect("setting");
    assert_eq!(
        statistics::unattended(&app.db).await.expect("setting"),
        setting == "off"
    );
    // Whatever the server's setting, the rule itself: a table that grew is analyzed.
    statistics::analyze_changed(&app.db).await.expect("analyze");
    for n in 0..200 {
        sqlx::query("INSERT INTO partners (name, created_at) VALUES ($1, 0)")
            .bind(format!("Statistics partner {n}"))
            .execute(app.db.pool())
            .await
            .expect("partner");
    }
    let analyzed = until_it_names("partners", || async {
        statistics::analyze_changed(&app.db).await.expect("analyze")
    })
    .await;
    assert!(analyzed.iter().any(|t| t == "partners"), "{analyzed:?}");
    let again = statistics::analyze_changed(&app.db).await.expect("analyze");
    assert!(!again.iter().any(|t| t == "partners"), "{again:?}");

    statistics::vacuum_changed(&app.db).await.expect("vacuum");
    sqlx::query("UPDATE partners SET name = name || ' (renamed)' WHERE name LIKE 'Statistics %'")
        .execute(app.db.pool())
        .await
        .expect("rename");
    let vacuumed = until_it_names("partners", || async {
        statistics::vacuum_changed(&app.db).await.expect("vacuum")
    })
    .await;
    assert!(vacuumed.iter().any(|t| t == "partners"), "{vacuumed:?}");
    let (dead,): (i64,) = sqlx::query_as(
        "SELECT n_dead_tup FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() AND relname = 'partners'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("dead rows");
    assert_eq!(dead, 0, "the renamed partners' old versions are gone");
    let again = statistics::vacuum_changed(&app.db).await.expect("vacuum");
    assert!(!again.iter().any(|t| t == "partners"), "{again:?}");
}

/// Runs `pass` (analyze or vacuum what changed) until it names `table`, for 15 s at most: the
/// writers' counts reach pg_stat_user_tables within seconds (at most 10 s when idle). Returns
/// the tables its last run named.
async fn until_it_names<F, Fut>(table: &str, mut pass: F) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Vec<String>>,
{
    let mut named = vec![];
    for _ in 0..150 {
        named = pass().await;
        if named.iter().any(|t| t == table) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    named
}

/// SQLite is built without its memory statistics (`.cargo/config.toml`): they put every
/// allocation of every connection under one lock, and the pool's connections queued for it. Its
/// connections read the file through a memory map. PostgreSQL has neither setting.
async fn sqlite_keeps_no_allocation_statistics_and_maps_its_file(app: TestApp) {
    if app.backend != bookbridge::db::Backend::Sqlite {
        return;
    }
    let options: Vec<(String,)> =
        sqlx::query_as("SELECT compile_options FROM pragma_compile_options")
            .fetch_all(app.db.pool())
            .await
            .expect("compile options");
    assert!(
        options.iter().any(|(o,)| o == "DEFAULT_MEMSTATUS=0"),
        "SQLite was built with its memory statistics: {options:?}"
    );
    let (mapped,): (i64,) = sqlx::query_as("PRAGMA mmap_size")
        .fetch_one(app.db.pool())
        .await
        .expect("mmap size");
    assert_eq!(mapped, 1 << 30);
}
