//! The Termino client: our own small JSON API (documented in `docs/termino-api.md`), since
//! Termino has no public one. Every Termino reservation belongs to a voucher, so besides the
//! [`BookingSystem`] calls the client can cancel and reissue vouchers (FAQ rules 2 and 5).

mod channel;
mod timestamp;
mod webhook;
mod wire;

#[cfg(test)]
mod tests;

use std::time::Duration;

use async_trait::async_trait;
use reqwest::{RequestBuilder, Url};
use serde_json::{Value, json};

pub use channel::{ChannelChange, ChannelFeed, ChannelPage, ChannelRead, reservation_from_payload};
pub use timestamp::{format_rfc3339, parse_rfc3339};
pub use webhook::{
    MAX_AGE_SECS as WEBHOOK_MAX_AGE_SECS, SIGNATURE_HEADER, WebhookNotification, new_nonce,
    parse_webhook, sign_webhook_body, verify_webhook_signature,
};
pub use wire::{Offer, Reissued};

use crate::domain::{Customer, NewBooking, RemoteBooking, System};
use crate::systems::{
    Account, BookingSystem, ChangeBatch, SystemError, http_client, transport_error,
};

/// How many reservations one read of the change feed asks for, unless told otherwise.
pub const FEED_PAGE_SIZE: u32 = 100;

/// Most pages of the feed read while looking for an existing reservation before a create.
const MAX_SEARCH_PAGES: usize = 1000;

/// A client of one Termino installation, authenticated as one partner.
#[derive(Clone, Debug)]
pub struct TerminoClient {
    http: reqwest::Client,
    base: Url,
    token: String,
    page_size: u32,
}

impl TerminoClient {
    /// A client for the API under `base_url` (e.g. `https://termino.example/`), sending `token`
    /// as its bearer token; every call fails with [`SystemError::Timeout`] after `timeout`.
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Result<Self, SystemError> {
        Self::over(http_client(timeout)?, base_url, token)
    }

    /// The same client over an HTTP client shared with others (its timeout is `http`'s): one
    /// connection pool and TLS configuration for every account instead of one each.
    pub fn over(http: reqwest::Client, base_url: &str, token: &str) -> Result<Self, SystemError> {
        let base = Url::parse(base_url).map_err(|e| {
            SystemError::Transport(format!("invalid Termino URL {base_url:?}: {e}"))
        })?;
        if base.cannot_be_a_base() {
            return Err(SystemError::Transport(format!(
                "invalid Termino URL {base_url:?}: it cannot have a path"
            )));
        }
        Ok(TerminoClient {
            http,
            base,
            token: token.to_owned(),
            page_size: FEED_PAGE_SIZE,
        })
    }

    /// Reads the change feed in pages of `page_size` (1 to 500) instead of [`FEED_PAGE_SIZE`].
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.clamp(1, 500);
        self
    }

    /// The offers the partner sells vouchers for.
    pub async fn list_offers(&self, account: &Account) -> Result<Vec<Offer>, SystemError> {
        let url = self.url(account, &["offers"])?;
        wire::offers_from_value(self.send(self.http.get(url)).await?)
    }

    /// Cancels a voucher and with it its reservation (FAQ rule 2: the channel side first).
    /// Returns the reservation, now cancelled.
    pub async fn cancel_voucher(
        &self,
        account: &Account,
        voucher_code: &str,
        reason: &str,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let url = self.url(account, &["vouchers", voucher_code, "cancel"])?;
        let answer = self
            .post(url, idempotency_key, &json!({ "reason": reason }))
            .await?;
        wire::reservation_from_value(&answer)
    }

    /// Changes a voucher's service (FAQ rule 5): the old voucher and its reservation are
    /// cancelled and a new voucher for `new_offer_id` is issued, with no reservation yet.
    pub async fn reissue_voucher(
        &self,
        account: &Account,
        voucher_code: &str,
        new_offer_id: &str,
        idempotency_key: &str,
    ) -> Result<Reissued, SystemError> {
        let url = self.url(account, &["vouchers", voucher_code, "reissue"])?;
        let answer = self
            .post(url, idempotency_key, &json!({ "offer_id": new_offer_id }))
            .await?;
        wire::reissued_from_value(answer)
    }

    /// `{base}/v1/partners/{account}/{tail…}`, each segment percent-encoded.
    fn url(&self, account: &Account, tail: &[&str]) -> Result<Url, SystemError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| SystemError::Transport("the Termino URL cannot have a path".into()))?
            .pop_if_empty()
            .extend(["v1", "partners", account])
            .extend(tail);
        Ok(url)
    }

    async fn post(
        &self,
        url: Url,
        idempotency_key: &str,
        body: &Value,
    ) -> Result<Value, SystemError> {
        let request = self
            .http
            .post(url)
            .header("Idempotency-Key", idempotency_key)
            .json(body);
        self.send(request).await
    }

    async fn reservation_call(
        &self,
        account: &Account,
        external_id: &str,
        action: &str,
        idempotency_key: &str,
        body: Value,
    ) -> Result<RemoteBooking, SystemError> {
        let url = self.url(account, &["reservations", external_id, action])?;
        let answer = self.post(url, idempotency_key, &body).await?;
        wire::reservation_from_value(&answer)
    }

    /// Sends with the bearer token and reads a JSON answer; any other answer becomes the
    /// matching [`SystemError`].
    async fn send(&self, request: RequestBuilder) -> Result<Value, SystemError> {
        let (status, body) = self.exchange(request).await?;
        if !status.is_success() {
            return Err(match status.as_u16() {
                404 => SystemError::NotFound,
                // The documented business refusals: a cancelled voucher, a bad slot, …
                409 | 422 => SystemError::Refused(wire::describe_error_body(&body)),
                code => SystemError::Http {
                    status: code,
                    body: wire::describe_error_body(&body),
                },
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| SystemError::InvalidPayload(format!("Termino answer is not JSON: {e}")))
    }
}

impl TerminoClient {
    /// Sends with the bearer token; the status and the whole body, whatever they are.
    async fn exchange(
        &self,
        request: RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), SystemError> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        Ok((status, read_capped(response).await?))
    }
}

