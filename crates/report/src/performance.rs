//! The performance page ("performance on a page"): a configurable list of
//! indicators, each with its definition, the last three months, the year to
//! date, which way is good, the direction of travel, a red/amber/green
//! rating against the council's thresholds, last year's value and the
//! benchmarks (statistical neighbours, England, top quartile) from the
//! settings.
//!
//! The default list covers the looked-after-children indicators of the
//! Rotherham corporate parenting panel pack that Footprint's data can
//! compute (CLA number and rate, admissions, UASC, reviews in time,
//! participation, missing, ceased and permanence, long-term stability, 3+
//! placements, family-based, kinship and parental placements, caseload,
//! midway checks, decisions and records in time, overdue reviews,
//! challenges), adoption (the scorecard) and care leavers (903 OC3), then
//! health assessments, SDQs, immunisations and PEPs recorded in Footprint
//! (references HE.1–HE.8). Indicators whose records Footprint does not hold
//! say "not held".

use std::collections::HashMap;
use std::fmt::Write;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::{CollectionYear, month_name};
use footprint_domain::measures;
use footprint_domain::measures::{Benchmark, Measure, MeasureSettings, Measures, Period, percent};
use footprint_domain::model::Dataset;
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};

use crate::ReportError;
use crate::audit::{Figure, Op, Publication};
use crate::checks::CellRef;
use crate::json::round1;
use crate::svg::escape;

/// Which way is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Higher is better.
    High,
    /// Lower is better.
    Low,
    /// For information: neither.
    Info,
}

/// How a monthly value is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// On the month's last day; no year-to-date figure.
    Snapshot,
    /// Over the month; the year to date over April to the month.
    Flow,
    /// Over the twelve months ending with the month; no year to date.
    RollingYear,
}

/// A count read from a measure set: a count measure (no `keys`), or the
/// sum of the entries `keys` of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counted {
    pub measure: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

impl Counted {
    fn read(&self, m: &Measures) -> Option<u64> {
        if self.keys.is_empty() {
            m.count(&self.measure)
        } else {
            let b = m.breakdown(&self.measure)?;
            Some(self.keys.iter().map(|k| b.value(k)).sum())
        }
    }

    /// The count's name on the page's audit.
    fn name(&self) -> String {
        if self.keys.is_empty() {
            self.measure.clone()
        } else {
            format!("{}[{}]", self.measure, self.keys.join("+"))
        }
    }

    fn check(&self, m: &Measures) -> Result<(), String> {
        if self.keys.is_empty() {
            expect(
                m,
                &self.measure,
                "a count",
                m.count(&self.measure).is_some(),
            )
        } else {
            expect(
                m,
                &self.measure,
                "a breakdown",
                m.breakdown(&self.measure).is_some(),
            )
        }
    }
}

/// `Ok` if `ok`; else why `measure` cannot be read as `what`.
fn expect(m: &Measures, measure: &str, what: &str, ok: bool) -> Result<(), String> {
    if ok {
        Ok(())
    } else if m.get(measure).is_none() {
        Err(format!(
            "`{measure}` is not a measure (the measures are listed in docs/measures.md)"
        ))
    } else {
        Err(format!("`{measure}` is not {what}"))
    }
}

/// How to read an indicator's value from a measure set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueRule {
    /// A count measure.
    Count { measure: String },
    /// A percentage measure.
    Percent { measure: String },
    /// A rate per 10,000 (needs the population setting).
    Rate { measure: String },
    /// Children per FTE.
    PerFte { measure: String },
    /// The entries `keys` of breakdown `measure` as a percentage of the
    /// count measure `of`.
    Share {
        measure: String,
        keys: Vec<String>,
        of: String,
    },
    /// Part of a breakdown, counted: the entries `keys` of `measure` (for
    /// example periods ended by a special guardianship order, REC E43,
    /// E44, E47 and E48 of `ceased.by_reason`); or of a percentage, its
    /// `numerator` or `denominator` (adoptions within 12 months of the
    /// decision).
    Part { measure: String, keys: Vec<String> },
    /// A mean measure (for example `health.sdq_mean`).
    Mean { measure: String },
    /// One count as a percentage of another.
    PercentOf {
        numerator: Counted,
        denominator: Counted,
    },
    /// A figure from records Footprint does not hold (care plans, social
    /// workers' visits, care leavers…): the row stays on the page and says
    /// "not held".
    NotHeld { unit: Unit },
}

impl ValueRule {
    /// Whether the rule reads a measure set it can be read from: every
    /// measure it names exists and is of the kind it reads. The error names
    /// the measure. A rate needs the 0–17 population of its year; without
    /// it the rate is not known, which the page says, so it is not an
    /// error.
    pub fn check(&self, m: &Measures) -> Result<(), String> {
        match self {
            ValueRule::Count { measure } => {
                expect(m, measure, "a count", m.count(measure).is_some())
            }
            ValueRule::Percent { measure } => {
                expect(m, measure, "a percentage", m.percent(measure).is_some())
            }
            ValueRule::Rate { measure } => {
                if m.get(measure).is_none() && measures::POPULATION_RATES.contains(&&**measure) {
                    return Ok(());
                }
                expect(
                    m,
                    measure,
                    "a rate per 10,000",
                    matches!(m.get(measure), Some(Measure::Rate(_))),
                )
            }
            ValueRule::PerFte { measure } => expect(
                m,
                measure,
                "children per FTE",
                matches!(m.get(measure), Some(Measure::PerFte(_))),
            ),
            ValueRule::Share { measure, of, .. } => {
                expect(m, measure, "a breakdown", m.breakdown(measure).is_some())?;
                expect(m, of, "a count", m.count(of).is_some())
            }
            ValueRule::Part { measure, keys } => {
                if m.percent(measure).is_some() {
                    match keys
                        .iter()
                        .find(|k| *k != "numerator" && *k != "denominator")
                    {
                        Some(k) => Err(format!(
                            "`{measure}` is a percentage: a part of it is its `numerator` or `denominator`, not `{k}`"
                        )),
                        None => Ok(()),
                    }
                } else {
                    expect(m, measure, "a breakdown", m.breakdown(measure).is_some())
                }
            }
            ValueRule::Mean { measure } => expect(
                m,
                measure,
                "an average",
                matches!(m.get(measure), Some(Measure::Mean(_) | Measure::Average(_))),
            ),
            ValueRule::PercentOf {
                numerator,
                denominator,
            } => {
                numerator.check(m)?;
                denominator.check(m)
            }
            ValueRule::NotHeld { .. } => Ok(()),
        }
    }

    /// Whether the figure is a count (audited as one on a published page).
    pub fn is_count(&self) -> bool {
        matches!(self, ValueRule::Count { .. } | ValueRule::Part { .. })
    }

    /// The measure the figure is of, for finding its benchmark and target
    /// when they are keyed by measure id.
    pub fn measure(&self) -> &str {
        match self {
            ValueRule::Count { measure }
            | ValueRule::Percent { measure }
            | ValueRule::Rate { measure }
            | ValueRule::PerFte { measure }
            | ValueRule::Share { measure, .. }
            | ValueRule::Part { measure, .. }
            | ValueRule::Mean { measure } => measure,
            ValueRule::PercentOf { numerator, .. } => &numerator.measure,
            ValueRule::NotHeld { .. } => "",
        }
    }
}

/// Red/amber/green thresholds. For "high is good": red below `red`, green
/// at or above `green`, amber between. For "low is good": red at or above
/// `red`, green below `green`, amber between.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub red: f64,
    pub green: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    /// The council's reference for the row (Rotherham's "4.1"…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// The plan the indicator answers to (a success-measure or Council Plan
    /// code, e.g. "TB4" or "CH04").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plan_code: String,
    pub name: String,
    pub definition: String,
    pub basis: Basis,
    pub value: ValueRule,
    pub polarity: Polarity,
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
    /// Shown as a tile of "performance on a page".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tile: bool,
}

/// The indicator list (a settings file can replace it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerformanceSettings {
    pub indicators: Vec<Indicator>,
}

impl PerformanceSettings {
    /// Every indicator reads measures that exist, of the kind it reads, and
    /// no two share an id. The error names the indicator and the measure.
    pub fn check(&self, m: &Measures) -> Result<(), PerformanceError> {
        let mut seen = std::collections::BTreeSet::new();
        for i in &self.indicators {
            if !seen.insert(i.id.as_str()) {
                return Err(PerformanceError::Indicators(format!(
                    "indicator `{}` is listed twice",
                    i.id
                )));
            }
            i.value
                .check(m)
                .map_err(|e| PerformanceError::Indicators(format!("indicator `{}`: {e}", i.id)))?;
        }
        Ok(())
    }
}

/// Every key of the settings' `targets` and `benchmarks` names a measure
/// of `m` or an indicator of `perf`; the error names the first that does
/// not (a figure keyed by a mistyped id would otherwise never be shown).
/// Each part is its own check ([`check_measure_key`],
/// [`check_ethnic_share`], [`check_population`]) so a form can put the
/// error on its field.
pub fn check_settings(
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
    m: &Measures,
) -> Result<(), String> {
    if let Some(code) = &settings.local_authority_code {
        footprint_domain::measures::check_local_authority_code(code)?;
    }
    for (group, share) in &settings.ethnic_population_shares {
        check_ethnic_share(group, *share)?;
    }
    settings
        .case_records
        .check()
        .map_err(|e| format!("settings: {e}"))?;
    for list in footprint_domain::lists::FormList::ALL {
        if let Some(problem) = settings.list(list).check().first() {
            return Err(format!("settings: `{}`: {problem}", list.key()));
        }
    }
    if let Some(p) = settings.population_0_17 {
        check_population("population_0_17", p)?;
    }
    for (year, p) in &settings.population_0_17_by_year {
        check_population(&format!("population_0_17_by_year` for `{year}"), *p)?;
    }
    for (id, target) in &settings.targets {
        check_measure_key("targets", id, perf, m)?;
        check_figure("targets", id, *target, perf, m)?;
    }
    for (id, b) in &settings.benchmarks {
        check_measure_key("benchmarks", id, perf, m)?;
        for v in [
            b.statistical_neighbours,
            b.best_neighbour,
            b.england,
            b.region,
            b.top_quartile,
        ]
        .into_iter()
        .flatten()
        {
            check_figure("benchmarks", id, v, perf, m)?;
        }
        if let Some(year) = &b.year {
            year.parse::<CollectionYear>()
                .map_err(|e| format!("settings: `benchmarks` for `{id}`: the year {e}"))?;
        }
    }
    Ok(())
}

