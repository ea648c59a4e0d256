//! Reading a council's 903 workbook (.xlsx): one sheet per table, each
//! recognised by its columns exactly as a CSV file is. Each sheet is turned
//! into CSV text (row numbers kept as line numbers) and read by the CSV
//! reader, so a sheet and a CSV file are checked alike; problems name the
//! file and the sheet, `returns.xlsx [Episodes]`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use crate::csv_in::{CsvFile, read_csv};
use crate::problem::{Problem, Severity};

/// Reads every sheet of a workbook; empty sheets are skipped.
pub(crate) fn read_xlsx(file: &str, bytes: &[u8]) -> Vec<CsvFile> {
    let mut book: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            return vec![CsvFile {
                table: None,
                rows: Vec::new(),
                problems: vec![Problem::file_level(
                    file,
                    Severity::Fatal,
                    format!("the file could not be read as an Excel workbook (.xlsx): {e}"),
                )],
            }];
        }
    };
    let mut out = Vec::new();
    for sheet in book.sheet_names() {
        let name = format!("{file} [{sheet}]");
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => {
                out.push(CsvFile {
                    table: None,
                    rows: Vec::new(),
                    problems: vec![Problem::file_level(
                        &name,
                        Severity::Fatal,
                        format!("the sheet could not be read: {e}"),
                    )],
                });
                continue;
            }
        };
        if range
            .rows()
            .all(|r| r.iter().all(|c| text(c).trim().is_empty()))
        {
            continue;
        }
        // Blank lines for the rows above the sheet's first used one, so that
        // line numbers are the sheet's row numbers.
        let first_row = range.start().map_or(0, |(r, _)| r);
        let mut csv_text = vec![b'\n'; first_row as usize];
        {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(&mut csv_text);
            for row in range.rows() {
                // A row of empty cells stays a line (the CSV reader skips
                // it): the row numbers stay right.
                let cells: Vec<String> = row.iter().map(text).collect();
                let _ = w.write_record(&cells);
            }
            let _ = w.flush();
        }
        out.push(read_csv(&name, &csv_text));
    }
    if out.is_empty() {
        out.push(CsvFile {
            table: None,
            rows: Vec::new(),
            problems: vec![Problem::file_level(
                file,
                Severity::Fatal,
                "the workbook has no sheet with anything in it",
            )],
        });
    }
    out
}

/// A cell as the text a CSV file would hold: dates dd/mm/yyyy, whole
/// numbers without a decimal point (a CHILD typed as a number).
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|dt| dt.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
        Data::DateTimeIso(s) => {
            match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(d) => d.format("%d/%m/%Y").to_string(),
                Err(_) => s.clone(),
            }
        }
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
