//! Building and updating the index from an archive.
//!
//! Incremental: every document stores a fingerprint (hash of its bytes, its
//! manifest row and the pipeline version); unchanged files are skipped,
//! changed ones replaced, vanished ones deleted. All changes land in one
//! tantivy commit, so a crash at any point leaves the previous index intact.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

/// The writer of passage documents.
type IndexWriter = tantivy::IndexWriter<PassageDoc>;

use super::document::{FieldValue, PassageDoc, Values};
use super::reader::{self, MARKER, register_tokenizers};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::state::{self, FileState, State};
use crate::analysis::Analyzer;
use crate::archive::{self, ArchiveFile, ExtractError, Format, Place, Skipped};
use crate::error::{Error, Result};
use crate::meta::{self, DocMeta, Manifest, ManifestRow};
use crate::sections::{self, Section};

/// Changes to text extraction, metadata or sectioning bump this so that
/// documents are reprocessed even when their bytes did not change.
const PIPELINE_VERSION: &str = "pipeline-2";

/// How to run an indexing job.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// Indexing threads for tantivy (analysis runs there).
    pub threads: usize,
    /// Writer memory budget in bytes, shared by the threads.
    pub memory_budget: usize,
    /// A long run commits after this many bytes of files (or 5 minutes),
    /// so a crash loses only what came after; 0 commits after every batch.
    pub commit_every_bytes: u64,
}

impl IndexOptions {
    /// Default writer memory per indexing thread, in MB. Large enough that
    /// Kiryu (103 MB) flushes four segments and merges none: 6 % less
    /// build time than 16 MB, and a lower peak, which the merge set
    /// (README, Performance).
    pub const WRITER_MB: usize = 64;

    /// The default budget's ceiling, in MB, so many cores do not multiply
    /// the peak (8 threads get 32 MB each).
    pub const DEFAULT_BUDGET_MAX_MB: usize = 256;

    /// The writer budget for `threads` threads at `mb_per_thread` MB each
    /// (at least 64 MB in all; tantivy wants ≥ 15 MB per thread).
    pub fn budget(threads: usize, mb_per_thread: usize) -> usize {
        (threads * mb_per_thread.max(15) * 1024 * 1024).max(64 * 1024 * 1024)
    }

    /// The budget when none is given: [`Self::WRITER_MB`] per thread, at
    /// most [`Self::DEFAULT_BUDGET_MAX_MB`] in all.
    pub fn default_budget(threads: usize) -> usize {
        Self::budget(threads, Self::WRITER_MB).min(Self::DEFAULT_BUDGET_MAX_MB * 1024 * 1024)
    }
}

impl Default for IndexOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(1, 8);
        IndexOptions {
            progress: true,
            threads,
            // tantivy's indexing arena: it flushes a segment when full, so
            // this bounds memory on any file size.
            memory_budget: Self::default_budget(threads),
            commit_every_bytes: COMMIT_EVERY_BYTES,
        }
    }
}

/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct IndexReport {
    /// Documents in the index after the run.
    pub documents: usize,
    /// Passages (sections) in the index after the run.
    pub passages: u64,
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub skipped: Vec<Skipped>,
    pub manifest_problems: Vec<String>,
    pub elapsed_ms: u128,
    /// Bytes of the files that were (re)processed.
    pub bytes_processed: u64,
    /// When the run finished (seconds since the Unix epoch).
    #[serde(default)]
    pub finished_at: u64,
    /// Bytes of archive files read (hashing and extraction); an unchanged
    /// re-run reads none.
    pub bytes_read: u64,
    /// Characters the whole run read (`rchar` of /proc/self/io: archive,
    /// manifest, state record), where the platform tells.
    pub io_read_bytes: Option<u64>,
    /// Commits made (long runs commit as they go).
    pub commits: usize,
}

/// One document ready to be written.
#[derive(Debug, Clone)]
pub struct PreparedDoc {
    pub doc_id: String,
    pub rel: String,
    pub fingerprint: String,
    pub meta: DocMeta,
    pub sections: Vec<Section>,
    pub format: Format,
    /// Physical pages (PDF).
    pub pages: Option<u32>,
}

/// Stable document id derived from the archive-relative path.
pub fn doc_id_for(rel: &str) -> String {
    blake3::hash(rel.as_bytes()).to_hex()[..16].to_string()
}

