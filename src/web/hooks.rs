//! Notifications from Termino: `POST /hooks/termino/{connection_code}`, signed with the
//! connection's secret. A valid notification makes the worker sync that connection at once;
//! polling covers any notification that never arrives.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::app::AppState;
use crate::db::connections;
use crate::systems::termino::{SIGNATURE_HEADER, verify_webhook_signature};
use crate::web::error::AppError;
use crate::web::extract::Path;

/// Largest notification body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// 202 and a sync soon for a valid notification; 401 for a bad signature; 404 for an
/// unknown connection. The body's content is not trusted: the sync reads the truth from
/// Termino itself.
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
    if let Some(notifier) = &state.notifier {
        notifier.notify(connection.id);
    }
    Ok(StatusCode::ACCEPTED)
}
