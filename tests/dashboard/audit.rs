//! The audit page's filters and CSV export over HTTP: entity, actor, action and time narrow the
//! rows (as a page or an htmx fragment), a partner only ever gets its own rows, and the export
//! holds exactly the filtered, scoped rows.

use crate::common::{self, TestApp, select_texts};
use crate::synced::{page, settle};
use crate::tests;
use bookbridge::web::paths;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        each_audit_filter_narrows_the_rows,
        a_partner_filters_and_exports_only_its_own_rows,
        the_csv_export_holds_the_filtered_rows_with_localised_headings,
    ]
}

/// The (actor, action code, entity) of each row of the audit table; the entity is named in
/// the reader's language.
fn rows(doc: &scraper::Html) -> Vec<(String, String, String)> {
    let row = scraper::Selector::parse("table.data tbody tr").expect("selector");
    let cell = scraper::Selector::parse("td").expect("selector");
    let code = scraper::Selector::parse("td.what code").expect("selector");
    doc.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            let action = r
                .select(&code)
                .map(|c| c.text().collect::<String>())
                .collect::<String>();
            (cells[2].clone(), action, cells[4].clone())
        })
        .collect()
}

async fn each_audit_filter_narrows_the_rows(app: TestApp) {
    settle(&app).await;
    let care = app.login("care@demo.test").await;
    let found = rows(&page(&app, &care, "/audit?entity_type=mismatch").await);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(_, _, entity)| entity.starts_with("Mismatch "))
    );

    let (id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM mismatches")
        .fetch_one(app.db.pool())
        .await
        .expect("a mismatch");
    let one = rows(
        &page(
            &app,
            &care,
            &format!("/audit?entity_type=mismatch&entity_id={id}"),
        )
        .await,
    );
    assert!(!one.is_empty());
    assert!(
        one.iter()
            .all(|(_, _, entity)| *entity == format!("Mismatch {id}"))
    );

    let by_actor = rows(&page(&app, &care, "/audit?actor=CARE%40demo").await);
    assert!(!by_actor.is_empty());
    assert!(
        by_actor
            .iter()
            .all(|(actor, _, _)| actor == "care@demo.test")
    );

    let family = rows(&page(&app, &care, "/audit?action=link").await);
    assert!(!family.is_empty());
    assert!(
        family
            .iter()
            .all(|(_, action, _)| action.starts_with("link."))
    );
    let exact = rows(&page(&app, &care, "/audit?action=link.created").await);
    assert!(exact.iter().all(|(_, action, _)| action == "link.created"));
    // "link" is a family, not a prefix of any word: `links.x` would not match.
    assert!(rows(&page(&app, &care, "/audit?action=lin").await).is_empty());

    // Time: today's rows are there; tomorrow has none yet.
    let prague = bookbridge::i18n::format::time_zone("Europe/Prague");
    let today = bookbridge::i18n::format::local_date(app.clock.now(), &prague).expect("valid");
    let tomorrow = today.tomorrow().expect("valid");
    assert!(!rows(&page(&app, &care, &format!("/audit?from={today}&to={today}")).await).is_empty());
    let doc = page(&app, &care, &format!("/audit?from={tomorrow}")).await;
    assert!(rows(&doc).is_empty());
    assert_eq!(
        select_texts(&doc, "#audit-results .empty"),
        ["No entries match these filters."]
    );
    assert_eq!(app.get(&care, "/audit?from=someday").await.status(), 400);

    // htmx gets the results alone, and the older-entries link keeps the filters.
    let fragment = care
        .get(app.url("/audit?entity_type=booking_link"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("body");
    assert!(
        fragment
            .trim_start()
            .starts_with("<div id=\"audit-results\""),
        "{fragment}"
    );
    let doc = page(&app, &care, "/audit?entity_type=booking_link").await;
    let older = crate::common::select_attr(&doc, "#audit-results a.button:not(#audit-csv)", "href")
        .expect("more than a page of link rows");
    assert!(
        older.contains("entity_type=booking_link") && older.contains("before="),
        "{older}"
    );
    assert!(crate::common::select_attr(&doc, "#chain-status", "class").is_some());
}

async fn a_partner_filters_and_exports_only_its_own_rows(app: TestApp) {
    settle(&app).await;
    let partner = app.login("partner@demo.test").await;
    let (own, other): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT partner_id FROM users WHERE email = 'partner@demo.test'), \
         (SELECT partner_id FROM users WHERE email = 'partner2@demo.test')",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("partners");
    let (foreign_link,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM booking_links WHERE partner_id = $1")
            .bind(other)
            .fetch_one(app.db.pool())
            .await
            .expect("a link of partner 2");
    let doc = page(
        &app,
        &partner,
        &format!("/audit?entity_type=booking_link&entity_id={foreign_link}"),
    )
    .await;
    assert!(rows(&doc).is_empty(), "another partner's rows stay hidden");
    assert!(crate::common::select_attr(&doc, "#chain-status", "class").is_none());
    let own_rows = rows(&page(&app, &partner, "/audit?entity_type=booking_link").await);
    assert!(!own_rows.is_empty());
    let csv = app
        .get(&partner, "/audit.csv?entity_type=booking_link")
        .await
        .text()
        .await
        .expect("body");
    let partner_ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(6).expect("a partner column"))
        .collect();
    assert!(!partner_ids.is_empty());
    assert!(
        partner_ids.iter().all(|p| *p == own.to_string()),
        "{partner_ids:?}"
    );
}

async fn the_csv_export_holds_the_filtered_rows_with_localised_headings(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    app.login("care@demo.test").await;
    let r = app.get(&admin, "/audit.csv?action=login").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("audit.csv")
    );
    let csv = r.text().await.expect("body");
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next(),
        Some("Entry,When (UTC),Who,Action,Entity,Entity ID,Partner ID,Before,After,Request,Hash")
    );
    let body: Vec<&str> = lines.collect();
    let logins = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'login.%'")
        .await;
    assert_eq!(body.len() as i64, logins);
    assert!(
        body.iter()
            .all(|l| l.split(',').nth(3) == Some("login.succeeded"))
    );
    // The headings follow the reader's language.
    let token = app.csrf(&admin, "/").await;
    admin
        .post(app.url(paths::LANGUAGE))
        .form(&[("csrf_token", token.as_str()), ("lang", "cs")])
        .send()
        .await
        .expect("switch");
    let csv = app
        .get(&admin, "/audit.csv?action=nothing")
        .await
        .text()
        .await
        .expect("body");
    assert!(csv.starts_with("Záznam,Kdy (UTC),"), "{csv}");
    assert_eq!(csv.lines().count(), 1, "only the headings match");
}
