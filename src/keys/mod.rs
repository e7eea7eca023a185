//! The secret keys that never live in the database: they sign the audit chain and its
//! checkpoints, and encrypt partners' credentials. Someone who can write to the database (or
//! read a backup of it) but not this file can neither forge audit rows nor read credentials.
//!
//! A key file holds one key per line, `<id> <64 hex digits>`; `#` starts a comment. The last
//! key signs and encrypts everything new; older keys stay in the file so that what they signed
//! still verifies and what they encrypted still decrypts. Rotating adds a line (see
//! [`Keyring::rotate_file`]); removing an old line makes the audit rows it signed unverifiable.

pub mod sealed;

use std::fmt;
use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The key id of audit rows written before the chain was keyed; never a real key's id.
pub const LEGACY_KEY_ID: &str = "legacy";

const SECRET_LEN: usize = 32;
const MAX_ID_LEN: usize = 40;

/// Why a key file could not be used. The message never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the key file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("the key file {path}, line {line}: {reason}")]
    Malformed {
        path: String,
        line: usize,
        reason: &'static str,
    },
    #[error("the key file {path} holds no key")]
    Empty { path: String },
}

/// What a derived key is for: a key used for one purpose is never used for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The MAC of each audit row.
    AuditChain,
    /// The MAC of each checkpoint of the chain's head.
    Checkpoint,
    /// The AEAD key of stored credentials.
    Credentials,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::AuditChain => b"bookbridge/audit-chain/v1",
            Purpose::Checkpoint => b"bookbridge/audit-checkpoint/v1",
            Purpose::Credentials => b"bookbridge/credentials/v1",
        }
    }
}

#[derive(Clone)]
struct Key {
    id: String,
    secret: [u8; SECRET_LEN],
}

/// The keys of one installation, newest last. Its `Debug` output shows key ids only.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.keys.iter().map(|k| &k.id).collect::<Vec<_>>())
            .finish()
    }
}

/// HMAC-SHA256 of the concatenated `parts` under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id != LEGACY_KEY_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn new_key(id: String) -> Key {
    let mut secret = [0u8; SECRET_LEN];
    rand::rng().fill_bytes(&mut secret);
    Key { id, secret }
}

const FILE_HEADER: &str = "\
# bookbridge keys. Keep this file out of the database and out of its backups.
# One key per line: <id> <64 hex digits>. The last key signs and encrypts what is new;
# keep the older lines: the audit rows and credentials they signed or encrypted need them.
";

impl Keyring {
    /// Reads the text of a key file.
    pub fn parse(path: &str, text: &str) -> Result<Keyring, KeyError> {
        let mut keys: Vec<Key> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason| KeyError::Malformed {
                path: path.to_string(),
                line: n + 1,
                reason,
            };
            let mut fields = line.split_whitespace();
            let (Some(id), Some(hex_secret), None) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad("expected `<id> <64 hex digits>`"));
            };
            if !valid_id(id) {
                return Err(bad(
                    "a key id is 1 to 40 letters, digits, '-', '_' or '.', and not \"legacy\"",
                ));
            }
            let mut secret = [0u8; SECRET_LEN];
            hex::decode_to_slice(hex_secret, &mut secret)
                .map_err(|_| bad("the secret must be 64 hex digits (32 bytes)"))?;
            if keys.iter().any(|k| k.id == id) {
                return Err(bad("this key id appears twice"));
            }
            keys.push(Key {
                id: id.to_string(),
                secret,
            });
        }
        if keys.is_empty() {
            return Err(KeyError::Empty {
                path: path.to_string(),
            });
        }
        Ok(Keyring { keys })
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<Keyring, KeyError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        Keyring::parse(&shown, &text)
    }

    /// Reads a key file, creating it with one new key when it does not exist (the demo).
    pub fn load_or_create(path: &Path) -> Result<Keyring, KeyError> {
        if path.exists() {
            return Keyring::load(path);
        }
        let ring = Keyring {
            keys: vec![new_key(fresh_id())],
        };
        write_new_file(path, &ring.file_text())?;
        Ok(ring)
    }

    /// Adds a new key to a key file (creating the file if needed) and returns its id; the
    /// new key signs and encrypts from the next start on.
    pub fn rotate_file(path: &Path) -> Result<String, KeyError> {
        let shown = path.display().to_string();
        if !path.exists() {
            let ring = Keyring::load_or_create(path)?;
            return Ok(ring.current_id().to_string());
        }
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: shown.clone(),
            source,
        })?;
        let ring = Keyring::parse(&shown, &text)?;
        // A file edited by hand may lack its last newline: the new key needs a line of its own.
        let separator = if text.ends_with('\n') { "" } else { "\n" };
        let mut id = fresh_id();
        while ring.keys.iter().any(|k| k.id == id) {
            id.push('x');
        }
        let key = new_key(id.clone());
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|source| KeyError::Write {
                path: shown.clone(),
                source,
            })?;
        writeln!(file, "{separator}{} {}", key.id, hex::encode(key.secret))
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::Write {
                path: shown,
                source,
            })?;
        Ok(id)
    }

    /// A keyring that exists only in memory (benchmarks, throwaway databases).
    pub fn generate() -> Keyring {
        Keyring {
            keys: vec![new_key(fresh_id())],
        }
    }

    /// The key file's text for this keyring.
    pub fn file_text(&self) -> String {
        let mut text = FILE_HEADER.to_string();
        for key in &self.keys {
            text.push_str(&format!("{} {}\n", key.id, hex::encode(key.secret)));
        }
        text
    }

    /// The id of the key that signs and encrypts what is new.
    pub fn current_id(&self) -> &str {
        self.keys.last().map(|k| k.id.as_str()).unwrap_or_default()
    }

    /// Whether the ring holds a key with this id.
    pub fn knows(&self, id: &str) -> bool {
        self.keys.iter().any(|k| k.id == id)
    }

    /// The key for `purpose` derived from key `id`; `None` for an unknown id. Derivation is
    /// HMAC-SHA256 of the purpose's label under the key (HKDF-Expand's single-block case).
    pub fn derived(&self, id: &str, purpose: Purpose) -> Option<[u8; 32]> {
        self.keys
            .iter()
            .find(|k| k.id == id)
            .map(|k| hmac_sha256(&k.secret, &[purpose.label()]))
    }
}

