//! What goes into and out of Footprint, one way for the command line
//! (`footprint import`, `export`, `report`) and the web application (the
//! import, export and reports screens) alike:
//!
//! * [`returns`]: a 903 return read, checked (all or nothing: any error, or
//!   with `strict` any warning, refuses it whole) and stored;
//! * [`names`] and [`health`]: the case-management CSV extracts (children's
//!   names; health assessments, dental checks, SDQ scores, immunisations
//!   and PEPs), all or nothing, every problem by line and column;
//! * [`records`]: the 903 checks on the records as they stand, entered or
//!   imported, by child;
//! * [`export`]: a collection year's 903 return as a zip of CSV files or as
//!   XML;
//! * [`reports`]: what a report reads from the store, and the annual report
//!   and the performance page built in each of their formats.
//!
//! Every bulk read or change is audited here, under the actor given (the
//! command line's `cli:USER`, or the signed-in user's name).

pub mod case_records;
pub mod export;
pub mod health;
pub mod names;
pub mod records;
pub mod reports;
pub mod returns;
pub mod rows;

pub use rows::{RowProblem, render_row_problems};

/// Why an import, export or report could not be done (the problems of a
/// refused file are not errors: see [`Outcome`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] footprint_store::StoreError),
    /// A stored setting that does not parse.
    #[error("the `{key}` setting: {message}")]
    Setting { key: String, message: String },
    /// An option given (a year, a month, a format) that is not one.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Report(#[from] footprint_report::ReportError),
    #[error("{0}")]
    Performance(#[from] footprint_report::performance::PerformanceError),
    #[error("the zip file could not be written: {0}")]
    Zip(String),
}

/// What an all-or-nothing import of a case-management file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Written, and audited.
    Imported(T),
    /// Refused with every problem found; nothing was written.
    Refused(Vec<RowProblem>),
}
