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
pub fn fold_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| fold_char(c) == c) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(fold_char).collect())
    }
}

/// Folds variants and lowercases; returns `None` when nothing changed so the
/// caller can avoid an allocation.
pub fn fold_term(term: &str) -> Option<String> {
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

/// Katakana loanwords are written with and without a final long-vowel mark
/// (サーバー / サーバ, ユーザー / ユーザ, コンピューター / コンピュータ: JIS Z 8301
/// allows both). A katakana word of at least four characters drops it, in
/// the index and in queries alike; shorter words keep it, because there the
/// mark tells words apart (ルー / ル).
fn trailing_long_vowel(term: &str) -> bool {
    term.ends_with('ー')
        && term.chars().count() >= 4
        && term
            .chars()
            .all(|c| matches!(c, '\u{30a1}'..='\u{30fa}' | 'ー' | '・'))
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
    fn lowercases_latin() {
        assert_eq!(fold_term("SDGs").as_deref(), Some("sdgs"));
        assert_eq!(fold_term("dx"), None);
    }

    #[test]
    fn every_mapping_keeps_utf8_length() {
        for (v, c) in PAIRS {
            assert_eq!(v.len_utf8(), c.len_utf8(), "{v} -> {c}");
        }
    }
}
