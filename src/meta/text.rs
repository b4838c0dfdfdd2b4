//! Inference from the text itself: the city the document is about, the
//! year it is for, the department and its head, the title and the kind of
//! document.
//!
//! Every rule looks at structure common to municipal plan documents (a
//! header table with 部局/氏名 labels, a title line 「令和2年度 ○○部の運営方針」,
//! a mayor's statement opening with the council session) rather than at any
//! one city's template.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::doctype;
use super::gazetteer::{CityScores, Gazetteer};
use super::wareki::{self, YearMention};
use crate::archive::{Block, Extracted, Place};

/// What the text says; `None` = it does not say. The cities it names are
/// scored apart ([`city_scores`]), only when the manifest leaves it open.
#[derive(Debug, Clone, Default)]
pub struct TextHints {
    pub year: Option<i64>,
    pub department: Option<String>,
    pub head: Option<String>,
    pub title: Option<String>,
    /// The kind of document, from its printed title or the wording of its
    /// template: strong evidence, before the file name.
    pub doc_type: Option<String>,
    /// A kind only guessed from a line in passing (a budget book's page
    /// heading): after the file name.
    pub weak_doc_type: Option<String>,
    /// A mayor's statement: the city's, never a department's.
    pub statement: bool,
}

/// Blocks at the top of a document (title, header table) weigh more.
const EARLY_BLOCKS: usize = 5;
const EARLY_WEIGHT: f64 = 3.0;
/// How far down a title or header line is looked for.
const TITLE_BLOCKS: usize = 3;
const HEADER_BLOCKS: usize = 12;
/// Longer lines are sentences, not titles or header lines.
const MAX_TITLE_CHARS: usize = 80;

/// CMS page furniture that the archive module normally drops; skipped here
/// too so that "the first lines" are the content's first lines.
const FURNITURE: &[&str] = &[
    "このページの先頭です",
    "本文ここから",
    "本文ここまで",
    "ページの先頭へ戻る",
    "このページの先頭へ戻る",
    "ページの先頭へ",
];

/// One block as text, with its cells when it is a table row. Headings and
/// paragraphs are borrowed: the lines are built once for the text rules and
/// once more when the cities are scored.
struct Line<'a> {
    text: Cow<'a, str>,
    cells: Option<&'a [String]>,
    heading: bool,
}

fn lines(ex: &Extracted) -> Vec<Line<'_>> {
    ex.blocks
        .iter()
        .map(|b| match b {
            Block::Heading(s) => Line {
                text: Cow::Borrowed(s),
                cells: None,
                heading: true,
            },
            Block::Para(s) => Line {
                text: Cow::Borrowed(s),
                cells: None,
                heading: false,
            },
            Block::Row(cells) => Line {
                text: Cow::Owned(cells.join("\t")),
                cells: Some(cells),
                heading: false,
            },
            Block::Record { title, lines } => Line {
                text: Cow::Owned(
                    std::iter::once(title)
                        .chain(lines)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                cells: None,
                heading: false,
            },
        })
        .filter(|l| !FURNITURE.contains(&l.text.as_ref()))
        .collect()
}

fn doc_title(ex: &Extracted) -> Option<&str> {
    ex.doc_title.as_deref().filter(|t| !t.trim().is_empty())
}

/// How strongly the text points at each municipality: every line is
/// scanned for place names, the title and the first lines weighing more.
pub fn city_scores(ex: &Extracted, g: &Gazetteer, prefecture_hint: Option<&str>) -> CityScores {
    let lines = lines(ex);
    let segments =
        doc_title(ex)
            .map(|t| (t, EARLY_WEIGHT))
            .into_iter()
            .chain(lines.iter().enumerate().map(|(i, l)| {
                let w = if i < EARLY_BLOCKS { EARLY_WEIGHT } else { 1.0 };
                (l.text.as_ref(), w)
            }));
    CityScores::from_segments(g, segments, prefecture_hint)
}

/// Runs every text rule but the city's ([`city_scores`]).
pub fn analyze(ex: &Extracted) -> TextHints {
    let lines = lines(ex);
    let doc_title = doc_title(ex);
    let (cover, printed_lines) = cover(ex);
    let printed = doctype::by_title(&cover);
    let statement = statement_type(&lines).or_else(|| {
        printed
            .map(|(_, k)| k.name.as_str())
            .filter(|k| STATEMENT_KINDS.contains(k))
    });
    // A departmental plan's template wording is more telling than a cover
    // line: such plans name the 総合計画 they serve in their header.
    let doc_type = statement
        .or_else(|| template_type(&lines))
        .or_else(|| printed.map(|(_, k)| k.name.as_str()))
        .or_else(|| is_council_record(&lines).then_some("議決結果"))
        .map(str::to_string);
    let is_statement = statement.is_some() || has_mayor_speaker(&lines);
    let (department, head) = if is_statement {
        // A mayor's statement is the city's, not a department's.
        (None, None)
    } else {
        (department(&lines), head(&lines))
    };
    TextHints {
        statement: is_statement,
        year: year(&lines, doc_title, is_statement),
        department,
        head,
        // A sheet's name names its kind, but is no title.
        title: title(
            &lines,
            doc_title,
            &cover,
            printed.map(|(i, _)| i).filter(|&i| i < printed_lines),
        ),
        weak_doc_type: doc_type
            .is_none()
            .then(|| early_kind(ex).or_else(|| budget_type(&lines)))
            .flatten()
            .map(str::to_string),
        doc_type,
    }
}

