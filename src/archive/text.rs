//! Plain text and Markdown → blocks, line by line.
//!
//! Text files in these archives are mostly conversions of PDFs and web pages
//! and already use Markdown conventions (`|` tables, `- ` items), so both
//! formats share one reader; only code fences are Markdown-specific. Tables
//! come as tab-separated or `|`-separated lines, with HTML in their cells.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::BlockSink;
use super::{Block, Format, inline};

/// Extracts the blocks of a text or Markdown file.
pub(super) fn extract(text: &str, format: Format) -> Vec<Block> {
    let mut sink = BlockSink::default();
    // Split on lone CRs too: old Mac files and stray CRs in exports.
    for line in text.split(['\n', '\r']).map(str::trim) {
        if line.is_empty() || is_rule(line) {
            continue;
        }
        if format == Format::Markdown && (line.starts_with("```") || line.starts_with("~~~")) {
            continue;
        }
        if line.starts_with('|') {
            row(&mut sink, split_pipes(line));
        } else if line.contains('\t') {
            // A tab between text (leading and trailing tabs are trimmed:
            // that is indentation) makes a table row.
            row(&mut sink, line.split('\t').collect());
        } else if let Some(title) = heading(line) {
            sink.heading(&inline::lines(&strip_markdown(title)).join(" "));
        } else {
            for l in inline::lines(&strip_markdown(strip_bullet(line))) {
                sink.para(&l);
            }
        }
    }
    sink.finish()
}

/// Adds a table row, unless it only separates the header (`|---|:--:|`,
/// `-----\t-----`).
fn row(sink: &mut BlockSink, cells: Vec<&str>) {
    let is_separator = cells.iter().any(|c| !c.trim().is_empty())
        && cells
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | '=' | ' ')));
    if is_separator {
        return;
    }
    let cells = cells
        .into_iter()
        .map(|c| inline::lines(&strip_markdown(c)))
        .collect();
    sink.row(cells);
}

/// Cells of a `| a | b |` line; `\|` is a literal pipe. The outer pipes
/// yield empty cells, which the sink drops with the other empty cells.
fn split_pipes(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        if c == '|' && prev != '\\' {
            cells.push(&line[start..i]);
            start = i + 1;
        }
        prev = c;
    }
    cells.push(&line[start..]);
    cells
}

/// `## Title ##` → `Title`. Like CommonMark, `#` must be followed by a
/// space, so `#1` or a hashtag stays text.
fn heading(line: &str) -> Option<&str> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t', '\u{3000}']) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim_end())
}

/// Removes a list bullet or quote marker: `- item`, `* item`, `+ item`,
/// `> quote`.
fn strip_bullet(line: &str) -> &str {
    ["- ", "* ", "+ ", "> "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .unwrap_or(line)
}

/// Thematic breaks and decoration lines: `---`, `***`, `=====`.
fn is_rule(line: &str) -> bool {
    line.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && line
            .chars()
            .all(|c| matches!(c, '-' | '*' | '_' | '=') || c.is_whitespace())
}

/// Drops Markdown emphasis markers, pipe escapes and link targets:
/// `**重要**` → `重要`, `a \| b` → `a | b`, `[計画](plan.pdf)` → `計画`.
fn strip_markdown(s: &str) -> String {
    // A regex runs in linear time, even on a huge line full of brackets.
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"!?\[([^\[\]\n]*)\]\([^()\s]*\)").expect("valid regex"));
    let s = s.replace("**", "").replace("\\|", "|");
    match LINK.replace_all(&s, "$1") {
        Cow::Borrowed(_) => s,
        Cow::Owned(replaced) => replaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Para(s.to_owned())
    }

    fn row(cells: &[&str]) -> Block {
        Block::Row(cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn tab_tables_with_inline_html_cells() {
        let src = "部 局\t架空部\t補 職\t部 長\n\
                   -----\t-------\t-----\t-----\n\
                   \n\
                   方針\t総括\n\
                   <p>○公園を&amp;整備します。</p> <p>○防災を強化します。</p>\t<p>○実施しました。</p>\t\t\n\
                   \t\t\n\
                   \t字下げの段落\n";
        assert_eq!(
            extract(src, Format::Text),
            [
                row(&["部 局", "架空部", "補 職", "部 長"]),
                row(&["方針", "総括"]),
                row(&[
                    "○公園を&整備します。\n○防災を強化します。",
                    "○実施しました。"
                ]),
                para("字下げの段落"),
            ]
        );
    }

    #[test]
    fn markdown_tables_headings_and_items() {
        let src = "# 架空市の**運営方針** #\n\
                   | | | |\n\
                   |-----|:---:|---|\n\
                   | 部 局 | 架空部 | |\n\
                   | 1 | <p>基本政策</p> <ul style=\"list-style-type: none\"> ・策定(6月) ・公表(3月) | a \\| b |\n\
                   \n\
                   - (1) 市民の声を聴きます\n\
                   * [計画書](plan.pdf)を公開します\n\
                   1. 部局の使命\n\
                   ---\n\
                   ```\n\
                   <p>一つ目</p><p>二つ目</p>\n";
        assert_eq!(
            extract(src, Format::Markdown),
            [
                Block::Heading("架空市の運営方針".into()),
                row(&["部 局", "架空部"]),
                row(&["1", "基本政策\n策定(6月)\n公表(3月)", "a | b"]),
                para("(1) 市民の声を聴きます"),
                para("計画書を公開します"),
                para("1. 部局の使命"),
                para("一つ目"),
                para("二つ目"),
            ]
        );
    }

    #[test]
    fn furniture_lines_are_dropped_in_text() {
        let src = "このページの先頭です\r\n本文ここから\r\n架空町の計画\r\n\
                   PDF形式のファイルを開くには、Adobe Acrobat Reader DC(旧Adobe Reader)が必要です。\r\n\
                   お持ちでない方は、Adobe社から無償でダウンロードできます。\r\n\
                   Get Adobe Acrobat Reader DCのダウンロードへ\r\n\
                   このページの作成担当\r\n架空町 企画課\r\n電話番号:0000-00-0000\r\n\
                   ファクス:0000-00-0001\r\n〒999-9999 架空町1番\r\n\
                   このページの作成担当にメールを送る\r\n本文ここまで\r\n";
        assert_eq!(
            extract(src, Format::Text),
            [para("架空町の計画"), para("架空町 企画課")]
        );
    }

    #[test]
    fn hashes_without_space_are_text() {
        assert_eq!(heading("#1 目標"), None);
        assert_eq!(heading("####### 七"), None);
        assert_eq!(heading("## 目標 ##"), Some("目標"));
        assert_eq!(heading("#"), Some(""));
    }
}
