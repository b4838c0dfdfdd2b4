//! Units of text and how they are packed into bounded passages.
//!
//! A unit is one line of a section's text (a paragraph, a row, a cell
//! paragraph). Passages are cut only between units; a paragraph too long to
//! be a unit is first cut at sentence ends.

use std::sync::LazyLock;

use regex::Regex;

use super::classify::chars;

/// A window of unstructured text closes once past this size…
pub(super) const WIN_MIN: usize = 300;
/// …and before growing past this one…
pub(super) const WIN_MAX: usize = 800;
/// …unless it would stay under `WIN_MIN`: then up to this one.
pub(super) const LONG_PARA: usize = 1200;
/// Length of a title made from a sentence, before the '…'.
const TITLE_CHARS: usize = 40;

/// Sentence openers of speeches that announce a new topic (`次に、…`,
/// `二つ目は…`): a good place to start a new window.
static TOPIC_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(次に|まず|初めに|はじめに|最初に|最後に|続きまして|続いて|さて|第[一二三四五六七八九十]+に|[一二三四五六七八九十]+つ目|[0-9一二三四五六七八九十]+点目)",
    )
    .expect("static regex")
});
const OPENER_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unit {
    pub text: String,
    /// Continues the previous unit's paragraph (a long one cut at a
    /// sentence end): joined without a line break.
    pub joined: bool,
    /// Title of the heading this line is, when a heading stayed inside a
    /// section; a window starting with it takes it as title.
    pub head: Option<String>,
    /// Index of the block the line came from (provenance).
    pub at: usize,
}

impl Unit {
    pub(super) fn line(text: &str, at: usize) -> Self {
        Unit {
            text: text.to_string(),
            joined: false,
            head: None,
            at,
        }
    }

    fn len(&self) -> usize {
        chars(&self.text)
    }

    /// Starts a new topic: a window may close before it.
    pub(super) fn opens_topic(&self) -> bool {
        self.head.is_some()
            || (chars(&self.text) <= OPENER_MAX && TOPIC_OPENER.is_match(&self.text))
    }
}

pub(super) fn size(units: &[Unit]) -> usize {
    // Each unit after the first starts a line: its '\n' counts too.
    units
        .iter()
        .map(|u| u.len() + 1)
        .sum::<usize>()
        .saturating_sub(1)
}

/// Joins units into readable text.
/// Also returns, for each unit, the char offset its text starts at in the
/// result with the block it came from (where pages break).
pub(super) fn render(units: &[Unit]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::new();
    let mut chars = 0;
    let mut starts = Vec::with_capacity(units.len());
    for u in units {
        if !out.is_empty() && !u.joined {
            out.push('\n');
            chars += 1;
        }
        starts.push((chars, u.at));
        out.push_str(&u.text);
        chars += u.text.chars().count();
    }
    (out, starts)
}

/// Cuts units longer than `LONG_PARA` at sentence ends into pieces of at
/// most `WIN_MAX`, so that every unit fits in a window.
pub(super) fn explode(units: Vec<Unit>) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        if u.len() <= LONG_PARA {
            out.push(u);
            continue;
        }
        let pieces = pack_str(&sentences(&u.text), WIN_MAX);
        for (k, text) in pieces.into_iter().enumerate() {
            out.push(Unit {
                text,
                joined: if k == 0 { u.joined } else { true },
                head: if k == 0 { u.head.clone() } else { None },
                at: u.at,
            });
        }
    }
    out
}

/// Sentences of a paragraph, each with its closing punctuation; sentences
/// longer than `WIN_MAX` are cut at character boundaries.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if matches!(c, '。' | '!' | '?' | '！' | '？') {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if matches!(d, '」' | '』' | ')' | '】') {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .flat_map(|s| hard_cut(s, WIN_MAX))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Cuts `s` into pieces of `max` chars (the last one shorter). One pass:
/// counting the rest again for every piece was quadratic on a megabyte
/// line without sentence ends.
fn hard_cut(s: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut count) = (0, 0);
    for (i, _) in s.char_indices() {
        if count == max {
            out.push(&s[start..i]);
            (start, count) = (i, 0);
        }
        count += 1;
    }
    out.push(&s[start..]);
    out
}