/// The kinds that are a mayor's statement.
const STATEMENT_KINDS: &[&str] = &["市政執行方針", "施政方針", "所信表明"];

/// Blocks of the first page looked at for a printed title (a table's
/// title may follow its header, set vertically one name per line).
const COVER_BLOCKS: usize = 40;
/// Pages, or blocks of a file without pages, looked at for a heading that
/// names the kind when the first page does not.
const EARLY_PAGES: u32 = 3;
const EARLY_KIND_BLOCKS: usize = 120;
/// Longer lines are text, not a cover's title lines.
const COVER_LINE_CHARS: usize = 40;

/// The title block: the file's own title, then the short lines at the top
/// of the first page (a cover's 「令和7年度」「市民満足度調査」「結果報告書」), a
/// workbook's title cells (a row of one cell) and its first sheet's name,
/// with the number of lines that are printed (all but the sheet's name).
fn cover(ex: &Extracted) -> (Vec<String>, usize) {
    // The first page or sheet only: the second is often a table of
    // contents naming every kind of document.
    let end = ex
        .places
        .iter()
        .skip_while(|m| m.first_block == 0)
        .find(|m| {
            matches!(&m.place, Place::Page(p) if *p > 1) || matches!(m.place, Place::Sheet { .. })
        })
        .map_or(ex.blocks.len(), |m| m.first_block);
    let mut out: Vec<String> = doc_title(ex)
        .filter(|t| is_real_title(t))
        .map(str::to_string)
        .into_iter()
        .collect();
    out.extend(short_lines(
        &ex.blocks[..end.min(ex.blocks.len())],
        COVER_BLOCKS,
    ));
    let printed = out.len();
    if let Some(Place::Sheet { name, .. }) = ex.places.first().map(|m| &m.place)
        && is_short_line(name)
        && !GENERIC_SHEET_RE.is_match(name)
    {
        out.push(name.clone());
    }
    (out, printed)
}

/// A line short enough to be a title or heading, not a sentence.
fn is_short_line(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    (1..=COVER_LINE_CHARS).contains(&n)
        && !s.ends_with('。')
        && !FURNITURE.contains(&s)
        && !PAGE_DATE_RE.is_match(s)
}

/// The short lines of the first `max` blocks: headings and paragraphs,
/// and the cells of rows with one filled cell (a sheet's title row).
fn short_lines(blocks: &[Block], max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut take = |s: &str| {
        out.extend(
            s.lines()
                .filter(|l| is_short_line(l))
                .map(|l| l.trim().to_string()),
        )
    };
    for block in blocks.iter().take(max) {
        match block {
            Block::Heading(s) | Block::Para(s) => take(s),
            Block::Row(cells) => {
                let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
                if let [cell] = filled[..] {
                    take(cell);
                }
            }
            Block::Record { .. } => {}
        }
    }
    out
}

/// A kind named by a heading of the first pages, when the cover names
/// none (a report whose first page is a table, its title on page 2).
fn early_kind(ex: &Extracted) -> Option<&'static str> {
    let end = ex
        .places
        .iter()
        .find(|m| matches!(&m.place, Place::Page(p) if *p > EARLY_PAGES))
        .map_or(ex.blocks.len(), |m| m.first_block);
    let lines = short_lines(&ex.blocks[..end.min(ex.blocks.len())], EARLY_KIND_BLOCKS);
    doctype::by_title(&lines)
        .map(|(_, k)| k.name.as_str())
        .or_else(|| {
            defines_terms(&lines)
                .then(|| doctype::named(GLOSSARY_KIND))
                .flatten()
                .map(|k| k.name.as_str())
        })
}

/// The kind of a document that opens by defining its terms.
const GLOSSARY_KIND: &str = "説明資料";

/// 「通常水位計とは:」: a heading that defines a term.
static DEFINES_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^。、]{1,30}とは[:：]?$").expect("definition regex"));

/// Whether at least two early headings define a term (a glossary or an
/// explanation sheet, whatever its title).
fn defines_terms(lines: &[String]) -> bool {
    lines
        .iter()
        .filter(|l| DEFINES_RE.is_match(&doctype::squeeze(l)))
        .count()
        >= 2
}

