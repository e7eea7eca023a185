//! Whole-outcome checks: agreement is quiet, every kind is reachable, and the invariants hold
//! over a grid of situations (a stand-in until the property tests arrive).

use std::collections::BTreeSet;

use super::*;
use BookingStatus::{Cancelled, Confirmed, Pending, Rejected};
use System::{Reservio, Termino};

#[test]
fn agreeing_sides_raise_nothing_push_nothing_and_keep_the_base() {
    let link = agreed_link();
    let outcome = reconcile_now(&link);
    assert_eq!(
        outcome,
        Outcome {
            pushes: vec![],
            new_base: link.base.clone(),
            findings: vec![],
            change_pending_since: None,
        }
    );
}

#[test]
fn the_default_policy_is_fifteen_minutes_grace_an_hour_to_propagate_and_a_day_to_answer() {
    let policy = Policy::default();
    assert_eq!(policy.missing_grace_secs, 15 * MINUTE);
    assert_eq!(policy.propagation_sla_secs, HOUR);
    assert_eq!(policy.unanswered_after_secs, DAY);
}

#[test]
fn a_stricter_policy_flags_sooner() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    link.change_pending_since = Some(NOW - 10 * MINUTE);
    let strict = Policy {
        propagation_sla_secs: 5 * MINUTE,
        ..Policy::default()
    };
    assert_eq!(
        reconcile(&link, NOW, &strict).kinds(),
        vec![MismatchKind::TimeDiffers]
    );
}

/// One situation per kind reconcile can raise, with exactly the kinds it must show.
fn one_scenario_per_kind() -> Vec<(&'static str, LinkView, i64, Vec<MismatchKind>)> {
    use MismatchKind::*;
    let mut scenarios = Vec::new();

    let link = new_link_from(Termino);
    scenarios.push(("seen in termino only", link, NOW, vec![MissingInReservio]));

    let link = new_link_from(Reservio);
    scenarios.push(("seen in reservio only", link, NOW, vec![MissingInTermino]));

    let mut link = agreed_link();
    snapshot_mut(&mut link, Termino).status = Cancelled;
    scenarios.push(("voucher cancelled", link, NOW, vec![StatusDiffers]));

    let mut link = agreed_link();
    move_to(&mut link, Termino, at(12, 0));
    link.change_pending_since = Some(NOW - 2 * HOUR);
    scenarios.push(("date change overdue", link, NOW, vec![TimeDiffers]));

    let mut link = agreed_link();
    snapshot_mut(&mut link, Termino).service = None;
    scenarios.push(("unmapped offer", link, NOW, vec![ServiceDiffers]));

    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).status = Rejected;
    scenarios.push(("silent rejection", link, NOW, vec![RejectedWithoutCare]));

    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).status = Pending;
    scenarios.push(("never answered", link, NOW, vec![Unanswered]));

    let mut link = agreed_link();
    link.sides.termino = Side::Vanished { since: NOW };
    scenarios.push(("deleted", link, NOW, vec![DeletedRemotely]));

    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).customer.name = "J. N.".into();
    link.change_pending_since = Some(NOW - 2 * HOUR);
    scenarios.push(("name change overdue", link, NOW, vec![CustomerDiffers]));

    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(12, 0));
    move_to(&mut link, Termino, at(13, 0));
    scenarios.push(("moved on both sides", link, NOW, vec![Conflict]));

    scenarios
}

#[test]
fn every_kind_but_the_runners_is_raised_by_its_scenario_and_only_there() {
    let mut raised = BTreeSet::new();
    for (name, link, now, expected) in one_scenario_per_kind() {
        let outcome = reconcile_at(&link, now);
        assert_eq!(outcome.kinds(), expected, "{name}");
        raised.extend(expected);
    }
    let reconcilable: BTreeSet<MismatchKind> = MismatchKind::ALL
        .into_iter()
        .filter(|kind| {
            !matches!(
                kind,
                MismatchKind::PushFailed | MismatchKind::ProcedureFailed
            )
        })
        .collect();
    assert_eq!(raised, reconcilable);
}

#[test]
fn a_details_text_does_not_change_while_the_situation_does_not() {
    // The worker refreshes an open mismatch's details on every sync; a text that counted
    // minutes would rewrite (and audit) it every time.
    for (name, link, now, _) in one_scenario_per_kind() {
        let earlier = reconcile_at(&link, now);
        let later = reconcile_at(&link, now + 7 * MINUTE);
        assert_eq!(earlier.findings, later.findings, "{name}");
    }
}

/// Every way one side can look in the grid: absent, unmapped, or present with a time, a status
/// and a phone number from a small set (enough for one-sided changes, alike changes and
/// conflicts).
fn side_variants() -> Vec<Side> {
    let unmapped = Snapshot {
        service: None,
        ..booking()
    };
    let mut sides = vec![
        Side::NotYetSeen,
        Side::Vanished { since: NOW - HOUR },
        Side::Present(unmapped),
    ];
    for start in [at(10, 0), at(14, 0), at(16, 0)] {
        for status in [Pending, Confirmed, Cancelled, Rejected] {
            for phone in ["+420777000111", "+420608111222", "+420608999888"] {
                let mut snapshot = booking();
                snapshot.start_at = start;
                snapshot.end_at = start + HOUR;
                snapshot.status = status;
                snapshot.customer.phone = phone.into();
                sides.push(Side::Present(snapshot));
            }
        }
    }
    sides
}

#[test]
fn the_invariants_hold_over_a_grid_of_situations() {
    let sides = side_variants();
    let mut raised = BTreeSet::new();
    let mut checked = 0;
    for reservio in &sides {
        for termino in &sides {
            for base in [None, Some(Base::of(&booking()))] {
                for origin in System::BOTH {
                    for (pending_pushes, has_open_care_case) in [(false, false), (true, true)] {
                        for change_pending_since in [None, Some(NOW - 2 * HOUR)] {
                            let link = LinkView {
                                base: base.clone(),
                                sides: Sides::new(reservio.clone(), termino.clone()),
                                origin,
                                created_at: CREATED,
                                change_pending_since,
                                has_open_care_case,
                                pending_pushes,
                            };
                            for now in [CREATED, NOW] {
                                let outcome = reconcile_at(&link, now);
                                raised.extend(outcome.kinds());
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(
        checked,
        sides.len() * sides.len() * 32,
        "every combination ran"
    );
    // All but the two the outbox and the procedure runner raise.
    assert_eq!(raised.len(), MismatchKind::ALL.len() - 2, "{raised:?}");
}
