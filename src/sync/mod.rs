//! The sync engine: pull → link → reconcile → push, per connection.
//!
//! The decisions are pure ([`crate::domain::reconcile`]); this module does the I/O around them:
//! reading both systems, storing snapshots, writing links, mismatches and outbox rows, calling
//! the systems, and auditing every change it makes as the actor `sync`.

pub mod budget;
pub mod catalogue;
pub mod connector;
pub mod context;
pub mod feed;
pub mod hold;
pub mod link;
mod listing;
pub mod procedure;
pub mod pull;
pub mod push;
pub mod reconcile;
pub mod schedule;
pub mod sweep;
pub mod undelivered;
pub mod worker;

pub use connector::{ConnectionSystems, Connector, HttpConnector};
pub use context::{SYNC, Settings, SyncContext, SyncError};
pub use worker::{Notifier, SyncReport, Worker, sync_all, sync_connection};
