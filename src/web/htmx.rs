//! Whether a request comes from htmx wanting a piece of a page: one answer for every handler
//! that renders either the whole page or the fragment htmx swaps in, and for the login redirect.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// What htmx asks of a request; a handler takes it as an extractor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Htmx {
    /// htmx will swap the answer into the page, so a fragment (or `HX-Redirect`) is wanted. Not
    /// for a boosted link or form (that wants the whole page), nor for htmx restoring a page
    /// from history when its cache missed (it puts the whole answer in the body).
    pub fragment: bool,
}

impl Htmx {
    pub fn of(headers: &HeaderMap) -> Self {
        Htmx {
            fragment: headers.contains_key("hx-request")
                && !headers.contains_key("hx-boosted")
                && !headers.contains_key("hx-history-restore-request"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Htmx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Htmx::of(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for name in names {
            h.insert(*name, "true".parse().expect("a header value"));
        }
        h
    }

    #[test]
    fn only_an_htmx_request_that_swaps_the_answer_wants_a_fragment() {
        assert!(Htmx::of(&headers(&["hx-request"])).fragment);
        assert!(!Htmx::of(&headers(&[])).fragment);
        assert!(!Htmx::of(&headers(&["hx-request", "hx-boosted"])).fragment);
        assert!(!Htmx::of(&headers(&["hx-request", "hx-history-restore-request"])).fragment);
    }
}
