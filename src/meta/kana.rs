//! Kana helpers: katakana → hiragana and Hepburn romanization, used to
//! match city readings in hiragana text («広報とよなか») and in romaji folder
//! names (`otaru/`, `Kiryu`).

/// Converts katakana to hiragana; everything else is kept.
pub fn to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

pub use crate::analysis::script::is_hiragana;

/// A character of a kanji place name: a kanji, or the counter ヶ of
/// 鶴ヶ島 and 霞ヶ浦.
pub fn is_han(c: char) -> bool {
    crate::analysis::script::is_kanji(c) || c == 'ヶ'
}

/// Hepburn syllables, two-kana combinations first.
const SYLLABLES: &[(&str, &str)] = &[
    ("きゃ", "kya"),
    ("きゅ", "kyu"),
    ("きょ", "kyo"),
    ("しゃ", "sha"),
    ("しゅ", "shu"),
    ("しょ", "sho"),
    ("ちゃ", "cha"),
    ("ちゅ", "chu"),
    ("ちょ", "cho"),
    ("にゃ", "nya"),
    ("にゅ", "nyu"),
    ("にょ", "nyo"),
    ("ひゃ", "hya"),
    ("ひゅ", "hyu"),
    ("ひょ", "hyo"),
    ("みゃ", "mya"),
    ("みゅ", "myu"),
    ("みょ", "myo"),
    ("りゃ", "rya"),
    ("りゅ", "ryu"),
    ("りょ", "ryo"),
    ("ぎゃ", "gya"),
    ("ぎゅ", "gyu"),
    ("ぎょ", "gyo"),
    ("じゃ", "ja"),
    ("じゅ", "ju"),
    ("じょ", "jo"),
    ("ぢゃ", "ja"),
    ("ぢゅ", "ju"),
    ("ぢょ", "jo"),
    ("びゃ", "bya"),
    ("びゅ", "byu"),
    ("びょ", "byo"),
    ("ぴゃ", "pya"),
    ("ぴゅ", "pyu"),
    ("ぴょ", "pyo"),
    ("あ", "a"),
    ("い", "i"),
    ("う", "u"),
    ("え", "e"),
    ("お", "o"),
    ("か", "ka"),
    ("き", "ki"),
    ("く", "ku"),
    ("け", "ke"),
    ("こ", "ko"),
    ("さ", "sa"),
    ("し", "shi"),
    ("す", "su"),
    ("せ", "se"),
    ("そ", "so"),
    ("た", "ta"),
    ("ち", "chi"),
    ("つ", "tsu"),
    ("て", "te"),
    ("と", "to"),
    ("な", "na"),
    ("に", "ni"),
    ("ぬ", "nu"),
    ("ね", "ne"),
    ("の", "no"),
    ("は", "ha"),
    ("ひ", "hi"),
    ("ふ", "fu"),
    ("へ", "he"),
    ("ほ", "ho"),
    ("ま", "ma"),
    ("み", "mi"),
    ("む", "mu"),
    ("め", "me"),
    ("も", "mo"),
    ("や", "ya"),
    ("ゆ", "yu"),
    ("よ", "yo"),
    ("ら", "ra"),
    ("り", "ri"),
    ("る", "ru"),
    ("れ", "re"),
    ("ろ", "ro"),
    ("わ", "wa"),
    ("ゐ", "i"),
    ("ゑ", "e"),
    ("を", "o"),
    ("が", "ga"),
    ("ぎ", "gi"),
    ("ぐ", "gu"),
    ("げ", "ge"),
    ("ご", "go"),
    ("ざ", "za"),
    ("じ", "ji"),
    ("ず", "zu"),
    ("ぜ", "ze"),
    ("ぞ", "zo"),
    ("だ", "da"),
    ("ぢ", "ji"),
    ("づ", "zu"),
    ("で", "de"),
    ("ど", "do"),
    ("ば", "ba"),
    ("び", "bi"),
    ("ぶ", "bu"),
    ("べ", "be"),
    ("ぼ", "bo"),
    ("ぱ", "pa"),
    ("ぴ", "pi"),
    ("ぷ", "pu"),
    ("ぺ", "pe"),
    ("ぽ", "po"),
    ("ぁ", "a"),
    ("ぃ", "i"),
    ("ぅ", "u"),
    ("ぇ", "e"),
    ("ぉ", "o"),
    ("ゃ", "ya"),
    ("ゅ", "yu"),
    ("ょ", "yo"),
];

