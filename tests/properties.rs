//! Property tests: no panic and sane output for any input, at every stage
//! that sees untrusted text (files in an archive, queries typed by users).
//!
//! Failures are not persisted to regression files (the repository keeps no
//! proptest state); a failing case found here becomes a unit test next to
//! the fix.

mod common;

use std::sync::OnceLock;

use plansearch::analysis::bigram::bigrams;
use plansearch::analysis::normalize::{normalize, normalize_inline};
use plansearch::archive::{self, ArchiveFile, Block, Extracted, Format};
use plansearch::search::query::{self, Atom, MAX_QUERY_CHARS, MAX_TERMS};
use plansearch::search::snippets::{Highlighter, render, strip_marks};
use plansearch::sections;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `cases` per property, unless `PROPTEST_CASES` asks for another number
/// (a long exploratory run: `PROPTEST_CASES=20000 cargo test --test properties`).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Pieces that hit the special cases of every stage: query syntax,
/// white space of every kind, control characters, compatibility forms
/// (NFKC changes their length), combining marks, variant kanji, emoji,
/// markup and character references, enumerators.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_owned()),
        Just("-".to_owned()),
        Just(" OR ".to_owned()),
        Just("OR".to_owned()),
        Just("\u{3000}".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\u{7}".to_owned()),
        Just("\u{85}".to_owned()),
        Just("\u{2028}".to_owned()),
        Just("\u{301}".to_owned()),
        Just("\u{3099}".to_owned()),
        Just("ｶﾞ".to_owned()),
        Just("㈱".to_owned()),
        Just("ﾞ".to_owned()),
        Just("Ａ１".to_owned()),
        Just("靱".to_owned()),
        Just("國土強靱化".to_owned()),
        Just("😀".to_owned()),
        Just("👩‍👩‍👧".to_owned()),
        Just("<mark>".to_owned()),
        Just("<p>".to_owned()),
        Just("</td><td>".to_owned()),
        Just("<script>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#0;".to_owned()),
        Just("&#x110000;".to_owned()),
        Just("&".to_owned()),
        Just("'".to_owned()),
        Just("|".to_owned()),
        Just("# ".to_owned()),
        Just("(1) ".to_owned()),
        Just("第1章 ".to_owned()),
        Just("【課題】".to_owned()),
        Just("令和元年度".to_owned()),
        Just("。".to_owned()),
        Just("架空市".to_owned()),
        Just("待機児童の解消".to_owned()),
        Just("防災".to_owned()),
        "[a-zA-Z0-9]{1,8}",
        "[ぁ-んァ-ヶ一-龠]{1,12}",
        "\\PC{1,6}",
        any::<char>().prop_map(String::from),
    ]
}

/// A small alphabet whose characters interact: bases, combining marks,
/// controls, spaces, Hangul jamo, half-width voicing marks. Short strings
/// over it reach the rare adjacent combinations (base, control, mark).
const INTERACTING: &[char] = &[
    'e', 'か', 'ｶ', '\u{1100}', '\u{1161}', '\u{301}', '\u{316}', '\u{3099}', 'ﾞ', '\u{7}', '\u{0}',
    '\u{1b}', '\u{7f}', '\u{85}', ' ', '\u{3000}', '\u{a0}', '\n', '\r', '\u{200b}', '\u{feff}',
    '"', '-', '&', '<', '。',
];

/// Strings made of those pieces: mostly short, sometimes long.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::collection::vec(prop::sample::select(INTERACTING), 0..12)
            .prop_map(String::from_iter),
        4 => prop::collection::vec(piece(), 0..24).prop_map(|p| p.concat()),
        1 => any::<String>(),
        1 => (piece(), 1usize..400).prop_map(|(p, n)| p.repeat(n)),
    ]
}

fn is_char_boundary_range(s: &str, start: usize, end: usize) -> bool {
    start < end && end <= s.len() && s.is_char_boundary(start) && s.is_char_boundary(end)
}

fn analyzer() -> &'static plansearch::analysis::Analyzer {
    static A: OnceLock<plansearch::analysis::Analyzer> = OnceLock::new();
    A.get_or_init(common::analyzer)
}

// ---------------------------------------------------------------- queries

