//! Browser tests in headless Chromium, on SQLite and PostgreSQL: each role's daily work clicked
//! through against the sandbox, htmx swaps included. Without Chromium and chromedriver the tests
//! are reported as ignored (and fail under `CI=true`, where they must run).

#[path = "browser/support.rs"]
mod support;

mod common;

use bookbridge::config::{Config, SystemsConfig};
use common::TestApp;
use support::Browser;

fn main() {
    common::run_gated(
        sandboxed,
        tests![
            partner_care_assigns_and_resolves_a_mismatch,
            a_sales_rep_maps_services_and_the_partner_goes_live,
            a_partner_filters_to_mismatches_and_opens_one,
            a_partner_cancels_a_booking_and_watches_the_steps_complete,
            a_partner_turns_on_the_second_factor_and_logs_in_with_a_code,
            the_day_is_told_truly_from_the_waiting_badge_to_a_case_settled_only_when_verified,
            on_a_phone_the_filters_fold_away_and_a_booking_shows_its_actions_first,
            a_partner_invites_a_colleague_who_opens_the_demo_mailbox_link_and_logs_in,
        ],
        support::missing(),
    );
}

/// The demo's fake systems with a few bookings per partner; the test drives sync itself.
fn sandboxed(config: &mut Config) {
    config.systems = Some(SystemsConfig::Sandbox {
        bookings_per_partner: 40,
    });
    config.run_worker = false;
}

/// One round of sync for every connection: pull, link, reconcile, push.
async fn sync(app: &TestApp) {
    let ctx = app.sync.as_ref().expect("the sandbox config turns sync on");
    bookbridge::sync::sync_all(ctx).await.expect("sync runs");
}

