//! The fake Reservio's routes, behind the shared fault injection: apart from the helpers its
//! handlers share, so that they never import the module that routes them.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, patch};

use super::{ApiState, error, reads, writes};
use crate::sandbox::faults::{self, FaultSwitch};

/// The routes, behind the shared fault injection.
pub fn router(state: ApiState, faults: FaultSwitch) -> Router {
    let business = "/v2/businesses/{business}";
    Router::new()
        .route(&format!("{business}/services"), get(reads::list_services))
        .route(
            &format!("{business}/availability/booking-slots"),
            get(reads::booking_slots),
        )
        .route(
            &format!("{business}/bookings"),
            get(reads::list_bookings).post(writes::create_booking),
        )
        .route(
            &format!("{business}/bookings/{{id}}"),
            get(reads::get_booking)
                .patch(writes::patch_booking)
                .delete(writes::delete_booking),
        )
        .route(
            &format!("{business}/events/{{id}}"),
            patch(writes::patch_event),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "notFound", "no such endpoint") })
        .layer(axum::middleware::from_fn_with_state(faults, faults::inject))
        .with_state(state)
}
