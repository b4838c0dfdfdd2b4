//! Fictional documents shaped like the real ones (no real text is copied).

use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;

use super::{CAP, Section, split};
use crate::archive::Block;

fn h(t: &str) -> Block {
    Block::Heading(t.to_string())
}
fn p(t: &str) -> Block {
    Block::Para(t.to_string())
}
fn row(cells: &[&str]) -> Block {
    Block::Row(cells.iter().map(|c| c.to_string()).collect())
}

fn titles(sections: &[Section]) -> Vec<&str> {
    sections.iter().map(|s| s.title.as_str()).collect()
}

fn find<'a>(sections: &'a [Section], title: &str) -> &'a Section {
    sections
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no section {title:?} in {:?}", titles(sections)))
}

fn len(s: &str) -> usize {
    s.chars().count()
}

static ENUMERATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([0-9]{1,2}[.\s]|\([0-9]{1,2}\)|[一二三四五六七八九十]{1,3}[\s.、]|\([一二三四五六七八九十]{1,3}\)|\(?[アイウエオカキクケコサシスセソタチツテト][\s.)]|[◇◆■□◎●▼▽▲△★☆◯])\s*",
    )
    .unwrap()
});

/// Drops what may legitimately vanish or move: white space, the brackets of
/// a `【label】` title.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '【' | '】'))
        .collect()
}

/// Every line of every block appears in the output, read in order as title
/// then text of each section; only heading enumerators (`1.`, `(2)`) and
/// bare row numbers may be dropped, and repeated table headers (identical
/// to a kept one).
pub(super) fn assert_no_loss(blocks: &[Block], sections: &[Section]) {
    // A line may run from a title into its text (an initiative's name and
    // details), or from one section into the next (a long paragraph cut
    // in two), where a title copied from the text sits in between: so
    // lines are looked up with every title, and without the copies.
    let numbered = Regex::new(r"^(.*) \([0-9]+\)$").unwrap();
    let (mut with_titles, mut without_copies) = (String::new(), String::new());
    for (k, s) in sections.iter().enumerate() {
        let (title, text) = (squeeze(&s.title), squeeze(&s.text));
        let piece = numbered
            .captures(&s.title)
            .is_some_and(|c| sections[..k].iter().any(|s| s.title == c[1]));
        // `topic（続き）` repeats the title of the window that opened it.
        let continued = s.title.ends_with("（続き）");
        let copy = s.title.ends_with('…') || piece || continued || text.contains(&title);
        with_titles.push_str(&title);
        with_titles.push_str(&text);
        if !copy {
            without_copies.push_str(&title);
        }
        without_copies.push_str(&text);
    }
    let lines = blocks.iter().flat_map(|b| match b {
        Block::Heading(t) | Block::Para(t) => t.split('\n').map(str::to_string).collect(),
        Block::Row(cells) => cells
            .iter()
            .flat_map(|c| c.split('\n'))
            .map(str::to_string)
            .collect::<Vec<_>>(),
        Block::Record { title, lines } => std::iter::once(title).chain(lines).cloned().collect(),
    });
    for line in lines {
        let line = line.trim();
        let core = squeeze(ENUMERATOR.replace(line, "").as_ref());
        if core.is_empty() || core.chars().all(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        assert!(
            with_titles.contains(&core) || without_copies.contains(&core),
            "lost {line:?}\nsections: {sections:#?}"
        );
    }
}

fn assert_well_formed(sections: &[Section]) {
    for s in sections {
        assert!(!s.text.trim().is_empty(), "empty section {s:?}");
        assert!(!s.title.contains('\n'), "title with a line break {s:?}");
    }
}

/// An initiative table as in the department plans: a `No` header repeated
/// for every initiative, the name in the first `<p>` of the second cell,
/// label/value rows after it.
fn initiative_table() -> Vec<Block> {
    vec![
        p("1. 部局の使命"),
        p("架空市の水と緑を守り、次の世代へ引き継ぐための施策を総合的に進める。"),
        p("3. 当年度目標と振り返り"),
        row(&["No", "当年度目標(当初設定)", "実績"]),
        row(&[
            "取組み事項及びその内容",
            "取組みを行った内容・成果",
            "課題・今後の方向性",
        ]),
        row(&[
            "1",
            "森林公園の再整備\n○老朽化した遊具を更新し、園路を段差のない舗装に改めます。",
            "○遊具10基を更新しました。",
            "○来年度は東側園路に着手します。",
        ]),
        row(&["総合計画"]),
        row(&["", "2-1-1 緑豊かなまちをつくります。", ""]),
        row(&["基本政策"]),
        row(&["2", "公園の魅力向上(親水広場の設置など)"]),
        row(&["No", "当年度目標(当初設定)", "実績"]),
        row(&[
            "取組み事項及びその内容",
            "取組みを行った内容・成果",
            "課題・今後の方向性",
        ]),
        row(&[
            "2",
            "駅前広場の再整備 ○路線バスの乗り場を一か所に集約し、案内板を多言語化します。",
            "○基本設計を終えました。",
            "○地元説明会を重ねます。",
        ]),
        row(&["総合計画"]),
        row(&["0-0-0"]),
        row(&["基本政策"]),
        row(&["0"]),
        p("4. 中期目標"),
        row(&[
            "No",
            "取組み事項及び課題・めざす成果など",
            "スケジュール(工程)",
        ]),
        row(&[
            "1",
            "森林公園の再整備\n○利用者アンケートを毎年行います。",
            "令和9年度完了",
        ]),
    ]
}

#[test]
fn numbered_rows_are_initiatives_with_their_continuation_rows() {
    let blocks = initiative_table();
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);

    let parks = &sections[2];
    assert_eq!(parks.title, "森林公園の再整備");
    assert!(parks.text.starts_with("○老朽化した遊具"), "{}", parks.text);
    // A label's value row (`2 公園の…` after `基本政策`) is no new initiative.
    assert!(parks.text.contains("2-1-1 緑豊かなまちをつくります。"));
    assert!(parks.text.contains("公園の魅力向上"));
    assert!(parks.text.contains("来年度は東側園路"));

    let station = find(&sections, "駅前広場の再整備");
    assert!(station.text.starts_with("○路線バスの乗り場"));
    assert!(station.text.contains("地元説明会"));
    // The repeated header is kept once, with the table's heading.
    let header = sections
        .iter()
        .filter(|s| s.text.contains("当年度目標(当初設定)"))
        .count();
    assert_eq!(header, 1);
    assert!(
        find(&sections, "当年度目標と振り返り")
            .text
            .contains("実績")
    );

    let later: Vec<&Section> = sections
        .iter()
        .filter(|s| s.title == "森林公園の再整備")
        .collect();
    assert_eq!(later.len(), 2);
    assert!(later[1].text.contains("令和9年度完了"));
}

