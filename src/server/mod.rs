//! HTTP service: JSON API and the web UI, over [`crate::search::Engine`].

pub mod admin;
pub mod api;
pub mod conn;
pub mod document;
pub mod error;
pub mod export;
pub mod feed;
pub mod marks;
pub mod metrics;
pub mod params;
pub mod ui;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tokio::sync::Semaphore;
use tower_http::LatencyUnit;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::search::Engine;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Searches run at once; more wait up to `queue_timeout`, then get 503.
    pub max_concurrent_searches: usize,
    pub queue_timeout: Duration,
    pub request_timeout: Duration,
    /// Heavy requests (trend, compare, similar, CSV) run at once, in their
    /// own pool: they never take the slots of ordinary searches.
    pub max_concurrent_heavy: usize,
    /// Refuse requests whose `Host` is not a loopback name (set when the
    /// server listens on loopback only: a defence against DNS rebinding).
    pub loopback_hosts_only: bool,
    /// A request must arrive whole within this (slowloris).
    pub request_read_timeout: Duration,
    /// A connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// A connection whose pending response write makes no progress for
    /// this long is closed (a client that never reads its CSV).
    pub write_timeout: Duration,
    /// Open connections at most; past it the server stops accepting until
    /// one closes (idle sockets cannot grow memory without bound).
    pub max_connections: usize,
    /// Original files streamed at once; more wait up to `queue_timeout`.
    pub max_concurrent_originals: usize,
    /// Whole-document responses (`/api/documents/{id}`, tens of MB for
    /// the longest documents) built at once.
    pub max_concurrent_documents: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        ServerConfig {
            max_concurrent_searches: cores * 4,
            queue_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            // Two at least: one long export must not make every document
            // page and trend wait for it.
            max_concurrent_heavy: cores.div_ceil(2).max(2),
            loopback_hosts_only: false,
            request_read_timeout: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_concurrent_originals: 8,
            max_concurrent_documents: 4,
        }
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub searches: Arc<Semaphore>,
    /// The separate limit of the heavy endpoints.
    pub heavy: Arc<Semaphore>,
    /// The limit of original-file downloads, which stream from disk.
    pub originals: Arc<Semaphore>,
    /// The limit of whole-document responses, the largest JSON bodies.
    pub documents: Arc<Semaphore>,
    pub config: ServerConfig,
    pub metrics: Arc<metrics::Metrics>,
    /// `None`: admin endpoints are off.
    pub admin: Option<Arc<admin::AdminConfig>>,
    pub reindexer: Arc<admin::Reindexer>,
    /// `serve --read-only`: this server never writes the index.
    pub read_only: bool,
}

impl AppState {
    pub fn new(engine: Engine, config: ServerConfig) -> Self {
        AppState {
            engine: Arc::new(engine),
            searches: Arc::new(Semaphore::new(config.max_concurrent_searches)),
            heavy: Arc::new(Semaphore::new(config.max_concurrent_heavy)),
            originals: Arc::new(Semaphore::new(config.max_concurrent_originals)),
            documents: Arc::new(Semaphore::new(config.max_concurrent_documents)),
            config,
            metrics: Arc::default(),
            admin: None,
            reindexer: Arc::default(),
            read_only: false,
        }
    }

    /// Turns the admin endpoints on (with a non-empty token).
    pub fn with_admin(mut self, token: String, archive: Option<std::path::PathBuf>) -> Self {
        if !token.is_empty() {
            self.admin = Some(Arc::new(admin::AdminConfig { token, archive }));
        }
        self
    }
}

/// Request ids: a process-wide counter, cheap and unique per run.
#[derive(Clone, Default)]
struct CountingRequestId(Arc<std::sync::atomic::AtomicU64>);

impl MakeRequestId for CountingRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("{n:x}"))
            .ok()
            .map(RequestId::new)
    }
}

/// Content-Security-Policy of every response: no inline script or style.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The security headers of every response (also of the errors hyper
/// answers before any handler, see [`conn`]).
pub(crate) const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

