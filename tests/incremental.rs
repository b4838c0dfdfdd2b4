//! Incremental indexing on a generated fictional archive (架空市, 見本市, …):
//! what a re-run adds, replaces, deletes and leaves alone, that the report's
//! counts match the index after every step, and that a run with nothing to
//! do does almost no work and writes nothing. Also crash safety: the real
//! `plansearch index` binary is SIGKILLed at several points while updating
//! an index, and the previous index must stay intact and updatable.

mod common;
#[path = "support/fictional.rs"]
mod fictional;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use fictional::Doc;
use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::writer::{self, doc_id_for};
use plansearch::index::{IndexHandle, IndexOptions, IndexReport};
use plansearch::meta::Source;
use plansearch::search::documents::{DocumentSummary, MAX_DOCUMENTS};
use plansearch::search::{Engine, Filters, SearchRequest};

fn options() -> IndexOptions {
    common::index_options()
}

fn run(archive: &Path, index: &Path) -> IndexReport {
    common::index_into(archive, index)
}

/// A fresh engine over the committed index (no reload delay involved).
fn open(index: &Path) -> Engine {
    let handle = IndexHandle::open(index, common::analyzer()).expect("the index opens");
    Engine::new(handle, Synonyms::builtin())
}

/// Files of the passages whose text contains `word` (strict, exact check:
/// loosened matches of other documents do not count).
fn files_with(engine: &Engine, word: &str) -> BTreeSet<String> {
    let mut req = SearchRequest::new(word);
    req.limit = 100;
    req.include_text = true;
    req.facets = false;
    let resp = engine.search(&req).expect("search runs");
    resp.hits
        .into_iter()
        .filter(|h| h.text.as_deref().is_some_and(|t| t.contains(word)))
        .map(|h| h.file)
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The report and the index agree, and the index holds exactly `expected`
/// documents, each with contiguous passages `<id>-0..n` (no stale passage of
/// an older version). Returns the engine and passages per document.
fn check_counts(
    report: &IndexReport,
    index: &Path,
    expected: &BTreeSet<String>,
) -> (Engine, BTreeMap<String, usize>) {
    let engine = open(index);
    let all = all_documents(&engine);
    let files: BTreeSet<String> = all.iter().map(|d| d.file.clone()).collect();
    assert_eq!(&files, expected, "documents in the index");
    assert_eq!(all.len(), expected.len(), "one entry per document");
    assert_eq!(report.documents, expected.len(), "report.documents");
    let passages = engine.searcher().num_docs();
    assert_eq!(report.passages, passages, "report.passages");
    let mut per_doc = BTreeMap::new();
    let mut sum = 0;
    for d in &all {
        assert_eq!(d.doc_id, doc_id_for(&d.file));
        let detail = engine.document(&d.doc_id).unwrap();
        let ids: Vec<String> = detail
            .section_list
            .iter()
            .map(|s| s.section_id.clone())
            .collect();
        let want: Vec<String> = (0..ids.len())
            .map(|n| format!("{}-{n}", d.doc_id))
            .collect();
        assert_eq!(ids, want, "{}: passages of one version only", d.file);
        per_doc.insert(d.file.clone(), ids.len());
        sum += ids.len();
    }
    assert_eq!(
        sum as u64, passages,
        "every passage belongs to a listed document"
    );
    (engine, per_doc)
}

/// Every document, paging past the API's 1000 per request.
fn all_documents(engine: &Engine) -> Vec<DocumentSummary> {
    let mut out = Vec::new();
    loop {
        let page = engine
            .documents(&Filters::default(), MAX_DOCUMENTS, out.len())
            .unwrap();
        let done = page.documents.is_empty();
        out.extend(page.documents);
        if done || out.len() >= page.total {
            return out;
        }
    }
}

fn counts(r: &IndexReport) -> (usize, usize, usize, usize) {
    (r.added, r.updated, r.deleted, r.unchanged)
}

/// Every file of the index directory with its size and modification time,
/// and meta.json's bytes.
fn snapshot(index: &Path) -> (BTreeMap<String, (u64, SystemTime)>, Vec<u8>) {
    let files = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                (m.len(), m.modified().unwrap()),
            )
        })
        .collect();
    (files, std::fs::read(index.join("meta.json")).unwrap())
}

/// Segment ids (32 hex digits) referenced by meta.json.
fn committed_segments(index: &Path) -> BTreeSet<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect()
}

