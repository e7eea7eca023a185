//! A channel's whole partner base (`--connections N`): N sandbox partners with their bookings,
//! the activity generator running across all of them, a Reservio budget for the deployment;
//! propagation both ways measured while the activity runs, what reconcile reads, the process's
//! CPU and memory, and what a connection costs when nothing happens.
//!
//! The app runs as `bookbridge serve` processes of its own (see [`crate::instances`]); the fake
//! systems run in the bench's process. So the app's CPU and memory are its processes', counted
//! apart from the fakes'.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bookbridge::clock::Clock;
use bookbridge::db::{Backend, Db, partners};
use bookbridge::domain::PartnerName;
use bookbridge::sandbox::reservio::RequestKind;
use bookbridge::sandbox::world::Sandbox;

use crate::instances::{Counts, Instance, Setup};
use crate::latency::{concurrent, human, lanes, open_mismatches, rows, sequential};
use crate::report::{Table, Verdict};
use crate::scratch::Scratch;

/// What to run.
pub struct Plan {
    pub connections: usize,
    pub bookings_per_connection: usize,
    /// Requests per second to Reservio for the deployment.
    pub budget: u32,
    /// Requests per second to Reservio through the first sync; when it is not `budget`, the
    /// instances restart with `budget` once every connection has synced.
    pub first_sync_budget: u32,
    /// Sandbox changes per second across all connections while measuring.
    pub activity_per_sec: f64,
    /// Changes measured in each direction.
    pub changes: usize,
    /// Seconds of measuring quiet after the activity.
    pub idle_secs: u64,
    /// App instances on the one database (PostgreSQL when more than one).
    pub instances: usize,
    /// Leave the instances' logs behind (`--keep`).
    pub keep_logs: bool,
}

const NOTIFIED_TARGET: Duration = Duration::from_secs(2);
/// Lanes (appointments moved concurrently) of the polled direction.
const POLLED_LANES: usize = 40;
/// Reservio requests one poll of a connection costs in the sandbox (the documented variant,
/// window of 100 bookings at 50 a page: docs/reservio.md "What one poll costs"): what the
/// settling and the waits are sized on before anything is measured.
const REQUESTS_PER_POLL: f64 = 2.0;
/// Reservio requests of a move's push besides the poll of its sync: the booking read for its
/// event, the event's update and the booking's read-back (`ReservioClient::update_time`).
const REQUESTS_PER_MOVE: f64 = 3.0;

/// What the polled bound depends on besides the measured costs: the schedule's two intervals,
/// the channel's size and the budget.
struct Schedule {
    /// Seconds between polls of a quiet connection (`BOOKBRIDGE_QUIET_POLL_SECS`).
    quiet: f64,
    /// Seconds between polls of a connection that just changed (`BOOKBRIDGE_POLL_SECS`).
    active: f64,
    connections: f64,
    budget: f64,
}

impl Schedule {
    /// Seconds for every connection to be polled once at `per_poll` requests each, with the
    /// budget's `left` requests a second.
    fn round(&self, per_poll: f64, left: f64) -> f64 {
        if left <= 0.0 {
            return f64::INFINITY;
        }
        self.connections * per_poll / left
    }

    /// Worst-case polled propagation less one sync (README, "Polling Reservio within a
    /// budget"): the notified syncs, `notified_per_sec` a second at `per_notified` requests
    /// each, take their requests first; due connections queue oldest first, and a connection
    /// that just changed joins the queue after `active` seconds instead of `quiet`, so a quiet
    /// one waits at most `quiet` plus the round less `active`.
    fn polled_bound(&self, per_poll: f64, per_notified: f64, notified_per_sec: f64) -> f64 {
        let round = self.round(per_poll, self.budget - notified_per_sec * per_notified);
        self.quiet + (round - self.active).max(0.0)
    }
}

