//! The report as a Word document (docx-rs, no default features): real Word
//! headings (Title, Heading 1, Heading 2 styles with outline levels, so the
//! navigation pane and a table of contents work) and real tables.
//!
//! Charts are pictures: each is drawn as a PNG by [`crate::raster`] (the
//! same scale, palette and gaps as the SVG in the HTML), set inline across
//! the text width with its title under it and its data table after it. The
//! picture's alternative text is the chart's title and description: docx-rs
//! writes every picture as `<wp:docPr id="1" name="Figure"/>`, so once the
//! package is built [`set_alt_text`] numbers the pictures and adds
//! `title` and `descr`.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Pic, Run, Style, StyleType, Table as DocxTable,
    TableCell, TableRow, WidthType,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::ReportError;
use crate::model::{Block, Cell, Chart, Document, Report, Section, Table};
use crate::raster;
use crate::svg::escape;

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// 2 cm margins, in twentieths of a point.
const MARGIN: i32 = 1134;
/// English Metric Units per twentieth of a point.
const EMU_PER_TWIP: u64 = 635;
/// Charts fill the text width: 17 cm on A4 with 2 cm margins.
const CHART_WIDTH_EMU: u64 = (PAGE_WIDTH as u64 - 2 * MARGIN as u64) * EMU_PER_TWIP;

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

/// The text width in twentieths of a point: 17 cm.
const TEXT_WIDTH_TWIPS: usize = 9638;

/// Column widths: the row labels get the room (they are long: "U6 – Foster
/// placement with other foster carer…"), the figures share the rest.
fn column_widths(columns: usize) -> Vec<usize> {
    if columns <= 1 {
        return vec![TEXT_WIDTH_TWIPS];
    }
    let label = TEXT_WIDTH_TWIPS * if columns == 2 { 70 } else { 44 } / 100;
    let other = (TEXT_WIDTH_TWIPS - label) / (columns - 1);
    std::iter::once(label)
        .chain(std::iter::repeat_n(other, columns - 1))
        .collect()
}

fn table(t: &Table) -> DocxTable {
    let widths = column_widths(t.columns.len());
    let sized = |cell: TableCell, i: usize| match widths.get(i) {
        Some(&w) => cell.width(w, WidthType::Dxa),
        None => cell,
    };
    let mut rows = vec![TableRow::new(
        t.columns
            .iter()
            .enumerate()
            .map(|(i, c)| sized(text_cell(c, true, i > 0), i))
            .collect(),
    )];
    for r in &t.rows {
        let mut cells = vec![sized(text_cell(&r.header, r.total, false), 0)];
        for (i, c) in r.cells.iter().enumerate() {
            let right = !matches!(c, Cell::Text(_));
            cells.push(sized(text_cell(&c.display(), r.total, right), i + 1));
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    DocxTable::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH_TWIPS, WidthType::Dxa)
}

/// A4 with 2 cm margins and the document's styles (Title, Heading 1,
/// Heading 2, Caption).
fn new_docx() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .header(709)
                .footer(709),
        )
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
        )
}

/// Adds the sections (a section or narrative with no title gets no
/// heading), collecting the charts in order.
fn add_sections<'a>(
    mut doc: Docx,
    sections: &'a [Section],
    charts: &mut Vec<&'a Chart>,
) -> Result<Docx, ReportError> {
    for sec in sections {
        if !sec.title.is_empty() {
            doc = doc.add_paragraph(heading(&sec.title, "Heading1"));
        }
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
                        let mut paragraph = Paragraph::new();
                        for (i, line) in p.trim().lines().enumerate() {
                            let mut run = Run::new();
                            if i > 0 {
                                run = run.add_break(docx_rs::BreakType::TextWrapping);
                            }
                            paragraph = paragraph.add_run(run.add_text(line));
                        }
                        doc = doc.add_paragraph(paragraph);
                    }
                }
                Block::Table(t) => {
                    doc = doc
                        .add_paragraph(heading(&t.caption, "Caption"))
                        .add_table(table(t))
                        .add_paragraph(para(""));
                }
                Block::Chart(c) => {
                    charts.push(c);
                    doc = doc
                        .add_paragraph(chart_picture(c, charts.len())?)
                        .add_paragraph(para(&format!("{} (figures in the table below)", c.title)));
                }
            }
        }
    }
    Ok(doc)
}

