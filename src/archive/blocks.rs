//! The one place where extracted strings become [`Block`]s: every format
//! hands raw text here, so normalization and furniture removal are applied
//! the same way everywhere, after markup and entities are decoded.

use super::furniture::{FurnitureFilter, is_furniture};
use super::{Block, Place, PlaceMark};
use crate::analysis::normalize::normalize_inline;

/// Collects the blocks of one document.
#[derive(Debug, Default)]
pub(super) struct BlockSink {
    blocks: Vec<Block>,
    places: Vec<PlaceMark>,
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

    /// Adds a data-table record: its title and its `label: value` lines.
    /// Dropped when nothing is left of the title and the lines.
    pub(super) fn record(&mut self, raw_title: &str, raw_lines: &[String]) {
        let lines: Vec<String> = raw_lines
            .iter()
            .map(|l| normalize_inline(l))
            .filter(|l| !l.is_empty() && !is_furniture(l))
            .collect();
        let title = normalize_inline(raw_title);
        if title.is_empty() && lines.is_empty() {
            return;
        }
        self.furniture.end_block();
        self.blocks.push(Block::Record { title, lines });
    }

    /// Notes that the blocks added from now on come from `place`. A mark
    /// that no block follows is replaced by the next one.
    pub(super) fn mark(&mut self, place: Place) {
        let first_block = self.blocks.len();
        if self
            .places
            .last()
            .is_some_and(|m| m.first_block == first_block)
        {
            self.places.pop();
        }
        self.places.push(PlaceMark { first_block, place });
    }

    pub(super) fn finish(self) -> Vec<Block> {
        self.blocks
    }

    /// The blocks and their place marks (marks after the last block are
    /// dropped).
    pub(super) fn finish_with_places(mut self) -> (Vec<Block>, Vec<PlaceMark>) {
        let n = self.blocks.len();
        self.places.retain(|m| m.first_block < n);
        (self.blocks, self.places)
    }

    fn keep(&mut self, raw: &str) -> Option<String> {
        let text = normalize_inline(raw);
        (!text.is_empty() && !self.furniture.drop_line(&text)).then_some(text)
    }
}
