//! When Reservio's listing lies (issue 18): the fake's listing switches — the date filter
//! applied to `createdAt` or ignored, `include` ignored, an empty answer — must never turn into
//! false facts: a vanished side agrees with nothing, a whole calendar gone at once is one alarm,
//! an unreadable read-back is "unknown", and an unreadable listing is one log line.

use bookbridge::domain::BookingStatus;
use bookbridge::sandbox::reservio::listing::{DateFilter, ListingQuirks};
use bookbridge::web::paths;

use crate::common::TestApp;
use crate::common::world::{DAY, HOUR, World, open_kind, tomorrow};

/// Ids of the unresolved mismatches of `kind`, oldest first.
async fn open_ids(app: &TestApp, kind: &str) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM mismatches WHERE kind = $1 AND state <> 'resolved' ORDER BY id",
    )
    .bind(kind)
    .fetch_all(app.db.pool())
    .await
    .expect("mismatch query");
    rows.into_iter().map(|(id,)| id).collect()
}

fn created_at_filter() -> ListingQuirks {
    ListingQuirks {
        date_filter: DateFilter::CreatedAt,
        ..ListingQuirks::default()
    }
}

pub async fn a_vanished_side_agrees_with_nothing_and_its_mismatches_carry_on_when_it_returns(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app) + 5 * DAY;
    let (_, _, rejected) = w.agreed_booking(0, start, 201).await;
    let (reservation, _, _) = w.agreed_booking(1, start + 2 * HOUR, 202).await;
    w.sandbox
        .reservio
        .staff_set_state(&w.partner.business_id, &rejected, "rejected");
    w.sandbox
        .termino
        .set_status(
            &w.partner.termino_partner_id,
            &reservation,
            BookingStatus::Cancelled,
        )
        .expect("voucher cancelled");
    w.settle().await;
    let rejected_rows = open_ids(&app, "rejected_without_care").await;
    let status_rows = open_ids(&app, "status_differs").await;
    assert_eq!((rejected_rows.len(), status_rows.len()), (1, 1));

    // The date filter turns out to select by `createdAt`: two days on, both bookings were made
    // before the window and drop out of the listing.
    w.sandbox.reservio.set_listing(created_at_filter());
    app.clock.advance(2 * DAY);
    w.settle().await;
    assert_eq!(
        open_ids(&app, "deleted_remotely").await.len(),
        2,
        "both bookings are gone from the listing"
    );
    assert_eq!(
        open_ids(&app, "rejected_without_care").await,
        rejected_rows,
        "a side we cannot see does not agree with anything"
    );
    assert_eq!(open_ids(&app, "status_differs").await, status_rows);
    let resolved = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'mismatch.resolved'")
        .await;
    assert_eq!(resolved, 0, "nothing was resolved as agreeing");

    // The listing is fixed: the bookings come back, and the same rows carry on.
    w.sandbox.reservio.set_listing(ListingQuirks::default());
    w.settle().await;
    assert!(open_kind(&app, "deleted_remotely").await.is_none());
    assert_eq!(open_ids(&app, "rejected_without_care").await, rejected_rows);
    assert_eq!(open_ids(&app, "status_differs").await, status_rows);
    let reopened = app
        .count(
            "SELECT COUNT(*) FROM mismatches WHERE kind IN ('rejected_without_care', \
             'status_differs')",
        )
        .await;
    assert_eq!(reopened, 2, "no new rows: their history is intact");
}

/// `include` ignored and no way to read a booking's event on its own: nothing can be mapped.
/// (With the single reads there, the client reads events and clients one by one instead; the
/// contract suite covers that.)
fn include_ignored() -> ListingQuirks {
    ListingQuirks {
        include_ignored: true,
        related_reads_missing: true,
        ..ListingQuirks::default()
    }
}

pub async fn a_change_whose_read_back_cannot_be_read_stays_pending_and_is_verified_later(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app) + DAY;
    let (reservation, voucher, _) = w.agreed_booking(1, start, 211).await;
    let (_, _, duration) = w.offer(1);
    // Reservio stops sending `included`: every read of a booking is unreadable from now on.
    w.sandbox.reservio.set_listing(include_ignored());
    let moved = start + DAY;
    w.sandbox
        .termino
        .customer_self_reschedule(
            &w.partner.termino_partner_id,
            &reservation,
            moved,
            moved + duration,
        )
        .expect("the customer's one self-reschedule");
    w.settle().await;
    let booking = w.calendar_booking(&voucher).expect("booking");
    assert_eq!(booking.start_at, moved, "Reservio did apply the move");
    assert!(
        open_kind(&app, "push_failed").await.is_none(),
        "an unreadable read-back is unknown, not failed"
    );
    let failed = app
        .count("SELECT COUNT(*) FROM outbox WHERE state = 'failed'")
        .await;
    assert_eq!(failed, 0);
    let pending = app
        .count("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND action = 'update_time'")
        .await;
    assert_eq!(pending, 1, "kept pending until a readable read verifies it");
    let unverified = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'push.unverified'")
        .await;
    assert!(unverified >= 1, "the unknown outcome is audited");

    // Readable again: the next poll sees the new time and the push is verified, not redone.
    w.sandbox.reservio.set_listing(ListingQuirks::default());
    app.clock.advance(HOUR);
    w.settle().await;
    let pending = app
        .count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
        .await;
    assert_eq!(pending, 0);
    assert!(
        crate::common::world::open_mismatches(&app).await.is_empty(),
        "{:?}",
        crate::common::world::open_mismatches(&app).await
    );
    let moves = w
        .sandbox
        .reservio
        .effects()
        .into_iter()
        .filter(|e| e.kind == bookbridge::sandbox::reservio::EffectKind::Moved)
        .count();
    assert_eq!(moves, 1, "applied once");
}

