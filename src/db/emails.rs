//! `email_outbox`: confirmation e-mails to a partner's users (FAQ rule 6). Queued in the same
//! transaction as the change they confirm, so a message exists exactly when the change does;
//! sent later by [`crate::mail`], which claims due rows with a lease (as the sync outbox does)
//! so two instances never send the same message at once.

use sqlx::FromRow;

use super::filter::{Bind, Where};
use super::{Db, Tx, lease};

/// One e-mail, with its partner's name for the staff's list.
#[derive(Clone, Debug, FromRow)]
pub struct EmailRow {
    pub id: i64,
    /// `None` for an account e-mail to staff.
    pub partner_id: Option<i64>,
    /// Empty without a partner.
    pub partner_name: String,
    pub procedure_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const ROW: &str = "SELECT e.id, e.partner_id, COALESCE(p.name, '') AS partner_name, \
     e.procedure_id, e.recipient, e.subject, e.body, e.state, e.attempts, e.next_attempt_at, \
     e.last_error, e.created_at, e.sent_at FROM email_outbox e \
     LEFT JOIN partners p ON p.id = e.partner_id";

/// Queues one message to every enabled user of the partner, inside the caller's transaction;
/// returns the new rows' ids (none when the partner has no enabled user).
///
/// `held` (see [`crate::config::Config::mail_held`]) keeps the messages for the Outbox page
/// instead of sending them: the demo, or an instance without SMTP.
pub async fn queue(
    tx: &mut Tx,
    partner_id: i64,
    procedure_id: Option<i64>,
    subject: &str,
    body: &str,
    held: bool,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let recipients: Vec<(String,)> = sqlx::query_as(
        "SELECT email FROM users WHERE partner_id = $1 AND disabled = 0 ORDER BY id",
    )
    .bind(partner_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut ids = Vec::with_capacity(recipients.len());
    for (recipient,) in recipients {
        let message = NewEmail {
            partner_id: Some(partner_id),
            procedure_id,
            recipient: &recipient,
            subject,
            body,
            account_token_id: None,
            account_email: false,
        };
        ids.push(insert(tx, &message, held, now).await?);
    }
    Ok(ids)
}

/// Queues one account e-mail (an invitation or a reset link) to one address, inside the
/// caller's transaction. The message carries a private link, so it is tied to its token:
/// kept off the Outbox page, and its body blanked once sent or withdrawn.
pub struct AccountEmail<'a> {
    pub partner_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub token_id: i64,
}

pub async fn queue_account_email(
    tx: &mut Tx,
    email: &AccountEmail<'_>,
    held: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let message = NewEmail {
        partner_id: email.partner_id,
        procedure_id: None,
        recipient: email.recipient,
        subject: email.subject,
        body: email.body,
        account_token_id: Some(email.token_id),
        account_email: true,
    };
    insert(tx, &message, held, now).await
}

/// Queues a notice about someone's own account without a link (e.g. "your password was
/// changed"), inside the caller's transaction: like every account e-mail, kept off the
/// Outbox page.
pub async fn queue_account_notice(
    tx: &mut Tx,
    partner_id: Option<i64>,
    recipient: &str,
    subject: &str,
    body: &str,
    held: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let message = NewEmail {
        partner_id,
        procedure_id: None,
        recipient,
        subject,
        body,
        account_token_id: None,
        account_email: true,
    };
    insert(tx, &message, held, now).await
}

/// One message to queue, as the three kinds above build it.
struct NewEmail<'a> {
    partner_id: Option<i64>,
    procedure_id: Option<i64>,
    recipient: &'a str,
    subject: &'a str,
    body: &'a str,
    /// The token whose private link the message carries.
    account_token_id: Option<i64>,
    /// About someone's own account: never listed on the Outbox page.
    account_email: bool,
}

/// Queues one message, due now, or held (see [`queue`]); returns its id.
async fn insert(
    tx: &mut Tx,
    message: &NewEmail<'_>,
    held: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let state = if held { "held" } else { "pending" };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO email_outbox (partner_id, procedure_id, recipient, subject, body, state, \
         attempts, next_attempt_at, created_at, account_token_id, account_email) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8, $9) RETURNING id",
    )
    .bind(message.partner_id)
    .bind(message.procedure_id)
    .bind(message.recipient)
    .bind(message.subject)
    .bind(message.body)
    .bind(state)
    .bind(now)
    .bind(message.account_token_id)
    .bind(i64::from(message.account_email))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// One held account e-mail, for the demo's mailbox.
