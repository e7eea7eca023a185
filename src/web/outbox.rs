//! The Outbox: the e-mails confirming what the channel did for a partner (FAQ rule 6). A
//! partner user sees its own partner's; Partner Care and admins see every partner's, with a
//! partner filter; sales reps are refused. Without SMTP the messages are held and shown here
//! instead of being sent, and the page says so.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::db::emails::{self, EmailRow};
use crate::db::partners::{self, Partner};
use crate::domain::Role;
use crate::domain::email::EmailState;
use crate::web::error::AppError;
use crate::web::extract::Query;
use crate::web::page::Page;
use crate::web::paths::IntArg;
use crate::web::session::CurrentUser;
use crate::web::state::AppState;

/// Messages per page.
pub const PAGE_SIZE: i64 = 25;

/// The query parameters as they arrive; empty means "no filter" and the first page.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct OutboxParams {
    /// A partner's id (staff only; a partner user always sees its own).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    partner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    page: String,
}

impl OutboxParams {
    fn partner_id(&self) -> Result<Option<i64>, AppError> {
        match self.partner.trim() {
            "" => Ok(None),
            p => p
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::BadRequest("error-query-malformed")),
        }
    }

    /// The page asked for, from 1.
    fn page_number(&self) -> Result<i64, AppError> {
        match self.page.trim() {
            "" => Ok(1),
            p => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or(AppError::BadRequest("error-query-malformed")),
        }
    }

    /// The query string of another page of the same view, without `?`.
    fn query_for_page(&self, page: i64) -> String {
        let params = OutboxParams {
            page: page.to_string(),
            ..self.clone()
        };
        serde_urlencoded::to_string(params).unwrap_or_default()
    }
}

/// One message as shown.
pub struct EmailItem {
    pub e: EmailRow,
}

impl EmailItem {
    fn state(&self) -> Option<EmailState> {
        self.e.state.parse().ok()
    }

    pub fn state_key(&self) -> &'static str {
        self.state()
            .map_or("email-state-unknown", EmailState::label_key)
    }

    pub fn state_css(&self) -> &'static str {
        self.state().map_or("", EmailState::css)
    }
}

/// Why the messages are not sent, when they are not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldNote {
    Demo,
    NoSmtp,
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox/list.html")]
pub struct OutboxPage {
    page: Page,
    items: Vec<EmailItem>,
    /// Staff see every partner's messages, the partner column and the filter.
    staff: bool,
    partners: Vec<Partner>,
    params: OutboxParams,
    total: i64,
    page_no: i64,
    pages: i64,
    held: Option<HeldNote>,
}

impl OutboxPage {
    fn page_query(&self, page: impl IntArg) -> String {
        self.params.query_for_page(page.int())
    }

    fn held_key(&self) -> Option<&'static str> {
        self.held.map(|note| match note {
            HeldNote::Demo => "outbox-held-demo",
            HeldNote::NoSmtp => "outbox-held-no-smtp",
        })
    }
}

/// One page of the messages the reader may see, newest first.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    page: Page,
    Query(params): Query<OutboxParams>,
) -> Result<OutboxPage, AppError> {
    let (scope, staff) = match (user.role, user.partner_id) {
        (Role::Partner, Some(partner_id)) => (Some(partner_id), false),
        (Role::PartnerCare | Role::Admin, _) => (params.partner_id()?, true),
        (Role::Partner, None) | (Role::SalesRep, _) => return Err(AppError::Forbidden),
    };
    let total = emails::count(&state.db, scope).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_no = params.page_number()?.min(pages);
    let items = emails::list(&state.db, scope, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
        .await?
        .into_iter()
        .map(|e| EmailItem { e })
        .collect();
    let partners = if staff {
        partners::list(&state.db).await?
    } else {
        vec![]
    };
    let held = match (state.config.mail_held(), state.config.demo.is_some()) {
        (false, _) => None,
        (true, true) => Some(HeldNote::Demo),
        (true, false) => Some(HeldNote::NoSmtp),
    };
    Ok(OutboxPage {
        page,
        items,
        staff,
        partners,
        params,
        total,
        page_no,
        pages,
        held,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> OutboxParams {
        serde_urlencoded::from_str(query).expect("parses")
    }

    #[test]
    fn the_pager_keeps_the_partner_filter() {
        assert_eq!(params("partner=3").query_for_page(2), "partner=3&page=2");
        assert_eq!(params("page=4").query_for_page(1), "page=1");
    }

    #[test]
    fn a_page_or_partner_that_is_not_a_number_is_refused() {
        assert_eq!(params("").page_number().ok(), Some(1));
        assert!(params("page=0").page_number().is_err());
        assert!(params("page=two").page_number().is_err());
        assert_eq!(params("partner=").partner_id().ok(), Some(None));
        assert!(params("partner=x").partner_id().is_err());
    }
}
