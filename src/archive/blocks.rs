//! The one place where extracted strings become [`Block`]s: every format
//! hands raw text here, so normalization and furniture removal are applied
//! the same way everywhere, after markup and entities are decoded.

use super::Block;
use super::furniture::{FurnitureFilter, is_furniture};
use crate::analysis::normalize::normalize_inline;

/// Collects the blocks of one document.
#[derive(Debug, Default)]
pub(super) struct BlockSink {
    blocks: Vec<Block>,
    furniture: FurnitureFilter,
}

impl BlockSink {
    /// Adds a heading; `raw` may hold several lines, joined with spaces.
    pub(super) fn heading(&mut self, raw: &str) {
        if let Some(text) = self.keep(raw) {
            self.blocks.push(Block::Heading(text));
        }
    }

    /// Adds a paragraph (one line of text).
    pub(super) fn para(&mut self, raw: &str) {
        if let Some(text) = self.keep(raw) {
            self.blocks.push(Block::Para(text));
        }
    }

    /// Adds a table row; each cell is given as its raw lines. Empty cells
    /// are dropped, and the row too when no cell is left.
    pub(super) fn row(&mut self, cells: Vec<Vec<String>>) {
        let cells: Vec<String> = cells
            .iter()
            .map(|lines| {
                let lines: Vec<String> = lines
                    .iter()
                    .map(|l| normalize_inline(l))
                    .filter(|l| !l.is_empty() && !is_furniture(l))
                    .collect();
                lines.join("\n")
            })
            .filter(|cell| !cell.is_empty())
            .collect();
        if !cells.is_empty() {
            self.furniture.end_block();
            self.blocks.push(Block::Row(cells));
        }
    }

    pub(super) fn finish(self) -> Vec<Block> {
        self.blocks
    }

    fn keep(&mut self, raw: &str) -> Option<String> {
        let text = normalize_inline(raw);
        (!text.is_empty() && !self.furniture.drop_line(&text)).then_some(text)
    }
}
