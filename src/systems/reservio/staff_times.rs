//! Free times for a staff move. Reservio's booking slots answer "may a customer book this now"
//! (its rolling horizon and lead time); a reschedule may go beyond both, so the client asks
//! with `ignoreBookingBoundaries=true`. Whether Reservio honours that is not in the public
//! evidence, so the client finds out once per account — a day far beyond any customer horizon
//! that the opening hours say is open must have slots — and where it is not honoured, it
//! works the free times out itself: the business's opening hours (`GET /businesses/{id}`) less
//! the bookings on the booking's resource (staff member or room).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::Value;

use super::wire::{self, booking_from};
use super::{DAY, ReservioClient};
use crate::domain::BookingStatus;
use crate::systems::{Account, SystemError};

/// How far ahead the check for `ignoreBookingBoundaries` asks: beyond any customer horizon.
const FAR_AHEAD_DAYS: i64 = 200;

/// Slots start this far apart when the business does not say.
const DEFAULT_SLOT_SECS: i64 = 30 * 60;

/// A business's week: per ISO weekday (Monday first), the open minutes, in its time zone.
#[derive(Clone, Debug)]
pub struct OpeningHours {
    pub zone: TimeZone,
    pub days: [Option<(i64, i64)>; 7],
    pub slot_secs: i64,
}

