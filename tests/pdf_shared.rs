//! Line repair on the real PDFs of `../shared/pdf` and `../shared/real`
//! (skipped when `../shared` is missing outside CI; `CI=true` fails then).
//!
//! Set `PDF_DUMP=1` (with `--nocapture`) to print every extracted paragraph
//! with its page, the printed page labels, and the judged snippets of
//! `../shared/real/queries.tsv` that no paragraph of their page holds.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use plansearch::analysis::normalize::normalize_inline;
use plansearch::archive::{self, ArchiveFile, Extracted, Format, Place};

fn pdfs(shared: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["pdf", "real"] {
        let Ok(dir) = std::fs::read_dir(shared.join(sub)) else {
            continue;
        };
        for entry in dir.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pdf") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn extract(path: &Path) -> Extracted {
    let file = ArchiveFile {
        path: path.to_owned(),
        rel: path.file_name().unwrap().to_string_lossy().into_owned(),
        format: Format::Pdf,
        size: std::fs::metadata(path).unwrap().len(),
    };
    archive::extract(&file).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The source lines of every page, as `pdftotext -raw` prints them,
/// normalized and without white space.
fn source_pages(path: &Path) -> Vec<Vec<String>> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(|page| {
            page.lines()
                .map(|l| squeeze(&normalize_inline(l)))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every number of `text` (digits with `,` or `.` between them).
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (matches!(chars[j], ',' | '.')
                    && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
        {
            j += 1;
        }
        out.push(chars[i..j].iter().collect());
        i = j;
    }
    out
}

/// Each paragraph with its physical page.
fn paragraphs(ex: &Extracted) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (i, line) in ex.plain_text().lines().enumerate() {
        let page = match ex.place_of(i) {
            Some(Place::Page(p)) => *p,
            _ => 0,
        };
        out.push((page, line.to_owned()));
    }
    out
}

/// No repaired line holds a number whose digits come from two source lines
/// (a table's 「77,600」 and the next row's 「7年度から」 are not 77,6007).
#[test]
fn no_number_is_made_of_digits_from_two_source_lines() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let files = pdfs(&shared);
    assert!(files.len() >= 10, "{files:?}");
    let dump = std::env::var("PDF_DUMP").is_ok();
    let mut glued = Vec::new();
    let mut checked = 0;
    for path in &files {
        let ex = extract(path);
        let source = source_pages(path);
        if dump {
            println!("=== {} labels {:?}", path.display(), ex.page_labels);
        }
        for (page, text) in paragraphs(&ex) {
            if dump {
                println!("{page}\t{text}");
            }
            // A paragraph may go on across a page break.
            let lines: Vec<&String> = source
                .iter()
                .skip((page as usize).saturating_sub(1))
                .take(2)
                .flatten()
                .collect();
            for n in numbers(&text) {
                checked += 1;
                if !lines.iter().any(|l| l.contains(&n)) {
                    glued.push(format!("{} p{page}: {n} in {text}", path.display()));
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    assert!(glued.is_empty(), "{}", glued.join("\n"));
}

/// Printed page numbers become page labels of their physical page.
#[test]
fn printed_page_numbers_become_page_labels() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let labels = |file: &str| -> HashMap<u32, String> {
        extract(&shared.join("real").join(file))
            .page_labels
            .into_iter()
            .collect()
    };
    let t2022 = labels("takamatsu_2022_manzoku.pdf");
    assert_eq!(t2022.get(&5).map(String::as_str), Some("1"), "{t2022:?}");
    assert_eq!(t2022.get(&65).map(String::as_str), Some("61"), "{t2022:?}");
    let t2025 = labels("takamatsu_2025_manzoku.pdf");
    assert_eq!(t2025.get(&4).map(String::as_str), Some("1"), "{t2025:?}");
    let fukui = labels("fukuipref_2025_kenmin.pdf");
    assert_eq!(fukui.get(&3).map(String::as_str), Some("1"), "{fukui:?}");
}

/// With `PDF_DUMP=1`: the judged snippets of `real/queries.tsv` that no
/// paragraph of their page holds (a report, not a check).
#[test]
fn judged_snippets_report() {
    if std::env::var("PDF_DUMP").is_err() {
        return;
    }
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let real = shared.join("real");
    let queries = std::fs::read_to_string(real.join("queries.tsv")).unwrap();
    let mut cache: HashMap<String, Vec<(u32, String)>> = HashMap::new();
    let (mut found, mut tried) = (0, 0);
    for line in queries.lines().filter(|l| !l.starts_with('#')) {
        let Some(judged) = line.split('\t').nth(3) else {
            continue;
        };
        for j in judged.split(" | ") {
            let parts: Vec<&str> = j.splitn(4, ':').collect();
            let (file, page, snippet) = (parts[1], parts[2], parts[3]);
            if !file.ends_with(".pdf") {
                continue;
            }
            let page: u32 = page.parse().unwrap();
            let paras = cache
                .entry(file.to_owned())
                .or_insert_with(|| paragraphs(&extract(&real.join(file))));
            let want = squeeze(&normalize_inline(snippet));
            tried += 1;
            let hit = paras
                .iter()
                .any(|(p, t)| *p == page && squeeze(t).contains(&want));
            if hit {
                found += 1;
            } else {
                println!("MISSING {file}:{page}: {snippet}");
            }
        }
    }
    println!("judged PDF snippets in one paragraph of their page: {found}/{tried}");
}
