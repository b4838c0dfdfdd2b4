//! The web UI: static files compiled into the binary (works offline).
//!
//! One explicit table, [`ASSETS`], lists every file under `ui/` the server
//! answers (ES modules, no build step). `index.html` is served for the UI
//! routes with its asset links rewritten to `/v/{version}/ui/…`, where
//! `version` is a hash of every asset: those URLs are immutable and cached
//! for a year, and the modules' relative imports (`./api.js`) inherit the
//! prefix, so a new binary never mixes old and new modules. `index.html`
//! itself and the plain `/ui/…` URLs are `no-cache` (revalidated through
//! their `ETag`, answered 304 when unchanged).

use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

/// A file of the UI: path under `/ui/`, content type, bytes.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

macro_rules! js {
    ($path:literal) => {
        Asset {
            path: $path,
            content_type: JS,
            bytes: include_bytes!(concat!("ui/", $path)),
        }
    };
}

/// Every file of the UI, by its path under `/ui/`.
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("ui/app.css"),
    },
    js!("app.js"),
    js!("api.js"),
    js!("chart.js"),
    js!("components.js"),
    js!("dom.js"),
    js!("errors.js"),
    js!("keep.js"),
    js!("router.js"),
    js!("speech.js"),
    js!("text.js"),
    js!("urls.js"),
    js!("views/changes.js"),
    js!("views/cityview.js"),
    js!("views/compare.js"),
    js!("views/document.js"),
    js!("views/notfound.js"),
    js!("views/search.js"),
    js!("views/trend.js"),
];

const INDEX_HTML: &str = include_str!("ui/index.html");

/// `Cache-Control` of `index.html` and of unversioned asset URLs.
const REVALIDATE: &str = "no-cache";
/// `Cache-Control` of versioned asset URLs.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

struct Built {
    /// Hash of all assets: the `{version}` of `/v/{version}/ui/…`.
    version: String,
    /// `index.html` with versioned asset links, and its ETag.
    index: String,
    index_etag: String,
    /// ETag of each asset, in the order of [`ASSETS`].
    etags: Vec<String>,
}

fn etag_of(bytes: &[u8]) -> String {
    // Weak: the same tag for the gzip and identity encodings.
    format!("W/\"{}\"", &blake3::hash(bytes).to_hex()[..20])
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut all = blake3::Hasher::new();
        for a in ASSETS {
            all.update(a.path.as_bytes());
            all.update(a.bytes);
        }
        let version = all.finalize().to_hex()[..12].to_string();
        let index = INDEX_HTML.replace("\"/ui/", &format!("\"/v/{version}/ui/"));
        Built {
            index_etag: etag_of(index.as_bytes()),
            index,
            version,
            etags: ASSETS.iter().map(|a| etag_of(a.bytes)).collect(),
        }
    })
}

/// The version of the current assets (the `{version}` of asset URLs).
pub fn version() -> &'static str {
    &built().version
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/documents/{doc_id}", get(index))
        .route("/compare", get(index))
        .route("/trend", get(index))
        .route("/changes", get(index))
        .route("/ui/{*path}", get(asset))
        .route("/v/{version}/ui/{*path}", get(versioned_asset))
}

/// Whether `If-None-Match` names `etag` (weak comparison, as for GET).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

fn respond(
    headers: &HeaderMap,
    content_type: &'static str,
    etag: &str,
    cache: &'static str,
    body: &'static [u8],
) -> Response {
    let etag_value = HeaderValue::from_str(etag).expect("an ETag is ASCII");
    let cache_value = HeaderValue::from_static(cache);
    if not_modified(headers, etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::CACHE_CONTROL, cache_value),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache_value),
        ],
        body,
    )
        .into_response()
}

async fn index(headers: HeaderMap) -> Response {
    let b = built();
    respond(
        &headers,
        "text/html; charset=utf-8",
        &b.index_etag,
        REVALIDATE,
        b.index.as_bytes(),
    )
}

fn serve_asset(headers: &HeaderMap, path: &str, cache: &'static str) -> Response {
    match ASSETS.iter().position(|a| a.path == path) {
        Some(i) => {
            let a = &ASSETS[i];
            respond(headers, a.content_type, &built().etags[i], cache, a.bytes)
        }
        // The guard middleware gives it the JSON error body.
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn asset(headers: HeaderMap, Path(path): Path<String>) -> Response {
    serve_asset(&headers, &path, REVALIDATE)
}

/// An asset of this version is immutable; one asked under another version
/// (a page loaded before an upgrade) gets today's file, revalidated.
async fn versioned_asset(
    headers: HeaderMap,
    Path((version, path)): Path<(String, String)>,
) -> Response {
    let cache = if version == built().version {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    serve_asset(&headers, &path, cache)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_listed_once_and_index_links_are_versioned() {
        let mut paths: Vec<&str> = ASSETS.iter().map(|a| a.path).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), ASSETS.len());
        let b = built();
        assert!(b.index.contains(&format!("/v/{}/ui/app.js", b.version)));
        assert!(!b.index.contains("\"/ui/"));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"abc\""),
        );
        assert!(not_modified(&h, "W/\"abc\""));
        assert!(!not_modified(&h, "W/\"abd\""));
        assert!(!not_modified(&HeaderMap::new(), "W/\"abc\""));
    }
}
