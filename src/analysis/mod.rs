//! Text analysis: normalization, the IPADIC dictionary, and the tokenizers
//! that feed both tantivy fields (morphological and character bigram).

pub mod bigram;
pub mod dictionary;
pub mod era;
mod hot_dictionary;
pub mod morph;
pub mod normalize;
pub mod notation;
pub mod reading;
pub mod script;
pub mod synonyms;
pub mod variants;

pub use bigram::BigramTokenizer;
pub use dictionary::{Analyzer, DictionaryConfig};
pub use morph::{MorphTokenizer, ReadingTokenizer};
pub use normalize::normalize;

/// Tokenizer names registered on the tantivy index.
pub const MORPH: &str = "ja_morph";
pub const BIGRAM: &str = "ja_bigram";
pub const READING: &str = "ja_reading";
