//! Bytes → text: binary sniffing and encoding detection.
//!
//! Municipal archives mix UTF-8 (recent exports) with Shift_JIS and EUC-JP
//! (older Windows and Unix systems), never labelled. Files are decoded with
//! replacement characters, so a damaged byte never loses a whole document.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8};

/// How much of a file binary sniffing looks at.
const SNIFF_LEN: usize = 8 * 1024;
/// How much of a file the legacy encoding detectors look at: plenty to tell
/// Shift_JIS from EUC-JP, and it bounds the time spent on huge files.
const DETECT_LEN: usize = 1024 * 1024;

/// Signatures of binary formats found misnamed in archives (PNG, PDF,
/// ZIP/Office, JPEG, GIF, old OLE Office files).
const MAGIC: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
];

/// Decoded text and the name of the encoding it came from.
#[derive(Debug)]
pub(super) struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Detects the encoding of `bytes` and decodes them; `Err` for binary data.
#[cfg(test)]
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    decode_vec(bytes.to_vec())
}

/// Like `decode`, taking the bytes: a UTF-8 file (the common case) becomes
/// its text without a copy, which halves the peak memory of a huge file.
pub(super) fn decode_vec(bytes: Vec<u8>) -> Result<Decoded, String> {
    let (text, encoding) = decode_str(&bytes)?;
    let whole = matches!(&text, Cow::Borrowed(s) if s.len() == bytes.len());
    let text = if whole {
        drop(text);
        String::from_utf8(bytes).map_err(|e| format!("internal error: {e}"))?
    } else {
        text.into_owned()
    };
    Ok(Decoded { text, encoding })
}

fn decode_str(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), String> {
    const BINARY: &str = "binary file (not text)";
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return Err(BINARY.to_owned());
    }
    // A BOM is an explicit label. UTF-16 is full of NUL bytes, so it must be
    // recognised before the binary check.
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) if enc != UTF_8 => (enc, &bytes[bom_len..]),
        bom => {
            let body = &bytes[bom.map_or(0, |(_, len)| len)..];
            if looks_binary(body) {
                return Err(BINARY.to_owned());
            }
            if bom.is_none()
                && let Some(mixed) = decode_mixed(body)
            {
                return Ok((Cow::Owned(mixed.text), mixed.encoding));
            }
            let enc = if bom.is_some() { UTF_8 } else { detect(body) };
            (enc, body)
        }
    };
    let (text, _had_errors) = encoding.decode_without_bom_handling(body);
    Ok((text, encoding.name()))
}

/// NUL bytes or many control characters near the start mean binary data.
/// Tab, line feed, vertical tab, form feed, carriage return and ESC
/// (ISO-2022-JP) are normal in text files.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| matches!(b, 0x01..=0x08 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
        .count();
    controls * 10 > head.len()
}

/// Picks the encoding of unlabelled bytes.
fn detect(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        // ISO-2022-JP is 7-bit, hence valid UTF-8; its escapes give it away.
        return if has_iso_2022_jp_escape(bytes) {
            ISO_2022_JP
        } else {
            UTF_8
        };
    }
    if mostly_utf8(bytes) {
        return UTF_8;
    }
    detect_legacy(bytes)
}

/// Picks the legacy Japanese encoding of bytes that are not UTF-8.
fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECT_LEN)];
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(None, Utf8Detection::Deny);
    if guess == SHIFT_JIS || guess == EUC_JP {
        return guess;
    }
    // chardetng thought of another script (short texts look like GBK or
    // EUC-KR too), but these archives are Japanese: take the more plausible
    // of the two Japanese legacy encodings.
    if japanese_score(EUC_JP, sample) > japanese_score(SHIFT_JIS, sample) {
        EUC_JP
    } else {
        SHIFT_JIS
    }
}

/// UTF-8 with a few damaged bytes (a truncated copy, one stray Latin-1
/// character) is still UTF-8: decoding it as Shift_JIS would garble all of it.
/// Legacy Japanese text only rarely forms valid multi-byte UTF-8 sequences,
/// far below the 95 % asked here.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid > 0 && invalid * 20 <= valid
}

