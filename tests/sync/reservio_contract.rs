//! The Reservio client's contract, run against the fake in every way the real API might behave
//! where the public evidence is silent (issue 13): for each switch, the client lists a window,
//! notices a move and a cancellation, creates idempotently, finds free times, moves, cancels
//! and changes a client — or says precisely what it cannot do. A booking missed, mis-mapped or
//! falsely left out of a complete window fails the test. `poll_costs` prints what one poll costs
//! per variant (requests and bytes).

use std::time::Duration;

use bookbridge::clock::Clock;
use bookbridge::domain::{BookingStatus, Customer, NewBooking, RemoteBooking};
use bookbridge::sandbox::reservio::listing::{DateFilter, ListingQuirks, RateLimit};
use bookbridge::sandbox::reservio::{
    EffectKind, FakeBooking, FakeReservio, Resource, StaffBooking,
};
use bookbridge::systems::reservio::{
    DateFilterSupport, GROUP_EVENT_MOVE, MOVE_NOT_SUPPORTED, ReservioClient, Service, WindowPolicy,
};
use bookbridge::systems::{BookingSystem, SystemError};
use libtest_mimic::{Failed, Trial};

/// 2026-11-02T09:00:00Z.
const NOW: i64 = 1_793_577_600 + 9 * HOUR;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
const SALON: &str = "salon-contract";
const TOKEN: &str = "token-contract";

/// One way the real API might behave.
#[derive(Clone, Copy)]
struct Variant {
    name: &'static str,
    quirks: ListingQuirks,
}

fn variants() -> Vec<Variant> {
    let base = ListingQuirks::default();
    vec![
        Variant {
            name: "documented",
            quirks: base,
        },
        Variant {
            name: "date_filter_on_created_at",
            quirks: ListingQuirks {
                date_filter: DateFilter::CreatedAt,
                ..base
            },
        },
        Variant {
            name: "date_filter_ignored",
            quirks: ListingQuirks {
                date_filter: DateFilter::Ignored,
                ..base
            },
        },
        Variant {
            name: "include_ignored",
            quirks: ListingQuirks {
                include_ignored: true,
                ..base
            },
        },
        Variant {
            name: "filter_and_include_ignored",
            quirks: ListingQuirks {
                date_filter: DateFilter::Ignored,
                include_ignored: true,
                ..base
            },
        },
        Variant {
            name: "slot_offset_ignored",
            quirks: ListingQuirks {
                slot_offset_ignored: true,
                ..base
            },
        },
        Variant {
            name: "rejected_as_declined",
            quirks: ListingQuirks {
                rejected_as: "declined",
                ..base
            },
        },
        Variant {
            name: "rejected_as_a_new_word",
            quirks: ListingQuirks {
                rejected_as: "turnedDown",
                ..base
            },
        },
        Variant {
            name: "event_patch_refused",
            quirks: ListingQuirks {
                event_patch_refused: true,
                ..base
            },
        },
        Variant {
            name: "client_changes_ignored",
            quirks: ListingQuirks {
                client_changes_ignored: true,
                ..base
            },
        },
        Variant {
            name: "rate_limited",
            quirks: ListingQuirks {
                rate_limit: Some(RateLimit {
                    every: 6,
                    retry_after_secs: 1,
                }),
                ..base
            },
        },
        Variant {
            name: "booking_boundaries_always_apply",
            quirks: ListingQuirks {
                boundaries_always_apply: true,
                ..base
            },
        },
    ]
}

type Check = fn(Variant) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// One trial per behaviour and variant, run without a database.
pub fn trials() -> Vec<Trial> {
    let behaviours: Vec<(&'static str, Check)> = vec![
        ("lists_the_window", |v| Box::pin(lists_the_window(v))),
        ("notices_a_move_and_a_cancellation", |v| {
            Box::pin(notices_a_move_and_a_cancellation(v))
        }),
        ("creates_idempotently", |v| {
            Box::pin(creates_idempotently(v))
        }),
        ("finds_free_times", |v| Box::pin(finds_free_times(v))),
        ("moves_or_says_it_cannot", |v| {
            Box::pin(moves_or_says_it_cannot(v))
        }),
        ("cancels", |v| Box::pin(cancels(v))),
        ("changes_the_client_or_says_it_did_not", |v| {
            Box::pin(changes_the_client_or_says_it_did_not(v))
        }),
    ];
    let mut trials = Vec::new();
    for variant in variants() {
        for (behaviour, check) in &behaviours {
            let check = *check;
            trials.push(Trial::test(
                format!("reservio_contract::{}::{behaviour}", variant.name),
                move || run(check(variant)),
            ));
        }
    }
    trials.push(Trial::test(
        "reservio_contract::a_listing_that_contradicts_its_profile_is_probed_again",
        || {
            run(Box::pin(
                a_listing_that_contradicts_its_profile_is_probed_again(),
            ))
        },
    ));
    trials.push(Trial::test(
        "reservio_contract::expired_token::every_operation_says_401_never_an_empty_answer",
        || run(Box::pin(an_expired_token_is_a_401_on_every_operation())),
    ));
    trials.push(Trial::test(
        "reservio_contract::oauth_tokens_ended_early::every_operation_renews_and_goes_on",
        || {
            run(Box::pin(
                oauth_tokens_ended_early_are_renewed_on_every_operation(),
            ))
        },
    ));
    trials.push(Trial::test("reservio_contract::poll_costs", || {
        run(Box::pin(poll_costs()))
    }));
    trials
}

