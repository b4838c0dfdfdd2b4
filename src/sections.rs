//! Splits a document into its initiatives: the unit of a search hit.
//!
//! INTERFACE (used by index; keep it stable):

use crate::archive::Block;

/// One passage: an initiative's name and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The initiative's name (may be empty for untitled paragraph windows).
    pub title: String,
    /// Readable text: paragraphs separated by '\n', table cells by " ".
    pub text: String,
}

/// Splits the blocks of one document. Never returns an empty list for a
/// document with text.
pub fn split(blocks: &[Block]) -> Vec<Section> {
    let _ = blocks;
    todo!("sections::split")
}
