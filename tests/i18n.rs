//! Languages: the catalogues are complete and used, every page renders in Polish and Czech
//! without English catalogue text, the language choice sticks and is audited, and times are
//! shown in the partner's time zone. The HTTP tests run on SQLite and on PostgreSQL.

#[path = "i18n/catalogue.rs"]
mod catalogue;
mod common;

use bookbridge::i18n::format::{DEFAULT_TIME_ZONE, format_datetime, time_zone};
use bookbridge::i18n::{self, Lang};
use bookbridge::web::paths;
use common::{TestApp, html, select_attr, select_texts};
use scraper::{Html, Selector};

fn main() {
    common::run_with(
        catalogue::trials(),
        tests![
            every_role_reads_its_pages_in_polish_and_czech,
            an_anonymous_visitor_gets_the_browsers_language_and_may_change_it,
            the_saved_preference_beats_the_browsers_language_at_the_next_login,
            changing_the_language_is_audited_once_per_change,
            times_are_shown_in_the_partners_time_zone_and_staff_see_prague_time,
            the_audit_chain_count_is_pluralised_per_language,
            the_set_up_and_care_pages_read_in_polish_and_czech,
        ],
    );
}

/// Each demo user, a page of their own work, and the keys of what that page must say.
const ROLES: [(&str, &str, &[&str]); 4] = [
    (
        "partner@demo.test",
        paths::BOOKINGS,
        &[
            "bookings-title",
            "bookings-filter-only-mismatches",
            "bookings-empty",
        ],
    ),
    (
        "care@demo.test",
        paths::CARE_MISMATCHES,
        &["mismatches-title", "mismatches-coming"],
    ),
    (
        "sales@demo.test",
        paths::SALES_CONNECTIONS,
        &["connections-title", "connections-coming"],
    ),
    (
        "admin@demo.test",
        paths::ADMIN_USERS,
        &["users-title", "users-add"],
    ),
];

/// Every text node and attribute value of the page: what a reader can meet, escapes undone.
fn readable_text(doc: &Html) -> String {
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            out.push_str(text);
            out.push('\n');
        } else if let Some(element) = node.value().as_element() {
            for (_, value) in element.attrs() {
                out.push_str(value);
                out.push('\n');
            }
        }
    }
    out
}

/// Text runs of the English catalogue long enough to be telling, which `lang` words
/// differently. A message with variables contributes the runs between them.
fn english_phrases(lang: Lang) -> Vec<String> {
    // A private-use character stands in for `$value`, so the runs around it can be cut out.
    const HOLE: char = '\u{e000}';
    let mut phrases = vec![];
    let english_source = i18n::SOURCES
        .iter()
        .find(|(l, _)| *l == Lang::En)
        .map(|(_, source)| *source)
        .expect("an English catalogue");
    for key in i18n::keys(english_source) {
        for count in [1_i64, 7] {
            let args = |l| {
                i18n::text_with(
                    l,
                    &key,
                    &[
                        ("value", HOLE.to_string().into()),
                        ("count", fluent_bundle::FluentValue::from(count)),
                    ],
                )
            };
            let (english, translated) = (args(Lang::En), args(lang));
            if english == translated {
                continue;
            }
            for run in english.split([HOLE, '7']) {
                let run = run.trim();
                if run.chars().count() > 12 && !translated.contains(run) {
                    phrases.push(run.to_string());
                }
            }
        }
    }
    phrases.sort();
    phrases.dedup();
    assert!(
        phrases.len() > 20,
        "the English catalogue yields phrases to look for"
    );
    phrases
}

/// Asserts the page is marked as `lang`, says what `keys` say in `lang`, and contains no
/// English catalogue text.
fn assert_speaks(doc: &Html, lang: Lang, keys: &[&str], what: &str) {
    assert_eq!(
        select_attr(doc, "html", "lang").as_deref(),
        Some(lang.code()),
        "{what} is marked as {}",
        lang.code()
    );
    let text = readable_text(doc);
    for key in keys {
        let expected = i18n::text(lang, key);
        assert!(
            text.contains(&expected),
            "{what} in {} says `{key}`: {expected:?}",
            lang.code()
        );
    }
    for phrase in english_phrases(lang) {
        assert!(
            !text.contains(&phrase),
            "{what} in {} contains English: {phrase:?}",
            lang.code()
        );
    }
}