#[test]
fn bracket_headings_take_their_name_and_keep_sub_parts() {
    let blocks = vec![
        p("令和2年度 文化振興部の運営方針"),
        row(&["部(局)", "文化振興部", "部(局)長", "架空 太郎"]),
        row(&[
            "理事",
            "架空 次郎 (文化財担当)",
            "理事",
            "架空 三郎 (図書館担当)",
        ]),
        p("【基本姿勢】"),
        p(
            "文化振興部では、市民の誰もが芸術に触れられる機会を広げるとともに、地域の歴史を次世代に伝える取組を進めます。",
        ),
        p("【重点課題】"),
        row(&["1", "政策目標", "(2)", "学びと文化のまち"]),
        row(&["図書館の利便性向上"]),
        row(&["2", "政策目標", "(2)", "学びと文化のまち"]),
        row(&["郷土資料のデジタル化"]),
        p("【重点課題1】"),
        p("図書館の利便性向上"),
        p("(1) 目指すべき方向(中期的な目標)"),
        p("開館時間の延長と予約サービスの拡充により、働く世代の利用を増やします。"),
        p("(2) 今年度の目標"),
        p("ア 活動目標"),
        row(&["1", "自動貸出機を三館に導入します。"]),
        p("イ 達成目標"),
        row(&["1", "平日夜間の貸出冊数を二割増やします。"]),
        p("【重点課題2】"),
        p("郷土資料のデジタル化"),
        p("(1) 目指すべき方向(中期的な目標)"),
        p("古文書や写真を順次撮影し、誰もがインターネットで閲覧できるようにします。"),
    ];
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    assert_eq!(
        titles(&sections),
        [
            "令和2年度 文化振興部の運営方針",
            "基本姿勢",
            "重点課題",
            "【重点課題1】図書館の利便性向上",
            "【重点課題2】郷土資料のデジタル化",
        ]
    );
    let library = &sections[3];
    assert!(library.text.contains("(1) 目指すべき方向"));
    assert!(library.text.contains("自動貸出機"));
    assert!(library.text.contains("二割増やします"));
}

