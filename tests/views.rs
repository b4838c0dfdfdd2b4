//! Views staff rely on (issue #26): trend zeros, 経年比較 similarity and
//! format twins, the Atom feed, newsletters' names and fiscal years.

mod common;

use common::{doc, enc, engine, get, get_json, serve};
use std::sync::OnceLock;

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        serve(engine(&[
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
                &[("ヤングケアラー支援", "ヤングケアラーの相談窓口を設けます。")],
            ),
            doc(
                "mihon/2023.txt",
                "見本市",
                2023,
                "福祉部",
                &[(
                    "ヤングケアラー支援",
                    "ヤングケアラーへの訪問支援と学校との連携を進めます。",
                )],
            ),
            doc(
                "mogi/2020.txt",
                "模擬市",
                2020,
                "都市経営部",
                &[(MOGI_TITLE, MOGI_2020)],
            ),
            twin(doc(
                "mogi/2020.xlsx",
                "模擬市",
                2020,
                "都市経営部",
                &[(MOGI_TITLE, MOGI_2020)],
            )),
            doc(
                "mogi/2022.txt",
                "模擬市",
                2022,
                "都市経営部",
                &[(MOGI_TITLE, MOGI_2022)],
            ),
            doc(
                "kakuu/2018.txt",
                "架空市",
                2018,
                "企画部",
                &[("総合計画", "総合計画を改定します。")],
            ),
        ]))
    })
}

const MOGI_TITLE: &str = "(1) 行財政改革の推進";
const MOGI_2020: &str =
    "公共施設の再配置計画に基づき、老朽化した施設の統合と複合化を進め、維持管理費を削減します。";
const MOGI_2022: &str = "職員の働き方改革として、電子申請の拡充とテレワーク環境の整備を行い、窓口の待ち時間を短くします。";

/// The .xlsx of a document, whose title was read differently (as the
/// seeds' twins are): the same text makes it the same document.
fn twin(mut d: plansearch::index::writer::PreparedDoc) -> plansearch::index::writer::PreparedDoc {
    d.format = plansearch::archive::Format::Xlsx;
    if let Some(t) = d.meta.title.as_mut() {
        t.value = "模擬市 都市経営部 令和2年度 部局運営方針".to_string();
    }
    d
}

