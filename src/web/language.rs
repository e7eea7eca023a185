//! The language switcher in the page header.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::session::LANG_KEY;
use crate::db::users;
use crate::i18n::Lang;
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::login::CurrentUserOpt;
use crate::web::paths;

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
}

/// Saves the choice in the session and, for a logged-in user, as their preference.
pub async fn switch(
    State(state): State<AppState>,
    session: Session,
    user: Option<CurrentUserOpt>,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&form.lang).ok_or(AppError::BadRequest("error-language-unknown"))?;
    session.insert(LANG_KEY, lang.code()).await?;
    if let Some(CurrentUserOpt(user)) = user {
        users::set_locale(&state.db, user.id, lang.code()).await?;
    }
    let target = paths::local_redirect_target(&form.next).unwrap_or(paths::HOME);
    Ok(Redirect::to(target).into_response())
}
