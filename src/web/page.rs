//! What every page needs besides its own data: language, user, CSRF token, flash messages.

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::csrf;
use crate::auth::session::{CurrentUser, LANG_KEY, session_of};
use crate::domain::Role;
use crate::i18n::{self, Lang};
use crate::web::error::AppError;
use crate::web::paths::{self, IntArg};

const FLASH_KEY: &str = "flash";

/// How a flash message looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Error,
    Info,
}

impl FlashKind {
    pub fn css(self) -> &'static str {
        match self {
            FlashKind::Success => "flash-success",
            FlashKind::Error => "flash-error",
            FlashKind::Info => "flash-info",
        }
    }
}

/// A message shown once on the next page; `key` names it in the catalogues and `value` fills
/// its `$value` argument.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub key: String,
    pub value: Option<String>,
}

/// Queues a flash message for the next page this session sees.
pub async fn flash(
    session: &Session,
    kind: FlashKind,
    key: &str,
    value: Option<String>,
) -> Result<(), AppError> {
    let mut queued: Vec<Flash> = session.get(FLASH_KEY).await?.unwrap_or_default();
    queued.push(Flash {
        kind,
        key: key.to_string(),
        value,
    });
    session.insert(FLASH_KEY, queued).await?;
    Ok(())
}

/// One entry of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
}

/// The shared context of a rendered page.
pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flashes: Vec<Flash>,
}

impl Page {
    /// A page without session context, e.g. for error pages.
    pub fn bare(lang: Lang) -> Self {
        Page {
            lang,
            user: None,
            csrf: String::new(),
            flashes: vec![],
        }
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key)
    }

    /// The message `key` with one text argument `$value`.
    pub fn t_value(&self, key: &str, value: &str) -> String {
        i18n::text_with(self.lang, key, &[("value", FluentValue::from(value))])
    }

    /// The message `key` with one numeric argument `$count`, for plurals.
    pub fn t_count(&self, key: &str, count: impl IntArg) -> String {
        let count = count.int();
        i18n::text_with(self.lang, key, &[("count", FluentValue::from(count))])
    }

    pub fn flash_text(&self, flash: &Flash) -> String {
        match &flash.value {
            Some(value) => self.t_value(&flash.key, value),
            None => self.t(&flash.key),
        }
    }

    /// The header htmx sends with every request, carrying the CSRF token.
    pub fn htmx_headers(&self) -> String {
        serde_json::json!({ csrf::HEADER: self.csrf }).to_string()
    }

    pub fn languages(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// The navigation the user's role needs.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return vec![];
        };
        let mut items = vec![NavItem {
            href: paths::HOME,
            label_key: "nav-home",
        }];
        match user.role {
            Role::Partner => items.push(NavItem {
                href: paths::BOOKINGS,
                label_key: "nav-bookings",
            }),
            Role::PartnerCare => items.push(NavItem {
                href: paths::CARE_MISMATCHES,
                label_key: "nav-mismatches",
            }),
            Role::SalesRep => items.push(NavItem {
                href: paths::SALES_CONNECTIONS,
                label_key: "nav-connections",
            }),
            Role::Admin => {
                items.push(NavItem {
                    href: paths::ADMIN_USERS,
                    label_key: "nav-users",
                });
                items.push(NavItem {
                    href: paths::ADMIN_PARTNERS,
                    label_key: "nav-partners",
                });
            }
        }
        items.push(NavItem {
            href: paths::AUDIT,
            label_key: "nav-audit",
        });
        items
    }

    /// An instant for people: UTC for now, in `YYYY-MM-DD HH:MM` form.
    pub fn datetime(&self, unix: impl IntArg) -> String {
        time::OffsetDateTime::from_unix_timestamp(unix.int())
            .map(|t| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute()
                )
            })
            .unwrap_or_default()
    }
}

fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

async fn session_lang(session: Option<&Session>) -> Option<Lang> {
    let code: String = session?.get(LANG_KEY).await.ok()??;
    Lang::from_code(&code)
}

/// The language for a request that has not been through the extractors: the session's choice,
/// else the browser's, else English.
pub fn request_lang(request: &Request) -> impl Future<Output = Lang> + Send + 'static {
    let session = request.extensions().get::<Session>().cloned();
    let from_browser = accept_language(request.headers());
    async move {
        match session_lang(session.as_ref()).await {
            Some(lang) => lang,
            None => from_browser.unwrap_or_default(),
        }
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = session_of(parts)?;
        let user = CurrentUser::from_request_parts(parts, state).await.ok();
        let lang = match user.as_ref().and_then(|u| u.locale.as_deref()) {
            Some(code) => Lang::from_code(code),
            None => None,
        };
        let lang = match lang {
            Some(lang) => lang,
            None => match session_lang(Some(&session)).await {
                Some(lang) => lang,
                None => accept_language(&parts.headers).unwrap_or_default(),
            },
        };
        let csrf = csrf::token(&session).await?;
        let flashes: Vec<Flash> = session.remove(FLASH_KEY).await?.unwrap_or_default();
        Ok(Page {
            lang,
            user,
            csrf,
            flashes,
        })
    }
}
