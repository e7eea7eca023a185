//! `POST /procedures/{id}/retry` and `/abandon`: a stopped procedure goes back to its failed
//! step; a procedure is given up once the reader has confirmed, on a page of its own, that
//! nothing already done is undone. A transition the procedure's state refuses answers 409.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::engine;
use super::labels::{kind_key, procedure_state, step_key};
use super::progress::{procedure_for, refused};
use crate::db::procedures;
use crate::domain::procedure::{ProcedureKind, ProcedureState, Step};
use crate::sync::procedure;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::BookingUser;

/// Sends a stopped procedure back to its failed step.
pub async fn retry(
    who: BookingUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let op = procedure_for(&state, &who, id).await?;
    let Some(ctx) = engine(&state) else {
        let status = StatusCode::SERVICE_UNAVAILABLE;
        return refused(&state, &who, page, op, "procedure-not-connected", status).await;
    };
    if !procedure::connection_syncs(&state.db, op.link_id).await? {
        let status = StatusCode::CONFLICT;
        return refused(&state, &who, page, op, "procedure-connection-ended", status).await;
    }
    let actor = who.user().actor();
    let request_id = Some(request.request_id.as_str());
    if procedure::retry(ctx, &state.procedures, id, &actor, request_id).await? {
        let to = paths::procedure(id);
        form_request::done(&request.session, "procedure-retried", None, &to).await
    } else {
        let status = StatusCode::CONFLICT;
        refused(&state, &who, page, op, "procedure-refused-retry", status).await
    }
}

#[derive(Default, Deserialize)]
pub struct AbandonForm {
    /// Sent by the confirmation page: the answer, not the question.
    #[serde(default)]
    confirm: String,
    /// The "I understand nothing already done is undone" box.
    #[serde(default)]
    understood: String,
}

/// The question before a procedure is abandoned.
#[derive(Template, WebTemplate)]
#[template(path = "procedures/abandon.html")]
pub struct AbandonPage {
    page: Page,
    op_id: i64,
    link_id: i64,
    kind: Option<ProcedureKind>,
    /// The steps already carried out, which stay done.
    done: Vec<&'static str>,
    error: Option<&'static str>,
}

impl AbandonPage {
    fn kind_key(&self) -> &'static str {
        self.kind.map_or("procedure-kind-unknown", kind_key)
    }
}

/// Gives a procedure up, once the reader has confirmed that nothing done is undone.
pub async fn abandon(
    who: BookingUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<AbandonForm>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let op = procedure_for(&state, &who, id).await?;
    let can = matches!(
        procedure_state(&op.state),
        ProcedureState::Pending | ProcedureState::Waiting | ProcedureState::Failed
    );
    if !can {
        let status = StatusCode::CONFLICT;
        return refused(&state, &who, page, op, "procedure-refused-abandon", status).await;
    }
    if form.confirm.is_empty() || form.understood.is_empty() {
        let status = if form.confirm.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let done = procedures::steps(&state.db, id)
            .await?
            .iter()
            .filter(|s| s.state == "done")
            .map(|s| {
                s.name
                    .parse::<Step>()
                    .map_or("procedure-step-unknown", step_key)
            })
            .collect();
        let question = AbandonPage {
            page,
            op_id: op.id,
            link_id: op.link_id,
            kind: op.kind.parse().ok(),
            done,
            error: (!form.confirm.is_empty()).then_some("procedure-abandon-required"),
        };
        return Ok((status, question).into_response());
    }
    let Some(ctx) = engine(&state) else {
        let status = StatusCode::SERVICE_UNAVAILABLE;
        return refused(&state, &who, page, op, "procedure-not-connected", status).await;
    };
    let actor = who.user().actor();
    if procedure::abandon(ctx, id, &actor, Some(request.request_id.as_str())).await? {
        let (key, to) = ("procedure-abandoned-flash", paths::procedure(id));
        form_request::done(&request.session, key, None, &to).await
    } else {
        let status = StatusCode::CONFLICT;
        refused(&state, &who, page, op, "procedure-refused-abandon", status).await
    }
}
