//! `soak`: bookbridge run for a while the hard way — busy fake systems, injected faults, page
//! load, and the app killed with SIGKILL and started again — then checked for anything lost,
//! applied twice or deleted.
//!
//! ```text
//! cargo build --release --bin bookbridge && cargo run --release --bin soak
//! cargo run --release --bin soak -- --seconds 120 --kills 5 --activity-rate 20
//! cargo run --release --bin soak -- --database-url postgres://postgres@127.0.0.1/postgres
//! ```
//!
//! The soak prepares a database of its own (migrated, demo users seeded), starts the sandbox
//! in its own process and connects the demo partners to it, then runs the `bookbridge` binary
//! found next to itself as a child: `bookbridge serve` against that database and sandbox.
//! For `--seconds` it drives the sandbox's everyday activity at `--activity-rate` times the
//! demo's pace with `--faults` of all requests to both systems failing, loads the pages as
//! logged-in users, and kills and restarts the app `--kills` times at even intervals, checking
//! after each restart that no booking snapshot or audit row went missing. Then the faults stop,
//! the app settles, and the soak compares every link with the sandbox's own state and prints a
//! table. It exits 0 only when nothing was lost, applied twice or deleted, the audit chain is
//! intact and no page answered 5xx.

mod activity;
mod app_process;
mod checks;
mod converge;
mod durability;
mod load;
mod report;
#[path = "../shared/scratch.rs"]
mod scratch;
#[path = "../shared/setup.rs"]
mod setup;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bookbridge::audit;
use bookbridge::auth::Passwords;
use bookbridge::clock::Clock;
use bookbridge::config::DemoSettings;
use bookbridge::db::Db;
use bookbridge::sandbox::faults::Faults;
use bookbridge::sandbox::world::{DEMO_BOOKINGS_PER_PARTNER, Sandbox};
use clap::Parser;
use tokio::time::Instant;

use app_process::AppProcess;
use converge::Convergence;
use durability::Checkpoint;
use load::{Generator, Sessions};
use report::Report;
use scratch::Scratch;

/// Command-line flags.
#[derive(Parser, Debug)]
#[command(
    name = "soak",
    about = "Runs bookbridge under activity, faults, page load and kills, then checks that \
             nothing was lost, applied twice or deleted"
)]
struct Cli {
    /// How long the activity, the faults and the page load last.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// How often the app is killed (SIGKILL) and started again, at even intervals.
    #[arg(long, default_value_t = 3)]
    kills: u32,
    /// The sandbox's activity as a multiple of the demo's pace (one change every 2.5 s).
    #[arg(long, default_value_t = 10.0)]
    activity_rate: f64,
    /// The share of requests to each fake system that fail: errors, timeouts and lost
    /// responses in equal parts.
    #[arg(long, default_value_t = 0.2)]
    faults: f64,
    /// A PostgreSQL server to run on, e.g. postgres://postgres@127.0.0.1/postgres: a fresh
    /// database is created next to the one named and dropped afterwards. Default: a fresh
    /// SQLite file in the temporary directory.
    #[arg(long, env = "SOAK_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Concurrent keep-alive connections of the page load; 0 turns it off.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// What makes the page load: wrk when installed (auto), wrk, or in-process.
    #[arg(long, value_enum, default_value_t = Generator::Auto)]
    load: Generator,
    /// Bookings seeded per demo partner.
    #[arg(long, default_value_t = DEMO_BOOKINGS_PER_PARTNER)]
    bookings: usize,
    /// The longest wait, in seconds, for the app to settle after the run. A connection whose
    /// sync was killed mid-round stays leased for 60 s, so keep this well above that.
    #[arg(long, default_value_t = 180)]
    settle_limit: u64,
    /// Keep the database and the app's log (they are always kept when the soak fails).
    #[arg(long)]
    keep: bool,
}

/// The demo users' password in the soak's database.
const PASSWORD: &str = "soak-password-for-demo-users";
const PARTNER: &str = "partner@demo.test";
const CARE: &str = "care@demo.test";
/// How long the app may take to answer after a start.
const START_LIMIT: Duration = Duration::from_secs(60);
/// How long the app's first sync round (linking the seeded bookings) may take.
const FIRST_ROUND_LIMIT: Duration = Duration::from_secs(120);

impl Cli {
    fn check(&self) -> Result<(), String> {
        if !(self.activity_rate.is_finite() && self.activity_rate > 0.0) {
            return Err("--activity-rate must be a positive number".into());
        }
        if !(0.0..=1.0).contains(&self.faults) {
            return Err("--faults must be between 0 and 1".into());
        }
        Ok(())
    }

