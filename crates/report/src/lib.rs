//! The annual IRO report and the performance page.
//!
//! ```text
//! Dataset ─> measures (domain, pure) ─> AnnualReport ─┬─> report.json (json.rs)
//!                                        │ checks.rs  ├─> report model (model.rs) ─┬─> HTML + SVG
//!                                        │ suppress.rs│                            ├─> Word (.docx)
//!                                                                                  ├─> Excel (.xlsx)
//!                                                                                  └─> PDF (Chromium)
//! ```
//!
//! [`AnnualReport::render`] checks the report's own arithmetic first
//! ([`checks`]) and refuses to write a report that fails, naming the figure.
//! With `publication` set, counts from 1 to 5 are shown as `c` with
//! secondary suppression ([`suppress`]) and no child-level detail is written;
//! before anything is written, [`AnnualReport::audit`] proves with a linear
//! programme per hidden cell ([`audit`]) that no hidden cell can be worked
//! out from everything the report shows, and refuses the report, naming the
//! cell, if one can.

pub mod audit;
pub mod checks;
pub mod dashboard;
pub mod docx;
pub mod drilldown;
pub mod font;
pub mod html;
pub mod json;
pub mod model;
pub mod pdf;
pub mod performance;
pub mod picture;
pub mod review_documents;
pub mod suppress;
pub mod svg;
pub mod trend;
pub mod words;
pub mod xlsx;

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{
    Extent, MeasureSettings, Measures, Period, compute, compute_as_of, compute_extents_as_of,
};
use footprint_domain::model::Dataset;
use serde::{Deserialize, Serialize};

use crate::checks::{CellRef, CheckError};
use crate::json::{Node, Writer};

/// A trend figure in `report.json`: a number (percentages and rates to one
/// decimal place), `"c"`, or `null` when not known.
fn trend_json(c: &model::Cell) -> serde_json::Value {
    use model::Cell;
    match c {
        Cell::Count(n) | Cell::CountWithChildren { count: n, .. } => serde_json::json!(n),
        Cell::Hidden => serde_json::json!("c"),
        Cell::Percent(Some(x)) | Cell::Number(Some(x)) => serde_json::json!(json::round1(*x)),
        _ => serde_json::Value::Null,
    }
}

/// Text the service manager writes for the report, kept by the store. `slot`
/// is one of [`NARRATIVE_SLOTS`] or a section id (an introduction to that
/// section). The text is free text: it is never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub slot: String,
    pub text: String,
}

/// The summary's narrative slots: (slot, heading).
pub const NARRATIVE_SLOTS: [(&str, &str); 3] = [
    ("working_well", "What is working well"),
    ("worried_about", "What we are worried about"),
    ("actions", "What we will do next"),
];

/// The annual report's sections, in order: (id, title). The manager's
/// words may introduce any of them (`Words::sections`, or a narrative whose
/// slot is the id); a slot that is neither one of these nor a summary box is
/// an error naming it.
pub const SECTION_IDS: [(&str, &str); 20] = [
    ("cover", "Report to the committee"),
    ("summary", "Summary"),
    (
        "action-plan-progress",
        "Progress on last year's action plan",
    ),
    ("service", "The IRO service and caseloads"),
    ("profile", "Profile of children in care"),
    ("reviews", "Reviews and timeliness"),
    ("participation", "Participation"),
    ("quality", "Quality assurance"),
    ("challenges", "Challenges and dispute resolution"),
    ("stability", "Placement stability"),
    ("adoption", "Adoption"),
    ("care-leavers", "Care leavers"),
    ("missing", "Missing from care"),
    ("health", "Health and education"),
    ("other-meetings", "Other meetings"),
    ("short-breaks", "Short breaks"),
    ("feedback", "What children, families and partners told us"),
    ("action-plan", "Our action plan for next year"),
    ("data-quality", "Data quality"),
    ("method", "How the figures were counted"),
];

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Docx,
    Xlsx,
    Pdf,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "docx" => Ok(Format::Docx),
            "xlsx" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            _ => Err(format!(
                "`{s}` is not a report format; expected json, html, docx, xlsx or pdf"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        })
    }
}

