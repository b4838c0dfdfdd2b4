//! The per-file state record kept beside the index: for every archive file
//! its size, modification time, content hash and the outcome of its last
//! run. It lets an unchanged re-run stat files instead of reading them, a
//! touched-but-identical file cost one read instead of a reindex, and a
//! file that failed stay failed until it changes.
//!
//! The record is a cache: the index itself stays the truth for what is
//! indexed (every document carries its fingerprint), so a lost, stale or
//! corrupt record costs one read of every file, never a wrong answer.
//!
//! Format: JSON lines, one file per line, written to a temporary file and
//! renamed over the old one (never half-written).

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the record inside the index directory.
pub const STATE_FILE: &str = "plansearch-state.jsonl";

/// What is known about one archive file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Archive-relative path.
    pub rel: String,
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i128,
    /// blake3 of the file's bytes (hex, 32 characters).
    pub hash: String,
    /// The fingerprint (bytes + manifest row + pipeline) the outcome is for.
    pub fingerprint: String,
    /// `None`: indexed. `Some(reason)`: skipped for that reason; not
    /// retried until the fingerprint changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// The stable code of `failed` ([`crate::archive::ExtractError::code`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_code: Option<String>,
}

/// The record of every file, by archive-relative path.
#[derive(Debug, Default, Clone)]
pub struct State {
    pub files: HashMap<String, FileState>,
}

impl State {
    /// Reads the record in `index_dir`; a missing or unreadable record is
    /// an empty one (every file is then read once).
    pub fn load(index_dir: &Path) -> State {
        let Ok(file) = std::fs::File::open(index_dir.join(STATE_FILE)) else {
            return State::default();
        };
        let mut files = HashMap::new();
        for line in std::io::BufReader::new(file).lines() {
            let Ok(line) = line else {
                return State::default();
            };
            match serde_json::from_str::<FileState>(&line) {
                Ok(s) => {
                    files.insert(s.rel.clone(), s);
                }
                Err(_) => {
                    tracing::warn!("the per-file state record is damaged; every file is read once");
                    return State::default();
                }
            }
        }
        State { files }
    }

    /// Writes the record atomically (temporary file, fsync, rename).
    pub fn save(&self, index_dir: &Path) -> std::io::Result<()> {
        let tmp = index_dir.join(format!("{STATE_FILE}.tmp"));
        let result = (|| {
            let file = std::fs::File::create(&tmp)?;
            let mut out = BufWriter::new(file);
            let mut rels: Vec<&String> = self.files.keys().collect();
            rels.sort();
            for rel in rels {
                serde_json::to_writer(&mut out, &self.files[rel])?;
                out.write_all(b"\n")?;
            }
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&tmp, index_dir.join(STATE_FILE))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Removes the record (the index it describes is being rebuilt).
    pub fn remove(index_dir: &Path) -> std::io::Result<()> {
        for name in [STATE_FILE.to_string(), format!("{STATE_FILE}.tmp")] {
            match std::fs::remove_file(index_dir.join(name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Modification time of `meta` in nanoseconds since the epoch (0 when the
/// platform does not say).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    match meta.modified() {
        Ok(t) => match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        },
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_an_empty_record() {
        let dir = tempfile::tempdir().unwrap();
        assert!(State::load(dir.path()).files.is_empty());
        let mut s = State::default();
        for (rel, failed) in [("a/計画.txt", None), ("b\n\"x\".md", Some("binary".into()))] {
            s.files.insert(
                rel.to_string(),
                FileState {
                    rel: rel.to_string(),
                    size: 3,
                    mtime_ns: 1_700_000_000_123_456_789,
                    hash: "h".into(),
                    fingerprint: "f".into(),
                    failed,
                    failed_code: None,
                },
            );
        }
        s.save(dir.path()).unwrap();
        assert_eq!(State::load(dir.path()).files, s.files);
        assert!(!dir.path().join(format!("{STATE_FILE}.tmp")).exists());
        std::fs::write(dir.path().join(STATE_FILE), "{not json\n").unwrap();
        assert!(State::load(dir.path()).files.is_empty());
        State::remove(dir.path()).unwrap();
        assert!(!dir.path().join(STATE_FILE).exists());
    }
}
