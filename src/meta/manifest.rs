//! `manifest.csv`: the archivist's own metadata, which beats anything
//! inferred. One at the archive's root covers the whole archive; one inside
//! a folder covers that folder's files (its paths are relative to that
//! folder), and for the same file the nearer manifest wins.

use std::collections::HashMap;
use std::path::Path;

use super::wareki;
use super::{Manifest, ManifestRow};
use crate::analysis::normalize::normalize_inline;

pub const FILE_NAME: &str = "manifest.csv";

/// The accepted columns, in the documented order.
pub const COLUMNS: &[&str] = &[
    "path",
    "city",
    "prefecture",
    "year",
    "department",
    "title",
    "doc_type",
    "source_url",
];

/// Largest manifest read: ample for millions of rows.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

fn error(path: &Path, message: impl Into<String>) -> crate::Error {
    crate::Error::Manifest {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Reads `root/manifest.csv` and every folder's own `manifest.csv`, merged
/// into one manifest keyed by paths relative to `root`; `Ok(None)` when
/// there is none. A malformed root manifest is an error; a malformed folder
/// manifest is a problem (its rows are unused), so one folder's mistake does
/// not stop the whole archive.
pub fn load(root: &Path) -> crate::Result<Option<Manifest>> {
    let mut merged = load_file(&root.join(FILE_NAME))?;
    for (folder, path) in folder_manifests(root) {
        let found = match load_file(&path) {
            Ok(Some(m)) => m,
            Ok(None) => continue,
            Err(e) => {
                merged
                    .get_or_insert_with(Manifest::default)
                    .problems
                    .push(format!("{e}; the folder's manifest is unused"));
                continue;
            }
        };
        let into = merged.get_or_insert_with(Manifest::default);
        let name = path
            .file_name()
            .map_or(Default::default(), |n| n.to_string_lossy());
        let label = format!("{folder}/{name}");
        into.problems
            .extend(found.problems.into_iter().map(|p| format!("{label}: {p}")));
        // Folders come shallowest first: a nearer manifest's row replaces
        // a farther one's for the same file.
        for (rel, mut row) in found.rows {
            let key = format!("{folder}/{rel}");
            row.path = key.clone();
            if let Some(&line) = found.lines.get(&rel) {
                into.lines.insert(key.clone(), line);
            }
            into.rows.insert(key, row);
        }
    }
    Ok(merged)
}

/// The `manifest.csv` files below `root` (not the root's own), as
/// ('/'-separated folder relative to `root`, path), shallowest first. The
/// walk sees what the archive walk sees: hidden entries are left out and
/// links leading outside the archive are not followed.
fn folder_manifests(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(real_root) = root.canonicalize() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !crate::archive::is_hidden(e.file_name()));
    while let Some(entry) = entries.next() {
        let Ok(entry) = entry else { continue };
        if crate::archive::leaves_archive(&entry, &real_root) {
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        if entry.depth() < 2 || !entry.file_type().is_file() || !is_manifest_name(entry.file_name())
        {
            continue;
        }
        let Some(folder) = entry
            .path()
            .parent()
            .and_then(|p| p.strip_prefix(root).ok())
        else {
            continue;
        };
        let folder: Vec<_> = folder
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        found.push((entry.depth(), folder.join("/"), entry.into_path()));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, f, p)| (f, p)).collect()
}

/// Whether a file is a manifest by its name (any case, as the archive walk
/// compares it).
pub fn is_manifest_name(name: &std::ffi::OsStr) -> bool {
    name.eq_ignore_ascii_case(FILE_NAME)
}

/// Reads one manifest file; `Ok(None)` when it does not exist.
fn load_file(path: &Path) -> crate::Result<Option<Manifest>> {
    let path = path.to_path_buf();
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error(&path, format!("cannot read: {e}"))),
    };
    // Bounded before reading: a manifest is a few bytes per document.
    let too_large = || {
        error(
            &path,
            format!(
                "is larger than {} MiB; is this really the manifest?",
                MAX_BYTES >> 20
            ),
        )
    };
    if file.metadata().map(|m| m.len()).unwrap_or(0) > MAX_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_BYTES + 1), &mut bytes)
        .map_err(|e| error(&path, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large());
    }
    // Decoded like any archive file: Shift_JIS and EUC-JP manifests from
    // older Windows and Unix systems are common.
    let text = crate::archive::decode_text(bytes)
        .map_err(|e| error(&path, format!("cannot decode: {e}; save it as UTF-8")))?;
    parse(&text, &path).map(Some)
}