/// `Sheet1`, `R8`, `2024`: a sheet name that names nothing.
static GENERIC_SHEET_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:sheet|シート)?\s*[0-9A-Za-z]{0,4}$").expect("sheet name regex")
});

// ---------------------------------------------------------------- year

/// `令和3年第1回定例会`: the session a statement was given at.
static SESSION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^。、]{0,12}?第\s*[0-9一二三四五六七八九十]+\s*回\s*(?:定例会|臨時会|定例議会|臨時議会)")
        .expect("session regex")
});
/// `令和八年度当初予算`, `令和8年度延岡市一般会計予算`: the budget a statement
/// presents is for the year it is about.
static BUDGET_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^の?\s*(?:当初予算|(?:[0-9]+月)?補正予算|\p{Han}{0,8}?一般会計(?:当初|補正)?予算)")
        .expect("budget regex")
});
/// `令和3年度の予算重点項目`, `令和5年度予算を編成しました`, `令和3年度実施計画
/// を策定`: next year's budget and plan are prepared during the year.
static NEXT_PLAN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^の?\s*(?:予算(?:を|の)?編成|予算重点|予算要求|予算に反映|実施計画)")
        .expect("plan regex")
});
static CURRENT_AFTER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[(（]?\s*(?:今年度|本年度|当年度)").expect("current regex"));
static CURRENT_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:今年度|本年度|当年度)\s*[(（:：は]?\s*$").expect("current regex")
});
/// `更新日:2022年9月12日`: when a web page changed, the last resort.
static PAGE_DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:最終更新日|更新日|掲載日|作成日|公開日|登録日|発行日)\s*[:：]?\s*")
        .expect("page date regex")
});

const SESSION_WEIGHT: f64 = 5.0;
const CURRENT_WEIGHT: f64 = 5.0;
const BUDGET_WEIGHT: f64 = 3.0;
const NEXT_PLAN_WEIGHT: f64 = 2.0;

/// The year the document is *for*, not every year it mentions: plans name
/// past results and future schedules, so a bare count misleads.
fn year(lines: &[Line], doc_title: Option<&str>, statement: bool) -> Option<i64> {
    // 1. A year in the title line (「令和2年度 政策推進部の運営方針」).
    let titles = doc_title.into_iter().chain(title_lines(lines));
    for t in titles.filter(|t| !PAGE_DATE_RE.is_match(t)) {
        if let Some(m) = wareki::find_years(t).into_iter().find(|m| !m.dated) {
            return Some(m.year);
        }
    }
    // 2. The record of a council session is for the year the session is
    // held: the first date of its opening lines (会期, 「…現在」).
    if is_council_record(lines) {
        let first_date = lines
            .iter()
            .take(EARLY_BLOCKS)
            .flat_map(|l| wareki::find_years(&l.text))
            .find(|m| m.dated);
        if let Some(m) = first_date {
            return Some(m.year);
        }
    }
    // 3. Years that context ties to the document's own year.
    let mut votes: BTreeMap<i64, f64> = BTreeMap::new();
    let mut session_seen = false;
    for (i, line) in lines.iter().enumerate() {
        let early = i < EARLY_BLOCKS;
        let w = if early { EARLY_WEIGHT } else { 1.0 };
        for m in wareki::find_years(&line.text) {
            let Some(vote) = year_vote(&line.text, &m, statement) else {
                continue;
            };
            let (year, weight) = match vote {
                // The opening names the session being held; later sessions
                // named are past ones (「昨年第4回定例会において」).
                Vote::Session if !early || session_seen => continue,
                Vote::Session => {
                    session_seen = true;
                    (m.year, SESSION_WEIGHT)
                }
                Vote::Year(year, weight) => (year, weight),
            };
            *votes.entry(year).or_default() += weight * w;
        }
    }
    if let Some((&y, _)) = votes
        .iter()
        .max_by(|(ya, a), (yb, b)| a.total_cmp(b).then(ya.cmp(yb)))
    {
        return Some(y);
    }
    // 4. A clearly dominant fiscal year.
    dominant_fiscal_year(lines)
        // 5. The page's own date.
        .or_else(|| {
            lines.iter().find_map(|l| {
                let m = PAGE_DATE_RE.find(&l.text)?;
                wareki::find_years(&l.text[m.end()..])
                    .first()
                    .map(|y| y.year)
            })
        })
}

enum Vote {
    /// A council session; only the opening's counts.
    Session,
    Year(i64, f64),
}