/// Segment files on disk whose segment is not in meta.json (left over).
fn orphan_segment_files(index: &Path) -> Vec<String> {
    let live = committed_segments(index);
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| {
            let stem = name.split('.').next().unwrap_or("");
            stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && !live.contains(stem)
        })
        .collect()
}

#[test]
fn first_run_adds_everything_and_a_no_change_rerun_is_cheap_and_writes_nothing() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..60, 4);
    let all: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();

    let first = run(archive.path(), index.path());
    assert_eq!(counts(&first), (60, 0, 0, 0));
    assert!(first.skipped.is_empty(), "{:?}", first.skipped);
    let (engine, per_doc) = check_counts(&first, index.path(), &all);
    assert!(per_doc.values().all(|&n| n >= 2), "{per_doc:?}");
    for d in [&docs[0], &docs[17], &docs[59]] {
        assert_eq!(
            files_with(&engine, &d.marker),
            set(&[&d.rel]),
            "{}",
            d.marker
        );
    }
    drop(engine);

    let before = snapshot(index.path());
    // How cheap the re-run is in time is measured by the benchmark (README);
    // here: it re-extracts nothing.
    let again = run(archive.path(), index.path());
    assert_eq!(counts(&again), (0, 0, 0, 60));
    assert_eq!(again.bytes_processed, 0, "nothing was re-extracted");
    assert_eq!(again.passages, first.passages);
    check_counts(&again, index.path(), &all);
    let after = snapshot(index.path());
    assert_eq!(
        String::from_utf8_lossy(&after.1),
        String::from_utf8_lossy(&before.1),
        "meta.json (opstamp) must not change when nothing changed"
    );
    assert_eq!(
        after.0, before.0,
        "no file was written, rewritten or removed"
    );
}

#[test]
fn modify_delete_and_rename_are_reflected_exactly() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let root = archive.path();
    let docs = fictional::generate(root, 0..8, 2);
    let mut expected: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();

    let r = run(root, index.path());
    assert_eq!(counts(&r), (8, 0, 0, 0));
    let (_, per_doc) = check_counts(&r, index.path(), &expected);

    // Modify one file: a new word instead of the old one, and a longer body
    // (more passages), then a shorter one (fewer: no stale passage stays).
    let mut changed = docs[3].clone();
    let old_word = changed.marker.clone();
    changed.marker = "ヌリョクトル".to_string();
    changed.paras = 3;
    let mut text = changed.text();
    text.push_str(
        "## 追加の取組\n\n新たにヌリョクトル協議会を設置し、関係団体と定期的に協議します。\n\n\
         協議会には市民公募の委員を加え、会議録をすべて公開します。\n\n\
         協議の結果は翌年度の予算編成に反映し、進捗を議会に報告します。\n",
    );
    std::fs::write(root.join(&changed.rel), text).unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 1, 0, 7), "{r:?}");
    let (engine, per_doc_after) = check_counts(&r, index.path(), &expected);
    assert_eq!(files_with(&engine, "ヌリョクトル"), set(&[&changed.rel]));
    assert!(
        files_with(&engine, &old_word).is_empty(),
        "old word is gone"
    );
    assert!(
        per_doc_after[&changed.rel] > per_doc[&changed.rel],
        "{per_doc:?} {per_doc_after:?}"
    );
    assert_eq!(
        r.passages,
        per_doc.values().sum::<usize>() as u64 - per_doc[&changed.rel] as u64
            + per_doc_after[&changed.rel] as u64
    );
    drop(engine);

    std::fs::write(
        root.join(&changed.rel),
        "# 架空市 令和5年度 運営方針\n\nヌリョクトル事業は完了しました。\n",
    )
    .unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 1, 0, 7), "{r:?}");
    let (engine, per_doc_short) = check_counts(&r, index.path(), &expected);
    assert_eq!(per_doc_short[&changed.rel], 1);
    assert!(
        files_with(&engine, "協議会").is_empty(),
        "stale passages are gone"
    );
    assert_eq!(files_with(&engine, "ヌリョクトル"), set(&[&changed.rel]));
    drop(engine);

    // Delete a file: its words are gone.
    let gone = &docs[5];
    std::fs::remove_file(root.join(&gone.rel)).unwrap();
    expected.remove(&gone.rel);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 1, 7), "{r:?}");
    let (engine, _) = check_counts(&r, index.path(), &expected);
    assert!(files_with(&engine, &gone.marker).is_empty());
    drop(engine);

    // Rename a file (into another folder): the old path's document is
    // deleted, the new path's added; same words, new identity.
    let moved = &docs[1];
    let new_rel = "見本市/移管/移管後の運営方針.md".to_string();
    std::fs::create_dir_all(root.join("見本市/移管")).unwrap();
    std::fs::rename(root.join(&moved.rel), root.join(&new_rel)).unwrap();
    expected.remove(&moved.rel);
    expected.insert(new_rel.clone());
    let r = run(root, index.path());
    assert_eq!(counts(&r), (1, 0, 1, 6), "{r:?}");
    let (engine, _) = check_counts(&r, index.path(), &expected);
    assert_eq!(files_with(&engine, &moved.marker), set(&[&new_rel]));
    assert!(engine.document(&doc_id_for(&moved.rel)).is_err());
    assert!(engine.document(&doc_id_for(&new_rel)).is_ok());
    drop(engine);

    // And a re-run after all that changes nothing.
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 0, 7), "{r:?}");
    check_counts(&r, index.path(), &expected);
}

