//! The channel's side of a connection: the sales rep enters the Termino partner account (or,
//! in the demo, has the sandbox make one), and it is tried before it is kept.

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::connection::{SalesForms, load, refuse};
use crate::audit::{self, Event};
use crate::db::onboarding;
use crate::sync::catalogue;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::session::SalesUser;
use crate::web::state::AppState;

#[derive(Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    termino_partner_id: String,
    #[serde(default)]
    termino_token: String,
}

/// Stores the channel account (Termino partner id and token) once it answers.
async fn save_account(
    state: &AppState,
    user: &SalesUser,
    request_id: &RequestId,
    id: i64,
    partner: &str,
    token: &str,
    sandbox: bool,
) -> Result<bool, AppError> {
    let (c, _) = load(state, id).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !onboarding::set_channel_account(&mut tx, id, partner, token, now).await? {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        now,
        Event::new(
            &user.0.actor(),
            "connection.channel_account_set",
            "connection",
            id,
        )
        .partner(Some(c.partner_id))
        .before(serde_json::json!({ "termino_partner_id": c.termino_partner_id }))
        .after(serde_json::json!({ "termino_partner_id": partner, "sandbox": sandbox }))
        .request(Some(request_id.as_str())),
    )?;
    tx.commit().await?;
    Ok(true)
}

/// The sales rep enters the partner's Termino account.
pub async fn account(
    user: SalesUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let (_, mut conn) = load(&state, id).await?;
    let partner = form.termino_partner_id.trim().to_string();
    let token = form.termino_token.trim().to_string();
    let mut forms = SalesForms {
        termino_partner_id: partner.clone(),
        ..SalesForms::default()
    };
    let well_formed = |v: &str| !v.is_empty() && v.len() <= 200 && !v.contains(char::is_whitespace);
    if !well_formed(&partner) || !well_formed(&token) {
        forms.account_error = Some("sales-error-account-empty");
        return refuse(&state, page, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
    }
    // Try the account before keeping it: a typo shows now, not as a sync error later.
    conn.termino_partner_id = Some(partner.clone());
    conn.termino_token = Some(token.clone());
    if let Some(sync) = &state.sync {
        if let Err(e) = catalogue::offers(sync.connector.as_ref(), &conn).await {
            tracing::info!(connection = id, error = %e, "a channel account did not answer");
            forms.account_error = Some("sales-error-account-unreachable");
            return refuse(&state, page, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
        }
    }
    let request_id = &request.request_id;
    if !save_account(&state, &user, request_id, id, &partner, &token, false).await? {
        forms.form_error = Some("sales-refused-state");
        return refuse(&state, page, id, StatusCode::CONFLICT, forms).await;
    }
    account_saved(&request.session, id).await
}

/// Answers a channel account kept: a message, and back to the connection's page.
async fn account_saved(session: &Session, id: i64) -> Result<Response, AppError> {
    let to = paths::sales_connection(id);
    form_request::done(session, "sales-done-account", None, &to).await
}

/// The demo's helper: a fresh sandbox channel account selling the partner's services.
pub async fn sandbox_account(
    user: SalesUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let Some(sandbox) = state.sandbox.clone() else {
        return Err(AppError::NotFound);
    };
    let (c, conn) = load(&state, id).await?;
    let business = conn.reservio_business_id.clone().unwrap_or_default();
    let services = match &state.sync {
        Some(sync) => catalogue::services(sync.connector.as_ref(), &conn)
            .await
            .ok(),
        None => None,
    };
    let (Some(services), true) = (services, c.state().mapping_editable()) else {
        let forms = SalesForms {
            form_error: Some("sales-refused-state"),
            ..SalesForms::default()
        };
        return refuse(&state, page, id, StatusCode::CONFLICT, forms).await;
    };
    let made = sandbox
        .new_channel_account(&business, &services)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("sandbox channel account: {e}")))?;
    let request_id = &request.request_id;
    if !save_account(&state, &user, request_id, id, &made.id, &made.token, true).await? {
        let forms = SalesForms {
            form_error: Some("sales-refused-state"),
            ..SalesForms::default()
        };
        return refuse(&state, page, id, StatusCode::CONFLICT, forms).await;
    }
    account_saved(&request.session, id).await
}
