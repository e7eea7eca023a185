//! The pages a link by e-mail opens: accepting an invitation (choose a password and a
//! language) and resetting a forgotten password. Both use a link once; a used, expired,
//! revoked or unknown link gets the same "no longer valid" page (410).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::{Actor, Event};
use crate::db::account_tokens::{self, Purpose, TokenRow};
use crate::db::{emails, sessions, users};
use crate::domain::NewPassword;
use crate::i18n::Lang;
use crate::web::account::FieldErrors;
use crate::web::account_links;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account/set_password.html")]
pub struct SetPasswordPage {
    page: Page,
    title_key: &'static str,
    email: String,
    action: String,
    choose_language: bool,
    errors: FieldErrors,
}

impl SetPasswordPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(|key| self.page.t(key))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/link_invalid.html")]
pub struct LinkInvalidPage {
    page: Page,
}

fn invalid(page: Page) -> Response {
    (StatusCode::GONE, LinkInvalidPage { page }).into_response()
}

fn form_page(purpose: Purpose, page: Page, link: &TokenRow, token: &str) -> SetPasswordPage {
    let (title_key, action, choose_language) = match purpose {
        Purpose::Invitation => ("invitation-title", paths::invitation(token), true),
        Purpose::Reset => ("reset-title", paths::password_reset(token), false),
    };
    SetPasswordPage {
        page,
        title_key,
        email: link.email.clone(),
        action,
        choose_language,
        errors: FieldErrors::new(),
    }
}

async fn usable_link(
    state: &AppState,
    purpose: Purpose,
    token: &str,
) -> Result<Option<TokenRow>, AppError> {
    let now = state.clock.now();
    Ok(account_links::find(&state.db, purpose, token)
        .await?
        .filter(|link| link.usable(now) && link.disabled == 0))
}

async fn show(
    state: AppState,
    purpose: Purpose,
    page: Page,
    token: String,
) -> Result<Response, AppError> {
    match usable_link(&state, purpose, &token).await? {
        Some(link) => Ok(form_page(purpose, page, &link, &token).into_response()),
        None => Ok(invalid(page)),
    }
}

pub async fn show_invitation(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    show(state, Purpose::Invitation, page, token).await
}

pub async fn show_reset(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    show(state, Purpose::Reset, page, token).await
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(default)]
    lang: String,
}

async fn submit(
    request: FormRequest,
    purpose: Purpose,
    token: String,
    form: SetPasswordForm,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let Some(link) = usable_link(state, purpose, &token).await? else {
        return Ok(invalid(page));
    };
    let mut errors = FieldErrors::new();
    let new = NewPassword::parse_for(&form.new_password, &link.email)
        .map_err(|e| errors.insert("new_password", e.0))
        .ok();
    if new.is_some() && form.new_password != form.confirm_password {
        errors.insert("confirm_password", "error-password-mismatch");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        let mut page = form_page(purpose, page, &link, &token);
        page.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let lang = Lang::from_code(form.lang.trim());
    let hash = state
        .passwords
        .hash(new.expose())
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // Another request may have used the link meanwhile: only one wins.
    if !account_tokens::consume(&mut tx, link.id, now).await? {
        drop(tx);
        return Ok(invalid(page));
    }
    users::set_password(&mut tx, link.user_id, &hash).await?;
    emails::withdraw_account_emails(&mut tx, link.id).await?;
    let actor = Actor::User {
        id: link.user_id,
        email: link.email.clone(),
    };
    let event = match purpose {
        Purpose::Invitation => {
            if let Some(lang) = lang {
                users::set_locale(&mut tx, link.user_id, lang.code()).await?;
            }
            Event::new(&actor, "user.invitation_accepted", "user", link.user_id)
                .after(serde_json::json!({ "locale": lang.map(Lang::code) }))
        }
        Purpose::Reset => {
            // Whoever knew the old password is signed out everywhere.
            let ended = sessions::end_all_for_user(&mut tx, link.user_id).await?;
            crate::web::account_links::notify_account_change(
                &mut tx,
                state,
                crate::web::account_links::AccountChange::PasswordChanged,
                link.user_id,
                &link.email,
                link.partner_id,
                now,
            )
            .await?;
            Event::new(&actor, "user.password_reset", "user", link.user_id)
                .after(serde_json::json!({ "sessions_ended": ended }))
        }
    };
    let event = event
        .partner(link.partner_id)
        .request(Some(request.request_id.as_str()));
    let key = match purpose {
        Purpose::Invitation => "invitation-accepted",
        Purpose::Reset => "reset-done",
    };
    form_request::finish(tx, now, event, &request.session, key, None, paths::LOGIN).await
}

pub async fn submit_invitation(
    request: FormRequest,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    submit(request, Purpose::Invitation, token, form).await
}

pub async fn submit_reset(
    request: FormRequest,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    submit(request, Purpose::Reset, token, form).await
}
