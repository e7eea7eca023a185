//! The partner's other pages: the CSV export, one booking (a date change on its way, the
//! timeline) and the home page.

use bookbridge::domain::Customer;
use bookbridge::web::paths;

use crate::common::{self, TestApp, select_attr, select_texts};
use crate::partner::{PARTNER, first_partner, link_of, listed, page, partner_id, settle, voucher};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        the_csv_export_is_filtered_scoped_quoted_and_in_the_readers_language,
        a_date_change_on_its_way_is_shown_against_the_one_hour_promise,
        the_timeline_tells_what_sync_did_to_the_booking,
        the_partner_home_counts_mismatches_and_lists_today_and_tomorrow,
        staff_keep_their_plain_home_page,
    ]
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = vec![];
    let mut record = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

async fn the_csv_export_is_filtered_scoped_quoted_and_in_the_readers_language(app: TestApp) {
    let w = first_partner(&app);
    let sandbox = app.sandbox.as_ref().expect("sandbox");
    let start = (app.clock.now() / 86_400 + 3) * 86_400 + 9 * 3600;
    let (_, offer, minutes) = w.services[0].clone();
    let tricky = "Nowak, \"Kasia\" =1+1";
    let reservation = sandbox
        .termino
        .redeem_voucher(
            &w.termino_partner_id,
            "CSV0001",
            &offer,
            start,
            start + i64::from(minutes) * 60,
            Customer {
                name: tricky.into(),
                email: "kasia@example.test".into(),
                phone: "+48 600 100 200".into(),
            },
        )
        .expect("redeem");
    sandbox
        .termino
        .set_status(
            &w.termino_partner_id,
            &reservation,
            bookbridge::domain::BookingStatus::Confirmed,
        )
        .expect("confirm");
    settle(&app).await;

    let client = app.login(PARTNER).await;
    let response = app.get(&client, paths::BOOKINGS_CSV).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert_eq!(headers["cache-control"], "no-store");
    let records = parse_csv(&response.text().await.expect("csv"));
    let list = page(&app, &client, paths::BOOKINGS).await;
    assert_eq!(
        records.len() - 1,
        listed(&list).len(),
        "one line per listed booking"
    );
    let header = &records[0];
    assert_eq!(header.len(), 18);
    assert_eq!(header[1], "Voucher code");
    assert!(header[2].starts_with("Reservio: Start ("), "{header:?}");
    let line = records
        .iter()
        .find(|r| r[1] == "CSV0001")
        .expect("the new booking");
    assert_eq!(line.len(), 18);
    assert_eq!(line[5], line[12], "the same customer on both sides");
    assert!(
        line[12].contains("Nowak, \"Kasia\""),
        "quotes and commas survive: {line:?}"
    );
    let filtered = parse_csv(
        &app.get(&client, "/bookings.csv?kind=service_differs")
            .await
            .text()
            .await
            .expect("csv"),
    );
    assert_eq!(
        filtered.len() - 1,
        listed(&page(&app, &client, "/bookings?kind=service_differs").await).len()
    );
    assert!(
        filtered[1..]
            .iter()
            .all(|r| r[16].contains("Service differs")),
        "{filtered:?}"
    );

    // In Polish: headers and statuses from the Polish catalogue.
    let token = app.csrf(&client, "/").await;
    let switched = client
        .post(app.url(paths::LANGUAGE))
        .form(&[("csrf_token", token.as_str()), ("lang", "pl")])
        .send()
        .await
        .expect("switch");
    assert_eq!(switched.status(), 303);
    let polish = parse_csv(
        &app.get(&client, paths::BOOKINGS_CSV)
            .await
            .text()
            .await
            .expect("csv"),
    );
    assert_eq!(polish[0][1], "Kod vouchera");
    assert!(polish[1..].iter().any(|r| r[8] == "Potwierdzona"));
}

