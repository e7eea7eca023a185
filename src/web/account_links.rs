//! The links sent by e-mail to set a password: invitations (72 hours) and resets (30
//! minutes). A link's token is random, goes out in the e-mail only and is stored as a hash;
//! issuing a new link revokes the user's earlier ones of the same kind.

use fluent_bundle::FluentValue;

use crate::auth::tokens;
use crate::db::account_tokens::{self, Purpose};
use crate::db::emails::{self, AccountEmail};
use crate::db::{Db, Tx, users};
use crate::i18n::{self, Lang};
use crate::web::error::AppError;
use crate::web::paths;
use crate::web::state::AppState;

/// How long an invitation link works.
pub const INVITATION_TTL_SECS: i64 = 72 * 60 * 60;
/// How long a reset link works.
pub const RESET_TTL_SECS: i64 = 30 * 60;

/// Who the link is for.
pub struct Recipient<'a> {
    pub user_id: i64,
    pub email: &'a str,
    pub partner_id: Option<i64>,
    pub lang: Lang,
}

/// Issues a link and queues its e-mail, inside the caller's transaction; returns the token
/// id. Earlier open links of the same purpose stop working and their e-mails are withdrawn.
pub async fn send(
    tx: &mut Tx,
    state: &AppState,
    purpose: Purpose,
    to: &Recipient<'_>,
    created_by: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let token = tokens::new_link_token();
    let ttl = match purpose {
        Purpose::Invitation => INVITATION_TTL_SECS,
        Purpose::Reset => RESET_TTL_SECS,
    };
    let (id, revoked) = account_tokens::issue(
        tx,
        to.user_id,
        purpose,
        &tokens::hash(&token),
        now,
        now + ttl,
        created_by,
    )
    .await?;
    for old in revoked {
        emails::withdraw_account_emails(tx, old).await?;
    }
    let (path, subject_key, body_key) = match purpose {
        Purpose::Invitation => (
            paths::invitation(&token),
            "mail-subject-invitation",
            "mail-body-invitation",
        ),
        Purpose::Reset => (
            paths::password_reset(&token),
            "mail-subject-reset",
            "mail-body-reset",
        ),
    };
    let link = format!("{}{path}", state.link_base);
    // In the recipient's language: their own, else their partner's (an invitee to a Kraków
    // partner reads Polish whoever invited them); the caller's guess otherwise.
    let (locale, _) = users::mail_preferences(tx, to.user_id).await?;
    let lang = locale
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(to.lang);
    let body = i18n::text_with(
        lang,
        body_key,
        &[
            ("link", FluentValue::from(link.as_str())),
            ("email", FluentValue::from(to.email)),
        ],
    );
    let subject = i18n::text(lang, subject_key);
    let email = AccountEmail {
        partner_id: to.partner_id,
        recipient: to.email,
        subject: &subject,
        body: &body,
        token_id: id,
    };
    emails::queue_account_email(tx, &email, state.config.mail_held(), now).await?;
    Ok(id)
}

/// A change to someone's way of logging in that they are told about by e-mail (so that a change
/// they did not make does not go unnoticed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChange {
    /// Changed on `/account`, or chosen through a reset link.
    PasswordChanged,
    /// A second factor was set up.
    SecondFactorEnrolled,
    /// An admin removed the second factor.
    SecondFactorRemoved,
}

impl AccountChange {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            AccountChange::PasswordChanged => (
                "mail-subject-password-changed",
                "mail-body-password-changed",
            ),
            AccountChange::SecondFactorEnrolled => (
                "mail-subject-second-factor-enrolled",
                "mail-body-second-factor-enrolled",
            ),
            AccountChange::SecondFactorRemoved => (
                "mail-subject-second-factor-removed",
                "mail-body-second-factor-removed",
            ),
        }
    }
}

/// Tells the user by e-mail what changed about their login, in their language and on their
/// clock, with where to go if it was not them. Inside the caller's transaction, so the notice
/// exists exactly when the change does.
pub async fn notify_account_change(
    tx: &mut Tx,
    state: &AppState,
    change: AccountChange,
    user_id: i64,
    email: &str,
    partner_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let (locale, timezone) = users::mail_preferences(tx, user_id).await?;
    let lang = locale
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_default();
    let tz = timezone
        .as_deref()
        .map(i18n::format::time_zone)
        .unwrap_or_else(i18n::format::default_time_zone);
    let when = i18n::format::format_datetime(lang, now, &tz);
    let forgot = format!("{}{}", state.link_base, paths::PASSWORD_FORGOT);
    let (subject_key, body_key) = change.keys();
    let body = i18n::text_with(
        lang,
        body_key,
        &[
            ("email", FluentValue::from(email)),
            ("when", FluentValue::from(when.as_str())),
            ("link", FluentValue::from(forgot.as_str())),
        ],
    );
    let subject = i18n::text(lang, subject_key);
    emails::queue_account_notice(
        tx,
        partner_id,
        email,
        &subject,
        &body,
        state.config.mail_held(),
        now,
    )
    .await?;
    Ok(())
}

/// The link a token opens, if it is one of `purpose`.
pub async fn find(
    db: &Db,
    purpose: Purpose,
    token: &str,
) -> Result<Option<account_tokens::TokenRow>, AppError> {
    // Tokens are 64 hex digits; anything else is not worth a query.
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(account_tokens::find(db, purpose, &tokens::hash(token)).await?)
}
