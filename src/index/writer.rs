//! Building and updating the index from an archive.
//!
//! Incremental: every document stores a fingerprint (hash of its bytes, its
//! manifest row and the pipeline version); unchanged files are skipped,
//! changed ones replaced, vanished ones deleted. All changes land in one
//! tantivy commit, so a crash at any point leaves the previous index intact.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::reader::{self, MARKER, register_tokenizers};
use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::analysis::Analyzer;
use crate::archive::{self, ArchiveFile, Format, Place, Skipped};
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
            memory_budget: 512 * 1024 * 1024,
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

fn fingerprint(bytes: &[u8], manifest: Option<&ManifestRow>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(PIPELINE_VERSION.as_bytes());
    h.update(bytes);
    h.update(format!("{manifest:?}").as_bytes());
    h.finalize().to_hex()[..32].to_string()
}

/// Turns one prepared document into tantivy documents, one per passage.
pub fn to_tantivy_docs(fields: &Fields, doc: &PreparedDoc) -> Vec<TantivyDocument> {
    let meta = &doc.meta;
    let title = meta
        .title
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_else(|| file_stem(&doc.rel));
    let meta_json = serde_json::to_string(meta).unwrap_or_default();
    doc.sections
        .iter()
        .enumerate()
        .map(|(n, section)| {
            let mut d = TantivyDocument::default();
            d.add_text(fields.doc_id, &doc.doc_id);
            d.add_text(fields.section_id, format!("{}-{n}", doc.doc_id));
            d.add_u64(fields.section_no, n as u64);
            d.add_text(fields.file, &doc.rel);
            d.add_text(fields.content_hash, &doc.fingerprint);
            d.add_text(fields.title, &title);
            d.add_text(fields.section_title, &section.title);
            d.add_text(fields.section_title_bi, &section.title);
            if let Some(key) = title_key(&section.title) {
                d.add_text(fields.section_title_key, key);
            }
            d.add_text(fields.text, &section.text);
            d.add_text(fields.text_bi, &section.text);
            d.add_text(fields.text_rd, &section.text);
            let mut text_field = |field, value: &Option<meta::Sourced<String>>| {
                if let Some(v) = value {
                    d.add_text(field, &v.value);
                }
            };
            text_field(fields.city, &meta.city);
            text_field(fields.prefecture, &meta.prefecture);
            text_field(fields.city_code, &meta.city_code);
            text_field(fields.department, &meta.department);
            text_field(fields.head, &meta.head);
            text_field(fields.doc_type, &meta.doc_type);
            text_field(fields.source_url, &meta.source_url);
            if let Some(y) = &meta.year {
                d.add_i64(fields.year, y.value);
            }
            d.add_text(fields.meta_json, &meta_json);
            d.add_text(fields.format, doc.format.name());
            if let Some(pages) = doc.pages {
                d.add_u64(fields.pages, u64::from(pages));
            }
            match &section.place {
                Some(Place::Page(page)) => d.add_u64(fields.page, u64::from(*page)),
                Some(Place::Sheet { name, row }) => {
                    d.add_text(fields.sheet, name);
                    d.add_u64(fields.sheet_row, u64::from(*row));
                }
                None => {}
            }
            d
        })
        .collect()
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
) -> std::result::Result<PreparedDoc, String> {
    let extracted = archive::extract(file)?;
    let sections = sections::split_extracted(&extracted);
    if sections.is_empty() {
        return Err("no text after extraction".to_string());
    }
    let meta = meta::infer(&file.rel, &extracted, manifest);
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
                !name.starts_with('.') && name != MARKER
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
    Ok(Index::create_in_dir(dir, schema)?)
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
        let ours =
            name == ".managed.json" || is_segment_file(&name) || name == format!("{MARKER}.tmp");
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

/// Indexes `archive_dir` into `index_dir`, incrementally.
///
/// All changes are one tantivy commit; a run that finds nothing to change
/// commits nothing (meta.json is left as it is, so servers watching it do
/// not reload). Only one run at a time may update an index: a second one
/// fails at once with a message saying so.
pub fn index_archive(
    archive_dir: &Path,
    index_dir: &Path,
    analyzer: &Analyzer,
    options: &IndexOptions,
) -> Result<IndexReport> {
    let started = Instant::now();
    let walk = archive::walk(archive_dir)?;
    let manifest = Manifest::load(archive_dir)?;
    let index = open_for_write(index_dir, analyzer)?;
    let fields = Fields::from_schema(&index.schema())?;
    // The writer, and with it the index's lock, comes before reading what
    // the index holds: the changes are then worked out against the very
    // state this run's commit replaces. Read before the lock, a concurrent
    // run could commit in between and its documents would be added twice.
    let mut writer: IndexWriter = index
        .writer_with_num_threads(options.threads, options.memory_budget)
        .map_err(|e| writer_error(index_dir, e))?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let existing = existing_documents(&reader.searcher(), &fields)?;

    let mut report = IndexReport {
        skipped: walk.skipped.clone(),
        manifest_problems: manifest
            .as_ref()
            .map(|m| m.problems.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    let manifest_row = |rel: &str| manifest.as_ref().and_then(|m| m.get(rel));

    // Which files need work: hash bytes first, extract only what changed.
    let mut seen: HashSet<String> = HashSet::new();
    let mut todo: Vec<(&ArchiveFile, String)> = Vec::new();
    let hashed: Vec<(usize, std::io::Result<String>)> = walk
        .files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let fp = std::fs::read(&f.path).map(|b| fingerprint(&b, manifest_row(&f.rel)));
            (i, fp)
        })
        .collect();
    for (i, fp) in hashed {
        let file = &walk.files[i];
        let fp = match fp {
            Ok(fp) => fp,
            Err(e) => {
                report.skipped.push(Skipped {
                    rel: file.rel.clone(),
                    reason: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let id = doc_id_for(&file.rel);
        seen.insert(id.clone());
        if existing.get(&id) == Some(&fp) {
            report.unchanged += 1;
        } else {
            todo.push((file, fp));
        }
    }

    let bar = progress_bar(options.progress, todo.len() as u64);
    // Bounded chunks keep memory flat on large archives while rayon extracts
    // in parallel and tantivy's threads analyze.
    for chunk in todo.chunks(32) {
        let prepared: Vec<(usize, std::result::Result<PreparedDoc, String>)> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, (file, fp))| {
                let result =
                    std::panic::catch_unwind(|| prepare(file, fp.clone(), manifest_row(&file.rel)))
                        .unwrap_or_else(|_| {
                            Err("internal error while extracting (reported as a bug)".into())
                        });
                (i, result)
            })
            .collect();
        for (i, result) in prepared {
            let (file, _) = chunk[i];
            bar.inc(1);
            match result {
                Ok(doc) => {
                    let id_term = Term::from_field_text(fields.doc_id, &doc.doc_id);
                    if existing.contains_key(&doc.doc_id) {
                        writer.delete_term(id_term);
                        report.updated += 1;
                    } else {
                        report.added += 1;
                    }
                    report.bytes_processed += file.size;
                    for d in to_tantivy_docs(&fields, &doc) {
                        writer.add_document(d)?;
                    }
                }
                Err(reason) => {
                    // A file that no longer extracts keeps no stale passages:
                    // it is deleted below with the vanished files (and
                    // counted there, once).
                    seen.remove(&doc_id_for(&file.rel));
                    report.skipped.push(Skipped {
                        rel: file.rel.clone(),
                        reason,
                    });
                }
            }
        }
    }
    bar.finish_and_clear();
    for id in existing.keys() {
        if !seen.contains(id) {
            writer.delete_term(Term::from_field_text(fields.doc_id, id));
            report.deleted += 1;
        }
    }
    if report.added + report.updated + report.deleted > 0 {
        writer.commit()?;
        writer.wait_merging_threads()?;
        reader.reload()?;
    } else {
        // Nothing to change: no commit. Files an interrupted run left
        // behind are still removed (tantivy rewrites only its list of
        // managed files, and only when it deleted something).
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(error = %e, "could not remove files left by an earlier run");
        }
        drop(writer);
    }
    report.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
    reader::record_archive_root(index_dir, archive_dir)?;

    let searcher = reader.searcher();
    report.passages = searcher.num_docs();
    report.documents = searcher.search(
        &TermQuery::new(
            Term::from_field_u64(fields.section_no, 0),
            IndexRecordOption::Basic,
        ),
        &Count,
    )?;
    report.elapsed_ms = started.elapsed().as_millis();
    report.finished_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    save_last_run(index_dir, &report)?;
    Ok(report)
}

/// File beside the index holding the last run's report (skipped files,
/// manifest problems, when it finished), for `/api/archive`.
pub const LAST_RUN: &str = "last_run.json";

fn save_last_run(dir: &Path, report: &IndexReport) -> Result<()> {
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