fn year_vote(text: &str, m: &YearMention, statement: bool) -> Option<Vote> {
    let (before, after) = (&text[..m.start], &text[m.end..]);
    if !m.fiscal && SESSION_RE.is_match(after) {
        return Some(Vote::Session);
    }
    if CURRENT_AFTER_RE.is_match(after) || CURRENT_BEFORE_RE.is_match(before) {
        return Some(Vote::Year(m.year, CURRENT_WEIGHT));
    }
    if m.fiscal && BUDGET_RE.is_match(after) {
        return Some(Vote::Year(m.year, BUDGET_WEIGHT));
    }
    if m.fiscal && NEXT_PLAN_RE.is_match(after) {
        // A department compiles next year's budget during its year; a
        // mayor's statement presents the budget of the year it is about.
        let year = if statement { m.year } else { m.year - 1 };
        return Some(Vote::Year(year, NEXT_PLAN_WEIGHT));
    }
    None
}

fn dominant_fiscal_year(lines: &[Line]) -> Option<i64> {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for l in lines {
        for m in wareki::find_years(&l.text) {
            if m.fiscal && !m.dated {
                *counts.entry(m.year).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(i64, usize)> = counts.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let (year, top) = *ranked.first()?;
    let second = ranked.get(1).map_or(0, |r| r.1);
    (top >= 3 && top * 2 >= second * 3).then_some(year)
}

// ------------------------------------------------------------ title & type

/// The first heading and the first short content lines.
fn title_lines<'a>(lines: &'a [Line]) -> impl Iterator<Item = &'a str> {
    let heading = lines.iter().find(|l| l.heading).map(|l| l.text.as_ref());
    heading.into_iter().chain(
        lines
            .iter()
            .take(TITLE_BLOCKS)
            .filter(|l| l.cells.is_none() && is_title_like(&l.text))
            .map(|l| l.text.as_ref()),
    )
}

/// Short, not a sentence nor a list item, and either very short or worded
/// like a title.
fn is_title_like(text: &str) -> bool {
    let n = text.chars().count();
    n <= MAX_TITLE_CHARS
        && !text.ends_with('。')
        && !LIST_ITEM_RE.is_match(text)
        && (n <= 30 || TITLE_WORDS_RE.is_match(text))
}

/// `- `, `・`, `(1)`, `1.`, `①`, `○` …: an item, not a title.
static LIST_ITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*・○●◇◆■□※]|\(?[0-9]+[).]|[①-⑳])").expect("list item regex")
});

static TITLE_WORDS_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"方針|計画|目標|所信|予算|定例会|臨時会|会議|報告").expect("title words regex")
});

/// A working file name standing where a title should (`28-01_市長冒頭発言
/// コピペ`, `小樽市r2_市長1日目冒頭`, `000_7ac73259abb03be3`): an underscore
/// joining a code of Latin letters or digits to the rest.
static FILE_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^\s]*[A-Za-z0-9][-A-Za-z0-9.]*_|_[A-Za-z0-9][-A-Za-z0-9.]*$|\.(?:docx?|xlsx?|pdf|txt|html?)$")
        .expect("file label regex")
});

/// `会議名:令和8年第1回定例会`: a labelled field of a record, not a title.
static FIELD_LABEL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^:：\s]{1,8}[:：]").expect("field label regex"));

/// A title a person gave the document, not a file label or a field.
fn is_real_title(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && !FILE_LABEL_RE.is_match(t) && !FIELD_LABEL_RE.is_match(t)
}

fn title(
    lines: &[Line],
    doc_title: Option<&str>,
    cover: &[String],
    printed: Option<usize>,
) -> Option<String> {
    if let Some(t) = doc_title.filter(|t| is_real_title(t)) {
        return Some(t.to_string());
    }
    // The cover's line naming the kind of document, with the year line
    // above it and a closing word below it (「令和7年度」「市民満足度調査」
    // 「結果報告書」).
    if let Some(i) = printed {
        return Some(printed_title(cover, i));
    }
    if let Some(h) = lines
        .iter()
        .filter(|l| l.heading)
        .find(|l| is_real_title(&l.text))
    {
        return Some(h.text.to_string());
    }
    lines
        .iter()
        .take(TITLE_BLOCKS)
        .filter(|l| l.cells.is_none() && is_title_like(&l.text) && is_real_title(&l.text))
        .find(|l| TITLE_WORDS_RE.is_match(&l.text))
        .map(|l| l.text.to_string())
}

/// A cover line that only dates the title (「令和7年度」「令和8年3月定例会」).
static YEAR_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:令和|平成|昭和)\s*(?:[0-9]+|元)|[0-9]{4})\s*年(?:度)?(?:\s*[0-9]+\s*月)?(?:\s*(?:第\s*[0-9]+\s*回)?\s*(?:定例会|臨時会))?$")
        .expect("year line regex")
});
/// A cover line that ends a title begun above (「結果報告書」「一覧表」).
static TITLE_TAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}\p{Katakana}\p{Hiragana}ー・]{0,8}(?:報告書|結果|一覧表?|概要|書|表|編|版)(?:[(（【][^)）】]{1,8}[)）】])?$")
        .expect("title tail regex")
});

