//! The daily work as each role meets it (issue 14): nothing on a page says the work is done
//! when it is not, and every flagged row offers its next step.

use bookbridge::domain::Customer;
use bookbridge::web::paths;

use crate::common::world::{HOUR, World, tomorrow};
use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::partner::{PARTNER, first_partner, link_of, page, settle, voucher};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_booking_only_one_system_shows_is_waiting_for_the_other_never_in_agreement,
        an_escalations_reason_and_proposal_reach_both_case_pages_as_a_booking_case,
        a_difference_that_still_stands_offers_its_procedure_or_is_accepted_until_a_side_changes,
        every_flagged_row_offers_the_procedure_that_fixes_it_and_links_its_booking,
        the_audit_trail_reads_as_sentences_and_never_calls_a_push_outbox,
        the_mapping_warns_when_an_offer_lasts_longer_or_shorter_than_its_service,
        a_live_connection_shows_every_step_done_and_no_request_and_none_says_how_to_start,
        error_pages_keep_the_navigation_logging_out_says_so_and_the_tab_has_an_icon,
        the_add_user_forms_defaults_add_a_user,
        the_care_and_sales_homes_count_their_work_and_list_their_queues,
        an_admin_sets_a_partners_time_zone_and_language_and_its_users_read_in_it,
    ]
}

/// A voucher for an offer no service is mapped to: the calendar never gets it, so its link
/// stays one-sided (and unflagged for the grace period).
async fn one_sided_voucher(app: &TestApp, code: &str) -> i64 {
    let w = World::of(app);
    w.sandbox
        .termino
        .add_offer(
            &w.partner.termino_partner_id,
            bookbridge::systems::termino::Offer {
                id: "offer-unmapped".into(),
                name: "Gift package".into(),
                duration_minutes: 60,
            },
        )
        .expect("offer");
    w.sandbox
        .termino
        .redeem_voucher(
            &w.partner.termino_partner_id,
            code,
            "offer-unmapped",
            tomorrow(app),
            tomorrow(app) + HOUR,
            Customer::default(),
        )
        .expect("redeem");
    settle(app).await;
    link_of(app, code).await
}

async fn a_booking_only_one_system_shows_is_waiting_for_the_other_never_in_agreement(app: TestApp) {
    settle(&app).await;
    let id = one_sided_voucher(&app, "TSTONESIDED").await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, "/bookings?q=TSTONESIDED").await;
    let row = format!("#link-{id} td.f-mismatches");
    assert!(
        select_texts(&doc, &format!("{row} .badge.ok")).is_empty(),
        "never in agreement"
    );
    assert_eq!(
        select_texts(&doc, &format!("{row} .badge.waiting")),
        vec!["Waiting for the other system".to_string()]
    );
    let detail = page(&app, &client, &paths::booking(id)).await;
    assert!(select_texts(&detail, "#booking-mismatches .badge.ok").is_empty());
    assert_eq!(select_texts(&detail, "#booking-waiting").len(), 1);
}

const CARE: &str = "care@demo.test";