#[test]
fn numbered_headings_with_department_are_initiatives() {
    let blocks = vec![
        p("1 部の使命・目標に関する認識"),
        p("◇計画行政を着実に推進し、市民の信頼に応える市政を実現します。"),
        p("3 主要事業と目標"),
        p("1 水辺を活かしたまちづくりの推進(都市整備課)"),
        p("川沿いの遊歩道を延伸し、散策と休息の場をつくります。"),
        p("【目標指標】"),
        p("・遊歩道の延伸 500 メートル"),
        p("2 子育て相談窓口の一元化"),
        p("(子育て支援課)"),
        p("妊娠期から就学期までの相談を一つの窓口で受けられるようにします。"),
        p("【目標指標】"),
        p("・相談件数 1,000 件"),
    ];
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    assert_eq!(
        titles(&sections),
        [
            "部の使命・目標に関する認識",
            "水辺を活かしたまちづくりの推進(都市整備課)",
            "子育て相談窓口の一元化(子育て支援課)",
        ]
    );
    // The bare heading above the list becomes context of the first item;
    // the indicators stay with their initiative.
    assert!(sections[1].text.starts_with("3 主要事業と目標\n"));
    assert!(sections[1].text.contains("【目標指標】\n・遊歩道の延伸"));
    assert!(sections[2].text.contains("相談件数"));
}

#[test]
fn web_page_headings_each_start_a_section() {
    let blocks = vec![
        p("このページの先頭です"),
        p("架空局"),
        p("更新日:2030年4月1日"),
        p("このような考え方で組織を運営します"),
        p(
            "人口減少が進む中でも、市民サービスの質を保つため、業務の見直しと人材の育成を両輪で進めます。",
        ),
        p("今年度は特に以下のことについて重点的に取り組みます"),
        p("第一に、窓口手続のオンライン化を進め、来庁せずに済む手続を倍増させます。"),
        p("第二に、職員の働き方を見直し、時間外勤務を一割削減します。"),
        p("本文ここまで"),
    ];
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    assert_eq!(
        titles(&sections),
        [
            "このような考え方で組織を運営します",
            "今年度は特に以下のことについて重点的に取り組みます",
        ]
    );
    // Furniture joins the neighbouring text instead of standing alone.
    assert!(
        sections[0]
            .text
            .starts_with("このページの先頭です\n架空局\n更新日")
    );
    assert!(sections[1].text.ends_with("本文ここまで"));
}

fn statement(paragraphs: usize) -> Vec<String> {
    (0..paragraphs)
        .map(|i| {
            let topic = ["港湾", "観光", "子育て", "除雪", "図書館", "防災"][i % 6];
            let opener = if i % 7 == 3 { "次に、" } else { "" };
            format!(
                "{opener}{topic}につきましては、関係機関と連携しながら{}取組を進めてまいります。",
                "着実に".repeat(10 + (i * 13) % 50)
            )
        })
        .collect()
}

#[test]
fn long_statement_falls_back_to_bounded_windows() {
    let mut blocks = vec![h("架空市長 施政方針")];
    blocks.extend(statement(60).iter().map(|t| p(t)));
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    assert!(sections.len() > 5);
    assert_eq!(sections[0].title, "架空市長 施政方針");
    let mut continued = 0;
    for (k, s) in sections.iter().enumerate().skip(1) {
        if let Some(topic) = s.title.strip_suffix("（続き）") {
            // A window inside a topic is named by the topic in force.
            let opener = sections[..k]
                .iter()
                .rev()
                .find(|o| !o.title.ends_with("（続き）"));
            assert_eq!(opener.map(|o| o.title.as_str()), Some(topic), "{s:?}");
            assert!(topic.starts_with("次に、"), "{topic}");
            continued += 1;
            continue;
        }
        assert!(len(&s.title) <= 41, "{}", s.title);
        assert!(s.text.starts_with(s.title.trim_end_matches('…')), "{s:?}");
    }
    assert!(continued > 0, "no window continued a topic");
    for s in &sections[..sections.len() - 1] {
        assert!((300..=1200).contains(&len(&s.text)), "{}", len(&s.text));
    }
    // No paragraph is cut: each window is whole paragraphs.
    for s in &sections {
        assert!(s.text.lines().all(|l| l.ends_with('。')));
    }
}

