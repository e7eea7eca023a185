//! PostgreSQL restarted under load (down for 3 s): the app recovers within 10 s of the server's
//! return, with no 5xx after that.
//!
//! The test starts a PostgreSQL server of its own (Debian's `initdb` and `pg_ctl`, as the
//! `postgres` user, in a temporary directory on a free port), so restarting it disturbs no
//! other test. Without those programs, or without the rights to run them as `postgres`, it is
//! ignored with the reason — and fails under `CI=true`, where they must be there.

use bookbridge::web::paths;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, DemoSettings, SystemsConfig};
use libtest_mimic::{Failed, Trial};

const NAME: &str = "postgres::restarted_under_load_the_app_recovers_within_ten_seconds";
const RECOVERY: Duration = Duration::from_secs(10);

/// The trial, or the reason it cannot run here.
pub fn trial() -> Trial {
    match pg_bin() {
        Some(bin) if is_root() => Trial::test(NAME, move || run(&bin)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => Trial::test(NAME, || {
            Err(
                "PostgreSQL's initdb/pg_ctl (Debian package postgresql) and root rights are \
                 needed to restart a private server; CI must have them"
                    .into(),
            )
        }),
        _ => Trial::test(NAME, || {
            Err("skipped: needs Debian's initdb/pg_ctl and root (to run them as postgres)".into())
        })
        .with_ignored_flag(true),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The newest installed server's programs.
fn pg_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("pg_ctl").exists() && bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// A private server: created, started, restarted and removed by the test.
struct Server {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Server {
    /// Runs a server program as `postgres`. Its output goes to a file, not a pipe: a server
    /// started by `pg_ctl` would hold a pipe open for as long as it runs.
    fn as_postgres(&self, program: &str, args: &[&str]) -> Result<(), Failed> {
        let log = self.dir.join(format!("{program}.out"));
        let file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let status = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().map_err(|e| e.to_string())?)
            .stderr(file)
            .status()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            let out = std::fs::read_to_string(&log).unwrap_or_default();
            Err(format!("{program} failed: {out}").into())
        }
    }

    fn start(bin: &Path) -> Result<Server, Failed> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("bookbridge-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let chown = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !chown.success() {
            return Err("cannot hand the directory to postgres".into());
        }
        let server = Server {
            bin: bin.to_path_buf(),
            dir,
            port,
        };
        let data = server.dir.join("data");
        let data = data.to_string_lossy().to_string();
        server.as_postgres("initdb", &["-D", &data, "-A", "trust", "-U", "postgres"])?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            server.dir.display()
        );
        let log = server.dir.join("server.log").to_string_lossy().to_string();
        server.as_postgres(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        Ok(server)
    }

    /// Stops the server, leaves it down for `down`, and starts it again.
    async fn restart(&self, down: Duration) -> Result<(), Failed> {
        let data = self.dir.join("data").to_string_lossy().to_string();
        let log = self.dir.join("server.log").to_string_lossy().to_string();
        self.as_postgres("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"])?;
        tokio::time::sleep(down).await;
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        self.as_postgres(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.join("data").to_string_lossy().to_string();
        let _ = self.as_postgres("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> Result<u16, Failed> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn run(bin: &Path) -> Result<(), Failed> {
    let server = Server::start(bin)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(under_load(&server))
}

/// What one request came to, and when.
type Answers = Arc<Mutex<Vec<(Instant, Result<u16, String>)>>>;

async fn under_load(server: &Server) -> Result<(), Failed> {
    let url = server.url().parse().map_err(|e: String| Failed::from(e))?;
    let keys = super::common::test_keys(&url);
    let mut config = Config::new(url, "127.0.0.1:0".parse().map_err(|_| "address")?);
    config.keys = Some(keys);
    config.demo = Some(DemoSettings {
        password: super::common::DEMO_PASSWORD.into(),
    });
    config.secure_cookies = false;
    config.systems = Some(SystemsConfig::Sandbox {
        bookings_per_partner: 20,
    });
    config.sync.poll_interval_secs = 1;
    // Every view reads the database.
    config.page_cache_ttl = Duration::ZERO;
    let app = App::build(config, Clock::System)
        .await
        .map_err(|e| format!("the app does not start: {e:#}"))?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    let running = tokio::spawn(app.run());

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let login = client
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let token = login
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the login form has a CSRF token")?
        .to_string();
    let logged_in = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", "partner@demo.test"),
            ("password", super::common::DEMO_PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if logged_in.status() != 303 {
        return Err(format!("login answered {}", logged_in.status()).into());
    }

    let answers: Answers = Arc::default();
    let stop_at = Instant::now() + Duration::from_secs(5) + RECOVERY + Duration::from_secs(8);
    let mut load = vec![];
    for k in 0..8 {
        let (client, base, answers) = (client.clone(), base.clone(), answers.clone());
        load.push(tokio::spawn(async move {
            let paths = [paths::BOOKINGS, "/", paths::CARE_MISMATCHES, paths::HEALTHZ];
            let mut i = k;
            while Instant::now() < stop_at {
                i += 1;
                let path = paths[i % paths.len()];
                let answer = match client.get(format!("{base}{path}")).send().await {
                    Ok(r) => Ok(r.status().as_u16()),
                    Err(e) => Err(e.to_string()),
                };
                if let Ok(mut all) = answers.lock() {
                    all.push((Instant::now(), answer));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restart_began = Instant::now();
    server.restart(Duration::from_secs(3)).await?;
    let restarted = Instant::now();
    for task in load {
        let _ = task.await;
    }
    let answers = answers.lock().map_err(|_| "poisoned")?.clone();
    let bad = |a: &Result<u16, String>| !matches!(a, Ok(s) if *s < 500);
    let before = answers.iter().filter(|(at, _)| *at < restart_began).count();
    let failed_during: usize = answers
        .iter()
        .filter(|(at, a)| *at >= restart_began && bad(a))
        .count();
    let last_bad = answers
        .iter()
        .filter(|(_, a)| bad(a))
        .map(|(at, _)| *at)
        .max();
    let good_after = answers
        .iter()
        .filter(|(at, a)| *at > restarted + RECOVERY && !bad(a))
        .count();
    let bad_after: Vec<_> = answers
        .iter()
        .filter(|(at, a)| *at > restarted + RECOVERY && bad(a))
        .map(|(_, a)| a.clone())
        .collect();
    eprintln!(
        "restart took {:.1} s; {before} answers before it, {failed_during} failed around it, \
         last failure {} after the server was back, {good_after} good answers after {} s",
        (restarted - restart_began).as_secs_f64(),
        last_bad.map_or("—".to_string(), |at| format!(
            "{:.1} s",
            at.saturating_duration_since(restarted).as_secs_f64()
        )),
        RECOVERY.as_secs()
    );
    if !bad_after.is_empty() {
        return Err(format!(
            "{} answers still failed {} s after the restart: {:?}",
            bad_after.len(),
            RECOVERY.as_secs(),
            &bad_after[..bad_after.len().min(5)]
        )
        .into());
    }
    if good_after < 20 {
        return Err(format!("only {good_after} answers after recovery").into());
    }
    // The worker survived too: it synced after the restart.
    let synced_since = Clock::System.now() - (restarted.elapsed().as_secs() as i64);
    let (synced,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM connections WHERE last_synced_at >= $1 AND last_sync_error IS NULL",
    )
    .bind(synced_since)
    .fetch_one(db.pool())
    .await
    .map_err(|e| e.to_string())?;
    running.abort();
    if synced == 0 {
        return Err("the worker did not sync after the restart".into());
    }
    Ok(())
}
