//! Cases over HTTP: Partner Care lists and filters them, talks with the partner in the case's
//! conversation, takes it and resolves it with an outcome; the partner follows along on its
//! own case page. Every step is audited into the partner's trail.

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::synced::{audited, page, settle};
use crate::tests;
use bookbridge::web::paths;

const PARTNER: &str = "partner@demo.test";
const CARE: &str = "care@demo.test";

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_case_is_worked_through_its_conversation_to_an_outcome,
        the_case_list_filters_by_state_and_partner,
    ]
}

/// Opens a "cannot honour" case on one of Salon Aurora's linked bookings, as the partner's
/// escalation would; returns the case id.
async fn open_case(app: &TestApp, reason: &str) -> i64 {
    settle(app).await;
    let (partner_id, user_id): (i64, i64) =
        sqlx::query_as("SELECT partner_id, id FROM users WHERE email = $1")
            .bind(PARTNER)
            .fetch_one(app.db.pool())
            .await
            .expect("partner user");
    let (link_id,): (i64,) =
        sqlx::query_as("SELECT MIN(id) FROM booking_links WHERE partner_id = $1")
            .bind(partner_id)
            .fetch_one(app.db.pool())
            .await
            .expect("a link");
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cases (partner_id, link_id, kind, state, reason, opened_by, opened_at) \
         VALUES ($1, $2, 'cannot_honour', 'open', $3, $4, $5) RETURNING id",
    )
    .bind(partner_id)
    .bind(link_id)
    .bind(reason)
    .bind(user_id)
    .bind(app.clock.now())
    .fetch_one(app.db.pool())
    .await
    .expect("case inserted");
    id
}

async fn a_case_is_worked_through_its_conversation_to_an_outcome(app: TestApp) {
    let reason = "The therapist is ill on that day; we cannot take this booking.";
    let id = open_case(&app, reason).await;
    let care = app.login(CARE).await;
    let path = paths::care_case(id);
    let doc = page(&app, &care, &path).await;
    assert_eq!(
        select_texts(&doc, "h1")[0],
        format!("Cannot honour a booking #{id}")
    );
    assert!(select_texts(&doc, "dd.note").contains(&reason.to_string()));
    assert_eq!(
        select_texts(&doc, "#sides tbody tr").len(),
        7,
        "both sides of the booking"
    );
    assert_eq!(select_texts(&doc, "#case-state"), ["Open"]);

    // The conversation: an empty message is refused next to the field.
    let r = app
        .post_form(&care, "/", &format!("{path}/notes"), &[("body", " ")])
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        select_texts(&html(r).await, "#body-error"),
        ["Write a few words; this field cannot be empty."]
    );
    let question = "Can you offer the customer another day this week?";
    let r = app
        .post_form(&care, "/", &format!("{path}/notes"), &[("body", question)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(audited(&app, "case.note_added", "case", id).await, 1);

    // The partner reads it on its own case page (no Partner Care forms there) and answers.
    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, &paths::partner_case(id)).await;
    assert!(select_texts(&doc, "#notes .note").contains(&question.to_string()));
    assert!(select_attr(&doc, "#sides", "id").is_none());
    assert!(select_attr(&doc, "#outcome", "id").is_none());
    let answer = "Yes, Thursday at 10:00 works.";
    let r = app
        .post_form(
            &partner,
            "/",
            &paths::partner_case_note(id),
            &[("body", answer)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], paths::partner_case(id));

    // Partner Care takes it, then resolves it with an outcome.
    let r = app
        .post_form(&care, "/", &format!("{path}/take"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&care, "/", &format!("{path}/take"), &[])
        .await;
    assert_eq!(r.status(), 409, "taken twice");
    assert_eq!(
        select_texts(&page(&app, &care, &path).await, "#case-state"),
        ["In progress"]
    );
    let r = app
        .post_form(&care, "/", &format!("{path}/resolve"), &[("outcome", "")])
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        select_texts(&html(r).await, "#outcome-error"),
        ["Choose an outcome."]
    );
    let last = "Moved to Thursday 10:00 with the customer's agreement.";
    let r = app
        .post_form(
            &care,
            "/",
            &format!("{path}/resolve"),
            &[("outcome", "booking_moved"), ("body", last)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (state, outcome, resolved_by): (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT c.state, c.outcome, u.email FROM cases c LEFT JOIN users u ON u.id = c.resolved_by \
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("case");
    assert_eq!(
        (state.as_str(), outcome.as_deref(), resolved_by.as_deref()),
        ("resolved", Some("booking_moved"), Some(CARE))
    );
    for action in ["case.taken", "case.resolved"] {
        assert_eq!(audited(&app, action, "case", id).await, 1, "{action}");
    }
    let (partner_rows,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'case' AND entity_id = $1 \
         AND partner_id IS NOT NULL",
    )
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(
        partner_rows, 4,
        "notes, take and resolve are in the partner's trail"
    );

    // The partner sees the outcome and the last word; the conversation is closed.
    let doc = page(&app, &partner, &paths::partner_case(id)).await;
    assert_eq!(select_texts(&doc, "#case-state"), ["Resolved"]);
    assert!(select_texts(&doc, "#case-outcome")[0].starts_with("Booking moved to another time"));
    assert_eq!(select_texts(&doc, "#notes .note").len(), 3);
    let r = app
        .post_form(
            &partner,
            "/",
            &paths::partner_case_note(id),
            &[("body", "Thanks")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let r = app
        .post_form(
            &care,
            "/",
            &format!("{path}/resolve"),
            &[("outcome", "booking_kept")],
        )
        .await;
    assert_eq!(r.status(), 409, "resolved twice");
    assert_eq!(app.get(&care, "/care/cases/999999").await.status(), 404);
}

async fn the_case_list_filters_by_state_and_partner(app: TestApp) {
    let care = app.login(CARE).await;
    let doc = page(&app, &care, paths::CARE_CASES).await;
    assert_eq!(
        select_texts(&doc, ".empty"),
        ["No cases here. Partners' escalations appear as soon as they are opened."]
    );
    let id = open_case(&app, "Please call me back.").await;
    let listed = |doc: &scraper::Html| -> Vec<String> {
        let sel = scraper::Selector::parse("#cases tbody tr").expect("selector");
        doc.select(&sel)
            .filter_map(|r| r.value().attr("data-case-id").map(str::to_string))
            .collect()
    };
    let doc = page(&app, &care, paths::CARE_CASES).await;
    assert_eq!(listed(&doc), [id.to_string()]);
    assert_eq!(
        listed(&page(&app, &care, "/care/cases?state=open").await).len(),
        1
    );
    assert!(listed(&page(&app, &care, "/care/cases?state=resolved").await).is_empty());
    let (aurora, other): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT id FROM partners WHERE name = 'Salon Aurora'), \
         (SELECT id FROM partners WHERE name = 'Masáže Vltava')",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("partners");
    assert_eq!(
        listed(&page(&app, &care, &format!("/care/cases?partner={aurora}")).await).len(),
        1
    );
    assert!(listed(&page(&app, &care, &format!("/care/cases?partner={other}")).await).is_empty());
    for bad in ["state=closed", "partner=x"] {
        assert_eq!(
            app.get(&care, &format!("/care/cases?{bad}")).await.status(),
            400
        );
    }
}
