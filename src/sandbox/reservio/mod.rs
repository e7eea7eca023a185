//! A fake Reservio: an HTTP server on loopback speaking the subset of Reservio's JSON:API that
//! `docs/reservio.md` documents — including its quirks (no deletes, misspelt states silently
//! ignored) — with in-memory storage, switchable faults, and direct "staff" access for tests,
//! seeding and the activity generator.

mod api;
pub mod listing;
mod render;
mod store;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub use self::api::RequestKind;
use self::api::{ApiState, Traffic};
use self::listing::{ListingQuirks, ListingSwitch};
use self::store::Store;
pub use self::store::{
    BookingRules, Effect, EffectKind, FakeBooking, OpeningHours, Resource, StaffBooking,
};
use crate::clock::Clock;
use crate::sandbox::faults::FaultSwitch;
use crate::sandbox::server::ServerTask;
use crate::systems::reservio::Service;

/// A running fake Reservio. Clones share the server and its storage.
#[derive(Clone)]
pub struct FakeReservio {
    addr: SocketAddr,
    state: ApiState,
    faults: FaultSwitch,
    _server: Arc<ServerTask>,
}

impl FakeReservio {
    /// Starts on 127.0.0.1 with a free port, timestamps from the system clock.
    pub async fn start() -> std::io::Result<FakeReservio> {
        FakeReservio::start_with_clock(Clock::System).await
    }

