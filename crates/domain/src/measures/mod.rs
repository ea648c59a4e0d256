//! The measures of `measures.md`, computed from a [`Dataset`].
//!
//! [`compute`] is a pure function from a dataset, a reporting year, the
//! council's [`MeasureSettings`] and the working-day calendar to a
//! [`Measures`]: one [`Measure`] per measure id (`cla.end`,
//! `participation.by_code`, …). Every count carries the children behind it
//! ([`Count::children`]) so a figure can be drilled into; breakdowns keep the
//! order of the national code list (or the order stated in `measures.md`).
//!
//! Conventions (`measures.md`): looked after on D = an open non-short-break
//! episode on D; short-break (V3/V4) periods never count and their reviews
//! are excluded; a review in no period of care is counted in
//! `reviews.unmatched` and excluded from every other measure; reviews of a
//! period that began before the data are held from have an unknown due date
//! (`reviews.timeliness_unknown`). Percentages are never stored: a
//! [`Percent`] holds its numerator and denominator counts.

mod adoption_leavers;
mod care;
mod case_records;
mod child_set;
mod health;
mod health_education;
mod iro;
mod placement_location;
mod reviews;
pub use care::BME_KEYS;
pub use health::sdq_eligible;
pub use iro::CHALLENGE_OUTCOME_KEYS;
pub use reviews::NOT_RECORDED;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingDayCalendar;
use crate::dates::CollectionYear;
use crate::model::{ChildId, Dataset};
use crate::schedule::SchedulePolicy;

pub use adoption_leavers::{
    AdoptionThresholds, THREE_YEAR_SCORECARD, adopted_between, three_year_scorecard,
};
pub use child_set::ChildSet;
pub use placement_location::{
    AREA_ROWS, DISTANCE_COLUMNS, PLACEMENT_GROUPS, check_local_authority_code, placement_group,
};

/// A count, and the children behind it. For counts of children `value` is
/// the number of children; for counts of reviews, periods or episodes it is
/// the number of those, and `children` the distinct children concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub value: u64,
    pub children: ChildSet,
}

impl Count {
    /// One more thing counted, belonging to `child`.
    pub fn add(&mut self, child: &ChildId) {
        self.value += 1;
        self.children.insert(child.clone());
    }

    /// A count of children: adds `child` only if not counted already.
    pub fn add_child(&mut self, child: &ChildId) {
        if self.children.insert(child.clone()) {
            self.value += 1;
        }
    }

    /// A count of these children (each once). Faster than `add_child` one
    /// at a time for many children, most of all when they come in order.
    pub fn of_children(children: impl IntoIterator<Item = ChildId>) -> Self {
        let children: ChildSet = children.into_iter().collect();
        Count {
            value: children.len() as u64,
            children,
        }
    }

    /// A count with a value and no children (for tests and hand-built sets).
    pub fn of(value: u64) -> Self {
        Count {
            value,
            children: ChildSet::new(),
        }
    }
}

/// Counts by category, in a fixed order (the code list's, or the order of
/// `measures.md`). Keys are 903 spellings (`"E11"`, `"PN1"`, `"C2"`), age
/// bands (`"under-1"`, `"10-15"`) or snake_case names (`"not_recorded"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub entries: Vec<(String, Count)>,
}

impl Breakdown {
    /// A breakdown with these keys, all zero.
    pub fn with_keys<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Breakdown {
            entries: keys
                .into_iter()
                .map(|k| (k.into(), Count::default()))
                .collect(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Count> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, c)| c)
    }

    /// The count for `key`, added (at the end) if it is not there yet.
    pub fn entry(&mut self, key: &str) -> &mut Count {
        let i = match self.entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.entries.push((key.to_owned(), Count::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// The value for `key` (0 if absent).
    pub fn value(&self, key: &str) -> u64 {
        self.get(key).map_or(0, |c| c.value)
    }

    /// The sum of every entry's value.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|(_, c)| c.value).sum()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

/// Rows of breakdowns: age band × sex, quarter × participation code, month ×
/// (held, in time, late, unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub rows: Vec<(String, Breakdown)>,
}

impl Grid {
    pub fn get(&self, row: &str) -> Option<&Breakdown> {
        self.rows.iter().find(|(k, _)| k == row).map(|(_, b)| b)
    }

    pub fn row_mut(&mut self, row: &str) -> Option<&mut Breakdown> {
        self.rows.iter_mut().find(|(k, _)| k == row).map(|(_, b)| b)
    }

    /// Sum over the rows of column `col`.
    pub fn column_total(&self, col: &str) -> u64 {
        self.rows.iter().map(|(_, b)| b.value(col)).sum()
    }

    /// Sum of every cell.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, b)| b.total()).sum()
    }
}

/// A percentage, kept as the two counts it is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percent {
    pub numerator: Count,
    pub denominator: Count,
}

impl Percent {
    /// The percentage, `None` when the denominator is zero (shown as "–").
    pub fn value(&self) -> Option<f64> {
        percent(self.numerator.value, self.denominator.value)
    }
}

