//! The Reservio request budget of the whole deployment, kept in the database so that every
//! instance draws from the same one (`BOOKBRIDGE_RESERVIO_BUDGET` requests per second), and a
//! 429's `Retry-After` holds every instance off, not only the connection that got it.
//!
//! When the budget is short, a sync a notification asked for goes first: while one of its
//! requests waits, this instance's polls wait too, so a notified change does not queue behind a
//! channel's worth of polls for the same seconds of budget.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use crate::clock::Clock;
use crate::db::{Db, budget};
use crate::systems::{RequestGate, SystemError};

/// The longest one request waits for the budget before its sync gives up (and tries again at
/// its next turn).
const MAX_WAIT: Duration = Duration::from_secs(30);

/// How long a poll's request waits before looking again while a notified sync's request of
/// this instance waits for the budget.
const YIELD_EVERY: Duration = Duration::from_millis(50);
/// How long a request waits before asking a full second's budget again when the clock cannot
/// say when the next second begins (a test's fixed clock).
const RETRY_EVERY: Duration = Duration::from_millis(50);
/// How far into the next second a poll's request asks again, so that a notified sync's
/// request, which asks as the second begins, takes the second's first request.
const POLL_AFTER_URGENT: Duration = Duration::from_millis(5);

tokio::task_local! {
    /// Set while a sync a notification asked for runs (see [`notified`]).
    static NOTIFIED: ();
}

/// Runs `sync` as a notified sync: its requests go before this instance's polls when the
/// budget is short.
pub async fn notified<F: Future>(sync: F) -> F::Output {
    NOTIFIED.scope((), sync).await
}

fn is_notified() -> bool {
    NOTIFIED.try_with(|()| ()).is_ok()
}

/// Counts a notified request as waiting for as long as it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A request budget of `per_second` for `system`, shared through the database.
pub struct SharedBudget {
    db: Db,
    clock: Clock,
    system: &'static str,
    per_second: i64,
    /// Requests of notified syncs of this instance waiting for the budget.
    urgent_waiting: AtomicUsize,
}

impl SharedBudget {
    pub fn new(db: Db, clock: Clock, system: &'static str, per_second: u32) -> Self {
        SharedBudget {
            db,
            clock,
            system,
            per_second: i64::from(per_second.max(1)),
            urgent_waiting: AtomicUsize::new(0),
        }
    }
}

fn unavailable(e: sqlx::Error) -> SystemError {
    SystemError::Transport(format!("the request budget cannot be read: {e}"))
}

#[async_trait]
impl RequestGate for SharedBudget {
    async fn admit(&self) -> Result<(), SystemError> {
        let started = tokio::time::Instant::now();
        let urgent = is_notified();
        let _waiting = urgent.then(|| Waiting::new(&self.urgent_waiting));
        loop {
            let wait = if !urgent && self.urgent_waiting.load(Ordering::SeqCst) > 0 {
                // A notified sync's request is waiting: it takes the next free one.
                YIELD_EVERY
            } else {
                let now = self.clock.now();
                let paused = budget::paused_until(&self.db, self.system)
                    .await
                    .map_err(unavailable)?;
                match paused {
                    Some(until) if until > now => Duration::from_secs((until - now).unsigned_abs()),
                    _ => {
                        if budget::take(&self.db, self.system, now, self.per_second)
                            .await
                            .map_err(unavailable)?
                        {
                            return Ok(());
                        }
                        // This second's budget is spent and nothing frees it: ask again when
                        // the next one begins, not every few milliseconds (each asking is a
                        // write to the one row every waiting request of the deployment
                        // contends for).
                        match self.clock.until_next_second() {
                            Some(next) if urgent => next,
                            Some(next) => next + POLL_AFTER_URGENT,
                            None => RETRY_EVERY,
                        }
                    }
                }
            };
            if started.elapsed() + wait > MAX_WAIT {
                return Err(SystemError::Http {
                    status: 429,
                    body: format!("the deployment's {} request budget is used up", self.system),
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn hold_off(&self, wait: Duration) {
        let until = self.clock.now() + i64::try_from(wait.as_secs()).unwrap_or(i64::MAX / 2);
        if let Err(e) = budget::pause(&self.db, self.system, until).await {
            tracing::warn!(error = %e, "cannot record the system's request to wait");
        }
    }
}
