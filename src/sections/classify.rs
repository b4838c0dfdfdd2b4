//! Turns blocks into items: headings with a style and a rank, paragraphs,
//! table rows, and numbered table rows promoted to initiative headings.
//!
//! Plain-text sources carry no heading markup, so headings are recognised
//! from their shape: an enumerator (`1.`, `(1)`, `【…】`, `ア`…) or a short
//! line that is not a sentence.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::archive::Block;

/// Longest paragraph taken as an enumerated heading.
const HEAD_MAX: usize = 80;
/// Longest paragraph taken as an unmarked heading: longer lines are text.
const PLAIN_MAX: usize = 40;
/// Longest first line of a table cell taken whole as an initiative name.
const NAME_MAX: usize = 60;
/// Longest label cell (`総合計画`, `基本政策`) whose next row is its value.
const LABEL_MAX: usize = 12;

/// How a heading is marked. Documents nest enumerations in their own order,
/// so the hierarchy is the order of first appearance, not a fixed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Style {
    /// `【重点課題1】`
    Bracket,
    /// `第1章 …`
    Chapter,
    /// `1. …`
    DotNumber,
    /// `1 …` (also `① …`, which NFKC turns into `1 …`)
    SpaceNumber,
    /// `(1) …`
    ParenNumber,
    /// `一 …`
    Kanji,
    /// `(一) …`
    KanjiParen,
    /// `ア …`
    Katakana,
    /// `◇ …`, `■ …`: one style per symbol.
    Symbol(char),
    /// A `Heading` block without an enumerator.
    Explicit,
    /// A short unmarked line.
    Plain,
    /// A numbered row of an initiative table: always its own section.
    Row,
}

impl Style {
    /// Enumerated headings name initiatives: their sections are kept whole
    /// (split only by size, as `title (2)`) and never merged away.
    pub(super) fn is_strong(self) -> bool {
        !matches!(self, Style::Explicit | Style::Plain)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Head {
    /// The heading as written; put back as text when it ends up without a
    /// section of its own.
    pub line: String,
    /// The name shown for the section (enumerator stripped).
    pub title: String,
    pub style: Style,
    /// Rank in this document: 0 is the outermost.
    pub level: usize,
    /// Index of the block it came from (provenance: page, sheet).
    pub at: usize,
}

#[derive(Debug, Clone)]
pub(super) enum Item {
    Head(Head),
    /// A paragraph and the index of its block.
    Para(String, usize),
    /// A table row and the index of its block.
    Row(Vec<String>, usize),
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// `【…】` opening a line; the name inside may be long
/// (「【…オープンデータカタログのコンテンツの利用に係るPDL1.0に関する重要情報】」).
static BRACKET: LazyLock<Regex> = LazyLock::new(|| re(r"^【([^】]{1,50})】\s*(.*)$"));
static ENUMERATED: LazyLock<Vec<(Style, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Style::Chapter,
            re(r"^第[0-9一二三四五六七八九十百]{1,3}[章節部編款]\s*(.*)$"),
        ),
        (Style::DotNumber, re(r"^[0-9]{1,2}\.\s*([^0-9\s].*)$")),
        (Style::ParenNumber, re(r"^\([0-9]{1,2}\)\s*(\S.*)$")),
        (Style::SpaceNumber, re(r"^[0-9]{1,2}\s+(\S.*)$")),
        (
            Style::KanjiParen,
            re(r"^\([一二三四五六七八九十]{1,3}\)\s*(\S.*)$"),
        ),
        (
            Style::Kanji,
            re(r"^[一二三四五六七八九十]{1,3}[\s.、]\s*(\S.*)$"),
        ),
        (
            Style::Katakana,
            re(r"^\(?[アイウエオカキクケコサシスセソタチツテト][\s.)]\s*(\S.*)$"),
        ),
    ]
});
static SYMBOL: LazyLock<Regex> = LazyLock::new(|| re(r"^([◇◆■□◎●▼▽▲△★☆◯])\s*(\S.*)$"));
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| re(r"^[^:\s]{1,10}:"));
static PARENTHESIZED: LazyLock<Regex> = LazyLock::new(|| re(r"^\([^()]{1,30}\)$"));
/// A table-of-contents entry: a title, a leader, a page number
/// (「1 調査の目的 ........ 1」). It names a section found elsewhere.
static TOC_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:[.．…‥・･·]\s?){4,}\s*[(（]?[0-9０-９ivxIVXⅠ-Ⅻ]{1,4}[)）]?\s*$"));
/// A row of a list of motions and their outcomes (議決結果): a motion's
/// number (議案第10号, 第 4 号), its name, then its date or result
/// (「R6.3.21」「原案可決」「7月8日」) on the same line.
static MOTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^((?:[\p{Han}]{1,8})?第\s*[0-9]{1,4}\s*号)\s+(\S.*)$"));
/// Where a motion's name ends: a date (「R6.3.21」 even glued to the name,
/// 「7月8日」 after a space), or the result column after a space.
static MOTION_END: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"[RHS][0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}|(?:令和|平成)[0-9元]{1,2}年[0-9]{1,2}月[0-9]{1,2}日",
        r"|\s[0-9]{1,2}月\s*[0-9]{1,2}\s*日",
        r"|\s(?:原案|修正|一部|趣旨)?(?:可決|否決|不採択|採択|不承認|承認|不同意|同意|不認定|認定|継続審査|審査未了|撤回)(?:\s|$|[0-9○〇×△])",
    ))
});
static HEADER_CELL: LazyLock<Regex> = LazyLock::new(|| re(r"^(?i:no\.?|番号|項番)$"));
static ROW_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^([0-9]{1,2})\.?$"));
/// Where an initiative's details start when the name shares its line.
static DETAIL_MARK: LazyLock<Regex> = LazyLock::new(|| re(r"[○●◇◆・*※]|\([0-9]{1,2}\)"));