/// `n` ÷ `d` × 100, `None` when `d` is zero.
pub fn percent(n: u64, d: u64) -> Option<f64> {
    (d != 0).then(|| n as f64 * 100.0 / d as f64)
}

/// A rate per 10,000 of the 0–17 population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub count: Count,
    pub population: u64,
    /// The collection year whose 0–17 population figure was used, or
    /// `None` when it was the one figure set for every year without its
    /// own (`MeasureSettings::population_for`).
    #[serde(default)]
    pub population_year: Option<CollectionYear>,
}

impl Rate {
    /// `count` per 10,000 of the 0–17 population of `year`, when the
    /// settings give one (`MeasureSettings::population_for`).
    pub fn of(count: &Count, year: CollectionYear, settings: &MeasureSettings) -> Option<Self> {
        let p = settings.population_for(year)?;
        Some(Rate {
            count: count.clone(),
            population: p.population,
            population_year: p.year,
        })
    }
}

impl Rate {
    pub fn per_10k(&self) -> Option<f64> {
        (self.population != 0).then(|| self.count.value as f64 * 10_000.0 / self.population as f64)
    }
}

/// Children looked after per full-time-equivalent IRO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerFte {
    pub children: Count,
    pub fte: f64,
}

impl PerFte {
    pub fn value(&self) -> Option<f64> {
        (self.fte > 0.0).then(|| self.children.value as f64 / self.fte)
    }
}

/// One IRO's caseload on 31 March.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IroCaseload {
    pub iro: String,
    pub name: String,
    pub fte: f64,
    pub children: Count,
}

impl IroCaseload {
    pub fn per_fte(&self) -> Option<f64> {
        (self.fte > 0.0).then(|| self.children.value as f64 / self.fte)
    }
}

/// An average number of days over a count of cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Average {
    pub count: Count,
    pub total_days: u64,
}

impl Average {
    pub fn value(&self) -> Option<f64> {
        (self.count.value != 0).then(|| self.total_days as f64 / self.count.value as f64)
    }
}

/// The mean of a value over a count of cases (the SDQ score).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mean {
    pub count: Count,
    pub total: u64,
}

impl Mean {
    pub fn value(&self) -> Option<f64> {
        (self.count.value != 0).then(|| self.total as f64 / self.count.value as f64)
    }
}

/// The value of one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Measure {
    Count(Count),
    Breakdown(Breakdown),
    /// Rows keyed by category or quarter (`by_quarter`, age band × sex).
    Grid(Grid),
    /// Twelve rows keyed `"YYYY-MM"`, April first (`*.by_month`).
    Months(Grid),
    Percent(Percent),
    Rate(Rate),
    PerFte(PerFte),
    /// A rate per 10,000 for each month, `"YYYY-MM"` April first, each
    /// with the population of its own month's year
    /// (`cla.rate_per_10k.by_month`).
    MonthRates(Vec<(String, Rate)>),
    Caseload(Vec<IroCaseload>),
    Average(Average),
    Mean(Mean),
}

/// Where one count sits inside a measure: `[]` for a [`Measure::Count`],
/// `[key]` for a breakdown, `[row, column]` for a grid, `["numerator"]` /
/// `["denominator"]` for a percentage, `["count"]` for a rate or average,
/// `["children"]` for a per-FTE figure, `[iro]` for a caseload, `[month,
/// "count"]` for a rate by month.
pub type CellPath = Vec<String>;

impl Measure {
    /// Every count in the measure, with its path.
    pub fn cells(&self) -> Vec<(CellPath, &Count)> {
        match self {
            Measure::Count(c) => vec![(vec![], c)],
            Measure::Breakdown(b) => b
                .entries
                .iter()
                .map(|(k, c)| (vec![k.clone()], c))
                .collect(),
            Measure::Grid(g) | Measure::Months(g) => g
                .rows
                .iter()
                .flat_map(|(r, b)| {
                    b.entries
                        .iter()
                        .map(move |(k, c)| (vec![r.clone(), k.clone()], c))
                })
                .collect(),
            Measure::Percent(p) => vec![
                (vec!["numerator".into()], &p.numerator),
                (vec!["denominator".into()], &p.denominator),
            ],
            Measure::Rate(r) => vec![(vec!["count".into()], &r.count)],
            Measure::PerFte(p) => vec![(vec!["children".into()], &p.children)],
            Measure::MonthRates(v) => v
                .iter()
                .map(|(month, r)| (vec![month.clone(), "count".into()], &r.count))
                .collect(),
            Measure::Caseload(v) => v
                .iter()
                .map(|c| (vec![c.iro.clone()], &c.children))
                .collect(),
            Measure::Average(a) => vec![(vec!["count".into()], &a.count)],
            Measure::Mean(a) => vec![(vec!["count".into()], &a.count)],
        }
    }

