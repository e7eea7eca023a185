//! What a partner's Reservio account is found to honour (the probe's profile), and how long a
//! connection may wait out rate limits: plain data the client and its parts share.

use serde::{Deserialize, Serialize};

/// How `filter[from]` / `filter[to]` on `GET /bookings` behave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFilterSupport {
    /// The filter selects by the appointment's start: a poll reads only the window.
    Honoured,
    /// The filter selects by something else (such as when the booking was made).
    Misapplied,
    /// The filter is ignored: a filtered listing is the whole history.
    Ignored,
    /// Not known yet (no bookings to compare).
    #[default]
    Unknown,
}

impl DateFilterSupport {
    /// Whether a poll may list the window with the date filter.
    pub fn usable(self) -> bool {
        self == DateFilterSupport::Honoured
    }
}

/// What the listing probe found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingProfile {
    pub date_filter: DateFilterSupport,
    /// Whether `include=event,client` is honoured (`None`: no bookings to tell by).
    pub include: Option<bool>,
}

/// What the set-up probe found a Reservio account to do: stored on the connection, shown on
/// the verification report, audited when it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountProfile {
    /// `GET /users/me` accepted the token.
    pub token_ok: bool,
    /// The business's IANA time zone, as `GET /businesses/{id}` gives it.
    pub timezone: Option<String>,
    /// Its staff members and rooms, by name.
    pub resources: Vec<String>,
    pub listing: ListingProfile,
    /// Listings carry `meta.total` or `links.next` to page by.
    pub paging_described: bool,
}

/// How long one connection may spend waiting out 429s per minute; beyond it a call fails as
/// transient and the next round tries again, so one rate-limited partner cannot hold the worker.
#[derive(Debug)]
pub struct RetryBudget {
    per_minute: std::time::Duration,
    spent: std::sync::Mutex<(std::time::Instant, std::time::Duration)>,
}

impl RetryBudget {
    pub fn new(per_minute: std::time::Duration) -> RetryBudget {
        RetryBudget {
            per_minute,
            spent: std::sync::Mutex::new((std::time::Instant::now(), std::time::Duration::ZERO)),
        }
    }

    /// Takes `wait` from the budget; false when it would overdraw this minute's.
    pub fn take(&self, wait: std::time::Duration) -> bool {
        let Ok(mut spent) = self.spent.lock() else {
            return false;
        };
        if spent.0.elapsed() >= std::time::Duration::from_secs(60) {
            *spent = (std::time::Instant::now(), std::time::Duration::ZERO);
        }
        if spent.1 + wait > self.per_minute {
            return false;
        }
        spent.1 += wait;
        true
    }
}
