//! The catalogue checks: every catalogue parses, defines each key once, has every key the others
//! have, uses the same variables as English, translates what it defines, and defines no key
//! that nothing uses.
//!
//! Each check is a function from catalogues (and the scanned sources) to a list of problems, so
//! the self-tests at the bottom can feed it a broken catalogue and see it complain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bookbridge::i18n::{self, SOURCES};
use fluent_bundle::{FluentError, FluentResource, concurrent::FluentBundle};
use libtest_mimic::{Failed, Trial};

/// One catalogue: its language code and its Fluent source.
pub struct Catalogue {
    pub lang: String,
    pub source: String,
}

/// The catalogues compiled into the application.
pub fn shipped() -> Vec<Catalogue> {
    SOURCES
        .iter()
        .map(|(lang, source)| Catalogue {
            lang: lang.code().to_string(),
            source: source.to_string(),
        })
        .collect()
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// Syntax errors, with their line.
pub fn syntax_errors(catalogues: &[Catalogue]) -> Vec<String> {
    let mut problems = vec![];
    for c in catalogues {
        if let Err((_, errors)) = FluentResource::try_new(c.source.clone()) {
            for e in errors {
                // The entry the error spoils (its slice) is where a translator looks first.
                let start = e.slice.as_ref().unwrap_or(&e.pos).start;
                let line = line_of(&c.source, start);
                problems.push(format!("{}.ftl line {line}: {:?}", c.lang, e.kind));
            }
        }
    }
    problems
}

/// Keys defined more than once in one catalogue (the bundle would silently keep one of them).
pub fn duplicate_keys(catalogues: &[Catalogue]) -> Vec<String> {
    let mut problems = vec![];
    for c in catalogues {
        let resource = match FluentResource::try_new(c.source.clone()) {
            Ok(resource) | Err((resource, _)) => resource,
        };
        let mut bundle = FluentBundle::new_concurrent(vec![]);
        if let Err(errors) = bundle.add_resource(resource) {
            for e in errors {
                match e {
                    FluentError::Overriding { id, .. } => {
                        problems.push(format!("{}.ftl defines `{id}` twice", c.lang));
                    }
                    other => problems.push(format!("{}.ftl: {other:?}", c.lang)),
                }
            }
        }
    }
    problems
}

/// Keys some catalogue has and another lacks.
pub fn missing_keys(catalogues: &[Catalogue]) -> Vec<String> {
    let defined: Vec<(&str, BTreeSet<String>)> = catalogues
        .iter()
        .map(|c| (c.lang.as_str(), i18n::keys(&c.source).into_iter().collect()))
        .collect();
    let all: BTreeSet<&String> = defined.iter().flat_map(|(_, keys)| keys).collect();
    let mut problems = vec![];
    for (lang, keys) in &defined {
        for key in &all {
            if !keys.contains(*key) {
                problems.push(format!("{lang}.ftl lacks `{key}`"));
            }
        }
    }
    problems
}

/// Each message's source text, by key: its first line and the indented lines after it.
fn messages(source: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in source.lines() {
        // A new entry, comment or term starts at the line's first column; a message's own
        // continuation lines are indented, blank, or close a select expression.
        let starts_entry = line
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '#' || c == '-');
        if starts_entry {
            if let Some((key, text)) = current.take() {
                out.insert(key, text);
            }
            if let Some((key, rest)) = line.split_once('=') {
                let key = key.trim();
                if key.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                    current = Some((key.to_string(), rest.to_string()));
                }
            }
        } else if let Some((_, text)) = current.as_mut() {
            text.push('\n');
            text.push_str(line);
        }
    }
    if let Some((key, text)) = current {
        out.insert(key, text);
    }
    out
}

