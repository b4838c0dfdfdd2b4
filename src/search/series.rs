//! Series: the documents of one city, one department and one document type
//! over the years (issue #13). Department names are compared after
//! normalising width and spacing (「都市経営 部」 = 「都市経営部」).

use std::collections::BTreeMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::documents::{DocumentSummary, MAX_DOCUMENTS};
use super::{Engine, Filters};
use crate::error::{Error, Result};

/// One document of a series.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesDoc {
    pub doc_id: String,
    pub year: i64,
    pub title: String,
    /// The files this document was published as (the same city, year,
    /// department and title in several formats: a .txt and its .xlsx), the
    /// one compared (`doc_id`) first. Empty when not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub originals: Vec<SeriesOriginal>,
}

/// One published file of a series document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesOriginal {
    pub doc_id: String,
    pub file: String,
    pub format: String,
}

/// Which of a document's formats is compared: running text first, tables
/// last (a workbook's rows are records, not the document's sections).
fn format_rank(format: &str) -> u8 {
    match format {
        "txt" | "md" | "html" | "htm" => 0,
        "docx" => 1,
        "pdf" => 2,
        _ => 3,
    }
}

/// Documents of one city + department + doc type, years ascending.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Series {
    /// `city|department|doc_type` with the department normalised.
    pub key: String,
    pub city: String,
    /// `null` for documents of the whole city (a mayor's statement).
    pub department: Option<String>,
    pub doc_type: Option<String>,
    pub documents: Vec<SeriesDoc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesList {
    pub series: Vec<Series>,
}

/// A name as compared: NFKC (full width → half width), no spaces of any kind.
pub fn normalise_name(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn key_of(city: &str, department: Option<&str>, doc_type: Option<&str>) -> String {
    format!(
        "{}|{}|{}",
        normalise_name(city),
        department.map(normalise_name).unwrap_or_default(),
        doc_type.map(normalise_name).unwrap_or_default()
    )
}

fn known(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.trim().is_empty())
}

/// The series key of a document, when it has what a series needs: a city,
/// a year, and a department or a document type (or both).
pub fn series_key(d: &DocumentSummary) -> Option<String> {
    if d.year.is_none() || known(&d.department).is_none() && known(&d.doc_type).is_none() {
        return None;
    }
    Some(key_of(
        known(&d.city)?,
        known(&d.department),
        known(&d.doc_type),
    ))
}

/// What `/api/series` filters on; department and doc type compared normalised.
#[derive(Debug, Clone, Default)]
pub struct SeriesFilter {
    pub cities: Vec<String>,
    pub departments: Vec<String>,
    pub doc_types: Vec<String>,
}

