//! This instance's HTTP latencies per route, for `/metrics`: apart from the handler, so that
//! the shared state can hold it without importing the handler.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    method: String,
    /// The route's pattern (`/bookings/{id}`), never the raw path: ids would make a series
    /// per booking.
    route: String,
}

/// This instance's HTTP latencies per route.
#[derive(Clone, Debug)]
pub struct HttpMetrics {
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl HttpMetrics {
    /// Records one answer of `route` (the matched pattern) to `method`.
    pub fn observe(&self, method: String, route: String, secs: f64) {
        self.latency
            .get_or_create(&RouteLabels { method, route })
            .observe(secs);
    }

    /// The histograms, to register in a scrape's registry (shared, not copied).
    pub fn family(&self) -> Family<RouteLabels, Histogram, fn() -> Histogram> {
        self.latency.clone()
    }
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics {
            latency: Family::new_with_constructor(latency_histogram),
        }
    }
}
