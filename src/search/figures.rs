//! Figures plans are made of (issue #13): targets, results, counts and
//! amounts read from a passage's text, with kanji and mixed numerals
//! (「41億6,817万8千円」「四千人」) read as numbers. Pure text → data.

use serde::Serialize;

use crate::meta::wareki::kanji_digit;

/// What a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A goal: 目標, 目指す, 予定 … in the sentence.
    Target,
    /// An outcome: 実績, 進捗, 達成, 締結 … in the sentence, and percentages.
    Result,
    /// Money; the value is in yen.
    Amount,
    /// Anything else counted.
    Count,
}

/// Where a figure's label comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabelFrom {
    /// The words just before the number (「補助金 350万円」).
    Words,
    /// The thing counted, after the number (「19の連携協定」).
    Counted,
    /// The heading its line opens with: a table row's (「8 土木費 5,887,530」).
    Row,
    /// The title of its passage, its line having no words: a heading above
    /// the row, not the row's own name.
    Title,
    /// None found.
    None,
}

/// One figure of a text.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figure {
    pub value: f64,
    /// 円, %, 人, 件, 回 … or the thing counted (「19の連携協定」 → 連携協定).
    pub unit: String,
    pub kind: Kind,
    /// What is counted: the nearest noun phrase.
    pub label: String,
    /// Where the label comes from.
    pub label_from: LabelFrom,
    /// The sentence.
    pub context: String,
    /// Byte offset of the number in the text read.
    #[serde(skip)]
    pub at: usize,
}

/// Units that follow a number, longest first.
const UNITS: &[&str] = &[
    "億円",
    "万円",
    "千円",
    "円",
    "%",
    "パーセント",
    "ポイント",
    "人",
    "件",
    "回",
    "か所",
    "ヵ所",
    "カ所",
    "箇所",
    "ヶ所",
    "校",
    "社",
    "団体",
    "世帯",
    "名",
    "戸",
    "台",
    "施設",
    "事業",
    "協定",
    "店舗",
    "時間",
    "km",
    "ha",
    "㎡",
    "m2",
    "本",
];

const TARGET_WORDS: &[&str] = &["目標", "目指", "めざ", "予定", "見込", "計画値", "を図る"];
const RESULT_WORDS: &[&str] = &[
    "実績",
    "進捗",
    "達成",
    "締結",
    "実施した",
    "開催した",
    "となってい",
    "となった",
    "延べ",
    "結果",
];

fn small_mult(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

fn large_mult(c: char) -> Option<f64> {
    match c {
        '万' => Some(1e4),
        '億' => Some(1e8),
        '兆' => Some(1e12),
        _ => None,
    }
}

fn is_num_char(c: char) -> bool {
    c.is_ascii_digit()
        || kanji_digit(c).is_some()
        || small_mult(c).is_some()
        || large_mult(c).is_some()
        || c == ','
        || c == '.'
}

/// Reads a numeral: ASCII or kanji digits, grouping commas, a decimal
/// point, and 十百千 / 万億兆 multipliers in any mix. `None` when it is not
/// a number.
pub fn read_number(s: &str) -> Option<f64> {
    let cs: Vec<char> = s.chars().filter(|&c| c != ',').collect();
    let (mut total, mut section, mut current): (f64, f64, Option<f64>) = (0.0, 0.0, None);
    let mut i = 0;
    let mut any = false;
    while i < cs.len() {
        let c = cs[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                i += 1;
            }
            let t: String = cs[start..i].iter().collect();
            current = Some(t.parse().ok()?);
            any = true;
            continue;
        }
        if let Some(d) = kanji_digit(c) {
            current = Some(current.unwrap_or(0.0) * 10.0 + f64::from(d));
            any = true;
        } else if let Some(m) = small_mult(c) {
            section += current.unwrap_or(1.0) * m as f64;
            current = None;
            any = true;
        } else if let Some(m) = large_mult(c) {
            total += (section + current.unwrap_or(if section == 0.0 { 1.0 } else { 0.0 })) * m;
            section = 0.0;
            current = None;
        } else {
            return None;
        }
        i += 1;
    }
    any.then_some(total + section + current.unwrap_or(0.0))
}

/// Sentences of a text (split at 。 and line ends), with their byte offsets.
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '。' || c == '\n' {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push((start, &text[start..end]));
            }
            start = end;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push((start, &text[start..]));
    }
    out
}

fn is_word_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{30A0}'..='\u{30FF}' | '々') || c.is_ascii_alphabetic()
}

