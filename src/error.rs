//! Library errors. Every message says what went wrong and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("dictionary: {0}")]
    Dictionary(String),
    #[error("archive {path}: {message}")]
    Archive { path: PathBuf, message: String },
    #[error("manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("index {path}: {message}")]
    Index { path: PathBuf, message: String },
    #[error("invalid query: {0}")]
    Query(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
