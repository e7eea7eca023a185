//! The client against the fake Reservio over real HTTP, and against tiny servers answering
//! garbage.

mod fuzz;
mod garbage;
mod reads;
mod writes;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use super::wire::JSON_API;
use super::*;
use crate::sandbox::faults::Faults;
use crate::sandbox::reservio::{EffectKind, FakeReservio, StaffBooking};

/// 2026-11-02T00:00:00Z.
const MIDNIGHT: i64 = 1_793_577_600;
const HOUR: i64 = 3600;
const NOW: i64 = MIDNIGHT + 9 * HOUR;
const SALON: &str = "salon-1";
const TOKEN: &str = "token-salon-1";

struct Sandbox {
    fake: FakeReservio,
    client: ReservioClient,
}

fn customer(name: &str) -> Customer {
    Customer {
        name: name.to_string(),
        email: format!("{}@example.test", name.to_lowercase()),
        phone: "+420 777 000 111".to_string(),
    }
}

async fn sandbox_with(page_size: u32, timeout: Duration) -> Sandbox {
    let clock = Clock::fixed(NOW);
    let fake = FakeReservio::start_with_clock(clock.clone())
        .await
        .expect("the fake binds a loopback port");
    fake.add_business(SALON, TOKEN);
    fake.add_service(
        SALON,
        Service {
            id: "haircut".into(),
            name: "Haircut".into(),
            duration_minutes: 60,
        },
    );
    let window = WindowPolicy {
        page_size,
        ..WindowPolicy::rolling(clock)
    };
    let client = ReservioClient::new(&fake.url(), TOKEN, timeout, window)
        .expect("the fake's URL is a valid base");
    Sandbox { fake, client }
}

async fn sandbox() -> Sandbox {
    sandbox_with(50, Duration::from_secs(5)).await
}

fn at(hour: i64) -> StaffBooking {
    StaffBooking::confirmed(
        "haircut",
        NOW + hour * HOUR,
        NOW + (hour + 1) * HOUR,
        customer("Jana"),
    )
}

fn new_booking(hour: i64) -> NewBooking {
    NewBooking {
        start_at: MIDNIGHT + hour * HOUR,
        end_at: MIDNIGHT + (hour + 1) * HOUR,
        service_id: "haircut".into(),
        customer: customer("Petr"),
        voucher_code: Some("SLV-777".into()),
        counterpart_id: Some("T-99".into()),
    }
}
