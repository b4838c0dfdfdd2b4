//! Search behaviour on a small hand-built index of fictional documents.

mod common;

use common::{doc, engine};
use plansearch::search::{Engine, Filters, SearchRequest, Sort};

fn sample() -> Engine {
    engine(&[
        doc(
            "a/2020.txt",
            "架空市",
            2020,
            "危機管理室",
            &[
                (
                    "避難所の環境整備",
                    "災害時に備え、指定避難所における停電対策として非常用発電機を配備します。",
                ),
                (
                    "消防団の強化",
                    "消防団に女性分団を新設し、地域防災力の向上を図ります。",
                ),
            ],
        ),
        doc(
            "a/2022.txt",
            "架空市",
            2022,
            "企画部",
            &[
                (
                    "公民学連携の推進",
                    "大学や民間事業者との公民学連携プラットフォームを運営します。",
                ),
                (
                    "待機児童対策",
                    "保育所を整備し、待機児童の解消をめざします。",
                ),
            ],
        ),
        doc(
            "b/2021.txt",
            "見本市",
            2021,
            "企画部",
            &[
                ("デジタル化", "ＲＰＡやAI-OCRを導入し、ＤＸを推進します。"),
                (
                    "広報",
                    "広報誌をリニューアルし、<script>alert(1)</script> のような表記も正しく表示します。",
                ),
            ],
        ),
        doc(
            "c/2023.txt",
            "試験市",
            2023,
            "総務部",
            &[("待機児童の状況", "待機児童は前年度から減少しました。")],
        ),
    ])
}

fn search(e: &Engine, q: &str) -> plansearch::search::SearchResponse {
    e.search(&SearchRequest::new(q)).unwrap()
}

#[test]
fn an_unspaced_query_counts_where_it_is_written_and_lists_its_scattered_words_apart() {
    let e = sample();
    // 「待機児童解消」 is not written anywhere; its words are, apart: a partial
    // match, listed apart and never counted (#22).
    let r = search(&e, "待機児童解消");
    assert_eq!(r.total, 0);
    assert!(
        r.hits.is_empty(),
        "a compound never lists its parts as hits"
    );
    let partial = r.partial.expect("partial matches");
    assert_eq!(partial.mode, "words");
    assert_eq!(partial.hits[0].section_title, "待機児童対策");
    // A phrase joined by a particle goes on with the passages holding its
    // parts as written, not counted, the phrase named as missing.
    let r = search(&e, "避難所の停電対策");
    assert_eq!(r.total, 0);
    assert_eq!(r.hits[0].section_title, "避難所の環境整備");
    assert_eq!(
        r.hits[0].missing.as_deref(),
        Some(&["避難所の停電対策".to_string()][..])
    );
    // Where it is written, it counts.
    let r = search(&e, "待機児童");
    assert!(r.total >= 1);
}

#[test]
fn chunks_written_nowhere_as_typed_list_the_nearest_passages_uncounted() {
    let e = sample();
    // Neither 「待機児童解消」 nor 「保育所整備計画」 is written anywhere, so
    // nothing is counted and no passage holds a chunk as typed; the first
    // page still lists the nearest passages (their words apart), flagged.
    let r = search(&e, "待機児童解消 保育所整備計画");
    assert_eq!((r.total, r.some_total), (0, 0));
    assert!(!r.hits.is_empty(), "the nearest passages are listed");
    for h in &r.hits {
        assert!(h.loose.is_some(), "{h:?}");
        assert_eq!(h.missing.as_ref().map(Vec::len), Some(2), "{h:?}");
    }
    // They are not repeated in the partial section, which still counts them.
    let p = r.partial.expect("the looser level is named");
    assert!(p.total >= r.hits.len());
    assert!(
        p.hits
            .iter()
            .all(|x| r.hits.iter().all(|h| h.section_id != x.section_id))
    );
    // Never on a later page, and never for one compound alone.
    let mut req = SearchRequest::new("待機児童解消 保育所整備計画");
    req.offset = 10;
    assert!(e.search(&req).unwrap().hits.is_empty());
    assert!(search(&e, "待機児童解消").hits.is_empty());
}

#[test]
fn phrase_exclusion_and_or() {
    let e = sample();
    assert_eq!(search(&e, "\"待機児童の解消\"").strict_total, 1);
    let r = search(&e, "待機児童 -保育所");
    assert_eq!(r.strict_total, 1);
    assert_eq!(r.hits[0].city.as_deref(), Some("試験市"));
    assert_eq!(search(&e, "女性分団 OR 非常用発電機").strict_total, 2);
}

