//! The Reservio request budget of the whole deployment, kept in the database so that every
//! instance draws from the same one (`BOOKBRIDGE_RESERVIO_BUDGET` requests per second), and a
//! 429's `Retry-After` holds every instance off, not only the connection that got it.
//!
//! When the budget is short, a sync a notification asked for goes first, so a notified change
//! does not queue behind a channel's worth of polls for the same seconds of budget: polls of
//! every instance leave two fifths of each second's budget to notified syncs until the second's
//! last fifth, and while a notified sync's request waits, this instance's polls wait too. A
//! poll under way when news for its connection arrives counts as notified from then on
//! ([`Urgency`]): the notified sync cannot begin before it ends.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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
/// The part of each second's budget that polls leave to notified syncs until the second's last
/// fifth, in fifths: a notified sync's request then waits for the next second only when it asks
/// in that last fifth, and at most that long, while what the notified syncs leave of it goes to
/// the polls in the last fifth, so a backlog of polls still uses the whole budget. Two fifths:
/// at 2,000 connections and five sandbox changes a second, the notified syncs took about 16
/// requests a second of 50 (3.5 syncs of 4.5 requests), more than one fifth.
const RESERVED_FIFTHS: i64 = 2;
/// A notified sync's request that waited longer than this for the budget is logged (debug).
const SLOW_URGENT: Duration = Duration::from_millis(100);
/// The reserve is kept while more than this is left of the second.
const RESERVE_KEPT_WHILE: Duration = Duration::from_millis(200);

/// The part of the second's budget a request must leave to others, with `left` of the second
/// to go (`None`: the clock cannot say, as a test's fixed clock): the reserve for a poll in the
/// second's first four fifths, nothing for a notified sync or later in the second.
fn reserved(per_second: i64, urgent: bool, left: Option<Duration>) -> i64 {
    match left {
        Some(left) if !urgent && left > RESERVE_KEPT_WHILE => per_second * RESERVED_FIFTHS / 5,
        _ => 0,
    }
}

/// How many of the second's requests a request may be one of: every one for a notified sync,
/// all but the reserve for a poll in the second's first four fifths.
fn second_limit(per_second: i64, urgent: bool, left: Option<Duration>) -> i64 {
    per_second - reserved(per_second, urgent, left)
}

/// How long a request the second's budget refused waits before asking again: a poll refused
/// by the reserve until the reserve is released, else until the next second begins (a poll a
/// moment later than a notified sync).
fn wait_after_refusal(per_second: i64, urgent: bool, left: Option<Duration>) -> Duration {
    match left {
        None => RETRY_EVERY,
        Some(left) if urgent => left,
        Some(left) if reserved(per_second, urgent, Some(left)) > 0 => {
            left - RESERVE_KEPT_WHILE + POLL_AFTER_URGENT
        }
        Some(left) => left + POLL_AFTER_URGENT,
    }
}

/// Requests this process took from a shared budget, by whether a notified sync made them.
static ADMITTED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// Requests this process took from a shared budget: those of notified syncs (`true`), or of
/// polls and everything else (`false`). With the syncs of each lane, what one sync of the lane
/// costs (`/metrics`).
pub fn admitted(notified: bool) -> u64 {
    ADMITTED[usize::from(notified)].load(Ordering::Relaxed)
}

/// Whether a sync's requests go before this instance's polls when the budget is short: from
/// its start for a sync a notification asked for, and from the moment news for its connection
/// arrives for a poll already under way (the notified change waits for that poll to end).
#[derive(Clone, Debug, Default)]
pub struct Urgency(Arc<AtomicBool>);

impl Urgency {
    pub fn new(urgent: bool) -> Self {
        Urgency(Arc::new(AtomicBool::new(urgent)))
    }

