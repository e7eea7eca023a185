//! CSRF protection: every state-changing request must carry the session's token, either as the
//! `csrf_token` form field or in the `X-CSRF-Token` header that htmx sends.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::web::error::AppError;

/// The session key holding the token.
pub const CSRF_KEY: &str = "csrf";
/// The form field carrying the token.
pub const FORM_FIELD: &str = "csrf_token";
/// The header carrying the token.
pub const HEADER: &str = "x-csrf-token";

/// Largest form body we buffer to look for the token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Paths authenticated otherwise (e.g. webhooks signed with a per-connection secret).
const EXEMPT_PREFIXES: &[&str] = &["/hooks/"];

/// A fresh random token.
pub fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await? {
        return Ok(token);
    }
    let token = new_token();
    session.insert(CSRF_KEY, &token).await?;
    Ok(token)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn token_in_form(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FORM_FIELD)
        .map(|(_, v)| v)
}

/// Middleware refusing unsafe requests without the session's token (403, nothing runs).
pub async fn require_token(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let exempt = EXEMPT_PREFIXES
        .iter()
        .any(|p| request.uri().path().starts_with(p));
    if safe || exempt {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return AppError::CsrfRejected.into_response();
    };
    let expected = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(token)) => token,
        Ok(None) => return AppError::CsrfRejected.into_response(),
        Err(e) => return AppError::from(e).into_response(),
    };
    let from_header = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(given) = from_header {
        return if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            next.run(request).await
        } else {
            AppError::CsrfRejected.into_response()
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return AppError::CsrfRejected.into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) if crate::web::error::is_body_timeout(&e) => {
            return AppError::RequestTimeout.into_response();
        }
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    match token_in_form(&bytes) {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => AppError::CsrfRejected.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_among_other_fields() {
        assert_eq!(
            token_in_form(b"email=a%40b.c&csrf_token=abc123&x=1"),
            Some("abc123".into())
        );
        assert_eq!(token_in_form(b"email=a%40b.c"), None);
        assert_eq!(token_in_form(b"%%%garbage"), None);
    }

    #[test]
    fn tokens_compare_by_content_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn new_tokens_are_long_and_different() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
