//! The first demo partner's world in the sandbox, for tests that drive the sync engine and the
//! guided procedures against the fake systems.

use std::collections::HashMap;
use std::sync::Arc;

use bookbridge::domain::{BookingStatus, Customer, RemoteBooking, System};
use bookbridge::sandbox::world::{DemoPartner, Sandbox};
use bookbridge::sync::{SyncContext, sync_all};
use bookbridge::systems::reservio::note::NoteMarkers;

use super::TestApp;

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 24 * HOUR;

/// A booking as a system would hand it over, for tests that store snapshots themselves: an hour
/// from `start_at`, confirmed, of a service nobody mapped, with voucher SOLO0001.
pub fn remote(system: System, external_id: &str, start_at: i64, name: &str) -> RemoteBooking {
    RemoteBooking {
        system,
        external_id: external_id.into(),
        start_at,
        end_at: start_at + HOUR,
        service_id: "not-mapped".into(),
        customer: Customer {
            name: name.into(),
            email: "solo@example.test".into(),
            phone: "+420 1".into(),
        },
        status: BookingStatus::Confirmed,
        voucher_code: Some("SOLO0001".into()),
        counterpart_id: None,
        self_rescheduled: false,
        updated_at: None,
        remote_version: None,
        raw: "{}".into(),
    }
}

/// The sandbox and the first demo partner's world in it.
pub struct World {
    pub sandbox: Arc<Sandbox>,
    pub partner: DemoPartner,
    pub ctx: SyncContext,
}

impl World {
    pub fn of(app: &TestApp) -> World {
        let sandbox = app
            .sandbox
            .clone()
            .expect("the sync tests start the sandbox");
        let partner = sandbox
            .partners()
            .into_iter()
            .next()
            .expect("a demo partner is connected");
        let ctx = app.sync.clone().expect("sync is configured");
        World {
            sandbox,
            partner,
            ctx,
        }
    }

    pub fn offer(&self, k: usize) -> (String, String, i64) {
        let (service, offer, minutes) = self.partner.services[k].clone();
        (service, offer, i64::from(minutes) * 60)
    }

    /// A customer redeems a voucher for offer `k` at `start`; returns (reservation, voucher).
    pub fn redeem(&self, k: usize, start: i64, n: u32) -> (String, String) {
        let (_, offer, duration) = self.offer(k);
        let voucher = format!("TST{n:06}");
        let customer = Customer {
            name: format!("Customer {n}"),
            email: format!("c{n}@example.test"),
            phone: format!("+420 600 000 {n:03}"),
        };
        let id = self
            .sandbox
            .termino
            .redeem_voucher(
                &self.partner.termino_partner_id,
                &voucher,
                &offer,
                start,
                start + duration,
                customer,
            )
            .expect("redeem");
        self.sandbox
            .termino
            .set_status(
                &self.partner.termino_partner_id,
                &id,
                BookingStatus::Confirmed,
            )
            .expect("confirm");
        (id, voucher)
    }

    pub fn reservation(&self, id: &str) -> bookbridge::sandbox::termino::Reservation {
        self.sandbox
            .termino
            .get_reservation(&self.partner.termino_partner_id, id)
            .expect("reservation exists")
    }

    /// The calendar booking that carries this voucher.
    pub fn calendar_booking(
        &self,
        voucher: &str,
    ) -> Option<bookbridge::sandbox::reservio::FakeBooking> {
        self.sandbox
            .reservio
            .bookings(&self.partner.business_id)
            .into_iter()
            .find(|b| NoteMarkers::parse(&b.note).voucher_code.as_deref() == Some(voucher))
    }

    pub fn calendar_bookings_for(&self, voucher: &str) -> usize {
        self.sandbox
            .reservio
            .bookings(&self.partner.business_id)
            .iter()
            .filter(|b| NoteMarkers::parse(&b.note).voucher_code.as_deref() == Some(voucher))
            .count()
    }

    /// A few sync rounds: enough for pull, link, push and the read-back to settle.
    pub async fn settle(&self) {
        for _ in 0..3 {
            sync_all(&self.ctx).await.expect("sync round runs");
        }
    }

    /// A redeemed voucher copied into the calendar and agreed on both sides.
    pub async fn agreed_booking(&self, k: usize, start: i64, n: u32) -> (String, String, String) {
        let (reservation, voucher) = self.redeem(k, start, n);
        self.settle().await;
        let booking = self
            .calendar_booking(&voucher)
            .expect("sync created the calendar booking");
        (reservation, voucher, booking.id)
    }
}

pub fn tomorrow(app: &TestApp) -> i64 {
    (app.clock.now().div_euclid(DAY) + 1) * DAY + 9 * HOUR
}

pub async fn open_mismatches(app: &TestApp) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM mismatches WHERE state <> 'resolved' GROUP BY kind",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("mismatch query");
    rows.into_iter().collect()
}

pub async fn open_kind(app: &TestApp, kind: &str) -> Option<(String, String)> {
    sqlx::query_as(
        "SELECT severity, details FROM mismatches WHERE kind = $1 AND state <> 'resolved'",
    )
    .bind(kind)
    .fetch_optional(app.db.pool())
    .await
    .expect("mismatch query")
}

/// The demo started again on the test's database: a new sandbox whose fake systems hand out
/// the same ids as the last one, the demo partners connected to it and the earlier connections
/// marked disconnected — what `demo` does on every start. The app is built, not served.
pub async fn restart_demo(app: &TestApp, bookings_per_partner: usize) -> bookbridge::app::App {
    let mut config = super::test_config(app.database_url.clone());
    config.systems = Some(bookbridge::config::SystemsConfig::Sandbox {
        bookings_per_partner,
    });
    config.run_worker = false;
    config.sync = app
        .sync
        .as_ref()
        .expect("sync is configured")
        .settings
        .clone();
    bookbridge::app::App::build(config, app.clock.clone())
        .await
        .expect("the demo starts again on the same database")
}

/// Flags the first demo partner's clean booking (`link`) by hand, as if its sides had been
/// put right since the sync flagged them: the one kind of mismatch a note alone may resolve.
pub async fn flag_put_right_meanwhile(app: &TestApp, link: i64) -> i64 {
    let (partner,): (i64,) = sqlx::query_as("SELECT partner_id FROM booking_links WHERE id = $1")
        .bind(link)
        .fetch_one(app.db.pool())
        .await
        .expect("link");
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mismatches (link_id, partner_id, kind, severity, state, details, \
         detected_at, last_seen_at) VALUES ($1, $2, 'customer_differs', 'low', 'open', \
         'the phone number differed', $3, $3) RETURNING id",
    )
    .bind(link)
    .bind(partner)
    .bind(app.clock.now())
    .fetch_one(app.db.pool())
    .await
    .expect("mismatch stored");
    id
}
