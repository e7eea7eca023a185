//! Reconcile throughput: one full `reconcile_all` pass over the stored links, next to
//! a plain streamed `SELECT` of the same rows (each link joined with both of its snapshots,
//! decoded into the same row type) in the same process, on the same warm database.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, SystemsConfig};
use bookbridge::db::connections::{self, ServiceMap};
use bookbridge::db::link_sides::Read;
use bookbridge::db::links::LinkRow;
use bookbridge::sync::SyncContext;
use bookbridge::sync::reconcile::{ReconcileReport, reconcile_all};
use futures_util::TryStreamExt;

use crate::fixture::{self, Fixture};
use crate::memory;
use crate::report::{Table, Verdict};
use crate::scratch::Scratch;

/// The throughput target: reconcile within this factor of the plain read.
const MAX_SLOWDOWN: f64 = 3.0;
/// The memory target for holding and reconciling the links.
const MAX_RSS_MIB: f64 = 200.0;

/// An application over the stored links. It is built like the real one (same pool, same
/// migrations, same sync context) but talks to no external system: reconcile never does.
pub struct LinkBench {
    // Kept so the database pool and the sync context stay those of a built application.
    _app: App,
    ctx: SyncContext,
    map: ServiceMap,
    fixture: Fixture,
    pub fixture_secs: f64,
}

impl LinkBench {
    /// Builds the application on the scratch database and stores `links` agreeing links.
    pub async fn build(scratch: &Scratch, links: u64) -> anyhow::Result<LinkBench> {
        let addr: SocketAddr = "127.0.0.1:0".parse().context("loopback address")?;
        let mut config = Config::new(scratch.url().clone(), addr);
        config.keys = Some(bookbridge::config::KeySettings::in_memory(
            std::env::temp_dir().join(format!("bench-{}.checkpoints", std::process::id())),
        ));
        // Unreachable on purpose: a reconcile pass must not call out, and would fail loudly.
        config.systems = Some(SystemsConfig::Remote {
            reservio_url: "http://127.0.0.1:9/v2".into(),
            termino_url: "http://127.0.0.1:9".into(),
        });
        config.run_worker = false;
        let clock = Clock::System;
        let app = App::build(config, clock.clone()).await?;
        let ctx = app
            .state()
            .sync
            .clone()
            .context("the sync engine is on when systems are configured")?;
        let started = Instant::now();
        let fixture = fixture::store_links(&ctx.db, links, clock.now()).await?;
        let fixture_secs = started.elapsed().as_secs_f64();
        let map = ServiceMap::new(&connections::mappings(&ctx.db, fixture.connection.id).await?);
        Ok(LinkBench {
            _app: app,
            ctx,
            map,
            fixture,
            fixture_secs,
        })
    }

    /// One reconcile pass, timed, with the peak RSS reached during it.
    async fn reconcile_pass(&self) -> anyhow::Result<(Duration, ReconcileReport, u64)> {
        memory::reset_peak();
        let started = Instant::now();
        let report = reconcile_all(&self.ctx, &self.fixture.connection, &self.map)
            .await
            .context("reconcile failed")?;
        let elapsed = started.elapsed();
        let peak = memory::peak_rss_kib()?;
        anyhow::ensure!(
            report.links_seen as u64 == self.fixture.links,
            "reconcile saw {} links of {}",
            report.links_seen,
            self.fixture.links
        );
        Ok((elapsed, report, peak))
    }

    /// The plain read: one streamed query over the same links and snapshots, decoded into
    /// the row type reconcile uses, and nothing else.
    async fn plain_read(&self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let sql = plain_read_sql();
        let mut rows = sqlx::query(&sql)
            .bind(self.fixture.connection.id)
            .fetch(self.ctx.db.pool());
        let mut seen = 0u64;
        while let Some(row) = rows.try_next().await? {
            let row = LinkRow::decode(&row, Read::Sync)?;
            // Touch the row so the read cannot be skipped as unused.
            seen += u64::from(row.id > 0);
        }
        let elapsed = started.elapsed();
        anyhow::ensure!(
            seen == self.fixture.links,
            "plain read saw {seen} links of {}",
            self.fixture.links
        );
        Ok(elapsed)
    }

    /// Reconcile's own paged query, without the merge: what reading costs the way reconcile
    /// reads (its page size, with the per-link look-ups of cases, pushes and mismatches).
    async fn paged_read(&self) -> anyhow::Result<Duration> {
        let page = bookbridge::sync::reconcile::PAGE;
        let started = Instant::now();
        let mut after = 0;
        let mut seen = 0u64;
        loop {
            let rows = bookbridge::db::links::page_for_connection(
                &self.ctx.db,
                self.fixture.connection.id,
                after,
                page,
            )
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            seen += rows.len() as u64;
        }
        let elapsed = started.elapsed();
        anyhow::ensure!(seen == self.fixture.links, "paged read saw {seen} links");
        Ok(elapsed)
    }

