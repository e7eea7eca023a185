//! The guided procedures' pages over HTTP (DESIGN.md, "Guided procedures"): each start form
//! shows its plan and rule before anything starts, refuses what the rules refuse, keeps what
//! was typed when a field is wrong, and starts nothing without the CSRF token; the progress page
//! follows the runner to the end; partners see only their own bookings' procedures, Partner
//! Care acts for any partner, and other roles are refused.

use bookbridge::i18n::format::{local_date, time_zone};
use bookbridge::sandbox::faults::Faults;
use bookbridge::sync::procedure::{self, Hooks};
use scraper::{Html, Selector};

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::partner::{OTHER_PARTNER, PARTNER, first_partner, link_of, page, settle, voucher};
use crate::tests;

const CARE: &str = "care@demo.test";
const SALES: &str = "sales@demo.test";
const DAY: i64 = 24 * 3600;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        each_start_form_shows_its_plan_and_rule_before_anything_starts,
        a_refused_plan_is_explained_and_offers_no_form,
        another_partners_booking_and_procedures_are_not_found_and_other_roles_are_refused,
        a_post_without_the_right_csrf_token_is_refused_and_starts_nothing,
        a_missing_reason_or_slot_comes_back_next_to_the_field_with_what_was_typed,
        a_started_cancellation_shows_its_steps_and_completes_once_the_runner_has_run,
        a_second_procedure_while_one_is_under_way_is_refused_with_a_link_to_it,
        the_slots_fragment_offers_the_free_times_of_a_day_as_radio_buttons,
        a_reschedule_to_a_chosen_free_time_is_started_and_carried_out,
        partner_care_opens_any_partners_booking_and_settles_a_case_by_cancelling,
        abandoning_asks_first_and_refused_transitions_answer_409,
        a_stopped_step_is_retried_from_the_page,
        a_procedure_page_at_its_address_from_before_the_rename_sends_the_visitor_on,
    ]
}

/// The runner's hooks as the app has them, for the tests to drive the runner themselves.
fn hooks() -> Hooks {
    Hooks {
        mail_held: true,
        ..Hooks::default()
    }
}

/// Runs due procedures, letting time pass for waits, until `op` is over or stopped.
async fn run_to_end(app: &TestApp, op: i64) -> String {
    let ctx = app.sync.as_ref().expect("sync is configured");
    for _ in 0..30 {
        procedure::run_due(ctx, &hooks())
            .await
            .expect("a round of procedures runs");
        let state = state_of(app, op).await;
        if matches!(state.as_str(), "completed" | "failed" | "abandoned") {
            return state;
        }
        app.clock.advance(5);
    }
    state_of(app, op).await
}

async fn state_of(app: &TestApp, op: i64) -> String {
    let (state,): (String,) = sqlx::query_as("SELECT state FROM procedures WHERE id = $1")
        .bind(op)
        .fetch_one(app.db.pool())
        .await
        .expect("the procedure");
    state
}

async fn procedures(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM procedures").await
}

/// The first demo partner's clean booking (both sides agree), synced, and its link.
async fn clean_booking(app: &TestApp) -> (i64, String) {
    settle(app).await;
    let code = voucher(&first_partner(app), 0);
    (link_of(app, &code).await, code)
}

fn form_path(link: i64, kind: &str) -> String {
    format!("/bookings/{link}/procedures/{kind}")
}

/// Posts `fields` with the session's CSRF token.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(client, "/", path, fields).await
}

/// The procedure a start redirected to.
fn procedure_of(response: &reqwest::Response) -> i64 {
    assert_eq!(
        response.status(),
        303,
        "the start redirects to its progress"
    );
    let location = response.headers()["location"].to_str().expect("ascii");
    location
        .strip_prefix("/procedures/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location}"))
}

/// The data-step names of the listed steps, with their data-state if any.
fn steps(doc: &Html, list: &str) -> Vec<(String, String)> {
    let selector = Selector::parse(&format!("{list} li")).expect("selector");
    doc.select(&selector)
        .map(|li| {
            let attr = |name| li.value().attr(name).unwrap_or_default().to_string();
            (attr("data-step"), attr("data-state"))
        })
        .collect()
}

fn count(doc: &Html, selector: &str) -> usize {
    doc.select(&Selector::parse(selector).expect("selector"))
        .count()
}

