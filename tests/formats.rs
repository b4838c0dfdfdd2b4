//! PDF, Excel, Word and CSV/TSV through the real pipeline: extraction,
//! metadata, sections, index and search.
//!
//! * the real files of `../shared/formats` and `../shared/pdf` (skipped when
//!   `../shared` is missing outside CI), under meaningless names;
//! * the committed fixtures of `tests/fixtures/formats` (fictional cities,
//!   made by `scripts/make-format-fixtures`);
//! * hostile files made at run time.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use plansearch::analysis::synonyms::Synonyms;
use plansearch::archive::{self, Block, Extracted, Place};
use plansearch::index::{IndexHandle, IndexOptions, IndexReport, writer};
use plansearch::meta::{self, DocMeta};
use plansearch::search::{Engine, SearchRequest};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// Extracts every file the walk takes from `dir` (no manifest).
fn extract_all(dir: &Path) -> HashMap<String, Result<(Extracted, DocMeta), String>> {
    let walk = archive::walk(dir).unwrap();
    walk.files
        .iter()
        .map(|f| {
            let got = archive::extract(f)
                .map(|ex| {
                    let meta = meta::infer(&f.rel, &ex, None);
                    (ex, meta)
                })
                .map_err(|e| e.to_string());
            (f.rel.clone(), got)
        })
        .collect()
}

/// Copies `files` of `from` into a new temp dir as `f0.ext`, `f1.ext`, …:
/// file names must not matter. Returns the dir and original → copy name.
fn copy_renamed(from: &Path, files: &[String]) -> (tempfile::TempDir, HashMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut names = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let ext = f.rsplit('.').next().unwrap();
        let copy = format!("f{i}.{ext}");
        fs::copy(from.join(f), dir.path().join(&copy)).unwrap();
        names.insert(f.clone(), copy);
    }
    (dir, names)
}

fn index(dir: &Path) -> (tempfile::TempDir, Engine, IndexReport) {
    let index_dir = tempfile::tempdir().unwrap();
    let options = IndexOptions {
        progress: false,
        ..Default::default()
    };
    let report = writer::index_archive(dir, index_dir.path(), &common::analyzer(), &options)
        .expect("the folder indexes");
    let handle = IndexHandle::open(index_dir.path(), common::analyzer()).unwrap();
    (index_dir, Engine::new(handle, Synonyms::builtin()), report)
}

fn expected_rows(dir: &Path) -> Vec<csv::StringRecord> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(dir.join("expected.csv"))
        .unwrap();
    rdr.records().map(Result::unwrap).collect()
}

// ------------------------------------------------------------ real files

#[test]
fn real_files_reproduce_their_expected_metadata_whatever_their_names() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for sub in ["formats", "pdf"] {
        let from = shared.join(sub);
        let rows = expected_rows(&from);
        let files: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
        let (dir, names) = copy_renamed(&from, &files);
        let got = extract_all(dir.path());
        for row in &rows {
            let file = &row[0];
            let (_, m) = got[&names[file]]
                .as_ref()
                .unwrap_or_else(|e| panic!("{file} not extracted: {e}"));
            let value = |f: &Option<meta::Sourced<String>>| f.as_ref().map(|s| s.value.clone());
            let fields = [
                ("city", &row[1], value(&m.city)),
                ("prefecture", &row[2], value(&m.prefecture)),
                ("city_code", &row[3], value(&m.city_code)),
                (
                    "year",
                    &row[4],
                    m.year.as_ref().map(|y| y.value.to_string()),
                ),
                ("department", &row[5], value(&m.department)),
                ("head", &row[6], value(&m.head)),
                ("doc_type", &row[7], value(&m.doc_type)),
            ];
            for (name, expected, got) in fields {
                if expected.is_empty() {
                    continue;
                }
                checked += 1;
                if got.as_deref() != Some(expected) {
                    failures.push(format!(
                        "{sub}/{file}: {name} expected {expected:?}, got {got:?}"
                    ));
                }
            }
        }
    }
    assert!(checked > 40, "{checked}");
    assert!(
        failures.is_empty(),
        "{checked} checked, failed:\n{}",
        failures.join("\n")
    );
}

/// Every how-many-th sentence of a twin is searched for.
const SENTENCE_STEP: usize = 1;

