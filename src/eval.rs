//! Search quality harness: judged queries → nDCG@10, reciprocal rank,
//! recall@10, run through the same code path as `/api/search`.
//!
//! Judgment file format (tab-separated): `qid`, `query`, `filters`
//! (`k=v;k=v`), `judgments` (`grade:file:phrase | …`). A result satisfies a
//! judgment when its document's file name equals `file` and its text
//! contains `phrase`, both compared after NFKC with all white space removed;
//! one result satisfies at most one judgment, the highest grade it can.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::search::{Engine, Features, Filters, SearchRequest};

/// Cut-off for every metric.
pub const K: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgment {
    pub grade: u32,
    pub file: String,
    pub phrase: String,
}

#[derive(Debug, Clone)]
pub struct JudgedQuery {
    pub qid: String,
    pub query: String,
    pub filters: Filters,
    pub judgments: Vec<Judgment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueryScore {
    pub qid: String,
    pub query: String,
    pub ndcg: f64,
    pub rr: f64,
    pub recall: f64,
    pub escalated: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub config: String,
    pub queries: Vec<QueryScore>,
    pub mean_ndcg: f64,
    pub mean_rr: f64,
    pub mean_recall: f64,
    /// Queries with no relevant result in the top K.
    pub misses: usize,
}

/// The configurations compared by the ablation study.
pub const ABLATIONS: &[&str] = &[
    "full",
    "morph-only",
    "bigram-only",
    "no-synonyms",
    "no-escalation",
    "no-reading",
];

/// Features of an ablation by name.
pub fn features(name: &str) -> Result<Features> {
    let full = Features::default();
    Ok(match name {
        "full" => full,
        "morph-only" => Features {
            bigram: false,
            ..full
        },
        "bigram-only" => Features {
            morph: false,
            ..full
        },
        "no-synonyms" => Features {
            synonyms: false,
            ..full
        },
        "no-escalation" => Features {
            escalation: false,
            ..full
        },
        "no-reading" => Features {
            reading: false,
            ..full
        },
        other => {
            return Err(Error::Input(format!(
                "unknown ablation {other:?}; use one of {}",
                ABLATIONS.join(", ")
            )));
        }
    })
}

/// NFKC with every white space removed: how judgments compare text.
pub fn canonical(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn parse_filters(spec: &str, line: usize) -> Result<Filters> {
    let mut f = Filters::default();
    for pair in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            Error::Input(format!("line {line}: filter {pair:?} is not key=value"))
        })?;
        let year = |v: &str| {
            v.parse::<i64>()
                .map_err(|_| Error::Input(format!("line {line}: {k} must be a year, got {v:?}")))
        };
        match k {
            "city" => f.cities.push(v.to_string()),
            "prefecture" => f.prefectures.push(v.to_string()),
            "department" => f.departments.push(v.to_string()),
            "doc_type" => f.doc_types.push(v.to_string()),
            "year" => f.year = Some(year(v)?),
            "year_from" => f.year_from = Some(year(v)?),
            "year_to" => f.year_to = Some(year(v)?),
            other => {
                return Err(Error::Input(format!(
                    "line {line}: unknown filter {other:?}"
                )));
            }
        }
    }
    Ok(f)
}

/// Parses a judged query file.
pub fn parse_queries(text: &str) -> Result<Vec<JudgedQuery>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            return Err(Error::Input(format!(
                "line {n}: expected 4 tab-separated columns (qid, query, filters, judgments), found {}",
                cols.len()
            )));
        }
        let mut judgments = Vec::new();
        for j in cols[3]
            .split(" | ")
            .map(str::trim)
            .filter(|j| !j.is_empty())
        {
            let mut parts = j.splitn(3, ':');
            let (Some(g), Some(file), Some(phrase)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(Error::Input(format!(
                    "line {n}: judgment {j:?} is not grade:file:phrase"
                )));
            };
            let grade = g
                .parse::<u32>()
                .map_err(|_| Error::Input(format!("line {n}: grade {g:?} is not a number")))?;
            judgments.push(Judgment {
                grade,
                file: canonical(file),
                phrase: canonical(phrase),
            });
        }
        out.push(JudgedQuery {
            qid: cols[0].to_string(),
            query: cols[1].to_string(),
            filters: parse_filters(cols[2], n)?,
            judgments,
        });
    }
    Ok(out)
}

/// A ranked result as the judge sees it: file name and canonical text.
pub struct Judged {
    pub file: String,
    pub text: String,
}