pub(super) fn chars(s: &str) -> usize {
    s.chars().count()
}

fn starts_with_bullet(s: &str) -> bool {
    s.starts_with(['・', '-', '*', '※', '•', '○', '‐', '–', '—'])
}

/// A heading's style and title from its enumerator, if it has one.
fn enumerated(text: &str) -> Option<(Style, String)> {
    if let Some(c) = BRACKET.captures(text) {
        let rest = &c[2];
        let title = if rest.is_empty() {
            c[1].to_string()
        } else {
            text.to_string()
        };
        return Some((Style::Bracket, title));
    }
    for (style, re) in ENUMERATED.iter() {
        if let Some(c) = re.captures(text) {
            let title = &c[1];
            // `10 件程度`, `70 周年`: a quantity, not an enumerator.
            if *style == Style::SpaceNumber && title.starts_with(QUANTITY_UNITS) {
                return None;
            }
            let title = if *style == Style::Chapter {
                text
            } else {
                title
            };
            return (!title.is_empty()).then(|| (*style, title.to_string()));
        }
    }
    SYMBOL.captures(text).map(|c| {
        let sym = c[1].chars().next().unwrap_or('◇');
        (Style::Symbol(sym), c[2].to_string())
    })
}

const QUANTITY_UNITS: [char; 18] = [
    '年', '月', '日', '人', '件', '%', '回', 'か', '個', '校', '社', '万', '億', '円', '時', '歳',
    '周', '名',
];

/// Recognises a heading. `explicit` blocks are headings by markup; a
/// paragraph must look like one: enumerated or short, and not a sentence.
fn heading(text: &str, explicit: bool) -> Option<(Style, String)> {
    let n = chars(text);
    if text.contains('\n') || n > HEAD_MAX {
        return None;
    }
    if explicit {
        return Some(enumerated(text).unwrap_or((Style::Explicit, text.to_string())));
    }
    if text.contains('。') || starts_with_bullet(text) {
        return None;
    }
    if let Some(found) = enumerated(text) {
        // 「1 防災・減災対策の充実411」: a ranked chart's row, not a heading.
        let chart_row =
            !matches!(found.0, Style::Bracket | Style::Chapter) && is_chart_label(&found.1);
        return (!chart_row).then_some(found);
    }
    // Not `(拍手)` or `(「…」と呼ぶ者あり)`: asides in minutes.
    let aside = text.starts_with('(') && text.ends_with(')');
    let plain = n <= PLAIN_MAX
        && !aside
        && !KEY_VALUE.is_match(text)
        && !text.ends_with(['、', ','])
        && !is_chart_label(text)
        && !is_cell_run(text)
        && text
            .chars()
            .filter(|c| c.is_alphabetic() && !VOTE_MARKS.contains(c))
            .count()
            >= 2;
    plain.then(|| (Style::Plain, text.to_string()))
}

