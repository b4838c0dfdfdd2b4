//! API errors, in one place: every error the service answers is one of the
//! stable [`ErrorCode`]s, each with its HTTP status, its type and a default
//! message, and always the JSON body
//! `{"error": {"code", "message", "params"?}}`. User interfaces choose
//! their own wording by `code` (and `params`); `message` is English for
//! people reading the JSON. Never a 500 for anything a user can send.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, QueryError};

/// Every error code the API answers with. The list is a contract with the
/// user interfaces: add codes, never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: `q` is required and missing.
    MissingQuery,
    /// 400: a query syntax problem without a more specific code.
    InvalidQuery,
    /// 400: the query only excludes words (`-term`).
    QueryOnlyExcludes,
    /// 400: the query has no searchable words.
    QueryEmpty,
    /// 400: more terms than allowed; params `terms`, `max`.
    TooManyTerms,
    /// 400: a parameter's value is wrong; params `parameter`.
    InvalidParameter,
    /// 400: a required parameter is missing; params `parameter`.
    MissingParameter,
    /// 400: a value is too long; params `parameter`, `max_chars`.
    ValueTooLong,
    /// 400: `offset + limit` beyond the window; params `max`.
    WindowTooDeep,
    /// 400: more cities than a comparison takes; params `max`.
    TooManyCities,
    /// 400: any other bad request.
    BadRequest,
    /// 401: admin endpoints need the bearer token.
    Unauthorized,
    /// 403: a `Host` that is not a loopback name on a loopback server.
    BadHost,
    /// 404: no such endpoint.
    NotFound,
    /// 404: no such document (or its original file is gone).
    DocumentNotFound,
    /// 404: no such passage.
    SectionNotFound,
    /// 404: the passage is not a question (for its answers) or not an
    /// answer (for its question) of council minutes; params `section_id`.
    NotInExchange,
    /// 405: the endpoint does not take this method.
    MethodNotAllowed,
    /// 409: the server has no archive to reindex.
    NoArchive,
    /// 409: a reindex is already running.
    ReindexRunning,
    /// 413: the request body is too large.
    PayloadTooLarge,
    /// 414: the request target is too long.
    UriTooLong,
    /// 431: the request headers are too large.
    HeadersTooLarge,
    /// 503: too busy (or too slow) right now; retry after `Retry-After`.
    Overloaded,
    /// 503: the index cannot answer right now; retry after `Retry-After`.
    IndexUnavailable,
    /// 500: a bug; see the server log.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the documentation.
    pub const ALL: [ErrorCode; 26] = [
        ErrorCode::MissingQuery,
        ErrorCode::InvalidQuery,
        ErrorCode::QueryOnlyExcludes,
        ErrorCode::QueryEmpty,
        ErrorCode::TooManyTerms,
        ErrorCode::InvalidParameter,
        ErrorCode::MissingParameter,
        ErrorCode::ValueTooLong,
        ErrorCode::WindowTooDeep,
        ErrorCode::TooManyCities,
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::BadHost,
        ErrorCode::NotFound,
        ErrorCode::DocumentNotFound,
        ErrorCode::SectionNotFound,
        ErrorCode::NotInExchange,
        ErrorCode::MethodNotAllowed,
        ErrorCode::NoArchive,
        ErrorCode::ReindexRunning,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UriTooLong,
        ErrorCode::HeadersTooLarge,
        ErrorCode::Overloaded,
        ErrorCode::IndexUnavailable,
        ErrorCode::Internal,
    ];

    /// The code as it appears in the JSON body.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MissingQuery => "missing_query",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::QueryOnlyExcludes => "query_only_excludes",
            ErrorCode::QueryEmpty => "query_empty",
            ErrorCode::TooManyTerms => "too_many_terms",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::MissingParameter => "missing_parameter",
            ErrorCode::ValueTooLong => "value_too_long",
            ErrorCode::WindowTooDeep => "window_too_deep",
            ErrorCode::TooManyCities => "too_many_cities",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::BadHost => "bad_host",
            ErrorCode::NotFound => "not_found",
            ErrorCode::DocumentNotFound => "document_not_found",
            ErrorCode::SectionNotFound => "section_not_found",
            ErrorCode::NotInExchange => "not_in_exchange",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::NoArchive => "no_archive",
            ErrorCode::ReindexRunning => "reindex_running",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::HeadersTooLarge => "headers_too_large",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::IndexUnavailable => "index_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status of the code.
    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            MissingQuery | InvalidQuery | QueryOnlyExcludes | QueryEmpty | TooManyTerms
            | InvalidParameter | MissingParameter | ValueTooLong | WindowTooDeep
            | TooManyCities | BadRequest => StatusCode::BAD_REQUEST,
            Unauthorized => StatusCode::UNAUTHORIZED,
            BadHost => StatusCode::FORBIDDEN,
            NotFound | DocumentNotFound | SectionNotFound | NotInExchange => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            NoArchive | ReindexRunning => StatusCode::CONFLICT,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UriTooLong => StatusCode::URI_TOO_LONG,
            HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Overloaded | IndexUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind of error, as Meilisearch's `type`: `invalid_request` (the
    /// caller can fix it), `auth`, `system` (retry later) or `internal`.
    pub fn error_type(self) -> &'static str {
        use ErrorCode::*;
        match self {
            Unauthorized | BadHost => "auth",
            Overloaded | IndexUnavailable => "system",
            Internal => "internal",
            _ => "invalid_request",
        }
    }

    /// The message when the case has nothing more specific to say.
    pub fn default_message(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MissingQuery => "q is required: the words to search for",
            InvalidQuery => "the query cannot be read; check its quotes and operators",
            QueryOnlyExcludes => "the query only excludes words; add a word to search for",
            QueryEmpty => "the query has no searchable words; type a word to search for",
            TooManyTerms => "the query has too many terms",
            InvalidParameter => "a parameter has an invalid value",
            MissingParameter => "a required parameter is missing",
            ValueTooLong => "a parameter value is too long",
            WindowTooDeep => "offset + limit is too large; narrow the search with filters",
            TooManyCities => "too many cities to compare at once",
            BadRequest => "the request could not be handled",
            Unauthorized => "admin endpoints need `Authorization: Bearer <PLANSEARCH_ADMIN_TOKEN>`",
            BadHost => "this server listens on loopback only and answers only to localhost names",
            NotFound => "no such endpoint; see /api/openapi.json",
            DocumentNotFound => "no such document",
            SectionNotFound => "no such passage",
            NotInExchange => "the passage is not a question or answer of 一般質問 or 質疑",
            MethodNotAllowed => "this endpoint does not take that method",
            NoArchive => "the server was started without --archive; there is nothing to reindex",
            ReindexRunning => "a reindex is already running",
            PayloadTooLarge => "the request body is too large",
            UriTooLong => "the request target is too long",
            HeadersTooLarge => "the request headers are too large",
            Overloaded => "the server is busy; retry in a second",
            IndexUnavailable => "the search index cannot answer right now; retry in a second",
            Internal => "the server failed; see the server log",
        }
    }

    /// The code of an error status that no handler answered (the router's
    /// own 404/405, the body limit's 413, the timeout's 503 …).
    pub fn for_status(status: StatusCode) -> ErrorCode {
        match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::URI_TOO_LONG => ErrorCode::UriTooLong,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ErrorCode::HeadersTooLarge,
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
            StatusCode::FORBIDDEN => ErrorCode::BadHost,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Overloaded,
            s if s.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::BadRequest,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer: a code, its message and structured values.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub params: Map<String, Value>,
}

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: choose the wording (and language) by it.
    pub code: ErrorCode,
    /// English, for people reading the JSON.
    pub message: String,
    /// Structured values of the case (`parameter`, `max`, `max_chars`,
    /// `terms`); absent when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub params: Option<Map<String, Value>>,
}

