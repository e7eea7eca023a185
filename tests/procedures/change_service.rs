//! FAQ rule 5, a change of service goes through the channel.

use bookbridge::domain::BookingStatus;
use bookbridge::domain::procedure::Params;
use bookbridge::sandbox::termino::EffectKind as TerminoEffect;
use bookbridge::sync::procedure::StartError;

use crate::common::procedure::*;
use crate::common::world::{World, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![
        change_service_issues_a_new_voucher_and_a_new_booking_and_supersedes_the_link,
        change_service_to_an_unmapped_service_is_refused,
    ]
}

// Rule 5.
async fn change_service_issues_a_new_voucher_and_a_new_booking_and_supersedes_the_link(
    app: TestApp,
) {
    let w = World::of(&app);
    let (reservation, voucher, booking) = w.agreed_booking(0, tomorrow(&app), 7).await;
    let link = link_of(&app, &voucher).await;
    let (service_id, offer_id, _) = w.offer(1);
    let (start_at, end_at) = free_slot(&w, &app, 1, 2).await;
    let op = start(
        &app,
        &w,
        link,
        Params::ChangeService {
            service_id: service_id.clone(),
            offer_id: offer_id.clone(),
            start_at,
            end_at,
        },
    )
    .await
    .expect("started");
    assert_eq!(run_to_end(&app, &w.ctx, op).await, "completed");

    // The old voucher and both old bookings are cancelled, not deleted.
    assert_eq!(w.reservation(&reservation).status, BookingStatus::Cancelled);
    let old = w.calendar_booking(&voucher).expect("old booking kept");
    assert_eq!(
        (old.id.as_str(), old.state.as_str()),
        (booking.as_str(), "canceled")
    );
    // The new voucher has its own booking in both systems, for the new service and slot.
    let (superseded_by,): (Option<i64>,) =
        sqlx::query_as("SELECT superseded_by FROM booking_links WHERE id = $1")
            .bind(link)
            .fetch_one(app.db.pool())
            .await
            .expect("old link");
    let new_link = superseded_by.expect("the old link is superseded");
    let (new_voucher,): (Option<String>,) =
        sqlx::query_as("SELECT voucher_code FROM booking_links WHERE id = $1")
            .bind(new_link)
            .fetch_one(app.db.pool())
            .await
            .expect("new link");
    let new_voucher = new_voucher.expect("the new link has the new voucher");
    assert_ne!(new_voucher, voucher);
    let new_reservation = w
        .sandbox
        .termino
        .reservations(&w.partner.termino_partner_id)
        .into_iter()
        .find(|r| r.voucher_code == new_voucher)
        .expect("the new voucher is booked in Termino");
    assert_eq!(new_reservation.offer_id, offer_id);
    assert_eq!(
        (new_reservation.start_at, new_reservation.end_at),
        (start_at, end_at)
    );
    let new_booking = w
        .calendar_booking(&new_voucher)
        .expect("the new voucher is booked in Reservio");
    assert_eq!(new_booking.service_id, service_id);
    assert_eq!(new_booking.state, "confirmed");
    assert_eq!(w.calendar_bookings_for(&new_voucher), 1);
    let reissues = w
        .sandbox
        .termino
        .effects()
        .into_iter()
        .filter(|e| e.kind == TerminoEffect::ReissueVoucher)
        .count();
    assert_eq!(reissues, 1);
    // Both links stay; the new one agrees and nothing is flagged.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM booking_links").await,
        2,
        "the old link is kept"
    );
    w.settle().await;
    let open = app
        .count("SELECT COUNT(*) FROM mismatches WHERE state <> 'resolved'")
        .await;
    assert_eq!(open, 0);
}

async fn change_service_to_an_unmapped_service_is_refused(app: TestApp) {
    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 8).await;
    let link = link_of(&app, &voucher).await;
    let (service_id, _, _) = w.offer(1);
    let (start_at, end_at) = free_slot(&w, &app, 1, 1).await;
    let refused = start(
        &app,
        &w,
        link,
        Params::ChangeService {
            service_id,
            offer_id: "not-an-offer".into(),
            start_at,
            end_at,
        },
    )
    .await;
    assert!(matches!(refused, Err(StartError::Unmapped)), "{refused:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM procedures").await, 0);
}
