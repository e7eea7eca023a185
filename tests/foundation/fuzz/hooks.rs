//! The Termino webhook under random notifications: unknown or malformed connection codes,
//! bodies of any kind and size, missing, malformed, foreign and replayed signatures.

use bookbridge::systems::termino::{SIGNATURE_HEADER, sign_webhook_body};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::garbage::{HOSTILE, LONG_FORM, hex_of, hostile, not_a_form, seeded, shown};
use super::{Failures, answer, still_healthy, world};
use crate::common::TestApp;

const HANDLER: &str = "hooks::termino";

pub async fn random_termino_notifications_are_refused_with_a_4xx_never_a_5xx(app: TestApp) {
    let world = world::stored(&app).await;
    let client = app.client();
    let mut rng = seeded(2);
    let mut failures = Failures::default();
    let mut not_refused = Vec::new();
    let codes = [
        world.connection_code.clone(),
        "NO-SUCH-CODE".to_string(),
        "%00".to_string(),
        "a%00b".to_string(),
        "%FF%FE".to_string(),
        "A".repeat(5_000),
        "..%2F..%2Fetc".to_string(),
    ];
    for round in 0..140 {
        let code = &codes[round % codes.len()];
        let body: Vec<u8> = match rng.random_range(0..4) {
            0 => not_a_form(&mut rng),
            1 => format!(
                "{{\"partner_id\":\"slv-fuzz\",\"reservation_id\":\"{}\",\"version\":{}}}",
                hostile(&mut rng, &[], LONG_FORM),
                rng.random::<i64>()
            )
            .into_bytes(),
            2 => (0..rng.random_range(0..2_000))
                .map(|_| rng.random())
                .collect(),
            // Past the 64 KiB a notification may have, sometimes.
            _ => vec![b'{'; rng.random_range(1..70_000)],
        };
        let signature = match rng.random_range(0..6) {
            0 => None,
            1 => Some(String::new()),
            2 => Some(format!("sha256={}", hex_of(&mut rng, 32))),
            3 => Some(sign_webhook_body("another-secret", &body)),
            // A signature replayed from another notification.
            4 => Some(sign_webhook_body(&world.webhook_secret, b"another body")),
            _ => Some(format!(
                "sha256={}",
                HOSTILE.choose(&mut rng).copied().unwrap_or_default()
            )),
        };
        let notify = |body: Vec<u8>| {
            let request = client
                .post(app.url(&format!("/hooks/termino/{code}")))
                .body(body);
            match &signature {
                Some(signature) => request.header(SIGNATURE_HEADER, signature.as_str()),
                None => request,
            }
        };
        let mut answered = answer(notify(body.clone())).await;
        if answered.is_err() {
            // Refused on its path before the body was read: see `Fuzz::post`.
            answered = answer(notify(Vec::new())).await;
        }
        let what = format!(
            "hook {} body {} signature {signature:?}",
            code.chars().take(40).collect::<String>(),
            shown(&body),
        );
        let status = failures.judge(HANDLER, false, what.clone(), answered);
        if !status.is_some_and(|s| s.is_client_error()) {
            not_refused.push(format!("{status:?} for {what}"));
        }
    }
    // A valid signature over a body that is not a notification (no time, no nonce) is refused
    // with a 4xx, never a 5xx.
    for _ in 0..10 {
        let body: Vec<u8> = (0..rng.random_range(0..500))
            .map(|_| rng.random())
            .collect();
        let request = client
            .post(app.url(&format!("/hooks/termino/{}", world.connection_code)))
            .header(
                SIGNATURE_HEADER,
                sign_webhook_body(&world.webhook_secret, &body),
            )
            .body(body.clone());
        let what = format!("signed hook body {}", shown(&body));
        failures.judge(HANDLER, false, what, answer(request).await);
    }
    still_healthy(&app).await;
    failures.assert_none(&app);
    assert!(
        not_refused.is_empty(),
        "not refused:\n{}",
        not_refused.join("\n")
    );
}
