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

/// A suggested word must be in at least this many passages…
const SPELL_MIN_DF: u64 = 3;
/// …and this many times as many as the word typed.
const SPELL_RATIO: u64 = 5;

/// "Did you mean": the query with a word replaced by a frequent indexed
/// word one edit away (公民連係 → 公民連携). `None` when no word has one.
pub fn did_you_mean(
    engine: &Engine,
    searcher: &tantivy::Searcher,
    req: &super::SearchRequest,
    plan: &super::Plan,
    searched: &super::plan::Searched,
    total: usize,
) -> Result<Option<String>> {
    let mut out = normalize_inline(&req.q);
    let mut changed = false;
    for (chunk, explained) in plan.chunks().zip(&searched.chunks) {
        // A word with matches of its own is what was meant (移住 is not 移る).
        if explained.forms.iter().any(|f| f.count > 0) {
            continue;
        }
        let text = chunk.typed.as_str();
        if let Some(better) = spelling(engine, searcher, text)?
            && out.contains(text)
        {
            out = out.replacen(text, &better, 1);
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    // Offered only when it finds more than the query did.
    let better = engine.plan_query(searcher, &out, req.options)?;
    let query = engine.strict_query(&better, &req.filters)?;
    let found = searcher.search(query.as_ref(), &tantivy::collector::Count)?;
    Ok((found > total).then_some(out))
}

/// The terms one edit (insertion, deletion or substitution of a character)
/// away from a word, as an automaton over the term dictionary: within the
/// first character's subtree the FST walk visits only the prefixes that can
/// still match, instead of every term sharing the first character (tens of
/// thousands on a large index).
struct OneEdit(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for OneEdit {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Levenshtein distance 1, no transpositions (as `edit_distance`); the
/// builder's tables are computed once.
fn one_edit(key: &str) -> OneEdit {
    static BUILDER: std::sync::OnceLock<levenshtein_automata::LevenshteinAutomatonBuilder> =
        std::sync::OnceLock::new();
    let builder =
        BUILDER.get_or_init(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(1, false));
    OneEdit(builder.build_dfa(key))
}

/// The most frequent text term one edit away from `text` (with the same
/// first character), if it is frequent enough to be what was meant.
fn spelling(engine: &Engine, searcher: &tantivy::Searcher, text: &str) -> Result<Option<String>> {
    let norm = normalize_inline(text);
    let key = fold_term(&norm).unwrap_or(norm);
    let n = key.chars().count();
    let Some(first) = key.chars().next() else {
        return Ok(None);
    };
    if n < 2 || key.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let field = engine.fields().text;
    let own = searcher.doc_freq(&tantivy::Term::from_field_text(field, &key))?;
    let mut counts: HashMap<String, u64> = HashMap::new();
    // Only the subtree of the first character: the FST walk stays inside
    // it (0xFF never occurs in UTF-8, so it bounds every continuation).
    let from = first.to_string().into_bytes();
    let to = {
        let mut t = from.clone();
        t.push(0xFF);
        t
    };
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .search(one_edit(&key))
            .ge(&from)
            .lt(&to)
            .into_stream()?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            // A number is no spelling of a word (三人 is not 三, 8つ not 8).
            let number = term.chars().all(|c| {
                c.is_ascii_digit() || c == '〇' || crate::analysis::bigram::is_kanji_numeral(c)
            });
            if term.starts_with(first) && term != key && !number {
                *counts.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let best = counts
        .into_iter()
        .filter(|(_, df)| *df >= SPELL_MIN_DF && *df >= SPELL_RATIO * (own + 1))
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    Ok(best.map(|(t, _)| t))
}
