//! Finding the documents of an archive folder.

use std::fs::{self, File};
use std::io;
use std::path::Path;

use walkdir::WalkDir;

use super::{ArchiveFile, ExtractError, Format, Skipped, Walk, read};
use crate::Error;

pub(super) fn walk(root: &Path) -> crate::Result<Walk> {
    check_root(root)?;
    let mut out = Walk::default();
    // Links are followed, so an archive assembled from symlinked folders
    // works; walkdir detects loops and reports them as errors. A link that
    // leads outside the archive folder is not followed: the archive's
    // files are served, and `/etc/passwd` must never become one.
    let real_root = root.canonicalize()?;
    let mut entries = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(root);
                if !path.file_name().is_some_and(is_hidden) {
                    out.skipped
                        .push(Skipped::new(rel_path(root, path), &walk_error_reason(&err)));
                }
                continue;
            }
        };
        if leaves_archive(&entry, &real_root) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            out.skipped.push(Skipped::new(
                rel_path(root, entry.path()),
                &ExtractError::NotFollowed(
                    "symbolic link leading outside the archive folder; not followed".to_owned(),
                ),
            ));
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let rel = rel_path(root, entry.path());
        if !file_type.is_file() {
            let reason =
                ExtractError::NotFollowed("not a regular file (device, socket or pipe)".to_owned());
            out.skipped.push(Skipped::new(rel, &reason));
            continue;
        }
        if crate::meta::manifest::is_manifest_name(entry.file_name()) {
            // The archive's or a folder's own metadata, read by `meta`.
            continue;
        }
        let format = match format_of(entry.path()) {
            Ok(format) => format,
            Err(reason) => {
                out.skipped.push(Skipped::new(rel, &reason));
                continue;
            }
        };
        // Opening now reports unreadable files with the walk, before any
        // indexing work is spent on the archive.
        let size = match File::open(entry.path()).and_then(|f| f.metadata()) {
            Ok(meta) => meta.len(),
            Err(e) => {
                let reason =
                    ExtractError::Unreadable(format!("cannot open file: {}", read::describe(&e)));
                out.skipped.push(Skipped::new(rel, &reason));
                continue;
            }
        };
        out.files.push(ArchiveFile {
            path: entry.into_path(),
            rel,
            format,
            size,
        });
    }
    out.files
        .sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.path.cmp(&b.path)));
    skip_clashing_names(&mut out);
    out.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Fails with an actionable message when `root` cannot be walked at all.
