//! Library errors. Every message says what went wrong and what to do; every
//! case a user can cause is a typed variant carrying its values, so the
//! server maps it to a stable code without reading the message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("dictionary: {0}")]
    Dictionary(String),
    #[error("archive {path}: {message}")]
    Archive { path: PathBuf, message: String },
    #[error("manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("index {path}: {message}")]
    Index { path: PathBuf, message: String },
    /// A query or request parameter the engine refuses.
    #[error("invalid query: {0}")]
    Query(#[from] QueryError),
    /// No document with this id.
    #[error("not found: no document with id {0:?}")]
    DocumentNotFound(String),
    /// No passage (section) with this id.
    #[error("not found: no passage with id {0:?}")]
    SectionNotFound(String),
    /// The passage is not the side of a question and its answers that was
    /// asked for (`answers` of a passage that is not a question, or
    /// `question` of one that is not an answer).
    #[error("passage {section_id:?} is not {wanted} in 一般質問 or 質疑")]
    NotInExchange {
        section_id: String,
        wanted: &'static str,
    },
    /// The document exists but its original file cannot be served, or a
    /// series has no document for a year: the message says which.
    #[error("not found: {0}")]
    DocumentUnavailable(String),
    /// A malformed input file of a command (queries and judgments of
    /// `plansearch eval`).
    #[error("invalid input: {0}")]
    Input(String),
    /// The request's time budget ran out, or its client left: the work
    /// stopped ([`crate::search::budget`]).
    #[error("the request's time budget ran out")]
    BudgetSpent,
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Why a query or a request parameter is refused, with the values a user
/// interface needs to say so in its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A query syntax problem without a more specific case.
    #[error("{0}")]
    Invalid(String),
    /// Only `-terms`: nothing to search for.
    #[error("the query only excludes words; add a word to search for")]
    OnlyExcludes,
    /// Nothing typed.
    #[error("the query is empty; type a word to search for")]
    Empty,
    /// Words, but none the index can search (punctuation only …).
    #[error("the query has no searchable words; try other words")]
    NoSearchableWords,
    #[error("the query has {terms} terms; use at most {max}")]
    TooManyTerms { terms: usize, max: usize },
    /// A value longer than allowed (`parameter` is `q` for the query).
    #[error("{parameter} is longer than {max_chars} characters; shorten it")]
    ValueTooLong {
        parameter: &'static str,
        max_chars: usize,
    },
    /// A parameter with a value out of its range or of the wrong kind.
    #[error("{message}")]
    InvalidParameter {
        parameter: &'static str,
        message: String,
    },
    /// `offset + limit` beyond the window of hits a search ranks.
    #[error("offset + limit must be at most {max}; narrow the search with filters")]
    WindowTooDeep { max: usize },
    /// More cities than a comparison takes.
    #[error("compare at most {max} cities at once")]
    TooManyCities { max: usize },
}

impl QueryError {
    pub fn invalid_parameter(parameter: &'static str, message: impl Into<String>) -> QueryError {
        QueryError::InvalidParameter {
            parameter,
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
