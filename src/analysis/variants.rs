//! Variant-character folding beyond NFKC: kanji pairs that NFKC keeps apart
//! but Japanese municipal writing uses interchangeably (国土強靱化 / 国土強靭化).
//! Applied to index terms and query terms alike; stored text keeps the
//! original spelling. Every mapping is one char to one char, so offsets hold.

/// (variant, canonical) pairs. The canonical form is the one in common use.
const PAIRS: &[(char, char)] = &[
    ('靱', '靭'),
    ('檜', '桧'),
    ('齊', '斉'),
    ('齋', '斎'),
    ('龍', '竜'),
    ('舘', '館'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('髙', '高'),
    ('﨑', '崎'),
    ('嶋', '島'),
    ('冨', '富'),
    ('德', '徳'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('槇', '槙'),
    ('瀨', '瀬'),
    ('國', '国'),
    ('澤', '沢'),
    ('廣', '広'),
    ('會', '会'),
    ('學', '学'),
    ('縣', '県'),
    ('鄕', '郷'),
    ('淸', '清'),
    ('眞', '真'),
    ('惠', '恵'),
    ('桒', '桑'),
    ('煕', '熙'),
    ('晄', '晃'),
    ('峯', '峰'),
    ('萬', '万'),
    ('彌', '弥'),
    ('鷗', '鴎'),
    ('蠟', '蝋'),
    ('剝', '剥'),
    ('頰', '頬'),
];

/// The canonical form of one character.
pub fn fold_char(c: char) -> char {
    // The table is small; a linear scan beats a hash for the common case of
    // a character that is in no pair, after the range check below.
    if (c as u32) < 0x3400 {
        return c;
    }
    PAIRS
        .iter()
        .find(|(v, _)| *v == c)
        .map(|(_, canon)| *canon)
        .unwrap_or(c)
}

/// Folds variant characters only (no case change); borrows when unchanged.
/// Counter forms fold too (1ヶ月 = 1か月 = 1カ月 = 1箇月, か所 = 箇所): every
/// mapping keeps the UTF-8 length, so offsets into `text` hold.
pub fn fold_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| fold_char(c) == c) && !has_counter(text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        let chars: Vec<char> = text.chars().collect();
        std::borrow::Cow::Owned(
            (0..chars.len())
                .map(|i| {
                    if is_counter_at(&chars, i) {
                        '箇'
                    } else {
                        fold_char(chars[i])
                    }
                })
                .collect(),
        )
    }
}

/// Small and large ケ/カ, か and ヵ written for the counter 箇.
const COUNTER_FORMS: &[char] = &['ヶ', 'ケ', 'カ', 'か', 'ヵ'];
/// Counted things after 箇.
const COUNTED: &[char] = &['所', '月', '年', '国', '条'];

fn has_counter(text: &str) -> bool {
    text.contains(COUNTER_FORMS)
}

/// Whether `chars[i]` is a counter 箇 written another way: before a counted
/// thing and after a number (か所 also on its own: 箇所).
fn is_counter_at(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if !COUNTER_FORMS.contains(&c) {
        return false;
    }
    let Some(&next) = chars.get(i + 1) else {
        return false;
    };
    if !COUNTED.contains(&next) {
        return false;
    }
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let numeric =
        prev.is_some_and(|p| p.is_ascii_digit() || "一二三四五六七八九十百千何数各両".contains(p));
    numeric || (next == '所' && (c != 'か' || prev.is_none_or(|p| !p.is_alphabetic())))
}

/// Folds variants and lowercases; returns `None` when nothing changed so the
/// caller can avoid an allocation.
pub fn fold_term(term: &str) -> Option<String> {
    let folded = fold_chars(term);
    let base = folded.as_deref().unwrap_or(term);
    let kata = super::reading::fold_katakana(base);
    let base = kata.as_deref().unwrap_or(base);
    // 人々 = 人人: the iteration mark repeats the kanji before it.
    let iterated = base.contains('々').then(|| {
        let mut out = String::with_capacity(base.len());
        let mut prev = None;
        for c in base.chars() {
            let c = if c == '々' { prev.unwrap_or(c) } else { c };
            out.push(c);
            prev = Some(c);
        }
        out
    });
    iterated.or(kata).or(folded)
}

fn fold_chars(term: &str) -> Option<String> {
    // Wi-Fi = WiFi: hyphens and dots inside a Latin word do not count.
    let joiner = |c: char| super::dictionary::is_latin_joiner(c.encode_utf8(&mut [0; 4]));
    let latin_joined = term.contains(joiner)
        && term.chars().any(|c| c.is_ascii_alphabetic())
        && term.chars().all(|c| c.is_ascii_alphanumeric() || joiner(c))
        && term.starts_with(|c: char| c.is_ascii_alphanumeric());
    if latin_joined {
        let out: String = term
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        return Some(out);
    }
    let long_vowel = trailing_long_vowel(term);
    let needs = long_vowel || term.chars().any(|c| c.is_uppercase() || fold_char(c) != c);
    if !needs {
        return None;
    }
    let mut out: String = term
        .chars()
        .flat_map(|c| fold_char(c).to_lowercase())
        .collect();
    if long_vowel {
        out.pop();
    }
    Some(out)
}

