//! Document listing and lookup (a document = all passages with one doc_id).

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::{Engine, Filters, stored_str, stored_u32};
use crate::error::{Error, QueryError, Result};
use crate::meta::{DocMeta, Source};

/// Most documents one listing request may return.
pub const MAX_DOCUMENTS: usize = 1000;

/// A document's metadata, with where each field came from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentSummary {
    pub doc_id: String,
    pub file: String,
    pub title: String,
    pub city: Option<String>,
    pub prefecture: Option<String>,
    pub city_code: Option<String>,
    pub year: Option<i64>,
    pub department: Option<String>,
    pub head: Option<String>,
    pub doc_type: Option<String>,
    pub source_url: Option<String>,
    /// Source format (`pdf`, `xlsx`, `docx`, `csv`, `txt`, `md`, `html` …).
    pub format: String,
    /// Physical pages (PDF); `null` otherwise.
    pub pages: Option<u32>,
    /// Field name → "manifest" | "path" | "text".
    #[schema(value_type = Object)]
    pub sources: BTreeMap<&'static str, Source>,
    /// When this version of the document entered the index (seconds since
    /// the epoch); `null` for documents indexed before it was recorded.
    pub indexed_at: Option<i64>,
    /// Number of passages (in listings; the detail view lists them instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = sections_schema, required = false)]
    pub sections: Option<usize>,
}

/// `sections` of a document is a count in listings and the list of its
/// passages in the detail view (which flattens the summary): the schema
/// says both, so the detail's schema is satisfiable.
fn sections_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::Ref;
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
    let one_of = OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        )
        .item(ArrayBuilder::new().items(Ref::from_schema_name("SectionOut")))
        .description(Some(
            "number of passages (listings), or the passages (a document's detail)",
        ))
        .build();
    Schema::OneOf(one_of)
}

/// One passage of a document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionOut {
    pub section_id: String,
    pub title: String,
    pub text: String,
    /// First physical page (PDF); `null` otherwise.
    pub page: Option<u32>,
    /// Sheet (workbooks); `null` otherwise.
    pub sheet: Option<String>,
    /// Where the text goes on to another page (PDF; char offsets).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_breaks: Vec<crate::sections::PageBreak>,
    /// Page numbers printed on the pages the passage spans.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub page_labels: Vec<crate::sections::PageLabel>,
    /// Who speaks (council minutes); absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<super::speeches::SpeechOut>,
}

impl SectionOut {
    /// A stored passage as the document view shows it.
    pub fn from_doc(f: &crate::index::Fields, doc: &TantivyDocument) -> SectionOut {
        SectionOut {
            section_id: stored_str(doc, f.section_id).unwrap_or_default(),
            title: stored_str(doc, f.section_title).unwrap_or_default(),
            text: stored_str(doc, f.text).unwrap_or_default(),
            page: stored_u32(doc, f.page),
            sheet: stored_str(doc, f.sheet),
            page_breaks: stored_str(doc, f.page_breaks)
                .map(|s| crate::sections::decode_breaks(&s))
                .unwrap_or_default(),
            page_labels: stored_str(doc, f.page_labels)
                .map(|s| crate::sections::decode_labels(&s))
                .unwrap_or_default(),
            speech: super::speeches::SpeechOut::from_doc(f, doc),
        }
    }
}

/// A document with its passages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    #[serde(rename = "sections")]
    pub section_list: Vec<SectionOut>,
}

/// An original file, resolved inside the archive.
#[derive(Debug, Clone)]
pub struct OriginalFile {
    pub path: std::path::PathBuf,
    /// The file's name as the user knows it (may be Japanese).
    pub file_name: String,
    /// `archive::Format::name` of the file.
    pub format: String,
}

/// A page of documents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    pub total: usize,
    pub documents: Vec<DocumentSummary>,
}

