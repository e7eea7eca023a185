//! The audit trail, scoped to what the role may see: a partner user sees its own partner's
//! rows, staff see everything and the chain's verification. Filters (entity, actor, action,
//! time) live in the URL; the same filters export as CSV.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::audit::search::{self, Filter, csv_line};
use crate::audit::{self, Entry};
use crate::domain::Role;
use crate::i18n::format::start_of_day;
use crate::web::error::AppError;
use crate::web::extract::{Path, Query};
use crate::web::htmx::Htmx;
use crate::web::page::Page;
use crate::web::session::CurrentUser;
use crate::web::state::AppState;

const PAGE_SIZE: i64 = 50;
/// Rows read per query while exporting.
const EXPORT_BATCH: i64 = 1000;
/// The most rows one export holds; narrower filters give the rest.
const EXPORT_MAX: usize = 100_000;
/// The longest text filter accepted.
const MAX_FILTER_CHARS: usize = 200;

fn scope(user: &CurrentUser) -> Option<i64> {
    match user.role {
        // A partner user with no partner would see nothing rather than everything.
        Role::Partner => Some(user.partner_id.unwrap_or(-1)),
        _ => None,
    }
}

/// The filters as they arrive. Text, so an empty field means "no filter"; `before` is the
/// pager's cursor and must be a number.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AuditParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    entity_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    entity_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    actor: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    action: String,
    /// First day shown, `YYYY-MM-DD` in the reader's time zone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    /// Last day shown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    to: String,
    #[serde(skip_serializing)]
    before: Option<i64>,
}

impl AuditParams {
    /// The database filter; a value that does not parse is a malformed address.
    fn filter(&self, partner_id: Option<i64>, tz: &TimeZone) -> Result<Filter, AppError> {
        let bad = || AppError::BadRequest("error-query-malformed");
        let text = |value: &str| -> Result<Option<String>, AppError> {
            let value = value.trim();
            if value.chars().count() > MAX_FILTER_CHARS {
                return Err(bad());
            }
            Ok((!value.is_empty()).then(|| value.to_string()))
        };
        let day = |value: &str, days_after: i64| -> Result<Option<i64>, AppError> {
            if value.trim().is_empty() {
                return Ok(None);
            }
            let date: Date = value.trim().parse().map_err(|_| bad())?;
            let date = date
                .checked_add(jiff::Span::new().days(days_after))
                .map_err(|_| bad())?;
            start_of_day(date, tz).map(Some).ok_or_else(bad)
        };
        Ok(Filter {
            partner_id,
            entity_type: text(&self.entity_type)?,
            entity_id: text(&self.entity_id)?,
            actor: text(&self.actor)?,
            action: text(&self.action)?,
            from: day(&self.from, 0)?,
            // The last day counts whole: up to the next day's start.
            until: day(&self.to, 1)?,
        })
    }

    /// The filters as a query string, without the pager's cursor.
    fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    fn is_filtered(&self) -> bool {
        !self.query().is_empty()
    }
}

/// The list and its pager: what htmx swaps when a filter changes.
pub struct AuditView {
    params: AuditParams,
    entries: Vec<Entry>,
    next_before: Option<i64>,
}

impl AuditView {
    fn older_query(&self, before: &i64) -> String {
        let filters = self.params.query();
        if filters.is_empty() {
            format!("before={before}")
        } else {
            format!("{filters}&before={before}")
        }
    }

