//! Tests of the measures on small hand-built datasets. Each expected figure
//! is worked out by hand in the comment beside it. Reporting year 2021-22
//! (1 April 2021 – 31 March 2022) throughout.

use chrono::NaiveDate;

use super::*;
use crate::codes::*;
use crate::model::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> ChildId {
    s.parse().unwrap()
}

fn child(c: &str, dob: NaiveDate, sex: Sex, eth: Ethnicity) -> Child {
    Child {
        id: id(c),
        sex,
        date_of_birth: dob,
        ethnicity: eth,
        upn: None,
        mother: None,
        mothers_child_dob: None,
        uasc: None,
        name: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn ep(
    c: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    rne: &str,
    ls: &str,
    place: &str,
    rec: Option<&str>,
) -> Episode {
    Episode {
        child: id(c),
        start,
        end,
        reason_new: rne.parse().unwrap(),
        legal_status: ls.parse().unwrap(),
        category_of_need: None,
        placement: place.parse().unwrap(),
        provider: None,
        reason_ceased: rec.map(|r| r.parse().unwrap()),
        reason_place_change: None,
        home_postcode: None,
        placement_postcode: None,
        urn: None,
    }
}

fn review(c: &str, date: NaiveDate, pn: Option<&str>) -> Review {
    Review {
        child: id(c),
        date,
        participation: pn.map(|p| p.parse().unwrap()),
        details: None,
    }
}

fn year() -> CollectionYear {
    CollectionYear::new(2021)
}

fn run(data: &Dataset) -> Measures {
    compute(
        data,
        year(),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    )
}

fn kids(m: &Measures, id_: &str) -> Vec<String> {
    m.cell(id_, &[])
        .unwrap()
        .children
        .iter()
        .map(|c| c.to_string())
        .collect()
}

fn bd(m: &Measures, id_: &str, key: &str) -> u64 {
    m.breakdown(id_)
        .unwrap_or_else(|| panic!("{id_}"))
        .value(key)
}

/// The care dataset:
/// - A (boy, 2010-06-01, WBRI): C2/U4 since 10/01/2019, open.
/// - B (girl, 2020-05-01, BAFR): S V2/U6 on 1 April 2021 (a start on the
///   year's first day), X1 on 01/09/2021; P C1/U4 from then, ceased E4A on
///   31 March 2022 (not looked after on 31 March).
/// - C (girl, 2005-03-01): V2/K2 20/06/2020 – 31/03/2021 E8 (left on the
///   previous 31 March: not in `cla.start`, not ceased this year).
/// - D: a short-breaks child (V3) in May 2021.
/// - E (girl, 2019-01-01, WBRI, UASC): S E1/A4 on 01/10/2021, open.
fn care_data() -> Dataset {
    let mut e = child("E", d(2019, 1, 1), Sex::Female, Ethnicity::WBRI);
    e.uasc = Some(UascStatus { ceased: None });
    Dataset {
        children: vec![
            child("A", d(2010, 6, 1), Sex::Male, Ethnicity::WBRI),
            child("B", d(2020, 5, 1), Sex::Female, Ethnicity::BAFR),
            child("C", d(2005, 3, 1), Sex::Female, Ethnicity::WBRI),
            child("D", d(2012, 1, 1), Sex::Male, Ethnicity::WBRI),
            e,
        ],
        episodes: vec![
            ep("A", d(2019, 1, 10), None, "S", "C2", "U4", None),
            ep(
                "B",
                d(2021, 4, 1),
                Some(d(2021, 9, 1)),
                "S",
                "V2",
                "U6",
                Some("X1"),
            ),
            ep(
                "B",
                d(2021, 9, 1),
                Some(d(2022, 3, 31)),
                "P",
                "C1",
                "U4",
                Some("E4A"),
            ),
            ep(
                "C",
                d(2020, 6, 20),
                Some(d(2021, 3, 31)),
                "S",
                "V2",
                "K2",
                Some("E8"),
            ),
            ep(
                "D",
                d(2021, 5, 1),
                Some(d(2021, 5, 3)),
                "S",
                "V3",
                "U6",
                Some("E4A"),
            ),
            ep("E", d(2021, 10, 1), None, "S", "E1", "A4", None),
        ],
        reviews_known_from: Some(d(2021, 4, 1)),
        ..Dataset::default()
    }
}

#[test]
fn cla_start_and_end_respect_31_march_leavers() {
    let m = run(&care_data());
    // 31/03/2021: A only (C's episode ended that day, B not yet started).
    assert_eq!(kids(&m, "cla.start"), ["A"]);
    // 31/03/2022: A and E (B left on 31 March; D is short breaks).
    assert_eq!(kids(&m, "cla.end"), ["A", "E"]);
    assert!(
        m.get("cla.rate_per_10k.end").is_none(),
        "no population, no rate"
    );
}

#[test]
fn cla_by_month_counts_month_ends() {
    let m = run(&care_data());
    let g = m.grid("cla.by_month").unwrap();
    let v: Vec<u64> = g
        .rows
        .iter()
        .map(|(_, b)| b.value("looked_after"))
        .collect();
    // Apr–Sep: A, B = 2; Oct–Feb: A, B, E = 3; 31 Mar: A, E = 2.
    assert_eq!(v, [2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 2]);
    assert_eq!(g.rows[0].0, "2021-04");
    assert_eq!(g.rows[11].0, "2022-03");
}

#[test]
fn rate_per_10k_uses_population() {
    let settings = MeasureSettings {
        population_0_17: Some(40_000),
        ..MeasureSettings::default()
    };
    let m = compute(
        &care_data(),
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    let Some(Measure::Rate(r)) = m.get("cla.rate_per_10k.end") else {
        panic!("rate missing")
    };
    // 2 ÷ 40,000 × 10,000 = 0.5.
    assert_eq!(r.per_10k(), Some(0.5));
}

/// `cla.rate_per_10k.by_month`: each month's children in care (A, B, then
/// E from October, A and E on 31 March) per 10,000 of the year's 0–17
/// population, the count the same children as `cla.by_month`'s; a period
/// over two years uses each month's own year, and without a population for
/// every month there is no series.
#[test]
fn rate_per_10k_by_month_uses_each_months_population() {
    let own: CollectionYear = "2021-22".parse().unwrap();
    let settings = MeasureSettings {
        population_0_17_by_year: [(own, 20_000)].into_iter().collect(),
        ..MeasureSettings::default()
    };
    let calendar = WorkingDayCalendar::england_and_wales();
    let m = compute(&care_data(), year(), &settings, &calendar);
    let Some(Measure::MonthRates(v)) = m.get("cla.rate_per_10k.by_month") else {
        panic!("no monthly rate: {:?}", m.get("cla.rate_per_10k.by_month"))
    };
    let rates: Vec<Option<f64>> = v.iter().map(|(_, r)| r.per_10k()).collect();
    // 2 ÷ 20,000 × 10,000 = 1; 3 → 1.5.
    let expected: Vec<Option<f64>> = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5, 1.5, 1.5, 1.5, 1.5, 1.0]
        .into_iter()
        .map(Some)
        .collect();
    assert_eq!(rates, expected);
    assert_eq!(v[0].0, "2021-04");
    assert_eq!(v[11].0, "2022-03");
    assert!(v.iter().all(|(_, r)| r.population_year == Some(own)));
    let by_month = m.grid("cla.by_month").unwrap();
    for ((month, r), (key, b)) in v.iter().zip(&by_month.rows) {
        assert_eq!(month, key);
        assert_eq!(Some(&r.count), b.get("looked_after"));
    }
    // October 2021 to March 2022 with 2021-22's figure and none for
    // 2022-23: April to September 2022 have none, so no series.
    let over_two = Period {
        first: NaiveDate::from_ymd_opt(2021, 10, 1).unwrap(),
        last: NaiveDate::from_ymd_opt(2022, 9, 30).unwrap(),
    };
    let m = compute_period(&care_data(), over_two, &settings, &calendar);
    assert!(m.get("cla.rate_per_10k.by_month").is_none());
    let with_next = MeasureSettings {
        population_0_17_by_year: [(own, 20_000), (own.next(), 40_000)].into_iter().collect(),
        ..MeasureSettings::default()
    };
    let m = compute_period(&care_data(), over_two, &with_next, &calendar);
    let Some(Measure::MonthRates(v)) = m.get("cla.rate_per_10k.by_month") else {
        panic!("no monthly rate over two years")
    };
    assert_eq!(v.len(), 12);
    assert_eq!(v[5].0, "2022-03");
    assert_eq!(v[5].1.population, 20_000);
    assert_eq!(v[6].0, "2022-04");
    assert_eq!(
        (v[6].1.population, v[6].1.population_year),
        (40_000, Some(own.next()))
    );
    // Without any population, no series.
    let m = compute(&care_data(), year(), &MeasureSettings::default(), &calendar);
    assert!(m.get("cla.rate_per_10k.by_month").is_none());
}

/// Each rate uses the 0–17 population of its own day's year: 2021-22 has
/// its own figure, 2020-21 (the day before the year, for the start's rate)
/// has none and takes the one figure for every other year; without that
/// figure the start's rate is not computed at all.
#[test]
fn each_rate_uses_its_own_years_population_else_the_figure_for_every_year() {
    let own: CollectionYear = "2021-22".parse().unwrap();
    let mut settings = MeasureSettings {
        population_0_17: Some(40_000),
        population_0_17_by_year: [(own, 20_000)].into_iter().collect(),
        ..MeasureSettings::default()
    };
    let calendar = WorkingDayCalendar::england_and_wales();
    let m = compute(&care_data(), year(), &settings, &calendar);
    let rate = |m: &Measures, id: &str| match m.get(id) {
        Some(Measure::Rate(r)) => Some((r.per_10k(), r.population, r.population_year)),
        _ => None,
    };
    // cla.end 2 ÷ 20,000 (2021-22's own) × 10,000 = 1.
    assert_eq!(
        rate(&m, "cla.rate_per_10k.end"),
        Some((Some(1.0), 20_000, Some(own)))
    );
    // starts.children 2 (B and E) ÷ 20,000 × 10,000 = 1.
    assert_eq!(
        rate(&m, "starts.rate_per_10k"),
        Some((Some(1.0), 20_000, Some(own)))
    );
    // cla.start 1 (A on 31 March 2021, in 2020-21) ÷ 40,000 × 10,000.
    assert_eq!(
        rate(&m, "cla.rate_per_10k.start"),
        Some((Some(0.25), 40_000, None))
    );
    settings.population_0_17 = None;
    let m = compute(&care_data(), year(), &settings, &calendar);
    assert!(rate(&m, "cla.rate_per_10k.start").is_none());
    assert_eq!(
        rate(&m, "cla.rate_per_10k.end"),
        Some((Some(1.0), 20_000, Some(own)))
    );
    // A setting from before there were figures by year still loads, and
    // means its figure for every year.
    let old: MeasureSettings = serde_json::from_str(r#"{"population_0_17": 50000}"#).unwrap();
    assert_eq!(
        old.population_for(own),
        Some(super::Population {
            population: 50_000,
            year: None
        })
    );
    let by_year: MeasureSettings =
        serde_json::from_str(r#"{"population_0_17_by_year": {"2021-22": 56000}}"#).unwrap();
    assert_eq!(
        by_year.population_for(own).map(|p| p.population),
        Some(56_000)
    );
    assert_eq!(by_year.population_for(own.previous()), None);
    assert!(
        serde_json::from_str::<MeasureSettings>(r#"{"population_0_17_by_year": {"2021": 1}}"#)
            .is_err(),
        "a key that is not a collection year is refused"
    );
}

#[test]
fn starts_include_a_period_starting_on_1_april_and_exclude_short_breaks() {
    let m = run(&care_data());
    // B (1 April 2021) and E (1 October 2021); D's short breaks do not count.
    assert_eq!(m.count("starts.periods"), Some(2));
    assert_eq!(kids(&m, "starts.children"), ["B", "E"]);
    assert_eq!(bd(&m, "starts.by_legal_status", "V2"), 1);
    assert_eq!(bd(&m, "starts.by_legal_status", "E1"), 1);
    assert_eq!(m.breakdown("starts.by_legal_status").unwrap().total(), 2);
    assert_eq!(bd(&m, "starts.by_placement", "U6"), 1);
    assert_eq!(bd(&m, "starts.by_placement", "A4"), 1);
    // B was 0 on 1 April 2021 (born May 2020); E was 2 on 1 October 2021.
    assert_eq!(bd(&m, "starts.by_age_band", "under-1"), 1);
    assert_eq!(bd(&m, "starts.by_age_band", "1-4"), 1);
    assert_eq!(m.breakdown("starts.by_age_band").unwrap().total(), 2);
}

#[test]
fn ceased_counts_periods_ending_in_the_year_by_reason() {
    let m = run(&care_data());
    // B's period ended 31/03/2022 with E4A (its X1 episode end is not a
    // cessation); C's ended 31/03/2021, the year before.
    assert_eq!(kids(&m, "ceased.total"), ["B"]);
    assert_eq!(bd(&m, "ceased.by_reason", "E4A"), 1);
    assert_eq!(bd(&m, "ceased.by_reason", "E8"), 0);
    assert!(m.breakdown("ceased.by_reason").unwrap().get("X1").is_none());
}

#[test]
fn profile_on_31_march() {
    let m = run(&care_data());
    let g = m.grid("profile.end.by_age_band_sex").unwrap();
    // A: 11 on 31/03/2022, male → 10-15 M. E: 3, female → 1-4 F.
    assert_eq!(g.get("10-15").unwrap().value("M"), 1);
    assert_eq!(g.get("1-4").unwrap().value("F"), 1);
    assert_eq!(g.total(), 2);
    assert_eq!(bd(&m, "profile.end.by_legal_status", "C2"), 1);
    assert_eq!(bd(&m, "profile.end.by_legal_status", "E1"), 1);
    assert_eq!(bd(&m, "profile.end.by_placement", "U4"), 1);
    assert_eq!(bd(&m, "profile.end.by_placement", "A4"), 1);
    assert_eq!(bd(&m, "profile.end.by_ethnicity", "WBRI"), 2);
    assert_eq!(kids(&m, "profile.end.uasc"), ["E"]);
    assert_eq!(kids(&m, "short_breaks.children"), ["D"]);
    // Placement codes not used in 2021-22 (K3 from 2024) are not listed.
    assert!(
        m.breakdown("profile.end.by_placement")
            .unwrap()
            .get("K3")
            .is_none()
    );
}

/// Reviews on the care dataset (data held from 1 April 2021):
/// - B (period from Thu 1 April 2021): review 1 due by 20 working days
///   after 1 April = Tue 4 May 2021 (2 and 5 April Easter, 3 May bank
///   holiday): held 29/04 (PN1) in time. Review 2 due 29/07/2021: held
///   02/08 (PN5) late. Review 3 due 02/02/2022: held 10/01/2022 (PN7) in
///   time.
/// - A (period from 2019, before the data): first review in the data
///   15/06/2021 (PN4) unknown; it was not within 20 working days of the
///   start, so the next is due 6 months later, 15/12/2021: held 20/12/2021
///   (PN2) late. Next due 20/06/2022: not overdue.
/// - E (period from Fri 1 October 2021): review 1 due 29/10/2021, held
///   20/10 (no code) in time; review 2 due 20/01/2022 not held by 31 March:
///   overdue.
/// - D's review (short breaks) is excluded; C's review on 01/06/2021, after
///   C left care, is unmatched.
fn review_data() -> Dataset {
    let mut data = care_data();
    data.reviews = vec![
        review("B", d(2021, 4, 29), Some("PN1")),
        review("B", d(2021, 8, 2), Some("PN5")),
        review("B", d(2022, 1, 10), Some("PN7")),
        review("A", d(2021, 6, 15), Some("PN4")),
        review("A", d(2021, 12, 20), Some("PN2")),
        review("E", d(2021, 10, 20), None),
        review("D", d(2021, 5, 2), Some("PN1")),
        review("C", d(2021, 6, 1), Some("PN1")),
    ];
    data
}

#[test]
fn reviews_timeliness_with_data_held_from() {
    let m = run(&review_data());
    // Held: B×3, A×2, E×1 = 6. In time: B1, B3, E1. Late: B2, A2. Unknown: A1.
    assert_eq!(m.count("reviews.held"), Some(6));
    assert_eq!(m.count("reviews.in_time"), Some(3));
    assert_eq!(m.count("reviews.late"), Some(2));
    assert_eq!(m.count("reviews.timeliness_unknown"), Some(1));
    assert_eq!(kids(&m, "reviews.timeliness_unknown"), ["A"]);
    // 3 ÷ (3 + 2) = 60%.
    assert_eq!(
        m.percent("reviews.in_time_pct").unwrap().value(),
        Some(60.0)
    );
    assert_eq!(kids(&m, "reviews.children"), ["A", "B", "E"]);
    assert_eq!(kids(&m, "reviews.overdue.end"), ["E"]);
    // C's review after leaving care: unmatched, listed; D's: excluded only.
    assert_eq!(kids(&m, "reviews.unmatched"), ["C"]);
    assert_eq!(m.unmatched_reviews.len(), 1);
    assert_eq!(m.unmatched_reviews[0].date, d(2021, 6, 1));
}

#[test]
fn without_data_held_from_the_first_review_is_judged() {
    let mut data = review_data();
    data.reviews_known_from = None;
    let m = run(&data);
    // A's 15/06/2021 is now review 1 of a period from 10/01/2019: late; its
    // second (20/12/2021) was due 15/09/2021: late. Unknown: none.
    assert_eq!(m.count("reviews.timeliness_unknown"), Some(0));
    assert_eq!(m.count("reviews.late"), Some(3));
    assert_eq!(m.count("reviews.in_time"), Some(3));
}

#[test]
fn late_reviews_by_reason_sum_to_the_late_reviews() {
    let mut data = review_data();
    let with_reason = |r: &mut Review, reason: LateReason| {
        r.details = Some(ReviewDetails {
            late_reason: reason.held(),
            ..ReviewDetails::default()
        });
    };
    for r in &mut data.reviews {
        match (r.child.as_str(), r.date) {
            // B2 (late): a court hearing.
            ("B", date) if date == d(2021, 8, 2) => with_reason(r, LateReason::CourtHearing),
            // B1 (in time): a reason recorded anyway is not counted.
            ("B", date) if date == d(2021, 4, 29) => with_reason(r, LateReason::ChildUnwell),
            // A1 (timeliness unknown): not counted either.
            ("A", date) if date == d(2021, 6, 15) => with_reason(r, LateReason::IroCapacity),
            _ => {}
        }
    }
    let m = run(&data);
    let by_reason = m.breakdown("reviews.late_by_reason").unwrap();
    assert_eq!(by_reason.value("court_hearing"), 1);
    assert_eq!(by_reason.value("child_unwell"), 0);
    assert_eq!(by_reason.value("iro_capacity"), 0);
    // A2 (late) has no details: not recorded.
    assert_eq!(by_reason.value("not_recorded"), 1);
    assert_eq!(
        by_reason.get("not_recorded").unwrap().children,
        [id("A")].into_iter().collect()
    );
    assert_eq!(Some(by_reason.total()), m.count("reviews.late"));
    // Every reason is listed (zero or not), in the enum's order, then
    // not_recorded.
    let keys: Vec<&str> = by_reason.keys().collect();
    let mut expected: Vec<&str> = LateReason::ALL.iter().map(|r| r.key()).collect();
    expected.push("not_recorded");
    assert_eq!(keys, expected);

    // Judged from the start of the data, A1 is late too: its reason counts.
    data.reviews_known_from = None;
    let m = run(&data);
    let by_reason = m.breakdown("reviews.late_by_reason").unwrap();
    assert_eq!(by_reason.value("iro_capacity"), 1);
    assert_eq!(by_reason.value("court_hearing"), 1);
    assert_eq!(by_reason.value("not_recorded"), 1);
    assert_eq!(Some(by_reason.total()), m.count("reviews.late"));
}

#[test]
fn late_reviews_are_counted_by_the_councils_list_retired_entries_too() {
    let mut data = review_data();
    for r in &mut data.reviews {
        let reason = match (r.child.as_str(), r.date) {
            // B2 (late): a reason the council has since retired.
            ("B", date) if date == d(2021, 8, 2) => "snow",
            // A2 (late): a key no entry has (an older list).
            ("A", date) if date == d(2021, 12, 20) => "strike",
            _ => continue,
        };
        r.details = Some(ReviewDetails {
            late_reason: Some(reason.to_owned()),
            ..ReviewDetails::default()
        });
    }
    let mut settings = MeasureSettings {
        late_reasons: crate::lists::CouncilList::of(&[
            ("court", "Court hearing"),
            ("snow", "Snow"),
        ]),
        ..MeasureSettings::default()
    };
    settings.late_reasons.0[1].retired = true;
    let m = compute(
        &data,
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    let by_reason = m.breakdown("reviews.late_by_reason").unwrap();
    let keys: Vec<&str> = by_reason.keys().collect();
    assert_eq!(keys, ["court", "snow", "not_recorded", "strike"]);
    assert_eq!(by_reason.value("snow"), 1, "a retired reason still counts");
    assert_eq!(by_reason.value("strike"), 1);
    assert_eq!(by_reason.value("court"), 0);
    assert_eq!(Some(by_reason.total()), m.count("reviews.late"));
}

#[test]
fn reviews_by_month() {
    let m = run(&review_data());
    let g = m.grid("reviews.by_month").unwrap();
    let row = |k: &str| g.get(k).unwrap();
    assert_eq!(row("2021-04").value("in_time"), 1); // B1
    assert_eq!(row("2021-06").value("unknown"), 1); // A1
    assert_eq!(row("2021-08").value("late"), 1); // B2
    assert_eq!(row("2021-10").value("in_time"), 1); // E1
    assert_eq!(row("2021-12").value("late"), 1); // A2
    assert_eq!(row("2022-01").value("in_time"), 1); // B3
    assert_eq!(g.column_total("held"), 6);
    assert_eq!(
        row("2021-05").value("held"),
        0,
        "D's short-break review is excluded"
    );
}

#[test]
fn participation() {
    let m = run(&review_data());
    // PN1 B1, PN5 B2, PN7 B3, PN4 A1, PN2 A2, none E1.
    for (k, v) in [
        ("PN0", 0),
        ("PN1", 1),
        ("PN2", 1),
        ("PN4", 1),
        ("PN5", 1),
        ("PN7", 1),
        ("none", 1),
    ] {
        assert_eq!(bd(&m, "participation.by_code", k), v, "{k}");
    }
    let q = m.grid("participation.by_quarter").unwrap();
    // Q1: B1 (PN1), A1 (PN4); Q2: B2 (PN5); Q3: E1 (none), A2 (PN2); Q4: B3 (PN7).
    assert_eq!(q.get("Q1").unwrap().total(), 2);
    assert_eq!(q.get("Q3").unwrap().value("none"), 1);
    assert_eq!(q.get("Q4").unwrap().value("PN7"), 1);
    // PN1–PN6 = 4 of PN1–PN7 = 5.
    let rate = m.percent("participation.rate").unwrap();
    assert_eq!((rate.numerator.value, rate.denominator.value), (4, 5));
    assert_eq!(m.count("participation.attended"), Some(3)); // PN1, PN2, PN4
    assert_eq!(m.count("participation.spoke_for_self"), Some(1));
}

/// Stability: every child looked after on 31/03/2022.
/// - F (born 2012): C2/U4 from 2018 (open on 1 April), P to U6 01/05/2021,
///   a T1 hospital stay 01/06–10/06 then back to the same U6 placement (same
///   PLACE and postcode: not a new placement), B to C2/K2 01/09/2021:
///   3 placements in the year. Current placement from 01/09/2021: not stable.
/// - G (born 2010): U4 since 01/06/2018: 1 placement; stable.
/// - H (born 2012): U4 from 01/01/2019, P to U5 01/01/2021: 1 placement in
///   the year (the U4 one ended before 1 April); current since 2021: not
///   stable.
/// - I (born 2015): U6 from 01/01/2019, P to A6 (placed for adoption)
///   01/09/2020: the adoptive placement plus the one before began on or
///   before 31/03/2020: stable.
/// - J (born 2005-06-01, 16 on 31/03/2022): not in the long-term cohort.
///
/// Cohort (under 16, in care since on or before 30/09/2019): F, G, H, I.
fn stability_data() -> Dataset {
    let mut f2 = ep(
        "F",
        d(2021, 5, 1),
        Some(d(2021, 6, 1)),
        "P",
        "C2",
        "U6",
        Some("X1"),
    );
    f2.placement_postcode = Some("AB1 2CD".into());
    let f3 = ep(
        "F",
        d(2021, 6, 1),
        Some(d(2021, 6, 10)),
        "P",
        "C2",
        "T1",
        Some("X1"),
    );
    let mut f4 = ep(
        "F",
        d(2021, 6, 10),
        Some(d(2021, 9, 1)),
        "P",
        "C2",
        "U6",
        Some("X1"),
    );
    f4.placement_postcode = Some("AB1 2CD".into());
    Dataset {
        children: vec![
            child("F", d(2012, 1, 1), Sex::Male, Ethnicity::WBRI),
            child("G", d(2010, 1, 1), Sex::Male, Ethnicity::WBRI),
            child("H", d(2012, 1, 1), Sex::Female, Ethnicity::WBRI),
            child("I", d(2015, 1, 1), Sex::Female, Ethnicity::WBRI),
            child("J", d(2005, 6, 1), Sex::Male, Ethnicity::WBRI),
        ],
        episodes: vec![
            ep(
                "F",
                d(2018, 1, 1),
                Some(d(2021, 5, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            f2,
            f3,
            f4,
            ep("F", d(2021, 9, 1), None, "B", "C2", "K2", None),
            ep("G", d(2018, 6, 1), None, "S", "C2", "U4", None),
            ep(
                "H",
                d(2019, 1, 1),
                Some(d(2021, 1, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep("H", d(2021, 1, 1), None, "P", "C2", "U5", None),
            ep(
                "I",
                d(2019, 1, 1),
                Some(d(2020, 9, 1)),
                "S",
                "E1",
                "U6",
                Some("X1"),
            ),
            ep("I", d(2020, 9, 1), None, "P", "E1", "A6", None),
            ep("J", d(2015, 1, 1), None, "S", "C2", "U4", None),
        ],
        ..Dataset::default()
    }
}

#[test]
fn placements_ignore_temporary_stays() {
    let data = stability_data();
    let mut problems = Vec::new();
    let care = care::CareIndex::build(&data, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    let f = care.get(&id("F")).unwrap();
    let starts: Vec<NaiveDate> = care::placements(&f.periods[0])
        .iter()
        .map(|p| p.start)
        .collect();
    assert_eq!(starts, [d(2018, 1, 1), d(2021, 5, 1), d(2021, 9, 1)]);
}

#[test]
fn stability() {
    let m = run(&stability_data());
    assert_eq!(kids(&m, "stability.three_plus"), ["F"]);
    let p = m.percent("stability.three_plus_pct").unwrap();
    // 1 of the 5 looked after on 31 March = 20%.
    assert_eq!((p.numerator.value, p.denominator.value), (1, 5));
    assert_eq!(p.value(), Some(20.0));
    assert_eq!(kids(&m, "stability.long_term_cohort"), ["F", "G", "H", "I"]);
    assert_eq!(kids(&m, "stability.long_term"), ["G", "I"]);
}

/// IRO records for K (born 2010): C2/U4 since Mon 06/01/2020, allocated to
/// IRO "iro1" (1.0 FTE). "iro2" (0.5 FTE) left on 01/01/2022.
/// - Review 10/05/2021, chaired by iro1: SW report 03/05 (5 working days
///   before: 4, 5, 6, 7, 10 May); decisions 17/05 (5 working days: in time);
///   record 04/06 (18 working days, 31 May a bank holiday: within 20, not
///   within 15); mother and carer attended; graded good. Seen 20/04/2021.
/// - Review 08/11/2021, chair not recorded: SW report the same day;
///   decisions 22/11 (10 working days: late); record 15/11 (5: within 15);
///   carer attended. Not seen since the previous review.
///
/// The second is K's review 2 in the data, so the next is due 6 months
/// later (08/05/2022): more than 3 months, so a midway check is expected;
/// one was done 01/02/2022. The first's next was due 3 months later: none
/// expected.
fn iro_data() -> Dataset {
    let iro1 = IroId("iro1".into());
    let r1 = Review {
        details: Some(ReviewDetails {
            chair: Some(iro1.clone()),
            attendance: vec![AttendeeRole::Mother, AttendeeRole::Carer],
            social_worker_report: SocialWorkerReport::Received(d(2021, 5, 3)),
            decisions_issued: Some(d(2021, 5, 17)),
            record_circulated: Some(d(2021, 6, 4)),
            quality: Some(QualityGrade::Good),
            ..ReviewDetails::default()
        }),
        ..review("K", d(2021, 5, 10), Some("PN1"))
    };
    let r2 = Review {
        details: Some(ReviewDetails {
            attendance: vec![AttendeeRole::Carer],
            social_worker_report: SocialWorkerReport::Received(d(2021, 11, 8)),
            decisions_issued: Some(d(2021, 11, 22)),
            record_circulated: Some(d(2021, 11, 15)),
            ..ReviewDetails::default()
        }),
        ..review("K", d(2021, 11, 8), Some("PN1"))
    };
    let stage = |name: &str, started, responded| ChallengeStage {
        stage: name.into(),
        started,
        timescale_working_days: 5,
        responded,
    };
    let challenge = |n, raised, themes: &[&str], stages, resolved| Challenge {
        id: n,
        child: id("K"),
        iro: Some(iro1.clone()),
        raised,
        themes: themes.iter().map(|t| t.to_string()).collect(),
        sub_theme: None,
        stages,
        referred_to_cafcass: None,
        resolved,
        outcome: None,
    };
    Dataset {
        children: vec![child("K", d(2010, 1, 1), Sex::Male, Ethnicity::WBRI)],
        episodes: vec![ep("K", d(2020, 1, 6), None, "S", "C2", "U4", None)],
        reviews: vec![r1, r2],
        iros: vec![
            Iro {
                id: iro1.clone(),
                name: "First IRO".into(),
                fte: 1.0,
                started: d(2015, 1, 1),
                left: None,
            },
            Iro {
                id: IroId("iro2".into()),
                name: "Second IRO".into(),
                fte: 0.5,
                started: d(2015, 1, 1),
                left: Some(d(2022, 1, 1)),
            },
        ],
        allocations: vec![Allocation {
            child: id("K"),
            iro: iro1.clone(),
            from: d(2020, 1, 6),
            to: None,
        }],
        midway_checks: vec![MidwayCheck {
            child: id("K"),
            date: d(2022, 2, 1),
            iro: None,
        }],
        visits: vec![IroVisit {
            child: id("K"),
            date: d(2021, 4, 20),
            kind: VisitKind::Virtual,
            iro: None,
        }],
        // 1: raised 01/06/2021, informal answered 04/06 (due 08/06),
        //    resolved 04/06: in timescale.
        // 2: raised 10/01/2022, informal answered 20/01 (due 17/01: late),
        //    stage 1 from 21/01, not resolved: open at year end.
        // 3: raised 01/03/2021 (last year), never resolved: open, not raised.
        challenges: vec![
            challenge(
                1,
                d(2021, 6, 1),
                &["drift and delay"],
                vec![stage("informal", d(2021, 6, 1), Some(d(2021, 6, 4)))],
                Some(d(2021, 6, 4)),
            ),
            challenge(
                2,
                d(2022, 1, 10),
                &["drift and delay", "quality of plan"],
                vec![
                    stage("informal", d(2022, 1, 10), Some(d(2022, 1, 20))),
                    stage("stage 1", d(2022, 1, 21), None),
                ],
                None,
            ),
            challenge(3, d(2021, 3, 1), &["contact"], vec![], None),
        ],
        missing: vec![
            MissingEpisode {
                child: id("K"),
                kind: MissingKind::Missing,
                start: d(2021, 7, 1),
                end: Some(d(2021, 7, 2)),
            },
            MissingEpisode {
                child: id("K"),
                kind: MissingKind::Missing,
                start: d(2021, 8, 1),
                end: Some(d(2021, 8, 2)),
            },
            MissingEpisode {
                child: id("K"),
                kind: MissingKind::Missing,
                start: d(2021, 9, 1),
                end: None,
            },
            MissingEpisode {
                child: id("K"),
                kind: MissingKind::Away,
                start: d(2021, 3, 1),
                end: None,
            },
        ],
        ..Dataset::default()
    }
}

#[test]
fn caseloads() {
    let m = run(&iro_data());
    let Some(Measure::Caseload(loads)) = m.get("caseload.by_iro") else {
        panic!()
    };
    // iro2 left before 31 March; iro1 has K.
    assert_eq!(loads.len(), 1);
    assert_eq!(
        (loads[0].iro.as_str(), loads[0].children.value),
        ("iro1", 1)
    );
    let Some(Measure::PerFte(p)) = m.get("caseload.per_fte") else {
        panic!()
    };
    assert_eq!((p.children.value, p.fte), (1, 1.0));
}

#[test]
fn review_process_measures() {
    let m = run(&iro_data());
    assert_eq!(bd(&m, "reviews.by_iro", "iro1"), 1);
    assert_eq!(bd(&m, "reviews.by_iro", "not_recorded"), 1);
    assert_eq!(bd(&m, "reviews.sw_report", "5_plus_days_before"), 1);
    assert_eq!(bd(&m, "reviews.sw_report", "same_day"), 1);
    assert_eq!(bd(&m, "reviews.decisions_in_time", "in_time"), 1);
    assert_eq!(bd(&m, "reviews.decisions_in_time", "late"), 1);
    assert_eq!(
        m.percent("reviews.decisions_in_time_pct").unwrap().value(),
        Some(50.0)
    );
    assert_eq!(bd(&m, "reviews.record_in_time", "within_local_target"), 1);
    assert_eq!(bd(&m, "reviews.record_in_time", "within_timescale"), 1);
    assert_eq!(
        m.percent("reviews.record_in_time_pct").unwrap().value(),
        Some(100.0)
    );
    // By quarter: the review of 10/05/2021 (Q1) had its decisions in 5
    // working days and its record in 18 (31/05 a bank holiday); that of
    // 08/11/2021 (Q3) its decisions in 10, its record in 5.
    let quarter = |id_: &str, q: &str, k: &str| m.grid(id_).unwrap().get(q).unwrap().value(k);
    let decided = "reviews.decisions_in_time.by_quarter";
    assert_eq!(quarter(decided, "Q1", "in_time"), 1);
    assert_eq!(quarter(decided, "Q3", "late"), 1);
    assert_eq!(m.grid(decided).unwrap().total(), 2);
    let recorded = "reviews.record_in_time.by_quarter";
    assert_eq!(quarter(recorded, "Q1", "within_timescale"), 1);
    assert_eq!(quarter(recorded, "Q3", "within_local_target"), 1);
    assert_eq!(m.grid(recorded).unwrap().get("Q2").unwrap().total(), 0);
    assert_eq!(
        m.percent("reviews.record_in_local_target_pct")
            .unwrap()
            .value(),
        Some(50.0)
    );
    assert_eq!(bd(&m, "reviews.attendance_by_role", "mother"), 1);
    assert_eq!(bd(&m, "reviews.attendance_by_role", "carer"), 2);
    assert_eq!(bd(&m, "reviews.attendance_by_role", "father"), 0);
    assert_eq!(bd(&m, "quality.by_grade", "good"), 1);
    // The review with no grade is `not_graded`: the grades add up to the
    // reviews held.
    assert_eq!(bd(&m, "quality.by_grade", "not_graded"), 1);
    assert_eq!(
        m.breakdown("quality.by_grade").unwrap().total(),
        m.count("reviews.held").unwrap()
    );
    let mid = m.percent("midway.done_pct").unwrap();
    assert_eq!((mid.numerator.value, mid.denominator.value), (1, 1));
    let visits = m.percent("visits.before_review_pct").unwrap();
    assert_eq!((visits.numerator.value, visits.denominator.value), (1, 2));
}

#[test]
fn inadequate_grades_are_counted_by_the_councils_reasons_retired_ones_too() {
    let mut data = iro_data();
    let grade = |r: &mut Review, reason: Option<&str>| {
        if let Some(d) = r.details.as_mut() {
            d.quality = Some(QualityGrade::Inadequate);
            d.inadequate_reason = reason.map(str::to_owned);
        }
    };
    grade(&mut data.reviews[0], Some("plan_drift"));
    grade(&mut data.reviews[1], None);
    let mut settings = MeasureSettings {
        inadequate_reasons: crate::lists::CouncilList::of(&[
            ("views", "The child's views"),
            ("plan_drift", "Drift in the plan"),
        ]),
        ..MeasureSettings::default()
    };
    settings.inadequate_reasons.0[1].retired = true;
    let m = compute(
        &data,
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    let by = m.breakdown("quality.inadequate_by_reason").unwrap();
    assert_eq!(
        by.keys().collect::<Vec<_>>(),
        ["views", "plan_drift", "not_recorded"]
    );
    assert_eq!(by.value("plan_drift"), 1, "a retired reason still counts");
    assert_eq!(by.value("not_recorded"), 1);
    assert_eq!(
        Some(by.total()),
        m.breakdown("quality.by_grade")
            .map(|g| g.value("inadequate"))
    );
    assert_eq!(
        m.key_label("quality.inadequate_by_reason", "plan_drift"),
        "Drift in the plan"
    );
    // A reason held on a review graded otherwise is not counted.
    if let Some(d) = data.reviews[1].details.as_mut() {
        d.quality = Some(QualityGrade::Good);
        d.inadequate_reason = Some("views".into());
    }
    let m = run(&data);
    let by = m.breakdown("quality.inadequate_by_reason").unwrap();
    assert_eq!(by.value("views"), 0);
    assert_eq!(by.total(), 1);
    assert_eq!(by.value("plan_drift"), 1, "a key no entry has gets its row");
}

#[test]
fn midway_not_done_without_a_check() {
    let mut data = iro_data();
    data.midway_checks.clear();
    let m = run(&data);
    let mid = m.percent("midway.done_pct").unwrap();
    assert_eq!((mid.numerator.value, mid.denominator.value), (0, 1));
}

/// `midway.done_pct` counts midway points by their own date: K's review of
/// 08/11/2021 has its next review due 08/05/2022, so its midway point is
/// 06/02/2022 (90 of 181 days on).
#[test]
fn midway_points_are_counted_in_the_period_they_fall_in_up_to_the_report_date() {
    let data = iro_data();
    let cal = WorkingDayCalendar::england_and_wales();
    let s = MeasureSettings::default();
    let year = Period::year(CollectionYear::new(2021));
    let mid = |m: &Measures| {
        let p = m.percent("midway.done_pct").unwrap();
        (p.numerator.value, p.denominator.value)
    };
    // Year to date on 31/01/2022: the point has not come yet.
    let jan = compute_as_of(&data, year, d(2022, 1, 31), &s, &cal);
    assert_eq!(mid(&jan), (0, 0));
    assert_eq!(jan.period.last, d(2022, 1, 31));
    assert_eq!(jan.to_date, Some(d(2022, 3, 31)));
    // Year to date on 01/03/2022: due and done (the check of 01/02/2022).
    let mar = compute_as_of(&data, year, d(2022, 3, 1), &s, &cal);
    assert_eq!(mid(&mar), (1, 1));
    // February alone holds the point though no review was held in it.
    let feb = compute_as_of(
        &data,
        Period::month(2022, 2).unwrap(),
        d(2022, 6, 1),
        &s,
        &cal,
    );
    assert_eq!(feb.count("reviews.held"), Some(0));
    assert_eq!(feb.to_date, None);
    assert_eq!(mid(&feb), (1, 1));
    // A check after the report date does not count yet.
    let mut late = data.clone();
    late.midway_checks[0].date = d(2022, 3, 15);
    assert_eq!(
        mid(&compute_as_of(&late, year, d(2022, 3, 1), &s, &cal)),
        (0, 1)
    );
    assert_eq!(
        mid(&compute_as_of(&late, year, d(2022, 3, 31), &s, &cal)),
        (1, 1)
    );
}

/// A child in care with no review at all is overdue once review 1's 20
/// working days have passed (it was missed when only children with a
/// review were looked at).
#[test]
fn a_child_with_no_review_yet_can_be_overdue() {
    let data = Dataset {
        children: vec![child("N", d(2015, 1, 1), Sex::Female, Ethnicity::WBRI)],
        episodes: vec![ep("N", d(2022, 1, 4), None, "S", "C2", "U4", None)],
        ..Dataset::default()
    };
    let cal = WorkingDayCalendar::england_and_wales();
    let s = MeasureSettings::default();
    let m = compute(&data, CollectionYear::new(2021), &s, &cal);
    assert_eq!(m.count("reviews.overdue.end"), Some(1));
    let early = compute_as_of(
        &data,
        Period::year(CollectionYear::new(2021)),
        d(2022, 1, 20),
        &s,
        &cal,
    );
    assert_eq!(early.count("reviews.overdue.end"), Some(0));
}

/// A year to date ends inside its last month: that month's snapshot is the
/// report date, so it agrees with `cla.end` (the report's self-check
/// refused the year-to-date report when it was the month's last day).
#[test]
fn a_year_to_date_snapshots_its_last_month_on_the_report_date() {
    let mut data = iro_data();
    // K leaves care on 25 Nov 2021, after the report date of 20 Nov.
    data.episodes[0].end = Some(d(2021, 11, 25));
    data.episodes[0].reason_ceased = Some("E4A".parse().unwrap());
    let cal = WorkingDayCalendar::england_and_wales();
    let m = compute_as_of(
        &data,
        Period::year(CollectionYear::new(2021)),
        d(2021, 11, 20),
        &MeasureSettings::default(),
        &cal,
    );
    assert_eq!(m.count("cla.end"), Some(1));
    let months = m.grid("cla.by_month").unwrap();
    assert_eq!(months.rows.last().unwrap().0, "2021-11");
    assert_eq!(months.get("2021-11").unwrap().value("looked_after"), 1);
}

#[test]
fn formal_challenges_by_theme_and_sub_theme_by_hand() {
    let stage = |name: &str, started| ChallengeStage {
        stage: name.into(),
        started,
        timescale_working_days: 5,
        responded: None,
    };
    // Formal: reached a stage after the council's first ("informal").
    let formal = vec![
        stage("informal", d(2021, 6, 1)),
        stage("stage 1", d(2021, 6, 10)),
    ];
    let challenge =
        |n, themes: &[&str], sub: Option<&str>, stages: Vec<ChallengeStage>| Challenge {
            id: n,
            child: id("K"),
            iro: None,
            raised: d(2021, 6, 1),
            themes: themes.iter().map(|t| t.to_string()).collect(),
            sub_theme: sub.map(str::to_owned),
            stages,
            referred_to_cafcass: None,
            resolved: None,
            outcome: None,
        };
    let data = Dataset {
        children: vec![child("K", d(2010, 1, 1), Sex::Male, Ethnicity::WBRI)],
        challenges: vec![
            // A name held from before themes had keys counts with its key.
            challenge(
                1,
                &["Care planning"],
                Some("Drift and delay"),
                formal.clone(),
            ),
            challenge(2, &["care_planning"], None, formal.clone()),
            challenge(3, &[], None, formal.clone()),
            challenge(4, &["placement"], Some("stability"), formal[..1].to_vec()),
            challenge(
                5,
                &["placement", "health"],
                Some("stability"),
                formal.clone(),
            ),
            challenge(6, &["weather"], Some("rain"), formal.clone()),
        ],
        ..Dataset::default()
    };
    let m = run(&data);
    let by = |k| bd(&m, "challenges.by_theme", k);
    assert_eq!(
        (by("care_planning"), by("placement"), by("health")),
        (2, 2, 1)
    );
    assert_eq!(
        (by("weather"), by("not_recorded"), by("education")),
        (1, 1, 0)
    );
    let g = m.grid("challenges.formal_by_theme").unwrap();
    let cell = |r: &str, c: &str| g.get(r).map_or(0, |b| b.value(c));
    assert_eq!(cell("care_planning", "drift_and_delay"), 1);
    assert_eq!(cell("care_planning", "not_recorded"), 1);
    assert_eq!(
        cell("placement", "stability"),
        1,
        "the informal one is not formal"
    );
    assert_eq!(
        cell("health", "not_recorded"),
        0,
        "tabled by the first theme only"
    );
    assert_eq!(
        cell("weather", "rain"),
        1,
        "a theme not on the list keeps its row"
    );
    assert_eq!(cell("not_recorded", "not_recorded"), 1);
    // Each formal challenge once: the table sums to the formal challenges.
    let q = m.grid("challenges.by_quarter_outcome").unwrap();
    assert_eq!(g.total(), 5);
    assert_eq!(q.column_total("formal"), 5);
    // Every theme of the list has its row, every sub-theme its column.
    assert_eq!(g.get("education").unwrap().entries.len(), 3);
    assert_eq!(
        m.key_label(
            "challenges.formal_by_theme",
            "care_planning/drift_and_delay"
        ),
        "Drift and delay"
    );
}

#[test]
fn challenges() {
    let m = run(&iro_data());
    assert_eq!(m.count("challenges.raised"), Some(2));
    assert_eq!(bd(&m, "challenges.by_stage", "informal"), 1);
    assert_eq!(bd(&m, "challenges.by_stage", "stage 1"), 1);
    assert_eq!(bd(&m, "challenges.by_theme", "drift and delay"), 2);
    assert_eq!(bd(&m, "challenges.by_theme", "quality of plan"), 1);
    assert!(
        m.breakdown("challenges.by_theme")
            .unwrap()
            .get("contact")
            .is_none()
    );
    assert_eq!(m.count("challenges.resolved"), Some(1));
    assert_eq!(m.count("challenges.resolved_in_timescale"), Some(1));
    assert_eq!(m.count("challenges.open.end"), Some(2));
    let q = m.grid("challenges.by_quarter").unwrap();
    assert_eq!(q.get("Q1").unwrap().value("raised"), 1);
    assert_eq!(q.get("Q4").unwrap().value("raised"), 1);
    assert_eq!(q.column_total("raised"), 2);
    // By quarter and outcome (Wok-P): challenge 1 (Q1) informal and
    // resolved at that stage; challenge 2 (Q4) went on to stage 1 (formal,
    // escalated), still open; challenge 3 was raised the year before.
    let o = m.grid("challenges.by_quarter_outcome").unwrap();
    let q1 = o.get("Q1").unwrap();
    assert_eq!(
        (
            q1.value("raised"),
            q1.value("informal"),
            q1.value("formal"),
            q1.value("resolved_without_escalation"),
            q1.value("escalated")
        ),
        (1, 1, 0, 1, 0)
    );
    let q4 = o.get("Q4").unwrap();
    assert_eq!(
        (
            q4.value("raised"),
            q4.value("informal"),
            q4.value("formal"),
            q4.value("resolved_without_escalation"),
            q4.value("escalated")
        ),
        (1, 0, 1, 0, 1)
    );
    assert_eq!(o.get("Q2").unwrap().total(), 0);
}

#[test]
fn missing_and_away() {
    let m = run(&iro_data());
    // Three missing episodes for K in the year; the away episode was in
    // March 2021, the year before.
    assert_eq!(m.count("missing.episodes"), Some(3));
    assert_eq!(m.count("missing.children"), Some(1));
    assert_eq!(m.count("missing.children_three_plus"), Some(1));
    assert_eq!(m.count("away.episodes"), Some(0));
}

#[test]
fn adoption() {
    // L: S C2/U4 01/04/2019, X1 → P E1/A4 01/04/2020 (366 days later, 2020
    // a leap year), adopted (E11) 01/12/2021.
    let data = Dataset {
        children: vec![child("L", d(2018, 1, 1), Sex::Male, Ethnicity::WBRI)],
        episodes: vec![
            ep(
                "L",
                d(2019, 4, 1),
                Some(d(2020, 4, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep(
                "L",
                d(2020, 4, 1),
                Some(d(2021, 12, 1)),
                "P",
                "E1",
                "A4",
                Some("E11"),
            ),
        ],
        ..Dataset::default()
    };
    let m = run(&data);
    assert_eq!(m.count("adoption.adopted"), Some(1));
    assert_eq!(bd(&m, "ceased.by_reason", "E11"), 1);
    let Some(Measure::Average(a)) = m.get("adoption.days_to_placement") else {
        panic!()
    };
    assert_eq!(a.value(), Some(366.0));
    assert_eq!(m.count("adoption.placed.end"), Some(0));
}

#[test]
fn percentages_with_zero_denominator_are_none() {
    let m = run(&Dataset::default());
    assert_eq!(m.percent("reviews.in_time_pct").unwrap().value(), None);
    assert_eq!(m.count("cla.end"), Some(0));
}

#[test]
fn settings_round_trip_through_json() {
    let s = MeasureSettings {
        population_0_17: Some(56_000),
        ..MeasureSettings::default()
    };
    let json = serde_json::to_string(&s).unwrap();
    let back: MeasureSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let partial: MeasureSettings = serde_json::from_str(r#"{"population_0_17": 100}"#).unwrap();
    assert_eq!(partial.record_local_target_working_days, 15);
}

#[test]
fn periods_for_the_performance_page() {
    let m = Period::month(2022, 2).unwrap();
    assert_eq!((m.first, m.last), (d(2022, 2, 1), d(2022, 2, 28)));
    let ytd = Period::year_to_date(2022, 2).unwrap();
    assert_eq!((ytd.first, ytd.last), (d(2021, 4, 1), d(2022, 2, 28)));
    let ytd = Period::year_to_date(2022, 4).unwrap();
    assert_eq!(ytd.first, d(2022, 4, 1), "April starts a new year");
    let rolling = Period::rolling_year(2022, 12).unwrap();
    assert_eq!(
        (rolling.first, rolling.last),
        (d(2022, 1, 1), d(2022, 12, 31))
    );
    assert_eq!(rolling.months().len(), 12);
    assert_eq!(Period::year(year()).months().first(), Some(&(2021, 4)));
    assert_eq!(m.collection_year(), year());
    assert!(Period::month(2022, 13).is_none());
}

#[test]
fn a_month_takes_its_snapshot_on_its_last_day() {
    let data = review_data();
    let cal = WorkingDayCalendar::england_and_wales();
    let s = MeasureSettings::default();
    // 31 October 2021: A, B and E (E started 1 October).
    let oct = compute_period(&data, Period::month(2021, 10).unwrap(), &s, &cal);
    assert_eq!(kids(&oct, "cla.end"), ["A", "B", "E"]);
    // 30 September: A and B; E's start is the month's only start.
    assert_eq!(kids(&oct, "cla.start"), ["A", "B"]);
    assert_eq!(kids(&oct, "starts.children"), ["E"]);
    // October's only review: E's, in time.
    assert_eq!(oct.count("reviews.held"), Some(1));
    assert_eq!(oct.count("reviews.in_time"), Some(1));
    assert_eq!(oct.grid("reviews.by_month").unwrap().rows.len(), 1);
}

/// An OC2 record for the year starting in `y`, every item blank.
fn oc2(c: &str, y: i32) -> HealthOutcomes {
    HealthOutcomes {
        child: id(c),
        year: CollectionYear::new(y),
        sdq_score: None,
        sdq_reason: None,
        convicted: None,
        health_check: None,
        immunisations: None,
        teeth_check: None,
        health_assessment: None,
        substance_misuse: None,
        intervention_received: None,
        intervention_offered: None,
    }
}

/// The health dataset (2021-22; ages on 31 March 2022):
/// - H1 (3) in care since 01/01/2020: in the cohort; checks up to date but
///   teeth.
/// - H2 (11) since 01/04/2021, the year's first day: in the cohort (12
///   months exactly); SDQ 15, convicted, substance misuse, no immunisations.
/// - H3 (14) since 02/04/2021: one day short, not in the cohort, but has an
///   OC2 record (outside the cohort).
/// - H4 (10) in care since 2019, left on 31/03/2022: not in the cohort.
/// - H5 (16) since 2018: SDQ 20, conviction left blank, no assessment.
/// - H6 (13) since 2019: in the cohort, no OC2 record.
/// - H7 (7) since 2019: SDQ reason SDQ2 (carer refused), checks done.
/// - H8: short breaks (V3) since 2019: never in the cohort.
/// - H9 (11): left care in June 2021, back in September: not continuous.
/// - H1 also has a 2020-21 record, which the 2021-22 measures ignore.
fn health_data() -> Dataset {
    let kid = |c: &str, dob: NaiveDate| child(c, dob, Sex::Female, Ethnicity::WBRI);
    let open = |c: &str, from: NaiveDate| ep(c, from, None, "S", "C2", "U4", None);
    let mut h1 = oc2("H1", 2021);
    (h1.health_check, h1.immunisations, h1.teeth_check) = (Some(true), Some(true), Some(false));
    h1.health_assessment = Some(true);
    let mut h1_before = oc2("H1", 2020);
    (h1_before.teeth_check, h1_before.immunisations) = (Some(true), Some(false));
    let mut h2 = oc2("H2", 2021);
    h2.sdq_score = Some(15);
    (h2.convicted, h2.substance_misuse) = (Some(true), Some(true));
    (h2.immunisations, h2.teeth_check, h2.health_assessment) =
        (Some(false), Some(true), Some(true));
    let mut h3 = oc2("H3", 2021);
    h3.immunisations = Some(true);
    let mut h5 = oc2("H5", 2021);
    h5.sdq_score = Some(20);
    (h5.immunisations, h5.teeth_check, h5.health_assessment) =
        (Some(true), Some(true), Some(false));
    h5.substance_misuse = Some(false);
    let mut h7 = oc2("H7", 2021);
    h7.sdq_reason = Some(SdqReason::CarerRefused);
    (h7.immunisations, h7.teeth_check, h7.health_assessment) = (Some(true), Some(true), Some(true));
    Dataset {
        children: vec![
            kid("H1", d(2018, 6, 1)),
            kid("H2", d(2010, 6, 1)),
            kid("H3", d(2008, 1, 1)),
            kid("H4", d(2012, 1, 1)),
            kid("H5", d(2005, 5, 1)),
            kid("H6", d(2009, 1, 1)),
            kid("H7", d(2015, 1, 1)),
            kid("H8", d(2012, 1, 1)),
            kid("H9", d(2011, 1, 1)),
        ],
        episodes: vec![
            open("H1", d(2020, 1, 1)),
            open("H2", d(2021, 4, 1)),
            open("H3", d(2021, 4, 2)),
            ep(
                "H4",
                d(2019, 1, 1),
                Some(d(2022, 3, 31)),
                "S",
                "C2",
                "U4",
                Some("E4A"),
            ),
            open("H5", d(2018, 1, 1)),
            open("H6", d(2019, 1, 1)),
            open("H7", d(2019, 1, 1)),
            ep("H8", d(2019, 1, 1), None, "S", "V3", "U4", None),
            ep(
                "H9",
                d(2019, 1, 1),
                Some(d(2021, 6, 1)),
                "S",
                "C2",
                "U4",
                Some("E4A"),
            ),
            open("H9", d(2021, 9, 1)),
        ],
        health_outcomes: vec![h1_before, h1, h2, h3, h5, h7],
        ..Dataset::default()
    }
}

fn share(m: &Measures, id_: &str) -> (u64, u64) {
    let p = m.percent(id_).unwrap_or_else(|| panic!("{id_}"));
    (p.numerator.value, p.denominator.value)
}

#[test]
fn health_outcomes_count_the_cohort_from_the_periods_of_care() {
    let m = run(&health_data());
    assert_eq!(
        kids(&m, "health.oc2_cohort"),
        ["H1", "H2", "H5", "H6", "H7"]
    );
    assert_eq!(share(&m, "health.oc2_returned"), (4, 5));
    assert_eq!(kids(&m, "health.oc2_outside_cohort"), ["H3"]);
    assert_eq!(share(&m, "health.immunisations"), (3, 4));
    assert_eq!(share(&m, "health.teeth_check"), (3, 4));
    assert_eq!(share(&m, "health.health_assessment"), (3, 4));
    assert_eq!(share(&m, "health.health_check_under_5"), (1, 1));
    assert_eq!(
        share(&m, "health.sdq_returned"),
        (2, 3),
        "H2, H5 of H2, H5, H7"
    );
    match m.get("health.sdq_mean") {
        Some(Measure::Mean(mean)) => {
            assert_eq!((mean.count.value, mean.total), (2, 35));
            assert_eq!(mean.value(), Some(17.5));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(bd(&m, "health.sdq_bands", "normal"), 0);
    assert_eq!(bd(&m, "health.sdq_bands", "borderline"), 1);
    assert_eq!(bd(&m, "health.sdq_bands", "concern"), 1);
    assert_eq!(
        share(&m, "health.convicted_10_plus"),
        (1, 2),
        "H5 left blank"
    );
    assert_eq!(share(&m, "health.substance_misuse"), (1, 4));
    let teeth = m.percent("health.teeth_check").unwrap();
    let who: Vec<String> = teeth
        .numerator
        .children
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(who, ["H2", "H5", "H7"], "H1's 2020-21 record is not used");
}

#[test]
fn without_oc2_records_the_cohort_is_still_counted() {
    let mut data = health_data();
    data.health_outcomes.clear();
    let m = run(&data);
    assert_eq!(m.count("health.oc2_cohort"), Some(5));
    assert_eq!(share(&m, "health.oc2_returned"), (0, 5));
    assert_eq!(share(&m, "health.immunisations"), (0, 0));
    assert_eq!(m.percent("health.immunisations").unwrap().value(), None);
}

#[test]
fn sdq_bands_are_0_13_14_16_and_17_up() {
    use super::health::sdq_band;
    assert_eq!(sdq_band(0), "normal");
    assert_eq!(sdq_band(13), "normal");
    assert_eq!(sdq_band(14), "borderline");
    assert_eq!(sdq_band(16), "borderline");
    assert_eq!(sdq_band(17), "concern");
    assert_eq!(sdq_band(40), "concern");
}

/// A data problem is reported with the periods its child's episodes touch,
/// not with every later year's figures (and so a report that reads only
/// the children of its years, `records_window`, reports the same problems).
#[test]
fn data_problems_belong_to_the_periods_their_child_touches() {
    let data = Dataset {
        children: vec![
            child("A", d(2008, 1, 1), Sex::Male, Ethnicity::WBRI),
            child("B", d(2010, 1, 1), Sex::Female, Ethnicity::WBRI),
        ],
        episodes: vec![
            // A: closed with no reason (REC), in 2019-20 only.
            ep(
                "A",
                d(2019, 5, 1),
                Some(d(2019, 9, 1)),
                "S",
                "C2",
                "U1",
                None,
            ),
            ep("B", d(2024, 5, 1), None, "S", "C2", "U1", None),
        ],
        ..Dataset::default()
    };
    let (settings, calendar) = (
        MeasureSettings::default(),
        WorkingDayCalendar::england_and_wales(),
    );
    let periods = [
        Period::year(CollectionYear::new(2019)),
        Period::year(CollectionYear::new(2024)),
    ];
    let m = compute_periods_as_of(&data, &periods, d(2025, 6, 1), &settings, &calendar);
    let children = |m: &Measures| {
        m.problems
            .iter()
            .map(|p| p.child.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(children(&m[0]), [id("A")]);
    assert!(children(&m[1]).is_empty(), "{:?}", m[1].problems);
    assert_eq!(
        records_window(&periods),
        Some((d(2019, 3, 31), d(2025, 3, 31)))
    );
    assert_eq!(records_window(&[]), None);
}

/// Several periods computed together (shared among threads, over one
/// assembly of the periods of care) give exactly what each gives alone, in
/// the order asked.
#[test]
fn periods_computed_together_are_each_as_computed_alone() {
    let data = stability_data();
    let (settings, calendar) = (
        MeasureSettings::default(),
        WorkingDayCalendar::england_and_wales(),
    );
    let as_of = d(2022, 2, 10);
    let periods: Vec<Period> = [
        Period::year(CollectionYear::new(2021)),
        Period::month(2021, 9).unwrap(),
        Period::year(CollectionYear::new(2020)),
        Period::rolling_year(2021, 12).unwrap(),
        Period::month(2022, 1).unwrap(),
    ]
    .into();
    let together = compute_periods_as_of(&data, &periods, as_of, &settings, &calendar);
    let alone: Vec<Measures> = periods
        .iter()
        .map(|&p| compute_as_of(&data, p, as_of, &settings, &calendar))
        .collect();
    assert_eq!(together, alone);
}

/// Health assessments and PEPs, 2021-22:
/// - P1 (born 2019-06-01): in care Thursday 1 July 2021; IHA due 20 working
///   days on, 29 July, done 28 July (in time); under 5, so the next is due 6
///   months on, 28 January 2022, done 10 February (late); next due 10
///   August 2022: up to date on 31 March. Not of school age (2 on 31 August
///   2021): no PEPs. First dental check due 1 July 2022: up to date.
/// - P2 (born 2010-01-01): in care Monday 4 October 2021; IHA requested 6
///   October, due 1 November, not done: not up to date. Initial PEP due 10
///   working days on, 18 October, held 14 October (in time); not looked
///   after on 1 September, so no autumn-term PEP is due; the spring 2022
///   PEP, due 31 March, held 20 March (graded good). Immunisations recorded
///   not up to date in October, up to date on 1 March: up to date.
/// - P3 (born 2008-05-01): in care since 2 March 2015. Review assessments
///   1 December 2020 and 20 November 2021 (due 1 December 2021: in time);
///   next due 20 November 2022. Dental checks 1 September 2020 and 15
///   October 2021: next due 15 October 2022. SDQ 15 on 1 June 2021
///   (borderline; an older 30 is outside the 12 months). PEPs: summer 2021
///   held 10 May 2021 (good, in time); autumn 2021 held 5 April 2022 (after
///   the year: not done by 31 March); spring 2022 none. Immunisations not
///   up to date (May 2021).
/// - P4 (born 2017-02-01): in care 7 January 2019 to 15 December 2021.
///   Assessments 1 March 2021 and 20 September 2021 (aged 4: due 1
///   September, late); the next would be due after the period ended.
///   Reception in 2021-22 (4 on 31 August 2021): the autumn 2021 PEP, due
///   31 December, not held.
/// - P5 (born 2005-01-01): in care since 7 January 2019, nothing recorded:
///   no assessment, dental check overdue; Year 11 in 2020-21 (15 on 31
///   August 2020), so the summer 2021 PEP was due (not held); 16 on 31
///   August 2021, past school age for 2021-22; 17 on 31 March: not in the
///   SDQ cohort.
fn health_education_data() -> Dataset {
    use crate::health_education::*;
    let assessment = |c: &str, kind, requested, done| HealthAssessment {
        child: id(c),
        kind,
        requested,
        done,
    };
    let pep = |c: &str, date, school_year, term, quality| EducationPlan {
        child: id(c),
        date,
        term: SchoolTerm { school_year, term },
        quality,
    };
    Dataset {
        children: vec![
            child("P1", d(2019, 6, 1), Sex::Male, Ethnicity::WBRI),
            child("P2", d(2010, 1, 1), Sex::Female, Ethnicity::WBRI),
            child("P3", d(2008, 5, 1), Sex::Male, Ethnicity::WBRI),
            child("P4", d(2017, 2, 1), Sex::Female, Ethnicity::WBRI),
            child("P5", d(2005, 1, 1), Sex::Male, Ethnicity::WBRI),
        ],
        episodes: vec![
            ep("P1", d(2021, 7, 1), None, "S", "C2", "U4", None),
            ep("P2", d(2021, 10, 4), None, "S", "V2", "U4", None),
            ep("P3", d(2015, 3, 2), None, "S", "C2", "U4", None),
            ep(
                "P4",
                d(2019, 1, 7),
                Some(d(2021, 12, 15)),
                "S",
                "C2",
                "U4",
                Some("E4A"),
            ),
            ep("P5", d(2019, 1, 7), None, "S", "C2", "U4", None),
        ],
        health_assessments: vec![
            assessment("P1", AssessmentKind::Initial, None, Some(d(2021, 7, 28))),
            assessment("P1", AssessmentKind::Review, None, Some(d(2022, 2, 10))),
            assessment("P2", AssessmentKind::Initial, Some(d(2021, 10, 6)), None),
            assessment("P3", AssessmentKind::Review, None, Some(d(2020, 12, 1))),
            assessment("P3", AssessmentKind::Review, None, Some(d(2021, 11, 20))),
            assessment("P4", AssessmentKind::Review, None, Some(d(2021, 3, 1))),
            assessment("P4", AssessmentKind::Review, None, Some(d(2021, 9, 20))),
        ],
        dental_checks: vec![
            DentalCheck {
                child: id("P3"),
                date: d(2020, 9, 1),
            },
            DentalCheck {
                child: id("P3"),
                date: d(2021, 10, 15),
            },
        ],
        sdq_scores: vec![
            SdqScore {
                child: id("P3"),
                date: d(2021, 3, 1),
                score: 30,
            },
            SdqScore {
                child: id("P3"),
                date: d(2021, 6, 1),
                score: 15,
            },
        ],
        immunisations: vec![
            ImmunisationStatus {
                child: id("P2"),
                date: d(2021, 10, 10),
                up_to_date: false,
            },
            ImmunisationStatus {
                child: id("P2"),
                date: d(2022, 3, 1),
                up_to_date: true,
            },
            ImmunisationStatus {
                child: id("P3"),
                date: d(2021, 5, 1),
                up_to_date: false,
            },
        ],
        education_plans: vec![
            pep("P2", d(2021, 10, 14), 2021, TermName::Autumn, None),
            pep(
                "P2",
                d(2022, 3, 20),
                2021,
                TermName::Spring,
                Some(QualityGrade::Good),
            ),
            pep(
                "P3",
                d(2021, 5, 10),
                2020,
                TermName::Summer,
                Some(QualityGrade::Good),
            ),
            pep(
                "P3",
                d(2022, 4, 5),
                2021,
                TermName::Autumn,
                Some(QualityGrade::RequiresImprovement),
            ),
        ],
        ..Dataset::default()
    }
}

#[test]
fn health_assessments_and_peps_by_hand() {
    let m = run(&health_education_data());
    let who = |id_: &str, part: &str| -> Vec<String> {
        m.cell(id_, &[part.to_owned()])
            .unwrap()
            .children
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert_eq!(bd(&m, "health.assessments.initial", "in_time"), 1);
    assert_eq!(bd(&m, "health.assessments.initial", "late"), 0);
    assert_eq!(bd(&m, "health.assessments.initial", "not_done"), 1);
    assert_eq!(share(&m, "health.assessments.initial_in_time"), (1, 2));
    assert_eq!(
        share(&m, "health.assessments.reviews_in_time"),
        (1, 3),
        "P3 in time; P1 and P4 late"
    );
    assert_eq!(
        who("health.assessments.reviews_in_time", "numerator"),
        ["P3"]
    );
    assert_eq!(share(&m, "health.assessments.up_to_date.end"), (2, 4));
    assert_eq!(
        who("health.assessments.up_to_date.end", "numerator"),
        ["P1", "P3"]
    );
    assert_eq!(
        share(&m, "health.assessments.dental_up_to_date.end"),
        (3, 4)
    );
    assert_eq!(
        who("health.assessments.dental_up_to_date.end", "numerator"),
        ["P1", "P2", "P3"]
    );
    assert_eq!(share(&m, "health.assessments.sdq_completed"), (1, 1));
    assert_eq!(bd(&m, "health.assessments.sdq_bands", "borderline"), 1);
    assert_eq!(bd(&m, "health.assessments.sdq_bands", "concern"), 0);
    assert_eq!(
        share(&m, "health.assessments.immunisations_up_to_date.end"),
        (1, 4)
    );
    assert_eq!(share(&m, "education.pep.initial_in_time"), (1, 1));
    assert_eq!(
        share(&m, "education.pep.terms_in_time"),
        (2, 6),
        "P3 summer and P2 spring in time; P3 autumn and spring, P4 autumn, P5 summer not"
    );
    assert_eq!(share(&m, "education.pep.up_to_date.end"), (1, 2));
    assert_eq!(who("education.pep.up_to_date.end", "numerator"), ["P2"]);
    assert_eq!(share(&m, "education.pep.this_term.end"), (1, 2));
    assert_eq!(m.count("education.pep.held"), Some(3));
    assert_eq!(bd(&m, "education.pep.by_quality", "good"), 2);
    assert_eq!(
        bd(&m, "education.pep.by_quality", "requires_improvement"),
        0
    );
    assert_eq!(bd(&m, "education.pep.by_quality", "not_recorded"), 1);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

/// R20-K10 / R21-K5: the initial health assessments month by month, the
/// review ones by how they stood, and dental checks up to date at the start
/// (the day before the period, as `cla.start`) beside the end.
#[test]
fn health_assessments_by_month_reviews_and_dental_at_the_start() {
    let data = health_education_data();
    let m = run(&data);
    let months = m.grid("health.assessments.initial.by_month").unwrap();
    assert_eq!(months.rows.len(), 12);
    assert_eq!(months.rows[0].0, "2021-04");
    // P1 in care 1 July, done 28 July (in time); P2 in care 4 October, due
    // 1 November, not done.
    assert_eq!(months.get("2021-07").unwrap().value("in_time"), 1);
    assert_eq!(months.get("2021-11").unwrap().value("not_done"), 1);
    assert_eq!(months.total(), 2);
    for k in ["in_time", "late", "not_done"] {
        assert_eq!(
            months.column_total(k),
            bd(&m, "health.assessments.initial", k),
            "{k}"
        );
    }
    // P3's review in time; P1's (due 28 January, done 10 February) and
    // P4's (due 1 September, done 20 September) late.
    assert_eq!(bd(&m, "health.assessments.reviews", "in_time"), 1);
    assert_eq!(bd(&m, "health.assessments.reviews", "late"), 2);
    assert_eq!(bd(&m, "health.assessments.reviews", "not_done"), 0);
    // On 31 March 2021: P3 (checked 1 September 2020) up to date; P4 and
    // P5 (in care since January 2019, never checked) overdue. P1 and P2
    // were not yet in care.
    assert_eq!(
        share(&m, "health.assessments.dental_up_to_date.start"),
        (1, 3)
    );
    assert_eq!(
        share(&m, "health.assessments.dental_up_to_date.end"),
        (3, 4)
    );
    // The start of one year is the end of the year before.
    let before = compute(
        &data,
        CollectionYear::new(2020),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(
        share(&before, "health.assessments.dental_up_to_date.end"),
        (1, 3)
    );
}

/// A period ending after the report date is counted to it: the months go
/// to the report date's month, and what was done after it is not done yet.
#[test]
fn health_assessments_to_a_report_date_inside_the_period() {
    let data = health_education_data();
    let cal = WorkingDayCalendar::england_and_wales();
    let s = MeasureSettings::default();
    let year = Period::year(CollectionYear::new(2021));
    let m = compute_as_of(&data, year, d(2021, 9, 10), &s, &cal);
    let months = m.grid("health.assessments.initial.by_month").unwrap();
    assert_eq!(months.rows.last().unwrap().0, "2021-09");
    assert_eq!(months.rows.len(), 6);
    assert_eq!(months.get("2021-07").unwrap().value("in_time"), 1);
    assert_eq!(months.total(), 1, "P2's is due after the report date");
    // P4's review was due 1 September and done on the 20th: not done on
    // the 10th.
    assert_eq!(bd(&m, "health.assessments.reviews", "not_done"), 1);
    assert_eq!(bd(&m, "health.assessments.reviews", "late"), 0);
    let dec = compute_as_of(&data, year, d(2021, 12, 31), &s, &cal);
    assert_eq!(bd(&dec, "health.assessments.reviews", "in_time"), 1);
    assert_eq!(bd(&dec, "health.assessments.reviews", "late"), 1);
    assert_eq!(
        share(&dec, "health.assessments.dental_up_to_date.start"),
        (1, 3)
    );
}

/// The same measures over a month (any period, one engine): only what was
/// due in it counts; the snapshot is on its last day.
#[test]
fn health_assessments_and_peps_over_a_month() {
    let data = health_education_data();
    let m = compute_period(
        &data,
        Period::month(2021, 11).unwrap(),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    // P2's IHA due 1 November, not done; P3's review due 1 December.
    assert_eq!(share(&m, "health.assessments.initial_in_time"), (0, 1));
    assert_eq!(share(&m, "health.assessments.reviews_in_time"), (0, 0));
    // On 30 November: P1 (next due 28 January), P3 (done 20 November), P4
    // (next due 20 March) up to date; P2 and P5 not.
    assert_eq!(share(&m, "health.assessments.up_to_date.end"), (3, 5));
    assert_eq!(share(&m, "education.pep.terms_in_time"), (0, 0));
    assert_eq!(m.count("education.pep.held"), Some(0));
    // A longer timescale setting moves the due date out of the month.
    let mut settings = MeasureSettings::default();
    settings.health_education.initial_assessment_working_days = 60;
    let m = compute_period(
        &data,
        Period::month(2021, 11).unwrap(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(share(&m, "health.assessments.initial_in_time"), (0, 0));
}

/// `reviews.held_by_changed_date`: a review the manager approved moving,
/// held by the new date, is counted there, and is still late by the statute
/// (`reviews.late`); a request not approved moves nothing.
#[test]
fn reviews_held_by_an_approved_changed_date_are_counted_and_stay_late() {
    let dates = [
        d(2019, 1, 20),
        d(2019, 4, 15),
        d(2019, 10, 10),
        d(2020, 4, 5),
        d(2020, 10, 1),
        d(2021, 3, 25),
        d(2021, 9, 20),
        // Statutorily due 20 March 2022: late; moved to 30 March for A.
        d(2022, 3, 28),
    ];
    let change = |c: &str, n: i64, status| ReviewDateChange {
        id: n,
        child: id(c),
        requested_on: d(2022, 1, 10),
        proposed: d(2022, 3, 30),
        reason: DateChangeReason::COURT,
        status,
        requested_by: "iro1".into(),
        decided_by: Some("manager".into()),
    };
    let data = Dataset {
        children: vec![
            child("A", d(2010, 1, 1), Sex::Male, Ethnicity::WBRI),
            child("B", d(2010, 1, 1), Sex::Female, Ethnicity::WBRI),
        ],
        episodes: vec![
            ep("A", d(2019, 1, 7), None, "S", "C2", "U1", None),
            ep("B", d(2019, 1, 7), None, "S", "C2", "U1", None),
        ],
        reviews: dates
            .iter()
            .flat_map(|&day| [review("A", day, Some("PN1")), review("B", day, Some("PN1"))])
            .collect(),
        review_date_changes: vec![
            change("A", 1, DateChangeStatus::Approved),
            change("B", 2, DateChangeStatus::Pending),
        ],
        ..Dataset::default()
    };
    let m = run(&data);
    let moved = m.count("reviews.held_by_changed_date").unwrap();
    assert_eq!(moved, 1);
    assert_eq!(
        m.get("reviews.held_by_changed_date").and_then(|x| match x {
            Measure::Count(c) => c.children.iter().next().cloned(),
            _ => None,
        }),
        Some(id("A"))
    );
    // Both 28 March reviews are late by the statute, moved or not.
    assert_eq!(m.count("reviews.late").unwrap(), 2);
}

#[test]
fn placement_moves_by_the_reason_recorded_for_the_change() {
    let mut data = stability_data();
    // F: U4 from 2018 (its episode records why it ended: care plan), then
    // U6 from May 2021 with a temporary stay in June (no move), then K2
    // from September (the U6 episode records: the child asked).
    data.episodes[0].reason_place_change = Some("CARPL".parse().unwrap());
    data.episodes[3].reason_place_change = Some("CHILD".parse().unwrap());
    let m = run(&data);
    assert_eq!(m.count("placements.new"), Some(2));
    assert_eq!(m.count("placements.moves"), Some(2));
    assert_eq!(bd(&m, "placements.moves_by_reason", "CARPL"), 1);
    assert_eq!(bd(&m, "placements.moves_by_reason", "CHILD"), 1);
    assert_eq!(bd(&m, "placements.moves_by_reason", "not_recorded"), 0);
    // Without the reasons, the moves are "not recorded".
    let m = run(&stability_data());
    assert_eq!(bd(&m, "placements.moves_by_reason", "not_recorded"), 2);
}

#[test]
fn starts_and_endings_by_month_add_up_to_the_year() {
    let m = run(&care_data());
    for (by_month, total) in [
        ("starts.by_month", "starts.periods"),
        ("ceased.by_month", "ceased.total"),
    ] {
        let b = m.breakdown(by_month).unwrap();
        let keys: Vec<&str> = b.keys().collect();
        assert_eq!(keys.len(), 12, "{keys:?}");
        assert_eq!(keys[0], "2021-04");
        assert_eq!(keys[11], "2022-03");
        let sum: u64 = keys.iter().map(|k| b.value(k)).sum();
        assert_eq!(Some(sum), m.count(total), "{by_month}");
    }
    assert!(m.count("starts.periods").unwrap() > 0);
}

#[test]
fn visits_by_kind_and_children_not_seen_in_person_for_12_months() {
    use crate::model::{IroVisit, VisitKind};
    let mut data = stability_data();
    let visit = |c: &str, date: NaiveDate, kind: VisitKind| IroVisit {
        child: id(c),
        date,
        kind,
        iro: None,
    };
    data.visits = vec![
        // G: seen in person in the year.
        visit("G", d(2021, 10, 1), VisitKind::InPerson),
        // H: spoken to by phone only.
        visit("H", d(2021, 11, 1), VisitKind::Phone),
        // I: seen in person, but more than 12 months before 31 March 2022.
        visit("I", d(2021, 3, 1), VisitKind::InPerson),
        visit("I", d(2022, 1, 5), VisitKind::Virtual),
    ];
    let m = run(&data);
    assert_eq!(m.count("visits.held"), Some(3));
    assert_eq!(bd(&m, "visits.by_kind", "in_person"), 1);
    assert_eq!(bd(&m, "visits.by_kind", "virtual"), 1);
    assert_eq!(bd(&m, "visits.by_kind", "phone"), 1);
    // In care 12 months or more on 31 March 2022: all five (F, G, H, I, J).
    assert_eq!(m.count("visits.cohort_12_months"), Some(5));
    assert_eq!(
        kids(&m, "visits.children_not_seen_12_months"),
        ["F", "H", "I", "J"]
    );
    assert_eq!(key_label("in_person"), "In person");
    assert_eq!(key_label("CHILD"), "CHILD – Child requests placement end");
}

#[test]
fn records_still_outstanding_on_the_last_day_by_how_late() {
    // Both of K's records were circulated in the year: none outstanding.
    let m = run(&iro_data());
    assert_eq!(m.count("reviews.record_outstanding.end"), Some(0));
    // The November review's record not circulated: outstanding on 31 March,
    // more than 20 working days past its 20-working-day timescale.
    let mut data = iro_data();
    data.reviews[1].details.as_mut().unwrap().record_circulated = None;
    let m = run(&data);
    assert_eq!(m.count("reviews.record_outstanding.end"), Some(1));
    assert_eq!(
        bd(
            &m,
            "reviews.record_outstanding.end.by_lateness",
            "more_than_20_working_days_late"
        ),
        1
    );
    // Circulated after the year ended: still outstanding on 31 March.
    data.reviews[1].details.as_mut().unwrap().record_circulated = Some(d(2022, 4, 20));
    assert_eq!(run(&data).count("reviews.record_outstanding.end"), Some(1));
}

#[test]
fn quarterly_starts_and_endings_add_up_to_the_year() {
    let m = run(&care_data());
    for (grid, by) in [
        ("starts.by_quarter_age_band", "starts.by_age_band"),
        ("starts.by_quarter_legal_status", "starts.by_legal_status"),
    ] {
        let g = m.grid(grid).unwrap();
        let quarters: Vec<&str> = g.rows.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(quarters, ["Q1", "Q2", "Q3", "Q4"]);
        for key in m.breakdown(by).unwrap().keys() {
            assert_eq!(g.column_total(key), bd(&m, by, key), "{grid} {key}");
        }
    }
    let g = m.grid("ceased.by_quarter_group").unwrap();
    assert_eq!(Some(g.total()), m.count("ceased.total"));
    assert_eq!(care::CEASED_GROUPS.len(), 8);
}

/// Children in care on 31 March 2022 with real postcodes, their distances
/// worked by hand from the ONS directory's grid references (metres):
/// TW1 1AA (516048, 173668) and TW1 2AF (516900, 174300) are in Richmond
/// upon Thames (E09000027); CB2 1TN (544705, 258430) in Cambridge, a
/// district of Cambridgeshire (E10000003); EH1 1YZ (325597, 673676) in
/// Edinburgh.
/// - P: U4 at TW1 2AF, home TW1 1AA: √(852² + 632²) m = 0.7 miles, in area.
/// - Q: K2 at CB2 1TN, home TW1 1AA: √(28,657² + 84,762²) m = 55.6 miles.
/// - R: A4 at EH1 1YZ, home TW1 1AA: √(190,451² + 500,008²) m = 332.5 miles.
/// - S: U6 at TW1 2AF, no home postcode: distance not known, in area.
/// - T: S1 with no placement postcode: nothing known.
/// - U: U4 at CB2 1TN from home TW1 1AA, but the episode ended on
///   31 March: not in care on 31 March, not counted.
fn located_data() -> Dataset {
    let placed = |c: &str, place: &str, home: Option<&str>, pl: Option<&str>| {
        let mut e = ep(c, d(2021, 5, 1), None, "S", "C2", place, None);
        e.home_postcode = home.map(String::from);
        e.placement_postcode = pl.map(String::from);
        e
    };
    let mut u = placed("U", "U4", Some("TW1 1AA"), Some("CB2 1TN"));
    u.end = Some(d(2022, 3, 31));
    u.reason_ceased = Some("E4A".parse().unwrap());
    Dataset {
        children: ["P", "Q", "R", "S", "T", "U"]
            .iter()
            .map(|c| child(c, d(2012, 1, 1), Sex::Male, Ethnicity::WBRI))
            .collect(),
        episodes: vec![
            placed("P", "U4", Some("TW1 1AA"), Some("TW1 2AF")),
            placed("Q", "K2", Some("TW1 1AA"), Some("CB2 1TN")),
            placed("R", "A4", Some("tw11aa"), Some("EH1 1YZ")),
            placed("S", "U6", None, Some("TW1 2AF")),
            placed("T", "S1", Some("TW1 1AA"), None),
            u,
        ],
        ..Dataset::default()
    }
}

fn grid_cell(m: &Measures, id_: &str, row: &str, col: &str) -> Vec<String> {
    m.cell(id_, &[row.to_owned(), col.to_owned()])
        .unwrap_or_else(|| panic!("{id_} {row} {col}"))
        .children
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn placements_over_20_miles_from_home_by_provision() {
    let m = run(&located_data());
    let id_ = "placements.end.distance_over_20_miles";
    let cell = |r: &str, c: &str| grid_cell(&m, id_, r, c);
    assert_eq!(cell("childrens_homes", "over_20_miles"), ["Q"]);
    assert_eq!(cell("placed_for_adoption", "over_20_miles"), ["R"]);
    assert_eq!(cell("foster_care", "20_miles_or_less"), ["P"]);
    assert_eq!(cell("foster_care", "not_known"), ["S"]);
    assert_eq!(cell("residential_school", "not_known"), ["T"]);
    assert_eq!(cell("all", "over_20_miles"), ["Q", "R"]);
    // Every child in care on 31 March is in one cell of the groups.
    let g = m.grid(id_).unwrap();
    let groups: u64 = g
        .rows
        .iter()
        .filter(|(r, _)| r != "all")
        .flat_map(|(_, b)| b.entries.iter().map(|(_, c)| c.value))
        .sum();
    assert_eq!(groups, m.count("cla.end").unwrap());
    assert_eq!(groups, 5);
    // Without the council's code the distance is still known; where the
    // area is, not.
    assert!(m.get("placements.end.out_of_area").is_none());
}

#[test]
fn placements_out_of_the_council_s_area() {
    let data = located_data();
    let settings = |code: &str| MeasureSettings {
        local_authority_code: Some(code.to_owned()),
        ..MeasureSettings::default()
    };
    let cal = WorkingDayCalendar::england_and_wales();
    // Richmond upon Thames.
    let m = compute(&data, year(), &settings("E09000027"), &cal);
    let cell = |r: &str, c: &str| grid_cell(&m, "placements.end.out_of_area", r, c);
    assert_eq!(cell("in_area", "children"), ["P", "S"]);
    assert_eq!(cell("out_of_area", "children"), ["Q", "R"]);
    assert_eq!(cell("out_of_area", "over_100_miles"), ["R"]);
    assert_eq!(cell("not_known", "children"), ["T"]);
    assert_eq!(
        cell("all", "children").len() as u64,
        m.count("cla.end").unwrap()
    );
    // Cambridgeshire, a county: Cambridge is one of its districts.
    let m = compute(&data, year(), &settings("E10000003"), &cal);
    let cell = |r: &str, c: &str| grid_cell(&m, "placements.end.out_of_area", r, c);
    assert_eq!(cell("in_area", "children"), ["Q"]);
    assert_eq!(cell("out_of_area", "children"), ["P", "R", "S"]);
}

/// The other meetings, dual plans, life story, advocacy, views and case
/// alerts of 2021-22, worked by hand (`docs/measures.md`):
/// - Q1 (2012): C2/U4 from 1/6/2020, open; Q2 (2015): in care 1/5/2021 to
///   31/12/2021.
fn case_record_data() -> Dataset {
    use crate::case_records::*;
    let s = |x: &str| x.to_owned();
    let mut r = CaseRecords::default();
    let secure = |i: &str, date, decision| SecureReview {
        id: s(i),
        child: id("Q1"),
        placed: d(2021, 4, 10),
        date,
        decision,
    };
    // Due 10/5 (held 5/5, in time), then due 5/8 (held 20/8, late).
    r.secure_reviews = vec![
        secure("s1", d(2021, 5, 5), SecureDecision::CriteriaMet),
        secure("s2", d(2021, 8, 20), SecureDecision::CriteriaNotMet),
    ];
    // Due 1/9/2021, held 25/8 (in time); the next held after the year.
    r.private_fostering_reviews = [d(2021, 8, 25), d(2022, 9, 10)]
        .into_iter()
        .enumerate()
        .map(|(i, date)| PrivateFosteringReview {
            id: format!("pf{i}"),
            child: id("PF1"),
            arrangement_start: d(2020, 9, 1),
            date,
            arrangement_end: None,
        })
        .collect();
    let carer = |i: &str, h: &str, approved, date, kind, to_panel| FosterCarerReview {
        id: s(i),
        household: s(h),
        approved,
        date,
        kind,
        to_panel,
    };
    // H1: due 15/1/2021 (held 10/1), then due 10/1/2022, held 1/2 (late);
    // H2: due 1/6/2022, held 1/3/2022 (in time).
    r.foster_carer_reviews = vec![
        carer(
            "c1",
            "H1",
            d(2020, 1, 15),
            d(2021, 1, 10),
            CarerReviewKind::First,
            false,
        ),
        carer(
            "c2",
            "H1",
            d(2020, 1, 15),
            d(2022, 2, 1),
            CarerReviewKind::Annual,
            true,
        ),
        carer(
            "c3",
            "H2",
            d(2021, 6, 1),
            d(2022, 3, 1),
            CarerReviewKind::First,
            false,
        ),
    ];
    // 20 working days after 1/11/2021: 29/11 (in time); after 1/12/2021:
    // 31/12 (27 and 28 December are bank holidays), so 20/1/2022 is late.
    r.disruption_meetings = vec![
        DisruptionMeeting {
            id: s("m1"),
            date: d(2021, 11, 15),
            children: vec![id("Q1"), id("Q2")],
            placement_ended: d(2021, 11, 1),
        },
        DisruptionMeeting {
            id: s("m2"),
            date: d(2022, 1, 20),
            children: vec![id("Q1")],
            placement_ended: d(2021, 12, 1),
        },
    ];
    r.protection_plans = vec![
        ChildProtectionPlan {
            id: s("p1"),
            child: id("Q1"),
            start: d(2021, 3, 1),
            end: None,
        },
        ChildProtectionPlan {
            id: s("p2"),
            child: id("Q2"),
            start: d(2021, 4, 15),
            end: Some(d(2021, 6, 30)),
        },
    ];
    // P1: first due 1/6/2021 (held 20/5), next due 20/11 (held 1/12, late).
    r.protection_conferences = [d(2021, 5, 20), d(2021, 12, 1)]
        .into_iter()
        .enumerate()
        .map(|(i, date)| ProtectionConference {
            id: format!("k{i}"),
            child: id("Q1"),
            date,
        })
        .collect();
    let story = |i: &str, c: &str, date, status| LifeStoryWork {
        id: s(i),
        child: id(c),
        date,
        status,
        form: Some(LifeStoryForm::Book.key().to_owned()),
    };
    r.life_story = vec![
        story("l1", "Q1", d(2021, 6, 1), LifeStoryStatus::InProgress),
        story("l2", "Q1", d(2021, 10, 10), LifeStoryStatus::AdequateForNow),
        story("l3", "Q2", d(2021, 7, 1), LifeStoryStatus::Complete),
    ];
    let views = |i: &str, date, route| ChildViews {
        id: s(i),
        child: id("Q1"),
        review_date: date,
        route,
    };
    r.views = vec![
        views("v1", d(2021, 10, 10), ViewsRoute::InPerson.key().to_owned()),
        views("v2", d(2022, 3, 1), ViewsRoute::Advocate.key().to_owned()),
        views(
            "v3",
            d(2022, 3, 1),
            ViewsRoute::MindOfMyOwn.key().to_owned(),
        ),
    ];
    let adv = |i: &str, c: &str, date, kind, care_leaver| Advocacy {
        id: s(i),
        child: id(c),
        date,
        kind,
        care_leaver,
    };
    r.advocacy = vec![
        adv("a1", "Q1", d(2021, 5, 1), AdvocacyKind::Referral, false),
        adv("a2", "Q1", d(2021, 5, 10), AdvocacyKind::Contact, false),
        adv(
            "a3",
            "Q1",
            d(2022, 3, 1),
            AdvocacyKind::ReviewAttendance,
            false,
        ),
        adv("a4", "CL1", d(2021, 7, 7), AdvocacyKind::Contact, true),
    ];
    let alert = |i: &str, c: &str, raised, theme: &str, closed, outcome| CaseAlert {
        id: s(i),
        child: id(c),
        raised,
        theme: s(theme),
        sub_theme: None,
        closed,
        outcome,
    };
    r.case_alerts = vec![
        alert(
            "e0",
            "Q1",
            d(2021, 2, 1),
            "care planning",
            Some(d(2021, 4, 20)),
            Some(AlertOutcome::Withdrawn),
        ),
        alert(
            "e1",
            "Q1",
            d(2021, 9, 1),
            "Care Planning",
            Some(d(2021, 9, 8)),
            Some(AlertOutcome::Resolved),
        ),
        alert(
            "e2",
            "Q2",
            d(2021, 11, 1),
            "contact",
            Some(d(2021, 12, 1)),
            Some(AlertOutcome::Escalated),
        ),
        alert("e3", "Q1", d(2022, 3, 20), "care planning", None, None),
    ];
    r.sort();
    Dataset {
        children: vec![
            child("Q1", d(2012, 1, 1), Sex::Male, Ethnicity::WBRI),
            child("Q2", d(2015, 5, 5), Sex::Female, Ethnicity::WBRI),
        ],
        episodes: vec![
            ep("Q1", d(2020, 6, 1), None, "S", "C2", "U4", None),
            ep(
                "Q2",
                d(2021, 5, 1),
                Some(d(2021, 12, 31)),
                "S",
                "C2",
                "U4",
                Some("E4A"),
            ),
        ],
        reviews: vec![
            review("Q1", d(2021, 10, 10), Some("PN1")),
            review("Q1", d(2022, 3, 1), Some("PN5")),
            review("Q2", d(2021, 6, 10), Some("PN1")),
        ],
        case_records: r,
        ..Dataset::default()
    }
}

#[test]
fn the_views_by_route_rows_are_the_councils_list_retired_entries_too() {
    let mut data = case_record_data();
    // v3 by a route no entry has any longer (an older list).
    data.case_records.views[2].route = "text_message".to_owned();
    let mut settings = MeasureSettings {
        views_routes: crate::lists::CouncilList::of(&[
            ("in_person", "Face to face"),
            ("advocate", "Advocate"),
            ("postcard", "Postcard"),
        ]),
        ..MeasureSettings::default()
    };
    settings.views_routes.0[0].retired = true;
    let m = compute(
        &data,
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    let b = m.breakdown("views.by_route").unwrap();
    assert_eq!(
        b.keys().collect::<Vec<_>>(),
        ["in_person", "advocate", "postcard", "text_message"]
    );
    assert_eq!(b.value("in_person"), 1, "a retired route still counts");
    assert_eq!(b.value("text_message"), 1);
    assert_eq!(b.value("postcard"), 0);
    assert_eq!(m.key_label("views.by_route", "in_person"), "Face to face");
}

#[test]
fn other_meetings_dual_plans_and_case_records_by_hand() {
    let m = run(&case_record_data());
    let n = |id_: &str| m.count(id_).unwrap_or_else(|| panic!("{id_}"));
    assert_eq!(n("meetings.secure.reviews"), 2);
    assert_eq!(n("meetings.secure.children"), 1);
    assert_eq!(share(&m, "meetings.secure.in_time"), (1, 2));
    assert_eq!(bd(&m, "meetings.secure.by_decision", "criteria_not_met"), 1);
    assert_eq!(n("meetings.private_fostering.reviews"), 1);
    assert_eq!(n("meetings.private_fostering.children"), 1);
    assert_eq!(share(&m, "meetings.private_fostering.in_time"), (1, 1));
    assert_eq!(n("meetings.foster_carer.reviews"), 2);
    assert_eq!(n("meetings.foster_carer.households"), 2);
    assert_eq!(share(&m, "meetings.foster_carer.in_time"), (1, 2));
    assert_eq!(bd(&m, "meetings.foster_carer.by_kind", "first"), 1);
    assert_eq!(bd(&m, "meetings.foster_carer.by_kind", "annual"), 1);
    assert_eq!(n("meetings.foster_carer.to_panel"), 1);
    assert_eq!(n("meetings.disruption.meetings"), 2);
    assert_eq!(n("meetings.disruption.children"), 2);
    assert_eq!(share(&m, "meetings.disruption.in_time"), (1, 2));

    assert_eq!(n("dual_plans.end"), 1);
    let q = m.breakdown("dual_plans.quarter_end").unwrap();
    assert_eq!(
        q.entries
            .iter()
            .map(|(k, c)| (k.as_str(), c.value))
            .collect::<Vec<_>>(),
        [("Q1", 2), ("Q2", 1), ("Q3", 1), ("Q4", 1)]
    );
    assert_eq!(n("dual_plans.started"), 1, "Q2's, from coming into care");
    assert_eq!(n("dual_plans.ended"), 1);
    assert_eq!(n("dual_plans.ended_before_first_conference"), 1);
    assert_eq!(n("dual_plans.conferences"), 2);
    assert_eq!(share(&m, "dual_plans.conferences_in_time"), (1, 2));

    assert_eq!(bd(&m, "life_story.status.end", "adequate_for_now"), 1);
    assert_eq!(m.breakdown("life_story.status.end").unwrap().total(), 1);
    assert_eq!(share(&m, "life_story.tracked.end"), (1, 1));
    assert_eq!(share(&m, "life_story.adequate.end"), (1, 1));
    assert_eq!(share(&m, "life_story.complete.end"), (0, 1));
    assert_eq!(share(&m, "life_story.at_reviews"), (1, 3));

    assert_eq!(n("views.reviews"), 2);
    assert_eq!(bd(&m, "views.by_route", "in_person"), 1);
    assert_eq!(bd(&m, "views.by_route", "advocate"), 1);
    assert_eq!(bd(&m, "views.by_route", "mind_of_my_own"), 1);
    assert_eq!(share(&m, "views.recorded"), (2, 3));

    assert_eq!(n("advocacy.young_people"), 2);
    assert_eq!(n("advocacy.referrals"), 1);
    assert_eq!(n("advocacy.contacts"), 2);
    assert_eq!(n("advocacy.review_attendance"), 1);
    let g = m.grid("advocacy.by_quarter").unwrap();
    assert_eq!(g.get("Q1").unwrap().value("in_care"), 1);
    assert_eq!(g.get("Q1").unwrap().value("contacts"), 1);
    assert_eq!(g.get("Q2").unwrap().value("care_leavers"), 1);
    assert_eq!(g.get("Q4").unwrap().value("in_care"), 1);
    assert_eq!(g.column_total("contacts"), 2);

    assert_eq!(n("case_alerts.raised"), 3);
    // "care planning" and "Care Planning": the list's one entry, one row.
    assert_eq!(bd(&m, "case_alerts.by_theme", "care_planning"), 2);
    assert_eq!(
        m.key_label("case_alerts.by_theme", "care_planning"),
        "Care planning"
    );
    assert_eq!(bd(&m, "case_alerts.by_theme", "contact"), 1);
    assert_eq!(bd(&m, "case_alerts.by_outcome", "resolved"), 1);
    assert_eq!(bd(&m, "case_alerts.by_outcome", "escalated"), 1);
    assert_eq!(bd(&m, "case_alerts.by_outcome", "open"), 1);
    assert_eq!(share(&m, "case_alerts.closed_in_time"), (1, 3));
    assert_eq!(n("case_alerts.open.end"), 1);

    // Any period: the first quarter alone.
    let q1 = compute_period(
        &case_record_data(),
        Period {
            first: d(2021, 4, 1),
            last: d(2021, 6, 30),
        },
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(q1.count("meetings.secure.reviews"), Some(1));
    assert_eq!(q1.count("dual_plans.end"), Some(2));
    assert_eq!(
        q1.count("dual_plans.ended"),
        Some(1),
        "Q2's plan ended on 30/6"
    );
}

#[test]
fn the_adoption_scorecard_by_hand() {
    use crate::return_tables::{Adoption, AdoptionDecision, ReturnTables};
    let ad1 = |c: &str, decided: Option<NaiveDate>, matched, foster: Option<bool>| Adoption {
        child: id(c),
        year: year(),
        decided,
        matched,
        by_foster_carer: foster,
        adopters: None,
        adopters_sex: None,
        adopters_legal_status: None,
    };
    let data = Dataset {
        children: ["L", "M", "N"]
            .map(|c| child(c, d(2018, 1, 1), Sex::Male, Ethnicity::WBRI))
            .to_vec(),
        episodes: vec![
            // L: in care 01/04/2019; authority to place and the adoptive
            // placement (P, E1/A4) 01/04/2020; adopted 01/12/2021.
            ep(
                "L",
                d(2019, 4, 1),
                Some(d(2020, 4, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep(
                "L",
                d(2020, 4, 1),
                Some(d(2021, 12, 1)),
                "P",
                "E1",
                "A4",
                Some("E11"),
            ),
            // M: adopted by the foster carer: U1 from 01/06/2020, authority
            // to place 01/03/2021 (L: legal status only, same placement),
            // adopted 01/03/2022.
            ep(
                "M",
                d(2020, 6, 1),
                Some(d(2021, 3, 1)),
                "S",
                "C2",
                "U1",
                Some("X1"),
            ),
            ep(
                "M",
                d(2021, 3, 1),
                Some(d(2022, 3, 1)),
                "L",
                "E1",
                "U1",
                Some("E12"),
            ),
            // N: in care 01/01/2020, placed for adoption (A5) 01/07/2021
            // without authority recorded (C2), adopted 01/02/2022; no AD1.
            ep(
                "N",
                d(2020, 1, 1),
                Some(d(2021, 7, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep(
                "N",
                d(2021, 7, 1),
                Some(d(2022, 2, 1)),
                "P",
                "C2",
                "A5",
                Some("E11"),
            ),
        ],
        return_tables: ReturnTables {
            adoptions: vec![
                // L: decision 15/01/2020, matched 30/06/2020.
                ad1("L", Some(d(2020, 1, 15)), Some(d(2020, 6, 30)), Some(false)),
                // M: matched 01/09/2021, no DATE_INT, by the foster carer.
                ad1("M", None, Some(d(2021, 9, 1)), Some(true)),
            ],
            // M's decision from PlacedAdoption: 01/05/2021.
            adoption_decisions: vec![AdoptionDecision {
                child: id("M"),
                decided: d(2021, 5, 1),
                ceased: Some(d(2022, 3, 1)),
                reason_ceased: None,
            }],
            ..ReturnTables::default()
        },
        ..Dataset::default()
    };
    let m = run(&data);
    assert_eq!(m.count("adoption.adopted"), Some(3));
    // A10: L 01/04/2019 → 01/04/2020 = 366 days (2020 a leap year); M moved
    // in with the carers who adopted on entering care, 0 days; N
    // 01/01/2020 → 01/07/2021 = 366 + 181 = 547 days. Within 426: L and M.
    let Some(Measure::Average(a10)) = m.get("adoption.a10") else {
        panic!()
    };
    assert_eq!((a10.count.value, a10.total_days), (3, 913));
    let p = m.percent("adoption.a10_within_threshold").unwrap();
    assert_eq!((p.numerator.value, p.denominator.value), (2, 3));
    // A2: L 01/04/2020 → 30/06/2020 = 90 days; M 01/03/2021 → 01/09/2021 =
    // 184 days; N has no authority to place. Within 121: L.
    let Some(Measure::Average(a2)) = m.get("adoption.a2") else {
        panic!()
    };
    assert_eq!((a2.count.value, a2.total_days), (2, 274));
    assert_eq!(a2.value(), Some(137.0));
    let p = m.percent("adoption.a2_within_threshold").unwrap();
    assert_eq!((p.numerator.value, p.denominator.value), (1, 2));
    // Within 12 months of the decision: L decided 15/01/2020, adopted
    // 01/12/2021 (after 15/01/2021): no; M decided 01/05/2021
    // (PlacedAdoption), adopted 01/03/2022: yes; N: no decision held.
    let p = m.percent("adoption.within_12_months_of_shobpa").unwrap();
    assert_eq!((p.numerator.value, p.denominator.value), (1, 2));
    assert_eq!(kids(&m, "adoption.adopted").len(), 3);

    // The thresholds are the council's: at 365 days for A10 only M is
    // within; at 184 days for A2 both are.
    let settings = MeasureSettings {
        adoption_thresholds: AdoptionThresholds {
            a10_days: 365,
            a2_days: 184,
        },
        ..MeasureSettings::default()
    };
    let m = compute(
        &data,
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    let p = m.percent("adoption.a10_within_threshold").unwrap();
    assert_eq!(p.numerator.value, 1);
    let p = m.percent("adoption.a2_within_threshold").unwrap();
    assert_eq!(p.numerator.value, 2);
}

#[test]
fn care_leavers_by_hand() {
    use crate::return_tables::{CareLeaverOutcome, ReturnTables};
    let oc3 = |c: &str, y: CollectionYear, t, a, acc| CareLeaverOutcome {
        child: id(c),
        year: y,
        in_touch: t,
        activity: a,
        accommodation: acc,
    };
    let mut p = child("P", d(2003, 1, 10), Sex::Male, Ethnicity::WBRI);
    // UASC until the day P left care at 18: UASC when last looked after.
    p.uasc = Some(UascStatus {
        ceased: Some(d(2021, 1, 10)),
    });
    let mut r = child("R", d(2002, 6, 1), Sex::Female, Ethnicity::WBRI);
    // UASC status ceased long before R left care.
    r.uasc = Some(UascStatus {
        ceased: Some(d(2019, 1, 1)),
    });
    let data = Dataset {
        children: vec![
            p,
            child("Q", d(2003, 8, 1), Sex::Male, Ethnicity::WBRI),
            r,
            child("S", d(2002, 9, 1), Sex::Male, Ethnicity::WBRI),
        ],
        episodes: vec![
            ep(
                "P",
                d(2018, 5, 1),
                Some(d(2021, 1, 10)),
                "S",
                "C2",
                "U4",
                Some("E17"),
            ),
            ep(
                "R",
                d(2017, 5, 1),
                Some(d(2020, 6, 1)),
                "S",
                "C2",
                "U4",
                Some("E17"),
            ),
        ],
        return_tables: ReturnTables {
            care_leavers: vec![
                // P: in touch, higher education, independent living
                // (suitable).
                oc3(
                    "P",
                    year(),
                    Some(InTouch::Yes),
                    Some(CareLeaverActivity::F1),
                    Some(CareLeaverAccommodation::U1),
                ),
                // Q: not in touch, NEET, accommodation not known.
                oc3(
                    "Q",
                    year(),
                    Some(InTouch::No),
                    Some(CareLeaverActivity::G5),
                    Some(CareLeaverAccommodation::NotKnown),
                ),
                // R: in touch not recorded, activity not known, no fixed
                // abode (not suitable).
                oc3(
                    "R",
                    year(),
                    None,
                    Some(CareLeaverActivity::NotKnown),
                    Some(CareLeaverAccommodation::S2),
                ),
                // S: last year's return: not this year's.
                oc3(
                    "S",
                    year().previous(),
                    Some(InTouch::Yes),
                    Some(CareLeaverActivity::F5),
                    Some(CareLeaverAccommodation::U1),
                ),
            ],
            ..ReturnTables::default()
        },
        ..Dataset::default()
    };
    let m = run(&data);
    assert_eq!(m.count("care_leavers.count"), Some(3));
    assert_eq!(bd(&m, "care_leavers.in_touch", "YES"), 1);
    assert_eq!(bd(&m, "care_leavers.in_touch", "NO"), 1);
    assert_eq!(bd(&m, "care_leavers.in_touch", "not_recorded"), 1);
    assert_eq!(m.breakdown("care_leavers.in_touch").unwrap().total(), 3);
    // Suitable: of P and R (Q's is not known), P.
    let s = m
        .percent("care_leavers.suitable_accommodation_pct")
        .unwrap();
    assert_eq!((s.numerator.value, s.denominator.value), (1, 2));
    // EET: of P and Q (R's is not known), P.
    let e = m.percent("care_leavers.eet_pct").unwrap();
    assert_eq!((e.numerator.value, e.denominator.value), (1, 2));
    assert_eq!(kids(&m, "care_leavers.former_uasc"), ["P"]);
    // Last year's figures are last year's rows: S alone.
    let last = compute(
        &data,
        year().previous(),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(last.count("care_leavers.count"), Some(1));
    assert_eq!(kids(&last, "care_leavers.count"), ["S"]);
}

#[test]
fn placement_provider_and_children_turning_18_by_hand() {
    let open = |c: &str, provider: Option<PlacementProvider>| Episode {
        provider,
        ..ep(c, d(2020, 1, 1), None, "S", "C2", "U4", None)
    };
    let data = Dataset {
        children: vec![
            // Turns 18 on 10/05/2022: in 2022-23.
            child("X", d(2004, 5, 10), Sex::Male, Ethnicity::WBRI),
            // Turns 18 on 31/03/2023, the last day of 2022-23.
            child("Y", d(2005, 3, 31), Sex::Female, Ethnicity::WBRI),
            // Turns 18 on 01/04/2024, the first day of 2024-25.
            child("Z", d(2006, 4, 1), Sex::Male, Ethnicity::WBRI),
            // Turns 18 in 2028: beyond the three years.
            child("W", d(2010, 1, 1), Sex::Female, Ethnicity::WBRI),
        ],
        episodes: vec![
            open("X", Some(PlacementProvider::PR1)),
            open("Y", Some(PlacementProvider::PR4)),
            open("Z", None),
            open("W", Some(PlacementProvider::PR4)),
        ],
        ..Dataset::default()
    };
    let m = run(&data);
    assert_eq!(m.count("cla.end"), Some(4));
    assert_eq!(bd(&m, "placements.end.by_provider", "PR1"), 1);
    assert_eq!(bd(&m, "placements.end.by_provider", "PR4"), 2);
    assert_eq!(bd(&m, "placements.end.by_provider", "not_recorded"), 1);
    assert_eq!(
        m.breakdown("placements.end.by_provider").unwrap().total(),
        4
    );
    let t = m.breakdown("projection.turning_18").unwrap();
    assert_eq!(
        t.keys().collect::<Vec<_>>(),
        ["2022-23", "2023-24", "2024-25"]
    );
    assert_eq!(
        (t.value("2022-23"), t.value("2023-24"), t.value("2024-25")),
        (2, 0, 1)
    );
}

/// Counting several days in one pass over the children gives each day's
/// own count: days before, inside and after every child's care, a day an
/// episode ends (not looked after on it) and a day one starts.
#[test]
fn looked_after_on_several_days_in_one_pass_counts_each_day_as_alone() {
    let data = stability_data();
    let mut problems = Vec::new();
    let care = care::CareIndex::build(&data, &mut problems);
    let mut days = vec![
        d(2000, 1, 1),
        d(2015, 1, 1),
        d(2018, 1, 1),
        d(2020, 9, 1),
        d(2021, 3, 31),
        d(2021, 5, 1),
        d(2030, 1, 1),
    ];
    for e in &data.episodes {
        days.push(e.start);
        days.extend(e.end);
        days.extend(e.end.and_then(|x| x.pred_opt()));
    }
    let together = care::looked_after_counts(&care, &days);
    assert_eq!(together.len(), days.len());
    for (day, count) in days.iter().zip(&together) {
        let alone = Count::of_children(care.looked_after_on(*day).map(|c| c.id.clone()));
        assert_eq!(count, &alone, "{day}");
        assert_eq!(count, &care::looked_after_count(&care, *day), "{day}");
    }
    assert!(together.iter().any(|c| c.value > 0));
    assert!(care::looked_after_counts(&care, &[]).is_empty());
}

#[test]
fn the_adoption_scorecards_three_year_averages_by_hand() {
    use crate::return_tables::{Adoption, ReturnTables};
    let ad1 = |c: &str, adopted: NaiveDate, matched: NaiveDate| Adoption {
        child: id(c),
        year: CollectionYear::of(adopted),
        decided: None,
        matched: Some(matched),
        by_foster_carer: Some(false),
        adopters: None,
        adopters_sex: None,
        adopters_legal_status: None,
    };
    let data = Dataset {
        children: ["A", "B"]
            .map(|c| child(c, d(2018, 1, 1), Sex::Female, Ethnicity::WBRI))
            .to_vec(),
        episodes: vec![
            // A: in care 01/04/2019, authority to place and the adoptive
            // placement (E1/A4) 01/10/2019, adopted 01/06/2020 (2020-21).
            ep(
                "A",
                d(2019, 4, 1),
                Some(d(2019, 10, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep(
                "A",
                d(2019, 10, 1),
                Some(d(2020, 6, 1)),
                "P",
                "E1",
                "A4",
                Some("E11"),
            ),
            // B: in care 01/05/2020, E1/A4 01/05/2021, adopted 01/03/2022
            // (2021-22).
            ep(
                "B",
                d(2020, 5, 1),
                Some(d(2021, 5, 1)),
                "S",
                "C2",
                "U4",
                Some("X1"),
            ),
            ep(
                "B",
                d(2021, 5, 1),
                Some(d(2022, 3, 1)),
                "P",
                "E1",
                "A4",
                Some("E11"),
            ),
        ],
        return_tables: ReturnTables {
            adoptions: vec![
                // A matched 01/01/2020; B matched 01/10/2021.
                ad1("A", d(2020, 6, 1), d(2020, 1, 1)),
                ad1("B", d(2022, 3, 1), d(2021, 10, 1)),
            ],
            ..ReturnTables::default()
        },
        ..Dataset::default()
    };
    // 2021-22 whole, the two years before for their headline figures (and
    // the scorecard) only, as the annual report computes them.
    let periods = [
        (Period::year(CollectionYear::new(2021)), Extent::Every),
        (Period::year(CollectionYear::new(2020)), Extent::Headline),
        (Period::year(CollectionYear::new(2019)), Extent::Headline),
    ];
    let years = compute_extents_as_of(
        &data,
        &periods,
        d(2022, 6, 1),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    // A Headline year's scorecard is the whole engine's.
    let whole = compute(
        &data,
        CollectionYear::new(2020),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    for (id_, _) in THREE_YEAR_SCORECARD {
        assert_eq!(years[1].get(id_), whole.get(id_), "{id_}");
    }
    let refs: Vec<&Measures> = years.iter().collect();
    let three = three_year_scorecard(&refs).expect("three years");
    let get = |id_: &str| &three.iter().find(|(k, _)| k == id_).unwrap().1;
    // A10: A 01/04/2019 → 01/10/2019 = 183 days; B 01/05/2020 → 01/05/2021
    // = 365 days; 548 ÷ 2 = 274; both within 426.
    let Measure::Average(a10) = get("adoption.a10_three_year") else {
        panic!()
    };
    assert_eq!((a10.count.value, a10.total_days), (2, 548));
    assert_eq!(a10.value(), Some(274.0));
    let Measure::Percent(p) = get("adoption.a10_three_year_within_threshold") else {
        panic!()
    };
    assert_eq!((p.numerator.value, p.denominator.value), (2, 2));
    // A2: A 01/10/2019 → 01/01/2020 = 92 days; B 01/05/2021 → 01/10/2021 =
    // 153 days; 245 ÷ 2 = 122.5; within 121: A only.
    let Measure::Average(a2) = get("adoption.a2_three_year") else {
        panic!()
    };
    assert_eq!((a2.count.value, a2.total_days), (2, 245));
    assert_eq!(a2.value(), Some(122.5));
    let Measure::Percent(p) = get("adoption.a2_three_year_within_threshold") else {
        panic!()
    };
    assert_eq!((p.numerator.value, p.denominator.value), (1, 2));
    // The year alone: B only.
    let Some(Measure::Average(one)) = years[0].get("adoption.a10") else {
        panic!()
    };
    assert_eq!((one.count.value, one.total_days), (1, 365));
    // Fewer than three years: no three-year figures.
    assert!(three_year_scorecard(&refs[..2]).is_none());
    // The children whose AD1 records the scorecards read.
    assert_eq!(
        adopted_between(&data, d(2020, 4, 1), d(2021, 3, 31)),
        vec![id("A")]
    );
    assert_eq!(
        adopted_between(&data, d(2019, 4, 1), d(2022, 3, 31)),
        vec![id("A"), id("B")]
    );
}

#[test]
fn unregistered_placements_by_hand() {
    use crate::schedule::SchedulePolicy;
    let data = Dataset {
        children: ["U", "V", "W", "X"]
            .map(|c| child(c, d(2008, 1, 1), Sex::Male, Ethnicity::WBRI))
            .to_vec(),
        episodes: vec![
            // U: in Z1 from 01/06/2021, still there on 31/03/2022.
            ep("U", d(2021, 6, 1), None, "S", "C2", "Z1", None),
            // V: in Z1 01/05/2021 to 01/08/2021, then foster care.
            ep(
                "V",
                d(2021, 5, 1),
                Some(d(2021, 8, 1)),
                "S",
                "C2",
                "Z1",
                Some("X1"),
            ),
            ep("V", d(2021, 8, 1), None, "P", "C2", "U4", None),
            // W: left Z1 on 01/04/2021, the year's first day (an episode
            // is open up to the day before its DEC): on none of its days.
            ep(
                "W",
                d(2021, 1, 1),
                Some(d(2021, 4, 1)),
                "S",
                "C2",
                "Z1",
                Some("E13"),
            ),
            // X: in a children's home all year.
            ep("X", d(2020, 1, 1), None, "S", "C2", "K2", None),
        ],
        ..Dataset::default()
    };
    // Not marked by the council: not computed.
    let m = run(&data);
    assert!(m.get("placements.end.unregistered").is_none());
    assert!(m.get("placements.unregistered.children").is_none());
    let settings = MeasureSettings {
        review_policy: SchedulePolicy {
            unregistered_placements: vec![PlacementType::Z1],
            ..SchedulePolicy::statutory()
        },
        ..MeasureSettings::default()
    };
    let m = compute(
        &data,
        year(),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
    );
    // On 31/03/2022: U. In the year: U and V (W's episode ended on the
    // year's first day, so was open on none of its days).
    assert_eq!(m.count("placements.end.unregistered"), Some(1));
    assert_eq!(kids(&m, "placements.end.unregistered"), vec!["U"]);
    assert_eq!(m.count("placements.unregistered.children"), Some(2));
    assert_eq!(kids(&m, "placements.unregistered.children"), vec!["U", "V"]);
    // Of the children in care on 31/03/2022 (U, V, X).
    assert_eq!(m.count("cla.end"), Some(3));
}

#[test]
fn children_in_care_through_the_year_by_hand() {
    let mut b = child("B", d(2006, 3, 1), Sex::Female, Ethnicity::WBRI);
    // UASC until 01/12/2021: UASC on 30 November, not on 31 December.
    b.uasc = Some(UascStatus {
        ceased: Some(d(2021, 12, 1)),
    });
    let graded = |c: &str, date, pn, grade: Option<QualityGrade>| Review {
        details: Some(ReviewDetails {
            quality: grade,
            ..ReviewDetails::default()
        }),
        ..review(c, date, pn)
    };
    let data = Dataset {
        children: vec![
            child("A", d(2010, 5, 1), Sex::Male, Ethnicity::WBRI),
            b,
            child("C", d(2012, 7, 1), Sex::Female, Ethnicity::WBRI),
            child("D", d(2015, 1, 1), Sex::Male, Ethnicity::WBRI),
        ],
        episodes: vec![
            // A: section 20 (V2) from 15/05/2021, a care order (C2) from
            // 01/10/2021, in foster care (U4) throughout.
            ep(
                "A",
                d(2021, 5, 15),
                Some(d(2021, 10, 1)),
                "S",
                "V2",
                "U4",
                Some("X1"),
            ),
            ep("A", d(2021, 10, 1), None, "L", "C2", "U4", None),
            // B: in a children's home (K2) from 01/04/2021.
            ep("B", d(2021, 4, 1), None, "S", "C2", "K2", None),
            // C: two periods of care in U4, 01/06/2021–01/07/2021 and from
            // 01/09/2021.
            ep(
                "C",
                d(2021, 6, 1),
                Some(d(2021, 7, 1)),
                "S",
                "C2",
                "U4",
                Some("E4A"),
            ),
            ep("C", d(2021, 9, 1), None, "S", "C2", "U4", None),
            // D: short breaks (V3) in August and February only.
            ep(
                "D",
                d(2021, 8, 10),
                Some(d(2021, 8, 12)),
                "S",
                "V3",
                "U4",
                Some("E13"),
            ),
            ep(
                "D",
                d(2022, 2, 1),
                Some(d(2022, 2, 3)),
                "S",
                "V3",
                "U4",
                Some("E13"),
            ),
        ],
        reviews: vec![
            // Held in the year: A's two (one graded), B's (903 only, not
            // graded), C's in the first period (no grade).
            graded("A", d(2021, 6, 10), Some("PN1"), Some(QualityGrade::Good)),
            graded("A", d(2021, 11, 1), Some("PN5"), None),
            review("B", d(2021, 4, 20), None),
            graded("C", d(2021, 6, 15), Some("PN2"), None),
        ],
        ..Dataset::default()
    };
    let m = run(&data);
    let month = |id_: &str, ym: &str, key: &str| m.grid(id_).unwrap().get(ym).unwrap().value(key);
    // Section 20 on the month ends 31/05 to 30/09 (A), then none.
    let s20: Vec<u64> = m
        .grid("profile.section20.by_month")
        .unwrap()
        .rows
        .iter()
        .map(|(_, b)| b.value("section_20"))
        .collect();
    assert_eq!(s20, [0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    // UASC on 30/04 to 30/11 (B), then none.
    assert_eq!(month("profile.uasc.by_month", "2021-11", "uasc"), 1);
    assert_eq!(month("profile.uasc.by_month", "2021-12", "uasc"), 0);
    let uasc: u64 = m
        .grid("profile.uasc.by_month")
        .unwrap()
        .rows
        .iter()
        .map(|(_, b)| b.value("uasc"))
        .sum();
    assert_eq!(uasc, 8);
    // By sex on each quarter's last day: 30/06 A, B, C (C's first
    // period); 30/09, 31/12, 31/03 A, B, C (C's second). D never (short
    // breaks only).
    let by_sex = m.grid("profile.by_quarter.sex").unwrap();
    for q in ["Q1", "Q2", "Q3", "Q4"] {
        let row = by_sex.get(q).unwrap();
        assert_eq!(
            (row.value("M"), row.value("F"), row.value("all")),
            (1, 2, 3),
            "{q}"
        );
    }
    assert_eq!(
        by_sex.get("Q4").unwrap().value("all"),
        m.count("cla.end").unwrap()
    );
    // Short breaks: D in Q2 (August) and Q4 (February).
    let sb = m.breakdown("profile.short_breaks.by_quarter").unwrap();
    assert_eq!(["Q1", "Q2", "Q3", "Q4"].map(|q| sb.value(q)), [0, 1, 0, 1]);
    // Starts by placement: U4 periods A, C, C (3), children A, C (2); K2 B.
    assert_eq!(bd(&m, "starts.by_placement", "U4"), 3);
    assert_eq!(bd(&m, "starts.children_by_placement", "U4"), 2);
    assert_eq!(bd(&m, "starts.children_by_placement", "K2"), 1);
    // Quality: 4 reviews held, 1 graded.
    assert_eq!(m.count("reviews.held"), Some(4));
    let p = m.percent("quality.completion_pct").unwrap();
    assert_eq!((p.numerator.value, p.denominator.value), (1, 4));
    // At their last review, children in care on 31/03/2022: A PN5 (the
    // later), B none recorded, C none yet in the current period (the
    // review of 15/06/2021 was in the period before).
    let last = m.breakdown("participation.children_last_review").unwrap();
    assert_eq!(last.value("PN5"), 1);
    assert_eq!(last.value("PN1"), 0);
    assert_eq!(last.value("none"), 1);
    assert_eq!(last.value("no_review"), 1);
    assert_eq!(last.total(), m.count("cla.end").unwrap());
    // Over a quarter to date: one month row, one quarter of short breaks.
    let q2 = compute_period(
        &data,
        Period {
            first: d(2021, 7, 1),
            last: d(2021, 8, 20),
        },
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(q2.grid("profile.section20.by_month").unwrap().rows.len(), 2);
    assert!(q2.grid("profile.by_quarter.sex").unwrap().rows.is_empty());
    let sb = q2.breakdown("profile.short_breaks.by_quarter").unwrap();
    assert_eq!(sb.keys().collect::<Vec<_>>(), ["Q2"]);
    assert_eq!(sb.value("Q2"), 1);
}

#[test]
fn children_in_care_by_census_ethnic_group_by_hand() {
    use Ethnicity::*;
    let codes = [WROM, CHNE, AIND, BAFR, MWBA, NOBT];
    let names = ["E1", "E2", "E3", "E4", "E5", "E6"];
    let data = Dataset {
        children: names
            .iter()
            .zip(codes)
            .map(|(n, e)| child(n, d(2012, 1, 1), Sex::Female, e))
            .collect(),
        episodes: names
            .iter()
            .map(|n| ep(n, d(2021, 1, 1), None, "S", "C2", "U4", None))
            .collect(),
        ..Dataset::default()
    };
    let m = run(&data);
    // Gypsy/Roma is White; Chinese (CHNE) and Indian Asian, as the census
    // groups them; NOBT not known.
    let g = |k: &str| bd(&m, "profile.end.by_ethnic_group", k);
    assert_eq!(
        [
            g("white"),
            g("mixed"),
            g("asian"),
            g("black"),
            g("other"),
            g("not_known")
        ],
        [1, 1, 2, 1, 0, 1]
    );
    assert_eq!(
        m.breakdown("profile.end.by_ethnic_group").unwrap().total(),
        m.count("cla.end").unwrap()
    );
}

/// `profile.end.bme`: White British and black and minority ethnic (every
/// other recorded code: Gypsy/Roma, White Irish and other White included);
/// not recorded (REFU, NOBT) kept apart as the census groups' `not_known`,
/// the three adding up to `cla.end`.
#[test]
fn bme_total_is_every_code_but_white_british_with_not_recorded_apart() {
    use Ethnicity::*;
    let codes = [
        WBRI, WBRI, WROM, WIRI, WOTH, BAFR, CHNE, MWBA, OOTH, NOBT, REFU,
    ];
    let names: Vec<String> = (1..=codes.len()).map(|i| format!("E{i}")).collect();
    let data = Dataset {
        children: names
            .iter()
            .zip(codes)
            .map(|(n, e)| child(n, d(2012, 1, 1), Sex::Female, e))
            .collect(),
        episodes: names
            .iter()
            .map(|n| ep(n, d(2021, 1, 1), None, "S", "C2", "U4", None))
            .collect(),
        ..Dataset::default()
    };
    let m = run(&data);
    let b = m.breakdown("profile.end.bme").unwrap();
    assert_eq!(b.keys().collect::<Vec<_>>(), BME_KEYS);
    assert_eq!([b.value("white_british"), b.value("bme")], [2, 7]);
    // Not recorded is the census groups' not known, apart from both.
    let not_known = m.breakdown("profile.end.by_ethnic_group").unwrap();
    assert_eq!(not_known.value("not_known"), 2);
    assert_eq!(
        b.total() + not_known.value("not_known"),
        m.count("cla.end").unwrap()
    );
    // The rule, code by code.
    assert_eq!(WBRI.bme(), Some(false));
    assert_eq!(WROM.bme(), Some(true));
    assert_eq!(WIRT.bme(), Some(true));
    assert_eq!(REFU.bme(), None);
    assert_eq!(NOBT.bme(), None);
}

#[test]
fn month_index_is_the_row_of_the_month_in_months() {
    let year = Period::year(CollectionYear::new(2024));
    let months = year.months();
    assert_eq!(months.len(), 12);
    let mut day = year.first;
    while day <= year.last {
        let i = year.month_index(day).expect("a day of the period");
        use chrono::Datelike;
        assert_eq!(months[i], (day.year(), day.month()), "{day}");
        day = day.succ_opt().unwrap();
    }
    assert_eq!(year.month_index(d(2024, 3, 31)), None);
    assert_eq!(year.month_index(d(2025, 4, 1)), None);
    // A period of part of a month still has that month's row.
    let part = Period {
        first: d(2025, 1, 15),
        last: d(2025, 2, 3),
    };
    assert_eq!(part.month_index(d(2025, 1, 1)), Some(0));
    assert_eq!(part.month_index(d(2025, 2, 28)), Some(1));
    assert_eq!(part.month_index(d(2025, 3, 1)), None);
}

/// Case file audits of three children, around the year 2021-22 (see
/// `case_file_audits_by_hand`).
fn audit_data() -> Dataset {
    use crate::case_records::*;
    let audit = |i: &str,
                 c: &str,
                 requested,
                 requested_by,
                 theme: Option<&str>,
                 completed,
                 grade,
                 cancelled| CaseFileAudit {
        id: i.to_owned(),
        child: id(c),
        requested,
        requested_by,
        theme: theme.map(str::to_owned),
        completed,
        grade,
        findings: completed.map(|_: NaiveDate| "Plan not updated after the move".to_owned()),
        cancelled,
    };
    use AuditRequester::{Iro, ServiceManager as Sm};
    let mut data = Dataset::default();
    data.case_records.case_file_audits = vec![
        // Requested and completed in the year, graded; the theme by name.
        audit(
            "a1",
            "A",
            d(2021, 5, 1),
            Iro,
            Some("Care Planning"),
            Some(d(2021, 6, 10)),
            Some(QualityGrade::Good),
            None,
        ),
        // Completed in the year with no grade; completed after a report
        // date of 15/9/2021.
        audit(
            "a2",
            "A",
            d(2021, 9, 1),
            Sm,
            None,
            Some(d(2021, 10, 1)),
            None,
            None,
        ),
        audit(
            "a3",
            "B",
            d(2021, 11, 1),
            Iro,
            Some("placement"),
            None,
            None,
            Some(d(2021, 12, 1)),
        ),
        audit("a4", "B", d(2022, 2, 1), Sm, None, None, None, None),
        // Requested last year, completed this year.
        audit(
            "a5",
            "C",
            d(2021, 3, 1),
            Sm,
            None,
            Some(d(2021, 4, 20)),
            Some(QualityGrade::Inadequate),
            None,
        ),
        // Requested this year, completed after it.
        audit(
            "a6",
            "C",
            d(2022, 3, 10),
            Iro,
            None,
            Some(d(2022, 4, 5)),
            Some(QualityGrade::Outstanding),
            None,
        ),
        // Requested years ago, never done.
        audit("a7", "C", d(2020, 1, 1), Iro, None, None, None, None),
    ];
    data.case_records.sort();
    data
}

#[test]
fn case_file_audits_by_hand() {
    let data = audit_data();
    let m = run(&data);
    let n = |id_: &str| m.count(id_).unwrap_or_else(|| panic!("{id_}"));
    assert_eq!(n("audits.requested"), 5, "a1, a2, a3, a4, a6");
    assert_eq!(bd(&m, "audits.requested_by_outcome", "completed"), 2);
    assert_eq!(bd(&m, "audits.requested_by_outcome", "cancelled"), 1);
    assert_eq!(bd(&m, "audits.requested_by_outcome", "open"), 2, "a4, a6");
    assert_eq!(share(&m, "audits.completed_pct"), (2, 5));
    assert_eq!(bd(&m, "audits.by_requester", "iro"), 3);
    assert_eq!(bd(&m, "audits.by_requester", "service_manager"), 2);
    assert_eq!(
        m.key_label("audits.by_requester", "service_manager"),
        "The IRO service manager"
    );
    // A theme given by name is counted on its entry's row.
    assert_eq!(bd(&m, "audits.by_theme", "care_planning"), 1);
    assert_eq!(bd(&m, "audits.by_theme", "placement"), 1);
    assert_eq!(bd(&m, "audits.by_theme", "not_recorded"), 3);
    assert_eq!(m.breakdown("audits.by_theme").unwrap().total(), 5);
    assert_eq!(
        m.key_label("audits.by_theme", "care_planning"),
        "Care planning"
    );
    assert_eq!(n("audits.completed"), 3, "a1, a2 and last year's a5");
    assert_eq!(bd(&m, "audits.by_grade", "good"), 1);
    assert_eq!(bd(&m, "audits.by_grade", "inadequate"), 1);
    assert_eq!(bd(&m, "audits.by_grade", "not_graded"), 1);
    assert_eq!(bd(&m, "audits.by_grade", "outstanding"), 0, "a6: next year");
    assert_eq!(m.breakdown("audits.by_grade").unwrap().total(), 3);
    assert_eq!(n("audits.cancelled"), 1);
    assert_eq!(n("audits.open.end"), 3, "a4, a6 and a7");

    // The next year: a6 completed and graded; nothing requested.
    let next = compute(
        &data,
        CollectionYear::new(2022),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert_eq!(next.count("audits.requested"), Some(0));
    assert_eq!(share(&next, "audits.completed_pct"), (0, 0));
    assert_eq!(bd(&next, "audits.by_grade", "outstanding"), 1);
    assert_eq!(next.count("audits.open.end"), Some(2), "a4 and a7");

    // A period that ends after the report date (15/9/2021) counts nothing
    // after it: a2, requested on 1/9, is open; a6 is not yet requested.
    let to_date = compute_as_of(
        &data,
        Period::year(year()),
        d(2021, 9, 15),
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    );
    assert!(to_date.to_date.is_some(), "marked to date");
    assert_eq!(to_date.count("audits.requested"), Some(2));
    assert_eq!(bd(&to_date, "audits.requested_by_outcome", "completed"), 1);
    assert_eq!(bd(&to_date, "audits.requested_by_outcome", "open"), 1);
    assert_eq!(share(&to_date, "audits.completed_pct"), (1, 2));
    assert_eq!(to_date.count("audits.completed"), Some(2), "a1 and a5");
    assert_eq!(bd(&to_date, "audits.by_grade", "not_graded"), 0);
    assert_eq!(to_date.count("audits.cancelled"), Some(0));
    assert_eq!(to_date.count("audits.open.end"), Some(2), "a2 and a7");
}

#[test]
fn a_case_file_audit_is_completed_or_cancelled_after_its_request() {
    use crate::case_records::*;
    let ok = CaseFileAudit {
        id: "a".into(),
        child: id("A"),
        requested: d(2021, 5, 1),
        requested_by: AuditRequester::Iro,
        theme: None,
        completed: None,
        grade: None,
        findings: None,
        cancelled: None,
    };
    let check = |a: &CaseFileAudit| CaseRecord::CaseFileAudit(a.clone()).check();
    assert_eq!(check(&ok), Ok(()));
    assert_eq!(ok.status_on(d(2021, 4, 30)), AuditStatus::NotRequested);
    assert_eq!(ok.status_on(d(2021, 5, 1)), AuditStatus::Open);
    let done = CaseFileAudit {
        completed: Some(d(2021, 6, 1)),
        grade: Some(QualityGrade::Good),
        findings: Some("Good".into()),
        ..ok.clone()
    };
    assert_eq!(check(&done), Ok(()));
    assert_eq!(done.status_on(d(2021, 5, 31)), AuditStatus::Open);
    assert_eq!(done.status_on(d(2021, 6, 1)), AuditStatus::Completed);
    let early = CaseFileAudit {
        completed: Some(d(2021, 4, 1)),
        ..done.clone()
    };
    assert_eq!(
        check(&early),
        Err(CaseRecordError::AuditCompletedBeforeRequested)
    );
    let both = CaseFileAudit {
        cancelled: Some(d(2021, 6, 2)),
        ..done.clone()
    };
    assert_eq!(
        check(&both),
        Err(CaseRecordError::AuditCompletedAndCancelled)
    );
    let graded_open = CaseFileAudit {
        grade: Some(QualityGrade::Good),
        ..ok.clone()
    };
    assert_eq!(
        check(&graded_open),
        Err(CaseRecordError::AuditGradeWithoutCompletion)
    );
    let cancelled_early = CaseFileAudit {
        cancelled: Some(d(2021, 4, 1)),
        ..ok.clone()
    };
    assert_eq!(
        check(&cancelled_early),
        Err(CaseRecordError::AuditCancelledBeforeRequested)
    );
    let record = CaseRecord::CaseFileAudit(done.clone());
    assert_eq!(record.kind(), "case_file_audit");
    assert_eq!(record.span(), (d(2021, 5, 1), Some(d(2021, 6, 1))));
    assert_eq!(
        CaseRecord::CaseFileAudit(ok.clone()).span(),
        (d(2021, 5, 1), None),
        "open"
    );
    // The theme is put as the council's list holds it; one not on the
    // list is refused; blank is none.
    let themes = crate::lists::ThemeList::default_list();
    let mut named = CaseRecord::CaseFileAudit(CaseFileAudit {
        theme: Some("Care Planning".into()),
        ..ok.clone()
    });
    named.list_theme(&themes, None).unwrap();
    assert!(
        matches!(&named, CaseRecord::CaseFileAudit(a) if a.theme.as_deref() == Some("care_planning"))
    );
    let mut unknown = CaseRecord::CaseFileAudit(CaseFileAudit {
        theme: Some("Nonsense".into()),
        ..ok.clone()
    });
    assert!(unknown.list_theme(&themes, None).is_err());
    let mut blank = CaseRecord::CaseFileAudit(CaseFileAudit {
        theme: Some("  ".into()),
        ..ok
    });
    blank.list_theme(&themes, None).unwrap();
    assert!(matches!(&blank, CaseRecord::CaseFileAudit(a) if a.theme.is_none()));
}

/// The measures read only the 903 tables `RETURN_TABLES_READ` names: a
/// council's PrevPerm, SWEpisodes and DoLo records change no figure, so a
/// report's read may leave them out.
#[test]
fn no_measure_reads_the_other_tables_a_reports_read_leaves_out() {
    use crate::return_tables::{
        DeprivationOfLiberty, PreviousPermanence, SocialWorkerEpisode, TableRecord,
    };
    let mut data = care_data();
    let ids: Vec<ChildId> = data.children.iter().map(|c| c.id.clone()).collect();
    for (k, c) in ids.iter().enumerate() {
        let start = d(2021, 4, 1 + k as u32);
        data.return_tables
            .previous_permanence
            .push(PreviousPermanence {
                child: c.clone(),
                year: year(),
                kind: None,
                local_authority: Some("E09000001".into()),
                date: Some("01/01/2020".into()),
            });
        data.return_tables.social_workers.push(SocialWorkerEpisode {
            child: c.clone(),
            start,
            end: Some(d(2022, 1, 1)),
            worker: Some(format!("SW{k}")),
            reason: None,
        });
        data.return_tables
            .deprivation_of_liberty
            .push(DeprivationOfLiberty {
                child: c.clone(),
                start,
                end: None,
            });
    }
    let mut without = data.clone();
    without.return_tables.previous_permanence.clear();
    without.return_tables.social_workers.clear();
    without.return_tables.deprivation_of_liberty.clear();
    assert_eq!(run(&data), run(&without));
    assert_eq!(
        RETURN_TABLES_READ,
        ["oc3", "ad1", "placed_adoption"],
        "the tables read"
    );
    for left_out in [
        PreviousPermanence::KIND,
        SocialWorkerEpisode::KIND,
        DeprivationOfLiberty::KIND,
    ] {
        assert!(!RETURN_TABLES_READ.contains(&left_out));
    }
}

/// The periods of care are assembled from each child's run of episodes when
/// the records are in child order (as the store gives them), and from a
/// copy put in child order when they are not: the same figures either way.
#[test]
fn episodes_out_of_child_order_give_the_same_figures() {
    let data = care_data();
    let mut shuffled = data.clone();
    shuffled.episodes.reverse();
    let n = shuffled.episodes.len();
    shuffled.episodes.rotate_left(n / 3);
    assert!(!shuffled.episodes.is_sorted_by(|a, b| a.child <= b.child));
    let mut sorted = data.clone();
    sorted
        .episodes
        .sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    assert_eq!(run(&shuffled), run(&sorted));
    assert_eq!(run(&data), run(&sorted));
}
