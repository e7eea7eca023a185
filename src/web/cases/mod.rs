//! Cases: escalations to Partner Care. Partner Care works them all (list, take, conversation,
//! resolve with an outcome); a partner reads and answers its own, and another partner's case
//! is simply not found.

pub mod actions;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use crate::db::cases::{self, CaseFilter, CaseNote, CaseRecord};
use crate::db::partners::{self, Partner};
use crate::domain::Role;
use crate::domain::case::{CaseKind, CaseOutcome, CaseState};
use crate::web::care::sides::{self, SidesView};
use crate::web::error::AppError;
use crate::web::extract::{Path, Query};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::{CareUser, CurrentUser, PartnerUser};
use crate::web::state::AppState;

/// A case as shown, with its labels.
pub struct CaseItem {
    pub c: CaseRecord,
}

impl CaseItem {
    pub fn kind_key(&self) -> &'static str {
        self.c
            .kind
            .parse::<CaseKind>()
            .map_or("case-kind-unknown", CaseKind::label_key)
    }

    fn state(&self) -> CaseState {
        self.c.state.parse().unwrap_or(CaseState::Resolved)
    }

    pub fn state_key(&self) -> &'static str {
        self.state().label_key()
    }

    pub fn state_css(&self) -> &'static str {
        self.state().css()
    }

    pub fn is_open(&self) -> bool {
        self.state() == CaseState::Open
    }

    pub fn is_resolved(&self) -> bool {
        self.state() == CaseState::Resolved
    }

    pub fn outcome_key(&self) -> Option<&'static str> {
        let outcome = self.c.outcome.as_deref()?;
        Some(CaseOutcome::parse(outcome).map_or("case-outcome-unknown", CaseOutcome::label_key))
    }
}

/// The catalogue key of the role that wrote a note.
pub fn author_role_key(note: &CaseNote) -> &'static str {
    match note.author_role.as_deref() {
        Some("partner") => "role-partner",
        Some("partner_care") => "role-partner_care",
        Some("sales_rep") => "role-sales_rep",
        Some("admin") => "role-admin",
        _ => "role-unknown",
    }
}

#[derive(Default, Deserialize)]
pub struct CaseListParams {
    #[serde(default)]
    state: String,
    #[serde(default)]
    partner: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
pub struct CaseListPage {
    page: Page,
    cases: Vec<CaseItem>,
    partners: Vec<Partner>,
    states: [CaseState; 3],
    state: String,
    partner: String,
}

/// Partner Care's list of cases: unresolved ones by default, the longest waiting first.
pub async fn list(
    State(state): State<AppState>,
    _user: CareUser,
    page: Page,
    Query(params): Query<CaseListParams>,
) -> Result<CaseListPage, AppError> {
    let bad = || AppError::BadRequest("error-query-malformed");
    let case_state = match params.state.as_str() {
        "" => None,
        s => Some(
            s.parse::<CaseState>()
                .map_err(|_| bad())?
                .as_str()
                .to_string(),
        ),
    };
    let partner_id = match params.partner.as_str() {
        "" => None,
        p => Some(p.parse::<i64>().map_err(|_| bad())?),
    };
    let filter = CaseFilter {
        state: case_state,
        partner_id,
        connection_id: None,
    };
    let cases = cases::list(&state.db, &filter, 200)
        .await?
        .into_iter()
        .map(|c| CaseItem { c })
        .collect();
    Ok(CaseListPage {
        page,
        cases,
        partners: partners::list(&state.db).await?,
        states: CaseState::ALL,
        state: params.state,
        partner: params.partner,
    })
}

/// What is wrong with a form on the case page.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaseErrors {
    /// The conversation's note.
    pub body: Option<&'static str>,
    pub outcome: Option<&'static str>,
    /// The resolve form's last word to the partner.
    pub resolve_body: Option<&'static str>,
    /// The action itself was refused (e.g. the case is resolved meanwhile).
    pub form: Option<&'static str>,
}

/// What the forms held when they come back with errors.
#[derive(Clone, Debug, Default)]
pub struct CaseForm {
    pub body: String,
    pub outcome: String,
    pub resolve_body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/case.html")]
pub struct CasePage {
    page: Page,
    item: CaseItem,
    notes: Vec<CaseNote>,
    /// Both sides of the case's booking; Partner Care only.
    sides: Option<SidesView>,
    /// Partner Care sees the actions; the partner sees the conversation.
    staff: bool,
    outcomes: [CaseOutcome; 5],
    form: CaseForm,
    errors: CaseErrors,
}

impl CasePage {
    fn note_action(&self) -> String {
        if self.staff {
            paths::care_case_note(self.item.c.id)
        } else {
            paths::partner_case_note(self.item.c.id)
        }
    }

    /// Back to where the case came from: the queue for staff, the booking or the connection
    /// for the partner.
    fn back(&self) -> String {
        match (self.staff, self.item.c.link_id) {
            (true, _) => paths::CARE_CASES.to_string(),
            (false, Some(link)) => paths::booking(link),
            (false, None) => paths::CONNECTION.to_string(),
        }
    }
}

/// Who is looking: staff see every case, a partner only its own.
pub(super) fn scope(user: &CurrentUser) -> Option<i64> {
    match user.role {
        Role::Partner => Some(user.partner_id.unwrap_or(-1)),
        _ => None,
    }
}

pub(super) async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: Page,
    id: i64,
    form: CaseForm,
    errors: CaseErrors,
) -> Result<CasePage, AppError> {
    let c = cases::find(&state.db, id, scope(user))
        .await?
        .ok_or(AppError::NotFound)?;
    let staff = user.role == Role::PartnerCare;
    let sides = match (staff, c.link_id) {
        (true, Some(link_id)) => sides::load(&state.db, &page, link_id).await?,
        _ => None,
    };
    Ok(CasePage {
        notes: cases::notes(&state.db, id).await?,
        page,
        item: CaseItem { c },
        sides,
        staff,
        outcomes: CaseOutcome::ALL,
        form,
        errors,
    })
}

/// A case as Partner Care works it: both sides of its booking and the deciding forms.
pub async fn care_show(
    State(state): State<AppState>,
    user: CareUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<CasePage, AppError> {
    render(
        &state,
        &user.0,
        page,
        id,
        Default::default(),
        CaseErrors::default(),
    )
    .await
}

/// A case as its partner follows it; another partner's case is not found.
pub async fn partner_show(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<CasePage, AppError> {
    render(
        &state,
        &user.user,
        page,
        id,
        Default::default(),
        CaseErrors::default(),
    )
    .await
}
