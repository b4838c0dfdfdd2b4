//! One tantivy document per passage (section); document metadata is copied
//! onto each passage so filters and facets need no join.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{BIGRAM, MORPH, READING};

/// Bump when the schema or the analysis changes: an index with another
/// version is rebuilt instead of being searched with mismatched terms.
pub const SCHEMA_VERSION: u32 = 12;

/// Stored passages are compressed with zstd in blocks of 32 KB: on the
/// Kiryu minutes 43 MB against 66 MB with tantivy's default (lz4, 16 KB)
/// and 57 MB with lz4 in 64 KB blocks, at about the same search latency.
pub fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(ZSTD_LEVEL),
        }),
        docstore_blocksize: STORE_BLOCK_BYTES,
        ..Default::default()
    }
}

const ZSTD_LEVEL: i32 = 3;
const STORE_BLOCK_BYTES: usize = 32 * 1024;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub doc_id: Field,
    pub section_id: Field,
    pub section_no: Field,
    pub file: Field,
    pub content_hash: Field,
    /// Document title (morphological).
    pub title: Field,
    /// The passage title as shown (stored only).
    pub section_title: Field,
    /// The passage title as searched (morphological): the shown title, or
    /// for a speech only who speaks. A speech's shown title repeats the
    /// first sentence of its text; indexed again it made the Kiryu index
    /// 6 % larger, and its words matched scattered over the title.
    pub section_title_words: Field,
    /// [`Fields::section_title_words`] as bigrams.
    pub section_title_bi: Field,
    /// The whole normalized title as one term (prefix completion).
    pub section_title_key: Field,
    pub text: Field,
    pub text_bi: Field,
    pub city: Field,
    pub prefecture: Field,
    pub city_code: Field,
    pub year: Field,
    pub department: Field,
    pub head: Field,
    pub doc_type: Field,
    pub source_url: Field,
    /// The whole `DocMeta` as JSON (with sources), stored on a document's
    /// first passage only.
    pub meta_json: Field,
    /// Source format (`pdf`, `xlsx`, `txt` …; `archive::Format::name`).
    pub format: Field,
    /// Physical pages of the document (PDF), on every passage.
    pub pages: Field,
    /// First physical page of the passage (PDF), 1-based.
    pub page: Field,
    /// Sheet of the passage (workbooks) and its first row, 1-based.
    pub sheet: Field,
    pub sheet_row: Field,
    /// Where a passage goes on to another page: `at:page` pairs (char
    /// offset into the text), comma-separated; absent on one page.
    pub page_breaks: Field,
    /// Printed page numbers of the pages a passage spans: `page:label`
    /// pairs, comma-separated.
    pub page_labels: Field,
    /// Readings (katakana) of the body's words, for queries typed in kana.
    pub text_rd: Field,
    /// Council minutes: the speaker of the passage's speech (name), their
    /// role (議長, 市長, 議員 …) and its group (議員, 執行部, 議長, その他),
    /// keywords for filters and facets; absent on other documents.
    pub speaker: Field,
    pub speaker_role: Field,
    pub speaker_group: Field,
    /// The agenda item the speech falls under (stored only).
    pub agenda: Field,
    /// The speech's order in the meeting, from 1.
    pub speech_no: Field,
    /// `question` or `answer` in a 一般質問 / 質疑 exchange, and the
    /// `speech_no` of its question (a question's own).
    pub qa: Field,
    pub qa_thread: Field,
}

fn analyzed(tokenizer: &str, stored: bool) -> TextOptions {
    analyzed_with(tokenizer, stored, IndexRecordOption::WithFreqsAndPositions)
}

fn analyzed_with(tokenizer: &str, stored: bool, record: IndexRecordOption) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(record);
    let opts = TextOptions::default().set_indexing_options(indexing);
    if stored { opts.set_stored() } else { opts }
}

/// An exact-value field for filters and facets: never scored, so no
/// length norms (a byte per passage and field otherwise).
fn keyword(stored: bool, fast: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("raw")
        .set_index_option(IndexRecordOption::Basic)
        .set_fieldnorms(false);
    let mut opts = TextOptions::default().set_indexing_options(indexing);
    if stored {
        opts = opts.set_stored();
    }
    if fast { opts | FAST } else { opts }
}

/// An indexed, stored number (never scored: no norms), optionally a column.
fn number(fast: bool) -> NumericOptions {
    let opts = NumericOptions::default().set_indexed().set_stored();
    if fast { opts.set_fast() } else { opts }
}

