//! Problems found while reading or checking a 903 return, and where each row
//! came from.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// Where a record came from: the file, the line (1-based; the header is line
/// 1 of a CSV file) and, for XML, the column on that line where the record's
/// element starts (XML returns are often written on a single line).
///
/// The file name is shared by every row and record read from the file (one
/// copy per file, not per row).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SourceRef {
    #[serde(serialize_with = "as_str")]
    pub file: Arc<str>,
    pub line: u64,
    /// 1-based byte column of the element's start tag (XML only).
    pub column: Option<u64>,
}

fn as_str<S: serde::Serializer>(file: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(file)
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}:{}:{}", self.file, self.line, c),
            None => write!(f, "{}:{}", self.file, self.line),
        }
    }
}

/// How bad a problem is.
///
/// * `Fatal`: the row (or file) cannot be stored as it is: an unreadable
///   date, an invalid code, a missing key field, overlapping episodes, a
///   child missing from the Header. Any fatal problem makes the store refuse
///   the whole import.
/// * `Error`: the row breaks a DfE validation rule that the DfE treats as an
///   error (the return must be corrected before it is submitted), but it can
///   be stored as it is: an import keeps it and records the problem. Most of
///   the DfE rules (`crate::rules`) are errors of this kind.
/// * `Warning`: the row is kept and flagged (for example a review outside any
///   period of care, which the measures list and exclude).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Fatal,
    Error,
    Warning,
}

/// One problem, with where it is, the value concerned, the DfE validation
/// rule number where one exists (`"167"`, `"INT08"`) and a message in words a
/// performance analyst understands.
///
/// `value` never holds a valid date of birth: checks comparing a date of
/// birth with another date name the other date. Problems may still hold
/// dates and codes about a child: show them to the person who supplied the
/// file, never write them to the application log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line; `None` when the problem concerns the whole file (it could
    /// not be opened, for example).
    pub line: Option<u64>,
    /// The 903 column (field) concerned, e.g. `REVIEW_CODE`.
    pub column: Option<String>,
    pub value: Option<String>,
    pub rule: Option<String>,
    pub message: String,
    #[serde(skip)]
    pub severity: Severity,
}

impl Problem {
    /// A problem about a whole file.
    pub fn file_level(file: &str, severity: Severity, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_owned(),
            line: None,
            column: None,
            value: None,
            rule: None,
            message: message.into(),
            severity,
        }
    }

    /// A problem about a row (or a field of it when `column` is given).
    pub fn at(
        source: &SourceRef,
        column: Option<&str>,
        value: Option<&str>,
        rule: Option<&str>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: source.file.to_string(),
            line: Some(source.line),
            column: column.map(str::to_owned),
            value: value.filter(|v| !v.is_empty()).map(str::to_owned),
            rule: rule.map(str::to_owned),
            message: message.into(),
            severity,
        }
    }

    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Fatal
    }

    /// An error: fatal, or a DfE rule broken (the return must be corrected
    /// before it is submitted). Everything else is a warning.
    pub fn is_error(&self) -> bool {
        self.severity != Severity::Warning
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, " {col}")?;
        }
        let kind = match self.severity {
            Severity::Fatal | Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {kind}")?;
        if let Some(rule) = &self.rule {
            write!(f, " [rule {rule}]")?;
        }
        write!(f, ": {}", self.message)
    }
}
