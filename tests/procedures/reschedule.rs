//! FAQ rule 3, move it where it was made.

use bookbridge::domain::procedure::{Params, SlotProblem};
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::procedure::StartError;

use crate::common::procedure::*;
use crate::common::world::{HOUR, World, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        reschedule_moves_the_booking_where_it_was_made_and_sync_carries_it_over,
        reschedule_refuses_a_past_a_taken_and_a_closed_slot,
    ]
}

// Rule 3.
async fn reschedule_moves_the_booking_where_it_was_made_and_sync_carries_it_over(app: TestApp) {
    let w = World::of(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, tomorrow(&app), 4).await;
    let link = link_of(&app, &voucher).await;
    let (start_at, end_at) = free_slot(&w, &app, 0, 1).await;
    let op = start(&app, &w, link, Params::Reschedule { start_at, end_at })
        .await
        .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");
    let r = w.reservation(&reservation);
    assert_eq!((r.start_at, r.end_at), (start_at, end_at));
    assert!(
        !r.self_rescheduled,
        "a partner's move is not the customer's"
    );
    let b = w.calendar_booking(&voucher).expect("booking");
    assert_eq!((b.start_at, b.end_at), (start_at, end_at));
    // Applied once in Termino (where the voucher was redeemed), carried once to Reservio.
    let reschedules = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::Reschedule)
        .count();
    assert_eq!(reschedules, 1);
    let moves = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| e.kind == ReservioEffect::Moved)
        .count();
    assert_eq!(moves, 1);
    w.settle().await;
    let open = app
        .count("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
        .await;
    assert_eq!(open, 0);
}

async fn reschedule_refuses_a_past_a_taken_and_a_closed_slot(app: TestApp) {
    let w = World::of(&app);
    let first = tomorrow(&app);
    let (_, voucher, _) = w.agreed_booking(0, first, 5).await;
    let (_, _, duration) = w.offer(0);
    let other = first + 2 * HOUR;
    w.agreed_booking(0, other, 6).await;
    let link = link_of(&app, &voucher).await;
    let now = app.clock.now();
    let cases = [
        ((now - HOUR, now - HOUR + duration), SlotProblem::Past),
        ((other, other + duration), SlotProblem::Taken),
        (
            (first + 18 * HOUR, first + 18 * HOUR + duration),
            SlotProblem::NotOffered,
        ),
    ];
    for ((start_at, end_at), problem) in cases {
        let refused = start(&app, &w, link, Params::Reschedule { start_at, end_at }).await;
        assert!(
            matches!(refused, Err(StartError::Slot(p)) if p == problem),
            "{problem:?}: {refused:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM procedures").await, 0);
}
