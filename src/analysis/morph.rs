//! tantivy `Tokenizer` over lindera 6.2 (lindera-tantivy pins older versions).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::dictionary::Analyzer;

/// Morphological tokenizer: base forms, POS stop tags removed, lowercased,
/// kanji variants folded. Positions count kept words only, so a phrase
/// matches across dropped particles (避難所の停電対策 ~ 避難所停電対策).
#[derive(Clone)]
pub struct MorphTokenizer {
    analyzer: Analyzer,
}

impl MorphTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        MorphTokenizer { analyzer }
    }
}

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    pub fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
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
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = self
            .analyzer
            .words(text)
            .into_iter()
            .map(|w| Token {
                offset_from: w.byte_start,
                offset_to: w.byte_end,
                position: w.position,
                text: w.term,
                position_length: 1,
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}