/// A run of kanji / katakana / latin letters ending just before `end`.
fn word_before(s: &str, end: usize) -> &str {
    let mut start = end;
    for (i, c) in s[..end].char_indices().rev() {
        if is_word_char(c) {
            start = i;
        } else {
            break;
        }
    }
    &s[start..end]
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// Hiragana runs that join the words around them (particles, conjunctions,
/// formal nouns): a name never runs over them.
const KANA_JOINERS: &[&str] = &[
    "より",
    "まで",
    "など",
    "ほか",
    "および",
    "ならびに",
    "また",
    "または",
    "かつ",
    "ごと",
    "だけ",
    "のみ",
    "ずつ",
    "にも",
    "とも",
    "でも",
    "のも",
    "こと",
    "もの",
    "ため",
    "ところ",
    "し",
    "つつ",
    "うち",
    "さらに",
    "あたり",
];

/// A noun run ending just before `end`: letters, and a hiragana run inside
/// a compound between them (「子宮がん検診」「児童生徒むし歯予防事業」), never
/// a particle or a verb's ending (「市が検診」「実施した検診」).
fn noun_before(s: &str, end: usize) -> &str {
    let mut start = end - word_before(s, end).len();
    if start == end {
        return "";
    }
    for _ in 0..2 {
        let head = &s[..start];
        let kana: usize = head
            .chars()
            .rev()
            .take_while(|&c| is_hiragana(c))
            .map(char::len_utf8)
            .sum();
        if kana == 0 {
            break;
        }
        let run = &head[head.len() - kana..];
        let prev = word_before(s, start - kana);
        if run.chars().count() > 3
            || prev.is_empty()
            || KANA_JOINERS.contains(&run)
            || run.ends_with(|c: char| "のがはをにでとへやかるたてなずいうえばれらよび".contains(c))
        {
            break;
        }
        start -= kana + prev.len();
    }
    &s[start..end]
}

/// Where a name ending in the word at `wstart` of `s` starts: over
/// 「及び」「&」「・」 between words (「使用料及び手数料」「ガストロノミー&宿泊造成事業」)
/// and the 「その」 of 「その他」, a row's name, not a demonstrative.
fn name_start(s: &str, mut wstart: usize) -> usize {
    while let Some(j) = ["及び", "並びに", "又は", "&", "・"]
        .iter()
        .find(|j| s[..wstart].ends_with(**j))
    {
        let prev = word_before(s, wstart - j.len());
        if prev.is_empty() {
            break;
        }
        wstart -= j.len() + prev.len();
    }
    if s[..wstart].ends_with("その") && s[wstart..].starts_with('他') {
        wstart -= "その".len();
    }
    wstart
}

/// The noun phrase before a number: over 「計」「約」「は」「が」 spaces and
/// colons, one noun run, joined with a preceding 「…の」 run
/// (「市民意見の収集 計4,000人」 → 市民意見の収集).
fn label_before(s: &str, at: usize) -> String {
    let mut end = at;
    // 「計4,000人」, never the end of a word (合計, 小計).
    if let Some(c) = s[..end].chars().next_back().filter(|c| "計約".contains(*c))
        && !s[..end - c.len_utf8()]
            .chars()
            .next_back()
            .is_some_and(is_word_char)
    {
        end -= c.len_utf8();
    }
    while let Some(c) = s[..end].chars().next_back() {
        if c.is_whitespace() || "はがも:：、(（=＝".contains(c) {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    // 「説明会を年間5回」: the frequency (年間) says how often, the noun
    // before it what.
    loop {
        let w = word_before(s, end);
        // The word itself (年, 年間), or a period ending a longer one
        // (説明会年間); never a plain 計 ending a noun (特別会計).
        let Some(f) = FREQUENCY_WORDS
            .iter()
            .find(|f| w == **f || f.chars().count() >= 2 && f.ends_with('間') && w.ends_with(**f))
        else {
            break;
        };
        end -= f.len();
        if w.len() == f.len() {
            while let Some(c) = s[..end].chars().next_back() {
                if c.is_whitespace() || "をはがもにで、".contains(c) {
                    end -= c.len_utf8();
                } else {
                    break;
                }
            }
        }
    }
    // 「出席議員の3分の2(18名)」: the number restates a share of something.
    static SHARE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"[0-9一二三四五六七八九十]+分の[0-9一二三四五六七八九十]+$")
            .expect("share regex")
    });
    if let Some(m) = SHARE.find(&s[..end]) {
        let of = s[..m.start()].strip_suffix('の');
        let w = noun_before(s, of.map_or(m.start(), str::len));
        if !w.is_empty() {
            let joint = if of.is_some() { "の" } else { "" };
            return format!("{w}{joint}{}", m.as_str());
        }
    }
    // 「生徒1人あたり35,750円」: an amount for each one of what is named.
    if let Some(per) = ["あたり", "当たり", "につき"]
        .iter()
        .find_map(|p| s[..end].strip_suffix(*p))
    {
        let counter = word_before(per, per.len());
        let digits = per[..per.len() - counter.len()]
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '一');
        let w = noun_before(s, digits.len());
        if !counter.is_empty()
            && counter.chars().count() <= 3
            && digits.len() < per.len() - counter.len()
            && !w.is_empty()
        {
            return s[digits.len() - w.len()..end].to_string();
        }
    }
    let word = noun_before(s, end);
    if word.is_empty() {
        return String::new();
    }
    let mut wstart = end - word.len();
    wstart = name_start(s, wstart);
    let word = s[wstart..end].trim_start_matches(|c: char| "計約".contains(c));
    if s[..wstart].ends_with('の') {
        let prev = word_before(s, wstart - 'の'.len_utf8());
        if !prev.is_empty() {
            return format!("{prev}の{word}");
        }
    }
    word.to_string()
}

/// Most bytes between a part's number and the slash before its whole
/// (「6人/」, 「1,234件／」).
const RATIO_GAP: usize = 24;

/// Whether the number after `before` (its sentence, starting at byte
/// `start` of the text, up to the number) follows figure `p` over a slash,
/// as the whole of which `p` is a part (「6人/501人」).
fn is_ratio_of(p: &Figure, before: &str, start: usize) -> bool {
    let Some(from) = p.at.checked_sub(start) else {
        return false;
    };
    let Some(between) = before.get(from..) else {
        return false;
    };
    let Some(part) = between.trim_end().strip_suffix(['/', '／']) else {
        return false;
    };
    // The part is a number and its unit only (「6 人」), no other words.
    let unit = part
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ',' | '.') && !c.is_whitespace())
        .count();
    between.len() <= RATIO_GAP && unit <= RATIO_UNIT_MAX
}

