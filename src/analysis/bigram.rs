//! Character-bigram tokenizer: the recall field. It finds words the
//! dictionary splits differently or does not know (公民学連携 ⊃ 連携).

use tantivy::tokenizer::{Token, Tokenizer};

use super::morph::VecTokenStream;
use super::variants::fold_char;

#[derive(Clone, Default)]
pub struct BigramTokenizer;

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

fn class(c: char) -> Class {
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

/// Bigram tokens of `text`: (term, byte_start, byte_end).
pub fn bigrams(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    // Current CJK run as (char, byte offset), spaces inside it skipped.
    let mut run: Vec<(char, usize)> = Vec::new();
    let mut latin_start: Option<usize> = None;
    let flush_run = |run: &mut Vec<(char, usize)>, out: &mut Vec<(String, usize, usize)>| {
        match run.len() {
            0 => {}
            1 => {
                let (c, at) = run[0];
                out.push((fold_char(c).to_string(), at, at + c.len_utf8()));
            }
            _ => {
                for pair in run.windows(2) {
                    let (a, at) = pair[0];
                    let (b, bt) = pair[1];
                    let mut term = String::with_capacity(8);
                    term.push(fold_char(a));
                    term.push(fold_char(b));
                    out.push((term, at, bt + b.len_utf8()));
                }
            }
        }
        run.clear();
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let cls = class(c);
        if cls != Class::Latin
            && let Some(start) = latin_start.take()
        {
            out.push((text[start..at].to_ascii_lowercase(), start, at));
        }
        match cls {
            Class::Cjk => run.push((c, at)),
            Class::Latin => {
                flush_run(&mut run, &mut out);
                if latin_start.is_none() {
                    latin_start = Some(at);
                }
            }
            Class::Space => {
                // Keep the run going only when CJK text continues after the
                // spaces ("平成28 年" is not split, "市 ICT" is).
                let next = chars[i + 1..].iter().find(|(_, c)| !c.is_whitespace());
                if !matches!(next, Some((_, n)) if class(*n) == Class::Cjk) {
                    flush_run(&mut run, &mut out);
                }
            }
            Class::Break => flush_run(&mut run, &mut out),
        }
    }
    if let Some(start) = latin_start {
        out.push((text[start..].to_ascii_lowercase(), start, text.len()));
    }
    flush_run(&mut run, &mut out);
    out
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = bigrams(text)
            .into_iter()
            .enumerate()
            .map(|(position, (text, offset_from, offset_to))| Token {
                offset_from,
                offset_to,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecTokenStream::new(tokens)
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
    fn single_cjk_char_is_a_unigram() {
        assert_eq!(terms("市"), vec!["市"]);
    }
}