async fn a_date_change_on_its_way_is_shown_against_the_one_hour_promise(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let id = link_of(&app, &voucher(&w, 2)).await;
    // As reconcile records a change it has pushed and not yet seen arrive.
    let set_pending = |minutes_ago: i64| {
        sqlx::query("UPDATE booking_links SET change_pending_since = $1 WHERE id = $2")
            .bind(app.clock.now() - minutes_ago * 60)
            .bind(id)
            .execute(app.db.pool())
    };
    set_pending(25).await.expect("pending");
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, &paths::booking(id)).await;
    assert_eq!(
        select_attr(&doc, "#pending-change", "data-state").as_deref(),
        Some("crossing")
    );
    let text = select_texts(&doc, "#pending-change p").join(" ");
    assert!(
        text.contains("crossing over to the other system since")
            && text.contains("(25 minutes)")
            && text.contains("within about 1 hour"),
        "{text}"
    );
    assert_eq!(
        select_attr(&doc, "#pending-change progress", "value").as_deref(),
        Some("41")
    );
    // The list row says the change is crossing, never that the sides agree.
    let list = page(&app, &client, paths::BOOKINGS).await;
    let tag = select_texts(&list, &format!("#link-{id} .pending-tag")).join("");
    assert!(tag.contains("25 minutes"), "{tag}");
    let flags = select_texts(&list, &format!("#link-{id} td.f-mismatches .badge"));
    assert!(!flags.iter().any(|f| f == "In agreement"), "{flags:?}");
    assert_eq!(
        select_attr(
            &list,
            &format!("#link-{id} td.f-mismatches .badge"),
            "data-kind"
        )
        .as_deref(),
        Some("crossing")
    );

    set_pending(125).await.expect("pending");
    let doc = page(&app, &client, &paths::booking(id)).await;
    assert!(
        select_attr(&doc, "#pending-change", "class")
            .unwrap_or_default()
            .contains("overdue")
    );
    let text = select_texts(&doc, "#pending-change p").join(" ");
    assert!(
        text.contains("(2 hours 5 minutes)") && text.contains("longer than the 1 hour"),
        "{text}"
    );
    // Overdue looks like the flag it is: the mismatch badge's colours, not a grey note.
    let list = page(&app, &client, paths::BOOKINGS).await;
    let tag = select_attr(&list, &format!("#link-{id} .pending-tag"), "class").unwrap_or_default();
    assert!(tag.contains("overdue"), "{tag}");
    let tag = select_texts(&list, &format!("#link-{id} .pending-tag")).join("");
    assert!(tag.starts_with("overdue"), "{tag}");
    let flags = select_texts(&list, &format!("#link-{id} td.f-mismatches .badge"));
    assert!(!flags.iter().any(|f| f == "In agreement"), "{flags:?}");
}

async fn the_timeline_tells_what_sync_did_to_the_booking(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    // Created in Termino only; sync copied it into the calendar.
    let id = link_of(&app, &voucher(&w, 19)).await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, &paths::booking(id)).await;
    let actions: Vec<String> = {
        let sel = scraper::Selector::parse("#booking-timeline li").expect("selector");
        doc.select(&sel)
            .filter_map(|li| li.value().attr("data-action").map(str::to_string))
            .collect()
    };
    for expected in [
        "booking.seen",
        "link.created",
        "push.enqueued",
        "push.applied",
        "link.agreed",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} in {actions:?}"
        );
    }
    let texts = select_texts(&doc, "#booking-timeline li .what");
    assert!(
        texts.iter().any(|t| t == "The change was made in Reservio"),
        "{texts:?}"
    );
    assert!(
        select_texts(&doc, "#booking-timeline li .who")
            .iter()
            .all(|w| w == "bookbridge sync")
    );
    // Only this booking's story: another link's rows are not in it.
    let other = link_of(&app, &voucher(&w, 0)).await;
    let (others,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'booking_link' AND entity_id = $1",
    )
    .bind(other.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert!(others > 0);
    let links: Vec<String> = select_texts(&doc, "#booking-timeline li a.entry");
    let (own,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'booking_link' AND entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert!(links.len() as i64 >= own && links.len() < 40, "{links:?}");
}

async fn the_partner_home_counts_mismatches_and_lists_today_and_tomorrow(app: TestApp) {
    settle(&app).await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, "/").await;
    let partner = partner_id(&app, PARTNER).await;
    let by_kind: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM mismatches WHERE partner_id = $1 AND state <> 'resolved' \
         GROUP BY kind",
    )
    .bind(partner)
    .fetch_all(app.db.pool())
    .await
    .expect("counts");
    assert!(
        !by_kind.is_empty(),
        "the sandbox world starts with mismatches"
    );
    for (kind, count) in &by_kind {
        let shown = select_texts(&doc, &format!("#home-open a[data-kind={kind}] .count"));
        assert_eq!(shown, vec![count.to_string()], "{kind}");
        let href =
            select_attr(&doc, &format!("#home-open a[data-kind={kind}]"), "href").expect("link");
        let listed_there = listed(&page(&app, &client, &href).await);
        assert_eq!(listed_there.len() as i64, *count, "{href}");
    }
    let tomorrow = select_texts(&doc, "#home-tomorrow .day-list li");
    assert!(!tomorrow.is_empty() && tomorrow.len() <= 8, "{tomorrow:?}");
    assert_eq!(select_texts(&doc, "#home-today").len(), 1);
    // The chart: 30 days, two bars each, drawn on the server.
    assert_eq!(
        select_texts(&doc, "#home-chart svg rect.bar.opened").len(),
        30
    );
    assert_eq!(
        select_texts(&doc, "#home-chart svg rect.bar.resolved").len(),
        30
    );
    let opened_today: i64 = by_kind.iter().map(|(_, n)| n).sum();
    let last_row = select_texts(&doc, "#chart-table tbody tr:last-child td");
    assert_eq!(
        last_row.first(),
        Some(&opened_today.to_string()),
        "{last_row:?}"
    );
}

async fn staff_keep_their_plain_home_page(app: TestApp) {
    let client = app.login("care@demo.test").await;
    let doc = page(&app, &client, "/").await;
    assert!(select_texts(&doc, "#home-open").is_empty());
    assert!(!select_texts(&doc, "ul.cards a.card-link").is_empty());
}