/// Scores one ranking: (nDCG@K, RR, recall@K).
pub fn score(results: &[Judged], judgments: &[Judgment]) -> (f64, f64, f64) {
    let mut used = vec![false; judgments.len()];
    let mut dcg = 0.0;
    let mut rr = 0.0;
    for (rank, r) in results.iter().take(K).enumerate() {
        let best = judgments
            .iter()
            .enumerate()
            .filter(|(i, j)| !used[*i] && j.file == r.file && r.text.contains(&j.phrase))
            .max_by_key(|(_, j)| j.grade);
        if let Some((i, j)) = best {
            used[i] = true;
            dcg += gain(j.grade) / (rank as f64 + 2.0).log2();
            if rr == 0.0 && j.grade > 0 {
                rr = 1.0 / (rank as f64 + 1.0);
            }
        }
    }
    let mut grades: Vec<u32> = judgments.iter().map(|j| j.grade).collect();
    grades.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = grades
        .iter()
        .take(K)
        .enumerate()
        .map(|(rank, &g)| gain(g) / (rank as f64 + 2.0).log2())
        .sum();
    let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };
    let found = used.iter().filter(|u| **u).count();
    let recall = if judgments.is_empty() {
        0.0
    } else {
        found as f64 / judgments.len() as f64
    };
    (ndcg, rr, recall)
}

fn gain(grade: u32) -> f64 {
    2f64.powi(grade as i32) - 1.0
}

/// Runs every judged query with `engine` (its features set the ablation).
pub fn run(engine: &Engine, queries: &[JudgedQuery], config: &str) -> Result<Report> {
    let mut scores = Vec::with_capacity(queries.len());
    for q in queries {
        let mut req = SearchRequest::new(q.query.clone());
        req.filters = q.filters.clone();
        req.limit = K;
        req.include_text = true;
        req.facets = false;
        let resp = engine.search(&req)?;
        // The list a user reads: strict matches, then the partial ones.
        let partial = resp.partial.iter().flat_map(|p| p.hits.iter());
        let judged: Vec<Judged> = resp
            .hits
            .iter()
            .chain(partial)
            .take(K)
            .map(|h| Judged {
                file: canonical(h.file.rsplit('/').next().unwrap_or(&h.file)),
                text: canonical(&format!(
                    "{}{}",
                    h.section_title,
                    h.text.as_deref().unwrap_or("")
                )),
            })
            .collect();
        let (ndcg, rr, recall) = score(&judged, &q.judgments);
        scores.push(QueryScore {
            qid: q.qid.clone(),
            query: q.query.clone(),
            ndcg,
            rr,
            recall,
            escalated: resp.escalated,
        });
    }
    let n = scores.len().max(1) as f64;
    Ok(Report {
        config: config.to_string(),
        mean_ndcg: scores.iter().map(|s| s.ndcg).sum::<f64>() / n,
        mean_rr: scores.iter().map(|s| s.rr).sum::<f64>() / n,
        mean_recall: scores.iter().map(|s| s.recall).sum::<f64>() / n,
        misses: scores.iter().filter(|s| s.rr == 0.0).count(),
        queries: scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(grade: u32, file: &str, phrase: &str) -> Judgment {
        Judgment {
            grade,
            file: file.into(),
            phrase: canonical(phrase),
        }
    }

    fn r(file: &str, text: &str) -> Judged {
        Judged {
            file: file.into(),
            text: canonical(text),
        }
    }

    #[test]
    fn perfect_ranking_scores_one() {
        let js = [j(2, "a.txt", "防災"), j(1, "b.txt", "減災")];
        let (ndcg, rr, recall) = score(&[r("a.txt", "地域 防災"), r("b.txt", "減災")], &js);
        assert!((ndcg - 1.0).abs() < 1e-9);
        assert_eq!((rr, recall), (1.0, 1.0));
    }

    #[test]
    fn one_result_satisfies_one_judgment_only() {
        let js = [j(2, "a.txt", "防災"), j(2, "a.txt", "計画")];
        let (_, _, recall) = score(&[r("a.txt", "防災計画")], &js);
        assert_eq!(recall, 0.5);
    }

    #[test]
    fn white_space_and_width_are_ignored() {
        let js = [j(1, "a.txt", "ＤＸ 推進")];
        let (_, rr, _) = score(&[r("x.txt", "DX推進"), r("a.txt", "DX推 進")], &js);
        assert_eq!(rr, 0.5);
    }

    #[test]
    fn parses_the_judged_format() {
        let q = parse_queries(
            "# c\nq1\t人口減少\tcity=小樽市;year=2022\t2:f.html:人口 | 1:g.txt:a:b\n",
        )
        .unwrap();
        assert_eq!(q[0].filters.cities, vec!["小樽市"]);
        assert_eq!(q[0].filters.year, Some(2022));
        assert_eq!(q[0].judgments[1].phrase, "a:b");
        assert!(parse_queries("q1\tx\n").is_err());
        assert!(parse_queries("q1\tx\tfoo=1\t1:a:b").is_err());
    }
}