/// Why a report was not written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error("publication mode: {0}; the report was not written")]
    Disclosure(String),
    #[error("writing the Word document: {0}")]
    Docx(String),
    #[error("writing the Excel workbook: {0}")]
    Xlsx(String),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// A target or benchmark keyed by an id that names nothing.
    #[error("{0}; the report was not written")]
    Settings(String),
    /// The manager's words name a section the report does not have, or
    /// leave a required part empty.
    #[error("the manager's words: {0}; the report was not written")]
    Words(String),
    /// The report could not be written out (its file, say).
    #[error("writing the report: {0}")]
    Write(#[from] std::io::Error),
}

/// One measure set with its publication mask.
#[derive(Debug, Clone)]
pub struct YearFigures {
    pub measures: Measures,
    /// Cells shown as `c` (empty for an internal report).
    pub hidden: BTreeSet<CellRef>,
}

impl YearFigures {
    pub fn is_hidden(&self, measure: &str, path: &[&str]) -> bool {
        !self.hidden.is_empty() && self.hidden.contains(&CellRef::new(measure, path))
    }
}

/// The annual report: this year's and last year's measures, the settings
/// used, the manager's narrative, and whether it is for publication.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub council: Option<String>,
    pub settings: MeasureSettings,
    pub narratives: Vec<Narrative>,
    pub publication: bool,
    pub this_year: YearFigures,
    pub last_year: Option<YearFigures>,
    /// Why secondary suppression could not protect every hidden cell (the
    /// report is then refused by [`AnnualReport::check`]).
    pub suppression_problem: Option<String>,
    /// The council's performance indicators (default: the built-in list):
    /// a target or benchmark may be keyed by an indicator's id.
    pub indicators: Option<performance::PerformanceSettings>,
    /// The headline figures over the last five years held (`trend.*`), when
    /// computed ([`AnnualReport::compute_as_of`] does).
    pub trend: Option<trend::Trend>,
    /// The manager's words beyond the section texts: action plans, "you
    /// said, we did", feedback, staffing (and section texts from a file).
    pub words: words::Words,
}

impl AnnualReport {
    /// Computes the measures for `year` and the year before.
    pub fn compute(
        data: &Dataset,
        year: CollectionYear,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
        narratives: Vec<Narrative>,
        publication: bool,
    ) -> Self {
        let this = compute(data, year, settings, calendar);
        let last = compute(data, year.previous(), settings, calendar);
        Self::from_measures(this, Some(last), settings.clone(), narratives, publication)
    }

    /// The report for `year` as it stands on `as_of` (the report date): a
    /// year that ends after `as_of` is computed to that date and says so
    /// ("to date"); last year is computed whole.
    pub fn compute_as_of(
        data: &Dataset,
        year: CollectionYear,
        as_of: chrono::NaiveDate,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
        narratives: Vec<Narrative>,
        publication: bool,
    ) -> Self {
        // The five years of the trend over one assembly of the council's
        // periods of care: this year and last year whole, and the three
        // before for the trend's headline figures only.
        let periods = Self::periods(year);
        let mut all = compute_extents_as_of(data, &periods, as_of, settings, calendar).into_iter();
        let this = all
            .next()
            .unwrap_or_else(|| compute_as_of(data, periods[0].0, as_of, settings, calendar));
        let last = all
            .next()
            .unwrap_or_else(|| compute_as_of(data, periods[1].0, as_of, settings, calendar));
        let earlier: Vec<Measures> = all.collect();
        // The adoption scorecard's three-year averages of this year and
        // last year, each over the year and the two before it.
        use footprint_domain::measures::three_year_scorecard;
        let (mut this, mut last) = (this, last);
        let three_this = earlier
            .first()
            .and_then(|y2| three_year_scorecard(&[&this, &last, y2]));
        let three_last = match earlier.as_slice() {
            [y2, y3, ..] => three_year_scorecard(&[&last, y2, y3]),
            _ => None,
        };
        this.entries.extend(three_this.unwrap_or_default());
        last.entries.extend(three_last.unwrap_or_default());
        let mut report =
            Self::from_measures(this, Some(last), settings.clone(), narratives, publication);
        let mut years: Vec<(&Measures, Option<&BTreeSet<CellRef>>)> =
            vec![(&report.this_year.measures, Some(&report.this_year.hidden))];
        if let Some(l) = &report.last_year {
            years.push((&l.measures, Some(&l.hidden)));
        }
        years.extend(earlier.iter().map(|m| (m, None)));
        let t = trend::build(&years, publication);
        report.trend = Some(t);
        report
    }

