//! The bookings list's filters: read from the URL's query (so a view can be bookmarked and
//! shared), checked once, and written back into URLs for the pager, the refresh and the export.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::db::read::bookings_view::{ListQuery, Sort};
use crate::domain::{BookingStatus, MismatchKind};
use crate::i18n::format::start_of_day;

/// Longest search text accepted; longer is not a search someone typed.
pub const MAX_TEXT_CHARS: usize = 100;
/// Highest page number accepted.
const MAX_PAGE: u32 = 100_000;

/// The query parameters as they arrive. Everything is text so that an empty field (a cleared
/// form input) and a missing one can be told apart and a bad value gets our 400 page.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawFilters {
    pub from: Option<String>,
    pub to: Option<String>,
    pub mismatches: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

/// A query parameter that does not parse; names the parameter for the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the filter parameter {0:?} has a value that does not parse")]
pub struct BadFilter(pub &'static str);

/// The filters of one view of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    /// First day shown; `None` shows every earlier day too. Defaults to today.
    pub from: Option<Date>,
    /// Last day shown, inclusive.
    pub to: Option<Date>,
    pub only_mismatches: bool,
    pub kind: Option<MismatchKind>,
    pub status: Option<BookingStatus>,
    /// Trimmed search text; empty for none.
    pub text: String,
    pub sort: Sort,
    /// 1-based.
    pub page: u32,
}

/// A text parameter, with an empty value the same as none.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn date(value: &Option<String>, name: &'static str) -> Result<Option<Date>, BadFilter> {
    given(value)
        .map(|v| v.parse::<Date>().map_err(|_| BadFilter(name)))
        .transpose()
}

impl Filters {
    /// Checks the raw parameters. Without a `from` parameter the list starts today (in the
    /// partner's zone); an empty `from` means no lower bound.
    pub fn parse(raw: &RawFilters, today: Date) -> Result<Filters, BadFilter> {
        let from = match &raw.from {
            None => Some(today),
            given_from => date(given_from, "from")?,
        };
        let only_mismatches = match given(&raw.mismatches) {
            None => false,
            Some("1" | "on" | "true") => true,
            Some(_) => return Err(BadFilter("mismatches")),
        };
        let kind = given(&raw.kind)
            .map(|v| v.parse::<MismatchKind>().map_err(|_| BadFilter("kind")))
            .transpose()?;
        let status = given(&raw.status)
            .map(|v| v.parse::<BookingStatus>().map_err(|_| BadFilter("status")))
            .transpose()?;
        let text = given(&raw.q).unwrap_or_default().to_string();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(BadFilter("q"));
        }
        let sort = match given(&raw.sort) {
            None => Sort::default(),
            Some(v) => Sort::parse(v).ok_or(BadFilter("sort"))?,
        };
        let page = match given(&raw.page) {
            None => 1,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or(BadFilter("page"))?,
        };
        Ok(Filters {
            from,
            to: date(&raw.to, "to")?,
            only_mismatches,
            kind,
            status,
            text,
            sort,
            page,
        })
    }

    /// The database query for these filters, days taken in `tz`.
    pub fn list_query(&self, tz: &TimeZone) -> ListQuery {
        ListQuery {
            from: self.from.and_then(|d| start_of_day(d, tz)),
            until: self
                .to
                .and_then(|d| d.tomorrow().ok())
                .and_then(|d| start_of_day(d, tz)),
            only_mismatches: self.only_mismatches,
            kind: self.kind,
            status: self.status,
            text: Some(self.text.clone()).filter(|t| !t.is_empty()),
            sort: self.sort,
        }
    }

    /// The query string of this view at `page` (without `?`). `from` is always written, empty
    /// when there is no lower bound, so the URL means the same on another day.
    pub fn query_string(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> =
            vec![("from", self.from.map(|d| d.to_string()).unwrap_or_default())];
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if self.only_mismatches {
            pairs.push(("mismatches", "1".into()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().into()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().into()));
        }
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// Whether anything narrows the list beyond the default view (from today on).
    pub fn narrows(&self, today: Date) -> bool {
        self.from != Some(today)
            || self.to.is_some()
            || self.only_mismatches
            || self.kind.is_some()
            || self.status.is_some()
            || !self.text.is_empty()
    }

    /// The `from` date as a form field value.
    pub fn from_value(&self) -> String {
        self.from.map(|d| d.to_string()).unwrap_or_default()
    }

    /// The `to` date as a form field value.
    pub fn to_value(&self) -> String {
        self.to.map(|d| d.to_string()).unwrap_or_default()
    }

    pub fn kind_is(&self, kind: &MismatchKind) -> bool {
        self.kind == Some(*kind)
    }

    pub fn status_is(&self, status: &BookingStatus) -> bool {
        self.status == Some(*status)
    }

    pub fn sort_is(&self, sort: &Sort) -> bool {
        self.sort == *sort
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 7, 5).expect("a date")
    }

    fn parse(query: &str) -> Result<Filters, BadFilter> {
        let raw: RawFilters = serde_urlencoded::from_str(query).expect("urlencoded");
        Filters::parse(&raw, today())
    }

    #[test]
    fn without_parameters_the_list_starts_today_sorted_by_time() {
        let f = parse("").expect("valid");
        assert_eq!(f.from, Some(today()));
        assert_eq!(f.sort, Sort::Time);
        assert_eq!(f.page, 1);
        assert!(!f.narrows(today()));
        assert_eq!(f.query_string(1), "from=2026-07-05");
    }

    #[test]
    fn an_empty_from_means_every_day_and_stays_empty_in_links() {
        let f = parse("from=&q=").expect("valid");
        assert_eq!(f.from, None);
        assert!(f.narrows(today()));
        assert_eq!(f.query_string(2), "from=&page=2");
    }

    #[test]
    fn every_filter_round_trips_through_the_query_string() {
        let query = "from=2026-07-01&to=2026-07-31&mismatches=1&kind=status_differs\
                     &status=cancelled&q=Nov%C3%A1+%26+co&sort=severity&page=3";
        let f = parse(query).expect("valid");
        assert_eq!(f.kind, Some(MismatchKind::StatusDiffers));
        assert_eq!(f.status, Some(BookingStatus::Cancelled));
        assert_eq!(f.text, "Nová & co");
        assert_eq!(parse(&f.query_string(f.page)).expect("valid"), f);
    }

    #[test]
    fn malformed_values_are_refused_naming_the_parameter() {
        for (query, name) in [
            ("from=yesterday", "from"),
            ("to=2026-13-40", "to"),
            ("mismatches=maybe", "mismatches"),
            ("kind=typo", "kind"),
            ("status=lost", "status"),
            ("sort=price", "sort"),
            ("page=0", "page"),
            ("page=-1", "page"),
            ("page=abc", "page"),
            ("page=100001", "page"),
        ] {
            assert_eq!(parse(query), Err(BadFilter(name)), "{query}");
        }
        let long = format!("q={}", "a".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(parse(&long), Err(BadFilter("q")));
    }

    #[test]
    fn the_last_day_is_included_up_to_its_end_in_the_partners_zone() {
        let f = parse("from=2026-07-05&to=2026-07-05").expect("valid");
        let q = f.list_query(&crate::i18n::format::time_zone("Europe/Prague"));
        // 5 July 00:00 CEST is 4 July 22:00 UTC; the day lasts 24 hours.
        assert_eq!(q.from, Some(1_783_202_400));
        assert_eq!(q.until, Some(1_783_202_400 + 86_400));
    }
}
