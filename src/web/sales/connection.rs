//! One connection for the sales rep: the channel account, the partner's services and the
//! channel's offers read live from both systems, the mapping between them, and the steps
//! `requested → mapped → verifying` (and back to mapping when the partner reports a problem).
//! Every step stamps its `*_at`/`*_by` columns and writes an audit row.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::audit::Event;
use crate::db::cases::{self, CaseRecord};
use crate::db::connections::{self, Connection, ServiceMapping};
use crate::db::onboarding::{self, ConnectionOverview};
use crate::domain::connection::ConnectionState;
use crate::sync::catalogue;
use crate::systems::reservio::Service;
use crate::systems::termino::Offer;
use crate::web::error::AppError;
use crate::web::extract::Path;
use crate::web::form_request::{self, FormRequest};
use crate::web::page::Page;
use crate::web::paths;
use crate::web::session::SalesUser;
use crate::web::state::AppState;

/// The field prefix of a service's offer choice: `offer:<service id>`.
pub(super) const OFFER_FIELD: &str = "offer:";

/// The live catalogues of both sides, or the message saying which could not be read.
pub struct Catalogues {
    pub services: Vec<Service>,
    pub offers: Vec<Offer>,
}

/// One service of the mapping form.
pub struct MappingRow {
    pub service: Service,
    pub field: String,
    pub chosen: String,
    pub error: Option<&'static str>,
}

/// What the forms held and what is wrong with them.
#[derive(Default)]
pub struct SalesForms {
    pub termino_partner_id: String,
    pub account_error: Option<&'static str>,
    pub chosen: HashMap<String, String>,
    pub row_errors: HashMap<String, &'static str>,
    pub form_error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sales/connection.html")]
pub struct SalesConnectionPage {
    page: Page,
    c: ConnectionOverview,
    state: ConnectionState,
    mappings: Vec<ServiceMapping>,
    rows: Vec<MappingRow>,
    offers: Vec<Offer>,
    read_error: Option<&'static str>,
    problems: Vec<CaseRecord>,
    sandbox: bool,
    forms: SalesForms,
    /// Set when a system refused the connection's credentials.
    expired: Option<crate::web::care::alarms::ExpiredView>,
    /// Observe mode or live, and who switched it when.
    mode: Option<crate::db::holds::ModeRecord>,
}

impl SalesConnectionPage {
    /// A duration for people, e.g. "45 min".
    fn minutes(&self, minutes: &u32) -> String {
        self.page.t_count("sales-minutes", i64::from(*minutes))
    }

    /// The warning for an offer that sells a visit of another length than the service books:
    /// the channel's customer would get a slot the calendar does not have.
    fn length_warning(&self, offer_id: &str, service_minutes: &u32) -> Option<String> {
        let offer = self.offers.iter().find(|o| o.id == offer_id)?;
        (offer.duration_minutes != *service_minutes).then(|| {
            let lengths = format!(
                "{} ≠ {}",
                self.minutes(&offer.duration_minutes),
                self.minutes(service_minutes)
            );
            self.page.t_value("sales-length-differs", &lengths)
        })
    }

    /// The same for a saved mapping (whose duration is the service's).
    fn saved_length_warning(&self, m: &ServiceMapping) -> Option<String> {
        let minutes = u32::try_from(m.duration_minutes).ok()?;
        self.length_warning(&m.termino_offer_id, &minutes)
    }

    /// Whether the connection is in observe mode.
    fn observes(&self) -> bool {
        self.mode.as_ref().is_some_and(|m| m.observe != 0)
    }

    /// Who switched the mode last, and when, if anyone did.
    fn mode_changed(&self) -> Option<String> {
        let m = self.mode.as_ref()?;
        let (at, by) = (m.observe_changed_at?, m.observe_changed_by.as_deref()?);
        Some(format!("{} · {by}", self.page.datetime(at)))
    }

    fn has_channel_account(&self) -> bool {
        self.c.termino_partner_id.is_some()
    }
}

/// The message for a side that could not be read.
fn read_error_key(e: &catalogue::CatalogueError) -> &'static str {
    match e.system() {
        crate::domain::System::Reservio => "sales-read-failed-reservio",
        crate::domain::System::Termino => "sales-read-failed-termino",
    }
}

/// Reads both catalogues; logs and names the side that failed.
pub(super) async fn read_catalogues(
    state: &AppState,
    conn: &Connection,
) -> Result<Catalogues, &'static str> {
    let Some(sync) = &state.sync else {
        return Err("sales-systems-off");
    };
    let connector = sync.connector.as_ref();
    let read = async {
        let services = catalogue::services(connector, conn).await?;
        let offers = catalogue::offers(connector, conn).await?;
        Ok::<_, catalogue::CatalogueError>(Catalogues { services, offers })
    };
    read.await.map_err(|e| {
        tracing::warn!(connection = conn.id, error = %e, "reading the catalogues failed");
        read_error_key(&e)
    })
}

