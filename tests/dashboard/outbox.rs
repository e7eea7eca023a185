//! The partner e-mail outbox (FAQ rule 6: notification e-mails confirm what the channel did):
//! queueing writes one message per enabled user of the partner; the Outbox page shows a partner
//! its own messages only, Partner Care and admins every partner's with a filter, and refuses
//! sales reps; without SMTP the page says the messages are held. The sender retries a failed
//! send with backoff, gives up in the end, and audits every outcome.

use bookbridge::web::paths;
use std::sync::Mutex;

use async_trait::async_trait;
use bookbridge::db::emails::{self, EmailRow};
use bookbridge::mail::{self, Mailer, SendError, Settings};

use crate::common::{self, TestApp, select_attr, select_texts};
use crate::synced::{audited, page};
use crate::tests;

const PARTNER: &str = "partner@demo.test";
const OTHER_PARTNER: &str = "partner2@demo.test";
const CARE: &str = "care@demo.test";
const ADMIN: &str = "admin@demo.test";
const SALES: &str = "sales@demo.test";

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        a_partner_sees_its_own_e_mails_and_never_another_partners,
        partner_care_and_admins_see_every_partners_e_mails_and_filter_by_partner,
        sales_reps_are_refused_the_outbox_and_visitors_are_sent_to_log_in,
        the_outbox_shows_the_newest_first_a_page_at_a_time,
        a_message_goes_to_each_enabled_user_of_the_partner_and_to_nobody_else,
        a_failed_send_is_retried_with_backoff_then_given_up_and_every_outcome_is_audited,
    ]
}

/// The partner a demo user belongs to.
async fn partner_of(app: &TestApp, email: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT partner_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("a partner user");
    id
}

/// Queues one message to `partner_id`'s users the way a procedure does; returns the ids.
async fn queue(app: &TestApp, partner_id: i64, subject: &str, body: &str, held: bool) -> Vec<i64> {
    let mut tx = app.db.begin_write().await.expect("transaction");
    let ids = emails::queue(
        &mut tx,
        partner_id,
        None,
        subject,
        body,
        held,
        app.clock.now(),
    )
    .await
    .expect("queued");
    tx.commit().await.expect("commit");
    ids
}

async fn state_of(app: &TestApp, id: i64) -> (String, i64, i64, Option<String>, Option<i64>) {
    sqlx::query_as(
        "SELECT state, attempts, next_attempt_at, last_error, sent_at FROM email_outbox \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("the e-mail")
}

async fn a_partner_sees_its_own_e_mails_and_never_another_partners(app: TestApp) {
    let own = partner_of(&app, PARTNER).await;
    let other = partner_of(&app, OTHER_PARTNER).await;
    let body = "Hello,\n\nthe booking AUR-1 now starts at 10:00.\n\nbookbridge";
    queue(&app, own, "Booking AUR-1 moved", body, true).await;
    queue(&app, other, "Booking WEL-7 cancelled", "Cancelled.", true).await;

    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, paths::OUTBOX).await;
    assert_eq!(
        select_texts(&doc, "#outbox td.subject"),
        ["Booking AUR-1 moved"]
    );
    assert_eq!(select_texts(&doc, "#outbox td.recipient"), [PARTNER]);
    assert_eq!(
        select_texts(&doc, "#outbox .state"),
        ["Not sent, shown here only"]
    );
    assert_eq!(select_texts(&doc, "#outbox details .email-body"), [body]);
    assert_eq!(
        select_texts(&doc, "#outbox-held"),
        ["This demo does not send e-mail; messages are shown here instead."]
    );
    assert!(
        select_attr(&doc, "#outbox-filters", "id").is_none(),
        "a partner has no partner filter"
    );
    assert!(
        select_attr(&doc, "header nav a[href='/outbox']", "href").is_some(),
        "the partner's navigation leads here"
    );
    // Asking for another partner's messages still shows its own.
    let doc = page(&app, &partner, &format!("/outbox?partner={other}")).await;
    assert_eq!(
        select_texts(&doc, "#outbox td.subject"),
        ["Booking AUR-1 moved"]
    );

    let second = app.login(OTHER_PARTNER).await;
    let doc = page(&app, &second, paths::OUTBOX).await;
    assert_eq!(
        select_texts(&doc, "#outbox td.subject"),
        ["Booking WEL-7 cancelled"]
    );
    assert!(!doc.html().contains("AUR-1"));
}

