//! The fake Termino's in-memory state and the rules it enforces. Both the HTTP handlers and the
//! handle's direct methods go through these operations, so a change made "by a customer" and one
//! made through the API follow the same rules and bump the same version counter.

use std::collections::{BTreeMap, HashMap};

use axum::http::StatusCode;
use rand::Rng;
use serde_json::Value;

use super::error::ApiError;
use super::model::{Effect, Reservation};
use crate::domain::{BookingStatus, Customer};
use crate::systems::termino::{Offer, format_rfc3339};

/// Everything one fake Termino server knows.
#[derive(Default)]
pub(super) struct Store {
    /// Bearer token → the one partner it grants access to.
    tokens: HashMap<String, String>,
    partners: HashMap<String, PartnerBook>,
    /// The server-wide version counter; every change takes the next value.
    version: u64,
    next_reservation: u64,
    pub(super) effects: Vec<Effect>,
    /// Changes not yet announced by webhook: (partner, reservation, version).
    pub(super) unannounced: Vec<(String, String, u64)>,
    /// The channel's own token, for the channel-wide change feed.
    channel_token: Option<String>,
    /// Every reservation of every partner by the version of its latest change: the channel
    /// feed in order, without a scan of all partners.
    by_version: BTreeMap<u64, (String, String)>,
    /// The oldest cursor the channel feed still continues from: changes before it are past
    /// the feed's retention (the sandbox moves it on request).
    feed_floor: u64,
}

/// A page of the channel feed: the cursor it was read from, each reservation with its partner,
/// and whether more are waiting.
pub(super) struct ChannelChanges {
    pub cursor: u64,
    pub changes: Vec<(String, Reservation)>,
    pub has_more: bool,
}

/// Why the channel feed cannot continue from a cursor.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum FeedGap {
    /// The cursor is older than what the feed keeps, or ahead of its newest change: the
    /// client reads each partner in full and continues from `resume`.
    Resync { resume: u64 },
}

#[derive(Default)]
struct PartnerBook {
    offers: Vec<Offer>,
    reservations: HashMap<String, Reservation>,
    vouchers: HashMap<String, Voucher>,
    replays: HashMap<String, Replay>,
    webhook: Option<Webhook>,
}

/// A sold voucher. The sandbox learns about a voucher when it is first booked (or reissued).
struct Voucher {
    offer_id: String,
    cancelled: bool,
    /// Its reservations, oldest first; at most one of them is not cancelled.
    reservations: Vec<String>,
}

/// The first answer given under an idempotency key.
pub(super) struct Replay {
    /// Method, path and canonical body of the first request.
    pub fingerprint: String,
    pub status: StatusCode,
    pub body: Value,
}

/// Where a partner's change notifications go.
#[derive(Clone)]
pub(super) struct Webhook {
    pub url: String,
    pub secret: String,
}

/// A reservation to create.
pub(super) struct NewReservation {
    pub voucher_code: String,
    pub offer_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub customer: Customer,
    pub reservio_booking_id: Option<String>,
    pub status: BookingStatus,
}

fn check_slot(start_at: i64, end_at: i64) -> Result<(), ApiError> {
    if end_at <= start_at {
        return Err(ApiError::unprocessable(
            "invalid_slot",
            "end must be after start",
        ));
    }
    if format_rfc3339(start_at).is_none() || format_rfc3339(end_at).is_none() {
        return Err(ApiError::unprocessable("invalid_slot", "time out of range"));
    }
    Ok(())
}

impl Store {
    pub fn add_partner(&mut self, partner_id: &str, token: &str) {
        self.tokens.insert(token.to_owned(), partner_id.to_owned());
        self.partners.entry(partner_id.to_owned()).or_default();
    }

    /// Whether `token` grants access to `partner_id`.
    pub fn authorizes(&self, token: &str, partner_id: &str) -> bool {
        self.tokens.get(token).is_some_and(|p| p == partner_id)
    }

    pub fn set_channel_token(&mut self, token: &str) {
        self.channel_token = Some(token.to_owned());
    }

