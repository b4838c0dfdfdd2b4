//! 表記ゆれ on real text: the logic of `../shared/eval/variants_eval.py` run
//! in Rust on a sample of the Kiryu minutes (one year, to keep a debug
//! build under a minute). Every form of a group should find the same
//! passages: per group, the smallest strict match count over the largest.
//! Skips when `../shared` is missing outside CI.

mod common;

use std::sync::OnceLock;

use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::{Engine, SearchRequest};

struct Sample {
    _dir: tempfile::TempDir,
    engine: Engine,
    groups: Vec<(String, Vec<String>)>,
}

/// Groups of other words of the same kinds as the shared file's (the rules
/// must not be tuned to its pairs).
const HELD_OUT: &[(&str, &[&str])] = &[
    ("okurigana", &["申込", "申し込み", "申込み"]),
    ("okurigana", &["手続", "手続き"]),
    ("okurigana", &["取扱い", "取り扱い"]),
    ("okurigana", &["話合い", "話し合い"]),
    ("okurigana", &["問合せ", "問い合わせ"]),
    ("katakana", &["ウィルス", "ウイルス"]),
    ("counter", &["か所", "箇所", "カ所"]),
    ("reading", &["としょかん", "図書館"]),
    ("era", &["平成24年度", "2012年度", "H24年度"]),
];

fn sample() -> Option<&'static Sample> {
    static S: OnceLock<Option<Sample>> = OnceLock::new();
    S.get_or_init(|| {
        let shared = common::shared_dir()?;
        let kiryu = shared.join("bench/kiryu/2012");
        if !kiryu.is_dir() {
            eprintln!("skipping: {} is missing", kiryu.display());
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let analyzer = common::analyzer();
        let options = IndexOptions {
            progress: false,
            ..Default::default()
        };
        writer::index_archive(&kiryu, dir.path(), &analyzer, &options).expect("kiryu indexes");
        let handle = IndexHandle::open(dir.path(), analyzer).unwrap();
        let tsv = std::fs::read_to_string(shared.join("eval/variants.tsv")).unwrap();
        let mut groups: Vec<(String, Vec<String>)> = tsv
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.split('\t').map(str::to_string);
                let cat = cols.next().unwrap();
                (cat, cols.collect())
            })
            .collect();
        groups.extend(HELD_OUT.iter().map(|(c, forms)| {
            (
                format!("held-out {c}"),
                forms.iter().map(|f| f.to_string()).collect(),
            )
        }));
        Some(Sample {
            _dir: dir,
            engine: Engine::new(handle, Synonyms::builtin()),
            groups,
        })
    })
    .as_ref()
}

/// Strict matches of `q`, as the script counts them.
fn strict_count(e: &Engine, q: &str) -> usize {
    let r = e.search(&SearchRequest::new(q)).unwrap();
    if r.escalated.is_some() {
        r.strict_total
    } else {
        r.total
    }
}

#[test]
fn every_form_of_a_word_finds_the_same_passages() {
    let Some(s) = sample() else { return };
    let mut scores = Vec::new();
    let mut report = String::new();
    for (cat, forms) in &s.groups {
        let counts: Vec<usize> = forms.iter().map(|f| strict_count(&s.engine, f)).collect();
        let max = counts.iter().copied().max().unwrap_or(0);
        if max == 0 {
            continue;
        }
        let min = counts.iter().copied().min().unwrap_or(0);
        let score = min as f64 / max as f64;
        report.push_str(&format!("{cat} {score:.2} {forms:?} {counts:?}\n"));
        scores.push(score);
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    eprintln!("{report}mean {mean:.3} over {} groups", scores.len());
    assert!(
        scores.len() >= 10,
        "too few groups found anything:\n{report}"
    );
    assert!(mean >= 0.85, "variant agreement {mean:.3}:\n{report}");
    let worst = scores.iter().copied().fold(1.0, f64::min);
    assert!(worst >= 0.4, "a group below 0.4:\n{report}");
}

#[test]
fn the_form_typed_ranks_first() {
    let Some(s) = sample() else { return };
    // Both spellings are in the minutes; each query's first hit writes it
    // as typed.
    for q in ["手続き", "手続"] {
        let mut req = SearchRequest::new(q);
        req.include_text = true;
        let r = s.engine.search(&req).unwrap();
        // Its title or its text: a passage titled by the sentence that
        // writes it holds it as much as one whose body does.
        let first = r
            .hits
            .first()
            .map(|h| format!("{}\n{}", h.section_title, h.text.as_deref().unwrap_or("")))
            .unwrap_or_default();
        assert!(first.contains(q), "{q}: first hit lacks it: {first:.80}");
    }
}

#[test]
fn a_kana_query_finds_the_kanji_and_says_it_came_by_reading() {
    let Some(s) = sample() else { return };
    let r = s.engine.search(&SearchRequest::new("としょかん")).unwrap();
    assert!(r.total > 0);
    let first = &r.hits[0];
    assert!(
        first.snippet.as_deref().unwrap().contains("<mark>図書館"),
        "{}",
        first.snippet.as_deref().unwrap_or_default()
    );
    assert!(first.via_reading);
}

// Rules on a hand-built index (no shared data needed).

fn small() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let mut docs = Vec::new();
        let texts = [
            "待機児童の解消に向けて保育所を整備します。",
            "大気汚染の対策と児童の健康について。",
            "公民連携による公園の再整備を進めます。公民連携の手法を検討します。",
            "公民連携の事業者を公募します。",
            "公民連携で図書館を運営します。",
            "公民連携の協定を結びました。",
            "公民連携の成果を報告します。",
            "参加の申し込みは窓口で受け付けます。",
            "申込書は市役所で配布します。",
            "市民一人一人が防災に取り組みます。",
            "職員一人ひとりの意識改革を進めます。",
            "一人で悩まず相談してください。",
            "令和元年度の決算を報告します。",
            "平成31年度の予算を審議しました。",
            "2019年度の実績は次のとおりです。",
            "公共Wi-Fiを整備しました。",
        ];
        for (i, t) in texts.iter().enumerate() {
            docs.push(common::doc(
                &format!("d{i}.txt"),
                "架空市",
                2020,
                "企画課",
                &[("本文", t)],
            ));
        }
        common::engine(&docs)
    })
}