/// Most characters of the part's unit (「人」, 「世帯」, 「千円」).
const RATIO_UNIT_MAX: usize = 3;

/// A row's name without the 延べ that counts its number (「予防接種費補助金
/// 延べ229人」 names 予防接種費補助金).
fn without_count_word(label: String) -> String {
    match ["延べ", "のべ"].iter().find_map(|w| label.strip_suffix(*w)) {
        Some(name) if !name.trim().is_empty() => name.trim_end().to_string(),
        _ => label,
    }
}

fn kind_of(sentence: &str, unit: &str) -> Kind {
    if unit.ends_with('円') {
        Kind::Amount
    } else if TARGET_WORDS.iter().any(|w| sentence.contains(w)) {
        Kind::Target
    } else if RESULT_WORDS.iter().any(|w| sentence.contains(w)) || unit == "%" {
        Kind::Result
    } else {
        Kind::Count
    }
}

/// The unit a table states for its bare numbers (「単位：千円」「(単位:円)」
/// 「（千円）」), as the multiplier to yen: the last statement in `text`.
pub fn table_unit(text: &str) -> Option<f64> {
    static UNIT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"単位\s*[:：]?\s*(百万円|千円|万円|億円|円)|[(（]\s*(百万円|千円|万円|億円)\s*[)）]",
        )
        .expect("unit regex")
    });
    UNIT.captures_iter(text).last().map(|c| {
        match c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str()) {
            "百万円" => 1e6,
            "千円" => 1e3,
            "万円" => 1e4,
            "億円" => 1e8,
            _ => 1.0,
        }
    })
}

/// Words that say how often, not what (「年間5回」「毎月2回」): skipped
/// when looking for what a number counts.
const FREQUENCY_WORDS: &[&str] = &[
    "年間", "毎年", "毎月", "月間", "週間", "毎週", "年度", "年", "月", "週", "日", "計", "約",
    "合計", "総計", "延べ", "最大", "最低", "概ね",
];

/// Two-character words a one-character counter starts (「1 社会福祉費」 is
/// item 1, not one company).
const NOT_COUNTERS: &[&str] = &[
    "社会",
    "人口",
    "人材",
    "人権",
    "人事",
    "人件",
    "回答",
    "回収",
    "回復",
    "本市",
    "本町",
    "本村",
    "本部",
    "本庁",
    "本年",
    "名称",
    "台帳",
    "台風",
    "戸籍",
    "校舎",
    "校長",
    "件名",
    "事業費",
    "事業所",
    "事業者",
    "事業用",
    "人槽",
    "回線",
    "台数",
];

/// Every figure of a text (NFKC-normalised, as stored in the index).
pub fn extract(text: &str) -> Vec<Figure> {
    extract_in(text, None)
}

