//! The partner's bookings list: both sides of every link, the filters, sorting, the htmx
//! fragment and paging.

use bookbridge::db::read::bookings_view::{self, ListQuery, Sort};
use bookbridge::domain::{BookingStatus, MismatchKind};
use bookbridge::sandbox::world::DemoPartner;
use bookbridge::web::paths;
use scraper::Html;

use crate::common::{self, TestApp, select_attr, select_texts};
use crate::partner::{PARTNER, first_partner, link_of, listed, page, partner_id, settle, voucher};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        the_list_shows_both_sides_of_every_link_of_the_partner,
        cancelling_a_voucher_flags_the_booking_on_the_list_and_its_detail,
        each_filter_narrows_the_list_and_stays_in_the_url,
        sorting_by_severity_puts_the_worst_mismatch_first,
        the_htmx_fragment_is_the_same_table_as_the_page,
        the_list_is_paged_by_fifty_and_a_page_past_the_end_says_so,
        every_value_of_a_listed_side_reads_back_as_stored,
        the_count_read_with_a_page_is_the_count_read_alone,
    ]
}

async fn the_list_shows_both_sides_of_every_link_of_the_partner(app: TestApp) {
    settle(&app).await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, paths::BOOKINGS).await;
    let shown = listed(&doc);
    let partner = partner_id(&app, PARTNER).await;
    let (links,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM booking_links WHERE partner_id = $1 AND superseded_by IS NULL",
    )
    .bind(partner)
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert!(links > 40, "the sandbox world is linked: {links}");
    assert_eq!(
        shown.len() as i64,
        links,
        "every link from today on, one row each"
    );
    let summary = select_texts(&doc, "#bookings-summary").join("");
    assert!(
        summary.contains(&format!("of {links} bookings")),
        "{summary}"
    );
    // Both systems' headings sit under every field.
    let systems = select_texts(&doc, "#bookings-table thead tr.systems th");
    assert_eq!(systems.len(), 8);
    assert_eq!(systems[0], "Reservio");
    assert_eq!(systems[1], "Termino");
    // The booking on another service than its voucher's is highlighted and flagged.
    let w = first_partner(&app);
    let id = link_of(&app, &voucher(&w, 15)).await;
    let row = format!("#link-{id}");
    assert_eq!(
        select_texts(&doc, &format!("{row} td.f-service.differs")).len(),
        2
    );
    assert_eq!(
        select_texts(&doc, &format!("{row} td.f-time.differs")).len(),
        0
    );
    let badges = select_texts(&doc, &format!("{row} td.f-mismatches .badge.sev-medium"));
    assert_eq!(badges.len(), 1, "{badges:?}");
    assert!(badges[0].contains("Service differs"), "{badges:?}");
    // A booking both sides agree on says so.
    let agreed = link_of(&app, &voucher(&w, 0)).await;
    let badge = select_texts(&doc, &format!("#link-{agreed} td.f-mismatches .badge.ok"));
    assert_eq!(badge, vec!["In agreement".to_string()]);
    // The row opens the booking.
    assert_eq!(
        select_attr(&doc, &format!("#open-{agreed}"), "href"),
        Some(paths::booking(agreed))
    );
}

