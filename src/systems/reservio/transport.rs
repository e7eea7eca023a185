//! The HTTP side of the client: URLs, the Bearer token, JSON:API media types, paging, and
//! turning every kind of failure into a `SystemError`.

use std::collections::HashSet;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{RequestBuilder, StatusCode, Url};
use serde_json::Value;

use super::ReservioClient;
use super::wire::{self, Included, JSON_API, invalid};
use crate::systems::{Account, SystemError, transport_error};

/// A paging loop that never ends means the server ignores our offsets.
const MAX_PAGES: usize = 1_000;

/// Error bodies are kept for diagnosis, but not without limit.
pub(super) const MAX_ERROR_BODY: usize = 500;

impl ReservioClient {
    pub(super) fn url(&self, account: &Account, path: &[&str]) -> Result<Url, SystemError> {
        let mut url = self.base.clone();
        // Segments are percent-encoded one by one, so an id can never reach another path.
        url.path_segments_mut()
            .map_err(|()| SystemError::Transport("the base URL cannot take a path".into()))?
            .extend(["businesses", account])
            .extend(path);
        Ok(url)
    }

    /// A request with the JSON:API media type; the Bearer token is added when it is sent.
    pub(super) fn request(&self, method: reqwest::Method, url: Url) -> RequestBuilder {
        self.http.request(method, url).header(ACCEPT, JSON_API)
    }

    pub(super) fn with_body(request: RequestBuilder, body: &Value) -> RequestBuilder {
        request
            .header(CONTENT_TYPE, JSON_API)
            .body(body.to_string())
    }

