//! The audit trail, scoped to what the role may see: a partner user sees its own partner's
//! rows, staff see everything.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::web::error::AppError;
use crate::web::extract::{Path, Query};
use crate::web::page::Page;

const PAGE_SIZE: i64 = 50;

fn scope(user: &CurrentUser) -> Option<i64> {
    match user.role {
        // A partner user with no partner would see nothing rather than everything.
        Role::Partner => Some(user.partner_id.unwrap_or(-1)),
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
pub struct AuditListPage {
    page: Page,
    entries: Vec<Entry>,
    next_before: Option<i64>,
    verdict: Option<audit::Verdict>,
}

#[derive(Deserialize)]
pub struct ListParams {
    before: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    Query(params): Query<ListParams>,
) -> Result<AuditListPage, AppError> {
    let entries = audit::list(
        &state.db,
        &audit::Query {
            partner_id: scope(&user),
            before_id: params.before,
            limit: PAGE_SIZE + 1,
        },
    )
    .await?;
    let (entries, next_before) = if entries.len() as i64 > PAGE_SIZE {
        let shown: Vec<Entry> = entries.into_iter().take(PAGE_SIZE as usize).collect();
        let next = shown.last().map(|e| e.id);
        (shown, next)
    } else {
        (entries, None)
    };
    // The whole-chain check reads every row; staff see it, partners see their own rows only.
    let verdict = match user.role {
        Role::Partner => None,
        _ => Some(audit::verify(&state.db).await?),
    };
    Ok(AuditListPage {
        page,
        entries,
        next_before,
        verdict,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/entry.html")]
pub struct AuditEntryPage {
    page: Page,
    entry: Entry,
}

pub async fn entry(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<AuditEntryPage, AppError> {
    let entry = audit::find(&state.db, id, scope(&user))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AuditEntryPage { page, entry })
}
