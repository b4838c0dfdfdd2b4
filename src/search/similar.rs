//! Initiatives similar to a given passage: a MoreLikeThis-style query of its
//! most distinctive words (tf·idf over the morphological field).

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::snippets::Highlighter;
use super::{Engine, Hit, stored_str};
use crate::error::{Error, QueryError, Result};

/// Words of the source passage used in the query.
const MAX_TERMS: usize = 20;
/// Words that occur in more than this share of passages say nothing.
const MAX_DF_SHARE: f64 = 0.2;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Similar {
    pub section_id: String,
    /// The words the similarity is based on.
    pub terms: Vec<String>,
    pub hits: Vec<Hit>,
}

/// `<16 hex>-<number>`.
pub fn valid_section_id(id: &str) -> bool {
    match id.split_once('-') {
        Some((doc, n)) => {
            super::documents::valid_doc_id(doc)
                && !n.is_empty()
                && n.len() <= 6
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

impl Engine {
    /// The stored passage of `section_id`, or `SectionNotFound`.
    pub(crate) fn section_doc(
        &self,
        searcher: &tantivy::Searcher,
        section_id: &str,
    ) -> Result<TantivyDocument> {
        let found = searcher.search(
            &TermQuery::new(
                Term::from_field_text(self.fields().section_id, section_id),
                IndexRecordOption::Basic,
            ),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, addr)) = found.first() else {
            return Err(Error::SectionNotFound(section_id.to_string()));
        };
        Ok(searcher.doc(*addr)?)
    }

    pub fn similar(&self, section_id: &str, other_cities: bool, limit: usize) -> Result<Similar> {
        if !valid_section_id(section_id) {
            return Err(Error::SectionNotFound(section_id.to_string()));
        }
        if limit == 0 || limit > super::MAX_LIMIT {
            return Err(QueryError::invalid_parameter(
                "limit",
                format!("limit must be between 1 and {}", super::MAX_LIMIT),
            )
            .into());
        }
        let f = self.fields();
        let searcher = self.searcher();
        let source = self.section_doc(&searcher, section_id)?;
        let text = format!(
            "{}\n{}",
            stored_str(&source, f.section_title).unwrap_or_default(),
            stored_str(&source, f.text).unwrap_or_default()
        );
        let mut tf: HashMap<String, u32> = HashMap::new();
        for w in self.handle.analyzer.words(&text) {
            // Single characters and numbers carry little topic.
            if w.term.chars().count() >= 2 && !w.term.chars().all(|c| c.is_ascii_digit()) {
                *tf.entry(w.term).or_default() += 1;
            }
        }
        let n = searcher.num_docs() as f64;
        let mut scored: Vec<(String, f64)> = Vec::new();
        for (term, count) in tf {
            let df = searcher.doc_freq(&Term::from_field_text(f.text, &term))? as f64;
            if df < 2.0 || df > (n * MAX_DF_SHARE).max(2.0) {
                continue;
            }
            let idf = (1.0 + n / df).ln();
            scored.push((term, (1.0 + f64::from(count).ln()) * idf));
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(MAX_TERMS);
        let mut similar = Similar {
            section_id: section_id.to_string(),
            terms: scored.iter().map(|(t, _)| t.clone()).collect(),
            hits: Vec::new(),
        };
        if scored.is_empty() {
            return Ok(similar);
        }
        let words: Vec<(Occur, Box<dyn Query>)> = scored
            .iter()
            .map(|(t, w)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.text, t),
                        IndexRecordOption::WithFreqs,
                    )),
                    *w as f32,
                ));
                (Occur::Should, q)
            })
            .collect();
        // At least two shared distinctive words, or a third of them.
        let needed = (scored.len() / 3).clamp(1, 2).min(scored.len());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(words, needed)),
        )];
        let exclude = |field, value: Option<String>| -> Option<(Occur, Box<dyn Query>)> {
            value.map(|v| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &v),
                    IndexRecordOption::Basic,
                ));
                (Occur::MustNot, q)
            })
        };
        clauses.extend(exclude(f.doc_id, stored_str(&source, f.doc_id)));
        if other_cities {
            clauses.extend(exclude(f.city, stored_str(&source, f.city)));
        }
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut highlighter = Highlighter::default();
        for term in similar.terms.iter().take(8) {
            highlighter.terms.insert(term.clone());
            highlighter.add_literal(term);
        }
        for (score, addr) in top {
            similar
                .hits
                .push(self.hit(&searcher, addr, score, &highlighter, false)?);
        }
        Ok(similar)
    }
}
