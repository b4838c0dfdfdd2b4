//! What changed between two documents of a series (issue #13): their
//! sections (initiatives) matched by title and content, robust to
//! renumbering and small renames, and a word-level diff of a matched pair.
//!
//! The rule is general: each pair of sections is scored by the character
//! bigram Dice coefficient of their titles (numbering stripped) and of their
//! texts; pairs are taken best first, each section at most once, while the
//! score reaches [`MATCH_THRESHOLD`].

use std::collections::HashSet;

use serde::Serialize;

use super::Engine;
use super::documents::{DocumentDetail, SectionOut};
use super::series::{SeriesDoc, series_key};
use crate::error::{Error, Result};

/// Least score for two sections to be the same initiative.
pub const MATCH_THRESHOLD: f64 = 0.4;

/// A section title without its numbering (「(1)」「1.」「①」「第2」「ア」), spaces
/// or punctuation: what is compared.
pub fn title_core(title: &str) -> String {
    let t = title.trim();
    let mut chars: Vec<char> = t.chars().collect();
    // Leading numbering: digits, kanji numerals, circled numbers, bracketed
    // markers, 第…, and the separators after them.
    let mut i = 0;
    let is_num = |c: char| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || "一二三四五六七八九十".contains(c)
            || ('①'..='⑳').contains(&c)
            || ('Ⅰ'..='Ⅻ').contains(&c)
    };
    loop {
        let start = i;
        while i < chars.len() && "(（[［【〔<＜".contains(chars[i]) {
            i += 1;
        }
        let mut had = false;
        if i < chars.len() && chars[i] == '第' {
            i += 1;
        }
        while i < chars.len() && (is_num(chars[i]) || chars[i] == '.' && had) {
            had = true;
            i += 1;
        }
        // A lone katakana / latin letter marker such as 「ア」「a)」.
        if !had
            && i + 1 < chars.len()
            && (('ア'..='ン').contains(&chars[i]) || chars[i].is_ascii_alphabetic())
            && ")）.．、 　".contains(chars[i + 1])
        {
            had = true;
            i += 1;
        }
        if had && i < chars.len() && "章節款項条".contains(chars[i]) {
            i += 1;
        }
        let before_sep = i;
        while i < chars.len() && ")）]］】〕>＞.．、:： 　".contains(chars[i]) {
            i += 1;
        }
        // 「第4次…」「2050年…」: a number that runs into the words is theirs.
        if !had || i == before_sep && i > start && !"(（[［【〔<＜".contains(chars[start]) {
            i = start;
            break;
        }
    }
    chars.drain(..i);
    chars.into_iter().filter(|c| c.is_alphanumeric()).collect()
}

/// Character bigrams of the letters of `s` (a single letter counts alone).
pub fn bigrams(s: &str) -> HashSet<(char, char)> {
    let cs: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    if cs.len() == 1 {
        return [(cs[0], '\0')].into_iter().collect();
    }
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice coefficient of two bigram sets (0 when both are empty).
pub fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// What one section is compared by.
struct Profile {
    title: HashSet<(char, char)>,
    text: HashSet<(char, char)>,
}

fn profile(s: &SectionOut) -> Profile {
    Profile {
        title: bigrams(&title_core(&s.title)),
        text: bigrams(&s.text),
    }
}

/// Similarity of two sections, 0..1: the better of the title alone and the
/// mean of title and text (a renamed initiative with the same content still
/// scores; a same-titled one scores whatever its text).
fn score(a: &Profile, b: &Profile) -> f64 {
    let t = dice(&a.title, &b.title);
    let x = dice(&a.text, &b.text);
    t.max((t + x) / 2.0).max(x * 0.9)
}

/// How much of two texts is the same, 0..1: a character diff's
/// equal / (equal + deleted + inserted), on letters and digits only (spacing
/// and punctuation do not count). The text decides; the title only when
/// both texts are empty, so a same title over rewritten text is never 100 %.
pub fn text_similarity(old_title: &str, old: &str, new_title: &str, new: &str) -> f64 {
    let letters = |s: &str| -> Vec<char> { s.chars().filter(|c| c.is_alphanumeric()).collect() };
    let (mut a, mut b) = (letters(old), letters(new));
    if a.is_empty() && b.is_empty() {
        (a, b) = (letters(old_title), letters(new_title));
    }
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(50);
    let ops =
        similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &a, &b, Some(deadline));
    let (mut equal, mut changed) = (0usize, 0usize);
    for op in ops {
        match op {
            similar::DiffOp::Equal { len, .. } => equal += len,
            similar::DiffOp::Delete { old_len, .. } => changed += old_len,
            similar::DiffOp::Insert { new_len, .. } => changed += new_len,
            similar::DiffOp::Replace {
                old_len, new_len, ..
            } => changed += old_len + new_len,
        }
    }
    equal as f64 / (equal + changed).max(1) as f64
}

