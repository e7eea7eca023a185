//! What every handler can reach: the application's shared state, built once by
//! [`crate::app::App::build`]. It lives beside the router so that handlers never import
//! upwards.

use std::ops::Deref;
use std::sync::Arc;

use crate::auth::Passwords;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::sandbox::world::Sandbox;
use crate::sync::{Notifier, SyncContext};

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// Wakes the worker for connection `id` after a change it should act on now rather than
    /// at its next poll; nothing when sync is off.
    pub fn sync_soon(&self, id: i64) {
        if let Some(notifier) = &self.notifier {
            notifier.notify(id);
        }
    }
}

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub config: Config,
    pub clock: Clock,
    pub passwords: Passwords,
    /// Wakes the worker for one connection (webhooks); `None` when sync is off.
    pub notifier: Option<Notifier>,
    /// The sync engine's context; `None` when sync is off.
    pub sync: Option<SyncContext>,
    /// The demo's fake systems, for the set-up pages' "use sandbox accounts" helpers; `None`
    /// against real systems.
    pub sandbox: Option<Arc<Sandbox>>,
    /// What the guided procedures' runner shares with the pages that start them.
    pub procedures: crate::sync::procedure::Hooks,
    /// The bookings list's pages of rows, kept for about a second.
    pub bookings_cache: crate::web::bookings::cache::PageCache,
    /// The start of links in e-mails (invitations, password resets).
    pub link_base: String,
    /// This instance's HTTP latencies, for `/metrics`.
    pub http_metrics: crate::web::route_latency::HttpMetrics,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
