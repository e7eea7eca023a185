//! The one place that reads the system clock. Everything else takes "now" from a [`Clock`], so
//! tests can fix or move time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Unix time in seconds, UTC.
pub type UnixTime = i64;

/// When a read of another system began, in microseconds of the machine's clock (never a fixed
/// clock's: it orders reads, not events of the world). Of two reads of the same booking, the
/// one that began later saw its later state; a system that versions its bookings says so
/// itself, Reservio does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadMark(pub i64);

impl ReadMark {
    /// A read beginning now.
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the system clock"
    )]
    pub fn now() -> Self {
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        ReadMark(micros)
    }
}

/// A source of the current time.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The machine's clock.
    #[default]
    System,
    /// A clock that only moves when told to; shared between clones.
    Fixed(Arc<AtomicI64>),
}

impl Clock {
    /// A fixed clock starting at `at`.
    pub fn fixed(at: UnixTime) -> Self {
        Clock::Fixed(Arc::new(AtomicI64::new(at)))
    }

    /// The current instant in Unix seconds.
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the system clock"
    )]
    pub fn now(&self) -> UnixTime {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            Clock::Fixed(at) => at.load(Ordering::SeqCst),
        }
    }

    /// How long until the next whole second of [`Clock::now`] begins: `None` for a fixed
    /// clock, which moves only when told to.
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the system clock"
    )]
    pub fn until_next_second(&self) -> Option<std::time::Duration> {
        match self {
            Clock::System => {
                let into = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0);
                Some(std::time::Duration::from_nanos(
                    1_000_000_000 - u64::from(into.min(999_999_999)),
                ))
            }
            Clock::Fixed(_) => None,
        }
    }

    /// Moves a fixed clock forward; a no-op for the system clock.
    pub fn advance(&self, seconds: i64) {
        if let Clock::Fixed(at) = self {
            at.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}
