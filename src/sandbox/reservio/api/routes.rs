//! The fake Reservio's routes, behind the shared fault injection: apart from the helpers its
//! handlers share, so that they never import the module that routes them.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};

use super::{ApiState, error, meter, oauth, reads, writes};
use crate::sandbox::faults::{self, FaultSwitch};

/// The routes, behind the shared fault injection.
pub fn router(state: ApiState, faults: FaultSwitch) -> Router {
    let business = "/v2/businesses/{business}";
    Router::new()
        .route("/v2/users/me", get(reads::users_me))
        .route("/v2/oauth2/token", post(oauth::token))
        .route(business, get(reads::get_business))
        .route(&format!("{business}/resources"), get(reads::list_resources))
        .route(
            &format!("{business}/events/{{id}}"),
            get(reads::get_event).patch(writes::patch_event),
        )
        .route(
            &format!("{business}/clients/{{id}}"),
            get(reads::get_client),
        )
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
        .fallback(|| async { error(StatusCode::NOT_FOUND, "notFound", "no such endpoint") })
        .layer(axum::middleware::from_fn_with_state(faults, faults::inject))
        .layer(axum::middleware::from_fn_with_state(state.clone(), meter))
        .with_state(state)
}
