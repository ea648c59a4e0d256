//! Problems with a place in a case-management CSV file.

/// A problem with one place of a case-management CSV file (children's
/// names, health and education records): its line and column (empty for
/// the whole line). Never the value itself: names are personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

/// The problems of `file`, one line each, naming the line and column.
pub fn render_row_problems(file: &str, problems: &[RowProblem]) -> String {
    let mut out = String::new();
    for p in problems {
        if p.column.is_empty() {
            out.push_str(&format!("{file} line {}: {}\n", p.line, p.message));
        } else {
            out.push_str(&format!(
                "{file} line {}, column {}: {}\n",
                p.line, p.column, p.message
            ));
        }
    }
    out
}

/// The lines of `rows` naming a child the store does not hold (a
/// case-management file is imported after the 903 return).
pub(crate) async fn unknown_children<'a>(
    store: &footprint_store::Store,
    rows: impl Iterator<Item = (u64, &'a footprint_domain::model::ChildId)>,
) -> Result<Vec<RowProblem>, footprint_store::StoreError> {
    let known: std::collections::HashSet<footprint_domain::model::ChildId> = store
        .list_children()
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(rows
        .filter(|(_, c)| !known.contains(*c))
        .map(|(line, c)| RowProblem {
            line,
            column: "CHILD".into(),
            message: format!("child {c} is not in the database (import the 903 return first)"),
        })
        .collect())
}

/// A case-management CSV file opened for reading, the one way the names,
/// health and education, and case-record imports read theirs: fields
/// trimmed, rows of any length, the header row read first.
pub(crate) struct CaseFile<'t> {
    reader: csv::Reader<&'t [u8]>,
    pub headers: csv::StringRecord,
}

impl<'t> CaseFile<'t> {
    /// Opens `text`; a header row that cannot be read is a problem on
    /// line 1.
    pub fn open(text: &'t str) -> Result<Self, Vec<RowProblem>> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| at_header(format!("the header row cannot be read: {e}")))?
            .clone();
        Ok(CaseFile { reader, headers })
    }

    /// Where the first column named any of `names` (in any case) is.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    }

    /// Where each of `columns` is (`None` for one the file lacks).
    pub fn columns(&self, columns: &[&str]) -> Vec<Option<usize>> {
        columns.iter().map(|c| self.column(&[c])).collect()
    }

    /// The header row's columns, for a message: "A, B, C".
    pub fn header_list(&self) -> String {
        self.headers.iter().collect::<Vec<_>>().join(", ")
    }

    /// Each row with its line, in order; a row that cannot be read as CSV
    /// is a problem on its line.
    pub fn rows(
        &mut self,
    ) -> impl Iterator<Item = Result<(u64, csv::StringRecord), RowProblem>> + '_ {
        self.reader.records().map(|record| match record {
            Ok(r) => Ok((r.position().map_or(0, csv::Position::line), r)),
            Err(e) => Err(RowProblem {
                line: e.position().map_or(0, csv::Position::line),
                column: String::new(),
                message: format!("the row cannot be read as CSV: {e}"),
            }),
        })
    }
}

/// A problem with the whole file, on its header row.
pub(crate) fn at_header(message: String) -> Vec<RowProblem> {
    vec![RowProblem {
        line: 1,
        column: String::new(),
        message,
    }]
}
