//! Kinds of document, kept as data (`data/doc_types.csv`): each kind is
//! recognised by the title a document prints on its first page, or by its
//! file name (Japanese, or romaji words such as `shisei_houshin`, `yosan`,
//! `giketsu`), and may say which department such documents belong to.
//!
//! The list is read once; the order of its rows is their priority.

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::normalize::normalize_inline;

const DATA: &str = include_str!("../../data/doc_types.csv");

/// One kind of document (a row of `data/doc_types.csv`).
#[derive(Debug)]
pub struct Kind {
    pub name: String,
    /// The pattern that must match the title line itself.
    anchor: Regex,
    /// Further conditions on the whole title block: (must match?, pattern).
    context: Vec<(bool, Regex)>,
    /// Romaji aliases, each a run of normalized words.
    aliases: Vec<Vec<String>>,
    pub department: Option<String>,
}

impl Kind {
    /// Whether `line` names this kind, `block` being the title block it
    /// belongs to (both without spaces).
    fn names(&self, line: &str, block: &str) -> bool {
        self.anchor.is_match(line)
            && self
                .context
                .iter()
                .all(|(want, re)| re.is_match(block) == *want)
    }
}

static KINDS: LazyLock<Vec<Kind>> = LazyLock::new(|| parse(DATA));

/// Longest line (characters, spaces removed) read as a title.
const MAX_TITLE_CHARS: usize = 40;

/// A numbered item: 「第5号」, 「議案第3号」, 「報告第1号」, 「(1)」, 「1.」, or
/// a bullet (「・「…総合戦略」の改定」 is a plan's target, not its title).
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:議案|報告|請願|陳情|発議)?第[0-9０-９]+号|[(（][0-9０-９]+[)）]|[0-9０-９]+[.．]|[-*・○●◇◆■□※])",
    )
    .expect("valid")
});

/// Every kind, in priority order.
pub fn kinds() -> &'static [Kind] {
    &KINDS
}

fn parse(data: &str) -> Vec<Kind> {
    let body: String = data
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    reader
        .records()
        .map(|r| r.expect("data/doc_types.csv is valid CSV"))
        .filter(|r| !r.get(0).unwrap_or("").trim().is_empty())
        .map(|r| {
            let field = |i: usize| r.get(i).unwrap_or("").trim();
            let mut parts = field(1).split("&&").map(str::trim);
            let compile = |p: &str| {
                Regex::new(p).unwrap_or_else(|e| panic!("data/doc_types.csv: bad pattern {p}: {e}"))
            };
            let anchor = compile(parts.next().unwrap_or(""));
            let context = parts
                .map(|p| match p.strip_prefix('!') {
                    Some(p) => (false, compile(p)),
                    None => (true, compile(p)),
                })
                .collect();
            let aliases = field(2)
                .split('|')
                .map(words)
                .filter(|w| !w.is_empty())
                .collect();
            Kind {
                name: field(0).to_string(),
                anchor,
                context,
                aliases,
                department: Some(field(3)).filter(|d| !d.is_empty()).map(str::to_string),
            }
        })
        .collect()
}

