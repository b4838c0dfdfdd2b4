//! One explicit plan per query, built once per request: the chunks typed
//! (a word, a quoted phrase, the content chunks of a sentence), each with
//! its equal forms (as typed, another notation, the spellings a kana
//! reading is written with, synonyms of the whole word). Counting,
//! highlighting and the explanation shown to users read this plan
//! ([`super::build`] compiles it); nothing else re-derives what was searched.
//!
//! Expansion is one bounded pass per chunk, with no recursion: the typed
//! form, then its notation variant, then (kana) the spellings of its
//! reading, then the synonyms of every form found so far; each form once
//! (by its normalized key), at most [`MAX_FORMS`].

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument, Term};

use super::build::reading_query;
use super::query::{Atom, ParsedQuery};
use crate::analysis::dictionary::Analyzer;
use crate::analysis::reading::{is_hiragana, is_kanji, kana_query, segment_reading};
use crate::analysis::synonyms::{Synonyms, key};
use crate::index::Fields;

/// Most equal forms one chunk is searched by.
pub const MAX_FORMS: usize = 12;
/// Most chunks one query is split into (a sentence's chunks included).
pub const MAX_CHUNKS: usize = 32;

/// How a form is equal to what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// As typed.
    Typed,
    /// Another notation of the same word (申込 for 申し込み).
    Variant,
    /// A spelling the index uses for a kana query's reading (ほいくしょ →
    /// 保育所), or the reading itself.
    Reading,
    /// A synonym of the whole word (官民連携 for 公民連携).
    Synonym,
}

/// One form a chunk is searched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub text: String,
    pub kind: FormKind,
}

/// One unit that must match where it is written: its forms are
/// alternatives, each matched with its words together and in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// As typed (normalized).
    pub typed: String,
    /// A quoted phrase.
    pub quoted: bool,
    /// The forms, the typed one first.
    pub forms: Vec<Form>,
    /// A kana chunk's reading split into the readings the index holds,
    /// searched as a phrase on the reading field.
    pub reading: Option<Vec<String>>,
}

impl Chunk {
    pub fn forms_of(&self, kind: FormKind) -> impl Iterator<Item = &Form> {
        self.forms.iter().filter(move |f| f.kind == kind)
    }
}

/// What a request lets the plan use (`synonyms=false`, `readings=false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    pub synonyms: bool,
    pub readings: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            synonyms: true,
            readings: true,
        }
    }
}

/// The whole plan of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Every group is required; a group's chunks are alternatives (`OR`).
    pub groups: Vec<Vec<Chunk>>,
    /// Chunks that must not match (`-term`).
    pub excluded: Vec<Chunk>,
    /// The query as typed: the looser levels and suggestions start from it.
    pub parsed: ParsedQuery,
    /// Typed chunks that were sentences, split into content chunks.
    pub sentences: Vec<String>,
    /// The groups of each sentence (ranges into `groups`): chunks typed
    /// together, which rank higher where they stand together too.
    pub runs: Vec<std::ops::Range<usize>>,
}

impl Plan {
    /// Every positive chunk, in order.
    pub fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        self.groups.iter().flatten()
    }

    /// Whether any chunk is searched by its reading.
    pub fn uses_readings(&self) -> bool {
        self.chunks()
            .any(|c| c.reading.is_some() || c.forms_of(FormKind::Reading).next().is_some())
    }
}

/// What was searched, as a response shows it: per chunk, each form and the
/// passages (under the request's filters) it matches on its own.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Searched {
    pub chunks: Vec<SearchedChunk>,
    /// Chunks typed as sentences, split at particles into the chunks above.
    pub sentences: Vec<String>,
}

/// One chunk of [`Searched`].
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchedChunk {
    /// As typed (normalized).
    pub chunk: String,
    /// A quoted phrase.
    pub quoted: bool,
    /// The typed form first; a kana chunk's reading last (in katakana).
    pub forms: Vec<SearchedForm>,
}

/// One form of a chunk and its count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchedForm {
    pub form: String,
    /// `typed`, `variant`, `reading` or `synonym`.
    pub kind: FormKind,
    /// Passages matching this form where it is written, under the filters.
    pub count: usize,
}