/// The Reservio service of a link's calendar booking.
async fn reservio_service(app: &TestApp, link: i64) -> String {
    let (service,): (String,) = sqlx::query_as(
        "SELECT b.service_id FROM booking_links l \
         JOIN external_bookings b ON b.id = l.reservio_booking_id WHERE l.id = $1",
    )
    .bind(link)
    .fetch_one(app.db.pool())
    .await
    .expect("the calendar booking");
    service
}

/// A day `days` from now on the partner's calendar, as the date input sends it.
async fn day_ahead(app: &TestApp, link: i64, days: i64) -> String {
    let (zone,): (String,) = sqlx::query_as(
        "SELECT p.timezone FROM partners p JOIN booking_links l ON l.partner_id = p.id \
         WHERE l.id = $1",
    )
    .bind(link)
    .fetch_one(app.db.pool())
    .await
    .expect("the partner");
    local_date(app.clock.now() + days * DAY, &time_zone(&zone))
        .expect("a date")
        .to_string()
}

/// The free slots the fragment offers for a day.
async fn slots(app: &TestApp, client: &reqwest::Client, link: i64, query: &str) -> Vec<String> {
    let doc = page(app, client, &format!("/bookings/{link}/slots?{query}")).await;
    let selector = Selector::parse("input[type=radio][name=slot]").expect("selector");
    doc.select(&selector)
        .filter_map(|i| i.value().attr("value").map(str::to_string))
        .collect()
}