    /// From now on the sync's requests go first.
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

tokio::task_local! {
    /// The urgency of the sync that runs (see [`with_urgency`]).
    static URGENCY: Urgency;
}

/// Runs `sync` with `urgency`: while it is raised, the sync's requests go before this
/// instance's polls when the budget is short.
pub async fn with_urgency<F: Future>(urgency: Urgency, sync: F) -> F::Output {
    URGENCY.scope(urgency, sync).await
}

/// Whether the running sync's requests go first now.
pub(crate) fn is_notified() -> bool {
    URGENCY.try_with(Urgency::is_raised).unwrap_or(false)
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
        let mut waiting = None;
        loop {
            // Asked each time: a poll's urgency is raised when a notification asks for its
            // connection, and a request that waits then goes first from there on.
            let urgent = is_notified();
            if urgent && waiting.is_none() {
                waiting = Some(Waiting::new(&self.urgent_waiting));
            }
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
                        let left = self.clock.until_next_second();
                        let limit = second_limit(self.per_second, urgent, left);
                        if budget::take(&self.db, self.system, now, limit)
                            .await
                            .map_err(unavailable)?
                        {
                            ADMITTED[usize::from(urgent)].fetch_add(1, Ordering::Relaxed);
                            if urgent && started.elapsed() > SLOW_URGENT {
                                tracing::debug!(
                                    waited_ms = started.elapsed().as_millis(),
                                    "a notified sync's request waited for the budget"
                                );
                            }
                            return Ok(());
                        }
                        // What this request may take of this second is spent, and nothing
                        // frees it: ask again when more is open to it, not every few
                        // milliseconds (each asking is a write to the one row every waiting
                        // request of the deployment contends for).
                        wait_after_refusal(self.per_second, urgent, left)
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

#[cfg(test)]
mod tests {
    use super::*;

    const EARLY: Option<Duration> = Some(Duration::from_millis(900));
    const LATE: Option<Duration> = Some(Duration::from_millis(150));

    #[test]
    fn polls_leave_two_fifths_of_a_seconds_first_four_fifths_to_notified_syncs() {
        assert_eq!(second_limit(50, false, EARLY), 30);
        assert_eq!(second_limit(50, true, EARLY), 50);
        // Still kept at the second's half...
        assert_eq!(
            second_limit(50, false, Some(Duration::from_millis(400))),
            30
        );
        // ... and in its last fifth, what the notified syncs left is the polls' too.
        assert_eq!(second_limit(50, false, LATE), 50);
        // Under three a second there is nothing to keep back; a fixed clock keeps nothing.
        assert_eq!(second_limit(2, false, EARLY), 2);
        assert_eq!(second_limit(4, false, EARLY), 3);
        assert_eq!(second_limit(50, false, None), 50);
    }

    #[tokio::test]
    async fn a_polls_urgency_raised_while_it_runs_makes_its_next_requests_go_first() {
        assert!(!is_notified(), "outside a sync nothing is urgent");
        assert!(with_urgency(Urgency::new(true), async { is_notified() }).await);
        let urgency = Urgency::new(false);
        let seen = with_urgency(urgency.clone(), async {
            let before = is_notified();
            // A notification asks for the connection while its poll runs.
            urgency.raise();
            (before, is_notified())
        })
        .await;
        assert_eq!(seen, (false, true));
    }

    #[test]
    fn a_refused_request_asks_again_when_more_of_the_budget_is_open_to_it() {
        // A poll refused by the reserve asks when the reserve is released...
        assert_eq!(
            wait_after_refusal(50, false, EARLY),
            Duration::from_millis(705)
        );
        // ... one refused later, and a notified sync's, when the next second begins (the
        // notified sync's a moment first).
        assert_eq!(
            wait_after_refusal(50, false, LATE),
            Duration::from_millis(155)
        );
        assert_eq!(
            wait_after_refusal(50, true, EARLY),
            Duration::from_millis(900)
        );
        assert_eq!(
            wait_after_refusal(2, false, EARLY),
            Duration::from_millis(905)
        );
        assert_eq!(wait_after_refusal(50, false, None), RETRY_EVERY);
    }
}
