//! Search over the index: query building, filters, facets, snippets,
//! document lookup. Independent of HTTP; the server and CLI call [`Engine`].

pub mod archive;
pub mod budget;
pub mod build;
pub mod columns;
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
pub mod speeches;
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
use crate::sections::Section;
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
    /// Physical page (PDF, 1-based) where the first marked match stands
    /// (the passage's first page with `snippets=false` or when only a
    /// title matched); `null` for formats without pages.
    pub page: Option<u32>,
    /// The page number printed on `page` (「- 1 -」 on physical page 5 →
    /// `"1"`), where the document prints one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_label: Option<String>,
    /// First and last physical page the passage spans (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<(u32, u32)>,
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
    /// Set on the hits listed after the strict ones: the typed chunks this
    /// passage does not hold (it holds the others as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    /// Set on the hits listed after the strict and some-chunks ones when
    /// those do not fill the first page: the looser level that found it
    /// (`words`: a chunk's words apart; `bigram`; `any`), as in `partial`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loose: Option<&'static str>,
    /// Who speaks (council minutes): speaker, role, agenda item, order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<speeches::SpeechOut>,
}

/// Passages collected past the page (relevance order) to cut ties at its edge.
const TIE_SLACK: usize = 16;
/// Most passages collected to order a tie at a page's edge.
const TIE_MAX: usize = 1024;

/// What orders passages of equal score (see [`break_ties`]): the newer
/// document first, then by document id and passage number.
type TieKey<S> = (std::cmp::Reverse<Option<i64>>, S, u64);

/// A hit's [`TieKey`] (its passage number is the end of its section id).
fn tie_key(h: &Hit) -> TieKey<&str> {
    let no = h
        .section_id
        .rsplit_once('-')
        .and_then(|(_, n)| n.parse::<u64>().ok())
        .unwrap_or(0);
    (std::cmp::Reverse(h.year), &h.doc_id, no)
}

/// The [`TieKey`]s of collected passages, read from columns.
fn tie_keys(searcher: &Searcher, hits: &[(f32, DocAddress)]) -> Result<Vec<TieKey<String>>> {
    type Columns = (
        Option<tantivy::columnar::Column<i64>>,
        Option<tantivy::columnar::Column<u64>>,
        Option<tantivy::columnar::StrColumn>,
    );
    // The columns of each segment are opened once for the whole run.
    let mut columns: std::collections::HashMap<u32, Columns> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(hits.len());
    for &(_, addr) in hits {
        let (years, numbers, ids) = match columns.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
                e.insert((
                    fast.i64("year").ok(),
                    fast.u64("section_no").ok(),
                    fast.str("doc_id")?,
                ))
            }
        };
        let year = years.as_ref().and_then(|c| c.first(addr.doc_id));
        let no = numbers
            .as_ref()
            .and_then(|c| c.first(addr.doc_id))
            .unwrap_or(0);
        let mut doc_id = String::new();
        if let Some(col) = ids
            && let Some(ord) = col.term_ords(addr.doc_id).next()
        {
            col.ord_to_str(ord, &mut doc_id)?;
        }
        out.push((std::cmp::Reverse(year), doc_id, no));
    }
    Ok(out)
}

/// Puts hits of equal rank in one order whatever segment each landed in (a
/// rebuild or a merge moves passages between segments, and the same passage
/// in two years' reports scores the same): the newer document first, then
/// by document (its id) and by the passage's place in it. Ties across the
/// page's edges are cut in the same order by `Engine::cut_ties`.
fn break_ties(hits: &mut [Hit], sort: Sort) {
    hits.sort_by(|a, b| {
        let rank = match sort {
            Sort::Relevance => std::cmp::Ordering::Equal,
            Sort::YearDesc => dated(b.year, 1).cmp(&dated(a.year, 1)),
            Sort::YearAsc => dated(b.year, -1).cmp(&dated(a.year, -1)),
        };
        rank.then(b.score.total_cmp(&a.score))
            .then_with(|| tie_key(a).cmp(&tie_key(b)))
    });
}

/// A year as sorted by year (`sign` 1: newest first, -1: oldest first);
/// undated passages go last either way.
fn dated(year: Option<i64>, sign: i64) -> i64 {
    year.map_or(i64::MIN, |y| y * sign)
}

/// A page of results. `total` and `facets` count strict matches: passages
/// with every term (or its equal forms). `hits` lists them first; when they
/// end on this page, a query of several chunks goes on with the passages
/// that hold some of its chunks as written (`missing` names the others),
/// `some_total` of them, never counted in `total`.
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
    /// Passages holding some but not all chunks as written; they follow
    /// the strict hits in `hits`, ranked by how many chunks they hold.
    pub some_total: usize,
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
    /// Those not already listed at the end of the first page's `hits`
    /// (where they continue a short list, each with `loose` set).
    pub hits: Vec<Hit>,
}