/// Every figure of a text whose table, when it states no unit itself,
/// counts bare numbers in `inherited` (yen per unit: 1000 for 千円), e.g.
/// the unit stated above the table in an earlier passage of the page.
pub fn extract_in(text: &str, inherited: Option<f64>) -> Vec<Figure> {
    let yen = table_unit(text).or(inherited);
    let mut out = Vec::new();
    // The heading of the previous line when it is a row (words, then a
    // number ending it).
    let mut last_row: Option<String> = None;
    for (start, sentence) in sentences(text) {
        let above = last_row.take();
        last_row = row_of(sentence);
        let context = sentence.trim().to_string();
        let chars: Vec<(usize, char)> = sentence.char_indices().collect();
        let mut k = 0;
        // Where a number was cut because the next one was glued to it.
        let mut glued_at = None;
        while k < chars.len() {
            let (b, c) = chars[k];
            let starts = c.is_ascii_digit() || kanji_digit(c).is_some() || small_mult(c).is_some();
            let after_word = glued_at != Some(k)
                && k > 0
                && (chars[k - 1].1.is_ascii_alphanumeric() || chars[k - 1].1 == '.');
            if !starts || after_word {
                k += 1;
                continue;
            }
            let mut e = k;
            while e < chars.len() && is_num_char(chars[e].1) {
                e += 1;
            }
            // A trailing comma or point is punctuation.
            while e > k && matches!(chars[e - 1].1, ',' | '.') {
                e -= 1;
            }
            // Table cells pdftotext glues together (「5,604,6415,604,641」):
            // a group after a comma has three digits, so a fourth starts the
            // next number.
            let mut group: Option<usize> = None;
            for (i, &(_, ch)) in chars.iter().enumerate().take(e).skip(k) {
                match (ch, group) {
                    (',', _) => group = Some(0),
                    (d, Some(n)) if d.is_ascii_digit() => {
                        if n == 3 {
                            e = i;
                            glued_at = Some(i);
                            break;
                        }
                        group = Some(n + 1);
                    }
                    // 「3,456万7千」: a multiplier ends the group.
                    _ => group = None,
                }
            }
            let end_b = chars.get(e).map_or(sentence.len(), |x| x.0);
            let raw = &sentence[b..end_b];
            let next = k.max(e);
            k = next.max(k + 1);
            let ascii = raw.chars().any(|c| c.is_ascii_digit());
            // Kanji numerals inside words (一般, 千里, 万全) are not numbers:
            // a kanji-only numeral counts with a multiplier and two characters.
            if !ascii && raw.chars().count() < 2 || sentence[..b].ends_with('第') {
                continue;
            }
            let Some(mut value) = read_number(raw) else {
                continue;
            };
            // 「4~9回」: the end of a range counts nothing by itself.
            if let Some(r) = sentence[..b].strip_suffix(['~', '〜', '-', '－', '‐'])
                && r.ends_with(|c: char| c.is_ascii_digit() || kanji_digit(c).is_some())
            {
                continue;
            }
            // 「△ 30,500」「▲6,302」: a decrease, as budget tables print it.
            if sentence[..b].trim_end().ends_with(['△', '▲']) {
                value = -value;
            }
            let rest = &sentence[end_b..];
            let rest_trim = rest.trim_start();
            // A budget code (「002 事業事務費」) counts nothing.
            if raw.len() >= 2 && raw.starts_with('0') && raw.bytes().all(|c| c.is_ascii_digit()) {
                continue;
            }
            // A row's item number (「1 社会福祉費 5,657,957」) counts nothing.
            let line_start = sentence[..b].rfind('\n').map_or(0, |i| i + 1);
            let before = sentence[line_start..b].trim();
            if ascii
                && raw.len() <= 2
                && (before.is_empty() || before == "(" || before == "（")
                && rest.starts_with([' ', '\u{3000}', ')', '）', '.'])
                && rest_trim.chars().next().is_some_and(is_word_char)
            {
                continue;
            }
            let mut unit = UNITS
                .iter()
                .find(|u| {
                    rest_trim.starts_with(**u)
                        && !NOT_COUNTERS.iter().any(|w| {
                            rest_trim.starts_with(w) && w.starts_with(**u) && w.len() > u.len()
                        })
                })
                .map(|u| u.to_string());
            // 「19の連携協定」: the thing counted follows.
            if unit.is_none() && ascii && rest.starts_with('の') && value < 1900.0 {
                let after = &rest['の'.len_utf8()..];
                let w: String = after.chars().take_while(|&c| is_word_char(c)).collect();
                if w.chars().count() >= 2 {
                    unit = Some(w);
                }
            }
            // A bare amount of a table takes the table's unit (単位：千円).
            if unit.is_none()
                && raw.contains(',')
                && let Some(m) = yen
            {
                value *= m;
                unit = Some("円".to_string());
            }
            let Some(mut unit) = unit else { continue };
            match unit.as_str() {
                "千円" => value *= 1e3,
                "万円" => value *= 1e4,
                "億円" => value *= 1e8,
                "パーセント" => unit = "%".to_string(),
                _ => {}
            }
            if unit.ends_with('円') {
                unit = "円".to_string();
            }
            let (label, label_from) =
                if unit != "円" && unit.chars().count() >= 2 && !UNITS.contains(&unit.as_str()) {
                    (unit.clone(), LabelFrom::Counted)
                } else {
                    let line = &sentence[line_start..];
                    let mut l = unbracket(label_before(sentence, b));
                    // Letters spread over a cell (「大学 卒226,100」).
                    let head = row_heading(&sentence[line_start..b]);
                    if l.chars().count() == 1 && head.ends_with(&l) {
                        l = head;
                    }
                    if let Some((col, p)) = period_column(&sentence[line_start..b]) {
                        // A row of a year (「前年度 共済費 2,359,288」): the
                        // column's heading, said for the year.
                        (format!("{col}({p})"), LabelFrom::Words)
                    } else if is_label(&l, line) {
                        (l, LabelFrom::Words)
                    } else {
                        let h = unbracket(line_head(sentence, b));
                        if is_label(&h, line) {
                            (h, LabelFrom::Row)
                        } else if before.is_empty()
                            && let Some(h) = above.as_deref()
                        {
                            // 「1件」 alone under its row 「建築検査手数料 16」.
                            (h.to_string(), LabelFrom::Row)
                        } else {
                            (String::new(), LabelFrom::None)
                        }
                    }
                };
            let label = without_count_word(label);
            // 「嘱託職員 6人/501人」: the number after a slash is the whole
            // the number before it is a part of, and names the same thing.
            let (label, label_from) = match out.last() {
                Some(p) if is_ratio_of(p, &sentence[..b], start) => (p.label.clone(), p.label_from),
                _ => (label, label_from),
            };
            let kind = kind_of(sentence, &unit);
            out.push(Figure {
                value,
                unit,
                kind,
                label,
                label_from,
                context: context.clone(),
                at: start + b,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Figure {
        let f = extract(text);
        assert_eq!(f.len(), 1, "{text}: {f:?}");
        f.into_iter().next().unwrap()
    }

    #[test]
    fn numerals_of_every_kind_are_read() {
        assert_eq!(read_number("4,000"), Some(4000.0));
        assert_eq!(read_number("10,388,461,000"), Some(10_388_461_000.0));
        assert_eq!(read_number("41億6,817万8千"), Some(4_168_178_000.0));
        assert_eq!(read_number("四千"), Some(4000.0));
        assert_eq!(read_number("二万三千五百"), Some(23_500.0));
        assert_eq!(read_number("二〇二〇"), Some(2020.0));
        assert_eq!(read_number("1.5"), Some(1.5));
        assert_eq!(read_number("円"), None);
    }

    #[test]
    fn a_percentage_of_progress_is_a_result() {
        let f = one("計画の3年目となる進捗状況は87%となっている。");
        assert_eq!(
            (f.value, f.unit.as_str(), f.kind),
            (87.0, "%", Kind::Result)
        );
        assert_eq!(f.label, "進捗状況");
        assert_eq!(f.context, "計画の3年目となる進捗状況は87%となっている。");
    }

    #[test]
    fn a_count_of_things_named_after_it() {
        let f = one("事業者と19の連携協定を締結した。");
        assert_eq!((f.value, f.unit.as_str()), (19.0, "連携協定"));
        assert_eq!(f.label, "連携協定");
        assert_eq!(f.kind, Kind::Result);
    }

    #[test]
    fn people_counted_with_a_total_and_a_target() {
        let f = one("住民意見の聴取 計4,000人");
        assert_eq!(
            (f.value, f.unit.as_str(), f.kind),
            (4000.0, "人", Kind::Count)
        );
        assert_eq!(f.label, "住民意見の聴取");
        let got = labels("正規職員 44 人／990 人 比率 4.4% 嘱託職員 6人/501人");
        let names: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            names,
            ["正規職員", "正規職員", "比率", "嘱託職員", "嘱託職員"]
        );
        let f = one("架空予防接種費補助金延べ229人");
        assert_eq!((f.value, f.label.as_str()), (229.0, "架空予防接種費補助金"));
        let f = one("説明会を年5回開催することを目標とする。");
        assert_eq!(
            (f.value, f.unit.as_str(), f.kind),
            (5.0, "回", Kind::Target)
        );
        let f = one("参加者は四千人を目指す。");
        assert_eq!((f.value, f.unit.as_str()), (4000.0, "人"));
        assert_eq!(f.label, "参加者");
    }

    #[test]
    fn amounts_are_in_yen() {
        let f = one("特別会計 2,345,678,000 円");
        assert_eq!(
            (f.value, f.unit.as_str(), f.kind),
            (2_345_678_000.0, "円", Kind::Amount)
        );
        assert_eq!(f.label, "特別会計");
        let f = one("事業費は12億3,456万7千円である。");
        assert_eq!(f.value, 1_234_567_000.0);
        let f = one("補助金 350万円");
        assert_eq!(f.value, 3_500_000.0);
        let f = extract("(単位:千円)\n庁舎管理費 12,345\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].value, f[0].unit.as_str()), (12_345_000.0, "円"));
        assert_eq!(f[0].label, "庁舎管理費");
    }

    #[test]
    fn tables_give_their_unit_and_rows_their_heading() {
        let f = extract("(単位:千円)\n1 社会福祉費5,657,957\n2 児童福祉費 3,210,000\n");
        let got: Vec<(f64, &str, &str)> = f
            .iter()
            .map(|f| (f.value, f.unit.as_str(), f.label.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (5_657_957_000.0, "円", "社会福祉費"),
                (3_210_000_000.0, "円", "児童福祉費")
            ]
        );
        let f = extract("単位:円\n報酬 1,234,500\n");
        assert_eq!((f[0].value, f[0].unit.as_str()), (1_234_500.0, "円"));
        // Stated above the table, in an earlier passage of the page.
        let f = extract_in("庁舎管理費 12,345", Some(1e3));
        assert_eq!(f[0].value, 12_345_000.0);
        let f = one("説明会を年間5回開催する。");
        assert_eq!((f.value, f.unit.as_str()), (5.0, "回"));
        assert_eq!(f.label, "説明会");
        let f = one("研修を年5回実施する。");
        assert_eq!(f.label, "研修");
    }

    #[test]
    fn glued_table_cells_are_separate_numbers() {
        let f = extract("(単位 千円、%)\n個人市民税5,604,6415,604,6418.0\n");
        let got: Vec<f64> = f.iter().map(|f| f.value).collect();
        assert_eq!(got, vec![5_604_641_000.0, 5_604_641_000.0], "{f:?}");
        assert_eq!(f[0].label, "個人市民税");
        assert_eq!(super::row_heading("1 市 税"), "市税");
        assert_eq!(super::row_heading("(2) 民生費"), "民生費");
        assert_eq!(super::row_heading("予備費100,000100,0000.1"), "予備費");
        assert_eq!(
            super::row_heading("0 / 【企業会計】 (単位 千円)"),
            "企業会計"
        );
        let f = extract("(単位 千円)\n8土木費5,887,53045,7955,933,3258.5\n");
        assert!(f.iter().all(|f| f.label == "土木費"), "{f:?}");
        // An item number, a tank's size: no count.
        assert!(extract("2事業費用").is_empty());
        assert!(extract("修繕料10人槽以下").is_empty());
        assert!(extract("002 事業事務費").is_empty());
        assert_eq!(one("003 一般職30人").value, 30.0);
        let f = extract("(単位 千円)\n5,898 △ 30,500 42,700\n");
        assert_eq!(f[1].value, -30_500_000.0, "{f:?}");
    }

    fn labels(text: &str) -> Vec<(String, LabelFrom)> {
        extract(text)
            .into_iter()
            .map(|f| (f.label, f.label_from))
            .collect()
    }

    #[test]
    fn rows_are_labelled_by_their_heading_in_words() {
        use LabelFrom::{None as Nothing, Row, Words};
        let l = |s: &str| (s.to_string(), Row);
        let w = |s: &str| (s.to_string(), Words);
        // A total is a word (合計, 小計), not 「計」 before a number.
        assert_eq!(
            labels("(単位 千円)\n合計69,408,240 579,855\n小計1,234,567\n"),
            vec![l("合計"), l("合計"), w("小計")]
        );
        // Names joined by 及び / & / その他.
        assert_eq!(
            labels("(単位 千円)\n15 使用料及び手数料986,156 986,156 1.4\n"),
            vec![w("使用料及び手数料"), l("使用料及び手数料")]
        );
        assert_eq!(
            labels("(単位 千円)\nその他4,457,906\nその他事務事業合計139,924 △ 34,532\n"),
            vec![
                w("その他"),
                w("その他事務事業合計"),
                l("その他事務事業合計")
            ]
        );
        // The words the row's cells follow, not the line's first word.
        assert_eq!(
            labels("(単位 千円)\n計2,956 381,756市長等5 0 46,512 20,467\n")[3],
            l("市長等")
        );
        assert_eq!(
            labels("(単位 千円)\n1)架空費 施設維持管理事業35,783 35,700\n")[1],
            l("施設維持管理事業")
        );
        // Letters spread over a cell.
        assert_eq!(labels("単位:円\n大学 卒226,100\n"), vec![w("大学卒")]);
        // Brackets are no part of a name.
        assert_eq!(labels("<減免総額> 305,659千円"), vec![l("減免総額")]);
        // A count under its row, alone on its line.
        assert_eq!(
            labels("建築中間検査手数料 16\n1件\n架空確認手数料 332\n14件\n"),
            vec![l("建築中間検査手数料"), l("架空確認手数料")]
        );
        // A counter after a number is no label (「1通350円」): none, not 「通」.
        assert_eq!(labels("1通350円"), vec![(String::new(), Nothing)]);
        // Frequencies and item numbers never make a label.
        assert_eq!(labels("説明会を年間5回開催する。"), vec![w("説明会")]);
        assert_eq!(
            labels("(単位:千円)\n1 社会福祉費5,657,957\n"),
            vec![w("社会福祉費")]
        );
        assert_eq!(
            labels("事業者と19の連携協定を締結した。")[0].1,
            LabelFrom::Counted
        );
    }

    #[test]
    fn a_share_a_rate_and_a_noun_with_kana_make_whole_labels() {
        use LabelFrom::Words;
        let w = |s: &str| (s.to_string(), Words);
        // A number restating a share names the share.
        assert_eq!(
            labels("賛成が出席委員の3分の2(12名)以上となった。"),
            vec![w("出席委員の3分の2")]
        );
        // An amount for each one of something.
        assert_eq!(
            labels("園児1人あたり12,300円(月額1,100円)")[1],
            w("園児1人あたり")
        );
        // Hiragana inside a compound noun, never a particle or a verb's end.
        assert_eq!(
            labels("架空健診 大腸がん検診1,234人"),
            vec![w("大腸がん検診")]
        );
        assert_eq!(
            labels("架空学校むし歯予防事業 30校"),
            vec![w("架空学校むし歯予防事業")]
        );
        assert_eq!(labels("市が検診 5回"), vec![w("検診")]);
        assert_eq!(labels("実施した研修 3回"), vec![w("研修")]);
        assert_eq!(labels("県より補助 2件"), vec![w("補助")]);
        assert_eq!(
            labels("架空費、及び架空改造費補助金 7件"),
            vec![w("架空改造費補助金")]
        );
        assert_ne!(
            labels("架空町のように子ども1人あたり月5千円")[1].0,
            "人あたり月"
        );
    }

    #[test]
    fn a_range_gives_no_count() {
        assert!(extract("架空講座 3科目 4~9回").is_empty());
        assert!(extract("参加者 10〜20人").is_empty());
        assert_eq!(one("講座 9回").value, 9.0);
    }

    #[test]
    fn a_legend_key_or_a_note_in_brackets_is_no_part_of_a_row_name() {
        use LabelFrom::Row;
        let l = |s: &str| (s.to_string(), Row);
        assert_eq!(
            labels("(単位 千円)\n架空会計 債) 104,600\n"),
            vec![l("架空会計")]
        );
        assert_eq!(
            labels("(単位 千円)\n5)架空計画費 架空公園整備事業(補助) 13,000\n"),
            vec![l("架空公園整備事業")]
        );
        // Brackets within the note.
        assert_eq!(
            labels("架空市 120 3.4% 2世代世帯(本人(夫婦を含む)と子) 627 39.8%")[1],
            l("世代世帯")
        );
        // The whole cell, hiragana and all.
        assert_eq!(
            labels("架空手当 まつくい虫防除散布(年2回)47.15ha").last(),
            Some(&l("まつくい虫防除散布"))
        );
    }

    #[test]
    fn rows_of_years_are_labelled_by_their_columns() {
        use LabelFrom::Words;
        let w = |s: &str| (s.to_string(), Words);
        let want = vec![
            w("給料(本年度)"),
            w("共済費(本年度)"),
            w("給料(前年度)"),
            w("共済費(前年度)"),
            w("共済費(比較)"),
        ];
        assert_eq!(
            labels(
                "(単位 千円)\n本年度 給料 7,000 共済費 2,500\n前年度 給料 6,800 共済費 2,300\n比較 共済費 1,200\n"
            ),
            want
        );
        // The rows run together in one line.
        assert_eq!(
            labels(
                "(単位 千円)\n本年度 給料7,000 共済費2,500前年度 給料6,800 共済費2,300比較 共済費1,200\n"
            ),
            want
        );
        // After the table's own heading; a decrease after its column.
        assert_eq!(
            labels("(単位 千円)\n区分 給料 共済費 本年度 給料 7,000 共済費 △ 2,500\n"),
            vec![w("給料(本年度)"), w("共済費(本年度)")]
        );
        // A row of a year without its columns keeps the year.
        assert_eq!(labels("(単位 千円)\n前年度 6,800 2,300\n")[0].0, "前年度");
    }

    #[test]
    fn words_that_look_like_numerals_and_ordinals_are_not_figures() {
        assert!(extract("一般会計の万全な運営と一人ひとりの参加。").is_empty());
        assert!(extract("第4次総合計画の推進").is_empty());
        assert!(extract("令和3年(2021年)4月1日").is_empty());
    }
}

/// A passage title as a row's label: without its numbering (「1 市税」,
/// 「(2) 民生費」, 「0 / 社会教育課」) and brackets, spacing closed up
/// (「市 税」), up to the first number or unit note (「予備費100,000」 →
/// 予備費); at most 30 characters.
fn row_heading(title: &str) -> String {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "()（）.．、・/-－【】[]①②③④⑤⑥⑦⑧⑨⑩".contains(c)
    });
    let end = t
        .find(|c: char| c.is_ascii_digit() || "(（【[/".contains(c))
        .unwrap_or(t.len());
    let t = t[..end].trim_end_matches(|c: char| "】]・、".contains(c));
    if t.chars().count() > 30 || !t.chars().any(is_word_char) {
        return String::new();
    }
    t.to_string()
}

/// The heading of the table row a number stands in: the first words of its
/// line (「8土木費5,887,53045,795…」 → 土木費), when they come before it.
/// Otherwise the words the row's cells of numbers follow (「市長等5 0
/// 46,512 20,467」 → 市長等; 「1)商工費 施設維持管理事業35,783 35,700」 →
/// 施設維持管理事業); letters spread over a cell count as one word
/// (「1 市 税 16,485,497」 → 市税).
fn line_head(sentence: &str, at: usize) -> String {
    let start = sentence[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &sentence[start..at];
    let mut cells = line
        .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace() || ",.△▲%".contains(c));
    // A note in brackets after a name (「都市公園施設長寿命化事業 (補助)」,
    // 「松くい虫防除薬剤散布(年2回)」): the name is the cell before it.
    if cells.ends_with([')', '）'])
        && let Some(open) = matching_open(cells)
    {
        let name = cells[..open].trim_end();
        let cell = name.rfind(char::is_whitespace).map_or(name, |k| &name[k..]);
        let h = row_heading(cell);
        if h.chars().count() >= 2 && !name.ends_with(|c: char| c.is_ascii_digit()) {
            return h;
        }
    }
    // A legend's key in a cell (「一般会計 債) 104,600」: 債 = 地方債) is no
    // part of the row's name.
    if cells.ends_with([')', '）'])
        && let Some(sp) = cells.rfind(char::is_whitespace)
        && !cells[sp..].contains(['(', '（'])
    {
        cells = cells[..sp].trim_end();
    }
    let word = noun_before(cells, cells.len());
    if word.chars().count() >= 2 {
        return cells[name_start(cells, cells.len() - word.len())..].to_string();
    }
    row_heading(line)
}

/// The year a table row stands for when its heading is one (「本年度」
/// 「前年度」「比較」「増減」「令和5年度」): its numbers are said by the
/// columns, not by the row.
pub(crate) fn is_period(heading: &str) -> bool {
    static PERIOD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(本|前|今|昨|当|翌|次)年度?$|^(比較|増減|差引|前年比|前年度比|対前年度比)$|^((令和|平成)[0-9元]+|[0-9]{4})年度?$",
        )
        .expect("period regex")
    });
    PERIOD.is_match(heading)
}