    fn activity_interval(&self) -> Duration {
        // At least a millisecond apart, whatever rate is asked for.
        activity::DEMO_INTERVAL
            .div_f64(self.activity_rate)
            .max(Duration::from_millis(1))
    }
}

/// What happened around the kills.
#[derive(Default)]
struct Restarts {
    checkpoints: Vec<Checkpoint>,
    /// The worst count of missing rows seen, per table.
    worst_missing: durability::Missing,
    took: Vec<Duration>,
    errors: Vec<String>,
}

impl Restarts {
    /// Checks every checkpoint so far against the database now.
    async fn check(&mut self, db: &Db) {
        for checkpoint in &self.checkpoints {
            match durability::missing_since(db, checkpoint).await {
                Ok(missing) => {
                    for (worst, now) in self.worst_missing.iter_mut().zip(missing) {
                        if now > 0 {
                            self.errors.push(format!(
                                "{now} rows deleted since {} (as counted after the kill)",
                                checkpoint.label
                            ));
                        }
                        *worst = (*worst).max(now);
                    }
                }
                Err(e) => self
                    .errors
                    .push(format!("cannot count rows since {}: {e}", checkpoint.label)),
            }
        }
    }

    async fn checkpoint(&mut self, db: &Db, label: String) {
        match durability::record(db, label.clone()).await {
            Ok(checkpoint) => self.checkpoints.push(checkpoint),
            Err(e) => self.errors.push(format!("cannot count rows {label}: {e}")),
        }
    }

    async fn kill_and_restart(&mut self, db: &Db, app: &mut AppProcess, kill: u32) {
        self.checkpoint(db, format!("before kill {kill}")).await;
        if !app.is_running() {
            self.errors
                .push(format!("the app was not running before kill {kill}"));
        }
        if let Err(e) = app.kill().await {
            self.errors.push(format!("kill {kill}: {e:#}"));
        }
        let down = Instant::now();
        match app.start(START_LIMIT).await {
            Ok(_) => {
                self.took.push(down.elapsed());
                eprintln!(
                    "soak: kill {kill}: answering again after {:.1} s",
                    down.elapsed().as_secs_f64()
                );
            }
            Err(e) => self
                .errors
                .push(format!("restart after kill {kill}: {e:#}")),
        }
        self.check(db).await;
    }
}

/// A free port on loopback for the app; the sandbox's webhooks need it before the app starts.
fn free_address() -> std::io::Result<SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}

