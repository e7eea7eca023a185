//! What every step of the sync engine shares: its settings, its context, its error and its
//! actor, apart from the steps so that they never import the module that wires them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::audit::Actor;
use crate::clock::Clock;
use crate::db::Db;
use crate::domain::reconcile::Policy;
use crate::systems::SystemError;

use super::connector::Connector;

/// Why one connection's sync stopped early. The worker logs it and tries again later.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("external system: {0}")]
    System(#[from] SystemError),
    #[error("connection {0} is being synced by another instance")]
    Busy(i64),
    #[error("connection {0} is not set up for sync: {1}")]
    NotConfigured(i64, &'static str),
    #[error("Termino's channel feed is being read by another instance")]
    FeedBusy,
}

/// Tuning of the engine, with defaults that suit the demo.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How often a connection that changed recently is polled (Reservio has no
    /// notifications).
    pub poll_interval_secs: u64,
    /// How often a connection that has been quiet for long is polled (the schedule's
    /// `poll_delay` grows towards it).
    pub quiet_poll_interval_secs: u64,
    /// How often a Reservio poll reads its whole window; the polls between read only the next
    /// 48 hours, where changes matter soonest (`BOOKBRIDGE_FAR_WINDOW_SECS`; 0: every poll).
    pub far_window_every_secs: i64,
    /// Requests per second to Reservio for the whole deployment, shared through the database
    /// (`BOOKBRIDGE_RESERVIO_BUDGET`); `None` for no limit of ours.
    pub reservio_budget: Option<u32>,
    /// Connections synced at once by one instance's worker, besides as many again kept for
    /// notified ones (`BOOKBRIDGE_SYNC_CONCURRENCY`).
    pub concurrency: usize,
    /// How long a claimed connection or push stays ours if we die.
    pub lease_secs: i64,
    /// First retry delay of a failed push; doubles per attempt.
    pub retry_base_secs: i64,
    /// Longest retry delay.
    pub retry_max_secs: i64,
    /// After this many attempts a push fails for good (and raises `push_failed`).
    pub max_attempts: i64,
    /// How often a push that failed for good for want of an answer is tried again while its
    /// `push_failed` mismatch is open (it also goes at once when the system answers again).
    pub slow_retry_secs: i64,
    /// How long one call to an external system may take.
    pub call_timeout: std::time::Duration,
    /// How often each connection is compared in full with each system (the sweep), to find
    /// what the change feed will not show again: a lost snapshot, a skipped change, a deletion.
    pub sweep_interval_secs: i64,
    /// Pages of a system's listing the sweep reads per sync round, so that it costs little.
    pub sweep_pages: usize,
    pub policy: Policy,
    /// When bookings missing from one listing are too many to be deletions: the marking is
    /// held and the connection gets one alarm instead.
    pub mass_vanish: crate::domain::listing::MassVanishPolicy,
    /// How often the worker removes the sessions whose expiry has passed
    /// (`BOOKBRIDGE_SESSION_CLEANUP_SECS`).
    pub session_cleanup_secs: u64,
}

impl Settings {
    /// Syncs an instance runs at once in each lane unless told otherwise: most of a sync's
    /// time is spent waiting for Reservio and its budget, so PostgreSQL takes more at once than
    /// SQLite, whose single writer gains nothing from more. With 8 at a time on PostgreSQL,
    /// nearly all 8 were busy at 2,000 connections and a budget of 50 requests a second.
    pub fn default_concurrency(backend: crate::db::Backend) -> usize {
        match backend {
            crate::db::Backend::Postgres => 16,
            crate::db::Backend::Sqlite => 8,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll_interval_secs: 5,
            quiet_poll_interval_secs: 60,
            concurrency: 8,
            reservio_budget: None,
            far_window_every_secs: 60,
            lease_secs: 60,
            retry_base_secs: 2,
            retry_max_secs: 300,
            max_attempts: 8,
            slow_retry_secs: 10 * 60,
            call_timeout: crate::systems::DEFAULT_TIMEOUT,
            sweep_interval_secs: 6 * 60 * 60,
            sweep_pages: 2,
            policy: Policy::default(),
            mass_vanish: Default::default(),
            session_cleanup_secs: 60 * 60,
        }
    }
}