/// Where a passage listed after the strict matches holds one chunk; the
/// value is its weight in the some-chunks order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    No = 0,
    /// Only the document's title holds it.
    DocTitle = 1,
    /// The passage holds it as written.
    Passage = 2,
}

/// The typed chunks a passage does not hold as written.
fn missing_chunks(plan: &Plan, held: &[Held]) -> Vec<String> {
    plan.groups
        .iter()
        .zip(held)
        .filter(|(_, h)| **h != Held::Passage)
        .filter_map(|(g, _)| g.first().map(|c| c.typed.clone()))
        .collect()
}

/// Candidates beyond the page that the some-chunks list reorders by how
/// many chunks each holds.
const SOME_REORDER: usize = 50;

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
/// The page of a passage where its matches stand: the page holding the
/// most distinct marked strings (a query's words together), the first
/// such page on a tie; the passage's first page when nothing is marked.
fn match_page(
    text: &str,
    marked: &[(usize, usize)],
    first: Option<u32>,
    breaks: &[crate::sections::PageBreak],
) -> Option<u32> {
    if breaks.is_empty() || marked.is_empty() {
        return first;
    }
    let mut per_page: Vec<(Option<u32>, Vec<&str>)> = Vec::new();
    let (mut chars, mut byte) = (0, 0);
    for &(s, e) in marked {
        chars += text[byte..s].chars().count();
        byte = s;
        let page = Section::page_at(first, breaks, chars);
        let word = &text[s..e];
        match per_page.iter_mut().find(|(p, _)| *p == page) {
            Some((_, words)) if !words.contains(&word) => words.push(word),
            Some(_) => {}
            None => per_page.push((page, vec![word])),
        }
    }
    // `max_by_key` keeps the last of equals: scan in reverse for the first.
    per_page
        .iter()
        .rev()
        .max_by_key(|(_, words)| words.len())
        .and_then(|(p, _)| *p)
}

/// The strict matches by address, collected once on first use (both the
/// some-chunks list and the partial levels set them aside), only when
/// they are fewer than a page.
struct StrictSet<'q> {
    query: &'q dyn Query,
    docs: std::cell::OnceCell<std::collections::HashSet<DocAddress>>,
}

impl<'q> StrictSet<'q> {
    fn new(query: &'q dyn Query) -> Self {
        StrictSet {
            query,
            docs: std::cell::OnceCell::new(),
        }
    }

    fn docs(&self, searcher: &Searcher) -> Result<&std::collections::HashSet<DocAddress>> {
        if let Some(docs) = self.docs.get() {
            return Ok(docs);
        }
        let docs = searcher.search(self.query, &tantivy::collector::DocSetCollector)?;
        Ok(self.docs.get_or_init(|| docs))
    }
}