/// What decides whether a document must be reprocessed: the hash of its
/// bytes, its manifest row and the pipeline version.
fn fingerprint(content_hash: &str, manifest: Option<&ManifestRow>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(PIPELINE_VERSION.as_bytes());
    h.update(content_hash.as_bytes());
    h.update(format!("{manifest:?}").as_bytes());
    h.finalize().to_hex()[..32].to_string()
}

/// Turns one prepared document into tantivy documents, one per passage.
pub fn to_tantivy_docs(fields: &Fields, doc: &PreparedDoc) -> Vec<PassageDoc> {
    let shared = shared_values(fields, doc);
    doc.sections
        .iter()
        .enumerate()
        .map(|(n, section)| passage(fields, &shared, doc, n, section))
        .collect()
}

fn doc_title(doc: &PreparedDoc) -> String {
    doc.meta
        .title
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_else(|| file_stem(&doc.rel))
}

/// The values every passage of `doc` carries, made once per document.
fn shared_values(fields: &Fields, doc: &PreparedDoc) -> Arc<Values> {
    let meta = &doc.meta;
    let mut v: Values = vec![
        (fields.doc_id, FieldValue::text(&doc.doc_id)),
        (fields.file, FieldValue::text(&doc.rel)),
        (fields.content_hash, FieldValue::text(&doc.fingerprint)),
        (fields.title, FieldValue::text(&doc_title(doc))),
    ];
    for (field, value) in [
        (fields.city, &meta.city),
        (fields.prefecture, &meta.prefecture),
        (fields.city_code, &meta.city_code),
        (fields.department, &meta.department),
        (fields.head, &meta.head),
        (fields.doc_type, &meta.doc_type),
        (fields.source_url, &meta.source_url),
    ] {
        if let Some(value) = value {
            v.push((field, FieldValue::text(&value.value)));
        }
    }
    if let Some(y) = &meta.year {
        v.push((fields.year, FieldValue::I64(y.value)));
    }
    v.push((fields.format, FieldValue::text(doc.format.name())));
    if let Some(pages) = doc.pages {
        v.push((fields.pages, FieldValue::U64(u64::from(pages))));
    }
    Arc::new(v)
}

/// The tantivy document of passage `n` of `doc`.
fn passage(
    fields: &Fields,
    shared: &Arc<Values>,
    doc: &PreparedDoc,
    n: usize,
    section: &Section,
) -> PassageDoc {
    let title = FieldValue::text(&section.title);
    let title_words = match &section.speech {
        Some(speech) => FieldValue::text(&speech.who()),
        None => title.clone(),
    };
    let text = FieldValue::text(&section.text);
    let mut own: Values = vec![
        (
            fields.section_id,
            FieldValue::text(&format!("{}-{n}", doc.doc_id)),
        ),
        (fields.section_no, FieldValue::U64(n as u64)),
        (fields.section_title, title),
        (fields.section_title_words, title_words.clone()),
        (fields.section_title_bi, title_words),
        (fields.text, text.clone()),
        (fields.text_bi, text.clone()),
        (fields.text_rd, text),
    ];
    // The whole metadata (with its sources) is read only from a
    // document's first passage (summaries, the document view): stored once.
    if n == 0 {
        let meta_json = serde_json::to_string(&doc.meta).unwrap_or_default();
        own.push((fields.meta_json, FieldValue::text(&meta_json)));
    }
    // A speech's title is its speaker and first sentence, unique to the
    // passage: no completion to offer, a term per passage to keep.
    if section.speech.is_none()
        && let Some(key) = title_key(&section.title)
    {
        own.push((fields.section_title_key, FieldValue::text(&key)));
    }
    match &section.place {
        Some(Place::Page(page)) => {
            own.push((fields.page, FieldValue::U64(u64::from(*page))));
            if !section.page_breaks.is_empty() {
                let breaks = crate::sections::encode_breaks(&section.page_breaks);
                own.push((fields.page_breaks, FieldValue::text(&breaks)));
            }
            if !section.page_labels.is_empty() {
                let labels = crate::sections::encode_labels(&section.page_labels);
                own.push((fields.page_labels, FieldValue::text(&labels)));
            }
        }
        Some(Place::Sheet { name, row }) => {
            own.push((fields.sheet, FieldValue::text(name)));
            own.push((fields.sheet_row, FieldValue::U64(u64::from(*row))));
        }
        None => {}
    }
    if let Some(speech) = &section.speech {
        own.extend(speech_values(fields, speech));
    }
    PassageDoc {
        shared: Arc::clone(shared),
        own,
    }
}

