//! Snippets: the best 1–3 fragments of a passage, lengths in characters,
//! matches in `<mark>`, every other character HTML-escaped.
//!
//! Our own highlighter instead of tantivy's SnippetGenerator: it counts
//! characters (tantivy counts bytes), and matches both analyzed words and
//! literal strings (for hits found through the bigram field).

use std::collections::HashSet;

use crate::analysis::dictionary::Analyzer;
use crate::analysis::reading::kana_query;
use crate::analysis::variants::fold_char;

/// Characters per fragment.
pub const FRAGMENT_CHARS: usize = 90;
/// Most fragments per snippet.
pub const MAX_FRAGMENTS: usize = 3;
/// Bytes of a passage analysed to mark another spelling of the query.
pub const VARIANT_SCAN_BYTES: usize = 6_000;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// A snippet as plain text: marks removed, entities decoded (CSV).
pub fn strip_marks(html: &str) -> String {
    unescape_html(&html.replace("<mark>", "").replace("</mark>", ""))
}

/// Undoes [`escape_html`].
pub fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// What to highlight for one query.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Index terms (analyzed words) of the query and its expansions.
    pub terms: HashSet<String>,
    /// Whole forms of the query's chunks (folded, lowercased): where a
    /// passage has one, only these are marked, each as one unit.
    pub whole: Vec<String>,
    /// Literal strings (folded, lowercased), at least two characters long:
    /// the words of the chunks, marked where no whole form stands.
    pub literals: Vec<String>,
    /// Each typed term with the other forms it is searched by, to tell a
    /// hit that matched only through one of them.
    pub forms: Vec<TermForms>,
    /// Another spelling of what was typed (申込 for 申し込み, 2019年度 for
    /// 令和元年度, a kana query's reading): marked where the text has it.
    pub variants: Option<VariantMarks>,
}

/// A typed term and the other forms that find it.
#[derive(Debug, Clone, Default)]
pub struct TermForms {
    pub term: String,
    /// The term's own words and surface.
    typed: Highlighter,
    /// (form as listed, folded form, kind of equality).
    others: Vec<(String, String, &'static str)>,
}

/// A typed term a hit contains only in another form
/// (「公民連携 → 官民連携（同義語）」).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchedVia {
    /// The term as typed.
    pub term: String,
    /// The form found in the passage.
    pub form: String,
    /// `"synonym"`.
    pub kind: &'static str,
}

impl TermForms {
    pub fn new(analyzer: &Analyzer, term: &str) -> Self {
        TermForms {
            term: term.to_string(),
            typed: Highlighter::new(analyzer, [term]),
            others: Vec::new(),
        }
    }

    /// Adds a form that finds the term (a synonym).
    pub fn add(&mut self, form: &str, kind: &'static str) {
        let folded = fold_for_match(form);
        if !folded.is_empty() {
            self.others.push((form.to_string(), folded, kind));
        }
    }
}

/// What marks a form of the query the text writes differently: the index
/// terms and normal forms of the query, and the readings of kana atoms.
#[derive(Clone)]
pub struct VariantMarks {
    analyzer: Analyzer,
    /// Index terms (keys, years, joined Latin words) of the query.
    terms: HashSet<String>,
    /// Readings (katakana) of atoms typed in kana.
    readings: Vec<String>,
}

impl std::fmt::Debug for VariantMarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VariantMarks")
            .field("terms", &self.terms)
            .field("readings", &self.readings)
            .finish()
    }
}

