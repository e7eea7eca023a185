//! The Reservio client: Reservio's public JSON:API (`https://api.reservio.com/v2`), as
//! documented in `docs/reservio.md`.
//!
//! Reservio has no webhooks and no change feed, so "changes" are a poll of a rolling window of
//! bookings; the caller compares each with its stored snapshot. It has no idempotency keys
//! either, so `create` marks each booking's note with its key and looks for it before posting.
//! Every write is followed by a re-read, because a state Reservio does not know is reportedly
//! ignored without an error.

pub mod auth;
mod capabilities;
pub mod note;
pub mod profile;
mod staff_times;
mod transport;
pub mod wire;

#[cfg(test)]
mod tests;

use std::time::Duration;

use async_trait::async_trait;
use reqwest::Url;
use serde_json::Value;

pub use self::capabilities::{AccountProfile, DateFilterSupport, ListingProfile, RetryBudget};
use self::note::NoteMarkers;
use self::wire::{Included, booking_from, format_instant, invalid, required_str};
use crate::clock::Clock;
use crate::domain::{BookingStatus, Customer, NewBooking, RemoteBooking, System};
use crate::systems::{Account, BookingSystem, ChangeBatch, SystemError, http_client};

/// A service a business offers, as bookbridge needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub duration_minutes: u32,
}

/// Which bookings a poll reads: those starting from `days_back` before now to `days_ahead`
/// after, with "now" from `clock`, fetched `page_size` at a time. The near part (up to
/// `near_secs` ahead), where changes matter soonest, is read at every poll; the whole window
/// only when `far_every_secs` have passed since it was last read whole (0: every poll).
#[derive(Clone, Debug)]
pub struct WindowPolicy {
    pub clock: Clock,
    pub days_back: i64,
    pub days_ahead: i64,
    pub page_size: u32,
    pub near_secs: i64,
    pub far_every_secs: i64,
}

/// What a Reservio cursor says: when the whole window was last read.
const FULL_POLL_MARK: &str = "full@";

const DAY: i64 = 24 * 60 * 60;

/// When the whole window was last read, as a Reservio cursor records it.
fn last_full_read(cursor: Option<&str>) -> Option<i64> {
    cursor
        .and_then(|c| c.strip_prefix(FULL_POLL_MARK))
        .and_then(|at| at.parse::<i64>().ok())
}

/// How far a create's search for an earlier attempt looks around the booking's own time: a
/// booking staff moved further than this after a lost response would be created again.
const KEY_SEARCH_MARGIN: i64 = DAY;

impl WindowPolicy {
    /// One day back, sixty days ahead, fifty bookings a page.
    pub fn rolling(clock: Clock) -> WindowPolicy {
        WindowPolicy {
            clock,
            days_back: 1,
            days_ahead: 60,
            page_size: 50,
            near_secs: 2 * DAY,
            far_every_secs: 0,
        }
    }

    /// The part of the window to read now, and the cursor to store after: the near part while
    /// the whole window was read less than `far_every_secs` ago (as `cursor` says).
    pub fn window_for(&self, cursor: Option<&str>) -> ((i64, i64), String) {
        let now = self.clock.now();
        let (from, to) = self.window();
        let last_full = last_full_read(cursor).filter(|at| *at <= now);
        match last_full {
            Some(at) if now - at < self.far_every_secs => (
                (from, to.min(now + self.near_secs)),
                format!("{FULL_POLL_MARK}{at}"),
            ),
            _ => ((from, to), format!("{FULL_POLL_MARK}{now}")),
        }
    }

    /// When the whole window falls due again after the read that left `cursor`: the poll
    /// that reads it must not wait for the next poll after that time (a change beyond the near
    /// part would wait up to one more poll interval). `None` when every poll reads it whole,
    /// or none has yet (the next poll does).
    pub fn whole_window_due_at(&self, cursor: Option<&str>) -> Option<i64> {
        if self.far_every_secs <= 0 {
            return None;
        }
        last_full_read(cursor).map(|at| at.saturating_add(self.far_every_secs))
    }

    /// The window as of now, in Unix seconds: `[from, to)`.
    pub fn window(&self) -> (i64, i64) {
        let now = self.clock.now();
        (now - self.days_back * DAY, now + self.days_ahead * DAY)
    }
}

