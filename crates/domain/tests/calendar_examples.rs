//! Real cases for the working-day calendar and the date rules.

use chrono::NaiveDate;
use footprint_domain::calendar::{CalendarError, WorkingDayCalendar};
use footprint_domain::dates::add_months;
use footprint_domain::schedule::{IntervalCounting, ScheduleInput, SchedulePolicy, schedule};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cal() -> WorkingDayCalendar {
    WorkingDayCalendar::england_and_wales()
}

#[test]
fn first_review_over_christmas_2022() {
    // Looked after Fri 16 Dec 2022: 26, 27 Dec and 2 Jan are bank holidays.
    assert_eq!(
        cal().add_working_days(d(2022, 12, 16), 20),
        Ok(d(2023, 1, 18))
    );
    assert_eq!(
        cal().working_days_between(d(2022, 12, 16), d(2023, 1, 18)),
        Ok(20)
    );
    for holiday in [d(2022, 12, 26), d(2022, 12, 27), d(2023, 1, 2)] {
        assert_eq!(cal().is_working_day(holiday), Ok(false), "{holiday}");
    }
}

#[test]
fn six_months_from_the_end_of_august() {
    assert_eq!(add_months(d(2021, 8, 31), 6), d(2022, 2, 28));
    // As review k >= 3 in a schedule.
    let input = ScheduleInput::looked_after(
        d(2021, 1, 4),
        vec![d(2021, 1, 20), d(2021, 4, 20), d(2021, 8, 31)],
    );
    let s = schedule(&input, &SchedulePolicy::statutory(), &cal()).unwrap();
    assert_eq!(s.next_due.unwrap().date, d(2022, 2, 28));
}

#[test]
fn ve_day_2020_moved_the_early_may_holiday() {
    assert_eq!(cal().is_working_day(d(2020, 5, 4)), Ok(true));
    assert_eq!(cal().is_working_day(d(2020, 5, 8)), Ok(false));
    // Thu 7 May 2020 + 1 working day skips Fri 8 May and the weekend.
    assert_eq!(cal().add_working_days(d(2020, 5, 7), 1), Ok(d(2020, 5, 11)));
}

#[test]
fn the_extra_holidays_of_2022() {
    for holiday in [d(2022, 6, 2), d(2022, 6, 3), d(2022, 9, 19)] {
        assert_eq!(cal().is_working_day(holiday), Ok(false), "{holiday}");
    }
    // The spring holiday moved from Mon 30 May.
    assert_eq!(cal().is_working_day(d(2022, 5, 30)), Ok(true));
    // 2022 has 10 bank holidays, 2023 has 9.
    let count = |y| {
        cal()
            .holidays()
            .filter(|h| chrono::Datelike::year(&h.date) == y)
            .count()
    };
    assert_eq!(count(2022), 10);
    assert_eq!(count(2023), 9);
    // Weekends are never working days.
    assert_eq!(cal().is_working_day(d(2022, 6, 4)), Ok(false));
}

#[test]
fn dates_outside_the_calendar_are_errors() {
    let outside = |date| CalendarError::OutsideCoverage {
        date,
        first_year: 2015,
        last_year: 2027,
    };
    assert_eq!(
        cal().is_working_day(d(2014, 12, 31)),
        Err(outside(d(2014, 12, 31)))
    );
    assert_eq!(
        cal().add_working_days(d(2014, 12, 31), 1),
        Err(outside(d(2014, 12, 31)))
    );
    assert_eq!(
        cal().is_working_day(d(2028, 1, 4)),
        Err(outside(d(2028, 1, 4)))
    );
    assert!(
        cal()
            .working_days_between(d(2027, 12, 1), d(2028, 1, 10))
            .is_err()
    );
    // A walk that would cross 31 Dec 2027.
    assert_eq!(
        cal().add_working_days(d(2027, 12, 20), 20),
        Err(outside(d(2028, 1, 1)))
    );
    // ... but one that ends on the last working day is fine: Fri 31 Dec 2027.
    assert_eq!(
        cal().add_working_days(d(2027, 12, 30), 1),
        Ok(d(2027, 12, 31))
    );
    let e = cal().is_working_day(d(2014, 12, 31)).unwrap_err();
    assert!(e.to_string().contains("2014-12-31"), "{e}");
    assert!(e.to_string().contains("2015 to 2027"), "{e}");
}

