//! bookbridge under contention and as several instances, on both databases:
//!
//! - fifty concurrent writers (some of them cancelled mid-transaction, as web requests are when
//!   a client goes away) next to the sync worker and web requests: no writer ever sees
//!   SQLITE_BUSY or any other error, and the audit chain stays intact;
//! - two app instances on one database, sharing nothing in memory: a session made on one works
//!   on the other, both run the worker, no change is applied twice, and when one is killed the
//!   other finishes the work;
//! - a short soak (`src/bin/soak`): the real `bookbridge serve` as a child process under sandbox
//!   activity at ten times the demo's pace, 20 % faults, page load and three SIGKILLs, after
//!   which nothing is lost, applied twice or deleted.
//!
//! - PostgreSQL restarted under load (a private server of the test's own): the app answers
//!   again within 10 s and no 5xx is left after that.
//!
//! `BOOKBRIDGE_CONTENTION_SECS` sets how long the writers run (default 5; the soak runs 60).

mod common;
#[path = "resilience/postgres_restart.rs"]
mod postgres_restart;

use bookbridge::web::paths;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bookbridge::app::App;
use bookbridge::audit::{self, Actor, Event, Verdict};
use bookbridge::clock::Clock;
use bookbridge::config::SystemsConfig;
use bookbridge::sync::sync_all;
use common::TestApp;
use common::world::{DAY, HOUR, World, tomorrow};
use libtest_mimic::{Failed, Trial};

fn main() {
    common::run_configured(
        |config| {
            config.systems = Some(SystemsConfig::Sandbox {
                bookings_per_partner: 10,
            });
            config.run_worker = false;
        },
        {
            let mut plain = short_soak_trials();
            plain.push(postgres_restart::trial());
            plain
        },
        tests![
            fifty_concurrent_writers_never_see_busy_and_the_chain_stays_intact,
            two_instances_on_one_database_share_sessions_and_finish_each_others_work,
        ],
    );
}

/// The short soak, once per database: it runs a binary of its own rather than an app in this
/// process, so these are plain trials. PostgreSQL is ignored, with the reason, without
/// `TEST_DATABASE_URL`, as the harness does.
fn short_soak_trials() -> Vec<Trial> {
    const NAME: &str =
        "a_short_soak_with_kills_faults_and_page_load_loses_nothing_and_applies_nothing_twice";
    let sqlite = Trial::test(format!("sqlite::{NAME}"), || short_soak(None));
    let postgres = match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => Trial::test(format!("postgres::{NAME}"), move || short_soak(Some(&url))),
        None => Trial::test(format!("postgres::{NAME}"), || {
            Err("skipped: TEST_DATABASE_URL is not set".into())
        })
        .with_ignored_flag(true),
    };
    vec![sqlite, postgres]
}