/// Gzip for the UI's files and the JSON API, when the client accepts it:
/// only complete 200 responses of these types (never the CSV export, which
/// streams, the `/metrics` text, original files or 304s).
fn compression() -> tower_http::compression::CompressionLayer<impl Predicate> {
    fn compressible(
        status: axum::http::StatusCode,
        _: axum::http::Version,
        headers: &axum::http::HeaderMap,
        _: &axum::http::Extensions,
    ) -> bool {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        status == axum::http::StatusCode::OK
            && [
                &b"text/html"[..],
                b"text/javascript",
                b"text/css",
                b"application/json",
            ]
            .iter()
            .any(|t| ct.starts_with(t))
    }
    tower_http::compression::CompressionLayer::new()
        .no_br()
        .no_deflate()
        .no_zstd()
        .gzip(true)
        .compress_when(SizeAbove::new(256).and(compressible))
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let app = Router::new()
        .merge(api::routes())
        .merge(marks::routes())
        .merge(ui::routes())
        .route("/metrics", axum::routing::get(metrics::render))
        .route(
            "/api/admin/reindex",
            axum::routing::post(admin::start_reindex).get(admin::reindex_status),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state);
    with_service_layers(app, &config)
}

/// A panic in a handler: logged, answered 500 `internal` with the JSON
/// body, and the server goes on serving.
fn panic_response(
    panic: Box<dyn std::any::Any + Send + 'static>,
) -> axum::http::Response<axum::body::Body> {
    use axum::response::IntoResponse;
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "a request handler panicked");
    error::ApiError::internal("the server failed; see the server log").into_response()
}

/// The layers every route is served with: panics caught, compression,
/// timeout, body limit, the guard, security headers, tracing and request
/// ids. Public so that tests can serve their own routes (a panicking one)
/// exactly as the application's.
pub fn with_service_layers(app: Router, config: &ServerConfig) -> Router {
    let timeout = config.request_timeout;
    let loopback_only = config.loopback_hosts_only;
    let request_id = HeaderName::from_static("x-request-id");
    let mut app = app
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(compression())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(64 * 1024))
        .layer(axum::middleware::from_fn_with_state(loopback_only, guard));
    for (name, value) in SECURITY_HEADERS {
        app = app.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    // Logs carry the request id, method, path, status and latency.
    app.layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(SetRequestIdLayer::new(request_id, CountingRequestId::default()))
}

/// Longest request target and total header size answered; longer ones get
/// 414 and 431 with the JSON error body.
const MAX_URI: usize = 8 * 1024;
const MAX_HEADERS: usize = 16 * 1024;

/// Whether `host` (a `Host` header, port included or not) names this
/// machine's loopback interface.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether every name the request is addressed to (each `Host` header, and
/// the target's authority) is a loopback name, and its `Host` headers, if
/// several, agree: a second, foreign `Host` must not slip past the check
/// of the first.
fn loopback_request(req: &axum::extract::Request) -> bool {
    let hosts: Vec<&HeaderValue> = req.headers().get_all(header::HOST).iter().collect();
    if hosts.windows(2).any(|pair| pair[0] != pair[1]) {
        return false;
    }
    hosts
        .iter()
        .map(|h| h.to_str().unwrap_or("\u{fffd}"))
        .chain(req.uri().host())
        .all(is_loopback_host)
}

/// Refuses requests before any work (foreign `Host` on a loopback server,
/// oversized target or headers), and gives every error response that
/// lacks one the documented JSON body.
async fn guard(
    axum::extract::State(loopback_only): axum::extract::State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use error::{ApiError, ErrorCode};
    let refuse = |code: ErrorCode| ApiError::new(code).into_response();
    if loopback_only && !loopback_request(&req) {
        return refuse(ErrorCode::BadHost);
    }
    if req.uri().to_string().len() > MAX_URI {
        return refuse(ErrorCode::UriTooLong);
    }
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if header_bytes > MAX_HEADERS {
        return refuse(ErrorCode::HeadersTooLarge);
    }
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    // An error no handler answered (the router's 404 and 405, the body
    // limit's 413, the timeout's 503): its code by status, in one place.
    let code = ErrorCode::for_status(status);
    let mut out = if status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
        ApiError::with_message(code, "the request took too long; retry later").into_response()
    } else {
        refuse(code)
    };
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = resp.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// Serves until SIGTERM/Ctrl-C, finishing in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(%local, "plansearch is listening");
    eprintln!("plansearch: serving on http://{local}/");
    serve_on(state, listener, shutdown_signal()).await
}

/// Serves on `listener` with the connection limits of `state.config`
/// until `shutdown` completes.
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    serve_router_on(router(state), &config, listener, shutdown).await
}

/// Serves `app` as [`serve_on`] does (timeouts, the connection cap); tests
/// use it with routes of their own.
pub async fn serve_router_on(
    app: Router,
    config: &ServerConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = conn::TimedListener::new(listener, config);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
