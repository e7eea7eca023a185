//! One error type for the web layer, turned into a response in one place.
//!
//! A handler returns [`AppError`]; its response carries the error as an extension and the
//! [`render_error_pages`] middleware renders the page in the visitor's language. A user's
//! mistake becomes a 4xx page; an internal fault is logged with its cause and shown as a plain
//! apology.

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::app::AppState;
use crate::web::page::{Page, request_lang};
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

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    page: Page,
    status: u16,
    message_key: &'static str,
}

/// Renders error pages for [`AppError`] responses and for the router's own 404/405.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let lang = request_lang(&request).await;
    // What the reader's page needs (session, cookies, language), kept so that an error page
    // keeps the navigation: read only when there is an error to show.
    let headers = request.headers().clone();
    let extensions = request.extensions().clone();
    let response = next.run(request).await;
    let info = match response.extensions().get::<ErrorPageInfo>() {
        Some(info) => *info,
        None if response.status() == StatusCode::METHOD_NOT_ALLOWED => ErrorPageInfo {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message_key: "error-method",
        },
        None => return response,
    };
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers = headers;
    parts.extensions = extensions;
    let page = match Page::from_request_parts(&mut parts, &state).await {
        Ok(page) => page,
        Err(_) => Page::bare(lang),
    };
    error_page(page, info, response)
}

fn error_page(page: Page, info: ErrorPageInfo, original: Response) -> Response {
    let template = ErrorTemplate {
        page,
        status: info.status.as_u16(),
        message_key: info.message_key,
    };
    let body = match template.render() {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            info.status.to_string()
        }
    };
    let (mut parts, _) = original.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = (parts.status, Html(body)).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}