async fn each_start_form_shows_its_plan_and_rule_before_anything_starts(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;

    let cancel = page(&app, &client, &form_path(link, "cancel")).await;
    assert!(select_texts(&cancel, "#procedure-rule")[0].starts_with("Rule 2"));
    assert_eq!(
        steps(&cancel, "#plan-steps")
            .into_iter()
            .map(|(step, _)| step)
            .collect::<Vec<_>>(),
        [
            "cancel_voucher",
            "confirm_voucher_cancelled",
            "cancel_reservio",
            "verify_cancelled"
        ],
        "the voucher first, then Reservio, then both are checked"
    );
    assert_eq!(count(&cancel, "#plan-steps .skip-reason"), 0);
    assert_eq!(
        select_attr(&cancel, "#procedure-form", "action").as_deref(),
        Some(form_path(link, "cancel").as_str())
    );
    assert_eq!(
        count(&cancel, "#procedure-form textarea#reason[required]"),
        1
    );
    assert_eq!(count(&cancel, "#procedure-form input[name=csrf_token]"), 1);

    let reschedule = page(&app, &client, &form_path(link, "reschedule")).await;
    assert!(select_texts(&reschedule, "#procedure-rule")[0].starts_with("Rule 3"));
    assert_eq!(steps(&reschedule, "#plan-steps").len(), 4);
    let (origin,): (String,) =
        sqlx::query_as("SELECT origin_system FROM booking_links WHERE id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("the link");
    let system = if origin == "reservio" {
        "Reservio"
    } else {
        "Termino"
    };
    assert!(
        select_texts(&reschedule, "#applied-in")[0].contains(&format!("applied in {system}")),
        "rule 3: in the system where the booking was created"
    );
    assert_eq!(count(&reschedule, "#self-reschedule"), 1);
    let date = select_attr(&reschedule, "input#date[type=date]", "value").expect("a day");
    assert!(!date.is_empty(), "a day is chosen to start with");
    assert_eq!(
        select_attr(&reschedule, "input#date", "hx-get").as_deref(),
        Some(format!("/bookings/{link}/slots").as_str())
    );
    assert_eq!(
        select_attr(&reschedule, "input#date", "hx-trigger").as_deref(),
        Some("change")
    );
    assert_eq!(count(&reschedule, "#slots"), 1);

    let change = page(&app, &client, &form_path(link, "change_service")).await;
    assert!(select_texts(&change, "#procedure-rule")[0].starts_with("Rule 5"));
    let own = reservio_service(&app, link).await;
    let options: Vec<String> = change
        .select(&Selector::parse("select#service option").expect("selector"))
        .filter_map(|o| o.value().attr("value").map(str::to_string))
        .filter(|v| !v.is_empty())
        .collect();
    assert!(!options.is_empty(), "other mapped services are offered");
    assert!(!options.contains(&own), "not the booking's own service");
    assert_eq!(
        select_attr(&change, "select#service", "hx-get").as_deref(),
        Some(format!("/bookings/{link}/slots").as_str())
    );

    let escalate = page(&app, &client, &form_path(link, "escalate")).await;
    assert!(select_texts(&escalate, "#procedure-rule")[0].starts_with("Rule 4"));
    assert!(select_texts(&escalate, "#booking-stays-valid")[0].contains("stays valid"));
    assert_eq!(count(&escalate, "textarea#proposal"), 1);
    assert_eq!(
        steps(&escalate, "#plan-steps"),
        [("open_case".to_string(), String::new())]
    );

    // The booking page links to each of them.
    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    for kind in ["cancel", "reschedule", "change_service", "escalate"] {
        assert_eq!(
            select_attr(
                &detail,
                &format!("#booking-procedures li[data-kind={kind}] a"),
                "href"
            )
            .as_deref(),
            Some(form_path(link, kind).as_str())
        );
    }
    for bad in ["delete", "CANCEL", ""] {
        let path = format!("/bookings/{link}/procedures/{bad}");
        assert_eq!(app.get(&client, &path).await.status(), 404, "{path}");
    }
    assert_eq!(procedures(&app).await, 0, "looking starts nothing");
}

async fn a_refused_plan_is_explained_and_offers_no_form(app: TestApp) {
    settle(&app).await;
    // Appointment 3 starts with its voucher cancelled by the channel; the calendar still has it.
    let link = link_of(&app, &voucher(&first_partner(&app), 3)).await;
    let client = app.login(PARTNER).await;

    let cancel = page(&app, &client, &form_path(link, "cancel")).await;
    let planned = steps(&cancel, "#plan-steps");
    assert_eq!(planned.len(), 4);
    let skipped = select_texts(&cancel, "#plan-steps .skip-reason");
    assert_eq!(skipped.len(), 2, "both voucher steps are skipped");
    assert!(
        skipped.iter().all(|s| s.contains("already cancelled")),
        "{skipped:?}"
    );

    let reschedule = page(&app, &client, &form_path(link, "reschedule")).await;
    let refusal = select_texts(&reschedule, "#procedure-blocked .form-error").join("");
    assert!(refusal.contains("cannot be moved"), "{refusal}");
    assert_eq!(count(&reschedule, "#procedure-form"), 0, "no form");

    // The booking page shows the same refusal beside a disabled-looking button.
    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    assert_eq!(
        count(&detail, "#booking-procedures li[data-kind=reschedule] a"),
        0
    );
    let why = select_texts(&detail, "#refusal-reschedule").join("");
    assert!(why.contains("cannot be moved"), "{why}");
    assert_eq!(
        select_attr(
            &detail,
            "#booking-procedures li[data-kind=reschedule] .button",
            "aria-disabled"
        )
        .as_deref(),
        Some("true")
    );

    // Posting anyway is refused by the engine, with the reason, and starts nothing.
    let day = day_ahead(&app, link, 10).await;
    let refused = post(
        &app,
        &client,
        &form_path(link, "reschedule"),
        &[("date", &day), ("slot", "4000000000-4000003600")],
    )
    .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(procedures(&app).await, 0);
}

async fn another_partners_booking_and_procedures_are_not_found_and_other_roles_are_refused(
    app: TestApp,
) {
    let (link, code) = clean_booking(&app).await;
    let owner = app.login(PARTNER).await;
    let started = post(
        &app,
        &owner,
        &form_path(link, "cancel"),
        &[("reason", "Customer is ill")],
    )
    .await;
    let op = procedure_of(&started);

    let other = app.login(OTHER_PARTNER).await;
    let reads = [
        form_path(link, "cancel"),
        form_path(link, "escalate"),
        format!("/bookings/{link}/slots?date=2030-01-01"),
        format!("/procedures/{op}"),
    ];
    for path in &reads {
        let response = app.get(&other, path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains(&code), "{path} shows nothing of the booking");
    }
    let writes = [
        (form_path(link, "escalate"), vec![("reason", "x")]),
        (format!("/procedures/{op}/retry"), vec![]),
        (
            format!("/procedures/{op}/abandon"),
            vec![("confirm", "1"), ("understood", "yes")],
        ),
    ];
    for (path, fields) in &writes {
        let response = post(&app, &other, path, fields).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    assert_eq!(state_of(&app, op).await, "pending", "untouched");
    assert_eq!(procedures(&app).await, 1);

    for email in [SALES, "admin@demo.test"] {
        let client = app.login(email).await;
        for path in reads.iter().chain([&format!("/bookings/{link}")]) {
            assert_eq!(app.get(&client, path).await.status(), 403, "{email} {path}");
        }
        for (path, fields) in &writes {
            let response = post(&app, &client, path, fields).await;
            assert_eq!(response.status(), 403, "{email} {path}");
        }
    }
    assert_eq!(procedures(&app).await, 1);
    assert_eq!(state_of(&app, op).await, "pending");
}

async fn a_post_without_the_right_csrf_token_is_refused_and_starts_nothing(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let path = app.url(&form_path(link, "cancel"));
    let missing = client
        .post(&path)
        .form(&[("reason", "No token")])
        .send()
        .await
        .expect("answers");
    assert_eq!(missing.status(), 403);
    let wrong = client
        .post(&path)
        .form(&[("reason", "Wrong token"), ("csrf_token", "0123abcd")])
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 403);
    let header = client
        .post(&path)
        .header("x-csrf-token", "0123abcd")
        .form(&[("reason", "Wrong header")])
        .send()
        .await
        .expect("answers");
    assert_eq!(header.status(), 403);
    assert_eq!(procedures(&app).await, 0, "nothing was started");
}

async fn a_missing_reason_or_slot_comes_back_next_to_the_field_with_what_was_typed(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;

    let blank = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "   ")],
    )
    .await;
    assert_eq!(blank.status(), 422);
    let doc = html(blank).await;
    assert_eq!(
        select_texts(&doc, "#reason-error"),
        ["Write the reason."],
        "the message sits under the field"
    );
    assert_eq!(
        select_attr(&doc, "#reason", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(
        select_attr(&doc, "#reason", "aria-describedby")
            .expect("described")
            .contains("reason-error")
    );

    // An escalation without a reason keeps the proposal that was typed.
    let proposal = "Move it to Monday <b>10:00</b>";
    let escalate = post(
        &app,
        &client,
        &form_path(link, "escalate"),
        &[("reason", ""), ("proposal", proposal)],
    )
    .await;
    assert_eq!(escalate.status(), 422);
    let doc = html(escalate).await;
    assert_eq!(select_texts(&doc, "#proposal"), [proposal]);
    assert_eq!(select_texts(&doc, "#reason-error").len(), 1);

    // A move without a slot, or with one that cannot be read, keeps the day.
    let day = day_ahead(&app, link, 10).await;
    for (slot, message) in [
        ("", "Choose one of the free times."),
        ("tomorrow-ish", "could not be read"),
        ("20-10", "could not be read"),
    ] {
        let response = post(
            &app,
            &client,
            &form_path(link, "reschedule"),
            &[("date", &day), ("slot", slot)],
        )
        .await;
        assert_eq!(response.status(), 422, "{slot:?}");
        let doc = html(response).await;
        assert!(
            select_texts(&doc, "#slot-error").join("").contains(message),
            "{slot:?}"
        );
        assert_eq!(
            select_attr(&doc, "input#date", "value").as_deref(),
            Some(day.as_str())
        );
    }

    // A slot Reservio does not offer is refused by the engine, next to the slots.
    let start = app.clock.now() + 10 * DAY;
    let odd = format!("{}-{}", start - start % 3600 + 3 * 60 + 17, start + 7200);
    let response = post(
        &app,
        &client,
        &form_path(link, "reschedule"),
        &[("date", &day), ("slot", &odd)],
    )
    .await;
    assert_eq!(response.status(), 422);
    let doc = html(response).await;
    assert!(
        select_texts(&doc, "#slot-error")
            .join("")
            .contains("outside opening hours"),
        "{:?}",
        select_texts(&doc, "#slot-error")
    );

    // A service change to no service, or to one that is not mapped.
    let response = post(
        &app,
        &client,
        &form_path(link, "change_service"),
        &[("service", "not-a-service"), ("date", &day)],
    )
    .await;
    assert_eq!(response.status(), 422);
    let doc = html(response).await;
    assert!(select_texts(&doc, "#service-error")[0].contains("not mapped"));
    assert_eq!(select_texts(&doc, "#slot-error").len(), 1);
    assert_eq!(procedures(&app).await, 0, "nothing was started");
}

async fn a_started_cancellation_shows_its_steps_and_completes_once_the_runner_has_run(
    app: TestApp,
) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let started = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "The customer asked to cancel")],
    )
    .await;
    let op = procedure_of(&started);
    let progress = format!("/procedures/{op}");

    let before = page(&app, &client, &progress).await;
    // "It has started" belongs to the progress, so it goes when the procedure is over.
    assert!(
        select_texts(&before, "#progress #procedure-started")
            .join("")
            .contains("has started")
    );
    assert!(select_texts(&before, "#flashes .flash").is_empty());
    assert_eq!(
        steps(&before, "#procedure-steps")
            .into_iter()
            .map(|(step, _)| step)
            .collect::<Vec<_>>(),
        [
            "cancel_voucher",
            "confirm_voucher_cancelled",
            "cancel_reservio",
            "verify_cancelled"
        ]
    );
    assert_eq!(
        select_attr(&before, "#progress", "hx-trigger").as_deref(),
        Some("every 1s"),
        "it refreshes itself while under way"
    );
    assert_eq!(
        select_attr(&before, "#progress", "hx-get").as_deref(),
        Some(progress.as_str())
    );
    assert_eq!(select_texts(&before, "#started-by"), [PARTNER]);
    assert!(
        select_texts(&before, "#procedure-facts dd")
            .iter()
            .any(|d| d == "The customer asked to cancel")
    );
    assert_eq!(
        count(&before, "#abandon"),
        1,
        "a pending procedure may be abandoned"
    );

    // htmx gets the progress alone.
    let fragment = client
        .get(app.url(&progress))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answers");
    assert_eq!(fragment.status(), 200);
    let body = fragment.text().await.expect("body");
    assert!(
        body.trim_start().starts_with("<section id=\"progress\""),
        "{body}"
    );
    assert!(!body.contains("<html"));

    assert_eq!(run_to_end(&app, op).await, "completed");
    let after = page(&app, &client, &progress).await;
    assert_eq!(select_texts(&after, "#procedure-state"), ["Completed"]);
    assert!(
        steps(&after, "#procedure-steps")
            .iter()
            .all(|(_, state)| state == "done"),
        "{:?}",
        steps(&after, "#procedure-steps")
    );
    // The check is done, so the page says what was checked rather than asking for it again.
    let check = select_texts(&after, "#procedure-check").join("");
    assert!(check.contains("Reservio"), "{check}");
    assert!(check.starts_with("Both systems were checked"), "{check}");
    assert!(!check.contains("Now check"), "{check}");
    assert_eq!(
        count(&after, "#procedure-started"),
        0,
        "no 'has started' when done"
    );
    assert_eq!(
        select_attr(&after, "#progress", "hx-trigger"),
        None,
        "polling stops when it is over"
    );
    assert_eq!(count(&after, "#abandon"), 0);

    // The booking lists it and its history tells each step.
    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    assert_eq!(
        select_attr(&detail, "#past-procedures a", "href").as_deref(),
        Some(progress.as_str())
    );
    let timeline = select_texts(&detail, "#booking-timeline .what");
    for line in [
        "Procedure started: Cancel in both systems",
        "Step done: Cancel the voucher in Termino",
        "Procedure completed: Cancel in both systems",
    ] {
        assert!(timeline.iter().any(|t| t == line), "{line}: {timeline:?}");
    }
    let refusal = select_texts(&detail, "#refusal-cancel").join("");
    assert!(refusal.contains("nothing left to cancel"), "{refusal}");
    // Asking for help is greyed out for a reason of its own, not the cancel's.
    let help = select_texts(&detail, "#refusal-escalate").join("");
    assert!(help.contains("nothing to honour"), "{help}");
    assert!(!help.contains("nothing left to cancel"), "{help}");
}

