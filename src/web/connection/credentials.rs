//! New credentials for a connection whose system refused the old ones (the partner on its
//! connection page, the sales rep on theirs), and the sales rep's switch between observe mode
//! and live. Credentials are tried before they are kept, sealed like the others, and never
//! written to the audit log; replacing them lifts the hold, and the waiting pushes go.

use axum::response::Response;
use serde::Deserialize;

use crate::audit::{self, Actor, Event};
use crate::db::connections::{self, Connection, Credential};
use crate::db::holds::{self, Column};
use crate::db::onboarding;
use crate::systems::reservio::auth::Credentials;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, ActionRequest};
use crate::web::paths;
use crate::web::session::{PartnerUser, SalesUser};
use crate::web::state::AppState;

/// The credentials form: a Reservio token, or a Reservio OAuth client, or a Termino token.
#[derive(Default, Deserialize)]
pub struct CredentialFields {
    /// `token` (a static Reservio token), `oauth` (a partner OAuth client) or `termino`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
}

/// A credential as typed: something, without spaces, not absurdly long.
fn typed(raw: &str) -> Option<String> {
    let value = raw.trim();
    let ok = !value.is_empty() && value.len() <= 400 && !value.contains(char::is_whitespace);
    ok.then(|| value.to_string())
}

/// What the form asks to store: which column, and the plain value.
fn parse(fields: &CredentialFields) -> Result<(Column, String, &'static str), AppError> {
    let missing = AppError::BadRequest("credentials-error-missing");
    match fields.kind.as_str() {
        "token" => Ok((
            Column::Reservio,
            typed(&fields.token).ok_or(missing)?,
            "token",
        )),
        "oauth" => {
            let (Some(client_id), Some(client_secret)) =
                (typed(&fields.client_id), typed(&fields.client_secret))
            else {
                return Err(missing);
            };
            let stored = Credentials::OAuthClient {
                client_id,
                client_secret,
            }
            .render()
            .map_err(|_| AppError::BadRequest("credentials-error-client-id"))?;
            Ok((Column::Reservio, stored, "oauth"))
        }
        "termino" => Ok((
            Column::Termino,
            typed(&fields.token).ok_or(missing)?,
            "token",
        )),
        _ => Err(AppError::BadRequest("credentials-error-missing")),
    }
}

/// Tries the new credential against its system with a read (services or offers): a typo is
/// refused now, not found later as another 401.
async fn try_credential(
    state: &AppState,
    conn: &Connection,
    column: Column,
    plain: &str,
) -> Result<(), AppError> {
    let Some(sync) = &state.sync else {
        return Ok(());
    };
    let mut trial = conn.clone();
    let outcome = match column {
        Column::Reservio => {
            trial.reservio_token = Some(plain.to_string());
            crate::sync::catalogue::services(sync.connector.as_ref(), &trial)
                .await
                .map(|_| ())
        }
        Column::Termino => {
            trial.termino_token = Some(plain.to_string());
            crate::sync::catalogue::offers(sync.connector.as_ref(), &trial)
                .await
                .map(|_| ())
        }
    };
    outcome.map_err(|e| {
        tracing::info!(connection = conn.id, error = %e, "new credentials were refused");
        AppError::BadRequest("credentials-error-refused")
    })
}

