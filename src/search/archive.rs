//! What is in the archive: documents and passages, counts by city, year,
//! type, department and format, the last index run and what it skipped.

use serde::Serialize;
use tantivy::collector::Count;

use super::facets::{FacetCollector, FacetValue};
use super::{Engine, FACET_LIMIT};
use crate::archive::Skipped;
use crate::error::Result;
use crate::index::writer::last_run;

/// Document counts per value.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchiveCounts {
    pub city: Vec<FacetValue>,
    pub prefecture: Vec<FacetValue>,
    pub year: Vec<FacetValue>,
    pub doc_type: Vec<FacetValue>,
    pub department: Vec<FacetValue>,
    pub format: Vec<FacetValue>,
}

/// The archive at a glance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchiveOverview {
    pub documents: usize,
    pub passages: u64,
    /// Documents (not passages) per value; years newest first.
    pub documents_by: ArchiveCounts,
    /// When the index was last updated (seconds since the Unix epoch);
    /// `null` when unknown.
    pub updated_at: Option<u64>,
    /// Files the last update did not index, with the reason.
    pub skipped: Vec<Skipped>,
    /// Manifest rows the last update could not use.
    pub manifest_problems: Vec<String>,
}

/// Keyword columns counted per document, in [`ArchiveCounts`] order.
const COUNTED: FacetCollector = FacetCollector {
    columns: &["city", "prefecture", "doc_type", "department", "format"],
};

/// Most values listed per count (there are 1,788 municipalities).
const ARCHIVE_LIMIT: usize = 2000;

impl Engine {
    /// The overview of the whole index.
    pub fn archive(&self) -> Result<ArchiveOverview> {
        let searcher = self.searcher();
        let first = self.fields().first_passages();
        let (documents, fruit) = searcher.search(&first, &(Count, COUNTED))?;
        let (columns, year) = fruit.into_counts(ARCHIVE_LIMIT.max(FACET_LIMIT));
        let mut columns = columns.into_iter();
        let mut next = || columns.next().unwrap_or_default();
        let documents_by = ArchiveCounts {
            city: next(),
            prefecture: next(),
            doc_type: next(),
            department: next(),
            format: next(),
            year,
        };
        let run = last_run(&self.handle.dir);
        Ok(ArchiveOverview {
            documents,
            passages: searcher.num_docs(),
            documents_by,
            updated_at: run.as_ref().map(|r| r.finished_at).filter(|&t| t > 0),
            skipped: run.as_ref().map(|r| r.skipped.clone()).unwrap_or_default(),
            manifest_problems: run.map(|r| r.manifest_problems).unwrap_or_default(),
        })
    }
}