/// The syncs an instance runs at once in each lane: `BOOKBRIDGE_SYNC_CONCURRENCY`, which the
/// instances take from the bench's environment, or the app's default for the database.
fn sync_places(backend: Backend) -> String {
    std::env::var("BOOKBRIDGE_SYNC_CONCURRENCY")
        .unwrap_or_else(|_| bookbridge::sync::Settings::default_concurrency(backend).to_string())
}

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
    // One key file for the bench (which seeds the connections' sealed credentials) and the
    // instances (which open them).
    let key_file = std::env::temp_dir().join(format!("bench-scale-{}.key", std::process::id()));
    let _remove = RemoveOnDrop(vec![
        key_file.clone(),
        key_file.with_extension("checkpoints"),
    ]);
    let keys = bookbridge::config::KeySettings::load(&key_file, None, true)
        .map_err(|e| anyhow::anyhow!("cannot create the bench's key file: {e:?}"))?;
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
        key_file: &key_file,
        sandbox: &sandbox,
        budget: plan.first_sync_budget,
    };
    let mut instances = (1..=plan.instances)
        .map(|number| Instance::reserve(number, plan.keep_logs))
        .collect::<anyhow::Result<Vec<_>>>()?;
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
    for instance in &mut instances {
        instance.start(&setup).await?;
    }
    let first = wait_for_first_syncs(&db, Duration::from_secs(3 * 3600)).await?;
    eprintln!(
        "bench: first sync of every connection took {:.0} s",
        first.as_secs_f64()
    );
    let at_first = Effort::of(&instances).await?;
    let spread: Vec<String> = at_first
        .0
        .iter()
        .map(|(counts, _)| (counts.notified + counts.polled).to_string())
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
    let first_peak = app_peak_kib(&instances)?;
    table.row(
        "the app's peak RSS through the first sync (its processes, fakes apart)",
        crate::memory::mib(first_peak),
        "-",
        Verdict::Info,
    );
    let n = plan.connections as f64;
    let quiet = settings.quiet_poll_interval_secs as f64;
    let schedule = Schedule {
        quiet,
        active: settings.poll_interval_secs.max(1) as f64,
        connections: n,
        budget: f64::from(plan.budget),
    };
    // One round of the budget: every connection polled once at B, never sooner than the quiet
    // interval (the notified syncs' share and the polls' real cost are not known yet).
    let round = schedule
        .round(REQUESTS_PER_POLL, schedule.budget)
        .max(quiet);
    if plan.first_sync_budget != plan.budget {
        // Everything from here on runs on the deployment's budget B.
        let setup = Setup {
            budget: plan.budget,
            ..setup
        };
        for instance in &mut instances {
            instance.stop();
            instance.start(&setup).await?;
        }
        // The faster first sync left every connection's next poll due within a short span;
        // one round lets the schedule spread as a deployment running at B has it.
        eprintln!(
            "bench: instances restarted with the budget of {} requests/s; settling for {round:.0} s",
            plan.budget
        );
        tokio::time::sleep(Duration::from_secs_f64(round)).await;
    }

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
    for instance in &instances {
        instance.reset_peak();
    }
    let (fakes_cpu0, wall0) = (crate::cpu::process_secs(), Instant::now());
    let busy0 = Effort::of(&instances).await?;
    // Until the costs and the notified syncs' share are measured, waits are sized on the
    // budget alone, with room: while the activity ran, a poll has cost up to 1.6 times the
    // nominal c and the notified syncs have taken up to a third of the budget (a round 2.4
    // times the nominal one), so a move counts as lost only after twice the bound at one and a
    // half times the nominal c. (1.5 times the nominal bound gave up on 34 of 50 moves at
    // 10,000 connections, whose bound by the measured costs was 902 s against 713 s.)
    let timeout = Duration::from_secs_f64(
        2.0 * schedule.polled_bound(
            1.5 * REQUESTS_PER_POLL,
            REQUESTS_PER_POLL + REQUESTS_PER_MOVE,
            0.0,
        ) + 30.0,
    );
    let notified = sequential(&sandbox, &lanes, plan.changes, timeout).await;
    eprintln!(
        "bench: {} notified moves measured after {:.0} s",
        notified.len(),
        wall0.elapsed().as_secs_f64()
    );
    let (busy_polled, polled_from) = (Effort::of(&instances).await?, Instant::now());
    let (reservio_polled0, _) = sandbox.reservio.traffic();
    let kinds_polled0 = sandbox.reservio.traffic_by_kind();
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
    let (fakes_cpu1, wall1) = (crate::cpu::process_secs(), Instant::now());
    let busy1 = Effort::of(&instances).await?;
    let (reservio_polled1, _) = sandbox.reservio.traffic();
    let kinds_polled1 = sandbox.reservio.traffic_by_kind();
    let active = busy1.since(&busy0);
    let during_polled = busy1.since(&busy_polled);
    let polled_secs = wall1.duration_since(polled_from).as_secs_f64().max(0.001);
    let notified_per_sec = during_polled.notified() as f64 / polled_secs;
    // What a sync of each lane cost while the polled moves ran, from the instances' own counts
    // of the requests they took from the budget.
    let (per_poll, per_notified) = during_polled.requests_per_sync();
    let polled_target = Duration::from_secs_f64(
        schedule.polled_bound(per_poll, per_notified, notified_per_sec) + 2.0,
    );
    // The same bound with the documented variant's nominal costs, for comparison.
    let nominal_target = schedule.polled_bound(
        REQUESTS_PER_POLL,
        REQUESTS_PER_POLL + REQUESTS_PER_MOVE,
        notified_per_sec,
    ) + 2.0;
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
    // What the formula's c and the budget look like in fact while the polled moves ran: the
    // requests Reservio answered, a second and per sync (notified or polled).
    let polled_requests = reservio_polled1.saturating_sub(reservio_polled0) as f64;
    let polled_syncs = during_polled.syncs();
    table.row(
        "Reservio requests while the polled moves ran: a second; per sync",
        format!(
            "{:.1} /s (budget {}); {:.2} per sync ({polled_syncs} syncs): a poll {per_poll:.2} \
             (c), a notified sync {per_notified:.2} (c_n); with the nominal c = 2, c_n = 5 the \
             target would be {}",
            polled_requests / polled_secs,
            plan.budget,
            polled_requests / polled_syncs.max(1) as f64,
            human(Duration::from_secs_f64(nominal_target)),
        ),
        "-",
        Verdict::Info,
    );
    table.row(
        "Reservio requests while the polled moves ran, by kind, per sync",
        by_kind(&kinds_polled0, &kinds_polled1, polled_syncs),
        "-",
        Verdict::Info,
    );
    // Whether the budget or the worker's places bound the syncs: a sync holds a place from its
    // claim to its end, so the mean number under way is their seconds over the wall's.
    table.row(
        "syncs while the polled moves ran: a second; mean time each; mean under way",
        format!(
            "{:.1} /s; {:.0} ms; {:.1} (of {} places an instance, each lane)",
            polled_syncs as f64 / polled_secs,
            1000.0 * during_polled.sync_secs() / polled_syncs.max(1) as f64,
            during_polled.sync_secs() / polled_secs,
            sync_places(db.backend()),
        ),
        "-",
        Verdict::Info,
    );
    let links_read = active.links_read();
    table.row(
        "links read by reconcile per minute, activity running",
        format!(
            "{:.0} ({:.2}% of {links})",
            links_read as f64 / minutes,
            100.0 * links_read as f64 / minutes / links.max(1) as f64
        ),
        "-",
        Verdict::Info,
    );
    table.row(
        "the app's CPU, activity running (fake systems apart)",
        format!(
            "{:.2} cores (fake systems and bench {:.2})",
            active.cpu_secs() / (minutes * 60.0),
            (fakes_cpu1 - fakes_cpu0) / (minutes * 60.0)
        ),
        "-",
        Verdict::Info,
    );
    active.rows(table, "activity running", minutes * 60.0);
    let peak = app_peak_kib(&instances)?;
    table.row(
        "the app's peak RSS, activity running (its processes, fakes apart)",
        crate::memory::mib(peak),
        "< 500 MiB",
        Verdict::of(peak < 500 * 1024),
    );
    table.row(
        "peak RSS of the fake systems (and the bench), activity running",
        crate::memory::mib(crate::memory::peak_rss_kib()?),
        "-",
        Verdict::Info,
    );

    // Quiet: no activity, nothing to carry over. What does a connection cost?
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (requests0, _) = sandbox.reservio.traffic();
    let kinds_idle0 = sandbox.reservio.traffic_by_kind();
    let wall2 = Instant::now();
    let idle0 = Effort::of(&instances).await?;
    tokio::time::sleep(Duration::from_secs(plan.idle_secs)).await;
    let (requests1, _) = sandbox.reservio.traffic();
    let kinds_idle1 = sandbox.reservio.traffic_by_kind();
    let idle = Effort::of(&instances).await?.since(&idle0);
    let idle_minutes = wall2.elapsed().as_secs_f64() / 60.0;
    let idle_read = idle.links_read();
    let read_share = 100.0 * idle_read as f64 / idle_minutes / links.max(1) as f64;
    table.row(
        "idle: links read by reconcile per minute",
        format!(
            "{:.0} ({read_share:.3}% of {links})",
            idle_read as f64 / idle_minutes
        ),
        "< 1% of links",
        Verdict::of(read_share < 1.0),
    );
    table.row(
        "idle: CPU per connection",
        format!(
            "{:.3} ms/s",
            1000.0 * idle.cpu_secs() / (idle_minutes * 60.0) / n
        ),
        "-",
        Verdict::Info,
    );
    idle.rows(table, "idle", idle_minutes * 60.0);
    table.row(
        "idle: Reservio requests per sync",
        format!(
            "{:.2} ({} syncs)",
            (requests1 - requests0) as f64 / idle.syncs().max(1) as f64,
            idle.syncs()
        ),
        "-",
        Verdict::Info,
    );
    table.row(
        "idle: Reservio requests by kind, per sync",
        by_kind(&kinds_idle0, &kinds_idle1, idle.syncs()),
        "-",
        Verdict::Info,
    );
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
    table.note(format!(
        "scale: {} connections × {} bookings on {}; {activity_done} sandbox changes at {}/s \
         across all of them while {} changes were measured each way on {} appointments; \
         Reservio budget B = {} requests/s ({} through the first sync); polled target = Q + \
         max(0, N × c ÷ (B − n × c_n) − A) + 2 s = {} with Q = {} s (quiet poll), A = {} s \
         (active poll), c = {per_poll:.2} requests a poll, c_n = {per_notified:.2} a notified \
         sync and n = {notified_per_sec:.2} notified syncs/s, all measured while the polled \
         moves ran; {} mismatches open at the end; {} app instance(s) on the one database, each a \
         `bookbridge serve` process, Termino's webhooks spread over them by partner",
        plan.connections,
        plan.bookings_per_connection,
        scratch.describe(),
        plan.activity_per_sec,
        plan.changes,
        lanes.len(),
        plan.budget,
        plan.first_sync_budget,
        human(polled_target),
        settings.quiet_poll_interval_secs,
        settings.poll_interval_secs,
        open_mismatches(&db).await?,
        plan.instances,
    ));
    Ok(lost)
}

