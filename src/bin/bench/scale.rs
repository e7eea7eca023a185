//! A channel's whole partner base (`--connections N`): N sandbox partners with their bookings,
//! the activity generator running across all of them, a Reservio budget for the deployment;
//! propagation both ways measured while the activity runs, what reconcile reads, the process's
//! CPU and memory, and what a connection costs when nothing happens.
//!
//! The fake systems run in the same process: CPU and memory are the whole process's, an upper
//! bound for the app's own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bookbridge::clock::Clock;
use bookbridge::db::{Backend, Db, partners};
use bookbridge::domain::PartnerName;
use bookbridge::sandbox::world::Sandbox;

use crate::instances::{Instance, Setup};
use crate::latency::{concurrent, human, lanes, open_mismatches, rows, sequential};
use crate::report::{Table, Verdict};
use crate::scratch::Scratch;

/// What to run.
pub struct Plan {
    pub connections: usize,
    pub bookings_per_connection: usize,
    /// Requests per second to Reservio for the deployment.
    pub budget: u32,
    /// Sandbox changes per second across all connections while measuring.
    pub activity_per_sec: f64,
    /// Changes measured in each direction.
    pub changes: usize,
    /// Seconds of measuring quiet after the activity.
    pub idle_secs: u64,
    /// App instances on the one database (PostgreSQL when more than one).
    pub instances: usize,
}

const NOTIFIED_TARGET: Duration = Duration::from_secs(2);
/// Lanes (appointments moved concurrently) of the polled direction.
const POLLED_LANES: usize = 40;
/// Reservio requests one poll of a connection costs in the sandbox (the documented variant,
/// window of 100 bookings at 50 a page: docs/reservio.md "What one poll costs").
const REQUESTS_PER_POLL: f64 = 2.0;

