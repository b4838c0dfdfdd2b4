//! Archive ingestion: walk a folder, decode each file, extract its text as
//! blocks (headings, paragraphs, table rows) already normalized.
//!
//! The work is split by stage: [`walk`](walk()) finds files (`walk.rs`),
//! [`extract`] reads them (`read.rs`), decodes bytes to text (`decode.rs`),
//! turns text into blocks per format (`html.rs`, `text.rs`, with inline HTML
//! fragments handled by `inline.rs`), and every block goes through one sink
//! (`blocks.rs`) that normalizes it and drops page furniture (`furniture.rs`).
//!
//! INTERFACE (used by meta, sections and index; keep it stable):

use std::path::PathBuf;

mod blocks;
mod decode;
mod furniture;
mod html;
mod inline;
mod read;
mod text;
mod walk;

/// Source format, from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
}

/// A file found in the archive.
#[derive(Debug, Clone)]
pub struct ArchiveFile {
    /// Absolute (or as given) path on disk.
    pub path: PathBuf,
    /// Path relative to the archive root, '/'-separated. Identifies the document.
    pub rel: String,
    pub format: Format,
    pub size: u64,
}

/// A file that was not indexed, with the reason a user can act on.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub rel: String,
    pub reason: String,
}

/// One unit of extracted text. All strings are normalized
/// (`analysis::normalize`): NFKC, white space collapsed, no empty strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading (`#`, `<h1>`…).
    Heading(String),
    /// A paragraph or list item.
    Para(String),
    /// A table row: one string per cell; a cell with several paragraphs
    /// (`<p>` inside a cell) keeps them separated by '\n'.
    Row(Vec<String>),
}

/// The text of one file.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    /// `<title>` of an HTML page, when not empty.
    pub html_title: Option<String>,
    /// Detected encoding name ("UTF-8", "Shift_JIS", "EUC-JP"; rarely
    /// "UTF-16LE"/"UTF-16BE" for files with a UTF-16 BOM, or "ISO-2022-JP";
    /// "UTF-8+Shift_JIS" or "UTF-8+EUC-JP" for a file whose lines mix the
    /// two, decoded line by line).
    pub encoding: &'static str,
    /// blake3 hex of the raw bytes (incremental reindexing).
    pub content_hash: String,
}

/// Result of walking an archive.
#[derive(Debug, Default)]
pub struct Walk {
    /// Supported files, sorted by `rel`.
    pub files: Vec<ArchiveFile>,
    /// Files not taken (unsupported type, unreadable, …) with reasons.
    pub skipped: Vec<Skipped>,
}

/// Walks `root` recursively. Fails only when `root` itself is unusable.
///
/// Hidden entries and a root `manifest.csv` are left out silently; anything
/// else that is not indexed (other file types, unreadable entries, broken
/// links, symlink loops) is listed in [`Walk::skipped`].
pub fn walk(root: &std::path::Path) -> crate::Result<Walk> {
    walk::walk(root)
}

/// Reads, decodes and extracts one file. `Err` holds the reason to report.
///
/// A text file that yields no block (e.g. an HTML page with only scripts) is
/// `Ok` with no blocks: it was read fine, it just says nothing.
pub fn extract(file: &ArchiveFile) -> Result<Extracted, String> {
    let bytes = read::read_capped(&file.path)?;
    let content_hash = blake3::hash(&bytes).to_hex().to_string();
    let decoded = decode::decode_vec(bytes)?;
    if decoded
        .text
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{feff}')
    {
        return Err("empty file".to_owned());
    }
    let (blocks, html_title) = match file.format {
        Format::Html => html::extract(&decoded.text),
        Format::Text | Format::Markdown => (text::extract(&decoded.text, file.format), None),
    };
    Ok(Extracted {
        blocks,
        html_title,
        encoding: decoded.encoding,
        content_hash,
    })
}

impl Extracted {
    /// All text, one block per line (table cells joined by tabs).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(s) | Block::Para(s) => out.push_str(s),
                Block::Row(cells) => out.push_str(&cells.join("\t")),
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests;
