//! The fake Termino's HTTP API, exactly as `docs/termino-api.md` documents it: the router,
//! what every request is checked for, the reads, and the sandbox fault control.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::ApiError;
use super::store::{Replay, Store};
use super::writes;
use super::{Effect, EffectKind, Reservation, Shared};
use crate::sandbox::faults::{FaultSwitch, Faults, inject};
use crate::systems::termino::parse_rfc3339;

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

pub(super) type ApiResult = Result<Response, ApiError>;

pub(super) fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    partner_id: &str,
) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    if shared.lock().authorizes(token.trim(), partner_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}

pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::bad_request(
            "missing_idempotency_key",
            "send an Idempotency-Key header of 1 to 255 characters",
        ));
    }
    Ok(key.to_owned())
}

/// The body as `T`, plus its canonical text (keys sorted) for the idempotency fingerprint.
/// An empty body counts as `{}`.
pub(super) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<(T, String), ApiError> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request("invalid_request", format!("body is not JSON: {e}"))
        })?
    };
    let canonical = value.to_string();
    let parsed = T::deserialize(value)
        .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?;
    Ok((parsed, canonical))
}

pub(super) fn parse_time(field: &str, text: &str) -> Result<i64, ApiError> {
    parse_rfc3339(text).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_request",
            format!("{field} must be an RFC 3339 date-time, got {text:?}"),
        )
    })
}

/// What one successful change answers and records.
pub(super) struct Applied {
    pub status: StatusCode,
    pub body: Value,
    /// (kind, reservation id) of each effect; none when the call changed nothing.
    pub effects: Vec<(EffectKind, String)>,
}

impl Applied {
    pub(super) fn reservation(
        kind: EffectKind,
        (reservation, changed): (Reservation, bool),
    ) -> Self {
        Applied {
            status: StatusCode::OK,
            effects: if changed {
                vec![(kind, reservation.id.clone())]
            } else {
                Vec::new()
            },
            body: reservation.to_json(),
        }
    }
}

/// Runs a change once per idempotency key: a repeat of the same request gets the first answer
/// again without touching anything; the same key on a different request is refused.
pub(super) fn idempotent(
    shared: &Shared,
    partner_id: &str,
    key: String,
    fingerprint: String,
    change: impl FnOnce(&mut Store, i64) -> Result<Applied, ApiError>,
) -> ApiResult {
    shared.with_store(|store, now| {
        if let Some(replay) = store.replay(partner_id, &key) {
            if replay.fingerprint != fingerprint {
                return Err(ApiError::unprocessable(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request",
                ));
            }
            return Ok((replay.status, Json(replay.body.clone())).into_response());
        }
        let applied = change(store, now)?;
        for (kind, reservation_id) in applied.effects {
            store.effects.push(Effect {
                kind,
                partner_id: partner_id.to_owned(),
                reservation_id,
                idempotency_key: key.clone(),
            });
        }
        let replay = Replay {
            fingerprint,
            status: applied.status,
            body: applied.body.clone(),
        };
        store.remember(partner_id, &key, replay);
        Ok((applied.status, Json(applied.body)).into_response())
    })
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
