//! Notation variants (表記ゆれ) that no character rule covers: the spellings
//! of one word kept in two resources (SudachiDict's notation variants,
//! `data/notation_variants.tsv`: 漏洩 / 漏えい, 圃場 / ほ場, 抽選 / 抽せん; and
//! JMdict's written forms of one entry sharing a reading,
//! `data/jmdict_variants.tsv`: 隠蔽 / 隠ぺい, 近頃 / 近ごろ, 芸術 / 藝術), the
//! 交ぜ書き of every IPADIC noun with a kanji outside the jōyō list, made by
//! rule (`data/mazegaki_variants.tsv`: 牽引 / けん引, 橋梁 / 橋りょう), the
//! okurigana IPADIC lists a word with and without
//! (`data/okurigana_variants.tsv`: 過ごす / 過す, 行う / 行なう), and
//! numbers written in kanji or digits before a counter or after 第 (三人 /
//! 3人, 第九条 / 第9条, 三月 / 3月).
//!
//! A query chunk's other spellings are the chunk with each variant inside
//! it replaced (障がい者雇用 → 障害者雇用): the query plan searches them as
//! `variant` forms, each as a whole phrase. A variant is replaced only where
//! it is a run of whole dictionary words of the chunk (市議 is not replaced
//! inside 市議会), and every spelling of a word yields the same set of
//! spellings, so every form of a group counts the same passages.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::dictionary::{Analyzer, TaggedWord};
use super::script::{is_hiragana, is_kanji};

/// The vendored SudachiDict rows (see `scripts/notation_variants.py`).
pub const BUILTIN: &str = include_str!("../../data/notation_variants.tsv");

/// The vendored JMdict rows (see `scripts/jmdict_variants.py`): homographs
/// (a form written in two entries) and hiragana-only forms left out.
pub const JMDICT: &str = include_str!("../../data/jmdict_variants.tsv");

/// 交ぜ書き by rule (see `scripts/mazegaki_variants.py`): an IPADIC noun
/// with its kanji outside the jōyō list (of 2010, or of before it) in kana,
/// read kanji by kanji from KANJIDIC2; a form under three characters only
/// as kana then kanji that IPADIC lists with the word's reading (り患).
pub const MAZEGAKI: &str = include_str!("../../data/mazegaki_variants.tsv");

/// Okurigana written or left out (see `scripts/okurigana_variants.py`):
/// spellings IPADIC lists for one word with the same kanji and reading
/// (過ごす / 過す, 行われ / 行なわれ, 取り付け / 取付け / 取付).
pub const OKURIGANA: &str = include_str!("../../data/okurigana_variants.tsv");

/// Most spellings one chunk yields (its own included).
pub const MAX_SPELLINGS: usize = 8;

/// The words of the resource: each word's spellings, the representative
/// first. Words sharing a spelling are one word (すすめ of 勧め and 薦め).
#[derive(Debug, Default)]
pub struct Notation {
    words: Vec<Vec<String>>,
    /// A spelling (ASCII lowercased) → its word.
    by_form: HashMap<String, usize>,
    /// The longest spelling, in characters.
    longest: usize,
}

impl Notation {
    /// The shipped resource, parsed once.
    pub fn builtin() -> &'static Notation {
        static N: OnceLock<Notation> = OnceLock::new();
        N.get_or_init(|| Notation::parse_all(&[BUILTIN, JMDICT, MAZEGAKI, OKURIGANA]))
    }

    /// Several resources as one: words sharing a spelling are one word.
    pub fn parse_all(texts: &[&str]) -> Notation {
        let mut n = Notation::default();
        for text in texts {
            n.extend(text);
        }
        n
    }

    /// One word per line, spellings separated by tabs; `#` starts a comment.
    pub fn parse(text: &str) -> Notation {
        Notation::parse_all(&[text])
    }

    fn extend(&mut self, text: &str) {
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let forms: Vec<String> = line
                .split('\t')
                .map(|f| super::normalize::normalize_inline(f).to_ascii_lowercase())
                .filter(|f| !f.is_empty())
                .collect();
            self.add(forms);
        }
    }

    fn add(&mut self, forms: Vec<String>) {
        if forms.len() < 2 {
            return;
        }
        let mut known: Vec<usize> = forms
            .iter()
            .filter_map(|f| self.by_form.get(f).copied())
            .collect();
        known.sort_unstable();
        known.dedup();
        let target = match known.first() {
            Some(&t) => t,
            None => {
                self.words.push(Vec::new());
                self.words.len() - 1
            }
        };
        // Merge the other words that share a spelling into the first.
        for &other in known.iter().skip(1) {
            let moved = std::mem::take(&mut self.words[other]);
            for f in moved {
                self.by_form.insert(f.clone(), target);
                if !self.words[target].contains(&f) {
                    self.words[target].push(f);
                }
            }
        }
        for f in forms {
            self.longest = self.longest.max(f.chars().count());
            self.by_form.insert(f.clone(), target);
            if !self.words[target].contains(&f) {
                self.words[target].push(f);
            }
        }
    }

    /// The spellings of the word `form` is one of (itself included), or
    /// `None`.
    pub fn word_of(&self, form: &str) -> Option<&[String]> {
        let i = self.by_form.get(&form.to_ascii_lowercase())?;
        Some(&self.words[*i])
    }
}

