//! Builds the application once; `main` and the tests both use [`App::build`].

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::Passwords;
use crate::clock::Clock;
use crate::config::{Config, SystemsConfig};
use crate::db::Db;
use crate::demo;
use crate::sandbox::world::Sandbox;
use crate::sync::{Connector, HttpConnector, SyncContext, Worker};
use crate::web::state::{AppState, Shared};

/// The connector with the deployment's Reservio request budget, when one is set, and how
/// often its polls read the whole window.
fn with_budget(
    mut connector: HttpConnector,
    db: &Db,
    clock: &Clock,
    settings: &crate::sync::Settings,
) -> HttpConnector {
    connector.far_window_every_secs = settings.far_window_every_secs;
    match settings.reservio_budget {
        Some(n) => connector.with_reservio_gate(Arc::new(crate::sync::budget::SharedBudget::new(
            db.clone(),
            clock.clone(),
            "reservio",
            n,
        ))),
        None => connector,
    }
}

/// A built application, bound to its port but not yet serving.
pub struct App {
    listener: TcpListener,
    state: AppState,
    worker: Option<Worker>,
    sandbox: Option<Arc<Sandbox>>,
}

impl App {
    /// Connects and migrates the database, seeds the demo when asked, and binds the listener.
    pub async fn build(config: Config, clock: Clock) -> anyhow::Result<App> {
        let keys = config.keys.as_ref().context(
            "no key file: set BOOKBRIDGE_KEY_FILE (create one with `bookbridge key rotate`)",
        )?;
        let db = Db::connect_with(&config.database_url, config.db_pool)
            .await
            .context("cannot open the database")?
            .with_keys(keys.keyring.clone(), Some(keys.checkpoint_file.clone()));
        db.migrate().await.context("cannot migrate the database")?;
        crate::db::connections::seal_credentials(&db, clock.now())
            .await
            .context("cannot encrypt the stored credentials")?;
        crate::db::second_factor::seal_secrets(&db, clock.now())
            .await
            .context("cannot encrypt the stored second-factor secrets")?;
        let passwords = Passwords::new(config.hash_concurrency)?;
        if let Some(settings) = &config.demo {
            demo::seed(&db, &passwords, &clock, settings).await?;
        }
        // A checkpoint at every start pins what the database holds before anyone else writes.
        crate::audit::checkpoint::write(&db, clock.now(), "start")
            .await
            .context("cannot write the audit checkpoint")?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let port = listener.local_addr()?.port();
        let timeout = config.sync.call_timeout;
        let (connector, sandbox): (Option<Arc<dyn Connector>>, Option<Arc<Sandbox>>) =
            match &config.systems {
                None => (None, None),
                Some(SystemsConfig::Remote {
                    reservio_url,
                    termino_url,
                }) => {
                    let mut connector =
                        HttpConnector::new(reservio_url, termino_url, timeout, clock.clone());
                    if let Some(token) = &config.termino_channel_token {
                        connector = connector
                            .with_termino_channel(token)
                            .context("cannot set up Termino's channel feed")?;
                    }
                    (
                        Some(Arc::new(with_budget(connector, &db, &clock, &config.sync))),
                        None,
                    )
                }
                Some(SystemsConfig::Sandbox {
                    bookings_per_partner,
                }) => {
                    let sandbox = Sandbox::start(clock.clone())
                        .await
                        .context("cannot start the sandbox")?;
                    crate::demo::sandbox::connect_demo_partners(
                        &sandbox,
                        &db,
                        &clock,
                        port,
                        *bookings_per_partner,
                    )
                    .await
                    .context("cannot connect the demo partners to the sandbox")?;
                    let connector = with_budget(
                        HttpConnector::new(
                            &sandbox.reservio.url(),
                            &sandbox.termino.url(),
                            timeout,
                            clock.clone(),
                        )
                        .with_termino_channel(&sandbox.termino_channel_token)
                        .context("cannot set up the sandbox's channel feed")?,
                        &db,
                        &clock,
                        &config.sync,
                    );
                    (Some(Arc::new(connector)), Some(Arc::new(sandbox)))
                }
            };
        let sync =
            connector.map(|c| SyncContext::new(db.clone(), clock.clone(), config.sync.clone(), c));
        let (worker, notifier) = match (&sync, config.run_worker) {
            (Some(ctx), true) => {
                let (worker, notifier) = Worker::new(ctx.clone());
                (
                    Some(worker.listening_to(&config.database_url)),
                    Some(notifier),
                )
            }
            _ => (None, None),
        };
        let procedures = crate::sync::procedure::Hooks {
            notifier: notifier.clone(),
            mail_held: config.mail.is_none(),
            wake: Default::default(),
        };
        let bookings_cache =
            crate::web::bookings::cache::PageCache::new(config.page_cache_ttl, 4096);
        let link_base = config.link_base(port);
        let state = AppState::new(Shared {
            db,
            config,
            clock,
            passwords,
            notifier,
            sync,
            sandbox: sandbox.clone(),
            procedures,
            bookings_cache,
            link_base,
            http_metrics: Default::default(),
        });
        Ok(App {
            listener,
            state,
            worker,
            sandbox,
        })
    }