#[derive(Clone, Debug, FromRow)]
pub struct HeldAccountEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// The account e-mails held because no SMTP server is configured, newest first, with their
/// bodies (a link already used or withdrawn has lost its body). Only the demo's mailbox
/// shows them: an instance without SMTP has no other way to deliver them.
pub async fn held_account_emails(
    db: &Db,
    limit: i64,
) -> Result<Vec<HeldAccountEmail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, recipient, subject, body, created_at FROM email_outbox \
         WHERE account_email = 1 AND state = 'held' ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// The link of `token_id` is used or revoked: its messages lose their body, and those not yet
/// sent are not sent.
pub async fn withdraw_account_emails(tx: &mut Tx, token_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE email_outbox SET body = '', \
         state = CASE WHEN state IN ('pending', 'held') THEN 'failed' ELSE state END, \
         last_error = CASE WHEN state IN ('pending', 'held') THEN 'withdrawn' ELSE last_error END \
         WHERE account_token_id = $1",
    )
    .bind(token_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The account e-mails queued for `recipient`, newest first: (subject, body, state). For
/// tests and support: the Outbox page never shows them.
pub async fn account_emails_to(
    db: &Db,
    recipient: &str,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT subject, body, state FROM email_outbox \
         WHERE recipient = $1 AND account_token_id IS NOT NULL ORDER BY id DESC",
    )
    .bind(recipient)
    .fetch_all(db.pool())
    .await
}

fn scoped(partner_id: Option<i64>) -> Where {
    let mut w = Where::new();
    // Account e-mails are about one person's account (and may carry a private link): never
    // listed.
    w.and("e.account_email = 0", Vec::<Bind>::new());
    if let Some(partner_id) = partner_id {
        w.and("e.partner_id = {}", [Bind::from(partner_id)]);
    }
    w
}

/// One page of e-mails, newest first: one partner's, or every partner's with `None`. The
/// caller decides the scope: a partner user always passes its own partner.
pub async fn list(
    db: &Db,
    partner_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EmailRow>, sqlx::Error> {
    let mut w = scoped(partner_id);
    let where_sql = w.sql();
    let limit = w.bind(limit);
    let offset = w.bind(offset);
    let sql = format!("{ROW}{where_sql} ORDER BY e.id DESC LIMIT {limit} OFFSET {offset}");
    w.bind_as(sqlx::query_as(&sql)).fetch_all(db.pool()).await
}

/// How many e-mails [`list`] pages through.
pub async fn count(db: &Db, partner_id: Option<i64>) -> Result<i64, sqlx::Error> {
    let w = scoped(partner_id);
    let sql = format!("SELECT COUNT(*) FROM email_outbox e{}", w.sql());
    let (n,): (i64,) = w.bind_as(sqlx::query_as(&sql)).fetch_one(db.pool()).await?;
    Ok(n)
}

/// Claims up to `limit` due messages for `owner` until `lease_until` (see
/// [`lease::Queue::claim`]). A sender that dies mid-send leaves the lease to run out; the
/// message is then sent again (at least once, never lost).
pub async fn claim_due(
    db: &Db,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<EmailRow>, sqlx::Error> {
    let lease = lease::Lease {
        owner,
        now,
        until: lease_until,
    };
    let select = format!("{ROW} WHERE e.id = $1");
    lease::EMAILS.claim(db, None, lease, limit, &select).await
}

/// The SMTP server accepted the message. False when `owner`'s lease was lost meanwhile. A
/// message carrying an account link loses its body once sent.
pub async fn mark_sent(tx: &mut Tx, id: i64, owner: &str, now: i64) -> Result<bool, sqlx::Error> {
    lease::EMAILS
        .settle(
            tx,
            id,
            owner,
            "state = 'sent', sent_at = $3, last_error = NULL, \
             body = CASE WHEN account_token_id IS NULL THEN body ELSE '' END",
            |q| q.bind(now),
        )
        .await
}

/// The send failed and will be tried again at `next_attempt_at`.
pub async fn mark_retry(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<bool, sqlx::Error> {
    lease::EMAILS
        .retry(tx, id, owner, error, next_attempt_at)
        .await
}

/// The send failed for good: refused outright, or out of tries.
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    owner: &str,
    error: &str,
) -> Result<bool, sqlx::Error> {
    lease::EMAILS.fail(tx, id, owner, error, "", |q| q).await
}
