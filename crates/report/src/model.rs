//! The report model: sections of tables, charts and narrative, with this
//! year beside last year. Every renderer (HTML, Word, Excel) draws this one
//! model, so a figure reads the same in every format.
//!
//! Sections follow the skeleton the reference IRO reports share: summary,
//! service and caseloads, profile of children in care, reviews and
//! timeliness, participation, quality assurance, challenges, stability,
//! adoption, missing, health and education, short breaks, data quality, and
//! how the figures were counted.

use footprint_domain::dates::month_name;
use footprint_domain::measures::{Measure, MeasureSettings, Measures, key_label, percent};
use footprint_domain::schedule::{IntervalCounting, Within};
use serde::Serialize;

use crate::{AnnualReport, NARRATIVE_SLOTS, YearFigures};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The council's name, if set (headers and footers name it).
    pub council: Option<String>,
    pub title: String,
    pub subtitle: String,
    pub year: String,
    pub previous_year: Option<String>,
    pub publication: bool,
    pub sections: Vec<Section>,
}

/// A document other than the annual report, drawn by the same renderers
/// (Word, HTML, PDF): a review's record or decisions, a letter to a child.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// The title; none is shown when empty (a letter).
    pub title: String,
    /// Lines under the title (who, when, status).
    pub lines: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph the software writes.
    Text {
        text: String,
    },
    /// Text the manager wrote, under a heading.
    Narrative {
        heading: String,
        text: String,
    },
    Table(Table),
    /// A chart; its data are in the table `table_id`, which follows it.
    Chart(Chart),
    /// A note on what the data do not yet cover.
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub id: String,
    pub caption: String,
    /// Column headings; the first heads the row labels.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub header: String,
    pub cells: Vec<Cell>,
    pub total: bool,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Count(u64),
    /// A count of this year's in the internal report, with the measure and
    /// cell whose children are behind it (`report.json`'s `drilldown`):
    /// the web application's view links it to them; every other renderer
    /// shows the count.
    CountWithChildren {
        count: u64,
        measure: String,
        cell: String,
    },
    /// Suppressed in publication mode: shown as `c`.
    Hidden,
    /// A percentage; `None` (zero denominator) is shown as "–".
    Percent(Option<f64>),
    /// A number with one decimal place; `None` is shown as "–".
    Number(Option<f64>),
    Text(String),
    Blank,
}

impl Cell {
    /// The cell as text: counts in full, percentages to one decimal place.
    pub fn display(&self) -> String {
        match self {
            Cell::Count(n) | Cell::CountWithChildren { count: n, .. } => n.to_string(),
            Cell::Hidden => "c".into(),
            Cell::Percent(Some(x)) => format!("{x:.1}%"),
            Cell::Number(Some(x)) => format!("{x:.1}"),
            Cell::Percent(None) | Cell::Number(None) => "–".into(),
            Cell::Text(t) => t.clone(),
            Cell::Blank => String::new(),
        }
    }

    /// The cell as a number, for charts and spreadsheets.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count(n) | Cell::CountWithChildren { count: n, .. } => Some(*n as f64),
            Cell::Percent(x) | Cell::Number(x) => *x,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bar,
    Line,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// A sentence describing the chart, for screen readers.
    pub description: String,
    pub kind: ChartKind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// "%" for percentages, "" for counts.
    pub unit: String,
    pub table_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    /// `None`: suppressed or not known (a gap).
    pub values: Vec<Option<f64>>,
}

impl Report {
    /// Every chart, in order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
    }

    /// Every table, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
    }
}

// ---------------------------------------------------------------------------
// Reading figures

/// One year's figures, read with its publication mask.
#[derive(Clone, Copy)]
struct Fig<'a> {
    y: &'a YearFigures,
    /// Counts name the children behind them (this year, internal report).
    drill: bool,
}

impl<'a> Fig<'a> {
    fn m(&self) -> &'a Measures {
        &self.y.measures
    }

    fn cell(&self, id: &str, path: &[&str]) -> Cell {
        let owned: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        match self.m().cell(id, &owned) {
            None => Cell::Blank,
            Some(_) if self.y.is_hidden(id, path) => Cell::Hidden,
            Some(c) if self.drill && !c.children.is_empty() => Cell::CountWithChildren {
                count: c.value,
                measure: id.to_owned(),
                cell: crate::drilldown::cell_name(path),
            },
            Some(c) => Cell::Count(c.value),
        }
    }

    fn value(&self, id: &str, path: &[&str]) -> Option<u64> {
        let owned: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        self.m().cell(id, &owned).map(|c| c.value)
    }

    /// A percentage measure's value, hidden if either count is.
    fn pct(&self, id: &str) -> Cell {
        match self.m().percent(id) {
            None => Cell::Blank,
            Some(_)
                if self.y.is_hidden(id, &["numerator"])
                    || self.y.is_hidden(id, &["denominator"]) =>
            {
                Cell::Hidden
            }
            Some(p) => Cell::Percent(p.value()),
        }
    }

    /// `part` as a percentage of `whole` (two cells of this year).
    fn share(&self, part: (&str, &[&str]), whole: (&str, &[&str])) -> Cell {
        if self.y.is_hidden(part.0, part.1) || self.y.is_hidden(whole.0, whole.1) {
            return Cell::Hidden;
        }
        match (self.value(part.0, part.1), self.value(whole.0, whole.1)) {
            (Some(a), Some(b)) => Cell::Percent(percent(a, b)),
            _ => Cell::Blank,
        }
    }

    fn derived(&self, id: &str, from: &[&str], x: Option<f64>) -> Cell {
        if self.m().get(id).is_none() {
            Cell::Blank
        } else if self.y.is_hidden(id, from) {
            Cell::Hidden
        } else {
            Cell::Number(x)
        }
    }
}

struct Builder<'a> {
    this: Fig<'a>,
    last: Option<Fig<'a>>,
    this_label: String,
    last_label: String,
}

fn row(header: impl Into<String>, cells: Vec<Cell>) -> Row {
    Row {
        header: header.into(),
        cells,
        total: false,
    }
}

fn total_row(header: impl Into<String>, cells: Vec<Cell>) -> Row {
    Row {
        header: header.into(),
        cells,
        total: true,
    }
}

/// The words for a placement group of `placements.end.distance_over_20_miles`.
fn provision_label(group: &str) -> &'static str {
    match group {
        "foster_care" => "Foster care (U1–U6)",
        "placed_for_adoption" => "Placed for adoption (A3–A6)",
        "childrens_homes" => "Children's homes and residential care (K2, R1)",
        "residential_school" => "Residential school (S1)",
        "independent_living" => "Independent or semi-independent living (P2, H5, K3)",
        "with_parents" => "With parents (P1)",
        "secure_or_custody" => "Secure unit or custody (K1, R5)",
        _ => "Other",
    }
}

fn month_label(key: &str) -> String {
    let m: u32 = key.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(0);
    month_name(m).to_owned()
}

/// What a figure-reading function gives for one year.
type Read<'f> = &'f dyn Fn(Fig) -> Cell;

impl<'a> Builder<'a> {
    fn year_columns(&self, first: &str) -> Vec<String> {
        let mut c = vec![first.to_owned(), self.this_label.clone()];
        if self.last.is_some() {
            c.push(self.last_label.clone());
        }
        c
    }

    /// A row of one figure for this year and last year.
    fn both(&self, header: &str, f: Read) -> Row {
        let mut cells = vec![f(self.this)];
        if let Some(l) = self.last {
            cells.push(f(l));
        }
        row(header, cells)
    }

    /// A table of single figures, this year beside last year.
    fn figures(&self, id: &str, caption: &str, rows: Vec<(&str, Read)>) -> Table {
        Table {
            id: id.into(),
            caption: caption.into(),
            columns: self.year_columns("Measure"),
            rows: rows.into_iter().map(|(h, f)| self.both(h, f)).collect(),
        }
    }

    /// A breakdown with its share of the total, this year beside last year.
    /// Rows zero in both years are left out when `hide_zero` is set.
    fn breakdown(
        &self,
        id: &str,
        caption: &str,
        measure: &str,
        total: Option<(&str, &str)>,
        hide_zero: bool,
    ) -> Table {
        let total = total.map(|(t, label)| ((t, &[][..]), label));
        self.breakdown_of(id, caption, measure, total, hide_zero)
    }

    /// [`Builder::breakdown`] whose total is any cell (a measure and a
    /// path: one key of another breakdown).
    fn breakdown_of(
        &self,
        id: &str,
        caption: &str,
        measure: &str,
        total: Option<((&str, &[&str]), &str)>,
        hide_zero: bool,
    ) -> Table {
        let mut keys: Vec<String> = self
            .this
            .m()
            .breakdown(measure)
            .map(|b| b.keys().map(String::from).collect())
            .unwrap_or_default();
        if let Some(l) = self.last
            && let Some(b) = l.m().breakdown(measure)
        {
            for k in b.keys() {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.to_owned());
                }
            }
        }
        let mut columns = vec![
            "Category".to_owned(),
            self.this_label.clone(),
            format!("% {}", self.this_label),
        ];
        if self.last.is_some() {
            columns.push(self.last_label.clone());
            columns.push(format!("% {}", self.last_label));
        }
        let years: Vec<Fig> = std::iter::once(self.this).chain(self.last).collect();
        let mut rows = Vec::new();
        for k in &keys {
            let nonzero = years
                .iter()
                .any(|y| y.value(measure, &[k]).is_some_and(|v| v > 0));
            if hide_zero && !nonzero {
                continue;
            }
            let mut cells = Vec::new();
            for y in &years {
                cells.push(y.cell(measure, &[k]));
                cells.push(match total {
                    Some((t, _)) => y.share((measure, &[k]), t),
                    None => Cell::Blank,
                });
            }
            // Per-IRO breakdowns are keyed by IRO id: show the IRO's name.
            let label = match self.this.m().iro_names.get(k.as_str()) {
                Some(name) if measure.ends_with("by_iro") => name.clone(),
                _ => self.this.m().key_label(measure, k),
            };
            rows.push(row(label, cells));
        }
        if let Some(((t, path), label)) = total {
            let mut cells = Vec::new();
            for y in &years {
                cells.push(y.cell(t, path));
                cells.push(Cell::Blank);
            }
            rows.push(total_row(label, cells));
        }
        if total.is_none() {
            columns.retain(|c| !c.starts_with("% "));
            for r in &mut rows {
                r.cells = r.cells.iter().step_by(2).cloned().collect();
            }
        }
        Table {
            id: id.into(),
            caption: caption.into(),
            columns,
            rows,
        }
    }

    /// Formal challenges by theme and sub-theme (R20-T5, R21-T5): each
    /// theme's total, then its sub-themes and "not recorded" beneath it,
    /// this year beside last year, and the total of formal challenges.
    /// Rows nil in both years are left out; a theme's total is hidden when
    /// any count under it is.
    fn formal_by_theme(&self) -> Table {
        let id = "challenges.formal_by_theme";
        let years: Vec<Fig> = std::iter::once(self.this).chain(self.last).collect();
        let mut themes: Vec<(String, Vec<String>)> = Vec::new();
        for y in &years {
            for (theme, b) in y.m().grid(id).map(|g| g.rows.as_slice()).unwrap_or(&[]) {
                let i = match themes.iter().position(|(t, _)| t == theme) {
                    Some(i) => i,
                    None => {
                        themes.push((theme.clone(), Vec::new()));
                        themes.len() - 1
                    }
                };
                for k in b.keys() {
                    if !themes[i].1.iter().any(|x| x == k) {
                        themes[i].1.push(k.to_owned());
                    }
                }
            }
        }
        let mut rows = Vec::new();
        let mut all = vec![0u64; years.len()];
        for (theme, subs) in &themes {
            let nonzero = |path: &[&str]| years.iter().any(|y| y.value(id, path).unwrap_or(0) > 0);
            let subs: Vec<&String> = subs.iter().filter(|k| nonzero(&[theme, k])).collect();
            if subs.is_empty() {
                continue;
            }
            let mut totals = Vec::new();
            for (n, y) in years.iter().enumerate() {
                let sum: u64 = subs
                    .iter()
                    .map(|k| y.value(id, &[theme, k]).unwrap_or(0))
                    .sum();
                all[n] += sum;
                let hidden = subs.iter().any(|k| y.y.is_hidden(id, &[theme, k]));
                totals.push(if hidden {
                    Cell::Hidden
                } else {
                    Cell::Count(sum)
                });
            }
            let label = if theme == footprint_domain::measures::NOT_RECORDED {
                "Theme not recorded".to_owned()
            } else {
                self.this.m().key_label(id, theme)
            };
            rows.push(row(label, totals));
            for k in subs {
                let label = if k == footprint_domain::measures::NOT_RECORDED {
                    "Sub-theme not recorded".to_owned()
                } else {
                    self.this.m().key_label(id, &format!("{theme}/{k}"))
                };
                let cells = years.iter().map(|y| y.cell(id, &[theme, k])).collect();
                rows.push(row(format!("– {label}"), cells));
            }
        }
        rows.push(total_row(
            "All formal challenges",
            all.into_iter().map(Cell::Count).collect(),
        ));
        Table {
            id: "challenges-formal-by-theme".into(),
            caption:
                "Formal challenges by theme and sub-theme (a challenge counted under its theme)"
                    .into(),
            columns: self.year_columns("Theme and sub-theme"),
            rows,
        }
    }

    /// Children in care on 31 March by provision: more than 20 miles from
    /// home, 20 miles or less, distance not known (this year), and more
    /// than 20 miles last year; the groups add up to the total row.
    fn placements_by_distance(&self) -> Table {
        use footprint_domain::measures::{DISTANCE_COLUMNS, PLACEMENT_GROUPS};
        let id = "placements.end.distance_over_20_miles";
        let mut columns = vec![
            "Provision".to_owned(),
            format!("More than 20 miles {}", self.this_label),
            format!("20 miles or less {}", self.this_label),
            format!("Distance not known {}", self.this_label),
        ];
        if self.last.is_some() {
            columns.push(format!("More than 20 miles {}", self.last_label));
        }
        let cells = |g: &str| {
            let mut c: Vec<Cell> = DISTANCE_COLUMNS
                .iter()
                .map(|col| self.this.cell(id, &[g, col]))
                .collect();
            if let Some(l) = self.last {
                c.push(l.cell(id, &[g, "over_20_miles"]));
            }
            c
        };
        let mut rows: Vec<Row> = PLACEMENT_GROUPS
            .iter()
            .map(|g| row(provision_label(g), cells(g)))
            .collect();
        rows.push(total_row("All children in care on 31 March", cells("all")));
        Table {
            id: "placements-distance".into(),
            caption: "Children in care on 31 March placed more than 20 miles from home, by provision (straight line between the home and placement postcodes, as the DfE derives it)".into(),
            columns,
            rows,
        }
    }

    /// A bar chart of a table's first count column (and last year's).
    fn bar_chart(&self, table: &Table, title: &str) -> Chart {
        let data_rows: Vec<&Row> = table.rows.iter().filter(|r| !r.total).collect();
        let count_cols: Vec<usize> = table
            .columns
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| !c.starts_with("% "))
            .map(|(i, _)| i - 1)
            .collect();
        let series = count_cols
            .iter()
            .map(|&i| Series {
                name: table.columns[i + 1].clone(),
                values: data_rows
                    .iter()
                    .map(|r| r.cells.get(i).and_then(Cell::number))
                    .collect(),
            })
            .collect();
        Chart {
            id: format!("{}-chart", table.id),
            title: title.into(),
            description: format!(
                "Bar chart: {}. The figures are in the table \"{}\".",
                title, table.caption
            ),
            kind: ChartKind::Bar,
            categories: data_rows.iter().map(|r| r.header.clone()).collect(),
            series,
            unit: String::new(),
            table_id: table.id.clone(),
        }
    }

    /// A month-by-month table of one figure, this year beside last year.
    fn months(&self, id: &str, caption: &str, f: &dyn Fn(Fig, usize) -> Cell) -> Table {
        let keys: Vec<String> = self
            .this
            .m()
            .year
            .months()
            .iter()
            .map(|(y, m)| format!("{y}-{m:02}"))
            .collect();
        let rows = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut cells = vec![f(self.this, i)];
                if let Some(l) = self.last {
                    cells.push(f(l, i));
                }
                row(month_label(k), cells)
            })
            .collect();
        Table {
            id: id.into(),
            caption: caption.into(),
            columns: self.year_columns("Month"),
            rows,
        }
    }

    fn line_chart(&self, table: &Table, title: &str, unit: &str) -> Chart {
        Chart {
            id: format!("{}-chart", table.id),
            title: title.into(),
            description: format!(
                "Line chart by month, April to March: {}. The figures are in the table \"{}\".",
                title, table.caption
            ),
            kind: ChartKind::Line,
            categories: table
                .rows
                .iter()
                .filter(|r| !r.total)
                .map(|r| r.header.clone())
                .collect(),
            series: (0..table.columns.len() - 1)
                .map(|i| Series {
                    name: table.columns[i + 1].clone(),
                    values: table
                        .rows
                        .iter()
                        .filter(|r| !r.total)
                        .map(|r| r.cells.get(i).and_then(Cell::number))
                        .collect(),
                })
                .collect(),
            unit: unit.into(),
            table_id: table.id.clone(),
        }
    }
}

