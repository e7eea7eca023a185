//! Integrity under a hostile look: bookings of different connections never overwrite each
//! other, a lost local row never turns into a double booking, a full comparison finds what the
//! change feed will never show again, a procedure on a disconnected connection stops, and a
//! poll's listing that crosses a procedure never undoes what the procedure did.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use bookbridge::app::App;
use bookbridge::db::connections::Connection;
use bookbridge::domain::{BookingStatus, System};
use bookbridge::sync::{ConnectionSystems, Connector, SyncContext, sync_all};
use bookbridge::systems::SystemError;
use bookbridge::systems::reservio::ReservioClient;
use bookbridge::systems::termino::TerminoClient;
use futures_util::future::BoxFuture;

use crate::common::tap::{Call, Tap, tapped};
use crate::common::world::{HOUR, World, open_kind, restart_demo, tomorrow};
use crate::common::{self, TestApp, TestFn};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    crate::tests![
        two_connections_whose_systems_hand_out_the_same_ids_never_touch_each_others_rows,
        the_demo_restarted_twice_on_one_database_shows_no_mismatch_the_sandbox_did_not_cause,
        losing_snapshots_and_links_at_random_never_books_a_voucher_twice,
        a_full_comparison_finds_what_the_change_feed_will_never_show_again,
        a_poll_that_crosses_a_procedure_never_puts_back_what_the_procedure_changed,
        of_two_reads_that_cross_the_later_one_is_kept_and_a_listing_misses_nothing_read_after_it,
        a_mark_made_while_reconcile_decides_survives_what_reconcile_writes,
    ]
}

fn sync_of(app: &App) -> SyncContext {
    app.state().sync.clone().expect("sync is configured")
}

async fn settle(ctx: &SyncContext) {
    for _ in 0..4 {
        for (id, outcome) in sync_all(ctx).await.expect("sync round runs") {
            outcome.unwrap_or_else(|e| panic!("connection {id} syncs: {e}"));
        }
    }
}

/// Every snapshot of a connection as stored: (system, external id) → (row id, content hash,
/// start, vanished).
async fn snapshots_of(
    app: &TestApp,
    connection_id: i64,
) -> BTreeMap<(String, String), (i64, String, i64, Option<i64>)> {
    let rows: Vec<(String, String, i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT system, external_id, id, content_hash, start_at, vanished_at \
         FROM external_bookings WHERE connection_id = $1",
    )
    .bind(connection_id)
    .fetch_all(app.db.pool())
    .await
    .expect("snapshot query");
    rows.into_iter()
        .map(|(s, e, id, h, start, v)| ((s, e), (id, h, start, v)))
        .collect()
}

/// Open mismatches of some connections: (connection, kind) → how many.
async fn open_by_connection(app: &TestApp, ids: &[i64]) -> BTreeMap<(i64, String), i64> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT l.connection_id, m.kind, COUNT(*) FROM mismatches m \
         JOIN booking_links l ON l.id = m.link_id WHERE m.state <> 'resolved' \
         GROUP BY l.connection_id, m.kind",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("mismatch query");
    rows.into_iter()
        .filter(|(c, _, _)| ids.contains(c))
        .map(|(c, k, n)| ((c, k), n))
        .collect()
}

/// Every mismatch of some connections, as stored: (id, kind, state, last seen).
async fn mismatch_rows(app: &TestApp, ids: &[i64]) -> Vec<(i64, String, String, i64)> {
    let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT l.connection_id, m.id, m.kind, m.state, m.last_seen_at FROM mismatches m \
         JOIN booking_links l ON l.id = m.link_id ORDER BY m.id",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("mismatch query");
    rows.into_iter()
        .filter(|(c, ..)| ids.contains(c))
        .map(|(_, id, k, s, at)| (id, k, s, at))
        .collect()
}

/// Reaches the connections in `second` through another sandbox's systems.
struct Routed {
    first: Arc<dyn Connector>,
    second: Arc<dyn Connector>,
    second_ids: HashSet<i64>,
}

