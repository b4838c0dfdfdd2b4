//! Admin endpoints: reindex the configured archive. Off unless a token is
//! set (`PLANSEARCH_ADMIN_TOKEN`); every call must present it as
//! `Authorization: Bearer <token>`.

use std::path::PathBuf;
use std::sync::Mutex;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;

use super::AppState;
use super::error::{ApiError, ErrorCode};
use crate::index::{IndexOptions, IndexReport, writer};

/// What the admin endpoints may do.
pub struct AdminConfig {
    pub token: String,
    /// The archive `POST /api/admin/reindex` indexes.
    pub archive: Option<PathBuf>,
}

/// The state of the last reindex.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReindexStatus {
    pub running: bool,
    pub last_report: Option<IndexReport>,
    pub last_error: Option<String>,
}

#[derive(Default)]
pub struct Reindexer {
    status: Mutex<ReindexStatus>,
}

impl Reindexer {
    /// Records the outcome of an update (the admin endpoint's, or the one
    /// `serve --archive` runs before serving).
    pub fn record(&self, result: &crate::Result<IndexReport>) {
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.running = false;
        match result {
            Ok(report) => {
                status.last_report = Some(report.clone());
                status.last_error = None;
            }
            Err(e) => status.last_error = Some(e.to_string()),
        }
    }

    pub fn snapshot(&self) -> ReindexStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Compares secrets in time independent of where they differ: both sides
/// are hashed first, so lengths leak nothing either.
fn same_secret(given: &str, expected: &str) -> bool {
    let a = blake3::hash(given.as_bytes());
    let b = blake3::hash(expected.as_bytes());
    a.as_bytes()
        .iter()
        .zip(b.as_bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(admin) = &state.admin else {
        // Without a token the endpoints do not exist.
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if given.is_empty() || !same_secret(given, &admin.token) {
        return Err(ApiError::new(ErrorCode::Unauthorized));
    }
    Ok(())
}

/// `POST /api/admin/reindex`: starts a reindex of the configured archive in
/// the background (202); 409 while one is running.
pub async fn start_reindex(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<ReindexStatus>), ApiError> {
    authorize(&state, &headers)?;
    let archive = state
        .admin
        .as_ref()
        .and_then(|a| a.archive.clone())
        .ok_or_else(|| ApiError::new(ErrorCode::NoArchive))?;
    {
        let mut status = state
            .reindexer
            .status
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if status.running {
            return Err(ApiError::new(ErrorCode::ReindexRunning));
        }
        status.running = true;
    }
    let engine = state.engine.clone();
    let reindexer = state.reindexer.clone();
    tokio::task::spawn_blocking(move || {
        let options = IndexOptions {
            progress: false,
            ..Default::default()
        };
        let result = writer::index_archive(
            &archive,
            &engine.handle.dir,
            &engine.handle.analyzer,
            &options,
        );
        match &result {
            Ok(report) => tracing::info!(
                added = report.added,
                updated = report.updated,
                deleted = report.deleted,
                "reindex finished"
            ),
            Err(e) => {
                tracing::error!(error = %e, "reindex failed; the previous index keeps serving")
            }
        }
        reindexer.record(&result);
    });
    let status = state.reindexer.snapshot();
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// `GET /api/admin/reindex`: whether a reindex runs, and the last result.
pub async fn reindex_status(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ReindexStatus>, ApiError> {
    authorize(&state, &headers)?;
    let status = state.reindexer.snapshot();
    Ok(Json(status))
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cre", "s3cret"));
        assert!(!same_secret("", "s3cret"));
    }
}
