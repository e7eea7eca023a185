//! The bookings list reads each link's sides ready, as one value the database keeps on the link
//! (migration 0019). Whatever path writes a link, one of its snapshots or a mapping of their
//! services, the list shows the new state at once: here each path in turn, and after each every
//! listed row is compared with the snapshots read through the joins.

use bookbridge::db::link_sides::Snapshot;
use bookbridge::db::read::bookings_view::{self, ListQuery, ListedLink};
use bookbridge::db::{bookings, links, onboarding};
use bookbridge::domain::{BookingStatus, System};

use crate::common::world::{HOUR, World, remote, tomorrow};
use crate::common::{self, TestApp};
use crate::tests;

pub fn tests() -> Vec<(&'static str, common::TestFn)> {
    tests![the_list_shows_every_change_to_a_link_whichever_path_wrote_it]
}

/// What the list shows of a side: the snapshot without what only other reads take.
fn shown(side: &Option<Snapshot>) -> Option<Snapshot> {
    side.clone().map(|s| Snapshot {
        external_id: String::new(),
        self_rescheduled: false,
        fetched_at: 0,
        ..s
    })
}

/// Every current link of the partner as the list shows it, each checked against its snapshots
/// and their mappings as they are stored now: a ready row that missed a write fails here.
async fn listed(app: &TestApp, partner_id: i64) -> Vec<ListedLink> {
    let everything = ListQuery::default();
    let rows = bookings_view::list(&app.db, partner_id, &everything, 10_000, 0)
        .await
        .expect("the list reads");
    assert!(!rows.is_empty());
    for row in &rows {
        let stored = links::find_row(&app.db, row.id)
            .await
            .expect("the link reads")
            .expect("the link exists");
        assert_eq!(
            row.sides.as_ref().map(|_, s| shown(s)),
            stored.sides.as_ref().map(|_, s| shown(s)),
            "link {} as listed and as stored",
            row.id
        );
    }
    rows
}

/// The listed link `id`.
async fn listed_link(app: &TestApp, partner_id: i64, id: i64) -> ListedLink {
    listed(app, partner_id)
        .await
        .into_iter()
        .find(|l| l.id == id)
        .expect("the link is listed")
}

async fn the_list_shows_every_change_to_a_link_whichever_path_wrote_it(app: TestApp) {
    let w = World::of(&app);
    let partner = w.partner.partner_id;
    let connection = w.partner.connection_id;
    let start = tomorrow(&app);

    // Pull, link and push: a redeemed voucher is read, linked and copied into the calendar.
    let (reservation, voucher, booking) = w.agreed_booking(0, start, 1).await;
    let id = listed(&app, partner)
        .await
        .into_iter()
        .find(|l| l.voucher_code.as_deref() == Some(voucher.as_str()))
        .expect("the voucher's link is listed")
        .id;
    let row = listed_link(&app, partner, id).await;
    let (r, t) = (
        row.sides.reservio.expect("the calendar side"),
        row.sides.termino.expect("the Termino side"),
    );
    assert_eq!((r.start_at, t.start_at), (start, start));
    assert!(
        r.service_name.is_some() && t.service_name.is_some(),
        "mapped"
    );
    assert_eq!(r.mapped_service, t.mapped_service);

    // Pull and reconcile: staff move the booking in the calendar; the move crosses over.
    let moved = start + 2 * HOUR;
    let duration = r.end_at - r.start_at;
    assert!(w.sandbox.reservio.staff_move(
        &w.partner.business_id,
        &booking,
        moved,
        moved + duration
    ));
    w.settle().await;
    let row = listed_link(&app, partner, id).await;
    let side_starts = row.sides.map(|_, s| s.expect("both sides").start_at);
    assert_eq!((side_starts.reservio, side_starts.termino), (moved, moved));

    // Pull: the reservation is cancelled in Termino (never carried over by itself).
    w.sandbox
        .termino
        .set_status(
            &w.partner.termino_partner_id,
            &reservation,
            BookingStatus::Cancelled,
        )
        .expect("cancelled");
    w.settle().await;
    let row = listed_link(&app, partner, id).await;
    assert_eq!(row.sides.termino.expect("Termino side").status, "cancelled");

    // The listing: the calendar booking is gone from its system.
    let r_id = row.sides.reservio.expect("calendar side").booking_id;
    let mut tx = app.db.begin_write().await.expect("tx");
    bookings::mark_one_vanished(&mut tx, r_id, app.clock.now())
        .await
        .expect("vanished");
    tx.commit().await.expect("commit");
    let row = listed_link(&app, partner, id).await;
    assert!(
        row.sides
            .reservio
            .expect("calendar side")
            .vanished_at
            .is_some()
    );

    // The connection's mapping is renamed, then removed: the names follow, then go.
    let mut renamed = bookbridge::db::connections::mappings(&app.db, connection)
        .await
        .expect("mappings");
    for m in &mut renamed {
        m.reservio_service_name.push_str(" (renamed)");
        m.termino_offer_name.push_str(" (renamed)");
    }
    for mappings in [renamed.as_slice(), &[]] {
        let mut tx = app.db.begin_write().await.expect("tx");
        onboarding::replace_mappings(&mut tx, connection, mappings, app.clock.now())
            .await
            .expect("mappings replaced");
        tx.commit().await.expect("commit");
        let row = listed_link(&app, partner, id).await;
        let names = row.sides.map(|_, s| s.expect("both sides").service_name);
        if mappings.is_empty() {
            assert_eq!((names.reservio, names.termino), (None, None));
        } else {
            assert!(names.reservio.expect("named").ends_with(" (renamed)"));
            assert!(names.termino.expect("named").ends_with(" (renamed)"));
        }
    }

    // The link step: a link with one side, then the other side attached, then that side
    // stored again with another customer name.
    let now = app.clock.now();
    let solo_start = start + 5 * HOUR;
    let mut tx = app.db.begin_write().await.expect("tx");
    let r_solo = bookings::upsert(
        &mut tx,
        connection,
        &remote(System::Reservio, "solo-r", solo_start, "Solo"),
        None,
        now,
    )
    .await
    .expect("stored")
    .id();
    let solo = links::insert(
        &mut tx,
        &links::NewLink {
            connection_id: connection,
            partner_id: partner,
            reservio_booking_id: Some(r_solo),
            termino_booking_id: None,
            voucher_code: Some("SOLO0001"),
            origin: System::Reservio,
        },
        now,
    )
    .await
    .expect("linked");
    tx.commit().await.expect("commit");
    let row = listed_link(&app, partner, solo).await;
    assert!(row.sides.reservio.is_some() && row.sides.termino.is_none());

    let mut tx = app.db.begin_write().await.expect("tx");
    let t_solo = bookings::upsert(
        &mut tx,
        connection,
        &remote(System::Termino, "solo-t", solo_start, "Solo"),
        None,
        now,
    )
    .await
    .expect("stored")
    .id();
    links::attach(&mut tx, solo, System::Termino, t_solo, now)
        .await
        .expect("attached");
    tx.commit().await.expect("commit");
    let row = listed_link(&app, partner, solo).await;
    assert_eq!(row.sides.termino.expect("attached").booking_id, t_solo);

    let mut tx = app.db.begin_write().await.expect("tx");
    bookings::upsert(
        &mut tx,
        connection,
        &remote(System::Termino, "solo-t", solo_start, "Solo Renamed"),
        None,
        now,
    )
    .await
    .expect("stored");
    tx.commit().await.expect("commit");
    let row = listed_link(&app, partner, solo).await;
    assert_eq!(
        row.sides.termino.expect("stored").customer_name,
        "Solo Renamed"
    );
}
