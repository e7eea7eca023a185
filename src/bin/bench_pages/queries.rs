//! Counts the SQL statements one request runs, from the events sqlx emits for each
//! (`sqlx::query`, at debug level). Counting is off unless asked for, so the load runs pay
//! nothing for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// A tracing layer counting sqlx's statement events while switched on.
#[derive(Clone, Default)]
pub struct QueryCounter {
    on: Arc<AtomicBool>,
    seen: Arc<AtomicU64>,
}

fn is_statement(meta: &Metadata<'_>) -> bool {
    meta.target() == "sqlx::query"
}

impl<S: Subscriber> Layer<S> for QueryCounter {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // Asked again for every event, so switching on and off takes effect at once.
        if is_statement(meta) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        is_statement(meta) && self.on.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if is_statement(event.metadata()) {
            self.seen.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl QueryCounter {
    /// Counts the statements `work` runs (nothing else may run meanwhile).
    pub async fn count<T>(&self, work: impl Future<Output = T>) -> (T, u64) {
        self.seen.store(0, Ordering::Relaxed);
        self.on.store(true, Ordering::Relaxed);
        let out = work.await;
        self.on.store(false, Ordering::Relaxed);
        (out, self.seen.load(Ordering::Relaxed))
    }
}