/// Talks to one Reservio API root with one Bearer token; the account is the business id.
pub struct ReservioClient {
    http: reqwest::Client,
    base: Url,
    auth: auth::Auth,
    window: WindowPolicy,
    /// Waiting out 429s, per connection (a client serves one connection).
    budget: RetryBudget,
    /// The deployment's request budget, when one is set.
    gate: Option<std::sync::Arc<dyn crate::systems::RequestGate>>,
    /// What each account's listing turned out to do (see [`profile`]).
    profiles: std::sync::Mutex<std::collections::HashMap<String, ListingProfile>>,
    /// How often a listing contradicted its profile.
    reprobes: std::sync::Mutex<u64>,
    /// Per account, whether booking slots honour `ignoreBookingBoundaries` (see
    /// `staff_times`).
    boundaries: std::sync::Mutex<std::collections::HashMap<String, bool>>,
}

/// A free slot: when, and on which resource (staff member or room).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start_at: i64,
    pub end_at: i64,
    pub resource_id: Option<String>,
}

/// How far back in booking time a walk of the newest bookings goes before it stops, when the
/// date filter cannot be used: a booking made longer than this before its appointment's
/// window is not seen by the walk.
pub const WALK_LOOKBACK: i64 = 400 * DAY;

/// Seconds of 429 waits one connection may spend per minute.
const RETRY_BUDGET_SECS: u64 = 20;

/// Why a move is refused when Reservio does not let bookings be moved through its API.
pub const MOVE_NOT_SUPPORTED: &str =
    "Reservio does not let bookbridge move bookings: move it in Reservio's own calendar";

/// Why a booking of a group event is never moved: the event carries other customers' seats.
pub const GROUP_EVENT_MOVE: &str =
    "the booking is a seat of a group event: moving the event would move every seat";

impl ReservioClient {
    /// `base_url` is the API root including the version, e.g. `https://api.reservio.com/v2`;
    /// `credentials` the connection's stored Reservio credential (see [`auth::Credentials`]).
    pub fn new(
        base_url: &str,
        token: &str,
        timeout: Duration,
        window: WindowPolicy,
    ) -> Result<ReservioClient, SystemError> {
        Self::over(http_client(timeout)?, base_url, token, window)
    }

    /// The same client over an HTTP client shared with others (its timeout is `http`'s): one
    /// connection pool and TLS configuration for every business instead of one each.
    pub fn over(
        http: reqwest::Client,
        base_url: &str,
        token: &str,
        window: WindowPolicy,
    ) -> Result<ReservioClient, SystemError> {
        let base = Url::parse(base_url.trim_end_matches('/'))
            .map_err(|e| SystemError::Transport(format!("bad base URL {base_url:?}: {e}")))?;
        if base.cannot_be_a_base() {
            return Err(SystemError::Transport(format!("bad base URL {base_url:?}")));
        }
        Ok(ReservioClient {
            http,
            base,
            auth: auth::Auth::new(auth::Credentials::parse(token), window.clock.clone()),
            window: WindowPolicy {
                page_size: window.page_size.max(1),
                ..window
            },
            budget: RetryBudget::new(Duration::from_secs(RETRY_BUDGET_SECS)),
            gate: None,
            profiles: Default::default(),
            reprobes: Default::default(),
            boundaries: Default::default(),
        })
    }

