//! Document metadata: manifest > path conventions > inference from the text.
//! Every field records where it came from.
//!
//! INTERFACE (used by index, search and server; keep it stable):
//!
//! Submodules: [`manifest`] (manifest.csv), [`path`] (folder and file name
//! conventions), [`doctype`] (kinds of document, `data/doc_types.csv`), [`gazetteer`] (municipalities, embedded), [`wareki`] (year
//! expressions), [`text`] (inference from the text), [`kana`] (readings).

pub mod created;
pub mod doctype;
pub mod gazetteer;
pub mod kana;
pub mod manifest;
pub mod path;
pub mod text;
pub mod wareki;

use std::cell::LazyCell;

use serde::Serialize;

use crate::archive::Extracted;
use gazetteer::{Gazetteer, gazetteer};

/// Where a metadata value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Manifest,
    Path,
    Text,
}

/// A value and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// Metadata of one document. `None` = unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DocMeta {
    pub city: Option<Sourced<String>>,
    pub prefecture: Option<Sourced<String>>,
    /// JIS X 0402 6-digit code, e.g. "272035".
    pub city_code: Option<Sourced<String>>,
    /// Plan / fiscal year, western.
    pub year: Option<Sourced<i64>>,
    pub department: Option<Sourced<String>>,
    pub head: Option<Sourced<String>>,
    pub title: Option<Sourced<String>>,
    pub doc_type: Option<Sourced<String>>,
    pub source_url: Option<Sourced<String>>,
    /// When the document (this version of it) entered the index, seconds
    /// since the epoch: what a saved search's 新着 and the Atom feed's
    /// `updated` read. Set by the indexer, never inferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_at: Option<i64>,
}

/// One row of an archive's `manifest.csv`
/// (`path,city,prefecture,year,department,title,doc_type,source_url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestRow {
    pub path: String,
    pub city: Option<String>,
    pub prefecture: Option<String>,
    pub year: Option<i64>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub doc_type: Option<String>,
    pub source_url: Option<String>,
}

/// A parsed manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub rows: std::collections::HashMap<String, ManifestRow>,
    /// Rows that could not be used, with the reason (reported, not fatal).
    pub problems: Vec<String>,
    /// The line of each row, by path (for reporting rows that name no file).
    pub lines: std::collections::HashMap<String, u64>,
}

impl Manifest {
    /// Reads `root/manifest.csv` if present. A malformed file is an error
    /// naming the line; a bad single row is a `problem`.
    pub fn load(root: &std::path::Path) -> crate::Result<Option<Manifest>> {
        manifest::load(root)
    }

    pub fn get(&self, rel: &str) -> Option<&ManifestRow> {
        self.rows.get(rel)
    }
}

