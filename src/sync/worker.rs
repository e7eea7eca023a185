//! The worker: syncs every connection on an interval and at once when a system notifies us.
//! Each connection's sync runs in a task of its own, so a panic in one is logged and never
//! stops the loop.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc;

use super::context::{SyncContext, SyncError};
use super::link::link_new;
use super::pull::{PullReport, pull};
use super::push::{PushReport, push_due};
use super::reconcile::{ReconcileReport, reconcile_connection};
use super::sweep::{SweepReport, sweep};
use crate::db::connections::{self, Connection, Hold, ServiceMap};
use crate::db::cursors;
use crate::domain::System;

/// What one sync of one connection did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub termino: PullReport,
    pub reservio: PullReport,
    pub links: usize,
    pub reconcile: ReconcileReport,
    pub push: PushReport,
    pub sweep_termino: SweepReport,
    pub sweep_reservio: SweepReport,
}

/// Asks the worker to sync one connection now.
#[derive(Clone, Debug)]
pub struct Notifier(mpsc::Sender<i64>);

impl Notifier {
    /// Never blocks: when the queue is full a sync is coming anyway.
    pub fn notify(&self, connection_id: i64) {
        let _ = self.0.try_send(connection_id);
    }
}

/// The background loop.
pub struct Worker {
    ctx: SyncContext,
    wake: mpsc::Receiver<i64>,
}

impl Worker {
    pub fn new(ctx: SyncContext) -> (Worker, Notifier) {
        let (tx, rx) = mpsc::channel(1024);
        (Worker { ctx, wake: rx }, Notifier(tx))
    }

    /// Runs until the notifier side is gone.
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(Duration::from_secs(
            self.ctx.settings.poll_interval_secs.max(1),
        ));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                woken = self.wake.recv() => match woken {
                    Some(id) => isolated(self.ctx.clone(), Some(id)).await,
                    None => break,
                },
                _ = tick.tick() => isolated(self.ctx.clone(), None).await,
            }
        }
    }
}

/// Runs one sync in its own task so that a panic is contained and logged.
async fn isolated(ctx: SyncContext, connection: Option<i64>) {
    let task = tokio::spawn(async move {
        match connection {
            Some(id) => match connections::find(&ctx.db, id).await {
                Ok(Some(conn)) => log_outcome(&conn, sync_connection(&ctx, &conn).await),
                Ok(None) => {
                    tracing::debug!(connection = id, "notified about an unknown connection")
                }
                Err(e) => tracing::warn!(error = %e, "cannot load connection"),
            },
            None => {
                if let Err(e) = sync_all(&ctx).await {
                    tracing::warn!(error = %e, "sync round failed");
                }
            }
        }
    });
    if let Err(e) = task.await {
        tracing::error!(error = %e, "a sync task panicked or was cancelled");
    }
}

fn log_outcome(conn: &Connection, outcome: Result<SyncReport, SyncError>) {
    match outcome {
        Ok(report) => tracing::debug!(connection = conn.id, ?report, "synced"),
        Err(SyncError::Busy(_)) => {}
        Err(e) => tracing::warn!(connection = conn.id, error = %e, "sync failed"),
    }
}

/// Syncs every syncable connection once, one after another. Tests call this to drain the
/// engine deterministically.
pub async fn sync_all(
    ctx: &SyncContext,
) -> Result<Vec<(i64, Result<SyncReport, SyncError>)>, SyncError> {
    let mut results = vec![];
    for conn in connections::list_syncable(&ctx.db).await? {
        let outcome = sync_connection(ctx, &conn).await;
        if let Err(e) = &outcome {
            if !matches!(e, SyncError::Busy(_)) {
                tracing::warn!(connection = conn.id, error = %e, "sync failed");
            }
        }
        results.push((conn.id, outcome));
    }
    Ok(results)
}