/// A hiragana spelling this short is too ambiguous to stand for a word
/// written otherwise (かに is in 明らかに, すすめ in すすめる 進める): it is
/// searched when typed, and never added to another spelling.
fn too_ambiguous(form: &str) -> bool {
    form.chars().count() <= 3 && form.chars().all(is_hiragana)
}

/// One part of a chunk with spellings of its own.
#[derive(Debug)]
struct Span {
    start: usize,
    end: usize,
    /// Every spelling, in the resource's order (the same whichever is typed).
    alts: Vec<String>,
}

/// The other spellings of a query chunk (never the chunk itself), at most
/// [`MAX_SPELLINGS`] - 1: variants from the resource and numerals, wherever
/// they stand in the chunk.
pub fn spellings(analyzer: &Analyzer, text: &str) -> Vec<String> {
    spellings_with(Notation::builtin(), analyzer, text)
}

/// [`spellings`] with a given resource.
pub fn spellings_with(notation: &Notation, analyzer: &Analyzer, text: &str) -> Vec<String> {
    if text.is_empty() || text.len() > 200 {
        return Vec::new();
    }
    let words = analyzer.tagged_words(text);
    let mut spans = numeral_spans(analyzer, text, &words);
    spans.extend(resource_spans(notation, text, &words, &spans));
    spans.sort_by_key(|s| s.start);
    if spans.is_empty() {
        return Vec::new();
    }
    // Every combination of the spans' spellings, in the resource's order,
    // so any spelling typed gives the same list.
    let mut combos = vec![String::new()];
    let mut at = 0;
    for span in &spans {
        let gap = &text[at..span.start];
        let mut next = Vec::new();
        'outer: for c in &combos {
            for alt in &span.alts {
                if next.len() >= MAX_SPELLINGS {
                    break 'outer;
                }
                next.push(format!("{c}{gap}{alt}"));
            }
        }
        combos = next;
        at = span.end;
    }
    let tail = &text[at..];
    combos
        .into_iter()
        .map(|c| format!("{c}{tail}"))
        .filter(|c| c != text)
        .collect()
}

