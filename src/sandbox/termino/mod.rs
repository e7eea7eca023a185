//! A fake Termino: an HTTP server speaking exactly the API in `docs/termino-api.md`, with
//! in-memory storage, switchable faults, signed change notifications, and direct handles for
//! tests, the seed and the activity generator (a customer books, reschedules, someone deletes).

mod error;
mod model;
mod request;
mod routes;
mod shared;
mod store;
mod writes;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use self::error::ApiError;
pub use self::model::{Effect, EffectKind, Reservation};
use self::shared::Shared;
pub use self::shared::TerminoTraffic;
use self::store::{NewReservation, Store, Webhook};
use super::faults::FaultSwitch;
use super::server::ServerTask;
use crate::clock::Clock;
use crate::domain::{BookingStatus, Customer};
use crate::systems::termino::Offer;

/// Webhooks the fake sends at once.
const WEBHOOKS_IN_FLIGHT: usize = 8;

/// A running fake Termino. Clones share the server; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeTermino {
    addr: SocketAddr,
    shared: Arc<Shared>,
    faults: FaultSwitch,
    _server: Arc<ServerTask>,
}

impl FakeTermino {
    /// Starts a server on `127.0.0.1` at a free port, on the machine's clock.
    pub async fn start() -> std::io::Result<FakeTermino> {
        Self::start_with_clock(Clock::System).await
    }