pub(super) async fn load(
    state: &AppState,
    id: i64,
) -> Result<(ConnectionOverview, Connection), AppError> {
    let overview = onboarding::find(&state.db, id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let conn = connections::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((overview, conn))
}

/// The connection's page with `forms` as the user left them.
async fn render(
    state: &AppState,
    page: Page,
    id: i64,
    mut forms: SalesForms,
) -> Result<SalesConnectionPage, AppError> {
    let (c, conn) = load(state, id).await?;
    let current_state = c.state();
    let mappings = connections::mappings(&state.db, id).await?;
    let mut rows = vec![];
    let mut offers = vec![];
    let mut read_error = None;
    if current_state.mapping_editable() && c.termino_partner_id.is_some() {
        match read_catalogues(state, &conn).await {
            Ok(cat) => {
                let mapped: HashMap<&str, &str> = mappings
                    .iter()
                    .map(|m| (m.reservio_service_id.as_str(), m.termino_offer_id.as_str()))
                    .collect();
                for service in cat.services {
                    // What the form sent, else the saved mapping, else an offer named after
                    // the service (the channel usually names its vouchers so).
                    let chosen = forms
                        .chosen
                        .remove(&service.id)
                        .or_else(|| mapped.get(service.id.as_str()).map(|o| o.to_string()))
                        .or_else(|| suggest(&service, &cat.offers))
                        .unwrap_or_default();
                    rows.push(MappingRow {
                        field: format!("{OFFER_FIELD}{}", service.id),
                        error: forms.row_errors.get(&service.id).copied(),
                        chosen,
                        service,
                    });
                }
                offers = cat.offers;
            }
            Err(key) => read_error = Some(key),
        }
    }
    if forms.termino_partner_id.is_empty() {
        forms.termino_partner_id = c.termino_partner_id.clone().unwrap_or_default();
    }
    let problems = cases::of_connection(&state.db, id).await?;
    let expired = crate::web::care::alarms::load_expired(state, &page, Some(c.partner_id))
        .await?
        .into_iter()
        .find(|e| e.expired.connection_id == id);
    let mode = crate::db::holds::mode(&state.db, id).await?;
    Ok(SalesConnectionPage {
        page,
        state: current_state,
        c,
        mappings,
        rows,
        offers,
        read_error,
        problems,
        sandbox: state.sandbox.is_some(),
        forms,
        expired,
        mode,
    })
}

/// The offer whose name contains the service's name and that lasts as long, if exactly one.
fn suggest(service: &Service, offers: &[Offer]) -> Option<String> {
    let name = service.name.to_lowercase();
    let mut fits = offers.iter().filter(|o| {
        o.duration_minutes == service.duration_minutes && o.name.to_lowercase().contains(&name)
    });
    match (fits.next(), fits.next()) {
        (Some(one), None) => Some(one.id.clone()),
        _ => None,
    }
}

/// One connection with its live catalogues and mapping form.
pub async fn show(
    State(state): State<AppState>,
    _user: SalesUser,
    page: Page,
    Path(id): Path<i64>,
) -> Result<SalesConnectionPage, AppError> {
    render(&state, page, id, SalesForms::default()).await
}

/// Answers a refused form with its page and a status.
pub(super) async fn refuse(
    state: &AppState,
    page: Page,
    id: i64,
    status: StatusCode,
    forms: SalesForms,
) -> Result<Response, AppError> {
    Ok((status, render(state, page, id, forms).await?).into_response())
}

/// Moves the connection one step (`from → to`) with its audit row; `action` names the row.
async fn step(
    user: &SalesUser,
    request: FormRequest,
    id: i64,
    to: ConnectionState,
    action: &str,
    done_key: &'static str,
) -> Result<Response, AppError> {
    let (state, page) = (&request.state, request.page);
    let (c, _) = load(state, id).await?;
    let from = c.state();
    let ready =
        to != ConnectionState::Verifying || (c.mappings > 0 && c.termino_partner_id.is_some());
    let refused = SalesForms {
        form_error: Some("sales-refused-state"),
        ..SalesForms::default()
    };
    if from.transition(to).is_err() || !ready {
        return refuse(state, page, id, StatusCode::CONFLICT, refused).await;
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !onboarding::set_state(&mut tx, id, from, to, &user.0.email, now).await? {
        drop(tx);
        return refuse(state, page, id, StatusCode::CONFLICT, refused).await;
    }
    let actor = user.0.actor();
    let event = Event::new(&actor, action, "connection", id)
        .partner(Some(c.partner_id))
        .before(serde_json::json!({ "state": from.as_str() }))
        .after(serde_json::json!({ "state": to.as_str() }))
        .request(Some(request.request_id.as_str()));
    let (session, to) = (&request.session, paths::sales_connection(id));
    let done = form_request::finish(tx, now, event, session, done_key, None, &to).await?;
    // Verifying connections sync; start now rather than at the next poll.
    state.sync_soon(id);
    Ok(done)
}

/// The sales rep tells the partner it is connected: `mapped → verifying`.
pub async fn confirm(
    user: SalesUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let to = ConnectionState::Verifying;
    let action = "connection.confirmed";
    step(&user, request, id, to, action, "sales-done-confirmed").await
}

/// Back to mapping after the partner reported a problem: `verifying → mapped`.
pub async fn reopen(
    user: SalesUser,
    request: FormRequest,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let to = ConnectionState::Mapped;
    let action = "connection.mapping_reopened";
    step(&user, request, id, to, action, "sales-done-reopened").await
}
