//! Publication mode on synthetic councils: the cases of issue 11 as
//! regression tests, and many small random councils whose published
//! reports the audit must pass.

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{MeasureSettings, Period, compute_as_of};
use footprint_report::checks::CellRef;
use footprint_report::{AnnualReport, Format, performance, suppress};
use footprint_synth::{CouncilParams, generate};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn report(
    children_in_care: u32,
    years: u32,
    seed: u64,
    as_of: NaiveDate,
    year: CollectionYear,
    population: bool,
) -> AnnualReport {
    let data = generate(&CouncilParams::new(children_in_care, years, seed, as_of)).unwrap();
    let settings = MeasureSettings {
        population_0_17: population.then(|| u64::from(children_in_care) * 10_000 / 70),
        ..MeasureSettings::default()
    };
    AnnualReport::compute_as_of(
        &data,
        year,
        as_of,
        &settings,
        &WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        true,
    )
}

/// The number of cells hidden (primary, secondary) over both years.
fn hidden_counts(r: &AnnualReport) -> (usize, usize) {
    let p = suppress::publication(
        &r.this_year.measures,
        r.last_year.as_ref().map(|y| &y.measures),
    );
    let primary = p.primary().len();
    let all = r.this_year.hidden.len() + r.last_year.as_ref().map_or(0, |y| y.hidden.len());
    (primary, all - primary)
}

fn value(r: &AnnualReport, last: bool, measure: &str, key: &str) -> u64 {
    let y = if last {
        r.last_year.as_ref().unwrap()
    } else {
        &r.this_year
    };
    y.measures
        .cell(measure, &[key.to_owned()])
        .map_or(0, |c| c.value)
}

fn hidden(r: &AnnualReport, last: bool, measure: &str, key: &str) -> bool {
    let y = if last {
        r.last_year.as_ref().unwrap()
    } else {
        &r.this_year
    };
    y.hidden.contains(&CellRef::new(measure, &[key]))
}

/// The demo council (`footprint demo`, seed 7, 600 in care) as of
/// 2025-06-01, report for 2024-25: last year's legal status on 31 March had
/// L2 = 1 and J1 = 1 as the only small cells, so hiding just those two gave
/// both away (two cells of at least 1 summing to 2).
#[test]
fn the_demo_councils_legal_status_cannot_be_unpicked() {
    let r = report(600, 5, 7, d(2025, 6, 1), CollectionYear::new(2024), true);
    let ls = "profile.end.by_legal_status";
    assert_eq!(value(&r, true, ls, "L2"), 1);
    assert_eq!(value(&r, true, ls, "J1"), 1);
    assert!(hidden(&r, true, ls, "L2") && hidden(&r, true, ls, "J1"));
    // A third cell of the breakdown is hidden with them.
    let last = r.last_year.as_ref().unwrap();
    let in_breakdown = last.hidden.iter().filter(|c| c.measure == ls).count();
    assert!(in_breakdown >= 3, "{:?}", last.hidden);
    r.audit().expect("no hidden cell can be worked out");
    let json: serde_json::Value = serde_json::from_slice(&r.render(Format::Json).unwrap()).unwrap();
    let shown = &json["previous_year"]["measures"][ls];
    assert_eq!(shown["L2"], "c");
    assert_eq!(shown["J1"], "c");
    let hidden_in_json = shown
        .as_object()
        .unwrap()
        .values()
        .filter(|v| *v == "c")
        .count();
    assert!(hidden_in_json >= 3, "{shown}");
}

/// A council of 150 in care (`footprint generate --children-in-care 150
/// --seed 3`), 2024-25: challenges raised 16, informal 13, stage 1 3 and
/// alone hidden, so informal (or the total) is hidden with it, or stage 1
/// would be the total less informal. (The figures were 15, 13, 1 and 1
/// before the generator chose sub-themes, which moved its random numbers.)
#[test]
fn a_small_councils_challenge_stages_cannot_be_unpicked() {
    let r = report(150, 5, 3, d(2025, 6, 1), CollectionYear::new(2024), false);
    let st = "challenges.by_stage";
    assert_eq!(r.this_year.measures.count("challenges.raised"), Some(16));
    assert_eq!(value(&r, false, st, "informal"), 13);
    assert_eq!(value(&r, false, st, "stage 1"), 3);
    assert_eq!(value(&r, false, st, "stage 2"), 0);
    assert!(hidden(&r, false, st, "stage 1"));
    assert!(
        hidden(&r, false, st, "informal")
            || r.this_year
                .hidden
                .contains(&CellRef::new("challenges.raised", &[])),
        "{:?}",
        r.this_year.hidden
    );
    r.audit().expect("no hidden cell can be worked out");
}

