//! Prometheus metrics: request counts and latency per route, searches
//! rejected for overload, and the size of the index being served.

use std::sync::atomic::{AtomicI64, AtomicU64};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

type Latency = Family<Route, Histogram, fn() -> Histogram>;

/// The metrics of one server, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Latency,
    overloaded: Counter,
    /// Requests being answered right now.
    in_flight: Gauge,
    documents: Gauge,
    passages: Gauge,
    index_bytes: Gauge<u64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("plansearch");
        let requests = Family::<RouteStatus, Counter>::default();
        let latency: Latency = Family::new_with_constructor(|| Histogram::new(BUCKETS));
        let overloaded = Counter::default();
        let in_flight = Gauge::default();
        let documents = Gauge::default();
        let passages = Gauge::default();
        let index_bytes = Gauge::<u64, AtomicU64>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Request latency by route",
            latency.clone(),
        );
        registry.register(
            "searches_rejected",
            "Searches refused with 503 (overload)",
            overloaded.clone(),
        );
        registry.register(
            "requests_in_flight",
            "Requests being answered (a scrape included)",
            in_flight.clone(),
        );
        registry.register(
            "index_documents",
            "Documents in the index",
            documents.clone(),
        );
        registry.register(
            "index_passages",
            "Passages (sections) in the index",
            passages.clone(),
        );
        registry.register(
            "index_size_bytes",
            "Size of the index files on disk",
            index_bytes.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            overloaded,
            in_flight,
            documents,
            passages,
            index_bytes,
        }
    }
}

/// Counts a request in flight until dropped (also when it is cancelled).
struct InFlight<'a>(&'a Gauge<i64, AtomicI64>);

impl<'a> InFlight<'a> {
    fn start(gauge: &'a Gauge<i64, AtomicI64>) -> Self {
        gauge.inc();
        InFlight(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, seconds: f64) {
        let route = route.to_string();
        self.requests
            .get_or_create(&RouteStatus {
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(seconds);
    }

    pub fn count_overload(&self) {
        self.overloaded.inc();
    }
}

/// Middleware recording every request under its route pattern (never the
/// raw path, so ids and junk do not explode the label set).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = Instant::now();
    let _in_flight = InFlight::start(&state.metrics.in_flight);
    let resp = next.run(req).await;
    state.metrics.observe(
        &route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// `GET /metrics` in the OpenMetrics text format (Prometheus reads it).
pub async fn render(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let docs = state
        .engine
        .documents(&crate::search::Filters::default(), 1, 0)
        .map(|d| d.total)
        .unwrap_or(0);
    m.documents.set(docs as i64);
    m.passages.set(state.engine.searcher().num_docs() as i64);
    m.index_bytes.set(dir_size(&state.engine.handle.dir));
    let mut out = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &m.registry) {
        return super::error::ApiError::internal(format!("metrics: {e}")).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