async fn cancelling_a_voucher_flags_the_booking_on_the_list_and_its_detail(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let code = voucher(&w, 1);
    let id = link_of(&app, &code).await;
    let client = app.login(PARTNER).await;
    let before = page(&app, &client, paths::BOOKINGS).await;
    assert!(select_texts(&before, &format!("#link-{id} .badge[data-kind]")).is_empty());

    let sandbox = app.sandbox.as_ref().expect("sandbox");
    sandbox
        .termino
        .cancel_voucher_by_channel(&w.termino_partner_id, &code)
        .expect("the channel cancels the voucher");
    settle(&app).await;

    let doc = page(&app, &client, paths::BOOKINGS).await;
    let row = format!("#link-{id}");
    let badge = select_texts(&doc, &format!("{row} .badge[data-kind=status_differs]"));
    assert_eq!(badge.len(), 1, "the row is flagged");
    assert!(badge[0].starts_with("High"), "with its severity: {badge:?}");
    assert_eq!(
        select_texts(&doc, &format!("{row} td.f-status.differs")).len(),
        2
    );
    let statuses = select_texts(&doc, &format!("{row} td.f-status"));
    assert_eq!(
        statuses,
        vec!["Confirmed".to_string(), "Cancelled".to_string()]
    );

    let detail = page(&app, &client, &paths::booking(id)).await;
    let explanation = select_texts(
        &detail,
        "#booking-mismatches li[data-kind=status_differs] .explanation",
    );
    assert_eq!(explanation.len(), 1);
    assert!(
        explanation[0].contains("Cancel in both systems — the voucher first"),
        "the FAQ rule in plain words: {explanation:?}"
    );
    let status_line: Vec<String> = select_texts(&detail, "#booking-fields tr.differs th");
    assert!(
        status_line.contains(&"Status".to_string()),
        "{status_line:?}"
    );
    // Rule 2's guided cancellation is offered; a cancelled voucher cannot be moved.
    assert_eq!(
        select_texts(&detail, "#booking-procedures li[data-kind=cancel] a").len(),
        1,
        "the cancellation is offered"
    );
    assert_eq!(
        select_texts(&detail, "#booking-procedures li[data-kind=reschedule] a").len(),
        0,
        "moving a cancelled booking is not"
    );
}

async fn each_filter_narrows_the_list_and_stays_in_the_url(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let client = app.login(PARTNER).await;
    let all = listed(&page(&app, &client, paths::BOOKINGS).await);

    let flagged = page(&app, &client, "/bookings?mismatches=1").await;
    let rows = select_texts(&flagged, "#bookings-table tr.link-row");
    assert!(
        !rows.is_empty() && rows.len() < all.len(),
        "{} of {}",
        rows.len(),
        all.len()
    );
    assert_eq!(
        select_texts(
            &flagged,
            "#bookings-table tr.link-row td.f-mismatches .badge.ok"
        )
        .len(),
        0,
        "no row without a mismatch"
    );
    assert_eq!(
        select_attr(&flagged, "#f-mismatches", "checked").as_deref(),
        Some(""),
        "the form shows the filter it came from"
    );

    let kind = page(&app, &client, "/bookings?kind=rejected_without_care").await;
    let codes = listed(&kind);
    assert!(codes.contains(&voucher(&w, 7)), "{codes:?}");
    let badges = select_texts(
        &kind,
        "#bookings-table .badge[data-kind=rejected_without_care]",
    );
    assert_eq!(badges.len(), codes.len(), "every row has that kind");

    let cancelled = listed(&page(&app, &client, "/bookings?status=cancelled").await);
    assert_eq!(cancelled, vec![voucher(&w, 3)], "either side cancelled");

    // Free text: a voucher code in any case, a customer's name, an e-mail.
    let code = voucher(&w, 5);
    let by_code = listed(
        &page(
            &app,
            &client,
            &format!("/bookings?q={}", code.to_lowercase()),
        )
        .await,
    );
    assert_eq!(by_code, vec![code.clone()]);
    let (name, email): (String, String) = sqlx::query_as(
        "SELECT customer_name, customer_email FROM external_bookings \
         WHERE voucher_code = $1 AND system = 'termino'",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("the snapshot");
    let first_name = name.split(' ').next().expect("a first name").to_uppercase();
    let by_name = listed(&page(&app, &client, &format!("/bookings?q={first_name}")).await);
    assert!(by_name.contains(&code), "{first_name}: {by_name:?}");
    let by_email = listed(&page(&app, &client, &format!("/bookings?q={email}")).await);
    assert!(by_email.contains(&code));
    // LIKE's wildcards are taken literally.
    let nothing = page(&app, &client, "/bookings?q=%25_%25").await;
    assert!(listed(&nothing).is_empty());
    assert_eq!(select_texts(&nothing, "#bookings-empty .empty").len(), 1);

    // A date range of one day: only that day's bookings (eight a day in the sandbox).
    let tomorrow = page(&app, &client, "/").await;
    let day_link = select_attr(&tomorrow, "#home-tomorrow p a", "href").expect("tomorrow's list");
    let one_day = page(&app, &client, &day_link).await;
    let codes = listed(&one_day);
    assert!(
        !codes.is_empty() && codes.len() < all.len(),
        "{day_link}: {codes:?}"
    );
    // Everything from before today: nothing, the world starts tomorrow.
    let past = page(&app, &client, "/bookings?from=&to=2020-01-01").await;
    assert!(listed(&past).is_empty());

    // Latest first is the default order reversed (ties are broken by id both ways).
    let mut reversed = listed(&page(&app, &client, "/bookings?sort=time_desc").await);
    reversed.reverse();
    assert_eq!(reversed, all);
}

async fn sorting_by_severity_puts_the_worst_mismatch_first(app: TestApp) {
    settle(&app).await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, "/bookings?sort=severity&from=").await;
    let first_badges = select_texts(&doc, "#bookings-table tr.link-row:first-child .badge");
    assert!(
        first_badges
            .iter()
            .any(|b| b.starts_with("High") || b.starts_with("Critical")),
        "{first_badges:?}"
    );
    let last_badges = select_texts(&doc, "#bookings-table tr.link-row:last-child .badge");
    assert_eq!(last_badges, vec!["In agreement".to_string()]);
}

