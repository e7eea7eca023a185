//! The partner's bookings: the list of linked bookings with both sides next to each other
//! (`/bookings`, also as an htmx fragment), one booking in full (`/bookings/{id}`) and the
//! list as CSV (`/bookings.csv`). Every query is scoped by the logged-in partner.

pub mod cache;
pub mod csv;
pub mod detail;
pub mod filter;
pub mod row;
pub mod send_again;
pub mod timeline;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::Date;

use crate::db::Db;
use crate::db::read::bookings_view::{self, ListedLink, Sort};
use crate::domain::{BookingStatus, MismatchKind};
use crate::i18n::{self, format::local_date};
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::htmx::Htmx;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;
use filter::{BadFilter, Filters, RawFilters};
use fluent_bundle::FluentValue;

/// Links per page.
pub const PAGE_SIZE: i64 = 50;
/// How far past the current page links are counted. Counting all of a large partner's links
/// on every view (and every refresh) would cost more than the page; beyond this the page
/// says "more than".
const COUNT_AHEAD: i64 = 1_000;
/// How often the list asks for changes while it is open.
pub const REFRESH_SECS: u32 = 10;

impl From<BadFilter> for AppError {
    fn from(e: BadFilter) -> Self {
        tracing::debug!(error = %e, "bookings filter refused");
        AppError::BadRequest("error-query-malformed")
    }
}

/// Where the list is, for the summary line and the pager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// 1-based number of the first and last link shown; 0 and 0 when none is.
    pub first: i64,
    pub last: i64,
    /// Links that match, or a lower bound when `exact` is false.
    pub total: i64,
    pub exact: bool,
    pub page: u32,
    pub has_next: bool,
}

impl Position {
    /// From a page's length and, when the page alone does not tell, a capped count.
    fn new(page: u32, shown: usize, counted: Option<(i64, i64)>) -> Position {
        let offset = offset_of(page);
        let shown = shown as i64;
        let (total, exact) = match counted {
            Some((n, cap)) if n >= cap => (cap - 1, false),
            Some((n, _)) => (n, true),
            None => (offset + shown, true),
        };
        Position {
            first: if shown > 0 { offset + 1 } else { 0 },
            last: if shown > 0 { offset + shown } else { 0 },
            total,
            exact,
            page,
            has_next: offset + shown < total || !exact,
        }
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn page_number(&self) -> i64 {
        i64::from(self.page)
    }
}

fn offset_of(page: u32) -> i64 {
    i64::from(page.saturating_sub(1)) * PAGE_SIZE
}

/// How far the count goes for `page`: the page, [`COUNT_AHEAD`] more, and one to tell
/// "exactly" from "more than".
pub fn count_cap(page: u32) -> i64 {
    offset_of(page) + PAGE_SIZE + COUNT_AHEAD + 1
}

/// The list page. Its `results` block is also the fragment htmx swaps in and refreshes, so
/// page and fragment cannot drift apart.
#[derive(Template)]
#[template(path = "bookings/list.html", blocks = ["results"])]
pub struct BookingsPage {
    pub page: Page,
    pub filters: Filters,
    pub rows: Vec<ListedLink>,
    pub position: Position,
    /// Whether filters beyond the default view are set (for the empty state).
    pub narrowed: bool,
    pub now: i64,
    /// The channel's promise for a change to cross over (shorter in the demo).
    pub promise_secs: i64,
    /// Each side's cells' labels for narrow screens ("Time · Reservio"), put together once for
    /// the page rather than from two messages in every cell (eight cells a row).
    cell_labels: Vec<(&'static str, &'static str, String)>,
}

/// About what the bookings page takes besides its rows, and what each row adds, in bytes (a
/// full page of 50 rows was 85 KB in the page bench).
const PAGE_BYTES: usize = 12 * 1024;
const ROW_BYTES: usize = 1700;

/// The columns that have a cell per system.
const SIDE_COLUMNS: [&str; 4] = [
    "bookings-col-time",
    "bookings-col-service",
    "bookings-col-customer",
    "bookings-col-status",
];

impl BookingsPage {
    /// The page for `links` (one page of the list) and the count, if one was needed.
    pub fn new(
        page: Page,
        filters: Filters,
        links: Vec<ListedLink>,
        counted: Option<(i64, i64)>,
        today: Date,
        now: i64,
    ) -> Self {
        let position = Position::new(filters.page, links.len(), counted);
        let cell_labels = SIDE_COLUMNS
            .iter()
            .flat_map(|column| {
                ["reservio", "termino"].map(|system| {
                    let system = row::system_key(system);
                    let label = format!("{} · {}", page.t(column), page.t(system));
                    (*column, system, label)
                })
            })
            .collect();
        BookingsPage {
            cell_labels,
            narrowed: filters.narrows(today),
            rows: links,
            position,
            filters,
            page,
            now,
            promise_secs: crate::domain::reconcile::Policy::default().propagation_sla_secs,
        }
    }

    /// The label of the cell of `column` (one of [`SIDE_COLUMNS`]) for `system` (its
    /// catalogue key).
    fn cell_label(&self, column: &str, system: &str) -> std::borrow::Cow<'_, str> {
        match self
            .cell_labels
            .iter()
            .find(|(c, s, _)| *c == column && *s == system)
        {
            Some((_, _, label)) => label.as_str().into(),
            None => format!("{} · {}", self.page.t(column), self.page.t(system)).into(),
        }
    }

    /// The same page against this instance's promise for a change to cross over.
    pub fn promising(mut self, promise_secs: i64) -> Self {
        self.promise_secs = promise_secs;
        self
    }

