//! A review's record, its decisions and the letter to the child as
//! documents ([`Document`]), written as Word and PDF by the same code as
//! the annual report ([`crate::docx::render_document`],
//! [`crate::html::render_document`] printed by [`crate::pdf`]).
//!
//! The documents hold free text about the child: they are made for the
//! people allowed to read it and never logged.

use footprint_domain::letter::Letter;
use footprint_domain::model::Review;
use footprint_domain::review_record::{RecordStatus, ReviewRecord};

use crate::ReportError;
use crate::model::{Block, Cell, Document, Row, Section, Table};

/// What a record or decisions document says about whose review it was.
#[derive(Debug, Clone, Copy)]
pub struct RecordFacts<'a> {
    /// The child as the council names them: "Amira Khan (K1)", or the
    /// identifier alone.
    pub child: &'a str,
    pub review: &'a Review,
    pub record: &'a ReviewRecord,
    /// The IRO who chaired the review.
    pub chair: Option<&'a str>,
    /// The council's name, for the line under the title.
    pub council: Option<&'a str>,
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn head_lines(f: &RecordFacts<'_>, status: String) -> Vec<String> {
    let mut lines = vec![format!("Child: {}", f.child)];
    lines.push(format!(
        "Review held on {}{}",
        day(f.review.date),
        f.chair
            .map(|c| format!(", chaired by {c}"))
            .unwrap_or_default()
    ));
    lines.push(status);
    lines.push(format!(
        "Confidential: {}about a child in care. Share only with the people it was sent to.",
        f.council.map(|c| format!("{c}, ")).unwrap_or_default()
    ));
    lines
}

/// The decisions and recommendations as a table: what, who, by when.
fn decisions_table(review: &Review) -> Option<Table> {
    let recs = review.details.as_ref()?.recommendations.as_slice();
    if recs.is_empty() {
        return None;
    }
    Some(Table {
        id: "decisions".into(),
        caption: "Decisions and recommendations".into(),
        columns: vec![
            "What needs to happen".into(),
            "Who".into(),
            "By when".into(),
        ],
        rows: recs
            .iter()
            .map(|r| Row {
                header: r.text.clone(),
                cells: vec![
                    Cell::Text(r.owner.clone()),
                    Cell::Text(match r.completed {
                        Some(done) => format!("{} (done {})", day(r.due), day(done)),
                        None => day(r.due),
                    }),
                ],
                total: false,
            })
            .collect(),
    })
}

fn status_line(review: &Review) -> String {
    match RecordStatus::of(review, true) {
        RecordStatus::NotStarted | RecordStatus::Draft => "Draft: not issued".to_owned(),
        s => s.label(),
    }
}

/// The full record of the review.
pub fn record_document(f: &RecordFacts<'_>) -> Document {
    let r = f.record;
    let mut sections = Vec::new();
    let how: Vec<&str> = r.views_given.iter().map(|v| v.label()).collect();
    let mut views = vec![Block::Text {
        text: format!(
            "How they were given: {}",
            if how.is_empty() {
                "not recorded".to_owned()
            } else {
                how.join("; ")
            }
        ),
    }];
    if !r.child_views.trim().is_empty() {
        views.push(Block::Narrative {
            heading: String::new(),
            text: r.child_views.clone(),
        });
    }
    sections.push(Section {
        id: "child-views".into(),
        title: "The child's views".into(),
        blocks: views,
    });
    let mut listed = false;
    for s in &r.sections {
        let mut blocks = vec![Block::Narrative {
            heading: String::new(),
            text: if s.text.trim().is_empty() {
                "Nothing written.".to_owned()
            } else {
                s.text.clone()
            },
        }];
        if s.decisions
            && let Some(t) = decisions_table(f.review)
        {
            blocks.push(Block::Table(t));
            listed = true;
        }
        sections.push(Section {
            id: format!("section-{}", s.key),
            title: s.heading.clone(),
            blocks,
        });
    }
    if !listed && let Some(t) = decisions_table(f.review) {
        sections.push(Section {
            id: "decisions".into(),
            title: "Decisions and recommendations".into(),
            blocks: vec![Block::Table(t)],
        });
    }
    let mut attended = Vec::new();
    if let Some(d) = &f.review.details
        && !d.attendance.is_empty()
    {
        let roles: Vec<&str> = d.attendance.iter().map(|a| a.label()).collect();
        attended.push(Block::Text {
            text: format!("By role: {}", roles.join(", ")),
        });
    }
    if !r.attendees.trim().is_empty() {
        attended.push(Block::Narrative {
            heading: String::new(),
            text: r.attendees.clone(),
        });
    }
    if attended.is_empty() {
        attended.push(Block::Text {
            text: "Not recorded.".into(),
        });
    }
    sections.push(Section {
        id: "attended".into(),
        title: "Who attended".into(),
        blocks: attended,
    });
    let to: Vec<&str> = r.send_to.iter().map(|s| s.label()).collect();
    sections.push(Section {
        id: "sent-to".into(),
        title: "Sent to".into(),
        blocks: vec![Block::Text {
            text: if to.is_empty() {
                "Nobody listed.".to_owned()
            } else {
                to.join(", ")
            },
        }],
    });
    Document {
        title: format!("Record of the review of {}", day(f.review.date)),
        lines: head_lines(f, status_line(f.review)),
        sections,
    }
}

