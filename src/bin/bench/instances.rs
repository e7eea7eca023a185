//! The app instances of a channel run (`--instances K`): each one is a `bookbridge serve`
//! process — the binary built next to the bench — on the one database and the one set of fake
//! systems, which run in the bench's own process. Nothing is shared between instances, nor
//! between an instance and the fakes, but the database and HTTP.
//!
//! So the app's memory and CPU are exactly what its processes use, read from their `/proc`
//! entries; what an instance has done (syncs by lane, links read by reconcile) is read from its
//! `/metrics`, as an operator's Prometheus would. `BOOKBRIDGE_*` settings in the bench's
//! environment reach the instances (`BOOKBRIDGE_SYNC_CONCURRENCY`, say); the bench sets those
//! a run needs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use bookbridge::db::DatabaseUrl;
use bookbridge::sandbox::world::Sandbox;

/// One `bookbridge serve` process.
pub struct Instance {
    /// 1-based, as the table shows it.
    pub number: usize,
    pub port: u16,
    child: Option<Child>,
    log: PathBuf,
    /// Leave the log behind when the run ends (`--keep`).
    keep_log: bool,
    metrics_token: String,
    http: reqwest::Client,
}

/// What K instances need: the database, the key file, the fake systems and the budget.
pub struct Setup<'a> {
    pub url: &'a DatabaseUrl,
    pub key_file: &'a Path,
    pub sandbox: &'a Sandbox,
    pub budget: u32,
}

/// What an instance has done so far, from its `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub notified: u64,
    pub polled: u64,
    pub links_read: u64,
    /// Seconds the syncs took in all, from claim to end (both lanes).
    pub sync_secs: f64,
    /// Reservio requests taken from the budget by notified syncs, and by the rest (polls).
    pub requests_notified: u64,
    pub requests_polled: u64,
}

impl Instance {
    /// Instance `number`, with the port it will listen on (not running yet: the fake Termino
    /// must know where to send its webhooks before the instance starts; see [`Instance::start`]).
    /// With `keep_log`, its log stays behind when the run ends.
    pub fn reserve(number: usize, keep_log: bool) -> anyhow::Result<Instance> {
        // A port the kernel hands out now and the instance binds a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("cannot find a free loopback port")?
            .port();
        let token: [u8; 16] = rand::random();
        Ok(Instance {
            number,
            port,
            child: None,
            log: std::env::temp_dir().join(format!(
                "bench-scale-{}-instance-{number}.log",
                std::process::id()
            )),
            keep_log,
            metrics_token: hex::encode(token),
            http: reqwest::Client::new(),
        })
    }