fn minutes(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

impl OpeningHours {
    /// Reads `attributes.openingHours` (`day` 1–7 from Monday, `from`/`to` as `HH:MM`, an
    /// optional `timezone`, else the business's) and `attributes.slotSize` (seconds).
    pub fn parse(business: &Value) -> Result<OpeningHours, SystemError> {
        let attributes = business.get("attributes").unwrap_or(&Value::Null);
        let zone_name = attributes
            .get("timezone")
            .and_then(Value::as_str)
            .unwrap_or("UTC");
        let zone_of = |name: &str| {
            TimeZone::get(name)
                .map_err(|_| wire::invalid(format!("unknown time zone {name:?} in opening hours")))
        };
        let mut zone = zone_of(zone_name)?;
        let mut days = [None; 7];
        let entries = attributes
            .get("openingHours")
            .and_then(Value::as_array)
            .ok_or_else(|| wire::invalid("the business has no opening hours"))?;
        for entry in entries {
            let day = entry.get("day").and_then(Value::as_i64);
            let from = entry.get("from").and_then(Value::as_str).and_then(minutes);
            let to = entry.get("to").and_then(Value::as_str).and_then(minutes);
            let (Some(day @ 1..=7), Some(from), Some(to)) = (day, from, to) else {
                return Err(wire::invalid(format!("opening hours entry {entry}")));
            };
            if let Some(name) = entry.get("timezone").and_then(Value::as_str) {
                zone = zone_of(name)?;
            }
            if to > from {
                days[(day - 1) as usize] = Some((from, to));
            }
        }
        let slot_secs = attributes
            .get("slotSize")
            .and_then(Value::as_i64)
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_SLOT_SECS);
        Ok(OpeningHours {
            zone,
            days,
            slot_secs,
        })
    }

    /// The open hours of the local day `date`, as instants.
    fn open_on(&self, date: Date) -> Option<(i64, i64)> {
        let weekday = date.weekday().to_monday_one_offset();
        let (from, to) = self.days[usize::try_from(weekday - 1).ok()?]?;
        let at = |minute: i64| -> Option<i64> {
            let midnight = self
                .zone
                .to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .ok()?
                .as_second();
            // Minutes after local midnight; a day with a clock change is off by its hour,
            // which a staff move's list of times can bear.
            Some(midnight + minute * 60)
        };
        Some((at(from)?, at(to)?))
    }

    /// The local dates whose days overlap `[from, to)`.
    fn dates(&self, from: i64, to: i64) -> Vec<Date> {
        let date_of = |at: i64| {
            Timestamp::from_second(at)
                .ok()
                .map(|t| self.zone.to_datetime(t).date())
        };
        let (Some(mut day), Some(last)) = (date_of(from), date_of(to)) else {
            return vec![];
        };
        let mut dates = vec![];
        while day <= last && dates.len() < 400 {
            dates.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        dates
    }

    /// Starts every `slot_secs` within opening hours in `[from, to)` whose `duration` fits
    /// before closing and overlaps nothing in `busy`.
    pub fn free_starts(
        &self,
        (from, to): (i64, i64),
        duration: i64,
        busy: &[(i64, i64)],
    ) -> Vec<(i64, i64)> {
        let mut free = vec![];
        for date in self.dates(from, to) {
            let Some((open, close)) = self.open_on(date) else {
                continue;
            };
            let mut start = open;
            while start + duration <= close {
                let end = start + duration;
                let clashes = busy.iter().any(|(s, e)| *s < end && start < *e);
                if start >= from && start < to && !clashes {
                    free.push((start, end));
                }
                start += self.slot_secs.max(60);
            }
        }
        free
    }
}

impl ReservioClient {
    /// Free times for a staff move, as sorted `(start, end)` pairs: a reschedule may go beyond
    /// the customer's booking horizon or inside the lead time. On `resource` only when given
    /// (the booking keeps its staff member). Asked of Reservio with `ignoreBookingBoundaries`
    /// where it honours that, else worked out from opening hours and the resource's bookings.
    pub async fn staff_free_slots(
        &self,
        account: &Account,
        service_id: &str,
        resource: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>, SystemError> {
        let mut pairs = if self
            .boundaries_honoured(account, service_id, resource)
            .await?
        {
            self.slots(account, service_id, resource, (from, to), true)
                .await?
                .iter()
                .map(|s| (s.start_at, s.end_at))
                .collect()
        } else {
            self.free_from_opening_hours(account, service_id, resource, (from, to))
                .await?
        };
        pairs.sort_unstable();
        pairs.dedup();
        Ok(pairs)
    }

    /// The business's opening hours (`GET /businesses/{id}`).
    pub async fn opening_hours(&self, account: &Account) -> Result<OpeningHours, SystemError> {
        let url = self.url(account, &[])?;
        let document = self.send(self.request(reqwest::Method::GET, url)).await?;
        let (business, _) = wire::single(document)?;
        OpeningHours::parse(&business)
    }

    /// Whether Reservio honours `ignoreBookingBoundaries` for this account (found out once):
    /// a day far beyond any customer horizon that is open must have slots. Cannot tell (never
    /// open): assumed honoured.
    async fn boundaries_honoured(
        &self,
        account: &Account,
        service_id: &str,
        resource: Option<&str>,
    ) -> Result<bool, SystemError> {
        if let Some(known) = self
            .boundaries
            .lock()
            .ok()
            .and_then(|b| b.get(account).copied())
        {
            return Ok(known);
        }
        let hours = self.opening_hours(account).await?;
        let far = self.window.clock.now() + FAR_AHEAD_DAYS * DAY;
        let mut honoured = true;
        for date in hours.dates(far, far + 7 * DAY) {
            let Some((open, close)) = hours.open_on(date) else {
                continue;
            };
            let slots = self
                .slots(account, service_id, resource, (open, close), true)
                .await?;
            honoured = !slots.is_empty();
            break;
        }
        if let Ok(mut b) = self.boundaries.lock() {
            b.insert(account.to_string(), honoured);
        }
        Ok(honoured)
    }

    /// Free times from opening hours less the bookings holding a slot on `resource` (every
    /// booking when no resource is given). Blocked time and absences are not bookings: this
    /// fallback does not see them.
    async fn free_from_opening_hours(
        &self,
        account: &Account,
        service_id: &str,
        resource: Option<&str>,
        (from, to): (i64, i64),
    ) -> Result<Vec<(i64, i64)>, SystemError> {
        let hours = self.opening_hours(account).await?;
        let service = self
            .list_services(account)
            .await?
            .into_iter()
            .find(|s| s.id == service_id)
            .ok_or_else(|| SystemError::Refused(format!("no service {service_id:?}")))?;
        let duration = i64::from(service.duration_minutes.max(1)) * 60;
        let (items, included) = self.list_bookings(account, from - DAY, to + DAY).await?;
        let mut busy = vec![];
        for item in &items {
            let booking = booking_from(item, &included)?;
            if !matches!(
                booking.status,
                BookingStatus::Confirmed | BookingStatus::Pending
            ) {
                continue;
            }
            let on = wire::event_id(item)
                .ok()
                .and_then(|id| included.get(&("event".to_string(), id.to_string())))
                .and_then(|event| event.pointer("/relationships/resource/data/id"))
                .and_then(Value::as_str);
            if resource.is_none() || on.is_none() || on == resource {
                busy.push((booking.start_at, booking.end_at));
            }
        }
        Ok(hours.free_starts((from, to), duration, &busy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn opening_hours_less_bookings_give_the_free_starts() {
        let business = json!({ "attributes": {
            "timezone": "Europe/Prague",
            "openingHours": [{ "day": 1, "from": "09:00", "to": "12:00", "timezone": "UTC" }],
            "slotSize": 3600,
        }});
        let hours = OpeningHours::parse(&business).expect("parses");
        // Monday 2026-11-02, 09:00 UTC.
        let monday = 1_793_577_600;
        let nine = monday + 9 * 3600;
        let free = hours.free_starts((monday, monday + 7 * DAY), 3600, &[(nine, nine + 3600)]);
        assert_eq!(
            free,
            vec![(nine + 3600, nine + 7200), (nine + 7200, nine + 10800)]
        );
    }

    #[test]
    fn opening_hours_that_cannot_be_read_are_an_error_not_a_closed_week() {
        for bad in [
            json!({ "attributes": {} }),
            json!({ "attributes": { "openingHours": [{ "day": 9, "from": "09:00", "to": "10:00" }] } }),
            json!({ "attributes": { "openingHours": [{ "day": 1, "from": "nine", "to": "10:00" }] } }),
        ] {
            assert!(OpeningHours::parse(&bad).is_err(), "{bad}");
        }
    }
}