#[test]
fn a_manifest_only_change_updates_the_document_metadata() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let root = archive.path();
    let docs = fictional::generate(root, 0..3, 1);
    let expected: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();
    let row = |d: &Doc, dept: &'static str, title: &'static str| {
        (d.rel.clone(), d.city, d.prefecture, d.year, dept, title)
    };
    let write_manifest = |rows: &[(String, &str, &str, i64, &str, &str)]| {
        let rows: Vec<_> = rows
            .iter()
            .map(|(p, c, pr, y, d, t)| (p.as_str(), *c, *pr, *y, *d, *t))
            .collect();
        std::fs::write(root.join("manifest.csv"), fictional::manifest(&rows)).unwrap();
    };
    write_manifest(&[
        row(&docs[0], "総務部", "架空市 総務部 運営方針"),
        row(&docs[1], "企画部", "見本市 企画部 運営方針"),
    ]);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (3, 0, 0, 0));
    assert!(r.manifest_problems.is_empty(), "{:?}", r.manifest_problems);
    let (engine, _) = check_counts(&r, index.path(), &expected);
    let d1 = engine.document(&doc_id_for(&docs[1].rel)).unwrap().summary;
    assert_eq!(d1.department.as_deref(), Some("企画部"));
    drop(engine);

    // Only docs[1]'s row changes (its file does not).
    write_manifest(&[
        row(&docs[0], "総務部", "架空市 総務部 運営方針"),
        row(&docs[1], "未来創造部", "見本市 未来創造部 新運営方針"),
    ]);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 1, 0, 2), "{r:?}");
    assert_eq!(
        r.bytes_processed,
        std::fs::metadata(root.join(&docs[1].rel)).unwrap().len()
    );
    let (engine, _) = check_counts(&r, index.path(), &expected);
    let d1 = engine.document(&doc_id_for(&docs[1].rel)).unwrap().summary;
    assert_eq!(d1.department.as_deref(), Some("未来創造部"));
    assert_eq!(d1.title, "見本市 未来創造部 新運営方針");
    assert_eq!(d1.sources.get("department"), Some(&Source::Manifest));
    // The filter sees the new value on every passage, the old value is gone.
    let mut req = SearchRequest::new(&docs[1].marker);
    req.filters.departments = vec!["未来創造部".into()];
    assert!(!engine.search(&req).unwrap().hits.is_empty());
    req.filters.departments = vec!["企画部".into()];
    assert!(engine.search(&req).unwrap().hits.is_empty());
    drop(engine);

    // Dropping the row reverts to inferred metadata: also an update.
    write_manifest(&[row(&docs[0], "総務部", "架空市 総務部 運営方針")]);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 1, 0, 2), "{r:?}");
    let (engine, _) = check_counts(&r, index.path(), &expected);
    let d1 = engine.document(&doc_id_for(&docs[1].rel)).unwrap().summary;
    assert_ne!(d1.department.as_deref(), Some("未来創造部"));
    assert_ne!(d1.sources.get("department"), Some(&Source::Manifest));
}