async fn a_second_procedure_while_one_is_under_way_is_refused_with_a_link_to_it(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let first = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "Double booked")],
    )
    .await;
    let op = procedure_of(&first);
    let link_to_it = format!("/procedures/{op}");

    let second = post(
        &app,
        &client,
        &form_path(link, "escalate"),
        &[("reason", "We are closed that day")],
    )
    .await;
    assert_eq!(second.status(), 409);
    let doc = html(second).await;
    assert_eq!(
        select_attr(&doc, "#active-procedure", "href").as_deref(),
        Some(link_to_it.as_str())
    );
    assert_eq!(procedures(&app).await, 1);

    let form = page(&app, &client, &form_path(link, "reschedule")).await;
    assert_eq!(
        select_attr(&form, "#active-procedure", "href").as_deref(),
        Some(link_to_it.as_str())
    );
    assert_eq!(count(&form, "#procedure-form"), 0);

    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    assert_eq!(
        select_attr(&detail, "#active-procedure a", "href").as_deref(),
        Some(link_to_it.as_str())
    );
    assert_eq!(count(&detail, "#booking-procedures li a.button"), 0);
}

async fn the_slots_fragment_offers_the_free_times_of_a_day_as_radio_buttons(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let day = day_ahead(&app, link, 10).await;

    let free = slots(&app, &client, link, &format!("date={day}")).await;
    assert!(!free.is_empty(), "an empty day has free times");
    for value in &free {
        let (start, end) = value.split_once('-').expect("start-end");
        let (start, end): (i64, i64) = (start.parse().expect("start"), end.parse().expect("end"));
        assert!(end > start && start > app.clock.now(), "{value}");
    }
    let doc = page(&app, &client, &format!("/bookings/{link}/slots?date={day}")).await;
    assert_eq!(count(&doc, "#slots fieldset legend"), 1);
    assert_eq!(count(&doc, "html body header"), 0, "a fragment, not a page");

    // Another mapped service has its own free times; an unknown one is refused.
    let own = reservio_service(&app, link).await;
    let change = page(&app, &client, &form_path(link, "change_service")).await;
    let other = change
        .select(&Selector::parse("select#service option").expect("selector"))
        .filter_map(|o| o.value().attr("value"))
        .find(|v| !v.is_empty() && *v != own)
        .expect("another service")
        .to_string();
    let other_free = slots(&app, &client, link, &format!("date={day}&service={other}")).await;
    assert!(!other_free.is_empty());
    let unknown = app
        .get(
            &client,
            &format!("/bookings/{link}/slots?date={day}&service=nope"),
        )
        .await;
    assert_eq!(unknown.status(), 422);

    let bad = app
        .get(&client, &format!("/bookings/{link}/slots?date=31.12.2030"))
        .await;
    assert_eq!(bad.status(), 422);
    assert!(select_texts(&html(bad).await, "#slots-message")[0].contains("not a day"));
    let no_day = page(&app, &client, &format!("/bookings/{link}/slots?date=")).await;
    assert_eq!(count(&no_day, "input[type=radio]"), 0);
    let no_service = page(
        &app,
        &client,
        &format!("/bookings/{link}/slots?date={day}&service="),
    )
    .await;
    assert!(select_texts(&no_service, "#slots-message")[0].contains("Choose a service"));
}