/// The package's bytes, with the charts' alternative text.
fn finish(doc: Docx, charts: &[&Chart]) -> Result<Vec<u8>, ReportError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    set_alt_text(buf.into_inner(), charts)
}

/// The document's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let doc = new_docx()
        .add_paragraph(heading(&report.title, "Title"))
        .add_paragraph(para(&format!("{} ({})", report.subtitle, report.year)))
        .add_paragraph(para(if report.publication {
            "For publication: counts from 1 to 5 are shown as c, and further figures are hidden where a small number could otherwise be worked out."
        } else {
            "Internal report: exact counts. Not for publication."
        }));
    let mut charts: Vec<&Chart> = Vec::new();
    let doc = add_sections(doc, &report.sections, &mut charts)?;
    finish(doc, &charts)
}

/// Another document (a review's record or decisions, a letter to a child)
/// with the report's page, styles and blocks: its title (none when empty),
/// the lines under it, then its sections.
pub fn render_document(document: &Document) -> Result<Vec<u8>, ReportError> {
    let mut doc = new_docx();
    if !document.title.is_empty() {
        doc = doc.add_paragraph(heading(&document.title, "Title"));
    }
    for line in &document.lines {
        doc = doc.add_paragraph(para(line));
    }
    let mut charts: Vec<&Chart> = Vec::new();
    let doc = add_sections(doc, &document.sections, &mut charts)?;
    finish(doc, &charts)
}

/// The relationship id of the `n`th chart picture (from 1): our own, so the
/// document comes out the same every time.
fn chart_rel_id(n: usize) -> String {
    format!("rIdChart{n}")
}

/// A centred paragraph holding chart `n`'s picture, kept with the title
/// under it.
fn chart_picture(chart: &Chart, n: usize) -> Result<Paragraph, ReportError> {
    let img = raster::chart_png(chart)
        .map_err(|e| ReportError::Docx(format!("drawing the chart \"{}\": {e}", chart.title)))?;
    let (w, h) = (u64::from(img.width.max(1)), u64::from(img.height));
    let height_emu = CHART_WIDTH_EMU * h / w;
    let pic = Pic::new_with_dimensions(img.png, img.width, img.height)
        .id(chart_rel_id(n))
        .size(
            u32::try_from(CHART_WIDTH_EMU).unwrap_or(u32::MAX),
            u32::try_from(height_emu).unwrap_or(u32::MAX),
        );
    Ok(Paragraph::new()
        .add_run(Run::new().add_image(pic))
        .align(AlignmentType::Center)
        .keep_next(true))
}

/// The chart's alternative text: its description, led by its title when
/// the description does not already name it.
fn alt_text(chart: &Chart) -> String {
    if chart.description.contains(&chart.title) {
        chart.description.clone()
    } else {
        format!("{}. {}", chart.title, chart.description)
    }
}

