//! Query-string parsing with errors a user can act on. Repeated keys
//! (`city=A&city=B`) are lists.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::search::{Filters, MAX_LIMIT, MAX_WINDOW, SearchRequest, Sort};

use super::error::{ApiError, ErrorCode};

/// Raw query-string pairs, and the keys asked for (a test compares those
/// with the parameters the OpenAPI document lists for the endpoint).
pub struct Params(pub Vec<(String, String)>, Mutex<BTreeSet<String>>);

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
        Params(pairs, Mutex::default())
    }

    /// The keys read so far.
    pub fn keys_read(&self) -> BTreeSet<String> {
        self.1.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.1
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
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

    /// Every value at most [`MAX_VALUE_CHARS`] long.
    pub fn check_lengths(&self) -> Result<(), ApiError> {
        for (k, v) in &self.0 {
            if v.chars().count() > MAX_VALUE_CHARS {
                return Err(ApiError::value_too_long(k, MAX_VALUE_CHARS));
            }
        }
        Ok(())
    }

    pub fn int<T: std::str::FromStr>(&self, key: &str, what: &str) -> Result<Option<T>, ApiError> {
        match self.one(key) {
            None => Ok(None),
            Some(v) => v.trim().parse::<T>().map(Some).map_err(|_| {
                ApiError::invalid_parameter(key, format!("{key} must be {what}, got {v:?}"))
            }),
        }
    }

    fn year(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let y = self.int::<i64>(key, "a western year such as 2022")?;
        if let Some(y) = y
            && !(1800..=2200).contains(&y)
        {
            return Err(ApiError::invalid_parameter(
                key,
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
            ..Filters::default()
        };
        if let (Some(a), Some(b)) = (f.year_from, f.year_to)
            && a > b
        {
            return Err(ApiError::invalid_parameter(
                "year_from",
                format!("year_from ({a}) is after year_to ({b})"),
            ));
        }
        Ok(f)
    }

    /// The speaker filters of council minutes (`speaker`, `speaker_role`,
    /// `speaker_group`), added to `filters`. Values are repeatable and may
    /// also be joined by `|` (`speaker_group=議員|執行部`); names and roles
    /// are compared without spaces, a seat (`12番`) is the role 議員.
    pub fn speaker_filters(&self, filters: &mut Filters) -> Result<(), ApiError> {
        let split = |key: &str| -> Vec<String> {
            self.all(key)
                .iter()
                .flat_map(|v| v.split('|'))
                .map(|v| v.chars().filter(|c| !c.is_whitespace()).collect::<String>())
                .filter(|v| !v.is_empty())
                .collect()
        };
        filters.speakers = split("speaker");
        filters.speaker_roles = split("speaker_role")
            .into_iter()
            .map(|r| crate::sections::normalise_role(&r))
            .collect();
        filters.speaker_groups = split("speaker_group");
        let groups = crate::sections::Group::NAMES;
        if let Some(bad) = filters
            .speaker_groups
            .iter()
            .find(|g| !groups.contains(&g.as_str()))
        {
            return Err(ApiError::invalid_parameter(
                "speaker_group",
                format!(
                    "speaker_group must be one of {}, got {bad:?}",
                    groups.join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// The query text, required.
    pub fn q(&self) -> Result<String, ApiError> {
        match self.one("q") {
            Some(q) => Ok(q),
            None => Err(ApiError::new(ErrorCode::MissingQuery)),
        }
    }

    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        let limit = self
            .int::<usize>("limit", "a whole number")?
            .unwrap_or(default);
        if limit == 0 || limit > max {
            return Err(ApiError::invalid_parameter(
                "limit",
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
            return Err(ApiError::window_too_deep(
                MAX_WINDOW,
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
            Some(v) => Err(ApiError::invalid_parameter(
                key,
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
        let mut filters = self.filters()?;
        self.speaker_filters(&mut filters)?;
        let q = self.q()?;
        let sort = match self.one("sort") {
            None => Sort::Relevance,
            Some(s) => Sort::parse(&s).map_err(ApiError::from)?,
        };
        let include_text = match self.one("include").as_deref() {
            None => false,
            Some("text") => true,
            Some(other) => {
                return Err(ApiError::invalid_parameter(
                    "include",
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
            options: self.plan_options()?,
        })
    }

    /// `synonyms=false` / `readings=false`: what the plan may add to the
    /// words typed.
    pub fn plan_options(&self) -> Result<crate::search::PlanOptions, ApiError> {
        Ok(crate::search::PlanOptions {
            synonyms: self.flag("synonyms")?.unwrap_or(true),
            readings: self.flag("readings")?.unwrap_or(true),
        })
    }
}

// ---- The parameters of each endpoint, as the OpenAPI document lists them.
// The handlers read exactly these keys (a test in `api` checks it), so the
// document and the server cannot drift apart.

/// Filters of every endpoint that searches.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParams {
    /// City (市区町村); repeatable: `city=A&city=B`.
    pub city: Option<Vec<String>>,
    /// Prefecture (都道府県); repeatable.
    pub prefecture: Option<Vec<String>>,
    /// Department (部局); repeatable.
    pub department: Option<Vec<String>>,
    /// Document type (部局運営方針 …); repeatable.
    pub doc_type: Option<Vec<String>>,
    /// One western (fiscal) year.
    #[param(minimum = 1800, maximum = 2200)]
    pub year: Option<i64>,
    /// First year (inclusive).
    #[param(minimum = 1800, maximum = 2200)]
    pub year_from: Option<i64>,
    /// Last year (inclusive), not before `year_from`.
    #[param(minimum = 1800, maximum = 2200)]
    pub year_to: Option<i64>,
}

/// Speaker filters of the endpoints that search passages (council
/// minutes: only speeches match them).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpeakerParams {
    /// Speaker's name as the minutes give it (`人見武男`; spaces ignored);
    /// repeatable, or several joined by `|`.
    pub speaker: Option<Vec<String>>,
    /// Speaker's role: 議長, 市長, 教育長, `保健福祉部長` …, 議員 (a seat such
    /// as `12番` means 議員); repeatable or joined by `|`.
    pub speaker_role: Option<Vec<String>>,
    /// 議員 (members), 執行部 (the mayor and the administration), 議長
    /// (the chair) or その他; repeatable or joined by `|`
    /// (`speaker_group=議員|執行部`).
    pub speaker_group: Option<Vec<String>>,
}

/// Sort order of hits.
#[derive(utoipa::ToSchema)]
#[allow(non_camel_case_types)]
pub enum SortParam {
    relevance,
    year_desc,
    year_asc,
}

/// What `include` can add.
#[derive(utoipa::ToSchema)]
#[allow(non_camel_case_types)]
pub enum IncludeParam {
    text,
}

/// The query and paging of a search (with [`FilterParams`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: spaces separate required terms, `"…"` is a phrase,
    /// `-term` excludes, `OR` makes alternatives; at most 500 characters.
    #[param(min_length = 1)]
    pub q: String,
    /// Default `relevance`.
    pub sort: Option<SortParam>,
    /// Hits to skip; `offset + limit` at most 10,000.
    #[param(minimum = 0, maximum = 10000)]
    pub offset: Option<u64>,
    /// `text` adds each passage's full text.
    pub include: Option<IncludeParam>,
    /// Default true; `false` skips the facet counts (no `facets` in the
    /// response).
    pub facets: Option<bool>,
    /// Default true; `false` skips highlighting (hits without `snippet`,
    /// empty `via`); with `facets=false` the cheapest top-N.
    pub snippets: Option<bool>,
    /// Default true; `false` searches no synonyms (官民連携 for 公民連携).
    pub synonyms: Option<bool>,
    /// Default true; `false` searches no readings (a kana query finds only
    /// the kana written) and no other notations of the words typed.
    pub readings: Option<bool>,
}

/// Page size of `/api/search`, `/api/trend` and `/api/compare`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchLimit {
    /// Hits per page, default 10.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// Rows of the CSV export.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportLimit {
    /// Rows, default and most 10,000.
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u64>,
}

/// `/api/compare`'s own parameter.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// Passages per city, default 3.
    #[param(minimum = 1, maximum = 10)]
    pub per_city: Option<u64>,
}

/// Paging of `/api/documents`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentsPage {
    /// Documents per page, default 100.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Documents to skip; `offset + limit` at most 10,000.
    #[param(minimum = 0, maximum = 10000)]
    pub offset: Option<u64>,
}

/// Paging of a document's passages (`/api/documents/{doc_id}`): every
/// passage by default.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentSections {
    /// Passages to skip, default 0.
    #[param(minimum = 0)]
    pub sections_offset: Option<u64>,
    /// Passages to return at most, default all.
    #[param(minimum = 0)]
    pub sections_limit: Option<u64>,
}

/// Paging of the skipped files of `/api/archive` (the first 100 by
/// default).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkippedPage {
    /// Skipped files to skip, default 0.
    #[param(minimum = 0)]
    pub skipped_offset: Option<u64>,
    /// Skipped files to return at most, default and most 1,000.
    #[param(minimum = 0, maximum = 1000)]
    pub skipped_limit: Option<u64>,
}

/// `/api/similar/{section_id}`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// Only passages of other cities; default true.
    pub other_cities: Option<bool>,
    /// Passages, default 5.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// `/api/documents/{doc_id}/marks`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarksParams {
    /// The search whose matches to mark, as typed in the search box.
    #[param(min_length = 1)]
    pub q: String,
}

/// `/api/suggest`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far.
    #[param(max_length = 50)]
    pub prefix: Option<String>,
    /// Completions, default 8.
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<u64>,
}

/// `/api/series`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesParams {
    /// City; repeatable.
    pub city: Option<Vec<String>>,
    /// Department (spacing and width ignored); repeatable.
    pub department: Option<Vec<String>>,
    /// Document type; repeatable.
    pub doc_type: Option<Vec<String>>,
}

/// `/api/diff`: `from` and `to`, or `city`, `department` (or `doc_type`),
/// `from_year` and `to_year`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// Older document id.
    pub from: Option<String>,
    /// Newer document id.
    pub to: Option<String>,
    pub city: Option<String>,
    pub department: Option<String>,
    pub doc_type: Option<String>,
    /// Year of the older document.
    pub from_year: Option<i64>,
    /// Year of the newer document.
    pub to_year: Option<i64>,
}

/// `/api/diff/sections`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffSectionsParams {
    /// Older section id.
    pub from: String,
    /// Newer section id.
    pub to: String,
}

/// `/api/figures` (with [`FilterParams`]): `q` or `doc_id`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresParams {
    /// A search: figures of the passages it finds.
    pub q: Option<String>,
    /// A document: all its figures.
    pub doc_id: Option<String>,
    /// Default true; `false` searches no synonyms (with `q`).
    pub synonyms: Option<bool>,
    /// Default true; `false` searches no readings (with `q`).
    pub readings: Option<bool>,
}
