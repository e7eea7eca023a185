//! `bench_pages`: how fast the partner's bookings page is, rerunnable by anyone.
//!
//! ```text
//! cargo run --release --bin bench_pages                       # 100,000 links, SQLite
//! cargo run --release --bin bench_pages -- --runs 5 --duration 15
//! cargo run --release --bin bench_pages -- --database-url postgres://postgres@127.0.0.1/postgres
//! ```
//!
//! It stores 100,000 links for the demo partner, logs in as `partner@demo.test`, and measures
//! requests per second and 99th-percentile latency at 64 concurrent keep-alive connections
//! for three routes, in turns within one run:
//!
//! - the bookings page (`/bookings`: session and user in one query, the page of links with
//!   their mismatches and a capped count — kept for a second by the list's micro-cache unless
//!   `--page-cache-ms 0` — and the render);
//! - (a) a bare handler returning the same bytes;
//! - (b) one SELECT of the same 50 rows rendered with the same template (TechEmpower's
//!   "Fortunes" shape).
//!
//! The targets: at least half of (b)'s throughput, and a p99 under 20 ms. It also counts the
//! SQL statements one page view runs. The load comes from `wrk` when it is installed
//! (Debian: `apt-get install wrk`), else from an in-process generator of the same shape.

#[path = "../shared/fill.rs"]
mod fill;
mod fixture;
mod load;
mod queries;
mod routes;
#[path = "../shared/scratch.rs"]
mod scratch;
mod sessions;
#[path = "../shared/setup.rs"]
mod setup;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, DemoSettings};
use bookbridge::db::DatabaseUrl;
use clap::Parser;
use tracing_subscriber::layer::SubscriberExt;

use load::{Figures, Generator, Load};
use queries::QueryCounter;
use scratch::Scratch;

/// Command-line flags.
#[derive(Parser, Debug)]
#[command(
    name = "bench_pages",
    about = "Measures the partner's bookings page under load"
)]
struct Cli {
    /// Links stored for the partner.
    #[arg(long, default_value_t = 100_000)]
    links: i64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds per measured run.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Runs per route; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Seconds of load sent to each route before the measured runs, not counted: the pool's
    /// connections prepare their statements, the database server's cache fills, and each
    /// session's first view writes its `seen_at` (once a minute each after that), so that the
    /// first run is measured in the same state as the others.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// A PostgreSQL server to run on, e.g. postgres://postgres@127.0.0.1/postgres: a scratch
    /// database is created next to the one named and dropped at the end. Default: a fresh
    /// SQLite file in the temporary directory.
    #[arg(long, env = "BENCH_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Keep the scratch database afterwards (to look at query plans), and print where it is.
    #[arg(long)]
    keep_database: bool,
    /// How long the bookings list keeps a page of rows in memory, in milliseconds (the app's
    /// default is 1000; 0 reads the database on every view). Default: 1000, or 0 with
    /// `--partners`.
    #[arg(long)]
    page_cache_ms: Option<u64>,
    /// A channel's partner base instead of one large partner: this many more partners, each
    /// with its own user, session and `--links-per-partner` links, and the bookings page's
    /// load sent with their sessions in turns. At a few thousand views a second each
    /// partner's page would come back within the page cache's second, so the cache is off
    /// unless `--page-cache-ms` says otherwise: every view reads the database. Targets: at
    /// least 4% of (a)'s throughput and a p99 under 40 ms.
    #[arg(long)]
    partners: Option<usize>,
    /// Connections the app keeps to the database (the app's `BOOKBRIDGE_DB_POOL`); default:
    /// the app's default, 16 on PostgreSQL and 8 on SQLite.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    db_pool: Option<u32>,
    /// Links of each partner with `--partners` (enough that the first page is full: the
    /// list starts today, and half of them are in the past).
    #[arg(long, default_value_t = 200)]
    links_per_partner: i64,
}

impl Cli {
    fn page_cache_ms(&self) -> u64 {
        self.page_cache_ms
            .unwrap_or(if self.partners.is_some() { 0 } else { 1000 })
    }
}

const PASSWORD: &str = "bench-pages-password";
const PARTNER: &str = "partner@demo.test";

/// Logs in through the form; returns the `Cookie` header value of the session.
async fn log_in(base: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the login form has a CSRF token")?
        .to_string();
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", PARTNER),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 303,
        "login answered {}",
        response.status()
    );
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bookbridge_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .context("the login set a session cookie")
}

