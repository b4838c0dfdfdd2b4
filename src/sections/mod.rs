//! Splits a document into its initiatives: the unit of a search hit.
//!
//! INTERFACE (used by index; keep it stable): [`Section`], [`split`].
//!
//! How: blocks become ranked items ([`classify`]); the document is cut at
//! its outermost heading rank and at every numbered initiative row; a part
//! still larger than [`CAP`] is cut again at its next rank; without headings
//! left, an initiative is split evenly (`title (2)`) and free text (speeches)
//! into windows of a few paragraphs ([`window`]). Finally, crumbs (page
//! furniture, captions, empty headings) are merged into a neighbour.

mod classify;
mod minutes;
mod window;

pub use minutes::{Group, Qa, QaKind, Speech, group_of, normalise_role};

#[cfg(test)]
mod tests;

use classify::{Head, Item, Style, chars};
use window::Unit;

use crate::archive::{Block, Extracted, Place};

/// No section's text grows past this (in chars) unless one unit does.
const CAP: usize = 2000;
/// Sections with less text are crumbs, merged into a neighbour unless
/// they are a named initiative.
const MIN_TEXT: usize = 40;
/// A sub-heading this short (`活動目標`) needs its parent's name as context.
const GENERIC_TITLE: usize = 20;
/// Longest composed `parent / sub` title.
const COMPOSED_MAX: usize = 60;
/// Rows whose cells all fit on one line of this length are read as a line.
const ROW_LINE: usize = 120;

/// One passage: an initiative's name and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The initiative's name (one line). A window of free text is named by
    /// the heading before it or by its first sentence, trimmed with '…';
    /// a part of a split initiative by its name and `(2)`, `(3)`….
    pub title: String,
    /// Readable text: paragraphs separated by '\n', short table rows as
    /// one line with cells separated by " ", long cells one per line.
    pub text: String,
    /// Where the passage starts in the original file (PDF page, sheet);
    /// `None` for formats without pages.
    pub place: Option<Place>,
    /// Where the text goes on to another page (PDF): char offsets into
    /// `text`, in order; empty when the passage stands on one page.
    pub page_breaks: Vec<PageBreak>,
    /// The page numbers printed on the pages the passage spans (「- 1 -」 on
    /// physical page 5 → `(5, "1")`), where the document prints them.
    pub page_labels: Vec<PageLabel>,
    /// The speech this passage is (a window) of, in council minutes.
    pub speech: Option<Speech>,
}

/// A page number as printed on physical page `page`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PageLabel {
    pub page: u32,
    pub label: String,
}

/// From char `at` of a passage's text on, the text is on `page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PageBreak {
    pub at: u32,
    pub page: u32,
}

/// Page breaks as stored: `at:page` pairs, comma-separated.
pub fn encode_breaks(breaks: &[PageBreak]) -> String {
    let pairs: Vec<String> = breaks
        .iter()
        .map(|b| format!("{}:{}", b.at, b.page))
        .collect();
    pairs.join(",")
}

/// Printed page numbers as stored: `page:label` pairs, comma-separated
/// (a label holding either separator is left out).
pub fn encode_labels(labels: &[PageLabel]) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .filter(|l| !l.label.contains([',', ':']))
        .map(|l| format!("{}:{}", l.page, l.label))
        .collect();
    pairs.join(",")
}

/// The stored printed page numbers back.
pub fn decode_labels(s: &str) -> Vec<PageLabel> {
    s.split(',')
        .filter_map(|pair| {
            let (page, label) = pair.split_once(':')?;
            Some(PageLabel {
                page: page.parse().ok()?,
                label: label.to_string(),
            })
        })
        .collect()
}

/// The stored form back; malformed pairs are skipped.
pub fn decode_breaks(s: &str) -> Vec<PageBreak> {
    s.split(',')
        .filter_map(|pair| {
            let (at, page) = pair.split_once(':')?;
            Some(PageBreak {
                at: at.parse().ok()?,
                page: page.parse().ok()?,
            })
        })
        .collect()
}

impl Section {
    /// The page of the char at `at` (the passage's first page before any
    /// break).
    pub fn page_at(first: Option<u32>, breaks: &[PageBreak], at: usize) -> Option<u32> {
        let k = breaks.partition_point(|b| b.at as usize <= at);
        k.checked_sub(1).map(|k| breaks[k].page).or(first)
    }
}

