//! FAQ rule 2, cancel in both systems, the voucher first, never delete.

use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::{Params, Refusal};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::procedure::StartError;

use crate::common::procedure::*;
use crate::common::world::{DAY, HOUR, World, open_kind, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        cancel_cancels_the_voucher_first_then_the_calendar_booking_and_deletes_nothing,
        cancel_of_an_already_cancelled_voucher_starts_at_the_reservio_step,
        cancel_of_a_booking_cancelled_on_both_sides_is_refused,
    ]
}

// Rule 2.
async fn cancel_cancels_the_voucher_first_then_the_calendar_booking_and_deletes_nothing(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 1).await;
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
    assert_eq!(state_of(&app, op).await.0, "pending");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");

    assert_eq!(w.reservation(&reservation).status, BookingStatus::Cancelled);
    assert_eq!(reservio_state(&w, &voucher), "canceled");
    // Nothing deleted: both still list the booking.
    assert!(w.calendar_booking(&voucher).is_some());
    assert!(
        w.sandbox
            .termino
            .get_reservation(&w.partner.termino_partner_id, &reservation)
            .is_some()
    );
    // The voucher went first: its effect precedes the calendar's.
    let voucher_cancels: Vec<_> = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::CancelVoucher)
        .collect();
    assert_eq!(voucher_cancels.len(), 1, "{voucher_cancels:?}");
    let calendar_cancels = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| {
            e.booking_id == booking
                && matches!(&e.kind, ReservioEffect::StateChanged { to, .. } if to == "canceled")
        })
        .count();
    assert_eq!(calendar_cancels, 1);
    let steps = step_states(&app, op).await;
    assert!(steps.iter().all(|(_, s)| s == "done"), "{steps:?}");
    // Every step is in the audit trail, and the partner gets a confirmation (rule 6).
    let audited = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'operation' AND entity_id = '{op}' \
             AND action = 'operation.step_done'"
        ))
        .await;
    assert_eq!(audited, 4);
    assert!(emails_for(&app, op).await >= 1);
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM email_outbox WHERE procedure_id = $1")
            .bind(op)
            .fetch_one(app.db.pool())
            .await
            .expect("a confirmation is queued");
    assert!(body.contains("The channel cancelled voucher"), "{body}");
    assert!(
        body.contains("bookbridge cancelled the booking in Reservio"),
        "{body}"
    );
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_none());
}

// Rule 2, the common mismatch: the channel cancelled the voucher, the calendar still shows it.
async fn cancel_of_an_already_cancelled_voucher_starts_at_the_reservio_step(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 2).await;
    w.sandbox
        .termino
        .cancel_voucher_by_channel(&w.partner.termino_partner_id, &voucher)
        .expect("the channel cancels the voucher");
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_some());
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "voucher refunded".into(),
        },
    )
    .await
    .expect("started");
    let steps = step_states(&app, op).await;
    assert_eq!(steps[0], ("cancel_voucher".into(), "skipped".into()));
    assert_eq!(
        steps[1],
        ("confirm_voucher_cancelled".into(), "skipped".into())
    );
    assert_eq!(state_of(&app, op).await.1, 2, "starts at the Reservio step");
    let before = w.sandbox.termino.effects().len();
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    assert_eq!(
        w.sandbox.termino.effects().len(),
        before,
        "nothing more asked of Termino"
    );
    assert_eq!(reservio_state(&w, &voucher), "canceled");
    // Rule 6, told as it happened: the voucher was cancelled already, bookbridge cancelled the
    // calendar booking itself and read both back — nothing asks the partner to check Reservio.
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM email_outbox WHERE procedure_id = $1")
            .bind(op)
            .fetch_one(app.db.pool())
            .await
            .expect("a confirmation is queued");
    assert!(
        body.contains(&format!("Voucher {voucher} of "))
            && body.contains("was already cancelled in Termino"),
        "{body}"
    );
    assert!(
        body.contains("bookbridge cancelled the booking in Reservio"),
        "{body}"
    );
    assert!(body.contains("both show the booking cancelled"), "{body}");
    assert!(!body.contains("The channel cancelled"), "{body}");
    assert!(!body.contains("Please check"), "{body}");
    w.settle().await;
    assert!(open_kind(&app, "status_differs").await.is_none());
}

async fn cancel_of_a_booking_cancelled_on_both_sides_is_refused(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 3).await;
    let link = link_of(&app, &voucher).await;
    let op = start(&app, &w, link, Params::Cancel { reason: "x".into() })
        .await
        .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    w.settle().await;
    let again = start(&app, &w, link, Params::Cancel { reason: "x".into() }).await;
    assert!(
        matches!(again, Err(StartError::Refused(Refusal::AlreadyCancelled))),
        "{again:?}"
    );
    let moved = start(
        &app,
        &w,
        link,
        Params::Reschedule {
            start_at: tomorrow(&app) + DAY,
            end_at: tomorrow(&app) + DAY + HOUR,
        },
    )
    .await;
    assert!(
        matches!(moved, Err(StartError::Refused(Refusal::Cancelled))),
        "{moved:?}"
    );
}
