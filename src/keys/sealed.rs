//! Credentials encrypted at rest: ChaCha20-Poly1305 under a key derived from the keyring, with a
//! random nonce per value. A sealed value names the key that sealed it, so a rotated key file
//! still opens old values, and it is bound to where it is stored (`context`, e.g. the column and
//! the connection), so a value copied into another row or column does not open.
//!
//! Stored form: `sealed1:<key id>:<hex of nonce ‖ ciphertext ‖ tag>`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use super::{Keyring, Purpose};

const PREFIX: &str = "sealed1:";
const NONCE_LEN: usize = 12;

/// Why a stored value could not be opened. Never carries the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the value was sealed with key {0:?}, which the key file does not hold")]
    UnknownKey(String),
    #[error("the sealed value is malformed or was altered")]
    Corrupt,
}

/// Whether a stored value is sealed (as opposed to plain text written before encryption).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The id of the key that sealed a stored value.
pub fn key_id(stored: &str) -> Option<&str> {
    stored
        .strip_prefix(PREFIX)?
        .split_once(':')
        .map(|(id, _)| id)
}

fn cipher(keys: &Keyring, id: &str) -> Result<ChaCha20Poly1305, SealError> {
    let key = keys
        .derived(id, Purpose::Credentials)
        .ok_or_else(|| SealError::UnknownKey(id.to_string()))?;
    Ok(ChaCha20Poly1305::new(Key::from_slice(&key)))
}

/// Encrypts `plain` under the current key, bound to `context`.
pub fn seal(keys: &Keyring, context: &str, plain: &str) -> Result<String, SealError> {
    let id = keys.current_id();
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher(keys, id)?
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain.as_bytes(),
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SealError::Corrupt)?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    Ok(format!("{PREFIX}{id}:{}", hex::encode(bytes)))
}

/// Decrypts a sealed value; a plain one (from before encryption) is returned as it is.
pub fn open(keys: &Keyring, context: &str, stored: &str) -> Result<String, SealError> {
    let Some(rest) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let (id, hex_bytes) = rest.split_once(':').ok_or(SealError::Corrupt)?;
    let bytes = hex::decode(hex_bytes).map_err(|_| SealError::Corrupt)?;
    if bytes.len() < NONCE_LEN {
        return Err(SealError::Corrupt);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let plain = cipher(keys, id)?
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SealError::Corrupt)?;
    String::from_utf8(plain).map_err(|_| SealError::Corrupt)
}

/// Whether a stored value should be sealed again: it is plain, or sealed under an older key.
pub fn needs_resealing(keys: &Keyring, stored: &str) -> bool {
    key_id(stored) != Some(keys.current_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_in_its_own_context_only() {
        let keys = Keyring::generate();
        let sealed = seal(&keys, "reservio_token/C1", "tok-secret").expect("seals");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("tok-secret"));
        assert_eq!(key_id(&sealed), Some(keys.current_id()));
        assert_eq!(
            open(&keys, "reservio_token/C1", &sealed).as_deref(),
            Ok("tok-secret")
        );
        assert_eq!(
            open(&keys, "reservio_token/C2", &sealed),
            Err(SealError::Corrupt)
        );
        assert_eq!(
            open(&keys, "termino_token/C1", &sealed),
            Err(SealError::Corrupt)
        );
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let keys = Keyring::generate();
        assert_ne!(
            seal(&keys, "c", "same").expect("seals"),
            seal(&keys, "c", "same").expect("seals")
        );
    }

    #[test]
    fn altered_or_foreign_values_do_not_open() {
        let keys = Keyring::generate();
        let sealed = seal(&keys, "c", "secret").expect("seals");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).expect("ascii");
        assert_eq!(open(&keys, "c", &altered), Err(SealError::Corrupt));
        let other = Keyring::generate();
        assert!(matches!(
            open(&other, "c", &sealed),
            Err(SealError::UnknownKey(_)) | Err(SealError::Corrupt)
        ));
        assert_eq!(open(&keys, "c", "sealed1:broken"), Err(SealError::Corrupt));
    }

    #[test]
    fn plain_values_from_before_encryption_read_as_they_are_and_need_sealing() {
        let keys = Keyring::generate();
        assert_eq!(
            open(&keys, "c", "plain-token").as_deref(),
            Ok("plain-token")
        );
        assert!(needs_resealing(&keys, "plain-token"));
        let sealed = seal(&keys, "c", "plain-token").expect("seals");
        assert!(!needs_resealing(&keys, &sealed));
    }

    #[test]
    fn values_sealed_under_a_rotated_key_still_open() {
        let old = Keyring::generate();
        let sealed = seal(&old, "c", "secret").expect("seals");
        let text = format!("{}newer {}\n", old.file_text(), "cd".repeat(32));
        let rotated = Keyring::parse("f", &text).expect("parses");
        assert_eq!(open(&rotated, "c", &sealed).as_deref(), Ok("secret"));
        assert!(needs_resealing(&rotated, &sealed));
    }
}