    /// Sends a request with the Bearer token; a non-2xx answer becomes `Http`, an empty 2xx
    /// body `Null`. A 429 is waited out as its `Retry-After` says while the connection's budget
    /// lasts, then tried again; beyond the budget it is an `Http` 429 (transient: the next round
    /// tries again). A 401 with an OAuth access token fetches a new token and tries once more;
    /// a 401 after that is the credentials' end (the sync marks the connection).
    pub(super) async fn send(&self, request: RequestBuilder) -> Result<Value, SystemError> {
        let mut request = request;
        let mut renewed = false;
        let (status, body) = loop {
            let again = request.try_clone();
            let bearer = self.auth.bearer(&self.http, &self.base).await?;
            let response = request
                .bearer_auth(bearer)
                .send()
                .await
                .map_err(transport_error)?;
            let status = response.status();
            if let Some(next) = again {
                if status == StatusCode::TOO_MANY_REQUESTS
                    && let Some(wait) = retry_after(&response)
                    && self.budget.take(wait)
                {
                    tokio::time::sleep(wait).await;
                    request = next;
                    continue;
                }
                if status == StatusCode::UNAUTHORIZED && !renewed && self.auth.forget() {
                    renewed = true;
                    request = next;
                    continue;
                }
            }
            let body = response.bytes().await.map_err(transport_error)?;
            break (status, body);
        };
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let body: String = text.chars().take(MAX_ERROR_BODY).collect();
            return Err(SystemError::Http {
                status: status.as_u16(),
                body,
            });
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| invalid(format!("not JSON: {e}")))
    }

    /// Reads every page of a listing: offsets advance by what each page held, until a page is
    /// empty, `meta.total` is reached or `links.next` is absent. Stopping at the first short
    /// page would be wrong against a server that caps the page size below ours. A page that
    /// repeats earlier items means offsets are ignored: an error here, see [`Self::fetch_pages`].
    pub(super) async fn fetch_all(
        &self,
        account: &Account,
        path: &[&str],
        query: Vec<(&str, String)>,
    ) -> Result<(Vec<Value>, Included), SystemError> {
        let paged = self
            .fetch_pages(account, path, query, self.window.page_size, |_| false)
            .await?;
        if paged.offsets_ignored {
            return Err(invalid(
                "paging does not advance: a page repeated earlier items",
            ));
        }
        Ok((paged.items, paged.included))
    }

    /// Reads pages of `limit` until the listing ends, offsets turn out to be ignored (a page
    /// repeating earlier items: `offsets_ignored`, with what the first pages held), or `stop`
    /// says so about a page just read (its items are kept).
    pub(super) async fn fetch_pages(
        &self,
        account: &Account,
        path: &[&str],
        query: Vec<(&str, String)>,
        limit: u32,
        stop: impl Fn(&[Value]) -> bool,
    ) -> Result<Paged, SystemError> {
        let url = self.url(account, path)?;
        let limit = limit.max(1).to_string();
        let mut paged = Paged::default();
        let mut seen = HashSet::new();
        let mut offset: u64 = 0;
        for _ in 0..MAX_PAGES {
            let mut pairs = query.clone();
            pairs.push(("page[limit]", limit.clone()));
            pairs.push(("page[offset]", offset.to_string()));
            let request = self
                .request(reqwest::Method::GET, url.clone())
                .query(&pairs);
            let page = wire::list_page(self.send(request).await?)?;
            if page.data.is_empty() {
                return Ok(paged);
            }
            offset += page.data.len() as u64;
            // An item seen before (by id, or whole when it has none) is dropped: a server
            // that ignores our offset would otherwise feed us the same page forever.
            let fresh: Vec<Value> = page
                .data
                .into_iter()
                .filter(|item| match item.get("id").and_then(Value::as_str) {
                    Some(id) => seen.insert(format!("id:{id}")),
                    None => seen.insert(item.to_string()),
                })
                .collect();
            if fresh.is_empty() {
                paged.offsets_ignored = true;
                return Ok(paged);
            }
            let stop_here = stop(&fresh);
            paged.items.extend(fresh);
            wire::index_included(page.included, &mut paged.included);
            if stop_here
                || page.total.is_some_and(|total| offset >= total)
                || page.has_next == Some(false)
            {
                return Ok(paged);
            }
        }
        Err(invalid(format!("more than {MAX_PAGES} pages")))
    }

    /// Reads the events and clients a listing did not include, one by one (`GET /events/{id}`,
    /// `GET /clients/{id}`), for a server that ignores `include`. One that cannot be read is
    /// left out: the booking then fails to map alone, saying its event is not included.
    pub(super) async fn complete_related(
        &self,
        account: &Account,
        items: &[Value],
        included: &mut Included,
    ) -> Result<(), SystemError> {
        self.complete_kinds(
            account,
            items,
            included,
            &[("event", "events"), ("client", "clients")],
        )
        .await
    }

    /// [`Self::complete_related`] for some kinds only: a walk of the whole history reads events
    /// first, and clients only for the bookings in the window.
    pub(super) async fn complete_kinds(
        &self,
        account: &Account,
        items: &[Value],
        included: &mut Included,
        kinds: &[(&str, &str)],
    ) -> Result<(), SystemError> {
        for item in items {
            for &(kind, plural) in kinds {
                let pointer = format!("/relationships/{kind}/data/id");
                let Some(id) = item.pointer(&pointer).and_then(Value::as_str) else {
                    continue;
                };
                let key = (kind.to_string(), id.to_string());
                if included.contains_key(&key) {
                    continue;
                }
                let url = self.url(account, &[plural, id])?;
                let request = self.request(reqwest::Method::GET, url);
                match self.send(request).await {
                    Ok(document) => {
                        if let Ok((data, _)) = wire::single(document) {
                            wire::index_included(vec![data], included);
                        }
                    }
                    Err(SystemError::Http { status: 404, .. }) => {}
                    Err(other) => return Err(other),
                }
            }
        }
        Ok(())
    }

    /// One booking's resource object and included resources; `NotFound` on 404.
    pub(super) async fn read_raw(
        &self,
        account: &Account,
        id: &str,
    ) -> Result<(Value, Included), SystemError> {
        let url = self.url(account, &["bookings", id])?;
        let request = self
            .request(reqwest::Method::GET, url)
            .query(&[("include", "event,client")]);
        let document = self.send(request).await.map_err(not_found_on_404)?;
        let (data, resources) = wire::single(document)?;
        let mut included = Included::new();
        wire::index_included(resources, &mut included);
        self.complete_related(account, std::slice::from_ref(&data), &mut included)
            .await?;
        Ok((data, included))
    }

    pub(super) async fn patch(
        &self,
        account: &Account,
        path: &[&str],
        body: &Value,
    ) -> Result<(), SystemError> {
        let url = self.url(account, path)?;
        let request = Self::with_body(self.request(reqwest::Method::PATCH, url), body);
        self.send(request).await.map_err(not_found_on_404)?;
        Ok(())
    }
}

/// What [`ReservioClient::fetch_pages`] read.
#[derive(Default)]
pub(super) struct Paged {
    pub items: Vec<Value>,
    pub included: Included,
    pub offsets_ignored: bool,
}

/// `Retry-After` in seconds (the HTTP-date form is not used by APIs of this kind), at most a
/// minute: a longer wait is for the next round, not this call.
fn retry_after(response: &reqwest::Response) -> Option<std::time::Duration> {
    let secs: u64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs <= 60).then(|| std::time::Duration::from_secs(secs))
}

pub(super) fn not_found_on_404(error: SystemError) -> SystemError {
    match error {
        SystemError::Http { status, .. } if status == StatusCode::NOT_FOUND.as_u16() => {
            SystemError::NotFound
        }
        other => other,
    }
}
