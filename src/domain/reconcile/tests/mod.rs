//! Scenario tests for [`reconcile`], one file per FAQ area, plus invariants every outcome must
//! keep (written so a property test can reuse [`check_invariants`] and [`settle`]).

mod customer;
mod due;
mod general;
mod new_link;
mod presence;
mod properties;
mod service;
mod status;
mod time;

use super::model::instant;
use super::*;
use crate::domain::booking::{BookingStatus, Customer, System};
use crate::domain::mismatch::{MismatchKind, Severity};
use crate::domain::sides::Sides;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Midnight UTC of the appointment's day.
const BOOKING_DAY: i64 = 1_795_996_800;
/// When the link was created: a week before the appointment.
const CREATED: i64 = BOOKING_DAY - 7 * DAY;
/// A default "now": past every grace period, well before the appointment.
const NOW: i64 = CREATED + 3 * DAY;

/// Unix time of `hour:minute` on the appointment's day.
fn at(hour: i64, minute: i64) -> i64 {
    BOOKING_DAY + hour * HOUR + minute * MINUTE
}

fn jana() -> Customer {
    Customer {
        name: "Jana Nováková".into(),
        email: "jana@example.test".into(),
        phone: "+420777000111".into(),
    }
}

/// A confirmed one-hour massage at 10:00.
fn booking() -> Snapshot {
    Snapshot {
        start_at: at(10, 0),
        end_at: at(11, 0),
        service: Some("svc-massage".into()),
        customer: jana(),
        status: BookingStatus::Confirmed,
        self_rescheduled: false,
    }
}

/// A live link whose sides agree with each other and with the base.
fn agreed_link() -> LinkView {
    LinkView {
        base: Some(Base::of(&booking())),
        sides: Sides::new(Side::Present(booking()), Side::Present(booking())),
        origin: System::Termino,
        created_at: CREATED,
        change_pending_since: None,
        has_open_care_case: false,
        pending_pushes: false,
    }
}

/// A link just made from a booking seen in `origin` only.
fn new_link_from(origin: System) -> LinkView {
    let mut link = LinkView {
        base: None,
        sides: Sides::new(Side::NotYetSeen, Side::NotYetSeen),
        origin,
        created_at: CREATED,
        change_pending_since: None,
        has_open_care_case: false,
        pending_pushes: false,
    };
    *side_mut(&mut link, origin) = Side::Present(booking());
    link
}

fn side_mut(link: &mut LinkView, system: System) -> &mut Side {
    link.sides.get_mut(system)
}

/// The present snapshot of `system`, to edit a scenario.
fn snapshot_mut(link: &mut LinkView, system: System) -> &mut Snapshot {
    match side_mut(link, system) {
        Side::Present(snapshot) => snapshot,
        other => panic!("the scenario has no {system} booking to edit: {other:?}"),
    }
}

/// Moves the booking in `system` to `start`, keeping one hour.
fn move_to(link: &mut LinkView, system: System, start: i64) {
    let snapshot = snapshot_mut(link, system);
    snapshot.start_at = start;
    snapshot.end_at = start + HOUR;
}

/// The push that moves the booking in `to` to `start_at`–`end_at`.
fn time_push(to: System, start_at: i64, end_at: i64) -> Push {
    Push::UpdateTime {
        to,
        start_at,
        end_at,
    }
}

/// The push that gives the booking in `to` these customer details.
fn customer_push(to: System, customer: Customer) -> Push {
    Push::UpdateCustomer { to, customer }
}

fn reconcile_at(link: &LinkView, now: i64) -> Outcome {
    let outcome = reconcile(link, now, &Policy::default());
    check_invariants(link, now, &outcome);
    outcome
}

fn reconcile_now(link: &LinkView) -> Outcome {
    reconcile_at(link, NOW)
}