/// The column and the year of a number in a table whose rows are years,
/// its columns' headings said before each number (「本年度 共済費
/// 2,509,962 … 前年度 共済費 2,359,288」): the word just before the number
/// and the last year a row opened with before it (after the line's start
/// or the previous row's numbers), with only headings and numbers between.
fn period_column(before: &str) -> Option<(String, String)> {
    static ROW: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:^|[\s0-9%])((?:本|前|今|昨|当|翌|次)年度?|比\s?較|増\s?減|差\s?引|前年度?比|対前年度比|(?:令和|平成)[0-9元]+年度?)(?:[\s0-9]|$)",
        )
        .expect("period row regex")
    });
    let m = ROW.captures_iter(before).last()?.get(1)?;
    let period: String = m.as_str().split_whitespace().collect();
    let cells = before.trim_end_matches(|c: char| c.is_whitespace() || "△▲".contains(c));
    let col = noun_before(cells, cells.len());
    let col_start = cells.len() - col.len();
    if col.is_empty() || col_start < m.end() || col == period {
        return None;
    }
    let between = &before[m.end()..col_start];
    if between
        .chars()
        .any(|c| is_hiragana(c) && c != 'の' || "。、".contains(c))
    {
        return None;
    }
    Some((col.to_string(), period))
}

