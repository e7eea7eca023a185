//! One error type for the web layer, turned into a response in one place.
//!
//! A handler returns [`AppError`]; its response carries the error as an extension and the
//! [`crate::web::error_page::render_error_pages`] middleware renders the page in the visitor's language. A user's
//! mistake becomes a 4xx page; an internal fault is logged with its cause and shown as a plain
//! apology.

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::web::paths;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("not logged in")]
    Unauthenticated { htmx: bool },
    #[error("missing or wrong CSRF token")]
    CsrfRejected,
    #[error("request body too large")]
    PayloadTooLarge,
    /// The request body did not arrive within the body-read timeout.
    #[error("request body too slow")]
    RequestTimeout,
    /// The request could not be read; the key names the message shown.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("session"))
    }
}

impl From<FormRejection> for AppError {
    fn from(_: FormRejection) -> Self {
        AppError::BadRequest("error-form-malformed")
    }
}

impl From<QueryRejection> for AppError {
    fn from(_: QueryRejection) -> Self {
        AppError::BadRequest("error-query-malformed")
    }
}

impl From<PathRejection> for AppError {
    // An id that is not a number names nothing that exists.
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}

/// Whether reading a request body failed because it did not arrive in time (tower-http's
/// body deadline, anywhere in the error's chain of causes).
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// What the error page shows; travels in the response's extensions.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPageInfo {
    pub status: StatusCode,
    pub message_key: &'static str,
}

impl AppError {
    fn page_info(&self) -> ErrorPageInfo {
        let (status, message_key) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
            AppError::Unauthenticated { .. } => (StatusCode::UNAUTHORIZED, "error-unauthenticated"),
            AppError::CsrfRejected => (StatusCode::FORBIDDEN, "error-csrf"),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
            AppError::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "error-request-timeout"),
            AppError::BadRequest(key) => (StatusCode::BAD_REQUEST, *key),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
        };
        ErrorPageInfo {
            status,
            message_key,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unauthenticated { htmx: false } => {
                return Redirect::to(paths::LOGIN).into_response();
            }
            AppError::Unauthenticated { htmx: true } => {
                // htmx follows this header with a full page load.
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                response
                    .headers_mut()
                    .insert("hx-redirect", HeaderValue::from_static(paths::LOGIN));
                return response;
            }
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let info = self.page_info();
        let mut response = info.status.into_response();
        response.extensions_mut().insert(info);
        response
    }
}
