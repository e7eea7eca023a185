//! `GET|POST /bookings/{id}/procedures/{kind}`: a procedure's start form. Before anything
//! starts it shows what will happen — the planned steps, the skipped ones with the reason, the
//! FAQ rule — or why it cannot start; the post checks the form, starts the procedure and sends
//! the reader to its progress.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::{FieldErrors, ProcedureForm, ServiceChoice, to_params};
use super::labels::{kind_key, rule_key, step_key, submit_key};
use super::slots::{self, SlotQuery, SlotsView};
use super::{booking_for, booking_title, engine, partner_zone};
use crate::db::links::LinkRow;
use crate::db::{cases, connections, procedures};
use crate::domain::System;
use crate::domain::procedure::{PlannedStep, ProcedureKind};
use crate::i18n::format::local_date;
use crate::sync::procedure::{self, StartError, Starter};
use crate::web::bookings::row::system_key;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path, Query};
use crate::web::form_request::FormRequest;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::BookingUser;
use crate::web::state::AppState;

/// Why the form is not offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// This server has no connection to the booking systems.
    NotConnected,
    /// The plan refuses this booking (a catalogue key with the reason).
    Refused(&'static str),
    /// Another procedure is under way on the booking.
    Active(i64),
}

/// A problem with the form as a whole, shown above it.
#[derive(Clone, Debug, Default)]
pub struct FormProblem {
    pub key: Option<&'static str>,
    /// Where the open case that blocks an escalation is.
    pub case_url: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "procedures/start.html")]
pub struct StartPage {
    page: Page,
    link_id: i64,
    title: String,
    kind: ProcedureKind,
    blocked: Option<Blocked>,
    plan: Vec<PlannedStep>,
    form: ProcedureForm,
    errors: FieldErrors,
    problem: FormProblem,
    /// The Partner Care case this procedure settles.
    case_id: Option<i64>,
    /// The booking's own Reservio service and its name.
    own_service: String,
    own_service_name: Option<String>,
    /// The services a service change may pick (the booking's own left out).
    services: Vec<ServiceChoice>,
    slots: SlotsView,
    /// The customer has used their one self-reschedule (FAQ rule 3).
    self_rescheduled: bool,
    origin_key: &'static str,
    /// The first day a slot may be chosen, `YYYY-MM-DD`.
    today: String,
}

impl StartPage {
    fn name_key(&self) -> &'static str {
        kind_key(self.kind)
    }

    fn rule_key(&self) -> &'static str {
        rule_key(self.kind)
    }

    fn submit_key(&self) -> &'static str {
        submit_key(self.kind)
    }

    fn step_key(&self, step: &PlannedStep) -> &'static str {
        step_key(step.step)
    }

    fn action(&self) -> String {
        paths::booking_procedure(self.link_id, self.kind.as_str())
    }

    fn slots_url(&self) -> String {
        paths::booking_slots(self.link_id)
    }

    fn blocked_key(&self) -> Option<&'static str> {
        match self.blocked? {
            Blocked::NotConnected => Some("procedure-not-connected"),
            Blocked::Refused(key) => Some(key),
            Blocked::Active(_) => Some("procedure-active"),
        }
    }

    fn active_procedure(&self) -> Option<i64> {
        match self.blocked? {
            Blocked::Active(id) => Some(id),
            _ => None,
        }
    }

    fn wants_reason(&self) -> bool {
        matches!(self.kind, ProcedureKind::Cancel | ProcedureKind::Escalate)
    }

    fn reason_hint_key(&self) -> &'static str {
        match self.kind {
            ProcedureKind::Escalate => "procedure-reason-hint-escalate",
            _ => "procedure-reason-hint-cancel",
        }
    }

    fn is_escalation(&self) -> bool {
        self.kind == ProcedureKind::Escalate
    }

    fn wants_slot(&self) -> bool {
        matches!(
            self.kind,
            ProcedureKind::Reschedule | ProcedureKind::ChangeService
        )
    }

    fn is_service_change(&self) -> bool {
        self.kind == ProcedureKind::ChangeService
    }

    fn is_reschedule(&self) -> bool {
        self.kind == ProcedureKind::Reschedule
    }

    /// The fields the date input sends along when it loads the slots.
    fn slots_include(&self) -> &'static str {
        if self.is_service_change() {
            "#service"
        } else {
            "#own-service"
        }
    }

    /// `aria-describedby` of a field: its hint, and its error when it has one.
    fn described(&self, hint: &str, error: &Option<&'static str>, field: &str) -> String {
        match error {
            Some(_) if hint.is_empty() => format!("{field}-error"),
            Some(_) => format!("{hint} {field}-error"),
            None => hint.to_string(),
        }
    }
}

