//! Partner Care's workspace: the queue of unresolved mismatches across all partners with each
//! partner's sync health, one mismatch with both sides of its booking, and the cases.

pub mod actions;
pub mod alarms;
pub mod detail;
pub mod filters;
pub mod sides;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::partners::{self, Partner};
use crate::db::read::care_queue::{self, PartnerHealth, QueueRow};
use crate::domain::{MismatchKind, MismatchState, Severity};
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::htmx::Htmx;
use crate::web::page::{FlashKind, Page};
use crate::web::paths::IntArg;
use crate::web::session::CareUser;
use crate::web::state::AppState;
use filters::{AGES, QueueParams};

// Severities are named as on the partner's pages.
pub use crate::web::bookings::row::severity_key;

/// Rows per page of the queue.
const PAGE_SIZE: i64 = 50;

/// The catalogue key of a stored mismatch kind; an unknown kind is named as such.
pub fn kind_key(kind: &str) -> &'static str {
    kind.parse::<MismatchKind>()
        .map_or("mismatch-unknown", MismatchKind::label_key)
}

/// The catalogue key explaining a stored mismatch kind.
pub fn kind_help_key(kind: &str) -> &'static str {
    kind.parse::<MismatchKind>()
        .map_or("mismatch-unknown-help", MismatchKind::explanation_key)
}

/// The CSS class of a severity badge.
pub fn severity_class(severity: &str) -> &'static str {
    match severity {
        "critical" => "sev-critical",
        "high" => "sev-high",
        "medium" => "sev-medium",
        _ => "sev-low",
    }
}

/// The catalogue key of a stored mismatch state.
pub fn state_key(state: &str) -> &'static str {
    match state {
        "open" => "care-state-open",
        "acknowledged" => "care-state-acknowledged",
        _ => "care-state-resolved",
    }
}

/// How long ago `since` was, in the reader's words: minutes, hours, or days.
pub fn age_text(page: &Page, since: i64, now: i64) -> String {
    let seconds = (now - since).max(0);
    if seconds < 3600 {
        page.t_count("care-age-minutes", seconds / 60)
    } else if seconds < 86_400 {
        page.t_count("care-age-hours", seconds / 3600)
    } else {
        page.t_count("care-age-days", seconds / 86_400)
    }
}

/// A message shown at the top of the queue after an htmx action (instead of a flash, which
/// needs a page load).
pub struct Notice {
    pub kind: FlashKind,
    pub text: String,
}

/// One queue row as shown.
pub struct QueueItem {
    pub row: QueueRow,
    pub age: String,
}

impl QueueItem {
    pub fn kind_key(&self) -> &'static str {
        kind_key(&self.row.kind)
    }

    /// The procedure that settles the row. Asking Partner Care for help is not a next step for
    /// Partner Care itself: those rows are opened and decided.
    pub fn next_step(&self) -> Option<crate::web::procedures::labels::NextStep> {
        let kind = self.row.kind.parse::<MismatchKind>().ok()?;
        crate::web::procedures::labels::NextStep::for_mismatch(self.row.link_id, kind)
            .filter(|step| step.kind != "escalate")
    }

    pub fn severity_key(&self) -> &'static str {
        severity_key(&self.row.severity)
    }

    pub fn severity_class(&self) -> &'static str {
        severity_class(&self.row.severity)
    }

    pub fn state_key(&self) -> &'static str {
        state_key(&self.row.state)
    }

    pub fn is_open(&self) -> bool {
        self.row.state == MismatchState::Open.as_str()
    }
}

/// What the queue's table shows: the part htmx swaps.
pub struct QueueView {
    pub params: QueueParams,
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub page_no: i64,
    pub pages: i64,
    pub me: i64,
    pub notice: Option<Notice>,
}

impl QueueView {
    pub fn query(&self) -> String {
        self.params.query()
    }

    pub fn page_query(&self, page: impl IntArg) -> String {
        self.params.query_for_page(page.int())
    }

    /// Whether the row is assigned to the reader.
    pub fn mine(&self, item: &QueueItem) -> bool {
        item.row.assignee_id == Some(self.me)
    }
}

