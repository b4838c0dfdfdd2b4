//! A keyword through the years: matching passages and documents per year,
//! overall and per city.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::{Engine, SearchRequest, query};
use crate::error::Result;

/// Cities given their own series when the request names none.
pub const DEFAULT_SERIES: usize = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub year: i64,
    /// Passages with every term.
    pub passages: u64,
    /// Documents with such a passage.
    pub documents: u64,
    /// All documents of the year under the filters, matching or not: 0
    /// means the archive has nothing for that year (a gap, not a zero).
    pub documents_in_year: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TrendSeries)]
pub struct Series {
    /// `null` for all cities together.
    pub city: Option<String>,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trend {
    pub query: String,
    pub series: Vec<Series>,
}

/// (year, city) → (passages, distinct documents). Documents are keyed by
/// the 64 bits of their id (16 hex digits), never by strings: the cost of
/// a trend is one fast-field read per matching passage.
type Cells = HashMap<(i64, String), (u64, HashSet<u64>)>;

/// Passages and distinct document ordinals of one (year, city ordinal).
type OrdCell = (u64, Vec<Option<u64>>);

struct TrendCollector;

struct TrendSegment {
    year: Column<i64>,
    city: Option<StrColumn>,
    doc_id: Option<StrColumn>,
    /// (year, city ord, doc ord) per matching passage.
    seen: Vec<(i64, Option<u64>, Option<u64>)>,
}

impl Collector for TrendCollector {
    type Fruit = Cells;
    type Child = TrendSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TrendSegment> {
        let ff = segment.fast_fields();
        Ok(TrendSegment {
            year: ff.i64("year")?,
            city: ff.str("city")?,
            doc_id: ff.str("doc_id")?,
            seen: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Cells>) -> tantivy::Result<Cells> {
        let mut out = Cells::new();
        for f in fruits {
            for (k, (n, docs)) in f {
                let e = out.entry(k).or_default();
                e.0 += n;
                e.1.extend(docs);
            }
        }
        Ok(out)
    }
}

/// A document id (16 hex digits, see `doc_id_for`) as a number; other
/// strings are hashed.
fn doc_key(id: &str) -> u64 {
    u64::from_str_radix(id, 16).unwrap_or_else(|_| {
        let h = blake3::hash(id.as_bytes());
        u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap_or([0; 8]))
    })
}

/// Each distinct ordinal of `col` among `ords` with its string (empty for
/// a missing column or value), read in one pass over the dictionary.
fn ord_strs(
    col: &Option<StrColumn>,
    ords: impl Iterator<Item = Option<u64>>,
) -> HashMap<Option<u64>, String> {
    let mut out: HashMap<Option<u64>, String> = ords.map(|o| (o, String::new())).collect();
    if let Some(col) = col {
        let present = out.keys().flatten().copied().collect::<Vec<u64>>();
        for (ord, s) in super::columns::strs_of_ords(col, present) {
            out.insert(Some(ord), s);
        }
    }
    out
}

impl SegmentCollector for TrendSegment {
    type Fruit = Cells;

    fn collect(&mut self, doc: DocId, _: Score) {
        // Undated passages cannot be placed on a timeline.
        let Some(year) = self.year.first(doc) else {
            return;
        };
        let city = self.city.as_ref().and_then(|c| c.term_ords(doc).next());
        let id = self.doc_id.as_ref().and_then(|c| c.term_ords(doc).next());
        self.seen.push((year, city, id));
    }