fn month_key(f: Fig, i: usize) -> Option<String> {
    f.m()
        .year
        .months()
        .get(i)
        .map(|(y, m)| format!("{y}-{m:02}"))
}

/// The council's target and the benchmarks beside a table of single
/// figures (this year's figure first in each row): for each row whose
/// measure (`ids`, one per row) has a target or a benchmark in the settings
/// (keyed by measure id, or by the id of an indicator of that measure in
/// the report's indicator list, the council's or else the default).
/// "Against target" says whether this year's figure meets it, for a
/// measure whose good direction the indicator list knows. Only the columns
/// that hold something are added.
fn with_comparators(mut t: Table, ids: &[Option<&str>], report: &AnnualReport) -> Table {
    use crate::performance::{PerformanceSettings, Polarity, Rag, against_target};
    let s = &report.settings;
    let default = PerformanceSettings::default();
    let perf = report.indicators.as_ref().unwrap_or(&default);
    let indicator = |id: &str| perf.indicators.iter().find(|i| i.value.measure() == id);
    let lookup = |id: &str| {
        let ind = indicator(id);
        let target = s
            .targets
            .get(id)
            .or_else(|| ind.and_then(|i| s.targets.get(&i.id)))
            .copied();
        let bench = s
            .benchmarks
            .get(id)
            .or_else(|| ind.and_then(|i| s.benchmarks.get(&i.id)))
            .cloned()
            .unwrap_or_default();
        let polarity = ind.map_or(Polarity::Info, |i| i.polarity);
        (target, bench, polarity)
    };
    let found: Vec<_> = ids.iter().map(|id| id.map(lookup)).collect();
    type Column = (
        &'static str,
        fn(&(Option<f64>, footprint_domain::measures::Benchmark, Polarity)) -> Option<f64>,
    );
    let columns: [Column; 6] = [
        ("Target", |x| x.0),
        ("Statistical neighbours", |x| x.1.statistical_neighbours),
        ("Best neighbour", |x| x.1.best_neighbour),
        ("England", |x| x.1.england),
        ("Region", |x| x.1.region),
        ("Top quartile", |x| x.1.top_quartile),
    ];
    for (name, get) in columns {
        if !found.iter().flatten().any(|x| get(x).is_some()) {
            continue;
        }
        t.columns.push(name.to_owned());
        for (r, x) in t.rows.iter_mut().zip(&found) {
            let v = x.as_ref().and_then(get);
            let percent = matches!(r.cells.first(), Some(Cell::Percent(_)));
            r.cells.push(match v {
                None => Cell::Blank,
                Some(v) if percent => Cell::Percent(Some(v)),
                Some(v) => Cell::Number(Some(v)),
            });
        }
        if name == "Target" {
            t.columns.push("Against target".to_owned());
            for (r, x) in t.rows.iter_mut().zip(&found) {
                let value = r.cells.first().and_then(Cell::number);
                let text = match (value, x) {
                    (Some(v), Some((Some(target), _, polarity))) => {
                        match against_target(v, *polarity, *target) {
                            Some(Rag::Green) => "met",
                            Some(_) => "not met",
                            None => "",
                        }
                    }
                    _ => "",
                };
                r.cells.push(if text.is_empty() {
                    Cell::Blank
                } else {
                    Cell::Text(text.into())
                });
            }
        }
    }
    let years: std::collections::BTreeSet<&str> = found
        .iter()
        .flatten()
        .filter_map(|x| x.1.year.as_deref())
        .collect();
    if !years.is_empty() {
        t.caption = format!(
            "{} (benchmarks: {})",
            t.caption,
            years.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    t
}

/// An average's value (days), hidden with its count.
fn average(f: Fig, id: &str) -> Cell {
    match f.m().get(id) {
        Some(Measure::Average(a)) => f.derived(id, &["count"], a.value()),
        _ => Cell::Blank,
    }
}

fn chart_and_table(blocks: &mut Vec<Block>, chart: Chart, table: Table) {
    blocks.push(Block::Chart(chart));
    blocks.push(Block::Table(table));
}

/// The manager's text for `slot`: from a words file first (it wins, as
/// `--settings` does), else as stored.
fn narrative(report: &AnnualReport, slot: &str) -> Option<String> {
    report
        .words
        .sections
        .get(slot)
        .filter(|t| !t.trim().is_empty())
        .cloned()
        .or_else(|| {
            report
                .narratives
                .iter()
                .find(|n| n.slot == slot && !n.text.trim().is_empty())
                .map(|n| n.text.clone())
        })
}

/// A text cell, "–" when empty.
fn text_cell(t: &str) -> Cell {
    if t.trim().is_empty() {
        Cell::Text("–".into())
    } else {
        Cell::Text(t.trim().to_owned())
    }
}

/// A date as the reports write it: "13 May 2022".
fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The committee's cover page (R20-T0) and the report's governance and
/// sign-off (Wok-T0), when the manager has written any of it: first, as a
/// committee's template puts them.
fn cover(report: &AnnualReport) -> Option<Section> {
    let w = &report.words;
    let c = &w.cover;
    if c.is_empty() && w.governance.is_empty() && narrative(report, "cover").is_none() {
        return None;
    }
    let mut blocks = Vec::new();
    let details: Vec<Row> = [
        ("Committee", c.committee.trim().to_owned()),
        (
            "Date of meeting",
            c.meeting_date.map(long_date).unwrap_or_default(),
        ),
        ("Author", c.author.trim().to_owned()),
        (
            "Key decision",
            c.key_decision
                .map(|k| if k { "Yes" } else { "No" }.to_owned())
                .unwrap_or_default(),
        ),
        ("Wards affected", c.wards.trim().to_owned()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(label, v)| row(label, vec![Cell::Text(v)]))
    .collect();
    if !details.is_empty() {
        blocks.push(Block::Table(Table {
            id: "cover".into(),
            caption: "The report".into(),
            columns: vec!["Item".into(), "Detail".into()],
            rows: details,
        }));
    }
    for (heading, text) in [
        ("Purpose of the report", &c.purpose),
        ("Recommendations", &c.recommendations),
        ("Appendices", &c.appendices),
    ] {
        if !text.trim().is_empty() {
            blocks.push(Block::Narrative {
                heading: heading.into(),
                text: text.trim().to_owned(),
            });
        }
    }
    if !w.governance.is_empty() {
        blocks.push(Block::Table(Table {
            id: "governance".into(),
            caption: "Governance and sign-off".into(),
            columns: vec!["Meeting".into(), "Date".into(), "Outcome".into()],
            rows: w
                .governance
                .iter()
                .map(|g| {
                    row(
                        g.meeting.trim(),
                        vec![
                            Cell::Text(g.date.map(long_date).unwrap_or_default()),
                            text_cell(&g.outcome),
                        ],
                    )
                })
                .collect(),
        }));
    }
    let title = if c.committee.trim().is_empty() {
        "Report to the committee".to_owned()
    } else {
        format!("Report to {}", c.committee.trim())
    };
    Some(section(report, "cover", &title, blocks))
}

/// Progress on last year's action plan (carried forward from last year's
/// plan for the year ahead), when there is any.
fn action_plan_progress(report: &AnnualReport) -> Option<Section> {
    let w = &report.words;
    if w.last_year_actions.is_empty() && narrative(report, "action-plan-progress").is_none() {
        return None;
    }
    let mut blocks = Vec::new();
    if !w.last_year_actions.is_empty() {
        let rows = w
            .last_year_actions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                row(
                    format!("{}. {}", i + 1, a.action.trim()),
                    vec![
                        text_cell(&a.target),
                        text_cell(&a.owner),
                        Cell::Text(
                            a.status
                                .map_or("Not yet reported", |s| s.label())
                                .to_owned(),
                        ),
                        text_cell(&a.progress),
                    ],
                )
            })
            .collect();
        blocks.push(Block::Table(Table {
            id: "action-plan-progress".into(),
            caption: format!(
                "Last year's action plan ({}) and progress",
                report
                    .last_year
                    .as_ref()
                    .map_or_else(String::new, |l| l.measures.year.to_string())
            ),
            columns: ["Action", "Target", "Owner", "Status", "Progress"]
                .map(String::from)
                .to_vec(),
            rows,
        }));
    }
    Some(section(
        report,
        "action-plan-progress",
        "Progress on last year's action plan",
        blocks,
    ))
}

/// The service's posts and FTE, with the total.
fn staffing_table(report: &AnnualReport) -> Option<Table> {
    let w = &report.words;
    if w.staffing.is_empty() {
        return None;
    }
    let mut rows: Vec<Row> = w
        .staffing
        .iter()
        .map(|p| row(p.post.trim(), vec![Cell::Number(Some(p.fte))]))
        .collect();
    rows.push(total_row(
        "All posts",
        vec![Cell::Number(Some(w.total_fte()))],
    ));
    Some(Table {
        id: "staffing".into(),
        caption: "Staffing and structure: posts and full-time equivalents".into(),
        columns: vec!["Post".into(), "FTE".into()],
        rows,
    })
}

/// "You said, we did" and feedback, when there is any.
fn feedback(report: &AnnualReport) -> Option<Section> {
    let w = &report.words;
    if w.you_said_we_did.is_empty()
        && w.feedback.is_empty()
        && narrative(report, "feedback").is_none()
    {
        return None;
    }
    let mut blocks = Vec::new();
    if !w.you_said_we_did.is_empty() {
        blocks.push(Block::Table(Table {
            id: "you-said-we-did".into(),
            caption: "You said, we did".into(),
            columns: vec!["You said".into(), "We did".into()],
            rows: w
                .you_said_we_did
                .iter()
                .map(|y| row(y.you_said.trim(), vec![text_cell(&y.we_did)]))
                .collect(),
        }));
    }
    for f in &w.feedback {
        blocks.push(Block::Narrative {
            heading: if f.from.trim().is_empty() {
                "Feedback".into()
            } else {
                format!("From {}", f.from.trim())
            },
            text: f.text.clone(),
        });
    }
    Some(section(
        report,
        "feedback",
        "What children, families and partners told us",
        blocks,
    ))
}

/// This year's action plan (the priorities for next year), when there is
/// any.
fn action_plan(report: &AnnualReport) -> Option<Section> {
    let w = &report.words;
    if w.next_year_actions.is_empty() && narrative(report, "action-plan").is_none() {
        return None;
    }
    let mut blocks = Vec::new();
    if !w.next_year_actions.is_empty() {
        blocks.push(Block::Table(Table {
            id: "action-plan".into(),
            caption: format!("Our action plan for {}", report.year().next()),
            columns: ["Action", "Target", "Owner"].map(String::from).to_vec(),
            rows: w
                .next_year_actions
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    row(
                        format!("{}. {}", i + 1, a.action.trim()),
                        vec![text_cell(&a.target), text_cell(&a.owner)],
                    )
                })
                .collect(),
        }));
    }
    Some(section(
        report,
        "action-plan",
        "Our action plan for next year",
        blocks,
    ))
}