/// What the page shows besides the form's own values.
struct Render<'a> {
    row: LinkRow,
    kind: ProcedureKind,
    form: ProcedureForm,
    case_id: Option<i64>,
    errors: FieldErrors,
    problem: FormProblem,
    status: StatusCode,
    who: &'a BookingUser,
}

/// The services a service change may pick: the connection's mapped ones but the booking's own.
async fn service_choices(
    state: &AppState,
    row: &LinkRow,
) -> Result<(Vec<ServiceChoice>, Option<String>), AppError> {
    let mappings = connections::mappings(&state.db, row.connection_id).await?;
    let own = row.reservio_service();
    let own_name = mappings
        .iter()
        .find(|m| Some(m.reservio_service_id.as_str()) == own)
        .map(|m| m.reservio_service_name.clone());
    let others = mappings
        .into_iter()
        .filter(|m| Some(m.reservio_service_id.as_str()) != own)
        .map(|m| ServiceChoice {
            service_id: m.reservio_service_id,
            offer_id: m.termino_offer_id,
            name: m.reservio_service_name,
        })
        .collect();
    Ok((others, own_name))
}

async fn render(state: &AppState, page: Page, r: Render<'_>) -> Result<Response, AppError> {
    let row = r.row;
    let mut plan = vec![];
    let blocked = match engine(state) {
        None => Some(Blocked::NotConnected),
        Some(ctx) => match procedures::active_for_link(&state.db, row.id).await? {
            Some(active) => Some(Blocked::Active(active.id)),
            None => match procedure::preview(ctx, &row, r.kind).await? {
                Ok(steps) => {
                    plan = steps;
                    None
                }
                Err(refusal) => Some(Blocked::Refused(refusal.key())),
            },
        },
    };
    let (services, own_service_name) = service_choices(state, &row).await?;
    let own_service = row.reservio_service().unwrap_or_default().to_string();
    let (tz, _) = partner_zone(state, row.partner_id).await?;
    let today = local_date(state.clock.now(), &tz)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let wants_slot = matches!(
        r.kind,
        ProcedureKind::Reschedule | ProcedureKind::ChangeService
    );
    let mut slots = if wants_slot && blocked.is_none() {
        let service = match r.kind {
            ProcedureKind::ChangeService => r.form.service.as_str(),
            _ => own_service.as_str(),
        };
        let query = SlotQuery {
            service,
            date: &r.form.date,
            selected: &r.form.slot,
        };
        slots::load(state, page.lang, &row, &query).await?.0
    } else {
        SlotsView::default()
    };
    slots.error = r.errors.slot;
    let html = StartPage {
        link_id: row.id,
        title: booking_title(&row),
        kind: r.kind,
        blocked,
        plan,
        errors: r.errors,
        problem: r.problem,
        case_id: r.case_id.filter(|_| r.who.is_care()),
        own_service,
        own_service_name,
        services,
        slots,
        self_rescheduled: row
            .side(System::Termino)
            .is_some_and(|t| t.self_rescheduled),
        origin_key: system_key(&row.origin_system),
        today,
        form: r.form,
        page,
    };
    Ok((r.status, html).into_response())
}

fn kind_of(raw: &str) -> Result<ProcedureKind, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The case a Partner Care user came from, if it is an unresolved case of this booking. A
/// partner cannot settle a case through a procedure: the parameter is ignored for them.
async fn case_for(
    state: &AppState,
    who: &BookingUser,
    row: &LinkRow,
    case_id: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let Some(case_id) = case_id.filter(|_| who.is_care()) else {
        return Ok(None);
    };
    match cases::find(&state.db, case_id, None).await? {
        Some(c) if c.link_id == Some(row.id) && c.state != "resolved" => Ok(Some(c.id)),
        _ => Err(AppError::NotFound),
    }
}

