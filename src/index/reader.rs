//! Opening an index for search; new commits are picked up without restart.

use std::path::{Path, PathBuf};

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::analysis::{
    Analyzer, BIGRAM, BigramTokenizer, MORPH, MorphTokenizer, READING, ReadingTokenizer,
};
use crate::error::{Error, Result};

/// Marker file written beside tantivy's files: identifies a plansearch index
/// and its schema version.
pub const MARKER: &str = "plansearch.json";

/// An open index plus everything needed to query it.
#[derive(Clone)]
pub struct IndexHandle {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub analyzer: Analyzer,
    /// The archive folder the index was built from (originals are served
    /// from there, never from anywhere else).
    pub archive_root: Option<PathBuf>,
}

/// Registers our tokenizers under the names the schema refers to.
pub fn register_tokenizers(index: &Index, analyzer: &Analyzer) {
    index
        .tokenizers()
        .register(MORPH, MorphTokenizer::new(analyzer.clone()));
    index
        .tokenizers()
        .register(BIGRAM, BigramTokenizer::default());
    index
        .tokenizers()
        .register(READING, ReadingTokenizer::new(analyzer.clone()));
}

/// Reads the schema version recorded in `dir`, if `dir` holds our index.
pub fn recorded_version(dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("schema_version")?.as_u64().map(|v| v as u32)
}

pub fn write_marker(dir: &Path) -> Result<()> {
    let body = serde_json::json!({ "schema_version": SCHEMA_VERSION, "tool": "plansearch" });
    replace_marker(dir, &body)
}

/// Writes the marker atomically (temporary file, then rename).
fn replace_marker(dir: &Path, body: &serde_json::Value) -> Result<()> {
    let tmp = dir.join(format!("{MARKER}.tmp"));
    std::fs::write(&tmp, body.to_string())?;
    std::fs::rename(tmp, dir.join(MARKER))?;
    Ok(())
}

/// Records the archive folder an index run read, so that a server can
/// serve the original files without being told where they are.
pub fn record_archive_root(dir: &Path, root: &Path) -> Result<()> {
    let root = root.canonicalize()?;
    let mut body: serde_json::Value = std::fs::read_to_string(dir.join(MARKER))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(
            || serde_json::json!({ "schema_version": SCHEMA_VERSION, "tool": "plansearch" }),
        );
    if body.get("archive_root").and_then(|v| v.as_str()) == root.to_str() {
        return Ok(());
    }
    body["archive_root"] = serde_json::Value::from(root.to_string_lossy().into_owned());
    replace_marker(dir, &body)
}

/// The archive folder recorded by the last index run, if any.
pub fn recorded_archive_root(dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("archive_root")?.as_str().map(PathBuf::from)
}

impl IndexHandle {
    /// Opens the index in `dir` for searching.
    pub fn open(dir: &Path, analyzer: Analyzer) -> Result<IndexHandle> {
        let index_error = |message: String| Error::Index {
            path: dir.to_path_buf(),
            message,
        };
        if !dir.join("meta.json").exists() {
            return Err(index_error(
                "no index here; build one with `plansearch index <ARCHIVE_DIR> --index <DIR>`"
                    .to_string(),
            ));
        }
        match recorded_version(dir) {
            Some(v) if v == SCHEMA_VERSION => {}
            Some(v) => {
                return Err(index_error(format!(
                    "index was built with schema version {v}, this build uses {SCHEMA_VERSION}; \
                     rebuild it with `plansearch index <ARCHIVE_DIR> --index {}`",
                    dir.display()
                )));
            }
            None => {
                return Err(index_error(
                    "not a plansearch index (plansearch.json is missing)".to_string(),
                ));
            }
        }
        let index = Index::open_in_dir(dir)?;
        register_tokenizers(&index, &analyzer);
        let fields = Fields::from_schema(&index.schema())
            .map_err(|e| index_error(format!("unexpected schema: {e}; rebuild the index")))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(IndexHandle {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            analyzer,
            archive_root: recorded_archive_root(dir),
        })
    }

    /// Creates an empty in-memory index (tests, tools).
    pub fn in_memory(analyzer: Analyzer) -> Result<IndexHandle> {
        let (schema, fields) = schema::build();
        let index = Index::create_in_ram(schema);
        register_tokenizers(&index, &analyzer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(IndexHandle {
            dir: PathBuf::new(),
            index,
            reader,
            fields,
            analyzer,
            archive_root: None,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The commit this handle's searcher is on: an id derived from its
    /// segments (equal on every replica of the same commit), and the
    /// opstamp and commit time from meta.json when it is that commit.
    pub fn commit_info(&self) -> CommitInfo {
        let searcher = self.reader.searcher();
        let mut segments: Vec<(String, Option<u64>)> = searcher
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id().uuid_string(), s.delete_opstamp()))
            .collect();
        segments.sort();
        let mut h = blake3::Hasher::new();
        for (id, del) in &segments {
            h.update(format!("{id}:{del:?};").as_bytes());
        }
        let id = h.finalize().to_hex()[..16].to_string();
        let mut info = CommitInfo {
            id,
            opstamp: None,
            committed_at: None,
            latest: false,
        };
        if let Ok(metas) = self.index.load_metas() {
            let mut on_disk: Vec<(String, Option<u64>)> = metas
                .segments
                .iter()
                .map(|s| (s.id().uuid_string(), s.delete_opstamp()))
                .collect();
            on_disk.sort();
            info.latest = on_disk == segments;
            if info.latest {
                info.opstamp = Some(metas.opstamp);
                info.committed_at = metas
                    .payload
                    .as_deref()
                    .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
                    .and_then(|v| v.get("committed_at")?.as_u64());
            }
        }
        info
    }
}

/// Which commit a server searches (see [`IndexHandle::commit_info`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitInfo {
    /// Derived from the segments searched: replicas on the same commit
    /// report the same id.
    pub id: String,
    /// tantivy's opstamp of the commit (when the searcher is on the
    /// commit meta.json names).
    pub opstamp: Option<u64>,
    /// Unix time of the commit, as recorded by `plansearch index`.
    pub committed_at: Option<u64>,
    /// Whether the searcher is on the commit meta.json names (false for a
    /// moment after each commit, until the reload).
    pub latest: bool,
}
