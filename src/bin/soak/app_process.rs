//! The app under test as a child process: `bookbridge serve` from the directory this program
//! runs from, killed with SIGKILL and started again on the same port and database. The sandbox
//! stays in the soak's own process, so it outlives every incarnation of the app.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::process::{Child, Command};

/// How to start the app, and the running child if there is one.
pub struct AppProcess {
    exe: PathBuf,
    addr: SocketAddr,
    env: Vec<(&'static str, String)>,
    log: PathBuf,
    child: Option<Child>,
    http: reqwest::Client,
}

impl AppProcess {
    /// The `bookbridge` binary next to this one: `cargo build` puts both in `target/<profile>`.
    /// `cargo run --bin soak` builds only the soak, so build the app first; both link the same
    /// library, and an old app binary would soak old code.
    pub fn beside_this_program() -> anyhow::Result<PathBuf> {
        let me = std::env::current_exe().context("cannot find this program's path")?;
        let dir = me
            .parent()
            .context("this program's path has no directory")?;
        let exe = dir.join(format!("bookbridge{}", std::env::consts::EXE_SUFFIX));
        anyhow::ensure!(
            exe.is_file(),
            "{} is missing: build it first (cargo build --bin bookbridge, with --release for a release soak)",
            exe.display()
        );
        Ok(exe)
    }

    /// `exe serve --addr addr` against `database_url`, the given systems and key file; its
    /// output is appended to `log`.
    pub fn new(
        exe: PathBuf,
        addr: SocketAddr,
        database_url: &str,
        reservio_url: String,
        termino_url: String,
        key_file: &Path,
        log: PathBuf,
    ) -> anyhow::Result<AppProcess> {
        let log_filter = std::env::var("RUST_LOG")
            .unwrap_or_else(|_| "bookbridge=warn,tower_http=warn".to_string());
        Ok(AppProcess {
            exe,
            addr,
            env: vec![
                ("DATABASE_URL", database_url.to_string()),
                ("RESERVIO_URL", reservio_url),
                ("TERMINO_URL", termino_url),
                ("BOOKBRIDGE_KEY_FILE", key_file.display().to_string()),
                ("RUST_LOG", log_filter),
                // A log file, not a terminal: no colour codes.
                ("NO_COLOR", "1".to_string()),
            ],
            log,
            child: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .build()?,
        })
    }

    /// Reads Termino's changes through the channel feed with the channel's `token`.
    pub fn with_termino_channel(mut self, token: String) -> AppProcess {
        self.env.push(("TERMINO_CHANNEL_TOKEN", token));
        self
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Starts the app and waits until `/healthz` answers 200; returns how long that took.
    pub async fn start(&mut self, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("cannot open {}", self.log.display()))?;
        let mut command = Command::new(&self.exe);
        command
            .arg("serve")
            .arg("--addr")
            .arg(self.addr.to_string())
            // Never mail anyone from a soak, whatever the caller's environment says.
            .env_remove("SMTP_URL")
            .env_remove("BOOKBRIDGE_ADDR")
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", self.exe.display()))?;
        self.child = Some(child);
        let url = format!("{}/healthz", self.base_url());
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    self.child = None;
                    anyhow::bail!(
                        "the app exited at start ({status}); see {}",
                        self.log.display()
                    );
                }
            }
            if let Ok(answer) = self.http.get(&url).send().await {
                if answer.status().is_success() {
                    return Ok(started.elapsed());
                }
            }
            if started.elapsed() > limit {
                anyhow::bail!(
                    "the app did not answer /healthz within {} s; see {}",
                    limit.as_secs(),
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs, as in a crash.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().await.context("cannot kill the app")?;
        }
        Ok(())
    }

    /// Whether the app is still running (false after it died by itself).
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }
}
