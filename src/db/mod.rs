//! The database: one [`sqlx::AnyPool`] and one set of portable queries for SQLite and
//! PostgreSQL. Each submodule holds the queries of one table or aggregate; what the pages read
//! across tables lives in [`read`].

pub mod accepted;
pub mod account_attempts;
pub mod account_tokens;
pub mod bookings;
pub mod budget;
pub mod cases;
pub mod channel_feed;
pub mod connections;
pub mod cursors;
pub mod emails;
pub mod filter;
pub mod holds;
pub mod lease;
pub mod link_sides;
pub mod links;
pub mod listing;
pub mod login_attempts;
pub mod mismatches;
pub mod onboarding;
pub mod outbox;
pub mod partners;
pub mod procedures;
pub mod read;
pub mod schedule;
pub mod second_factor;
pub mod sessions;
pub mod statistics;
pub mod sweeps;
pub mod users;
pub mod webhook_nonces;

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::audit::pending::Pending;
use crate::keys::Keyring;

/// A query being built, for a helper that binds part of its values.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A write guarded by its `WHERE` (a state, a lease, a value read before), run in a transaction.
pub trait GuardedWrite {
    /// True when the write changed exactly one row; false when its guard no longer held (someone
    /// got there first) and nothing was written.
    fn changed_one(self, tx: &mut Tx) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;
}

impl GuardedWrite for AnyQuery<'_> {
    async fn changed_one(self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        Ok(self.execute(&mut **tx).await?.rows_affected() == 1)
    }
}

/// A write transaction on either backend. It carries the keys, so what it writes can be
/// signed (audit rows) and sealed (credentials); it dereferences to the connection, so
/// queries run on `&mut **tx` as on a plain sqlx transaction.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    secrets: Arc<Secrets>,
    /// SQLite: this process's turn at the single writer, released with the transaction.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Audit rows appended in it, placed in the chain at commit.
    audit: Pending,
}

impl Tx {
    /// Places the audit rows appended in it in the chain, then commits.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let rows = std::mem::take(&mut self.audit);
        let secrets = self.secrets.clone();
        if !rows.is_empty() {
            rows.chain(&mut self.inner, secrets.keys()?).await?;
        }
        self.inner.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }

    /// The keys, or an error saying none is configured.
    pub fn keys(&self) -> Result<&Keyring, sqlx::Error> {
        self.secrets.keys()
    }

    /// The audit rows appended in it so far (see [`crate::audit::append`]).
    pub(crate) fn audit_rows(&mut self) -> &mut Pending {
        &mut self.audit
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// What lives outside the database and protects what is in it: the keys, and the file the
/// audit chain's signed checkpoints are appended to.
#[derive(Debug, Default)]
struct Secrets {
    keys: Option<Keyring>,
    checkpoint_file: Option<PathBuf>,
}

impl Secrets {
    fn keys(&self) -> Result<&Keyring, sqlx::Error> {
        self.keys.as_ref().ok_or_else(|| {
            sqlx::Error::Configuration(
                "no key is configured (BOOKBRIDGE_KEY_FILE): audit rows cannot be signed nor \
                 credentials sealed"
                    .into(),
            )
        })
    }
}

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database URL we know how to open.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }
}

// Never print credentials that may be part of the URL.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.backend.name())
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            if rest.trim_start_matches('/').is_empty() {
                return Err("DATABASE_URL names no SQLite file".into());
            }
            // Create the file when it does not exist yet, unless the URL says otherwise.
            let url = if rest.contains("mode=") || rest.contains(":memory:") {
                raw.to_string()
            } else if rest.contains('?') {
                format!("{raw}&mode=rwc")
            } else {
                format!("{raw}?mode=rwc")
            };
            Ok(DatabaseUrl {
                url,
                backend: Backend::Sqlite,
            })
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(DatabaseUrl {
                url: raw.to_string(),
                backend: Backend::Postgres,
            })
        } else {
            Err("DATABASE_URL must start with sqlite: or postgres://".into())
        }
    }
}

/// How long a PostgreSQL connection may sit idle in the pool before it is pinged on its way
/// out (see [`Db::connect`]).
const PING_IDLE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// A handle to the database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    secrets: Arc<Secrets>,
    /// SQLite has one writer: this process's write transactions queue for it here, first come
    /// first served, instead of in SQLite's busy handler, which retries after sleeps of up to
    /// 100 ms and lets a late comer overtake one that waited long (a notified sync waiting
    /// behind a round of polls).
    write_turns: Arc<tokio::sync::Mutex<()>>,
}

impl Db {
    /// Opens a pool of the default size (see [`Db::default_pool_size`]).
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, sqlx::Error> {
        Db::connect_with(url, None).await
    }

    /// How many connections a pool keeps by default: 16 on PostgreSQL, as many as the sync
    /// worker runs syncs at once; 8 on SQLite, which has one writer.
    pub fn default_pool_size(backend: Backend) -> u32 {
        match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }

