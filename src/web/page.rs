//! What every page needs besides its own data: language, time zone, user, CSRF token, flash
//! messages.

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use fluent_bundle::FluentValue;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::Role;
use crate::i18n::format::{self, default_time_zone, time_zone};
use crate::i18n::{self, Lang};
use crate::web::csrf;
use crate::web::error::AppError;
use crate::web::paths::{self, IntArg};
use crate::web::session::{CurrentUser, LANG_KEY, session_of};
use crate::web::state::AppState;

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
    /// Where the reader's wall clock is: their partner's zone, else the default.
    pub time_zone: TimeZone,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flashes: Vec<Flash>,
    /// The demo's mailbox is mounted (see [`crate::web::demo_mailbox`]): admins get it in
    /// their navigation.
    pub demo_mailbox: bool,
}

impl Page {
    /// A page without session context, e.g. for error pages.
    pub fn bare(lang: Lang) -> Self {
        Page {
            lang,
            time_zone: default_time_zone(),
            user: None,
            csrf: String::new(),
            flashes: vec![],
            demo_mailbox: false,
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

    /// The message `key` with named text arguments.
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = args
            .iter()
            .map(|(name, value)| (*name, FluentValue::from(value.as_str())))
            .collect();
        i18n::text_with(self.lang, key, &args)
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
            Role::Partner => {
                items.push(NavItem {
                    href: paths::BOOKINGS,
                    label_key: "nav-bookings",
                });
                items.push(NavItem {
                    href: paths::CONNECTION,
                    label_key: "nav-connection",
                });
                items.push(NavItem {
                    href: paths::OUTBOX,
                    label_key: "nav-outbox",
                });
                items.push(NavItem {
                    href: paths::TEAM,
                    label_key: "nav-team",
                });
            }
            Role::PartnerCare => {
                items.push(NavItem {
                    href: paths::CARE_MISMATCHES,
                    label_key: "nav-mismatches",
                });
                items.push(NavItem {
                    href: paths::CARE_CASES,
                    label_key: "nav-cases",
                });
                items.push(NavItem {
                    href: paths::OUTBOX,
                    label_key: "nav-outbox",
                });
            }
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
                if self.demo_mailbox {
                    items.push(NavItem {
                        href: paths::DEMO_MAILBOX,
                        label_key: "nav-mailbox",
                    });
                }
            }
        }
        items.push(NavItem {
            href: paths::AUDIT,
            label_key: "nav-audit",
        });
        items
    }

    /// An instant for people: date, time and zone in the reader's time zone and language.
    pub fn datetime(&self, unix: impl IntArg) -> String {
        format::format_datetime(self.lang, unix.int(), &self.time_zone)
    }

    /// The calendar date of an instant in the reader's time zone.
    pub fn date(&self, unix: impl IntArg) -> String {
        format::format_date(self.lang, unix.int(), &self.time_zone)
    }

    /// The time of day of an instant in the reader's time zone, without the zone.
    pub fn time(&self, unix: impl IntArg) -> String {
        format::format_time(self.lang, unix.int(), &self.time_zone)
    }

    /// A calendar day without its year, for short labels (e.g. a chart's axis).
    pub fn day_month(&self, date: &jiff::civil::Date) -> String {
        format::format_day_month(self.lang, *date)
    }

    /// A count or amount with the language's digit grouping.
    pub fn number(&self, n: impl IntArg) -> String {
        format::format_number(self.lang, n.int())
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
        // Staff work for every partner and read times in the channel's own zone.
        let time_zone = match user.as_ref().and_then(|u| u.timezone.as_deref()) {
            Some(name) => time_zone(name),
            None => default_time_zone(),
        };
        let csrf = csrf::token(&session).await?;
        // Only take the flashes out when there are some: removing marks the session changed,
        // and a changed session is written back to the database at the end of the request.
        let flashes: Vec<Flash> = match session.get::<Vec<Flash>>(FLASH_KEY).await? {
            Some(_) => session.remove(FLASH_KEY).await?.unwrap_or_default(),
            None => vec![],
        };
        Ok(Page {
            lang,
            time_zone,
            user,
            csrf,
            flashes,
            demo_mailbox: state.config.demo.is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(lang: Lang, count: i64) -> String {
        Page::bare(lang).t_count("audit-chain-intact", count)
    }

    /// Asserts that `count` entries read as `words` (number and noun) in `lang`.
    fn assert_counts(lang: Lang, cases: &[(i64, &str)]) {
        for (count, words) in cases {
            let text = chain(lang, *count);
            assert!(text.contains(&format!(" {words},")), "{count}: {text}");
        }
    }

    #[test]
    fn polish_counts_take_the_one_few_and_many_forms() {
        assert_counts(
            Lang::Pl,
            &[
                (1, "1 wpis"),
                (2, "2 wpisy"),
                (5, "5 wpisów"),
                (12, "12 wpisów"),
                (22, "22 wpisy"),
            ],
        );
    }

    #[test]
    fn czech_counts_take_the_one_few_and_other_forms() {
        assert_counts(
            Lang::Cs,
            &[
                (1, "1 záznam"),
                (2, "2 záznamy"),
                (5, "5 záznamů"),
                (22, "22 záznamů"),
            ],
        );
    }

    #[test]
    fn english_counts_take_the_one_and_other_forms() {
        assert_counts(Lang::En, &[(1, "1 entry"), (2, "2 entries")]);
    }

    #[test]
    fn counts_in_messages_are_grouped_per_language() {
        assert!(chain(Lang::En, 12_345).contains(" 12,345 entries,"));
        assert!(chain(Lang::Pl, 12_345).contains(" 12\u{a0}345 wpisów,"));
        assert!(chain(Lang::Cs, 12_345).contains(" 12\u{a0}345 záznamů,"));
    }

    #[test]
    fn a_page_without_a_user_shows_prague_time() {
        // 2026-07-05 07:05 UTC is 09:05 summer time in Prague.
        assert_eq!(
            Page::bare(Lang::En).datetime(1_783_235_100_i64),
            "5 Jul 2026, 09:05 CEST"
        );
    }
}