fn query_input() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(),
        // Around the length limit, counted in characters.
        1 => ("[あa ]", (MAX_QUERY_CHARS - 2)..(MAX_QUERY_CHARS + 3))
            .prop_map(|(c, n)| c.repeat(n)),
        // Many terms, around the term limit.
        1 => ((MAX_TERMS - 2)..(MAX_TERMS + 4), any::<bool>()).prop_map(|(n, neg)| {
            (0..n)
                .map(|i| if neg && i % 3 == 1 { format!("-語{i}") } else { format!("語{i}") })
                .collect::<Vec<_>>()
                .join(" ")
        }),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn query_parse_is_total_and_bounded(input in query_input()) {
        match query::parse(&input) {
            Ok(q) => {
                prop_assert!(input.chars().count() <= MAX_QUERY_CHARS);
                prop_assert!(!q.groups.is_empty());
                prop_assert!(q.groups.iter().all(|g| !g.is_empty()));
                let terms = q.atoms().count() + q.excluded.len();
                prop_assert!(terms <= MAX_TERMS, "{} terms", terms);
                for atom in q.atoms().chain(&q.excluded) {
                    let t = atom.text();
                    prop_assert!(!t.is_empty(), "{:?}", q);
                    prop_assert_eq!(t.trim(), t);
                    prop_assert!(!t.chars().any(char::is_control), "{:?}", t);
                    if let Atom::Word(w) = atom {
                        prop_assert!(!w.chars().any(char::is_whitespace), "{:?}", w);
                        prop_assert!(!w.contains('"'), "{:?}", w);
                    }
                }
            }
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.len() > 10, "unclear error {:?}", message);
            }
        }
    }
}

// ---------------------------------------------------------- normalization

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn normalize_is_idempotent_and_clean(input in text()) {
        let n = normalize(&input);
        prop_assert_eq!(&normalize(&n), &n, "not idempotent for {:?}", input);
        prop_assert!(!n.chars().any(|c| c.is_control() && c != '\n'), "{:?}", n);
        prop_assert!(!n.contains("  "), "{:?}", n);
        prop_assert!(!n.contains("\n\n\n"), "{:?}", n);
        prop_assert!(!n.starts_with(char::is_whitespace) && !n.ends_with(char::is_whitespace));
        for line in n.split('\n') {
            prop_assert_eq!(line.trim(), line);
            prop_assert!(!line.chars().any(|c| c.is_whitespace() && c != ' '), "{:?}", line);
        }

        let i = normalize_inline(&input);
        prop_assert_eq!(&normalize_inline(&i), &i);
        prop_assert!(!i.contains('\n') && !i.contains("  "), "{:?}", i);
    }

    #[test]
    fn bigram_offsets_are_char_boundaries(input in text()) {
        let len = input.len();
        for (term, start, end) in bigrams(&input) {
            prop_assert!(!term.is_empty());
            prop_assert!(
                is_char_boundary_range(&input, start, end),
                "{}..{} of {} in {:?}", start, end, len, input
            );
            prop_assert!(term.chars().count() <= end - start);
        }
        // Normalized text, as the index sees it.
        let n = normalize(&input);
        for (term, start, end) in bigrams(&n) {
            prop_assert!(!term.is_empty() && is_char_boundary_range(&n, start, end));
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn analyzer_words_sit_on_char_boundaries(input in text()) {
        for text in [input.clone(), normalize(&input)] {
            let mut last_position = 0;
            for w in analyzer().words(&text) {
                prop_assert!(!w.term.is_empty(), "{:?} in {:?}", w, text);
                prop_assert!(
                    is_char_boundary_range(&text, w.byte_start, w.byte_end),
                    "{:?} in {:?}", w, text
                );
                prop_assert_eq!(&text[w.byte_start..w.byte_end], w.surface.as_str());
                prop_assert!(w.position >= last_position);
                last_position = w.position;
            }
        }
    }
}

// --------------------------------------------------------------- snippets

/// Checks that `html` is text with `<mark>` elements only: no other tag, no
/// nested or unbalanced mark, every `&` the start of an entity.
fn assert_safe_html(html: &str) -> Result<(), TestCaseError> {
    let mut open = false;
    let mut rest = html;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let at = &rest[i..];
        let len = if at.starts_with("<mark>") {
            prop_assert!(!open, "nested mark in {:?}", html);
            open = true;
            6
        } else if at.starts_with("</mark>") {
            prop_assert!(open, "unbalanced mark in {:?}", html);
            open = false;
            7
        } else if at.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .find(|e| at.starts_with(**e));
            prop_assert!(entity.is_some(), "bare & in {:?}", html);
            entity.unwrap().len()
        } else {
            prop_assert!(false, "raw {:?} in {:?}", &at[..1], html);
            1
        };
        rest = &at[len..];
    }
    prop_assert!(!open, "unclosed mark in {:?}", html);
    Ok(())
}

