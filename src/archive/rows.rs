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
    /// The columns (chars) each number spans.
    spans: Vec<(usize, usize)>,
}

/// The tokens of a layout line with the columns (chars) they span.
fn tokens_at(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    let mut col = 0;
    for (b, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((col, b)),
            (true, Some((sc, sb))) => {
                out.push((sc, col, &line[sb..b]));
                start = None;
            }
            _ => {}
        }
        col += 1;
    }
    if let Some((sc, sb)) = start {
        out.push((sc, col, &line[sb..]));
    }
    out
}

/// The cells of a table's header line: letters spread over a cell
/// (「合    計」) closed up; no cell holding a digit.
fn header_cells(line: &str) -> Vec<(usize, usize, String)> {
    let mut cells: Vec<(usize, usize, String)> = Vec::new();
    let mut single = false;
    for (a, b, t) in tokens_at(line) {
        let one = t.chars().count() == 1;
        match cells.last_mut() {
            Some(last) if one && single && a - last.1 <= 6 => {
                last.1 = b;
                last.2.push_str(t);
            }
            _ => cells.push((a, b, t.to_string())),
        }
        single = one;
    }
    // A cell of more than ten letters is a title, not a column's heading.
    cells.retain(|c| {
        !c.2.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) && c.2.chars().count() <= 10
    });
    cells
}

