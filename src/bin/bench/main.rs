//! `bench`: the sync engine's figures, rerunnable by anyone.
//!
//! ```text
//! cargo run --release --bin bench                                  # everything, SQLite
//! cargo run --release --bin bench -- --only reconcile --links 100000
//! cargo run --release --bin bench -- --database-url postgres://postgres@127.0.0.1/postgres
//! ```
//!
//! It measures what the sync engine's issue asks for: how fast reconcile walks 1,000,000
//! stored links next to a plain read of the same rows, the peak memory of doing so, and how
//! long a change in one sandbox system takes to show in the other. Every figure is printed in
//! one table with its target. It is a program rather than a test: the figures depend on the
//! machine, so a missed target only shows in the table; a measured move that never arrived
//! (`--connections`) makes the run exit with a failure.

mod cpu;
#[path = "../shared/fill.rs"]
mod fill;
mod fixture;
mod instances;
mod latency;
mod memory;
mod report;
mod scale;
#[path = "../shared/scratch.rs"]
mod scratch;
#[path = "../shared/setup.rs"]
mod setup;
mod throughput;

use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use report::Table;
use scratch::Scratch;

/// Command-line flags.
#[derive(Parser, Debug)]
#[command(
    name = "bench",
    about = "Measures reconcile throughput, peak memory and propagation latency of the sync engine",
    after_help = "Runs on a fresh SQLite file in the temporary directory unless --database-url \
                  names a PostgreSQL server; there it creates a scratch database and drops it \
                  afterwards."
)]
struct Cli {
    /// Stored links to reconcile.
    #[arg(long, default_value_t = 1_000_000)]
    links: u64,
    /// Changes to propagate in each direction.
    #[arg(long, default_value_t = 1_000)]
    changes: usize,
    /// Run one part only.
    #[arg(long, value_enum)]
    only: Option<Part>,
    /// A PostgreSQL server to run on, e.g. postgres://postgres@127.0.0.1/postgres: the
    /// benchmark creates a scratch database next to the one named and drops it at the end.
    #[arg(long, env = "BENCH_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// How many times the reads and the reconcile pass are timed; the table shows the median.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// The worker's poll interval in seconds during the latency runs.
    #[arg(long, default_value_t = bookbridge::sync::Settings::default().poll_interval_secs)]
    poll_interval: u64,
    /// Bookings seeded per demo partner in the sandbox of the latency runs.
    #[arg(long, default_value_t = 20)]
    bookings_per_partner: usize,
    /// Links of another connection stored during the latency runs, so that every polling
    /// round also reconciles them (a loaded database); 0 measures an idle one.
    #[arg(long, default_value_t = 0)]
    background_links: u64,
    /// A channel's partner base: N sandbox connections with the activity running across all
    /// of them (runs this part only).
    #[arg(long)]
    connections: Option<usize>,
    /// Bookings seeded per connection with --connections.
    #[arg(long, default_value_t = 100)]
    bookings_per_connection: usize,
    /// The deployment's Reservio budget (requests per second) with --connections.
    #[arg(long, default_value_t = 50)]
    budget: u32,
    /// The Reservio budget through the first sync with --connections (default: --budget).
    /// With a larger one the instances sync every connection faster, then restart with
    /// --budget before anything is measured: the first sync is not a target, and at 10,000
    /// connections it takes over an hour at 50 requests a second.
    #[arg(long)]
    first_sync_budget: Option<u32>,
    /// Sandbox changes per second across all connections with --connections.
    #[arg(long, default_value_t = 5.0)]
    activity_rate: f64,
    /// Seconds the idle cost is measured over with --connections.
    #[arg(long, default_value_t = 60)]
    idle_secs: u64,
    /// App instances with --connections, each a `bookbridge serve` process (the binary built
    /// beside the bench: `cargo build --release --bins`) on the one database; more than one
    /// needs PostgreSQL.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    instances: u64,
    /// Keep the scratch database instead of removing it (to inspect it), and with
    /// --connections the instances' logs.
    #[arg(long)]
    keep: bool,
}

/// The parts of the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Part {
    /// Reconcile throughput next to a plain read (includes peak memory).
    Reconcile,
    /// Propagation latency in both directions.
    Latency,
    /// Peak memory of one reconcile pass over all links.
    Memory,
}