    /// Starts with `clock` stamping `createdAt` / `updatedAt`.
    pub async fn start_with_clock(clock: Clock) -> std::io::Result<FakeReservio> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = ApiState {
            store: Arc::new(Mutex::new(Store::default())),
            clock,
            lose_next_create: Arc::new(AtomicBool::new(false)),
            listing: ListingSwitch::default(),
            traffic: Arc::new(Traffic::default()),
        };
        let faults = FaultSwitch::default();
        let app = api::routes::router(state.clone(), faults.clone());
        let server = ServerTask::serve(listener, app, "fake Reservio");
        Ok(FakeReservio {
            addr,
            state,
            faults,
            _server: Arc::new(server),
        })
    }

    /// The API root to give a client, like `https://api.reservio.com/v2`: it ends in `/v2`.
    pub fn url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// The faults applied to every API request.
    pub fn faults(&self) -> &FaultSwitch {
        &self.faults
    }

    /// How the booking reads behave from now on: the date filter, `include`, an empty listing
    /// (see [`ListingQuirks`]). Takes effect with the next request.
    pub fn set_listing(&self, quirks: ListingQuirks) {
        self.state.listing.set(quirks);
    }

    /// The booking reads' current behaviour.
    pub fn listing(&self) -> ListingQuirks {
        self.state.listing.get()
    }

    /// Requests served and response bytes since the last [`FakeReservio::reset_traffic`].
    pub fn traffic(&self) -> (u64, u64) {
        let t = &self.state.traffic;
        (
            t.requests.load(Ordering::SeqCst),
            t.bytes.load(Ordering::SeqCst),
        )
    }

    /// Requests served by kind since the last [`FakeReservio::reset_traffic`], in
    /// [`RequestKind::ALL`]'s order.
    pub fn traffic_by_kind(&self) -> [(RequestKind, u64); RequestKind::ALL.len()] {
        let kinds = &self.state.traffic.kinds;
        RequestKind::ALL.map(|kind| (kind, kinds[kind as usize].load(Ordering::SeqCst)))
    }

    pub fn reset_traffic(&self) {
        self.state.traffic.requests.store(0, Ordering::SeqCst);
        self.state.traffic.bytes.store(0, Ordering::SeqCst);
        for kind in &self.state.traffic.kinds {
            kind.store(0, Ordering::SeqCst);
        }
    }

    /// Sets the business's time zone (default `Europe/Prague`): instants are written in it.
    pub fn set_timezone(&self, business_id: &str, zone: &str) {
        self.store().business_mut(business_id).timezone = zone.to_string();
    }

    /// Replaces the business's staff and rooms (default: one, `staff-1`).
    pub fn set_resources(&self, business_id: &str, resources: Vec<Resource>) {
        self.store().business_mut(business_id).resources = resources;
    }

    /// The customer-facing booking rules `booking-slots` applies (default: none).
    pub fn set_booking_rules(&self, business_id: &str, rules: BookingRules) {
        self.store().business_mut(business_id).rules = rules;
    }

    /// Staff add another seat to the event of `booking_id`, making it a group event; returns
    /// the new booking's id.
    pub fn staff_add_seat(
        &self,
        business_id: &str,
        booking_id: &str,
        customer: crate::domain::Customer,
    ) -> Option<String> {
        let now = self.state.clock.now();
        let mut store = self.store();
        let host = store.business_mut(business_id).booking(booking_id)?.clone();
        let seat = StaffBooking {
            resource_id: Some(host.resource_id.clone()),
            ..StaffBooking::confirmed(&host.service_id, host.start_at, host.end_at, customer)
        };
        let id = store.insert(business_id, seat, now);
        for b in store.business_mut(business_id).bookings.iter_mut() {
            if b.event_id == host.event_id || b.id == id {
                b.group = true;
            }
            if b.id == id {
                b.event_id = host.event_id.clone();
            }
        }
        Some(id)
    }

    /// The next create is carried out but its answer never arrives (the client times out):
    /// a lost response aimed at exactly one write, which the random fault rates cannot do.
    pub fn lose_next_create_response(&self) {
        self.state.lose_next_create.store(true, Ordering::SeqCst);
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.state.lock()
    }

    /// Registers a business (or replaces its token) so the API accepts `token` for it.
    pub fn add_business(&self, business_id: &str, token: &str) {
        self.store().business_mut(business_id).token = Some(token.to_string());
    }

    /// Registers a partner OAuth client for the business (client credentials grant).
    pub fn add_oauth_client(&self, business_id: &str, client_id: &str, secret: &str) {
        let mut store = self.store();
        store.business_mut(business_id);
        store.oauth_clients.insert(
            client_id.to_string(),
            (secret.to_string(), business_id.to_string()),
        );
    }

    /// How long the access tokens issued from now on last (default an hour).
    pub fn set_token_lifetime(&self, secs: i64) {
        self.store().token_lifetime_secs = Some(secs);
    }

    /// Every access token issued so far stops working at once, as when Reservio revokes them
    /// early; the client must fetch new ones.
    pub fn expire_issued_tokens(&self) {
        self.store().issued.clear();
    }

    /// How many access tokens the token endpoint issued.
    pub fn tokens_issued(&self) -> usize {
        self.store().tokens_issued
    }

    /// Adds a service, or replaces the one with the same id.
    pub fn add_service(&self, business_id: &str, service: Service) {
        let mut store = self.store();
        let services = &mut store.business_mut(business_id).services;
        services.retain(|s| s.id != service.id);
        services.push(service);
    }

    /// Sets when the business takes bookings (default: 08:00–20:00 UTC daily, 30-minute slots).
    pub fn set_opening_hours(&self, business_id: &str, hours: OpeningHours) {
        self.store().business_mut(business_id).hours = hours;
    }

    /// Whether new API bookings wait for approval (`pending`) rather than being `confirmed`.
    pub fn set_manual_approval(&self, business_id: &str, manual: bool) {
        self.store().business_mut(business_id).manual_approval = manual;
    }

    /// Staff enter a booking in Reservio's own calendar; returns its id.
    pub fn staff_create(&self, business_id: &str, booking: StaffBooking) -> String {
        let now = self.state.clock.now();
        self.store().insert(business_id, booking, now)
    }

    /// Staff drag a booking to another time. False when there is no such booking.
    pub fn staff_move(
        &self,
        business_id: &str,
        booking_id: &str,
        start_at: i64,
        end_at: i64,
    ) -> bool {
        self.staff_edit(business_id, booking_id, |b| {
            b.start_at = start_at;
            b.end_at = end_at;
        })
    }

    /// Staff set any state, including ones the API would ignore. False when there is no such
    /// booking.
    pub fn staff_set_state(&self, business_id: &str, booking_id: &str, state: &str) -> bool {
        self.staff_edit(business_id, booking_id, |b| b.state = state.to_string())
    }

    /// Staff rewrite the note. False when there is no such booking.
    pub fn staff_set_note(&self, business_id: &str, booking_id: &str, note: &str) -> bool {
        self.staff_edit(business_id, booking_id, |b| b.note = note.to_string())
    }

    /// The forbidden delete (FAQ rule 2): the booking simply vanishes. False when there was
    /// no such booking.
    pub fn staff_delete(&self, business_id: &str, booking_id: &str) -> bool {
        let mut store = self.store();
        let bookings = &mut store.business_mut(business_id).bookings;
        let before = bookings.len();
        bookings.retain(|b| b.id != booking_id);
        bookings.len() != before
    }

    fn staff_edit(
        &self,
        business_id: &str,
        booking_id: &str,
        edit: impl FnOnce(&mut FakeBooking),
    ) -> bool {
        let now = self.state.clock.now();
        let mut store = self.store();
        match store.business_mut(business_id).booking_mut(booking_id) {
            Some(booking) => {
                edit(booking);
                booking.updated_at = now;
                true
            }
            None => false,
        }
    }

    /// One booking as stored.
    pub fn get_booking(&self, business_id: &str, booking_id: &str) -> Option<FakeBooking> {
        let store = self.store();
        store
            .businesses
            .get(business_id)?
            .booking(booking_id)
            .cloned()
    }

    /// All of a business's bookings, in creation order.
    pub fn bookings(&self, business_id: &str) -> Vec<FakeBooking> {
        let store = self.store();
        store
            .businesses
            .get(business_id)
            .map(|b| b.bookings.clone())
            .unwrap_or_default()
    }

    /// Every change applied through the API so far, oldest first.
    pub fn effects(&self) -> Vec<Effect> {
        self.store().effects.clone()
    }
}
