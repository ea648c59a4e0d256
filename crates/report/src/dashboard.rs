//! The IRO service manager's dashboard: figures from the one measures engine
//! ([`footprint_domain::measures::compute_as_of`]), this month and the
//! collection year to date, so a figure on the dashboard is the same number
//! as that measure over the same period in `report.json`, on the
//! performance page and in the annual report. Nothing here counts records:
//! it only picks measures and labels them.

use chrono::{Datelike, NaiveDate};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{
    Breakdown, MeasureSettings, Measures, Percent, Period, compute_as_of, compute_periods_as_of,
    key_label,
};
use std::collections::BTreeMap;

use footprint_domain::model::{ChildId, Dataset};
use serde::Serialize;

/// A percentage with the counts it is computed from (`count` of `of`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub count: u64,
    pub of: u64,
}

impl Ratio {
    fn of(p: Option<&Percent>) -> Self {
        p.map_or_else(Ratio::default, |p| Ratio {
            count: p.numerator.value,
            of: p.denominator.value,
        })
    }

    /// To one decimal place, as `measures.md` shows percentages; `None`
    /// when there is nothing to divide (shown as "–").
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| crate::json::round1(self.count as f64 * 100.0 / self.of as f64))
    }
}

/// One IRO's caseload on the report date.
#[derive(Debug, Clone, Serialize)]
pub struct IroCaseload {
    pub iro: String,
    pub name: String,
    pub children: u64,
    pub fte: f64,
    pub per_fte: Option<f64>,
    /// "below", "within" or "above" the council's guideline (default
    /// 50–70), or "none" without an FTE.
    pub band: &'static str,
}

/// A labelled count.
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub key: String,
    pub label: String,
    pub count: u64,
}

/// The manager's dashboard on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The report date ("today", or the date the server is pinned to).
    pub as_of: NaiveDate,
    pub month_label: String,
    pub year_label: String,
    /// This month to date.
    pub month: Period,
    /// The collection year to date.
    pub year: Period,
    pub in_time_month: Ratio,
    pub in_time_month_pct: Option<f64>,
    pub in_time_year: Ratio,
    pub in_time_year_pct: Option<f64>,
    /// `participation.by_code`, codes with at least one review.
    pub participation: Vec<CountRow>,
    /// `participation.rate`: PN1–PN6 of PN1–PN7.
    pub participated_year: Ratio,
    pub participated_year_pct: Option<f64>,
    pub caseloads: Vec<IroCaseload>,
    pub looked_after: u64,
    pub total_fte: f64,
    pub per_fte: Option<f64>,
    pub guideline: (u32, u32),
    pub midway: Ratio,
    pub midway_pct: Option<f64>,
    pub decisions: Ratio,
    pub decisions_pct: Option<f64>,
    pub record: Ratio,
    pub record_pct: Option<f64>,
    /// `reviews.overdue.end` on the report date: by the statutory schedule.
    pub overdue_now: u64,
    pub challenges_by_stage: Vec<CountRow>,
    pub challenges_by_age: Vec<CountRow>,
    pub challenges_overdue: u64,
    /// The children behind each figure's counts, from the same measures:
    /// figure (as in [`FIGURES`]) → cell path (`""` for a count,
    /// `numerator` / `denominator` for a percentage, the key of a
    /// breakdown, the IRO of a caseload, `children` for the children
    /// looked after) → the children, as `report.json`'s `drilldown` holds
    /// them for the same measure and period.
    #[serde(skip)]
    pub behind: BTreeMap<&'static str, BTreeMap<String, Vec<ChildId>>>,
}

/// The measure behind each dashboard figure, keyed as the page names them:
/// (figure, measure id, over the month (`true`) or the year to date).
pub const FIGURES: [(&str, &str, bool); 13] = [
    ("in_time_month", "reviews.in_time_pct", true),
    ("in_time_year", "reviews.in_time_pct", false),
    ("participation", "participation.by_code", false),
    ("participated_year", "participation.rate", false),
    ("caseloads", "caseload.by_iro", false),
    ("looked_after", "caseload.per_fte", false),
    ("midway", "midway.done_pct", false),
    ("decisions", "reviews.decisions_in_time_pct", false),
    ("record", "reviews.record_in_time_pct", false),
    ("overdue_now", "reviews.overdue.end", false),
    ("challenges_by_stage", "challenges.open.by_stage", false),
    ("challenges_by_age", "challenges.open.by_age", false),
    ("challenges_overdue", "challenges.open.overdue", false),
];

fn band(per_fte: Option<f64>, (low, high): (u32, u32)) -> &'static str {
    match per_fte {
        Some(x) if x < f64::from(low) => "below",
        Some(x) if x > f64::from(high) => "above",
        Some(_) => "within",
        None => "none",
    }
}