/// Marks of vote and check tables (賛成 〇, 反対 ×): letters to Unicode,
/// not words.
const VOTE_MARKS: [char; 4] = ['〇', '○', '◯', '×'];

/// A chart's label with its value glued on (「子どもの成長への支援112」,
/// 「わからない2」), as pdftotext prints bar charts: three digits or more
/// straight after a word, or any number straight after kana ending a verb
/// or adjective (基本目標1 and 施策12 are names, and so are 図表18 and
/// ビジョン2030).
static CHART_VALUE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^0-9.,])([^\s0-9.,(（/／~〜-]+?)([0-9]+)(?:\.[0-9]+)?%?$"));
static NUMBERED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:図|表|資料|別紙|別表|別記|様式|参考|その|no\.?|step|phase|part|ver\.?|第)$")
});

/// A number glued to the word before it and ending a cell.
static GLUED_VALUE: LazyLock<Regex> = LazyLock::new(|| re(r"[^\s0-9.,][0-9]+(?:\s|$)"));

/// A line ending in two numbers or more: a table's row of values.
static TRAILING_VALUES: LazyLock<Regex> =
    LazyLock::new(|| re(r"[0-9][0-9,.]*%?(?:\s+[-+▲△]?[0-9][0-9,.]*%?)+$"));

fn is_chart_label(text: &str) -> bool {
    // Two labels with their values on one line (「高等教育3 その他15」), or
    // a label and its row of values (「意識している523 667 316」, signed
    // differences too: 「…の促進3.026 3.996 C -0.025 -0.178」).
    if GLUED_VALUE.find_iter(text).count() >= 2 || TRAILING_VALUES.is_match(text) {
        return true;
    }
    let Some(c) = CHART_VALUE.captures(text) else {
        return false;
    };
    let (word, digits) = (&c[1], &c[2]);
    let after_kana = word
        .chars()
        .last()
        .is_some_and(|ch| ('ぁ'..='ゖ').contains(&ch));
    // ビジョン2030: a target year names a plan.
    let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    !NUMBERED_NAME.is_match(word)
        && !year
        && (digits.len() >= 3 || after_kana || text.ends_with('%'))
}

/// A row of table cells printed as one line (「× 議長 × × 〇」,
/// 「1 1 1 0」): mostly one-character cells.
fn is_cell_run(text: &str) -> bool {
    let cells: Vec<&str> = text.split_whitespace().collect();
    cells.len() >= 3 && cells.iter().filter(|c| chars(c) == 1).count() * 2 > cells.len()
}

/// A motion's row of a 議決結果 list: its number and name as the title, the
/// date, result and votes as its text. Only with a date or result after
/// the name: prose that starts with 第3号 is no row.
fn motion(text: &str) -> Option<(String, String)> {
    if text.contains('\n') {
        return None;
    }
    let c = MOTION.captures(text)?;
    let number: String = c[1].split_whitespace().collect();
    let rest = c.get(2)?.as_str();
    let end = MOTION_END.find(rest)?;
    let name = rest[..end.start()].trim();
    let letters = name
        .chars()
        .filter(|c| c.is_alphabetic() && !VOTE_MARKS.contains(c))
        .count();
    if letters < 4 || name.contains('。') {
        return None;
    }
    Some((
        format!("{number} {name}"),
        rest[end.start()..].trim().to_string(),
    ))
}

