//! The fake Reservio's HTTP side: the subset of Reservio's JSON:API documented in
//! `docs/reservio.md`, under `/v2/businesses/{businessId}`. Reads are in `reads`, writes in
//! `writes`; this module holds what both share.

mod oauth;
mod reads;
pub mod routes;
mod writes;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::store::Store;
use crate::clock::Clock;
use crate::systems::reservio::wire::{JSON_API, parse_instant};

/// What every handler shares.
#[derive(Clone)]
pub struct ApiState {
    pub store: Arc<Mutex<Store>>,
    pub clock: Clock,
    /// Set by a test: the next create is carried out, then its answer never arrives.
    pub lose_next_create: Arc<AtomicBool>,
    /// How the booking reads behave (date filter, `include`, empty listing).
    pub listing: super::listing::ListingSwitch,
    /// Requests and response bytes served, for the poll-cost figures.
    pub traffic: Arc<Traffic>,
}

/// Requests served and bytes answered since the last reset.
#[derive(Debug, Default)]
pub struct Traffic {
    pub requests: AtomicU64,
    pub bytes: AtomicU64,
    /// Every request, for the rate limit's "every n-th".
    pub seen: AtomicU64,
    /// Requests served by kind, in [`RequestKind`]'s order.
    pub kinds: [AtomicU64; RequestKind::ALL.len()],
}

/// What a request asked for, for telling where a client's requests go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A page of a business's bookings (`GET …/bookings`).
    Listing,
    /// One booking, event or client (`GET …/bookings/{id}` and the like).
    Single,
    /// A create, update or delete.
    Write,
    /// Anything else: the business, its services and resources, slots, tokens.
    Other,
}

impl RequestKind {
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Listing,
        RequestKind::Single,
        RequestKind::Write,
        RequestKind::Other,
    ];

    fn of(method: &axum::http::Method, path: &str) -> RequestKind {
        if *method != axum::http::Method::GET {
            return if path.contains("/oauth2/") {
                RequestKind::Other
            } else {
                RequestKind::Write
            };
        }
        let mut parts = path.trim_end_matches('/').rsplit('/');
        match (parts.next(), parts.next()) {
            (Some("bookings"), _) => RequestKind::Listing,
            (Some(_), Some("bookings" | "events" | "clients")) => RequestKind::Single,
            _ => RequestKind::Other,
        }
    }
}

/// Counts each API request and its answer's size, and applies the rate-limit switch.
async fn meter(State(api): State<ApiState>, request: Request, next: Next) -> Response {
    let n = api.traffic.seen.fetch_add(1, Ordering::SeqCst) + 1;
    let kind = RequestKind::of(request.method(), request.uri().path());
    let limited = api
        .listing
        .get()
        .rate_limit
        .filter(|limit| limit.every > 0 && n % limit.every == 0);
    let response = match limited {
        Some(limit) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "tooManyRequests",
                "slow down",
            )
            .into_response();
            if let Ok(value) = limit.retry_after_secs.to_string().parse() {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
        None => next.run(request).await,
    };
    api.traffic.requests.fetch_add(1, Ordering::SeqCst);
    api.traffic.kinds[kind as usize].fetch_add(1, Ordering::SeqCst);
    let size = response.body().size_hint().exact().unwrap_or(0);
    api.traffic.bytes.fetch_add(size, Ordering::SeqCst);
    response
}

impl ApiState {
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        // A handler that panicked cannot have left the maps half-updated in a way that
        // matters to a fake; keep serving.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A refusal, answered as a JSON:API error document.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    title: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "errors": [{
            "status": self.status.as_u16().to_string(),
            "code": self.code,
            "title": self.title,
        }]});
        (self.status, [(CONTENT_TYPE, JSON_API)], body.to_string()).into_response()
    }
}

pub(super) fn error(status: StatusCode, code: &'static str, title: &str) -> ApiError {
    ApiError {
        status,
        code,
        title: title.to_string(),
    }
}

