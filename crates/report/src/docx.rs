//! The report as a Word document (docx-rs, no default features): real Word
//! headings (Title, Heading 1, Heading 2 styles with outline levels, so the
//! navigation pane and a table of contents work) and real tables.
//!
//! Charts: rasterising the SVG would need a renderer such as `resvg`, which
//! is not in the workspace; each chart is therefore given as its title and a
//! sentence pointing to its data table, which follows it (the HTML and PDF
//! versions draw the chart).

use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, Style, StyleType, Table as DocxTable, TableCell, TableRow,
    WidthType,
};

use crate::ReportError;
use crate::model::{Block, Cell, Report, Table};

fn heading(text: &str, style: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(style)
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn text_cell(text: &str, bold: bool, right: bool) -> TableCell {
    let mut run = Run::new().add_text(text);
    if bold {
        run = run.bold();
    }
    let mut p = Paragraph::new().add_run(run);
    if right {
        p = p.align(AlignmentType::Right);
    }
    TableCell::new().add_paragraph(p)
}

fn table(t: &Table) -> DocxTable {
    let mut rows = vec![TableRow::new(
        t.columns
            .iter()
            .enumerate()
            .map(|(i, c)| text_cell(c, true, i > 0))
            .collect(),
    )];
    for r in &t.rows {
        let mut cells = vec![text_cell(&r.header, r.total, false)];
        for c in &r.cells {
            let right = !matches!(c, Cell::Text(_));
            cells.push(text_cell(&c.display(), r.total, right));
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    DocxTable::new(rows).width(5000, WidthType::Pct)
}

/// The document's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut doc = Docx::new()
        // A4 in twentieths of a point, 2 cm margins.
        .page_size(11906, 16838)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(52)
                .bold(),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(36)
                .bold()
                .color("1D70B8")
                .outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(28)
                .bold()
                .outline_lvl(1),
        )
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("Caption")
                .size(20)
                .bold(),
        );
    doc = doc
        .add_paragraph(heading(&report.title, "Title"))
        .add_paragraph(para(&format!("{} ({})", report.subtitle, report.year)))
        .add_paragraph(para(if report.publication {
            "For publication: counts from 1 to 5 are shown as c, and further figures are hidden where a small number could otherwise be worked out."
        } else {
            "Internal report: exact counts. Not for publication."
        }));
    for sec in &report.sections {
        doc = doc.add_paragraph(heading(&sec.title, "Heading1"));
        for b in &sec.blocks {
            match b {
                Block::Text { text } | Block::Note { text } => {
                    doc = doc.add_paragraph(para(text));
                }
                Block::Narrative { heading: h, text } => {
                    if !h.is_empty() {
                        doc = doc.add_paragraph(heading(h, "Heading2"));
                    }
                    for p in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                        doc = doc.add_paragraph(para(p.trim()));
                    }
                }
                Block::Table(t) => {
                    doc = doc
                        .add_paragraph(heading(&t.caption, "Caption"))
                        .add_table(table(t))
                        .add_paragraph(para(""));
                }
                Block::Chart(c) => {
                    doc = doc.add_paragraph(para(&format!(
                        "Chart: {}. The chart is drawn in the HTML and PDF versions of this report; its figures are in the table below.",
                        c.title
                    )));
                }
            }
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