impl VariantMarks {
    /// Byte ranges of `text` written another way than the query: its words
    /// analysed (only for passages where no literal form was found).
    fn ranges(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        // Analysing a whole long passage for each hit made a CSV export of a
        // verb or kana query cost seconds: the start of it is enough to mark.
        let mut cut = text.len().min(VARIANT_SCAN_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &text[..cut];
        let mut words: Vec<(String, usize, usize)> = Vec::new();
        let want_readings = !self.readings.is_empty();
        self.analyzer.scan_with_readings(
            text,
            |term, s, e, _| {
                if self.terms.contains(term) {
                    out.push((s, e));
                }
            },
            &mut |reading, s, e, _| {
                if want_readings {
                    words.push((reading.to_string(), s, e));
                }
            },
        );
        for target in &self.readings {
            for i in 0..words.len() {
                let mut acc = String::new();
                for (r, _, e) in words.iter().skip(i) {
                    acc.push_str(r);
                    if acc.len() >= target.len() {
                        if acc == *target {
                            out.push((words[i].1, *e));
                        }
                        break;
                    }
                }
            }
        }
    }
}

/// Folds for literal matching without changing byte offsets.
fn fold_for_match(s: &str) -> String {
    s.chars()
        .map(|c| fold_char(c).to_ascii_lowercase())
        .collect()
}

impl Highlighter {
    /// Highlights the words and literal forms of `texts`.
    pub fn new<'a>(analyzer: &Analyzer, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut h = Highlighter::default();
        for text in texts {
            h.push_whole(text);
            for part in text.split_whitespace() {
                h.push_literal(part);
                // A one-character term typed on its own (森, 市) is what
                // the user asked for: marked, unlike one-character words
                // of longer terms.
                let folded = fold_for_match(part);
                if folded.chars().count() == 1 && !h.literals.contains(&folded) {
                    h.literals.push(folded);
                }
            }
            let mut marks = VariantMarks {
                analyzer: analyzer.clone(),
                terms: HashSet::new(),
                readings: Vec::new(),
            };
            for w in analyzer.query_words(text) {
                h.push_literal(&w.surface);
                if !w.variant {
                    h.push_literal(&w.term);
                }
                if w.term.chars().count() >= 2 {
                    marks.terms.insert(w.term.clone());
                    if !w.variant {
                        h.terms.insert(w.term);
                    }
                }
            }
            marks.readings.extend(kana_query(text));
            match &mut h.variants {
                Some(v) => {
                    v.terms.extend(marks.terms);
                    v.readings.extend(marks.readings);
                }
                None => h.variants = Some(marks),
            }
        }
        h.sort_literals();
        h
    }

    /// Adds one whole form of a chunk to mark as a unit.
    pub fn add_whole(&mut self, text: &str) {
        self.push_whole(text);
        self.push_literal(text);
        self.sort_literals();
    }

    fn push_whole(&mut self, text: &str) {
        let lit = fold_for_match(text);
        if !lit.trim().is_empty() && !self.whole.contains(&lit) {
            self.whole.push(lit);
        }
    }

    /// Adds one literal string (at least two characters) to mark.
    pub fn add_literal(&mut self, text: &str) {
        self.push_literal(text);
        self.sort_literals();
    }

    fn push_literal(&mut self, text: &str) {
        let lit = fold_for_match(text);
        // One-character words (化, 所) would light up all over a passage;
        // they are marked only inside longer literals.
        if lit.chars().count() >= 2 && !self.literals.contains(&lit) {
            self.literals.push(lit);
        }
    }

    /// Longest first, so a longer literal wins where two overlap.
    fn sort_literals(&mut self) {
        self.literals.sort_by_key(|l| std::cmp::Reverse(l.len()));
        self.whole.sort_by_key(|l| std::cmp::Reverse(l.len()));
    }