#[test]
fn working_days_between_counts_after_a_up_to_b() {
    // Fri 16 Dec 2022 to Fri 23 Dec 2022: 19, 20, 21, 22, 23.
    assert_eq!(
        cal().working_days_between(d(2022, 12, 16), d(2022, 12, 23)),
        Ok(5)
    );
    assert_eq!(
        cal().working_days_between(d(2022, 12, 23), d(2022, 12, 16)),
        Ok(-5)
    );
    assert_eq!(
        cal().working_days_between(d(2022, 12, 16), d(2022, 12, 16)),
        Ok(0)
    );
    // Sat to Sun: none.
    assert_eq!(
        cal().working_days_between(d(2022, 12, 17), d(2022, 12, 18)),
        Ok(0)
    );
}

const GOVUK_SNIPPET: &str = r#"{
  "england-and-wales": {
    "division": "england-and-wales",
    "events": [
      {"title": "Christmas Day", "date": "2027-12-27", "notes": "Substitute day", "bunting": true},
      {"title": "New Year’s Day", "date": "2028-01-03", "notes": "Substitute day", "bunting": true},
      {"title": "Good Friday", "date": "2028-04-14", "notes": "", "bunting": false},
      {"title": "Easter Monday", "date": "2028-04-17", "notes": "", "bunting": true}
    ]
  },
  "scotland": {
    "division": "scotland",
    "events": [{"title": "2nd January", "date": "2028-01-04", "notes": "", "bunting": true}]
  },
  "northern-ireland": {"division": "northern-ireland", "events": []}
}"#;

#[test]
fn merging_govuk_json_extends_coverage() {
    let mut c = cal();
    let summary = c.merge_govuk_json(GOVUK_SNIPPET).unwrap();
    assert_eq!(summary.added, 3);
    assert_eq!(summary.unchanged, 1);
    assert_eq!(
        summary.added_dates,
        vec![d(2028, 1, 3), d(2028, 4, 14), d(2028, 4, 17)]
    );
    assert_eq!((summary.first_year, summary.last_year), (2015, 2028));
    assert_eq!((c.first_year(), c.last_year()), (2015, 2028));
    assert_eq!(c.len(), 110);
    // The existing title is kept; the new ones are stored with theirs.
    assert_eq!(
        c.holiday(d(2027, 12, 27)),
        Some("Christmas Day (substitute day)")
    );
    assert_eq!(c.holiday(d(2028, 1, 3)), Some("New Year’s Day"));
    // Scotland's 2 January is not a holiday here.
    assert_eq!(c.is_working_day(d(2028, 1, 4)), Ok(true));
    assert_eq!(c.is_working_day(d(2028, 1, 3)), Ok(false));
    // The walk across the year end now works.
    // Fri 24 Dec 2027: 29, 30, 31 Dec, (3 Jan holiday), 4 Jan 2028.
    assert_eq!(c.add_working_days(d(2027, 12, 24), 4), Ok(d(2028, 1, 4)));
    // And the CSV written back reads the same.
    let csv = c.to_csv();
    assert!(
        csv.contains("2028-01-03,Mon,New Year’s Day,substitute\n"),
        "{csv}"
    );
    assert_eq!(WorkingDayCalendar::from_csv(&csv).unwrap(), c);
    // Merging again adds nothing.
    assert_eq!(c.merge_govuk_json(GOVUK_SNIPPET).unwrap().added, 0);
}

#[test]
fn merge_errors_leave_the_calendar_unchanged() {
    let mut c = cal();
    assert!(matches!(
        c.merge_govuk_json("not json"),
        Err(CalendarError::Json(_))
    ));
    assert!(matches!(
        c.merge_govuk_json(r#"{"scotland": {"division": "scotland", "events": []}}"#),
        Err(CalendarError::Json(m)) if m.contains("england-and-wales")
    ));
    let bad = r#"{"england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "Good Friday", "date": "2028-04-14", "notes": "", "bunting": false},
        {"title": "Oops", "date": "14/04/2028", "notes": "", "bunting": false}]}}"#;
    let e = c.merge_govuk_json(bad).unwrap_err();
    assert!(
        matches!(&e, CalendarError::JsonEvent { index: 1, value, .. } if value == "14/04/2028"),
        "{e:?}"
    );
    // A holiday in 2030 alone would leave 2028 and 2029 with none.
    let gap = r#"{"england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "New Year’s Day", "date": "2030-01-01", "notes": "", "bunting": true}]}}"#;
    assert!(matches!(
        c.merge_govuk_json(gap),
        Err(CalendarError::MissingYear { year: 2028, .. })
    ));
    assert_eq!(c, cal());
    assert_eq!(c.last_year(), 2027);
}

