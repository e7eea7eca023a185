//! A million links, stored fast: one partner with one active connection and three mapped
//! services, then both sides of every appointment and the link between them, each table
//! filled by a single `INSERT … SELECT` over a generated sequence inside one transaction.
//! Row by row through the application would take far longer than the thing being measured.
//!
//! Every link is in the steady state: both snapshots equal the base, confirmed, with mapped
//! services, so reconcile has nothing to write — the common case it must be fast at.

use anyhow::Context;
use bookbridge::db::connections::{self, Connection};
use bookbridge::db::{Backend, Db, partners};
use bookbridge::domain::PartnerName;

use crate::fill;

/// What was stored.
pub struct Fixture {
    pub connection: Connection,
    pub links: u64,
}

/// Services of the benchmark's partner, mapped one to one to channel offers.
const SERVICES: [(&str, &str, i64); 3] = [
    ("svc-bench-0", "offer-bench-0", 60),
    ("svc-bench-1", "offer-bench-1", 45),
    ("svc-bench-2", "offer-bench-2", 90),
];

/// Appointments over the next 60 days, eight a day; times, services and customers vary so
/// rows are as long as real ones. `$1` connection, `$2` count, `$3` first day, `$4` now.
fn bookings_sql(backend: Backend, system: &str, prefix: &str, service_prefix: &str) -> String {
    format!(
        "INSERT INTO external_bookings (connection_id, system, external_id, start_at, end_at, \
         service_id, customer_name, customer_email, customer_phone, status, voucher_code, \
         counterpart_id, self_rescheduled, content_hash, raw_payload, fetched_at) \
         SELECT $1, '{system}', '{prefix}' || n, \
         $3 + (n % 60) * 86400 + (8 + n % 8) * 3600, \
         $3 + (n % 60) * 86400 + (8 + n % 8) * 3600 + (CASE n % 3 WHEN 0 THEN 60 WHEN 1 THEN 45 ELSE 90 END) * 60, \
         '{service_prefix}' || (n % 3), \
         'Customer ' || n || ' Nováková', \
         'customer.' || n || '@example.test', \
         '+420 6' || (10000000 + n % 89999999), \
         'confirmed', 'SLV' || (10000000 + n), NULL, 0, \
         'bench-' || n, '{{}}', $4 \
         FROM {}",
        fill::sequence(backend)
    )
}

/// Links each Reservio snapshot to its Termino twin, with the base both agree on.
const LINKS_SQL: &str = "INSERT INTO booking_links (connection_id, partner_id, \
     reservio_booking_id, termino_booking_id, voucher_code, origin_system, base_start_at, \
     base_end_at, base_service_id, base_customer_name, base_customer_email, \
     base_customer_phone, base_status, created_at, updated_at) \
     SELECT r.connection_id, $2, r.id, t.id, r.voucher_code, 'termino', r.start_at, r.end_at, \
     r.service_id, r.customer_name, r.customer_email, r.customer_phone, 'confirmed', $3, $3 \
     FROM external_bookings r \
     JOIN external_bookings t ON t.system = 'termino' \
          AND t.external_id = 't-' || substr(r.external_id, 3) \
     WHERE r.connection_id = $1 AND r.system = 'reservio' \
     ORDER BY r.id";

/// Stores `count` agreeing links for a new partner and connection.
pub async fn store_links(db: &Db, count: u64, now: i64) -> anyhow::Result<Fixture> {
    let count = i64::try_from(count).context("--links is too large")?;
    let mut tx = db.begin_write().await?;
    let name = PartnerName::parse("Benchmark Spa").map_err(|e| anyhow::anyhow!(e.0))?;
    let partner_id = partners::insert(&mut tx, &name, now).await?;
    let services = SERVICES.map(|(id, offer_id, minutes)| fill::Service {
        id,
        name: format!("Service {id}"),
        offer_id,
        offer_name: format!("Voucher {offer_id}"),
        minutes,
    });
    let connection_id = fill::connection(&mut tx, partner_id, "bench", services, now).await?;
    let first_day = (now.div_euclid(86_400) + 1) * 86_400;
    let backend = db.backend();
    for (system, prefix, service_prefix) in [
        ("reservio", "r-", "svc-bench-"),
        ("termino", "t-", "offer-bench-"),
    ] {
        sqlx::query(&bookings_sql(backend, system, prefix, service_prefix))
            .bind(connection_id)
            .bind(count)
            .bind(first_day)
            .bind(now)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("cannot store the {system} snapshots"))?;
    }
    sqlx::query(LINKS_SQL)
        .bind(connection_id)
        .bind(partner_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("cannot store the links")?;
    tx.commit().await?;
    // Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a live
    // database; without them the planner guesses row counts from an empty table.
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    let connection = connections::find(db, connection_id)
        .await?
        .context("the benchmark connection was just stored")?;
    let stored = bookbridge::db::links::count_for_connection(db, connection_id).await?;
    anyhow::ensure!(
        stored == count,
        "stored {stored} links instead of {count}: the snapshots did not pair up"
    );
    Ok(Fixture {
        connection,
        links: u64::try_from(stored).unwrap_or_default(),
    })
}
