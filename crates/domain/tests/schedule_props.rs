//! Property tests of the review schedule and the calendar.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::{add_months, days_in_month};
use footprint_domain::schedule::{
    IntervalCounting, PeriodKind, PostMoveRule, ScheduleInput, SchedulePolicy, UnregisteredRule,
    Within, schedule,
};
use proptest::prelude::*;

static CAL: LazyLock<WorkingDayCalendar> = LazyLock::new(WorkingDayCalendar::england_and_wales);

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(u64::from(offset))
}

const LAST: NaiveDate = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();

/// A start date in 2015–2026.
fn start_date() -> impl Strategy<Value = NaiveDate> {
    let span = (NaiveDate::from_ymd_opt(2026, 12, 31).unwrap() - day(0)).num_days() as u32;
    (0..=span).prop_map(day)
}

/// A start and an increasing sequence of review dates after it, all inside
/// the calendar.
fn period() -> impl Strategy<Value = (NaiveDate, Vec<NaiveDate>)> {
    (start_date(), prop::collection::vec(1u32..250, 0..10)).prop_map(|(start, gaps)| {
        let mut reviews = Vec::new();
        let mut at = start;
        for g in gaps {
            at = at + Days::new(u64::from(g));
            if at > LAST {
                break;
            }
            reviews.push(at);
        }
        (start, reviews)
    })
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Integration tests have no lib.rs beside them to persist failures
        // next to; proptest prints the failing input anyway.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// (a) Review 1's statutory due is a working day, 20 working days after
    /// the start; (b) later dues follow the corresponding-date rule.
    #[test]
    fn statutory_dues((start, reviews) in period()) {
        let input = ScheduleInput::looked_after(start, reviews.clone());
        let s = schedule(&input, &SchedulePolicy::statutory(), &CAL).unwrap();
        prop_assert_eq!(s.reviews.len(), reviews.len());
        if let Some(first) = s.reviews.first() {
            let due = first.statutory_due.unwrap();
            prop_assert_eq!(Ok(due), CAL.add_working_days(start, 20));
            prop_assert_eq!(CAL.is_working_day(due), Ok(true));
            prop_assert_eq!(CAL.working_days_between(start, due), Ok(20));
            prop_assert!(due > start);
        }
        for k in 1..s.reviews.len() {
            let prev = s.reviews[k - 1].date;
            let due = s.reviews[k].statutory_due.unwrap();
            let months = if k == 1 { 3 } else { 6 };
            prop_assert_eq!(month_index(due), month_index(prev) + months);
            prop_assert_eq!(due.day(), prev.day().min(days_in_month(due.year(), due.month())));
            prop_assert_eq!(due, add_months(prev, months as u32));
        }
        for r in &s.reviews {
            prop_assert_eq!(r.in_time, Some(r.date <= r.statutory_due.unwrap()));
            // No local rule applies here: the due is the statutory one.
            prop_assert_eq!(r.due, r.statutory_due);
            prop_assert_eq!(r.in_time_local, r.in_time);
        }
    }

    /// (c) An in-time review is still in time when held earlier (but after
    /// the previous review).
    #[test]
    fn earlier_is_never_later(
        (start, reviews) in period(),
        pick in any::<prop::sample::Index>(),
        back in 0.0f64..=1.0,
        counting_fixed in any::<bool>(),
    ) {
        if reviews.is_empty() {
            return Ok(());
        }
        let policy = SchedulePolicy {
            counting: if counting_fixed {
                IntervalCounting::FixedDays { second: 91, later: 183 }
            } else {
                IntervalCounting::CalendarMonths
            },
            ..SchedulePolicy::default()
        };
        let s = schedule(&ScheduleInput::looked_after(start, reviews.clone()), &policy, &CAL)
            .unwrap();
        let in_time: Vec<usize> =
            (0..reviews.len()).filter(|&i| s.reviews[i].in_time == Some(true)).collect();
        if in_time.is_empty() {
            return Ok(());
        }
        let i = in_time[pick.index(in_time.len())];
        let floor = if i == 0 { start } else { reviews[i - 1] + Days::new(1) };
        let room = (reviews[i] - floor).num_days().max(0) as f64;
        let moved = reviews[i] - Days::new((room * back).floor() as u64);
        prop_assert!(moved >= floor && moved <= reviews[i]);
        let mut earlier = reviews.clone();
        earlier[i] = moved;
        let s2 = schedule(&ScheduleInput::looked_after(start, earlier), &policy, &CAL).unwrap();
        prop_assert_eq!(s2.reviews[i].date, moved);
        prop_assert_eq!(s2.reviews[i].in_time, Some(true));
    }

    /// (d) With no reviews, an open period's next review is review 1.
    #[test]
    fn next_due_with_no_reviews(start in start_date()) {
        let s = schedule(
            &ScheduleInput::looked_after(start, vec![]),
            &SchedulePolicy::statutory(),
            &CAL,
        )
        .unwrap();
        let next = s.next_due.unwrap();
        prop_assert_eq!(Ok(next.date), CAL.add_working_days(start, 20));
        prop_assert_eq!(next.rule.code(), "first_review");
        prop_assert_eq!(s.next_statutory_due, Some(next));
    }

    /// The next due date of an open period is what review n+1's due would be.
    #[test]
    fn next_due_is_the_next_reviews_due((start, reviews) in period(), extra in 1u32..400) {
        let s = schedule(
            &ScheduleInput::looked_after(start, reviews.clone()),
            &SchedulePolicy::statutory(),
            &CAL,
        )
        .unwrap();
        let last = reviews.last().copied().unwrap_or(start);
        let next_date = last + Days::new(u64::from(extra));
        if next_date > LAST {
            return Ok(());
        }
        let mut more = reviews.clone();
        more.push(next_date);
        let s2 = schedule(&ScheduleInput::looked_after(start, more), &SchedulePolicy::statutory(), &CAL)
            .unwrap();
        prop_assert_eq!(s2.reviews.last().unwrap().due, s.next_due.map(|d| d.date));
        prop_assert_eq!(&s2.reviews[..reviews.len()], &s.reviews[..]);
    }

    /// Local rules only ever bring a due date forward, and the schedule
    /// never panics whatever it is given.
    #[test]
    fn never_panics_and_locals_only_bring_dues_forward(
        start_off in 0u32..5200,
        end_off in prop::option::of(0u32..5200),
        review_offs in prop::collection::vec(0u32..5200, 0..8),
        move_offs in prop::collection::vec(0u32..5200, 0..4),
        spans in prop::collection::vec((0u32..5200, prop::option::of(0u32..5200)), 0..3),
        authority in prop::option::of(0u32..5200),
        placed in prop::option::of(0u32..5200),
        known_from in prop::option::of(0u32..5200),
        short_breaks in any::<bool>(),
        first_calendar_days in any::<bool>(),
        fixed in any::<bool>(),
        unregistered in prop::option::of(1u32..4),
        post_move in prop::option::of((any::<bool>(), 1u32..40, any::<bool>())),
        adoption in any::<bool>(),
    ) {
        // Offsets reach a little before 2015 and after 2027 on purpose.
        let at = |o: u32| day(0) - Days::new(100) + Days::new(u64::from(o));
        let input = ScheduleInput {
            kind: if short_breaks { PeriodKind::ShortBreaks } else { PeriodKind::LookedAfter },
            period_start: at(start_off),
            period_end: end_off.map(at),
            reviews: review_offs.into_iter().map(at).collect(),
            placement_moves: move_offs.into_iter().map(at).collect(),
            unregistered_spans: spans.into_iter().map(|(f, t)| (at(f), t.map(at))).collect(),
            adoption_authority: authority.map(at),
            placed_for_adoption: placed.map(at),
            reviews_known_from: known_from.map(at),
            date_changes: Vec::new(),
        };
        let policy = SchedulePolicy {
            first_review: if first_calendar_days {
                Within::CalendarDays(28)
            } else {
                Within::WorkingDays(20)
            },
            counting: if fixed {
                IntervalCounting::FixedDays { second: 91, later: 183 }
            } else {
                IntervalCounting::CalendarMonths
            },
            unregistered_monthly: unregistered.map(|interval_months| UnregisteredRule { interval_months }),
            post_move_review: post_move.map(|(wd, n, restart)| PostMoveRule {
                within: if wd { Within::WorkingDays(n) } else { Within::CalendarDays(n) },
                restart,
            }),
            adoption,
            ..SchedulePolicy::default()
        };
        if let Ok(s) = schedule(&input, &policy, &CAL) {
            let mut prev = None;
            for r in &s.reviews {
                prop_assert!(prev.is_none_or(|p| p <= r.date));
                prev = Some(r.date);
                match (r.statutory_due, r.due) {
                    (Some(stat), Some(due)) => {
                        prop_assert!(due <= stat);
                        prop_assert!(r.in_time_local != Some(true) || r.in_time == Some(true));
                        prop_assert_eq!(r.rule.is_local(), due < stat);
                    }
                    (None, None) => prop_assert_eq!(r.rule.code(), "unknown"),
                    other => prop_assert!(false, "statutory/due mismatch {:?}", other),
                }
                let _ = r.rule.to_string();
            }
            if input.period_end.is_some() {
                prop_assert!(s.next_due.is_none());
            }
            if let (Some(next), Some(stat)) = (s.next_due, s.next_statutory_due) {
                prop_assert!(next.date <= stat.date);
            }
            let _ = serde_json::to_string(&s).unwrap();
        }
    }

    /// Working-day arithmetic agrees with itself.
    #[test]
    fn working_day_arithmetic(a in start_date(), n in 0u32..240) {
        let b = CAL.add_working_days(a, n).unwrap();
        prop_assert_eq!(CAL.working_days_between(a, b), Ok(i64::from(n)));
        prop_assert_eq!(CAL.working_days_between(b, a), Ok(-i64::from(n)));
        if n > 0 {
            prop_assert_eq!(CAL.is_working_day(b), Ok(true));
            prop_assert_eq!(CAL.working_days_between(a, b - Days::new(1)), Ok(i64::from(n) - 1));
        }
    }
}
