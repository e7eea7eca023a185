//! One mismatch for Partner Care: what it is and what the rule says, both sides of the booking,
//! the link's other mismatches, and the forms to assign, acknowledge and resolve it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::sides::{self, SidesView};
use super::{age_text, kind_help_key, kind_key, severity_class, severity_key, state_key};
use crate::db::connections::{self, ServiceMap};
use crate::db::links::{self, LinkRow};
use crate::db::procedures;
use crate::db::read::care_queue::{self, MismatchRecord};
use crate::domain::mismatch::MismatchKind;
use crate::domain::procedure::{ProcedureKind, procedure_for};
use crate::domain::reconcile::reconcile;
use crate::sync::procedure::situation;
use crate::sync::reconcile::view_of;
use crate::web::bookings::detail::{ProcedureLink, procedure_links};
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::page::Page;
use crate::web::session::CareUser;
use crate::web::state::AppState;

/// What is wrong with the resolve form, if anything.
#[derive(Clone, Copy, Debug, Default)]
pub struct FormErrors {
    /// Next to the note field.
    pub note: Option<&'static str>,
    /// Above the form: the action itself was refused.
    pub form: Option<&'static str>,
}

impl FormErrors {
    pub fn note(key: &'static str) -> Self {
        FormErrors {
            note: Some(key),
            form: None,
        }
    }

    pub fn form(key: &'static str) -> Self {
        FormErrors {
            note: None,
            form: Some(key),
        }
    }
}

/// A mismatch as shown, with its labels.
pub struct MismatchItem {
    pub m: MismatchRecord,
    pub age: String,
}

impl MismatchItem {
    pub fn kind_key(&self) -> &'static str {
        kind_key(&self.m.kind)
    }

    pub fn help_key(&self) -> &'static str {
        kind_help_key(&self.m.kind)
    }

    pub fn severity_key(&self) -> &'static str {
        severity_key(&self.m.severity)
    }

    pub fn severity_class(&self) -> &'static str {
        severity_class(&self.m.severity)
    }

    pub fn state_key(&self) -> &'static str {
        state_key(&self.m.state)
    }

    pub fn is_open(&self) -> bool {
        self.m.state == "open"
    }

    pub fn is_resolved(&self) -> bool {
        self.m.state == "resolved"
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "care/mismatch.html")]
pub struct MismatchPage {
    page: Page,
    item: MismatchItem,
    sides: Option<SidesView>,
    history: Vec<MismatchItem>,
    note: String,
    errors: FormErrors,
    /// The booking's procedure under way or stopped (a `procedure_failed` flag points to it).
    active_procedure: Option<i64>,
    /// The two systems still differ as flagged: a note alone would not make this stick.
    still_differs: bool,
    /// The procedure that settles this kind of mismatch, if one does.
    fix: Option<ProcedureKind>,
    /// The booking's procedures, each with why it cannot start, if it cannot.
    procedures: Vec<ProcedureLink>,
}

impl MismatchPage {
    /// Whether `kind` is the procedure that settles this mismatch (shown as the main button).
    fn is_fix(&self, kind: &ProcedureKind) -> bool {
        self.fix == Some(*kind)
    }

    /// Whether the reader is the assignee.
    fn mine(&self) -> bool {
        matches!(
            (&self.page.user, self.item.m.assignee_id),
            (Some(user), Some(assignee)) if user.id == assignee
        )
    }

    /// How messages name this mismatch.
    fn number(&self) -> String {
        format!("#{}", self.item.m.id)
    }

    /// The audit trail of this mismatch.
    fn audit_query(&self) -> String {
        format!("entity_type=mismatch&entity_id={}", self.item.m.id)
    }
}

/// The page of mismatch `id`, with the resolve form holding `note` and showing `errors`.
pub async fn render(
    state: &AppState,
    page: Page,
    id: i64,
    note: String,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let m = care_queue::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let sides = sides::load(&state.db, &page, m.link_id).await?;
    let history = care_queue::of_link(&state.db, m.link_id)
        .await?
        .into_iter()
        .filter(|other| other.id != m.id)
        .map(|other| MismatchItem {
            age: age_text(&page, other.detected_at, now),
            m: other,
        })
        .collect();
    let active_procedure = procedures::active_for_link(&state.db, m.link_id)
        .await?
        .map(|op| op.id);
    let kind = m.kind.parse::<MismatchKind>().ok();
    let row = links::find_row(&state.db, m.link_id).await?;
    let still_differs = match (&row, kind) {
        (Some(row), Some(kind)) if m.state != "resolved" => {
            still_differs(state, row, kind, now).await?
        }
        _ => false,
    };
    let procedures = match &row {
        Some(row) => procedure_links(
            state,
            row.id,
            &situation(row, false),
            active_procedure.is_some(),
        ),
        None => vec![],
    };
    let fix = kind.and_then(procedure_for);
    let item = MismatchItem {
        age: age_text(&page, m.detected_at, now),
        m,
    };
    Ok(MismatchPage {
        still_differs,
        fix,
        procedures,
        page,
        item,
        sides,
        history,
        note,
        errors,
        active_procedure,
    }
    .into_response())
}

/// Whether the sync, looking now, would flag `kind` on the link again.
pub async fn still_differs(
    state: &AppState,
    row: &LinkRow,
    kind: MismatchKind,
    now: i64,
) -> Result<bool, AppError> {
    let map = ServiceMap::new(&connections::mappings(&state.db, row.connection_id).await?);
    let outcome = reconcile(&view_of(row, &map), now, &state.config.sync.policy);
    Ok(outcome.findings.iter().any(|f| f.kind == kind))
}

/// One mismatch for Partner Care.
pub async fn show(
    State(state): State<AppState>,
    _user: CareUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    render(&state, page, id, String::new(), FormErrors::default()).await
}