/// Documents read each way from a section's own when following it through
/// its series.
pub const HISTORY_STEPS: usize = 12;
/// Sections of a neighbouring document compared with it, at most.
pub const HISTORY_SECTIONS: usize = 2_000;

/// Pairs `(i, j, score)` of `a`'s and `b`'s sections, in `b`'s order: taken
/// best first, each section at most once, every score at least
/// [`MATCH_THRESHOLD`]; then sections left over that still resemble one of
/// the other side are paired with it (repetitions, not new or dropped).
pub fn match_sections(a: &[SectionOut], b: &[SectionOut]) -> Vec<(usize, usize, f64)> {
    let pa: Vec<Profile> = a.iter().map(profile).collect();
    let pb: Vec<Profile> = b.iter().map(profile).collect();
    let mut pairs = Vec::new();
    for (i, x) in pa.iter().enumerate() {
        for (j, y) in pb.iter().enumerate() {
            let s = score(x, y);
            if s >= MATCH_THRESHOLD {
                pairs.push((i, j, s));
            }
        }
    }
    pairs.sort_by(|p, q| q.2.total_cmp(&p.2).then((p.0, p.1).cmp(&(q.0, q.1))));
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let mut out = Vec::new();
    for (i, j, s) in pairs {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            out.push((i, j, s));
        }
    }
    // A section left over that resembles one already paired (an initiative
    // listed twice, say again under the medium-term goals) is a repetition,
    // neither new nor dropped: it is paired with its best match.
    let leftover: Vec<(usize, usize, f64)> = (0..a.len())
        .filter(|&i| !used_a[i])
        .filter_map(|i| {
            (0..b.len())
                .map(|j| (i, j, score(&pa[i], &pb[j])))
                .max_by(|p, q| p.2.total_cmp(&q.2))
        })
        .chain((0..b.len()).filter(|&j| !used_b[j]).filter_map(|j| {
            (0..a.len())
                .map(|i| (i, j, score(&pa[i], &pb[j])))
                .max_by(|p, q| p.2.total_cmp(&q.2))
        }))
        .filter(|p| p.2 >= MATCH_THRESHOLD)
        .collect();
    out.extend(leftover);
    out.sort_by_key(|p| (p.1, p.0));
    out.dedup_by_key(|p| (p.0, p.1));
    out
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Continued {
    pub from_section_id: String,
    pub to_section_id: String,
    pub from_title: String,
    pub to_title: String,
    /// How much of the text stayed, 0..1 (equal characters over equal,
    /// deleted and inserted ones), rounded to 3 places.
    pub similarity: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionRef {
    pub section_id: String,
    pub title: String,
}

/// Two documents compared initiative by initiative.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocDiff {
    pub from: SeriesDoc,
    pub to: SeriesDoc,
    /// In the order of the newer document.
    pub continued: Vec<Continued>,
    /// In the newer document only.
    pub new: Vec<SectionRef>,
    /// In the older document only.
    pub dropped: Vec<SectionRef>,
}

/// One step of a word diff.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DiffOp {
    /// `equal`, `delete` (only in the older text) or `insert` (only in the newer).
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionText {
    pub section_id: String,
    pub doc_id: String,
    pub year: Option<i64>,
    pub title: String,
    pub text: String,
}

/// Two passages side by side with their word-level differences.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    pub from: SectionText,
    pub to: SectionText,
    pub similarity: f64,
    /// Title then text: `equal` / `delete` / `insert` runs of words.
    pub title_ops: Vec<DiffOp>,
    pub ops: Vec<DiffOp>,
}

/// The same initiative in one document of the series.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub doc_id: String,
    pub year: i64,
    pub section_id: String,
    pub title: String,
    /// Similarity to the neighbouring (matched) year's section; 1 for the asked one.
    pub similarity: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct History {
    pub section_id: String,
    /// `null` when the document belongs to no series.
    pub series_key: Option<String>,
    /// Oldest first; years where the initiative is not found are left out.
    pub entries: Vec<HistoryEntry>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn series_doc(d: &DocumentDetail) -> SeriesDoc {
    SeriesDoc {
        doc_id: d.summary.doc_id.clone(),
        year: d.summary.year.unwrap_or_default(),
        title: d.summary.title.clone(),
        originals: Vec::new(),
    }
}

/// Splits `text` into words (the analyzer's) and the stretches between
/// them (particles, punctuation), so that the pieces cover it exactly.
fn pieces<'a>(engine: &Engine, text: &'a str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    for w in engine.handle.analyzer.words(text) {
        if w.byte_start < at || w.byte_end > text.len() || w.byte_start >= w.byte_end {
            continue;
        }
        if w.byte_start > at {
            out.push(&text[at..w.byte_start]);
        }
        out.push(&text[w.byte_start..w.byte_end]);
        at = w.byte_end;
    }
    if at < text.len() {
        out.push(&text[at..]);
    }
    out
}