#[test]
fn statement_without_any_heading_is_titled_by_sentences() {
    let mut blocks = vec![p("開催日:2030年2月1日")];
    blocks.extend(statement(12).iter().map(|t| p(t)));
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    // The date line is text of the first window, not its title.
    assert!(sections[0].text.starts_with("開催日"));
    assert!(sections[0].title.starts_with("港湾につきましては"));
}

#[test]
fn oversized_initiative_is_split_evenly_with_numbered_titles() {
    let mut blocks = vec![p("【重点課題1】"), p("下水道施設の長寿命化")];
    for i in 0..30 {
        blocks.push(p(&format!(
            "処理場{i}号系統の設備について、点検結果に基づき優先順位を付けて更新します。{}",
            "計画的な保全を行います。".repeat(8)
        )));
    }
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    let t = "【重点課題1】下水道施設の長寿命化";
    assert_eq!(
        titles(&sections),
        [t.to_string(), format!("{t} (2)"), format!("{t} (3)")]
    );
    for s in &sections {
        assert!(
            len(&s.text) <= CAP && len(&s.text) > 1000,
            "{}",
            len(&s.text)
        );
    }
}

#[test]
fn oversized_section_is_cut_again_at_its_sub_headings() {
    let mut blocks = vec![p("【重点課題1】"), p("下水道施設の長寿命化")];
    for part in ["(1) 目指すべき方向", "(2) 今年度の目標"] {
        blocks.push(p(part));
        for i in 0..8 {
            blocks.push(p(&format!(
                "{i}号系統の設備を更新します。{}",
                "計画的に保全します。".repeat(15)
            )));
        }
    }
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
    assert_eq!(
        titles(&sections),
        [
            "【重点課題1】下水道施設の長寿命化 / 目指すべき方向",
            "【重点課題1】下水道施設の長寿命化 / 今年度の目標",
        ]
    );
    // The parent heading, without text of its own, opens the first part.
    assert!(
        sections[0]
            .text
            .starts_with("【重点課題1】\n下水道施設の長寿命化\n")
    );
}

#[test]
fn a_huge_paragraph_is_cut_at_sentence_ends() {
    let para = (0..120)
        .map(|i| format!("第{i}項の規定により定めるものであります。"))
        .collect::<String>();
    let blocks = vec![p(&para)];
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert!(sections.len() > 2);
    for s in &sections {
        assert!(len(&s.text) <= 1200 && s.text.ends_with('。'));
    }
    let joined: String = sections.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(joined, para);
}

#[test]
fn degenerate_documents() {
    assert!(split(&[]).is_empty());
    let lone = split(&[h("架空町 議会だより")]);
    assert_eq!(lone.len(), 1);
    assert_eq!(lone[0].text, "架空町 議会だより");
    let crumbs = split(&[p("表1"), row(&["区分", "件数"]), p("出典:架空町")]);
    assert_eq!(crumbs.len(), 1);
    assert_well_formed(&crumbs);
}

#[test]
fn a_hundred_thousand_crumbs_merge_in_linear_time_into_bounded_sections() {
    // A page of bare labels (`<p>段落</p>` repeated): every line is a short
    // plain heading, so every draft is a crumb. A `Vec::remove` per crumb,
    // and the carried crumbs copied at every step, made this quadratic
    // (minutes for a 25 MB page), and all of it ended up in one section.
    const N: usize = 100_000;
    let blocks: Vec<Block> = (0..N).map(|i| p(&format!("段落{i}項"))).collect();
    let started = std::time::Instant::now();
    let sections = split(&blocks);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    assert_well_formed(&sections);
    assert!(sections.len() > 100, "{}", sections.len());
    assert!(sections.iter().all(|s| len(&s.text) <= CAP), "unbounded");
    // Every label is kept, in order, as a title or a line of text.
    let mut lines = sections
        .iter()
        .flat_map(|s| std::iter::once(s.title.as_str()).chain(s.text.lines()));
    for i in 0..N {
        let want = format!("段落{i}項");
        assert!(lines.any(|l| l == want), "lost {want}");
    }
}