/// A line as the patterns see it: NFKC, without spaces (「予 算 の 概 要」
/// and 「予算の概要」 read the same).
pub fn squeeze(text: &str) -> String {
    normalize_inline(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The first line of `lines` (a document's title block, in order) that
/// names a kind, with the kind: the earliest line wins, then the kind
/// listed first.
pub fn by_title<S: AsRef<str>>(lines: &[S]) -> Option<(usize, &'static Kind)> {
    let squeezed: Vec<String> = lines.iter().map(|l| squeeze(l.as_ref())).collect();
    let block = squeezed.join("\n");
    squeezed.iter().enumerate().find_map(|(i, line)| {
        // A title is short, and not an item of a list (議案 「第5号 …補正予算」
        // on a vote table's first page names a bill, not the document).
        if line.chars().count() > MAX_TITLE_CHARS || ITEM.is_match(line) {
            return None;
        }
        kinds()
            .iter()
            .find(|k| k.names(line, &block))
            .map(|k| (i, k))
    })
}

/// The kind a file name gives: a Japanese name is read like a title
/// (「令和7年度予算の概要」), a romaji one by its words (`r7_yosan_gaiyo`).
pub fn by_file_name(stem: &str) -> Option<&'static Kind> {
    if let Some((_, k)) = by_title(&[stem]) {
        return Some(k);
    }
    let tokens = words(stem);
    kinds().iter().find(|k| {
        k.aliases.iter().any(|alias| {
            let joined = alias.concat();
            tokens.windows(alias.len()).any(|w| w == alias.as_slice()) || tokens.contains(&joined)
        })
    })
}

/// The kind of this name.
pub fn named(name: &str) -> Option<&'static Kind> {
    kinds().iter().find(|k| k.name == name)
}

/// The words of a romaji name, lower-cased and spelled one way: split at
/// anything not a letter and between letters and digits (`r7yosan` → r, 7,
/// yosan); long vowels and Hepburn/Kunrei variants folded (houshin, hōshin,
/// hoshin → hosin; jigyou → zigyo; shiryou → syiryo).
fn words(name: &str) -> Vec<String> {
    let lower = normalize_inline(name).to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut digits = false;
    for c in lower.chars() {
        let c = fold_macron(c);
        let (letter, digit) = (c.is_ascii_lowercase(), c.is_ascii_digit());
        if (!(letter || digit) || digit != digits) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if letter || digit {
            current.push(c);
            digits = digit;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter()
        .map(|w| {
            if w.as_bytes()[0].is_ascii_digit() {
                w
            } else {
                fold_romaji(&w)
            }
        })
        .collect()
}

fn fold_macron(c: char) -> char {
    match c {
        'ā' | 'â' => 'a',
        'ī' | 'î' => 'i',
        'ū' | 'û' => 'u',
        'ē' | 'ê' => 'e',
        'ō' | 'ô' => 'o',
        c => c,
    }
}

/// One spelling for the romanizations of the same word.
fn fold_romaji(word: &str) -> String {
    let mut w = word.to_string();
    for (from, to) in [
        ("shi", "si"),
        ("chi", "ti"),
        ("tsu", "tu"),
        ("fu", "hu"),
        ("ji", "zi"),
        ("sh", "sy"),
        ("ch", "ty"),
        ("j", "zy"),
        ("ou", "o"),
        ("oo", "o"),
        ("uu", "u"),
    ] {
        w = w.replace(from, to);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(lines: &[&str]) -> Option<&'static str> {
        by_title(lines).map(|(_, k)| k.name.as_str())
    }

    fn file(stem: &str) -> Option<&'static str> {
        by_file_name(stem).map(|k| k.name.as_str())
    }

    #[test]
    fn the_data_file_is_read() {
        assert!(kinds().len() >= 20);
        assert_eq!(
            named("議決結果").unwrap().department.as_deref(),
            Some("議会")
        );
        assert_eq!(named("総合計画").unwrap().department, None);
    }

    #[test]
    fn printed_titles() {
        assert_eq!(title(&["令和9年度", "架空市 予算の概要"]), Some("当初予算"));
        assert_eq!(
            title(&["令和9年度 架空市", "一般会計補正予算(第2号)の概要"]),
            Some("補正予算")
        );
        // The 補正 of the title block qualifies the 予算の概要 of another line.
        assert_eq!(
            title(&["予 算 の 概 要", "令和9年6月補正"]),
            Some("補正予算")
        );
        // 当初予算 is not 補正予算, whatever else the cover mentions.
        assert_eq!(
            title(&["令和9年度当初予算(案)の概要", "(2月補正予算と一体編成)"]),
            Some("当初予算")
        );
        assert_eq!(title(&["令和9年度当初予算"]), Some("当初予算"));
        assert_eq!(title(&["令和9年度 9月補正予算 主要事業"]), Some("補正予算"));
        assert_eq!(title(&["架空町 第3次総合計画 基本構想"]), Some("総合計画"));
        assert_eq!(
            title(&["第2期 架空市まち・ひと・しごと創生総合戦略"]),
            Some("総合戦略")
        );
        assert_eq!(title(&["令和9年度 施政方針"]), Some("施政方針"));
        assert_eq!(
            title(&["令和8年度 事務事業評価シート"]),
            Some("事務事業評価")
        );
        assert_eq!(title(&["架空市水道事業経営戦略"]), Some("経営戦略"));
        assert_eq!(title(&["架空市特定事業主行動計画"]), Some("行動計画"));
        assert_eq!(
            title(&["令和9年第1回定例会 議決結果一覧表"]),
            Some("議決結果")
        );
        assert_eq!(title(&["架空市オープンデータ利用規約"]), Some("利用規約"));
        assert_eq!(title(&["架空市組織一覧"]), Some("組織一覧"));
        assert_eq!(title(&["令和9年度 市税決算状況"]), Some("決算"));
        // The first line naming a kind is the title; a subtitle naming the
        // plan the survey evaluates comes later.
        assert_eq!(
            title(&[
                "令和9年度",
                "市民満足度調査",
                "結果報告書",
                "第8次架空市総合計画の施策評価"
            ]),
            Some("市民満足度調査")
        );
        assert_eq!(by_title(&["令和9年度", "市民満足度調査"]).unwrap().0, 1);
        assert_eq!(
            title(&["架空県民アンケート 調査結果"]),
            Some("県民アンケート")
        );
        assert_eq!(title(&["県民アンケート調査結果"]), Some("県民アンケート"));
        assert_eq!(title(&["令和9年度", "架空市"]), None);
    }

    #[test]
    fn a_listed_bill_is_not_the_title() {
        // A vote table's first page lists bills before its own title.
        let lines = [
            "第5号 令和9年度架空市国民健康保険費特別会計補正予算(第3号) R9.2.26",
            "令和9年3月定例会",
            "議決結果一覧表【議案】",
        ];
        assert_eq!(title(&lines), Some("議決結果"));
        assert_eq!(title(&["議案第2号 令和9年度架空市一般会計補正予算"]), None);
        // A target listed under a plan's heading names another document.
        assert_eq!(title(&["・「架空市総合戦略」の改定"]), None);
        assert_eq!(title(&["- 架空市総合戦略の策定"]), None);
        assert_eq!(
            title(&["令和9年度 架空市 6月補正予算の概要"]),
            Some("補正予算")
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(file("r9_shisei_houshin"), Some("施政方針"));
        assert_eq!(file("R9-shiseihōshin"), Some("施政方針"));
        assert_eq!(file("2027yosan_gaiyou"), Some("当初予算"));
        assert_eq!(file("kakuu_2027_yosan"), Some("当初予算"));
        assert_eq!(file("kakuu_2027_hosei_yosan"), Some("補正予算"));
        assert_eq!(file("kakuu_sougou_keikaku"), Some("総合計画"));
        assert_eq!(file("kakuu_2027_manzoku"), Some("市民満足度調査"));
        assert_eq!(file("kakuu_2027_giketsu"), Some("議決結果"));
        assert_eq!(file("kakuu_kiyaku"), Some("利用規約"));
        assert_eq!(file("kakuu_2027_soshiki"), Some("組織一覧"));
        assert_eq!(file("kakuu_2027_kessan"), Some("決算"));
        // 市税 (shizei) is no 施政 (shisei).
        assert_eq!(file("kakuu_2027_shizei"), Some("市税"));
        assert_eq!(file("kakuu_2027_shisei"), None);
        assert_eq!(file("jimujigyou_hyouka_2027"), Some("事務事業評価"));
        assert_eq!(file("令和9年度予算の概要"), Some("当初予算"));
        // Whole words only.
        assert_eq!(file("kakuu_soshikiunei"), None);
        assert_eq!(file("yosanshiryo_x"), None);
        assert_eq!(file("kakuu_2027_plan"), None);
    }
}