fn run(test: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> Result<(), Failed> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?;
    runtime.block_on(test);
    Ok(())
}

struct Salon {
    fake: FakeReservio,
    clock: Clock,
    /// Booking ids seeded in the window, by label.
    in_window: Vec<String>,
}

fn customer(name: &str) -> Customer {
    Customer {
        name: name.to_string(),
        email: format!("{}@example.test", name.to_lowercase()),
        phone: "+420 777 000 111".to_string(),
    }
}

fn staff(hour_from_now: i64, name: &str, resource: &str) -> StaffBooking {
    StaffBooking {
        resource_id: Some(resource.to_string()),
        ..StaffBooking::confirmed(
            "haircut",
            NOW + hour_from_now * HOUR,
            NOW + (hour_from_now + 1) * HOUR,
            customer(name),
        )
    }
}

/// A salon with two staff members and a history: bookings made a month ago for appointments
/// in the window, others made today, some outside the window, one pending and one rejected.
async fn salon(quirks: ListingQuirks) -> Salon {
    let clock = Clock::fixed(NOW - 30 * DAY);
    let fake = FakeReservio::start_with_clock(clock.clone())
        .await
        .expect("the fake binds a loopback port");
    fake.add_business(SALON, TOKEN);
    fake.set_timezone(SALON, "Asia/Tbilisi");
    fake.set_resources(
        SALON,
        vec![
            Resource {
                id: "eva".into(),
                name: "Eva".into(),
            },
            Resource {
                id: "jan".into(),
                name: "Jan".into(),
            },
        ],
    );
    fake.add_service(
        SALON,
        Service {
            id: "haircut".into(),
            name: "Haircut".into(),
            duration_minutes: 60,
        },
    );
    let mut in_window = Vec::new();
    // Made a month ago: long past appointments, and appointments in the window.
    fake.staff_create(SALON, staff(-29 * 24, "Old", "eva"));
    in_window.push(fake.staff_create(SALON, staff(26, "Early", "eva")));
    in_window.push(fake.staff_create(SALON, staff(50, "Earlier", "jan")));
    clock.advance(30 * DAY);
    // Made today.
    for (i, name) in ["Ada", "Bob", "Cyril", "Dana"].iter().enumerate() {
        let resource = if i % 2 == 0 { "eva" } else { "jan" };
        in_window.push(fake.staff_create(SALON, staff(24 * (i as i64 + 3), name, resource)));
    }
    let pending = fake.staff_create(SALON, staff(5, "Pending", "jan"));
    fake.staff_set_state(SALON, &pending, "pending");
    in_window.push(pending);
    let rejected = fake.staff_create(SALON, staff(7, "Rejected", "eva"));
    fake.staff_set_state(SALON, &rejected, "rejected");
    in_window.push(rejected);
    // Beyond the sixty-day window.
    fake.staff_create(SALON, staff(24 * 90, "Far", "eva"));
    fake.set_listing(quirks);
    Salon {
        fake,
        clock,
        in_window,
    }
}

fn client(salon: &Salon, page_size: u32) -> ReservioClient {
    let window = WindowPolicy {
        page_size,
        ..WindowPolicy::rolling(salon.clock.clone())
    };
    ReservioClient::new(&salon.fake.url(), TOKEN, Duration::from_secs(5), window)
        .expect("the fake's URL is a valid base")
}

