//! What the fake Termino's server and its handle share: the store, the clock and the webhook
//! sender.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde_json::json;

use super::store::Store;
use crate::clock::Clock;
use crate::systems::termino::{SIGNATURE_HEADER, new_nonce, sign_webhook_body};

/// What the server and its handle share.
pub(super) struct Shared {
    pub(super) store: Mutex<Store>,
    pub(super) clock: Clock,
    /// Sends webhooks; a separate client so a slow receiver never delays the API.
    pub(super) webhook_http: reqwest::Client,
    /// Webhooks in flight at once: a burst (the demo seeding hundreds of vouchers) is sent a
    /// few at a time over kept-alive connections, as a real sender would, instead of opening a
    /// connection per notification and filling the receiver's connection cap.
    pub(super) webhook_slots: std::sync::Arc<tokio::sync::Semaphore>,
    /// The runtime the server was started on: direct handle methods are plain functions, yet
    /// their notifications must be sent from a task.
    pub(super) runtime: tokio::runtime::Handle,
    /// Requests served, for tests and benchmarks that count what the sync costs.
    pub(super) traffic: Traffic,
}

/// Requests the fake has answered (faulted ones included), by kind.
#[derive(Default)]
pub(super) struct Traffic {
    all: AtomicU64,
    channel_feed: AtomicU64,
    partner_feed: AtomicU64,
}

/// What a fake Termino has been asked so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TerminoTraffic {
    /// Every API request (the sandbox's control paths not counted).
    pub requests: u64,
    /// Pages of the channel-wide change feed.
    pub channel_feed: u64,
    /// Pages of one partner's change feed.
    pub partner_feed: u64,
}

/// Which kind of request one was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RequestKind {
    ChannelFeed,
    PartnerFeed,
    Other,
}

impl Traffic {
    pub(super) fn count(&self, kind: RequestKind) {
        self.all.fetch_add(1, Ordering::Relaxed);
        match kind {
            RequestKind::ChannelFeed => self.channel_feed.fetch_add(1, Ordering::Relaxed),
            RequestKind::PartnerFeed => self.partner_feed.fetch_add(1, Ordering::Relaxed),
            RequestKind::Other => 0,
        };
    }

    pub(super) fn get(&self) -> TerminoTraffic {
        TerminoTraffic {
            requests: self.all.load(Ordering::Relaxed),
            channel_feed: self.channel_feed.load(Ordering::Relaxed),
            partner_feed: self.partner_feed.load(Ordering::Relaxed),
        }
    }
}

/// One webhook call waiting to be sent.
pub(super) struct Delivery {
    pub(super) url: String,
    pub(super) secret: String,
    pub(super) body: Vec<u8>,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock (only possible in a test) leaves the store usable.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the store, then announces whatever it changed to the webhooks, outside the
    /// lock.
    pub(super) fn with_store<T>(&self, f: impl FnOnce(&mut Store, i64) -> T) -> T {
        let (result, deliveries) = {
            let mut store = self.lock();
            let now = self.clock.now();
            let result = f(&mut store, now);
            let changes = std::mem::take(&mut store.unannounced);
            let deliveries: Vec<Delivery> = changes
                .into_iter()
                .filter_map(|(partner_id, reservation_id, version)| {
                    let hook = store.webhook(&partner_id)?;
                    let body = json!({
                        "partner_id": partner_id,
                        "reservation_id": reservation_id,
                        "version": version,
                        "sent_at": now,
                        "nonce": new_nonce(),
                    });
                    Some(Delivery {
                        url: hook.url,
                        secret: hook.secret,
                        body: body.to_string().into_bytes(),
                    })
                })
                .collect();
            (result, deliveries)
        };
        for delivery in deliveries {
            self.announce(delivery);
        }
        result
    }

    /// Fire and forget: a receiver that is down must not fail the change that happened.
    pub(super) fn announce(&self, delivery: Delivery) {
        let http = self.webhook_http.clone();
        let slots = self.webhook_slots.clone();
        self.runtime.spawn(async move {
            // Closed only when the fake is dropped; then the notification has nowhere to go.
            let Ok(_slot) = slots.acquire_owned().await else {
                return;
            };
            let signature = sign_webhook_body(&delivery.secret, &delivery.body);
            let sent = http
                .post(&delivery.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, signature)
                .body(delivery.body)
                .send()
                .await;
            match sent {
                Ok(answer) if answer.status().is_success() => {}
                Ok(answer) => tracing::warn!(url = %delivery.url, status = %answer.status(),
                    "fake Termino: webhook refused"),
                Err(err) => tracing::warn!(url = %delivery.url, error = %err,
                    "fake Termino: webhook failed"),
            }
        });
    }
}