/// Greedily concatenates pieces into strings of at most `max` chars.
fn pack_str(pieces: &[&str], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for p in pieces {
        if !cur.is_empty() && chars(&cur) + chars(p) > max {
            out.push(std::mem::take(&mut cur));
        }
        cur.push_str(p);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Packs units into windows of roughly `WIN_MIN`–`WIN_MAX` chars, starting
/// a new one at a topic opener once the current one is big enough.
pub(super) fn windows(units: Vec<Unit>) -> Vec<Vec<Unit>> {
    let mut out: Vec<Vec<Unit>> = Vec::new();
    let mut cur: Vec<Unit> = Vec::new();
    let mut len = 0;
    for u in explode(units) {
        let l = u.len() + 1;
        let full = (len + l > WIN_MAX && len >= WIN_MIN) || len + l > LONG_PARA;
        if !cur.is_empty() && (full || (len >= WIN_MIN && u.opens_topic())) {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
        len += l;
        cur.push(u);
    }
    if !cur.is_empty() {
        // A short tail reads better with the window before it.
        match out.last_mut() {
            Some(prev) if len < WIN_MIN / 2 && size(prev) + len <= LONG_PARA => prev.extend(cur),
            _ => out.push(cur),
        }
    }
    out
}

/// Packs units into pieces of at most `max` chars, as even as the unit
/// boundaries allow (`max` is the cap; the piece count is the fewest that
/// respects it).
pub(super) fn balanced(units: Vec<Unit>, max: usize) -> Vec<Vec<Unit>> {
    let units = explode(units);
    let total = size(&units);
    let target = total / total.div_ceil(max).max(1);
    let mut out: Vec<Vec<Unit>> = Vec::new();
    let mut cur: Vec<Unit> = Vec::new();
    let mut len = 0;
    for u in units {
        let l = u.len();
        if !cur.is_empty() && (len + l > max || len + l / 2 >= target) {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
        len += l;
        cur.push(u);
    }
    if !cur.is_empty() {
        match out.last_mut() {
            Some(prev) if len < WIN_MIN && size(prev) + len <= max => prev.extend(cur),
            _ => out.push(cur),
        }
    }
    out
}

/// A title made from text: its first sentence, trimmed.
pub(super) fn sentence_title(text: &str) -> String {
    let first = sentences(text).into_iter().next().unwrap_or(text).trim();
    let first = first.strip_suffix('。').unwrap_or(first);
    if chars(first) <= TITLE_CHARS {
        return first.to_string();
    }
    let mut t: String = first.chars().take(TITLE_CHARS).collect();
    t.push('…');
    t
}

/// A title for a window without a heading: from its first sentence-bearing
/// line, so that a leading date or name line does not become the title.
pub(super) fn derived_title(units: &[Unit]) -> String {
    units
        .iter()
        .find(|u| u.text.contains('。'))
        .or(units.first())
        .map(|u| sentence_title(&u.text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(n: usize, c: char) -> Unit {
        let mut s: String = std::iter::repeat_n(c, n - 1).collect();
        s.push('。');
        Unit::line(&s, 0)
    }

    #[test]
    fn sentences_keep_punctuation_and_quotes() {
        assert_eq!(sentences("あ。「い。」う"), ["あ。", "「い。」", "う"]);
    }

    #[test]
    fn windows_are_bounded() {
        let units: Vec<Unit> = (0..40).map(|i| para(100 + i * 7, 'あ')).collect();
        for w in windows(units) {
            let n = size(&w);
            assert!(n <= LONG_PARA, "{n}");
        }
    }

    #[test]
    fn long_paragraph_is_cut_at_sentences() {
        let text = "長い文です。".repeat(400);
        let out = explode(vec![Unit::line(&text, 0)]);
        assert!(out.len() > 1);
        assert!(
            out.iter()
                .all(|u| u.len() <= WIN_MAX && u.text.ends_with('。'))
        );
        assert!(out[1..].iter().all(|u| u.joined));
        assert_eq!(render(&out).0, text);
    }

    #[test]
    fn hard_cut_pieces_and_linear_time() {
        assert_eq!(hard_cut("", 3), [""]);
        assert_eq!(hard_cut("あいう", 3), ["あいう"]);
        assert_eq!(hard_cut("あいうえ", 3), ["あいう", "え"]);
        assert_eq!(hard_cut("あいうえおか", 3), ["あいう", "えおか"]);
        // 6 million chars without a sentence end: quadratic took minutes.
        let text = "区切りのない文".repeat(1_000_000);
        let started = std::time::Instant::now();
        let out = explode(vec![Unit::line(&text, 0)]);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(out.iter().all(|u| u.len() <= WIN_MAX));
        assert_eq!(render(&out).0, text);
    }

    #[test]
    fn sentence_titles_are_trimmed() {
        assert_eq!(sentence_title("短い文。次の文。"), "短い文");
        let t = sentence_title(&"長".repeat(100));
        assert_eq!(chars(&t), TITLE_CHARS + 1);
        assert!(t.ends_with('…'));
    }
}