/// What a target or benchmark keyed `id` is a figure of: an indicator's
/// unit, else its measure's (`None` when `id` names neither).
pub fn key_unit(id: &str, perf: &PerformanceSettings, m: &Measures) -> Option<Unit> {
    if let Some(i) = perf.indicators.iter().find(|i| i.id == id) {
        return Some(i.value.unit());
    }
    if measures::POPULATION_RATES.contains(&id) {
        return Some(Unit::Rate);
    }
    Some(match m.get(id)? {
        Measure::Percent(_) => Unit::Percent,
        Measure::Rate(_) => Unit::Rate,
        Measure::PerFte(_) => Unit::PerFte,
        Measure::Mean(_) | Measure::Average(_) => Unit::Mean,
        _ => Unit::Count,
    })
}

/// A target or benchmark figure for `id` is a number the measure can be:
/// a percentage from 0 to 100 for a percentage, else not below 0.
pub fn check_figure(
    what: &str,
    id: &str,
    value: f64,
    perf: &PerformanceSettings,
    m: &Measures,
) -> Result<(), String> {
    let percent = key_unit(id, perf, m) == Some(Unit::Percent);
    if !value.is_finite() || value < 0.0 || (percent && value > 100.0) {
        return Err(format!(
            "settings: `{what}` gives `{id}` {value}, which is not {}",
            if percent {
                "a percentage from 0 to 100"
            } else {
                "a figure of 0 or more"
            }
        ));
    }
    Ok(())
}

/// A key of the settings' `what` (`targets` or `benchmarks`) names a
/// measure of `m` (or one computed only with the 0–17 population,
/// [`measures::POPULATION_RATES`]) or an indicator of `perf`; else an
/// error naming it.
pub fn check_measure_key(
    what: &str,
    id: &str,
    perf: &PerformanceSettings,
    m: &Measures,
) -> Result<(), String> {
    let known = m.get(id).is_some()
        || measures::POPULATION_RATES.contains(&id)
        || perf.indicators.iter().any(|i| i.id == id);
    if known {
        Ok(())
    } else {
        Err(format!(
            "settings: `{what}` has `{id}`, which is neither a measure (docs/measures.md) nor an indicator of the performance page"
        ))
    }
}

/// The keys of the setting `ethnic_population_shares`, with their labels:
/// the census's five ethnic groups, then `bme`, the share of the council's
/// children who are black and minority ethnic (every group but White
/// British, as `profile.end.bme` counts it), which the census gives too.
pub fn population_share_keys() -> Vec<(&'static str, &'static str)> {
    footprint_domain::codes::EthnicGroup::ALL
        .iter()
        .filter(|g| g.key() != "not_known")
        .map(|g| (g.key(), g.label()))
        .chain([(
            "bme",
            "Black and minority ethnic (every ethnicity but White British)",
        )])
        .collect()
}

/// A census ethnic group's share of the 0–17 population: the group is one
/// of the census's five, or `bme`, and the share a percentage from 0 to
/// 100.
pub fn check_ethnic_share(group: &str, share: f64) -> Result<(), String> {
    if !population_share_keys().iter().any(|(k, _)| *k == group) {
        return Err(format!(
            "settings: `ethnic_population_shares` has `{group}`, which is not a census ethnic group (white, mixed, asian, black, other) or bme"
        ));
    }
    if !(0.0..=100.0).contains(&share) {
        return Err(format!(
            "settings: `ethnic_population_shares` gives `{group}` {share}, which is not a percentage from 0 to 100"
        ));
    }
    Ok(())
}

/// A 0–17 population figure is at least one child (a zero would be read
/// as no figure and silently drop a rate).
pub fn check_population(what: &str, population: u64) -> Result<(), String> {
    if population == 0 {
        Err(format!(
            "settings: `{what}` is 0: a 0–17 population is at least 1 (leave it out when not known)"
        ))
    } else {
        Ok(())
    }
}

/// The measure set the settings and the indicator list are checked
/// against when no report is being made (the settings screen): the
/// measures of no records, with a 0–17 population and a local authority
/// code so that the measures computed only with them are in it too.
/// Every measure id is in every period's set, so any year serves.
pub fn catalogue() -> Measures {
    let settings = MeasureSettings {
        population_0_17: Some(10_000),
        local_authority_code: Some("E09000027".to_owned()),
        ..MeasureSettings::default()
    };
    measures::compute_period(
        &Dataset::default(),
        Period::year(CollectionYear::new(2024)),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    )
}

/// The settings and the indicator list as a report will check them
/// ([`PerformanceSettings::check`] and [`check_settings`]), against the
/// [`catalogue`]: what the settings screen runs before it saves anything,
/// so it refuses exactly what `--settings` and `--indicators` files would.
pub fn check_before_saving(
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
) -> Result<(), String> {
    let m = catalogue();
    check_indicators(perf, &m)?;
    check_settings(settings, perf, &m)
}

/// [`PerformanceSettings::check`], its error as a form says it (without
/// "the performance page was not written").
pub fn check_indicators(perf: &PerformanceSettings, m: &Measures) -> Result<(), String> {
    perf.check(m).map_err(|e| match e {
        PerformanceError::Indicators(why) => why,
        e => e.to_string(),
    })
}

fn ind(
    id: &str,
    name: &str,
    definition: &str,
    basis: Basis,
    value: ValueRule,
    polarity: Polarity,
    thresholds: Option<(f64, f64)>,
) -> Indicator {
    Indicator {
        id: id.into(),
        reference: String::new(),
        plan_code: String::new(),
        name: name.into(),
        definition: definition.into(),
        basis,
        value,
        polarity,
        thresholds: thresholds.map(|(red, green)| Thresholds { red, green }),
        tile: false,
    }
}

fn count(m: &str) -> ValueRule {
    ValueRule::Count { measure: m.into() }
}

fn pct(m: &str) -> ValueRule {
    ValueRule::Percent { measure: m.into() }
}