impl LayoutRow {
    fn parse(line: &str) -> LayoutRow {
        let at = tokens_at(line);
        let tokens: Vec<&str> = at.iter().map(|t| t.2).collect();
        let numbers: Vec<String> = tokens.iter().filter_map(|t| number(t)).collect();
        let spans = at
            .iter()
            .filter(|t| number(t.2).is_some())
            .map(|t| (t.0, t.1))
            .collect();
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
                            spans,
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
            spans,
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

    /// Where `nums` stand on this line, in order, matched or not.
    fn find_any(&self, nums: &[String]) -> Option<Vec<usize>> {
        let mut at = Vec::with_capacity(nums.len());
        let mut j = 0;
        for n in nums {
            j += self.numbers[j..].iter().position(|x| x == n)?;
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

/// The name a row's heading continues when its cell runs over lines: the
/// layout line above (one of the next two) holds, in the heading's column
/// and alone there, the name's first part (「祝子川エリア五感解放ガス」 over
/// 「トロノミー＆宿泊造成事業」), or, when the row opens with a one-letter
/// mark of its own column (「新」 of 「新規」), the name beside it.
fn name_above(lines: &[&str], li: usize) -> Option<String> {
    let toks = tokens_at(lines[li]);
    let is_num = |t: &str| number(t).is_some() || is_sign(t);
    let w = toks.iter().position(|t| !is_num(t.2))?;
    let end = w + toks[w..].iter().position(|t| is_num(t.2))?;
    let first_num = toks[end].0;
    let last = toks[end - 1];
    let letters = last.2.chars().count();
    let mark = end - w == 1 && letters == 1 && !"計合小累総".contains(last.2);
    if !mark
        && (letters < 2 || w + 1 < end && toks[w..end].iter().all(|t| t.2.chars().count() == 1))
    {
        return None;
    }
    for up in (li.saturating_sub(2)..li).rev() {
        let above = tokens_at(lines[up]);
        if above.iter().any(|t| is_num(t.2)) {
            return None;
        }
        let cell: Vec<_> = above
            .iter()
            .filter(|t| t.0 + 1 >= if mark { last.1 + 1 } else { last.0 } && t.1 <= first_num)
            .collect();
        let [name] = cell[..] else {
            if cell.is_empty() {
                continue;
            }
            return None;
        };
        let n = name.2.chars().count();
        let fits = if mark {
            n >= 4
        } else {
            name.0 + 1 >= last.0 && name.0 <= last.0 + 1 && n >= letters
        };
        let tag = name.2.starts_with(['【', '<', '＜', '(', '（', '[']);
        return (fits && !tag).then(|| name.2.to_string());
    }
    None
}

/// Where each word stands on the layout: its line and columns.
type WordPlaces<'a> = std::collections::HashMap<&'a str, Vec<(usize, usize, usize)>>;

fn word_places<'a>(layout: &[&'a str]) -> WordPlaces<'a> {
    let mut places: WordPlaces<'a> = std::collections::HashMap::new();
    for (li, line) in layout.iter().enumerate() {
        for (a, b, t) in tokens_at(line) {
            places.entry(t).or_default().push((li, a, b));
        }
    }
    places
}

/// Whether raw line `first` is the start of the name raw line `next` goes
/// on with: `first` is one word without digits, `next` opens with a word and
/// holds a number, and on the layout `first` stands on the line just above
/// `next`'s word, starting left of it and running on over its column (a
/// wrapped cell's next line is indented: 「風しん・ＭＲワクチン」 over
/// 「接種費補助金 2人」). A line above that starts in the same column is
/// a list's previous item, not the same name.
fn wrapped_name(places: &WordPlaces, first: &str, next: &str) -> bool {
    let first = first.trim();
    let has_digit = |s: &str| s.chars().any(|c| c.is_numeric());
    let Some(word) = next.split_whitespace().next() else {
        return false;
    };
    let one_word = !first.is_empty()
        && !first.contains(char::is_whitespace)
        && !has_digit(first)
        && !first.contains('。')
        && first.chars().count() >= 2;
    if !one_word || has_digit(word) || !has_digit(next) || word.chars().count() < 2 {
        return false;
    }
    let (Some(words), Some(firsts)) = (places.get(word), places.get(first)) else {
        return false;
    };
    words.iter().any(|&(li, w, _)| {
        firsts
            .iter()
            .any(|&(lf, a, b)| lf + 1 == li && a < w && b > w)
    })
}

/// The heading of each number's column in a table whose rows are years
/// (「本年度」「前年度」「比較」): the nearest header line above holding a
/// cell over the number.
fn columns(lines: &[&str], li: usize, spans: &[(usize, usize)]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None; spans.len()];
    for up in (li.saturating_sub(8)..li).rev() {
        // A blank line or the table's unit (「(単位 千円)」) is its top.
        if lines[up].trim().is_empty() || lines[up].contains("単位") {
            break;
        }
        if tokens_at(lines[up])
            .iter()
            .any(|t| number(t.2).is_some() || is_sign(t.2))
        {
            continue;
        }
        let cells = header_cells(lines[up]);
        for (k, &(a, b)) in spans.iter().enumerate() {
            if out[k].is_some() {
                continue;
            }
            out[k] = cells
                .iter()
                .find(|c| c.0 < b + 3 && a < c.1 + 3)
                .map(|c| c.2.clone());
        }
    }
    out
}