/// Builds plans: the analyzer for sentences and notation, the synonym
/// groups, and the index for what a kana reading is written as.
pub struct Planner<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    pub synonyms: &'a Synonyms,
    pub options: PlanOptions,
    pub searcher: Option<&'a Searcher>,
}

impl Planner<'_> {
    pub fn plan(&self, parsed: &ParsedQuery) -> Plan {
        let mut plan = Plan {
            groups: Vec::new(),
            excluded: Vec::new(),
            parsed: parsed.clone(),
            sentences: Vec::new(),
            runs: Vec::new(),
        };
        let mut chunks_left = MAX_CHUNKS;
        for group in &parsed.groups {
            // A lone unquoted sentence becomes one required group per
            // content chunk; inside an OR group it stays one chunk.
            if let [Atom::Word(text)] = group.as_slice()
                && let Some(parts) = self.analyzer.sentence_chunks(text)
            {
                plan.sentences.push(text.clone());
                let start = plan.groups.len();
                for part in parts.into_iter().take(chunks_left) {
                    chunks_left -= 1;
                    plan.groups.push(vec![self.chunk(&part, false)]);
                }
                if plan.groups.len() - start >= 2 {
                    plan.runs.push(start..plan.groups.len());
                }
                continue;
            }
            let chunks: Vec<Chunk> = group
                .iter()
                .take(chunks_left)
                .map(|a| self.chunk(a.text(), matches!(a, Atom::Phrase(_))))
                .collect();
            chunks_left -= chunks.len();
            if !chunks.is_empty() {
                plan.groups.push(chunks);
            }
        }
        plan.excluded = parsed
            .excluded
            .iter()
            .map(|a| Chunk {
                typed: a.text().to_string(),
                quoted: matches!(a, Atom::Phrase(_)),
                forms: vec![Form {
                    text: a.text().to_string(),
                    kind: FormKind::Typed,
                }],
                reading: None,
            })
            .collect();
        plan
    }

    /// Whether the one word `typed` is keyed by `skeleton` in the index (its
    /// okurigana skeleton, checked against the dictionary's reading).
    fn keyed_by(&self, typed: &str, skeleton: &str) -> bool {
        let words = self.analyzer.query_words(typed);
        words.iter().filter(|w| !w.variant).count() == 1
            && words.iter().any(|w| {
                w.variant
                    && w.term.strip_prefix(crate::analysis::dictionary::KEY_MARK) == Some(skeleton)
            })
    }

    /// One chunk and its equal forms, in one bounded pass.
    fn chunk(&self, typed: &str, quoted: bool) -> Chunk {
        let mut forms = Forms::default();
        forms.push(typed, FormKind::Typed);
        if self.options.readings
            && !quoted
            && let Some(skeleton) = okurigana_skeleton(typed)
            // Where the dictionary cuts the word in pieces (申/込み), or
            // where the word it knows has the skeleton as its checked key
            // (置き場 → 置場; 生き物 has none: 生物 is another word).
            && (self.analyzer.words(typed).len() > 1 || self.keyed_by(typed, &skeleton))
            && kana_are_okurigana(self.analyzer, typed)
        {
            forms.push(&skeleton, FormKind::Variant);
        }
        if self.options.readings && !quoted {
            // Other notations of the word or of variants inside the
            // compound (漏えい = 漏洩, 三人 = 3人), each matched as a whole.
            for spelling in crate::analysis::notation::spellings(self.analyzer, typed) {
                forms.push(&spelling, FormKind::Variant);
            }
        }
        if self.options.readings
            && !quoted
            && let Some(short) = crate::analysis::variants::without_final_long_vowel(typed)
        {
            // センサー = センサ: the index folds the word, but a form's
            // characters are matched as typed, and センサ stands inside
            // katakana compounds (センサライト) the word channel does not cut.
            forms.push_spelling(&short, FormKind::Variant);
        }
        if self.options.readings && !quoted {
            for form in self.mixed_forms(typed) {
                forms.push(&form, FormKind::Variant);
            }
        }
        let reading = self.reading_pieces(typed);
        if let Some(pieces) = &reading {
            for form in self.reading_forms(pieces, typed) {
                forms.push(&form, FormKind::Reading);
            }
        }
        if self.options.synonyms {
            // The synonyms of the forms found so far, never of a synonym.
            let sources: Vec<String> = forms.list.iter().map(|f| f.text.clone()).collect();
            for source in sources {
                for syn in self.synonyms.expand(&source) {
                    forms.push(&syn, FormKind::Synonym);
                }
            }
        }
        Chunk {
            typed: typed.to_string(),
            quoted,
            forms: forms.list,
            reading,
        }
    }

    /// A kana chunk's reading split into indexed readings, or `None`.
    fn reading_pieces(&self, text: &str) -> Option<Vec<String>> {
        if !self.options.readings {
            return None;
        }
        let searcher = self.searcher?;
        let kana = kana_query(text)?;
        // A katakana word the text writes as such (メモリ) is no reading:
        // searched by reading it would find its homophones (目盛り).
        if !text.chars().any(is_hiragana) {
            let term = key(text);
            let known = searcher.doc_freq(&Term::from_field_text(self.fields.text, &term));
            if known.is_ok_and(|n| n > 0) {
                return None;
            }
        }
        let field = self.fields.text_rd;
        segment_reading(&kana, |t| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        })
        .filter(|p| !p.is_empty())
    }

    /// How the best passages matching a kana query's reading write it: the
    /// surfaces with kanji (保育所) covering the reading, most frequent
    /// first, each at least a fifth of those seen. Passages holding the kana
    /// as typed are skipped (re-analysing them was most of the time of a
    /// katakana query such as マイナンバー).
    fn reading_forms(&self, pieces: &[String], text: &str) -> Vec<String> {
        let Some(kana) = kana_query(text) else {
            return Vec::new();
        };
        self.spellings_read_as(pieces, &kana, text, &|_| true)
    }

    /// A chunk of kanji and kana (位置づけ, 取りつけ, 抽せん): the spellings
    /// the index uses for its reading that hold its kanji or whose kanji it
    /// holds, in order (位置付け, 取り付け, 抽選; never a homophone with other
    /// kanji). Kana written for a kanji (交ぜ書き) or for a kanji part, either
    /// way.
    fn mixed_forms(&self, typed: &str) -> Vec<String> {
        let chars: Vec<char> = typed.chars().collect();
        let mixed = (2..=10).contains(&chars.len())
            && chars.iter().any(|&c| is_kanji(c))
            && chars.iter().any(|&c| is_hiragana(c))
            && chars.iter().all(|&c| is_kanji(c) || is_hiragana(c));
        let Some(searcher) = self.searcher.filter(|_| mixed) else {
            return Vec::new();
        };
        let mut kana = String::new();
        let mut covered = 0;
        self.analyzer
            .scan_with_readings(typed, |_, _, _, _| {}, &mut |r, s, e, _| {
                kana.push_str(r);
                covered += typed.get(s..e).map_or(0, |w| w.chars().count());
            });
        // A word the stop list drops has no reading here (申し訳ない reads
        // モウシワケ): spellings of the rest would be another, shorter word.
        // One kana left over is okurigana IPADIC cut off (埋立/て).
        let uncovered = chars.len().saturating_sub(covered);
        if kana.chars().count() < 3 || uncovered > 1 {
            return Vec::new();
        }
        let field = self.fields.text_rd;
        let Some(pieces) = segment_reading(&kana, |t| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        }) else {
            return Vec::new();
        };
        let kanji_of = |s: &str| -> Vec<char> { s.chars().filter(|&c| is_kanji(c)).collect() };
        let own = kanji_of(typed);
        let within = |a: &[char], b: &[char]| {
            let mut it = b.iter();
            a.iter().all(|c| it.any(|d| d == c))
        };
        self.spellings_read_as(&pieces, &kana, typed, &|form| {
            let theirs = kanji_of(form);
            // A part of what was typed is no spelling of it (場整備 of ほ場整備).
            !typed.contains(form)
                && form.chars().all(|c| is_kanji(c) || is_hiragana(c))
                && (within(&own, &theirs) || within(&theirs, &own))
        })
    }

    /// The surfaces with kanji that read `kana` in the best passages of the
    /// reading phrase `pieces`, passages holding `text` skipped, `accept`ed.
    fn spellings_read_as(
        &self,
        pieces: &[String],
        kana: &str,
        text: &str,
        accept: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        const SAMPLE: usize = 20;
        const MAX_READING_FORMS: usize = 3;
        let Some(searcher) = self.searcher else {
            return Vec::new();
        };
        let query = reading_query(self.fields, pieces);
        let Ok(top) = searcher.search(&*query, &TopDocs::with_limit(SAMPLE).order_by_score())
        else {
            return Vec::new();
        };
        let typed = key(text);
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut seen = 0usize;
        for (_, addr) in top {
            let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                continue;
            };
            let Some(body) = doc.get_first(self.fields.text).and_then(|v| v.as_str()) else {
                continue;
            };
            if body.contains(text) || body.contains(&typed) {
                continue;
            }
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
                            if form.chars().any(is_kanji) && accept(form) {
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
        forms
            .into_iter()
            .take(MAX_READING_FORMS)
            .map(|(f, _)| f)
            .collect()
    }
}

