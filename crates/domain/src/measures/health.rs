//! Health outcomes (903 OC2) for the collection year: the cohort of children
//! looked after continuously for 12 months or more at 31 March, and what
//! their OC2 records say.
//!
//! The cohort is computed from the periods of care, never taken from the
//! OC2 rows: a child is in it when one looked-after (not short-break)
//! period holds both 1 April and 31 March of the year. The other measures
//! count the children of the cohort with an OC2 record for the year; a flag
//! left blank counts as not done. Ages are on 31 March.

use std::collections::BTreeMap;

use super::care::CareIndex;
use super::{Breakdown, Count, Mean, Measure, Measures, Percent, Period};
use crate::model::{ChildId, Dataset, HealthOutcomes};

/// SDQ bands: 0–13 normal, 14–16 borderline, 17 or more a cause for concern.
pub const SDQ_BANDS: [&str; 3] = ["normal", "borderline", "concern"];

/// Whether a child of `age` is asked for an SDQ score: 4 to 16 (the DfE's
/// eligibility; the one home of it for the OC2 measures, Footprint's own SDQ
/// records and the synthetic council).
pub fn sdq_eligible(age: u32) -> bool {
    (4..=16).contains(&age)
}

/// The band of an SDQ total score.
pub fn sdq_band(score: u8) -> &'static str {
    match score {
        0..=13 => "normal",
        14..=16 => "borderline",
        _ => "concern",
    }
}

/// A percentage of children, built child by child.
#[derive(Default)]
struct Share(Percent);

impl Share {
    fn count(&mut self, child: &ChildId, yes: bool) {
        self.0.denominator.add_child(child);
        if yes {
            self.0.numerator.add_child(child);
        }
    }
}

pub(super) fn outcomes(data: &Dataset, care: &CareIndex, period: Period, out: &mut Measures) {
    let year = period.collection_year();
    let (start, end) = (year.start(), year.end());
    let mut cohort = Count::default();
    for child in care.children.values() {
        if child
            .periods
            .iter()
            .any(|p| p.is_looked_after_on(start) && p.is_looked_after_on(end))
        {
            cohort.add_child(&child.id);
        }
    }
    let records: BTreeMap<&ChildId, &HealthOutcomes> = data
        .health_outcomes
        .iter()
        .filter(|h| h.year == year)
        .map(|h| (&h.child, h))
        .collect();

    let mut returned = Share::default();
    let mut outside = Count::default();
    let mut health_check = Share::default();
    let mut immunisations = Share::default();
    let mut teeth = Share::default();
    let mut assessment = Share::default();
    let mut sdq = Share::default();
    let mut mean = Mean::default();
    let mut bands = Breakdown::with_keys(SDQ_BANDS);
    let mut convicted = Share::default();
    let mut substance = Share::default();
    for id in &cohort.children {
        let record = records.get(id);
        returned.count(id, record.is_some());
        let Some(h) = record else { continue };
        let age = care.get(id).and_then(|c| c.age_on(end));
        let yes = |f: Option<bool>| f == Some(true);
        immunisations.count(id, yes(h.immunisations));
        teeth.count(id, yes(h.teeth_check));
        assessment.count(id, yes(h.health_assessment));
        substance.count(id, yes(h.substance_misuse));
        if age.is_some_and(|a| a < 5) {
            health_check.count(id, yes(h.health_check));
        }
        if age.is_some_and(|a| a >= 10) {
            convicted.count(id, yes(h.convicted));
        }
        if age.is_some_and(sdq_eligible) {
            sdq.count(id, h.sdq_score.is_some());
            if let Some(score) = h.sdq_score {
                mean.count.add_child(id);
                mean.total += u64::from(score);
                bands.entry(sdq_band(score)).add_child(id);
            }
        }
    }
    for child in records.keys() {
        if !cohort.children.contains(child) {
            outside.add_child(child);
        }
    }
    out.push("health.oc2_cohort", Measure::Count(cohort));
    out.push("health.oc2_returned", Measure::Percent(returned.0));
    out.push("health.oc2_outside_cohort", Measure::Count(outside));
    out.push("health.health_assessment", Measure::Percent(assessment.0));
    out.push("health.immunisations", Measure::Percent(immunisations.0));
    out.push("health.teeth_check", Measure::Percent(teeth.0));
    out.push(
        "health.health_check_under_5",
        Measure::Percent(health_check.0),
    );
    out.push("health.sdq_returned", Measure::Percent(sdq.0));
    out.push("health.sdq_mean", Measure::Mean(mean));
    out.push("health.sdq_bands", Measure::Breakdown(bands));
    out.push("health.convicted_10_plus", Measure::Percent(convicted.0));
    out.push("health.substance_misuse", Measure::Percent(substance.0));
}