/// Splits the blocks of one document. Never returns an empty list for a
/// document with text.
pub fn split(blocks: &[Block]) -> Vec<Section> {
    split_at(blocks).into_iter().map(|(s, _, _)| s).collect()
}

/// Splits an extracted file, each section with the place (page, sheet) of
/// the block its text starts at.
pub fn split_extracted(extracted: &Extracted) -> Vec<Section> {
    split_at(&extracted.blocks)
        .into_iter()
        .flat_map(|(s, at, starts)| cut_at_pages(paged(extracted, s, at, starts)))
        .collect()
}

/// Fewest chars on each side of a page break for a passage to be cut
/// there. A report's chart and table pages run on for pages under one
/// heading; a hit should point at the page its words are on, and a short
/// passage that merely crosses a page stays whole.
const PAGE_PART_MIN: usize = 400;

/// A passage that runs over pages, cut where a page starts (each part
/// keeps the title, numbered `(2)`, `(3)`… after the first) so that no
/// part is shorter than [`PAGE_PART_MIN`].
fn cut_at_pages(s: Section) -> Vec<Section> {
    let len = s.text.chars().count();
    let mut cuts: Vec<&PageBreak> = Vec::new();
    let mut from = 0;
    for b in &s.page_breaks {
        let at = b.at as usize;
        if at >= from + PAGE_PART_MIN && len >= at + PAGE_PART_MIN {
            cuts.push(b);
            from = at;
        }
    }
    if cuts.is_empty() {
        return vec![s];
    }
    let byte_of = |at: usize| {
        s.text
            .char_indices()
            .nth(at)
            .map_or(s.text.len(), |(i, _)| i)
    };
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0usize;
    let mut page = match s.place {
        Some(Place::Page(p)) => p,
        _ => return vec![s],
    };
    let ends = cuts
        .iter()
        .map(|b| (b.at as usize, b.page))
        .chain([(len, 0)]);
    for (n, (end, next_page)) in ends.enumerate() {
        let text = s.text[byte_of(start)..byte_of(end)].trim_end().to_string();
        let breaks: Vec<PageBreak> = s
            .page_breaks
            .iter()
            .filter(|b| (start + 1..end).contains(&(b.at as usize)))
            .map(|b| PageBreak {
                at: b.at - start as u32,
                page: b.page,
            })
            .collect();
        let last = breaks.last().map_or(page, |b| b.page);
        parts.push(Section {
            title: if n == 0 {
                s.title.clone()
            } else {
                format!("{} ({})", s.title, n + 1)
            },
            text,
            place: Some(Place::Page(page)),
            page_labels: s
                .page_labels
                .iter()
                .filter(|l| (page..=last).contains(&l.page))
                .cloned()
                .collect(),
            page_breaks: breaks,
            // Every part of a speech keeps its speech.
            speech: s.speech.clone(),
        });
        start = end;
        page = next_page;
    }
    parts
}

/// A section with its place and the pages its text goes on to.
fn paged(extracted: &Extracted, mut s: Section, at: usize, starts: Vec<(usize, usize)>) -> Section {
    s.place = extracted.place_of(at).cloned();
    let mut page = match s.place {
        Some(Place::Page(p)) => p,
        _ => return s,
    };
    let first = page;
    for (offset, block) in starts {
        if let Some(&Place::Page(p)) = extracted.place_of(block)
            && p != page
        {
            page = p;
            s.page_breaks.push(PageBreak {
                at: offset as u32,
                page: p,
            });
        }
    }
    let last = s.page_breaks.iter().map(|b| b.page).max().unwrap_or(first);
    s.page_labels = extracted
        .page_labels
        .iter()
        .filter(|(p, _)| (first..=last).contains(p))
        .map(|(p, label)| PageLabel {
            page: *p,
            label: label.clone(),
        })
        .collect();
    s
}

/// Sections, the index of the block each starts at, and where each of
/// its lines starts in its text (char offset, block).
fn split_at(blocks: &[Block]) -> Vec<Drafted> {
    if minutes::is_minutes(blocks) {
        // Minutes: the roll and order of business as any text, then one
        // passage (or several windows) per speech.
        let (first, speeches) = minutes::speeches(blocks);
        let mut out = split_blocks(&blocks[..first]);
        out.extend(speeches);
        return out;
    }
    split_blocks(blocks)
}