/// Reads one page of the queue for `params`.
async fn queue_view(
    state: &AppState,
    user: &CareUser,
    page: &Page,
    params: QueueParams,
    notice: Option<Notice>,
) -> Result<QueueView, AppError> {
    let now = state.clock.now();
    let filter = params.to_filter(user.0.id, now)?;
    let total = care_queue::count(&state.db, &filter).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_no = params.page_number()?.min(pages);
    let rows = care_queue::list(&state.db, &filter, PAGE_SIZE, (page_no - 1) * PAGE_SIZE).await?;
    let items = rows
        .into_iter()
        .map(|row| QueueItem {
            age: age_text(page, row.detected_at, now),
            row,
        })
        .collect();
    Ok(QueueView {
        params,
        items,
        total,
        page_no,
        pages,
        me: user.0.id,
        notice,
    })
}

/// One partner's health as shown.
pub struct HealthItem {
    pub health: PartnerHealth,
    pub oldest: Option<String>,
}

/// The whole queue page.
#[derive(Template, WebTemplate)]
#[template(path = "care/queue.html")]
pub struct QueuePage {
    page: Page,
    view: QueueView,
    health: Vec<HealthItem>,
    /// The sync engine at a glance: the figures `/metrics` reports.
    sync: crate::db::read::metrics::SyncFigures,
    /// Connections whose listing suddenly shows far fewer bookings (issue 18).
    alarms: Vec<alarms::AlarmView>,
    /// Connections whose last poll left bookings unread, one line per cause.
    listing_issues: Vec<alarms::IssueView>,
    /// Connections whose credentials a system refused: nothing is written until replaced.
    expired_credentials: Vec<alarms::ExpiredView>,
    partners: Vec<Partner>,
    staff: Vec<(i64, String)>,
    kinds: [MismatchKind; 12],
    severities: [Severity; 4],
    ages: [(&'static str, i64, &'static str); 3],
}

/// Only the queue's table, for htmx to swap in.
#[derive(Template, WebTemplate)]
#[template(path = "care/queue.html", block = "queue")]
pub struct QueueFragment {
    page: Page,
    view: QueueView,
}

/// The queue, as a page or (for htmx) as its table alone; the same template either way.
pub async fn render_queue(
    state: &AppState,
    user: &CareUser,
    page: Page,
    params: QueueParams,
    fragment: bool,
    notice: Option<Notice>,
) -> Result<Response, AppError> {
    let view = queue_view(state, user, &page, params, notice).await?;
    if fragment {
        return Ok(QueueFragment { page, view }.into_response());
    }
    let now = state.clock.now();
    let health = care_queue::health(&state.db)
        .await?
        .into_iter()
        .map(|health| HealthItem {
            oldest: health.oldest_open_at.map(|at| age_text(&page, at, now)),
            health,
        })
        .collect();
    let (alarms, listing_issues) = alarms::load(state, &page, None).await?;
    let sync = crate::db::read::metrics::sync_figures(&state.db, now).await?;
    let expired_credentials = alarms::load_expired(state, &page, None).await?;
    Ok(QueuePage {
        page,
        view,
        health,
        sync,
        alarms,
        listing_issues,
        expired_credentials,
        partners: partners::list(&state.db).await?,
        staff: care_queue::care_staff(&state.db).await?,
        kinds: MismatchKind::ALL,
        severities: Severity::ALL,
        ages: AGES,
    }
    .into_response())
}

/// The queue: the whole page, or the table alone when htmx asks.
pub async fn queue(
    State(state): State<AppState>,
    user: CareUser,
    page: Page,
    htmx: Htmx,
    Query(params): Query<QueueParams>,
) -> Result<Response, AppError> {
    render_queue(&state, &user, page, params, htmx.fragment, None).await
}

/// A queue fragment with a notice, with the status that tells htmx (and tests) how it went.
pub async fn queue_with_notice(
    state: &AppState,
    user: &CareUser,
    page: Page,
    back: &str,
    status: StatusCode,
    notice: Notice,
) -> Result<Response, AppError> {
    let params = QueueParams::from_query(back);
    let response = render_queue(state, user, page, params, true, Some(notice)).await?;
    Ok((status, response).into_response())
}
