//! Table rows whose heading `pdftotext -raw` printed apart from their
//! numbers (「16 14,341,064 352,174 14,693,238 21.0」 here, 「国 庫 支 出 金」
//! lines later): the page as `pdftotext -layout` prints it keeps each row on
//! one visual line, so a bare row of numbers takes the heading its layout
//! line starts with (「16 国庫支出金 14,341,064 …」), and the heading's own
//! line, now said with its numbers, goes.
//!
//! Line shape only: a bare row is numbers and nothing else, a heading is the
//! words a layout line opens with before its first number; no document's
//! wording is known here.

/// A number token as compared: ASCII digits, grouping commas and a point,
/// without a decrease mark or a percent sign. `None` for a word.
fn number(token: &str) -> Option<String> {
    let t: String = token
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            '．' => '.',
            '％' => '%',
            c => c,
        })
        .collect();
    // An amount with its unit (「37,723,107千円」) is a number too.
    let t = t.trim_start_matches(['△', '▲', '-']).trim_end_matches('%');
    let t = t
        .strip_suffix("千円")
        .or_else(|| t.strip_suffix('円'))
        .unwrap_or(t);
    let ok = t.starts_with(|c: char| c.is_ascii_digit())
        && t.ends_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    ok.then(|| t.to_string())
}

/// A decrease mark standing alone (「△ 30,500」).
fn is_sign(token: &str) -> bool {
    matches!(token, "△" | "▲")
}

/// Whether a number is grouped in thousands (「14,341,064」): an amount.
fn grouped(n: &str) -> bool {
    n.contains(',')
}

/// The numbers of a bare row: a line of numbers (and decrease marks) only,
/// at least two of them or one amount.
fn bare_row(line: &str) -> Option<Vec<String>> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let mut nums = Vec::new();
    for t in &tokens {
        if is_sign(t) {
            continue;
        }
        nums.push(number(t)?);
    }
    (nums.len() >= 2 || nums.iter().any(|n| grouped(n))).then_some(nums)
}

/// One line of the layout: the words it opens with (item number apart) and
/// every number on it, with those already matched to a raw line.
#[derive(Debug)]
struct LayoutRow {
    item: Option<String>,
    heading: Option<String>,
    numbers: Vec<String>,
    taken: Vec<bool>,
}

impl LayoutRow {
    fn parse(line: &str) -> LayoutRow {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let numbers: Vec<String> = tokens.iter().filter_map(|t| number(t)).collect();
        let taken = vec![false; numbers.len()];
        // The heading: the words before the first number that follows a
        // word, after an item number (「16」 of 「16 国 庫 支 出 金 14,341,064」).
        let is_word = |t: &str| number(t).is_none() && !is_sign(t);
        let first_word = tokens.iter().position(|t| is_word(t));
        let (mut item, mut heading) = (None, None);
        if let Some(w) = first_word {
            let end = tokens[w..]
                .iter()
                .position(|t| number(t).is_some() || is_sign(t))
                .map_or(tokens.len(), |k| w + k);
            // Only a heading a number follows is a row's.
            if end < tokens.len() && w <= 1 {
                if w == 1 {
                    item = number(tokens[0]).filter(|n| n.len() <= 3 && !n.contains([',', '.']));
                    if item.is_none() {
                        return LayoutRow {
                            item,
                            heading,
                            numbers,
                            taken,
                        };
                    }
                }
                heading = Some(close_up(&tokens[w..end]));
            }
        }
        LayoutRow {
            item,
            heading,
            numbers,
            taken,
        }
    }

    /// Where `nums` stand on this line, in order among its numbers not
    /// matched yet; `None` when they are not all there.
    fn find(&self, nums: &[String]) -> Option<Vec<usize>> {
        let mut at = Vec::with_capacity(nums.len());
        let mut j = 0;
        for n in nums {
            while j < self.numbers.len() && (self.taken[j] || self.numbers[j] != *n) {
                j += 1;
            }
            if j == self.numbers.len() {
                return None;
            }
            at.push(j);
            j += 1;
        }
        Some(at)
    }

    fn take(&mut self, at: Vec<usize>) {
        for j in at {
            self.taken[j] = true;
        }
    }
}

