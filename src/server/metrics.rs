//! Prometheus metrics: request counts and latency per route, searches
//! rejected for overload, and the size of the index being served.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Counters shared by every request.
#[derive(Default)]
pub struct Metrics {
    /// (route, status) → requests.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// route → latency histogram.
    latency: Mutex<BTreeMap<String, Histogram>>,
    pub overloaded: AtomicU64,
    /// Requests being answered right now.
    pub in_flight: AtomicU64,
}

/// Counts a request in flight until dropped (also when it is cancelled).
struct InFlight<'a>(&'a AtomicU64);

impl<'a> InFlight<'a> {
    fn start(counter: &'a AtomicU64) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_string()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    pub fn count_overload(&self) {
        self.overloaded.fetch_add(1, Ordering::Relaxed);
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

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    use std::fmt::Write;
    let m = &state.metrics;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP plansearch_http_requests_total HTTP requests by route and status."
    );
    let _ = writeln!(out, "# TYPE plansearch_http_requests_total counter");
    if let Ok(r) = m.requests.lock() {
        for ((route, status), n) in r.iter() {
            let _ = writeln!(
                out,
                "plansearch_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP plansearch_http_request_duration_seconds Request latency by route."
    );
    let _ = writeln!(
        out,
        "# TYPE plansearch_http_request_duration_seconds histogram"
    );
    if let Ok(l) = m.latency.lock() {
        for (route, h) in l.iter() {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "plansearch_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "plansearch_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "plansearch_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "plansearch_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
    }
    let searcher = state.engine.searcher();
    let docs = state
        .engine
        .documents(&crate::search::Filters::default(), 1, 0)
        .map(|d| d.total)
        .unwrap_or(0);
    let scalars: [(&str, &str, &str, u64); 5] = [
        (
            "plansearch_requests_in_flight",
            "gauge",
            "Requests being answered (this one included).",
            m.in_flight.load(Ordering::Relaxed),
        ),
        (
            "plansearch_searches_rejected_total",
            "counter",
            "Searches refused with 503 (overload).",
            m.overloaded.load(Ordering::Relaxed),
        ),
        (
            "plansearch_index_documents",
            "gauge",
            "Documents in the index.",
            docs as u64,
        ),
        (
            "plansearch_index_passages",
            "gauge",
            "Passages (sections) in the index.",
            searcher.num_docs(),
        ),
        (
            "plansearch_index_size_bytes",
            "gauge",
            "Size of the index files on disk.",
            dir_size(&state.engine.handle.dir),
        ),
    ];
    for (name, kind, help, value) in scalars {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        let _ = writeln!(out, "{name} {value}");
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
