//! Repairs what PDF layout does to Japanese text, before it becomes blocks:
//! running page numbers and headers/footers, spaces from justified or
//! distributed alignment (「令 和 ８ 年 度」), and line breaks inside
//! sentences (「市民からの情報\nを受け止め」).
//!
//! Works on the text of `pdftotext -raw`: one string per physical page,
//! lines in reading order. The rules look at line shape only (width, first
//! and last characters), never at a particular document's wording.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// A repaired paragraph and the 1-based page it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PagePara {
    pub page: u32,
    pub text: String,
}

/// Headers and footers are looked for in this many lines at each end of a
/// page.
const EDGE_LINES: usize = 2;
/// A line at a page edge that repeats on this share of pages (and on at
/// least [`MIN_REPEAT_PAGES`]) is running furniture.
const REPEAT_SHARE: f64 = 0.6;
const MIN_REPEAT_PAGES: usize = 3;
/// A line this close to the widest line of its page fills the column: the
/// sentence goes on in the next line. Kinsoku shoving can leave a full line
/// a character or two short.
const FULL_LINE_SHARE: f64 = 0.9;
/// Pages whose widest line is narrower hold tables or lists, not running
/// text: their lines are never joined on width alone.
const MIN_COLUMN_WIDTH: f64 = 20.0;

/// Page text → paragraphs, in reading order.
pub(super) fn paragraphs(pages: &[String]) -> Vec<PagePara> {
    let mut pages: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| unspace(l.trim()))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    drop_running_lines(&mut pages);

    let mut out: Vec<PagePara> = Vec::new();
    // Whether the last paragraph may go on in the next line.
    let mut open = false;
    for (i, lines) in pages.iter().enumerate() {
        let page = i as u32 + 1;
        let column = lines.iter().map(|l| width(l)).fold(0.0, f64::max);
        for line in lines {
            match out.last_mut() {
                Some(last) if open && continues(&last.text, line) => join(&mut last.text, line),
                _ => out.push(PagePara {
                    page,
                    text: line.clone(),
                }),
            }
            open = column >= MIN_COLUMN_WIDTH && width(line) >= column * FULL_LINE_SHARE
                || ends_open(line);
        }
    }
    out
}

// ------------------------------------------------------------ furniture

/// A running page number: 「3」, 「- 3 -」, 「－３－」, 「3/12」, 「p. 3」.
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-－―‐—–ー~〜(（\s]*[0-9０-９]+[-－―‐—–ー~〜)）\s]*|[0-9０-９]+\s*[/／]\s*[0-9０-９]+|[pPＰ]\.?\s*[0-9０-９]+|[0-9０-９]+\s*(?:頁|ページ))$",
    )
    .expect("page number regex")
});

fn is_page_number(line: &str) -> bool {
    PAGE_NUMBER.is_match(line)
}

/// The shape of an edge line, with its numbers blanked: 「令和6年度予算書 12」
/// and 「令和6年度予算書 13」 are the same running header.
fn edge_key(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_numeric() { '#' } else { c })
        .collect()
}