/// The speech fields of a passage of council minutes.
fn speech_values(fields: &Fields, speech: &crate::sections::Speech) -> Values {
    let group = crate::sections::group_of(&speech.role);
    let mut v = vec![
        (fields.speech_no, FieldValue::U64(u64::from(speech.no))),
        (fields.speaker_group, FieldValue::text(group.name())),
    ];
    if !speech.speaker.is_empty() {
        v.push((fields.speaker, FieldValue::text(&speech.speaker)));
    }
    if !speech.role.is_empty() {
        v.push((fields.speaker_role, FieldValue::text(&speech.role)));
    }
    if let Some(agenda) = &speech.agenda {
        v.push((fields.agenda, FieldValue::text(agenda)));
    }
    if let Some(qa) = speech.qa {
        v.push((fields.qa, FieldValue::text(qa.kind.name())));
        v.push((fields.qa_thread, FieldValue::U64(u64::from(qa.thread))));
    }
    v
}

/// The form of a passage title used for completion: folded, lowercased,
/// at most 60 characters; `None` for untitled passages.
pub fn title_key(title: &str) -> Option<String> {
    let folded = crate::analysis::variants::fold_term(title).unwrap_or_else(|| title.to_string());
    let key: String = folded.chars().take(60).collect();
    (key.chars().count() >= 2).then_some(key)
}

fn file_stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name.to_string(),
    }
}

/// Extracts, describes and sections one file.
fn prepare(
    file: &ArchiveFile,
    fingerprint: String,
    manifest: Option<&ManifestRow>,
) -> std::result::Result<PreparedDoc, ExtractError> {
    let extracted = archive::extract(file)?;
    let sections = sections::split_extracted(&extracted);
    if sections.is_empty() {
        return Err(ExtractError::Empty("no text after extraction".to_string()));
    }
    let mut meta = meta::infer(&file.rel, &extracted, manifest);
    meta.indexed_at = Some(crate::meta::now_secs());
    Ok(PreparedDoc {
        doc_id: doc_id_for(&file.rel),
        rel: file.rel.clone(),
        fingerprint,
        meta,
        sections,
        format: file.format,
        pages: extracted.pages,
    })
}

/// Opens the index in `dir` for writing, creating it (or recreating it when
/// its schema version is outdated). Refuses to touch a non-empty directory
/// that is not a plansearch index.
///
/// A directory left half-created or half-removed by a crash (meta.json
/// without our marker, or our marker and segment files without meta.json)
/// is recognised as ours and rebuilt.
pub fn open_for_write(dir: &Path, analyzer: &Analyzer) -> Result<Index> {
    let index_error = |message: String| Error::Index {
        path: dir.to_path_buf(),
        message,
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| index_error(format!("cannot create the index directory: {e}")))?;
    let has_meta = dir.join("meta.json").exists();
    let version = reader::recorded_version(dir);
    let index = match (has_meta, version) {
        (true, Some(v)) if v == SCHEMA_VERSION => Index::open_in_dir(dir)?,
        (true, Some(_)) => {
            tracing::warn!(dir = %dir.display(), "index schema is outdated; rebuilding it");
            rebuild(dir)?
        }
        (true, None) => {
            // Our schema without our marker: a creation interrupted between
            // tantivy's meta.json and the marker (older builds wrote the
            // marker second). Anything else is someone else's index.
            let ours = Index::open_in_dir(dir).is_ok_and(|i| i.schema() == schema::build().0);
            if !ours {
                return Err(index_error(
                    "this directory holds an index not made by plansearch; choose another --index directory"
                        .to_string(),
                ));
            }
            tracing::warn!(dir = %dir.display(), "index creation was interrupted; rebuilding it");
            rebuild(dir)?
        }
        // Our marker without meta.json: a creation or rebuild was
        // interrupted; remove what it left and start afresh.
        (false, Some(_)) => rebuild(dir)?,
        (false, None) => {
            let foreign = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                !name.starts_with('.') && name != MARKER && !name.starts_with(state::STATE_FILE)
            });
            if foreign {
                return Err(index_error(
                    "the directory is not empty and holds no plansearch index; choose an empty or new --index directory"
                        .to_string(),
                ));
            }
            create(dir)?
        }
    };
    register_tokenizers(&index, analyzer);
    Ok(index)
}