/// A heading continued on the next line: a department in parentheses
/// (`(企画経営課)`), or the name under a bare label (`【重点課題1】`).
fn continuation(head: &Head, next: &str) -> Option<String> {
    if PARENTHESIZED.is_match(next) {
        return Some(format!("{}{next}", head.title));
    }
    let bare_label = head.style == Style::Bracket && !head.title.starts_with('【');
    let name_like = chars(next) <= HEAD_MAX
        && !next.contains(['。', '\n'])
        && !starts_with_bullet(next)
        && !KEY_VALUE.is_match(next)
        && enumerated(next).is_none();
    (bare_label && name_like).then(|| format!("【{}】{next}", head.title))
}

/// Converts the blocks of a document into ranked items.
pub(super) fn items(blocks: &[Block]) -> Vec<Item> {
    let mut b = Builder::default();
    let mut i = 0;
    while i < blocks.len() {
        b.at = i;
        match &blocks[i] {
            // Extraction never makes blank blocks; other callers might.
            Block::Heading(text) | Block::Para(text) if text.trim().is_empty() => {}
            // Contents entries stay text: as headings they would open a
            // section for every chapter, echoing the real ones.
            Block::Heading(text) | Block::Para(text) if TOC_ENTRY.is_match(text) => b.para(text),
            Block::Heading(text) | Block::Para(text) => {
                let explicit = matches!(blocks[i], Block::Heading(_));
                if let Some((title, outcome)) = motion(text) {
                    b.motion(&title, outcome);
                    i += 1;
                    continue;
                }
                match heading(text, explicit) {
                    // 「原案可決」「(全会一致)」 under a motion are its result.
                    Some((Style::Plain, _)) if b.in_motions && !explicit => b.para(text),
                    Some((style, title)) => {
                        let mut head = Head {
                            line: text.clone(),
                            title,
                            style,
                            level: 0,
                            at: i,
                        };
                        if let Some(Block::Para(next) | Block::Heading(next)) = blocks.get(i + 1)
                            && let Some(title) = continuation(&head, next)
                        {
                            head.title = title;
                            head.line = format!("{}\n{next}", head.line);
                            i += 1;
                        }
                        b.head(head);
                    }
                    None => b.para(text),
                }
            }
            Block::Row(cells) => b.row(cells),
            Block::Record { title, lines } => b.record(title, lines),
        }
        i += 1;
    }
    rank(&mut b.items);
    b.items
}

/// Ranks heading styles by first appearance; unmarked lines rank last.
fn rank(items: &mut [Item]) {
    let mut order: Vec<Style> = Vec::new();
    for item in items.iter() {
        if let Item::Head(h) = item
            && !matches!(h.style, Style::Plain | Style::Row)
            && !order.contains(&h.style)
        {
            order.push(h.style);
        }
    }
    for item in items.iter_mut() {
        if let Item::Head(h) = item {
            h.level = order
                .iter()
                .position(|s| *s == h.style)
                .unwrap_or(order.len());
        }
    }
}

/// Collects items, following the state of initiative tables: a `No` header
/// row starts one; numbered rows in sequence open initiatives; other rows
/// continue the current one.
#[derive(Default)]
struct Builder {
    items: Vec<Item>,
    /// Inside a table that has a `No` header.
    in_table: bool,
    /// Between a header row and the first numbered row after it.
    in_header: bool,
    /// Number of the last initiative row since the last heading.
    last: u32,
    /// The previous row was a label whose value follows (`基本政策` / `51 …`).
    after_label: bool,
    /// Header rows already kept: tables repeat them for every initiative.
    headers_seen: HashSet<Vec<String>>,
    /// Index of the block being read.
    at: usize,
    /// After a motion's row: short lines are its result, not headings.
    in_motions: bool,
}

impl Builder {
    fn head(&mut self, head: Head) {
        self.in_motions = false;
        self.in_table = false;
        self.in_header = false;
        self.after_label = false;
        self.last = 0;
        self.items.push(Item::Head(head));
    }

    fn para(&mut self, text: &str) {
        self.in_table = false;
        self.in_header = false;
        self.after_label = false;
        self.items.push(Item::Para(text.to_string(), self.at));
    }