    /// The count at `path`.
    pub fn cell(&self, path: &[String]) -> Option<&Count> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match (self, p.as_slice()) {
            (Measure::Count(c), []) => Some(c),
            (Measure::Breakdown(b), [k]) => b.get(k),
            (Measure::Grid(g) | Measure::Months(g), [r, k]) => g.get(r)?.get(k),
            (Measure::Percent(x), ["numerator"]) => Some(&x.numerator),
            (Measure::Percent(x), ["denominator"]) => Some(&x.denominator),
            (Measure::Rate(r), ["count"]) => Some(&r.count),
            (Measure::PerFte(x), ["children"]) => Some(&x.children),
            (Measure::MonthRates(v), [month, "count"]) => {
                v.iter().find(|(m, _)| m == month).map(|(_, r)| &r.count)
            }
            (Measure::Caseload(v), [iro]) => v.iter().find(|c| c.iro == *iro).map(|c| &c.children),
            (Measure::Average(a), ["count"]) => Some(&a.count),
            (Measure::Mean(a), ["count"]) => Some(&a.count),
            _ => None,
        }
    }

    /// The count at `path`, mutably (for tests that corrupt a measure set).
    pub fn cell_mut(&mut self, path: &[String]) -> Option<&mut Count> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        fn in_breakdown<'a>(b: &'a mut Breakdown, k: &str) -> Option<&'a mut Count> {
            b.entries
                .iter_mut()
                .find(|(key, _)| key == k)
                .map(|(_, c)| c)
        }
        match (self, p.as_slice()) {
            (Measure::Count(c), []) => Some(c),
            (Measure::Breakdown(b), [k]) => in_breakdown(b, k),
            (Measure::Grid(g) | Measure::Months(g), [r, k]) => in_breakdown(g.row_mut(r)?, k),
            (Measure::Percent(x), ["numerator"]) => Some(&mut x.numerator),
            (Measure::Percent(x), ["denominator"]) => Some(&mut x.denominator),
            (Measure::Rate(r), ["count"]) => Some(&mut r.count),
            (Measure::PerFte(x), ["children"]) => Some(&mut x.children),
            (Measure::MonthRates(v), [month, "count"]) => v
                .iter_mut()
                .find(|(m, _)| m == month)
                .map(|(_, r)| &mut r.count),
            (Measure::Caseload(v), [iro]) => v
                .iter_mut()
                .find(|c| c.iro == *iro)
                .map(|c| &mut c.children),
            (Measure::Average(a), ["count"]) => Some(&mut a.count),
            (Measure::Mean(a), ["count"]) => Some(&mut a.count),
            _ => None,
        }
    }
}

/// Something in the data that a measure had to work around. `child` is the
/// child's identifier (not a name); `message` holds no name or date of birth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataProblem {
    pub child: ChildId,
    pub message: String,
}

/// A review dated in the year that falls in no period of care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedReview {
    pub child: ChildId,
    pub date: NaiveDate,
}

/// Benchmark figures for one measure (statistical neighbours, best
/// neighbour, England, region, top quartile), as published by the DfE;
/// entered by the council.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Benchmark {
    /// The average of the council's statistical neighbours.
    pub statistical_neighbours: Option<f64>,
    /// The best of the statistical neighbours.
    pub best_neighbour: Option<f64>,
    pub england: Option<f64>,
    /// The council's region.
    pub region: Option<f64>,
    pub top_quartile: Option<f64>,
    /// The benchmark year, e.g. "2021-22".
    pub year: Option<String>,
}

