//! The report as a Word document (docx-rs, no default features): real Word
//! headings (Title, Heading 1, Heading 2 styles with outline levels, so the
//! navigation pane and a table of contents work) and real tables.
//!
//! The first page carries a contents list: a real `TOC` field, written with
//! its entries (each a link to its section's bookmark and a `PAGEREF` field
//! holding the page worked out by [`pages`]), so it shows without a refresh;
//! the settings ask Word to update fields on opening, which refreshes the
//! page numbers with Word's own layout. Every page has a header naming the
//! council, the report and the year, and a footer with "Page N of M".
//!
//! Charts are pictures: each chart's SVG (the one the HTML report and the
//! PDF show) rendered to PNG by `resvg` with the report's own font
//! ([`crate::picture`]), set inline across the text width with its title
//! under it and its data table after it. The picture's alternative text is
//! the chart's title and description: docx-rs writes every picture as
//! `<wp:docPr id="1" name="Figure"/>`, so once the package is built
//! [`finish_package`] numbers the pictures and adds `title` and `descr`.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, Header, Hyperlink, HyperlinkType,
    InstrPAGEREF, InstrText, InstrToC, LineSpacing, NumPages, PageMargin, PageNum, Paragraph, Pic,
    Run, RunFonts, Style, StyleType, Tab, TabLeaderType, TabValueType, Table as DocxTable,
    TableCell, TableRow, WidthType,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::ReportError;
use crate::font;
use crate::model::{Block, Cell, Chart, Document, Report, Section, Table};
use crate::picture;
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
        .keep_next(true)
}

/// The body text size, in half-points (10 pt), and the font: Arial, whose
/// widths [`crate::font`] measures (Liberation Sans has the same).
const BODY_HALF_POINTS: usize = 20;
const BODY_FONT: &str = "Arial";

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

/// The bookmark of section `i` (from 0), which its contents entry links to.
fn bookmark(i: usize) -> String {
    format!("_TocSection{:03}", i + 1)
}

/// The contents list: a `TOC` field over the Heading 1 paragraphs, written
/// with one entry per section (its title, a dot leader and its page).
fn contents(report: &Report, pages: &[u32]) -> Vec<Paragraph> {
    let n = report.sections.len();
    let mut out = Vec::with_capacity(n + 1);
    for (i, sec) in report.sections.iter().enumerate() {
        let key = bookmark(i);
        let page = pages.get(i).copied().unwrap_or(1).to_string();
        let mut p = Paragraph::new().style("TOC1").add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(TEXT_WIDTH_TWIPS),
        );
        if i == 0 {
            p = p.add_run(
                Run::new()
                    .add_field_char(FieldCharType::Begin, false)
                    .add_instr_text(InstrText::TOC(
                        InstrToC::new().heading_styles_range(1, 1).hyperlink(),
                    ))
                    .add_field_char(FieldCharType::Separate, false),
            );
        }
        p = p.add_hyperlink(
            Hyperlink::new(&key, HyperlinkType::Anchor)
                .add_run(Run::new().add_text(&sec.title))
                .add_run(Run::new().add_tab())
                .add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, false)
                        .add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(&key).hyperlink()))
                        .add_field_char(FieldCharType::Separate, false)
                        .add_text(page)
                        .add_field_char(FieldCharType::End, false),
                ),
        );
        if i + 1 == n {
            p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
        }
        out.push(p);
    }
    out
}

/// "{title} {year}", the running header.
fn running_title(report: &Report) -> String {
    format!("{} {}", report.title, report.year)
}

/// The footer: the council and the year, then "Page N of M".
fn footer(report: &Report) -> Footer {
    let who = match &report.council {
        Some(c) => format!("{c} · IRO annual report {} · ", report.year),
        None => format!("IRO annual report {} · ", report.year),
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text(format!("{who}Page ")).size(18))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" of ").size(18))
            .add_num_pages(NumPages::new())
            .align(AlignmentType::Center),
    )
}

