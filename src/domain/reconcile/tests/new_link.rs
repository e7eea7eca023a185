//! A new link has no base yet: the origin's values win until both sides agree once.

use super::*;
use System::{Reservio, Termino};

/// A new link with both sides present, as first seen.
fn new_pair(origin: System) -> LinkView {
    let mut link = agreed_link();
    link.base = None;
    link.origin = origin;
    link
}

#[test]
fn a_new_link_whose_sides_agree_gets_its_base() {
    let outcome = reconcile_at(&new_pair(Termino), CREATED + MINUTE);
    assert!(outcome.pushes.is_empty());
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.new_base, Some(Base::of(&booking())));
}

#[test]
fn a_new_link_pushes_the_origins_time_to_the_other_side() {
    for origin in System::BOTH {
        let mut link = new_pair(origin);
        move_to(&mut link, origin, at(9, 0));
        let outcome = reconcile_at(&link, CREATED + MINUTE);
        assert_eq!(
            outcome.pushes,
            vec![time_push(origin.other(), at(9, 0), at(10, 0))],
            "origin {origin}"
        );
        assert_eq!(outcome.new_base, None, "no base before the sides agree");
        assert_eq!(outcome.change_pending_since, Some(CREATED + MINUTE));
    }
}

#[test]
fn a_new_link_pushes_the_origins_customer_even_if_the_other_side_looks_newer() {
    let mut link = new_pair(Reservio);
    snapshot_mut(&mut link, Termino).customer.name = "Jana N.".into();
    let outcome = reconcile_at(&link, CREATED + MINUTE);
    assert_eq!(outcome.pushes, vec![customer_push(Termino, jana())]);
    assert_eq!(outcome.new_base, None);
}

#[test]
fn a_new_link_gets_no_base_until_the_customer_agrees_too() {
    let mut link = new_pair(Termino);
    snapshot_mut(&mut link, Reservio).customer.email = "other@example.test".into();
    assert_eq!(reconcile_at(&link, CREATED + MINUTE).new_base, None);
}

#[test]
fn a_new_links_base_takes_the_origins_service_and_status_where_the_sides_differ() {
    let mut link = new_pair(Termino);
    snapshot_mut(&mut link, Reservio).service = Some("svc-facial".into());
    snapshot_mut(&mut link, Reservio).status = BookingStatus::Pending;
    let outcome = reconcile_at(&link, CREATED + MINUTE);
    assert_eq!(outcome.kinds(), vec![MismatchKind::ServiceDiffers]);
    let base = outcome.new_base.expect("time and customer agree");
    assert_eq!(base.service.as_deref(), Some("svc-massage"));
    assert_eq!(base.status, BookingStatus::Confirmed);
}

#[test]
fn a_new_link_cancelled_on_both_sides_gets_the_origins_booking_as_its_base() {
    let mut link = new_pair(Reservio);
    snapshot_mut(&mut link, Reservio).status = BookingStatus::Cancelled;
    snapshot_mut(&mut link, Termino).status = BookingStatus::Cancelled;
    move_to(&mut link, Termino, at(18, 0));
    let outcome = reconcile_at(&link, CREATED + MINUTE);
    assert!(outcome.pushes.is_empty());
    let base = outcome.new_base.expect("both cancelled is agreement");
    assert_eq!(base.status, BookingStatus::Cancelled);
    assert_eq!(base.start_at, at(10, 0), "the origin's");
}

#[test]
fn a_new_link_that_never_converges_is_flagged_after_the_hour() {
    let mut link = new_pair(Termino);
    move_to(&mut link, Reservio, at(9, 0));
    snapshot_mut(&mut link, Reservio).customer.phone = "+420608111222".into();
    link.change_pending_since = Some(CREATED);
    let outcome = reconcile_at(&link, CREATED + 2 * HOUR);
    assert_eq!(
        outcome.kinds(),
        vec![MismatchKind::TimeDiffers, MismatchKind::CustomerDiffers]
    );
    assert_eq!(
        outcome.pushes.len(),
        2,
        "pushed again: the outbox is idempotent"
    );
}

#[test]
fn a_new_link_settles_on_the_origins_values() {
    for origin in System::BOTH {
        let mut link = new_pair(origin);
        move_to(&mut link, origin.other(), at(17, 0));
        snapshot_mut(&mut link, origin.other()).customer.phone = "+420608111222".into();
        let (settled, outcome) = settle(link, CREATED + MINUTE);
        assert!(outcome.findings.is_empty());
        assert_eq!(
            outcome.new_base,
            Some(Base::of(&booking())),
            "origin {origin}"
        );
        assert_eq!(settled.side(origin.other()), &Side::Present(booking()));
    }
}
