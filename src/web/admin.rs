//! The admin's pages: users and partners.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::audit::Event;
use crate::db::partners::{self, Partner};
use crate::db::users::{self, NewUser, UserListing};
use crate::db::{is_unique_violation, sessions};
use crate::domain::{Email, PartnerName, Role};
use crate::web::admin_access::{self, EmailTaken};
use crate::web::error::AppError;
use crate::web::extract::{Form, Path, Query};
use crate::web::form_request::{self, ActionRequest, FormRequest};
use crate::web::page::{FlashKind, Page, flash};
use crate::web::paths;
use crate::web::session::AdminUser;
use crate::web::state::AppState;

const USERS_PER_PAGE: i64 = 25;

/// Field name → message key of what is wrong with it.
type FieldErrors = HashMap<&'static str, &'static str>;

#[derive(Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    partner_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    page: Page,
    users: Vec<UserListing>,
    partners: Vec<Partner>,
    roles: [Role; 4],
    current_page: i64,
    total_pages: i64,
    form: NewUserForm,
    errors: FieldErrors,
    me: i64,
    /// User id → when their open invitation expires.
    open_invitations: HashMap<i64, i64>,
}

impl UsersPage {
    /// When the user's open invitation expires, if they have one.
    fn invitation_expires(&self, id: &i64) -> Option<i64> {
        self.open_invitations.get(id).copied()
    }

    fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(|key| self.page.t(key))
    }
}

#[derive(Deserialize)]
pub struct PageParam {
    page: Option<i64>,
}

async fn users_page(
    state: &AppState,
    admin: &AdminUser,
    page: Page,
    current_page: i64,
    form: NewUserForm,
    errors: FieldErrors,
) -> Result<UsersPage, AppError> {
    let total = users::count(&state.db).await?;
    let total_pages = ((total + USERS_PER_PAGE - 1) / USERS_PER_PAGE).max(1);
    let current_page = current_page.clamp(1, total_pages);
    let users = users::list(
        &state.db,
        USERS_PER_PAGE,
        (current_page - 1) * USERS_PER_PAGE,
    )
    .await?;
    let partners = partners::list(&state.db).await?;
    let open_invitations =
        crate::db::account_tokens::open_invitations(&state.db, state.clock.now())
            .await?
            .into_iter()
            .collect();
    // A fresh form opens on the first role, a partner user, who needs a partner: one is
    // chosen, so the defaults can be sent as they are.
    let mut form = form;
    if form.role.is_empty() && form.partner_id.is_empty() {
        if let Some(p) = partners.iter().find(|p| p.disabled == 0) {
            form.partner_id = p.id.to_string();
        }
    }
    Ok(UsersPage {
        open_invitations,
        page,
        users,
        partners,
        roles: Role::ALL,
        current_page,
        total_pages,
        form,
        errors,
        me: admin.0.id,
    })
}

pub async fn list_users(
    State(state): State<AppState>,
    admin: AdminUser,
    page: Page,
    Query(params): Query<PageParam>,
) -> Result<UsersPage, AppError> {
    users_page(
        &state,
        &admin,
        page,
        params.page.unwrap_or(1),
        NewUserForm::default(),
        FieldErrors::new(),
    )
    .await
}

struct ValidUser {
    email: Email,
    role: Role,
    partner_id: Option<i64>,
}

async fn validate_user(
    state: &AppState,
    form: &NewUserForm,
) -> Result<Result<ValidUser, FieldErrors>, AppError> {
    let mut errors = FieldErrors::new();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.insert("email", e.0))
        .ok();
    let role = form
        .role
        .parse::<Role>()
        .map_err(|e| errors.insert("role", e.0))
        .ok();
    let partner_id = match (role, form.partner_id.trim()) {
        (Some(Role::Partner), "") => {
            errors.insert("partner_id", "error-partner-required");
            None
        }
        (Some(Role::Partner), raw) => match raw.parse::<i64>() {
            Ok(id) if partners::find(&state.db, id).await?.is_some() => Some(id),
            _ => {
                errors.insert("partner_id", "error-partner-unknown");
                None
            }
        },
        (_, "") => None,
        (_, _) => {
            errors.insert("partner_id", "error-partner-staff");
            None
        }
    };
    Ok(match (email, role) {
        (Some(email), Some(role)) if errors.is_empty() => Ok(ValidUser {
            email,
            role,
            partner_id,
        }),
        _ => Err(errors),
    })
}