async fn soak(cli: &Cli, exe: PathBuf, scratch: &Scratch) -> anyhow::Result<Report> {
    let clock = Clock::System;
    // The app's keys and audit checkpoints live beside the database, outside it.
    let key_file = scratch.dir().join("soak.key");
    let keys = bookbridge::config::KeySettings::load(&key_file, None, true)
        .context("cannot create the key file")?;
    let db = scratch.migrated_db(&keys).await?;
    let passwords = Passwords::new(2)?;
    let demo = DemoSettings {
        password: PASSWORD.into(),
    };
    bookbridge::demo::seed(&db, &passwords, &clock, &demo).await?;
    let sandbox = Arc::new(
        Sandbox::start(clock.clone())
            .await
            .context("cannot start the sandbox")?,
    );
    let addr = free_address()?;
    bookbridge::demo::sandbox::connect_demo_partners(
        &sandbox,
        &db,
        &clock,
        addr.port(),
        cli.bookings,
    )
    .await
    .context("cannot connect the demo partners to the sandbox")?;

    let mut app = AppProcess::new(
        exe,
        addr,
        scratch.url().as_str(),
        sandbox.reservio.url(),
        sandbox.termino.url(),
        &key_file,
        scratch.dir().join("app.log"),
    )?
    // Termino's changes through the channel feed, as in production.
    .with_termino_channel(sandbox.termino_channel_token.clone());
    app.start(START_LIMIT).await?;
    let base = app.base_url();
    eprintln!(
        "soak: the app answers at {base}; its log is {}",
        app.log().display()
    );
    let sessions = Sessions {
        partner: load::log_in(&base, PARTNER, PASSWORD).await?,
        care: load::log_in(&base, CARE, PASSWORD).await?,
    };
    anyhow::ensure!(
        converge::first_rounds(&db, FIRST_ROUND_LIMIT).await?,
        "the app's first sync round did not finish within {} s; see {}",
        FIRST_ROUND_LIMIT.as_secs(),
        app.log().display()
    );

    let generator = cli.load.resolve();
    let interval = cli.activity_interval();
    let setup = format!(
        "bookbridge soak: {} s on {}, {} kills, activity {}× the demo's pace (one change every \
         {} ms), faults {:.0}% in both systems, {} bookings per partner, page load: {}",
        cli.seconds,
        scratch.describe(),
        cli.kills,
        cli.activity_rate,
        interval.as_millis(),
        cli.faults * 100.0,
        cli.bookings,
        if cli.connections == 0 {
            "none".to_string()
        } else {
            format!("{} over {} connections", generator.name(), cli.connections)
        }
    );
    eprintln!("soak: {setup}");

    let faults = Faults::uniform(cli.faults);
    sandbox.reservio.faults().set(faults);
    sandbox.termino.faults().set(faults);
    let duration = Duration::from_secs(cli.seconds);
    let start = Instant::now();
    let until = start + duration;
    let activity = tokio::spawn(activity::run(sandbox.clone(), interval, until));
    let load = (cli.connections > 0).then(|| {
        let work = load::Load {
            base: base.clone(),
            sessions: sessions.clone(),
            connections: cli.connections,
            duration,
        };
        let dir = scratch.dir().to_owned();
        tokio::spawn(async move { load::run(generator, &work, &dir).await })
    });

    let mut restarts = Restarts::default();
    for kill in 1..=cli.kills {
        tokio::time::sleep_until(start + duration * kill / (cli.kills + 1)).await;
        restarts.kill_and_restart(&db, &mut app, kill).await;
    }
    tokio::time::sleep_until(until).await;
    let activity = match activity.await {
        Ok(tally) => tally,
        Err(e) => {
            restarts.errors.push(format!("the activity stopped: {e}"));
            activity::Tally::new()
        }
    };
    let answers = match load {
        None => None,
        Some(task) => match task.await {
            Ok(Ok(answers)) => Some(answers),
            Ok(Err(e)) => {
                restarts.errors.push(format!("page load: {e:#}"));
                None
            }
            Err(e) => {
                restarts.errors.push(format!("page load stopped: {e}"));
                None
            }
        },
    };

    sandbox.reservio.faults().set(Faults::default());
    sandbox.termino.faults().set(Faults::default());
    if !app.is_running() {
        restarts
            .errors
            .push("the app had stopped by itself by the end of the run".into());
        if let Err(e) = app.start(START_LIMIT).await {
            restarts
                .errors
                .push(format!("cannot start the app to settle: {e:#}"));
        }
    }
    eprintln!("soak: the run is over; waiting for the app to settle…");
    let settle_limit = Duration::from_secs(cli.settle_limit);
    let convergence = match converge::wait(&db, &clock, settle_limit).await {
        Ok(convergence) => convergence,
        Err(e) => {
            restarts
                .errors
                .push(format!("cannot watch the app settle: {e}"));
            Convergence {
                settled: false,
                waited: settle_limit,
                pending_pushes: -1,
                running_procedures: -1,
            }
        }
    };
    restarts
        .checkpoint(&db, "before the final stop".into())
        .await;
    if let Err(e) = app.kill().await {
        restarts.errors.push(format!("the final stop: {e:#}"));
    }
    restarts.check(&db).await;

    let (links, coverage) = checks::links(&db, &sandbox, &sandbox.partners()).await?;
    let twice = checks::applied_twice(&sandbox);
    let audit = audit::verify(&db).await.map_err(|e| e.to_string());
    let missed_by_incremental = bookbridge::db::schedule::full_check_found(&db).await?;
    db.pool().close().await;
    Ok(Report {
        setup,
        activity,
        links,
        coverage,
        twice,
        deleted: restarts.worst_missing,
        audit,
        answers,
        convergence,
        restarts: restarts.took,
        missed_by_incremental,
        errors: restarts.errors,
    })
}

async fn run(cli: Cli) -> anyhow::Result<bool> {
    let exe = AppProcess::beside_this_program()?;
    // The database and the app's log stay for a look when the soak fails.
    let keep = |passed: &anyhow::Result<bool>| cli.keep || !matches!(passed, Ok(true));
    Scratch::around(cli.database_url.as_deref(), "soak", keep, async |scratch| {
        let report = soak(&cli, exe, scratch).await?;
        report.print();
        Ok(report.passed())
    })
    .await
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = cli.check() {
        eprintln!("soak: {e}");
        return ExitCode::from(2);
    }
    setup::install_tls_provider();
    // The fake systems warn about every webhook the killed app could not take; that is the
    // point of the exercise, not news.
    setup::log_errors_to_stderr();
    let Some(outcome) = setup::block_on("soak", run(cli)) else {
        return ExitCode::FAILURE;
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}