fn points(v: &serde_json::Value, city: Option<&str>) -> Vec<(i64, u64, u64)> {
    let series = v["series"].as_array().unwrap();
    let s = series
        .iter()
        .find(|s| s["city"].as_str() == city)
        .unwrap_or_else(|| panic!("no series {city:?}: {v}"));
    s["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["year"].as_i64().unwrap(),
                p["passages"].as_u64().unwrap(),
                p["documents_in_year"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every year with documents is a point (zero without matches, before the
/// first mention too); a year without documents is a gap (0 documents).
#[test]
fn trend_has_a_point_for_every_year_with_documents() {
    let (status, v) = get_json(&format!(
        "{}/api/trend?q={}&city={}",
        base(),
        enc("ヤングケアラー"),
        enc("見本市")
    ));
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        points(&v, Some("見本市")),
        vec![
            (2019, 0, 1),
            (2020, 0, 1),
            (2021, 1, 1),
            (2022, 0, 0),
            (2023, 1, 1)
        ],
        "{v}"
    );
    // Overall: from the archive's first year (架空市 2018) on.
    let (_, v) = get_json(&format!("{}/api/trend?q={}", base(), enc("ヤングケアラー")));
    let all = points(&v, None);
    assert_eq!(all.first(), Some(&(2018, 0, 1)), "{v}");
    assert_eq!(all.len(), 6, "{v}");
    // A city with documents but no match is all zeros, not all gaps.
    let (_, v) = get_json(&format!(
        "{}/api/trend?q={}&city={}",
        base(),
        enc("ヤングケアラー"),
        enc("架空市")
    ));
    let kakuu = points(&v, Some("架空市"));
    assert!(kakuu.contains(&(2018, 0, 1)), "{v}");
}

/// A document in two formats is one document of its series with both
/// originals; the similarity of a continued initiative comes from its
/// text, not its (unchanged) title.
#[test]
fn series_merge_format_twins_and_similarity_reads_the_text() {
    let (status, v) = get_json(&format!("{}/api/series?city={}", base(), enc("模擬市")));
    assert_eq!(status, 200, "{v}");
    let docs = v["series"][0]["documents"].as_array().unwrap();
    let years: Vec<i64> = docs.iter().map(|d| d["year"].as_i64().unwrap()).collect();
    assert_eq!(years, vec![2020, 2022], "{v}");
    let formats: Vec<&str> = docs[0]["originals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, vec!["txt", "xlsx"], "{v}");
    assert!(
        docs[0]["doc_id"] == docs[0]["originals"][0]["doc_id"],
        "{v}"
    );
    let (from, to) = (
        docs[0]["doc_id"].as_str().unwrap(),
        docs[1]["doc_id"].as_str().unwrap(),
    );
    let (status, d) = get_json(&format!("{}/api/diff?from={from}&to={to}", base()));
    assert_eq!(status, 200, "{d}");
    let sim = d["continued"][0]["similarity"].as_f64().unwrap();
    assert!(sim < 0.5, "a rewritten text under the same title: {d}");
    let (status, d) = get_json(&format!(
        "{}/api/diff/sections?from={}&to={}",
        base(),
        d["continued"][0]["from_section_id"].as_str().unwrap(),
        d["continued"][0]["to_section_id"].as_str().unwrap()
    ));
    assert_eq!(status, 200, "{d}");
    assert!(d["similarity"].as_f64().unwrap() < 0.5, "{d}");
    // The same text is 100 %.
    let (_, d) = get_json(&format!("{}/api/diff?from={from}&to={from}", base()));
    assert_eq!(d["continued"][0]["similarity"], 1.0, "{d}");
}

/// `/api/search.atom`: a valid Atom 1.0 feed of the same search and
/// filters, one entry per hit with title, link, updated, city and year.
#[test]
fn a_search_is_an_atom_feed() {
    let url = format!(
        "{}/api/search.atom?q={}&city={}",
        base(),
        enc("ヤングケアラー"),
        enc("見本市")
    );
    let (status, body, ct) = get(&url);
    assert_eq!(status, 200, "{body}");
    assert_eq!(ct, "application/atom+xml; charset=utf-8");
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{body}"
    );
    assert!(
        body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
        "{body}"
    );
    for tag in ["<id>", "<title>", "<updated>", "<author><name>"] {
        assert!(body.contains(tag), "feed lacks {tag}: {body}");
    }
    // Well-formed: every element closes (quick-xml reads it through).
    let mut reader = quick_xml::Reader::from_str(&body);
    let (mut entries, mut depth) = (0, 0i32);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if e.name().0 == "entry" {
                    entries += 1;
                }
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    // The same hits as /api/search with the same filters: 見本市 only.
    let (_, v) = get_json(&url.replace("/api/search.atom", "/api/search"));
    assert_eq!(entries, v["hits"].as_array().unwrap().len(), "{body}");
    assert_eq!(entries, 2, "{body}");
    assert!(body.contains("<category term=\"見本市\""), "{body}");
    assert!(!body.contains("模擬市"), "{body}");
    assert!(body.contains("/documents/"), "{body}");
    let updated = body.split("<updated>").nth(2).unwrap();
    assert!(
        updated.len() > 20 && updated.as_bytes()[4] == b'-' && updated[..20].ends_with('Z'),
        "{updated}"
    );
    // A bad query is the same error as the search's.
    let (status, _, _) = get(&format!("{}/api/search.atom", base()));
    assert_eq!(status, 400);
}

/// A newsletter's CSV issue is titled by its name and number and dated by
/// the fiscal year of its issue date; a document records when it was
/// indexed.
#[test]
fn newsletter_issues_are_named_and_dated_by_fiscal_year() {
    use plansearch::index::{IndexHandle, IndexOptions, writer};
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    std::fs::write(
        archive.join("広報かくう第1439号（2025年1月15日発行）.csv"),
        "自治体名,公開年月,発行号タイトル,記事タイトル,カテゴリ,記事本文\n\
         架空県架空市,2025.01.15,広報かくう 第1439号（2025年1月15日発行）,図書館へ行こう,子育て,読み聞かせの会を開きます。\n\
         架空県架空市,2025.01.15,広報かくう 第1439号（2025年1月15日発行）,ごみの出し方,くらし,分別にご協力ください。\n",
    )
    .unwrap();
    let options = IndexOptions {
        progress: false,
        threads: 1,
        ..Default::default()
    };
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let index = dir.path().join("index");
    writer::index_archive(&archive, &index, &common::analyzer(), &options).unwrap();
    let handle = IndexHandle::open(&index, common::analyzer()).unwrap();
    let engine = plansearch::search::Engine::new(
        handle,
        plansearch::analysis::synonyms::Synonyms::builtin(),
    );
    let list = engine
        .documents(&plansearch::search::Filters::default(), 10, 0)
        .unwrap();
    let d = &list.documents[0];
    assert_eq!(d.title, "広報かくう 第1439号", "{d:?}");
    assert_eq!(d.year, Some(2024), "{d:?}");
    assert!(d.indexed_at.is_some_and(|t| t >= before), "{d:?}");
}
