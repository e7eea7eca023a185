//! What a procedure promises, and what the sync says while one runs (issue 14).

use bookbridge::domain::procedure::Params;
use bookbridge::sync::procedure::{self, Starter};

use super::{PARTNER_CARE, actor, free_slot, hooks, link_of, run_to_end, start, state_of};
use crate::common::TestApp;
use crate::common::world::{World, tomorrow};

/// Moving a rejected booking leaves it rejected: the verification says so and the case stays
/// open, instead of showing Resolved while the booking is re-flagged a minute later.
pub async fn a_case_settled_by_moving_a_rejected_booking_resolves_only_once_both_show_it_confirmed(
    app: TestApp,
) {
    let w = World::of(&app);
    let (_, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 30).await;
    let link = link_of(&app, &voucher).await;
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &booking, "rejected");
    w.settle().await;
    start(
        &app,
        &w,
        link,
        Params::Escalate {
            reason: "cannot honour".into(),
            proposal: "move it to the afternoon".into(),
        },
    )
    .await
    .expect("escalated");
    let (case_id,): (i64,) = sqlx::query_as("SELECT id FROM cases WHERE link_id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("case");
    let (care, care_id) = actor(&app, PARTNER_CARE).await;
    let (start_at, end_at) = free_slot(&w, &app, 0, 1).await;
    let op = procedure::start(
        &w.ctx,
        &hooks(),
        link,
        Params::Reschedule { start_at, end_at },
        &Starter {
            actor: &care,
            user_id: Some(care_id),
            request_id: None,
            case_id: Some(case_id),
        },
    )
    .await
    .expect("Partner Care starts the move");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "failed");
    let (_, _, error) = state_of(&app, op).await;
    let error = error.unwrap_or_default();
    assert!(error.contains("reservio shows it rejected"), "{error}");
    let (step, state): (String, String) = sqlx::query_as(
        "SELECT name, state FROM procedure_steps WHERE procedure_id = $1 AND state <> 'done' \
         ORDER BY position LIMIT 1",
    )
    .bind(op)
    .fetch_one(app.db.pool())
    .await
    .expect("the stopped step");
    assert_eq!((step.as_str(), state.as_str()), ("verify_time", "failed"));
    let (case_state,): (String,) = sqlx::query_as("SELECT state FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(app.db.pool())
        .await
        .expect("case");
    assert_ne!(case_state, "resolved", "not resolved by an unverified move");
}

/// While a cancellation runs, the voucher is cancelled before the calendar booking: that
/// in-between state is the procedure's own, and the history must not flap over it.
pub async fn a_running_cancellation_is_not_flagged_for_the_state_it_passes_through(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 31).await;
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "the customer asked".into(),
        },
    )
    .await
    .expect("started");
    for _ in 0..30 {
        procedure::run_one(&w.ctx, &hooks(), op)
            .await
            .expect("the runner runs");
        // The sync runs between every step, as the worker would.
        w.settle().await;
        if state_of(&app, op).await.0 == "completed" {
            break;
        }
        app.clock.advance(5);
    }
    assert_eq!(state_of(&app, op).await.0, "completed");
    w.settle().await;
    let flagged = app
        .count(&format!(
            "SELECT COUNT(*) FROM mismatches WHERE link_id = {link}"
        ))
        .await;
    assert_eq!(flagged, 0, "no mismatch opened and resolved on the way");
    let opened = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'mismatch.opened' \
             AND after_state LIKE '%status_differs%'",
        )
        .await;
    assert_eq!(opened, 0);
}

/// Issue 14 (partner language): a confirmation e-mail is written in the partner's language
/// (the admin's setting wins over a user's own choice) and gives the booking's time on the
/// partner's clock.
pub async fn a_confirmation_is_written_in_the_partners_language_and_on_its_clock(app: TestApp) {
    let w = World::of(&app);
    let start_at = tomorrow(&app) + 2 * crate::common::world::HOUR;
    let (_, voucher, _) = w.agreed_booking(0, start_at, 31).await;
    let link = link_of(&app, &voucher).await;
    let (partner_id,): (i64,) =
        sqlx::query_as("SELECT partner_id FROM booking_links WHERE id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("the link's partner");
    // A Polish-speaking partner on a clock one hour off Prague's (so that the test tells the
    // zones apart); one of its users chose Czech for their own pages.
    sqlx::query("UPDATE partners SET locale = 'pl', timezone = 'Europe/London' WHERE id = $1")
        .bind(partner_id)
        .execute(app.db.pool())
        .await
        .expect("partner settings");
    sqlx::query("UPDATE users SET locale = 'cs' WHERE partner_id = $1")
        .bind(partner_id)
        .execute(app.db.pool())
        .await
        .expect("a user's own language");
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "the customer asked".into(),
        },
    )
    .await
    .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let (subject, body): (String, String) =
        sqlx::query_as("SELECT subject, body FROM email_outbox WHERE procedure_id = $1 LIMIT 1")
            .bind(op)
            .fetch_one(app.db.pool())
            .await
            .expect("a confirmation is queued");
    let polish = |key: &str| bookbridge::i18n::text(bookbridge::i18n::Lang::Pl, key);
    assert!(
        subject.starts_with("Rezerwacja"),
        "Polish subject: {subject}"
    );
    let when = bookbridge::i18n::format::format_datetime(
        bookbridge::i18n::Lang::Pl,
        start_at,
        &bookbridge::i18n::format::time_zone("Europe/London"),
    );
    assert!(
        body.contains(&when),
        "the time on the partner's clock: {body}"
    );
    assert!(
        body.contains(
            polish("mail-booking-time")
                .split(':')
                .next()
                .expect("words")
        ),
        "{body}"
    );
    assert!(!body.contains("Rezervace"), "not the user's Czech: {body}");
}
