//! Acceptance: with no manifest, `meta::infer` reproduces the true metadata
//! of the 13 documents listed in `../shared/corpus/expected.csv`.
//!
//! The corpus is read in place (never copied). Without `../shared` the test
//! passes with a note, unless `CI=true`. Run with `--nocapture` for the
//! per-field table.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use plansearch::analysis::normalize::normalize_inline;
use plansearch::archive::{Block, Extracted};
use plansearch::meta::{DocMeta, Sourced, infer};
use regex::Regex;

/// `$PLANSEARCH_SHARED`, else `../shared` next to the project; a git
/// worktree one level deeper (`wt/<branch>/`) finds it at `../../shared`.
fn shared() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = std::env::var_os("PLANSEARCH_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared"), root.join("../../shared")])
        .find(|d| d.join("corpus").is_dir());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing (required in CI)",
            root.join("../shared").display()
        );
        eprintln!(
            "note: {} not found; corpus test skipped",
            root.join("../shared").display()
        );
    }
    found
}

// ------------------------------------------------------------------------
// A crude stand-in for `archive::extract` until the archive module lands.

static TAG_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
static P_BREAK_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)</p>|<br\s*/?>|</li>").unwrap());
static HTML_BLOCK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<h[1-6][^>]*>(.*?)</h[1-6]>|<p\b[^>]*>(.*?)</p>|<tr\b[^>]*>(.*?)</tr>")
        .unwrap()
});
static CELL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<t[dh]\b[^>]*>(.*?)</t[dh]>").unwrap());
static TITLE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap());

fn clean(s: &str) -> String {
    normalize_inline(&TAG_RE.replace_all(s, " "))
}

/// A cell keeps its `<p>` paragraphs as '\n'-separated lines.
fn cell(raw: &str) -> String {
    P_BREAK_RE
        .replace_all(raw, "\n")
        .split('\n')
        .map(clean)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn row(cells: impl Iterator<Item = String>) -> Option<Block> {
    let cells: Vec<String> = cells.filter(|c| !c.is_empty()).collect();
    (!cells.is_empty()).then_some(Block::Row(cells))
}

fn text_or_none(s: String, f: fn(String) -> Block) -> Option<Block> {
    (!s.is_empty()).then(|| f(s))
}

fn extract(path: &Path) -> Extracted {
    let raw = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let is_html = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let mut blocks = Vec::new();
    let mut doc_title = None;
    if is_html {
        doc_title = TITLE_RE
            .captures(&text)
            .map(|c| clean(&c[1]))
            .filter(|t| !t.is_empty());
        for c in HTML_BLOCK_RE.captures_iter(&text) {
            let block = if let Some(h) = c.get(1) {
                text_or_none(clean(h.as_str()), Block::Heading)
            } else if let Some(p) = c.get(2) {
                text_or_none(clean(p.as_str()), Block::Para)
            } else {
                row(CELL_RE.captures_iter(&c[3]).map(|m| cell(&m[1])))
            };
            blocks.extend(block);
        }
    } else {
        for line in text.lines() {
            let t = line.trim();
            let separator =
                !t.is_empty() && t.chars().all(|c| matches!(c, '-' | '|' | ':' | '\t' | ' '));
            let block = if separator {
                None
            } else if line.contains('\t') {
                row(line.split('\t').map(cell))
            } else if t.starts_with('|') && t.ends_with('|') && t.len() > 1 {
                row(t[1..t.len() - 1].split('|').map(cell))
            } else if let Some(h) = t.strip_prefix('#') {
                text_or_none(clean(h.trim_start_matches('#')), Block::Heading)
            } else {
                text_or_none(clean(t), Block::Para)
            };
            blocks.extend(block);
        }
    }
    Extracted {
        blocks,
        doc_title,
        encoding: "UTF-8",
        content_hash: String::new(),
        ..Default::default()
    }
}

// ------------------------------------------------------------------------

fn value<T: ToString>(f: &Option<Sourced<T>>) -> String {
    f.as_ref().map(|s| s.value.to_string()).unwrap_or_default()
}

fn find(corpus: &Path, file: &str) -> Option<String> {
    ["seeds", "otaru", "nobeoka"]
        .iter()
        .find(|d| corpus.join(d).join(file).is_file())
        .map(|d| format!("{d}/{file}"))
}

#[test]
fn infers_expected_metadata_without_manifest() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus");
    let mut reader = csv::Reader::from_path(corpus.join("expected.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (c_file, c_city, c_pref, c_code, c_year, c_dept, c_head, c_type) = (
        col("file"),
        col("city"),
        col("prefecture"),
        col("city_code"),
        col("year"),
        col("department"),
        col("head"),
        col("doc_type"),
    );

    let mut failures = Vec::new();
    let mut rows = 0;
    for record in reader.records() {
        let r = record.unwrap();
        rows += 1;
        let file = &r[c_file];
        let rel = find(&corpus, file).unwrap_or_else(|| panic!("{file} not found in the corpus"));
        let meta: DocMeta = infer(&rel, &extract(&corpus.join(&rel)), None);

        let mut check = |field: &str, ok: bool, got: String, want: &str| {
            let mark = if ok { "ok  " } else { "FAIL" };
            println!("{mark} {file:<52} {field:<10} got {got:?} want {want:?}");
            if !ok {
                failures.push(format!("{file}: {field}: got {got:?}, want {want:?}"));
            }
        };
        for (field, got, want) in [
            ("city", value(&meta.city), &r[c_city]),
            ("prefecture", value(&meta.prefecture), &r[c_pref]),
            ("city_code", value(&meta.city_code), &r[c_code]),
        ] {
            check(field, got == want, got.clone(), want);
        }
        let years: Vec<&str> = r[c_year].split('|').collect();
        let got = value(&meta.year);
        check("year", years.contains(&got.as_str()), got, &r[c_year]);
        // An empty expectation means "must not be inferred".
        for (field, got, want) in [
            ("department", value(&meta.department), &r[c_dept]),
            ("head", value(&meta.head), &r[c_head]),
        ] {
            check(field, got == want, got.clone(), want);
        }
        // Best effort, reported but not required.
        let got = value(&meta.doc_type);
        if got != r[c_type] {
            println!(
                "note {file:<52} doc_type   got {got:?} want {:?}",
                &r[c_type]
            );
        }
    }
    assert_eq!(rows, 13, "expected.csv should list 13 documents");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