fn section(report: &AnnualReport, id: &str, title: &str, mut blocks: Vec<Block>) -> Section {
    if let Some(text) = narrative(report, id) {
        blocks.insert(
            0,
            Block::Narrative {
                heading: String::new(),
                text,
            },
        );
    }
    Section {
        id: id.into(),
        title: title.into(),
        blocks,
    }
}

/// Builds the report model.
pub fn build(report: &AnnualReport) -> Report {
    let this = Fig {
        y: &report.this_year,
        drill: !report.publication,
    };
    let last = report.last_year.as_ref().map(|y| Fig { y, drill: false });
    let b = Builder {
        this,
        last,
        this_label: this.m().year.to_string(),
        last_label: last.map_or_else(String::new, |l| l.m().year.to_string()),
    };
    let s = &report.settings;
    let mut sections = Vec::new();
    sections.extend(cover(report));

    // Summary.
    let summary_ids = [
        Some("cla.start"),
        Some("cla.rate_per_10k.start"),
        Some("cla.end"),
        Some("cla.rate_per_10k.end"),
        Some("starts.periods"),
        Some("ceased.total"),
        Some("reviews.held"),
        Some("reviews.in_time_pct"),
        Some("participation.rate"),
        Some("stability.three_plus_pct"),
        Some("stability.long_term_pct"),
        Some("caseload.per_fte"),
        Some("challenges.raised"),
    ];
    let summary = b.figures(
        "summary",
        "Key figures",
        vec![
            ("Children in care at the start of the year", &|f| {
                f.cell("cla.start", &[])
            }),
            (
                "Rate per 10,000 children aged 0–17 at the start of the year",
                &|f| rate(f, "cla.rate_per_10k.start"),
            ),
            ("Children in care at the end of the year", &|f| {
                f.cell("cla.end", &[])
            }),
            ("Rate per 10,000 children aged 0–17", &|f| {
                rate(f, "cla.rate_per_10k.end")
            }),
            ("Periods of care started", &|f| {
                f.cell("starts.periods", &[])
            }),
            ("Periods of care ended", &|f| f.cell("ceased.total", &[])),
            ("Reviews held", &|f| f.cell("reviews.held", &[])),
            ("Reviews held in time", &|f| f.pct("reviews.in_time_pct")),
            ("Participation (aged 4 and over)", &|f| {
                f.pct("participation.rate")
            }),
            ("Children with 3 or more placements", &|f| {
                f.pct("stability.three_plus_pct")
            }),
            ("Long-term placement stability", &|f| {
                f.pct("stability.long_term_pct")
            }),
            ("Children per full-time IRO", &|f| per_fte(f)),
            ("Challenges raised", &|f| f.cell("challenges.raised", &[])),
        ],
    );
    let mut blocks = vec![Block::Table(with_comparators(
        summary,
        &summary_ids,
        report,
    ))];
    if let Some(t) = &report.trend
        && t.years.len() > 2
    {
        blocks.push(Block::Table(trend_table(t)));
    }
    for (slot, heading) in NARRATIVE_SLOTS {
        blocks.push(Block::Narrative {
            heading: heading.into(),
            text: narrative(report, slot)
                .unwrap_or_else(|| "(The service manager has not written this part yet.)".into()),
        });
    }
    sections.push(section(report, "summary", "Summary", blocks));
    sections.extend(action_plan_progress(report));

    // Service and caseloads.
    let mut blocks = Vec::new();
    if let Some(Measure::Caseload(loads)) = this.m().get("caseload.by_iro") {
        let rows = loads
            .iter()
            .map(|l| {
                row(
                    l.name.clone(),
                    vec![
                        Cell::Number(Some(l.fte)),
                        this.cell("caseload.by_iro", &[&l.iro]),
                        this.derived("caseload.by_iro", &[&l.iro], l.per_fte()),
                    ],
                )
            })
            .collect();
        blocks.push(Block::Table(Table {
            id: "caseload-by-iro".into(),
            caption: format!(
                "Children allocated to each IRO on 31 March {}",
                this.m().year.start_year() + 1
            ),
            columns: vec![
                "IRO".into(),
                "FTE".into(),
                "Children".into(),
                "Children per FTE".into(),
            ],
            rows,
        }));
    }
    blocks.push(Block::Text {
        text: format!(
            "The IRO Handbook suggests a caseload of {} to {} children per full-time IRO.",
            s.caseload_guideline.0, s.caseload_guideline.1
        ),
    });
    blocks.push(Block::Table(b.figures(
        "caseload",
        "Caseload",
        vec![
            ("Children in care on 31 March", &|f| {
                f.cell("caseload.per_fte", &["children"])
            }),
            ("Total IRO FTE", &|f| match f.m().get("caseload.per_fte") {
                Some(Measure::PerFte(p)) => Cell::Number(Some(p.fte)),
                _ => Cell::Blank,
            }),
            ("Children per full-time IRO", &|f| per_fte(f)),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "reviews-by-iro",
        "Reviews chaired by each IRO",
        "reviews.by_iro",
        Some(("reviews.held", "All reviews")),
        true,
    )));
    if let Some(t) = staffing_table(report) {
        blocks.push(Block::Table(t));
    }
    sections.push(section(
        report,
        "service",
        "The IRO service and caseloads",
        blocks,
    ));

    // Profile of children in care.
    let mut blocks = vec![Block::Table(b.figures(
        "cla",
        "Children in care",
        vec![
            ("On 31 March of the year before", &|f| {
                f.cell("cla.start", &[])
            }),
            (
                "Rate per 10,000 children aged 0–17 on 31 March of the year before",
                &|f| rate(f, "cla.rate_per_10k.start"),
            ),
            ("On 31 March", &|f| f.cell("cla.end", &[])),
            ("Rate per 10,000 children aged 0–17", &|f| {
                rate(f, "cla.rate_per_10k.end")
            }),
            ("Unaccompanied asylum-seeking children on 31 March", &|f| {
                f.cell("profile.end.uasc", &[])
            }),
            ("Periods of care started", &|f| {
                f.cell("starts.periods", &[])
            }),
            ("Children who started to be looked after", &|f| {
                f.cell("starts.children", &[])
            }),
            (
                "Children who started to be looked after per 10,000 children aged 0–17",
                &|f| rate(f, "starts.rate_per_10k"),
            ),
            ("Periods of care ended", &|f| f.cell("ceased.total", &[])),
        ],
    ))];
    blocks.push(Block::Note {
        text: population_note(this.m(), last.map(|l| l.m())),
    });
    let t = b.months(
        "cla-by-month",
        "Children in care at the end of each month",
        &|f, i| {
            month_key(f, i).map_or(Cell::Blank, |k| {
                f.cell("cla.by_month", &[&k, "looked_after"])
            })
        },
    );
    chart_and_table(
        &mut blocks,
        b.line_chart(&t, "Children in care at the end of each month", ""),
        t,
    );
    // The rate by month, when a population is entered for either year.
    let by_month_rate = "cla.rate_per_10k.by_month";
    if this.m().get(by_month_rate).is_some()
        || last.is_some_and(|l| l.m().get(by_month_rate).is_some())
    {
        let caption = "Children in care per 10,000 children aged 0–17 at the end of each month";
        let t = b.months("cla-rate-by-month", caption, &|f, i| {
            month_key(f, i).map_or(Cell::Blank, |k| month_rate(f, by_month_rate, &k))
        });
        chart_and_table(&mut blocks, b.line_chart(&t, caption, ""), t);
    }
    for (id, caption, measure, key) in [
        (
            "section20-by-month",
            "Children in care under section 20 (legal status V2) at the end of each month",
            "profile.section20.by_month",
            "section_20",
        ),
        (
            "uasc-by-month",
            "Unaccompanied asylum-seeking children in care at the end of each month",
            "profile.uasc.by_month",
            "uasc",
        ),
    ] {
        blocks.push(Block::Table(b.months(id, caption, &|f, i| {
            month_key(f, i).map_or(Cell::Blank, |k| f.cell(measure, &[&k, key]))
        })));
    }
    blocks.push(Block::Table(sex_by_quarter(this)));
    let t = starts_ceased_by_month(&b);
    chart_and_table(
        &mut blocks,
        b.line_chart(&t, "Periods of care started and ended, by month", ""),
        t,
    );
    let t = b.breakdown(
        "starts-by-age",
        "Age when the period of care started",
        "starts.by_age_band",
        Some(("starts.periods", "All periods started")),
        false,
    );
    chart_and_table(
        &mut blocks,
        b.bar_chart(&t, "Age when the period of care started"),
        t,
    );
    blocks.push(Block::Table(b.breakdown(
        "starts-by-legal-status",
        "Legal status when the period of care started",
        "starts.by_legal_status",
        Some(("starts.periods", "All periods started")),
        true,
    )));
    blocks.push(Block::Table(starts_by_placement(&b)));
    blocks.push(Block::Table(quarter_grid(
        this,
        "starts-by-quarter-age",
        "Periods of care started in each quarter, by age when they started",
        "starts.by_quarter_age_band",
        Some(("starts.by_age_band", "All quarters")),
    )));
    blocks.push(Block::Table(quarter_grid(
        this,
        "starts-by-quarter-legal-status",
        "Periods of care started in each quarter, by legal status",
        "starts.by_quarter_legal_status",
        Some(("starts.by_legal_status", "All quarters")),
    )));
    blocks.push(Block::Table(quarter_grid(
        this,
        "ceased-by-quarter",
        "Why periods of care ended, by quarter",
        "ceased.by_quarter_group",
        None,
    )));
    blocks.push(Block::Table(b.breakdown(
        "ceased-by-reason",
        "Why periods of care ended",
        "ceased.by_reason",
        Some(("ceased.total", "All periods ended")),
        true,
    )));
    let t = age_sex_table(this);
    chart_and_table(
        &mut blocks,
        b.bar_chart(&t, "Children in care on 31 March by age and sex"),
        t,
    );
    blocks.push(Block::Table(b.breakdown(
        "profile-age",
        "Age of children in care on 31 March, this year beside last year",
        "profile.end.by_age_band",
        Some(("cla.end", "All children in care")),
        false,
    )));
    blocks.push(Block::Table(b.breakdown(
        "profile-legal-status",
        "Legal status of children in care on 31 March",
        "profile.end.by_legal_status",
        Some(("cla.end", "All children in care")),
        true,
    )));
    blocks.push(Block::Table(b.breakdown(
        "profile-placement",
        "Placement of children in care on 31 March",
        "profile.end.by_placement",
        Some(("cla.end", "All children in care")),
        true,
    )));
    let mut groups = b.breakdown(
        "profile-ethnic-group",
        "Children in care on 31 March by census ethnic group, beside the group's share of the council's children aged 0–17 where the settings hold it",
        "profile.end.by_ethnic_group",
        Some(("cla.end", "All children in care")),
        false,
    );
    for (r, g) in groups
        .rows
        .iter_mut()
        .zip(footprint_domain::codes::EthnicGroup::ALL)
    {
        r.header = g.label().to_owned();
    }
    if !s.ethnic_population_shares.is_empty() {
        groups.columns.push("% of children aged 0–17".to_owned());
        for (r, g) in groups.rows.iter_mut().zip(
            footprint_domain::codes::EthnicGroup::ALL
                .map(Some)
                .into_iter()
                .chain([None]),
        ) {
            let share = g.and_then(|g| s.ethnic_population_shares.get(g.key()));
            r.cells.push(match share {
                Some(v) => Cell::Percent(Some(*v)),
                None => Cell::Blank,
            });
        }
    }
    blocks.push(Block::Table(groups));
    let mut bme = b.breakdown(
        "profile-bme",
        "Black and minority ethnic (BME) children in care on 31 March: every ethnicity other than White British, with those whose ethnicity is not recorded apart",
        "profile.end.bme",
        Some(("cla.end", "All children in care")),
        false,
    );
    for (r, label) in bme.rows.iter_mut().zip(BME_LABELS) {
        r.header = label.to_owned();
    }
    // Not recorded: the census groups' not known, apart from both.
    if bme.rows.len() == 3 {
        let groups = "profile.end.by_ethnic_group";
        let mut cells = Vec::new();
        for y in std::iter::once(this).chain(last) {
            cells.push(y.cell(groups, &["not_known"]));
            cells.push(y.share((groups, &["not_known"]), ("cla.end", &[])));
        }
        bme.rows.insert(2, row(BME_NOT_RECORDED, cells));
    }
    if let Some(share) = s.ethnic_population_shares.get("bme") {
        bme.columns.push("% of children aged 0–17".to_owned());
        for (i, r) in bme.rows.iter_mut().enumerate() {
            r.cells.push(if i == 1 {
                Cell::Percent(Some(*share))
            } else {
                Cell::Blank
            });
        }
    }
    blocks.push(Block::Table(bme));
    blocks.push(Block::Table(b.breakdown(
        "profile-ethnicity",
        "Ethnicity of children in care on 31 March",
        "profile.end.by_ethnicity",
        Some(("cla.end", "All children in care")),
        true,
    )));
    blocks.push(Block::Table(b.breakdown(
        "profile-provider",
        "Placement provider of children in care on 31 March",
        "placements.end.by_provider",
        Some(("cla.end", "All children in care")),
        false,
    )));
    if let Some(turning) = this.m().breakdown("projection.turning_18") {
        let rows = turning
            .keys()
            .map(|y| {
                row(
                    format!("Turn 18 in {y}"),
                    vec![this.cell("projection.turning_18", &[y])],
                )
            })
            .collect();
        blocks.push(Block::Table(Table {
            id: "projection-turning-18".into(),
            caption: format!(
                "Children in care on {} who will turn 18 (leaving care) in each of the next three years",
                this.m().period.last.format("%-d %B %Y")
            ),
            columns: vec!["Year to 31 March".into(), "Children".into()],
            rows,
        }));
    }
    sections.push(section(
        report,
        "profile",
        "Profile of children in care",
        blocks,
    ));

    // Reviews and timeliness.
    let mut blocks = vec![Block::Table(b.figures(
        "reviews",
        "Reviews",
        vec![
            ("Reviews held", &|f| f.cell("reviews.held", &[])),
            ("Held in time", &|f| f.cell("reviews.in_time", &[])),
            ("Held late", &|f| f.cell("reviews.late", &[])),
            ("Timeliness not known (before the data held)", &|f| {
                f.cell("reviews.timeliness_unknown", &[])
            }),
            ("% in time", &|f| f.pct("reviews.in_time_pct")),
            ("Children reviewed", &|f| f.cell("reviews.children", &[])),
            ("Children with a review overdue on 31 March", &|f| {
                f.cell("reviews.overdue.end", &[])
            }),
            ("Reviews outside any period of care (data errors)", &|f| {
                f.cell("reviews.unmatched", &[])
            }),
        ],
    ))];
    let month_rows: Vec<Row> = (0..12)
        .filter_map(|i| {
            let k = month_key(this, i)?;
            let c = |col: &str| this.cell("reviews.by_month", &[&k, col]);
            let hidden = ["in_time", "late"]
                .iter()
                .any(|col| this.y.is_hidden("reviews.by_month", &[&k, col]));
            let pct = if hidden {
                Cell::Hidden
            } else {
                let v = |col: &str| this.value("reviews.by_month", &[&k, col]).unwrap_or(0);
                Cell::Percent(percent(v("in_time"), v("in_time") + v("late")))
            };
            Some(row(
                month_label(&k),
                vec![c("held"), c("in_time"), c("late"), c("unknown"), pct],
            ))
        })
        .collect();
    let mut month_rows = month_rows;
    month_rows.push(total_row(
        "All months",
        vec![
            this.cell("reviews.held", &[]),
            this.cell("reviews.in_time", &[]),
            this.cell("reviews.late", &[]),
            this.cell("reviews.timeliness_unknown", &[]),
            this.pct("reviews.in_time_pct"),
        ],
    ));
    let t = Table {
        id: "reviews-by-month".into(),
        caption: format!("Reviews by month, {}", b.this_label),
        columns: ["Month", "Held", "In time", "Late", "Not known", "% in time"]
            .map(String::from)
            .to_vec(),
        rows: month_rows,
    };
    let chart = Chart {
        id: "reviews-by-month-chart".into(),
        title: "Reviews held and in time, by month".into(),
        description: "Line chart by month, April to March, of reviews held and reviews held in time. The figures are in the table that follows.".into(),
        kind: ChartKind::Line,
        categories: t
            .rows
            .iter()
            .filter(|r| !r.total)
            .map(|r| r.header.clone())
            .collect(),
        series: vec![
            Series {
                name: "Held".into(),
                values: t
                    .rows
                    .iter()
                    .filter(|r| !r.total)
                    .map(|r| r.cells[0].number())
                    .collect(),
            },
            Series {
                name: "In time".into(),
                values: t
                    .rows
                    .iter()
                    .filter(|r| !r.total)
                    .map(|r| r.cells[1].number())
                    .collect(),
            },
        ],
        unit: String::new(),
        table_id: t.id.clone(),
    };
    chart_and_table(&mut blocks, chart, t);
    blocks.push(Block::Table(b.breakdown(
        "late-by-reason",
        "Reasons reviews were held late",
        "reviews.late_by_reason",
        Some(("reviews.late", "All reviews held late")),
        false,
    )));
    let rec_target = s.record_local_target_working_days;
    blocks.push(Block::Table(b.breakdown(
        "sw-report",
        "When the social worker's report reached the IRO",
        "reviews.sw_report",
        Some(("reviews.held", "All reviews")),
        false,
    )));
    let records = b.figures(
        "records",
        &format!(
            "Decisions issued within {} working days; records circulated within {} (and {}) working days",
            s.decisions_working_days, s.record_working_days, rec_target
        ),
        vec![
            ("Decisions issued in time", &|f| f.pct("reviews.decisions_in_time_pct")),
            ("Record circulated within the timescale", &|f| f.pct("reviews.record_in_time_pct")),
            ("Record circulated within the local target", &|f| {
                f.pct("reviews.record_in_local_target_pct")
            }),
            ("Decisions not recorded", &|f| {
                f.cell("reviews.decisions_in_time", &["not_recorded"])
            }),
            ("Records not recorded", &|f| f.cell("reviews.record_in_time", &["not_recorded"])),
        ],
    );
    blocks.push(Block::Table(with_comparators(
        records,
        &[
            Some("reviews.decisions_in_time_pct"),
            Some("reviews.record_in_time_pct"),
            Some("reviews.record_in_local_target_pct"),
            None,
            None,
        ],
        report,
    )));
    blocks.push(Block::Table(admin_by_quarter(this, s)));
    blocks.push(Block::Table(b.breakdown(
        "records-outstanding",
        "Records of reviews held in the year still to be circulated on its last day, by how late",
        "reviews.record_outstanding.end.by_lateness",
        Some(("reviews.record_outstanding.end", "All records outstanding")),
        false,
    )));
    sections.push(section(report, "reviews", "Reviews and timeliness", blocks));

    // Participation.
    let mut blocks = Vec::new();
    let t = b.breakdown(
        "participation",
        "How children took part in their reviews (903 participation codes)",
        "participation.by_code",
        Some(("reviews.held", "All reviews")),
        false,
    );
    chart_and_table(
        &mut blocks,
        b.bar_chart(&t, "How children took part in their reviews"),
        t,
    );
    let quarters: Vec<Row> = ["Q1", "Q2", "Q3", "Q4"]
        .iter()
        .map(|q| {
            let keys: Vec<String> = this
                .m()
                .breakdown("participation.by_code")
                .map(|b| b.keys().map(String::from).collect())
                .unwrap_or_default();
            row(
                *q,
                keys.iter()
                    .map(|k| this.cell("participation.by_quarter", &[q, k]))
                    .collect(),
            )
        })
        .collect();
    let mut cols = vec!["Quarter".to_owned()];
    if let Some(bd) = this.m().breakdown("participation.by_code") {
        cols.extend(bd.keys().map(String::from));
    }
    blocks.push(Block::Table(Table {
        id: "participation-by-quarter".into(),
        caption: format!("Participation codes by quarter, {}", b.this_label),
        columns: cols,
        rows: quarters,
    }));
    blocks.push(Block::Table(participation_pct_by_quarter(this)));
    blocks.push(Block::Table(b.figures(
        "participation-rates",
        "Participation of children aged 4 and over",
        vec![
            ("Participated (PN1–PN6 of PN1–PN7)", &|f| {
                f.pct("participation.rate")
            }),
            ("Attended (PN1–PN4)", &|f| {
                f.cell("participation.attended", &[])
            }),
            ("Spoke for themselves (PN1)", &|f| {
                f.cell("participation.spoke_for_self", &[])
            }),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "participation-last-review",
        "Children in care on 31 March by how they took part in their last review (in their current period of care)",
        "participation.children_last_review",
        Some(("cla.end", "All children in care on 31 March")),
        false,
    )));
    blocks.extend(views_and_advocacy(&b));
    sections.push(section(report, "participation", "Participation", blocks));

    // Quality assurance.
    let mut blocks = Vec::new();
    blocks.push(Block::Table(b.figures(
        "footprint",
        "The IRO's footprint between reviews",
        vec![
            (
                "Midway checks done (where the next review was more than 3 months away)",
                &|f| f.pct("midway.done_pct"),
            ),
            (
                "Children aged 4+ seen or spoken to by the IRO before their review",
                &|f| f.pct("visits.before_review_pct"),
            ),
            ("Children in care 12 months or more on the last day", &|f| {
                f.cell("visits.cohort_12_months", &[])
            }),
            (
                "… not seen in person by their IRO in the last 12 months",
                &|f| f.cell("visits.children_not_seen_12_months", &[]),
            ),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "visits-by-kind",
        "The IRO's visits and conversations with children, by kind",
        "visits.by_kind",
        Some(("visits.held", "All visits and conversations")),
        false,
    )));
    blocks.push(Block::Table(b.breakdown(
        "attendance",
        "Who attended reviews (share of all reviews)",
        "reviews.attendance_by_role",
        Some(("reviews.held", "All reviews")),
        false,
    )));
    blocks.push(Block::Table(b.figures(
        "quality-completion",
        "Reviews with a quality and compliance assessment",
        vec![
            ("Reviews held", &|f| f.cell("reviews.held", &[])),
            ("… with a quality and compliance grade recorded", &|f| {
                f.cell("quality.completion_pct", &["numerator"])
            }),
            ("% of reviews assessed", &|f| {
                f.pct("quality.completion_pct")
            }),
        ],
    )));
    let t = b.breakdown(
        "quality",
        "Quality and compliance grades of reviews",
        "quality.by_grade",
        None,
        false,
    );
    chart_and_table(
        &mut blocks,
        b.bar_chart(&t, "Quality and compliance grades of reviews"),
        t,
    );
    blocks.push(Block::Table(b.breakdown_of(
        "inadequate-by-reason",
        "Reasons reviews were graded inadequate",
        "quality.inadequate_by_reason",
        Some((
            ("quality.by_grade", &["inadequate"]),
            "All reviews graded inadequate",
        )),
        false,
    )));
    blocks.extend(case_file_audits(&b));
    sections.push(section(report, "quality", "Quality assurance", blocks));

    // Challenges.
    let mut blocks = vec![Block::Table(b.figures(
        "challenges",
        "Challenges raised through the dispute resolution process",
        vec![
            ("Raised", &|f| f.cell("challenges.raised", &[])),
            ("Resolved by 31 March", &|f| {
                f.cell("challenges.resolved", &[])
            }),
            ("Resolved with every stage answered in time", &|f| {
                f.cell("challenges.resolved_in_timescale", &[])
            }),
            ("Open on 31 March (raised in any year)", &|f| {
                f.cell("challenges.open.end", &[])
            }),
        ],
    ))];
    blocks.push(Block::Table(b.breakdown(
        "challenges-by-stage",
        "Challenges by the stage they reached",
        "challenges.by_stage",
        Some(("challenges.raised", "All challenges")),
        false,
    )));
    blocks.push(Block::Table(b.breakdown(
        "challenges-by-theme",
        "Challenges by theme (a challenge can have several)",
        "challenges.by_theme",
        None,
        false,
    )));
    blocks.push(Block::Table(b.formal_by_theme()));
    blocks.push(Block::Table(Table {
        id: "challenges-by-quarter".into(),
        caption: "Challenges raised by quarter".into(),
        columns: b.year_columns("Quarter"),
        rows: ["Q1", "Q2", "Q3", "Q4"]
            .iter()
            .map(|q| b.both(q, &|f| f.cell("challenges.by_quarter", &[q, "raised"])))
            .collect(),
    }));
    let o = "challenges.by_quarter_outcome";
    let mut outcome_rows: Vec<Row> = ["Q1", "Q2", "Q3", "Q4"]
        .iter()
        .map(|q| {
            row(
                *q,
                footprint_domain::measures::CHALLENGE_OUTCOME_KEYS
                    .iter()
                    .map(|k| this.cell(o, &[q, k]))
                    .collect(),
            )
        })
        .collect();
    // The year's own counts where a measure holds them (raised; informal
    // and no stage from the stage reached), else blank.
    let first_stage = s.challenge_stages.first().cloned().unwrap_or_default();
    outcome_rows.push(total_row(
        "The year",
        vec![
            this.cell("challenges.raised", &[]),
            this.cell("challenges.by_stage", &[&first_stage]),
            Cell::Blank,
            this.cell("challenges.by_stage", &["none"]),
            Cell::Blank,
            Cell::Blank,
        ],
    ));
    blocks.push(Block::Table(Table {
        id: "challenges-by-quarter-outcome".into(),
        caption: format!(
            "{}: challenges raised in each quarter, informal or formal, resolved at their first stage or escalated",
            this.m().year
        ),
        columns: vec![
            "Quarter".to_owned(),
            "Raised".to_owned(),
            "Informal".to_owned(),
            "Formal".to_owned(),
            "No stage recorded".to_owned(),
            "Resolved without escalation".to_owned(),
            "Escalated".to_owned(),
        ],
        rows: outcome_rows,
    }));
    sections.push(section(
        report,
        "challenges",
        "Challenges and dispute resolution",
        blocks,
    ));

    // Stability.
    let blocks = vec![Block::Table(b.figures(
        "stability",
        "Placement stability",
        vec![
            (
                "Children in care on 31 March with 3 or more placements in the year",
                &|f| f.cell("stability.three_plus", &[]),
            ),
            ("… as a % of children in care on 31 March", &|f| {
                f.pct("stability.three_plus_pct")
            }),
            ("Children under 16 in care for 2½ years or more", &|f| {
                f.cell("stability.long_term_cohort", &[])
            }),
            (
                "… of whom in the same placement for 2 years (or placed for adoption)",
                &|f| f.cell("stability.long_term", &[]),
            ),
            ("Long-term stability %", &|f| {
                f.pct("stability.long_term_pct")
            }),
        ],
    ))];
    let mut blocks = blocks;
    blocks.push(Block::Table(b.figures(
        "placements",
        "Placements that started in the year",
        vec![
            ("Placements started", &|f| f.cell("placements.new", &[])),
            (
                "… of which moves from an earlier placement of the same period of care",
                &|f| f.cell("placements.moves", &[]),
            ),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "placement-moves-by-reason",
        "Why children moved placement (the reason recorded for the change)",
        "placements.moves_by_reason",
        Some(("placements.moves", "All moves")),
        false,
    )));
    blocks.push(Block::Table(b.placements_by_distance()));
    if b.this.m().get("placements.end.out_of_area").is_none() {
        blocks.push(Block::Note {
            text: "Placements in and out of the council's area are not shown: the council's local authority code has not been entered in the settings.".into(),
        });
    }
    if b.this.m().get("placements.end.out_of_area").is_some() {
        blocks.push(Block::Table(b.figures(
            "placements-out-of-area",
            "Children in care on 31 March placed in and out of the council's area (from the placement postcode, as the DfE derives it)",
            vec![
                ("Placed in the council's area", &|f| {
                    f.cell("placements.end.out_of_area", &["in_area", "children"])
                }),
                ("Placed out of the council's area", &|f| {
                    f.cell("placements.end.out_of_area", &["out_of_area", "children"])
                }),
                ("… of whom more than 100 miles from home", &|f| {
                    f.cell("placements.end.out_of_area", &["out_of_area", "over_100_miles"])
                }),
                ("Not known (no placement postcode the ONS directory places)", &|f| {
                    f.cell("placements.end.out_of_area", &["not_known", "children"])
                }),
                ("All children in care on 31 March", &|f| {
                    f.cell("placements.end.out_of_area", &["all", "children"])
                }),
            ],
        )));
    }
    if b.this.m().get("placements.end.unregistered").is_some() {
        blocks.push(Block::Table(b.figures(
            "placements-unregistered",
            "Children in placements the council marks as unregistered (the placement types of its monthly-review policy)",
            vec![
                ("In an unregistered placement on 31 March", &|f| {
                    f.cell("placements.end.unregistered", &[])
                }),
                ("In an unregistered placement at any time in the year", &|f| {
                    f.cell("placements.unregistered.children", &[])
                }),
                ("All children in care on 31 March", &|f| {
                    f.cell("cla.end", &[])
                }),
            ],
        )));
    } else {
        blocks.push(Block::Note {
            text: "Children in unregistered placements are not shown: no placement type is marked as unregistered in the settings (review_policy.unregistered_placements).".into(),
        });
    }
    sections.push(section(report, "stability", "Placement stability", blocks));

    // Adoption.
    let blocks = vec![Block::Table(b.figures(
        "adoption",
        "Adoption",
        vec![
            ("Children adopted (periods ended E11 or E12)", &|f| {
                f.cell("adoption.adopted", &[])
            }),
            ("Placed for adoption (A3–A6) on 31 March", &|f| {
                f.cell("adoption.placed.end", &[])
            }),
            (
                "Average days from entering care to the adoptive placement (adopted children)",
                &|f| match f.m().get("adoption.days_to_placement") {
                    Some(Measure::Average(a)) => {
                        f.derived("adoption.days_to_placement", &["count"], a.value())
                    }
                    _ => Cell::Blank,
                },
            ),
        ],
    ))];
    // The DfE adoption scorecard, with the council's thresholds.
    let t = s.adoption_thresholds;
    let a10_within = format!("A10: of them, moved in within {} days", t.a10_days);
    let a2_within = format!("A2: of them, matched within {} days", t.a2_days);
    let mut rows: Vec<(&str, Read, Option<&str>)> = vec![
        (
            "A10: average days from entering care to moving in with the adoptive family",
            &|f| average(f, "adoption.a10"),
            Some("adoption.a10"),
        ),
        (
            "A10: children counted",
            &|f| f.cell("adoption.a10", &["count"]),
            None,
        ),
        (
            &a10_within,
            &|f| f.pct("adoption.a10_within_threshold"),
            Some("adoption.a10_within_threshold"),
        ),
    ];
    // The DfE's three-year averages (the year and the two before it),
    // when the report computed the years before.
    let three_years = b.this.m().get("adoption.a10_three_year").is_some();
    let a10_three_within = format!("A10 over three years: moved in within {} days", t.a10_days);
    let a2_three_within = format!("A2 over three years: matched within {} days", t.a2_days);
    if three_years {
        rows.extend::<[(&str, Read, Option<&str>); 3]>([
            (
                "A10: three-year average (the year and the two before it), days",
                &|f| average(f, "adoption.a10_three_year"),
                Some("adoption.a10_three_year"),
            ),
            (
                "A10 over three years: children counted",
                &|f| f.cell("adoption.a10_three_year", &["count"]),
                None,
            ),
            (
                &a10_three_within,
                &|f| f.pct("adoption.a10_three_year_within_threshold"),
                Some("adoption.a10_three_year_within_threshold"),
            ),
        ]);
    }
    rows.extend::<[(&str, Read, Option<&str>); 3]>([
        (
            "A2: average days from the court's authority to place to the match",
            &|f| average(f, "adoption.a2"),
            Some("adoption.a2"),
        ),
        (
            "A2: children counted",
            &|f| f.cell("adoption.a2", &["count"]),
            None,
        ),
        (
            &a2_within,
            &|f| f.pct("adoption.a2_within_threshold"),
            Some("adoption.a2_within_threshold"),
        ),
    ]);
    if three_years {
        rows.extend::<[(&str, Read, Option<&str>); 3]>([
            (
                "A2: three-year average (the year and the two before it), days",
                &|f| average(f, "adoption.a2_three_year"),
                Some("adoption.a2_three_year"),
            ),
            (
                "A2 over three years: children counted",
                &|f| f.cell("adoption.a2_three_year", &["count"]),
                None,
            ),
            (
                &a2_three_within,
                &|f| f.pct("adoption.a2_three_year_within_threshold"),
                Some("adoption.a2_three_year_within_threshold"),
            ),
        ]);
    }
    rows.push((
        "Adopted within 12 months of the decision that they should be placed for adoption",
        &|f| f.pct("adoption.within_12_months_of_shobpa"),
        Some("adoption.within_12_months_of_shobpa"),
    ));
    let ids: Vec<Option<&str>> = rows.iter().map(|r| r.2).collect();
    let scorecard = b.figures(
        "adoption-scorecard",
        "The adoption scorecard (children adopted in the year; the DfE's three-year averages over the year and the two before it)",
        rows.iter().map(|r| (r.0, r.1)).collect(),
    );
    let mut blocks = blocks;
    blocks.push(Block::Table(with_comparators(scorecard, &ids, report)));
    sections.push(section(report, "adoption", "Adoption", blocks));

    // Care leavers (903 OC3).
    let leavers = b.figures(
        "care-leavers",
        "Care leavers aged 17 to 21 (903 OC3, their birthday in the year)",
        vec![
            ("Care leavers", &|f| f.cell("care_leavers.count", &[])),
            (
                "In suitable accommodation (of those with it recorded)",
                &|f| f.pct("care_leavers.suitable_accommodation_pct"),
            ),
            (
                "In education, employment or training (of those with it recorded)",
                &|f| f.pct("care_leavers.eet_pct"),
            ),
            ("Former unaccompanied asylum-seeking children", &|f| {
                f.cell("care_leavers.former_uasc", &[])
            }),
        ],
    );
    let blocks = vec![
        Block::Table(with_comparators(
            leavers,
            &[
                Some("care_leavers.count"),
                Some("care_leavers.suitable_accommodation_pct"),
                Some("care_leavers.eet_pct"),
                Some("care_leavers.former_uasc"),
            ],
            report,
        )),
        Block::Table(b.breakdown(
            "care-leavers-in-touch",
            "Care leavers by whether the council is in touch",
            "care_leavers.in_touch",
            Some(("care_leavers.count", "All care leavers")),
            false,
        )),
    ];
    sections.push(section(report, "care-leavers", "Care leavers", blocks));

    // Missing.
    let blocks = vec![Block::Table(b.figures(
        "missing",
        "Children missing or away from placement",
        vec![
            ("Missing episodes that began in the year", &|f| {
                f.cell("missing.episodes", &[])
            }),
            ("Children missing at least once", &|f| {
                f.cell("missing.children", &[])
            }),
            ("Children missing 3 or more times", &|f| {
                f.cell("missing.children_three_plus", &[])
            }),
            ("Episodes away from placement without authorisation", &|f| {
                f.cell("away.episodes", &[])
            }),
            ("Children away at least once", &|f| {
                f.cell("away.children", &[])
            }),
        ],
    ))];
    sections.push(section(report, "missing", "Missing from care", blocks));

    sections.push(section(
        report,
        "health",
        "Health and education",
        health(&b),
    ));

    sections.push(section(
        report,
        "other-meetings",
        "Other meetings",
        other_meetings(&b),
    ));

    sections.push(section(
        report,
        "short-breaks",
        "Short breaks",
        vec![Block::Table(b.figures(
            "short-breaks",
            "Children receiving only short breaks (legal status V3/V4), not counted as looked after",
            vec![("Children", &|f| f.cell("short_breaks.children", &[]))],
        )),
        Block::Table(Table {
            id: "short-breaks-by-quarter".into(),
            caption: "Children with a short break (V3/V4) in each quarter, including children also looked after".into(),
            columns: b.year_columns("Quarter"),
            rows: ["Q1", "Q2", "Q3", "Q4"]
                .iter()
                .map(|q| b.both(q, &|f| f.cell("profile.short_breaks.by_quarter", &[q])))
                .collect(),
        })],
    ));

    sections.extend(feedback(report));
    sections.extend(action_plan(report));

    if !report.publication {
        let m = this.m();
        let mut blocks = vec![Block::Text {
            text: format!(
                "{} review(s) dated in the year fall in no period of care and are excluded from every figure; {} problem(s) were found in how episodes chain into periods of care or in working out review schedules. Correct them in the source records; the children concerned are listed in report.json.",
                m.unmatched_reviews.len(),
                m.problems.len()
            ),
        }];
        if !m.unmatched_reviews.is_empty() {
            blocks.push(Block::Table(Table {
                id: "unmatched-reviews".into(),
                caption: "Reviews outside any period of care".into(),
                columns: vec!["Child".into(), "Review date".into()],
                rows: m
                    .unmatched_reviews
                    .iter()
                    .map(|u| {
                        row(
                            u.child.to_string(),
                            vec![Cell::Text(u.date.format("%d/%m/%Y").to_string())],
                        )
                    })
                    .collect(),
            }));
        }
        sections.push(section(report, "data-quality", "Data quality", blocks));
    }

    // How the figures were counted.
    let policy = &s.review_policy;
    let counting = match policy.counting {
        IntervalCounting::CalendarMonths => "3 and 6 calendar months (the statute)".to_owned(),
        IntervalCounting::FixedDays { second, later } => {
            format!("{second} and {later} days (a local convention)")
        }
    };
    let first = match policy.first_review {
        Within::WorkingDays(n) => format!("{n} working days"),
        Within::CalendarDays(n) => format!("{n} days"),
    };
    let mut rows = vec![
        row("Reporting year", vec![Cell::Text(b.this_label.clone())]),
        row("First review due within", vec![Cell::Text(first)]),
        row("Later reviews due within", vec![Cell::Text(counting)]),
        row(
            "Reviews known from",
            vec![Cell::Text(s.data_held_from.map_or_else(
                || "the dataset's own date, if any".into(),
                |d| d.format("%d/%m/%Y").to_string(),
            ))],
        ),
        row("0–17 population", vec![Cell::Text(population_setting(s))]),
        row(
            "The council's local authority code (its area, for placements out of area)",
            vec![Cell::Text(
                s.local_authority_code
                    .clone()
                    .unwrap_or_else(|| "not entered".into()),
            )],
        ),
        row(
            "Local target for circulating the record",
            vec![Cell::Text(format!("{rec_target} working days"))],
        ),
        row(
            "Publication mode",
            vec![Cell::Text(if report.publication {
                "yes: counts from 1 to 5 are shown as c, with further cells hidden so that none can be worked out from anything the report shows (checked before the report was written); no child-level detail".into()
            } else {
                "no: internal report with exact counts".into()
            })],
        ),
    ];
    for (id, target) in &s.targets {
        rows.push(row(
            format!("Local target: {id}"),
            vec![Cell::Number(Some(*target))],
        ));
    }
    sections.push(section(
        report,
        "method",
        "How the figures were counted",
        vec![
            Block::Text {
                text: "Every figure follows the definitions in Footprint's measures.md. Children receiving only short breaks are not counted as looked after; a child whose care ended on 31 March is not counted as in care on 31 March; percentages are worked out from the counts beside them and shown to one decimal place, with \"–\" where there is nothing to divide by.".into(),
            },
            Block::Table(Table {
                id: "settings".into(),
                caption: "Settings used".into(),
                columns: vec!["Setting".into(), "Value".into()],
                rows,
            }),
        ],
    ));

    let title = match &report.council {
        Some(c) => format!("{c}: Independent Reviewing Officer annual report"),
        None => "Independent Reviewing Officer annual report".to_owned(),
    };
    Report {
        council: report.council.clone(),
        title,
        subtitle: match this.m().to_date {
            // A year not yet over: the figures run to the report date.
            // The tables' "on 31 March" and "end of the year" labels are
            // the year's; for a year to date they mean the report date.
            Some(_) => format!(
                "1 April {start} to {day} (year to date): for {year}, \"on 31 March\" and \"at the end of the year\" mean {day}",
                start = this.m().year.start_year(),
                day = this.m().period.last.format("%-d %B %Y"),
                year = this.m().year,
            ),
            None => format!(
                "1 April {} to 31 March {}",
                this.m().year.start_year(),
                this.m().year.start_year() + 1
            ),
        },
        year: b.this_label.clone(),
        previous_year: last.map(|l| l.m().year.to_string()),
        publication: report.publication,
        sections,
    }
}

/// The five-year trend: a row per headline measure, a column per year held.
fn trend_table(t: &crate::trend::Trend) -> Table {
    let mut columns = vec!["Measure".to_owned()];
    columns.extend(t.years.iter().cloned());
    Table {
        id: "trend".into(),
        caption: format!(
            "Trends over {} years, {} to {}",
            t.years.len(),
            t.years.first().map_or("", String::as_str),
            t.years.last().map_or("", String::as_str)
        ),
        columns,
        rows: t
            .rows
            .iter()
            .map(|(id, cells)| {
                let label = crate::trend::TREND_MEASURES
                    .iter()
                    .find(|(m, _)| m == id)
                    .map_or(id.as_str(), |(_, l)| *l);
                row(label, cells.clone())
            })
            .collect(),
    }
}

/// A quarter-by-category grid of this year (`measure`), its columns the
/// categories with any count, and, where given, a total row read from the
/// breakdown the grid splits (`total`: measure and label).
/// Decisions issued and records circulated in time by the quarter the
/// review was held in, the unweighted mean of the quarters (as councils
/// present it, Wok-M) and the year's own percentage; a percentage whose
/// counts are hidden is hidden, and so is the mean of one.
fn admin_by_quarter(f: Fig, s: &footprint_domain::measures::MeasureSettings) -> Table {
    let kinds: [(&str, &[&str], &[&str], &str); 2] = [
        (
            "reviews.decisions_in_time.by_quarter",
            &["in_time"],
            &["late"],
            "reviews.decisions_in_time_pct",
        ),
        (
            "reviews.record_in_time.by_quarter",
            &["within_local_target", "within_timescale"],
            &["late"],
            "reviews.record_in_time_pct",
        ),
    ];
    let quarter = |measure: &str, q: &str, yes: &[&str], no: &[&str]| -> Cell {
        if f.m().get(measure).is_none() {
            return Cell::Blank;
        }
        let keys = yes.iter().chain(no);
        if keys.clone().any(|k| f.y.is_hidden(measure, &[q, k])) {
            return Cell::Hidden;
        }
        let v = |k: &&str| f.value(measure, &[q, k]).unwrap_or(0);
        let n: u64 = yes.iter().map(v).sum();
        Cell::Percent(percent(n, n + no.iter().map(v).sum::<u64>()))
    };
    let quarters = ["Q1", "Q2", "Q3", "Q4"];
    let mut rows: Vec<Row> = quarters
        .iter()
        .map(|q| {
            row(
                *q,
                kinds
                    .iter()
                    .map(|(m, yes, no, _)| quarter(m, q, yes, no))
                    .collect(),
            )
        })
        .collect();
    let means = (0..kinds.len())
        .map(|i| {
            let cells: Vec<&Cell> = rows.iter().map(|r| &r.cells[i]).collect();
            if cells.iter().any(|c| matches!(c, Cell::Hidden)) {
                return Cell::Hidden;
            }
            let known: Vec<f64> = cells.iter().filter_map(|c| c.number()).collect();
            Cell::Percent(
                (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64),
            )
        })
        .collect();
    rows.push(total_row("Average of the quarters", means));
    rows.push(total_row(
        "The year",
        kinds.iter().map(|(_, _, _, pct)| f.pct(pct)).collect(),
    ));
    Table {
        id: "admin-by-quarter".into(),
        caption: format!(
            "{}, by quarter: decisions issued within {} working days, records circulated within {}",
            f.m().year,
            s.decisions_working_days,
            s.record_working_days
        ),
        columns: vec![
            "Quarter".to_owned(),
            "% decisions in time".to_owned(),
            "% records in time".to_owned(),
        ],
        rows,
    }
}

/// Each quarter's reviews by participation code as a percentage of the
/// quarter's reviews (PN0, under 4, included, as Wokingham presents it),
/// and the quarter's reviews; on a published report a quarter with a
/// hidden count shows no percentage and no total (either would give the
/// hidden count away).
fn participation_pct_by_quarter(f: Fig) -> Table {
    let measure = "participation.by_quarter";
    let keys: Vec<String> = f
        .m()
        .breakdown("participation.by_code")
        .map(|b| b.keys().map(String::from).collect())
        .unwrap_or_default();
    let rows = ["Q1", "Q2", "Q3", "Q4"]
        .iter()
        .map(|q| {
            let hidden = keys.iter().any(|k| f.y.is_hidden(measure, &[q, k]));
            let counts: Vec<u64> = keys
                .iter()
                .map(|k| f.value(measure, &[q, k]).unwrap_or(0))
                .collect();
            let all: u64 = counts.iter().sum();
            let mut cells: Vec<Cell> = counts
                .iter()
                .map(|&n| {
                    if hidden {
                        Cell::Hidden
                    } else {
                        Cell::Percent(percent(n, all))
                    }
                })
                .collect();
            cells.push(if hidden {
                Cell::Hidden
            } else {
                Cell::Count(all)
            });
            row(*q, cells)
        })
        .collect();
    let mut columns = vec!["Quarter".to_owned()];
    columns.extend(keys.iter().map(|k| format!("% {k}")));
    columns.push("Reviews".to_owned());
    Table {
        id: "participation-pct-by-quarter".into(),
        caption: format!(
            "{}: participation codes as a share of each quarter's reviews",
            f.m().year
        ),
        columns,
        rows,
    }
}

/// Periods of care started by the placement they started in, with the
/// distinct children (a child whose two periods started in one placement
/// is one child), this year beside last year; rows zero in both years left
/// out; the total row is all periods and all children started.
fn starts_by_placement(b: &Builder) -> Table {
    let years: Vec<Fig> = std::iter::once(b.this).chain(b.last).collect();
    let mut keys: Vec<String> = Vec::new();
    for y in &years {
        if let Some(bd) = y.m().breakdown("starts.by_placement") {
            for (k, c) in &bd.entries {
                if c.value > 0 && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let mut columns = vec!["Placement".to_owned()];
    for label in std::iter::once(&b.this_label).chain(b.last.map(|_| &b.last_label)) {
        columns.push(format!("Periods of care {label}"));
        columns.push(format!("Children {label}"));
    }
    let mut rows: Vec<Row> = keys
        .iter()
        .map(|k| {
            let cells = years
                .iter()
                .flat_map(|y| {
                    [
                        y.cell("starts.by_placement", &[k]),
                        y.cell("starts.children_by_placement", &[k]),
                    ]
                })
                .collect();
            row(key_label(k), cells)
        })
        .collect();
    rows.push(total_row(
        "All periods started",
        years
            .iter()
            .flat_map(|y| {
                [
                    y.cell("starts.periods", &[]),
                    y.cell("starts.children", &[]),
                ]
            })
            .collect(),
    ));
    Table {
        id: "starts-by-placement".into(),
        caption: "Placement when the period of care started: periods of care and children (a child may start more than one period)".into(),
        columns,
        rows,
    }
}

/// Children in care on the last day of each quarter, by sex, with each
/// sex's share of the quarter's children.
fn sex_by_quarter(f: Fig) -> Table {
    let measure = "profile.by_quarter.sex";
    let grid = f.m().grid(measure);
    let mut sexes: Vec<String> = Vec::new();
    if let Some(g) = grid {
        for (_, row) in &g.rows {
            for (k, c) in &row.entries {
                let shown = k == "M" || k == "F" || c.value > 0;
                if k != "all" && shown && !sexes.contains(k) {
                    sexes.push(k.clone());
                }
            }
        }
    }
    let mut columns = vec!["Quarter end".to_owned()];
    for k in &sexes {
        columns.push(key_label(k));
        columns.push(format!("% {}", key_label(k)));
    }
    columns.push("All".to_owned());
    let rows = grid
        .map(|g| {
            g.rows
                .iter()
                .map(|(q, _)| {
                    let mut cells = Vec::new();
                    for k in &sexes {
                        cells.push(f.cell(measure, &[q, k]));
                        cells.push(f.share((measure, &[q, k]), (measure, &[q, "all"])));
                    }
                    cells.push(f.cell(measure, &[q, "all"]));
                    row(q.clone(), cells)
                })
                .collect()
        })
        .unwrap_or_default();
    Table {
        id: "sex-by-quarter".into(),
        caption: format!(
            "Children in care on the last day of each quarter, by sex, {}",
            f.m().year
        ),
        columns,
        rows,
    }
}

fn quarter_grid(
    f: Fig,
    id: &str,
    caption: &str,
    measure: &str,
    total: Option<(&str, &str)>,
) -> Table {
    let mut keys: Vec<String> = Vec::new();
    let mut quarters: Vec<String> = Vec::new();
    if let Some(g) = f.m().grid(measure) {
        for (q, row) in &g.rows {
            quarters.push(q.clone());
            for (k, c) in &row.entries {
                if c.value > 0 && !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    let mut rows: Vec<Row> = quarters
        .iter()
        .map(|q| {
            row(
                q.clone(),
                keys.iter().map(|k| f.cell(measure, &[q, k])).collect(),
            )
        })
        .collect();
    if let Some((by, label)) = total {
        rows.push(total_row(
            label,
            keys.iter().map(|k| f.cell(by, &[k])).collect(),
        ));
    }
    let mut columns = vec!["Quarter".to_owned()];
    columns.extend(keys.iter().map(|k| key_label(k)));
    Table {
        id: id.into(),
        caption: format!("{caption}, {}", f.m().year),
        columns,
        rows,
    }
}

/// Periods of care started and ended in each month, this year and last
/// (`starts.by_month`, `ceased.by_month`), with the year's totals.
fn starts_ceased_by_month(b: &Builder) -> Table {
    let years: Vec<Fig> = std::iter::once(b.this).chain(b.last).collect();
    let mut columns = vec!["Month".to_owned()];
    for label in [&b.this_label, &b.last_label].into_iter().take(years.len()) {
        columns.push(format!("Started {label}"));
        columns.push(format!("Ended {label}"));
    }
    let mut rows = Vec::new();
    for i in 0..12 {
        let Some(k) = month_key(b.this, i) else {
            continue;
        };
        let mut cells = Vec::new();
        for y in &years {
            let key = month_key(*y, i).unwrap_or_default();
            cells.push(y.cell("starts.by_month", &[&key]));
            cells.push(y.cell("ceased.by_month", &[&key]));
        }
        rows.push(row(month_label(&k), cells));
    }
    let mut total = Vec::new();
    for y in &years {
        total.push(y.cell("starts.periods", &[]));
        total.push(y.cell("ceased.total", &[]));
    }
    rows.push(total_row("All months", total));
    Table {
        id: "starts-ceased-by-month".into(),
        caption: "Periods of care started and ended, by month".into(),
        columns,
        rows,
    }
}

/// How a row of the health table reads its measure.
#[derive(Clone, Copy)]
enum HealthRow {
    /// A count of children.
    Count,
    /// A percentage: its numerator and the percentage.
    Percent,
    /// The numerator of a breakdown key, as a share of the SDQ scores.
    Band(&'static str),
    /// The mean SDQ score.
    Mean,
}

/// The "Health" section: the OC2 outcomes of the children looked after
/// continuously for 12 months or more on 31 March, this year beside last
/// year, and what the data do not cover.
fn health(b: &Builder) -> Vec<Block> {
    use HealthRow::*;
    let rows: [(&str, &str, HealthRow); 12] = [
        (
            "Looked after continuously for 12 months or more on 31 March",
            "health.oc2_cohort",
            Count,
        ),
        (
            "… with health outcomes (OC2) recorded for the year",
            "health.oc2_returned",
            Percent,
        ),
        (
            "Annual health assessment up to date",
            "health.health_assessment",
            Percent,
        ),
        ("Immunisations up to date", "health.immunisations", Percent),
        (
            "Teeth checked by a dentist in the year",
            "health.teeth_check",
            Percent,
        ),
        (
            "Under 5: health (development) checks up to date",
            "health.health_check_under_5",
            Percent,
        ),
        (
            "Aged 4–16: SDQ score returned",
            "health.sdq_returned",
            Percent,
        ),
        ("Average SDQ score", "health.sdq_mean", Mean),
        (
            "SDQ score 0–13 (normal)",
            "health.sdq_bands",
            Band("normal"),
        ),
        (
            "SDQ score 14–16 (borderline)",
            "health.sdq_bands",
            Band("borderline"),
        ),
        (
            "SDQ score 17 or more (a cause for concern)",
            "health.sdq_bands",
            Band("concern"),
        ),
        (
            "Aged 10 or over: convicted of an offence in the year",
            "health.convicted_10_plus",
            Percent,
        ),
    ];
    let substance = (
        "Identified as having a substance misuse problem",
        "health.substance_misuse",
        Percent,
    );
    let read = |f: Fig, id: &str, how: HealthRow| -> [Cell; 2] {
        match how {
            Count => [f.cell(id, &[]), Cell::Blank],
            Percent => [f.cell(id, &["numerator"]), f.pct(id)],
            Band(k) => [
                f.cell(id, &[k]),
                f.share((id, &[k]), ("health.sdq_returned", &["numerator"])),
            ],
            Mean => [
                match f.m().get(id) {
                    Some(Measure::Mean(m)) => f.derived(id, &["count"], m.value()),
                    _ => Cell::Blank,
                },
                Cell::Blank,
            ],
        }
    };
    let mut columns = vec![
        "Measure".to_owned(),
        b.this_label.clone(),
        format!("% {}", b.this_label),
    ];
    if b.last.is_some() {
        columns.push(b.last_label.clone());
        columns.push(format!("% {}", b.last_label));
    }
    let table_rows = rows
        .iter()
        .chain(std::iter::once(&substance))
        .map(|&(label, id, how)| {
            let mut cells: Vec<Cell> = read(b.this, id, how).into();
            if let Some(l) = b.last {
                cells.extend(read(l, id, how));
            }
            row(label, cells)
        })
        .collect();
    let mut blocks = vec![
        Block::Text {
            text: "From the 903 OC2 return: children looked after continuously for 12 months or more on 31 March (worked out from their periods of care, short breaks excluded). Percentages are of the children of that group with health outcomes recorded for the year (a blank item counts as not done), or of those of the age shown; ages are on 31 March. SDQ: the Strengths and Difficulties Questionnaire; the bands are shares of the scores returned.".into(),
        },
        Block::Table(Table {
            id: "health".into(),
            caption: "Health of children looked after for 12 months or more".into(),
            columns,
            rows: table_rows,
        }),
    ];
    let records = b
        .this
        .m()
        .percent("health.oc2_returned")
        .map_or(0, |p| p.numerator.value);
    if records == 0 {
        blocks.push(Block::Note {
            text: format!(
                "No health outcomes (OC2) are recorded for {}: import the year's 903 return with its OC2 table to fill this table.",
                b.this_label
            ),
        });
    }
    blocks.push(Block::Text {
        text: "Recorded in Footprint (health assessments, dental checks, SDQs, immunisations and personal education plans, by the council's timescales; see the settings): what fell due in the year and whether it was done by its date, and, on the last day, the children in care whose assessment, dental check or PEP was up to date.".into(),
    });
    blocks.push(Block::Table(health_education_table(b)));
    blocks.push(Block::Table(initial_health_by_month(b)));
    blocks
}

/// Initial health assessments due in each month by how they stood on the
/// year's last day (`health.assessments.initial.by_month`), this year and
/// last, with the year's totals (`health.assessments.initial`).
fn initial_health_by_month(b: &Builder) -> Table {
    const ID: &str = "health.assessments.initial.by_month";
    const KEYS: [&str; 3] = ["in_time", "late", "not_done"];
    let years: Vec<Fig> = std::iter::once(b.this).chain(b.last).collect();
    let mut columns = vec!["Month".to_owned()];
    for label in [&b.this_label, &b.last_label].into_iter().take(years.len()) {
        for c in ["In time", "Late", "Not done", "% in time"] {
            columns.push(format!("{c} {label}"));
        }
    }
    // The three counts and the share in time of one row of one year.
    let cells = |f: Fig, id: &str, path: Option<&str>| -> Vec<Cell> {
        let at = |k: &'static str| -> Vec<&str> { path.into_iter().chain([k]).collect() };
        let mut out: Vec<Cell> = KEYS.iter().map(|k| f.cell(id, &at(k))).collect();
        out.push(if KEYS.iter().any(|k| f.y.is_hidden(id, &at(k))) {
            Cell::Hidden
        } else if f.m().get(id).is_none() {
            Cell::Blank
        } else {
            let v = |k: &'static str| f.value(id, &at(k)).unwrap_or(0);
            Cell::Percent(percent(
                v("in_time"),
                v("in_time") + v("late") + v("not_done"),
            ))
        });
        out
    };
    let mut rows = Vec::new();
    for i in 0..12 {
        let Some(k) = month_key(b.this, i) else {
            continue;
        };
        let mut r = Vec::new();
        for y in &years {
            let key = month_key(*y, i).unwrap_or_default();
            r.extend(cells(*y, ID, Some(&key)));
        }
        rows.push(row(month_label(&k), r));
    }
    let mut total = Vec::new();
    for y in &years {
        total.extend(cells(*y, "health.assessments.initial", None));
    }
    rows.push(total_row("All months", total));
    Table {
        id: "initial-health-assessments-by-month".into(),
        caption: "Initial health assessments due, by the month they were due".into(),
        columns,
        rows,
    }
}

/// How the child's views reached the review and what advocates did
/// (`views.*`, `advocacy.*`), this year beside last.
fn views_and_advocacy(b: &Builder) -> Vec<Block> {
    let mut blocks = vec![Block::Text {
        text: "Recorded in Footprint: how each child's views reached the review (a review counts once under each way used), and what advocates did for children in care and care leavers.".into(),
    }];
    blocks.push(Block::Table(b.figures(
        "views",
        "The child's views",
        vec![
            ("Reviews with the child's views recorded", &|f| {
                f.cell("views.reviews", &[])
            }),
            ("… of reviews of children aged 4 and over (%)", &|f| {
                f.pct("views.recorded")
            }),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "views-by-route",
        "How the child's views reached the review",
        "views.by_route",
        None,
        false,
    )));
    blocks.push(Block::Table(b.figures(
        "advocacy",
        "Advocacy",
        vec![
            ("Young people an advocate worked with", &|f| {
                f.cell("advocacy.young_people", &[])
            }),
            ("Referrals", &|f| f.cell("advocacy.referrals", &[])),
            ("Contacts", &|f| f.cell("advocacy.contacts", &[])),
            ("Reviews an advocate attended", &|f| {
                f.cell("advocacy.review_attendance", &[])
            }),
        ],
    )));
    if let Some(g) = b.this.m().grid("advocacy.by_quarter") {
        blocks.push(Block::Table(Table {
            id: "advocacy-by-quarter".into(),
            caption: format!("Advocacy by quarter, {}", b.this_label),
            columns: vec![
                "Quarter".into(),
                "Young people in care".into(),
                "Care leavers".into(),
                "Contacts".into(),
            ],
            rows: g
                .rows
                .iter()
                .map(|(q, _)| {
                    row(
                        q.clone(),
                        ["in_care", "care_leavers", "contacts"]
                            .iter()
                            .map(|k| b.this.cell("advocacy.by_quarter", &[q, k]))
                            .collect(),
                    )
                })
                .collect(),
        }));
    }
    blocks
}

/// The other meetings IROs chair, dual plans, life-story work and case
/// alerts (`meetings.*`, `dual_plans.*`, `life_story.*`, `case_alerts.*`),
/// this year beside last.
fn other_meetings(b: &Builder) -> Vec<Block> {
    let mut blocks = vec![Block::Text {
        text: "Recorded in Footprint (see the settings for the timescales): the meetings IROs chair besides children's reviews, each judged by the day it was held against the day it was due (secure accommodation reviews within a month of the placement then every 3 months; private fostering and foster carer reviews yearly; disruption meetings within 20 working days of the placement ending); child protection plans of children in care (dual plans); life-story work; and case alerts, the informal concerns IROs raise short of a formal challenge.".into(),
    }];
    blocks.push(Block::Table(b.figures(
        "other-meetings",
        "Other meetings chaired",
        vec![
            ("Secure accommodation reviews held", &|f| {
                f.cell("meetings.secure.reviews", &[])
            }),
            ("… children", &|f| f.cell("meetings.secure.children", &[])),
            ("… in time (%)", &|f| f.pct("meetings.secure.in_time")),
            ("… criteria no longer met", &|f| {
                f.cell("meetings.secure.by_decision", &["criteria_not_met"])
            }),
            ("Private fostering reviews held", &|f| {
                f.cell("meetings.private_fostering.reviews", &[])
            }),
            ("… children", &|f| {
                f.cell("meetings.private_fostering.children", &[])
            }),
            ("… in time (%)", &|f| {
                f.pct("meetings.private_fostering.in_time")
            }),
            ("Foster carer reviews held", &|f| {
                f.cell("meetings.foster_carer.reviews", &[])
            }),
            ("… households", &|f| {
                f.cell("meetings.foster_carer.households", &[])
            }),
            ("… in time (%)", &|f| {
                f.pct("meetings.foster_carer.in_time")
            }),
            ("… first reviews", &|f| {
                f.cell("meetings.foster_carer.by_kind", &["first"])
            }),
            ("… annual reviews", &|f| {
                f.cell("meetings.foster_carer.by_kind", &["annual"])
            }),
            ("… to the fostering panel", &|f| {
                f.cell("meetings.foster_carer.to_panel", &[])
            }),
            ("Disruption meetings held", &|f| {
                f.cell("meetings.disruption.meetings", &[])
            }),
            ("… children concerned", &|f| {
                f.cell("meetings.disruption.children", &[])
            }),
            ("… in time (%)", &|f| f.pct("meetings.disruption.in_time")),
        ],
    )));
    let mut quarters = b.breakdown(
        "dual-plans-by-quarter",
        "Children in care on a child protection plan (dual plans) at the end of each quarter",
        "dual_plans.quarter_end",
        None,
        false,
    );
    quarters.columns[0] = "Quarter end".into();
    blocks.push(Block::Table(quarters));
    blocks.push(Block::Table(b.figures(
        "dual-plans",
        "Dual plans",
        vec![
            ("On a dual plan at the end of the year", &|f| {
                f.cell("dual_plans.end", &[])
            }),
            ("Dual plans begun", &|f| f.cell("dual_plans.started", &[])),
            ("Dual plans ended", &|f| f.cell("dual_plans.ended", &[])),
            ("… within the first review period (3 months)", &|f| {
                f.cell("dual_plans.ended_before_first_conference", &[])
            }),
            ("Review conferences held", &|f| {
                f.cell("dual_plans.conferences", &[])
            }),
            ("… in time (%)", &|f| {
                f.pct("dual_plans.conferences_in_time")
            }),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "life-story",
        "Life-story work of children in care at the end of the year, by where it stands",
        "life_story.status.end",
        Some(("cla.end", "All children in care")),
        false,
    )));
    blocks.push(Block::Table(b.figures(
        "life-story-progress",
        "Life-story work",
        vec![
            ("Tracked (%)", &|f| f.pct("life_story.tracked.end")),
            ("Adequate for now or complete (%)", &|f| {
                f.pct("life_story.adequate.end")
            }),
            ("Complete (%)", &|f| f.pct("life_story.complete.end")),
            ("Reviews with life-story work recorded (%)", &|f| {
                f.pct("life_story.at_reviews")
            }),
        ],
    )));
    blocks.push(Block::Table(b.figures(
        "case-alerts",
        "Case alerts",
        vec![
            ("Case alerts raised", &|f| f.cell("case_alerts.raised", &[])),
            ("Open at the end of the year", &|f| {
                f.cell("case_alerts.open.end", &[])
            }),
            ("Closed in time (%)", &|f| {
                f.pct("case_alerts.closed_in_time")
            }),
        ],
    )));
    blocks.push(Block::Table(b.breakdown(
        "case-alerts-by-theme",
        "Case alerts raised, by theme",
        "case_alerts.by_theme",
        Some(("case_alerts.raised", "All case alerts")),
        true,
    )));
    blocks.push(Block::Table(b.breakdown(
        "case-alerts-by-outcome",
        "Case alerts raised, by how they ended",
        "case_alerts.by_outcome",
        Some(("case_alerts.raised", "All case alerts")),
        false,
    )));
    blocks
}

/// Case file audits (R20-K8, R21-K3): those requested and where they stood
/// at the end of the year (completed, cancelled, open), the share
/// completed, by whom and on what theme they were requested, and those
/// completed in the year by grade, each this year beside last with its
/// total.
fn case_file_audits(b: &Builder) -> Vec<Block> {
    const ALL: (&str, &str) = ("audits.requested", "All audits requested");
    vec![
        Block::Table(b.figures(
            "case-file-audits",
            "Case file audits",
            vec![
                ("Audits requested", &|f| f.cell("audits.requested", &[])),
                ("… completed by the end of the year", &|f| {
                    f.cell("audits.requested_by_outcome", &["completed"])
                }),
                ("% of audits requested completed", &|f| {
                    f.pct("audits.completed_pct")
                }),
                (
                    "Audits completed in the year (requested in any year)",
                    &|f| f.cell("audits.completed", &[]),
                ),
                ("Audits cancelled in the year", &|f| {
                    f.cell("audits.cancelled", &[])
                }),
                (
                    "Audits open at the end of the year (requested in any year)",
                    &|f| f.cell("audits.open.end", &[]),
                ),
            ],
        )),
        Block::Table(b.breakdown(
            "case-file-audits-by-outcome",
            "Case file audits requested, by where they stood at the end of the year",
            "audits.requested_by_outcome",
            Some(ALL),
            false,
        )),
        Block::Table(b.breakdown(
            "case-file-audits-by-requester",
            "Case file audits requested, by who requested them",
            "audits.by_requester",
            Some(ALL),
            false,
        )),
        Block::Table(b.breakdown(
            "case-file-audits-by-theme",
            "Case file audits requested, by theme",
            "audits.by_theme",
            Some(ALL),
            true,
        )),
        Block::Table(b.breakdown(
            "case-file-audits-by-grade",
            "Case file audits completed in the year, by grade",
            "audits.by_grade",
            Some(("audits.completed", "All audits completed")),
            false,
        )),
    ]
}

/// Health assessments and PEPs recorded in Footprint, this year and last.
fn health_education_table(b: &Builder) -> Table {
    // (label, measure, the part counted or `None` for a share's numerator).
    const INITIAL: &str = "health.assessments.initial_in_time";
    const REVIEWS: &str = "health.assessments.reviews_in_time";
    let rows: [(&str, &str, Option<&str>); 15] = [
        (
            "Initial health assessments due: done in time",
            INITIAL,
            None,
        ),
        ("… done late", "health.assessments.initial", Some("late")),
        ("… not done", "health.assessments.initial", Some("not_done")),
        ("Review health assessments due: done in time", REVIEWS, None),
        ("… done late", "health.assessments.reviews", Some("late")),
        (
            "… not done (overdue on the last day)",
            "health.assessments.reviews",
            Some("not_done"),
        ),
        (
            "Health assessment up to date on the last day",
            "health.assessments.up_to_date.end",
            None,
        ),
        (
            "Dental check up to date on the day before the year",
            "health.assessments.dental_up_to_date.start",
            None,
        ),
        (
            "Dental check up to date on the last day",
            "health.assessments.dental_up_to_date.end",
            None,
        ),
        (
            "Immunisations up to date on the last day",
            "health.assessments.immunisations_up_to_date.end",
            None,
        ),
        (
            "Aged 4–16, in care 12 months: SDQ score in the last 12 months",
            "health.assessments.sdq_completed",
            None,
        ),
        (
            "Initial personal education plans due: held in time",
            "education.pep.initial_in_time",
            None,
        ),
        (
            "Termly personal education plans due: held in time",
            "education.pep.terms_in_time",
            None,
        ),
        (
            "Personal education plan up to date on the last day",
            "education.pep.up_to_date.end",
            None,
        ),
        (
            "Personal education plans held",
            "education.pep.held",
            Some(""),
        ),
    ];
    let read = |f: Fig, id: &str, part: Option<&str>| -> [Cell; 2] {
        match part {
            None => [f.cell(id, &["numerator"]), f.pct(id)],
            Some("") => [f.cell(id, &[]), Cell::Blank],
            Some(k) => {
                let whole = if id == "health.assessments.reviews" {
                    REVIEWS
                } else {
                    INITIAL
                };
                [
                    f.cell(id, &[k]),
                    f.share((id, &[k]), (whole, &["denominator"])),
                ]
            }
        }
    };
    let mut columns = vec![
        "Measure".to_owned(),
        b.this_label.clone(),
        format!("% {}", b.this_label),
    ];
    if b.last.is_some() {
        columns.push(b.last_label.clone());
        columns.push(format!("% {}", b.last_label));
    }
    Table {
        id: "health-assessments-peps".into(),
        caption: "Health assessments and personal education plans".into(),
        columns,
        rows: rows
            .iter()
            .map(|&(label, id, part)| {
                let mut cells: Vec<Cell> = read(b.this, id, part).into();
                if let Some(l) = b.last {
                    cells.extend(read(l, id, part));
                }
                row(label, cells)
            })
            .collect(),
    }
}

/// The rows of `profile.end.bme` (`BME_KEYS`), as the table names them.
const BME_LABELS: [&str; 2] = [
    "White British (WBRI)",
    "Black and minority ethnic (BME): every other ethnicity recorded",
];

/// The BME table's row of those whose ethnicity is not recorded.
const BME_NOT_RECORDED: &str = "Not recorded (refused, REFU, or not yet obtained, NOBT)";

/// Month `month`'s rate of a rate by month (blank when not computed).
fn month_rate(f: Fig, id: &str, month: &str) -> Cell {
    match f.m().get(id) {
        Some(Measure::MonthRates(v)) => v
            .iter()
            .find(|(k, _)| k == month)
            .map_or(Cell::Blank, |(_, r)| {
                f.derived(id, &[month, "count"], r.per_10k())
            }),
        _ => Cell::Blank,
    }
}

fn rate(f: Fig, id: &str) -> Cell {
    match f.m().get(id) {
        Some(Measure::Rate(r)) => f.derived(id, &["count"], r.per_10k()),
        _ => Cell::Blank,
    }
}

/// The 0–17 population figures entered: each year's own, then the one for
/// every year without its own; "not entered" when there are none.
fn population_setting(s: &MeasureSettings) -> String {
    let mut parts: Vec<String> = s
        .population_0_17_by_year
        .iter()
        .map(|(y, p)| format!("{y}: {p}"))
        .collect();
    if let Some(p) = s.population_0_17 {
        parts.push(format!("every year without its own figure: {p}"));
    }
    if parts.is_empty() {
        "not entered".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Which 0–17 population figure each rate per 10,000 of the children in
/// care table used (the figure entered for its own year, or the one for
/// every year without its own), or that a rate is not shown because no
/// figure is entered for its year.
pub fn population_note(this: &Measures, last: Option<&Measures>) -> String {
    use footprint_domain::measures::POPULATION_RATES;
    let what = |id: &str| match id {
        "cla.rate_per_10k.start" => "on 31 March of the year before",
        "starts.rate_per_10k" => "for children who started to be looked after",
        "cla.rate_per_10k.by_month" => "at the end of each month",
        _ => "on 31 March",
    };
    let mut used = Vec::new();
    let mut missing = Vec::new();
    for m in std::iter::once(this).chain(last) {
        for id in POPULATION_RATES {
            let rate = match m.get(id) {
                Some(Measure::Rate(r)) => Some(r),
                // A reporting year's months are all of its own year.
                Some(Measure::MonthRates(v)) => v.first().map(|(_, r)| r),
                _ => None,
            };
            match rate {
                Some(r) => used.push(format!(
                    "{} {}: {} ({})",
                    m.year,
                    what(id),
                    r.population,
                    r.population_year.map_or_else(
                        || "the figure entered for every year without its own".to_owned(),
                        |y| format!("the figure entered for {y}")
                    )
                )),
                _ => missing.push(format!("{} {}", m.year, what(id))),
            }
        }
    }
    let mut text = String::new();
    if !used.is_empty() {
        text.push_str(&format!(
            "Rates per 10,000 use the 0–17 population (ONS mid-year estimate) entered in the settings: {}.",
            used.join("; ")
        ));
    }
    if !missing.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!(
            "No rate per 10,000 is shown {}: no 0–17 population has been entered in the settings for its year.",
            missing.join("; ")
        ));
    }
    text
}

fn per_fte(f: Fig) -> Cell {
    match f.m().get("caseload.per_fte") {
        Some(Measure::PerFte(p)) => f.derived("caseload.per_fte", &["children"], p.value()),
        _ => Cell::Blank,
    }
}

/// Age band × sex on 31 March, with each row's and each column's total
/// (`profile.end.by_age_band`, `profile.end.by_sex`) and the grand total.
fn age_sex_table(f: Fig) -> Table {
    let id = "profile.end.by_age_band_sex";
    let mut rows = Vec::new();
    let mut sexes: Vec<String> = Vec::new();
    if let Some(g) = f.m().grid(id) {
        if let Some((_, first)) = g.rows.first() {
            sexes = first.keys().map(String::from).collect();
        }
        for (band, _) in &g.rows {
            let mut cells: Vec<Cell> = sexes.iter().map(|s| f.cell(id, &[band, s])).collect();
            cells.push(f.cell("profile.end.by_age_band", &[band]));
            rows.push(row(key_label(band), cells));
        }
    }
    let mut total: Vec<Cell> = sexes
        .iter()
        .map(|s| f.cell("profile.end.by_sex", &[s]))
        .collect();
    total.push(f.cell("cla.end", &[]));
    rows.push(total_row("All ages", total));
    let mut columns = vec!["Age on 31 March".to_owned()];
    columns.extend(sexes.iter().map(|s| key_label(s)));
    columns.push("All".to_owned());
    Table {
        id: "profile-age-sex".into(),
        caption: format!(
            "Children in care on 31 March {} by age and sex",
            f.m().year.start_year() + 1
        ),
        columns,
        rows,
    }
}
