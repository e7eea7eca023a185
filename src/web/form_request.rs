//! What a form handler needs of its request besides its role, its path and its form, as one
//! extractor; and the steps most form handlers end with: audit, commit, flash, redirect.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::audit::{self, Event};
use crate::db::Tx;
use crate::web::error::AppError;
use crate::web::htmx::Htmx;
use crate::web::page::{FlashKind, Page, flash};
use crate::web::request_id::RequestId;
use crate::web::session::session_of;
use crate::web::state::AppState;

/// The app, the session, the request's id, the page (language, zone, CSRF token, flashes) and
/// what htmx asks for. Put it after the role extractor and before the form.
pub struct FormRequest {
    pub state: AppState,
    pub session: Session,
    pub request_id: RequestId,
    pub page: Page,
    pub htmx: Htmx,
}

impl FromRequestParts<AppState> for FormRequest {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = session_of(parts)?;
        let Ok(request_id) = RequestId::from_request_parts(parts, state).await;
        let page = Page::from_request_parts(parts, state).await?;
        Ok(FormRequest {
            state: state.clone(),
            session,
            request_id,
            page,
            htmx: Htmx::of(&parts.headers),
        })
    }
}

/// What a button's handler needs that shows no page of its own, only a redirect: the app, the
/// session and the request's id. It reads no [`Page`], so the messages waiting in the session
/// stay for the page the redirect leads to. Put it after the role extractor.
pub struct ActionRequest {
    pub state: AppState,
    pub session: Session,
    pub request_id: RequestId,
}

impl FromRequestParts<AppState> for ActionRequest {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = session_of(parts)?;
        let Ok(request_id) = RequestId::from_request_parts(parts, state).await;
        Ok(ActionRequest {
            state: state.clone(),
            session,
            request_id,
        })
    }
}

/// What a form handler that changed something ends with: its audit row in the same
/// transaction as the change, the commit, a success message (`flash_key`, with `value`), and a
/// redirect to `to` (303, so a reload does not post again).
pub async fn finish(
    mut tx: Tx,
    now: i64,
    event: Event<'_>,
    session: &Session,
    flash_key: &str,
    value: Option<String>,
    to: &str,
) -> Result<Response, AppError> {
    audit::append(&mut tx, now, event)?;
    tx.commit().await?;
    done(session, flash_key, value, to).await
}

/// What a handler answers once its change is made and committed (or made elsewhere, such as
/// by a procedure step): a success message (`flash_key`, with `value`) for the next page, and a
/// redirect to `to` (303, so a reload does not post again). [`finish`] ends with it.
pub async fn done(
    session: &Session,
    flash_key: &str,
    value: Option<String>,
    to: &str,
) -> Result<Response, AppError> {
    flash(session, FlashKind::Success, flash_key, value).await?;
    Ok(Redirect::to(to).into_response())
}
