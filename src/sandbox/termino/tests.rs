//! The fake Termino over raw HTTP: the documented JSON shapes, status codes, fault control and
//! signed webhooks, checked without our client so the docs and the server cannot drift together.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use super::*;
use crate::sandbox::faults::Faults;
use crate::systems::termino::verify_webhook_signature;

const PARTNER: &str = "p1";
const TOKEN: &str = "tok-1";
/// 2026-12-01T09:00:00Z
const NINE: i64 = 1_796_115_600;

async fn fake() -> FakeTermino {
    let fake = FakeTermino::start_with_clock(Clock::fixed(NINE - 3600))
        .await
        .expect("the fake binds a free port");
    fake.add_partner(PARTNER, TOKEN);
    let massage = Offer {
        id: "massage".into(),
        name: "Massage".into(),
        duration_minutes: 60,
    };
    fake.add_offer(PARTNER, massage).expect("partner exists");
    fake
}

fn jana() -> Customer {
    Customer {
        name: "Jana".into(),
        email: "jana@example.test".into(),
        phone: "+420 1".into(),
    }
}

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let http = reqwest::Client::new();
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    (
        status,
        serde_json::from_str(&text).expect("every answer is JSON"),
    )
}

#[tokio::test]
async fn a_created_reservation_is_answered_in_the_documented_shape() {
    let fake = fake().await;
    let body = json!({
        "voucher_code": "SV-1", "offer_id": "massage",
        "start": "2026-12-01T10:00:00+01:00", "end": "2026-12-01T10:00:00Z",
        "customer": jana(), "reservio_booking_id": "rb-9",
    });
    let url = format!("{}/v1/partners/{PARTNER}/reservations", fake.url());
    let (status, created) = call(
        reqwest::Method::POST,
        url,
        Some(TOKEN),
        Some("k1"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        created,
        json!({
            "id": "trm_000001", "voucher_code": "SV-1", "offer_id": "massage",
            "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z",
            "customer": { "name": "Jana", "email": "jana@example.test", "phone": "+420 1" },
            "status": "confirmed", "self_rescheduled": false, "reservio_booking_id": "rb-9",
            "version": 1, "updated_at": "2026-12-01T08:00:00Z",
        })
    );
    let url = format!(
        "{}/v1/partners/{PARTNER}/reservations/changes?cursor=0",
        fake.url()
    );
    let (status, feed) = call(reqwest::Method::GET, url, Some(TOKEN), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        feed,
        json!({ "reservations": [created], "next_cursor": "1", "has_more": false })
    );
}

#[tokio::test]
async fn refusals_carry_the_documented_status_and_error_code() {
    let fake = fake().await;
    let base = format!("{}/v1/partners/{PARTNER}", fake.url());
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;
    let create = |offer: &str| {
        json!({ "voucher_code": "SV-1", "offer_id": offer, "start": "2026-12-01T09:00:00Z",
                "end": "2026-12-01T10:00:00Z", "customer": jana() })
    };
    let cases = [
        (
            get.clone(),
            format!("{base}/offers"),
            None,
            None,
            None,
            401,
            "unauthorized",
        ),
        (
            get.clone(),
            format!("{base}/offers"),
            Some("wrong"),
            None,
            None,
            401,
            "unauthorized",
        ),
        (
            get.clone(),
            format!("{base}/reservations/nope"),
            Some(TOKEN),
            None,
            None,
            404,
            "not_found",
        ),
        (
            get.clone(),
            format!("{base}/reservations/changes?cursor=x"),
            Some(TOKEN),
            None,
            None,
            400,
            "invalid_cursor",
        ),
        (
            get.clone(),
            format!("{base}/reservations/changes?limit=0"),
            Some(TOKEN),
            None,
            None,
            400,
            "invalid_limit",
        ),
        (
            post.clone(),
            format!("{base}/reservations"),
            Some(TOKEN),
            None,
            Some(create("massage")),
            400,
            "missing_idempotency_key",
        ),
        (
            post.clone(),
            format!("{base}/reservations"),
            Some(TOKEN),
            Some("k"),
            Some(json!({"offer_id": 1})),
            400,
            "invalid_request",
        ),
        (
            post.clone(),
            format!("{base}/reservations"),
            Some(TOKEN),
            Some("k"),
            Some(create("spa")),
            422,
            "unknown_offer",
        ),
        (
            post.clone(),
            format!("{base}/vouchers/SV-404/cancel"),
            Some(TOKEN),
            Some("k"),
            Some(json!({"reason": "x"})),
            404,
            "not_found",
        ),
    ];
    for (method, url, token, key, body, status, code) in cases {
        let (got_status, got) = call(method, url.clone(), token, key, body).await;
        assert_eq!(got_status.as_u16(), status, "{url}");
        assert_eq!(got["error"]["code"], code, "{url}: {got}");
        assert!(got["error"]["message"].is_string(), "{url}");
    }
    assert!(fake.effects().is_empty(), "no refused call has an effect");
}

#[tokio::test]
async fn faults_are_read_and_switched_over_http_and_the_control_path_is_exempt() {
    let fake = fake().await;
    let url = format!("{}/_sandbox/faults", fake.url());
    let wanted = Faults {
        latency_ms: 0,
        error_rate: 1.0,
        timeout_rate: 0.0,
        lost_response_rate: 0.0,
        refuse_rate: 0.0,
        writes_only: false,
    };
    let http = reqwest::Client::new();
    let put = http.put(&url).json(&wanted).send().await.expect("answers");
    assert_eq!(put.status(), StatusCode::OK);
    assert_eq!(fake.faults().get(), wanted);
    let (status, read) = call(reqwest::Method::GET, url, None, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["error_rate"], 1.0);
    let offers = http
        .get(format!("{}/v1/partners/{PARTNER}/offers", fake.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(offers.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// A webhook receiver on a free port that passes on each call's signature header and body.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(String, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route(
            "/hook",
            post(
                |State(tx): State<mpsc::UnboundedSender<(String, Bytes)>>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let signature = headers
                        .get("X-Termino-Signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send((signature, body));
                },
            ),
        )
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!("http://{}/hook", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn next_call(rx: &mut mpsc::UnboundedReceiver<(String, Bytes)>) -> (String, Bytes) {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a webhook arrives within 5 s")
        .expect("the receiver is running")
}

#[tokio::test]
async fn every_change_is_announced_by_a_webhook_signed_with_the_partner_secret() {
    let fake = fake().await;
    let (url, mut calls) = receiver().await;
    fake.set_webhook(PARTNER, &url, "hook-secret")
        .expect("partner exists");
    let id = fake
        .redeem_voucher(PARTNER, "SV-1", "massage", NINE, NINE + 3600, jana())
        .expect("booked");

    let (signature, body) = next_call(&mut calls).await;
    let mut mac = Hmac::<Sha256>::new_from_slice(b"hook-secret").expect("any key length");
    mac.update(&body);
    assert_eq!(
        signature,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
    assert!(verify_webhook_signature("hook-secret", &body, &signature));
    let note: Value = serde_json::from_slice(&body).expect("JSON");
    let nonce = note["nonce"].as_str().expect("a nonce").to_string();
    assert!(note["sent_at"].is_i64(), "the time it was sent: {note}");
    assert_eq!(
        note,
        json!({ "partner_id": PARTNER, "reservation_id": id, "version": 1,
                "sent_at": note["sent_at"], "nonce": nonce })
    );
    let parsed = crate::systems::termino::parse_webhook(&body).expect("a notification");
    assert!(parsed.nonce_is_well_formed());

    // A deletion is announced too: the receiver reads it and finds the reservation gone.
    fake.delete_reservation(PARTNER, &id).expect("exists");
    let (_, body) = next_call(&mut calls).await;
    let note: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(note["version"], 2);
    assert_ne!(
        note["nonce"].as_str(),
        Some(nonce.as_str()),
        "each has its own nonce"
    );
    assert_eq!(note["reservation_id"], id.as_str());
}

#[tokio::test]
async fn a_webhook_receiver_that_is_down_does_not_fail_the_change() {
    let fake = fake().await;
    fake.set_webhook(PARTNER, "http://127.0.0.1:9/nobody", "s")
        .expect("partner exists");
    let id = fake.redeem_voucher(PARTNER, "SV-1", "massage", NINE, NINE + 3600, jana());
    assert!(id.is_ok());
    assert_eq!(fake.reservations(PARTNER).len(), 1);
}

#[tokio::test]
async fn unknown_paths_are_a_json_404_and_wrong_methods_a_bare_405() {
    let fake = fake().await;
    let http = reqwest::Client::new();
    let (status, body) = call(
        reqwest::Method::GET,
        format!("{}/v2/nothing", fake.url()),
        Some(TOKEN),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let wrong = http
        .post(format!("{}/v1/partners/{PARTNER}/offers", fake.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong.bytes().await.expect("a body").is_empty());
}