/// A4 with 2 cm margins, the body font and the document's styles (Title,
/// Heading 1 and 2, contents, Caption): every document Footprint writes.
fn new_docx() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .header(567)
                .footer(567),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(BODY_FONT)
                .hi_ansi(BODY_FONT)
                .cs(BODY_FONT),
        )
        .default_size(BODY_HALF_POINTS)
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
                .line_spacing(
                    LineSpacing::new()
                        .before(HEADING1_BEFORE)
                        .after(HEADING1_AFTER),
                )
                .outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(28)
                .bold()
                .line_spacing(LineSpacing::new().before(HEADING2_BEFORE))
                .outline_lvl(1),
        )
        .add_style(
            Style::new("TOCHeading", StyleType::Paragraph)
                .name("TOC Heading")
                .size(36)
                .bold()
                .line_spacing(
                    LineSpacing::new()
                        .before(HEADING1_BEFORE)
                        .after(HEADING1_AFTER),
                ),
        )
        .add_style(
            Style::new("TOC1", StyleType::Paragraph)
                .name("toc 1")
                .line_spacing(LineSpacing::new().after(TOC_AFTER)),
        )
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("Caption")
                .size(20)
                .bold(),
        )
}

/// The charts' pictures, drawn once (for the page count and the document).
fn draw<'a>(
    charts: impl Iterator<Item = &'a Chart>,
) -> Result<Vec<picture::ChartImage>, ReportError> {
    charts
        .map(|c| {
            picture::chart_png(c)
                .map_err(|e| ReportError::Docx(format!("drawing the chart \"{}\": {e}", c.title)))
        })
        .collect()
}

/// Adds the sections (a section or narrative with no title gets no
/// heading; with `bookmarks`, each section's heading carries the bookmark
/// its contents entry links to), the charts' pictures taken in order.
fn add_sections(
    mut doc: Docx,
    sections: &[Section],
    images: Vec<picture::ChartImage>,
    bookmarks: bool,
) -> Result<Docx, ReportError> {
    let mut images = images.into_iter();
    let mut n_chart = 0;
    for (i, sec) in sections.iter().enumerate() {
        if bookmarks {
            doc = doc.add_paragraph(
                heading(&sec.title, "Heading1")
                    .add_bookmark_start(i + 1, bookmark(i))
                    .add_bookmark_end(i + 1),
            );
        } else if !sec.title.is_empty() {
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
                        // A single line break stays a line break.
                        let mut paragraph = Paragraph::new();
                        for (i, line) in p.trim().lines().enumerate() {
                            let mut run = Run::new();
                            if i > 0 {
                                run = run.add_break(BreakType::TextWrapping);
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
                    n_chart += 1;
                    let img = images.next().ok_or_else(|| {
                        ReportError::Docx("more charts than pictures drawn".into())
                    })?;
                    doc = doc
                        .add_paragraph(chart_picture(img, n_chart))
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
    finish_package(buf.into_inner(), charts)
}

/// The document's bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let images = draw(report.charts())?;
    let pages = pages(report, &images);
    let mut doc = new_docx()
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(running_title(report))
                            .size(18)
                            .color("505A5F"),
                    )
                    .align(AlignmentType::Right),
            ),
        )
        .footer(footer(report));
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(&report.title))
                .style("Title"),
        )
        .add_paragraph(para(&format!("{} ({})", report.subtitle, report.year)))
        .add_paragraph(para(banner(report)))
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Contents"))
                .style("TOCHeading"),
        );
    for p in contents(report, &pages) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    let doc = add_sections(doc, &report.sections, images, true)?;
    let charts: Vec<&Chart> = report.charts().collect();
    finish(doc, &charts)
}

/// Another document (a review's record or decisions, a letter to a child)
/// with the report's page, styles and blocks: its title (none when empty),
/// the lines under it, then its sections.
pub fn render_document(document: &Document) -> Result<Vec<u8>, ReportError> {
    let charts: Vec<&Chart> = document
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
        .collect();
    let images = draw(charts.iter().copied())?;
    let mut doc = new_docx();
    if !document.title.is_empty() {
        doc = doc.add_paragraph(heading(&document.title, "Title"));
    }
    for line in &document.lines {
        doc = doc.add_paragraph(para(line));
    }
    let doc = add_sections(doc, &document.sections, images, false)?;
    finish(doc, &charts)
}