/// Seconds since the epoch (0 when the clock is before it).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Infers the metadata of one document. Each field independently takes
/// the manifest row, else the path conventions, else the text. What the file
/// declares (a data table's city and year columns) is text evidence that
/// comes before inference from the running text.
pub fn infer(rel: &str, extracted: &Extracted, manifest: Option<&ManifestRow>) -> DocMeta {
    let g = gazetteer();
    let m = manifest.cloned().unwrap_or_default();
    let text = text::analyze(extracted);
    // Scanning the whole text for place names is needed only when the
    // manifest does not name an unambiguous city.
    let cities = LazyCell::new(|| text::city_scores(extracted, g, m.prefecture.as_deref()));
    let path = path::analyze(rel, g);

    let mut meta = DocMeta {
        year: sourced(m.year, Source::Manifest)
            // A table's rows dated by fiscal year outrank a calendar date in
            // the file's name (広報あつぎ…（2025年1月15日発行） is of fiscal 2024).
            .or_else(|| {
                let d = &extracted.declared;
                sourced(d.year.filter(|_| d.fiscal), Source::Text)
            })
            .or_else(|| sourced(path.year, Source::Path))
            .or_else(|| sourced(extracted.declared.year, Source::Text))
            .or_else(|| sourced(text.year, Source::Text))
            .or_else(|| sourced(extracted.created_year, Source::Text)),
        department: sourced(m.department, Source::Manifest)
            .or_else(|| sourced(text.department, Source::Text)),
        head: sourced(text.head, Source::Text),
        title: sourced(m.title, Source::Manifest).or_else(|| sourced(text.title, Source::Text)),
        doc_type: sourced(m.doc_type, Source::Manifest)
            .or_else(|| sourced(text.doc_type, Source::Text))
            .or_else(|| {
                let kind = doctype::by_file_name(&path.stem)?;
                sourced(Some(kind.name.clone()), Source::Path)
            })
            .or_else(|| sourced(text.weak_doc_type, Source::Text)),
        source_url: sourced(m.source_url, Source::Manifest),
        ..DocMeta::default()
    };

    // A kind of document that belongs to one department (議決結果: 議会)
    // names it when nothing else does; a statement is the city's.
    if meta.department.is_none()
        && let Some(t) = &meta.doc_type
        && let Some(d) = doctype::named(&t.value)
            .filter(|_| !text.statement)
            .and_then(|k| k.department.clone())
    {
        meta.department = sourced(Some(d), t.source);
    }

    let hint = m.prefecture.as_deref();
    let city = match &m.city {
        Some(name) => Some(City::named(g, name, &cities, hint)),
        None => g
            .resolve(&path.cities, || Some(&*cities), hint)
            .map(|i| City::Known(i, Source::Path))
            .or_else(|| declared_city(g, extracted, hint).map(|i| City::Known(i, Source::Text)))
            .or_else(|| {
                (cities.prefecture_wide(g).is_none())
                    .then(|| cities.best(g).map(|i| City::Known(i, Source::Text)))
                    .flatten()
            }),
    };
    match city {
        Some(City::Known(i, source)) => {
            let e = g.entry(i);
            meta.city = sourced(Some(e.city.clone()), source);
            meta.prefecture = sourced(Some(e.prefecture.clone()), source);
            meta.city_code = sourced(Some(e.code.clone()), source);
        }
        Some(City::Unknown(name)) => meta.city = sourced(Some(name), Source::Manifest),
        // A prefecture's own document: the prefecture, no city.
        None => {
            meta.prefecture = sourced(cities.prefecture_wide(g).map(str::to_string), Source::Text)
        }
    }
    // The archivist's prefecture stands even when the city is inferred.
    if let Some(p) = m.prefecture {
        meta.prefecture = sourced(Some(p), Source::Manifest);
    }
    // Without a title in the text, what is known of the document names it
    // (豊中市 都市経営部 令和2年度 部局運営方針); a file name only as a last resort.
    if meta.title.is_none() {
        meta.title = sourced(composed_title(&meta), Source::Text)
            .or_else(|| sourced(Some(path.stem).filter(|s| !s.is_empty()), Source::Path));
    }
    meta
}

/// `city department 和暦年度 doc_type` from what is known, when at least
/// two of them are.
fn composed_title(meta: &DocMeta) -> Option<String> {
    let value = |v: &Option<Sourced<String>>| v.as_ref().map(|v| v.value.clone());
    let year = meta
        .year
        .as_ref()
        .map(|y| wareki::era_label(y.value).unwrap_or_else(|| format!("{}年度", y.value)));
    let parts: Vec<String> = [
        value(&meta.city),
        value(&meta.department),
        year,
        value(&meta.doc_type),
    ]
    .into_iter()
    .flatten()
    .collect();
    (parts.len() >= 2).then(|| parts.join(" "))
}

/// The gazetteer entry of the city a file declares (「神奈川県厚木市」, 「厚木市」).
fn declared_city(g: &Gazetteer, extracted: &Extracted, hint: Option<&str>) -> Option<usize> {
    use gazetteer::HitKind;
    let name = extracted.declared.city.as_deref()?;
    let hits = g.scan(name);
    // 「神奈川県厚木市」: the prefecture in the value settles homonyms.
    let prefecture = hits
        .iter()
        .filter(|h| h.kind == HitKind::Prefecture)
        .find_map(|h| h.candidates.first())
        .map(|&i| g.entry(i).prefecture.clone());
    let hint = prefecture.as_deref().or(hint);
    [HitKind::Name, HitKind::Bare].into_iter().find_map(|kind| {
        hits.iter()
            .filter(|h| h.kind == kind)
            .find_map(|h| g.resolve(&h.candidates, || None, hint))
    })
}

fn sourced<T>(value: Option<T>, source: Source) -> Option<Sourced<T>> {
    value.map(|value| Sourced { value, source })
}

/// The city a document is assigned to.
enum City {
    /// A gazetteer entry, and where the city came from.
    Known(usize, Source),
    /// A manifest city the gazetteer does not know: kept as given.
    Unknown(String),
}

