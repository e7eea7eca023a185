//! Termino's change notifications: a hint that a reservation changed, signed with the shared
//! secret so that a forged call cannot make us trust its content. The notification carries no
//! booking data on purpose, only the reservation's id and version; the receiver reads the
//! reservation (or the change feed) to learn what changed.
//!
//! Each notification carries the time it was sent and a nonce, both under the signature, so a
//! captured notification cannot be replayed: the receiver refuses one sent more than
//! [`MAX_AGE_SECS`] from its own clock, and one whose nonce it has already accepted.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::systems::SystemError;

/// The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`.
pub const SIGNATURE_HEADER: &str = "X-Termino-Signature";

/// How far a notification's `sent_at` may be from the receiver's clock, either way.
pub const MAX_AGE_SECS: i64 = 5 * 60;

/// The body of one notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookNotification {
    pub partner_id: String,
    pub reservation_id: String,
    /// The server-wide version the change received; reading the feed from any cursor below it
    /// returns the reservation (unless it was deleted).
    pub version: u64,
    /// When it was sent, in Unix seconds.
    pub sent_at: i64,
    /// Unique per notification: 16 to 128 characters of `A-Z a-z 0-9 _ -`.
    pub nonce: String,
}

impl WebhookNotification {
    /// Whether the nonce has the documented shape (it is stored, so its size is bounded).
    pub fn nonce_is_well_formed(&self) -> bool {
        (16..=128).contains(&self.nonce.len())
            && self
                .nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }

    /// Whether it was sent within [`MAX_AGE_SECS`] of `now`.
    pub fn is_fresh(&self, now: i64) -> bool {
        now.checked_sub(self.sent_at)
            .is_some_and(|age| age.unsigned_abs() <= MAX_AGE_SECS.unsigned_abs())
    }

    /// Until when its nonce must be remembered: after that, its time alone refuses it.
    pub fn nonce_expires_at(&self) -> i64 {
        self.sent_at.saturating_add(MAX_AGE_SECS)
    }
}

/// A fresh nonce for a notification: 128 random bits in hex.
pub fn new_nonce() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    hex::encode(bytes)
}

/// The signature header value for `body`: `sha256=` and the lowercase hex HMAC-SHA256.
pub fn sign_webhook_body(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail here; an empty signature
    // (which no verifier accepts) is the harmless answer if it ever did.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        }
        Err(_) => String::new(),
    }
}

/// Whether `header` is the valid signature of `body` under `secret`, compared in constant time.
pub fn verify_webhook_signature(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(digest) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&digest).is_ok()
}

/// Reads a notification body after its signature was verified.
pub fn parse_webhook(body: &[u8]) -> Result<WebhookNotification, SystemError> {
    serde_json::from_slice(body)
        .map_err(|e| SystemError::InvalidPayload(format!("Termino notification: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(at: i64, nonce: &str) -> WebhookNotification {
        WebhookNotification {
            partner_id: "p1".into(),
            reservation_id: "r1".into(),
            version: 1,
            sent_at: at,
            nonce: nonce.into(),
        }
    }

    #[test]
    fn only_a_notification_sent_within_five_minutes_either_way_is_fresh() {
        let now = 1_000_000;
        assert!(sent(now, "n").is_fresh(now));
        assert!(sent(now - MAX_AGE_SECS, "n").is_fresh(now));
        assert!(sent(now + MAX_AGE_SECS, "n").is_fresh(now));
        assert!(!sent(now - MAX_AGE_SECS - 1, "n").is_fresh(now));
        assert!(!sent(now + MAX_AGE_SECS + 1, "n").is_fresh(now));
        assert!(!sent(i64::MIN, "n").is_fresh(now));
        assert!(!sent(i64::MAX, "n").is_fresh(now));
    }

    #[test]
    fn a_nonce_is_sixteen_to_128_plain_characters() {
        assert!(sent(0, &new_nonce()).nonce_is_well_formed());
        assert!(sent(0, &"a".repeat(128)).nonce_is_well_formed());
        for bad in ["", "short", "0123456789abcde\u{0}", "0123456789 abcdef"] {
            assert!(!sent(0, bad).nonce_is_well_formed(), "{bad:?}");
        }
        assert!(!sent(0, &"a".repeat(129)).nonce_is_well_formed());
    }

    #[test]
    fn a_signature_verifies_only_for_the_same_secret_and_body() {
        let body = br#"{"partner_id":"p1","reservation_id":"r1","version":7}"#;
        let header = sign_webhook_body("s3cret", body);
        assert!(header.starts_with("sha256="));
        assert!(verify_webhook_signature("s3cret", body, &header));
        assert!(!verify_webhook_signature("other", body, &header));
        assert!(!verify_webhook_signature("s3cret", b"{}", &header));
        assert!(!verify_webhook_signature("s3cret", body, "sha256=zz"));
        assert!(!verify_webhook_signature("s3cret", body, ""));
    }

    #[test]
    fn a_notification_body_is_read_or_refused_as_invalid() {
        let parsed = parse_webhook(
            br#"{"partner_id":"p1","reservation_id":"r1","version":7,"sent_at":1000,"nonce":"0123456789abcdef"}"#,
        )
        .expect("a well-formed notification");
        assert_eq!(parsed.version, 7);
        assert!(parsed.nonce_is_well_formed());
        assert!(matches!(
            parse_webhook(br#"{"partner_id":"p1","reservation_id":"r1","version":7}"#),
            Err(SystemError::InvalidPayload(_))
        ));
        assert!(matches!(
            parse_webhook(b"{\"partner_id\":1}"),
            Err(SystemError::InvalidPayload(_))
        ));
    }
}
