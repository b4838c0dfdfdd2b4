//! Eyeballing on the shared corpus (read-only, never copied into fixtures):
//! `cargo test --lib sections::corpus -- --ignored --nocapture`.
//!
//! The loader is a throwaway stand-in for the archive extractor.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{Section, split};
use crate::analysis::normalize::normalize_inline;
use crate::archive::Block;

const CORPUS: &str = "/work/shared/corpus";

static P_BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</p>\s*<p[^>]*>").unwrap());
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").unwrap());
static HTML_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<(p|h[1-6])[^>]*>(.*?)</(?:p|h[1-6])>").unwrap());

fn cell(raw: &str) -> String {
    let broken = P_BREAK.replace_all(raw, "\n");
    let stripped = TAG.replace_all(&broken, "");
    stripped
        .split('\n')
        .map(normalize_inline)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn row(cells: Vec<&str>) -> Option<Block> {
    let cells: Vec<String> = cells
        .into_iter()
        .map(cell)
        .filter(|c| !c.is_empty())
        .collect();
    let rule = cells
        .iter()
        .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
    (!cells.is_empty() && !rule).then_some(Block::Row(cells))
}

pub(super) fn load_text(raw: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for line in raw.lines() {
        let t = line.trim();
        if t.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ')) {
            continue;
        }
        if line.contains('\t') {
            out.extend(row(line.split('\t').collect()));
        } else if t.starts_with('|') {
            let inner = t.trim_start_matches('|').trim_end_matches('|');
            out.extend(row(inner.split('|').collect()));
        } else {
            let t = t.strip_prefix("- ").unwrap_or(t);
            let p = cell(t).replace('\n', " ");
            if !p.is_empty() {
                out.push(Block::Para(p));
            }
        }
    }
    out
}

pub(super) fn load_html(raw: &str) -> Vec<Block> {
    HTML_BLOCK
        .captures_iter(raw)
        .filter_map(|c| {
            let text = normalize_inline(&TAG.replace_all(&c[2], ""));
            if text.is_empty() {
                return None;
            }
            Some(if c[1].eq_ignore_ascii_case("p") {
                Block::Para(text)
            } else {
                Block::Heading(text)
            })
        })
        .collect()
}

fn files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in ["seeds", "otaru", "nobeoka"] {
        if let Ok(rd) = std::fs::read_dir(Path::new(CORPUS).join(dir)) {
            files.extend(rd.flatten().map(|e| e.path()));
        }
    }
    files.sort();
    files
}

fn load(path: &Path) -> Vec<Block> {
    let raw = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    if path.extension().is_some_and(|e| e == "html") {
        load_html(&raw)
    } else {
        load_text(&raw)
    }
}

fn sizes(sections: &[Section]) -> (usize, usize, usize) {
    let mut n: Vec<usize> = sections.iter().map(|s| s.text.chars().count()).collect();
    n.sort_unstable();
    (n[0], n[n.len() / 2], n[n.len() - 1])
}

#[test]
#[ignore = "reads the shared corpus; prints sections for eyeballing"]
fn print_corpus_sections() {
    let full = std::env::var("SECTIONS_FULL").is_ok();
    for path in files() {
        let sections = split(&load(&path));
        let (min, median, max) = sizes(&sections);
        println!(
            "\n##### {} — {} sections, chars min {min} / median {median} / max {max}",
            path.display(),
            sections.len()
        );
        for s in &sections {
            let n = s.text.chars().count();
            if full {
                println!("=== [{}] ({n})\n{}", s.title, s.text);
            } else {
                let head: String = s.text.chars().take(70).collect();
                println!("  [{}] ({n}) {}", s.title, head.replace('\n', " ⏎ "));
            }
        }
    }
}

/// Every line of every real file survives somewhere (modulo enumerators
/// and repeated table headers).
#[test]
#[ignore = "reads the shared corpus"]
fn corpus_loses_nothing() {
    for path in files() {
        let blocks = load(&path);
        let sections = split(&blocks);
        super::tests::assert_no_loss(&blocks, &sections);
        for s in &sections {
            assert!(
                !s.text.is_empty() && !s.title.contains('\n'),
                "{}",
                path.display()
            );
            assert!(
                s.text.chars().count() <= 2400,
                "{}: {}",
                path.display(),
                s.title
            );
        }
    }
}