    /// Starts a server whose `updated_at` times come from `clock`.
    pub async fn start_with_clock(clock: Clock) -> std::io::Result<FakeTermino> {
        let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let webhook_http = crate::systems::http_client(Duration::from_secs(5))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::default()),
            clock,
            webhook_http,
            webhook_slots: Arc::new(tokio::sync::Semaphore::new(WEBHOOKS_IN_FLIGHT)),
            runtime,
            traffic: Default::default(),
        });
        let faults = FaultSwitch::default();
        let app = routes::router(shared.clone(), faults.clone());
        let server = ServerTask::serve(listener, app, "fake Termino");
        Ok(FakeTermino {
            addr,
            shared,
            faults,
            _server: Arc::new(server),
        })
    }

    /// The base URL to give a `TerminoClient`, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The switch for this server's faults (also reachable at `/_sandbox/faults`).
    pub fn faults(&self) -> &FaultSwitch {
        &self.faults
    }

    /// Registers a partner and the bearer token that grants access to it (and only to it).
    pub fn add_partner(&self, partner_id: &str, token: &str) {
        self.shared
            .with_store(|store, _| store.add_partner(partner_id, token));
    }

    /// Sets the channel's own token, which reads the channel-wide change feed (every partner's
    /// changes) and nothing else.
    pub fn set_channel_token(&self, token: &str) {
        self.shared
            .with_store(|store, _| store.set_channel_token(token));
    }

    /// The channel feed's retention passes: a cursor older than the newest change now is
    /// answered `410 resync_required`.
    pub fn expire_channel_changes(&self) {
        self.shared
            .with_store(|store, _| store.expire_channel_changes());
    }

    /// The newest version handed out so far (a valid cursor of the channel feed).
    pub fn head_version(&self) -> u64 {
        self.shared.with_store(|store, _| store.head())
    }

    /// The requests answered so far, by kind.
    pub fn traffic(&self) -> TerminoTraffic {
        self.shared.traffic.get()
    }

    /// Adds (or replaces) an offer of a registered partner.
    pub fn add_offer(&self, partner_id: &str, offer: Offer) -> Result<(), String> {
        self.change(|store, _| store.add_offer(partner_id, offer))
    }

    /// The partner's offers.
    pub fn offers(&self, partner_id: &str) -> Vec<Offer> {
        self.shared
            .with_store(|store, _| store.offers(partner_id))
            .unwrap_or_default()
    }

    /// Sends a signed notification to `url` after every change of the partner's reservations.
    pub fn set_webhook(&self, partner_id: &str, url: &str, secret: &str) -> Result<(), String> {
        let hook = Webhook {
            url: url.to_owned(),
            secret: secret.to_owned(),
        };
        self.change(|store, _| store.set_webhook(partner_id, hook))
    }

    /// A customer books a slot with their voucher on the channel; the reservation waits for the
    /// partner's confirmation. Returns its id.
    pub fn redeem_voucher(
        &self,
        partner_id: &str,
        voucher_code: &str,
        offer_id: &str,
        start_at: i64,
        end_at: i64,
        customer: Customer,
    ) -> Result<String, String> {
        let new = NewReservation {
            voucher_code: voucher_code.to_owned(),
            offer_id: offer_id.to_owned(),
            start_at,
            end_at,
            customer,
            reservio_booking_id: None,
            status: BookingStatus::Pending,
        };
        self.change(|store, now| store.create(partner_id, new, now))
            .map(|r| r.id)
    }

    /// The customer moves their reservation from their channel account: allowed once (FAQ rule 3).
    pub fn customer_self_reschedule(
        &self,
        partner_id: &str,
        reservation_id: &str,
        start_at: i64,
        end_at: i64,
    ) -> Result<(), String> {
        self.reschedule(partner_id, reservation_id, (start_at, end_at), true)
    }

    /// The partner moves a reservation in Termino's own screens.
    pub fn reschedule_by_partner(
        &self,
        partner_id: &str,
        reservation_id: &str,
        start_at: i64,
        end_at: i64,
    ) -> Result<(), String> {
        self.reschedule(partner_id, reservation_id, (start_at, end_at), false)
    }

    /// Moves a reservation outside the API; `by_customer` as in [`Store::reschedule`].
    fn reschedule(
        &self,
        partner_id: &str,
        reservation_id: &str,
        slot: (i64, i64),
        by_customer: bool,
    ) -> Result<(), String> {
        self.change(|store, now| {
            store.reschedule(partner_id, reservation_id, slot, by_customer, now)
        })
        .map(|_| ())
    }

    /// Sets a reservation's status, as the partner confirming or rejecting it would.
    pub fn set_status(
        &self,
        partner_id: &str,
        reservation_id: &str,
        status: BookingStatus,
    ) -> Result<(), String> {
        self.change(|store, now| store.set_status(partner_id, reservation_id, status, now))
            .map(|_| ())
    }

    /// Partner Care cancels a voucher on the channel side (FAQ rule 2), with its reservation.
    pub fn cancel_voucher_by_channel(
        &self,
        partner_id: &str,
        voucher_code: &str,
    ) -> Result<(), String> {
        self.change(|store, now| store.cancel_voucher(partner_id, voucher_code, now))
            .map(|_| ())
    }

    /// Someone deletes a reservation, which FAQ rule 2 forbids: it vanishes from reads and feed.
    pub fn delete_reservation(&self, partner_id: &str, reservation_id: &str) -> Result<(), String> {
        self.change(|store, _| store.delete(partner_id, reservation_id))
    }

    /// One reservation, if it exists.
    pub fn get_reservation(&self, partner_id: &str, reservation_id: &str) -> Option<Reservation> {
        self.shared
            .with_store(|store, _| store.reservation(partner_id, reservation_id))
            .ok()
    }

    /// All of the partner's reservations, oldest first.
    pub fn reservations(&self, partner_id: &str) -> Vec<Reservation> {
        self.shared
            .with_store(|store, _| store.reservations(partner_id))
    }

    /// Every change applied through the API so far, in order.
    pub fn effects(&self) -> Vec<Effect> {
        self.shared.with_store(|store, _| store.effects.clone())
    }

    /// Runs one change on the store as an API call would, webhooks included; a refusal comes
    /// back as its message.
    fn change<T>(
        &self,
        change: impl FnOnce(&mut Store, i64) -> Result<T, ApiError>,
    ) -> Result<T, String> {
        self.shared.with_store(change).map_err(|e| e.message)
    }
}