    /// Opens a pool of `max_connections` (default: [`Db::default_pool_size`]). SQLite files
    /// are put in WAL mode so readers never wait for the writer.
    ///
    /// The size is a setting because the best one depends on where the database runs. A
    /// PostgreSQL server on the same small machine as the app shares its cores: on 2 cores,
    /// 16 server processes working at once for 64 page views spent more time switching than
    /// 6 did, and the bookings page went from 2,030 to 2,440 views a second while the machine
    /// was slow (4% more with 8 once it was fast; README, "The pages at this size").
    pub async fn connect_with(
        url: &DatabaseUrl,
        max_connections: Option<u32>,
    ) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = url.backend();
        let options = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(Db::default_pool_size(backend)))
            .acquire_timeout(std::time::Duration::from_secs(10))
            // sqlx pings every connection it hands out by default: one more round trip per
            // query (to SQLite's worker thread, or to the PostgreSQL server), which on a page
            // of two queries was a third of the database's time. A SQLite connection is a
            // file and has nothing to find out; a PostgreSQL one that sat idle for a while
            // may have been dropped by the server or the network, so only those are pinged.
            // One that just came back from a query was alive a moment ago.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for >= PING_IDLE_AFTER {
                        // A failed ping closes the connection and the pool hands out another.
                        return Ok(conn.ping().await.is_ok());
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Reads of the file through memory it maps instead of a `pread` and a
                        // copy into each connection's own cache: 20% more views a second of
                        // the bookings page with a thousand partners' links (README, "The
                        // pages at this size"). Address space only; the pages are the
                        // system's file cache, shared by the connections.
                        conn.execute("PRAGMA mmap_size = 1073741824").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(url.as_str()).await?;
        Ok(Db {
            pool,
            backend,
            secrets: Arc::default(),
            write_turns: Arc::default(),
        })
    }

    /// This handle with the keys and the audit checkpoint file (see [`crate::keys`] and
    /// [`crate::audit::checkpoint`]). Without keys nothing can be audited nor sealed.
    pub fn with_keys(mut self, keys: Keyring, checkpoint_file: Option<PathBuf>) -> Db {
        self.secrets = Arc::new(Secrets {
            keys: Some(keys),
            checkpoint_file,
        });
        self
    }

    /// The keys, or an error saying none is configured.
    pub fn keys(&self) -> Result<&Keyring, sqlx::Error> {
        self.secrets.keys()
    }

    /// Where the audit chain's checkpoints are appended, if anywhere.
    pub fn checkpoint_file(&self) -> Option<&Path> {
        self.secrets.checkpoint_file.as_deref()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
        }
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails with
    /// SQLITE_BUSY instead of waiting for the lock.
    ///
    /// On SQLite the `BEGIN IMMEDIATE` runs in a task of its own, so that a caller dropped while
    /// it runs (a web request whose client went away) cannot hand a connection back to the pool
    /// in the middle of taking the write lock — it would keep the lock and every other writer
    /// would get SQLITE_BUSY. The task finishes the BEGIN; if nobody wants the transaction any
    /// more, dropping it rolls it back. Before the BEGIN it waits for this process's turn at
    /// the writer (`write_turns`): a task must not begin a second write transaction while it
    /// holds one (SQLite would refuse it anyway, after its busy timeout).
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        let (inner, turn) = match self.backend {
            Backend::Sqlite => {
                let pool = self.pool.clone();
                let turns = self.write_turns.clone();
                tokio::spawn(async move {
                    let turn = turns.lock_owned().await;
                    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                    Ok::<_, sqlx::Error>((tx, Some(turn)))
                })
                .await
                .map_err(|e| sqlx::Error::Protocol(format!("starting a transaction: {e}")))??
            }
            Backend::Postgres => (self.pool.begin().await?, None),
        };
        Ok(Tx {
            inner,
            secrets: self.secrets.clone(),
            _turn: turn,
            audit: Pending::default(),
        })
    }

    /// A trivial query, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// True when the error is a unique-constraint violation.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file_unless_told_otherwise() {
        let url: DatabaseUrl = "sqlite://demo.db".parse().expect("valid url");
        assert_eq!(url.as_str(), "sqlite://demo.db?mode=rwc");
        let url: DatabaseUrl = "sqlite://demo.db?mode=ro".parse().expect("valid url");
        assert_eq!(url.as_str(), "sqlite://demo.db?mode=ro");
    }

    #[test]
    fn unknown_schemes_are_refused_with_a_reason() {
        let err = "mysql://x".parse::<DatabaseUrl>().expect_err("refused");
        assert!(err.contains("sqlite:"));
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn debug_output_hides_credentials() {
        let url: DatabaseUrl = "postgres://u:secret@h/db".parse().expect("valid url");
        assert!(!format!("{url:?}").contains("secret"));
    }
}
