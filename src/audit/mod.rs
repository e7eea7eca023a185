//! The append-only, hash-chained audit log.
//!
//! Every row stores the hash of the row before it and a hash over its own content, so altering
//! or removing a row breaks the chain and [`verify`] names the first row where it breaks. No code
//! path updates or deletes an audit row.

pub mod search;

use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::db::{Db, Tx};

/// The hash the first row's `prev_hash` points at.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
}

impl Entry {
    /// The hash this row's content and its predecessor's hash should have.
    pub fn expected_hash(&self) -> String {
        content_hash(&self.prev_hash, &self.content())
    }

    fn content(&self) -> String {
        // A JSON array is an unambiguous encoding of the fields, NULLs included.
        serde_json::json!([
            self.id,
            self.at,
            self.actor,
            self.actor_user_id,
            self.action,
            self.entity_type,
            self.entity_id,
            self.partner_id,
            self.before_state,
            self.after_state,
            self.request_id,
        ])
        .to_string()
    }
}

fn content_hash(prev_hash: &str, content: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.as_bytes());
    hex::encode(hasher.finalize())
}

/// Appends one event inside the caller's transaction, so the audit row commits or rolls back
/// together with the change it describes. Returns the new row's id.
pub async fn append(tx: &mut Tx, now: i64, event: Event<'_>) -> Result<i64, sqlx::Error> {
    // Taking the next number from the head row locks it until commit: writers queue up here
    // and the chain stays linear on both databases.
    let (seq, prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
            .fetch_one(&mut **tx)
            .await?;
    let mut entry = Entry {
        id: seq,
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
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash();
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, actor_user_id, action, entity_type, entity_id, \
         partner_id, before_state, after_state, request_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(entry.id)
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(entry.actor_user_id)
    .bind(&entry.action)
    .bind(&entry.entity_type)
    .bind(&entry.entity_id)
    .bind(entry.partner_id)
    .bind(&entry.before_state)
    .bind(&entry.after_state)
    .bind(&entry.request_id)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&entry.hash)
        .execute(&mut **tx)
        .await?;
    Ok(entry.id)
}

/// Appends one event in a transaction of its own.
pub async fn record(db: &Db, now: i64, event: Event<'_>) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let id = append(&mut tx, now, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// The outcome of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every row links to the one before and matches its hash.
    Intact { rows: i64 },
    /// The chain breaks at this row (or just after the last row, for a removed tail).
    Broken { row: i64, reason: String },
}

const ENTRY_COLUMNS: &str = "id, at, actor, actor_user_id, action, entity_type, entity_id, \
     partner_id, before_state, after_state, request_id, prev_hash, hash";

/// Walks the whole chain in id order, a page at a time.
pub async fn verify(db: &Db) -> Result<Verdict, sqlx::Error> {
    const PAGE: i64 = 2000;
    let mut expected_id = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    loop {
        let page: Vec<Entry> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2"
        ))
        .bind(expected_id)
        .bind(PAGE)
        .fetch_all(db.pool())
        .await?;
        let done = (page.len() as i64) < PAGE;
        for entry in page {
            if entry.id != expected_id {
                return Ok(Verdict::Broken {
                    row: expected_id,
                    reason: format!("row {expected_id} is missing"),
                });
            }
            if entry.prev_hash != prev_hash {
                return Ok(Verdict::Broken {
                    row: entry.id,
                    reason: "does not link to the row before it".into(),
                });
            }
            if entry.expected_hash() != entry.hash {
                return Ok(Verdict::Broken {
                    row: entry.id,
                    reason: "content does not match its hash".into(),
                });
            }
            prev_hash = entry.hash;
            expected_id += 1;
        }
        if done {
            break;
        }
    }
    let (seq, last_hash): (i64, String) =
        sqlx::query_as("SELECT seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    let rows = expected_id - 1;
    if seq != rows || last_hash != prev_hash {
        return Ok(Verdict::Broken {
            row: rows + 1,
            reason: format!("the log ends at row {rows} but {seq} rows were written"),
        });
    }
    Ok(Verdict::Intact { rows })
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
    use super::*;

    fn entry() -> Entry {
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
        };
        e.hash = e.expected_hash();
        e
    }

    #[test]
    fn any_change_of_content_changes_the_hash() {
        let original = entry();
        let mut altered = original.clone();
        altered.actor = "someone@else.test".into();
        assert_ne!(altered.expected_hash(), original.hash);
        let mut altered = original.clone();
        altered.after_state = None;
        assert_ne!(altered.expected_hash(), original.hash);
    }

    #[test]
    fn the_hash_depends_on_the_previous_row() {
        let original = entry();
        let mut relinked = original.clone();
        relinked.prev_hash = "ff".repeat(32);
        assert_ne!(relinked.expected_hash(), original.hash);
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let mut a = entry();
        a.entity_type = "user".into();
        a.entity_id = "17".into();
        let mut b = entry();
        b.entity_type = "user1".into();
        b.entity_id = "7".into();
        assert_ne!(a.expected_hash(), b.expected_hash());
    }
}
