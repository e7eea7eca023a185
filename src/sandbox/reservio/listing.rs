//! Switches for the ways Reservio's booking listing might really behave: no public client of
//! the real API sends a date filter or `include` to `/bookings`, so each assumption we make
//! about them is a switch a test can flip at run time, like the fault switches.

use std::sync::{Arc, Mutex};

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

/// How the fake's booking reads behave; the default is the documented behaviour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListingQuirks {
    pub date_filter: DateFilter,
    /// `include=event,client` is ignored on listings and single reads: no `included`.
    pub include_ignored: bool,
    /// The listing answers with no bookings at all, as for a token of another, empty business.
    pub answers_empty: bool,
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
#[derive(Clone, Debug, Default)]
pub struct ListingSwitch(Arc<Mutex<ListingQuirks>>);

impl ListingSwitch {
    pub fn set(&self, quirks: ListingQuirks) {
        if let Ok(mut q) = self.0.lock() {
            *q = quirks;
        }
    }

    pub fn get(&self) -> ListingQuirks {
        self.0.lock().map(|q| *q).unwrap_or_default()
    }
}

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