async fn partner_care_and_admins_see_every_partners_e_mails_and_filter_by_partner(app: TestApp) {
    let own = partner_of(&app, PARTNER).await;
    let other = partner_of(&app, OTHER_PARTNER).await;
    queue(&app, own, "Booking AUR-1 moved", "Moved.", true).await;
    queue(&app, other, "Booking WEL-7 cancelled", "Cancelled.", true).await;

    for who in [CARE, ADMIN] {
        let staff = app.login(who).await;
        let doc = page(&app, &staff, paths::OUTBOX).await;
        assert_eq!(
            select_texts(&doc, "#outbox td.subject"),
            ["Booking WEL-7 cancelled", "Booking AUR-1 moved"],
            "{who} sees every partner's messages, newest first"
        );
        assert_eq!(
            select_texts(&doc, "#outbox td.partner"),
            ["Studio Wellness Kraków", "Salon Aurora"]
        );
        let doc = page(&app, &staff, &format!("/outbox?partner={own}")).await;
        assert_eq!(
            select_texts(&doc, "#outbox td.subject"),
            ["Booking AUR-1 moved"]
        );
        assert_eq!(
            select_attr(&doc, "#o-partner option[selected]", "value"),
            Some(own.to_string())
        );
        assert_eq!(
            app.get(&staff, "/outbox?partner=aurora").await.status(),
            400
        );
    }
    let care = app.login(CARE).await;
    let doc = page(&app, &care, "/").await;
    assert!(
        select_attr(&doc, "header nav a[href='/outbox']", "href").is_some(),
        "Partner Care's navigation leads here"
    );
}

async fn sales_reps_are_refused_the_outbox_and_visitors_are_sent_to_log_in(app: TestApp) {
    let own = partner_of(&app, PARTNER).await;
    queue(&app, own, "Booking AUR-1 moved", "Moved.", true).await;
    let sales = app.login(SALES).await;
    let response = app.get(&sales, paths::OUTBOX).await;
    assert_eq!(response.status(), 403);
    assert!(!response.text().await.expect("body").contains("AUR-1"));
    let anonymous = app.client();
    let response = app.get(&anonymous, paths::OUTBOX).await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .expect("ascii")
            .starts_with(paths::LOGIN)
    );
}

async fn the_outbox_shows_the_newest_first_a_page_at_a_time(app: TestApp) {
    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, paths::OUTBOX).await;
    assert_eq!(
        select_texts(&doc, "#outbox-empty"),
        ["No e-mails yet. A confirmation appears here as soon as the channel changes a booking."]
    );
    assert!(select_attr(&doc, "#outbox", "id").is_none());

    let own = partner_of(&app, PARTNER).await;
    for n in 1..=30 {
        queue(&app, own, &format!("Message {n}"), "Text.", true).await;
    }
    let doc = page(&app, &partner, paths::OUTBOX).await;
    let first: Vec<String> = (6..=30).rev().map(|n| format!("Message {n}")).collect();
    assert_eq!(select_texts(&doc, "#outbox td.subject"), first);
    assert_eq!(select_texts(&doc, "#outbox-count"), ["30 messages"]);
    assert_eq!(select_texts(&doc, ".pager .current"), ["1 / 2"]);
    let next = select_attr(&doc, ".pager a[rel=next]", "href").expect("a next page");
    assert_eq!(next, "/outbox?page=2");
    let doc = page(&app, &partner, &next).await;
    let rest: Vec<String> = (1..=5).rev().map(|n| format!("Message {n}")).collect();
    assert_eq!(select_texts(&doc, "#outbox td.subject"), rest);
    assert!(select_attr(&doc, ".pager a[rel=next]", "href").is_none());
    assert_eq!(
        select_attr(&doc, ".pager a[rel=prev]", "href").as_deref(),
        Some("/outbox?page=1")
    );
    // Past the last page shows the last page; a page that is not a number is a bad address.
    let doc = page(&app, &partner, "/outbox?page=9").await;
    assert_eq!(select_texts(&doc, "#outbox td.subject"), rest);
    assert_eq!(app.get(&partner, "/outbox?page=zero").await.status(), 400);
}

