//! Reading handlers: services, booking slots, bookings.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use super::super::render;
use super::super::store::MAX_SLOT_RANGE;
use super::{
    Answer, ApiState, Params, authorize, bad_request, document, error, instant_filter,
    invalid_value, list_document,
};

pub(super) async fn list_services(
    State(api): State<ApiState>,
    Path(business): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Answer {
    let store = api.lock();
    authorize(&store, &business, &headers)?;
    let services = store.businesses.get(&business).map(|b| b.services.clone());
    let all = services
        .unwrap_or_default()
        .iter()
        .map(|s| (render::service(s), Vec::new()))
        .collect();
    list_document(all, &params)
}

pub(super) async fn booking_slots(
    State(api): State<ApiState>,
    Path(business): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Answer {
    let store = api.lock();
    authorize(&store, &business, &headers)?;
    let from = instant_filter(&params, "filter[from]", false)?;
    let to = instant_filter(&params, "filter[to]", true)?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(bad_request("filter[from] and filter[to] are required"));
    };
    if to - from > MAX_SLOT_RANGE {
        return Err(bad_request("the range is too long"));
    }
    let Some(service_id) = params.get("filter[serviceId]") else {
        return Err(bad_request("filter[serviceId] is required"));
    };
    let Some(b) = store.businesses.get(&business) else {
        return Err(error(StatusCode::NOT_FOUND, "notFound", "no such business"));
    };
    let Some(service) = b.service(service_id) else {
        return Err(invalid_value("no such service"));
    };
    let all = b
        .free_slots(service, from, to)
        .into_iter()
        .map(|(start, end)| (render::slot(service_id, start, end), Vec::new()))
        .collect();
    list_document(all, &params)
}

pub(super) async fn list_bookings(
    State(api): State<ApiState>,
    Path(business): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Answer {
    let store = api.lock();
    authorize(&store, &business, &headers)?;
    let from = instant_filter(&params, "filter[from]", false)?.unwrap_or(i64::MIN);
    let to = instant_filter(&params, "filter[to]", true)?.unwrap_or(i64::MAX);
    let newest_first = match params.get("sort").map(String::as_str) {
        None | Some("createdAt") => false,
        Some("-createdAt") => true,
        Some(_) => return Err(bad_request("unsupported sort")),
    };
    let quirks = api.listing.get();
    let include = render::Include::parse(params.get("include"), &quirks);
    let mut bookings: Vec<_> = store
        .businesses
        .get(&business)
        .map(|b| {
            b.bookings
                .iter()
                .filter(|b| quirks.selects(b.start_at, b.created_at, from, to))
                .collect()
        })
        .unwrap_or_default();
    if newest_first {
        bookings.reverse();
    }
    let all = bookings
        .into_iter()
        .map(|b| (render::booking(b), include.resources(b)))
        .collect();
    list_document(all, &params)
}

pub(super) async fn get_booking(
    State(api): State<ApiState>,
    Path((business, id)): Path<(String, String)>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Answer {
    let store = api.lock();
    authorize(&store, &business, &headers)?;
    let booking = store.businesses.get(&business).and_then(|b| b.booking(&id));
    let Some(booking) = booking else {
        return Err(error(StatusCode::NOT_FOUND, "notFound", "no such booking"));
    };
    let include = render::Include::parse(params.get("include"), &api.listing.get());
    Ok(document(
        StatusCode::OK,
        render::booking_document(booking, &include),
    ))
}
