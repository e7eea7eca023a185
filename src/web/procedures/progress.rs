//! `GET /procedures/{id}`: one procedure's progress, step by step, refreshing itself with htmx
//! every second until it is over. Its retry and abandon actions are in [`super::actions`].

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::Value;

use super::labels::{
    check_key, kind_key, procedure_state, procedure_state_css, procedure_state_key, step_key,
    waiting_key,
};
use super::{booking_title, engine};
use crate::db::procedures::{self, ProcedureRow, StepRow};
use crate::db::{connections, links, users};
use crate::domain::procedure::{self, Params, ProcedureKind, ProcedureState, Step};
use crate::web::care::is_htmx;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::page::{Flash, FlashKind, Page};
use crate::web::paths;
use crate::web::session::BookingUser;
use crate::web::state::AppState;

/// Where one step stands, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    Pending,
    Running,
    Waiting,
    Done,
    Skipped,
    Failed,
    /// The procedure was abandoned before the step ran.
    NotDone,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Running => "running",
            StepState::Waiting => "waiting",
            StepState::Done => "done",
            StepState::Skipped => "skipped",
            StepState::Failed => "failed",
            StepState::NotDone => "not_done",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            StepState::Pending => "step-state-pending",
            StepState::Running => "step-state-running",
            StepState::Waiting => "step-state-waiting",
            StepState::Done => "step-state-done",
            StepState::Skipped => "step-state-skipped",
            StepState::Failed => "step-state-failed",
            StepState::NotDone => "step-state-not-done",
        }
    }

    /// The badge class.
    pub fn css(self) -> &'static str {
        match self {
            StepState::Done => "ok",
            StepState::Failed => "bad",
            StepState::Running | StepState::Waiting => "warn",
            StepState::Pending | StepState::Skipped | StepState::NotDone => "muted-badge",
        }
    }
}

/// One step of the procedure on the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    /// The stored step name, for scripts and tests.
    pub name: String,
    pub label_key: &'static str,
    pub state: StepState,
    /// Why it was skipped, what it waits for, or that it failed (a catalogue key).
    pub note_key: Option<&'static str>,
    /// The engine's own words about a wait or a failure.
    pub detail: Option<String>,
    pub finished_at: Option<i64>,
}

impl StepView {
    /// Whether the page offers "retry from this step" here.
    pub fn retryable(&self) -> bool {
        self.state == StepState::Failed
    }
}

/// What the page makes of a stored step, given the procedure's state and its current step.
pub fn step_view(op: ProcedureState, current: i64, s: &StepRow) -> StepView {
    let step = s.name.parse::<Step>().ok();
    let label_key = step.map_or("procedure-step-unknown", step_key);
    let error = s.error.clone().filter(|e| !e.is_empty());
    let (state, note_key, detail) = match s.state.as_str() {
        "done" => (StepState::Done, None, None),
        "skipped" => {
            let reason = s
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str::<Value>(r).ok())
                .and_then(|v| v["skip"].as_str().map(str::to_owned));
            (StepState::Skipped, Some(skip_key(reason.as_deref())), None)
        }
        "failed" => (StepState::Failed, Some("procedure-step-failed"), error),
        "running" => (StepState::Running, None, None),
        _ if op == ProcedureState::Abandoned => (StepState::NotDone, None, None),
        _ if s.position == current && op == ProcedureState::Waiting => {
            let retrying = error
                .as_deref()
                .is_some_and(|e| e.ends_with("trying again"));
            let held = match error.as_deref() {
                Some(procedure::HELD_OBSERVE) => Some("procedure-would-do"),
                Some(procedure::HELD_CREDENTIALS) => Some("procedure-held-credentials"),
                Some(procedure::MOVE_BY_HAND) => Some("procedure-move-by-hand"),
                _ => None,
            };
            let key = if let Some(held) = held {
                held
            } else if retrying {
                "procedure-retrying"
            } else {
                step.map_or("procedure-waiting", waiting_key)
            };
            // A hold says all there is to say in the page's language.
            let detail = if held.is_some() { None } else { error };
            (StepState::Waiting, Some(key), detail)
        }
        _ if s.position == current && op == ProcedureState::Running => {
            (StepState::Running, None, None)
        }
        _ => (StepState::Pending, None, None),
    };
    StepView {
        name: s.name.clone(),
        label_key,
        state,
        note_key,
        detail,
        finished_at: s.finished_at,
    }
}

/// The catalogue key of a skip reason the plan recorded; only known keys are shown.
fn skip_key(reason: Option<&str>) -> &'static str {
    match reason {
        Some("step-skip-no_termino") => "step-skip-no_termino",
        Some("step-skip-voucher_cancelled") => "step-skip-voucher_cancelled",
        Some("step-skip-no_reservio") => "step-skip-no_reservio",
        Some("step-skip-reservio_cancelled") => "step-skip-reservio_cancelled",
        _ => "step-skip-unknown",
    }
}