/// The title printed on a cover around line `i`, the one naming the kind.
fn printed_title(cover: &[String], i: usize) -> String {
    let mut title = cover[i].clone();
    if i > 0 && YEAR_LINE_RE.is_match(&cover[i - 1]) && wareki::find_years(&title).is_empty() {
        title = format!("{}{}", cover[i - 1], title);
    }
    if let Some(next) = cover.get(i + 1)
        && TITLE_TAIL_RE.is_match(next)
        && doctype::by_title(&[next]).is_none()
    {
        title.push_str(next);
    }
    title
}

/// Blocks searched for the wording that gives the document type away: a
/// statement may open with other business (an apology, a condolence) before
/// the mayor turns to the year's policy.
const TYPE_BLOCKS: usize = 30;

/// Performative wording only: a department plan that merely cites 「市長の
/// 施政方針」 or 「所信表明」 is not itself a statement.
static SHISEI_SHIKKOU_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"市政執行(?:について|に対する|に関する)?[^。]{0,6}所信").expect("regex")
});
static SHISEI_HOUSHIN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"施政方針を(?:申し上げ|述べ)").expect("regex"));
static SHOSHIN_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"所信(?:の一端)?を(?:申し上げ|述べ)").expect("regex"));
static MAYOR_SPEAKER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[○◯〇]\s*(?:市長|町長|村長|区長)").expect("regex"));

/// A mayor's statement: 市政執行方針, 施政方針, 所信表明, named in a title
/// line or performed in the opening paragraphs.
fn statement_type(lines: &[Line]) -> Option<&'static str> {
    let kinds = ["市政執行方針", "施政方針", "所信表明"];
    if let Some(k) = title_lines(lines).find_map(|t| kinds.into_iter().find(|k| t.contains(k))) {
        return Some(k);
    }
    let opening = lines
        .iter()
        .take(TYPE_BLOCKS)
        .map(|l| l.text.as_ref())
        .collect::<Vec<_>>()
        .join("\n");
    [
        (&*SHISEI_SHIKKOU_RE, "市政執行方針"),
        (&*SHISEI_HOUSHIN_RE, "施政方針"),
        (&*SHOSHIN_RE, "所信表明"),
    ]
    .into_iter()
    .find(|(re, _)| re.is_match(&opening))
    .map(|(_, kind)| kind)
}

fn has_mayor_speaker(lines: &[Line]) -> bool {
    lines
        .iter()
        .take(EARLY_BLOCKS)
        .any(|l| MAYOR_SPEAKER_RE.is_match(&l.text))
}

/// 「第12回○○市議会(定例会)での議案審議等結果」: the council's record of what
/// a session decided.
static COUNCIL_RECORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:議会|定例会|臨時会)[^。]{0,30}?(?:議決|審議|審査)[^。]{0,4}結果")
        .expect("council record regex")
});

/// A line this short naming a budget is a heading, not a sentence.
const BUDGET_HEADING_CHARS: usize = 30;

fn is_council_record(lines: &[Line]) -> bool {
    title_lines(lines).any(|t| COUNCIL_RECORD_RE.is_match(t))
}

/// The kinds of departmental plan and council minutes, by the wording of
/// their templates.
fn template_type(lines: &[Line]) -> Option<&'static str> {
    let text: String = lines
        .iter()
        .take(TYPE_BLOCKS)
        .map(|l| l.text.as_ref())
        .collect::<Vec<_>>()
        .join("\n");
    let rules: &[(&[&str], &str)] = &[
        (&["部局運営方針", "部局の使命"], "部局運営方針"),
        (&["運営方針と目標"], "運営方針と目標"),
        (&["組織運営方針", "考え方で組織を運営"], "組織運営方針"),
        (&["運営方針"], "運営方針"),
        (&["会議録", "○議長"], "会議録"),
    ];
    rules
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| text.contains(n)))
        .map(|(_, t)| *t)
}

/// A budget document without a printed title naming it.
fn budget_type(lines: &[Line]) -> Option<&'static str> {
    // A budget document names itself in a heading line (a cover, a page
    // heading 「令和8年度 6月補正予算 主要事業等内訳」), not only in passing.
    // The first such line decides: a budget book's cover comes before the
    // supplementary budgets it lists.
    lines
        .iter()
        .filter(|l| l.text.chars().count() <= BUDGET_HEADING_CHARS)
        .find_map(|l| {
            [("補正予算", "補正予算"), ("予算書", "予算書")]
                .into_iter()
                .find(|(needle, _)| l.text.contains(needle))
                .map(|(_, t)| t)
        })
}

// ------------------------------------------------------- department & head

