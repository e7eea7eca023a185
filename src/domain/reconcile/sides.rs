//! Checks that look at each side on its own: is it there, was it deleted, has the partner
//! answered it.

use super::model::{Draft, LinkView, Policy, Push, Side, instant};
use crate::domain::booking::{BookingStatus, System};
use crate::domain::mismatch::MismatchKind;

/// Vanished sides (`deleted_remotely`), missing sides (`missing_in_…`) and the creation of a
/// missing counterpart.
pub(super) fn check_presence(link: &LinkView, now: i64, policy: &Policy, draft: &mut Draft) {
    for system in System::BOTH {
        match link.side(system) {
            Side::Present(_) => {}
            // Rule 2 forbids deletes, so a vanished booking is never re-created: the customer
            // may have been told something we cannot see, and a person must find out what.
            Side::Vanished { since } => draft.flag(
                MismatchKind::DeletedRemotely,
                format!(
                    "the booking vanished from {system} (noticed {}); deletes are forbidden, \
                     so it is not re-created automatically",
                    instant(*since)
                ),
            ),
            Side::NotYetSeen => check_missing(link, system, now, policy, draft),
        }
    }
}

fn check_missing(link: &LinkView, missing: System, now: i64, policy: &Policy, draft: &mut Draft) {
    let other = missing.other();
    let present = link.side(other).snapshot();
    // A cancelled booking needs no counterpart: nobody will turn up for it and there is nothing
    // on the missing side to cancel, so creating or flagging one would only make work.
    if present.is_some_and(|snapshot| snapshot.status == BookingStatus::Cancelled) {
        return;
    }
    // Only the origin's counterpart is created. If the origin itself is the missing side, the
    // booking should already exist there and has merely not been read yet (or was lost): creating
    // it could double it, and a double can never be cleaned up because deletes are forbidden.
    // Created at once, not after the grace period, so the slot is blocked in the other calendar
    // before someone else books it; the outbox's idempotency key makes a repeat harmless.
    let creates = present.is_some() && other == link.origin;
    if creates && !link.pending_pushes {
        draft.pushes.push(Push::Create { to: missing });
    }
    if now - link.created_at > policy.missing_grace_secs {
        let detail = if creates {
            format!("seen in {other} only; being created in {missing}")
        } else if present.is_some() {
            format!(
                "seen in {other} only, but it was created in {missing}: it should exist there, \
                 so it is not created again automatically"
            )
        } else {
            format!("not seen in {missing}, nor in {other}")
        };
        draft.flag(MismatchKind::missing_in(missing), detail);
    }
}

/// Rule 4: a rejected or unanswered booking still counts, so it is flagged until the partner has
/// told Partner Care (an open case).
pub(super) fn check_answers(link: &LinkView, now: i64, policy: &Policy, draft: &mut Draft) {
    let present: Vec<(System, BookingStatus)> = System::BOTH
        .into_iter()
        .filter_map(|system| Some((system, link.side(system).snapshot()?.status)))
        .collect();
    // Once a side is cancelled the booking is on its way out: `status_differs` (or nothing, when
    // both sides are cancelled) tells people what is left to do, and asking the partner to
    // answer the booking or to call Partner Care about it would only be noise.
    if present
        .iter()
        .any(|(_, status)| *status == BookingStatus::Cancelled)
    {
        return;
    }
    // With a case open the partner has done what rule 4 asks; Partner Care decides the rest.
    if link.has_open_care_case {
        return;
    }
    let with = |wanted: BookingStatus| -> Vec<&'static str> {
        present
            .iter()
            .filter(|(_, status)| *status == wanted)
            .map(|(system, _)| system.as_str())
            .collect()
    };
    let rejected = with(BookingStatus::Rejected);
    if !rejected.is_empty() {
        draft.flag(
            MismatchKind::RejectedWithoutCare,
            format!(
                "rejected in {} without a Partner Care case: the booking still counts and the \
                 customer will come",
                rejected.join(" and ")
            ),
        );
    }
    let pending = with(BookingStatus::Pending);
    if !pending.is_empty() && now - link.created_at > policy.unanswered_after_secs {
        draft.flag(
            MismatchKind::Unanswered,
            format!(
                "still pending in {} since {}: the booking counts whether answered or not",
                pending.join(" and "),
                instant(link.created_at)
            ),
        );
    }
}