impl Connector for Routed {
    fn systems(&self, connection: &Connection) -> Result<ConnectionSystems, SystemError> {
        if self.second_ids.contains(&connection.id) {
            self.second.systems(connection)
        } else {
            self.first.systems(connection)
        }
    }

    fn reservio_client(&self, token: &str) -> Result<ReservioClient, SystemError> {
        self.first.reservio_client(token)
    }

    fn termino_client(&self, token: &str) -> Result<TerminoClient, SystemError> {
        self.first.termino_client(token)
    }
}

async fn two_connections_whose_systems_hand_out_the_same_ids_never_touch_each_others_rows(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let first_ids: Vec<String> = (0..3)
        .map(|n| w.redeem(0, start + i64::from(n) * HOUR, n).0)
        .collect();
    w.settle().await;
    let a = w.partner.connection_id;
    let before = snapshots_of(&app, a).await;
    assert_eq!(
        before.len(),
        6,
        "three appointments, both sides: {before:?}"
    );

    // A second sandbox for the same partner, and the first connection kept live beside it.
    let second = restart_demo(&app, 0).await;
    let sandbox = second.sandbox().expect("the second app runs a sandbox");
    let b_partner = sandbox.partners().into_iter().next().expect("a partner");
    let b = b_partner.connection_id;
    let b_all: HashSet<i64> = sandbox.partners().iter().map(|p| p.connection_id).collect();
    sqlx::query("UPDATE connections SET state = 'active' WHERE id = $1")
        .bind(a)
        .execute(app.db.pool())
        .await
        .expect("the first connection stays live");
    let b_world = World {
        sandbox: sandbox.clone(),
        partner: b_partner,
        ctx: sync_of(&second),
    };
    let second_ids: Vec<String> = (0..3)
        .map(|n| {
            b_world
                .redeem(1, start + 24 * HOUR + i64::from(n) * HOUR, 50 + n)
                .0
        })
        .collect();
    assert_eq!(
        first_ids, second_ids,
        "both fake systems hand out the same ids"
    );

    let routed = SyncContext::new(
        app.db.clone(),
        app.clock.clone(),
        w.ctx.settings.clone(),
        Arc::new(Routed {
            first: w.ctx.connector.clone(),
            second: sync_of(&second).connector.clone(),
            second_ids: b_all,
        }),
    );
    settle(&routed).await;

    assert_eq!(
        snapshots_of(&app, a).await,
        before,
        "the first connection's rows are untouched"
    );
    let theirs = snapshots_of(&app, b).await;
    assert_eq!(theirs.len(), 6, "the second connection has rows of its own");
    for id in &second_ids {
        let (_, _, start_at, _) = theirs
            .get(&("termino".to_string(), id.clone()))
            .expect("the second connection's reservation is stored");
        assert!(
            *start_at >= start + 24 * HOUR,
            "{id} holds the second system's booking"
        );
    }
    let links = app
        .count(
            "SELECT COUNT(*) FROM booking_links WHERE superseded_by IS NULL \
             AND reservio_booking_id IS NOT NULL AND termino_booking_id IS NOT NULL",
        )
        .await;
    assert_eq!(
        links, 6,
        "every appointment of both connections is linked on both sides"
    );
    assert!(
        open_by_connection(&app, &[a, b]).await.is_empty(),
        "{:?}",
        open_by_connection(&app, &[a, b]).await
    );
    for voucher_owner in [&w, &b_world] {
        let calendar = voucher_owner
            .sandbox
            .reservio
            .bookings(&voucher_owner.partner.business_id);
        assert_eq!(
            calendar.len(),
            3,
            "each calendar holds its own three bookings"
        );
    }
}

