//! What is done to a case: a message in its conversation (Partner Care or the case's partner),
//! Partner Care taking it, and resolving it with an outcome. Each change is checked against
//! the case life cycle and audited into the partner's trail.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{CaseErrors, CaseForm, render, scope};
use crate::audit::Event;
use crate::db::cases;
use crate::domain::Role;
use crate::domain::case::{CaseOutcome, CaseState};
use crate::domain::note::Note;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::paths;
use crate::web::session::{CareUser, CurrentUser, PartnerUser};

#[derive(Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    body: String,
}

/// Adds a message to the conversation, as Partner Care or as the case's partner.
async fn add_note(
    user: &CurrentUser,
    request: FormRequest,
    id: i64,
    form: NoteForm,
) -> Result<Response, AppError> {
    let state = &request.state;
    let refuse = |page, status, errors, body| async move {
        let form = CaseForm {
            body,
            ..CaseForm::default()
        };
        let html = render(state, user, page, id, form, errors).await?;
        Ok::<_, AppError>((status, html).into_response())
    };
    let case = cases::find(&state.db, id, scope(user))
        .await?
        .ok_or(AppError::NotFound)?;
    let note = match Note::parse(&form.body) {
        Ok(note) => note,
        Err(e) => {
            let errors = CaseErrors {
                body: Some(e.0),
                ..CaseErrors::default()
            };
            return refuse(
                request.page,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                form.body,
            )
            .await;
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let resolved = cases::state_for_update(&mut tx, id).await?.as_deref() == Some("resolved");
    if resolved {
        drop(tx);
        let errors = CaseErrors {
            form: Some("case-refused-resolved"),
            ..CaseErrors::default()
        };
        return refuse(request.page, StatusCode::CONFLICT, errors, form.body).await;
    }
    let note_id = cases::add_note(&mut tx, id, user.id, note.as_str(), now).await?;
    let actor = user.actor();
    let event = Event::new(&actor, "case.note_added", "case", id)
        .partner(Some(case.partner_id))
        .after(serde_json::json!({ "note_id": note_id, "body": note.as_str() }))
        .request(Some(request.request_id.as_str()));
    let target = if user.role == Role::Partner {
        paths::partner_case(id)
    } else {
        paths::care_case(id)
    };
    form_request::finish(
        tx,
        now,
        event,
        &request.session,
        "case-done-note",
        None,
        &target,
    )
    .await
}

/// Partner Care's message in a case.
pub async fn care_note(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    add_note(&user.0, request, id, form).await
}

/// The partner's message in its own case.
pub async fn partner_note(
    user: PartnerUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    add_note(&user.user, request, id, form).await
}

/// Partner Care takes an open case.
pub async fn take(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let case = cases::find(&state.db, id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let current: Option<CaseState> = cases::state_for_update(&mut tx, id)
        .await?
        .and_then(|s| s.parse().ok());
    let allowed = current.is_some_and(|s| s.transition(CaseState::InProgress).is_ok());
    if !allowed || !cases::take(&mut tx, id, user.0.id).await? {
        drop(tx);
        let errors = CaseErrors {
            form: Some("case-refused-taken"),
            ..CaseErrors::default()
        };
        let html = render(state, &user.0, request.page, id, Default::default(), errors).await?;
        return Ok((StatusCode::CONFLICT, html).into_response());
    }
    form_request::finish(
        tx,
        now,
        Event::new(&user.0.actor(), "case.taken", "case", id)
            .partner(Some(case.partner_id))
            .before(serde_json::json!({ "state": "open" }))
            .after(serde_json::json!({ "state": "in_progress", "assignee": user.0.email }))
            .request(Some(request.request_id.as_str())),
        &request.session,
        "case-done-taken",
        None,
        &paths::care_case(id),
    )
    .await
}

#[derive(Default, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    body: String,
}

/// Partner Care resolves a case with an outcome, and optionally a last word to the partner.
pub async fn resolve(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let case = cases::find(&state.db, id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let outcome = CaseOutcome::parse(&form.outcome);
    let note = match form.body.trim() {
        "" => Ok(None),
        body => Note::parse(body).map(Some),
    };
    let (outcome, note) = match (outcome, note) {
        (Ok(outcome), Ok(note)) => (outcome, note),
        (outcome, note) => {
            let errors = CaseErrors {
                outcome: outcome.err().map(|e| e.0),
                resolve_body: note.err().map(|e| e.0),
                ..CaseErrors::default()
            };
            let form = CaseForm {
                outcome: form.outcome,
                resolve_body: form.body,
                ..CaseForm::default()
            };
            let html = render(state, &user.0, request.page, id, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let current: Option<CaseState> = cases::state_for_update(&mut tx, id)
        .await?
        .and_then(|s| s.parse().ok());
    let allowed = current.is_some_and(|s| s.transition(CaseState::Resolved).is_ok());
    if !allowed || !cases::resolve(&mut tx, id, user.0.id, outcome.as_str(), now).await? {
        drop(tx);
        let errors = CaseErrors {
            form: Some("case-refused-resolved"),
            ..CaseErrors::default()
        };
        let html = render(state, &user.0, request.page, id, Default::default(), errors).await?;
        return Ok((StatusCode::CONFLICT, html).into_response());
    }
    if let Some(note) = &note {
        cases::add_note(&mut tx, id, user.0.id, note.as_str(), now).await?;
    }
    form_request::finish(
        tx,
        now,
        Event::new(&user.0.actor(), "case.resolved", "case", id)
            .partner(Some(case.partner_id))
            .before(serde_json::json!({ "state": current.map(CaseState::as_str) }))
            .after(serde_json::json!({
                "state": "resolved",
                "outcome": outcome.as_str(),
                "note": note.as_ref().map(Note::as_str),
            }))
            .request(Some(request.request_id.as_str())),
        &request.session,
        "case-done-resolved",
        None,
        &paths::care_case(id),
    )
    .await
}
