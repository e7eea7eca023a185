//! Setting a connection up over HTTP (FAQ rule 1): the partner's request and its connection ID,
//! the sales rep's lookup, channel account, live catalogues and mapping, the confirmation, the
//! partner's verification report, going live or reporting a problem — every step stamped with
//! who and when, audited, refused out of order, and scoped to the partner.

use crate::common::{self, TestApp, html, select_attr, select_texts};
use crate::synced::{audited, page, settle};
use crate::tests;
use bookbridge::web::paths;

pub const PARTNER: &str = "partner@demo.test";
pub const SALES: &str = "sales@demo.test";

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_connection_goes_from_request_to_live_with_every_step_stamped_and_audited,
        the_request_form_shows_its_errors_next_to_the_fields,
        the_sales_rep_finds_a_connection_only_by_a_valid_known_id,
        the_mapping_is_checked_against_both_live_catalogues,
    ]
}

/// The partner requests a connection with a sandbox calendar; returns its id and code.
pub async fn request(app: &TestApp, partner: &reqwest::Client) -> (i64, String) {
    let r = app
        .post_form(partner, "/", paths::CONNECTION_SANDBOX, &[])
        .await;
    assert_eq!(r.status(), 303);
    let (id, code): (i64, String) = sqlx::query_as(
        "SELECT id, connection_code FROM connections WHERE state = 'requested' \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the requested connection");
    (id, code)
}

/// The sales rep gives the connection a sandbox channel account and saves the suggested
/// mapping.
pub async fn map(app: &TestApp, sales: &reqwest::Client, id: i64) {
    let r = app
        .post_form(sales, "/", &paths::sales_connection_sandbox(id), &[])
        .await;
    assert_eq!(r.status(), 303);
    let doc = page(app, sales, &paths::sales_connection(id)).await;
    let selects = scraper::Selector::parse("#mapping select").expect("selector");
    let option = scraper::Selector::parse("option[selected]").expect("selector");
    let mut fields = vec![];
    for select in doc.select(&selects) {
        let name = select.value().attr("name").expect("named").to_string();
        let chosen = select
            .select(&option)
            .next()
            .and_then(|o| o.value().attr("value"))
            .expect("an offer is suggested")
            .to_string();
        fields.push((name, chosen));
    }
    assert_eq!(fields.len(), 3, "one choice per service");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(sales, "/", &paths::sales_connection_mapping(id), &fields)
        .await;
    assert_eq!(r.status(), 303);
}

/// Who moved a connection through each step, and when.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Stamps {
    state: String,
    requested_at: i64,
    requested_by: String,
    mapped_at: Option<i64>,
    mapped_by: Option<String>,
    verifying_at: Option<i64>,
    verifying_by: Option<String>,
    active_at: Option<i64>,
    active_by: Option<String>,
}

