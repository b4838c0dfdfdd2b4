//! tantivy `Tokenizer` over lindera 6.2 (lindera-tantivy pins older versions).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::dictionary::Analyzer;

/// Morphological tokenizer: base forms, POS stop tags removed, lowercased,
/// kanji variants folded. Positions count kept words only, so a phrase
/// matches across dropped particles (避難所の停電対策 ~ 避難所停電対策).
#[derive(Clone)]
pub struct MorphTokenizer {
    analyzer: Analyzer,
    buf: TokenBuf,
    /// The text `buf` holds the tokens of. Every passage carries its
    /// document's title, so the title field sees the same text passage
    /// after passage and analyses it once.
    last: String,
}

impl MorphTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        MorphTokenizer {
            analyzer,
            buf: TokenBuf::default(),
            last: String::new(),
        }
    }
}

/// Tokens reused across calls: `len` are live, the rest keep their string
/// capacity for the next passage.
#[derive(Clone, Default)]
pub struct TokenBuf {
    tokens: Vec<Token>,
    pub len: usize,
}

impl TokenBuf {
    /// The next token slot, positioned after the previous one.
    pub fn next_slot(&mut self) -> &mut Token {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let position = self.len;
        self.len += 1;
        let t = &mut self.tokens[position];
        t.position = position;
        t.position_length = 1;
        t
    }

    /// Appends a token (its string copied into a reused slot).
    pub fn push(&mut self, text: &str, offset_from: usize, offset_to: usize, position: usize) {
        let t = self.next_slot();
        t.text.clear();
        t.text.push_str(text);
        t.offset_from = offset_from;
        t.offset_to = offset_to;
        t.position = position;
    }

    pub fn stream(&mut self) -> BufTokenStream<'_> {
        BufTokenStream {
            tokens: &mut self.tokens[..self.len],
            next: 0,
        }
    }
}

pub struct BufTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for BufTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for MorphTokenizer {
    type TokenStream<'a> = BufTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufTokenStream<'a> {
        if !text.is_empty() && self.last == text {
            return self.buf.stream();
        }
        self.last.clear();
        self.last.push_str(text);
        let buf = &mut self.buf;
        buf.len = 0;
        LAST_READINGS.with(|last| {
            let mut last = last.borrow_mut();
            let last = &mut *last;
            last.text.clear();
            last.text.push_str(text);
            last.buf.len = 0;
            let readings = &mut last.buf;
            self.analyzer.scan_with_readings(
                text,
                |term, start, end, position| buf.push(term, start, end, position),
                &mut |reading, start, end, position| readings.push(reading, start, end, position),
            );
        });
        buf.stream()
    }
}

/// The readings of the text the morphological tokenizer saw last on this
/// thread. tantivy indexes a document's fields in field order on one
/// thread, so the reading field (after `text`) reuses the segmentation of
/// the passage instead of analysing it twice.
#[derive(Default)]
struct LastReadings {
    text: String,
    buf: TokenBuf,
}

thread_local! {
    static LAST_READINGS: std::cell::RefCell<LastReadings> = std::cell::RefCell::new(LastReadings::default());
}

/// Reading tokenizer: the reading (katakana) of every kept word, at the
/// positions of the morphological field, for queries typed in kana.
#[derive(Clone)]
pub struct ReadingTokenizer {
    analyzer: Analyzer,
    buf: TokenBuf,
}

impl ReadingTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        ReadingTokenizer {
            analyzer,
            buf: TokenBuf::default(),
        }
    }
}

impl Tokenizer for ReadingTokenizer {
    type TokenStream<'a> = BufTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufTokenStream<'a> {
        let buf = &mut self.buf;
        buf.len = 0;
        let reused = LAST_READINGS.with(|last| {
            let last = last.borrow();
            if last.text != text {
                return false;
            }
            for t in &last.buf.tokens[..last.buf.len] {
                buf.push(&t.text, t.offset_from, t.offset_to, t.position);
            }
            true
        });
        if !reused {
            self.analyzer.scan_with_readings(
                text,
                |_, _, _, _| {},
                &mut |reading, start, end, position| buf.push(reading, start, end, position),
            );
        }
        buf.stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::DictionaryConfig;

    fn tokens(t: &mut impl Tokenizer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = t.token_stream(text);
        while stream.advance() {
            let tok = stream.token();
            out.push((
                tok.text.clone(),
                tok.offset_from,
                tok.offset_to,
                tok.position,
            ));
        }
        out
    }

    #[test]
    fn a_text_seen_again_gives_the_same_tokens_and_readings_follow_the_body() {
        let analyzer = Analyzer::load(&DictionaryConfig::default()).expect("IPADIC");
        let mut title = MorphTokenizer::new(analyzer.clone());
        let mut body = MorphTokenizer::new(analyzer.clone());
        let mut reading = ReadingTokenizer::new(analyzer.clone());
        let first = tokens(&mut title, "待機児童対策計画");
        assert!(first.iter().any(|t| t.0 == "待機"), "{first:?}");
        for text in ["除雪の体制を強化します", "公民連携を進めます"] {
            // tantivy's field order: title, body, then the reading field.
            assert_eq!(tokens(&mut title, "待機児童対策計画"), first);
            let words = tokens(&mut body, text);
            let readings = tokens(&mut reading, text);
            // A reading per word position (a compound's parts share one).
            let mut positions: Vec<usize> = words.iter().map(|w| w.3).collect();
            positions.dedup();
            let reading_positions: Vec<usize> = readings.iter().map(|r| r.3).collect();
            assert_eq!(reading_positions, positions, "{readings:?} / {words:?}");
            let fresh = tokens(&mut ReadingTokenizer::new(analyzer.clone()), text);
            assert_eq!(readings, fresh);
        }
        assert_ne!(tokens(&mut title, "除雪計画"), first);
    }
}
