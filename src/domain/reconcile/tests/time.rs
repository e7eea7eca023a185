//! Rule 3: a date change made in one system propagates to the other, within about an hour.

use super::*;
use System::{Reservio, Termino};

#[test]
fn a_date_change_in_reservio_is_pushed_to_termino() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    let outcome = reconcile_now(&link);
    assert_eq!(
        outcome.pushes,
        vec![time_push(Termino, at(14, 0), at(15, 0))]
    );
    assert!(outcome.findings.is_empty());
}

#[test]
fn a_date_change_in_termino_is_pushed_to_reservio() {
    let mut link = agreed_link();
    move_to(&mut link, Termino, at(16, 0));
    let outcome = reconcile_now(&link);
    assert_eq!(
        outcome.pushes,
        vec![time_push(Reservio, at(16, 0), at(17, 0))]
    );
}

#[test]
fn the_customers_own_reschedule_in_termino_is_pushed_to_reservio_like_any_date_change() {
    let mut link = agreed_link();
    move_to(&mut link, Termino, at(9, 0));
    snapshot_mut(&mut link, Termino).self_rescheduled = true;
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes[0].target(), Reservio);
    assert!(outcome.findings.is_empty());
}

#[test]
fn a_date_change_propagates_whichever_system_the_booking_was_created_in() {
    for origin in System::BOTH {
        for changed in System::BOTH {
            let mut link = agreed_link();
            link.origin = origin;
            move_to(&mut link, changed, at(12, 0));
            let outcome = reconcile_now(&link);
            assert_eq!(
                outcome.pushes,
                vec![time_push(changed.other(), at(12, 0), at(13, 0))],
                "origin {origin}, changed in {changed}"
            );
        }
    }
}

#[test]
fn a_longer_appointment_is_a_date_change_too() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).end_at = at(11, 30);
    let outcome = reconcile_now(&link);
    assert_eq!(
        outcome.pushes,
        vec![time_push(Termino, at(10, 0), at(11, 30))]
    );
}

#[test]
fn a_pushed_date_keeps_the_old_base_until_the_other_side_confirms_it() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.new_base, link.base);
    assert_eq!(outcome.change_pending_since, Some(NOW));
}

#[test]
fn once_both_sides_show_the_new_date_it_becomes_the_base_and_nothing_is_on_its_way() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(14, 0));
    link.change_pending_since = Some(NOW - 10 * MINUTE);
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.change_pending_since, None);
    let base = outcome.new_base.expect("the link had a base");
    assert_eq!((base.start_at, base.end_at), (at(14, 0), at(15, 0)));
}

#[test]
fn changes_on_both_sides_to_the_same_time_become_the_new_base_without_a_push() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(8, 0));
    move_to(&mut link, Termino, at(8, 0));
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert!(outcome.findings.is_empty());
    assert_eq!(
        outcome.new_base.map(|b| b.start_at),
        Some(at(8, 0)),
        "moved on"
    );
}

#[test]
fn changes_on_both_sides_to_different_times_are_a_conflict_and_nothing_is_overwritten() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(16, 0));
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty(), "nothing is overwritten");
    assert_eq!(outcome.kinds(), vec![MismatchKind::Conflict]);
    let detail = &outcome.findings[0].detail;
    assert!(detail.contains("2026-11-30 14:00Z"), "{detail}");
    assert!(detail.contains("2026-11-30 16:00Z"), "{detail}");
    assert!(detail.contains("agreed 2026-11-30 10:00Z"), "{detail}");
    assert_eq!(
        outcome.new_base, link.base,
        "the base stays what was agreed"
    );
}

#[test]
fn a_conflict_with_the_customers_self_reschedule_says_so() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(16, 0));
    snapshot_mut(&mut link, Termino).self_rescheduled = true;
    let outcome = reconcile_now(&link);
    let conflict = outcome.finding(MismatchKind::Conflict).expect("a conflict");
    assert!(conflict.detail.contains("self-reschedule"), "{conflict:?}");
}

#[test]
fn a_conflict_stops_the_propagation_clock_because_a_person_must_decide() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(16, 0));
    link.change_pending_since = Some(NOW - 3 * HOUR);
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.change_pending_since, None);
    assert_eq!(outcome.finding(MismatchKind::TimeDiffers), None);
}

#[test]
fn a_change_still_crossing_over_within_the_hour_raises_nothing() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - 59 * MINUTE);
    link.pending_pushes = true;
    let outcome = reconcile_now(&link);
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.change_pending_since, Some(NOW - 59 * MINUTE));
}

#[test]
fn a_change_still_crossing_over_after_an_hour_becomes_time_differs() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - HOUR - 1);
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::TimeDiffers]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::High);
    assert!(
        finding.detail.contains("reservio 2026-11-30 14:00Z"),
        "{finding:?}"
    );
    assert!(
        finding.detail.contains("termino 2026-11-30 10:00Z"),
        "{finding:?}"
    );
}

#[test]
fn exactly_one_hour_is_still_within_the_sla() {
    let mut link = agreed_link();
    move_to(&mut link, Termino, at(14, 0));
    link.change_pending_since = Some(NOW - HOUR);
    assert!(reconcile_now(&link).findings.is_empty());
}

#[test]
fn an_overdue_change_is_pushed_again_when_the_outbox_has_nothing_left() {
    // The push "succeeded" but the other side still shows the old time: try again (the outbox
    // key makes it idempotent) and let people see it.
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - 2 * HOUR);
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes.len(), 1);
    assert_eq!(outcome.kinds(), vec![MismatchKind::TimeDiffers]);
    assert_eq!(outcome.change_pending_since, Some(NOW - 2 * HOUR));
}

#[test]
fn a_change_already_in_the_outbox_is_not_pushed_twice() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - 5 * MINUTE);
    link.pending_pushes = true;
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.change_pending_since, Some(NOW - 5 * MINUTE));
}

#[test]
fn a_change_waiting_behind_another_push_still_starts_the_clock() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.pending_pushes = true;
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.change_pending_since, Some(NOW));
}

#[test]
fn a_second_push_keeps_the_clock_of_the_first() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - 20 * MINUTE);
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes.len(), 1);
    assert_eq!(outcome.change_pending_since, Some(NOW - 20 * MINUTE));
}

#[test]
fn a_date_change_settles_with_both_sides_and_the_base_on_the_new_time() {
    for changed in System::BOTH {
        let mut link = agreed_link();
        move_to(&mut link, changed, at(15, 0));
        let (settled, outcome) = settle(link, NOW);
        assert!(outcome.findings.is_empty());
        assert_eq!(outcome.change_pending_since, None);
        let base = outcome.new_base.expect("a base");
        assert_eq!(base.start_at, at(15, 0));
        for system in System::BOTH {
            assert_eq!(
                settled.side(system).snapshot().map(|s| s.start_at),
                Some(at(15, 0))
            );
        }
    }
}