/// Header-table labels, compared with spaces removed (「部 局」).
const DEPARTMENT_LABELS: &[&str] = &[
    "部局",
    "部(局)",
    "部局名",
    "部名",
    "局名",
    "所属",
    "所属名",
    "担当部局",
    "所管部局",
    "部署",
    "部署名",
    "組織名",
];
const HEAD_LABELS: &[&str] = &[
    "氏名",
    "部局長",
    "部(局)長",
    "部局長名",
    "部(局)長名",
    "部長",
    "局長",
    "室長",
    "部長名",
    "所属長",
    "所属長名",
];
/// Other labels of the same tables; a label is never a value.
const OTHER_LABELS: &[&str] = &["補職", "職名", "役職", "職", "理事"];

fn is_label(cell: &str) -> bool {
    let l = label(cell);
    [DEPARTMENT_LABELS, HEAD_LABELS, OTHER_LABELS]
        .iter()
        .any(|set| set.contains(&l.as_str()))
}

/// A department name: ends in 部/局/室/課/委員会 (本部 and 公室 included);
/// hiragana occurs (こども未来部, まちづくり推進部).
static DEPARTMENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}\p{Katakana}\p{Hiragana}ー・ヶ]{1,20}(?:部|局|室|課|委員会)$")
        .expect("regex")
});
/// 「令和2年度 政策推進部の運営方針」「企画部の「運営方針と目標」」.
static TITLE_DEPARTMENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"([\p{Han}\p{Katakana}\p{Hiragana}ー・ヶ]{1,20}?(?:部|局|室|課|委員会))の\s*[「『]?\s*(?:部局運営方針|組織運営方針|運営方針|経営方針|方針と目標|目標と方針|取組方針|目標)",
    )
    .expect("regex")
});
/// 「企画部長兼…担当部長 土屋 宏」「市長公室長 森 功一」: a role ending in
/// 部長/局長/室長/課長 followed by a spaced name at the end of the line.
static HEAD_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:部|局|室|課)(?:\([局室]\))?長\s*([\p{Han}々ヶ]{1,4} [\p{Han}々ヶ\p{Hiragana}\p{Katakana}ー]{1,5})$",
    )
    .expect("regex")
});
/// 「令和8年5月27日 財政課作成」: the section that made the document.
static MADE_BY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)([\p{Han}\p{Katakana}\p{Hiragana}ー・ヶ]{1,20}?(?:部|局|室|課))\s*作成$")
        .expect("regex")
});
/// 「企画部長兼…」: the department of the role a header line starts with.
static LEADING_ROLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([\p{Han}\p{Katakana}ー・ヶ]{1,20}?(?:部|局|室))長").expect("regex")
});
static PERSON_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}々ヶ]{1,5}(?: [\p{Han}々ヶ\p{Hiragana}\p{Katakana}ー]{1,6})?$")
        .expect("regex")
});
/// Generic words that end like a department but are not one.
const NOT_DEPARTMENTS: &[&str] = &["中心部", "都市部", "山間部", "沿岸部", "市街部", "事務局"];

fn is_department(s: &str) -> bool {
    DEPARTMENT_RE.is_match(s) && s.chars().count() >= 3 && !NOT_DEPARTMENTS.contains(&s)
}

/// A person's name, not a role (「都市経営部長」 in the 氏名 cell is a role).
fn is_person_name(s: &str) -> bool {
    const ROLE_ENDINGS: &[char] = &['長', '部', '局', '課', '室', '官', '監', '員', '者', '事'];
    PERSON_RE.is_match(s)
        && s.chars().count() >= 2
        && !s.ends_with(ROLE_ENDINGS)
        && !s.ends_with("担当")
}

fn label(cell: &str) -> String {
    cell.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Label → value pairs of the header table rows.
fn header_pairs<'a>(lines: &'a [Line]) -> impl Iterator<Item = (String, &'a str)> {
    lines
        .iter()
        .take(HEADER_BLOCKS)
        .filter_map(|l| l.cells)
        .flat_map(|cells| {
            cells
                .windows(2)
                .filter(|w| !is_label(&w[1]))
                .map(|w| (label(&w[0]), w[1].trim()))
                .collect::<Vec<_>>()
        })
}

