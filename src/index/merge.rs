//! Segment merging with a ceiling: tantivy's log merge policy picks the
//! segments of one size level, and no merge is let write a segment above
//! [`MAX_SEGMENT_PASSAGES`]. A merge holds its inputs' term dictionaries,
//! norms and doc maps at once, so bounded segments keep the peak memory and
//! the time of any one merge the same at 1× and at 30× the archive.

use std::collections::HashMap;

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// The largest segment a merge may write, in passages (about 1 GB of minutes
/// text per 1.5 M passages: this is ~200 MB of text per segment).
pub const MAX_SEGMENT_PASSAGES: u32 = 300_000;

/// Log merging whose merges never write more than `max_passages`.
#[derive(Debug)]
pub struct BoundedMergePolicy {
    levels: LogMergePolicy,
    max_passages: u32,
}

impl BoundedMergePolicy {
    pub fn new(max_passages: u32) -> BoundedMergePolicy {
        let mut levels = LogMergePolicy::default();
        // A segment past half the ceiling has no partner it could merge
        // with: leave it out of the levels altogether.
        levels.set_max_docs_before_merge((max_passages / 2) as usize);
        BoundedMergePolicy {
            levels,
            max_passages: max_passages.max(2),
        }
    }
}

impl Default for BoundedMergePolicy {
    fn default() -> Self {
        BoundedMergePolicy::new(MAX_SEGMENT_PASSAGES)
    }
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let size: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        let mut out = Vec::new();
        for MergeCandidate(ids) in self.levels.compute_merge_candidates(segments) {
            // Pack the level's segments, largest first, into merges that
            // stay under the ceiling; a lone segment needs no merge.
            let mut ids: Vec<(u32, SegmentId)> = ids
                .into_iter()
                .map(|id| (size.get(&id).copied().unwrap_or(0), id))
                .collect();
            ids.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
            let mut bins: Vec<(u32, Vec<SegmentId>)> = Vec::new();
            for (n, id) in ids {
                match bins
                    .iter_mut()
                    .find(|(total, _)| total + n <= self.max_passages)
                {
                    Some((total, bin)) => {
                        *total += n;
                        bin.push(id);
                    }
                    None => bins.push((n, vec![id])),
                }
            }
            out.extend(
                bins.into_iter()
                    .filter(|(_, bin)| bin.len() > 1)
                    .map(|(_, bin)| MergeCandidate(bin)),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Index;

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let index = Index::create_in_ram(crate::index::schema::build().0);
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merged_sizes(policy: &BoundedMergePolicy, segments: &[SegmentMeta]) -> Vec<u32> {
        let size: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        policy
            .compute_merge_candidates(segments)
            .into_iter()
            .map(|c| c.0.iter().map(|id| size[id]).sum())
            .collect()
    }

    #[test]
    fn no_merge_writes_more_than_the_ceiling() {
        // Twenty equal segments of one level: the log policy alone merges
        // all of them into one of 800,000 passages.
        let segments = metas(&[40_000; 20]);
        let mut unbounded = LogMergePolicy::default();
        unbounded.set_max_docs_before_merge(usize::MAX);
        assert_eq!(unbounded.compute_merge_candidates(&segments).len(), 1);

        let policy = BoundedMergePolicy::new(100_000);
        let merges = merged_sizes(&policy, &segments);
        assert!(!merges.is_empty());
        assert!(merges.iter().all(|&n| n <= 100_000), "{merges:?}");
        assert_eq!(merges.iter().sum::<u32>(), 40_000 * 20);
    }

    #[test]
    fn segments_past_half_the_ceiling_are_final() {
        let policy = BoundedMergePolicy::new(100_000);
        assert!(merged_sizes(&policy, &metas(&[60_000; 10])).is_empty());
    }

    #[test]
    fn small_segments_still_merge() {
        let policy = BoundedMergePolicy::new(MAX_SEGMENT_PASSAGES);
        let merges = merged_sizes(&policy, &metas(&[5_000; 8]));
        assert_eq!(merges, vec![40_000]);
    }
}
