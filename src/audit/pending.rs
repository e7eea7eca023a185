//! Audit rows a transaction has written but not yet placed in the chain.
//!
//! [`super::append`] queues its row on the transaction; the transaction places every queued row
//! in the chain as its last statements before it commits ([`Pending::chain`]). The chain's head
//! row is the one lock every writer of the audit trail shares: taken at the first append, it
//! was held through everything else the transaction did, so concurrent syncs queued behind one
//! another on it (a channel's first syncs ran one at a time). Taken at commit, it is held for a
//! few statements, and no transaction ever waits for another lock while holding it.
//!
//! This file sits below both the database module (whose transaction carries the queue) and the
//! audit module (which fills it), so neither imports the other through it.

use sqlx::AnyConnection;

use super::entry::Entry;
use crate::keys::Keyring;

/// Rows written in one transaction, in order, without their place in the chain yet.
#[derive(Debug, Default)]
pub struct Pending(Vec<Entry>);

/// Rows per `INSERT`: 14 values each, well under both databases' limit on bound values.
const ROWS_PER_INSERT: usize = 50;

impl Pending {
    pub(crate) fn push(&mut self, entry: Entry) {
        self.0.push(entry);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Places the rows in the chain, in the order they were written: takes their numbers from
    /// the head (locking it until the transaction ends), links and signs each one, stores them
    /// and moves the head's hash to the last.
    pub async fn chain(self, conn: &mut AnyConnection, keys: &Keyring) -> Result<(), sqlx::Error> {
        let mut rows = self.0;
        let Ok(count) = i64::try_from(rows.len()) else {
            return Err(sqlx::Error::Protocol("too many audit rows".into()));
        };
        if count == 0 {
            return Ok(());
        }
        let (last_seq, mut prev_hash): (i64, String) = sqlx::query_as(
            "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, last_hash",
        )
        .bind(count)
        .fetch_one(&mut *conn)
        .await?;
        for (entry, id) in rows.iter_mut().zip(last_seq - count + 1..) {
            entry.id = id;
            entry.prev_hash = prev_hash;
            entry.hash = entry
                .expected_hash(keys)
                .map_err(|e| sqlx::Error::Configuration(format!("{e:?}").into()))?;
            prev_hash = entry.hash.clone();
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            insert(conn, chunk).await?;
        }
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
            .bind(&prev_hash)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

async fn insert(conn: &mut AnyConnection, rows: &[Entry]) -> Result<(), sqlx::Error> {
    let mut sql = String::from(
        "INSERT INTO audit_log (id, at, actor, actor_user_id, action, entity_type, entity_id, \
         partner_id, before_state, after_state, request_id, prev_hash, hash, key_id) VALUES ",
    );
    for row in 0..rows.len() {
        if row > 0 {
            sql.push_str(", ");
        }
        let values: Vec<String> = (1..=14).map(|k| format!("${}", row * 14 + k)).collect();
        sql.push('(');
        sql.push_str(&values.join(", "));
        sql.push(')');
    }
    let mut query = sqlx::query(&sql);
    for entry in rows {
        query = query
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
            .bind(&entry.key_id);
    }
    query.execute(conn).await?;
    Ok(())
}