#[test]
fn a_file_that_becomes_binary_or_unreadable_loses_its_passages_and_is_skipped() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let root = archive.path();
    let docs = fictional::generate(root, 0..4, 1);
    let mut expected: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (4, 0, 0, 0));

    let skipped = |r: &IndexReport| -> BTreeMap<String, String> {
        r.skipped
            .iter()
            .map(|s| (s.rel.clone(), s.reason.clone()))
            .collect()
    };

    // Binary bytes under a .md name.
    let bin = &docs[1];
    std::fs::write(
        root.join(&bin.rel),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01",
    )
    .unwrap();
    expected.remove(&bin.rel);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 1, 3), "{r:?}");
    assert!(skipped(&r)[&bin.rel].contains("binary"), "{:?}", r.skipped);
    let (engine, _) = check_counts(&r, index.path(), &expected);
    assert!(files_with(&engine, &bin.marker).is_empty());
    drop(engine);

    // Still binary: nothing to do, still reported.
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 0, 3), "{r:?}");
    assert!(skipped(&r).contains_key(&bin.rel));
    check_counts(&r, index.path(), &expected);

    // Unreadable: replaced by a dangling symbolic link (tests run as root,
    // where permissions do not stop reads), and an emptied file.
    let unreadable = &docs[2];
    let emptied = &docs[3];
    std::fs::remove_file(root.join(&unreadable.rel)).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.md"), root.join(&unreadable.rel)).unwrap();
    std::fs::write(root.join(&emptied.rel), "  \n").unwrap();
    expected.remove(&unreadable.rel);
    expected.remove(&emptied.rel);
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 2, 1), "{r:?}");
    let s = skipped(&r);
    assert!(s[&unreadable.rel].contains("broken symbolic link"), "{s:?}");
    assert!(s[&emptied.rel].contains("empty"), "{s:?}");
    let (engine, _) = check_counts(&r, index.path(), &expected);
    assert!(files_with(&engine, &unreadable.marker).is_empty());
    assert!(files_with(&engine, &emptied.marker).is_empty());
    drop(engine);

    // Repaired: they come back as added documents.
    bin.write(root);
    std::fs::remove_file(root.join(&unreadable.rel)).unwrap();
    unreadable.write(root);
    expected.insert(bin.rel.clone());
    expected.insert(unreadable.rel.clone());
    let r = run(root, index.path());
    assert_eq!(counts(&r), (2, 0, 0, 1), "{r:?}");
    let (engine, _) = check_counts(&r, index.path(), &expected);
    assert_eq!(files_with(&engine, &bin.marker), set(&[&bin.rel]));
}

#[test]
fn a_second_writer_is_refused_clearly_and_the_index_is_untouched() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..3, 1);
    run(archive.path(), index.path());
    fictional::generate(archive.path(), 3..5, 1);
    let before = snapshot(index.path());

    // Another process (here: this one) is writing the index.
    let holder = plansearch::index::writer::open_for_write(index.path(), &common::analyzer())
        .unwrap()
        .writer::<tantivy::TantivyDocument>(20_000_000)
        .unwrap();
    let err = writer::index_archive(
        archive.path(),
        index.path(),
        &common::analyzer(),
        &options(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("another"), "{err}");
    drop(holder);
    assert_eq!(snapshot(index.path()).1, before.1);

    let r = run(archive.path(), index.path());
    assert_eq!(counts(&r), (2, 0, 0, 3));
    let _ = docs;
}