fn sources(meta: &DocMeta) -> BTreeMap<&'static str, Source> {
    let mut m = BTreeMap::new();
    let mut put = |name, s: Option<Source>| {
        if let Some(s) = s {
            m.insert(name, s);
        }
    };
    put("city", meta.city.as_ref().map(|v| v.source));
    put("prefecture", meta.prefecture.as_ref().map(|v| v.source));
    put("city_code", meta.city_code.as_ref().map(|v| v.source));
    put("year", meta.year.as_ref().map(|v| v.source));
    put("department", meta.department.as_ref().map(|v| v.source));
    put("head", meta.head.as_ref().map(|v| v.source));
    put("title", meta.title.as_ref().map(|v| v.source));
    put("doc_type", meta.doc_type.as_ref().map(|v| v.source));
    put("source_url", meta.source_url.as_ref().map(|v| v.source));
    m
}

/// A document id is 16 lowercase hex characters; anything else is refused
/// before it reaches the index.
pub fn valid_doc_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Engine {
    pub(crate) fn summary(&self, doc: &TantivyDocument, sections: usize) -> DocumentSummary {
        let f = self.fields();
        let meta: DocMeta = stored_str(doc, f.meta_json)
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        DocumentSummary {
            doc_id: stored_str(doc, f.doc_id).unwrap_or_default(),
            file: stored_str(doc, f.file).unwrap_or_default(),
            title: stored_str(doc, f.title).unwrap_or_default(),
            city: stored_str(doc, f.city),
            prefecture: stored_str(doc, f.prefecture),
            city_code: stored_str(doc, f.city_code),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            department: stored_str(doc, f.department),
            head: stored_str(doc, f.head),
            doc_type: stored_str(doc, f.doc_type),
            source_url: stored_str(doc, f.source_url),
            format: stored_str(doc, f.format).unwrap_or_default(),
            pages: stored_u32(doc, f.pages),
            sources: sources(&meta),
            indexed_at: meta.indexed_at,
            sections: Some(sections),
        }
    }

    fn doc_id_query(&self, doc_id: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(self.fields().doc_id, doc_id),
            IndexRecordOption::Basic,
        ))
    }

    /// Documents matching the filters, newest first.
    pub fn documents(
        &self,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<DocumentList> {
        if limit == 0 || limit > MAX_DOCUMENTS {
            return Err(QueryError::invalid_parameter(
                "limit",
                format!("limit must be between 1 and {MAX_DOCUMENTS}"),
            )
            .into());
        }
        // The collector allocates room for offset + limit documents.
        if offset.saturating_add(limit) > super::MAX_WINDOW {
            return Err(QueryError::WindowTooDeep {
                max: super::MAX_WINDOW,
            }
            .into());
        }
        let f = self.fields();
        let query = filters.apply(f, Box::new(f.first_passages()));
        let searcher = self.searcher();
        let (top, total) = searcher.search(
            query.as_ref(),
            &(
                TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_fast_field::<i64>("year", tantivy::Order::Desc),
                Count,
            ),
        )?;
        let mut documents = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id = stored_str(&doc, f.doc_id).unwrap_or_default();
            let n = searcher.search(self.doc_id_query(&id).as_ref(), &Count)?;
            documents.push(self.summary(&doc, n));
        }
        Ok(DocumentList { total, documents })
    }

    /// When each of `doc_ids` entered the index (seconds since the epoch;
    /// `None` when unknown): one stored passage read per document.
    pub fn indexed_at(
        &self,
        doc_ids: &[&str],
    ) -> Result<std::collections::HashMap<String, Option<i64>>> {
        let f = self.fields();
        let searcher = self.searcher();
        let mut out = std::collections::HashMap::new();
        for id in doc_ids {
            if out.contains_key(*id) || !valid_doc_id(id) {
                continue;
            }
            // The metadata is stored on the document's first passage.
            let first = tantivy::query::BooleanQuery::intersection(vec![
                self.doc_id_query(id),
                Box::new(f.first_passages()),
            ]);
            let top = searcher.search(&first, &TopDocs::with_limit(1).order_by_score())?;
            let mut at = None;
            if let Some((_, addr)) = top.first() {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                at = stored_str(&doc, f.meta_json)
                    .and_then(|j| serde_json::from_str::<DocMeta>(&j).ok())
                    .and_then(|m| m.indexed_at);
            }
            out.insert(id.to_string(), at);
        }
        Ok(out)
    }

    /// One document with all its passages in order.
    pub fn document(&self, doc_id: &str) -> Result<DocumentDetail> {
        if !valid_doc_id(doc_id) {
            return Err(Error::DocumentNotFound(doc_id.to_string()));
        }
        let f = self.fields();
        let searcher = self.searcher();
        // Counted first: the collector allocates room for its whole limit.
        let query = self.doc_id_query(doc_id);
        let count = searcher.search(query.as_ref(), &Count)?;
        let all = searcher.search(
            query.as_ref(),
            &TopDocs::with_limit(count.max(1))
                .order_by_u64_field("section_no", tantivy::Order::Asc),
        )?;
        if all.is_empty() {
            return Err(Error::DocumentNotFound(doc_id.to_string()));
        }
        let mut sections = Vec::with_capacity(all.len());
        let mut first: Option<TantivyDocument> = None;
        for (_, addr) in all {
            super::budget::check()?;
            let doc: TantivyDocument = searcher.doc(addr)?;
            sections.push(SectionOut::from_doc(f, &doc));
            if first.is_none() {
                first = Some(doc);
            }
        }
        let first = first.expect("non-empty");
        let mut summary = self.summary(&first, sections.len());
        summary.sections = None;
        Ok(DocumentDetail {
            summary,
            section_list: sections,
        })
    }

    /// The original file of a document, for download. Only a file inside
    /// the archive folder the index was built from is ever returned: the
    /// path is resolved (links included) and must stay under that folder.
    pub fn original(&self, doc_id: &str) -> Result<OriginalFile> {
        let gone = || Error::DocumentNotFound(doc_id.to_string());
        if !valid_doc_id(doc_id) {
            return Err(gone());
        }
        let f = self.fields();
        let searcher = self.searcher();
        let top = searcher.search(
            self.doc_id_query(doc_id).as_ref(),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let (_, addr) = top.first().ok_or_else(gone)?;
        let doc: TantivyDocument = searcher.doc(*addr)?;
        let rel = stored_str(&doc, f.file).unwrap_or_default();
        let format = stored_str(&doc, f.format).unwrap_or_default();
        let root = self.handle.archive_root.as_ref().ok_or_else(|| {
            Error::DocumentUnavailable(
                "this index does not record its archive folder; run `plansearch index` again \
                 or start the server with --archive"
                    .to_string(),
            )
        })?;
        let missing = || {
            Error::DocumentUnavailable(format!(
                "the original file {rel} is no longer in the archive (moved or deleted)"
            ))
        };
        /// `dir/part`, where `part` is one component of a stored path. A name that
        /// is not UTF-8 was stored lossily (U+FFFD for its bad bytes): it is found
        /// among the directory's entries by the same lossy conversion, the first
        /// by bytes when several read the same (as the archive walk kept it).
        fn resolve_part(dir: &std::path::Path, part: &str) -> Option<std::path::PathBuf> {
            let direct = dir.join(part);
            if !part.contains('\u{fffd}') || std::fs::symlink_metadata(&direct).is_ok() {
                return Some(direct);
            }
            std::fs::read_dir(dir)
                .ok()?
                .filter_map(|entry| entry.ok().map(|e| e.file_name()))
                .filter(|name| name.to_string_lossy() == part)
                .min()
                .map(|name| dir.join(name))
        }
        let root = root.canonicalize().map_err(|_| missing())?;
        let path = rel
            .split('/')
            .try_fold(root.clone(), |dir, part| resolve_part(&dir, part))
            .ok_or_else(missing)?
            .canonicalize()
            .map_err(|_| missing())?;
        let meta = std::fs::metadata(&path).map_err(|_| missing())?;
        if !path.starts_with(&root) || !meta.is_file() {
            return Err(missing());
        }
        // A hard link's target may be any file of the file system (one the
        // archive's owner can read, not one they meant to publish).
        if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 {
            return Err(Error::DocumentUnavailable(format!(
                "the original file {rel} is a hard link (it may point outside the archive); \
                 it is not served"
            )));
        }
        let file_name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
        Ok(OriginalFile {
            path,
            file_name,
            format,
        })
    }

    /// Every document id with its passage count (for tools and tests).
    pub fn all_documents(&self) -> Result<DocumentList> {
        self.documents(&Filters::default(), MAX_DOCUMENTS, 0)
    }
}
