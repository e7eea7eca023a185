//! The two comparison routes, which exist only in this program: (a) the bookings page's bytes
//! handed out as they are, and (b) one SELECT of the same 50 rows rendered with the same
//! template, without session, login or count (the TechEmpower "Fortunes" shape). Both are
//! mounted beside the application's router, outside its middleware.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bookbridge::clock::Clock;
use bookbridge::db::Db;
use bookbridge::db::read::bookings_view;
use bookbridge::domain::Role;
use bookbridge::i18n::Lang;
use bookbridge::i18n::format::{default_time_zone, local_date};
use bookbridge::web::bookings::filter::{Filters, RawFilters};
use bookbridge::web::bookings::{BookingsPage, PAGE_SIZE};
use bookbridge::web::page::Page;
use bookbridge::web::session::CurrentUser;

pub const BARE: &str = "/bench/bare";
pub const FORTUNES: &str = "/bench/fortunes";

/// What the comparison routes serve from.
pub struct BenchState {
    pub db: Db,
    pub clock: Clock,
    pub partner_id: i64,
    pub user: CurrentUser,
    /// The bookings page as the application served it, for (a).
    pub page_bytes: axum::body::Bytes,
    /// The count the application's page showed, so (b) renders the same summary line.
    pub counted: (i64, i64),
}

pub fn router(state: Arc<BenchState>) -> Router {
    Router::new()
        .route(BARE, get(bare))
        .route(FORTUNES, get(fortunes))
        .with_state(state)
}

async fn bare(State(state): State<Arc<BenchState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        state.page_bytes.clone(),
    )
        .into_response()
}

async fn fortunes(State(state): State<Arc<BenchState>>) -> Result<Response, StatusCode> {
    let internal = |e: &dyn std::fmt::Display| {
        eprintln!("fortunes: {e}");
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let page = Page {
        lang: Lang::En,
        time_zone: default_time_zone(),
        user: Some(state.user.clone()),
        csrf: "0".repeat(43),
        flashes: vec![],
        demo_mailbox: false,
    };
    let now = state.clock.now();
    let today = local_date(now, &page.time_zone).ok_or(StatusCode::INTERNAL_SERVER_ERROR)?;
    let filters = Filters::parse(&RawFilters::default(), today).map_err(|e| internal(&e))?;
    let query = filters.list_query(&page.time_zone);
    let links = bookings_view::list(&state.db, state.partner_id, &query, PAGE_SIZE, 0)
        .await
        .map_err(|e| internal(&e))?;
    let html = BookingsPage::new(page, filters, links, Some(state.counted), today, now)
        .render()
        .map_err(|e| internal(&e))?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// The partner user the comparison pages are rendered for.
pub fn user(id: i64, email: &str, partner_id: i64) -> CurrentUser {
    CurrentUser {
        id,
        email: email.to_string(),
        role: Role::Partner,
        partner_id: Some(partner_id),
        locale: None,
        timezone: Some("Europe/Prague".into()),
    }
}
