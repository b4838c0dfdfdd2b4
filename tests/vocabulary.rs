//! The policy vocabulary shipped with the project: `data/synonyms.txt` and
//! `data/userdict.csv`. Checks the files' editorial rules and how the
//! analyzer and the expansion use them.

use std::collections::HashMap;

use plansearch::analysis::dictionary::BUILTIN_USER_DICT;
use plansearch::analysis::normalize::normalize_inline;
use plansearch::analysis::synonyms::{self, BUILTIN, Synonyms};
use plansearch::analysis::variants::fold_text;
use plansearch::analysis::{Analyzer, DictionaryConfig};

fn analyzer() -> Analyzer {
    Analyzer::load(&DictionaryConfig::default()).expect("IPADIC (apt-get install mecab-ipadic)")
}

fn ipadic_only() -> Analyzer {
    Analyzer::load(&DictionaryConfig {
        without_builtin_user_dict: true,
        ..Default::default()
    })
    .expect("IPADIC (apt-get install mecab-ipadic)")
}

fn terms(a: &Analyzer, text: &str) -> Vec<String> {
    a.words(text).into_iter().map(|w| w.term).collect()
}

/// The shipped groups as written (line number, members), parsed the way
/// `Synonyms::parse` reads them.
fn shipped_groups() -> Vec<(usize, Vec<String>)> {
    BUILTIN
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                return None;
            }
            let members: Vec<String> = line
                .split([',', '、'])
                .map(normalize_inline)
                .filter(|m| !m.is_empty())
                .collect();
            Some((i + 1, members))
        })
        .collect()
}

/// The shipped user-dictionary rows (line number, surface, pos, reading).
fn shipped_user_entries() -> Vec<(usize, String, String, String)> {
    BUILTIN_USER_DICT
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split(',').collect();
            assert_eq!(cols.len(), 3, "userdict.csv line {}: {l:?}", i + 1);
            (
                i + 1,
                cols[0].to_string(),
                cols[1].to_string(),
                cols[2].to_string(),
            )
        })
        .collect()
}

// --- synonyms.txt ---------------------------------------------------------

#[test]
fn shipped_synonyms_parse_with_at_least_fifty_groups() {
    let s = Synonyms::parse(BUILTIN).expect("data/synonyms.txt parses");
    assert!(s.len() >= 50, "only {} groups", s.len());
    assert_eq!(s.len(), shipped_groups().len());
    assert_eq!(Synonyms::builtin().len(), s.len());
}

#[test]
fn every_member_has_at_least_two_chars() {
    for (line, members) in shipped_groups() {
        for m in &members {
            assert!(
                synonyms::key(m).chars().count() >= 2,
                "line {line}: member {m:?} is shorter than two characters"
            );
        }
    }
}

#[test]
fn no_member_is_in_two_groups_or_listed_twice() {
    // Keys are what the expansion compares: NFKC, folded variants,
    // lowercase. A repeated key is either a member in two groups or a pure
    // width/variant duplicate that normalization already covers.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for (line, members) in shipped_groups() {
        for m in &members {
            if let Some((other, first)) = seen.insert(synonyms::key(m), (line, m.clone())) {
                panic!("{m:?} (line {line}) has the same key as {first:?} (line {other})");
            }
        }
    }
}

#[test]
fn every_group_has_two_distinct_members() {
    for (line, members) in shipped_groups() {
        assert!(members.len() >= 2, "line {line}: {members:?}");
    }
}

#[test]
fn related_but_distinct_terms_are_not_grouped() {
    // Editorial guard: these pairs are related, not synonyms.
    let s = Synonyms::builtin();
    let apart = [
        ("PPP", "PFI"),
        ("避難所", "避難場所"),
        ("避難所", "指定緊急避難場所"),
        ("防災", "減災"),
        ("広報", "情報発信"),
        ("行財政改革", "財政健全化"),
        ("子育て支援", "待機児童"),
        ("ふるさと納税", "まちづくり応援寄付"),
    ];
    for (a, b) in apart {
        let ka = synonyms::key(b);
        assert!(
            !s.expand(a).iter().any(|m| synonyms::key(m) == ka),
            "{a} expands to {b}"
        );
    }
}

#[test]
fn partnership_terms_expand_to_each_other() {
    let s = Synonyms::builtin();
    let e = s.expand("官民連携");
    assert!(e.iter().any(|m| m == "公民連携"), "{e:?}");
    assert!(e.iter().any(|m| m == "PPP"), "{e:?}");
    assert!(!e.iter().any(|m| m == "PFI"), "{e:?}");
    // Case and width do not matter.
    assert!(s.expand("ｐｐｐ").iter().any(|m| m == "官民連携"));
}

#[test]
fn full_width_dx_expands_to_the_spelled_out_form() {
    let s = Synonyms::builtin();
    let e = s.expand("ＤＸ");
    assert!(
        e.iter().any(|m| m == "デジタルトランスフォーメーション"),
        "{e:?}"
    );
    assert!(
        s.expand("デジタルトランスフォーメーション")
            .iter()
            .any(|m| m == "DX")
    );
}

#[test]
fn variant_spelling_expands_like_the_canonical_one() {
    let s = Synonyms::builtin();
    let canonical = s.expand("強靭化");
    assert!(!canonical.is_empty());
    assert_eq!(s.expand("強靱化"), canonical);
    assert!(canonical.iter().any(|m| m == "国土強靭化"), "{canonical:?}");
    // The kana spelling the folding cannot reach is listed explicitly.
    assert!(canonical.iter().any(|m| m == "強じん化"), "{canonical:?}");
    assert!(s.expand("国土強靱化").iter().any(|m| m == "国土強じん化"));
}