pub async fn create_user(
    admin: AdminUser,
    request: FormRequest,
    Form(form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let valid = match validate_user(state, &form).await? {
        Ok(valid) => valid,
        Err(errors) => {
            let page = users_page(state, &admin, request.page, 1, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // The admin never sets a password: the new user chooses one from the invitation.
    let new_user = NewUser {
        email: &valid.email,
        password_hash: users::INVITED,
        role: valid.role,
        partner_id: valid.partner_id,
    };
    let back = paths::ADMIN_USERS;
    match admin_access::invite(&request, &admin.0, &new_user, false, back).await? {
        Ok(done) => Ok(done),
        Err(EmailTaken) => {
            let errors = FieldErrors::from([("email", "error-email-taken")]);
            let page = users_page(state, &admin, request.page, 1, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn set_user_disabled(
    admin: &AdminUser,
    request: ActionRequest,
    id: i64,
    disabled: bool,
) -> Result<Response, AppError> {
    let ActionRequest {
        state,
        session,
        request_id,
    } = &request;
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if disabled && user.id == admin.0.id {
        flash(session, FlashKind::Error, "flash-cannot-disable-self", None).await?;
        return Ok(Redirect::to(paths::ADMIN_USERS).into_response());
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    users::set_disabled(&mut tx, id, disabled).await?;
    let ended = if disabled {
        sessions::end_all_for_user(&mut tx, id).await?
    } else {
        0
    };
    let (action, key) = if disabled {
        ("user.disabled", "flash-user-disabled")
    } else {
        ("user.enabled", "flash-user-enabled")
    };
    let actor = admin.0.actor();
    let event = Event::new(&actor, action, "user", id)
        .partner(user.partner_id)
        .before(serde_json::json!({ "disabled": user.is_disabled() }))
        .after(serde_json::json!({ "disabled": disabled, "sessions_ended": ended }))
        .request(Some(request_id.as_str()));
    let value = Some(user.email);
    form_request::finish(tx, now, event, session, key, value, paths::ADMIN_USERS).await
}

pub async fn disable_user(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_user_disabled(&admin, request, id, true).await
}

pub async fn enable_user(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_user_disabled(&admin, request, id, false).await
}

#[derive(Default, Deserialize)]
pub struct NewPartnerForm {
    #[serde(default)]
    name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/partners.html")]
pub struct PartnersPage {
    page: Page,
    partners: Vec<Partner>,
    form: NewPartnerForm,
    name_error: Option<&'static str>,
}

pub async fn list_partners(
    State(state): State<AppState>,
    _admin: AdminUser,
    page: Page,
) -> Result<PartnersPage, AppError> {
    Ok(PartnersPage {
        page,
        partners: partners::list(&state.db).await?,
        form: NewPartnerForm::default(),
        name_error: None,
    })
}

pub async fn create_partner(
    admin: AdminUser,
    request: FormRequest,
    Form(form): Form<NewPartnerForm>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let refuse = |page: Page, form: NewPartnerForm, key: &'static str, partners: Vec<Partner>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            PartnersPage {
                page,
                partners,
                form,
                name_error: Some(key),
            },
        )
            .into_response()
    };
    let name = match PartnerName::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            let partners = partners::list(&state.db).await?;
            return Ok(refuse(request.page, form, e.0, partners));
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = match partners::insert(&mut tx, &name, now).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            let partners = partners::list(&state.db).await?;
            return Ok(refuse(
                request.page,
                form,
                "error-partner-name-taken",
                partners,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let actor = admin.0.actor();
    let event = Event::new(&actor, "partner.created", "partner", id)
        .partner(Some(id))
        .after(serde_json::json!({ "name": name.as_str() }))
        .request(Some(request.request_id.as_str()));
    let (key, value) = ("flash-partner-created", Some(name.as_str().to_string()));
    form_request::finish(
        tx,
        now,
        event,
        &request.session,
        key,
        value,
        paths::ADMIN_PARTNERS,
    )
    .await
}

async fn set_partner_disabled(
    admin: &AdminUser,
    request: ActionRequest,
    id: i64,
    disabled: bool,
) -> Result<Response, AppError> {
    let ActionRequest {
        state,
        session,
        request_id,
    } = &request;
    let partner = partners::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    partners::set_disabled(&mut tx, id, disabled).await?;
    let (action, key) = if disabled {
        ("partner.disabled", "flash-partner-disabled")
    } else {
        ("partner.enabled", "flash-partner-enabled")
    };
    let actor = admin.0.actor();
    let event = Event::new(&actor, action, "partner", id)
        .partner(Some(id))
        .before(serde_json::json!({ "disabled": partner.is_disabled() }))
        .after(serde_json::json!({ "disabled": disabled }))
        .request(Some(request_id.as_str()));
    let value = Some(partner.name);
    form_request::finish(tx, now, event, session, key, value, paths::ADMIN_PARTNERS).await
}

pub async fn disable_partner(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_partner_disabled(&admin, request, id, true).await
}

pub async fn enable_partner(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    set_partner_disabled(&admin, request, id, false).await
}
