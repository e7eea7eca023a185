//! The fake Termino's HTTP API, exactly as `docs/termino-api.md` documents it: the router,
//! what every request is checked for, the reads, and the sandbox fault control.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde_json::{Value, json};

use super::error::ApiError;
use super::model::Reservation;
use super::request::{ApiResult, authorize, parse_body};
use super::shared::Shared;
use super::writes;
use crate::sandbox::faults::{FaultSwitch, Faults, inject};

/// The feed's page size when the client does not say, and the most it may ask for.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;

pub(super) fn router(shared: Arc<Shared>, faults: FaultSwitch) -> Router {
    let api = Router::new()
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

async fn changes(
    State(shared): State<Arc<Shared>>,
    Path(partner_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult {
    authorize(&shared, &headers, &partner_id)?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
            .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?;
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let cursor: u64 = match param("cursor") {
        None | Some("") => 0,
        Some(text) => text.parse().map_err(|_| {
            ApiError::bad_request("invalid_cursor", "cursor must be a value of next_cursor")
        })?,
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