/// Non-ASCII characters a valid UTF-8 line needs before it counts as
/// UTF-8 for sure: legacy bytes form a short valid UTF-8 sequence by chance
/// now and then, never several in a row.
const SURE_UTF8_CHARS: usize = 3;

/// How one line of a file that is not valid UTF-8 reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// ASCII only, or too little non-ASCII text to tell.
    Neutral,
    /// UTF-8, perhaps with a few damaged bytes.
    Utf8,
    /// Not UTF-8: Shift_JIS or EUC-JP.
    Legacy,
}

fn line_kind(line: &[u8]) -> LineKind {
    if line.is_ascii() {
        return LineKind::Neutral;
    }
    if let Ok(s) = std::str::from_utf8(line) {
        return if s.chars().filter(|c| !c.is_ascii()).count() >= SURE_UTF8_CHARS {
            LineKind::Utf8
        } else {
            LineKind::Neutral
        };
    }
    // Damaged UTF-8 (a byte lost in a copy) reads as Japanese with a few
    // replacement characters; legacy bytes read as UTF-8 are all damage.
    let as_legacy = japanese_score(SHIFT_JIS, line).max(japanese_score(EUC_JP, line));
    if japanese_score(UTF_8, line) > as_legacy {
        LineKind::Utf8
    } else {
        LineKind::Legacy
    }
}

/// A file whose lines change encoding (an old Shift_JIS document appended
/// to by a newer UTF-8 system, or concatenated exports) is decoded line by
/// line, so that neither part is garbled. `None` when the file is not mixed:
/// valid UTF-8, or no line that is clearly UTF-8 next to one that clearly
/// is not.
fn decode_mixed(bytes: &[u8]) -> Option<Decoded> {
    if std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let lines = || bytes.split_inclusive(|&b| b == b'\n');
    // Cheap test first: a legacy file (the common case here) has no line
    // of clean UTF-8, and is spared the scoring of every line below.
    let clean_utf8 = |line: &[u8]| {
        !line.is_ascii()
            && std::str::from_utf8(line)
                .is_ok_and(|s| s.chars().filter(|c| !c.is_ascii()).count() >= SURE_UTF8_CHARS)
    };
    if !lines().any(clean_utf8) {
        return None;
    }
    let (mut utf8, mut legacy) = (false, Vec::new());
    for line in lines() {
        match line_kind(line) {
            LineKind::Utf8 => utf8 = true,
            LineKind::Legacy if legacy.len() < DETECT_LEN => legacy.extend_from_slice(line),
            _ => {}
        }
    }
    if !utf8 || legacy.is_empty() {
        return None;
    }
    let enc = detect_legacy(&legacy);
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    for line in lines() {
        let line_enc = if line_kind(line) == LineKind::Legacy {
            enc
        } else {
            UTF_8
        };
        text.push_str(&line_enc.decode_without_bom_handling(line).0);
    }
    let encoding = if enc == EUC_JP {
        "UTF-8+EUC-JP"
    } else {
        "UTF-8+Shift_JIS"
    };
    Some(Decoded { text, encoding })
}

fn has_iso_2022_jp_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| matches!(w, [0x1b, b'$', b'B' | b'@']))
}

