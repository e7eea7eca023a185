//! Partner Care's queue over HTTP: order, sync health, every filter (page and htmx fragment),
//! assign / acknowledge / resolve one at a time and in bulk — each audited, each refused with a
//! clear message when the life cycle does not allow it.

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::synced::{audited, htmx_post, mismatches_in_state, page, queue_ids, settle};
use crate::tests;
use bookbridge::web::paths;

const CARE: &str = "care@demo.test";

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        the_queue_puts_the_most_severe_and_oldest_first_under_each_partners_health,
        each_queue_filter_narrows_the_table_and_htmx_gets_the_table_alone,
        assigning_and_acknowledging_are_audited_and_a_repeat_is_refused,
        resolving_needs_a_note_and_a_resolved_mismatch_stays_resolved,
        bulk_actions_skip_what_was_done_meanwhile,
        the_mismatch_page_shows_both_sides_and_what_the_rule_says,
    ]
}

fn rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        _ => 3,
    }
}

async fn the_queue_puts_the_most_severe_and_oldest_first_under_each_partners_health(app: TestApp) {
    let care = app.login(CARE).await;
    let empty = page(&app, &care, paths::CARE_MISMATCHES).await;
    assert!(queue_ids(&empty).is_empty());
    assert!(select_texts(&empty, "#queue .empty")[0].contains("No mismatches"));

    settle(&app).await;
    let doc = page(&app, &care, paths::CARE_MISMATCHES).await;
    let ids = queue_ids(&doc);
    let open = mismatches_in_state(&app, "open").await;
    assert!(!ids.is_empty());
    assert_eq!(
        ids.len(),
        open.len().min(50),
        "every open mismatch, a page at a time"
    );
    let mut keys = vec![];
    for id in &ids {
        let (severity, detected): (String, i64) =
            sqlx::query_as("SELECT severity, detected_at FROM mismatches WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.pool())
                .await
                .expect("row");
        keys.push((rank(&severity), detected, *id));
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "most severe first, then oldest");

    // One health row per connected partner, with the share of links in agreement.
    let partners = select_texts(&doc, "#health tbody th");
    assert_eq!(partners.len(), 3, "{partners:?}");
    let (links, agreeing): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM mismatches m \
         WHERE m.link_id = l.id AND m.state <> 'resolved') THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM booking_links l JOIN partners p ON p.id = l.partner_id \
         WHERE p.name = 'Salon Aurora' AND l.superseded_by IS NULL",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("counts");
    let aurora = select_texts(&doc, "#health tbody tr")
        .into_iter()
        .find(|r| r.contains("Salon Aurora"))
        .expect("Salon Aurora's health");
    assert!(
        aurora.contains(&format!("{} %", agreeing * 100 / links)),
        "{aurora}"
    );
}

