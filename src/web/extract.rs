//! axum's extractors with our error type, so malformed input gets our error page instead of a
//! plain-text rejection.

use axum::extract::{FromRequest, FromRequestParts};

use crate::web::error::AppError;

/// A URL-encoded form; malformed input answers 400 with a readable page.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct Form<T>(pub T);

/// Query parameters; malformed input answers 400.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// Path parameters; an id that does not parse answers 404, like one that does not exist.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);