async fn an_escalations_reason_and_proposal_reach_both_case_pages_as_a_booking_case(app: TestApp) {
    settle(&app).await;
    let code = voucher(&first_partner(&app), 0);
    let link = link_of(&app, &code).await;
    let partner = app.login(PARTNER).await;
    let escalated = app
        .post_form(
            &partner,
            "/",
            &format!("/bookings/{link}/procedures/escalate"),
            &[
                ("reason", "The therapist is ill that week"),
                ("proposal", "Move it to Friday afternoon"),
            ],
        )
        .await;
    assert_eq!(escalated.status(), 303);
    let (case,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE link_id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("a case was opened");

    // The partner's case page: what it wrote, what it proposes, and the way back to the booking.
    let mine = page(&app, &partner, &paths::partner_case(case)).await;
    assert_eq!(
        select_texts(&mine, "#case-reason"),
        ["The therapist is ill that week"]
    );
    assert_eq!(
        select_texts(&mine, "#case-proposal"),
        ["Move it to Friday afternoon"]
    );
    assert_eq!(
        select_attr(&mine, "#case-booking", "href"),
        Some(paths::booking(link))
    );
    // The booking lists its case; the connection does not call it a reported problem.
    let detail = page(&app, &partner, &paths::booking(link)).await;
    assert_eq!(
        select_attr(
            &detail,
            &format!("#booking-cases li[data-case-id=\"{case}\"] a"),
            "href"
        ),
        Some(paths::partner_case(case))
    );
    assert_eq!(
        select_texts(&detail, "#booking-cases .case-proposal"),
        ["Move it to Friday afternoon"]
    );
    let connection = page(&app, &partner, paths::CONNECTION).await;
    let case_href = paths::partner_case(case);
    assert!(
        select_attr(&connection, &format!("a[href=\"{case_href}\"]"), "href").is_none(),
        "a booking case is not a connection's reported problem"
    );

    // Partner Care's case page and list show the same, linked as a booking case.
    let care = app.login(CARE).await;
    let theirs = page(&app, &care, &paths::care_case(case)).await;
    assert_eq!(
        select_texts(&theirs, "#case-proposal"),
        ["Move it to Friday afternoon"]
    );
    let list = page(&app, &care, paths::CARE_CASES).await;
    assert_eq!(
        select_attr(
            &list,
            &format!("tr[data-case-id=\"{case}\"] a.case-booking"),
            "href"
        ),
        Some(paths::booking(link))
    );
}

/// The open mismatch of `kind` on `link`.
async fn open_mismatch(app: &TestApp, link: i64, kind: &str) -> Option<i64> {
    sqlx::query_as(
        "SELECT id FROM mismatches WHERE link_id = $1 AND kind = $2 AND state <> 'resolved'",
    )
    .bind(link)
    .bind(kind)
    .fetch_optional(app.db.pool())
    .await
    .expect("mismatch query")
    .map(|(id,): (i64,)| id)
}

async fn a_difference_that_still_stands_offers_its_procedure_or_is_accepted_until_a_side_changes(
    app: TestApp,
) {
    settle(&app).await;
    let w = World::of(&app);
    // The seeded booking on another service than its voucher's.
    let code = voucher(&w.partner, 15);
    let link = link_of(&app, &code).await;
    let id = open_mismatch(&app, link, "service_differs")
        .await
        .expect("flagged");
    let care = app.login(CARE).await;
    let path = paths::care_mismatch(id);
    let doc = page(&app, &care, &path).await;
    assert_eq!(select_texts(&doc, "#still-differs").len(), 1);
    assert!(
        select_texts(&doc, ".resolve-form").is_empty(),
        "no plain resolve"
    );
    assert_eq!(
        select_attr(
            &doc,
            "#mismatch-procedures li[data-kind=change_service] a",
            "href"
        ),
        Some(format!("/bookings/{link}/procedures/change_service"))
    );
    assert!(
        select_attr(
            &doc,
            "#mismatch-procedures li[data-kind=change_service] a",
            "class"
        )
        .is_some_and(|c| !c.contains("secondary")),
        "the procedure that fixes it stands out"
    );
    // A note alone is refused and says why.
    let r = app
        .post_form(&care, "/", &format!("{path}/resolve"), &[("note", "fine")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(select_texts(&html(r).await, ".form-error")[0].contains("still differ"));
    // Accepting needs a reason.
    let accept = format!("{path}/accept");
    let r = app.post_form(&care, "/", &accept, &[("reason", " ")]).await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_form(
            &care,
            "/",
            &accept,
            &[(
                "reason",
                "The salon sells this voucher as the longer treatment",
            )],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'mismatch.accepted' \
             AND entity_id = '{id}'"
        ))
        .await,
        1
    );
    // It sticks: the next syncs flag it no more.
    settle(&app).await;
    assert_eq!(open_mismatch(&app, link, "service_differs").await, None);
    // Until a side changes: the calendar moves the booking, and the difference is back.
    let booking = w.calendar_booking(&code).expect("calendar booking");
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking.id,
        booking.start_at + HOUR,
        booking.end_at + HOUR,
    );
    settle(&app).await;
    assert!(open_mismatch(&app, link, "service_differs").await.is_some());
}

