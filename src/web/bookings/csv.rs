//! `GET /bookings.csv`: the filtered list as CSV, with the list's own query parameters.
//!
//! Headers and statuses are in the reader's language, times in the partner's zone written so
//! spreadsheets sort them (`2026-07-05 09:05`). The file is streamed a chunk of links at a
//! time, so a partner with a hundred thousand bookings does not make the server hold them all.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;

use super::filter::{Filters, RawFilters};
use super::row::status_key;
use crate::audit::search::csv_line;
use crate::db::Db;
use crate::db::link_sides::Snapshot;
use crate::db::read::bookings_view::{self, ListQuery, ListedLink};
use crate::i18n::format::format_sortable_datetime;
use crate::i18n::{self, Lang};
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::page::Page;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;

/// Links read and written per chunk.
const CHUNK: i64 = 1_000;

/// Makes spreadsheet programs read the file as UTF-8 (names like "Nováková").
const BYTE_ORDER_MARK: &str = "\u{feff}";

/// What every line needs to be written in the reader's language and zone.
struct Writer {
    lang: Lang,
    tz: TimeZone,
}

impl Writer {
    fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key)
    }

    fn header(&self) -> String {
        let zone = self.tz.iana_name().unwrap_or("UTC").to_string();
        let start = i18n::text_with(self.lang, "csv-start", &[("value", zone.as_str().into())]);
        let end = i18n::text_with(self.lang, "csv-end", &[("value", zone.as_str().into())]);
        let mut fields = vec![self.t("csv-link"), self.t("csv-voucher")];
        for system in ["system-reservio", "system-termino"] {
            let system = self.t(system);
            for field in [
                start.clone(),
                end.clone(),
                self.t("csv-service"),
                self.t("csv-customer"),
                self.t("csv-email"),
                self.t("csv-phone"),
                self.t("csv-status"),
            ] {
                fields.push(format!("{system}: {field}"));
            }
        }
        fields.push(self.t("csv-mismatches"));
        fields.push(self.t("csv-change-pending-since"));
        csv_line(fields.iter().map(String::as_str))
    }

    fn side(&self, side: &Option<Snapshot>, fields: &mut Vec<String>) {
        match side {
            Some(s) => {
                fields.push(format_sortable_datetime(s.start_at, &self.tz));
                fields.push(format_sortable_datetime(s.end_at, &self.tz));
                fields.push(
                    s.service_name
                        .clone()
                        .unwrap_or_else(|| s.service_id.clone()),
                );
                fields.push(s.customer_name.clone());
                fields.push(s.customer_email.clone());
                fields.push(s.customer_phone.clone());
                fields.push(self.t(status_key(&s.status)));
            }
            None => fields.extend(std::iter::repeat_n(String::new(), 7)),
        }
    }

    fn line(&self, link: ListedLink) -> String {
        let mut fields = vec![
            link.id.to_string(),
            link.voucher_code.clone().unwrap_or_default(),
        ];
        self.side(&link.sides.reservio, &mut fields);
        self.side(&link.sides.termino, &mut fields);
        let kinds: Vec<String> = link
            .mismatches
            .iter()
            .map(|m| self.t(m.label_key()))
            .collect();
        fields.push(kinds.join("; "));
        fields.push(
            link.change_pending_since
                .map(|at| format_sortable_datetime(at, &self.tz))
                .unwrap_or_default(),
        );
        csv_line(fields.iter().map(String::as_str))
    }
}

/// Where the stream is.
struct Cursor {
    db: Db,
    partner_id: i64,
    query: ListQuery,
    writer: Writer,
    offset: i64,
    header: Option<String>,
    done: bool,
}

async fn next_chunk(mut c: Cursor) -> Result<Option<(String, Cursor)>, sqlx::Error> {
    if let Some(header) = c.header.take() {
        return Ok(Some((header, c)));
    }
    if c.done {
        return Ok(None);
    }
    let links = bookings_view::list(&c.db, c.partner_id, &c.query, CHUNK, c.offset).await?;
    c.offset += CHUNK;
    c.done = (links.len() as i64) < CHUNK;
    let mut chunk = String::new();
    for link in links {
        chunk.push_str(&c.writer.line(link));
    }
    Ok(Some((chunk, c)))
}

pub async fn export(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
    Query(raw): Query<RawFilters>,
) -> Result<Response, AppError> {
    let today = super::today(&page, state.clock.now())?;
    let filters = Filters::parse(&raw, today)?;
    let writer = Writer {
        lang: page.lang,
        tz: page.time_zone.clone(),
    };
    let cursor = Cursor {
        db: state.db.clone(),
        partner_id: user.partner_id,
        query: filters.list_query(&page.time_zone),
        header: Some(format!("{BYTE_ORDER_MARK}{}", writer.header())),
        writer,
        offset: 0,
        done: false,
    };
    let body = Body::from_stream(futures_util::stream::try_unfold(cursor, next_chunk));
    let filename = format!("attachment; filename=\"bookings-{today}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, filename),
            // Customers' names and phone numbers: no copies in caches.
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