#[async_trait]
impl ChannelFeed for TerminoClient {
    /// Reads one page with this client's token, which must be the channel's.
    async fn read(&self, cursor: Option<&str>) -> Result<ChannelRead, SystemError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| SystemError::Transport("the Termino URL cannot have a path".into()))?
            .pop_if_empty()
            .extend(["v1", "channel", "changes"]);
        let limit = self.page_size.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor));
        }
        let (status, body) = self.exchange(self.http.get(url).query(&query)).await?;
        match status.as_u16() {
            200..=299 => channel::page_from_slice(&body).map(ChannelRead::Page),
            410 => channel::resync_from_slice(&body),
            404 => Err(SystemError::NotFound),
            code => Err(SystemError::Http {
                status: code,
                body: wire::describe_error_body(&body),
            }),
        }
    }
}

/// The largest answer we read; a runaway body is garbage, not something to buffer forever.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Reads the whole body (a timeout while it trickles in is still a timeout), refusing more
/// than [`MAX_BODY_BYTES`].
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, SystemError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(SystemError::InvalidPayload(format!(
                "Termino answer is larger than {MAX_BODY_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn rfc3339(unix: i64) -> Result<String, SystemError> {
    format_rfc3339(unix)
        .ok_or_else(|| SystemError::Refused(format!("time {unix} is outside what Termino accepts")))
}

#[async_trait]
impl BookingSystem for TerminoClient {
    fn system(&self) -> System {
        System::Termino
    }

    async fn changes_since(
        &self,
        account: &Account,
        cursor: Option<&str>,
    ) -> Result<ChangeBatch, SystemError> {
        let url = self.url(account, &["reservations", "changes"])?;
        let limit = self.page_size.to_string();
        let request = self
            .http
            .get(url)
            .query(&[("cursor", cursor.unwrap_or("0")), ("limit", limit.as_str())]);
        let changes = wire::changes_from_value(self.send(request).await?)?;
        Ok(ChangeBatch {
            bookings: changes.bookings,
            next_cursor: changes.next_cursor,
            // A real change feed: absence from a page says nothing about a reservation.
            complete_window: None,
            has_more: changes.has_more,
        })
    }

    async fn get(
        &self,
        account: &Account,
        external_id: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let url = self.url(account, &["reservations", external_id])?;
        wire::reservation_from_value(&self.send(self.http.get(url)).await?)
    }

    /// Reads the whole change feed: it lists every reservation once, in its latest state. Creates
    /// are rare (a booking made in the calendar for a voucher), so the cost is paid seldom.
    async fn find_existing(
        &self,
        account: &Account,
        booking: &NewBooking,
    ) -> Result<Option<RemoteBooking>, SystemError> {
        let mut cursor = "0".to_string();
        for _ in 0..MAX_SEARCH_PAGES {
            let batch = self.changes_since(account, Some(&cursor)).await?;
            if let Some(found) = batch
                .bookings
                .into_iter()
                .filter_map(Result::ok)
                .find(|found| booking.stands_in(found))
            {
                return Ok(Some(found));
            }
            if !batch.has_more || batch.next_cursor == cursor {
                return Ok(None);
            }
            cursor = batch.next_cursor;
        }
        Err(SystemError::Refused(
            "the change feed is too long to search for an existing reservation".into(),
        ))
    }

    async fn create(
        &self,
        account: &Account,
        booking: &NewBooking,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let Some(voucher_code) = &booking.voucher_code else {
            return Err(SystemError::Refused(
                "a Termino reservation needs a voucher code".into(),
            ));
        };
        let body = json!({
            "voucher_code": voucher_code,
            "offer_id": booking.service_id,
            "start": rfc3339(booking.start_at)?,
            "end": rfc3339(booking.end_at)?,
            "customer": booking.customer,
            "reservio_booking_id": booking.counterpart_id,
        });
        let url = self.url(account, &["reservations"])?;
        let answer = self.post(url, idempotency_key, &body).await?;
        wire::reservation_from_value(&answer)
    }

    async fn update_time(
        &self,
        account: &Account,
        external_id: &str,
        start_at: i64,
        end_at: i64,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let body = json!({ "start": rfc3339(start_at)?, "end": rfc3339(end_at)? });
        self.reservation_call(account, external_id, "reschedule", idempotency_key, body)
            .await
    }

    async fn update_customer(
        &self,
        account: &Account,
        external_id: &str,
        customer: &Customer,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        let body = json!({ "customer": customer });
        self.reservation_call(account, external_id, "customer", idempotency_key, body)
            .await
    }

    async fn cancel(
        &self,
        account: &Account,
        external_id: &str,
        idempotency_key: &str,
    ) -> Result<RemoteBooking, SystemError> {
        self.reservation_call(account, external_id, "cancel", idempotency_key, json!({}))
            .await
    }
}
