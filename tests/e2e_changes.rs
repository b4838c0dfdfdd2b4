//! End-to-end: the 経年比較 view (#13) in headless Chromium over the real
//! corpus (`../shared/corpus`): from a Toyonaka document to the comparison
//! of 2020 and 2022, a renamed initiative side by side, and its history.
//! Skips when chromium, chromedriver or `../shared` is missing (outside CI).

mod common;
mod e2e;

use std::path::Path;

use e2e::Driver;
use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::Engine;
use serde_json::json;

#[test]
fn changes_view_compares_two_years() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let Some(browsers) = e2e::browsers() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let analyzer = common::analyzer();
    let options = IndexOptions {
        progress: false,
        threads: 1,
        ..Default::default()
    };
    writer::index_archive(&shared.join("corpus"), dir.path(), &analyzer, &options)
        .expect("the corpus indexes");
    let handle = IndexHandle::open(dir.path(), analyzer).unwrap();
    let base = common::serve(Engine::new(handle, Synonyms::builtin()));
    let (_, series) =
        common::get_json(&format!("{base}/api/series?city={}", common::enc("豊中市")));
    let newer = series["series"][0]["documents"][1]["doc_id"]
        .as_str()
        .unwrap()
        .to_string();

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    let d = Driver::start(&browsers, &shots);
    // A hit of a document in a series links to the initiative's history.
    d.goto(&format!("{base}/?q={}", common::enc("地域創生塾")));
    d.wait_js(
        "a history link on a Toyonaka hit",
        "return [...document.querySelectorAll('[data-testid=hit-history]')].some((a) => !a.hidden);",
        json!([]),
    );
    // From the document view.
    d.goto(&format!("{base}/documents/{newer}"));
    d.wait_el("[data-testid=changes-link]").click();
    d.wait_url("the changes page", |u| u.contains("/changes?doc="));
    d.wait_js(
        "the comparison",
        "return document.querySelectorAll('[data-testid=continued-item]').length > 0;",
        json!([]),
    );
    let texts = |css: &str| -> Vec<String> {
        serde_json::from_value(d.js(
            "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim());",
            json!([css]),
        ))
        .unwrap()
    };
    assert_eq!(texts("[data-testid=new] li"), vec!["人づくり・組織づくり"]);
    assert_eq!(
        texts("[data-testid=dropped] li"),
        vec!["名誉市民の顕彰", "新型コロナウイルス感染症対策の推進"]
    );
    let years =
        texts("[data-testid=from-year] option:checked, [data-testid=to-year] option:checked");
    assert_eq!(years, vec!["2020年度", "2022年度"]);
    // A renamed initiative, side by side with the changed words marked.
    let idx = texts("[data-testid=continued-item]")
        .iter()
        .position(|t| t.starts_with("都市政策に関する調査・研究および地域人材の育成"))
        .expect("the renamed initiative is listed as continued");
    d.find_all("[data-testid=continued-item] [data-testid=side-by-side]")[idx].click();
    d.wait_js(
        "the side-by-side text",
        "return document.querySelector('[data-testid=diff-pair] ins') !== null;",
        json!([]),
    );
    let inserted = texts("[data-testid=diff-pair] h4 ins").concat();
    assert!(inserted.contains("地域"), "{inserted}");
    assert!(!texts("[data-testid=diff-from]")[0].is_empty());
    d.screenshot("changes-side-by-side");
    // Changing the older year reloads the comparison from the URL.
    d.goto(&format!("{base}/changes?doc={newer}"));
    d.wait_el("[data-testid=continued-item]");
    // One initiative through the years, from a document's section.
    d.goto(&format!("{base}/documents/{newer}"));
    // The document arrives streamed: wait for its passages.
    d.wait_el("[data-testid=history-link]");
    let links = d.find_all("[data-testid=history-link]");
    assert!(!links.is_empty());
    links[0].click();
    d.wait_js(
        "the history",
        "return document.querySelectorAll('[data-testid=history-item]').length === 2;",
        json!([]),
    );
    let items = texts("[data-testid=history-item]");
    assert!(
        items[0].starts_with("2020年度") && items[1].starts_with("2022年度"),
        "{items:?}"
    );
    d.screenshot("changes-history");
    // The figures of a document as a table (Mitaka 2019: its budget in yen).
    let (_, docs) = common::get_json(&format!("{base}/api/documents?limit=100"));
    let mitaka = docs["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["file"].as_str().unwrap().contains("003_d4ac096ac4b37585"))
        .unwrap()["doc_id"]
        .as_str()
        .unwrap()
        .to_string();
    d.goto(&format!("{base}/documents/{mitaka}"));
    d.wait_el("[data-testid=doc-figures] summary").click();
    d.wait_el("[data-testid=figure-row]");
    let rows = texts("[data-testid=figure-row]");
    assert!(
        rows.iter()
            .any(|r| r.contains("10,388,461,000 円") && r.contains("一般会計")),
        "{rows:?}"
    );
    d.screenshot("document-figures");
    // A search lists the figures of its passages across cities and years.
    d.goto(&format!("{base}/?q={}", common::enc("連携協定")));
    d.wait_el("[data-testid=search-figures] summary").click();
    d.wait_el("[data-testid=search-figures] [data-testid=figure-row]");
    let rows = texts("[data-testid=search-figures] [data-testid=figure-row]");
    assert!(
        rows.iter()
            .any(|r| r.contains("豊中市") && r.contains("19")),
        "{rows:?}"
    );
    d.screenshot("search-figures");
}
