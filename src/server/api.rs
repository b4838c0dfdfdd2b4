//! JSON API handlers, and the OpenAPI document generated from them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::AppState;
use super::document::DocumentPage;
use super::error::{ApiError, ErrorBody, ErrorCode};
use super::params::{
    CompareParams, DiffParams, DiffSectionsParams, DocumentSections, DocumentsPage, ExportLimit,
    FiguresParams, FilterParams, Params, SearchLimit, SearchParams, SeriesParams, SimilarParams,
    SkippedPage, SpeakerParams, SuggestParams,
};
use crate::search::archive::{ArchiveOverview, LISTED, MAX_SKIPPED_PAGE};
use crate::search::compare::{Comparison, MAX_PER_CITY};
use crate::search::diff::{DocDiff, History, SectionDiff};
use crate::search::documents::{DocumentList, MAX_DOCUMENTS};
use crate::search::figures::Figures;
use crate::search::series::{SeriesFilter, SeriesList};
use crate::search::similar::Similar;
use crate::search::speeches::Exchange;
use crate::search::suggest::Suggestions;
use crate::search::trend::Trend;
use crate::search::{Engine, Filters, MAX_EXPORT, MAX_LIMIT, SearchRequest, SearchResponse};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/search", get(search))
        .route("/api/search.csv", get(search_csv))
        .route("/api/search.atom", get(search_atom))
        .route("/api/archive", get(archive))
        .route("/api/documents", get(documents))
        .route("/api/documents/{doc_id}", get(document))
        .route("/api/documents/{doc_id}/original", get(original))
        .route("/api/compare", get(compare))
        .route("/api/trend", get(trend))
        .route("/api/similar/{section_id}", get(similar))
        .route("/api/suggest", get(suggest))
        .route("/api/series", get(series))
        .route("/api/diff", get(diff))
        .route("/api/diff/sections", get(diff_sections))
        .route("/api/sections/{section_id}/history", get(section_history))
        .route("/api/sections/{section_id}/answers", get(section_answers))
        .route("/api/sections/{section_id}/question", get(section_question))
        .route("/api/figures", get(figures))
        .route("/api/openapi.json", get(openapi))
        .fallback(not_found)
}

/// Unknown paths: JSON 404 (the UI's own paths are routed before this).
async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "plansearch",
        description = "Search over Japanese municipal plan documents. Every error is \
                       `{\"error\": {\"code\", \"message\", \"params\"?}}`: `code` is one \
                       of a fixed list (the `ErrorCode` schema), `params` holds its values."
    ),
    paths(
        search,
        search_csv,
        search_atom,
        archive,
        documents,
        document,
        original,
        compare,
        trend,
        similar,
        suggest,
        healthz,
        series,
        diff,
        diff_sections,
        section_history,
        section_answers,
        section_question,
        figures,
        super::marks::document_marks
    ),
    components(schemas(ErrorBody, ErrorCode))
)]
pub struct ApiDoc;

/// Runs blocking index work on the blocking pool, within the concurrency
/// limit: a request that cannot get a slot in time gets 503 + Retry-After.
pub async fn run_search<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    run_limited(state, &state.searches, f).await
}

/// Like [`run_search`] for the heavy endpoints (trend, compare, similar,
/// CSV, figures, history, diffs, a document's marks), which have their own,
/// smaller limit: a burst of them waits for itself and never takes the
/// slots of `/api/search`.
pub async fn run_heavy<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    run_limited(state, &state.heavy, f).await
}

async fn run_limited<T, F>(
    state: &AppState,
    limit: &std::sync::Arc<tokio::sync::Semaphore>,
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    let permit = tokio::time::timeout(state.config.queue_timeout, limit.clone().acquire_owned())
        .await
        .map_err(|_| {
            state.metrics.count_overload();
            ApiError::overloaded()
        })?
        .map_err(|_| ApiError::overloaded())?;
    let engine = state.engine.clone();
    // The work stops at its next budget check once the request times out
    // or its client leaves (this future is dropped), and frees its slot.
    let budget = crate::search::budget::Budget::new(state.config.request_timeout);
    let _cancel = budget.cancel_on_drop();
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        budget.run(|| f(&engine))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "search task failed");
        ApiError::internal("the search failed unexpectedly; see the server log")
    })?;
    result.map_err(ApiError::from)
}