#[test]
fn crumbs_join_the_next_section_or_the_last() {
    let s = split(&[
        p("表1"),
        h("架空町の公園整備"),
        p("町内の公園を、子どもから高齢者まで誰もが使える場所として再整備します。"),
        p("出典:架空町"),
    ]);
    assert_eq!(titles(&s), ["架空町の公園整備"]);
    assert_eq!(
        s[0].text,
        "表1\n町内の公園を、子どもから高齢者まで誰もが使える場所として再整備します。\n出典:架空町"
    );
}

#[test]
fn a_run_of_numbered_lines_is_a_list_not_initiatives() {
    use super::classify::{Head, Style};
    use super::window::Unit;
    use super::{Draft, merge_crumbs};
    // A chart's legend read across two columns under a long section: each
    // numbered line a heading over the next one, as the real survey gave.
    let head = |line: &str, at: usize| Head {
        line: line.to_string(),
        title: line[2..].to_string(),
        style: Style::SpaceNumber,
        level: 1,
        at,
    };
    let lines = [
        ("2 子育て家庭への支援", "1 子どもの成長への支援"),
        ("4 地域包括ケアの構築", "3 地域福祉の推進"),
        ("6 健康づくりの推進", "5 障がい者の自立支援"),
    ];
    let intro = "各施策の満足度と重要度を、五段階の回答の点数を平均して、指数として求めています。";
    let mut drafts = vec![Draft::headed(
        &Head {
            line: "(1) 分析の方法".into(),
            title: "分析の方法".into(),
            style: Style::ParenNumber,
            level: 0,
            at: 0,
        },
        vec![Unit::line(intro, 1)],
    )];
    for (k, (h, body)) in lines.iter().enumerate() {
        drafts.push(Draft::headed(
            &head(h, 2 + 2 * k),
            vec![Unit::line(body, 3 + 2 * k)],
        ));
    }
    drafts.push(Draft::headed(
        &Head {
            line: "(2) 満足度と重要度の関係".into(),
            title: "満足度と重要度の関係".into(),
            style: Style::ParenNumber,
            level: 0,
            at: 9,
        },
        vec![Unit::line(intro, 10)],
    ));
    merge_crumbs(&mut drafts);
    let titles: Vec<&str> = drafts.iter().map(|d| d.title.as_str()).collect();
    // One passage for the list, named after the section it stands in.
    assert_eq!(
        titles,
        ["分析の方法", "分析の方法（続き）", "満足度と重要度の関係"]
    );
    let (text, _) = super::window::render(&drafts[1].units);
    assert!(
        text.starts_with("2 子育て家庭への支援\n1 子どもの成長への支援"),
        "{text}"
    );
    assert!(text.ends_with("5 障がい者の自立支援"), "{text}");
    // Two short numbered drafts in a row are still initiatives.
    let mut drafts: Vec<Draft> = lines[..2]
        .iter()
        .enumerate()
        .map(|(k, (h, body))| Draft::headed(&head(h, 2 * k), vec![Unit::line(body, 1 + 2 * k)]))
        .collect();
    merge_crumbs(&mut drafts);
    assert_eq!(drafts.len(), 2);
}

#[test]
fn mixed_document_loses_nothing() {
    let mut blocks = initiative_table();
    blocks.push(h("参考 施政方針より"));
    blocks.extend(statement(20).iter().map(|t| p(t)));
    blocks.push(p("【重点課題3】"));
    blocks.push(p("(1) 目指すべき方向"));
    blocks.push(p("短い本文。"));
    let sections = split(&blocks);
    assert_well_formed(&sections);
    assert_no_loss(&blocks, &sections);
}

/// Text pieces that exercise every rule: enumerators, labels, sentence
/// ends, openers, long runs.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1 ".to_string()),
        Just("2. ".to_string()),
        Just("(1) ".to_string()),
        Just("【課題1】".to_string()),
        Just("ア ".to_string()),
        Just("No".to_string()),
        Just("次に、".to_string()),
        Just("○".to_string()),
        Just("(企画課)".to_string()),
        Just("基本政策".to_string()),
        Just("。".to_string()),
        Just("架空の施策を進めます".to_string()),
        Just("港".to_string()),
        "[あ-ん]{1,30}",
        ("[か-こ]{1,3}", 1usize..400).prop_map(|(s, n)| s.repeat(n)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..6).prop_filter_map("blank", |parts| {
        let t = parts
            .concat()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!t.is_empty()).then_some(t)
    })
}

