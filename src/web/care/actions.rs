//! What Partner Care does to a mismatch: assign it to themselves, acknowledge it, resolve it
//! with a note — one at a time or (assign, acknowledge) in bulk. Every change is checked
//! against the mismatch life cycle, written with its audit row in one transaction, and refused
//! with a clear message when someone else got there first.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::filters::QueueParams;
use super::{Notice, detail, queue_with_notice, render_queue};
use crate::audit::{self, Event};
use crate::db::links;
use crate::db::read::care_queue;
use crate::db::{Tx, accepted, mismatches};
use crate::domain::MismatchState;
use crate::domain::mismatch::MismatchKind;
use crate::domain::note::Note;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::page::{FlashKind, flash};
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::session::CareUser;
use crate::web::state::AppState;

/// What a person does to one mismatch.
#[derive(Clone, Debug)]
enum Action {
    Assign,
    Acknowledge,
    Resolve(Note),
}

/// How an action went; a refusal names the message that says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Applied {
    Done,
    Refused(&'static str),
}

/// Applies `action` to mismatch `id` inside `tx`, with its audit row. `None` when there is no
/// such mismatch.
async fn apply(
    tx: &mut Tx,
    user: &CareUser,
    request_id: &RequestId,
    id: i64,
    action: &Action,
    now: i64,
) -> Result<Option<Applied>, AppError> {
    let Some(m) = care_queue::find_for_update(tx, id).await? else {
        return Ok(None);
    };
    let current: MismatchState = m
        .state
        .parse()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let me = &user.0;
    let actor = me.actor();
    let event = |name| {
        Event::new(&actor, name, "mismatch", id)
            .partner(Some(m.partner_id))
            .request(Some(request_id.as_str()))
    };
    let applied = match action {
        Action::Assign => {
            if current.is_final() {
                return Ok(Some(Applied::Refused("care-refused-resolved")));
            }
            if m.assignee_id == Some(me.id) {
                return Ok(Some(Applied::Refused("care-refused-already-yours")));
            }
            let done = mismatches::assign(tx, id, current.as_str(), me.id).await?;
            if done {
                let e = event("mismatch.assigned")
                    .before(serde_json::json!({ "assignee": m.assignee_email }))
                    .after(serde_json::json!({ "assignee": me.email }));
                audit::append(tx, now, e)?;
            }
            done
        }
        Action::Acknowledge => {
            if current.transition(MismatchState::Acknowledged).is_err() {
                return Ok(Some(Applied::Refused(refusal(current))));
            }
            let done = mismatches::acknowledge(tx, id, me.id, now).await?;
            if done {
                let e = event("mismatch.acknowledged")
                    .before(serde_json::json!({ "state": current.as_str() }))
                    .after(serde_json::json!({
                        "state": MismatchState::Acknowledged.as_str(),
                        "assignee": m.assignee_email.as_deref().unwrap_or(&me.email),
                    }));
                audit::append(tx, now, e)?;
            }
            done
        }
        Action::Resolve(note) => {
            if current.transition(MismatchState::Resolved).is_err() {
                return Ok(Some(Applied::Refused(refusal(current))));
            }
            let done = mismatches::resolve(tx, id, &me.email, note.as_str(), now).await?;
            if done {
                let e = event("mismatch.resolved")
                    .before(serde_json::json!({ "state": current.as_str() }))
                    .after(serde_json::json!({
                        "state": MismatchState::Resolved.as_str(),
                        "note": note.as_str(),
                    }));
                audit::append(tx, now, e)?;
            }
            done
        }
    };
    // A conditional update that matched nothing: the row changed since we read it.
    Ok(Some(if applied {
        Applied::Done
    } else {
        Applied::Refused("care-refused-changed")
    }))
}

/// Why a state change from `current` is refused.
fn refusal(current: MismatchState) -> &'static str {
    match current {
        MismatchState::Resolved => "care-refused-resolved",
        MismatchState::Acknowledged => "care-refused-acknowledged",
        MismatchState::Open => "care-refused-changed",
    }
}

/// The fields of the small action forms. `back` is the queue's query string to return to;
/// `from` is `detail` when the form sits on the mismatch's own page.
#[derive(Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    from: String,
}

/// Runs one action and answers: the queue fragment for htmx, else a flash and a redirect.
async fn act(
    user: &CareUser,
    request: FormRequest,
    id: i64,
    action: Action,
    form: &ActionForm,
    done_key: &'static str,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let applied = apply(&mut tx, user, &request.request_id, id, &action, now)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let (kind, key, status) = match applied {
        Applied::Done => (FlashKind::Success, done_key, StatusCode::OK),
        Applied::Refused(key) => (FlashKind::Error, key, StatusCode::CONFLICT),
    };
    let number = format!("#{id}");
    let on_detail = form.from == "detail";
    if !on_detail && request.htmx.fragment {
        let text = page.t_value(key, &number);
        let notice = Notice { kind, text };
        return queue_with_notice(state, user, page, &form.back, status, notice).await;
    }
    if let Applied::Refused(key) = applied {
        // Said where it was asked, with a status that tells it was refused.
        let html = if on_detail {
            detail::render(
                state,
                page,
                id,
                String::new(),
                detail::FormErrors::form(key),
            )
            .await?
        } else {
            let text = page.t_value(key, &number);
            let params = QueueParams::from_query(&form.back);
            let notice = Some(Notice { kind, text });
            render_queue(state, user, page, params, false, notice).await?
        };
        return Ok((status, html).into_response());
    }
    flash(&request.session, kind, key, Some(number)).await?;
    let target = if form.from == "detail" {
        paths::care_mismatch(id)
    } else {
        queue_at(&form.back)
    };
    Ok(Redirect::to(&target).into_response())
}

