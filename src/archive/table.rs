//! CSV and TSV data tables → one record per row.
//!
//! Open-data tables (newsletter articles, lists of projects) hold one item
//! per row: each row becomes a passage of its own, titled by its title
//! column, with the other cells as `label: value` lines. Columns naming the
//! municipality or a date give the file's declared city and year.

use std::collections::HashMap;

use super::blocks::BlockSink;
use super::{Block, Declared};
use crate::meta::wareki;

/// Header names of a title column, best first.
const TITLE_COLUMNS: &[&str] = &[
    "記事タイトル",
    "タイトル",
    "件名",
    "題名",
    "表題",
    "見出し",
    "事業名",
    "名称",
    "title",
    "name",
];
/// Header names of a municipality column.
const CITY_COLUMNS: &[&str] = &[
    "自治体名",
    "市区町村名",
    "市町村名",
    "団体名",
    "自治体",
    "市区町村",
    "市町村",
];
/// Header names of a year or date column, best first.
const YEAR_COLUMNS: &[&str] = &[
    "年度",
    "公開年月",
    "公開年月日",
    "公開日",
    "発行日",
    "発行年月日",
    "発行年月",
    "作成日",
    "日付",
    "年月日",
];

/// Header names of a column naming the publication of each row (a
/// newsletter's issue), best first.
const ISSUE_COLUMNS: &[&str] = &["発行号タイトル", "発行号", "号名", "誌名", "広報誌名"];

/// What a table yields.
#[derive(Debug)]
pub(super) struct Table {
    pub blocks: Vec<Block>,
    pub declared: Declared,
}

/// Extracts the records of a table; `delimiter` is `b','` or `b'\t'`.
pub(super) fn extract(text: &str, delimiter: u8) -> Result<Table, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_quotes(text, delimiter)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("malformed table at line {line}: {e}; fix the file and index again")
        })?;
        if record.iter().any(|c| !c.trim().is_empty()) {
            rows.push(record.iter().map(str::to_owned).collect());
        }
    }
    let Some(first) = rows.first() else {
        return Ok(Table {
            blocks: Vec::new(),
            declared: Declared::default(),
        });
    };
    let header: Option<Vec<String>> = is_header(first).then(|| first.clone());
    let body = if header.is_some() {
        &rows[1..]
    } else {
        &rows[..]
    };
    let labels: Vec<String> = header.clone().unwrap_or_default();
    let column = |names: &[&str]| {
        names.iter().find_map(|name| {
            labels
                .iter()
                .position(|l| l.trim().eq_ignore_ascii_case(name))
        })
    };
    let city_col = column(CITY_COLUMNS);
    let year_col = column(YEAR_COLUMNS);
    let issue_col = column(ISSUE_COLUMNS);
    // A date column (not 年度) dates each row by its fiscal year.
    let dated = year_col.is_some_and(|c| !labels[c].trim().ends_with("年度"));
    let title_col = column(TITLE_COLUMNS).or_else(|| first_text_column(body));

    let mut sink = BlockSink::default();
    for row in body {
        let cell = |i: usize| row.get(i).map(|c| c.trim()).unwrap_or("");
        let title = title_col.map(cell).unwrap_or("");
        let mut lines = Vec::new();
        for (i, value) in row.iter().enumerate() {
            let value = value.trim();
            if Some(i) == title_col || value.is_empty() {
                continue;
            }
            let mut cell_lines = value.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = cell_lines.next().unwrap_or("");
            match labels.get(i).map(|l| l.trim()).filter(|l| !l.is_empty()) {
                Some(label) => lines.push(format!("{label}: {first}")),
                None => lines.push(first.to_owned()),
            }
            lines.extend(cell_lines.map(str::to_owned));
        }
        sink.record(title, &lines);
    }
    let declared = Declared {
        city: city_col.and_then(|c| {
            most_frequent(body.iter().filter_map(|r| {
                r.get(c)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            }))
        }),
        year: year_col.and_then(|c| {
            most_frequent(body.iter().filter_map(|r| {
                r.get(c)
                    .and_then(|v| if dated { fiscal_year_of(v) } else { year_of(v) })
            }))
        }),
        fiscal: dated,
        title: issue_col.and_then(|c| {
            most_frequent(
                body.iter()
                    .filter_map(|r| r.get(c).map(|v| issue_name(v)))
                    .filter(|v| !v.is_empty()),
            )
        }),
    };
    Ok(Table {
        blocks: sink.finish(),
        declared,
    })
}