async fn each_queue_filter_narrows_the_table_and_htmx_gets_the_table_alone(app: TestApp) {
    settle(&app).await;
    let care = app.login(CARE).await;
    let kind_of = |id: i64| {
        let db = app.db.clone();
        async move {
            let (kind, severity, partner): (String, String, i64) =
                sqlx::query_as("SELECT kind, severity, partner_id FROM mismatches WHERE id = $1")
                    .bind(id)
                    .fetch_one(db.pool())
                    .await
                    .expect("row");
            (kind, severity, partner)
        }
    };
    let doc = page(&app, &care, "/care/mismatches?kind=status_differs").await;
    let ids = queue_ids(&doc);
    assert!(!ids.is_empty());
    for id in &ids {
        assert_eq!(kind_of(*id).await.0, "status_differs");
    }
    let doc = page(&app, &care, "/care/mismatches?severity=medium").await;
    for id in queue_ids(&doc) {
        assert_eq!(kind_of(id).await.1, "medium");
    }
    let (aurora,): (i64,) = sqlx::query_as("SELECT id FROM partners WHERE name = 'Salon Aurora'")
        .fetch_one(app.db.pool())
        .await
        .expect("partner");
    let doc = page(&app, &care, &format!("/care/mismatches?partner={aurora}")).await;
    assert!(!queue_ids(&doc).is_empty());
    for id in queue_ids(&doc) {
        assert_eq!(kind_of(id).await.2, aurora);
    }
    // Nothing is a day old yet; a day later everything is.
    let doc = page(&app, &care, "/care/mismatches?age=1d").await;
    assert!(queue_ids(&doc).is_empty());
    assert_eq!(
        select_texts(&doc, "#queue .empty"),
        ["No mismatch matches these filters."]
    );
    app.clock.advance(2 * 86_400);
    let care = app.login(CARE).await;
    assert!(!queue_ids(&page(&app, &care, "/care/mismatches?age=1d").await).is_empty());

    // Assignee and state.
    assert!(queue_ids(&page(&app, &care, "/care/mismatches?assignee=me").await).is_empty());
    let first = queue_ids(&page(&app, &care, paths::CARE_MISMATCHES).await)[0];
    let r = app
        .post_form(&care, "/", &paths::care_mismatch_acknowledge(first), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        queue_ids(&page(&app, &care, "/care/mismatches?assignee=me").await),
        [first]
    );
    assert_eq!(
        queue_ids(&page(&app, &care, "/care/mismatches?state=acknowledged").await),
        [first]
    );
    assert!(
        !queue_ids(&page(&app, &care, "/care/mismatches?state=open&assignee=none").await)
            .contains(&first)
    );

    // htmx asks for the table only: the same rows, no page around them.
    let fragment = care
        .get(app.url("/care/mismatches?kind=status_differs"))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(fragment.status(), 200);
    let body = fragment.text().await.expect("body");
    assert!(!body.contains("<html") && !body.contains("<header"));
    let doc = scraper::Html::parse_fragment(&body);
    assert_eq!(select_attr(&doc, "div", "id").as_deref(), Some("queue"));
    assert_eq!(
        queue_ids(&doc),
        queue_ids(&page(&app, &care, "/care/mismatches?kind=status_differs").await)
    );
    // A value that is not one of the choices is a malformed address.
    for bad in [
        "kind=bogus",
        "severity=huge",
        "age=3y",
        "page=0",
        "state=resolved",
    ] {
        let r = app.get(&care, &format!("/care/mismatches?{bad}")).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
}

async fn assigning_and_acknowledging_are_audited_and_a_repeat_is_refused(app: TestApp) {
    settle(&app).await;
    let care = app.login(CARE).await;
    let id = mismatches_in_state(&app, "open").await[0];
    let assign = paths::care_mismatch_assign(id);
    let r = app
        .post_form(&care, "/", &assign, &[("back", "kind=conflict")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/care/mismatches?kind=conflict");
    let (assignee,): (Option<String>,) = sqlx::query_as(
        "SELECT u.email FROM mismatches m LEFT JOIN users u ON u.id = m.assignee_id \
         WHERE m.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("row");
    assert_eq!(assignee.as_deref(), Some(CARE));
    assert_eq!(audited(&app, "mismatch.assigned", "mismatch", id).await, 1);

    // Again: refused with a message, nothing written. Through htmx the table comes back.
    let r = htmx_post(&app, &care, &assign, &[]).await;
    assert_eq!(r.status(), 409);
    let doc = scraper::Html::parse_fragment(&r.text().await.expect("body"));
    let notice = select_texts(&doc, "#queue .flash").join(" ");
    assert!(notice.contains("already assigned to you"), "{notice}");
    let r = app.post_form(&care, "/", &assign, &[]).await;
    assert_eq!(r.status(), 409);
    assert!(select_texts(&html(r).await, "#queue .flash")[0].contains("already assigned"));
    assert_eq!(audited(&app, "mismatch.assigned", "mismatch", id).await, 1);

    let acknowledge = paths::care_mismatch_acknowledge(id);
    let r = htmx_post(&app, &care, &acknowledge, &[]).await;
    assert_eq!(r.status(), 200);
    let doc = scraper::Html::parse_fragment(&r.text().await.expect("body"));
    assert!(select_texts(&doc, "#queue .flash")[0].contains("acknowledged"));
    assert_eq!(mismatches_in_state(&app, "acknowledged").await, [id]);
    let r = app
        .post_form(&care, "/", &acknowledge, &[("from", "detail")])
        .await;
    assert_eq!(r.status(), 409, "acknowledged twice");
    assert!(select_texts(&html(r).await, ".form-error")[0].contains("already acknowledged"));
    assert_eq!(
        audited(&app, "mismatch.acknowledged", "mismatch", id).await,
        1
    );
    let r = app
        .post_form(&care, "/", "/care/mismatches/999999/assign", &[])
        .await;
    assert_eq!(r.status(), 404);
}

async fn resolving_needs_a_note_and_a_resolved_mismatch_stays_resolved(app: TestApp) {
    settle(&app).await;
    let care = app.login(CARE).await;
    // Sides that still differ cannot be resolved with a note (see `daily.rs`): this one was
    // put right since it was flagged.
    let clean = crate::partner::link_of(
        &app,
        &crate::partner::voucher(&crate::partner::first_partner(&app), 0),
    )
    .await;
    let id = crate::common::world::flag_put_right_meanwhile(&app, clean).await;
    let resolve = paths::care_mismatch_resolve(id);
    for blank in ["", "   \n "] {
        let r = app
            .post_form(&care, "/", &resolve, &[("note", blank)])
            .await;
        assert_eq!(r.status(), 422);
        let doc = html(r).await;
        assert_eq!(
            select_texts(&doc, "#note-error"),
            ["Write a few words; this field cannot be empty."]
        );
        assert_eq!(
            select_attr(&doc, "#note", "aria-invalid").as_deref(),
            Some("true")
        );
    }
    assert!(mismatches_in_state(&app, "open").await.contains(&id));
    assert_eq!(audited(&app, "mismatch.resolved", "mismatch", id).await, 0);

    let note = "Salon confirmed the customer comes; both sides now agree.";
    let r = app.post_form(&care, "/", &resolve, &[("note", note)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], paths::care_mismatch(id));
    let doc = page(&app, &care, &paths::care_mismatch(id)).await;
    assert_eq!(select_texts(&doc, "#mismatch-state"), ["Resolved"]);
    assert_eq!(select_texts(&doc, "#resolution-note"), [note]);
    let (state, by, at): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT state, resolved_by, resolved_at FROM mismatches WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(
        (state.as_str(), by.as_deref(), at),
        ("resolved", Some(CARE), Some(app.clock.now()))
    );
    let (after,): (String,) = sqlx::query_as(
        "SELECT after_state FROM audit_log WHERE action = 'mismatch.resolved' AND entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("audit row");
    assert!(after.contains(note), "{after}");

    // Resolved is final: resolving, acknowledging and assigning are refused.
    let r = app
        .post_form(&care, "/", &resolve, &[("note", "again")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(select_texts(&html(r).await, ".form-error")[0].contains("already resolved"));
    for action in ["acknowledge", "assign"] {
        let r = htmx_post(&app, &care, &format!("/care/mismatches/{id}/{action}"), &[]).await;
        assert_eq!(r.status(), 409, "{action}");
    }
    assert_eq!(audited(&app, "mismatch.resolved", "mismatch", id).await, 1);
}

async fn bulk_actions_skip_what_was_done_meanwhile(app: TestApp) {
    settle(&app).await;
    let care = app.login(CARE).await;
    let open = mismatches_in_state(&app, "open").await;
    let (a, b, c) = (open[0], open[1], open[2]);
    app.post_form(&care, "/", &paths::care_mismatch_acknowledge(c), &[])
        .await;
    let (a_s, b_s, c_s) = (a.to_string(), b.to_string(), c.to_string());
    let fields = [
        ("action", "acknowledge"),
        ("ids", a_s.as_str()),
        ("ids", b_s.as_str()),
        ("ids", c_s.as_str()),
        ("back", "severity=high"),
    ];
    let r = htmx_post(&app, &care, paths::CARE_MISMATCHES_BULK, &fields).await;
    assert_eq!(r.status(), 200);
    let doc = scraper::Html::parse_fragment(&r.text().await.expect("body"));
    let notice = select_texts(&doc, "#queue .flash").join(" ");
    assert!(
        notice.contains("Acknowledged: 2.") && notice.contains(": 1."),
        "{notice}"
    );
    let acknowledged = mismatches_in_state(&app, "acknowledged").await;
    for id in [a, b, c] {
        assert!(acknowledged.contains(&id));
        assert_eq!(
            audited(&app, "mismatch.acknowledged", "mismatch", id).await,
            1
        );
    }

    // Without JavaScript: a flash and back to the same view.
    // Acknowledging took the unassigned ones; assign one that is still nobody's.
    let d_s = open[3].to_string();
    let fields = [
        ("action", "assign"),
        ("ids", d_s.as_str()),
        ("back", "state=open"),
    ];
    let r = app
        .post_form(&care, "/", paths::CARE_MISMATCHES_BULK, &fields)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/care/mismatches?state=open");
    let doc = page(&app, &care, "/care/mismatches?state=open").await;
    assert!(
        select_texts(&doc, ".flash")
            .iter()
            .any(|f| f.contains("Assigned to you: 1."))
    );

    // Nothing ticked, or nonsense.
    let r = htmx_post(
        &app,
        &care,
        paths::CARE_MISMATCHES_BULK,
        &[("action", "assign")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = htmx_post(
        &app,
        &care,
        paths::CARE_MISMATCHES_BULK,
        &[("action", "delete"), ("ids", "1")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = htmx_post(
        &app,
        &care,
        paths::CARE_MISMATCHES_BULK,
        &[("action", "assign"), ("ids", "x")],
    )
    .await;
    assert_eq!(r.status(), 400);
}

async fn the_mismatch_page_shows_both_sides_and_what_the_rule_says(app: TestApp) {
    settle(&app).await;
    let care = app.login(CARE).await;
    let (id,): (i64,) = sqlx::query_as(
        "SELECT MIN(id) FROM mismatches WHERE kind = 'status_differs' AND state = 'open'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("a status mismatch (the demo cancels some vouchers)");
    let doc = page(&app, &care, &paths::care_mismatch(id)).await;
    assert_eq!(select_texts(&doc, "h1")[0], format!("Status differs #{id}"));
    assert!(select_texts(&doc, "p.lead")[0].contains("the voucher first"));
    let differing = select_texts(&doc, "#sides tr.differs th");
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].starts_with("Status"));
    let statuses = select_texts(&doc, "#sides tr.differs td");
    assert!(statuses.contains(&"Cancelled".to_string()), "{statuses:?}");
    // The voucher is still cancelled and the booking is not: the rule's procedure is offered,
    // not a note that would not stick.
    assert!(select_attr(&doc, "form.resolve-form", "action").is_none());
    assert!(select_attr(&doc, "#mismatch-procedures li[data-kind=cancel] a", "href").is_some());
    assert!(
        select_attr(&doc, "a[href^='/audit?entity_type=mismatch']", "href").is_some(),
        "links to its audit trail"
    );
    assert_eq!(
        app.get(&care, "/care/mismatches/999999").await.status(),
        404
    );
    assert_eq!(app.get(&care, "/care/mismatches/abc").await.status(), 404);
}
