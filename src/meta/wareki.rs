//! Year expressions: 和暦 (令和/平成/昭和, 元年, kanji numerals, stray
//! spaces), western years, and the `R3`/`H28` shorthand of file names.
//!
//! Input is NFKC-normalized text, so digits are ASCII and brackets are
//! half-width; full-width forms are still accepted where it costs nothing.

use std::sync::LazyLock;

use regex::Regex;

/// The eras that municipal documents still use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Reiwa,
    Heisei,
    Showa,
}

impl Era {
    fn from_name(name: &str) -> Option<Era> {
        match name {
            "令和" => Some(Era::Reiwa),
            "平成" => Some(Era::Heisei),
            "昭和" => Some(Era::Showa),
            _ => None,
        }
    }

    fn from_letter(c: char) -> Option<Era> {
        match c.to_ascii_uppercase() {
            'R' => Some(Era::Reiwa),
            'H' => Some(Era::Heisei),
            'S' => Some(Era::Showa),
            _ => None,
        }
    }

    /// Western year of the era's year 0.
    fn offset(self) -> i64 {
        match self {
            Era::Reiwa => 2018,
            Era::Heisei => 1988,
            Era::Showa => 1925,
        }
    }

    /// Last year of the era (平成31 and 昭和64 exist; 令和 is open-ended).
    fn last(self) -> u32 {
        match self {
            Era::Reiwa => 99,
            Era::Heisei => 31,
            Era::Showa => 64,
        }
    }
}

/// The 和暦 label of a (fiscal) western year: 2019 → `令和元年度`,
/// 2020 → `令和2年度`, 1990 → `平成2年度`. `None` before 昭和.
pub fn era_label(year: i64) -> Option<String> {
    let (name, era) = [
        ("令和", Era::Reiwa),
        ("平成", Era::Heisei),
        ("昭和", Era::Showa),
    ]
    .into_iter()
    .find(|(_, era)| year > era.offset())?;
    let n = year - era.offset();
    Some(if n == 1 {
        format!("{name}元年度")
    } else {
        format!("{name}{n}年度")
    })
}

/// Converts an era year to the western year; `None` when out of range.
pub fn to_western(era: Era, n: u32) -> Option<i64> {
    (1..=era.last())
        .contains(&n)
        .then(|| era.offset() + i64::from(n))
}

/// The value of a kanji digit 〇 一 … 九.
pub fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
}

/// Parses a kanji numeral up to 99: 八, 十, 二十, 三十一, and the positional
/// form 二〇.
pub fn parse_kanji_number(s: &str) -> Option<u32> {
    let digit = kanji_digit;
    if s.is_empty() {
        return None;
    }
    if let Some((tens, ones)) = s.split_once('十') {
        let tens = match tens.chars().collect::<Vec<_>>()[..] {
            [] => 1,
            [c] => digit(c).filter(|&d| d > 0)?,
            _ => return None,
        };
        let ones = match ones.chars().collect::<Vec<_>>()[..] {
            [] => 0,
            [c] => digit(c).filter(|&d| d > 0)?,
            _ => return None,
        };
        return Some(tens * 10 + ones);
    }
    if s.chars().count() > 2 {
        return None;
    }
    s.chars().try_fold(0, |acc, c| Some(acc * 10 + digit(c)?))
}

fn parse_era_number(s: &str) -> Option<u32> {
    match s {
        "元" => Some(1),
        s if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        s => parse_kanji_number(s),
    }
}

/// One year found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearMention {
    pub year: i64,
    /// Written as a fiscal year (年度).
    pub fiscal: bool,
    /// Written in 和暦.
    pub era: bool,
    /// Followed by a month: part of a calendar date, not a plan year.
    pub dated: bool,
    /// Byte span, including a western gloss such as `(2021年度)` that
    /// follows an era year, so the gloss is not counted twice.
    pub start: usize,
    pub end: usize,
}

static ERA_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(令和|平成|昭和)\s*(元|[0-9]{1,2}|[〇一二三四五六七八九十]{1,4})\s*年(\s*度)?")
        .expect("era regex")
});
static WESTERN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]{4})\s*年(\s*度)?").expect("western regex"));
/// A western gloss right after an era year: `(2021年度)`, `(2022)`.
static GLOSS_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[(（]\s*[0-9]{4}\s*(?:年\s*度?)?\s*[)）]").expect("gloss regex")
});
static MONTH_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月").expect("month regex")
});
static ERA_TOKEN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([RrHhSs])([0-9]{1,2})$").expect("era token regex"));

/// Plausible western years; guards against issue numbers and amounts.
const WESTERN_RANGE: std::ops::RangeInclusive<i64> = 1900..=2100;

/// Every year expression in `text`, in order.
pub fn find_years(text: &str) -> Vec<YearMention> {
    let mut out = Vec::new();
    for c in ERA_RE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let (Some(era), Some(n)) = (Era::from_name(&c[1]), parse_era_number(&c[2])) else {
            continue;
        };
        let Some(year) = to_western(era, n) else {
            continue;
        };
        let mut end = whole.end();
        if let Some(g) = GLOSS_RE.find(&text[end..]) {
            end += g.end();
        }
        out.push(YearMention {
            year,
            fiscal: c.get(3).is_some(),
            era: true,
            dated: MONTH_RE.is_match(&text[end..]),
            start: whole.start(),
            end,
        });
    }
    let eras = out.clone();
    for c in WESTERN_RE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let preceded_by_digit = text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(|ch| ch.is_ascii_digit());
        let inside_era = eras
            .iter()
            .any(|m| m.start <= whole.start() && whole.start() < m.end);
        let Ok(year) = c[1].parse::<i64>() else {
            continue;
        };
        if preceded_by_digit || inside_era || !WESTERN_RANGE.contains(&year) {
            continue;
        }
        out.push(YearMention {
            year,
            fiscal: c.get(2).is_some(),
            era: false,
            dated: MONTH_RE.is_match(&text[whole.end()..]),
            start: whole.start(),
            end: whole.end(),
        });
    }
    out.sort_by_key(|m| m.start);
    out
}