async fn the_htmx_fragment_is_the_same_table_as_the_page(app: TestApp) {
    settle(&app).await;
    let client = app.login(PARTNER).await;
    let path = "/bookings?mismatches=1&sort=severity";
    let full = page(&app, &client, path).await;
    let response = client
        .get(app.url(path))
        .header("HX-Request", "true")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let vary: Vec<_> = response.headers().get_all("vary").iter().collect();
    assert!(
        vary.iter()
            .any(|v| v.to_str().unwrap_or("").contains("HX-Request"))
    );
    let body = response.text().await.expect("body");
    assert!(!body.contains("<html"), "only the fragment");
    let fragment = Html::parse_fragment(&body);
    assert_eq!(listed(&fragment), listed(&full));
    assert_eq!(
        select_texts(&fragment, "#bookings-results").len(),
        1,
        "the fragment replaces the results container"
    );
    // It re-requests its own view to refresh itself, keeping filters and page.
    let own = select_attr(&fragment, "#bookings-results", "hx-get").expect("hx-get");
    assert!(
        own.starts_with("/bookings?")
            && own.contains("mismatches=1")
            && own.contains("sort=severity"),
        "{own}"
    );
    assert_eq!(
        select_attr(&fragment, "#bookings-results", "hx-trigger").as_deref(),
        Some("every 10s")
    );
    // A history restore gets the whole page.
    let restore = client
        .get(app.url(path))
        .header("HX-Request", "true")
        .header("HX-History-Restore-Request", "true")
        .send()
        .await
        .expect("answers");
    assert!(restore.text().await.expect("body").contains("<html"));
    // So does a boosted link or form: every page answers htmx the same way.
    let boosted = client
        .get(app.url(path))
        .header("HX-Request", "true")
        .header("HX-Boosted", "true")
        .send()
        .await
        .expect("answers");
    assert!(boosted.text().await.expect("body").contains("<html"));
    // The filter form swaps the results and keeps the filters in the address bar.
    assert_eq!(
        select_attr(&full, "#bookings-filter", "hx-push-url").as_deref(),
        Some("true")
    );
    assert_eq!(
        select_attr(&full, "#bookings-filter", "hx-target").as_deref(),
        Some("#bookings-results")
    );
    assert_eq!(
        select_attr(&full, "#bookings-filter", "method").as_deref(),
        Some("get")
    );
}

