//! Writes that wait: credentials a system refused (a 401 marks the connection, flags it to the
//! partner and Partner Care, holds every push until new credentials are entered, and loses
//! nothing), a partner OAuth client whose access tokens are renewed before they expire, and
//! observe mode (reads, links and flags as live does, writes nothing, records what it would do).

use std::collections::BTreeMap;
use std::time::Duration;

use bookbridge::db::connections;
use bookbridge::sandbox::reservio::EffectKind as ReservioEffect;
use bookbridge::sandbox::world::DemoPartner;
use bookbridge::sync::{SyncContext, sync_all};
use bookbridge::systems::SystemError;
use bookbridge::systems::reservio::{ReservioClient, WindowPolicy};

use crate::common::world::{DAY, HOUR, World, open_kind, restart_demo, tomorrow};
use crate::common::{self, TestApp, TestFn, html, select_texts};

pub fn tests() -> Vec<(&'static str, TestFn)> {
    crate::tests![
        a_refused_token_holds_every_write_flags_the_connection_and_new_credentials_deliver_what_waited,
        an_oauth_client_gets_a_new_access_token_before_the_old_one_expires,
        observe_mode_flags_what_live_flags_and_switching_to_live_is_audited_and_lets_the_pushes_go,
        in_observe_mode_nothing_is_written_to_either_system_under_the_activity_generator,
    ]
}

fn moves_in_reservio(w: &World) -> usize {
    w.sandbox
        .reservio
        .effects()
        .iter()
        .filter(|e| e.kind == ReservioEffect::Moved)
        .count()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

async fn a_refused_token_holds_every_write_flags_the_connection_and_new_credentials_deliver_what_waited(
    app: TestApp,
) {
    let w = World::of(&app);
    let start = tomorrow(&app);
    let (reservation, voucher, _) = w.agreed_booking(0, start, 41).await;
    let (_, _, duration) = w.offer(0);
    // Reservio ends the token the connection holds.
    w.sandbox
        .reservio
        .add_business(&w.partner.business_id, "tok-renewed-41");
    let moved = start + DAY;
    w.sandbox
        .termino
        .customer_self_reschedule(
            &w.partner.termino_partner_id,
            &reservation,
            moved,
            moved + duration,
        )
        .expect("the customer moves the booking");
    w.settle().await;

    let id = w.partner.connection_id;
    let conn = connections::find(&app.db, id)
        .await
        .expect("read")
        .expect("connection");
    assert!(conn.credentials_expired_at.is_some(), "the 401 marks it");
    assert_eq!(audited(&app, "connection.credentials_expired").await, 1);
    assert_eq!(moves_in_reservio(&w), 0, "nothing is written meanwhile");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND held = 'credentials_expired'"
        )
        .await,
        1,
        "the move waits, held, not failed"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE state = 'failed'")
            .await,
        0
    );
    assert!(open_kind(&app, "push_failed").await.is_none());

    // The partner and Partner Care both see it.
    let partner = app.login("partner@demo.test").await;
    let flag = format!("[data-expired-credentials='{id}']");
    let page = html(app.get(&partner, "/connection").await).await;
    assert_eq!(select_texts(&page, &flag).len(), 1, "on the partner's page");
    let care = app.login("care@demo.test").await;
    let queue = html(app.get(&care, "/care/mismatches").await).await;
    assert_eq!(select_texts(&queue, &flag).len(), 1, "in the Care queue");

    // Credentials Reservio refuses too are refused at once, and change nothing.
    let path = format!("/connection/{id}/credentials");
    let wrong = app
        .post_form(
            &partner,
            "/connection",
            &path,
            &[("kind", "token"), ("token", "tok-wrong")],
        )
        .await;
    assert_eq!(wrong.status(), 400);
    assert!(
        connections::find(&app.db, id)
            .await
            .expect("read")
            .expect("connection")
            .credentials_expired_at
            .is_some()
    );

    // The partner enters the new token: the move that waited goes, once.
    let fixed = app
        .post_form(
            &partner,
            "/connection",
            &path,
            &[("kind", "token"), ("token", "tok-renewed-41")],
        )
        .await;
    assert_eq!(fixed.status(), 303);
    w.settle().await;
    let booking = w.calendar_booking(&voucher).expect("booking");
    assert_eq!(
        (booking.start_at, booking.end_at),
        (moved, moved + duration)
    );
    assert_eq!(moves_in_reservio(&w), 1);
    let conn = connections::find(&app.db, id)
        .await
        .expect("read")
        .expect("connection");
    assert!(conn.credentials_expired_at.is_none());
    assert_eq!(audited(&app, "connection.credentials_replaced").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE after_state LIKE '%tok-renewed%'")
            .await,
        0,
        "the token is never in the audit log"
    );
    let page = html(app.get(&partner, "/connection").await).await;
    assert!(select_texts(&page, &flag).is_empty(), "the flag is gone");
}