/// Where the bracket closing `s` opens (「世帯(本人(夫婦)と子)」 → 世帯|).
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a label is a word and not a fragment: more than one letter, or
/// one standing alone (「国 1,234」), not a counter after a number (「1通」).
fn is_label(label: &str, line: &str) -> bool {
    if label.chars().count() >= 2 {
        return true;
    }
    let Some(at) = line.find(label) else {
        return false;
    };
    !label.is_empty()
        && !line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || is_word_char(c))
}

/// The heading of a line that is a table row: words, then a number ending
/// the line (「建築中間検査手数料 16」).
fn row_of(line: &str) -> Option<String> {
    let line = line.trim();
    let word = line.find(is_word_char)?;
    let first = word + line[word..].find(|c: char| c.is_ascii_digit())?;
    let rest = &line[first..];
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || ",.△▲".contains(c))
    {
        return None;
    }
    let h = row_heading(&line[..first]);
    (h.chars().count() >= 2).then_some(h)
}

/// A label without its brackets (「<減免総額>」 → 減免総額).
fn unbracket(label: String) -> String {
    let t = label.trim_matches(|c: char| "<>＜＞〈〉《》【】[]「」『』".contains(c));
    if t.len() == label.len() {
        label
    } else {
        t.to_string()
    }
}

