//! Notation variants beyond the hand-made rules (issue #24): spellings kept
//! in `data/notation_variants.tsv` (SudachiDict) and `data/jmdict_variants.tsv`
//! (JMdict), okurigana skeletons, and numerals in kanji or digits. Rules on fictional text first; then the outside-dictionary check
//! of `scripts/notation_eval_groups.py` run in-process on a sample of the
//! Kiryu minutes (one year): numeral pairs generated here and vendored
//! notation words, kept where every form occurs at least 3 times.

mod common;

use std::sync::OnceLock;

use plansearch::analysis::normalize::normalize;
use plansearch::analysis::notation::{BUILTIN, kanji_number};
use plansearch::analysis::synonyms::Synonyms;
use plansearch::index::{IndexHandle, IndexOptions, writer};
use plansearch::search::{Engine, SearchRequest};

fn small() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let texts = [
            "架空町条例第九条の規定により報告します。",
            "同条例第9条の改正案を審議しました。",
            "委員三人が現地を視察しました。",
            "職員3人を増員します。",
            "一般会計の補正予算を可決しました。",
            "整理番号は二五から始まります。",
            "説明会には二十五人が参加しました。",
            "情報漏えい対策を強化します。",
            "情報漏洩の防止に努めます。",
            "障がい者雇用の促進を図ります。",
            "障害者雇用の実績を報告します。",
            "公衆Wi―Fiを駅前に整備しました。",
            "準備は十分に整っています。",
            "会議は10分で終わりました。",
            "資料の隠ぺいは許されません。",
            "事実の隠蔽が疑われました。",
            "地域の芸術を支えます。",
            "古い藝術を守ります。",
            "樹木の根元を保護します。",
            "問題の根本を考えます。",
            "開会は三月を予定しています。",
            "3月の定例会で審議します。",
            "百年の歴史があります。",
            "100年先を見据えます。",
            "参加団体は三十を数えました。",
            "応募は30に達しました。",
            "資材置場を移転します。",
            "自転車の置き場を増やします。",
            "定員十三人の審議会を置きます。",
            "応募者は二十三人でした。",
            "職員13人を配置します。",
            "第十三条の規定によります。",
            "十一月に説明会を開きます。",
            "課題は8つあります。",
            "論点は八つに整理しました。",
            "対象は8件です。",
            "一世帯あたりの負担を試算しました。",
            "1世帯に1台を配布します。",
            "駐車場整備を進めます。",
            "ほ場整備事業を実施します。",
            "圃場整備の補助を受けます。",
            "議案ごとに質疑を行います。",
            "私ごとで恐縮ですが報告します。",
            "時代の変化に対応します。",
            "その制度は時代おくれです。",
            "申込書を受け付けます。",
            "参加の申し込みを受け付けます。",
            "発がんの危険を周知します。",
            "瓦れき処理を進めます。",
            "瓦礫処理の費用を計上します。",
            "大変申しわけない結果です。",
            "申しわけありませんでした。",
            "申し訳ない思いです。",
            "調査は例年どおり行われる予定です。",
            "検査は毎年行なわれる決まりです。",
            "休日は家族と過ごす人が増えました。",
            "休日を家で過す人もいます。",
            "感染症にり患した職員はいません。",
            "罹患率の推移を報告します。",
            "処方せんの受付を始めます。",
            "処方箋の様式を改めます。",
        ];
        let docs: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                common::doc(
                    &format!("n{i}.txt"),
                    "架空町",
                    2021,
                    "総務課",
                    &[("本文", t)],
                )
            })
            .collect();
        common::engine(&docs)
    })
}

fn count(e: &Engine, q: &str) -> usize {
    let r = e.search(&SearchRequest::new(q)).unwrap();
    if r.escalated.is_some() {
        r.strict_total
    } else {
        r.total
    }
}

fn texts(q: &str) -> Vec<String> {
    let r = small().search(&SearchRequest::new(q)).unwrap();
    r.hits
        .iter()
        .take(r.strict_total)
        .map(|h| plansearch::search::snippets::strip_marks(h.snippet.as_deref().unwrap()))
        .collect()
}

