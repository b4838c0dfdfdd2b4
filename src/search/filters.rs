//! Metadata filters: city, prefecture, department, year, document type,
//! and the speaker of a speech in council minutes.

use std::ops::Bound;

use serde::Deserialize;
use tantivy::Term;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::index::Fields;

/// Filters shared by every endpoint. Lists mean "any of these".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Filters {
    pub cities: Vec<String>,
    pub prefectures: Vec<String>,
    pub departments: Vec<String>,
    pub doc_types: Vec<String>,
    pub year: Option<i64>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// Speakers (names as stored: `人見武男`), their roles (`市長`, `議員`)
    /// and groups (`議員`, `執行部`); only passages of minutes match these.
    #[serde(default)]
    pub speakers: Vec<String>,
    #[serde(default)]
    pub speaker_roles: Vec<String>,
    #[serde(default)]
    pub speaker_groups: Vec<String>,
}

fn any_of(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let clauses = values
        .iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Filter clauses; they match or not and add nothing to the score.
    pub fn clauses(&self, fields: &Fields) -> Vec<Box<dyn Query>> {
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        out.extend(any_of(fields.city, &self.cities));
        out.extend(any_of(fields.prefecture, &self.prefectures));
        out.extend(any_of(fields.department, &self.departments));
        out.extend(any_of(fields.doc_type, &self.doc_types));
        out.extend(any_of(fields.speaker, &self.speakers));
        out.extend(any_of(fields.speaker_role, &self.speaker_roles));
        out.extend(any_of(fields.speaker_group, &self.speaker_groups));
        let (from, to) = match self.year {
            Some(y) => (Some(y), Some(y)),
            None => (self.year_from, self.year_to),
        };
        if from.is_some() || to.is_some() {
            let bound = |v: Option<i64>| match v {
                Some(y) => Bound::Included(Term::from_field_i64(fields.year, y)),
                None => Bound::Unbounded,
            };
            out.push(Box::new(RangeQuery::new(bound(from), bound(to))));
        }
        out.into_iter()
            .map(|q| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)
            .collect()
    }

    /// The filters that select whole documents (no speaker filter): what
    /// counts the documents a passage filter is applied within.
    pub fn documents_only(&self) -> Filters {
        Filters {
            speakers: Vec::new(),
            speaker_roles: Vec::new(),
            speaker_groups: Vec::new(),
            ..self.clone()
        }
    }

    /// `query` restricted by the filters.
    pub fn apply(&self, fields: &Fields, query: Box<dyn Query>) -> Box<dyn Query> {
        let filters = self.clauses(fields);
        if filters.is_empty() {
            return query;
        }
        let mut clauses = vec![(Occur::Must, query)];
        clauses.extend(filters.into_iter().map(|f| (Occur::Must, f)));
        Box::new(BooleanQuery::new(clauses))
    }
}
