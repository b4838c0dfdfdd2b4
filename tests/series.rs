//! Series, diff of two years and an initiative's history (#13), over the
//! real corpus (`../shared/corpus`) through HTTP. Skips without `../shared`.

mod common;

use std::sync::OnceLock;

use common::{enc, get_json, serve};

struct Corpus {
    _index: common::SharedCorpus,
    base: String,
}

fn corpus() -> Option<&'static Corpus> {
    static C: OnceLock<Option<Corpus>> = OnceLock::new();
    C.get_or_init(|| {
        let index = common::index_shared_corpus()?;
        let base = serve(index.engine.clone());
        Some(Corpus {
            _index: index,
            base,
        })
    })
    .as_ref()
}

fn titles(v: &serde_json::Value, key: &str, field: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect()
}

fn toyonaka_diff(c: &Corpus) -> serde_json::Value {
    let (status, v) = get_json(&format!(
        "{}/api/diff?city={}&department={}&from_year=2020&to_year=2022",
        c.base,
        enc("豊中市"),
        enc("都市経営 部")
    ));
    assert_eq!(status, 200, "{v}");
    v
}

/// The initiative of Toyonaka's diff that continued under a new title.
fn renamed_initiative(diff: &serde_json::Value) -> &serde_json::Value {
    diff["continued"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["to_title"] == "都市政策に関する調査・研究および地域人材の育成")
        .expect("the renamed initiative is among the continued ones")
}