async fn a_message_goes_to_each_enabled_user_of_the_partner_and_to_nobody_else(app: TestApp) {
    let own = partner_of(&app, PARTNER).await;
    for (email, disabled) in [("owner@aurora.test", 0), ("left@aurora.test", 1)] {
        sqlx::query(
            "INSERT INTO users (email, password_hash, role, partner_id, disabled, created_at) \
             VALUES ($1, 'x', 'partner', $2, $3, $4)",
        )
        .bind(email)
        .bind(own)
        .bind(disabled)
        .bind(app.clock.now())
        .execute(app.db.pool())
        .await
        .expect("user added");
    }
    let ids = queue(&app, own, "Booking AUR-1 moved", "Moved.", false).await;
    assert_eq!(ids.len(), 2);
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT recipient, state, attempts FROM email_outbox WHERE partner_id = $1 ORDER BY id",
    )
    .bind(own)
    .fetch_all(app.db.pool())
    .await
    .expect("rows");
    assert_eq!(
        rows,
        [
            (PARTNER.to_string(), "pending".to_string(), 0),
            ("owner@aurora.test".to_string(), "pending".to_string(), 0),
        ]
    );

    // The third demo partner has no users: nothing is queued, nothing fails.
    let (lonely,): (i64,) = sqlx::query_as("SELECT id FROM partners WHERE name = $1")
        .bind("Masáže Vltava")
        .fetch_one(app.db.pool())
        .await
        .expect("the third demo partner");
    assert!(
        queue(&app, lonely, "Nobody", "Nobody.", true)
            .await
            .is_empty()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox").await,
        2,
        "only the two enabled users got a message"
    );
}

/// A stand-in SMTP server: answers each send with the next scripted result and remembers
/// whom it was asked to send to.
struct ScriptedMailer {
    answers: Mutex<Vec<Result<(), SendError>>>,
    sent_to: Mutex<Vec<String>>,
}

impl ScriptedMailer {
    fn new(mut answers: Vec<Result<(), SendError>>) -> Self {
        answers.reverse();
        ScriptedMailer {
            answers: Mutex::new(answers),
            sent_to: Mutex::new(vec![]),
        }
    }
}

#[async_trait]
impl Mailer for ScriptedMailer {
    async fn send(&self, email: &EmailRow) -> Result<(), SendError> {
        self.sent_to
            .lock()
            .expect("not poisoned")
            .push(email.recipient.clone());
        self.answers
            .lock()
            .expect("not poisoned")
            .pop()
            .expect("a scripted answer for every send")
    }
}

