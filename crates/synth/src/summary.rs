//! A few headline figures per collection year, to check (and show) that a
//! generated council looks like a real one: children looked after at
//! 31 March, starts and ceased, review timeliness by the domain's statutory
//! schedule, participation, placement stability, IRO caseload.
//!
//! These follow `measures.md` closely but are not the report's measures:
//! they exist for the generator's tests and the `generate` command's output.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::ParticipationCode;
use footprint_domain::dates::{CollectionYear, age_on};
use footprint_domain::model::{ChildId, Dataset, Episode, Review};
use footprint_domain::periods::assemble_periods;
use footprint_domain::schedule::{ScheduleInput, SchedulePolicy, schedule};
use serde::Serialize;

/// Headline figures for one collection year.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct YearSummary {
    pub year: String,
    /// Children looked after on 31 March at the end of the year.
    pub looked_after_at_end: usize,
    /// Periods of care starting in the year.
    pub starts: usize,
    /// Starts by age band at entry: under 1, 1–4, 5–9, 10–15, 16–17.
    pub starts_by_age_band: BTreeMap<String, usize>,
    /// Starts by legal status of the first episode.
    pub starts_by_legal_status: BTreeMap<String, usize>,
    /// Periods of care ending in the year, by REC.
    pub ceased_by_reason: BTreeMap<String, usize>,
    pub ceased: usize,
    /// Reviews held in the year while looked after.
    pub reviews_held: usize,
    pub reviews_in_time: usize,
    pub reviews_late: usize,
    pub reviews_timeliness_unknown: usize,
    /// Reviews whose code breaks the PN0-iff-under-4 rule, or have none.
    pub participation_code_errors: usize,
    /// Of `looked_after_at_end`, children with 3 or more placements in the year.
    pub three_plus_placements: usize,
    /// IRO full-time equivalents in post on 31 March.
    pub iro_fte_at_end: f64,
    /// Short-breaks children with a break in the year.
    pub short_breaks_children: usize,
    /// Children with a missing (M) episode starting in the year.
    pub children_missing: usize,
}

impl YearSummary {
    /// In-time share of the reviews whose due date is known.
    pub fn in_time_share(&self) -> Option<f64> {
        let known = self.reviews_in_time + self.reviews_late;
        (known > 0).then(|| self.reviews_in_time as f64 / known as f64)
    }

    /// Children looked after per IRO FTE on 31 March.
    pub fn caseload_per_fte(&self) -> Option<f64> {
        (self.iro_fte_at_end > 0.0).then(|| self.looked_after_at_end as f64 / self.iro_fte_at_end)
    }
}

fn band(age: u32) -> &'static str {
    match age {
        0 => "under 1",
        1..=4 => "1-4",
        5..=9 => "5-9",
        10..=15 => "10-15",
        _ => "16-17",
    }
}

/// The headline figures for each of `years`.
pub fn summarise(ds: &Dataset, years: &[CollectionYear]) -> Vec<YearSummary> {
    let calendar = WorkingDayCalendar::england_and_wales();
    let policy = SchedulePolicy::statutory();
    let mut out: Vec<YearSummary> = years
        .iter()
        .map(|y| YearSummary {
            year: y.to_string(),
            ..YearSummary::default()
        })
        .collect();
    let dobs: BTreeMap<&ChildId, NaiveDate> = ds
        .children
        .iter()
        .map(|c| (&c.id, c.date_of_birth))
        .collect();
    let mut episodes: BTreeMap<&ChildId, Vec<Episode>> = BTreeMap::new();
    for e in &ds.episodes {
        episodes.entry(&e.child).or_default().push(e.clone());
    }
    let mut reviews: BTreeMap<&ChildId, Vec<&Review>> = BTreeMap::new();
    for r in &ds.reviews {
        reviews.entry(&r.child).or_default().push(r);
    }
    let no_reviews = Vec::new();

    for (child, eps) in &episodes {
        let Some(&dob) = dobs.get(child) else {
            continue;
        };
        let periods = assemble_periods(eps).periods;
        let child_reviews = reviews.get(child).unwrap_or(&no_reviews);
        for (y, s) in years.iter().zip(out.iter_mut()) {
            if periods.iter().any(|p| {
                p.is_short_breaks()
                    && p.start() <= y.end()
                    && p.end().is_none_or(|e| e >= y.start())
            }) {
                s.short_breaks_children += 1;
            }
        }
        for p in periods.iter().filter(|p| !p.is_short_breaks()) {
            let start = p.start();
            for (y, s) in years.iter().zip(out.iter_mut()) {
                if y.contains(start) {
                    s.starts += 1;
                    *s.starts_by_age_band
                        .entry(band(age_on(dob, start)).to_owned())
                        .or_default() += 1;
                    *s.starts_by_legal_status
                        .entry(p.first_episode().legal_status.code().to_owned())
                        .or_default() += 1;
                }
                if let (Some(end), Some(rec)) = (p.end(), p.reason_ceased())
                    && y.contains(end)
                {
                    s.ceased += 1;
                    *s.ceased_by_reason.entry(rec.code().to_owned()).or_default() += 1;
                }
                if p.is_looked_after_on(y.end()) {
                    s.looked_after_at_end += 1;
                    let open_at_start = p.is_open_on(y.start()) as usize;
                    let new_in_year = p
                        .episodes
                        .iter()
                        .filter(|e| {
                            e.reason_new.starts_new_placement()
                                && y.contains(e.start)
                                && !(e.start == start && open_at_start == 1)
                        })
                        .count();
                    if open_at_start + new_in_year >= 3 {
                        s.three_plus_placements += 1;
                    }
                }
            }
            // Reviews of this period, by the statutory schedule.
            let in_period: Vec<&Review> = child_reviews
                .iter()
                .copied()
                .filter(|r| r.date >= start && p.end().is_none_or(|e| r.date < e))
                .collect();
            let input = ScheduleInput {
                period_end: p.end(),
                reviews_known_from: ds.reviews_known_from,
                ..ScheduleInput::looked_after(start, in_period.iter().map(|r| r.date).collect())
            };
            let Ok(sched) = schedule(&input, &policy, &calendar) else {
                continue;
            };
            for (r, sr) in in_period.iter().zip(&sched.reviews) {
                for (y, s) in years.iter().zip(out.iter_mut()) {
                    if !y.contains(r.date) {
                        continue;
                    }
                    s.reviews_held += 1;
                    match sr.in_time {
                        Some(true) => s.reviews_in_time += 1,
                        Some(false) => s.reviews_late += 1,
                        None => s.reviews_timeliness_unknown += 1,
                    }
                    let under_four = age_on(dob, r.date) < 4;
                    let ok = match r.participation {
                        Some(ParticipationCode::PN0) => under_four,
                        Some(_) => !under_four,
                        None => false,
                    };
                    if !ok {
                        s.participation_code_errors += 1;
                    }
                }
            }
        }
    }
    for (y, s) in years.iter().zip(out.iter_mut()) {
        let d = y.end();
        s.iro_fte_at_end = ds
            .iros
            .iter()
            .filter(|i| i.started <= d && i.left.is_none_or(|l| l > d))
            .map(|i| i.fte)
            .sum();
        let mut missing: Vec<&ChildId> = ds
            .missing
            .iter()
            .filter(|m| {
                m.kind == footprint_domain::codes::MissingKind::Missing && y.contains(m.start)
            })
            .map(|m| &m.child)
            .collect();
        missing.dedup();
        s.children_missing = missing.len();
    }
    out
}