async fn the_demo_restarted_twice_on_one_database_shows_no_mismatch_the_sandbox_did_not_cause(
    app: TestApp,
) {
    const BOOKINGS: usize = 40;
    let first = restart_demo(&app, BOOKINGS).await;
    let first_ids: Vec<i64> = first
        .sandbox()
        .expect("sandbox")
        .partners()
        .iter()
        .map(|p| p.connection_id)
        .collect();
    settle(&sync_of(&first)).await;
    let first_open = open_by_connection(&app, &first_ids).await;
    let first_rows = mismatch_rows(&app, &first_ids).await;
    let mut first_snapshots = vec![];
    for id in &first_ids {
        first_snapshots.push(snapshots_of(&app, *id).await);
    }
    assert!(
        first_snapshots.iter().all(|s| s.len() >= BOOKINGS),
        "the first run's bookings are stored"
    );

    let second = restart_demo(&app, BOOKINGS).await;
    let second_ids: Vec<i64> = second
        .sandbox()
        .expect("sandbox")
        .partners()
        .iter()
        .map(|p| p.connection_id)
        .collect();
    settle(&sync_of(&second)).await;

    for (id, before) in first_ids.iter().zip(&first_snapshots) {
        assert_eq!(
            &snapshots_of(&app, *id).await,
            before,
            "connection {id} of the first run keeps its rows"
        );
    }
    assert_eq!(
        mismatch_rows(&app, &first_ids).await,
        first_rows,
        "the first run's mismatches are as they were"
    );
    // Each run seeds the same troubles: the second shows exactly what the first showed.
    let per_kind = |open: &BTreeMap<(i64, String), i64>, ids: &[i64]| {
        ids.iter()
            .map(|c| {
                open.iter()
                    .filter(|((conn, _), _)| conn == c)
                    .map(|((_, kind), n)| (kind.clone(), *n))
                    .collect::<BTreeMap<_, _>>()
            })
            .collect::<Vec<_>>()
    };
    let second_open = open_by_connection(&app, &second_ids).await;
    assert_eq!(
        per_kind(&second_open, &second_ids),
        per_kind(&first_open, &first_ids),
        "the restarted demo shows only the mismatches its sandbox seeded"
    );
    let errors = app
        .count("SELECT COUNT(*) FROM connections WHERE last_sync_error IS NOT NULL")
        .await;
    assert_eq!(errors, 0, "no sync error is recorded");
}