fn word_diff(engine: &Engine, old: &str, new: &str) -> Vec<DiffOp> {
    let a = pieces(engine, old);
    let b = pieces(engine, new);
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(&a, &b);
    let mut ops: Vec<DiffOp> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => "equal",
            similar::ChangeTag::Delete => "delete",
            similar::ChangeTag::Insert => "insert",
        };
        let piece = change.value();
        match ops.last_mut() {
            Some(last) if last.op == op => last.text.push_str(piece),
            _ => ops.push(DiffOp {
                op,
                text: piece.to_string(),
            }),
        }
    }
    ops
}

fn doc_of_section(section_id: &str) -> Result<&str> {
    if !super::similar::valid_section_id(section_id) {
        return Err(Error::SectionNotFound(section_id.to_string()));
    }
    Ok(section_id.split_once('-').map(|p| p.0).unwrap_or_default())
}

impl Engine {
    /// Compares two documents initiative by initiative.
    pub fn diff(&self, from: &str, to: &str) -> Result<DocDiff> {
        let a = self.document(from)?;
        let b = self.document(to)?;
        let pairs = match_sections(&a.section_list, &b.section_list);
        let (mut in_a, mut in_b) = (
            vec![false; a.section_list.len()],
            vec![false; b.section_list.len()],
        );
        let continued = pairs
            .iter()
            .map(|&(i, j, _s)| {
                in_a[i] = true;
                in_b[j] = true;
                // Paired by title and text (the score `_s`); shown by text.
                let (x, y) = (&a.section_list[i], &b.section_list[j]);
                Continued {
                    from_section_id: x.section_id.clone(),
                    to_section_id: y.section_id.clone(),
                    from_title: x.title.clone(),
                    to_title: y.title.clone(),
                    similarity: round3(text_similarity(&x.title, &x.text, &y.title, &y.text)),
                }
            })
            .collect();
        let refs = |list: &[SectionOut], used: &[bool]| {
            list.iter()
                .zip(used)
                .filter(|(_, u)| !**u)
                .map(|(s, _)| SectionRef {
                    section_id: s.section_id.clone(),
                    title: s.title.clone(),
                })
                .collect()
        };
        Ok(DocDiff {
            from: series_doc(&a),
            to: series_doc(&b),
            continued,
            new: refs(&b.section_list, &in_b),
            dropped: refs(&a.section_list, &in_a),
        })
    }

    fn section_text(&self, section_id: &str) -> Result<(SectionText, SectionOut)> {
        let doc = self.document(doc_of_section(section_id)?)?;
        let s = doc
            .section_list
            .into_iter()
            .find(|s| s.section_id == section_id)
            .ok_or_else(|| Error::SectionNotFound(section_id.to_string()))?;
        Ok((
            SectionText {
                section_id: s.section_id.clone(),
                doc_id: doc.summary.doc_id.clone(),
                year: doc.summary.year,
                title: s.title.clone(),
                text: s.text.clone(),
            },
            s,
        ))
    }

    /// Two passages side by side, words that changed marked.
    pub fn diff_sections(&self, from: &str, to: &str) -> Result<SectionDiff> {
        let (a, sa) = self.section_text(from)?;
        let (b, sb) = self.section_text(to)?;
        let similarity = round3(text_similarity(&sa.title, &sa.text, &sb.title, &sb.text));
        Ok(SectionDiff {
            title_ops: word_diff(self, &a.title, &b.title),
            ops: word_diff(self, &a.text, &b.text),
            from: a,
            to: b,
            similarity,
        })
    }

