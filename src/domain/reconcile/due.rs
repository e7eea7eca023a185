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