    fn csv_href(&self) -> String {
        let filters = self.params.query();
        if filters.is_empty() {
            crate::web::paths::AUDIT_CSV.to_string()
        } else {
            format!("{}?{filters}", crate::web::paths::AUDIT_CSV)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
pub struct AuditListPage {
    page: Page,
    view: AuditView,
    entity_types: Vec<String>,
    chain: Option<ChainStatus>,
}

/// The most problems the page lists; the command line lists them all.
const PROBLEMS_SHOWN: usize = 50;

/// The chain's verification as the page shows it.
pub struct ChainStatus {
    rows: i64,
    /// The first row after which the chain cannot be trusted, when it is broken.
    first_break: Option<i64>,
    /// Each problem in the reader's language, the first [`PROBLEMS_SHOWN`].
    problems: Vec<String>,
    /// How many more problems there are than shown.
    more: i64,
}

impl ChainStatus {
    fn new(verdict: &audit::Verdict, lang: crate::i18n::Lang) -> ChainStatus {
        let (rows, all) = match verdict {
            audit::Verdict::Intact { rows } => (*rows, &[][..]),
            audit::Verdict::Broken { rows, problems } => (*rows, problems.as_slice()),
        };
        let problems = all
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(|p| {
                let (key, value) = p.message();
                crate::i18n::text_with(
                    lang,
                    key,
                    &[("value", fluent_bundle::FluentValue::from(value))],
                )
            })
            .collect();
        ChainStatus {
            rows,
            first_break: verdict.first_break(),
            problems,
            more: all.len().saturating_sub(PROBLEMS_SHOWN) as i64,
        }
    }

    fn is_broken(&self) -> bool {
        !self.problems.is_empty()
    }

    fn first_break_text(&self) -> String {
        self.first_break
            .map(|row| row.to_string())
            .unwrap_or_else(|| "—".into())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html", block = "results")]
pub struct AuditResults {
    page: Page,
    view: AuditView,
}

/// The filtered, scoped list: a page, or the results alone for htmx.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    htmx: Htmx,
    Query(params): Query<AuditParams>,
) -> Result<Response, AppError> {
    let filter = params.filter(scope(&user), &page.time_zone)?;
    let entries = search::search(&state.db, &filter, params.before, PAGE_SIZE + 1).await?;
    let (entries, next_before) = if entries.len() as i64 > PAGE_SIZE {
        let shown: Vec<Entry> = entries.into_iter().take(PAGE_SIZE as usize).collect();
        let next = shown.last().map(|e| e.id);
        (shown, next)
    } else {
        (entries, None)
    };
    let view = AuditView {
        params,
        entries,
        next_before,
    };
    if htmx.fragment {
        return Ok(AuditResults { page, view }.into_response());
    }
    // The whole-chain check reads every row; staff see it, partners see their own rows only.
    let chain = match user.role {
        Role::Partner => None,
        _ => Some(ChainStatus::new(
            &audit::verify(&state.db).await?,
            page.lang,
        )),
    };
    Ok(AuditListPage {
        entity_types: search::entity_types(&state.db, scope(&user)).await?,
        page,
        view,
        chain,
    }
    .into_response())
}

/// The filtered rows as CSV, newest first, with the page's filters and scope.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    Query(params): Query<AuditParams>,
) -> Result<Response, AppError> {
    let filter = params.filter(scope(&user), &page.time_zone)?;
    let mut out = String::new();
    let headings = [
        "audit-csv-id",
        "audit-csv-at",
        "audit-actor",
        "audit-action",
        "audit-entity",
        "audit-csv-entity-id",
        "audit-csv-partner",
        "audit-before",
        "audit-after",
        "audit-request",
        "audit-hash",
    ]
    .map(|key| page.t(key));
    out.push_str(&csv_line(headings.iter().map(String::as_str)));
    let mut before = params.before;
    let mut written = 0;
    loop {
        let batch = search::search(&state.db, &filter, before, EXPORT_BATCH).await?;
        let done = (batch.len() as i64) < EXPORT_BATCH;
        for e in &batch {
            let at = jiff::Timestamp::from_second(e.at)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| e.at.to_string());
            let (id, partner) = (e.id.to_string(), e.partner_id.map(|p| p.to_string()));
            out.push_str(&csv_line([
                id.as_str(),
                at.as_str(),
                e.actor.as_str(),
                e.action.as_str(),
                e.entity_type.as_str(),
                e.entity_id.as_str(),
                partner.as_deref().unwrap_or(""),
                e.before_state.as_deref().unwrap_or(""),
                e.after_state.as_deref().unwrap_or(""),
                e.request_id.as_deref().unwrap_or(""),
                e.hash.as_str(),
            ]));
        }
        written += batch.len();
        before = batch.last().map(|e| e.id);
        if done || written >= EXPORT_MAX {
            break;
        }
    }
    let mut response = out.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    Ok(response)
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/entry.html")]
pub struct AuditEntryPage {
    page: Page,
    entry: Entry,
    /// The entry told as the booking's timeline tells it, where it has words for it.
    what: Option<String>,
    /// The first break in the chain at or before this entry: the entry cannot be trusted.
    after_break: Option<i64>,
}

/// One row, if the reader may see it.
pub async fn entry(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<AuditEntryPage, AppError> {
    let entry = audit::find(&state.db, id, scope(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    let what = crate::web::bookings::timeline::TimelineItem::new(
        crate::db::read::booking_detail::TimelineEntry {
            id: entry.id,
            at: entry.at,
            actor: entry.actor.clone(),
            action: entry.action.clone(),
            entity_type: entry.entity_type.clone(),
            before_state: entry.before_state.clone(),
            after_state: entry.after_state.clone(),
        },
    )
    .told(&page);
    // Whether anything before (or at) this entry was altered or removed: then the chain
    // cannot vouch for it. Only the row number is shown, never another partner's content.
    let verdict = audit::verify(&state.db).await?;
    let after_break = verdict.first_break().filter(|row| *row <= entry.id);
    Ok(AuditEntryPage {
        page,
        entry,
        what,
        after_break,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> AuditParams {
        serde_urlencoded::from_str(query).expect("parses")
    }

    #[test]
    fn days_are_read_in_the_readers_zone_and_the_last_day_counts_whole() {
        let tz = crate::i18n::format::time_zone("Europe/Prague");
        let f = params("from=2026-11-26&to=2026-11-26")
            .filter(None, &tz)
            .expect("valid");
        // Midnight in Prague in winter is 23:00 UTC the day before.
        assert_eq!(f.from, Some(1_795_647_600));
        assert_eq!(f.until, Some(1_795_647_600 + 86_400));
    }

    #[test]
    fn empty_fields_filter_nothing_and_garbage_is_refused() {
        let tz = crate::i18n::format::time_zone("Europe/Prague");
        let f = params("entity_type=&actor=+&from=")
            .filter(Some(3), &tz)
            .expect("valid");
        assert_eq!(
            f,
            Filter {
                partner_id: Some(3),
                ..Filter::default()
            }
        );
        assert!(params("from=yesterday").filter(None, &tz).is_err());
        assert!(
            params(&format!("actor={}", "x".repeat(201)))
                .filter(None, &tz)
                .is_err()
        );
    }

    #[test]
    fn the_query_keeps_filters_but_not_the_cursor() {
        let p = params("action=mismatch&actor=&before=40");
        assert_eq!(p.query(), "action=mismatch");
        assert!(p.is_filtered());
        assert!(!params("before=3").is_filtered());
    }
}
