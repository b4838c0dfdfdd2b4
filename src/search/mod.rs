//! Search over the index: query building, filters, facets, snippets,
//! document lookup. Independent of HTTP; the server and CLI call [`Engine`].

pub mod build;
pub mod compare;
pub mod documents;
pub mod facets;
pub mod filters;
pub mod query;
pub mod similar;
pub mod snippets;
pub mod suggest;
pub mod trend;

use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

pub use build::{Features, Mode};
pub use facets::{FacetValue, Facets};
pub use filters::Filters;

use crate::analysis::synonyms::Synonyms;
use crate::error::{Error, Result};
use crate::index::{Fields, IndexHandle};
use build::QueryBuilder;
use facets::FacetCollector;
use snippets::Highlighter;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest page one request may reach (offset + limit).
pub const MAX_WINDOW: usize = 10_000;
/// Facet values returned per facet.
pub const FACET_LIMIT: usize = 50;

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    YearDesc,
    YearAsc,
}

impl Sort {
    pub fn parse(s: &str) -> Result<Sort> {
        match s {
            "relevance" | "" => Ok(Sort::Relevance),
            "year_desc" => Ok(Sort::YearDesc),
            "year_asc" => Ok(Sort::YearAsc),
            other => Err(Error::Query(format!(
                "unknown sort {other:?}; use relevance, year_desc or year_asc"
            ))),
        }
    }
}

/// A search request, already validated.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Filters,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    pub include_text: bool,
    /// Compute facets (the compare and eval paths skip them).
    pub facets: bool,
    /// Use this strictness instead of escalating (compare keeps every
    /// column at the strictness of the overall query).
    pub force_mode: Option<Mode>,
}

impl SearchRequest {
    pub fn new(q: impl Into<String>) -> Self {
        SearchRequest {
            q: q.into(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            include_text: false,
            facets: true,
            force_mode: None,
        }
    }
}

/// One passage in a result list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub doc_id: String,
    pub file: String,
    pub section_id: String,
    pub section_title: String,
    pub title: String,
    pub city: Option<String>,
    pub prefecture: Option<String>,
    pub city_code: Option<String>,
    pub year: Option<i64>,
    pub department: Option<String>,
    pub doc_type: Option<String>,
    pub score: f32,
    /// Found only through the reading of a query typed in kana (a homophone
    /// may be among these): ranked below literal and word matches.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub via_reading: bool,
    /// HTML: escaped text with `<mark>` around matches.
    pub snippet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub total: usize,
    pub took_ms: f64,
    /// The strictness used (for follow-up requests).
    #[serde(skip)]
    pub mode: Mode,
    /// `null`, or how the query was loosened when fewer than a page of
    /// passages had every term: `"bigram"` (most characters of each term) or
    /// `"any"` (any term). Passages with every term still rank first.
    pub escalated: Option<&'static str>,
    /// Passages with every term.
    pub strict_total: usize,
    /// The words searched for, after analysis (for highlighting).
    pub query_terms: Vec<String>,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// A frequent indexed word one edit away from a term with few strict
    /// matches, as the whole query to search instead (公民連係 → 公民連携).
    /// A suggestion only: the query is never rewritten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

/// Below this many strict matches, looser matches fill the page after them.
pub const BACKFILL_BELOW: usize = 10;
/// Below this many strict matches, a spelling suggestion is looked for.
pub const DID_YOU_MEAN_BELOW: usize = 5;
/// Score bonus that ranks strict matches above looser ones.
const STRICT_TIER: f32 = 1000.0;

/// The query to run and how it was loosened.
pub struct Plan {
    pub query: Box<dyn Query>,
    /// Strict when any strict match exists; else the looser level used.
    pub mode: Mode,
    /// Passages with every term (`None` when the mode was forced).
    pub strict_total: Option<usize>,
    /// The looser level whose matches are included, if any.
    pub loosened: Option<Mode>,
}

/// Top hits, total count and (when asked) facets of one query.
type Collected = (Vec<(f32, DocAddress)>, usize, Option<Facets>);

/// The search engine over one index.
#[derive(Clone)]
pub struct Engine {
    pub handle: IndexHandle,
    pub synonyms: Synonyms,
    pub features: Features,
}

/// How a plan loosened the query, for the response.
fn loosened_label(plan: &Plan) -> Option<&'static str> {
    plan.loosened.and_then(Mode::label)
}

/// A stored passage with the fields every response uses.
pub(crate) fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

impl Engine {
    pub fn new(handle: IndexHandle, synonyms: Synonyms) -> Engine {
        Engine {
            handle,
            synonyms,
            features: Features::default(),
        }
    }

    pub fn fields(&self) -> &Fields {
        &self.handle.fields
    }

    pub fn searcher(&self) -> Searcher {
        self.handle.searcher()
    }

    fn builder<'a>(&'a self, searcher: &'a Searcher) -> QueryBuilder<'a> {
        QueryBuilder {
            fields: &self.handle.fields,
            analyzer: &self.handle.analyzer,
            synonyms: &self.synonyms,
            features: self.features,
            searcher: Some(searcher),
        }
    }

