//! End-to-end: the web UI in headless Chromium (through chromedriver, W3C
//! WebDriver over HTTP) against the real server over the sample archive.
//!
//! One browser session walks through every view; each step saves a
//! screenshot to `target/e2e-screenshots/`. Skips when chromium or
//! chromedriver is missing, unless `CI=true` (then it fails).

mod common;
mod e2e;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use e2e::{Driver, ENTER};
use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::Engine;
use serde_json::{Value, json};

/// The whole walk-through must finish within this (it takes a few seconds).
const TOTAL_LIMIT: Duration = Duration::from_secs(180);

/// The sample archive plus one HTML page whose text contains markup as
/// literal text (`&lt;script&gt;…`), copied into `dir`.
fn archive_with_fixture(dir: &Path) -> PathBuf {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let archive = dir.join("archive");
    copy_dir(&root.join("sample/archive"), &archive);
    std::fs::copy(
        root.join("tests/e2e/escape_fixture.html"),
        archive.join("kakuu/2021/web_tenken_kekka.html"),
    )
    .unwrap();
    archive
}

struct Ctx {
    d: Driver,
    base: String,
    started: Instant,
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A JSON API response, for cross-checking what the page shows.
    fn api(&self, path: &str) -> Value {
        let (status, v) = common::get_json(&self.url(path));
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    fn shot(&self, name: &str) {
        let p = self.d.screenshot(name);
        eprintln!(
            "  [{:>5.1}s] screenshot {}",
            self.started.elapsed().as_secs_f64(),
            p.display()
        );
    }

    /// The whole page (beyond the viewport), for reviewing long pages.
    fn shot_full(&self, name: &str) {
        let p = self.d.screenshot_full(name);
        eprintln!(
            "  [{:>5.1}s] screenshot {}",
            self.started.elapsed().as_secs_f64(),
            p.display()
        );
    }

    /// Waits for the search results to settle (no request in flight) on a
    /// URL satisfying `pred`; returns the displayed total.
    fn wait_results(&self, what: &str, pred: impl Fn(&str) -> bool) -> u64 {
        self.d.wait_url(what, &pred);
        let v = self.d.wait_js(
            &format!("the results of {what}"),
            "const r = document.querySelector('.results');
             const c = document.querySelector('[data-testid=result-count]');
             if (!r || r.hasAttribute('aria-busy') || !c) return null;
             return c.getAttribute('data-total');",
            json!([]),
        );
        v.as_str().unwrap().parse().unwrap()
    }

    /// Texts of all elements matching `css`.
    fn texts(&self, css: &str) -> Vec<String> {
        let v = self.d.js(
            "return [...document.querySelectorAll(arguments[0])].map((e) => (e.innerText ?? e.textContent).trim());",
            json!([css]),
        );
        serde_json::from_value(v).unwrap()
    }

    fn count(&self, css: &str) -> usize {
        self.d
            .js(
                "return document.querySelectorAll(arguments[0]).length;",
                json!([css]),
            )
            .as_u64()
            .unwrap() as usize
    }

    fn no_alert(&self, when: &str) {
        if let Some(text) = self.d.alert_text() {
            panic!("an alert opened {when}: {text:?}");
        }
    }

    fn error_text(&self) -> Option<String> {
        let v = self.d.js(
            "const b = document.getElementById('error');
             return b && !b.hidden ? document.querySelector('[data-testid=error]').innerText : null;",
            json!([]),
        );
        v.as_str().map(str::to_string)
    }
}

/// One step of the walk-through.
type Step = fn(&Ctx);

/// Ends the whole test (closing the browser) if it hangs somewhere.
fn watchdog(limit: Duration, session_url: String, driver_pid: u32) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!("e2e_ui: still running after {limit:?}; giving up");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let _ = agent.delete(&session_url).call();
        let _ = std::process::Command::new("kill")
            .arg(driver_pid.to_string())
            .status();
        std::process::exit(101);
    });
}

