//! Rows as read from a file, before they become domain records: every value
//! is a trimmed string with the place it came from.
//!
//! A row keeps its values in one string (a span per column) and shares its
//! column names with the other rows of its file: reading an England-sized
//! return makes millions of values, and one allocation per value (with a
//! copy of the file name for each) was most of the reader's time and memory.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct};

use crate::problem::SourceRef;
use crate::tables::Table;

/// One value of a raw row, as listed by [`RawRow::fields`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawField<'a> {
    pub name: &'a str,
    /// Trimmed.
    pub value: &'a str,
    /// Where the value is (for XML, its own element).
    pub source: &'a SourceRef,
}

/// The column names of a file, in order, each with a key that finds it
/// without comparing text: the rules ask for values by name millions of
/// times, and comparing the names (`memcmp`) was a quarter of a
/// validation's time.
#[derive(Debug, Clone, Default)]
pub struct ColumnNames {
    names: Vec<String>,
    /// `key(names[i])`.
    keys: Vec<u128>,
}

/// A name's first 16 bytes, zero-padded (column names hold no zero byte,
/// so two names of 16 bytes or fewer are equal exactly when their keys are).
fn key(name: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = name.len().min(16);
    b[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_le_bytes(b)
}

impl ColumnNames {
    pub fn new(names: Vec<String>) -> Self {
        let keys = names.iter().map(|n| key(n)).collect();
        ColumnNames { names, keys }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn push(&mut self, name: &str) {
        self.keys.push(key(name));
        self.names.push(name.to_owned());
    }

    /// The place of `column` among the names.
    fn index(&self, column: &str) -> Option<usize> {
        let k = key(column);
        let long = column.len() > 16;
        self.keys
            .iter()
            .enumerate()
            .find(|&(i, &nk)| nk == k && (!long || self.names[i] == column))
            .map(|(i, _)| i)
    }

    fn prefix(&self, n: usize) -> Self {
        ColumnNames {
            names: self.names[..n].to_vec(),
            keys: self.keys[..n].to_vec(),
        }
    }
}

impl std::ops::Deref for ColumnNames {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.names
    }
}

/// One row of a table, as read.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub table: Table,
    pub source: SourceRef,
    /// The column names, in the order set; shared by the rows of a CSV file.
    names: Arc<ColumnNames>,
    /// Every value, one after the other.
    text: String,
    /// `names[i]`'s value is `text[spans[i].0..spans[i].1]` (a row's text
    /// is far shorter than 4 GiB).
    spans: Vec<(u32, u32)>,
    /// The place of a value that is not the row's own (XML), by column.
    sources: Vec<(usize, SourceRef)>,
}

impl RawRow {
    pub fn new(table: Table, source: SourceRef) -> Self {
        RawRow {
            table,
            source,
            names: Arc::new(ColumnNames::default()),
            text: String::new(),
            spans: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// A row of a CSV file: one value for each of `names` (distinct), in
    /// order, each at the row's own place. Values are trimmed.
    pub(crate) fn with_values<'v>(
        table: Table,
        source: SourceRef,
        names: &Arc<ColumnNames>,
        values: impl Iterator<Item = &'v str>,
    ) -> Self {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(names.len());
        for v in values.take(names.len()) {
            let start = offset(&text);
            text.push_str(v.trim());
            spans.push((start, offset(&text)));
        }
        text.shrink_to_fit();
        let names = if spans.len() == names.len() {
            Arc::clone(names)
        } else {
            Arc::new(names.prefix(spans.len()))
        };
        RawRow {
            table,
            source,
            names,
            text,
            spans,
            sources: Vec::new(),
        }
    }

    fn index(&self, column: &str) -> Option<usize> {
        self.names.index(column)
    }

    fn value_at(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&(s, e)| self.text.get(s as usize..e as usize))
            .unwrap_or("")
    }

    fn source_at(&self, i: usize) -> &SourceRef {
        self.sources
            .iter()
            .find(|(k, _)| *k == i)
            .map_or(&self.source, |(_, s)| s)
    }

    /// The trimmed value of `column`, or `""` when absent.
    pub fn get(&self, column: &str) -> &str {
        self.index(column).map_or("", |i| self.value_at(i))
    }

    /// Whether the row has `column` (even blank).
    pub fn has(&self, column: &str) -> bool {
        self.index(column).is_some()
    }

