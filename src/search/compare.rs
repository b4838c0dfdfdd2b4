//! Side-by-side view: how each city approaches the same topic.

use serde::Serialize;

use super::{Engine, Hit, SearchRequest};
use crate::error::{QueryError, Result};

/// Cities shown when the request names none.
pub const DEFAULT_CITIES: usize = 8;
/// Most cities one request may name.
pub const MAX_CITIES: usize = 20;
/// Most passages per city.
pub const MAX_PER_CITY: usize = 10;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CityColumn {
    pub city: String,
    pub prefecture: Option<String>,
    /// Passages of this city matching the query.
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub query: String,
    pub cities: Vec<CityColumn>,
}

impl Engine {
    /// Best passages per city: the cities in `req.filters.cities`, or the
    /// cities with the most matches.
    pub fn compare(&self, req: &SearchRequest, per_city: usize) -> Result<Comparison> {
        if per_city == 0 || per_city > MAX_PER_CITY {
            return Err(QueryError::invalid_parameter(
                "per_city",
                format!("per_city must be between 1 and {MAX_PER_CITY}"),
            )
            .into());
        }
        if req.filters.cities.len() > MAX_CITIES {
            return Err(QueryError::TooManyCities { max: MAX_CITIES }.into());
        }
        // Every column counts strict matches, as a search does.
        let mut overview = req.clone();
        overview.limit = 1;
        overview.offset = 0;
        overview.facets = true;
        overview.partial = false;
        let overview = self.search(&overview)?;
        let cities: Vec<String> = if req.filters.cities.is_empty() {
            overview
                .facets
                .unwrap_or_default()
                .city
                .into_iter()
                .take(DEFAULT_CITIES)
                .map(|f| f.value)
                .collect()
        } else {
            let mut seen = Vec::new();
            for c in &req.filters.cities {
                if !seen.contains(c) {
                    seen.push(c.clone());
                }
            }
            seen
        };
        let mut columns = Vec::with_capacity(cities.len());
        for city in cities {
            let mut one = req.clone();
            one.filters.cities = vec![city.clone()];
            one.limit = per_city;
            one.offset = 0;
            one.facets = false;
            one.partial = false;
            let resp = self.search(&one)?;
            let prefecture = resp.hits.first().and_then(|h| h.prefecture.clone());
            columns.push(CityColumn {
                city,
                prefecture,
                total: resp.total,
                hits: resp.hits,
            });
        }
        Ok(Comparison {
            query: req.q.clone(),
            cities: columns,
        })
    }
}