/// Replaces whatever index files `dir` holds by an empty index, holding
/// tantivy's writer lock meanwhile so that a running writer is not pulled
/// out from under.
fn rebuild(dir: &Path) -> Result<Index> {
    use tantivy::directory::Directory;
    let directory =
        tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let _lock = directory
        .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK)
        .map_err(|e| writer_error(dir, tantivy::TantivyError::from(e)))?;
    remove_index_files(dir)?;
    create(dir)
}

/// tantivy's error for a held writer lock, in words a user can act on.
fn writer_error(dir: &Path, e: tantivy::TantivyError) -> Error {
    match e {
        tantivy::TantivyError::LockFailure(tantivy::directory::error::LockError::LockBusy, _) => {
            Error::Index {
                path: dir.to_path_buf(),
                message: "another `plansearch index` is updating this index right now; \
                          wait for it to finish, then run again"
                    .to_string(),
            }
        }
        e => e.into(),
    }
}

/// Creates an empty index. The marker goes first: a crash before tantivy's
/// meta.json exists leaves a directory [`open_for_write`] knows is ours.
fn create(dir: &Path) -> Result<Index> {
    reader::write_marker(dir)?;
    let (schema, _) = schema::build();
    Ok(Index::builder()
        .schema(schema)
        .settings(schema::settings())
        .create_in_dir(dir)?)
}

/// Removes tantivy's files, meta.json first so that an interrupted removal
/// never leaves an index that opens with missing segments. The marker stays
/// (it is rewritten by [`create`]) so the directory is still known as ours.
fn remove_index_files(dir: &Path) -> Result<()> {
    match std::fs::remove_file(dir.join("meta.json")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        // Lock files stay: another process may hold a lock on them, and
        // a new file would be a second, unrelated lock.
        let ours = name == ".managed.json"
            || is_segment_file(&name)
            || name == format!("{MARKER}.tmp")
            || name.starts_with(state::STATE_FILE);
        if ours && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// tantivy's segment files: `<32 hex digits>.<ext>` (and `.<n>.del`).
fn is_segment_file(name: &str) -> bool {
    let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && !ext.is_empty()
}

/// The fingerprint of every document in the committed index, read from its
/// first passage (the others are skipped by their `section_no` column
/// before any stored field is decoded).
fn existing_documents(searcher: &Searcher, fields: &Fields) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for segment in searcher.segment_readers() {
        let section_no = segment.fast_fields().u64("section_no")?;
        let store = segment.get_store_reader(64)?;
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) || section_no.first(doc) != Some(0) {
                continue;
            }
            let d: TantivyDocument = store.get(doc)?;
            let get = |f| d.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
            if let (Some(id), Some(fp)) = (get(fields.doc_id), get(fields.content_hash)) {
                out.insert(id, fp);
            }
        }
    }
    Ok(out)
}

