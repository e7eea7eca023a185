//! Reading handlers: the user, the business, resources, services, booking slots, bookings and
//! a booking's event and client.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::render;
use super::super::store::{Business, MAX_SLOT_RANGE, Store};
use super::{
    Answer, ApiError, ApiState, Params, authorize, bad_request, business_of_token, document, error,
    instant_filter, invalid_value, list_document,
};

fn business_path(business: &str, rest: &str) -> String {
    format!("/v2/businesses/{business}{rest}")
}

/// The business, once the request's token is checked against it (see [`authorize`]).
fn authorized<'a>(
    api: &ApiState,
    store: &'a Store,
    business: &str,
    headers: &HeaderMap,
) -> Result<&'a Business, ApiError> {
    authorize(store, business, headers, api.clock.now())?;
    store
        .businesses
        .get(business)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "notFound", "no such business"))
}

/// A read of one business that takes a query: the business named in the path, the query and
/// the headers (for the token), extracted as a handler taking `Path`, `Query` and `HeaderMap`
/// would, and so refused in the same order.
pub(super) struct BusinessRead {
    api: ApiState,
    business: String,
    params: Params,
    headers: HeaderMap,
}

#[derive(Deserialize)]
struct BusinessPath {
    business: String,
}

impl FromRequestParts<ApiState> for BusinessRead {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, api: &ApiState) -> Result<Self, Response> {
        let Path(BusinessPath { business }) = Path::from_request_parts(parts, api)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(params) = Query::from_request_parts(parts, api)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(BusinessRead {
            api: api.clone(),
            business,
            params,
            headers: parts.headers.clone(),
        })
    }
}

impl BusinessRead {
    /// Runs `read` on the business under the store's lock, once the request's token is checked
    /// against it (see [`authorized`]).
    fn read(&self, read: impl FnOnce(&Business) -> Answer) -> Answer {
        let store = self.api.lock();
        read(authorized(
            &self.api,
            &store,
            &self.business,
            &self.headers,
        )?)
    }

    /// A list of what the business has, under `rest`, with nothing included.
    fn list_of(&self, rest: &str, items: impl FnOnce(&Business) -> Vec<Value>) -> Answer {
        self.read(|b| {
            let all = items(b).into_iter().map(|v| (v, Vec::new())).collect();
            list_document(
                all,
                &self.params,
                &business_path(&self.business, rest),
                false,
            )
        })
    }
}

/// One record related to a booking, on its own: 404 when no booking has it, or while the
/// `related_reads_missing` switch is on.
fn related(
    api: &ApiState,
    business: &str,
    headers: &HeaderMap,
    what: &str,
    find: impl FnOnce(&Business) -> Option<Value>,
) -> Answer {
    let store = api.lock();
    let b = authorized(api, &store, business, headers)?;
    match find(b) {
        Some(data) if !api.listing.get().related_reads_missing => {
            Ok(document(StatusCode::OK, json!({ "data": data })))
        }
        _ => Err(error(
            StatusCode::NOT_FOUND,
            "entityNotFound",
            &format!("no such {what}"),
        )),
    }
}

/// `GET /users/me`: who the token belongs to (Reservio's public clients use it to check a token).
pub(super) async fn users_me(State(api): State<ApiState>, headers: HeaderMap) -> Answer {
    let store = api.lock();
    let Some(business) = business_of_token(&store, &headers, api.clock.now()) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "invalid access token",
        ));
    };
    Ok(document(
        StatusCode::OK,
        json!({ "data": {
            "type": "user",
            "id": format!("owner-{business}"),
            "attributes": { "email": format!("owner@{business}.test"), "name": "Owner" },
            "relationships": { "businesses": { "data": [{ "type": "business", "id": business }] } },
        }}),
    ))
}

pub(super) async fn get_business(
    State(api): State<ApiState>,
    Path(business): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let store = api.lock();
    let b = authorized(&api, &store, &business, &headers)?;
    Ok(document(
        StatusCode::OK,
        json!({ "data": render::business(&business, b) }),
    ))
}

pub(super) async fn list_resources(read: BusinessRead) -> Answer {
    read.list_of("/resources", |b| {
        b.resources.iter().map(render::resource).collect()
    })
}

