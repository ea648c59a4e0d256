//! What the pages show, worked out from a [`Dataset`]: pure functions, no
//! I/O, tested on small hand-made datasets.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::LegalStatus;
use footprint_domain::model::{Challenge, ChildId, Dataset, Episode, IroId, Review};
use footprint_domain::periods::{PeriodAssembly, PeriodOfCare, assemble_periods};
use footprint_domain::schedule::{
    DueDate, PeriodKind, Schedule, ScheduleInput, SchedulePolicy, schedule,
};
use serde::Serialize;

/// The schedule of a child's period of care, or why it could not be worked
/// out.
pub fn period_schedule(
    period: &PeriodOfCare,
    reviews: &[Review],
    known_from: Option<NaiveDate>,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Result<Schedule, String> {
    let start = period.start();
    let end = period.end();
    let mut dates: Vec<NaiveDate> = reviews
        .iter()
        .filter(|r| r.child == period.child)
        .filter(|r| r.date >= start && end.is_none_or(|e| r.date <= e))
        .map(|r| r.date)
        .collect();
    dates.sort();
    dates.dedup();
    let adoption_authority = period
        .episodes
        .iter()
        .find(|e| matches!(e.legal_status, LegalStatus::E1 | LegalStatus::D1))
        .map(|e| e.start);
    let placed_for_adoption = period
        .episodes
        .iter()
        .find(|e| e.placement.is_placed_for_adoption())
        .map(|e| e.start);
    let input = ScheduleInput {
        kind: if period.is_short_breaks() {
            PeriodKind::ShortBreaks
        } else {
            PeriodKind::LookedAfter
        },
        period_start: start,
        period_end: end,
        reviews: dates,
        placement_moves: period.placement_moves(),
        unregistered_spans: Vec::new(),
        adoption_authority,
        placed_for_adoption,
        reviews_known_from: known_from,
    };
    schedule(&input, policy, calendar).map_err(|e| e.to_string())
}

/// How a next due date stands today.
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

/// Indexes of a dataset by child.
pub struct ByChild<'a> {
    pub periods: HashMap<&'a ChildId, Vec<PeriodOfCare>>,
    pub reviews: HashMap<&'a ChildId, Vec<&'a Review>>,
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
        ByChild { periods, reviews }
    }

    /// The child's period open on `date`, if any.
    pub fn current_period(&self, child: &ChildId, date: NaiveDate) -> Option<&PeriodOfCare> {
        self.periods.get(child)?.iter().find(|p| p.is_open_on(date))
    }

    pub fn child_reviews(&self, child: &ChildId) -> Vec<Review> {
        self.reviews
            .get(child)
            .map(|v| v.iter().map(|r| (*r).clone()).collect())
            .unwrap_or_default()
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

/// The next review of a child looked after (or on short breaks) today.
pub fn next_review(
    by: &ByChild<'_>,
    ds: &Dataset,
    child: &ChildId,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Option<(NextReview, Option<DueDate>)> {
    let period = by.current_period(child, today)?;
    let reviews = by.child_reviews(child);
    let last_review = reviews
        .iter()
        .filter(|r| r.date >= period.start() && r.date <= today)
        .map(|r| r.date)
        .max();
    match period_schedule(period, &reviews, ds.reviews_known_from, policy, calendar) {
        Ok(s) => {
            let (due, rule, status) = match &s.next_due {
                Some(d) => (
                    Some(d.date.to_string()),
                    d.rule.to_string(),
                    due_status(d.date, today).to_owned(),
                ),
                None => (
                    None,
                    "Not known from the data held".to_owned(),
                    "unknown".to_owned(),
                ),
            };
            Some((
                NextReview {
                    child: child.to_string(),
                    due,
                    rule,
                    status,
                    last_review: last_review.map(|d| d.to_string()),
                },
                s.next_due,
            ))
        }
        Err(why) => Some((
            NextReview {
                child: child.to_string(),
                due: None,
                rule: format!("Cannot work out: {why}"),
                status: "unknown".to_owned(),
                last_review: last_review.map(|d| d.to_string()),
            },
            None,
        )),
    }
}

/// How a review dated `date` stands against its statutory due date, worked
/// out as the caseload does: the child's period of care holding the date,
/// its reviews with this one added, and the council's schedule policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewTimeliness {
    /// The statutory due date (`None`: not known from the data held).
    pub due: Option<NaiveDate>,
    /// `Some(false)`: held after its due date.
    pub in_time: Option<bool>,
}

/// The timeliness a review dated `date` would have (or has), or `None` when
/// no period of care holds the date or its schedule cannot be worked out.
pub fn review_timeliness(
    by: &ByChild<'_>,
    ds: &Dataset,
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
    let mut reviews = by.child_reviews(child);
    if !reviews.iter().any(|r| r.date == date) {
        reviews.push(Review {
            child: child.clone(),
            date,
            participation: None,
            details: None,
        });
    }
    let s = period_schedule(period, &reviews, ds.reviews_known_from, policy, calendar).ok()?;
    let sr = s.reviews.iter().find(|r| r.date == date)?;
    Some(ReviewTimeliness {
        due: sr.statutory_due,
        in_time: sr.in_time,
    })
}

/// The IRO a child is allocated to on `date`.
pub fn current_iro<'a>(ds: &'a Dataset, child: &ChildId, date: NaiveDate) -> Option<&'a IroId> {
    ds.allocations
        .iter()
        .filter(|a| &a.child == child && a.is_current_on(date))
        .max_by_key(|a| a.from)
        .map(|a| &a.iro)
}