    /// Merged byte ranges of `text` to highlight. Plain string matching on
    /// the folded text: analyzing every passage of a result page again was
    /// most of a search's time.
    pub fn ranges(&self, text: &str) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let folded = fold_for_match(text);
        // The whole forms where the passage has them: a word matches where
        // it is written, and is marked as one unit.
        for lit in &self.whole {
            ranges.extend(
                folded
                    .match_indices(lit.as_str())
                    .map(|(i, m)| (i, i + m.len())),
            );
        }
        if ranges.is_empty() && !self.literals.is_empty() {
            for lit in &self.literals {
                ranges.extend(
                    folded
                        .match_indices(lit.as_str())
                        .map(|(i, m)| (i, i + m.len())),
                );
            }
        }
        if ranges.is_empty()
            && let Some(v) = &self.variants
        {
            v.ranges(text, &mut ranges);
        }
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }

    /// The snippet of `text` as safe HTML.
    pub fn snippet(&self, text: &str) -> String {
        let ranges = self.ranges(text);
        render(text, &ranges, FRAGMENT_CHARS, MAX_FRAGMENTS)
    }

    /// The snippet of a hit: from its text, or — when the words matched
    /// only its title — the marked title followed by the start of the
    /// text, so that every hit shows why it is there.
    pub fn hit_snippet(&self, titles: &[&str], text: &str) -> String {
        self.hit_snippet_at(titles, text).0
    }

    /// [`Highlighter::hit_snippet`], and the byte ranges of `text` it
    /// marked (empty when only a title matched).
    pub fn hit_snippet_at(&self, titles: &[&str], text: &str) -> (String, Vec<(usize, usize)>) {
        let ranges = self.ranges(text);
        if !ranges.is_empty() {
            return (render(text, &ranges, FRAGMENT_CHARS, MAX_FRAGMENTS), ranges);
        }
        (self.title_snippet(titles, text), ranges)
    }

    fn title_snippet(&self, titles: &[&str], text: &str) -> String {
        for title in titles {
            let in_title = self.ranges(title);
            if !in_title.is_empty() {
                let mut out = String::from('【');
                write_marked(title, 0, title.len(), &in_title, &mut out);
                out.push('】');
                out.push_str(&render(text, &[], FRAGMENT_CHARS, 1));
                return out;
            }
        }
        render(text, &[], FRAGMENT_CHARS, MAX_FRAGMENTS)
    }

    /// Typed terms that `texts` contain only in another form.
    pub fn via(&self, texts: &[&str]) -> Vec<MatchedVia> {
        let mut out = Vec::new();
        for forms in &self.forms {
            if texts.iter().any(|t| !forms.typed.ranges(t).is_empty()) {
                continue;
            }
            let folded: Vec<String> = texts.iter().map(|t| fold_for_match(t)).collect();
            if let Some((form, _, kind)) = forms
                .others
                .iter()
                .find(|(_, f, _)| folded.iter().any(|t| t.contains(f.as_str())))
            {
                out.push(MatchedVia {
                    term: forms.term.clone(),
                    form: form.clone(),
                    kind,
                });
            }
        }
        out
    }

    /// `text` with every match marked (document view).
    pub fn mark_all(&self, text: &str) -> String {
        let ranges = self.ranges(text);
        let mut out = String::with_capacity(text.len() + ranges.len() * 13);
        write_marked(text, 0, text.len(), &ranges, &mut out);
        out
    }
}

fn write_marked(text: &str, from: usize, to: usize, ranges: &[(usize, usize)], out: &mut String) {
    let mut at = from;
    for &(s, e) in ranges {
        if e <= from || s >= to {
            continue;
        }
        let (s, e) = (s.max(from), e.min(to));
        if s > at {
            escape_html(&text[at..s], out);
        }
        out.push_str("<mark>");
        escape_html(&text[s.max(at)..e], out);
        out.push_str("</mark>");
        at = e;
    }
    if at < to {
        escape_html(&text[at..to], out);
    }
}