#[test]
fn numerals_in_kanji_and_digits_count_the_same() {
    let e = small();
    for group in [&["第九条", "第9条"][..], &["三人", "3人"]] {
        for q in group {
            assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
        }
    }
    // Place value: 二十五 is 25, 二五 is not.
    assert!(texts("25人").iter().any(|t| t.contains("二十五人")));
    assert!(
        !texts("二五").iter().any(|t| t.contains("二十五")),
        "{:?}",
        texts("二五")
    );
    // Words that hold a numeral character stay words.
    assert!(texts("一般").iter().all(|t| t.contains("一般")));
    assert!(
        !texts("十分").iter().any(|t| t.contains("10分")),
        "{:?}",
        texts("十分")
    );
}

#[test]
fn a_kanji_number_is_not_found_inside_a_longer_one() {
    let e = small();
    // 三人 (and 3人 searched as 三人) is not the 三人 of 十三人 or 二十三人.
    for q in ["三人", "3人"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
    for q in ["十三人", "13人"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
    assert_eq!(count(e, "二十三人"), 1, "{:?}", texts("二十三人"));
    // Nor at the start of one (第十 is not 第十三), nor after one (一月 of
    // 十一月).
    assert!(texts("第十").is_empty(), "{:?}", texts("第十"));
    assert_eq!(count(e, "第十三条"), 1, "{:?}", texts("第十三条"));
    assert!(
        !texts("一月").iter().any(|t| t.contains("十一月")),
        "{:?}",
        texts("一月")
    );
    assert_eq!(count(e, "十一月"), 1, "{:?}", texts("十一月"));
}

#[test]
fn tsu_after_a_number_counts_and_is_no_bare_number() {
    let e = small();
    // 8つ is not every 8 (8件); 8つ = 八つ.
    for q in ["8つ", "８つ", "八つ"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
}

#[test]
fn a_noun_ipadic_does_not_list_as_a_counter_counts_after_a_number() {
    for q in ["一世帯", "1世帯"] {
        assert_eq!(count(small(), q), 2, "{q}: {:?}", texts(q));
    }
}

#[test]
fn kana_for_a_kanji_is_no_okurigana() {
    // ほ場整備 is 圃場整備, never 場整備 (駐車場整備).
    for q in ["ほ場整備", "圃場整備"] {
        assert_eq!(count(small(), q), 2, "{q}: {:?}", texts(q));
    }
}

#[test]
fn months_spans_of_years_and_bare_numbers_in_kanji_and_digits() {
    let e = small();
    for group in [&["三月", "3月"][..], &["百年", "100年"], &["三十", "30"]] {
        for q in group {
            assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
        }
    }
}

#[test]
fn jmdict_spellings_of_one_word_match_each_other() {
    let e = small();
    for group in [&["隠蔽", "隠ぺい"][..], &["芸術", "藝術"]] {
        for q in group {
            assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
        }
    }
    // A form that is also another word (根本 is こんぽん too) stays apart.
    assert_eq!(count(e, "根元"), 1, "{:?}", texts("根元"));
    assert_eq!(count(e, "根本"), 1, "{:?}", texts("根本"));
}

#[test]
fn a_form_counts_only_passages_that_hold_it_whole() {
    let e = small();
    // ごと, a word the stop list drops, left 私 … ごと as every ごと; the
    // kana of 時代おくれ are a word, not okurigana, so 時代 is no form of it.
    assert_eq!(count(e, "私ごと"), 1, "{:?}", texts("私ごと"));
    assert_eq!(count(e, "時代おくれ"), 1, "{:?}", texts("時代おくれ"));
    // ない, dropped by the stop list, is part of 申し訳ない: the spellings
    // read like its other words (申しわけ) are no form of it.
    assert_eq!(count(e, "申し訳ない"), 2, "{:?}", texts("申し訳ない"));
    // Okurigana still find the skeleton (申し込み → 申込 of 申込書).
    assert_eq!(count(e, "申し込み"), 2, "{:?}", texts("申し込み"));
}

#[test]
fn mazegaki_by_rule_matches_the_kanji_spelling() {
    let e = small();
    for q in ["瓦礫処理", "瓦れき処理"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
    assert_eq!(count(e, "発癌"), 1, "{:?}", texts("発癌"));
}

#[test]
fn okurigana_and_kana_for_kanji_added_in_2010_are_one_word() {
    let e = small();
    // Okurigana IPADIC lists both ways (送り仮名の許容), in an inflected form.
    for q in ["行われる", "行なわれる", "過ごす", "過す"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
    // 交ぜ書き IPADIC lists with the word's reading (り患, two characters),
    // and of a kanji the jōyō list took in only in 2010 (箋).
    for q in ["罹患", "り患", "処方箋", "処方せん"] {
        assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
    }
}

#[test]
fn a_word_with_okurigana_finds_its_kanji_skeleton() {
    for q in ["置き場", "置場"] {
        assert_eq!(count(small(), q), 2, "{q}: {:?}", texts(q));
    }
}

#[test]
fn kept_variants_match_alone_and_inside_compounds() {
    let e = small();
    for group in [
        &["情報漏えい", "情報漏洩"][..],
        &["障がい者雇用", "障害者雇用"],
    ] {
        for q in group {
            assert_eq!(count(e, q), 2, "{q}: {:?}", texts(q));
        }
    }
    // The variant is marked where it is written.
    let r = e.search(&SearchRequest::new("情報漏洩")).unwrap();
    assert!(
        r.hits
            .iter()
            .any(|h| h.snippet.as_deref().unwrap().contains("<mark>情報漏えい")),
        "{:?}",
        r.hits.iter().map(|h| h.snippet.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn any_dash_or_bar_joins_a_latin_word() {
    for q in ["WiFi", "Wi-Fi", "wifi"] {
        assert_eq!(count(small(), q), 1, "{q}");
    }
}

/// Forms as the generator keeps them: every form at least this often.
const MIN: usize = 3;

#[test]
fn outside_groups_agree_on_a_kiryu_sample() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let kiryu = shared.join("bench/kiryu/2013");
    if !kiryu.is_dir() {
        eprintln!("skipping: {} is missing", kiryu.display());
        return;
    }
    // The sample's text, normalized as indexed, without spaces.
    let mut corpus = String::new();
    for entry in std::fs::read_dir(&kiryu).unwrap() {
        let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        corpus.extend(normalize(&raw).chars().filter(|c| !c.is_whitespace()));
    }
    let occurs = |f: &str| corpus.matches(f).take(MIN).count() >= MIN;
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    // Numeral pairs generated (no list of the engine's counters: IPADIC's).
    for n in (1..=30).chain([50, 100, 179]) {
        for counter in ["人", "件", "回", "名", "号", "項", "点", "校", "台", "億円"] {
            groups.push((
                "numeral",
                vec![
                    format!("{}{counter}", kanji_number(n)),
                    format!("{n}{counter}"),
                ],
            ));
        }
        groups.push((
            "numeral",
            vec![format!("第{}", kanji_number(n)), format!("第{n}")],
        ));
    }
    // Every fourth vendored word (a sample that keeps the test short).
    for line in BUILTIN.lines().filter(|l| !l.starts_with('#')).step_by(4) {
        groups.push(("notation", line.split('\t').map(str::to_string).collect()));
    }
    let groups: Vec<(&str, Vec<String>)> = groups
        .into_iter()
        .map(|(c, forms)| {
            (
                c,
                forms
                    .into_iter()
                    .filter(|f| f.chars().count() >= 2 && occurs(f))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, forms)| forms.len() >= 2)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let analyzer = common::analyzer();
    let options = IndexOptions {
        progress: false,
        ..Default::default()
    };
    writer::index_archive(&kiryu, dir.path(), &analyzer, &options).expect("kiryu indexes");
    let engine = Engine::new(
        IndexHandle::open(dir.path(), analyzer).unwrap(),
        Synonyms::builtin(),
    );
    let mut report = String::new();
    for source in ["numeral", "notation"] {
        let mut scores = Vec::new();
        for (_, forms) in groups.iter().filter(|(c, _)| *c == source) {
            let counts: Vec<usize> = forms.iter().map(|f| count(&engine, f)).collect();
            let max = counts.iter().copied().max().unwrap_or(0);
            if max == 0 {
                continue;
            }
            let score = *counts.iter().min().unwrap() as f64 / max as f64;
            report.push_str(&format!("{source} {score:.2} {forms:?} {counts:?}\n"));
            scores.push(score);
        }
        let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
        eprintln!("{source}: {mean:.3} over {} groups", scores.len());
        assert!(scores.len() >= 5, "{source}: too few groups\n{report}");
        assert!(mean >= 0.8, "{source}: agreement {mean:.3}\n{report}");
    }
}
