//! Rows as read from a file, before they become domain records: every value
//! is a trimmed string with the place it came from.

use serde::Serialize;

use crate::problem::SourceRef;
use crate::tables::Table;

/// One value of a raw row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawField {
    pub name: String,
    /// Trimmed.
    pub value: String,
    /// Where the value is (for XML, its own element).
    pub source: SourceRef,
}

/// One row of a table, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawRow {
    pub table: Table,
    pub source: SourceRef,
    pub fields: Vec<RawField>,
}

impl RawRow {
    pub fn new(table: Table, source: SourceRef) -> Self {
        RawRow {
            table,
            source,
            fields: Vec::new(),
        }
    }

    /// The trimmed value of `column`, or `""` when absent.
    pub fn get(&self, column: &str) -> &str {
        self.field(column).map_or("", |f| f.value.as_str())
    }

    pub fn field(&self, column: &str) -> Option<&RawField> {
        self.fields.iter().find(|f| f.name == column)
    }

    /// Where `column`'s value is; the row's own place when absent.
    pub fn source_of(&self, column: &str) -> &SourceRef {
        self.field(column).map_or(&self.source, |f| &f.source)
    }

    /// Sets a value (replacing any earlier one of the same name).
    pub fn set(&mut self, name: &str, value: &str, source: SourceRef) {
        let value = value.trim().to_owned();
        match self.fields.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.value = value;
                f.source = source;
            }
            None => self.fields.push(RawField {
                name: name.to_owned(),
                value,
                source,
            }),
        }
    }
}

/// The rows of a table Footprint reads but does not turn into records (OC2,
/// OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawTable {
    pub table: Table,
    pub file: String,
    pub rows: Vec<RawRow>,
}