async fn every_flagged_row_offers_the_procedure_that_fixes_it_and_links_its_booking(app: TestApp) {
    settle(&app).await;
    let w = first_partner(&app);
    let cancelled = link_of(&app, &voucher(&w, 3)).await;
    let other_service = link_of(&app, &voucher(&w, 15)).await;
    let agreed = link_of(&app, &voucher(&w, 0)).await;
    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, "/bookings?from=").await;
    let step = |id: i64| {
        (
            select_attr(&doc, &format!("#link-{id} a.next-step"), "data-procedure"),
            select_attr(&doc, &format!("#link-{id} a.next-step"), "href"),
        )
    };
    assert_eq!(
        step(cancelled),
        (
            Some("cancel".into()),
            Some(format!("/bookings/{cancelled}/procedures/cancel"))
        )
    );
    assert_eq!(
        step(other_service).1,
        Some(format!(
            "/bookings/{other_service}/procedures/change_service"
        ))
    );
    assert_eq!(step(agreed), (None, None), "nothing to do on an agreed row");
    // The start form the step leads to opens.
    let form = page(
        &app,
        &partner,
        &format!("/bookings/{cancelled}/procedures/cancel"),
    )
    .await;
    assert!(!select_texts(&form, "h1").is_empty());

    // Partner Care's queue: the same next step, and the voucher opens the booking.
    let care = app.login(CARE).await;
    let queue = page(&app, &care, paths::CARE_MISMATCHES).await;
    let id = open_mismatch(&app, other_service, "service_differs")
        .await
        .expect("flagged");
    let row = format!("tr[data-mismatch-id=\"{id}\"]");
    assert_eq!(
        select_attr(&queue, &format!("{row} a.next-step"), "href"),
        Some(format!(
            "/bookings/{other_service}/procedures/change_service"
        ))
    );
    assert_eq!(
        select_attr(&queue, &format!("{row} a.open-booking"), "href"),
        Some(paths::booking(other_service))
    );
}

async fn the_audit_trail_reads_as_sentences_and_never_calls_a_push_outbox(app: TestApp) {
    settle(&app).await;
    let w = World::of(&app);
    let code = voucher(&w.partner, 0);
    let booking = w.calendar_booking(&code).expect("calendar booking");
    w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking.id,
        booking.start_at + HOUR,
        booking.end_at + HOUR,
    );
    settle(&app).await;
    let care = app.login(CARE).await;
    let doc = page(&app, &care, "/audit?action=booking.changed").await;
    let moved = select_texts(&doc, "tr[data-action=\"booking.changed\"] td.what");
    assert!(
        moved
            .iter()
            .any(|t| t.starts_with("Moved in Reservio") && t.matches(" → ").count() == 1),
        "{moved:?}"
    );
    let entities = select_texts(&doc, "tr[data-action=\"booking.changed\"] td.entity");
    assert!(
        entities
            .iter()
            .all(|t| t.starts_with("Booking in a system")),
        "{entities:?}"
    );
    // The entity filter is in words, and a push is not an "outbox".
    let all = page(&app, &care, paths::AUDIT).await;
    let options = select_texts(&all, "#a-entity option");
    assert!(
        options.contains(&"Change sent to a system".to_string()),
        "{options:?}"
    );
    assert!(
        !options
            .iter()
            .any(|o| o == "outbox" || o == "external_booking"),
        "{options:?}"
    );
    let pushes = page(&app, &care, "/audit?entity_type=outbox").await;
    let labels = select_texts(&pushes, "td.entity");
    assert!(!labels.is_empty());
    assert!(
        labels.iter().all(|l| !l.to_lowercase().contains("outbox")),
        "{labels:?}"
    );
}

