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
            let ids = ids
                .into_iter()
                .map(|id| (size.get(&id).copied().unwrap_or(0), id))
                .collect();
            out.extend(pack(ids, self.max_passages).into_iter().map(MergeCandidate));
        }
        out
    }
}

/// Segments packed, largest first, into merges that stay under
/// `max_passages`; a lone segment needs no merge.
fn pack(mut ids: Vec<(u32, SegmentId)>, max_passages: u32) -> Vec<Vec<SegmentId>> {
    ids.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let mut bins: Vec<(u32, Vec<SegmentId>)> = Vec::new();
    for (n, id) in ids {
        match bins.iter_mut().find(|(total, _)| total + n <= max_passages) {
            Some((total, bin)) => {
                *total += n;
                bin.push(id);
            }
            None => bins.push((n, vec![id])),
        }
    }
    bins.into_iter()
        .filter(|(_, bin)| bin.len() > 1)
        .map(|(_, bin)| bin)
        .collect()
}

/// Small segments an index run may leave before they are compacted.
pub const SMALL_SEGMENTS_KEPT: usize = 4;

/// The merges that compact what an index run leaves: every query looks up
/// each form of its plan in every segment, so a dozen small segments cost
/// each search more than their merge costs once. Segments below half the
/// ceiling are packed into as few as the ceiling allows, once there are
/// more than [`SMALL_SEGMENTS_KEPT`] of them (an update of a few files adds
/// one small segment and rewrites nothing until a few have gathered).
pub fn compaction(segments: &[SegmentMeta], max_passages: u32) -> Vec<Vec<SegmentId>> {
    let small: Vec<(u32, SegmentId)> = segments
        .iter()
        .filter(|s| s.num_docs() < max_passages / 2)
        .map(|s| (s.num_docs(), s.id()))
        .collect();
    if small.len() <= SMALL_SEGMENTS_KEPT {
        return Vec::new();
    }
    pack(small, max_passages)
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

    fn compacted(segments: &[SegmentMeta], max: u32) -> Vec<u32> {
        let size: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        compaction(segments, max)
            .iter()
            .map(|bin| bin.iter().map(|id| size[id]).sum())
            .collect()
    }

    #[test]
    fn a_run_leaves_few_segments() {
        // Kiryu's six flushed segments become one.
        let kiryu = metas(&[18_059, 20_439, 24_590, 24_917, 30_301, 30_467]);
        assert_eq!(compacted(&kiryu, MAX_SEGMENT_PASSAGES), vec![148_773]);
        // Ten times as much: the final segments stay, the small ones are
        // packed under the ceiling.
        let mut sizes = vec![291_098, 200_000, 160_000];
        sizes.extend([
            90_000, 80_000, 70_000, 60_000, 50_000, 40_000, 30_000, 20_000,
        ]);
        let merges = compacted(&metas(&sizes), 300_000);
        assert!(merges.iter().all(|&n| n <= 300_000), "{merges:?}");
        assert_eq!(merges.iter().sum::<u32>(), 440_000);
        assert_eq!(merges.len(), 2, "{merges:?}");
        // An update's one new segment beside a compacted index rewrites
        // nothing.
        assert!(compacted(&metas(&[148_773, 1_200]), MAX_SEGMENT_PASSAGES).is_empty());
        assert!(compacted(&metas(&[148_773, 900, 800, 700]), 300_000).is_empty());
        // A fifth small one: all are packed again.
        assert_eq!(
            compacted(&metas(&[148_773, 900, 800, 700, 600]), 300_000),
            vec![151_773]
        );
    }

    #[test]
    fn small_segments_still_merge() {
        let policy = BoundedMergePolicy::new(MAX_SEGMENT_PASSAGES);
        let merges = merged_sizes(&policy, &metas(&[5_000; 8]));
        assert_eq!(merges, vec![40_000]);
    }
}
