//! A worksheet's rows read as data tables where they are one: the header
//! row is found below title rows and notes (`単位：千円`), a category row
//! above it is joined to it (`令和5年度` over `予算額 | 決算額`, blanks
//! taken from the left), and each body row becomes a record titled by its
//! name column with one `header: value` line per filled cell. Blank leading
//! cells of a ragged hierarchy (`局 | 部 | 課` with blanks meaning "same as
//! above") are filled down. A sheet of numeric codes (one row per survey
//! respondent) gives one passage per question group instead of a thousand
//! rows of numbers. Everything that is not a table (forms laid out in
//! cells, notes) stays rows and lines, as before.
//!
//! Linear in the cells: a header candidate is rejected by its own row
//! before its body is scanned, and a table's body is never scanned again.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::Place;
use super::blocks::BlockSink;

/// Fewest body rows of a data table: a header and one or two rows are
/// read as plain rows (a form's label row, a small layout table).
const MIN_BODY: usize = 3;
/// Body rows a header candidate is judged on.
const SAMPLE: usize = 200;
/// Longest header cell (survey questions run to ~110 characters).
const LABEL_MAX: usize = 200;
/// A table without any text column and at least this many rows is a sheet
/// of codes: summarised per question, not one passage per row.
const CODES_MIN_ROWS: usize = 50;
/// Most distinct values listed as an answer distribution (0–10 scales).
const DISTRIBUTION_MAX: usize = 11;
/// Columns per passage of a code sheet without a category row.
const CODES_GROUP: usize = 10;
/// Most columns composed into a title when no one column names a row.
const TITLE_PARTS: usize = 3;

/// Header names of a column that names its row, best first; any other
/// short header ending in 名 or 名称 (施策名, 課名) qualifies after these.
const NAME_COLUMNS: &[&str] = &[
    "所属名称",
    "事業名",
    "施策名",
    "記事タイトル",
    "タイトル",
    "件名",
    "題名",
    "表題",
    "見出し",
    "項目",
    "税目",
    "課名",
    "名称",
    "title",
    "name",
];
/// Columns naming the municipality: the same on every row, never a title.
const CITY_COLUMNS: &[&str] = &["自治体名", "市区町村名", "市町村名", "団体名"];

static UNIT_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（\[［<〈【]?\s*単\s*位\s*[:：)）]?").expect("static regex"));

/// One non-blank row of a sheet: its 1-based sheet row and its cells (a
/// cell's line breaks kept as '\n'; blank cells are empty strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GridRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// What a cell holds, for telling headers, names and data apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    /// A placeholder: `－`, `-`, `*`, `…`.
    Nil,
    /// A number, amount, percentage or date.
    Number,
    Text,
}

fn kind(cell: &str) -> Kind {
    let c = cell.trim();
    if c.is_empty() {
        return Kind::Empty;
    }
    if c.chars().all(|ch| "-－ー―‐—–…*＊xX×・.．".contains(ch)) {
        return Kind::Nil;
    }
    let mut digits = false;
    let numeric = c.chars().all(|ch| {
        if ch.is_ascii_digit() || ('０'..='９').contains(&ch) {
            digits = true;
            true
        } else {
            ",.，．%％‰+-－▲△¥￥円/:：年月日 ()（）".contains(ch)
        }
    });
    if numeric && digits {
        Kind::Number
    } else if c.chars().any(char::is_alphabetic) {
        Kind::Text
    } else {
        Kind::Nil
    }
}

fn is_filled(cell: &str) -> bool {
    !cell.trim().is_empty()
}

fn filled_count(row: &GridRow) -> usize {
    row.cells.iter().filter(|c| is_filled(c)).count()
}

/// A row whose filled cells could all be column labels: text, or a year
/// heading a column of figures (`2023`), the first of them text.
fn is_label_row(row: &GridRow) -> bool {
    let mut filled = row.cells.iter().filter(|c| is_filled(c));
    filled.next().is_some_and(|c| is_label(c, false))
        && filled.next().is_some()
        && row
            .cells
            .iter()
            .filter(|c| is_filled(c))
            .all(|c| is_label(c, true))
}