fn share(m: &str, keys: &[&str], of: &str) -> ValueRule {
    ValueRule::Share {
        measure: m.into(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        of: of.into(),
    }
}

fn not_held(unit: Unit) -> ValueRule {
    ValueRule::NotHeld { unit }
}

impl Indicator {
    /// The same indicator with the council's reference.
    fn reference(mut self, r: &str) -> Self {
        self.reference = r.into();
        self
    }

    /// The same indicator shown as a tile of "performance on a page".
    fn tile(mut self) -> Self {
        self.tile = true;
        self
    }
}

impl Default for PerformanceSettings {
    /// The 31 indicators of the looked-after-children block of Rotherham's
    /// corporate parenting performance report (references 4.1–4.31; one
    /// whose records Footprint does not hold says "not held"), then the IRO
    /// service's own (references IRO.1–IRO.7), then the health and
    /// education records kept in Footprint beyond Rotherham's (HE.1–HE.8).
    fn default() -> Self {
        use Basis::*;
        use Polarity::*;
        const PERMANENCE: [&str; 7] = ["E11", "E12", "E41", "E45", "E46", "E47", "E48"];
        let rotherham = vec![
            ind(
                "cla.count",
                "Number of looked-after children",
                "Children looked after on the last day of the month (cla.end), short breaks excluded.",
                Snapshot,
                count("cla.end"),
                Info,
                None,
            )
            .tile(),
            ind(
                "cla.rate",
                "Rate of looked-after children per 10,000 aged 0–17",
                "cla.end ÷ the 0–17 population (a setting) × 10,000.",
                Snapshot,
                ValueRule::Rate {
                    measure: "cla.rate_per_10k.end".into(),
                },
                Low,
                None,
            ),
            ind(
                "admissions",
                "Number of admissions",
                "Periods of care that started in the month (starts.periods).",
                Flow,
                count("starts.periods"),
                Info,
                None,
            )
            .tile(),
            ind(
                "uasc",
                "Number of looked-after UASC",
                "Looked-after children who are unaccompanied asylum-seeking children on the month's last day.",
                Snapshot,
                count("profile.end.uasc"),
                Info,
                None,
            ),
            ind(
                "plans.up_to_date",
                "% of eligible looked-after children with an up-to-date plan",
                "Care plans are not recorded in Footprint.",
                Snapshot,
                not_held(Unit::Percent),
                High,
                Some((87.0, 95.0)),
            ),
            ind(
                "visits.statutory",
                "% of looked-after children's visits up to date and within timescale",
                "Social workers' statutory visits are not recorded in Footprint (the IRO's own visits are, in the annual report).",
                Snapshot,
                not_held(Unit::Percent),
                High,
                Some((90.0, 98.0)),
            ),
            ind(
                "reviews.in_time",
                "% of reviews held in time",
                "Reviews held in time ÷ reviews held whose due date is known (reviews.in_time_pct).",
                Flow,
                pct("reviews.in_time_pct"),
                High,
                Some((87.0, 95.0)),
            )
            .tile(),
            ind(
                "health.iha_in_time",
                "% of initial health assessments within timescale",
                "Initial health assessments due that were done in time (health.assessments.initial_in_time).",
                Flow,
                pct("health.assessments.initial_in_time"),
                High,
                None,
            )
            .tile(),
            ind(
                "health.up_to_date",
                "% with an up-to-date health assessment",
                "Children in care on the month's last day whose health assessment was up to date (health.assessments.up_to_date.end).",
                Snapshot,
                pct("health.assessments.up_to_date.end"),
                High,
                Some((87.0, 95.0)),
            ),
            ind(
                "health.dental_up_to_date",
                "% with an up-to-date dental check",
                "Children in care on the month's last day whose dental check was up to date (health.assessments.dental_up_to_date.end).",
                Snapshot,
                pct("health.assessments.dental_up_to_date.end"),
                High,
                Some((87.0, 95.0)),
            ),
            ind(
                "yot",
                "Number of looked-after children known to the youth offending team",
                "Youth offending team involvement is not recorded in Footprint.",
                Snapshot,
                not_held(Unit::Count),
                Info,
                None,
            ),
            ind(
                "ehcp",
                "Number of looked-after children with an EHC plan",
                "Education, health and care plans are not recorded in Footprint.",
                Snapshot,
                not_held(Unit::Count),
                Info,
                None,
            ),
            ind(
                "missing",
                "Number of looked-after children missing at least once",
                "Children with a missing (M) episode that began in the month.",
                Flow,
                count("missing.children"),
                Info,
                None,
            ),
            ind(
                "ceased",
                "Number who ceased to be looked after",
                "Periods of care that ended in the month (REC not X1).",
                Flow,
                count("ceased.total"),
                High,
                None,
            )
            .tile(),
            ind(
                "sgo_cao.granted",
                "Number of SGOs and CAOs granted after being looked after (legal status)",
                "Orders granted are not recorded apart from the reason care ended (see the next row).",
                Flow,
                not_held(Unit::Count),
                Info,
                None,
            ),
            ind(
                "ceased.sgo_cao",
                "Number ceased to be looked after due to an SGO or CAO",
                "Periods of care ended with REC E41 (residence or child arrangements order) or E45–E48 (special guardianship order).",
                Flow,
                ValueRule::Part {
                    measure: "ceased.by_reason".into(),
                    keys: ["E41", "E45", "E46", "E47", "E48"].map(String::from).to_vec(),
                },
                Info,
                None,
            ),
            ind(
                "ceased.permanence",
                "% ceased due to permanence (adoption, SGO, CAO)",
                "Periods ended with REC E11, E12, E41, E45–E48 ÷ all periods ended.",
                Flow,
                share("ceased.by_reason", &PERMANENCE, "ceased.total"),
                High,
                Some((27.0, 35.0)),
            ),
            ind(
                "stability.long_term",
                "% of long-term looked-after children stable for 2 years",
                "Children under 16 looked after for 2½ years or more who have been in the same placement for 2 years (or placed for adoption) (stability.long_term_pct).",
                Snapshot,
                pct("stability.long_term_pct"),
                High,
                Some((62.0, 70.0)),
            )
            .tile(),
            ind(
                "stability.three_plus",
                "% of looked-after children with 3+ placements (rolling 12 months)",
                "Children looked after on the month's last day with 3 or more placements in the 12 months to then.",
                RollingYear,
                pct("stability.three_plus_pct"),
                Low,
                Some((16.0, 8.0)),
            )
            .tile(),
            ind(
                "placement.family",
                "% in family-based settings",
                "Children in foster care (U1–U6) or placed for adoption (A3–A6) ÷ looked-after children.",
                Snapshot,
                share(
                    "profile.end.by_placement",
                    &["U1", "U2", "U3", "U4", "U5", "U6", "A3", "A4", "A5", "A6"],
                    "cla.end",
                ),
                High,
                Some((77.0, 85.0)),
            ),
            ind(
                "placement.parents",
                "% placed with parents (P1)",
                "Children placed with parents (P1) ÷ looked-after children.",
                Snapshot,
                share("profile.end.by_placement", &["P1"], "cla.end"),
                Low,
                None,
            ),
            ind(
                "placement.kinship",
                "% in kinship care",
                "Children fostered by relatives or friends (U1–U3) ÷ looked-after children.",
                Snapshot,
                share("profile.end.by_placement", &["U1", "U2", "U3"], "cla.end"),
                High,
                Some((8.0, 12.0)),
            ),
            ind(
                "fostering.approvals",
                "Number of placements created through foster-carer approvals",
                "Foster-carer approvals are not recorded in Footprint.",
                Flow,
                not_held(Unit::Count),
                High,
                None,
            ),
            ind(
                "adoption.within_12_months",
                "Number of adoptions within 12 months of the decision that the child should be placed for adoption",
                "Children adopted in the period within 12 months of the decision that they should be placed for adoption (AD1 DATE_INT, else PlacedAdoption): the numerator of adoption.within_12_months_of_shobpa.",
                Flow,
                ValueRule::Part {
                    measure: "adoption.within_12_months_of_shobpa".into(),
                    keys: vec!["numerator".into()],
                },
                High,
                None,
            )
            .tile(),
            ind(
                "adoption.a10",
                "A10: average days between entering care and moving in with the adoptive family",
                "Adoption scorecard A10 (adoption.a10): children adopted in the period, from entering care to moving in with the family who adopted them.",
                Flow,
                ValueRule::Mean {
                    measure: "adoption.a10".into(),
                },
                Low,
                None,
            ),
            ind(
                "adoption.a2",
                "A2: average days between the placement order and the match",
                "Adoption scorecard A2 (adoption.a2): children adopted in the period, from the court's authority to place (LS E1 or D1) to the match (AD1 DATE_MATCH).",
                Flow,
                ValueRule::Mean {
                    measure: "adoption.a2".into(),
                },
                Low,
                None,
            ),
            ind(
                "care_leavers",
                "Number of care leavers",
                "Care leavers aged 17 to 21 in the 903 OC3 return of the collection year the month falls in (an annual source: each month shows the year's figure).",
                Snapshot,
                count("care_leavers.count"),
                Info,
                None,
            )
            .tile(),
            ind(
                "care_leavers.pathway_plans",
                "% of eligible looked-after children and care leavers with an up-to-date pathway plan",
                "Pathway plans are not recorded in Footprint.",
                Snapshot,
                not_held(Unit::Percent),
                High,
                None,
            ),
            ind(
                "care_leavers.suitable_accommodation",
                "% of care leavers in suitable accommodation",
                "OC3 ACCOM suitable ÷ care leavers with an accommodation recorded, from the return of the collection year the month falls in (an annual source: each month shows the year's figure).",
                Snapshot,
                pct("care_leavers.suitable_accommodation_pct"),
                High,
                Some((88.0, 96.0)),
            )
            .tile(),
            ind(
                "care_leavers.eet",
                "% of care leavers in education, employment or training",
                "OC3 ACTIV in education, employment or training ÷ care leavers with an activity recorded, from the return of the collection year the month falls in (an annual source: each month shows the year's figure).",
                Snapshot,
                pct("care_leavers.eet_pct"),
                High,
                Some((58.0, 66.0)),
            )
            .tile(),
            ind(
                "care_leavers.former_uasc",
                "Number of care leavers who were unaccompanied asylum-seeking children",
                "Care leavers in the OC3 return of the collection year the month falls in who were UASC when last looked after (an annual source: each month shows the year's figure).",
                Snapshot,
                count("care_leavers.former_uasc"),
                Info,
                None,
            ),
        ];
        let iro = vec![
            ind(
                "participation",
                "% of reviews where the child participated",
                "Reviews coded PN1–PN6 ÷ reviews coded PN1–PN7 (children aged 4 and over).",
                Flow,
                pct("participation.rate"),
                High,
                None,
            ),
            ind(
                "caseload",
                "Children per full-time IRO",
                "Looked-after children on the month's last day ÷ the FTE of IROs in post (guideline 50–70).",
                Snapshot,
                ValueRule::PerFte {
                    measure: "caseload.per_fte".into(),
                },
                Low,
                Some((70.0, 60.0)),
            ),
            ind(
                "midway",
                "% of midway checks done",
                "Reviews held in the month whose next review was more than 3 months away, with a midway check recorded before the next review (midway.done_pct). The latest months rise as midway checks fall due and are recorded.",
                Flow,
                pct("midway.done_pct"),
                High,
                Some((70.0, 90.0)),
            ),
            ind(
                "decisions",
                "% of review decisions issued within 5 working days",
                "reviews.decisions_in_time_pct.",
                Flow,
                pct("reviews.decisions_in_time_pct"),
                High,
                None,
            ),
            ind(
                "records",
                "% of review records circulated within the local target",
                "Records circulated within the local target (15 working days by default) ÷ records circulated.",
                Flow,
                pct("reviews.record_in_local_target_pct"),
                High,
                Some((80.0, 90.0)),
            ),
            ind(
                "reviews.overdue",
                "Children with a review overdue",
                "Children looked after on the month's last day whose next review was due before then and not held.",
                Snapshot,
                count("reviews.overdue.end"),
                Low,
                None,
            ),
            ind(
                "challenges",
                "Challenges raised",
                "Challenges raised by IROs through the dispute resolution process in the month.",
                Flow,
                count("challenges.raised"),
                Info,
                None,
            ),
        ];
        // Health assessments, dental checks, SDQs, immunisations and PEPs
        // recorded in Footprint beyond those in Rotherham's block (issue 15).
        let health_education = vec![
            ind(
                "health.rha_in_time",
                "% of review health assessments within timescale",
                "Review health assessments due in the month (6-monthly under 5, yearly from 5) that were done by their due date (health.assessments.reviews_in_time).",
                Flow,
                pct("health.assessments.reviews_in_time"),
                High,
                Some((80.0, 90.0)),
            ),
            ind(
                "health.iha_not_done",
                "Initial health assessments due and not done",
                "Initial health assessments due in the month (20 working days after coming into care) not done by the month's last day (health.assessments.initial, not done).",
                Flow,
                ValueRule::Part {
                    measure: "health.assessments.initial".into(),
                    keys: vec!["not_done".into()],
                },
                Low,
                None,
            ),
            ind(
                "health.sdq_completed",
                "% with an SDQ in the last 12 months",
                "Children aged 4 to 16 looked after for the 12 months to the month's last day with an SDQ score in those 12 months (health.assessments.sdq_completed).",
                Snapshot,
                pct("health.assessments.sdq_completed"),
                High,
                None,
            ),
            ind(
                "health.immunisations",
                "% with immunisations up to date",
                "Children in care on the month's last day whose latest immunisation status said up to date (health.assessments.immunisations_up_to_date.end).",
                Snapshot,
                pct("health.assessments.immunisations_up_to_date.end"),
                High,
                Some((85.0, 95.0)),
            ),
            ind(
                "education.pep_initial_in_time",
                "% of initial PEPs within 10 working days",
                "Initial personal education plans due in the month that were held by their due date (education.pep.initial_in_time).",
                Flow,
                pct("education.pep.initial_in_time"),
                High,
                None,
            ),
            ind(
                "education.pep_up_to_date",
                "% of school-age children with an up-to-date PEP",
                "School-age children in care on the month's last day whose PEP last due was held (education.pep.up_to_date.end).",
                Snapshot,
                pct("education.pep.up_to_date.end"),
                High,
                Some((85.0, 95.0)),
            ),
            ind(
                "education.pep_this_term",
                "% with a PEP this term",
                "Children in care on the month's last day who began the term looked after and of school age, with this term's PEP held (education.pep.this_term.end).",
                Snapshot,
                pct("education.pep.this_term.end"),
                High,
                None,
            ),
            ind(
                "education.peps_held",
                "PEPs held",
                "Personal education plan meetings held in the month for children looked after that day (education.pep.held).",
                Flow,
                count("education.pep.held"),
                Info,
                None,
            ),
        ];
        let indicators = rotherham
            .into_iter()
            .enumerate()
            .map(|(i, x)| x.reference(&format!("4.{}", i + 1)))
            .chain(
                iro.into_iter()
                    .enumerate()
                    .map(|(i, x)| x.reference(&format!("IRO.{}", i + 1))),
            )
            .chain(
                health_education
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| x.reference(&format!("HE.{}", i + 1))),
            )
            .collect();
        PerformanceSettings { indicators }
    }
}