    /// The sandbox, when this app runs one.
    pub fn sandbox(&self) -> Option<Arc<Sandbox>> {
        self.sandbox.clone()
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves (and runs the worker, the e-mail sender when SMTP is configured, and the
    /// sandbox's activity in the demo while the worker runs) until the future is dropped or the
    /// listener fails.
    pub async fn run(self) -> std::io::Result<()> {
        let router = crate::web::router(self.state.clone());
        let server = crate::web::serve::serve(self.listener, router, self.state.config.server);
        let worker = async {
            match self.worker {
                Some(worker) => worker.run().await,
                None => std::future::pending().await,
            }
        };
        // Partner e-mails go out only with SMTP configured; without it they stay held.
        let mail = async {
            match &self.state.config.mail {
                Some(mail) if self.state.config.run_worker => {
                    crate::mail::run_sender(
                        self.state.db.clone(),
                        self.state.clock.clone(),
                        mail.clone(),
                    )
                    .await
                }
                _ => std::future::pending().await,
            }
        };
        // Guided procedures run wherever the worker runs.
        let procedures = async {
            match &self.state.sync {
                Some(ctx) if self.state.config.run_worker => {
                    crate::sync::procedure::run_forever(ctx.clone(), self.state.procedures.clone())
                        .await
                }
                _ => std::future::pending().await,
            }
        };
        // The chain's head, signed outside the database, at least every interval.
        let checkpoints = async {
            let every = self
                .state
                .config
                .keys
                .as_ref()
                .map(|k| k.checkpoint_interval)
                .unwrap_or(crate::config::DEFAULT_CHECKPOINT_INTERVAL)
                .max(std::time::Duration::from_secs(1));
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate; start-up already wrote a checkpoint.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let now = self.state.clock.now();
                if let Err(e) =
                    crate::audit::checkpoint::write(&self.state.db, now, "periodic").await
                {
                    tracing::error!(error = %e, "cannot write the audit checkpoint");
                }
            }
        };
        // The world the worker keeps in step moves only while the worker runs: where sync is
        // driven by hand (the tests), a world moving on its own ten seconds in made what a test
        // found depend on how fast the machine was.
        let activity = async {
            match &self.sandbox {
                Some(sandbox)
                    if self.state.config.demo.is_some() && self.state.config.run_worker =>
                {
                    sandbox.run_activity().await
                }
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            served = server => served,
            () = worker => Ok(()),
            () = mail => Ok(()),
            () = procedures => Ok(()),
            () = activity => Ok(()),
            () = checkpoints => Ok(()),
        }
    }
}