/// Loses one snapshot as a damaged database would (the rules never delete one: the test
/// simulates the loss directly).
async fn lose_snapshot(app: &TestApp, id: i64) {
    for column in ["reservio_booking_id", "termino_booking_id"] {
        sqlx::query(&format!(
            "UPDATE booking_links SET {column} = NULL WHERE {column} = $1"
        ))
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("unlink the snapshot");
    }
    sqlx::query("DELETE FROM external_bookings WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("lose the snapshot");
}

/// Loses one link and what hangs on it.
async fn lose_link(app: &TestApp, id: i64) {
    for sql in [
        "DELETE FROM mismatches WHERE link_id = $1",
        "UPDATE outbox SET link_id = NULL WHERE link_id = $1",
        "UPDATE booking_links SET superseded_by = NULL WHERE superseded_by = $1",
        "DELETE FROM booking_links WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(app.db.pool())
            .await
            .expect("lose the link");
    }
}

/// How many live bookings each system holds for `voucher`: (calendar, channel).
fn live_for(w: &World, voucher: &str) -> (usize, usize) {
    use bookbridge::systems::reservio::note::NoteMarkers;
    let calendar = w
        .sandbox
        .reservio
        .bookings(&w.partner.business_id)
        .into_iter()
        .filter(|b| b.state != "canceled")
        .filter(|b| NoteMarkers::parse(&b.note).voucher_code.as_deref() == Some(voucher))
        .count();
    let channel = w
        .sandbox
        .termino
        .reservations(&w.partner.termino_partner_id)
        .into_iter()
        .filter(|r| r.voucher_code == voucher && r.status != BookingStatus::Cancelled)
        .count();
    (calendar, channel)
}

async fn losing_snapshots_and_links_at_random_never_books_a_voucher_twice(app: TestApp) {
    use rand::{Rng, SeedableRng};
    let w = World::of(&app);
    // Half of the appointments lie beyond the calendar's polling window, so nothing but the
    // system itself can tell that their booking exists.
    let start = tomorrow(&app);
    let vouchers: Vec<String> = (0..10u32)
        .map(|n| {
            let days = if n % 2 == 0 { 0 } else { 75 };
            w.redeem(
                (n % 3) as usize,
                start + days * 24 * HOUR + i64::from(n) * 2 * HOUR,
                300 + n,
            )
            .1
        })
        .collect();
    w.settle().await;
    for voucher in &vouchers {
        assert_eq!(
            live_for(&w, voucher),
            (1, 1),
            "{voucher} is booked once on each side"
        );
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for round in 0..8 {
        for voucher in &vouchers {
            let (link, reservio, termino): (i64, Option<i64>, Option<i64>) = match sqlx::query_as(
                "SELECT id, reservio_booking_id, termino_booking_id FROM booking_links \
                 WHERE voucher_code = $1 AND superseded_by IS NULL ORDER BY id LIMIT 1",
            )
            .bind(voucher)
            .fetch_optional(app.db.pool())
            .await
            .expect("link query")
            {
                Some(row) => row,
                None => continue,
            };
            if let Some(id) = reservio.filter(|_| rng.random_bool(0.4)) {
                lose_snapshot(&app, id).await;
            }
            if let Some(id) = termino.filter(|_| rng.random_bool(0.3)) {
                lose_snapshot(&app, id).await;
            }
            if rng.random_bool(0.4) {
                lose_link(&app, link).await;
            }
        }
        app.clock.advance(10 * 60);
        w.settle().await;
        for voucher in &vouchers {
            let (calendar, channel) = live_for(&w, voucher);
            assert!(
                calendar <= 1 && channel <= 1,
                "round {round}: {voucher} has {calendar} live calendar bookings and \
                 {channel} live reservations"
            );
        }
    }
    for _ in 0..3 {
        app.clock.advance(10 * 60);
        w.settle().await;
    }
    for voucher in &vouchers {
        assert_eq!(
            live_for(&w, voucher),
            (1, 1),
            "{voucher} is booked once on each side"
        );
    }
    let doubles = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'push.applied' \
             AND after_state LIKE '%\"action\":\"create\"%'",
        )
        .await;
    assert_eq!(doubles, 10, "only the first ten creates made a booking");
}

/// The test world's engine with a full comparison every ten minutes.
fn sweeping(w: &World) -> SyncContext {
    let mut settings = w.ctx.settings.clone();
    settings.sweep_interval_secs = 600;
    SyncContext::new(
        w.ctx.db.clone(),
        w.ctx.clock.clone(),
        settings,
        w.ctx.connector.clone(),
    )
}

async fn termino_side_of(app: &TestApp, voucher: &str) -> Option<String> {
    let (id,): (Option<String>,) = sqlx::query_as(
        "SELECT t.external_id FROM booking_links l \
         LEFT JOIN external_bookings t ON t.id = l.termino_booking_id \
         WHERE l.voucher_code = $1 AND l.superseded_by IS NULL",
    )
    .bind(voucher)
    .fetch_one(app.db.pool())
    .await
    .expect("link query");
    id
}

async fn a_full_comparison_finds_what_the_change_feed_will_never_show_again(app: TestApp) {
    let w = World::of(&app);
    let ctx = sweeping(&w);
    let start = tomorrow(&app);
    let made: Vec<(String, String)> = (0..3u32)
        .map(|n| w.redeem(0, start + i64::from(n) * 3 * HOUR, 400 + n))
        .collect();
    settle(&ctx).await;
    let partner = &w.partner.termino_partner_id;
    let (lost, lost_voucher) = &made[0];
    let (moved, moved_voucher) = &made[1];
    let (deleted, deleted_voucher) = &made[2];
    let was = w
        .calendar_booking(moved_voucher)
        .expect("calendar booking")
        .start_at;

    // Our snapshot of one reservation is lost; the feed's cursor is long past it.
    let (snapshot,): (i64,) =
        sqlx::query_as("SELECT termino_booking_id FROM booking_links WHERE voucher_code = $1")
            .bind(lost_voucher)
            .fetch_one(app.db.pool())
            .await
            .expect("link");
    lose_snapshot(&app, snapshot).await;
    // The feed skips a change: its cursor jumps ahead, then the customer moves a booking.
    sqlx::query("UPDATE sync_cursors SET position = '1000000000' WHERE system = 'termino'")
        .execute(app.db.pool())
        .await
        .expect("cursor");
    let r = w.reservation(moved);
    w.sandbox
        .termino
        .customer_self_reschedule(partner, moved, r.start_at + 2 * HOUR, r.end_at + 2 * HOUR)
        .expect("the customer moves it");
    // So does the channel feed's: past the move, to a place it keeps.
    sqlx::query("UPDATE channel_feeds SET position = $1")
        .bind(w.sandbox.termino.head_version().to_string())
        .execute(app.db.pool())
        .await
        .expect("channel cursor");
    // Someone deletes a reservation, which the rules forbid; the feed says nothing of it.
    w.sandbox
        .termino
        .delete_reservation(partner, deleted)
        .expect("deleted");
    settle(&ctx).await;
    assert_eq!(
        termino_side_of(&app, lost_voucher).await,
        None,
        "the feed alone never shows the lost reservation again"
    );
    assert_eq!(
        w.calendar_booking(moved_voucher).expect("booking").start_at,
        was,
        "the feed alone never shows the move"
    );
    assert_eq!(
        open_kind(&app, "deleted_remotely").await,
        None,
        "nor the deletion"
    );

    // One period later the sweep reads the whole listing again.
    app.clock.advance(601);
    settle(&ctx).await;
    assert_eq!(
        termino_side_of(&app, lost_voucher).await.as_deref(),
        Some(lost.as_str()),
        "the lost snapshot is read again and linked"
    );
    assert_eq!(
        w.calendar_booking(moved_voucher).expect("booking").start_at,
        was + 2 * HOUR,
        "the skipped move reaches the calendar"
    );
    let (severity, details) = open_kind(&app, "deleted_remotely")
        .await
        .expect("the deleted reservation is flagged");
    assert_eq!(severity, "critical", "{details}");
    assert_eq!(
        termino_side_of(&app, deleted_voucher).await.as_deref(),
        Some(deleted.as_str())
    );
    let found = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE actor = 'sync' \
             AND after_state LIKE '%\"found_by\":\"sweep\"%'",
        )
        .await;
    assert!(found >= 3, "what the sweep found is audited: {found}");
    assert_eq!(
        w.calendar_bookings_for(lost_voucher),
        1,
        "nothing was booked twice"
    );
}