/// Forms in order, each once by its normalized key, at most [`MAX_FORMS`].
#[derive(Default)]
struct Forms {
    list: Vec<Form>,
    keys: Vec<String>,
}

impl Forms {
    fn push(&mut self, text: &str, kind: FormKind) {
        let k = key(text);
        if k.is_empty() || self.list.len() >= MAX_FORMS || self.keys.contains(&k) {
            return;
        }
        self.keys.push(k);
        self.add(text, kind);
    }

    /// Adds a spelling the folded key does not tell apart from a form
    /// already there (センサ of センサー), since its characters differ.
    fn push_spelling(&mut self, text: &str, kind: FormKind) {
        if text.is_empty()
            || self.list.len() >= MAX_FORMS
            || self.list.iter().any(|f| f.text == text)
        {
            return;
        }
        self.add(text, kind);
    }

    fn add(&mut self, text: &str, kind: FormKind) {
        self.list.push(Form {
            text: text.to_string(),
            kind,
        });
    }
}

/// Whether every kana of `text` ends a dictionary word that starts with a
/// kanji (申/込み), as okurigana do; kana that are a word of their own are
/// no okurigana, and the kanji alone another word (時代/おくれ is no 時代,
/// 子供/たち no 子供, 日本/じゅう no 日本).
fn kana_are_okurigana(analyzer: &Analyzer, text: &str) -> bool {
    analyzer.tagged_words(text).iter().all(|w| {
        text.get(w.start..w.end).is_some_and(|word| {
            !word.chars().any(is_hiragana) || word.chars().next().is_some_and(is_kanji)
        })
    })
}

