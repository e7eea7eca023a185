//! The client against tiny servers that answer garbage: every case must become a typed
//! `SystemError`, never a panic, and one bad booking must not hide the good ones.

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode as AxumStatus;
use axum::routing::get;
use serde_json::json;

use super::*;

/// Serves `app` on loopback and returns a client for it with a 300 ms timeout.
async fn client_for(app: Router) -> ReservioClient {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    ReservioClient::new(
        &format!("http://{addr}/v2"),
        "token",
        Duration::from_millis(300),
        WindowPolicy::rolling(Clock::fixed(MIDNIGHT)),
    )
    .expect("a valid base URL")
}

const BOOKINGS: &str = "/v2/businesses/b/bookings";
const BOOKING: &str = "/v2/businesses/b/bookings/{id}";

fn answering(path: &str, status: AxumStatus, body: &'static str) -> Router {
    Router::new().route(path, get(move || async move { (status, body) }))
}

fn booking(id: &str, state: Value, start: Value) -> (Value, Value) {
    let booking = json!({
        "type": "booking", "id": id,
        "attributes": { "state": state, "note": null, "bookedClientName": "Jana" },
        "relationships": { "event": { "data": { "type": "event", "id": format!("ev-{id}") } } },
    });
    let event = json!({
        "type": "event", "id": format!("ev-{id}"),
        "attributes": { "start": start, "end": "2026-11-03T11:00:00+01:00" },
        "relationships": { "service": { "data": { "type": "service", "id": "s1" } } },
    });
    (booking, event)
}

fn good(id: &str) -> (Value, Value) {
    booking(id, json!("confirmed"), json!("2026-11-03T10:00:00+01:00"))
}

/// A one-page listing that says how many items there are, as Reservio's `meta` does.
fn listing(items: Vec<(Value, Value)>) -> String {
    let (data, included): (Vec<Value>, Vec<Value>) = items.into_iter().unzip();
    json!({ "data": data, "included": included, "meta": { "totalCount": data.len() } }).to_string()
}

