//! A booking on one side only: created on the other when the rules say so, flagged past the grace
//! period; a booking that vanished is never re-created (rule 2: never delete).

use super::*;
use System::{Reservio, Termino};

const GRACE: i64 = 15 * MINUTE;

#[test]
fn a_booking_made_in_termino_is_created_in_reservio_at_once() {
    let link = new_link_from(Termino);
    let outcome = reconcile_at(&link, CREATED);
    assert_eq!(outcome.pushes, vec![Push::Create { to: Reservio }]);
    assert!(outcome.findings.is_empty(), "within the grace period");
    assert_eq!(outcome.new_base, None);
}

#[test]
fn a_voucher_booking_made_in_reservio_is_created_in_termino() {
    let link = new_link_from(Reservio);
    let outcome = reconcile_at(&link, CREATED + MINUTE);
    assert_eq!(outcome.pushes, vec![Push::Create { to: Termino }]);
}

#[test]
fn a_missing_side_within_the_grace_period_is_not_flagged() {
    let link = new_link_from(Termino);
    assert!(reconcile_at(&link, CREATED + GRACE).findings.is_empty());
}

#[test]
fn a_missing_side_past_the_grace_period_is_flagged_while_it_is_being_created() {
    for origin in System::BOTH {
        let missing = origin.other();
        let link = new_link_from(origin);
        let outcome = reconcile_at(&link, CREATED + GRACE + 1);
        assert_eq!(outcome.kinds(), vec![MismatchKind::missing_in(missing)]);
        let finding = &outcome.findings[0];
        assert_eq!(finding.severity, Severity::High);
        assert!(
            finding
                .detail
                .contains(&format!("being created in {missing}")),
            "{finding:?}"
        );
        assert_eq!(outcome.pushes, vec![Push::Create { to: missing }]);
    }
}

#[test]
fn a_create_already_in_the_outbox_is_not_pushed_twice() {
    let mut link = new_link_from(Termino);
    link.pending_pushes = true;
    let outcome = reconcile_at(&link, CREATED + MINUTE);
    assert!(outcome.pushes.is_empty());
}

#[test]
fn a_missing_origin_side_is_flagged_but_never_created_because_it_should_already_exist() {
    // Seen in termino, but the link says the booking was made in reservio: it is only not read
    // yet (or lost); creating it again could double it for good.
    let mut link = new_link_from(Termino);
    link.origin = Reservio;
    assert!(reconcile_at(&link, CREATED + MINUTE).pushes.is_empty());
    let outcome = reconcile_at(&link, CREATED + GRACE + 1);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.kinds(), vec![MismatchKind::MissingInReservio]);
    assert!(outcome.findings[0].detail.contains("not created again"));
}

#[test]
fn a_cancelled_booking_is_neither_created_on_the_other_side_nor_flagged_missing() {
    let mut link = new_link_from(Termino);
    snapshot_mut(&mut link, Termino).status = BookingStatus::Cancelled;
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert!(outcome.findings.is_empty());
}

#[test]
fn a_rejected_or_pending_booking_is_still_created_on_the_other_side() {
    for status in [BookingStatus::Rejected, BookingStatus::Pending] {
        let mut link = new_link_from(Reservio);
        snapshot_mut(&mut link, Reservio).status = status;
        link.has_open_care_case = true;
        let outcome = reconcile_at(&link, CREATED + MINUTE);
        assert_eq!(
            outcome.pushes,
            vec![Push::Create { to: Termino }],
            "{status:?}"
        );
    }
}

#[test]
fn a_link_seen_on_neither_side_is_flagged_missing_on_both_and_creates_nothing() {
    let mut link = new_link_from(Termino);
    link.sides.termino = Side::NotYetSeen;
    assert!(reconcile_at(&link, CREATED).findings.is_empty());
    let outcome = reconcile_at(&link, CREATED + GRACE + 1);
    assert!(outcome.pushes.is_empty());
    assert_eq!(
        outcome.kinds(),
        vec![
            MismatchKind::MissingInReservio,
            MismatchKind::MissingInTermino
        ]
    );
}

#[test]
fn a_created_counterpart_settles_into_an_agreed_link_with_a_base() {
    for origin in System::BOTH {
        let (settled, outcome) = settle(new_link_from(origin), CREATED);
        assert!(outcome.findings.is_empty());
        assert_eq!(outcome.new_base, Some(Base::of(&booking())));
        assert_eq!(settled.side(origin.other()), &Side::Present(booking()));
    }
}

#[test]
fn a_booking_deleted_in_reservio_is_critical_and_never_recreated() {
    let mut link = agreed_link();
    link.sides.reservio = Side::Vanished { since: NOW - HOUR };
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty(), "never re-created");
    assert_eq!(outcome.kinds(), vec![MismatchKind::DeletedRemotely]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::Critical);
    assert!(
        finding.detail.contains("vanished from reservio"),
        "{finding:?}"
    );
    assert_eq!(outcome.new_base, link.base);
}

#[test]
fn a_booking_deleted_in_termino_is_critical_and_never_recreated_even_for_the_origin() {
    let mut link = agreed_link();
    link.origin = Reservio;
    link.sides.termino = Side::Vanished { since: NOW - HOUR };
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.kinds(), vec![MismatchKind::DeletedRemotely]);
}

#[test]
fn a_cancelled_booking_that_is_then_deleted_is_still_flagged_because_deletes_are_forbidden() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Termino).status = BookingStatus::Cancelled;
    link.sides.reservio = Side::Vanished { since: NOW - HOUR };
    assert_eq!(
        reconcile_now(&link).kinds(),
        vec![MismatchKind::DeletedRemotely]
    );
}

#[test]
fn bookings_deleted_on_both_sides_are_reported_once() {
    let mut link = agreed_link();
    link.sides.reservio = Side::Vanished { since: NOW - HOUR };
    link.sides.termino = Side::Vanished {
        since: NOW - 2 * HOUR,
    };
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::DeletedRemotely]);
    let detail = &outcome.findings[0].detail;
    assert!(
        detail.contains("reservio") && detail.contains("termino"),
        "{detail}"
    );
}

#[test]
fn a_deleted_side_does_not_hide_a_silent_rejection_on_the_other() {
    let mut link = agreed_link();
    link.sides.termino = Side::Vanished { since: NOW - HOUR };
    snapshot_mut(&mut link, Reservio).status = BookingStatus::Rejected;
    assert_eq!(
        reconcile_now(&link).kinds(),
        vec![
            MismatchKind::RejectedWithoutCare,
            MismatchKind::DeletedRemotely
        ]
    );
}

#[test]
fn a_deleted_side_keeps_the_clock_and_the_base_as_they_were() {
    let mut link = agreed_link();
    link.change_pending_since = Some(NOW - 10 * MINUTE);
    link.sides.termino = Side::Vanished { since: NOW };
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.change_pending_since, Some(NOW - 10 * MINUTE));
    assert_eq!(outcome.new_base, link.base);
}