/// The demo council's 2023-24 has three children whose ethnicity is not
/// recorded (hidden): children in care less White British less BME would
/// give them away, so the BME total is hidden with them, and nothing more
/// (before the rule, secondary suppression hid the ethnicity codes one by
/// one, then White British and the children in care themselves).
#[test]
fn a_small_not_recorded_hides_the_bme_total_and_no_more() {
    let r = report(600, 5, 7, d(2025, 6, 1), CollectionYear::new(2024), true);
    let groups = "profile.end.by_ethnic_group";
    assert_eq!(value(&r, true, groups, "not_known"), 3);
    assert!(hidden(&r, true, groups, "not_known"));
    assert!(hidden(&r, true, "profile.end.bme", "bme"));
    assert!(!hidden(&r, true, "profile.end.bme", "white_british"));
    assert!(!hidden(&r, true, "profile.end.by_ethnicity", "WBRI"));
    let last = r.last_year.as_ref().unwrap();
    assert!(!last.hidden.contains(&CellRef::new("cla.end", &[])));
    r.audit().expect("no hidden cell can be worked out");
    let json: serde_json::Value = serde_json::from_slice(&r.render(Format::Json).unwrap()).unwrap();
    assert_eq!(
        json["previous_year"]["measures"]["profile.end.bme"]["bme"],
        "c"
    );
    let model = r.model();
    let t = model.tables().find(|t| t.id == "profile-bme").unwrap();
    // This year, then last year's count and share: hidden.
    assert_eq!(t.rows[1].cells[2].display(), "c");
    assert_eq!(t.rows[1].cells[3].display(), "c");
}

/// The audit refuses the old suppression of the demo report (L2 and J1
/// alone), naming the cell and why.
#[test]
fn the_audit_names_a_cell_that_can_be_worked_out() {
    let mut r = report(600, 5, 7, d(2025, 6, 1), CollectionYear::new(2024), true);
    let ls = "profile.end.by_legal_status";
    let last = r.last_year.as_mut().unwrap();
    last.hidden
        .retain(|c| c.measure != ls || c.path == ["L2"] || c.path == ["J1"]);
    let err = r.render(Format::Html).unwrap_err().to_string();
    assert!(
        err.contains("profile.end.by_legal_status[J1] (2023-24)"),
        "{err}"
    );
    assert!(err.contains("can only be 1"), "{err}");
    assert!(err.contains("was not written"), "{err}");
}

/// A council whose published report cannot be protected (100 in care, seed
/// 3, 2024-25: five late reviews, one in each of five months, under a total
/// that is itself hidden, so at most 5) is refused, naming the cell.
#[test]
fn a_report_no_suppression_can_protect_is_refused() {
    let r = report(100, 5, 3, d(2025, 6, 1), CollectionYear::new(2024), true);
    let err = r.render(Format::Pdf).unwrap_err().to_string();
    assert!(err.contains("reviews.by_month["), "{err}");
    assert!(err.contains("can only be 1"), "{err}");
    assert!(err.contains("no other cell can be hidden"), "{err}");
}

/// Showing a count from 1 to 5 is refused too.
#[test]
fn a_small_count_left_showing_is_refused() {
    let mut r = report(150, 3, 3, d(2025, 6, 1), CollectionYear::new(2024), false);
    let cell = r.this_year.hidden.iter().next().unwrap().clone();
    r.this_year.hidden.remove(&cell);
    let err = r.render(Format::Json).unwrap_err().to_string();
    assert!(err.contains("was not written"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 8,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    })]

    /// Many small councils (50 to 300 in care, any seed, one of the last
    /// three years): every published report passes the audit, and the
    /// secondary cells stay a modest share of what is shown.
    #[test]
    fn no_hidden_cell_of_a_small_council_can_be_worked_out(
        children in 50u32..=300,
        seed in 0u64..10_000,
        back in 0i32..3,
    ) {
        let as_of = d(2025, 6, 1);
        let year = CollectionYear::new(2024 - back);
        let r = report(children, 4, seed, as_of, year, seed % 2 == 0);
        if let Some(problem) = &r.suppression_problem {
            // Five hidden cells of at least 1 under a hidden total of at
            // most 5 are all 1 whatever else is hidden: such a report is
            // refused, never written.
            prop_assert!(problem.contains("no other cell can be hidden"), "{problem}");
            prop_assert!(r.render(Format::Json).is_err());
            return Ok(());
        }
        let found = suppress::audit(
            &r.this_year.measures,
            &r.this_year.hidden,
            r.last_year.as_ref().map(|y| (&y.measures, &y.hidden)),
        )
        .unwrap();
        prop_assert!(found.is_empty(), "{} in care, seed {seed}, {year}: {}", children, found[0]);
        prop_assert!(r.render(Format::Json).is_ok());
        let (primary, secondary) = hidden_counts(&r);
        eprintln!("{children} in care, seed {seed}, {year}: {primary} primary, {secondary} secondary");
    }
}