#[tokio::test]
async fn invalid_json_is_an_invalid_payload() {
    let client = client_for(answering(BOOKINGS, AxumStatus::OK, "{not json")).await;
    let result = client.changes_since("b", None).await;
    assert!(
        matches!(result, Err(SystemError::InvalidPayload(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_document_without_a_data_array_is_an_invalid_payload() {
    for body in [
        r#"{"data": {"id": "1"}}"#,
        r#"{"meta": {}}"#,
        "[]",
        "",
        "null",
    ] {
        let client = client_for(answering(BOOKINGS, AxumStatus::OK, body)).await;
        let result = client.changes_since("b", None).await;
        assert!(
            matches!(result, Err(SystemError::InvalidPayload(_))),
            "{body}: {result:?}"
        );
    }
}

#[tokio::test]
async fn one_bad_booking_among_good_ones_fails_alone() {
    let mut no_event = good("no-event");
    no_event.0["relationships"] = json!({});
    let mut orphan = good("orphan");
    orphan.1["id"] = json!("someone-else");
    let mut no_service = good("no-service");
    no_service.1["relationships"] = json!({ "service": { "data": null } });
    let items = vec![
        good("g1"),
        booking("wrong-type-state", json!(3), json!("2026-11-03T10:00:00Z")),
        booking(
            "unknown-state",
            json!("archived"),
            json!("2026-11-03T10:00:00Z"),
        ),
        booking("start-not-text", json!("confirmed"), json!(1_793_577_600)),
        booking(
            "start-not-rfc3339",
            json!("confirmed"),
            json!("3 Nov 2026 10:00"),
        ),
        no_event,
        orphan,
        no_service,
        (json!("not an object"), json!(null)),
        good("g2"),
    ];
    let total = items.len();
    let body: &'static str = Box::leak(listing(items).into_boxed_str());
    let client = client_for(answering(BOOKINGS, AxumStatus::OK, body)).await;

    let batch = client
        .changes_since("b", None)
        .await
        .expect("the listing itself reads");

    assert_eq!(batch.bookings.len(), total);
    let good: Vec<&str> = batch
        .bookings
        .iter()
        .filter_map(|b| b.as_ref().ok())
        .map(|b| b.external_id.as_str())
        .collect();
    assert_eq!(good, ["g1", "g2"]);
    for bad in batch.bookings.iter().filter_map(|b| b.as_ref().err()) {
        assert!(matches!(bad, SystemError::InvalidPayload(_)), "{bad:?}");
    }
    let first = batch.bookings.first().and_then(|b| b.as_ref().ok());
    assert_eq!(
        first.map(|b| b.start_at),
        Some(MIDNIGHT + 24 * 3600 + 9 * 3600),
        "offsets are honoured"
    );
    assert_eq!(batch.complete_window, None);
}

#[tokio::test]
async fn a_server_error_is_a_transient_http_error() {
    let client = client_for(answering(
        BOOKINGS,
        AxumStatus::INTERNAL_SERVER_ERROR,
        "oops",
    ))
    .await;
    let result = client.changes_since("b", None).await;
    assert!(
        matches!(&result, Err(SystemError::Http { status: 500, body }) if body == "oops"),
        "{result:?}"
    );
    assert!(result.err().is_some_and(|e| e.is_transient()));
}

#[tokio::test]
async fn a_long_error_body_is_cut_short() {
    let long: &'static str = Box::leak("x".repeat(10_000).into_boxed_str());
    let client = client_for(answering(BOOKINGS, AxumStatus::BAD_GATEWAY, long)).await;
    match client.changes_since("b", None).await {
        Err(SystemError::Http { body, .. }) => assert_eq!(body.len(), transport::MAX_ERROR_BODY),
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_hangs_is_a_timeout() {
    let app = Router::new().route(
        BOOKINGS,
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "too late"
        }),
    );
    let client = client_for(app).await;
    assert_eq!(
        client.changes_since("b", None).await.err(),
        Some(SystemError::Timeout)
    );
}

#[tokio::test]
async fn a_server_that_ignores_offsets_cannot_make_us_page_forever() {
    let (booking, event) = good("same");
    let body = json!({ "data": [booking], "included": [event] }).to_string();
    let body: &'static str = Box::leak(body.into_boxed_str());
    let client = client_for(answering(BOOKINGS, AxumStatus::OK, body)).await;
    let result = client.changes_since("b", None).await;
    assert!(
        matches!(&result, Err(SystemError::InvalidPayload(m)) if m.contains("paging")),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_booking_read_without_its_event_is_an_invalid_payload() {
    let body = r#"{"data": {"type": "booking", "id": "1", "attributes": {"state": "confirmed"},
        "relationships": {"event": {"data": {"type": "event", "id": "e1"}}}}}"#;
    let client = client_for(answering(BOOKING, AxumStatus::OK, body)).await;
    let result = client.get("b", "1").await;
    assert!(
        matches!(&result, Err(SystemError::InvalidPayload(m)) if m.contains("e1")),
        "{result:?}"
    );
}

/// A server that accepts every PATCH and changes nothing: only the re-read can tell.
fn stubborn() -> Router {
    let (booking, event) = good("1");
    let document: &'static str = Box::leak(
        json!({ "data": booking, "included": [event] })
            .to_string()
            .into_boxed_str(),
    );
    Router::new()
        .route(
            BOOKING,
            get(move || async move { document }).patch(|| async { "{}" }),
        )
        .route(
            "/v2/businesses/b/events/{id}",
            axum::routing::patch(|| async { "" }),
        )
}

#[tokio::test]
async fn a_cancel_the_server_ignored_is_refused_after_the_re_read() {
    let client = client_for(stubborn()).await;
    let result = client.cancel("b", "1", "k").await;
    assert!(
        matches!(&result, Err(SystemError::Refused(m)) if m.contains("confirmed")),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_move_the_server_ignored_is_refused_after_the_re_read() {
    let client = client_for(stubborn()).await;
    let result = client
        .update_time("b", "1", MIDNIGHT, MIDNIGHT + 3600, "k")
        .await;
    assert!(matches!(result, Err(SystemError::Refused(_))), "{result:?}");
}

#[tokio::test]
async fn services_with_a_missing_duration_are_an_invalid_payload() {
    let body = r#"{"data": [{"type": "service", "id": "s1", "attributes": {"name": "Cut"}}]}"#;
    let client = client_for(answering("/v2/businesses/b/services", AxumStatus::OK, body)).await;
    let result = client.list_services("b").await;
    assert!(
        matches!(result, Err(SystemError::InvalidPayload(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let client = ReservioClient::new(
        "http://127.0.0.1:9/v2",
        "token",
        Duration::from_millis(300),
        WindowPolicy::rolling(Clock::fixed(MIDNIGHT)),
    )
    .expect("a valid base URL");
    let result = client.get("b", "1").await;
    assert!(matches!(&result, Err(e) if e.is_transient()), "{result:?}");
}
