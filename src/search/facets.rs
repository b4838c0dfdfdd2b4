//! Facet counts (city, prefecture, department, year; the speakers of
//! council minutes) over all matches,
//! read from fast-field columns: no stored document is touched.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
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
    /// Matches not yet counted: columns are read a block at a time (one
    /// call per column and block instead of one per column and match).
    pending: Vec<DocId>,
    /// Scratch for one block's values.
    ords: Vec<Option<u64>>,
    year_vals: Vec<Option<i64>>,
}

/// Matches counted per block of column reads.
const BLOCK: usize = 512;

impl FacetSegmentCollector {
    /// Counts the pending matches.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let docs = &self.pending;
        for (col, counts) in &mut self.strs {
            let Some(col) = col else { continue };
            let ords = col.ords();
            if ords.get_cardinality() == Cardinality::Multivalued {
                for &doc in docs {
                    for ord in col.term_ords(doc) {
                        counts[ord as usize] += 1;
                    }
                }
            } else {
                self.ords.resize(docs.len(), None);
                ords.first_vals(docs, &mut self.ords);
                for ord in self.ords.iter().flatten() {
                    counts[*ord as usize] += 1;
                }
            }
        }
        self.year_vals.resize(docs.len(), None);
        self.year.first_vals(docs, &mut self.year_vals);
        // Runs of one year are counted at once (passages of a document
        // are neighbours).
        let mut run: Option<(i64, u64)> = None;
        for y in self.year_vals.iter().flatten() {
            match &mut run {
                Some((year, n)) if year == y => *n += 1,
                _ => {
                    if let Some((year, n)) = run.take() {
                        *self.years.entry(year).or_default() += n;
                    }
                    run = Some((*y, 1));
                }
            }
        }
        if let Some((year, n)) = run {
            *self.years.entry(year).or_default() += n;
        }
        self.pending.clear();
    }
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
            pending: Vec::with_capacity(BLOCK),
            ords: Vec::with_capacity(BLOCK),
            year_vals: Vec::with_capacity(BLOCK),
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
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.flush();
        }
    }

    fn harvest(mut self) -> FacetFruit {
        self.flush();
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::AllQuery;
    use tantivy::schema::{FAST, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    #[test]
    fn counts_are_exact_across_blocks_and_multi_valued_columns() {
        let mut builder = Schema::builder();
        let city = builder.add_text_field("city", STRING | FAST);
        let speaker = builder.add_text_field("speaker", STRING | FAST);
        let year = builder.add_i64_field("year", FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 20_000_000).unwrap();
        // More matches than a block, runs of one year, docs without a
        // value, and a column holding two values on some docs.
        let n = BLOCK * 3 + 17;
        for i in 0..n {
            let mut doc = TantivyDocument::default();
            if i % 7 != 0 {
                doc.add_text(
                    city,
                    if i % 3 == 0 {
                        "みなと市"
                    } else {
                        "やま町"
                    },
                );
            }
            doc.add_text(speaker, "議長");
            if i % 5 == 0 {
                doc.add_text(speaker, "市長");
            }
            doc.add_i64(year, 2000 + (i / 100) as i64);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let collector = FacetCollector {
            columns: &["city", "speaker"],
        };
        let (total, fruit) = searcher.search(&AllQuery, &(Count, collector)).unwrap();
        assert_eq!(total, n);
        let (columns, years) = fruit.into_counts(100);
        let count = |f: &dyn Fn(usize) -> bool| (0..n).filter(|&i| f(i)).count() as u64;
        let city_counts: HashMap<String, u64> = columns[0]
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect();
        assert_eq!(
            city_counts["みなと市"],
            count(&|i| i % 7 != 0 && i % 3 == 0)
        );
        assert_eq!(city_counts["やま町"], count(&|i| i % 7 != 0 && i % 3 != 0));
        let speakers: HashMap<String, u64> = columns[1]
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect();
        assert_eq!(speakers["議長"], n as u64);
        assert_eq!(speakers["市長"], count(&|i| i % 5 == 0));
        assert_eq!(years.iter().map(|y| y.count).sum::<u64>(), n as u64);
        assert_eq!(years.last().unwrap().value, "2000");
        assert_eq!(years.last().unwrap().count, 100);
    }
}