/// What runs while a Reservio listing is on its way: armed once, it runs after the system
/// answered and before the answer is stored, as with a slow answer.
#[derive(Default)]
struct Meanwhile(tokio::sync::Mutex<Option<BoxFuture<'static, ()>>>);

impl Tap for Meanwhile {
    fn after(&self, system: System, call: Call) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if (system, call) != (System::Reservio, Call::Listing) {
                return;
            }
            let armed = self.0.lock().await.take();
            if let Some(meanwhile) = armed {
                meanwhile.await;
            }
        })
    }
}

/// Reservio does not version its bookings: a listing asked for before a procedure cancelled the
/// booking, and stored after the procedure stored its read-back, used to put the booking back
/// as confirmed — the procedure "completed", the link flagged as differing, and a calendar
/// listing that never showed a booking the procedure had just read marked it gone.
async fn a_poll_that_crosses_a_procedure_never_puts_back_what_the_procedure_changed(app: TestApp) {
    use crate::common::procedure::{hooks, link_of, start};
    use bookbridge::domain::procedure::Params;

    let w = World::of(&app);
    let (_, voucher, booking) = w.agreed_booking(0, tomorrow(&app) + 3 * HOUR, 7).await;
    let link = link_of(&app, &voucher).await;
    let op = start(
        &app,
        &w,
        link,
        Params::Cancel {
            reason: "the customer asked".into(),
        },
    )
    .await
    .expect("the procedure starts");

    // While the poll's listing is on its way, the procedure runs to its end.
    let (ctx, db, clock) = (w.ctx.clone(), app.db.clone(), app.clock.clone());
    let procedure: BoxFuture<'static, ()> = Box::pin(async move {
        for _ in 0..30 {
            bookbridge::sync::procedure::run_one(&ctx, &hooks(), op)
                .await
                .expect("the runner runs");
            let (state,): (String,) = sqlx::query_as("SELECT state FROM procedures WHERE id = $1")
                .bind(op)
                .fetch_one(db.pool())
                .await
                .expect("the procedure");
            if state != "running" && state != "pending" {
                assert_eq!(state, "completed", "the procedure completes");
                return;
            }
            clock.advance(5);
        }
        panic!("the procedure did not end");
    });
    let meanwhile = Arc::new(Meanwhile(tokio::sync::Mutex::new(Some(procedure))));
    let crossing = tapped(&w.ctx, meanwhile.clone());
    for _ in 0..10 {
        if meanwhile.0.lock().await.is_none() {
            break;
        }
        app.clock.advance(10 * 60);
        sync_all(&crossing).await.expect("sync round runs");
    }
    assert!(
        meanwhile.0.lock().await.is_none(),
        "a Reservio listing crossed the procedure"
    );
    assert_eq!(
        crate::common::procedure::reservio_state(&w, &voucher),
        "canceled"
    );

    let (status, vanished): (String, Option<i64>) = sqlx::query_as(
        "SELECT status, vanished_at FROM external_bookings WHERE system = 'reservio' \
         AND external_id = $1",
    )
    .bind(&booking)
    .fetch_one(app.db.pool())
    .await
    .expect("the calendar booking's snapshot");
    assert_eq!(
        (status.as_str(), vanished),
        ("cancelled", None),
        "the stored snapshot is the procedure's read-back, not the older listing"
    );
    sync_all(&crossing).await.expect("sync round runs");
    let flagged = app
        .count(&format!(
            "SELECT COUNT(*) FROM mismatches WHERE link_id = {link}"
        ))
        .await;
    assert_eq!(flagged, 0, "nothing was flagged on the way");
}