/// Redeems `n` vouchers a couple of hours apart and lets sync copy them into the calendar.
async fn calendar_of(w: &World, app: &TestApp, n: u32, first: u32) {
    let start = tomorrow(app) + 3 * DAY;
    for i in 0..n {
        w.redeem((i % 3) as usize, start + i64::from(i) * 2 * HOUR, first + i);
    }
    w.settle().await;
    assert_eq!(
        w.sandbox.reservio.bookings(&w.partner.business_id).len(),
        n as usize,
        "every voucher is in the calendar"
    );
}

async fn vanished(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM external_bookings WHERE vanished_at IS NOT NULL")
        .await
}

/// The connection's unresolved alarm: id, state, missing.
async fn alarm(app: &TestApp) -> Option<(i64, String, i64)> {
    sqlx::query_as(
        "SELECT id, state, missing FROM connection_alarms WHERE state <> 'resolved' ORDER BY id",
    )
    .fetch_optional(app.db.pool())
    .await
    .expect("alarm query")
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .expect("audit query");
    n
}

/// A logged-in user of the world's partner.
pub async fn partner_user(app: &TestApp, w: &World) -> reqwest::Client {
    let (email,): (String,) =
        sqlx::query_as("SELECT email FROM users WHERE partner_id = $1 ORDER BY id LIMIT 1")
            .bind(w.partner.partner_id)
            .fetch_one(app.db.pool())
            .await
            .expect("the demo partner has a user");
    app.login(&email).await
}

async fn page_text(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("page body")
}

pub async fn an_empty_listing_of_a_known_calendar_is_one_alarm_not_a_flood_of_deletions(
    app: TestApp,
) {
    let w = World::of(&app);
    calendar_of(&w, &app, 6, 221).await;
    // A token for the wrong business: the listing answers, with no bookings at all.
    w.sandbox.reservio.set_listing(ListingQuirks {
        answers_empty: true,
        ..ListingQuirks::default()
    });
    w.settle().await;
    assert_eq!(vanished(&app).await, 0, "the vanish marking is held");
    assert!(open_kind(&app, "deleted_remotely").await.is_none());
    let (_, state, missing) = alarm(&app).await.expect("one connection alarm");
    assert_eq!((state.as_str(), missing), ("open", 6));
    assert_eq!(
        audited(&app, "connection.alarm_opened").await,
        1,
        "raised once"
    );
    let care = app.login("care@demo.test").await;
    let care_page = page_text(&app, &care, paths::CARE_MISMATCHES).await;
    assert!(
        care_page.contains("Reservio suddenly shows 6 fewer bookings — check the connection."),
        "Partner Care sees the alarm"
    );
    let partner = partner_user(&app, &w).await;
    let connection_page = page_text(&app, &partner, paths::CONNECTION).await;
    assert!(
        connection_page.contains("Reservio suddenly shows 6 fewer bookings"),
        "the partner sees it on its connection"
    );

    // The listing is whole again: the alarm resolves itself, audited, and nothing was marked.
    w.sandbox.reservio.set_listing(ListingQuirks::default());
    w.settle().await;
    assert!(alarm(&app).await.is_none());
    assert_eq!(audited(&app, "connection.alarm_resolved").await, 1);
    assert_eq!(vanished(&app).await, 0);
    assert!(crate::common::world::open_mismatches(&app).await.is_empty());
    // Normal marking is back: one booking deleted by staff is flagged as usual.
    let first = w.sandbox.reservio.bookings(&w.partner.business_id)[0]
        .id
        .clone();
    assert!(
        w.sandbox
            .reservio
            .staff_delete(&w.partner.business_id, &first)
    );
    w.settle().await;
    assert_eq!(open_ids(&app, "deleted_remotely").await.len(), 1);
}

pub async fn bookings_dropping_out_of_a_created_at_filter_raise_the_alarm_instead_of_deletions(
    app: TestApp,
) {
    let w = World::of(&app);
    calendar_of(&w, &app, 6, 231).await;
    w.sandbox.reservio.set_listing(created_at_filter());
    app.clock.advance(2 * DAY);
    w.settle().await;
    assert_eq!(vanished(&app).await, 0);
    assert!(open_kind(&app, "deleted_remotely").await.is_none());
    let (_, _, missing) = alarm(&app).await.expect("one connection alarm");
    assert_eq!(missing, 6);
}

