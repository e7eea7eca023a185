//! Rule 2 (cancellation must happen in both systems) and rule 4 (a rejected or unanswered
//! booking still counts).

use super::*;
use BookingStatus::{Cancelled, Confirmed, Pending, Rejected};
use System::{Reservio, Termino};

fn with_status(reservio: BookingStatus, termino: BookingStatus) -> LinkView {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).status = reservio;
    snapshot_mut(&mut link, Termino).status = termino;
    link
}

#[test]
fn a_voucher_cancelled_in_termino_flags_the_reservio_booking_until_it_is_cancelled_too() {
    let outcome = reconcile_now(&with_status(Confirmed, Cancelled));
    assert_eq!(outcome.kinds(), vec![MismatchKind::StatusDiffers]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::High);
    assert!(
        finding.detail.contains("cancel it in reservio too"),
        "{finding:?}"
    );
    assert!(outcome.pushes.is_empty(), "cancellation never propagates");

    let both = reconcile_now(&with_status(Cancelled, Cancelled));
    assert!(
        both.findings.is_empty(),
        "resolved once reservio is cancelled too"
    );
}

#[test]
fn a_booking_cancelled_only_in_reservio_says_the_voucher_must_be_cancelled_through_partner_care() {
    let outcome = reconcile_now(&with_status(Cancelled, Confirmed));
    assert_eq!(outcome.kinds(), vec![MismatchKind::StatusDiffers]);
    let detail = &outcome.findings[0].detail;
    assert!(
        detail.contains("voucher must be cancelled in termino"),
        "{detail}"
    );
    assert!(detail.contains("Partner Care"), "{detail}");
    assert!(outcome.pushes.is_empty());
}

#[test]
fn a_cancellation_on_one_side_is_flagged_whatever_the_other_side_shows() {
    for live in [Pending, Confirmed, Rejected] {
        for (reservio, termino) in [(live, Cancelled), (Cancelled, live)] {
            let outcome = reconcile_now(&with_status(reservio, termino));
            assert_eq!(
                outcome.kinds(),
                vec![MismatchKind::StatusDiffers],
                "reservio {reservio:?}, termino {termino:?}"
            );
            assert!(outcome.findings[0].detail.contains(live.as_str()));
        }
    }
}

#[test]
fn a_half_cancelled_booking_gets_no_date_or_customer_pushes_and_keeps_its_base() {
    let mut link = with_status(Confirmed, Cancelled);
    move_to(&mut link, Reservio, at(14, 0));
    snapshot_mut(&mut link, Reservio).customer.phone = "+420608111222".into();
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.kinds(), vec![MismatchKind::StatusDiffers]);
    assert_eq!(outcome.new_base, link.base);
}

#[test]
fn cancelled_on_both_sides_agrees_and_nothing_else_is_compared() {
    let mut link = with_status(Cancelled, Cancelled);
    move_to(&mut link, Reservio, at(14, 0));
    snapshot_mut(&mut link, Termino).service = None;
    link.change_pending_since = Some(NOW - 5 * HOUR);
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.change_pending_since, None);
    let base = outcome.new_base.expect("a base");
    assert_eq!(base.status, Cancelled);
    assert_eq!(
        base.start_at,
        at(10, 0),
        "the rest of the base is left alone"
    );
}

#[test]
fn pending_against_confirmed_is_not_a_status_mismatch() {
    let outcome = reconcile_at(&with_status(Pending, Confirmed), CREATED + HOUR);
    assert!(outcome.findings.is_empty());
    assert_eq!(
        outcome.new_base.map(|b| b.status),
        Some(Confirmed),
        "the base keeps the last status both agreed on"
    );
}

#[test]
fn a_status_both_sides_agree_on_becomes_the_base() {
    let outcome = reconcile_at(&with_status(Pending, Pending), CREATED + HOUR);
    assert_eq!(outcome.new_base.map(|b| b.status), Some(Pending));
}