fn doc_matches<'a>(
    searcher: &Searcher,
    query: &dyn Query,
    addrs: impl Iterator<Item = &'a DocAddress>,
) -> Result<Vec<bool>> {
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    // One scorer per segment, advanced through its addresses in order (a
    // scorer only moves forward).
    let addrs: Vec<DocAddress> = addrs.copied().collect();
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|&i| (addrs[i].segment_ord, addrs[i].doc_id));
    let mut out = vec![false; addrs.len()];
    let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for i in order {
        let addr = addrs[i];
        if current
            .as_ref()
            .is_none_or(|(seg, _)| *seg != addr.segment_ord)
        {
            let reader = searcher.segment_reader(addr.segment_ord);
            current = Some((addr.segment_ord, weight.scorer(reader, 1.0)?));
        }
        let (_, scorer) = current.as_mut().expect("set above");
        let at = tantivy::DocSet::doc(scorer.as_ref());
        out[i] = at == addr.doc_id
            || (at < addr.doc_id
                && tantivy::DocSet::seek(scorer.as_mut(), addr.doc_id) == addr.doc_id);
    }
    Ok(out)
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
        req: &SearchRequest,
        strict: &StrictSet,
        listed: &[DocAddress],
        highlighter: Option<&Highlighter>,
    ) -> Result<Option<Partial>> {
        let (filters, include_text) = (&req.filters, req.include_text);
        // Fewer than a page: the strict matches are set aside by address
        // (a MustNot over phrase queries trips tantivy's phrase scorer).
        let mut strict_docs = strict.docs(searcher)?.clone();
        // Passages already listed after the strict ones are not repeated.
        strict_docs.extend(listed.iter().copied());
        // The first level with matches names the section; when it has fewer
        // than a page, the next levels fill it (each passage once, in level
        // order: a looser match never ranks above a closer one).
        let mut found: Vec<(f32, DocAddress, Mode)> = Vec::new();
        let mut first: Option<(Mode, usize)> = None;
        for mode in self.loose_modes(plan) {
            budget::check()?;
            if found.len() >= PARTIAL_LIMIT {
                break;
            }
            let Some(loose) = self.compiler().compile(plan, mode) else {
                continue;
            };
            let loose = filters.apply(self.fields(), loose);
            // Any word: candidates beyond the page, reordered by how many
            // of the words each holds (a score sum lets one frequent word
            // outrank a passage holding them all).
            let extra = if mode == Mode::Any { SOME_REORDER } else { 0 };
            let want = PARTIAL_LIMIT + strict_docs.len() + found.len() + extra;
            let (top, loose_total) = searcher.search(
                loose.as_ref(),
                &(TopDocs::with_limit(want).order_by_score(), Count),
            )?;
            let mut new: Vec<(f32, DocAddress)> = top
                .into_iter()
                .filter(|(_, addr)| !strict_docs.contains(addr))
                .filter(|(_, addr)| !found.iter().any(|(_, a, _)| a == addr))
                .collect();
            if mode == Mode::Any {
                self.order_by_words(searcher, plan, filters, &mut new)?;
            }
            new.truncate(PARTIAL_LIMIT - found.len());
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
            found.extend(new.into_iter().map(|(score, addr)| (score, addr, mode)));
        }
        if let Some((mode, total)) = first {
            let addrs: Vec<DocAddress> = found.iter().map(|(_, a, _)| *a).collect();
            let held = self.held_chunks(searcher, plan, req, &addrs)?;
            let hits = found
                .into_iter()
                .zip(held)
                .map(|((score, addr, level), held)| {
                    let mut hit =
                        self.hit_with(searcher, addr, score, highlighter, include_text)?;
                    hit.missing = Some(missing_chunks(plan, &held));
                    hit.loose = level.label();
                    Ok(hit)
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

    /// The plan of a lone unquoted phrase's parts, when the phrase itself
    /// is found fewer than [`BACKFILL_BELOW`] times, with the phrase.
    fn phrase_parts_plan(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        req: &SearchRequest,
        total: usize,
    ) -> Option<(Plan, String)> {
        let [group] = plan.groups.as_slice() else {
            return None;
        };
        let [chunk] = group.as_slice() else {
            return None;
        };
        if chunk.quoted || total >= BACKFILL_BELOW {
            return None;
        }
        let parts = self.handle.analyzer.phrase_parts(&chunk.typed);
        if parts.len() < 2 {
            return None;
        }
        let parsed = query::ParsedQuery {
            groups: parts
                .into_iter()
                .map(|p| vec![query::Atom::Word(p)])
                .collect(),
            excluded: plan.parsed.excluded.clone(),
        };
        let mut parts_plan = self.plan(searcher, &parsed, req.options);
        // The parts were typed together: together ranks first.
        let whole = 0..parts_plan.groups.len();
        parts_plan.runs = std::iter::once(whole).collect();
        Some((parts_plan, chunk.typed.clone()))
    }

    /// After the strict matches of a query of several chunks, the passages
    /// that hold some of its chunks where written: most chunks first, then
    /// by score. Returns `want` of them after `skip`, and how many there are.
    #[allow(clippy::too_many_arguments)]
    fn some_chunks(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        req: &SearchRequest,
        strict: &StrictSet,
        skip: usize,
        want: usize,
        highlighter: Option<&Highlighter>,
    ) -> Result<(Vec<Hit>, usize, Vec<DocAddress>)> {
        if plan.groups.len() < 2 || !self.features.escalation || want == 0 {
            return Ok((Vec::new(), 0, Vec::new()));
        }
        let compiler = self.compiler();
        let Some(some) = compiler.compile(plan, Mode::Some) else {
            return Ok((Vec::new(), 0, Vec::new()));
        };
        let some = req.filters.apply(self.fields(), some);
        // Fewer strict matches than the page's end: a bounded set.
        let strict_docs = strict.docs(searcher)?;
        // Candidates by score, then reordered by how many chunks each holds
        // (a bounded window: enough to fill the page after reordering).
        let window = strict_docs.len() + skip + want + SOME_REORDER;
        let (top, count) = searcher.search(
            some.as_ref(),
            &(TopDocs::with_limit(window).order_by_score(), Count),
        )?;
        budget::check()?;
        let candidates: Vec<(f32, DocAddress)> = top
            .into_iter()
            .filter(|(_, addr)| !strict_docs.contains(addr))
            .collect();
        let addrs: Vec<DocAddress> = candidates.iter().map(|(_, a)| *a).collect();
        let held = self.held_chunks(searcher, plan, req, &addrs)?;
        // Most chunks in the passage first; a chunk only its document's
        // title holds (回収率 in the 市民満足度調査 report) counts half.
        let weight = |h: &[Held]| h.iter().map(|h| *h as u32).sum::<u32>();
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(weight(&held[i])));
        let listed: Vec<usize> = order.into_iter().skip(skip).take(want).collect();
        let addrs = listed.iter().map(|&i| candidates[i].1).collect();
        let hits = listed
            .into_iter()
            .map(|i| {
                let (score, addr) = candidates[i];
                let mut hit =
                    self.hit_with(searcher, addr, score, highlighter, req.include_text)?;
                hit.missing = Some(missing_chunks(plan, &held[i]));
                Ok(hit)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((hits, count.saturating_sub(strict_docs.len()), addrs))
    }

    /// Reorders looser matches by how many of the plan's words each holds,
    /// best score first among equals.
    fn order_by_words(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        filters: &Filters,
        found: &mut Vec<(f32, DocAddress)>,
    ) -> Result<()> {
        let mut held = vec![0usize; found.len()];
        for word in self.compiler().any_words(plan) {
            let q = filters.apply(self.fields(), word);
            let matches = doc_matches(searcher, q.as_ref(), found.iter().map(|(_, a)| a))?;
            for (h, m) in held.iter_mut().zip(matches) {
                *h += usize::from(m);
            }
        }
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(held[i]));
        *found = order.into_iter().map(|i| found[i]).collect();
        Ok(())
    }

    /// Per passage, per group of the plan: whether the passage holds the
    /// group as written, or only its document's title does.
    fn held_chunks(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        req: &SearchRequest,
        addrs: &[DocAddress],
    ) -> Result<Vec<Vec<Held>>> {
        let compiler = self.compiler();
        let mut held = vec![Vec::<Held>::new(); addrs.len()];
        for group in &plan.groups {
            let in_passage = match compiler.group(group, Mode::Strict, &|_| true) {
                Some(q) => doc_matches(
                    searcher,
                    req.filters.apply(self.fields(), q).as_ref(),
                    addrs.iter(),
                )?,
                None => vec![false; addrs.len()],
            };
            let in_title = match compiler.doc_title(group) {
                Some(q) => doc_matches(searcher, q.as_ref(), addrs.iter())?,
                None => vec![false; addrs.len()],
            };
            for ((h, p), t) in held.iter_mut().zip(in_passage).zip(in_title) {
                h.push(match (p, t) {
                    (true, _) => Held::Passage,
                    (false, true) => Held::DocTitle,
                    (false, false) => Held::No,
                });
            }
        }
        Ok(held)
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
        let top = if req.sort == Sort::Relevance {
            self.cut_ties(searcher, strict.as_ref(), top, req.offset, req.limit)?
        } else {
            top
        };
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
        let mut hits = hits;
        break_ties(&mut hits, req.sort);
        let mut some_total = 0;
        let mut listed_some = Vec::new();
        let strict_set = StrictSet::new(strict.as_ref());
        if total < req.offset + req.limit && req.partial {
            let skip = req.offset.saturating_sub(total);
            let want = req.limit - hits.len();
            // A lone phrase found less than a page's worth goes on with
            // the passages that hold its parts (防災・減災対策 … 重要度).
            let parts = self.phrase_parts_plan(searcher, plan, req, total);
            let some_plan = parts.as_ref().map_or(plan, |(p, _)| p);
            let (mut some, n, addrs) =
                self.some_chunks(searcher, some_plan, req, &strict_set, skip, want, marks)?;
            if let Some((_, phrase)) = &parts {
                for hit in &mut some {
                    if hit.missing.as_ref().is_some_and(|m| m.is_empty()) {
                        hit.missing = Some(vec![phrase.clone()]);
                    }
                }
            }
            hits.extend(some);
            some_total = n;
            listed_some = addrs;
        }
        let mut partial = if total < BACKFILL_BELOW && req.offset == 0 && req.partial {
            self.partial(searcher, plan, req, &strict_set, &listed_some, marks)?
        } else {
            None
        };
        // A first page the strict and some-chunks hits leave short goes on
        // with the closest looser matches (never counted): a query of
        // several chunks none of which is written as typed (議案第9号 for
        // 第９号) still lists what comes nearest, as the engines staff know
        // would. A single compound never lists its scattered parts as hits:
        // they stay apart in `partial`.
        if let Some(p) = partial.as_mut().filter(|_| plan.groups.len() > 1) {
            let room = req.limit.saturating_sub(hits.len()).min(p.hits.len());
            hits.extend(p.hits.drain(..room));
        }
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
            some_total,
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
        // In the order the search's pages list them.
        let top = if all.sort == Sort::Relevance {
            self.cut_ties(&searcher, strict.as_ref(), top, 0, all.limit)?
        } else {
            top
        };
        let highlighter = self.highlighter(&plan);
        let mut hits = top
            .into_iter()
            .map(|(score, addr)| {
                budget::check()?;
                self.hit(&searcher, addr, score, &highlighter, false)
            })
            .collect::<Result<Vec<_>>>()?;
        break_ties(&mut hits, all.sort);
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
        // By relevance, from the first hit and a few past the page, so that
        // hits tying at its edges are cut in a stable order (`Engine::cut_ties`).
        let top_docs = if req.sort == Sort::Relevance {
            TopDocs::with_limit(req.offset + req.limit + TIE_SLACK)
        } else {
            TopDocs::with_limit(req.limit).and_offset(req.offset)
        };
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
                        (
                            dated(years.as_ref().and_then(|c| c.first(doc)), sign),
                            score,
                        )
                    }
                });
                run!(by_year, |((_, score), addr)| (score, addr))
            }
        })
    }

    /// The page `offset..offset + limit` of `top` (score order, from the
    /// first hit, a few past the page), where passages tying across either
    /// edge of the page are ordered as [`break_ties`] orders them, not by
    /// the segment each landed in, so that a rebuild or a merge leaves
    /// every page as it was. A tie that runs to the end of what was
    /// collected is collected further (up to [`TIE_MAX`] hits).
    fn cut_ties(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        mut top: Vec<(f32, DocAddress)>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let page_end = (offset + limit).min(top.len());
        if offset >= page_end {
            return Ok(Vec::new());
        }
        let mut wanted = offset + limit + TIE_SLACK;
        loop {
            let last = top[page_end - 1].0;
            let full = top.len() == wanted;
            if !(full && top.last().is_some_and(|(s, _)| *s == last)) || wanted >= TIE_MAX {
                break;
            }
            wanted = (wanted * 2).min(TIE_MAX);
            top = searcher.search(query, &TopDocs::with_limit(wanted).order_by_score())?;
        }
        for edge in [offset, page_end - 1] {
            let score = top[edge].0;
            let start = top.iter().position(|(s, _)| *s == score).unwrap_or(edge);
            let end = top
                .iter()
                .rposition(|(s, _)| *s == score)
                .map_or(edge + 1, |i| i + 1);
            if end - start < 2 || (start >= offset && end <= page_end) {
                continue;
            }
            let keys = tie_keys(searcher, &top[start..end])?;
            let mut run: Vec<_> = keys
                .into_iter()
                .zip(top[start..end].iter().copied())
                .collect();
            run.sort_by(|a, b| a.0.cmp(&b.0));
            top.splice(start..end, run.into_iter().map(|(_, hit)| hit));
        }
        Ok(top[offset..page_end].to_vec())
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
        let first_page = stored_u32(&doc, f.page);
        let breaks = stored_str(&doc, f.page_breaks)
            .map(|s| crate::sections::decode_breaks(&s))
            .unwrap_or_default();
        let (snippet, via, page) = match highlighter {
            Some(h) => {
                let text = text();
                let (snippet, marked) = h.hit_snippet_at(&[&section_title, &title], &text);
                let page = match_page(&text, &marked, first_page, &breaks);
                (Some(snippet), h.via(&[&section_title, &text]), page)
            }
            None => (None, Vec::new(), first_page),
        };
        let last_page = breaks.last().map(|b| b.page).or(first_page);
        let page_label = page.and_then(|p| {
            let labels = crate::sections::decode_labels(&stored_str(&doc, f.page_labels)?);
            labels.into_iter().find(|l| l.page == p).map(|l| l.label)
        });
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
            page,
            page_label,
            pages: first_page.zip(last_page),
            sheet: stored_str(&doc, f.sheet),
            score,
            via_reading: false,
            snippet,
            via,
            text: include_text.then(text),
            missing: None,
            loose: None,
            speech: speeches::SpeechOut::from_doc(f, &doc),
        })
    }
}
