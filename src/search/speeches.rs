//! Speeches of council minutes on hits and passages, and the way from a
//! question to its answers and back.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::documents::SectionOut;
use super::similar::valid_section_id;
use super::{Engine, stored_str, stored_u32};
use crate::error::{Error, Result};
use crate::index::Fields;

/// Most passages one exchange lists (a question's answers, windows included).
const MAX_EXCHANGE: usize = 200;

/// Who speaks in a passage of council minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SpeechOut {
    /// The speaker's name (`人見武男`); empty when the minutes give a role only.
    pub speaker: String,
    /// 議長, 副議長, 市長, 副市長, 教育長, a department head's title, or 議員.
    pub speaker_role: String,
    /// 議員, 執行部, 議長 or その他.
    pub speaker_group: String,
    /// The agenda item the speech falls under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Order of the speech in the meeting, from 1 (the windows of a long
    /// speech share it).
    pub speech_no: u32,
    /// `question` (it has answers: `/api/sections/{id}/answers`) or
    /// `answer` (`/api/sections/{id}/question`) in 一般質問 or 質疑.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "question")]
    pub qa: Option<String>,
}

impl SpeechOut {
    /// The speech of a stored passage; `None` outside minutes.
    pub fn from_doc(f: &Fields, doc: &TantivyDocument) -> Option<SpeechOut> {
        let speech_no = stored_u32(doc, f.speech_no)?;
        let speaker_role = stored_str(doc, f.speaker_role).unwrap_or_default();
        Some(SpeechOut {
            speaker: stored_str(doc, f.speaker).unwrap_or_default(),
            speaker_group: crate::sections::group_of(&speaker_role).name().to_string(),
            speaker_role,
            agenda: stored_str(doc, f.agenda),
            speech_no,
            qa: stored_str(doc, f.qa),
        })
    }
}

/// A question (or an answer) and the passages on the other side.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Exchange {
    /// The passage asked about.
    pub section: SectionOut,
    /// Its answers (for `/answers`) or its question (for `/question`),
    /// in the order of the meeting; every window of each speech.
    pub sections: Vec<SectionOut>,
}

fn term_u64(field: tantivy::schema::Field, v: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, v),
        IndexRecordOption::Basic,
    ))
}

fn term_text(field: tantivy::schema::Field, v: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, v),
        IndexRecordOption::Basic,
    ))
}

impl Engine {
    /// The answers to the question `section_id` is (a window) of.
    pub fn answers(&self, section_id: &str) -> Result<Exchange> {
        self.exchange(section_id, "question", "answer")
    }

    /// The question the answer `section_id` is (a window) of answers.
    pub fn question(&self, section_id: &str) -> Result<Exchange> {
        self.exchange(section_id, "answer", "question")
    }

    /// The passages of kind `other` in the exchange of `section_id`, which
    /// must be of kind `own`.
    fn exchange(&self, section_id: &str, own: &'static str, other: &str) -> Result<Exchange> {
        if !valid_section_id(section_id) {
            return Err(Error::SectionNotFound(section_id.to_string()));
        }
        let f = self.fields();
        let searcher = self.searcher();
        let doc = self.section_doc(&searcher, section_id)?;
        let not_in = || Error::NotInExchange {
            section_id: section_id.to_string(),
            wanted: if own == "question" {
                "a question"
            } else {
                "an answer"
            },
        };
        if stored_str(&doc, f.qa).as_deref() != Some(own) {
            return Err(not_in());
        }
        let thread = doc
            .get_first(f.qa_thread)
            .and_then(|v| v.as_u64())
            .ok_or_else(not_in)?;
        let doc_id = stored_str(&doc, f.doc_id).unwrap_or_default();
        let query = BooleanQuery::new(vec![
            (Occur::Must, term_text(f.doc_id, &doc_id)),
            (Occur::Must, term_u64(f.qa_thread, thread)),
            (Occur::Must, term_text(f.qa, other)),
        ]);
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(MAX_EXCHANGE)
                .order_by_u64_field("section_no", tantivy::Order::Asc),
        )?;
        let mut sections = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            sections.push(SectionOut::from_doc(f, &d));
        }
        Ok(Exchange {
            section: SectionOut::from_doc(f, &doc),
            sections,
        })
    }
}
