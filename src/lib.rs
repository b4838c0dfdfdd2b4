//! plansearch: search over archives of Japanese municipal plan documents.
//!
//! The pipeline, one module per stage:
//! [`archive`] (walk, encodings, text extraction) → [`meta`] (manifest, path,
//! gazetteer, 和暦) → [`sections`] (initiatives) → [`analysis`] (dictionary,
//! tokenizers, normalization) → [`index`] (schema, writer, reader) →
//! [`search`] (queries, filters, facets, snippets) → [`server`] and [`cli`].

pub mod analysis;
pub mod archive;
pub mod cli;
pub mod error;
pub mod eval;
pub mod index;
pub mod meta;
pub mod search;
pub mod sections;
pub mod server;

pub use error::{Error, Result};