async fn the_mapping_warns_when_an_offer_lasts_longer_or_shorter_than_its_service(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, _) = crate::onboarding::request(&app, &partner).await;
    let sales = app.login("sales@demo.test").await;
    let r = app
        .post_form(&sales, "/", &paths::sales_connection_sandbox(id), &[])
        .await;
    assert_eq!(r.status(), 303);
    let path = paths::sales_connection(id);
    let doc = page(&app, &sales, &path).await;
    // The first service, and an offer of another length than it.
    let row = scraper::Selector::parse("#mapping tbody tr").expect("selector");
    let cell = scraper::Selector::parse("td").expect("selector");
    let select = scraper::Selector::parse("select").expect("selector");
    let option = scraper::Selector::parse("option").expect("selector");
    let first = doc.select(&row).next().expect("a service row");
    let minutes = first
        .select(&cell)
        .next()
        .map(|c| c.text().collect::<String>().trim().to_string())
        .expect("its duration");
    let field = first
        .select(&select)
        .next()
        .and_then(|s| s.value().attr("name"))
        .expect("a select")
        .to_string();
    let other = first
        .select(&option)
        .find(|o| {
            let text = o.text().collect::<String>();
            !o.value().attr("value").unwrap_or("").is_empty() && !text.ends_with(&minutes)
        })
        .and_then(|o| o.value().attr("value"))
        .expect("an offer of another length")
        .to_string();
    let r = app
        .post_form(
            &sales,
            "/",
            &paths::sales_connection_mapping(id),
            &[(field.as_str(), other.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let saved = page(&app, &sales, &path).await;
    let warnings = select_texts(&saved, "#saved-mapping .length-warning");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(&minutes), "{warnings:?}");
}

async fn a_live_connection_shows_every_step_done_and_no_request_and_none_says_how_to_start(
    app: TestApp,
) {
    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, paths::CONNECTION).await;
    assert_eq!(
        select_texts(&doc, ".connection-card [data-state=active]").len(),
        1,
        "the demo partner is live"
    );
    assert_eq!(select_texts(&doc, ".connection-card ol.steps li").len(), 4);
    assert_eq!(
        select_texts(&doc, ".connection-card ol.steps li.done").len(),
        4,
        "every step up to live is done"
    );
    // Not invited to request one: connecting another calendar is folded away.
    assert!(select_texts(&doc, "#request-title").is_empty());
    assert!(select_attr(&doc, "details#request-another", "open").is_none());
    assert!(select_attr(&doc, "details#request-another #request-form", "action").is_some());
    let home = page(&app, &partner, "/").await;
    assert!(select_texts(&home, "#home-no-connection").is_empty());

    // A partner whose only connection was disconnected is told how to set one up, not
    // "nothing to fix".
    let partner_id = crate::partner::partner_id(&app, "partner2@demo.test").await;
    sqlx::query("UPDATE connections SET state = 'disconnected' WHERE partner_id = $1")
        .bind(partner_id)
        .execute(app.db.pool())
        .await
        .expect("disconnected");
    let other = app.login("partner2@demo.test").await;
    let home = page(&app, &other, "/").await;
    assert_eq!(select_texts(&home, "#home-no-connection").len(), 1);
    assert_eq!(
        select_attr(&home, "#home-no-connection a", "href").as_deref(),
        Some(paths::CONNECTION)
    );
    assert!(select_texts(&home, "#home-open .badge.ok").is_empty());
}

async fn error_pages_keep_the_navigation_logging_out_says_so_and_the_tab_has_an_icon(app: TestApp) {
    let partner = app.login(PARTNER).await;
    for (path, status) in [("/bookings/999999", 404), (paths::CARE_MISMATCHES, 403)] {
        let r = app.get(&partner, path).await;
        assert_eq!(r.status(), status, "{path}");
        let doc = common::html(r).await;
        assert!(
            !select_texts(&doc, "header nav a").is_empty(),
            "{path} keeps the navigation"
        );
        assert_eq!(select_texts(&doc, "header .user-email"), [PARTNER]);
    }
    // Not logged in, a 404 is a bare page still.
    let visitor = app.client();
    assert_eq!(app.get(&visitor, "/nowhere").await.status(), 404);

    let home = page(&app, &partner, "/").await;
    let icon = select_attr(&home, "link[rel=icon]", "href").expect("a favicon");
    assert_eq!(app.get(&partner, &icon).await.status(), 200);

    let r = app.post_form(&partner, "/", paths::LOGOUT, &[]).await;
    assert_eq!(r.status(), 303);
    let login = page(&app, &partner, paths::LOGIN).await;
    assert_eq!(
        select_texts(&login, "#flashes .flash"),
        ["You are logged out."]
    );
}