/// Sentences (split after 。) of at least 12 characters.
fn sentences(ex: &Extracted) -> Vec<String> {
    ex.plain_text()
        .lines()
        .flat_map(|l| l.split_inclusive('。').map(str::trim).collect::<Vec<_>>())
        .filter(|s| s.chars().count() >= 12 && !s.contains('\t') && !s.contains('"'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn format_files_yield_the_passages_of_their_text_twins() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let from = shared.join("formats");
    let twins = [
        ("kashiwara_2020_seisaku.docx", "002_"),
        ("kashiwara_2020_seisaku.pdf", "002_"),
        ("mitaka_2019_kikaku.docx", "003_"),
        ("toyonaka_2020_toshikeiei.xlsx", "000_"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let seeds = shared.join("corpus/seeds");
    let mut pairs = Vec::new();
    for (i, (file, prefix)) in twins.iter().enumerate() {
        let ext = file.rsplit('.').next().unwrap();
        let copy = format!("f{i}.{ext}");
        fs::copy(from.join(file), dir.path().join(&copy)).unwrap();
        let twin = fs::read_dir(&seeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .unwrap();
        let twin_copy = format!("t{i}.txt");
        fs::copy(&twin, dir.path().join(&twin_copy)).unwrap();
        pairs.push((file.to_string(), copy, twin_copy));
    }
    let walk = archive::walk(dir.path()).unwrap();
    let (_index_dir, engine, report) = index(dir.path());
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);

    let mut summary = Vec::new();
    let (mut all_tried, mut all_found) = (0, 0);
    for (file, copy, twin_copy) in &pairs {
        let twin_file = walk.files.iter().find(|f| &f.rel == twin_copy).unwrap();
        let twin = archive::extract(twin_file).unwrap();
        let (mut tried, mut found, mut titled, mut same_title) = (0, 0, 0, 0);
        let mut missed = Vec::new();
        for sentence in sentences(&twin).iter().step_by(SENTENCE_STEP) {
            tried += 1;
            let mut req = SearchRequest::new(format!("\"{sentence}\""));
            req.limit = 50;
            let hits = engine.search(&req).unwrap().hits;
            let in_twin = hits.iter().find(|h| &h.file == twin_copy);
            let in_format = hits.iter().find(|h| &h.file == copy);
            if in_twin.is_none() {
                // The twin's title line is the document title, not passage
                // text: a sentence the twin does not find tests nothing.
                tried -= 1;
                continue;
            }
            match in_format {
                Some(h) => {
                    found += 1;
                    if let Some(t) = in_twin.filter(|t| !t.section_title.is_empty()) {
                        titled += 1;
                        if t.section_title == h.section_title {
                            same_title += 1;
                        } else {
                            missed.push(format!(
                                "title {:?} ≠ twin's {:?}",
                                h.section_title, t.section_title
                            ));
                        }
                    }
                }
                None => missed.push(format!("not found: {sentence}")),
            }
        }
        all_tried += tried;
        all_found += found;
        eprintln!(
            "{file}: {found}/{tried} sentences found, {same_title}/{titled} with the twin's section title"
        );
        for m in &missed {
            eprintln!("  {m}");
        }
        summary.push((file.clone(), tried, found, titled, same_title));
    }
    for (file, tried, found, titled, same_title) in &summary {
        assert!(*tried >= 5, "{file}: too few sentences tried");
        // Every sentence of Word and Excel files is found; PDF layout may
        // still break a rare one.
        let floor = if file.ends_with(".pdf") { 0.9 } else { 1.0 };
        assert!(
            *found as f64 >= floor * *tried as f64,
            "{file}: {found}/{tried} found"
        );
        assert!(
            *same_title as f64 >= 0.8 * *titled as f64,
            "{file}: {same_title}/{titled} section titles as the twin's"
        );
    }
    assert!(all_found * 10 >= all_tried * 9, "{all_found}/{all_tried}");
}

// ------------------------------------------------------------- fixtures

fn fixture(name: &str) -> Extracted {
    let walk = archive::walk(&fixtures()).unwrap();
    let file = walk.files.iter().find(|f| f.rel == name).unwrap();
    archive::extract(file).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn pdf_fixture_has_pages_and_its_title() {
    let ex = fixture("plan.pdf");
    assert_eq!(ex.pages, Some(2));
    assert_eq!(
        ex.doc_title.as_deref(),
        Some("架空市 令和5年度 企画部の運営方針")
    );
    let page_of = |needle: &str| {
        let i = ex
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Para(s) if s.contains(needle)))
            .unwrap_or_else(|| panic!("{needle} not in {:#?}", ex.blocks));
        ex.place_of(i).cloned()
    };
    assert_eq!(page_of("令和5年度 企画部の運営方針"), Some(Place::Page(1)));
    assert_eq!(
        page_of("まちの将来像を描く計画づくり"),
        Some(Place::Page(1))
    );
    assert_eq!(page_of("次年度への課題"), Some(Place::Page(2)));
    assert_eq!(page_of("公共施設の相互利用"), Some(Place::Page(2)));
}

#[test]
fn docx_fixture_has_headings_paragraphs_a_table_and_its_title() {
    let ex = fixture("plan.docx");
    assert_eq!(
        ex.doc_title.as_deref(),
        Some("架空市 令和5年度 企画部の運営方針")
    );
    assert!(ex.places.is_empty());
    let row = |c: &[&str]| Block::Row(c.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        ex.blocks,
        [
            Block::Heading("令和5年度 企画部の運営方針".into()),
            Block::Para(
                "架空市企画部は、市民の声を聴き、まちの将来像を描く計画づくりを進めます。".into()
            ),
            Block::Heading("重点課題".into()),
            row(&["事業名", "内容"]),
            row(&["総合計画の推進", "進捗を点検します。\n結果を公表します。"]),
            Block::Heading("次年度への課題".into()),
            Block::Para("見本町との広域連携により、公共施設の相互利用を広げます。".into()),
        ]
    );
}

#[test]
fn xlsx_fixture_has_every_sheet_with_rows_and_line_breaks() {
    let ex = fixture("budget.xlsx");
    let row = |c: &[&str]| Block::Row(c.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        ex.blocks,
        [
            row(&["科目", "金額"]),
            row(&["市税", "1200"]),
            row(&["事業", "説明"]),
            row(&[
                "架空市公園整備",
                "遊具を更新します。\n見本町と共同で発注します。"
            ]),
        ]
    );
    let sheet = |name: &str, row: u32| {
        Some(Place::Sheet {
            name: name.into(),
            row,
        })
    };
    assert_eq!(ex.place_of(0).cloned(), sheet("歳入", 1));
    assert_eq!(ex.place_of(1).cloned(), sheet("歳入", 2));
    assert_eq!(ex.place_of(2).cloned(), sheet("歳出", 1));
    assert_eq!(ex.place_of(3).cloned(), sheet("歳出", 2));
    assert_eq!(ex.doc_title, None);
}

#[test]
fn csv_and_tsv_fixtures_are_records_with_declared_year() {
    let ex = fixture("news.csv");
    assert_eq!(ex.encoding, "Shift_JIS");
    assert_eq!(
        ex.blocks[0],
        Block::Record {
            title: "図書館の開館時間を延長します".into(),
            lines: vec![
                "自治体名: 架空県架空市".into(),
                "公開年月: 2023.06.01".into(),
                "記事本文: 平日は20時まで開館します。".into(),
                "土日は18時までです。".into(),
            ],
        }
    );
    assert_eq!(ex.blocks.len(), 2);
    assert_eq!(ex.declared.city.as_deref(), Some("架空県架空市"));
    assert_eq!(ex.declared.year, Some(2023));
    let meta = meta::infer("news.csv", &ex, None);
    assert_eq!(meta.year.unwrap().value, 2023);

    let ex = fixture("projects.tsv");
    assert_eq!(
        ex.blocks[1],
        Block::Record {
            title: "見本町防災訓練".into(),
            lines: vec![
                "年度: 令和5年度".into(),
                "担当課: 総務課".into(),
                "概要: 全町一斉の避難訓練を行います。".into(),
            ],
        }
    );
    assert_eq!(ex.declared.year, Some(2023));
}

#[test]
fn fixtures_are_searchable_with_record_titles() {
    let (_index_dir, engine, report) = index(&fixtures());
    assert_eq!(report.documents, 5, "{:#?}", report.skipped);
    let hits = |q: &str| engine.search(&SearchRequest::new(q)).unwrap().hits;
    let h = hits("\"土日は18時までです\"");
    assert_eq!(h[0].file, "news.csv");
    assert_eq!(h[0].section_title, "図書館の開館時間を延長します");
    assert!(
        hits("\"公共施設の相互利用\"")
            .iter()
            .any(|h| h.file == "plan.pdf")
    );
    assert!(
        hits("\"見本町と共同で発注します\"")
            .iter()
            .any(|h| h.file == "budget.xlsx")
    );
}

// ---------------------------------------------------------------- hostile

/// A zip whose one entry inflates from a few KiB to `inflated` bytes.
fn zip_bomb(entry: &str, inflated: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file(entry, options).unwrap();
    let chunk = vec![b'<'; 1 << 20];
    for _ in 0..inflated / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A .docx whose document.xml nests `depth` elements.
fn deep_docx(depth: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    let xml = format!(
        "<w:document xmlns:w=\"w\"><w:body>{}{}</w:body></w:document>",
        "<w:p>".repeat(depth),
        "</w:p>".repeat(depth)
    );
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn hostile_files_each_get_their_reason_and_cost_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let good = fs::read(fixtures().join("plan.pdf")).unwrap();
    fs::write(root.join("good.pdf"), &good).unwrap();
    fs::copy(fixtures().join("plan.docx"), root.join("good.docx")).unwrap();
    fs::write(root.join("truncated.pdf"), &good[..good.len() / 3]).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.resize(2000, 0);
    fs::write(root.join("image.pdf"), &png).unwrap();
    fs::write(
        root.join("zero.pdf"),
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
         2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n\
         trailer<</Root 1 0 R>>\n%%EOF\n",
    )
    .unwrap();
    // A scan: one page that only paints a (1×1 grey) image, no text.
    fs::write(
        root.join("scan.pdf"),
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
         2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
         3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]\
         /Resources<</XObject<</Im1 5 0 R>>>>/Contents 4 0 R>>endobj\n\
         4 0 obj<</Length 35>>stream\nq 595 0 0 842 0 0 cm /Im1 Do Q\nendstream\nendobj\n\
         5 0 obj<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray\
         /BitsPerComponent 8/Length 1>>stream\n\x7f\nendstream\nendobj\n\
         trailer<</Root 1 0 R>>\n%%EOF\n",
    )
    .unwrap();
    let encrypted = root.join("locked.pdf");
    let qpdf = std::process::Command::new("qpdf")
        .args(["--encrypt", "secret", "owner", "256", "--"])
        .arg(fixtures().join("plan.pdf"))
        .arg(&encrypted)
        .status();
    let have_qpdf = qpdf.is_ok_and(|s| s.success());
    if !have_qpdf {
        // scripts/setup installs it; CI must check this case.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "qpdf is missing (scripts/setup installs it)"
        );
        eprintln!("qpdf missing: the encrypted PDF case is not checked (apt-get install qpdf)");
    }
    let bomb = zip_bomb("xl/worksheets/sheet1.xml", 300 << 20);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    fs::write(root.join("bomb.xlsx"), &bomb).unwrap();
    fs::write(
        root.join("bomb.docx"),
        zip_bomb("word/document.xml", 300 << 20),
    )
    .unwrap();
    fs::write(root.join("deep.docx"), deep_docx(10_000)).unwrap();
    fs::write(
        root.join("broken.csv"),
        "件名,本文\n一,正しい行\n二,\"閉じない引用\n三,本文\n",
    )
    .unwrap();
    fs::write(root.join("empty.xlsx"), b"").unwrap();

    let (_index_dir, engine, report) = index(root);
    let reason = |rel: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.rel == rel)
            .map(|s| (s.reason.clone(), s.reason_code.clone()))
            .unwrap_or_else(|| panic!("{rel} not skipped: {:#?}", report.skipped))
    };
    // The message a person reads, and the stable code a program matches.
    let expect = |rel: &str, part: &str, code: &str| {
        let (r, c) = reason(rel);
        assert!(r.contains(part), "{rel}: {r}");
        assert_eq!(c, code, "{rel}: {r}");
    };
    expect("truncated.pdf", "broken or truncated PDF", "corrupt");
    expect("image.pdf", "not a PDF: the file is a PNG image", "corrupt");
    expect("zero.pdf", "PDF has no pages", "empty");
    expect("scan.pdf", "no text layer: scanned image?", "no_text");
    if have_qpdf {
        expect("locked.pdf", "encrypted PDF", "encrypted");
    }
    expect("bomb.xlsx", "zip bomb", "too_large");
    expect("bomb.docx", "zip bomb", "too_large");
    expect("deep.docx", "nested deeper than 256 levels", "too_large");
    expect("broken.csv", "line 3", "corrupt");
    expect("empty.xlsx", "empty file", "empty");
    assert_eq!(report.documents, 2, "{:#?}", report.skipped);

    let hits = engine
        .search(&SearchRequest::new("\"公共施設の相互利用\""))
        .unwrap()
        .hits;
    let files: Vec<&str> = hits.iter().map(|h| h.file.as_str()).collect();
    assert!(
        files.contains(&"good.pdf") && files.contains(&"good.docx"),
        "{files:?}"
    );
}
