//! Signed checkpoints of the chain's head, appended to a file outside the database.
//!
//! The chain's MACs stop anyone without the key from altering or inserting rows, but not from
//! cutting off the newest rows and moving `audit_head` back: what is left is still a valid
//! chain. A checkpoint records the head (its sequence number and hash), signed with the key, in
//! a file the database cannot reach; [`super::verify`] compares every checkpoint with the rows,
//! so at most the rows written since the last checkpoint can vanish unnoticed. The app writes
//! one at start, at least hourly, at shutdown, and on demand (`bookbridge audit checkpoint`).
//!
//! One JSON object per line: `{"at":…,"seq":…,"hash":"…","why":"start","key_id":"…","mac":"…"}`.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::keys::{self, Keyring, Purpose};

/// One checkpoint of the head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// When it was written (Unix seconds).
    pub at: i64,
    /// The number of rows written so far: the id of the newest row.
    pub seq: i64,
    /// That row's hash.
    pub hash: String,
    /// Why it was written: `start`, `periodic`, `shutdown`, `manual`.
    pub why: String,
    pub key_id: String,
    pub mac: String,
}

impl Checkpoint {
    fn expected_mac(&self, keys: &Keyring) -> Option<String> {
        let key = keys.derived(&self.key_id, Purpose::Checkpoint)?;
        let content = serde_json::json!([self.at, self.seq, self.hash, self.why, self.key_id]);
        Some(hex::encode(keys::hmac_sha256(
            &key,
            &[content.to_string().as_bytes()],
        )))
    }

    /// Whether the signature is this checkpoint's under a key of `keys`.
    pub fn is_signed(&self, keys: &Keyring) -> bool {
        self.expected_mac(keys)
            .is_some_and(|mac| keys::constant_time_eq(mac.as_bytes(), self.mac.as_bytes()))
    }
}

/// Why a checkpoint could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("cannot read the audit head: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot append to the checkpoint file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// Signs the current head and appends it to the database's checkpoint file; `None` when the
/// database has no checkpoint file.
pub async fn write(db: &Db, now: i64, why: &str) -> Result<Option<Checkpoint>, CheckpointError> {
    let Some(path) = db.checkpoint_file() else {
        return Ok(None);
    };
    let keys = db.keys()?;
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    let mut checkpoint = Checkpoint {
        at: now,
        seq,
        hash,
        why: why.to_string(),
        key_id: keys.current_id().to_string(),
        mac: String::new(),
    };
    checkpoint.mac = checkpoint.expected_mac(keys).unwrap_or_default();
    append_line(path, &checkpoint).map_err(|source| CheckpointError::File {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Some(checkpoint))
}

fn append_line(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    let line = serde_json::to_string(checkpoint).map_err(std::io::Error::other)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    // One write of the whole line: appends of concurrent writers do not interleave.
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_data()
}

/// Every line of a checkpoint file with its number (from 1): a checkpoint whose signature
/// verifies, or `Err` for a line that does not parse or verify. A missing file has no lines.
pub fn read(path: &Path, keys: &Keyring) -> std::io::Result<Vec<(usize, Result<Checkpoint, ()>)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            let parsed = serde_json::from_str::<Checkpoint>(line)
                .ok()
                .filter(|cp| cp.is_signed(keys))
                .ok_or(());
            (n + 1, parsed)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(keys: &Keyring) -> Checkpoint {
        let mut cp = Checkpoint {
            at: 1_700_000_000,
            seq: 42,
            hash: "ab".repeat(32),
            why: "manual".into(),
            key_id: keys.current_id().into(),
            mac: String::new(),
        };
        cp.mac = cp.expected_mac(keys).expect("known key");
        cp
    }

    #[test]
    fn a_checkpoint_verifies_only_as_it_was_signed() {
        let keys = Keyring::generate();
        let cp = signed(&keys);
        assert!(cp.is_signed(&keys));
        let mut moved_back = cp.clone();
        moved_back.seq = 40;
        assert!(!moved_back.is_signed(&keys));
        assert!(!cp.is_signed(&Keyring::generate()));
    }

    #[test]
    fn a_forged_line_in_the_file_reads_as_bad() {
        let keys = Keyring::generate();
        let dir = std::env::temp_dir().join(format!(
            "bookbridge-cp-{}",
            hex::encode(keys::hmac_sha256(b"x", &[keys.current_id().as_bytes()]))
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("checkpoints");
        append_line(&path, &signed(&keys)).expect("append");
        let mut forged = signed(&keys);
        forged.seq = 7;
        append_line(&path, &forged).expect("append");
        let lines = read(&path, &keys).expect("read");
        assert_eq!(lines.len(), 2);
        assert!(lines[0].1.is_ok());
        assert_eq!(lines[1], (2, Err(())));
        assert!(read(&dir.join("absent"), &keys).expect("read").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