/// Which way a figure moved since the month before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Same,
    /// One of the two months has no value.
    NotKnown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

/// A figure of the page: a number, `c` (suppressed for publication) or
/// not known (nothing to divide by, no population set): in JSON a number,
/// `"c"` or `null`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageValue {
    Value(f64),
    Suppressed,
    NotKnown,
    /// From records Footprint does not hold: `"not held"`.
    NotHeld,
}

impl PageValue {
    /// The number, if shown.
    pub fn number(self) -> Option<f64> {
        match self {
            PageValue::Value(x) => Some(x),
            _ => None,
        }
    }

    fn from_option(x: Option<f64>) -> Self {
        x.map_or(PageValue::NotKnown, PageValue::Value)
    }
}

impl Serialize for PageValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PageValue::Value(x) => s.serialize_f64(*x),
            PageValue::Suppressed => s.serialize_str("c"),
            PageValue::NotKnown => s.serialize_unit(),
            PageValue::NotHeld => s.serialize_str("not held"),
        }
    }
}

/// What an indicator's figures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count of children, periods, reviews or challenges.
    Count,
    /// A percentage (0–100).
    Percent,
    /// A rate per 10,000 children aged 0–17.
    Rate,
    /// Children per full-time IRO.
    PerFte,
    /// An average (to one decimal place).
    Mean,
}