#[test]
fn other_policy_groups_expand() {
    let s = Synonyms::builtin();
    let has = |term: &str, want: &str| {
        let e = s.expand(term);
        assert!(e.iter().any(|m| m == want), "{term} -> {e:?} lacks {want}");
    };
    has("EBPM", "エビデンスに基づく政策立案");
    has("コロナ", "新型コロナウイルス感染症");
    has("COVID-19", "新型コロナ");
    has("sdgs", "持続可能な開発目標");
    has("男女平等参画", "男女共同参画");
    has("地方創生", "まち・ひと・しごと創生");
    has("ふるさと寄附", "ふるさと納税");
    has("リモートワーク", "テレワーク");
    has("カーボンニュートラル", "脱炭素");
    has("障がい者", "障害者");
    has("インバウンド", "訪日外国人");
}

// --- userdict.csv ----------------------------------------------------------

#[test]
fn user_entries_are_well_formed_and_canonical() {
    let entries = shipped_user_entries();
    assert!(entries.len() >= 40, "only {} entries", entries.len());
    let mut seen = HashMap::new();
    for (line, surface, pos, reading) in &entries {
        assert_eq!(pos, "カスタム名詞", "line {line}");
        assert!(
            surface.chars().count() >= 2,
            "line {line}: {surface:?} is too short"
        );
        // The analyzer folds variants and NFKC-normalizes before
        // segmentation, so only the canonical form can ever match.
        assert_eq!(&normalize_inline(surface), surface, "line {line}: not NFKC");
        assert_eq!(fold_text(surface), surface.as_str(), "line {line}: variant");
        assert!(
            !reading.is_empty()
                && reading
                    .chars()
                    .all(|c| ('\u{30A1}'..='\u{30FC}').contains(&c)),
            "line {line}: reading {reading:?} is not katakana"
        );
        assert!(
            seen.insert(surface.clone(), *line).is_none(),
            "line {line}: {surface} listed twice"
        );
    }
}

#[test]
fn every_user_entry_segments_to_itself_as_one_word() {
    let a = analyzer();
    for (line, surface, _, _) in shipped_user_entries() {
        let words = a.words(&surface);
        let first = words
            .first()
            .unwrap_or_else(|| panic!("line {line}: no words"));
        assert_eq!(first.surface, surface, "line {line}: {words:?}");
        assert_eq!(
            first.term,
            synonyms::key(&surface),
            "line {line}: {words:?}"
        );
        // Its IPADIC parts follow at the same position; nothing else.
        assert!(
            words.iter().all(|w| w.position == 0),
            "line {line}: {surface} is not one word: {words:?}"
        );
    }
}

#[test]
fn every_user_entry_changes_ipadic_segmentation() {
    // An entry IPADIC already returns as one word adds nothing.
    let base = ipadic_only();
    for (line, surface, _, _) in shipped_user_entries() {
        let words = base.words(&surface);
        // A query joins a hyphenated Latin word (AI-OCR) into one word
        // whatever the dictionary does; the entry still names it.
        let latin = surface
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if latin {
            continue;
        }
        assert!(
            words.len() != 1 || words[0].surface != surface,
            "line {line}: IPADIC already segments {surface} as one word"
        );
    }
}

#[test]
fn a_compound_is_one_term_and_its_parts_are_terms() {
    let a = analyzer();
    let words = a.words("国土強靱化");
    let t: Vec<&str> = words.iter().map(|w| w.term.as_str()).collect();
    for want in ["国土強靭化", "国土", "強靭", "化"] {
        assert!(t.contains(&want), "{want} missing from {t:?}");
    }
    assert!(words.iter().all(|w| w.position == 0), "{words:?}");
    // In running text the compound and its parts share one position.
    let words = a.words("第3期まち・ひと・しごと創生総合戦略");
    let pos = |t: &str| {
        words
            .iter()
            .find(|w| w.term == t)
            .unwrap_or_else(|| panic!("{t} missing from {words:?}"))
            .position
    };
    assert_eq!(pos("まち・ひと・しごと創生"), pos("まち"));
    assert_eq!(pos("まち・ひと・しごと創生"), pos("創"));
    assert_eq!(pos("総合"), pos("まち・ひと・しごと創生") + 1);
}

#[test]
fn bad_ipadic_splits_are_fixed() {
    let a = analyzer();
    // IPADIC alone: ド|ローン, 障る|者, 特定|健|診る, 地方|創|生.
    assert!(terms(&a, "ドローンの活用").contains(&"ドローン".to_string()));
    assert!(terms(&a, "障がい者福祉").contains(&"障がい".to_string()));
    assert!(terms(&a, "特定健診の受診率").contains(&"健診".to_string()));
    assert!(terms(&a, "地方創生の推進").contains(&"地方創生".to_string()));
    assert!(terms(&a, "CO2排出量").contains(&"co2".to_string()));
}

#[test]
fn entries_are_not_greedy_across_common_words() {
    let a = analyzer();
    // The phrase 避難所 must stay two adjacent positions (no 指定避難所 entry).
    assert_eq!(
        terms(&a, "避難所の停電対策"),
        terms(&ipadic_only(), "避難所の停電対策")
    );
    // 5G does not swallow the digit of a larger number.
    assert!(!terms(&a, "25GBの容量").contains(&"5g".to_string()));
}
