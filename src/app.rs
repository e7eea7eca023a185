//! Builds the application once; `main` and the tests both use [`App::build`].

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::Passwords;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::demo;

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub config: Config,
    pub clock: Clock,
    pub passwords: Passwords,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A built application, bound to its port but not yet serving.
pub struct App {
    listener: TcpListener,
    state: AppState,
}

impl App {
    /// Connects and migrates the database, seeds the demo when asked, and binds the listener.
    pub async fn build(config: Config, clock: Clock) -> anyhow::Result<App> {
        let db = Db::connect(&config.database_url)
            .await
            .context("cannot open the database")?;
        db.migrate().await.context("cannot migrate the database")?;
        let passwords = Passwords::new(config.hash_concurrency)?;
        if let Some(settings) = &config.demo {
            demo::seed(&db, &passwords, &clock, settings).await?;
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let state = AppState(Arc::new(Shared {
            db,
            config,
            clock,
            passwords,
        }));
        Ok(App { listener, state })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the future is dropped or the listener fails.
    pub async fn run(self) -> std::io::Result<()> {
        let router = crate::web::router(self.state.clone());
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    }
}
