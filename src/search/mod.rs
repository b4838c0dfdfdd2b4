//! Search over the index: query building, filters, facets, snippets,
//! document lookup. Independent of HTTP; the server and CLI call [`Engine`].

pub mod archive;
pub mod budget;
pub mod build;
pub mod compare;
pub mod diff;
pub mod documents;
pub mod facets;
pub mod figures;
pub mod filters;
pub mod marks;
pub mod plan;
pub mod query;
pub mod series;
pub mod similar;
pub mod snippets;
pub mod suggest;
pub mod trend;

use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

pub use build::{Features, Mode};
pub use facets::{FacetValue, Facets};
pub use filters::Filters;

use crate::analysis::synonyms::Synonyms;
use crate::error::{Error, QueryError, Result};
use crate::index::{Fields, IndexHandle};
use build::Compiler;
use facets::SEARCH_FACETS;
use plan::Planner;
pub use plan::{FormKind, Plan, PlanOptions};
use snippets::Highlighter;

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Deepest page one request may reach (offset + limit).
pub const MAX_WINDOW: usize = 10_000;
/// Most rows one export may hold.
pub const MAX_EXPORT: usize = 10_000;
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
            other => Err(QueryError::invalid_parameter(
                "sort",
                format!("unknown sort {other:?}; use relevance, year_desc or year_asc"),
            )
            .into()),
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
    /// Compute facets (the compare and eval paths skip them; an API client
    /// asks with `facets=false`). Off: no facet collector runs and the
    /// response has no `facets`.
    pub facets: bool,
    /// Build each hit's snippet and `via` (`snippets=false` turns it off):
    /// off, the passage text is never analysed or highlighted, the hits
    /// have no `snippet` and an empty `via`.
    pub snippets: bool,
    /// Offer looser matches apart when strict ones are few (exports and
    /// counts skip them).
    pub partial: bool,
    /// Synonyms and readings on or off (`synonyms=false`, `readings=false`).
    pub options: PlanOptions,
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
            snippets: true,
            partial: true,
            options: PlanOptions::default(),
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
    /// Source format of the document (`pdf`, `xlsx`, `txt` …).
    pub format: String,
    /// First physical page of the passage (PDF), 1-based; `null` otherwise.
    pub page: Option<u32>,
    /// Sheet of the passage (workbooks); `null` otherwise.
    pub sheet: Option<String>,
    pub score: f32,
    /// Found only through the reading of a query typed in kana (a homophone
    /// may be among these): ranked below literal and word matches.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub via_reading: bool,
    /// HTML: escaped text with `<mark>` around matches (the marked title
    /// first when only the title matched). Absent with `snippets=false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Typed terms found only in another form (synonyms), to show next
    /// to the hit.
    pub via: Vec<snippets::MatchedVia>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A page of results. `total`, `hits` and `facets` are strict matches:
/// passages with every term (or its synonyms); looser matches never mix in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// Passages with every term; every facet value's count is the `total`
    /// of the search filtered by it, whatever the sort.
    pub total: usize,
    pub took_ms: f64,
    /// `null`, or the mode of `partial` when there are looser matches
    /// (`"bigram"`: most characters of each term; `"any"`: any term).
    pub escalated: Option<&'static str>,
    /// The same as `total` (kept for clients of the earlier API).
    pub strict_total: usize,
    /// The words searched for, after analysis (for highlighting).
    pub query_terms: Vec<String>,
    pub hits: Vec<Hit>,
    /// Counts per city, prefecture, department and year; absent with
    /// `facets=false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Passages with only part of the query, when strict matches are
    /// fewer than a page; ranked on their own, never counted in `total`.
    pub partial: Option<Partial>,
    /// A frequent indexed word one edit away from a term with few strict
    /// matches, as the whole query to search instead (公民連係 → 公民連携).
    /// A suggestion only: the query is never rewritten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// What was searched: per chunk, the forms searched and how many
    /// passages (under the filters) each matches.
    pub searched: plan::Searched,
}

/// Looser matches, kept apart from the strict ones.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Partial {
    /// Passages matching the looser query and not the strict one.
    pub total: usize,
    /// `"words"` (every word of each term, not together), `"bigram"` (most
    /// characters of each term) or `"any"` (any term).
    pub mode: &'static str,
    pub hits: Vec<Hit>,
}

/// Below this many strict matches, looser ones are offered apart.
pub const BACKFILL_BELOW: usize = 10;
/// Partial matches listed at most.
pub const PARTIAL_LIMIT: usize = 10;
/// Below this many strict matches, a spelling suggestion is looked for.
pub const DID_YOU_MEAN_BELOW: usize = 5;