async fn an_oauth_client_gets_a_new_access_token_before_the_old_one_expires(app: TestApp) {
    let w = World::of(&app);
    let fake = &w.sandbox.reservio;
    let business = w.partner.business_id.clone();
    fake.add_oauth_client(&business, "partner-app", "s3cret");
    fake.set_token_lifetime(600);
    let client = ReservioClient::new(
        &fake.url(),
        "oauth2-client:partner-app:s3cret",
        Duration::from_secs(5),
        WindowPolicy::rolling(app.clock.clone()),
    )
    .expect("client");
    client.list_services(&business).await.expect("reads");
    assert_eq!((client.token_refreshes(), fake.tokens_issued()), (1, 1));
    app.clock.advance(300);
    client.list_services(&business).await.expect("reads");
    assert_eq!(client.token_refreshes(), 1, "the token is still good");
    // 59 seconds before it expires: a new one, while the old one would still work.
    app.clock.advance(241);
    client.list_services(&business).await.expect("reads");
    assert_eq!((client.token_refreshes(), fake.tokens_issued()), (2, 2));
    // Reservio ends the tokens early: one 401, a new token, the call succeeds.
    fake.expire_issued_tokens();
    client.list_services(&business).await.expect("reads");
    assert_eq!(client.token_refreshes(), 3);
    // The client itself is revoked: the 401 reaches the caller.
    fake.add_oauth_client(&business, "partner-app", "rotated");
    fake.expire_issued_tokens();
    assert!(matches!(
        client.list_services(&business).await,
        Err(SystemError::Http { status: 401, .. })
    ));

    // The sales rep gives the connection the OAuth client: the sync books through it.
    fake.add_oauth_client(&business, "partner-app", "s3cret");
    let sales = app.login("sales@demo.test").await;
    let id = w.partner.connection_id;
    let answer = app
        .post_form(
            &sales,
            &format!("/sales/connections/{id}"),
            &format!("/sales/connections/{id}/credentials"),
            &[
                ("kind", "oauth"),
                ("client_id", "partner-app"),
                ("client_secret", "s3cret"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    let before = fake.tokens_issued();
    let (_, voucher, _) = w.agreed_booking(0, tomorrow(&app), 42).await;
    assert_eq!(w.calendar_bookings_for(&voucher), 1);
    assert!(
        fake.tokens_issued() > before,
        "the sync used the OAuth client"
    );
    let stored: (Option<String>,) =
        sqlx::query_as("SELECT reservio_token FROM connections WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert!(
        !stored.0.unwrap_or_default().contains("s3cret"),
        "the client secret is sealed"
    );
}

/// Four agreed bookings of partner `p`: (Reservio booking, reservation, voucher, start).
async fn agreed(
    app: &TestApp,
    ctx: &SyncContext,
    w: &World,
    p: &DemoPartner,
    base: u32,
) -> Vec<(String, String, String, i64)> {
    let (_, offer, minutes) = p.services[0].clone();
    let mut made = vec![];
    for k in 0..4u32 {
        let start = tomorrow(app) + i64::from(k) * DAY;
        let voucher = format!("OBS{base:03}{k}");
        let customer = bookbridge::domain::Customer {
            name: format!("Observed {k}"),
            email: format!("o{base}{k}@example.test"),
            phone: format!("+420 600 111 {k:03}"),
        };
        let id = w
            .sandbox
            .termino
            .redeem_voucher(
                &p.termino_partner_id,
                &voucher,
                &offer,
                start,
                start + i64::from(minutes) * 60,
                customer,
            )
            .expect("redeem");
        w.sandbox
            .termino
            .set_status(
                &p.termino_partner_id,
                &id,
                bookbridge::domain::BookingStatus::Confirmed,
            )
            .expect("confirm");
        made.push((id, voucher, start));
    }
    for _ in 0..3 {
        sync_all(ctx).await.expect("round");
    }
    made.into_iter()
        .map(|(reservation, voucher, start)| {
            let booking = w
                .sandbox
                .reservio
                .bookings(&p.business_id)
                .into_iter()
                .find(|b| {
                    bookbridge::systems::reservio::note::NoteMarkers::parse(&b.note)
                        .voucher_code
                        .as_deref()
                        == Some(voucher.as_str())
                })
                .expect("booked in the calendar");
            (booking.id, reservation, voucher, start)
        })
        .collect()
}

/// The same everyday changes made to one partner's bookings.
fn same_changes(w: &World, p: &DemoPartner, items: &[(String, String, String, i64)], n: u32) {
    let minutes = i64::from(p.services[0].2) * 60;
    let (_, reservation, _, start) = &items[0];
    w.sandbox
        .termino
        .customer_self_reschedule(
            &p.termino_partner_id,
            reservation,
            start + 2 * HOUR,
            start + 2 * HOUR + minutes,
        )
        .expect("customer moves");
    let (booking, _, _, start) = &items[1];
    w.sandbox.reservio.staff_move(
        &p.business_id,
        booking,
        start + HOUR,
        start + HOUR + minutes,
    );
    w.sandbox
        .termino
        .cancel_voucher_by_channel(&p.termino_partner_id, &items[2].2)
        .expect("voucher cancelled");
    w.sandbox
        .reservio
        .staff_set_state(&p.business_id, &items[3].0, "rejected");
    let (_, offer, _) = p.services[0].clone();
    let start = tomorrow_of(w) + 10 * DAY;
    let id = w
        .sandbox
        .termino
        .redeem_voucher(
            &p.termino_partner_id,
            &format!("OBSNEW{n}"),
            &offer,
            start,
            start + minutes,
            bookbridge::domain::Customer {
                name: "New Customer".into(),
                email: format!("new{n}@example.test"),
                phone: "+420 600 222 333".into(),
            },
        )
        .expect("redeem");
    w.sandbox
        .termino
        .set_status(
            &p.termino_partner_id,
            &id,
            bookbridge::domain::BookingStatus::Confirmed,
        )
        .expect("confirm");
}

fn tomorrow_of(w: &World) -> i64 {
    (w.ctx.clock.now().div_euclid(DAY) + 1) * DAY + 9 * HOUR
}

async fn open_kinds(app: &TestApp, connection_id: i64) -> BTreeMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT m.kind, COUNT(*) FROM mismatches m JOIN booking_links l ON l.id = m.link_id \
         WHERE l.connection_id = $1 AND m.state <> 'resolved' GROUP BY m.kind",
    )
    .bind(connection_id)
    .fetch_all(app.db.pool())
    .await
    .expect("mismatches");
    rows.into_iter().collect()
}

async fn set_observe(app: &TestApp, connection_id: i64) {
    sqlx::query("UPDATE connections SET observe = 1 WHERE id = $1")
        .bind(connection_id)
        .execute(app.db.pool())
        .await
        .expect("observe");
}

async fn observe_mode_flags_what_live_flags_and_switching_to_live_is_audited_and_lets_the_pushes_go(
    app: TestApp,
) {
    let w = World::of(&app);
    let partners = w.sandbox.partners();
    assert!(partners.len() >= 2, "two demo partners to compare");
    let (observed, live) = (&partners[0], &partners[1]);
    let observed_items = agreed(&app, &w.ctx, &w, observed, 1).await;
    let live_items = agreed(&app, &w.ctx, &w, live, 2).await;
    set_observe(&app, observed.connection_id).await;
    let (reservio_before, termino_before) = (
        w.sandbox.reservio.effects().len(),
        w.sandbox.termino.effects().len(),
    );
    same_changes(&w, observed, &observed_items, 1);
    same_changes(&w, live, &live_items, 2);
    w.settle().await;

    let (observed_kinds, live_kinds) = (
        open_kinds(&app, observed.connection_id).await,
        open_kinds(&app, live.connection_id).await,
    );
    assert!(
        observed_kinds.contains_key("status_differs")
            && observed_kinds.contains_key("rejected_without_care"),
        "{observed_kinds:?}"
    );
    assert_eq!(observed_kinds, live_kinds, "observe flags what live flags");
    // Live carried its three changes across; observe recorded its three as "would do".
    let live_moved = w
        .sandbox
        .reservio
        .get_booking(&observed.business_id, &observed_items[0].0)
        .expect("booking");
    assert_eq!(
        live_moved.start_at, observed_items[0].3,
        "not moved in observe mode"
    );
    let would = app
        .count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE connection_id = {} AND state = 'pending' \
             AND held = 'observe'",
            observed.connection_id
        ))
        .await;
    assert_eq!(would, 3, "the two moves and the new booking wait");
    assert_eq!(audited(&app, "push.would_do").await, 3);
    assert!(w.sandbox.reservio.effects().len() > reservio_before);
    assert!(w.sandbox.termino.effects().len() > termino_before);
    // The booking's page shows what bookbridge would do.
    let link: (i64,) = sqlx::query_as(
        "SELECT link_id FROM outbox WHERE connection_id = $1 AND held = 'observe' ORDER BY id",
    )
    .bind(observed.connection_id)
    .fetch_one(app.db.pool())
    .await
    .expect("held push");
    let partner = app.login("partner@demo.test").await;
    let page = html(app.get(&partner, &format!("/bookings/{}", link.0)).await).await;
    assert_eq!(
        select_texts(&page, "#booking-would-do [data-held=observe]").len(),
        1
    );

    // A connection requested with a real (typed-in) calendar starts observing.
    let account = w.sandbox.new_business().expect("a calendar account");
    let requested = app
        .post_form(
            &partner,
            "/connection",
            "/connection",
            &[
                ("reservio_business_id", account.id.as_str()),
                ("reservio_token", account.token.as_str()),
            ],
        )
        .await;
    assert_eq!(requested.status(), 303);
    assert_eq!(
        app.count(&format!(
            "SELECT observe FROM connections WHERE reservio_business_id = '{}'",
            account.id
        ))
        .await,
        1
    );

    // The sales rep switches it to live: audited, and the recorded pushes go.
    let sales = app.login("sales@demo.test").await;
    let id = observed.connection_id;
    let page = html(app.get(&sales, &format!("/sales/connections/{id}")).await).await;
    assert_eq!(select_texts(&page, "#switch-live").len(), 1);
    let answer = app
        .post_form(
            &sales,
            &format!("/sales/connections/{id}"),
            &format!("/sales/connections/{id}/mode"),
            &[("mode", "live")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(audited(&app, "connection.mode_changed").await, 1);
    w.settle().await;
    let moved = w
        .sandbox
        .reservio
        .get_booking(&observed.business_id, &observed_items[0].0)
        .expect("booking");
    assert_eq!(
        moved.start_at,
        observed_items[0].3 + 2 * HOUR,
        "the customer's move reached the calendar"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM outbox WHERE connection_id = {id} AND state = 'pending'"
        ))
        .await,
        0
    );
    assert_eq!(
        open_kinds(&app, observed.connection_id).await,
        live_kinds,
        "and it agrees with live"
    );
}

async fn in_observe_mode_nothing_is_written_to_either_system_under_the_activity_generator(
    app: TestApp,
) {
    let demo = restart_demo(&app, 12).await;
    let sandbox = demo.sandbox().expect("sandbox");
    let ctx = demo.state().sync.clone().expect("sync");
    for _ in 0..3 {
        sync_all(&ctx).await.expect("round");
    }
    for p in sandbox.partners() {
        set_observe(&app, p.connection_id).await;
    }
    let (reservio, termino) = (
        sandbox.reservio.effects().len(),
        sandbox.termino.effects().len(),
    );
    let mut done = 0;
    for _ in 0..80 {
        if sandbox.one_activity().is_ok() {
            done += 1;
        }
        sync_all(&ctx).await.expect("round");
    }
    assert!(done > 20, "the generator made {done} changes");
    assert_eq!(
        sandbox.reservio.effects().len(),
        reservio,
        "Reservio's write ledger stays empty"
    );
    assert_eq!(
        sandbox.termino.effects().len(),
        termino,
        "Termino's write ledger stays empty"
    );
    assert!(
        audited(&app, "push.would_do").await > 0,
        "what would be written is recorded"
    );
}