/// A table cell: a number, or one to three `<p>` paragraphs.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..4).prop_map(|n| n.to_string()),
        prop::collection::vec(text(), 1..4).prop_map(|ps| ps.join("\n")),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        1 => text().prop_map(Block::Heading),
        4 => text().prop_map(Block::Para),
        2 => prop::collection::vec(cell(), 1..4).prop_map(Block::Row),
    ]
}

proptest! {
    // No regression files: the module owns no files outside src/sections.
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn split_is_total_and_lossless(blocks in prop::collection::vec(block(), 0..40)) {
        let sections = split(&blocks);
        prop_assert_eq!(sections.is_empty(), blocks.is_empty());
        assert_well_formed(&sections);
        assert_no_loss(&blocks, &sections);
    }
}

/// A web page without headings: its lead lines name the sections, and the
/// points under 「以下のことについて」 stay together under it.
#[test]
fn lead_lines_of_a_web_page_name_its_sections() {
    let blocks = vec![
        p("このページの先頭です"),
        p("架空局"),
        p("更新日:2030年4月1日"),
        p("このような考え方で組織を運営します"),
        p(
            "人口減少が進む中でも、市民サービスの質を保つため、業務の見直しと人材の育成を両輪で進めます。",
        ),
        p("今年度は特に以下のことについて重点的に取り組みます"),
        p("第一に、窓口手続のオンライン化を進め、来庁せずに済む手続を倍増させます。"),
        p("第二に、職員の働き方を見直し、時間外勤務を一割削減します。"),
        p("本文ここまで"),
    ];
    let s = split(&blocks);
    assert_no_loss(&blocks, &s);
    let titles: Vec<&str> = s.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "このような考え方で組織を運営します",
            "今年度は特に以下のことについて重点的に取り組みます"
        ]
    );
    assert!(s[0].text.contains("人口減少が進む中でも"));
    assert!(s[1].text.contains("第一に") && s[1].text.contains("第二に"));
}

#[test]
fn a_passage_knows_where_its_text_goes_on_to_another_page() {
    use crate::archive::{Extracted, Place, PlaceMark};
    // One heading, a paragraph on page 3 and two on page 4, then page 5.
    let blocks = vec![
        h("第2章 架空市の子育て支援"),
        p("架空市は待機児童の解消に取り組みます。"),
        p("保育士の確保のため、宿舎借り上げを補助します。"),
        p("病児保育の定員を増やします。"),
        p("放課後児童クラブを全校区に広げます。"),
    ];
    let extracted = Extracted {
        blocks,
        places: vec![
            PlaceMark {
                first_block: 0,
                place: Place::Page(3),
            },
            PlaceMark {
                first_block: 2,
                place: Place::Page(4),
            },
            PlaceMark {
                first_block: 4,
                place: Place::Page(5),
            },
        ],
        doc_title: None,
        declared: Default::default(),
        pages: Some(5),
        encoding: "UTF-8",
        ..Default::default()
    };
    let sections = super::split_extracted(&extracted);
    assert_eq!(sections.len(), 1, "{sections:?}");
    let s = &sections[0];
    assert_eq!(s.place, Some(Place::Page(3)));
    let pages: Vec<u32> = s.page_breaks.iter().map(|b| b.page).collect();
    assert_eq!(pages, [4, 5]);
    // Each break stands where that page's first line starts.
    let chars: Vec<char> = s.text.chars().collect();
    let at = |b: usize| {
        chars[s.page_breaks[b].at as usize..]
            .iter()
            .collect::<String>()
    };
    assert!(at(0).starts_with("保育士の確保"), "{}", at(0));
    assert!(at(1).starts_with("放課後児童クラブ"), "{}", at(1));
    let offset_of = |needle: &str| s.text[..s.text.find(needle).unwrap()].chars().count();
    assert_eq!(
        Section::page_at(Some(3), &s.page_breaks, offset_of("待機児童")),
        Some(3)
    );
    assert_eq!(
        Section::page_at(Some(3), &s.page_breaks, offset_of("病児保育")),
        Some(4)
    );
    assert_eq!(
        Section::page_at(Some(3), &s.page_breaks, offset_of("全校区")),
        Some(5)
    );
    // Stored and read back unchanged.
    let stored = super::encode_breaks(&s.page_breaks);
    assert_eq!(super::decode_breaks(&stored), s.page_breaks);
}

