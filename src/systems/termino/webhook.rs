//! Termino's change notifications: a hint that a reservation changed, signed with the shared
//! secret so that a forged call cannot make us trust its content. The notification carries no
//! booking data on purpose; the receiver reads the change feed.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::systems::SystemError;

/// The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`.
pub const SIGNATURE_HEADER: &str = "X-Termino-Signature";

/// The body of one notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookNotification {
    pub partner_id: String,
    pub reservation_id: String,
    /// The server-wide version the change received; reading the feed from any cursor below it
    /// returns the reservation (unless it was deleted).
    pub version: u64,
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
        let parsed = parse_webhook(br#"{"partner_id":"p1","reservation_id":"r1","version":7}"#)
            .expect("a well-formed notification");
        assert_eq!(parsed.version, 7);
        assert!(matches!(
            parse_webhook(b"{\"partner_id\":1}"),
            Err(SystemError::InvalidPayload(_))
        ));
    }
}