/// The rule behind the crossing above, row by row: without versions the read that began later
/// is kept; with versions (Termino) the versions decide whatever the order of the reads; and a
/// listing's "no longer there" never covers a booking first read after the listing began.
async fn of_two_reads_that_cross_the_later_one_is_kept_and_a_listing_misses_nothing_read_after_it(
    app: TestApp,
) {
    use bookbridge::clock::ReadMark;
    use bookbridge::db::bookings::{self, Stored};

    let w = World::of(&app);
    let connection = w.partner.connection_id;
    let start = tomorrow(&app) + 30 * 24 * HOUR;
    let now = app.clock.now();
    let confirmed = common::world::remote(System::Reservio, "cross-1", start, "Cross");
    let cancelled = bookbridge::domain::RemoteBooking {
        status: BookingStatus::Cancelled,
        ..confirmed.clone()
    };
    let mut tx = app.db.begin_write().await.expect("tx");
    let first = bookings::upsert(&mut tx, connection, &cancelled, Some(ReadMark(300)), now)
        .await
        .expect("stored");
    let id = first.id();
    assert!(matches!(first, Stored::New(_)));
    let older = bookings::upsert(&mut tx, connection, &confirmed, Some(ReadMark(200)), now)
        .await
        .expect("stored");
    assert_eq!(
        older,
        Stored::Unchanged(id),
        "a read that began earlier is not kept"
    );
    let newer = bookings::upsert(&mut tx, connection, &confirmed, Some(ReadMark(400)), now)
        .await
        .expect("stored");
    assert_eq!(newer, Stored::Changed(id), "a read that began later is");

    let versioned = |v, status| bookbridge::domain::RemoteBooking {
        system: System::Termino,
        external_id: "cross-t".into(),
        remote_version: Some(v),
        status,
        ..confirmed.clone()
    };
    let t = bookings::upsert(
        &mut tx,
        connection,
        &versioned(6, BookingStatus::Cancelled),
        Some(ReadMark(100)),
        now,
    )
    .await
    .expect("stored")
    .id();
    let stale = bookings::upsert(
        &mut tx,
        connection,
        &versioned(5, BookingStatus::Confirmed),
        Some(ReadMark(900)),
        now,
    )
    .await
    .expect("stored");
    assert_eq!(
        stale,
        Stored::Unchanged(t),
        "an older version read later is not kept"
    );

    let early = common::world::remote(System::Reservio, "cross-2", start, "Early");
    let early = bookings::upsert(&mut tx, connection, &early, Some(ReadMark(350)), now)
        .await
        .expect("stored")
        .id();
    let known = bookings::present_in_window(
        &mut tx,
        connection,
        System::Reservio,
        (start, start + HOUR),
        ReadMark(370),
    )
    .await
    .expect("listed");
    tx.commit().await.expect("commit");
    let ids: Vec<i64> = known.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        vec![early],
        "read at 400, after the listing began at 370: not among what the listing must show"
    );
}

