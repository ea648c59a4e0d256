//! The daily path: what an IRO's caseload, a child's page, the due list and
//! the outstanding list show, worked out from the records of the children on
//! the page (a [`Dataset`] holding only those children is enough; the store
//! reads it with indexed queries). Pure functions, no I/O.
//!
//! Every due date here comes from [`PeriodOfCare::schedule`], the one way
//! from a period of care to its schedule, under the council's policy: the
//! council's local rules (unregistered placements, placement moves, the
//! adoption timetable) apply wherever the
//! council's schedule is shown. Figures (counts, percentages) are not worked
//! out here: they come from [`crate::measures`].

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::calendar::WorkingDayCalendar;
use crate::case_records::{
    CaseRecordTimescales, CaseRecords, Due, Notifier, PrivateFosteringNotification, SecureDecision,
    conference_schedule, foster_carer_schedule, notified_arrangement_end,
    private_fostering_schedule, private_fostering_visit_schedule, secure_review_schedule,
};
use crate::health_education::{HealthEducationOf, HealthEducationTimescales, due_next};
use crate::measures::MeasureSettings;
use crate::measures::Period;
use crate::model::{Allocation, ChildId, Dataset, Episode, IroId, Review, ReviewDateChange};
use crate::periods::{PeriodAssembly, PeriodOfCare, assemble_periods};
use crate::schedule::{DueDate, DueRule, Schedule, ScheduleError, SchedulePolicy};

/// How a next due date stands today: `overdue`, `due_soon` (within 14
/// days) or `due`.
pub fn due_status(due: NaiveDate, today: NaiveDate) -> &'static str {
    if due < today {
        "overdue"
    } else if (due - today).num_days() <= 14 {
        "due_soon"
    } else {
        "due"
    }
}

/// Each child's episodes assembled into periods of care (the assembly works
/// on one child's episodes at a time).
pub fn assemble_by_child(ds: &Dataset) -> Vec<(&ChildId, PeriodAssembly)> {
    let mut episodes: HashMap<&ChildId, Vec<Episode>> = HashMap::new();
    for e in &ds.episodes {
        episodes.entry(&e.child).or_default().push(e.clone());
    }
    ds.children
        .iter()
        .filter_map(|c| {
            episodes
                .remove(&c.id)
                .map(|eps| (&c.id, assemble_periods(&eps)))
        })
        .collect()
}

/// A dataset's records indexed by child: periods of care, review dates,
/// current allocations. Built once per page.
pub struct ByChild<'a> {
    pub periods: HashMap<&'a ChildId, Vec<PeriodOfCare>>,
    pub reviews: HashMap<&'a ChildId, Vec<&'a Review>>,
    /// Each child's requests to change a review's date.
    pub date_changes: HashMap<&'a ChildId, Vec<ReviewDateChange>>,
    ds: &'a Dataset,
}

impl<'a> ByChild<'a> {
    pub fn new(ds: &'a Dataset) -> Self {
        let mut periods: HashMap<&ChildId, Vec<PeriodOfCare>> = HashMap::new();
        for (child, assembly) in assemble_by_child(ds) {
            periods.insert(child, assembly.periods);
        }
        let mut reviews: HashMap<&ChildId, Vec<&Review>> = HashMap::new();
        for r in &ds.reviews {
            reviews.entry(&r.child).or_default().push(r);
        }
        let mut date_changes: HashMap<&ChildId, Vec<ReviewDateChange>> = HashMap::new();
        for c in &ds.review_date_changes {
            date_changes.entry(&c.child).or_default().push(c.clone());
        }
        ByChild {
            periods,
            reviews,
            date_changes,
            ds,
        }
    }

    /// The child's period open on `date`, if any.
    pub fn current_period(&self, child: &ChildId, date: NaiveDate) -> Option<&PeriodOfCare> {
        self.periods.get(child)?.iter().find(|p| p.is_open_on(date))
    }

    /// The dates of the child's reviews.
    pub fn review_dates(&self, child: &ChildId) -> Vec<NaiveDate> {
        self.reviews
            .get(child)
            .map(|v| v.iter().map(|r| r.date).collect())
            .unwrap_or_default()
    }

    /// The child's requests to change a review's date.
    pub fn date_changes(&self, child: &ChildId) -> &[ReviewDateChange] {
        self.date_changes
            .get(child)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The schedule of one of the child's periods of care under `policy`
    /// (with the child's approved changes of review date).
    pub fn schedule(
        &self,
        period: &PeriodOfCare,
        policy: &SchedulePolicy,
        calendar: &WorkingDayCalendar,
    ) -> Result<Schedule, ScheduleError> {
        self.schedule_with(period, &self.review_dates(&period.child), policy, calendar)
    }

    /// [`ByChild::schedule`] with these review dates.
    fn schedule_with(
        &self,
        period: &PeriodOfCare,
        dates: &[NaiveDate],
        policy: &SchedulePolicy,
        calendar: &WorkingDayCalendar,
    ) -> Result<Schedule, ScheduleError> {
        period.schedule(
            dates,
            self.date_changes(&period.child),
            self.ds.reviews_known_from,
            policy,
            calendar,
        )
    }
}

/// A child's next review, as the caseload and due lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct NextReview {
    pub child: String,
    pub due: Option<String>,
    pub rule: String,
    pub status: String,
    pub last_review: Option<String>,
}

/// The next review of a child looked after (or on short breaks) today, by
/// the council's schedule, with its due date.
pub fn next_review(
    by: &ByChild<'_>,
    child: &ChildId,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Option<(NextReview, Option<DueDate>)> {
    let period = by.current_period(child, today)?;
    let dates = by.review_dates(child);
    let last_review = dates
        .iter()
        .copied()
        .filter(|&d| d >= period.start() && d <= today)
        .max();
    let (due, rule, status) = match by.schedule_with(period, &dates, policy, calendar) {
        Ok(s) => match s.next_due {
            Some(d) => (
                Some(d),
                d.rule.to_string(),
                due_status(d.date, today).to_owned(),
            ),
            None => (
                None,
                "Not known from the data held".to_owned(),
                "unknown".to_owned(),
            ),
        },
        Err(why) => (
            None,
            format!("Cannot work out: {why}"),
            "unknown".to_owned(),
        ),
    };
    Some((
        NextReview {
            child: child.to_string(),
            due: due.map(|d| d.date.to_string()),
            rule,
            status,
            last_review: last_review.map(|d| d.to_string()),
        },
        due,
    ))
}

/// How a review dated `date` stands against its statutory due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewTimeliness {
    /// The statutory due date (`None`: not known from the data held).
    pub due: Option<NaiveDate>,
    /// `Some(false)`: held after its due date.
    pub in_time: Option<bool>,
}

/// The timeliness a review dated `date` would have (or has): the child's
/// looked-after period holding the date, its reviews with this one added.
/// `None` when no period holds the date or its schedule cannot be worked
/// out.
pub fn review_timeliness(
    by: &ByChild<'_>,
    child: &ChildId,
    date: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Option<ReviewTimeliness> {
    let period = by
        .periods
        .get(child)?
        .iter()
        .find(|p| !p.is_short_breaks() && p.holds_review_on(date))?;
    let mut dates = by.review_dates(child);
    if !dates.contains(&date) {
        dates.push(date);
    }
    let s = by.schedule_with(period, &dates, policy, calendar).ok()?;
    let sr = s.reviews.iter().find(|r| r.date == date)?;
    Some(ReviewTimeliness {
        due: sr.statutory_due,
        in_time: sr.in_time,
    })
}

/// The IRO a child is allocated to on `date`: of the allocations current
/// that day, the one that began last.
pub fn current_iro<'a>(ds: &'a Dataset, child: &ChildId, date: NaiveDate) -> Option<&'a IroId> {
    latest_current(ds.allocations.iter().filter(|a| &a.child == child), date)
}