/// An unterminated quoted field swallows the rest of the file into one
/// cell; the csv reader accepts that silently, so it is checked here.
fn check_quotes(text: &str, delimiter: u8) -> Result<(), String> {
    let delimiter = char::from(delimiter);
    let mut line = 1;
    let mut opened_at = None;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match opened_at {
            Some(_) if c == '"' => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    opened_at = None;
                }
            }
            Some(_) => {}
            None => {
                if at_field_start && c == '"' {
                    opened_at = Some(line);
                }
                at_field_start = c == delimiter || c == '\n' || c == '\r';
            }
        }
    }
    match opened_at {
        Some(line) => Err(format!(
            "broken quote: the quoted field opened on line {line} is never closed; \
             fix the file and index again"
        )),
        None => Ok(()),
    }
}

/// A first row of short, distinct, non-numeric labels is a header.
fn is_header(row: &[String]) -> bool {
    let cells: Vec<&str> = row
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let mut distinct = cells.clone();
    distinct.sort_unstable();
    distinct.dedup();
    !cells.is_empty()
        && distinct.len() == cells.len()
        && cells.iter().all(|c| {
            c.chars().count() <= 30
                && !c.contains('\n')
                && !c
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || ".,-/ ".contains(ch))
        })
}

/// The first column whose cells are mostly text, not numbers or dates.
fn first_text_column(rows: &[Vec<String>]) -> Option<usize> {
    let width = rows.iter().map(Vec::len).max()?;
    (0..width).find(|&i| {
        let texty = rows
            .iter()
            .filter(|r| {
                r.get(i).is_some_and(|c| {
                    c.chars()
                        .any(|ch| ch.is_alphabetic() && !ch.is_ascii_alphabetic())
                })
            })
            .count();
        texty * 2 > rows.len()
    })
}

/// The western year of a cell: `2024.04.15`, `2024-04`, `令和6年度`, `R6`.
fn year_of(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let lead: String = cell.chars().take_while(char::is_ascii_digit).collect();
    wareki::western_token(&lead)
        .or_else(|| wareki::parse_year_value(cell))
        .or_else(|| wareki::find_years(cell).first().map(|m| m.year))
}

/// The fiscal year (April to March) of a date cell: `2025.01.15` → 2024,
/// `2024-04` → 2024, `令和7年1月15日` → 2024; a cell without a month is
/// read as a year ([`year_of`]).
fn fiscal_year_of(cell: &str) -> Option<i64> {
    use unicode_normalization::UnicodeNormalization;
    static MONTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:[0-9]{4}\s*[./\-年]|(?:令和|平成|昭和|[RHS])\s*(?:[0-9]{1,2}|元)\s*[./\-年])\s*([0-9]{1,2})(?:[^0-9]|$)")
            .expect("month regex")
    });
    let year = year_of(cell)?;
    let norm: String = cell.trim().nfkc().collect();
    let month = MONTH
        .captures(&norm)
        .and_then(|c| c[1].parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m));
    Some(match month {
        Some(m) if m <= 3 => year - 1,
        _ => year,
    })
}

/// An issue's name without the date in brackets after it:
/// 「広報あつぎ 第1439号（2025年1月15日発行）」 → 「広報あつぎ 第1439号」.
fn issue_name(cell: &str) -> String {
    let t = cell.trim();
    let cut = t
        .char_indices()
        .rev()
        .find(|&(_, c)| c == '（' || c == '(')
        .filter(|&(i, _)| i > 0 && t.ends_with([')', '）']))
        .map_or(t, |(i, _)| &t[..i]);
    cut.trim().to_string()
}

