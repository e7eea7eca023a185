//! The fake Termino's changing endpoints: each passes the one guard ([`Guarded`]: token,
//! `Idempotency-Key`, body) and applies its change through it, so a retried request is applied
//! once.

use axum::extract::Path;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::model::EffectKind;
use super::request::{ApiResult, Applied, Guarded, parse_time};
use super::store::NewReservation;
use crate::domain::{BookingStatus, Customer};

#[derive(Deserialize)]
pub(super) struct CreateRequest {
    voucher_code: String,
    offer_id: String,
    start: String,
    end: String,
    customer: Customer,
    #[serde(default)]
    reservio_booking_id: Option<String>,
}

pub(super) async fn create_reservation(
    Path(partner_id): Path<String>,
    Guarded(request, write): Guarded<CreateRequest>,
) -> ApiResult {
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
    write.apply(|store, now| {
        let reservation = store.create(&partner_id, new, now)?;
        Ok(Applied {
            status: StatusCode::CREATED,
            body: reservation.to_json(),
            effects: vec![(EffectKind::CreateReservation, reservation.id)],
        })
    })
}

#[derive(Deserialize)]
pub(super) struct RescheduleRequest {
    start: String,
    end: String,
}

pub(super) async fn reschedule(
    Path((partner_id, id)): Path<(String, String)>,
    Guarded(request, write): Guarded<RescheduleRequest>,
) -> ApiResult {
    let slot = (
        parse_time("start", &request.start)?,
        parse_time("end", &request.end)?,
    );
    write.apply_to_reservation(EffectKind::Reschedule, |store, now| {
        store.reschedule(&partner_id, &id, slot, false, now)
    })
}

#[derive(Deserialize)]
pub(super) struct CustomerRequest {
    customer: Customer,
}

pub(super) async fn update_customer(
    Path((partner_id, id)): Path<(String, String)>,
    Guarded(request, write): Guarded<CustomerRequest>,
) -> ApiResult {
    write.apply_to_reservation(EffectKind::UpdateCustomer, |store, now| {
        store.set_customer(&partner_id, &id, request.customer, now)
    })
}

#[derive(Deserialize)]
pub(super) struct EmptyRequest {}

pub(super) async fn cancel_reservation(
    Path((partner_id, id)): Path<(String, String)>,
    Guarded(EmptyRequest {}, write): Guarded<EmptyRequest>,
) -> ApiResult {
    write.apply_to_reservation(EffectKind::CancelReservation, |store, now| {
        store.set_status(&partner_id, &id, BookingStatus::Cancelled, now)
    })
}

#[derive(Deserialize)]
pub(super) struct VoucherCancelRequest {
    reason: String,
}

pub(super) async fn cancel_voucher(
    Path((partner_id, code)): Path<(String, String)>,
    Guarded(request, write): Guarded<VoucherCancelRequest>,
) -> ApiResult {
    write.apply_to_reservation(EffectKind::CancelVoucher, |store, now| {
        let outcome = store.cancel_voucher(&partner_id, &code, now)?;
        if outcome.1 {
            tracing::info!(
                partner_id,
                voucher = code,
                reason = request.reason,
                "fake Termino: voucher cancelled"
            );
        }
        Ok(outcome)
    })
}

#[derive(Deserialize)]
pub(super) struct ReissueRequest {
    offer_id: String,
}

pub(super) async fn reissue_voucher(
    Path((partner_id, code)): Path<(String, String)>,
    Guarded(request, write): Guarded<ReissueRequest>,
) -> ApiResult {
    write.apply(|store, now| {
        let (cancelled, new_voucher_code) =
            store.reissue_voucher(&partner_id, &code, &request.offer_id, now)?;
        Ok(Applied {
            status: StatusCode::OK,
            effects: vec![(EffectKind::ReissueVoucher, cancelled.id.clone())],
            body: json!({ "cancelled": cancelled.to_json(), "new_voucher_code": new_voucher_code }),
        })
    })
}
