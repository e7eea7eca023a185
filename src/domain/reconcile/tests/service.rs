//! Rule 5: a service change goes through the channel; it is never pushed.

use super::*;
use System::{Reservio, Termino};

#[test]
fn a_service_change_is_never_propagated_and_is_flagged() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).service = Some("svc-facial".into());
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.kinds(), vec![MismatchKind::ServiceDiffers]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::Medium);
    assert!(finding.detail.contains("svc-facial"), "{finding:?}");
    assert!(finding.detail.contains("svc-massage"), "{finding:?}");
    assert_eq!(
        outcome.new_base, link.base,
        "the base keeps the agreed service"
    );
}

#[test]
fn an_unmapped_offer_is_flagged_as_service_differs() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Termino).service = None;
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::ServiceDiffers]);
    assert!(
        outcome.findings[0]
            .detail
            .contains("in termino: not mapped")
    );
}

#[test]
fn services_unmapped_on_both_sides_cannot_be_shown_to_agree() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).service = None;
    snapshot_mut(&mut link, Termino).service = None;
    assert_eq!(
        reconcile_now(&link).kinds(),
        vec![MismatchKind::ServiceDiffers]
    );
}

#[test]
fn a_service_both_sides_changed_to_becomes_the_base() {
    // The end of a guided service change, or a mapping fixed by the sales rep.
    let mut link = agreed_link();
    snapshot_mut(&mut link, Reservio).service = Some("svc-facial".into());
    snapshot_mut(&mut link, Termino).service = Some("svc-facial".into());
    let outcome = reconcile_now(&link);
    assert!(outcome.findings.is_empty());
    assert_eq!(
        outcome.new_base.and_then(|b| b.service),
        Some("svc-facial".to_string())
    );
}

#[test]
fn a_service_mismatch_does_not_stop_a_date_change_from_propagating() {
    let mut link = agreed_link();
    snapshot_mut(&mut link, Termino).service = Some("svc-facial".into());
    move_to(&mut link, Termino, at(15, 0));
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::ServiceDiffers]);
    assert_eq!(
        outcome.pushes,
        vec![time_push(Reservio, at(15, 0), at(16, 0))]
    );
}