fn rows(b: Option<&Breakdown>, keep_zero: bool) -> Vec<CountRow> {
    b.map(|b| {
        b.entries
            .iter()
            .filter(|(_, c)| keep_zero || c.value > 0)
            .map(|(k, c)| CountRow {
                key: k.clone(),
                label: key_label(k),
                count: c.value,
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Rounds away binary noise (FTEs are recorded to two places: 0.8 + 1.0 +
/// ... is 10.799999999999999 in floating point).
fn places2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Dashboard {
    /// The children behind one count of a figure (`None`: no such figure
    /// or cell; a count of nothing has no cell).
    pub fn children_behind(&self, figure: &str, cell: &str) -> Option<&[ChildId]> {
        self.behind.get(figure)?.get(cell).map(Vec::as_slice)
    }

    /// The measure behind a figure and whether it is over the month.
    pub fn measure_of(figure: &str) -> Option<(&'static str, bool)> {
        FIGURES
            .iter()
            .find(|(f, _, _)| *f == figure)
            .map(|(_, id, month)| (*id, *month))
    }

    /// The periods a dashboard on `as_of` shows: this month and the
    /// collection year, each to date.
    pub fn periods(as_of: NaiveDate) -> (Period, Period) {
        let month = Period::month(as_of.year(), as_of.month())
            .unwrap_or(Period::year(CollectionYear::of(as_of)));
        (month, Period::year(CollectionYear::of(as_of)))
    }

    /// Computes the dashboard on `as_of` with the measures engine.
    pub fn compute(
        data: &Dataset,
        as_of: NaiveDate,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
    ) -> Self {
        let (month, year) = Self::periods(as_of);
        // One assembly of the council's periods of care for both.
        let mut both =
            compute_periods_as_of(data, &[month, year], as_of, settings, calendar).into_iter();
        let month = both
            .next()
            .unwrap_or_else(|| compute_as_of(data, month, as_of, settings, calendar));
        let year = both
            .next()
            .unwrap_or_else(|| compute_as_of(data, year, as_of, settings, calendar));
        Self::from_measures(&month, &year, as_of, settings)
    }

    /// The dashboard from this month's and the year's measures (to date).
    pub fn from_measures(
        month: &Measures,
        year: &Measures,
        as_of: NaiveDate,
        settings: &MeasureSettings,
    ) -> Self {
        let ratio = |m: &Measures, id: &str| Ratio::of(m.percent(id));
        let in_time_month = ratio(month, "reviews.in_time_pct");
        let in_time_year = ratio(year, "reviews.in_time_pct");
        let participated_year = ratio(year, "participation.rate");
        let midway = ratio(year, "midway.done_pct");
        let decisions = ratio(year, "reviews.decisions_in_time_pct");
        let record = ratio(year, "reviews.record_in_time_pct");
        let guideline = settings.caseload_guideline;
        let caseloads: Vec<IroCaseload> = match year.get("caseload.by_iro") {
            Some(footprint_domain::measures::Measure::Caseload(v)) => v
                .iter()
                .map(|c| {
                    let per_fte = c.per_fte();
                    IroCaseload {
                        iro: c.iro.clone(),
                        name: c.name.clone(),
                        children: c.children.value,
                        fte: c.fte,
                        per_fte: per_fte.map(crate::json::round1),
                        band: band(per_fte, guideline),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let (looked_after, total_fte, per_fte) = match year.get("caseload.per_fte") {
            Some(footprint_domain::measures::Measure::PerFte(p)) => {
                let fte = places2(p.fte);
                let per = (fte > 0.0).then(|| crate::json::round1(p.children.value as f64 / fte));
                (p.children.value, fte, per)
            }
            _ => (0, 0.0, None),
        };
        let mut behind = BTreeMap::new();
        for (figure, id, over_month) in FIGURES {
            let m = if over_month { month } else { year };
            let Some(measure) = m.get(id) else { continue };
            let cells: BTreeMap<String, Vec<ChildId>> = crate::drilldown::cells(measure)
                .into_iter()
                .map(|(name, c)| (name, c.children.iter().cloned().collect()))
                .collect();
            behind.insert(figure, cells);
        }
        Dashboard {
            behind,
            as_of,
            month_label: as_of.format("%B %Y").to_string(),
            year_label: year.year.to_string(),
            month: month.period,
            year: year.period,
            in_time_month_pct: in_time_month.percent(),
            in_time_month,
            in_time_year_pct: in_time_year.percent(),
            in_time_year,
            participation: rows(year.breakdown("participation.by_code"), false),
            participated_year_pct: participated_year.percent(),
            participated_year,
            caseloads,
            looked_after,
            total_fte,
            per_fte,
            guideline,
            midway_pct: midway.percent(),
            midway,
            decisions_pct: decisions.percent(),
            decisions,
            record_pct: record.percent(),
            record,
            overdue_now: year.count("reviews.overdue.end").unwrap_or(0),
            challenges_by_stage: rows(year.breakdown("challenges.open.by_stage"), false),
            challenges_by_age: rows(year.breakdown("challenges.open.by_age"), true),
            challenges_overdue: year.count("challenges.open.overdue").unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_domain::model::Iro;

    #[test]
    fn the_total_fte_is_the_sum_as_recorded_without_floating_point_noise() {
        let as_of = NaiveDate::from_ymd_opt(2025, 3, 12).unwrap();
        let data = Dataset {
            iros: [0.8, 1.0, 1.0, 0.8, 0.8, 1.0, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0]
                .iter()
                .enumerate()
                .map(|(n, &fte)| Iro {
                    id: footprint_domain::model::IroId(format!("I{n}")),
                    name: format!("IRO {n}"),
                    fte,
                    started: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                    left: None,
                })
                .collect(),
            ..Dataset::default()
        };
        let d = Dashboard::compute(
            &data,
            as_of,
            &MeasureSettings::default(),
            &WorkingDayCalendar::england_and_wales(),
        );
        assert_eq!(d.total_fte.to_string(), "10.8");
        assert_eq!(d.year.last, as_of);
        assert_eq!(d.month.first, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
    }

    #[test]
    fn percentages_are_shown_to_one_decimal_place_from_their_counts() {
        assert_eq!(
            Ratio {
                count: 394,
                of: 798
            }
            .percent(),
            Some(49.4)
        );
        assert_eq!(Ratio { count: 0, of: 0 }.percent(), None);
    }
}
