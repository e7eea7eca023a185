//! The verification report of a connection in `verifying`: a side-by-side sample of the synced
//! bookings and, per service, the calendar's free slots against what the channel has booked,
//! with every difference listed. Loaded on its own (htmx, with a loading indicator), since it
//! reads Reservio live.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::audit;
use crate::db::connections::{self, Connection};
use crate::db::link_sides::Snapshot;
use crate::db::links::{self, LinkRow};
use crate::db::onboarding::{self, ConnectionOverview};
use crate::domain::verification::{
    AvailabilityIssue, BookingDifference, BookingSample, ChannelBooking, ServiceAvailability,
    SideSample, availability_issues, booking_differences,
};
use crate::sync::catalogue;
use crate::systems::reservio::{AccountProfile, DateFilterSupport};
use crate::web::care::sides::status_key;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::htmx::Htmx;
use crate::web::page::Page;
use crate::web::session::PartnerUser;
use crate::web::state::AppState;

/// How far ahead availability is compared.
const WINDOW_DAYS: i64 = 3;
/// Most links read for the sample.
const LINKS_READ: i64 = 500;
/// Most bookings shown with differences, and without.
const SHOWN_DIFFERING: usize = 20;
const SHOWN_AGREEING: usize = 8;
/// Free slots listed per service.
const SLOTS_SHOWN: usize = 4;

/// One side of a booking as the report shows it.
pub struct SideView {
    pub time: String,
    pub service: String,
    pub customer: String,
    pub status_key: &'static str,
}

/// One linked booking of the sample.
pub struct BookingRow {
    pub voucher_code: Option<String>,
    pub reservio: Option<SideView>,
    pub termino: Option<SideView>,
    pub differences: Vec<BookingDifference>,
}

/// One service's availability.
pub struct AvailabilityRow {
    pub service_name: String,
    pub offer_name: Option<String>,
    pub free_count: usize,
    pub free_sample: Vec<String>,
    pub channel_count: usize,
    /// Each issue, already in the reader's words.
    pub issues: Vec<String>,
}

/// The whole report.
pub struct Report {
    pub links: usize,
    pub agreeing: usize,
    pub bookings: Vec<BookingRow>,
    pub availability: Vec<AvailabilityRow>,
    /// Set when Reservio or Termino could not be read; the booking sample still shows.
    pub read_error: Option<&'static str>,
    pub differences: usize,
    /// What the probe found the Reservio account to do, in plain words; empty when it could not
    /// be probed.
    pub profile: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "connection/report.html")]
pub struct ReportPage {
    page: Page,
    c: ConnectionOverview,
    report: Report,
}

#[derive(Template, WebTemplate)]
#[template(path = "connection/report.html", block = "report")]
pub struct ReportFragment {
    page: Page,
    c: ConnectionOverview,
    report: Report,
}

fn sample_of(row: &LinkRow) -> BookingSample {
    let side = |s: &Snapshot| SideSample {
        start_at: s.start_at,
        end_at: s.end_at,
        service_id: s.service_id.clone(),
        customer_name: s.customer_name.clone(),
        status: s.status.clone(),
    };
    BookingSample {
        link_id: row.id,
        voucher_code: row.voucher_code.clone(),
        reservio: row.sides.reservio.as_ref().map(side),
        termino: row.sides.termino.as_ref().map(side),
    }
}

fn view_of(page: &Page, side: &SideSample, names: &HashMap<String, String>) -> SideView {
    SideView {
        time: format!(
            "{} – {}",
            page.datetime(side.start_at),
            page.time(side.end_at)
        ),
        service: names
            .get(&side.service_id)
            .cloned()
            .unwrap_or_else(|| page.t_value("bookings-service-unmapped", &side.service_id)),
        customer: side.customer_name.clone(),
        status_key: status_key(&side.status),
    }
}

