//! Propagation latency: a real application with the sandbox and its worker, on port 0; a
//! change made directly in one fake system, and the time until the other fake system shows it.
//!
//! - Termino → Reservio rides on the notification: Termino calls the webhook, the worker syncs
//!   that connection at once. Changes run one after another.
//! - Reservio → Termino waits for the next poll. One change at a time would take hours for
//!   1,000 changes, so one lane per clean appointment runs concurrently, each lane pausing a
//!   random 0–interval before its next change so that changes land at random points of the
//!   poll cycle, as real ones do.
//!
//! Every change moves a booking to a time it never had before: a move back to an earlier time
//! would reuse an earlier push's idempotency key and measure something else.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, SystemsConfig};
use bookbridge::db::{Db, partners};
use bookbridge::domain::PartnerName;
use bookbridge::sandbox::world::Sandbox;
use rand::Rng;

use crate::report::{Table, Verdict};
use crate::scratch::Scratch;

/// What to run.
pub struct Plan {
    pub changes: usize,
    pub poll_interval_secs: u64,
    pub bookings_per_partner: usize,
    /// Agreeing links of one more connection, stored first so that every polling round of
    /// the worker also reconciles them, as it would in a database of production size. The
    /// sandbox does not know that connection, so its pulls fail; its reconcile runs anyway.
    pub background_links: u64,
}

/// The notified direction must arrive within this.
const NOTIFIED_TARGET: Duration = Duration::from_secs(2);
/// On top of the poll interval for the polled direction.
const POLLED_SLACK: Duration = Duration::from_secs(1);
/// How far each change moves a booking.
const STEP_SECS: i64 = 5 * 60;
/// A webhook address where nothing listens (the discard port on loopback).
const NOWHERE: &str = "http://127.0.0.1:9/notifications-off";
/// How often the fake systems are checked for the change's arrival.
const PROBE: Duration = Duration::from_millis(2);

/// One appointment on both sides, free of seeded trouble, that the benchmark moves around.
#[derive(Clone, Debug)]
pub(crate) struct Lane {
    business_id: String,
    booking_id: String,
    termino_partner_id: String,
    pub(crate) reservation_id: String,
}

/// The seeded appointments that start out in a mismatch (see the sandbox's seeding): moving
/// them would measure the mismatch handling, not propagation.
pub(crate) fn seeded_in_trouble(n: usize) -> bool {
    matches!(n % 40, 3 | 7 | 11 | 15 | 19)
}

/// Direction of one measured change.
#[derive(Clone, Copy)]
pub(crate) enum Direction {
    TerminoToReservio,
    ReservioToTermino,
}

/// Runs both directions and adds their rows to the table.
pub async fn measure(scratch: &Scratch, plan: &Plan, table: &mut Table) -> anyhow::Result<()> {
    // One key for the fixture written here and the app started below.
    let keys = bookbridge::config::KeySettings::in_memory(
        std::env::temp_dir().join(format!("bench-{}.checkpoints", std::process::id())),
    );
    let db = scratch.migrated_db(&keys).await?;
    add_demo_partners(&db).await?;
    if plan.background_links > 0 {
        let started = Instant::now();
        crate::fixture::store_links(&db, plan.background_links, Clock::System.now()).await?;
        eprintln!(
            "bench: {} background links stored in {:.0} s",
            plan.background_links,
            started.elapsed().as_secs_f64()
        );
    }

    let addr: SocketAddr = "127.0.0.1:0".parse().context("loopback address")?;
    let mut config = Config::new(scratch.url().clone(), addr);
    config.keys = Some(keys);
    config.systems = Some(SystemsConfig::Sandbox {
        bookings_per_partner: plan.bookings_per_partner,
    });
    config.run_worker = true;
    config.sync.poll_interval_secs = plan.poll_interval_secs;
    // The demo's activity generator stays off: `config.demo` is unset.
    let app = App::build(config, Clock::System).await?;
    let sandbox = app.sandbox().context("the sandbox runs when configured")?;
    let server = tokio::spawn(app.run());

    let lanes = lanes(&sandbox);
    anyhow::ensure!(
        !lanes.is_empty(),
        "no clean appointments: raise --bookings-per-partner"
    );
    // Background links make every round of the worker slower; give them time (about what
    // reconciling them takes on a slow machine) rather than calling a slow change lost.
    let slack = Duration::from_secs(30 + plan.background_links / 20_000);
    wait_until_linked(&db, lanes.len(), slack * 4).await?;
    let open_before = open_mismatches(&db).await?;

    let interval = Duration::from_secs(plan.poll_interval_secs.max(1));
    let timeout = interval + slack;

    let started = Instant::now();
    let notified = sequential(&sandbox, &lanes, plan.changes, timeout).await;
    eprintln!(
        "bench: Termino → Reservio: {} changes in {:.0} s",
        plan.changes,
        started.elapsed().as_secs_f64()
    );
    // Measure the poll alone: otherwise every change pushed to Termino notifies us, and the
    // sync that notification starts picks up the other lanes' Reservio changes early.
    for partner in sandbox.partners() {
        sandbox
            .termino
            .set_webhook(&partner.termino_partner_id, NOWHERE, "off")
            .map_err(|e| anyhow::anyhow!("cannot switch notifications off: {e}"))?;
    }
    let started = Instant::now();
    let polled = concurrent(&sandbox, &lanes, plan.changes, interval, timeout).await?;
    eprintln!(
        "bench: Reservio → Termino: {} changes in {:.0} s",
        plan.changes,
        started.elapsed().as_secs_f64()
    );
    // Changes must arrive as changes, not as conflicts or other mismatches.
    wait_until_linked(&db, lanes.len(), slack * 4).await?;
    let open_after = open_mismatches(&db).await?;
    server.abort();

    rows(
        table,
        "Termino → Reservio (notified)",
        &notified,
        NOTIFIED_TARGET,
        timeout,
    );
    rows(
        table,
        &format!("Reservio → Termino (polled every {} s)", interval.as_secs()),
        &polled,
        interval + POLLED_SLACK,
        timeout,
    );
    table.note(format!(
        "latency: {} changes each way on {} appointments of 3 sandbox partners; Termino → \
         Reservio one change at a time; Reservio → Termino with Termino's notifications \
         off, in {} concurrent lanes (one appointment each), each change after a random 0–{} s \
         pause",
        plan.changes,
        lanes.len(),
        lanes.len(),
        interval.as_secs()
    ));
    if plan.background_links > 0 {
        table.note(format!(
            "latency measured with {} more links of another connection stored, which every \
             polling round reconciles too",
            plan.background_links
        ));
    }
    if open_after != open_before {
        table.note(format!(
            "warning: {open_before} mismatches were open before the changes and {open_after} \
             after: some changes were not plain propagations"
        ));
    }
    Ok(())
}