/// Adds `n` agreeing links of one connection straight into the database, starting tomorrow.
async fn store_links(app: &TestApp, partner: &DemoPartner, n: i64) {
    let start = (app.clock.now() / 86_400 + 2) * 86_400;
    for i in 0..n {
        let mut ids = vec![];
        for system in ["reservio", "termino"] {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO external_bookings (connection_id, system, external_id, start_at, \
                 end_at, service_id, customer_name, customer_email, customer_phone, status, \
                 voucher_code, content_hash, raw_payload, fetched_at) \
                 VALUES ($1, $2, $3, $4, $5, 'svc', 'Bulk Customer', 'bulk@example.test', '1', \
                 'confirmed', $6, 'x', '{}', $7) RETURNING id",
            )
            .bind(partner.connection_id)
            .bind(system)
            .bind(format!("bulk-{system}-{i}"))
            .bind(start + i * 600)
            .bind(start + i * 600 + 600)
            .bind(format!("BULK{i:04}"))
            .bind(app.clock.now())
            .fetch_one(app.db.pool())
            .await
            .expect("snapshot stored");
            ids.push(id);
        }
        sqlx::query(
            "INSERT INTO booking_links (connection_id, partner_id, reservio_booking_id, \
             termino_booking_id, voucher_code, origin_system, base_start_at, appointment_at, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'termino', $6, $6, $7, $7)",
        )
        .bind(partner.connection_id)
        .bind(partner.partner_id)
        .bind(ids[0])
        .bind(ids[1])
        .bind(format!("BULK{i:04}"))
        .bind(start + i * 600)
        .bind(app.clock.now())
        .execute(app.db.pool())
        .await
        .expect("link stored");
    }
}

async fn the_list_is_paged_by_fifty_and_a_page_past_the_end_says_so(app: TestApp) {
    let w = first_partner(&app);
    store_links(&app, &w, 73).await;
    let client = app.login(PARTNER).await;
    let first = page(&app, &client, "/bookings?q=bulk").await;
    assert_eq!(listed(&first).len(), 50);
    assert_eq!(
        select_texts(&first, "#bookings-summary").join(""),
        "1–50 of 73 bookings"
    );
    let next = select_attr(&first, ".pager a[rel=next]", "href").expect("a next page");
    assert!(next.contains("page=2") && next.contains("q=bulk"), "{next}");
    assert!(select_attr(&first, ".pager a[rel=prev]", "href").is_none());
    let second = page(&app, &client, &next).await;
    assert_eq!(listed(&second).len(), 23);
    assert_eq!(
        listed(&second)[0],
        "BULK0050",
        "continues where page one ended"
    );
    assert!(select_attr(&second, ".pager a[rel=next]", "href").is_none());
    let beyond = page(&app, &client, "/bookings?q=bulk&page=9").await;
    assert!(listed(&beyond).is_empty());
    assert!(
        select_attr(&beyond, "#bookings-empty a", "href").is_some(),
        "a way back"
    );
}

