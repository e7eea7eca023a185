//! The partner e-mail sender: sends the pending rows of `email_outbox` over SMTP, retries a
//! failed send with exponential backoff and gives up after a number of tries. Every outcome is
//! appended to the audit log in the same transaction as the row's change.
//!
//! It runs only when SMTP is configured ([`MailConfig`]); otherwise messages are
//! queued `held` and the Outbox page shows them instead.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::audit::{self, Actor, Event};
use crate::clock::Clock;
use crate::db::emails::{self, EmailRow};
use crate::db::{Db, Tx};

/// The sender of partner e-mails when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "bookbridge <no-reply@bookbridge.invalid>";

/// Where partner e-mails go out: an SMTP server (`SMTP_URL`) and the sender (`MAIL_FROM`).
#[derive(Clone)]
pub struct MailConfig {
    /// May hold credentials: never printed.
    smtp_url: String,
    /// The `From` header, e.g. `bookbridge <no-reply@bookbridge.invalid>`.
    pub from: String,
    /// The sender's tuning.
    pub sending: Settings,
}

impl MailConfig {
    /// Checks both settings; the error names the one that is wrong, in one line, without the
    /// URL's credentials.
    pub fn new(smtp_url: &str, from: &str) -> Result<MailConfig, String> {
        let sending = Settings::default();
        smtp_transport(smtp_url.trim(), sending.timeout)?;
        parse_from(from)?;
        Ok(MailConfig {
            smtp_url: smtp_url.trim().to_string(),
            from: from.trim().to_string(),
            sending,
        })
    }

    pub fn smtp_url(&self) -> &str {
        &self.smtp_url
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("from", &self.from)
            .field("sending", &self.sending)
            .finish_non_exhaustive()
    }
}

/// The actor of everything the sender does.
const SENDER: Actor = Actor::System;

/// The sender's tuning.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How often the sender looks for due messages.
    pub poll_interval: Duration,
    /// How long a claimed message stays this instance's while it is being sent.
    pub lease_secs: i64,
    /// The delay before the second try; doubles per try.
    pub retry_base_secs: i64,
    /// The longest delay between tries.
    pub retry_max_secs: i64,
    /// After this many tries a message fails for good.
    pub max_attempts: i64,
    /// How many messages one round claims.
    pub batch: i64,
    /// How long one conversation with the SMTP server may take.
    pub timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll_interval: Duration::from_secs(10),
            lease_secs: 5 * 60,
            retry_base_secs: 30,
            retry_max_secs: 60 * 60,
            max_attempts: 8,
            batch: 20,
            timeout: Duration::from_secs(60),
        }
    }
}

/// Why one send did not go through.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// Trying again cannot help: the server refused the message (5xx) or it cannot be written.
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: false,
        }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        SendError {
            message: message.into(),
            permanent: true,
        }
    }
}

/// Delivers one message: SMTP in production, a stand-in in tests.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &EmailRow) -> Result<(), SendError>;
}

/// The SMTP server named by `SMTP_URL`, as lettre reads it (`smtp://user:pass@host:587`,
/// `smtp://…?tls=required` for STARTTLS, `smtps://…` for TLS from the start).
///
/// The error never repeats the URL: it may hold a password.
pub fn smtp_transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let scheme = url.split_once("://").map(|(s, _)| s);
    if !matches!(scheme, Some("smtp" | "smtps")) {
        return Err("SMTP_URL must start with smtp:// or smtps://".into());
    }
    // rustls needs a crypto provider; this is the one reqwest's clients use too. Installing
    // twice keeps the first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("SMTP_URL is not a usable SMTP server address: {e}"))?;
    Ok(builder.timeout(Some(timeout)).build())
}

/// The sender's address, e.g. `bookbridge <no-reply@bookbridge.invalid>`.
pub fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.trim().parse::<Mailbox>().map_err(|_| {
        "MAIL_FROM must be an e-mail address, e.g. bookbridge <no-reply@example.com>".to_string()
    })
}

/// Sends through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(config: &MailConfig) -> Result<SmtpMailer, String> {
        Ok(SmtpMailer {
            transport: smtp_transport(config.smtp_url(), config.sending.timeout)?,
            from: parse_from(&config.from)?,
        })
    }
}