async fn a_failed_send_is_retried_with_backoff_then_given_up_and_every_outcome_is_audited(
    app: TestApp,
) {
    let own = partner_of(&app, PARTNER).await;
    let other = partner_of(&app, OTHER_PARTNER).await;
    let held = queue(&app, other, "Held", "Held.", true).await;
    let [id] = queue(&app, own, "Booking AUR-1 moved", "Moved.", false).await[..] else {
        panic!("one message for the one user");
    };
    let settings = Settings {
        retry_base_secs: 60,
        retry_max_secs: 3600,
        max_attempts: 3,
        ..Settings::default()
    };
    let owner = "test-sender";
    let busy = || Err(SendError::transient("421 4.7.0 try again later"));

    // First try fails: the message waits at least half the base delay, and the retry is audited.
    let mailer = ScriptedMailer::new(vec![busy()]);
    let report = mail::send_due(&app.db, &app.clock, &mailer, owner, &settings)
        .await
        .expect("a round");
    assert_eq!(report.retried, 1);
    assert_eq!(
        *mailer.sent_to.lock().expect("lock"),
        [PARTNER],
        "held ones are never sent"
    );
    let (state, attempts, next, error, _) = state_of(&app, id).await;
    let now = app.clock.now();
    assert_eq!((state.as_str(), attempts), ("pending", 1));
    assert!((now + 30..=now + 90).contains(&next), "{next} - {now}");
    assert_eq!(error.as_deref(), Some("421 4.7.0 try again later"));
    assert_eq!(audited(&app, "email.retry", "email", id).await, 1);

    // Not due yet: nothing is tried.
    let idle = ScriptedMailer::new(vec![]);
    let report = mail::send_due(&app.db, &app.clock, &idle, owner, &settings)
        .await
        .expect("a round");
    assert_eq!(report, mail::SendReport::default());

    // Second try fails again, later; the third and last one gives up.
    app.clock.advance(next - now);
    let mailer = ScriptedMailer::new(vec![busy()]);
    mail::send_due(&app.db, &app.clock, &mailer, owner, &settings)
        .await
        .expect("a round");
    let (_, attempts, later, _, _) = state_of(&app, id).await;
    assert_eq!(attempts, 2);
    assert!(later - app.clock.now() >= 60, "the delay grows");
    app.clock.advance(later - app.clock.now());
    let mailer = ScriptedMailer::new(vec![busy()]);
    let report = mail::send_due(&app.db, &app.clock, &mailer, owner, &settings)
        .await
        .expect("a round");
    assert_eq!(report.failed, 1);
    let (state, attempts, _, _, sent_at) = state_of(&app, id).await;
    assert_eq!((state.as_str(), attempts, sent_at), ("failed", 3, None));
    assert_eq!(audited(&app, "email.failed", "email", id).await, 1);

    // A message the server accepts is sent at once; one it refuses fails without retrying.
    let [ok] = queue(&app, own, "Second", "Second.", false).await[..] else {
        panic!("one message");
    };
    let [refused] = queue(&app, own, "Third", "Third.", false).await[..] else {
        panic!("one message");
    };
    let mailer = ScriptedMailer::new(vec![
        Ok(()),
        Err(SendError::permanent("550 5.1.1 no such mailbox")),
    ]);
    let report = mail::send_due(&app.db, &app.clock, &mailer, owner, &settings)
        .await
        .expect("a round");
    assert_eq!((report.sent, report.failed), (1, 1));
    let (state, attempts, _, error, sent_at) = state_of(&app, ok).await;
    assert_eq!((state.as_str(), attempts, error), ("sent", 1, None));
    assert_eq!(sent_at, Some(app.clock.now()));
    assert_eq!(audited(&app, "email.sent", "email", ok).await, 1);
    assert_eq!(state_of(&app, refused).await.0, "failed");
    assert_eq!(audited(&app, "email.failed", "email", refused).await, 1);
    assert_eq!(state_of(&app, held[0]).await.0, "held");

    // The partner reads the outcome on its page; the audit chain is intact.
    let partner = app.login(PARTNER).await;
    let doc = page(&app, &partner, paths::OUTBOX).await;
    assert_eq!(
        select_texts(&doc, "#outbox .state"),
        ["Not delivered", "Sent", "Not delivered"]
    );
    assert!(
        matches!(
            bookbridge::audit::verify(&app.db).await.expect("verify"),
            bookbridge::audit::Verdict::Intact { .. }
        ),
        "the audit chain holds"
    );
}