pub async fn state_of(app: &TestApp, id: i64) -> String {
    let (state,): (String,) = sqlx::query_as("SELECT state FROM connections WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("connection");
    state
}

async fn a_connection_goes_from_request_to_live_with_every_step_stamped_and_audited(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, code) = request(&app, &partner).await;
    assert_eq!(code.len(), 11, "{code}");
    let doc = page(&app, &partner, paths::CONNECTION).await;
    assert!(select_texts(&doc, ".flash").join(" ").contains(&code));
    assert_eq!(
        select_texts(&doc, ".connection-card [data-code]")[0],
        code,
        "the newest connection comes first"
    );
    assert!(
        select_attr(&doc, "#request-form", "action").is_none(),
        "no second request while one is being set up"
    );

    let sales = app.login(SALES).await;
    let r = app
        .get(
            &sales,
            &format!("/sales/connections?code={}", code.to_lowercase()),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], paths::sales_connection(id));
    map(&app, &sales, id).await;
    assert_eq!(state_of(&app, id).await, "mapped");
    let r = app
        .post_form(&sales, "/", &paths::sales_connection_confirm(id), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&app, id).await, "verifying");
    let lists = page(&app, &sales, paths::SALES_CONNECTIONS).await;
    assert!(select_texts(&lists, "#list-waiting td").contains(&code));

    // Sync runs for verifying connections; the report compares both sides.
    settle(&app).await;
    let report = page(&app, &partner, &paths::connection_report(id)).await;
    let rows = select_texts(&report, "#report-bookings tbody tr");
    assert_eq!(rows.len(), 6, "the sandbox account's vouchers: {rows:?}");
    assert_eq!(
        select_texts(&report, ".report-summary .badge"),
        ["Everything matches"]
    );
    assert_eq!(
        select_texts(&report, "#report-availability tbody tr").len(),
        3
    );
    let fragment = partner
        .get(app.url(&paths::connection_report(id)))
        .header("hx-request", "true")
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("body");
    assert!(fragment.contains("report-bookings") && !fragment.contains("<header"));

    let r = app
        .post_form(&partner, "/", &paths::connection_go_live(id), &[])
        .await;
    assert_eq!(r.status(), 303);
    let now = app.clock.now();
    let stamps: Stamps = sqlx::query_as(
        "SELECT state, requested_at, requested_by, mapped_at, mapped_by, verifying_at, \
         verifying_by, active_at, active_by FROM connections WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("row");
    assert_eq!(
        stamps,
        Stamps {
            state: "active".into(),
            requested_at: now,
            requested_by: PARTNER.into(),
            mapped_at: Some(now),
            mapped_by: Some(SALES.into()),
            verifying_at: Some(now),
            verifying_by: Some(SALES.into()),
            active_at: Some(now),
            active_by: Some(PARTNER.into()),
        }
    );
    for action in [
        "connection.requested",
        "connection.channel_account_set",
        "connection.mapped",
        "connection.confirmed",
        "connection.went_live",
        // The verification report probed the Reservio account and stored what it found.
        "connection.reservio_profile",
    ] {
        assert_eq!(audited(&app, action, "connection", id).await, 1, "{action}");
    }
    let (partner_rows,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'connection' AND entity_id = $1 \
         AND partner_id = (SELECT partner_id FROM connections WHERE id = $2)",
    )
    .bind(id.to_string())
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(partner_rows, 6, "the partner's own trail shows every step");
    let lists = page(&app, &sales, paths::SALES_CONNECTIONS).await;
    assert!(select_texts(&lists, "#list-live td").contains(&code));
}

