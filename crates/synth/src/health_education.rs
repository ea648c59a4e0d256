//! Health assessments, dental checks, SDQ scores, immunisation status and
//! personal education plans, for every looked-after period of care, dated
//! from 13 months before the first reported year to `as_of`.
//!
//! Drawn from their own random stream (seeded from the council's seed), so
//! adding them changes nothing else in the council (the 903 returns are the
//! same byte for byte). Timeliness is near the reference reports' figures
//! (Rotherham 2020–23): initial health assessments in time about 70%, review
//! health assessments about 90% and up to date about 85%; dental checks up
//! to date about 70%; an SDQ in the year for about 65% of those eligible;
//! immunisations up to date about 86%; a PEP in about 95% of terms, the
//! initial one in time about 80%.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::{add_months, age_on};
use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, HealthEducationRecords,
    HealthEducationTimescales, ImmunisationStatus, SdqScore,
};
use footprint_domain::measures::sdq_eligible;
use footprint_domain::model::{Child, ChildId, Dataset, Episode, QualityGrade};
use footprint_domain::periods::{PeriodOfCare, assemble_periods};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::health::sdq_score;
use crate::util::{add_days, days_between, pick};

/// Mixed into the council's seed for this stream.
const STREAM: u64 = 0x4EA1_7ED0_CA71_0115;

/// Every record, each list sorted by child then date.
pub(crate) fn records(
    seed: u64,
    ds: &Dataset,
    from: NaiveDate,
    as_of: NaiveDate,
    calendar: &WorkingDayCalendar,
) -> HealthEducationRecords {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let t = HealthEducationTimescales::default();
    let mut sorted: Vec<&Episode> = ds.episodes.iter().collect();
    sorted.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    let children: BTreeMap<&ChildId, &Child> = ds.children.iter().map(|c| (&c.id, c)).collect();
    let mut out = HealthEducationRecords::default();
    let keep_from = add_days(from, -400);
    for group in sorted.chunk_by(|a, b| a.child == b.child) {
        let Some(child) = children.get(&group[0].child) else {
            continue;
        };
        let eps: Vec<Episode> = group.iter().map(|e| (*e).clone()).collect();
        for p in assemble_periods(&eps).periods {
            if p.is_short_breaks() || p.end().is_some_and(|e| e < keep_from) {
                continue;
            }
            let mut one = Gen {
                rng: &mut rng,
                p: &p,
                dob: child.date_of_birth,
                until: p.end().map_or(as_of, |e| e.min(as_of)),
                keep_from,
                t: &t,
                calendar,
                out: &mut out,
            };
            one.health();
            one.dental();
            one.sdq();
            one.peps();
        }
    }
    // Overlapping periods (a data problem injected into the episodes) can
    // give one child two records on a day: one is kept.
    out.health_assessments.sort_by(|a, b| {
        (&a.child, a.done.or(a.requested), a.kind, a.requested).cmp(&(
            &b.child,
            b.done.or(b.requested),
            b.kind,
            b.requested,
        ))
    });
    out.health_assessments.dedup();
    out.dental_checks
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    out.dental_checks.dedup();
    out.sdq_scores
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    out.sdq_scores
        .dedup_by(|a, b| a.child == b.child && a.date == b.date);
    out.immunisations
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    out.immunisations
        .dedup_by(|a, b| a.child == b.child && a.date == b.date);
    out.education_plans
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    out.education_plans
        .dedup_by(|a, b| a.child == b.child && a.date == b.date);
    out
}

struct Gen<'a> {
    rng: &'a mut ChaCha8Rng,
    p: &'a PeriodOfCare,
    dob: NaiveDate,
    /// The last day a record may be dated: the period's end or `as_of`.
    until: NaiveDate,
    keep_from: NaiveDate,
    t: &'a HealthEducationTimescales,
    calendar: &'a WorkingDayCalendar,
    out: &'a mut HealthEducationRecords,
}