#[test]
fn toyonaka_is_a_series_of_2020_and_2022() {
    let Some(c) = corpus() else { return };
    let (status, v) = get_json(&format!(
        "{}/api/series?city={}&department={}",
        c.base,
        enc("豊中市"),
        enc("都市経営　部")
    ));
    assert_eq!(status, 200);
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 1, "{v}");
    let s = &series[0];
    assert_eq!(s["city"], "豊中市");
    assert_eq!(s["department"], "都市経営部");
    let years: Vec<i64> = s["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, vec![2020, 2022]);
    for d in s["documents"].as_array().unwrap() {
        assert!(d["doc_id"].is_string() && d["title"].is_string());
    }
    // Every series has two years or more, ascending.
    let (_, all) = get_json(&format!("{}/api/series", c.base));
    for s in all["series"].as_array().unwrap() {
        let ys: Vec<i64> = s["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["year"].as_i64().unwrap())
            .collect();
        assert!(ys.len() >= 2 && ys.windows(2).all(|w| w[0] <= w[1]), "{s}");
    }
}

#[test]
fn toyonaka_2020_to_2022_new_continued_dropped() {
    let Some(c) = corpus() else { return };
    let v = toyonaka_diff(c);
    assert_eq!(v["from"]["year"], 2020);
    assert_eq!(v["to"]["year"], 2022);
    assert_eq!(
        titles(&v, "new", "title"),
        vec!["人づくり・組織づくり"],
        "{v}"
    );
    assert_eq!(
        titles(&v, "dropped", "title"),
        vec!["名誉市民の顕彰", "新型コロナウイルス感染症対策の推進"],
        "{v}"
    );
    let continued: Vec<(String, String)> = v["continued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["from_title"].as_str().unwrap().to_string(),
                c["to_title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for t in [
        "基本政策の推進",
        "第4次総合計画の推進",
        "南部地域活性化構想の推進",
        "行財政改革の推進",
        "戦略的な広報・広聴の推進",
    ] {
        assert!(
            continued.iter().any(|(f, to)| f == t && to == t),
            "{t} continues: {continued:?}"
        );
    }
    assert!(
        continued.iter().any(
            |(f, t)| f == "都市政策に関する調査・研究および人材育成の推進"
                && t == "都市政策に関する調査・研究および地域人材の育成"
        ),
        "the renamed study initiative continues: {continued:?}"
    );
    for c in v["continued"].as_array().unwrap() {
        let s = c["similarity"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s));
    }
    // The same answer by document ids.
    let (_, by_id) = get_json(&format!(
        "{}/api/diff?from={}&to={}",
        c.base,
        v["from"]["doc_id"].as_str().unwrap(),
        v["to"]["doc_id"].as_str().unwrap()
    ));
    assert_eq!(by_id, v);
}

#[test]
fn a_renamed_initiative_opens_side_by_side_with_changed_words() {
    let Some(c) = corpus() else { return };
    let v = toyonaka_diff(c);
    let pair = renamed_initiative(&v);
    let (status, d) = get_json(&format!(
        "{}/api/diff/sections?from={}&to={}",
        c.base,
        pair["from_section_id"].as_str().unwrap(),
        pair["to_section_id"].as_str().unwrap()
    ));
    assert_eq!(status, 200, "{d}");
    let join = |ops: &serde_json::Value, keep: &str| -> String {
        ops.as_array()
            .unwrap()
            .iter()
            .filter(|o| o["op"] == "equal" || o["op"] == keep)
            .map(|o| o["text"].as_str().unwrap())
            .collect()
    };
    // The ops rebuild both texts exactly.
    assert_eq!(
        join(&d["ops"], "delete"),
        d["from"]["text"].as_str().unwrap()
    );
    assert_eq!(join(&d["ops"], "insert"), d["to"]["text"].as_str().unwrap());
    assert_eq!(
        join(&d["title_ops"], "delete"),
        pair["from_title"].as_str().unwrap()
    );
    let inserted: Vec<&str> = d["title_ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["op"] == "insert")
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert!(inserted.concat().contains("地域"), "{inserted:?}");
    let (status, _) = get_json(&format!("{}/api/diff/sections?from=nope&to=nope", c.base));
    assert_eq!(status, 404);
}

#[test]
fn an_initiative_history_follows_it_through_the_series() {
    let Some(c) = corpus() else { return };
    let v = toyonaka_diff(c);
    let pair = renamed_initiative(&v);
    let (status, h) = get_json(&format!(
        "{}/api/sections/{}/history",
        c.base,
        pair["to_section_id"].as_str().unwrap()
    ));
    assert_eq!(status, 200, "{h}");
    let entries = h["entries"].as_array().unwrap();
    let got: Vec<(i64, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["year"].as_i64().unwrap(),
                e["section_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2020, pair["from_section_id"].as_str().unwrap()),
            (2022, pair["to_section_id"].as_str().unwrap())
        ]
    );
    let (status, _) = get_json(&format!("{}/api/sections/zzz/history", c.base));
    assert_eq!(status, 404);
}

#[test]
fn diff_without_documents_is_a_400() {
    let Some(c) = corpus() else { return };
    let (status, v) = get_json(&format!("{}/api/diff?from_year=2020", c.base));
    assert_eq!(status, 400, "{v}");
    let (status, _) = get_json(&format!(
        "{}/api/diff?city={}&department={}&from_year=1990&to_year=2022",
        c.base,
        enc("豊中市"),
        enc("都市経営部")
    ));
    assert_eq!(status, 404);
}

#[test]
fn figures_of_mitakas_2019_plan_and_of_a_search() {
    let Some(c) = corpus() else { return };
    let (_, docs) = get_json(&format!("{}/api/documents?limit=100", c.base));
    let mitaka = docs["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"].as_str().unwrap().contains("003_d4ac096ac4b37585"))
        .expect("seed 003 is indexed");
    let (status, v) = get_json(&format!(
        "{}/api/figures?doc_id={}",
        c.base,
        mitaka["doc_id"].as_str().unwrap()
    ));
    assert_eq!(status, 200, "{v}");
    let figs = v["figures"].as_array().unwrap();
    let has = |value: f64, unit: &str, label: &str| {
        figs.iter().any(|f| {
            f["value"].as_f64() == Some(value)
                && f["unit"] == unit
                && f["label"].as_str().unwrap().contains(label)
        })
    };
    assert!(has(10_388_461_000.0, "円", "一般会計"), "{v}");
    assert!(has(4000.0, "人", "市民意見"), "{v}");
    let amount = figs
        .iter()
        .find(|f| f["value"].as_f64() == Some(10_388_461_000.0))
        .unwrap();
    assert_eq!(amount["kind"], "amount");
    assert_eq!(amount["city"], mitaka["city"]);
    // Toyonaka 2020: 87 % progress and 19 partnership agreements, by search.
    let (status, v) = get_json(&format!("{}/api/figures?q={}", c.base, enc("連携協定")));
    assert_eq!(status, 200, "{v}");
    assert!(
        v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"].as_f64() == Some(19.0)
                && f["label"] == "連携協定"
                && f["city"] == "豊中市"),
        "{v}"
    );
    let (_, v) = get_json(&format!(
        "{}/api/figures?q={}&city={}",
        c.base,
        enc("進捗状況"),
        enc("豊中市")
    ));
    assert!(
        v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"].as_f64() == Some(87.0)
                && f["unit"] == "%"
                && f["kind"] == "result"),
        "{v}"
    );
    let (status, _) = get_json(&format!("{}/api/figures", c.base));
    assert_eq!(status, 400);
}

#[test]
fn otarus_statements_are_a_series_without_a_department() {
    let Some(c) = corpus() else { return };
    let (_, v) = get_json(&format!("{}/api/series?city={}", c.base, enc("小樽市")));
    let s = &v["series"][0];
    assert!(s["department"].is_null(), "{v}");
    let years: Vec<i64> = s["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, (2016..=2022).collect::<Vec<_>>());
    let (status, d) = get_json(&format!(
        "{}/api/diff?city={}&doc_type={}&from_year=2021&to_year=2022",
        c.base,
        enc("小樽市"),
        enc(s["doc_type"].as_str().unwrap())
    ));
    assert_eq!(status, 200, "{d}");
    assert!(!d["continued"].as_array().unwrap().is_empty(), "{d}");
}
