//! A leased queue: the push outbox (`outbox`), the e-mail outbox (`email_outbox`) and the guided
//! procedures (`procedures`) are rows taken one at a time by whoever wins a guarded UPDATE of
//! `lease_owner` and `lease_until`, then settled or given back by the same owner. A worker that
//! dies mid-way leaves its lease to run out, and the row is taken again.

use sqlx::any::{Any, AnyRow};
use sqlx::{Executor, FromRow};

use super::{AnyQuery, Db, GuardedWrite, Tx};

/// One leased queue: a table with `id`, `state`, a due time, `lease_owner` and `lease_until`;
/// the outboxes also count `attempts` and keep a `last_error`.
#[derive(Clone, Copy, Debug)]
pub struct Queue {
    table: &'static str,
    /// The states in which a row waits for its turn.
    waiting: &'static str,
    /// What else a row must be to be claimed (a held push waits for its hold to end).
    claimable: &'static str,
    /// The column saying when a row is due.
    due_at: &'static str,
    /// In which order due rows are taken.
    order: &'static str,
    /// Whether the owner of a lease still running may take the row again.
    retake_own: bool,
}

/// The changes to push to the booking systems.
pub const PUSHES: Queue = Queue {
    table: "outbox",
    waiting: "state = 'pending'",
    claimable: " AND held IS NULL",
    due_at: "next_attempt_at",
    order: "id",
    retake_own: false,
};
/// The e-mails to send.
pub const EMAILS: Queue = Queue {
    table: "email_outbox",
    waiting: "state = 'pending'",
    claimable: "",
    due_at: "next_attempt_at",
    order: "id",
    retake_own: false,
};
/// The guided procedures under way: a runner takes one for a turn of its steps.
pub const PROCEDURES: Queue = Queue {
    table: "procedures",
    waiting: "state IN ('pending', 'running', 'waiting')",
    claimable: "",
    due_at: "next_run_at",
    order: "next_run_at, id",
    retake_own: true,
};

/// Who takes rows, at what time, and until when their lease runs.
#[derive(Clone, Copy, Debug)]
pub struct Lease<'a> {
    pub owner: &'a str,
    pub now: i64,
    pub until: i64,
}

impl Queue {
    /// Up to `limit` rows due at `now` that no live lease holds, in the queue's order. `scope`
    /// narrows the queue to rows whose column has a value (a connection's pushes).
    pub async fn due(
        self,
        db: &Db,
        scope: Option<(&'static str, i64)>,
        now: i64,
        limit: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let Queue {
            table,
            waiting,
            claimable,
            due_at,
            order,
            ..
        } = self;
        let scoped = match scope {
            Some((column, _)) => format!("{column} = $3 AND "),
            None => String::new(),
        };
        let sql = format!(
            "SELECT id FROM {table} WHERE {scoped}{waiting}{claimable} AND {due_at} <= $1 \
             AND (lease_until IS NULL OR lease_until < $1) ORDER BY {order} LIMIT $2"
        );
        let mut due = sqlx::query_as::<_, (i64,)>(&sql).bind(now).bind(limit);
        if let Some((_, value)) = scope {
            due = due.bind(value);
        }
        let due = due.fetch_all(db.pool()).await?;
        Ok(due.into_iter().map(|(id,)| id).collect())
    }

    /// Takes one row for the lease's owner; false when someone else holds it or it no longer
    /// waits. Taking is an UPDATE guarded by the lease columns, so two instances racing for
    /// the same row cannot both win it.
    pub async fn take<'c, E>(self, conn: E, id: i64, lease: Lease<'_>) -> Result<bool, sqlx::Error>
    where
        E: Executor<'c, Database = Any>,
    {
        let Queue {
            table,
            waiting,
            claimable,
            ..
        } = self;
        let own = if self.retake_own {
            " OR lease_owner = $1"
        } else {
            ""
        };
        let taken = sqlx::query(&format!(
            "UPDATE {table} SET lease_owner = $1, lease_until = $2 WHERE id = $3 \
             AND {waiting}{claimable} AND (lease_until IS NULL OR lease_until < $4{own})"
        ))
        .bind(lease.owner)
        .bind(lease.until)
        .bind(id)
        .bind(lease.now)
        .execute(conn)
        .await?;
        Ok(taken.rows_affected() == 1)
    }

    /// Claims up to `limit` due rows (see [`Queue::due`] and [`Queue::take`]), and reads each
    /// row it won with `select`, a query whose one placeholder is the row's id.
    pub async fn claim<R>(
        self,
        db: &Db,
        scope: Option<(&'static str, i64)>,
        lease: Lease<'_>,
        limit: i64,
        select: &str,
    ) -> Result<Vec<R>, sqlx::Error>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let mut won = vec![];
        for id in self.due(db, scope, lease.now, limit).await? {
            if self.take(db.pool(), id, lease).await? {
                won.push(sqlx::query_as(select).bind(id).fetch_one(db.pool()).await?);
            }
        }
        Ok(won)
    }

    /// Gives back `owner`'s lease without settling anything (no attempt is counted).
    pub async fn release(self, tx: &mut Tx, id: i64, owner: &str) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "UPDATE {} SET lease_owner = NULL, lease_until = NULL \
             WHERE id = $1 AND lease_owner = $2",
            self.table
        ))
        .bind(id)
        .bind(owner)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Ends `owner`'s lease on a pending outbox row with one more attempt counted and `set`
    /// written (its placeholders start at `$3`, filled by `bind`). False when the lease was
    /// lost meanwhile: someone else holds the row now, and nothing is written.
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
             WHERE id = $1 AND lease_owner = $2 AND {}",
            self.table, self.waiting
        );
        bind(sqlx::query(&sql).bind(id).bind(owner))
            .changed_one(tx)
            .await
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

    /// The attempt failed for good: the row leaves the queue as `failed`, with `set` written
    /// too (its placeholders start at `$4`, filled by `bind`).
    pub async fn fail<F>(
        self,
        tx: &mut Tx,
        id: i64,
        owner: &str,
        error: &str,
        set: &str,
        bind: F,
    ) -> Result<bool, sqlx::Error>
    where
        F: for<'q> FnOnce(AnyQuery<'q>) -> AnyQuery<'q>,
    {
        let error = error.to_owned();
        self.settle(
            tx,
            id,
            owner,
            &format!("state = 'failed', last_error = $3{set}"),
            move |q| bind(q.bind(error)),
        )
        .await
    }
}
