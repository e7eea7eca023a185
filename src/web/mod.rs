//! The web layer: router, middleware and one module per area.

pub mod account;
pub mod account_links;
pub mod admin;
pub mod admin_access;
pub mod audit;
pub mod audit_sentence;
pub mod bookings;
pub mod care;
pub mod cases;
pub mod chart;
pub mod connection;
pub mod csrf;
pub mod demo_mailbox;
pub mod error;
pub mod error_page;
pub mod extract;
pub mod forgot;
pub mod home;
pub mod hooks;
pub mod language;
pub mod login;
pub mod outbox;
pub mod page;
pub mod partner_home;
pub mod partner_settings;
pub mod paths;
pub mod procedures;
pub mod request_id;
pub mod sales;
pub mod second_step;
pub mod security;
pub mod serve;
pub mod session;
pub mod set_password;
pub mod sign_in;
pub mod staff_home;
pub mod state;
pub mod team;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::RequestBodyDeadlineLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::db::sessions::DbSessionStore;
use crate::web::state::AppState;
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
        // Accounts: the second step of logging in, links by e-mail (invitations, resets), the
        // user's own account page.
        .route(
            paths::LOGIN_SECOND_FACTOR,
            get(second_step::show).post(second_step::submit),
        )
        .route(paths::LOGIN_SECOND_FACTOR_ENROL, post(second_step::enrol))
        .route(
            paths::PASSWORD_FORGOT,
            get(forgot::show).post(forgot::submit),
        )
        .route(
            paths::PASSWORD_RESET_ROUTE,
            get(set_password::show_reset).post(set_password::submit_reset),
        )
        .route(
            paths::INVITATION_ROUTE,
            get(set_password::show_invitation).post(set_password::submit_invitation),
        )
        .route(paths::ACCOUNT, get(account::show))
        .route(paths::ACCOUNT_PASSWORD, post(account::change_password))
        .route(paths::ACCOUNT_PREFERENCES, post(account::preferences))
        .route(
            paths::ACCOUNT_SESSION_END_ROUTE,
            post(account::sessions::end_one),
        )
        .route(
            paths::ACCOUNT_SESSIONS_END_OTHERS,
            post(account::sessions::end_others),
        )
        .route(
            paths::ACCOUNT_SECOND_FACTOR,
            get(account::second_factor::show).post(account::second_factor::confirm),
        )
        // The partner's bookings: list (page or htmx fragment), CSV export, one booking.
        .route(paths::BOOKINGS, get(bookings::list))
        .route(paths::BOOKINGS_CSV, get(bookings::csv::export))
        .route(paths::BOOKING_ROUTE, get(bookings::detail::show))
        .route(
            paths::BOOKING_SEND_AGAIN_ROUTE,
            post(bookings::send_again::submit),
        )
        // Guided procedures: the start forms, the free slots they offer, one procedure's
        // progress and its retry and abandon actions.
        .route(
            paths::BOOKING_PROCEDURE_ROUTE,
            get(procedures::start::show).post(procedures::start::submit),
        )
        .route(paths::BOOKING_SLOTS_ROUTE, get(procedures::slots::fragment))
        .route(paths::PROCEDURE_ROUTE, get(procedures::progress::show))
        .route(paths::PROCEDURE_OLD_ROUTE, get(procedures::progress::moved))
        .route(
            paths::PROCEDURE_RETRY_ROUTE,
            post(procedures::actions::retry),
        )
        .route(
            paths::PROCEDURE_ABANDON_ROUTE,
            post(procedures::actions::abandon),
        )
        // Partner Care: the mismatch queue and its actions, one mismatch, the cases; a partner
        // reads and answers its own cases.
        .route(paths::CARE_MISMATCHES, get(care::queue))
        .route(paths::CARE_MISMATCHES_BULK, post(care::actions::bulk))
        .route("/care/mismatches/{id}", get(care::detail::show))
        .route("/care/mismatches/{id}/assign", post(care::actions::assign))
        .route(
            "/care/mismatches/{id}/acknowledge",
            post(care::actions::acknowledge),
        )
        .route(
            "/care/mismatches/{id}/resolve",
            post(care::actions::resolve),
        )
        .route("/care/alarms/{id}/confirm", post(care::alarms::confirm))
        .route("/care/mismatches/{id}/accept", post(care::actions::accept))
        .route(paths::CARE_CASES, get(cases::list))
        .route("/care/cases/{id}", get(cases::care_show))
        .route("/care/cases/{id}/take", post(cases::actions::take))
        .route("/care/cases/{id}/notes", post(cases::actions::care_note))
        .route("/care/cases/{id}/resolve", post(cases::actions::resolve))
        .route("/cases/{id}", get(cases::partner_show))
        .route("/cases/{id}/notes", post(cases::actions::partner_note))
        // The partner's connection: request (the connection ID), verification report, go
        // live, report a problem.
        .route(
            paths::CONNECTION,
            get(connection::show).post(connection::actions::request),
        )
        .route(
            paths::CONNECTION_SANDBOX,
            post(connection::actions::request_sandbox),
        )
        .route("/connection/{id}/report", get(connection::report::show))
        .route(
            "/connection/{id}/go-live",
            post(connection::actions::go_live),
        )
        .route(
            "/connection/{id}/problem",
            post(connection::actions::report_problem),
        )
        // New credentials after a system refused the old ones; observe mode or live.
        .route(
            "/connection/{id}/credentials",
            post(connection::credentials::partner_replace),
        )
        .route(
            "/sales/connections/{id}/credentials",
            post(connection::credentials::sales_replace),
        )
        .route(
            "/sales/connections/{id}/mode",
            post(connection::credentials::sales_set_mode),
        )
        // Sales: find a connection by its ID, map its services, confirm it.
        .route(paths::SALES_CONNECTIONS, get(sales::list))
        .route("/sales/connections/{id}", get(sales::connection::show))
        .route(
            "/sales/connections/{id}/account",
            post(sales::account::account),
        )
        .route(
            "/sales/connections/{id}/sandbox",
            post(sales::account::sandbox_account),
        )
        .route(
            "/sales/connections/{id}/mapping",
            post(sales::mapping::mapping),
        )
        .route(
            "/sales/connections/{id}/confirm",
            post(sales::connection::confirm),
        )
        .route(
            "/sales/connections/{id}/reopen",
            post(sales::connection::reopen),
        )
        // The partner e-mails confirming what the channel did (FAQ rule 6).
        .route(paths::OUTBOX, get(outbox::list))
        .route(paths::AUDIT, get(audit::list))
        .route(paths::AUDIT_CSV, get(audit::csv))
        .route("/audit/{id}", get(audit::entry))
        .route(
            paths::ADMIN_USERS,
            get(admin::list_users).post(admin::create_user),
        )
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route(
            paths::ADMIN_USER_INVITATION_RESEND_ROUTE,
            post(admin_access::resend_invitation),
        )
        .route(
            paths::ADMIN_USER_INVITATION_REVOKE_ROUTE,
            post(admin_access::revoke_invitation),
        )
        .route(
            paths::ADMIN_USER_SECOND_FACTOR_RESET_ROUTE,
            post(admin_access::reset_second_factor),
        )
        .route(
            paths::ADMIN_USER_PASSWORD_RESET_ROUTE,
            post(admin_access::send_password_reset),
        )
        .route(
            paths::ADMIN_PARTNERS,
            get(admin::list_partners).post(admin::create_partner),
        )
        .route("/admin/partners/{id}/disable", post(admin::disable_partner))
        .route("/admin/partners/{id}/enable", post(admin::enable_partner))
        .route(
            "/admin/partners/{id}/settings",
            post(partner_settings::save),
        )
        .route(
            paths::ADMIN_PARTNER_COLLEAGUE_INVITATIONS_ROUTE,
            post(team::set_allowed),
        )
        .route(paths::DEMO_MAILBOX, get(demo_mailbox::show))
        // A partner user's colleagues; inviting them when the admin allows it.
        .route(paths::TEAM, get(team::show).post(team::invite))
        .route(paths::TEAM_INVITATION_RESEND_ROUTE, post(team::resend))
        .route(paths::TEAM_INVITATION_REVOKE_ROUTE, post(team::revoke))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(csrf::require_token))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::render_error_pages,
        ))
        .layer(sessions)
        // Health, webhooks and static files need no session.
        .route(paths::HEALTHZ, get(healthz))
        .route(
            "/hooks/termino/{code}",
            post(hooks::termino).layer(axum::extract::DefaultBodyLimit::max(hooks::MAX_BODY)),
        )
        .nest_service(paths::STATIC, ServeDir::new(STATIC_DIR))
        // A body that has not fully arrived in time is cut off (408): see `web::serve`.
        .layer(RequestBodyDeadlineLayer::new(
            state.config.server.body_read_timeout,
        ))
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