/// The council's choices for the measures (`measures.md`: "where a council
/// wants a different choice, it is a setting, and the report says which
/// setting was used"). Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureSettings {
    /// The review schedule (statutory calendar months, or fixed days).
    pub review_policy: SchedulePolicy,
    /// The LA's 0–17 population (ONS mid-year estimate) for every
    /// collection year without its own figure in `population_0_17_by_year`
    /// (a setting from before there were figures by year keeps its meaning:
    /// one figure for all years). Without either, no rate is computed.
    pub population_0_17: Option<u64>,
    /// The LA's 0–17 population by collection year (`{"2024-25": 56000}`):
    /// a rate per 10,000 uses the figure of its own year.
    pub population_0_17_by_year: BTreeMap<CollectionYear, u64>,
    /// "Data held from": overrides the dataset's `reviews_known_from`.
    pub data_held_from: Option<NaiveDate>,
    /// Working days within which decisions are due (default 5).
    pub decisions_working_days: u32,
    /// Working days within which the record is due (default 20).
    pub record_working_days: u32,
    /// The local, tighter target for the record (default 15).
    pub record_local_target_working_days: u32,
    /// The caseload guideline per FTE IRO (default 50–70).
    pub caseload_guideline: (u32, u32),
    /// The dispute-resolution stages in order (for `challenges.by_stage`).
    pub challenge_stages: Vec<String>,
    /// Local targets, by measure id (a percentage or a count).
    pub targets: BTreeMap<String, f64>,
    /// Benchmarks, by measure id.
    pub benchmarks: BTreeMap<String, Benchmark>,
    /// Timescales for health assessments, dental checks and PEPs.
    pub health_education: crate::health_education::HealthEducationTimescales,
    /// The council's own local authority code (ONS, upper tier: E06…,
    /// E08…, E09…, or a county's E10…, whose area is its districts), as the
    /// DfE's validator asks for it; without it `placements.end.out_of_area`
    /// is not computed.
    pub local_authority_code: Option<String>,
    /// Timescales for secure accommodation, private fostering and foster
    /// carer reviews, disruption meetings, review conferences of child
    /// protection plans and case alerts.
    pub case_records: crate::case_records::CaseRecordTimescales,
    /// The adoption scorecard's thresholds (A10 426 days, A2 121 days).
    pub adoption_thresholds: AdoptionThresholds,
    /// Each census ethnic group's share of the council's 0–17 population,
    /// in per cent, keyed `white`, `mixed`, `asian`, `black`, `other`
    /// (the census; shown beside `profile.end.by_ethnic_group`).
    pub ethnic_population_shares: BTreeMap<String, f64>,
    /// The council's reasons a review was held late (the rows of
    /// `reviews.late_by_reason`, retired ones too); the settings screen's
    /// list (`late_reasons`) wins over this.
    pub late_reasons: crate::lists::CouncilList,
    /// The council's reasons for an inadequate quality grade (the rows of
    /// `quality.inadequate_by_reason`); the settings screen's list
    /// (`inadequate_reasons`) wins over this.
    pub inadequate_reasons: crate::lists::CouncilList,
    /// The council's ways a child's views reach a review (the rows of
    /// `views.by_route`); the settings screen's list (`views_routes`) wins
    /// over this.
    pub views_routes: crate::lists::CouncilList,
    /// The council's forms life-story work takes (no measure counts by
    /// them); the settings screen's list (`life_story_forms`) wins over
    /// this.
    pub life_story_forms: crate::lists::CouncilList,
    /// The council's reasons an IRO records on a colleague's child (no
    /// measure counts by them); the settings screen's list
    /// (`cover_reasons`) wins over this.
    pub cover_reasons: crate::lists::CouncilList,
    /// The council's reasons a review's date is changed (no measure counts
    /// by them; a due date's rule names one); the settings screen's list
    /// (`date_change_reasons`) wins over this.
    pub date_change_reasons: crate::lists::CouncilList,
    /// The council's challenge themes and their sub-themes (the rows of
    /// `challenges.by_theme` and `challenges.formal_by_theme`, retired ones
    /// too); the `challenge_themes` setting wins over this.
    pub challenge_themes: crate::lists::ThemeList,
}

impl Default for MeasureSettings {
    fn default() -> Self {
        MeasureSettings {
            review_policy: SchedulePolicy::statutory(),
            population_0_17: None,
            population_0_17_by_year: BTreeMap::new(),
            data_held_from: None,
            decisions_working_days: 5,
            record_working_days: 20,
            record_local_target_working_days: 15,
            caseload_guideline: (50, 70),
            challenge_stages: ["informal", "stage 1", "stage 2", "stage 3", "stage 4"]
                .map(String::from)
                .to_vec(),
            targets: BTreeMap::new(),
            benchmarks: BTreeMap::new(),
            health_education: Default::default(),
            local_authority_code: None,
            case_records: Default::default(),
            adoption_thresholds: AdoptionThresholds::default(),
            ethnic_population_shares: BTreeMap::new(),
            late_reasons: crate::lists::FormList::LateReasons.default_list(),
            challenge_themes: crate::lists::ThemeList::default_list(),
            inadequate_reasons: crate::lists::FormList::InadequateReasons.default_list(),
            views_routes: crate::lists::FormList::ViewsRoutes.default_list(),
            life_story_forms: crate::lists::FormList::LifeStoryForms.default_list(),
            cover_reasons: crate::lists::FormList::CoverReasons.default_list(),
            date_change_reasons: crate::lists::FormList::DateChangeReasons.default_list(),
        }
    }
}

/// The 0–17 population a rate used: the figure, and the collection year it
/// was set for (`None`: the one figure for every year without its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    pub population: u64,
    pub year: Option<CollectionYear>,
}

/// The measures computed only when the 0–17 population of their year is
/// set (`MeasureSettings::population_for`): a settings key or an indicator
/// naming one is not an error when the population is not set.
pub const POPULATION_RATES: [&str; 4] = [
    "cla.rate_per_10k.end",
    "cla.rate_per_10k.by_month",
    "cla.rate_per_10k.start",
    "starts.rate_per_10k",
];

impl MeasureSettings {
    /// The 0–17 population of collection year `year`: its own figure when
    /// one is set, else the one figure for every year (`population_0_17`),
    /// else none (and no rate is computed for that year). A zero figure is
    /// no figure.
    pub fn population_for(&self, year: CollectionYear) -> Option<Population> {
        match self.population_0_17_by_year.get(&year) {
            Some(&p) if p > 0 => Some(Population {
                population: p,
                year: Some(year),
            }),
            _ => self.population_0_17.filter(|&p| p > 0).map(|p| Population {
                population: p,
                year: None,
            }),
        }
    }

    /// Whether any 0–17 population figure is set.
    pub fn population_set(&self) -> bool {
        self.population_0_17.is_some_and(|p| p > 0)
            || self.population_0_17_by_year.values().any(|&p| p > 0)
    }