impl ValueRule {
    pub fn unit(&self) -> Unit {
        match self {
            ValueRule::Count { .. } | ValueRule::Part { .. } => Unit::Count,
            ValueRule::Percent { .. } | ValueRule::Share { .. } | ValueRule::PercentOf { .. } => {
                Unit::Percent
            }
            ValueRule::Rate { .. } => Unit::Rate,
            ValueRule::PerFte { .. } => Unit::PerFte,
            ValueRule::Mean { .. } => Unit::Mean,
            ValueRule::NotHeld { unit } => *unit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthValue {
    pub month: String,
    pub value: PageValue,
    pub direction: Direction,
    pub better: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reference: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub plan_code: String,
    pub name: String,
    pub definition: String,
    /// What the figures are: `count`, `percent`, `rate` or `per_fte`.
    pub unit: Unit,
    pub polarity: Polarity,
    pub basis: Basis,
    pub months: Vec<MonthValue>,
    pub year_to_date: PageValue,
    pub last_year: PageValue,
    pub rag: Option<Rag>,
    pub thresholds: Option<Thresholds>,
    /// The council's target (settings `targets`, keyed by the indicator's
    /// id or its measure's); without thresholds, the RAG is against it
    /// (green when met, red when not).
    pub target: Option<f64>,
    pub benchmark: Benchmark,
}

/// A tile of "performance on a page": the figure (the year to date for a
/// flow, else the latest month's), its change on the same period last year
/// and which way that is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tile {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    /// What the figure covers ("April to December 2022", "on 31 December 2022"…).
    pub period: String,
    pub value: PageValue,
    /// The figure less the same period's last year (`c` on a published
    /// page where last year's count is from 1 to 5 or the figure is hidden).
    pub change: PageValue,
    pub direction: Direction,
    pub better: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerformancePage {
    pub month: String,
    pub year: String,
    pub last_year: String,
    /// For publication: counts from 1 to 5, and figures worked out from
    /// them, shown as `c`; audited like the annual report.
    pub publication: bool,
    pub rows: Vec<IndicatorRow>,
    /// "Performance on a page": the indicators marked as tiles.
    pub tiles: Vec<Tile>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PerformanceError {
    #[error("`{0}` is not a month: expected YYYY-MM, for example 2022-12")]
    BadMonth(String),
    #[error("publication mode: {0}; the performance page was not written")]
    Disclosure(String),
    /// An indicator that cannot be read, or a settings key naming nothing.
    #[error("{0}; the performance page was not written")]
    Indicators(String),
}

/// Reads `YYYY-MM`.
pub fn parse_month(s: &str) -> Result<(i32, u32), PerformanceError> {
    let bad = || PerformanceError::BadMonth(s.to_owned());
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

fn previous_month((y, m): (i32, u32)) -> (i32, u32) {
    if m == 1 { (y - 1, 12) } else { (y, m - 1) }
}

/// An indicator's value in a measure set.
pub fn read(m: &Measures, rule: &ValueRule) -> Option<f64> {
    match rule {
        ValueRule::Count { measure } => m.count(measure).map(|v| v as f64),
        ValueRule::Percent { measure } => m.percent(measure)?.value(),
        ValueRule::Rate { measure } => match m.get(measure)? {
            Measure::Rate(r) => r.per_10k(),
            _ => None,
        },
        ValueRule::PerFte { measure } => match m.get(measure)? {
            Measure::PerFte(p) => p.value(),
            _ => None,
        },
        ValueRule::Share { measure, keys, of } => {
            let b = m.breakdown(measure)?;
            let n: u64 = keys.iter().map(|k| b.value(k)).sum();
            percent(n, m.count(of)?)
        }
        ValueRule::Part { measure, keys } => part(m, measure, keys).map(|n| n as f64),
        ValueRule::Mean { measure } => match m.get(measure)? {
            Measure::Mean(x) => x.value(),
            Measure::Average(x) => x.value(),
            _ => None,
        },
        ValueRule::PercentOf {
            numerator,
            denominator,
        } => percent(numerator.read(m)?, denominator.read(m)?),
        ValueRule::NotHeld { .. } => None,
    }
}

/// The rating of `value`.
pub fn rag(value: f64, polarity: Polarity, t: Thresholds) -> Option<Rag> {
    match polarity {
        Polarity::High if value < t.red => Some(Rag::Red),
        Polarity::High if value >= t.green => Some(Rag::Green),
        Polarity::High => Some(Rag::Amber),
        Polarity::Low if value >= t.red => Some(Rag::Red),
        Polarity::Low if value < t.green => Some(Rag::Green),
        Polarity::Low => Some(Rag::Amber),
        Polarity::Info => None,
    }
}

/// The rating of `value` against a target: green when met (at or above it
/// when high is good, at or below it when low is good), red when not.
pub fn against_target(value: f64, polarity: Polarity, target: f64) -> Option<Rag> {
    let met = match polarity {
        Polarity::High => value >= target,
        Polarity::Low => value <= target,
        Polarity::Info => return None,
    };
    Some(if met { Rag::Green } else { Rag::Red })
}

fn direction(prev: Option<f64>, now: Option<f64>, polarity: Polarity) -> (Direction, Option<bool>) {
    let (Some(a), Some(b)) = (prev, now) else {
        return (Direction::NotKnown, None);
    };
    let (a, b) = (round1(a), round1(b));
    let d = if b > a {
        Direction::Up
    } else if b < a {
        Direction::Down
    } else {
        Direction::Same
    };
    let better = match (polarity, d) {
        (Polarity::Info, _) | (_, Direction::Same) | (_, Direction::NotKnown) => None,
        (Polarity::High, Direction::Up) | (Polarity::Low, Direction::Down) => Some(true),
        _ => Some(false),
    };
    (d, better)
}

/// Computes the performance page for the month `(year, month)`.
pub fn compute(
    data: &Dataset,
    month: (i32, u32),
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
    calendar: &WorkingDayCalendar,
) -> Result<PerformancePage, PerformanceError> {
    compute_as_of(data, month, NaiveDate::MAX, settings, perf, calendar)
}

pub fn compute_as_of(
    data: &Dataset,
    month: (i32, u32),
    as_of: NaiveDate,
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
    calendar: &WorkingDayCalendar,
) -> Result<PerformancePage, PerformanceError> {
    build(data, month, as_of, settings, perf, calendar, false)
}

/// The page for publication: every count from 1 to 5 shown as `c`, with
/// secondary suppression until the audit finds no hidden count that can be
/// worked out from the page (a flow's months and its year to date, the
/// arrows between months); a percentage, rate or ratio is `c` wherever a
/// count it is worked out from is from 1 to 5 or hidden. A page whose audit
/// fails is an error naming the cell.
pub fn compute_published_as_of(
    data: &Dataset,
    month: (i32, u32),
    as_of: NaiveDate,
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
    calendar: &WorkingDayCalendar,
) -> Result<PerformancePage, PerformanceError> {
    build(data, month, as_of, settings, perf, calendar, true)
}

/// One figure of the page and the counts it is worked out from, each named
/// by its measure (and part) so that the same count is recognised in two
/// indicators.
#[derive(Debug, Clone)]
struct Reading {
    value: Option<f64>,
    counts: Vec<(String, u64)>,
}

fn reading(m: &Measures, rule: &ValueRule) -> Reading {
    let counts = match rule {
        ValueRule::Count { measure } => m
            .count(measure)
            .map(|n| vec![(measure.clone(), n)])
            .unwrap_or_default(),
        ValueRule::Percent { measure } => m
            .percent(measure)
            .map(|p| {
                vec![
                    (format!("{measure}[numerator]"), p.numerator.value),
                    (format!("{measure}[denominator]"), p.denominator.value),
                ]
            })
            .unwrap_or_default(),
        ValueRule::Rate { measure } => match m.get(measure) {
            Some(Measure::Rate(r)) => vec![(format!("{measure}[count]"), r.count.value)],
            _ => Vec::new(),
        },
        ValueRule::PerFte { measure } => match m.get(measure) {
            Some(Measure::PerFte(p)) => vec![(format!("{measure}[children]"), p.children.value)],
            _ => Vec::new(),
        },
        ValueRule::Share { measure, keys, of } => {
            let n: u64 = m
                .breakdown(measure)
                .map_or(0, |b| keys.iter().map(|k| b.value(k)).sum());
            let mut c = vec![(format!("{measure}[{}]", keys.join("+")), n)];
            if let Some(t) = m.count(of) {
                c.push((of.clone(), t));
            }
            c
        }
        ValueRule::Part { measure, keys } => part(m, measure, keys)
            .map(|n| vec![(format!("{measure}[{}]", keys.join("+")), n)])
            .unwrap_or_default(),
        ValueRule::Mean { measure } => match m.get(measure) {
            Some(Measure::Mean(x)) => vec![(format!("{measure}[count]"), x.count.value)],
            Some(Measure::Average(x)) => vec![(format!("{measure}[count]"), x.count.value)],
            _ => Vec::new(),
        },
        ValueRule::PercentOf {
            numerator,
            denominator,
        } => [numerator, denominator]
            .iter()
            .filter_map(|c| Some((c.name(), c.read(m)?)))
            .collect(),
        ValueRule::NotHeld { .. } => Vec::new(),
    };
    Reading {
        value: read(m, rule).map(round1),
        counts,
    }
}

/// The sum of the entries `keys` of a breakdown, or of a percentage's
/// `numerator` and `denominator` named in `keys`.
fn part(m: &Measures, measure: &str, keys: &[String]) -> Option<u64> {
    if let Some(b) = m.breakdown(measure) {
        return Some(keys.iter().map(|k| b.value(k)).sum());
    }
    let p = m.percent(measure)?;
    Some(
        keys.iter()
            .map(|k| match k.as_str() {
                "numerator" => p.numerator.value,
                "denominator" => p.denominator.value,
                _ => 0,
            })
            .sum(),
    )
}

fn small(counts: &[(String, u64)]) -> bool {
    counts
        .iter()
        .any(|(_, v)| (1..=crate::audit::PRIMARY_MAX).contains(v))
}

/// Where a figure sits on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// `months[i]`; 0 is the month before the three shown (for the arrow).
    Month(usize),
    YearToDate,
    LastYear,
}

/// The measures of the periods a page reads: those computed together
/// up front, and any other computed when first asked for.
struct PeriodMeasures {
    computed: HashMap<Period, Measures>,
    extra: HashMap<Period, Measures>,
}

impl PeriodMeasures {
    fn get(&mut self, p: Period, compute: impl FnOnce(Period) -> Measures) -> &Measures {
        match self.computed.get(&p) {
            Some(m) => m,
            None => self.extra.entry(p).or_insert_with(|| compute(p)),
        }
    }
}

fn build(
    data: &Dataset,
    month: (i32, u32),
    as_of: NaiveDate,
    settings: &MeasureSettings,
    perf: &PerformanceSettings,
    calendar: &WorkingDayCalendar,
    publication: bool,
) -> Result<PerformancePage, PerformanceError> {
    let bad = || PerformanceError::BadMonth(format!("{}-{:02}", month.0, month.1));
    let latest = Period::month(month.0, month.1).ok_or_else(bad)?;
    let year = latest.collection_year();
    let last_year = year.previous();
    let mut months = vec![month];
    for _ in 0..3 {
        let m = previous_month(months[0]);
        months.insert(0, m);
    }
    // The months from April to the latest: a flow's year to date is their
    // sum (for the audit).
    let mut ytd_months = vec![month];
    while ytd_months[0].1 != 4 {
        let m = previous_month(ytd_months[0]);
        ytd_months.insert(0, m);
    }
    // The periods the page reads, computed together over one assembly of
    // the periods of care (a period asked for below and not listed here is
    // still computed, on its own).
    let mut wanted: Vec<Period> = Vec::new();
    let rolling = perf
        .indicators
        .iter()
        .any(|i| i.basis == Basis::RollingYear);
    let month_periods = if publication { &ytd_months } else { &months };
    for &(y, m) in months.iter().chain(month_periods) {
        wanted.extend(Period::month(y, m));
        if rolling {
            wanted.extend(Period::rolling_year(y, m));
        }
    }
    wanted.extend(Period::year_to_date(month.0, month.1));
    wanted.push(Period::year(last_year));
    wanted.sort_by_key(|p| (p.start(), p.end()));
    wanted.dedup();
    let mut cache = PeriodMeasures {
        computed: wanted
            .iter()
            .copied()
            .zip(measures::compute_periods_as_of(
                data, &wanted, as_of, settings, calendar,
            ))
            .collect(),
        extra: HashMap::new(),
    };
    let compute = |p: Period| measures::compute_as_of(data, p, as_of, settings, calendar);
    // Every indicator can be read, and every target and benchmark names
    // something: checked on last year's measures (every measure is in
    // every period's set).
    {
        let m = cache.get(Period::year(last_year), compute);
        perf.check(m)?;
        check_settings(settings, perf, m).map_err(PerformanceError::Indicators)?;
    }
    // Every figure, by indicator: (slot, period, reading).
    let mut figures: Vec<Vec<(Slot, Option<Period>, Reading)>> = Vec::new();
    let mut ytd_readings: Vec<Vec<((i32, u32), Reading)>> = Vec::new();
    for indicator in &perf.indicators {
        let period_for = |(y, m): (i32, u32)| match indicator.basis {
            Basis::RollingYear => Period::rolling_year(y, m),
            _ => Period::month(y, m),
        };
        let mut f = Vec::new();
        for (i, &ym) in months.iter().enumerate() {
            let p = period_for(ym);
            let r = p.map_or(
                Reading {
                    value: None,
                    counts: Vec::new(),
                },
                |p| reading(cache.get(p, compute), &indicator.value),
            );
            f.push((Slot::Month(i), p, r));
        }
        if indicator.basis == Basis::Flow
            && let Some(p) = Period::year_to_date(month.0, month.1)
        {
            f.push((
                Slot::YearToDate,
                Some(p),
                reading(cache.get(p, compute), &indicator.value),
            ));
        }
        let p = Period::year(last_year);
        f.push((
            Slot::LastYear,
            Some(p),
            reading(cache.get(p, compute), &indicator.value),
        ));
        figures.push(f);
        // A flow count's months from April, for the audit's year to date.
        let mut ytd = Vec::new();
        if publication && indicator.basis == Basis::Flow && indicator.value.is_count() {
            for &ym in &ytd_months {
                if let Some(p) = period_for(ym) {
                    ytd.push((ym, reading(cache.get(p, compute), &indicator.value)));
                }
            }
        }
        ytd_readings.push(ytd);
    }

    // Publication: which figures are `c`.
    let mut hidden: Vec<Vec<bool>> = figures.iter().map(|f| vec![false; f.len()]).collect();
    if publication {
        let declared = crate::checks::relations(cache.get(Period::year(last_year), compute));
        let p = page_publication(perf, &months, &figures, &ytd_readings, &declared);
        let suppressed = p
            .suppress()
            .map_err(|e| PerformanceError::Disclosure(e.to_string()))?;
        // Counts hidden on the page, by (count, period), for the figures
        // worked out from them.
        let mut hidden_counts: Vec<(String, Period)> = Vec::new();
        for (k, (indicator, f)) in perf.indicators.iter().zip(&figures).enumerate() {
            for (j, (slot, period, r)) in f.iter().enumerate() {
                let is_count = indicator.value.is_count();
                let h = small(&r.counts)
                    || (is_count && suppressed.contains(&page_figure(indicator, *slot, &months)));
                hidden[k][j] = h;
                if h && is_count
                    && let (Some(p), Some((name, _))) = (period, r.counts.first())
                {
                    hidden_counts.push((name.clone(), *p));
                }
            }
        }
        for (k, f) in figures.iter().enumerate() {
            for (j, (_, period, r)) in f.iter().enumerate() {
                if let Some(p) = period
                    && r.counts
                        .iter()
                        .any(|(name, _)| hidden_counts.iter().any(|(n, q)| n == name && q == p))
                {
                    hidden[k][j] = true;
                }
            }
        }
    }

    let mut rows = Vec::new();
    for (k, indicator) in perf.indicators.iter().enumerate() {
        let f = &figures[k];
        let not_held = matches!(indicator.value, ValueRule::NotHeld { .. });
        let shown = |j: usize| -> PageValue {
            if not_held {
                PageValue::NotHeld
            } else if hidden[k][j] {
                PageValue::Suppressed
            } else {
                PageValue::from_option(f[j].2.value)
            }
        };
        let mut month_values = Vec::new();
        for i in 1..months.len() {
            // An arrow says which way a figure moved: none beside a hidden
            // figure, or from one.
            let (direction, better) = if hidden[k][i] || hidden[k][i - 1] {
                (Direction::NotKnown, None)
            } else {
                direction(f[i - 1].2.value, f[i].2.value, indicator.polarity)
            };
            month_values.push(MonthValue {
                month: format!("{}-{:02}", months[i].0, months[i].1),
                value: shown(i),
                direction,
                better,
            });
        }
        let slot = |s: Slot| f.iter().position(|(x, _, _)| *x == s);
        let year_to_date = slot(Slot::YearToDate).map_or(PageValue::NotKnown, shown);
        let last = slot(Slot::LastYear).map_or(PageValue::NotKnown, shown);
        let latest_value = month_values.last().and_then(|m| m.value.number());
        let target = settings
            .targets
            .get(&indicator.id)
            .or_else(|| settings.targets.get(indicator.value.measure()))
            .copied();
        let rating = match (latest_value, indicator.thresholds, target) {
            (Some(v), Some(t), _) => rag(v, indicator.polarity, t),
            (Some(v), None, Some(t)) => against_target(v, indicator.polarity, t),
            _ => None,
        };
        rows.push(IndicatorRow {
            id: indicator.id.clone(),
            reference: indicator.reference.clone(),
            plan_code: indicator.plan_code.clone(),
            name: indicator.name.clone(),
            definition: indicator.definition.clone(),
            unit: indicator.value.unit(),
            polarity: indicator.polarity,
            basis: indicator.basis,
            months: month_values,
            year_to_date,
            last_year: last,
            rag: rating,
            thresholds: indicator.thresholds,
            target,
            benchmark: settings
                .benchmarks
                .get(&indicator.id)
                .or_else(|| settings.benchmarks.get(indicator.value.measure()))
                .cloned()
                .unwrap_or_default(),
        });
    }
    // The tiles: each figure beside the same period last year.
    let mut tiles = Vec::new();
    let (y, mo) = month;
    for (indicator, row) in perf.indicators.iter().zip(&rows) {
        if !indicator.tile || matches!(indicator.value, ValueRule::NotHeld { .. }) {
            continue;
        }
        let (value, then, period) = match indicator.basis {
            Basis::Flow => (
                row.year_to_date,
                Period::year_to_date(y - 1, mo),
                format!("April to {}", month_label(&row_month(month))),
            ),
            // An annual source (903 OC3): the return of the year the month
            // falls in, against last year's, and the tile says so.
            Basis::Snapshot if indicator.value.measure().starts_with("care_leavers.") => (
                row.months.last().map_or(PageValue::NotKnown, |m| m.value),
                Period::month(y - 1, mo),
                format!(
                    "the {} OC3 return (a yearly figure)",
                    CollectionYear::of(Period::month(y, mo).map_or(NaiveDate::MIN, |p| p.last))
                ),
            ),
            Basis::Snapshot => (
                row.months.last().map_or(PageValue::NotKnown, |m| m.value),
                Period::month(y - 1, mo),
                format!("at the end of {}", month_label(&row_month(month))),
            ),
            Basis::RollingYear => (
                row.months.last().map_or(PageValue::NotKnown, |m| m.value),
                Period::rolling_year(y - 1, mo),
                format!("12 months to {}", month_label(&row_month(month))),
            ),
        };
        let before = then.map(|p| reading(cache.get(p, compute), &indicator.value));
        let before_value = before.as_ref().and_then(|r| r.value);
        let small_before = before.as_ref().is_some_and(|r| small(&r.counts));
        let (change, direction, better) = match value {
            PageValue::Suppressed => (PageValue::Suppressed, Direction::NotKnown, None),
            _ if publication && small_before => (PageValue::Suppressed, Direction::NotKnown, None),
            PageValue::Value(v) => {
                let (d, b) = self::direction(before_value, Some(v), indicator.polarity);
                (
                    PageValue::from_option(before_value.map(|x| round1(v - x))),
                    d,
                    b,
                )
            }
            _ => (PageValue::NotKnown, Direction::NotKnown, None),
        };
        tiles.push(Tile {
            id: indicator.id.clone(),
            name: indicator.name.clone(),
            unit: row.unit,
            period,
            value,
            change,
            direction,
            better,
        });
    }
    let page = PerformancePage {
        month: format!("{}-{:02}", month.0, month.1),
        year: year.to_string(),
        last_year: last_year.to_string(),
        publication,
        rows,
        tiles,
    };
    if publication {
        let declared = crate::checks::relations(cache.get(Period::year(last_year), compute));
        audit_page(&page, perf, &months, &figures, &ytd_readings, &declared)?;
    }
    Ok(page)
}

fn row_month((y, m): (i32, u32)) -> String {
    format!("{y}-{m:02}")
}

fn ym_key((y, m): (i32, u32)) -> String {
    format!("{y}-{m:02}")
}

/// A count indicator's figure as the audit names it.
fn page_figure(indicator: &Indicator, slot: Slot, months: &[(i32, u32)]) -> Figure {
    let cell = match slot {
        Slot::Month(i) => CellRef::new("month", &[&ym_key(months[i])]),
        Slot::YearToDate => CellRef::new("year_to_date", &[]),
        Slot::LastYear => CellRef::new("last_year", &[]),
    };
    Figure::new(&indicator.id, cell)
}

/// What a reader of the page has, for the audit: the counts it prints
/// (count indicators; the month before the three shown is not printed),
/// a flow's year to date as the sum of its months from April (those not
/// printed unknown), and the arrows between months.
fn page_publication(
    perf: &PerformanceSettings,
    months: &[(i32, u32)],
    figures: &[Vec<(Slot, Option<Period>, Reading)>],
    ytd_readings: &[Vec<((i32, u32), Reading)>],
    declared: &[crate::checks::Relation],
) -> Publication {
    let mut p = Publication::default();
    for (k, indicator) in perf.indicators.iter().enumerate() {
        if !indicator.value.is_count() {
            continue;
        }
        let count = |r: &Reading| r.counts.first().map(|(_, v)| *v);
        for (slot, _, r) in &figures[k] {
            let f = page_figure(indicator, *slot, months);
            match (slot, count(r)) {
                (Slot::Month(0), _) | (_, None) => {
                    p.unprinted.insert(f);
                }
                (_, Some(v)) => {
                    p.values.insert(f, v);
                }
            }
        }
        if !ytd_readings[k].is_empty() {
            let mut terms = Vec::new();
            for (ym, _) in &ytd_readings[k] {
                let f = Figure::new(&indicator.id, CellRef::new("month", &[&ym_key(*ym)]));
                if !p.values.contains_key(&f) {
                    p.unprinted.insert(f.clone());
                }
                terms.push((f, 1.0));
            }
            terms.push((page_figure(indicator, Slot::YearToDate, months), -1.0));
            p.add(
                &format!(
                    "{}: the year to date is the sum of its months",
                    indicator.id
                ),
                terms,
                Op::Eq,
                0.0,
            );
        }
        // The arrows: where both figures are shown, which is larger.
        for i in 1..months.len() {
            let (a, b) = (&figures[k][i - 1].2, &figures[k][i].2);
            if small(&a.counts) || small(&b.counts) {
                continue;
            }
            let (Some(x), Some(y)) = (count(a), count(b)) else {
                continue;
            };
            let before = page_figure(indicator, Slot::Month(i - 1), months);
            let now = page_figure(indicator, Slot::Month(i), months);
            let name = format!("{}: the arrow for {}", indicator.id, ym_key(months[i]));
            if x < y {
                p.add(&name, vec![(before, 1.0), (now, -1.0)], Op::Le, -1.0);
            } else if x > y {
                p.add(&name, vec![(now, 1.0), (before, -1.0)], Op::Le, -1.0);
            } else {
                p.add(&name, vec![(before, 1.0), (now, -1.0)], Op::Eq, 0.0);
            }
        }
    }
    add_balances(&mut p, perf, months, figures);
    add_declared(&mut p, perf, months, figures, declared);
    p
}

/// The count a count indicator prints, as the measures' relations name it
/// (a count measure, or one entry of a breakdown).
fn cell_of(indicator: &Indicator) -> Option<CellRef> {
    match &indicator.value {
        ValueRule::Count { measure } => Some(CellRef::new(measure, &[])),
        ValueRule::Part { measure, keys } if keys.len() == 1 => {
            Some(CellRef::new(measure, &[&keys[0]]))
        }
        _ => None,
    }
}

/// The relations the measures declare for publication
/// (`checks::relations`, the annual report's) between counts the page
/// prints: wherever every count of a relation is a count indicator's
/// figure of the same month (or year to date, or last year), the relation
/// binds those figures, so that secondary suppression and the audit see
/// it (two indicators counting parts of one total, say).
fn add_declared(
    p: &mut Publication,
    perf: &PerformanceSettings,
    months: &[(i32, u32)],
    figures: &[Vec<(Slot, Option<Period>, Reading)>],
    declared: &[crate::checks::Relation],
) {
    use crate::checks::Relation;
    let place = |c: &CellRef| {
        perf.indicators
            .iter()
            .position(|i| i.basis != Basis::RollingYear && cell_of(i).as_ref() == Some(c))
    };
    let value = |k: usize, slot: Slot| {
        figures[k]
            .iter()
            .find(|(s, _, _)| *s == slot)
            .and_then(|(_, _, r)| r.counts.first().map(|(_, v)| *v as f64))
    };
    let mut slots: Vec<Slot> = (1..months.len()).map(Slot::Month).collect();
    slots.extend([Slot::YearToDate, Slot::LastYear]);
    for r in declared {
        let (name, cells, op): (&str, Vec<(&CellRef, f64)>, Op) = match r {
            Relation::Sum { name, parts, total } => (
                name,
                parts
                    .iter()
                    .map(|c| (c, 1.0))
                    .chain([(total, -1.0)])
                    .collect(),
                Op::Eq,
            ),
            Relation::AtMost {
                name,
                smaller,
                larger,
            } => (name, vec![(smaller, 1.0), (larger, -1.0)], Op::Le),
        };
        let Some(ks) = cells
            .iter()
            .map(|(c, sign)| place(c).map(|k| (k, *sign)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        for &slot in &slots {
            let mut terms = Vec::new();
            let mut total = 0.0;
            let mut complete = true;
            for &(k, sign) in &ks {
                match value(k, slot) {
                    Some(v) => {
                        total += sign * v;
                        terms.push((page_figure(&perf.indicators[k], slot, months), sign));
                    }
                    None => complete = false,
                }
            }
            let holds = match op {
                Op::Eq => total == 0.0,
                _ => total <= 0.0,
            };
            if complete && holds {
                let when = match slot {
                    Slot::Month(i) => ym_key(months[i]),
                    Slot::YearToDate => "the year to date".to_owned(),
                    Slot::LastYear => "last year".to_owned(),
                };
                p.add(&format!("{name} ({when})"), terms, op, 0.0);
            }
        }
    }
}

/// The balances of `checks::balances` between count indicators (children in
/// care at the start of a period, plus periods started, are those in care
/// at its end plus periods ended), for each month shown and for the year
/// to date, wherever the page's figures satisfy them. The start of a month
/// is the end of the month before; the start of the year to date is last
/// year's figure (31 March).
fn add_balances(
    p: &mut Publication,
    perf: &PerformanceSettings,
    months: &[(i32, u32)],
    figures: &[Vec<(Slot, Option<Period>, Reading)>],
) {
    let indicator_of = |measure: &str| {
        perf.indicators.iter().position(|i| {
            i.basis != Basis::RollingYear
                && matches!(&i.value, ValueRule::Count { measure: m } if m == measure)
        })
    };
    let value = |k: usize, slot: Slot| {
        figures[k]
            .iter()
            .find(|(s, _, _)| *s == slot)
            .and_then(|(_, _, r)| r.counts.first().map(|(_, v)| *v as f64))
    };
    // (cell, sign) → (indicator, slot), for a month shown or the year to date.
    let place = |c: &CellRef, i: Option<usize>| -> Option<(usize, Slot)> {
        let (measure, slot) = match (c.measure.as_str(), i) {
            ("cla.start", Some(i)) => ("cla.end", Slot::Month(i - 1)),
            ("cla.start", None) => ("cla.end", Slot::LastYear),
            ("cla.end", None) => ("cla.end", Slot::Month(months.len() - 1)),
            (m, Some(i)) => (m, Slot::Month(i)),
            (m, None) => (m, Slot::YearToDate),
        };
        let k = indicator_of(measure)?;
        // A snapshot has no year to date.
        if slot == Slot::YearToDate && perf.indicators[k].basis != Basis::Flow {
            return None;
        }
        Some((k, slot))
    };
    let mut when: Vec<Option<usize>> = (1..months.len()).map(Some).collect();
    when.push(None);
    for (name, left, right) in crate::checks::balances() {
        for &i in &when {
            let cells = left
                .iter()
                .map(|c| (c, 1.0))
                .chain(right.iter().map(|c| (c, -1.0)));
            let mut terms = Vec::new();
            let mut total = 0.0;
            let mut complete = true;
            for (c, sign) in cells {
                match place(c, i).and_then(|(k, slot)| Some((k, slot, value(k, slot)?))) {
                    Some((k, slot, v)) => {
                        total += sign * v;
                        terms.push((page_figure(&perf.indicators[k], slot, months), sign));
                    }
                    None => complete = false,
                }
            }
            if complete && total == 0.0 {
                let when = i.map_or("the year to date".to_owned(), |i| ym_key(months[i]));
                p.add(&format!("{name} ({when})"), terms, Op::Eq, 0.0);
            }
        }
    }
}

/// The audit of the finished page: no count from 1 to 5 shown, and no
/// hidden count that can be worked out.
fn audit_page(
    page: &PerformancePage,
    perf: &PerformanceSettings,
    months: &[(i32, u32)],
    figures: &[Vec<(Slot, Option<Period>, Reading)>],
    ytd_readings: &[Vec<((i32, u32), Reading)>],
    declared: &[crate::checks::Relation],
) -> Result<(), PerformanceError> {
    let p = page_publication(perf, months, figures, ytd_readings, declared);
    let mut hidden = std::collections::BTreeSet::new();
    for (row, indicator) in page.rows.iter().zip(&perf.indicators) {
        let mut slots: Vec<(Slot, PageValue)> = row
            .months
            .iter()
            .enumerate()
            .map(|(i, m)| (Slot::Month(i + 1), m.value))
            .collect();
        slots.push((Slot::YearToDate, row.year_to_date));
        slots.push((Slot::LastYear, row.last_year));
        for (slot, v) in slots {
            let f = page_figure(indicator, slot, months);
            if v == PageValue::Suppressed && p.values.contains_key(&f) {
                hidden.insert(f);
            } else if row.unit == Unit::Count
                && let Some(x) = v.number()
                && (1.0..=crate::audit::PRIMARY_MAX as f64).contains(&x)
            {
                return Err(PerformanceError::Disclosure(format!(
                    "{f} is {x}, a count from 1 to 5, and is shown"
                )));
            }
        }
        // An arrow beside a hidden figure would say which way it moved.
        for (i, m) in row.months.iter().enumerate() {
            let before_hidden = i > 0 && row.months[i - 1].value == PageValue::Suppressed;
            if m.direction != Direction::NotKnown
                && (m.value == PageValue::Suppressed || before_hidden)
            {
                return Err(PerformanceError::Disclosure(format!(
                    "{} ({}) has an arrow beside a hidden figure",
                    row.id, m.month
                )));
            }
        }
    }
    match p.audit(&hidden) {
        Err(e) => Err(PerformanceError::Disclosure(e)),
        Ok(found) => match found.first() {
            Some(d) => Err(PerformanceError::Disclosure(d.to_string())),
            None => Ok(()),
        },
    }
}

fn fmt_value(v: PageValue) -> String {
    match v {
        PageValue::Suppressed => "c".to_owned(),
        PageValue::NotHeld => "not held".to_owned(),
        _ => fmt(v.number()),
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(
        || "–".to_owned(),
        |x| {
            let r = round1(x);
            if r.fract() == 0.0 {
                format!("{r:.0}")
            } else {
                format!("{r:.1}")
            }
        },
    )
}

fn month_label(ym: &str) -> String {
    let m: u32 = ym.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(0);
    format!(
        "{} {}",
        &month_name(m).get(..3).unwrap_or("?"),
        ym.get(..4).unwrap_or("")
    )
}

fn arrow(v: &MonthValue) -> &'static str {
    match (v.direction, v.better) {
        (Direction::Up, Some(true)) => "▲ better",
        (Direction::Up, Some(false)) => "▲ worse",
        (Direction::Up, None) => "▲",
        (Direction::Down, Some(true)) => "▼ better",
        (Direction::Down, Some(false)) => "▼ worse",
        (Direction::Down, None) => "▼",
        (Direction::Same, _) => "► same",
        (Direction::NotKnown, _) => "",
    }
}

fn polarity_text(p: Polarity) -> &'static str {
    match p {
        Polarity::High => "High",
        Polarity::Low => "Low",
        Polarity::Info => "Info",
    }
}

fn rag_text(r: Option<Rag>) -> &'static str {
    match r {
        Some(Rag::Red) => "Red",
        Some(Rag::Amber) => "Amber",
        Some(Rag::Green) => "Green",
        None => "",
    }
}

fn columns(page: &PerformancePage) -> Vec<String> {
    let mut c = vec!["Ref".to_owned(), "Plan".to_owned(), "Indicator".to_owned()];
    if let Some(r) = page.rows.first() {
        c.extend(r.months.iter().map(|m| month_label(&m.month)));
    }
    c.extend(
        [
            "Direction of travel",
            "Year to date",
            "Good is",
            "Target",
            "RAG",
            "Red",
            "Green",
            &page.last_year,
            "Statistical neighbours",
            "Best neighbour",
            "England",
            "Region",
            "Top quartile",
            "Benchmark year",
        ]
        .map(String::from),
    );
    c
}

/// The latest month's direction of travel, in words.
fn travel(r: &IndicatorRow) -> &'static str {
    r.months
        .last()
        .map_or("", |m| match (m.direction, m.better) {
            (Direction::Up, Some(true)) | (Direction::Down, Some(true)) => "improving",
            (Direction::Up, Some(false)) | (Direction::Down, Some(false)) => "worsening",
            (Direction::Up, None) => "up",
            (Direction::Down, None) => "down",
            (Direction::Same, _) => "no change",
            (Direction::NotKnown, _) => "",
        })
}

/// A tile's change on the same period last year: "(+3)", "(−1.5)", "(c)".
fn change_text(t: &Tile) -> String {
    match t.change {
        PageValue::Value(x) if x > 0.0 => format!("(+{})", fmt(Some(x))),
        PageValue::Value(x) if x < 0.0 => format!("(−{})", fmt(Some(-x))),
        PageValue::Value(_) => "(no change)".to_owned(),
        PageValue::Suppressed => "(c)".to_owned(),
        _ => String::new(),
    }
}

/// A tile's arrow: up or down, and whether that is good.
fn tile_arrow(t: &Tile) -> &'static str {
    match (t.direction, t.better) {
        (Direction::Up, Some(true)) => "▲ good",
        (Direction::Up, Some(false)) => "▲ bad",
        (Direction::Up, None) => "▲",
        (Direction::Down, Some(true)) => "▼ good",
        (Direction::Down, Some(false)) => "▼ bad",
        (Direction::Down, None) => "▼",
        (Direction::Same, _) => "► stable",
        (Direction::NotKnown, _) => "",
    }
}

/// "Performance on a page": one tile per indicator so marked.
fn tiles_html(page: &PerformancePage) -> String {
    if page.tiles.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        r#"<section class="tiles" aria-labelledby="tiles-h"><h2 id="tiles-h">Performance on a page</h2><p><small>Each figure, its change on the same period last year (in brackets) and whether that is good.</small></p><ul>"#,
    );
    for t in &page.tiles {
        let value = match (t.value, t.unit) {
            (PageValue::Value(x), Unit::Percent) => format!("{}%", fmt(Some(x))),
            (v, _) => fmt_value(v),
        };
        let _ = write!(
            s,
            r#"<li><span class="tile-value">{}</span> <span class="tile-change">{} {}</span><span class="tile-name">{}</span><small>{}</small></li>"#,
            escape(&value),
            escape(&change_text(t)),
            tile_arrow(t),
            escape(&t.name),
            escape(&t.period)
        );
    }
    s.push_str("</ul></section>");
    s
}

/// The page as self-contained HTML.
pub fn render_html(page: &PerformancePage) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Performance: looked-after children, {}</title><style>@page {{ size: A4 landscape; margin: 12mm 12mm 16mm; @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #505a5f; }} }} .nw {{ white-space: nowrap; }} body {{ font-family: Arial, sans-serif; color: #0b0c0c; font-size: 10pt; }} table {{ border-collapse: collapse; width: 100%; }} caption {{ text-align: left; font-weight: bold; font-size: 14pt; padding: 4px 0; }} th, td {{ border-bottom: 1px solid #b1b4b6; padding: 3px 5px; vertical-align: top; }} tbody th {{ text-align: left; font-weight: normal; }} td.n {{ text-align: right; }} .rag-red {{ background: #f4cccc; }} .rag-amber {{ background: #fff2cc; }} .rag-green {{ background: #d9ead3; }} small {{ color: #505a5f; }} .tiles ul {{ list-style: none; padding: 0; display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }} .tiles li {{ border: 2px solid #1d70b8; padding: 6px 8px; break-inside: avoid; }} .tile-value {{ font-size: 20pt; font-weight: bold; }} .tile-name {{ display: block; font-weight: bold; }} .tiles small {{ display: block; }}</style></head><body><h1>Looked-after children: performance to {}</h1>"#,
        escape(&month_label(&page.month)),
        escape(&month_label(&page.month))
    );
    s.push_str(&tiles_html(page));
    let _ = write!(
        s,
        "<table><caption>Indicators for {} (year to date from April)</caption><thead><tr>",
        escape(&page.year)
    );
    for c in columns(page) {
        let _ = write!(s, r#"<th scope="col">{}</th>"#, crate::html::keep_years(&c));
    }
    s.push_str("</tr></thead><tbody>");
    for r in &page.rows {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td>{}</td><th scope="row">{}</th>"#,
            escape(&r.reference),
            escape(&r.plan_code),
            escape(&r.name)
        );
        for m in &r.months {
            let _ = write!(
                s,
                r#"<td class="n">{} <small>{}</small></td>"#,
                fmt_value(m.value),
                arrow(m)
            );
        }
        let class = match r.rag {
            Some(Rag::Red) => "rag-red",
            Some(Rag::Amber) => "rag-amber",
            Some(Rag::Green) => "rag-green",
            None => "",
        };
        let _ = write!(
            s,
            r#"<td>{}</td><td class="n">{}</td><td>{}</td><td class="n">{}</td><td class="{class}">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            travel(r),
            fmt_value(r.year_to_date),
            polarity_text(r.polarity),
            fmt(r.target),
            rag_text(r.rag),
            fmt(r.thresholds.map(|t| t.red)),
            fmt(r.thresholds.map(|t| t.green)),
            fmt_value(r.last_year),
            fmt(r.benchmark.statistical_neighbours),
            fmt(r.benchmark.best_neighbour),
            fmt(r.benchmark.england),
            fmt(r.benchmark.region),
            fmt(r.benchmark.top_quartile),
            crate::html::keep_years(r.benchmark.year.as_deref().unwrap_or("")),
        );
    }
    s.push_str("</tbody></table>");
    if page.publication {
        s.push_str("<p><strong>For publication.</strong> Counts from 1 to 5 are shown as <abbr title=\"suppressed\">c</abbr>, with further figures hidden where they would let a hidden count be worked out; a percentage, rate or ratio worked out from a hidden count is hidden too, and no arrow is shown beside a hidden figure.</p>");
    }
    s.push_str("<h2>Definitions</h2><dl>");
    for r in &page.rows {
        let _ = write!(
            s,
            "<dt>{}</dt><dd>{}</dd>",
            escape(&r.name),
            escape(&r.definition)
        );
    }
    s.push_str("</dl><p><small>RAG is for the latest month. For \"high is good\" indicators red is below the red threshold and green at or above the green one; for \"low is good\" red is at or above the red threshold and green below the green one. Arrows compare each month with the month before.</small></p></body></html>\n");
    s
}

/// The page as an Excel workbook (sheet "Performance" and "Definitions").
pub fn render_xlsx(page: &PerformancePage) -> Result<Vec<u8>, ReportError> {
    let e = |x: rust_xlsxwriter::XlsxError| ReportError::Xlsx(x.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    // Counts as whole numbers, percentages as percentages (the cell holds
    // the fraction), rates and ratios to one decimal place.
    let whole = Format::new().set_num_format("#,##0");
    let percent = Format::new().set_num_format("0.0%");
    let one_dp = Format::new().set_num_format("0.0");
    let ws = wb.add_worksheet();
    ws.set_name("Performance").map_err(e)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "Looked-after children: performance to {}",
            month_label(&page.month)
        ),
        &bold,
    )
    .map_err(e)?;
    for (j, c) in columns(page).iter().enumerate() {
        ws.write_string_with_format(2, j as u16, c, &bold)
            .map_err(e)?;
    }
    for (i, r) in page.rows.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_string(row, 0, &r.reference).map_err(e)?;
        ws.write_string(row, 1, &r.plan_code).map_err(e)?;
        ws.write_string(row, 2, &r.name).map_err(e)?;
        let mut col = 3u16;
        let (scale, format) = match r.unit {
            Unit::Count => (1.0, &whole),
            Unit::Percent => (100.0, &percent),
            Unit::Rate | Unit::PerFte | Unit::Mean => (1.0, &one_dp),
        };
        let num = |ws: &mut rust_xlsxwriter::Worksheet, col: u16, v: Option<f64>| match v {
            Some(x) => ws
                .write_number_with_format(row, col, round1(x) / scale, format)
                .map(|_| ()),
            None => ws.write_string(row, col, "–").map(|_| ()),
        };
        let value = |ws: &mut rust_xlsxwriter::Worksheet, col: u16, v: PageValue| match v {
            PageValue::Suppressed => ws.write_string(row, col, "c").map(|_| ()),
            PageValue::NotHeld => ws.write_string(row, col, "not held").map(|_| ()),
            _ => num(ws, col, v.number()),
        };
        for m in &r.months {
            value(ws, col, m.value).map_err(e)?;
            col += 1;
        }
        ws.write_string(row, col, travel(r)).map_err(e)?;
        col += 1;
        value(ws, col, r.year_to_date).map_err(e)?;
        ws.write_string(row, col + 1, polarity_text(r.polarity))
            .map_err(e)?;
        num(ws, col + 2, r.target).map_err(e)?;
        // The RAG cell coloured as on the HTML page.
        let fill = match r.rag {
            Some(Rag::Red) => Some(0xF4CCCC),
            Some(Rag::Amber) => Some(0xFFF2CC),
            Some(Rag::Green) => Some(0xD9EAD3),
            None => None,
        };
        match fill {
            Some(colour) => ws.write_string_with_format(
                row,
                col + 3,
                rag_text(r.rag),
                &Format::new().set_background_color(colour),
            ),
            None => ws.write_string(row, col + 3, rag_text(r.rag)),
        }
        .map_err(e)?;
        num(ws, col + 4, r.thresholds.map(|t| t.red)).map_err(e)?;
        num(ws, col + 5, r.thresholds.map(|t| t.green)).map_err(e)?;
        value(ws, col + 6, r.last_year).map_err(e)?;
        num(ws, col + 7, r.benchmark.statistical_neighbours).map_err(e)?;
        num(ws, col + 8, r.benchmark.best_neighbour).map_err(e)?;
        num(ws, col + 9, r.benchmark.england).map_err(e)?;
        num(ws, col + 10, r.benchmark.region).map_err(e)?;
        num(ws, col + 11, r.benchmark.top_quartile).map_err(e)?;
        ws.write_string(row, col + 12, r.benchmark.year.as_deref().unwrap_or(""))
            .map_err(e)?;
    }
    ws.set_column_width(2, 60).map_err(e)?;
    if !page.tiles.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("Performance on a page").map_err(e)?;
        for (j, h) in [
            "Indicator",
            "Period",
            "Figure",
            "Change on the same period last year",
            "Direction",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(0, j as u16, *h, &bold)
                .map_err(e)?;
        }
        for (i, t) in page.tiles.iter().enumerate() {
            let row = 1 + i as u32;
            let (scale, format) = match t.unit {
                Unit::Count => (1.0, &whole),
                Unit::Percent => (100.0, &percent),
                Unit::Rate | Unit::PerFte | Unit::Mean => (1.0, &one_dp),
            };
            ws.write_string(row, 0, &t.name).map_err(e)?;
            ws.write_string(row, 1, &t.period).map_err(e)?;
            for (col, v) in [(2u16, t.value), (3, t.change)] {
                match v {
                    PageValue::Value(x) => {
                        ws.write_number_with_format(row, col, round1(x) / scale, format)
                    }
                    other => ws.write_string(row, col, fmt_value(other)),
                }
                .map_err(e)?;
            }
            ws.write_string(row, 4, tile_arrow(t)).map_err(e)?;
        }
        ws.set_column_width(0, 60).map_err(e)?;
        ws.set_column_width(1, 24).map_err(e)?;
        ws.set_column_width(3, 20).map_err(e)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("Definitions").map_err(e)?;
    for (i, r) in page.rows.iter().enumerate() {
        ws.write_string(i as u32, 0, &r.name).map_err(e)?;
        ws.write_string(i as u32, 1, &r.definition).map_err(e)?;
    }
    ws.set_column_width(0, 60).map_err(e)?;
    ws.set_column_width(1, 100).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}

