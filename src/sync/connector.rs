//! How the engine reaches the two systems of a connection.

use std::sync::Arc;

use crate::db::connections::Connection;
use crate::systems::reservio::{AccountProfile, DateFilterSupport, ReservioClient, WindowPolicy};
use crate::systems::termino::{ChannelFeed, TerminoClient};
use crate::systems::{BookingSystem, SystemError};

/// Both systems of one connection, ready to call.
#[derive(Clone)]
pub struct ConnectionSystems {
    pub reservio: Arc<dyn BookingSystem>,
    pub termino: Arc<dyn BookingSystem>,
}

impl ConnectionSystems {
    pub fn of(&self, system: crate::domain::System) -> &Arc<dyn BookingSystem> {
        match system {
            crate::domain::System::Reservio => &self.reservio,
            crate::domain::System::Termino => &self.termino,
        }
    }
}

/// Builds the clients for a connection from its stored credentials.
pub trait Connector: Send + Sync {
    fn systems(&self, connection: &Connection) -> Result<ConnectionSystems, SystemError>;

    /// A Reservio client with `token`, for what the sync calls do not cover: the services a
    /// business offers and its free slots (mapping services, verifying a new connection).
    fn reservio_client(&self, token: &str) -> Result<ReservioClient, SystemError>;

    /// A Termino client with `token`, for the offers a partner sells (mapping services).
    fn termino_client(&self, token: &str) -> Result<TerminoClient, SystemError>;

    /// Termino's channel-wide change feed, when the deployment has the channel's credential:
    /// then one read serves every connection, and a connection reads its own account only
    /// until it has read it to the end once. `None`: each connection polls its own account.
    fn termino_channel(&self) -> Option<Arc<dyn ChannelFeed>> {
        None
    }
}

/// The production connector: HTTP clients against configured base URLs.
pub struct HttpConnector {
    pub reservio_url: String,
    pub termino_url: String,
    pub timeout: std::time::Duration,
    pub clock: crate::clock::Clock,
    /// How often a Reservio poll reads its whole window (see [`WindowPolicy`]).
    pub far_window_every_secs: i64,
    /// What every Reservio request passes first (the deployment's budget), when one is set.
    pub reservio_gate: Option<Arc<dyn crate::systems::RequestGate>>,
    /// Termino's channel feed, read with the channel's token, when one is configured.
    pub termino_channel: Option<Arc<TerminoClient>>,
    clients: std::sync::Mutex<std::collections::HashMap<CacheKey, ConnectionSystems>>,
    /// The one HTTP client every connection's clients send through, built at first use. A
    /// client of its own per connection and system held a TLS configuration and a pool of
    /// idle connections each: at 10,000 connections the app's resident memory reached 2.5 GiB.
    http: std::sync::OnceLock<reqwest::Client>,
}

type CacheKey = (i64, String, String);

impl HttpConnector {
    pub fn new(
        reservio_url: &str,
        termino_url: &str,
        timeout: std::time::Duration,
        clock: crate::clock::Clock,
    ) -> Self {
        HttpConnector {
            reservio_url: reservio_url.to_string(),
            termino_url: termino_url.to_string(),
            timeout,
            clock,
            far_window_every_secs: 0,
            reservio_gate: None,
            termino_channel: None,
            clients: Default::default(),
            http: std::sync::OnceLock::new(),
        }
    }

    /// The shared HTTP client (see the field).
    fn http(&self) -> Result<reqwest::Client, SystemError> {
        if let Some(http) = self.http.get() {
            return Ok(http.clone());
        }
        let built = crate::systems::http_client(self.timeout)?;
        Ok(self.http.get_or_init(|| built).clone())
    }

    /// Reads Termino's changes through the channel-wide feed with the channel's `token`.
    pub fn with_termino_channel(mut self, token: &str) -> Result<Self, SystemError> {
        self.termino_channel = Some(Arc::new(TerminoClient::new(
            &self.termino_url,
            token,
            self.timeout,
        )?));
        Ok(self)
    }

    /// Every Reservio request of every connection passes `gate` first.
    pub fn with_reservio_gate(mut self, gate: Arc<dyn crate::systems::RequestGate>) -> Self {
        self.reservio_gate = Some(gate);
        self
    }
}

impl Connector for HttpConnector {
    fn systems(&self, connection: &Connection) -> Result<ConnectionSystems, SystemError> {
        let (Some(reservio_token), Some(termino_token)) =
            (&connection.reservio_token, &connection.termino_token)
        else {
            return Err(SystemError::Refused(
                "the connection has no credentials for both systems".into(),
            ));
        };
        // Clients are built once per connection and credentials, and reused.
        let key = (connection.id, reservio_token.clone(), termino_token.clone());
        if let Some(found) = self.clients.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(found);
        }
        let reservio = self.reservio_client(reservio_token)?;
        // The listing starts the way the set-up probe found works; it probes again by itself
        // when Reservio answers otherwise.
        let stored = connection
            .reservio_profile
            .as_deref()
            .and_then(|json| serde_json::from_str::<AccountProfile>(json).ok());
        if let (Some(profile), Some(business)) = (stored, &connection.reservio_business_id)
            && profile.listing.date_filter != DateFilterSupport::Unknown
        {
            reservio.set_profile(business, profile.listing);
        }
        let termino = self.termino_client(termino_token)?;
        let systems = ConnectionSystems {
            reservio: Arc::new(reservio),
            termino: Arc::new(termino),
        };
        if let Ok(mut c) = self.clients.lock() {
            c.insert(key, systems.clone());
        }
        Ok(systems)
    }

    fn reservio_client(&self, token: &str) -> Result<ReservioClient, SystemError> {
        let client = ReservioClient::over(
            self.http()?,
            &self.reservio_url,
            token,
            WindowPolicy {
                far_every_secs: self.far_window_every_secs,
                ..WindowPolicy::rolling(self.clock.clone())
            },
        )?;
        Ok(match &self.reservio_gate {
            Some(gate) => client.with_gate(gate.clone()),
            None => client,
        })
    }

    fn termino_client(&self, token: &str) -> Result<TerminoClient, SystemError> {
        TerminoClient::over(self.http()?, &self.termino_url, token)
    }

    fn termino_channel(&self) -> Option<Arc<dyn ChannelFeed>> {
        self.termino_channel
            .clone()
            .map(|c| c as Arc<dyn ChannelFeed>)
    }
}
