//! The rows the fuzzed routes' ids name, so garbage reaches the handlers' own checks and not
//! only the "no such row" answer: one world stored straight into the foundation app's
//! database, and one second app on the same database with the sandbox's booking systems on.

use bookbridge::app::App;
use bookbridge::config::SystemsConfig;
use bookbridge::db::{Db, bookings, cases, connections, links, mismatches};
use bookbridge::domain::{BookingStatus, Customer, RemoteBooking, System};
use bookbridge::sync::sync_all;
use bookbridge::web::paths;

use crate::common::{self, TestApp};

/// The rows a route's `{id}` can name.
pub struct World {
    pub link: i64,
    pub mismatch: i64,
    pub case: i64,
    /// A connection of the first demo partner (`partner@demo.test`).
    pub partner_connection: i64,
    /// A connection the sales rep is still setting up.
    pub requested_connection: i64,
    pub connection_code: String,
    pub webhook_secret: String,
}

impl World {
    /// Ids a form field might name.
    pub fn ids(&self) -> Vec<i64> {
        vec![
            self.link,
            self.mismatch,
            self.case,
            self.partner_connection,
            self.requested_connection,
        ]
    }
}

async fn user(db: &Db, email: &str) -> (i64, i64) {
    let (user, partner): (i64, Option<i64>) =
        sqlx::query_as("SELECT id, partner_id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(db.pool())
            .await
            .expect("the demo user exists");
    (user, partner.unwrap_or_default())
}

fn booking(system: System, id: &str, start: i64) -> RemoteBooking {
    RemoteBooking {
        system,
        external_id: id.into(),
        start_at: start,
        end_at: start + 3600,
        service_id: "s1".into(),
        customer: Customer {
            name: "Jana Nováková".into(),
            email: "jana@example.test".into(),
            phone: "+420777000111".into(),
        },
        status: BookingStatus::Confirmed,
        voucher_code: Some("FUZZ-1".into()),
        counterpart_id: None,
        self_rescheduled: false,
        updated_at: None,
        remote_version: None,
        raw: "{}".into(),
    }
}

fn connection<'a>(
    partner_id: i64,
    connection_code: &'a str,
    state: &'a str,
) -> connections::NewConnection<'a> {
    connections::NewConnection {
        partner_id,
        connection_code,
        reservio_business_id: "biz-fuzz",
        termino_partner_id: "slv-fuzz",
        reservio_token: "unused",
        termino_token: "unused",
        webhook_secret: "fuzz-webhook-secret",
        state,
        actor: "system",
    }
}

/// An open mismatch and an open case on `link`.
async fn flag(db: &Db, now: i64, link: i64, partner: i64, connection: i64) -> (i64, i64) {
    let (partner_user, _) = user(db, "partner@demo.test").await;
    let mut tx = db.begin_write().await.expect("a transaction");
    let (mismatch, _) = mismatches::open_or_refresh(
        &mut tx,
        &mismatches::Detected {
            link_id: link,
            partner_id: partner,
            kind: "status_differs",
            severity: "high",
            details: "made up for the fuzz test",
        },
        now,
    )
    .await
    .expect("the mismatch");
    let case = cases::insert(
        &mut tx,
        &cases::NewCase {
            partner_id: partner,
            link_id: Some(link),
            connection_id: Some(connection),
            kind: "cannot_honour",
            reason: "made up for the fuzz test",
            proposal: "",
            opened_by: partner_user,
        },
        now,
    )
    .await
    .expect("the case");
    tx.commit().await.expect("the flags are stored");
    (mismatch, case)
}