/// The pages of a passage: its first, and where its text goes on to
/// another (char offsets).
#[derive(Clone, Copy)]
struct Pages<'a> {
    first: Option<u32>,
    breaks: &'a [crate::sections::PageBreak],
}

impl Pages<'_> {
    /// The page of byte `at` of `text`.
    fn page_at(&self, text: &str, at: usize) -> Option<u32> {
        let first = self.first?;
        let chars = text.get(..at).map_or(0, |t| t.chars().count()) as u32;
        Some(
            self.breaks
                .iter()
                .take_while(|b| b.at <= chars)
                .last()
                .map_or(first, |b| b.page),
        )
    }
}

/// A figure with where it was found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureOut {
    pub value: f64,
    pub unit: String,
    pub kind: Kind,
    pub label: String,
    pub label_from: LabelFrom,
    pub context: String,
    /// The physical page of a PDF the number stands on.
    pub page: Option<u32>,
    pub doc_id: String,
    pub section_id: String,
    pub city: Option<String>,
    pub year: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub figures: Vec<FigureOut>,
}

impl super::Engine {
    /// Figures of one document (`doc_id`), or of the best passages of a
    /// search (their sentences that hold a searched word).
    pub fn figures(
        &self,
        req: &super::SearchRequest,
        doc_id: Option<&str>,
    ) -> crate::error::Result<Figures> {
        let mut figures = Vec::new();
        let mut push = |text: &str,
                        heading: &str,
                        unit: Option<f64>,
                        pages: Pages<'_>,
                        doc_id: &str,
                        section_id: &str,
                        city: &Option<String>,
                        year: Option<i64>,
                        keep: &dyn Fn(&Figure) -> bool| {
            for f in extract_in(text, unit).into_iter().filter(|f| keep(f)) {
                // A table row's amount without a word before it is labelled
                // by the row's heading (the passage's title: 「市税」).
                let (label, label_from) = if f.label.is_empty() {
                    let h = row_heading(heading);
                    let from = if h.is_empty() {
                        LabelFrom::None
                    } else {
                        LabelFrom::Title
                    };
                    (h, from)
                } else {
                    (f.label, f.label_from)
                };
                figures.push(FigureOut {
                    value: f.value,
                    unit: f.unit,
                    kind: f.kind,
                    label,
                    label_from,
                    context: f.context,
                    page: pages.page_at(text, f.at),
                    doc_id: doc_id.to_string(),
                    section_id: section_id.to_string(),
                    city: city.clone(),
                    year,
                });
            }
        };
        // A sentence holds a searched word when it holds one of the plan's
        // forms (the search counted the same).
        let searcher = self.searcher();
        let plan = if req.q.trim().is_empty() {
            None
        } else {
            Some(self.plan_query(&searcher, &req.q, req.options)?)
        };
        let words: Vec<String> = plan
            .iter()
            .flat_map(|p| p.chunks())
            .flat_map(|c| c.forms.iter().map(|f| f.text.clone()))
            .collect();
        let keep =
            |f: &Figure| words.is_empty() || words.iter().any(|w| f.context.contains(w.as_str()));
        if let Some(doc_id) = doc_id {
            let d = self.document(doc_id)?;
            // A unit stated above a table (「単位：千円」 in the heading's
            // passage) holds for the passages after it on the same page.
            // (Text without pages or sheets keeps a unit to its passage.)
            let mut stated: Option<(String, f64)> = None;
            for s in &d.section_list {
                super::budget::check()?;
                let place = s
                    .page
                    .map(|p| format!("p{p}"))
                    .or_else(|| s.sheet.as_ref().map(|x| format!("s{x}")));
                let inherited = stated
                    .as_ref()
                    .filter(|(p, _)| place.as_ref() == Some(p))
                    .map(|(_, u)| *u);
                match (table_unit(&s.title).or_else(|| table_unit(&s.text)), &place) {
                    (Some(u), Some(p)) => stated = Some((p.clone(), u)),
                    _ if inherited.is_none() => stated = None,
                    _ => {}
                }
                let unit = table_unit(&s.title).or(inherited);
                push(
                    &s.text,
                    &s.title,
                    unit,
                    Pages {
                        first: s.page,
                        breaks: &s.page_breaks,
                    },
                    doc_id,
                    &s.section_id,
                    &d.summary.city,
                    d.summary.year,
                    &keep,
                );
            }
        } else {
            let mut req = req.clone();
            req.limit = super::MAX_LIMIT;
            req.offset = 0;
            req.include_text = true;
            req.facets = false;
            req.partial = false;
            // The passages' text is read, never highlighted.
            req.snippets = false;
            let Some(plan) = &plan else {
                return Ok(Figures { figures });
            };
            let hits = self
                .search_planned(&req, &searcher, plan, std::time::Instant::now())?
                .hits;
            for h in hits {
                super::budget::check()?;
                // A hit records the pages it spans, not where: a page only
                // when it is one.
                push(
                    h.text.as_deref().unwrap_or_default(),
                    &h.section_title,
                    None,
                    Pages {
                        first: h.pages.filter(|(a, b)| a == b).map(|(a, _)| a),
                        breaks: &[],
                    },
                    &h.doc_id,
                    &h.section_id,
                    &h.city,
                    h.year,
                    &keep,
                );
            }
        }
        Ok(Figures { figures })
    }
}
