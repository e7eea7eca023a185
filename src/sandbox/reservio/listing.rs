//! Switches for the ways Reservio might really behave where the public evidence is silent: no
//! public client of the real API sends a date filter or `include` to `/bookings`, pages through
//! booking slots, moves a booking, changes a client or meets a rate limit, so each assumption we
//! make about them is a switch a test can flip at run time, like the fault switches.

use crate::sandbox::switch::Switch;

/// What `filter[from]` / `filter[to]` on `GET /bookings` select by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateFilter {
    /// The appointment's start, as `docs/reservio.md` assumes.
    #[default]
    EventStart,
    /// When the booking was made: bookings made long ago drop out of a window of appointments.
    CreatedAt,
    /// Not at all: every booking of the business, whatever the window.
    Ignored,
}

/// Every `every`-th request is answered 429 with `Retry-After: retry_after_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub every: u64,
    pub retry_after_secs: u64,
}

/// How the fake behaves where the evidence is silent; the default is what `docs/reservio.md`
/// assumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListingQuirks {
    pub date_filter: DateFilter,
    /// `include=event,client` is ignored on listings and single reads: no `included`.
    pub include_ignored: bool,
    /// `GET /events/{id}` and `GET /clients/{id}` answer 404, so a booking without `included`
    /// cannot be completed by reading its event and client one by one.
    pub related_reads_missing: bool,
    /// The listing answers with no bookings at all, as for a token of another, empty business.
    pub answers_empty: bool,
    /// `page[offset]` is ignored on booking slots: every page is the first.
    pub slot_offset_ignored: bool,
    /// The word a rejected booking carries (`rejected`, `declined`, or one never seen).
    pub rejected_as: &'static str,
    /// `PATCH /events/{id}` is refused (404 `notSupported`): bookings cannot be moved by API.
    pub event_patch_refused: bool,
    /// Client details in a `PATCH /bookings/{id}` are silently ignored (200, old details).
    pub client_changes_ignored: bool,
    /// Requests are rate limited.
    pub rate_limit: Option<RateLimit>,
    /// `ignoreBookingBoundaries` on booking slots is ignored (the customer's rules apply).
    pub boundaries_always_apply: bool,
}

impl Default for ListingQuirks {
    fn default() -> Self {
        ListingQuirks {
            date_filter: DateFilter::default(),
            include_ignored: false,
            related_reads_missing: false,
            answers_empty: false,
            slot_offset_ignored: false,
            rejected_as: "rejected",
            event_patch_refused: false,
            client_changes_ignored: false,
            rate_limit: None,
            boundaries_always_apply: false,
        }
    }
}

impl ListingQuirks {
    /// Whether a booking made at `created_at` for `start_at` is listed for `[from, to)`.
    pub fn selects(&self, start_at: i64, created_at: i64, from: i64, to: i64) -> bool {
        if self.answers_empty {
            return false;
        }
        let at = match self.date_filter {
            DateFilter::EventStart => start_at,
            DateFilter::CreatedAt => created_at,
            DateFilter::Ignored => return true,
        };
        at >= from && at < to
    }
}

/// The quirks of one fake server, shared between its handlers and whoever steers it.
pub type ListingSwitch = Switch<ListingQuirks>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_filter_selects_by_appointment_start() {
        let q = ListingQuirks::default();
        assert!(q.selects(10, 0, 5, 20));
        assert!(!q.selects(30, 10, 5, 20));
    }

    #[test]
    fn a_created_at_filter_drops_bookings_made_before_the_window() {
        let q = ListingQuirks {
            date_filter: DateFilter::CreatedAt,
            ..ListingQuirks::default()
        };
        assert!(!q.selects(10, 0, 5, 20));
        assert!(q.selects(100, 10, 5, 20));
    }

    #[test]
    fn an_ignored_filter_lists_everything_and_an_empty_listing_nothing() {
        let ignored = ListingQuirks {
            date_filter: DateFilter::Ignored,
            ..ListingQuirks::default()
        };
        assert!(ignored.selects(1_000, 0, 5, 20));
        let empty = ListingQuirks {
            answers_empty: true,
            ..ignored
        };
        assert!(!empty.selects(10, 10, 5, 20));
    }
}
