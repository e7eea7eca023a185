//! The demo's mailbox: the account e-mails (invitations, reset links, "your password was
//! changed") that the demo holds because it has no SMTP server, shown to the admin with their
//! links, so that a person trying the demo can invite someone, open the link, choose a password
//! and log in. Mounted for the demo only: anywhere else the admin must never see another
//! person's link.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::db::emails::{self, HeldAccountEmail};
use crate::web::error::AppError;
use crate::web::page::Page;
use crate::web::session::AdminUser;
use crate::web::state::AppState;

/// How many messages the page lists, newest first.
const SHOWN: i64 = 50;

/// One held message and the link in it, if any.
pub struct MailboxItem {
    pub e: HeldAccountEmail,
    pub link: Option<String>,
}

impl MailboxItem {
    fn new(e: HeldAccountEmail, link_base: &str) -> MailboxItem {
        // The app's own links only: the page turns them into anchors.
        let link = e
            .body
            .split_whitespace()
            .find(|word| word.starts_with(link_base) && word.len() > link_base.len())
            .map(str::to_string);
        MailboxItem { e, link }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/mailbox.html")]
pub struct MailboxPage {
    page: Page,
    items: Vec<MailboxItem>,
}

pub async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    page: Page,
) -> Result<MailboxPage, AppError> {
    if state.config.demo.is_none() {
        return Err(AppError::NotFound);
    }
    let items = emails::held_account_emails(&state.db, SHOWN)
        .await?
        .into_iter()
        .map(|e| MailboxItem::new(e, &state.link_base))
        .collect();
    Ok(MailboxPage { page, items })
}
