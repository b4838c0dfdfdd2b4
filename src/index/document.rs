//! The tantivy document of one passage.
//!
//! tantivy's writer queues up to 10,000 documents before its threads analyse
//! them. As `TantivyDocument`s each queued passage held its text three times
//! (the morphological, bigram and reading fields) and its document's
//! metadata JSON once more, which made that queue the largest part of the
//! memory needed to index one huge file. A [`PassageDoc`] holds the text
//! once for all fields that index it, and the values a document's passages
//! share (title, file, metadata) once per document behind an `Arc`.

use std::sync::Arc;

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Document, Field, Value};

/// One value of a passage field.
#[derive(Debug, Clone)]
pub enum FieldValue {
    Text(Arc<str>),
    U64(u64),
    I64(i64),
}

impl FieldValue {
    pub fn text(s: &str) -> FieldValue {
        FieldValue::Text(Arc::from(s))
    }
}

/// Field values, in the order they were added.
pub type Values = Vec<(Field, FieldValue)>;

/// The document indexed for one passage: the values it shares with the
/// other passages of its document, then its own.
#[derive(Debug, Clone)]
pub struct PassageDoc {
    pub shared: Arc<Values>,
    pub own: Values,
}

/// A borrowed field value, as tantivy reads it.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    Str(&'a str),
    U64(u64),
    I64(i64),
}

impl<'a> Value<'a> for ValueRef<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        ReferenceValue::Leaf(match *self {
            ValueRef::Str(s) => ReferenceValueLeaf::Str(s),
            ValueRef::U64(n) => ReferenceValueLeaf::U64(n),
            ValueRef::I64(n) => ReferenceValueLeaf::I64(n),
        })
    }
}

fn borrow((field, value): &(Field, FieldValue)) -> (Field, ValueRef<'_>) {
    let value = match value {
        FieldValue::Text(s) => ValueRef::Str(s),
        FieldValue::U64(n) => ValueRef::U64(*n),
        FieldValue::I64(n) => ValueRef::I64(*n),
    };
    (*field, value)
}

type FieldIter<'a> = std::slice::Iter<'a, (Field, FieldValue)>;
type Borrow<'a> = fn(&'a (Field, FieldValue)) -> (Field, ValueRef<'a>);

impl Document for PassageDoc {
    type Value<'a> = ValueRef<'a>;
    type FieldsValuesIter<'a> =
        std::iter::Map<std::iter::Chain<FieldIter<'a>, FieldIter<'a>>, Borrow<'a>>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.shared
            .iter()
            .chain(self.own.iter())
            .map(borrow as Borrow<'_>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn a_passage_doc_indexes_and_stores_like_a_tantivy_document() {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", STRING | STORED);
        let text = b.add_text_field("text", TEXT | STORED);
        let text2 = b.add_text_field("text2", TEXT);
        let n = b.add_u64_field("n", STORED);
        let index = Index::create_in_ram(b.build());
        let mut writer = index.writer::<PassageDoc>(15_000_000).unwrap();
        let shared = Arc::new(vec![(title, FieldValue::text("plan"))]);
        for (i, body) in ["alpha beta", "gamma"].into_iter().enumerate() {
            let body = FieldValue::text(body);
            writer
                .add_document(PassageDoc {
                    shared: Arc::clone(&shared),
                    own: vec![
                        (text, body.clone()),
                        (text2, body),
                        (n, FieldValue::U64(i as u64)),
                    ],
                })
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), 2);
        let parser = tantivy::query::QueryParser::for_index(&index, vec![text2]);
        let hits = searcher
            .search(
                &parser.parse_query("gamma").unwrap(),
                &tantivy::collector::TopDocs::with_limit(5).order_by_score(),
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
        let stored: TantivyDocument = searcher.doc(hits[0].1).unwrap();
        assert_eq!(
            stored.get_first(title).and_then(|v| v.as_str()),
            Some("plan")
        );
        assert_eq!(
            stored.get_first(text).and_then(|v| v.as_str()),
            Some("gamma")
        );
        assert_eq!(stored.get_first(n).and_then(|v| v.as_u64()), Some(1));
    }
}