#[test]
fn full_width_and_case_fold() {
    let e = sample();
    assert_eq!(search(&e, "dx").strict_total, 1);
    assert_eq!(search(&e, "ＲＰＡ").strict_total, 1);
}

#[test]
fn partial_matches_come_apart_when_no_passage_has_every_word() {
    let e = sample();
    let r = search(&e, "女性 消防隊員 募集");
    assert_eq!((r.total, r.strict_total), (0, 0));
    // The hits are passages holding some of the chunks, each naming the
    // chunks it lacks; none is counted.
    assert!(r.some_total >= 1 && !r.hits.is_empty());
    for h in &r.hits {
        let missing = h
            .missing
            .as_ref()
            .expect("a some-chunks hit names what it lacks");
        assert!(!missing.is_empty() && missing.len() < 3, "{missing:?}");
    }
    assert_eq!(r.hits[0].section_title, "消防団の強化");
    assert_eq!(r.escalated, r.partial.as_ref().map(|p| p.mode));
    // One term never falls back to any of its words.
    let r = search(&e, "女性消防隊員の募集");
    assert_eq!(r.total, 0);
    assert!(r.partial.is_none(), "{:?}", r.partial);
    // A phrase found nowhere goes on with the passages holding its parts
    // as written (女性消防隊員, 募集), the phrase named as missing.
    for h in &r.hits {
        let missing = h.missing.as_ref().expect("not counted");
        assert!(!missing.is_empty(), "{missing:?}");
    }
    // A quoted phrase that does not occur is not loosened.
    let r = search(&e, "\"女性消防隊員の募集\"");
    assert_eq!(r.total, 0);
    assert!(r.partial.is_none() && r.escalated.is_none());
}

#[test]
fn filters_and_facets() {
    let e = sample();
    let mut req = SearchRequest::new("待機児童");
    let r = e.search(&req).unwrap();
    assert_eq!(r.total, 2);
    let cities: Vec<(&str, u64)> = r
        .facets
        .as_ref()
        .unwrap()
        .city
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert!(
        cities.contains(&("架空市", 1)) && cities.contains(&("試験市", 1)),
        "{cities:?}"
    );
    assert_eq!(r.facets.as_ref().unwrap().year.len(), 2);
    req.filters = Filters {
        cities: vec!["試験市".into()],
        ..Default::default()
    };
    let r = e.search(&req).unwrap();
    assert_eq!(r.total, 1);
    // Facets describe the filtered result set.
    assert_eq!(r.facets.as_ref().unwrap().city.len(), 1);
    req.filters = Filters {
        year_from: Some(2021),
        year_to: Some(2022),
        ..Default::default()
    };
    assert_eq!(e.search(&req).unwrap().total, 1);
    req.filters = Filters {
        departments: vec!["総務部".into(), "企画部".into()],
        ..Default::default()
    };
    assert_eq!(e.search(&req).unwrap().total, 2);
}

#[test]
fn sort_by_year() {
    let e = sample();
    let mut req = SearchRequest::new("待機児童");
    req.sort = Sort::YearAsc;
    let years: Vec<_> = e
        .search(&req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.year)
        .collect();
    assert_eq!(years, vec![Some(2022), Some(2023)]);
    req.sort = Sort::YearDesc;
    let years: Vec<_> = e
        .search(&req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.year)
        .collect();
    assert_eq!(years, vec![Some(2023), Some(2022)]);
}

#[test]
fn snippets_mark_matches_and_escape_text() {
    let e = sample();
    let r = search(&e, "広報誌");
    let s = r.hits[0].snippet.as_deref().unwrap();
    assert!(s.contains("<mark>広報誌</mark>"), "{s}");
    assert!(
        s.contains("&lt;script&gt;") && !s.contains("<script>"),
        "{s}"
    );
}

#[test]
fn paging_and_limits() {
    let e = sample();
    let mut req = SearchRequest::new("待機児童");
    req.limit = 1;
    let first = e.search(&req).unwrap();
    req.offset = 1;
    let second = e.search(&req).unwrap();
    assert_eq!(first.total, 2);
    assert_ne!(first.hits[0].section_id, second.hits[0].section_id);
    req.limit = 0;
    assert!(e.search(&req).is_err());
    req.limit = 101;
    assert!(e.search(&req).is_err());
}

#[test]
fn bad_queries_are_errors_not_panics() {
    let e = sample();
    for q in ["", "   ", "-待機児童", "\"\"", "の", "。、", "OR"] {
        let r = e.search(&SearchRequest::new(q));
        if let Ok(r) = r {
            // Stop-word-only queries may match literally; they must not panic.
            assert!(r.total < 100);
        }
    }
}