async fn a_reschedule_to_a_chosen_free_time_is_started_and_carried_out(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let day = day_ahead(&app, link, 10).await;
    let free = slots(&app, &client, link, &format!("date={day}")).await;
    let chosen = free.get(free.len() / 2).expect("a free time").clone();
    let started = post(
        &app,
        &client,
        &form_path(link, "reschedule"),
        &[("date", &day), ("slot", &chosen)],
    )
    .await;
    let op = procedure_of(&started);
    assert_eq!(run_to_end(&app, op).await, "completed");
    let (start, _) = chosen.split_once('-').expect("start-end");
    let (r_start, t_start): (i64, i64) = sqlx::query_as(
        "SELECT r.start_at, t.start_at FROM booking_links l \
         JOIN external_bookings r ON r.id = l.reservio_booking_id \
         JOIN external_bookings t ON t.id = l.termino_booking_id WHERE l.id = $1",
    )
    .bind(link)
    .fetch_one(app.db.pool())
    .await
    .expect("both sides");
    let start: i64 = start.parse().expect("a number");
    assert_eq!(
        (r_start, t_start),
        (start, start),
        "both systems show the new time"
    );
    let done = page(&app, &client, &format!("/procedures/{op}")).await;
    assert!(
        select_texts(&done, "#procedure-facts dd")
            .iter()
            .any(|d| d.contains(" – ")),
        "the new time is shown"
    );
}