fn is_label(cell: &str, year_too: bool) -> bool {
    let c = cell.trim();
    match kind(c) {
        Kind::Text => c.chars().count() <= LABEL_MAX && !UNIT_NOTE.is_match(c),
        Kind::Number => {
            year_too && c.len() == 4 && c.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y))
        }
        Kind::Empty | Kind::Nil => false,
    }
}

/// A table found in a sheet: rows `start..end` of the sheet's rows, the
/// header taking `start..body`.
#[derive(Debug)]
struct Found {
    start: usize,
    body: usize,
    end: usize,
    /// The category row above the header, when there is one.
    upper: Option<usize>,
}

/// Emits the rows of one sheet into `sink`: data tables as records, other
/// rows as rows and lines.
pub(super) fn emit_sheet(sink: &mut BlockSink, sheet: &str, rows: &[GridRow]) {
    let mut i = 0;
    let mut plain_from = 0;
    while i < rows.len() {
        let Some(found) = find_table(rows, i) else {
            i += 1;
            continue;
        };
        for r in &rows[plain_from..found.start] {
            plain_row(sink, sheet, r);
        }
        emit_table(sink, sheet, rows, &found);
        i = found.end;
        plain_from = found.end;
    }
    for r in &rows[plain_from..] {
        plain_row(sink, sheet, r);
    }
}

/// One spreadsheet row as it was read before tables: a row of cells, or a
/// line of text when a single cell is filled (a title, a note).
pub(super) fn plain_row(sink: &mut BlockSink, sheet: &str, row: &GridRow) {
    sink.mark(Place::Sheet {
        name: sheet.to_string(),
        row: row.row,
    });
    let mut filled = row.cells.iter().filter(|c| is_filled(c));
    match (filled.next(), filled.next()) {
        (Some(only), None) => only.lines().for_each(|l| sink.para(l)),
        _ => sink.row(
            row.cells
                .iter()
                .map(|c| c.lines().map(str::to_owned).collect())
                .collect(),
        ),
    }
}

/// The table whose header starts at row `i`, if one does. A candidate is
/// judged on at most [`SAMPLE`] rows of its body, so that trying every row
/// of a long sheet stays linear.
fn find_table(rows: &[GridRow], i: usize) -> Option<Found> {
    let first = &rows[i];
    if !is_label_row(first) {
        return None;
    }
    // A category row over a field row: both label rows, adjacent, the
    // upper one with repeats or with gaps the lower one fills.
    if let Some(lower) = rows.get(i + 1)
        && lower.row == first.row + 1
        && is_label_row(lower)
        && is_category_row(first, lower)
        && mostly_distinct(&join_labels(Some(first), lower))
    {
        let sample = &rows[i + 2..body_end(rows, i + 2, lower, SAMPLE)];
        if is_body(lower, sample) && !recurs_in_body(lower, sample) {
            return Some(Found {
                start: i,
                body: i + 2,
                end: body_end(rows, i + 2, lower, usize::MAX),
                upper: Some(i),
            });
        }
    }
    if !mostly_distinct(&join_labels(None, first)) {
        return None;
    }
    let sample = &rows[i + 1..body_end(rows, i + 1, first, SAMPLE)];
    is_body(first, sample).then(|| Found {
        start: i,
        body: i + 1,
        end: body_end(rows, i + 1, first, usize::MAX),
        upper: None,
    })
}

/// Whether `sample`, the first rows below `header`, reads as its body:
/// enough rows, about as wide as the header, and the header's first
/// column filled on almost every row (once a hierarchy's blanks are
/// filled down). A form laid out in cells (`No | 目標 | 実績` over one
/// numbered row and loose notes) fails the last test.
fn is_body(header: &GridRow, sample: &[GridRow]) -> bool {
    if sample.len() < MIN_BODY {
        return false;
    }
    let mut counts: Vec<usize> = sample.iter().map(filled_count).collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    if filled_count(header) * 2 < median {
        // A title with a date beside it is not the header of a wide table.
        return false;
    }
    let Some(key) = header.cells.iter().position(|c| is_filled(c)) else {
        return false;
    };
    let keyed = fill_down(sample, header)
        .iter()
        .filter(|r| r.get(key).is_some_and(|v| is_filled(v)))
        .count();
    keyed * 5 >= sample.len() * 4
}