/// Compares the connection's synced bookings and both systems' availability.
async fn build(state: &AppState, page: &Page, conn: &Connection) -> Result<Report, AppError> {
    let mappings = connections::mappings(&state.db, conn.id).await?;
    let offer_for_service: HashMap<String, String> = mappings
        .iter()
        .map(|m| (m.reservio_service_id.clone(), m.termino_offer_id.clone()))
        .collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for m in &mappings {
        names.insert(
            m.reservio_service_id.clone(),
            m.reservio_service_name.clone(),
        );
        names.insert(m.termino_offer_id.clone(), m.termino_offer_name.clone());
    }
    let rows = links::page_for_connection(&state.db, conn.id, 0, LINKS_READ).await?;
    let mut differing = vec![];
    let mut agreeing = vec![];
    for row in &rows {
        let sample = sample_of(row);
        let differences = booking_differences(&sample, &offer_for_service);
        let shown = BookingRow {
            voucher_code: sample.voucher_code.clone(),
            reservio: sample.reservio.as_ref().map(|s| view_of(page, s, &names)),
            termino: sample.termino.as_ref().map(|s| view_of(page, s, &names)),
            differences,
        };
        if shown.differences.is_empty() {
            agreeing.push(shown);
        } else {
            differing.push(shown);
        }
    }
    let (links, agreeing_count) = (rows.len(), agreeing.len());
    let mut differences = differing.len();
    let mut bookings: Vec<BookingRow> = differing.into_iter().take(SHOWN_DIFFERING).collect();
    bookings.extend(agreeing.into_iter().take(SHOWN_AGREEING));

    let (availability, read_error) = match availability(state, page, conn, &mappings).await {
        Ok(rows) => (rows, None),
        Err(key) => (vec![], Some(key)),
    };
    differences += availability.iter().map(|a| a.issues.len()).sum::<usize>();
    let profile = match probe_profile(state, conn).await {
        Some(found) => profile_lines(page, &found),
        None => vec![],
    };
    Ok(Report {
        profile,
        links,
        agreeing: agreeing_count,
        bookings,
        availability,
        read_error,
        differences,
    })
}

/// Probes the connection's Reservio account read-only; a profile unlike the stored one is
/// stored and audited (`connection.reservio_profile`). None when it cannot be probed now.
async fn probe_profile(state: &AppState, conn: &Connection) -> Option<AccountProfile> {
    let sync = state.sync.as_ref()?;
    let (business, token) = conn
        .reservio_business_id
        .as_deref()
        .zip(conn.reservio_token.as_deref())?;
    let client = sync.connector.reservio_client(token).ok()?;
    let found = match client.probe_account(business).await {
        Ok(found) => found,
        Err(e) => {
            tracing::info!(connection = conn.id, error = %e, "the Reservio probe did not answer");
            return None;
        }
    };
    let stored = conn
        .reservio_profile
        .as_deref()
        .and_then(|json| serde_json::from_str::<AccountProfile>(json).ok());
    if stored.as_ref() != Some(&found) {
        let now = state.clock.now();
        let json = serde_json::to_string(&found).ok()?;
        let kept = connections::set_reservio_profile(&state.db, conn.id, &json, now).await;
        let audited = audit::record(
            &state.db,
            now,
            audit::Event::new(
                &audit::Actor::Sync,
                "connection.reservio_profile",
                "connection",
                conn.id,
            )
            .partner(Some(conn.partner_id))
            .before(serde_json::to_value(&stored).unwrap_or_default())
            .after(serde_json::to_value(&found).unwrap_or_default()),
        )
        .await;
        if let Err(e) = kept.and(audited.map(|_| ())) {
            tracing::warn!(connection = conn.id, error = %e, "the Reservio profile was not stored");
        }
    }
    Some(found)
}

/// The profile in the reader's words, one sentence per finding.
fn profile_lines(page: &Page, found: &AccountProfile) -> Vec<String> {
    let mut lines = vec![page.t(if found.token_ok {
        "reservio-profile-token-ok"
    } else {
        "reservio-profile-token-refused"
    })];
    if let Some(zone) = &found.timezone {
        lines.push(page.t_args("reservio-profile-timezone", &[("zone", zone.clone())]));
    }
    if !found.resources.is_empty() {
        lines.push(page.t_args(
            "reservio-profile-resources",
            &[("names", found.resources.join(", "))],
        ));
    }
    lines.push(page.t(match found.listing.date_filter {
        DateFilterSupport::Honoured => "reservio-profile-filter-honoured",
        DateFilterSupport::Misapplied => "reservio-profile-filter-misapplied",
        DateFilterSupport::Ignored => "reservio-profile-filter-ignored",
        DateFilterSupport::Unknown => "reservio-profile-filter-unknown",
    }));
    match found.listing.include {
        Some(true) => lines.push(page.t("reservio-profile-include-honoured")),
        Some(false) => lines.push(page.t("reservio-profile-include-ignored")),
        None => {}
    }
    lines
}