#[test]
fn a_rejected_booking_without_a_care_case_still_counts() {
    let outcome = reconcile_now(&with_status(Rejected, Confirmed));
    assert_eq!(outcome.kinds(), vec![MismatchKind::RejectedWithoutCare]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::High);
    assert!(
        finding.detail.contains("rejected in reservio"),
        "{finding:?}"
    );
    assert!(finding.detail.contains("customer will come"), "{finding:?}");
}

#[test]
fn a_rejected_booking_with_an_open_care_case_is_in_partner_cares_hands() {
    let mut link = with_status(Rejected, Confirmed);
    link.has_open_care_case = true;
    assert!(reconcile_now(&link).findings.is_empty());
}

#[test]
fn a_rejection_in_termino_without_a_care_case_is_flagged_too() {
    let outcome = reconcile_now(&with_status(Confirmed, Rejected));
    assert_eq!(outcome.kinds(), vec![MismatchKind::RejectedWithoutCare]);
    assert!(outcome.findings[0].detail.contains("rejected in termino"));
}

#[test]
fn a_rejected_booking_still_gets_its_date_changes_because_it_still_counts() {
    let mut link = with_status(Rejected, Confirmed);
    move_to(&mut link, Termino, at(13, 0));
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes.len(), 1);
    assert_eq!(outcome.pushes[0].target(), Reservio);
}

#[test]
fn a_booking_pending_for_more_than_a_day_is_unanswered() {
    let link = with_status(Pending, Confirmed);
    let outcome = reconcile_at(&link, CREATED + DAY + 1);
    assert_eq!(outcome.kinds(), vec![MismatchKind::Unanswered]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::Medium);
    assert!(
        finding.detail.contains("pending in reservio"),
        "{finding:?}"
    );
}

#[test]
fn a_booking_pending_for_a_day_or_less_is_not_yet_unanswered() {
    let link = with_status(Pending, Confirmed);
    assert!(reconcile_at(&link, CREATED + DAY).findings.is_empty());
}

#[test]
fn pending_in_termino_or_on_both_sides_is_unanswered_once() {
    let termino = reconcile_now(&with_status(Confirmed, Pending));
    assert_eq!(termino.kinds(), vec![MismatchKind::Unanswered]);
    let both = reconcile_now(&with_status(Pending, Pending));
    assert_eq!(both.kinds(), vec![MismatchKind::Unanswered]);
    assert!(both.findings[0].detail.contains("reservio and termino"));
}

#[test]
fn an_unanswered_booking_with_a_care_case_is_left_to_partner_care() {
    let mut link = with_status(Pending, Confirmed);
    link.has_open_care_case = true;
    assert!(reconcile_now(&link).findings.is_empty());
}

#[test]
fn a_rejected_and_an_unanswered_side_are_both_flagged() {
    let outcome = reconcile_now(&with_status(Rejected, Pending));
    assert_eq!(
        outcome.kinds(),
        vec![MismatchKind::RejectedWithoutCare, MismatchKind::Unanswered]
    );
}

#[test]
fn a_cancelled_side_silences_rejection_and_unanswered_because_status_differs_says_it_all() {
    for live in [Pending, Rejected] {
        let outcome = reconcile_now(&with_status(live, Cancelled));
        assert_eq!(
            outcome.kinds(),
            vec![MismatchKind::StatusDiffers],
            "{live:?}"
        );
    }
}

#[test]
fn the_status_table_holds_for_every_pair() {
    use MismatchKind::{RejectedWithoutCare as Rej, StatusDiffers as Sta, Unanswered as Una};
    let all = [Pending, Confirmed, Cancelled, Rejected];
    for reservio in all {
        for termino in all {
            let statuses = [reservio, termino];
            let mut expected = Vec::new();
            if statuses.contains(&Cancelled) {
                if reservio != termino {
                    expected.push(Sta);
                }
            } else {
                if statuses.contains(&Rejected) {
                    expected.push(Rej);
                }
                if statuses.contains(&Pending) {
                    expected.push(Una);
                }
            }
            let outcome = reconcile_now(&with_status(reservio, termino));
            assert_eq!(
                outcome.kinds(),
                expected,
                "reservio {reservio:?}, termino {termino:?}"
            );
        }
    }
}
