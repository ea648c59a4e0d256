//! Health assessments (`health.assessments.*`) and personal education plans
//! (`education.*`) over any period, from the schedules of
//! `health_education` (one function per record type) and the periods of
//! care. Definitions: `docs/measures.md`. What is due is judged as the
//! records stood on the period's last day: a thing done after it counts as
//! not done.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use super::care::{CareIndex, ChildCare, month_keys};
use super::health::{SDQ_BANDS, sdq_band, sdq_eligible};
use super::{
    Breakdown, Count, DataProblem, Grid, Measure, Measures, Percent, Period, records_window,
};
use crate::calendar::WorkingDayCalendar;
use crate::dates::age_on;
use crate::health_education::{
    Due, EducationPlan, HealthAssessment, HealthEducationTimescales, PepItem, dental_schedule,
    education_plan_schedule, health_assessment_schedule,
};
use crate::model::{ChildId, Dataset, QualityGrade};
use crate::periods::PeriodOfCare;

/// The records of one kind, by child.
fn by_child<T: Clone>(rows: &[T], child: impl Fn(&T) -> &ChildId) -> BTreeMap<&ChildId, Vec<T>> {
    let mut out: BTreeMap<&ChildId, Vec<T>> = BTreeMap::new();
    for r in rows {
        out.entry(child(r)).or_default().push(r.clone());
    }
    out
}

/// Due in the period; in time when done by its due date and by the
/// period's last day.
fn count_due(d: &Due, period: Period, child: &ChildId, due: &mut Percent) {
    if period.contains(d.due) {
        due.denominator.add(child);
        if d.done.is_some_and(|x| x <= d.due && x <= period.last) {
            due.numerator.add(child);
        }
    }
}

/// Where a thing due stood on the period's last day: done by its due date
/// (`in_time`), done after it by the last day (`late`), or `not_done`.
fn done_by(d: &Due, last: NaiveDate) -> &'static str {
    match d.done.filter(|x| *x <= last) {
        Some(x) if x <= d.due => "in_time",
        Some(_) => "late",
        None => "not_done",
    }
}

/// The periods of care whose schedules the measures of `period` read: those
/// with an episode open on a day of its records window (the day before it
/// to its last day, `records_window`), so that a report that loads only the
/// children whose records touch the window gives the same figures. (A thing
/// due in the period after its period of care ended, with no episode in the
/// window, is not counted.)
fn periods_near<'c>(
    child: &'c ChildCare<'_>,
    period: Period,
) -> impl Iterator<Item = &'c PeriodOfCare> {
    let (from, to) = records_window(&[period]).unwrap_or((period.first, period.last));
    child
        .periods
        .iter()
        .filter(move |p| p.episodes.iter().any(|e| e.overlaps(from, to)))
}

/// Whether one period of care holds both `from` and `to`, looked after.
fn continuously(child: &ChildCare<'_>, from: NaiveDate, to: NaiveDate) -> bool {
    child
        .periods
        .iter()
        .any(|p| p.is_looked_after_on(from) && p.is_looked_after_on(to))
}

