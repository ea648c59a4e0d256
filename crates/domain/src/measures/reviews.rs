//! Reviews: held, timeliness, overdue, unmatched; and participation.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::care::CareIndex;
use super::{
    Breakdown, Count, DataProblem, Grid, Measure, MeasureSettings, Measures, Percent, Period,
    UnmatchedReview,
};
use crate::calendar::WorkingDayCalendar;
use crate::codes::ParticipationCode;
use crate::dates::{Quarter, add_months};
use crate::model::{ChildId, Dataset, Review, ReviewDateChange};
use crate::schedule::{DueRule, Schedule, ScheduleError};

/// The `reviews.late_by_reason` key of a late review with no reason recorded.
pub const NOT_RECORDED: &str = "not_recorded";

/// A review held in the year inside a looked-after period, with what the
/// schedule says about it.
pub(super) struct HeldReview<'a> {
    pub review: &'a Review,
    pub period_start: NaiveDate,
    /// The review before it in the same period.
    pub previous: Option<NaiveDate>,
    /// `Some(true)` in time, `Some(false)` late, `None` unknown.
    pub in_time: Option<bool>,
    /// The child's age on the review date, if the child's header is held.
    pub age: Option<u32>,
    /// Held by the date an approved request moved it to (the council's due
    /// date set by `DueRule::DateChanged`); `in_time` stays statutory.
    pub by_changed_date: bool,
}

/// A review's midway point (`measures.md`, `midway.done_pct`): the day
/// halfway between the review and the next review's statutory due date,
/// where that interval is longer than 3 months.
pub(super) struct MidwayPoint<'a> {
    pub child: &'a ChildId,
    /// The review the point follows.
    pub review: NaiveDate,
    /// The midway point itself.
    pub point: NaiveDate,
    /// The next review of the period, if one is held.
    pub next: Option<NaiveDate>,
}

/// The reviews held in the period and the midway points that fall in it,
/// worked out from each period's schedule.
pub(super) struct Reviewed<'a> {
    pub held: Vec<HeldReview<'a>>,
    pub midway_points: Vec<MidwayPoint<'a>>,
}

/// The midway point after a review dated `date` whose next review is due on
/// `next_due` (statutory), if the interval is longer than 3 months.
pub fn midway_point(date: NaiveDate, next_due: NaiveDate) -> Option<NaiveDate> {
    (next_due > add_months(date, 3))
        .then(|| date + chrono::Duration::days((next_due - date).num_days() / 2))
}

/// Each child's reviews matched to the looked-after period that holds
/// them, with that period's schedule: what a schedule says does not depend
/// on the period measured, so it is worked out once for every period one
/// computation covers (a report's five years, the dashboard's month and
/// year) instead of once a period.
pub(super) struct ReviewIndex<'a> {
    /// In identifier order: every child in care (a child with no review yet
    /// can be overdue), and every child with a review (it may be
    /// unmatched).
    children: Vec<ChildReviews<'a>>,
}

struct ChildReviews<'a> {
    id: &'a ChildId,
    /// The child's requests to change a review's date.
    changes: Vec<ReviewDateChange>,
    /// Reviews no looked-after period holds, by date, each with whether a
    /// short break holds it (then it is not unmatched).
    unmatched: Vec<(&'a Review, bool)>,
    /// One per looked-after period of the child (`ChildCare::periods`).
    periods: Vec<PeriodReviews<'a>>,
}

struct PeriodReviews<'a> {
    /// The reviews the period holds, by date.
    reviews: Vec<&'a Review>,
    dates: Vec<NaiveDate>,
    /// The period's schedule with the child's approved date changes; `None`
    /// for a period that ended before the index's first day (no period the
    /// index was built for reads it).
    schedule: Option<Result<Schedule, ScheduleError>>,
}