/// Reconcile reads a page of links, then writes what it decided. A link marked in between (a
/// procedure's step, a push's answer, Partner Care's action) used to be unmarked again by that
/// write, and waited for the safety net, hours later. Each mark is counted, even on a link
/// already marked, and reconcile writes a link only while the count is the one it read.
async fn a_mark_made_while_reconcile_decides_survives_what_reconcile_writes(app: TestApp) {
    use bookbridge::db::links;

    let w = World::of(&app);
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app) + 5 * HOUR, 11).await;
    let link = crate::common::procedure::link_of(&app, &voucher).await;
    let read = links::find_row(&app.db, link)
        .await
        .expect("read")
        .expect("the link");
    let mark = || async {
        let mut tx = app.db.begin_write().await.expect("tx");
        links::mark_for_check(&mut tx, link).await.expect("marked");
        tx.commit().await.expect("commit");
    };
    mark().await;
    mark().await;
    let next_check = |id: i64| {
        let db = app.db.clone();
        async move {
            let (at, marks): (Option<i64>, i64) =
                sqlx::query_as("SELECT next_check_at, marks FROM booking_links WHERE id = $1")
                    .bind(id)
                    .fetch_one(db.pool())
                    .await
                    .expect("the link");
            (at, marks)
        }
    };
    let (at, marks) = next_check(link).await;
    assert_eq!(at, Some(0), "marked");
    assert_eq!(marks, read.marks + 2, "a mark on a marked link counts too");

    let written = links::set_next_check_unless_marked(app.db.pool(), link, None, read.marks).await;
    assert!(
        !written.expect("runs"),
        "what was read before the mark is not written"
    );
    let mut tx = app.db.begin_write().await.expect("tx");
    let taken = links::take_unless_marked(&mut tx, link, read.marks)
        .await
        .expect("runs");
    tx.commit().await.expect("commit");
    assert!(!taken, "nor taken for writes");
    assert_eq!(next_check(link).await.0, Some(0), "still marked");

    let written = links::set_next_check_unless_marked(app.db.pool(), link, None, marks).await;
    assert!(written.expect("runs"), "what was read after it is");
    assert_eq!(
        next_check(link).await,
        (None, marks),
        "and unmarks nothing else"
    );

    // A sync still reconciles it: nothing differs, nothing is flagged.
    w.settle().await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM mismatches WHERE link_id = {link}"
        ))
        .await,
        0
    );
}
