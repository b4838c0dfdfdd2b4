//! Path conventions: what the folder and file names of an archive say about
//! a document (`otaru/…_Otaru_R3_Minutes.html`, `2003/h15-1-….txt`,
//! `142123_広報あつぎ….csv`, `豊中市/2020/…`).
//!
//! The file name is the most specific, so it is read first, then the folders
//! from the innermost outwards; the first component that says something
//! wins.

use super::gazetteer::{Gazetteer, HitKind};
use super::wareki;
use crate::analysis::normalize::normalize_inline;

/// What the path says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathHints {
    pub year: Option<i64>,
    /// Gazetteer indices named by the path (several for homonyms).
    pub cities: Vec<usize>,
    /// File name without extension, the title of last resort.
    pub stem: String,
}

/// Reads `rel` ('/'-separated, relative to the archive root). Names are
/// NFKC-normalized first: file systems hand out full-width digits and
/// decomposed kana (あつき + U+3099) as readily as text does.
pub fn analyze(rel: &str, g: &Gazetteer) -> PathHints {
    let parts: Vec<String> = components(rel).into_iter().map(normalize_inline).collect();
    PathHints {
        year: parts.iter().find_map(|c| component_year(c)),
        cities: parts
            .iter()
            .map(|c| component_cities(c, g))
            .find(|c| !c.is_empty())
            .unwrap_or_default(),
        stem: parts.first().cloned().unwrap_or_default(),
    }
}

/// File stem first, then folders innermost first.
fn components(rel: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = rel
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if let Some(last) = parts.last_mut() {
        *last = strip_extension(last);
    }
    parts.reverse();
    parts
}

fn strip_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => name,
    }
}

/// Tokens of a name: `PoliInfo4_MBLink_v20230613_Otaru_R3_Minutes` →
/// PoliInfo4, MBLink, v20230613, Otaru, R3, Minutes. Only whole tokens
/// count, so the version date inside `v20230613` is never a year.
fn tokens(component: &str) -> impl Iterator<Item = &str> {
    component
        .split(['_', '-', '.', ' ', '(', ')', '[', ']', ',', '+'])
        .filter(|t| !t.is_empty())
}

/// `R3`/`H28` tokens first (explicit era shorthand), then a 4-digit year
/// token, then a year written out (`令和2年度運営方針`).
fn component_year(component: &str) -> Option<i64> {
    tokens(component)
        .find_map(wareki::era_token)
        .or_else(|| tokens(component).find_map(wareki::western_token))
        .or_else(|| wareki::find_years(component).first().map(|m| m.year))
}

/// A 6-digit code prefix, a kanji name, then a romaji reading.
fn component_cities(component: &str, g: &Gazetteer) -> Vec<usize> {
    if let Some(i) = tokens(component)
        .filter(|t| t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()))
        .find_map(|t| g.by_code(t))
    {
        return vec![i];
    }
    for t in tokens(component) {
        for found in [g.by_name(t), g.by_bare(t)] {
            if !found.is_empty() {
                return found.to_vec();
            }
        }
    }
    if let Some(h) = g
        .scan(component)
        .into_iter()
        .find(|h| h.kind == HitKind::Name)
    {
        return h.candidates;
    }
    tokens(component)
        .filter(|t| {
            t.chars()
                .all(|c| c.is_ascii_alphabetic() || "āīūēōâîûêôĀĪŪĒŌÂÎÛÊÔ".contains(c))
        })
        .map(|t| g.by_romaji(t))
        .find(|c| !c.is_empty())
        .map(<[usize]>::to_vec)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::gazetteer::gazetteer;

    fn hints(rel: &str) -> PathHints {
        analyze(rel, gazetteer())
    }

    fn cities(rel: &str) -> Vec<&'static str> {
        hints(rel)
            .cities
            .iter()
            .map(|&i| gazetteer().entry(i).city.as_str())
            .collect()
    }

    #[test]
    fn era_tokens_beat_version_dates() {
        let h = hints("otaru/PoliInfo4_MBLink_v20230613_Otaru_R3_Minutes.html");
        assert_eq!(h.year, Some(2021));
        assert_eq!(h.stem, "PoliInfo4_MBLink_v20230613_Otaru_R3_Minutes");
        assert_eq!(hints("x/Sample_H28_a.html").year, Some(2016));
        assert_eq!(hints("2003/h15-1-rinjikai-01.txt").year, Some(2003));
        assert_eq!(hints("docs/R1_plan.md").year, Some(2019));
    }

    #[test]
    fn year_folders_and_dated_file_names() {
        assert_eq!(hints("2003/minutes-01.txt").year, Some(2003));
        assert_eq!(hints("statements/2026-02-16-mayor.txt").year, Some(2026));
        assert_eq!(hints("plans/令和2年度運営方針.txt").year, Some(2020));
        assert_eq!(hints("v20230613/notes.txt").year, None);
        assert_eq!(hints("000_7ac73259abb03be3.txt").year, None);
    }

    #[test]
    fn romaji_folder_and_file_names() {
        assert_eq!(cities("otaru/statement.html"), vec!["小樽市"]);
        assert_eq!(
            cities("x/PoliInfo4_MBLink_Otaru_R3_Minutes.html"),
            vec!["小樽市"]
        );
        assert_eq!(cities("nobeoka/2026-02-16-mayor.txt"), vec!["延岡市"]);
        assert_eq!(cities("Kiryu/2003/a.txt"), vec!["桐生市"]);
        // Only whole tokens: no city hides in these names.
        assert!(cities("data/minutes/otarumap.txt").is_empty());
        assert!(cities("seeds/000_7ac73259abb03be3.txt").is_empty());
    }

    #[test]
    fn code_prefix_and_kanji_names() {
        assert_eq!(
            cities("bulletin/142123_広報あつぎ第1号.csv"),
            vec!["厚木市"]
        );
        // Decomposed kana and full-width digits, as some file systems store them.
        assert_eq!(
            hints("広報あつき\u{3099}（２０２４年４月１５日発行）.csv").year,
            Some(2024)
        );
        assert_eq!(hints("x/Ｒ３_議事録.html").year, Some(2021));
        assert_eq!(cities("豊中市/2020/方針.txt"), vec!["豊中市"]);
        assert_eq!(cities("archive/三鷹市企画部方針.txt"), vec!["三鷹市"]);
        // Homonyms are returned for the caller to settle.
        assert_eq!(cities("府中市/a.txt").len(), 2);
        // A prefecture code is not a municipality.
        assert!(cities("270008_x.txt").is_empty());
    }
}
