//! Facet counts (city, prefecture, department, year; the speakers of
//! council minutes) over all matches,
//! read from fast-field columns: no stored document is touched.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One facet value and how many passages have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Counts per facet, most frequent first (years: newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub city: Vec<FacetValue>,
    pub prefecture: Vec<FacetValue>,
    pub department: Vec<FacetValue>,
    pub year: Vec<FacetValue>,
    /// Speakers, roles and groups (議員, 執行部 …) of the speeches among
    /// the matches (council minutes); empty when none is a speech.
    pub speaker: Vec<FacetValue>,
    pub speaker_role: Vec<FacetValue>,
    pub speaker_group: Vec<FacetValue>,
}

/// Collects counts per value of keyword columns and per year; combine
/// with a top-docs collector in a tuple.
pub struct FacetCollector {
    /// Keyword fast fields counted, in order.
    pub columns: &'static [&'static str],
}

/// The facets of a search.
pub const SEARCH_FACETS: FacetCollector = FacetCollector {
    columns: &[
        "city",
        "prefecture",
        "department",
        "speaker",
        "speaker_role",
        "speaker_group",
    ],
};

pub struct FacetSegmentCollector {
    strs: Vec<(Option<StrColumn>, Vec<u64>)>,
    year: Column<i64>,
    years: HashMap<i64, u64>,
}

#[derive(Default)]
pub struct FacetFruit {
    strs: Vec<HashMap<String, u64>>,
    years: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = segment.fast_fields();
        let mut strs = Vec::with_capacity(self.columns.len());
        for name in self.columns {
            let col = ff.str(name)?;
            let n = col.as_ref().map(|c| c.num_terms()).unwrap_or(0);
            strs.push((col, vec![0u64; n]));
        }
        Ok(FacetSegmentCollector {
            strs,
            year: ff.i64("year")?,
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut out = FacetFruit {
            strs: vec![HashMap::new(); self.columns.len()],
            years: HashMap::new(),
        };
        for f in fruits {
            for (i, m) in f.strs.into_iter().enumerate() {
                for (k, v) in m {
                    *out.strs[i].entry(k).or_default() += v;
                }
            }
            for (k, v) in f.years {
                *out.years.entry(k).or_default() += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (col, counts) in &mut self.strs {
            if let Some(col) = col {
                for ord in col.term_ords(doc) {
                    counts[ord as usize] += 1;
                }
            }
        }
        if let Some(y) = self.year.first(doc) {
            *self.years.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut fruit = FacetFruit {
            strs: vec![HashMap::new(); self.strs.len()],
            years: self.years,
        };
        for (i, (col, counts)) in self.strs.into_iter().enumerate() {
            let Some(col) = col else { continue };
            let seen = (0..counts.len() as u64).filter(|&ord| counts[ord as usize] > 0);
            for (ord, value) in super::columns::strs_of_ords(&col, seen) {
                *fruit.strs[i].entry(value).or_default() += counts[ord as usize];
            }
        }
        fruit
    }
}

fn sorted(map: HashMap<String, u64>, limit: usize) -> Vec<FacetValue> {
    let mut v: Vec<FacetValue> = map
        .into_iter()
        .map(|(value, count)| FacetValue { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(limit);
    v
}

impl FacetFruit {
    /// Counts per column (in the collector's order), most frequent first,
    /// each cut to `limit` values; then years, newest first.
    pub fn into_counts(self, limit: usize) -> (Vec<Vec<FacetValue>>, Vec<FacetValue>) {
        let columns = self.strs.into_iter().map(|m| sorted(m, limit)).collect();
        let mut year: Vec<(i64, u64)> = self.years.into_iter().collect();
        year.sort_by_key(|y| std::cmp::Reverse(y.0));
        let years = year
            .into_iter()
            .take(limit)
            .map(|(y, count)| FacetValue {
                value: y.to_string(),
                count,
            })
            .collect();
        (columns, years)
    }

    /// The facets of a search ([`SEARCH_FACETS`]), each cut to `limit`.
    pub fn into_facets(self, limit: usize) -> Facets {
        let (columns, year) = self.into_counts(limit);
        let mut columns = columns.into_iter();
        let mut next = || columns.next().unwrap_or_default();
        Facets {
            city: next(),
            prefecture: next(),
            department: next(),
            year,
            speaker: next(),
            speaker_role: next(),
            speaker_group: next(),
        }
    }
}