#[test]
fn documents_and_document_detail() {
    let e = sample();
    let list = e.documents(&Filters::default(), 100, 0).unwrap();
    assert_eq!(list.total, 4);
    assert_eq!(list.documents[0].year, Some(2023), "newest first");
    let id = &list.documents[0].doc_id;
    let d = e.document(id).unwrap();
    assert_eq!(d.section_list.len(), 1);
    assert_eq!(
        d.summary.sources.get("city"),
        Some(&plansearch::meta::Source::Manifest)
    );
    assert!(e.document("../../etc/passwd").is_err());
    assert!(e.document("0000000000000000").is_err());
}

#[test]
fn few_strict_matches_are_followed_by_looser_ones() {
    let e = sample();
    // Only one passage has both words; passages with one of them follow it.
    let r = search(&e, "消防団 非常用発電機");
    assert_eq!(r.strict_total, 0);
    let r = search(&e, "女性分団 地域防災力");
    assert_eq!(r.strict_total, 1);
    assert_eq!(r.hits[0].section_title, "消防団の強化");
    let mut req = SearchRequest::new("待機児童 保育所");
    let r = e.search(&req).unwrap();
    assert_eq!((r.total, r.strict_total), (1, 1));
    assert_eq!(r.hits[0].section_title, "待機児童対策");
    assert!(r.hits[0].missing.is_none());
    // After the strict hit: passages with one of the two words, never the
    // strict one again, each saying which word it lacks.
    let (listed, loose): (Vec<_>, Vec<_>) = r.hits.iter().partition(|h| h.loose.is_none());
    assert_eq!(listed.len(), 1 + r.some_total.min(9));
    // A page they leave short goes on with looser matches, flagged, after
    // them and never repeating one.
    assert!(r.hits[listed.len()..].iter().all(|h| h.loose.is_some()));
    for h in &loose {
        assert!(
            h.missing.is_some(),
            "a loose hit names what it lacks as written"
        );
        assert!(listed.iter().all(|l| l.section_id != h.section_id));
    }
    for h in &listed[1..] {
        assert_ne!(h.section_id, r.hits[0].section_id);
        let missing = h.missing.as_ref().expect("some-chunks hit");
        assert!(
            missing == &["待機児童"] || missing == &["保育所"],
            "{missing:?}"
        );
    }
    let partial = r.partial.expect("looser matches offered apart");
    assert!(partial.total >= 1);
    assert!(
        partial
            .hits
            .iter()
            .all(|h| h.section_id != r.hits[0].section_id),
        "a strict hit is never repeated among the partial ones"
    );
    // Every sort order counts the same strict matches.
    req.sort = Sort::YearDesc;
    let r = e.search(&req).unwrap();
    assert_eq!(r.total, 1);
    assert!(r.hits[0].missing.is_none() && r.hits[1..].iter().all(|h| h.missing.is_some()));
}

#[test]
fn katakana_final_long_vowel_matches_both_spellings() {
    let e = engine(&[
        doc(
            "x/1.txt",
            "架空市",
            2021,
            "総務部",
            &[("基盤", "庁内サーバーを更新し、ユーザ管理を一元化します。")],
        ),
        doc(
            "x/2.txt",
            "見本市",
            2022,
            "総務部",
            &[("基盤", "サーバの仮想化とユーザー認証の強化。")],
        ),
        doc(
            "x/3.txt",
            "見本市",
            2023,
            "防災課",
            &[("設備", "人感センサライトを公園に設置しました。")],
        ),
        doc(
            "x/4.txt",
            "見本市",
            2023,
            "防災課",
            &[("設備", "水位センサーを河川に増設しました。")],
        ),
    ]);
    assert_eq!(search(&e, "サーバ").strict_total, 2);
    assert_eq!(search(&e, "サーバー").strict_total, 2);
    assert_eq!(search(&e, "ユーザー管理").strict_total, 1);
    // Inside a katakana compound the word channel does not cut, both
    // spellings find the characters.
    assert_eq!(search(&e, "センサ").strict_total, 2);
    assert_eq!(search(&e, "センサー").strict_total, 2);
}

