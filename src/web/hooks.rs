//! Notifications from Termino: `POST /hooks/termino/{connection_code}`, signed with the
//! connection's secret. A valid notification makes the worker sync that connection at once;
//! polling covers any notification that never arrives.
//!
//! A notification is accepted once: it carries its sending time and a nonce under the
//! signature, one sent too long ago (or too far ahead) is refused, and the nonces accepted are
//! kept in the database until their time alone would refuse them, so every instance behind the
//! load balancer refuses a replay.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::db::{connections, webhook_nonces};
use crate::systems::termino::{SIGNATURE_HEADER, parse_webhook, verify_webhook_signature};
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::state::AppState;

/// Largest notification body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// 202 and a sync soon for a valid notification; 401 for a bad signature or a stale time;
/// 400 for a signed body that is not a notification; 409 for a nonce already accepted; 404
/// for an unknown connection. Besides the time and the nonce, only the reservation and version
/// the body names are used, and only as a hint: the reservation is read from Termino itself,
/// with the connection's own token.
pub async fn termino(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let connection = connections::find_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !verify_webhook_signature(&connection.webhook_secret, &body, signature) {
        return Ok(StatusCode::UNAUTHORIZED);
    }
    let Ok(notification) = parse_webhook(&body) else {
        return Ok(StatusCode::BAD_REQUEST);
    };
    if !notification.nonce_is_well_formed() {
        return Ok(StatusCode::BAD_REQUEST);
    }
    let now = state.clock.now();
    if !notification.is_fresh(now) {
        tracing::warn!(
            connection = connection.id,
            sent_at = notification.sent_at,
            now,
            "Termino notification refused: sent too long ago or too far ahead"
        );
        return Ok(StatusCode::UNAUTHORIZED);
    }
    let first = webhook_nonces::remember(
        &state.db,
        connection.id,
        &notification.nonce,
        notification.nonce_expires_at(),
        now,
    )
    .await?;
    if !first {
        tracing::warn!(
            connection = connection.id,
            "Termino notification refused: its nonce was already accepted (a replay)"
        );
        return Ok(StatusCode::CONFLICT);
    }
    // Due in the database before the answer, so whichever instance is free syncs it even when
    // this one runs no worker; then this instance's worker is woken at once.
    match &state.notifier {
        Some(notifier) => {
            let change = i64::try_from(notification.version).ok().map(|version| {
                crate::sync::worker::NotifiedChange {
                    reservation_id: notification.reservation_id.clone(),
                    version,
                }
            });
            notifier.request(connection.id, change).await
        }
        None => {
            let channel_feed = state
                .sync
                .as_ref()
                .is_some_and(|ctx| ctx.connector.termino_channel().is_some());
            crate::sync::worker::ask_for_sync(&state.db, connection.id, now, channel_feed, false)
                .await?;
        }
    }
    tracing::debug!(
        connection = connection.id,
        sent_at = notification.sent_at,
        "Termino notification accepted"
    );
    Ok(StatusCode::ACCEPTED)
}
