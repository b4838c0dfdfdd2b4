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

/// What repair makes of a PDF's pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Repaired {
    pub paras: Vec<PagePara>,
    /// The printed page numbers removed as furniture: `(physical page,
    /// label)`, 1-based, sorted by page (see `Extracted::page_labels`).
    pub page_labels: Vec<(u32, String)>,
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

/// Page text → paragraphs, in reading order, and the printed page numbers.
pub(super) fn repair(pages: &[String]) -> Repaired {
    let raw: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.lines().map(|l| clean_glyphs(l.trim())).collect())
        .collect();
    let letter_spaced = is_letter_spaced(&raw);
    let mut pages: Vec<Vec<String>> = raw
        .iter()
        .map(|lines| {
            let lines: Vec<String> = lines
                .iter()
                .map(|l| {
                    let l = if letter_spaced {
                        close_second_space(l)
                    } else {
                        l.clone()
                    };
                    unrepeat(&undouble(&unspace(l.trim())))
                })
                .filter(|l| !l.is_empty())
                .collect();
            tidy_lines(lines)
        })
        .collect();
    let page_labels = drop_running_lines(&mut pages);

    let mut out: Vec<PagePara> = Vec::new();
    // Whether the last paragraph may go on in the next line.
    let mut open = false;
    for (i, lines) in pages.iter().enumerate() {
        let page = i as u32 + 1;
        let column = column_width(lines);
        for line in lines {
            match out.last_mut() {
                Some(last) if open && continues(&last.text, line) => join(&mut last.text, line),
                _ => out.push(PagePara {
                    page,
                    text: line.clone(),
                }),
            }
            open = fills_column(line, column) || ends_open(line);
        }
    }
    Repaired {
        paras: out,
        page_labels,
    }
}

/// The width of the page's widest line.
fn column_width(lines: &[String]) -> f64 {
    lines.iter().map(|l| width(l)).fold(0.0, f64::max)
}

/// Whether `line` fills a column of running text `column` wide.
fn fills_column(line: &str, column: f64) -> bool {
    column >= MIN_COLUMN_WIDTH && width(line) >= column * FULL_LINE_SHARE
}

// --------------------------------------------------------------- glyphs

/// Characters some PDF fonts map text to instead of the ideographs they
/// show: the Kangxi radicals (⽔ for 水) and the vertical presentation forms
/// (︓ for ：) have NFKC mappings; the CJK radicals supplement mostly does
/// not, so its look-alikes of whole kanji are mapped here.
fn compatibility_char(c: char) -> Option<char> {
    use unicode_normalization::UnicodeNormalization;
    match c {
        '\u{2f00}'..='\u{2fdf}' | '\u{fe10}'..='\u{fe1f}' | '\u{fe30}'..='\u{fe4f}' => {
            let mut n = std::iter::once(c).nfkc();
            match (n.next(), n.next()) {
                (Some(m), None) => Some(m),
                _ => None,
            }
        }
        '\u{2e80}'..='\u{2eff}' => RADICALS.iter().find(|(r, _)| *r == c).map(|&(_, k)| k),
        _ => None,
    }
}

/// CJK radicals supplement → the kanji (or component) each one draws.
const RADICALS: &[(char, char)] = &[
    ('⺅', '亻'),
    ('⺝', '月'),
    ('⺟', '母'),
    ('⺠', '民'),
    ('⺡', '氵'),
    ('⺘', '扌'),
    ('⺩', '王'),
    ('⺼', '月'),
    ('⺾', '艹'),
    ('⻄', '西'),
    ('⻆', '角'),
    ('⻌', '辶'),
    ('⻍', '辶'),
    ('⻎', '辶'),
    ('⻏', '阝'),
    ('⻑', '長'),
    ('⻖', '阝'),
    ('⻘', '青'),
    ('⻝', '食'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻫', '斉'),
    ('⻭', '歯'),
    ('⻯', '竜'),
    ('⻲', '亀'),
];

/// Private-use characters: symbol-font glyphs (bullets, check marks,
/// arrows) that have no meaning as text.
fn is_private_use(c: char) -> bool {
    matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}')
}