/// The variables (`$name`) a message refers to.
fn variables(message: &str) -> BTreeSet<String> {
    message
        .split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Messages whose variables differ from the first (English) catalogue's: a translation that
/// drops `{ $value }` hides a name, one that invents a variable shows an error.
pub fn placeable_mismatches(catalogues: &[Catalogue]) -> Vec<String> {
    let Some((reference, others)) = catalogues.split_first() else {
        return vec![];
    };
    let expected = messages(&reference.source);
    let mut problems = vec![];
    for c in others {
        for (key, text) in messages(&c.source) {
            let Some(english) = expected.get(&key) else {
                continue;
            };
            let (want, got) = (variables(english), variables(&text));
            if want != got {
                problems.push(format!(
                    "{}.ftl `{key}` uses {got:?}, {}.ftl uses {want:?}",
                    c.lang, reference.lang
                ));
            }
        }
    }
    problems
}

/// Messages of three words or more that a translation copies from English unchanged: an
/// untranslated line the page checks cannot see, since they look for English that differs.
/// Single words and names ("Administrator", "Partner Care") may well be the same.
pub fn untranslated(catalogues: &[Catalogue]) -> Vec<String> {
    let Some((reference, others)) = catalogues.split_first() else {
        return vec![];
    };
    let english = messages(&reference.source);
    let mut problems = vec![];
    for c in others {
        for (key, text) in messages(&c.source) {
            let same = english.get(&key).is_some_and(|e| e.trim() == text.trim());
            if same && text.split_whitespace().count() >= 3 {
                problems.push(format!("{}.ftl `{key}` is still in English", c.lang));
            }
        }
    }
    problems
}

/// Whether `c` may be part of a key: keys are lowercase, with `-` and `_` between words.
fn is_key_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
}

/// Every double-quoted literal in `text` that has the shape of a key.
///
/// Takes each stretch between two quote marks and keeps it only if it is nothing but key
/// characters, so escaped quotes, char literals and text with spaces never yield a key; the
/// stretches between literals rarely look like keys, and at worst make a key count as used.
pub fn quoted_keys(text: &str) -> BTreeSet<String> {
    text.split('"')
        .skip(1)
        .filter(|piece| {
            piece.starts_with(|c: char| c.is_ascii_lowercase()) && piece.chars().all(is_key_char)
        })
        .map(str::to_string)
        .collect()
}

/// Keys the first catalogue defines that appear as a literal in none of `sources`.
pub fn unused_keys(catalogues: &[Catalogue], sources: &[String]) -> Vec<String> {
    let Some(reference) = catalogues.first() else {
        return vec![];
    };
    let used: BTreeSet<String> = sources.iter().flat_map(|s| quoted_keys(s)).collect();
    i18n::keys(&reference.source)
        .into_iter()
        .filter(|key| !used.contains(key))
        .map(|key| format!("`{key}` is defined but no template or source file uses it"))
        .collect()
}

/// Keys templates ask for by name (`page.t("…")` and its siblings) that no catalogue defines.
pub fn undefined_keys(catalogues: &[Catalogue], sources: &[String]) -> Vec<String> {
    let Some(reference) = catalogues.first() else {
        return vec![];
    };
    let defined: BTreeSet<String> = i18n::keys(&reference.source).into_iter().collect();
    let mut problems = BTreeSet::new();
    for source in sources {
        for call in [".t(\"", ".t_value(\"", ".t_count(\""] {
            for (at, _) in source.match_indices(call) {
                let rest = &source[at + call.len()..];
                let key: String = rest.chars().take_while(|c| *c != '"').collect();
                if !defined.contains(&key) {
                    problems.insert(format!("`{key}` is asked for but not defined"));
                }
            }
        }
    }
    problems.into_iter().collect()
}

fn collect_files(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// The text of every template and every Rust source file of the application.
pub fn application_sources() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    collect_files(&root.join("templates"), "html", &mut files);
    collect_files(&root.join("src"), "rs", &mut files);
    assert!(files.len() > 5, "found the templates and sources");
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        .collect()
}

fn verdict(problems: Vec<String>) -> Result<(), Failed> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn catalogue(lang: &str, source: &str) -> Catalogue {
    Catalogue {
        lang: lang.into(),
        source: source.into(),
    }
}