/// Variants from the resource: the longest spelling starting at each word
/// boundary and ending at one (or the whole chunk), outside `taken`.
fn resource_spans(
    notation: &Notation,
    text: &str,
    words: &[TaggedWord],
    taken: &[Span],
) -> Vec<Span> {
    let mut bounds: Vec<usize> = words.iter().flat_map(|w| [w.start, w.end]).collect();
    bounds.push(0);
    bounds.push(text.len());
    bounds.sort_unstable();
    bounds.dedup();
    let lower = text.to_ascii_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = chars[i].0;
        if !bounds.contains(&start) || taken.iter().any(|s| s.start <= start && start < s.end) {
            i += 1;
            continue;
        }
        let mut found = None;
        for len in (1..=notation.longest.min(chars.len() - i)).rev() {
            let end = chars.get(i + len).map_or(lower.len(), |c| c.0);
            let whole = start == 0 && end == lower.len();
            if !whole && (len < 2 || !bounds.contains(&end)) {
                continue;
            }
            if taken.iter().any(|s| start < s.end && s.start < end) {
                continue;
            }
            let piece = &lower[start..end];
            if !whole && too_ambiguous(piece) {
                continue;
            }
            if let Some(forms) = notation.word_of(piece) {
                let alts: Vec<String> = forms
                    .iter()
                    .filter(|f| f.as_str() == piece || !too_ambiguous(f))
                    .map(|f| {
                        if f.as_str() == piece {
                            // As typed (its case kept).
                            text[start..end].to_string()
                        } else {
                            f.clone()
                        }
                    })
                    .collect();
                if alts.len() >= 2 {
                    found = Some((len, Span { start, end, alts }));
                    break;
                }
            }
        }
        match found {
            Some((len, span)) => {
                out.push(span);
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

const KANJI_DIGITS: &str = "〇一二三四五六七八九";

fn is_numeral_char(c: char) -> bool {
    c.is_ascii_digit() || KANJI_DIGITS.contains(c) || "十百千万億".contains(c)
}

/// Numbers that are numbers: a run of words IPADIC tags 名詞,数 followed by
/// a counter (名詞,接尾,助数詞: 人, 条, 件; or つ) or following 第. A word
/// that holds a numeral character (一般, 一部, 十分, 四国, 九州, 一人 of
/// 一人ひとり) is no numeral to IPADIC and stays as written.
fn numeral_spans(analyzer: &Analyzer, text: &str, words: &[TaggedWord]) -> Vec<Span> {
    if let Some(span) = bare_number(text) {
        return vec![span];
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let is_num = |w: &TaggedWord| {
            w.pos[0] == "名詞"
                && w.pos[1] == "数"
                && text[w.start..w.end].chars().all(is_numeral_char)
        };
        if !is_num(&words[i]) {
            // A word opening with a numeral after 第 (第/九条): its numeral.
            let w = &words[i];
            let surface = &text[w.start..w.end];
            let prefix = surface
                .char_indices()
                .take_while(|&(_, c)| is_numeral_char(c))
                .last()
                .map_or(0, |(b, c)| b + c.len_utf8());
            let after_dai =
                i > 0 && words[i - 1].end == w.start && &text[words[i - 1].start..w.start] == "第";
            if let Some(span) = counted_word(analyzer, text, words, i, prefix)
                .or_else(|| tsu_word(text, words, i, prefix))
            {
                out.push(span);
            } else if prefix > 0
                && prefix < surface.len()
                && after_dai
                && let Some(value) = parse_number(&surface[..prefix])
            {
                let typed = &surface[..prefix];
                let mut alts = vec![digit_number(value), kanji_number(value)];
                if !alts.iter().any(|a| a == typed) {
                    alts.push(typed.to_string());
                }
                out.push(Span {
                    start: w.start,
                    end: w.start + prefix,
                    alts,
                });
            }
            i += 1;
            continue;
        }
        let first = i;
        while i + 1 < words.len() && is_num(&words[i + 1]) && words[i + 1].start == words[i].end {
            i += 1;
        }
        let (start, end) = (words[first].start, words[i].end);
        i += 1;
        let after = words.get(i).filter(|w| w.start == end);
        // A counter as tagged, or a word IPADIC also lists as one (月 of
        // 3月 is tagged a noun); つ (8つ: to IPADIC 8 and an auxiliary, which
        // the index keeps as a counter after a number); or a noun IPADIC
        // does not list as a counter written after a number (一世帯, 3地区:
        // a common noun of two kanji or more).
        let counter = after.is_some_and(|w| {
            let surface = &text[w.start..w.end];
            w.pos[2] == "助数詞"
                || surface == "つ"
                || (w.pos[0] == "名詞"
                    && w.pos[1] == "一般"
                    && surface.chars().count() >= 2
                    && surface.chars().all(is_kanji)
                    && !surface.chars().any(is_numeral_char))
                || analyzer
                    .entries_of(surface)
                    .iter()
                    .any(|pos| pos[0] == "名詞" && pos[2] == "助数詞")
        });
        let ordinal = first > 0
            && words[first - 1].end == start
            && &text[words[first - 1].start..start] == "第";
        if !counter && !ordinal {
            continue;
        }
        let typed = &text[start..end];
        let Some(value) = parse_number(typed) else {
            continue;
        };
        // A number and its counter that IPADIC also lists as an adverb or
        // an adjective (十分 = enough, 一番 = best) read as that word, whichever
        // spelling is typed; after 第 it is a number. One written before
        // kana is part of a longer word (一人ひとり, 一つひとつ).
        if let Some(w) = after {
            let counter = &text[w.start..w.end];
            let lexical = analyzer
                .entries_of(&format!("{}{counter}", kanji_number(value)))
                .iter()
                .any(|pos| pos[0] == "副詞" || pos[1] == "形容動詞語幹");
            let before_kana = text[w.end..].starts_with(is_hiragana);
            if !ordinal && (lexical || before_kana) {
                continue;
            }
        }
        // Calendar years have their own normal form (令和元年度 = 2019年度);
        // a span of years (百年, 300年) is a number.
        let year = after.is_some_and(|w| text[w.start..].starts_with('年')) && value >= 1000;
        if year {
            continue;
        }
        let mut alts = vec![digit_number(value), kanji_number(value)];
        if !alts.iter().any(|a| a == typed) {
            alts.push(typed.to_string());
        }
        out.push(Span { start, end, alts });
    }
    out
}

/// A chunk that is a number alone, written with place value (三十 = 30,
/// 五百 = 500, 一億 = 1億, 十万 = 10万): both spellings. Not a single
/// digit or kanji (一, 3: parts of too many words), not kanji digits in a
/// row (二五), and not four digits, which are years (2019).
fn bare_number(text: &str) -> Option<Span> {
    let chars = text.chars().count();
    if chars < 2 || !text.chars().all(is_numeral_char) {
        return None;
    }
    let value = parse_number(text)?;
    let digits = text.chars().all(|c| c.is_ascii_digit());
    if value < 10
        || (digits && (1000..10_000).contains(&value))
        || (!digits && text.starts_with('〇'))
    {
        return None;
    }
    if !digits && !text.contains(['十', '百', '千', '万', '億']) {
        return None; // 二〇一九: a year in kanji digits
    }
    let mut alts = vec![digit_number(value), kanji_number(value)];
    if !alts.iter().any(|a| a == text) {
        alts.push(text.to_string());
    }
    Some(Span {
        start: 0,
        end: text.len(),
        alts,
    })
}

/// A word IPADIC lists whole that is a kanji number and a counter used as
/// a time (三月, 十二月, 三時: 名詞,副詞可能): its numeral, as in 3月. Such a
/// word with one (一番, 一回り, 一時) is a word of its own, but for a month
/// (一月); other listed words (三角, 五輪, 一人前, 四方) are words, and a
/// word before kana is part of a longer one.
fn counted_word(
    analyzer: &Analyzer,
    text: &str,
    words: &[TaggedWord],
    i: usize,
    prefix: usize,
) -> Option<Span> {
    let w = &words[i];
    let surface = &text[w.start..w.end];
    if prefix == 0 || prefix >= surface.len() || w.pos[0] != "名詞" || w.pos[1] != "副詞可能"
    {
        return None;
    }
    let (number, counter) = surface.split_at(prefix);
    if number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let value = parse_number(number)?;
    let is_counter = analyzer
        .entries_of(counter)
        .iter()
        .any(|pos| pos[0] == "名詞" && pos[2] == "助数詞");
    let lexical = analyzer
        .entries_of(surface)
        .iter()
        .any(|pos| pos[0] == "副詞" || pos[1] == "形容動詞語幹");
    let before_kana = text[w.end..].starts_with(is_hiragana);
    if !is_counter || lexical || before_kana || (value < 2 && counter != "月") {
        return None;
    }
    let alts = vec![digit_number(value), number.to_string()];
    Some(Span {
        start: w.start,
        end: w.start + prefix,
        alts,
    })
}

/// A number of things counted with つ that IPADIC lists as one noun (一つ,
/// 八つ; 8つ is 8 and つ): its numeral, as in 8つ. One before kana or
/// another numeral is part of a longer word (一つひとつ, 一つ一つ).
fn tsu_word(text: &str, words: &[TaggedWord], i: usize, prefix: usize) -> Option<Span> {
    let w = &words[i];
    let surface = &text[w.start..w.end];
    if prefix == 0 || w.pos[0] != "名詞" || &surface[prefix..] != "つ" {
        return None;
    }
    let number = &surface[..prefix];
    let value = parse_number(number).filter(|v| (1..10).contains(v))?;
    let rest = &text[w.end..];
    let doubled = i > 0 && words[i - 1].end == w.start && text[..w.start].ends_with(surface);
    if doubled || rest.starts_with(is_hiragana) || rest.starts_with(is_numeral_char) {
        return None;
    }
    let mut alts = vec![digit_number(value), kanji_number(value)];
    if !alts.iter().any(|a| a == number) {
        alts.push(number.to_string());
    }
    Some(Span {
        start: w.start,
        end: w.start + prefix,
        alts,
    })
}

/// The value of a number in digits or in kanji with place value (百七十九 =
/// 179, 十四 = 14). Kanji digits in a row without a place (二五) are no
/// number: they may be two numbers (二、五); with 〇 they are positional
/// (二〇一九 = 2019).
pub fn parse_number(s: &str) -> Option<u64> {
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    // Large units over digits or kanji (10万, 3億5000万, 十万).
    for (unit, value) in [('億', 100_000_000u64), ('万', 10_000)] {
        if let Some((high, low)) = s.split_once(unit) {
            let high = parse_number(high)?;
            let low = if low.is_empty() {
                0
            } else {
                parse_number(low)?
            };
            return (high > 0 && low < value).then_some(high * value + low);
        }
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| KANJI_DIGITS.chars().position(|d| d == c).map(|d| d as u64);
    if s.chars().all(|c| digit(c).is_some()) {
        if s.chars().count() == 1 || s.contains('〇') {
            return s
                .chars()
                .try_fold(0u64, |acc, c| Some(acc * 10 + digit(c)?));
        }
        return None;
    }
    let mut section = 0u64;
    let mut current: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if current.is_some() {
                return None; // 二五十: two digits in a row
            }
            current = Some(d);
            continue;
        }
        let place = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        let n = current.take().unwrap_or(1);
        if n == 0 || !section.is_multiple_of(place * 10) {
            return None; // 十百: places out of order
        }
        section += n * place;
    }
    Some(section + current.unwrap_or(0))
}

/// A number in digits as minutes write it: large units kept (100000 →
/// 10万, 3億5000万), smaller numbers in digits (179).
pub fn digit_number(n: u64) -> String {
    let mut out = String::new();
    let (oku, man, rest) = (n / 100_000_000, n / 10_000 % 10_000, n % 10_000);
    if oku > 0 {
        out.push_str(&format!("{oku}億"));
    }
    if man > 0 {
        out.push_str(&format!("{man}万"));
    }
    if rest > 0 || out.is_empty() {
        out.push_str(&rest.to_string());
    }
    out
}

/// A number in kanji with place value (179 → 百七十九, 14 → 十四).
pub fn kanji_number(n: u64) -> String {
    if n == 0 {
        return "〇".to_string();
    }
    let digit = |d: u64| KANJI_DIGITS.chars().nth(d as usize).unwrap_or('〇');
    let mut out = String::new();
    let (oku, man, rest) = (n / 100_000_000, n / 10_000 % 10_000, n % 10_000);
    if oku > 0 {
        out.push_str(&kanji_number(oku));
        out.push('億');
    }
    if man > 0 {
        out.push_str(&kanji_number(man));
        out.push('万');
    }
    for (place, name) in [(1000, '千'), (100, '百'), (10, '十')] {
        let d = rest / place % 10;
        if d > 0 {
            if d > 1 {
                out.push(digit(d));
            }
            out.push(name);
        }
    }
    if rest % 10 > 0 {
        out.push(digit(rest % 10));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_place_value() {
        assert_eq!(parse_number("十四"), Some(14));
        assert_eq!(parse_number("百七十九"), Some(179));
        assert_eq!(parse_number("二十五"), Some(25));
        assert_eq!(parse_number("三千二百万"), Some(32_000_000));
        assert_eq!(parse_number("二〇一九"), Some(2019));
        assert_eq!(parse_number("九"), Some(9));
        // Digits in a row without a place are no number.
        assert_eq!(parse_number("二五"), None);
        assert_eq!(parse_number("十百"), None);
        for n in [
            1, 9, 10, 11, 14, 20, 25, 100, 101, 179, 1000, 2019, 10_000, 123_456,
        ] {
            assert_eq!(parse_number(&kanji_number(n)), Some(n), "{n}");
        }
        assert_eq!(kanji_number(179), "百七十九");
        assert_eq!(kanji_number(14), "十四");
        assert_eq!(parse_number("10万"), Some(100_000));
        assert_eq!(parse_number("十万"), Some(100_000));
        assert_eq!(digit_number(100_000), "10万");
        assert_eq!(digit_number(179), "179");
        assert_eq!(kanji_number(350_000_000), "三億五千万");
    }

    fn analyzer() -> Analyzer {
        Analyzer::load(&crate::analysis::DictionaryConfig::default()).expect("IPADIC")
    }

    #[test]
    fn numerals_before_counters_and_after_dai_have_both_spellings() {
        let a = analyzer();
        let s = |t: &str| spellings(&a, t);
        for (typed, other) in [
            ("三人", "3人"),
            ("3人", "三人"),
            ("第九条", "第9条"),
            ("第9条", "第九条"),
            ("十四件", "14件"),
            ("百七十九件", "179件"),
            ("二十五人", "25人"),
            ("十万円", "10万円"),
            ("10万円", "十万円"),
        ] {
            assert!(
                s(typed).contains(&other.to_string()),
                "{typed}: {:?}",
                s(typed)
            );
        }
        // Words holding a numeral character are words.
        for word in [
            "一般",
            "一部",
            "一体",
            "万全",
            "十分",
            "四国",
            "九州",
            "一人ひとり",
            "統一",
        ] {
            let got = s(word);
            assert!(
                !got.iter().any(|f| f.chars().any(|c| c.is_ascii_digit())),
                "{word}: {got:?}"
            );
        }
        // Digits in a row are no place-value number.
        assert!(!s("二十五人").contains(&"二五人".to_string()));
        assert!(!s("25人").contains(&"二五人".to_string()));
        // つ counts after a number (8つ is 8 and an auxiliary to IPADIC, 八つ
        // one noun); one before kana or doubled is part of a longer word.
        assert_eq!(s("8つ"), ["八つ"]);
        assert_eq!(s("八つ"), ["8つ"]);
        assert_eq!(s("一つ"), ["1つ"]);
        for word in ["一つひとつ", "一つ一つ"] {
            assert!(
                !s(word).iter().any(|f| f.contains('1')),
                "{word}: {:?}",
                s(word)
            );
        }
        // A noun IPADIC does not list as a counter, after a number.
        assert!(
            s("一世帯").contains(&"1世帯".to_string()),
            "{:?}",
            s("一世帯")
        );
        assert!(
            s("3地区").contains(&"三地区".to_string()),
            "{:?}",
            s("3地区")
        );
        // A bare number with place value has both spellings; a digit alone,
        // four digits (a year) and kanji digits in a row stay as typed.
        assert_eq!(s("14"), ["十四"]);
        assert_eq!(s("三十"), ["30"]);
        assert_eq!(s("一億"), ["1億"]);
        assert_eq!(s("10万"), ["十万"]);
        for typed in ["3", "三", "2019", "二五", "二〇一九"] {
            assert!(s(typed).is_empty(), "{typed}: {:?}", s(typed));
        }
        // A month or an hour IPADIC lists whole: its number.
        assert!(s("三月").contains(&"3月".to_string()), "{:?}", s("三月"));
        assert!(
            s("十二月").contains(&"12月".to_string()),
            "{:?}",
            s("十二月")
        );
        assert!(s("3月").contains(&"三月".to_string()), "{:?}", s("3月"));
        // Listed words with a numeral stay words (一時 = for a while).
        for word in ["一時", "三角", "四方", "五輪"] {
            let got = s(word);
            assert!(
                !got.iter().any(|f| f.chars().any(|c| c.is_ascii_digit())),
                "{word}: {got:?}"
            );
        }
        // A span of years is a number; a year is the era rule's.
        assert!(s("百年").contains(&"100年".to_string()), "{:?}", s("百年"));
        assert!(s("2019年").is_empty(), "{:?}", s("2019年"));
    }

    #[test]
    fn variants_inside_compounds_are_replaced_as_whole_words() {
        let a = analyzer();
        let s = |t: &str| spellings(&a, t);
        for (typed, other) in [
            ("情報漏えい", "情報漏洩"),
            ("情報漏洩", "情報漏えい"),
            ("障がい者雇用", "障害者雇用"),
            ("障害者雇用", "障がい者雇用"),
            ("精神障がい者保健福祉手帳", "精神障害者保健福祉手帳"),
        ] {
            assert!(
                s(typed).contains(&other.to_string()),
                "{typed}: {:?}",
                s(typed)
            );
        }
        // Every spelling yields the same set.
        let mut a1 = s("情報漏えい");
        a1.push("情報漏えい".into());
        let mut a2 = s("情報漏洩");
        a2.push("情報漏洩".into());
        a1.sort();
        a2.sort();
        assert_eq!(a1, a2);
        // A short kana spelling is not added to another one (明らかに ⊃ かに).
        assert!(!s("蟹").contains(&"かに".to_string()), "{:?}", s("蟹"));
    }

    #[test]
    fn mazegaki_by_rule_reaches_words_no_list_holds() {
        let a = analyzer();
        let listed = Notation::parse_all(&[BUILTIN, JMDICT]);
        // Words neither SudachiDict's nor JMdict's rows hold, both ways and
        // inside a compound.
        for (typed, other) in [
            ("発癌", "発がん"),
            ("発がん", "発癌"),
            ("瓦礫", "瓦れき"),
            ("瓦れき処理", "瓦礫処理"),
        ] {
            assert!(listed.word_of(typed).is_none(), "{typed} is listed");
            let got = spellings(&a, typed);
            assert!(got.contains(&other.to_string()), "{typed}: {got:?}");
        }
        // Forms that would be other words are never made: two characters
        // (動悸 → 動き), a kana part read as an inflection (指嗾 → 指そう of
        // 目指そう), a word all in kana (斡旋 → あっせん is no 交ぜ書き).
        let rule = Notation::parse(MAZEGAKI);
        assert!(rule.word_of("動悸").is_none());
        assert!(rule.word_of("指そう").is_none());
        assert!(rule.word_of("あっせん").is_none());
        assert!(rule.word_of("上し").is_none());
        for line in MAZEGAKI.lines().filter(|l| !l.starts_with('#')) {
            let forms: Vec<&str> = line.split('\t').collect();
            assert!(forms.len() >= 2, "{line}");
            for form in &forms[1..] {
                // Two characters only as kana then kanji (り患, ほ場): kana
                // after a kanji could be an inflection.
                let chars: Vec<char> = form.chars().collect();
                assert!(
                    chars.len() >= 3 || (!is_kanji(chars[0]) && is_kanji(chars[1])),
                    "{line}"
                );
                assert!(chars.iter().any(|&c| is_kanji(c)), "{line}");
            }
        }
        // Kanji the jōyō list took in only in 2010 are written in kana too.
        assert!(
            rule.word_of("隠蔽")
                .unwrap()
                .contains(&"隠ぺい".to_string())
        );
        assert!(rule.word_of("罹患").unwrap().contains(&"り患".to_string()));
    }

    #[test]
    fn okurigana_listed_both_ways_are_one_word() {
        let rule = Notation::parse(OKURIGANA);
        for (a, b) in [("過ごす", "過す"), ("行なわ", "行わ"), ("取り付け", "取付")]
        {
            let word = rule.word_of(a).unwrap_or_default();
            assert!(word.contains(&b.to_string()), "{a}: {word:?}");
        }
        // A spelling read two ways (上り: あがり, のぼり) is no spelling of
        // 上がり; kana before the first kanji are no okurigana (ひっ提げ).
        assert!(rule.word_of("上り").is_none());
        assert!(rule.word_of("提げ").is_none());
    }

    #[test]
    fn words_sharing_a_spelling_are_one() {
        let n = Notation::parse("勧め\tすすめ\n薦め\tすすめ\n# comment\n抽選\t抽せん\n");
        assert_eq!(n.word_of("薦め").unwrap(), ["勧め", "すすめ", "薦め"]);
        assert_eq!(n.word_of("抽せん").unwrap(), ["抽選", "抽せん"]);
        assert!(n.word_of("選挙").is_none());
    }
}