    /// Every request first passes `gate` (the deployment's request budget).
    pub fn with_gate(mut self, gate: std::sync::Arc<dyn crate::systems::RequestGate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// How many OAuth access tokens this client fetched (none with a static token).
    pub fn token_refreshes(&self) -> u64 {
        self.auth.refreshes()
    }

    /// How often a listing contradicted the profile in use, so it was probed again.
    pub fn reprobes(&self) -> u64 {
        self.reprobes.lock().map(|n| *n).unwrap_or(0)
    }

    /// The business's services (`GET /businesses/{id}/services`).
    pub async fn list_services(&self, account: &Account) -> Result<Vec<Service>, SystemError> {
        let (items, _) = self.fetch_all(account, &["services"], Vec::new()).await?;
        items.iter().map(service_from).collect()
    }

    /// Free slots for a service starting in `[from, to)`, as Unix-second `(start, end)` pairs,
    /// sorted, once each whichever resources offer them
    /// (`GET /businesses/{id}/availability/booking-slots`).
    pub async fn free_slots(
        &self,
        account: &Account,
        service_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>, SystemError> {
        let slots = self
            .slots(account, service_id, None, (from, to), false)
            .await?;
        let mut pairs: Vec<(i64, i64)> = slots.iter().map(|s| (s.start_at, s.end_at)).collect();
        pairs.sort_unstable();
        pairs.dedup();
        Ok(pairs)
    }

    /// Free slots with their resources, sorted by time (Reservio's are not strictly sorted).
    /// `ignore_boundaries` asks for the staff's view (`ignoreBookingBoundaries`), beyond the
    /// customer's horizon and lead time. When the server ignores `page[offset]`, the range is
    /// read a day at a time instead, each day in one page.
    pub async fn slots(
        &self,
        account: &Account,
        service_id: &str,
        resource: Option<&str>,
        (from, to): (i64, i64),
        ignore_boundaries: bool,
    ) -> Result<Vec<Slot>, SystemError> {
        let path = ["availability", "booking-slots"];
        let query = |from: i64, to: i64| -> Result<Vec<(&str, String)>, SystemError> {
            let mut query = vec![
                ("filter[serviceId]", service_id.to_string()),
                ("filter[from]", format_instant(from)?),
                ("filter[to]", format_instant(to)?),
            ];
            if let Some(resource) = resource {
                query.push(("filter[resourceId]", resource.to_string()));
            }
            if ignore_boundaries {
                query.push(("ignoreBookingBoundaries", "true".to_string()));
            }
            Ok(query)
        };
        let limit = self.window.page_size;
        let paged = self
            .fetch_pages(account, &path, query(from, to)?, limit, |_| false)
            .await?;
        let mut items = paged.items;
        if paged.offsets_ignored {
            items.clear();
            let mut day = from;
            while day < to {
                let end = (day + DAY).min(to);
                let one = self
                    .fetch_pages(account, &path, query(day, end)?, 100, |_| false)
                    .await?;
                if one.offsets_ignored {
                    return Err(invalid(
                        "booking slots ignore page[offset] and one day holds more than a page",
                    ));
                }
                items.extend(one.items);
                day = end;
            }
        }
        let mut slots = items
            .iter()
            .map(|slot| {
                let start = wire::required_instant(slot, "/attributes/start", "a booking slot")?;
                let end = wire::required_instant(slot, "/attributes/end", "a booking slot")?;
                let resource_id = slot
                    .pointer("/relationships/resource/data/id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Ok(Slot {
                    start_at: start,
                    end_at: end,
                    resource_id,
                })
            })
            .collect::<Result<Vec<Slot>, SystemError>>()?;
        slots.sort_by(|a, b| (a.start_at, &a.resource_id).cmp(&(b.start_at, &b.resource_id)));
        slots.dedup();
        Ok(slots)
    }

    /// Bookings whose event starts in `[from, to)`, with their events and clients. Where the
    /// date filter works (see [`profile`]), a filtered listing, oldest-created first so that
    /// bookings created while we page land on the last page instead of shifting the earlier
    /// ones; else [`Self::walk_newest`]. Events and clients missing from `included` are read
    /// one by one. Bookings that cannot be read are kept: their absence would look like a
    /// deletion.
    async fn list_bookings(
        &self,
        account: &Account,
        from: i64,
        to: i64,
    ) -> Result<(Vec<Value>, Included), SystemError> {
        let profile = self.listing_profile(account).await?;
        if !profile.date_filter.usable() {
            return self.walk_newest(account, from, to).await;
        }
        let query = vec![
            ("filter[from]", format_instant(from)?),
            ("filter[to]", format_instant(to)?),
            ("include", "event,client".to_string()),
            ("sort", "createdAt".to_string()),
        ];
        let (items, mut included) = self.fetch_all(account, &["bookings"], query).await?;
        let lacked_included = !items.is_empty() && included.is_empty();
        self.complete_related(account, &items, &mut included)
            .await?;
        if lacked_included && profile.include == Some(true) {
            self.set_profile(
                account,
                ListingProfile {
                    include: Some(false),
                    ..profile
                },
            );
        }
        let beyond = wire::starts_of(&items, &included)
            .iter()
            .any(|(_, start)| *start < from || *start >= to);
        if beyond {
            // A filtered listing with bookings outside the filter: the profile was wrong.
            self.forget_profile(account);
            let reprobed = self.listing_profile(account).await?;
            if !reprobed.date_filter.usable() {
                return self.walk_newest(account, from, to).await;
            }
            return Ok((in_window(items, &included, from, to), included));
        }
        Ok((items, included))
    }

    /// The fallback when the date filter cannot be used: every booking newest-created first
    /// (`sort=-createdAt`), stopping once a page reaches bookings made more than
    /// [`WALK_LOOKBACK`] before the window, keeping those whose appointment is in the window.
    async fn walk_newest(
        &self,
        account: &Account,
        from: i64,
        to: i64,
    ) -> Result<(Vec<Value>, Included), SystemError> {
        let query = vec![
            ("include", "event,client".to_string()),
            ("sort", "-createdAt".to_string()),
        ];
        let horizon = from - WALK_LOOKBACK;
        let paged = self
            .fetch_pages(
                account,
                &["bookings"],
                query,
                self.window.page_size,
                |page| {
                    page.last()
                        .and_then(|item| item.pointer("/attributes/createdAt"))
                        .and_then(Value::as_str)
                        .and_then(wire::parse_instant)
                        .is_some_and(|created| created < horizon)
                },
            )
            .await?;
        if paged.offsets_ignored {
            return Err(invalid(
                "paging does not advance: a page repeated earlier items",
            ));
        }
        let mut included = paged.included;
        self.complete_kinds(account, &paged.items, &mut included, &[("event", "events")])
            .await?;
        let kept = in_window(paged.items, &included, from, to);
        self.complete_related(account, &kept, &mut included).await?;
        Ok((kept, included))
    }

    /// The bookings around a new booking's own time, as far as [`KEY_SEARCH_MARGIN`] either
    /// side.
    async fn list_around(
        &self,
        account: &Account,
        booking: &NewBooking,
    ) -> Result<(Vec<Value>, Included), SystemError> {
        self.list_bookings(
            account,
            booking.start_at - KEY_SEARCH_MARGIN,
            booking.end_at + KEY_SEARCH_MARGIN,
        )
        .await
    }

    /// The booking an earlier attempt with the same key created, if any.
    async fn find_by_key(
        &self,
        account: &Account,
        booking: &NewBooking,
        key: &str,
    ) -> Result<Option<RemoteBooking>, SystemError> {
        let (items, included) = self.list_around(account, booking).await?;
        let earlier = items.iter().find(|item| {
            let note = item.pointer("/attributes/note").and_then(Value::as_str);
            note.map(NoteMarkers::parse)
                .is_some_and(|m| m.idempotency_key.as_deref() == Some(key))
        });
        earlier
            .map(|item| booking_from(item, &included))
            .transpose()
    }
}

/// The bookings whose appointment starts in `[from, to)`, and those that cannot be read (their
/// absence would look like a deletion).
fn in_window(items: Vec<Value>, included: &Included, from: i64, to: i64) -> Vec<Value> {
    items
        .into_iter()
        .filter(|item| match booking_from(item, included) {
            Ok(b) => b.start_at >= from && b.start_at < to,
            Err(_) => true,
        })
        .collect()
}

fn service_from(item: &Value) -> Result<Service, SystemError> {
    let id = required_str(item, "/id", "a service")?;
    let what = format!("service {id}");
    let name = required_str(item, "/attributes/name", &what)?;
    // Reservio gives durations in seconds (its slot sizes are seconds too).
    let seconds = item
        .pointer("/attributes/duration")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid(format!("{what}: `duration` is not a whole number")))?;
    let duration_minutes = u32::try_from(seconds / 60)
        .map_err(|_| invalid(format!("{what}: `duration` is out of range")))?;
    Ok(Service {
        id: id.to_string(),
        name: name.to_string(),
        duration_minutes,
    })
}

