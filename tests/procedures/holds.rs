//! Procedure steps that would write wait while the connection writes nothing: in observe mode
//! they are recorded as "would do" and go once the connection is live; when a system refuses
//! the credentials the step waits for new ones — neither ever gives up or fails. A move
//! Reservio will not take through its API (`PATCH /events/{id}` refused) becomes a step the
//! partner does in Reservio's own calendar, which the procedure waits for and reads back.

use bookbridge::domain::procedure::{HELD_CREDENTIALS, HELD_OBSERVE, MOVE_BY_HAND, Params};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::reservio::listing::ListingQuirks;

use crate::common::world::{HOUR, World, tomorrow};
use crate::common::{self, TestApp, TestFn, html, select_texts};
use crate::{free_slot, link_of, run_to_end, start, state_of};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    crate::tests![
        in_observe_mode_a_cancellation_waits_at_its_first_write_as_would_do_and_finishes_once_live,
        a_refused_token_holds_the_cancellation_at_the_calendar_step_until_new_credentials_arrive,
        a_move_reservio_refuses_is_made_by_hand_in_its_calendar_then_verified_and_carried_to_termino,
    ]
}

async fn step_wait(app: &TestApp, op: i64) -> Option<(String, String)> {
    sqlx::query_as(
        "SELECT name, error FROM procedure_steps WHERE procedure_id = $1 AND error IS NOT NULL AND state = 'pending'",
    )
    .bind(op)
    .fetch_optional(app.db.pool())
    .await
    .expect("steps")
}

async fn in_observe_mode_a_cancellation_waits_at_its_first_write_as_would_do_and_finishes_once_live(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 61).await;
    sqlx::query("UPDATE connections SET observe = 1 WHERE id = $1")
        .bind(w.partner.connection_id)
        .execute(app.db.pool())
        .await
        .expect("observe");
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "asked".into(),
        },
    )
    .await
    .expect("started");
    let termino_before = w.sandbox.termino.effects().len();
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "waiting");
    assert_eq!(
        step_wait(&app, op).await,
        Some(("cancel_voucher".into(), HELD_OBSERVE.into())),
        "it waits at the voucher's cancellation, never giving up"
    );
    assert_eq!(w.sandbox.termino.effects().len(), termino_before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'operation.step_would_do'")
            .await,
        1,
        "recorded once"
    );
    let partner = app.login("partner@demo.test").await;
    let page = html(app.get(&partner, &format!("/procedures/{op}")).await).await;
    let shown = select_texts(&page, "body").join(" ");
    assert!(shown.contains("would do this step"), "the page says so");

    sqlx::query("UPDATE connections SET observe = 0 WHERE id = $1")
        .bind(w.partner.connection_id)
        .execute(app.db.pool())
        .await
        .expect("live");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    assert_eq!(
        w.reservation(&reservation).status,
        bookbridge::domain::BookingStatus::Cancelled
    );
}

async fn a_refused_token_holds_the_cancellation_at_the_calendar_step_until_new_credentials_arrive(
    app: TestApp,
) {
    let w = World::of(&app);
    let (_, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 62).await;
    let link = link_of(&app, &voucher).await;
    w.sandbox
        .reservio
        .add_business(&w.partner.business_id, "tok-new-62");
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "asked".into(),
        },
    )
    .await
    .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "waiting");
    assert_eq!(
        step_wait(&app, op).await,
        Some(("cancel_reservio".into(), HELD_CREDENTIALS.into()))
    );
    assert_eq!(state_of(&app, op).await.0, "waiting", "not failed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM connections WHERE credentials_expired_at IS NOT NULL")
            .await,
        1
    );
    let partner = app.login("partner@demo.test").await;
    let answer = app
        .post_form(
            &partner,
            "/connection",
            &format!("/connection/{}/credentials", w.partner.connection_id),
            &[("kind", "token"), ("token", "tok-new-62")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let cancels = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| {
            e.booking_id == booking
                && matches!(&e.kind, ReservioEffect::StateChanged { to, .. } if to == "canceled")
        })
        .count();
    assert_eq!(cancels, 1);
}

async fn a_move_reservio_refuses_is_made_by_hand_in_its_calendar_then_verified_and_carried_to_termino(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 63).await;
    let link = link_of(&app, &voucher).await;
    // The booking was made in the calendar: rule 3 moves it there.
    sqlx::query("UPDATE booking_links SET origin_system = 'reservio' WHERE id = $1")
        .bind(link)
        .execute(app.db.pool())
        .await
        .expect("origin");
    w.sandbox.reservio.set_listing(ListingQuirks {
        event_patch_refused: true,
        ..ListingQuirks::default()
    });
    let (start_at, end_at) = free_slot(&w, &app, 0, 2).await;
    let op = start(&app, &w, link, Params::Reschedule { start_at, end_at })
        .await
        .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "waiting");
    assert_eq!(
        step_wait(&app, op).await,
        Some(("apply_time".into(), MOVE_BY_HAND.into())),
        "the partner is asked to move it in Reservio's own calendar"
    );
    let partner = app.login("partner@demo.test").await;
    let page = html(app.get(&partner, &format!("/procedures/{op}")).await).await;
    assert!(
        select_texts(&page, "body")
            .join(" ")
            .contains("in Reservio's own calendar"),
        "the procedure page says what to do"
    );
    // Still waiting after a while: it reads Reservio back, it does not give up.
    app.clock.advance(HOUR);
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "waiting");
    // The partner drags it in the calendar: verified, carried to Termino, completed.
    assert!(
        w.sandbox
            .reservio
            .staff_move(&w.partner.business_id, &booking, start_at, end_at)
    );
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let r = w.reservation(&reservation);
    assert_eq!((r.start_at, r.end_at), (start_at, end_at));
    assert_eq!(
        w.sandbox
            .reservio
            .effects()
            .iter()
            .filter(|e| e.kind == ReservioEffect::Moved)
            .count(),
        0,
        "bookbridge never moved it through the API"
    );
}
