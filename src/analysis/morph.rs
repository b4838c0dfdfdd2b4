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
}

impl MorphTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        MorphTokenizer {
            analyzer,
            buf: TokenBuf::default(),
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