/// The requests Reservio answered between two readings of its counts, by kind, per sync.
fn by_kind(before: &[(RequestKind, u64)], after: &[(RequestKind, u64)], syncs: u64) -> String {
    before
        .iter()
        .zip(after)
        .map(|((kind, then), (_, now))| {
            format!(
                "{}: {:.2}",
                match kind {
                    RequestKind::Listing => "booking pages",
                    RequestKind::Single => "single reads",
                    RequestKind::Write => "writes",
                    RequestKind::Other => "other",
                },
                now.saturating_sub(*then) as f64 / syncs.max(1) as f64
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sum of the instances' peak resident sizes (KiB).
fn app_peak_kib(instances: &[Instance]) -> anyhow::Result<u64> {
    instances.iter().map(Instance::peak_rss_kib).sum()
}

/// Removes the bench's own files (the key file and its checkpoints) when the run ends.
struct RemoveOnDrop(Vec<std::path::PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// What each instance had done by one moment: its counts and the CPU seconds it used.
struct Effort(Vec<(Counts, f64)>);

impl Effort {
    async fn of(instances: &[Instance]) -> anyhow::Result<Effort> {
        let mut each = Vec::with_capacity(instances.len());
        for instance in instances {
            each.push((instance.counts().await?, instance.cpu_secs()));
        }
        Ok(Effort(each))
    }

    /// What was done between `earlier` and this.
    fn since(&self, earlier: &Effort) -> Effort {
        Effort(
            self.0
                .iter()
                .zip(&earlier.0)
                .map(|((now, now_cpu), (then, then_cpu))| {
                    (
                        Counts {
                            notified: now.notified.saturating_sub(then.notified),
                            polled: now.polled.saturating_sub(then.polled),
                            links_read: now.links_read.saturating_sub(then.links_read),
                            sync_secs: now.sync_secs - then.sync_secs,
                            requests_notified: now
                                .requests_notified
                                .saturating_sub(then.requests_notified),
                            requests_polled: now
                                .requests_polled
                                .saturating_sub(then.requests_polled),
                        },
                        now_cpu - then_cpu,
                    )
                })
                .collect(),
        )
    }

    /// Reservio requests per sync of each lane: (polled, notified); 0 for a lane without syncs.
    fn requests_per_sync(&self) -> (f64, f64) {
        let sum = |f: fn(&Counts) -> u64| self.0.iter().map(|(c, _)| f(c)).sum::<u64>() as f64;
        let per = |requests: f64, syncs: f64| if syncs > 0.0 { requests / syncs } else { 0.0 };
        (
            per(sum(|c| c.requests_polled), sum(|c| c.polled)),
            per(sum(|c| c.requests_notified), sum(|c| c.notified)),
        )
    }

    fn notified(&self) -> u64 {
        self.0.iter().map(|(counts, _)| counts.notified).sum()
    }

    fn syncs(&self) -> u64 {
        self.0
            .iter()
            .map(|(counts, _)| counts.notified + counts.polled)
            .sum()
    }

    /// Seconds the syncs took in all.
    fn sync_secs(&self) -> f64 {
        self.0.iter().map(|(counts, _)| counts.sync_secs).sum()
    }

    fn links_read(&self) -> u64 {
        self.0.iter().map(|(counts, _)| counts.links_read).sum()
    }

    fn cpu_secs(&self) -> f64 {
        self.0.iter().map(|(_, cpu)| cpu).sum()
    }

    /// One row per instance: its syncs (and its share of them all) and its CPU over `secs`.
    fn rows(&self, table: &mut Table, when: &str, secs: f64) {
        let all: u64 = self.0.iter().map(|(c, _)| c.notified + c.polled).sum();
        for (number, (counts, cpu)) in (1..).zip(&self.0) {
            let syncs = counts.notified + counts.polled;
            table.row(
                format!("{when}: instance {number}: syncs (notified + polled), CPU"),
                format!(
                    "{syncs} ({} + {}; {:.0}% of {all}), {:.3} cores",
                    counts.notified,
                    counts.polled,
                    100.0 * syncs as f64 / all.max(1) as f64,
                    cpu / secs.max(0.001)
                ),
                "-",
                Verdict::Info,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    const CHANNEL: Schedule = Schedule {
        quiet: 60.0,
        active: 5.0,
        connections: 10_000.0,
        budget: 50.0,
    };

    #[test]
    fn the_polled_bound_is_the_quiet_interval_plus_the_round_less_the_active_interval() {
        // README's example: 10,000 connections, B = 50, c = 2: a round of 400 s.
        assert_eq!(CHANNEL.round(2.0, 50.0), 400.0);
        assert_eq!(CHANNEL.polled_bound(2.0, 4.0, 0.0), 455.0);
        // Half a notified sync a second at 5 requests takes 2.5 of each second's 50.
        let stretched = CHANNEL.polled_bound(2.0, 5.0, 0.5);
        assert!(
            (stretched - (60.0 + 20_000.0 / 47.5 - 5.0)).abs() < 1e-9,
            "{stretched}"
        );
        // A small channel waits for the quiet interval, not the budget.
        let small = Schedule {
            connections: 100.0,
            ..CHANNEL
        };
        assert_eq!(small.polled_bound(2.0, 4.0, 1.0), 60.0);
        // Notified syncs that take the whole budget leave the polls nothing.
        assert!(small.polled_bound(2.0, 25.0, 2.0).is_infinite());
    }
}
