//! Search-as-you-type completions: prefix scans of the term dictionaries
//! (analyzed words and whole passage titles), ranked by document frequency.

use std::collections::HashMap;

use serde::Serialize;

use super::Engine;
use crate::analysis::normalize::normalize_inline;
use crate::analysis::variants::fold_term;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub text: String,
    /// Passages containing it.
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    pub prefix: String,
    pub suggestions: Vec<Suggestion>,
}

/// Most terms read from one dictionary per request.
const SCAN_LIMIT: usize = 2000;

/// A completion worth showing: not a lone kana, not a bare number.
fn useful(term: &str) -> bool {
    let n = term.chars().count();
    n >= 2
        && !term
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
}

impl Engine {
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Suggestions> {
        let norm = normalize_inline(prefix);
        let key = fold_term(&norm).unwrap_or_else(|| norm.clone());
        let mut counts: HashMap<String, u64> = HashMap::new();
        if key.is_empty() {
            return Ok(Suggestions {
                prefix: prefix.to_string(),
                suggestions: Vec::new(),
            });
        }
        let searcher = self.searcher();
        let f = self.fields();
        for field in [f.text, f.section_title_key] {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().range().ge(key.as_bytes()).into_stream()?;
                let mut scanned = 0;
                while stream.advance() && scanned < SCAN_LIMIT {
                    scanned += 1;
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if !term.starts_with(&key) {
                        break;
                    }
                    if useful(term) {
                        *counts.entry(term.to_string()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut suggestions: Vec<Suggestion> = counts
            .into_iter()
            .map(|(text, count)| Suggestion { text, count })
            .collect();
        // Most frequent first; among equals, shorter (closer to what was typed).
        suggestions.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.text.chars().count().cmp(&b.text.chars().count()))
                .then_with(|| a.text.cmp(&b.text))
        });
        suggestions.truncate(limit);
        Ok(Suggestions {
            prefix: prefix.to_string(),
            suggestions,
        })
    }
}
