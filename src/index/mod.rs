//! The on-disk index: schema, writer (archive → passages), reader.

pub mod document;
pub mod merge;
pub mod reader;
pub mod schema;
pub mod state;
pub mod usage;
pub mod writer;

pub use reader::IndexHandle;
pub use schema::Fields;
pub use writer::{IndexOptions, IndexReport};