/// [`split_at`] for a document (or a document's lead) without speeches.
fn split_blocks(blocks: &[Block]) -> Vec<Drafted> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let items = classify::items(blocks);
    let mut drafts = Vec::new();
    segment(&items, None, &mut drafts);
    // The drafts own copies of everything: a huge document's items need
    // not stay around while its sections are rendered.
    drop(items);
    merge_crumbs(&mut drafts);
    drafts.into_iter().filter_map(Draft::finish).collect()
}

/// A finished section, the block it starts at, and where each of its
/// lines starts in its text (char offset, block).
type Drafted = (Section, usize, Vec<(usize, usize)>);

/// A section being built.
#[derive(Debug)]
struct Draft {
    title: String,
    /// The heading the title came from, put back as text if this draft is
    /// merged into a neighbour; `None` when the title is a copy of the text.
    head_line: Option<String>,
    /// Named initiative: never merged away while it has text, unless it
    /// is one of a list (see [`merge_crumbs`]).
    strong: bool,
    /// A record row (`第3号 …` in a vote table): short by nature, never
    /// read as a list item.
    row: bool,
    /// The lines of a list (see [`merge_crumbs`]), named after the section
    /// it stands in.
    list: bool,
    /// Crumbs merged in from before the heading.
    before: Vec<Unit>,
    units: Vec<Unit>,
    /// Index of the block the draft starts at (its heading's, or its
    /// first line's).
    at: usize,
}

impl Draft {
    fn headed(head: &Head, units: Vec<Unit>) -> Self {
        Draft {
            title: head.title.clone(),
            head_line: Some(head.line.clone()),
            strong: head.style.is_strong(),
            row: head.style == Style::Row,
            list: false,
            before: Vec::new(),
            units,
            at: head.at,
        }
    }

    /// A window without a heading of its own: titled by a heading line it
    /// starts with, else by its first sentence.
    fn untitled(mut units: Vec<Unit>) -> Self {
        let at = units.first().map_or(0, |u| u.at);
        if let Some(title) = units.first().and_then(|u| u.head.clone()) {
            let line = units.remove(0).text;
            return Draft {
                title,
                head_line: Some(line),
                strong: false,
                row: false,
                list: false,
                before: Vec::new(),
                units,
                at,
            };
        }
        Draft {
            title: window::derived_title(&units),
            head_line: None,
            strong: false,
            row: false,
            list: false,
            before: Vec::new(),
            units,
            at,
        }
    }

    /// What a neighbour receives when this draft is merged into it.
    fn into_units(self) -> Vec<Unit> {
        let head = self
            .head_line
            .iter()
            .flat_map(|l| l.split('\n'))
            .map(|l| Unit::line(l, self.at));
        self.before
            .into_iter()
            .chain(head)
            .chain(self.units)
            .collect()
    }

    fn text_size(&self) -> usize {
        window::size(&self.before) + window::size(&self.units)
    }

    fn finish(mut self) -> Option<Drafted> {
        let at = self.before.first().map_or(self.at, |u| u.at.min(self.at));
        self.before.append(&mut self.units);
        let (mut text, starts) = window::render(&self.before);
        if text.is_empty() {
            // A document that is a lone heading: its heading is its text.
            text = self.head_line.unwrap_or_else(|| self.title.clone());
        }
        let mut title = self.title.replace('\n', " ");
        if title.is_empty() {
            title = window::sentence_title(text.lines().next().unwrap_or_default());
        }
        (!text.is_empty()).then_some((
            Section {
                title,
                text,
                place: None,
                page_breaks: Vec::new(),
                page_labels: Vec::new(),
                speech: None,
            },
            at,
            starts,
        ))
    }
}

fn as_head(item: &Item) -> Option<&Head> {
    match item {
        Item::Head(h) => Some(h),
        _ => None,
    }
}