/// Strict Hepburn with long vowels spelled out (きりゅう → `kiryuu`), or
/// `None` when the input holds something other than hiragana.
pub fn hepburn(hira: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = hira;
    let mut geminate = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('っ') {
            geminate = true;
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('ん') {
            out.push('n');
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('ー') {
            let last = out.chars().last()?;
            out.push(last);
            rest = r;
            continue;
        }
        let &(kana, roma) = SYLLABLES.iter().find(|(k, _)| rest.starts_with(k))?;
        if geminate {
            // っち → tchi (Hepburn), otherwise the consonant doubles.
            out.push(if roma.starts_with("ch") {
                't'
            } else {
                roma.chars().next()?
            });
            geminate = false;
        }
        out.push_str(roma);
        rest = &rest[kana.len()..];
    }
    Some(out)
}

/// The spellings a folder name may use for a reading: strict Hepburn, long
/// vowels dropped as in common usage (`kiryu`, `osaka`), and ん before b/m/p
/// written `m` (`gumma`).
pub fn romaji_variants(hira: &str) -> Vec<String> {
    let Some(strict) = hepburn(hira) else {
        return Vec::new();
    };
    let short = strict
        .replace("ou", "o")
        .replace("oo", "o")
        .replace("uu", "u");
    let mut out = vec![strict, short];
    for i in 0..out.len() {
        let m = labial_m(&out[i]);
        out.push(m);
    }
    out.sort();
    out.dedup();
    out
}

fn labial_m(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        let next = b.get(i + 1).copied();
        if c == b'n' && matches!(next, Some(b'b' | b'm' | b'p')) {
            out.push('m');
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Folds the macron / circumflex vowels of Hepburn to plain ASCII (`Ōsaka`).
pub fn fold_latin(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ā' | 'â' | 'Ā' | 'Â' => 'a',
            'ī' | 'î' | 'Ī' | 'Î' => 'i',
            'ū' | 'û' | 'Ū' | 'Û' => 'u',
            'ē' | 'ê' | 'Ē' | 'Ê' => 'e',
            'ō' | 'ô' | 'Ō' | 'Ô' => 'o',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn katakana_becomes_hiragana() {
        assert_eq!(to_hiragana("トヨナカシ"), "とよなかし");
        assert_eq!(to_hiragana("ヴ豊"), "ゔ豊");
    }

    #[test]
    fn hepburn_spellings() {
        assert_eq!(hepburn("おたる").as_deref(), Some("otaru"));
        assert_eq!(hepburn("のべおか").as_deref(), Some("nobeoka"));
        assert_eq!(hepburn("きりゅう").as_deref(), Some("kiryuu"));
        assert_eq!(hepburn("はっちょう").as_deref(), Some("hatchou"));
        assert_eq!(hepburn("さっぽろ").as_deref(), Some("sapporo"));
        assert_eq!(hepburn("とよ中"), None);
    }

    #[test]
    fn variants_cover_common_spellings() {
        let v = romaji_variants("きりゅう");
        assert!(v.contains(&"kiryu".to_string()), "{v:?}");
        let v = romaji_variants("おおさか");
        assert!(v.contains(&"osaka".to_string()), "{v:?}");
        let v = romaji_variants("ぐんま");
        assert!(v.contains(&"gumma".to_string()) && v.contains(&"gunma".to_string()));
        assert_eq!(fold_latin("Ōsaka"), "osaka");
    }
}