async fn the_request_form_shows_its_errors_next_to_the_fields(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let r = app
        .post_form(
            &partner,
            "/",
            paths::CONNECTION,
            &[
                ("reservio_business_id", " "),
                ("reservio_token", "has space"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let doc = html(r).await;
    assert_eq!(
        select_texts(&doc, "#business-error"),
        ["Enter your Reservio business ID, without spaces."]
    );
    assert_eq!(
        select_texts(&doc, "#token-error"),
        ["Enter the API token, without spaces."]
    );
    // A business Reservio does not know is caught before anything is stored.
    let r = app
        .post_form(
            &partner,
            "/",
            paths::CONNECTION,
            &[
                ("reservio_business_id", "no-such-business"),
                ("reservio_token", "nope"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let doc = html(r).await;
    assert!(
        select_texts(&doc, ".form-error")
            .join(" ")
            .contains("did not accept"),
        "{}",
        doc.html()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections WHERE state = 'requested'")
            .await,
        0
    );
    // With a real account it works, and a second request waits for the first.
    let (_, code) = request(&app, &partner).await;
    let r = app
        .post_form(&partner, "/", paths::CONNECTION_SANDBOX, &[])
        .await;
    assert_eq!(r.status(), 409);
    assert!(select_texts(&html(r).await, ".form-error")[0].contains("being set up already"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections WHERE state = 'requested'")
            .await,
        1,
        "still only {code}"
    );
}

async fn the_sales_rep_finds_a_connection_only_by_a_valid_known_id(app: TestApp) {
    let sales = app.login(SALES).await;
    let r = app.get(&sales, "/sales/connections?code=K7QM4-XW9PD").await;
    assert_eq!(r.status(), 404);
    let doc = html(r).await;
    assert_eq!(
        select_texts(&doc, "#code-error"),
        ["No connection has this ID. Check it with the partner."]
    );
    assert_eq!(
        select_attr(&doc, "#code", "value").as_deref(),
        Some("K7QM4-XW9PD")
    );
    let r = app
        .get(&sales, "/sales/connections?code=%3Cscript%3E")
        .await;
    assert_eq!(r.status(), 422);
    assert!(select_texts(&html(r).await, "#code-error")[0].contains("letters, digits"));
    // A request is not listed before a sales rep opens it with its ID.
    let partner = app.login(PARTNER).await;
    let (_, code) = request(&app, &partner).await;
    let doc = page(&app, &sales, paths::SALES_CONNECTIONS).await;
    assert!(!doc.html().contains(&code));
    assert_eq!(
        app.get(&sales, "/sales/connections/999999").await.status(),
        404
    );
}

async fn the_mapping_is_checked_against_both_live_catalogues(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let (id, _) = request(&app, &partner).await;
    let sales = app.login(SALES).await;
    let path = paths::sales_connection(id);
    // A channel account Termino does not know is refused before it is kept.
    let r = app
        .post_form(
            &sales,
            "/",
            &format!("{path}/account"),
            &[
                ("termino_partner_id", "slv-nobody"),
                ("termino_token", "wrong"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(select_texts(&html(r).await, "#account-error")[0].contains("did not accept"));
    let r = app
        .post_form(
            &sales,
            "/",
            &format!("{path}/account"),
            &[("termino_partner_id", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    app.post_form(&sales, "/", &format!("{path}/sandbox"), &[])
        .await;
    let doc = page(&app, &sales, &path).await;
    let services = select_texts(&doc, "#mapping tbody th");
    assert_eq!(
        services,
        ["Classic haircut", "Colour and cut", "Beard trim"]
    );
    let names: Vec<String> = {
        let sel = scraper::Selector::parse("#mapping select").expect("selector");
        doc.select(&sel)
            .filter_map(|s| s.value().attr("name").map(str::to_string))
            .collect()
    };
    let first_offer =
        select_attr(&doc, "#mapping select option[selected]", "value").expect("a suggestion");
    // Nothing mapped; one offer twice; an offer that does not exist.
    let r = app
        .post_form(
            &sales,
            "/",
            &format!("{path}/mapping"),
            &[(names[0].as_str(), "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        select_texts(&html(r).await, ".form-error"),
        ["Map at least one service."]
    );
    let twice = [
        (names[0].as_str(), first_offer.as_str()),
        (names[1].as_str(), first_offer.as_str()),
    ];
    let r = app
        .post_form(&sales, "/", &format!("{path}/mapping"), &twice)
        .await;
    assert_eq!(r.status(), 422);
    let doc = html(r).await;
    let errors = select_texts(&doc, "#mapping .field-error");
    assert_eq!(errors, ["This offer is already mapped to another service."]);
    let r = app
        .post_form(
            &sales,
            "/",
            &format!("{path}/mapping"),
            &[(names[0].as_str(), "offer-x")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(state_of(&app, id).await, "requested");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM service_mappings WHERE connection_id IN \
                   (SELECT id FROM connections WHERE state = 'requested')"
        )
        .await,
        0
    );
    // One service mapped is enough; changing it later is audited as a change.
    let one = [(names[0].as_str(), first_offer.as_str())];
    let r = app
        .post_form(&sales, "/", &format!("{path}/mapping"), &one)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&app, id).await, "mapped");
    let r = app
        .post_form(&sales, "/", &format!("{path}/mapping"), &one)
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        audited(&app, "connection.mapped", "connection", id).await,
        1
    );
    assert_eq!(
        audited(&app, "connection.mapping_changed", "connection", id).await,
        1
    );
}