impl<'a> ReviewIndex<'a> {
    /// The index for periods starting on or after `from`.
    pub fn build(
        data: &'a Dataset,
        care: &'a CareIndex,
        from: NaiveDate,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
    ) -> Self {
        let known_from = settings.reviews_known_from(data);
        let mut by_child: BTreeMap<&ChildId, Vec<&Review>> = BTreeMap::new();
        for id in care.children.keys() {
            by_child.entry(id).or_default();
        }
        for r in &data.reviews {
            by_child.entry(&r.child).or_default().push(r);
        }
        let mut changes: BTreeMap<&ChildId, Vec<ReviewDateChange>> = BTreeMap::new();
        for c in &data.review_date_changes {
            changes.entry(&c.child).or_default().push(c.clone());
        }
        let mut pending: Vec<(&ChildId, Vec<&Review>, Vec<ReviewDateChange>)> = by_child
            .into_iter()
            .map(|(id, reviews)| (id, reviews, changes.remove(id).unwrap_or_default()))
            .collect();
        // The schedules shared among the machine's cores, a slice of
        // children each.
        let size = pending.len().div_ceil(64).max(1);
        let mut slices = Vec::new();
        while !pending.is_empty() {
            let rest = pending.split_off(size.min(pending.len()));
            slices.push(std::mem::replace(&mut pending, rest));
        }
        let built = crate::parallel::on_cores(&slices, |slice| {
            slice
                .iter()
                .map(|(id, reviews, changes)| {
                    Self::child(
                        id,
                        reviews,
                        changes.clone(),
                        care,
                        from,
                        known_from,
                        settings,
                        calendar,
                    )
                })
                .collect::<Vec<_>>()
        });
        ReviewIndex {
            children: built.into_iter().flatten().collect(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn child(
        id: &'a ChildId,
        reviews: &[&'a Review],
        changes: Vec<ReviewDateChange>,
        care: &CareIndex,
        from: NaiveDate,
        known_from: Option<NaiveDate>,
        settings: &MeasureSettings,
        calendar: &WorkingDayCalendar,
    ) -> ChildReviews<'a> {
        let mut reviews = reviews.to_vec();
        reviews.sort_by_key(|r| r.date);
        let child = care.get(id);
        let periods = child.map_or(&[][..], |c| c.periods.as_slice());
        let mut per_period: Vec<Vec<&Review>> = vec![Vec::new(); periods.len()];
        let mut unmatched = Vec::new();
        for r in reviews {
            // The latest looked-after period that holds the date (from the
            // day the child became looked after, before the day it ended:
            // `PeriodOfCare::holds_review_on`, as every screen decides it).
            match periods.iter().rposition(|p| p.holds_review_on(r.date)) {
                Some(i) => per_period[i].push(r),
                None => {
                    let short_break = child.is_some_and(|c| {
                        c.short_breaks
                            .iter()
                            .any(|p| p.start() <= r.date && p.end().is_none_or(|e| r.date <= e))
                    });
                    unmatched.push((r, short_break));
                }
            }
        }
        let periods = periods
            .iter()
            .zip(per_period)
            .map(|(p, reviews)| {
                let dates: Vec<NaiveDate> = reviews.iter().map(|r| r.date).collect();
                let needed = p.looked_after_from().is_some() && p.end().is_none_or(|e| e >= from);
                let schedule = needed.then(|| {
                    p.schedule(
                        &dates,
                        &changes,
                        known_from,
                        &settings.review_policy,
                        calendar,
                    )
                });
                PeriodReviews {
                    reviews,
                    dates,
                    schedule,
                }
            })
            .collect();
        ChildReviews {
            id,
            changes,
            unmatched,
            periods,
        }
    }
}

pub(super) fn reviews<'a>(
    index: &'a ReviewIndex<'a>,
    data: &'a Dataset,
    care: &'a CareIndex,
    year: Period,
    settings: &MeasureSettings,
    calendar: &WorkingDayCalendar,
    out: &mut Measures,
) -> Reviewed<'a> {
    let known_from = settings.reviews_known_from(data);
    let mut unmatched = Count::default();
    let mut held: Vec<HeldReview> = Vec::new();
    let mut midway_points: Vec<MidwayPoint> = Vec::new();
    let mut overdue = Count::default();
    for entry in &index.children {
        for (r, short_break) in &entry.unmatched {
            if !short_break && year.contains(r.date) {
                unmatched.add(&r.child);
                out.unmatched_reviews.push(UnmatchedReview {
                    child: r.child.clone(),
                    date: r.date,
                });
            }
        }
        let Some(child) = care.get(entry.id) else {
            continue;
        };
        for (p, pr) in child.periods.iter().zip(&entry.periods) {
            let Some(start) = p.looked_after_from() else {
                continue;
            };
            // A period of care that ended before the period began holds no
            // review, midway point or overdue review in it.
            if p.end().is_some_and(|e| e < year.first) {
                continue;
            }
            let reviews = &pr.reviews;
            let dates = &pr.dates;
            // With the child's approved date changes: they move only the
            // council's due dates, never `statutory_due` or `in_time`, which
            // every measure here but one reads. (Worked out here only for a
            // period before the index's first day, which no caller asks.)
            let computed;
            let schedule = match &pr.schedule {
                Some(s) => s,
                None => {
                    computed = p.schedule(
                        dates,
                        &entry.changes,
                        known_from,
                        &settings.review_policy,
                        calendar,
                    );
                    &computed
                }
            };
            let sched = match schedule {
                Ok(s) => Some(s),
                Err(e) => {
                    out.problems.push(DataProblem {
                        child: child.id.clone(),
                        message: format!(
                            "the review schedule of the period of care starting {} could not be worked out ({e}); its reviews are counted with timeliness unknown",
                            start.format("%d/%m/%Y")
                        ),
                    });
                    None
                }
            };
            for (i, r) in reviews.iter().enumerate() {
                let next_due = match sched {
                    Some(s) => match s.reviews.get(i + 1) {
                        Some(n) => n.statutory_due,
                        None => s.next_statutory_due.map(|d| d.date),
                    },
                    None => None,
                };
                if let Some(point) = next_due.and_then(|due| midway_point(r.date, due))
                    && year.contains(point)
                {
                    midway_points.push(MidwayPoint {
                        child: &child.id,
                        review: r.date,
                        point,
                        next: reviews.get(i + 1).map(|n| n.date),
                    });
                }
                if !year.contains(r.date) {
                    continue;
                }
                let scheduled = sched.and_then(|s| s.reviews.get(i));
                held.push(HeldReview {
                    review: r,
                    period_start: start,
                    previous: i.checked_sub(1).map(|j| reviews[j].date),
                    in_time: scheduled.and_then(|s| s.in_time),
                    age: child.age_on(r.date),
                    by_changed_date: scheduled.is_some_and(|s| {
                        matches!(s.rule, DueRule::DateChanged { .. })
                            && s.in_time_local == Some(true)
                    }),
                });
            }
            // Overdue on 31 March: looked after then, and the next review
            // (counting only reviews held by 31 March) was due before it.
            if p.is_looked_after_on(year.end())
                && let Ok(s) = p.schedule_on(
                    year.end(),
                    dates,
                    &entry.changes,
                    known_from,
                    &settings.review_policy,
                    calendar,
                )
                && s.next_statutory_due.is_some_and(|d| d.date < year.end())
            {
                overdue.add_child(&child.id);
            }
        }
    }
    // By child, then date (the order the index gives them in, so the sort
    // only checks it): each count's set of children then grows at its end,
    // which costs far less than inserting children in date order, at
    // random places (a tenth of an England-sized report's time).
    held.sort_by(|a, b| (&a.review.child, a.review.date).cmp(&(&b.review.child, b.review.date)));

    let mut total = Count::default();
    let mut in_time = Count::default();
    let mut late = Count::default();
    let mut unknown = Count::default();
    let mut children = Count::default();
    let mut by_changed_date = Count::default();
    // Every entry of the council's list, retired ones too (old records
    // still hold them), then "not recorded", so the rows add up to
    // `reviews.late`; a key no entry has gets a row of its own.
    let mut late_keys: Vec<&str> = settings.late_reasons.keys().collect();
    late_keys.push(NOT_RECORDED);
    let mut late_by_reason = Breakdown::with_keys(late_keys);
    let keys = ["held", "in_time", "late", "unknown"];
    let mut months = Grid {
        rows: year
            .months()
            .iter()
            .map(|(y, m)| (format!("{y}-{m:02}"), Breakdown::with_keys(keys)))
            .collect(),
    };
    for h in &held {
        let child = &h.review.child;
        total.add(child);
        children.add_child(child);
        if h.by_changed_date {
            by_changed_date.add(child);
        }
        let status = match h.in_time {
            Some(true) => {
                in_time.add(child);
                "in_time"
            }
            Some(false) => {
                late.add(child);
                let reason = h
                    .review
                    .details
                    .as_ref()
                    .and_then(|d| d.late_reason.as_deref());
                late_by_reason
                    .entry(reason.unwrap_or(NOT_RECORDED))
                    .add(child);
                "late"
            }
            None => {
                unknown.add(child);
                "unknown"
            }
        };
        if let Some((_, row)) = year
            .month_index(h.review.date)
            .and_then(|i| months.rows.get_mut(i))
        {
            row.entry("held").add(child);
            row.entry(status).add(child);
        }
    }
    let mut known = in_time.clone();
    for c in &late.children {
        known.children.insert(c.clone());
    }
    known.value += late.value;
    out.push("reviews.held", Measure::Count(total));
    out.push("reviews.in_time", Measure::Count(in_time.clone()));
    out.push("reviews.late", Measure::Count(late));
    out.push("reviews.late_by_reason", Measure::Breakdown(late_by_reason));
    out.push("reviews.timeliness_unknown", Measure::Count(unknown));
    out.push(
        "reviews.held_by_changed_date",
        Measure::Count(by_changed_date),
    );
    out.push(
        "reviews.in_time_pct",
        Measure::Percent(Percent {
            numerator: in_time,
            denominator: known,
        }),
    );
    out.push("reviews.by_month", Measure::Months(months));
    out.push("reviews.children", Measure::Count(children));
    out.push("reviews.overdue.end", Measure::Count(overdue));
    out.push("reviews.unmatched", Measure::Count(unmatched));
    midway_points.sort_by(|a, b| (a.child, a.point).cmp(&(b.child, b.point)));
    Reviewed {
        held,
        midway_points,
    }
}

pub(super) fn participation(held: &[HeldReview], year: Period, out: &mut Measures) {
    let mut keys: Vec<&str> = ParticipationCode::all().iter().map(|c| c.code()).collect();
    keys.push("none");
    let mut by_code = Breakdown::with_keys(keys.iter().copied());
    let mut by_quarter = Grid {
        rows: Quarter::ALL
            .iter()
            .map(|q| (q.to_string(), Breakdown::with_keys(keys.iter().copied())))
            .collect(),
    };
    let mut participated = Count::default();
    let mut eligible = Count::default();
    let mut attended = Count::default();
    let mut own_voice = Count::default();
    for h in held {
        let child = &h.review.child;
        let code = h.review.participation;
        let key = code.map_or("none", |c| c.code());
        by_code.entry(key).add(child);
        let q = year.quarter_of(h.review.date).key();
        if let Some(row) = by_quarter.row_mut(q) {
            row.entry(key).add(child);
        }
        if let Some(c) = code {
            if !c.is_under_four() {
                eligible.add(child);
            }
            if c.participated() {
                participated.add(child);
            }
            if c.attended() {
                attended.add(child);
            }
            if c == ParticipationCode::PN1 {
                own_voice.add(child);
            }
        }
    }
    out.push("participation.by_code", Measure::Breakdown(by_code));
    out.push("participation.by_quarter", Measure::Grid(by_quarter));
    out.push(
        "participation.rate",
        Measure::Percent(Percent {
            numerator: participated,
            denominator: eligible,
        }),
    );
    out.push("participation.attended", Measure::Count(attended));
    out.push("participation.spoke_for_self", Measure::Count(own_voice));
}

/// `participation.children_last_review`: the children looked after on the
/// period's last day, by the participation code of their latest review
/// held in their current period of care by then (from the day they became
/// looked after in it): `PN0`…`PN7`, `none` (no code recorded),
/// `no_review` (none held yet). Sums to `cla.end`.
pub(super) fn participation_last_review(
    data: &Dataset,
    care: &CareIndex,
    period: Period,
    out: &mut Measures,
) {
    let end = period.end();
    let mut keys: Vec<&str> = ParticipationCode::all().iter().map(|c| c.code()).collect();
    keys.extend(["none", "no_review"]);
    let mut by_code = Breakdown::with_keys(keys);
    let mut reviews: BTreeMap<&ChildId, Vec<&Review>> = BTreeMap::new();
    for r in data.reviews.iter().filter(|r| r.date <= end) {
        reviews.entry(&r.child).or_default().push(r);
    }
    for c in care.looked_after_on(end) {
        let Some((p, _)) = c.episode_on(end) else {
            continue;
        };
        let from = p.looked_after_from().unwrap_or(p.start());
        let latest = reviews
            .get(&c.id)
            .and_then(|rs| rs.iter().filter(|r| r.date >= from).max_by_key(|r| r.date));
        let key = match latest {
            None => "no_review",
            Some(r) => r.participation.map_or("none", |x| x.code()),
        };
        by_code.entry(key).add(&c.id);
    }
    out.push(
        "participation.children_last_review",
        Measure::Breakdown(by_code),
    );
}
