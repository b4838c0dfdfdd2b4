//! End-to-end (issue #26), in headless Chromium over a hand-built archive:
//! trend zeros, compare without a sideways scrollbar, the skip link to the
//! results, the document's match counter and word units, copying a
//! citation, a saved search with its 新着, the 経年比較 page in the
//! navigation saying when a document has no series, the CSV buttons.
//! Skips when chromium or chromedriver is missing (outside CI).

mod common;
mod e2e;

use std::path::Path;

use common::{doc, enc, engine, serve};
use e2e::Driver;
use serde_json::{Value, json};

fn texts(d: &Driver, css: &str) -> Vec<String> {
    serde_json::from_value(d.js(
        "return [...document.querySelectorAll(arguments[0])].map((e) => (e.innerText ?? e.textContent).trim());",
        json!([css]),
    ))
    .unwrap()
}

fn settled(d: &Driver, what: &str, ready_css: &str) {
    d.wait_js(
        what,
        "return !!document.querySelector(arguments[0]) && !document.querySelector('[aria-busy]');",
        json!([ready_css]),
    );
}

#[test]
fn views_staff_can_believe_and_keep() {
    let Some(browsers) = e2e::browsers() else {
        return;
    };
    let mut docs = vec![
        doc(
            "mihon/2019.txt",
            "見本市",
            2019,
            "福祉部",
            &[("高齢者の見守り", "地域で高齢者を見守る体制をつくります。")],
        ),
        doc(
            "mihon/2020.txt",
            "見本市",
            2020,
            "福祉部",
            &[("子育て支援", "子育て世帯への相談支援を行います。")],
        ),
        doc(
            "mihon/2021.txt",
            "見本市",
            2021,
            "福祉部",
            &[(
                "ヤングケアラー支援",
                "ヤングケアラーの相談窓口を設けます。地域福祉計画に位置付けます。",
            )],
        ),
        doc(
            "mihon/2023.txt",
            "見本市",
            2023,
            "福祉部",
            &[
                (
                    "ヤングケアラー支援",
                    "ヤングケアラーへの訪問支援と学校との連携を進めます。",
                ),
                (
                    "地域福祉の推進",
                    "地域福祉計画に基づき、地域福祉の担い手を育てます。地域福祉活動を支えます。",
                ),
            ],
        ),
        doc(
            "lone/2022.txt",
            "孤島町",
            2022,
            "",
            &[("ヤングケアラー", "ヤングケアラーの実態調査を行います。")],
        ),
    ];
    for (i, city) in ["架空市", "模擬市", "試験市", "例示市", "標本市"]
        .iter()
        .enumerate()
    {
        docs.push(doc(
            &format!("c{i}/2022.txt"),
            city,
            2022,
            "こども部",
            &[(
                "ヤングケアラーへの支援",
                "ヤングケアラーを早く見つけ、学校・福祉・地域が連携して支えるための相談体制と研修を整えます。",
            )],
        ));
    }
    // Indexed now (as the indexer records it).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for d in &mut docs {
        d.meta.indexed_at = Some(now);
    }
    let base = serve(engine(&docs));
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    let d = Driver::start(&browsers, &shots);

    // 1. Trend: years with documents but no match are zeros, a year
    // without documents is 資料なし.
    d.goto(&format!(
        "{base}/trend?q={}&city={}",
        enc("ヤングケアラー"),
        enc("見本市")
    ));
    settled(&d, "the trend table", "[data-testid=trend-table]");
    let rows = texts(&d, "[data-testid=trend-table] tbody tr");
    let row = |y: &str| {
        rows.iter()
            .find(|r| r.starts_with(y))
            .unwrap_or_else(|| panic!("no row {y}: {rows:?}"))
            .clone()
    };
    // Columns: 全体, 見本市.
    let cells = |y: &str| -> Vec<String> { row(y).split('\t').map(str::to_string).collect() };
    assert!(cells("2019")[2].starts_with('0'), "{rows:?}");
    assert!(cells("2020")[2].starts_with('0'), "{rows:?}");
    assert!(cells("2022")[2].contains("資料なし"), "{rows:?}");
    assert!(cells("2021")[2].starts_with('1'), "{rows:?}");
    assert!(
        !d.find_all("[data-testid=trend-csv]").is_empty(),
        "a CSV of the trend table"
    );
    d.screenshot("views-trend");

    // 2. Compare: five cities, every column in view, no sideways scroll.
    let cities = ["架空市", "模擬市", "試験市", "例示市", "標本市"]
        .iter()
        .map(|c| format!("&city={}", enc(c)))
        .collect::<String>();
    d.goto(&format!(
        "{base}/compare?q={}{cities}",
        enc("ヤングケアラー")
    ));
    d.wait_js(
        "five compare columns",
        "return document.querySelectorAll('[data-testid=compare-column]').length === 5
            && !document.querySelector('[aria-busy]');",
        json!([]),
    );
    let fit = d.js(
        "const g = document.querySelector('.compare-grid');
         const right = Math.max(...[...document.querySelectorAll('[data-testid=compare-column]')]
           .map((c) => c.getBoundingClientRect().right));
         return { grid: g.scrollWidth <= g.clientWidth, page: document.documentElement.scrollWidth <= window.innerWidth,
                  right: right <= window.innerWidth };",
        json!([]),
    );
    assert_eq!(
        fit,
        json!({"grid": true, "page": true, "right": true}),
        "every city in view"
    );
    assert!(!d.find_all("[data-testid=compare-csv]").is_empty());
    d.screenshot("views-compare");

    // 3. Search: a skip link among the first Tab stops goes to the first hit.
    d.goto(&format!("{base}/?q={}", enc("ヤングケアラー")));
    settled(&d, "the hits", "[data-testid=hit]");
    let stop = d.js(
        "const all = [...document.querySelectorAll('a[href], button:not([disabled]), input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')]
           .filter((e) => !e.hidden && e.getAttribute('tabindex') !== '-1');
         return all.findIndex((e) => e.matches('[data-testid=skip-to-results]'));",
        json!([]),
    );
    let stop = stop.as_i64().unwrap();
    assert!((0..10).contains(&stop), "skip link at Tab stop {stop}");
    // Off screen until focused, as skip links are.
    d.js(
        "const a = document.querySelector('[data-testid=skip-to-results]'); a.focus(); a.click();",
        json!([]),
    );
    let focused = d.js(
        "return document.activeElement && document.activeElement.matches('[data-testid=hit-title]');",
        json!([]),
    );
    assert_eq!(focused, json!(true), "the skip link focuses the first hit");
    // Copy a citation: title, city, year and the URL.
    d.wait_el("[data-testid=hit] [data-testid=copy-link]")
        .click();
    let copied = d.wait_js(
        "the citation",
        "return document.querySelector('[data-testid=hit] [data-testid=copy-link]').dataset.copied || null;",
        json!([]),
    );
    let copied = copied.as_str().unwrap();
    assert!(
        copied.contains("年度") && copied.contains("/documents/") && copied.contains('「'),
        "{copied}"
    );
    // The Atom feed of the same search.
    let feed = d.wait_el("[data-testid=atom-feed]").attr("href").unwrap();
    assert!(feed.starts_with("/api/search.atom?q="), "{feed}");
    // Save it.
    d.wait_el("[data-testid=save-search]").click();
    d.wait_js(
        "saved",
        "return document.querySelector('[data-testid=save-search]').getAttribute('aria-pressed') === 'true';",
        json!([]),
    );
    d.screenshot("views-search");
    // Seen long ago: everything is 新着 on the home page.
    d.js(
        "const k = 'plansearch.saved.v1';
         const l = JSON.parse(localStorage.getItem(k));
         l[0].seen = 1; localStorage.setItem(k, JSON.stringify(l));",
        json!([]),
    );
    d.goto(&format!("{base}/"));
    let badge = d.wait_js(
        "the 新着 of the saved search",
        "const b = document.querySelector('[data-testid=saved-new]');
         return b && b.textContent ? b.textContent : null;",
        json!([]),
    );
    assert_eq!(badge, json!("新着 8件"));
    // The home page never prints 「null」.
    d.wait_el("[data-testid=overview-totals]");
    let home = d.js(
        "return document.querySelector('main').innerText;",
        json!([]),
    );
    assert!(!home.as_str().unwrap().contains("null"), "{home}");
    d.screenshot("views-home");

    // 4. The document: words marked as units, and 「1 / 4」 when jumping.
    let (_, v) = common::get_json(&format!(
        "{base}/api/search?q={}&city={}&year_from=2023&year_to=2023",
        enc("地域福祉"),
        enc("見本市")
    ));
    let doc_id = v["hits"][0]["doc_id"].as_str().unwrap().to_string();
    d.goto(&format!("{base}/documents/{doc_id}?q={}", enc("地域福祉")));
    d.wait_el("[data-testid=match-counter]");
    let marks = texts(&d, ".doc-section__text mark");
    assert!(
        marks.iter().all(|m| m.contains("地域福祉")),
        "a typed word is one mark: {marks:?}"
    );
    let n = marks.len();
    assert_eq!(
        d.wait_el("[data-testid=match-counter]").text(),
        format!("– / {n}")
    );
    d.js(
        "[...document.querySelectorAll('.hlbar button')].find((b) => b.textContent === '次の一致').click();",
        json!([]),
    );
    assert_eq!(
        d.wait_el("[data-testid=match-counter]").text(),
        format!("1 / {n}")
    );
    assert!(!d.find_all("[data-testid=doc-copy-link]").is_empty());
    d.screenshot("views-document");

    // 5. 経年比較 from the navigation; a document without a series says so.
    d.goto(&format!("{base}/"));
    d.wait_el(".site-nav a[href='/changes']");
    let (_, v) = common::get_json(&format!("{base}/api/documents?city={}", enc("孤島町")));
    let lone = v["documents"][0]["doc_id"].as_str().unwrap().to_string();
    d.goto(&format!("{base}/changes?doc={lone}"));
    let msg = d.wait_el("[data-testid=no-series]").text();
    assert!(msg.contains("比べる年度がありません"), "{msg}");
    assert!(
        d.find_all("[data-testid=continued]").is_empty(),
        "no other city's series is shown"
    );
    let current = d.js(
        "const a = document.querySelector('.site-nav a[href=\"/changes\"]'); return a.getAttribute('aria-current');",
        json!([]),
    );
    assert_eq!(current, Value::from("page"));
    d.screenshot("views-changes-none");
}
