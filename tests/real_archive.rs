//! Real documents of governments the project was not built on
//! (`../shared/real`: PDFs and workbooks with `expected.csv` and queries
//! judged at page level), indexed without a manifest and scored as
//! `../shared/eval/archive_eval.py` scores them: metadata against
//! `expected.csv`, nDCG@10 and recall@10 of the judged passages, and the
//! share of judged PDF passages whose hit names the judged page.

mod common;

use std::collections::HashMap;
use std::path::Path;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::IndexHandle;
use plansearch::search::{Engine, Filters, SearchRequest};

/// NFKC, whitespace removed: how judged snippets are compared.
fn norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

struct Judgment {
    grade: u32,
    file: String,
    page: u32,
    snippet: String,
}

fn judgments(field: &str) -> Vec<Judgment> {
    field
        .split(" | ")
        .map(|j| {
            let mut parts = j.splitn(4, ':');
            let grade = parts.next().unwrap().parse().unwrap();
            let file = parts.next().unwrap().to_string();
            let page = parts.next().unwrap().parse().unwrap();
            let snippet = norm(parts.next().unwrap());
            Judgment {
                grade,
                file,
                page,
                snippet,
            }
        })
        .collect()
}

fn dcg(gains: impl Iterator<Item = u32>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

struct Scores {
    meta: (usize, usize),
    ndcg: f64,
    recall: f64,
    pages: (usize, usize),
    misses: Vec<String>,
}

fn score(real: &Path, engine: &Engine) -> Scores {
    // Metadata, field by field, as the script compares it.
    let docs = engine.all_documents().unwrap().documents;
    let by_file: HashMap<String, _> = docs
        .iter()
        .map(|d| (d.file.rsplit('/').next().unwrap().to_string(), d))
        .collect();
    let mut expected = csv::Reader::from_path(real.join("expected.csv")).unwrap();
    let headers = expected.headers().unwrap().clone();
    let (mut meta_ok, mut meta_n, mut misses) = (0, 0, Vec::new());
    for row in expected.records() {
        let row = row.unwrap();
        let get = |k: &str| headers.iter().position(|h| h == k).map(|i| &row[i]);
        let file = get("file").unwrap();
        let doc = by_file.get(file);
        for key in ["city", "prefecture", "year", "department", "doc_type"] {
            let want = get(key).unwrap_or_default();
            if want.is_empty() {
                continue;
            }
            meta_n += 1;
            let got = doc
                .and_then(|d| match key {
                    "city" => d.city.clone(),
                    "prefecture" => d.prefecture.clone(),
                    "year" => d.year.map(|y| y.to_string()),
                    "department" => d.department.clone(),
                    _ => d.doc_type.clone(),
                })
                .unwrap_or_default();
            let (g, w) = (norm(&got), norm(want));
            let good = g == w
                || (key == "department" && g.contains(&w))
                || (key == "doc_type" && !g.is_empty() && (g.contains(&w) || w.contains(&g)));
            if good {
                meta_ok += 1;
            } else {
                misses.push(format!("{file}:{key}={got}(want {want})"));
            }
        }
    }
    // Judged queries.
    let queries = std::fs::read_to_string(real.join("queries.tsv")).unwrap();
    let (mut ndcgs, mut recalls, mut page_ok, mut page_n) = (Vec::new(), Vec::new(), 0, 0);
    for line in queries.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (id, q, filter, judged) = (cols[0], cols[1], cols[2], judgments(cols[3]));
        let mut req = SearchRequest::new(q);
        req.limit = 10;
        req.include_text = true;
        if let Some(city) = filter.strip_prefix("city=") {
            req.filters = Filters {
                cities: vec![city.to_string()],
                ..Filters::default()
            };
        }
        let r = engine.search(&req).unwrap();
        let mut left: Vec<&Judgment> = judged.iter().collect();
        left.sort_by_key(|j| std::cmp::Reverse(j.grade));
        let mut gains = Vec::new();
        for hit in r.hits.iter().take(10) {
            let file = hit.file.rsplit('/').next().unwrap();
            let text = norm(&format!(
                "{}{}",
                hit.section_title,
                hit.text.as_deref().unwrap_or_default()
            ));
            let found = left
                .iter()
                .position(|j| j.file == file && text.contains(&j.snippet));
            gains.push(match found {
                Some(k) => {
                    let j = left.remove(k);
                    if file.ends_with(".pdf") {
                        page_n += 1;
                        if hit.page == Some(j.page) {
                            page_ok += 1;
                        } else {
                            misses.push(format!("{id}: page {:?}, judged {}", hit.page, j.page));
                        }
                    }
                    j.grade
                }
                None => 0,
            });
        }
        let mut ideal: Vec<u32> = judged.iter().map(|j| j.grade).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        ideal.truncate(10);
        ndcgs.push(dcg(gains.iter().copied()) / dcg(ideal.into_iter()));
        recalls.push(gains.iter().filter(|&&g| g > 0).count() as f64 / judged.len() as f64);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    Scores {
        meta: (meta_ok, meta_n),
        ndcg: mean(&ndcgs),
        recall: mean(&recalls),
        pages: (page_ok, page_n),
        misses,
    }
}

#[test]
fn unseen_governments_archive_is_found_on_the_right_page() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let real = shared.join("real");
    // The files only, as the script copies them: no manifest.
    let archive = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&real).unwrap() {
        let path = entry.unwrap().path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pdf" | "xlsx" | "docx")
        ) {
            std::fs::copy(&path, archive.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let index = tempfile::tempdir().unwrap();
    common::index_into(archive.path(), index.path());
    let handle = IndexHandle::open(index.path(), common::analyzer()).unwrap();
    let engine = Engine::new(handle, Synonyms::builtin());
    // Printed page numbers beside the physical page: the 2022 report prints
    // 「- 1 -」 on its fifth page and numbers on from there.
    let mut labelled = 0;
    for q in ["目指すべき都市像", "市民満足度", "施策の大綱"] {
        let mut req = SearchRequest::new(q);
        req.limit = 50;
        for hit in engine.search(&req).unwrap().hits {
            if hit.file.ends_with("takamatsu_2022_manzoku.pdf")
                && let (Some(page), Some(label)) = (hit.page, &hit.page_label)
            {
                assert_eq!(label, &(page - 4).to_string(), "{hit:?}");
                labelled += 1;
            }
        }
    }
    assert!(labelled >= 3, "{labelled}");
    let s = score(&real, &engine);
    eprintln!(
        "real: metadata {}/{}; nDCG@10 {:.3}; recall@10 {:.3}; PDF page right {}/{}\n{}",
        s.meta.0,
        s.meta.1,
        s.ndcg,
        s.recall,
        s.pages.0,
        s.pages.1,
        s.misses.join("\n")
    );
    // Floors a little under this round's figures (the script's own run is
    // in the README): a regression fails here, not in a held-out check.
    assert!(s.ndcg >= 0.79, "nDCG@10 {:.3}", s.ndcg);
    assert!(s.recall >= 0.80, "recall@10 {:.3}", s.recall);
    assert!(
        s.pages.0 * 100 >= s.pages.1 * 92 && s.pages.1 >= 45,
        "page of the match {}/{}",
        s.pages.0,
        s.pages.1
    );
    assert!(
        s.meta.0 * 100 >= s.meta.1 * 97,
        "metadata {}/{}",
        s.meta.0,
        s.meta.1
    );
}

#[test]
fn a_hit_names_the_page_its_words_stand_on() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    // 一般会計補正予算（二次分） is on page 2 of this PDF, its passage starts
    // on page 1.
    let archive = tempfile::tempdir().unwrap();
    let pdf = "nobeoka_2024-06.pdf";
    std::fs::copy(shared.join("pdf").join(pdf), archive.path().join(pdf)).unwrap();
    let index = tempfile::tempdir().unwrap();
    common::index_into(archive.path(), index.path());
    let handle = IndexHandle::open(index.path(), common::analyzer()).unwrap();
    let engine = Engine::new(handle, Synonyms::builtin());
    let r = engine
        .search(&SearchRequest::new("一般会計補正予算 二次分"))
        .unwrap();
    assert!(r.total >= 1);
    let hit = &r.hits[0];
    assert_eq!(hit.page, Some(2), "{hit:?}");
    // The passage says which pages it spans, and the document view where
    // they break.
    let (first, last) = hit.pages.expect("a PDF passage spans pages");
    assert!(first <= 2 && last >= 2, "{first}..{last}");
    let doc = engine.document(&hit.doc_id).unwrap();
    let section = doc
        .section_list
        .iter()
        .find(|s| s.section_id == hit.section_id)
        .unwrap();
    if first < 2 {
        assert!(
            section.page_breaks.iter().any(|b| b.page == 2),
            "{section:?}"
        );
    }
}
