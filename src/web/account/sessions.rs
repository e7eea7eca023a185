//! The user's open sessions: where and when each was last used, and signing them out.
//!
//! A session is named on the page by a handle (a hash of its id), never by its id: the id is
//! the cookie's secret.

use axum::response::Response;
use tower_sessions::Session;

use crate::audit::Event;
use crate::auth::tokens;
use crate::db::sessions as session_db;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::form_request::{self, ActionRequest};
use crate::web::paths;
use crate::web::session::CurrentUser;
use crate::web::session::{ADDRESS_KEY, DEVICE_KEY, LOGIN_AT_KEY, SEEN_AT_KEY};
use crate::web::state::AppState;

/// One open session as listed.
pub struct SessionItem {
    pub handle: String,
    pub device: String,
    pub address: String,
    pub login_at: i64,
    pub seen_at: i64,
    pub current: bool,
}

/// The handle of a session id: enough of its hash to tell a user's sessions apart.
fn handle(id: &str) -> String {
    tokens::hash(id).chars().take(20).collect()
}

fn item(stored: &session_db::UserSession, current: &str) -> SessionItem {
    let data: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&stored.data).unwrap_or_default();
    let text = |key: &str| {
        data.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let number = |key: &str| data.get(key).and_then(|v| v.as_i64()).unwrap_or(0);
    SessionItem {
        handle: handle(&stored.id),
        device: text(DEVICE_KEY),
        address: text(ADDRESS_KEY),
        login_at: number(LOGIN_AT_KEY),
        seen_at: number(SEEN_AT_KEY),
        current: stored.id == current,
    }
}

/// The user's open sessions, the current one first, then the most recently seen.
pub async fn items(
    state: &AppState,
    session: &Session,
    user_id: i64,
) -> Result<Vec<SessionItem>, AppError> {
    let current = session.id().map(|id| id.to_string()).unwrap_or_default();
    let stored = session_db::list_for_user(&state.db, user_id, state.clock.now()).await?;
    let mut items: Vec<SessionItem> = stored.iter().map(|s| item(s, &current)).collect();
    items.sort_by_key(|i| (!i.current, -i.seen_at));
    Ok(items)
}

/// Signs out one other session of the user.
pub async fn end_one(
    user: CurrentUser,
    request: ActionRequest,
    Path(target): Path<String>,
) -> Result<Response, AppError> {
    let (state, session) = (&request.state, &request.session);
    let current = session.id().map(|id| id.to_string()).unwrap_or_default();
    let stored = session_db::list_for_user(&state.db, user.id, state.clock.now()).await?;
    let Some(found) = stored
        .iter()
        .find(|s| handle(&s.id) == target && s.id != current)
    else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.db.begin_write().await?;
    session_db::end_one(&mut tx, user.id, &found.id).await?;
    let actor = user.actor();
    let event = Event::new(&actor, "user.session_ended", "user", user.id)
        .partner(user.partner_id)
        .after(serde_json::json!({ "session": target }))
        .request(Some(request.request_id.as_str()));
    let (now, key) = (state.clock.now(), "account-session-ended");
    form_request::finish(tx, now, event, session, key, None, paths::ACCOUNT).await
}

/// Signs out every session of the user but this one.
pub async fn end_others(user: CurrentUser, request: ActionRequest) -> Result<Response, AppError> {
    let (state, session) = (&request.state, &request.session);
    let current = session.id().map(|id| id.to_string()).unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    let ended = session_db::end_others(&mut tx, user.id, &current).await?;
    let actor = user.actor();
    let event = Event::new(&actor, "user.other_sessions_ended", "user", user.id)
        .partner(user.partner_id)
        .after(serde_json::json!({ "ended": ended }))
        .request(Some(request.request_id.as_str()));
    let (now, key) = (state.clock.now(), "account-sessions-ended");
    form_request::finish(tx, now, event, session, key, None, paths::ACCOUNT).await
}
