//! The append-only, keyed hash chain of the audit log.
//!
//! Every row stores the hash of the row before it and a MAC over that hash and its own content:
//! HMAC-SHA256 under a key from the key file, which never lives in the database, and the key's
//! id. Someone who can write to the database can still edit rows and recompute hashes, but not
//! these MACs, so [`verify`] lists every row that was altered, removed or inserted. Cutting off
//! the newest rows (and moving `audit_head` back) is caught by the signed checkpoints of the
//! head that [`checkpoint`] appends to a file outside the database. Rows written before the
//! chain was keyed keep key id `legacy` and their plain SHA-256. No code path updates or deletes
//! an audit row.
//!
//! This module owns its tables (`audit_log`, `audit_head`): their queries live here, beside the
//! hashing and signing they must not be separated from, and are the one exception to "SQL
//! lives in `db/`".

pub mod checkpoint;
mod entry;
pub mod pending;
pub mod search;
mod verify;

pub(crate) use entry::ENTRY_COLUMNS;
pub use entry::{Entry, GENESIS_HASH, Unverifiable};
pub use verify::{Problem, Verdict, verify};

use crate::db::{Db, Tx};

/// Who did something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user.
    User { id: i64, email: String },
    /// Someone who is not (yet) logged in, e.g. a failed login; the e-mail they typed.
    Anonymous { claimed_email: String },
    /// The sync engine.
    Sync,
    /// The application itself: start-up, demo seeding, the command line.
    System,
}

impl Actor {
    fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::Anonymous { claimed_email } => format!("anonymous:{claimed_email}"),
            Actor::Sync => "sync".into(),
            Actor::System => "system".into(),
        }
    }

    fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// One thing that happened, about to be appended.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub actor: &'a Actor,
    /// Dotted name, e.g. `login.succeeded`, `user.disabled`.
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    /// The partner whose data this concerns, so partners can see their own trail.
    pub partner_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(
        actor: &'a Actor,
        action: &'a str,
        entity_type: &'a str,
        entity_id: impl ToString,
    ) -> Self {
        Event {
            actor,
            action,
            entity_type,
            entity_id: entity_id.to_string(),
            partner_id: None,
            before: None,
            after: None,
            request_id: None,
        }
    }

    pub fn partner(mut self, partner_id: Option<i64>) -> Self {
        self.partner_id = partner_id;
        self
    }

    pub fn before(mut self, value: serde_json::Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: serde_json::Value) -> Self {
        self.after = Some(value);
        self
    }

    pub fn request(mut self, request_id: Option<&'a str>) -> Self {
        self.request_id = request_id;
        self
    }
}

/// Appends one event inside the caller's transaction, so the audit row commits or rolls back
/// together with the change it describes. The row takes its place in the chain when the
/// transaction commits ([`pending`]): until then it holds no lock, and rows of one transaction
/// keep the order they were appended in.
pub fn append(tx: &mut Tx, now: i64, event: Event<'_>) -> Result<(), sqlx::Error> {
    // A missing key fails here, where the caller can still say what it was doing.
    let key_id = tx.keys()?.current_id().to_string();
    tx.audit_rows().push(Entry {
        id: 0,
        at: now,
        actor: event.actor.label(),
        actor_user_id: event.actor.user_id(),
        action: event.action.to_string(),
        entity_type: event.entity_type.to_string(),
        entity_id: event.entity_id,
        partner_id: event.partner_id,
        before_state: event.before.map(|v| v.to_string()),
        after_state: event.after.map(|v| v.to_string()),
        request_id: event.request_id.map(str::to_string),
        prev_hash: String::new(),
        hash: String::new(),
        key_id,
    });
    Ok(())
}

/// Appends one event in a transaction of its own.
pub async fn record(db: &Db, now: i64, event: Event<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    append(&mut tx, now, event)?;
    tx.commit().await
}

/// Filters for reading the log; `partner_id` scopes a partner user to its own rows.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub partner_id: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The newest rows first, optionally scoped to one partner, paged by id.
pub async fn list(db: &Db, q: &Query) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log \
         WHERE ($1 = 0 OR partner_id = $2) AND id < $3 ORDER BY id DESC LIMIT $4"
    ))
    .bind(i64::from(q.partner_id.is_some()))
    .bind(q.partner_id.unwrap_or(0))
    .bind(q.before_id.unwrap_or(i64::MAX))
    .bind(q.limit)
    .fetch_all(db.pool())
    .await
}