    /// This view's URL, which the list re-requests to refresh itself.
    pub fn self_url(&self) -> String {
        self.url(self.filters.page)
    }

    pub fn url(&self, page: u32) -> String {
        format!("{}?{}", paths::BOOKINGS, self.filters.query_string(page))
    }

    pub fn prev_url(&self) -> String {
        self.url(self.filters.page.saturating_sub(1).max(1))
    }

    pub fn next_url(&self) -> String {
        self.url(self.filters.page.saturating_add(1))
    }

    /// "1–50 of 1,234", or "of more than …" when the count stopped at its cap.
    pub fn summary(&self) -> String {
        let p = &self.position;
        let key = match (p.first, p.exact) {
            (0, _) => return String::new(),
            (_, true) => "bookings-summary",
            (_, false) => "bookings-summary-more",
        };
        i18n::text_with(
            self.page.lang,
            key,
            &[
                ("first", FluentValue::from(p.first)),
                ("last", FluentValue::from(p.last)),
                ("total", FluentValue::from(p.total)),
            ],
        )
    }

    pub fn status_label(&self, status: &BookingStatus) -> String {
        self.page.t(row::status_key(status.as_str()))
    }

    pub fn csv_url(&self) -> String {
        format!("{}?{}", paths::BOOKINGS_CSV, self.filters.query_string(1))
    }

    pub fn kinds(&self) -> [MismatchKind; 12] {
        MismatchKind::ALL
    }

    pub fn statuses(&self) -> [BookingStatus; 4] {
        [
            BookingStatus::Confirmed,
            BookingStatus::Pending,
            BookingStatus::Cancelled,
            BookingStatus::Rejected,
        ]
    }

    pub fn sorts(&self) -> [Sort; 4] {
        Sort::ALL
    }

    pub fn refresh_trigger(&self) -> String {
        format!("every {REFRESH_SECS}s")
    }
}

/// The partner's "today", in its own zone.
pub fn today(page: &Page, now: i64) -> Result<Date, AppError> {
    local_date(now, &page.time_zone)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the clock is out of range")))
}

/// One page of the list and, when the page alone cannot tell the total, a capped count. Both
/// come from one query; only a page past the end, which has no row to bring the count, asks
/// for it again on its own.
pub async fn load_page(
    db: &Db,
    partner_id: i64,
    filters: &Filters,
    page: &Page,
) -> Result<(Vec<ListedLink>, Option<(i64, i64)>), AppError> {
    let query = filters.list_query(&page.time_zone);
    let offset = offset_of(filters.page);
    let cap = count_cap(filters.page);
    let (links, counted) =
        bookings_view::list_counted(db, partner_id, &query, (PAGE_SIZE, offset), cap).await?;
    // A short page tells the total by itself, so the count is only shown when it cannot.
    if (links.len() as i64) < PAGE_SIZE && (offset == 0 || !links.is_empty()) {
        return Ok((links, None));
    }
    let counted = match counted {
        Some(n) => n,
        None => bookings_view::count(db, partner_id, &query, cap).await?,
    };
    Ok((links, Some((counted, cap))))
}

/// `GET /bookings`: the whole page, or for htmx only the results.
pub async fn list(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
    htmx: Htmx,
    Query(raw): Query<RawFilters>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let today = today(&page, now)?;
    let filters = Filters::parse(&raw, today)?;
    let key = format!(
        "{}|{:?}|{}",
        user.partner_id,
        filters.list_query(&page.time_zone),
        filters.page
    );
    let rows = state
        .bookings_cache
        .get_or_load(key, || {
            load_page(&state.db, user.partner_id, &filters, &page)
        })
        .await?;
    // Rows read for this view alone (the cache off, or its entry replaced since) are taken as
    // they are; rows the cache still holds for the next view are copied.
    let (links, counted) = Arc::try_unwrap(rows).unwrap_or_else(|shared| (*shared).clone());
    let view = BookingsPage::new(page, filters, links, counted, today, now)
        .promising(state.config.sync.policy.propagation_sla_secs);
    // Sized for the page at once: grown from the template's own estimate, the buffer was
    // copied into one twice its size each time it filled.
    let mut html = String::with_capacity(PAGE_BYTES + view.rows.len() * ROW_BYTES);
    if htmx.fragment {
        view.as_results().render_into(&mut html)
    } else {
        view.render_into(&mut html)
    }
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("rendering /bookings")))?;
    Ok(Html(html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_first_page_is_the_whole_list() {
        let p = Position::new(1, 12, None);
        assert_eq!((p.first, p.last, p.total, p.exact), (1, 12, 12, true));
        assert!(!p.has_next && !p.has_previous());
    }

    #[test]
    fn a_count_that_reaches_its_cap_is_a_lower_bound() {
        let cap = PAGE_SIZE + COUNT_AHEAD + 1;
        let p = Position::new(1, 50, Some((cap, cap)));
        assert_eq!((p.total, p.exact), (cap - 1, false));
        assert!(p.has_next);
        let p = Position::new(2, 50, Some((130, cap + 50)));
        assert_eq!((p.first, p.last, p.total, p.exact), (51, 100, 130, true));
        assert!(p.has_next && p.has_previous());
    }

    #[test]
    fn a_page_past_the_end_shows_nothing_but_knows_the_total() {
        let p = Position::new(9, 0, Some((120, 9999)));
        assert_eq!((p.first, p.last, p.total), (0, 0, 120));
        assert!(!p.has_next);
    }
}
