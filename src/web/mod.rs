//! The web layer: router, middleware and one module per area.

pub mod admin;
pub mod audit;
pub mod error;
pub mod extract;
pub mod home;
pub mod hooks;
pub mod language;
pub mod login;
pub mod page;
pub mod paths;
pub mod request_id;
pub mod security;
pub mod workspaces;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::app::AppState;
use crate::auth::csrf;
use crate::db::sessions::DbSessionStore;
use error::AppError;

/// Where the static files live, relative to the crate.
const STATIC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/static");

/// The whole application's routes and middleware.
pub fn router(state: AppState) -> Router {
    let idle =
        time::Duration::try_from(state.config.idle_timeout).unwrap_or(time::Duration::minutes(30));
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("bookbridge_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(idle));

    Router::new()
        .route(paths::HOME, get(home::show))
        .route(paths::LOGIN, get(login::show).post(login::submit))
        .route(paths::LOGOUT, post(login::logout))
        .route(paths::LANGUAGE, post(language::switch))
        .route(paths::BOOKINGS, get(workspaces::bookings))
        .route(paths::CARE_MISMATCHES, get(workspaces::care_mismatches))
        .route(paths::SALES_CONNECTIONS, get(workspaces::sales_connections))
        .route(paths::AUDIT, get(audit::list))
        .route("/audit/{id}", get(audit::entry))
        .route(
            paths::ADMIN_USERS,
            get(admin::list_users).post(admin::create_user),
        )
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route(
            paths::ADMIN_PARTNERS,
            get(admin::list_partners).post(admin::create_partner),
        )
        .route("/admin/partners/{id}/disable", post(admin::disable_partner))
        .route("/admin/partners/{id}/enable", post(admin::enable_partner))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(csrf::require_token))
        .layer(middleware::from_fn(error::render_error_pages))
        .layer(sessions)
        // Health, webhooks and static files need no session.
        .route(paths::HEALTHZ, get(healthz))
        .route(
            "/hooks/termino/{code}",
            post(hooks::termino).layer(axum::extract::DefaultBodyLimit::max(hooks::MAX_BODY)),
        )
        .nest_service(paths::STATIC, ServeDir::new(STATIC_DIR))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(middleware::from_fn(request_id::assign))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}

/// 200 once the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