/// Whether `upper` groups the columns of `lower`: it repeats a value, or
/// leaves blank a column that `lower` fills right of its own first cell.
fn is_category_row(upper: &GridRow, lower: &GridRow) -> bool {
    let values: Vec<&str> = upper
        .cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let distinct: HashSet<&str> = values.iter().copied().collect();
    if distinct.len() < values.len() {
        return true;
    }
    let Some(first) = upper.cells.iter().position(|c| is_filled(c)) else {
        return false;
    };
    lower
        .cells
        .iter()
        .enumerate()
        .skip(first + 1)
        .any(|(c, v)| is_filled(v) && !upper.cells.get(c).is_some_and(|u| is_filled(u)))
}

/// A header's values are labels, not data: they do not recur in their
/// column below (a first data row of names would).
fn recurs_in_body(header: &GridRow, body: &[GridRow]) -> bool {
    let mut recurring = 0;
    let mut filled = 0;
    for (c, h) in header.cells.iter().enumerate() {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        filled += 1;
        if body
            .iter()
            .any(|r| r.cells.get(c).is_some_and(|v| v.trim() == h))
        {
            recurring += 1;
        }
    }
    recurring * 10 > filled
}

/// The end of the body that starts at row `from`: rows with at least two
/// filled cells or a lone leaf cell, up to the first row with one cell in
/// the first column (a note, a new title); `most` rows at most.
fn body_end(rows: &[GridRow], from: usize, header: &GridRow, most: usize) -> usize {
    let first_label = header.cells.iter().position(|c| is_filled(c)).unwrap_or(0);
    let mut end = from;
    while let Some(r) = rows.get(end).filter(|_| end - from < most) {
        let filled = filled_count(r);
        // A lone cell right of the first column is a leaf of a ragged
        // hierarchy (`| | 文書係`); in the first column, a note or a title.
        let leaf = filled == 1
            && r.cells.iter().position(|c| is_filled(c)).is_some_and(|c| {
                c > first_label && c < header.cells.len() && !UNIT_NOTE.is_match(r.cells[c].trim())
            });
        if filled < 2 && !leaf {
            break;
        }
        end += 1;
    }
    end
}

