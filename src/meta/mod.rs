//! Document metadata: manifest > path conventions > inference from the text.
//! Every field records where it came from.
//!
//! INTERFACE (used by index, search and server; keep it stable):

use serde::Serialize;

use crate::archive::Extracted;

/// Where a metadata value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Manifest,
    Path,
    Text,
}

/// A value and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// Metadata of one document. `None` = unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DocMeta {
    pub city: Option<Sourced<String>>,
    pub prefecture: Option<Sourced<String>>,
    /// JIS X 0402 6-digit code, e.g. "272035".
    pub city_code: Option<Sourced<String>>,
    /// Plan / fiscal year, western.
    pub year: Option<Sourced<i64>>,
    pub department: Option<Sourced<String>>,
    pub head: Option<Sourced<String>>,
    pub title: Option<Sourced<String>>,
    pub doc_type: Option<Sourced<String>>,
    pub source_url: Option<Sourced<String>>,
}

/// One row of an archive's `manifest.csv`
/// (`path,city,prefecture,year,department,title,doc_type,source_url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestRow {
    pub path: String,
    pub city: Option<String>,
    pub prefecture: Option<String>,
    pub year: Option<i64>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub doc_type: Option<String>,
    pub source_url: Option<String>,
}

/// A parsed manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub rows: std::collections::HashMap<String, ManifestRow>,
    /// Rows that could not be used, with the reason (reported, not fatal).
    pub problems: Vec<String>,
}

impl Manifest {
    /// Reads `root/manifest.csv` if present. A malformed file is an error
    /// naming the line; a bad single row is a `problem`.
    pub fn load(root: &std::path::Path) -> crate::Result<Option<Manifest>> {
        let _ = root;
        todo!("meta::Manifest::load")
    }

    pub fn get(&self, rel: &str) -> Option<&ManifestRow> {
        self.rows.get(rel)
    }
}

/// Infers the metadata of one document.
pub fn infer(rel: &str, extracted: &Extracted, manifest: Option<&ManifestRow>) -> DocMeta {
    let _ = (rel, extracted, manifest);
    todo!("meta::infer")
}
