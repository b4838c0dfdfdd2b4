//! JSON API handlers.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use super::error::ApiError;
use super::params::Params;
use crate::search::documents::{DocumentDetail, DocumentList, MAX_DOCUMENTS};
use crate::search::{Engine, SearchResponse};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/search", get(search))
        .route("/api/documents", get(documents))
        .route("/api/documents/{doc_id}", get(document))
}

/// Runs blocking index work on the blocking pool, within the concurrency
/// limit: a request that cannot get a slot in time gets 503 + Retry-After.
pub async fn run_search<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> crate::Result<T> + Send + 'static,
{
    let permit = tokio::time::timeout(
        state.config.queue_timeout,
        state.searches.clone().acquire_owned(),
    )
    .await
    .map_err(|_| ApiError::overloaded())?
    .map_err(|_| ApiError::overloaded())?;
    let engine = state.engine.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f(&engine)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "search task failed");
        ApiError::internal("the search failed unexpectedly; see the server log")
    })?;
    result.map_err(ApiError::from)
}

async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let searcher = state.engine.searcher();
    Json(serde_json::json!({
        "status": "ok",
        "passages": searcher.num_docs(),
    }))
}

async fn search(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Result<Json<SearchResponse>, ApiError> {
    let req = Params(raw).search_request()?;
    run_search(&state, move |e| e.search(&req)).await.map(Json)
}

async fn documents(
    State(state): State<AppState>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Result<Json<DocumentList>, ApiError> {
    let p = Params(raw);
    let filters = p.filters()?;
    let limit = p.limit(100, MAX_DOCUMENTS)?;
    let offset = p.offset()?;
    run_search(&state, move |e| e.documents(&filters, limit, offset))
        .await
        .map(Json)
}

async fn document(
    State(state): State<AppState>,
    Path(doc_id): Path<String>,
) -> Result<Json<DocumentDetail>, ApiError> {
    run_search(&state, move |e| e.document(&doc_id))
        .await
        .map(Json)
}