/// The page as PDF (the HTML printed by headless Chromium).
pub fn render_pdf(page: &PerformancePage) -> Result<Vec<u8>, ReportError> {
    Ok(crate::pdf::html_to_pdf(&render_html(page))?)
}

/// The page as JSON.
pub fn render_json(page: &PerformancePage) -> String {
    serde_json::to_string_pretty(page).unwrap_or_default()
}

/// The collection year a `YYYY-MM` month falls in.
pub fn year_of(month: (i32, u32)) -> Option<CollectionYear> {
    Period::month(month.0, month.1).map(|p| p.collection_year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_month("2022-12"), Ok((2022, 12)));
        for bad in ["2022-13", "2022-1", "22-12", "2022/12", "", "2022-00"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
        assert!(
            parse_month("2022-13")
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM")
        );
    }

    #[test]
    fn rag_follows_polarity() {
        let high = Thresholds {
            red: 87.0,
            green: 95.0,
        };
        assert_eq!(rag(86.9, Polarity::High, high), Some(Rag::Red));
        assert_eq!(rag(87.0, Polarity::High, high), Some(Rag::Amber));
        assert_eq!(rag(95.0, Polarity::High, high), Some(Rag::Green));
        // 3+ placements: red 16+, amber 8+, green below 8 (Rotherham 4.19).
        let low = Thresholds {
            red: 16.0,
            green: 8.0,
        };
        assert_eq!(rag(16.0, Polarity::Low, low), Some(Rag::Red));
        assert_eq!(rag(9.2, Polarity::Low, low), Some(Rag::Amber));
        assert_eq!(rag(7.9, Polarity::Low, low), Some(Rag::Green));
        assert_eq!(rag(50.0, Polarity::Info, low), None);
    }

    #[test]
    fn direction_of_travel() {
        assert_eq!(
            direction(Some(90.0), Some(92.0), Polarity::High),
            (Direction::Up, Some(true))
        );
        assert_eq!(
            direction(Some(90.0), Some(92.0), Polarity::Low),
            (Direction::Up, Some(false))
        );
        assert_eq!(
            direction(Some(9.0), Some(8.0), Polarity::Low),
            (Direction::Down, Some(true))
        );
        assert_eq!(
            direction(Some(5.0), Some(5.0), Polarity::High),
            (Direction::Same, None)
        );
        assert_eq!(
            direction(Some(5.0), Some(6.0), Polarity::Info),
            (Direction::Up, None)
        );
        assert_eq!(
            direction(None, Some(6.0), Polarity::High),
            (Direction::NotKnown, None)
        );
    }

    #[test]
    fn the_default_list_reads_measures_that_exist() {
        let data = Dataset::default();
        let settings = MeasureSettings {
            population_0_17: Some(10_000),
            ..MeasureSettings::default()
        };
        let m = measures::compute_period(
            &data,
            Period::year(CollectionYear::new(2021)),
            &settings,
            &WorkingDayCalendar::england_and_wales(),
        );
        PerformanceSettings::default().check(&m).unwrap();
    }

    #[test]
    fn indicator_settings_round_trip() {
        let s = PerformanceSettings::default();
        let json = serde_json::to_string(&s).unwrap();
        let back: PerformanceSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
