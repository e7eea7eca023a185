//! The sandbox's world: both fake systems, the demo partners it knows (connected and seeded by
//! [`crate::demo::sandbox`]), and a generator of everyday activity.

pub mod onboarding;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::reservio::FakeReservio;
use super::termino::FakeTermino;
use crate::clock::Clock;
use crate::domain::{BookingStatus, Customer};

/// Services each demo partner offers, mapped one to one to channel offers.
pub(crate) const CATALOGUE: [&[(&str, u32)]; 3] = [
    &[
        ("Haircut and styling", 60),
        ("Manicure", 45),
        ("Facial treatment", 90),
    ],
    &[
        ("Relaxing massage", 60),
        ("Sauna for two", 120),
        ("Yoga class", 60),
    ],
    &[
        ("Hot stone massage", 90),
        ("Thai massage", 60),
        ("Foot reflexology", 45),
    ],
];

const FIRST_NAMES: [&str; 12] = [
    "Jana", "Petr", "Eva", "Tomáš", "Anna", "Marek", "Zofia", "Piotr", "Lucie", "Jakub", "Kasia",
    "Ondřej",
];
const LAST_NAMES: [&str; 10] = [
    "Nováková",
    "Svoboda",
    "Dvořák",
    "Kowalska",
    "Nowak",
    "Černá",
    "Wiśniewski",
    "Horák",
    "Zielińska",
    "Procházka",
];

/// Bookings seeded per partner in the demo.
pub const DEMO_BOOKINGS_PER_PARTNER: usize = 240;

pub(crate) const HOUR: i64 = 3600;
pub(crate) const DAY: i64 = 24 * HOUR;

/// One demo partner as the sandbox knows it.
#[derive(Clone, Debug)]
pub struct DemoPartner {
    pub partner_id: i64,
    pub connection_id: i64,
    pub business_id: String,
    pub termino_partner_id: String,
    pub services: Vec<(String, String, u32)>,
    /// (Reservio booking id, Termino reservation id, voucher code) of seeded appointments.
    pub appointments: Vec<(String, String, String)>,
}

/// The running sandbox.
pub struct Sandbox {
    pub reservio: FakeReservio,
    pub termino: FakeTermino,
    /// The channel's own token at the fake Termino: it reads the channel-wide change feed.
    pub termino_channel_token: String,
    clock: Clock,
    /// Distinguishes this run's accounts from earlier runs on the same database.
    pub(crate) run: String,
    pub(crate) partners: Mutex<Vec<DemoPartner>>,
    pub(crate) rng: Mutex<StdRng>,
    /// Termino reservation ids of appointments the activity leaves alone (someone is measuring
    /// them: a move of theirs must arrive as a move, not meet a cancellation or a conflict).
    set_aside: Mutex<HashSet<String>>,
}

// The fake systems hold tokens; a debug print names the run and nothing else.
impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

/// A made-up customer.
pub(crate) fn customer(rng: &mut StdRng) -> Customer {
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let n: u32 = rng.random_range(100..999);
    Customer {
        name: format!("{first} {last}"),
        email: format!("{}.{n}@example.test", first.to_lowercase())
            .replace(['á', 'é', 'ě', 'í', 'ó', 'ř', 'ů', 'š', 'ň'], "x"),
        phone: format!(
            "+420 6{:02} {:03} {:03}",
            n % 100,
            n,
            rng.random_range(100..999)
        ),
    }
}

/// A made-up secret.
pub(crate) fn token(rng: &mut StdRng) -> String {
    let bytes: [u8; 16] = rng.random();
    hex::encode(bytes)
}

impl Sandbox {
    /// Starts both fake systems on loopback.
    pub async fn start(clock: Clock) -> std::io::Result<Sandbox> {
        let reservio = FakeReservio::start_with_clock(clock.clone()).await?;
        let termino = FakeTermino::start_with_clock(clock.clone()).await?;
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let run = format!("{:06x}", rng.random_range(0..0xff_ffff));
        let termino_channel_token = token(&mut rng);
        termino.set_channel_token(&termino_channel_token);
        Ok(Sandbox {
            reservio,
            termino,
            termino_channel_token,
            clock,
            run,
            partners: Mutex::new(vec![]),
            rng: Mutex::new(rng),
            set_aside: Mutex::new(HashSet::new()),
        })
    }