/// A stored title field whose words are matched one by one.
fn titles(tokenizer: &str) -> TextOptions {
    analyzed_with(tokenizer, true, IndexRecordOption::WithFreqs)
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        doc_id: b.add_text_field("doc_id", keyword(true, true)),
        section_id: b.add_text_field("section_id", keyword(true, false)),
        section_no: b.add_u64_field("section_no", number(true)),
        file: b.add_text_field("file", keyword(true, false)),
        content_hash: b.add_text_field("content_hash", keyword(true, false)),
        // Titles are matched word by word, never as phrases: no positions
        // (every passage repeats its document's title).
        title: b.add_text_field("title", titles(MORPH)),
        section_title: b.add_text_field("section_title", STORED),
        section_title_words: b.add_text_field(
            "section_title_words",
            analyzed_with(MORPH, false, IndexRecordOption::WithFreqs),
        ),
        section_title_bi: b.add_text_field("section_title_bi", analyzed(BIGRAM, false)),
        section_title_key: b.add_text_field("section_title_key", keyword(false, false)),
        text: b.add_text_field("text", analyzed(MORPH, true)),
        // Positions on the body's bigrams: a word matches where its
        // characters stand together (a phrase of its bigrams), never where
        // its parts are scattered over the passage; counts mean the word.
        text_bi: b.add_text_field("text_bi", analyzed(BIGRAM, false)),
        city: b.add_text_field("city", keyword(true, true)),
        prefecture: b.add_text_field("prefecture", keyword(true, true)),
        city_code: b.add_text_field("city_code", keyword(true, false)),
        year: b.add_i64_field("year", number(true)),
        department: b.add_text_field("department", keyword(true, true)),
        head: b.add_text_field("head", STORED),
        doc_type: b.add_text_field("doc_type", keyword(true, true)),
        source_url: b.add_text_field("source_url", STORED),
        meta_json: b.add_text_field("meta_json", STORED),
        format: b.add_text_field("format", keyword(true, true)),
        pages: b.add_u64_field("pages", STORED),
        page: b.add_u64_field("page", STORED),
        sheet: b.add_text_field("sheet", STORED),
        sheet_row: b.add_u64_field("sheet_row", STORED),
        page_breaks: b.add_text_field("page_breaks", STORED),
        page_labels: b.add_text_field("page_labels", STORED),
        text_rd: b.add_text_field("text_rd", analyzed(READING, false)),
        speaker: b.add_text_field("speaker", keyword(true, true)),
        speaker_role: b.add_text_field("speaker_role", keyword(true, true)),
        speaker_group: b.add_text_field("speaker_group", keyword(false, true)),
        agenda: b.add_text_field("agenda", STORED),
        speech_no: b.add_u64_field("speech_no", number(false)),
        qa: b.add_text_field("qa", keyword(true, false)),
        qa_thread: b.add_u64_field("qa_thread", number(false)),
    };
    (b.build(), fields)
}

impl Fields {
    /// One passage per document (its first): counting or listing these
    /// counts or lists documents.
    pub fn first_passages(&self) -> tantivy::query::TermQuery {
        tantivy::query::TermQuery::new(
            tantivy::Term::from_field_u64(self.section_no, 0),
            IndexRecordOption::Basic,
        )
    }

    /// Field handles of an existing index's schema.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            doc_id: f("doc_id")?,
            section_id: f("section_id")?,
            section_no: f("section_no")?,
            file: f("file")?,
            content_hash: f("content_hash")?,
            title: f("title")?,
            section_title: f("section_title")?,
            section_title_words: f("section_title_words")?,
            section_title_bi: f("section_title_bi")?,
            section_title_key: f("section_title_key")?,
            text: f("text")?,
            text_bi: f("text_bi")?,
            city: f("city")?,
            prefecture: f("prefecture")?,
            city_code: f("city_code")?,
            year: f("year")?,
            department: f("department")?,
            head: f("head")?,
            doc_type: f("doc_type")?,
            source_url: f("source_url")?,
            meta_json: f("meta_json")?,
            format: f("format")?,
            pages: f("pages")?,
            page: f("page")?,
            sheet: f("sheet")?,
            sheet_row: f("sheet_row")?,
            page_breaks: f("page_breaks")?,
            page_labels: f("page_labels")?,
            text_rd: f("text_rd")?,
            speaker: f("speaker")?,
            speaker_role: f("speaker_role")?,
            speaker_group: f("speaker_group")?,
            agenda: f("agenda")?,
            speech_no: f("speech_no")?,
            qa: f("qa")?,
            qa_thread: f("qa_thread")?,
        })
    }
}