/// How Japanese `sample` looks once decoded with `encoding`: kana and kanji
/// count for it; replacement characters, private-use characters and
/// half-width katakana (what EUC-JP bytes turn into when read as Shift_JIS)
/// count against it.
fn japanese_score(encoding: &'static Encoding, sample: &[u8]) -> i64 {
    let (text, _) = encoding.decode_without_bom_handling(sample);
    text.chars()
        .map(|c| match c {
            '\u{3000}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' => 1,
            '\u{fffd}' | '\u{e000}'..='\u{f8ff}' | '\u{ff61}'..='\u{ff9f}' => -2,
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "架空市の総合計画では、みどり豊かなまちづくりを進めます。\n\
                          令和五年度は、ひかり公園の整備と子育て支援に取り組みました。\n";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, had_errors) = encoding.encode(text);
        assert!(!had_errors);
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding), (SAMPLE, "UTF-8"));

        let mut with_bom = b"\xef\xbb\xbf".to_vec();
        with_bom.extend_from_slice(SAMPLE.as_bytes());
        let bom = decode(&with_bom).unwrap();
        assert_eq!((bom.text.as_str(), bom.encoding), (SAMPLE, "UTF-8"));
    }

    #[test]
    fn shift_jis_and_euc_jp_are_detected() {
        for (enc, name) in [(SHIFT_JIS, "Shift_JIS"), (EUC_JP, "EUC-JP")] {
            let d = decode(&encode(enc, SAMPLE)).unwrap();
            assert_eq!(d.encoding, name);
            assert_eq!(d.text, SAMPLE);
        }
    }

    #[test]
    fn short_legacy_text_stays_japanese() {
        // Two words are too little for a confident guess; the fallback must
        // still pick a Japanese encoding and decode the text right.
        for enc in [SHIFT_JIS, EUC_JP] {
            let d = decode(&encode(enc, "架空市役所")).unwrap();
            assert!(d.encoding == "Shift_JIS" || d.encoding == "EUC-JP");
            assert_eq!(d.text, "架空市役所", "{}", enc.name());
        }
    }

    #[test]
    fn utf16_with_bom_is_text_not_binary() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "架空町の計画".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("架空町の計画", "UTF-16LE"));
    }

    #[test]
    fn damaged_utf8_keeps_utf8_with_replacement() {
        let mut bytes = SAMPLE.repeat(3).into_bytes();
        bytes.insert(10, 0xff);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{fffd}'));
        assert!(d.text.contains("ひかり公園"));
    }

    #[test]
    fn invalid_legacy_bytes_never_fail() {
        let mut bytes = encode(SHIFT_JIS, SAMPLE);
        bytes.extend_from_slice(&[0x81, 0x0a, 0xfd, 0xfe]);
        let d = decode(&bytes).unwrap();
        assert!(d.text.contains("架空市"));
    }

    #[test]
    fn mixed_legacy_and_utf8_lines_are_decoded_line_by_line() {
        // Shift_JIS lines first, then appended UTF-8 lines: decoding the
        // whole file in either encoding garbles one part.
        let old = "平成20年度 やまびこ水路の改修工事を実施した。\n";
        let new = "令和5年度 こもれび図書館の利用者が増えました。\n";
        for (legacy, name) in [(SHIFT_JIS, "UTF-8+Shift_JIS"), (EUC_JP, "UTF-8+EUC-JP")] {
            for (n_old, n_new) in [(1, 1), (10, 1), (1, 10)] {
                let mut bytes = encode(legacy, &old.repeat(n_old));
                bytes.extend_from_slice(b"ascii only line\n");
                bytes.extend_from_slice(new.repeat(n_new).as_bytes());
                let d = decode(&bytes).unwrap();
                let expected = format!(
                    "{}ascii only line\n{}",
                    old.repeat(n_old),
                    new.repeat(n_new)
                );
                assert_eq!(d.text, expected, "{name} {n_old}/{n_new}");
                assert_eq!(d.encoding, name);
            }
        }
        // A damaged UTF-8 line stays UTF-8 in a mixed file.
        let mut bytes = encode(SHIFT_JIS, &old.repeat(5));
        let mut damaged = new.as_bytes().to_vec();
        damaged.insert(6, 0xff);
        bytes.extend_from_slice(&damaged);
        bytes.extend_from_slice(new.as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8+Shift_JIS");
        assert!(d.text.starts_with(old) && d.text.ends_with(new));
        assert_eq!(d.text.matches("こもれび図書館").count(), 2);
        assert!(d.text.contains('\u{fffd}'));
    }

    #[test]
    fn iso_2022_jp_is_recognised() {
        let d = decode(&encode(ISO_2022_JP, "架空村の予算")).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("架空村の予算", "ISO-2022-JP")
        );
    }

    #[test]
    fn binary_data_is_rejected() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert_eq!(decode(png).unwrap_err(), "binary file (not text)");
        assert!(decode(b"%PDF-1.7\n%\xe2\xe3").is_err());
        assert!(decode(b"text\0with a NUL").is_err());
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 3 == 0 { 0x02 } else { b'a' })
            .collect();
        assert!(decode(&controls).is_err());
        // Ordinary control characters of text files are fine.
        assert!(decode(b"a\tb\r\n\x0cc\x1b").is_ok());
    }
}