/// A new key's id: when it was made, readable in the audit log.
fn fresh_id() -> String {
    let now = jiff::Timestamp::from_second(crate::clock::Clock::System.now())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut suffix = [0u8; 2];
    rand::rng().fill_bytes(&mut suffix);
    format!("k{}-{}", now.strftime("%Y%m%d"), hex::encode(suffix))
}

fn write_new_file(path: &Path, text: &str) -> Result<(), KeyError> {
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| KeyError::Write {
        path: shown.clone(),
        source,
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| KeyError::Write {
            path: shown,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_reads_back_with_the_last_key_current() {
        let a = Keyring::generate();
        let mut text = a.file_text();
        text.push_str(&format!("second {}\n", "ab".repeat(32)));
        let ring = Keyring::parse("f", &text).expect("parses");
        assert_eq!(ring.current_id(), "second");
        assert!(ring.knows(a.current_id()));
        assert_eq!(
            ring.derived(a.current_id(), Purpose::AuditChain),
            a.derived(a.current_id(), Purpose::AuditChain)
        );
    }

    #[test]
    fn purposes_get_different_keys() {
        let ring = Keyring::generate();
        let id = ring.current_id();
        assert_ne!(
            ring.derived(id, Purpose::AuditChain),
            ring.derived(id, Purpose::Credentials)
        );
        assert_ne!(
            ring.derived(id, Purpose::AuditChain),
            ring.derived(id, Purpose::Checkpoint)
        );
    }

    #[test]
    fn malformed_files_are_refused_without_showing_secrets() {
        for text in [
            "",
            "# only a comment\n",
            "k1 1234\n",
            "legacy 0000000000000000000000000000000000000000000000000000000000000000\n",
            "k1 zz00000000000000000000000000000000000000000000000000000000000000\n",
            "k 0000000000000000000000000000000000000000000000000000000000000000\n\
             k 1111111111111111111111111111111111111111111111111111111111111111\n",
        ] {
            let err = Keyring::parse("f", text).expect_err(text);
            assert!(!err.to_string().contains("1111"), "{err}");
        }
    }

    #[test]
    fn debug_output_shows_ids_but_no_secret() {
        let ring = Keyring::generate();
        let shown = format!("{ring:?}");
        assert!(shown.contains(ring.current_id()));
        let secret = &ring.file_text()[FILE_HEADER.len()..];
        let hex_secret = secret.split_whitespace().nth(1).expect("secret");
        assert!(!shown.contains(hex_secret));
    }

    #[test]
    fn rotating_adds_a_key_and_keeps_the_old_ones() {
        let dir = std::env::temp_dir().join(format!("bookbridge-keys-{}", fresh_id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("test.key");
        let first = Keyring::load_or_create(&path).expect("created");
        let again = Keyring::load_or_create(&path).expect("read back");
        assert_eq!(first.current_id(), again.current_id());
        let new_id = Keyring::rotate_file(&path).expect("rotated");
        let rotated = Keyring::load(&path).expect("read back");
        assert_eq!(rotated.current_id(), new_id);
        assert!(rotated.knows(first.current_id()));
        // A hand-edited file without its last newline still gets the new key on a line of its own.
        let text = std::fs::read_to_string(&path).expect("text");
        std::fs::write(&path, text.trim_end()).expect("write");
        let third = Keyring::rotate_file(&path).expect("rotated again");
        let again = Keyring::load(&path).expect("read back");
        assert_eq!(again.current_id(), third);
        assert!(again.knows(&new_id));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