/// Changes the language with the switcher in the header of `page`, as a reader would.
async fn switch_language(app: &TestApp, client: &reqwest::Client, page: &str, lang: Lang) {
    let doc = html(app.get(client, page).await).await;
    let action = select_attr(&doc, "form.lang-switch", "action")
        .unwrap_or_else(|| panic!("{page} has the language switcher"));
    let token = select_attr(&doc, "form.lang-switch input[name=csrf_token]", "value")
        .expect("the switcher carries the CSRF token");
    let options: Vec<String> = {
        let selector = Selector::parse("form.lang-switch select[name=lang] option").expect("ok");
        doc.select(&selector)
            .filter_map(|o| o.value().attr("value").map(str::to_string))
            .collect()
    };
    assert!(
        options.iter().any(|o| o == lang.code()),
        "the switcher offers {}: {options:?}",
        lang.code()
    );
    let response = client
        .post(app.url(&action))
        .form(&[("csrf_token", token.as_str()), ("lang", lang.code())])
        .send()
        .await
        .expect("the switch answers");
    assert_eq!(response.status(), 303, "switching to {}", lang.code());
}

async fn every_role_reads_its_pages_in_polish_and_czech(app: TestApp) {
    for lang in [Lang::Pl, Lang::Cs] {
        for (email, workspace, workspace_keys) in ROLES {
            let client = app.login(email).await;
            switch_language(&app, &client, "/", lang).await;
            let home = html(app.get(&client, "/").await).await;
            assert_speaks(&home, lang, &["home-title", "nav-audit", "logout"], email);
            let own = html(app.get(&client, workspace).await).await;
            assert_speaks(&own, lang, workspace_keys, workspace);
            let audit = html(app.get(&client, paths::AUDIT).await).await;
            assert_speaks(&audit, lang, &["audit-title", "audit-when"], paths::AUDIT);
            let missing = app.get(&client, "/no-such-page").await;
            assert_eq!(missing.status(), 404);
            assert_speaks(&html(missing).await, lang, &["error-not-found"], "404");
            let forbidden = if email == "admin@demo.test" {
                paths::BOOKINGS
            } else {
                paths::ADMIN_USERS
            };
            let refused = app.get(&client, forbidden).await;
            assert_eq!(refused.status(), 403);
            assert_speaks(&html(refused).await, lang, &["error-forbidden"], "403");
            // After logging out the browser keeps its language for the login page.
            let out = app.post_form(&client, "/", paths::LOGOUT, &[]).await;
            assert_eq!(out.status(), 303);
            let login = html(app.get(&client, paths::LOGIN).await).await;
            assert_speaks(
                &login,
                lang,
                &["login-title", "login-password"],
                paths::LOGIN,
            );
        }
    }
}

async fn an_anonymous_visitor_gets_the_browsers_language_and_may_change_it(app: TestApp) {
    let polish_browser = |path: &str| {
        app.client()
            .get(app.url(path))
            .header("accept-language", "pl-PL,pl;q=0.9,en;q=0.8")
    };
    let login = polish_browser(paths::LOGIN).send().await.expect("answers");
    assert_speaks(&html(login).await, Lang::Pl, &["login-title"], paths::LOGIN);
    let missing = polish_browser("/no-such-page")
        .send()
        .await
        .expect("answers");
    assert_eq!(missing.status(), 404);
    assert_speaks(&html(missing).await, Lang::Pl, &["error-not-found"], "404");

    // A language we do not speak gives English.
    let german = app
        .client()
        .get(app.url(paths::LOGIN))
        .header("accept-language", "de-DE,de;q=0.9")
        .send()
        .await
        .expect("answers");
    let doc = html(german).await;
    assert_eq!(select_attr(&doc, "html", "lang").as_deref(), Some("en"));

    // The switcher on the login page works before logging in, and changes no one's record.
    let client = app.client();
    switch_language(&app, &client, paths::LOGIN, Lang::Cs).await;
    let login = html(app.get(&client, paths::LOGIN).await).await;
    assert_speaks(
        &login,
        Lang::Cs,
        &["login-title", "login-submit"],
        paths::LOGIN,
    );
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.language_changed'")
        .await;
    assert_eq!(audited, 0, "an anonymous choice is nobody's preference");
}