async fn add_partners(db: &Db, n: usize) -> anyhow::Result<Vec<i64>> {
    let now = Clock::System.now();
    let mut ids = Vec::with_capacity(n);
    let mut tx = db.begin_write().await?;
    for i in 0..n {
        let name = PartnerName::parse(&format!("Bench partner {}", i + 1))
            .map_err(|e| anyhow::anyhow!(e.0))?;
        ids.push(partners::insert(&mut tx, &name, now).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Waits until every connection has finished a sync and no push is pending.
async fn wait_for_first_syncs(db: &Db, patience: Duration) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut last_told = started;
    loop {
        let (unsynced,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM connections WHERE state IN ('verifying', 'active') \
             AND last_synced_at IS NULL",
        )
        .fetch_one(db.pool())
        .await?;
        let (pending,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                .fetch_one(db.pool())
                .await?;
        if unsynced == 0 && pending == 0 {
            return Ok(started.elapsed());
        }
        if last_told.elapsed() >= Duration::from_secs(30) {
            last_told = Instant::now();
            eprintln!(
                "bench: {:.0} s: {unsynced} connections not synced yet, {pending} pushes pending",
                started.elapsed().as_secs_f64()
            );
        }
        anyhow::ensure!(
            started.elapsed() < patience,
            "the first syncs did not finish within {} s ({unsynced} connections never synced, \
             {pending} pushes pending)",
            patience.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Runs the channel and adds its rows to the table; returns how many measured moves never
/// arrived (the caller fails the run when any did).
pub async fn measure(scratch: &Scratch, plan: &Plan, table: &mut Table) -> anyhow::Result<usize> {
    anyhow::ensure!(plan.instances >= 1, "--instances must be at least 1");
    anyhow::ensure!(
        plan.instances == 1 || scratch.url().backend() == Backend::Postgres,
        "--instances {} needs PostgreSQL (--database-url postgres://…): several instances share \
         one database, and a SQLite file has one writer, so bookbridge runs one instance on it",
        plan.instances
    );
    let keys = bookbridge::config::KeySettings::in_memory(
        std::env::temp_dir().join(format!("bench-scale-{}.checkpoints", std::process::id())),
    );
    let db = Db::connect(scratch.url())
        .await?
        .with_keys(keys.keyring.clone(), Some(keys.checkpoint_file.clone()));
    db.migrate().await?;
    let ids = add_partners(&db, plan.connections).await?;

    // The fake systems on the bench's own runtime; the instances each on theirs.
    let sandbox = Arc::new(
        Sandbox::start(Clock::System)
            .await
            .context("cannot start the sandbox")?,
    );
    let setup = Setup {
        url: scratch.url(),
        keys: &keys,
        sandbox: &sandbox,
        budget: plan.budget,
    };
    let mut instances = Vec::with_capacity(plan.instances);
    let mut apps = Vec::with_capacity(plan.instances);
    for number in 1..=plan.instances {
        let (instance, app) = Instance::build(number, &setup).await?;
        instances.push(instance);
        apps.push(app);
    }
    // The instances run with the default schedule (see `Instance::build`).
    let settings = bookbridge::sync::Settings::default();
    let started = Instant::now();
    // Termino's webhooks of each share of the partners go to one instance, as a load balancer
    // in front of them would spread them.
    let share = plan.connections.div_ceil(plan.instances).max(1);
    for (chunk, instance) in ids.chunks(share).zip(&instances) {
        bookbridge::demo::sandbox::connect_partners(
            &sandbox,
            &db,
            &Clock::System,
            instance.port,
            chunk,
            plan.bookings_per_connection,
        )
        .await?;
    }
    eprintln!(
        "bench: {} connections × {} bookings seeded in {:.0} s",
        plan.connections,
        plan.bookings_per_connection,
        started.elapsed().as_secs_f64()
    );
    // The fake systems hold every booking of the channel in memory; what the process holds now,
    // before any instance has synced, is theirs (and the runtime's), and is counted apart from
    // the app's below.
    let before_app = crate::memory::rss_kib()?;
    for (instance, app) in instances.iter().zip(apps) {
        instance.serve(app);
    }
    let first = wait_for_first_syncs(&db, Duration::from_secs(3600)).await?;
    eprintln!(
        "bench: first sync of every connection took {:.0} s",
        first.as_secs_f64()
    );
    let spread: Vec<String> = instances
        .iter()
        .map(|i| (i.syncs.notified() + i.syncs.polled()).to_string())
        .collect();
    table.row(
        format!("first sync of {} connections", plan.connections),
        if instances.len() > 1 {
            format!(
                "{:.0} s (syncs per instance: {})",
                first.as_secs_f64(),
                spread.join(" / ")
            )
        } else {
            format!("{:.0} s", first.as_secs_f64())
        },
        "-",
        Verdict::Info,
    );

    let all_lanes = lanes(&sandbox);
    anyhow::ensure!(!all_lanes.is_empty(), "no clean appointments to move");
    // Spread the measured appointments over the whole channel.
    let step = (all_lanes.len() / POLLED_LANES).max(1);
    let lanes: Vec<_> = all_lanes
        .into_iter()
        .step_by(step)
        .take(POLLED_LANES)
        .collect();
    // The activity never touches the measured appointments: a measured move must arrive as a
    // move, not meet a cancellation, a deletion or a conflicting move of the generator's.
    sandbox.set_aside(lanes.iter().map(|lane| lane.reservation_id.as_str()));
    // The activity generator, across all connections, for as long as the changes are measured.
    let stop = Arc::new(AtomicBool::new(false));
    let activity = {
        let sandbox = sandbox.clone();
        let stop = stop.clone();
        let every = Duration::from_secs_f64(1.0 / plan.activity_per_sec.max(0.01));
        tokio::spawn(async move {
            let mut done = 0u64;
            while !stop.load(Ordering::SeqCst) {
                tokio::time::sleep(every).await;
                if sandbox.one_activity().is_ok() {
                    done += 1;
                }
            }
            done
        })
    };
    crate::memory::reset_peak();
    let (cpu0, links0, wall0) = (
        crate::cpu::process_secs(),
        bookbridge::sync::reconcile::links_read(),
        Instant::now(),
    );
    let busy0 = Effort::of(&instances);
    let n = plan.connections as f64;
    let poll_bound = (settings.quiet_poll_interval_secs as f64)
        .max(n * REQUESTS_PER_POLL / f64::from(plan.budget));
    let polled_target = Duration::from_secs_f64(poll_bound + 2.0);
    let timeout = polled_target + Duration::from_secs(30);
    let notified = sequential(&sandbox, &lanes, plan.changes, timeout).await;
    eprintln!(
        "bench: {} notified moves measured after {:.0} s",
        notified.len(),
        wall0.elapsed().as_secs_f64()
    );
    let polled = concurrent(
        &sandbox,
        &lanes,
        plan.changes,
        Duration::from_secs(settings.poll_interval_secs.max(1)),
        timeout,
    )
    .await?;
    stop.store(true, Ordering::SeqCst);
    let activity_done = activity.await.unwrap_or(0);
    let (cpu1, links1, wall1) = (
        crate::cpu::process_secs(),
        bookbridge::sync::reconcile::links_read(),
        Instant::now(),
    );
    let busy1 = Effort::of(&instances);
    let minutes = wall1.duration_since(wall0).as_secs_f64() / 60.0;
    let (links,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM booking_links WHERE superseded_by IS NULL")
            .fetch_one(db.pool())
            .await?;
    let lost = rows(
        table,
        "Termino → Reservio (notified)",
        &notified,
        NOTIFIED_TARGET,
        timeout,
    ) + rows(
        table,
        "Reservio → Termino (polled)",
        &polled,
        polled_target,
        timeout,
    );
    table.row(
        "links read by reconcile per minute, activity running",
        format!(
            "{:.0} ({:.2}% of {links})",
            (links1 - links0) as f64 / minutes,
            100.0 * (links1 - links0) as f64 / minutes / links.max(1) as f64
        ),
        "-",
        Verdict::Info,
    );
    table.row(
        "process CPU, activity running",
        format!("{:.2} cores", (cpu1 - cpu0) / (minutes * 60.0)),
        "-",
        Verdict::Info,
    );
    busy1
        .since(&busy0)
        .rows(table, "activity running", minutes * 60.0);
    let peak = crate::memory::peak_rss_kib()?;
    table.row(
        "peak RSS, activity running (with the fake systems)",
        crate::memory::mib(peak),
        "-",
        Verdict::Info,
    );
    // An upper bound: the fake systems grow with the activity, and that growth counts as the
    // app's here (a lower bound is taken once the app has stopped, below).
    let app = peak.saturating_sub(before_app);
    table.row(
        "the app's share: peak RSS − RSS once the fake systems were seeded",
        format!(
            "{} (fake systems {})",
            crate::memory::mib(app),
            crate::memory::mib(before_app)
        ),
        "< 500 MiB",
        Verdict::of(app < 500 * 1024),
    );

    // Quiet: no activity, nothing to carry over. What does a connection cost?
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (requests0, _) = sandbox.reservio.traffic();
    let (cpu2, links2, wall2) = (
        crate::cpu::process_secs(),
        bookbridge::sync::reconcile::links_read(),
        Instant::now(),
    );
    let idle0 = Effort::of(&instances);
    tokio::time::sleep(Duration::from_secs(plan.idle_secs)).await;
    let (requests1, _) = sandbox.reservio.traffic();
    let (cpu3, links3) = (
        crate::cpu::process_secs(),
        bookbridge::sync::reconcile::links_read(),
    );
    let idle_minutes = wall2.elapsed().as_secs_f64() / 60.0;
    let idle1 = Effort::of(&instances);
    let read_share = 100.0 * (links3 - links2) as f64 / idle_minutes / links.max(1) as f64;
    table.row(
        "idle: links read by reconcile per minute",
        format!(
            "{:.0} ({read_share:.3}% of {links})",
            (links3 - links2) as f64 / idle_minutes
        ),
        "< 1% of links",
        Verdict::of(read_share < 1.0),
    );
    table.row(
        "idle: CPU per connection",
        format!(
            "{:.3} ms/s",
            1000.0 * (cpu3 - cpu2) / (idle_minutes * 60.0) / n
        ),
        "-",
        Verdict::Info,
    );
    idle1.since(&idle0).rows(table, "idle", idle_minutes * 60.0);
    table.row(
        "idle: Reservio requests per connection per minute",
        format!("{:.2}", (requests1 - requests0) as f64 / idle_minutes / n),
        format!(
            "≤ {:.2} (budget {} /s)",
            f64::from(plan.budget) * 60.0 / n,
            plan.budget
        ),
        Verdict::of(
            (requests1 - requests0) as f64 / idle_minutes / 60.0 <= f64::from(plan.budget) * 1.05,
        ),
    );
    let (missed,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(full_check_found), 0) AS BIGINT) FROM connections",
    )
    .fetch_one(db.pool())
    .await?;
    table.row(
        "links the safety net found the incremental reconcile missed",
        missed.to_string(),
        "0",
        Verdict::of(missed == 0),
    );
    drop(instances);
    // With the instances stopped, what the process holds is the fake systems' (as seeded, and
    // grown with all the run stored in them) and the bench's own: the peak less this is a
    // lower bound of the app's share, as the row above is an upper one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fakes_at_end = crate::memory::rss_kib()?;
    table.row(
        "the app's share at least: peak RSS − RSS once the app was stopped",
        format!(
            "{} (fake systems at the end {})",
            crate::memory::mib(peak.saturating_sub(fakes_at_end)),
            crate::memory::mib(fakes_at_end)
        ),
        "-",
        Verdict::Info,
    );
    table.note(format!(
        "scale: {} connections × {} bookings on {}; {activity_done} sandbox changes at {}/s \
         across all of them while {} changes were measured each way on {} appointments; \
         Reservio budget {} requests/s; polled target = max(quiet poll {} s, N × {} requests \
         per poll ÷ B) + 2 s = {}; {} mismatches open at the end; {} app instance(s) on the \
         one database, each with its own pool, worker and listener on a runtime of its own, \
         Termino's webhooks spread over them by partner (CPU per instance: its runtime's \
         threads{})",
        plan.connections,
        plan.bookings_per_connection,
        scratch.describe(),
        plan.activity_per_sec,
        plan.changes,
        lanes.len(),
        plan.budget,
        settings.quiet_poll_interval_secs,
        REQUESTS_PER_POLL,
        human(polled_target),
        open_mismatches(&db).await?,
        plan.instances,
        if scratch.url().backend() == Backend::Sqlite {
            " and SQLite's"
        } else {
            ""
        }
    ));
    Ok(lost)
}

/// What each instance had done by one moment: syncs finished (notified, polled) and CPU
/// seconds used.
struct Effort(Vec<(u64, u64, f64)>);

impl Effort {
    fn of(instances: &[Instance]) -> Effort {
        Effort(
            instances
                .iter()
                .map(|i| (i.syncs.notified(), i.syncs.polled(), i.cpu_secs()))
                .collect(),
        )
    }

    /// What was done between `earlier` and this.
    fn since(&self, earlier: &Effort) -> Effort {
        Effort(
            self.0
                .iter()
                .zip(&earlier.0)
                .map(|(now, then)| {
                    (
                        now.0.saturating_sub(then.0),
                        now.1.saturating_sub(then.1),
                        now.2 - then.2,
                    )
                })
                .collect(),
        )
    }

    /// One row per instance: its syncs (and its share of them all) and its CPU over `secs`.
    fn rows(&self, table: &mut Table, when: &str, secs: f64) {
        let all: u64 = self.0.iter().map(|(n, p, _)| n + p).sum();
        for (number, (notified, polled, cpu)) in (1..).zip(&self.0) {
            let syncs = notified + polled;
            table.row(
                format!("{when}: instance {number}: syncs (notified + polled), CPU"),
                format!(
                    "{syncs} ({notified} + {polled}; {:.0}% of {all}), {:.3} cores",
                    100.0 * syncs as f64 / all.max(1) as f64,
                    cpu / secs.max(0.001)
                ),
                "-",
                Verdict::Info,
            );
        }
    }
}
