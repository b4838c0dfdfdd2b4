//! Archive ingestion: walk a folder, decode each file, extract its text as
//! blocks (headings, paragraphs, table rows) already normalized.
//!
//! The work is split by stage: [`walk`](walk()) finds files (`walk.rs`),
//! [`extract`] reads them (`read.rs`), decodes bytes to text (`decode.rs`),
//! turns text into blocks per format (`html.rs`, `text.rs`, with inline HTML
//! fragments handled by `inline.rs`; PDFs through poppler in `pdf.rs` with
//! layout repair in `repair.rs`; workbooks in `sheet.rs`, their data tables
//! read as records by `grid.rs`, Word in `docx.rs`, both zips read with caps
//! by `unzip.rs`; CSV/TSV tables in `table.rs`;
//! title properties judged by `title.rs`), and every block goes through one
//! sink (`blocks.rs`) that normalizes it and drops page furniture
//! (`furniture.rs`).
//!
//! INTERFACE (used by meta, sections and index; keep it stable):

use std::path::PathBuf;

mod blocks;
mod decode;
mod docx;
mod error;
mod furniture;
mod grid;
mod html;
mod inline;
mod pdf;
mod read;
mod repair;
mod rows;
mod sheet;
mod table;
mod text;
mod title;
mod unzip;
mod walk;

pub(crate) use walk::{is_hidden, leaves_archive};

pub use error::ExtractError;

/// Source format, from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Pdf,
    Xlsx,
    Xls,
    Ods,
    Docx,
    Csv,
    Tsv,
}

impl Format {
    /// The name used in the API (`format` of a document) and the index.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Skipped {
    pub rel: String,
    /// The reason in English, for people.
    pub reason: String,
    /// The reason's stable code ([`ExtractError::code`]) for programs:
    /// `unsupported_format`, `encrypted`, `corrupt`, `unreadable`,
    /// `too_large`, `no_text`, `tool_missing`, `empty`, `not_followed`,
    /// `name_clash`, `timeout`, `internal`.
    #[serde(default)]
    pub reason_code: String,
}

impl Skipped {
    pub fn new(rel: impl Into<String>, reason: &ExtractError) -> Skipped {
        Skipped {
            rel: rel.into(),
            reason: reason.to_string(),
            reason_code: reason.code().to_string(),
        }
    }
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
    /// One record of a data table (a CSV row): always a passage of its own,
    /// titled `title`, with `lines` as its text (`label: value` per cell).
    Record { title: String, lines: Vec<String> },
}

/// Where a run of blocks came from in the original file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// A physical page of a PDF, 1-based.
    Page(u32),
    /// A sheet of a workbook, by name; `row` is the 1-based sheet row of
    /// the first block.
    Sheet { name: String, row: u32 },
}

/// From block `first_block` on (up to the next mark) the blocks came from
/// `place`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMark {
    pub first_block: usize,
    pub place: Place,
}

/// What a file says about itself beyond its text: a PDF's or Word
/// document's title property when it is a real title, a data table's city
/// and year columns. Metadata inference treats these as text evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    pub city: Option<String>,
    pub year: Option<i64>,
    /// `year` is the fiscal year of the rows' own dates (a newsletter
    /// issue of January 2025 is of fiscal 2024): it comes before a year in
    /// the file's name, which is a calendar date.
    pub fiscal: bool,
    /// The publication the rows belong to (a newsletter's issue:
    /// 「広報あつぎ 第1439号」), which names the file.
    pub title: Option<String>,
}

/// The text of one file.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    /// Provenance of the blocks, sorted by `first_block`; empty for formats
    /// without pages or sheets.
    pub places: Vec<PlaceMark>,
    /// The file's own title: `<title>` of an HTML page, a PDF's Title or a
    /// Word document's title property (only when it is a real title, not
    /// `Microsoft Word - 文書1`).
    pub doc_title: Option<String>,
    /// Metadata the file declares (data-table columns).
    pub declared: Declared,
    /// Physical pages (PDF).
    pub pages: Option<u32>,
    /// The year the file was made (a PDF's creation date): metadata's year
    /// of last resort.
    pub created_year: Option<i64>,
    /// The page numbers a PDF prints (「- 1 -」, 「-61-」, a lone 「1」 at the
    /// head or foot of a page), as `(physical page, printed label)`: the
    /// physical page is 1-based as in [`Place::Page`], the label is the
    /// number as printed without its dashes (「1」, 「61」). Sorted by page; a
    /// page without a printed number has no entry; empty for other formats.
    /// The numbers themselves are removed from the text as furniture.
    pub page_labels: Vec<(u32, String)>,
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
/// Hidden entries and every `manifest.csv` (the root's and each folder's)
/// are left out silently; anything else that is not indexed (other file
/// types, unreadable entries, broken links, symlink loops) is listed in
/// [`Walk::skipped`].
/// Decodes the bytes of a text file (UTF-8, Shift_JIS, EUC-JP, …) as the
/// archive's own files are; `Err` for binary data.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    decode::decode_vec(bytes).map(|d| d.text)
}