/// An index directory left in a state a crash can produce, between or
/// inside the steps of creating or rebuilding it, is reused, not refused.
#[test]
fn directories_left_by_an_interrupted_create_or_rebuild_are_recovered() {
    let archive = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..2, 1);
    let expected: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();

    // (a) tantivy's meta.json written, our marker not yet.
    let index = tempfile::tempdir().unwrap();
    run(archive.path(), index.path());
    std::fs::remove_file(index.path().join("plansearch.json")).unwrap();
    let r = run(archive.path(), index.path());
    check_counts(&r, index.path(), &expected);

    // (b) a rebuild removed meta.json but not yet the segment files.
    let index = tempfile::tempdir().unwrap();
    run(archive.path(), index.path());
    std::fs::remove_file(index.path().join("meta.json")).unwrap();
    let r = run(archive.path(), index.path());
    assert_eq!(counts(&r), (2, 0, 0, 0));
    check_counts(&r, index.path(), &expected);

    // A directory with someone else's files is still refused.
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("notes.txt"), "mine").unwrap();
    let err = writer::index_archive(
        archive.path(),
        foreign.path(),
        &common::analyzer(),
        &options(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not empty"), "{err}");
    // And so is a tantivy index of another schema.
    let other = tempfile::tempdir().unwrap();
    let mut b = tantivy::schema::Schema::builder();
    b.add_text_field("body", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(other.path(), b.build()).unwrap();
    let err = writer::index_archive(
        archive.path(),
        other.path(),
        &common::analyzer(),
        &options(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not made by plansearch"), "{err}");
}

// ---------------------------------------------------------------------------
// Crash safety with the real binary.

/// How a killed run left the index.
#[derive(Debug, PartialEq)]
enum State {
    Old,
    New,
}

/// Runs `plansearch index ARCHIVE --index DIR --json`, SIGKILLs it at
/// `kill` (never, when `None`), and returns whether it had already
/// finished, and when the kill was sent.
fn index_with_binary_killed_at(
    archive: &Path,
    index: &Path,
    kill: Option<KillAt>,
) -> (bool, Duration) {
    let before: BTreeSet<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .arg("index")
        .arg(archive)
        .arg("--index")
        .arg(index)
        .arg("--json")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    match kill {
        None => {
            let status = child.wait().unwrap();
            assert!(status.success(), "{status:?}");
            return (true, started.elapsed());
        }
        Some(KillAt::After(delay)) => std::thread::sleep(delay),
        Some(KillAt::FirstNewSegmentFile) => loop {
            let new_segment = std::fs::read_dir(index).unwrap().any(|e| {
                let name = e.unwrap().file_name().to_string_lossy().to_string();
                !before.contains(&name) && !name.starts_with('.') && name.len() > 32
            });
            if new_segment
                || child.try_wait().unwrap().is_some()
                || started.elapsed() > Duration::from_secs(120)
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        },
    }
    let finished = child.try_wait().unwrap().is_some();
    let at = started.elapsed();
    child.kill().ok(); // SIGKILL on Unix
    child.wait().unwrap();
    (finished, at)
}

#[derive(Debug, Clone, Copy)]
enum KillAt {
    After(Duration),
    /// As soon as the writer has created its first new segment file.
    FirstNewSegmentFile,
}

#[test]
fn sigkill_during_an_update_leaves_the_previous_index_intact() {
    // A: 6 documents. B: A with docs[2] changed, plus many more documents,
    // enough for indexing to take seconds in the dev profile.
    const B_DOCS: usize = 2000;
    let archive_a = tempfile::tempdir().unwrap();
    let archive_b = tempfile::tempdir().unwrap();
    let a_docs = fictional::generate(archive_a.path(), 0..6, 2);
    fictional::generate(archive_b.path(), 0..6, 2);
    let mut changed = a_docs[2].clone();
    changed.marker = "ヌカワッタル".to_string();
    changed.write(archive_b.path());
    let b_docs = fictional::generate(archive_b.path(), 6..B_DOCS, 10);
    let a_set: BTreeSet<String> = a_docs.iter().map(|d| d.rel.clone()).collect();
    let b_set: BTreeSet<String> = a_set
        .iter()
        .cloned()
        .chain(b_docs.iter().map(|d| d.rel.clone()))
        .collect();

    let build_a = || {
        let index = tempfile::tempdir().unwrap();
        let r = run(archive_a.path(), index.path());
        assert_eq!(r.documents, 6);
        (index, r.passages)
    };

    // Calibration: how long an uninterrupted update A → B takes.
    let (index, _) = build_a();
    let (_, full) = index_with_binary_killed_at(archive_b.path(), index.path(), None);
    let r = run(archive_b.path(), index.path());
    assert_eq!(counts(&r), (0, 0, 0, B_DOCS), "{r:?}");
    check_counts(&r, index.path(), &b_set);
    eprintln!(
        "uninterrupted `plansearch index` A → B: {} ms",
        full.as_millis()
    );
    drop(index);

    // Kill points: fixed delays; "as soon as the writer has created its
    // first new segment file"; then points bisecting between the latest
    // kill that left the old state and the earliest that found the new one,
    // which close in on the commit itself.
    let fixed: Vec<KillAt> = vec![
        KillAt::After(Duration::from_millis(200)),
        KillAt::After(Duration::from_secs(1)),
        KillAt::After(Duration::from_secs(2)),
        KillAt::FirstNewSegmentFile,
    ];
    let (mut lo, mut hi) = (Duration::ZERO, full);
    let mut outcomes = Vec::new();
    for i in 0..fixed.len() + 3 {
        let point = fixed
            .get(i)
            .copied()
            .unwrap_or(KillAt::After((lo + hi) / 2));
        let (index, a_passages) = build_a();
        let (finished, at) =
            index_with_binary_killed_at(archive_b.path(), index.path(), Some(point));

        // The index opens and is exactly the old or the complete new state.
        let engine = open(index.path());
        let all = engine.all_documents().unwrap();
        let passages = engine.searcher().num_docs();
        let state = if all.total == a_set.len() {
            let files: BTreeSet<String> = all.documents.iter().map(|d| d.file.clone()).collect();
            assert_eq!(files, a_set);
            assert_eq!(passages, a_passages, "old state, all of its passages");
            assert_eq!(
                files_with(&engine, &a_docs[2].marker),
                set(&[&a_docs[2].rel])
            );
            assert!(files_with(&engine, "ヌカワッタル").is_empty());
            State::Old
        } else {
            assert_eq!(
                all.total, B_DOCS,
                "neither the old nor the complete new state"
            );
            assert!(files_with(&engine, &a_docs[2].marker).is_empty());
            assert_eq!(files_with(&engine, "ヌカワッタル"), set(&[&a_docs[2].rel]));
            State::New
        };
        for d in a_docs.iter().filter(|d| d.rel != a_docs[2].rel) {
            assert_eq!(
                files_with(&engine, &d.marker),
                set(&[&d.rel]),
                "A is searchable"
            );
        }
        drop(engine);

        // The killed writer's lock file is still there (once written it
        // stays), but the lock is an flock the kernel released with the
        // process: it does not block a new run.
        assert!(index.path().join(".tantivy-writer.lock").exists());
        // In the old state, a run over A has nothing to change: it commits nothing,
        // and still removes the killed run's uncommitted segment files.
        if state == State::Old {
            let meta = std::fs::read(index.path().join("meta.json")).unwrap();
            let r = run(archive_a.path(), index.path());
            assert_eq!(counts(&r), (0, 0, 0, 6), "{r:?}");
            assert_eq!(std::fs::read(index.path().join("meta.json")).unwrap(), meta);
            assert_eq!(orphan_segment_files(index.path()), Vec::<String>::new());
        }

        // A run over B completes to the new state; leftovers are collected.
        let t = Instant::now();
        let r = run(archive_b.path(), index.path());
        let took = t.elapsed();
        let expected_counts = match state {
            State::Old => (B_DOCS - 6, 1, 0, 5),
            State::New => (0, 0, 0, B_DOCS),
        };
        assert_eq!(counts(&r), expected_counts, "{r:?}");
        check_counts(&r, index.path(), &b_set);
        assert_eq!(orphan_segment_files(index.path()), Vec::<String>::new());
        let label = match point {
            KillAt::After(d) if i >= fixed.len() => format!("{} ms (bisecting)", d.as_millis()),
            KillAt::After(d) => format!("{} ms", d.as_millis()),
            KillAt::FirstNewSegmentFile => "first new segment file".to_string(),
        };
        match state {
            State::Old => lo = lo.max(at),
            State::New => hi = hi.min(at),
        }
        eprintln!(
            "kill at {label} (sent at {} ms, had finished: {finished}): index in {state:?} \
             state; recovery run {} ms: {:?}",
            at.as_millis(),
            took.as_millis(),
            counts(&r)
        );
        outcomes.push((label, state, finished));
    }
    // Some kills must really interrupt the update, or the test proves
    // nothing (the archive would be too small).
    assert!(
        outcomes
            .iter()
            .filter(|(_, s, f)| *s == State::Old && !f)
            .count()
            >= 3,
        "{outcomes:?}"
    );
}

/// Sets `path`'s modification time `secs` seconds later than it is.
fn touch_later(path: &Path, secs: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    let mtime = file.metadata().unwrap().modified().unwrap();
    file.set_modified(mtime + Duration::from_secs(secs))
        .unwrap();
}

#[test]
fn the_state_record_makes_unchanged_files_cost_a_stat_and_touched_files_a_read() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let root = archive.path();
    let docs = fictional::generate(root, 0..8, 2);
    let total: u64 = docs
        .iter()
        .map(|d| std::fs::metadata(root.join(&d.rel)).unwrap().len())
        .sum();
    let first = run(root, index.path());
    assert_eq!(counts(&first), (8, 0, 0, 0));
    assert_eq!(first.bytes_read, 2 * total, "hashed, then extracted");
    let record = index.path().join(writer_state_file());
    assert!(
        record.is_file(),
        "the state record is written beside the index"
    );
    let lines = std::fs::read_to_string(&record).unwrap();
    assert_eq!(lines.lines().count(), 8, "{lines}");

    // Unchanged: no file content is read at all.
    let again = run(root, index.path());
    assert_eq!(counts(&again), (0, 0, 0, 8));
    assert_eq!(again.bytes_read, 0, "an unchanged re-run reads no file");

    // Touched, same bytes: one read, no reindex, and the record learns the
    // new mtime (the run after reads nothing again).
    let touched = root.join(&docs[3].rel);
    touch_later(&touched, 60);
    let size = std::fs::metadata(&touched).unwrap().len();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 0, 8), "{r:?}");
    assert_eq!(r.bytes_read, size, "only the touched file is read");
    assert_eq!(r.bytes_processed, 0, "and it is not reindexed");
    assert_eq!(run(root, index.path()).bytes_read, 0);

    // Changed bytes, same size and mtime as recorded cannot be told apart
    // without reading; a changed size can: it is read and reindexed.
    let edited = &docs[5];
    let text = std::fs::read_to_string(root.join(&edited.rel)).unwrap();
    std::fs::write(
        root.join(&edited.rel),
        format!("{text}\n追記ヌパパパル。\n"),
    )
    .unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 1, 0, 7), "{r:?}");
    let engine = open(index.path());
    assert_eq!(files_with(&engine, "ヌパパパル"), set(&[&edited.rel]));
    drop(engine);

    // A lost or damaged record costs reads, never a wrong answer.
    std::fs::write(&record, "garbage\n").unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 0, 8), "{r:?}");
    assert!(r.bytes_read > 0);
    assert_eq!(run(root, index.path()).bytes_read, 0, "and it is rebuilt");
}

