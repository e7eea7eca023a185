//! What the partner does to its connection: request one (which generates the connection ID),
//! go live after checking, or report a problem to Partner Care. Each writes its audit row in
//! the same transaction as the change.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{ProblemForm, RequestForm, render};
use crate::audit::{self, Event};
use crate::db::cases::{self, NewCase};
use crate::db::connections::Connection;
use crate::db::onboarding::{self, NewRequest};
use crate::domain::case::CaseKind;
use crate::domain::connection::{ConnectionCode, ConnectionState};
use crate::domain::note::Note;
use crate::sync::catalogue;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::request_id::RequestId;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;

#[derive(Default, Deserialize)]
pub struct RequestFields {
    #[serde(default)]
    reservio_business_id: String,
    #[serde(default)]
    reservio_token: String,
}

/// An account name or token as typed: something, without spaces, not absurdly long.
fn credential(raw: &str, max: usize) -> Option<String> {
    let value = raw.trim();
    let ok = !value.is_empty() && value.len() <= max && !value.contains(char::is_whitespace);
    ok.then(|| value.to_string())
}

/// A fresh secret for the channel's signed notifications.
fn webhook_secret() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// Creates the `requested` connection with a fresh connection ID; `Err` names why not.
async fn create_request(
    state: &AppState,
    user: &PartnerUser,
    request_id: &RequestId,
    business: &str,
    token: &str,
    sandbox: bool,
) -> Result<Result<ConnectionCode, &'static str>, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if onboarding::in_setup_count(&mut tx, user.partner_id).await? > 0 {
        return Ok(Err("connection-refused-pending"));
    }
    // 31^10 codes make a clash all but impossible; checking first keeps a clash from aborting
    // the transaction on PostgreSQL.
    let mut code = ConnectionCode::generate(&mut rand::rng());
    for _ in 0..5 {
        if !onboarding::code_taken(&mut tx, code.as_str()).await? {
            break;
        }
        code = ConnectionCode::generate(&mut rand::rng());
    }
    let id = onboarding::insert_request(
        &mut tx,
        &NewRequest {
            partner_id: user.partner_id,
            code: code.as_str(),
            reservio_business_id: business,
            reservio_token: token,
            webhook_secret: &webhook_secret(),
            requested_by: &user.user.email,
            // A real calendar is observed until the sales rep switches it to live; the demo's
            // sandbox calendar starts live (its sales rep page still offers the choice).
            observe: !sandbox,
        },
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        Event::new(&user.user.actor(), "connection.requested", "connection", id)
            .partner(Some(user.partner_id))
            .after(serde_json::json!({
                "state": ConnectionState::Requested.as_str(),
                "code": code.as_str(),
                "reservio_business_id": business,
                "sandbox": sandbox,
                "mode": if sandbox { "live" } else { "observe" },
            }))
            .request(Some(request_id.as_str())),
    )?;
    tx.commit().await?;
    Ok(Ok(code))
}

/// Answers a successful request: the new ID in a flash, back to the page.
async fn requested(session: &Session, code: ConnectionCode) -> Result<Response, AppError> {
    let (key, value) = ("connection-done-requested", Some(code.as_str().to_string()));
    form_request::done(session, key, value, paths::CONNECTION).await
}

async fn refuse_request(
    state: &AppState,
    user: &PartnerUser,
    page: Page,
    status: StatusCode,
    form: RequestForm,
) -> Result<Response, AppError> {
    let html = render(state, user, page, form, ProblemForm::default()).await?;
    Ok((status, html).into_response())
}

/// The partner asks for a connection with its Reservio business and API token.
pub async fn request(
    user: PartnerUser,
    request: FormRequest,
    Form(fields): Form<RequestFields>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let business = credential(&fields.reservio_business_id, 100);
    let token = credential(&fields.reservio_token, 200);
    let mut form = RequestForm {
        reservio_business_id: fields.reservio_business_id.trim().to_string(),
        business_error: business.is_none().then_some("connection-error-business"),
        token_error: token.is_none().then_some("connection-error-token"),
        form_error: None,
    };
    let (Some(business), Some(token)) = (business, token) else {
        return refuse_request(&state, &user, page, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    };
    // Try the business before keeping it: a typo shows now, not as a sync error later.
    if let Some(sync) = &state.sync {
        let trial = Connection {
            id: 0,
            partner_id: user.partner_id,
            connection_code: String::new(),
            reservio_business_id: Some(business.clone()),
            termino_partner_id: None,
            reservio_token: Some(token.clone()),
            termino_token: None,
            webhook_secret: String::new(),
            state: ConnectionState::Requested.as_str().to_string(),
            last_synced_at: None,
            last_sync_error: None,
            reservio_profile: None,
            credentials_expired_at: None,
            observe: 0,
        };
        if let Err(e) = catalogue::services(sync.connector.as_ref(), &trial).await {
            tracing::info!(partner = user.partner_id, error = %e, "a Reservio account did not answer");
            form.form_error = Some("connection-error-unreachable");
            return refuse_request(&state, &user, page, StatusCode::UNPROCESSABLE_ENTITY, form)
                .await;
        }
    }
    let request_id = &request.request_id;
    match create_request(&state, &user, request_id, &business, &token, false).await? {
        Ok(code) => requested(&request.session, code).await,
        Err(key) => {
            form.form_error = Some(key);
            refuse_request(&state, &user, page, StatusCode::CONFLICT, form).await
        }
    }
}

/// The demo's helper: a fresh sandbox calendar business, and the request made with it.
pub async fn request_sandbox(
    user: PartnerUser,
    request: FormRequest,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let Some(sandbox) = state.sandbox.clone() else {
        return Err(AppError::NotFound);
    };
    let account = sandbox
        .new_business()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("sandbox business: {e}")))?;
    let request_id = &request.request_id;
    match create_request(&state, &user, request_id, &account.id, &account.token, true).await? {
        Ok(code) => requested(&request.session, code).await,
        Err(key) => {
            let form = RequestForm {
                form_error: Some(key),
                ..RequestForm::default()
            };
            refuse_request(&state, &user, page, StatusCode::CONFLICT, form).await
        }
    }
}