fn banner(report: &Report) -> &'static str {
    if report.publication {
        "For publication: counts from 1 to 5 are shown as c, and further figures are hidden where a small number could otherwise be worked out."
    } else {
        "Internal report: exact counts. Not for publication."
    }
}

// ---------------------------------------------------------------------------
// Where each section starts: the contents list's page numbers.

/// The height of A4's text area, in twentieths of a point.
const BODY_HEIGHT: u32 = PAGE_HEIGHT - 2 * MARGIN as u32;
const HEADING1_BEFORE: u32 = 360;
const HEADING1_AFTER: u32 = 120;
const HEADING2_BEFORE: u32 = 200;
const TOC_AFTER: u32 = 60;
/// Cell padding left and right (Word's default, 0.19 cm each side).
const CELL_PADDING: usize = 216;

/// One line of text `half_points` high (single spacing: Arial's ascent and
/// descent are 1.15 em).
fn line_height(half_points: usize) -> u32 {
    (half_points as f64 * 10.0 * 1.15).ceil() as u32
}

/// The lines `text` takes set in the body font at `half_points` in
/// `width` twentieths of a point, breaking between words.
fn lines(text: &str, half_points: usize, width: usize) -> u32 {
    let size = half_points as f64 * 10.0;
    let space = font::text_width(" ", size);
    let mut n = 1;
    let mut x = 0.0;
    for word in text.split_whitespace() {
        let w = font::text_width(word, size);
        if x > 0.0 && x + space + w > width as f64 {
            n += 1;
            x = w;
        } else {
            x += if x > 0.0 { space + w } else { w };
        }
    }
    n
}

/// The page each section starts on (from 1), worked out by laying the
/// document out with the body font's own widths: the first page holds the
/// title and the contents, and each section follows on; a heading or
/// caption is kept with what follows it, a table row or a picture is never
/// split. Word and LibreOffice lay out a little differently, which is why
/// Word is asked to update the fields when it opens the document.
pub fn pages(report: &Report, images: &[picture::ChartImage]) -> Vec<u32> {
    struct Flow {
        page: u32,
        y: u32,
        /// Height waiting to be kept with the next unit (headings, captions).
        kept: u32,
    }
    impl Flow {
        /// A unit that must not be split, with what is kept with it.
        fn place(&mut self, h: u32) {
            let h = h + std::mem::take(&mut self.kept);
            if self.y > 0 && self.y + h > BODY_HEIGHT {
                self.page += 1;
                self.y = 0;
            }
            self.y += h;
            while self.y > BODY_HEIGHT {
                self.page += 1;
                self.y -= BODY_HEIGHT;
            }
        }
        fn keep(&mut self, h: u32) {
            self.kept += h;
        }
    }
    let body = line_height(BODY_HALF_POINTS);
    let text = |t: &str| lines(t, BODY_HALF_POINTS, TEXT_WIDTH_TWIPS) * body;
    let mut f = Flow {
        page: 2,
        y: 0,
        kept: 0,
    };
    let mut starts = Vec::with_capacity(report.sections.len());
    let mut images = images.iter();
    for sec in &report.sections {
        // A section's heading is kept with what follows, so the section
        // starts where that lands.
        f.keep(HEADING1_BEFORE * u32::from(f.y > 0) + line_height(36) + HEADING1_AFTER);
        let mut start = None;
        let mark = |f: &Flow, start: &mut Option<u32>| {
            if start.is_none() {
                *start = Some(f.page);
            }
        };
        for b in &sec.blocks {
            match b {
                Block::Text { text: t } | Block::Note { text: t } => {
                    f.place(text(t));
                    mark(&f, &mut start);
                }
                Block::Narrative {
                    heading: h,
                    text: t,
                } => {
                    if !h.is_empty() {
                        f.keep(HEADING2_BEFORE + line_height(28));
                    }
                    for p in t.split("\n\n").filter(|p| !p.trim().is_empty()) {
                        f.place(text(p.trim()));
                        mark(&f, &mut start);
                    }
                }
                Block::Table(t) => {
                    f.keep(line_height(20));
                    let widths = column_widths(t.columns.len());
                    let row_height = |cells: Vec<String>| -> u32 {
                        cells
                            .iter()
                            .zip(&widths)
                            .map(|(c, w)| {
                                lines(c, BODY_HALF_POINTS, w.saturating_sub(CELL_PADDING))
                            })
                            .max()
                            .unwrap_or(1)
                            * body
                            + 20
                    };
                    f.place(row_height(t.columns.clone()));
                    mark(&f, &mut start);
                    for r in &t.rows {
                        let cells = std::iter::once(r.header.clone())
                            .chain(r.cells.iter().map(Cell::display))
                            .collect();
                        f.place(row_height(cells));
                    }
                    f.place(body);
                }
                Block::Chart(c) => {
                    let h = images.next().map_or(0, |img| {
                        (TEXT_WIDTH_TWIPS as u64 * u64::from(img.height)
                            / u64::from(img.width.max(1))) as u32
                    });
                    f.place(h + text(&format!("{} (figures in the table below)", c.title)));
                    mark(&f, &mut start);
                }
            }
        }
        if start.is_none() {
            f.place(0);
        }
        starts.push(start.unwrap_or(f.page));
    }
    starts
}

