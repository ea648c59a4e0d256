//! The DfE adoption scorecard (A10, A2, adopted within 12 months of the
//! decision) and care leavers (903 OC3), from the 903's other tables
//! (`return_tables`) and the periods of care (`measures.md`, second edition).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::care::{CareIndex, placements};
use super::{Average, Breakdown, Count, Measure, Measures, Percent, Period};
use crate::codes::{CareLeaverAccommodation, CareLeaverActivity, InTouch};
use crate::dates::{CollectionYear, add_months};
use crate::model::{ChildId, Dataset};
use crate::periods::PeriodOfCare;
use crate::return_tables::Adoption;

/// The scorecard's thresholds, in days (council settings; defaults: the
/// DfE's 426 days for A10 and 121 days for A2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdoptionThresholds {
    /// A10: entering care to moving in with the adoptive family.
    pub a10_days: u32,
    /// A2: the court's authority to place to the match.
    pub a2_days: u32,
}

impl Default for AdoptionThresholds {
    fn default() -> Self {
        AdoptionThresholds {
            a10_days: 426,
            a2_days: 121,
        }
    }
}

/// The day a child adopted at the end of `p` moved in with the family who
/// adopted them: the start of the period's last placement for adoption
/// (A3–A6; a foster placement that became one with the same carers starts
/// when the foster placement did), else, when AD1 says the foster carers
/// adopted, the start of the period's last placement. `None` when neither.
fn moved_in(p: &PeriodOfCare, ad1: Option<&Adoption>) -> Option<NaiveDate> {
    let places = placements(p);
    places
        .iter()
        .rev()
        .find(|pl| pl.for_adoption)
        .map(|pl| pl.start)
        .or_else(|| {
            ad1.and_then(|a| a.by_foster_carer)
                .filter(|&f| f)
                .and_then(|_| places.last().map(|pl| pl.start))
        })
}

fn days(from: NaiveDate, to: NaiveDate) -> u64 {
    (to - from).num_days().max(0) as u64
}

/// `adoption.a10`, `adoption.a10_within_threshold`, `adoption.a2`,
/// `adoption.a2_within_threshold` and `adoption.within_12_months_of_shobpa`,
/// of the children adopted in `period` (periods of care ended E11/E12).
pub(super) fn scorecard(
    data: &Dataset,
    care: &CareIndex,
    period: Period,
    thresholds: AdoptionThresholds,
    out: &mut Measures,
) {
    let tables = &data.return_tables;
    let ad1: BTreeMap<(&ChildId, CollectionYear), &Adoption> = tables
        .adoptions
        .iter()
        .map(|a| ((&a.child, a.year), a))
        .collect();
    let mut a10 = Average::default();
    let mut a10_within = Count::default();
    let mut a2 = Average::default();
    let mut a2_within = Count::default();
    let mut within_12 = Percent::default();
    for child in care.children.values() {
        for p in &child.periods {
            let (Some(adopted), Some(rec)) = (p.end(), p.reason_ceased()) else {
                continue;
            };
            if !period.contains(adopted) || !rec.is_adoption() {
                continue;
            }
            let record = ad1.get(&(&child.id, CollectionYear::of(adopted))).copied();
            // A10: entering care to moving in.
            if let Some(moved) = moved_in(p, record) {
                let entered = p.looked_after_from().unwrap_or(p.start());
                let n = days(entered, moved);
                a10.count.add(&child.id);
                a10.total_days += n;
                if n <= u64::from(thresholds.a10_days) {
                    a10_within.add(&child.id);
                }
            }
            // A2: the court's authority to place to the match.
            if let (Some(authority), Some(matched)) =
                (p.adoption_authority(), record.and_then(|a| a.matched))
            {
                let n = days(authority, matched);
                a2.count.add(&child.id);
                a2.total_days += n;
                if n <= u64::from(thresholds.a2_days) {
                    a2_within.add(&child.id);
                }
            }
            // Adopted within 12 months of the decision that the child
            // should be placed for adoption (AD1 DATE_INT; else the latest
            // PlacedAdoption decision on or before the adoption).
            let decided = record.and_then(|a| a.decided).or_else(|| {
                tables
                    .adoption_decisions
                    .iter()
                    .filter(|d| d.child == child.id && d.decided <= adopted)
                    .map(|d| d.decided)
                    .max()
            });
            if let Some(decided) = decided {
                within_12.denominator.add(&child.id);
                if adopted <= add_months(decided, 12) {
                    within_12.numerator.add(&child.id);
                }
            }
        }
    }
    let a10_pct = Percent {
        numerator: a10_within,
        denominator: a10.count.clone(),
    };
    let a2_pct = Percent {
        numerator: a2_within,
        denominator: a2.count.clone(),
    };
    out.push("adoption.a10", Measure::Average(a10));
    out.push("adoption.a10_within_threshold", Measure::Percent(a10_pct));
    out.push("adoption.a2", Measure::Average(a2));
    out.push("adoption.a2_within_threshold", Measure::Percent(a2_pct));
    out.push(
        "adoption.within_12_months_of_shobpa",
        Measure::Percent(within_12),
    );
}

/// The scorecard's figures that have three-year averages, and the ids of
/// those averages: (the year's id, the three years' id).
pub const THREE_YEAR_SCORECARD: [(&str, &str); 4] = [
    ("adoption.a10", "adoption.a10_three_year"),
    (
        "adoption.a10_within_threshold",
        "adoption.a10_three_year_within_threshold",
    ),
    ("adoption.a2", "adoption.a2_three_year"),
    (
        "adoption.a2_within_threshold",
        "adoption.a2_three_year_within_threshold",
    ),
];