/// The status the fake's raw state means.
fn status_of(state: &str) -> BookingStatus {
    match state {
        "confirmed" => BookingStatus::Confirmed,
        "canceled" => BookingStatus::Cancelled,
        "pending" => BookingStatus::Pending,
        _ => BookingStatus::Rejected,
    }
}

/// Fails unless `read` is the fake's booking as stored: time, service, client, state, link.
fn assert_maps(read: &RemoteBooking, truth: &FakeBooking, variant: &str) {
    let what = format!("{variant}: booking {}", truth.id);
    assert_eq!(
        (read.start_at, read.end_at),
        (truth.start_at, truth.end_at),
        "{what}"
    );
    assert_eq!(read.service_id, truth.service_id, "{what}");
    assert_eq!(read.customer, truth.customer, "{what}");
    assert_eq!(read.status, status_of(&truth.state), "{what}");
}

/// Whether the variant's word for a rejected booking is one bookbridge cannot read.
fn unknown_word(v: Variant) -> bool {
    !["rejected", "declined"].contains(&v.quirks.rejected_as)
}

async fn lists_the_window(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 3);
    let batch = client.changes_since(SALON, None).await.expect("a listing");
    let (from, to) = WindowPolicy::rolling(salon.clock.clone()).window();
    let mut read = Vec::new();
    let mut unreadable = Vec::new();
    for booking in batch.bookings {
        match booking {
            Ok(b) => read.push(b),
            Err(e) => unreadable.push(e.to_string()),
        }
    }
    for b in &read {
        assert!(
            b.start_at >= from && b.start_at < to,
            "{}: a booking outside the window",
            v.name
        );
        let truth = salon
            .fake
            .get_booking(SALON, &b.external_id)
            .expect("a real booking");
        assert_maps(b, &truth, v.name);
    }
    let mut ids: Vec<&str> = read.iter().map(|b| b.external_id.as_str()).collect();
    if unknown_word(v) {
        assert_eq!(unreadable.len(), 1, "{}: {unreadable:?}", v.name);
        assert!(
            unreadable[0].contains(v.quirks.rejected_as),
            "{unreadable:?}"
        );
        assert!(
            batch.complete_window.is_none(),
            "an unreadable booking must not look deleted"
        );
        ids.push(salon.in_window[salon.in_window.len() - 1].as_str());
    } else {
        assert!(unreadable.is_empty(), "{}: {unreadable:?}", v.name);
        assert_eq!(batch.complete_window, Some((from, to)), "{}", v.name);
    }
    let expected_filter = match v.quirks.date_filter {
        DateFilter::EventStart => DateFilterSupport::Honoured,
        DateFilter::CreatedAt => DateFilterSupport::Misapplied,
        DateFilter::Ignored => DateFilterSupport::Ignored,
    };
    let profile = client.known_profile(SALON).expect("the listing was probed");
    assert_eq!(profile.date_filter, expected_filter, "{}", v.name);
    assert_eq!(
        profile.include,
        Some(!v.quirks.include_ignored),
        "{}",
        v.name
    );
    ids.sort_unstable();
    let mut expected: Vec<&str> = salon.in_window.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(
        ids, expected,
        "{}: every booking of the window, once",
        v.name
    );
}

async fn notices_a_move_and_a_cancellation(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 3);
    client.changes_since(SALON, None).await.expect("a listing");
    let moved = &salon.in_window[0];
    let cancelled = &salon.in_window[1];
    salon
        .fake
        .staff_move(SALON, moved, NOW + 40 * HOUR, NOW + 41 * HOUR);
    salon.fake.staff_set_state(SALON, cancelled, "canceled");
    salon.clock.advance(60);
    let batch = client.changes_since(SALON, None).await.expect("a listing");
    let read: Vec<RemoteBooking> = batch.bookings.into_iter().filter_map(Result::ok).collect();
    let find = |id: &str| read.iter().find(|b| b.external_id == id).cloned();
    let m = find(moved).expect("the moved booking is listed");
    assert_eq!(m.start_at, NOW + 40 * HOUR, "{}", v.name);
    let c = find(cancelled).expect("the cancelled booking is listed");
    assert_eq!(c.status, BookingStatus::Cancelled, "{}", v.name);
}

fn new_booking() -> NewBooking {
    NewBooking {
        start_at: NOW + 100 * HOUR,
        end_at: NOW + 101 * HOUR,
        service_id: "haircut".into(),
        customer: customer("Petr"),
        voucher_code: Some("SLV-777".into()),
        counterpart_id: Some("T-99".into()),
    }
}