/// Per service: the calendar's free slots, the channel's bookings, and the issues between.
async fn availability(
    state: &AppState,
    page: &Page,
    conn: &Connection,
    mappings: &[connections::ServiceMapping],
) -> Result<Vec<AvailabilityRow>, &'static str> {
    let Some(sync) = &state.sync else {
        return Err("sales-systems-off");
    };
    let connector = sync.connector.as_ref();
    let failed = |e: catalogue::CatalogueError| {
        tracing::warn!(connection = conn.id, error = %e, "verification read failed");
        match e.system() {
            crate::domain::System::Reservio => "sales-read-failed-reservio",
            crate::domain::System::Termino => "sales-read-failed-termino",
        }
    };
    let services = catalogue::services(connector, conn).await.map_err(failed)?;
    let offers = catalogue::offers(connector, conn).await.map_err(failed)?;
    let from = state.clock.now();
    let to = from + WINDOW_DAYS * 86_400;
    let booked = onboarding::channel_bookings(&state.db, conn.id, from, to)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading channel bookings failed");
            "error-internal"
        })?;
    let mut out = vec![];
    for service in services {
        let mapping = mappings
            .iter()
            .find(|m| m.reservio_service_id == service.id);
        let offer = mapping.and_then(|m| offers.iter().find(|o| o.id == m.termino_offer_id));
        let free_slots = catalogue::free_slots(connector, conn, &service.id, from, to)
            .await
            .map_err(failed)?;
        let channel_bookings: Vec<ChannelBooking> = match offer {
            Some(offer) => booked
                .iter()
                .filter(|b| b.service_id == offer.id)
                .map(|b| ChannelBooking {
                    start_at: b.start_at,
                    end_at: b.end_at,
                    voucher_code: b.voucher_code.clone(),
                })
                .collect(),
            None => vec![],
        };
        let a = ServiceAvailability {
            service_name: service.name.clone(),
            reservio_minutes: service.duration_minutes,
            offer_minutes: offer.map(|o| o.duration_minutes),
            free_slots,
            channel_bookings,
        };
        let issues = availability_issues(&a)
            .into_iter()
            .map(|issue| issue_text(page, &issue))
            .collect();
        out.push(AvailabilityRow {
            service_name: a.service_name,
            offer_name: offer.map(|o| o.name.clone()),
            free_count: a.free_slots.len(),
            free_sample: a
                .free_slots
                .iter()
                .take(SLOTS_SHOWN)
                .map(|(start, _)| page.datetime(*start))
                .collect(),
            channel_count: a.channel_bookings.len(),
            issues,
        });
    }
    Ok(out)
}

fn issue_text(page: &Page, issue: &AvailabilityIssue) -> String {
    let minutes = |m: u32| page.t_count("sales-minutes", i64::from(m));
    match issue {
        AvailabilityIssue::NotMapped => page.t("verify-issue-not-mapped"),
        AvailabilityIssue::DurationDiffers { reservio, offer } => page.t_value(
            "verify-issue-duration",
            &format!("{} ≠ {}", minutes(*reservio), minutes(*offer)),
        ),
        AvailabilityIssue::SlotStillFree(b) => {
            let when = page.datetime(b.start_at);
            let what = match &b.voucher_code {
                Some(voucher) => format!("{when} ({voucher})"),
                None => when,
            };
            page.t_value("verify-issue-slot-free", &what)
        }
    }
}

/// The report of one of the partner's connections: a page, or the report alone for htmx.
pub async fn show(
    State(state): State<AppState>,
    user: PartnerUser,
    page: Page,
    htmx: Htmx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = onboarding::find(&state.db, id, Some(user.partner_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let conn = connections::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let report = build(&state, &page, &conn).await?;
    if htmx.fragment {
        Ok(ReportFragment { page, c, report }.into_response())
    } else {
        Ok(ReportPage { page, c, report }.into_response())
    }
}
