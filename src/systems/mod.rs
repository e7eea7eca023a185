//! The external booking systems, each reached through [`BookingSystem`], with an HTTP client
//! per system: [`reservio`] follows Reservio's public API, [`termino`] speaks the small JSON API
//! documented in `docs/termino-api.md`.

#[cfg(test)]
mod hostile_json;
pub mod reservio;
pub mod termino;

use async_trait::async_trait;

use crate::domain::{Customer, NewBooking, RemoteBooking, System};

/// Why a call to an external system failed. Clients turn every kind of garbage into one of
/// these; none of them panics.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SystemError {
    #[error("the system did not answer in time")]
    Timeout,
    #[error("could not reach the system: {0}")]
    Transport(String),
    #[error("the system answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("the system's answer could not be read: {0}")]
    InvalidPayload(String),
    #[error("no such booking")]
    NotFound,
    #[error("the system refused: {0}")]
    Refused(String),
}

impl SystemError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            SystemError::Timeout | SystemError::Transport(_) => true,
            SystemError::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// One page of changes read from a system.
#[derive(Debug)]
pub struct ChangeBatch {
    /// Each booking, or why it could not be read: one bad booking never stops the others.
    pub bookings: Vec<Result<RemoteBooking, SystemError>>,
    /// Where to continue next time.
    pub next_cursor: String,
    /// True when `bookings` is the whole current window (a polled listing, as for Reservio):
    /// a stored booking of that window that is absent has vanished from the system.
    pub complete_window: Option<(i64, i64)>,
    /// More pages are waiting behind `next_cursor`.
    pub has_more: bool,
}

/// What every request to a system passes first: a budget of requests for the whole deployment,
/// and the system's own requests to wait (429 with `Retry-After`).
#[async_trait]
pub trait RequestGate: Send + Sync {
    /// Waits until one more request may be sent; an error when the wait would be too long
    /// (transient: the next sync tries again).
    async fn admit(&self) -> Result<(), SystemError>;

    /// The system answered 429 asking to wait `wait`: nobody sends until then.
    async fn hold_off(&self, wait: std::time::Duration);
}

/// What a connection is called on each side: Reservio's business id, Termino's partner id.
pub type Account = str;

/// A booking system: read changes, read one booking, create, move, cancel.
#[async_trait]
pub trait BookingSystem: Send + Sync {
    fn system(&self) -> System;

    /// When a read of this system falls due whatever the connection's own poll interval says,
    /// given the cursor its last read left (Unix seconds); `None` when the poll interval alone
    /// decides. Reservio's: when its whole window is due to be read again.
    fn read_due_at(&self, _cursor: Option<&str>) -> Option<i64> {
        None
    }

    /// Changes since `cursor` (None: from the beginning of what the system offers).
    async fn changes_since(
        &self,
        account: &Account,
        cursor: Option<&str>,
    ) -> Result<ChangeBatch, SystemError>;

    /// One booking as it is now; `NotFound` when it no longer exists.
    async fn get(&self, account: &Account, external_id: &str)
    -> Result<RemoteBooking, SystemError>;

    /// A live booking of `account` that already stands for `booking` (see
    /// [`NewBooking::stands_in`]): looked for before every create, so that a create never depends
    /// on our own rows having survived.
    async fn find_existing(
        &self,
        account: &Account,
        booking: &NewBooking,
    ) -> Result<Option<RemoteBooking>, SystemError>;

    /// Creates a booking. `idempotency_key` lets a retry after a lost response find the first
    /// attempt's booking instead of creating a second.
    async fn create(
        &self,
        account: &Account,
        booking: &NewBooking,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError>;

    /// Moves a booking to a new slot.
    async fn update_time(
        &self,
        account: &Account,
        external_id: &str,
        start_at: i64,
        end_at: i64,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError>;

    /// Replaces the customer's details.
    async fn update_customer(
        &self,
        account: &Account,
        external_id: &str,
        customer: &Customer,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError>;

    /// Cancels a booking (never deletes it).
    async fn cancel(
        &self,
        account: &Account,
        external_id: &str,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError>;
}

/// How long one call to an external system may take before it counts as a timeout.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The HTTP client every system client uses: rustls with the ring provider (no OpenSSL), a
/// timeout on every call, no cookies, no redirects.
pub fn http_client(timeout: std::time::Duration) -> Result<reqwest::Client, SystemError> {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SystemError::Transport(e.to_string()))
}

/// Maps a reqwest error to our error kinds.
pub fn transport_error(err: reqwest::Error) -> SystemError {
    if err.is_timeout() {
        SystemError::Timeout
    } else if err.is_decode() {
        SystemError::InvalidPayload(err.to_string())
    } else {
        SystemError::Transport(err.to_string())
    }
}