/// What the audit trail says about link `link`, its snapshots and its mismatches, one line per
/// row: what an assertion about the link's history prints when it fails.
async fn history_of(app: &TestApp, link: i64) -> String {
    let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT at, actor, action, entity_type, after_state FROM audit_log \
         WHERE (entity_type = 'booking_link' AND entity_id = $1) OR after_state LIKE $2 \
         OR entity_id IN (SELECT CAST(id AS TEXT) FROM external_bookings WHERE id IN \
            (SELECT reservio_booking_id FROM booking_links WHERE id = $3 \
             UNION SELECT termino_booking_id FROM booking_links WHERE id = $3)) \
         ORDER BY id",
    )
    .bind(link.to_string())
    .bind(format!("%\"link_id\":{link}%"))
    .bind(link)
    .fetch_all(app.db.pool())
    .await
    .expect("the link's history");
    rows.iter()
        .map(|(at, actor, action, entity, after)| {
            format!(
                "{at} {actor} {action} {entity} {}\n",
                after.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The test's name for its screenshots, with the database it ran on.
fn named(app: &TestApp, test: &str) -> String {
    format!("{}-{test}", app.backend.name())
}

async fn partner_care_assigns_and_resolves_a_mismatch(app: TestApp) {
    sync(&app).await;
    let mut b = Browser::start(&app, &named(&app, "care-assigns-and-resolves")).await;
    b.login("care@demo.test").await;
    b.goto("/care/mismatches").await;
    let first = "#queue-table tbody tr:first-child";
    let id: i64 = b
        .attr(first, "data-mismatch-id")
        .await
        .expect("rows carry their id")
        .parse()
        .expect("a number");
    let row = format!("tr[data-mismatch-id='{id}']");

    // Assigning swaps the table in place and says so.
    b.click(&format!("{row} .row-actions form:first-of-type button"))
        .await;
    b.wait_for_text("#queue .flash", &format!("#{id}")).await;
    b.wait_for_text(&row, "You").await;

    // The assignee filter swaps the table and keeps the view in the URL.
    b.select("#f-assignee", "me").await;
    b.wait_for_text("#queue .queue-count", "1 mismatch").await;
    assert!(b.path().await.contains("assignee=me"), "{}", b.path().await);

    // Open it: the sides still differ, so a note alone is not offered; the procedures are,
    // and accepting the difference needs a reason, asked for next to the field.
    b.click(&format!("{row} a[href='/care/mismatches/{id}']"))
        .await;
    b.wait_for("#mismatch-state").await;
    b.wait_for("#still-differs").await;
    b.wait_for("#mismatch-procedures li").await;
    b.snapshot("mismatch").await;
    b.click_and_snapshot("#accept-form button[type=submit]", "empty-reason")
        .await;
    b.wait_for_text("#reason-error", "cannot be empty").await;

    let note = "The salon agreed with the customer on purpose; both know.";
    b.fill("#reason", note).await;
    b.click("#accept-form button[type=submit]").await;
    b.wait_for_text("#mismatch-state", "Resolved").await;
    assert_eq!(b.text("#resolution-note").await, note);
    b.snapshot("accepted").await;
    // It sticks: the sync does not flag the same difference again.
    sync(&app).await;
    b.goto(&format!("/care/mismatches/{id}")).await;
    b.wait_for_text("#mismatch-state", "Resolved").await;

    // Back in the queue: tick two rows and acknowledge them at once.
    b.goto("/care/mismatches?state=open").await;
    let ticks = "#queue-table tbody tr input[type=checkbox]";
    let picked = b.values(ticks).await;
    for n in 1..=2 {
        b.click(&format!(
            "#queue-table tbody tr:nth-child({n}) input[type=checkbox]"
        ))
        .await;
    }
    b.click("#bulk button[value=acknowledge]").await;
    b.wait_for_text("#queue .flash", "Acknowledged: 2.").await;
    b.close().await;
    let acknowledged: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM mismatches WHERE state = 'acknowledged' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .expect("rows");
    let mut expected: Vec<i64> = picked[..2]
        .iter()
        .map(|v| v.parse().expect("ids"))
        .collect();
    expected.sort();
    assert_eq!(
        acknowledged.iter().map(|r| r.0).collect::<Vec<_>>(),
        expected
    );

    let (state, by, saved): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT state, resolved_by, resolution_note FROM mismatches WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("the mismatch");
    assert_eq!(state, "resolved");
    assert_eq!(by.as_deref(), Some("care@demo.test"));
    assert_eq!(saved.as_deref(), Some(note));
    let audited: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_log WHERE entity_type = 'mismatch' AND entity_id = $1 \
         AND actor = 'care@demo.test' ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(app.db.pool())
    .await
    .expect("audit rows");
    let actions: Vec<&str> = audited.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(actions, ["mismatch.assigned", "mismatch.accepted"]);
    let (kind, link): (String, i64) =
        sqlx::query_as("SELECT kind, link_id FROM mismatches WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("the mismatch");
    let (again,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mismatches WHERE link_id = $1 AND kind = $2 AND state <> 'resolved'",
    )
    .bind(link)
    .bind(&kind)
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(
        again,
        0,
        "the accepted difference ({kind}) is not flagged again:\n{}",
        history_of(&app, link).await
    );
}

async fn a_sales_rep_maps_services_and_the_partner_goes_live(app: TestApp) {
    let mut b = Browser::start(&app, &named(&app, "sales-maps-partner-goes-live")).await;

    // The partner asks for a connection with a sandbox calendar and gets its ID.
    b.login("partner@demo.test").await;
    b.goto("/connection").await;
    // Already live with one calendar: connecting another is folded away.
    b.click("#request-another summary").await;
    b.click("#sandbox-request").await;
    b.wait_for_text(".connection-card [data-state]", "Requested")
        .await;
    let code = b.text(".connection-card [data-code]").await;
    b.wait_for_text("#flashes", &code).await;
    b.logout().await;

    // The sales rep opens it by that ID, typed carelessly, and maps the services.
    b.login("sales@demo.test").await;
    b.goto("/sales/connections").await;
    b.fill("#code", &code.to_lowercase().replace('-', " "))
        .await;
    b.click("#lookup button[type=submit]").await;
    b.wait_for("#sandbox-account").await;
    b.snapshot("sales-connection").await;
    b.click("#sandbox-account").await;
    b.wait_for("#mapping-form").await;
    b.snapshot("mapping").await;
    let chosen = b.values("#mapping select").await;
    assert_eq!(chosen.len(), 3, "one choice per service: {chosen:?}");
    assert!(
        chosen.iter().all(|offer| !offer.is_empty()),
        "an offer is suggested for each service: {chosen:?}"
    );
    b.click("#save-mapping").await;
    b.wait_for_text("#connection-state", "Services mapped")
        .await;
    b.click("#confirm-connection").await;
    b.wait_for_text("#connection-state", "Being verified").await;
    b.logout().await;

    // Sync copies the bookings over; the partner checks the report and goes live.
    sync(&app).await;
    sync(&app).await;
    b.login("partner@demo.test").await;
    b.goto("/connection").await;
    b.wait_for("#report-bookings").await;
    b.wait_for("#report-availability").await;
    b.snapshot("verification-report").await;
    b.click("#go-live").await;
    b.wait_for_text(".connection-card [data-state]", "Live")
        .await;
    b.close().await;

    let row: (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT state, requested_by, mapped_by, verifying_by, active_by FROM connections \
         WHERE connection_code = $1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("the connection");
    assert_eq!(
        row,
        (
            "active".to_string(),
            "partner@demo.test".to_string(),
            Some("sales@demo.test".to_string()),
            Some("sales@demo.test".to_string()),
            Some("partner@demo.test".to_string()),
        )
    );
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor FROM audit_log WHERE entity_type = 'connection' \
         AND entity_id = (SELECT CAST(id AS TEXT) FROM connections WHERE connection_code = $1) \
         ORDER BY id",
    )
    .bind(&code)
    .fetch_all(app.db.pool())
    .await
    .expect("audit rows");
    let steps: Vec<(&str, &str)> = audited
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("connection.requested", "partner@demo.test"),
            ("connection.channel_account_set", "sales@demo.test"),
            ("connection.mapped", "sales@demo.test"),
            ("connection.confirmed", "sales@demo.test"),
            // The verification report probes the partner's Reservio account read-only and
            // records what it found.
            ("connection.reservio_profile", "sync"),
            ("connection.went_live", "partner@demo.test"),
        ]
    );
}

async fn a_partner_filters_to_mismatches_and_opens_one(app: TestApp) {
    sync(&app).await;
    sync(&app).await;
    // What the list should come down to: current links with an unresolved status mismatch.
    let (expected,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM booking_links l WHERE l.superseded_by IS NULL \
         AND l.partner_id = (SELECT partner_id FROM users WHERE email = 'partner@demo.test') \
         AND EXISTS (SELECT 1 FROM mismatches m WHERE m.link_id = l.id \
             AND m.state <> 'resolved' AND m.kind = 'status_differs')",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert!(expected > 0, "the sandbox world has a cancelled voucher");

    let mut b = Browser::start(&app, &named(&app, "partner-filters-and-opens")).await;
    b.login("partner@demo.test").await;
    b.goto("/bookings").await;
    b.wait_for("#bookings-table tr.link-row").await;
    b.snapshot("bookings").await;

    // Ticking "only mismatches" swaps the table and puts the filter in the address bar.
    b.click("#f-mismatches").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !b.path().await.contains("mismatches=1") {
        assert!(
            std::time::Instant::now() < deadline,
            "the URL keeps the filter"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Narrowing to one kind: every row left has that badge.
    b.select("#f-kind", "status_differs").await;
    let summary = format!("of {expected} booking");
    b.wait_for_text("#bookings-summary", &summary).await;
    let path = b.path().await;
    assert!(
        path.contains("kind=status_differs") && path.contains("mismatches=1"),
        "{path}"
    );
    b.snapshot("filtered").await;

    // Opening the first one shows what the mismatch means and the rule to follow.
    b.click("#bookings-table tr.link-row:first-child a.open")
        .await;
    b.wait_for("#booking-mismatches li[data-kind=status_differs]")
        .await;
    let explanation = b
        .text("#booking-mismatches li[data-kind=status_differs] .explanation")
        .await;
    assert!(explanation.contains("the voucher first"), "{explanation}");
    assert!(b.path().await.starts_with("/bookings/"));
    b.snapshot("detail").await;
    b.close().await;
}

/// The procedure runner as the app runs it with its worker on, and a clock that moves with real
/// time (the test clock stands still otherwise, and waiting steps look again after a while).
/// Both stop when the handles are aborted.
fn run_procedures(app: &TestApp) -> [tokio::task::JoinHandle<()>; 2] {
    let ctx = app.sync.clone().expect("the sandbox config turns sync on");
    let hooks = bookbridge::sync::procedure::Hooks {
        mail_held: true,
        ..Default::default()
    };
    let runner = tokio::spawn(bookbridge::sync::procedure::run_forever(ctx, hooks));
    let clock = app.clock.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            clock.advance(1);
        }
    });
    [runner, ticker]
}

async fn a_partner_cancels_a_booking_and_watches_the_steps_complete(app: TestApp) {
    sync(&app).await;
    sync(&app).await;
    let partner = app
        .sandbox
        .as_ref()
        .expect("sandbox")
        .partners()
        .into_iter()
        .next()
        .expect("a demo partner");
    // The first seeded appointment agrees on both sides.
    let voucher = partner.appointments[0].2.clone();
    let (link,): (i64,) = sqlx::query_as(
        "SELECT id FROM booking_links WHERE voucher_code = $1 AND superseded_by IS NULL",
    )
    .bind(&voucher)
    .fetch_one(app.db.pool())
    .await
    .expect("the booking is linked");

    let mut b = Browser::start(&app, &named(&app, "partner-cancels-and-watches")).await;
    b.login("partner@demo.test").await;
    b.goto(&format!("/bookings/{link}")).await;
    b.click("#booking-procedures li[data-kind=cancel] a").await;
    b.wait_for("#plan-steps li[data-step=cancel_voucher]").await;
    let rule = b.text("#procedure-rule").await;
    assert!(rule.starts_with("Rule 2"), "{rule}");
    b.snapshot("cancel-form").await;

    // Submitting without a reason keeps the reader on the form, with the message by the field.
    b.click("#procedure-submit").await;
    b.wait_for_text("#reason-error", "Write the reason").await;
    b.fill("#reason", "The customer asked to cancel by phone")
        .await;
    b.click("#procedure-submit").await;
    b.wait_for_text("#procedure-state", "Waiting to start")
        .await;
    assert!(
        b.path().await.starts_with("/procedures/"),
        "{}",
        b.path().await
    );
    b.snapshot("started").await;

    // Only now does the runner work: the page follows it by itself, without a reload. The
    // sync runs alongside, as the worker would, and sees the voucher cancelled first.
    let runner = run_procedures(&app);
    let ctx = app.sync.clone().expect("sync");
    let syncing = tokio::spawn(async move {
        loop {
            let _ = bookbridge::sync::sync_all(&ctx).await;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    });
    b.wait_for_text("#procedure-state", "Completed").await;
    let check = b.text("#procedure-check").await;
    for task in runner {
        task.abort();
    }
    syncing.abort();
    assert!(check.contains("Reservio"), "{check}");
    let state = b.attr("#progress", "data-state").await;
    assert_eq!(state.as_deref(), Some("completed"));
    for step in [
        "cancel_voucher",
        "confirm_voucher_cancelled",
        "cancel_reservio",
        "verify_cancelled",
    ] {
        b.wait_for(&format!(
            "#procedure-steps li[data-step={step}][data-state=done]"
        ))
        .await;
    }
    b.snapshot("completed").await;
    // The booking's history: agreed, then cancelled — no flag raised and resolved on the way.
    sync(&app).await;
    b.goto(&format!("/bookings/{link}")).await;
    b.wait_for("#booking-timeline").await;
    b.snapshot("history").await;
    let flagged = b
        .count("#booking-timeline li[data-action='mismatch.opened']")
        .await;
    assert_eq!(
        flagged,
        0,
        "the procedure's own in-between state is not flagged:\n{}",
        history_of(&app, link).await
    );
    b.close().await;

    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM procedures WHERE link_id = $1 ORDER BY id DESC")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("the procedure");
    assert_eq!(state, "completed");
}

async fn a_partner_turns_on_the_second_factor_and_logs_in_with_a_code(app: TestApp) {
    use bookbridge::auth::second_factor::code_at;

    let email = "partner@demo.test";
    let mut b = Browser::start(&app, &named(&app, "second-factor")).await;
    b.login(email).await;
    b.goto("/account").await;
    b.click("#second-factor-enrol").await;
    // The QR code is drawn in the page itself; the key beside it is what the app would read.
    b.wait_for("#enrol-qr svg").await;
    let secret = b.text("#enrol-secret").await;
    let code = code_at(&secret, email, app.clock.now()).expect("a code");
    b.fill("#enrol-code", &code).await;
    b.click_and_snapshot("#enrol-form button[type=submit]", "enrolled")
        .await;
    b.wait_for("#recovery-codes li").await;
    b.click("#recovery-codes-continue").await;
    b.wait_for("#second-factor-on").await;
    b.logout().await;

    // The next login asks for the code after the password.
    app.clock.advance(30);
    b.fill("#email", email).await;
    b.fill("#password", common::DEMO_PASSWORD).await;
    b.click("main form button[type=submit]").await;
    b.wait_for("#code").await;
    b.snapshot("second-step").await;
    b.fill("#code", "000000").await;
    b.click("#second-factor-form button[type=submit]").await;
    b.wait_for_text("#second-factor-error", "not right").await;
    let code = code_at(&secret, email, app.clock.now()).expect("a code");
    b.fill("#code", &code).await;
    b.click("#second-factor-form button[type=submit]").await;
    b.wait_for("header .user-email").await;
    assert_eq!(b.path().await, "/");
}

/// Issue 14 end to end: a one-sided booking waits for the other system; a flagged row's next
/// step opens its procedure; an escalation's proposal reaches both case pages; and a case that
/// Partner Care settles by moving a rejected booking is not called resolved, since the
/// verification finds the booking still rejected.
async fn the_day_is_told_truly_from_the_waiting_badge_to_a_case_settled_only_when_verified(
    app: TestApp,
) {
    sync(&app).await;
    let sandbox = app.sandbox.clone().expect("sandbox");
    let partner = sandbox
        .partners()
        .into_iter()
        .next()
        .expect("a demo partner");
    // A voucher for an offer no service is mapped to: only Termino shows it.
    sandbox
        .termino
        .add_offer(
            &partner.termino_partner_id,
            bookbridge::systems::termino::Offer {
                id: "offer-unmapped".into(),
                name: "Gift package".into(),
                duration_minutes: 60,
            },
        )
        .expect("offer");
    let start = (app.clock.now() / 86_400 + 1) * 86_400 + 9 * 3600;
    sandbox
        .termino
        .redeem_voucher(
            &partner.termino_partner_id,
            "TSTWAITING",
            "offer-unmapped",
            start,
            start + 3600,
            bookbridge::domain::Customer::default(),
        )
        .expect("redeem");
    sync(&app).await;
    sync(&app).await;

    let mut b = Browser::start(&app, &named(&app, "the-day-told-truly")).await;
    b.login("partner@demo.test").await;
    // Item 1: waiting, not agreeing.
    b.goto("/bookings?q=TSTWAITING").await;
    b.wait_for_text(
        "#bookings-table .badge.waiting",
        "Waiting for the other system",
    )
    .await;
    assert_eq!(b.count("#bookings-table .badge.ok").await, 0);
    b.snapshot("waiting").await;

    // Item 10: a flagged row offers its next step, one click to the procedure's form.
    b.goto("/bookings?mismatches=1&kind=status_differs").await;
    b.wait_for("#bookings-table tr.link-row a.next-step").await;
    b.snapshot("next-steps").await;
    b.click("#bookings-table tr.link-row:first-child a.next-step")
        .await;
    b.wait_for("#plan-steps li[data-step=cancel_voucher]").await;
    assert!(b.path().await.ends_with("/procedures/cancel"));
    b.snapshot("next-step-form").await;

    // Item 5: the rejected booking is escalated with a proposal; the case page shows it.
    let voucher = partner.appointments[7].2.clone();
    let (link,): (i64,) = sqlx::query_as(
        "SELECT id FROM booking_links WHERE voucher_code = $1 AND superseded_by IS NULL",
    )
    .bind(&voucher)
    .fetch_one(app.db.pool())
    .await
    .expect("the booking is linked");
    b.goto(&format!("/bookings/{link}")).await;
    b.click("#booking-procedures li[data-kind=escalate] a")
        .await;
    b.fill("#reason", "The therapist is ill that day").await;
    b.fill("#proposal", "Move it to the next afternoon").await;
    b.click("#procedure-submit").await;
    b.wait_for("#opened-case").await;
    b.click("#opened-case").await;
    b.wait_for_text("#case-proposal", "Move it to the next afternoon")
        .await;
    b.snapshot("partner-case").await;
    b.logout().await;

    // Partner Care finds it as a booking case, with the proposal, and moves the booking.
    b.login("care@demo.test").await;
    b.goto("/care/cases").await;
    b.wait_for("#cases a.case-booking").await;
    b.snapshot("care-cases").await;
    b.click("#cases tbody tr:first-child td:first-child a")
        .await;
    b.wait_for_text("#case-proposal", "Move it to the next afternoon")
        .await;
    b.snapshot("care-case").await;
    b.click("#case-act-reschedule").await;
    b.wait_for("#slot-choices input[type=radio]").await;
    b.click("#slot-choices label.slot:first-child input[type=radio]")
        .await;
    b.snapshot("move-form").await;
    b.click("#procedure-submit").await;
    b.wait_for("#procedure-state").await;
    // Item 2: moved, but still rejected in Reservio: the check stops, the case stays open.
    let runner = run_procedures(&app);
    b.wait_for_text("#procedure-state", "Stopped").await;
    for task in runner {
        task.abort();
    }
    b.wait_for("#procedure-steps li[data-step=verify_time][data-state=failed]")
        .await;
    b.snapshot("move-stopped").await;
    let (case,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE link_id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("the case");
    b.goto(&format!("/care/cases/{case}")).await;
    let state = b.text("#case-state").await;
    assert_ne!(state, "Resolved", "not resolved by an unverified move");
    b.snapshot("case-still-open").await;
    b.close().await;
}

/// Issue 14, item 14: on a phone (390 × 844) the bookings filters fold behind a "Filters" toggle so the
/// list comes first, a booking's actions come before its details, and a "last agreed" value
/// that is not there takes no room; on a wide screen the filters are open with no disclosure.
async fn on_a_phone_the_filters_fold_away_and_a_booking_shows_its_actions_first(app: TestApp) {
    sync(&app).await;
    let mut b = Browser::start(&app, &named(&app, "phone")).await;
    b.login("partner@demo.test").await;
    b.goto("/bookings").await;
    b.wait_for("#bookings-table tr.link-row").await;
    assert!(b.shown("#f-kind").await, "wide: the filters are open");
    assert!(
        !b.shown("#bookings-filter-fold > .fold-label").await,
        "wide: no disclosure to open"
    );

    b.resize(390, 844).await;
    b.goto("/bookings").await;
    b.wait_for("#bookings-table tr.link-row").await;
    assert!(b.shown("#bookings-filter-fold > .fold-label").await);
    assert!(!b.shown("#f-kind").await, "phone: the filters are folded");
    let folded = b.top("#bookings-filter-fold > .fold-label").await;
    let results = b.top("#bookings-results").await;
    assert!(
        results - folded < 100.0,
        "phone: the results follow the folded filters ({folded} → {results})"
    );
    b.click_and_snapshot("#bookings-filter-fold > .fold-label", "filters-opened")
        .await;
    assert!(b.shown("#f-kind").await, "the disclosure opens them");
    // Filtering still works from the opened disclosure.
    b.click("#f-mismatches").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !b.path().await.contains("mismatches=1") {
        assert!(std::time::Instant::now() < deadline, "the filter applies");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.snapshot("filtered-on-phone").await;

    // A booking with a side missing has no "last agreed" values: they take no row.
    let (link,): (i64,) = sqlx::query_as(
        "SELECT l.id FROM booking_links l JOIN users u ON u.partner_id = l.partner_id \
         WHERE u.email = 'partner@demo.test' AND l.superseded_by IS NULL \
         ORDER BY CASE WHEN l.base_start_at IS NULL THEN 0 ELSE 1 END, l.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("a booking");
    b.goto(&format!("/bookings/{link}")).await;
    b.wait_for("#booking-fields").await;
    let actions = b.top("#booking-procedures").await;
    let details = b.top("#booking-fields").await;
    assert!(
        actions < details,
        "phone: actions ({actions}) before details ({details})"
    );
    let heading = b.top("main h1").await;
    assert!(heading < actions, "which booking it is comes first");
    // A disabled action keeps a button's width, never an empty field's.
    if b.count("#booking-procedures .button.disabled").await > 0 {
        let width = b.width("#booking-procedures .button.disabled").await;
        let column = b.width("#booking-procedures ul.procedures").await;
        assert!(width < column * 0.9, "{width} of {column}");
    }
    let rows = b.count("#booking-fields tbody tr").await;
    let shown_empty = {
        let mut n = 0;
        for i in 1..=rows {
            let css = format!("#booking-fields tbody tr:nth-child({i}) td.base:empty");
            if b.count(&css).await == 1 && b.shown(&css).await {
                n += 1;
            }
        }
        n
    };
    assert_eq!(shown_empty, 0, "an empty 'last agreed' takes no row");
    b.snapshot("booking-on-phone").await;
    b.scroll_to("#booking-fields", "booking-fields-on-phone")
        .await;

    // Partner Care's queue folds its filters the same way.
    b.logout().await;
    b.login("care@demo.test").await;
    b.goto("/care/mismatches").await;
    assert!(b.shown("#queue-filter-fold > .fold-label").await);
    assert!(!b.shown("#f-kind").await, "the queue's filters are folded");
    b.click_and_snapshot("#queue-filter-fold > .fold-label", "queue-filters-opened")
        .await;
    assert!(b.shown("#f-kind").await);
    b.close().await;
}

/// Issue 17: the admin lets Salon Aurora's users invite colleagues; its partner user invites
/// one; in the demo the invitation waits in the admin's mailbox, whose link the colleague opens
/// to choose a password and log in.
async fn a_partner_invites_a_colleague_who_opens_the_demo_mailbox_link_and_logs_in(app: TestApp) {
    const COLLEAGUE: &str = "reception@aurora.test";
    const PASSWORD: &str = "copper kettle sings";
    let (aurora,): (i64,) = sqlx::query_as("SELECT id FROM partners WHERE name = 'Salon Aurora'")
        .fetch_one(app.db.pool())
        .await
        .expect("the demo partner");
    let mut b = Browser::start(&app, &named(&app, "colleague-invitation")).await;
    b.login("admin@demo.test").await;
    b.goto("/admin/partners").await;
    let allow = format!("tr[data-partner-id='{aurora}'] form.colleague-invitations button");
    b.click_and_snapshot(&allow, "allowed").await;
    b.wait_for(&format!(
        "tr[data-partner-id='{aurora}'] form.colleague-invitations .badge.ok"
    ))
    .await;
    b.logout().await;

    b.login("partner@demo.test").await;
    b.click("header nav a[href='/team']").await;
    b.fill("#team-email", COLLEAGUE).await;
    b.click_and_snapshot("#team-invite button[type=submit]", "invited")
        .await;
    b.wait_for_text("#flashes", COLLEAGUE).await;
    b.wait_for("#team .badge.invited").await;
    b.logout().await;

    b.login("admin@demo.test").await;
    b.click("header nav a[href='/admin/mailbox']").await;
    b.wait_for_text("#mailbox .recipient", COLLEAGUE).await;
    let link = b
        .attr("#mailbox a.open-link", "href")
        .await
        .expect("the invitation's link");
    b.logout().await;

    let path = link
        .split_once("/invitation/")
        .map(|(_, t)| format!("/invitation/{t}"))
        .expect("an invitation link");
    b.goto(&path).await;
    b.fill("#new-password", PASSWORD).await;
    b.fill("#confirm-password", PASSWORD).await;
    b.click_and_snapshot("#set-password-form button[type=submit]", "password-chosen")
        .await;
    b.wait_for("#email").await;
    b.fill("#email", COLLEAGUE).await;
    b.fill("#password", PASSWORD).await;
    b.click_and_snapshot("main form button[type=submit]", "colleague-logged-in")
        .await;
    b.wait_for_text("header .user-email", COLLEAGUE).await;
    b.close().await;
}
