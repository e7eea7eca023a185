//! `account_attempts`: second-factor codes and reset requests, counted like login attempts so
//! that every instance enforces the same limits.

use super::{Db, Tx};

/// What was attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A second-factor code; the subject is the user id.
    SecondFactor,
    /// The current password, asked before changing it; the subject is the user id.
    CurrentPassword,
    /// A request for a reset link; the subject is the address asked for.
    ResetRequest,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::SecondFactor => "second_factor",
            Kind::CurrentPassword => "current_password",
            Kind::ResetRequest => "reset_request",
        }
    }
}

/// Failures for `subject` after `since` (and after its last success), and from `ip` after
/// `since`.
pub async fn failures(
    db: &Db,
    kind: Kind,
    subject: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let (by_subject,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM account_attempts WHERE kind = $1 AND subject = $2 \
         AND succeeded = 0 AND at > $3 \
         AND at >= COALESCE((SELECT MAX(at) FROM account_attempts \
                             WHERE kind = $1 AND subject = $2 AND succeeded = 1), 0)",
    )
    .bind(kind.as_str())
    .bind(subject)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    let (by_ip,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM account_attempts WHERE kind = $1 AND ip = $2 AND succeeded = 0 \
         AND at > $3",
    )
    .bind(kind.as_str())
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok((by_subject, by_ip))
}

pub async fn record(
    tx: &mut Tx,
    kind: Kind,
    subject: &str,
    ip: &str,
    succeeded: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_attempts (kind, subject, ip, at, succeeded) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kind.as_str())
    .bind(subject)
    .bind(ip)
    .bind(now)
    .bind(i64::from(succeeded))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