#[test]
fn facets_and_snippets_off_keep_totals_and_order() {
    let e = sample();
    for q in ["待機児童", "停電", "公民学連携", "存在しない語句"] {
        let full = e.search(&SearchRequest::new(q)).unwrap();
        let mut req = SearchRequest::new(q);
        req.facets = false;
        req.snippets = false;
        let bare = e.search(&req).unwrap();
        assert!(full.facets.is_some() && bare.facets.is_none(), "{q}");
        assert_eq!(bare.total, full.total, "{q}");
        let ids = |r: &plansearch::search::SearchResponse| -> Vec<(String, String)> {
            r.hits
                .iter()
                .map(|h| (h.section_id.clone(), format!("{:.4}", h.score)))
                .collect()
        };
        assert_eq!(ids(&bare), ids(&full), "{q}");
        assert!(full.hits.iter().all(|h| h.snippet.is_some()), "{q}");
        assert!(
            bare.hits
                .iter()
                .all(|h| h.snippet.is_none() && h.via.is_empty()),
            "{q}"
        );
        let json = serde_json::to_value(&bare).unwrap();
        assert!(json.get("facets").is_none(), "{json}");
        assert!(
            json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h.get("snippet").is_none()),
            "{json}"
        );
    }
}

#[test]
fn chunks_typed_as_one_sentence_rank_first_where_they_stand_together() {
    // Both passages hold 子ども, 成長 and 支援 (the query writes 子供); only
    // the second has them as the sentence typed, and it is the longer one,
    // so without a reward for standing together it would rank last.
    let e = engine(&[doc(
        "p/2024.txt",
        "架空市",
        2024,
        "こども未来部",
        &[
            (
                "ご意見",
                "子どもの遊び場がほしい。支援員を増やしてほしい。経済成長も大事。",
            ),
            (
                "施策の評価",
                "施策の満足度を毎年調べています。今年度は子どもの成長への支援が上位となり、\
                 前年度から順位を上げました。来年度も同じ方法で調べます。",
            ),
        ],
    )]);
    let r = search(&e, "子供の成長への支援");
    assert_eq!(r.total, 2, "{:?}", r.hits);
    assert_eq!(r.hits[0].section_title, "施策の評価", "{:?}", r.hits);
}

#[test]
fn equal_scores_list_the_newer_document_first_whatever_the_index_order() {
    // The same passage in three years' reports scores the same; the order
    // must not depend on which was indexed (or merged) first.
    let text = "架空町の図書館では、開館時間を延長する取り組みを続けています。";
    let docs: Vec<_> = [2020, 2024, 2022]
        .iter()
        .map(|y| {
            common::doc(
                &format!("r{y}.txt"),
                "架空町",
                *y,
                "教育課",
                &[("図書館", text)],
            )
        })
        .collect();
    let e = common::engine(&docs);
    let r = search(&e, "開館時間");
    let years: Vec<_> = r.hits.iter().map(|h| h.year).collect();
    assert_eq!(years, [Some(2024), Some(2022), Some(2020)], "{:?}", r.hits);
    assert!(r.hits.windows(2).all(|w| w[0].score == w[1].score));
    // At the page's edge too: the two newest make the first page.
    let mut req = plansearch::search::SearchRequest::new("開館時間");
    req.limit = 2;
    let r = e.search(&req).unwrap();
    let years: Vec<_> = r.hits.iter().map(|h| h.year).collect();
    assert_eq!(years, [Some(2024), Some(2022)]);
    assert_eq!(r.total, 3);
    // Page after page, each passage once, in the same order.
    let paged: Vec<_> = (0..3)
        .map(|offset| {
            let mut req = plansearch::search::SearchRequest::new("開館時間");
            req.limit = 1;
            req.offset = offset;
            e.search(&req).unwrap().hits[0].year
        })
        .collect();
    assert_eq!(paged, [Some(2024), Some(2022), Some(2020)]);
}

#[test]
fn a_long_tie_pages_in_one_order_with_each_passage_once() {
    // Forty equal scores: more than a page and the slack collected past it.
    let text = "架空町の公民館では、夜間の学習講座を開いています。";
    let docs: Vec<_> = (0..40)
        .map(|i| {
            let y = 1990 + (i * 7) % 40;
            common::doc(
                &format!("k{i}.txt"),
                "架空町",
                y,
                "教育課",
                &[("講座", text)],
            )
        })
        .collect();
    let e = common::engine(&docs);
    let mut years = Vec::new();
    for offset in (0..40).step_by(10) {
        let mut req = plansearch::search::SearchRequest::new("学習講座");
        req.offset = offset;
        let r = e.search(&req).unwrap();
        assert_eq!(r.total, 40);
        years.extend(r.hits.iter().map(|h| h.year.unwrap()));
    }
    let newest_first: Vec<i64> = (1990..2030).rev().collect();
    assert_eq!(years, newest_first);
}
