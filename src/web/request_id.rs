//! A random id per request, echoed in `X-Request-Id` and stored with audit rows, so a line in
//! the log and a row in the audit trail can be matched.
//!
//! Every log line written while a request is served carries its id (the `request` span), and
//! every answer with a 5xx status — ours, axum's own, a caught panic's — gets one error line
//! with the id, the method, the path and the status, so what a user reports (the id is on
//! the error page's `X-Request-Id`) can be found in the log.

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

#[derive(Clone, Debug)]
pub struct RequestId(String);

impl RequestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = {
        use rand::Rng;
        let bytes: [u8; 8] = rand::rng().random();
        hex::encode(bytes)
    };
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    let status = response.status();
    if status.is_server_error() {
        tracing::error!(
            request_id = %id,
            %method,
            %path,
            status = status.as_u16(),
            "answered with a server error"
        );
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId("-".into())))
    }
}
