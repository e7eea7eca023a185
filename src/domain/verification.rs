//! The partner's verification of a new connection (FAQ rule 1: "the partner verifies that
//! bookings and availability copy over correctly"): given samples of both systems, list every
//! difference a person should look at before going live.
//!
//! Termino publishes no availability of its own, so "what the channel shows" for availability is
//! what the channel has booked: a slot the channel sold that the calendar still offers as free
//! would be sold twice.

use std::collections::HashMap;

use super::booking::System;

/// One side of a linked booking, as the last sync stored it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideSample {
    pub start_at: i64,
    pub end_at: i64,
    /// The side's own service id: a Reservio service or a Termino offer.
    pub service_id: String,
    pub customer_name: String,
    pub status: String,
}

/// A linked booking with whichever sides exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingSample {
    pub link_id: i64,
    pub voucher_code: Option<String>,
    pub reservio: Option<SideSample>,
    pub termino: Option<SideSample>,
}

/// A field in which the two sides of a booking disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BookingDifference {
    /// The booking has not reached this system.
    MissingIn(System),
    Time,
    /// The calendar's service is not mapped to the channel's offer.
    Service,
    Status,
    Customer,
}

impl BookingDifference {
    /// The catalogue key describing the difference.
    pub fn label_key(self) -> &'static str {
        match self {
            BookingDifference::MissingIn(System::Reservio) => "verify-diff-missing-reservio",
            BookingDifference::MissingIn(System::Termino) => "verify-diff-missing-termino",
            BookingDifference::Time => "verify-diff-time",
            BookingDifference::Service => "verify-diff-service",
            BookingDifference::Status => "verify-diff-status",
            BookingDifference::Customer => "verify-diff-customer",
        }
    }
}

/// Everything that differs between the two sides of `sample`; `offer_for_service` maps the
/// partner's Reservio services to the channel's offers.
pub fn booking_differences(
    sample: &BookingSample,
    offer_for_service: &HashMap<String, String>,
) -> Vec<BookingDifference> {
    let (r, t) = match (&sample.reservio, &sample.termino) {
        (Some(r), Some(t)) => (r, t),
        (None, _) => return vec![BookingDifference::MissingIn(System::Reservio)],
        (_, None) => return vec![BookingDifference::MissingIn(System::Termino)],
    };
    let mut out = vec![];
    if (r.start_at, r.end_at) != (t.start_at, t.end_at) {
        out.push(BookingDifference::Time);
    }
    if offer_for_service.get(&r.service_id) != Some(&t.service_id) {
        out.push(BookingDifference::Service);
    }
    if r.status != t.status {
        out.push(BookingDifference::Status);
    }
    if normalise_name(&r.customer_name) != normalise_name(&t.customer_name) {
        out.push(BookingDifference::Customer);
    }
    out
}

/// Names as people compare them: case and spacing do not count.
fn normalise_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A booking the channel holds in a slot, for the availability check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelBooking {
    pub start_at: i64,
    pub end_at: i64,
    pub voucher_code: Option<String>,
}

/// One of the partner's services over the sampled window: what the calendar offers as free
/// and what the channel has booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAvailability {
    pub service_name: String,
    pub reservio_minutes: u32,
    /// The mapped offer's duration; `None` when the service is not mapped.
    pub offer_minutes: Option<u32>,
    pub free_slots: Vec<(i64, i64)>,
    /// The channel's live (not cancelled) bookings of the mapped offer.
    pub channel_bookings: Vec<ChannelBooking>,
}

/// Something about a service's availability that needs a look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AvailabilityIssue {
    /// No channel offer is mapped to the service, so vouchers cannot be booked for it.
    NotMapped,
    /// The offer sells a visit of another length than the calendar books.
    DurationDiffers { reservio: u32, offer: u32 },
    /// The channel booked this time, and the calendar still offers it as free.
    SlotStillFree(ChannelBooking),
}

