//! The partner's connection page (FAQ rule 1): its connections and their state, the request
//! that generates the connection ID for the sales rep, and — while verifying — the report to
//! check and the buttons to go live or report a problem. Every query is scoped by the
//! partner: another partner's connection is not found.

pub mod actions;
pub mod credentials;
pub mod report;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::db::cases::{self, CaseRecord};
use crate::db::connections::{self, ServiceMapping};
use crate::db::holds;
use crate::db::onboarding::{self, ConnectionOverview};
use crate::domain::connection::ConnectionState;
use crate::web::error::AppError;
use crate::web::page::Page;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;

/// One of the partner's connections with what its card shows.
pub struct ConnectionCard {
    pub c: ConnectionOverview,
    pub mappings: Vec<ServiceMapping>,
    pub cases: Vec<CaseRecord>,
    /// The connection's sync health: its unresolved listing alarms and unread bookings.
    pub alarms: Vec<crate::web::care::alarms::AlarmView>,
    pub listing_issues: Vec<crate::web::care::alarms::IssueView>,
    /// Set when a system refused the connection's credentials: writes wait for new ones.
    pub expired: Option<crate::web::care::alarms::ExpiredView>,
    /// 1: observe mode (writes nothing, records what it would do).
    pub observe: i64,
}

impl ConnectionCard {
    pub fn state(&self) -> ConnectionState {
        self.c.state()
    }

    pub fn is_requested(&self) -> bool {
        self.state() == ConnectionState::Requested
    }

    pub fn is_verifying(&self) -> bool {
        self.state() == ConnectionState::Verifying
    }
}

/// The request form as the partner left it.
#[derive(Clone, Debug, Default)]
pub struct RequestForm {
    pub reservio_business_id: String,
    pub business_error: Option<&'static str>,
    pub token_error: Option<&'static str>,
    pub form_error: Option<&'static str>,
}

/// The problem report form of one connection as the partner left it.
#[derive(Clone, Debug, Default)]
pub struct ProblemForm {
    pub connection_id: i64,
    pub description: String,
    pub error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "connection/index.html")]
pub struct ConnectionPage {
    page: Page,
    cards: Vec<ConnectionCard>,
    /// Whether the partner may request a new connection (none is being set up).
    can_request: bool,
    /// Whether a connection is live (the request form is then folded away).
    live: bool,
    request: RequestForm,
    problem: ProblemForm,
    sandbox: bool,
}

impl ConnectionPage {
    /// The problem description to show in `card`'s form.
    fn problem_text(&self, card: &ConnectionCard) -> &str {
        if self.problem.connection_id == card.c.id {
            &self.problem.description
        } else {
            ""
        }
    }

    fn problem_error(&self, card: &ConnectionCard) -> Option<&'static str> {
        self.problem
            .error
            .filter(|_| self.problem.connection_id == card.c.id)
    }
}

/// The page with the forms as given.
pub async fn render(
    state: &AppState,
    user: &PartnerUser,
    page: Page,
    request: RequestForm,
    problem: ProblemForm,
) -> Result<ConnectionPage, AppError> {
    let mut cards = vec![];
    let (mut alarms, mut issues) =
        crate::web::care::alarms::load(state, &page, Some(user.partner_id)).await?;
    let mut expired =
        crate::web::care::alarms::load_expired(state, &page, Some(user.partner_id)).await?;
    for c in onboarding::of_partner(&state.db, user.partner_id).await? {
        let mappings = connections::mappings(&state.db, c.id).await?;
        let cases = cases::of_connection(&state.db, c.id).await?;
        let expired = expired
            .iter()
            .position(|e| e.expired.connection_id == c.id)
            .map(|i| expired.swap_remove(i));
        let observe = holds::mode(&state.db, c.id).await?.map_or(0, |m| m.observe);
        let (mine, rest) = alarms
            .into_iter()
            .partition(|a| a.alarm.connection_id == c.id);
        alarms = rest;
        let (listing_issues, rest) = issues
            .into_iter()
            .partition(|i| i.issue.connection_id == c.id);
        issues = rest;
        cards.push(ConnectionCard {
            c,
            mappings,
            cases,
            alarms: mine,
            listing_issues,
            expired,
            observe,
        });
    }
    let can_request = !cards.iter().any(|card| card.state().in_setup());
    // A live partner is not invited to request a connection; connecting another calendar
    // stays possible, folded away.
    let live = cards
        .iter()
        .any(|card| card.state() == ConnectionState::Active);
    Ok(ConnectionPage {
        page,
        cards,
        can_request,
        live,
        request,
        problem,
        sandbox: state.sandbox.is_some(),
    })
}

/// The partner's connections.
pub async fn show(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
) -> Result<ConnectionPage, AppError> {
    render(
        &state,
        &user,
        page,
        RequestForm::default(),
        ProblemForm::default(),
    )
    .await
}