/// Column labels: the field row's cells, each under its category (a blank
/// category cell takes the one on its left).
fn join_labels(upper: Option<&GridRow>, lower: &GridRow) -> Vec<String> {
    let width = lower.cells.len().max(upper.map_or(0, |u| u.cells.len()));
    let mut labels = Vec::with_capacity(width);
    let mut category = "";
    for c in 0..width {
        let low = lower.cells.get(c).map_or("", |v| v.trim());
        if let Some(u) = upper {
            let up = u.cells.get(c).map_or("", |v| v.trim());
            if !up.is_empty() {
                category = up;
            }
            let label = match (category, low) {
                ("", low) => low.to_string(),
                (cat, "") if !up.is_empty() => cat.to_string(),
                (_, "") => String::new(),
                (cat, low) if cat == low => low.to_string(),
                (cat, low) => format!("{cat} {low}"),
            };
            labels.push(one_line(&label));
        } else {
            labels.push(one_line(low));
        }
    }
    labels
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At least nine in ten filled labels are distinct.
fn mostly_distinct(labels: &[String]) -> bool {
    let filled: Vec<&str> = labels
        .iter()
        .map(String::as_str)
        .filter(|l| !l.is_empty())
        .collect();
    let distinct: HashSet<&str> = filled.iter().copied().collect();
    filled.len() >= 2 && distinct.len() * 10 >= filled.len() * 9
}

/// Counts over one column of a table's body.
#[derive(Debug, Default, Clone)]
struct ColumnStats {
    filled: usize,
    text: usize,
    distinct: usize,
}

fn emit_table(sink: &mut BlockSink, sheet: &str, rows: &[GridRow], found: &Found) {
    let header = &rows[found.body - 1];
    let upper = found.upper.map(|u| &rows[u]);
    let labels = join_labels(upper, header);
    let body: Vec<Vec<String>> = fill_down(&rows[found.body..found.end], header);
    let places: Vec<u32> = rows[found.body..found.end].iter().map(|r| r.row).collect();
    let width = body
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(labels.len());
    let stats = column_stats(&body, width);
    let mark = |sink: &mut BlockSink, row: u32| {
        sink.mark(Place::Sheet {
            name: sheet.to_string(),
            row,
        })
    };
    let lower_labels = join_labels(None, header);
    let named = name_column(&lower_labels, &labels, &stats, body.len());
    let title_cols: Vec<usize> = match named {
        Some(c) => vec![c],
        None => composed_title(&body, &stats),
    };
    if title_cols.is_empty() && body.len() >= CODES_MIN_ROWS {
        mark(sink, rows[found.start].row);
        summarise_codes(sink, upper, header, &labels, &body, &stats);
        return;
    }
    for (cells, row) in body.iter().zip(places) {
        mark(sink, row);
        let value = |c: usize| cells.get(c).map_or("", |v| v.trim());
        let mut title: Vec<String> = title_cols
            .iter()
            .map(|&c| value(c))
            .filter(|v| kind(v) == Kind::Text || kind(v) == Kind::Number)
            .map(one_line)
            .collect();
        title.dedup();
        let mut title = title.join(" ");
        if title.is_empty() {
            title = cells
                .iter()
                .map(|v| v.trim())
                .find(|v| kind(v) == Kind::Text)
                .or_else(|| cells.iter().map(|v| v.trim()).find(|v| !v.is_empty()))
                .map(one_line)
                .unwrap_or_default();
        }
        let mut lines = Vec::new();
        for (c, v) in cells.iter().enumerate() {
            let v = v.trim();
            if v.is_empty() || named == Some(c) {
                continue;
            }
            let mut cell_lines = v.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = cell_lines.next().unwrap_or("");
            match labels.get(c).filter(|l| !l.is_empty()) {
                Some(label) => lines.push(format!("{label}: {first}")),
                None => lines.push(first.to_string()),
            }
            lines.extend(cell_lines.map(str::to_owned));
        }
        sink.record(&title, &lines);
    }
}

/// The body's cells, with the blank leading cells of a row whose first
/// filled cell is text taken from the row above where that was text too:
/// a ragged hierarchy's "same as above".
fn fill_down(body: &[GridRow], header: &GridRow) -> Vec<Vec<String>> {
    let label_end = header.cells.len();
    let mut out: Vec<Vec<String>> = Vec::with_capacity(body.len());
    for r in body {
        let mut cells = r.cells.clone();
        let first = cells.iter().position(|c| is_filled(c)).unwrap_or(0);
        if first > 0
            && first < label_end
            && kind(&cells[first]) == Kind::Text
            && let Some(prev) = out.last()
        {
            for (c, cell) in cells.iter_mut().enumerate().take(first) {
                if let Some(above) = prev.get(c)
                    && kind(above) == Kind::Text
                {
                    cell.clone_from(above);
                }
            }
        }
        out.push(cells);
    }
    out
}

fn column_stats(body: &[Vec<String>], width: usize) -> Vec<ColumnStats> {
    let mut seen: Vec<HashSet<&str>> = vec![HashSet::new(); width];
    let mut stats = vec![ColumnStats::default(); width];
    for row in body {
        for (c, v) in row.iter().enumerate() {
            let v = v.trim();
            match kind(v) {
                Kind::Empty => continue,
                Kind::Text => stats[c].text += 1,
                Kind::Nil | Kind::Number => {}
            }
            stats[c].filled += 1;
            seen[c].insert(v);
        }
    }
    for (s, set) in stats.iter_mut().zip(seen) {
        s.distinct = set.len();
    }
    stats
}

/// A column that holds text on most rows.
fn is_text_column(s: &ColumnStats, rows: usize) -> bool {
    s.filled * 2 >= rows && s.text * 2 > s.filled
}

/// The column a header names as the row's name (`事業名`, `所属名称`).
fn name_column(
    lower: &[String],
    joined: &[String],
    stats: &[ColumnStats],
    rows: usize,
) -> Option<usize> {
    let usable = |c: usize| {
        let s = &stats[c];
        is_text_column(s, rows) && s.distinct * 2 >= s.filled
    };
    let label = |c: usize| lower.get(c).filter(|l| !l.is_empty()).or(joined.get(c));
    let width = stats.len();
    NAME_COLUMNS
        .iter()
        .find_map(|name| {
            (0..width)
                .find(|&c| usable(c) && label(c).is_some_and(|l| l.eq_ignore_ascii_case(name)))
        })
        .or_else(|| {
            (0..width).find(|&c| {
                usable(c)
                    && label(c).is_some_and(|l| {
                        (l.ends_with('名') || l.ends_with("名称"))
                            && l.chars().count() <= 8
                            && !CITY_COLUMNS.contains(&l.as_str())
                    })
            })
        })
}

/// Without a named column: the first text column that varies, with the
/// text columns after it added until the title tells rows apart (`市民税
/// 個人 現年課税分`).
fn composed_title(body: &[Vec<String>], stats: &[ColumnStats]) -> Vec<usize> {
    let candidates: Vec<usize> = (0..stats.len())
        .filter(|&c| is_text_column(&stats[c], body.len()) && stats[c].distinct >= 2)
        .collect();
    let mut parts = Vec::new();
    for &c in candidates.iter().take(TITLE_PARTS) {
        parts.push(c);
        let keys: HashSet<Vec<&str>> = body
            .iter()
            .map(|r| {
                parts
                    .iter()
                    .map(|&p| r.get(p).map_or("", |v| v.trim()))
                    .collect()
            })
            .collect();
        if keys.len() * 5 >= body.len() * 4 {
            break;
        }
    }
    parts
}

/// A sheet of codes (one row per respondent): one passage per question
/// group, titled by its category, listing each question with the count of
/// every answer code.
fn summarise_codes(
    sink: &mut BlockSink,
    upper: Option<&GridRow>,
    header: &GridRow,
    labels: &[String],
    body: &[Vec<String>],
    stats: &[ColumnStats],
) {
    let width = stats.len();
    let lower = join_labels(None, header);
    let categories: Vec<String> = match upper {
        Some(u) => {
            let mut cat = String::new();
            (0..width)
                .map(|c| {
                    if let Some(v) = u.cells.get(c).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                        cat = one_line(v);
                    }
                    cat.clone()
                })
                .collect()
        }
        None => vec![String::new(); width],
    };
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for c in 0..width {
        // Respondent numbers (every value distinct) say nothing.
        let s = &stats[c];
        if labels.get(c).is_none_or(|l| l.is_empty())
            || s.filled == 0
            || (s.distinct == s.filled && s.filled > DISTRIBUTION_MAX)
        {
            continue;
        }
        let cat = &categories[c];
        match groups.last_mut() {
            Some((g, cols)) if upper.is_some() && g == cat => cols.push(c),
            Some((_, cols)) if upper.is_none() && cols.len() < CODES_GROUP => cols.push(c),
            _ => groups.push((cat.clone(), vec![c])),
        }
    }
    for (category, cols) in groups {
        let mut lines = Vec::new();
        for &c in &cols {
            let question = match lower.get(c).filter(|l| !l.is_empty()) {
                Some(l) => l.clone(),
                None => labels[c].clone(),
            };
            lines.push(question);
            lines.push(distribution(body, c));
        }
        let title = if category.is_empty() {
            cols.first()
                .and_then(|&c| lower.get(c))
                .cloned()
                .unwrap_or_default()
        } else {
            category
        };
        sink.record(&title, &lines);
    }
}