/// Parses manifest text; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> crate::Result<Manifest> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let expected = COLUMNS.join(",");
    let headers = reader
        .headers()
        .map_err(|e| error(path, format!("unreadable header: {e}")))?
        .clone();
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim();
        let Some(&known) = COLUMNS.iter().find(|&&c| c.eq_ignore_ascii_case(name)) else {
            return Err(error(
                path,
                format!("line 1: unknown column {name:?}; expected the columns {expected}"),
            ));
        };
        if columns.insert(known, i).is_some() {
            return Err(error(
                path,
                format!("line 1: column {known:?} appears twice"),
            ));
        }
    }
    if !columns.contains_key("path") {
        return Err(error(
            path,
            format!(
                "line 1: the required column \"path\" is missing; expected the columns {expected}"
            ),
        ));
    }

    let mut manifest = Manifest::default();
    let width = headers.len();
    // Rows are read from `rest`, which starts at physical line `first_line`:
    // after a row with an unclosed quote, reading resumes on the next line,
    // so the quote never swallows the rows after it.
    let body_start = reader.position().byte() as usize;
    let mut rest = &text[body_start.min(text.len())..];
    let mut first_line = reader.position().line();
    'rows: loop {
        let mut rows = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(rest.as_bytes());
        let mut record = csv::StringRecord::new();
        loop {
            let start = rows.position().clone();
            let more = rows.read_record(&mut record).map_err(|e| {
                let line = e.position().map_or(0, |p| p.line()) + first_line - 1;
                error(path, format!("line {line}: {e}"))
            })?;
            if !more {
                break 'rows;
            }
            let line = start.line() + first_line - 1;
            let end_line = rows.position().line() + first_line - 1;
            if end_line > line + 1 || record.iter().any(|f| f.contains('\n')) {
                manifest.problems.push(format!(
                    "line {line}: a quoted field is not closed on its line (it runs into line {}); \
                     row skipped, reading goes on at line {}",
                    line + 1,
                    line + 1
                ));
                let from = start.byte() as usize;
                let next = rest[from..].find('\n').map(|i| from + i + 1);
                match next {
                    Some(next) if next < rest.len() => {
                        rest = &rest[next..];
                        first_line = line + 1;
                        continue 'rows;
                    }
                    _ => break 'rows,
                }
            }
            if record.len() > width {
                manifest.problems.push(format!(
                    "line {line}: {} columns where the header has {width}; row skipped",
                    record.len()
                ));
                continue;
            }
            if record.len() < width && !record.iter().all(|f| f.trim().is_empty()) {
                manifest.problems.push(format!(
                    "line {line}: {} columns where the header has {width}; the missing ones are taken as empty",
                    record.len()
                ));
            }
            manifest_row(&mut manifest, &record, line, &columns, path);
        }
    }
    Ok(manifest)
}

/// Takes one manifest row (or reports why not).
fn manifest_row(
    manifest: &mut Manifest,
    record: &csv::StringRecord,
    line: u64,
    columns: &HashMap<&str, usize>,
    _path: &Path,
) {
    {
        let field = |name: &str| {
            columns
                .get(name)
                .and_then(|&i| record.get(i))
                .map(normalize_inline)
                .filter(|v| !v.is_empty())
        };
        let rel = columns
            .get("path")
            .and_then(|&i| record.get(i))
            .map(normalize_rel)
            .unwrap_or_default();
        if rel.is_empty() {
            if record.iter().all(|f| f.trim().is_empty()) {
                return; // a blank line
            }
            manifest
                .problems
                .push(format!("line {line}: empty path; row skipped"));
            return;
        }
        if rel.split('/').any(|part| part == "..") {
            manifest.problems.push(format!(
                "line {line}: path {rel:?} leads outside the archive folder; row skipped"
            ));
            return;
        }
        let year = match field("year") {
            None => None,
            Some(y) => match wareki::parse_year_value(&y) {
                Some(y) => Some(y),
                None => {
                    manifest
                        .problems
                        .push(format!("line {line}: year {y:?} is not a year (e.g. 2021 or 令和3年度); row skipped"));
                    return;
                }
            },
        };
        if manifest.rows.contains_key(&rel) {
            manifest.problems.push(format!(
                "line {line}: duplicate path {rel:?}; the first row is kept"
            ));
            return;
        }
        let row = ManifestRow {
            path: rel.clone(),
            city: field("city"),
            prefecture: field("prefecture"),
            year,
            department: field("department"),
            title: field("title"),
            doc_type: field("doc_type"),
            source_url: field("source_url"),
        };
        manifest.lines.insert(rel.clone(), line);
        manifest.rows.insert(rel, row);
    }
}

