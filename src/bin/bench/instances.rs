//! The app instances of a channel run (`--instances K`): each one is what a `serve` process
//! would be — its own `App` (database pool, worker, HTTP listener) on a tokio runtime of its
//! own — on the one database and the one set of fake systems, which run on the bench's own
//! runtime. Nothing is shared between instances in memory; the claims, the leases and the
//! Reservio budget go through the database as between processes.
//!
//! Each instance's runtime names its threads after it, so the CPU each one used is read from
//! its threads' own counters (`/proc/self/task/*/stat`); the fake systems' and the bench's
//! threads are not counted.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use bookbridge::app::App;
use bookbridge::clock::Clock;
use bookbridge::config::{Config, KeySettings, SystemsConfig};
use bookbridge::db::{Backend, DatabaseUrl};
use bookbridge::sandbox::world::Sandbox;
use bookbridge::sync::context::SyncCounts;

/// The prefix of an instance's thread names (Linux keeps 15 bytes of a thread's name).
fn thread_prefix(number: usize) -> String {
    format!("bb-inst-{number}")
}

/// SQLite's own threads (sqlx runs each SQLite connection on a thread of its own): counted
/// with the one instance a SQLite database can have.
const SQLITE_THREADS: &str = "sqlx-sqlite-wor";

/// One running instance.
pub struct Instance {
    /// 1-based, as the table shows it.
    pub number: usize,
    pub port: u16,
    /// The syncs its worker has finished.
    pub syncs: Arc<SyncCounts>,
    /// Also counts SQLite's threads as its own.
    owns_sqlite_threads: bool,
    runtime: Option<tokio::runtime::Runtime>,
}

/// What K instances need: the database, the keys, the fake systems and the budget.
pub struct Setup<'a> {
    pub url: &'a DatabaseUrl,
    pub keys: &'a KeySettings,
    pub sandbox: &'a Sandbox,
    pub budget: u32,
}

impl Instance {
    /// Builds instance `number` (not serving yet: see [`Instance::serve`]).
    pub async fn build(number: usize, setup: &Setup<'_>) -> anyhow::Result<(Instance, App)> {
        let prefix = thread_prefix(number);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name(prefix)
            // Its blocking threads stay, so that the CPU they used stays readable.
            .thread_keep_alive(std::time::Duration::from_secs(24 * 60 * 60))
            .enable_all()
            .build()
            .with_context(|| format!("cannot start instance {number}'s runtime"))?;
        let addr: SocketAddr = "127.0.0.1:0".parse().context("loopback address")?;
        let mut config = Config::new(setup.url.clone(), addr);
        config.keys = Some(setup.keys.clone());
        // As a `serve` process against the fake systems: their addresses and the channel's
        // token for Termino's change feed.
        config.systems = Some(SystemsConfig::Remote {
            reservio_url: setup.sandbox.reservio.url(),
            termino_url: setup.sandbox.termino.url(),
        });
        config.termino_channel_token = Some(setup.sandbox.termino_channel_token.clone());
        config.run_worker = true;
        config.sync.reservio_budget = Some(setup.budget);
        // Built on its own runtime, so its pool and its listener belong to that runtime.
        let app = runtime
            .spawn(App::build(config, Clock::System))
            .await
            .context("an instance's start panicked")?
            .with_context(|| format!("cannot start instance {number}"))?;
        let syncs = app
            .state()
            .sync
            .as_ref()
            .map(|ctx| ctx.syncs.clone())
            .context("the instance's sync engine is configured")?;
        let instance = Instance {
            number,
            port: app.port(),
            syncs,
            owns_sqlite_threads: setup.url.backend() == Backend::Sqlite,
            runtime: Some(runtime),
        };
        Ok((instance, app))
    }

    /// Serves `app` (and runs its worker) on the instance's runtime until the instance is
    /// dropped.
    pub fn serve(&self, app: App) {
        if let Some(runtime) = &self.runtime {
            runtime.spawn(async move {
                if let Err(e) = app.run().await {
                    eprintln!("bench: an instance stopped serving: {e}");
                }
            });
        }
    }

    /// CPU seconds its threads have used so far.
    pub fn cpu_secs(&self) -> f64 {
        let prefix = thread_prefix(self.number);
        crate::cpu::threads_secs(|name| {
            name == prefix || (self.owns_sqlite_threads && name.starts_with(SQLITE_THREADS))
        })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // A runtime may not be dropped from within another one; this stops its tasks without
        // waiting for them.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
