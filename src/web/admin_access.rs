//! The admin's actions on a user's access: invite a new user, resend or revoke an invitation,
//! send a password reset link, and reset a lost second factor. Each is audited; none lets the
//! admin choose or see a password.

use axum::response::Response;

use crate::audit::Event;
use crate::db::account_tokens::{self, Purpose};
use crate::db::users::NewUser;
use crate::db::{Tx, emails, is_unique_violation, second_factor, sessions, users};
use crate::web::account_links::{self, Recipient};
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::form_request::{self, ActionRequest, FormRequest};
use crate::web::paths;
use crate::web::session::{AdminUser, CurrentUser};
use crate::web::state::AppState;

async fn invited_user(state: &AppState, id: i64) -> Result<users::User, AppError> {
    users::find(&state.db, id)
        .await?
        .filter(|u| u.password_hash == users::INVITED && !u.is_disabled())
        .ok_or(AppError::NotFound)
}

/// What the admin's own actions here end with ([`form_request::finish`]): `event` with the
/// request's id, a message naming the user, and back to the users page.
async fn finish(
    tx: Tx,
    now: i64,
    event: Event<'_>,
    request: &ActionRequest,
    flash_key: &'static str,
    email: String,
) -> Result<Response, AppError> {
    let event = event.request(Some(request.request_id.as_str()));
    let (session, to) = (&request.session, paths::ADMIN_USERS);
    form_request::finish(tx, now, event, session, flash_key, Some(email), to).await
}

/// A new invitation link; the earlier one stops working.
pub async fn resend_invitation(
    admin: AdminUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = invited_user(&request.state, id).await?;
    resend(request, &admin.0, user, paths::ADMIN_USERS).await
}

/// The open invitation stops working; the user stays, without a password, until resent.
pub async fn revoke_invitation(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = invited_user(&request.state, id).await?;
    revoke(&request, &admin.0, user, paths::ADMIN_USERS).await
}

/// The e-mail address of a new user already belongs to someone.
pub(crate) struct EmailTaken;

/// Creates `invitee` without a password (they choose one from the invitation) and sends them
/// the invitation in the reader's language, as `by`, audited as `user.created`; then back to
/// `back` with a message naming them. A partner user inviting a colleague is said so in the
/// audit row. `Err(EmailTaken)`, with nothing written, when the address is taken.
pub(crate) async fn invite(
    request: &FormRequest,
    by: &CurrentUser,
    invitee: &NewUser<'_>,
    colleague: bool,
    back: &str,
) -> Result<Result<Response, EmailTaken>, AppError> {
    let state = &request.state;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = match users::insert(&mut tx, invitee, now).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(Err(EmailTaken)),
        Err(e) => return Err(e.into()),
    };
    let email = invitee.email.as_str();
    let to = Recipient {
        user_id: id,
        email,
        partner_id: invitee.partner_id,
        lang: request.page.lang,
    };
    let invitation =
        account_links::send(&mut tx, state, Purpose::Invitation, &to, Some(by.id), now).await?;
    let mut after = serde_json::json!({
        "email": email,
        "role": invitee.role.as_str(),
        "partner_id": invitee.partner_id,
        "invitation": invitation,
    });
    if colleague {
        after["invited_by_colleague"] = by.id.into();
    }
    let actor = by.actor();
    let event = Event::new(&actor, "user.created", "user", id)
        .partner(invitee.partner_id)
        .after(after)
        .request(Some(request.request_id.as_str()));
    let (session, value) = (&request.session, Some(email.to_string()));
    let done = form_request::finish(tx, now, event, session, "flash-user-invited", value, back);
    Ok(Ok(done.await?))
}