/// Maps compatibility characters to the kanji they show, turns a
/// private-use glyph opening the line into the bullet 「・」 and drops the
/// others.
fn clean_glyphs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if is_private_use(c) {
            if out.trim().is_empty() {
                out.clear();
                out.push('・');
            }
            continue;
        }
        out.push(compatibility_char(c).unwrap_or(c));
    }
    if out.starts_with('・') {
        // 「・ 市民の声」 → 「・市民の声」, as a typed bullet reads.
        let rest = out['・'.len_utf8()..].trim_start().to_owned();
        if rest.is_empty() {
            return String::new();
        }
        out.truncate('・'.len_utf8());
        out.push_str(&rest);
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

/// The number a page-number line prints, in ASCII digits (「－３－」 → 「3」,
/// 「3/12」 → 「3」), and whether it is decorated (dashes, brackets, 「p.」,
/// 「頁」) rather than a bare number.
fn page_label(line: &str) -> (String, bool) {
    let digits: String = line
        .chars()
        .skip_while(|c| !c.is_ascii_digit() && !('０'..='９').contains(c))
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .map(|c| char::from_digit(c.to_digit(10).unwrap_or(0), 10).unwrap_or(c))
        .collect();
    let bare = line
        .chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    (digits, !bare)
}

/// Drops page numbers at the top and bottom of pages, and lines at page
/// edges that repeat on most pages (running headers and footers). Returns
/// the page numbers as `(physical page, label)`: every decorated one
/// (「- 1 -」), and a bare one (「1」) when a neighbouring labelled page
/// has the same distance between printed and physical number, so a lone
/// table value at the foot of a page is not taken for a page number.
fn drop_running_lines(pages: &mut [Vec<String>]) -> Vec<(u32, String)> {
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
    // (physical page, label, decorated)
    let mut found: Vec<(u32, String, bool)> = Vec::new();
    for (p, lines) in pages.iter_mut().enumerate() {
        let n = lines.len();
        let mut drop = vec![false; n];
        for i in edges(lines) {
            let line = &lines[i];
            let is_outer = i == 0 || i + 1 == n;
            let number = is_outer && is_page_number(line);
            let repeated = seen.get(&edge_key(line)).copied().unwrap_or(0) as f64 >= threshold;
            drop[i] = number || repeated;
            if number && found.last().is_none_or(|f| f.0 != p as u32 + 1) {
                let (label, decorated) = page_label(line);
                if !label.is_empty() {
                    found.push((p as u32 + 1, label, decorated));
                }
            }
        }
        let mut k = 0;
        lines.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }
    let offset = |f: &(u32, String, bool)| f.1.parse::<i64>().ok().map(|l| l - f.0 as i64);
    (0..found.len())
        .filter(|&i| {
            found[i].2
                || [i.checked_sub(1), Some(i + 1)]
                    .into_iter()
                    .flatten()
                    .filter_map(|j| found.get(j))
                    .any(|f| offset(f).is_some() && offset(f) == offset(&found[i]))
        })
        .map(|i| (found[i].0, found[i].1.clone()))
        .collect()
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

/// A digit, ASCII or full-width.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Removes layout spaces from one line: runs of three or more single
/// characters (「議 案 第 ５ 号」 → 「議案第５号」), and a space between Japanese
/// text and a number or Latin word (「令和 2 年度」 → 「令和2年度」, 「第 １０ 号」
/// → 「第１０号」, 「各種 SNS など」 → 「各種SNSなど」). A space between two
/// Japanese words stays (「市川 信行」, table cells), and so do spaces between
/// Latin words and between numbers (「4,168,178 0」), except in a line whose
/// letters are spread apart, where a number split by the spreading closes
/// up again (「予 算 額 ３０ ０ 千 円」 → 「予算額３００千円」).
pub(super) fn unspace(line: &str) -> String {
    let tokens: Vec<&str> = line
        .split(char::is_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    // Runs of spread characters: (start, length) of those to close up.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let run = tokens[i..].iter().take_while(|t| is_spread_char(t)).count();
        let cjk = tokens[i..i + run]
            .iter()
            .filter(|t| t.chars().all(is_cjk))
            .count();
        if run >= 3 && cjk >= 2 {
            runs.push((i, run));
            i += run;
        } else {
            i += 1;
        }
    }
    let spread = !runs.is_empty();
    let number = |c: char| c.is_ascii_alphanumeric() || is_digit(c);
    let word = |c: char| is_cjk(c) && !is_digit(c);
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut runs = runs.into_iter().peekable();
    while i < tokens.len() {
        let piece = match runs.peek() {
            Some(&(start, run)) if start == i => {
                runs.next();
                i += run;
                tokens[start..start + run].concat()
            }
            _ => {
                i += 1;
                tokens[i - 1].to_owned()
            }
        };
        // A number opening the line is an item number: 「1 政策目標」 stays.
        let item_number = !out.is_empty() && out.chars().count() <= 3 && out.chars().all(is_digit);
        if let (Some(prev), Some(next)) = (out.chars().last(), piece.chars().next()) {
            let glued = !item_number
                && ((word(prev) && number(next))
                    || (number(prev) && word(next))
                    || (spread && is_digit(prev) && is_digit(next)));
            if !glued {
                out.push(' ');
            }
        }
        out.push_str(&piece);
    }
    out
}

/// Lines long enough to tell letter spacing from a table's cells.
const MIN_SPACED_LINE: usize = 8;
/// Share of a document's lines with a space after their second character
/// that marks the letter spacing of some word processors (一太郎).
const SECOND_SPACE_SHARE: f64 = 0.5;
const MIN_SECOND_SPACE_LINES: usize = 3;

/// `Some(true)`: the line opens with two Japanese characters, a space and
/// two more (「本市 においては」); `Some(false)`: it opens with four Japanese
/// characters and no space; `None`: neither (too short, a number…).
fn second_space(line: &str) -> Option<bool> {
    if line.chars().count() < MIN_SPACED_LINE {
        return None;
    }
    let c: Vec<char> = line.chars().take(5).collect();
    let japanese = |c: char| is_cjk(c) && !is_digit(c);
    if !(japanese(c[0]) && japanese(c[1])) {
        return None;
    }
    if c[2] == ' ' && japanese(c[3]) && japanese(c[4]) {
        Some(true)
    } else if japanese(c[2]) && japanese(c[3]) {
        Some(false)
    } else {
        None
    }
}

/// Whether most lines of the document that open with Japanese text have a
/// stray space after their second character.
fn is_letter_spaced(pages: &[Vec<String>]) -> bool {
    let (mut spaced, mut solid) = (0, 0);
    for line in pages.iter().flatten() {
        match second_space(line) {
            Some(true) => spaced += 1,
            Some(false) => solid += 1,
            None => {}
        }
    }
    spaced >= MIN_SECOND_SPACE_LINES
        && spaced as f64 >= (spaced + solid) as f64 * SECOND_SPACE_SHARE
}

/// Drops the stray space after the second character of a line of a
/// letter-spaced document.
fn close_second_space(line: &str) -> String {
    if second_space(line) != Some(true) {
        return line.to_owned();
    }
    let at: usize = line.chars().take(2).map(char::len_utf8).sum();
    format!("{}{}", &line[..at], &line[at + 1..])
}

// -------------------------------------------------------- drawn twice

/// Letters (kanji, kana): what fake bold draws several times.
fn is_letter(c: char) -> bool {
    use crate::analysis::script;
    script::is_kanji(c) || script::is_kana(c)
}

/// Each character of `chars` repeated `k` times in a row.
fn repeated_chars(chars: &[char], k: usize) -> bool {
    !chars.is_empty()
        && chars.len().is_multiple_of(k)
        && chars.chunks(k).all(|g| g.iter().all(|&c| c == g[0]))
}

/// Undoes text drawn two to four times over itself for fake bold, which
/// comes out with every character repeated (「予予算算書書」 → 「予算書」): the
/// whole line (spaces aside) when it has at least two repeated letters, or
/// a run of at least three repeated letters inside it. Real doubles are
/// single pairs (「人人」, 「々々」) and stay.
fn undouble(line: &str) -> String {
    let tokens: Vec<Vec<char>> = line
        .split_whitespace()
        .map(|t| t.chars().collect())
        .collect();
    for k in 2..=4 {
        let letters = tokens
            .iter()
            .flat_map(|t| t.chunks(k))
            .filter(|g| is_letter(g[0]) && g[0] != '々')
            .count();
        if letters >= 2 && tokens.iter().all(|t| repeated_chars(t, k)) {
            return tokens
                .iter()
                .map(|t| t.iter().step_by(k).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    'scan: while i < chars.len() {
        for k in 2..=4 {
            let pairs = chars[i..]
                .chunks_exact(k)
                .take_while(|g| is_letter(g[0]) && g[0] != '々' && g.iter().all(|&c| c == g[0]))
                .count();
            if pairs >= 3 {
                out.extend(chars[i..i + pairs * k].iter().step_by(k));
                i += pairs * k;
                continue 'scan;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// How many letters (kanji, kana, Latin) `s` holds.
fn letters(s: &str) -> usize {
    s.chars()
        .filter(|&c| is_letter(c) || c.is_alphabetic())
        .count()
}

/// A line of fake bold drawn side by side: the same text two to four times
/// (「予算の概要予算の概要」, 「予算の概要 予算の概要」) with at least three
/// letters each time, kept once.
fn unrepeat(line: &str) -> String {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    for k in 2..=4 {
        if tokens.len() >= k && tokens.len().is_multiple_of(k) {
            let unit = &tokens[..tokens.len() / k];
            if letters(&unit.concat()) >= 3 && tokens.chunks(unit.len()).all(|c| c == unit) {
                return unit.join(" ");
            }
        }
    }
    if tokens.len() == 1 {
        let chars: Vec<char> = line.chars().collect();
        for k in 2..=4 {
            if chars.len().is_multiple_of(k) {
                let unit = &chars[..chars.len() / k];
                if chars.chunks(unit.len()).all(|c| c == unit)
                    && unit.iter().any(|&c| crate::analysis::script::is_kanji(c))
                    && letters(&unit.iter().collect::<String>()) >= 3
                {
                    return unit.iter().collect();
                }
            }
        }
    }
    line.to_owned()
}

// --------------------------------------------------------- line shapes

/// Repairs the lines of one page as a whole: fake bold drawn on
/// consecutive lines, furigana printed as lines of their own, and
/// vertical text that comes out one character per line.
fn tidy_lines(lines: Vec<String>) -> Vec<String> {
    let lines = drop_chart_values(drop_repeated_lines(lines));
    // Vertical text first: its one-kana lines are not furigana.
    let lines = join_vertical(lines);
    drop_furigana(lines)
}

/// Fewest bare numbers in a row read as a chart's value labels.
const MIN_CHART_VALUES: usize = 5;

/// A line of numbers without thousands separators (「64.5%」, 「52.2」,
/// 「12」, 「11.8% 15.9%」): a chart's value labels when it stands in a run
/// of such lines. Amounts (「2,340,452」, 「8,655,306 8,655,306 12.4」) are a
/// budget table's columns and rows read down the page, and stay.
fn is_bare_value(line: &str) -> bool {
    static VALUE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[-+▲△]?[0-9０-９]+(?:[.．][0-9０-９]+)?\s*[%％]?\s*)+$").unwrap()
    });
    VALUE.is_match(line)
}

/// A chart's axis: three or more numbers from 0 up in equal steps, alone
/// on a line (「0% 20% 40% 60% 80% 100%」, 「0 50 100 150」).
fn is_axis(line: &str) -> bool {
    let ticks: Option<Vec<f64>> = line
        .split_whitespace()
        .map(|t| t.trim_end_matches(['%', '％']).parse::<f64>().ok())
        .collect();
    let Some(ticks) = ticks.filter(|t| t.len() >= 3 && t[0] == 0.0) else {
        return false;
    };
    let step = ticks[1] - ticks[0];
    step > 0.0
        && ticks
            .windows(2)
            .all(|w| ((w[1] - w[0]) - step).abs() < 1e-9)
}

/// Drops chart axes (see [`is_axis`]) and runs of [`MIN_CHART_VALUES`] or
/// more bare numbers: a chart's value labels come out of the PDF one per
/// line, detached from the bars they label, and only lengthen the passage
/// they fall in (a search ranks it as if it said more). Numbers with words (「7 地域福祉の推進」,
/// 「77,600 千円」), amounts and rows of numbers are not bare and stay.
fn drop_chart_values(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if is_axis(&lines[i]) {
            i += 1;
            continue;
        }
        let run = lines[i..].iter().take_while(|l| is_bare_value(l)).count();
        if run >= MIN_CHART_VALUES {
            i += run;
        } else {
            out.extend(lines[i..i + run.max(1)].iter().cloned());
            i += run.max(1);
        }
    }
    out
}

/// Most copies of one line that fake bold draws; more identical lines in a
/// row are a table column.
const MAX_BOLD_COPIES: usize = 4;

/// A line repeated two to four times in a row (fake bold) is kept once.
fn drop_repeated_lines(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let same = lines[i..].iter().take_while(|l| **l == lines[i]).count();
        let keep = if (2..=MAX_BOLD_COPIES).contains(&same) && letters(&lines[i]) >= 3 {
            1
        } else {
            same
        };
        out.extend(lines[i..i + keep].iter().cloned());
        i += same;
    }
    out
}

/// Most kana of a furigana line.
const MAX_FURIGANA: usize = 20;
/// Widest line a furigana line read as one word may stand over: a heading
/// or a name.
const MAX_RUBY_BASE_WIDTH: f64 = 20.0;

/// Whether `line` is furigana printed above `next`: kana only (two or
/// more: a lone kana is a fragment of vertical text), no more than
/// four for each kanji of `next`, and either several words (ruby over
/// separate words) or one over a short line with no fewer kana than it has
/// kanji (「みほんしやくしょ」 over 「見本市役所」). 「はじめに」 above 「1 計画策定の
/// 趣旨」 has fewer kana than the kanji below, and stays.
fn is_furigana(line: &str, next: &str) -> bool {
    use crate::analysis::script::{is_kana, is_kanji};
    let kana = line.chars().filter(|&c| is_kana(c)).count();
    let kanji = next.chars().filter(|&c| is_kanji(c)).count();
    if !(2..=MAX_FURIGANA).contains(&kana)
        || kanji == 0
        || kana > 4 * kanji
        || !line.chars().all(|c| is_kana(c) || c == ' ')
    {
        return false;
    }
    let words = line.split(' ').filter(|w| !w.is_empty()).count();
    words >= 2 || (kana >= kanji && width(next) <= MAX_RUBY_BASE_WIDTH)
}

/// Drops furigana lines (see [`is_furigana`]) unless the line before may
/// go on in them (「…お問い合わせ」 + 「ください」).
fn drop_furigana(lines: Vec<String>) -> Vec<String> {
    let column = column_width(&lines);
    let mut keep = vec![true; lines.len()];
    for i in 0..lines.len().saturating_sub(1) {
        let prev_open = i > 0 && (fills_column(&lines[i - 1], column) || ends_open(&lines[i - 1]));
        if !prev_open && is_furigana(&lines[i], &lines[i + 1]) {
            keep[i] = false;
        }
    }
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

/// Fewest one-character lines in a row that are read as vertical text.
const MIN_VERTICAL_RUN: usize = 3;

/// Vertical text (a chart's axis label, names in a table header) comes out
/// one character per line: three or more such lines of Japanese letters
/// become one line (「見\n本\n市」 → 「見本市」). Digits never join: a chart's
/// numbers are not one number.
fn join_vertical(lines: Vec<String>) -> Vec<String> {
    let single = |l: &str| {
        let mut c = l.chars();
        matches!((c.next(), c.next()), (Some(c), None) if is_cjk(c) && !is_digit(c))
    };
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| single(l)).count();
        if run >= MIN_VERTICAL_RUN {
            out.push(lines[i..i + run].concat());
            i += run;
        } else {
            out.push(lines[i].clone());
            i += 1;
        }
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
/// opening bracket, or inside a bracketed heading broken over two lines
/// (「【…PDL1.0に関す」 + 「る重要情報】」).
fn ends_open(line: &str) -> bool {
    line.ends_with(['、', '，', '(', '（', '「', '『', '【'])
        || line.matches('【').count() > line.matches('】').count()
}

/// A line that starts something of its own: a numbered or lettered item, a
/// bullet, a bracketed heading, a chapter or article.
static ITEM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9０-９]+[.．、)）]|[0-9０-９]+\s|[(（][0-9０-９一二三四五六七八九十a-zA-Zａ-ｚア-ン]+[)）]|[①-⑳⑴-⒇]|[●○◎■□◆◇※★☆▶►▲△▼▽◯〇]|【|第\s*[0-9０-９一二三四五六七八九十百]+\s*[章節条項款]|\p{Han}{0,6}第\s*[0-9０-９]+\s*号\s|[ア-ンA-ZＡ-Ｚ][\s.．、　])",
    )
    .expect("item regex")
});

