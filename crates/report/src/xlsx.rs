//! The report as an Excel workbook: a Notes sheet (what the report is and the
//! settings used), then one sheet per table. A table the report charts has
//! its chart beside it on its sheet: a native Excel chart (column or line)
//! drawn from the sheet's own cells, so it follows any correction made to
//! them. Counts and percentages are
//! numbers (percentages with one decimal place), suppressed cells the text
//! `c`, and a percentage with nothing to divide by the text `–`.

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Chart as XlsxChart, ChartLegendPosition, ChartType, Format, Workbook, Worksheet, XlsxError,
};

use crate::ReportError;
use crate::model::{Block, Cell, Chart, ChartKind, Report, Table};
use crate::svg;

/// The row of a table's column headings (its first data row follows).
const HEADING_ROW: u32 = 2;

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
                Cell::Count(n) | Cell::CountWithChildren { count: n, .. } => {
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
    // The manager's words, every one, on their own sheet: section, heading,
    // text (tables of actions and staffing are on sheets of their own).
    let words: Vec<(&str, &str, &str)> = report
        .sections
        .iter()
        .flat_map(|sec| {
            sec.blocks.iter().filter_map(move |b| match b {
                Block::Narrative { heading, text } => {
                    Some((sec.title.as_str(), heading.as_str(), text.as_str()))
                }
                _ => None,
            })
        })
        .collect();
    if !words.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name("Narrative", &mut used))
            .map_err(err)?;
        let wrap = Format::new().set_text_wrap();
        for (c, h) in ["Section", "Heading", "Text"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
        }
        for (i, (section, heading, text)) in words.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, *section).map_err(err)?;
            ws.write_string(r, 1, *heading).map_err(err)?;
            ws.write_string_with_format(r, 2, *text, &wrap)
                .map_err(err)?;
        }
        ws.set_column_width(0, 32).map_err(err)?;
        ws.set_column_width(1, 32).map_err(err)?;
        ws.set_column_width(2, 100).map_err(err)?;
    }
    for t in report.tables().filter(|t| t.id != "settings") {
        let ws = wb.add_worksheet();
        let name = sheet_name(&t.id, &mut used);
        ws.set_name(&name).map_err(err)?;
        write_table(ws, t, &bold, &pct, &one_dp).map_err(err)?;
        if let Some(c) = report.charts().find(|c| c.table_id == t.id)
            && let Some(chart) = native_chart(c, t, &name)
        {
            ws.insert_chart(HEADING_ROW, t.columns.len() as u16 + 1, &chart)
                .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// The report's chart `c` of table `t` as an Excel chart over the cells of
/// sheet `sheet`: one series per charted column (found by its heading), the
/// rows that are not totals as categories, the value axis as the report's
/// (starting above zero where the report's does). `None` if no charted
/// column is on the sheet.
pub fn native_chart(c: &Chart, t: &Table, sheet: &str) -> Option<XlsxChart> {
    let data_rows = t.rows.iter().take_while(|r| !r.total).count() as u32;
    if data_rows == 0 {
        return None;
    }
    let (first, last) = (HEADING_ROW + 1, HEADING_ROW + data_rows);
    let mut chart = XlsxChart::new(match c.kind {
        ChartKind::Bar => ChartType::Column,
        ChartKind::Line => ChartType::Line,
    });
    let mut any = false;
    for series in &c.series {
        let Some(col) = t.columns.iter().position(|h| *h == series.name) else {
            continue;
        };
        let col = col as u16;
        chart
            .add_series()
            .set_name((sheet, HEADING_ROW, col))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, col, last, col));
        any = true;
    }
    if !any {
        return None;
    }
    chart.title().set_name(&c.title);
    chart.legend().set_position(ChartLegendPosition::Bottom);
    let axis = svg::axis(c);
    let scale = if c.unit == "%" { 100.0 } else { 1.0 };
    chart
        .y_axis()
        .set_min(axis.low / scale)
        .set_max(axis.high / scale);
    chart.set_alt_text(&c.description);
    chart.set_width(640).set_height(360);
    Some(chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Row, Section, Series};
    use std::io::Read;

    fn report() -> Report {
        let rows: Vec<Row> = ["April", "May", "June"]
            .iter()
            .enumerate()
            .map(|(i, m)| Row {
                header: (*m).into(),
                cells: vec![Cell::Count(30 + i as u64), Cell::Hidden],
                total: false,
            })
            .collect();
        let table = Table {
            id: "cla-by-month".into(),
            caption: "Children in care at the end of each month".into(),
            columns: vec!["Month".into(), "2024-25".into(), "2023-24".into()],
            rows,
        };
        let chart = Chart {
            id: "cla-by-month-chart".into(),
            title: "Children in care at the end of each month".into(),
            description: "Line chart by month.".into(),
            kind: ChartKind::Line,
            categories: vec!["April".into(), "May".into(), "June".into()],
            series: vec![
                Series {
                    name: "2024-25".into(),
                    values: vec![Some(30.0), Some(31.0), Some(32.0)],
                },
                Series {
                    name: "2023-24".into(),
                    values: vec![None, None, None],
                },
            ],
            unit: String::new(),
            table_id: "cla-by-month".into(),
        };
        Report {
            council: None,
            title: "Annual report".into(),
            subtitle: "IRO service".into(),
            year: "2024-25".into(),
            previous_year: Some("2023-24".into()),
            publication: false,
            sections: vec![Section {
                id: "profile".into(),
                title: "Profile".into(),
                blocks: vec![Block::Chart(chart), Block::Table(table)],
            }],
        }
    }

    #[test]
    fn a_charted_table_has_a_native_chart_over_its_cells() {
        let bytes = render(&report()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/charts/chart1.xml")
            .expect("a chart part")
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("<c:lineChart>"), "{xml}");
        // Both series over the sheet's own cells, months as categories.
        assert!(xml.contains("<c:f>'cla-by-month'!$B$4:$B$6</c:f>"), "{xml}");
        assert!(xml.contains("<c:f>'cla-by-month'!$C$4:$C$6</c:f>"));
        assert!(xml.contains("<c:f>'cla-by-month'!$A$4:$A$6</c:f>"));
        // The axis starts where the report's does (above zero: the line
        // lies in the upper half).
        assert!(xml.contains(r#"<c:min val="30"/>"#), "{xml}");
        assert!(xml.contains(r#"<c:max val="32"/>"#));
        assert!(zip.by_name("xl/charts/chart2.xml").is_err());
    }

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