pub async fn partner_care_confirming_the_alarm_lets_the_vanished_bookings_be_marked(app: TestApp) {
    let w = World::of(&app);
    calendar_of(&w, &app, 6, 241).await;
    // Someone really did delete the whole calendar.
    for b in w.sandbox.reservio.bookings(&w.partner.business_id) {
        w.sandbox
            .reservio
            .staff_delete(&w.partner.business_id, &b.id);
    }
    w.settle().await;
    let (id, _, _) = alarm(&app).await.expect("alarm raised");
    assert_eq!(vanished(&app).await, 0);

    let care = app.login("care@demo.test").await;
    let response = app
        .post_form(
            &care,
            paths::CARE_MISMATCHES,
            &bookbridge::web::paths::care_alarm_confirm(id),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (actor,): (String,) = sqlx::query_as(
        "SELECT actor FROM audit_log WHERE action = 'connection.alarm_confirmed' \
         AND entity_id = $1",
    )
    .bind(id.to_string())
    .fetch_one(app.db.pool())
    .await
    .expect("the confirmation is audited");
    assert!(actor.contains("care@demo.test"), "{actor}");
    // Confirming twice changes nothing.
    let again = app
        .post_form(
            &care,
            paths::CARE_MISMATCHES,
            &bookbridge::web::paths::care_alarm_confirm(id),
            &[],
        )
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(audited(&app, "connection.alarm_confirmed").await, 1);

    w.settle().await;
    assert_eq!(vanished(&app).await, 6, "marked once a person confirmed");
    assert_eq!(open_ids(&app, "deleted_remotely").await.len(), 6);
    assert!(alarm(&app).await.is_none(), "the alarm is resolved");
    assert_eq!(audited(&app, "connection.alarm_resolved").await, 1);
}

/// Log lines written while `f` runs on this thread, at WARN and above.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().expect("log buffer").clone();
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_string)
            .collect()
    }
}

pub async fn bookings_that_cannot_be_read_are_one_log_line_per_cause_and_one_health_line(
    app: TestApp,
) {
    let w = World::of(&app);
    calendar_of(&w, &app, 3, 251).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    // The sync rounds run on this thread, so this thread's subscriber sees their logs.
    let guard = tracing::subscriber::set_default(subscriber);
    w.sandbox.reservio.set_listing(include_ignored());
    for _ in 0..3 {
        w.settle().await;
    }
    let warnings: Vec<String> = captured
        .lines()
        .into_iter()
        .filter(|l| l.contains("WARN") && l.contains("could not be read"))
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "once per connection and cause: {warnings:#?}"
    );
    assert!(warnings[0].contains("unreadable=3"), "{}", warnings[0]);
    assert!(warnings[0].contains("not included"), "{}", warnings[0]);
    assert_eq!(vanished(&app).await, 0);

    let care = app.login("care@demo.test").await;
    let care_page = page_text(&app, &care, paths::CARE_MISMATCHES).await;
    assert!(
        care_page.contains("Reservio: 3 bookings could not be read"),
        "the sync-health line says the same"
    );
    let partner = partner_user(&app, &w).await;
    let connection_page = page_text(&app, &partner, paths::CONNECTION).await;
    assert!(connection_page.contains("Reservio: 3 bookings could not be read"));

    // The cause goes away: one line saying so, and the health line clears.
    w.sandbox.reservio.set_listing(ListingQuirks::default());
    w.settle().await;
    drop(guard);
    let recovered = captured
        .lines()
        .into_iter()
        .filter(|l| l.contains("readable again"))
        .count();
    assert_eq!(recovered, 1);
    assert_eq!(audited(&app, "connection.listing_unreadable").await, 1);
    assert_eq!(audited(&app, "connection.listing_readable").await, 1);
    let care_page = page_text(&app, &care, paths::CARE_MISMATCHES).await;
    assert!(!care_page.contains("could not be read"));
}

pub async fn a_listing_that_ignores_the_date_filter_never_makes_bookings_beyond_the_window_vanish(
    app: TestApp,
) {
    let w = World::of(&app);
    calendar_of(&w, &app, 5, 261).await;
    let (service, _, duration) = w.offer(0);
    let far = tomorrow(&app) + 90 * DAY;
    let customer = bookbridge::domain::Customer {
        name: "Far Ahead".into(),
        email: "far@example.test".into(),
        phone: "+420 600 111 222".into(),
    };
    w.sandbox.reservio.staff_create(
        &w.partner.business_id,
        bookbridge::sandbox::reservio::StaffBooking::confirmed(
            &service,
            far,
            far + duration,
            customer,
        ),
    );
    // The whole history is listed: more bookings than the window holds, never fewer.
    w.sandbox.reservio.set_listing(ListingQuirks {
        date_filter: DateFilter::Ignored,
        ..ListingQuirks::default()
    });
    w.settle().await;
    assert!(alarm(&app).await.is_none());
    // Back to a filtered listing: the far booking is outside the window, not gone.
    w.sandbox.reservio.set_listing(ListingQuirks::default());
    w.settle().await;
    assert_eq!(vanished(&app).await, 0);
    assert!(alarm(&app).await.is_none());
    assert!(open_kind(&app, "deleted_remotely").await.is_none());
}