/// A heading's words: letters spread over the cell (「国 庫 支 出 金」,
/// 「市 税」) closed up, words of several letters kept apart by one space.
fn close_up(tokens: &[&str]) -> String {
    if tokens.iter().all(|t| t.chars().count() == 1) {
        tokens.concat()
    } else {
        tokens.join(" ")
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether any page has a bare row of amounts, i.e. the layout is worth
/// reading.
pub(super) fn has_bare_rows(pages: &[String]) -> bool {
    pages.iter().any(|p| {
        p.lines()
            .any(|l| bare_row(l).is_some_and(|n| n.iter().any(|n| grouped(n))))
    })
}

/// The raw text of one page with each bare row's heading put before its
/// numbers, taken from the page as the layout prints it.
pub(super) fn label_rows(raw: &str, layout: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let mut rows: Vec<LayoutRow> = layout.lines().map(LayoutRow::parse).collect();
    // Rows raw already prints with their words take their numbers first
    // (a bare row must not be matched to them).
    for line in &lines {
        if bare_row(line).is_some() {
            continue;
        }
        let nums: Vec<String> = line.split_whitespace().filter_map(number).collect();
        if !nums.iter().any(|n| grouped(n)) {
            continue;
        }
        let s = squeeze(line);
        if let Some((r, at)) = rows.iter_mut().find_map(|r| {
            let own = r.heading.as_ref().is_some_and(|h| s.contains(&squeeze(h)));
            let at = r.find(&nums).filter(|_| own)?;
            Some((r, at))
        }) {
            r.take(at);
        }
    }
    let mut out: Vec<Option<String>> = lines.iter().map(|l| Some(l.to_string())).collect();
    let mut moved: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(nums) = bare_row(line) else {
            continue;
        };
        // A row without an amount only when its numbers are all a layout
        // line has (「9 1 1 0.0」 is 自動車取得税交付金's).
        let amounts = nums.iter().any(|n| grouped(n));
        let Some((r, at)) = rows.iter_mut().find_map(|r| {
            let whole = r.numbers == nums && r.taken.iter().all(|t| !t);
            let at = r.find(&nums).filter(|_| amounts || whole)?;
            Some((r, at))
        }) else {
            continue;
        };
        r.take(at);
        let Some(heading) = r.heading.clone() else {
            continue;
        };
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let first = tokens.first().and_then(|t| number(t));
        let text = match &r.item {
            Some(item) if first.as_ref() == Some(item) && tokens.len() > 1 => {
                format!("{} {heading} {}", tokens[0], tokens[1..].join(" "))
            }
            _ => format!("{heading} {}", tokens.join(" ")),
        };
        out[i] = Some(text);
        moved.push(squeeze(&heading));
    }
    // The headings' own lines: each moved heading once.
    for h in moved {
        if let Some(i) = lines
            .iter()
            .enumerate()
            .position(|(i, l)| out[i].as_deref() == Some(*l) && squeeze(l) == h)
        {
            out[i] = None;
        }
    }
    let mut text: String = out
        .into_iter()
        .flatten()
        .collect::<Vec<String>>()
        .join("\n");
    if raw.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    // A fictional supplementary budget: raw order lists the numbers of the
    // rows, then their headings spread over the cell.
    const RAW: &str = "歳 入\n\
        【一般会計】 (単位 千円、％)\n\
        1 1,200,000 1,200,000 30.0\n\
        都 民 税 800,000 800,000 20.0\n\
        400,000 400,000 10.0\n\
        2 2,345,678 12,000 2,357,678 59.0\n\
        9 1 1 0.0\n\
        3,545,678 12,000 3,557,678 100.0\n\
        款 現 計 予 算 額 補 正 額 計\n\
        架 空 税\n\
        事 業 所 税\n\
        国 庫 支 出 金\n\
        譲 与 金\n\
        合 計\n";
    const LAYOUT: &str = "\
                            歳      入\n\
【一般会計】                                          (単位 千円、％)\n\
      款          現 計 予 算 額     補 正 額       計     構 成 比\n\
 1 架          空          税     1,200,000                1,200,000    30.0\n\
    都    民    税                  800,000                  800,000    20.0\n\
    事  業  所  税                  400,000                  400,000    10.0\n\
 2 国   庫   支   出   金     2,345,678     12,000     2,357,678    59.0\n\
 9 譲          与          金             1                        1     0.0\n\
       合          計           3,545,678     12,000     3,557,678   100.0\n";

    #[test]
    fn bare_rows_take_their_layout_heading() {
        let got = label_rows(RAW, LAYOUT);
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(
            lines,
            vec![
                "歳 入",
                "【一般会計】 (単位 千円、％)",
                "1 架空税 1,200,000 1,200,000 30.0",
                "都 民 税 800,000 800,000 20.0",
                "事業所税 400,000 400,000 10.0",
                "2 国庫支出金 2,345,678 12,000 2,357,678 59.0",
                "9 譲与金 1 1 0.0",
                "合計 3,545,678 12,000 3,557,678 100.0",
                "款 現 計 予 算 額 補 正 額 計",
            ],
            "{got}"
        );
    }

    #[test]
    fn a_row_split_by_raw_order_takes_its_heading_once_per_part() {
        // The budget book shape: raw prints two cells of a row first.
        let raw = "7,003,012 2,033,682\n3 架空自立 7,652,261 649,249 5,618,579\n支援費\n";
        let layout = "3 架空自立      7,652,261   7,003,012   649,249    5,618,579      2,033,682\n\n 支援費\n";
        let got = label_rows(raw, layout);
        assert_eq!(
            got,
            "架空自立 7,003,012 2,033,682\n3 架空自立 7,652,261 649,249 5,618,579\n支援費\n"
        );
    }

    #[test]
    fn rows_of_the_same_numbers_keep_their_order() {
        let raw = "1 1,000,000 1,000,000 0\n繰越金\n1,000,000 1,000,000 0\n計\n";
        let layout =
            "1 繰越金      1,000,000   1,000,000   0\n\n   計     1,000,000   1,000,000   0\n";
        assert_eq!(
            label_rows(raw, layout),
            "1 繰越金 1,000,000 1,000,000 0\n計 1,000,000 1,000,000 0\n"
        );
    }

    #[test]
    fn numbers_no_layout_line_holds_stay_as_they_are() {
        let raw = "5,000 6,000\n説明\n";
        let layout = "説明   5,000\n";
        assert_eq!(label_rows(raw, layout), raw);
        assert!(has_bare_rows(&[raw.to_string()]));
        assert!(!has_bare_rows(&["令和6年度 12,345円\n".to_string()]));
    }
}