    /// The demo partners connected so far.
    pub fn partners(&self) -> Vec<DemoPartner> {
        self.partners.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Keeps the activity away from these appointments (by Termino reservation id) from now on.
    pub fn set_aside<'a>(&self, reservations: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut aside) = self.set_aside.lock() {
            aside.extend(reservations.into_iter().map(str::to_string));
        }
    }

    /// Customers and staff doing ordinary things, a change every few seconds, forever.
    pub async fn run_activity(&self) {
        // Let the first sync link everything before the world starts moving.
        tokio::time::sleep(Duration::from_secs(10)).await;
        loop {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            if let Err(e) = self.one_activity() {
                tracing::debug!(error = %e, "sandbox activity skipped");
            }
        }
    }

    /// One random everyday change in one of the systems.
    pub fn one_activity(&self) -> Result<String, String> {
        let mut rng = self.rng.lock().map_err(|_| "rng poisoned".to_string())?;
        // Only the partner picked is copied: a channel of 10,000 partners holds a million
        // appointments, and copying them all for each change kept a core of the fake systems'
        // process busy.
        let p = {
            let partners = self
                .partners
                .lock()
                .map_err(|_| "partners poisoned".to_string())?;
            if partners.is_empty() {
                return Err("no partners".into());
            }
            partners[rng.random_range(0..partners.len())].clone()
        };
        let p = &p;
        let free: Vec<&(String, String, String)> = {
            let aside = self
                .set_aside
                .lock()
                .map_err(|_| "set-aside list poisoned")?;
            p.appointments
                .iter()
                .filter(|(_, reservation, _)| !aside.contains(reservation))
                .collect()
        };
        let pick = rng.random_range(0..free.len().max(1));
        let Some((booking, reservation, voucher)) = free.get(pick).map(|a| (*a).clone()) else {
            return Err("no appointments".into());
        };
        let now = self.clock.now();
        let shift = rng.random_range(1..4) * HOUR;
        let roll: u32 = rng.random_range(0..100);
        let what = match roll {
            // A customer redeems a new voucher.
            0..=24 => {
                let (_, offer_id, minutes) =
                    p.services[rng.random_range(0..p.services.len())].clone();
                let start = (now.div_euclid(HOUR) + rng.random_range(24..24 * 30)) * HOUR;
                let code = format!("SLV{:08}", rng.random_range(0..100_000_000u32));
                let who = customer(&mut rng);
                let id = self.termino.redeem_voucher(
                    &p.termino_partner_id,
                    &code,
                    &offer_id,
                    start,
                    start + i64::from(minutes) * 60,
                    who,
                )?;
                self.termino
                    .set_status(&p.termino_partner_id, &id, BookingStatus::Confirmed)?;
                format!("customer redeemed voucher {code}")
            }
            // The customer moves their own booking once, from their channel account (rule 3).
            25..=44 => {
                let r = self
                    .termino
                    .get_reservation(&p.termino_partner_id, &reservation)
                    .ok_or("reservation gone")?;
                self.termino.customer_self_reschedule(
                    &p.termino_partner_id,
                    &reservation,
                    r.start_at + shift,
                    r.end_at + shift,
                )?;
                format!("customer moved {voucher} by {}h", shift / HOUR)
            }
            // Staff move a booking in the calendar.
            45..=69 if !booking.is_empty() => {
                self.staff_shift(&p.business_id, &booking, shift)?;
                format!("staff moved booking of {voucher}")
            }
            // A customer cancels: the channel cancels the voucher (rule 2).
            70..=81 => {
                self.termino
                    .cancel_voucher_by_channel(&p.termino_partner_id, &voucher)?;
                format!("voucher {voucher} cancelled")
            }
            // Staff finish a cancellation in the calendar.
            82..=89 if !booking.is_empty() => {
                self.reservio
                    .staff_set_state(&p.business_id, &booking, "canceled");
                format!("staff cancelled booking of {voucher}")
            }
            // Someone rejects a booking without telling Partner Care (rule 4).
            90..=94 if !booking.is_empty() => {
                self.reservio
                    .staff_set_state(&p.business_id, &booking, "rejected");
                format!("staff rejected booking of {voucher}")
            }
            // Both sides move the same booking differently before sync sees either.
            95..=97 if !booking.is_empty() => {
                let (start, end) = self.staff_shift(&p.business_id, &booking, HOUR)?;
                self.termino.reschedule_by_partner(
                    &p.termino_partner_id,
                    &reservation,
                    start + 2 * HOUR,
                    end + 2 * HOUR,
                )?;
                format!("conflicting moves of {voucher}")
            }
            // Someone deletes a booking, which the rules forbid.
            98..=99 if !booking.is_empty() => {
                self.reservio.staff_delete(&p.business_id, &booking);
                format!("staff deleted booking of {voucher}")
            }
            _ => return Err("nothing to do this time".into()),
        };
        tracing::debug!(activity = %what, "sandbox");
        Ok(what)
    }

    /// Staff move a Reservio booking by `by` in the calendar; returns when it was.
    fn staff_shift(&self, business_id: &str, booking: &str, by: i64) -> Result<(i64, i64), String> {
        let b = self
            .reservio
            .get_booking(business_id, booking)
            .ok_or("booking gone")?;
        self.reservio
            .staff_move(business_id, booking, b.start_at + by, b.end_at + by);
        Ok((b.start_at, b.end_at))
    }
}
