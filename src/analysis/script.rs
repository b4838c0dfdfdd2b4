//! Character classes of Japanese text, defined once for every stage that
//! needs them (analysis, metadata, PDF layout repair, bigrams).

/// Kanji: the unified ideographs, extension A, the compatibility
/// ideographs, and the iteration and closing marks 々 〆 that stand for one.
pub fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '々' | '〆')
}

/// Hiragana letters and the hiragana iteration marks ゝ ゞ.
pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | 'ゝ' | 'ゞ')
}

/// Katakana letters, the prolonged sound mark ー and the katakana
/// iteration marks ヽ ヾ (not the middle dot ・, which is punctuation).
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30a1}'..='\u{30fa}' | 'ー' | 'ヽ' | 'ヾ')
}

pub fn is_kana(c: char) -> bool {
    is_hiragana(c) || is_katakana(c)
}

/// Half-width katakana and its marks (ｦ…ﾟ), as old exports write them.
pub fn is_halfwidth_kana(c: char) -> bool {
    matches!(c, '\u{ff66}'..='\u{ff9f}')
}

/// Full-width digits and Latin letters (０…９, Ａ…Ｚ, ａ…ｚ).
pub fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for c in ['待', '㐂', '々', '〆', '﨑'] {
            assert!(is_kanji(c), "{c}");
        }
        for c in ['あ', 'ゖ', 'ゝ'] {
            assert!(is_hiragana(c) && is_kana(c) && !is_katakana(c), "{c}");
        }
        for c in ['ア', 'ヴ', 'ー', 'ヾ'] {
            assert!(is_katakana(c) && is_kana(c) && !is_hiragana(c), "{c}");
        }
        for c in ['・', '、', 'A', '１', 'ｱ'] {
            assert!(!is_kana(c) && !is_kanji(c), "{c}");
        }
        assert!(is_halfwidth_kana('ｱ') && is_halfwidth_kana('ﾟ'));
        assert!(is_fullwidth_alnum('１') && is_fullwidth_alnum('Ｚ') && !is_fullwidth_alnum('1'));
    }
}
