//! Era and western years through one normal form: 令和元年度 = 平成31年度 =
//! R1年度 = 2019年度 all index (and query as) the term `2019年度`.

/// (era name, its one-letter abbreviation, the western year of its year 1).
const ERAS: &[(&str, char, i32)] = &[
    ("明治", 'M', 1868),
    ("大正", 'T', 1912),
    ("昭和", 'S', 1926),
    ("平成", 'H', 1989),
    ("令和", 'R', 2019),
];

/// A year written in the text: `text[start..end]` reads as `term`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSpan {
    pub start: usize,
    pub end: usize,
    pub term: String,
}

fn digits_at(text: &str, at: usize, max: usize) -> (Option<i32>, usize) {
    let run: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(max + 1)
        .collect();
    if run.is_empty() || run.len() > max {
        return (None, at);
    }
    (run.parse().ok(), at + run.len())
}

/// After the number: optional space, 年, optional 度. Returns the end and
/// whether 度 followed.
fn year_suffix(text: &str, at: usize) -> Option<(usize, bool)> {
    let rest = &text[at..];
    let skipped = if rest.starts_with(' ') { 1 } else { 0 };
    let rest = &rest[skipped..];
    let rest = rest.strip_prefix('年')?;
    let mut end = at + skipped + '年'.len_utf8();
    let fiscal = rest.starts_with('度');
    if fiscal {
        end += '度'.len_utf8();
    }
    Some((end, fiscal))
}

/// Whether an era name or its letter can start at `c` (the first characters
/// of [`ERAS`]; a test keeps the two in step): every other character is
/// passed over without comparing it with each era.
fn starts_era(c: char) -> bool {
    matches!(
        c,
        '明' | '大'
            | '昭'
            | '平'
            | '令'
            | 'M'
            | 'T'
            | 'S'
            | 'H'
            | 'R'
            | 'm'
            | 't'
            | 's'
            | 'h'
            | 'r'
    )
}

/// Every year of `text` (NFKC-normalised), left to right.
pub fn years(text: &str) -> Vec<YearSpan> {
    let mut out = Vec::new();
    if !text.contains('年') {
        return out;
    }
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        let mut found: Option<(usize, i32)> = None;
        if c.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit() || p == '.') {
            // A western year: four digits.
            if let (Some(y), after) = digits_at(text, at, 4)
                && after - at == 4
                && (1868..=2200).contains(&y)
            {
                found = Some((after, y));
            }
        } else if starts_era(c) && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
            for &(name, letter, first) in ERAS {
                let after_name = if text[at..].starts_with(name) {
                    Some(at + name.len())
                } else if c == letter || c == letter.to_ascii_lowercase() {
                    Some(at + 1).filter(|&a| {
                        text[a..].starts_with(|d: char| d.is_ascii_digit() || d == '元')
                    })
                } else {
                    None
                };
                let Some(mut a) = after_name else { continue };
                if text[a..].starts_with(' ') {
                    a += 1;
                }
                let (n, after) = if text[a..].starts_with('元') {
                    (Some(1), a + '元'.len_utf8())
                } else {
                    digits_at(text, a, 2)
                };
                if let Some(n) = n.filter(|&n| n >= 1) {
                    found = Some((after, first + n - 1));
                }
                break;
            }
        }
        if let Some((after, year)) = found
            && let Some((end, fiscal)) = year_suffix(text, after)
        {
            out.push(YearSpan {
                start: at,
                end,
                term: format!("{year}{}", if fiscal { "年度" } else { "年" }),
            });
            while iter.peek().is_some_and(|(i, _)| *i < end) {
                prev = iter.next().map(|(_, c)| c);
            }
            continue;
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        years(text).into_iter().map(|y| y.term).collect()
    }

    #[test]
    fn every_era_starts_where_starts_era_says() {
        for &(name, letter, _) in ERAS {
            assert!(starts_era(name.chars().next().unwrap()), "{name}");
            assert!(starts_era(letter) && starts_era(letter.to_ascii_lowercase()));
        }
    }

    #[test]
    fn era_and_western_years_share_a_term() {
        for form in [
            "令和元年度",
            "2019年度",
            "平成31年度",
            "R1年度",
            "令和 元年度",
            "H31年度",
        ] {
            assert_eq!(terms(form), vec!["2019年度"], "{form}");
        }
        assert_eq!(terms("令和2年度"), vec!["2020年度"]);
        assert_eq!(terms("昭和64年"), vec!["1989年"]);
        assert_eq!(terms("平成元年"), vec!["1989年"]);
    }

    #[test]
    fn spans_cover_the_written_year() {
        let text = "計画は平成31年度から";
        let y = &years(text)[0];
        assert_eq!(&text[y.start..y.end], "平成31年度");
    }

    #[test]
    fn numbers_that_are_not_years_are_left_alone() {
        assert!(terms("12019年").is_empty());
        assert!(terms("30年間").iter().all(|t| t != "30年"));
        assert!(terms("FOR1年").is_empty());
        assert!(terms("3.2019年").is_empty());
    }
}
