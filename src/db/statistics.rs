//! The planner's statistics on PostgreSQL where nobody else keeps them.
//!
//! PostgreSQL plans a prepared statement once for every parameter (its generic plan) after a
//! few runs, and keeps that plan for the connection's life unless the statistics of a table it
//! reads change. A plan made while a table was empty can pick any index at all: on a new
//! deployment whose first syncs fill `booking_links`, the look-up of a snapshot's link was
//! planned as a walk of an unrelated index and took 81 ms at 28,000 links (0.06 ms once
//! analyzed), growing with the table. Autovacuum's analyze is what normally replaces such
//! plans; a server that runs without it (`autovacuum = off`) keeps them. There the worker
//! analyzes, by autovacuum's own rule, the tables that changed enough since their last analyze.
//!
//! Nor does such a server vacuum: every update leaves the row's old version behind, and the
//! visibility map that lets an index answer alone (a count of a partner's links) is never set.
//! The bookings list's query ran four times slower on a table that had never been vacuumed.
//! There the worker also vacuums, by autovacuum's rules, the tables with enough dead row
//! versions or new rows since their last vacuum. SQLite and a server with autovacuum on need
//! nothing of this.

use super::{Backend, Db};

/// Whether this database is a PostgreSQL server with autovacuum turned off.
pub async fn unattended(db: &Db) -> Result<bool, sqlx::Error> {
    if db.backend() != Backend::Postgres {
        return Ok(false);
    }
    let (setting,): (String,) =
        sqlx::query_as("SELECT setting FROM pg_settings WHERE name = 'autovacuum'")
            .fetch_one(db.pool())
            .await?;
    Ok(setting == "off")
}

/// Analyzes the tables of the current schema whose rows changed since their last analyze by
/// more than autovacuum's default threshold (50 rows and a tenth of the table); returns their
/// names.
pub async fn analyze_changed(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    on_each_table(db, "n_mod_since_analyze > 50 + n_live_tup / 10", "ANALYZE").await
}

/// Vacuums the tables of the current schema with more dead row versions than autovacuum's
/// default threshold (50 and a fifth of the table), or more rows inserted since their last
/// vacuum than its insert threshold (1,000 and a fifth of the table); returns their names.
pub async fn vacuum_changed(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    on_each_table(
        db,
        "(n_dead_tup > 50 + n_live_tup / 5 OR n_ins_since_vacuum > 1000 + n_live_tup / 5)",
        "VACUUM",
    )
    .await
}

/// Runs `command` on each table of the current schema whose statistics meet `condition` (over
/// `pg_stat_user_tables`), one table at a time, as a simple statement outside any transaction
/// (VACUUM refuses to run in one); returns their names.
async fn on_each_table(
    db: &Db,
    condition: &str,
    command: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let tables: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT CAST(relname AS TEXT) FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() AND {condition} ORDER BY relname"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut done = Vec::with_capacity(tables.len());
    for (table,) in tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        sqlx::raw_sql(&format!("{command} {quoted}"))
            .execute(db.pool())
            .await?;
        done.push(table);
    }
    Ok(done)
}