/// The day the slots start on: the booking's own day if it is still ahead, else tomorrow.
async fn default_day(state: &AppState, row: &LinkRow) -> Result<String, AppError> {
    let (tz, _) = partner_zone(state, row.partner_id).await?;
    let now = state.clock.now();
    let today = local_date(now, &tz);
    let own = row
        .side(System::Reservio)
        .or(row.side(System::Termino))
        .and_then(|s| local_date(s.start_at, &tz));
    let day = match (own, today) {
        (Some(own), Some(today)) if own > today => Some(own),
        (_, Some(today)) => today.tomorrow().ok(),
        _ => None,
    };
    Ok(day.map(|d| d.to_string()).unwrap_or_default())
}

#[derive(Default, Deserialize)]
pub struct StartParams {
    /// The Partner Care case the procedure will settle.
    #[serde(default)]
    case: Option<i64>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    service: Option<String>,
}

/// The start form.
pub async fn show(
    State(state): State<AppState>,
    who: BookingUser,
    page: Page,
    Path((id, kind)): Path<(i64, String)>,
    Query(params): Query<StartParams>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let row = booking_for(&state, &who, id).await?;
    let case_id = case_for(&state, &who, &row, params.case).await?;
    let date = match params.date {
        Some(date) => date,
        None => default_day(&state, &row).await?,
    };
    let form = ProcedureForm {
        date,
        service: params.service.unwrap_or_default(),
        ..ProcedureForm::default()
    };
    let status = if engine(&state).is_none() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let r = Render {
        row,
        kind,
        form,
        case_id,
        errors: FieldErrors::default(),
        problem: FormProblem::default(),
        status,
        who: &who,
    };
    render(&state, page, r).await
}

/// Starts the procedure, or shows the form again with what is wrong and everything typed.
pub async fn submit(
    who: BookingUser,
    request: FormRequest,
    Path((id, kind)): Path<(i64, String)>,
    Form(form): Form<ProcedureForm>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let kind = kind_of(&kind)?;
    let row = booking_for(&state, &who, id).await?;
    let case = match form.case.trim() {
        "" => None,
        raw => Some(
            raw.parse::<i64>()
                .map_err(|_| AppError::BadRequest("error-form-malformed"))?,
        ),
    };
    let case_id = case_for(&state, &who, &row, case).await?;
    let mut r = Render {
        row,
        kind,
        form,
        case_id,
        errors: FieldErrors::default(),
        problem: FormProblem::default(),
        status: StatusCode::UNPROCESSABLE_ENTITY,
        who: &who,
    };
    let Some(ctx) = engine(&state) else {
        r.status = StatusCode::SERVICE_UNAVAILABLE;
        return render(&state, page, r).await;
    };
    let (services, _) = service_choices(&state, &r.row).await?;
    let params = match to_params(kind, &r.form, &services) {
        Ok(params) => params,
        Err(errors) => {
            r.errors = errors;
            return render(&state, page, r).await;
        }
    };
    let user = who.user();
    let actor = user.actor();
    let starter = Starter {
        actor: &actor,
        user_id: Some(user.id),
        request_id: Some(request.request_id.as_str()),
        case_id,
    };
    let refused = match procedure::start(ctx, &state.procedures, r.row.id, params, &starter).await {
        // "It has started" is said by the progress while it runs, not by a flash that would
        // stay on the page after it finished.
        Ok(procedure_id) => {
            return Ok(Redirect::to(&paths::procedure(procedure_id)).into_response());
        }
        Err(e) => e,
    };
    match refused {
        StartError::NotFound => return Err(AppError::NotFound),
        StartError::Db(e) => return Err(e.into()),
        StartError::Refused(refusal) => {
            r.problem.key = Some(refusal.key());
            r.status = StatusCode::CONFLICT;
        }
        StartError::Slot(problem) => r.errors.slot = Some(problem.key()),
        StartError::Unmapped => r.errors.service = Some("procedure-error-unmapped"),
        StartError::Busy(_) => r.status = StatusCode::CONFLICT,
        StartError::CaseOpen(case_id) => {
            r.problem.key = Some("procedure-error-case-open");
            r.problem.case_url = Some(if who.is_care() {
                paths::care_case(case_id)
            } else {
                paths::partner_case(case_id)
            });
            r.status = StatusCode::CONFLICT;
        }
        StartError::NoConnection => {
            r.problem.key = Some("procedure-error-no_connection");
            r.status = StatusCode::CONFLICT;
        }
        StartError::System(e) => {
            tracing::warn!(link = r.row.id, error = %e, "a procedure could not start");
            r.problem.key = Some("procedure-error-system");
            r.status = if e.is_transient() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::BAD_GATEWAY
            };
        }
    }
    render(&state, page, r).await
}