async fn partner_care_opens_any_partners_booking_and_settles_a_case_by_cancelling(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let partner = app.login(PARTNER).await;
    // The partner cannot honour the booking and tells Partner Care (rule 4).
    let escalated = post(
        &app,
        &partner,
        &form_path(link, "escalate"),
        &[
            ("reason", "The therapist is ill that week"),
            ("proposal", "Cancel it, please"),
        ],
    )
    .await;
    let escalation = procedure_of(&escalated);
    assert_eq!(state_of(&app, escalation).await, "completed");
    let (case,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE link_id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("a case was opened");
    let shown = page(&app, &partner, &format!("/procedures/{escalation}")).await;
    assert_eq!(
        select_attr(&shown, "#opened-case", "href").as_deref(),
        Some(format!("/cases/{case}").as_str())
    );

    let care = app.login(CARE).await;
    // Any partner's booking opens for Partner Care.
    let other_link: (i64,) = sqlx::query_as(
        "SELECT l.id FROM booking_links l JOIN users u ON u.partner_id = l.partner_id \
         WHERE u.email = $1 ORDER BY l.id LIMIT 1",
    )
    .bind(OTHER_PARTNER)
    .fetch_one(app.db.pool())
    .await
    .expect("partner two has bookings");
    for id in [link, other_link.0] {
        let detail = page(&app, &care, &format!("/bookings/{id}")).await;
        assert_eq!(
            count(&detail, "#booking-procedures ul.procedures li"),
            4,
            "{id}"
        );
    }
    let case_page = page(&app, &care, &format!("/care/cases/{case}")).await;
    let start = select_attr(&case_page, "#case-act-cancel", "href").expect("a link to cancel");
    assert_eq!(
        start,
        format!("/bookings/{link}/procedures/cancel?case={case}")
    );
    let form = page(&app, &care, &start).await;
    assert_eq!(
        select_attr(&form, "#procedure-form input[name=case]", "value").as_deref(),
        Some(case.to_string().as_str())
    );
    // A case of another booking cannot be settled from this one.
    let wrong = app
        .get(
            &care,
            &format!("/bookings/{}/procedures/cancel?case={case}", other_link.0),
        )
        .await;
    assert_eq!(wrong.status(), 404);

    let cancelled = post(
        &app,
        &care,
        &form_path(link, "cancel"),
        &[
            ("reason", "The salon cannot honour it"),
            ("case", &case.to_string()),
        ],
    )
    .await;
    let op = procedure_of(&cancelled);
    assert_eq!(run_to_end(&app, op).await, "completed");
    let (state, outcome): (String, Option<String>) =
        sqlx::query_as("SELECT state, outcome FROM cases WHERE id = $1")
            .bind(case)
            .fetch_one(app.db.pool())
            .await
            .expect("the case");
    assert_eq!(
        (state.as_str(), outcome.as_deref()),
        ("resolved", Some("booking_cancelled"))
    );
    let by: (String,) = sqlx::query_as(
        "SELECT actor FROM audit_log WHERE action = 'operation.started' AND entity_id = $1",
    )
    .bind(op.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("audited");
    assert_eq!(by.0, CARE);

    // The partner follows the same procedure; other staff do not get in.
    let followed = page(&app, &partner, &format!("/procedures/{op}")).await;
    assert_eq!(select_texts(&followed, "#started-by"), [CARE]);
    let sales = app.login(SALES).await;
    assert_eq!(
        app.get(&sales, &format!("/bookings/{link}")).await.status(),
        403
    );
}

async fn abandoning_asks_first_and_refused_transitions_answer_409(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let started = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "Changed plans")],
    )
    .await;
    let op = procedure_of(&started);
    let abandon = format!("/procedures/{op}/abandon");

    // Retrying what has not stopped is refused, with the reason.
    let retry = post(&app, &client, &format!("/procedures/{op}/retry"), &[]).await;
    assert_eq!(retry.status(), 409);
    assert!(
        select_texts(&html(retry).await, "#flashes .flash-error")
            .join("")
            .contains("Only a stopped procedure")
    );

    // The button asks first; the question needs the box ticked.
    let question = post(&app, &client, &abandon, &[]).await;
    assert_eq!(question.status(), 200);
    let doc = html(question).await;
    assert_eq!(count(&doc, "input#understood[type=checkbox][required]"), 1);
    assert_eq!(
        state_of(&app, op).await,
        "pending",
        "asking abandons nothing"
    );
    let unticked = post(&app, &client, &abandon, &[("confirm", "1")]).await;
    assert_eq!(unticked.status(), 422);
    assert_eq!(
        select_texts(&html(unticked).await, "#understood-error").len(),
        1
    );
    assert_eq!(state_of(&app, op).await, "pending");

    let done = post(
        &app,
        &client,
        &abandon,
        &[("confirm", "1"), ("understood", "yes")],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(state_of(&app, op).await, "abandoned");
    let shown = page(&app, &client, &format!("/procedures/{op}")).await;
    assert_eq!(select_texts(&shown, "#procedure-state"), ["Abandoned"]);
    assert_eq!(select_attr(&shown, "#progress", "hx-trigger"), None);
    assert!(
        steps(&shown, "#procedure-steps")
            .iter()
            .all(|(_, state)| state == "not_done")
    );

    let again = post(
        &app,
        &client,
        &abandon,
        &[("confirm", "1"), ("understood", "yes")],
    )
    .await;
    assert_eq!(again.status(), 409);
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'operation.abandoned' \
             AND entity_id = '{op}' AND actor = '{PARTNER}'"
        ))
        .await;
    assert_eq!(audited, 1);
    // A new procedure may start now.
    let form = page(&app, &client, &form_path(link, "cancel")).await;
    assert_eq!(count(&form, "#procedure-form"), 1);
}

