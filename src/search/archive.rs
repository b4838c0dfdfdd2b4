//! What is in the archive: documents and passages, counts by city, year,
//! type, department and format, the last index run and what it skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize};
use tantivy::collector::Count;

use super::facets::{FacetCollector, FacetValue};
use super::{Engine, FACET_LIMIT};
use crate::archive::Skipped;
use crate::error::Result;
use crate::index::writer::LAST_RUN;

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
    /// Files the last update did not index, with the reason: the first
    /// 100, or the page asked for (`skipped_offset`, `skipped_limit`).
    pub skipped: Vec<Skipped>,
    /// Files the last update did not index, in all.
    pub skipped_total: usize,
    /// Skipped files per `reason_code`.
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Manifest rows the last update could not use: the first 100.
    pub manifest_problems: Vec<String>,
    /// Manifest rows the last update could not use, in all.
    pub manifest_problems_total: usize,
}

/// Skipped files and manifest problems listed by default; the rest are
/// counted (a million-row manifest's report is tens of MB).
pub const LISTED: usize = 100;

/// Most skipped files one `/api/archive` page lists.
pub const MAX_SKIPPED_PAGE: usize = 1000;

/// A list of the last run's report, read without holding it whole: the
/// items in a window, the count and the count per reason.
#[derive(Debug, Clone)]
struct Window<T> {
    items: Vec<T>,
    total: usize,
    by_reason: BTreeMap<String, usize>,
}

impl<T> Default for Window<T> {
    fn default() -> Self {
        Window {
            items: Vec::new(),
            total: 0,
            by_reason: BTreeMap::new(),
        }
    }
}

/// What a window counts an item under.
trait Reason {
    fn reason(&self) -> Option<&str>;
}

impl Reason for Skipped {
    fn reason(&self) -> Option<&str> {
        Some(&self.reason_code)
    }
}

impl Reason for String {
    fn reason(&self) -> Option<&str> {
        None
    }
}

thread_local! {
    /// The window (offset, limit) of `skipped` being read on this thread.
    static SKIPPED_WINDOW: std::cell::Cell<(usize, usize)> =
        const { std::cell::Cell::new((0, LISTED)) };
}

fn window<'de, D, T>(d: D, (offset, limit): (usize, usize)) -> Result<Window<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Reason,
{
    struct Visit<T>((usize, usize), std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de> + Reason> serde::de::Visitor<'de> for Visit<T> {
        type Value = Window<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Window<T>, A::Error> {
            let (offset, limit) = self.0;
            let mut w = Window::default();
            while let Some(item) = seq.next_element::<T>()? {
                if let Some(r) = item.reason() {
                    *w.by_reason.entry(r.to_string()).or_default() += 1;
                }
                if w.total >= offset && w.items.len() < limit {
                    w.items.push(item);
                }
                w.total += 1;
            }
            Ok(w)
        }
    }
    d.deserialize_seq(Visit((offset, limit), std::marker::PhantomData))
}

/// The parts of the last run's report (`last_run.json`) the overview shows.
#[derive(Debug, Clone, Default, Deserialize)]
struct RunSummary {
    #[serde(default)]
    finished_at: u64,
    #[serde(default, deserialize_with = "skipped_window")]
    skipped: Window<Skipped>,
    #[serde(default, deserialize_with = "problems_window")]
    manifest_problems: Window<String>,
}

fn skipped_window<'de, D: Deserializer<'de>>(d: D) -> Result<Window<Skipped>, D::Error> {
    window(d, SKIPPED_WINDOW.with(|w| w.get()))
}

fn problems_window<'de, D: Deserializer<'de>>(d: D) -> Result<Window<String>, D::Error> {
    window(d, (0, LISTED))
}

/// Reads the last run's report of `dir` with that window of `skipped`;
/// the default window is parsed once per version of the file.
fn run_summary(dir: &Path, skipped: (usize, usize)) -> Arc<RunSummary> {
    struct Cached {
        path: PathBuf,
        modified: SystemTime,
        len: u64,
        /// The report is replaced by a rename: a new inode.
        inode: u64,
        summary: Arc<RunSummary>,
    }
    static CACHE: Mutex<Option<Cached>> = Mutex::new(None);
    let path = dir.join(LAST_RUN);
    let Ok(meta) = std::fs::metadata(&path) else {
        return Arc::default();
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let default = skipped == (0, LISTED);
    if default {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref()
            && c.path == path
            && c.modified == modified
            && c.len == meta.len()
            && c.inode == std::os::unix::fs::MetadataExt::ino(&meta)
        {
            return c.summary.clone();
        }
    }
    let read = || -> Option<RunSummary> {
        let file = std::fs::File::open(&path).ok()?;
        SKIPPED_WINDOW.with(|w| w.set(skipped));
        let parsed = serde_json::from_reader(std::io::BufReader::new(file));
        SKIPPED_WINDOW.with(|w| w.set((0, LISTED)));
        parsed.ok()
    };
    let summary = Arc::new(read().unwrap_or_default());
    if default {
        *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
            path,
            modified,
            len: meta.len(),
            inode: std::os::unix::fs::MetadataExt::ino(&meta),
            summary: summary.clone(),
        });
    }
    summary
}

/// Keyword columns counted per document, in [`ArchiveCounts`] order.
const COUNTED: FacetCollector = FacetCollector {
    columns: &["city", "prefecture", "doc_type", "department", "format"],
};

/// Most values listed per count (there are 1,788 municipalities).
const ARCHIVE_LIMIT: usize = 2000;

impl Engine {
    /// The overview of the whole index, with the first skipped files.
    pub fn archive(&self) -> Result<ArchiveOverview> {
        self.archive_page(0, LISTED)
    }

    /// The overview with the skipped files `offset..offset + limit`.
    pub fn archive_page(
        &self,
        skipped_offset: usize,
        skipped_limit: usize,
    ) -> Result<ArchiveOverview> {
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
        let run = run_summary(&self.handle.dir, (skipped_offset, skipped_limit));
        Ok(ArchiveOverview {
            documents,
            passages: searcher.num_docs(),
            documents_by,
            updated_at: Some(run.finished_at).filter(|&t| t > 0),
            skipped: run.skipped.items.clone(),
            skipped_total: run.skipped.total,
            skipped_by_reason: run.skipped.by_reason.clone(),
            manifest_problems: run.manifest_problems.items.clone(),
            manifest_problems_total: run.manifest_problems.total,
        })
    }
}