/// A text and valid highlight ranges in it: sorted, disjoint, on char
/// boundaries (what `Highlighter::ranges` produces).
fn text_and_ranges() -> impl Strategy<Value = (String, Vec<(usize, usize)>)> {
    text()
        .prop_flat_map(|t| {
            let n = t.chars().count();
            let cuts = prop::collection::vec(0..=n, 0..12);
            (Just(t), cuts)
        })
        .prop_map(|(t, mut cuts)| {
            cuts.sort_unstable();
            cuts.dedup();
            let bounds: Vec<usize> = t
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(t.len()))
                .collect();
            let ranges = cuts
                .chunks_exact(2)
                .map(|c| (bounds[c[0]], bounds[c[1]]))
                .collect();
            (t, ranges)
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn render_escapes_everything_but_marks(
        (text, ranges) in text_and_ranges(),
        fragment_chars in 0usize..120,
        max in 0usize..5,
    ) {
        let html = render(&text, &ranges, fragment_chars, max);
        assert_safe_html(&html)?;
        // What is shown is the text's own characters (line breaks as
        // spaces, cuts as '…').
        let shown = strip_marks(&html);
        let flat = text.replace('\n', " ");
        for part in shown.split('…').filter(|p| !p.is_empty()) {
            for piece in part.split(' ').filter(|p| !p.is_empty()) {
                prop_assert!(flat.contains(piece), "{:?} not in {:?}", piece, text);
            }
        }
    }

    #[test]
    fn highlighter_snippets_are_safe_html(query in text(), body in text()) {
        let a = analyzer();
        let h = Highlighter::new(a, [query.as_str()]);
        for text in [body.clone(), normalize(&body)] {
            let ranges = h.ranges(&text);
            for w in ranges.windows(2) {
                prop_assert!(w[0].1 < w[1].0, "overlapping {:?}", ranges);
            }
            for &(s, e) in &ranges {
                prop_assert!(is_char_boundary_range(&text, s, e), "{}..{} in {:?}", s, e, text);
            }
            assert_safe_html(&h.snippet(&text))?;
            let all = h.mark_all(&text);
            assert_safe_html(&all)?;
            prop_assert_eq!(strip_marks(&all), text.clone());
        }
    }
}

// -------------------------------------------------------------- archives

/// File contents: arbitrary bytes, text in UTF-8 or a legacy encoding,
/// markup soup, or a mixture.
fn piece_of_markup() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<div>".to_owned()),
        Just("</div>".to_owned()),
        Just("<p>".to_owned()),
        Just("<b class=x>".to_owned()),
        Just("<font>".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("<ul><li>".to_owned()),
        Just("<a href=#>".to_owned()),
        Just("<h3>".to_owned()),
        Just("<script>".to_owned()),
        Just("<title>".to_owned()),
        Just("<!--".to_owned()),
        Just("<!DOCTYPE".to_owned()),
        Just("&amp;".to_owned()),
        Just("<".to_owned()),
        "[あ-ん]{1,5}",
    ]
}

fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let markup = prop::collection::vec(
        prop_oneof![
            piece(),
            Just("<html><head><title>".to_owned()),
            Just("</title></head><body>".to_owned()),
            Just("<table><tr><td>".to_owned()),
            Just("<h2>".to_owned()),
            Just("</h2>".to_owned()),
            Just("<ul> ・".to_owned()),
            Just("<pre>".to_owned()),
            Just("<!--".to_owned()),
            Just("-->".to_owned()),
            Just("<div><div><div>".to_owned()),
            Just("</div></div>".to_owned()),
            Just("| a | b |\n|---|---|\n".to_owned()),
            Just("```\n".to_owned()),
            Just("[リンク](a.pdf)".to_owned()),
            Just("**強調**".to_owned()),
        ],
        0..40,
    )
    .prop_map(|p| p.concat());
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..2048),
        2 => text().prop_map(String::into_bytes),
        2 => markup.clone().prop_map(String::into_bytes),
        1 => text().prop_map(|t| encoding_rs::SHIFT_JIS.encode(&t).0.into_owned()),
        1 => text().prop_map(|t| encoding_rs::EUC_JP.encode(&t).0.into_owned()),
        1 => (markup, prop::collection::vec(any::<u8>(), 0..64), 0usize..100)
            .prop_map(|(m, junk, at)| {
                let mut b = m.into_bytes();
                let at = at.min(b.len());
                b.splice(at..at, junk);
                b
            }),
        1 => prop::collection::vec(0x80u8..=0xff, 0..512),
        // Tag soup repeated thousands of times: nesting and unclosed
        // formatting elements deep enough to be read flat.
        1 => (prop::collection::vec(piece_of_markup(), 1..6), 500usize..20_000)
            .prop_map(|(p, n)| p.concat().repeat(n).into_bytes()),
    ]
}