fn published_page(
    children_in_care: u32,
    seed: u64,
    month: (i32, u32),
) -> (
    footprint_domain::model::Dataset,
    MeasureSettings,
    performance::PerformancePage,
) {
    let as_of = d(2025, 6, 1);
    let data = generate(&CouncilParams::new(children_in_care, 3, seed, as_of)).unwrap();
    let settings = MeasureSettings {
        population_0_17: Some(u64::from(children_in_care) * 10_000 / 70),
        ..MeasureSettings::default()
    };
    let page = performance::compute_published_as_of(
        &data,
        month,
        as_of,
        &settings,
        &performance::PerformanceSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    )
    .unwrap();
    (data, settings, page)
}

/// Every figure of a row of the page's JSON: the three months, the year to
/// date and last year.
fn row_values(row: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut v: Vec<serde_json::Value> = row["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].clone())
        .collect();
    v.push(row["year_to_date"].clone());
    v.push(row["last_year"].clone());
    v
}

#[test]
fn the_published_performance_page_has_no_count_from_1_to_5() {
    let mut hidden = 0;
    for (children, seed, month) in [
        (150, 3, (2025, 3)),
        (60, 5, (2024, 12)),
        (90, 8, (2024, 7)),
        (50, 2, (2024, 6)),
        (70, 4, (2023, 5)),
    ] {
        let (_, _, page) = published_page(children, seed, month);
        assert!(page.publication);
        let json: serde_json::Value =
            serde_json::from_str(&performance::render_json(&page)).unwrap();
        for row in json["rows"].as_array().unwrap() {
            let unit = row["unit"].as_str().unwrap();
            assert!(
                ["count", "percent", "rate", "per_fte", "mean"].contains(&unit),
                "{unit}"
            );
            for v in row_values(row) {
                if v == "c" {
                    hidden += 1;
                }
                if unit == "count"
                    && let Some(x) = v.as_f64()
                {
                    assert!(
                        x == 0.0 || x > 5.0,
                        "{}: a count of {x} is shown",
                        row["id"]
                    );
                }
            }
            for m in row["months"].as_array().unwrap() {
                if m["value"] == "c" {
                    assert_eq!(m["direction"], "not_known", "{}", row["id"]);
                }
            }
        }
        // The tiles show no count from 1 to 5 either.
        for t in json["tiles"].as_array().unwrap() {
            if t["unit"] == "count"
                && let Some(x) = t["value"].as_f64()
            {
                assert!(x == 0.0 || x > 5.0, "{}: a count of {x} is shown", t["id"]);
            }
        }
        let html = performance::render_html(&page);
        assert!(html.contains("For publication"));
        performance::render_xlsx(&page).unwrap();
    }
    assert!(hidden > 0, "small councils have small counts");
}

/// A percentage, rate or ratio follows the counts it is worked out from: a
/// month whose numerator or denominator is from 1 to 5 shows `c`.
#[test]
fn published_percentages_follow_their_counts() {
    let (data, settings, page) = published_page(60, 5, (2024, 12));
    let cal = WorkingDayCalendar::england_and_wales();
    let perf = performance::PerformanceSettings::default();
    let mut checked = 0;
    for (row, indicator) in page.rows.iter().zip(&perf.indicators) {
        let performance::ValueRule::Percent { measure } = &indicator.value else {
            continue;
        };
        for m in &row.months {
            let (y, mo) = performance::parse_month(&m.month).unwrap();
            let period = match indicator.basis {
                performance::Basis::RollingYear => Period::rolling_year(y, mo),
                _ => Period::month(y, mo),
            }
            .unwrap();
            let ms = compute_as_of(&data, period, d(2025, 6, 1), &settings, &cal);
            let p = ms.percent(measure).unwrap();
            if (1..=5).contains(&p.numerator.value) || (1..=5).contains(&p.denominator.value) {
                assert_eq!(
                    m.value,
                    performance::PageValue::Suppressed,
                    "{} {}",
                    row.id,
                    m.month
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}

/// How many cells primary and secondary suppression hide on councils of
/// several sizes (the figures in docs/report-json.md). Run with
/// `--ignored --nocapture`.
#[test]
#[ignore = "prints the figures for docs/report-json.md (about a minute)"]
fn cells_hidden_on_typical_councils() {
    for children in [100u32, 300, 600, 1500] {
        for seed in [1u64, 2, 3] {
            let r = report(
                children,
                5,
                seed,
                d(2025, 6, 1),
                CollectionYear::new(2024),
                true,
            );
            let p = suppress::publication(
                &r.this_year.measures,
                r.last_year.as_ref().map(|y| &y.measures),
            );
            if let Some(problem) = &r.suppression_problem {
                eprintln!("{children} in care, seed {seed}: {problem}");
                continue;
            }
            let (primary, secondary) = hidden_counts(&r);
            eprintln!(
                "{children} in care, seed {seed}: {} counts, {primary} primary, {secondary} secondary",
                p.values.len()
            );
        }
    }
}

/// The page shows children in care at each month's end beside the month's
/// admissions and periods ended: in care at the start plus admissions are
/// in care at the end plus those who left. A hidden admissions or ceased
/// count must not be the only unknown of that balance, for a month or for
/// the year to date (whose start is last year's 31 March figure).
#[test]
fn the_care_balance_does_not_give_away_a_hidden_month() {
    let mut balances = 0;
    for (children, seed, month) in [
        (50, 2, (2024, 6)),
        (60, 5, (2024, 12)),
        (70, 4, (2023, 5)),
        (90, 8, (2024, 7)),
        (55, 9, (2025, 2)),
    ] {
        let (_, _, page) = published_page(children, seed, month);
        let json: serde_json::Value =
            serde_json::from_str(&performance::render_json(&page)).unwrap();
        let row = |id: &str| {
            json["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
                .unwrap()
                .clone()
        };
        let (cla, adm, ceased) = (row("cla.count"), row("admissions"), row("ceased"));
        let hidden = |v: &serde_json::Value| *v == "c";
        for j in 1..3 {
            let unknowns = [
                &cla["months"][j - 1]["value"],
                &cla["months"][j]["value"],
                &adm["months"][j]["value"],
                &ceased["months"][j]["value"],
            ]
            .iter()
            .filter(|v| hidden(v))
            .count();
            assert_ne!(unknowns, 1, "{children} in care, seed {seed}, month {j}");
            balances += 1;
        }
        let unknowns = [
            &cla["last_year"],
            &cla["months"][2]["value"],
            &adm["year_to_date"],
            &ceased["year_to_date"],
        ]
        .iter()
        .filter(|v| hidden(v))
        .count();
        assert_ne!(unknowns, 1, "{children} in care, seed {seed}, year to date");
    }
    assert!(balances > 0);
}

/// R20-K10: the initial health assessments month by month add up to the
/// year's (`health.assessments.initial`), in the table and in report.json;
/// the review ones split into in time, late and not done; published, the
/// month table shows no count from 1 to 5.
#[test]
fn initial_health_assessments_by_month_add_up_and_hide_small_counts() {
    let as_of = d(2025, 6, 1);
    let data = generate(&CouncilParams::new(600, 5, 7, as_of)).unwrap();
    let r = AnnualReport::compute_as_of(
        &data,
        CollectionYear::new(2024),
        as_of,
        &MeasureSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        false,
    );
    r.check().expect("consistent");
    let m = &r.this_year.measures;
    let months = m.grid("health.assessments.initial.by_month").unwrap();
    assert_eq!(months.rows.len(), 12);
    let initial = |k: &str| value(&r, false, "health.assessments.initial", k);
    assert!(initial("in_time") + initial("late") + initial("not_done") > 0);
    for k in ["in_time", "late", "not_done"] {
        assert_eq!(months.column_total(k), initial(k), "{k}");
    }
    let reviews = m.percent("health.assessments.reviews_in_time").unwrap();
    let split = |k: &str| value(&r, false, "health.assessments.reviews", k);
    assert_eq!(split("in_time"), reviews.numerator.value);
    assert_eq!(
        split("in_time") + split("late") + split("not_done"),
        reviews.denominator.value
    );
    assert!(
        m.percent("health.assessments.dental_up_to_date.start")
            .is_some()
    );
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "initial-health-assessments-by-month")
        .expect("the table");
    // Month, then in time, late, not done and % for this year and last.
    assert_eq!(t.columns.len(), 9);
    assert_eq!(t.rows.len(), 13);
    let total = t.rows.last().unwrap();
    assert!(total.total);
    assert_eq!(total.cells[0].display(), initial("in_time").to_string());
    assert_eq!(total.cells[2].display(), initial("not_done").to_string());
    let summed: u64 = t.rows[..12]
        .iter()
        .map(|row| row.cells[1].display().parse::<u64>().unwrap())
        .sum();
    assert_eq!(summed, initial("late"));
    let json: serde_json::Value = serde_json::from_slice(&r.render(Format::Json).unwrap()).unwrap();
    assert_eq!(
        json["measures"]["health.assessments.reviews"]["in_time"],
        split("in_time")
    );

    let r = report(600, 5, 7, as_of, CollectionYear::new(2024), true);
    r.audit().expect("no hidden cell can be worked out");
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "initial-health-assessments-by-month")
        .unwrap();
    for row in &t.rows {
        for c in &row.cells {
            if let Ok(n) = c.display().parse::<u64>() {
                assert!(n == 0 || n > 5, "small count {n} shown in {}", row.header);
            }
        }
    }
}