#[async_trait]
impl BookingSystem for ReservioClient {
    fn system(&self) -> System {
        System::Reservio
    }

    fn read_due_at(&self, cursor: Option<&str>) -> Option<i64> {
        self.window.whole_window_due_at(cursor)
    }

    /// Polls the rolling window; `cursor` is ignored (Reservio has no feed) and the returned
    /// one only records where the window started.
    async fn changes_since(
        &self,
        account: &Account,
        cursor: Option<&str>,
    ) -> Result<ChangeBatch, SystemError> {
        let ((from, to), next_cursor) = self.window.window_for(cursor);
        let (items, included) = self.list_bookings(account, from, to).await?;
        let bookings: Vec<_> = items
            .iter()
            .map(|item| booking_from(item, &included))
            .collect();
        // A booking we could not read is absent from the good ones; calling the window
        // complete would make it look deleted, which is a critical mismatch.
        let all_read = bookings.iter().all(Result::is_ok);
        Ok(ChangeBatch {
            bookings,
            next_cursor,
            complete_window: all_read.then_some((from, to)),
            has_more: false,
        })
    }

    async fn get(
        &self,
        account: &Account,
        external_id: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let (item, included) = self.read_raw(account, external_id).await?;
        booking_from(&item, &included)
    }

    /// Looks around the booking's own time (as far as [`KEY_SEARCH_MARGIN`]): a booking carrying
    /// the voucher that staff moved further than that is not found.
    async fn find_existing(
        &self,
        account: &Account,
        booking: &NewBooking,
    ) -> Result<Option<RemoteBooking>, SystemError> {
        let (items, included) = self.list_around(account, booking).await?;
        Ok(items
            .iter()
            .filter_map(|item| booking_from(item, &included).ok())
            .find(|found| booking.stands_in(found)))
    }

