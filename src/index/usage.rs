//! What each field costs on disk: tantivy's per-segment space usage summed
//! per field and component, with the doc store (one compressed blob in
//! tantivy) shared out by each field's share of the stored bytes of a sample.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use crate::error::Result;

/// Bytes of one field, per component of the index.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FieldBytes {
    pub terms: u64,
    pub postings: u64,
    pub positions: u64,
    pub fast: u64,
    pub fieldnorms: u64,
    /// Estimated share of the compressed doc store.
    pub stored: u64,
}

impl FieldBytes {
    pub fn total(&self) -> u64 {
        self.terms + self.postings + self.positions + self.fast + self.fieldnorms + self.stored
    }
}

/// The index's disk use, per field, largest first.
#[derive(Debug, Serialize)]
pub struct DiskUsage {
    pub passages: u64,
    pub segments: usize,
    pub total: u64,
    pub store: u64,
    pub fields: Vec<(String, FieldBytes)>,
}

/// Passages read to share the store out per field (evenly spaced).
const STORE_SAMPLE: u32 = 2_000;

pub fn disk_usage(searcher: &Searcher) -> Result<DiskUsage> {
    let usage = searcher.space_usage()?;
    let mut fields: BTreeMap<String, FieldBytes> = BTreeMap::new();
    let mut store = 0u64;
    for seg in usage.segments() {
        let mut add = |per: &tantivy::space_usage::PerFieldSpaceUsage,
                       pick: fn(&mut FieldBytes) -> &mut u64| {
            for f in per.fields() {
                *pick(fields.entry(f.field_name().to_string()).or_default()) +=
                    f.total().get_bytes();
            }
        };
        add(seg.termdict(), |b| &mut b.terms);
        add(seg.postings(), |b| &mut b.postings);
        add(seg.positions(), |b| &mut b.positions);
        add(seg.fast_fields(), |b| &mut b.fast);
        add(seg.fieldnorms(), |b| &mut b.fieldnorms);
        store += seg.store().total().get_bytes();
    }
    let raw = stored_bytes_sample(searcher)?;
    let raw_total: u64 = raw.values().sum();
    if raw_total > 0 {
        for (name, bytes) in raw {
            fields.entry(name).or_default().stored =
                (store as f64 * bytes as f64 / raw_total as f64).round() as u64;
        }
    }
    let mut fields: Vec<(String, FieldBytes)> = fields.into_iter().collect();
    fields.sort_by_key(|(_, b)| std::cmp::Reverse(b.total()));
    Ok(DiskUsage {
        passages: searcher.num_docs(),
        segments: usage.segments().len(),
        total: usage.total().get_bytes(),
        store,
        fields,
    })
}

/// Uncompressed stored bytes per field over evenly spaced passages.
fn stored_bytes_sample(searcher: &Searcher) -> Result<BTreeMap<String, u64>> {
    let schema = searcher.schema();
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    let total = searcher.num_docs().max(1);
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let n = seg.max_doc();
        let take = ((u64::from(STORE_SAMPLE) * u64::from(n)) / total).max(1) as u32;
        let step = (n / take).max(1);
        for doc_id in (0..n).step_by(step as usize) {
            if seg.is_deleted(doc_id) {
                continue;
            }
            let doc: TantivyDocument =
                searcher.doc(tantivy::DocAddress::new(ord as u32, doc_id))?;
            for (field, value) in doc.field_values() {
                let bytes = value.as_str().map_or(8, |s| s.len() as u64);
                *out.entry(schema.get_field_name(field).to_string())
                    .or_default() += bytes;
            }
        }
    }
    Ok(out)
}