/// Most characters of a unit after a line's last digit (「人」, 「%>」).
const COUNT_UNIT_MAX: usize = 3;

/// Whether a line ends in a number and its unit (「20人」, 「<30.7%>」).
fn ends_in_count(line: &str) -> bool {
    let unit = line.chars().rev().take_while(|c| !is_digit(*c)).count();
    unit <= COUNT_UNIT_MAX
        && line.chars().rev().nth(unit).is_some_and(is_digit)
        && !line
            .chars()
            .rev()
            .take(unit)
            .any(|c| matches!(c, '。' | '、' | '，'))
}

/// Whether `next` goes on the paragraph that ends with `prev` (which may
/// continue, see [`repair`]).
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
    // Two lines that each end in a count (「…ペアサポーター20人」,
    // 「エリアサポーター7人」) are rows of a table, however wide the first.
    if ends_in_count(prev) && ends_in_count(next) {
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

    fn paragraphs(pages: &[String]) -> Vec<PagePara> {
        repair(pages).paras
    }

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
    fn a_bracketed_heading_broken_over_two_lines_is_one_line() {
        let page = "架空データカタログの利用について定めたものであり、本文はこの行より長く続いています。\n【架空データカタログのコンテンツの利用に関す\nる重要情報】\n1.1出典の記載について";
        let paras = texts(&[page]);
        assert!(
            paras.contains(&"【架空データカタログのコンテンツの利用に関する重要情報】".to_string()),
            "{paras:?}"
        );
    }

    #[test]
    fn rows_that_end_in_counts_are_never_one_paragraph() {
        // The first row is the page's widest line: by width alone the next
        // row would go on it (「…20人エリア架空サポーター7人」).
        let page = "架空市民生委員協力員ペア架空サポーター 20人\nエリア架空サポーター 7人\n短い行";
        let paras = texts(&[page]);
        assert!(
            paras.contains(&"エリア架空サポーター7人".to_string()),
            "{paras:?}"
        );
        // A sentence broken after a count still goes on.
        let paras =
            texts(&["架空市の登録者数は昨年度末の集計で延べ1,200人\nとなり、目標を上回りました。"]);
        assert_eq!(paras.len(), 1, "{paras:?}");
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
    fn each_motion_of_a_vote_table_starts_its_own_line() {
        let page = "見本町の議決結果をここに示します。これは幅を決める長い一行の文章の例です\n\
                    第 1 号 見本町の条例を改正する条例の制定 R6.3.21 原案可決 ○ 議長 ○\n\
                    議案第 2 号 見本町一般会計予算 原案可決 3月21日\n\
                    第3号被保険者の届出の受付について、令和6年度から窓口を一つにまとめて";
        assert_eq!(
            texts(&[page]),
            [
                "見本町の議決結果をここに示します。これは幅を決める長い一行の文章の例です",
                "第1号 見本町の条例を改正する条例の制定R6.3.21原案可決 ○ 議長 ○",
                "議案第2号 見本町一般会計予算 原案可決3月21日",
                "第3号被保険者の届出の受付について、令和6年度から窓口を一つにまとめて",
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

    #[test]
    fn letter_spacing_after_the_second_character_is_closed_up() {
        let page = "見本 町では、住民の皆様とともに、新しいまちづくりを進めています。\n\
                    本計 画は、令和６年度から令和１０年度までの５年間を期間とします。\n\
                    計画 の推進にあたっては、毎年度その進み具合を確かめます。\n\
                    施策 の体系は次のとおりです。";
        assert_eq!(
            texts(&[page]),
            [
                "見本町では、住民の皆様とともに、新しいまちづくりを進めています。",
                "本計画は、令和６年度から令和１０年度までの５年間を期間とします。",
                "計画の推進にあたっては、毎年度その進み具合を確かめます。",
                "施策の体系は次のとおりです。",
            ]
        );
        // A table whose cells are two-kanji words is not letter spacing.
        let table = "区分 番号 案件名\n架空市の予算を定める条例の制定について\n\
                     見本町の計画を定める議案の審議について\n総務委員会に付託された議案の一覧";
        assert_eq!(texts(&[table])[0], "区分 番号 案件名");
    }

    #[test]
    fn numbers_split_by_letter_spreading_close_up_only_in_spread_lines() {
        assert_eq!(unspace("予 算 額 ３０ ０ 千 円"), "予算額３００千円");
        assert_eq!(unspace("第 １０ 号 見本町条例"), "第１０号 見本町条例");
        assert_eq!(unspace("合計 ３０ ０"), "合計３０ ０");
        assert_eq!(unspace("１２ 3"), "１２ 3");
    }

    #[test]
    fn furigana_lines_above_kanji_are_dropped() {
        let page = "みほん し けいかく\n見本市総合計画\nみほんしやくしょ\n見本市役所\nはじめに\n1 計画策定の趣旨";
        assert_eq!(
            texts(&[page]),
            [
                "見本市総合計画",
                "見本市役所",
                "はじめに",
                "1 計画策定の趣旨"
            ]
        );
    }

    #[test]
    fn a_kana_line_that_goes_on_a_sentence_is_not_furigana() {
        let page =
            "詳しくは見本町役場の企画課の窓口までお気軽にお問い合わせ\nください\n電話番号案内";
        assert_eq!(
            texts(&[page]),
            [
                "詳しくは見本町役場の企画課の窓口までお気軽にお問い合わせください",
                "電話番号案内"
            ]
        );
    }

    #[test]
    fn characters_drawn_twice_are_kept_once() {
        assert_eq!(undouble("予予算算"), "予算");
        assert_eq!(
            undouble("第第１１章章 予予算算のの概概要要"),
            "第１章 予算の概要"
        );
        assert_eq!(undouble("予予予算算算"), "予算");
        assert_eq!(
            undouble("見本市の予予算算書書について"),
            "見本市の予算書について"
        );
        for real in ["佐々木 人人", "人人", "１１２２", "○○××", "架空市の人々々"]
        {
            assert_eq!(undouble(real), real);
        }
    }

    #[test]
    fn headings_drawn_side_by_side_are_kept_once() {
        assert_eq!(unrepeat("予算の概要予算の概要"), "予算の概要");
        assert_eq!(unrepeat("予算の概要 予算の概要 予算の概要"), "予算の概要");
        assert_eq!(unrepeat("第１章 総則 第１章 総則"), "第１章 総則");
        for real in ["賛成 賛成", "ますます", "○ ○ ○ ○", "1,250 1,250"] {
            assert_eq!(unrepeat(real), real);
        }
    }

    #[test]
    fn lines_drawn_two_to_four_times_are_kept_once() {
        let page = "計画の概要\n計画の概要\n計画の概要\n本文です。";
        assert_eq!(texts(&[page]), ["計画の概要", "本文です。"]);
        let column: Vec<String> = vec!["原案可決".to_owned(); 5];
        assert_eq!(drop_repeated_lines(column.clone()), column);
    }

    #[test]
    fn private_use_glyphs_become_bullets_or_go() {
        assert_eq!(
            clean_glyphs("\u{f06c} 市民の声を聞きます"),
            "・市民の声を聞きます"
        );
        assert_eq!(clean_glyphs("市民の\u{e001}声"), "市民の声");
        assert_eq!(clean_glyphs("\u{f0a7}"), "");
    }

    #[test]
    fn compatibility_characters_become_the_kanji_they_show() {
        assert_eq!(clean_glyphs("⽔位計とは︓"), "水位計とは:");
        assert_eq!(clean_glyphs("国⼟交通省の⾏政"), "国土交通省の行政");
        assert_eq!(clean_glyphs("⻑期⻘少年計画"), "長期青少年計画");
        // After the mapping the line is text like any other.
        assert_eq!(texts(&["⽔ 位 計 の 説 明"]), ["水位計の説明"]);
    }

    #[test]
    fn a_charts_value_labels_one_per_line_are_dropped() {
        let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
        let chart = lines(
            "満足度の推移\n64.5%\n63.8％\n61.3%\n12\n▲0.4\n0% 20% 40% 60% 80% 100%\n公園の整備 1 (88.5%)\n本文です。",
        );
        assert_eq!(
            drop_chart_values(chart),
            ["満足度の推移", "公園の整備 1 (88.5%)", "本文です。"]
        );
        // Four numbers are a short table column, and numbers with words stay.
        let column = lines("53.3\n5\n2\n4\n77,600 千円\n7 公園の整備\n8 道路の補修");
        assert_eq!(drop_chart_values(column.clone()), column);
        // A budget table's amounts read down a column, or its rows of
        // numbers, are no chart.
        let amounts = lines("支出予定額\n2,340,452\n93,632\n282,336\n164,985\n54,946\n一般財源");
        assert_eq!(drop_chart_values(amounts.clone()), amounts);
        assert!(!is_axis("0 1 3"));
        assert!(!is_axis("10% 20% 30%"));
        let rows = lines(
            "8,655,306 8,655,306 12.4\n444,945 444,945 0.7\n857,096 857,096 1.2\n1,024 1,024 0.0\n678,094 678,094 1.0",
        );
        assert_eq!(drop_chart_values(rows.clone()), rows);
    }

    #[test]
    fn vertical_text_one_character_per_line_is_joined() {
        let page = "図表 1\n見\n本\n市\nで\nの\n居\n住\n年\n数\n53.3\n5\n2\n4\n男\n女";
        assert_eq!(
            texts(&[page]),
            [
                "図表1",
                "見本市での居住年数",
                "53.3",
                "5",
                "2",
                "4",
                "男",
                "女"
            ]
        );
    }

    #[test]
    fn printed_page_numbers_become_labels() {
        let mut pages: Vec<String> = vec!["見本町 総合計画\n目次です。".to_owned()];
        pages.extend((1..=3).map(|n| format!("- {n} -\n本文の{n}ページ目です。")));
        pages.extend((4..=5).map(|n| format!("本文の{n}ページ目です。\n{n}")));
        pages.push("表の最後の行です。\n7".to_owned());
        let got = repair(&pages);
        let want: Vec<(u32, String)> = [(2, "1"), (3, "2"), (4, "3"), (5, "4"), (6, "5")]
            .iter()
            .map(|&(p, l)| (p, l.to_owned()))
            .collect();
        assert_eq!(got.page_labels, want);
        assert!(got.paras.iter().all(|p| !p.text.contains('-')));
    }
}
