//! Character-bigram tokenizer: the recall field. It finds words the
//! dictionary splits differently or does not know (公民学連携 ⊃ 連携).

use tantivy::tokenizer::Tokenizer;

use super::morph::{BufTokenStream, TokenBuf};
use super::variants::fold_char;

#[derive(Clone, Default)]
pub struct BigramTokenizer {
    buf: TokenBuf,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Kanji, kana and other non-Latin letters: emitted as bigrams.
    Cjk,
    /// ASCII letters and digits: one token per run ("dx", "2022").
    Latin,
    /// White space: joins two CJK runs, ends a Latin run.
    Space,
    /// Punctuation and symbols: end every run.
    Break,
}

/// Starts the term of a pair inside a number ([`Gram::Inner`]). A symbol:
/// never part of a pair of the text.
pub const NUMBER_MARK: char = '#';

/// Kanji that write a number with digits or place value (〇 is left out: a
/// text writes 〇〇 for a name left blank).
pub fn is_kanji_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '億'
            | '兆'
    )
}

fn class(c: char) -> Class {
    // Fast path for the ranges Japanese text is made of; the general Unicode
    // tables below are slow and rarely needed.
    if super::script::is_kana(c) || super::script::is_kanji(c) {
        return Class::Cjk;
    }
    if c.is_ascii_alphanumeric() {
        Class::Latin
    } else if c.is_whitespace() {
        Class::Space
    } else if c.is_alphanumeric() || c == 'ー' || c == '々' || c == 'ヶ' {
        Class::Cjk
    } else {
        Class::Break
    }
}

/// One token of the bigram field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gram {
    /// Two CJK chars (folded), spanning `start..end` of the text.
    Pair(char, char),
    /// Two CJK chars whose first is a kanji numeral inside a longer number
    /// (三人 of 十三人, 一月 of 十一月): a term of its own ([`NUMBER_MARK`]
    /// before the pair), so 三人 typed does not find 十三人 or 二十三人.
    Inner(char, char),
    /// A CJK char standing alone.
    Single(char),
    /// A run of ASCII letters and digits: `text[start..end]`, lowercased.
    Latin,
}

/// Calls `emit(gram, byte_start, byte_end)` for every token of `text`.
pub fn scan(text: &str, mut emit: impl FnMut(Gram, usize, usize)) {
    // The previous CJK char of the current run (spaces inside it skipped),
    // whether a numeral stood right before it, and whether the run has
    // produced a pair yet.
    let mut prev: Option<(char, usize, bool)> = None;
    // The last char that is no space, `None` after a break.
    let mut before: Option<char> = None;
    let mut paired = false;
    let mut latin_start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let cls = class(c);
        if cls != Class::Latin
            && let Some(start) = latin_start.take()
        {
            emit(Gram::Latin, start, at);
        }
        let end_run = match cls {
            Class::Cjk => {
                // ウィ = ウイ, ウェ = ウエ, ウォ = ウオ (same length, offsets hold).
                let c = match (prev, c) {
                    (Some(('ウ', _, _)), 'ィ') => 'イ',
                    (Some(('ウ', _, _)), 'ェ') => 'エ',
                    (Some(('ウ', _, _)), 'ォ') => 'オ',
                    _ => fold_char(c),
                };
                if let Some((p, p_at, after_numeral)) = prev {
                    let gram = if after_numeral && is_kanji_numeral(p) {
                        Gram::Inner(p, c)
                    } else {
                        Gram::Pair(p, c)
                    };
                    emit(gram, p_at, at + c.len_utf8());
                    paired = true;
                }
                let after_numeral =
                    before.is_some_and(|b| b.is_ascii_digit() || is_kanji_numeral(b));
                prev = Some((c, at, after_numeral));
                false
            }
            Class::Latin => {
                if latin_start.is_none() {
                    latin_start = Some(at);
                }
                true
            }
            // Keep the run going only when CJK text continues after the
            // spaces ("平成28 年" is not split, "市 ICT" is).
            Class::Space => !matches!(
                chars.clone().find(|(_, c)| !c.is_whitespace()),
                Some((_, n)) if class(n) == Class::Cjk
            ),
            Class::Break => true,
        };
        match cls {
            Class::Space => {}
            Class::Break => before = None,
            _ => before = Some(c),
        }
        if end_run {
            if let (Some((p, p_at, _)), false) = (prev, paired) {
                emit(Gram::Single(p), p_at, p_at + p.len_utf8());
            }
            prev = None;
            paired = false;
        }
    }
    if let Some(start) = latin_start {
        emit(Gram::Latin, start, text.len());
    }
    if let (Some((p, p_at, _)), false) = (prev, paired) {
        emit(Gram::Single(p), p_at, p_at + p.len_utf8());
    }
}