/// Pull → link → reconcile → push → reconcile what the pushes changed, for one connection,
/// under its lease.
pub async fn sync_connection(
    ctx: &SyncContext,
    conn: &Connection,
) -> Result<SyncReport, SyncError> {
    let now = ctx.clock.now();
    if !connections::claim_sync_lease(
        &ctx.db,
        conn.id,
        &ctx.owner,
        now,
        now + ctx.settings.lease_secs,
    )
    .await?
    {
        return Err(SyncError::Busy(conn.id));
    }
    let outcome = run_steps(ctx, conn).await;
    let error = outcome.as_ref().err().map(|e| e.to_string());
    connections::finish_sync(
        &ctx.db,
        conn.id,
        &ctx.owner,
        ctx.clock.now(),
        error.as_deref(),
    )
    .await?;
    outcome
}

async fn run_steps(ctx: &SyncContext, conn: &Connection) -> Result<SyncReport, SyncError> {
    let systems = ctx.connector.systems(conn)?;
    let map = ServiceMap::new(&connections::mappings(&ctx.db, conn.id).await?);
    let mut report = SyncReport::default();
    // When each system last answered a read (plus one poll), before this round asks again: a
    // push that failed after that failed while the system was silent, so a system answering
    // this round's read is news for it (`undelivered::due`).
    let poll = i64::try_from(ctx.settings.poll_interval_secs).unwrap_or(i64::MAX);
    let mut silent_since = HashMap::new();
    for system in [System::Termino, System::Reservio] {
        let answered = cursors::answered_at(&ctx.db, conn.id, system).await?;
        silent_since.insert(system, answered.unwrap_or(0).saturating_add(poll));
    }
    // One system being down must not stop the other side from syncing.
    let termino = pull(ctx, conn, System::Termino, systems.termino.as_ref()).await;
    let reservio = pull(ctx, conn, System::Reservio, systems.reservio.as_ref()).await;
    let mut refused = false;
    for (system, outcome) in [(System::Termino, &termino), (System::Reservio, &reservio)] {
        if let Err(SyncError::System(e)) = outcome
            && super::hold::refused_credentials(e)
        {
            super::hold::credentials_refused(ctx, conn, Some(system), e).await?;
            refused = true;
        }
    }
    let mut first_error = None;
    match termino {
        Ok(r) => report.termino = r,
        Err(e) => {
            silent_since.remove(&System::Termino);
            first_error = Some(e)
        }
    }
    match reservio {
        Ok(r) => report.reservio = r,
        Err(e) => {
            silent_since.remove(&System::Reservio);
            first_error = first_error.or(Some(e))
        }
    }
    // The slow full comparison, a few pages a round, before the new snapshots are linked.
    match sweep(ctx, conn, System::Termino, systems.termino.as_ref()).await {
        Ok(r) => report.sweep_termino = r,
        Err(e) => first_error = first_error.or(Some(e)),
    }
    match sweep(ctx, conn, System::Reservio, systems.reservio.as_ref()).await {
        Ok(r) => report.sweep_reservio = r,
        Err(e) => first_error = first_error.or(Some(e)),
    }
    report.links = link_new(ctx, conn).await?.len();
    super::push::confirm_observed(ctx, conn).await?;
    super::undelivered::requeue_due(ctx, conn, &silent_since).await?;
    report.reconcile = reconcile_connection(ctx, conn, &map).await?;
    // Refused credentials or observe mode: the pushes wait, recorded, and nothing is written.
    let hold = if refused {
        Some(Hold::CredentialsExpired)
    } else {
        conn.hold()
    };
    if let Some(hold) = hold {
        super::hold::hold_round(ctx, conn, hold).await?;
        return match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        };
    }
    report.push = push_due(ctx, conn, &systems).await?;
    for link_id in report.push.links.clone() {
        let again = super::reconcile::reconcile_link(ctx, conn, &map, link_id).await?;
        report.reconcile.pushes_enqueued += again.pushes_enqueued;
        report.reconcile.mismatches_opened += again.mismatches_opened;
        report.reconcile.mismatches_resolved += again.mismatches_resolved;
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}