/// The most frequent value; ties go to the first seen.
fn most_frequent<T: Clone + Eq + std::hash::Hash>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    for (i, v) in values.enumerate() {
        counts.entry(v).or_insert((0, i)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(title: &str, lines: &[&str]) -> Block {
        Block::Record {
            title: title.to_owned(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn rows_become_records_titled_by_their_title_column() {
        let csv = "自治体名,公開年月,記事タイトル,カテゴリ,記事本文\n\
                   架空県架空市,2024.04.15,緑のまつり,イベント,\"花と緑に触れ合いませんか。\n\n■日時：5月11日\"\n\
                   架空県架空市,2024.05.01,ごみの出し方,くらし,分別にご協力ください。\n\
                   ,,,,\n\
                   架空県見本町,2023.05.01,お知らせ,,\n";
        let t = extract(csv, b',').unwrap();
        assert_eq!(
            t.blocks,
            [
                record(
                    "緑のまつり",
                    &[
                        "自治体名: 架空県架空市",
                        "公開年月: 2024.04.15",
                        "カテゴリ: イベント",
                        "記事本文: 花と緑に触れ合いませんか。",
                        "■日時:5月11日"
                    ]
                ),
                record(
                    "ごみの出し方",
                    &[
                        "自治体名: 架空県架空市",
                        "公開年月: 2024.05.01",
                        "カテゴリ: くらし",
                        "記事本文: 分別にご協力ください。"
                    ]
                ),
                record(
                    "お知らせ",
                    &["自治体名: 架空県見本町", "公開年月: 2023.05.01"]
                ),
            ]
        );
        assert_eq!(t.declared.city.as_deref(), Some("架空県架空市"));
        assert_eq!(t.declared.year, Some(2024));
    }

    #[test]
    fn without_a_title_column_the_first_text_column_titles() {
        let tsv = "番号\t事業\t年度\t予算\n1\t公園整備\t令和6年度\t1000\n2\t道路補修\tR6\t200\n";
        let t = extract(tsv, b'\t').unwrap();
        assert_eq!(
            t.blocks[0],
            record("公園整備", &["番号: 1", "年度: 令和6年度", "予算: 1000"])
        );
        assert_eq!(t.declared.year, Some(2024));
        assert_eq!(t.declared.city, None);
    }

    #[test]
    fn a_broken_quote_names_its_line() {
        let csv = "件名,本文\n一,\"閉じた\"\"引用\"\"\"\n二,\"閉じない引用\n三,本文\n";
        let err = extract(csv, b',').unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(extract("件名,本文\n一,\"a\nb\"\n", b',').is_ok());
    }

    #[test]
    fn year_cells() {
        assert_eq!(year_of("2024.04.15"), Some(2024));
        assert_eq!(year_of("2024年4月"), Some(2024));
        assert_eq!(year_of("令和6年度"), Some(2024));
        assert_eq!(year_of("未定"), None);
    }

    #[test]
    fn newsletter_issues_are_named_and_dated_by_fiscal_year() {
        let csv = "自治体名,公開年月,発行号タイトル,記事タイトル,記事本文\n\
                   架空県架空市,2025.01.15,広報かくう 第1439号（2025年1月15日発行）,図書館へ行こう,読み聞かせ\n\
                   架空県架空市,2025.01.15,広報かくう 第1439号（2025年1月15日発行）,ごみの出し方,分別\n";
        let t = extract(csv, b',').unwrap();
        assert_eq!(t.declared.title.as_deref(), Some("広報かくう 第1439号"));
        assert_eq!((t.declared.year, t.declared.fiscal), (Some(2024), true));
        assert_eq!(fiscal_year_of("2024.04.01"), Some(2024));
        assert_eq!(fiscal_year_of("2025-03"), Some(2024));
        assert_eq!(fiscal_year_of("令和7年1月15日"), Some(2024));
        assert_eq!(fiscal_year_of("2025"), Some(2025));
        assert_eq!(
            issue_name("広報くらしき 2025年1月号"),
            "広報くらしき 2025年1月号"
        );
    }
}