/// Liveness and the number of indexed passages.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "ok")))]
async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let searcher = state.engine.searcher();
    let update = state.reindexer.snapshot();
    Json(serde_json::json!({
        "status": "ok",
        "passages": searcher.num_docs(),
        "read_only": state.read_only,
        "commit": state.engine.handle.commit_info(),
        "update": {
            "running": update.running,
            "failed": update.last_error.is_some(),
            "last_error": update.last_error,
        },
    }))
}

/// Search passages.
///
/// Spaces separate required terms, `"…"` is a phrase, `-term` excludes,
/// `OR` makes alternatives. When no passage has every term, the match is
/// loosened and `escalated` says how.
#[utoipa::path(
    get,
    path = "/api/search",
    params(SearchParams, SearchLimit, FilterParams, SpeakerParams),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = ErrorBody, description = "a bad query or parameter"),
        (status = 503, body = ErrorBody, description = "overloaded or index unavailable; retry after the Retry-After header"),
    )
)]
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let req = parse_search(&Params::from_query(raw.as_deref()))?;
    run_search(&state, move |e| e.search(&req)).await.map(Json)
}

/// The current search as CSV (UTF-8 with BOM, for Excel): every strict
/// match up to `limit` (default and most 10,000), Japanese headers, 和暦,
/// page, a link per passage; a last row says when the cap cut it short.
#[utoipa::path(
    get,
    path = "/api/search.csv",
    params(SearchParams, ExportLimit, FilterParams, SpeakerParams),
    responses(
        (status = 200, body = String, content_type = "text/csv"),
        (status = 400, body = ErrorBody, description = "a bad query or parameter"),
        (status = 503, body = ErrorBody, description = "overloaded or index unavailable; retry after the Retry-After header"),
    )
)]
async fn search_csv(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let req = parse_search_csv(&Params::from_query(raw.as_deref()))?;
    let q = req.q.clone();
    let cap = req.limit;
    let (total, hits) = run_heavy(&state, move |e| e.export(&req, cap)).await?;
    let body = super::export::csv(hits, total, &q, &base_url(&headers));
    let name = super::export::file_name(&q, std::time::SystemTime::now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition("attachment", &name),
            ),
            (
                header::HeaderName::from_static("x-total-count"),
                total.to_string(),
            ),
        ],
        body,
    ))
}

/// `http://host` of a request (a Host of plain host characters only).
fn base_url(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("127.0.0.1:8080");
    format!("http://{host}")
}

/// The current search as an Atom 1.0 feed: the same query, filters,
/// `sort` and `limit` as `/api/search`, one entry per hit (title, city,
/// year, link), `updated` = when the hit's document entered the index. For
/// feed readers and mail gateways following a search.
#[utoipa::path(
    get,
    path = "/api/search.atom",
    params(SearchParams, SearchLimit, FilterParams, SpeakerParams),
    responses(
        (status = 200, body = String, content_type = "application/atom+xml"),
        (status = 400, body = ErrorBody, description = "a bad query or parameter"),
        (status = 503, body = ErrorBody, description = "overloaded or index unavailable; retry after the Retry-After header"),
    )
)]
async fn search_atom(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let req = parse_search(&Params::from_query(raw.as_deref()))?;
    let q = req.q.clone();
    let (hits, indexed) = run_search(&state, move |e| {
        let hits = e.search(&req)?.hits;
        let ids: Vec<&str> = hits.iter().map(|h| h.doc_id.as_str()).collect();
        let indexed = e.indexed_at(&ids)?;
        Ok((hits, indexed))
    })
    .await?;
    let body = super::feed::atom(
        &q,
        &hits,
        &indexed,
        &base_url(&headers),
        raw.as_deref().unwrap_or_default(),
        crate::meta::now_secs(),
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/atom+xml; charset=utf-8".to_string(),
        )],
        body,
    ))
}