impl Engine {
    /// Every series (two documents or more of different years), by city then
    /// department.
    pub fn series(&self, filter: &SeriesFilter) -> Result<SeriesList> {
        let filters = Filters {
            cities: filter.cities.clone(),
            ..Default::default()
        };
        let docs = self.documents(&filters, MAX_DOCUMENTS, 0)?.documents;
        let want = |wanted: &[String], v: Option<&str>| {
            wanted.is_empty()
                || v.is_some_and(|v| {
                    let v = normalise_name(v);
                    wanted.iter().any(|w| normalise_name(w) == v)
                })
        };
        let mut groups: BTreeMap<String, Series> = BTreeMap::new();
        for d in docs {
            let Some(key) = series_key(&d) else { continue };
            if !want(&filter.departments, d.department.as_deref())
                || !want(&filter.doc_types, d.doc_type.as_deref())
            {
                continue;
            }
            let s = groups.entry(key.clone()).or_insert_with(|| Series {
                key,
                city: d.city.clone().unwrap_or_default(),
                department: d.department.as_deref().map(normalise_name),
                doc_type: d.doc_type.clone(),
                documents: Vec::new(),
            });
            let year = d.year.unwrap_or_default();
            let original = SeriesOriginal {
                doc_id: d.doc_id.clone(),
                file: d.file.clone(),
                format: d.format.clone(),
            };
            // The same document in another format (same year, and the same
            // title or, where the titles were read differently, the same
            // text) is one document of the series with one more original.
            let title = normalise_name(&d.title);
            let twin_at = s.documents.iter().position(|x| {
                x.year == year
                    && (normalise_name(&x.title) == title
                        || x.originals.iter().all(|o| o.format != d.format)
                            && self.same_text(&x.doc_id, &d.doc_id))
            });
            if let Some(twin) = twin_at.map(|i| &mut s.documents[i]) {
                twin.originals.push(original);
                twin.originals.sort_by(|a, b| {
                    format_rank(&a.format)
                        .cmp(&format_rank(&b.format))
                        .then(a.doc_id.cmp(&b.doc_id))
                });
                twin.doc_id = twin.originals[0].doc_id.clone();
                continue;
            }
            s.documents.push(SeriesDoc {
                doc_id: d.doc_id.clone(),
                year,
                title: d.title.clone(),
                originals: vec![original],
            });
        }
        let mut series: Vec<Series> = groups
            .into_values()
            .filter_map(|mut s| {
                s.documents
                    .sort_by(|a, b| a.year.cmp(&b.year).then(a.doc_id.cmp(&b.doc_id)));
                let mut years: Vec<i64> = s.documents.iter().map(|d| d.year).collect();
                years.dedup();
                (years.len() >= 2).then_some(s)
            })
            .collect();
        series.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(SeriesList { series })
    }

    /// Whether two documents hold the same text (a .txt and the .xlsx or
    /// .pdf it was also published as): the character-bigram Dice of their
    /// first 20,000 letters is at least 0.8. Only asked of documents of one
    /// series and year in different formats.
    fn same_text(&self, a: &str, b: &str) -> bool {
        const SAMPLE: usize = 20_000;
        let text = |id: &str| -> Option<String> {
            let d = self.document(id).ok()?;
            let mut out = String::new();
            for s in &d.section_list {
                out.extend(
                    format!("{}{}", s.title, s.text)
                        .chars()
                        .filter(|c| c.is_alphanumeric()),
                );
                if out.len() > SAMPLE * 3 {
                    break;
                }
            }
            Some(out.chars().take(SAMPLE).collect())
        };
        match (text(a), text(b)) {
            (Some(x), Some(y)) => {
                super::diff::dice(&super::diff::bigrams(&x), &super::diff::bigrams(&y)) >= 0.8
            }
            _ => false,
        }
    }

    /// The series a document belongs to, if any (also when it is the
    /// other format of a series document).
    pub fn series_of(&self, doc_id: &str) -> Result<Option<Series>> {
        let doc = self.document(doc_id)?.summary;
        let Some(key) = series_key(&doc) else {
            return Ok(None);
        };
        let filter = SeriesFilter {
            cities: doc.city.iter().cloned().collect(),
            ..Default::default()
        };
        Ok(self
            .series(&filter)?
            .series
            .into_iter()
            .find(|s| s.key == key))
    }

    /// The document of a series for a year (the first when several).
    pub fn series_document(
        &self,
        city: &str,
        department: Option<&str>,
        doc_type: Option<&str>,
        year: i64,
    ) -> Result<String> {
        let filter = SeriesFilter {
            cities: vec![city.to_string()],
            departments: department.map(str::to_string).into_iter().collect(),
            doc_types: doc_type.map(str::to_string).into_iter().collect(),
        };
        self.series(&filter)?
            .series
            .iter()
            .flat_map(|s| s.documents.iter())
            .find(|d| d.year == year)
            .map(|d| d.doc_id.clone())
            .ok_or_else(|| {
                Error::DocumentUnavailable(format!(
                    "no document of {city} {} for the year {year}",
                    department.or(doc_type).unwrap_or_default()
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_spacing_or_width() {
        assert_eq!(normalise_name("都市経営 部"), normalise_name("都市経営部"));
        assert_eq!(normalise_name("都市経営　部"), "都市経営部");
        assert_eq!(normalise_name("ＤＸ推進室"), "DX推進室");
    }
}
