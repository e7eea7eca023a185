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

    pub(super) fn request(&self, method: reqwest::Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(&self.token)
            .header(ACCEPT, JSON_API)
    }

    pub(super) fn with_body(request: RequestBuilder, body: &Value) -> RequestBuilder {
        request
            .header(CONTENT_TYPE, JSON_API)
            .body(body.to_string())
    }

    /// Sends a request; a non-2xx answer becomes `Http`, an empty 2xx body `Null`.
    pub(super) async fn send(&self, request: RequestBuilder) -> Result<Value, SystemError> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport_error)?;
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
    /// empty or `meta.totalCount` is reached. Stopping at the first short page would be wrong
    /// against a server that caps the page size below ours.
    pub(super) async fn fetch_all(
        &self,
        account: &Account,
        path: &[&str],
        query: Vec<(&str, String)>,
    ) -> Result<(Vec<Value>, Included), SystemError> {
        let url = self.url(account, path)?;
        let limit = self.window.page_size.to_string();
        let mut items = Vec::new();
        let mut included = Included::new();
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
                return Ok((items, included));
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
                return Err(invalid(
                    "paging does not advance: a page repeated earlier items",
                ));
            }
            items.extend(fresh);
            wire::index_included(page.included, &mut included);
            if page.total.is_some_and(|total| offset >= total) {
                return Ok((items, included));
            }
        }
        Err(invalid(format!("more than {MAX_PAGES} pages")))
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

pub(super) fn not_found_on_404(error: SystemError) -> SystemError {
    match error {
        SystemError::Http { status, .. } if status == StatusCode::NOT_FOUND.as_u16() => {
            SystemError::NotFound
        }
        other => other,
    }
}
