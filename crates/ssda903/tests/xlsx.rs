//! A council's workbook: one sheet per table, recognised by its columns.

mod common;

use common::*;
use footprint_ssda903::{Format, Input, read_inputs};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

/// A workbook with one sheet per CSV text given (cells as text), the
/// Episodes' DECOM as Excel dates and CHILD as numbers, and an empty
/// trailing column with a header cell formatted but blank.
fn workbook(sheets: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    for (name, text) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        let mut header: Vec<&str> = Vec::new();
        for (r, line) in text.lines().enumerate() {
            let r = r as u32;
            for (c, v) in line.split(',').enumerate() {
                let col = c as u16;
                if r == 0 {
                    header.push(v);
                    ws.write_string(r, col, v).unwrap();
                } else if v.is_empty() {
                } else if header[c] == "CHILD" {
                    ws.write_number(r, col, v.parse::<f64>().unwrap()).unwrap();
                } else if header[c] == "DECOM" {
                    let (d, m, y) = (&v[0..2], &v[3..5], &v[6..10]);
                    let dt = ExcelDateTime::from_ymd(
                        y.parse().unwrap(),
                        m.parse().unwrap(),
                        d.parse().unwrap(),
                    )
                    .unwrap();
                    ws.write_datetime_with_format(r, col, &dt, &date).unwrap();
                } else {
                    ws.write_string(r, col, v).unwrap();
                }
            }
            // Excel's trailing empty column.
            ws.write_string(r, header.len() as u16 + 1, "").unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn xlsx(bytes: Vec<u8>) -> Input {
    Input {
        name: "return.xlsx".into(),
        format: Format::Xlsx,
        bytes,
    }
}

#[test]
fn a_workbook_reads_as_its_csv_files_do() {
    let book = workbook(&[
        ("Header", HEADER),
        ("Episodes", EPISODES),
        ("Reviews", REVIEWS),
    ]);
    let from_book = read_inputs(&[xlsx(book)], None);
    assert!(from_book.problems.is_empty(), "{:#?}", from_book.problems);
    let from_csv = read_inputs(&base_with("header.csv", "", ""), None);
    assert_eq!(from_book.ret.year, from_csv.ret.year);
    assert_eq!(from_book.ret.to_dataset(), from_csv.ret.to_dataset());
}

#[test]
fn a_sheet_is_named_in_its_problems_by_file_and_row() {
    let bad = EPISODES.replace("1002,10/06/2021,S,C1", "1002,10/06/2021,S,Q9");
    let book = workbook(&[("Header", HEADER), ("Eps", &bad)]);
    let p = read_inputs(&[xlsx(book)], None);
    let e = only(&p, "144");
    assert_at(&e, "return.xlsx [Eps]", 4, "LS");
    // Not a workbook: one clear problem, no panic.
    let p = read_inputs(&[xlsx(b"not a zip".to_vec())], None);
    assert!(p.is_fatal());
    assert!(
        p.problems[0].message.contains("Excel workbook"),
        "{}",
        p.problems[0].message
    );
}
