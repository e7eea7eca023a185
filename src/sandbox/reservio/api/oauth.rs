//! `POST /v2/oauth2/token`: a partner OAuth client's client-credentials grant. The access token
//! it issues works for the client's business until it expires (an hour unless a test sets
//! another lifetime); an unknown client or a wrong secret is `invalid_client` (401), as OAuth
//! servers answer.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::super::store::{DEFAULT_TOKEN_LIFETIME_SECS, new_id};
use super::ApiState;

#[derive(Deserialize)]
pub(super) struct TokenRequest {
    #[serde(default)]
    grant_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
}

fn oauth_error(status: StatusCode, code: &str) -> Response {
    (status, axum::Json(json!({ "error": code }))).into_response()
}

pub(super) async fn token(State(api): State<ApiState>, Form(form): Form<TokenRequest>) -> Response {
    if form.grant_type != "client_credentials" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let now = api.clock.now();
    let mut store = api.lock();
    let business = match store.oauth_clients.get(&form.client_id) {
        Some((secret, business)) if *secret == form.client_secret => business.clone(),
        _ => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client"),
    };
    let lifetime = store
        .token_lifetime_secs
        .unwrap_or(DEFAULT_TOKEN_LIFETIME_SECS);
    let token = format!("oat-{}", new_id());
    store
        .issued
        .insert(token.clone(), (business, now + lifetime));
    store.tokens_issued += 1;
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime,
    }))
    .into_response()
}