/// Drops page numbers at the top and bottom of pages, and lines at page
/// edges that repeat on most pages (running headers and footers).
fn drop_running_lines(pages: &mut [Vec<String>]) {
    let edges = |lines: &[String]| -> Vec<usize> {
        let n = lines.len();
        let mut idx: Vec<usize> = (0..n.min(EDGE_LINES)).collect();
        idx.extend(n.saturating_sub(EDGE_LINES).max(EDGE_LINES.min(n))..n);
        idx
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for lines in pages.iter() {
        let mut keys: Vec<String> = edges(lines).iter().map(|&i| edge_key(&lines[i])).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let threshold = (pages.len() as f64 * REPEAT_SHARE).max(MIN_REPEAT_PAGES as f64);
    for lines in pages.iter_mut() {
        let n = lines.len();
        let mut drop = vec![false; n];
        for i in edges(lines) {
            let line = &lines[i];
            let is_outer = i == 0 || i + 1 == n;
            let repeated = seen.get(&edge_key(line)).copied().unwrap_or(0) as f64 >= threshold;
            drop[i] = (is_outer && is_page_number(line)) || repeated;
        }
        let mut k = 0;
        lines.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }
}

// ------------------------------------------------------------- spacing

/// Han, kana and full-width letters and digits: the characters between
/// which justified layout inserts spaces that the text never had.
fn is_cjk(c: char) -> bool {
    use crate::analysis::script;
    script::is_kanji(c)
        || script::is_kana(c)
        || script::is_fullwidth_alnum(c)
        || script::is_halfwidth_kana(c)
        // The rest of the kana blocks: voicing marks, ゟ, ゠, ・, ヿ.
        || matches!(c, '\u{3099}'..='\u{30a0}' | '\u{30fb}'..='\u{30ff}')
}

/// One character, set apart by spaces: part of distributed text when its
/// neighbours are too. Punctuation such as 「（」 counts; ASCII letters do
/// not (「A B C」 stays).
fn is_spread_char(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_ascii_alphabetic())
}

/// Removes layout spaces from one line: runs of three or more single
/// characters (「議 案 第 ５ 号」 → 「議案第５号」), and a space between Japanese
/// text and a number or Latin word (「令和 2 年度」 → 「令和2年度」, 「各種 SNS
/// など」 → 「各種SNSなど」). A space between two Japanese words stays
/// (「市川 信行」, table cells), and so do spaces between Latin words.
pub(super) fn unspace(line: &str) -> String {
    let tokens: Vec<&str> = line
        .split(char::is_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < tokens.len() {
        let run = tokens[i..].iter().take_while(|t| is_spread_char(t)).count();
        let cjk = tokens[i..i + run]
            .iter()
            .filter(|t| t.chars().all(is_cjk))
            .count();
        let piece = if run >= 3 && cjk >= 2 {
            let joined = tokens[i..i + run].concat();
            i += run;
            joined
        } else {
            i += 1;
            tokens[i - 1].to_owned()
        };
        // A number opening the line is an item number: 「1 政策目標」 stays.
        let item_number =
            !out.is_empty() && out.len() <= 3 && out.bytes().all(|b| b.is_ascii_digit());
        if let (Some(prev), Some(next)) = (out.chars().last(), piece.chars().next()) {
            let glued = !item_number
                && ((is_cjk(prev) && next.is_ascii_alphanumeric())
                    || (prev.is_ascii_alphanumeric() && is_cjk(next)));
            if !glued {
                out.push(' ');
            }
        }
        out.push_str(&piece);
    }
    out
}

// ------------------------------------------------------------- joining

/// Display width: half-width characters count half.
fn width(line: &str) -> f64 {
    line.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{ff61}'..='\u{ff9f}').contains(&c) {
                0.5
            } else {
                1.0
            }
        })
        .sum()
}

/// A line that ends inside a sentence whatever its width: after 「、」 or an
/// opening bracket.
fn ends_open(line: &str) -> bool {
    line.ends_with(['、', '，', '(', '（', '「', '『', '【'])
}

/// A line that starts something of its own: a numbered or lettered item, a
/// bullet, a bracketed heading, a chapter or article.
static ITEM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9０-９]+[.．、)）]|[0-9０-９]+\s|[(（][0-9０-９一二三四五六七八九十a-zA-Zａ-ｚア-ン]+[)）]|[①-⑳⑴-⒇]|[●○◎■□◆◇※★☆▶►▲△▼▽◯〇]|【|第\s*[0-9０-９一二三四五六七八九十百]+\s*[章節条項款]|[ア-ンA-ZＡ-Ｚ][\s.．、　])",
    )
    .expect("item regex")
});

/// Whether `next` goes on the paragraph that ends with `prev` (which may
/// continue, see [`paragraphs`]).
fn continues(prev: &str, next: &str) -> bool {
    let Some(first) = next.chars().next() else {
        return false;
    };
    if prev.ends_with([
        '。', '．', '！', '？', '!', '?', '：', ':', '」', '』', ')', '）', '】',
    ]) {
        return false;
    }
    // A number never runs on into the next line's number: a table's amount
    // and the next row's 「７年度から」 are not 77,6007 (#23).
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    if prev.chars().last().is_some_and(digit) && digit(first) {
        return false;
    }
    // Inside a sentence, closing punctuation and hiragana never start a
    // line of their own (a new sentence may: 「また、」).
    if matches!(
        first,
        '、' | '。' | '，' | '．' | ')' | '）' | '」' | '』' | '】'
    ) || ('\u{3041}'..='\u{309f}').contains(&first)
    {
        return true;
    }
    // A middle dot after a full line is a word break (「消防\n・防災」), after a
    // bullet line it is the next bullet.
    if first == '・' {
        return !prev.starts_with('・');
    }
    !ITEM_START.is_match(next)
}

