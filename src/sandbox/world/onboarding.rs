//! Fresh sandbox accounts for trying the connection set-up in the demo: a partner gets a new
//! calendar business, the sales rep a new channel account, and both sides get a few bookings so
//! the partner's verification report has something to compare.

use rand::Rng;

use super::{DAY, HOUR, Sandbox, customer, token};
use crate::domain::BookingStatus;
use crate::sandbox::reservio::StaffBooking;
use crate::systems::reservio::Service;
use crate::systems::reservio::note::NoteMarkers;
use crate::systems::termino::Offer;

/// The services of a sandbox business made for the set-up.
const NEW_CATALOGUE: [(&str, u32); 3] = [
    ("Classic haircut", 45),
    ("Colour and cut", 120),
    ("Beard trim", 30),
];

/// Vouchers the channel account starts with; the last is not in the calendar yet.
const SEEDED_VOUCHERS: i64 = 6;

/// An account in one of the fake systems and the token that opens it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxAccount {
    pub id: String,
    pub token: String,
}

impl Sandbox {
    fn fresh_name(&self, prefix: &str) -> Result<(String, String), String> {
        let mut rng = self.rng.lock().map_err(|_| "rng poisoned".to_string())?;
        let n: u32 = rng.random_range(0..0xff_ffff);
        Ok((format!("{prefix}-{n:06x}-{}", self.run), token(&mut rng)))
    }

    /// A new calendar business with three services, for a partner's connection request.
    pub fn new_business(&self) -> Result<SandboxAccount, String> {
        let (id, token) = self.fresh_name("biz-new")?;
        self.reservio.add_business(&id, &token);
        for (k, (name, minutes)) in NEW_CATALOGUE.iter().enumerate() {
            self.reservio.add_service(
                &id,
                Service {
                    id: format!("{id}-svc-{}", k + 1),
                    name: (*name).to_string(),
                    duration_minutes: *minutes,
                },
            );
        }
        Ok(SandboxAccount { id, token })
    }

    /// A new channel account selling one offer per calendar service, with a few vouchers
    /// already booked: all but the last are in the partner's calendar `business_id` too.
    pub fn new_channel_account(
        &self,
        business_id: &str,
        services: &[Service],
    ) -> Result<SandboxAccount, String> {
        let (id, token) = self.fresh_name("slv-new")?;
        self.termino.add_partner(&id, &token);
        let mut offers = vec![];
        for (k, service) in services.iter().enumerate() {
            let offer = Offer {
                id: format!("{id}-offer-{}", k + 1),
                name: format!("Voucher: {}", service.name),
                duration_minutes: service.duration_minutes,
            };
            self.termino.add_offer(&id, offer.clone())?;
            offers.push((service.id.clone(), offer));
        }
        if offers.is_empty() {
            return Ok(SandboxAccount { id, token });
        }
        let day0 = self.clock.now().div_euclid(DAY) * DAY + DAY;
        for n in 0..SEEDED_VOUCHERS {
            let Some((service_id, offer)) = offers.get(n as usize % offers.len()) else {
                continue;
            };
            let start = day0 + (n / 3) * DAY + (9 + 2 * (n % 3)) * HOUR;
            let end = start + i64::from(offer.duration_minutes) * 60;
            let (voucher, who) = {
                let mut rng = self.rng.lock().map_err(|_| "rng poisoned".to_string())?;
                let code = format!("SLV{:08}", rng.random_range(0..100_000_000u32));
                (code, customer(&mut rng))
            };
            let reservation =
                self.termino
                    .redeem_voucher(&id, &voucher, &offer.id, start, end, who.clone())?;
            self.termino
                .set_status(&id, &reservation, BookingStatus::Confirmed)?;
            if n == SEEDED_VOUCHERS - 1 {
                // Booked on the channel, not yet in the calendar: sync has to bring it over.
                continue;
            }
            let mut staff = StaffBooking::confirmed(service_id, start, end, who);
            staff.note = NoteMarkers {
                termino_id: Some(reservation),
                voucher_code: Some(voucher),
                idempotency_key: None,
            }
            .render()?;
            self.reservio.staff_create(business_id, staff);
        }
        Ok(SandboxAccount { id, token })
    }
}