/// [`current_iro`] for every child at once (one pass over the allocations).
pub fn current_iros(ds: &Dataset, date: NaiveDate) -> HashMap<&ChildId, &IroId> {
    let mut by_child: HashMap<&ChildId, Vec<&Allocation>> = HashMap::new();
    for a in &ds.allocations {
        by_child.entry(&a.child).or_default().push(a);
    }
    by_child
        .into_iter()
        .filter_map(|(c, list)| latest_current(list.into_iter(), date).map(|i| (c, i)))
        .collect()
}

fn latest_current<'a>(
    allocations: impl Iterator<Item = &'a Allocation>,
    date: NaiveDate,
) -> Option<&'a IroId> {
    allocations
        .filter(|a| a.is_current_on(date))
        .max_by_key(|a| a.from)
        .map(|a| &a.iro)
}

/// An IRO's name, or their id if not on the list.
pub fn iro_name(ds: &Dataset, id: &IroId) -> String {
    ds.iros
        .iter()
        .find(|i| &i.id == id)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// One row of an IRO's caseload.
#[derive(Debug, Clone, Serialize)]
pub struct CaseloadRow {
    #[serde(flatten)]
    pub next: NextReview,
    pub last_visit: Option<String>,
    pub open_challenges: usize,
    pub age: Option<u32>,
}

/// An IRO's caseload on `today`: overdue first, then by due date. `ds` need
/// hold only the children on it (and may hold others: they are left out).
pub fn caseload(
    ds: &Dataset,
    iro: &IroId,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Vec<CaseloadRow> {
    let by = ByChild::new(ds);
    let current = current_iros(ds, today);
    let mut last_visit: HashMap<&ChildId, NaiveDate> = HashMap::new();
    for v in ds.visits.iter().filter(|v| v.date <= today) {
        let e = last_visit.entry(&v.child).or_insert(v.date);
        *e = (*e).max(v.date);
    }
    let mut open: HashMap<&ChildId, usize> = HashMap::new();
    for ch in ds.challenges.iter().filter(|c| c.is_open_on(today)) {
        *open.entry(&ch.child).or_default() += 1;
    }
    let mut rows: Vec<(Option<NaiveDate>, CaseloadRow)> = ds
        .children
        .iter()
        .filter(|c| current.get(&c.id) == Some(&iro))
        .map(|c| {
            let (next, due) = next_review(&by, &c.id, today, policy, calendar).unwrap_or((
                NextReview {
                    child: c.id.to_string(),
                    due: None,
                    rule: "Not looked after today".to_owned(),
                    status: "none".to_owned(),
                    last_review: None,
                },
                None,
            ));
            (
                due.map(|d| d.date),
                CaseloadRow {
                    next,
                    last_visit: last_visit.get(&c.id).map(|d| d.to_string()),
                    open_challenges: open.get(&c.id).copied().unwrap_or(0),
                    age: Some(crate::dates::age_on(c.date_of_birth, today)),
                },
            )
        })
        .collect();
    // Known due dates first, earliest (so overdue) first; unknown last.
    rows.sort_by(|(a, ra), (b, rb)| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b).then(ra.next.child.cmp(&rb.next.child)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => ra.next.child.cmp(&rb.next.child),
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// A review due in a month, for the business support due list.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    pub child: String,
    pub due: String,
    pub rule: String,
    pub status: String,
}

/// Reviews whose next due date (by the council's schedule) falls in
/// `year`-`month`, grouped by IRO name ("Unallocated" for children with no
/// IRO), each group by due date.
pub fn due_in_month(
    ds: &Dataset,
    year: i32,
    month: u32,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> BTreeMap<String, Vec<DueItem>> {
    let by = ByChild::new(ds);
    let mut groups: BTreeMap<String, Vec<DueItem>> = BTreeMap::new();
    for c in &ds.children {
        let Some((next, due)) = next_review(&by, &c.id, today, policy, calendar) else {
            continue;
        };
        let Some(due) = due else { continue };
        if due.date.year() != year || due.date.month() != month {
            continue;
        }
        let iro = current_iro(ds, &c.id, today)
            .map(|id| iro_name(ds, id))
            .unwrap_or_else(|| "Unallocated".to_owned());
        groups.entry(iro).or_default().push(DueItem {
            child: next.child,
            due: due.date.to_string(),
            rule: next.rule,
            status: next.status,
        });
    }
    for items in groups.values_mut() {
        items.sort_by(|a, b| a.due.cmp(&b.due).then(a.child.cmp(&b.child)));
    }
    groups
}

/// A review whose decisions or record are late.
#[derive(Debug, Clone, Serialize)]
pub struct Outstanding {
    pub child: String,
    pub review: String,
    pub iro: String,
    /// "decisions" or "record".
    pub what: &'static str,
    pub due: String,
    pub working_days_late: i64,
}

/// Reviews (recorded in Footprint) whose decisions or record are overdue
/// today and not yet issued: the same working-day timescales as the
/// measures (`MeasureSettings::decisions_working_days`, `record_working_days`).
pub fn outstanding(
    ds: &Dataset,
    today: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Vec<Outstanding> {
    let mut out = Vec::new();
    for r in &ds.reviews {
        let Some(d) = &r.details else { continue };
        let iro = d
            .chair
            .as_ref()
            .or_else(|| current_iro(ds, &r.child, today))
            .map(|i| iro_name(ds, i))
            .unwrap_or_else(|| "Unallocated".to_owned());
        for (what, days, done) in [
            (
                "decisions",
                settings.decisions_working_days,
                d.decisions_issued,
            ),
            ("record", settings.record_working_days, d.record_circulated),
        ] {
            if done.is_some() {
                continue;
            }
            let Ok(due) = calendar.add_working_days(r.date, days) else {
                continue;
            };
            if due < today {
                let late = calendar.working_days_between(due, today).unwrap_or(0);
                out.push(Outstanding {
                    child: r.child.to_string(),
                    review: r.date.to_string(),
                    iro: iro.clone(),
                    what,
                    due: due.to_string(),
                    working_days_late: late,
                });
            }
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then(a.child.cmp(&b.child)));
    out
}

// ---------------------------------------------------------------------------
// The reviews behind a figure

/// A review held late, as the list behind a figure shows it: the rule that
/// made it due (the statutory one, against which the measures judge it)
/// and the reason the IRO recorded for the delay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateReview {
    pub child: ChildId,
    pub date: NaiveDate,
    /// The statutory due date it missed.
    pub due: NaiveDate,
    /// The rule that set `due`.
    pub rule: DueRule,
    /// The reason recorded for holding it late (`None`: not recorded).
    pub reason: Option<String>,
}

impl LateReview {
    /// The `reviews.late_by_reason` key the review is counted under.
    pub fn reason_key(&self) -> &str {
        self.reason
            .as_deref()
            .unwrap_or(crate::measures::NOT_RECORDED)
    }
}

/// A review overdue on a day, as the list behind a figure shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueReview {
    pub child: ChildId,
    /// The statutory due date, before the day, and the rule that set it
    /// (what `reviews.overdue.end` counts).
    pub due: DueDate,
    /// The council's due date when its policy sets another (a local rule
    /// or an approved change of date).
    pub council_due: Option<DueDate>,
}

/// The reviews of `children` held late in `period` (statutory timeliness,
/// as `reviews.late` counts them), each with the rule that made it due and
/// the reason recorded, in date order. Every due date comes from
/// [`PeriodOfCare::schedule`].
pub fn late_reviews(
    ds: &Dataset,
    children: &[ChildId],
    period: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Vec<LateReview> {
    let by = ByChild::new(ds);
    let known_from = settings.reviews_known_from(ds);
    let mut out = Vec::new();
    for child in children {
        let Some(periods) = by.periods.get(child) else {
            continue;
        };
        let reviews = by.reviews.get(child).map_or(&[][..], Vec::as_slice);
        let dates = by.review_dates(child);
        for p in periods.iter().filter(|p| !p.is_short_breaks()) {
            let Ok(s) = p.schedule(
                &dates,
                by.date_changes(child),
                known_from,
                &settings.review_policy,
                calendar,
            ) else {
                continue;
            };
            for sr in &s.reviews {
                let (Some(false), Some(due)) = (sr.in_time, sr.statutory_due) else {
                    continue;
                };
                if !period.contains(sr.date) {
                    continue;
                }
                out.push(LateReview {
                    child: child.clone(),
                    date: sr.date,
                    due,
                    rule: sr.statutory_rule,
                    reason: reviews
                        .iter()
                        .find(|r| r.date == sr.date)
                        .and_then(|r| r.details.as_ref())
                        .and_then(|d| d.late_reason.clone()),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.date, &a.child).cmp(&(b.date, &b.child)));
    out
}

/// The reviews of `children` overdue on `on` (as `reviews.overdue.end`
/// counts them: looked after that day, the next statutory review, counting
/// only reviews held by then, due before it), each with the rule that made
/// it due, from [`PeriodOfCare::schedule_on`].
pub fn overdue_reviews(
    ds: &Dataset,
    children: &[ChildId],
    on: NaiveDate,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
) -> Vec<OverdueReview> {
    let by = ByChild::new(ds);
    let known_from = settings.reviews_known_from(ds);
    let mut out = Vec::new();
    for child in children {
        let Some(periods) = by.periods.get(child) else {
            continue;
        };
        let dates = by.review_dates(child);
        for p in periods
            .iter()
            .filter(|p| !p.is_short_breaks() && p.is_looked_after_on(on))
        {
            let Ok(s) = p.schedule_on(
                on,
                &dates,
                by.date_changes(child),
                known_from,
                &settings.review_policy,
                calendar,
            ) else {
                continue;
            };
            let Some(due) = s.next_statutory_due.filter(|d| d.date < on) else {
                continue;
            };
            out.push(OverdueReview {
                child: child.clone(),
                due,
                council_due: s.next_due.filter(|d| *d != due),
            });
        }
    }
    out.sort_by(|a, b| (a.due.date, &a.child).cmp(&(b.due.date, &b.child)));
    out
}

/// A health or education record due or overdue for a child, as the
/// caseload, the child's page and the due list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthEducationDue {
    pub child: String,
    /// The record kind's key (`health_assessment`, `dental_check`,
    /// `education_plan`).
    pub kind: &'static str,
    /// In words: "Review health assessment", "PEP for 2024-25 spring"...
    pub what: String,
    pub due: String,
    /// `overdue`, `due_soon` (within 14 days) or `due` ([`due_status`]).
    pub status: &'static str,
}

/// One kind of record grouped by child.
fn grouped<T>(rows: &[T], child: impl Fn(&T) -> &ChildId) -> HashMap<&ChildId, Vec<T>>
where
    T: Clone,
{
    let mut out: HashMap<&ChildId, Vec<T>> = HashMap::new();
    for r in rows {
        out.entry(child(r)).or_default().push(r.clone());
    }
    out
}

/// What is due next of each child's health assessments, dental checks and
/// PEPs in the period of care the child is looked after in on `today`
/// ([`crate::health_education::due_next`], from the one schedule function
/// of each record type), by child; children with nothing due are left out.
/// `ds` need hold only the children on the page.
pub fn health_education_due(
    ds: &Dataset,
    today: NaiveDate,
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
) -> BTreeMap<ChildId, Vec<HealthEducationDue>> {
    let assessments = grouped(&ds.health_assessments, |a| &a.child);
    let dental = grouped(&ds.dental_checks, |a| &a.child);
    let plans = grouped(&ds.education_plans, |a| &a.child);
    let dob: HashMap<&ChildId, NaiveDate> = ds
        .children
        .iter()
        .map(|c| (&c.id, c.date_of_birth))
        .collect();
    let mut out = BTreeMap::new();
    for (child, assembly) in assemble_by_child(ds) {
        let Some(period) = assembly
            .periods
            .iter()
            .find(|p| p.is_looked_after_on(today))
        else {
            continue;
        };
        let Some(&born) = dob.get(child) else {
            continue;
        };
        let records = HealthEducationOf {
            health_assessments: assessments.get(child).map_or(&[], Vec::as_slice),
            dental_checks: dental.get(child).map_or(&[], Vec::as_slice),
            education_plans: plans.get(child).map_or(&[], Vec::as_slice),
        };
        let items: Vec<HealthEducationDue> = due_next(period, born, records, t, calendar, today)
            .into_iter()
            .map(|d| HealthEducationDue {
                child: child.to_string(),
                kind: d.kind.key(),
                what: d.what,
                due: d.due.to_string(),
                status: due_status(d.due, today),
            })
            .collect();
        if !items.is_empty() {
            out.insert(child.clone(), items);
        }
    }
    out
}

/// Health and education records due in `year`-`month` (and, when the month
/// holds `today`, those overdue from before it), grouped by the name of the
/// child's IRO on `today` ("Unallocated" for none), each group by due date.
pub fn health_education_due_in_month(
    ds: &Dataset,
    year: i32,
    month: u32,
    today: NaiveDate,
    t: &HealthEducationTimescales,
    calendar: &WorkingDayCalendar,
) -> BTreeMap<String, Vec<HealthEducationDue>> {
    let items = health_education_due(ds, today, t, calendar)
        .into_iter()
        .flat_map(|(child, items)| items.into_iter().map(move |i| (child.clone(), i)))
        .filter_map(|(child, i)| {
            let due = NaiveDate::parse_from_str(&i.due, "%Y-%m-%d").ok()?;
            Some((child, due, i))
        });
    by_iro_in_month(ds, items, year, month, today)
}

/// Items due in `year`-`month` (and, when the month holds `today`, those
/// overdue from before it), grouped by the name of the child's IRO on
/// `today` ("Unallocated" for none), each group by due date then child: the
/// one rule of business support's due list for every kind of item.
fn by_iro_in_month<T>(
    ds: &Dataset,
    items: impl Iterator<Item = (ChildId, NaiveDate, T)>,
    year: i32,
    month: u32,
    today: NaiveDate,
) -> BTreeMap<String, Vec<T>> {
    let this_month = today.year() == year && today.month() == month;
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let iros = current_iros(ds, today);
    let mut groups: BTreeMap<String, Vec<(NaiveDate, ChildId, T)>> = BTreeMap::new();
    for (child, due, item) in items {
        let in_month = due.year() == year && due.month() == month;
        let carried = this_month && first.is_some_and(|f| due < f);
        if !(in_month || carried) {
            continue;
        }
        let iro = iros
            .get(&child)
            .map(|id| iro_name(ds, id))
            .unwrap_or_else(|| "Unallocated".to_owned());
        groups.entry(iro).or_default().push((due, child, item));
    }
    groups
        .into_iter()
        .map(|(iro, mut items)| {
            items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            (iro, items.into_iter().map(|(_, _, i)| i).collect())
        })
        .collect()
}

/// A secure accommodation review, private fostering review, child
/// protection review conference or foster carer review due, as the child's
/// page, the caseload, the due list and the foster carer reviews page show
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecordDue {
    /// The child's identifier; blank for a foster carer review.
    pub child: String,
    /// The carer household's reference for a foster carer review; blank
    /// otherwise.
    pub household: String,
    /// The record kind's key ([`CaseRecord::KINDS`](crate::case_records::CaseRecord::KINDS)).
    pub kind: &'static str,
    /// In words: "Secure accommodation review (placed 15 Jan 2025)"...
    pub what: String,
    pub due: String,
    /// `overdue`, `due_soon` (within 14 days) or `due` ([`due_status`]).
    pub status: &'static str,
}

/// One private fostering arrangement (a child's reviews and notifications
/// with the same start: a review's `arrangement_start`, a notification's
/// `proposed_start`), as the private fostering list and the child's private
/// fostering page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivateFosteringArrangement {
    pub child: ChildId,
    pub start: NaiveDate,
    /// The latest end any of its records holds
    /// ([`notified_arrangement_end`]).
    pub end: Option<NaiveDate>,
    /// The day the council was notified of it and by whom (the latest
    /// notification's), when a notification is held.
    pub notified: Option<NaiveDate>,
    pub notified_by: Option<Notifier>,
    /// How many reviews of it are held.
    pub reviews: usize,
    /// Its latest review held (none for an arrangement notified but not yet
    /// reviewed).
    pub last_review: Option<NaiveDate>,
    /// Its next review due ([`private_fostering_schedule`]): none once it
    /// has ended (on or before `today`), or when a later arrangement of the
    /// child is recorded (it is taken to have ended then).
    pub next_due: Option<NaiveDate>,
    /// How many statutory visits its notification holds, and the latest.
    pub visits: usize,
    pub last_visit: Option<NaiveDate>,
    /// Its next statutory visit due ([`private_fostering_visit_schedule`]),
    /// when it was notified, on the same terms as `next_due`.
    pub next_visit: Option<NaiveDate>,
    /// What is due next: the earlier of `next_visit` and `next_due`.
    pub due_next: Option<NaiveDate>,
    /// How `due_next` stands today ([`due_status`]); blank when nothing is
    /// due.
    pub status: &'static str,
}

/// Every private fostering arrangement of `records` (their reviews and
/// notifications), by child and then start. The one reading of
/// arrangements the due lists ([`case_records_due`]) and the private
/// fostering pages share.
pub fn private_fostering_arrangements(
    records: &CaseRecords,
    today: NaiveDate,
    t: &CaseRecordTimescales,
    calendar: &WorkingDayCalendar,
) -> Vec<PrivateFosteringArrangement> {
    let reviews = &records.private_fostering_reviews;
    let notifications = &records.private_fostering_notifications;
    // Per arrangement: its reviews, its latest review and its latest
    // notification.
    #[derive(Default)]
    struct Held<'a> {
        reviews: usize,
        last_review: Option<NaiveDate>,
        notification: Option<&'a PrivateFosteringNotification>,
    }
    let mut starts: BTreeMap<(&ChildId, NaiveDate), Held> = BTreeMap::new();
    for x in reviews {
        let e = starts.entry((&x.child, x.arrangement_start)).or_default();
        e.reviews += 1;
        e.last_review = e.last_review.max(Some(x.date));
    }
    for n in notifications {
        let e = starts.entry((&n.child, n.proposed_start)).or_default();
        if e.notification
            .is_none_or(|h| (h.notified, &h.id) < (n.notified, &n.id))
        {
            e.notification = Some(n);
        }
    }
    // The keys come in start order within each child, so the last kept
    // for a child is their latest arrangement.
    let latest: BTreeMap<&ChildId, NaiveDate> = starts.keys().map(|(c, s)| (*c, *s)).collect();
    let open = |chain: Vec<Due>| chain.last().filter(|d| d.done.is_none()).map(|d| d.due);
    starts
        .into_iter()
        .map(|((child, start), held)| {
            let end = notified_arrangement_end(child, start, reviews, notifications);
            let current = latest.get(child) == Some(&start) && end.is_none_or(|e| e > today);
            let next_due = current
                .then(|| open(private_fostering_schedule(child, start, reviews, t)))
                .flatten()
                .filter(|d| end.is_none_or(|e| *d <= e));
            let next_visit = held
                .notification
                .filter(|_| current)
                .and_then(|n| open(private_fostering_visit_schedule(n, end, t, calendar)));
            let due_next = match (next_visit, next_due) {
                (Some(v), Some(r)) => Some(v.min(r)),
                (v, r) => v.or(r),
            };
            PrivateFosteringArrangement {
                child: child.clone(),
                start,
                end,
                notified: held.notification.map(|n| n.notified),
                notified_by: held.notification.map(|n| n.notified_by),
                reviews: held.reviews,
                last_review: held.last_review,
                next_due,
                visits: held.notification.map_or(0, |n| n.visits.len()),
                last_visit: held
                    .notification
                    .and_then(|n| n.visits.iter().max().copied()),
                next_visit,
                due_next,
                status: due_next.map(|d| due_status(d, today)).unwrap_or(""),
            }
        })
        .collect()
}

/// What is due next of every record with a timescale
/// ([`crate::case_records`]' schedules), earliest first (then by child or
/// household). `ds` need hold only the children on the page (a foster carer
/// household's reviews are council-wide and always read).
///
/// - A secure accommodation review: of each child's latest stay (the latest
///   placement day), while the child is looked after on `today` and the
///   stay's latest review did not find the criteria not met (the child
///   left secure accommodation).
/// - A private fostering review, and a statutory visit of a notified
///   arrangement: of each child's latest arrangement, while none of its
///   records holds its end on or before `today`
///   ([`private_fostering_arrangements`]).
/// - A child protection review conference: of each plan open on `today`
///   (its end not held or not before `today`) while the child is looked
///   after (a dual plan), when due by the plan's end.
/// - A foster carer review: of each household's latest approval.
pub fn case_records_due(
    ds: &Dataset,
    today: NaiveDate,
    t: &CaseRecordTimescales,
    calendar: &WorkingDayCalendar,
) -> Vec<CaseRecordDue> {
    let r = &ds.case_records;
    let looked_after: std::collections::HashSet<&ChildId> = assemble_by_child(ds)
        .into_iter()
        .filter(|(_, a)| a.periods.iter().any(|p| p.is_looked_after_on(today)))
        .map(|(c, _)| c)
        .collect();
    let uk = |d: NaiveDate| d.format("%-d %b %Y").to_string();
    let mut out: Vec<(NaiveDate, CaseRecordDue)> = Vec::new();
    let mut push =
        |child: &str, household: &str, kind: &'static str, what: String, due: NaiveDate| {
            out.push((
                due,
                CaseRecordDue {
                    child: child.to_owned(),
                    household: household.to_owned(),
                    kind,
                    what,
                    due: due.to_string(),
                    status: due_status(due, today),
                },
            ));
        };
    let open = |chain: Vec<Due>| chain.last().filter(|d| d.done.is_none()).map(|d| d.due);

    // Secure accommodation: each child's latest stay.
    let mut stays: BTreeMap<&ChildId, NaiveDate> = BTreeMap::new();
    for x in &r.secure_reviews {
        let e = stays.entry(&x.child).or_insert(x.placed);
        *e = (*e).max(x.placed);
    }
    for (child, placed) in stays {
        let left = r
            .secure_reviews
            .iter()
            .filter(|x| x.child == *child && x.placed == placed)
            .max_by_key(|x| (x.date, &x.id))
            .is_some_and(|x| x.decision == SecureDecision::CriteriaNotMet);
        if left || !looked_after.contains(child) {
            continue;
        }
        if let Some(due) = open(secure_review_schedule(child, placed, &r.secure_reviews, t)) {
            push(
                child.as_str(),
                "",
                "secure_review",
                format!("Secure accommodation review (placed {})", uk(placed)),
                due,
            );
        }
    }

    // Private fostering: each child's latest arrangement, unless a review
    // records that it has ended.
    for a in private_fostering_arrangements(r, today, t, calendar) {
        if let Some(due) = a.next_visit {
            push(
                a.child.as_str(),
                "",
                "private_fostering_notification",
                format!(
                    "Private fostering visit (arrangement to begin {})",
                    uk(a.start)
                ),
                due,
            );
        }
        if let Some(due) = a.next_due {
            push(
                a.child.as_str(),
                "",
                "private_fostering_review",
                format!(
                    "Private fostering review (arrangement began {})",
                    uk(a.start)
                ),
                due,
            );
        }
    }

    // Review conferences of the dual plans open today.
    for plan in &r.protection_plans {
        if plan.start > today
            || plan.end.is_some_and(|e| e < today)
            || !looked_after.contains(&plan.child)
        {
            continue;
        }
        if let Some(due) = open(conference_schedule(plan, &r.protection_conferences, t)) {
            push(
                plan.child.as_str(),
                "",
                "protection_conference",
                format!(
                    "Child protection review conference (plan began {})",
                    uk(plan.start)
                ),
                due,
            );
        }
    }

    // Foster carer households: each one's latest approval.
    let mut households: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for x in &r.foster_carer_reviews {
        let e = households.entry(&x.household).or_insert(x.approved);
        *e = (*e).max(x.approved);
    }
    for (household, approved) in households {
        if let Some(due) = open(foster_carer_schedule(
            household,
            approved,
            &r.foster_carer_reviews,
            t,
        )) {
            push(
                "",
                household,
                "foster_carer_review",
                format!("Foster carer review (approved {})", uk(approved)),
                due,
            );
        }
    }
    out.sort_by(|a, b| {
        (a.0, &a.1.child, &a.1.household, a.1.kind).cmp(&(
            b.0,
            &b.1.child,
            &b.1.household,
            b.1.kind,
        ))
    });
    out.into_iter().map(|(_, d)| d).collect()
}

/// The children's records with a timescale ([`case_records_due`]; foster
/// carer reviews, which concern no child, left out) due in `year`-`month`
/// and, when the month holds `today`, overdue from before it, grouped by
/// the child's IRO as [`health_education_due_in_month`] groups its items.
pub fn case_records_due_in_month(
    ds: &Dataset,
    year: i32,
    month: u32,
    today: NaiveDate,
    t: &CaseRecordTimescales,
    calendar: &WorkingDayCalendar,
) -> BTreeMap<String, Vec<CaseRecordDue>> {
    let items = case_records_due(ds, today, t, calendar)
        .into_iter()
        .filter_map(|i| {
            let child: ChildId = i.child.parse().ok()?;
            let due = NaiveDate::parse_from_str(&i.due, "%Y-%m-%d").ok()?;
            Some((child, due, i))
        });
    by_iro_in_month(ds, items, year, month, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Allocation, Challenge, ChallengeStage, Child, Iro, LateReason, ReviewDetails,
    };

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn id(s: &str) -> ChildId {
        s.parse().expect("id")
    }

    fn child(c: &str) -> Child {
        Child {
            id: id(c),
            sex: "2".parse().expect("sex"),
            date_of_birth: d("2012-01-01"),
            ethnicity: "WBRI".parse().expect("eth"),
            upn: None,
            mother: None,
            mothers_child_dob: None,
            uasc: None,
            name: None,
        }
    }

    fn episode(c: &str, start: &str) -> Episode {
        Episode {
            child: id(c),
            start: d(start),
            end: None,
            reason_new: "S".parse().expect("rne"),
            legal_status: "C2".parse().expect("ls"),
            category_of_need: None,
            placement: "U1".parse().expect("pl"),
            provider: None,
            reason_ceased: None,
            reason_place_change: None,
            home_postcode: None,
            placement_postcode: None,
            urn: None,
        }
    }

    fn ds() -> Dataset {
        Dataset {
            children: vec![child("A"), child("B"), child("C")],
            episodes: vec![
                episode("A", "2025-01-06"),
                episode("B", "2024-09-02"),
                episode("C", "2025-03-03"),
            ],
            reviews: vec![
                Review {
                    child: id("B"),
                    date: d("2024-09-20"),
                    participation: None,
                    details: None,
                },
                Review {
                    child: id("B"),
                    date: d("2024-12-10"),
                    participation: None,
                    details: Some(ReviewDetails {
                        decisions_issued: Some(d("2024-12-12")),
                        ..ReviewDetails::default()
                    }),
                },
            ],
            iros: vec![Iro {
                id: IroId("I".into()),
                name: "Iro".into(),
                fte: 0.5,
                started: d("2020-01-01"),
                left: None,
            }],
            allocations: ["A", "B", "C"]
                .iter()
                .map(|c| Allocation {
                    child: id(c),
                    iro: IroId("I".into()),
                    from: d("2024-01-01"),
                    to: None,
                })
                .collect(),
            ..Dataset::default()
        }
    }

    fn cal() -> WorkingDayCalendar {
        WorkingDayCalendar::england_and_wales()
    }

    #[test]
    fn a_review_after_its_due_date_is_late_and_one_before_is_not() {
        let ds = ds();
        let by = ByChild::new(&ds);
        let policy = SchedulePolicy::statutory();
        let cal = cal();
        let t = |c: &str, date: &str| review_timeliness(&by, &id(c), d(date), &policy, &cal);
        // B: reviews 20 Sep and 10 Dec 2024, so the next is due 10 Jun 2025
        // (six months), the caseload's next due date.
        let next = next_review(&by, &id("B"), d("2025-01-01"), &policy, &cal)
            .and_then(|(_, due)| due)
            .expect("B has a next due date");
        assert_eq!(next.date, d("2025-06-10"));
        let on_time = t("B", "2025-06-10").expect("in a period");
        assert_eq!(on_time.in_time, Some(true));
        assert_eq!(on_time.due, Some(d("2025-06-10")));
        let late = t("B", "2025-06-11").expect("in a period");
        assert_eq!(late.in_time, Some(false));
        // A: in care from Mon 6 Jan 2025, no review yet: the first is due 20
        // working days later, 3 Feb 2025.
        assert_eq!(t("A", "2025-02-03").unwrap().in_time, Some(true));
        assert_eq!(t("A", "2025-02-04").unwrap().in_time, Some(false));
        // An existing review is judged as it stands: B's second review was
        // due 3 months after the first (20 Dec 2024).
        assert_eq!(
            t("B", "2024-12-10"),
            Some(ReviewTimeliness {
                due: Some(d("2024-12-20")),
                in_time: Some(true)
            })
        );
        assert_eq!(t("B", "1990-01-01"), None);
        assert_eq!(t("NOBODY", "2025-01-01"), None);
    }

    #[test]
    fn the_caseload_puts_overdue_first_with_the_rule() {
        let rows = caseload(
            &ds(),
            &IroId("I".into()),
            d("2025-03-12"),
            &SchedulePolicy::statutory(),
            &cal(),
        );
        let order: Vec<&str> = rows.iter().map(|r| r.next.child.as_str()).collect();
        // A: first review due 3 Feb (overdue); C: due 31 Mar; B: due 10 Jun.
        assert_eq!(order, ["A", "C", "B"]);
        assert_eq!(rows[0].next.status, "overdue");
        assert_eq!(rows[0].next.due.as_deref(), Some("2025-02-03"));
        assert!(
            rows[0].next.rule.contains("20 working days"),
            "{}",
            rows[0].next.rule
        );
        assert_eq!(rows[2].next.last_review.as_deref(), Some("2024-12-10"));
    }

    #[test]
    fn the_caseload_follows_the_councils_unregistered_placement_policy() {
        use crate::codes::PlacementType;
        use crate::schedule::UnregisteredRule;
        let mut data = ds();
        // B moves on 3 Feb 2025 to a placement the council marks
        // unregistered (Z1): monthly reviews from then.
        data.episodes[1].end = Some(d("2025-02-03"));
        data.episodes[1].reason_ceased = Some("X1".parse().unwrap());
        data.episodes.push(Episode {
            start: d("2025-02-03"),
            reason_new: "P".parse().unwrap(),
            placement: PlacementType::Z1,
            ..episode("B", "2025-02-03")
        });
        let policy = SchedulePolicy {
            unregistered_monthly: Some(UnregisteredRule { interval_months: 1 }),
            unregistered_placements: vec![PlacementType::Z1],
            ..SchedulePolicy::statutory()
        };
        let rows = caseload(&data, &IroId("I".into()), d("2025-02-10"), &policy, &cal());
        let b = rows.iter().find(|r| r.next.child == "B").unwrap();
        assert_eq!(b.next.due.as_deref(), Some("2025-03-03"), "{}", b.next.rule);
        let statutory = caseload(
            &data,
            &IroId("I".into()),
            d("2025-02-10"),
            &SchedulePolicy::statutory(),
            &cal(),
        );
        let b = statutory.iter().find(|r| r.next.child == "B").unwrap();
        assert_eq!(b.next.due.as_deref(), Some("2025-06-10"));
    }

    #[test]
    fn the_due_list_groups_a_months_reviews_by_iro() {
        let groups = due_in_month(
            &ds(),
            2025,
            3,
            d("2025-03-12"),
            &SchedulePolicy::statutory(),
            &cal(),
        );
        let items = groups.get("Iro").expect("the IRO's group");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].child, "C");
        assert_eq!(items[0].due, "2025-03-31");
    }

    #[test]
    fn the_health_due_list_takes_a_months_assessments_and_those_overdue() {
        let t = crate::health_education::HealthEducationTimescales::default();
        let mut data = ds();
        // B's initial assessment done: B's review one is due a year on.
        data.health_assessments
            .push(crate::health_education::HealthAssessment {
                child: id("B"),
                kind: crate::health_education::AssessmentKind::Initial,
                requested: None,
                done: Some(d("2024-09-25")),
            });
        let assessments = |month: u32| -> Vec<(String, String, &'static str)> {
            health_education_due_in_month(&data, 2025, month, d("2025-03-12"), &t, &cal())
                .remove("Iro")
                .unwrap_or_default()
                .into_iter()
                .filter(|i| i.kind == "health_assessment")
                .map(|i| (i.child, i.due, i.status))
                .collect()
        };
        // March, this month: A's (due 3 Feb, carried over, overdue) and C's
        // (in care from 3 March: due 20 working days on, 31 March).
        assert_eq!(
            assessments(3),
            [
                ("A".to_owned(), "2025-02-03".to_owned(), "overdue"),
                ("C".to_owned(), "2025-03-31".to_owned(), "due"),
            ]
        );
        // February: A's alone; September: B's review.
        assert_eq!(assessments(2).len(), 1);
        assert_eq!(
            assessments(9),
            [("B".to_owned(), "2025-09-25".to_owned(), "due")]
        );
        // The same on the caseload's and the child's page's list.
        let by_child = health_education_due(&data, d("2025-03-12"), &t, &cal());
        assert!(
            by_child[&id("A")]
                .iter()
                .any(|i| i.what == "Initial health assessment")
        );
        assert!(
            by_child[&id("B")]
                .iter()
                .any(|i| i.what == "Review health assessment")
        );
    }

    #[test]
    fn outstanding_lists_only_late_and_missing_decisions_and_records() {
        let s = MeasureSettings::default();
        let out = outstanding(&ds(), d("2025-03-12"), &s, &cal());
        // B's December review: decisions issued (not listed), record missing
        // and past its 20 working days (8 Jan 2025 after the holidays).
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].what, "record");
        assert_eq!(out[0].child, "B");
        assert!(out[0].working_days_late > 0);
        assert!(outstanding(&ds(), d("2024-12-11"), &s, &cal()).is_empty());
    }

    #[test]
    fn a_challenge_is_overdue_once_its_stage_timescale_passes_unanswered() {
        let mut c = Challenge {
            id: 1,
            child: id("A"),
            iro: None,
            raised: d("2025-03-03"),
            themes: vec![],
            sub_theme: None,
            stages: vec![ChallengeStage {
                stage: "informal".into(),
                started: d("2025-03-03"),
                timescale_working_days: 5,
                responded: None,
            }],
            referred_to_cafcass: None,
            resolved: None,
            outcome: None,
        };
        assert_eq!(
            c.response_due_on(d("2025-03-03"), &cal()),
            Some(d("2025-03-10"))
        );
        assert!(!c.is_overdue_on(d("2025-03-10"), &cal()));
        assert!(c.is_overdue_on(d("2025-03-11"), &cal()));
        c.stages[0].responded = Some(d("2025-03-07"));
        assert!(!c.is_overdue_on(d("2025-03-11"), &cal()));
        // Answered after the day asked about: still overdue on that day.
        c.stages[0].responded = Some(d("2025-03-20"));
        assert!(c.is_overdue_on(d("2025-03-11"), &cal()));
        assert!(c.is_open_on(d("2025-03-03")) && !c.is_open_on(d("2025-03-02")));
    }

    #[test]
    fn the_reviews_behind_the_figures_are_those_the_measures_count_with_their_rules() {
        let mut data = ds();
        data.children.push(child("D"));
        data.episodes.push(episode("D", "2024-04-01"));
        data.reviews.push(Review {
            child: id("D"),
            date: d("2024-06-03"),
            participation: None,
            details: Some(ReviewDetails {
                late_reason: LateReason::CourtHearing.held(),
                ..ReviewDetails::default()
            }),
        });
        let settings = MeasureSettings::default();
        let cal = WorkingDayCalendar::england_and_wales();
        let on = d("2025-03-12");
        let year = Period::year(crate::dates::CollectionYear::of(on));
        let m = crate::measures::compute_as_of(&data, year, on, &settings, &cal);
        let all: Vec<ChildId> = data.children.iter().map(|c| c.id.clone()).collect();

        let late = late_reviews(&data, &all, m.period, &settings, &cal);
        let late_children: crate::measures::ChildSet =
            late.iter().map(|l| l.child.clone()).collect();
        assert_eq!(
            Some(&late_children),
            m.cell("reviews.late", &[]).map(|c| &c.children)
        );
        assert_eq!(Some(late.len() as u64), m.count("reviews.late"));
        let d_late = late.iter().find(|l| l.child == id("D")).expect("D late");
        assert_eq!(d_late.reason, LateReason::CourtHearing.held());
        assert!(
            matches!(d_late.rule, DueRule::FirstReview { .. }),
            "{}",
            d_late.rule
        );
        assert!(d_late.due < d_late.date);

        let overdue = overdue_reviews(&data, &all, m.period.end(), &settings, &cal);
        let overdue_children: crate::measures::ChildSet =
            overdue.iter().map(|o| o.child.clone()).collect();
        assert_eq!(
            Some(&overdue_children),
            m.cell("reviews.overdue.end", &[]).map(|c| &c.children)
        );
        let rule_of = |c: &str| {
            overdue
                .iter()
                .find(|o| o.child == id(c))
                .map(|o| o.due.rule.code())
        };
        // A: no review yet (first review within 20 working days); D: one
        // review, the second due 3 months after it.
        assert_eq!(rule_of("A"), Some("first_review"));
        assert_eq!(rule_of("D"), Some("second_review"));
        assert!(
            overdue
                .iter()
                .all(|o| o.due.date < on && o.council_due.is_none())
        );
    }

    #[test]
    fn case_records_due_by_hand() {
        use crate::case_records::*;
        // Today 12 March 2025. A looked after from 6 January 2025, B from
        // 2 September 2024, C from 3 March 2025; PF1 is privately fostered
        // (not held); D is held in no episode.
        let today = d("2025-03-12");
        let mut data = ds();
        let r = &mut data.case_records;
        let secure = |id: &str, c: &str, placed: &str, date: &str, decision| SecureReview {
            id: id.into(),
            child: self::id(c),
            placed: d(placed),
            date: d(date),
            decision,
        };
        // A: placed 15 January, reviewed 10 February (due 15 February):
        // next due 3 months on, 10 May.
        r.secure_reviews.push(secure(
            "s1",
            "A",
            "2025-01-15",
            "2025-02-10",
            SecureDecision::CriteriaMet,
        ));
        // An earlier stay of A's is not the latest: nothing due from it.
        r.secure_reviews.push(secure(
            "s0",
            "A",
            "2024-01-15",
            "2024-02-10",
            SecureDecision::CriteriaMet,
        ));
        // B left secure accommodation: the criteria were not met.
        r.secure_reviews.push(secure(
            "s2",
            "B",
            "2024-10-01",
            "2024-10-20",
            SecureDecision::CriteriaNotMet,
        ));
        // D is not looked after today.
        r.secure_reviews.push(secure(
            "s3",
            "D",
            "2025-01-01",
            "2025-01-20",
            SecureDecision::CriteriaMet,
        ));
        // PF1: the latest arrangement began 1 March 2024, reviewed 20 March
        // 2024: next due 20 March 2025 (within 14 days). The earlier
        // arrangement is left.
        for (id, start, date) in [
            ("p1", "2024-03-01", "2024-03-20"),
            ("p0", "2023-01-01", "2023-06-01"),
        ] {
            r.private_fostering_reviews.push(PrivateFosteringReview {
                id: id.into(),
                child: self::id("PF1"),
                arrangement_start: d(start),
                date: d(date),
                arrangement_end: None,
            });
        }
        // B's plan from 1 October 2024: first conference due 1 January,
        // held 20 December; next due 6 months on, 20 June. A's plan ended 1
        // February: nothing. C's plan from 1 November 2024, no conference:
        // due 1 February, overdue.
        for (id, c, start, end) in [
            ("cp1", "B", "2024-10-01", None),
            ("cp2", "A", "2024-12-01", Some("2025-02-01")),
            ("cp3", "C", "2024-11-01", None),
        ] {
            r.protection_plans.push(ChildProtectionPlan {
                id: id.into(),
                child: self::id(c),
                start: d(start),
                end: end.map(d),
            });
        }
        r.protection_conferences.push(ProtectionConference {
            id: "k1".into(),
            child: id("B"),
            date: d("2024-12-20"),
        });
        // H1 approved 1 June 2023, reviewed 1 May 2024: due 1 May 2025.
        r.foster_carer_reviews.push(FosterCarerReview {
            id: "f1".into(),
            household: "H1".into(),
            approved: d("2023-06-01"),
            date: d("2024-05-01"),
            kind: CarerReviewKind::First,
            to_panel: true,
        });
        let t = CaseRecordTimescales::default();
        let due: Vec<String> =
            case_records_due(&data, today, &t, &WorkingDayCalendar::england_and_wales())
                .iter()
                .map(|x| {
                    format!(
                        "{}{} {} {} {}",
                        x.child, x.household, x.kind, x.due, x.status
                    )
                })
                .collect();
        assert_eq!(
            due,
            vec![
                "C protection_conference 2025-02-01 overdue",
                "PF1 private_fostering_review 2025-03-20 due_soon",
                "H1 foster_carer_review 2025-05-01 due",
                "A secure_review 2025-05-10 due",
                "B protection_conference 2025-06-20 due",
            ]
        );
        // March's list holds PF1 (unallocated) and C's overdue conference
        // carried from February; no household (no child, no IRO).
        let march = case_records_due_in_month(
            &data,
            2025,
            3,
            today,
            &t,
            &WorkingDayCalendar::england_and_wales(),
        );
        let keys: Vec<(&String, Vec<&str>)> = march
            .iter()
            .map(|(k, v)| (k, v.iter().map(|x| x.child.as_str()).collect()))
            .collect();
        assert_eq!(
            keys,
            vec![
                (&"Iro".to_owned(), vec!["C"]),
                (&"Unallocated".to_owned(), vec!["PF1"])
            ]
        );
        // A later month: only what falls in it; nothing carried.
        let may = case_records_due_in_month(
            &data,
            2025,
            5,
            today,
            &t,
            &WorkingDayCalendar::england_and_wales(),
        );
        assert_eq!(may.len(), 1);
        assert_eq!(may["Iro"][0].child, "A");
        // Once held, the review moves on: A's review of 5 May is due 3
        // months later, in August.
        data.case_records.secure_reviews.push(SecureReview {
            id: "s4".into(),
            ..secure(
                "",
                "A",
                "2025-01-15",
                "2025-05-05",
                SecureDecision::CriteriaMet,
            )
        });
        let later = case_records_due(&data, today, &t, &WorkingDayCalendar::england_and_wales());
        assert!(
            later
                .iter()
                .any(|x| x.child == "A" && x.due == "2025-08-05")
        );
        assert!(
            case_records_due_in_month(
                &data,
                2025,
                5,
                today,
                &t,
                &WorkingDayCalendar::england_and_wales()
            )
            .is_empty()
        );
        // PF1's arrangement ends on 1 March 2025, recorded on its review:
        // no review is due of it any more. Recorded as ending later than
        // today, it is still due.
        let pf1 = |end: &str| {
            let mut data = data.clone();
            for x in &mut data.case_records.private_fostering_reviews {
                if x.id == "p1" {
                    x.arrangement_end = Some(d(end));
                }
            }
            case_records_due(&data, today, &t, &WorkingDayCalendar::england_and_wales())
                .iter()
                .any(|x| x.child == "PF1")
        };
        assert!(!pf1("2025-03-01"));
        assert!(pf1("2025-12-01"));
        // Two ends recorded: the later is the end (as the schedule takes
        // it), so an earlier one past does not end it.
        let mut two = data.clone();
        for x in &mut two.case_records.private_fostering_reviews {
            if x.id == "p1" {
                x.arrangement_end = Some(d("2025-12-01"));
            }
        }
        two.case_records
            .private_fostering_reviews
            .push(PrivateFosteringReview {
                id: "p2".into(),
                child: id("PF1"),
                arrangement_start: d("2024-03-01"),
                date: d("2024-04-01"),
                arrangement_end: Some(d("2025-01-01")),
            });
        assert!(
            case_records_due(&two, today, &t, &WorkingDayCalendar::england_and_wales())
                .iter()
                .any(|x| x.child == "PF1")
        );
    }

    #[test]
    fn a_private_fostering_arrangement_that_ended_has_no_review_due_after_its_end() {
        use crate::case_records::{CaseRecord, CaseRecordError, PrivateFosteringReview};
        let t = CaseRecordTimescales::default();
        let child = id("PF1");
        let review = |date: &str, end: Option<&str>| PrivateFosteringReview {
            id: date.into(),
            child: child.clone(),
            arrangement_start: d("2023-01-01"),
            date: d(date),
            arrangement_end: end.map(d),
        };
        // Reviewed 1 Jan 2024 (due then), next due 1 Jan 2025.
        let open = vec![review("2024-01-01", None)];
        let chain = private_fostering_schedule(&child, d("2023-01-01"), &open, &t);
        assert_eq!(
            chain.last().map(|x| (x.due, x.done)),
            Some((d("2025-01-01"), None))
        );
        // Ended 1 July 2024: nothing is due after it.
        let ended = vec![review("2024-01-01", Some("2024-07-01"))];
        let chain = private_fostering_schedule(&child, d("2023-01-01"), &ended, &t);
        assert!(chain.iter().all(|x| x.done.is_some()), "{chain:?}");
        // The check: an end before the start, or a review after the end.
        let mut bad = review("2024-01-01", Some("2022-12-01"));
        assert!(matches!(
            CaseRecord::PrivateFosteringReview(bad.clone()).check(),
            Err(CaseRecordError::ArrangementEndsBeforeStart)
        ));
        bad.arrangement_end = Some(d("2023-12-01"));
        assert!(matches!(
            CaseRecord::PrivateFosteringReview(bad).check(),
            Err(CaseRecordError::PrivateFosteringAfterEnd)
        ));
    }

    #[test]
    fn private_fostering_arrangements_each_with_its_last_review_and_next_due() {
        use crate::case_records::PrivateFosteringReview;
        let t = CaseRecordTimescales::default();
        let review = |c: &str, start: &str, date: &str, end: Option<&str>| PrivateFosteringReview {
            id: format!("{c}-{date}"),
            child: id(c),
            arrangement_start: d(start),
            date: d(date),
            arrangement_end: end.map(d),
        };
        let reviews = vec![
            // P1: an earlier arrangement (superseded, nothing due) and the
            // current one, reviewed twice, next due a year after the last.
            review("P1", "2022-02-01", "2022-06-01", None),
            review("P1", "2024-01-10", "2024-03-01", None),
            review("P1", "2024-01-10", "2025-01-05", None),
            // P2: ended on 1 Mar 2025 (before today): nothing due.
            review("P2", "2024-05-01", "2024-06-01", Some("2025-03-01")),
            // P3: reviewed 1 Feb 2024, due 1 Feb 2025: overdue today.
            review("P3", "2024-01-01", "2024-02-01", None),
        ];
        let today = d("2025-03-20");
        // Each arrangement: child, start, end, reviews held, last review,
        // next due and its status.
        let records = CaseRecords {
            private_fostering_reviews: reviews.clone(),
            ..Default::default()
        };
        let got: Vec<String> = private_fostering_arrangements(
            &records,
            today,
            &t,
            &WorkingDayCalendar::england_and_wales(),
        )
        .into_iter()
        .map(|a| {
            let opt = |d: Option<NaiveDate>| d.map_or("-".to_owned(), |d| d.to_string());
            format!(
                "{} {} {} {} {} {} {}",
                a.child,
                a.start,
                opt(a.end),
                a.reviews,
                opt(a.last_review),
                opt(a.next_due),
                a.status
            )
        })
        .collect();
        assert_eq!(
            got,
            [
                "P1 2022-02-01 - 1 2022-06-01 - ",
                "P1 2024-01-10 - 2 2025-01-05 2026-01-05 due",
                "P2 2024-05-01 2025-03-01 1 2024-06-01 - ",
                "P3 2024-01-01 - 1 2024-02-01 2025-02-01 overdue",
            ]
        );
        // A notified arrangement not yet reviewed (P4): the first visit due
        // 7 working days after the notification, the first review 12
        // months after the proposed start; the visit is what is due next.
        let mut with_notice = records.clone();
        with_notice.private_fostering_notifications.push(
            crate::case_records::PrivateFosteringNotification {
                id: "N4".into(),
                child: id("P4"),
                notified: d("2025-03-12"),
                notified_by: Notifier::Parent,
                proposed_start: d("2025-03-15"),
                visits: vec![],
                arrangement_end: None,
            },
        );
        let p4_on = |records: &CaseRecords, on: NaiveDate| {
            private_fostering_arrangements(
                records,
                on,
                &t,
                &WorkingDayCalendar::england_and_wales(),
            )
            .into_iter()
            .find(|a| a.child == id("P4"))
            .expect("the notified arrangement is listed")
        };
        let p4 = p4_on(&with_notice, today);
        assert_eq!(
            (
                p4.notified,
                p4.reviews,
                p4.last_review,
                p4.next_visit,
                p4.next_due
            ),
            (
                Some(d("2025-03-12")),
                0,
                None,
                Some(d("2025-03-21")),
                Some(d("2026-03-15"))
            )
        );
        assert_eq!(
            (p4.due_next, p4.status),
            (Some(d("2025-03-21")), "due_soon")
        );
        // Visited in time, and then not: overdue 6 weeks after the visit.
        with_notice.private_fostering_notifications[0].visits = vec![d("2025-03-18")];
        let later = d("2025-05-01");
        let p4 = p4_on(&with_notice, later);
        assert_eq!(
            (p4.next_visit, p4.status),
            (Some(d("2025-04-29")), "overdue")
        );
        // The notification records that the arrangement did not go ahead:
        // nothing is due.
        with_notice.private_fostering_notifications[0].arrangement_end = Some(d("2025-03-20"));
        let p4 = p4_on(&with_notice, later);
        assert_eq!((p4.next_visit, p4.next_due, p4.status), (None, None, ""));
        with_notice.private_fostering_notifications[0].arrangement_end = None;
        let ds = Dataset {
            case_records: with_notice,
            ..Default::default()
        };
        let due: Vec<(String, &str, String)> =
            case_records_due(&ds, today, &t, &WorkingDayCalendar::england_and_wales())
                .into_iter()
                .filter(|x| x.child == "P4")
                .map(|x| (x.child, x.kind, x.due))
                .collect();
        assert_eq!(
            due,
            [
                (
                    "P4".to_owned(),
                    "private_fostering_notification",
                    "2025-04-29".to_owned()
                ),
                (
                    "P4".to_owned(),
                    "private_fostering_review",
                    "2026-03-15".to_owned()
                )
            ]
        );
        // The due list shows the same next reviews, and only those.
        let mut ds = Dataset::default();
        ds.case_records.private_fostering_reviews = reviews;
        let due: Vec<(String, String)> =
            case_records_due(&ds, today, &t, &WorkingDayCalendar::england_and_wales())
                .into_iter()
                .map(|x| (x.child, x.due))
                .collect();
        assert_eq!(
            due,
            [
                ("P3".to_owned(), "2025-02-01".to_owned()),
                ("P1".to_owned(), "2026-01-05".to_owned())
            ]
        );
    }
}
