//! The language switcher in the page header.

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::audit::{self, Event};
use crate::db::users;
use crate::i18n::Lang;
use crate::web::error::AppError;
use crate::web::extract::Form;
use crate::web::form_request::ActionRequest;
use crate::web::login::CurrentUserOpt;
use crate::web::paths;
use crate::web::session::LANG_KEY;

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
}

/// Saves the choice in the session and, for a logged-in user, as their preference.
///
/// A change of a user's preference is audited: it decides the language of everything the
/// user reads, so when a partner says they were shown the wrong language, the trail tells.
pub async fn switch(
    request: ActionRequest,
    user: Option<CurrentUserOpt>,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let (state, session) = (&request.state, &request.session);
    let lang = Lang::from_code(&form.lang).ok_or(AppError::BadRequest("error-language-unknown"))?;
    session.insert(LANG_KEY, lang.code()).await?;
    // Choosing the language already saved changes nothing, so it is not audited.
    let changed = user.filter(|CurrentUserOpt(u)| u.locale.as_deref() != Some(lang.code()));
    if let Some(CurrentUserOpt(user)) = changed {
        let mut tx = state.db.begin_write().await?;
        users::set_locale(&mut tx, user.id, lang.code()).await?;
        audit::append(
            &mut tx,
            state.clock.now(),
            Event::new(&user.actor(), "user.language_changed", "user", user.id)
                .partner(user.partner_id)
                .before(serde_json::json!({ "locale": user.locale }))
                .after(serde_json::json!({ "locale": lang.code() }))
                .request(Some(request.request_id.as_str())),
        )?;
        tx.commit().await?;
    }
    let target = paths::local_redirect_target(&form.next).unwrap_or(paths::HOME);
    Ok(Redirect::to(target).into_response())
}