    /// The periods the annual report of `year` computes, newest first, each
    /// with how much of the engine it needs: this year and last year whole,
    /// and the three years before them for the five-year trends' headline
    /// figures ([`trend::TREND_MEASURES`]) only. What a report reads from
    /// the store follows from these.
    pub fn periods(year: CollectionYear) -> Vec<(Period, Extent)> {
        let mut years = vec![year];
        for _ in 0..4 {
            let y = years[years.len() - 1].previous();
            years.push(y);
        }
        years
            .into_iter()
            .enumerate()
            .map(|(i, y)| {
                let extent = if i < 2 {
                    Extent::Every
                } else {
                    Extent::Headline
                };
                (Period::year(y), extent)
            })
            .collect()
    }

    /// A report from measure sets computed (or built) elsewhere.
    pub fn from_measures(
        this_year: Measures,
        last_year: Option<Measures>,
        settings: MeasureSettings,
        narratives: Vec<Narrative>,
        publication: bool,
    ) -> Self {
        let mut problem = None;
        let (this_hidden, last_hidden) = if publication {
            match suppress::suppressed(&this_year, last_year.as_ref()) {
                Ok(h) => h,
                Err(e) => {
                    problem = Some(e.to_string());
                    Default::default()
                }
            }
        } else {
            Default::default()
        };
        AnnualReport {
            council: None,
            settings,
            narratives,
            publication,
            this_year: YearFigures {
                measures: this_year,
                hidden: this_hidden,
            },
            last_year: last_year.map(|measures| YearFigures {
                measures,
                hidden: last_hidden,
            }),
            suppression_problem: problem,
            indicators: None,
            trend: None,
            words: words::Words::default(),
        }
    }

    pub fn year(&self) -> CollectionYear {
        self.this_year.measures.year
    }

    /// The report's own arithmetic, for both years; and, in publication
    /// mode, that no hidden cell can be worked out.
    pub fn check(&self) -> Result<(), ReportError> {
        let default = performance::PerformanceSettings::default();
        performance::check_settings(
            &self.settings,
            self.indicators.as_ref().unwrap_or(&default),
            &self.this_year.measures,
        )
        .map_err(ReportError::Settings)?;
        self.check_words().map_err(ReportError::Words)?;
        checks::check(&self.this_year.measures)?;
        if let Some(last) = &self.last_year {
            checks::check(&last.measures)?;
        }
        if self.publication {
            self.audit()?;
        }
        Ok(())
    }

    /// The manager's words fit the report: every narrative's slot is a
    /// summary box or a section (none is dropped silently), and the lists
    /// are complete ([`words::Words::validate`]).
    pub fn check_words(&self) -> Result<(), String> {
        for n in &self.narratives {
            words::check_slot(&n.slot)?;
        }
        self.words.validate()
    }