fn department(lines: &[Line]) -> Option<String> {
    // A council record is the council's.
    if is_council_record(lines) {
        return Some("議会".to_owned());
    }
    // A header table: 部 局 | 都市経営部.
    if let Some(d) = header_pairs(lines)
        .find(|(l, v)| DEPARTMENT_LABELS.contains(&l.as_str()) && is_department(v))
        .map(|(_, v)| v.to_string())
    {
        return Some(d);
    }
    let early: Vec<&Line> = lines
        .iter()
        .take(HEADER_BLOCKS)
        .filter(|l| l.cells.is_none() && l.text.chars().count() <= MAX_TITLE_CHARS)
        .collect();
    // The title line: ○○部の運営方針.
    if let Some(d) = early.iter().find_map(|l| {
        let c = TITLE_DEPARTMENT_RE.captures(&l.text)?;
        let name = strip_year_prefix(&c[1]);
        is_department(name).then(|| name.to_string())
    }) {
        return Some(d);
    }
    // A line that is just the department's name (a web page's heading).
    if let Some(d) = early
        .iter()
        .take(TITLE_BLOCKS + 3)
        .find(|l| is_department(&l.text))
    {
        return Some(d.text.to_string());
    }
    // 「財政課作成」.
    if let Some(d) = early.iter().find_map(|l| {
        let c = MADE_BY_RE.captures(&l.text)?;
        is_department(&c[1]).then(|| c[1].to_string())
    }) {
        return Some(d);
    }
    // The head's line: 企画部長兼… 土屋 宏.
    early.iter().find_map(|l| {
        HEAD_LINE_RE.is_match(&l.text).then_some(())?;
        let c = LEADING_ROLE_RE.captures(&l.text)?;
        is_department(&c[1]).then(|| c[1].to_string())
    })
}

/// 「年度政策推進部」 → 「政策推進部」 when a title has no space after the year.
fn strip_year_prefix(s: &str) -> &str {
    s.rsplit_once("年度")
        .or_else(|| s.rsplit_once('年'))
        .map_or(s, |(_, rest)| rest)
}