    /// The council's list `list`.
    pub fn list(&self, list: crate::lists::FormList) -> &crate::lists::CouncilList {
        match list {
            crate::lists::FormList::LateReasons => &self.late_reasons,
            crate::lists::FormList::InadequateReasons => &self.inadequate_reasons,
            crate::lists::FormList::ViewsRoutes => &self.views_routes,
            crate::lists::FormList::LifeStoryForms => &self.life_story_forms,
            crate::lists::FormList::CoverReasons => &self.cover_reasons,
            crate::lists::FormList::DateChangeReasons => &self.date_change_reasons,
        }
    }

    /// The council's list `list`, to change.
    pub fn list_mut(&mut self, list: crate::lists::FormList) -> &mut crate::lists::CouncilList {
        match list {
            crate::lists::FormList::LateReasons => &mut self.late_reasons,
            crate::lists::FormList::InadequateReasons => &mut self.inadequate_reasons,
            crate::lists::FormList::ViewsRoutes => &mut self.views_routes,
            crate::lists::FormList::LifeStoryForms => &mut self.life_story_forms,
            crate::lists::FormList::CoverReasons => &mut self.cover_reasons,
            crate::lists::FormList::DateChangeReasons => &mut self.date_change_reasons,
        }
    }

    /// The day the council's review data begins: "data held from" when set,
    /// else the dataset's own. Reviews before it are not known, so a
    /// schedule does not count them (the measures and the lists behind
    /// them read it here).
    pub fn reviews_known_from(&self, data: &Dataset) -> Option<NaiveDate> {
        self.data_held_from.or(data.reviews_known_from)
    }
}

/// Every measure for one reporting year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    /// The reporting year (the one the period ends in).
    pub year: CollectionYear,
    /// The days covered (the whole reporting year for the annual report).
    pub period: Period,
    /// Measure id → value, in the order of `measures.md`.
    pub entries: Vec<(String, Measure)>,
    /// Reviews dated in the year in no period of care (`reviews.unmatched`).
    pub unmatched_reviews: Vec<UnmatchedReview>,
    /// What the measures had to work around (broken episode chains, review
    /// schedules that could not be worked out).
    pub problems: Vec<DataProblem>,
    /// IRO id → name, for labelling the per-IRO breakdowns (staff, not
    /// children: never child-level detail).
    #[serde(default)]
    pub iro_names: BTreeMap<String, String>,
    /// Measure id → breakdown key → label, for the breakdowns by a council
    /// list (`reviews.late_by_reason`): the council's own names, retired
    /// entries too ([`Measures::key_label`]).
    #[serde(default)]
    pub list_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// `Some(last day asked for)` when the period asked for ends after the
    /// report date: the figures are then "to date", computed to
    /// `period.last` (the report date), and every screen says so.
    #[serde(default)]
    pub to_date: Option<NaiveDate>,
}

/// The labels of the breakdowns by challenge theme: `challenges.by_theme`
/// and `case_alerts.by_theme` by theme key; `challenges.formal_by_theme`
/// by theme key and by `theme/sub-theme` key.
fn theme_labels(
    themes: &crate::lists::ThemeList,
) -> impl Iterator<Item = (String, BTreeMap<String, String>)> + '_ {
    let by_theme: BTreeMap<String, String> = themes
        .0
        .iter()
        .map(|t| (t.key.clone(), t.label.clone()))
        .collect();
    let mut formal = by_theme.clone();
    for t in &themes.0 {
        for e in &t.sub_themes.0 {
            formal.insert(format!("{}/{}", t.key, e.key), e.label.clone());
        }
    }
    [
        ("challenges.by_theme".to_owned(), by_theme.clone()),
        ("case_alerts.by_theme".to_owned(), by_theme.clone()),
        ("audits.by_theme".to_owned(), by_theme),
        ("challenges.formal_by_theme".to_owned(), formal),
    ]
    .into_iter()
}

impl Measures {
    /// The label of a breakdown key of `measure`: the council's name for
    /// an entry of its list, else [`key_label`].
    pub fn key_label(&self, measure: &str, key: &str) -> String {
        self.list_labels
            .get(measure)
            .and_then(|l| l.get(key))
            .cloned()
            .unwrap_or_else(|| key_label(key))
    }

    pub fn get(&self, id: &str) -> Option<&Measure> {
        self.entries.iter().find(|(k, _)| k == id).map(|(_, m)| m)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Measure> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == id)
            .map(|(_, m)| m)
    }

    /// The value of a [`Measure::Count`].
    pub fn count(&self, id: &str) -> Option<u64> {
        match self.get(id)? {
            Measure::Count(c) => Some(c.value),
            _ => None,
        }
    }

    pub fn breakdown(&self, id: &str) -> Option<&Breakdown> {
        match self.get(id)? {
            Measure::Breakdown(b) => Some(b),
            _ => None,
        }
    }

    pub fn grid(&self, id: &str) -> Option<&Grid> {
        match self.get(id)? {
            Measure::Grid(g) | Measure::Months(g) => Some(g),
            _ => None,
        }
    }

    pub fn percent(&self, id: &str) -> Option<&Percent> {
        match self.get(id)? {
            Measure::Percent(p) => Some(p),
            _ => None,
        }
    }

    /// The count at `path` of measure `id`.
    pub fn cell(&self, id: &str, path: &[String]) -> Option<&Count> {
        self.get(id)?.cell(path)
    }

    fn push(&mut self, id: &str, m: Measure) {
        self.entries.push((id.to_owned(), m));
    }
}