/// One row, if the scope allows it.
pub async fn find(db: &Db, id: i64, partner_id: Option<i64>) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id = $1 AND ($2 = 0 OR partner_id = $3)"
    ))
    .bind(id)
    .bind(i64::from(partner_id.is_some()))
    .bind(partner_id.unwrap_or(0))
    .fetch_optional(db.pool())
    .await
}

#[cfg(test)]
mod tests {
    use super::entry::legacy_hash;
    use super::*;
    use crate::keys::{Keyring, LEGACY_KEY_ID};

    fn entry(keys: &Keyring) -> Entry {
        let mut e = Entry {
            id: 1,
            at: 1_700_000_000,
            actor: "admin@demo.test".into(),
            actor_user_id: Some(5),
            action: "user.created".into(),
            entity_type: "user".into(),
            entity_id: "7".into(),
            partner_id: None,
            before_state: None,
            after_state: Some("{\"role\":\"admin\"}".into()),
            request_id: Some("r1".into()),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
            key_id: keys.current_id().into(),
        };
        e.hash = e.expected_hash(keys).expect("known key");
        e
    }

    #[test]
    fn any_change_of_content_changes_the_hash() {
        let keys = Keyring::generate();
        let original = entry(&keys);
        let mut altered = original.clone();
        altered.actor = "someone@else.test".into();
        assert_eq!(altered.hash_matches(&keys), Ok(false));
        let mut altered = original.clone();
        altered.after_state = None;
        assert_eq!(altered.hash_matches(&keys), Ok(false));
        assert_eq!(original.hash_matches(&keys), Ok(true));
    }

    #[test]
    fn the_hash_depends_on_the_previous_row() {
        let keys = Keyring::generate();
        let original = entry(&keys);
        let mut relinked = original.clone();
        relinked.prev_hash = "ff".repeat(32);
        assert_eq!(relinked.hash_matches(&keys), Ok(false));
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let keys = Keyring::generate();
        let mut a = entry(&keys);
        a.entity_type = "user".into();
        a.entity_id = "17".into();
        let mut b = entry(&keys);
        b.entity_type = "user1".into();
        b.entity_id = "7".into();
        assert_ne!(a.expected_hash(&keys), b.expected_hash(&keys));
    }

    #[test]
    fn without_the_key_a_recomputed_hash_does_not_match() {
        let keys = Keyring::generate();
        let mut forged = entry(&keys);
        forged.actor = "someone@else.test".into();
        // What a database writer can compute: the unkeyed hash, or a MAC under a key of its own.
        forged.hash = legacy_hash(&forged.prev_hash, &forged.keyed_content());
        assert_eq!(forged.hash_matches(&keys), Ok(false));
        let own = Keyring::generate();
        forged.hash = forged.expected_hash(&own).unwrap_or_default();
        assert_eq!(forged.hash_matches(&keys), Ok(false));
        // Relabelled with a key id the file does not hold, it cannot be checked at all.
        forged.key_id = "made-up".into();
        assert!(forged.hash_matches(&keys).is_err());
    }

    #[test]
    fn the_hashes_cover_every_field_as_a_json_array_in_the_order_written() {
        let keys = Keyring::generate();
        let mut e = entry(&keys);
        e.key_id = "k1".into();
        let fields = r#"1,1700000000,"admin@demo.test",5,"user.created","user","7",null,null,"{\"role\":\"admin\"}","r1""#;
        assert_eq!(e.legacy_content(), format!("[{fields}]"));
        assert_eq!(e.keyed_content(), format!("[{fields},\"k1\"]"));
    }

    #[test]
    fn legacy_rows_verify_as_they_were_written() {
        let keys = Keyring::generate();
        let mut legacy = entry(&keys);
        legacy.key_id = LEGACY_KEY_ID.into();
        legacy.hash = legacy_hash(&legacy.prev_hash, &legacy.legacy_content());
        assert_eq!(legacy.hash_matches(&keys), Ok(true));
        // The hash a row got before this change: the same formula, fields as they were.
        assert_eq!(
            legacy.hash,
            legacy_hash(GENESIS_HASH, &legacy.legacy_content())
        );
    }
}