/// Rewrites `word/document.xml` in the package so that the pictures (all
/// of them charts, in document order) have distinct ids, a name, and the
/// chart's title and description as alternative text. Other parts are
/// copied as they are.
fn set_alt_text(docx: Vec<u8>, charts: &[&Chart]) -> Result<Vec<u8>, ReportError> {
    if charts.is_empty() {
        return Ok(docx);
    }
    let err = |e: &dyn std::fmt::Display| ReportError::Docx(format!("adding chart alt text: {e}"));
    let mut zip = ZipArchive::new(Cursor::new(docx)).map_err(|e| err(&e))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| err(&e))?
        .read_to_string(&mut xml)
        .map_err(|e| err(&e))?;

    const DOC_PR: &str = "<wp:docPr ";
    let mut out = String::with_capacity(xml.len() + charts.len() * 256);
    let mut rest = xml.as_str();
    let mut n = 0;
    while let Some(at) = rest.find(DOC_PR) {
        let end = rest[at..]
            .find("/>")
            .map(|e| at + e + 2)
            .ok_or_else(|| err(&"an unclosed wp:docPr element"))?;
        let chart = charts
            .get(n)
            .ok_or_else(|| err(&"more pictures than charts"))?;
        n += 1;
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            r#"<wp:docPr id="{n}" name="Chart {n}" title="{}" descr="{}" />"#,
            escape(&chart.title),
            escape(&alt_text(chart))
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    if n != charts.len() {
        return Err(err(&format!("{} charts but {n} pictures", charts.len())));
    }

    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|e| err(&e))?;
        if file.name() == "word/document.xml" {
            drop(file);
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            w.start_file("word/document.xml", options)
                .map_err(|e| err(&e))?;
            w.write_all(out.as_bytes()).map_err(|e| err(&e))?;
        } else {
            w.raw_copy_file(file).map_err(|e| err(&e))?;
        }
    }
    Ok(w.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChartKind, Row, Section, Series};

    fn chart(id: &str, title: &str, kind: ChartKind, values: Vec<Option<f64>>) -> Chart {
        Chart {
            id: format!("{id}-chart"),
            title: title.into(),
            description: format!("Chart of {title} & more. The figures are in the table."),
            kind,
            categories: (0..values.len()).map(|i| format!("Group {i}")).collect(),
            series: vec![Series {
                name: "2021-22".into(),
                values,
            }],
            unit: String::new(),
            table_id: id.into(),
        }
    }

    fn data_table(id: &str, caption: &str) -> Table {
        Table {
            id: id.into(),
            caption: caption.into(),
            columns: vec!["Group".into(), "2021-22".into()],
            rows: vec![Row {
                header: "Group 0".into(),
                cells: vec![Cell::Count(3)],
                total: false,
            }],
        }
    }

    fn report() -> Report {
        let line = chart(
            "by-month",
            "Reviews by month",
            ChartKind::Line,
            vec![Some(3.0), Some(5.0), None, Some(4.0)],
        );
        let bar = chart(
            "by-age",
            "Children <by> age",
            ChartKind::Bar,
            vec![Some(1.0), Some(7.0), Some(2.0)],
        );
        Report {
            title: "Annual report".into(),
            subtitle: "IRO service".into(),
            year: "2021-22".into(),
            previous_year: None,
            publication: false,
            sections: vec![
                Section {
                    id: "reviews".into(),
                    title: "Reviews".into(),
                    blocks: vec![
                        Block::Text {
                            text: "Intro".into(),
                        },
                        Block::Chart(line),
                        Block::Table(data_table("by-month", "Table 1: reviews by month")),
                    ],
                },
                Section {
                    id: "profile".into(),
                    title: "Profile".into(),
                    blocks: vec![
                        Block::Chart(bar),
                        Block::Table(data_table("by-age", "Table 2: children by age")),
                    ],
                },
            ],
        }
    }

    fn entries(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = ZipArchive::new(Cursor::new(docx)).expect("a zip");
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                (f.name().to_owned(), bytes)
            })
            .collect()
    }

    fn text_of(entries: &[(String, Vec<u8>)], name: &str) -> String {
        let (_, b) = entries
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        String::from_utf8(b.clone()).unwrap()
    }

    /// (width, height) from a PNG's IHDR, after checking the signature and
    /// the IHDR chunk's CRC.
    fn png_size(png: &[u8]) -> (u32, u32) {
        assert_eq!(png[..8], raster::PNG_SIGNATURE);
        assert_eq!(&png[12..16], b"IHDR");
        let crc = u32::from_be_bytes(png[29..33].try_into().unwrap());
        assert_eq!(crc, raster::crc32(&png[12..29]));
        let be = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn each_chart_is_a_png_picture_above_its_table() {
        let r = report();
        let bytes = render(&r).unwrap();
        let files = entries(&bytes);
        let media: Vec<&(String, Vec<u8>)> = files
            .iter()
            .filter(|(n, _)| n.starts_with("word/media/") && n.ends_with(".png"))
            .collect();
        assert_eq!(media.len(), 2, "one picture per chart");
        let charts: Vec<&Chart> = r
            .sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
            .collect();
        for (i, c) in charts.iter().enumerate() {
            let (name, png) = files
                .iter()
                .find(|(n, _)| *n == format!("word/media/{}.png", chart_rel_id(i + 1)))
                .expect("the chart's picture");
            let drawn = raster::draw(c);
            assert_eq!(
                png_size(png),
                (raster::IMAGE_WIDTH as u32, drawn.canvas.height() as u32),
                "{name}"
            );
        }
        let rels = text_of(&files, "word/_rels/document.xml.rels");
        assert!(rels.contains(r#"Target="media/rIdChart1.png""#), "{rels}");
        assert!(rels.contains(r#"Target="media/rIdChart2.png""#));

        let xml = text_of(&files, "word/document.xml");
        assert_eq!(xml.matches("<w:drawing>").count(), 2);
        assert_eq!(xml.matches("<wp:inline").count(), 2, "inline pictures");
        // Alt text: title and description, escaped; distinct ids.
        assert!(xml.contains(r#"<wp:docPr id="1" name="Chart 1" title="Reviews by month" descr="Chart of Reviews by month &amp; more. The figures are in the table." />"#), "{xml}");
        assert!(xml.contains(r#"<wp:docPr id="2" name="Chart 2" title="Children &lt;by&gt; age" descr="Chart of Children &lt;by&gt; age &amp; more."#));
        assert!(!xml.contains(r#"name="Figure""#));
        // The picture across the text width (17 cm), its shape kept.
        let (w, h) = png_size(&media[0].1);
        let cy = CHART_WIDTH_EMU * u64::from(h) / u64::from(w);
        assert_eq!(CHART_WIDTH_EMU, 6_120_130);
        assert!(xml.contains(&format!(r#"<wp:extent cx="6120130" cy="{cy}" />"#)));
        // Order: intro, picture 1, its title, table 1; then picture 2 and
        // table 2.
        let pos = |s: &str| xml.find(s).unwrap_or_else(|| panic!("{s} missing"));
        assert!(pos("Intro") < pos(r#"r:embed="rIdChart1""#));
        assert!(
            pos(r#"r:embed="rIdChart1""#) < pos("Reviews by month (figures in the table below)")
        );
        assert!(
            pos("Reviews by month (figures in the table below)") < pos("Table 1: reviews by month")
        );
        assert!(pos("Table 1: reviews by month") < pos(r#"r:embed="rIdChart2""#));
        assert!(pos(r#"r:embed="rIdChart2""#) < pos("Table 2: children by age"));
        // The rest of the package survived the rewrite.
        assert!(text_of(&files, "[Content_Types].xml").contains(r#"Extension="png""#));
        assert!(text_of(&files, "word/styles.xml").contains("Heading 1"));
    }

    #[test]
    fn the_same_report_gives_the_same_pictures() {
        let a = entries(&render(&report()).unwrap());
        let b = entries(&render(&report()).unwrap());
        let pictures = |e: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
            e.iter()
                .filter(|(n, _)| n.starts_with("word/media/"))
                .cloned()
                .collect()
        };
        assert_eq!(pictures(&a), pictures(&b));
        assert_eq!(
            text_of(&a, "word/document.xml"),
            text_of(&b, "word/document.xml")
        );
    }

    #[test]
    fn a_report_without_charts_has_no_pictures() {
        let mut r = report();
        for s in &mut r.sections {
            s.blocks.retain(|b| !matches!(b, Block::Chart(_)));
        }
        let files = entries(&render(&r).unwrap());
        assert!(!files.iter().any(|(n, _)| n.starts_with("word/media/")));
        assert!(!text_of(&files, "word/document.xml").contains("<w:drawing>"));
    }

    #[test]
    fn alt_text_names_the_chart_once() {
        let mut c = chart("t", "Ages", ChartKind::Bar, vec![Some(1.0)]);
        assert_eq!(alt_text(&c), c.description);
        c.description = "Bar chart of the figures below.".into();
        assert_eq!(alt_text(&c), "Ages. Bar chart of the figures below.");
    }
}
