//! The fake Termino's changing endpoints: each passes the one guard ([`guarded`]: token,
//! `Idempotency-Key`, body) and applies its change through it, so a retried request is applied
//! once.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::model::EffectKind;
use super::request::{ApiResult, Applied, guarded, parse_time};
use super::shared::Shared;
use super::store::NewReservation;
use crate::domain::{BookingStatus, Customer};

#[derive(Deserialize)]
struct CreateRequest {
    voucher_code: String,
    offer_id: String,
    start: String,
    end: String,
    customer: Customer,
    #[serde(default)]
    reservio_booking_id: Option<String>,
}

pub(super) async fn create_reservation(
    State(shared): State<Arc<Shared>>,
    Path(partner_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (request, write): (CreateRequest, _) =
        guarded(&shared, &partner_id, &uri, &headers, &body)?;
    if request.voucher_code.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid_request",
            "voucher_code is empty",
        ));
    }
    let new = NewReservation {
        start_at: parse_time("start", &request.start)?,
        end_at: parse_time("end", &request.end)?,
        voucher_code: request.voucher_code,
        offer_id: request.offer_id,
        customer: request.customer,
        reservio_booking_id: request.reservio_booking_id,
        // Created from the partner's own calendar, so the partner has accepted it already.
        status: BookingStatus::Confirmed,
    };
    write.apply(&shared, &partner_id, |store, now| {
        let reservation = store.create(&partner_id, new, now)?;
        Ok(Applied {
            status: StatusCode::CREATED,
            body: reservation.to_json(),
            effects: vec![(EffectKind::CreateReservation, reservation.id)],
        })
    })
}

#[derive(Deserialize)]
struct RescheduleRequest {
    start: String,
    end: String,
}

pub(super) async fn reschedule(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (request, write): (RescheduleRequest, _) =
        guarded(&shared, &partner_id, &uri, &headers, &body)?;
    let slot = (
        parse_time("start", &request.start)?,
        parse_time("end", &request.end)?,
    );
    write.apply(&shared, &partner_id, |store, now| {
        let outcome = store.reschedule(&partner_id, &id, slot, false, now)?;
        Ok(Applied::reservation(EffectKind::Reschedule, outcome))
    })
}

#[derive(Deserialize)]
struct CustomerRequest {
    customer: Customer,
}

pub(super) async fn update_customer(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (request, write): (CustomerRequest, _) =
        guarded(&shared, &partner_id, &uri, &headers, &body)?;
    write.apply(&shared, &partner_id, |store, now| {
        let outcome = store.set_customer(&partner_id, &id, request.customer, now)?;
        Ok(Applied::reservation(EffectKind::UpdateCustomer, outcome))
    })
}

#[derive(Deserialize)]
struct EmptyRequest {}

pub(super) async fn cancel_reservation(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (EmptyRequest {}, write) = guarded(&shared, &partner_id, &uri, &headers, &body)?;
    write.apply(&shared, &partner_id, |store, now| {
        let outcome = store.set_status(&partner_id, &id, BookingStatus::Cancelled, now)?;
        Ok(Applied::reservation(EffectKind::CancelReservation, outcome))
    })
}

#[derive(Deserialize)]
struct VoucherCancelRequest {
    reason: String,
}

pub(super) async fn cancel_voucher(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, code)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (request, write): (VoucherCancelRequest, _) =
        guarded(&shared, &partner_id, &uri, &headers, &body)?;
    write.apply(&shared, &partner_id, |store, now| {
        let outcome = store.cancel_voucher(&partner_id, &code, now)?;
        if outcome.1 {
            tracing::info!(
                partner_id,
                voucher = code,
                reason = request.reason,
                "fake Termino: voucher cancelled"
            );
        }
        Ok(Applied::reservation(EffectKind::CancelVoucher, outcome))
    })
}

#[derive(Deserialize)]
struct ReissueRequest {
    offer_id: String,
}

pub(super) async fn reissue_voucher(
    State(shared): State<Arc<Shared>>,
    Path((partner_id, code)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let (request, write): (ReissueRequest, _) =
        guarded(&shared, &partner_id, &uri, &headers, &body)?;
    write.apply(&shared, &partner_id, |store, now| {
        let (cancelled, new_voucher_code) =
            store.reissue_voucher(&partner_id, &code, &request.offer_id, now)?;
        Ok(Applied {
            status: StatusCode::OK,
            effects: vec![(EffectKind::ReissueVoucher, cancelled.id.clone())],
            body: json!({ "cancelled": cancelled.to_json(), "new_voucher_code": new_voucher_code }),
        })
    })
}