fn row(name: &str, f: &Figures, reference: Option<&Figures>) -> String {
    let ratio = reference.map_or(String::new(), |r| {
        format!("{:>7.0}%", 100.0 * f.requests_per_sec / r.requests_per_sec)
    });
    format!(
        "{name:<44} {:>10.0} {:>9.2} {ratio:>8} {:>7}",
        f.requests_per_sec, f.p99_ms, f.errors
    )
}

async fn run(cli: Cli, counter: QueryCounter) -> anyhow::Result<bool> {
    let keep = |_: &anyhow::Result<bool>| cli.keep_database;
    Scratch::around(
        cli.database_url.as_deref(),
        "bench_pages",
        keep,
        async |scratch| measure(&cli, scratch.url().as_str(), counter).await,
    )
    .await
}

async fn measure(cli: &Cli, url: &str, counter: QueryCounter) -> anyhow::Result<bool> {
    let database_url: DatabaseUrl = url.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let backend = database_url.backend().name();
    let pool = cli.db_pool.unwrap_or(bookbridge::db::Db::default_pool_size(
        database_url.backend(),
    ));
    let addr: SocketAddr = "127.0.0.1:0".parse()?;
    let mut config = Config::new(database_url, addr);
    config.keys = Some(bookbridge::config::KeySettings::in_memory(
        std::env::temp_dir().join(format!("bench-pages-{}.checkpoints", std::process::id())),
    ));
    config.demo = Some(DemoSettings {
        password: PASSWORD.into(),
    });
    config.run_worker = false;
    config.page_cache_ttl = Duration::from_millis(cli.page_cache_ms());
    config.db_pool = cli.db_pool;
    let clock = Clock::System;
    let app = App::build(config, clock.clone()).await?;
    let state = app.state().clone();
    eprintln!("storing {} links on {backend}…", cli.links);
    let fixture = fixture::store(&state.db, PARTNER, cli.links, clock.now()).await?;

    let (cookie, page_bytes) = probe(&state).await?;
    eprintln!("the page is {} bytes", page_bytes.len());
    let mut cookies = vec![cookie.clone()];
    let mut others = (0, 0);
    if let Some(partners) = cli.partners {
        eprintln!(
            "storing {partners} more partners with {} links each…",
            cli.links_per_partner
        );
        let (stored, links, mismatches) = fixture::store_partners(
            &state.db,
            PARTNER,
            partners,
            cli.links_per_partner,
            clock.now(),
        )
        .await?;
        others = (links, mismatches);
        let users: Vec<i64> = stored.iter().map(|p| p.user_id).collect();
        cookies = sessions::copy_for(&state.db, &cookie, &users).await?;
    }
    if fixture::settle(&state.db).await? {
        eprintln!(
            "this PostgreSQL server's autovacuum is off: the tables were vacuumed once, as \
             autovacuum would have done after storing them"
        );
    }
    drop(app);
    let cap = bookbridge::web::bookings::count_cap(1);
    let bench_state = Arc::new(routes::BenchState {
        db: state.db.clone(),
        clock: clock.clone(),
        partner_id: fixture.partner_id,
        user: routes::user(fixture.user_id, &fixture.email, fixture.partner_id),
        page_bytes,
        counted: (cap, cap),
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = serve(listener, &state, bench_state);

    let client = reqwest::Client::new();
    let (page, statements) = counter
        .count(async {
            client
                .get(format!("{base}/bookings"))
                .header("cookie", &cookie)
                .send()
                .await?
                .text()
                .await
        })
        .await;
    let rows = page?.matches("class=\"link-row").count();
    anyhow::ensure!(rows == 50, "the page shows {rows} rows, not 50");
    if cookies.len() > 1 {
        // Every partner's own page, not the demo partner's.
        let last = cookies.last().map(String::as_str).unwrap_or_default();
        let page = client
            .get(format!("{base}/bookings"))
            .header("cookie", last)
            .send()
            .await?
            .text()
            .await?;
        let rows = page.matches("class=\"link-row").count();
        anyhow::ensure!(
            rows == 50,
            "another partner's page shows {rows} rows, not 50"
        );
        anyhow::ensure!(
            page.contains(&format!("partner{}@bench.test", cookies.len() - 2)),
            "another partner's page is not theirs"
        );
    }

    let generator = Generator::detect();
    let page_name = if cookies.len() > 1 {
        "bookings page, a different partner each view"
    } else {
        "bookings page (session+user query, rows, render)"
    };
    let none: &[String] = &[];
    let targets = [
        (page_name, "/bookings", cookies.as_slice()),
        ("(a) bare handler, same bytes", routes::BARE, none),
        (
            "(b) one SELECT + render (Fortunes shape)",
            routes::FORTUNES,
            none,
        ),
    ];
    if cli.warmup > 0 {
        eprintln!("warming up each route for {} s…", cli.warmup);
        for (_, path, cookies) in &targets {
            let url = format!("{base}{path}");
            generator
                .run(&Load {
                    url: &url,
                    cookies,
                    connections: cli.connections,
                    duration: Duration::from_secs(cli.warmup),
                })
                .await?;
        }
    }
    let mut results: Vec<Vec<Figures>> = vec![vec![]; targets.len()];
    for run in 1..=cli.runs {
        for (i, (name, path, cookies)) in targets.iter().enumerate() {
            let url = format!("{base}{path}");
            let load = Load {
                url: &url,
                cookies,
                connections: cli.connections,
                duration: Duration::from_secs(cli.duration),
            };
            let figures = generator.run(&load).await?;
            eprintln!(
                "run {run}/{}: {name}: {:.0} req/s, p99 {:.2} ms",
                cli.runs, figures.requests_per_sec, figures.p99_ms
            );
            results[i].push(figures);
        }
    }
    server.abort();
    let [page, bare, fortunes] = [0, 1, 2].map(|i| load::median(&results[i]));
    let base_line = if cookies.len() > 1 {
        format!(
            "{} partners' sessions in turns (the demo partner's {} links and {} more of the \
             others, {} with an open mismatch)",
            cookies.len(),
            fixture.links,
            others.0,
            fixture.mismatches + others.1
        )
    } else {
        format!(
            "{} links ({} with an open mismatch)",
            fixture.links, fixture.mismatches
        )
    };
    println!(
        "\nbookings page, {base_line}, {backend} (a pool of {pool}), {} connections, \
         {} s of warm-up and {} × {} s per route, load by {}, page cache {} ms; medians:\n",
        cli.connections,
        cli.warmup,
        cli.runs,
        cli.duration,
        generator.name(),
        cli.page_cache_ms()
    );
    println!(
        "{:<44} {:>10} {:>9} {:>8} {:>7}",
        "route", "req/s", "p99 ms", "of (b)", "errors"
    );
    println!("{}", row(targets[0].0, &page, Some(&fortunes)));
    println!("{}", row(targets[1].0, &bare, Some(&fortunes)));
    println!("{}", row(targets[2].0, &fortunes, Some(&fortunes)));
    println!(
        "\npage / (a): {:.1}%   SQL statements per page view: {statements}",
        100.0 * page.requests_per_sec / bare.requests_per_sec
    );
    // Many partners' sessions are measured against (a), one partner's against (b).
    let (share, of, reference, p99_limit) = if cookies.len() > 1 {
        (0.04, "(a)", bare.requests_per_sec, 40.0)
    } else {
        (0.5, "(b)", fortunes.requests_per_sec, 20.0)
    };
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let throughput_ok = page.requests_per_sec >= share * reference;
    let latency_ok = page.p99_ms < p99_limit;
    println!(
        "targets: ≥ {:.0}% of {of}'s throughput: {}; p99 < {p99_limit} ms: {}",
        share * 100.0,
        verdict(throughput_ok),
        verdict(latency_ok)
    );
    Ok(throughput_ok && latency_ok)
}

/// Logs in through the application alone and fetches the bookings page once: the session
/// cookie for the load, and the page's bytes for (a).
async fn probe(
    state: &bookbridge::web::state::AppState,
) -> anyhow::Result<(String, axum::body::Bytes)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = bookbridge::web::router(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let outcome = async {
        let cookie = log_in(&base).await?;
        let page = reqwest::Client::new()
            .get(format!("{base}/bookings"))
            .header("cookie", &cookie)
            .send()
            .await?
            .bytes()
            .await?;
        anyhow::Ok((cookie, page))
    }
    .await;
    server.abort();
    outcome
}

fn serve(
    listener: tokio::net::TcpListener,
    state: &bookbridge::web::state::AppState,
    bench: Arc<routes::BenchState>,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let router = bookbridge::web::router(state.clone()).merge(routes::router(bench));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    setup::install_tls_provider();
    let counter = QueryCounter::default();
    let subscriber = tracing_subscriber::registry().with(counter.clone());
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        eprintln!("a tracing subscriber was already set; statements are not counted");
    }
    let Some(outcome) = setup::block_on("bench_pages", run(cli, counter)) else {
        return ExitCode::FAILURE;
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("bench_pages failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}