/// Picks fragments around the matches and renders them.
pub fn render(text: &str, ranges: &[(usize, usize)], fragment_chars: usize, max: usize) -> String {
    // Byte offset of every char boundary, so windows are counted in chars.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let n_chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);

    let mut windows: Vec<(usize, usize)> = Vec::new();
    if ranges.is_empty() {
        windows.push((0, n_chars.min(fragment_chars * 2)));
    } else {
        let match_chars: Vec<(usize, usize, String)> = ranges
            .iter()
            .map(|&(s, e)| (char_at(s), char_at(e), fold_for_match(&text[s..e])))
            .collect();
        let mut covered: HashSet<String> = HashSet::new();
        let mut used = vec![false; match_chars.len()];
        while windows.len() < max {
            // The window (started a little before some match) that covers the
            // most not-yet-shown terms, then the most matches.
            let mut best: Option<(usize, usize, usize)> = None;
            for (i, (s, _, _)) in match_chars.iter().enumerate() {
                if used[i] {
                    continue;
                }
                let start = window_start(text, &bounds, *s);
                let end = (start + fragment_chars).min(n_chars);
                let mut new_terms: HashSet<&str> = HashSet::new();
                let mut count = 0;
                for (ms, me, t) in &match_chars {
                    if *ms >= start && *me <= end {
                        count += 1;
                        if !covered.contains(t) {
                            new_terms.insert(t);
                        }
                    }
                }
                let score = new_terms.len() * 100 + count;
                if best.is_none_or(|b| score > b.2) {
                    best = Some((start, end, score));
                }
            }
            let Some((start, end, score)) = best else {
                break;
            };
            if !windows.is_empty() && score < 100 {
                break; // a further fragment would show nothing new
            }
            for (i, (ms, me, t)) in match_chars.iter().enumerate() {
                if *ms >= start && *me <= end || (*ms < end && *me > start) {
                    used[i] = true;
                    covered.insert(t.clone());
                }
            }
            windows.push((start, end));
        }
        windows.sort_unstable();
        // Overlapping windows merge.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for w in windows {
            match merged.last_mut() {
                Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
                _ => merged.push(w),
            }
        }
        windows = merged;
    }
    let mut out = String::new();
    for (i, &(start, end)) in windows.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if start > 0 {
            out.push('…');
        }
        let mut frag = String::new();
        write_marked(text, bounds[start], bounds[end], ranges, &mut frag);
        out.push_str(&frag.replace('\n', " "));
        if end < n_chars {
            out.push('…');
        }
    }
    out
}

/// Starts a fragment up to 20 chars before the match, at a sentence start
/// when one is near.
fn window_start(text: &str, bounds: &[usize], match_char: usize) -> usize {
    let earliest = match_char.saturating_sub(20);
    for c in (earliest..match_char).rev() {
        let ch = text[bounds[c]..].chars().next().unwrap_or(' ');
        if matches!(ch, '。' | '\n' | '!' | '?') {
            return c + 1;
        }
    }
    earliest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_but_marks() {
        let text = "<script>alert(1)</script> 防災 & 減災";
        let ranges = vec![(text.find("防災").unwrap(), text.find("防災").unwrap() + 6)];
        let html = render(text, &ranges, 90, 3);
        assert!(html.contains("&lt;/script&gt;"), "{html}");
        assert!(html.contains("<mark>防災</mark>"));
        assert!(html.contains("&amp;"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn fragment_length_counts_characters() {
        let text = "あ".repeat(500) + "防災" + &"い".repeat(500);
        let s = text.find("防災").unwrap();
        let html = render(&text, &[(s, s + 6)], 50, 3);
        let visible = html.replace("<mark>", "").replace("</mark>", "");
        let chars = visible.chars().filter(|&c| c != '…').count();
        assert_eq!(chars, 50);
        assert!(html.starts_with('…') && html.ends_with('…'));
    }

    #[test]
    fn several_fragments_show_distinct_terms() {
        let text = format!(
            "{}防災{}減災{}",
            "あ".repeat(300),
            "い".repeat(300),
            "う".repeat(300)
        );
        let a = text.find("防災").unwrap();
        let b = text.find("減災").unwrap();
        let html = render(&text, &[(a, a + 6), (b, b + 6)], 40, 3);
        assert!(html.contains("<mark>防災</mark>") && html.contains("<mark>減災</mark>"));
        assert_eq!(html.matches("<mark>").count(), 2);
    }

    #[test]
    fn no_match_gives_the_beginning() {
        let html = render("短い本文です。", &[], 90, 3);
        assert_eq!(html, "短い本文です。");
    }
}
