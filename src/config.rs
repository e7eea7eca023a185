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
    /// Connections this instance keeps to the database; `None`: [`Db::default_pool_size`].
    ///
    /// [`Db::default_pool_size`]: crate::db::Db::default_pool_size
    pub db_pool: Option<u32>,
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
    /// The channel's own Termino token (`TERMINO_CHANNEL_TOKEN`): with it Termino's changes of
    /// every connection are read through one channel-wide feed; without it each connection
    /// polls its own account. The sandbox always has one.
    pub termino_channel_token: Option<String>,
    /// Whether this instance runs the background worker, the e-mail sender and, in the demo,
    /// the sandbox's activity (tests drive them themselves).
    pub run_worker: bool,
    /// The sync engine's tuning.
    pub sync: crate::sync::Settings,
    /// How long a page of the bookings list's rows is served from memory (zero: never).
    pub page_cache_ttl: Duration,
    /// How partner e-mails are sent; `None` holds them on the Outbox page instead (the demo,
    /// or an instance without SMTP).
    pub mail: Option<crate::mail::MailConfig>,
    /// What the web server allows each connection, and how many it serves at once.
    pub server: ServerLimits,
    /// The keys that sign the audit chain and seal credentials, and where the chain's
    /// checkpoints go. Required: the app refuses to start without them.
    pub keys: Option<KeySettings>,
    /// Whether Partner Care, sales reps and admins must log in with a second factor: required
    /// under `serve`, optional in the demo.
    pub staff_second_factor: crate::auth::second_factor::StaffSecondFactor,
    /// The address people reach the app at, for links in e-mails (e.g.
    /// `https://bookbridge.example`); `None`: `http://` and the listening address.
    pub public_url: Option<String>,
    /// The bearer token `/metrics` wants (`BOOKBRIDGE_METRICS_TOKEN`); without it `/metrics`
    /// is a 404, except in the demo for requests from loopback.
    pub metrics_token: Option<String>,
}

/// The web server's limits, so that slow or idle clients cannot hold it: each is enforced by
/// hyper or tower-http (see `web::serve`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// From when a connection is ready for a request (just opened, or the previous answer
    /// sent) until the request's headers have all arrived; so an idle kept-alive connection is
    /// closed after this too.
    pub header_read_timeout: Duration,
    /// The longest a request body may take to arrive, in all.
    pub body_read_timeout: Duration,
    /// The longest nothing may move on a connection while a request or an answer is under
    /// way (a client that stops reading the answer, or stops sending the body).
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen queue until one closes.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 512,
        }
    }
}

/// How often the audit chain's head is checkpointed unless `BOOKBRIDGE_CHECKPOINT_SECS` says
/// otherwise: at most this many seconds of the newest rows can vanish unnoticed.
pub const DEFAULT_CHECKPOINT_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The keys (from a key file outside the database) and the audit checkpoint file.
#[derive(Clone, Debug)]
pub struct KeySettings {
    pub keyring: crate::keys::Keyring,
    /// The append-only file of signed checkpoints of the audit chain's head.
    pub checkpoint_file: std::path::PathBuf,
    /// How often a checkpoint is written besides at start and shutdown.
    pub checkpoint_interval: Duration,
}

impl KeySettings {
    /// Reads the key file; the checkpoint file defaults to the key file's path with the
    /// extension `checkpoints`.
    pub fn load(
        key_file: &std::path::Path,
        checkpoint_file: Option<std::path::PathBuf>,
        create: bool,
    ) -> Result<KeySettings, crate::keys::KeyError> {
        let keyring = if create {
            crate::keys::Keyring::load_or_create(key_file)?
        } else {
            crate::keys::Keyring::load(key_file)?
        };
        Ok(KeySettings {
            keyring,
            checkpoint_file: checkpoint_file
                .unwrap_or_else(|| key_file.with_extension("checkpoints")),
            checkpoint_interval: DEFAULT_CHECKPOINT_INTERVAL,
        })
    }

    /// The demo's key file: beside its SQLite database (`demo.db` → `demo.key`), else
    /// `bookbridge-demo.key` in the working directory.
    pub fn demo_key_file(url: &DatabaseUrl) -> std::path::PathBuf {
        let path = url
            .as_str()
            .strip_prefix("sqlite:")
            .map(|rest| rest.trim_start_matches("//"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .filter(|path| !path.is_empty() && !path.contains(":memory:"));
        match path {
            Some(path) => std::path::Path::new(path).with_extension("key"),
            None => std::path::PathBuf::from("bookbridge-demo.key"),
        }
    }

    /// A new key that exists only in memory, for throwaway databases (benchmarks).
    pub fn in_memory(checkpoint_file: std::path::PathBuf) -> KeySettings {
        KeySettings {
            keyring: crate::keys::Keyring::generate(),
            checkpoint_file,
            checkpoint_interval: DEFAULT_CHECKPOINT_INTERVAL,
        }
    }
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
            db_pool: None,
            addr,
            secure_cookies: true,
            demo: None,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            hash_concurrency: cores,
            systems: None,
            termino_channel_token: None,
            run_worker: true,
            sync: crate::sync::Settings::default(),
            page_cache_ttl: Duration::from_secs(1),
            mail: None,
            server: ServerLimits::default(),
            keys: None,
            staff_second_factor: crate::auth::second_factor::StaffSecondFactor::Required,
            public_url: None,
            metrics_token: None,
        }
    }

    /// Whether partner e-mails are held for the Outbox page instead of sent: true until SMTP
    /// is configured. Pass it as `held` to [`crate::db::emails::queue`].
    pub fn mail_held(&self) -> bool {
        self.mail.is_none()
    }

    /// The start of links in e-mails, without a trailing `/`.
    pub fn link_base(&self, port: u16) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}:{port}", self.addr.ip()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_keeps_its_key_file_beside_its_database() {
        let key_file =
            |url: &str| KeySettings::demo_key_file(&url.parse::<DatabaseUrl>().expect("valid url"));
        assert_eq!(
            key_file("sqlite://bookbridge-demo.db"),
            std::path::PathBuf::from("bookbridge-demo.key")
        );
        assert_eq!(
            key_file("sqlite:///var/lib/bb/demo.db?mode=rwc"),
            std::path::PathBuf::from("/var/lib/bb/demo.key")
        );
        assert_eq!(
            key_file("postgres://u@h/db"),
            std::path::PathBuf::from("bookbridge-demo.key")
        );
    }
}