pub(super) async fn list_services(read: BusinessRead) -> Answer {
    read.list_of("/services", |b| {
        b.services.iter().map(render::service).collect()
    })
}

pub(super) async fn booking_slots(read: BusinessRead) -> Answer {
    let (api, params) = (&read.api, &read.params);
    read.read(|b| {
        let from = instant_filter(params, "filter[from]", false)?;
        let to = instant_filter(params, "filter[to]", true)?;
        let (Some(from), Some(to)) = (from, to) else {
            return Err(bad_request("filter[from] and filter[to] are required"));
        };
        if to - from > MAX_SLOT_RANGE {
            return Err(bad_request("the range is too long"));
        }
        let Some(service_id) = params.get("filter[serviceId]") else {
            return Err(bad_request("filter[serviceId] is required"));
        };
        let Some(service) = b.service(service_id) else {
            return Err(invalid_value("no such service"));
        };
        let quirks = api.listing.get();
        let ignore = !quirks.boundaries_always_apply
            && params
                .get("ignoreBookingBoundaries")
                .is_some_and(|v| v == "true" || v == "1");
        let resource = params.get("filter[resourceId]").map(String::as_str);
        let all = b
            .free_slots(service, (from, to), resource, api.clock.now(), ignore)
            .iter()
            .map(|slot| (render::slot(service_id, slot, &b.timezone), Vec::new()))
            .collect();
        list_document(
            all,
            params,
            &business_path(&read.business, "/availability/booking-slots"),
            quirks.slot_offset_ignored,
        )
    })
}

pub(super) async fn list_bookings(read: BusinessRead) -> Answer {
    let (api, params) = (&read.api, &read.params);
    read.read(|b| {
        let from = instant_filter(params, "filter[from]", false)?.unwrap_or(i64::MIN);
        let to = instant_filter(params, "filter[to]", true)?.unwrap_or(i64::MAX);
        let newest_first = match params.get("sort").map(String::as_str) {
            None | Some("createdAt") => false,
            Some("-createdAt") => true,
            Some(_) => return Err(bad_request("unsupported sort")),
        };
        let quirks = api.listing.get();
        let include = render::Include::parse(params.get("include"), &quirks);
        let mut bookings: Vec<_> = b
            .bookings
            .iter()
            .filter(|b| quirks.selects(b.start_at, b.created_at, from, to))
            .collect();
        if newest_first {
            bookings.reverse();
        }
        let all = bookings
            .into_iter()
            .map(|bk| {
                (
                    render::booking(bk, &b.timezone, quirks.rejected_as),
                    include.resources(bk, &b.timezone),
                )
            })
            .collect();
        list_document(
            all,
            params,
            &business_path(&read.business, "/bookings"),
            false,
        )
    })
}

pub(super) async fn get_booking(
    Path((_, id)): Path<(String, String)>,
    read: BusinessRead,
) -> Answer {
    let (api, params) = (&read.api, &read.params);
    read.read(|b| {
        let Some(booking) = b.booking(&id) else {
            return Err(error(StatusCode::NOT_FOUND, "notFound", "no such booking"));
        };
        let quirks = api.listing.get();
        let include = render::Include::parse(params.get("include"), &quirks);
        Ok(document(
            StatusCode::OK,
            render::booking_document(booking, &include, &b.timezone, quirks.rejected_as),
        ))
    })
}

/// `GET /events/{id}`: an appointment on its own (with the `related_reads_missing` switch, 404).
pub(super) async fn get_event(
    State(api): State<ApiState>,
    Path((business, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    related(&api, &business, &headers, "event", |b| {
        let bk = b.bookings.iter().find(|bk| bk.event_id == id)?;
        Some(render::event(bk, &b.timezone))
    })
}

/// `GET /clients/{id}`: not in Reservio's public docs; assumed, and switchable to 404.
pub(super) async fn get_client(
    State(api): State<ApiState>,
    Path((business, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    related(&api, &business, &headers, "client", |b| {
        let bk = b.bookings.iter().find(|bk| bk.client_id == id)?;
        Some(render::client(bk))
    })
}