/// One outbox row as an RFC 5322 message: a `Message-ID` of its own in the sender's domain
/// (never the machine's name), and `MIME-Version: 1.0` with a UTF-8 plain-text part, as RFC
/// 2045 asks of a message with a `Content-Type`.
pub fn message(from: &Mailbox, email: &EmailRow) -> Result<Message, SendError> {
    let to: Mailbox = email.recipient.parse().map_err(|_| {
        SendError::permanent(format!("{:?} is not an e-mail address", email.recipient))
    })?;
    let id: u128 = {
        use rand::Rng;
        rand::rng().random()
    };
    let message_id = format!("<{id:032x}.{}@{}>", email.id, from.email.domain());
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.as_str())
        .message_id(Some(message_id))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone()),
        )
        .map_err(|e| SendError::permanent(format!("cannot write the message: {e}")))
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &EmailRow) -> Result<(), SendError> {
        let message = message(&self.from, email)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::permanent(e.to_string())),
            Err(e) => Err(SendError::transient(e.to_string())),
        }
    }
}

/// What becomes of a message whose send just failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again this many seconds from now.
    RetryIn(i64),
    /// Refused for good, or that was the last try.
    GiveUp,
}

/// The decision after a failed try, given the tries made before it and a jitter in `0..=1`.
pub fn after_failure(
    previous_attempts: i64,
    error: &SendError,
    settings: &Settings,
    jitter: f64,
) -> AfterFailure {
    if error.permanent || previous_attempts + 1 >= settings.max_attempts {
        return AfterFailure::GiveUp;
    }
    AfterFailure::RetryIn(crate::domain::backoff::secs(
        previous_attempts,
        settings.retry_base_secs,
        settings.retry_max_secs,
        jitter,
    ))
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl SendReport {
    fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

/// Sends the due pending messages once, as `owner`.
pub async fn send_due(
    db: &Db,
    clock: &Clock,
    mailer: &dyn Mailer,
    owner: &str,
    settings: &Settings,
) -> Result<SendReport, sqlx::Error> {
    let mut report = SendReport::default();
    let now = clock.now();
    let rows = emails::claim_due(db, owner, now, now + settings.lease_secs, settings.batch).await?;
    for row in rows {
        let result = mailer.send(&row).await;
        let now = clock.now();
        let mut tx = db.begin_write().await?;
        match result {
            Ok(()) => {
                // A lost lease means another instance took the row over and records it.
                if emails::mark_sent(&mut tx, row.id, owner, now).await? {
                    audit_outcome(&mut tx, &row, "email.sent", None, now).await?;
                    report.sent += 1;
                }
            }
            Err(error) => {
                let jitter: f64 = {
                    use rand::Rng;
                    rand::rng().random()
                };
                match after_failure(row.attempts, &error, settings, jitter) {
                    AfterFailure::RetryIn(delay) => {
                        if emails::mark_retry(&mut tx, row.id, owner, &error.message, now + delay)
                            .await?
                        {
                            audit_outcome(&mut tx, &row, "email.retry", Some(&error), now).await?;
                            report.retried += 1;
                        }
                    }
                    AfterFailure::GiveUp => {
                        if emails::mark_failed(&mut tx, row.id, owner, &error.message).await? {
                            audit_outcome(&mut tx, &row, "email.failed", Some(&error), now).await?;
                            report.failed += 1;
                        }
                    }
                }
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

async fn audit_outcome(
    tx: &mut Tx,
    row: &EmailRow,
    action: &str,
    error: Option<&SendError>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut after = serde_json::json!({
        "recipient": row.recipient,
        "subject": row.subject,
        "attempt": row.attempts + 1,
    });
    if let Some(error) = error {
        after["error"] = serde_json::Value::from(error.message.as_str());
    }
    audit::append(
        tx,
        now,
        Event::new(&SENDER, action, "email", row.id)
            .partner(row.partner_id)
            .after(after),
    )?;
    Ok(())
}

/// Sends due messages through `config`'s SMTP server for as long as the app runs. Never
/// returns: a failure is logged and the next round tries again.
pub async fn run_sender(db: Db, clock: Clock, config: MailConfig) {
    let mailer = match SmtpMailer::new(&config) {
        Ok(mailer) => mailer,
        Err(e) => {
            // The settings were checked at start, so this does not happen; if it did, sending
            // stops but the app keeps serving and the messages wait in the outbox.
            tracing::error!(error = %e, "e-mail sender cannot start");
            return std::future::pending().await;
        }
    };
    let owner = {
        use rand::Rng;
        let n: u32 = rand::rng().random();
        format!("mail-{}-{n:08x}", std::process::id())
    };
    let settings = &config.sending;
    loop {
        match send_due(&db, &clock, &mailer, &owner, settings).await {
            Ok(report) => {
                if report.handled() > 0 {
                    tracing::info!(
                        sent = report.sent,
                        retried = report.retried,
                        failed = report.failed,
                        "e-mail round"
                    );
                }
                // A full batch means more may be due: go again at once.
                if report.handled() as i64 >= settings.batch {
                    continue;
                }
            }
            Err(e) => tracing::warn!(error = %e, "e-mail round failed"),
        }
        tokio::time::sleep(settings.poll_interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            retry_base_secs: 30,
            retry_max_secs: 3600,
            max_attempts: 4,
            ..Settings::default()
        }
    }

    #[test]
    fn a_transient_failure_is_retried_later_each_time_up_to_the_cap() {
        let busy = SendError::transient("421 try again later");
        let s = settings();
        assert_eq!(after_failure(0, &busy, &s, 0.5), AfterFailure::RetryIn(30));
        assert_eq!(after_failure(1, &busy, &s, 0.5), AfterFailure::RetryIn(60));
        assert_eq!(after_failure(2, &busy, &s, 0.5), AfterFailure::RetryIn(120));
        let long = Settings {
            max_attempts: 100,
            ..settings()
        };
        assert_eq!(
            after_failure(20, &busy, &long, 0.5),
            AfterFailure::RetryIn(3600)
        );
    }

    #[test]
    fn jitter_spreads_the_retries_of_many_messages() {
        let busy = SendError::transient("connection refused");
        let s = settings();
        assert_eq!(after_failure(1, &busy, &s, 0.0), AfterFailure::RetryIn(30));
        assert_eq!(after_failure(1, &busy, &s, 1.0), AfterFailure::RetryIn(90));
    }

    #[test]
    fn the_last_try_and_a_permanent_refusal_give_up() {
        let s = settings();
        let busy = SendError::transient("timed out");
        assert_eq!(after_failure(3, &busy, &s, 0.5), AfterFailure::GiveUp);
        let refused = SendError::permanent("550 no such mailbox");
        assert_eq!(after_failure(0, &refused, &s, 0.5), AfterFailure::GiveUp);
    }

    #[test]
    fn only_smtp_urls_are_accepted_and_the_error_never_shows_the_password() {
        let timeout = Duration::from_secs(5);
        assert!(smtp_transport("smtp://user:secret@localhost:2525", timeout).is_ok());
        assert!(smtp_transport("smtps://user:secret@mail.example.com", timeout).is_ok());
        assert!(
            smtp_transport("smtp://u:secret@mail.example.com:587?tls=required", timeout).is_ok()
        );
        for bad in [
            "http://user:secret@mail.example.com",
            "user:secret@mail.example.com",
            "smtp://user:secret@mail.example.com:99999",
            "smtp://user:secret@mail.example.com?tls=sometimes",
        ] {
            let err = smtp_transport(bad, timeout).expect_err(bad);
            assert!(err.starts_with("SMTP_URL"), "{err}");
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn every_message_has_its_own_message_id_and_says_mime_version_1_0() {
        let from = parse_from("bookbridge <no-reply@bookbridge.example>").expect("valid");
        let row = EmailRow {
            id: 42,
            partner_id: Some(1),
            partner_name: "Salon Aurora".into(),
            procedure_id: None,
            recipient: "partner@example.com".into(),
            subject: "Booking cancelled: voucher SV-1, Eva Nováková".into(),
            body: "Zrušeno — žádná změna.".into(),
            state: "pending".into(),
            attempts: 0,
            next_attempt_at: 0,
            last_error: None,
            created_at: 0,
            sent_at: None,
        };
        let text = |m: &Message| String::from_utf8_lossy(&m.formatted()).to_string();
        let first = text(&message(&from, &row).expect("writes"));
        let second = text(&message(&from, &row).expect("writes"));
        let id = |t: &str| {
            t.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .map(str::to_string)
        };
        let first_id = id(&first).expect("a Message-ID header");
        assert!(first_id.ends_with("@bookbridge.example>"), "{first_id}");
        assert_ne!(Some(first_id), id(&second), "each message has its own id");
        assert!(first.contains("MIME-Version: 1.0\r\n"), "{first}");
        assert!(
            first.contains("Content-Type: text/plain; charset=utf-8"),
            "{first}"
        );
    }

    #[test]
    fn the_sender_address_may_carry_a_display_name() {
        assert!(parse_from("bookbridge <no-reply@bookbridge.invalid>").is_ok());
        assert!(parse_from("no-reply@example.com").is_ok());
        assert!(parse_from("bookbridge").is_err());
    }
}