/// The relationship id of the `n`th chart picture (from 1): our own, so the
/// document comes out the same every time.
fn chart_rel_id(n: usize) -> String {
    format!("rIdChart{n}")
}

/// A centred paragraph holding chart `n`'s picture, kept with the title
/// under it.
fn chart_picture(img: picture::ChartImage, n: usize) -> Paragraph {
    let (w, h) = (u64::from(img.width.max(1)), u64::from(img.height));
    let height_emu = CHART_WIDTH_EMU * h / w;
    let pic = Pic::new_with_dimensions(img.png, img.width, img.height)
        .id(chart_rel_id(n))
        .size(
            u32::try_from(CHART_WIDTH_EMU).unwrap_or(u32::MAX),
            u32::try_from(height_emu).unwrap_or(u32::MAX),
        );
    Paragraph::new()
        .add_run(Run::new().add_image(pic))
        .align(AlignmentType::Center)
        .keep_next(true)
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

/// The setting that has Word update the fields (the contents list's page
/// numbers, "Page N of M") when it opens the document.
const UPDATE_FIELDS: &str = r#"<w:updateFields w:val="true" />"#;

/// Rewrites two parts of the package: `word/document.xml`, so that the
/// pictures (all of them charts, in document order) have distinct ids, a
/// name, and the chart's title and description as alternative text; and
/// `word/settings.xml`, to ask Word to update fields on opening
/// ([`UPDATE_FIELDS`], in its place before `w:compat`). Other parts are
/// copied as they are.
fn finish_package(docx: Vec<u8>, charts: &[&Chart]) -> Result<Vec<u8>, ReportError> {
    let err = |e: &dyn std::fmt::Display| ReportError::Docx(format!("finishing the package: {e}"));
    let mut zip = ZipArchive::new(Cursor::new(docx)).map_err(|e| err(&e))?;
    let mut read = |name: &str| -> Result<String, ReportError> {
        let mut xml = String::new();
        zip.by_name(name)
            .map_err(|e| err(&e))?
            .read_to_string(&mut xml)
            .map_err(|e| err(&e))?;
        Ok(xml)
    };
    let xml = read("word/document.xml")?;
    let mut settings = read("word/settings.xml")?;
    let at = settings
        .find("<w:compat>")
        .or_else(|| settings.find("</w:settings>"))
        .ok_or_else(|| err(&"word/settings.xml has no w:settings element"))?;
    settings.insert_str(at, UPDATE_FIELDS);

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
        let name = file.name().to_owned();
        let new = match name.as_str() {
            "word/document.xml" => Some(&out),
            "word/settings.xml" => Some(&settings),
            _ => None,
        };
        if let Some(text) = new {
            drop(file);
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            w.start_file(name, options).map_err(|e| err(&e))?;
            w.write_all(text.as_bytes()).map_err(|e| err(&e))?;
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
            council: Some("Wessex".into()),
            title: "Wessex: Annual report".into(),
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

    /// (width, height) of a PNG, decoded.
    fn png_size(png: &[u8]) -> (u32, u32) {
        let p = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
        (p.width(), p.height())
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
            let drawn = picture::chart_png(c).unwrap();
            assert_eq!(
                png_size(png),
                (picture::IMAGE_WIDTH, drawn.height),
                "{name}"
            );
            assert_eq!(*png, drawn.png, "{name}");
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
    fn the_contents_header_and_footer_are_written() {
        let files = entries(&render(&report()).unwrap());
        let xml = text_of(&files, "word/document.xml");
        // A TOC field written with one entry per section, each linked to
        // its section's bookmark with its page in a PAGEREF field.
        assert!(xml.contains(r#"TOC \o &quot;1-1&quot; \h"#), "{xml}");
        for (i, title) in ["Reviews", "Profile"].iter().enumerate() {
            let key = bookmark(i);
            assert!(xml.contains(&format!(r#"w:anchor="{key}""#)), "{key}");
            assert!(xml.contains(&format!(
                r#"<w:bookmarkStart w:id="{}" w:name="{key}" />"#,
                i + 1
            )));
            assert!(xml.contains(&format!("PAGEREF {key} \\h")), "{xml}");
            assert!(xml.contains(&format!(">{title}</w:t>")));
        }
        assert_eq!(
            xml.matches("w:fldCharType=\"begin\"").count(),
            3,
            "TOC + 2 PAGEREF"
        );
        // The contents come before the first section.
        assert!(xml.find("PAGEREF").unwrap() < xml.find("_TocSection001\" />").unwrap());
        // Word updates the fields when it opens the document.
        let settings = text_of(&files, "word/settings.xml");
        assert!(
            settings.contains(&format!("{UPDATE_FIELDS}<w:compat>")),
            "{settings}"
        );
        // Header and footer name the council and the year; the footer
        // numbers the pages.
        let header = files
            .iter()
            .find(|(n, _)| n.starts_with("word/header"))
            .map(|(n, _)| text_of(&files, n))
            .expect("a header");
        assert!(header.contains("Wessex: Annual report 2021-22"), "{header}");
        let footer = files
            .iter()
            .find(|(n, _)| n.starts_with("word/footer"))
            .map(|(n, _)| text_of(&files, n))
            .expect("a footer");
        assert!(
            footer.contains("Wessex · IRO annual report 2021-22 · Page "),
            "{footer}"
        );
        assert!(
            footer.contains("PAGE</w:instrText>") && footer.contains("NUMPAGES</w:instrText>"),
            "{footer}"
        );
    }

    #[test]
    fn sections_are_placed_on_later_pages_as_content_grows() {
        let r = report();
        let images: Vec<_> = r.charts().map(|c| picture::chart_png(c).unwrap()).collect();
        // A short report: both sections on the page after the contents.
        assert_eq!(pages(&r, &images), vec![2, 2]);
        // A first section of 120 table rows pushes the second one on.
        let mut long = r.clone();
        if let Block::Table(t) = &mut long.sections[0].blocks[2] {
            t.rows = (0..120).map(|_| t.rows[0].clone()).collect();
        }
        let p = pages(&long, &images);
        assert_eq!(p[0], 2);
        assert!(p[1] >= 4, "{p:?}");
        // Text wraps between words.
        assert_eq!(lines("one two", BODY_HALF_POINTS, TEXT_WIDTH_TWIPS), 1);
        assert!(lines(&"word ".repeat(200), BODY_HALF_POINTS, TEXT_WIDTH_TWIPS) >= 9);
    }

    #[test]
    fn alt_text_names_the_chart_once() {
        let mut c = chart("t", "Ages", ChartKind::Bar, vec![Some(1.0)]);
        assert_eq!(alt_text(&c), c.description);
        c.description = "Bar chart of the figures below.".into();
        assert_eq!(alt_text(&c), "Ages. Bar chart of the figures below.");
    }
}