/// The strict hits (a short list is filled up with looser matches after them).
fn texts(r: &plansearch::search::SearchResponse) -> Vec<String> {
    r.hits
        .iter()
        .take(r.strict_total)
        .map(|h| strip(h.snippet.as_deref().unwrap()))
        .collect()
}

fn strip(s: &str) -> String {
    plansearch::search::snippets::strip_marks(s)
}

fn run(q: &str) -> plansearch::search::SearchResponse {
    small().search(&SearchRequest::new(q)).unwrap()
}

#[test]
fn kana_query_searches_by_reading_and_ranks_the_word_first() {
    let r = run("たいきじどう");
    let first = &r.hits[0];
    assert!(
        first
            .snippet
            .as_deref()
            .unwrap()
            .contains("<mark>待機児童</mark>"),
        "{}",
        first.snippet.as_deref().unwrap_or_default()
    );
    assert!(first.via_reading);
    // 大気 + 児童 is no match: the readings must be in sequence.
    assert!(
        !texts(&r).iter().any(|t| t.contains("大気")),
        "{:?}",
        texts(&r)
    );
}

#[test]
fn a_typed_kanji_query_is_not_flagged_as_reading() {
    let r = run("待機児童");
    assert!(r.hits.iter().all(|h| !h.via_reading));
}

#[test]
fn okurigana_forms_find_each_other_and_mark_the_written_form() {
    for q in ["申込", "申し込み", "申込み"] {
        let r = run(q);
        let t = texts(&r);
        assert!(t.iter().any(|t| t.contains("申し込み")), "{q}: {t:?}");
        assert!(t.iter().any(|t| t.contains("申込書")), "{q}: {t:?}");
    }
    let r = run("申込");
    let hit = r
        .hits
        .iter()
        .find(|h| strip(h.snippet.as_deref().unwrap()).contains("申し込み"))
        .unwrap();
    assert!(
        hit.snippet
            .as_deref()
            .unwrap()
            .contains("<mark>申し込み</mark>"),
        "{}",
        hit.snippet.as_deref().unwrap_or_default()
    );
}

#[test]
fn doubled_words_match_each_other_but_not_the_single_word() {
    for q in ["一人一人", "一人ひとり"] {
        let t = texts(&run(q));
        assert!(t.iter().any(|t| t.contains("一人一人")), "{q}: {t:?}");
        assert!(t.iter().any(|t| t.contains("一人ひとり")), "{q}: {t:?}");
        assert!(!t.iter().any(|t| t.contains("一人で")), "{q}: {t:?}");
    }
}

#[test]
fn era_years_find_every_spelling_and_mark_it() {
    for q in ["令和元年度", "2019年度", "平成31年度", "R1年度"] {
        let r = run(q);
        assert_eq!(r.strict_total, 3, "{q}: {:?}", texts(&r));
        assert!(
            r.hits
                .iter()
                .all(|h| h.snippet.as_deref().unwrap().contains("<mark>")),
            "{q}"
        );
    }
}

#[test]
fn latin_words_ignore_hyphens_case_and_width() {
    for q in ["Wi-Fi", "WiFi", "wifi", "Ｗｉ－Ｆｉ"] {
        let r = run(q);
        assert_eq!(r.strict_total, 1, "{q}");
        assert!(
            r.hits[0]
                .snippet
                .as_deref()
                .unwrap()
                .contains("<mark>Wi-Fi</mark>"),
            "{q}: {}",
            r.hits[0].snippet.as_deref().unwrap_or_default()
        );
    }
}

#[test]
fn did_you_mean_suggests_a_frequent_word_one_edit_away() {
    let r = run("公民連係");
    assert_eq!(r.did_you_mean.as_deref(), Some("公民連携"));
    // A suggestion, not a rewrite: the results are those of what was typed.
    assert!(
        r.hits
            .iter()
            .all(|h| !strip(h.snippet.as_deref().unwrap()).contains("公民連係") || r.total == 0)
    );
    assert_eq!(run("公民連携").did_you_mean, None);
}