/// Work per commit on long runs: a crash loses at most this much.
pub const COMMIT_EVERY_BYTES: u64 = 256 * 1024 * 1024;
const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_secs(300);
/// Files prepared (extracted, sectioned) at once, and their total size:
/// a batch of large files is cut short so memory stays bounded.
const BATCH_FILES: usize = 32;
const BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// Indexes `archive_dir` into `index_dir`, incrementally.
///
/// A per-file state record beside the index (see [`state`](super::state))
/// means an unchanged file costs a `stat`, a touched but identical file one
/// read, and a file that failed is not retried until it changes. Documents
/// are prepared in bounded batches; a long run commits every few minutes.
/// A run that finds nothing to change commits nothing (meta.json is left as
/// it is, so servers watching it do not reload). Only one run at a time may
/// update an index: a second one fails at once with a message saying so.
///
/// On failure (a full disk above all) what the run wrote and did not commit
/// is removed and the last commit stays the index that is served.
pub fn index_archive(
    archive_dir: &Path,
    index_dir: &Path,
    analyzer: &Analyzer,
    options: &IndexOptions,
) -> Result<IndexReport> {
    let started = Instant::now();
    let rchar_before = proc_rchar();
    let walk = archive::walk(archive_dir)?;
    let manifest = Manifest::load(archive_dir)?;
    let index = open_for_write(index_dir, analyzer).map_err(|e| disk_full(index_dir, e))?;
    let fields = Fields::from_schema(&index.schema())?;
    // The writer, and with it the index's lock, comes before reading what
    // the index holds: the changes are then worked out against the very
    // state this run's commit replaces. Read before the lock, a concurrent
    // run could commit in between and its documents would be added twice.
    let mut writer: IndexWriter = index
        .writer_with_num_threads(options.threads, options.memory_budget)
        .map_err(|e| disk_full(index_dir, writer_error(index_dir, e)))?;
    writer.set_merge_policy(Box::new(super::merge::BoundedMergePolicy::default()));
    let result = update(
        &walk,
        manifest.as_ref(),
        index_dir,
        &index,
        &fields,
        &mut writer,
        options,
    );
    let mut report = match result {
        Ok(report) => report,
        Err(e) => {
            // Nothing of this run's uncommitted work may stay on disk:
            // a full disk would otherwise stay full, and every later run
            // fail the same way.
            let _ = writer.rollback();
            drop(writer);
            if let Err(clean) = remove_uncommitted_files(index_dir) {
                tracing::warn!(error = %clean, "could not remove the files of the failed run");
            }
            return Err(disk_full(index_dir, e));
        }
    };
    writer
        .wait_merging_threads()
        .map_err(|e| disk_full(index_dir, e.into()))?;
    compact(&index);
    if let Err(e) = reader::record_archive_root(index_dir, archive_dir) {
        return Err(disk_full(index_dir, e));
    }
    report.elapsed_ms = started.elapsed().as_millis();
    report.io_read_bytes = match (rchar_before, proc_rchar()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    report.finished_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if let Err(e) = save_last_run(index_dir, &report) {
        return Err(disk_full(index_dir, e));
    }
    Ok(report)
}

/// Merges the small segments a run leaves ([`super::merge::compaction`]),
/// once the run's own merges are done. The run is committed already: a
/// compaction that cannot start (another run holds the lock) or fails (a
/// full disk) leaves a valid index with more segments, so it only warns.
fn compact(index: &Index) {
    let merges = match index.searchable_segment_metas() {
        Ok(metas) => super::merge::compaction(&metas, super::merge::MAX_SEGMENT_PASSAGES),
        Err(e) => {
            tracing::warn!(error = %e, "could not list segments to compact");
            return;
        }
    };
    if merges.is_empty() {
        return;
    }
    let run = || -> tantivy::Result<()> {
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15 * 1024 * 1024)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for ids in &merges {
            writer.merge(ids).wait()?;
        }
        commit(&mut writer).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        writer.wait_merging_threads()
    };
    if let Err(e) = run() {
        tracing::warn!(error = %e, "could not compact the index's segments; searches stay correct, a little slower");
    }
}