    /// Publication mode's audit (`docs/report-json.md`, "Publication
    /// mode"): every measure published is declared in a relation, no count
    /// from 1 to 5 is shown, and no hidden cell can be worked out from
    /// everything the report shows. The first failure is the error.
    pub fn audit(&self) -> Result<(), ReportError> {
        if let Some(problem) = &self.suppression_problem {
            return Err(ReportError::Disclosure(problem.clone()));
        }
        for y in std::iter::once(&self.this_year).chain(&self.last_year) {
            if let Some(id) = checks::undeclared(&y.measures).first() {
                return Err(ReportError::Disclosure(format!(
                    "{id} ({}) is in no relation with the other figures and not declared to stand alone (checks::relations, checks::STANDS_ALONE), so it cannot be audited",
                    y.measures.year
                )));
            }
        }
        let found = suppress::audit(
            &self.this_year.measures,
            &self.this_year.hidden,
            self.last_year.as_ref().map(|y| (&y.measures, &y.hidden)),
        )
        .map_err(ReportError::Disclosure)?;
        match found.first() {
            Some(d) => Err(ReportError::Disclosure(d.to_string())),
            None => Ok(()),
        }
    }

    /// `report.json`'s keys before the child-level detail (`drilldown`,
    /// `unmatched_reviews`, `problems`), in order.
    fn json_head(&self) -> Vec<(String, Node)> {
        fn year_node(y: &YearFigures) -> Writer<'_> {
            Writer {
                measures: &y.measures,
                hidden: &y.hidden,
            }
        }
        let this = year_node(&self.this_year);
        let mut o = vec![
            ("year".to_owned(), Node::Str(self.year().to_string())),
            ("publication".to_owned(), Node::Bool(self.publication)),
        ];
        // A year that ends after the report date is "to date": say so, with
        // the day the figures run to.
        if self.this_year.measures.to_date.is_some() {
            o.push((
                "to_date".to_owned(),
                Node::Str(self.this_year.measures.period.last.to_string()),
            ));
        }
        o.extend([
            (
                "settings".to_owned(),
                Node::Raw(serde_json::to_value(&self.settings).unwrap_or_default()),
            ),
            ("measures".to_owned(), this.measures()),
        ]);
        if let Some(t) = &self.trend {
            let mut measures = Vec::new();
            for (id, cells) in &t.rows {
                measures.push((
                    id.clone(),
                    Node::Raw(serde_json::Value::Array(
                        cells.iter().map(trend_json).collect(),
                    )),
                ));
            }
            o.push((
                "trend".to_owned(),
                Node::Obj(vec![
                    (
                        "years".to_owned(),
                        Node::Raw(serde_json::to_value(&t.years).unwrap_or_default()),
                    ),
                    ("measures".to_owned(), Node::Obj(measures)),
                ]),
            ));
        }
        // The manager's words, every part (section texts from the store
        // and from a file together).
        let mut w = self.words.clone();
        for n in &self.narratives {
            if !n.text.trim().is_empty() && !w.sections.contains_key(&n.slot) {
                w.sections.insert(n.slot.clone(), n.text.clone());
            }
        }
        o.push((
            "words".to_owned(),
            Node::Raw(serde_json::to_value(&w).unwrap_or_default()),
        ));
        if let Some(last) = &self.last_year {
            o.push((
                "previous_year".to_owned(),
                Node::Obj(vec![
                    ("year".to_owned(), Node::Str(last.measures.year.to_string())),
                    ("measures".to_owned(), year_node(last).measures()),
                ]),
            ));
        }
        o
    }

    /// The child-level detail after [`Self::json_head`] but the drilldown:
    /// none in a report for publication.
    fn json_tail(&self) -> Vec<(String, Node)> {
        let m = &self.this_year.measures;
        vec![
            (
                "unmatched_reviews".to_owned(),
                Node::Raw(serde_json::to_value(&m.unmatched_reviews).unwrap_or_default()),
            ),
            (
                "problems".to_owned(),
                Node::Raw(serde_json::to_value(&m.problems).unwrap_or_default()),
            ),
        ]
    }

    /// `report.json` (see `docs/report-json.md`) as one value in memory: the
    /// value [`Self::write_json`] writes.
    pub fn to_json_node(&self) -> Node {
        let mut o = self.json_head();
        if !self.publication {
            let drilldown = Writer {
                measures: &self.this_year.measures,
                hidden: &self.this_year.hidden,
            }
            .drilldown();
            o.push(("drilldown".to_owned(), drilldown));
            o.extend(self.json_tail());
        }
        Node::Obj(o)
    }

    /// Writes `report.json` (see `docs/report-json.md`) to `out` as it is
    /// made: the drilldown's children are read from the measures as they
    /// are written, never all held as text. Pretty-printed, each list of
    /// children on one line. Does not check the report ([`Self::render_to`]
    /// does).
    pub fn write_json<W: std::io::Write>(&self, out: W) -> std::io::Result<()> {
        let one_line = std::cell::Cell::new(false);
        let mut ser = serde_json::Serializer::with_formatter(out, json::Layout::new(&one_line));
        JsonReport {
            report: self,
            one_line: &one_line,
        }
        .serialize(&mut ser)
        .map_err(std::io::Error::from)?;
        ser.into_inner().flush()
    }

    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory fails only if serde_json does.
        self.write_json(&mut out).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    /// The report model (sections, tables, charts, narrative).
    pub fn model(&self) -> model::Report {
        model::build(self)
    }

    /// Checks the report, then writes it as HTML whose counts link to the
    /// children behind them where `link` gives an address (the web
    /// application's internal view; a report for publication has no such
    /// counts).
    pub fn render_html_linked(&self, link: html::LinkTo) -> Result<String, ReportError> {
        self.check()?;
        Ok(html::render_linked(&self.model(), Some(link)))
    }

    /// Checks the report, then writes it in `format` to the writer `open`
    /// gives (a report that fails its checks opens nothing). JSON is
    /// written as it is made ([`Self::write_json`]); the other formats are
    /// made whole, then written.
    pub fn render_to<W: std::io::Write>(
        &self,
        format: Format,
        open: impl FnOnce() -> std::io::Result<W>,
    ) -> Result<(), ReportError> {
        if format == Format::Json {
            self.check()?;
            let mut out = open()?;
            self.write_json(&mut out)?;
            return Ok(out.flush()?);
        }
        let bytes = self.render(format)?;
        let mut out = open()?;
        out.write_all(&bytes)?;
        Ok(out.flush()?)
    }

    /// Checks the report, then writes it in `format`.
    pub fn render(&self, format: Format) -> Result<Vec<u8>, ReportError> {
        self.check()?;
        match format {
            Format::Json => {
                let mut out = Vec::new();
                self.write_json(&mut out)?;
                Ok(out)
            }
            Format::Html => Ok(html::render(&self.model()).into_bytes()),
            Format::Docx => docx::render(&self.model()),
            Format::Xlsx => xlsx::render(&self.model()),
            Format::Pdf => Ok(pdf::html_to_pdf(&html::render(&self.model()))?),
        }
    }
}

/// `report.json` written as it is made ([`AnnualReport::write_json`]).
struct JsonReport<'a> {
    report: &'a AnnualReport,
    one_line: &'a std::cell::Cell<bool>,
}

impl Serialize for JsonReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.report;
        let mut map = s.serialize_map(None)?;
        for (k, v) in r.json_head() {
            map.serialize_entry(&k, &v)?;
        }
        if !r.publication {
            map.serialize_entry(
                "drilldown",
                &json::Drilldown {
                    measures: &r.this_year.measures,
                    one_line: self.one_line,
                },
            )?;
            for (k, v) in r.json_tail() {
                map.serialize_entry(&k, &v)?;
            }
        }
        map.end()
    }
}