/// "Everything matches — go live": `verifying → active`.
pub async fn go_live(
    user: PartnerUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let c = onboarding::find(&state.db, id, Some(user.partner_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let from = c.state();
    let refused = |page: Page| {
        let form = ProblemForm {
            connection_id: id,
            description: String::new(),
            error: Some("connection-refused-state"),
        };
        let (state, user) = (state.clone(), user.clone());
        async move {
            let html = render(&state, &user, page, RequestForm::default(), form).await?;
            Ok::<_, AppError>((StatusCode::CONFLICT, html).into_response())
        }
    };
    let Ok(to) = from.transition(ConnectionState::Active) else {
        return refused(page).await;
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !onboarding::set_state(&mut tx, id, from, to, &user.user.email, now).await? {
        drop(tx);
        return refused(page).await;
    }
    let actor = user.user.actor();
    let event = Event::new(&actor, "connection.went_live", "connection", id)
        .partner(Some(user.partner_id))
        .before(serde_json::json!({ "state": from.as_str() }))
        .after(serde_json::json!({ "state": to.as_str() }))
        .request(Some(request.request_id.as_str()));
    let (session, key) = (&request.session, "connection-done-live");
    let done = form_request::finish(tx, now, event, session, key, None, paths::CONNECTION).await?;
    state.sync_soon(id);
    Ok(done)
}

#[derive(Default, Deserialize)]
pub struct ProblemFields {
    #[serde(default)]
    description: String,
}

/// "Report a problem": opens a Partner Care case; the connection stays in verification.
pub async fn report_problem(
    user: PartnerUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(fields): Form<ProblemFields>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let c = onboarding::find(&state.db, id, Some(user.partner_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let refuse = |status: StatusCode, key: &'static str, page: Page, description: String| {
        let form = ProblemForm {
            connection_id: id,
            description,
            error: Some(key),
        };
        let state = state.clone();
        let user = user.clone();
        async move {
            let html = render(&state, &user, page, RequestForm::default(), form).await?;
            Ok::<_, AppError>((status, html).into_response())
        }
    };
    let description = match Note::parse(&fields.description) {
        Ok(note) => note,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refuse(status, e.0, page, fields.description).await;
        }
    };
    if c.state() != ConnectionState::Verifying {
        let key = "connection-refused-state";
        return refuse(StatusCode::CONFLICT, key, page, fields.description).await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let case_id = cases::insert(
        &mut tx,
        &NewCase {
            partner_id: user.partner_id,
            link_id: None,
            connection_id: Some(id),
            kind: CaseKind::ConnectionProblem.as_str(),
            reason: description.as_str(),
            proposal: "",
            opened_by: user.user.id,
        },
        now,
    )
    .await?;
    let actor = user.user.actor();
    let request_id = Some(request.request_id.as_str());
    audit::append(
        &mut tx,
        now,
        Event::new(&actor, "case.opened", "case", case_id)
            .partner(Some(user.partner_id))
            .after(serde_json::json!({
                "kind": CaseKind::ConnectionProblem.as_str(),
                "connection_id": id,
                "reason": description.as_str(),
            }))
            .request(request_id),
    )?;
    let reported = Event::new(&actor, "connection.problem_reported", "connection", id)
        .partner(Some(user.partner_id))
        .after(serde_json::json!({ "case_id": case_id, "state": c.state }))
        .request(request_id);
    let (key, value) = ("connection-done-problem", Some(format!("#{case_id}")));
    let session = &request.session;
    form_request::finish(tx, now, reported, session, key, value, paths::CONNECTION).await
}