/// `回答 998件: 1=120 2=300 …` for a column of few codes, the count and
/// range otherwise.
fn distribution(body: &[Vec<String>], c: usize) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for v in body.iter().filter_map(|r| r.get(c)).map(|v| v.trim()) {
        if !v.is_empty() {
            total += 1;
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut values: Vec<(&str, usize)> = counts.into_iter().collect();
    let numeric = |v: &str| v.parse::<f64>().ok();
    values.sort_by(|a, b| match (numeric(a.0), numeric(b.0)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.0.cmp(b.0),
    });
    if values.len() <= DISTRIBUTION_MAX {
        let list: Vec<String> = values.iter().map(|(v, n)| format!("{v}={n}")).collect();
        format!("回答 {total}件: {}", list.join(" "))
    } else {
        let (lo, hi) = (values[0].0, values[values.len() - 1].0);
        format!("回答 {total}件: {lo}〜{hi}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Block;

    fn grid(rows: &[&[&str]]) -> Vec<GridRow> {
        rows.iter()
            .enumerate()
            .map(|(i, cells)| GridRow {
                row: i as u32 + 1,
                cells: cells.iter().map(|c| c.to_string()).collect(),
            })
            .filter(|r| r.cells.iter().any(|c| is_filled(c)))
            .collect()
    }

    fn emit(rows: &[&[&str]]) -> Vec<Block> {
        let mut sink = BlockSink::default();
        emit_sheet(&mut sink, "表", &grid(rows));
        sink.finish()
    }

    fn record(title: &str, lines: &[&str]) -> Block {
        Block::Record {
            title: title.to_owned(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn header_below_title_rows_and_unit_note() {
        let blocks = emit(&[
            &["架空市 事業一覧", "", ""],
            &["", "", "単位:千円"],
            &[],
            &["No", "事業名", "予算額"],
            &["1", "公園整備", "1200"],
            &["2", "道路補修", "800"],
            &["3", "図書館運営", "450"],
            &["※ 見込み額を含む", "", ""],
        ]);
        assert_eq!(
            blocks,
            [
                Block::Para("架空市 事業一覧".into()),
                Block::Para("単位:千円".into()),
                record("公園整備", &["No: 1", "予算額: 1200"]),
                record("道路補修", &["No: 2", "予算額: 800"]),
                record("図書館運営", &["No: 3", "予算額: 450"]),
                Block::Para("※ 見込み額を含む".into()),
            ]
        );
    }

    #[test]
    fn yearly_blocks_join_their_year_over_each_field() {
        let blocks = emit(&[
            &["事業名", "令和4年度", "", "令和5年度", ""],
            &["", "予算額", "決算額", "予算額", "決算額"],
            &["公園整備", "100", "90", "120", "110"],
            &["道路補修", "200", "180", "210", "-"],
            &["図書館運営", "50", "48", "55", "54"],
        ]);
        assert_eq!(
            blocks[1],
            record(
                "道路補修",
                &[
                    "令和4年度 予算額: 200",
                    "令和4年度 決算額: 180",
                    "令和5年度 予算額: 210",
                    "令和5年度 決算額: -",
                ]
            )
        );
        assert_eq!(blocks.len(), 3);
    }

    #[test]
    fn ragged_hierarchy_fills_down_its_parents() {
        let blocks = emit(&[
            &["局", "部", "課", "係"],
            &["見本局", "総務部", "総務課", "庶務係"],
            &["", "", "", "文書係"],
            &["", "", "人事課", "人事係"],
            &["", "財務部", "財政課", "予算係"],
            &["架空局", "", "企画課", ""],
        ]);
        assert_eq!(
            blocks[2],
            record(
                "見本局 総務部 人事課",
                &["局: 見本局", "部: 総務部", "課: 人事課", "係: 人事係"]
            )
        );
        assert_eq!(
            blocks[4],
            record("架空局 企画課", &["局: 架空局", "課: 企画課"])
        );
    }

    #[test]
    fn composed_titles_and_camel_case_headers() {
        let blocks = emit(&[
            &[
                "#property",
                "year",
                "taxItem",
                "taxItemContents",
                "carryoverClassification",
                "incomeRate",
            ],
            &["1", "令和6年度", "市民税", "個人", "現年課税分", "99.2"],
            &["2", "令和6年度", "市民税", "個人", "滞納繰越分", "29.3"],
            &["3", "令和6年度", "市民税", "法人", "現年課税分", "99.8"],
            &["4", "令和6年度", "入湯税", "－", "現年課税分", "100"],
        ]);
        assert_eq!(
            blocks[3],
            record(
                "入湯税 現年課税分",
                &[
                    "#property: 4",
                    "year: 令和6年度",
                    "taxItem: 入湯税",
                    "taxItemContents: -",
                    "carryoverClassification: 現年課税分",
                    "incomeRate: 100",
                ]
            )
        );
    }

    #[test]
    fn named_column_titles_even_when_not_first() {
        let blocks = emit(&[
            &["局", "課", "所属名称"],
            &["見本局", "", "見本局"],
            &["見本局", "総務課", "見本局総務課"],
            &["見本局", "企画課", "見本局企画課"],
        ]);
        assert_eq!(
            blocks[1],
            record("見本局総務課", &["局: 見本局", "課: 総務課"])
        );
        // The first body row is not taken for a second header row.
        assert_eq!(blocks.len(), 3);
    }

    #[test]
    fn survey_codes_become_one_passage_per_question_group() {
        let mut rows: Vec<Vec<String>> = vec![
            vec!["", "", "属性", "満足度", "満足度", "交通"],
            vec![
                "",
                "回答者ID",
                "性別",
                "架空市の暮らしにどの程度満足していますか。",
                "5年後も住み続けたいと思いますか。",
                "バスで好きなところへ移動できる",
            ],
        ]
        .into_iter()
        .map(|r| r.into_iter().map(str::to_owned).collect())
        .collect();
        for i in 0..120 {
            rows.push(vec![
                String::new(),
                format!("{}", 10001 + i),
                format!("{}", i % 2 + 1),
                format!("{}", i % 5 + 1),
                format!("{}", i % 3 + 1),
                format!("{}", i % 4 + 1),
            ]);
        }
        let refs: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        let blocks = emit(&refs);
        assert_eq!(blocks.len(), 3, "{blocks:#?}");
        assert_eq!(
            blocks[1],
            record(
                "満足度",
                &[
                    "架空市の暮らしにどの程度満足していますか。",
                    "回答 120件: 1=24 2=24 3=24 4=24 5=24",
                    "5年後も住み続けたいと思いますか。",
                    "回答 120件: 1=40 2=40 3=40",
                ]
            )
        );
        assert_eq!(
            blocks[0],
            record("属性", &["性別", "回答 120件: 1=60 2=60"])
        );
    }

    #[test]
    fn forms_and_small_tables_stay_rows() {
        let blocks = emit(&[
            &["部局", "都市経営部", "氏名", "見本太郎"],
            &[],
            &["1. 部局の使命"],
            &["No", "目標", "実績"],
            &["1", "基本政策の推進\n○進捗を公表します。", "公表しました。"],
            &["総合計画"],
            &["科目", "金額"],
            &["市税", "1200"],
        ]);
        assert!(
            blocks.iter().all(|b| !matches!(b, Block::Record { .. })),
            "{blocks:#?}"
        );
    }

    #[test]
    fn years_may_head_columns() {
        let blocks = emit(&[
            &["施策名", "2022", "2023", "2024"],
            &["子育て支援の充実", "61.0", "63.5", "64.2"],
            &["防災・減災対策", "70.1", "71.3", "69.8"],
            &["公共交通の利便性", "40.9", "45.6", "47.0"],
        ]);
        assert_eq!(
            blocks[2],
            record(
                "公共交通の利便性",
                &["2022: 40.9", "2023: 45.6", "2024: 47.0"]
            )
        );
    }

    #[test]
    fn cell_kinds() {
        assert_eq!(kind("1,200"), Kind::Number);
        assert_eq!(kind("99.2%"), Kind::Number);
        assert_eq!(kind("2024/04/01"), Kind::Number);
        assert_eq!(kind("▲300"), Kind::Number);
        assert_eq!(kind("－"), Kind::Nil);
        assert_eq!(kind("令和6年度"), Kind::Text);
        assert_eq!(kind("taxItem"), Kind::Text);
        assert_eq!(kind(" "), Kind::Empty);
    }
}