async fn the_add_user_forms_defaults_add_a_user(app: TestApp) {
    let admin = app.login("admin@demo.test").await;
    let doc = page(&app, &admin, paths::ADMIN_USERS).await;
    let role = select_attr(&doc, "#new-role option[selected]", "value")
        .or_else(|| select_attr(&doc, "#new-role option", "value"))
        .expect("a role");
    let partner = select_attr(&doc, "#new-partner option[selected]", "value").unwrap_or_default();
    assert_eq!(role, "partner");
    assert!(
        !partner.is_empty(),
        "a partner user comes with a partner chosen"
    );
    let r = app
        .post_form(
            &admin,
            paths::ADMIN_USERS,
            paths::ADMIN_USERS,
            &[
                ("email", "new.partner@example.test"),
                ("role", &role),
                ("partner_id", &partner),
                ("password", "a-long-enough-password-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "the defaults as sent are valid");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'new.partner@example.test'")
            .await,
        1
    );
}

async fn the_care_and_sales_homes_count_their_work_and_list_their_queues(app: TestApp) {
    settle(&app).await;
    let partner = app.login(PARTNER).await;
    let (id, code) = crate::onboarding::request(&app, &partner).await;

    let care = app.login(CARE).await;
    let home = page(&app, &care, "/").await;
    let open = app
        .count("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
        .await;
    assert!(open > 0);
    assert_eq!(
        select_texts(&home, "#home-care-counts a[data-count=open] .count"),
        [open.to_string()]
    );
    assert_eq!(
        select_attr(&home, "#home-care-counts a[data-count=unassigned]", "href").as_deref(),
        Some("/care/mismatches?assignee=none")
    );

    let sales = app.login("sales@demo.test").await;
    let home = page(&app, &sales, "/").await;
    assert_eq!(
        select_texts(&home, "#home-sales-counts a[data-count=requested] .count"),
        ["1"]
    );
    // The new request is listed, not only found by typing its ID.
    assert_eq!(
        select_attr(&home, "#home-requests a", "href"),
        Some(paths::sales_connection(id))
    );
    assert_eq!(select_texts(&home, "#home-requests a code"), [code]);
}

async fn an_admin_sets_a_partners_time_zone_and_language_and_its_users_read_in_it(app: TestApp) {
    let partner_id = crate::partner::partner_id(&app, "partner2@demo.test").await;
    let admin = app.login("admin@demo.test").await;
    let doc = page(&app, &admin, paths::ADMIN_PARTNERS).await;
    assert!(
        select_attr(
            &doc,
            &format!("#tz-{partner_id} option[value=\"Europe/Warsaw\"]"),
            "value"
        )
        .is_some()
    );
    let path = format!("/admin/partners/{partner_id}/settings");
    let r = app
        .post_form(
            &admin,
            paths::ADMIN_PARTNERS,
            &path,
            &[("timezone", "Europe/Warsaw"), ("locale", "pl")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (tz, locale): (String, Option<String>) =
        sqlx::query_as("SELECT timezone, locale FROM partners WHERE id = $1")
            .bind(partner_id)
            .fetch_one(app.db.pool())
            .await
            .expect("partner");
    assert_eq!(
        (tz.as_str(), locale.as_deref()),
        ("Europe/Warsaw", Some("pl"))
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'partner.settings_changed' \
             AND entity_id = '{partner_id}'"
        ))
        .await,
        1
    );
    // Its user, who chose no language, reads in Polish.
    let user = app.login("partner2@demo.test").await;
    let home = page(&app, &user, "/").await;
    assert_eq!(select_attr(&home, "html", "lang").as_deref(), Some("pl"));
    // Anything off the lists is refused.
    let r = app
        .post_form(
            &admin,
            paths::ADMIN_PARTNERS,
            &path,
            &[("timezone", "Mars/Olympus"), ("locale", "pl")],
        )
        .await;
    assert_eq!(r.status(), 422);
}