/// The decisions of the review (issued within 5 working days): what needs
/// to happen, by whom and when.
pub fn decisions_document(f: &RecordFacts<'_>) -> Document {
    let next = f.record.sections.iter().find(|s| s.decisions);
    let mut blocks = Vec::new();
    if let Some(s) = next
        && !s.text.trim().is_empty()
    {
        blocks.push(Block::Narrative {
            heading: String::new(),
            text: s.text.clone(),
        });
    }
    match decisions_table(f.review) {
        Some(t) => blocks.push(Block::Table(t)),
        None => blocks.push(Block::Text {
            text: "No decisions recorded.".into(),
        }),
    }
    let status = match f.review.details.as_ref().and_then(|d| d.decisions_issued) {
        Some(d) => format!("Decisions issued {}", day(d)),
        None => "Draft: not issued".to_owned(),
    };
    Document {
        title: format!("Decisions of the review of {}", day(f.review.date)),
        lines: head_lines(f, status),
        sections: vec![Section {
            id: "decisions".into(),
            title: next.map_or_else(|| "Decisions".to_owned(), |s| s.heading.clone()),
            blocks,
        }],
    }
}

/// The letter to the child: no title, the letter's paragraphs as written
/// (a blank line between paragraphs; lines within one kept).
pub fn letter_document(letter: &Letter) -> Document {
    Document {
        title: String::new(),
        lines: Vec::new(),
        sections: vec![Section {
            id: "letter".into(),
            title: String::new(),
            blocks: vec![Block::Narrative {
                heading: String::new(),
                text: letter.text.clone(),
            }],
        }],
    }
}

/// A document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Docx,
    Pdf,
}

impl DocFormat {
    pub fn from_extension(s: &str) -> Option<Self> {
        match s {
            "docx" => Some(DocFormat::Docx),
            "pdf" => Some(DocFormat::Pdf),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocFormat::Pdf => "application/pdf",
        }
    }
}

/// The document's bytes: Word by the report's writer, PDF by printing the
/// report's HTML with Chromium.
pub fn render(document: &Document, format: DocFormat) -> Result<Vec<u8>, ReportError> {
    match format {
        DocFormat::Docx => crate::docx::render_document(document),
        DocFormat::Pdf => Ok(crate::pdf::html_to_pdf(&crate::html::render_document(
            document,
        ))?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_domain::letter::Audience;
    use footprint_domain::model::{AttendeeRole, Recommendation, ReviewDetails};
    use footprint_domain::review_record::{RecordTemplate, ViewsGiven};
    use std::io::Read;

    fn d(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn parts() -> (Review, ReviewRecord) {
        let review = Review {
            child: "K1".parse().unwrap(),
            date: d("2025-03-03"),
            participation: None,
            details: Some(ReviewDetails {
                attendance: vec![AttendeeRole::Carer],
                decisions_issued: Some(d("2025-03-05")),
                recommendations: vec![Recommendation {
                    text: "Book the Quillfeather dental check".into(),
                    owner: "Carer".into(),
                    due: d("2025-04-30"),
                    completed: None,
                }],
                ..ReviewDetails::default()
            }),
        };
        let mut record = ReviewRecord::blank(&RecordTemplate::default());
        record.child_views = "Likes the Zephyrine football club".into();
        record.views_given = vec![ViewsGiven::AtReview];
        record.sections[0].text = "Settled at home.\nGoing to school every day.".into();
        (review, record)
    }

    fn document_xml(docx: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn the_record_holds_each_part_in_order() {
        let (review, record) = parts();
        let f = RecordFacts {
            child: "Amira Khan (K1)",
            review: &review,
            record: &record,
            chair: Some("Sam Sample"),
            council: None,
        };
        let doc = record_document(&f);
        let titles: Vec<&str> = doc.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "The child's views",
                "What is working well",
                "What are we worried about",
                "What needs to happen",
                "Who attended",
                "Sent to"
            ]
        );
        assert_eq!(doc.lines[2], "Decisions issued 5 Mar 2025; record in draft");
        let xml = document_xml(&crate::docx::render_document(&doc).unwrap());
        for text in [
            "Record of the review of 3 March 2025",
            "Likes the Zephyrine football club",
            "Going to school every day.",
            "Book the Quillfeather dental check",
            "By role: Carer",
        ] {
            assert!(xml.contains(text), "{text} missing");
        }
        let html = crate::html::render_document(&doc);
        assert!(html.contains("<h2 id=\"section-worries-h\">What are we worried about</h2>"));
        let decisions = decisions_document(&f);
        assert_eq!(decisions.lines[2], "Decisions issued 5 March 2025");
        let xml = document_xml(&crate::docx::render_document(&decisions).unwrap());
        assert!(xml.contains("Book the Quillfeather dental check"));
        assert!(
            !xml.contains("Zephyrine"),
            "the decisions leave out the views"
        );
    }

    #[test]
    fn the_letter_has_no_title_and_keeps_its_lines() {
        let letter = Letter {
            audience: Audience::Standard,
            text: "Dear Amira,\n\nAt your review we talked.\nThen we agreed.".into(),
        };
        let doc = letter_document(&letter);
        let xml = document_xml(&crate::docx::render_document(&doc).unwrap());
        assert!(xml.contains("Dear Amira,"));
        assert!(xml.contains("<w:br w:type=\"textWrapping\" />"), "{xml}");
        assert!(!xml.contains("w:val=\"Title\""));
        let html = crate::html::render_document(&doc);
        assert!(html.contains("<title>Letter</title>"));
    }
}
