//! Normalization applied to every text *before* it is indexed and stored.
//!
//! NFKC changes text length (㈱ → (株)), so it must never run inside a
//! tokenizer: offsets would point into the middle of a UTF-8 character and
//! tantivy's snippet code panics. Normalizing up front keeps every offset on a
//! char boundary of the stored text.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::script::{is_kana, is_kanji};

/// NFKC, then white space cleanup: every kind of space becomes one ASCII
/// space, runs collapse, lines are trimmed, runs of blank lines become one,
/// control characters are dropped.
pub fn normalize(input: &str) -> String {
    // Control characters go before NFKC: dropped after it, they would join
    // a base letter and a combining mark that NFKC kept apart (`e`, BEL,
    // U+0301), and normalizing the result again would compose them.
    let input = if input.chars().any(is_dropped_control) {
        Cow::Owned(input.chars().filter(|&c| !is_dropped_control(c)).collect())
    } else {
        Cow::Borrowed(input)
    };
    let nfkc = nfkc(&input);
    let mut out = String::with_capacity(nfkc.len());
    let mut blank_run = 0usize;
    for line in nfkc.split('\n') {
        let cleaned = clean_line(line);
        if cleaned.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(&cleaned);
    }
    out
}

/// NFKC line by line, copying lines that are already in NFKC (most lines
/// of most documents) instead of decomposing and recomposing them. No
/// character composes across a line break, so this equals NFKC of the whole.
fn nfkc(text: &str) -> Cow<'_, str> {
    let normalized = |s: &str| match s.find(|c| !is_stable(c)) {
        None => true,
        // The characters before are starters: checking the rest alone is
        // checking the whole.
        Some(at) => is_nfkc_quick(s[at..].chars()) == IsNormalized::Yes,
    };
    if normalized(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        if normalized(line) {
            out.push_str(line);
            continue;
        }
        let kept = out.len();
        if !push_width_folded(line, &mut out) {
            out.truncate(kept);
            out.extend(line.nfkc());
        }
    }
    Cow::Owned(out)
}

/// NFKC of a line whose only changes are widths: the ideographic space and
/// the fullwidth ASCII forms (U+FF01–U+FF5E) each map to one ASCII
/// character, the way most Japanese documents write spaces, digits and
/// brackets. Every other character must be a starter NFKC keeps; then
/// nothing composes, and decomposing and recomposing the line (what made
/// NFKC a large share of extraction) is skipped. `false`: the line needs
/// the full algorithm (`out` then holds a partial line to drop).
fn push_width_folded(line: &str, out: &mut String) -> bool {
    for c in line.chars() {
        let folded = match c {
            _ if is_stable(c) => c,
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ if keeps_as_starter(c) => c,
            _ => return false,
        };
        out.push(folded);
    }
    true
}

/// A character NFKC keeps as it is and that does not combine with its
/// neighbours (※, ○, 〜 …).
fn keeps_as_starter(c: char) -> bool {
    unicode_normalization::char::canonical_combining_class(c) == 0
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// Characters most Japanese text is made of that NFKC leaves as they are
/// and that never combine with a neighbour: printable ASCII, kana and kanji
/// (`script`'s classes, less the compatibility ideographs NFKC maps to
/// unified ones), 、。 and the usual brackets.
fn is_stable(c: char) -> bool {
    matches!(c, ' '..='~' | '\n' | '、' | '。' | '\u{3008}'..='\u{3011}')
        || is_kana(c)
        || (is_kanji(c) && !matches!(c, '\u{f900}'..='\u{faff}'))
}

/// Normalizes a single-line value (a title, a name, a query): like
/// [`normalize`] but line breaks become spaces too.
pub fn normalize_inline(input: &str) -> String {
    let n = normalize(input);
    if !n.contains('\n') {
        return n;
    }
    let mut out = String::with_capacity(n.len());
    for part in n.split('\n').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Control characters that are not white space (NUL, BEL, ESC, DEL…).
fn is_dropped_control(c: char) -> bool {
    c.is_control() && !c.is_whitespace()
}

fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            pending_space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfkc_by_line_equals_nfkc_of_the_whole() {
        for text in [
            "令和８年度の計画\nＤＸ推進\n",
            // A combining mark opening a line, after one ending in a base.
            "か\n\u{3099}は\u{309a}\n\u{0301}e",
            "ｶﾞｲﾄﾞ\n㈱\n①\n\n",
            "plain ascii\nすでに正規形\n",
            // Width forms alone, and beside what needs the full algorithm.
            "　平成２２年（水曜日）※○〜\n",
            "ａ\u{0301}（１）\n　ｶﾞ\n＃１\u{3099}\n",
            "\n",
            "",
        ] {
            let whole: String = text.nfkc().collect();
            assert_eq!(nfkc(text), whole, "{text:?}");
        }
        assert!(matches!(nfkc("すでに正規形\n"), Cow::Borrowed(_)));
        // Every character called stable is its own NFKC and a starter.
        for c in (0u32..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| is_stable(c))
        {
            let s = c.to_string();
            assert_eq!(s.nfkc().collect::<String>(), s, "{c:?}");
            assert_eq!(is_nfkc_quick(s.chars()), IsNormalized::Yes, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
        }
    }

    #[test]
    fn width_folding_is_nfkc_for_every_character_it_takes() {
        for c in (0u32..0x10000).filter_map(char::from_u32) {
            let mut out = String::new();
            if push_width_folded(&c.to_string(), &mut out) {
                assert_eq!(out, c.to_string().nfkc().collect::<String>(), "{c:?}");
                // And the result is a starter: nothing before or after it
                // composes with it.
                let folded = out.chars().next().unwrap();
                assert_eq!(
                    unicode_normalization::char::canonical_combining_class(folded),
                    0,
                    "{c:?}"
                );
            }
        }
        assert!(!push_width_folded("ｶﾞ", &mut String::new()));
        assert!(!push_width_folded("e\u{301}", &mut String::new()));
    }

    #[test]
    fn nfkc_folds_width_and_enclosed_forms() {
        assert_eq!(normalize("ＤＸ（デジタル）２０２２"), "DX(デジタル)2022");
        assert_eq!(normalize("㈱テスト"), "(株)テスト");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
    }

    #[test]
    fn white_space_is_collapsed_and_lines_kept() {
        assert_eq!(
            normalize("  令和　２年度\t\t計画 \r\n\n\n\n 次の行\u{3000}"),
            "令和 2年度 計画\n\n次の行"
        );
        assert_eq!(normalize_inline("a\n\nb  c"), "a b c");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(normalize("a\u{0007}b\u{feff}c"), "ab c");
    }

    #[test]
    fn dropping_controls_keeps_normalize_idempotent() {
        // A control character between a base and a combining mark blocks
        // composition; dropped after NFKC, it left a decomposed pair that a
        // second normalize composed (found by tests/properties.rs).
        for (input, expected) in [
            ("e\u{7}\u{301}", "é"),
            ("か\u{0}\u{3099}", "が"),
            ("\u{1100}\u{1b}\u{1161}", "가"),
            ("e\u{301}\u{7f}\u{316}", "e\u{316}\u{301}"),
        ] {
            let once = normalize(input);
            assert_eq!(once, expected.nfc().collect::<String>(), "{input:?}");
            assert_eq!(normalize(&once), once, "{input:?}");
        }
    }
}