/// The kanji of a short word written with okurigana (申込み → 申込).
/// Okurigana follow a kanji: kana that start a word stand for a kanji
/// (ほ場整備 is 圃場整備, never 場整備).
pub fn okurigana_skeleton(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let kanji = chars.iter().filter(|&&c| is_kanji(c)).count();
    let kana = chars.iter().filter(|&&c| is_hiragana(c)).count();
    (chars.len() <= 8
        && chars.first().is_some_and(|&c| is_kanji(c))
        && kanji >= 2
        && (1..=3).contains(&kana)
        && kanji + kana == chars.len())
    .then(|| chars.iter().filter(|&&c| is_kanji(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_kept_once_and_capped() {
        let mut f = Forms::default();
        f.push("子ども", FormKind::Typed);
        f.push("子ども", FormKind::Synonym);
        for i in 0..40 {
            f.push(&format!("語{i}"), FormKind::Synonym);
        }
        assert_eq!(f.list.len(), MAX_FORMS);
        assert_eq!(f.list[0].kind, FormKind::Typed);
    }

    #[test]
    fn okurigana_skeleton_of_short_mixed_words() {
        assert_eq!(okurigana_skeleton("申込み").as_deref(), Some("申込"));
        assert_eq!(okurigana_skeleton("公民連携"), None);
        // Kana that start a word stand for a kanji (交ぜ書き), not okurigana.
        assert_eq!(okurigana_skeleton("ほ場整備"), None);
    }
}