/// Whether a challenge is still open.
pub fn challenge_is_open(c: &Challenge) -> bool {
    c.resolved.is_none() && c.outcome.is_none()
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

/// An IRO's caseload on `today`: overdue first, then by due date.
pub fn caseload(
    ds: &Dataset,
    iro: &IroId,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Vec<CaseloadRow> {
    let by = ByChild::new(ds);
    let mut rows: Vec<(Option<NaiveDate>, CaseloadRow)> = ds
        .children
        .iter()
        .filter(|c| current_iro(ds, &c.id, today) == Some(iro))
        .map(|c| {
            let (next, due) = next_review(&by, ds, &c.id, today, policy, calendar).unwrap_or((
                NextReview {
                    child: c.id.to_string(),
                    due: None,
                    rule: "Not looked after today".to_owned(),
                    status: "none".to_owned(),
                    last_review: None,
                },
                None,
            ));
            let last_visit = ds
                .visits
                .iter()
                .filter(|v| v.child == c.id && v.date <= today)
                .map(|v| v.date)
                .max();
            let open_challenges = ds
                .challenges
                .iter()
                .filter(|ch| ch.child == c.id && challenge_is_open(ch))
                .count();
            (
                due.map(|d| d.date),
                CaseloadRow {
                    next,
                    last_visit: last_visit.map(|d| d.to_string()),
                    open_challenges,
                    age: Some(footprint_domain::dates::age_on(c.date_of_birth, today)),
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

/// A statutory review due in a month, for the business support due list.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    pub child: String,
    pub due: String,
    pub rule: String,
    pub status: String,
}

/// Reviews whose next due date falls in `year`-`month`, grouped by IRO name
/// ("Unallocated" for children with no IRO), each group by due date.
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
        let Some((next, due)) = next_review(&by, ds, &c.id, today, policy, calendar) else {
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

/// An IRO's name, or their id if not on the list.
pub fn iro_name(ds: &Dataset, id: &IroId) -> String {
    ds.iros
        .iter()
        .find(|i| &i.id == id)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| id.to_string())
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

/// Working days allowed for the decisions and for the record.
pub const DECISIONS_WORKING_DAYS: u32 = 5;
pub const RECORD_WORKING_DAYS: u32 = 20;

/// Reviews (recorded in Footprint) whose decisions (5 working days) or
/// record (20 working days) are overdue today and not yet issued.
pub fn outstanding(
    ds: &Dataset,
    today: NaiveDate,
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
            ("decisions", DECISIONS_WORKING_DAYS, d.decisions_issued),
            ("record", RECORD_WORKING_DAYS, d.record_circulated),
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

/// A proportion with its parts, for the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub count: usize,
    pub of: usize,
}

impl Ratio {
    fn add(&mut self, yes: bool) {
        self.of += 1;
        if yes {
            self.count += 1;
        }
    }

    /// Whole percent, or `None` when there is nothing to divide.
    pub fn percent(self) -> Option<u32> {
        (self.of > 0).then(|| ((self.count as f64 * 100.0) / self.of as f64).round() as u32)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IroCaseload {
    pub iro: String,
    pub name: String,
    pub children: usize,
    pub fte: f64,
    pub per_fte: Option<f64>,
    /// "below", "within" or "above" the 50–70 guideline.
    pub band: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub label: String,
    pub count: usize,
}

/// The manager's dashboard figures on `today`.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub month_label: String,
    pub year_label: String,
    pub in_time_month: Ratio,
    pub in_time_month_pct: Option<u32>,
    pub in_time_year: Ratio,
    pub in_time_year_pct: Option<u32>,
    pub participation: Vec<CountRow>,
    pub participated_year: Ratio,
    pub caseloads: Vec<IroCaseload>,
    pub looked_after: usize,
    pub total_fte: f64,
    pub per_fte: Option<f64>,
    pub midway: Ratio,
    pub midway_pct: Option<u32>,
    pub decisions: Ratio,
    pub decisions_pct: Option<u32>,
    pub record: Ratio,
    pub record_pct: Option<u32>,
    pub overdue_now: usize,
    pub challenges_by_stage: Vec<CountRow>,
    pub challenges_by_age: Vec<CountRow>,
    pub challenges_overdue: usize,
}

fn band(per_fte: Option<f64>) -> &'static str {
    match per_fte {
        Some(x) if x < 50.0 => "below",
        Some(x) if x > 70.0 => "above",
        Some(_) => "within",
        None => "none",
    }
}

/// Works out the dashboard.
pub fn dashboard(
    ds: &Dataset,
    today: NaiveDate,
    policy: &SchedulePolicy,
    calendar: &WorkingDayCalendar,
) -> Dashboard {
    let year = footprint_domain::dates::CollectionYear::of(today);
    let by = ByChild::new(ds);
    let mut in_time_month = Ratio::default();
    let mut in_time_year = Ratio::default();
    let mut midway = Ratio::default();
    let mut overdue_now = 0;
    for c in &ds.children {
        let reviews = by.child_reviews(&c.id);
        for period in by.periods.get(&c.id).map(Vec::as_slice).unwrap_or_default() {
            let Ok(s) = period_schedule(period, &reviews, ds.reviews_known_from, policy, calendar)
            else {
                continue;
            };
            for (i, sr) in s.reviews.iter().enumerate() {
                if sr.date > today || !year.contains(sr.date) {
                    continue;
                }
                if let Some(ok) = sr.in_time {
                    in_time_year.add(ok);
                    if sr.date.year() == today.year() && sr.date.month() == today.month() {
                        in_time_month.add(ok);
                    }
                }
                // Midway: the interval to the next due date exceeds 3 months
                // and its midpoint has passed.
                let next_date = s.reviews.get(i + 1).map(|n| n.date);
                let next_due = s
                    .reviews
                    .get(i + 1)
                    .and_then(|n| n.due)
                    .or_else(|| s.next_due.map(|d| d.date));
                if let Some(next_due) = next_due {
                    let span = (next_due - sr.date).num_days();
                    let mid = sr.date + chrono::Duration::days(span / 2);
                    let three_months =
                        (footprint_domain::dates::add_months(sr.date, 3) - sr.date).num_days();
                    if span > three_months && mid <= today {
                        let until = next_date.unwrap_or(today);
                        let done = ds
                            .midway_checks
                            .iter()
                            .any(|m| m.child == c.id && m.date > sr.date && m.date < until);
                        midway.add(done);
                    }
                }
            }
            if period.is_open_on(today) && s.next_due.is_some_and(|d| d.date < today) {
                overdue_now += 1;
            }
        }
    }

    let mut participation: BTreeMap<String, usize> = BTreeMap::new();
    let mut participated_year = Ratio::default();
    let mut decisions = Ratio::default();
    let mut record = Ratio::default();
    for r in &ds.reviews {
        if r.date > today || !year.contains(r.date) {
            continue;
        }
        if let Some(p) = r.participation {
            *participation
                .entry(format!("{} – {}", p.code(), p.label()))
                .or_default() += 1;
            participated_year.add(p.participated());
        }
        if let Some(d) = &r.details {
            let within = |done: Option<NaiveDate>, days: u32| {
                let due = calendar.add_working_days(r.date, days).ok();
                match (done, due) {
                    (Some(done), Some(due)) => Some(done <= due),
                    (None, Some(due)) if due < today => Some(false),
                    _ => None,
                }
            };
            if let Some(ok) = within(d.decisions_issued, DECISIONS_WORKING_DAYS) {
                decisions.add(ok);
            }
            if let Some(ok) = within(d.record_circulated, RECORD_WORKING_DAYS) {
                record.add(ok);
            }
        }
    }

    let looked_after = ds
        .children
        .iter()
        .filter(|c| {
            by.current_period(&c.id, today)
                .is_some_and(|p| p.is_looked_after_on(today))
        })
        .count();
    let active_iros: Vec<_> = ds
        .iros
        .iter()
        .filter(|i| i.started <= today && i.left.is_none_or(|l| l > today))
        .collect();
    let caseloads: Vec<IroCaseload> = active_iros
        .iter()
        .map(|i| {
            let children = ds
                .allocations
                .iter()
                .filter(|a| a.iro == i.id && a.is_current_on(today))
                .filter(|a| by.current_period(&a.child, today).is_some())
                .count();
            let per_fte = (i.fte > 0.0).then(|| children as f64 / i.fte);
            IroCaseload {
                iro: i.id.to_string(),
                name: i.name.clone(),
                children,
                fte: i.fte,
                per_fte: per_fte.map(|x| (x * 10.0).round() / 10.0),
                band: band(per_fte),
            }
        })
        .collect();
    // FTEs are recorded to two places; summing them in binary floating point
    // leaves noise (0.8 + 1.0 + ... = 10.799999999999999), so the total is
    // rounded back to the places it was recorded in.
    let total_fte: f64 = (active_iros.iter().map(|i| i.fte).sum::<f64>() * 100.0).round() / 100.0;
    let per_fte =
        (total_fte > 0.0).then(|| ((looked_after as f64 / total_fte) * 10.0).round() / 10.0);

    let mut by_stage: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_age = [0usize; 3];
    let mut challenges_overdue = 0;
    for ch in ds.challenges.iter().filter(|c| challenge_is_open(c)) {
        let stage = ch
            .stages
            .last()
            .map(|s| s.stage.clone())
            .unwrap_or_else(|| "not staged".to_owned());
        *by_stage.entry(stage).or_default() += 1;
        let age = (today - ch.raised).num_days();
        by_age[if age <= 30 {
            0
        } else if age <= 90 {
            1
        } else {
            2
        }] += 1;
        if challenge_overdue(ch, today, calendar) {
            challenges_overdue += 1;
        }
    }

    Dashboard {
        month_label: today.format("%B %Y").to_string(),
        year_label: year.to_string(),
        in_time_month_pct: in_time_month.percent(),
        in_time_month,
        in_time_year_pct: in_time_year.percent(),
        in_time_year,
        participation: participation
            .into_iter()
            .map(|(label, count)| CountRow { label, count })
            .collect(),
        participated_year,
        caseloads,
        looked_after,
        total_fte,
        per_fte,
        midway_pct: midway.percent(),
        midway,
        decisions_pct: decisions.percent(),
        decisions,
        record_pct: record.percent(),
        record,
        overdue_now,
        challenges_by_stage: by_stage
            .into_iter()
            .map(|(label, count)| CountRow { label, count })
            .collect(),
        challenges_by_age: ["up to 30 days", "31 to 90 days", "over 90 days"]
            .into_iter()
            .zip(by_age)
            .map(|(l, count)| CountRow {
                label: l.to_owned(),
                count,
            })
            .collect(),
        challenges_overdue,
    }
}

/// The date a response is due at a challenge's current stage.
pub fn challenge_stage_due(ch: &Challenge, calendar: &WorkingDayCalendar) -> Option<NaiveDate> {
    let stage = ch.stages.last()?;
    calendar
        .add_working_days(stage.started, stage.timescale_working_days)
        .ok()
}

/// An open challenge whose current stage has had no response within its
/// timescale.
pub fn challenge_overdue(ch: &Challenge, today: NaiveDate, calendar: &WorkingDayCalendar) -> bool {
    challenge_is_open(ch)
        && ch.stages.last().is_some_and(|s| s.responded.is_none())
        && challenge_stage_due(ch, calendar).is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use footprint_domain::model::{Allocation, ChallengeStage, Child, Iro, ReviewDetails};

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
        let t = |c: &str, date: &str| review_timeliness(&by, &ds, &id(c), d(date), &policy, &cal);
        // B: reviews 20 Sep and 10 Dec 2024, so the next is due 10 Jun 2025
        // (six months), the caseload's next due date.
        let next = next_review(&by, &ds, &id("B"), d("2025-01-01"), &policy, &cal)
            .and_then(|(_, due)| due)
            .expect("B has a next due date");
        assert_eq!(next.date, d("2025-06-10"));
        let on_time = t("B", "2025-06-10").expect("in a period");
        assert_eq!(on_time.in_time, Some(true));
        assert_eq!(on_time.due, Some(d("2025-06-10")));
        let late = t("B", "2025-06-11").expect("in a period");
        assert_eq!(late.in_time, Some(false));
        assert_eq!(late.due, Some(d("2025-06-10")));
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
        // Before the child came into care: no period holds the date.
        assert_eq!(t("B", "1990-01-01"), None);
        // An unknown child.
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
        assert!(
            due_in_month(
                &ds(),
                2025,
                4,
                d("2025-03-12"),
                &SchedulePolicy::statutory(),
                &cal()
            )
            .is_empty()
        );
    }

    #[test]
    fn outstanding_lists_only_late_and_missing_decisions_and_records() {
        let out = outstanding(&ds(), d("2025-03-12"), &cal());
        // B's December review: decisions issued (not listed), record missing
        // and past its 20 working days (8 Jan 2025 after the holidays).
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].what, "record");
        assert_eq!(out[0].child, "B");
        assert!(out[0].working_days_late > 0);
        assert!(outstanding(&ds(), d("2024-12-11"), &cal()).is_empty());
    }

    #[test]
    fn the_dashboard_counts_caseloads_per_fte_and_overdue_reviews() {
        let dash = dashboard(&ds(), d("2025-03-12"), &SchedulePolicy::statutory(), &cal());
        assert_eq!(dash.overdue_now, 1);
        assert_eq!(dash.looked_after, 3);
        assert_eq!(dash.caseloads[0].children, 3);
        assert_eq!(dash.caseloads[0].per_fte, Some(6.0));
        assert_eq!(dash.caseloads[0].band, "below");
        assert_eq!(dash.in_time_year, Ratio { count: 2, of: 2 });
        assert_eq!(dash.decisions, Ratio { count: 1, of: 1 });
        assert_eq!(dash.record, Ratio { count: 0, of: 1 });
    }

    #[test]
    fn the_dashboard_total_fte_is_the_sum_as_recorded_without_floating_point_noise() {
        let mut ds = ds();
        let template = ds.iros[0].clone();
        ds.iros = [0.8, 1.0, 1.0, 0.8, 0.8, 1.0, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0]
            .iter()
            .enumerate()
            .map(|(n, &fte)| Iro {
                id: IroId(format!("I{n}")),
                fte,
                ..template.clone()
            })
            .collect();
        let dash = dashboard(&ds, d("2025-03-12"), &SchedulePolicy::statutory(), &cal());
        assert_eq!(dash.total_fte.to_string(), "10.8");
    }

    #[test]
    fn a_challenge_is_overdue_once_its_stage_timescale_passes_unanswered() {
        let mut c = Challenge {
            id: 1,
            child: id("A"),
            iro: None,
            raised: d("2025-03-03"),
            themes: vec![],
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
        assert_eq!(challenge_stage_due(&c, &cal()), Some(d("2025-03-10")));
        assert!(!challenge_overdue(&c, d("2025-03-10"), &cal()));
        assert!(challenge_overdue(&c, d("2025-03-11"), &cal()));
        c.stages[0].responded = Some(d("2025-03-07"));
        assert!(!challenge_overdue(&c, d("2025-03-11"), &cal()));
    }
}