fn sum_counts(counts: &[&Count]) -> Count {
    Count {
        value: counts.iter().map(|c| c.value).sum(),
        children: counts
            .iter()
            .flat_map(|c| c.children.iter().cloned())
            .collect(),
    }
}

/// The adoption scorecard's three-year averages, as the DfE publishes A10
/// and A2: over the children adopted in three reporting years (`years`, the
/// year and the two before it, each computed by the one engine), the total
/// days ÷ the children counted, and of them those within the threshold
/// (`adoption.a10_three_year`, `adoption.a10_three_year_within_threshold`,
/// `adoption.a2_three_year`, `adoption.a2_three_year_within_threshold`).
/// `None` unless exactly three years are given, each with the scorecard.
pub fn three_year_scorecard(years: &[&Measures]) -> Option<Vec<(String, Measure)>> {
    if years.len() != 3 {
        return None;
    }
    let mut out = Vec::new();
    for (one, three) in THREE_YEAR_SCORECARD {
        let each: Vec<&Measure> = years.iter().map(|m| m.get(one)).collect::<Option<_>>()?;
        let combined = match each.as_slice() {
            [
                Measure::Average(a),
                Measure::Average(b),
                Measure::Average(c),
            ] => Measure::Average(Average {
                count: sum_counts(&[&a.count, &b.count, &c.count]),
                total_days: a.total_days + b.total_days + c.total_days,
            }),
            [
                Measure::Percent(a),
                Measure::Percent(b),
                Measure::Percent(c),
            ] => Measure::Percent(Percent {
                numerator: sum_counts(&[&a.numerator, &b.numerator, &c.numerator]),
                denominator: sum_counts(&[&a.denominator, &b.denominator, &c.denominator]),
            }),
            _ => return None,
        };
        out.push((three.to_owned(), combined));
    }
    Some(out)
}

/// The children with a period of care ended by adoption (an episode ceased
/// E11 or E12) on a day of `[from, to]`: those whose AD1 and PlacedAdoption
/// records the adoption scorecard of a period in it reads.
pub fn adopted_between(data: &Dataset, from: NaiveDate, to: NaiveDate) -> Vec<ChildId> {
    let mut ids: Vec<ChildId> = data
        .episodes
        .iter()
        .filter(|e| {
            e.reason_ceased.is_some_and(|r| r.is_adoption())
                && e.end.is_some_and(|d| from <= d && d <= to)
        })
        .map(|e| e.child.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The keys of `care_leavers.in_touch`: every IN_TOUCH code, then
/// `not_recorded`.
fn in_touch_keys() -> Vec<&'static str> {
    use crate::codes::NationalCode;
    InTouch::ALL
        .iter()
        .map(|c| c.code())
        .chain(["not_recorded"])
        .collect()
}

/// ACTIV codes counted as in education, employment or training.
fn is_eet(a: CareLeaverActivity) -> bool {
    use CareLeaverActivity::*;
    matches!(a, F1 | P1 | F2 | P2 | F4 | P4 | F5 | P5)
}

/// Whether an ACCOM code says the accommodation is suitable (its digit 1);
/// `None` for 0 (no information).
fn is_suitable(a: CareLeaverAccommodation) -> Option<bool> {
    if a == CareLeaverAccommodation::NotKnown {
        return None;
    }
    Some(a.code().ends_with('1'))
}

/// `care_leavers.*` for the collection year `period` falls in (as OC2, the
/// DfE's annual view): the OC3 rows of that year.
pub(super) fn care_leavers(data: &Dataset, care: &CareIndex, period: Period, out: &mut Measures) {
    let year = period.collection_year();
    let children: BTreeMap<&ChildId, &crate::model::Child> =
        data.children.iter().map(|c| (&c.id, c)).collect();
    let mut count = Count::default();
    let mut in_touch = Breakdown::with_keys(in_touch_keys());
    let mut suitable = Percent::default();
    let mut eet = Percent::default();
    let mut former_uasc = Count::default();
    for r in data
        .return_tables
        .care_leavers
        .iter()
        .filter(|r| r.year == year)
    {
        // One OC3 row per child and year (the store's key); a repeat is
        // counted once.
        if count.children.contains(&r.child) {
            continue;
        }
        count.add_child(&r.child);
        in_touch
            .entry(r.in_touch.map_or("not_recorded", |t| t.code()))
            .add(&r.child);
        if let Some(s) = r.accommodation.and_then(is_suitable) {
            suitable.denominator.add(&r.child);
            if s {
                suitable.numerator.add(&r.child);
            }
        }
        if let Some(a) = r.activity.filter(|a| *a != CareLeaverActivity::NotKnown) {
            eet.denominator.add(&r.child);
            if is_eet(a) {
                eet.numerator.add(&r.child);
            }
        }
        // UASC when last looked after: on the last day of their last
        // looked-after period of care (with no period held, whether they
        // ever had UASC status).
        if let Some(c) = children.get(&r.child)
            && c.uasc.is_some()
        {
            let last_day = care
                .get(&r.child)
                .and_then(|cc| cc.periods.iter().filter_map(|p| p.end()).max())
                .and_then(|end| end.pred_opt());
            if last_day.is_none_or(|d| c.is_uasc_on(d)) {
                former_uasc.add_child(&r.child);
            }
        }
    }
    out.push("care_leavers.count", Measure::Count(count));
    out.push("care_leavers.in_touch", Measure::Breakdown(in_touch));
    out.push(
        "care_leavers.suitable_accommodation_pct",
        Measure::Percent(suitable),
    );
    out.push("care_leavers.eet_pct", Measure::Percent(eet));
    out.push("care_leavers.former_uasc", Measure::Count(former_uasc));
}
