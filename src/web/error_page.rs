//! The error pages: renders the page an [`AppError`] response or the router's own 404/405
//! stands for, in the visitor's language. Apart from [`crate::web::error`] so that the error
//! type needs nothing of the page it is shown on.

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::web::error::ErrorPageInfo;
use crate::web::page::{Page, request_lang};
use crate::web::state::AppState;

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