    /// Whether `token` is the channel's own (a partner's token never is).
    pub fn authorizes_channel(&self, token: &str) -> bool {
        self.channel_token.as_deref().is_some_and(|t| t == token) && !token.is_empty()
    }

    /// The retention passes: the channel feed no longer continues from a cursor older than
    /// the newest change now.
    pub fn expire_channel_changes(&mut self) {
        self.feed_floor = self.version;
    }

    /// The newest version handed out so far.
    pub fn head(&self) -> u64 {
        self.version
    }

    /// Reservations of every partner changed after version `cursor`, oldest change first, at
    /// most `limit`, each with its partner; the cursor read from and whether more are waiting.
    /// No cursor reads from the oldest change kept. A cursor older than the retention, or
    /// ahead of the newest change, cannot be continued from.
    pub fn channel_changes(
        &self,
        cursor: Option<u64>,
        limit: usize,
    ) -> Result<ChannelChanges, FeedGap> {
        let cursor = cursor.unwrap_or(self.feed_floor);
        if cursor < self.feed_floor || cursor > self.version {
            return Err(FeedGap::Resync {
                resume: self.version,
            });
        }
        let mut page = Vec::with_capacity(limit.min(self.by_version.len()));
        let mut later = self.by_version.range(cursor + 1..);
        for (_, (partner_id, id)) in later.by_ref().take(limit) {
            if let Some(r) = self
                .partners
                .get(partner_id)
                .and_then(|book| book.reservations.get(id))
            {
                page.push((partner_id.clone(), r.clone()));
            }
        }
        Ok(ChannelChanges {
            cursor,
            changes: page,
            has_more: later.next().is_some(),
        })
    }

    fn book(&self, partner_id: &str) -> Result<&PartnerBook, ApiError> {
        self.partners
            .get(partner_id)
            .ok_or_else(|| ApiError::not_found("unknown partner"))
    }

    fn book_mut(&mut self, partner_id: &str) -> Result<&mut PartnerBook, ApiError> {
        self.partners
            .get_mut(partner_id)
            .ok_or_else(|| ApiError::not_found("unknown partner"))
    }

    pub fn add_offer(&mut self, partner_id: &str, offer: Offer) -> Result<(), ApiError> {
        let book = self.book_mut(partner_id)?;
        book.offers.retain(|o| o.id != offer.id);
        book.offers.push(offer);
        Ok(())
    }

    pub fn offers(&self, partner_id: &str) -> Result<Vec<Offer>, ApiError> {
        Ok(self.book(partner_id)?.offers.clone())
    }

    pub fn set_webhook(&mut self, partner_id: &str, webhook: Webhook) -> Result<(), ApiError> {
        self.book_mut(partner_id)?.webhook = Some(webhook);
        Ok(())
    }

    pub fn webhook(&self, partner_id: &str) -> Option<Webhook> {
        self.partners.get(partner_id)?.webhook.clone()
    }

    pub fn replay(&self, partner_id: &str, key: &str) -> Option<&Replay> {
        self.partners.get(partner_id)?.replays.get(key)
    }

    pub fn remember(&mut self, partner_id: &str, key: &str, replay: Replay) {
        if let Some(book) = self.partners.get_mut(partner_id) {
            book.replays.insert(key.to_owned(), replay);
        }
    }

    pub fn reservation(&self, partner_id: &str, id: &str) -> Result<Reservation, ApiError> {
        self.book(partner_id)?
            .reservations
            .get(id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("no such reservation"))
    }