impl City {
    /// A manifest city: its prefecture and code derive from it, so they are
    /// manifest-sourced too. Homonyms (府中市) are settled by the manifest's
    /// prefecture, then by the text.
    fn named(
        g: &Gazetteer,
        name: &str,
        scores: &LazyCell<gazetteer::CityScores, impl FnOnce() -> gazetteer::CityScores>,
        hint: Option<&str>,
    ) -> City {
        let by_name = g.by_name(name);
        let candidates = if by_name.is_empty() {
            g.by_bare(name)
        } else {
            by_name
        };
        match g.resolve(candidates, || Some(&**scores), hint) {
            Some(i) => City::Known(i, Source::Manifest),
            None => City::Unknown(name.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Block;

    fn doc(lines: &[&str]) -> Extracted {
        Extracted {
            blocks: lines.iter().map(|l| Block::Para(l.to_string())).collect(),
            doc_title: None,
            encoding: "UTF-8",
            content_hash: String::new(),
            ..Default::default()
        }
    }

    #[test]
    fn precedence_manifest_path_text() {
        let ex = doc(&[
            "令和2年度 市民協働部の運営方針",
            "延岡市では事業を進めます。延岡市長が表明。",
        ]);
        let meta = infer("otaru/R3_plan.txt", &ex, None);
        assert_eq!(
            meta.city.as_ref().map(|c| (c.value.as_str(), c.source)),
            Some(("小樽市", Source::Path))
        );
        assert_eq!(meta.city_code.as_ref().unwrap().value, "012033");
        assert_eq!(
            meta.year.as_ref().map(|y| (y.value, y.source)),
            Some((2021, Source::Path))
        );
        assert_eq!(
            meta.department.as_ref().map(|d| d.source),
            Some(Source::Text)
        );

        let row = ManifestRow {
            path: "otaru/R3_plan.txt".into(),
            city: Some("三鷹市".into()),
            year: Some(2018),
            ..ManifestRow::default()
        };
        let meta = infer("otaru/R3_plan.txt", &ex, Some(&row));
        let c = meta.city.unwrap();
        assert_eq!((c.value.as_str(), c.source), ("三鷹市", Source::Manifest));
        let p = meta.prefecture.unwrap();
        assert_eq!((p.value.as_str(), p.source), ("東京都", Source::Manifest));
        assert_eq!(meta.city_code.unwrap().value, "132047");
        assert_eq!(meta.year.unwrap().value, 2018);
        // The manifest has no department: the text still fills it.
        let d = meta.department.unwrap();
        assert_eq!((d.value.as_str(), d.source), ("市民協働部", Source::Text));

        let meta = infer("a/b.txt", &ex, None);
        let c = meta.city.unwrap();
        assert_eq!((c.value.as_str(), c.source), ("延岡市", Source::Text));
        assert_eq!(meta.year.unwrap().source, Source::Text);
        assert_eq!(meta.title.unwrap().value, "令和2年度 市民協働部の運営方針");
    }

    #[test]
    fn manifest_homonyms_and_unknown_cities() {
        let ex = doc(&["本文"]);
        let row = ManifestRow {
            city: Some("府中市".into()),
            prefecture: Some("広島県".into()),
            ..ManifestRow::default()
        };
        let meta = infer("x.txt", &ex, Some(&row));
        assert_eq!(meta.city_code.unwrap().value, "342084");
        let row = ManifestRow {
            city: Some("架空市".into()),
            ..ManifestRow::default()
        };
        let meta = infer("x.txt", &ex, Some(&row));
        assert_eq!(meta.city.unwrap().value, "架空市");
        assert_eq!(meta.prefecture, None);
        assert_eq!(meta.city_code, None);
        assert_eq!(meta.title.unwrap().value, "x");
    }

    #[test]
    fn declared_city_and_year_come_before_the_running_text() {
        let mut ex = doc(&["延岡市の令和2年度の計画", "延岡市では事業を進めます。"]);
        ex.declared = crate::archive::Declared {
            city: Some("神奈川県厚木市".into()),
            year: Some(2024),
            ..Default::default()
        };
        let meta = infer("a/b.csv", &ex, None);
        let c = meta.city.unwrap();
        assert_eq!((c.value.as_str(), c.source), ("厚木市", Source::Text));
        assert_eq!(meta.city_code.unwrap().value, "142123");
        let y = meta.year.unwrap();
        assert_eq!((y.value, y.source), (2024, Source::Text));
        // The path still wins.
        let meta = infer("otaru/R3_news.csv", &ex, None);
        assert_eq!(meta.city.unwrap().value, "小樽市");
        assert_eq!(meta.year.unwrap().value, 2021);
    }
}