#[test]
fn a_passage_running_over_pages_is_cut_where_a_page_starts() {
    use crate::archive::{Extracted, Place, PlaceMark};
    // A chart-heavy report: one heading, then pages of text each long
    // enough to stand alone, and a short last page.
    let line = |n: usize, what: &str| p(&format!("{what}の数値は前年度を上回りました。").repeat(n));
    let blocks = vec![
        h("満足度の推移"),
        line(25, "港の清掃"),
        line(25, "公園の管理"),
        line(25, "図書館の利用"),
        p("以上です。"),
    ];
    let extracted = Extracted {
        blocks,
        places: [(0, 7), (2, 8), (3, 9), (4, 10)]
            .into_iter()
            .map(|(first_block, page)| PlaceMark {
                first_block,
                place: Place::Page(page),
            })
            .collect(),
        pages: Some(10),
        encoding: "UTF-8",
        ..Default::default()
    };
    let sections = super::split_extracted(&extracted);
    assert_eq!(
        titles(&sections),
        ["満足度の推移", "満足度の推移 (2)", "満足度の推移 (3)"]
    );
    let pages: Vec<_> = sections.iter().map(|s| s.place.clone()).collect();
    assert_eq!(
        pages,
        [
            Some(Place::Page(7)),
            Some(Place::Page(8)),
            Some(Place::Page(9))
        ]
    );
    assert!(sections[1].text.starts_with("公園の管理") && !sections[1].text.contains("港の清掃"));
    // The short last page stays with the page before it, its break kept.
    assert!(sections[2].text.ends_with("以上です。"));
    assert_eq!(sections[2].page_breaks.len(), 1);
    assert_eq!(sections[2].page_breaks[0].page, 10);
    let chars: Vec<char> = sections[2].text.chars().collect();
    let rest: String = chars[sections[2].page_breaks[0].at as usize..]
        .iter()
        .collect();
    assert_eq!(rest, "以上です。");
    // No text lost or doubled.
    let joined: String = sections.iter().map(|s| s.text.replace('\n', "")).collect();
    assert_eq!(joined.matches("前年度").count(), 75);
}

#[test]
fn contents_entries_do_not_open_sections() {
    let blocks = vec![
        p("令和9年度 架空市 施策評価報告書"),
        p("~目次~"),
        p("I 評価の概要 ..................................1"),
        p("1 評価の目的 ..................................1"),
        p("2 評価の方法 ……………………………… 2"),
        h("I 評価の概要"),
        h("1 評価の目的"),
        p("架空市の施策を市民の視点で点検するため、毎年度評価を行っています。"),
        h("2 評価の方法"),
        p("各課が自己評価を行い、外部委員が二次評価を行います。"),
    ];
    let s = split(&blocks);
    assert_no_loss(&blocks, &s);
    // One section holds the contents as text; the chapter is named once,
    // by its own heading, with its text.
    assert_eq!(
        titles(&s),
        ["令和9年度 架空市 施策評価報告書", "I 評価の概要"]
    );
    assert!(s[0].text.contains("1 評価の目的 ....") && s[0].text.contains("2 評価の方法"));
    assert!(
        s[1].text.contains("市民の視点") && !s[1].text.contains("...."),
        "{:?}",
        s[1]
    );
}

#[test]
fn each_motion_of_a_vote_table_is_a_passage_with_its_result() {
    let blocks = [
        p("令和6年3月定例会 議決結果一覧表"),
        p("第1号 見本町議会会議規則の一部を改正する規則制定について R6.3.21"),
        p("原案可決(全会一致)"),
        p("○ 議長 ○ ○ ○ ○"),
        p("第2号 見本港の再開発に関して説明を求める陳情R6.3.21不採択 × 議長 × ○ ○"),
        p("第3号 見本町一般会計予算 R6.3.21 原案可決 ○ 議長 ○ ○ ×"),
    ];
    let sections = split(&blocks);
    let first = find(
        &sections,
        "第1号 見本町議会会議規則の一部を改正する規則制定について",
    );
    // The result lines under a row are its result, not headings of their own.
    assert!(first.text.contains("原案可決"), "{:?}", first.text);
    assert!(first.text.contains("全会一致"), "{:?}", first.text);
    let petition = find(&sections, "第2号 見本港の再開発に関して説明を求める陳情");
    assert!(
        petition.text.starts_with("R6.3.21不採択"),
        "{:?}",
        petition.text
    );
    let budget = find(&sections, "第3号 見本町一般会計予算");
    assert!(!budget.text.contains("全会一致"), "{:?}", budget.text);
}