/// A case the page links to: its number and where it is for the reader.
#[derive(Clone, Debug)]
pub struct CaseLink {
    pub id: i64,
    pub url: String,
}

/// One procedure's page; its `progress` block is the fragment that refreshes itself.
#[derive(Template)]
#[template(path = "procedures/progress.html", blocks = ["progress"])]
pub struct ProcedurePage {
    page: Page,
    op: ProcedureRow,
    kind: Option<ProcedureKind>,
    state: ProcedureState,
    steps: Vec<StepView>,
    started_by: Option<String>,
    booking: String,
    /// What was asked for, e.g. the reason or the new time: (label key, value).
    details: Vec<(&'static str, String)>,
    /// The Partner Care case this procedure settles.
    settles: Option<CaseLink>,
    /// The case an escalation opened.
    opened: Option<CaseLink>,
    connected: bool,
    /// Whether the booking's connection still syncs; when it does not, nothing but
    /// abandoning is offered.
    connection_syncs: bool,
}

impl ProcedurePage {
    fn kind_key(&self) -> &'static str {
        self.kind.map_or("procedure-kind-unknown", kind_key)
    }

    fn check_key(&self) -> Option<&'static str> {
        self.kind.map(check_key)
    }

    fn state_key(&self) -> &'static str {
        procedure_state_key(self.state)
    }

    fn state_css(&self) -> &'static str {
        procedure_state_css(self.state)
    }

    /// The progress refreshes itself until nothing more can happen to it.
    fn polling(&self) -> bool {
        !self.state.is_final()
    }

    fn completed(&self) -> bool {
        self.state == ProcedureState::Completed
    }

    fn abandoned(&self) -> bool {
        self.state == ProcedureState::Abandoned
    }

    fn failed(&self) -> bool {
        self.state == ProcedureState::Failed
    }

    fn can_abandon(&self) -> bool {
        matches!(
            self.state,
            ProcedureState::Pending | ProcedureState::Waiting | ProcedureState::Failed
        )
    }

    fn url(&self) -> String {
        paths::procedure(self.op.id)
    }

    /// Whether "retry from this step" is offered at step `s`: only where the retry could run.
    fn offers_retry(&self, s: &StepView) -> bool {
        s.retryable() && self.connected && self.connection_syncs
    }

    /// The procedure cannot go on because its connection no longer syncs.
    fn connection_ended(&self) -> bool {
        !self.connection_syncs && !self.state.is_final()
    }
}

fn case_link(who: &BookingUser, id: i64) -> CaseLink {
    let url = if who.is_care() {
        paths::care_case(id)
    } else {
        paths::partner_case(id)
    };
    CaseLink { id, url }
}

/// Procedure `id` if the user may see it; another partner's is not found.
pub(super) async fn procedure_for(
    state: &AppState,
    who: &BookingUser,
    id: i64,
) -> Result<ProcedureRow, AppError> {
    match procedures::find(&state.db, id).await? {
        Some(op) if who.may_see(op.partner_id) => Ok(op),
        _ => Err(AppError::NotFound),
    }
}

/// What was asked for, in the reader's words.
async fn details(
    state: &AppState,
    page: &Page,
    op: &ProcedureRow,
    connection_id: Option<i64>,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let when = |start: i64, end: i64| format!("{} – {}", page.datetime(start), page.time(end));
    let Ok(params) = serde_json::from_str::<Params>(&op.params) else {
        return Ok(vec![]);
    };
    Ok(match params {
        Params::Cancel { reason } => vec![("procedure-params-reason", reason)],
        Params::Reschedule { start_at, end_at } => {
            vec![("procedure-params-new-time", when(start_at, end_at))]
        }
        Params::ChangeService {
            service_id,
            start_at,
            end_at,
            ..
        } => {
            let mappings = match connection_id {
                Some(id) => connections::mappings(&state.db, id).await?,
                None => vec![],
            };
            let name = mappings
                .into_iter()
                .find(|m| m.reservio_service_id == service_id)
                .map_or(service_id, |m| m.reservio_service_name);
            vec![
                ("procedure-params-new-service", name),
                ("procedure-params-new-time", when(start_at, end_at)),
            ]
        }
        Params::Escalate { reason, proposal } => {
            let mut lines = vec![("procedure-params-reason", reason)];
            if !proposal.is_empty() {
                lines.push(("procedure-params-proposal", proposal));
            }
            lines
        }
    })
}