/// Sends `invitee` a new invitation link (the earlier one stops working) as `by`, and back to
/// `back` with a message naming them: the admin's action, and a partner user's for a colleague.
pub(crate) async fn resend(
    request: FormRequest,
    by: &CurrentUser,
    invitee: users::User,
    back: &str,
) -> Result<Response, AppError> {
    let state = &request.state;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let to = Recipient {
        user_id: invitee.id,
        email: &invitee.email,
        partner_id: invitee.partner_id,
        lang: request.page.lang,
    };
    let invitation =
        account_links::send(&mut tx, state, Purpose::Invitation, &to, Some(by.id), now).await?;
    let actor = by.actor();
    let event = Event::new(&actor, "user.invitation_resent", "user", invitee.id)
        .partner(invitee.partner_id)
        .after(serde_json::json!({ "invitation": invitation }))
        .request(Some(request.request_id.as_str()));
    let (key, email) = ("flash-invitation-resent", Some(invitee.email));
    form_request::finish(tx, now, event, &request.session, key, email, back).await
}

/// Stops `invitee`'s open invitation (they stay, without a password, until it is resent) as
/// `by`, and back to `back` with a message naming them: the admin's action, and a partner
/// user's for a colleague.
pub(crate) async fn revoke(
    request: &ActionRequest,
    by: &CurrentUser,
    invitee: users::User,
    back: &str,
) -> Result<Response, AppError> {
    let ActionRequest {
        state,
        session,
        request_id,
    } = request;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let revoked =
        account_tokens::revoke_open(&mut tx, invitee.id, Purpose::Invitation, now).await?;
    for token in &revoked {
        emails::withdraw_account_emails(&mut tx, *token).await?;
    }
    let actor = by.actor();
    let event = Event::new(&actor, "user.invitation_revoked", "user", invitee.id)
        .partner(invitee.partner_id)
        .after(serde_json::json!({ "revoked": revoked }))
        .request(Some(request_id.as_str()));
    let (key, email) = ("flash-invitation-revoked", Some(invitee.email));
    form_request::finish(tx, now, event, session, key, email, back).await
}

/// E-mails the user a reset link, as if they had asked for one; the admin never sees it.
pub async fn send_password_reset(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let user = users::find(&state.db, id)
        .await?
        .filter(|u| u.password_hash != users::INVITED && !u.is_disabled())
        .ok_or(AppError::NotFound)?;
    let lang = user
        .locale
        .as_deref()
        .and_then(crate::i18n::Lang::from_code)
        .unwrap_or_default();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let to = Recipient {
        user_id: user.id,
        email: &user.email,
        partner_id: user.partner_id,
        lang,
    };
    let link =
        account_links::send(&mut tx, state, Purpose::Reset, &to, Some(admin.0.id), now).await?;
    let actor = admin.0.actor();
    let event = Event::new(&actor, "user.password_reset_sent", "user", user.id)
        .partner(user.partner_id)
        .after(serde_json::json!({ "reset": link }));
    finish(tx, now, event, &request, "flash-reset-sent", user.email).await
}

/// Removes a user's second factor (a lost phone and lost codes): their sessions end, and they
/// enrol again at their next login (staff) or when they choose (partners).
pub async fn reset_second_factor(
    admin: AdminUser,
    request: ActionRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let state = &request.state;
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.id == admin.0.id {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let had = second_factor::remove(&mut tx, user.id).await?;
    let ended = sessions::end_all_for_user(&mut tx, user.id).await?;
    if had {
        account_links::notify_account_change(
            &mut tx,
            state,
            account_links::AccountChange::SecondFactorRemoved,
            user.id,
            &user.email,
            user.partner_id,
            now,
        )
        .await?;
    }
    let actor = admin.0.actor();
    let event = Event::new(&actor, "user.second_factor_reset", "user", user.id)
        .partner(user.partner_id)
        .before(serde_json::json!({ "second_factor": had }))
        .after(serde_json::json!({ "second_factor": false, "sessions_ended": ended }));
    finish(
        tx,
        now,
        event,
        &request,
        "flash-second-factor-reset",
        user.email,
    )
    .await
}
