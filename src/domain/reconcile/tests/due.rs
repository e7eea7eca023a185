//! When a link falls due for a look though nothing about it changes (`next_check_at`): at
//! exactly the instant reconcile would decide differently.

use super::*;
use crate::domain::booking::Customer;
use crate::domain::reconcile::{Base, Snapshot, reconcile};

fn snapshot(status: BookingStatus, start_at: i64) -> Snapshot {
    Snapshot {
        start_at,
        end_at: start_at + 3600,
        service: Some("s".into()),
        customer: Customer::default(),
        status,
        self_rescheduled: false,
    }
}

fn link(reservio: Side, termino: Side) -> LinkView {
    LinkView {
        base: None,
        sides: Sides::new(reservio, termino),
        origin: System::Termino,
        created_at: 1_000,
        change_pending_since: None,
        has_open_care_case: false,
        pending_pushes: false,
    }
}

/// Reconciling at `next_check_at` decides differently from reconciling just before it, and
/// nothing changes between `now` and just before it.
fn assert_due_exactly(view: &LinkView, now: i64) -> i64 {
    let policy = Policy::default();
    let first = reconcile(view, now, &policy);
    let at = next_check_at(view, &first, now, &policy).expect("a check falls due");
    assert_eq!(reconcile(view, at - 1, &policy).findings, first.findings);
    assert_ne!(reconcile(view, at, &policy).findings, first.findings);
    at
}

#[test]
fn a_missing_side_falls_due_when_its_grace_period_ends() {
    let view = link(
        Side::NotYetSeen,
        Side::Present(snapshot(BookingStatus::Confirmed, 9_000)),
    );
    let at = assert_due_exactly(&view, 1_000);
    assert_eq!(at, 1_000 + Policy::default().missing_grace_secs + 1);
}

#[test]
fn an_unanswered_booking_falls_due_when_its_day_is_over() {
    let pending = Side::Present(snapshot(BookingStatus::Pending, 9_000));
    let view = link(pending.clone(), pending);
    let at = assert_due_exactly(&view, 2_000);
    assert_eq!(at, 1_000 + Policy::default().unanswered_after_secs + 1);
}

#[test]
fn a_change_on_its_way_falls_due_when_the_hour_is_over() {
    let mut view = link(
        Side::Present(snapshot(BookingStatus::Confirmed, 9_000)),
        Side::Present(snapshot(BookingStatus::Confirmed, 12_000)),
    );
    view.base = Some(Base::of(&snapshot(BookingStatus::Confirmed, 9_000)));
    view.pending_pushes = true;
    let outcome = reconcile(&view, 5_000, &Policy::default());
    assert_eq!(outcome.change_pending_since, Some(5_000));
    view.change_pending_since = Some(5_000);
    let at = assert_due_exactly(&view, 5_000);
    assert_eq!(at, 5_000 + Policy::default().propagation_sla_secs + 1);
}

#[test]
fn a_link_in_agreement_never_falls_due_by_time_alone() {
    let confirmed = Side::Present(snapshot(BookingStatus::Confirmed, 9_000));
    let mut view = link(confirmed.clone(), confirmed);
    view.base = Some(Base::of(&snapshot(BookingStatus::Confirmed, 9_000)));
    let outcome = reconcile(&view, 5_000, &Policy::default());
    assert_eq!(
        next_check_at(&view, &outcome, 5_000, &Policy::default()),
        None
    );
}