    async fn create(
        &self,
        account: &Account,
        booking: &NewBooking,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let markers = NoteMarkers {
            termino_id: booking.counterpart_id.clone(),
            voucher_code: booking.voucher_code.clone(),
            idempotency_key: Some(idempotency_key.to_string()),
        };
        let note = markers.render().map_err(SystemError::Refused)?;
        if let Some(earlier) = self.find_by_key(account, booking, idempotency_key).await? {
            return Ok(earlier);
        }
        let body = wire::new_booking_body(
            booking.start_at,
            booking.end_at,
            &booking.service_id,
            &booking.customer,
            &note,
        )?;
        let url = self.url(account, &["bookings"])?;
        let request = Self::with_body(self.request(reqwest::Method::POST, url), &body);
        let (created, _) = wire::single(self.send(request).await?)?;
        let id = required_str(&created, "/id", "the created booking")?;
        self.get(account, id).await
    }

    /// Moves the booking's event, then re-reads the booking to see that it moved.
    async fn update_time(
        &self,
        account: &Account,
        external_id: &str,
        start_at: i64,
        end_at: i64,
        _idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let (item, included) = self.read_raw(account, external_id).await?;
        let event_id = wire::event_id(&item)?.to_string();
        let event_type = included
            .get(&("event".to_string(), event_id.clone()))
            .and_then(|event| event.pointer("/attributes/eventType"))
            .and_then(Value::as_str);
        if event_type == Some("groupEvent") {
            return Err(SystemError::Refused(GROUP_EVENT_MOVE.to_string()));
        }
        let body = wire::move_event_body(&event_id, start_at, end_at)?;
        let url = self.url(account, &["events", &event_id])?;
        let request = Self::with_body(self.request(reqwest::Method::PATCH, url), &body);
        match self.send(request).await {
            Ok(_) => {}
            Err(SystemError::Http { status, body })
                if (403..=405).contains(&status) && !body.contains("entityNotFound") =>
            {
                return Err(SystemError::Refused(MOVE_NOT_SUPPORTED.to_string()));
            }
            Err(other) => return Err(other),
        }
        let now = self.get(account, external_id).await?;
        if (now.start_at, now.end_at) != (start_at, end_at) {
            return Err(SystemError::Refused(format!(
                "booking {external_id} still runs {}–{} after the move",
                now.start_at, now.end_at
            )));
        }
        Ok(now)
    }

    async fn update_customer(
        &self,
        account: &Account,
        external_id: &str,
        customer: &Customer,
        _idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let body = wire::set_client_body(external_id, customer);
        self.patch(account, &["bookings", external_id], &body)
            .await?;
        let now = self.get(account, external_id).await?;
        if &now.customer != customer {
            return Err(SystemError::Refused(format!(
                "booking {external_id} kept other customer details"
            )));
        }
        Ok(now)
    }

    /// Sets the state to `canceled` (Reservio cannot delete), then re-reads: an ignored
    /// change comes back as `Refused`.
    async fn cancel(
        &self,
        account: &Account,
        external_id: &str,
        _idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let body = wire::set_state_body(external_id, wire::state::CANCELED);
        self.patch(account, &["bookings", external_id], &body)
            .await?;
        let now = self.get(account, external_id).await?;
        if now.status != BookingStatus::Cancelled {
            return Err(SystemError::Refused(format!(
                "booking {external_id} is still {} after cancelling",
                now.status.as_str()
            )));
        }
        Ok(now)
    }
}