    /// The row's values, in the order they were set.
    pub fn fields(&self) -> impl Iterator<Item = RawField<'_>> {
        self.names.iter().enumerate().map(|(i, name)| RawField {
            name,
            value: self.value_at(i),
            source: self.source_at(i),
        })
    }

    /// Where `column`'s value is; the row's own place when absent.
    pub fn source_of(&self, column: &str) -> &SourceRef {
        self.index(column)
            .map_or(&self.source, |i| self.source_at(i))
    }

    /// Sets a value (replacing any earlier one of the same name).
    pub fn set(&mut self, name: &str, value: &str, source: SourceRef) {
        let start = offset(&self.text);
        self.text.push_str(value.trim());
        let span = (start, offset(&self.text));
        let i = match self.index(name) {
            Some(i) => {
                self.spans[i] = span;
                i
            }
            None => {
                Arc::make_mut(&mut self.names).push(name);
                self.spans.push(span);
                self.spans.len() - 1
            }
        };
        self.sources.retain(|(k, _)| *k != i);
        if source != self.source {
            self.sources.push((i, source));
        }
    }
}

/// The end of `text` as a span offset (saturating: a row is never 4 GiB).
fn offset(text: &str) -> u32 {
    u32::try_from(text.len()).unwrap_or(u32::MAX)
}

impl PartialEq for RawRow {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table && self.source == other.source && self.fields().eq(other.fields())
    }
}

impl Eq for RawRow {}

impl Serialize for RawRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Fields<'a>(&'a RawRow);
        impl Serialize for Fields<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.names.len()))?;
                for f in self.0.fields() {
                    seq.serialize_element(&f)?;
                }
                seq.end()
            }
        }
        let mut st = s.serialize_struct("RawRow", 3)?;
        st.serialize_field("table", &self.table)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("fields", &Fields(self))?;
        st.end()
    }
}

/// The rows of a table Footprint reads but does not turn into records (OC3,
/// AD1, PlacedAdoption, PrevPerm, SWEpisodes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawTable {
    pub table: Table,
    pub file: String,
    pub rows: Vec<RawRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> SourceRef {
        SourceRef {
            file: "f.xml".into(),
            line,
            column: None,
        }
    }

    #[test]
    fn values_are_trimmed_replaced_and_placed() {
        let mut row = RawRow::new(Table::Header, at(1));
        row.set("CHILD", " A1 ", at(1));
        row.set("SEX", "1", at(2));
        assert_eq!(row.get("CHILD"), "A1");
        assert_eq!(row.get("DOB"), "");
        assert!(row.has("SEX") && !row.has("DOB"));
        assert_eq!(row.source_of("SEX").line, 2);
        assert_eq!(row.source_of("CHILD").line, 1);
        assert_eq!(row.source_of("DOB").line, 1);
        row.set("SEX", "2", at(1));
        assert_eq!(row.get("SEX"), "2");
        assert_eq!(row.source_of("SEX").line, 1);
        let names: Vec<&str> = row.fields().map(|f| f.name).collect();
        assert_eq!(names, ["CHILD", "SEX"]);

        let shared = Arc::new(ColumnNames::new(vec!["CHILD".to_owned(), "SEX".to_owned()]));
        let csv = RawRow::with_values(Table::Header, at(1), &shared, ["A1", " 2"].into_iter());
        assert_eq!(csv, row);
        let json = serde_json::to_value(&csv).unwrap();
        // Names longer than a key (16 bytes) that share their first 16.
        let long = Arc::new(ColumnNames::new(
            [
                "DATE_PLACED_CEASED",
                "DATE_PLACED_CEASEX",
                "DATE_PLACED_CEA",
                "DATE_PLACED_CEASE",
            ]
            .map(str::to_owned)
            .to_vec(),
        ));
        let r = RawRow::with_values(
            Table::PlacedAdoption,
            at(2),
            &long,
            ["a", "b", "c", "d"].into_iter(),
        );
        assert_eq!(r.get("DATE_PLACED_CEASEX"), "b");
        assert_eq!(r.get("DATE_PLACED_CEASED"), "a");
        assert_eq!(r.get("DATE_PLACED_CEA"), "c");
        assert_eq!(r.get("DATE_PLACED_CEASE"), "d");
        assert_eq!(r.get("DATE_PLACED_CEASEY"), "");
        assert_eq!(r.get("DATE_PLACED_CE"), "");
        assert!(!r.has("DATE_PLACED"));
        assert_eq!(json["fields"][1]["value"], "2");
        assert_eq!(json["fields"][1]["name"], "SEX");
    }
}