/// What every step of the engine needs.
#[derive(Clone)]
pub struct SyncContext {
    pub db: Db,
    pub clock: Clock,
    /// This instance's name in leases.
    pub owner: String,
    pub settings: Settings,
    pub connector: Arc<dyn Connector>,
    /// The syncs this instance's worker has finished, per lane.
    pub syncs: Arc<SyncCounts>,
}

/// How many syncs one instance's worker has finished, in the lane each was claimed in: how the
/// claims spread a channel's connections over the instances (`/metrics`,
/// `bookbridge_worker_syncs_total`), and how long they took in all
/// (`bookbridge_worker_sync_seconds_total`: with the count, the mean time a sync holds one of
/// the worker's places). This instance's own, like its HTTP latencies.
#[derive(Debug, Default)]
pub struct SyncCounts {
    notified: LaneCounts,
    polled: LaneCounts,
}

/// One lane's finished syncs and the microseconds they took.
#[derive(Debug, Default)]
struct LaneCounts {
    syncs: AtomicU64,
    micros: AtomicU64,
}

impl SyncCounts {
    fn lane(&self, notified: bool) -> &LaneCounts {
        if notified {
            &self.notified
        } else {
            &self.polled
        }
    }

    /// Counts one finished sync, claimed for a notification or because it fell due, that took
    /// `took` from its claim to its end.
    pub fn count(&self, notified: bool, took: std::time::Duration) {
        let lane = self.lane(notified);
        lane.syncs.fetch_add(1, Ordering::Relaxed);
        lane.micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// Syncs claimed for a notification.
    pub fn notified(&self) -> u64 {
        self.notified.syncs.load(Ordering::Relaxed)
    }

    /// Syncs claimed because they fell due (polls).
    pub fn polled(&self) -> u64 {
        self.polled.syncs.load(Ordering::Relaxed)
    }

    /// Seconds the syncs of one lane took in all.
    pub fn seconds(&self, notified: bool) -> f64 {
        self.lane(notified).micros.load(Ordering::Relaxed) as f64 / 1e6
    }
}

impl SyncContext {
    pub fn new(db: Db, clock: Clock, settings: Settings, connector: Arc<dyn Connector>) -> Self {
        let owner = {
            use rand::Rng;
            let n: u32 = rand::rng().random();
            format!("worker-{}-{n:08x}", std::process::id())
        };
        SyncContext {
            db,
            clock,
            owner,
            settings,
            connector,
            syncs: Arc::default(),
        }
    }
}

impl std::fmt::Debug for SyncContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncContext")
            .field("owner", &self.owner)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The actor of everything the engine does.
pub const SYNC: Actor = Actor::Sync;

/// Opens (or refreshes) a mismatch of `kind` on a link that the engine itself raises — a push
/// or a procedure that failed — and audits it when it is new. `extra` joins the audit row.
pub(crate) async fn flag(
    tx: &mut crate::db::Tx,
    link_id: i64,
    partner_id: i64,
    kind: crate::domain::MismatchKind,
    detail: &str,
    extra: serde_json::Value,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (id, opened) = crate::db::mismatches::open_or_refresh(
        tx,
        &crate::db::mismatches::Detected {
            link_id,
            partner_id,
            kind: kind.as_str(),
            severity: kind.default_severity().as_str(),
            details: detail,
        },
        now,
    )
    .await?;
    if opened {
        let mut after =
            serde_json::json!({ "link_id": link_id, "kind": kind.as_str(), "detail": detail });
        if let (Some(after), serde_json::Value::Object(extra)) = (after.as_object_mut(), extra) {
            after.extend(extra);
        }
        crate::audit::append(
            tx,
            now,
            crate::audit::Event::new(&SYNC, "mismatch.opened", "mismatch", id)
                .partner(Some(partner_id))
                .after(after),
        )?;
    }
    Ok(())
}
