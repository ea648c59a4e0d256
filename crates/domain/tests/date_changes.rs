//! An approved change of review date moves the council's due date of the
//! review it was asked for, and never the statutory one.

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::model::DateChangeReason;
use footprint_domain::schedule::{
    ApprovedDateChange, DueRule, ScheduleInput, SchedulePolicy, schedule,
};
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn change(requested_on: &str, date: &str) -> ApprovedDateChange {
    ApprovedDateChange {
        requested_on: d(requested_on),
        date: d(date),
        reason: DateChangeReason::COURT,
    }
}

#[test]
fn the_next_review_moves_to_the_approved_date_with_its_reason() {
    let calendar = WorkingDayCalendar::england_and_wales();
    let policy = SchedulePolicy::statutory();
    // Looked after from 2 Sep 2024, reviews 20 Sep and 10 Dec 2024: the
    // next is due 10 Jun 2025.
    let mut input =
        ScheduleInput::looked_after(d("2024-09-02"), vec![d("2024-09-20"), d("2024-12-10")]);
    let before = schedule(&input, &policy, &calendar).expect("schedule");
    assert_eq!(before.next_due.map(|x| x.date), Some(d("2025-06-10")));

    // A change asked for before the last review was for that review: it
    // does not move the next one.
    input.date_changes = vec![change("2024-11-01", "2024-12-20")];
    let s = schedule(&input, &policy, &calendar).expect("schedule");
    assert_eq!(s.next_due.map(|x| x.date), Some(d("2025-06-10")));
    // It moved review 2's council due date, not its statutory one.
    assert_eq!(s.reviews[1].due, Some(d("2024-12-20")));
    assert_eq!(s.reviews[1].statutory_due, before.reviews[1].statutory_due);
    assert_eq!(s.reviews[1].in_time, before.reviews[1].in_time);

    // Asked for after the last review: the next review moves, later or
    // earlier, and the rule says why.
    input.date_changes = vec![change("2025-03-12", "2025-06-30")];
    let s = schedule(&input, &policy, &calendar).expect("schedule");
    let next = s.next_due.expect("next");
    assert_eq!(next.date, d("2025-06-30"));
    assert!(matches!(next.rule, DueRule::DateChanged { .. }));
    assert!(next.rule.to_string().contains("Court timetable"));
    // The reason is a key of the council's list: the rule names it as the
    // list does, a renamed reason by its new name; without the list, by
    // the default label, or by the key for a reason of the council's own.
    let mut reasons = footprint_domain::lists::FormList::DateChangeReasons.default_list();
    assert_eq!(next.rule.text(&reasons), next.rule.to_string());
    reasons
        .0
        .iter_mut()
        .filter(|e| e.key == "court")
        .for_each(|e| e.label = "The court moved the hearing".into());
    let text = next.rule.text(&reasons);
    assert!(text.ends_with(": The court moved the hearing"), "{text}");
    assert!(text.contains("12/03/2025"), "{text}");
    let snow = DateChangeReason::from_key("heavy_snow").expect("a key");
    input.date_changes = vec![ApprovedDateChange {
        reason: snow,
        ..change("2025-03-12", "2025-06-30")
    }];
    let by_key = schedule(&input, &policy, &calendar)
        .expect("schedule")
        .next_due
        .expect("next");
    assert!(by_key.rule.to_string().ends_with(": heavy_snow"));
    let mine = footprint_domain::lists::CouncilList::of(&[("heavy_snow", "Heavy snow")]);
    assert!(by_key.rule.text(&mine).ends_with(": Heavy snow"));
    assert_eq!(
        s.next_statutory_due.map(|x| x.date),
        Some(d("2025-06-10")),
        "the statutory date stays"
    );
    // The latest request wins.
    input.date_changes = vec![
        change("2025-03-12", "2025-06-30"),
        change("2025-03-20", "2025-06-01"),
    ];
    let s = schedule(&input, &policy, &calendar).expect("schedule");
    assert_eq!(s.next_due.map(|x| x.date), Some(d("2025-06-01")));
}

proptest! {
    /// Whatever changes are approved, the statutory due dates and the
    /// statutory in-time judgements are those of the schedule without them.
    #[test]
    fn approved_changes_never_move_the_statutory_judgement(
        reviews in prop::collection::vec(0u64..900, 0..5),
        changes in prop::collection::vec((0u64..900, 0u64..1000), 0..4),
    ) {
        let calendar = WorkingDayCalendar::england_and_wales();
        let policy = SchedulePolicy::statutory();
        let start = d("2022-01-10");
        let at = |n: u64| start + chrono::Days::new(n);
        let mut input = ScheduleInput::looked_after(start, reviews.iter().map(|&n| at(n)).collect());
        let plain = schedule(&input, &policy, &calendar).expect("schedule");
        input.date_changes = changes
            .iter()
            .map(|&(r, p)| ApprovedDateChange { requested_on: at(r), date: at(p), reason: DateChangeReason::OTHER })
            .collect();
        let changed = schedule(&input, &policy, &calendar).expect("schedule");
        prop_assert_eq!(plain.reviews.len(), changed.reviews.len());
        for (a, b) in plain.reviews.iter().zip(&changed.reviews) {
            prop_assert_eq!(a.statutory_due, b.statutory_due);
            prop_assert_eq!(a.in_time, b.in_time);
        }
        prop_assert_eq!(plain.next_statutory_due, changed.next_statutory_due);
    }
}
