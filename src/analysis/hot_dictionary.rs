//! Loads the built dictionary with the parts the Viterbi search reads at
//! random — the trie, its word entries and the connection-cost matrix,
//! about 12 MB — copied into memory on transparent huge pages.
//!
//! With 4 KiB pages those reads miss the TLB all the time (and a miss on a
//! VM walks two page tables); on 2 MiB pages the whole set stays mapped.
//! The rest (word details, read once per distinct word) stays file-mapped.
//! Where huge pages are unavailable the copy is ordinary memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use lindera::dictionary::Dictionary;
use lindera_dictionary::LinderaResult;
use lindera_dictionary::dictionary::connection_cost_matrix::ConnectionCostMatrix;
use lindera_dictionary::dictionary::prefix_dictionary::PrefixDictionary;
use lindera_dictionary::loader::character_definition::CharacterDefinitionLoader;
use lindera_dictionary::loader::metadata::MetadataLoader;
use lindera_dictionary::loader::unknown_dictionary::UnknownDictionaryLoader;
use lindera_dictionary::util::{Data, mmap_file, read_file};
use memmap2::{Advice, Mmap, MmapMut};

/// The dictionary built at `dir` (what lindera's `load_fs_dictionary`
/// loads, hot parts on huge pages).
pub fn load(dir: &Path) -> LinderaResult<Dictionary> {
    let metadata = MetadataLoader::load(dir)?;
    metadata.validate_format_version()?;
    let prefix_dictionary = PrefixDictionary::load(
        hot(dir, "dict.trie")?,
        mapped(dir, "dict.valsidx")?,
        hot(dir, "dict.vals")?,
        mapped(dir, "dict.wordsidx")?,
        mapped(dir, "dict.words")?,
    )?;
    Ok(Dictionary {
        prefix_dictionary: Arc::new(prefix_dictionary),
        connection_cost_matrix: Arc::new(ConnectionCostMatrix::load(hot(dir, "matrix.mtx")?)?),
        character_definition: Arc::new(CharacterDefinitionLoader::load(dir)?),
        unknown_dictionary: Arc::new(UnknownDictionaryLoader::load(dir)?),
        metadata: Arc::new(metadata),
    })
}

/// A file's bytes in anonymous memory advised onto huge pages, read there
/// straight from the file; lindera's plain read where that fails (an empty
/// file, no anonymous mapping), which also reports a missing file.
fn hot(dir: &Path, name: &str) -> LinderaResult<Data> {
    let path = dir.join(name);
    let on_huge_pages = || -> std::io::Result<Mmap> {
        let mut file = File::open(&path)?;
        let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)?;
        if len == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let mut map = MmapMut::map_anon(len)?;
        // Advice, not a requirement: without THP this is plain memory.
        let _ = map.advise(Advice::HugePage);
        file.read_exact(&mut map)?;
        map.make_read_only()
    };
    match on_huge_pages() {
        Ok(map) => Ok(Data::from(map)),
        Err(_) => Ok(Data::from(read_file(&path)?)),
    }
}

/// A file mapped read-only (its pages come from the page cache on use).
fn mapped(dir: &Path, name: &str) -> LinderaResult<Data> {
    Ok(Data::from(mmap_file(&dir.join(name))?))
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use lindera::mode::Mode;
    use lindera::segmenter::Segmenter;

    use super::*;
    use crate::analysis::DictionaryConfig;
    use crate::analysis::dictionary::ensure_built;

    fn words(segmenter: &Segmenter, text: &str) -> Vec<(String, u32, usize)> {
        segmenter
            .segment(Cow::Borrowed(text))
            .expect("segment")
            .iter()
            .map(|t| (t.surface.to_string(), t.word_id.id(), t.byte_start))
            .collect()
    }

    #[test]
    fn segments_exactly_as_lindera_loads_it() {
        let dir = ensure_built(&DictionaryConfig::default()).expect("IPADIC");
        let ours = Segmenter::new(Mode::Normal, load(&dir).expect("load"), None);
        let lindera = Segmenter::new(
            Mode::Normal,
            lindera::dictionary::load_fs_dictionary(&dir).expect("lindera load"),
            None,
        );
        for text in [
            "令和8年度の待機児童対策として、公民連携による保育所の整備を進めます。",
            "ウェブサイトでＷｉ－Ｆｉの申し込みを受け付け、除雪体制を強化した。",
            "グリーンスローモビリティの実証運行（ＲＰＡ導入）について",
        ] {
            assert_eq!(words(&ours, text), words(&lindera, text), "{text}");
        }
    }

    #[test]
    fn a_missing_part_is_an_error_naming_the_file() {
        let empty = tempfile::tempdir().expect("tempdir");
        assert!(load(empty.path()).is_err());
        let dir = ensure_built(&DictionaryConfig::default()).expect("IPADIC");
        let partial = tempfile::tempdir().expect("tempdir");
        for entry in std::fs::read_dir(&dir).expect("dictionary dir") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n != "matrix.mtx") {
                std::fs::copy(&path, partial.path().join(path.file_name().unwrap())).unwrap();
            }
        }
        let err = load(partial.path())
            .err()
            .expect("no matrix.mtx")
            .to_string();
        assert!(err.contains("matrix.mtx"), "{err}");
    }
}