fn head(lines: &[Line]) -> Option<String> {
    if let Some(h) = header_pairs(lines)
        .find(|(l, v)| HEAD_LABELS.contains(&l.as_str()) && is_person_name(v))
        .map(|(_, v)| v.to_string())
    {
        return Some(h);
    }
    lines
        .iter()
        .take(HEADER_BLOCKS)
        .filter(|l| l.cells.is_none() && l.text.chars().count() <= MAX_TITLE_CHARS)
        .find_map(|l| HEAD_LINE_RE.captures(&l.text).map(|c| c[1].to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_labels_are_not_titles() {
        for label in [
            "28-01_市長冒頭発言コピペ",
            "R04-01_市長冒頭発言コピペ",
            "小樽市r2_市長1日目冒頭",
            "000_7ac73259abb03be3",
            "計画案_v2",
            "運営方針.docx",
            "会議名:令和 8年第24回定例会(第1号 2月16日)",
        ] {
            assert!(!super::is_real_title(label), "{label}");
        }
        for title in [
            "令和2年度 政策推進部の運営方針",
            "企画部の「運営方針と目標」(令和元年度)",
            "DX推進計画",
        ] {
            assert!(super::is_real_title(title), "{title}");
        }
    }

    use super::*;

    fn doc(blocks: Vec<Block>) -> Extracted {
        Extracted {
            blocks,
            doc_title: None,
            encoding: "UTF-8",
            content_hash: String::new(),
            ..Default::default()
        }
    }

    fn para(s: &str) -> Block {
        Block::Para(s.to_string())
    }

    fn row(cells: &[&str]) -> Block {
        Block::Row(cells.iter().map(|c| c.to_string()).collect())
    }

    fn hints(blocks: Vec<Block>) -> TextHints {
        analyze(&doc(blocks))
    }

    #[test]
    fn a_sheet_that_defines_its_terms_is_an_explanation() {
        // A fictional city's map legend: no printed kind, two definitions.
        let h = hints(vec![
            Block::Heading("みなと市ハザードマップ(雨量計の表示)".into()),
            para("常設雨量計とは︓"),
            para("常時、雨量を提供する雨量計です。"),
            para("簡易雨量計とは:"),
            para("大雨の時だけ観測します。"),
        ]);
        assert_eq!(h.doc_type, None);
        assert_eq!(h.weak_doc_type.as_deref(), Some("説明資料"));
        // One definition in passing is not enough.
        let h = hints(vec![
            Block::Heading("みなと市の取組".into()),
            para("協働とは"),
            para("市民と市がともに取り組むことです。"),
        ]);
        assert_eq!(h.weak_doc_type, None);
        assert!(doctype::named(GLOSSARY_KIND).is_some());
    }

    #[test]
    fn header_table_gives_department_and_head() {
        let h = hints(vec![
            row(&[
                "部 局",
                "市民協働部",
                "補 職",
                "部 長",
                "氏 名",
                "山田 花子",
            ]),
            para("1. 部局の使命"),
        ]);
        assert_eq!(h.department.as_deref(), Some("市民協働部"));
        assert_eq!(h.head.as_deref(), Some("山田 花子"));
        assert_eq!(h.doc_type.as_deref(), Some("部局運営方針"));
    }

    #[test]
    fn a_role_in_the_name_cell_is_not_a_head() {
        let h = hints(vec![row(&["部 局", "市民協働部", "氏 名", "市民協働部長"])]);
        assert_eq!(h.department.as_deref(), Some("市民協働部"));
        assert_eq!(h.head, None);
    }

    #[test]
    fn title_line_gives_department_and_year() {
        let h = hints(vec![
            para("令和3年度 こども未来部の運営方針"),
            row(&["部(局)", "こども未来部", "部(局)長", "佐藤 一郎"]),
            para("本年度は令和4年度に向けた準備を進めます。"),
        ]);
        assert_eq!(h.department.as_deref(), Some("こども未来部"));
        assert_eq!(h.head.as_deref(), Some("佐藤 一郎"));
        assert_eq!(h.year, Some(2021));
        assert_eq!(h.doc_type.as_deref(), Some("運営方針"));

        let h = hints(vec![
            para("環境部の「運営方針と目標」(令和元年度)"),
            para("環境部長兼脱炭素推進担当部長 鈴木 次郎"),
            para("環境部ごみ対策担当部長 高橋 三郎"),
        ]);
        assert_eq!(h.department.as_deref(), Some("環境部"));
        assert_eq!(h.head.as_deref(), Some("鈴木 次郎"));
        assert_eq!(h.year, Some(2019));
        assert_eq!(h.doc_type.as_deref(), Some("運営方針と目標"));
    }

    #[test]
    fn web_page_heading_names_the_department() {
        let h = hints(vec![
            para("このページの先頭です"),
            para("危機管理室"),
            para("更新日:2023年5月1日"),
            para("室長の写真危機管理室長 田中 健"),
            para("このような考え方で組織を運営します"),
        ]);
        assert_eq!(h.department.as_deref(), Some("危機管理室"));
        assert_eq!(h.head.as_deref(), Some("田中 健"));
        assert_eq!(h.doc_type.as_deref(), Some("組織運営方針"));
        // Only the page date gives a year.
        assert_eq!(h.year, Some(2023));
    }

    #[test]
    fn mayors_statement_has_no_department_or_head() {
        let h = hints(vec![
            para("会議名:令和 5年第2回定例会(第1号 3月1日)"),
            para("○市長(山本 太郎) 令和五年度当初予算案の提案に当たり、所信を申し上げます。"),
            para("市民生活部長 木村 一 からも説明します。"),
        ]);
        assert_eq!(h.department, None);
        assert_eq!(h.head, None);
        assert_eq!(h.doc_type.as_deref(), Some("所信表明"));
        assert_eq!(h.year, Some(2023));
    }

    #[test]
    fn session_and_budget_years_in_a_statement() {
        let h = hints(vec![
            para("R05-01_市長発言"),
            para(
                "○市長 平成29年第1回定例会の開会に当たり、市政執行についての所信の一端を申し上げます。",
            ),
            para("平成30年度には新庁舎の設計に着手します。"),
            para("平成30年度には新庁舎の設計に着手します。"),
            para("平成30年度には新庁舎の設計に着手します。"),
        ]);
        assert_eq!(h.year, Some(2017));
        assert_eq!(h.doc_type.as_deref(), Some("市政執行方針"));
    }

    #[test]
    fn next_years_budget_is_prepared_this_year() {
        // No title year: the plan compiles next year's budget and plan,
        // which dominate the mentions but are not the document's year.
        let h = hints(vec![
            row(&["部 局", "財務部"]),
            para("令和6年度(2024年度)の予算重点項目を示し、予算編成を行いました。"),
            para("令和6年度(2024年度)実施計画を策定します。"),
            para("令和6年度に新制度を開始します。令和6年度に評価します。令和6年度に公表します。"),
            para("令和4年度(2022年度)に取り組んだ施策を評価しました。"),
        ]);
        assert_eq!(h.year, Some(2023));
    }

    #[test]
    fn a_dominant_fiscal_year_is_a_fallback() {
        let h = hints(vec![
            para("取組の概要"),
            para("令和2年度は三つの事業に取り組みます。"),
            para("令和2年度の目標は次のとおりです。"),
            para("令和2年度中に完了します。令和3年度以降も継続します。"),
        ]);
        assert_eq!(h.year, Some(2020));
        // Mentions spread evenly: no guess.
        let h = hints(vec![
            para("令和2年度と令和3年度と令和4年度の事業です。"),
            para("令和2年度と令和3年度と令和4年度の事業です。"),
            para("令和2年度と令和3年度と令和4年度の事業です。"),
        ]);
        assert_eq!(h.year, None);
    }

    #[test]
    fn title_falls_back_to_a_short_title_line() {
        let h = hints(vec![
            para("令和3年度 こども未来部の運営方針"),
            para("本文です。"),
        ]);
        assert_eq!(h.title.as_deref(), Some("令和3年度 こども未来部の運営方針"));
        let mut d = doc(vec![Block::Heading("見出し".into())]);
        d.doc_title = Some("ページ題名".into());
        let h = analyze(&d);
        assert_eq!(h.title.as_deref(), Some("ページ題名"));
    }
}