/// Cuts `items` (a document, or the body of `parent`) at its outermost
/// heading rank and at initiative rows. The part before the first cut
/// belongs to `parent`.
fn segment(items: &[Item], parent: Option<&Head>, out: &mut Vec<Draft>) {
    let top = items
        .iter()
        .filter_map(as_head)
        .filter(|h| h.style != Style::Row)
        .map(|h| h.level)
        .min();
    let cuts: Vec<usize> = (0..items.len())
        .filter(|&i| {
            as_head(&items[i]).is_some_and(|h| h.style == Style::Row || Some(h.level) == top)
        })
        .collect();
    let lead = &items[..cuts.first().copied().unwrap_or(items.len())];
    match parent {
        // Kept even when empty: the merge step puts the heading back as text.
        Some(p) => emit(Some(p.clone()), lead, out),
        None if !lead.is_empty() => emit(None, lead, out),
        None => {}
    }
    for (k, &cut) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).copied().unwrap_or(items.len());
        let Some(head) = as_head(&items[cut]) else {
            continue;
        };
        let mut head = head.clone();
        if let Some(p) = parent.filter(|p| p.style.is_strong()) {
            head.title = compose(&p.title, &head.title);
        }
        emit(Some(head), &items[cut + 1..end], out);
    }
}

/// `parent / sub` when the sub-heading alone says too little (`活動目標`)
/// and the parent names an initiative (a document title would be noise).
fn compose(parent: &str, sub: &str) -> String {
    if chars(sub) <= GENERIC_TITLE && chars(parent) + chars(sub) + 3 <= COMPOSED_MAX {
        format!("{parent} / {sub}")
    } else {
        sub.to_string()
    }
}

/// Turns one heading and its body into drafts, cutting further while too big.
fn emit(head: Option<Head>, body: &[Item], out: &mut Vec<Draft>) {
    let units = units(body);
    let size = window::size(&units);
    let has_heads = body.iter().any(|i| as_head(i).is_some());
    match head {
        Some(h) if size <= CAP => out.push(Draft::headed(&h, units)),
        head if has_heads && size > CAP => segment(body, head.as_ref(), out),
        Some(h) if h.style.is_strong() => {
            for (k, piece) in window::balanced(units, CAP).into_iter().enumerate() {
                let mut d = Draft::headed(&h, piece);
                if k > 0 {
                    d.title = format!("{} ({})", h.title, k + 1);
                    d.head_line = None;
                }
                out.push(d);
            }
        }
        head => {
            // Free text: a document title or page heading names only the
            // first window. A window that opens a topic (「次に、第4のテーマ
            // …についてであります」) is named by it; one that continues a
            // topic by the topic in force, not by a sentence cut mid-way.
            let mut topic: Option<String> = None;
            for (k, w) in window::windows(units).into_iter().enumerate() {
                let opens = w.first().is_some_and(window::Unit::opens_topic);
                match &head {
                    Some(h) if k == 0 => out.push(Draft::headed(h, w)),
                    _ => {
                        let mut d = Draft::untitled(w);
                        match &topic {
                            Some(t) if !opens && d.head_line.is_none() => {
                                d.title = format!("{t}（続き）");
                            }
                            _ if opens => topic = Some(d.title.clone()),
                            _ => {}
                        }
                        out.push(d);
                    }
                }
            }
        }
    }
}

/// The lines of a body. A label row (`基本政策`) and its value row read as
/// one line.
fn units(items: &[Item]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut after_label = false;
    for item in items {
        let mut label = false;
        match item {
            Item::Head(h) => {
                for (k, line) in h.line.split('\n').enumerate() {
                    let mut u = Unit::line(line, h.at);
                    if k == 0 {
                        u.head = Some(h.title.clone());
                    }
                    out.push(u);
                }
            }
            Item::Para(p, at) => out.extend(
                p.split('\n')
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| Unit::line(l, *at)),
            ),
            Item::Row(cells, at) => {
                let lines = row_lines(cells);
                match (out.last_mut(), lines.as_slice()) {
                    (Some(prev), [value]) if after_label => {
                        prev.text.push(' ');
                        prev.text.push_str(value);
                    }
                    _ => {
                        label = cells.len() == 1 && classify::is_label(&cells[0]);
                        out.extend(lines.iter().map(|l| Unit::line(l, *at)));
                    }
                }
            }
        }
        after_label = label;
    }
    out
}