#[test]
fn csv_errors_name_the_line_and_value() {
    let text = "date,weekday,title,special\n\
                2015-01-01,Thu,New Year's Day,\n\
                2015-13-03,Fri,Good Friday,\n";
    let e = WorkingDayCalendar::from_csv(text).unwrap_err();
    assert!(
        matches!(&e, CalendarError::Csv { line: 3, value, .. } if value == "2015-13-03"),
        "{e:?}"
    );
    assert!(e.to_string().contains("line 3"), "{e}");
    assert!(e.to_string().contains("2015-13-03"), "{e}");

    let text = "date,weekday,title,special\n2015-01-01,Fri,New Year's Day,\n";
    let e = WorkingDayCalendar::from_csv(text).unwrap_err();
    assert!(
        matches!(&e, CalendarError::Csv { line: 2, value, .. } if value == "Fri"),
        "{e:?}"
    );
    assert!(e.to_string().contains("is a Thu"), "{e}");

    let text = "date,weekday,title,special\n2015-01-01,Thu,New Year's Day\n";
    let e = WorkingDayCalendar::from_csv(text).unwrap_err();
    assert!(matches!(e, CalendarError::Csv { line: 2, .. }), "{e:?}");

    let text = "when,title\n2015-01-01,New Year's Day\n";
    let e = WorkingDayCalendar::from_csv(text).unwrap_err();
    assert!(matches!(e, CalendarError::Csv { line: 1, .. }), "{e:?}");

    let text = "date,weekday,title,special\n2015-01-01,Thu,A,\n2015-01-01,Thu,B,\n";
    let e = WorkingDayCalendar::from_csv(text).unwrap_err();
    assert!(e.to_string().contains("twice"), "{e}");

    assert_eq!(
        WorkingDayCalendar::from_csv("date,weekday,title,special\n").unwrap_err(),
        CalendarError::Empty
    );
    assert_eq!(
        WorkingDayCalendar::from_csv("").unwrap_err(),
        CalendarError::Empty
    );

    // Windows line endings and a byte-order mark are fine.
    let text = "\u{feff}date,weekday,title,special\r\n2015-01-01,Thu,New Year's Day,\r\n";
    let c = WorkingDayCalendar::from_csv(text).unwrap();
    assert_eq!((c.first_year(), c.last_year()), (2015, 2015));
}

#[test]
fn fixed_days_against_the_statute() {
    // 30 Nov 2021 + 91 days = 1 Mar 2022; the statute says 28 Feb 2022.
    assert_eq!(add_months(d(2021, 11, 30), 3), d(2022, 2, 28));
    let input = ScheduleInput::looked_after(d(2021, 11, 1), vec![d(2021, 11, 30)]);
    let statutory = schedule(&input, &SchedulePolicy::statutory(), &cal()).unwrap();
    assert_eq!(statutory.next_due.unwrap().date, d(2022, 2, 28));
    let fixed = SchedulePolicy {
        counting: IntervalCounting::FixedDays {
            second: 91,
            later: 183,
        },
        ..SchedulePolicy::default()
    };
    let s = schedule(&input, &fixed, &cal()).unwrap();
    assert_eq!(s.next_due.unwrap().date, d(2022, 3, 1));
    // 31 Aug 2021 + 183 days = 2 Mar 2022; statute 28 Feb 2022.
    let input = ScheduleInput::looked_after(
        d(2021, 1, 4),
        vec![d(2021, 1, 20), d(2021, 4, 20), d(2021, 8, 31)],
    );
    let s = schedule(&input, &fixed, &cal()).unwrap();
    assert_eq!(s.next_due.unwrap().date, d(2022, 3, 2));
}