pub fn walk(root: &std::path::Path) -> crate::Result<Walk> {
    walk::walk(root)
}

/// Reads, decodes and extracts one file. `Err` holds the reason to report.
///
/// A text file that yields no block (e.g. an HTML page with only scripts) is
/// `Ok` with no blocks: it was read fine, it just says nothing.
pub fn extract(file: &ArchiveFile) -> Result<Extracted, ExtractError> {
    let bytes = read::read_capped(&file.path)?;
    let content_hash = blake3::hash(&bytes).to_hex().to_string();
    let mut out = Extracted {
        encoding: "UTF-8",
        content_hash,
        ..Extracted::default()
    };
    match file.format {
        Format::Html | Format::Text | Format::Markdown | Format::Csv | Format::Tsv => {
            let decoded = decode::decode_vec(bytes).map_err(ExtractError::Corrupt)?;
            if decoded
                .text
                .chars()
                .all(|c| c.is_whitespace() || c == '\u{feff}')
            {
                return Err(ExtractError::Empty("empty file".to_owned()));
            }
            out.encoding = decoded.encoding;
            match file.format {
                Format::Html => (out.blocks, out.doc_title) = html::extract(&decoded.text),
                Format::Csv | Format::Tsv => {
                    let delimiter = if file.format == Format::Csv {
                        b','
                    } else {
                        b'\t'
                    };
                    let t =
                        table::extract(&decoded.text, delimiter).map_err(ExtractError::Corrupt)?;
                    (out.blocks, out.declared) = (t.blocks, t.declared);
                    out.doc_title = out.declared.title.clone();
                }
                _ => out.blocks = text::extract(&decoded.text, file.format),
            }
        }
        Format::Pdf | Format::Xlsx | Format::Xls | Format::Ods | Format::Docx => {
            if bytes.is_empty() {
                return Err(ExtractError::Empty("empty file".to_owned()));
            }
            // Parsers of binary formats are the code most exposed to hostile
            // files: a panic in one is this file's error, not the run's.
            let run = std::panic::AssertUnwindSafe(|| extract_binary(file, bytes, &mut out));
            std::panic::catch_unwind(run).unwrap_or_else(|_| {
                Err(ExtractError::Corrupt(format!(
                    "the .{} reader failed on this file (damaged?); open and save it again",
                    file.format.name()
                )))
            })?;
        }
    }
    Ok(out)
}

/// PDF, workbook and Word extraction into `out`.
fn extract_binary(
    file: &ArchiveFile,
    bytes: Vec<u8>,
    out: &mut Extracted,
) -> Result<(), ExtractError> {
    match file.format {
        Format::Pdf => {
            let head = &bytes[..bytes.len().min(1024)];
            let pdf = pdf::extract(&file.path, head)?;
            (out.blocks, out.places) = (pdf.blocks, pdf.places);
            (out.doc_title, out.pages) = (pdf.title, Some(pdf.pages));
            out.created_year = pdf.created_year;
            out.page_labels = pdf.page_labels;
        }
        Format::Docx => {
            let docx = docx::extract(&bytes)?;
            (out.blocks, out.doc_title) = (docx.blocks, docx.title);
        }
        _ => (out.blocks, out.places) = sheet::extract(&bytes, file.format)?,
    }
    Ok(())
}

impl Extracted {
    /// Where block `block` came from, if the format has places.
    pub fn place_of(&self, block: usize) -> Option<&Place> {
        let k = self.places.partition_point(|m| m.first_block <= block);
        k.checked_sub(1).map(|k| &self.places[k].place)
    }

    /// All text, one block per line (table cells joined by tabs).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(s) | Block::Para(s) => out.push_str(s),
                Block::Row(cells) => out.push_str(&cells.join("\t")),
                Block::Record { title, lines } => {
                    out.push_str(title);
                    for l in lines {
                        out.push('\n');
                        out.push_str(l);
                    }
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests;