    /// Starts `bookbridge serve` and waits until it answers.
    pub async fn start(&mut self, setup: &Setup<'_>) -> anyhow::Result<()> {
        let binary = serve_binary()?;
        // A restart (a budget of its own for the first sync) writes on after the first run.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("cannot write {}", self.log.display()))?;
        let mut command = Command::new(&binary);
        command
            .arg("serve")
            .env("DATABASE_URL", setup.url.as_str())
            .env("BOOKBRIDGE_ADDR", format!("127.0.0.1:{}", self.port))
            .env("RESERVIO_URL", setup.sandbox.reservio.url())
            .env("TERMINO_URL", setup.sandbox.termino.url())
            .env(
                "TERMINO_CHANNEL_TOKEN",
                &setup.sandbox.termino_channel_token,
            )
            .env("BOOKBRIDGE_RESERVIO_BUDGET", setup.budget.to_string())
            .env("BOOKBRIDGE_KEY_FILE", setup.key_file)
            .env("BOOKBRIDGE_METRICS_TOKEN", &self.metrics_token)
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("the instance's log")?)
            .stderr(log);
        if std::env::var_os("RUST_LOG").is_none() {
            command.env("RUST_LOG", "bookbridge=warn");
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        self.child = Some(child);
        let started = Instant::now();
        loop {
            let health = format!("http://127.0.0.1:{}/healthz", self.port);
            if let Ok(answer) = self.http.get(&health).send().await
                && answer.status().is_success()
            {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                anyhow::bail!(
                    "instance {} stopped at start ({status}); its log, {}:\n{}",
                    self.number,
                    self.log.display(),
                    tail(&self.log)
                );
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(120),
                "instance {} did not answer within 120 s; its log: {}",
                self.number,
                self.log.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the process (its counters start again from zero at the next start).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its syncs and links read so far.
    pub async fn counts(&self) -> anyhow::Result<Counts> {
        let body = self
            .http
            .get(format!("http://127.0.0.1:{}/metrics", self.port))
            .bearer_auth(&self.metrics_token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .with_context(|| format!("instance {}'s /metrics", self.number))?
            .text()
            .await?;
        Ok(Counts {
            notified: metric(&body, "bookbridge_worker_syncs_total{lane=\"notified\"}"),
            polled: metric(&body, "bookbridge_worker_syncs_total{lane=\"polled\"}"),
            links_read: metric(&body, "bookbridge_reconcile_links_read_total"),
            sync_secs: ["notified", "polled"]
                .into_iter()
                .map(|lane| {
                    value(
                        &body,
                        &format!("bookbridge_worker_sync_seconds_total{{lane=\"{lane}\"}}"),
                    )
                })
                .sum(),
            requests_notified: metric(
                &body,
                "bookbridge_reservio_budget_requests_total{lane=\"notified\"}",
            ),
            requests_polled: metric(
                &body,
                "bookbridge_reservio_budget_requests_total{lane=\"polled\"}",
            ),
        })
    }

    fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// CPU seconds the process has used so far.
    pub fn cpu_secs(&self) -> f64 {
        self.pid()
            .map_or(0.0, |pid| crate::cpu::process_secs_of(&pid.to_string()))
    }

    /// Its peak resident size (KiB) since start or since [`Instance::reset_peak`].
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.pid().context("the instance is not running")?;
        crate::memory::peak_rss_kib_of(&pid.to_string())
    }

    /// Starts a new peak from its resident size now.
    pub fn reset_peak(&self) {
        if let Some(pid) = self.pid() {
            crate::memory::reset_peak_of(&pid.to_string());
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stop();
        if self.keep_log {
            eprintln!(
                "bench: instance {}'s log: {}",
                self.number,
                self.log.display()
            );
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// `bookbridge`, built beside this bench binary.
fn serve_binary() -> anyhow::Result<PathBuf> {
    let bench = std::env::current_exe().context("where the bench binary is")?;
    let binary = bench.with_file_name(format!("bookbridge{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        binary.exists(),
        "the channel bench runs the app as `bookbridge serve`, and {} is missing: build both \
         with `cargo build --release --bins`",
        binary.display()
    );
    Ok(binary)
}

/// A counter's value in a Prometheus text scrape (0 when absent, as a counter not yet counted).
fn metric(body: &str, sample: &str) -> u64 {
    value(body, sample) as u64
}

/// A sample's value in a Prometheus text scrape (0 when absent).
fn value(body: &str, sample: &str) -> f64 {
    body.lines()
        .find_map(|line| line.strip_prefix(sample)?.strip_prefix(' '))
        .and_then(|value| value.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// The last lines of a log, to say why an instance stopped.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::{metric, value};

    #[test]
    fn a_labelled_counter_is_read_from_a_scrape() {
        let body = "# TYPE bookbridge_worker_syncs counter\n\
                    bookbridge_worker_syncs_total{lane=\"notified\"} 12\n\
                    bookbridge_worker_syncs_total{lane=\"polled\"} 340\n\
                    bookbridge_reconcile_links_read_total 5\n\
                    bookbridge_worker_sync_seconds_total{lane=\"polled\"} 1.5\n";
        assert_eq!(
            metric(body, "bookbridge_worker_syncs_total{lane=\"polled\"}"),
            340
        );
        assert_eq!(metric(body, "bookbridge_reconcile_links_read_total"), 5);
        assert_eq!(metric(body, "bookbridge_missing_total"), 0);
        assert_eq!(
            value(
                body,
                "bookbridge_worker_sync_seconds_total{lane=\"polled\"}"
            ),
            1.5
        );
    }
}