/// Stores the credential (sealed), clears the expiry, lets held pushes go unless the
/// connection observes, audits without the secret; then a message, and back to `back`.
async fn replace(
    request: &ActionRequest,
    actor: &Actor,
    conn: &Connection,
    fields: &CredentialFields,
    back: &str,
) -> Result<Response, AppError> {
    let state = &request.state;
    let (column, plain, kind) = parse(fields)?;
    try_credential(state, conn, column, &plain).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let credential = match column {
        Column::Reservio => Credential::ReservioToken,
        Column::Termino => Credential::TerminoToken,
    };
    let sealed = connections::seal(tx.keys()?, credential, &conn.connection_code, &plain)?;
    holds::replace_credential(&mut tx, conn.id, column, &sealed, now).await?;
    let released = if conn.observe == 0 {
        holds::release_held(&mut tx, conn.id, now).await?
    } else {
        0
    };
    let system = match column {
        Column::Reservio => "reservio",
        Column::Termino => "termino",
    };
    let event = Event::new(
        actor,
        "connection.credentials_replaced",
        "connection",
        conn.id,
    )
    .partner(Some(conn.partner_id))
    .before(serde_json::json!({
        "credentials": if conn.credentials_expired_at.is_some() { "expired" } else { "accepted" },
    }))
    .after(serde_json::json!({
        "credentials": "accepted",
        "system": system,
        "kind": kind,
        "pushes_released": released,
    }))
    .request(Some(request.request_id.as_str()));
    let (session, key) = (&request.session, "credentials-done");
    let done = form_request::finish(tx, now, event, session, key, None, back).await?;
    state.sync_soon(conn.id);
    Ok(done)
}

async fn connection(state: &AppState, id: i64) -> Result<Connection, AppError> {
    connections::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The partner enters new credentials for its connection.
pub async fn partner_replace(
    user: PartnerUser,
    request: ActionRequest,
    Path(id): Path<i64>,
    Form(fields): Form<CredentialFields>,
) -> Result<Response, AppError> {
    let state = &request.state;
    // Another partner's connection is not found.
    onboarding::find(&state.db, id, Some(user.partner_id))
        .await?
        .ok_or(AppError::NotFound)?;
    if fields.kind == "termino" {
        // The channel's own token is the sales rep's to enter.
        return Err(AppError::Forbidden);
    }
    let conn = connection(state, id).await?;
    replace(
        &request,
        &user.user.actor(),
        &conn,
        &fields,
        paths::CONNECTION,
    )
    .await
}

/// The sales rep enters new credentials for a connection.
pub async fn sales_replace(
    user: SalesUser,
    request: ActionRequest,
    Path(id): Path<i64>,
    Form(fields): Form<CredentialFields>,
) -> Result<Response, AppError> {
    let conn = connection(&request.state, id).await?;
    let back = paths::sales_connection(id);
    replace(&request, &user.0.actor(), &conn, &fields, &back).await
}

#[derive(Default, Deserialize)]
pub struct ModeFields {
    /// `observe` or `live`.
    #[serde(default)]
    mode: String,
}

/// The sales rep switches a connection between observe mode and live (audited). Going live
/// lets the pushes recorded meanwhile go, unless the credentials are refused.
pub async fn sales_set_mode(
    user: SalesUser,
    request: ActionRequest,
    Path(id): Path<i64>,
    Form(fields): Form<ModeFields>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let observe = match fields.mode.as_str() {
        "observe" => true,
        "live" => false,
        _ => return Err(AppError::BadRequest("mode-error-unknown")),
    };
    let conn = connection(state, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if holds::set_observe(&mut tx, id, observe, &user.0.email, now).await? {
        let released = if !observe && conn.credentials_expired_at.is_none() {
            holds::release_held(&mut tx, id, now).await?
        } else {
            0
        };
        let name = |observe: bool| if observe { "observe" } else { "live" };
        audit::append(
            &mut tx,
            now,
            Event::new(&user.0.actor(), "connection.mode_changed", "connection", id)
                .partner(Some(conn.partner_id))
                .before(serde_json::json!({ "mode": name(conn.observe != 0) }))
                .after(serde_json::json!({ "mode": name(observe), "pushes_released": released }))
                .request(Some(request.request_id.as_str())),
        )?;
    }
    tx.commit().await?;
    state.sync_soon(id);
    let key = if observe {
        "mode-done-observe"
    } else {
        "mode-done-live"
    };
    let back = paths::sales_connection(id);
    form_request::done(&request.session, key, None, &back).await
}