/// The list reads each row as one packed value: quotes, backslashes, accents and characters
/// outside the basic plane come back as stored, a missing side stays missing and a vanished
/// one says so.
async fn every_value_of_a_listed_side_reads_back_as_stored(app: TestApp) {
    let w = first_partner(&app);
    let name = "Zoë \"Zizi\" O'Brien \\ Nováková 😀 </td>";
    let start = (app.clock.now() / 86_400 + 2) * 86_400;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO external_bookings (connection_id, system, external_id, start_at, \
         end_at, service_id, customer_name, customer_email, customer_phone, status, \
         voucher_code, content_hash, raw_payload, fetched_at, vanished_at) \
         VALUES ($1, 'reservio', 'odd-1', $2, $3, 'svc-unmapped', $4, 'odd@example.test', \
         '+420 1', 'confirmed', 'ODD0001', 'x', '{}', $5, $5) RETURNING id",
    )
    .bind(w.connection_id)
    .bind(start)
    .bind(start + 5400)
    .bind(name)
    .bind(app.clock.now())
    .fetch_one(app.db.pool())
    .await
    .expect("snapshot stored");
    let (link,): (i64,) = sqlx::query_as(
        "INSERT INTO booking_links (connection_id, partner_id, reservio_booking_id, \
         voucher_code, origin_system, base_start_at, appointment_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'ODD0001', 'reservio', $4, $4, $5, $5) RETURNING id",
    )
    .bind(w.connection_id)
    .bind(w.partner_id)
    .bind(id)
    .bind(start)
    .bind(app.clock.now())
    .fetch_one(app.db.pool())
    .await
    .expect("link stored");
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, "/bookings?q=odd0001").await;
    assert_eq!(listed(&doc), vec!["ODD0001".to_string()]);
    let row = format!("#link-{link}");
    let customers = select_texts(&doc, &format!("{row} td.f-customer"));
    assert_eq!(customers.len(), 2, "{customers:?}");
    assert_eq!(customers[0].trim(), name);
    assert_eq!(customers[1].trim(), "—", "the Termino side is missing");
    let services = select_texts(&doc, &format!("{row} td.f-service"));
    assert!(services[0].contains("svc-unmapped"), "{services:?}");
    assert_eq!(
        select_texts(&doc, &format!("{row} td.f-time .gone")).len(),
        1
    );
    assert_eq!(
        select_texts(&doc, &format!("{row} td.f-time .time")),
        vec![format!(
            "{}–{}",
            local_time(start),
            local_time(start + 5400)
        )]
    );
}

/// The time of day of an instant as the list shows it to the demo partner.
fn local_time(at: i64) -> String {
    use bookbridge::i18n::format::{default_time_zone, format_time};
    format_time(bookbridge::i18n::Lang::En, at, &default_time_zone())
}

/// The page's count rides in the list's own statement: for every filter, page and cap it is the
/// count its own query gives, over the same rows, and a page past the end brings none.
async fn the_count_read_with_a_page_is_the_count_read_alone(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    store_links(&app, &w, 73).await;
    let partner = partner_id(&app, PARTNER).await;
    let queries = [
        ListQuery::default(),
        ListQuery {
            only_mismatches: true,
            ..ListQuery::default()
        },
        ListQuery {
            kind: Some(MismatchKind::StatusDiffers),
            sort: Sort::Severity,
            ..ListQuery::default()
        },
        ListQuery {
            status: Some(BookingStatus::Cancelled),
            ..ListQuery::default()
        },
        ListQuery {
            text: Some("bulk".into()),
            sort: Sort::TimeDesc,
            ..ListQuery::default()
        },
        ListQuery {
            from: Some(app.clock.now() + 3 * 86_400),
            until: Some(app.clock.now() + 9 * 86_400),
            sort: Sort::Changed,
            ..ListQuery::default()
        },
    ];
    for q in &queries {
        let total = bookings_view::count(&app.db, partner, q, 100_000)
            .await
            .expect("the count reads");
        for (limit, offset) in [(50, 0), (50, 50), (20, 40), (50, 10_000)] {
            for cap in [5, 60, 100_000] {
                let (rows, counted) =
                    bookings_view::list_counted(&app.db, partner, q, (limit, offset), cap)
                        .await
                        .expect("the page reads");
                let alone = bookings_view::list(&app.db, partner, q, limit, offset)
                    .await
                    .expect("the page reads alone");
                assert_eq!(rows, alone, "{q:?} at {offset}");
                let expected = (!rows.is_empty()).then_some(total.min(cap));
                assert_eq!(counted, expected, "{q:?} at {offset}, cap {cap}");
            }
        }
        assert!(total > 0, "the world has links for {q:?}");
    }
}
