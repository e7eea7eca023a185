//! The demo partners in this run's sandbox: each gets accounts in both fake systems with its
//! services and offers, an active connection with its mappings, and a few hundred bookings, some
//! already in trouble. Connections of earlier runs are marked disconnected.

use rand::Rng;

use crate::audit::{self, Actor, Event};
use crate::clock::Clock;
use crate::db::connections::{self, NewConnection, ServiceMapping};
use crate::db::{Db, Tx, onboarding, partners};
use crate::domain::BookingStatus;
use crate::sandbox::reservio::StaffBooking;
use crate::sandbox::world::{CATALOGUE, DAY, DemoPartner, HOUR, Sandbox, customer, token};
use crate::systems::reservio::Service;
use crate::systems::reservio::note::NoteMarkers;
use crate::systems::termino::Offer;

/// Gives each demo partner (the first three partners by id) a connection to this run's
/// fake systems and seeds bookings. Connections from earlier runs are marked disconnected,
/// since their fake systems are gone; their data stays.
pub async fn connect_demo_partners(
    sandbox: &Sandbox,
    db: &Db,
    clock: &Clock,
    app_port: u16,
    bookings_per_partner: usize,
) -> anyhow::Result<()> {
    let all = partners::list(db).await?;
    let mut demo: Vec<_> = all
        .into_iter()
        .filter(|p| super::PARTNERS.contains(&p.name.as_str()))
        .collect();
    demo.sort_by_key(|p| p.id);
    let ids: Vec<i64> = demo.iter().take(CATALOGUE.len()).map(|p| p.id).collect();
    connect_partners(sandbox, db, clock, app_port, &ids, bookings_per_partner).await
}

/// Connects the given partners (any names) to fresh accounts in the sandbox, each with
/// `bookings_per_partner` seeded appointments; their catalogues repeat the demo's. For the
/// benchmark of a whole channel. Their accounts are numbered on from those the sandbox has.
pub async fn connect_partners(
    sandbox: &Sandbox,
    db: &Db,
    clock: &Clock,
    app_port: u16,
    partner_ids: &[i64],
    bookings_per_partner: usize,
) -> anyhow::Result<()> {
    let first = sandbox.partners().len();
    for (index, partner_id) in (first..).zip(partner_ids) {
        let seeded = connect_one(
            sandbox,
            db,
            clock,
            app_port,
            index,
            *partner_id,
            bookings_per_partner,
        )
        .await?;
        if let Ok(mut list) = sandbox.partners.lock() {
            list.push(seeded);
        }
    }
    Ok(())
}

async fn connect_one(
    sandbox: &Sandbox,
    db: &Db,
    clock: &Clock,
    app_port: u16,
    index: usize,
    partner_id: i64,
    bookings: usize,
) -> anyhow::Result<DemoPartner> {
    let (reservio_token, termino_token, secret) = {
        let mut rng = sandbox
            .rng
            .lock()
            .map_err(|_| anyhow::anyhow!("rng poisoned"))?;
        (token(&mut rng), token(&mut rng), token(&mut rng))
    };
    let business_id = format!("biz-{}-{}", index + 1, sandbox.run);
    let termino_partner_id = format!("slv-{}-{}", index + 1, sandbox.run);
    let code = format!("DEMO{}-{}", index + 1, sandbox.run.to_uppercase());
    sandbox.reservio.add_business(&business_id, &reservio_token);
    sandbox
        .termino
        .add_partner(&termino_partner_id, &termino_token);
    let mut services = vec![];
    let catalogue = CATALOGUE[index % CATALOGUE.len()];
    for (k, (name, minutes)) in catalogue.iter().enumerate() {
        let service_id = format!("svc-{}-{}", index + 1, k + 1);
        let offer_id = format!("offer-{}-{}", index + 1, k + 1);
        sandbox.reservio.add_service(
            &business_id,
            Service {
                id: service_id.clone(),
                name: (*name).to_string(),
                duration_minutes: *minutes,
            },
        );
        sandbox
            .termino
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
    sandbox
        .termino
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
    for old_id in onboarding::open_demo_connections(&mut tx, partner_id).await? {
        onboarding::disconnect(&mut tx, old_id, "system", now).await?;
        let after = serde_json::json!({ "reason": "the demo sandbox of an earlier run is gone" });
        audit_connection(
            &mut tx,
            now,
            "connection.disconnected",
            old_id,
            partner_id,
            after,
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
    let after = serde_json::json!({ "code": code, "state": "active", "sandbox": true });
    audit_connection(
        &mut tx,
        now,
        "connection.created",
        connection_id,
        partner_id,
        after,
    )
    .await?;
    tx.commit().await?;

    sandbox
        .termino
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
        seed_bookings(sandbox, &mut partner, &unmapped_offer, now, bookings)?;
    }
    Ok(partner)
}

/// Records in the audit trail what the demo did to one of a partner's connections.
async fn audit_connection(
    tx: &mut Tx,
    now: i64,
    action: &str,
    connection_id: i64,
    partner_id: i64,
    after: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let event = Event::new(&Actor::System, action, "connection", connection_id)
        .partner(Some(partner_id))
        .after(after);
    audit::append(tx, now, event)?;
    Ok(())
}

fn seed_bookings(
    sandbox: &Sandbox,
    p: &mut DemoPartner,
    unmapped_offer: &str,
    now: i64,
    count: usize,
) -> anyhow::Result<()> {
    let mut rng = sandbox
        .rng
        .lock()
        .map_err(|_| anyhow::anyhow!("rng poisoned"))?;
    let day0 = now.div_euclid(DAY) * DAY + DAY;
    // Codes are drawn at random; one drawn twice for the same partner would be a second
    // redemption of one voucher, which Termino refuses (at a thousand partners it happens).
    let mut drawn = std::collections::HashSet::new();
    let mut fresh_voucher = |rng: &mut rand::rngs::StdRng| loop {
        let code = format!("SLV{:08}", rng.random_range(0..100_000_000u32));
        if drawn.insert(code.clone()) {
            break code;
        }
    };
    for n in 0..count {
        let (service_id, offer_id, minutes) = p.services[n % p.services.len()].clone();
        // Eight bookings a day, on the hour between 08:00 and 19:00, over 30 days.
        let start =
            day0 + (n as i64 / 8) * DAY + (8 + (n as i64 % 8) + rng.random_range(0..4)) * HOUR;
        let end = start + i64::from(minutes) * 60;
        let voucher = fresh_voucher(&mut rng);
        let who = customer(&mut rng);
        let reservation = sandbox
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
        sandbox
            .termino
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
            3 => sandbox
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
        let booking = sandbox.reservio.staff_create(&p.business_id, staff);
        p.appointments.push((booking, reservation, voucher));
    }
    // A voucher for an offer nobody mapped: it cannot be copied into the calendar.
    let start = day0 + 2 * DAY + 18 * HOUR;
    let who = customer(&mut rng);
    let voucher = fresh_voucher(&mut rng);
    sandbox
        .termino
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
