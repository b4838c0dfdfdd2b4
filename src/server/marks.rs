//! `GET /api/documents/{doc_id}/marks?q=…`: what the document page marks
//! for a search, computed by the search highlighter (see
//! [`crate::search::marks`]; offsets in UTF-16 code units). The UI asks for
//! it next to `/api/documents/{doc_id}` and never parses the query itself.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};

use super::AppState;
use super::api::run_heavy;
use super::error::{ApiError, ErrorBody};
use super::params::{MarksParams, Params};
use crate::search::marks::DocumentMarks;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/documents/{doc_id}/marks", get(document_marks))
}

/// What to mark in a document for a search: per passage, the ranges of its
/// title and text that the search matches, in UTF-16 code units.
#[utoipa::path(
    get,
    path = "/api/documents/{doc_id}/marks",
    params(("doc_id" = String, Path), MarksParams),
    responses(
        (status = 200, body = DocumentMarks),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, body = ErrorBody)
    )
)]
pub(super) async fn document_marks(
    State(state): State<AppState>,
    doc_id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<DocumentMarks>, ApiError> {
    // An id that does not even decode is no document: the engine says so.
    let doc_id = doc_id.map(|Path(id)| id).unwrap_or_default();
    let q = parse_marks(&Params::from_query(raw.as_deref()))?;
    run_heavy(&state, move |e| e.document_marks(&doc_id, &q))
        .await
        .map(Json)
}

/// The parameters of `/api/documents/{doc_id}/marks` ([`MarksParams`]).
pub(super) fn parse_marks(p: &Params) -> Result<String, ApiError> {
    p.check_lengths()?;
    p.q()
}
