//! Every figure the shared PDFs give is checked against the text of the
//! pages its passage spans, as `pdftotext -raw` prints them: each number
//! of the figure's sentence must stand on one printed line (a number made
//! of digits from two lines, 「７７，６００」 + 「７年度から」 → 77,6007, is
//! wrong) — a line broken after a comma may continue on the next.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::IndexHandle;
use plansearch::search::{Engine, SearchRequest};
use regex::Regex;

fn norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Numbers of two digits or more, as written (commas kept).
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d[\d,]*\d").unwrap());

/// The pages of a PDF, each as its printed lines (normalized).
fn page_lines(pdf: &Path) -> Vec<Vec<String>> {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(|page| page.lines().map(norm).collect())
        .collect()
}

/// Whether `number` stands on one line of `lines`, or on a line ending in
/// a comma and the next.
fn printed(number: &str, lines: &[String]) -> bool {
    lines.iter().any(|l| l.contains(number))
        || lines
            .windows(2)
            .any(|w| w[0].ends_with(',') && format!("{}{}", w[0], w[1]).contains(number))
}

#[test]
fn figures_of_the_shared_pdfs_stand_on_their_pages() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let archive = tempfile::tempdir().unwrap();
    let mut pdfs = HashMap::new();
    for dir in ["pdf", "real"] {
        for entry in std::fs::read_dir(shared.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pdf") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                std::fs::copy(&path, archive.path().join(&name)).unwrap();
                pdfs.insert(name, path);
            }
        }
    }
    let index = tempfile::tempdir().unwrap();
    common::index_into(archive.path(), index.path());
    let handle = IndexHandle::open(index.path(), common::analyzer()).unwrap();
    let engine = Engine::new(handle, Synonyms::builtin());
    let (mut checked, mut wrong) = (0usize, Vec::new());
    for doc in engine.all_documents().unwrap().documents {
        let Some(pdf) = pdfs.get(doc.file.rsplit('/').next().unwrap()) else {
            continue;
        };
        let pages = page_lines(pdf);
        let detail = engine.document(&doc.doc_id).unwrap();
        // The pages each passage spans.
        let spans: HashMap<&str, (u32, u32)> = detail
            .section_list
            .iter()
            .filter_map(|s| {
                let first = s.page?;
                let last = s.page_breaks.last().map_or(first, |b| b.page);
                Some((s.section_id.as_str(), (first, last)))
            })
            .collect();
        let figures = engine
            .figures(&SearchRequest::new(""), Some(&doc.doc_id))
            .unwrap()
            .figures;
        for f in figures {
            let Some(&(first, last)) = spans.get(f.section_id.as_str()) else {
                continue;
            };
            let lines: Vec<String> = (first..=last)
                .filter_map(|p| pages.get(p as usize - 1))
                .flatten()
                .cloned()
                .collect();
            checked += 1;
            let context = norm(&f.context);
            if let Some(n) = NUMBER
                .find_iter(&context)
                .map(|m| m.as_str())
                .find(|n| !printed(n, &lines))
            {
                wrong.push(format!(
                    "{} p.{first}-{last}: {n} in 「{}」",
                    doc.file, f.context
                ));
            }
        }
    }
    let accuracy = 1.0 - wrong.len() as f64 / checked.max(1) as f64;
    eprintln!(
        "figures checked {checked}, numbers not on their page's lines {}: accuracy {accuracy:.4}\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked >= 200, "{checked}");
    assert!(accuracy >= 0.98, "{accuracy}");
}
