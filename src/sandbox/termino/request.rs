//! What every write of the fake Termino does with a request: authorise it, read its
//! idempotency key and body, and answer a repeated key with the first answer.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::ApiError;
use super::model::{Effect, EffectKind, Reservation};
use super::shared::Shared;
use super::store::{Replay, Store};
use crate::systems::termino::parse_rfc3339;

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

/// The channel's own token, for the channel-wide feed.
pub(super) fn authorize_channel(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    if shared.lock().authorizes_channel(token.trim()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
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

/// A changing request that passed the guard: what [`Write::apply`] needs to run it once for
/// the partner it names.
pub(super) struct Write {
    shared: Arc<Shared>,
    partner_id: String,
    key: String,
    fingerprint: String,
}

/// The guard of every changing request, as the handler's last extractor: the body read, then
/// the partner's token checked, its `Idempotency-Key` read and its JSON body parsed as `T`, in
/// that order (so each refusal is the one a client gets today). Holds the request and the
/// [`Write`] that applies it.
pub(super) struct Guarded<T>(pub T, pub Write);

impl<T: DeserializeOwned> FromRequest<Arc<Shared>> for Guarded<T> {
    type Rejection = Response;

    async fn from_request(request: Request, shared: &Arc<Shared>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let params = RawPathParams::from_request_parts(&mut parts, shared)
            .await
            .map_err(IntoResponse::into_response)?;
        // Every changing route names its partner; one that did not would be no endpoint.
        let partner_id = params
            .iter()
            .find(|(name, _)| *name == "partner_id")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| ApiError::not_found("no such endpoint").into_response())?;
        let body = Bytes::from_request(Request::from_parts(parts.clone(), body), shared)
            .await
            .map_err(IntoResponse::into_response)?;
        guard(shared, partner_id, &parts, &body).map_err(IntoResponse::into_response)
    }
}

/// The checks of [`Guarded`] after the body is read.
fn guard<T: DeserializeOwned>(
    shared: &Arc<Shared>,
    partner_id: String,
    parts: &Parts,
    body: &Bytes,
) -> Result<Guarded<T>, ApiError> {
    authorize(shared, &parts.headers, &partner_id)?;
    let key = idempotency_key(&parts.headers)?;
    let (request, canonical) = parse_body(body)?;
    let fingerprint = format!("POST {} {canonical}", parts.uri.path());
    let write = Write {
        shared: shared.clone(),
        partner_id,
        key,
        fingerprint,
    };
    Ok(Guarded(request, write))
}

impl Write {
    /// Runs a change once per idempotency key: a repeat of the same request gets the first
    /// answer again without touching anything; the same key on a different request is refused.
    pub(super) fn apply(
        self,
        change: impl FnOnce(&mut Store, i64) -> Result<Applied, ApiError>,
    ) -> ApiResult {
        let Write {
            shared,
            partner_id,
            key,
            fingerprint,
        } = self;
        shared.with_store(|store, now| {
            if let Some(replay) = store.replay(&partner_id, &key) {
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
                    partner_id: partner_id.clone(),
                    reservation_id,
                    idempotency_key: key.clone(),
                });
            }
            let replay = Replay {
                fingerprint,
                status: applied.status,
                body: applied.body.clone(),
            };
            store.remember(&partner_id, &key, replay);
            Ok((applied.status, Json(applied.body)).into_response())
        })
    }

    /// Runs a change of one reservation once (see [`apply`](Write::apply)): answers the
    /// reservation, and records `kind` only when the change changed anything.
    pub(super) fn apply_to_reservation(
        self,
        kind: EffectKind,
        change: impl FnOnce(&mut Store, i64) -> Result<(Reservation, bool), ApiError>,
    ) -> ApiResult {
        self.apply(|store, now| Ok(Applied::reservation(kind, change(store, now)?)))
    }
}