/// The body of [`index_archive`] once the writer (and its lock) is held.
fn update(
    walk: &archive::Walk,
    manifest: Option<&Manifest>,
    index_dir: &Path,
    index: &Index,
    fields: &Fields,
    writer: &mut IndexWriter,
    options: &IndexOptions,
) -> Result<IndexReport> {
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let existing = existing_documents(&reader.searcher(), fields)?;
    let mut record = State::load(index_dir);
    let mut record_dirty = false;

    let mut report = IndexReport {
        skipped: walk.skipped.clone(),
        manifest_problems: manifest.map(|m| m.problems.clone()).unwrap_or_default(),
        ..Default::default()
    };
    if let Some(m) = manifest {
        // Rows naming no file of the archive: a typo, or a file removed.
        let known: HashSet<&str> = walk
            .files
            .iter()
            .map(|f| f.rel.as_str())
            .chain(walk.skipped.iter().map(|s| s.rel.as_str()))
            .collect();
        let mut missing: Vec<(u64, &str)> = m
            .lines
            .iter()
            .filter(|(rel, _)| !known.contains(String::as_str(rel)))
            .map(|(rel, &line)| (line, String::as_str(rel)))
            .collect();
        missing.sort();
        for (line, rel) in missing {
            report.manifest_problems.push(format!(
                "line {line}: no file {rel:?} in the archive; row unused"
            ));
        }
    }
    let manifest_row = |rel: &str| manifest.and_then(|m| m.get(rel));

    // Which files need work. A file whose size and mtime match the record
    // is not read; one that differs is read and hashed, and only a new
    // hash (or a new manifest row, or pipeline) makes it a reindex.
    let checked: Vec<(usize, std::io::Result<Checked>)> = walk
        .files
        .par_iter()
        .enumerate()
        .map(|(i, f)| (i, check(f, record.files.get(&f.rel), manifest_row(&f.rel))))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut todo: Vec<(&ArchiveFile, FileState)> = Vec::new();
    for (i, checked) in checked {
        let file = &walk.files[i];
        let checked = match checked {
            Ok(c) => c,
            Err(e) => {
                report.skipped.push(Skipped::new(
                    file.rel.clone(),
                    &ExtractError::Unreadable(format!("cannot read: {e}")),
                ));
                continue;
            }
        };
        report.bytes_read += checked.bytes_read;
        let recorded = record.files.get(&file.rel);
        let id = doc_id_for(&file.rel);
        let entry = checked.entry;
        if let Some(reason) = recorded
            .filter(|r| r.fingerprint == entry.fingerprint)
            .and_then(|r| r.failed.clone())
        {
            // Failed before and unchanged since: not retried.
            let reason_code = recorded
                .and_then(|r| r.failed_code.clone())
                .unwrap_or_default();
            report.skipped.push(Skipped {
                rel: file.rel.clone(),
                reason,
                reason_code,
            });
            let entry = FileState {
                failed: recorded.and_then(|r| r.failed.clone()),
                failed_code: recorded.and_then(|r| r.failed_code.clone()),
                ..entry
            };
            if recorded != Some(&entry) {
                record_dirty = true;
                record.files.insert(file.rel.clone(), entry);
            }
            continue;
        }
        seen.insert(id.clone());
        if existing.get(&id) == Some(&entry.fingerprint) {
            report.unchanged += 1;
            if recorded != Some(&entry) {
                record_dirty = true;
                record.files.insert(file.rel.clone(), entry);
            }
        } else {
            todo.push((file, entry));
        }
    }

    let bar = progress_bar(options.progress, todo.len() as u64);
    let mut since_commit_bytes = 0u64;
    let mut since_commit = Instant::now();
    let mut changed = false;
    // Bounded batches keep memory flat on large archives while rayon
    // extracts in parallel and tantivy's threads analyze.
    for batch in batches(&todo) {
        let prepared: Vec<(usize, std::result::Result<PreparedDoc, ExtractError>)> = batch
            .par_iter()
            .enumerate()
            .map(|(i, (file, entry))| {
                let result = std::panic::catch_unwind(|| {
                    prepare(file, entry.fingerprint.clone(), manifest_row(&file.rel))
                })
                .unwrap_or_else(|_| {
                    Err(ExtractError::Internal(
                        "internal error while extracting (reported as a bug)".into(),
                    ))
                });
                (i, result)
            })
            .collect();
        for (i, result) in prepared {
            let (file, entry) = &batch[i];
            bar.inc(1);
            report.bytes_read += file.size;
            let mut entry = entry.clone();
            match result {
                Ok(mut doc) => {
                    let id_term = Term::from_field_text(fields.doc_id, &doc.doc_id);
                    if existing.contains_key(&doc.doc_id) {
                        writer.delete_term(id_term);
                        report.updated += 1;
                    } else {
                        report.added += 1;
                    }
                    report.bytes_processed += file.size;
                    since_commit_bytes += file.size;
                    // Passages go to tantivy one at a time, each one's text
                    // freed as it goes: a huge file is not held twice.
                    let shared = shared_values(fields, &doc);
                    let sections = std::mem::take(&mut doc.sections);
                    for (n, section) in sections.into_iter().enumerate() {
                        writer.add_document(passage(fields, &shared, &doc, n, &section))?;
                    }
                    changed = true;
                    entry.failed = None;
                    entry.failed_code = None;
                }
                Err(reason) => {
                    // A file that no longer extracts keeps no stale passages:
                    // it is deleted below with the vanished files (and
                    // counted there, once).
                    seen.remove(&doc_id_for(&file.rel));
                    entry.failed = Some(reason.to_string());
                    entry.failed_code = Some(reason.code().to_string());
                    report.skipped.push(Skipped::new(file.rel.clone(), &reason));
                }
            }
            record.files.insert(file.rel.clone(), entry);
            record_dirty = true;
        }
        if changed
            && (since_commit_bytes >= options.commit_every_bytes
                || since_commit.elapsed() >= COMMIT_EVERY)
        {
            // A long run commits as it goes: a crash loses minutes of work.
            commit(writer)?;
            save_record(&record, index_dir);
            report.commits += 1;
            since_commit_bytes = 0;
            since_commit = Instant::now();
        }
    }
    bar.finish_and_clear();
    for id in existing.keys() {
        if !seen.contains(id) {
            writer.delete_term(Term::from_field_text(fields.doc_id, id));
            report.deleted += 1;
            changed = true;
        }
    }
    let in_archive: HashSet<&str> = walk.files.iter().map(|f| f.rel.as_str()).collect();
    let before = record.files.len();
    record
        .files
        .retain(|rel, _| in_archive.contains(rel.as_str()));
    record_dirty |= record.files.len() != before;
    if changed {
        commit(writer)?;
        report.commits += 1;
        reader.reload()?;
    } else {
        // Nothing to change: no commit. Files an interrupted run left
        // behind are still removed (tantivy rewrites only its list of
        // managed files, and only when it deleted something).
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(error = %e, "could not remove files left by an earlier run");
        }
    }
    if record_dirty {
        save_record(&record, index_dir);
    }
    report.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));

    let searcher = reader.searcher();
    report.passages = searcher.num_docs();
    report.documents = searcher.search(&fields.first_passages(), &Count)?;
    Ok(report)
}

