//! The daily work as each role meets it (issue 14): nothing on a page says the work is done
//! when it is not, and every flagged row offers its next step.

use bookbridge::domain::Customer;

use crate::common::world::{HOUR, World, tomorrow};
use crate::common::{self, TestApp, select_texts};
use crate::partner::{PARTNER, link_of, page, settle};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![a_booking_only_one_system_shows_is_waiting_for_the_other_never_in_agreement,]
}

/// A voucher for an offer no service is mapped to: the calendar never gets it, so its link
/// stays one-sided (and unflagged for the grace period).
async fn one_sided_voucher(app: &TestApp, code: &str) -> i64 {
    let w = World::of(app);
    w.sandbox
        .termino
        .add_offer(
            &w.partner.termino_partner_id,
            bookbridge::systems::termino::Offer {
                id: "offer-unmapped".into(),
                name: "Gift package".into(),
                duration_minutes: 60,
            },
        )
        .expect("offer");
    w.sandbox
        .termino
        .redeem_voucher(
            &w.partner.termino_partner_id,
            code,
            "offer-unmapped",
            tomorrow(app),
            tomorrow(app) + HOUR,
            Customer::default(),
        )
        .expect("redeem");
    settle(app).await;
    link_of(app, code).await
}

async fn a_booking_only_one_system_shows_is_waiting_for_the_other_never_in_agreement(app: TestApp) {
    settle(&app).await;
    let id = one_sided_voucher(&app, "TSTONESIDED").await;
    let client = app.login(PARTNER).await;
    let doc = page(&app, &client, "/bookings?q=TSTONESIDED").await;
    let row = format!("#link-{id} td.f-mismatches");
    assert!(
        select_texts(&doc, &format!("{row} .badge.ok")).is_empty(),
        "never in agreement"
    );
    assert_eq!(
        select_texts(&doc, &format!("{row} .badge.waiting")),
        vec!["Waiting for the other system".to_string()]
    );
    let detail = page(&app, &client, &format!("/bookings/{id}")).await;
    assert!(select_texts(&detail, "#booking-mismatches .badge.ok").is_empty());
    assert_eq!(select_texts(&detail, "#booking-waiting").len(), 1);
}
