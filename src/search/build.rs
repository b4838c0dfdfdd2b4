//! From a parsed query to a tantivy query, in three levels of strictness.

use std::collections::BTreeMap;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::query::{Atom, ParsedQuery};
use crate::analysis::bigram::bigrams;
use crate::analysis::dictionary::{Analyzer, Word};
use crate::analysis::synonyms::Synonyms;
use crate::index::Fields;

/// How strictly the words of a term must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    /// Every word of every term (AND), proximity boosted.
    Strict,
    /// Most character bigrams of each term (compounds split differently).
    Bigram,
    /// Any word of any term (OR), ranked by how many match.
    Any,
}

impl Mode {
    pub fn label(self) -> Option<&'static str> {
        match self {
            Mode::Strict => None,
            Mode::Bigram => Some("bigram"),
            Mode::Any => Some("any"),
        }
    }
}

/// Which parts of the system a query may use (ablations switch them off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    pub morph: bool,
    pub bigram: bool,
    pub synonyms: bool,
    pub escalation: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            morph: true,
            bigram: true,
            synonyms: true,
            escalation: true,
        }
    }
}

/// Field weights: a match in an initiative's name says more than one in
/// its body; the document title says little about a single passage.
const W_TEXT: f32 = 1.0;
const W_SECTION_TITLE: f32 = 2.0;
const W_TITLE: f32 = 0.3;
const W_BIGRAM: f32 = 0.6;
const W_PHRASE: f32 = 1.5;
const W_SYNONYM: f32 = 0.7;
/// Share of a term's bigrams that must match in `Mode::Bigram`.
const BIGRAM_SHARE: f32 = 0.6;

/// Builds tantivy queries for one parsed query.
pub struct QueryBuilder<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    pub synonyms: &'a Synonyms,
    pub features: Features,
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

