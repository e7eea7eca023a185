//! All settings, read from flags and the environment and validated once at start.

use std::net::SocketAddr;
use std::time::Duration;

use crate::db::DatabaseUrl;

/// The password every demo user gets unless `BOOKBRIDGE_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_DEMO_PASSWORD: &str = "bookbridge-demo";

/// Settings of one running instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the database lives.
    pub database_url: DatabaseUrl,
    /// Where the web server listens; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Whether session cookies carry the `Secure` attribute.
    pub secure_cookies: bool,
    /// Demo mode: seed demo partners and users on start.
    pub demo: Option<DemoSettings>,
    /// Sessions end after this long without a request.
    pub idle_timeout: Duration,
    /// Sessions end this long after login, however active.
    pub absolute_timeout: Duration,
    /// How many password hashes may be computed at once.
    pub hash_concurrency: usize,
    /// The external systems to sync with; `None` leaves the sync engine off.
    pub systems: Option<SystemsConfig>,
    /// Whether this instance runs the background worker (tests drive the engine themselves).
    pub run_worker: bool,
    /// The sync engine's tuning.
    pub sync: crate::sync::Settings,
}

/// Where the external systems live.
#[derive(Clone, Debug)]
pub enum SystemsConfig {
    /// Start the sandbox's fake systems on loopback and connect the demo partners to them,
    /// each with this many seeded bookings.
    Sandbox { bookings_per_partner: usize },
    /// Real systems at these API roots; credentials are stored per connection.
    Remote {
        reservio_url: String,
        termino_url: String,
    },
}

/// What demo mode seeds.
#[derive(Clone, Debug)]
pub struct DemoSettings {
    /// The password of every demo user.
    pub password: String,
}

impl Config {
    /// Defaults for a given database and address; the CLI and the tests adjust the rest.
    pub fn new(database_url: DatabaseUrl, addr: SocketAddr) -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Config {
            database_url,
            addr,
            secure_cookies: true,
            demo: None,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            hash_concurrency: cores,
            systems: None,
            run_worker: true,
            sync: crate::sync::Settings::default(),
        }
    }
}
