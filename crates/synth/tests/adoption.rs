//! Children placed for adoption are reviewed to the adoption timetable (a
//! local rule on by default: within 28 days of placement, then 3 months,
//! then 6), as a council's IROs would, so the demo's caseloads do not show
//! them overdue by that rule while the council is in time by the statute.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::periods::assemble_periods;
use footprint_domain::schedule::{SchedulePolicy, schedule};
use footprint_synth::{CouncilParams, generate};

#[test]
fn reviews_of_children_placed_for_adoption_follow_the_adoption_timetable() {
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let data = generate(&CouncilParams::new(400, 3, 5, as_of)).unwrap();
    let calendar = WorkingDayCalendar::england_and_wales();
    let policy = SchedulePolicy::statutory();
    assert!(policy.adoption, "the adoption timetable is on by default");

    let mut episodes: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for e in &data.episodes {
        episodes.entry(e.child.clone()).or_default().push(e.clone());
    }
    let mut reviews: BTreeMap<_, Vec<NaiveDate>> = BTreeMap::new();
    for r in &data.reviews {
        reviews.entry(r.child.clone()).or_default().push(r.date);
    }
    let (mut judged, mut late_locally) = (0, 0);
    for (child, eps) in &episodes {
        for period in assemble_periods(eps).periods {
            let input = period.schedule_input(
                reviews.get(child).map_or(&[][..], Vec::as_slice),
                &policy,
                data.reviews_known_from,
            );
            if input.placed_for_adoption.is_none() {
                continue;
            }
            let s = schedule(&input, &policy, &calendar).unwrap();
            for r in s
                .reviews
                .iter()
                .filter(|r| r.rule.code().starts_with("adoption"))
            {
                if let Some(in_time) = r.in_time_local {
                    judged += 1;
                    if !in_time {
                        late_locally += 1;
                    }
                }
            }
        }
    }
    assert!(judged >= 10, "{judged} adoption-timetable reviews to judge");
    let share = f64::from(late_locally) / f64::from(judged);
    assert!(
        share < 0.15,
        "{late_locally} of {judged} reviews late by the adoption timetable"
    );
}