/// A short row reads as one line; a row of long or multi-paragraph cells
/// reads as one line per cell paragraph.
fn row_lines(cells: &[String]) -> Vec<String> {
    let one_line = cells.iter().all(|c| !c.contains('\n'))
        && cells.iter().map(|c| chars(c)).sum::<usize>() <= ROW_LINE;
    if one_line {
        vec![cells.join(" ")]
    } else {
        cells
            .iter()
            .flat_map(|c| c.split('\n'))
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Fewest short drafts in a row that are read as a list.
const MIN_LIST_RUN: usize = 3;

/// Which drafts are items of a list: runs of at least [`MIN_LIST_RUN`]
/// drafts with less than [`MIN_TEXT`] of their own text (record rows
/// excepted).
fn listed(drafts: &[Draft]) -> Vec<bool> {
    let short: Vec<bool> = drafts
        .iter()
        .map(|d| !d.row && window::size(&d.units) < MIN_TEXT)
        .collect();
    let mut out = vec![false; drafts.len()];
    let mut i = 0;
    while i < short.len() {
        let run = short[i..].iter().take_while(|&&s| s).count();
        if run >= MIN_LIST_RUN {
            out[i..i + run].fill(true);
        }
        i += run.max(1);
    }
    out
}

/// Merges crumbs into the next section (into the previous one at the end):
/// page furniture and captions join real text, a heading with no text of
/// its own becomes the first line of what follows it.
///
/// One pass: crumbs are carried forward to the next draft that stands, so
/// a page of a hundred thousand crumbs (bare `<p>` labels) costs linear
/// time. Carried crumbs that outgrow [`CAP`] become windows of their own
/// instead of swelling one section without bound.
///
/// A numbered heading stands on its own text, however short, except in a
/// run of [`MIN_LIST_RUN`] or more short drafts: numbered lines one after
/// another with a few words each (a chart's legend, a list of policies)
/// are a list, not initiatives, and a passage per line would outrank the
/// pages that say something about them. A list is a passage of its own,
/// named after the section before it.
fn merge_crumbs(drafts: &mut Vec<Draft>) {
    let total = drafts.len();
    let listed = listed(drafts);
    let mut kept: Vec<Draft> = Vec::with_capacity(total);
    // Units of the crumbs since the last kept draft, in document order.
    let mut carry: Vec<Unit> = Vec::new();
    let mut carry_size = 0;
    for (k, mut d) in std::mem::take(drafts).into_iter().enumerate() {
        // A weak heading counts only its own text: crumbs merged in front
        // of it must not make it stand (`本文ここまで` closing a page).
        let stands = (d.strong && !listed[k] && carry_size + d.text_size() > 0)
            || window::size(&d.units) >= MIN_TEXT;
        // Drafts left if this one is merged: the ones kept and those after it.
        let others = kept.len() + (total - k - 1);
        if stands || others == 0 {
            // Crumbs that would push the draft past the cap stand apart.
            if carry_size + d.text_size() > CAP && !carry.is_empty() {
                let units = std::mem::take(&mut carry);
                kept.extend(window::windows(units).into_iter().map(Draft::untitled));
                carry_size = 0;
            }
            if !carry.is_empty() {
                carry.append(&mut d.before);
                d.before = std::mem::take(&mut carry);
                carry_size = 0;
            }
            kept.push(d);
        } else if listed[k] && carry.is_empty() && !kept.is_empty() {
            // A list is a passage of its own, named after the section it
            // stands in (a chart's legend under 分析方法), not after the
            // heading that follows it.
            let units = d.into_units();
            let prev = kept.last_mut().expect("a kept draft");
            if prev.list && prev.text_size() + window::size(&units) + 2 <= CAP {
                prev.units.extend(units);
            } else {
                let title = prev.title.trim_end_matches("（続き）").to_string();
                let mut list = Draft::untitled(units);
                list.title = format!("{title}（続き）");
                list.head_line = None;
                list.list = true;
                kept.push(list);
            }
        } else if k + 1 < total {
            let units = d.into_units();
            carry_size += window::size(&units);
            carry.extend(units);
            if carry_size > CAP {
                let units = std::mem::take(&mut carry);
                kept.extend(window::windows(units).into_iter().map(Draft::untitled));
                carry_size = 0;
            }
        } else {
            carry.extend(d.into_units());
            match kept.last_mut() {
                Some(prev) if prev.text_size() + window::size(&carry) <= CAP => {
                    prev.units.append(&mut carry)
                }
                _ => kept.extend(
                    window::windows(std::mem::take(&mut carry))
                        .into_iter()
                        .map(Draft::untitled),
                ),
            }
        }
    }
    *drafts = kept;
}
