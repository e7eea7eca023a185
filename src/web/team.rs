//! A partner user's colleagues (`/team`): who else works for the partner here, and — when the
//! admin lets the partner's users do so — inviting a colleague to the partner, resending and
//! revoking that invitation. Everything is scoped to the user's own partner: another
//! partner's user is "not found", and with the setting off every action is refused (403).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::audit::Event;
use crate::db::partners;
use crate::db::users::{self, NewUser, UserListing};
use crate::domain::{Email, Role};
use crate::web::admin_access::{self, EmailTaken};
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, ActionRequest, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "team.html")]
pub struct TeamPage {
    page: Page,
    colleagues: Vec<UserListing>,
    may_invite: bool,
    email: String,
    error_key: Option<&'static str>,
}

async fn team_page(
    state: &AppState,
    user: &PartnerUser,
    page: Page,
    email: String,
    error_key: Option<&'static str>,
) -> Result<TeamPage, AppError> {
    Ok(TeamPage {
        page,
        colleagues: users::list_for_partner(&state.db, user.partner_id).await?,
        may_invite: may_invite(state, user).await?,
        email,
        error_key,
    })
}

/// Whether the admin lets this partner's users invite colleagues.
async fn may_invite(state: &AppState, user: &PartnerUser) -> Result<bool, AppError> {
    Ok(partners::find(&state.db, user.partner_id)
        .await?
        .is_some_and(|p| p.users_may_invite() && !p.is_disabled()))
}

/// Refuses every action while the setting is off.
async fn require_may_invite(state: &AppState, user: &PartnerUser) -> Result<(), AppError> {
    if may_invite(state, user).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A colleague of `user` still owing their password; anyone else is not found.
async fn invited_colleague(
    state: &AppState,
    user: &PartnerUser,
    id: i64,
) -> Result<users::User, AppError> {
    users::find(&state.db, id)
        .await?
        .filter(|u| u.partner_id == Some(user.partner_id))
        .filter(|u| u.password_hash == users::INVITED && !u.is_disabled())
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
) -> Result<TeamPage, AppError> {
    team_page(&state, &user, page, String::new(), None).await
}

#[derive(Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

/// Invites a colleague to the user's own partner, as a partner user; they choose their own
/// password and language from the e-mail.
pub async fn invite(
    user: PartnerUser,
    request: FormRequest,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let state = &request.state;
    require_may_invite(state, &user).await?;
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let page = team_page(state, &user, request.page, form.email, Some(e.0)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let new_user = NewUser {
        email: &email,
        password_hash: users::INVITED,
        role: Role::Partner,
        partner_id: Some(user.partner_id),
    };
    match admin_access::invite(&request, &user.user, &new_user, true, paths::TEAM).await? {
        Ok(done) => Ok(done),
        Err(EmailTaken) => {
            let taken = Some("error-email-taken");
            let page = team_page(state, &user, request.page, form.email, taken).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// A new link for a colleague's invitation; the earlier one stops working.
pub async fn resend(
    user: PartnerUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_may_invite(&request.state, &user).await?;
    let colleague = invited_colleague(&request.state, &user, id).await?;
    admin_access::resend(request, &user.user, colleague, paths::TEAM).await
}

/// The colleague's open invitation stops working; they stay, without a password.
pub async fn revoke(
    user: PartnerUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_may_invite(&request.state, &user).await?;
    let colleague = invited_colleague(&request.state, &user, id).await?;
    admin_access::revoke(&request, &user.user, colleague, paths::TEAM).await
}

#[derive(Default, Deserialize)]
pub struct AllowForm {
    /// `1` lets the partner's users invite colleagues; anything else stops them.
    #[serde(default)]
    allow: String,
}

/// The admin's setting: whether the partner's own users may invite colleagues. Audited with
/// what it was before.
pub async fn set_allowed(
    admin: crate::web::session::AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
    Form(form): Form<AllowForm>,
) -> Result<Response, AppError> {
    let ActionRequest {
        state,
        session,
        request_id,
    } = &request;
    let partner = partners::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allow = form.allow == "1";
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    partners::set_users_may_invite(&mut tx, id, allow).await?;
    let actor = admin.0.actor();
    let event = Event::new(
        &actor,
        "partner.colleague_invitations_changed",
        "partner",
        id,
    )
    .partner(Some(id))
    .before(serde_json::json!({ "users_may_invite": partner.users_may_invite() }))
    .after(serde_json::json!({ "users_may_invite": allow }))
    .request(Some(request_id.as_str()));
    let key = if allow {
        "flash-colleague-invitations-on"
    } else {
        "flash-colleague-invitations-off"
    };
    let (value, back) = (Some(partner.name), paths::ADMIN_PARTNERS);
    form_request::finish(tx, now, event, session, key, value, back).await
}