/// What the archive holds: documents and passages, documents per city,
/// year, type, department and format, the last update and what it skipped
/// (the first 100 skipped files and manifest problems with their totals;
/// page through the skipped files with `skipped_offset`, `skipped_limit`).
#[utoipa::path(
    get,
    path = "/api/archive",
    params(SkippedPage),
    responses((status = 200, body = ArchiveOverview), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn archive(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ArchiveOverview>, ApiError> {
    let (offset, limit) = parse_archive(&Params::from_query(raw.as_deref()))?;
    if (offset, limit) == (0, LISTED) {
        run_search(&state, |e| e.archive()).await.map(Json)
    } else {
        // Another page reads the whole report again: a heavy request.
        run_heavy(&state, move |e| e.archive_page(offset, limit))
            .await
            .map(Json)
    }
}

/// Documents matching the filters, newest first.
#[utoipa::path(
    get,
    path = "/api/documents",
    params(DocumentsPage, FilterParams),
    responses((status = 200, body = DocumentList), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn documents(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<DocumentList>, ApiError> {
    let (filters, limit, offset) = parse_documents(&Params::from_query(raw.as_deref()))?;
    run_search(&state, move |e| e.documents(&filters, limit, offset))
        .await
        .map(Json)
}

/// One document: metadata (with sources), `sections_total` and its
/// passages — all by default, or a page of them with `sections_offset`
/// and `sections_limit`. The body is streamed passage by passage.
#[utoipa::path(
    get,
    path = "/api/documents/{doc_id}",
    params(("doc_id" = String, Path), DocumentSections),
    responses(
        (status = 200, body = DocumentPage),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn document(
    State(state): State<AppState>,
    doc_id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let Path(doc_id) = doc_id.map_err(|_| ApiError::new(ErrorCode::DocumentNotFound))?;
    let (offset, limit) = parse_document(&Params::from_query(raw.as_deref()))?;
    // Held until the body is written: whole documents are the largest
    // responses, and a slow reader keeps a blocking thread.
    let permit = wait_for_slot(&state, &state.documents).await?;
    let head = run_search(&state, move |e| {
        super::document::lookup(e, &doc_id, offset, limit)
    })
    .await?;
    Ok(super::document::respond(state.engine.clone(), head, permit))
}

/// The document's original file (PDF, workbook, Word, text …) as it is in
/// the archive. PDFs and text open in the browser (`#page=N` works for
/// PDFs); office files and HTML pages are downloaded.
#[utoipa::path(
    get,
    path = "/api/documents/{doc_id}/original",
    params(("doc_id" = String, Path)),
    responses(
        (status = 200, description = "the file's bytes", content(
            (String = "application/pdf"),
            (String = "text/plain"),
            (String = "text/csv"),
            (String = "text/tab-separated-values"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "application/vnd.ms-excel"),
            (String = "application/vnd.oasis.opendocument.spreadsheet"),
            (String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (String = "application/octet-stream"),
        )),
        (status = 404, body = ErrorBody, description = "no such document, or its file is gone"),
        (status = 503, body = ErrorBody),
    )
)]
async fn original(
    State(state): State<AppState>,
    doc_id: Result<Path<String>, PathRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Path(doc_id) = doc_id.map_err(|_| ApiError::new(ErrorCode::DocumentNotFound))?;
    // Held until the body is sent: a slow download keeps its slot.
    let permit = wait_for_slot(&state, &state.originals).await?;
    let file = run_search(&state, move |e| e.original(&doc_id)).await?;
    let gone = || {
        ApiError::with_message(
            ErrorCode::DocumentNotFound,
            format!("the original file {} cannot be read", file.file_name),
        )
    };
    let handle = tokio::fs::File::open(&file.path)
        .await
        .map_err(|_| gone())?;
    let len = handle.metadata().await.map_err(|_| gone())?.len();
    // Streamed from disk, never whole in memory; `take` keeps the body to
    // the announced length if the file grows meanwhile.
    let reader = PermitReader {
        inner: tokio::io::AsyncReadExt::take(handle, len),
        _permit: permit,
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let (content_type, inline) = original_type(&file.format);
    let disposition = content_disposition(
        if inline { "inline" } else { "attachment" },
        &file.file_name,
    );
    let mut resp = (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        body,
    )
        .into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// A slot of `limit`, waiting up to the queue timeout; then 503
/// `overloaded` with Retry-After.
async fn wait_for_slot(
    state: &AppState,
    limit: &std::sync::Arc<tokio::sync::Semaphore>,
) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    match tokio::time::timeout(state.config.queue_timeout, limit.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(ApiError::overloaded()),
        Err(_) => {
            state.metrics.count_overload();
            Err(ApiError::overloaded())
        }
    }
}

/// A reader that holds a concurrency slot until the response body is
/// dropped (sent, or the client gone).
struct PermitReader<R> {
    inner: R,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<R: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for PermitReader<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

/// Content type of an original, and whether it opens in the browser.
/// HTML pages from the archive are downloaded, never rendered on this
/// origin.
fn original_type(format: &str) -> (&'static str, bool) {
    match format {
        "pdf" => ("application/pdf", true),
        "txt" | "md" => ("text/plain", true),
        "csv" => ("text/csv", true),
        "tsv" => ("text/tab-separated-values", true),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
        ),
        "xls" => ("application/vnd.ms-excel", false),
        "ods" => ("application/vnd.oasis.opendocument.spreadsheet", false),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        _ => ("application/octet-stream", false),
    }
}

/// `Content-Disposition` with the file's real (often Japanese) name:
/// an ASCII fallback and the UTF-8 name per RFC 5987/6266.
pub fn content_disposition(kind: &str, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Best passages per city for one query: how each city approaches it.
#[utoipa::path(
    get,
    path = "/api/compare",
    params(SearchParams, SearchLimit, CompareParams, FilterParams, SpeakerParams),
    responses(
        (status = 200, body = Comparison),
        (status = 400, body = ErrorBody, description = "a bad query or parameter; `too_many_cities` past 20 cities"),
        (status = 503, body = ErrorBody),
    )
)]
async fn compare(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Comparison>, ApiError> {
    let (req, per_city) = parse_compare(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.compare(&req, per_city))
        .await
        .map(Json)
}

/// Matching passages and documents per year, overall and per city.
#[utoipa::path(
    get,
    path = "/api/trend",
    params(SearchParams, SearchLimit, FilterParams, SpeakerParams),
    responses((status = 200, body = Trend), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn trend(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Trend>, ApiError> {
    let req = parse_search(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.trend(&req)).await.map(Json)
}

/// Passages similar to one initiative, by default from other cities.
#[utoipa::path(
    get,
    path = "/api/similar/{section_id}",
    params(("section_id" = String, Path), SimilarParams),
    responses(
        (status = 200, body = Similar),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn similar(
    State(state): State<AppState>,
    section_id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Similar>, ApiError> {
    let Path(section_id) = section_id.map_err(|_| ApiError::new(ErrorCode::SectionNotFound))?;
    let (other_cities, limit) = parse_similar(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.similar(&section_id, other_cities, limit))
        .await
        .map(Json)
}

/// Completions for search-as-you-type.
#[utoipa::path(
    get,
    path = "/api/suggest",
    params(SuggestParams),
    responses((status = 200, body = Suggestions), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Suggestions>, ApiError> {
    let (prefix, limit) = parse_suggest(&Params::from_query(raw.as_deref()))?;
    run_search(&state, move |e| e.suggest(&prefix, limit))
        .await
        .map(Json)
}

// ---- What changed since last year (#13): series, diff, history ----

/// Series: documents of one city, department (compared without spacing or
/// width differences) and document type over the years, years ascending.
#[utoipa::path(
    get,
    path = "/api/series",
    params(SeriesParams),
    responses((status = 200, body = SeriesList), (status = 400, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn series(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SeriesList>, ApiError> {
    let filter = parse_series(&Params::from_query(raw.as_deref()))?;
    run_search(&state, move |e| e.series(&filter))
        .await
        .map(Json)
}

/// Two documents compared initiative by initiative: `from` and `to` are
/// document ids, or give `city`, `department` and/or `doc_type` with
/// `from_year` and `to_year`.
#[utoipa::path(
    get,
    path = "/api/diff",
    params(DiffParams),
    responses(
        (status = 200, body = DocDiff),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn diff(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<DocDiff>, ApiError> {
    let (by_year, doc_type) = parse_diff(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| {
        let (f, t) = match by_year {
            Err(ids) => ids,
            Ok((c, d, fy, ty)) => (
                e.series_document(&c, d.as_deref(), doc_type.as_deref(), fy)?,
                e.series_document(&c, d.as_deref(), doc_type.as_deref(), ty)?,
            ),
        };
        e.diff(&f, &t)
    })
    .await
    .map(Json)
}

/// Two passages side by side with word-level differences (`equal`,
/// `delete`, `insert` runs), for a continued initiative.
#[utoipa::path(
    get,
    path = "/api/diff/sections",
    params(DiffSectionsParams),
    responses(
        (status = 200, body = SectionDiff),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn diff_sections(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SectionDiff>, ApiError> {
    let (from, to) = parse_diff_sections(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.diff_sections(&from, &to))
        .await
        .map(Json)
}

/// The same initiative in every document of its series, oldest first.
#[utoipa::path(
    get,
    path = "/api/sections/{section_id}/history",
    params(("section_id" = String, Path)),
    responses((status = 200, body = History), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody))
)]
async fn section_history(
    State(state): State<AppState>,
    section_id: Result<Path<String>, PathRejection>,
) -> Result<Json<History>, ApiError> {
    let Path(section_id) = section_id.map_err(|_| ApiError::new(ErrorCode::SectionNotFound))?;
    run_heavy(&state, move |e| e.history(&section_id))
        .await
        .map(Json)
}

/// The answers to a question of council minutes: for a member's speech
/// in 一般質問 or 質疑 (any window of it), the executive speeches that
/// follow it up to the member's next speech, every window, in order.
#[utoipa::path(
    get,
    path = "/api/sections/{section_id}/answers",
    params(("section_id" = String, Path, description = "a passage id (`<doc_id>-<n>`) of a question")),
    responses(
        (status = 200, body = Exchange),
        (status = 404, body = ErrorBody, description = "`section_not_found`, or `not_in_exchange` for a passage that is not a question"),
        (status = 503, body = ErrorBody),
    )
)]
async fn section_answers(
    State(state): State<AppState>,
    section_id: Result<Path<String>, PathRejection>,
) -> Result<Json<Exchange>, ApiError> {
    let Path(section_id) = section_id.map_err(|_| ApiError::new(ErrorCode::SectionNotFound))?;
    run_search(&state, move |e| e.answers(&section_id))
        .await
        .map(Json)
}

/// The question an answer of council minutes answers: every window of the
/// member's speech, for an executive speech in 一般質問 or 質疑.
#[utoipa::path(
    get,
    path = "/api/sections/{section_id}/question",
    params(("section_id" = String, Path, description = "a passage id (`<doc_id>-<n>`) of an answer")),
    responses(
        (status = 200, body = Exchange),
        (status = 404, body = ErrorBody, description = "`section_not_found`, or `not_in_exchange` for a passage that is not an answer"),
        (status = 503, body = ErrorBody),
    )
)]
async fn section_question(
    State(state): State<AppState>,
    section_id: Result<Path<String>, PathRejection>,
) -> Result<Json<Exchange>, ApiError> {
    let Path(section_id) = section_id.map_err(|_| ApiError::new(ErrorCode::SectionNotFound))?;
    run_search(&state, move |e| e.question(&section_id))
        .await
        .map(Json)
}

/// Figures (targets, results, counts, amounts in yen) of one document
/// (`doc_id`) or of the passages a search finds (`q` with the search
/// filters; only sentences holding a searched word).
#[utoipa::path(
    get,
    path = "/api/figures",
    params(FiguresParams, FilterParams),
    responses(
        (status = 200, body = Figures),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn figures(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Figures>, ApiError> {
    let (req, doc_id) = parse_figures(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.figures(&req, doc_id.as_deref()))
        .await
        .map(Json)
}

// ---- end of #13 handlers ----

// ---- Parameters of each endpoint: exactly the keys its OpenAPI entry lists
// (checked by `every_endpoint_reads_exactly_its_documented_parameters`).

fn parse_search(p: &Params) -> Result<SearchRequest, ApiError> {
    p.search_request()
}

fn parse_search_csv(p: &Params) -> Result<SearchRequest, ApiError> {
    p.search_request_with_limit(MAX_EXPORT, MAX_EXPORT)
}

fn parse_documents(p: &Params) -> Result<(Filters, usize, usize), ApiError> {
    let filters = p.filters()?;
    let limit = p.limit(100, MAX_DOCUMENTS)?;
    let offset = p.offset(limit)?;
    Ok((filters, limit, offset))
}

fn parse_document(p: &Params) -> Result<(usize, Option<usize>), ApiError> {
    let offset = p
        .int::<usize>("sections_offset", "a whole number")?
        .unwrap_or(0);
    let limit = p.int::<usize>("sections_limit", "a whole number")?;
    Ok((offset, limit))
}

fn parse_archive(p: &Params) -> Result<(usize, usize), ApiError> {
    let offset = p
        .int::<usize>("skipped_offset", "a whole number")?
        .unwrap_or(0);
    let limit = p
        .int::<usize>("skipped_limit", "a whole number")?
        .unwrap_or(LISTED);
    if limit > MAX_SKIPPED_PAGE {
        return Err(ApiError::invalid_parameter(
            "skipped_limit",
            format!("skipped_limit must be at most {MAX_SKIPPED_PAGE}"),
        ));
    }
    Ok((offset, limit))
}

fn parse_compare(p: &Params) -> Result<(SearchRequest, usize), ApiError> {
    p.check_lengths()?;
    let per_city = p.int::<usize>("per_city", "a whole number")?.unwrap_or(3);
    if per_city == 0 || per_city > MAX_PER_CITY {
        return Err(ApiError::invalid_parameter(
            "per_city",
            format!("per_city must be between 1 and {MAX_PER_CITY}"),
        ));
    }
    Ok((p.search_request()?, per_city))
}

fn parse_similar(p: &Params) -> Result<(bool, usize), ApiError> {
    p.check_lengths()?;
    let other_cities = p.flag("other_cities")?.unwrap_or(true);
    let limit = p.limit(5, MAX_LIMIT)?;
    Ok((other_cities, limit))
}

/// Longest `prefix` of `/api/suggest`.
const MAX_PREFIX_CHARS: usize = 50;

fn parse_suggest(p: &Params) -> Result<(String, usize), ApiError> {
    p.check_lengths()?;
    let prefix = p.one("prefix").unwrap_or_default();
    if prefix.chars().count() > MAX_PREFIX_CHARS {
        return Err(ApiError::value_too_long("prefix", MAX_PREFIX_CHARS));
    }
    let limit = p.limit(8, 20)?;
    Ok((prefix, limit))
}

fn parse_series(p: &Params) -> Result<SeriesFilter, ApiError> {
    p.check_lengths()?;
    Ok(SeriesFilter {
        cities: p.all("city"),
        departments: p.all("department"),
        doc_types: p.all("doc_type"),
    })
}

/// Two documents by id (`Err`), or by city, department, type and years.
type DiffTarget = Result<(String, Option<String>, i64, i64), (String, String)>;

fn parse_diff(p: &Params) -> Result<(DiffTarget, Option<String>), ApiError> {
    p.check_lengths()?;
    let from_year = p.int::<i64>("from_year", "a year")?;
    let to_year = p.int::<i64>("to_year", "a year")?;
    let (from, to, city, department) = (
        p.one("from"),
        p.one("to"),
        p.one("city"),
        p.one("department"),
    );
    let doc_type = p.one("doc_type");
    let by_year = match (from, to, city, department, from_year, to_year) {
        (Some(f), Some(t), ..) => Err((f, t)),
        (_, _, Some(c), d, Some(fy), Some(ty)) if d.is_some() || doc_type.is_some() => {
            Ok((c, d, fy, ty))
        }
        (from, to, city, ..) => {
            let missing = if from.is_some() {
                "to"
            } else if to.is_some() || city.is_none() {
                "from"
            } else if from_year.is_none() {
                "from_year"
            } else if to_year.is_none() {
                "to_year"
            } else {
                "department"
            };
            return Err(ApiError::missing_parameter(
                missing,
                "give from and to (document ids), or city, department (or doc_type), \
                 from_year and to_year",
            ));
        }
    };
    Ok((by_year, doc_type))
}

fn parse_diff_sections(p: &Params) -> Result<(String, String), ApiError> {
    p.check_lengths()?;
    match (p.one("from"), p.one("to")) {
        (Some(from), Some(to)) => Ok((from, to)),
        (from, _) => Err(ApiError::missing_parameter(
            if from.is_some() { "to" } else { "from" },
            "give from and to (section ids)",
        )),
    }
}

fn parse_figures(p: &Params) -> Result<(SearchRequest, Option<String>), ApiError> {
    let doc_id = p.one("doc_id");
    let mut req = SearchRequest::new(p.one("q").unwrap_or_default());
    req.filters = p.filters()?;
    req.options = p.plan_options()?;
    if doc_id.is_none() && req.q.trim().is_empty() {
        return Err(ApiError::missing_parameter(
            "q",
            "give q (a search) or doc_id (a document)",
        ));
    }
    Ok((req, doc_id))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    type Parse = fn(&Params) -> Result<(), ApiError>;

    /// The OpenAPI document and the parsers cannot drift apart: every
    /// endpoint reads exactly the query parameters its entry lists.
    #[test]
    fn every_endpoint_reads_exactly_its_documented_parameters() {
        let spec = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let cases: [(&str, &str, Parse); 15] = [
            ("/api/search", "q=x", |p| parse_search(p).map(drop)),
            ("/api/search.atom", "q=x", |p| parse_search(p).map(drop)),
            ("/api/search.csv", "q=x", |p| parse_search_csv(p).map(drop)),
            ("/api/trend", "q=x", |p| parse_search(p).map(drop)),
            ("/api/compare", "q=x", |p| parse_compare(p).map(drop)),
            ("/api/documents", "", |p| parse_documents(p).map(drop)),
            ("/api/similar/{section_id}", "", |p| {
                parse_similar(p).map(drop)
            }),
            ("/api/suggest", "prefix=a", |p| parse_suggest(p).map(drop)),
            ("/api/series", "", |p| parse_series(p).map(drop)),
            ("/api/diff", "from=a&to=b", |p| parse_diff(p).map(drop)),
            ("/api/diff/sections", "from=a&to=b", |p| {
                parse_diff_sections(p).map(drop)
            }),
            ("/api/figures", "q=x", |p| parse_figures(p).map(drop)),
            ("/api/documents/{doc_id}/marks", "q=x", |p| {
                crate::server::marks::parse_marks(p).map(drop)
            }),
            ("/api/documents/{doc_id}", "", |p| {
                parse_document(p).map(drop)
            }),
            ("/api/archive", "", |p| parse_archive(p).map(drop)),
        ];
        for (path, query, parse) in cases {
            let documented: BTreeSet<String> = spec["paths"][path]["get"]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            let p = Params::from_query(Some(query));
            parse(&p).unwrap_or_else(|e| panic!("{path}?{query}: {e:?}"));
            assert_eq!(p.keys_read(), documented, "{path}");
        }
        let paths = spec["paths"].as_object().unwrap();
        // + /api/sections/{id}/answers and /question: path parameters only.
        let api_routes = 20;
        assert_eq!(paths.len(), api_routes, "{:?}", paths.keys());
    }

    #[test]
    fn error_responses_use_the_error_body_and_the_code_enum() {
        let spec = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let codes = &spec["components"]["schemas"]["ErrorCode"]["enum"];
        let listed: Vec<&str> = codes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let all: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed.len(), all.len());
        assert!(all.iter().all(|c| listed.contains(c)), "{listed:?}");
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (status, resp) in item["get"]["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &resp["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/ErrorBody", "{path} {status}");
                }
            }
        }
    }
}
