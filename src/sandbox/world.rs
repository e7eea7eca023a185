//! The demo world: both fake systems, the demo partners connected to them, a few hundred
//! bookings each (some already in a mismatch), and a generator of everyday activity.

pub mod onboarding;

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::reservio::{FakeReservio, StaffBooking};
use super::termino::FakeTermino;
use crate::audit::{self, Actor, Event};
use crate::clock::Clock;
use crate::db::connections::{self, NewConnection, ServiceMapping};
use crate::db::{Db, partners};
use crate::domain::{BookingStatus, Customer};
use crate::systems::reservio::Service;
use crate::systems::reservio::note::NoteMarkers;
use crate::systems::termino::Offer;

/// Services each demo partner offers, mapped one to one to channel offers.
const CATALOGUE: [&[(&str, u32)]; 3] = [
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

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

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
    clock: Clock,
    /// Distinguishes this run's accounts from earlier runs on the same database.
    run: String,
    partners: Mutex<Vec<DemoPartner>>,
    rng: Mutex<StdRng>,
}

// The fake systems hold tokens; a debug print names the run and nothing else.
impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

fn customer(rng: &mut StdRng) -> Customer {
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

fn token(rng: &mut StdRng) -> String {
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
        Ok(Sandbox {
            reservio,
            termino,
            clock,
            run,
            partners: Mutex::new(vec![]),
            rng: Mutex::new(rng),
        })
    }

    /// The demo partners connected so far.
    pub fn partners(&self) -> Vec<DemoPartner> {
        self.partners.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Gives each demo partner (the first three partners by id) a connection to this run's
    /// fake systems and seeds bookings. Connections from earlier runs are marked disconnected,
    /// since their fake systems are gone; their data stays.
    pub async fn connect_demo_partners(
        &self,
        db: &Db,
        clock: &Clock,
        app_port: u16,
        bookings_per_partner: usize,
    ) -> anyhow::Result<()> {
        let all = partners::list(db).await?;
        let mut demo: Vec<_> = all
            .into_iter()
            .filter(|p| crate::demo::PARTNERS.contains(&p.name.as_str()))
            .collect();
        demo.sort_by_key(|p| p.id);
        for (index, partner) in demo.iter().enumerate().take(CATALOGUE.len()) {
            let seeded = self
                .connect_one(db, clock, app_port, index, partner.id, bookings_per_partner)
                .await?;
            if let Ok(mut list) = self.partners.lock() {
                list.push(seeded);
            }
        }
        Ok(())
    }

    /// Connects the given partners (any names) to fresh accounts in the sandbox, each with
    /// `bookings_per_partner` seeded appointments; their catalogues repeat the demo's. For the
    /// benchmark of a whole channel.
    pub async fn connect_partners(
        &self,
        db: &Db,
        clock: &Clock,
        app_port: u16,
        partner_ids: &[i64],
        bookings_per_partner: usize,
    ) -> anyhow::Result<()> {
        for (index, partner_id) in partner_ids.iter().enumerate() {
            let seeded = self
                .connect_one(
                    db,
                    clock,
                    app_port,
                    index,
                    *partner_id,
                    bookings_per_partner,
                )
                .await?;
            if let Ok(mut list) = self.partners.lock() {
                list.push(seeded);
            }
        }
        Ok(())
    }

    async fn connect_one(
        &self,
        db: &Db,
        clock: &Clock,
        app_port: u16,
        index: usize,
        partner_id: i64,
        bookings: usize,
    ) -> anyhow::Result<DemoPartner> {
        let (reservio_token, termino_token, secret) = {
            let mut rng = self
                .rng
                .lock()
                .map_err(|_| anyhow::anyhow!("rng poisoned"))?;
            (token(&mut rng), token(&mut rng), token(&mut rng))
        };
        let business_id = format!("biz-{}-{}", index + 1, self.run);
        let termino_partner_id = format!("slv-{}-{}", index + 1, self.run);
        let code = format!("DEMO{}-{}", index + 1, self.run.to_uppercase());
        self.reservio.add_business(&business_id, &reservio_token);
        self.termino
            .add_partner(&termino_partner_id, &termino_token);
        let mut services = vec![];
        let catalogue = CATALOGUE[index % CATALOGUE.len()];
        for (k, (name, minutes)) in catalogue.iter().enumerate() {
            let service_id = format!("svc-{}-{}", index + 1, k + 1);
            let offer_id = format!("offer-{}-{}", index + 1, k + 1);
            self.reservio.add_service(
                &business_id,
                Service {
                    id: service_id.clone(),
                    name: (*name).to_string(),
                    duration_minutes: *minutes,
                },
            );
            self.termino
                .add_offer(
                    &termino_partner_id,
                    Offer {
                        id: offer_id.clone(),
                        name: format!("Voucher: {name}"),
                        duration_minutes: *minutes,
                    },
                )
                .map_err(|e| anyhow::anyhow!(e))?;
            services.push((service_id, offer_id, *minutes));
        }
        // An offer the partner never mapped: its vouchers cannot reach the calendar.
        let unmapped_offer = format!("offer-{}-unmapped", index + 1);
        self.termino
            .add_offer(
                &termino_partner_id,
                Offer {
                    id: unmapped_offer.clone(),
                    name: "Voucher: Gift package (not mapped)".into(),
                    duration_minutes: 60,
                },
            )
            .map_err(|e| anyhow::anyhow!(e))?;

        let now = clock.now();
        let mut tx = db.begin_write().await?;
        let old: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM connections WHERE partner_id = $1 AND connection_code LIKE 'DEMO%' \
             AND state <> 'disconnected'",
        )
        .bind(partner_id)
        .fetch_all(&mut *tx)
        .await?;
        for (old_id,) in old {
            sqlx::query(
                "UPDATE connections SET state = 'disconnected', disconnected_at = $1, \
                 disconnected_by = 'system', updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(old_id)
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                now,
                Event::new(
                    &Actor::System,
                    "connection.disconnected",
                    "connection",
                    old_id,
                )
                .partner(Some(partner_id))
                .after(
                    serde_json::json!({ "reason": "the demo sandbox of an earlier run is gone" }),
                ),
            )
            .await?;
        }
        let connection_id = connections::insert(
            &mut tx,
            &NewConnection {
                partner_id,
                connection_code: &code,
                reservio_business_id: &business_id,
                termino_partner_id: &termino_partner_id,
                reservio_token: &reservio_token,
                termino_token: &termino_token,
                webhook_secret: &secret,
                state: "active",
                actor: "system",
            },
            now,
        )
        .await?;
        for (k, (service_id, offer_id, minutes)) in services.iter().enumerate() {
            let name = catalogue[k].0;
            connections::insert_mapping(
                &mut tx,
                &ServiceMapping {
                    id: 0,
                    connection_id,
                    reservio_service_id: service_id.clone(),
                    reservio_service_name: name.to_string(),
                    termino_offer_id: offer_id.clone(),
                    termino_offer_name: format!("Voucher: {name}"),
                    duration_minutes: i64::from(*minutes),
                },
                now,
            )
            .await?;
        }
        audit::append(
            &mut tx,
            now,
            Event::new(
                &Actor::System,
                "connection.created",
                "connection",
                connection_id,
            )
            .partner(Some(partner_id))
            .after(serde_json::json!({ "code": code, "state": "active", "sandbox": true })),
        )
        .await?;
        tx.commit().await?;

        self.termino
            .set_webhook(
                &termino_partner_id,
                &format!("http://127.0.0.1:{app_port}/hooks/termino/{code}"),
                &secret,
            )
            .map_err(|e| anyhow::anyhow!(e))?;

        let mut partner = DemoPartner {
            partner_id,
            connection_id,
            business_id,
            termino_partner_id,
            services,
            appointments: vec![],
        };
        if bookings > 0 {
            self.seed_bookings(&mut partner, &unmapped_offer, now, bookings)?;
        }
        Ok(partner)
    }

    fn seed_bookings(
        &self,
        p: &mut DemoPartner,
        unmapped_offer: &str,
        now: i64,
        count: usize,
    ) -> anyhow::Result<()> {
        let mut rng = self
            .rng
            .lock()
            .map_err(|_| anyhow::anyhow!("rng poisoned"))?;
        let day0 = now.div_euclid(DAY) * DAY + DAY;
        for n in 0..count {
            let (service_id, offer_id, minutes) = p.services[n % p.services.len()].clone();
            // Eight bookings a day, on the hour between 08:00 and 19:00, over 30 days.
            let start =
                day0 + (n as i64 / 8) * DAY + (8 + (n as i64 % 8) + rng.random_range(0..4)) * HOUR;
            let end = start + i64::from(minutes) * 60;
            let voucher = format!("SLV{:08}", rng.random_range(0..100_000_000u32));
            let who = customer(&mut rng);
            let reservation = self
                .termino
                .redeem_voucher(
                    &p.termino_partner_id,
                    &voucher,
                    &offer_id,
                    start,
                    end,
                    who.clone(),
                )
                .map_err(|e| anyhow::anyhow!(e))?;
            self.termino
                .set_status(
                    &p.termino_partner_id,
                    &reservation,
                    BookingStatus::Confirmed,
                )
                .map_err(|e| anyhow::anyhow!(e))?;
            let note = NoteMarkers {
                termino_id: Some(reservation.clone()),
                voucher_code: Some(voucher.clone()),
                idempotency_key: None,
            }
            .render()
            .map_err(|e| anyhow::anyhow!(e))?;
            let mut staff = StaffBooking::confirmed(&service_id, start, end, who);
            staff.note = note;
            // A few appointments start out wrong, so every kind of trouble is on show at once.
            match n % 40 {
                // Voucher cancelled by the channel; the calendar still shows the booking (rule 2).
                3 => self
                    .termino
                    .cancel_voucher_by_channel(&p.termino_partner_id, &voucher)
                    .map_err(|e| anyhow::anyhow!(e))?,
                // Rejected in the calendar without telling Partner Care (rule 4).
                7 => staff.state = "rejected".into(),
                // Waiting for the partner's confirmation.
                11 => staff.state = "pending".into(),
                // Booked in the calendar for another service than the voucher's (rule 5).
                15 => {
                    let other = &p.services[(n + 1) % p.services.len()];
                    staff.service_id = other.0.clone();
                }
                _ => {}
            }
            if n % 40 == 19 {
                // Redeemed on the channel but never reached the calendar: sync must create it.
                p.appointments.push((String::new(), reservation, voucher));
                continue;
            }
            let booking = self.reservio.staff_create(&p.business_id, staff);
            p.appointments.push((booking, reservation, voucher));
        }
        // A voucher for an offer nobody mapped: it cannot be copied into the calendar.
        let start = day0 + 2 * DAY + 18 * HOUR;
        let who = customer(&mut rng);
        let voucher = format!("SLV{:08}", rng.random_range(0..100_000_000u32));
        self.termino
            .redeem_voucher(
                &p.termino_partner_id,
                &voucher,
                unmapped_offer,
                start,
                start + HOUR,
                who,
            )
            .map_err(|e| anyhow::anyhow!(e))?;
        Ok(())
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
        let partners = self.partners();
        let mut rng = self.rng.lock().map_err(|_| "rng poisoned".to_string())?;
        if partners.is_empty() {
            return Err("no partners".into());
        }
        let p = &partners[rng.random_range(0..partners.len())];
        let pick = rng.random_range(0..p.appointments.len().max(1));
        let Some((booking, reservation, voucher)) = p.appointments.get(pick).cloned() else {
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
                let b = self
                    .reservio
                    .get_booking(&p.business_id, &booking)
                    .ok_or("booking gone")?;
                self.reservio.staff_move(
                    &p.business_id,
                    &booking,
                    b.start_at + shift,
                    b.end_at + shift,
                );
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
                let b = self
                    .reservio
                    .get_booking(&p.business_id, &booking)
                    .ok_or("booking gone")?;
                self.reservio.staff_move(
                    &p.business_id,
                    &booking,
                    b.start_at + HOUR,
                    b.end_at + HOUR,
                );
                self.termino.reschedule_by_partner(
                    &p.termino_partner_id,
                    &reservation,
                    b.start_at + 2 * HOUR,
                    b.end_at + 2 * HOUR,
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
}