fn boost(q: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if (weight - 1.0).abs() < f32::EPSILON {
        q
    } else {
        boxed(BoostQuery::new(q, weight))
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    boxed(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn should(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        return clauses.into_iter().next().expect("one clause");
    }
    boxed(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn must(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        return clauses.into_iter().next().expect("one clause");
    }
    boxed(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// Words grouped by position: a user-dictionary compound comes first,
/// followed by its parts at the same position.
fn positions(words: Vec<Word>) -> Vec<Vec<Word>> {
    let mut map: BTreeMap<usize, Vec<Word>> = BTreeMap::new();
    for w in words {
        let group = map.entry(w.position).or_default();
        if !group.iter().any(|g| g.term == w.term) {
            group.push(w);
        }
    }
    map.into_values().collect()
}

impl QueryBuilder<'_> {
    /// The whole query at `mode`, or `None` when nothing searchable is left.
    pub fn build(&self, parsed: &ParsedQuery, mode: Mode) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &parsed.groups {
            let alternatives: Vec<Box<dyn Query>> = group
                .iter()
                .filter_map(|atom| self.atom_with_synonyms(atom, mode))
                .collect();
            if alternatives.is_empty() {
                continue;
            }
            let occur = if mode == Mode::Any {
                Occur::Should
            } else {
                Occur::Must
            };
            clauses.push((occur, should(alternatives)));
        }
        if clauses.is_empty() {
            return None;
        }
        for atom in &parsed.excluded {
            if let Some(q) = self.atom(atom, Mode::Strict) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Some(boxed(BooleanQuery::new(clauses)))
    }

    fn atom_with_synonyms(&self, atom: &Atom, mode: Mode) -> Option<Box<dyn Query>> {
        let literal = self.atom(atom, mode);
        if !self.features.synonyms {
            return literal;
        }
        let mut alternatives: Vec<Box<dyn Query>> = literal.into_iter().collect();
        for syn in self.synonyms.expand(atom.text()) {
            // A synonym is a fixed expression: its words in sequence, not
            // anywhere in the passage (官民 … 協働 is not 官民協働).
            if let Some(q) = self.atom(&Atom::Phrase(syn), mode) {
                alternatives.push(boost(q, W_SYNONYM));
            }
        }
        if alternatives.is_empty() {
            None
        } else {
            Some(should(alternatives))
        }
    }

    /// One atom at `mode`.
    pub fn atom(&self, atom: &Atom, mode: Mode) -> Option<Box<dyn Query>> {
        let text = atom.text();
        let words = if self.features.morph {
            positions(self.analyzer.words(text))
        } else {
            Vec::new()
        };
        match (mode, atom) {
            (Mode::Any, _) => self.any(text, &words),
            (Mode::Bigram, _) => self.bigram_share(text),
            (Mode::Strict, Atom::Phrase(_)) => {
                let mut alts = Vec::new();
                if let Some(q) = self.morph_phrase(&words, 0) {
                    alts.push(q);
                }
                if self.features.bigram || alts.is_empty() {
                    alts.extend(self.bigram_phrase(self.fields.text_bi, text));
                }
                (!alts.is_empty()).then(|| should(alts))
            }
            (Mode::Strict, Atom::Word(_)) => {
                if words.is_empty() {
                    // Only stop words, or morphology switched off: the exact
                    // character sequence is the best we can do.
                    return self.bigram_phrase(self.fields.text_bi, text);
                }
                let required: Vec<Box<dyn Query>> = words
                    .iter()
                    .map(|group| self.position_clause(group))
                    .collect();
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, must(required))];
                if let Some(p) = self.morph_phrase(&words, 1) {
                    clauses.push((Occur::Should, boost(p, W_PHRASE)));
                }
                if self.features.bigram
                    && words.len() > 1
                    && let Some(p) = self.bigram_phrase(self.fields.text_bi, text)
                {
                    clauses.push((Occur::Should, boost(p, W_PHRASE)));
                }
                Some(boxed(BooleanQuery::new(clauses)))
            }
        }
    }

    /// One required word: in the passage, its title or the document title,
    /// or (bigram field) as a character sequence the dictionary split
    /// differently in the passage.
    fn word_clause(&self, word: &Word) -> Box<dyn Query> {
        let f = self.fields;
        let mut alts = vec![
            boost(term_query(f.text, &word.term), W_TEXT),
            boost(term_query(f.section_title, &word.term), W_SECTION_TITLE),
            boost(term_query(f.title, &word.term), W_TITLE),
        ];
        if self.features.bigram {
            if let Some(q) = self.bigram_phrase(f.text_bi, &word.surface) {
                alts.push(boost(q, W_BIGRAM));
            }
            if let Some(q) = self.bigram_phrase(f.section_title_bi, &word.surface) {
                alts.push(boost(q, W_BIGRAM * W_SECTION_TITLE));
            }
        }
        should(alts)
    }

    /// A position holds one word, or a compound and its parts: the compound
    /// matches, or all its parts do.
    fn position_clause(&self, group: &[Word]) -> Box<dyn Query> {
        match group {
            [single] => self.word_clause(single),
            [compound, parts @ ..] => {
                let all_parts = must(parts.iter().map(|p| self.word_clause(p)).collect());
                should(vec![self.word_clause(compound), all_parts])
            }
            [] => unreachable!("positions() never yields an empty group"),
        }
    }

    /// Phrase over the first word of each position on the morph field.
    fn morph_phrase(&self, words: &[Vec<Word>], slop: u32) -> Option<Box<dyn Query>> {
        match words.len() {
            0 => None,
            1 => Some(term_query(self.fields.text, &words[0][0].term)),
            _ => {
                let terms: Vec<(usize, Term)> = words
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        // Parts, not the compound: text without the compound
                        // in the user dictionary still has the parts.
                        let w = g.get(1).unwrap_or(&g[0]);
                        (i, Term::from_field_text(self.fields.text, &w.term))
                    })
                    .collect();
                Some(boxed(PhraseQuery::new_with_offset_and_slop(terms, slop)))
            }
        }
    }

    /// A character sequence: its bigrams as a phrase where the field has
    /// positions (titles), all of them in the passage otherwise (body).
    fn bigram_phrase(&self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let mut grams: Vec<String> = bigrams(text).into_iter().map(|g| g.0).collect();
        match grams.len() {
            0 => None,
            1 => Some(term_query(field, &grams[0])),
            _ if field == self.fields.text_bi => {
                grams.sort();
                grams.dedup();
                Some(must(grams.iter().map(|g| term_query(field, g)).collect()))
            }
            _ => {
                let terms: Vec<(usize, Term)> = grams
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (i, Term::from_field_text(field, g)))
                    .collect();
                Some(boxed(PhraseQuery::new_with_offset(terms)))
            }
        }
    }

    /// Most of the term's bigrams, anywhere in the passage.
    fn bigram_share(&self, text: &str) -> Option<Box<dyn Query>> {
        let mut grams: Vec<String> = bigrams(text).into_iter().map(|g| g.0).collect();
        grams.dedup();
        if grams.is_empty() {
            return None;
        }
        let needed = ((grams.len() as f32 * BIGRAM_SHARE).ceil() as usize).max(1);
        let clauses: Vec<(Occur, Box<dyn Query>)> = grams
            .iter()
            .map(|g| (Occur::Should, term_query(self.fields.text_bi, g)))
            .collect();
        Some(boxed(BooleanQuery::with_minimum_required_clauses(
            clauses, needed,
        )))
    }

    /// Any word of the term (its bigrams when it has no words).
    fn any(&self, text: &str, words: &[Vec<Word>]) -> Option<Box<dyn Query>> {
        let mut alts: Vec<Box<dyn Query>> = words
            .iter()
            .flatten()
            .map(|w| self.word_clause(w))
            .collect();
        // Single bigrams match too much to stand for a word of their own;
        // they serve only when morphology has nothing.
        if alts.is_empty() {
            alts.extend(
                bigrams(text)
                    .into_iter()
                    .map(|g| boost(term_query(self.fields.text_bi, &g.0), W_BIGRAM)),
            );
        }
        (!alts.is_empty()).then(|| should(alts))
    }
}
