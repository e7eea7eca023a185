//! Secrets handed to a person once (invitation and reset links, recovery codes) and stored
//! only as a SHA-256 hash. They are long and random, so a fast hash is enough: nobody can
//! guess one to test against the hash.

use rand::Rng;
use sha2::{Digest, Sha256};

/// A fresh link token: 256 random bits, hex.
pub fn new_link_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// The stored form of a token or code.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The letters of recovery codes: no 0/o, 1/l/i, to be read off paper.
const CODE_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A recovery code as shown: two groups of five (about 49 random bits), e.g. `k7m2p-x9qre`.
pub fn new_recovery_code() -> String {
    let mut rng = rand::rng();
    let mut code = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        let at = rng.random_range(0..CODE_ALPHABET.len());
        code.push(char::from(CODE_ALPHABET[at]));
    }
    code
}

/// The stored form of a recovery code: `salt$hash`, with a random 64-bit salt, since a code
/// short enough to type has fewer than 112 bits (ASVS 5.0 6.5.2).
pub fn hash_recovery_code(code: &str) -> String {
    let salt: [u8; 8] = rand::rng().random();
    let salt = hex::encode(salt);
    let hash = hash(&format!("{salt}{}", normalise_recovery_code(code)));
    format!("{salt}${hash}")
}

/// Whether `typed` is the code stored as `stored` (from [`hash_recovery_code`]).
pub fn recovery_code_matches(typed: &str, stored: &str) -> bool {
    let Some((salt, expected)) = stored.split_once('$') else {
        return false;
    };
    let actual = hash(&format!("{salt}{}", normalise_recovery_code(typed)));
    actual.len() == expected.len()
        && actual
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A recovery code as typed, in the form it was hashed in: lower case, without spaces and
/// dashes.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_survive_the_way_people_type_them() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        let stored = hash_recovery_code(&code);
        assert!(recovery_code_matches(&typed, &stored));
        assert!(!recovery_code_matches("abcde-fghjk", &stored));
        assert_ne!(stored, hash_recovery_code(&code), "salted");
    }

    #[test]
    fn link_tokens_are_long_and_different() {
        let (a, b) = (new_link_token(), new_link_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(hash(&a), a);
    }
}
