//! The Reservio request budget of the whole deployment, kept in the database so that every
//! instance draws from the same one (`BOOKBRIDGE_RESERVIO_BUDGET` requests per second), and a
//! 429's `Retry-After` holds every instance off, not only the connection that got it.

use std::time::Duration;

use async_trait::async_trait;

use crate::clock::Clock;
use crate::db::{Db, budget};
use crate::systems::{RequestGate, SystemError};

/// The longest one request waits for the budget before its sync gives up (and tries again at
/// its next turn).
const MAX_WAIT: Duration = Duration::from_secs(30);

/// How long a request waits before asking the budget again within a full second.
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// A request budget of `per_second` for `system`, shared through the database.
pub struct SharedBudget {
    db: Db,
    clock: Clock,
    system: &'static str,
    per_second: i64,
}

impl SharedBudget {
    pub fn new(db: Db, clock: Clock, system: &'static str, per_second: u32) -> Self {
        SharedBudget {
            db,
            clock,
            system,
            per_second: i64::from(per_second.max(1)),
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
        loop {
            let now = self.clock.now();
            let paused = budget::paused_until(&self.db, self.system)
                .await
                .map_err(unavailable)?;
            let wait = match paused {
                Some(until) if until > now => Duration::from_secs((until - now).unsigned_abs()),
                _ => {
                    if budget::take(&self.db, self.system, now, self.per_second)
                        .await
                        .map_err(unavailable)?
                    {
                        return Ok(());
                    }
                    RETRY_EVERY
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