/// `R3`, `H28`, `r03`, `S63` as used in file names.
pub fn era_token(token: &str) -> Option<i64> {
    let c = ERA_TOKEN_RE.captures(token)?;
    let era = Era::from_letter(c[1].chars().next()?)?;
    to_western(era, c[2].parse().ok()?)
}

/// A bare 4-digit western year token (`2003`, the `2026` of `2026-02-16`).
pub fn western_token(token: &str) -> Option<i64> {
    if token.len() != 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok().filter(|y| WESTERN_RANGE.contains(y))
}

/// A year written as a single value (a manifest cell): `2021`, `令和3年度`,
/// `R3`.
pub fn parse_year_value(s: &str) -> Option<i64> {
    let s = s.trim();
    western_token(s).or_else(|| era_token(s)).or_else(|| {
        let m = find_years(s);
        match m.as_slice() {
            [only] if only.start == 0 && only.end == s.len() => Some(only.year),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn era_labels_of_fiscal_years() {
        use super::era_label;
        assert_eq!(era_label(2019).as_deref(), Some("令和元年度"));
        assert_eq!(era_label(2020).as_deref(), Some("令和2年度"));
        assert_eq!(era_label(2018).as_deref(), Some("平成30年度"));
        assert_eq!(era_label(1989).as_deref(), Some("平成元年度"));
        assert_eq!(era_label(1960).as_deref(), Some("昭和35年度"));
        assert_eq!(era_label(1900), None);
    }

    use super::*;

    fn years(text: &str) -> Vec<i64> {
        find_years(text).iter().map(|m| m.year).collect()
    }

    #[test]
    fn era_conversion() {
        assert_eq!(to_western(Era::Reiwa, 1), Some(2019));
        assert_eq!(to_western(Era::Heisei, 28), Some(2016));
        assert_eq!(to_western(Era::Heisei, 31), Some(2019));
        assert_eq!(to_western(Era::Heisei, 32), None);
        assert_eq!(to_western(Era::Showa, 64), Some(1989));
    }

    #[test]
    fn kanji_numerals() {
        assert_eq!(parse_kanji_number("八"), Some(8));
        assert_eq!(parse_kanji_number("十"), Some(10));
        assert_eq!(parse_kanji_number("十二"), Some(12));
        assert_eq!(parse_kanji_number("二十"), Some(20));
        assert_eq!(parse_kanji_number("三十一"), Some(31));
        assert_eq!(parse_kanji_number("二〇"), Some(20));
        assert_eq!(parse_kanji_number("十十"), None);
        assert_eq!(parse_kanji_number(""), None);
    }

    #[test]
    fn finds_era_years_in_all_spellings() {
        assert_eq!(years("令和元年度の事業"), vec![2019]);
        assert_eq!(years("令和八年度当初予算"), vec![2026]);
        assert_eq!(years("平成28 年第1回定例会"), vec![2016]);
        assert_eq!(years("令和 8年第3回"), vec![2026]);
        assert_eq!(years("平成三十年度"), vec![2018]);
        assert_eq!(years("昭和63年に開館"), vec![1988]);
    }

    #[test]
    fn western_years_and_glosses() {
        let m = find_years("令和3年度(2021年度)の予算と2022年度の計画");
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!((m[0].year, m[0].fiscal, m[0].era), (2021, true, true));
        assert_eq!((m[1].year, m[1].fiscal, m[1].era), (2022, true, false));
        // The gloss is part of the first span.
        assert!(m[0].end > "令和3年度".len());
        // Issue numbers and long numbers are not years.
        assert!(years("第1421号").is_empty());
        assert!(years("12024年").is_empty());
    }

    #[test]
    fn dates_are_flagged() {
        let m = find_years("更新日:2022年9月12日 令和 8年 2月16日 令和八年四月一日");
        assert!(m.iter().all(|m| m.dated), "{m:?}");
        assert!(!find_years("令和2年度 方針")[0].dated);
    }

    #[test]
    fn file_name_tokens() {
        assert_eq!(era_token("R3"), Some(2021));
        assert_eq!(era_token("H28"), Some(2016));
        assert_eq!(era_token("r03"), Some(2021));
        assert_eq!(era_token("H40"), None);
        assert_eq!(era_token("R3a"), None);
        assert_eq!(western_token("2003"), Some(2003));
        assert_eq!(western_token("0613"), None);
        assert_eq!(western_token("20230613"), None);
    }

    #[test]
    fn single_values() {
        assert_eq!(parse_year_value("2021"), Some(2021));
        assert_eq!(parse_year_value(" 令和3年度 "), Some(2021));
        assert_eq!(parse_year_value("R1"), Some(2019));
        assert_eq!(parse_year_value("来年"), None);
        assert_eq!(parse_year_value("2021年と2022年"), None);
    }
}