    /// The same initiative in every document of its series, oldest first:
    /// matched year to year outwards from the asked document.
    pub fn history(&self, section_id: &str) -> Result<History> {
        let doc_id = doc_of_section(section_id)?.to_string();
        let (_, _) = self.section_text(section_id)?;
        let Some(series) = self.series_of(&doc_id)? else {
            let detail = self.document(&doc_id)?;
            let s = detail
                .section_list
                .iter()
                .find(|s| s.section_id == section_id);
            return Ok(History {
                section_id: section_id.to_string(),
                series_key: series_key(&detail.summary),
                entries: s
                    .map(|s| HistoryEntry {
                        doc_id: doc_id.clone(),
                        year: detail.summary.year.unwrap_or_default(),
                        section_id: s.section_id.clone(),
                        title: s.title.clone(),
                        similarity: 1.0,
                    })
                    .into_iter()
                    .collect(),
            });
        };
        let at = series
            .documents
            .iter()
            .position(|d| d.doc_id == doc_id || d.originals.iter().any(|o| o.doc_id == doc_id))
            .unwrap_or_default();
        let here = self.document(&doc_id)?;
        let start = here
            .section_list
            .iter()
            .position(|s| s.section_id == section_id)
            .unwrap_or_default();
        let entry = |d: &DocumentDetail, k: usize, sim: f64| HistoryEntry {
            doc_id: d.summary.doc_id.clone(),
            year: d.summary.year.unwrap_or_default(),
            section_id: d.section_list[k].section_id.clone(),
            title: d.section_list[k].title.clone(),
            similarity: round3(sim),
        };
        let mut entries = vec![entry(&here, start, 1.0)];
        // Walk one way, then the other, following the section: in each
        // neighbour, its best match among that document's sections (one
        // against many, never every pair). A document where it is missing is
        // skipped and the walk goes on from the last one it was found in; at
        // most HISTORY_STEPS documents each way are read (a series of 468
        // meeting days once took 13 minutes).
        for dir in [-1isize, 1] {
            let mut cur = profile(&here.section_list[start]);
            let mut cur_text = (
                here.section_list[start].title.clone(),
                here.section_list[start].text.clone(),
            );
            let mut i = at as isize + dir;
            let mut steps = 0;
            while i >= 0 && (i as usize) < series.documents.len() && steps < HISTORY_STEPS {
                crate::search::budget::check()?;
                steps += 1;
                let next = self.document(&series.documents[i as usize].doc_id)?;
                let best = next
                    .section_list
                    .iter()
                    .take(HISTORY_SECTIONS)
                    .enumerate()
                    .map(|(j, s)| (j, score(&cur, &profile(s))))
                    .filter(|p| p.1 >= MATCH_THRESHOLD)
                    .max_by(|p, q| p.1.total_cmp(&q.1));
                if let Some((j, _)) = best {
                    let x = &next.section_list[j];
                    let sim = text_similarity(&cur_text.0, &cur_text.1, &x.title, &x.text);
                    cur_text = (x.title.clone(), x.text.clone());
                    entries.push(entry(&next, j, sim));
                    cur = profile(&next.section_list[j]);
                }
                i += dir;
            }
        }
        entries.sort_by(|a, b| a.year.cmp(&b.year).then(a.doc_id.cmp(&b.doc_id)));
        Ok(History {
            section_id: section_id.to_string(),
            series_key: Some(series.key),
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_not_part_of_a_title() {
        assert_eq!(title_core("(1) 基本政策の推進"), "基本政策の推進");
        assert_eq!(title_core("（３）基本政策の推進"), "基本政策の推進");
        assert_eq!(title_core("2. 行財政改革の推進"), "行財政改革の推進");
        assert_eq!(title_core("① 広報の充実"), "広報の充実");
        assert_eq!(title_core("第4次総合計画の推進"), "第4次総合計画の推進");
        assert_eq!(title_core("1 (2) ア 人づくり"), "人づくり");
    }

    fn s(id: &str, title: &str, text: &str) -> SectionOut {
        SectionOut {
            section_id: id.to_string(),
            title: title.to_string(),
            text: text.to_string(),
            page: None,
            sheet: None,
            page_breaks: Vec::new(),
            page_labels: Vec::new(),
            speech: None,
        }
    }

    #[test]
    fn sections_match_across_renumbering_and_renames() {
        let a = [
            s(
                "a-0",
                "(1) 防災訓練の実施",
                "地域の防災訓練を年2回実施する。",
            ),
            s("a-1", "(2) 図書館の改修", "中央図書館の空調を改修する。"),
            s("a-2", "(3) 記念式典の開催", "市制70周年の式典を開催する。"),
        ];
        let b = [
            s("b-0", "(1) 職員の育成", "若手職員の研修を充実させる。"),
            s(
                "b-1",
                "(2) 中央図書館の改修",
                "中央図書館の空調と照明を改修する。",
            ),
            s(
                "b-2",
                "(3) 防災訓練の実施",
                "地域の防災訓練を年3回実施する。",
            ),
        ];
        let m = match_sections(&a, &b);
        let pairs: Vec<(usize, usize)> = m.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(pairs, vec![(1, 1), (0, 2)]);
    }
}
