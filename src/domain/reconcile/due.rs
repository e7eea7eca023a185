//! When a link must be looked at again though nothing about it changes: the checks that depend
//! on the time alone. Everything else that can change an outcome — a snapshot, a push, a case,
//! a procedure, a mismatch, an accepted difference, a service mapping — marks the link itself
//! when it is written.

use super::model::{LinkView, Outcome, Policy, Side};
use crate::domain::booking::{BookingStatus, System};

/// The earliest instant after `now` at which the merge could decide differently for
/// this link with nothing else changing, given the outcome just applied; `None` when no time
/// alone will ever change it. Each check flags once `now - since > limit`, so it falls due at
/// `since + limit + 1`.
pub fn next_check_at(link: &LinkView, outcome: &Outcome, now: i64, policy: &Policy) -> Option<i64> {
    let sides: Vec<&Side> = System::BOTH.into_iter().map(|s| link.side(s)).collect();
    let any_cancelled = sides.iter().any(|side| {
        side.snapshot()
            .is_some_and(|s| s.status == BookingStatus::Cancelled)
    });
    let mut due = vec![];
    // A side not seen yet: `missing_in_…` after the grace period.
    if sides.iter().any(|side| matches!(side, Side::NotYetSeen)) {
        due.push(link.created_at + policy.missing_grace_secs + 1);
    }
    // A booking awaiting the partner's answer: `unanswered` after its limit (rule 4).
    let pending = sides.iter().any(|side| {
        side.snapshot()
            .is_some_and(|s| s.status == BookingStatus::Pending)
    });
    if pending && !any_cancelled && !link.has_open_care_case {
        due.push(link.created_at + policy.unanswered_after_secs + 1);
    }
    // A change on its way: overdue after the channel's "about an hour".
    if let Some(since) = outcome.change_pending_since {
        due.push(since + policy.propagation_sla_secs + 1);
    }
    due.into_iter().filter(|at| *at > now).min()
}

#[cfg(test)]
mod tests {
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
            reservio,
            termino,
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
}