/// Without booking systems: a live connection of the first demo partner with one linked
/// booking, an open mismatch and an open case, and the second partner's connection waiting
/// for sales.
pub async fn stored(app: &TestApp) -> World {
    let (_, partner) = user(&app.db, "partner@demo.test").await;
    let (_, other_partner) = user(&app.db, "partner2@demo.test").await;
    let now = app.clock.now();
    let code = "FUZZ-LIVE-1";
    let mut tx = app.db.begin_write().await.expect("a transaction");
    let partner_connection =
        connections::insert(&mut tx, &connection(partner, code, "active"), now)
            .await
            .expect("the live connection");
    let requested_connection = connections::insert(
        &mut tx,
        &connection(other_partner, "FUZZ-REQ-2", "requested"),
        now,
    )
    .await
    .expect("the requested connection");
    let start = now + 3 * 86_400;
    let mut stored = Vec::new();
    for (system, id) in [(System::Reservio, "r-fuzz"), (System::Termino, "t-fuzz")] {
        let booking = booking(system, id, start);
        let row = bookings::upsert(&mut tx, partner_connection, &booking, None, now)
            .await
            .expect("a booking snapshot");
        stored.push(row.id());
    }
    let link = links::insert(
        &mut tx,
        &links::NewLink {
            connection_id: partner_connection,
            partner_id: partner,
            reservio_booking_id: Some(stored[0]),
            termino_booking_id: Some(stored[1]),
            voucher_code: Some("FUZZ-1"),
            origin: System::Termino,
        },
        now,
    )
    .await
    .expect("the link");
    tx.commit().await.expect("the world is stored");
    let (mismatch, case) = flag(&app.db, now, link, partner, partner_connection).await;
    World {
        link,
        mismatch,
        case,
        partner_connection,
        requested_connection,
        connection_code: code.to_string(),
        webhook_secret: "fuzz-webhook-secret".to_string(),
    }
}

/// A second app on `app`'s database with the sandbox's booking systems on, its bookings synced
/// and flagged, and a sandbox connection the sales rep still has to map. The first app keeps
/// running beside it and is not used.
pub async fn with_systems(app: &TestApp) -> (TestApp, World) {
    let mut config = common::test_config(app.database_url.clone());
    config.systems = Some(SystemsConfig::Sandbox {
        bookings_per_partner: 6,
    });
    config.run_worker = false;
    let second = App::build(config, app.clock.clone())
        .await
        .expect("the app starts with the sandbox");
    let systems_on = TestApp {
        base: format!("http://127.0.0.1:{}", second.port()),
        db: second.state().db.clone(),
        clock: app.clock.clone(),
        backend: app.backend,
        database_url: app.database_url.clone(),
        sandbox: second.sandbox(),
        sync: second.state().sync.clone(),
    };
    tokio::spawn(second.run());
    let ctx = systems_on.sync.clone().expect("the sandbox turns sync on");
    for _ in 0..3 {
        sync_all(&ctx).await.expect("a sync round runs");
    }
    let partner = systems_on
        .sandbox
        .as_ref()
        .and_then(|sandbox| sandbox.partners().into_iter().next())
        .expect("the first demo partner is connected");
    let (link,): (i64,) = sqlx::query_as(
        "SELECT MIN(id) FROM booking_links WHERE connection_id = $1 \
         AND reservio_booking_id IS NOT NULL AND termino_booking_id IS NOT NULL",
    )
    .bind(partner.connection_id)
    .fetch_one(systems_on.db.pool())
    .await
    .expect("sync linked the seeded bookings");
    let now = systems_on.clock.now();
    let (mismatch, case) = flag(
        &systems_on.db,
        now,
        link,
        partner.partner_id,
        partner.connection_id,
    )
    .await;
    // The partner asks for a sandbox connection and sales gives it a channel account, so the
    // mapping form reads real catalogues.
    let partner_client = systems_on.login("partner@demo.test").await;
    let r = systems_on
        .post_form(&partner_client, paths::HOME, paths::CONNECTION_SANDBOX, &[])
        .await;
    assert_eq!(r.status(), 303, "the sandbox connection is requested");
    let (requested_connection,): (i64,) =
        sqlx::query_as("SELECT MAX(id) FROM connections WHERE state = 'requested'")
            .fetch_one(systems_on.db.pool())
            .await
            .expect("the requested connection");
    let sales = systems_on.login("sales@demo.test").await;
    let r = systems_on
        .post_form(
            &sales,
            paths::HOME,
            &paths::sales_connection_sandbox(requested_connection),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303, "the sandbox channel account is made");
    // The secret as the app reads it: decrypted (the column holds it sealed).
    let stored = connections::find(&systems_on.db, partner.connection_id)
        .await
        .expect("connections read")
        .expect("the partner's connection");
    let (code, secret) = (stored.connection_code, stored.webhook_secret);
    let world = World {
        link,
        mismatch,
        case,
        partner_connection: partner.connection_id,
        requested_connection,
        connection_code: code,
        webhook_secret: secret,
    };
    (systems_on, world)
}