#[test]
fn a_file_that_failed_is_not_retried_until_it_changes() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let root = archive.path();
    let docs = fictional::generate(root, 0..3, 1);
    let bad = root.join("壊れた.md");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01").unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (3, 0, 0, 0));
    let reason = |r: &IndexReport| {
        r.skipped
            .iter()
            .find(|s| s.rel == "壊れた.md")
            .map(|s| s.reason.clone())
    };
    let first_reason = reason(&r).expect("the binary file is skipped");

    // Not retried: not read, still reported with the same reason.
    let r = run(root, index.path());
    assert_eq!(counts(&r), (0, 0, 0, 3));
    assert_eq!(r.bytes_read, 0, "{r:?}");
    assert_eq!(reason(&r).as_deref(), Some(first_reason.as_str()));

    // Touched but still the same bytes: read once to hash, not extracted.
    touch_later(&bad, 60);
    let r = run(root, index.path());
    assert_eq!(r.bytes_read, std::fs::metadata(&bad).unwrap().len());
    assert!(reason(&r).is_some());

    // Repaired: retried and indexed.
    docs[0].write(root);
    std::fs::write(&bad, "# 修理済み\n\nヌピピピルの計画を進めます。\n").unwrap();
    let r = run(root, index.path());
    assert_eq!(counts(&r), (1, 0, 0, 3), "{r:?}");
    assert!(reason(&r).is_none());
    let engine = open(index.path());
    assert_eq!(files_with(&engine, "ヌピピピル"), set(&["壊れた.md"]));
}