async fn creates_idempotently(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = ReservioClient::new(
        &salon.fake.url(),
        TOKEN,
        Duration::from_millis(1500),
        WindowPolicy {
            page_size: 3,
            ..WindowPolicy::rolling(salon.clock.clone())
        },
    )
    .expect("a client");
    salon.fake.lose_next_create_response();
    let lost = client.create(SALON, &new_booking(), "op-1-create").await;
    assert!(lost.is_err(), "{}: the answer was lost", v.name);
    let created = client
        .create(SALON, &new_booking(), "op-1-create")
        .await
        .expect("the retry finds the first attempt");
    let made = salon
        .fake
        .effects()
        .iter()
        .filter(|e| e.kind == EffectKind::Created)
        .count();
    assert_eq!(made, 1, "{}: created once", v.name);
    assert_eq!(created.voucher_code.as_deref(), Some("SLV-777"));
    let found = client
        .find_existing(SALON, &new_booking())
        .await
        .expect("a search");
    assert_eq!(
        found.map(|b| b.external_id),
        Some(created.external_id),
        "{}",
        v.name
    );
}

async fn finds_free_times(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 10);
    let day = (NOW / DAY + 3) * DAY;
    let slots = client
        .slots(SALON, "haircut", None, (day, day + DAY), false)
        .await
        .expect("free slots");
    assert!(
        slots.windows(2).all(|w| w[0].start_at <= w[1].start_at),
        "sorted"
    );
    // 23 starts a day for each of two staff, less what the day's booking takes on its resource.
    let bookings = salon.fake.bookings(SALON);
    let taken = bookings
        .iter()
        .find(|b| b.start_at >= day && b.start_at < day + DAY)
        .expect("one booking that day");
    for slot in &slots {
        let resource = slot
            .resource_id
            .as_deref()
            .expect("each slot has its resource");
        let overlaps = slot.start_at < taken.end_at && taken.start_at < slot.end_at;
        assert!(
            !(overlaps && resource == taken.resource_id),
            "{}: a taken slot is offered",
            v.name
        );
    }
    assert_eq!(slots.len(), 2 * 23 - 3, "{}: every free slot", v.name);

    // A staff move may go beyond the customer's horizon and inside the lead time.
    salon.fake.set_booking_rules(
        SALON,
        bookbridge::sandbox::reservio::BookingRules {
            horizon_days: Some(2),
            lead_minutes: 120,
        },
    );
    let customer_view = client
        .free_slots(SALON, "haircut", day, day + DAY)
        .await
        .expect("customer slots");
    assert!(customer_view.is_empty(), "beyond the customer's horizon");
    let staff_view = client
        .staff_free_slots(SALON, "haircut", Some("jan"), day, day + DAY)
        .await
        .expect("staff slots");
    let on_jan = if taken.resource_id == "jan" {
        23 - 3
    } else {
        23
    };
    assert_eq!(
        staff_view.len(),
        on_jan,
        "{}: the staff's view, one resource",
        v.name
    );
}

async fn moves_or_says_it_cannot(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 10);
    let id = &salon.in_window[2];
    let before = salon.fake.get_booking(SALON, id).expect("booking");
    let target = (NOW + 30 * HOUR, NOW + 31 * HOUR);
    let moved = client
        .update_time(SALON, id, target.0, target.1, "op-2")
        .await;
    let after = salon.fake.get_booking(SALON, id).expect("booking");
    if v.quirks.event_patch_refused {
        assert_eq!(
            moved.map(|b| b.start_at),
            Err(SystemError::Refused(MOVE_NOT_SUPPORTED.to_string()))
        );
        assert_eq!(after.start_at, before.start_at);
    } else {
        assert_eq!(moved.expect("moved").start_at, target.0, "{}", v.name);
        assert_eq!(after.start_at, target.0);
        assert_eq!(
            after.resource_id, before.resource_id,
            "kept on its resource"
        );
    }
    // A seat of a group event is never moved: it would move every seat.
    let seat = salon
        .fake
        .staff_add_seat(SALON, &salon.in_window[3], customer("Seat"))
        .expect("a seat");
    let refused = client
        .update_time(SALON, &seat, target.0 + DAY, target.1 + DAY, "op-3")
        .await;
    assert_eq!(
        refused.map(|b| b.start_at),
        Err(SystemError::Refused(GROUP_EVENT_MOVE.to_string())),
        "{}",
        v.name
    );
}

