//! The sales rep's workspace: find a connection by the ID its partner sent, and see which
//! connections are being mapped, wait on the partner's verification, are live, or reported a
//! problem.

pub mod account;
pub mod connection;
pub mod mapping;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::onboarding::{self, ConnectionOverview};
use crate::domain::connection::{ConnectionCode, ConnectionState};
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::SalesUser;
use crate::web::state::AppState;

/// Most connections one list shows.
const LIST_LIMIT: i64 = 100;

/// A connection as a list shows it.
pub struct ConnectionItem {
    pub c: ConnectionOverview,
}

impl ConnectionItem {
    pub fn state(&self) -> ConnectionState {
        self.c.state()
    }

    /// Who made the latest step, and when.
    pub fn last_step(&self) -> (i64, &str) {
        let c = &self.c;
        let steps = [
            (c.active_at, c.active_by.as_deref()),
            (c.verifying_at, c.verifying_by.as_deref()),
            (c.mapped_at, c.mapped_by.as_deref()),
        ];
        steps
            .into_iter()
            .find_map(|(at, by)| Some((at?, by.unwrap_or("—"))))
            .unwrap_or((c.requested_at, c.requested_by.as_str()))
    }
}

#[derive(Default, Deserialize)]
pub struct LookupParams {
    #[serde(default)]
    code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sales/connections.html")]
pub struct ConnectionsPage {
    page: Page,
    code: String,
    code_error: Option<&'static str>,
    in_setup: Vec<ConnectionItem>,
    waiting: Vec<ConnectionItem>,
    problems: Vec<ConnectionItem>,
    live: Vec<ConnectionItem>,
}

impl ConnectionsPage {
    fn is_empty(&self) -> bool {
        self.in_setup.is_empty()
            && self.waiting.is_empty()
            && self.problems.is_empty()
            && self.live.is_empty()
    }
}

/// The lists, and the lookup by connection ID: a known ID opens its connection.
pub async fn list(
    State(state): State<AppState>,
    _user: SalesUser,
    page: Page,
    Query(params): Query<LookupParams>,
) -> Result<Response, AppError> {
    let mut code_error = None;
    let mut status = StatusCode::OK;
    if !params.code.trim().is_empty() {
        match ConnectionCode::parse(&params.code) {
            Err(e) => {
                code_error = Some(e.0);
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(code) => {
                match crate::db::connections::find_by_code(&state.db, code.as_str()).await? {
                    Some(found) => {
                        return Ok(Redirect::to(&paths::sales_connection(found.id)).into_response());
                    }
                    None => {
                        code_error = Some("sales-error-code-unknown");
                        status = StatusCode::NOT_FOUND;
                    }
                }
            }
        }
    }
    use ConnectionState::*;
    let all = onboarding::in_states(
        &state.db,
        &[Requested, Mapped, Verifying, Active],
        LIST_LIMIT,
    )
    .await?;
    let (mut in_setup, mut waiting, mut problems, mut live) = (vec![], vec![], vec![], vec![]);
    for c in all {
        let item = ConnectionItem { c };
        match (item.state(), item.c.open_problems > 0) {
            (_, true) => problems.push(item),
            // A request shows up once a sales rep has opened it with its ID: the ID is what
            // the partner shares, so the list does not hand it out.
            (Requested, false) if item.c.termino_partner_id.is_none() => {}
            (Requested | Mapped, false) => in_setup.push(item),
            (Verifying, false) => waiting.push(item),
            (_, false) => live.push(item),
        }
    }
    let page = ConnectionsPage {
        page,
        code: params.code,
        code_error,
        in_setup,
        waiting,
        problems,
        live,
    };
    Ok((status, page).into_response())
}
