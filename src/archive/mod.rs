//! Archive ingestion: walk a folder, decode each file, extract its text as
//! blocks (headings, paragraphs, table rows) already normalized.
//!
//! INTERFACE (used by meta, sections and index; keep it stable):

use std::path::PathBuf;

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
    /// Detected encoding name ("UTF-8", "Shift_JIS", "EUC-JP").
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
pub fn walk(root: &std::path::Path) -> crate::Result<Walk> {
    let _ = root;
    todo!("archive::walk")
}

/// Reads, decodes and extracts one file. `Err` holds the reason to report.
pub fn extract(file: &ArchiveFile) -> Result<Extracted, String> {
    let _ = file;
    todo!("archive::extract")
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