/// `text` without the final long-vowel mark of the katakana word it ends
/// with, when that word folds it away (人感センサー → 人感センサ): the
/// spelling a query also searches by characters, since the index folds the
/// word but the characters of a katakana compound (センサライト) keep theirs.
pub fn without_final_long_vowel(text: &str) -> Option<String> {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_katakana_word_char(c))
        .last()
        .map_or(text.len(), |(i, _)| i);
    trailing_long_vowel(&text[start..]).then(|| text[..text.len() - 'ー'.len_utf8()].to_string())
}

/// A character of a katakana word: a katakana letter, ー or ・.
fn is_katakana_word_char(c: char) -> bool {
    matches!(c, '\u{30a1}'..='\u{30fa}' | 'ー' | '・')
}

/// Katakana loanwords are written with and without a final long-vowel mark
/// (サーバー / サーバ, ユーザー / ユーザ, コンピューター / コンピュータ: JIS Z 8301
/// allows both). A katakana word of at least four characters drops it, in
/// the index and in queries alike; shorter words keep it, because there the
/// mark tells words apart (ルー / ル).
fn trailing_long_vowel(term: &str) -> bool {
    term.ends_with('ー') && term.chars().count() >= 4 && term.chars().all(is_katakana_word_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_kanji_variants() {
        assert_eq!(fold_term("国土強靱化").as_deref(), Some("国土強靭化"));
        assert_eq!(fold_term("檜原").as_deref(), Some("桧原"));
        assert_eq!(fold_term("龍ケ崎").as_deref(), Some("竜ケ崎"));
        assert_eq!(fold_term("強靭化"), None);
    }

    #[test]
    fn katakana_final_long_vowel_is_optional() {
        assert_eq!(fold_term("サーバー").as_deref(), Some("サーバ"));
        assert_eq!(fold_term("サーバ"), None);
        assert_eq!(fold_term("コンピューター").as_deref(), Some("コンピュータ"));
        // Short words and words that are not all katakana keep it.
        assert_eq!(fold_term("ルー"), None);
        assert_eq!(fold_term("カレールー").as_deref(), Some("カレール"));
        assert_eq!(fold_term("ごみゼロー"), None);
    }

    #[test]
    fn a_final_long_vowel_is_left_off_the_katakana_word_a_text_ends_with() {
        assert_eq!(
            without_final_long_vowel("センサー").as_deref(),
            Some("センサ")
        );
        assert_eq!(
            without_final_long_vowel("人感センサー").as_deref(),
            Some("人感センサ")
        );
        assert_eq!(without_final_long_vowel("センサ"), None);
        assert_eq!(without_final_long_vowel("ルー"), None);
        assert_eq!(
            without_final_long_vowel("カレールー").as_deref(),
            Some("カレール")
        );
        assert_eq!(without_final_long_vowel("ごみゼロー"), None);
    }

    #[test]
    fn lowercases_latin() {
        assert_eq!(fold_term("SDGs").as_deref(), Some("sdgs"));
        assert_eq!(fold_term("dx"), None);
    }

    #[test]
    fn counters_fold_to_one_form() {
        for form in ["1ヶ月", "1か月", "1カ月", "1箇月", "1ヵ月"] {
            assert_eq!(fold_text(form), "1箇月", "{form}");
        }
        for form in ["3か所", "3ヶ所", "3カ所", "箇所", "カ所"] {
            assert!(fold_text(form).ends_with("箇所"), "{form}");
        }
        // Not a counter: a particle か before an ordinary word.
        assert_eq!(fold_text("どれか月曜"), "どれか月曜");
        assert_eq!(fold_text("ケース"), "ケース");
        for c in COUNTER_FORMS {
            assert_eq!(c.len_utf8(), '箇'.len_utf8());
        }
    }

    #[test]
    fn iteration_mark_and_katakana_spelling_fold() {
        assert_eq!(fold_term("人々").as_deref(), Some("人人"));
        assert_eq!(fold_term("ウィルス").as_deref(), Some("ウイルス"));
        assert_eq!(fold_term("ウィンドウズ").as_deref(), Some("ウインドウズ"));
        assert_eq!(fold_term("Wi-Fi").as_deref(), Some("wifi"));
        assert_eq!(fold_term("e-Tax").as_deref(), Some("etax"));
    }

    #[test]
    fn every_mapping_keeps_utf8_length() {
        for (v, c) in PAIRS {
            assert_eq!(v.len_utf8(), c.len_utf8(), "{v} -> {c}");
        }
    }
}