/// What must hold for every outcome, whatever the input.
fn check_invariants(link: &LinkView, now: i64, outcome: &Outcome) {
    // Only formatted when an assertion fails: the grid test runs this many thousand times.
    let context = || format!("{link:#?} at {now} gave {outcome:#?}");
    // Findings: one per kind, sorted, with the kind's severity; push_failed is the outbox's.
    let kinds = outcome.kinds();
    let mut sorted = kinds.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(kinds, sorted, "findings unique and sorted: {}", context());
    for finding in &outcome.findings {
        assert_eq!(
            finding.severity,
            finding.kind.default_severity(),
            "{}",
            context()
        );
        assert!(!finding.detail.is_empty(), "{}", context());
        assert_ne!(finding.kind, MismatchKind::PushFailed, "{}", context());
    }
    // Pushes: none while the outbox still has some; each only to where it can apply, and only
    // ever a value the other side already shows.
    if link.pending_pushes {
        assert!(outcome.pushes.is_empty(), "{}", context());
    }
    let cancelled = System::BOTH.into_iter().any(|system| {
        link.side(system)
            .snapshot()
            .is_some_and(|s| s.status == BookingStatus::Cancelled)
    });
    let mut targets = Vec::new();
    for push in &outcome.pushes {
        let to = push.target();
        let source = link.side(to.other()).snapshot();
        match push {
            Push::Create { .. } => {
                assert_eq!(link.side(to), &Side::NotYetSeen, "{}", context());
                assert_eq!(to.other(), link.origin, "{}", context());
                assert!(source.is_some_and(|s| s.status != BookingStatus::Cancelled));
            }
            Push::UpdateTime {
                start_at, end_at, ..
            } => {
                assert!(!cancelled, "{}", context());
                let target = link.side(to).snapshot().expect("an update needs a target");
                let source = source.expect("an update needs a source");
                assert_eq!((*start_at, *end_at), (source.start_at, source.end_at));
                assert_ne!((*start_at, *end_at), (target.start_at, target.end_at));
            }
            Push::UpdateCustomer { customer, .. } => {
                assert!(!cancelled, "{}", context());
                let target = link.side(to).snapshot().expect("an update needs a target");
                let source = source.expect("an update needs a source");
                assert_ne!(customer, &target.customer, "{}", context());
                for (pushed, own, theirs) in [
                    (&customer.name, &target.customer.name, &source.customer.name),
                    (
                        &customer.email,
                        &target.customer.email,
                        &source.customer.email,
                    ),
                    (
                        &customer.phone,
                        &target.customer.phone,
                        &source.customer.phone,
                    ),
                ] {
                    assert!(pushed == own || pushed == theirs, "{}", context());
                }
            }
        }
        let kind = std::mem::discriminant(push);
        assert!(!targets.contains(&(to, kind)), "one push per kind and side");
        targets.push((to, kind));
    }
    // A base, once there, is never dropped.
    if link.base.is_some() {
        assert!(outcome.new_base.is_some(), "{}", context());
    }
    // The clock either keeps running from where it was, starts now, or stops.
    if let Some(since) = outcome.change_pending_since {
        assert!(
            Some(since) == link.change_pending_since || since == now,
            "{}",
            context()
        );
    }
    // Pure: the same input gives the same output.
    assert_eq!(&reconcile(link, now, &Policy::default()), outcome);
}

/// Applies an outcome as a perfect outbox and worker would: every push lands, the base and the
/// clock are stored. A created booking is a copy of the origin's.
fn apply(link: &mut LinkView, outcome: &Outcome) {
    for push in &outcome.pushes {
        match push {
            Push::UpdateTime {
                to,
                start_at,
                end_at,
            } => {
                let snapshot = snapshot_mut(link, *to);
                snapshot.start_at = *start_at;
                snapshot.end_at = *end_at;
            }
            Push::UpdateCustomer { to, customer } => {
                snapshot_mut(link, *to).customer = customer.clone();
            }
            Push::Create { to } => {
                let copy = link.side(to.other()).clone();
                *side_mut(link, *to) = copy;
            }
        }
    }
    link.base = outcome.new_base.clone();
    link.change_pending_since = outcome.change_pending_since;
}

/// Reconciles and applies until nothing is left to push; returns the settled link and its last
/// outcome. Panics if that takes more than a few rounds (a ping-pong).
fn settle(mut link: LinkView, mut now: i64) -> (LinkView, Outcome) {
    for _ in 0..4 {
        let outcome = reconcile_at(&link, now);
        if outcome.pushes.is_empty() {
            return (link, outcome);
        }
        apply(&mut link, &outcome);
        now += MINUTE;
    }
    panic!("the link did not settle: {link:#?}");
}

#[test]
fn instants_in_details_read_as_utc_dates() {
    assert_eq!(instant(0), "1970-01-01 00:00Z");
    assert_eq!(instant(at(10, 30)), "2026-11-30 10:30Z");
    assert_eq!(instant(i64::MAX), format!("@{}", i64::MAX));
}