/// Every availability issue of one service.
pub fn availability_issues(a: &ServiceAvailability) -> Vec<AvailabilityIssue> {
    let Some(offer_minutes) = a.offer_minutes else {
        return vec![AvailabilityIssue::NotMapped];
    };
    let mut out = vec![];
    if offer_minutes != a.reservio_minutes {
        out.push(AvailabilityIssue::DurationDiffers {
            reservio: a.reservio_minutes,
            offer: offer_minutes,
        });
    }
    for booking in &a.channel_bookings {
        let overlaps_free = a
            .free_slots
            .iter()
            .any(|(start, end)| *start < booking.end_at && booking.start_at < *end);
        if overlaps_free {
            out.push(AvailabilityIssue::SlotStillFree(booking.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(service: &str, name: &str) -> SideSample {
        SideSample {
            start_at: 1000,
            end_at: 4600,
            service_id: service.into(),
            customer_name: name.into(),
            status: "confirmed".into(),
        }
    }

    fn map() -> HashMap<String, String> {
        HashMap::from([("svc-1".to_string(), "offer-1".to_string())])
    }

    fn sample(r: Option<SideSample>, t: Option<SideSample>) -> BookingSample {
        BookingSample {
            link_id: 1,
            voucher_code: Some("SLV1".into()),
            reservio: r,
            termino: t,
        }
    }

    #[test]
    fn agreeing_sides_show_no_difference() {
        let s = sample(
            Some(side("svc-1", "Jana  Nováková")),
            Some(side("offer-1", "jana nováková")),
        );
        assert_eq!(booking_differences(&s, &map()), vec![]);
    }

    #[test]
    fn a_booking_on_one_side_only_is_missing_on_the_other() {
        let s = sample(None, Some(side("offer-1", "Jana")));
        assert_eq!(
            booking_differences(&s, &map()),
            vec![BookingDifference::MissingIn(System::Reservio)]
        );
        let s = sample(Some(side("svc-1", "Jana")), None);
        assert_eq!(
            booking_differences(&s, &map()),
            vec![BookingDifference::MissingIn(System::Termino)]
        );
    }

    #[test]
    fn every_differing_field_is_listed() {
        let mut t = side("offer-2", "Petr");
        t.start_at += 3600;
        t.status = "cancelled".into();
        let s = sample(Some(side("svc-1", "Jana")), Some(t));
        assert_eq!(
            booking_differences(&s, &map()),
            vec![
                BookingDifference::Time,
                BookingDifference::Service,
                BookingDifference::Status,
                BookingDifference::Customer,
            ]
        );
    }

    #[test]
    fn an_unmapped_calendar_service_differs_from_any_offer() {
        let s = sample(Some(side("svc-9", "Jana")), Some(side("offer-1", "Jana")));
        assert_eq!(
            booking_differences(&s, &map()),
            vec![BookingDifference::Service]
        );
    }

    fn availability(offer_minutes: Option<u32>) -> ServiceAvailability {
        ServiceAvailability {
            service_name: "Massage".into(),
            reservio_minutes: 60,
            offer_minutes,
            free_slots: vec![(0, 3600), (3600, 7200)],
            channel_bookings: vec![],
        }
    }

    #[test]
    fn an_unmapped_service_is_reported_and_nothing_else() {
        assert_eq!(
            availability_issues(&availability(None)),
            vec![AvailabilityIssue::NotMapped]
        );
    }

    #[test]
    fn a_different_duration_is_reported() {
        assert_eq!(
            availability_issues(&availability(Some(90))),
            vec![AvailabilityIssue::DurationDiffers {
                reservio: 60,
                offer: 90
            }]
        );
        assert_eq!(availability_issues(&availability(Some(60))), vec![]);
    }

    #[test]
    fn a_channel_booking_in_a_slot_the_calendar_offers_is_reported() {
        let mut a = availability(Some(60));
        let taken = ChannelBooking {
            start_at: 3600,
            end_at: 7200,
            voucher_code: Some("SLV1".into()),
        };
        let elsewhere = ChannelBooking {
            start_at: 7200,
            end_at: 10_800,
            voucher_code: None,
        };
        a.channel_bookings = vec![taken.clone(), elsewhere];
        assert_eq!(
            availability_issues(&a),
            vec![AvailabilityIssue::SlotStillFree(taken)]
        );
    }
}
