//! Message catalogues (Fluent) in English, Polish and Czech, and the choice of language.
//!
//! Every text a user sees comes from here. A key missing from a catalogue falls back to English
//! at run time; the catalogue test in `tests/` makes sure that never ships.

pub mod format;
pub mod lang;
pub mod number;

pub use lang::Lang;

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumberOptions;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The catalogue sources, compiled in.
pub const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("en.ftl")),
    (Lang::Pl, include_str!("pl.ftl")),
    (Lang::Cs, include_str!("cs.ftl")),
];

struct Catalogues {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    /// Each language's messages that take no argument, formatted once: a page of the bookings
    /// list asks for about a thousand labels, and Fluent would resolve each one's pattern again.
    plain: HashMap<Lang, HashMap<String, String>>,
}

fn catalogues() -> &'static Catalogues {
    static CATALOGUES: OnceLock<Catalogues> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let bundles: HashMap<Lang, FluentBundle<FluentResource>> = SOURCES
            .iter()
            .map(|(lang, source)| (*lang, bundle(*lang, source)))
            .collect();
        let plain = SOURCES
            .iter()
            .map(|(lang, source)| (*lang, plain_messages(&bundles[lang], source)))
            .collect();
        Catalogues { bundles, plain }
    })
}

/// The messages of `bundle` whose text is the same whatever the arguments: those that format
/// without an error when given none (a message that reads a variable reports it missing).
fn plain_messages(bundle: &FluentBundle<FluentResource>, source: &str) -> HashMap<String, String> {
    keys(source)
        .into_iter()
        .filter_map(|key| {
            let pattern = bundle.get_message(&key)?.value()?;
            let mut errors = vec![];
            let text = bundle
                .format_pattern(pattern, None, &mut errors)
                .into_owned();
            errors.is_empty().then_some((key, text))
        })
        .collect()
}

fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks would show up as stray characters in attributes and CSV.
    bundle.set_use_isolating(false);
    // Fluent prints numbers bare ("12345"); counts in messages get the language's grouping.
    bundle.set_formatter(Some(match lang {
        Lang::En => grouped_en,
        Lang::Pl => grouped_pl,
        Lang::Cs => grouped_cs,
    }));
    // A syntax error keeps the entries that did parse; the catalogue test reports it.
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(res, _)| res);
    // Duplicate keys keep the first definition; the catalogue test reports them.
    bundle.add_resource_overriding(resource);
    bundle
}

/// A whole-number argument written with [`number::format_number`]; anything else (fractions,
/// explicit `NUMBER()` options) is left to Fluent.
fn grouped(lang: Lang, value: &FluentValue) -> Option<String> {
    // Beyond 2^53 an f64 no longer holds every whole number exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let FluentValue::Number(number) = value else {
        return None;
    };
    let plain = number.options == FluentNumberOptions::default();
    let whole = number.value.fract() == 0.0 && number.value.abs() < EXACT;
    (plain && whole).then(|| number::format_number(lang, number.value as i64))
}

// The formatter hook takes a plain function, not a closure, so each language has its own.
fn grouped_en<M>(value: &FluentValue, _: &M) -> Option<String> {
    grouped(Lang::En, value)
}

fn grouped_pl<M>(value: &FluentValue, _: &M) -> Option<String> {
    grouped(Lang::Pl, value)
}

fn grouped_cs<M>(value: &FluentValue, _: &M) -> Option<String> {
    grouped(Lang::Cs, value)
}

fn format(lang: Lang, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = catalogues().bundles.get(&lang)?;
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = vec![];
    Some(
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned(),
    )
}

/// The message for `key` in `lang`, else in English, else the key itself.
pub fn text(lang: Lang, key: &str) -> String {
    plain_or_format(lang, key)
        .or_else(|| plain_or_format(Lang::En, key))
        .unwrap_or_else(|| key.to_string())
}

/// `lang`'s own message for `key` without arguments: formatted once if it takes none.
fn plain_or_format(lang: Lang, key: &str) -> Option<String> {
    match catalogues().plain.get(&lang).and_then(|m| m.get(key)) {
        Some(text) => Some(text.clone()),
        None => format(lang, key, None),
    }
}

/// Like [`text`], with named arguments.
pub fn text_with(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    format(lang, key, Some(&fluent_args))
        .or_else(|| format(Lang::En, key, Some(&fluent_args)))
        .unwrap_or_else(|| key.to_string())
}

/// Whether `lang`'s own catalogue has `key` (no fallback).
pub fn has_key(lang: Lang, key: &str) -> bool {
    catalogues()
        .bundles
        .get(&lang)
        .is_some_and(|b| b.has_message(key))
}

/// The message ids defined in one catalogue source.
pub fn keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("pl-PL,pl;q=0.9,en;q=0.8"),
            Some(Lang::Pl)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,cs;q=0.5,en;q=0.7"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(
            Lang::from_accept_language("cs;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn unknown_keys_fall_back_to_the_key() {
        assert_eq!(text(Lang::Pl, "no-such-key"), "no-such-key");
    }

    #[test]
    fn every_message_reads_the_same_whether_formatted_once_or_again() {
        for (lang, source) in SOURCES {
            for key in keys(source) {
                assert_eq!(
                    Some(text(lang, &key)),
                    format(lang, &key, None).or_else(|| format(Lang::En, &key, None)),
                    "{key} in {}",
                    lang.code()
                );
            }
        }
        let plain = &catalogues().plain[&Lang::En];
        assert!(plain.contains_key("bookings-col-time"));
        // A message that reads an argument is formatted with it every time.
        assert!(!plain.contains_key("bookings-overdue-short"));
        assert_ne!(
            text_with(Lang::En, "bookings-overdue-short", &[("count", 5.into())]),
            text_with(Lang::En, "bookings-overdue-short", &[("count", 6.into())])
        );
    }

    #[test]
    fn english_has_the_login_title() {
        assert!(has_key(Lang::En, "login-title"));
        assert_ne!(text(Lang::En, "login-title"), "login-title");
    }
}