fn writer_state_file() -> &'static str {
    plansearch::index::state::STATE_FILE
}

#[test]
fn a_long_run_commits_as_it_goes() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..100, 2);
    let all: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();
    let options = IndexOptions {
        commit_every_bytes: 0,
        ..options()
    };
    let report =
        writer::index_archive(archive.path(), index.path(), &common::analyzer(), &options).unwrap();
    // 100 files make 4 batches of at most 32: a commit after each, and the
    // final one.
    assert!(report.commits >= 4, "{report:?}");
    assert_eq!(counts(&report), (100, 0, 0, 0));
    check_counts(&report, index.path(), &all);
}

#[test]
fn a_run_killed_after_a_periodic_commit_keeps_that_commit_and_the_next_run_resumes() {
    const DOCS: usize = 1500;
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..DOCS, 10);
    let all: BTreeSet<String> = docs.iter().map(|d| d.rel.clone()).collect();
    let total_bytes: u64 = docs
        .iter()
        .map(|d| {
            std::fs::metadata(archive.path().join(&d.rel))
                .unwrap()
                .len()
        })
        .sum();

    let mut child = Command::new(env!("CARGO_BIN_EXE_plansearch"))
        .arg("index")
        .arg(archive.path())
        .arg("--index")
        .arg(index.path())
        .args(["--json", "--threads", "1", "--commit-every-mb", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    // The per-file record is saved right after each periodic commit.
    let record = index.path().join("plansearch-state.jsonl");
    common::wait_until(Duration::from_secs(120), "a periodic commit", || {
        record.exists()
    });
    let finished = child.try_wait().unwrap().is_some();
    child.kill().ok(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !finished,
        "the run finished before its first periodic commit was seen; make the archive larger"
    );

    // The committed part is there and searchable.
    let committed = all_documents(&open(index.path())).len();
    assert!(committed > 0 && committed < DOCS, "{committed} of {DOCS}");

    // The next run processes only what the killed run had not committed.
    let again = run(archive.path(), index.path());
    assert!(
        again.bytes_processed < total_bytes,
        "{} of {total_bytes} bytes processed again",
        again.bytes_processed
    );
    assert!(again.unchanged >= committed, "{again:?}");
    assert_eq!(again.documents, DOCS);
    check_counts(&again, index.path(), &all);
    assert_eq!(orphan_segment_files(index.path()), Vec::<String>::new());
}

/// What the index stores once: the whole metadata only on a document's
/// first passage (a document view and 新着 still read it), keyword fields
/// without length norms, the stored text compressed with zstd; the disk
/// report accounts for every byte of the segments.
#[test]
fn metadata_is_stored_once_per_document_and_the_disk_report_adds_up() {
    let archive = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    let docs = fictional::generate(archive.path(), 0..12, 4);
    let report = run(archive.path(), index.path());
    assert_eq!(counts(&report), (12, 0, 0, 0));
    let engine = open(index.path());
    let searcher = engine.searcher();
    let f = engine.fields();

    let mut with_meta = 0;
    let mut passages = 0;
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        for doc in 0..seg.max_doc() {
            let d: tantivy::TantivyDocument = searcher
                .doc(tantivy::DocAddress::new(ord as u32, doc))
                .unwrap();
            passages += 1;
            if d.get_first(f.meta_json).is_some() {
                with_meta += 1;
            }
        }
    }
    assert!(passages > docs.len(), "documents of several passages");
    assert_eq!(with_meta, docs.len(), "one stored metadata per document");

    // Every document still shows its metadata and when it was indexed.
    let list = engine.documents(&Filters::default(), 100, 0).unwrap();
    assert_eq!(list.documents.len(), docs.len());
    let ids: Vec<String> = list.documents.iter().map(|d| d.doc_id.clone()).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let at = engine.indexed_at(&id_refs).unwrap();
    assert!(ids.iter().all(|id| at[id].is_some()), "{at:?}");

    let usage = plansearch::index::usage::disk_usage(&searcher).unwrap();
    let field = |name: &str| {
        usage
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    };
    assert!(field("text").positions > 0 && field("text").stored > 0);
    assert!(field("text_bi").positions > 0 && field("text_bi").stored == 0);
    for keyword in ["doc_id", "city", "section_id", "year", "section_no"] {
        assert_eq!(field(keyword).fieldnorms, 0, "{keyword} keeps no norms");
    }
    let summed: u64 = usage.fields.iter().map(|(_, b)| b.total()).sum();
    let diff = summed.abs_diff(usage.total);
    assert!(
        diff * 100 <= usage.total,
        "per-field bytes {summed} add up to the segments' {}",
        usage.total
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index.path().join("meta.json")).unwrap())
            .unwrap();
    assert!(
        meta["index_settings"]["docstore_compression"]
            .as_str()
            .is_some_and(|c| c.starts_with("zstd")),
        "{}",
        meta["index_settings"]
    );
}
