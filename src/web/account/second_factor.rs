//! Enrolling a second factor from the account page: offered to everyone, required for staff
//! under `serve` (who are made to enrol at login instead).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::db::{second_factor as factor_db, users};
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::form_request::FormRequest;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::second_step::{RecoveryCodesPage, confirm_enrolment, enrol_page};
use crate::web::session::CurrentUser;
use crate::web::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    user: CurrentUser,
    page: Page,
) -> Result<Response, AppError> {
    if factor_db::secret(&state.db, user.id).await?.is_some() {
        return Ok(Redirect::to(paths::ACCOUNT).into_response());
    }
    let page = enrol_page(
        &session,
        page,
        &user.email,
        paths::ACCOUNT_SECOND_FACTOR,
        false,
        None,
    )
    .await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

pub async fn confirm(
    user: CurrentUser,
    request: FormRequest,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let (state, session, page) = (&request.state, &request.session, request.page);
    if factor_db::secret(&state.db, user.id).await?.is_some() {
        return Ok(Redirect::to(paths::ACCOUNT).into_response());
    }
    let stored = users::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Unauthenticated { htmx: false })?;
    let now = state.clock.now();
    let request_id = &request.request_id;
    match confirm_enrolment(state, session, &stored, &form.code, request_id, now).await? {
        Some(codes) => Ok(RecoveryCodesPage {
            page,
            codes,
            continue_to: paths::ACCOUNT.to_string(),
        }
        .into_response()),
        None => {
            let page = enrol_page(
                session,
                page,
                &user.email,
                paths::ACCOUNT_SECOND_FACTOR,
                false,
                Some("second-factor-wrong"),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