async fn load(
    state: &AppState,
    who: &BookingUser,
    page: Page,
    op: ProcedureRow,
) -> Result<ProcedurePage, AppError> {
    let op_state = procedure_state(&op.state);
    let rows = procedures::steps(&state.db, op.id).await?;
    let steps = rows
        .iter()
        .map(|s| step_view(op_state, op.current_step, s))
        .collect();
    let opened = rows
        .iter()
        .filter(|s| s.name == Step::OpenCase.as_str() && s.state == "done")
        .filter_map(|s| s.result.as_deref())
        .filter_map(|r| serde_json::from_str::<Value>(r).ok())
        .find_map(|v| v["case_id"].as_i64())
        .map(|id| case_link(who, id));
    let link = links::find_row(&state.db, op.link_id).await?;
    let started_by = match op.started_by {
        Some(id) => users::find(&state.db, id).await?.map(|u| u.email),
        None => None,
    };
    let details = details(state, &page, &op, link.as_ref().map(|l| l.connection_id)).await?;
    Ok(ProcedurePage {
        kind: op.kind.parse().ok(),
        state: op_state,
        steps,
        started_by,
        booking: link
            .as_ref()
            .map_or_else(|| format!("#{}", op.link_id), booking_title),
        details,
        settles: op.case_id.map(|id| case_link(who, id)),
        opened,
        connected: engine(state).is_some(),
        connection_syncs: crate::sync::procedure::connection_syncs(&state.db, op.link_id).await?,
        op,
        page,
    })
}

fn respond(view: ProcedurePage, fragment: bool, status: StatusCode) -> Result<Response, AppError> {
    let html = if fragment {
        view.as_progress().render()
    } else {
        view.render()
    }
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("rendering a procedure")))?;
    Ok((status, Html(html)).into_response())
}

/// The whole page with a refusal shown as a message, answered with `status`.
pub(super) async fn refused(
    state: &AppState,
    who: &BookingUser,
    mut page: Page,
    op: ProcedureRow,
    key: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    page.flashes.push(Flash {
        kind: FlashKind::Error,
        key: key.to_string(),
        value: None,
    });
    respond(load(state, who, page, op).await?, false, status)
}

/// One procedure's progress.
pub async fn show(
    State(state): State<AppState>,
    who: BookingUser,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let op = procedure_for(&state, &who, id).await?;
    let view = load(&state, &who, page, op).await?;
    respond(view, is_htmx(&headers), StatusCode::OK)
}

/// The page's address from before procedures had one name: sends the visitor to it.
pub async fn moved(_who: BookingUser, Path(id): Path<i64>) -> Redirect {
    Redirect::permanent(&paths::procedure(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(position: i64, name: &str, state: &str, error: Option<&str>) -> StepRow {
        StepRow {
            id: position + 1,
            procedure_id: 1,
            position,
            name: name.into(),
            state: state.into(),
            attempts: 0,
            result: (state == "skipped")
                .then(|| r#"{"skip":"step-skip-voucher_cancelled"}"#.to_string()),
            error: error.map(str::to_string),
            started_at: None,
            finished_at: None,
        }
    }

    #[test]
    fn a_skipped_step_says_why() {
        let v = step_view(
            ProcedureState::Running,
            2,
            &step(0, "cancel_voucher", "skipped", None),
        );
        assert_eq!(v.state, StepState::Skipped);
        assert_eq!(v.note_key, Some("step-skip-voucher_cancelled"));
        assert_eq!(v.label_key, "step-cancel_voucher");
    }

    #[test]
    fn the_current_step_of_a_waiting_procedure_waits_with_its_reason() {
        let s = step(
            1,
            "confirm_voucher_cancelled",
            "pending",
            Some("waiting for Termino to confirm the cancellation"),
        );
        let v = step_view(ProcedureState::Waiting, 1, &s);
        assert_eq!(v.state, StepState::Waiting);
        assert_eq!(
            v.note_key,
            Some("procedure-waiting-confirm_voucher_cancelled")
        );
        assert!(v.detail.is_some());
        // A later step of the same procedure is simply still to do.
        let later = step_view(
            ProcedureState::Waiting,
            1,
            &step(2, "cancel_reservio", "pending", None),
        );
        assert_eq!(later.state, StepState::Pending);
    }

    #[test]
    fn a_transient_error_reads_as_trying_again() {
        let s = step(
            0,
            "cancel_voucher",
            "pending",
            Some("timeout; trying again"),
        );
        let v = step_view(ProcedureState::Waiting, 0, &s);
        assert_eq!(v.note_key, Some("procedure-retrying"));
    }

    #[test]
    fn a_failed_step_offers_the_retry_and_shows_the_error() {
        let s = step(2, "cancel_reservio", "failed", Some("Reservio refused"));
        let v = step_view(ProcedureState::Failed, 2, &s);
        assert!(v.retryable());
        assert_eq!(v.detail.as_deref(), Some("Reservio refused"));
    }

    #[test]
    fn steps_left_when_abandoned_were_not_done() {
        let v = step_view(
            ProcedureState::Abandoned,
            1,
            &step(3, "verify_cancelled", "pending", None),
        );
        assert_eq!(v.state, StepState::NotDone);
        assert!(!v.retryable());
    }

    #[test]
    fn an_unknown_step_or_skip_reason_is_named_as_such() {
        let mut s = step(0, "teleport", "skipped", None);
        s.result = Some(r#"{"skip":"because"}"#.into());
        let v = step_view(ProcedureState::Completed, 5, &s);
        assert_eq!(v.label_key, "procedure-step-unknown");
        assert_eq!(v.note_key, Some("step-skip-unknown"));
    }
}