    fn harvest(mut self) -> Cells {
        // Sorted, the passages of one (year, city) and of one document in
        // it stand together: counted in one pass, hashing each distinct
        // city and document once rather than every passage.
        self.seen.sort_unstable();
        let mut by_ord: Vec<((i64, Option<u64>), OrdCell)> = Vec::new();
        for (year, city, id) in self.seen {
            match by_ord.last_mut() {
                Some((key, cell)) if *key == (year, city) => {
                    cell.0 += 1;
                    if cell.1.last() != Some(&id) {
                        cell.1.push(id);
                    }
                }
                _ => by_ord.push(((year, city), (1, vec![id]))),
            }
        }
        let cities = ord_strs(&self.city, by_ord.iter().map(|((_, c), _)| *c));
        let docs: HashMap<Option<u64>, u64> = ord_strs(
            &self.doc_id,
            by_ord.iter().flat_map(|(_, (_, ids))| ids.iter().copied()),
        )
        .into_iter()
        .map(|(ord, id)| (ord, doc_key(&id)))
        .collect();
        let mut out = Cells::new();
        for ((year, city), (n, ids)) in by_ord {
            let e = out.entry((year, cities[&city].clone())).or_default();
            e.0 += n;
            e.1.extend(ids.iter().map(|id| docs[id]));
        }
        out
    }
}

impl Engine {
    /// Passages and documents matching `req.q` per year.
    pub fn trend(&self, req: &SearchRequest) -> Result<Trend> {
        let parsed = query::parse(&req.q)?;
        let searcher = self.searcher();
        let plan = self.plan(&searcher, &parsed, req.options);
        // Count over every city; the per-city series are cut out afterwards.
        let mut all_cities = req.filters.clone();
        all_cities.cities.clear();
        // The same strict matches a search counts.
        let strict = self.strict_query(&plan, &all_cities)?;
        let cells = searcher.search(strict.as_ref(), &TrendCollector)?;
        // Every document under the filters (its first passage), to tell a
        // year without documents from a year without matches.
        let first = all_cities
            .documents_only()
            .apply(self.fields(), Box::new(self.fields().first_passages()));
        let archive = searcher.search(first.as_ref(), &TrendCollector)?;
        let in_year = |year: i64, city: Option<&str>| -> u64 {
            archive
                .iter()
                .filter(|((y, c), _)| *y == year && city.is_none_or(|want| want == c))
                .map(|(_, (n, _))| *n)
                .sum()
        };

        // Every year from the first to the last with documents under the
        // filters is a point of a series (a city's: of that city): a year
        // without matches is a zero, and the zeros before the first mention
        // show when a word came up. Years in between without any document
        // stay points too, with `documents_in_year` 0 (資料なし).
        let series_for = |city: Option<&str>| -> Series {
            let mine = |c: &str| city.is_none_or(|want| want == c);
            let (lo, hi) = archive
                .keys()
                .chain(cells.keys())
                .filter(|(_, c)| mine(c))
                .map(|(y, _)| *y)
                .fold((i64::MAX, i64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
            let mut per_year: BTreeMap<i64, (u64, HashSet<u64>)> =
                (lo..=hi).map(|y| (y, (0, HashSet::new()))).collect();
            for ((y, c), (n, docs)) in &cells {
                if city.is_some_and(|want| want != c) {
                    continue;
                }
                let e = per_year.entry(*y).or_default();
                e.0 += n;
                e.1.extend(docs.iter().copied());
            }
            Series {
                city: city.map(str::to_string),
                points: per_year
                    .into_iter()
                    .map(|(year, (passages, docs))| TrendPoint {
                        year,
                        passages,
                        documents: docs.len() as u64,
                        documents_in_year: in_year(year, city),
                    })
                    .collect(),
            }
        };
        let cities: Vec<String> = if req.filters.cities.is_empty() {
            let mut totals: HashMap<&str, u64> = HashMap::new();
            for ((_, c), (n, _)) in &cells {
                if !c.is_empty() {
                    *totals.entry(c.as_str()).or_default() += n;
                }
            }
            let mut v: Vec<(&str, u64)> = totals.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            v.into_iter()
                .take(DEFAULT_SERIES)
                .map(|(c, _)| c.to_string())
                .collect()
        } else {
            req.filters.cities.clone()
        };
        let mut series = vec![series_for(None)];
        series.extend(cities.iter().map(|c| series_for(Some(c))));
        Ok(Trend {
            query: req.q.clone(),
            series,
        })
    }
}
