//! Query-string parsing with errors a user can act on. Repeated keys
//! (`city=A&city=B`) are lists.

use crate::search::{Filters, MAX_LIMIT, MAX_WINDOW, SearchRequest, Sort};

use super::error::ApiError;

/// Raw query-string pairs.
pub struct Params(pub Vec<(String, String)>);

/// Longest single parameter value accepted.
const MAX_VALUE_CHARS: usize = 1000;

impl Params {
    /// Parses a raw query string. Bad percent-encoding or invalid UTF-8
    /// never rejects the request: it decodes lossily and the value is then
    /// validated like any other.
    pub fn from_query(raw: Option<&str>) -> Params {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Params(pairs)
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| crate::analysis::normalize::normalize_inline(v))
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn one(&self, key: &str) -> Option<String> {
        self.all(key).into_iter().last()
    }

    fn check_lengths(&self) -> Result<(), ApiError> {
        for (k, v) in &self.0 {
            if v.chars().count() > MAX_VALUE_CHARS {
                return Err(ApiError::bad_request(
                    "invalid_parameter",
                    format!("{k} is longer than {MAX_VALUE_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }

    pub fn int<T: std::str::FromStr>(&self, key: &str, what: &str) -> Result<Option<T>, ApiError> {
        match self.one(key) {
            None => Ok(None),
            Some(v) => v.trim().parse::<T>().map(Some).map_err(|_| {
                ApiError::bad_request(
                    "invalid_parameter",
                    format!("{key} must be {what}, got {v:?}"),
                )
            }),
        }
    }

    fn year(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let y = self.int::<i64>(key, "a western year such as 2022")?;
        if let Some(y) = y
            && !(1800..=2200).contains(&y)
        {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("{key} must be a western year such as 2022, got {y}"),
            ));
        }
        Ok(y)
    }

    /// The shared filters.
    pub fn filters(&self) -> Result<Filters, ApiError> {
        self.check_lengths()?;
        let f = Filters {
            cities: self.all("city"),
            prefectures: self.all("prefecture"),
            departments: self.all("department"),
            doc_types: self.all("doc_type"),
            year: self.year("year")?,
            year_from: self.year("year_from")?,
            year_to: self.year("year_to")?,
        };
        if let (Some(a), Some(b)) = (f.year_from, f.year_to)
            && a > b
        {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("year_from ({a}) is after year_to ({b})"),
            ));
        }
        Ok(f)
    }

    /// The query text, required.
    pub fn q(&self) -> Result<String, ApiError> {
        match self.one("q") {
            Some(q) => Ok(q),
            None => Err(ApiError::bad_request(
                "missing_query",
                "q is required: the words to search for",
            )),
        }
    }

    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        let limit = self
            .int::<usize>("limit", "a whole number")?
            .unwrap_or(default);
        if limit == 0 || limit > max {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!("limit must be between 1 and {max}"),
            ));
        }
        Ok(limit)
    }

    /// `offset`, bounded so that `offset + limit` stays within
    /// [`MAX_WINDOW`]: the engine allocates room for `offset + limit` hits,
    /// so an unchecked value from a URL could ask for terabytes.
    pub fn offset(&self, limit: usize) -> Result<usize, ApiError> {
        let offset = self.int::<usize>("offset", "a whole number")?.unwrap_or(0);
        if offset.saturating_add(limit) > MAX_WINDOW {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                format!(
                    "offset must be at most {} with limit {limit} (offset + limit ≤ {MAX_WINDOW}); \
                     narrow the search with filters instead of paging this deep",
                    MAX_WINDOW.saturating_sub(limit)
                ),
            ));
        }
        Ok(offset)
    }

    pub fn flag(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.one(key).as_deref() {
            None => Ok(None),
            Some("true" | "1" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "no") => Ok(Some(false)),
            Some(v) => Err(ApiError::bad_request(
                "invalid_parameter",
                format!("{key} must be true or false, got {v:?}"),
            )),
        }
    }

    /// A full search request.
    pub fn search_request(&self) -> Result<SearchRequest, ApiError> {
        self.search_request_with_limit(10, MAX_LIMIT)
    }

    /// A full search request with its own limit bounds (CSV export).
    pub fn search_request_with_limit(
        &self,
        default_limit: usize,
        max_limit: usize,
    ) -> Result<SearchRequest, ApiError> {
        let filters = self.filters()?;
        let q = self.q()?;
        let sort = match self.one("sort") {
            None => Sort::Relevance,
            Some(s) => Sort::parse(&s).map_err(|e| {
                ApiError::bad_request(
                    "invalid_parameter",
                    e.to_string().replace("invalid query: ", ""),
                )
            })?,
        };
        let include_text = match self.one("include").as_deref() {
            None => false,
            Some("text") => true,
            Some(other) => {
                return Err(ApiError::bad_request(
                    "invalid_parameter",
                    format!("include must be \"text\", got {other:?}"),
                ));
            }
        };
        let limit = self.limit(default_limit, max_limit)?;
        Ok(SearchRequest {
            q,
            filters,
            sort,
            limit,
            offset: self.offset(limit)?,
            include_text,
            // `facets=false` / `snippets=false`: the engine skips that work.
            facets: self.flag("facets")?.unwrap_or(true),
            snippets: self.flag("snippets")?.unwrap_or(true),
            partial: true,
        })
    }
}
