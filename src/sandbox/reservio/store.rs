//! The fake Reservio's memory: businesses, their services and bookings, and the ledger of
//! effects applied through the API. Pure data and rules; the HTTP side is in `api`.

use std::collections::HashMap;

use rand::Rng;

use crate::domain::Customer;
use crate::systems::reservio::Service;
use crate::systems::reservio::note::NoteMarkers;
use crate::systems::reservio::wire::state;

/// The states a `PATCH` may set. Anything else — `cancelled` with two "l"s, say — is ignored
/// without an error, as the real API reportedly does.
pub const PATCHABLE_STATES: [&str; 4] = [
    state::CONFIRMED,
    state::CANCELED,
    state::PENDING,
    state::REJECTED,
];

/// States that keep a slot taken; a cancelled or rejected booking frees it.
const HOLDING_STATES: [&str; 2] = [state::CONFIRMED, state::PENDING];

const DAY: i64 = 24 * 60 * 60;

/// The longest range `booking-slots` answers for, so a silly request cannot spin the server.
pub const MAX_SLOT_RANGE: i64 = 366 * DAY;

/// When a business takes bookings: every day, the same hours, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    /// Minutes after midnight.
    pub open_minute: u32,
    pub close_minute: u32,
    /// Slots start this many minutes apart.
    pub slot_minutes: u32,
}

impl Default for OpeningHours {
    /// 08:00–20:00, a slot every 30 minutes.
    fn default() -> Self {
        OpeningHours {
            open_minute: 8 * 60,
            close_minute: 20 * 60,
            slot_minutes: 30,
        }
    }
}

/// A staff member or a room: each takes its own bookings, so slots are per resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub id: String,
    pub name: String,
}

/// The resource every business has until a test gives it others.
pub const DEFAULT_RESOURCE: &str = "staff-1";

/// The customer-facing booking rules `booking-slots` applies (Reservio's rolling horizon and
/// lead time); staff and `ignoreBookingBoundaries` are not bound by them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BookingRules {
    /// Slots further ahead than this many days are not offered (none: no horizon).
    pub horizon_days: Option<i64>,
    /// Slots starting sooner than this many minutes from now are not offered.
    pub lead_minutes: i64,
}

/// One booking as the fake stores it: the booking with its event and client. Bookings of a
/// group event share the event id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeBooking {
    pub id: String,
    pub event_id: String,
    /// The event has several bookings (seats).
    pub group: bool,
    pub resource_id: String,
    pub client_id: String,
    /// The raw wire state: `confirmed`, `canceled`, `pending`, `rejected`, or whatever staff set.
    pub state: String,
    pub start_at: i64,
    pub end_at: i64,
    pub service_id: String,
    pub customer: Customer,
    pub note: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A booking staff (or the activity generator) enter directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffBooking {
    pub service_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub customer: Customer,
    pub note: String,
    pub state: String,
    /// The staff member or room; none: the business's first resource.
    pub resource_id: Option<String>,
}

impl StaffBooking {
    /// A confirmed booking with an empty note.
    pub fn confirmed(service_id: &str, start_at: i64, end_at: i64, customer: Customer) -> Self {
        StaffBooking {
            service_id: service_id.to_string(),
            start_at,
            end_at,
            customer,
            note: String::new(),
            state: state::CONFIRMED.to_string(),
            resource_id: None,
        }
    }
}

/// What a change made through the API did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffectKind {
    Created,
    Moved,
    /// The state really changed; a PATCH to the same state records nothing.
    StateChanged {
        from: String,
        to: String,
    },
    ClientChanged,
    NoteChanged,
}

/// One change applied through the API, for tests that count "applied once".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    pub kind: EffectKind,
    pub booking_id: String,
    /// The `bbkey:` marker of the booking's note, if it has one.
    pub key: Option<String>,
}

#[derive(Debug)]
pub struct Business {
    /// The Bearer token the API accepts for this business; none: no API access.
    pub token: Option<String>,
    pub name: String,
    /// An IANA zone: every instant the API writes carries its offset.
    pub timezone: String,
    pub resources: Vec<Resource>,
    pub rules: BookingRules,
    pub services: Vec<Service>,
    pub hours: OpeningHours,
    /// New bookings wait for the business's approval (`pending`) instead of `confirmed`.
    pub manual_approval: bool,
    /// In creation order, which is also the API's `createdAt` order.
    pub bookings: Vec<FakeBooking>,
}