/// Paths are matched against the archive's '/'-separated relative paths, so
/// only separators and a leading `./` are normalized; the name itself is
/// kept byte for byte.
fn normalize_rel(raw: &str) -> String {
    let p = raw.trim().replace('\\', "/");
    let p = p.trim_start_matches("./").trim_start_matches('/');
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> crate::Result<Manifest> {
        parse(text, Path::new("archive/manifest.csv"))
    }

    #[test]
    fn good_manifest() {
        let m = parse_str(
            "\u{feff}path,city,prefecture,year,department,title,doc_type,source_url\n\
             2021/a.txt,豊中市,大阪府,2021,都市経営部,令和3年度 都市経営部の運営方針,部局運営方針,https://example.jp/a\n\
             ./2020\\b.txt,堺市,,令和2年度,,,,\n",
        )
        .unwrap();
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let a = m.get("2021/a.txt").unwrap();
        assert_eq!(a.city.as_deref(), Some("豊中市"));
        assert_eq!(a.year, Some(2021));
        assert_eq!(a.doc_type.as_deref(), Some("部局運営方針"));
        let b = m.get("2020/b.txt").unwrap();
        assert_eq!(b.year, Some(2020));
        assert_eq!(b.prefecture, None);
        assert_eq!(b.department, None);
    }

    #[test]
    fn columns_may_be_a_subset_in_any_order() {
        let m = parse_str("year,path\n2019,x.txt\n").unwrap();
        assert_eq!(m.get("x.txt").unwrap().year, Some(2019));
    }

    #[test]
    fn values_are_normalized() {
        let m = parse_str("path,city,department\nx.txt, 豊中市 ,都市　経営部\n").unwrap();
        let x = m.get("x.txt").unwrap();
        assert_eq!(x.city.as_deref(), Some("豊中市"));
        assert_eq!(x.department.as_deref(), Some("都市 経営部"));
    }

    #[test]
    fn bad_rows_are_problems_not_errors() {
        let m = parse_str(
            "path,city,year\n\
             a.txt,豊中市,2021\n\
             b.txt,豊中市,来年\n\
             ,豊中市,2020\n\
             a.txt,堺市,2022\n\
             c.txt,堺市\n",
        )
        .unwrap();
        assert_eq!(m.rows.len(), 2, "{:?}", m.rows);
        assert_eq!(m.get("a.txt").unwrap().city.as_deref(), Some("豊中市"));
        assert_eq!(m.get("c.txt").unwrap().year, None);
        assert_eq!(m.problems.len(), 4, "{:?}", m.problems);
        assert!(m.problems[0].starts_with("line 3:"), "{}", m.problems[0]);
        assert!(m.problems[1].starts_with("line 4:"), "{}", m.problems[1]);
        assert!(m.problems[2].contains("duplicate"), "{}", m.problems[2]);
        assert!(
            m.problems[3].starts_with("line 6: 2 columns"),
            "{}",
            m.problems[3]
        );
    }

    #[test]
    fn bad_header_is_an_error_naming_the_columns() {
        for text in ["file,city\na.txt,x\n", "city,year\nx,2020\n"] {
            let e = parse_str(text).unwrap_err().to_string();
            assert!(e.contains("path,city,prefecture,year"), "{e}");
            assert!(e.contains("manifest.csv"), "{e}");
        }
    }

    #[test]
    fn missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none());
        std::fs::write(dir.path().join(FILE_NAME), "path,year\na.txt,2003\n").unwrap();
        let m = load(dir.path()).unwrap().unwrap();
        assert_eq!(m.get("a.txt").unwrap().year, Some(2003));
        std::fs::write(dir.path().join(FILE_NAME), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        assert!(load(dir.path()).is_err());
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_never_merge() {
        let m = parse_str(
            "path,city,year\n\
             a.txt,架空市,2021\n\
             b.txt,見本市\n\
             ../../etc/passwd,架空市,2020\n\
             c.txt,\"仮想町,2019\n\
             d.txt,試作村,2018\n\
             e.txt,架空市,2017,extra\n",
        )
        .unwrap();
        let rows: Vec<&str> = {
            let mut r: Vec<&str> = m.rows.keys().map(String::as_str).collect();
            r.sort();
            r
        };
        assert_eq!(rows, ["a.txt", "b.txt", "d.txt"], "{:?}", m.problems);
        let problems = m.problems.join("\n");
        assert!(
            problems.contains("line 3: 2 columns where the header has 3; the missing"),
            "{problems}"
        );
        assert!(
            problems.contains("line 4: path \"../../etc/passwd\" leads outside"),
            "{problems}"
        );
        assert!(
            problems.contains("line 5: a quoted field is not closed"),
            "{problems}"
        );
        assert!(
            problems.contains("line 7: 4 columns where the header has 3; row skipped"),
            "{problems}"
        );
        assert_eq!(m.lines.get("d.txt"), Some(&6));
        assert_eq!(m.get("d.txt").unwrap().city.as_deref(), Some("試作村"));
    }

    #[test]
    fn a_shift_jis_manifest_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let text = "path,city,department\r\n計画.txt,架空市,都市整備部\r\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        std::fs::write(dir.path().join(FILE_NAME), &bytes).unwrap();
        let m = load(dir.path()).unwrap().unwrap();
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let row = m.get("計画.txt").expect("the Shift_JIS path matches");
        assert_eq!(row.department.as_deref(), Some("都市整備部"));
    }

    #[test]
    fn a_folders_manifest_covers_its_files_and_the_nearer_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            FILE_NAME,
            "path,city,year,department\n\
             kakuu/a.txt,架空市,2020,総務部\n\
             kakuu/old/b.txt,架空市,2019,\n\
             top.txt,見本町,2018,\n",
        );
        // Paths relative to the folder; b.txt's row replaces the root's.
        write(
            "kakuu/old/manifest.csv",
            "path,year,doc_type\nb.txt,2015,会議録\nsub/c.txt,2016,\n",
        );
        write(
            "kakuu/MANIFEST.CSV",
            "path,department\nd.txt,議会\nd.txt,財政課\n",
        );
        write("bad/manifest.csv", "file,city\nx.txt,架空市\n");
        write(".hidden/manifest.csv", "path,year\nz.txt,2001\n");
        let m = load(root).unwrap().unwrap();
        let year = |rel: &str| m.get(rel).and_then(|r| r.year);
        assert_eq!(year("kakuu/a.txt"), Some(2020));
        assert_eq!(year("kakuu/old/b.txt"), Some(2015));
        assert_eq!(
            m.get("kakuu/old/b.txt").unwrap().city,
            None,
            "a row is replaced whole, not merged"
        );
        assert_eq!(m.get("kakuu/old/b.txt").unwrap().path, "kakuu/old/b.txt");
        assert_eq!(year("kakuu/old/sub/c.txt"), Some(2016));
        assert_eq!(year("top.txt"), Some(2018));
        assert_eq!(
            m.get("kakuu/d.txt").unwrap().department.as_deref(),
            Some("議会")
        );
        assert!(m.get("z.txt").is_none() && m.get(".hidden/z.txt").is_none());
        assert_eq!(m.lines.get("kakuu/old/sub/c.txt"), Some(&3));
        let problems = m.problems.join("\n");
        assert!(
            problems.contains("kakuu/MANIFEST.CSV: line 3: duplicate"),
            "{problems}"
        );
        assert!(
            problems.contains("bad/manifest.csv") && problems.contains("unknown column"),
            "{problems}"
        );

        // Folder manifests alone, without one at the root.
        std::fs::remove_file(root.join(FILE_NAME)).unwrap();
        let m = load(root).unwrap().unwrap();
        assert_eq!(m.get("kakuu/old/b.txt").unwrap().year, Some(2015));
        assert!(m.get("kakuu/a.txt").is_none());
    }
}
