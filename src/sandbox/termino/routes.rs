//! The fake Termino's HTTP API, exactly as `docs/termino-api.md` documents it: the router,
//! what every request is checked for, the reads, and the sandbox fault control.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde_json::{Value, json};

use super::error::ApiError;
use super::model::Reservation;
use super::request::{ApiResult, authorize, authorize_channel, parse_body};
use super::shared::{RequestKind, Shared};
use super::store::FeedGap;
use super::writes;
use crate::sandbox::faults::{FaultSwitch, Faults, inject};

/// The feed's page size when the client does not say, and the most it may ask for.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;

pub(super) fn router(shared: Arc<Shared>, faults: FaultSwitch) -> Router {
    let api = Router::new()
        .route("/v1/channel/changes", get(channel_changes))
        .route("/v1/partners/{partner_id}/offers", get(list_offers))
        .route(
            "/v1/partners/{partner_id}/reservations",
            post(writes::create_reservation),
        )
        .route(
            "/v1/partners/{partner_id}/reservations/changes",
            get(changes),
        )
        .route(
            "/v1/partners/{partner_id}/reservations/{id}",
            get(get_reservation),
        )
        .route(
            "/v1/partners/{partner_id}/reservations/{id}/reschedule",
            post(writes::reschedule),
        )
        .route(
            "/v1/partners/{partner_id}/reservations/{id}/customer",
            post(writes::update_customer),
        )
        .route(
            "/v1/partners/{partner_id}/reservations/{id}/cancel",
            post(writes::cancel_reservation),
        )
        .route(
            "/v1/partners/{partner_id}/vouchers/{code}/cancel",
            post(writes::cancel_voucher),
        )
        .route(
            "/v1/partners/{partner_id}/vouchers/{code}/reissue",
            post(writes::reissue_voucher),
        )
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .layer(middleware::from_fn_with_state(shared.clone(), count))
        .with_state(shared);
    let control = Router::new()
        .route("/_sandbox/faults", get(get_faults).put(put_faults))
        .with_state(faults.clone());
    api.merge(control)
        .layer(middleware::from_fn_with_state(faults, inject))
}

async fn list_offers(
    State(shared): State<Arc<Shared>>,
    Path(partner_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    authorize(&shared, &headers, &partner_id)?;
    let offers = shared.lock().offers(&partner_id)?;
    Ok(Json(json!({ "offers": offers })).into_response())
}

/// Counts every API request by kind (the sandbox's control paths are not under this layer).
async fn count(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let kind = if path == "/v1/channel/changes" {
        RequestKind::ChannelFeed
    } else if path.ends_with("/reservations/changes") {
        RequestKind::PartnerFeed
    } else {
        RequestKind::Other
    };
    shared.traffic.count(kind);
    next.run(request).await
}

/// A feed's `cursor` and `limit`, checked as the API documents.
/// An absent cursor is `None`.
fn feed_params(query: Option<&str>) -> Result<(Option<u64>, usize), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?;
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let cursor: Option<u64> = match param("cursor") {
        None | Some("") => None,
        Some(text) => Some(text.parse().map_err(|_| {
            ApiError::bad_request("invalid_cursor", "cursor must be a value of next_cursor")
        })?),
    };
    let limit = match param("limit") {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_limit", format!("limit must be 1 to {MAX_LIMIT}"))
            })?,
    };
    Ok((cursor, limit))
}

/// The channel-wide change feed: every partner's reservations in the order of their latest
/// change, each with its partner, for the channel's own token.
async fn channel_changes(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult {
    authorize_channel(&shared, &headers)?;
    let (cursor, limit) = feed_params(query.as_deref())?;
    let answer = shared.lock().channel_changes(cursor, limit);
    match answer {
        Ok(super::store::ChannelChanges {
            cursor,
            changes: page,
            has_more,
        }) => {
            let next_cursor = page.last().map_or(cursor, |(_, r)| r.version);
            let changes: Vec<Value> = page
                .iter()
                .map(|(partner_id, r)| json!({ "partner_id": partner_id, "reservation": r.to_json() }))
                .collect();
            Ok(Json(json!({
                "changes": changes,
                "next_cursor": next_cursor.to_string(),
                "has_more": has_more,
            }))
            .into_response())
        }
        Err(FeedGap::Resync { resume }) => Ok((
            StatusCode::GONE,
            Json(json!({ "error": {
                "code": "resync_required",
                "message": "the feed cannot continue from this cursor: read each partner in \
                            full, then continue from resume_cursor",
                "resume_cursor": resume.to_string(),
            }})),
        )
            .into_response()),
    }
}

async fn changes(
    State(shared): State<Arc<Shared>>,
    Path(partner_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult {
    authorize(&shared, &headers, &partner_id)?;
    let (cursor, limit) = feed_params(query.as_deref())?;
    let cursor = cursor.unwrap_or(0);
    let (page, has_more) = shared.lock().changes(&partner_id, cursor, limit)?;
    let next_cursor = page.last().map_or(cursor, |r| r.version);
    let reservations: Vec<Value> = page.iter().map(Reservation::to_json).collect();
    Ok(Json(json!({
        "reservations": reservations,
        "next_cursor": next_cursor.to_string(),
        "has_more": has_more,
    }))
    .into_response())
}

async fn get_reservation(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult {
    authorize(&shared, &headers, &partner_id)?;
    let reservation = shared.lock().reservation(&partner_id, &id)?;
    Ok(Json(reservation.to_json()).into_response())
}

async fn get_faults(State(faults): State<FaultSwitch>) -> Json<Faults> {
    Json(faults.get())
}

async fn put_faults(State(faults): State<FaultSwitch>, body: Bytes) -> ApiResult {
    let (wanted, _): (Faults, String) = parse_body(&body)?;
    faults.set(wanted);
    Ok(Json(faults.get()).into_response())
}