    /// The strictness levels to try, in order.
    fn modes(&self) -> Vec<Mode> {
        if !self.features.escalation {
            return vec![Mode::Strict];
        }
        let mut modes = vec![Mode::Strict];
        if self.features.bigram {
            modes.push(Mode::Bigram);
        }
        modes.push(Mode::Any);
        modes
    }

    /// Builds the final query. The strict query when it matches at least a
    /// page; otherwise the first looser level that matches anything, and
    /// (with `backfill`) the strict matches ranked above the looser ones.
    pub fn plan(
        &self,
        searcher: &Searcher,
        parsed: &query::ParsedQuery,
        filters: &Filters,
        force_mode: Option<Mode>,
        backfill: bool,
    ) -> Result<Plan> {
        let builder = self.builder(searcher);
        let no_words =
            || Error::Query("the query has no searchable words; try other words".to_string());
        let build = |mode| {
            builder
                .build(parsed, mode)
                .map(|q| filters.apply(self.fields(), q))
        };
        if let Some(mode) = force_mode {
            let query = build(mode).ok_or_else(no_words)?;
            return Ok(Plan {
                query,
                mode,
                strict_total: None,
                loosened: (mode != Mode::Strict).then_some(mode),
            });
        }
        let strict = build(Mode::Strict);
        let strict_total = match &strict {
            Some(q) => searcher.search(q.as_ref(), &Count)?,
            None => 0,
        };
        let modes = self.modes();
        if strict_total >= BACKFILL_BELOW || modes.len() == 1 || (strict_total > 0 && !backfill) {
            let query = strict.ok_or_else(no_words)?;
            return Ok(Plan {
                query,
                mode: Mode::Strict,
                strict_total: Some(strict_total),
                loosened: None,
            });
        }
        for &mode in &modes[1..] {
            let Some(loose) = build(mode) else { continue };
            // A level that adds nothing to the strict matches is no help.
            if searcher.search(loose.as_ref(), &Count)? <= strict_total {
                continue;
            }
            let query: Box<dyn Query> = match strict {
                Some(strict) if strict_total > 0 => {
                    // Strict matches first: a constant tier bonus on top of
                    // their own score keeps them above every looser match.
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Should, strict.box_clone()),
                        (
                            Occur::Should,
                            Box::new(ConstScoreQuery::new(strict, STRICT_TIER)),
                        ),
                        (Occur::Should, loose),
                    ]))
                }
                _ => loose,
            };
            return Ok(Plan {
                query,
                mode: if strict_total > 0 { Mode::Strict } else { mode },
                strict_total: Some(strict_total),
                loosened: Some(mode),
            });
        }
        let query = strict.ok_or_else(no_words)?;
        Ok(Plan {
            query,
            mode: Mode::Strict,
            strict_total: Some(strict_total),
            loosened: None,
        })
    }

    /// The highlighter for a parsed query: the words of what was typed, and
    /// synonyms as whole strings only (their single words, say the パブリック
    /// of a spelled-out PPP, would mark unrelated text).
    pub fn highlighter(&self, parsed: &query::ParsedQuery) -> Highlighter {
        let texts: Vec<String> = parsed.atoms().map(|a| a.text().to_string()).collect();
        let mut h = Highlighter::new(&self.handle.analyzer, texts.iter().map(String::as_str));
        if self.features.synonyms {
            for syn in texts.iter().flat_map(|t| self.synonyms.expand(t)) {
                h.add_literal(&syn);
            }
        }
        h
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        if req.limit == 0 || req.limit > MAX_LIMIT {
            return Err(Error::Query(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        if req.offset + req.limit > MAX_WINDOW {
            return Err(Error::Query(format!(
                "offset + limit must be at most {MAX_WINDOW}; narrow the search with filters"
            )));
        }
        let parsed = query::parse(&req.q)?;
        let searcher = self.searcher();
        // Most queries have a page of strict matches: run the strict query
        // once, and plan a looser one only when it falls short.
        let mut first = None;
        if req.force_mode.is_none()
            && let Some(strict) = self.builder(&searcher).build(&parsed, Mode::Strict)
        {
            let strict = req.filters.apply(self.fields(), strict);
            let collected = self.collect(&searcher, strict.as_ref(), req)?;
            if collected.1 >= BACKFILL_BELOW || self.modes().len() == 1 {
                let plan = Plan {
                    query: strict,
                    mode: Mode::Strict,
                    strict_total: Some(collected.1),
                    loosened: None,
                };
                first = Some((plan, collected));
            }
        }
        let (plan, (top, total, facets)) = match first {
            Some(done) => done,
            None => {
                let plan = self.plan(
                    &searcher,
                    &parsed,
                    &req.filters,
                    req.force_mode,
                    req.sort == Sort::Relevance,
                )?;
                let collected = self.collect(&searcher, plan.query.as_ref(), req)?;
                (plan, collected)
            }
        };
        let highlighter = self.highlighter(&parsed);
        let literal = self.literal_matcher(&searcher, &parsed, &req.filters, &top)?;
        let hits = top
            .into_iter()
            .zip(literal)
            .map(|((score, addr), literal)| {
                let score = if score >= STRICT_TIER {
                    score - STRICT_TIER
                } else {
                    score
                };
                let mut hit = self.hit(&searcher, addr, score, &highlighter, req.include_text)?;
                hit.via_reading = !literal;
                Ok(hit)
            })
            .collect::<Result<Vec<_>>>()?;
        // What the UI marks in a document: the words typed and whole synonyms.
        let mut query_terms: Vec<String> = highlighter
            .terms
            .iter()
            .chain(highlighter.literals.iter())
            .cloned()
            .collect();
        query_terms.sort();
        query_terms.dedup();
        let strict_total = plan.strict_total.unwrap_or(total);
        let did_you_mean = if strict_total < DID_YOU_MEAN_BELOW {
            suggest::did_you_mean(self, &searcher, &req.q, &parsed)?
        } else {
            None
        };
        Ok(SearchResponse {
            did_you_mean,
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            mode: plan.mode,
            escalated: loosened_label(&plan),
            strict_total,
            query_terms,
            hits,
            facets: facets.unwrap_or_default(),
        })
    }

    /// For each hit, whether it matches without the reading channel (all
    /// true when the query has no kana atom searched by reading).
    fn literal_matcher(
        &self,
        searcher: &Searcher,
        parsed: &query::ParsedQuery,
        filters: &Filters,
        top: &[(f32, DocAddress)],
    ) -> Result<Vec<bool>> {
        let builder = self.builder(searcher);
        let by_reading = parsed
            .atoms()
            .any(|a| builder.reading_query(a.text()).is_some());
        if !by_reading || top.is_empty() {
            return Ok(vec![true; top.len()]);
        }
        let literal = QueryBuilder {
            features: Features {
                reading: false,
                ..self.features
            },
            ..builder
        };
        // Every term typed, as written or as a word (not the looser levels:
        // "any word" of a kana string cut in pieces matches almost anything).
        let Some(query) = literal.build(parsed, Mode::Strict) else {
            return Ok(vec![false; top.len()]);
        };
        let query = filters.apply(self.fields(), query);
        let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
            searcher,
        ))?;
        top.iter()
            .map(|(_, addr)| {
                let reader = searcher.segment_reader(addr.segment_ord);
                let mut scorer = weight.scorer(reader, 1.0)?;
                // A new scorer may already stand past the hit.
                let at = tantivy::DocSet::doc(&scorer);
                Ok(at == addr.doc_id
                    || (at < addr.doc_id
                        && tantivy::DocSet::seek(&mut scorer, addr.doc_id) == addr.doc_id))
            })
            .collect()
    }

    fn collect(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
    ) -> Result<Collected> {
        let top_docs = TopDocs::with_limit(req.limit).and_offset(req.offset);
        let facet = |f: facets::FacetFruit| f.into_facets(FACET_LIMIT);
        macro_rules! run {
            ($collector:expr, $map:expr) => {{
                if req.facets {
                    let (top, count, f) =
                        searcher.search(query, &($collector, Count, FacetCollector))?;
                    (top.into_iter().map($map).collect(), count, Some(facet(f)))
                } else {
                    let (top, count) = searcher.search(query, &($collector, Count))?;
                    (top.into_iter().map($map).collect(), count, None)
                }
            }};
        }
        Ok(match req.sort {
            Sort::Relevance => run!(top_docs.order_by_score(), |x| x),
            Sort::YearDesc | Sort::YearAsc => {
                let sign = if req.sort == Sort::YearDesc { 1 } else { -1 };
                let by_year = top_docs.tweak_score(move |segment: &tantivy::SegmentReader| {
                    let years = segment.fast_fields().i64("year").ok();
                    move |doc: tantivy::DocId, score: tantivy::Score| {
                        // Undated passages go last either way.
                        let y = years
                            .as_ref()
                            .and_then(|c| c.first(doc))
                            .map(|y| y * sign)
                            .unwrap_or(i64::MIN);
                        (y, score)
                    }
                });
                run!(by_year, |((_, score), addr)| (score, addr))
            }
        })
    }

    pub(crate) fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        highlighter: &Highlighter,
        include_text: bool,
    ) -> Result<Hit> {
        let f = self.fields();
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = stored_str(&doc, f.text).unwrap_or_default();
        let snippet = highlighter.snippet(&text);
        Ok(Hit {
            doc_id: stored_str(&doc, f.doc_id).unwrap_or_default(),
            file: stored_str(&doc, f.file).unwrap_or_default(),
            section_id: stored_str(&doc, f.section_id).unwrap_or_default(),
            section_title: stored_str(&doc, f.section_title).unwrap_or_default(),
            title: stored_str(&doc, f.title).unwrap_or_default(),
            city: stored_str(&doc, f.city),
            prefecture: stored_str(&doc, f.prefecture),
            city_code: stored_str(&doc, f.city_code),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            department: stored_str(&doc, f.department),
            doc_type: stored_str(&doc, f.doc_type),
            score,
            via_reading: false,
            snippet,
            text: include_text.then_some(text),
        })
    }
}
