//! `/api/documents/{doc_id}`, streamed: the longest documents have tens of
//! thousands of passages (a 65 MB JSON), so the body is written passage by
//! passage as the client reads it, never built whole in memory.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::search::Engine;
use crate::search::documents::{DocumentSummary, SectionOut, valid_doc_id};

/// The response's shape, for the OpenAPI document (the body is streamed).
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentPage {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    /// Passages of the document in all (`sections` may list a page).
    pub sections_total: usize,
    /// The passages in order: all, or those of the page asked for.
    #[schema(value_type = Vec<SectionOut>)]
    pub sections: Vec<SectionOut>,
}

/// A document found, and the passages of the page asked for.
pub struct DocumentHead {
    /// The index snapshot the addresses belong to.
    searcher: Searcher,
    summary: DocumentSummary,
    total: usize,
    page: Vec<DocAddress>,
}

/// Finds `doc_id` and its passages `offset..offset + limit` in order
/// (`limit` `None`: to the end).
pub fn lookup(
    engine: &Engine,
    doc_id: &str,
    offset: usize,
    limit: Option<usize>,
) -> Result<DocumentHead> {
    if !valid_doc_id(doc_id) {
        return Err(Error::DocumentNotFound(doc_id.to_string()));
    }
    let searcher = engine.searcher();
    let query = TermQuery::new(
        Term::from_field_text(engine.fields().doc_id, doc_id),
        IndexRecordOption::Basic,
    );
    // Counted first: the collector allocates room for its whole limit.
    let total = searcher.search(&query, &Count)?;
    let all = searcher.search(
        &query,
        &TopDocs::with_limit(total.max(1)).order_by_u64_field("section_no", tantivy::Order::Asc),
    )?;
    let Some((_, first)) = all.first() else {
        return Err(Error::DocumentNotFound(doc_id.to_string()));
    };
    let first: TantivyDocument = searcher.doc(*first)?;
    let mut summary = engine.summary(&first, all.len());
    summary.sections = None;
    let page = all
        .iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .map(|(_, addr)| *addr)
        .collect();
    Ok(DocumentHead {
        searcher,
        summary,
        total: all.len(),
        page,
    })
}

/// The passages, read from the index one at a time as they are written.
struct Sections<'a> {
    engine: &'a Engine,
    head: &'a DocumentHead,
}

impl Serialize for Sections<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let f = self.engine.fields();
        let mut seq = s.serialize_seq(Some(self.head.page.len()))?;
        for addr in &self.head.page {
            let doc: TantivyDocument = self.head.searcher.doc(*addr).map_err(S::Error::custom)?;
            seq.serialize_element(&SectionOut::from_doc(f, &doc))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Streamed<'a> {
    #[serde(flatten)]
    summary: &'a DocumentSummary,
    sections_total: usize,
    sections: Sections<'a>,
}

/// The document as a streamed JSON response; `permit` (a slot of the
/// endpoint's limit) is held until the body is written or the client is
/// gone.
pub fn respond(
    engine: Arc<Engine>,
    head: DocumentHead,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Response {
    let (reader, writer) = tokio::io::duplex(64 * 1024);
    let bridge = tokio_util::io::SyncIoBridge::new(writer);
    let complete = Arc::new(AtomicBool::new(false));
    let done = complete.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let body = Streamed {
            summary: &head.summary,
            sections_total: head.total,
            sections: Sections {
                engine: &engine,
                head: &head,
            },
        };
        let mut out = std::io::BufWriter::with_capacity(32 * 1024, bridge);
        match serde_json::to_writer(&mut out, &body)
            .map_err(std::io::Error::from)
            .and_then(|()| out.flush())
        {
            Ok(()) => done.store(true, Ordering::Release),
            // Usually the client went away; else the index failed midway.
            Err(e) => tracing::debug!(error = %e, "a document's response ended early"),
        }
    });
    let reader = EndChecked {
        inner: reader,
        complete,
    };
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(reader)),
    )
        .into_response()
}

/// The body's reader: an end before the whole JSON was written is an error,
/// so the response is aborted rather than ending as truncated JSON.
struct EndChecked {
    inner: tokio::io::DuplexStream,
    complete: Arc<AtomicBool>,
}

impl tokio::io::AsyncRead for EndChecked {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        let before = buf.filled().len();
        match std::pin::Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => {
                if self.complete.load(Ordering::Acquire) {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Ready(Err(std::io::Error::other(
                        "the document could not be read to its end",
                    )))
                }
            }
            other => other,
        }
    }
}