/// File beside the index holding the last run's report (skipped files,
/// manifest problems, when it finished), for `/api/archive`.
pub const LAST_RUN: &str = "last_run.json";

fn save_last_run(dir: &Path, report: &IndexReport) -> Result<()> {
    // A run that changed nothing leaves the directory untouched: the saved
    // report still says when the index was last updated and what it skips.
    let unchanged = report.added + report.updated + report.deleted == 0;
    if unchanged
        && let Some(previous) = last_run(dir)
        && previous.skipped.len() == report.skipped.len()
        && previous
            .skipped
            .iter()
            .zip(&report.skipped)
            .all(|(a, b)| a.rel == b.rel && a.reason == b.reason)
        && previous.manifest_problems == report.manifest_problems
    {
        return Ok(());
    }
    let tmp = dir.join(format!("{LAST_RUN}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(report).unwrap_or_default())?;
    std::fs::rename(tmp, dir.join(LAST_RUN))?;
    Ok(())
}

/// The report of the last index run into `dir`, if one was saved.
pub fn last_run(dir: &Path) -> Option<IndexReport> {
    let bytes = std::fs::read(dir.join(LAST_RUN)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Commits, recording the commit's time as its payload (reported by
/// `/healthz`, so that an operator can see which commit replicas are on).
fn commit(writer: &mut IndexWriter) -> Result<()> {
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::json!({ "committed_at": time }).to_string());
    prepared.commit()?;
    Ok(())
}

/// The state record is a cache: failing to write it costs the next run
/// reads, not correctness, so it is logged rather than failing the run.
fn save_record(record: &State, index_dir: &Path) {
    if let Err(e) = record.save(index_dir) {
        tracing::warn!(error = %e, "could not write the per-file state record");
    }
}

/// A file's current state and what it cost to find out.
struct Checked {
    entry: FileState,
    bytes_read: u64,
}

/// Stats `file`; reads and hashes it only when its size or mtime differ
/// from the record.
fn check(
    file: &ArchiveFile,
    recorded: Option<&FileState>,
    manifest: Option<&ManifestRow>,
) -> std::io::Result<Checked> {
    let meta = std::fs::metadata(&file.path)?;
    let size = meta.len();
    let mtime_ns = state::mtime_ns(&meta);
    let (hash, bytes_read) = match recorded {
        Some(r) if r.size == size && r.mtime_ns == mtime_ns && mtime_ns != 0 => (r.hash.clone(), 0),
        _ => {
            let bytes = std::fs::read(&file.path)?;
            let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
            (hash, bytes.len() as u64)
        }
    };
    let fingerprint = fingerprint(&hash, manifest);
    Ok(Checked {
        entry: FileState {
            rel: file.rel.clone(),
            size,
            mtime_ns,
            hash,
            fingerprint,
            failed: None,
            failed_code: None,
        },
        bytes_read,
    })
}

/// Splits the work into batches of at most [`BATCH_FILES`] files and, unless
/// a single file is larger, [`BATCH_BYTES`].
fn batches<'a, 'f, T>(todo: &'a [(&'f ArchiveFile, T)]) -> Vec<&'a [(&'f ArchiveFile, T)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (i, (file, _)) in todo.iter().enumerate() {
        if i > start && (i - start >= BATCH_FILES || bytes + file.size > BATCH_BYTES) {
            out.push(&todo[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += file.size;
    }
    if start < todo.len() {
        out.push(&todo[start..]);
    }
    out
}

/// Characters read by this process so far (`rchar` of /proc/self/io).
fn proc_rchar() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/io").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("rchar:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Whether `e` comes from a full disk (or an exhausted quota).
fn is_disk_full(e: &Error) -> bool {
    let text = format!("{e:?} {e}");
    text.contains("StorageFull")
        || text.contains("QuotaExceeded")
        || text.contains("No space left on device")
        || text.contains("os error 28")
        || text.contains("Disk quota exceeded")
}

/// Whether `e` is tantivy's "index writer was killed": a worker thread
/// failed, and the io::Error (often ENOSPC) is not part of the message.
fn is_writer_killed(e: &Error) -> bool {
    let text = format!("{e:?} {e}");
    text.contains("ErrorInThread") || text.contains("index writer was killed")
}

/// Bytes free to this user and the size of the file system holding `dir`.
fn disk_space(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` is a valid out-pointer.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let unit = st.f_frsize as u64;
    Some((st.f_bavail as u64 * unit, st.f_blocks as u64 * unit))
}

/// Whether a disk with `free` of `total` bytes left is (as good as) full:
/// under 64 MiB or 2 % (a failed segment's files may be gone already).
fn nearly_full((free, total): (u64, u64)) -> bool {
    free < 64 * 1024 * 1024 || free < total / 50
}

/// `e`, reworded when the disk is full: say so, and what to do. A killed
/// writer thread counts as a full disk when the disk is full now.
fn disk_full(index_dir: &Path, e: Error) -> Error {
    let full = is_disk_full(&e)
        || (is_writer_killed(&e) && disk_space(index_dir).is_some_and(nearly_full));
    if !full {
        return e;
    }
    Error::Index {
        path: index_dir.to_path_buf(),
        message: format!(
            "not enough disk space: the disk holding the index is full ({e}). \
             What this run wrote was removed and the previous index is unchanged; \
             free disk space and run again"
        ),
    }
}

/// Removes tantivy segment files that the committed meta.json does not
/// list: what a failed run wrote. Holds the writer lock meanwhile.
fn remove_uncommitted_files(dir: &Path) -> Result<()> {
    use tantivy::directory::Directory;
    let directory =
        tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let _lock = directory
        .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK)
        .map_err(|e| writer_error(dir, tantivy::TantivyError::from(e)))?;
    let meta = match std::fs::read_to_string(dir.join("meta.json")) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.into()),
    };
    let committed: HashSet<String> = serde_json::from_str::<serde_json::Value>(&meta)
        .ok()
        .and_then(|v| v.get("segments").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("segment_id").and_then(|id| id.as_str()))
        .map(|id| id.replace('-', ""))
        .collect();
    if meta.is_empty() || committed.is_empty() && !meta.contains("\"segments\"") {
        // No readable meta.json: nothing to compare against; leave it.
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if !is_segment_file(&name) {
            continue;
        }
        let stem = name.split('.').next().unwrap_or("");
        if !committed.contains(stem) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    // Temporary files of an atomic write cut short.
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".tmp") && entry.file_type()?.is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

fn progress_bar(enabled: bool, len: u64) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} files ({elapsed}, eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::IndexOptions;
    use super::{Error, Path, disk_space, is_disk_full, is_writer_killed, nearly_full};

    #[test]
    fn a_killed_writer_on_a_full_disk_says_disk_space() {
        let killed: Error = tantivy::TantivyError::ErrorInThread(
            "An index writer was killed. A worker thread encountered an error (io::Error \
             most likely) or panicked."
                .to_string(),
        )
        .into();
        assert!(is_writer_killed(&killed) && !is_disk_full(&killed));
        assert!(nearly_full((10 * 1024 * 1024, 1 << 40)));
        assert!(nearly_full((1 << 30, 1 << 40)), "under 2 %");
        assert!(!nearly_full((200 << 30, 1 << 40)));
        let (free, total) = disk_space(Path::new("/")).expect("statvfs of /");
        assert!(free <= total && total > 0);
    }

    const MB: usize = 1024 * 1024;

    #[test]
    fn default_budget_grows_with_threads_up_to_its_ceiling() {
        assert_eq!(IndexOptions::default_budget(1), 64 * MB);
        assert_eq!(IndexOptions::default_budget(2), 128 * MB);
        assert_eq!(IndexOptions::default_budget(8), 256 * MB);
        // tantivy refuses less than 15 MB per thread.
        for threads in 1..=8 {
            assert!(IndexOptions::default_budget(threads) / threads >= 15 * MB);
        }
        // An explicit budget is taken as given (at least 64 MB in all).
        assert_eq!(IndexOptions::budget(8, 64), 512 * MB);
        assert_eq!(IndexOptions::budget(1, 16), 64 * MB);
    }
}
