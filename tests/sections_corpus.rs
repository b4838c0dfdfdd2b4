//! Sectioning on the real shared corpus, through the real pipeline
//! (`archive::extract` → `sections::split_extracted`): no text is lost and
//! every passage is bounded and titled.

mod common;

use plansearch::archive::{self, Block};
use plansearch::sections;

/// Text without spaces, for lookups across line joins.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn real_documents_lose_no_text_and_stay_bounded() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let walk = archive::walk(&shared.join("corpus")).unwrap();
    let mut files = 0;
    for file in walk.files.iter().filter(|f| {
        ["seeds/", "otaru/", "nobeoka/"]
            .iter()
            .any(|d| f.rel.starts_with(d))
    }) {
        let extracted = archive::extract(file).unwrap_or_else(|e| panic!("{}: {e}", file.rel));
        let secs = sections::split_extracted(&extracted);
        assert!(!secs.is_empty(), "{}", file.rel);
        let mut all = String::new();
        for s in &secs {
            assert!(!s.text.trim().is_empty(), "{}: empty passage", file.rel);
            assert!(
                !s.title.contains('\n') && !s.title.is_empty(),
                "{}: {:?}",
                file.rel,
                s.title
            );
            assert!(
                s.text.chars().count() <= 2400,
                "{}: {} has {} chars",
                file.rel,
                s.title,
                s.text.chars().count()
            );
            all.push_str(&squeeze(&s.title));
            all.push_str(&squeeze(&s.text));
        }
        // Every line of text survives (a heading's enumerator may go, so
        // each line is looked up without its first few characters).
        let lines = extracted.blocks.iter().flat_map(|b| match b {
            Block::Heading(t) | Block::Para(t) => t.lines().map(str::to_string).collect(),
            Block::Row(cells) => cells
                .iter()
                .flat_map(|c| c.lines())
                .map(str::to_string)
                .collect::<Vec<_>>(),
            Block::Record { title, lines } => {
                std::iter::once(title).chain(lines).cloned().collect()
            }
        });
        for line in lines {
            let core: String = squeeze(&line).chars().skip(4).collect();
            if core.chars().count() < 4 {
                continue;
            }
            assert!(all.contains(&core), "{}: lost {line:?}", file.rel);
        }
        files += 1;
    }
    assert_eq!(files, 13, "the 13 documents of expected.csv");
}
