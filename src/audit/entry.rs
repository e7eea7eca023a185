//! One row of the audit chain as stored, and how its hash is checked: apart from the log's
//! writer so that the verifier needs nothing of it.

use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::keys::{self, Keyring, LEGACY_KEY_ID, Purpose};

/// The hash the first row's `prev_hash` points at.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub(crate) const ENTRY_COLUMNS: &str = "id, at, actor, actor_user_id, action, entity_type, \
     entity_id, partner_id, before_state, after_state, request_id, prev_hash, hash, key_id";

/// A stored audit row.
#[derive(Clone, Debug, FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub partner_id: Option<i64>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The key whose MAC `hash` is, or `legacy` for a row from before the chain was keyed.
    pub key_id: String,
}

/// Why a row's hash cannot be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unverifiable {
    /// The row names a key the key file does not hold.
    UnknownKey(String),
}

impl Entry {
    /// The hash this row's content and its predecessor's hash should have: the MAC under the
    /// row's key, or the plain SHA-256 of a legacy row.
    pub fn expected_hash(&self, keys: &Keyring) -> Result<String, Unverifiable> {
        if self.key_id == LEGACY_KEY_ID {
            return Ok(legacy_hash(&self.prev_hash, &self.legacy_content()));
        }
        let key = keys
            .derived(&self.key_id, Purpose::AuditChain)
            .ok_or_else(|| Unverifiable::UnknownKey(self.key_id.clone()))?;
        let content = self.keyed_content();
        Ok(hex::encode(keys::hmac_sha256(
            &key,
            &[self.prev_hash.as_bytes(), b"\n", content.as_bytes()],
        )))
    }

    /// Whether the stored hash is the one [`Entry::expected_hash`] gives.
    pub fn hash_matches(&self, keys: &Keyring) -> Result<bool, Unverifiable> {
        let expected = self.expected_hash(keys)?;
        Ok(keys::constant_time_eq(
            expected.as_bytes(),
            self.hash.as_bytes(),
        ))
    }

    /// The content a keyed row's MAC covers: every field, the key id included, so a row cannot
    /// be passed off as signed by another key or as legacy.
    pub(super) fn keyed_content(&self) -> String {
        let mut fields = self.fields();
        fields.push(serde_json::json!(self.key_id));
        serde_json::Value::Array(fields).to_string()
    }

    /// The content a legacy row's plain hash covers, exactly as it was written.
    pub(super) fn legacy_content(&self) -> String {
        serde_json::Value::Array(self.fields()).to_string()
    }

    /// Every field but the hashes and the key id, in the order written. Encoded as a JSON
    /// array, they are unambiguous, NULLs included.
    fn fields(&self) -> Vec<serde_json::Value> {
        use serde_json::json;
        vec![
            json!(self.id),
            json!(self.at),
            json!(self.actor),
            json!(self.actor_user_id),
            json!(self.action),
            json!(self.entity_type),
            json!(self.entity_id),
            json!(self.partner_id),
            json!(self.before_state),
            json!(self.after_state),
            json!(self.request_id),
        ]
    }
}

pub(super) fn legacy_hash(prev_hash: &str, content: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.as_bytes());
    hex::encode(hasher.finalize())
}