pub(super) fn document(status: StatusCode, body: Value) -> Response {
    (status, [(CONTENT_TYPE, JSON_API)], body.to_string()).into_response()
}

pub(super) type Answer = Result<Response, ApiError>;
pub(super) type Params = HashMap<String, String>;

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// Lets the request through when its Bearer token is the business's static token or an
/// access token issued for it that has not expired (`now`); 401 otherwise.
pub(super) fn authorize(
    store: &Store,
    business: &str,
    headers: &HeaderMap,
    now: i64,
) -> Result<(), ApiError> {
    let api_access = store
        .businesses
        .get(business)
        .is_some_and(|b| b.token.is_some())
        || store.oauth_clients.values().any(|(_, of)| of == business);
    if !api_access {
        return Err(error(StatusCode::NOT_FOUND, "notFound", "no such business"));
    }
    let owner = bearer(headers).and_then(|token| store.business_of(token, now));
    if owner.as_deref() != Some(business) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "invalid access token",
        ));
    }
    Ok(())
}

pub(super) fn bad_request(title: &str) -> ApiError {
    error(StatusCode::BAD_REQUEST, "invalidRequest", title)
}

pub(super) fn invalid_value(title: &str) -> ApiError {
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalidValue", title)
}

/// `page[limit]` (default 20, at most 100 — more is quietly capped) and `page[offset]`.
pub(super) fn paging(params: &Params) -> Result<(usize, usize), ApiError> {
    let number = |name: &str, default: usize| match params.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| bad_request(&format!("{name} is not a number"))),
    };
    let limit = number("page[limit]", 20)?.clamp(1, 100);
    Ok((limit, number("page[offset]", 0)?))
}

/// An instant filter: RFC 3339, or a date meaning that day's start (`from`) or end (`to`).
pub(super) fn instant_filter(
    params: &Params,
    name: &str,
    end_of_day: bool,
) -> Result<Option<i64>, ApiError> {
    let Some(text) = params.get(name) else {
        return Ok(None);
    };
    if let Some(at) = parse_instant(text) {
        return Ok(Some(at));
    }
    let midnight = parse_instant(&format!("{text}T00:00:00Z"))
        .ok_or_else(|| bad_request(&format!("{name} is neither RFC 3339 nor a date")))?;
    Ok(Some(if end_of_day {
        midnight + 86_400
    } else {
        midnight
    }))
}

/// One page of a listing at `path`, with `meta.total` and `links.first/prev/next/last` as
/// Reservio answers them. With `offset_ignored`, every page is the first (and says so).
pub(super) fn list_document(
    all: Vec<(Value, Vec<Value>)>,
    params: &Params,
    path: &str,
    offset_ignored: bool,
) -> Answer {
    let (limit, asked_offset) = paging(params)?;
    let offset = if offset_ignored { 0 } else { asked_offset };
    let total = all.len();
    let (data, included): (Vec<Value>, Vec<Vec<Value>>) =
        all.into_iter().skip(offset).take(limit).unzip();
    let included: Vec<Value> = included.into_iter().flatten().collect();
    let link = |at: usize| {
        let mut query: BTreeMap<&str, String> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        query.insert("page[limit]", limit.to_string());
        query.insert("page[offset]", at.to_string());
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        Value::String(format!("{path}?{query}"))
    };
    let last = total.saturating_sub(1) / limit * limit;
    let mut links = serde_json::Map::new();
    links.insert("first".into(), link(0));
    links.insert("last".into(), link(last));
    if offset > 0 {
        links.insert("prev".into(), link(offset.saturating_sub(limit)));
    }
    if offset + limit < total {
        links.insert("next".into(), link(offset + limit));
    }
    Ok(document(
        StatusCode::OK,
        json!({ "data": data, "included": included, "meta": { "total": total }, "links": links }),
    ))
}

/// The business a Bearer token belongs to, for `/users/me`.
pub(super) fn business_of_token(store: &Store, headers: &HeaderMap, now: i64) -> Option<String> {
    store.business_of(bearer(headers)?, now)
}
