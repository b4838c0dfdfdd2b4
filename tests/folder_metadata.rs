//! A folder's own manifest.csv and metadata inferred without any manifest,
//! through the whole pipeline (walk → extract → metadata → index →
//! documents). The archive is generated in a temporary folder; all cities,
//! names and texts are fictional.

mod common;

use std::fs;
use std::path::Path;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::Engine;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn folder_manifests_apply_to_their_folder_and_are_not_documents() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    write(
        &root,
        "manifest.csv",
        "path,city,year,doc_type\n\
         kakuu/minutes/a.txt,架空市,2020,会議録\n\
         top.txt,架空市,2019,\n",
    );
    write(
        &root,
        "kakuu/minutes/manifest.csv",
        "path,year,department,title\n\
         a.txt,2015,議会,架空市議会 第1回定例会\n\
         b.txt,2016,議会,\n\
         missing.txt,2017,,\n",
    );
    write(&root, "kakuu/minutes/a.txt", "架空市議会の会議の記録です。");
    write(
        &root,
        "kakuu/minutes/b.txt",
        "架空市議会の別の会議の記録です。",
    );
    write(&root, "top.txt", "架空市の資料です。");
    // No manifest at all: the printed title names the kind and the title.
    write(
        &root,
        "mihon/r9_yosan.txt",
        "令和9年度\n\n見本町 予算の概要\n\n一般会計の予算額は前年度より増えました。",
    );

    let analyzer = common::analyzer();
    let options = IndexOptions {
        progress: false,
        ..Default::default()
    };
    let index_dir = dir.path().join("index");
    let report = writer::index_archive(&root, &index_dir, &analyzer, &options).unwrap();
    let problems = report.manifest_problems.join("\n");
    assert!(
        problems.contains("no file \"kakuu/minutes/missing.txt\""),
        "{problems}"
    );

    let engine = Engine::new(
        IndexHandle::open(&index_dir, analyzer.clone()).unwrap(),
        Synonyms::builtin(),
    );
    let docs = engine
        .documents(&Default::default(), 100, 0)
        .unwrap()
        .documents;
    let mut files: Vec<&str> = docs.iter().map(|d| d.file.as_str()).collect();
    files.sort();
    assert_eq!(
        files,
        [
            "kakuu/minutes/a.txt",
            "kakuu/minutes/b.txt",
            "mihon/r9_yosan.txt",
            "top.txt"
        ],
        "a manifest is never a document"
    );
    let doc = |file: &str| docs.iter().find(|d| d.file == file).unwrap();
    // The nearer manifest's row replaces the root's.
    let a = doc("kakuu/minutes/a.txt");
    assert_eq!(a.year, Some(2015));
    assert_eq!(a.department.as_deref(), Some("議会"));
    assert_eq!(a.title, "架空市議会 第1回定例会");
    assert_eq!(
        a.sources.get("year"),
        Some(&plansearch::meta::Source::Manifest)
    );
    assert_eq!(doc("kakuu/minutes/b.txt").year, Some(2016));
    assert_eq!(doc("top.txt").year, Some(2019));

    let y = doc("mihon/r9_yosan.txt");
    assert_eq!(y.doc_type.as_deref(), Some("当初予算"));
    assert_eq!(y.title, "令和9年度見本町 予算の概要");
    assert_eq!(y.year, Some(2027));
}