/// Top hits, total count and (when asked) facets of one query.
type Collected = (Vec<(f32, DocAddress)>, usize, Option<Facets>);

/// The search engine over one index.
#[derive(Clone)]
pub struct Engine {
    pub handle: IndexHandle,
    pub synonyms: Synonyms,
    pub features: Features,
}

/// A stored small number (page, row).
pub(crate) fn stored_u32(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<u32> {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok())
}

/// A stored passage with the fields every response uses.
pub(crate) fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Whether each of a few passages matches `query` (one scorer seek each).
fn doc_matches<'a>(
    searcher: &Searcher,
    query: &dyn Query,
    addrs: impl Iterator<Item = &'a DocAddress>,
) -> Result<Vec<bool>> {
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    addrs
        .map(|addr| {
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

fn no_words() -> Error {
    Error::Query(QueryError::NoSearchableWords)
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

    /// The plan of a query: its chunks and their equal forms, built once
    /// per request and used for counting, highlighting and explaining.
    pub fn plan(
        &self,
        searcher: &Searcher,
        parsed: &query::ParsedQuery,
        options: PlanOptions,
    ) -> Plan {
        Planner {
            fields: &self.handle.fields,
            analyzer: &self.handle.analyzer,
            synonyms: &self.synonyms,
            options: PlanOptions {
                synonyms: options.synonyms && self.features.synonyms,
                readings: options.readings && self.features.reading,
            },
            searcher: Some(searcher),
        }
        .plan(parsed)
    }

    /// Parses and plans a query string.
    pub fn plan_query(&self, searcher: &Searcher, q: &str, options: PlanOptions) -> Result<Plan> {
        let parsed = query::parse(q)?;
        Ok(self.plan(searcher, &parsed, options))
    }

    pub(crate) fn compiler(&self) -> Compiler<'_> {
        Compiler {
            fields: &self.handle.fields,
            analyzer: &self.handle.analyzer,
            features: self.features,
        }
    }

    /// The strict query (every chunk where it is written) under the
    /// filters: what `total`, facets, trend, compare and exports count.
    pub fn strict_query(&self, plan: &Plan, filters: &Filters) -> Result<Box<dyn Query>> {
        let q = self
            .compiler()
            .compile(plan, Mode::Strict)
            .ok_or_else(no_words)?;
        Ok(filters.apply(self.fields(), q))
    }

    /// The looser levels to offer when strict matches are few. A phrase
    /// that does not occur is not loosened (the response says it is not
    /// there), and a one-term query never falls back to any of its parts.
    fn loose_modes(&self, plan: &Plan) -> Vec<Mode> {
        let mut modes = Vec::new();
        if !self.features.escalation || plan.chunks().all(|c| c.quoted) {
            return modes;
        }
        modes.push(Mode::Words);
        if self.features.bigram {
            modes.push(Mode::Bigram);
        }
        if plan.groups.len() > 1 {
            modes.push(Mode::Any);
        }
        modes
    }

    /// Passages of the first looser level that has any, excluding the
    /// strict matches; ranked on their own.
    fn partial(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        filters: &Filters,
        strict: &dyn Query,
        highlighter: Option<&Highlighter>,
        include_text: bool,
    ) -> Result<Option<Partial>> {
        // Fewer than a page: the strict matches are set aside by address
        // (a MustNot over phrase queries trips tantivy's phrase scorer).
        let strict_docs = searcher.search(strict, &tantivy::collector::DocSetCollector)?;
        // The first level with matches names the section; when it has fewer
        // than a page, the next levels fill it (each passage once, in level
        // order: a looser match never ranks above a closer one).
        let mut listed: Vec<(f32, DocAddress)> = Vec::new();
        let mut first: Option<(Mode, usize)> = None;
        for mode in self.loose_modes(plan) {
            budget::check()?;
            if listed.len() >= PARTIAL_LIMIT {
                break;
            }
            let Some(loose) = self.compiler().compile(plan, mode) else {
                continue;
            };
            let loose = filters.apply(self.fields(), loose);
            let want = PARTIAL_LIMIT + strict_docs.len() + listed.len();
            let (top, loose_total) = searcher.search(
                loose.as_ref(),
                &(TopDocs::with_limit(want).order_by_score(), Count),
            )?;
            let new: Vec<(f32, DocAddress)> = top
                .into_iter()
                .filter(|(_, addr)| !strict_docs.contains(addr))
                .filter(|(_, addr)| !listed.iter().any(|(_, a)| a == addr))
                .take(PARTIAL_LIMIT - listed.len())
                .collect();
            if new.is_empty() {
                continue;
            }
            match first {
                None => {
                    let overlap = doc_matches(searcher, loose.as_ref(), strict_docs.iter())?
                        .into_iter()
                        .filter(|&m| m)
                        .count();
                    first = Some((mode, loose_total.saturating_sub(overlap)));
                }
                Some((m, total)) => first = Some((m, total + new.len())),
            }
            listed.extend(new);
        }
        if let Some((mode, total)) = first {
            let hits = listed
                .into_iter()
                .map(|(score, addr)| {
                    self.hit_with(searcher, addr, score, highlighter, include_text)
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Some(Partial {
                total,
                mode: mode.label().unwrap_or("any"),
                hits,
            }));
        }
        Ok(None)
    }

    /// The highlighter of a plan: the words of what was typed, and the
    /// other forms as whole strings only (their single words, say the
    /// パブリック of a spelled-out PPP, would mark unrelated text).
    pub fn highlighter(&self, plan: &Plan) -> Highlighter {
        let texts: Vec<String> = plan.chunks().map(|c| c.typed.clone()).collect();
        let mut h = Highlighter::new(&self.handle.analyzer, texts.iter().map(String::as_str));
        for chunk in plan.chunks() {
            let mut forms = snippets::TermForms::new(&self.handle.analyzer, &chunk.typed);
            for form in chunk.forms.iter().skip(1) {
                h.add_whole(&form.text);
                if form.kind == FormKind::Synonym {
                    forms.add(&form.text, "synonym");
                }
            }
            h.forms.push(forms);
        }
        h
    }

    /// Runs a search: strict matches (page, total, facets), and partial
    /// matches apart when strict ones are fewer than a page.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let parsed = query::parse(&req.q)?;
        let searcher = self.searcher();
        let plan = self.plan(&searcher, &parsed, req.options);
        self.search_planned(req, &searcher, &plan, started)
    }

    /// [`Engine::search`] with the request's plan already built (a caller
    /// that also reads the plan, such as figures, builds it once).
    pub fn search_planned(
        &self,
        req: &SearchRequest,
        searcher: &Searcher,
        plan: &Plan,
        started: Instant,
    ) -> Result<SearchResponse> {
        if req.limit == 0 || req.limit > MAX_LIMIT {
            return Err(QueryError::invalid_parameter(
                "limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )
            .into());
        }
        if req.offset.saturating_add(req.limit) > MAX_WINDOW {
            return Err(QueryError::WindowTooDeep { max: MAX_WINDOW }.into());
        }
        let strict = self.strict_query(plan, &req.filters)?;
        let (top, total, facets) = self.collect(searcher, strict.as_ref(), req)?;
        budget::check()?;
        let highlighter = self.highlighter(plan);
        let marks = req.snippets.then_some(&highlighter);
        let literal = self.literal_matcher(searcher, plan, &req.filters, &top)?;
        let hits = top
            .into_iter()
            .zip(literal)
            .map(|((score, addr), literal)| {
                let mut hit = self.hit_with(searcher, addr, score, marks, req.include_text)?;
                hit.via_reading = !literal;
                Ok(hit)
            })
            .collect::<Result<Vec<_>>>()?;
        let partial = if total < BACKFILL_BELOW && req.offset == 0 && req.partial {
            self.partial(
                searcher,
                plan,
                &req.filters,
                strict.as_ref(),
                marks,
                req.include_text,
            )?
        } else {
            None
        };
        // What the UI marks in a document: the words typed and whole synonyms.
        let mut query_terms: Vec<String> = highlighter
            .terms
            .iter()
            .chain(highlighter.literals.iter())
            .cloned()
            .collect();
        query_terms.sort();
        query_terms.dedup();
        let searched = self.explain(searcher, plan, &req.filters, total)?;
        let did_you_mean = if total < DID_YOU_MEAN_BELOW {
            suggest::did_you_mean(self, searcher, req, plan, &searched, total)?
        } else {
            None
        };
        Ok(SearchResponse {
            did_you_mean,
            total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            escalated: partial.as_ref().map(|p| p.mode),
            strict_total: total,
            query_terms,
            hits,
            facets,
            partial,
            searched,
        })
    }

    /// Per chunk, the forms searched and how many passages each matches
    /// under the filters (one count per form; a chunk with a single form
    /// and no reading is counted only when the query has other chunks).
    pub fn explain(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        filters: &Filters,
        total: usize,
    ) -> Result<plan::Searched> {
        let compiler = self.compiler();
        // One chunk searched by one form alone: its count is the total.
        let alone = plan.excluded.is_empty()
            && matches!(plan.groups.as_slice(), [g] if matches!(g.as_slice(), [c] if c.forms.len() == 1 && c.reading.is_none()));
        let mut chunks = Vec::new();
        for chunk in plan.chunks() {
            budget::check()?;
            let mut forms = Vec::new();
            for form in &chunk.forms {
                let count = if alone {
                    total
                } else {
                    match compiler.chunk_form(chunk, form) {
                        Some(q) => {
                            searcher.search(filters.apply(self.fields(), q).as_ref(), &Count)?
                        }
                        None => 0,
                    }
                };
                forms.push(plan::SearchedForm {
                    form: form.text.clone(),
                    kind: form.kind,
                    count,
                });
            }
            if let Some(pieces) = &chunk.reading {
                let q = build::reading_query(self.fields(), pieces);
                let count = searcher.search(filters.apply(self.fields(), q).as_ref(), &Count)?;
                forms.push(plan::SearchedForm {
                    form: pieces.concat(),
                    kind: FormKind::Reading,
                    count,
                });
            }
            chunks.push(plan::SearchedChunk {
                chunk: chunk.typed.clone(),
                quoted: chunk.quoted,
                forms,
            });
        }
        Ok(plan::Searched {
            chunks,
            sentences: plan.sentences.clone(),
        })
    }

    /// Every strict match up to `cap`, in the request's order, for an
    /// export: one collection, snippets included, no facets.
    pub fn export(&self, req: &SearchRequest, cap: usize) -> Result<(usize, Vec<Hit>)> {
        let parsed = query::parse(&req.q)?;
        let searcher = self.searcher();
        let plan = self.plan(&searcher, &parsed, req.options);
        let strict = self.strict_query(&plan, &req.filters)?;
        let mut all = req.clone();
        all.limit = cap.clamp(1, MAX_EXPORT);
        all.offset = 0;
        all.facets = false;
        let (top, total, _) = self.collect(&searcher, strict.as_ref(), &all)?;
        let highlighter = self.highlighter(&plan);
        let hits = top
            .into_iter()
            .map(|(score, addr)| {
                budget::check()?;
                self.hit(&searcher, addr, score, &highlighter, false)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((total, hits))
    }

    /// For each hit, whether it matches without the reading channel (all
    /// true when the query has no kana atom searched by reading).
    fn literal_matcher(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        filters: &Filters,
        top: &[(f32, DocAddress)],
    ) -> Result<Vec<bool>> {
        if !plan.uses_readings() || top.is_empty() {
            return Ok(vec![true; top.len()]);
        }
        // Every chunk in a form other than its reading's.
        let Some(query) = self
            .compiler()
            .compile_with(plan, Mode::Strict, &|k| k != FormKind::Reading)
        else {
            return Ok(vec![false; top.len()]);
        };
        let query = filters.apply(self.fields(), query);
        doc_matches(searcher, query.as_ref(), top.iter().map(|(_, addr)| addr))
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
                        searcher.search(query, &($collector, Count, SEARCH_FACETS))?;
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
        self.hit_with(searcher, addr, score, Some(highlighter), include_text)
    }

    /// One hit; without a highlighter (`snippets=false`) its text is
    /// neither analysed nor highlighted: no snippet, no `via`.
    pub(crate) fn hit_with(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        highlighter: Option<&Highlighter>,
        include_text: bool,
    ) -> Result<Hit> {
        let f = self.fields();
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = || stored_str(&doc, f.text).unwrap_or_default();
        let section_title = stored_str(&doc, f.section_title).unwrap_or_default();
        let title = stored_str(&doc, f.title).unwrap_or_default();
        let (snippet, via) = match highlighter {
            Some(h) => {
                let text = text();
                (
                    Some(h.hit_snippet(&[&section_title, &title], &text)),
                    h.via(&[&section_title, &text]),
                )
            }
            None => (None, Vec::new()),
        };
        Ok(Hit {
            doc_id: stored_str(&doc, f.doc_id).unwrap_or_default(),
            file: stored_str(&doc, f.file).unwrap_or_default(),
            section_id: stored_str(&doc, f.section_id).unwrap_or_default(),
            section_title,
            title,
            city: stored_str(&doc, f.city),
            prefecture: stored_str(&doc, f.prefecture),
            city_code: stored_str(&doc, f.city_code),
            year: doc.get_first(f.year).and_then(|v| v.as_i64()),
            department: stored_str(&doc, f.department),
            doc_type: stored_str(&doc, f.doc_type),
            format: stored_str(&doc, f.format).unwrap_or_default(),
            page: stored_u32(&doc, f.page),
            sheet: stored_str(&doc, f.sheet),
            score,
            via_reading: false,
            snippet,
            via,
            text: include_text.then(text),
        })
    }
}