    fn row(&mut self, cells: &[String]) {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        if cells.is_empty() || cells.iter().all(|c| is_rule(c)) {
            return;
        }
        if HEADER_CELL.is_match(&cells[0]) {
            self.in_table = true;
            self.in_header = true;
            self.after_label = false;
            self.keep_header(cells);
            return;
        }
        if self.in_table
            && !self.after_label
            && cells.len() >= 2
            && let Some(n) = row_number(&cells[0])
            && (self.in_header || n == self.last + 1 || n == 1)
        {
            self.last = n;
            self.in_header = false;
            self.initiative(n, &cells[1..]);
            return;
        }
        self.after_label = cells.len() == 1 && is_label(&cells[0]);
        if self.in_header {
            self.keep_header(cells);
        } else {
            self.items.push(Item::Row(cells, self.at));
        }
    }

    fn keep_header(&mut self, cells: Vec<String>) {
        if self.headers_seen.insert(cells.clone()) {
            self.items.push(Item::Row(cells, self.at));
        }
    }

    /// A data-table record: its own section, like an initiative row.
    fn record(&mut self, title: &str, lines: &[String]) {
        self.in_table = false;
        self.in_header = false;
        self.after_label = false;
        let at = self.at;
        self.items.push(Item::Head(Head {
            line: title.to_string(),
            title: title.to_string(),
            style: Style::Row,
            level: 0,
            at,
        }));
        self.items.extend(
            lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| Item::Para(l.clone(), at)),
        );
    }

    /// A motion of a 議決結果 list: its own section, like an initiative row.
    fn motion(&mut self, title: &str, outcome: String) {
        self.record(title, &[outcome]);
        self.in_motions = true;
    }

    /// A numbered row: its name becomes a heading, the rest its first text.
    fn initiative(&mut self, n: u32, cells: &[String]) {
        let (title, mut lines) = initiative_name(&cells[0]);
        for cell in &cells[1..] {
            lines.extend(cell.split('\n').map(str::to_string));
        }
        let at = self.at;
        self.items.push(Item::Head(Head {
            line: format!("{n} {title}"),
            title,
            style: Style::Row,
            level: 0,
            at,
        }));
        self.items.extend(
            lines
                .into_iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| Item::Para(l, at)),
        );
    }
}

fn is_rule(cell: &str) -> bool {
    cell.chars().all(|c| matches!(c, '-' | ':' | '|' | ' '))
}

/// A short caption cell whose value is in the next row (`基本政策`).
pub(super) fn is_label(cell: &str) -> bool {
    chars(cell) <= LABEL_MAX && !cell.chars().any(|c| c.is_ascii_digit()) && !cell.contains('。')
}

fn row_number(cell: &str) -> Option<u32> {
    let n: u32 = ROW_NUMBER.captures(cell)?[1].parse().ok()?;
    (n >= 1).then_some(n)
}

