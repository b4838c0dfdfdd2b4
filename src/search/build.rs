//! Compiles a [`Plan`] into tantivy queries, at four levels of strictness.
//!
//! Strict (what every count counts): each chunk matches where one of its
//! forms stands with its characters or words together and in order — the
//! bigrams of the form as a phrase (a compound written inside a longer one
//! still holds it: 地域福祉計画 ⊃ 地域福祉), or its words at adjacent positions
//! (the analyzer's equalities: inflection, okurigana keys, years, counters).
//! A passage where only the parts are scattered is a looser match.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::plan::{Chunk, Form, FormKind, Plan};
use crate::analysis::bigram::{bigrams, is_kanji_numeral};
use crate::analysis::dictionary::{Analyzer, Word};
use crate::index::Fields;

/// How strictly a chunk must match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    /// Every chunk where one of its forms is written.
    Strict,
    /// Every word of every chunk, anywhere in the passage (the parts of a
    /// compound scattered).
    Words,
    /// Most character bigrams of each chunk (compounds split differently).
    Bigram,
    /// Any word of any chunk (OR), ranked by how many match.
    Any,
    /// At least one group where written, as in `Strict` (the passages a
    /// multi-word query lists after its strict matches).
    Some,
}

impl Mode {
    pub fn label(self) -> Option<&'static str> {
        match self {
            Mode::Strict => None,
            Mode::Words => Some("words"),
            Mode::Bigram => Some("bigram"),
            Mode::Any => Some("any"),
            Mode::Some => Some("some"),
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
/// its body; the document title says little about a single passage (it
/// only ranks, it never makes a match).
const W_TEXT: f32 = 1.0;
const W_SECTION_TITLE: f32 = 2.0;
const W_TITLE: f32 = 0.3;
const W_BIGRAM: f32 = 0.6;
const W_SYNONYM: f32 = 0.7;
/// Another spelling of the word typed (申込 for 申し込み).
const W_VARIANT: f32 = 0.25;
/// Matches through the reading alone (homophones among them) rank below
/// literal and word matches.
const W_READING: f32 = 0.3;
/// Share of a chunk's bigrams that must match in `Mode::Bigram`.
const BIGRAM_SHARE: f32 = 0.6;
/// The chunk's words anywhere in a passage that holds it: ranks only.
const W_WORDS: f32 = 0.3;
/// Words of a chunk this far apart (positions) still rank as near.
const NEAR_SLOP: u32 = 3;
const W_NEAR: f32 = 1.5;
/// The chunks of one typed sentence standing together: particles between
/// them (の, への, における) take up to this many positions in all.
const RUN_SLOP: u32 = 3;
const W_RUN: f32 = 1.5;
/// Most phrases one form's spellings multiply into (a key per word).
const MAX_PHRASES: usize = 8;

/// The weight of a form by how it equals what was typed.
fn weight(kind: FormKind) -> f32 {
    match kind {
        FormKind::Typed => 1.0,
        FormKind::Variant => W_VARIANT,
        FormKind::Reading => W_READING,
        FormKind::Synonym => W_SYNONYM,
    }
}

/// Compiles plans for one index.
pub struct Compiler<'a> {
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
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

/// A phrase of terms at their offsets (one term: that term).
fn phrase(field: Field, terms: &[(usize, &str)]) -> Box<dyn Query> {
    if let [(_, one)] = terms {
        return term_query(field, one);
    }
    let terms: Vec<(usize, Term)> = terms
        .iter()
        .map(|(at, t)| (*at, Term::from_field_text(field, t)))
        .collect();
    boxed(PhraseQuery::new_with_offset(terms))
}

/// One item of each list in every combination, in order, the first `max`
/// only (spellings multiply: a few phrases at most).
fn capped_product<T: Clone>(lists: &[Vec<T>], max: usize) -> Vec<Vec<T>> {
    let mut combos: Vec<Vec<T>> = vec![Vec::new()];
    for list in lists {
        let mut next = Vec::with_capacity(max);
        'fill: for combo in &combos {
            for item in list {
                if next.len() >= max {
                    break 'fill;
                }
                let mut c = combo.clone();
                c.push(item.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    combos
}

/// The phrase of a kana chunk's indexed readings on the reading field.
pub fn reading_query(fields: &Fields, pieces: &[String]) -> Box<dyn Query> {
    let terms: Vec<(usize, &str)> = pieces.iter().map(String::as_str).enumerate().collect();
    phrase(fields.text_rd, &terms)
}

/// Words grouped by position, positions relative to the first: the word
/// (a user-dictionary compound) first, then its parts and its variant keys
/// at the same position.
fn positions(words: Vec<Word>) -> Vec<(usize, Vec<Word>)> {
    let mut out: Vec<(usize, Vec<Word>)> = Vec::new();
    let first = words.first().map_or(0, |w| w.position);
    for w in words {
        let at = w.position - first;
        match out.last_mut() {
            Some((p, group)) if *p == at => {
                if !group.iter().any(|g| g.term == w.term) {
                    group.push(w);
                }
            }
            _ => out.push((at, vec![w])),
        }
    }
    out
}

/// Whether a one-word form is a year in its normal form (令和元年度 →
/// 2019年度): matched by that term alone, since the characters of one
/// spelling would find only that spelling.
fn is_year(words: &[(usize, Vec<Word>)]) -> bool {
    match words {
        [(_, group)] => {
            let w = &group[0];
            (w.term.ends_with('年') || w.term.ends_with("年度"))
                && !crate::analysis::era::years(&w.surface).is_empty()
        }
        _ => false,
    }
}

/// Whether a form ends in a number written in kanji (二十, 第三): its
/// characters would find it at the start of a longer number (二十三,
/// 第三十), so its words alone match (the index holds a number IPADIC cuts
/// in pieces as one word: 三十).
fn ends_in_kanji_number(words: &[(usize, Vec<Word>)]) -> bool {
    words.last().is_some_and(|(_, group)| {
        let s = &group[0].surface;
        s.chars().any(is_kanji_numeral)
            && s.chars()
                .all(|c| is_kanji_numeral(c) || c == '〇' || c.is_ascii_digit())
    })
}

/// Whether the words kept of `text` (stop words removed) are all of its
/// letters: the word channel then matches what the characters do, and its
/// equalities (inflection, okurigana keys, counters) add other spellings.
fn covers(text: &str, words: &[(usize, Vec<Word>)]) -> bool {
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    let kept: usize = words
        .iter()
        .filter_map(|(_, group)| group.iter().find(|w| !w.variant))
        .map(|w| w.surface.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    kept >= letters
}

impl Compiler<'_> {
    /// The whole plan at `mode`, or `None` when nothing searchable is left.
    pub fn compile(&self, plan: &Plan, mode: Mode) -> Option<Box<dyn Query>> {
        self.compile_with(plan, mode, &|_| true)
    }

    /// The plan at `mode` with only the forms `keep` accepts (the reading
    /// channel off: which hits match literally).
    pub fn compile_with(
        &self,
        plan: &Plan,
        mode: Mode,
        keep: &dyn Fn(FormKind) -> bool,
    ) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &plan.groups {
            let Some(q) = self.group(group, mode, keep) else {
                continue;
            };
            let occur = if matches!(mode, Mode::Any | Mode::Some) {
                Occur::Should
            } else {
                Occur::Must
            };
            clauses.push((occur, q));
        }
        if clauses.is_empty() {
            return None;
        }
        if matches!(mode, Mode::Strict | Mode::Some) {
            for run in &plan.runs {
                let chunks: Vec<&Chunk> = plan.groups[run.clone()]
                    .iter()
                    .filter_map(|g| g.first())
                    .collect();
                if let Some(q) = self.run_near(&chunks, keep) {
                    clauses.push((Occur::Should, boost(q, W_RUN)));
                }
            }
        }
        for chunk in &plan.excluded {
            let words = self.atom_words(&chunk.typed);
            if let Some(q) = self.excluded_form(&chunk.typed, &words, chunk.quoted) {
                // Twice, as a union: in a segment where one phrase alone is
                // left of the form, tantivy's exclusion would seek that phrase
                // scorer backwards (a debug assertion, and no contract in
                // release); a union's scorer allows it.
                clauses.push((Occur::MustNot, should(vec![q.box_clone(), q])));
            }
        }
        Some(boxed(BooleanQuery::new(clauses)))
    }

    /// One group (its chunks are alternatives) at `mode`.
    pub fn group(
        &self,
        group: &[Chunk],
        mode: Mode,
        keep: &dyn Fn(FormKind) -> bool,
    ) -> Option<Box<dyn Query>> {
        let alternatives: Vec<Box<dyn Query>> = group
            .iter()
            .filter_map(|chunk| self.chunk(chunk, mode, keep))
            .collect();
        (!alternatives.is_empty()).then(|| should(alternatives))
    }

    /// One chunk at `mode`.
    pub fn chunk(
        &self,
        chunk: &Chunk,
        mode: Mode,
        keep: &dyn Fn(FormKind) -> bool,
    ) -> Option<Box<dyn Query>> {
        let typed = chunk.typed.as_str();
        match mode {
            Mode::Strict | Mode::Some => {}
            Mode::Words => return self.all_words(typed),
            Mode::Bigram => return self.bigram_share(typed),
            Mode::Any => return self.any(typed),
        }
        // The typed text is analysed once: its form, the title and the
        // words that rank.
        let words = self.atom_words(typed);
        let mut alts: Vec<Box<dyn Query>> = Vec::new();
        for form in chunk.forms.iter().filter(|f| keep(f.kind)) {
            let q = if form.kind == FormKind::Typed {
                self.typed_form(chunk, &words)
            } else {
                self.chunk_form(chunk, form)
            };
            if let Some(q) = q {
                alts.push(boost(q, weight(form.kind)));
            }
        }
        if keep(FormKind::Reading)
            && let Some(pieces) = &chunk.reading
        {
            alts.push(boost(reading_query(self.fields, pieces), W_READING));
        }
        if alts.is_empty() {
            return None;
        }
        let required = should(alts);
        // Only rank: the document title (a passage is never found by it),
        // and the chunk's words wherever the passage has them.
        let mut clauses = vec![(Occur::Must, required)];
        if let Some(title) = self.title_words(&words) {
            clauses.push((Occur::Should, boost(title, W_TITLE)));
        }
        if let Some(anywhere) = self.all_words_of(typed, &words) {
            clauses.push((Occur::Should, boost(anywhere, W_WORDS)));
        }
        Some(if clauses.len() == 1 {
            clauses.pop().expect("one clause").1
        } else {
            boxed(BooleanQuery::new(clauses))
        })
    }

    /// Where one form of `chunk` stands (what [`Compiler::chunk`] ORs and
    /// what a form's count in the explanation counts).
    pub fn chunk_form(&self, chunk: &Chunk, form: &Form) -> Option<Box<dyn Query>> {
        if form.kind == FormKind::Typed {
            return self.typed_form(chunk, &self.atom_words(&chunk.typed));
        }
        self.form(&form.text, &self.atom_words(&form.text), chunk.quoted)
    }

    /// The typed form of `chunk`, its words already analysed. A kana chunk
    /// the dictionary cuts in pieces (たいきじどう → たい, き, じ, どう) is
    /// matched as its characters only: its reading finds it.
    fn typed_form(&self, chunk: &Chunk, words: &[(usize, Vec<Word>)]) -> Option<Box<dyn Query>> {
        let words = if chunk.reading.is_some() {
            &[][..]
        } else {
            words
        };
        self.form(&chunk.typed, words, chunk.quoted)
    }

    /// What an excluded chunk leaves out: where its characters or its words
    /// stand, words kept even when the stop list dropped some (leaving out
    /// more errs on the safe side).
    fn excluded_form(
        &self,
        text: &str,
        words: &[(usize, Vec<Word>)],
        quoted: bool,
    ) -> Option<Box<dyn Query>> {
        self.form_with(text, words, quoted, true)
    }

    /// Where one form stands: its bigrams as a phrase in the passage or its
    /// title, or its `words` at adjacent positions. A form typed with a
    /// particle (協働のまちづくり) is that particle too, unless `quoted`: a
    /// quoted phrase lets any particle stand in its place.
    fn form(
        &self,
        text: &str,
        words: &[(usize, Vec<Word>)],
        quoted: bool,
    ) -> Option<Box<dyn Query>> {
        self.form_with(text, words, quoted, false)
    }

    fn form_with(
        &self,
        text: &str,
        words: &[(usize, Vec<Word>)],
        quoted: bool,
        keep_words: bool,
    ) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut alts: Vec<Box<dyn Query>> = Vec::new();
        let by_chars = self.features.bigram || words.is_empty();
        if by_chars && !is_year(words) && !ends_in_kanji_number(words) {
            alts.extend(
                self.bigram_phrase(f.text_bi, text)
                    .map(|q| boost(q, W_BIGRAM)),
            );
            alts.extend(
                self.bigram_phrase(f.section_title_bi, text)
                    .map(|q| boost(q, W_BIGRAM * W_SECTION_TITLE)),
            );
        }
        // Words a form loses to the stop list (私ごと → ごと; 年より → 年;
        // 中ぐらい → 中) would find every passage with what is left: such a
        // form is matched by its characters alone (when they are searched:
        // 一から, a number, is matched by its words).
        let words = if !keep_words && !alts.is_empty() && !covers(text, words) {
            &[][..]
        } else {
            words
        };
        match words {
            [] => {}
            [(_, group)] => {
                alts.push(self.position_clause(f.text, group, true));
                alts.push(boost(
                    self.position_clause(f.section_title_words, group, false),
                    W_SECTION_TITLE,
                ));
            }
            _ => {
                let gapped = words.windows(2).any(|w| w[1].0 != w[0].0 + 1);
                if quoted || !gapped || !by_chars {
                    alts.extend(self.morph_phrases(words));
                }
            }
        }
        (!alts.is_empty()).then(|| should(alts))
    }

    /// The words of a form, without the variant keys when readings are off.
    fn atom_words(&self, text: &str) -> Vec<(usize, Vec<Word>)> {
        if !self.features.morph {
            return Vec::new();
        }
        let mut words = self.analyzer.query_words(text);
        if !self.features.reading {
            words.retain(|w| !w.variant);
        }
        positions(words)
    }

    /// One position: the word, or a user-dictionary compound's parts
    /// together, or (ranked lower) another spelling of it.
    fn position_clause(
        &self,
        field: Field,
        group: &[Word],
        with_positions: bool,
    ) -> Box<dyn Query> {
        let (keys, words): (Vec<&Word>, Vec<&Word>) = group.iter().partition(|w| w.variant);
        let mut alts: Vec<Box<dyn Query>> = Vec::new();
        if let Some((first, parts)) = words.split_first() {
            alts.push(term_query(field, &first.term));
            if parts.len() > 1 {
                let parts = parts.iter().map(|p| p.term.as_str());
                alts.push(if with_positions {
                    let terms: Vec<(usize, &str)> = parts.enumerate().collect();
                    phrase(field, &terms)
                } else {
                    must(parts.map(|p| term_query(field, p)).collect())
                });
            }
        }
        alts.extend(
            keys.iter()
                .map(|k| boost(term_query(field, &k.term), W_VARIANT)),
        );
        should(alts)
    }

    /// The words of a form at their positions on the body: one phrase per
    /// combination of each word's spellings (a few at most).
    fn morph_phrases(&self, words: &[(usize, Vec<Word>)]) -> Vec<Box<dyn Query>> {
        let spellings: Vec<Vec<(usize, &str, bool)>> = words
            .iter()
            .map(|(at, group)| {
                group
                    .iter()
                    .enumerate()
                    .filter(|(i, w)| *i == 0 || w.variant)
                    .map(|(_, w)| (*at, w.term.as_str(), w.variant))
                    .collect()
            })
            .collect();
        let combos = capped_product(&spellings, MAX_PHRASES);
        combos
            .into_iter()
            .map(|combo| {
                let other_spelling = combo.iter().any(|(_, _, v)| *v);
                let terms: Vec<(usize, &str)> = combo.iter().map(|(at, t, _)| (*at, *t)).collect();
                let q = phrase(self.fields.text, &terms);
                if other_spelling {
                    boost(q, W_VARIANT)
                } else {
                    boost(q, W_TEXT)
                }
            })
            .collect()
    }

    /// The chunks of one typed sentence near each other and in order (子ども
    /// の成長への支援 for 子供の成長への支援): one phrase with slop per
    /// combination of the chunks' spellings, typed first, a few at most.
    /// Ranks only (each chunk is required on its own clause, which also
    /// weighs its spelling): this one rewards standing together.
    fn run_near(
        &self,
        chunks: &[&Chunk],
        keep: &dyn Fn(FormKind) -> bool,
    ) -> Option<Box<dyn Query>> {
        if chunks.len() < 2 {
            return None;
        }
        let mut spellings: Vec<Vec<Vec<String>>> = Vec::new();
        for chunk in chunks {
            let terms: Vec<Vec<String>> = chunk
                .forms
                .iter()
                .filter(|f| matches!(f.kind, FormKind::Typed | FormKind::Variant) && keep(f.kind))
                .map(|f| {
                    let words = self.atom_words(&f.text);
                    words
                        .into_iter()
                        .map(|(_, g)| g[0].term.clone())
                        .collect::<Vec<_>>()
                })
                .filter(|terms| !terms.is_empty())
                .collect();
            if terms.is_empty() {
                return None;
            }
            spellings.push(terms);
        }
        let combos: Vec<Vec<String>> = capped_product(&spellings, MAX_PHRASES)
            .into_iter()
            .map(|combo| combo.concat())
            .collect();
        let phrases: Vec<Box<dyn Query>> = combos
            .into_iter()
            .map(|terms| {
                let terms: Vec<(usize, Term)> = terms
                    .iter()
                    .enumerate()
                    .map(|(at, t)| (at, Term::from_field_text(self.fields.text, t)))
                    .collect();
                boxed(PhraseQuery::new_with_offset_and_slop(terms, RUN_SLOP))
            })
            .collect();
        (!phrases.is_empty()).then(|| should(phrases))
    }

    /// The typed chunk's words on the document title, to rank by.
    fn title_words(&self, words: &[(usize, Vec<Word>)]) -> Option<Box<dyn Query>> {
        let clauses: Vec<Box<dyn Query>> = words
            .iter()
            .map(|(_, g)| term_query(self.fields.title, &g[0].term))
            .collect();
        (!clauses.is_empty()).then(|| should(clauses))
    }

    /// Each word of the plan's chunks alone, anywhere (what `Mode::Any`
    /// ORs): a looser match holding more of them ranks first.
    pub fn any_words(&self, plan: &Plan) -> Vec<Box<dyn Query>> {
        let mut seen = std::collections::HashSet::new();
        plan.chunks()
            .flat_map(|c| self.atom_words(&c.typed))
            .flat_map(|(_, g)| g.into_iter().filter(|w| !w.variant))
            .filter(|w| seen.insert(w.term.clone()))
            .map(|w| self.loose_word(&w))
            .collect()
    }

    /// A group whose every word stands in the document title (the title
    /// of a 市民満足度調査 report holds 市民満足度調査 for each of its
    /// passages): ranks the passages listed after the strict matches.
    pub fn doc_title(&self, group: &[Chunk]) -> Option<Box<dyn Query>> {
        let alternatives: Vec<Box<dyn Query>> = group
            .iter()
            .filter_map(|chunk| {
                let words = self.atom_words(&chunk.typed);
                let terms: Vec<Box<dyn Query>> = words
                    .iter()
                    .map(|(_, g)| term_query(self.fields.title, &g[0].term))
                    .collect();
                (!terms.is_empty()).then(|| must(terms))
            })
            .collect();
        (!alternatives.is_empty()).then(|| should(alternatives))
    }

    /// A character sequence: its bigrams as a phrase.
    fn bigram_phrase(&self, field: Field, text: &str) -> Option<Box<dyn Query>> {
        let grams: Vec<String> = bigrams(text).into_iter().map(|g| g.0).collect();
        if grams.is_empty() {
            return None;
        }
        let terms: Vec<(usize, &str)> = grams.iter().map(String::as_str).enumerate().collect();
        Some(phrase(field, &terms))
    }

    /// Every word of a chunk anywhere in the passage, its title or the
    /// document title (or as characters the dictionary split differently).
    fn all_words(&self, text: &str) -> Option<Box<dyn Query>> {
        self.all_words_of(text, &self.atom_words(text))
    }

    /// [`Compiler::all_words`] with the words of `text` already analysed.
    fn all_words_of(&self, text: &str, words: &[(usize, Vec<Word>)]) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return self.bigram_share(text);
        }
        let required = must(words.iter().map(|(_, g)| self.loose_word(&g[0])).collect());
        if words.len() < 2 {
            return Some(required);
        }
        // Closer together ranks higher (広報誌をリニューアル before a passage
        // with the two words far apart).
        let terms: Vec<(usize, Term)> = words
            .iter()
            .map(|(at, g)| (*at, Term::from_field_text(self.fields.text, &g[0].term)))
            .collect();
        let near = PhraseQuery::new_with_offset_and_slop(terms, NEAR_SLOP);
        Some(boxed(BooleanQuery::new(vec![
            (Occur::Must, required),
            (Occur::Should, boost(boxed(near), W_NEAR)),
        ])))
    }

    /// One word anywhere: in the passage, its title or the document title,
    /// or its characters in the passage.
    fn loose_word(&self, word: &Word) -> Box<dyn Query> {
        let f = self.fields;
        let mut alts = vec![
            boost(term_query(f.text, &word.term), W_TEXT),
            boost(
                term_query(f.section_title_words, &word.term),
                W_SECTION_TITLE,
            ),
            boost(term_query(f.title, &word.term), W_TITLE),
        ];
        if self.features.bigram
            && let Some(q) = self.bigram_phrase(f.text_bi, &word.surface)
        {
            alts.push(boost(q, W_BIGRAM));
        }
        should(alts)
    }

    /// Most of the chunk's bigrams, anywhere in the passage.
    fn bigram_share(&self, text: &str) -> Option<Box<dyn Query>> {
        if !self.features.bigram {
            return None;
        }
        let mut grams: Vec<String> = bigrams(text).into_iter().map(|g| g.0).collect();
        grams.sort();
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

    /// Any word of the chunk (its bigrams when it has no words).
    fn any(&self, text: &str) -> Option<Box<dyn Query>> {
        let words = self.atom_words(text);
        let mut alts: Vec<Box<dyn Query>> = words
            .iter()
            .flat_map(|(_, g)| g.iter().filter(|w| !w.variant))
            .map(|w| self.loose_word(w))
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