/// The queue's address with `back`, the query string of the view the reader acted from.
fn queue_at(back: &str) -> String {
    if back.is_empty() {
        paths::CARE_MISMATCHES.to_string()
    } else {
        format!("{}?{}", paths::CARE_MISMATCHES, back)
    }
}

pub async fn assign(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let done = "care-done-assigned";
    act(&user, request, id, Action::Assign, &form, done).await
}

pub async fn acknowledge(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let (action, done) = (Action::Acknowledge, "care-done-acknowledged");
    act(&user, request, id, action, &form, done).await
}

#[derive(Default, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub note: String,
}

/// Resolves with a note; an empty note is shown next to the field, on the mismatch's page.
pub async fn resolve(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let note = match Note::parse(&form.note) {
        Ok(note) => note,
        Err(e) => {
            let errors = detail::FormErrors::note(e.0);
            let html = detail::render(state, page, id, form.note, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let now = state.clock.now();
    // A note does not make two systems agree: the next sync would flag the same again.
    if still_differs_now(state, id, now).await? {
        let errors = detail::FormErrors::form("care-refused-still-differs");
        let html = detail::render(state, page, id, form.note, errors).await?;
        return Ok((StatusCode::CONFLICT, html).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    let resolve = Action::Resolve(note);
    let applied = apply(&mut tx, &user, &request.request_id, id, &resolve, now)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    match applied {
        Applied::Done => {
            let (number, to) = (Some(format!("#{id}")), paths::care_mismatch(id));
            form_request::done(&request.session, "care-done-resolved", number, &to).await
        }
        Applied::Refused(key) => {
            let errors = detail::FormErrors::form(key);
            let html = detail::render(state, page, id, form.note, errors).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

/// Whether mismatch `id` is unresolved and its difference still stands.
async fn still_differs_now(state: &AppState, id: i64, now: i64) -> Result<bool, AppError> {
    let Some(m) = care_queue::find(&state.db, id).await? else {
        return Ok(false);
    };
    let (Some(row), Ok(kind)) = (
        links::find_row(&state.db, m.link_id).await?,
        m.kind.parse::<MismatchKind>(),
    ) else {
        return Ok(false);
    };
    if m.state == "resolved" {
        return Ok(false);
    }
    detail::still_differs(state, &row, kind, now).await
}

#[derive(Default, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub reason: String,
}

/// Accepts the difference on purpose, with a reason: the mismatch is resolved and exactly this
/// difference stays silent until either side changes again.
pub async fn accept(
    user: CareUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let reason = match Note::parse(&form.reason) {
        Ok(reason) => reason,
        Err(e) => {
            let errors = detail::FormErrors::note(e.0);
            let html = detail::render(state, page, id, form.reason, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let m = care_queue::find_for_update(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = &user.0;
    let accepted = m.state != "resolved"
        && accepted::accept(
            &mut tx,
            &accepted::Acceptance {
                link_id: m.link_id,
                kind: &m.kind,
                reason: reason.as_str(),
                mismatch_id: id,
                accepted_by: me.id,
            },
            now,
        )
        .await?
        && mismatches::resolve(&mut tx, id, &me.email, reason.as_str(), now).await?;
    if !accepted {
        tx.rollback().await?;
        let errors = detail::FormErrors::form("care-refused-changed");
        let html = detail::render(state, page, id, form.reason, errors).await?;
        return Ok((StatusCode::CONFLICT, html).into_response());
    }
    let actor = me.actor();
    let event = Event::new(&actor, "mismatch.accepted", "mismatch", id)
        .partner(Some(m.partner_id))
        .request(Some(request.request_id.as_str()))
        .before(serde_json::json!({ "state": m.state }))
        .after(serde_json::json!({
            "state": MismatchState::Resolved.as_str(),
            "kind": m.kind,
            "accepted": true,
            "reason": reason.as_str(),
        }));
    let number = Some(format!("#{id}"));
    let to = paths::care_mismatch(id);
    let key = "care-done-accepted";
    form_request::finish(tx, now, event, &request.session, key, number, &to).await
}

/// Bulk actions on the rows ticked in the queue.
pub async fn bulk(
    user: CareUser,
    request: FormRequest,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let back = field("back").to_string();
    let (action, done_key) = match field("action") {
        "acknowledge" => (Action::Acknowledge, "care-bulk-acknowledged"),
        "assign" => (Action::Assign, "care-bulk-assigned"),
        _ => return Err(AppError::BadRequest("error-form-malformed")),
    };
    let ids: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::BadRequest("error-form-malformed"))?;
    let mut messages: Vec<(FlashKind, &'static str, String)> = vec![];
    if ids.is_empty() {
        messages.push((FlashKind::Error, "care-bulk-none", String::new()));
    } else {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let (mut done, mut skipped) = (0_i64, 0_i64);
        for id in &ids {
            match apply(&mut tx, &user, &request.request_id, *id, &action, now).await? {
                Some(Applied::Done) => done += 1,
                _ => skipped += 1,
            }
        }
        tx.commit().await?;
        messages.push((FlashKind::Success, done_key, done.to_string()));
        if skipped > 0 {
            messages.push((FlashKind::Info, "care-bulk-skipped", skipped.to_string()));
        }
    }
    if request.htmx.fragment {
        let text = messages
            .iter()
            .map(|(_, key, value)| page.t_value(key, value))
            .collect::<Vec<_>>()
            .join(" ");
        let kind = messages.first().map_or(FlashKind::Info, |m| m.0);
        let status = if ids.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        let notice = Notice { kind, text };
        return queue_with_notice(state, &user, page, &back, status, notice).await;
    }
    for (kind, key, value) in messages {
        flash(&request.session, kind, key, Some(value)).await?;
    }
    Ok(Redirect::to(&queue_at(&back)).into_response())
}
