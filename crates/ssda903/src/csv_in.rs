//! Reading the CSV form of the 903: one table per file, recognised by its
//! columns.

use std::sync::Arc;

use crate::problem::{Problem, Severity, SourceRef};
use crate::raw::{ColumnNames, RawRow, RowsBuilder};
use crate::tables::{Table, recognise};

/// What one CSV file held.
pub(crate) struct CsvFile {
    pub table: Option<Table>,
    pub rows: Vec<RawRow>,
    pub problems: Vec<Problem>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads one CSV file. Never stops at a bad row: each is reported and the
/// rest are read.
pub(crate) fn read_csv(file: &str, bytes: &[u8]) -> CsvFile {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut out = CsvFile {
        table: None,
        rows: Vec::new(),
        problems: Vec::new(),
    };
    // The csv crate's own line numbers miscount CRLF line ends and blank
    // lines, so lines are counted here from each record's byte offset.
    let mut line_starts = vec![0u64];
    line_starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i as u64 + 1),
    );
    // A record's reported offset may point at the line end before it (and
    // any blank lines): skip those to reach the record's first byte.
    let line_of = |byte: u64| {
        let start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        let skip = bytes[start..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let byte = (start + skip) as u64;
        line_starts.partition_point(|&s| s <= byte).max(1) as u64
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // Shared by every row of the file.
    let file_name: Arc<str> = Arc::from(file);
    // The rows, their values in one block for the file (made when the
    // header is read).
    let mut header: Option<RowsBuilder> = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = line_of(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| line_of(p.byte()));
                out.problems.push(Problem {
                    file: file.to_owned(),
                    line: Some(line),
                    column: None,
                    value: None,
                    rule: None,
                    message: format!("the file could not be read as CSV from this line on: {e}"),
                    severity: Severity::Fatal,
                });
                break;
            }
        }
        let line = record.position().map_or(line, |p| line_of(p.byte()));
        let source = SourceRef {
            file: Arc::clone(&file_name),
            line,
            column: None,
        };
        let Some(builder) = &mut header else {
            let mut names = Vec::with_capacity(record.len());
            for raw in record.iter() {
                match std::str::from_utf8(raw) {
                    Ok(s) => names.push(s.trim().to_owned()),
                    Err(_) => {
                        out.problems.push(Problem::at(
                            &source,
                            None,
                            None,
                            None,
                            Severity::Fatal,
                            "the header row is not UTF-8 text: is this a CSV file?",
                        ));
                        return out;
                    }
                }
            }
            // Excel saves columns it once saw used as empty trailing
            // header cells: they are not columns.
            while names.last().is_some_and(String::is_empty) {
                names.pop();
            }
            let table = match recognise(&names) {
                Ok(t) => {
                    out.table = Some(t);
                    t
                }
                Err(u) => {
                    out.problems.push(Problem::at(
                        &source,
                        None,
                        None,
                        None,
                        Severity::Fatal,
                        u.message(&names),
                    ));
                    return out;
                }
            };
            // Room for the rows at most (a line each) and their values at
            // most (the file's bytes), reserved once.
            let width = names.len();
            let lines = line_starts.len().saturating_sub(line as usize);
            header = Some(RowsBuilder::new(
                table,
                Arc::clone(&file_name),
                ColumnNames::new(names),
                lines,
                lines.saturating_mul(width),
                bytes.len(),
            ));
            continue;
        };
        let columns = builder.names();
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line, or a row of empty cells
        }
        // Values beyond the columns are accepted when blank (Excel's
        // trailing empty columns).
        let blank = |f: &[u8]| f.iter().all(u8::is_ascii_whitespace);
        // A row that is not read, and why (at `column` when one is to blame).
        let refused = |column: Option<&str>, message: String| {
            Problem::at(&source, column, None, None, Severity::Fatal, message)
        };
        if record.len() < columns.len() || !record.iter().skip(columns.len()).all(blank) {
            out.problems.push(refused(
                None,
                format!(
                    "this row has {} values but the header has {} columns; the row was not read",
                    record.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let mut ok = true;
        for (name, raw) in columns.iter().zip(record.iter()) {
            if std::str::from_utf8(raw).is_err() {
                out.problems.push(refused(
                    Some(name),
                    format!("{name} is not UTF-8 text; the row was not read"),
                ));
                ok = false;
            }
        }
        if ok {
            let values = record
                .iter()
                .map(|raw| std::str::from_utf8(raw).unwrap_or_default());
            if !builder.push(line, values) {
                out.problems.push(refused(
                    None,
                    format!(
                        "this row's values are longer than {} KiB in all, or more than {} of them; \
                         the row was not read",
                        crate::raw::BLOCK_TEXT_KIB,
                        crate::raw::BLOCK_VALUES
                    ),
                ));
            }
        }
    }
    if let Some(builder) = header {
        out.rows = builder.finish();
    } else {
        out.problems.push(Problem::file_level(
            file,
            Severity::Fatal,
            "the file is empty: a 903 CSV file starts with a row of column names",
        ));
    }
    out
}
