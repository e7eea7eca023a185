//! What every write of the fake Termino does with a request: authorise it, read its
//! idempotency key and body, and answer a repeated key with the first answer.

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
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

/// A changing request that passed the guard: what [`Write::apply`] needs to run it once.
pub(super) struct Write {
    key: String,
    fingerprint: String,
}

/// The guard of every changing request: the partner's token checked, its `Idempotency-Key`
/// read and its JSON body parsed as `T`, in that order (so each refusal is the one a client
/// gets today). Returns the request and the [`Write`] that applies it.
pub(super) fn guarded<T: DeserializeOwned>(
    shared: &Shared,
    partner_id: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(T, Write), ApiError> {
    authorize(shared, headers, partner_id)?;
    let key = idempotency_key(headers)?;
    let (request, canonical) = parse_body(body)?;
    let fingerprint = format!("POST {} {canonical}", uri.path());
    Ok((request, Write { key, fingerprint }))
}

impl Write {
    /// Runs the change once per idempotency key (see [`idempotent`]).
    pub(super) fn apply(
        self,
        shared: &Shared,
        partner_id: &str,
        change: impl FnOnce(&mut Store, i64) -> Result<Applied, ApiError>,
    ) -> ApiResult {
        idempotent(shared, partner_id, self.key, self.fingerprint, change)
    }
}

/// Runs a change once per idempotency key: a repeat of the same request gets the first answer
/// again without touching anything; the same key on a different request is refused.
fn idempotent(
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