impl Cli {
    fn runs(&self, part: Part) -> bool {
        self.only.is_none_or(|only| only == part)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    setup::log_errors_to_stderr();
    let Some(outcome) = setup::block_on("bench", run(&cli)) else {
        return ExitCode::FAILURE;
    };
    match outcome {
        Ok((table, lost)) => {
            println!("{}", table.render());
            if lost > 0 {
                // A change that never arrives is not slowness but a failure of the engine (or
                // of the bench's own set-up): the run does not count.
                eprintln!("bench: {lost} measured moves never arrived");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The table, and how many measured moves of a channel run never arrived.
async fn run(cli: &Cli) -> anyhow::Result<(Table, usize)> {
    let mut table = Table::new(machine(), command_line());
    // Other work on the machine skews every figure; say how busy it was.
    let load_at_start = load_average();
    if let Some(connections) = cli.connections {
        let scratch = Scratch::create(cli.database_url.as_deref(), "scale").await?;
        let outcome = scale::measure(
            &scratch,
            &scale::Plan {
                connections,
                bookings_per_connection: cli.bookings_per_connection,
                budget: cli.budget,
                first_sync_budget: cli.first_sync_budget.unwrap_or(cli.budget),
                activity_per_sec: cli.activity_rate,
                changes: cli.changes,
                idle_secs: cli.idle_secs,
                instances: usize::try_from(cli.instances).unwrap_or(1),
                keep_logs: cli.keep,
            },
            &mut table,
        )
        .await;
        scratch.finish(cli.keep).await;
        let lost = outcome?;
        table.note(format!(
            "load average (1 min) at start {load_at_start}, at end {}",
            load_average()
        ));
        return Ok((table, lost));
    }
    let reconcile = cli.runs(Part::Reconcile);
    let memory = cli.runs(Part::Memory);
    let server = cli.database_url.as_deref();
    let keep = |_: &anyhow::Result<()>| cli.keep;
    if reconcile || memory {
        Scratch::around(server, "bench_links", keep, async |scratch| {
            links_part(cli, scratch, reconcile, &mut table).await
        })
        .await?;
    }
    if cli.runs(Part::Latency) {
        let plan = latency::Plan {
            changes: cli.changes,
            poll_interval_secs: cli.poll_interval,
            bookings_per_partner: cli.bookings_per_partner,
            background_links: cli.background_links,
        };
        Scratch::around(server, "bench_latency", keep, async |scratch| {
            latency::measure(scratch, &plan, &mut table).await
        })
        .await?;
    }
    table.note(format!(
        "peak RSS of the whole benchmark process (VmHWM): {}",
        memory::mib(memory::peak_rss_kib()?)
    ));
    table.note(format!(
        "load average (1 min) at start {load_at_start}, at end {}",
        load_average()
    ));
    Ok((table, 0))
}

/// The one-minute load average, or "?" where the system does not say.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Stores the links once, then times reads and reconcile passes over them.
async fn links_part(
    cli: &Cli,
    scratch: &Scratch,
    timed: bool,
    table: &mut Table,
) -> anyhow::Result<()> {
    let bench = throughput::LinkBench::build(scratch, cli.links).await?;
    table.note(format!(
        "{} stored links on {}: written in {:.1} s",
        cli.links,
        scratch.describe(),
        bench.fixture_secs
    ));
    if timed {
        throughput::measure(&bench, cli.repeat.max(1), table).await
    } else {
        throughput::measure_memory_only(&bench, table).await
    }
}

/// The processor's model name and how many the process may use.
fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".into());
    format!("{cores} cores, {model}")
}

/// The command as someone would type it to rerun exactly this.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).map(quote_arg).collect();
    if args.is_empty() {
        "cargo run --release --bin bench".into()
    } else {
        format!("cargo run --release --bin bench -- {}", args.join(" "))
    }
}

/// Hides the password of a database URL and quotes what a shell would split.
fn quote_arg(arg: String) -> String {
    let arg = match arg.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((credentials, host)) if credentials.contains(':') => {
                let user = credentials.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            _ => arg,
        },
        None => arg,
    };
    if arg.contains(char::is_whitespace) {
        format!("'{arg}'")
    } else {
        arg
    }
}
