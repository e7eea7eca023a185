//! How the client proves who it is: a static token Reservio's support issued to the business,
//! or a partner OAuth client that gets short-lived access tokens from `POST /oauth2/token`
//! (`grant_type=client_credentials`) and gets a new one before the old one expires.
//!
//! Both are kept in the connection's one sealed Reservio credential: a static token as it is,
//! an OAuth client as `oauth2-client:<client id>:<client secret>` (see [`Credentials`]).

use std::sync::Mutex;

use reqwest::Url;
use serde_json::Value;

use crate::clock::Clock;
use crate::systems::{SystemError, transport_error};

const OAUTH_PREFIX: &str = "oauth2-client:";

/// A new access token is fetched this long before the current one expires, so that no request
/// goes out with a token about to lapse on the way.
pub const REFRESH_MARGIN_SECS: i64 = 60;

/// What a connection's Reservio credential is.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A token Reservio issued to the business; it never changes by itself.
    Static(String),
    /// A partner OAuth client (client credentials grant).
    OAuthClient {
        client_id: String,
        client_secret: String,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Static(_) => f.write_str("Static(..)"),
            Credentials::OAuthClient { client_id, .. } => f
                .debug_struct("OAuthClient")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

impl Credentials {
    /// Reads a stored credential: an OAuth client when it says so, else a static token.
    pub fn parse(stored: &str) -> Credentials {
        if let Some(rest) = stored.strip_prefix(OAUTH_PREFIX)
            && let Some((id, secret)) = rest.split_once(':')
            && !id.is_empty()
            && !secret.is_empty()
        {
            return Credentials::OAuthClient {
                client_id: id.to_string(),
                client_secret: secret.to_string(),
            };
        }
        Credentials::Static(stored.to_string())
    }

    /// The form stored (sealed) on the connection. A client id with a `:` would not read back,
    /// so it is refused.
    pub fn render(&self) -> Result<String, &'static str> {
        match self {
            Credentials::Static(token) => Ok(token.clone()),
            Credentials::OAuthClient {
                client_id,
                client_secret,
            } => {
                if client_id.contains(':') {
                    return Err("an OAuth client id cannot contain ':'");
                }
                Ok(format!("{OAUTH_PREFIX}{client_id}:{client_secret}"))
            }
        }
    }

    /// `token` or `oauth`, for audit rows and pages (never the secret).
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::Static(_) => "token",
            Credentials::OAuthClient { .. } => "oauth",
        }
    }
}

/// An access token and when it stops working (Unix seconds).
#[derive(Clone, Debug)]
struct Issued {
    token: String,
    expires_at: i64,
}

/// The credentials and, for an OAuth client, the access token in use.
pub struct Auth {
    credentials: Credentials,
    clock: Clock,
    issued: Mutex<Option<Issued>>,
    refreshes: Mutex<u64>,
}

impl Auth {
    pub fn new(credentials: Credentials, clock: Clock) -> Auth {
        Auth {
            credentials,
            clock,
            issued: Mutex::new(None),
            refreshes: Mutex::new(0),
        }
    }

    /// How many access tokens were fetched.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.lock().map(|n| *n).unwrap_or(0)
    }

    /// Forgets the access token in use, so the next request fetches a new one (after a 401:
    /// Reservio may have ended it early).
    pub fn forget(&self) -> bool {
        let had = self.issued.lock().ok().and_then(|mut i| i.take()).is_some();
        had && matches!(self.credentials, Credentials::OAuthClient { .. })
    }

    /// The Bearer token to send: the static one, or an access token valid for at least
    /// [`REFRESH_MARGIN_SECS`] more, fetched from `{base}/oauth2/token` when needed.
    pub async fn bearer(&self, http: &reqwest::Client, base: &Url) -> Result<String, SystemError> {
        let (client_id, client_secret) = match &self.credentials {
            Credentials::Static(token) => return Ok(token.clone()),
            Credentials::OAuthClient {
                client_id,
                client_secret,
            } => (client_id, client_secret),
        };
        let now = self.clock.now();
        if let Some(issued) = self.issued.lock().ok().and_then(|i| i.clone())
            && issued.expires_at - REFRESH_MARGIN_SECS > now
        {
            return Ok(issued.token);
        }
        let mut url = base.clone();
        url.path_segments_mut()
            .map_err(|()| SystemError::Transport("the base URL cannot take a path".into()))?
            .extend(["oauth2", "token"]);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
        ];
        let response = http
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport_error)?;
        if !(200..300).contains(&status) {
            let text: String = String::from_utf8_lossy(&body).chars().take(500).collect();
            // A refused client (`invalid_client`, 400 or 401) is credentials that no longer
            // work, exactly like a 401 on an API call.
            let status = if matches!(status, 400 | 401 | 403) {
                401
            } else {
                status
            };
            return Err(SystemError::Http { status, body: text });
        }
        let answer: Value = serde_json::from_slice(&body).map_err(|e| {
            SystemError::InvalidPayload(format!("the token endpoint's answer: {e}"))
        })?;
        let token = answer
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SystemError::InvalidPayload("no access_token".into()))?;
        // Without a lifetime, assume a short one: asking again costs one request.
        let lifetime = answer
            .get("expires_in")
            .and_then(Value::as_i64)
            .unwrap_or(300)
            .max(1);
        let issued = Issued {
            token: token.to_string(),
            expires_at: now + lifetime,
        };
        if let Ok(mut slot) = self.issued.lock() {
            *slot = Some(issued);
        }
        if let Ok(mut n) = self.refreshes.lock() {
            *n += 1;
        }
        Ok(token.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_credential_reads_back_as_what_was_stored() {
        let oauth = Credentials::OAuthClient {
            client_id: "partner-7".into(),
            client_secret: "s3cr:et".into(),
        };
        let stored = oauth.render().expect("renders");
        assert_eq!(Credentials::parse(&stored), oauth);
        assert_eq!(
            Credentials::parse("tok-123"),
            Credentials::Static("tok-123".into())
        );
        assert_eq!(
            Credentials::parse("oauth2-client:"),
            Credentials::Static("oauth2-client:".into())
        );
        assert!(
            Credentials::OAuthClient {
                client_id: "a:b".into(),
                client_secret: "x".into()
            }
            .render()
            .is_err()
        );
        assert!(!format!("{oauth:?}").contains("s3cr"));
    }
}