/// Appends `next` to `text`; Latin words broken at the line end keep a
/// space between them.
fn join(text: &mut String, next: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(text.chars().last()) && latin(next.chars().next()) {
        text.push(' ');
    }
    text.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pages: &[&str]) -> Vec<String> {
        let pages: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
        paragraphs(&pages).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn a_number_never_runs_on_into_the_next_lines_number() {
        let paras =
            texts(&["勤労者総合福祉センター解体撤去事業 ７７，６００\n７年度から解体する予定の"]);
        assert!(paras.iter().all(|p| !p.contains("６００７")), "{paras:?}");
        assert!(
            paras.iter().any(|p| p.ends_with("７７，６００")),
            "{paras:?}"
        );
    }

    #[test]
    fn distributed_characters_are_closed_up() {
        assert_eq!(unspace("令 和 ８ 年 度"), "令和８年度");
        assert_eq!(
            unspace("議 案 第 ５ 号 架空市一般会計補正予算 原案可決"),
            "議案第５号 架空市一般会計補正予算 原案可決"
        );
        assert_eq!(unspace("国 県 支 出 金"), "国県支出金");
        assert_eq!(unspace("（ 議 案 第 ６ 号 ）"), "（議案第６号）");
    }

    #[test]
    fn numbers_and_latin_join_japanese_but_words_keep_spaces() {
        assert_eq!(unspace("令和 2 年度 政策推進部"), "令和2年度 政策推進部");
        assert_eq!(unspace("第 12 回架空市議会"), "第12回架空市議会");
        assert_eq!(unspace("各種 SNS など"), "各種SNSなど");
        assert_eq!(unspace("部長 見本 太郎"), "部長 見本 太郎");
        assert_eq!(unspace("Adobe Acrobat Reader"), "Adobe Acrobat Reader");
        assert_eq!(unspace("A B C"), "A B C");
        assert_eq!(unspace("1 2 3"), "1 2 3");
        assert_eq!(
            unspace("1 政策目標 (5) 健全なまち"),
            "1 政策目標 (5) 健全なまち"
        );
        assert_eq!(unspace("4,168,178 0 4,168,178"), "4,168,178 0 4,168,178");
    }

    #[test]
    fn sentences_broken_at_the_line_end_are_joined() {
        let page = "架空市では、市の政策をまとめ、実行するための施策についての企画をはじめ、市民からの情報\n\
                    を受け止め、市民への情報発信を行うなど、市民との情報交流、市を動かすための人事管理等\n\
                    を行っています。\n\
                    また、次の段落が始まります。\n\
                    また、地域防災の要である消防団の災害対応力の向上を図り、近隣の消防組合と連携して、消防\n\
                    ・防災体制を強化します。\n\
                    【重点課題】\n\
                    (1) 目指すべき方向\n\
                    ア 活動目標\n\
                    ① 今後10年間の目標や取組を、市の最上位計画である第5次総合計画にまとめて公表します\n\
                    ② 意見を伺います。";
        assert_eq!(
            texts(&[page]),
            [
                "架空市では、市の政策をまとめ、実行するための施策についての企画をはじめ、市民からの情報を受け止め、市民への情報発信を行うなど、市民との情報交流、市を動かすための人事管理等を行っています。",
                "また、次の段落が始まります。",
                "また、地域防災の要である消防団の災害対応力の向上を図り、近隣の消防組合と連携して、消防・防災体制を強化します。",
                "【重点課題】",
                "(1) 目指すべき方向",
                "ア 活動目標",
                "① 今後10年間の目標や取組を、市の最上位計画である第5次総合計画にまとめて公表します",
                "② 意見を伺います。",
            ]
        );
    }

    #[test]
    fn short_lines_and_bullets_stay_apart() {
        let page = "見本町の施策一覧表をここに示します。これは幅を決める長い一行の文章です。\n\
                    施策名\n\
                    担当課\n\
                    ・一つ目の項目\n\
                    ・二つ目の項目";
        assert_eq!(
            texts(&[page]),
            [
                "見本町の施策一覧表をここに示します。これは幅を決める長い一行の文章です。",
                "施策名",
                "担当課",
                "・一つ目の項目",
                "・二つ目の項目"
            ]
        );
    }

    #[test]
    fn page_numbers_and_running_headers_are_dropped() {
        let bodies = [
            "計画の本文です。",
            "予算の説明です。",
            "事業の一覧です。",
            "附属資料です。",
        ];
        let pages: Vec<String> = (1..=4)
            .map(|n| format!("架空市 予算書 令和6年度\n{}\n- {n} -", bodies[n - 1]))
            .chain(["見本町の表\n3/12".to_owned()])
            .collect();
        let paras = paragraphs(&pages);
        let got: Vec<(u32, &str)> = paras.iter().map(|p| (p.page, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, "計画の本文です。"),
                (2, "予算の説明です。"),
                (3, "事業の一覧です。"),
                (4, "附属資料です。"),
                (5, "見本町の表"),
            ]
        );
    }

    #[test]
    fn a_sentence_goes_on_across_the_page_break_and_keeps_its_first_page() {
        let pages = [
            "市の計画について長い説明をしている一行目の文章で、ここで行が尽きてしまうので次の"
                .to_owned(),
            "ページへ続きます。\n次の段落です。".to_owned(),
        ];
        let paras = paragraphs(&pages);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0].page, 1);
        assert!(paras[0].text.ends_with("次のページへ続きます。"));
        assert_eq!(
            (paras[1].page, paras[1].text.as_str()),
            (2, "次の段落です。")
        );
    }
}
