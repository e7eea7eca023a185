//! Switchable faults for the sandbox servers: added latency, errors, timeouts, and changes that
//! are applied but whose response is lost. Each fake server runs its handlers behind
//! [`inject`], which consults the server's [`FaultSwitch`].

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::switch::Switch;

/// Which faults are on, as rates between 0 and 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Added to every request.
    pub latency_ms: u64,
    /// Share of requests answered 503 without doing anything.
    pub error_rate: f64,
    /// Share of requests that hang (the client's timeout fires) without doing anything.
    pub timeout_rate: f64,
    /// Share of requests that are carried out but whose answer never arrives.
    pub lost_response_rate: f64,
    /// Share of requests refused with 422 without doing anything: a fault that is not worth
    /// retrying, as when a system rejects a change.
    #[serde(default)]
    pub refuse_rate: f64,
    /// Only changing requests (not GET) meet the faults above; reads go through.
    #[serde(default)]
    pub writes_only: bool,
}

impl Faults {
    /// The same rate of errors, timeouts and lost responses, e.g. `uniform(0.2)` for 20 %.
    pub fn uniform(total_rate: f64) -> Faults {
        let each = total_rate / 3.0;
        Faults {
            latency_ms: 0,
            error_rate: each,
            timeout_rate: each,
            lost_response_rate: each,
            refuse_rate: 0.0,
            writes_only: false,
        }
    }
}

/// The faults of one server; shared between the server and whoever steers it.
pub type FaultSwitch = Switch<Faults>;

/// How long a "timeout" hangs: longer than any client timeout we configure.
pub const HANG: Duration = Duration::from_secs(60);

/// What happens to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Normal,
    Error,
    Hang,
    LoseResponse,
    Refuse,
}

/// Draws the fate of one request.
pub fn draw(faults: &Faults, roll: f64) -> Fate {
    if roll < faults.error_rate {
        Fate::Error
    } else if roll < faults.error_rate + faults.timeout_rate {
        Fate::Hang
    } else if roll < faults.error_rate + faults.timeout_rate + faults.lost_response_rate {
        Fate::LoseResponse
    } else if roll
        < faults.error_rate + faults.timeout_rate + faults.lost_response_rate + faults.refuse_rate
    {
        Fate::Refuse
    } else {
        Fate::Normal
    }
}

/// Middleware applying the switch's faults. Sandbox control paths (`/_sandbox/…`) are exempt.
pub async fn inject(State(switch): State<FaultSwitch>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_sandbox") {
        return next.run(request).await;
    }
    let faults = switch.get();
    if faults.writes_only && request.method() == axum::http::Method::GET {
        return next.run(request).await;
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    let roll: f64 = rand::rng().random();
    match draw(&faults, roll) {
        Fate::Normal => next.run(request).await,
        Fate::Error => (StatusCode::SERVICE_UNAVAILABLE, "injected fault").into_response(),
        Fate::Refuse => (StatusCode::UNPROCESSABLE_ENTITY, "injected refusal").into_response(),
        Fate::Hang => {
            tokio::time::sleep(HANG).await;
            (StatusCode::GATEWAY_TIMEOUT, "injected timeout").into_response()
        }
        Fate::LoseResponse => {
            // The change is made; then the connection "drops": the client sees a transport
            // error after a while, as with a real lost response.
            let _ = next.run(request).await;
            tokio::time::sleep(HANG).await;
            (StatusCode::GATEWAY_TIMEOUT, "injected lost response").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_means_every_request_is_normal() {
        let faults = Faults::default();
        for roll in [0.0, 0.5, 0.999] {
            assert_eq!(draw(&faults, roll), Fate::Normal);
        }
    }

    #[test]
    fn rates_split_the_unit_interval_in_order() {
        let faults = Faults {
            latency_ms: 0,
            error_rate: 0.1,
            timeout_rate: 0.1,
            lost_response_rate: 0.1,
            refuse_rate: 0.1,
            writes_only: false,
        };
        assert_eq!(draw(&faults, 0.05), Fate::Error);
        assert_eq!(draw(&faults, 0.15), Fate::Hang);
        assert_eq!(draw(&faults, 0.25), Fate::LoseResponse);
        assert_eq!(draw(&faults, 0.35), Fate::Refuse);
        assert_eq!(draw(&faults, 0.45), Fate::Normal);
    }
}