/// The checks on the shipped catalogues, and the checks' own tests.
pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("catalogues::every_catalogue_parses", || {
            verdict(syntax_errors(&shipped()))
        }),
        Trial::test("catalogues::no_catalogue_defines_a_key_twice", || {
            verdict(duplicate_keys(&shipped()))
        }),
        Trial::test("catalogues::every_catalogue_has_every_key", || {
            verdict(missing_keys(&shipped()))
        }),
        Trial::test(
            "catalogues::every_translation_uses_the_variables_of_the_english_message",
            || verdict(placeable_mismatches(&shipped())),
        ),
        Trial::test(
            "catalogues::no_translation_is_a_copy_of_the_english_text",
            || verdict(untranslated(&shipped())),
        ),
        Trial::test(
            "catalogues::every_key_is_used_by_a_template_or_source_file",
            || verdict(unused_keys(&shipped(), &application_sources())),
        ),
        Trial::test(
            "catalogues::every_key_a_template_asks_for_is_defined",
            || verdict(undefined_keys(&shipped(), &application_sources())),
        ),
        Trial::test(
            "catalogue_checks::a_syntax_error_is_reported_with_its_line",
            || {
                let broken = [catalogue(
                    "pl",
                    "ok = Dobrze\nbroken = { $value\nnext = Dalej\n",
                )];
                let problems = syntax_errors(&broken);
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert!(problems[0].starts_with("pl.ftl line 2"), "{problems:?}");
                Ok(())
            },
        ),
        Trial::test("catalogue_checks::a_duplicate_key_is_reported", || {
            let twice = [catalogue("cs", "a-key = Jedna\nb-key = B\na-key = Dvě\n")];
            assert_eq!(duplicate_keys(&twice), vec!["cs.ftl defines `a-key` twice"]);
            Ok(())
        }),
        Trial::test(
            "catalogue_checks::a_missing_key_is_reported_for_each_side",
            || {
                let cats = [
                    catalogue("en", "shared = S\nonly-en = E\n"),
                    catalogue("pl", "shared = S\nonly-pl = P\n"),
                ];
                assert_eq!(
                    missing_keys(&cats),
                    vec!["en.ftl lacks `only-pl`", "pl.ftl lacks `only-en`"]
                );
                Ok(())
            },
        ),
        Trial::test(
            "catalogue_checks::a_dropped_or_renamed_variable_is_reported",
            || {
                let cats = [
                    catalogue(
                        "en",
                        "greet = Hi { $value }\ncount = { $count ->\n    [one] one\n   *[other] { $count } of { $value }\n}\nplain = P\n",
                    ),
                    catalogue(
                        "cs",
                        "greet = Ahoj\ncount = { $count ->\n    [one] jeden\n   *[other] { $count } z { $value }\n}\nplain = { $name }\n",
                    ),
                ];
                let problems = placeable_mismatches(&cats);
                assert_eq!(problems.len(), 2, "{problems:?}");
                assert!(problems.iter().any(|p| p.contains("`greet`")));
                assert!(problems.iter().any(|p| p.contains("`plain`")));
                Ok(())
            },
        ),
        Trial::test(
            "catalogue_checks::a_copied_english_sentence_is_reported",
            || {
                let cats = [
                    catalogue(
                        "en",
                        "role = Partner\nintro = Your bookings, side by side.\n",
                    ),
                    catalogue(
                        "pl",
                        "role = Partner\nintro = Your bookings, side by side.\n",
                    ),
                ];
                assert_eq!(
                    untranslated(&cats),
                    vec!["pl.ftl `intro` is still in English"]
                );
                Ok(())
            },
        ),
        Trial::test("catalogue_checks::an_unused_key_is_reported", || {
            let cats = [catalogue(
                "en",
                "used-key = U\nused_too = T\nunused-key = X\n",
            )];
            let sources = [
                r#"{{ page.t("used-key") }} <p class="unused-key-ish">"#.to_string(),
                r#"match role { Role::A => "used_too", _ => "other" }"#.to_string(),
            ];
            assert_eq!(
                unused_keys(&cats, &sources),
                vec!["`unused-key` is defined but no template or source file uses it"]
            );
            Ok(())
        }),
        Trial::test(
            "catalogue_checks::the_scanner_takes_only_quoted_key_shaped_literals",
            || {
                let found =
                    quoted_keys(r#"let a = "login-title"; let b = "Log in"; x('"'); "nav-home""#);
                assert!(found.contains("login-title"));
                assert!(found.contains("nav-home"));
                assert!(!found.iter().any(|k| k.contains(' ')));
                Ok(())
            },
        ),
        Trial::test("catalogue_checks::an_undefined_key_is_reported", || {
            let cats = [catalogue("en", "known = K\n")];
            let sources = [r#"{{ page.t("known") }}{{ page.t_value("unknown", x) }}"#.to_string()];
            assert_eq!(
                undefined_keys(&cats, &sources),
                vec!["`unknown` is asked for but not defined"]
            );
            Ok(())
        }),
    ]
}