/// Mismatches not yet resolved (the seeded ones, when all is well).
pub(crate) async fn open_mismatches(db: &Db) -> anyhow::Result<i64> {
    let (open,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
            .fetch_one(db.pool())
            .await?;
    Ok(open)
}

/// The sandbox connects the partners with the demo's names; the demo's users (and their
/// slow password hashes) are not needed.
async fn add_demo_partners(db: &Db) -> anyhow::Result<()> {
    let now = Clock::System.now();
    let mut tx = db.begin_write().await?;
    for name in bookbridge::demo::PARTNERS {
        let name = PartnerName::parse(name).map_err(|e| anyhow::anyhow!(e.0))?;
        partners::insert(&mut tx, &name, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) fn lanes(sandbox: &Sandbox) -> Vec<Lane> {
    let mut lanes = vec![];
    for partner in sandbox.partners() {
        for (n, (booking, reservation, _voucher)) in partner.appointments.iter().enumerate() {
            if booking.is_empty() || seeded_in_trouble(n) {
                continue;
            }
            lanes.push(Lane {
                business_id: partner.business_id.clone(),
                booking_id: booking.clone(),
                termino_partner_id: partner.termino_partner_id.clone(),
                reservation_id: reservation.clone(),
            });
        }
    }
    lanes
}

/// Waits for the first sync to link every appointment and finish its pushes, so that the
/// measured changes start from agreement.
async fn wait_until_linked(db: &Db, lanes: usize, patience: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + patience;
    loop {
        let (agreed,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM booking_links WHERE superseded_by IS NULL \
             AND base_start_at IS NOT NULL AND reservio_booking_id IS NOT NULL \
             AND termino_booking_id IS NOT NULL \
             AND connection_id IN (SELECT id FROM connections WHERE connection_code LIKE 'DEMO%')",
        )
        .fetch_one(db.pool())
        .await?;
        let (pending,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                .fetch_one(db.pool())
                .await?;
        if usize::try_from(agreed).unwrap_or_default() >= lanes && pending == 0 {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the sync did not settle within {} s ({agreed} links agreed, {pending} pushes pending)",
            patience.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One change in `direction` on `lane`; its latency, or `None` when it did not arrive in time.
async fn one_change(
    sandbox: &Sandbox,
    lane: &Lane,
    direction: Direction,
    timeout: Duration,
) -> anyhow::Result<Option<Duration>> {
    let current = sandbox
        .reservio
        .get_booking(&lane.business_id, &lane.booking_id)
        .context("a benchmark booking vanished from Reservio")?;
    let slot = (current.start_at + STEP_SECS, current.end_at + STEP_SECS);
    let started = Instant::now();
    match direction {
        Direction::TerminoToReservio => sandbox
            .termino
            .reschedule_by_partner(
                &lane.termino_partner_id,
                &lane.reservation_id,
                slot.0,
                slot.1,
            )
            .map_err(|e| anyhow::anyhow!("Termino refused the move: {e}"))?,
        Direction::ReservioToTermino => anyhow::ensure!(
            sandbox
                .reservio
                .staff_move(&lane.business_id, &lane.booking_id, slot.0, slot.1),
            "a benchmark booking vanished from Reservio"
        ),
    }
    loop {
        let arrived = match direction {
            Direction::TerminoToReservio => sandbox
                .reservio
                .get_booking(&lane.business_id, &lane.booking_id)
                .map(|b| (b.start_at, b.end_at)),
            Direction::ReservioToTermino => sandbox
                .termino
                .get_reservation(&lane.termino_partner_id, &lane.reservation_id)
                .map(|r| (r.start_at, r.end_at)),
        };
        if arrived == Some(slot) {
            return Ok(Some(started.elapsed()));
        }
        if started.elapsed() > timeout {
            return Ok(None);
        }
        tokio::time::sleep(PROBE).await;
    }
}

/// A notified change slower than this is named on stderr.
const SLOW_NOTIFIED: Duration = Duration::from_secs(2);

/// Changes one after another, going round the lanes.
pub(crate) async fn sequential(
    sandbox: &Sandbox,
    lanes: &[Lane],
    changes: usize,
    timeout: Duration,
) -> Vec<Option<Duration>> {
    let mut samples = Vec::with_capacity(changes);
    for i in 0..changes {
        let lane = &lanes[i % lanes.len()];
        let began = Clock::System.now();
        match one_change(sandbox, lane, Direction::TerminoToReservio, timeout).await {
            Ok(sample) => {
                // A slow one is named, so its way can be followed in the audit trail.
                if sample.is_none_or(|took| took > SLOW_NOTIFIED) {
                    eprintln!(
                        "bench: notified change {i} (Termino reservation {}, made at Unix \
                         {began}) took {}",
                        lane.reservation_id,
                        sample.map_or_else(|| "too long".to_string(), human)
                    );
                }
                samples.push(sample)
            }
            Err(e) => {
                eprintln!("bench: change {i} not made: {e}");
                samples.push(None);
            }
        }
    }
    samples
}

/// Changes in every lane at once, each lane one change at a time after a random pause.
pub(crate) async fn concurrent(
    sandbox: &Arc<Sandbox>,
    lanes: &[Lane],
    changes: usize,
    interval: Duration,
    timeout: Duration,
) -> anyhow::Result<Vec<Option<Duration>>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = vec![];
    for lane in lanes {
        // Each task owns its lane: tasks outlive this borrow as far as the compiler knows.
        let lane = lane.clone();
        let sandbox = sandbox.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = vec![];
            while next.fetch_add(1, Ordering::SeqCst) < changes {
                let pause = rand::rng().random_range(Duration::ZERO..interval);
                tokio::time::sleep(pause).await;
                match one_change(&sandbox, &lane, Direction::ReservioToTermino, timeout).await {
                    Ok(sample) => samples.push(sample),
                    Err(e) => {
                        eprintln!("bench: change not made: {e}");
                        samples.push(None);
                    }
                }
            }
            samples
        }));
    }
    let mut all = Vec::with_capacity(changes);
    for task in tasks {
        all.extend(task.await.context("a latency lane panicked")?);
    }
    Ok(all)
}

/// The value at rank ⌈p·n⌉ of the sorted samples (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub(crate) fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.0} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Adds the p50, p99 and lost rows of one direction; returns how many changes were lost.
pub(crate) fn rows(
    table: &mut Table,
    what: &str,
    samples: &[Option<Duration>],
    p99_target: Duration,
    timeout: Duration,
) -> usize {
    let missed = samples.iter().filter(|s| s.is_none()).count();
    // A change that never arrived counts as the timeout: a lower bound that still fails p99.
    let mut sorted: Vec<Duration> = samples.iter().map(|s| s.unwrap_or(timeout)).collect();
    sorted.sort();
    let max = sorted.last().copied().unwrap_or_default();
    table.row(
        format!("{what}: p50"),
        human(percentile(&sorted, 0.50)),
        "-",
        Verdict::Info,
    );
    let p99 = percentile(&sorted, 0.99);
    table.row(
        format!("{what}: p99"),
        format!("{} (max {})", human(p99), human(max)),
        format!("< {}", human(p99_target)),
        Verdict::of(p99 < p99_target && missed * 100 <= samples.len()),
    );
    table.row(
        format!(
            "{what}: changes lost (never arrived within {})",
            human(timeout)
        ),
        format!("{missed} of {}", samples.len()),
        "0",
        Verdict::of(missed == 0),
    );
    missed
}
