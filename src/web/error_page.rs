//! The error pages: renders the page an [`AppError`] response or the router's own 404/405
//! stands for, in the visitor's language. Apart from [`crate::web::error`] so that the error
//! type needs nothing of the page it is shown on.

use askama::Template;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Lang;
use crate::web::error::ErrorPageInfo;
use crate::web::page::{Page, request_lang};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    page: Page,
    status: u16,
    message_key: &'static str,
}

/// Renders error pages for [`AppError`] responses and for the router's own 404/405.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let lang = request_lang(&request).await;
    let response = next.run(request).await;
    let info = match response.extensions().get::<ErrorPageInfo>() {
        Some(info) => *info,
        None if response.status() == StatusCode::METHOD_NOT_ALLOWED => ErrorPageInfo {
            status: StatusCode::METHOD_NOT_ALLOWED,
            message_key: "error-method",
        },
        None => return response,
    };
    error_page(lang, info, response)
}

fn error_page(lang: Lang, info: ErrorPageInfo, original: Response) -> Response {
    let template = ErrorTemplate {
        page: Page::bare(lang),
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
