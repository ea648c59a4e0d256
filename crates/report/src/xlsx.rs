//! The report as an Excel workbook: a Notes sheet (what the report is and the
//! settings used), then one sheet per table. Counts and percentages are
//! numbers (percentages with one decimal place), suppressed cells the text
//! `c`, and a percentage with nothing to divide by the text `–`.

use std::collections::BTreeSet;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::ReportError;
use crate::model::{Block, Cell, Report, Table};

fn err(e: XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// unique in the workbook.
pub fn sheet_name(wanted: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let base: String = clean.chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = base.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn write_table(
    ws: &mut Worksheet,
    t: &Table,
    bold: &Format,
    pct: &Format,
    one_dp: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, &t.caption, bold)?;
    for (j, c) in t.columns.iter().enumerate() {
        ws.write_string_with_format(2, j as u16, c, bold)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        let row = 3 + i as u32;
        if r.total {
            ws.write_string_with_format(row, 0, &r.header, bold)?;
        } else {
            ws.write_string(row, 0, &r.header)?;
        }
        for (j, c) in r.cells.iter().enumerate() {
            let col = 1 + j as u16;
            match c {
                Cell::Count(n) => {
                    ws.write_number(row, col, *n as f64)?;
                }
                Cell::Percent(Some(x)) => {
                    ws.write_number_with_format(row, col, x / 100.0, pct)?;
                }
                Cell::Number(Some(x)) => {
                    ws.write_number_with_format(row, col, *x, one_dp)?;
                }
                Cell::Percent(None) | Cell::Number(None) => {
                    ws.write_string(row, col, "–")?;
                }
                Cell::Hidden => {
                    ws.write_string(row, col, "c")?;
                }
                Cell::Text(s) => {
                    ws.write_string(row, col, s)?;
                }
                Cell::Blank => {}
            }
        }
    }
    ws.set_column_width(0, 48)?;
    for j in 1..t.columns.len() {
        ws.set_column_width(j as u16, 14)?;
    }
    Ok(())
}

/// The workbook's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let one_dp = Format::new().set_num_format("0.0");
    let mut used = BTreeSet::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name("Notes", &mut used)).map_err(err)?;
        ws.write_string_with_format(0, 0, &report.title, &bold)
            .map_err(err)?;
        ws.write_string(1, 0, &report.subtitle).map_err(err)?;
        ws.write_string(
            2,
            0,
            if report.publication {
                "For publication: counts from 1 to 5 are shown as c, with further cells hidden so that none can be worked out."
            } else {
                "Internal report: exact counts. Not for publication."
            },
        )
        .map_err(err)?;
        ws.write_string(3, 0, "Each table of the report is on its own sheet; percentages are worked out from the counts beside them.")
            .map_err(err)?;
        let mut row = 5;
        for t in report.tables().filter(|t| t.id == "settings") {
            for r in &t.rows {
                ws.write_string(row, 0, &r.header).map_err(err)?;
                if let Some(c) = r.cells.first() {
                    ws.write_string(row, 1, c.display()).map_err(err)?;
                }
                row += 1;
            }
        }
        for sec in &report.sections {
            for b in &sec.blocks {
                if let Block::Note { text } = b {
                    row += 1;
                    ws.write_string(row, 0, text).map_err(err)?;
                }
            }
        }
        ws.set_column_width(0, 48).map_err(err)?;
        ws.set_column_width(1, 60).map_err(err)?;
    }
    for t in report.tables().filter(|t| t.id != "settings") {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.id, &mut used)).map_err(err)?;
        write_table(ws, t, &bold, &pct, &one_dp).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("a/b", &mut used), "a-b");
        let long = "x".repeat(40);
        let first = sheet_name(&long, &mut used);
        assert_eq!(first.len(), 31);
        let second = sheet_name(&long, &mut used);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" (2)"));
        assert_ne!(first, second);
    }
}