async fn the_saved_preference_beats_the_browsers_language_at_the_next_login(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    switch_language(&app, &client, "/", Lang::Pl).await;
    let saved: (Option<String>,) =
        sqlx::query_as("SELECT locale FROM users WHERE email = 'partner@demo.test'")
            .fetch_one(app.db.pool())
            .await
            .expect("user row");
    assert_eq!(saved.0.as_deref(), Some("pl"));

    // Another browser, set to Czech.
    let czech = app
        .client_builder()
        .default_headers(
            [(
                reqwest::header::ACCEPT_LANGUAGE,
                reqwest::header::HeaderValue::from_static("cs"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .expect("client");
    let before = html(app.get(&czech, paths::LOGIN).await).await;
    assert_speaks(
        &before,
        Lang::Cs,
        &["login-title"],
        "/login before logging in",
    );
    let response = app
        .try_login(&czech, "partner@demo.test", common::DEMO_PASSWORD)
        .await;
    assert_eq!(response.status(), 303);
    let home = html(app.get(&czech, "/").await).await;
    assert_speaks(&home, Lang::Pl, &["home-title"], "home after logging in");
    let missing = app.get(&czech, "/no-such-page").await;
    assert_speaks(&html(missing).await, Lang::Pl, &["error-not-found"], "404");
}

/// An audit row of a language change.
#[derive(sqlx::FromRow)]
struct LanguageChange {
    actor: String,
    before_state: Option<String>,
    after_state: Option<String>,
    partner_id: Option<i64>,
}

async fn changing_the_language_is_audited_once_per_change(app: TestApp) {
    let client = app.login("partner@demo.test").await;
    switch_language(&app, &client, "/", Lang::Cs).await;
    switch_language(&app, &client, "/", Lang::Cs).await;
    switch_language(&app, &client, "/", Lang::En).await;
    let rows: Vec<LanguageChange> = sqlx::query_as(
        "SELECT actor, before_state, after_state, partner_id FROM audit_log \
         WHERE action = 'user.language_changed' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("audit rows");
    assert_eq!(
        rows.len(),
        2,
        "choosing the saved language again is no change"
    );
    assert_eq!(rows[0].actor, "partner@demo.test");
    assert!(rows[0].partner_id.is_some(), "the partner's trail shows it");
    let states: Vec<(Option<&str>, Option<&str>)> = rows
        .iter()
        .map(|r| (r.before_state.as_deref(), r.after_state.as_deref()))
        .collect();
    assert_eq!(
        states,
        [
            (Some(r#"{"locale":null}"#), Some(r#"{"locale":"cs"}"#)),
            (Some(r#"{"locale":"cs"}"#), Some(r#"{"locale":"en"}"#)),
        ]
    );
    // The partner's own audit trail lists it.
    let doc = html(app.get(&client, paths::AUDIT).await).await;
    assert!(
        select_texts(&doc, "td code")
            .iter()
            .any(|a| a == "user.language_changed")
    );
    // Nonsense is refused, in the page's language.
    let refused = app
        .post_form(&client, "/", paths::LANGUAGE, &[("lang", "xx")])
        .await;
    assert_eq!(refused.status(), 400);
}

/// When the newest audit row for `email`'s login was written.
async fn last_login_at(app: &TestApp, email: &str) -> i64 {
    let (at,): (i64,) = sqlx::query_as(
        "SELECT at FROM audit_log WHERE action = 'login.succeeded' AND actor = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(app.db.pool())
    .await
    .expect("a login row");
    at
}

async fn times_are_shown_in_the_partners_time_zone_and_staff_see_prague_time(app: TestApp) {
    // A zone far from Prague, so the hour cannot match by chance.
    sqlx::query(
        "UPDATE partners SET timezone = 'America/New_York' \
         WHERE id = (SELECT partner_id FROM users WHERE email = 'partner@demo.test')",
    )
    .execute(app.db.pool())
    .await
    .expect("zone set");
    let partner = app.login("partner@demo.test").await;
    switch_language(&app, &partner, "/", Lang::Pl).await;
    let at = last_login_at(&app, "partner@demo.test").await;
    let doc = html(app.get(&partner, paths::AUDIT).await).await;
    let shown = select_texts(&doc, "table.data td");
    let in_new_york = format_datetime(Lang::Pl, at, &time_zone("America/New_York"));
    assert!(
        shown.contains(&in_new_york),
        "the partner sees {in_new_york:?} in {shown:?}"
    );
    let in_prague = format_datetime(Lang::Pl, at, &time_zone(DEFAULT_TIME_ZONE));
    assert!(
        !shown.contains(&in_prague),
        "not Prague time for this partner"
    );

    let admin = app.login("admin@demo.test").await;
    switch_language(&app, &admin, "/", Lang::Cs).await;
    let doc = html(app.get(&admin, paths::AUDIT).await).await;
    let shown = select_texts(&doc, "table.data td");
    let in_prague = format_datetime(Lang::Cs, at, &time_zone(DEFAULT_TIME_ZONE));
    assert!(
        shown.contains(&in_prague),
        "staff see {in_prague:?} in {shown:?}"
    );
}

async fn the_audit_chain_count_is_pluralised_per_language(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    for (lang, word) in [(Lang::Pl, "wpis"), (Lang::Cs, "záznam"), (Lang::En, "entr")] {
        switch_language(&app, &admin, "/", lang).await;
        let rows = app.count("SELECT COUNT(*) FROM audit_log").await;
        let doc = html(app.get(&admin, paths::AUDIT).await).await;
        let status = select_texts(&doc, "#chain-status").join(" ");
        let expected = i18n::text_with(
            lang,
            "audit-chain-intact",
            &[("count", fluent_bundle::FluentValue::from(rows))],
        );
        assert_eq!(status, expected, "the chain status in {}", lang.code());
        assert!(status.contains(word), "{status}");
    }
}

/// Reads `path` as `client` and checks it speaks `lang` with the message of each of `keys`.
async fn check_page(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    lang: Lang,
    keys: &[&str],
) {
    let response = app.get(client, path).await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    assert_speaks(&html(response).await, lang, keys, path);
}

async fn the_set_up_and_care_pages_read_in_polish_and_czech(app: TestApp) {
    // Without external systems the forms keep what they are given, so a connection can be
    // requested and given a channel account; the pages then show the set-up in progress.
    let partner = app.login("partner@demo.test").await;
    let fields = [
        ("reservio_business_id", "biz-1"),
        ("reservio_token", "token-1"),
    ];
    let r = app
        .post_form(&partner, "/", paths::CONNECTION, &fields)
        .await;
    assert_eq!(r.status(), 303);
    let (id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM connections")
        .fetch_one(app.db.pool())
        .await
        .expect("the connection");
    let sales = app.login("sales@demo.test").await;
    let account = [
        ("termino_partner_id", "slv-1"),
        ("termino_token", "token-2"),
    ];
    let path = format!("/sales/connections/{id}/account");
    assert_eq!(
        app.post_form(&sales, "/", &path, &account).await.status(),
        303
    );
    let care = app.login("care@demo.test").await;
    for lang in [Lang::Pl, Lang::Cs] {
        switch_language(&app, &partner, "/", lang).await;
        check_page(
            &app,
            &partner,
            paths::CONNECTION,
            lang,
            &["connection-title", "connection-send-code"],
        )
        .await;
        switch_language(&app, &sales, "/", lang).await;
        check_page(
            &app,
            &sales,
            paths::SALES_CONNECTIONS,
            lang,
            &["sales-lookup-title", "sales-list-setup"],
        )
        .await;
        let own = paths::sales_connection(id);
        check_page(
            &app,
            &sales,
            &own,
            lang,
            &["sales-account-title", "sales-systems-off"],
        )
        .await;
        let unknown = app.get(&sales, "/sales/connections?code=AAAAA-BBBBB").await;
        assert_eq!(unknown.status(), 404);
        assert_speaks(
            &html(unknown).await,
            lang,
            &["sales-error-code-unknown"],
            "lookup",
        );
        switch_language(&app, &care, "/", lang).await;
        check_page(
            &app,
            &care,
            paths::CARE_MISMATCHES,
            lang,
            &["care-health-title", "care-filter-kind"],
        )
        .await;
        check_page(
            &app,
            &care,
            paths::CARE_CASES,
            lang,
            &["cases-title", "cases-empty"],
        )
        .await;
        check_page(
            &app,
            &care,
            "/audit?action=connection",
            lang,
            &["audit-export", "audit-from"],
        )
        .await;
    }
}