/// Runs the soak binary (the test build's `bookbridge` sits next to it) for 20 s with three
/// kills; about 90 s in all, most of it the settling after the last kill, when a connection
/// whose sync was cut off stays leased for a minute.
fn short_soak(database_url: Option<&str>) -> Result<(), Failed> {
    let mut soak = std::process::Command::new(env!("CARGO_BIN_EXE_soak"));
    soak.args([
        "--seconds",
        "20",
        "--kills",
        "3",
        "--activity-rate",
        "10",
        "--faults",
        "0.2",
        "--connections",
        "2",
    ]);
    if let Some(url) = database_url {
        soak.args(["--database-url", url]);
    }
    let output = soak
        .output()
        .map_err(|e| format!("cannot run the soak: {e}"))?;
    let table = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    let summary = table
        .lines()
        .find(|l| l.starts_with("soak result:"))
        .unwrap_or("");
    let count = |name: &str| {
        summary
            .split_whitespace()
            .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    let checks = [
        ("lost", count("lost")),
        ("applied_twice", count("applied_twice")),
        ("deleted", count("deleted")),
    ];
    let wrong: Vec<String> = checks
        .iter()
        .filter(|(_, n)| n.as_deref() != Some("0"))
        .map(|(name, n)| format!("{name}={}", n.as_deref().unwrap_or("missing")))
        .collect();
    if !output.status.success() || !wrong.is_empty() {
        return Err(format!(
            "the soak failed ({}; {}):\n{table}\n{log}",
            output.status,
            if wrong.is_empty() {
                "every count is 0".to_string()
            } else {
                wrong.join(", ")
            }
        )
        .into());
    }
    eprintln!("{summary}");
    Ok(())
}

fn contention_secs() -> u64 {
    std::env::var("BOOKBRIDGE_CONTENTION_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
}

async fn fifty_concurrent_writers_never_see_busy_and_the_chain_stays_intact(app: TestApp) {
    let deadline = Instant::now() + Duration::from_secs(contention_secs());
    let writes = Arc::new(AtomicU64::new(0));
    let cancelled = Arc::new(AtomicU64::new(0));
    let mut writers = vec![];
    for writer in 0..50_u64 {
        let db = app.db.clone();
        let clock = app.clock.clone();
        let writes = writes.clone();
        let cancelled = cancelled.clone();
        writers.push(tokio::spawn(async move {
            let mut errors = vec![];
            let mut round = 0_u64;
            while Instant::now() < deadline {
                round += 1;
                let write = async {
                    let mut tx = db.begin_write().await?;
                    sqlx::query("UPDATE partners SET created_at = created_at WHERE id = 1")
                        .execute(&mut *tx)
                        .await?;
                    audit::append(
                        &mut tx,
                        clock.now(),
                        Event::new(&Actor::System, "test.contention", "writer", writer)
                            .after(serde_json::json!({ "round": round })),
                    )?;
                    tx.commit().await?;
                    Ok::<_, sqlx::Error>(())
                };
                // Every seventh write is abandoned part-way, as a request whose client left.
                if (writer + round) % 7 == 0 {
                    let patience = Duration::from_micros((writer * 37 + round * 101) % 3000);
                    match tokio::time::timeout(patience, write).await {
                        Ok(Ok(())) => {
                            writes.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(Err(e)) => errors.push(e.to_string()),
                        Err(_) => {
                            cancelled.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                } else {
                    match write.await {
                        Ok(()) => {
                            writes.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
            errors
        }));
    }
    // The worker syncs and the web serves pages and writes sessions meanwhile.
    let w = World::of(&app);
    let worker = {
        let ctx = w.ctx.clone();
        tokio::spawn(async move {
            let mut failures = vec![];
            while Instant::now() < deadline {
                for (_, outcome) in sync_all(&ctx).await.unwrap_or_default() {
                    if let Err(e) = outcome {
                        failures.push(e.to_string());
                    }
                }
            }
            failures
        })
    };
    let client = app.login("partner@demo.test").await;
    let mut server_errors = vec![];
    let mut pages = 0;
    while Instant::now() < deadline {
        for path in [paths::BOOKINGS, "/", paths::AUDIT] {
            let status = app.get(&client, path).await.status();
            pages += 1;
            if status.is_server_error() {
                server_errors.push((path, status));
            }
        }
        let switched = app
            .post_form(
                &client,
                "/",
                paths::LANGUAGE,
                &[("lang", "pl"), ("next", "/")],
            )
            .await
            .status();
        if switched.is_server_error() {
            server_errors.push((paths::LANGUAGE, switched));
        }
    }
    let mut errors = vec![];
    for writer in writers {
        errors.extend(writer.await.expect("writer task"));
    }
    let worker_errors = worker.await.expect("worker task");
    let writes = writes.load(Ordering::Relaxed);
    eprintln!(
        "{}: {writes} writes, {} abandoned mid-way, {pages} pages in {} s",
        app.backend.name(),
        cancelled.load(Ordering::Relaxed),
        contention_secs()
    );
    assert!(
        errors.is_empty(),
        "writers saw: {:?}",
        &errors[..errors.len().min(5)]
    );
    assert!(
        worker_errors.is_empty(),
        "the worker saw: {:?}",
        &worker_errors[..worker_errors.len().min(5)]
    );
    assert!(server_errors.is_empty(), "{server_errors:?}");
    assert!(writes > 50, "the writers got through: {writes}");
    match audit::verify(&app.db).await.expect("verify") {
        Verdict::Intact { rows } => assert!(rows as u64 >= writes),
        broken => panic!("the audit chain broke: {broken:?}"),
    }
}

/// Starts another instance of the app on the test's database and sandbox, with the worker on,
/// a real clock and short leases (so the survivor of a kill takes over within seconds).
async fn instance(app: &TestApp, w: &World) -> (String, tokio::task::JoinHandle<()>) {
    let mut config = common::test_config(app.database_url.clone());
    config.demo = None;
    config.run_worker = true;
    config.systems = Some(SystemsConfig::Remote {
        reservio_url: w.sandbox.reservio.url(),
        termino_url: w.sandbox.termino.url(),
    });
    // Termino's changes through the channel feed, read by one instance at a time.
    config.termino_channel_token = Some(w.sandbox.termino_channel_token.clone());
    config.sync.lease_secs = 3;
    config.sync.poll_interval_secs = 1;
    config.sync.retry_base_secs = 1;
    let built = App::build(config, Clock::System)
        .await
        .expect("a second instance starts");
    let base = format!("http://127.0.0.1:{}", built.port());
    let task = tokio::spawn(async move {
        let _ = built.run().await;
    });
    (base, task)
}

async fn two_instances_on_one_database_share_sessions_and_finish_each_others_work(app: TestApp) {
    let w = World::of(&app);
    let (one, first) = instance(&app, &w).await;
    let (two, second) = instance(&app, &w).await;

    // A session made on one instance works on the other: it lives in the database.
    let client = app.client();
    let token = app.csrf(&client, paths::LOGIN).await;
    let login = client
        .post(format!("{one}/login"))
        .form(&[
            ("email", "partner@demo.test"),
            ("password", common::DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("login on the first instance");
    assert_eq!(login.status(), 303);
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let on_two = bare
        .get(format!("{two}/bookings"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("the second instance answers");
    assert_eq!(
        on_two.status(),
        200,
        "the session works on the other instance"
    );

    // Changes on both sides while both workers run; then the first instance dies.
    let start = tomorrow(&app) + 3 * DAY;
    let mut made = vec![];
    for i in 0..12_u32 {
        made.push(w.redeem((i % 3) as usize, start + i64::from(i) * 2 * HOUR, 500 + i));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    first.abort();
    let _ = first.await;
    let moved = start + 20 * DAY;
    for (k, (reservation, _)) in made.iter().enumerate().take(6) {
        let (_, _, duration) = w.offer(k % 3);
        let at = moved + k as i64 * HOUR;
        let _ = w.sandbox.termino.reschedule_by_partner(
            &w.partner.termino_partner_id,
            reservation,
            at,
            at + duration,
        );
    }
    // The survivor finishes everything: every voucher in the calendar once, at its time.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done = made.iter().enumerate().all(|(k, (reservation, voucher))| {
            let want = w.reservation(reservation).start_at;
            let ok = w
                .calendar_booking(voucher)
                .is_some_and(|b| b.start_at == want);
            ok && (k >= 6 || want >= moved)
        });
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the surviving instance did not finish the work"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    second.abort();
    // Until the aborted task is gone it may still commit a row, and the chain is read below.
    let _ = second.await;
    for (_, voucher) in &made {
        assert_eq!(
            w.calendar_bookings_for(voucher),
            1,
            "{voucher} created once"
        );
    }
    let mut keys = std::collections::HashMap::new();
    for effect in w.sandbox.termino.effects() {
        *keys.entry(effect.idempotency_key).or_insert(0) += 1;
    }
    assert!(
        keys.values().all(|n| *n == 1),
        "every Termino change applied once"
    );
    let mut creates = std::collections::HashMap::new();
    for effect in w.sandbox.reservio.effects() {
        if effect.kind == bookbridge::sandbox::reservio::EffectKind::Created {
            *creates.entry(effect.key).or_insert(0) += 1;
        }
    }
    assert!(
        creates.values().all(|n| *n == 1),
        "every calendar booking created once: {creates:?}"
    );
    let verdict = audit::verify(&app.db).await.expect("verify");
    assert!(matches!(verdict, Verdict::Intact { .. }), "{verdict:?}");
}
