//! A leased queue: the push outbox (`outbox`) and the e-mail outbox (`email_outbox`) are both
//! rows in `pending` taken one at a time by whoever wins a guarded UPDATE of `lease_owner` and
//! `lease_until`, then settled by the same owner: done, tried again later, or failed for good.
//! A worker that dies mid-way leaves its lease to run out, and the row is taken again.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

use super::{Db, Tx};

/// One leased queue: a table with `id`, `state`, `attempts`, `next_attempt_at`, `last_error`,
/// `lease_owner` and `lease_until`.
#[derive(Clone, Copy, Debug)]
pub struct Queue {
    table: &'static str,
    /// What else a row must be to be claimed (a held push waits for its hold to end).
    claimable: &'static str,
}

/// The changes to push to the booking systems.
pub const PUSHES: Queue = Queue {
    table: "outbox",
    claimable: " AND held IS NULL",
};
/// The e-mails to send.
pub const EMAILS: Queue = Queue {
    table: "email_outbox",
    claimable: "",
};

/// A query being built: a settling step binds its own columns' values to it.
pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

impl Queue {
    /// Claims up to `limit` due rows for `owner` until `lease_until`, oldest first, and returns
    /// the ids it won. `scope` narrows the queue to rows whose column has a value (a
    /// connection's pushes).
    ///
    /// Claiming is an UPDATE guarded by the lease columns, so two instances racing for the same
    /// row cannot both win it.
    pub async fn claim(
        self,
        db: &Db,
        scope: Option<(&'static str, i64)>,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let (table, claimable) = (self.table, self.claimable);
        let (scoped, scope_value) = match scope {
            Some((column, value)) => (format!("{column} = $3 AND "), value),
            None => (String::new(), 0),
        };
        let sql = format!(
            "SELECT id FROM {table} WHERE {scoped}state = 'pending'{claimable} AND next_attempt_at <= $1 \
             AND (lease_until IS NULL OR lease_until < $1) ORDER BY id LIMIT $2"
        );
        let mut candidates = sqlx::query_as::<_, (i64,)>(&sql).bind(now).bind(limit);
        if scope.is_some() {
            candidates = candidates.bind(scope_value);
        }
        let candidates = candidates.fetch_all(db.pool()).await?;
        let mut won = vec![];
        for (id,) in candidates {
            let taken = sqlx::query(&format!(
                "UPDATE {table} SET lease_owner = $1, lease_until = $2 WHERE id = $3 \
                 AND state = 'pending'{claimable} AND (lease_until IS NULL OR lease_until < $4)"
            ))
            .bind(owner)
            .bind(lease_until)
            .bind(id)
            .bind(now)
            .execute(db.pool())
            .await?;
            if taken.rows_affected() == 1 {
                won.push(id);
            }
        }
        Ok(won)
    }

    /// Ends `owner`'s lease on a pending row with one more attempt counted and `set` written
    /// (its placeholders start at `$3`, filled by `bind`). False when the lease was lost
    /// meanwhile: someone else holds the row now, and nothing is written.
    pub async fn settle<F>(
        self,
        tx: &mut Tx,
        id: i64,
        owner: &str,
        set: &str,
        bind: F,
    ) -> Result<bool, sqlx::Error>
    where
        F: for<'q> FnOnce(AnyQuery<'q>) -> AnyQuery<'q>,
    {
        let sql = format!(
            "UPDATE {} SET {set}, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND lease_owner = $2 AND state = 'pending'",
            self.table
        );
        let done = bind(sqlx::query(&sql).bind(id).bind(owner))
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The attempt failed; the row is tried again at `next_attempt_at`.
    pub async fn retry(
        self,
        tx: &mut Tx,
        id: i64,
        owner: &str,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<bool, sqlx::Error> {
        let error = error.to_owned();
        self.settle(
            tx,
            id,
            owner,
            "last_error = $3, next_attempt_at = $4",
            move |q| q.bind(error).bind(next_attempt_at),
        )
        .await
    }
}