/// Splits the first cell of an initiative row into its name and details.
/// The name is the first line (a `<p>` of its own), or the part of the
/// first line before the details start (`○…`, `(1)…`). Without either, the
/// title is a trimmed copy of the first sentence and the cell stays whole.
fn initiative_name(cell: &str) -> (String, Vec<String>) {
    let mut lines = cell.split('\n').map(str::trim);
    let first = lines.next().unwrap_or_default();
    let rest = lines.map(str::to_string);
    if chars(first) <= NAME_MAX && !first.contains('。') {
        return (first.to_string(), rest.collect());
    }
    for m in DETAIL_MARK.find_iter(first) {
        let name = first[..m.start()].trim();
        let n = chars(name);
        if (2..=NAME_MAX).contains(&n) && !name.contains('。') {
            let details = first[m.start()..].trim().to_string();
            return (
                name.to_string(),
                std::iter::once(details).chain(rest).collect(),
            );
        }
        if n > NAME_MAX {
            break;
        }
    }
    let title = super::window::sentence_title(first);
    (
        title,
        std::iter::once(first.to_string()).chain(rest).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_shapes() {
        let style = |t: &str| heading(t, false).map(|(s, _)| s);
        assert_eq!(style("1. 町の使命"), Some(Style::DotNumber));
        assert_eq!(style("(2) 今年度の目標"), Some(Style::ParenNumber));
        assert_eq!(style("【重点課題3】"), Some(Style::Bracket));
        assert_eq!(style("3 架空の事業(企画課)"), Some(Style::SpaceNumber));
        assert_eq!(style("ア 活動目標"), Some(Style::Katakana));
        assert_eq!(style("(三) 港のにぎわい"), Some(Style::KanjiParen));
        assert_eq!(style("今年度の取り組み"), Some(Style::Plain));
        assert_eq!(style("10 件程度の実施"), Some(Style::Plain));
        assert_eq!(style("1 架空の文です。"), None);
        assert_eq!(style("・箇条書きの項目"), None);
        assert_eq!(style("電話番号:000-0000"), None);
        assert_eq!(style("4.4%"), None);
    }

    #[test]
    fn chart_labels_and_vote_rows_are_not_headings() {
        let style = |t: &str| heading(t, false).map(|(s, _)| s);
        // A bar chart's label with its value glued on, as pdftotext prints it.
        assert_eq!(style("架空の港の活性化112"), None);
        assert_eq!(style("1 架空の港の活性化411"), None);
        assert_eq!(style("どちらともいえない15"), None);
        assert_eq!(style("わからない2"), None);
        assert_eq!(style("高等教育3 16.その他15"), None);
        assert_eq!(style("普段から考えている523 667 316 44"), None);
        // A score table's row: indices, a class and signed differences.
        assert_eq!(
            style("架空の港の活性化3.026 3.996 3.051 4.174 C -0.025 -0.178"),
            None
        );
        // A vote table's row and its marks.
        assert_eq!(style("〇"), None);
        assert_eq!(style("× 委員長 × × 〇 × 〇"), None);
        assert_eq!(style("1 1 1 1 0"), None);
        // Numbered names stay headings.
        assert_eq!(style("基本目標1"), Some(Style::Plain));
        assert_eq!(style("施策12"), Some(Style::Plain));
        assert_eq!(style("図表18"), Some(Style::Plain));
        assert_eq!(style("かせい未来ビジョン2030"), Some(Style::Plain));
        assert_eq!(style("1 基本目標1"), Some(Style::SpaceNumber));
    }

    #[test]
    fn a_motion_row_is_titled_by_its_number_and_name() {
        let (title, outcome) =
            motion("議案第12号 架空市手数料条例の一部を改正する条例の制定 原案可決7月8日")
                .expect("a motion row");
        assert_eq!(
            title,
            "議案第12号 架空市手数料条例の一部を改正する条例の制定"
        );
        assert_eq!(outcome, "原案可決7月8日");
        let (title, outcome) = motion("第 4 号 架空港の再開発を求める陳情 R6.3.21 不採択 × 議長 ○")
            .expect("a petition");
        assert_eq!(title, "第4号 架空港の再開発を求める陳情");
        assert!(outcome.starts_with("R6.3.21 不採択"));
        // Text extraction glues the date to the name; a name may end in a
        // result's word (決算の認定).
        let (title, _) = motion("第2号 架空港に関して説明を求める陳情R6.3.21不採択 × 議長 ○")
            .expect("a glued date");
        assert_eq!(title, "第2号 架空港に関して説明を求める陳情");
        let (title, outcome) =
            motion("議案第 27 号 平成 30 年度架空市一般会計歳入歳出決算の認定 認定 9月 30 日")
                .expect("an approval");
        assert_eq!(
            title,
            "議案第27号 平成 30 年度架空市一般会計歳入歳出決算の認定"
        );
        assert_eq!(outcome, "認定 9月 30 日");
        // Prose starting with a number, a bare number, marks without a name.
        assert!(motion("第3号被保険者の届出は、令和6年4月1日から受け付けます。").is_none());
        assert!(motion("第 2 号 〇 R8.2.26").is_none());
        assert!(motion("第 28 号").is_none());
        assert!(motion("第1号 架空市の総合計画について説明します").is_none());
    }

    #[test]
    fn names_split_from_details() {
        let (t, rest) = initiative_name("森の再生 ○植樹を進めます。○間伐を行います。");
        assert_eq!(t, "森の再生");
        assert_eq!(rest, ["○植樹を進めます。○間伐を行います。"]);
        let (t, rest) = initiative_name("森の再生\n○植樹を進めます。");
        assert_eq!((t.as_str(), rest.len()), ("森の再生", 1));
    }
}