/// A span of days the measures are computed over: a reporting year, a
/// month, the year to date or a rolling twelve months. "On 31 March" in
/// `measures.md` reads as "on the period's last day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Period {
    /// The reporting year (1 April to 31 March).
    pub fn year(y: CollectionYear) -> Self {
        Period {
            first: y.start(),
            last: y.end(),
        }
    }

    /// One calendar month (`None` for a month out of range).
    pub fn month(year: i32, month: u32) -> Option<Self> {
        Some(Period {
            first: NaiveDate::from_ymd_opt(year, month, 1)?,
            last: care::month_end(year, month),
        })
    }

    /// From 1 April of the reporting year that `month` falls in, to the end
    /// of `month`.
    pub fn year_to_date(year: i32, month: u32) -> Option<Self> {
        let m = Period::month(year, month)?;
        Some(Period {
            first: CollectionYear::of(m.first).start(),
            last: m.last,
        })
    }

    /// The twelve months ending with `month`.
    pub fn rolling_year(year: i32, month: u32) -> Option<Self> {
        let m = Period::month(year, month)?;
        let first = m.first.checked_sub_months(chrono::Months::new(11))?;
        Some(Period {
            first,
            last: m.last,
        })
    }

    pub fn start(self) -> NaiveDate {
        self.first
    }

    pub fn end(self) -> NaiveDate {
        self.last
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    /// The reporting year the period ends in.
    pub fn collection_year(self) -> CollectionYear {
        CollectionYear::of(self.last)
    }

    /// The start year of the reporting year the period ends in.
    pub fn start_year(self) -> i32 {
        self.collection_year().start_year()
    }

    /// The `(year, month)` pairs the period touches, in order.
    pub fn months(self) -> Vec<(i32, u32)> {
        use chrono::Datelike;
        let mut out = Vec::new();
        let (mut y, mut m) = (self.first.year(), self.first.month());
        while (y, m) <= (self.last.year(), self.last.month()) {
            out.push((y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }

    /// Where `d`'s month comes in [`Period::months`] (`None` outside them):
    /// the row of a `*.by_month` grid, found without writing its key.
    pub fn month_index(self, d: NaiveDate) -> Option<usize> {
        use chrono::Datelike;
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let i = months(d) - months(self.first);
        (i >= 0 && months(d) <= months(self.last)).then_some(i as usize)
    }

    /// The period as it stands on `as_of`: cut to end on `as_of` when it
    /// ends later (with `Some(its last day)`, "to date"); a period that
    /// starts after `as_of` shrinks to its first day.
    pub fn to_date(self, as_of: NaiveDate) -> (Period, Option<NaiveDate>) {
        if self.last <= as_of {
            (self, None)
        } else {
            (
                Period {
                    first: self.first,
                    last: as_of.max(self.first),
                },
                Some(self.last),
            )
        }
    }

    /// The reporting-year quarter of `d`'s month.
    pub fn quarter_of(self, d: NaiveDate) -> crate::dates::Quarter {
        use chrono::Datelike;
        crate::dates::Quarter::of_month(d.month())
    }
}

/// Computes every measure of `measures.md` for the reporting year `year`.
pub fn compute(
    data: &Dataset,
    year: CollectionYear,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Measures {
    compute_period(data, Period::year(year), settings, calendar)
}

/// Computes every measure over `period` as it stood on `as_of` (the report
/// date): a period that ends after `as_of` is computed to `as_of` and marked
/// "to date" ([`Measures::to_date`]); a period that starts after it has
/// nothing to count and is computed over its first day. The one engine
/// behind the annual report, the performance page, the dashboard and every
/// report screen.
pub fn compute_as_of(
    data: &Dataset,
    period: Period,
    as_of: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Measures {
    let mut problems = Vec::new();
    let care = care::CareIndex::build(data, &mut problems);
    let reviewed = reviews::ReviewIndex::build(data, &care, period.first, settings, calendar);
    compute_to_date(
        data,
        &care,
        &reviewed,
        problems,
        period,
        as_of,
        settings,
        calendar,
        Extent::Every,
    )
}

/// Computes every measure for any period (the performance page's months,
/// year to date and rolling years). Snapshots ("on 31 March") are taken on
/// the period's last day, which is also the report date (midway points and
/// reviews not yet held are judged on it); `*.by_month` has one row per
/// month touched.
pub fn compute_period(
    data: &Dataset,
    period: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Measures {
    let mut problems = Vec::new();
    let care = care::CareIndex::build(data, &mut problems);
    let reviewed = reviews::ReviewIndex::build(data, &care, period.first, settings, calendar);
    compute_with(
        data,
        &care,
        &reviewed,
        problems,
        period,
        settings,
        calendar,
        Extent::Every,
    )
}

/// How much of the engine a period is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Every measure of `measures.md`.
    Every,
    /// Only the sections that hold the headline figures of the five-year
    /// trends (`trend.*`): children in care, starts and endings
    /// (`cla.*`, `starts.*`, `ceased.*`, `profile.*`), reviews
    /// (`reviews.*`), participation and stability, each section whole, so
    /// every figure it holds is the one [`Extent::Every`] gives. The
    /// annual report's three earliest trend years need no more, and their
    /// records need only the children, their episodes, reviews and review
    /// date changes ([`Extent::records`]). The adoption scorecard too (the
    /// three-year averages of A10 and A2 add up a year's and the two
    /// before it), which also reads the children's AD1 and PlacedAdoption
    /// records.
    Headline,
}

/// The kinds of the 903's other tables ([`crate::return_tables`]) the
/// measures read: care leavers' outcomes (OC3), adoptions (AD1) and
/// decisions to place for adoption (PlacedAdoption). No measure reads
/// permanence before care (PrevPerm), social worker episodes (SWEpisodes)
/// or deprivation of liberty orders (DoLo), so a report's read (the
/// store's `Scope::Extents`) leaves them out: at England size they were
/// three quarters of those tables' records.
pub const RETURN_TABLES_READ: [&str; 3] = {
    use crate::return_tables::{Adoption, AdoptionDecision, CareLeaverOutcome, TableRecord};
    [
        CareLeaverOutcome::KIND,
        Adoption::KIND,
        AdoptionDecision::KIND,
    ]
};

/// The records an [`Extent`] reads, beyond the children themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Every kind of record the council holds.
    Every,
    /// Episodes, reviews (with their participation), review date changes
    /// and the adoption records (AD1, PlacedAdoption) only: what the
    /// store's `Scope::Extents` reads of the headline years' children, in
    /// the same read as the rest.
    Care,
}

impl Extent {
    /// The records this extent's sections read.
    pub fn records(self) -> Records {
        match self {
            Extent::Every => Records::Every,
            Extent::Headline => Records::Care,
        }
    }
}

/// Several periods as they stood on `as_of` (each as [`compute_as_of`]),
/// assembling the council's periods of care once for all of them: the
/// dashboard's month and year to date, the performance page's columns.
pub fn compute_periods_as_of(
    data: &Dataset,
    periods: &[Period],
    as_of: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Vec<Measures> {
    let periods: Vec<(Period, Extent)> = periods.iter().map(|&p| (p, Extent::Every)).collect();
    compute_extents_as_of(data, &periods, as_of, settings, calendar)
}

/// Several periods as [`compute_periods_as_of`] does, each computed to its
/// own [`Extent`]: the annual report's two years whole and the trend's
/// earlier years for their headline figures only.
pub fn compute_extents_as_of(
    data: &Dataset,
    periods: &[(Period, Extent)],
    as_of: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Vec<Measures> {
    let mut problems = Vec::new();
    let care = care::CareIndex::build(data, &mut problems);
    let Some(first) = periods.iter().map(|(p, _)| p.first).min() else {
        return Vec::new();
    };
    let reviewed = reviews::ReviewIndex::build(data, &care, first, settings, calendar);
    let one = |p: Period, extent: Extent| {
        compute_to_date(
            data,
            &care,
            &reviewed,
            problems.clone(),
            p,
            as_of,
            settings,
            calendar,
            extent,
        )
    };
    // The periods shared among the machine's cores: they only read the
    // records and the assembled periods of care, so a report's two years,
    // or the dashboard's month and year, take the time of the longer one.
    crate::parallel::on_cores(periods, |&(p, extent)| one(p, extent))
}

/// `period` cut to the report date `as_of` and computed, marked "to date"
/// when it was cut.
#[allow(clippy::too_many_arguments)]
fn compute_to_date(
    data: &Dataset,
    care: &care::CareIndex,
    reviewed: &reviews::ReviewIndex,
    problems: Vec<DataProblem>,
    period: Period,
    as_of: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
    extent: Extent,
) -> Measures {
    let (clipped, to_date) = period.to_date(as_of);
    let mut m = compute_with(
        data, care, reviewed, problems, clipped, settings, calendar, extent,
    );
    m.to_date = to_date;
    m
}

/// The days whose records the measures of `periods` read: from the day
/// before the first period starts (the "at the start" snapshot) to the last
/// day of the last. A child none of whose records (an episode, missing
/// episode or allocation open on one of these days; a review, midway check,
/// visit or challenge dated in them, or a challenge still open; an OC3 or
/// AD1 record of a collection year starting in them) touches them changes
/// no figure of these periods, so a report may load only the
/// children whose records do (the store's `Scope::Active`). `None` for no
/// periods.
pub fn records_window(periods: &[Period]) -> Option<(NaiveDate, NaiveDate)> {
    let first = periods.iter().map(|p| p.start()).min()?;
    let last = periods.iter().map(|p| p.end()).max()?;
    Some((first.pred_opt().unwrap_or(first), last))
}

#[allow(clippy::too_many_arguments)]
fn compute_with(
    data: &Dataset,
    care: &care::CareIndex,
    reviewed: &reviews::ReviewIndex,
    mut problems: Vec<DataProblem>,
    period: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
    extent: Extent,
) -> Measures {
    // The problems of the children whose episodes touch the period: a chain
    // problem of a child who left care years before is not this period's
    // (and a report that loads only the period's children gives the same).
    if let Some((from, to)) = records_window(&[period]) {
        problems.retain(|p| care.get(&p.child).is_some_and(|c| c.touches(from, to)));
    }
    let mut out = Measures {
        year: period.collection_year(),
        period,
        entries: Vec::new(),
        unmatched_reviews: Vec::new(),
        problems,
        iro_names: data
            .iros
            .iter()
            .map(|i| (i.id.0.clone(), i.name.clone()))
            .collect(),
        list_labels: crate::lists::FormList::ALL
            .into_iter()
            .filter_map(|list| Some((list, list.measure()?)))
            .map(|(list, measure)| {
                let labels = settings
                    .list(list)
                    .0
                    .iter()
                    .map(|e| (e.key.clone(), e.label.clone()))
                    .collect();
                (measure.to_owned(), labels)
            })
            .chain(theme_labels(&settings.challenge_themes))
            .chain([(
                "audits.by_requester".to_owned(),
                crate::case_records::AuditRequester::ALL
                    .iter()
                    .map(|r| (r.key().to_owned(), r.label().to_owned()))
                    .collect(),
            )])
            .collect(),
        to_date: None,
    };
    care::children_in_care(care, period, settings, &mut out);
    let schedules = reviews::reviews(reviewed, data, care, period, settings, calendar, &mut out);
    reviews::participation(&schedules.held, period, &mut out);
    care::stability(care, period, &mut out);
    // The adoption scorecard of every year: the report's three-year
    // averages add up the scorecards of a year and the two before it.
    adoption_leavers::scorecard(data, care, period, settings.adoption_thresholds, &mut out);
    if extent == Extent::Headline {
        return out;
    }
    care::placement_moves(care, period, &mut out);
    placement_location::placement_location(care, period, settings, &mut out);
    placement_location::unregistered(care, period, settings, &mut out);
    care::provider_and_projection(care, period, &mut out);
    care::profile_through_the_year(care, period, &mut out);
    reviews::participation_last_review(data, care, period, &mut out);
    iro::service(data, care, &schedules, period, settings, calendar, &mut out);
    iro::footprint(data, care, period, &mut out);
    iro::challenges(data, period, settings, calendar, &mut out);
    care::adoption_missing_short_breaks(data, care, period, &mut out);
    adoption_leavers::care_leavers(data, care, period, &mut out);
    health::outcomes(data, care, period, &mut out);
    health_education::measures(
        data,
        care,
        period,
        &settings.health_education,
        calendar,
        &mut out,
    );
    case_records::measures(data, care, period, settings, calendar, &mut out);
    out
}

/// Age bands of `measures.md` (`starts.by_age_band`, `profile.end.*`).
pub const AGE_BANDS: [&str; 6] = ["under-1", "1-4", "5-9", "10-15", "16-17", "18+"];

/// The age band of an age in completed years.
pub fn age_band(age: u32) -> &'static str {
    match age {
        0 => "under-1",
        1..=4 => "1-4",
        5..=9 => "5-9",
        10..=15 => "10-15",
        16..=17 => "16-17",
        _ => "18+",
    }
}

/// A plain-English label for a breakdown key (a code's label, an age band,
/// a snake_case name).
pub fn key_label(key: &str) -> String {
    use crate::codes::*;
    if let Ok(c) = key.parse::<ParticipationCode>() {
        return format!("{key} – {}", c.label());
    }
    if let Ok(c) = key.parse::<ReasonEpisodeCeased>() {
        return format!("{key} – {}", c.label());
    }
    if let Ok(c) = key.parse::<LegalStatus>() {
        return format!("{key} – {}", c.label());
    }
    if let Ok(c) = key.parse::<PlacementType>() {
        return format!("{key} – {}", c.label());
    }
    if let Ok(c) = key.parse::<Ethnicity>() {
        return format!("{key} – {}", c.label());
    }
    if let Ok(c) = key.parse::<ReasonPlaceChange>() {
        return format!("{key} – {}", c.label());
    }
    if let Some(r) = crate::model::AttendeeRole::from_key(key) {
        return r.label().to_owned();
    }
    if let Some(g) = crate::model::QualityGrade::from_key(key) {
        return g.label().to_owned();
    }
    if let Some(r) = crate::model::LateReason::from_key(key) {
        return r.label().to_owned();
    }
    match key {
        "under-1" => "Under 1".into(),
        "M" => "Male".into(),
        "F" => "Female".into(),
        "U" => "Not known".into(),
        "none" => "Not recorded".into(),
        _ => {
            let s = key.replace('_', " ");
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => s,
            }
        }
    }
}
