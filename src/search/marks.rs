//! What the web UI marks in a document for a query: the ranges the search
//! highlighter finds in each passage (the same [`Highlighter`] that marks
//! the snippets), so the browser never re-parses or re-matches the query.
//!
//! Offsets are in **UTF-16 code units**, `[start, end)`: what JavaScript's
//! `String.prototype.slice` takes, so the UI cuts the passage's text
//! exactly where the server matched (a character outside the BMP counts 2).

use serde::Serialize;

use super::Engine;
use super::snippets::Highlighter;
use crate::analysis::variants::fold_char;
use crate::error::Result;

/// A `[start, end)` range of UTF-16 code units.
pub type Utf16Range = [usize; 2];

/// Marks of one passage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionMarks {
    pub section_id: String,
    /// Ranges to mark in the passage's `title` (UTF-16 code units).
    #[schema(value_type = Vec<Vec<usize>>)]
    pub title: Vec<Utf16Range>,
    /// Ranges to mark in the passage's `text` (UTF-16 code units).
    #[schema(value_type = Vec<Vec<usize>>)]
    pub text: Vec<Utf16Range>,
}

/// Marks of a document for one query.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentMarks {
    pub doc_id: String,
    /// The words searched for, as typed (excluded words left out).
    pub terms: Vec<String>,
    /// Forms marked in this document other than the typed words (synonyms,
    /// other spellings, a kana query's kanji…), as the document writes them.
    pub related: Vec<String>,
    /// Ranges marked in the texts of all passages.
    pub total: usize,
    /// In the order of the document's passages.
    pub sections: Vec<SectionMarks>,
}

/// Byte ranges of `text` (on char boundaries) as UTF-16 ranges.
pub fn utf16_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<Utf16Range> {
    let mut out = Vec::with_capacity(ranges.len());
    let mut byte = 0;
    let mut unit = 0;
    let mut chars = text.char_indices().peekable();
    let mut to_unit = |target: usize| {
        while byte < target {
            match chars.next() {
                Some((_, c)) => {
                    unit += c.len_utf16();
                    byte = chars.peek().map_or(text.len(), |&(i, _)| i);
                }
                None => break,
            }
        }
        unit
    };
    for &(s, e) in ranges {
        let s = to_unit(s);
        let e = to_unit(e);
        if e > s {
            out.push([s, e]);
        }
    }
    out
}

/// Ranges as units: sorted, and ranges that touch or overlap (the words
/// 地域 and 福祉 of a typed 地域福祉, matched one by one) joined into one, so
/// that a typed word is one mark and counts once.
pub fn units(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Folded as the highlighter compares (width, case).
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| fold_char(c).to_ascii_lowercase())
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl Engine {
    /// The ranges of document `doc_id` that the search for `q` marks.
    pub fn document_marks(&self, doc_id: &str, q: &str) -> Result<DocumentMarks> {
        let doc = self.document(doc_id)?;
        let plan = self.plan_query(&self.searcher(), q, super::PlanOptions::default())?;
        let highlighter: Highlighter = self.highlighter(&plan);
        let mut terms: Vec<String> = Vec::new();
        for chunk in plan.chunks() {
            let t = chunk.typed.clone();
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        let typed: Vec<String> = terms.iter().map(|t| fold(t)).collect();
        let mut related: Vec<String> = Vec::new();
        let mut total = 0;
        let sections = doc
            .section_list
            .iter()
            .map(|sec| {
                let text = units(highlighter.ranges(&sec.text));
                total += text.len();
                for &(s, e) in &text {
                    let form = &sec.text[s..e];
                    let folded = fold(form);
                    if !typed.contains(&folded) && !related.iter().any(|r| r == form) {
                        related.push(form.to_string());
                    }
                }
                SectionMarks {
                    section_id: sec.section_id.clone(),
                    title: utf16_ranges(&sec.title, &units(highlighter.ranges(&sec.title))),
                    text: utf16_ranges(&sec.text, &text),
                }
            })
            .collect();
        Ok(DocumentMarks {
            doc_id: doc_id.to_string(),
            terms,
            related,
            total,
            sections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::utf16_ranges;

    #[test]
    fn touching_ranges_are_one_unit() {
        assert_eq!(
            super::units(vec![(6, 12), (0, 6), (20, 26), (22, 24)]),
            vec![(0, 12), (20, 26)]
        );
    }

    #[test]
    fn byte_ranges_become_utf16_ranges() {
        let text = "令和2年度の𠮷野家と防災";
        // "𠮷" is 4 bytes in UTF-8, 2 units in UTF-16.
        let s = text.find("防災").unwrap();
        let r = utf16_ranges(text, &[(0, "令和".len()), (s, s + "防災".len())]);
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(r[0], [0, 2]);
        let [a, b] = r[1];
        assert_eq!(String::from_utf16(&units[a..b]).unwrap(), "防災");
        assert_eq!(utf16_ranges("abc", &[]), Vec::<[usize; 2]>::new());
    }
}