async fn cancels(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 10);
    let id = &salon.in_window[3];
    let cancelled = client.cancel(SALON, id, "op-4").await.expect("cancelled");
    assert_eq!(cancelled.status, BookingStatus::Cancelled, "{}", v.name);
    let stored = salon.fake.get_booking(SALON, id).expect("never deleted");
    assert_eq!(stored.state, "canceled");
}

async fn changes_the_client_or_says_it_did_not(v: Variant) {
    let salon = salon(v.quirks).await;
    let client = client(&salon, 10);
    let id = &salon.in_window[4];
    let changed = client
        .update_customer(SALON, id, &customer("Renamed"), "op-5")
        .await;
    if v.quirks.client_changes_ignored {
        assert!(
            matches!(changed, Err(SystemError::Refused(_))),
            "an ignored change is never taken as done"
        );
    } else {
        assert_eq!(changed.expect("changed").customer.name, "Renamed");
    }
}

async fn a_listing_that_contradicts_its_profile_is_probed_again() {
    let salon = salon(ListingQuirks::default()).await;
    let client = client(&salon, 5);
    client.changes_since(SALON, None).await.expect("a listing");
    assert_eq!(
        client.known_profile(SALON).map(|p| p.date_filter),
        Some(DateFilterSupport::Honoured)
    );
    salon.fake.set_listing(ListingQuirks {
        date_filter: DateFilter::Ignored,
        ..ListingQuirks::default()
    });
    let batch = client.changes_since(SALON, None).await.expect("a listing");
    assert_eq!(client.reprobes(), 1);
    assert_eq!(
        client.known_profile(SALON).map(|p| p.date_filter),
        Some(DateFilterSupport::Ignored)
    );
    let (from, to) = WindowPolicy::rolling(salon.clock.clone()).window();
    let read: Vec<RemoteBooking> = batch.bookings.into_iter().filter_map(Result::ok).collect();
    assert_eq!(read.len(), salon.in_window.len(), "the window, no more");
    assert!(read.iter().all(|b| b.start_at >= from && b.start_at < to));
}

/// Requests and bytes one poll costs in each variant of the listing, for a salon with 40
/// bookings in the window and 400 older ones (made over the past year for past appointments),
/// pages of 50, after the first poll (whose probe costs more). Printed as a table
/// (`cargo test --test sync -- reservio_contract::poll_costs --nocapture`).
/// Every operation the sync uses, against the salon; each answer's error, if any.
async fn every_operation(
    salon: &Salon,
    client: &ReservioClient,
) -> Vec<(&'static str, Option<SystemError>)> {
    let booking = salon.in_window[2].clone();
    let new = NewBooking {
        start_at: NOW + 10 * DAY,
        end_at: NOW + 10 * DAY + HOUR,
        service_id: "haircut".into(),
        customer: customer("Expiry"),
        voucher_code: Some("EXP-1".into()),
        counterpart_id: None,
    };
    let mut answers = vec![];
    let err = |r: Result<(), SystemError>| r.err();
    answers.push((
        "changes_since",
        err(client.changes_since(SALON, None).await.map(|_| ())),
    ));
    answers.push(("get", err(client.get(SALON, &booking).await.map(|_| ()))));
    answers.push((
        "free_slots",
        err(client
            .free_slots(SALON, "haircut", NOW + DAY, NOW + 2 * DAY)
            .await
            .map(|_| ())),
    ));
    answers.push((
        "create",
        err(client.create(SALON, &new, "exp-key-1").await.map(|_| ())),
    ));
    answers.push((
        "update_time",
        err(client
            .update_time(SALON, &booking, NOW + 12 * DAY, NOW + 12 * DAY + HOUR, "k")
            .await
            .map(|_| ())),
    ));
    answers.push((
        "cancel",
        err(client.cancel(SALON, &booking, "k").await.map(|_| ())),
    ));
    answers
}

/// A token Reservio no longer accepts is a 401 on every operation — never an empty listing
/// (which would make every booking look deleted) and never a write.
async fn an_expired_token_is_a_401_on_every_operation() {
    let salon = salon(ListingQuirks::default()).await;
    let client = client(&salon, 50);
    salon.fake.add_business(SALON, "token-renewed");
    let before = salon.fake.effects().len();
    for (operation, error) in every_operation(&salon, &client).await {
        assert!(
            matches!(error, Some(SystemError::Http { status: 401, .. })),
            "{operation}: {error:?}"
        );
    }
    assert_eq!(salon.fake.effects().len(), before, "nothing was written");
}