impl Gen<'_> {
    fn start(&self) -> NaiveDate {
        self.p.looked_after_from().unwrap_or(self.p.start())
    }

    fn child(&self) -> ChildId {
        self.p.child.clone()
    }

    /// `n` working days after `d`, or (outside the calendar) 7 days a week.
    fn working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        self.calendar
            .add_working_days(d, n)
            .unwrap_or_else(|_| add_days(d, i64::from(n) * 7 / 5))
    }

    fn kept(&self, d: NaiveDate) -> bool {
        d >= self.keep_from && d <= self.until
    }

    fn immunisations(&mut self, on: NaiveDate, p: f64) {
        if self.kept(on) {
            let up_to_date = self.rng.random_bool(p);
            self.out.immunisations.push(ImmunisationStatus {
                child: self.child(),
                date: on,
                up_to_date,
            });
        }
    }

    fn health(&mut self) {
        let start = self.start();
        let due = self.working_days(start, self.t.initial_assessment_working_days);
        let requested = add_days(start, days_between(self.rng, 1, 6));
        let done = match pick(self.rng, &[(0u8, 71), (1, 25), (2, 4)]) {
            0 => Some(add_days(
                requested,
                days_between(self.rng, 3, (due - requested).num_days()),
            )),
            1 => Some(add_days(due, days_between(self.rng, 1, 45))),
            _ => None,
        };
        if requested > self.until {
            return;
        }
        let done = done.filter(|d| *d <= self.until);
        if self.kept(requested) || done.is_some_and(|d| self.kept(d)) {
            self.out.health_assessments.push(HealthAssessment {
                child: self.child(),
                kind: AssessmentKind::Initial,
                requested: Some(requested),
                done,
            });
        }
        let Some(mut last) = done else { return };
        self.immunisations(last, 0.8);
        loop {
            let due = add_months(last, self.t.review_months(self.dob, last));
            // Most in time; some late; a few left long overdue.
            let next = match pick(self.rng, &[(0u8, 78), (1, 14), (2, 8)]) {
                0 => add_days(due, -days_between(self.rng, 0, 40)),
                1 => add_days(due, days_between(self.rng, 1, 240)),
                _ => add_days(due, days_between(self.rng, 240, 600)),
            };
            if next > self.until {
                return;
            }
            if self.kept(next) {
                self.out.health_assessments.push(HealthAssessment {
                    child: self.child(),
                    kind: AssessmentKind::Review,
                    requested: None,
                    done: Some(next),
                });
            }
            self.immunisations(next, 0.88);
            last = next;
        }
    }

    fn dental(&mut self) {
        let mut last = self.start();
        let mut first = true;
        loop {
            let due = add_months(last, self.t.dental_months);
            // Dentists are hard to find for children in care: many checks
            // late, some a long time late.
            let next = match pick(self.rng, &[(0u8, 50), (1, 35), (2, 15)]) {
                0 if first => add_days(last, days_between(self.rng, 20, 200)),
                0 => add_days(due, -days_between(self.rng, 0, 90)),
                1 => add_days(due, days_between(self.rng, 1, 300)),
                _ => add_days(due, days_between(self.rng, 200, 900)),
            };
            first = false;
            if next > self.until {
                return;
            }
            if self.kept(next) {
                self.out.dental_checks.push(DentalCheck {
                    child: self.child(),
                    date: next,
                });
            }
            last = next;
        }
    }

    /// One chance a year, near each anniversary of coming into care, of an
    /// SDQ while aged 4 to 16.
    fn sdq(&mut self) {
        let start = self.start();
        for k in 1u32.. {
            let anniversary = add_months(start, 12 * k);
            let on = add_days(anniversary, -days_between(self.rng, 0, 60));
            if on > self.until {
                return;
            }
            let score = sdq_score(self.rng);
            if self.rng.random_bool(0.66) && sdq_eligible(age_on(self.dob, on)) && self.kept(on) {
                self.out.sdq_scores.push(SdqScore {
                    child: self.child(),
                    date: on,
                    score,
                });
            }
        }
    }

    fn quality(&mut self) -> Option<QualityGrade> {
        pick(
            self.rng,
            &[
                (Some(QualityGrade::Outstanding), 8),
                (Some(QualityGrade::Good), 55),
                (Some(QualityGrade::RequiresImprovement), 20),
                (Some(QualityGrade::Inadequate), 3),
                (None, 14),
            ],
        )
    }

    fn pep(&mut self, on: NaiveDate) {
        let quality = self.quality();
        let term = self.t.term_of(on);
        let held = self
            .out
            .education_plans
            .iter()
            .rev()
            .take_while(|p| p.child == self.p.child)
            .any(|p| p.term == term || p.date == on);
        if self.kept(on) && !held {
            self.out.education_plans.push(EducationPlan {
                child: self.child(),
                date: on,
                term,
                quality,
            });
        }
    }

    fn peps(&mut self) {
        let start = self.start();
        let first_term = self.t.term_of(start);
        if self.t.school_age(self.dob, first_term.school_year) {
            let due = self.working_days(start, self.t.initial_pep_working_days);
            let on = match pick(self.rng, &[(0u8, 80), (1, 20)]) {
                0 => add_days(start, days_between(self.rng, 3, (due - start).num_days())),
                _ => add_days(due, days_between(self.rng, 1, 30)),
            };
            if on <= self.until {
                self.pep(on);
            }
        }
        let mut term = first_term;
        while let (Some(first), Some(last)) = (self.t.term_start(term), self.t.term_end(term)) {
            if first > self.until {
                return;
            }
            if first >= start
                && self.p.is_looked_after_on(first)
                && self.t.school_age(self.dob, term.school_year)
                && self.rng.random_bool(0.95)
            {
                // Most in the term's first weeks; a few in its last days.
                let latest = (last - first).num_days().min(75);
                let on = add_days(first, days_between(self.rng, 7, latest));
                if on <= self.until {
                    self.pep(on);
                }
            }
            term = term.next();
        }
    }
}