    /// All of a partner's reservations, oldest first.
    pub fn reservations(&self, partner_id: &str) -> Vec<Reservation> {
        let mut all: Vec<Reservation> = self
            .partners
            .get(partner_id)
            .map(|book| book.reservations.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// Reservations changed after version `cursor`, oldest change first, at most `limit`;
    /// and whether more are waiting.
    pub fn changes(
        &self,
        partner_id: &str,
        cursor: u64,
        limit: usize,
    ) -> Result<(Vec<Reservation>, bool), ApiError> {
        let mut changed: Vec<&Reservation> = self
            .book(partner_id)?
            .reservations
            .values()
            .filter(|r| r.version > cursor)
            .collect();
        changed.sort_by_key(|r| r.version);
        let has_more = changed.len() > limit;
        Ok((changed.into_iter().take(limit).cloned().collect(), has_more))
    }

    /// Applies `change` to a reservation and, if it changed anything, gives it the next version.
    /// Returns the reservation as it is afterwards and whether it changed.
    fn change(
        &mut self,
        partner_id: &str,
        id: &str,
        now: i64,
        change: impl FnOnce(&mut Reservation) -> Result<(), ApiError>,
    ) -> Result<(Reservation, bool), ApiError> {
        let next_version = self.version + 1;
        let reservation = self
            .book_mut(partner_id)?
            .reservations
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found("no such reservation"))?;
        let before = reservation.clone();
        change(reservation)?;
        if *reservation == before {
            return Ok((before, false));
        }
        reservation.version = next_version;
        reservation.updated_at = now;
        let after = reservation.clone();
        self.version = next_version;
        self.by_version.remove(&before.version);
        self.by_version
            .insert(next_version, (partner_id.to_owned(), id.to_owned()));
        self.unannounced
            .push((partner_id.to_owned(), id.to_owned(), next_version));
        Ok((after, true))
    }

    pub fn create(
        &mut self,
        partner_id: &str,
        new: NewReservation,
        now: i64,
    ) -> Result<Reservation, ApiError> {
        check_slot(new.start_at, new.end_at)?;
        let id = format!("trm_{:06}", self.next_reservation + 1);
        let version = self.version + 1;
        let book = self.book_mut(partner_id)?;
        if !book.offers.iter().any(|o| o.id == new.offer_id) {
            return Err(ApiError::unprocessable("unknown_offer", "no such offer"));
        }
        if let Some(voucher) = book.vouchers.get(&new.voucher_code) {
            if voucher.cancelled {
                return Err(ApiError::conflict(
                    "voucher_cancelled",
                    "the voucher is cancelled",
                ));
            }
            if voucher.offer_id != new.offer_id {
                return Err(ApiError::unprocessable(
                    "offer_mismatch",
                    format!("the voucher is for offer {}", voucher.offer_id),
                ));
            }
            let in_use = voucher.reservations.iter().any(|rid| {
                book.reservations
                    .get(rid)
                    .is_some_and(|r| r.status != BookingStatus::Cancelled)
            });
            if in_use {
                return Err(ApiError::conflict(
                    "voucher_in_use",
                    "the voucher already has a reservation that is not cancelled",
                ));
            }
        }
        let reservation = Reservation {
            id: id.clone(),
            voucher_code: new.voucher_code.clone(),
            offer_id: new.offer_id.clone(),
            start_at: new.start_at,
            end_at: new.end_at,
            customer: new.customer,
            status: new.status,
            self_rescheduled: false,
            reservio_booking_id: new.reservio_booking_id,
            version,
            updated_at: now,
        };
        book.vouchers
            .entry(new.voucher_code)
            .or_insert_with(|| Voucher {
                offer_id: new.offer_id,
                cancelled: false,
                reservations: Vec::new(),
            })
            .reservations
            .push(id.clone());
        book.reservations.insert(id.clone(), reservation.clone());
        self.next_reservation += 1;
        self.version = version;
        self.by_version
            .insert(version, (partner_id.to_owned(), id.clone()));
        self.unannounced.push((partner_id.to_owned(), id, version));
        Ok(reservation)
    }

    /// Moves a reservation. `by_customer` is the customer's one self-reschedule (FAQ rule 3).
    pub fn reschedule(
        &mut self,
        partner_id: &str,
        id: &str,
        (start_at, end_at): (i64, i64),
        by_customer: bool,
        now: i64,
    ) -> Result<(Reservation, bool), ApiError> {
        check_slot(start_at, end_at)?;
        self.change(partner_id, id, now, |r| {
            if r.status == BookingStatus::Cancelled {
                return Err(ApiError::conflict(
                    "reservation_cancelled",
                    "a cancelled reservation cannot be moved",
                ));
            }
            if by_customer && r.self_rescheduled {
                return Err(ApiError::conflict(
                    "self_reschedule_used",
                    "the customer has already rescheduled once",
                ));
            }
            r.start_at = start_at;
            r.end_at = end_at;
            r.self_rescheduled |= by_customer;
            Ok(())
        })
    }

    pub fn set_customer(
        &mut self,
        partner_id: &str,
        id: &str,
        customer: Customer,
        now: i64,
    ) -> Result<(Reservation, bool), ApiError> {
        self.change(partner_id, id, now, |r| {
            if r.status == BookingStatus::Cancelled {
                return Err(ApiError::conflict(
                    "reservation_cancelled",
                    "a cancelled reservation cannot be changed",
                ));
            }
            r.customer = customer;
            Ok(())
        })
    }

    pub fn set_status(
        &mut self,
        partner_id: &str,
        id: &str,
        status: BookingStatus,
        now: i64,
    ) -> Result<(Reservation, bool), ApiError> {
        self.change(partner_id, id, now, |r| {
            r.status = status;
            Ok(())
        })
    }

    /// Cancels a voucher and its live reservation; cancelling it again changes nothing.
    /// Returns the voucher's latest reservation and whether anything changed.
    pub fn cancel_voucher(
        &mut self,
        partner_id: &str,
        code: &str,
        now: i64,
    ) -> Result<(Reservation, bool), ApiError> {
        let book = self.book_mut(partner_id)?;
        let voucher = book
            .vouchers
            .get_mut(code)
            .ok_or_else(|| ApiError::not_found("no such voucher"))?;
        let Some(latest) = voucher.reservations.last().cloned() else {
            return Err(ApiError::not_found("the voucher has no reservation"));
        };
        let was_cancelled = std::mem::replace(&mut voucher.cancelled, true);
        let ids = voucher.reservations.clone();
        let mut changed = !was_cancelled;
        for id in ids {
            let (_, c) = self.set_status(partner_id, &id, BookingStatus::Cancelled, now)?;
            changed |= c;
        }
        Ok((self.reservation(partner_id, &latest)?, changed))
    }

    /// Cancels a voucher and issues a new one for `offer_id` (FAQ rule 5).
    pub fn reissue_voucher(
        &mut self,
        partner_id: &str,
        code: &str,
        offer_id: &str,
        now: i64,
    ) -> Result<(Reservation, String), ApiError> {
        let book = self.book(partner_id)?;
        let voucher = book
            .vouchers
            .get(code)
            .ok_or_else(|| ApiError::not_found("no such voucher"))?;
        if voucher.cancelled {
            return Err(ApiError::conflict(
                "voucher_cancelled",
                "the voucher is cancelled",
            ));
        }
        if !book.offers.iter().any(|o| o.id == offer_id) {
            return Err(ApiError::unprocessable("unknown_offer", "no such offer"));
        }
        let new_code = loop {
            let candidate = voucher_code();
            if !book.vouchers.contains_key(&candidate) {
                break candidate;
            }
        };
        let (cancelled, _) = self.cancel_voucher(partner_id, code, now)?;
        self.book_mut(partner_id)?.vouchers.insert(
            new_code.clone(),
            Voucher {
                offer_id: offer_id.to_owned(),
                cancelled: false,
                reservations: Vec::new(),
            },
        );
        Ok((cancelled, new_code))
    }

    /// Removes a reservation as if someone deleted it (what FAQ rule 2 forbids). The deletion
    /// takes a version so that a webhook can announce it; the feed no longer lists it.
    pub fn delete(&mut self, partner_id: &str, id: &str) -> Result<(), ApiError> {
        let book = self.book_mut(partner_id)?;
        let removed = book
            .reservations
            .remove(id)
            .ok_or_else(|| ApiError::not_found("no such reservation"))?;
        if let Some(voucher) = book.vouchers.get_mut(&removed.voucher_code) {
            voucher.reservations.retain(|rid| rid != id);
        }
        self.by_version.remove(&removed.version);
        self.version += 1;
        self.unannounced
            .push((partner_id.to_owned(), id.to_owned(), self.version));
        Ok(())
    }
}

/// A fresh voucher code in the channel's style, e.g. `SV-7KQ2-M9XD`.
fn voucher_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let mut pick = || char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]);
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("SV-{first}-{second}")
}
