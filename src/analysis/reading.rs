//! Readings and the rules that make differently written words equal (表記ゆれ).
//!
//! Every rule works on terms, never on the stored text, so offsets hold:
//! - **okurigana**: a word written with kanji and kana (申し込み, 引き上げる)
//!   also yields its kanji skeleton (申込, 引上) when the skeleton is not a
//!   different word of its own (生き物 ≠ 生物: the readings disagree);
//! - **kana words**: a hiragana noun also yields its katakana form (ごみ → ゴミ);
//! - **readings**: every word has a reading (IPADIC's reading feature, or its
//!   surface in katakana for unknown words), indexed in a field of its own so
//!   a query typed in kana finds the words it reads as (たいきじどう → 待機児童).

pub use super::script::{is_hiragana, is_kana, is_kanji, is_katakana};

/// Hiragana to katakana; everything else unchanged.
pub fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A query atom typed in kana only (at least two characters): searched by
/// reading.
pub fn kana_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    (chars.len() >= 2 && chars.iter().all(|&c| is_kana(c)))
        .then(|| unvoice(&to_katakana(&chars.iter().collect::<String>())))
}

/// The reading term of a word: the dictionary reading, or the surface in
/// katakana when the dictionary has none; Latin lowercased.
pub fn reading_term(surface: &str, reading: &str) -> String {
    if reading.is_empty() || reading == "*" {
        to_katakana(&surface.to_lowercase())
    } else {
        to_katakana(reading)
    }
}

/// The term of a reading in the reading field: without voicing marks.
pub fn reading_key(reading: &str) -> String {
    unvoice(reading)
}

/// Whether two readings of the same kanji are the same word, allowing a
/// different inflection ending (モウシコミ / モウシコム).
/// IPADIC reads some spellings differently (立入 タテイリ, 立ち入り タチイリ):
/// one differing kana is still the same word.
pub fn readings_agree(a: &str, b: &str) -> bool {
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let shorter = ac.len().min(bc.len());
    (common >= 1 && common + 2 >= shorter) || (shorter >= 3 && edit_distance(a, b, 1) <= 1)
}

/// Katakana without voicing marks (ジョ → ショ, バ → ハ): a reading in the
/// dictionary often differs from the one typed only there (保育所 ホイクジョ /
/// ほいくしょ, rendaku), so readings are compared without them.
pub fn unvoice(s: &str) -> String {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let base = match u {
                // ガ..ヂ: voiced on even code points; ヅ..ド: on odd ones.
                0x30ac..=0x30c2 if u.is_multiple_of(2) => u - 1,
                0x30c5..=0x30c9 if u % 2 == 1 => u - 1,
                // ハ行: ハ, バ, パ in steps of three.
                0x30cf..=0x30dd => 0x30cf + (u - 0x30cf) / 3 * 3,
                0x30f4 => 0x30a6,
                _ => u,
            };
            char::from_u32(base).unwrap_or(c)
        })
        .collect()
}

/// The extra term that makes variant spellings of `term` equal, if any.
/// `reading` is the word's reading in katakana, `noun` whether it is a noun,
/// and `lookup(skeleton)` the reading of the skeleton when the dictionary
/// knows it as one word.
pub fn variant_key(
    term: &str,
    reading: &str,
    noun: bool,
    lookup: impl FnOnce(&str) -> Option<String>,
) -> Option<String> {
    let kanji = term.chars().filter(|&c| is_kanji(c)).count();
    let kana = term.chars().filter(|&c| is_kana(c)).count();
    if kanji == 0 {
        // ごみ = ゴミ: hiragana nouns also index their katakana form.
        if noun && kana > 1 && term.chars().any(is_hiragana) && kana == term.chars().count() {
            return Some(to_katakana(term));
        }
        return None;
    }
    if kana == 0 || kanji + kana != term.chars().count() {
        return None;
    }
    // The skeleton: the kanji alone, 々 spelled out.
    let mut skeleton = String::new();
    let mut prev = None;
    for c in term.chars().filter(|&c| is_kanji(c)) {
        let c = if c == '々' { prev.unwrap_or(c) } else { c };
        skeleton.push(c);
        prev = Some(c);
    }
    // Written once with kanji and once in kana (一人ひとり, ヒトリヒトリ): the
    // kanji twice, as a text writing 一人一人 indexes it.
    let r: Vec<char> = reading.chars().collect();
    if r.len() >= 4 && r.len().is_multiple_of(2) && r[..r.len() / 2] == r[r.len() / 2..] {
        return Some(format!("{skeleton}{skeleton}"));
    }
    if kanji == 1 {
        // One kanji reads many ways (生きる, 生まれる; 進む, 進める share even
        // the first kana): too ambiguous to key on.
        return None;
    }
    match lookup(&skeleton) {
        Some(r) if !readings_agree(&r, reading) => None,
        _ => Some(skeleton),
    }
}