fn check_root(root: &Path) -> crate::Result<()> {
    let err = |message: String| Error::Archive {
        path: root.to_path_buf(),
        message,
    };
    match fs::metadata(root) {
        Ok(meta) if meta.is_dir() => fs::read_dir(root)
            .map(drop)
            .map_err(|e| err(format!("cannot list the folder: {}", read::describe(&e)))),
        Ok(_) => Err(err(
            "is not a folder; give the folder that holds the documents, not a file".to_owned(),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(err(
            "folder not found; check the path of the archive folder".to_owned(),
        )),
        Err(e) => Err(err(format!(
            "cannot open the folder: {}",
            read::describe(&e)
        ))),
    }
}

pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// Whether `entry` is a link leading outside the archive whose canonical
/// root is `real_root` (such links are never followed).
pub(crate) fn leaves_archive(entry: &walkdir::DirEntry, real_root: &Path) -> bool {
    entry.path_is_symlink()
        && !entry
            .path()
            .canonicalize()
            .is_ok_and(|real| real.starts_with(real_root))
}

/// The format of a supported file, or why it is not indexed.
fn format_of(path: &Path) -> Result<Format, ExtractError> {
    let Some(ext) = path.extension() else {
        return Err(ExtractError::UnsupportedFormat(
            "unsupported file type (no extension)".to_owned(),
        ));
    };
    let ext = ext.to_string_lossy().to_lowercase();
    match ext.as_str() {
        "txt" => Ok(Format::Text),
        "md" | "markdown" => Ok(Format::Markdown),
        "html" | "htm" => Ok(Format::Html),
        "pdf" => Ok(Format::Pdf),
        "xlsx" | "xlsm" => Ok(Format::Xlsx),
        "xls" => Ok(Format::Xls),
        "ods" => Ok(Format::Ods),
        "docx" => Ok(Format::Docx),
        "csv" => Ok(Format::Csv),
        "tsv" | "tab" => Ok(Format::Tsv),
        "doc" | "odt" | "rtf" => Err(ExtractError::UnsupportedFormat(format!(
            "unsupported file type .{ext}: save it as .docx or PDF to index it"
        ))),
        "ppt" | "pptx" | "odp" => Err(ExtractError::UnsupportedFormat(format!(
            "unsupported file type .{ext}: save it as PDF to index it"
        ))),
        _ => Err(ExtractError::UnsupportedFormat(format!(
            "unsupported file type .{ext}"
        ))),
    }
}

/// `path` relative to `root`, '/'-separated. Names that are not UTF-8
/// (Shift_JIS names from old Windows archives) are converted lossily; the
/// real path stays in [`ArchiveFile::path`].
fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// `rel` identifies a document, so it must be unique; lossy conversion can
/// map two different non-UTF-8 names to the same string. Keeps the first
/// of each clash (`files` is sorted) and skips the others.
fn skip_clashing_names(out: &mut Walk) {
    let mut kept: Vec<ArchiveFile> = Vec::with_capacity(out.files.len());
    for file in out.files.drain(..) {
        if kept.last().is_some_and(|k| k.rel == file.rel) {
            let reason = ExtractError::NameClash(
                "file name is not valid UTF-8 and reads the same as another file's; \
                 rename it in UTF-8"
                    .to_owned(),
            );
            out.skipped.push(Skipped::new(file.rel, &reason));
        } else {
            kept.push(file);
        }
    }
    out.files = kept;
}

/// `ELOOP` on Linux and the BSDs ("too many levels of symbolic links").
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

fn walk_error_reason(err: &walkdir::Error) -> ExtractError {
    if err.loop_ancestor().is_some() {
        return ExtractError::NotFollowed(
            "symlink loop (the link points to a folder that contains it); not followed".to_owned(),
        );
    }
    let is_link = err
        .path()
        .and_then(|p| fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    match err.io_error() {
        Some(e) if is_link && e.kind() == io::ErrorKind::NotFound => {
            ExtractError::NotFollowed("broken symbolic link (its target does not exist)".to_owned())
        }
        // ELOOP: links that point at each other (a → b → a) never reach a
        // file; the kernel gives up after 40 hops.
        Some(e) if is_link && e.raw_os_error() == Some(ELOOP) => ExtractError::NotFollowed(
            "symlink loop (links that point at each other, never reaching a file); \
                 not followed"
                .to_owned(),
        ),
        Some(e) => ExtractError::Unreadable(format!("cannot read: {}", read::describe(e))),
        None => ExtractError::Unreadable(format!("cannot read: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, content: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    fn reason<'a>(walk: &'a Walk, rel: &str) -> &'a str {
        let found = walk.skipped.iter().find(|s| s.rel == rel);
        &found.unwrap_or_else(|| panic!("{rel} not skipped")).reason
    }

    #[test]
    fn walk_takes_supported_files_sorted_and_explains_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "b/計画.TXT",
            "a.md",
            "b/nested/deep/page.htm",
            "c.Html",
            "z.markdown",
            "report.pdf",
            "old.doc",
            "README",
            "manifest.csv",
            "b/manifest.csv",
            ".hidden.txt",
            ".git/config.txt",
            "b/.cache/x.txt",
        ] {
            write(root, rel, "架空市");
        }
        let w = walk(root).unwrap();
        let rels: Vec<_> = w.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "a.md",
                "b/nested/deep/page.htm",
                "b/計画.TXT",
                "c.Html",
                "report.pdf",
                "z.markdown"
            ]
        );
        let formats: Vec<_> = w.files.iter().map(|f| f.format).collect();
        use Format::*;
        assert_eq!(formats, [Markdown, Html, Text, Html, Pdf, Markdown]);
        assert!(w.files.iter().all(|f| f.size == "架空市".len() as u64));
        assert!(w.files[2].path.ends_with("b/計画.TXT"));

        let skipped: Vec<_> = w.skipped.iter().map(|s| s.rel.as_str()).collect();
        // A folder's manifest.csv is its metadata, like the root's: never a document.
        assert_eq!(skipped, ["README", "old.doc"]);
        assert_eq!(
            reason(&w, "old.doc"),
            "unsupported file type .doc: save it as .docx or PDF to index it"
        );
        assert_eq!(reason(&w, "README"), "unsupported file type (no extension)");
    }

    #[test]
    fn unusable_root_is_an_error_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let missing = walk(&dir.path().join("nope")).unwrap_err().to_string();
        assert!(missing.contains("folder not found"), "{missing}");
        write(dir.path(), "f.txt", "x");
        let file = walk(&dir.path().join("f.txt")).unwrap_err().to_string();
        assert!(file.contains("not a folder"), "{file}");
    }

    #[cfg(unix)]
    #[test]
    fn links_loops_and_non_utf8_names() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::symlink;

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "docs/plan.txt", "計画");
        symlink(root.join("docs"), root.join("docs/loop")).unwrap();
        symlink(root.join("gone.txt"), root.join("broken.txt")).unwrap();
        symlink(root.join("docs/plan.txt"), root.join("alias.txt")).unwrap();
        // File links pointing at each other: ELOOP, not "cannot read".
        symlink(root.join("pong.txt"), root.join("ping.txt")).unwrap();
        symlink(root.join("ping.txt"), root.join("pong.txt")).unwrap();
        // "あ.txt" and "い.txt" in Shift_JIS: both become "��.txt".
        for name in [b"\x82\xa0.txt", b"\x82\xa2.txt"] {
            fs::write(root.join(OsStr::from_bytes(name)), "x").unwrap();
        }

        let w = walk(root).unwrap();
        let rels: Vec<_> = w.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels.len(), 3, "{rels:?}");
        assert_eq!(rels[..2], ["alias.txt", "docs/plan.txt"]);
        assert!(rels[2].contains('\u{fffd}') && rels[2].ends_with(".txt"));
        assert!(w.files[2].path.exists(), "real path is kept");

        assert!(reason(&w, "docs/loop").contains("symlink loop"));
        assert!(reason(&w, "ping.txt").contains("symlink loop"));
        assert!(reason(&w, "pong.txt").contains("symlink loop"));
        assert!(reason(&w, "broken.txt").contains("broken symbolic link"));
        assert!(reason(&w, rels[2]).contains("not valid UTF-8"));
    }

    #[cfg(unix)]
    #[test]
    fn links_leading_outside_the_root_are_not_followed() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.txt", "秘密");
        write(outside.path(), "dir/other.txt", "秘密");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "in/plan.txt", "計画");
        symlink(outside.path().join("secret.txt"), root.join("passwd.txt")).unwrap();
        symlink(outside.path().join("dir"), root.join("in/elsewhere")).unwrap();
        symlink(root.join("in"), root.join("inside")).unwrap();
        let w = walk(root).unwrap();
        let rels: Vec<_> = w.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["in/plan.txt", "inside/plan.txt"], "{:?}", w.skipped);
        for rel in ["passwd.txt", "in/elsewhere"] {
            assert!(
                reason(&w, rel).contains("outside the archive folder"),
                "{rel}"
            );
        }
    }
}
