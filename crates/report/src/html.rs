//! The report as one self-contained, printable HTML page: inline CSS with
//! A4 print styles, tables with captions and scoped headers, and SVG charts
//! (each followed by its data table). No JavaScript, no external files.

use std::fmt::Write;

use crate::model::{Block, Cell, Report, Table};
use crate::svg::{self, escape};

const CSS: &str = r#"
@page {
  size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, "Liberation Sans", Helvetica, sans-serif; color: #505a5f; }
}
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: #0b0c0c; font-size: 11pt; line-height: 1.4; margin: 0 auto; max-width: 960px; padding: 24px; }
h1 { font-size: 24pt; margin: 0 0 4px; }
h2 { font-size: 16pt; margin: 28px 0 8px; border-bottom: 2px solid #1d70b8; padding-bottom: 4px; }
h3 { font-size: 12pt; margin: 16px 0 4px; }
p.subtitle { font-size: 13pt; color: #505a5f; margin: 0 0 16px; }
.banner { border-left: 6px solid #1d70b8; background: #f3f2f1; padding: 8px 12px; margin: 12px 0; }
.note { border-left: 6px solid #b1b4b6; padding: 6px 12px; color: #505a5f; }
nav ol { columns: 2; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; page-break-inside: avoid; break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 4px 6px; vertical-align: top; }
thead th { border-bottom: 2px solid #0b0c0c; text-align: left; }
tbody th { text-align: left; font-weight: normal; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #0b0c0c; }
figure { margin: 8px 0; page-break-inside: avoid; break-inside: avoid; }
svg.chart { max-width: 100%; height: auto; }
.narrative { white-space: pre-wrap; }
.nw { white-space: nowrap; }
section { page-break-before: auto; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  nav { page-break-after: always; break-after: page; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Escapes `text` for HTML, keeping each year ("2024-25", "2024/25") or
/// other word joined by a hyphen or slash between digits on one line: a
/// table heading may wrap between words, never inside a year.
pub fn keep_years(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            let joined = chars.windows(3).any(|w| {
                w[0].is_ascii_digit() && matches!(w[1], '-' | '/' | '–') && w[2].is_ascii_digit()
            });
            if joined {
                format!(r#"<span class="nw">{}</span>"#, escape(word))
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a count links to the children behind it: the address of the
/// page listing them, from the measure and the cell (`None`: no link).
pub type LinkTo<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

fn cell_html(c: &Cell, link: Option<LinkTo>) -> String {
    let text = escape(&c.display());
    match c {
        Cell::CountWithChildren { measure, cell, .. } => {
            match link.and_then(|link| link(measure, cell)) {
                Some(href) => format!(
                    r#"<td class="n"><a href="{}" data-behind="{}/{}">{text}</a></td>"#,
                    escape(&href),
                    escape(measure),
                    escape(cell)
                ),
                None => format!(r#"<td class="n">{text}</td>"#),
            }
        }
        Cell::Text(_) | Cell::Blank => format!("<td>{text}</td>"),
        Cell::Hidden => {
            r#"<td class="n"><abbr title="suppressed: a small number">c</abbr></td>"#.into()
        }
        _ => format!(r#"<td class="n">{text}</td>"#),
    }
}

fn table_html(t: &Table, link: Option<LinkTo>, out: &mut String) {
    let _ = write!(
        out,
        r#"<table id="{}"><caption>{}</caption><thead><tr>"#,
        escape(&t.id),
        escape(&t.caption)
    );
    for (i, c) in t.columns.iter().enumerate() {
        let class = if i == 0 { "" } else { r#" class="n""# };
        let _ = write!(out, r#"<th scope="col"{class}>{}</th>"#, keep_years(c));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        let class = if r.total { r#" class="total""# } else { "" };
        let _ = write!(
            out,
            r#"<tr{class}><th scope="row">{}</th>"#,
            keep_years(&r.header)
        );
        for c in &r.cells {
            out.push_str(&cell_html(c, link));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!(r#"<p class="narrative">{}</p>"#, escape(p.trim())))
        .collect()
}

/// The report as an HTML document.
pub fn render(report: &Report) -> String {
    render_linked(report, None)
}

/// The report as an HTML document whose counts link to the children behind
/// them where `link` gives an address (the web application's internal
/// view).
pub fn render_linked(report: &Report, link: Option<LinkTo>) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} {}</title><style>{CSS}</style></head><body><header><h1>{}</h1><p class="subtitle">{} ({})</p>"#,
        escape(&report.title),
        escape(&report.year),
        escape(&report.title),
        escape(&report.subtitle),
        escape(&report.year)
    );
    if report.publication {
        s.push_str(r#"<p class="banner">For publication: counts from 1 to 5 are shown as <strong>c</strong>, and further figures are hidden where a small number could otherwise be worked out.</p>"#);
    } else {
        s.push_str(r#"<p class="banner">Internal report: exact counts. Not for publication.</p>"#);
    }
    s.push_str(r#"</header><nav aria-label="Contents"><h2>Contents</h2><ol>"#);
    for sec in &report.sections {
        let _ = write!(
            s,
            r##"<li><a href="#{}">{}</a></li>"##,
            escape(&sec.id),
            escape(&sec.title)
        );
    }
    s.push_str("</ol></nav><main>");
    sections_html(&report.sections, link, &mut s);
    s.push_str("</main></body></html>\n");
    s
}

/// The sections' HTML (a section or narrative with no title gets no
/// heading).
fn sections_html(sections: &[crate::model::Section], link: Option<LinkTo>, s: &mut String) {
    for sec in sections {
        if sec.title.is_empty() {
            let _ = write!(s, r#"<section id="{}">"#, escape(&sec.id));
        } else {
            let _ = write!(
                s,
                r#"<section id="{}" aria-labelledby="{}-h"><h2 id="{}-h">{}</h2>"#,
                escape(&sec.id),
                escape(&sec.id),
                escape(&sec.id),
                escape(&sec.title)
            );
        }
        for block in &sec.blocks {
            match block {
                Block::Text { text } => {
                    let _ = write!(s, "<p>{}</p>", escape(text));
                }
                Block::Note { text } => {
                    let _ = write!(s, r#"<p class="note">{}</p>"#, escape(text));
                }
                Block::Narrative { heading, text } => {
                    if !heading.is_empty() {
                        let _ = write!(s, "<h3>{}</h3>", escape(heading));
                    }
                    s.push_str(&paragraphs(text));
                }
                Block::Table(t) => table_html(t, link, s),
                Block::Chart(c) => {
                    let _ = write!(
                        s,
                        r#"<figure aria-describedby="{}">{}<figcaption class="note">{} (figures in the table below)</figcaption></figure>"#,
                        escape(&c.table_id),
                        svg::render(c),
                        escape(&c.title)
                    );
                }
            }
        }
        s.push_str("</section>");
    }
}

/// Another document (a review's record or decisions, a letter to a child)
/// as one self-contained printable page, with the report's styles: its
/// title (none when empty), the lines under it, then its sections.
pub fn render_document(document: &crate::model::Document) -> String {
    let mut s = String::new();
    let title = if document.title.is_empty() {
        document
            .lines
            .first()
            .cloned()
            .unwrap_or_else(|| "Letter".to_owned())
    } else {
        document.title.clone()
    };
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{CSS}</style></head><body><header>"#,
        escape(&title)
    );
    if !document.title.is_empty() {
        let _ = write!(s, "<h1>{}</h1>", escape(&document.title));
    }
    for line in &document.lines {
        let _ = write!(s, r#"<p class="subtitle">{}</p>"#, escape(line));
    }
    s.push_str("</header><main>");
    sections_html(&document.sections, None, &mut s);
    s.push_str("</main></body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_never_wrap_inside() {
        assert_eq!(
            keep_years("% 2024-25 & more"),
            r#"% <span class="nw">2024-25</span> &amp; more"#
        );
        assert_eq!(
            keep_years("Q1 2024/25"),
            r#"Q1 <span class="nw">2024/25</span>"#
        );
        assert_eq!(
            keep_years("Aged 4-16"),
            r#"Aged <span class="nw">4-16</span>"#
        );
        assert_eq!(keep_years("well-being"), "well-being");
        assert!(CSS.contains("counter(page)") && CSS.contains(".nw { white-space: nowrap; }"));
    }
}
