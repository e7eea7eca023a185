//! `/metrics` in Prometheus' text format, for operators: the sync engine (lag per connection,
//! due connections and the oldest, the Reservio budget used, pushes pending and failed, the lag
//! of Termino's channel feed and what it skipped), open
//! mismatches by kind, procedures by state, HTTP latency by route and the database pool.
//!
//! The database figures are read when scraped, so every instance reports the same; the HTTP
//! latencies and the worker's syncs are this instance's own. Under `serve` the route wants
//! `Authorization: Bearer <BOOKBRIDGE_METRICS_TOKEN>` and is a 404 without that setting; the
//! demo answers requests from its own machine (loopback) without a token.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use crate::db::read::metrics as figures;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// Middleware: times every request under its matched route.
pub async fn time_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state
        .http_metrics
        .observe(method, route, started.elapsed().as_secs_f64());
    response
}

/// Whether the caller may read the metrics.
fn allowed(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match &state.config.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                use sha2::{Digest, Sha256};
                // Compared as digests, so the time taken says nothing about the token.
                Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
            }),
        None => state.config.demo.is_some() && peer.ip().is_loopback(),
    }
}

fn gauge(registry: &mut Registry, name: &str, help: &str, value: i64) {
    let g = Gauge::<i64>::default();
    g.set(value);
    registry.register(name, help, g);
}

fn family(registry: &mut Registry, name: &str, help: &str, label: &str, rows: &[(String, i64)]) {
    let f = Family::<Vec<(String, String)>, Gauge<i64>>::default();
    for (value, n) in rows {
        f.get_or_create(&vec![(label.to_string(), value.clone())])
            .set(*n);
    }
    registry.register(name, help, f);
}

/// `GET /metrics`.
pub async fn show(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if !allowed(&state, peer, &headers) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let db = &state.db;
    let sync = figures::sync_figures(db, now).await?;
    let mut registry = Registry::with_prefix("bookbridge");
    gauge(
        &mut registry,
        "sync_due_connections",
        "Connections due for a sync now",
        sync.due_connections,
    );
    gauge(
        &mut registry,
        "sync_oldest_due_seconds",
        "How long the longest-waiting due connection has waited",
        sync.oldest_due_secs,
    );
    gauge(
        &mut registry,
        "pushes_pending",
        "Changes waiting to be pushed",
        sync.pushes_pending,
    );
    gauge(
        &mut registry,
        "pushes_failed",
        "Pushes given up on",
        sync.pushes_failed,
    );
    gauge(
        &mut registry,
        "reservio_requests_last_minute",
        "Reservio requests taken from the shared budget in the last minute",
        sync.reservio_requests_last_minute,
    );
    gauge(
        &mut registry,
        "reservio_budget_per_second",
        "The deployment's Reservio budget (0: none set)",
        state.config.sync.reservio_budget.map_or(0, i64::from),
    );
    gauge(
        &mut registry,
        "reconcile_missed_links",
        "Links the full reconcile found the incremental one missed (0 when healthy)",
        sync.missed_by_incremental,
    );
    if let Some(lag) = sync.termino_feed_lag_secs {
        gauge(
            &mut registry,
            "termino_feed_lag_seconds",
            "Seconds since a read of Termino's channel feed last reached its end",
            lag,
        );
    }
    gauge(
        &mut registry,
        "termino_feed_unknown_account_changes",
        "Changes the channel feed brought for accounts no connection syncs (skipped)",
        sync.termino_feed_unknown_changes,
    );
    gauge(
        &mut registry,
        "termino_inbox_waiting",
        "Changes the channel feed handed to connections, not yet stored by their syncs",
        sync.termino_inbox_waiting,
    );
    gauge(
        &mut registry,
        "termino_inbox_oldest_seconds",
        "How long the oldest of those has waited",
        sync.termino_inbox_oldest_secs,
    );
    gauge(
        &mut registry,
        "termino_feed_resyncs",
        "Times the channel feed lost our place and every account was read in full again",
        sync.termino_feed_resyncs,
    );
    let lag: Vec<(String, i64)> = figures::lag_per_connection(db, now).await?;
    family(
        &mut registry,
        "sync_lag_seconds",
        "Age of the oldest change not yet carried over",
        "connection",
        &lag,
    );
    let kinds = figures::open_mismatches_by_kind(db).await?;
    family(
        &mut registry,
        "mismatches_open",
        "Unresolved mismatches",
        "kind",
        &kinds,
    );
    let states = figures::procedures_by_state(db).await?;
    family(
        &mut registry,
        "procedures",
        "Guided procedures",
        "state",
        &states,
    );
    let pool = db.pool();
    let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
    gauge(
        &mut registry,
        "db_pool_in_use",
        "Database connections of this instance in use",
        i64::from(pool.size()) - idle,
    );
    if let Some(ctx) = &state.sync {
        let syncs = Family::<Vec<(String, String)>, Counter>::default();
        for (lane, n) in [
            ("notified", ctx.syncs.notified()),
            ("polled", ctx.syncs.polled()),
        ] {
            syncs
                .get_or_create(&vec![("lane".to_string(), lane.to_string())])
                .inc_by(n);
        }
        registry.register(
            "worker_syncs",
            "Syncs this instance's worker finished, by the lane they were claimed in",
            syncs,
        );
        let seconds = Family::<Vec<(String, String)>, Counter<f64, AtomicU64>>::default();
        for (lane, notified) in [("notified", true), ("polled", false)] {
            seconds
                .get_or_create(&vec![("lane".to_string(), lane.to_string())])
                .inc_by(ctx.syncs.seconds(notified));
        }
        registry.register_with_unit(
            "worker_sync",
            "Time the syncs this instance's worker finished took in all, by lane",
            Unit::Seconds,
            seconds,
        );
        let admitted = Family::<Vec<(String, String)>, Counter>::default();
        for (lane, notified) in [("notified", true), ("polled", false)] {
            admitted
                .get_or_create(&vec![("lane".to_string(), lane.to_string())])
                .inc_by(crate::sync::budget::admitted(notified));
        }
        registry.register(
            "reservio_budget_requests",
            "Reservio requests this instance took from the shared budget, by the lane of the \
             sync that made them (polled: polls and anything outside a notified sync)",
            admitted,
        );
        let links_read = Counter::<u64>::default();
        links_read.inc_by(crate::sync::reconcile::links_read());
        registry.register(
            "reconcile_links_read",
            "Links this instance's reconcile has read (a quiet channel's cost is how slowly \
             this grows)",
            links_read,
        );
    }
    registry.register(
        "http_request_duration_seconds",
        "Time to answer, per route",
        state.http_metrics.family(),
    );
    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &registry)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding the metrics: {e}")))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}