impl ApiError {
    /// The code with its default message.
    pub fn new(code: ErrorCode) -> Self {
        ApiError::with_message(code, code.default_message())
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            params: Map::new(),
        }
    }

    /// Adds a structured value.
    pub fn param(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// 400 `invalid_parameter` naming `parameter`.
    pub fn invalid_parameter(parameter: &str, message: impl Into<String>) -> Self {
        ApiError::with_message(ErrorCode::InvalidParameter, message).param("parameter", parameter)
    }

    /// 400 `missing_parameter` naming `parameter`.
    pub fn missing_parameter(parameter: &str, message: impl Into<String>) -> Self {
        ApiError::with_message(ErrorCode::MissingParameter, message).param("parameter", parameter)
    }

    /// 400 `value_too_long` naming `parameter` and the limit.
    pub fn value_too_long(parameter: &str, max_chars: usize) -> Self {
        ApiError::with_message(
            ErrorCode::ValueTooLong,
            format!("{parameter} is longer than {max_chars} characters; shorten it"),
        )
        .param("parameter", parameter)
        .param("max_chars", max_chars)
    }

    /// 400 `window_too_deep`.
    pub fn window_too_deep(max: usize, message: impl Into<String>) -> Self {
        ApiError::with_message(ErrorCode::WindowTooDeep, message).param("max", max)
    }

    pub fn overloaded() -> Self {
        ApiError::with_message(
            ErrorCode::Overloaded,
            "too many searches at once; retry in a second",
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::with_message(ErrorCode::Internal, message)
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        let message = e.to_string();
        match e {
            QueryError::Invalid(_) => ApiError::with_message(ErrorCode::InvalidQuery, message),
            QueryError::OnlyExcludes => {
                ApiError::with_message(ErrorCode::QueryOnlyExcludes, message)
            }
            QueryError::Empty | QueryError::NoSearchableWords => {
                ApiError::with_message(ErrorCode::QueryEmpty, message)
            }
            QueryError::TooManyTerms { terms, max } => {
                ApiError::with_message(ErrorCode::TooManyTerms, message)
                    .param("terms", terms)
                    .param("max", max)
            }
            QueryError::ValueTooLong {
                parameter,
                max_chars,
            } => ApiError::value_too_long(parameter, max_chars),
            QueryError::InvalidParameter { parameter, .. } => {
                ApiError::invalid_parameter(parameter, message)
            }
            QueryError::WindowTooDeep { max } => ApiError::window_too_deep(max, message),
            QueryError::TooManyCities { max } => {
                ApiError::with_message(ErrorCode::TooManyCities, message).param("max", max)
            }
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Query(q) => q.into(),
            Error::DocumentNotFound(id) => ApiError::with_message(
                ErrorCode::DocumentNotFound,
                format!("no document with id {id:?}"),
            ),
            Error::DocumentUnavailable(message) => {
                ApiError::with_message(ErrorCode::DocumentNotFound, message)
            }
            Error::SectionNotFound(id) => ApiError::with_message(
                ErrorCode::SectionNotFound,
                format!("no passage with id {id:?}"),
            ),
            e @ Error::NotInExchange { .. } => {
                let message = e.to_string();
                let Error::NotInExchange { section_id, .. } = e else {
                    unreachable!()
                };
                ApiError::with_message(ErrorCode::NotInExchange, message)
                    .param("section_id", section_id)
            }
            Error::BudgetSpent => ApiError::with_message(
                ErrorCode::Overloaded,
                "the request took too long and was stopped; retry later or narrow it",
            ),
            other @ (Error::Tantivy(_) | Error::Io(_) | Error::Index { .. }) => {
                tracing::error!(error = %other, "the index could not answer");
                ApiError::with_message(
                    ErrorCode::IndexUnavailable,
                    "the search index could not answer; retry in a second, and see the \
                     server log if it persists",
                )
            }
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::internal("the server failed; see the server log")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                params: (!self.params.is_empty()).then_some(self.params),
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_maps_to_its_documented_status() {
        let expected: [(&str, u16); 26] = [
            ("missing_query", 400),
            ("invalid_query", 400),
            ("query_only_excludes", 400),
            ("query_empty", 400),
            ("too_many_terms", 400),
            ("invalid_parameter", 400),
            ("missing_parameter", 400),
            ("value_too_long", 400),
            ("window_too_deep", 400),
            ("too_many_cities", 400),
            ("bad_request", 400),
            ("unauthorized", 401),
            ("bad_host", 403),
            ("not_found", 404),
            ("document_not_found", 404),
            ("section_not_found", 404),
            ("not_in_exchange", 404),
            ("method_not_allowed", 405),
            ("no_archive", 409),
            ("reindex_running", 409),
            ("payload_too_large", 413),
            ("uri_too_long", 414),
            ("headers_too_large", 431),
            ("overloaded", 503),
            ("index_unavailable", 503),
            ("internal", 500),
        ];
        for (code, (name, status)) in ErrorCode::ALL.iter().zip(expected) {
            assert_eq!(code.as_str(), name);
            assert_eq!(code.status().as_u16(), status, "{name}");
            // Serialized as the same string.
            assert_eq!(serde_json::to_value(code).unwrap(), name);
            assert!(!code.default_message().is_empty());
            assert!(["invalid_request", "auth", "system", "internal"].contains(&code.error_type()));
        }
        // The fallback for unhandled statuses stays within the list.
        for s in [404, 405, 413, 414, 431, 503, 500, 400, 418] {
            let code = ErrorCode::for_status(StatusCode::from_u16(s).unwrap());
            assert!(ErrorCode::ALL.contains(&code));
        }
    }

    #[test]
    fn engine_errors_become_codes_with_params() {
        let e = ApiError::from(Error::Query(QueryError::TooManyTerms {
            terms: 40,
            max: 32,
        }));
        assert_eq!(e.code, ErrorCode::TooManyTerms);
        assert_eq!(e.params["terms"], 40);
        assert_eq!(e.params["max"], 32);
        let e = ApiError::from(Error::Query(QueryError::OnlyExcludes));
        assert_eq!((e.code, e.params.len()), (ErrorCode::QueryOnlyExcludes, 0));
        let e = ApiError::from(Error::DocumentNotFound("x".into()));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        let e = ApiError::from(Error::Query(QueryError::ValueTooLong {
            parameter: "q",
            max_chars: 500,
        }));
        assert_eq!(e.code, ErrorCode::ValueTooLong);
        assert_eq!(
            (
                e.params["parameter"].as_str(),
                e.params["max_chars"].as_u64()
            ),
            (Some("q"), Some(500))
        );
    }
}