/// Access tokens Reservio ends before their time are renewed after one 401: every operation
/// goes on.
async fn oauth_tokens_ended_early_are_renewed_on_every_operation() {
    let salon = salon(ListingQuirks::default()).await;
    salon.fake.add_oauth_client(SALON, "contract-app", "secret");
    let window = WindowPolicy::rolling(salon.clock.clone());
    let client = ReservioClient::new(
        &salon.fake.url(),
        "oauth2-client:contract-app:secret",
        Duration::from_secs(5),
        window,
    )
    .expect("client");
    client.list_services(SALON).await.expect("reads");
    salon.fake.expire_issued_tokens();
    for (operation, error) in every_operation(&salon, &client).await {
        assert!(error.is_none(), "{operation}: {error:?}");
    }
    assert_eq!(
        client.token_refreshes(),
        2,
        "one new token after the early end"
    );
}

async fn poll_costs() {
    println!("\n| variant | requests per poll | bytes per poll | first poll (with probe) |");
    println!("|---|---|---|---|");
    for v in variants() {
        if v.quirks.rate_limit.is_some()
            || !v.name.contains("filter") && !v.name.contains("include") && v.name != "documented"
        {
            continue;
        }
        let salon = salon(ListingQuirks::default()).await;
        salon.clock.advance(-365 * DAY);
        for i in 0..400 {
            let mut old = staff(i % 300, "History", "eva");
            old.start_at -= 330 * DAY;
            old.end_at -= 330 * DAY;
            salon.fake.staff_create(SALON, old);
            salon.clock.advance(DAY * 300 / 400);
        }
        salon.clock.advance(365 * DAY - 300 * DAY);
        for i in 0..32 {
            salon
                .fake
                .staff_create(SALON, staff(30 + i * 30, "Window", "jan"));
        }
        salon.fake.set_listing(v.quirks);
        let client = client(&salon, 50);
        salon.fake.reset_traffic();
        client.changes_since(SALON, None).await.expect("a listing");
        let (first_requests, first_bytes) = salon.fake.traffic();
        salon.fake.reset_traffic();
        client.changes_since(SALON, None).await.expect("a listing");
        let (requests, bytes) = salon.fake.traffic();
        println!(
            "| {} | {requests} | {bytes} | {first_requests} requests, {first_bytes} bytes |",
            v.name
        );
    }
}

/// Set-up (FAQ rule 1): opening the verification report probes the partner's Reservio account
/// read-only, shows what it found in plain words, stores it on the connection and audits it
/// once; the client then lists the way the profile says.
pub async fn the_verification_report_shows_the_probed_reservio_profile_in_plain_words(
    app: crate::common::TestApp,
) {
    use crate::common::world::{World, tomorrow};
    let w = World::of(&app);
    let (service, _, duration) = w.offer(0);
    let start = tomorrow(&app);
    // Two appointments at different times: with one, a filter that is ignored cannot be told
    // from one that works.
    for (at, name) in [(start, "Probe"), (start + 26 * HOUR, "Second")] {
        w.sandbox.reservio.staff_create(
            &w.partner.business_id,
            StaffBooking::confirmed(&service, at, at + duration, customer(name)),
        );
    }
    w.sandbox.reservio.set_listing(ListingQuirks {
        date_filter: DateFilter::Ignored,
        ..ListingQuirks::default()
    });
    let partner = crate::listing::partner_user(&app, &w).await;
    let path = bookbridge::web::paths::connection_report(w.partner.connection_id);
    let writes_before = w.sandbox.reservio.effects().len();
    for _ in 0..2 {
        let response = app.get(&partner, &path).await;
        assert_eq!(response.status(), 200);
        let html = crate::common::html(response).await;
        let lines = crate::common::select_texts(&html, "#reservio-profile li");
        assert!(
            lines.iter().any(|l| l.contains(
                "Reservio ignores the date filter: bookbridge reads newest bookings first"
            )),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Reservio accepts the access token"))
        );
        assert!(
            lines.iter().any(|l| l.contains("Europe/Prague")),
            "{lines:?}"
        );
    }
    assert_eq!(
        w.sandbox.reservio.effects().len(),
        writes_before,
        "the probe is read-only"
    );
    let stored: (Option<String>,) =
        sqlx::query_as("SELECT reservio_profile FROM connections WHERE id = $1")
            .bind(w.partner.connection_id)
            .fetch_one(app.db.pool())
            .await
            .expect("the connection");
    assert!(stored.0.unwrap_or_default().contains("\"ignored\""));
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'connection.reservio_profile'")
        .await;
    assert_eq!(audited, 1, "stored and audited once, not on every view");
}