#[test]
fn browser_walkthrough() {
    let Some(browsers) = e2e::browsers() else {
        return;
    };
    let started = Instant::now();

    // The real server over the sample archive (+ the escaping fixture).
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_with_fixture(dir.path());
    let index_dir = dir.path().join("index");
    let analyzer = common::analyzer();
    let options = IndexOptions {
        progress: false,
        threads: 1,
        ..Default::default()
    };
    let report = writer::index_archive(&archive, &index_dir, &analyzer, &options)
        .expect("the sample archive indexes");
    assert_eq!(report.documents, 12, "{:#?}", report.skipped);
    let handle = IndexHandle::open(&index_dir, analyzer).unwrap();
    let base = common::serve(Engine::new(handle, Synonyms::builtin()));

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    let d = Driver::start(&browsers, &shots);
    watchdog(TOTAL_LIMIT, d.session_url(), d.pid());
    eprintln!(
        "e2e_ui: server {base}, browser ready after {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let c = Ctx { d, base, started };

    let steps: [(&str, Step); 16] = [
        ("overview", step_overview),
        ("search", step_search),
        ("facet", step_city_facet),
        ("document", step_document),
        ("compare", step_compare),
        ("trend", step_trend),
        ("partial", step_partial),
        ("searched", step_searched),
        ("pages-sort-csv", step_pages_sort_csv),
        ("escaping", step_escaping),
        ("api-error", step_api_error),
        ("filters-only", step_filters_only),
        ("not-found", step_not_found),
        ("back-keeps-place", step_back_keeps_place),
        ("phone-document", step_phone_document),
        ("pdf-original", step_pdf_original),
    ];
    for (name, step) in steps {
        let t = Instant::now();
        eprintln!("step {name}");
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            step(&c);
            c.no_alert(&format!("during step {name}"));
        }));
        if let Err(panic) = run {
            // (No screenshot over an open alert: it would fail too.)
            if c.d.try_cmd("GET", "/alert/text", None).is_err() {
                c.shot(&format!("FAILED-{name}"));
            }
            std::panic::resume_unwind(panic);
        }
        eprintln!("  ok in {:.2}s", t.elapsed().as_secs_f64());
    }
    eprintln!(
        "e2e_ui: all steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

// -------------------------------------------------------------------------
// Steps (each starts from whatever page the previous one left open)
// -------------------------------------------------------------------------

/// Before typing anything, the home page shows what can be searched: how
/// many documents, which cities and years, each a link to those documents.
fn step_overview(c: &Ctx) {
    c.d.goto(&c.url("/"));
    let archive = c.api("/api/archive");
    let documents = archive["documents"].as_u64().unwrap();
    let totals = c.d.wait_el("[data-testid=overview-totals]").text();
    assert!(totals.starts_with(&format!("{documents}文書")), "{totals}");
    let cities = c.texts("[data-testid=overview-city] a");
    assert!(cities.iter().any(|t| t.starts_with("架空市")), "{cities:?}");
    let years = c.texts("[data-testid=overview-year] a");
    assert!(!years.is_empty(), "{years:?}");
    c.shot("00-overview");
    let n = c.api("/api/documents?city=%E6%9E%B6%E7%A9%BA%E5%B8%82")["total"]
        .as_u64()
        .unwrap();
    c.d.js(
        "[...document.querySelectorAll('[data-testid=overview-city] a')]
           .find((a) => a.textContent.startsWith('架空市')).click();",
        json!([]),
    );
    let shown = c.wait_results("the documents of 架空市", |u| u.contains("city="));
    assert_eq!(shown, n);
}

/// Type a query (suggestions appear), submit: hits with marked snippets.
fn step_search(c: &Ctx) {
    c.d.goto(&c.url("/"));
    let input = c.d.wait_el("[data-testid=search-input]");
    c.shot("01-home");
    input.send_keys("公民");
    c.d.wait_js(
        "suggestions for 公民",
        "const l = document.querySelector('[data-testid=suggestions]');
         return l && !l.hidden && l.querySelectorAll('[role=option]').length > 0;",
        json!([]),
    );
    let sugg = c.texts("[data-testid=suggestions] [role=option] .suggest__text");
    assert!(sugg.iter().any(|s| s == "公民連携"), "{sugg:?}");
    c.shot("02-suggestions");

    input.send_keys("連携");
    c.d.wait_el("[data-testid=search-submit]").click();
    let total = c.wait_results("the search for 公民連携", |u| {
        u.contains("?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA")
    });
    assert!(total > 0);
    let shown = c.d.wait_el("[data-testid=result-count]").text();
    assert_eq!(shown, format!("{total}件"));
    let hits = c.count("[data-testid=hit]");
    assert_eq!(hits as u64, total.min(10));
    // Snippets mark the matches; titles are non-empty links to documents.
    let marked = c.count("[data-testid=hit] .hit__snippet mark");
    assert!(marked >= hits, "{marked} marks in {hits} hits");
    let titles = c.texts("[data-testid=hit-title]");
    assert!(titles.iter().all(|t| !t.is_empty()), "{titles:?}");
    // Every term was found: no partial section.
    assert_eq!(c.count("[data-testid=partial]"), 0);
    // Facets for the real cities of the sample archive.
    let cities = c.texts("[data-testid=facet-city] .facet__text");
    for city in ["架空市", "試験市", "見本市"] {
        assert!(cities.iter().any(|x| x == city), "{cities:?}");
    }
    assert_eq!(
        c.d.wait_el("[data-testid=search-input]").prop("value"),
        json!("公民連携")
    );
    c.shot("03-search-results");
}

/// Tick one city: every hit is from that city; fewer results; `city=` in the URL.
fn step_city_facet(c: &Ctx) {
    let before: u64 =
        c.d.wait_el("[data-testid=result-count]")
            .attr("data-total")
            .unwrap()
            .parse()
            .unwrap();
    let checkbox =
        c.d.wait_el("[data-testid=facet-city] input[type=checkbox][value='試験市']");
    checkbox.click();
    let total = c.wait_results("the 試験市 facet", |u| {
        u.contains("city=%E8%A9%A6%E9%A8%93%E5%B8%82")
    });
    assert!(total > 0 && total < before, "{before} → {total}");
    let checked =
        c.d.wait_el("[data-testid=facet-city] input[type=checkbox][value='試験市']")
            .prop("checked");
    assert_eq!(checked, json!(true));
    let cities = c.texts("[data-testid=hit] .chip--city");
    assert_eq!(cities.len() as u64, total.min(10));
    assert!(cities.iter().all(|x| x.contains("試験市")), "{cities:?}");
    c.shot("04-city-facet");
}

/// Open a hit: title, metadata with source badges, sections, marked terms.
fn step_document(c: &Ctx) {
    let doc_title = c.texts("[data-testid=hit] .hit__doc")[0].clone();
    c.d.wait_el("[data-testid=hit-title]").click();
    let title = c.d.wait_el("[data-testid=doc-title]").text();
    assert_eq!(title, doc_title);
    let url = c.d.url();
    assert!(url.contains("/documents/") && url.contains("?q="), "{url}");
    let meta = c.d.wait_el("[data-testid=doc-meta]").text();
    assert!(meta.contains("試験市") && meta.contains("静岡県"), "{meta}");
    // Source badges ("出典：" is for screen readers only).
    let badges = c.texts("[data-testid=doc-meta] .badge");
    assert!(badges.iter().any(|b| b.ends_with("目録")), "{badges:?}");
    assert!(
        badges.iter().any(|b| b.ends_with("本文から推定")),
        "{badges:?}"
    );
    let sections = c.count("[data-testid=doc-section]");
    assert!(sections >= 2, "{sections} sections");
    let marks = c.texts("[data-testid=doc-section] mark");
    assert!(!marks.is_empty(), "no highlighted terms");
    // The linked passage is scrolled to and focused.
    let hash = url.split('#').nth(1).unwrap_or_default().to_string();
    assert!(!hash.is_empty(), "{url}");
    c.shot("05-document");
    c.shot_full("05-document-full");

    // Similar initiatives of the linked passage come from other cities.
    let toggle = c.d.wait_el(&format!("[id='{hash}'] .similar-toggle"));
    toggle.click();
    c.d.wait_js(
        "the similar panel",
        "const p = document.querySelector(`[id='${arguments[0]}'] .similar`);
         return p && !p.hidden && !p.querySelector('.loading') && p.innerText.length > 0;",
        json!([hash]),
    );
    let similar = c.texts(&format!("[id='{hash}'] .similar .chip--city"));
    assert!(similar.iter().all(|x| !x.contains("試験市")), "{similar:?}");
    c.shot("06-document-similar");
}

/// Back to the results, tick a second city, "compare": one column per city.
fn step_compare(c: &Ctx) {
    c.d.back();
    c.wait_results("the results again", |u| u.contains("city="));
    c.d.wait_el("[data-testid=facet-city] input[type=checkbox][value='架空市']")
        .click();
    c.wait_results("two cities", |u| u.matches("city=").count() == 2);
    c.d.wait_el("[data-testid=hit] a[href^='/compare']").click();
    c.d.wait_url("the compare page", |u| u.contains("/compare?"));
    c.d.wait_js(
        "two compare columns",
        "const g = document.querySelectorAll('[data-testid=compare-column]');
         return g.length === 2 && !document.querySelector('.cityview__out[aria-busy]');",
        json!([]),
    );
    for (i, col) in
        c.d.find_all("[data-testid=compare-column]")
            .iter()
            .enumerate()
    {
        let city = col.find_all(".compare-col__city")[0].text();
        assert!(["試験市", "架空市"].contains(&city.as_str()), "{city}");
        // Every passage shown belongs to a document of that city.
        let docs = c.api(&format!("/api/documents?city={}", common::enc(&city)));
        let ids: Vec<&str> = docs["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["doc_id"].as_str().unwrap())
            .collect();
        let links = col.find_all(".compare-hit__title a");
        assert!(!links.is_empty(), "column {i} ({city}) is empty");
        for a in links {
            let href = a.attr("href").unwrap();
            let id = href
                .trim_start_matches("/documents/")
                .split(['?', '#'])
                .next()
                .unwrap();
            assert!(ids.contains(&id), "{city}: {href} not in {ids:?}");
        }
    }
    let picked = c.texts(".citypicker input:checked ~ .pill__text");
    assert_eq!(picked.len(), 2, "{picked:?}");
    c.shot("07-compare");
    c.shot_full("07-compare-full");
}

/// The trend page draws an SVG line chart and a table per year.
fn step_trend(c: &Ctx) {
    c.d.wait_el(".site-nav a[href='/trend']").click();
    let input = c.d.wait_el("[data-testid=search-input]");
    assert_eq!(input.prop("value"), json!(""));
    input.send_keys(&format!("待機児童{ENTER}"));
    c.d.wait_url("the trend URL", |u| u.contains("/trend?q="));
    c.d.wait_js(
        "the trend chart",
        "return document.querySelector('[data-testid=trend-chart] svg.chart path');",
        json!([]),
    );
    let years = c.texts("[data-testid=trend-chart] .chart__xlabel");
    let api = c.api("/api/trend?q=%E5%BE%85%E6%A9%9F%E5%85%90%E7%AB%A5");
    let first = api["series"][0]["points"].as_array().unwrap();
    // Axis labels carry the era year: 2020（R2）.
    assert!(
        years
            .first()
            .is_some_and(|y| y.starts_with(&first[0]["year"].to_string())),
        "{years:?}"
    );
    assert!(
        years
            .last()
            .is_some_and(|y| y.starts_with(&first[first.len() - 1]["year"].to_string())),
        "{years:?}"
    );
    assert!(years.iter().any(|y| y.contains("（R")), "{years:?}");
    let lines = c.count("[data-testid=trend-chart] .chart__line path");
    assert_eq!(lines, api["series"].as_array().unwrap().len());
    let legend = c.texts("[data-testid=trend-chart] .legend__item");
    assert_eq!(
        legend.first().map(String::as_str),
        Some("全体"),
        "{legend:?}"
    );
    assert!(c.count("[data-testid=trend-table] tbody tr") >= 2);
    c.shot("08-trend");
    c.shot_full("08-trend-full");
}

/// A query of several words lists its strict matches (the count), then
/// the passages holding some of the words, each naming the words it lacks;
/// a compound's scattered parts are a collapsed section of their own.
fn step_partial(c: &Ctx) {
    let q = "待機児童 保育";
    let api = c.api(&format!("/api/search?q={}", common::enc(q)));
    let strict = api["total"].as_u64().unwrap();
    let some = api["some_total"].as_u64().unwrap();
    assert!(strict > 0 && strict < 10 && some > 0, "{api}");
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    let shown = c.wait_results("a search with few strict matches", |_| true);
    assert_eq!(shown, strict, "the count is the strict matches only");
    assert_eq!(
        c.count("ol.hits:not(.hits--partial) > [data-testid=hit]") as u64,
        strict
    );
    let head = c.d.wait_el("[data-testid=some-head]").text();
    assert!(head.contains(&format!("以上の{strict}件")), "{head}");
    let some_shown = c.count("[data-testid=some-hit]");
    assert!(some_shown > 0 && some_shown as u64 <= some);
    assert_eq!(
        c.count("[data-testid=some-hit] [data-testid=missing]"),
        some_shown,
        "each says what it lacks"
    );
    c.shot("09-some-words");

    // Two chunks written nowhere as typed (their words are, apart): 0件,
    // and the nearest passages follow under their own head, flagged.
    let q = "待機児童解消 保育受け皿確保";
    let api = c.api(&format!("/api/search?q={}", common::enc(q)));
    let loose = api["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter(|h| h["loose"].is_string())
        .count();
    assert!(api["total"] == 0 && loose > 0, "{api}");
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    assert_eq!(
        c.wait_results("chunks written nowhere as typed", |_| true),
        0
    );
    let head = c.d.wait_el("[data-testid=loose-head]").text();
    assert!(head.contains("近い結果"), "{head}");
    assert_eq!(c.count("[data-testid=loose-hit]"), loose);
    assert_eq!(
        c.count("[data-testid=loose-hit] [data-testid=missing]"),
        loose,
        "each says what it does not hold as typed"
    );
    c.shot("09-nearest");

    // No passage has both: 0件, and the passages with one of them follow.
    let q = "待機児童 防災";
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    assert_eq!(
        c.wait_results("a search without strict matches", |_| true),
        0
    );
    let head = c.d.wait_el("[data-testid=some-head]").text();
    assert!(head.contains("すべての語を含む結果はありません"), "{head}");
    assert!(c.count("[data-testid=some-hit]") > 0);

    // A compound written nowhere: its scattered words come apart, collapsed.
    let q = "待機児童解消";
    let api = c.api(&format!("/api/search?q={}", common::enc(q)));
    let partial = api["partial"]["total"].as_u64().expect("partial matches");
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    assert_eq!(c.wait_results("a compound written nowhere", |_| true), 0);
    c.d.wait_el("[data-testid=empty]");
    let summary = c.d.wait_el("[data-testid=partial-summary]").text();
    assert!(
        summary.starts_with(&format!("一部の語に一致する結果（{partial}件）")),
        "{summary}"
    );
    let open = c.d.js(
        "return document.querySelector('[data-testid=partial]').open;",
        json!([]),
    );
    assert_eq!(open, json!(false), "collapsed until asked for");
    c.shot("09-partial-collapsed");
    c.d.wait_el("[data-testid=partial-summary]").click();
    c.d.wait_js(
        "the partial section opens",
        "const d = document.querySelector('[data-testid=partial]');
         return d && d.open && d.querySelectorAll('[data-testid=loose-hit]').length > 0;",
        json!([]),
    );
    c.shot("10-partial-open");
}

/// Above the results, what was searched: the word typed and its synonyms
/// with their counts; unticking 同義語 searches the word alone and keeps
/// that in the URL (#22).
fn step_searched(c: &Ctx) {
    let q = "公民連携";
    let api = c.api(&format!("/api/search?q={}", common::enc(q)));
    let forms = api["searched"]["chunks"][0]["forms"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        forms
            .iter()
            .any(|f| f["kind"] == "synonym" && f["form"] == "官民連携"),
        "{api}"
    );
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    c.wait_results("a search with synonyms", |_| true);
    let panel = c.d.wait_el("[data-testid=searched]").text();
    assert!(
        panel.contains("同義語") && panel.contains("官民連携"),
        "{panel}"
    );
    c.shot("10b-searched-forms");
    c.d.wait_el("[data-testid=toggle-synonyms]").click();
    c.d.wait_js(
        "synonyms switched off",
        "return location.search.includes('synonyms=false')
           && !document.querySelector('[data-kind=synonym]')
           && !!document.querySelector('[data-testid=toggle-synonyms]');",
        json!([]),
    );
    let alone = c.api(&format!("/api/search?q={}&synonyms=false", common::enc(q)));
    assert_eq!(
        c.wait_results("the word alone", |_| true),
        alone["total"].as_u64().unwrap()
    );
}

/// 「← 検索結果に戻る」 returns to the results where the user left them.
fn step_back_keeps_place(c: &Ctx) {
    c.d.cmd(
        "POST",
        "/window/rect",
        Some(json!({"width": 1366, "height": 700})),
    );
    c.d.goto(&c.url("/?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA"));
    c.wait_results("公民連携", |_| true);
    let y = c.d.js(
        "const hits = document.querySelectorAll('[data-testid=hit]');
         const last = hits[hits.length - 1];
         last.scrollIntoView({ block: 'center' });
         return window.scrollY;",
        json!([]),
    );
    let y = y.as_f64().unwrap();
    assert!(y > 200.0, "the page scrolled: {y}");
    c.d.js(
        "const hits = document.querySelectorAll('[data-testid=hit-title]');
         hits[hits.length - 1].click();",
        json!([]),
    );
    c.d.wait_el("[data-testid=doc-title]");
    c.d.wait_el("[data-testid=back-link]").click();
    c.wait_results("公民連携 again", |u| u.contains("?q="));
    let back = c.d.wait_js(
        "the scroll position restored",
        "return Math.abs(window.scrollY - arguments[0]) < 40 ? window.scrollY : null;",
        json!([y]),
    );
    assert!(back.as_f64().is_some(), "{back}");
}

/// On a 390 px phone the sticky highlight bar never covers the heading of
/// the passage a hit links to.
fn step_phone_document(c: &Ctx) {
    c.d.cmd(
        "POST",
        "/window/rect",
        Some(json!({"width": 390, "height": 844})),
    );
    let api = c.api("/api/search?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA&limit=10");
    let hit = api["hits"].as_array().unwrap().last().unwrap().clone();
    let url = format!(
        "/documents/{}?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA#{}",
        hit["doc_id"].as_str().unwrap(),
        hit["section_id"].as_str().unwrap()
    );
    c.d.goto(&c.url(&url));
    c.d.wait_el("[data-testid=doc-title]");
    let gap = c.d.wait_js(
        "the linked passage below the highlight bar",
        "const bar = document.querySelector('.hlbar');
         const sec = document.getElementById(arguments[0]);
         if (!bar || !sec) return null;
         const h2 = sec.querySelector('h2').getBoundingClientRect();
         const b = bar.getBoundingClientRect();
         return h2.top >= b.bottom - 1 ? h2.top - b.bottom : null;",
        json!([hit["section_id"]]),
    );
    assert!(gap.as_f64().is_some(), "{gap}");
    c.shot("20-phone-document");
    c.d.cmd(
        "POST",
        "/window/rect",
        Some(json!({"width": 1366, "height": 900})),
    );
}

/// A hit from a PDF shows the page its passage starts on, and its 原本
/// link opens the PDF at that page.
fn step_pdf_original(c: &Ctx) {
    let q = "公共施設の相互利用";
    let api = c.api(&format!("/api/search?q={}", common::enc(q)));
    let hit = &api["hits"][0];
    assert_eq!(hit["format"], "pdf", "{api}");
    let page = hit["page"].as_u64().expect("a PDF passage has a page");
    c.d.goto(&c.url(&format!("/?q={}", common::enc(q))));
    c.wait_results("a passage of the PDF", |_| true);
    let place = c.d.wait_el("[data-testid=hit-place]").text();
    assert_eq!(place, format!("p. {page}"));
    let link = c.d.wait_el("[data-testid=original-link]");
    assert!(
        link.text().starts_with(&format!("原本を開く (p. {page})")),
        "{}",
        link.text()
    );
    let href = link.attr("href").unwrap();
    assert!(href.ends_with(&format!("/original#page={page}")), "{href}");
    c.shot("21-pdf-hit");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let file = href.split('#').next().unwrap();
    let mut resp = agent.get(&c.url(file)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    let body = resp.body_mut().read_to_vec().unwrap();
    assert!(body.starts_with(b"%PDF-"), "the original bytes");
    // The document view marks the page each passage starts on, and where
    // a passage's text goes on to the next page.
    c.d.wait_el("[data-testid=hit-title]").click();
    c.d.wait_el("[data-testid=doc-title]");
    let mut marks = c.texts("[data-testid=page-mark]");
    marks.extend(c.texts("[data-testid=page-break]"));
    assert!(
        marks.iter().any(|m| *m == format!("p. {page}")),
        "{marks:?}"
    );
    let original = c.d.wait_el("[data-testid=doc-original]").text();
    assert!(original.contains("PDF・2ページ"), "{original}");
}

/// Pages, sort order, and the CSV link of the current search.
fn step_pages_sort_csv(c: &Ctx) {
    c.d.goto(&c.url("/?q=%E5%85%AC%E6%B0%91%E9%80%A3%E6%90%BA"));
    let total = c.wait_results("公民連携", |_| true);
    assert!(total > 10, "{total}");
    c.d.wait_el("[data-testid=pagination] a[rel=next]").click();
    c.wait_results("page 2", |u| u.contains("page=2"));
    assert_eq!(c.count("[data-testid=hit]") as u64, total - 10);
    let current = c.texts("[data-testid=pagination] [aria-current=page]");
    assert_eq!(current, ["2"]);
    c.shot("11-page-2");

    c.d.wait_el("[data-testid=sort]").click();
    c.d.wait_el("[data-testid=sort] option[value=year_desc]")
        .click();
    c.wait_results("newest first", |u| {
        u.contains("sort=year_desc") && !u.contains("page=")
    });
    let years: Vec<u32> = c
        .texts("[data-testid=hit] .chip--year")
        .iter()
        .map(|y| y.trim_end_matches("年度").parse().unwrap())
        .collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
    c.shot("12-sorted");

    let href =
        c.d.wait_el("[data-testid=csv-download]")
            .attr("href")
            .unwrap();
    assert!(href.starts_with("/api/search.csv?"), "{href}");
    assert!(href.contains("sort=year_desc"), "{href}");
    let (status, body, ct) = common::get(&c.url(&href));
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(body.starts_with('\u{feff}'));
    assert_eq!(body.lines().count() as u64, total + 1);
}

/// Markup in document text is shown as text: no element, no script, no alert.
fn step_escaping(c: &Ctx) {
    c.d.goto(&c.url("/"));
    let input = c.d.wait_el("[data-testid=search-input]");
    input.send_keys(&format!("スクリプト{ENTER}"));
    let total = c.wait_results("スクリプト", |u| u.contains("?q="));
    assert!(total >= 2, "{total}");
    let text = c.d.wait_el(".results").text();
    // In a snippet and in the document title.
    for literal in ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"] {
        assert!(text.contains(literal), "{literal} not shown in:\n{text}");
    }
    let injected = "main script, main img, main iframe, main b, main [onerror], main [src]";
    assert_eq!(c.count(injected), 0, "markup from the text became elements");
    // Only <mark> elements inside snippets.
    let tags = c.d.js(
        "return [...document.querySelectorAll('.hit__snippet *')].map((e) => e.localName);",
        json!([]),
    );
    assert!(
        tags.as_array().unwrap().iter().all(|t| t == "mark"),
        "{tags}"
    );
    c.no_alert("on the results page");
    c.shot("13-escaping-results");

    // The same document's page.
    let docs = c.api("/api/documents?limit=1000");
    let fixture = docs["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "kakuu/2021/web_tenken_kekka.html")
        .expect("the fixture is indexed")["doc_id"]
        .as_str()
        .unwrap()
        .to_string();
    let link =
        c.d.find_all("[data-testid=hit-title]")
            .into_iter()
            .find(|a| a.attr("href").is_some_and(|h| h.contains(&fixture)))
            .expect("the fixture document among the hits");
    link.click();
    let title = c.d.wait_el("[data-testid=doc-title]").text();
    assert_eq!(title, "<img src=x onerror=alert(2)> ウェブページ点検結果");
    let body = c.texts("[data-testid=doc-section]").join("\n");
    assert!(body.contains("<script>alert(1)</script>"), "{body}");
    assert!(body.contains("<img src=x onerror=alert(1)>"), "{body}");
    assert!(body.contains("&lt;mark&gt;"), "{body}");
    assert!(body.contains("<b>太字</b>"), "{body}");
    assert_eq!(c.count(injected), 0);
    let doc_title = c.d.js("return document.title;", json!([]));
    assert!(
        doc_title.as_str().unwrap().starts_with("<img src=x"),
        "{doc_title}"
    );
    c.no_alert("on the document page");
    c.shot("14-escaping-document");
}

/// An API error is shown in the error area, with the page still usable.
fn step_api_error(c: &Ctx) {
    c.d.goto(&c.url("/"));
    let input = c.d.wait_el("[data-testid=search-input]");
    input.send_keys(&format!("-防災{ENTER}"));
    c.d.wait_url("the excluded-only query", |u| u.contains("?q=-"));
    let msg = c.d.wait_for("the error message", || c.error_text());
    assert!(!msg.trim().is_empty());
    assert!(msg.contains("除外"), "{msg}");
    let shown = c.d.wait_el(".results").text();
    assert!(shown.contains("検索できませんでした"), "{shown}");
    assert_eq!(
        c.d.wait_el("[data-testid=search-input]").prop("value"),
        json!("-防災")
    );
    c.shot("15-api-error");

    // A new query clears the error.
    let input = c.d.wait_el("[data-testid=search-input]");
    input.clear();
    input.send_keys(&format!("防災{ENTER}"));
    let total = c.wait_results("防災", |u| u.contains("?q=%E9%98%B2%E7%81%BD"));
    assert!(total > 0);
    assert_eq!(c.error_text(), None);
}

/// Filters without words list the matching documents (no search call, no error).
fn step_filters_only(c: &Ctx) {
    c.d.goto(&c.url("/?city=%E6%9E%B6%E7%A9%BA%E5%B8%82"));
    let api = c.api("/api/documents?city=%E6%9E%B6%E7%A9%BA%E5%B8%82");
    let n = api["total"].as_u64().unwrap();
    c.d.wait_js(
        "the document list",
        "return document.querySelectorAll('[data-testid=doc-item]').length === arguments[0];",
        json!([n]),
    );
    assert_eq!(c.error_text(), None);
    let count = c.d.wait_el("[data-testid=result-count]").text();
    assert_eq!(count, format!("{n}文書"));
    let titles = c.texts("[data-testid=doc-item] a");
    for d in api["documents"].as_array().unwrap() {
        assert!(
            titles.iter().any(|t| t == d["title"].as_str().unwrap()),
            "{titles:?}"
        );
    }
    c.shot("16-filters-only");
}

/// A document that does not exist: a message, not a blank page.
fn step_not_found(c: &Ctx) {
    c.d.goto(&c.url("/documents/0000000000000000"));
    let msg = c.d.wait_for("the not-found error", || c.error_text());
    assert!(!msg.is_empty());
    let shown = c.d.wait_el("main").text();
    assert!(shown.contains("文書を表示できませんでした"), "{shown}");
    c.shot("17-not-found");
}

/// For looking at the UI on another running server (e.g. over the real
/// corpus): full-page screenshots of its views, wide and narrow, into
/// `target/e2e-screenshots/review/`.
///
/// `PLANSEARCH_E2E_BASE=http://127.0.0.1:8080 cargo test --test e2e_ui -- --ignored`
/// (`PLANSEARCH_E2E_QUERY` picks the query; default ふるさと納税).
#[test]
#[ignore = "needs a running server: PLANSEARCH_E2E_BASE"]
fn review_screenshots() {
    let Some(browsers) = e2e::browsers() else {
        return;
    };
    let base = std::env::var("PLANSEARCH_E2E_BASE").expect("PLANSEARCH_E2E_BASE");
    let base = base.trim_end_matches('/').to_string();
    let q = std::env::var("PLANSEARCH_E2E_QUERY").unwrap_or_else(|_| "ふるさと納税".into());
    let qe = common::enc(&q);
    let (_, top) = common::get_json(&format!("{base}/api/search?q={qe}&limit=1"));
    let hit = &top["hits"][0];
    let city = hit["city"].as_str().unwrap_or_default().to_string();
    let mut pages = vec![
        ("home", "/".to_string()),
        ("search", format!("/?q={qe}")),
        (
            "search-page2-newest",
            format!("/?q={qe}&sort=year_desc&page=2"),
        ),
        (
            "search-city",
            format!("/?q={qe}&city={}", common::enc(&city)),
        ),
        ("filters-only", format!("/?city={}", common::enc(&city))),
        ("compare", format!("/compare?q={qe}")),
        ("trend", format!("/trend?q={qe}")),
        ("error", "/?q=-%E9%98%B2%E7%81%BD".to_string()),
    ];
    if let (Some(doc), Some(sec)) = (hit["doc_id"].as_str(), hit["section_id"].as_str()) {
        pages.push(("document", format!("/documents/{doc}?q={qe}#{sec}")));
    }
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots/review");
    let d = Driver::start(&browsers, &shots);
    for (width, height, suffix) in [(1366, 900, "wide"), (390, 844, "narrow")] {
        d.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
        for (i, (name, path)) in pages.iter().enumerate() {
            d.goto(&format!("{base}{path}"));
            d.wait_js(
                &format!("{path} to load"),
                "const m = document.getElementById('main');
                 return m && m.children.length > 0 && !m.querySelector('noscript') &&
                   !m.querySelector('.loading, [aria-busy=true], .citypicker__body .muted:only-child');",
                json!([]),
            );
            let p = d.screenshot_full(&format!("{i:02}-{name}-{suffix}"));
            eprintln!("{}", p.display());
            if suffix == "narrow" {
                d.screenshot(&format!("{i:02}-{name}-{suffix}-top"));
            }
            if *name == "document" {
                // Scrolled to the linked passage.
                d.screenshot(&format!("{i:02}-{name}-{suffix}-passage"));
            }
        }
    }
}