impl Default for Business {
    /// Prague time, one staff member, no booking horizon or lead time.
    fn default() -> Self {
        Business {
            token: None,
            name: "Salon".to_string(),
            timezone: "Europe/Prague".to_string(),
            resources: vec![Resource {
                id: DEFAULT_RESOURCE.to_string(),
                name: "Staff".to_string(),
            }],
            rules: BookingRules::default(),
            services: Vec::new(),
            hours: OpeningHours::default(),
            manual_approval: false,
            bookings: Vec::new(),
        }
    }
}

/// One free slot: the resource it is on, start and end.
pub type FreeSlot = (String, i64, i64);

impl Business {
    pub fn booking(&self, id: &str) -> Option<&FakeBooking> {
        self.bookings.iter().find(|b| b.id == id)
    }

    pub fn booking_mut(&mut self, id: &str) -> Option<&mut FakeBooking> {
        self.bookings.iter_mut().find(|b| b.id == id)
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The resource a new booking goes on when none is asked for.
    pub fn first_resource(&self) -> String {
        self.resources
            .first()
            .map(|r| r.id.clone())
            .unwrap_or_else(|| DEFAULT_RESOURCE.to_string())
    }

    /// Slots of `service` starting in `[from, to)` within opening hours, per resource (or only
    /// `resource`), that overlap no booking holding its slot on that resource. Unless
    /// `ignore_boundaries`, the booking rules apply as of `now`. Like Reservio's, the answer is
    /// not strictly sorted: per day, resource by resource, full hours before half hours.
    pub fn free_slots(
        &self,
        service: &Service,
        window: (i64, i64),
        resource: Option<&str>,
        now: i64,
        ignore_boundaries: bool,
    ) -> Vec<FreeSlot> {
        let (mut from, mut to) = window;
        if !ignore_boundaries {
            from = from.max(now + self.rules.lead_minutes * 60);
            if let Some(days) = self.rules.horizon_days {
                to = to.min(now + days * DAY);
            }
        }
        let duration = i64::from(service.duration_minutes.max(1)) * 60;
        let step = i64::from(self.hours.slot_minutes.max(1)) * 60;
        let open = i64::from(self.hours.open_minute) * 60;
        let close = i64::from(self.hours.close_minute) * 60;
        let resources: Vec<String> = match resource {
            Some(id) => vec![id.to_string()],
            None if self.resources.is_empty() => vec![DEFAULT_RESOURCE.to_string()],
            None => self.resources.iter().map(|r| r.id.clone()).collect(),
        };
        let mut slots = Vec::new();
        let mut day = from.div_euclid(DAY) * DAY;
        while day < to {
            for resource in &resources {
                let taken: Vec<(i64, i64)> = self
                    .bookings
                    .iter()
                    .filter(|b| &b.resource_id == resource)
                    .filter(|b| HOLDING_STATES.contains(&b.state.as_str()))
                    .map(|b| (b.start_at, b.end_at))
                    .collect();
                let mut day_slots = Vec::new();
                let mut start = day + open;
                while start + duration <= day + close {
                    let end = start + duration;
                    let free = taken.iter().all(|&(s, e)| end <= s || e <= start);
                    if start >= from && start < to && free {
                        day_slots.push((resource.clone(), start, end));
                    }
                    start += step;
                }
                day_slots.sort_by_key(|(_, start, _)| (start % 3600 != 0, *start));
                slots.extend(day_slots);
            }
            day += DAY;
        }
        slots
    }
}

/// Everything the fake holds.
#[derive(Debug, Default)]
pub struct Store {
    pub businesses: HashMap<String, Business>,
    pub effects: Vec<Effect>,
    /// Partner OAuth clients: client id → (secret, business).
    pub oauth_clients: HashMap<String, (String, String)>,
    /// Access tokens issued by `POST /oauth2/token`: token → (business, expires at).
    pub issued: HashMap<String, (String, i64)>,
    /// How long an issued access token lasts (none: an hour).
    pub token_lifetime_secs: Option<i64>,
    /// How many access tokens were issued.
    pub tokens_issued: usize,
}

/// How long an access token lasts unless a test says otherwise.
pub const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

impl Store {
    /// The business whose static token or unexpired access token `token` is.
    pub fn business_of(&self, token: &str, now: i64) -> Option<String> {
        if let Some((business, expires_at)) = self.issued.get(token) {
            return (now < *expires_at).then(|| business.clone());
        }
        let mut ids: Vec<&String> = self
            .businesses
            .iter()
            .filter(|(_, b)| b.token.as_deref() == Some(token))
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids.first().map(|id| (*id).clone())
    }
}

/// A random UUID-shaped id, as Reservio's ids are.
pub fn new_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl Store {
    pub fn business_mut(&mut self, business_id: &str) -> &mut Business {
        self.businesses.entry(business_id.to_string()).or_default()
    }

    /// Stores a new booking and returns its id.
    pub fn insert(&mut self, business_id: &str, booking: StaffBooking, now: i64) -> String {
        let id = new_id();
        let business = self.business_mut(business_id);
        let resource_id = booking
            .resource_id
            .unwrap_or_else(|| business.first_resource());
        business.bookings.push(FakeBooking {
            id: id.clone(),
            event_id: new_id(),
            group: false,
            resource_id,
            client_id: new_id(),
            state: booking.state,
            start_at: booking.start_at,
            end_at: booking.end_at,
            service_id: booking.service_id,
            customer: booking.customer,
            note: booking.note,
            created_at: now,
            updated_at: now,
        });
        id
    }

    /// Adds an effect to the ledger, keyed by the booking's `bbkey:` marker.
    pub fn record(&mut self, kind: EffectKind, booking: &FakeBooking) {
        self.effects.push(Effect {
            kind,
            booking_id: booking.id.clone(),
            key: NoteMarkers::parse(&booking.note).idempotency_key,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salon() -> (Business, Service) {
        let service = Service {
            id: "cut".into(),
            name: "Haircut".into(),
            duration_minutes: 60,
        };
        let business = Business {
            services: vec![service.clone()],
            ..Business::default()
        };
        (business, service)
    }

    #[test]
    fn an_empty_day_offers_every_half_hour_that_fits_before_closing() {
        let (business, service) = salon();
        let mut slots = business.free_slots(&service, (0, DAY), None, 0, false);
        slots.sort_by_key(|(_, start, _)| *start);
        // 08:00 … 19:00 inclusive: 23 starts.
        assert_eq!(slots.len(), 23);
        let first = slots.first().map(|(_, s, e)| (*s, *e));
        let last = slots.last().map(|(_, s, e)| (*s, *e));
        assert_eq!(first, Some((8 * 3600, 9 * 3600)));
        assert_eq!(last, Some((19 * 3600, 20 * 3600)));
    }

    #[test]
    fn the_horizon_and_lead_time_bind_customers_but_not_staff() {
        let (mut business, service) = salon();
        business.rules = BookingRules {
            horizon_days: Some(1),
            lead_minutes: 120,
        };
        let now = 9 * 3600;
        let customer = business.free_slots(&service, (0, 3 * DAY), None, now, false);
        assert!(
            customer
                .iter()
                .all(|(_, s, _)| *s >= now + 7200 && *s < now + DAY)
        );
        let staff = business.free_slots(&service, (0, 3 * DAY), None, now, true);
        assert_eq!(staff.len(), 3 * 23);
    }

    #[test]
    fn only_bookings_that_hold_their_slot_take_it() {
        let (mut business, service) = salon();
        let mut store = Store::default();
        for (start, state) in [(10, state::CONFIRMED), (14, state::CANCELED)] {
            let mut b = StaffBooking::confirmed(
                "cut",
                start * 3600,
                (start + 1) * 3600,
                Customer::default(),
            );
            b.state = state.to_string();
            store.insert("b", b, 0);
        }
        business.bookings = store.business_mut("b").bookings.clone();
        let starts: Vec<i64> = business
            .free_slots(&service, (0, DAY), None, 0, false)
            .iter()
            .map(|&(_, s, _)| s)
            .collect();
        for blocked in [9 * 3600 + 1800, 10 * 3600, 10 * 3600 + 1800] {
            assert!(
                !starts.contains(&blocked),
                "{blocked} overlaps the 10:00 booking"
            );
        }
        assert!(starts.contains(&(9 * 3600)));
        assert!(starts.contains(&(11 * 3600)));
        assert!(
            starts.contains(&(14 * 3600)),
            "a cancelled booking frees its slot"
        );
    }
}