fn assert_normalized_line(s: &str) -> Result<(), TestCaseError> {
    prop_assert!(!s.is_empty());
    prop_assert!(!s.contains('\n'), "{:?}", s);
    prop_assert_eq!(normalize_inline(s), s);
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn extract_never_panics_on_any_bytes(
        bytes in file_bytes(),
        ext in prop::sample::select(vec!["txt", "html", "md", "htm", "markdown"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("file.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let format = match ext {
            "html" | "htm" => Format::Html,
            "md" | "markdown" => Format::Markdown,
            _ => Format::Text,
        };
        let file = ArchiveFile {
            path,
            rel: format!("file.{ext}"),
            format,
            size: bytes.len() as u64,
        };
        match archive::extract(&file) {
            Ok(ex) => {
                prop_assert_eq!(ex.content_hash.len(), 64);
                for b in &ex.blocks {
                    match b {
                        Block::Heading(s) | Block::Para(s) => assert_normalized_line(s)?,
                        Block::Row(cells) => {
                            prop_assert!(!cells.is_empty());
                            for cell in cells {
                                for line in cell.split('\n') {
                                    assert_normalized_line(line)?;
                                }
                            }
                        }
                        Block::Record { title, lines } => {
                            assert_normalized_line(title)?;
                            for line in lines {
                                assert_normalized_line(line)?;
                            }
                        }
                    }
                }
                if let Some(t) = &ex.doc_title {
                    assert_normalized_line(t)?;
                }
                // The rest of the pipeline takes whatever came out.
                let secs = sections::split(&ex.blocks);
                prop_assert_eq!(secs.is_empty(), ex.blocks.is_empty());
                let _ = plansearch::meta::infer(&file.rel, &ex, None);
            }
            Err(reason) => prop_assert!(
                reason.to_string().len() > 5 && !reason.code().is_empty(),
                "unclear reason {:?}",
                reason
            ),
        }
    }
}

// -------------------------------------------------------------- sections

fn block() -> impl Strategy<Value = Block> {
    let line = prop_oneof![
        // What extraction produces: normalized, one line.
        3 => text().prop_map(|t| normalize_inline(&t)),
        // Anything at all: split must not panic on it either.
        1 => text(),
    ];
    prop_oneof![
        1 => line.clone().prop_map(Block::Heading),
        3 => line.clone().prop_map(Block::Para),
        2 => prop::collection::vec(line, 0..5).prop_map(Block::Row),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn split_never_panics_and_keeps_text(blocks in prop::collection::vec(block(), 0..60)) {
        let secs = sections::split(&blocks);
        for s in &secs {
            prop_assert!(!s.text.trim().is_empty(), "empty section {:?}", s);
            prop_assert!(!s.title.contains('\n'), "{:?}", s);
        }
        let has_text = blocks.iter().any(|b| match b {
            Block::Heading(t) | Block::Para(t) => !t.trim().is_empty(),
            Block::Row(cells) => cells.iter().any(|c| !c.trim().is_empty()),
            Block::Record { .. } => true,
        });
        if has_text && blocks.iter().all(|b| match b {
            Block::Heading(t) | Block::Para(t) => normalize_inline(t) == *t,
            Block::Row(cells) => cells.iter().all(|c| normalize_inline(c) == *c),
            Block::Record { .. } => true,
        }) {
            prop_assert!(!secs.is_empty(), "text lost: {:?}", blocks);
        }
        // Metadata inference reads the same blocks.
        let ex = Extracted {
            blocks,
            doc_title: None,
            encoding: "UTF-8",
            content_hash: String::new(),
            ..Default::default()
        };
        let _ = plansearch::meta::infer("架空県/架空市/R5_計画.txt", &ex, None);
    }
}

// ------------------------------------------------------------- metadata

/// Year expressions and their neighbours.
fn year_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            piece(),
            Just("令和".to_owned()),
            Just("平成".to_owned()),
            Just("昭和".to_owned()),
            Just("元".to_owned()),
            Just("年度".to_owned()),
            Just("年".to_owned()),
            Just("月".to_owned()),
            Just("(".to_owned()),
            Just(")".to_owned()),
            Just("R".to_owned()),
            Just("H".to_owned()),
            Just("十".to_owned()),
            Just("〇".to_owned()),
            "[0-9０-９]{1,6}",
            "[〇一二三四五六七八九十百]{1,4}",
        ],
        0..12,
    )
    .prop_map(|p| p.concat())
}

