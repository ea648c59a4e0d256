//! Five-year trends (`trend.*` of `measures.md`): the headline figures of
//! the reporting year and the four before it, for the years the data hold.
//! On a published report a count from 1 to 5, or a percentage or rate
//! worked out from one, is `c`, and this year's and last year's figures
//! are hidden wherever the report hides them.

use std::collections::BTreeSet;

use footprint_domain::measures::{Measure, Measures};

use crate::checks::CellRef;
use crate::model::Cell;

/// The measures a trend is kept for, with their labels.
pub const TREND_MEASURES: [(&str, &str); 9] = [
    ("cla.end", "Children in care on 31 March"),
    ("cla.rate_per_10k.end", "Rate per 10,000 children aged 0–17"),
    ("starts.children", "Children who started to be looked after"),
    (
        "starts.rate_per_10k",
        "Children who started to be looked after per 10,000 children aged 0–17",
    ),
    ("ceased.total", "Periods of care ended"),
    ("reviews.in_time_pct", "Reviews held in time"),
    ("participation.rate", "Participation (aged 4 and over)"),
    (
        "stability.three_plus_pct",
        "Children with 3 or more placements",
    ),
    ("stability.long_term_pct", "Long-term placement stability"),
];

/// The headline figures by year, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trend {
    /// "2020-21"…
    pub years: Vec<String>,
    /// One row per measure of [`TREND_MEASURES`]: a cell per year.
    pub rows: Vec<(String, Vec<Cell>)>,
}

fn small(n: u64) -> bool {
    (1..=crate::audit::PRIMARY_MAX).contains(&n)
}

/// One figure of one year. `hidden` is that year's publication mask, if
/// the report shows the year elsewhere.
fn cell(m: &Measures, id: &str, publication: bool, hidden: Option<&BTreeSet<CellRef>>) -> Cell {
    let masked = |path: &[&str]| hidden.is_some_and(|h| h.contains(&CellRef::new(id, path)));
    match m.get(id) {
        Some(Measure::Count(c)) => {
            if publication && (small(c.value) || masked(&[])) {
                Cell::Hidden
            } else {
                Cell::Count(c.value)
            }
        }
        Some(Measure::Percent(p)) => {
            let (n, d) = (p.numerator.value, p.denominator.value);
            if publication
                && (small(n) || small(d) || masked(&["numerator"]) || masked(&["denominator"]))
            {
                Cell::Hidden
            } else {
                Cell::Percent(p.value())
            }
        }
        Some(Measure::Rate(r)) => {
            if publication && (small(r.count.value) || masked(&["count"])) {
                Cell::Hidden
            } else {
                Cell::Number(r.per_10k())
            }
        }
        _ => Cell::Blank,
    }
}

/// Whether a year's data hold anything: children in care at its end, or
/// periods of care that started or ended in it.
pub fn held(m: &Measures) -> bool {
    ["cla.end", "starts.periods", "ceased.total"]
        .iter()
        .any(|id| m.count(id).unwrap_or(0) > 0)
}

/// The trend over `years` (newest first, as computed), each with the mask
/// of the report's own year where it has one. Years whose data hold
/// nothing are left out, except the reporting year.
pub fn build(years: &[(&Measures, Option<&BTreeSet<CellRef>>)], publication: bool) -> Trend {
    let kept: Vec<&(&Measures, Option<&BTreeSet<CellRef>>)> = years
        .iter()
        .enumerate()
        .filter(|(i, (m, _))| *i == 0 || held(m))
        .map(|(_, y)| y)
        .rev()
        .collect();
    Trend {
        years: kept.iter().map(|(m, _)| m.year.to_string()).collect(),
        rows: TREND_MEASURES
            .iter()
            .map(|(id, _)| {
                (
                    (*id).to_owned(),
                    kept.iter()
                        .map(|(m, h)| cell(m, id, publication, *h))
                        .collect(),
                )
            })
            .collect(),
    }
}