async fn a_stopped_step_is_retried_from_the_page(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let termino = app.sandbox.as_ref().expect("sandbox").termino.faults();
    termino.set(Faults {
        refuse_rate: 1.0,
        writes_only: true,
        ..Faults::default()
    });
    let started = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "Salon closed")],
    )
    .await;
    let op = procedure_of(&started);
    assert_eq!(run_to_end(&app, op).await, "failed");
    let stopped = page(&app, &client, &format!("/procedures/{op}")).await;
    assert_eq!(select_texts(&stopped, "#procedure-state"), ["Stopped"]);
    assert_eq!(
        steps(&stopped, "#procedure-steps")[0],
        ("cancel_voucher".to_string(), "failed".to_string())
    );
    assert_eq!(count(&stopped, "li[data-step=cancel_voucher] #retry"), 1);
    assert_eq!(count(&stopped, "#procedure-error"), 1);
    assert_eq!(count(&stopped, "#abandon"), 1);
    // The booking is flagged until the procedure is retried to the end or abandoned.
    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    assert_eq!(
        count(
            &detail,
            "#booking-mismatches li[data-kind=procedure_failed]"
        ),
        1
    );

    termino.set(Faults::default());
    let retried = post(&app, &client, &format!("/procedures/{op}/retry"), &[]).await;
    assert_eq!(retried.status(), 303);
    assert_eq!(run_to_end(&app, op).await, "completed");
    let detail = page(&app, &client, &format!("/bookings/{link}")).await;
    assert_eq!(
        count(
            &detail,
            "#booking-mismatches li[data-kind=procedure_failed]"
        ),
        0
    );
    let timeline = select_texts(&detail, "#booking-timeline .what");
    assert!(
        timeline
            .iter()
            .any(|t| t == "The stopped procedure was started again"),
        "{timeline:?}"
    );
}

/// Procedures were called operations once: `/operations/{id}` (bookmarks, older links) answers
/// with a permanent redirect to the procedure's page, for the same people the page is for.
async fn a_procedure_page_at_its_address_from_before_the_rename_sends_the_visitor_on(app: TestApp) {
    let (link, _) = clean_booking(&app).await;
    let client = app.login(PARTNER).await;
    let started = post(
        &app,
        &client,
        &form_path(link, "cancel"),
        &[("reason", "The customer asked to cancel")],
    )
    .await;
    let op = procedure_of(&started);
    let old = format!("/operations/{op}");
    let moved = app.get(&client, &old).await;
    assert_eq!(moved.status(), 308);
    assert_eq!(
        moved.headers()["location"].to_str().expect("ascii"),
        bookbridge::web::paths::procedure(op)
    );
    let anonymous = app.get(&app.client(), &old).await;
    assert!(
        anonymous.status().is_redirection()
            && anonymous.headers()["location"]
                .to_str()
                .expect("ascii")
                .starts_with("/login"),
        "someone not logged in is sent to log in first"
    );
}