#[allow(clippy::too_many_lines)]
pub(super) fn measures(
    data: &Dataset,
    care: &CareIndex,
    period: Period,
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
    out: &mut Measures,
) {
    let last = period.last;
    // The start's snapshot is the day before the period (the end of the
    // year before, as `cla.start`).
    let day_before = period.first.pred_opt().unwrap_or(period.first);
    let assessments = by_child(&data.health_assessments, |a: &HealthAssessment| &a.child);
    let dental = by_child(&data.dental_checks, |a| &a.child);
    let plans = by_child(&data.education_plans, |a: &EducationPlan| &a.child);
    let none_a: Vec<HealthAssessment> = Vec::new();
    let none_d = Vec::new();
    let none_p: Vec<EducationPlan> = Vec::new();

    const DONE: [&str; 3] = ["in_time", "late", "not_done"];
    let mut initial = Breakdown::with_keys(DONE);
    let mut initial_by_month = Grid {
        rows: month_keys(period)
            .into_iter()
            .map(|k| (k, Breakdown::with_keys(DONE)))
            .collect(),
    };
    let mut reviews = Breakdown::with_keys(DONE);
    let mut initial_in_time = Percent::default();
    let mut reviews_in_time = Percent::default();
    let mut up_to_date = Percent::default();
    let mut dental_up_to_date = Percent::default();
    let mut dental_up_to_date_start = Percent::default();
    let mut pep_initial = Percent::default();
    let mut pep_terms = Percent::default();
    let mut pep_up_to_date = Percent::default();
    let mut pep_this_term = Percent::default();
    let mut problems: Vec<DataProblem> = Vec::new();
    let this_term = t.term_of(last);

    for child in care.children.values() {
        let Some(header) = child.child else { continue };
        let dob = header.date_of_birth;
        let id = &child.id;
        let a = assessments.get(id).unwrap_or(&none_a);
        let dc = dental.get(id).unwrap_or(&none_d);
        let pl = plans.get(id).unwrap_or(&none_p);
        for p in periods_near(child, period) {
            let on_last = p.is_looked_after_on(last);
            let on_before = p.is_looked_after_on(day_before);
            match health_assessment_schedule(p, dob, a, t, calendar) {
                Ok(Some(s)) => {
                    if let Some(i) = s.initial.filter(|i| period.contains(i.due)) {
                        let key = done_by(&i, last);
                        initial.entry(key).add(id);
                        let month = i.due.format("%Y-%m").to_string();
                        if let Some(row) = initial_by_month.row_mut(&month) {
                            row.entry(key).add(id);
                        }
                        count_due(&i, period, id, &mut initial_in_time);
                    }
                    for r in &s.reviews {
                        if period.contains(r.due) {
                            reviews.entry(done_by(r, last)).add(id);
                        }
                        count_due(r, period, id, &mut reviews_in_time);
                    }
                    if on_last {
                        up_to_date.denominator.add_child(id);
                        if s.up_to_date_on(last) {
                            up_to_date.numerator.add_child(id);
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => problems.push(DataProblem {
                    child: id.clone(),
                    message: format!("health assessments could not be scheduled: {e}"),
                }),
            }
            if let Some(items) = dental_schedule(p, dc, t) {
                for (on, day, share) in [
                    (on_before, day_before, &mut dental_up_to_date_start),
                    (on_last, last, &mut dental_up_to_date),
                ] {
                    if on {
                        share.denominator.add_child(id);
                        if !items.iter().any(|d| d.overdue_on(day)) {
                            share.numerator.add_child(id);
                        }
                    }
                }
            }
            match education_plan_schedule(p, dob, pl, t, calendar, last) {
                Ok(Some(s)) => {
                    for (item, d) in &s.items {
                        match item {
                            PepItem::Initial => count_due(d, period, id, &mut pep_initial),
                            PepItem::Term(_) => count_due(d, period, id, &mut pep_terms),
                        }
                    }
                    if on_last && t.school_age(dob, this_term.school_year) {
                        pep_up_to_date.denominator.add_child(id);
                        if s.up_to_date_on(last) {
                            pep_up_to_date.numerator.add_child(id);
                        }
                    }
                    if on_last
                        && let Some((_, d)) =
                            s.items.iter().find(|(i, _)| *i == PepItem::Term(this_term))
                    {
                        pep_this_term.denominator.add_child(id);
                        if d.done.is_some_and(|x| x <= last) {
                            pep_this_term.numerator.add_child(id);
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => problems.push(DataProblem {
                    child: id.clone(),
                    message: format!("personal education plans could not be scheduled: {e}"),
                }),
            }
        }
    }

    // SDQ: children looked after on the last day, continuously for the 12
    // months before it, aged 4 to 16 then; done when an SDQ is dated in
    // those 12 months.
    let year_before = last
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN);
    let mut latest_sdq: BTreeMap<&ChildId, (NaiveDate, u8)> = BTreeMap::new();
    for s in &data.sdq_scores {
        if s.date > year_before && s.date <= last {
            let e = latest_sdq.entry(&s.child).or_insert((s.date, s.score));
            if s.date >= e.0 {
                *e = (s.date, s.score);
            }
        }
    }
    let mut sdq = Percent::default();
    let mut bands = Breakdown::with_keys(SDQ_BANDS);
    let mut latest_imm: BTreeMap<&ChildId, (NaiveDate, bool)> = BTreeMap::new();
    for i in &data.immunisations {
        if i.date <= last {
            let e = latest_imm.entry(&i.child).or_insert((i.date, i.up_to_date));
            if i.date >= e.0 {
                *e = (i.date, i.up_to_date);
            }
        }
    }
    let mut immunisations = Percent::default();
    for child in care.looked_after_on(last) {
        let id = &child.id;
        immunisations.denominator.add_child(id);
        if latest_imm.get(id).is_some_and(|(_, yes)| *yes) {
            immunisations.numerator.add_child(id);
        }
        let age = child.child.map(|c| age_on(c.date_of_birth, last));
        if continuously(child, year_before, last) && age.is_some_and(sdq_eligible) {
            sdq.denominator.add_child(id);
            if let Some((_, score)) = latest_sdq.get(id) {
                sdq.numerator.add_child(id);
                bands.entry(sdq_band(*score)).add_child(id);
            }
        }
    }

    // PEPs held in the period by children looked after that day, by quality.
    let mut held = Count::default();
    let mut quality = Breakdown::with_keys(
        QualityGrade::ALL
            .iter()
            .map(|g| g.key())
            .chain(["not_recorded"]),
    );
    for p in &data.education_plans {
        if period.contains(p.date)
            && care
                .get(&p.child)
                .is_some_and(|c| c.looked_after_on(p.date))
        {
            held.add(&p.child);
            quality
                .entry(p.quality.map_or("not_recorded", QualityGrade::key))
                .add(&p.child);
        }
    }

    out.problems.extend(problems);
    out.push("health.assessments.initial", Measure::Breakdown(initial));
    out.push(
        "health.assessments.initial_in_time",
        Measure::Percent(initial_in_time),
    );
    out.push(
        "health.assessments.initial.by_month",
        Measure::Months(initial_by_month),
    );
    out.push(
        "health.assessments.reviews_in_time",
        Measure::Percent(reviews_in_time),
    );
    out.push("health.assessments.reviews", Measure::Breakdown(reviews));
    out.push(
        "health.assessments.up_to_date.end",
        Measure::Percent(up_to_date),
    );
    out.push(
        "health.assessments.dental_up_to_date.end",
        Measure::Percent(dental_up_to_date),
    );
    out.push(
        "health.assessments.dental_up_to_date.start",
        Measure::Percent(dental_up_to_date_start),
    );
    out.push("health.assessments.sdq_completed", Measure::Percent(sdq));
    out.push("health.assessments.sdq_bands", Measure::Breakdown(bands));
    out.push(
        "health.assessments.immunisations_up_to_date.end",
        Measure::Percent(immunisations),
    );
    out.push(
        "education.pep.initial_in_time",
        Measure::Percent(pep_initial),
    );
    out.push("education.pep.terms_in_time", Measure::Percent(pep_terms));
    out.push(
        "education.pep.up_to_date.end",
        Measure::Percent(pep_up_to_date),
    );
    out.push(
        "education.pep.this_term.end",
        Measure::Percent(pep_this_term),
    );
    out.push("education.pep.held", Measure::Count(held));
    out.push("education.pep.by_quality", Measure::Breakdown(quality));
}
