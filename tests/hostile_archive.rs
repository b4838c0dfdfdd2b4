//! "Bad input loses nothing": an archive of hostile files next to a few good
//! documents. Indexing must finish, every good file must be searchable, every
//! bad file must be either indexed (when it is text after all) or listed in
//! the report with a specific reason, memory must stay bounded, and a second
//! run must find everything unchanged.
//!
//! The archive is generated in a temporary folder; all names and texts are
//! fictional.

mod common;
#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, IndexReport, writer};
use plansearch::search::{Engine, SearchRequest};

/// Size of the large text file.
const BIG_BYTES: usize = 50 * 1024 * 1024;
/// Size of the file that is one line without any break.
const LONG_LINE_BYTES: usize = 5 * 1024 * 1024;
/// Nesting depth of the deep HTML page.
const HTML_DEPTH: usize = 10_000;
/// Bound on the growth of the process's peak RSS over both indexing runs
/// (the test process uses the system allocator, not the binary's mimalloc).
/// Set at about twice the 870 MiB measured when tantivy's queue held every
/// passage text three times under a 512 MiB writer budget; measured 571 MiB
/// on 2026-11-30 (passage documents share their text, 64 MiB budget).
const RSS_GROWTH_LIMIT: u64 = 1_750 * 1024 * 1024;