/// The key a query word searches beside itself when the dictionary gave it
/// none: a kanji word is its own skeleton (申込), a kana word its katakana
/// spelling (ゴミ).
pub fn query_key(term: &str) -> Option<String> {
    let n = term.chars().count();
    if n >= 2 && term.chars().all(is_kanji) {
        return Some(term.to_string());
    }
    (n >= 2 && term.chars().all(is_kana)).then(|| to_katakana(term))
}

/// Katakana spelling variants folded to one form: ウィ/ウェ/ウォ → ウイ/ウエ/ウオ,
/// ヴァ/ヴィ/ヴ/ヴェ/ヴォ → バ/ビ/ブ/ベ/ボ. `None` when nothing changes.
pub fn fold_katakana(term: &str) -> Option<String> {
    if !term.contains(['ウ', 'ヴ']) {
        return None;
    }
    let chars: Vec<char> = term.chars().collect();
    let mut out = String::with_capacity(term.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (c, next) {
            ('ウ', Some('ィ')) => {
                out.push_str("ウイ");
                i += 2;
            }
            ('ウ', Some('ェ')) => {
                out.push_str("ウエ");
                i += 2;
            }
            ('ウ', Some('ォ')) => {
                out.push_str("ウオ");
                i += 2;
            }
            ('ヴ', Some(small @ ('ァ' | 'ィ' | 'ェ' | 'ォ'))) => {
                out.push(match small {
                    'ァ' => 'バ',
                    'ィ' => 'ビ',
                    'ェ' => 'ベ',
                    _ => 'ボ',
                });
                i += 2;
            }
            ('ヴ', _) => {
                out.push('ブ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out != term).then_some(out)
}

/// Splits a katakana reading into terms the index knows (`df` > 0), fewest
/// terms first, then the most frequent ones (ホイク+ショ over ホイ+クショ).
/// `None` when no split covers it.
pub fn segment_reading(reading: &str, df: impl Fn(&str) -> u64) -> Option<Vec<String>> {
    const MAX_WORD: usize = 16;
    let chars: Vec<char> = reading.chars().collect();
    let n = chars.len();
    // best[i]: (terms, -Σ ln df) covering chars[..i], and where the last began.
    let mut best: Vec<Option<(usize, f64, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0.0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(MAX_WORD)..end {
            let Some((count, cost, _)) = best[start] else {
                continue;
            };
            if best[end].is_some_and(|(c, _, _)| c < count + 1) {
                continue;
            }
            let piece: String = chars[start..end].iter().collect();
            let f = df(&piece);
            if f == 0 {
                continue;
            }
            let cand = (count + 1, cost - (f as f64).ln_1p(), start);
            if best[end].is_none_or(|(c, k, _)| (cand.0, cand.1) < (c, k)) {
                best[end] = Some(cand);
            }
        }
    }
    best[n]?;
    let mut out = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, _, start) = best[end]?;
        out.push(chars[start..end].iter().collect());
        end = start;
    }
    out.reverse();
    Some(out)
}

/// Edit distance between two strings, in characters, capped at `max + 1`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()].min(max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katakana_and_kana_queries() {
        assert_eq!(to_katakana("たいきじどう"), "タイキジドウ");
        assert_eq!(kana_query("ほいくしょ").as_deref(), Some("ホイクショ"));
        assert_eq!(unvoice("ホイクジョ"), "ホイクショ");
        assert_eq!(unvoice("ガバパヅドヴ"), "カハハツトウ");
        assert_eq!(kana_query("じょせつ").as_deref(), Some("ショセツ"));
        assert_eq!(kana_query("保育所"), None);
        assert_eq!(kana_query("あ"), None);
    }

    #[test]
    fn okurigana_keys_are_the_kanji_skeleton() {
        let none = |_: &str| None;
        assert_eq!(
            variant_key("申し込む", "モウシコミ", false, none).as_deref(),
            Some("申込")
        );
        assert_eq!(
            variant_key("引き上げる", "ヒキアゲ", false, none).as_deref(),
            Some("引上")
        );
        assert_eq!(
            variant_key("見積もり", "ミツモリ", true, none).as_deref(),
            Some("見積")
        );
        // Pure kanji words are their own key.
        assert_eq!(variant_key("申込", "モウシコミ", true, none), None);
        // A skeleton that is another word (生物 セイブツ) is no key of 生き物.
        let seibutsu = |_: &str| Some("セイブツ".to_string());
        assert_eq!(variant_key("生き物", "イキモノ", true, seibutsu), None);
        // One kanji: no key (進む and 進める would share one).
        assert_eq!(variant_key("進める", "ススメ", false, none), None);
        // Doubled words key to the kanji written twice, not to the unit.
        assert_eq!(
            variant_key("一人ひとり", "ヒトリヒトリ", true, none).as_deref(),
            Some("一人一人")
        );
        // Hiragana nouns also index their katakana spelling.
        assert_eq!(
            variant_key("ごみ", "ゴミ", true, none).as_deref(),
            Some("ゴミ")
        );
        assert_eq!(variant_key("いう", "イウ", false, none), None);
    }

    #[test]
    fn readings_agree_up_to_inflection() {
        assert!(readings_agree("モウシコミ", "モウシコム"));
        assert!(!readings_agree("セイブツ", "イキモノ"));
        assert!(readings_agree("タテイリ", "タチイリ"));
    }

    #[test]
    fn katakana_spelling_folds() {
        assert_eq!(fold_katakana("ウィルス").as_deref(), Some("ウイルス"));
        assert_eq!(fold_katakana("ウェブ").as_deref(), Some("ウエブ"));
        assert_eq!(fold_katakana("ヴァイオリン").as_deref(), Some("バイオリン"));
        assert_eq!(fold_katakana("ヴィジョン").as_deref(), Some("ビジョン"));
        assert_eq!(fold_katakana("ウイルス"), None);
        assert_eq!(
            fold_katakana("ウォーキング").as_deref(),
            Some("ウオーキング")
        );
    }

    #[test]
    fn readings_segment_into_known_terms() {
        let known = ["タイキ", "ジドウ", "タイ", "キ", "ジ", "ドウ"];
        let df = |t: &str| u64::from(known.contains(&t));
        let seg = segment_reading("タイキジドウ", df).unwrap();
        assert_eq!(seg, vec!["タイキ", "ジドウ"]);
        assert_eq!(segment_reading("ホゲ", df), None);
        // Equally few pieces: the more frequent ones.
        let df = |t: &str| match t {
            "ホイク" => 28,
            "ショ" => 390,
            "ホイ" => 1,
            "クショ" => 7,
            _ => 0,
        };
        assert_eq!(
            segment_reading("ホイクショ", df).unwrap(),
            vec!["ホイク", "ショ"]
        );
    }

    #[test]
    fn edit_distance_counts_chars() {
        assert_eq!(edit_distance("公民連係", "公民連携", 1), 1);
        assert_eq!(edit_distance("公民連携", "公民連携", 1), 0);
        assert_eq!(edit_distance("公民", "公民連携", 1), 2);
    }
}