/// A manifest: a header and rows of pieces, with quotes, empty fields,
/// wrong field counts and line breaks inside quotes.
fn manifest_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        3 => year_text(),
        1 => text(),
        1 => text().prop_map(|t| format!("\"{}\"", t.replace('"', "\"\""))),
        1 => Just(String::new()),
    ];
    let row = prop::collection::vec(field, 0..10).prop_map(|f| f.join(","));
    let header = prop_oneof![
        3 => Just("path,city,prefecture,year,department,title,doc_type,source_url".to_owned()),
        1 => Just("\u{feff}PATH, City ,year".to_owned()),
        1 => Just("path,path".to_owned()),
        1 => text(),
    ];
    (header, prop::collection::vec(row, 0..8)).prop_map(|(h, rows)| {
        std::iter::once(h)
            .chain(rows)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn year_parsing_never_panics(input in year_text()) {
        for m in plansearch::meta::wareki::find_years(&input) {
            prop_assert!((1800..=2200).contains(&m.year), "{:?} in {:?}", m.year, input);
        }
        let _ = plansearch::meta::wareki::parse_year_value(&input);
        let _ = plansearch::meta::wareki::parse_kanji_number(&input);
        let _ = plansearch::meta::wareki::era_token(&input);
        let _ = plansearch::meta::wareki::western_token(&input);
    }

    #[test]
    fn manifests_parse_or_fail_with_a_reason(csv in manifest_text(), rel in text()) {
        let g = plansearch::meta::gazetteer::gazetteer();
        let _ = plansearch::meta::path::analyze(&rel, g);
        let path = std::path::Path::new("manifest.csv");
        match plansearch::meta::manifest::parse(&csv, path) {
            Ok(m) => {
                let ex = Extracted {
                    blocks: vec![Block::Para(normalize_inline(&rel)).clone()],
                    doc_title: None,
                    encoding: "UTF-8",
                    content_hash: String::new(),
                    ..Default::default()
                };
                for (key, row) in &m.rows {
                    prop_assert_eq!(key, &row.path);
                    let meta = plansearch::meta::infer(key, &ex, Some(row));
                    if let Some(y) = row.year {
                        prop_assert_eq!(meta.year.map(|m| m.value), Some(y));
                    }
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("manifest.csv"), "{}", e),
        }
    }
}

// ----------------------------------------------------------------- search

fn engine() -> &'static plansearch::search::Engine {
    static E: OnceLock<plansearch::search::Engine> = OnceLock::new();
    E.get_or_init(|| {
        let docs: Vec<_> = (0..20)
            .map(|i| {
                common::doc(
                    &format!("架空市/計画{i}.txt"),
                    ["架空市", "架空町", "架空村"][i % 3],
                    2020 + i as i64 % 4,
                    "企画部",
                    &[
                        (
                            "(1) 待機児童の解消",
                            "保育所の定員を拡大し、待機児童の解消を図ります。",
                        ),
                        (
                            "防災 OR 減災",
                            "避難所の停電対策として蓄電池を配備します。\"引用\"と-記号。",
                        ),
                        (
                            "國土強靱化",
                            "<script>alert(1)</script> & 株式会社と連携 😀",
                        ),
                    ],
                )
            })
            .collect();
        common::engine(&docs)
    })
}

/// Found by `search_answers_any_query`: an excluded chunk whose words the
/// stop list cuts (「(1)」) compiled to a lone phrase, which tantivy's
/// exclusion cannot seek (a debug assertion in its phrase scorer).
#[test]
fn an_excluded_chunk_with_dropped_words_is_answered() {
    for q in ["-防災(1) (1) ", "-私ごと 待機児童", "保育所 -定員を"] {
        let r = engine().search(&plansearch::search::SearchRequest::new(q));
        assert!(
            matches!(r, Ok(_) | Err(plansearch::Error::Query(_))),
            "{q}: {r:?}"
        );
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn search_answers_any_query(q in query_input()) {
        let mut req = plansearch::search::SearchRequest::new(q.clone());
        req.include_text = true;
        match engine().search(&req) {
            Ok(r) => {
                prop_assert!(r.hits.len() <= req.limit);
                for h in &r.hits {
                    assert_safe_html(h.snippet.as_deref().unwrap())?;
                }
            }
            Err(plansearch::Error::Query(e)) => prop_assert!(!e.to_string().is_empty()),
            Err(e) => prop_assert!(false, "{:?} failed: {}", q, e),
        }
    }
}