/// Peak resident set size of this process so far, in bytes.
fn peak_rss() -> u64 {
    let status = fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kb * 1024
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// The good documents: (rel, content, distinctive word).
const GOOD: &[(&str, &str, &str)] = &[
    (
        "good/架空市_総合計画.txt",
        "架空市 第3次総合計画\n\
         \n\
         第1章 みどりのまちづくり\n\
         (1) ひまわり回廊の整備\n\
         架空市は、駅前から川沿いまでのひまわり回廊を整備し、市民が歩いて楽しめるまちをつくります。\n\
         部 局\t都市整備部\n\
         (2) 公園の維持管理\n\
         市民協働による公園の清掃活動を、令和5年度は年12回実施しました。\n",
        "ひまわり回廊",
    ),
    (
        "good/架空町_防災計画.md",
        "# 架空町 地域防災計画\n\
         \n\
         ## 1. 水害への備え\n\
         - かざぐるま堤防の耐震補強を令和6年度までに完了します。\n\
         - 避難所の停電対策として、蓄電池を各地区に配備します。\n\
         \n\
         | 番号 | 施策 | 内容 |\n\
         |---|---|---|\n\
         | 1 | 防災訓練 | 全地区で年2回、住民参加の訓練を行います。 |\n",
        "かざぐるま堤防",
    ),
    (
        "good/架空村_観光振興.html",
        "<!DOCTYPE html><html><head><title>架空村 観光振興計画</title></head><body>\
         <h1>架空村 観光振興計画</h1>\
         <h2>(1) ほたる渓谷の保全</h2>\
         <p>ほたる渓谷の清流を守るため、村民と事業者が協力して河川の清掃を続けます。</p>\
         <table><tr><th>事業</th><th>目標</th></tr>\
         <tr><td>遊歩道の改修</td><td>令和7年度までに全長3キロを改修</td></tr></table>\
         </body></html>",
        "ほたる渓谷",
    ),
];

const MANIFEST: &str = "path,city,prefecture,year,department,title,doc_type\n\
    good/架空市_総合計画.txt,架空市,架空県,2023,都市整備部,第3次総合計画,総合計画\n\
    good/架空町_防災計画.md,架空町,架空県,2024,総務部,地域防災計画,防災計画\n\
    good/架空村_観光振興.html,架空村,架空県,2025,産業振興課,観光振興計画,観光計画\n";

/// Realistic, repetitive plan text with line breaks: chapters, enumerated
/// headings, paragraphs, tab and pipe tables, bullets. Ends with a unique
/// word on the last line.
fn write_big(path: &Path, target: usize, last_word: &str) {
    let mut out = BufWriter::new(fs::File::create(path).unwrap());
    let mut written = 0usize;
    let mut n = 0usize;
    let topics = [
        (
            "子育て支援",
            "保育所の定員を拡大し、待機児童の解消を図ります。",
        ),
        (
            "地域防災",
            "自主防災組織の訓練を支援し、避難所の備蓄を充実します。",
        ),
        (
            "公共交通",
            "コミュニティバスの路線を見直し、通院や買い物の足を確保します。",
        ),
        (
            "観光振興",
            "歴史的な町並みを生かした散策路を整備し、来訪者を増やします。",
        ),
        (
            "高齢者福祉",
            "地域包括支援センターと連携し、見守り活動を広げます。",
        ),
        ("環境保全", "ごみの分別を徹底し、再資源化率を高めます。"),
    ];
    while written < target {
        let (topic, body) = topics[n % topics.len()];
        let year = 1 + n % 7;
        let lines = [
            if n.is_multiple_of(50) {
                format!("第{}章 {topic}の推進\n", n / 50 % 900 + 1)
            } else {
                String::new()
            },
            format!("({}) {topic}の取組{}\n", n % 20 + 1, n),
            format!(
                "架空市では、令和{year}年度に{body}前年度は{}件の相談に対応しました。\n",
                n % 997
            ),
            format!("部 局\t企画部\t担当\t{topic}推進課\n"),
            format!(
                "| {} | {topic} | 目標値 {}% | 達成度 {} |\n",
                n % 99,
                n % 100,
                n % 5
            ),
            format!("- 関係団体との意見交換会を年{}回開催します。\n", n % 12 + 1),
            "\n".to_owned(),
        ];
        for l in &lines {
            out.write_all(l.as_bytes()).unwrap();
            written += l.len();
        }
        n += 1;
    }
    writeln!(out, "最終行には{last_word}の記録があります。").unwrap();
    out.flush().unwrap();
}

/// One line of `target` bytes: sentences first, then text with no sentence
/// end at all (the hardest case for sentence splitting), then a unique word.
fn long_line(target: usize, last_word: &str) -> Vec<u8> {
    let mut s = String::with_capacity(target + 100);
    while s.len() < target / 2 {
        s.push_str("架空市は、市民と行政が協働して、持続可能なまちづくりを進めます。");
    }
    while s.len() < target {
        s.push_str("区切りのない長い文章が続き");
    }
    s.push_str(last_word);
    s.into_bytes()
}

/// Damaged UTF-8: Japanese lines with runs of random high bytes in between.
fn damaged_utf8(rng: &mut Rng, word: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..200 {
        let line =
            format!("{i}行目: 架空市の議事録は、一部の文字が壊れた状態で保存されていました。\n");
        out.extend_from_slice(line.as_bytes());
        if i % 10 == 3 {
            out.extend((0..5).map(|_| rng.high_byte()));
            out.push(b'\n');
        }
        if i == 100 {
            out.extend_from_slice(format!("{word}について記録します。\n").as_bytes());
        }
    }
    out
}

/// A file that changes encoding half way: Shift_JIS lines, then UTF-8 lines
/// (an old document appended to by a newer system).
fn mixed_encodings(sjis_word: &str, utf8_word: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let old = format!(
        "平成20年度 架空郡 事業報告\n{sjis_word}の改修工事を実施した。\n\
         町内会と協力して、水路の清掃を年4回行った。\n"
    );
    for _ in 0..20 {
        out.extend_from_slice(&encoding_rs::SHIFT_JIS.encode(&old).0);
    }
    let new = format!(
        "令和5年度 追記\n{utf8_word}の利用者数は前年度より増加しました。\n\
         今後も、利用者の声を聞きながら運営を改善します。\n"
    );
    for _ in 0..20 {
        out.extend_from_slice(new.as_bytes());
    }
    out
}

fn deep_html(depth: usize, word: &str) -> Vec<u8> {
    let mut s = String::from("<!DOCTYPE html><html><head><title>深い入れ子</title></head><body>");
    for i in 0..depth {
        s.push_str(if i % 2 == 0 { "<div>" } else { "<section>" });
    }
    s.push_str(&format!(
        "<p>{word}は入れ子の最も深いところにあります。</p>"
    ));
    for i in (0..depth).rev() {
        s.push_str(if i % 2 == 0 { "</div>" } else { "</section>" });
    }
    s.push_str("</body></html>");
    s.into_bytes()
}

/// Formatting elements left open inside paragraphs, 10,000 times (400 KB):
/// a DOM parser re-opens every one of them in every later paragraph, which
/// took 40 s and 8 GB before such pages were read flat.
fn formatting_bomb(word: &str) -> Vec<u8> {
    let mut s: String = (0..10_000)
        .map(|i| format!("<p><b class=\"c{i}\">段落{i}"))
        .collect();
    s.push_str(&format!("<p>{word}はここにあります。"));
    s.into_bytes()
}

/// A page of 50,000 bare labels: every line is a tiny section of its own
/// until they are merged (that merge was quadratic).
fn labels_page(word: &str) -> Vec<u8> {
    let mut s = String::from("<html><body>");
    for i in 0..50_000 {
        s.push_str(&format!("<p>ラベル{i}</p>\n"));
    }
    s.push_str(&format!("<p>{word}</p></body></html>"));
    s.into_bytes()
}

/// "架空市計画.txt" in Shift_JIS bytes.
fn sjis_file_name() -> Vec<u8> {
    let mut name = encoding_rs::SHIFT_JIS.encode("架空市計画").0.into_owned();
    name.extend_from_slice(b".txt");
    assert!(std::str::from_utf8(&name).is_err());
    name
}

/// Builds the archive; returns (rel, distinctive word) of every file that
/// must be indexed and searchable.
fn build_archive(root: &Path) -> Vec<(String, String)> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{PermissionsExt, symlink};

    let mut searchable: Vec<(String, String)> = Vec::new();
    let mut expect = |rel: &str, word: &str| searchable.push((rel.to_owned(), word.to_owned()));

    for (rel, text, word) in GOOD {
        write(root, rel, text.as_bytes());
        expect(rel, word);
    }
    write(root, "manifest.csv", MANIFEST.as_bytes());

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    write(root, "bad/empty.txt", b"");
    write(root, "bad/blank.md", " \r\n\t\u{3000}\n".as_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
    png.extend((0..4096).map(|_| (rng.next() >> 56) as u8));
    write(root, "bad/image.txt", &png);
    // Binary data without a known signature: NUL bytes give it away.
    let mut blob: Vec<u8> = (0..4096).map(|_| (rng.next() >> 56) as u8).collect();
    blob[17] = 0;
    write(root, "bad/blob.html", &blob);
    // Nothing but random high bytes: no valid UTF-8 at all. Decoded with a
    // legacy Japanese encoding and replacement characters; garbage, but
    // text-like garbage, so it is indexed rather than lost.
    let noise: Vec<u8> = (0..64 * 1024).map(|_| rng.high_byte()).collect();
    write(root, "bad/random_high_bytes.txt", &noise);
    write(
        root,
        "bad/damaged_utf8.txt",
        &damaged_utf8(&mut rng, "つばめ広場"),
    );
    expect("bad/damaged_utf8.txt", "つばめ広場");
    write(
        root,
        "bad/mixed_encodings.txt",
        &mixed_encodings("やまびこ水路", "こもれび図書館"),
    );
    expect("bad/mixed_encodings.txt", "やまびこ水路");
    expect("bad/mixed_encodings.txt", "こもれび図書館");

    fs::create_dir_all(root.join("bad")).unwrap();
    write_big(&root.join("bad/huge_50mb.txt"), BIG_BYTES, "ふくろう書庫");
    expect("bad/huge_50mb.txt", "ふくろう書庫");
    write(
        root,
        "bad/long_line.txt",
        &long_line(LONG_LINE_BYTES, "かたつむり坂"),
    );
    expect("bad/long_line.txt", "かたつむり坂");
    write(root, "bad/deep.html", &deep_html(HTML_DEPTH, "もぐら坑道"));
    expect("bad/deep.html", "もぐら坑道");
    write(
        root,
        "bad/formatting_bomb.html",
        &formatting_bomb("ひばり農園"),
    );
    expect("bad/formatting_bomb.html", "ひばり農園");
    write(root, "bad/labels_page.html", &labels_page("あじさい通り"));
    expect("bad/labels_page.html", "あじさい通り");

    // No read permission. Tests run as root here, and root reads it anyway:
    // then it is indexed; as another user it is skipped. Either is fine, as
    // long as it is not lost silently (checked below).
    write(
        root,
        "bad/no_permission.txt",
        "架空市 閲覧制限文書\nかもしか峠の調査記録です。\n".as_bytes(),
    );
    fs::set_permissions(
        root.join("bad/no_permission.txt"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();

    // Symlink loops: two file links pointing at each other, and a folder
    // link pointing at its own parent.
    fs::create_dir_all(root.join("links")).unwrap();
    symlink(root.join("links/b.txt"), root.join("links/a.txt")).unwrap();
    symlink(root.join("links/a.txt"), root.join("links/b.txt")).unwrap();
    symlink(root.join("links"), root.join("links/parent")).unwrap();

    // A Shift_JIS file name (old Windows archive); the content is fine.
    let name = sjis_file_name();
    let path = root.join("bad").join(std::ffi::OsStr::from_bytes(&name));
    fs::write(
        &path,
        "架空市 旧計画\nいちょう並木の管理について定めます。\n",
    )
    .unwrap();
    let rel = format!("bad/{}", String::from_utf8_lossy(&name));
    expect(&rel, "いちょう並木");

    write(
        root,
        "bad/report.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    );
    write(root, "bad/zero.html", b"");
    searchable
}

fn skipped_reason<'a>(report: &'a IndexReport, rel: &str) -> Option<&'a str> {
    report
        .skipped
        .iter()
        .find(|s| s.rel == rel)
        .map(|s| s.reason.as_str())
}

fn assert_skipped(report: &IndexReport, rel: &str, reason_part: &str) {
    let reason = skipped_reason(report, rel)
        .unwrap_or_else(|| panic!("{rel} is not listed as skipped: {:#?}", report.skipped));
    assert!(
        reason.contains(reason_part),
        "{rel}: reason {reason:?} does not say {reason_part:?}"
    );
}

fn files_with_hits(engine: &Engine, word: &str) -> Vec<String> {
    let mut req = SearchRequest::new(format!("\"{word}\""));
    req.limit = 50;
    req.facets = false;
    let r = engine
        .search(&req)
        .unwrap_or_else(|e| panic!("search {word}: {e}"));
    r.hits.into_iter().map(|h| h.file).collect()
}

#[test]
fn hostile_archive_is_indexed_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    let index_dir = dir.path().join("index");
    let searchable = build_archive(&root);

    let analyzer = common::analyzer();
    let options = IndexOptions {
        progress: false,
        ..Default::default()
    };
    let rss_before = peak_rss();
    let report = writer::index_archive(&root, &index_dir, &analyzer, &options)
        .expect("indexing a hostile archive finishes");
    let rss_after = peak_rss();
    let growth = rss_after.saturating_sub(rss_before);

    // Nothing crashed inside the pipeline (a caught panic is reported so).
    assert!(
        report
            .skipped
            .iter()
            .all(|s| !s.reason.contains("internal error")),
        "{:#?}",
        report.skipped
    );

    // Every bad file that is not text, with a specific reason.
    assert_skipped(&report, "bad/empty.txt", "empty file");
    assert_skipped(&report, "bad/blank.md", "empty file");
    assert_skipped(&report, "bad/zero.html", "empty file");
    assert_skipped(&report, "bad/image.txt", "binary file");
    assert_skipped(&report, "bad/blob.html", "binary file");
    assert_skipped(&report, "bad/report.pdf", "broken or truncated PDF");
    assert_skipped(&report, "links/a.txt", "symlink loop");
    assert_skipped(&report, "links/b.txt", "symlink loop");
    assert_skipped(&report, "links/parent", "symlink loop");

    let handle = IndexHandle::open(&index_dir, analyzer.clone()).unwrap();
    let engine = Engine::new(handle, Synonyms::builtin());
    let indexed: Vec<String> = engine
        .documents(&Default::default(), 1000, 0)
        .unwrap()
        .documents
        .into_iter()
        .map(|d| d.file)
        .collect();

    // Every file is accounted for: indexed, or skipped with a reason.
    for (rel, _) in &searchable {
        assert!(
            indexed.contains(rel),
            "{rel} is not indexed; skipped: {:?}",
            skipped_reason(&report, rel)
        );
    }
    // Random high bytes are no UTF-8 at all, but they are not binary either
    // (no NUL, no control bytes): decoded as Shift_JIS with replacement
    // characters, garbage but text, so indexed rather than lost.
    assert!(indexed.iter().any(|f| f == "bad/random_high_bytes.txt"));
    // Root reads a mode-000 file; another user gets "permission denied".
    let rel = "bad/no_permission.txt";
    let skipped = skipped_reason(&report, rel);
    assert!(
        indexed.iter().any(|f| f == rel) != skipped.is_some(),
        "{rel}: must be either indexed or skipped (skipped: {skipped:?})"
    );
    if let Some(reason) = skipped {
        assert!(reason.contains("permission denied"), "{rel}: {reason}");
    } else {
        assert_eq!(files_with_hits(&engine, "かもしか峠").first().unwrap(), rel);
    }
    assert_eq!(
        report.documents,
        indexed.len(),
        "{indexed:#?} {:#?}",
        report.skipped
    );
    assert!(
        report
            .skipped
            .iter()
            .all(|s| !indexed.contains(&s.rel) && !s.reason.trim().is_empty()),
        "{:#?}",
        report.skipped
    );

    // Every good or recoverable file is found by its distinctive word.
    for (rel, word) in &searchable {
        let files = files_with_hits(&engine, word);
        assert!(
            files.contains(rel),
            "{word:?} should find {rel}; found {files:?}"
        );
    }
    // The manifest applies to the good files.
    let r = engine.search(&SearchRequest::new("ひまわり回廊")).unwrap();
    assert_eq!(r.hits[0].city.as_deref(), Some("架空市"));
    assert_eq!(r.hits[0].year, Some(2023));

    assert!(
        growth < RSS_GROWTH_LIMIT,
        "peak RSS grew by {} MiB (limit {} MiB)",
        growth >> 20,
        RSS_GROWTH_LIMIT >> 20
    );

    // A second run over the same archive changes nothing.
    let again = writer::index_archive(&root, &index_dir, &analyzer, &options).unwrap();
    assert_eq!(
        (again.added, again.updated, again.deleted),
        (0, 0, 0),
        "{again:#?}"
    );
    assert_eq!(again.unchanged, report.documents);
    assert_eq!(again.documents, report.documents);
    assert_eq!(again.passages, report.passages);
    let reasons = |r: &IndexReport| {
        r.skipped
            .iter()
            .map(|s| (s.rel.clone(), s.reason.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(reasons(&again), reasons(&report));

    eprintln!(
        "hostile archive: {} documents, {} passages, {} skipped; \
         peak RSS {} MiB -> {} MiB (+{} MiB, limit {} MiB)",
        report.documents,
        report.passages,
        report.skipped.len(),
        rss_before >> 20,
        rss_after >> 20,
        growth >> 20,
        RSS_GROWTH_LIMIT >> 20,
    );
    // Let the tempdir be removed even though a file has mode 000 (root can
    // anyway; another user needs the permission back).
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(
        root.join("bad/no_permission.txt"),
        fs::Permissions::from_mode(0o644),
    );
}
