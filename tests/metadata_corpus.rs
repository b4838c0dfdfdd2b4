//! Acceptance: with no manifest, `meta::infer` reproduces the true metadata
//! of the 13 documents listed in `../shared/corpus/expected.csv`.
//!
//! The corpus is read in place (never copied). Without `../shared` the test
//! passes with a note, unless `CI=true`. Run with `--nocapture` for the
//! per-field table.

use std::path::{Path, PathBuf};

use plansearch::archive::{self, Extracted};
use plansearch::meta::{DocMeta, Sourced, infer};

/// `$PLANSEARCH_SHARED`, else `../shared` next to the project; a git
/// worktree one level deeper (`wt/<branch>/`) finds it at `../../shared`.
fn shared() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = std::env::var_os("PLANSEARCH_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared"), root.join("../../shared")])
        .find(|d| d.join("corpus").is_dir());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} is missing (required in CI)",
            root.join("../shared").display()
        );
        eprintln!(
            "note: {} not found; corpus test skipped",
            root.join("../shared").display()
        );
    }
    found
}

/// The file as the indexer reads it: the real archive module.
fn extract(corpus: &Path, rel: &str) -> Extracted {
    let walk = archive::walk(corpus).expect("the corpus folder walks");
    let file = walk
        .files
        .iter()
        .find(|f| f.rel == rel)
        .unwrap_or_else(|| panic!("{rel} is not a file the archive walk takes"));
    archive::extract(file).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

// ------------------------------------------------------------------------

fn value<T: ToString>(f: &Option<Sourced<T>>) -> String {
    f.as_ref().map(|s| s.value.to_string()).unwrap_or_default()
}

fn find(corpus: &Path, file: &str) -> Option<String> {
    ["seeds", "otaru", "nobeoka"]
        .iter()
        .find(|d| corpus.join(d).join(file).is_file())
        .map(|d| format!("{d}/{file}"))
}

#[test]
fn infers_expected_metadata_without_manifest() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus");
    let mut reader = csv::Reader::from_path(corpus.join("expected.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (c_file, c_city, c_pref, c_code, c_year, c_dept, c_head, c_type) = (
        col("file"),
        col("city"),
        col("prefecture"),
        col("city_code"),
        col("year"),
        col("department"),
        col("head"),
        col("doc_type"),
    );

    let mut failures = Vec::new();
    let mut rows = 0;
    for record in reader.records() {
        let r = record.unwrap();
        rows += 1;
        let file = &r[c_file];
        let rel = find(&corpus, file).unwrap_or_else(|| panic!("{file} not found in the corpus"));
        let meta: DocMeta = infer(&rel, &extract(&corpus, &rel), None);

        let mut check = |field: &str, ok: bool, got: String, want: &str| {
            let mark = if ok { "ok  " } else { "FAIL" };
            println!("{mark} {file:<52} {field:<10} got {got:?} want {want:?}");
            if !ok {
                failures.push(format!("{file}: {field}: got {got:?}, want {want:?}"));
            }
        };
        for (field, got, want) in [
            ("city", value(&meta.city), &r[c_city]),
            ("prefecture", value(&meta.prefecture), &r[c_pref]),
            ("city_code", value(&meta.city_code), &r[c_code]),
        ] {
            check(field, got == want, got.clone(), want);
        }
        let years: Vec<&str> = r[c_year].split('|').collect();
        let got = value(&meta.year);
        check("year", years.contains(&got.as_str()), got, &r[c_year]);
        // An empty expectation means "must not be inferred".
        for (field, got, want) in [
            ("department", value(&meta.department), &r[c_dept]),
            ("head", value(&meta.head), &r[c_head]),
        ] {
            check(field, got == want, got.clone(), want);
        }
        let got = value(&meta.doc_type);
        check("doc_type", got == r[c_type], got.clone(), &r[c_type]);
    }
    assert_eq!(rows, 13, "expected.csv should list 13 documents");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
