//! The sales rep's mapping of the partner's services to the channel's offers, checked against
//! both systems' live catalogues: every offer must exist and sell one service only. Saving it
//! moves a requested connection to `mapped`; a later change is audited as a change.

use std::collections::{HashMap, HashSet};

use axum::http::StatusCode;
use axum::response::Response;

use super::connection::{OFFER_FIELD, SalesForms, load, read_catalogues, refuse};
use crate::audit::Event;
use crate::db::connections::{self, ServiceMapping};
use crate::db::onboarding;
use crate::domain::connection::ConnectionState;
use crate::systems::termino::Offer;
use crate::web::error::AppError;
use crate::web::extract::{Form, Path};
use crate::web::form_request::{self, FormRequest};
use crate::web::paths;
use crate::web::session::SalesUser;

/// Saves the mapping; a requested connection becomes `mapped`.
pub async fn mapping(
    user: SalesUser,
    request: FormRequest,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (state, page) = (request.state, request.page);
    let (c, conn) = load(&state, id).await?;
    let chosen: HashMap<String, String> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(OFFER_FIELD)?.to_string(), v.clone())))
        .collect();
    let mut forms = SalesForms {
        chosen: chosen.clone(),
        ..SalesForms::default()
    };
    let from = c.state();
    if !from.mapping_editable() {
        forms.form_error = Some("sales-refused-state");
        return refuse(&state, page, id, StatusCode::CONFLICT, forms).await;
    }
    let cat = match read_catalogues(&state, &conn).await {
        Ok(cat) => cat,
        Err(key) => {
            forms.form_error = Some(key);
            return refuse(&state, page, id, StatusCode::BAD_GATEWAY, forms).await;
        }
    };
    let offers: HashMap<&str, &Offer> = cat.offers.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut used = HashSet::new();
    let mut new_mappings = vec![];
    for service in &cat.services {
        let offer_id = chosen.get(&service.id).map(|s| s.trim()).unwrap_or("");
        if offer_id.is_empty() {
            continue;
        }
        let Some(offer) = offers.get(offer_id) else {
            forms
                .row_errors
                .insert(service.id.clone(), "sales-error-offer-unknown");
            continue;
        };
        if !used.insert(offer_id) {
            forms
                .row_errors
                .insert(service.id.clone(), "sales-error-offer-twice");
            continue;
        }
        new_mappings.push(ServiceMapping {
            id: 0,
            connection_id: id,
            reservio_service_id: service.id.clone(),
            reservio_service_name: service.name.clone(),
            termino_offer_id: offer.id.clone(),
            termino_offer_name: offer.name.clone(),
            duration_minutes: i64::from(service.duration_minutes),
        });
    }
    if forms.row_errors.is_empty() && new_mappings.is_empty() {
        forms.form_error = Some("sales-error-map-one");
    }
    if forms.form_error.is_some() || !forms.row_errors.is_empty() {
        return refuse(&state, page, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
    }
    let old = connections::mappings(&state.db, id).await?;
    let now = state.clock.now();
    let by = &user.0.email;
    let mut tx = state.db.begin_write().await?;
    let action = match from {
        ConnectionState::Requested => {
            let to = from
                .transition(ConnectionState::Mapped)
                .map_err(|e| AppError::Internal(e.into()))?;
            if !onboarding::set_state(&mut tx, id, from, to, by, now).await? {
                drop(tx);
                forms.form_error = Some("sales-refused-state");
                return refuse(&state, page, id, StatusCode::CONFLICT, forms).await;
            }
            "connection.mapped"
        }
        _ => "connection.mapping_changed",
    };
    onboarding::replace_mappings(&mut tx, id, &new_mappings, now).await?;
    let pairs = |ms: &[ServiceMapping]| -> Vec<serde_json::Value> {
        ms.iter()
            .map(|m| serde_json::json!([m.reservio_service_id, m.termino_offer_id]))
            .collect()
    };
    form_request::finish(
        tx,
        now,
        Event::new(&user.0.actor(), action, "connection", id)
            .partner(Some(c.partner_id))
            .before(serde_json::json!({ "state": from.as_str(), "mappings": pairs(&old) }))
            .after(serde_json::json!({
                "state": ConnectionState::Mapped.as_str(),
                "mappings": pairs(&new_mappings),
            }))
            .request(Some(request.request_id.as_str())),
        &request.session,
        "sales-done-mapped",
        None,
        &paths::sales_connection(id),
    )
    .await
}
