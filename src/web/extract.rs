//! axum's extractors with our error type, so malformed input gets our error page instead of a
//! plain-text rejection.
//!
//! They also refuse text with a NUL character anywhere in it. No field of ours can mean one,
//! and PostgreSQL cannot store one in `TEXT` nor compare with one, so letting it through would
//! turn a visitor's typo (or a probe) into a database error and a 500 — on PostgreSQL only,
//! which is how it went unnoticed until the fuzz tests sent `%00` everywhere.
//!
//! Nor do they accept text whose escapes decode to bytes that are not UTF-8: axum's decoder
//! would quietly turn them into U+FFFD and the handler would act on text nobody sent (a form
//! with `%FF` in it once opened a Partner Care case). Such a request answers 400.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::web::error::AppError;

/// A URL-encoded form; malformed input answers 400 with a readable page.
pub struct Form<T>(pub T);

/// Query parameters; malformed input answers 400.
pub struct Query<T>(pub T);

/// Path parameters; an id that does not parse answers 404, like one that does not exist.
pub struct Path<T>(pub T);

/// Whether URL-encoded text decodes to something with a NUL in it: a raw NUL byte, or the
/// escape `%00`. (A `%` that starts `%00` can never be part of an earlier escape, whose two
/// characters after the `%` are hex digits, so the substring test is exact.)
fn decodes_to_nul(encoded: &[u8]) -> bool {
    encoded.contains(&0) || encoded.windows(3).any(|w| w == b"%00")
}

/// Whether URL-encoded text decodes to bytes that are not UTF-8. `&`, `=` and `+` are ASCII,
/// so decoding the whole text at once is as exact as decoding each name and value; an escape
/// that is not one (`%zz`) stays literal text, as the form decoder keeps it.
fn decodes_to_invalid_utf8(encoded: &[u8]) -> bool {
    if encoded.is_ascii() && !encoded.contains(&b'%') {
        return false;
    }
    let mut decoded = Vec::with_capacity(encoded.len());
    let mut i = 0;
    while i < encoded.len() {
        let escaped = match encoded.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex_value(*hi).zip(hex_value(*lo)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(encoded[i]);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_err()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Whether URL-encoded text is something no field of ours can mean (see the module's doc).
fn unreadable(encoded: &[u8]) -> bool {
    decodes_to_nul(encoded) || decodes_to_invalid_utf8(encoded)
}

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let malformed = AppError::BadRequest("error-form-malformed");
        let (parts, body) = request.into_parts();
        // What `axum::Form` reads: the query of a GET or HEAD, the body of anything else.
        let request = if matches!(parts.method, Method::GET | Method::HEAD) {
            let query = parts.uri.query().unwrap_or_default();
            if unreadable(query.as_bytes()) {
                return Err(malformed);
            }
            Request::from_parts(parts, body)
        } else {
            // Read within the route's body limit, checked, and handed on unchanged.
            let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(body_error)?;
            if unreadable(&bytes) {
                return Err(malformed);
            }
            Request::from_parts(parts, Body::from(bytes))
        };
        let axum::Form(value) = axum::Form::<T>::from_request(request, state).await?;
        Ok(Form(value))
    }
}

fn body_error(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else if crate::web::error::is_body_timeout(&rejection) {
        AppError::RequestTimeout
    } else {
        AppError::BadRequest("error-form-malformed")
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        if unreadable(query.as_bytes()) {
            return Err(AppError::BadRequest("error-query-malformed"));
        }
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        // A name with a NUL in it names nothing: the same 404 as any other unknown one.
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        if raw.iter().any(|(_, value)| value.contains('\0')) {
            return Err(AppError::NotFound);
        }
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` answers yes for every text in `refused` and no for every one in `accepted`.
    fn sorts(check: fn(&[u8]) -> bool, refused: &[&[u8]], accepted: &[&[u8]]) {
        for text in refused {
            assert!(check(text), "{:?}", String::from_utf8_lossy(text));
        }
        for text in accepted {
            assert!(!check(text), "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn only_text_that_decodes_to_a_nul_is_refused() {
        sorts(
            decodes_to_nul,
            &[
                b"%00", b"a=%00", b"a=b%00c", b"%%00", b"%2%00", b"a=\0", b"\0",
            ],
            &[b"", b"a=b", b"%2500", b"%0", b"000", b"%0A", b"a=%30%30"],
        );
    }

    #[test]
    fn text_whose_escapes_are_not_utf8_is_refused() {
        sorts(
            decodes_to_invalid_utf8,
            &[
                b"%FF",
                b"note=%C3%28",
                b"a=%C3&b=%A1",
                b"a=%ED%A0%80",
                b"a=\xff",
                b"%F0%9F%98",
            ],
            &[
                b"",
                b"a=b",
                b"note=Nov%C3%A1k",
                "note=Novák".as_bytes(),
                b"a=%zz",
                b"a=%F",
                b"a=%F0%9F%98%80+ok",
            ],
        );
    }

    #[test]
    fn the_check_agrees_with_the_decoder_the_form_extractor_uses() {
        // Every short string over the characters that matter, decoded as `axum::Form` does.
        let alphabet = [b'%', b'0', b'2', b'5', b'a', b'='];
        let mut text = Vec::new();
        for n in 0..=5u32 {
            for mut k in 0..alphabet.len().pow(n) {
                text.clear();
                for _ in 0..n {
                    text.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                let decoded: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&text).unwrap_or_default();
                let has_nul = decoded
                    .iter()
                    .any(|(k, v)| k.contains('\0') || v.contains('\0'));
                assert_eq!(
                    decodes_to_nul(&text),
                    has_nul,
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
}