/// A row of a year said with its columns: 「前年度 1,863 2,359,288」 →
/// 「前年度 職員数 1,863 共済費 2,359,288」, each number after its column's
/// heading; `at` are the layout numbers the row's numbers stand at.
fn with_columns(line: &str, cols: &[Option<String>], at: &[usize]) -> String {
    let mut k = 0;
    let mut out: Vec<String> = Vec::new();
    let tokens: Vec<&str> = line.split_whitespace().collect();
    // The row's heading spread over its cell closed up (「比 較」).
    let lead = tokens
        .iter()
        .position(|t| number(t).is_some() || is_sign(t))
        .unwrap_or(tokens.len());
    if lead > 1 && tokens[..lead].iter().all(|t| t.chars().count() == 1) {
        out.push(tokens[..lead].concat());
    } else {
        out.extend(tokens[..lead].iter().map(|t| t.to_string()));
    }
    for t in &tokens[lead..] {
        if number(t).is_some() {
            if let Some(Some(c)) = at.get(k).and_then(|&j| cols.get(j)) {
                out.push(c.clone());
            }
            k += 1;
        }
        out.push(t.to_string());
    }
    out.join(" ")
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
    let layout_lines: Vec<&str> = layout.lines().collect();
    let mut rows: Vec<LayoutRow> = layout_lines.iter().map(|l| LayoutRow::parse(l)).collect();
    // A row of a year: its numbers take their columns' headings.
    let period = |r: &LayoutRow| {
        r.heading
            .as_deref()
            .is_some_and(|h| crate::search::figures::is_period(&squeeze(h)))
    };
    let mut out: Vec<Option<String>> = lines.iter().map(|l| Some(l.to_string())).collect();
    // Rows raw already prints with their words take their numbers first
    // (a bare row must not be matched to them).
    for (i, line) in lines.iter().enumerate() {
        if bare_row(line).is_some() {
            continue;
        }
        let nums: Vec<String> = line.split_whitespace().filter_map(number).collect();
        if !nums.iter().any(|n| grouped(n)) {
            continue;
        }
        let s = squeeze(line);
        if let Some((li, at)) = rows.iter().enumerate().find_map(|(li, r)| {
            let own = r.heading.as_ref().is_some_and(|h| s.contains(&squeeze(h)));
            let at = r.find(&nums).filter(|_| own)?;
            Some((li, at))
        }) {
            if period(&rows[li]) {
                let cols = columns(&layout_lines, li, &rows[li].spans);
                out[i] = Some(with_columns(line, &cols, &at));
            }
            rows[li].take(at);
        }
    }
    let mut moved: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(nums) = bare_row(line) else {
            continue;
        };
        // A row without an amount only when its numbers are all a layout
        // line has (「9 1 1 0.0」 is 自動車取得税交付金's).
        let amounts = nums.iter().any(|n| grouped(n));
        let Some((li, at)) = rows
            .iter()
            .enumerate()
            .find_map(|(li, r)| {
                let whole = r.numbers == nums && r.taken.iter().all(|t| !t);
                let at = r.find(&nums).filter(|_| amounts || whole)?;
                Some((li, at))
            })
            // Cells of a row raw printed apart may repeat a number already
            // matched (「13,500」, then 「13,500 10,750」): the row holding
            // them all, in order.
            .or_else(|| {
                amounts
                    .then(|| {
                        rows.iter()
                            .enumerate()
                            .find_map(|(li, r)| Some((li, r.find_any(&nums)?)))
                    })
                    .flatten()
            })
        else {
            continue;
        };
        let line = if period(&rows[li]) {
            with_columns(line, &columns(&layout_lines, li, &rows[li].spans), &at)
        } else {
            line.to_string()
        };
        let r = &mut rows[li];
        r.take(at);
        let Some(mut heading) = r.heading.clone() else {
            continue;
        };
        let own = squeeze(&heading);
        // A name over several lines of its cell.
        if let Some(name) = name_above(&layout_lines, li) {
            moved.push(squeeze(&name));
            if heading.chars().count() == 1 {
                heading = format!("{heading} {name}");
            } else {
                let cut = heading.rfind(' ').map_or(0, |k| k + 1);
                heading.insert_str(cut, &name);
            }
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let first = tokens.first().and_then(|t| number(t));
        let text = match &r.item {
            Some(item) if first.as_ref() == Some(item) && tokens.len() > 1 => {
                format!("{} {heading} {}", tokens[0], tokens[1..].join(" "))
            }
            _ => format!("{heading} {}", tokens.join(" ")),
        };
        out[i] = Some(text);
        moved.push(own);
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
    // A name wrapped in its cell, raw printing its first part on a line
    // of its own: the part joins the line that goes on with it.
    let places = word_places(&layout_lines);
    for i in 1..lines.len() {
        if out[i - 1].as_deref() == Some(lines[i - 1])
            && out[i].as_deref() == Some(lines[i])
            && wrapped_name(&places, lines[i - 1], lines[i])
        {
            out[i] = Some(format!("{}{}", lines[i - 1].trim(), lines[i].trim_start()));
            out[i - 1] = None;
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
    fn a_name_over_two_lines_of_its_cell_is_joined() {
        // A project's name wraps in its cell; a mark of the 「新規」 column
        // opens the row; a name beside the mark on the line above.
        let raw = "新\n架空川エリア体験ガス\nトロノミー造成事業\n0 10,750 10,750\n架空島の宴造成事業\n0 13,500 13,500\n";
        let layout = concat!(
            "№   新   事 業 名               補正前額    補正額    補正後額\n",
            "         架空川エリア体験ガス\n",
            "7   新   トロノミー造成事業          0    10,750    10,750\n",
            "\n",
            "           架空島の宴造成事業\n",
            "8   新                              0    13,500    13,500\n",
        );
        let got = label_rows(raw, layout);
        let lines: Vec<&str> = got.lines().collect();
        assert!(
            lines.contains(&"新 架空川エリア体験ガストロノミー造成事業 0 10,750 10,750"),
            "{got}"
        );
        assert!(
            lines.contains(&"新 架空島の宴造成事業 0 13,500 13,500"),
            "{got}"
        );
        // A heading of letters spread over its cell takes nothing above.
        let layout = "   架空収入\n 1 架  空  税     1,000    2,000\n";
        assert_eq!(
            label_rows("1 1,000 2,000\n", layout),
            "1 架空税 1,000 2,000\n"
        );
    }

    #[test]
    fn a_wrapped_name_joins_the_line_it_goes_on_with() {
        // A cell too narrow for the name: its next line is indented and
        // holds the count; raw prints the first part on a line of its own.
        let raw = "10 架空事業費 2,000\n架空検診 350人\n20\n架空ワクチン\n接種費補助金 2人\n300\n架空再接種費補助金\n";
        let layout = concat!(
            "10 委託料   2,000   架空事業費                      2,000\n",
            "\n",
            "                    架空検診             350人\n",
            "\n",
            "                    架空ワクチン                         20\n",
            "                         接種費補助金        2人\n",
            "\n",
            "                    架空再接種費補助金                   300\n",
        );
        let got = label_rows(raw, layout);
        let lines: Vec<&str> = got.lines().collect();
        assert!(lines.contains(&"架空ワクチン接種費補助金 2人"), "{got}");
        assert!(!lines.contains(&"架空ワクチン"), "{got}");
        // Items of a list stand in one column: no item joins the next.
        let raw = "架空検診\n架空相談 12回\n";
        let layout = "   架空検診\n   架空相談      12回\n";
        assert_eq!(label_rows(raw, layout), raw);
    }

    #[test]
    fn rows_of_years_say_each_number_after_its_column() {
        let raw = "ア 架空職員 (単位 千円)\n職員数 給 料 共済費 合 計\n12 7,000 2,500 9,500\n11 6,800 2,300 9,100\n本年度\n前年度\n";
        let layout = concat!(
            "ア 架空職員                                   (単位 千円)\n",
            "       職員数      給  料     共済費     合  計\n",
            "本年度     12       7,000      2,500      9,500\n",
            "前年度     11       6,800      2,300      9,100\n",
        );
        let got = label_rows(raw, layout);
        let lines: Vec<&str> = got.lines().collect();
        assert!(
            lines.contains(&"本年度 職員数 12 給料 7,000 共済費 2,500 合計 9,500"),
            "{got}"
        );
        assert!(
            lines.contains(&"前年度 職員数 11 給料 6,800 共済費 2,300 合計 9,100"),
            "{got}"
        );
    }

    #[test]
    fn a_row_whose_cells_raw_repeats_takes_its_heading_for_each() {
        let raw = "13,500\n架空事業\n13,500 10,750\n";
        let layout = "8 架空事業      0    13,500    10,750    13,500\n";
        assert_eq!(
            label_rows(raw, layout),
            "架空事業 13,500\n架空事業 13,500 10,750\n"
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
