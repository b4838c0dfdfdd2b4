//! From a parsed query to a tantivy query, in three levels of strictness.

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::Value;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, TantivyDocument, Term};

use super::query::{Atom, ParsedQuery};
use crate::analysis::bigram::bigrams;
use crate::analysis::dictionary::{Analyzer, KEY_MARK, Word};
use crate::analysis::reading::{kana_query, segment_reading};
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
    /// Readings: kana queries search the reading field, and okurigana and
    /// kana spellings of a word match each other.
    pub reading: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            morph: true,
            bigram: true,
            synonyms: true,
            escalation: true,
            reading: true,
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
/// Another spelling of the word typed (申込 for 申し込み).
const W_VARIANT: f32 = 0.5;
/// Matches through the reading alone (homophones among them) rank below
/// literal and word matches.
const W_READING: f32 = 0.3;
/// Share of a term's bigrams that must match in `Mode::Bigram`.
const BIGRAM_SHARE: f32 = 0.6;

/// Builds tantivy queries for one parsed query.
pub struct QueryBuilder<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    pub synonyms: &'a Synonyms,
    pub features: Features,
    /// Looks up which readings are indexed (kana queries); without it kana
    /// queries search their characters only.
    pub searcher: Option<&'a Searcher>,
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

/// The kanji of a short word written with okurigana (申込み → 申込).
fn okurigana_skeleton(text: &str) -> Option<String> {
    use crate::analysis::reading::{is_hiragana, is_kanji};
    let chars: Vec<char> = text.chars().collect();
    let kanji = chars.iter().filter(|&&c| is_kanji(c)).count();
    let kana = chars.iter().filter(|&&c| is_hiragana(c)).count();
    (chars.len() <= 8 && kanji >= 2 && (1..=3).contains(&kana) && kanji + kana == chars.len())
        .then(|| chars.iter().filter(|&&c| is_kanji(c)).collect())
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

    /// One atom at `mode`, and for an atom typed in kana its reading.
    pub fn atom(&self, atom: &Atom, mode: Mode) -> Option<Box<dyn Query>> {
        let reading = self.reading_query(atom.text());
        let literal = self.literal_atom(atom, mode, reading.is_some());
        let Some(reading) = reading else {
            return literal;
        };
        // The words the index writes with this reading (ほいくしょ → 保育所),
        // searched as if typed: a kana query finds what the kanji finds.
        let forms = self.reading_forms(reading.as_ref(), literal.as_deref(), atom.text());
        let mut alts: Vec<Box<dyn Query>> = literal.into_iter().collect();
        for form in forms {
            let as_typed = match atom {
                Atom::Word(_) => Atom::Word(form),
                Atom::Phrase(_) => Atom::Phrase(form),
            };
            // With its synonyms, as the kanji typed would have them.
            if let Some(q) = self.atom_with_synonyms(&as_typed, mode) {
                alts.push(boost(q, W_READING));
            }
        }
        alts.push(boost(reading, W_READING));
        Some(should(alts))
    }

    /// How the best passages matching a kana query's reading write it: the
    /// surfaces (保育所) covering the reading, most frequent first, each at
    /// least a fifth of those seen. Passages that also match the kana as
    /// typed (`literal`) are not read again: re-analysing them was most of
    /// the time of a katakana query such as マイナンバー, whose reading
    /// matches the same passages as its letters.
    fn reading_forms(
        &self,
        reading: &dyn Query,
        literal: Option<&dyn Query>,
        text: &str,
    ) -> Vec<String> {
        const SAMPLE: usize = 20;
        const MAX_FORMS: usize = 3;
        let (Some(searcher), Some(kana)) = (self.searcher, kana_query(text)) else {
            return Vec::new();
        };
        let Ok(top) = searcher.search(reading, &TopDocs::with_limit(SAMPLE).order_by_score())
        else {
            return Vec::new();
        };
        let as_typed = match literal {
            Some(q) => super::doc_matches(searcher, q, top.iter().map(|(_, addr)| addr))
                .unwrap_or_else(|_| vec![false; top.len()]),
            None => vec![false; top.len()],
        };
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut seen = 0usize;
        for ((_, addr), as_typed) in top.into_iter().zip(as_typed) {
            if as_typed {
                continue;
            }
            let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                continue;
            };
            let Some(body) = doc.get_first(self.fields.text).and_then(|v| v.as_str()) else {
                continue;
            };
            let mut words: Vec<(String, usize, usize)> = Vec::new();
            self.analyzer
                .scan_with_readings(body, |_, _, _, _| {}, &mut |r, s, e, _| {
                    words.push((r.to_string(), s, e))
                });
            for i in 0..words.len() {
                let mut acc = String::new();
                for (r, _, e) in &words[i..] {
                    acc.push_str(r);
                    if acc.len() >= kana.len() {
                        if acc == kana {
                            let form = &body[words[i].1..*e];
                            if form.chars().any(crate::analysis::reading::is_kanji) {
                                *counts.entry(form.to_string()).or_default() += 1;
                                seen += 1;
                            }
                        }
                        break;
                    }
                }
            }
        }
        let mut forms: Vec<(String, usize)> =
            counts.into_iter().filter(|(_, n)| n * 5 >= seen).collect();
        forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        forms.into_iter().take(MAX_FORMS).map(|(f, _)| f).collect()
    }

    /// The reading channel of an atom typed in kana: its reading split into
    /// indexed word readings, as a phrase on the reading field.
    pub fn reading_query(&self, text: &str) -> Option<Box<dyn Query>> {
        if !self.features.reading {
            return None;
        }
        let searcher = self.searcher?;
        let kana = kana_query(text)?;
        // A katakana word the text writes as such (メモリ) is no reading:
        // searched by reading it would find its homophones (目盛り).
        if !text.chars().any(crate::analysis::reading::is_hiragana) {
            let term = crate::analysis::synonyms::key(text);
            let known = searcher.doc_freq(&Term::from_field_text(self.fields.text, &term));
            if known.is_ok_and(|n| n > 0) {
                return None;
            }
        }
        let field = self.fields.text_rd;
        let pieces = segment_reading(&kana, |t| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        })?;
        match pieces.len() {
            0 => None,
            1 => Some(term_query(field, &pieces[0])),
            _ => {
                let terms: Vec<(usize, Term)> = pieces
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i, Term::from_field_text(field, p)))
                    .collect();
                Some(boxed(PhraseQuery::new_with_offset(terms)))
            }
        }
    }

    /// The words of an atom, without the variant keys when readings are off.
    fn atom_words(&self, text: &str) -> Vec<Vec<Word>> {
        if !self.features.morph {
            return Vec::new();
        }
        let mut words = self.analyzer.query_words(text);
        if !self.features.reading {
            words.retain(|w| !w.variant);
        }
        positions(words)
    }

    /// One atom at `mode`, as written. `by_reading`: the atom is kana with a
    /// reading query beside it, so a kana string the dictionary cut into
    /// pieces (たいきじどう → たい, き, じ, どう) is matched as characters only.
    fn literal_atom(&self, atom: &Atom, mode: Mode, by_reading: bool) -> Option<Box<dyn Query>> {
        let text = atom.text();
        let words = self.atom_words(text);
        if by_reading && words.len() > 1 && mode != Mode::Bigram {
            return self.bigram_phrase(self.fields.text_bi, text);
        }
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
                let q = boxed(BooleanQuery::new(clauses));
                // A word with okurigana the dictionary cut in pieces (申込み →
                // 申/込み) also matches as its kanji skeleton (申込), like
                // the okurigana key of a word it knows.
                match okurigana_skeleton(text).filter(|_| words.len() > 1 && self.features.reading)
                {
                    Some(skeleton) => {
                        let mut alts = vec![q];
                        for term in [format!("{KEY_MARK}{skeleton}"), skeleton] {
                            let key = Word {
                                term,
                                surface: text.to_string(),
                                byte_start: 0,
                                byte_end: text.len(),
                                position: 0,
                                variant: true,
                            };
                            alts.push(boost(self.word_clause(&key), W_VARIANT));
                        }
                        Some(should(alts))
                    }
                    None => Some(q),
                }
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
        // A year in its normal form (令和元年度 → 2019年度) is matched by that
        // term alone: the characters of one spelling would find only it,
        // and the bigrams of 平成31年度 match any passage with 平成, 31 and 年度.
        let year = word.term.ends_with('年') || word.term.ends_with("年度");
        let year = year && !crate::analysis::era::years(&word.surface).is_empty();
        if self.features.bigram && !year {
            // A variant key (申込 of 申し込み) is searched as its own
            // characters too: 申込書 then matches whichever form was typed.
            let chars = if word.variant {
                word.term.trim_start_matches(KEY_MARK)
            } else {
                &word.surface
            };
            if let Some(q) = self.bigram_phrase(f.text_bi, chars) {
                alts.push(boost(q, W_BIGRAM));
            }
            if let Some(q) = self.bigram_phrase(f.section_title_bi, chars) {
                alts.push(boost(q, W_BIGRAM * W_SECTION_TITLE));
            }
        }
        should(alts)
    }

    /// A position holds one word, or a compound and its parts: the compound
    /// matches, or all its parts do.
    fn position_clause(&self, group: &[Word]) -> Box<dyn Query> {
        // Variant keys (申込 of 申し込み) are alternatives of the whole word.
        let (keys, words): (Vec<&Word>, Vec<&Word>) = group.iter().partition(|w| w.variant);
        let alts = match words.as_slice() {
            [] => Vec::new(),
            [single] => vec![self.word_clause(single)],
            [compound, parts @ ..] => {
                let all_parts = must(parts.iter().map(|p| self.word_clause(p)).collect());
                vec![self.word_clause(compound), all_parts]
            }
        };
        if keys.is_empty() {
            return should(alts);
        }
        // The best of the word as typed and its other spellings, not their
        // sum: a passage writing the word as typed scores as it did without
        // keys, and one writing another spelling ranks below it.
        let mut disjuncts = vec![should(alts)];
        disjuncts.extend(keys.iter().map(|k| boost(self.word_clause(k), W_VARIANT)));
        boxed(DisjunctionMaxQuery::new(disjuncts))
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
                        let w = g[1..].iter().find(|w| !w.variant).unwrap_or(&g[0]);
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
