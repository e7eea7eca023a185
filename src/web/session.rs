//! The logged-in user, and extractors that admit only one role.
//!
//! Roles are enforced here, by the type a handler asks for, never by hiding links: a handler
//! taking [`PartnerUser`] cannot run for anyone but a partner user, and gets that user's
//! partner id to scope every query with.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::audit::Actor;
use crate::db::sessions::{LoadedUser, USER_ID_KEY, USER_ROW_KEY};
use crate::db::users;
use crate::domain::Role;
use crate::web::error::AppError;
use crate::web::htmx::Htmx;
use crate::web::state::AppState;

/// When the user logged in (Unix seconds); for the absolute timeout.
pub const LOGIN_AT_KEY: &str = "login_at";
/// When the user was last seen (Unix seconds); for the idle timeout.
pub const SEEN_AT_KEY: &str = "seen_at";
/// The interface language chosen in this session.
pub const LANG_KEY: &str = "lang";
/// The browser of this session (its User-Agent, cut short), for the user's list of sessions.
pub const DEVICE_KEY: &str = "device";
/// The address this session was first used from, for the same list.
pub const ADDRESS_KEY: &str = "address";

/// Refresh `seen_at` (and so the stored expiry) at most this often, to spare a write per request.
const SEEN_AT_RESOLUTION: i64 = 60;

/// A logged-in, enabled user.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub partner_id: Option<i64>,
    pub locale: Option<String>,
    /// The IANA time zone of the user's partner; `None` for staff.
    pub timezone: Option<String>,
}

impl CurrentUser {
    /// This user as the actor of an audit event.
    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.id,
            email: self.email.clone(),
        }
    }
}

pub(crate) fn session_of(parts: &Parts) -> Result<Session, AppError> {
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session layer missing")))
}

async fn end_session(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("ending session: {e}")))
}

/// Notes the browser and address of a session on its first authenticated request.
async fn record_device(parts: &Parts, session: &Session) -> Result<(), AppError> {
    let address = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_default();
    let device: String = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect();
    session.insert(ADDRESS_KEY, address).await?;
    session.insert(DEVICE_KEY, device).await?;
    Ok(())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let unauthenticated = AppError::Unauthenticated {
            htmx: Htmx::of(&parts.headers).fragment,
        };
        let session = session_of(parts)?;
        let Some(user_id) = session.get::<i64>(USER_ID_KEY).await? else {
            return Err(unauthenticated);
        };
        let now = state.clock.now();
        let login_at = session.get::<i64>(LOGIN_AT_KEY).await?.unwrap_or(0);
        let seen_at = session.get::<i64>(SEEN_AT_KEY).await?.unwrap_or(0);
        let absolute = state.config.absolute_timeout.as_secs() as i64;
        let idle = state.config.idle_timeout.as_secs() as i64;
        if now - login_at > absolute || now - seen_at > idle {
            end_session(&session).await?;
            return Err(unauthenticated);
        }
        // The session store read the user along with the session (one query); only a session
        // saved in this very request lacks it.
        let loaded = match session.get::<LoadedUser>(USER_ROW_KEY).await? {
            Some(user) if user.id == user_id => Some(user),
            _ => users::find_for_session(&state.db, user_id)
                .await?
                .map(|found| LoadedUser {
                    disabled: found.user.is_disabled(),
                    id: found.user.id,
                    email: found.user.email,
                    role: found.user.role,
                    partner_id: found.user.partner_id,
                    locale: found.user.locale,
                    timezone: found.partner_timezone,
                }),
        };
        let Some((user, role)) =
            loaded.and_then(|user| Some((user.clone(), user.role.parse::<Role>().ok()?)))
        else {
            end_session(&session).await?;
            return Err(unauthenticated);
        };
        if user.disabled {
            end_session(&session).await?;
            return Err(unauthenticated);
        }
        if now - seen_at >= SEEN_AT_RESOLUTION {
            session.insert(SEEN_AT_KEY, now).await?;
        }
        if session.get::<String>(ADDRESS_KEY).await?.is_none() {
            record_device(parts, &session).await?;
        }
        let current = CurrentUser {
            id: user.id,
            email: user.email,
            role,
            partner_id: user.partner_id,
            locale: user.locale,
            timezone: user.timezone,
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// A user of one partner; `partner_id` scopes everything it may see.
#[derive(Clone, Debug)]
pub struct PartnerUser {
    pub user: CurrentUser,
    pub partner_id: i64,
}

impl FromRequestParts<AppState> for PartnerUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        match (user.role, user.partner_id) {
            (Role::Partner, Some(partner_id)) => Ok(PartnerUser { user, partner_id }),
            _ => Err(AppError::Forbidden),
        }
    }
}

macro_rules! staff_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub CurrentUser);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, AppError> {
                let user = CurrentUser::from_request_parts(parts, state).await?;
                if user.role == $role {
                    Ok($name(user))
                } else {
                    Err(AppError::Forbidden)
                }
            }
        }
    };
}

staff_extractor!(
    /// A member of the channel's Partner Care team.
    CareUser,
    Role::PartnerCare
);
staff_extractor!(
    /// A sales rep of the channel.
    SalesUser,
    Role::SalesRep
);
staff_extractor!(
    /// An administrator.
    AdminUser,
    Role::Admin
);

/// Who may read and act on one linked booking: a partner user (its own bookings only) or
/// Partner Care (any partner's, since it acts for them). Every other role is refused.
#[derive(Clone, Debug)]
pub enum BookingUser {
    Partner(PartnerUser),
    Care(CurrentUser),
}

impl BookingUser {
    pub fn user(&self) -> &CurrentUser {
        match self {
            BookingUser::Partner(p) => &p.user,
            BookingUser::Care(user) => user,
        }
    }

    /// The partner the user is limited to; `None` for Partner Care.
    pub fn partner_scope(&self) -> Option<i64> {
        match self {
            BookingUser::Partner(p) => Some(p.partner_id),
            BookingUser::Care(_) => None,
        }
    }

    /// Whether the user may see a booking of `partner_id`.
    pub fn may_see(&self, partner_id: i64) -> bool {
        self.partner_scope().is_none_or(|own| own == partner_id)
    }

    pub fn is_care(&self) -> bool {
        matches!(self, BookingUser::Care(_))
    }
}

impl FromRequestParts<AppState> for BookingUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        match (user.role, user.partner_id) {
            (Role::Partner, Some(partner_id)) => {
                Ok(BookingUser::Partner(PartnerUser { user, partner_id }))
            }
            (Role::PartnerCare, _) => Ok(BookingUser::Care(user)),
            _ => Err(AppError::Forbidden),
        }
    }
}
