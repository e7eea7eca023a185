//! Customer details (name, e-mail, phone) propagate like a date change, field by field.

use super::*;
use System::{Reservio, Termino};

fn customer_of(link: &mut LinkView, system: System) -> &mut Customer {
    &mut snapshot_mut(link, system).customer
}

#[test]
fn a_new_phone_number_in_reservio_is_pushed_to_termino() {
    let mut link = agreed_link();
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    let outcome = reconcile_now(&link);
    let expected = Customer {
        phone: "+420608111222".into(),
        ..jana()
    };
    assert_eq!(outcome.pushes, vec![customer_push(Termino, expected)]);
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.change_pending_since, Some(NOW));
    assert_eq!(outcome.new_base, link.base, "kept until termino confirms");
}

#[test]
fn a_corrected_name_in_termino_is_pushed_to_reservio() {
    let mut link = agreed_link();
    customer_of(&mut link, Termino).name = "Jana Nováková-Dvořáková".into();
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes.len(), 1);
    assert_eq!(outcome.pushes[0].target(), Reservio);
}

#[test]
fn customer_fields_merge_one_by_one_even_in_both_directions() {
    let mut link = agreed_link();
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    customer_of(&mut link, Termino).email = "jana.n@example.test".into();
    let outcome = reconcile_now(&link);
    let merged = Customer {
        name: jana().name,
        email: "jana.n@example.test".into(),
        phone: "+420608111222".into(),
    };
    assert_eq!(
        outcome.pushes,
        vec![
            customer_push(Reservio, merged.clone()),
            customer_push(Termino, merged),
        ]
    );
    assert!(
        outcome.findings.is_empty(),
        "two one-sided changes are no conflict"
    );
}

#[test]
fn the_same_new_e_mail_on_both_sides_becomes_the_base_without_a_push() {
    let mut link = agreed_link();
    customer_of(&mut link, Reservio).email = "jana.n@example.test".into();
    customer_of(&mut link, Termino).email = "jana.n@example.test".into();
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(
        outcome.new_base.map(|b| b.customer.email),
        Some("jana.n@example.test".to_string())
    );
    assert_eq!(outcome.change_pending_since, None);
}

#[test]
fn a_customer_field_changed_differently_on_both_sides_is_a_conflict_and_is_not_overwritten() {
    let mut link = agreed_link();
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    customer_of(&mut link, Termino).phone = "+420608999888".into();
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty());
    assert_eq!(outcome.kinds(), vec![MismatchKind::Conflict]);
    let detail = &outcome.findings[0].detail;
    assert!(detail.contains("customer phone"), "{detail}");
    assert!(
        !detail.contains("+420"),
        "no customer data in details: {detail}"
    );
    assert_eq!(outcome.new_base, link.base);
    assert_eq!(outcome.change_pending_since, None);
}

#[test]
fn a_conflicting_field_does_not_hold_back_the_others_nor_is_it_overwritten() {
    let mut link = agreed_link();
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    customer_of(&mut link, Termino).phone = "+420608999888".into();
    customer_of(&mut link, Reservio).name = "Jana Dvořáková".into();
    let outcome = reconcile_now(&link);
    assert_eq!(
        outcome.pushes,
        vec![Push::UpdateCustomer {
            to: Termino,
            customer: Customer {
                name: "Jana Dvořáková".into(),
                phone: "+420608999888".into(),
                ..jana()
            }
        }],
        "termino keeps its own phone"
    );
    assert_eq!(outcome.kinds(), vec![MismatchKind::Conflict]);
}

#[test]
fn customer_details_still_crossing_over_raise_nothing() {
    let mut link = agreed_link();
    customer_of(&mut link, Termino).email = "jana.n@example.test".into();
    link.pending_pushes = true;
    link.change_pending_since = Some(NOW - 30 * MINUTE);
    let outcome = reconcile_now(&link);
    assert!(outcome.pushes.is_empty(), "already in the outbox");
    assert!(outcome.findings.is_empty());
}

#[test]
fn customer_details_that_never_arrive_become_customer_differs_after_the_hour() {
    let mut link = agreed_link();
    customer_of(&mut link, Termino).email = "jana.n@example.test".into();
    customer_of(&mut link, Termino).phone = "+420608999888".into();
    link.change_pending_since = Some(NOW - 2 * HOUR);
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::CustomerDiffers]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::Low);
    assert!(finding.detail.contains("e-mail and phone"), "{finding:?}");
    assert!(
        !finding.detail.contains("example"),
        "no customer data: {finding:?}"
    );
}

#[test]
fn conflicts_on_time_and_customer_are_reported_as_one_conflict() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(16, 0));
    customer_of(&mut link, Reservio).name = "J. Nováková".into();
    customer_of(&mut link, Termino).name = "Jana N.".into();
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.kinds(), vec![MismatchKind::Conflict]);
    let detail = &outcome.findings[0].detail;
    assert!(
        detail.contains("time") && detail.contains("customer name"),
        "{detail}"
    );
}

#[test]
fn a_time_conflict_does_not_stop_a_customer_change_from_propagating() {
    let mut link = agreed_link();
    move_to(&mut link, Reservio, at(14, 0));
    move_to(&mut link, Termino, at(16, 0));
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    let outcome = reconcile_now(&link);
    assert_eq!(outcome.pushes.len(), 1);
    assert!(matches!(
        outcome.pushes[0],
        Push::UpdateCustomer { to: Termino, .. }
    ));
    assert_eq!(outcome.kinds(), vec![MismatchKind::Conflict]);
    assert_eq!(outcome.change_pending_since, Some(NOW));
}

#[test]
fn a_date_and_a_customer_change_travel_together_and_settle() {
    let mut link = agreed_link();
    move_to(&mut link, Termino, at(12, 0));
    customer_of(&mut link, Reservio).phone = "+420608111222".into();
    let first = reconcile_now(&link);
    assert_eq!(first.pushes.len(), 2);
    let (_, settled) = settle(link, NOW);
    assert!(settled.findings.is_empty());
    let base = settled.new_base.expect("a base");
    assert_eq!(base.start_at, at(12, 0));
    assert_eq!(base.customer.phone, "+420608111222");
}