    /// The links table alone, for scale: what reading one row per link costs at all.
    async fn links_only_read(&self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let mut rows = sqlx::query_as::<_, LinksOnly>(LINKS_ONLY_READ)
            .bind(self.fixture.connection.id)
            .fetch(self.ctx.db.pool());
        let mut seen = 0u64;
        while let Some(row) = rows.try_next().await? {
            seen += u64::from(row.0 > 0);
        }
        let elapsed = started.elapsed();
        anyhow::ensure!(
            seen == self.fixture.links,
            "links-only read saw {seen} links"
        );
        Ok(elapsed)
    }
}

/// The links' own columns that reconcile reads.
type LinksOnly = (
    i64,
    i64,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The same links and snapshots reconcile reads (its own column list), in one query, without
/// the per-link look-ups of cases, pushes, mismatches and procedures that only reconcile needs.
fn plain_read_sql() -> String {
    format!(
        "SELECT l.id, l.connection_id, l.partner_id, l.origin_system, l.voucher_code, \
         l.created_at, l.change_pending_since, {}, \
         0 AS has_open_case, 0 AS pending_pushes, 0 AS open_mismatches, \
         CAST(NULL AS TEXT) AS active_procedure, l.next_check_at, l.marks \
         FROM booking_links l {} \
         WHERE l.connection_id = $1 AND l.superseded_by IS NULL ORDER BY l.id",
        Read::Sync.columns(),
        Read::Sync.joins()
    )
}

const LINKS_ONLY_READ: &str = "SELECT l.id, l.partner_id, l.origin_system, l.voucher_code, \
     l.created_at, l.change_pending_since, l.base_start_at, l.base_end_at, l.base_service_id, \
     l.base_customer_name, l.base_customer_email, l.base_customer_phone, l.base_status \
     FROM booking_links l WHERE l.connection_id = $1 AND l.superseded_by IS NULL ORDER BY l.id";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Times `repeat` rounds of read, reconcile, links-only read, and fills in the table.
pub async fn measure(bench: &LinkBench, repeat: usize, table: &mut Table) -> anyhow::Result<()> {
    let links = bench.fixture.links as f64;
    let mut plain = vec![];
    let mut links_only = vec![];
    let mut paged_reads = vec![];
    let mut reconciled = vec![];
    let mut peak_kib = 0;
    let mut written = 0;
    for round in 1..=repeat {
        let read = bench.plain_read().await?;
        let (pass, report, peak) = bench.reconcile_pass().await?;
        let paged = bench.paged_read().await?;
        let own = bench.links_only_read().await?;
        eprintln!(
            "bench: round {round}/{repeat}: plain read {:.2} s, reconcile {:.2} s, \
             reconcile's query alone {:.2} s, links table alone {:.2} s, peak RSS {}",
            read.as_secs_f64(),
            pass.as_secs_f64(),
            paged.as_secs_f64(),
            own.as_secs_f64(),
            memory::mib(peak)
        );
        plain.push(read.as_secs_f64());
        reconciled.push(pass.as_secs_f64());
        paged_reads.push(paged.as_secs_f64());
        links_only.push(own.as_secs_f64());
        peak_kib = peak_kib.max(peak);
        written += report.links_written;
    }
    let plain = median(plain);
    let reconciled = median(reconciled);
    let links_only = median(links_only);
    let paged = median(paged_reads);
    let ratio = reconciled / plain;
    let paged_query = format!(
        "reconcile's paged query alone ({} links a page)",
        bookbridge::sync::reconcile::PAGE
    );
    // How long each took, and how many rows (or links) a second that is.
    for (metric, secs, per) in [
        (
            "plain SELECT of the links with both snapshots",
            plain,
            "rows",
        ),
        ("plain SELECT of the links table alone", links_only, "rows"),
        (paged_query.as_str(), paged, "rows"),
        ("reconcile pass, links that agree", reconciled, "links"),
    ] {
        let value = format!("{secs:.2} s ({:.0} {per}/s)", links / secs);
        table.row(metric, value, "-", Verdict::Info);
    }
    table.row(
        "reconcile time / plain SELECT time",
        format!("{ratio:.2}×"),
        format!("≤ {MAX_SLOWDOWN}×"),
        Verdict::of(ratio <= MAX_SLOWDOWN),
    );
    memory_rows(peak_kib, table);
    if written > 0 {
        table.note(format!(
            "warning: reconcile wrote {written} links that should have agreed already"
        ));
    }
    table.note(if repeat == 1 {
        "throughput figures are from one round".to_string()
    } else {
        format!("throughput figures are the median of {repeat} rounds in one process")
    });
    Ok(())
}

/// One reconcile pass for its peak memory alone.
pub async fn measure_memory_only(bench: &LinkBench, table: &mut Table) -> anyhow::Result<()> {
    let (_, _, peak) = bench.reconcile_pass().await?;
    memory_rows(peak, table);
    Ok(())
}

fn memory_rows(peak_kib: u64, table: &mut Table) {
    let mib = peak_kib as f64 / 1024.0;
    table.row(
        "peak RSS while reconciling the links",
        memory::mib(peak_kib),
        format!("< {MAX_RSS_MIB} MiB"),
        Verdict::of(mib < MAX_RSS_MIB),
    );
}
