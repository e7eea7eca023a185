//! The client against a server that answers garbage: every case is a typed error, never a panic.

use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::super::*;

fn good(id: &str) -> Value {
    json!({
        "id": id,
        "voucher_code": "SV-1",
        "offer_id": "massage",
        "start": "2026-12-01T09:00:00Z",
        "end": "2026-12-01T10:00:00Z",
        "customer": { "name": "Jana", "email": "jana@example.test", "phone": "+420" },
        "status": "confirmed",
        "self_rescheduled": false,
        "reservio_booking_id": null,
        "version": 3,
        "updated_at": "2026-11-30T09:00:00Z",
    })
}

fn with(id: &str, field: &str, value: Value) -> Value {
    let mut item = good(id);
    item[field] = value;
    item
}

fn json_answer(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// One reservation answer per scenario, named by the partner id in the path.
async fn reservation(Path((scenario, id)): Path<(String, String)>) -> Response {
    match scenario.as_str() {
        "invalid_json" => (StatusCode::OK, "{\"id\": ").into_response(),
        "html" => (StatusCode::OK, "<html>maintenance</html>").into_response(),
        "missing_fields" => json_answer(json!({ "id": id })),
        "unknown_status" => json_answer(with(&id, "status", json!("maybe"))),
        "wrong_types" => json_answer(with(&id, "version", json!("seven"))),
        "bad_time" => json_answer(with(&id, "start", json!("tomorrow at nine"))),
        "not_an_object" => json_answer(json!([1, 2, 3])),
        "server_error" => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        "not_found" => (StatusCode::NOT_FOUND, "{}").into_response(),
        "unauthorized" => (StatusCode::UNAUTHORIZED, "").into_response(),
        "hang" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            json_answer(good(&id))
        }
        _ => json_answer(good(&id)),
    }
}

async fn changes(Path(scenario): Path<String>) -> Response {
    match scenario.as_str() {
        "mixed" => json_answer(json!({
            "reservations": [good("r1"), with("r2", "status", json!("maybe")), 42, good("r4")],
            "next_cursor": "9",
            "has_more": false,
        })),
        "not_a_list" => {
            json_answer(json!({ "reservations": 5, "next_cursor": "1", "has_more": false }))
        }
        "no_cursor" => json_answer(json!({ "reservations": [], "has_more": false })),
        _ => json_answer(json!({ "reservations": [], "next_cursor": "", "has_more": false })),
    }
}

async fn refusal() -> Response {
    let body =
        json!({ "error": { "code": "voucher_cancelled", "message": "the voucher is cancelled" } });
    (StatusCode::CONFLICT, axum::Json(body)).into_response()
}

async fn reissue_without_code() -> Response {
    json_answer(json!({ "cancelled": good("r1") }))
}

async fn offers_of_wrong_type() -> Response {
    json_answer(json!({ "offers": [{ "id": "o1", "name": "x", "duration_minutes": -5 }] }))
}

/// A garbage server on a free port, and a client with a 300 ms timeout pointed at it.
async fn garbage_client() -> TerminoClient {
    let app = Router::new()
        .route("/v1/partners/{scenario}/reservations/changes", get(changes))
        .route(
            "/v1/partners/{scenario}/reservations/{id}",
            get(reservation),
        )
        .route(
            "/v1/partners/{scenario}/reservations/{id}/cancel",
            post(refusal),
        )
        .route(
            "/v1/partners/{scenario}/vouchers/{code}/reissue",
            post(reissue_without_code),
        )
        .route("/v1/partners/{scenario}/offers", get(offers_of_wrong_type));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    TerminoClient::new(&url, "token", Duration::from_millis(300)).expect("a valid URL")
}

fn is_invalid_payload(result: &Result<RemoteBooking, SystemError>) -> bool {
    matches!(result, Err(SystemError::InvalidPayload(_)))
}

#[tokio::test]
async fn unreadable_reservations_are_invalid_payloads() {
    let client = garbage_client().await;
    for scenario in [
        "invalid_json",
        "html",
        "missing_fields",
        "unknown_status",
        "wrong_types",
        "bad_time",
        "not_an_object",
    ] {
        let result = client.get(scenario, "r1").await;
        assert!(is_invalid_payload(&result), "{scenario}: {result:?}");
    }
    assert!(
        client.get("fine", "r1").await.is_ok(),
        "the control case reads"
    );
}

#[tokio::test]
async fn http_errors_keep_their_status_and_404_means_not_found() {
    let client = garbage_client().await;
    let server_error = client.get("server_error", "r1").await;
    assert_eq!(
        server_error,
        Err(SystemError::Http {
            status: 500,
            body: "boom".into()
        })
    );
    assert!(server_error.expect_err("a 500").is_transient());
    assert_eq!(
        client.get("not_found", "r1").await,
        Err(SystemError::NotFound)
    );
    assert!(matches!(
        client.get("unauthorized", "r1").await,
        Err(SystemError::Http { status: 401, .. })
    ));
    let refused = client.cancel("any", "r1", "k").await;
    assert_eq!(
        refused,
        Err(SystemError::Refused(
            "voucher_cancelled: the voucher is cancelled".into()
        ))
    );
}

#[tokio::test]
async fn a_server_that_hangs_is_a_timeout() {
    let client = garbage_client().await;
    let started = std::time::Instant::now();
    assert_eq!(client.get("hang", "r1").await, Err(SystemError::Timeout));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout fired"
    );
}

#[tokio::test]
async fn nobody_listening_is_a_transient_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    drop(listener);
    let client = TerminoClient::new(&url, "t", Duration::from_millis(300)).expect("a valid URL");
    let result = client.get("p", "r1").await;
    assert!(
        result.as_ref().is_err_and(SystemError::is_transient),
        "{result:?}"
    );
    assert!(TerminoClient::new("not a url", "t", Duration::from_secs(1)).is_err());
}

#[tokio::test]
async fn one_bad_item_in_the_feed_does_not_hide_the_good_ones() {
    let client = garbage_client().await;
    let batch = client
        .changes_since("mixed", Some("3"))
        .await
        .expect("the page itself is valid");
    assert_eq!(batch.next_cursor, "9");
    let outcome: Vec<Result<&str, bool>> = batch
        .bookings
        .iter()
        .map(|b| match b {
            Ok(booking) => Ok(booking.external_id.as_str()),
            Err(e) => Err(matches!(e, SystemError::InvalidPayload(_))),
        })
        .collect();
    assert_eq!(outcome, [Ok("r1"), Err(true), Err(true), Ok("r4")]);
}

#[tokio::test]
async fn a_malformed_feed_page_is_an_invalid_payload() {
    let client = garbage_client().await;
    for scenario in ["not_a_list", "no_cursor", "empty_cursor"] {
        let result = client.changes_since(scenario, None).await;
        assert!(
            matches!(result, Err(SystemError::InvalidPayload(_))),
            "{scenario}: {result:?}"
        );
    }
}

#[tokio::test]
async fn malformed_offer_lists_and_reissue_answers_are_invalid_payloads() {
    let client = garbage_client().await;
    assert!(matches!(
        client.list_offers("any").await,
        Err(SystemError::InvalidPayload(_))
    ));
    let reissue = client.reissue_voucher("any", "SV-1", "o2", "k").await;
    assert!(matches!(reissue, Err(SystemError::InvalidPayload(_))));
}