fn write_gram(out: &mut String, text: &str, gram: Gram, start: usize, end: usize) {
    out.clear();
    match gram {
        Gram::Pair(a, b) => {
            out.push(a);
            out.push(b);
        }
        Gram::Inner(a, b) => {
            out.push(NUMBER_MARK);
            out.push(a);
            out.push(b);
        }
        Gram::Single(a) => out.push(a),
        Gram::Latin => {
            out.push_str(&text[start..end]);
            out.make_ascii_lowercase();
        }
    }
}

/// Bigram tokens of `text`: (term, byte_start, byte_end).
pub fn bigrams(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    scan(text, |g, s, e| {
        let mut term = String::new();
        write_gram(&mut term, text, g, s, e);
        out.push((term, s, e));
    });
    out
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BufTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufTokenStream<'a> {
        // Token strings are reused from one passage to the next: the bigram
        // field has a token per character, and allocating each was the
        // indexer's largest cost after the postings themselves.
        let buf = &mut self.buf;
        buf.len = 0;
        scan(text, |g, s, e| {
            let t = buf.next_slot();
            write_gram(&mut t.text, text, g, s, e);
            t.offset_from = s;
            t.offset_to = e;
        });
        buf.stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<String> {
        bigrams(s).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn cjk_runs_become_overlapping_bigrams() {
        assert_eq!(terms("公民連携"), vec!["公民", "民連", "連携"]);
    }

    #[test]
    fn latin_runs_are_one_lowercase_token() {
        assert_eq!(terms("DX推進"), vec!["dx", "推進"]);
        assert_eq!(terms("SDGs未来都市"), vec!["sdgs", "未来", "来都", "都市"]);
    }

    #[test]
    fn punctuation_breaks_and_space_between_cjk_joins() {
        assert_eq!(terms("避難所、停電"), vec!["避難", "難所", "停電"]);
        assert_eq!(terms("平成28 年"), vec!["平成", "28", "年"]);
        assert_eq!(terms("市 役所"), vec!["市役", "役所"]);
    }

    #[test]
    fn offsets_are_char_boundaries_and_variants_fold() {
        let text = "国土強靱化";
        for (_, s, e) in bigrams(text) {
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        }
        assert!(terms(text).contains(&"強靭".to_string()));
    }

    #[test]
    fn small_vowels_after_u_fold() {
        assert_eq!(terms("ウェブ"), terms("ウエブ"));
    }

    #[test]
    fn a_pair_inside_a_number_is_its_own_term() {
        // 三人 of 十三人 is not the 三人 typed alone.
        assert_eq!(terms("十三人"), vec!["十三", "#三人"]);
        assert_eq!(terms("二十三人"), vec!["二十", "#十三", "#三人"]);
        assert_eq!(terms("三人"), vec!["三人"]);
        assert_eq!(terms("十一月"), vec!["十一", "#一月"]);
        // After digits too (3千人 is not 千人).
        assert_eq!(terms("3千人"), vec!["3", "#千人"]);
        // A numeral after other kanji starts its own number; 〇〇 is a blank.
        assert_eq!(terms("統一地方選"), vec!["統一", "一地", "地方", "方選"]);
        assert_eq!(terms("〇〇一般"), vec!["〇〇", "〇一", "一般"]);
        assert_eq!(terms("第三者"), vec!["第三", "三者"]);
    }

    #[test]
    fn single_cjk_char_is_a_unigram() {
        assert_eq!(terms("市"), vec!["市"]);
    }
}
