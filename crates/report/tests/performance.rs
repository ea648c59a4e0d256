//! The performance page on the synthetic council of `common`.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::measures::{Benchmark, Period, compute_period};
use footprint_report::performance::{self, Direction, PerformanceSettings};

fn page() -> performance::PerformancePage {
    let mut settings = common::settings();
    settings.benchmarks.insert(
        "stability.three_plus".into(),
        Benchmark {
            statistical_neighbours: Some(8.6),
            best_neighbour: Some(6.1),
            region: Some(9.4),
            england: Some(10.0),
            top_quartile: Some(9.9),
            year: Some("2021-22".into()),
        },
    );
    performance::compute(
        &common::dataset(),
        (2022, 1),
        &settings,
        &PerformanceSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    )
    .unwrap()
}

#[test]
fn months_year_to_date_and_last_year_come_from_the_measures() {
    let page = page();
    assert_eq!(
        (
            page.month.as_str(),
            page.year.as_str(),
            page.last_year.as_str()
        ),
        ("2022-01", "2021-22", "2020-21")
    );
    let data = common::dataset();
    let cal = WorkingDayCalendar::england_and_wales();
    let s = common::settings();
    let cla = page.rows.iter().find(|r| r.id == "cla.count").unwrap();
    let months: Vec<&str> = cla.months.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(months, ["2021-11", "2021-12", "2022-01"]);
    for m in &cla.months {
        let (y, mo) = performance::parse_month(&m.month).unwrap();
        let measures = compute_period(&data, Period::month(y, mo).unwrap(), &s, &cal);
        assert_eq!(
            m.value.number(),
            measures.count("cla.end").map(|v| v as f64)
        );
    }
    // Snapshot: no year to date. Last year: on 31 March 2021.
    assert_eq!(cla.year_to_date, performance::PageValue::NotKnown);
    let last = compute_period(
        &data,
        Period::year(footprint_domain::dates::CollectionYear::new(2020)),
        &s,
        &cal,
    );
    assert_eq!(
        cla.last_year.number(),
        last.count("cla.end").map(|v| v as f64)
    );
    // Flow: the year to date is April 2021 to January 2022.
    let reviews = page
        .rows
        .iter()
        .find(|r| r.id == "reviews.in_time")
        .unwrap();
    let ytd = compute_period(&data, Period::year_to_date(2022, 1).unwrap(), &s, &cal);
    let expected = ytd
        .percent("reviews.in_time_pct")
        .unwrap()
        .value()
        .map(|x| (x * 10.0).round() / 10.0);
    assert_eq!(reviews.year_to_date.number(), expected);
    assert!(reviews.rag.is_some(), "reviews in time has thresholds");
    // Direction compares with the month before.
    for w in cla.months.windows(2) {
        let expect = match (w[0].value.number(), w[1].value.number()) {
            (Some(a), Some(b)) if b > a => Direction::Up,
            (Some(a), Some(b)) if b < a => Direction::Down,
            (Some(_), Some(_)) => Direction::Same,
            _ => Direction::NotKnown,
        };
        assert_eq!(w[1].direction, expect);
    }
    // Benchmarks from the settings.
    let three = page
        .rows
        .iter()
        .find(|r| r.id == "stability.three_plus")
        .unwrap();
    assert_eq!(three.benchmark.england, Some(10.0));
    assert_eq!(three.benchmark.best_neighbour, Some(6.1));
    // The page shows them, with the direction of travel in words.
    let html = performance::render_html(&page);
    for h in [
        "Direction of travel",
        "Target",
        "Best neighbour",
        "Region",
        "Benchmark year",
    ] {
        assert!(
            html.contains(&format!(r#"<th scope="col">{h}</th>"#)),
            "{h}"
        );
    }
    assert!(html.contains(r#"<td class="n">6.1</td>"#));
}

#[test]
fn a_target_gives_the_rag_where_an_indicator_has_no_thresholds() {
    let mut settings = common::settings();
    // Participation has no thresholds in the default list; high is good.
    // A percentage's target above 100 is refused, naming it.
    settings.targets.insert("participation.rate".into(), 101.0);
    let err = page_with(&settings, &PerformanceSettings::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`participation.rate` 101") && err.contains("percentage from 0 to 100"),
        "{err}"
    );
    settings.targets.insert("participation.rate".into(), 100.0);
    let page = page_with(&settings, &PerformanceSettings::default()).unwrap();
    let row = page.rows.iter().find(|r| r.id == "participation").unwrap();
    assert_eq!(row.target, Some(100.0));
    if let Some(v) = row.months[2].value.number() {
        let expected = if v >= 100.0 {
            performance::Rag::Green
        } else {
            performance::Rag::Red
        };
        assert_eq!(row.rag, Some(expected), "{v} against 100");
    }
    settings.targets.insert("participation".into(), 0.0);
    let page = page_with(&settings, &PerformanceSettings::default()).unwrap();
    let row = page.rows.iter().find(|r| r.id == "participation").unwrap();
    assert_eq!(row.target, Some(0.0), "the indicator's own id comes first");
    if row.months[2].value.number().is_some() {
        assert_eq!(row.rag, Some(performance::Rag::Green));
    }
}

#[test]
fn the_annual_report_shows_targets_and_benchmarks_beside_the_figures() {
    let mut report = common::report(false);
    report
        .settings
        .targets
        .insert("reviews.in_time_pct".into(), 90.0);
    report.settings.benchmarks.insert(
        "reviews.in_time".into(),
        Benchmark {
            england: Some(88.5),
            best_neighbour: Some(97.0),
            year: Some("2022-23".into()),
            ..Benchmark::default()
        },
    );
    let model = report.model();
    let summary = model.tables().find(|t| t.id == "summary").unwrap();
    assert_eq!(
        &summary.columns[summary.columns.len() - 4..],
        ["Target", "Against target", "Best neighbour", "England"]
    );
    assert!(
        summary.caption.contains("benchmarks: 2022-23"),
        "{}",
        summary.caption
    );
    let row = summary
        .rows
        .iter()
        .find(|r| r.header == "Reviews held in time")
        .unwrap();
    let n = row.cells.len();
    let value = row.cells[0].number().unwrap();
    assert_eq!(row.cells[n - 4].display(), "90.0%");
    assert_eq!(
        row.cells[n - 3].display(),
        if value >= 90.0 { "met" } else { "not met" }
    );
    assert_eq!(row.cells[n - 1].display(), "88.5%");
    // A row with none has blanks.
    let held = summary
        .rows
        .iter()
        .find(|r| r.header == "Reviews held")
        .unwrap();
    assert_eq!(held.cells[n - 1], footprint_report::model::Cell::Blank);
    // And every format carries it.
    let html = String::from_utf8(report.render(footprint_report::Format::Html).unwrap()).unwrap();
    assert!(html.contains(r#"<th scope="col" class="n">Against target</th>"#));
}

#[test]
fn renders_html_xlsx_and_json() {
    let page = page();
    let html = performance::render_html(&page);
    assert!(
        html.contains("<caption>")
            && html.contains(r#"<th scope="row">% of reviews held in time</th>"#)
    );
    assert!(html.contains("Definitions"));
    let json: serde_json::Value = serde_json::from_str(&performance::render_json(&page)).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), page.rows.len());
    let bytes = performance::render_xlsx(&page).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Performance").unwrap();
    let cla = page.rows.iter().position(|r| r.id == "cla.count").unwrap();
    let v = page.rows[cla].months[2].value.number().unwrap();
    assert_eq!(sheet.get_value((3 + cla as u32, 5)), Some(&Data::Float(v)));
    // Reference, plan code and indicator come first, then the months.
    // A percentage is held as the fraction its cell shows as a percentage.
    let (k, pct_row) = page
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.unit == performance::Unit::Percent && r.months[2].value.number().is_some())
        .expect("a percentage row with a value");
    let p = pct_row.months[2].value.number().unwrap();
    match sheet.get_value((3 + k as u32, 5)) {
        Some(Data::Float(x)) => assert!((x - p / 100.0).abs() < 1e-9, "{x} vs {p}"),
        other => panic!("{other:?}"),
    }
}

fn page_with(
    settings: &footprint_domain::measures::MeasureSettings,
    perf: &PerformanceSettings,
) -> Result<performance::PerformancePage, performance::PerformanceError> {
    performance::compute(
        &common::dataset(),
        (2022, 1),
        settings,
        perf,
        &WorkingDayCalendar::england_and_wales(),
    )
}

#[test]
fn rules_count_part_of_a_breakdown_average_a_measure_and_divide_two_counts() {
    // Written as a council writes its --indicators file.
    let perf: PerformanceSettings = serde_json::from_value(serde_json::json!({
        "indicators": [
            {"id": "ceased.sgo", "name": "Ceased: special guardianship orders",
             "definition": "REC E43, E44, E47, E48.", "basis": "rolling_year",
             "value": {"kind": "part", "measure": "ceased.by_reason", "keys": ["E43", "E44", "E47", "E48"]},
             "polarity": "info"},
            {"id": "ceased.adopted.pct", "name": "% ceased by adoption",
             "definition": "E11 + E12 of all periods ended.", "basis": "rolling_year",
             "value": {"kind": "percent_of",
                       "numerator": {"measure": "ceased.by_reason", "keys": ["E11", "E12"]},
                       "denominator": {"measure": "ceased.total"}},
             "polarity": "high"},
            {"id": "sdq", "name": "Average SDQ score", "definition": "health.sdq_mean.",
             "basis": "rolling_year", "value": {"kind": "mean", "measure": "health.sdq_mean"},
             "polarity": "low"}
        ]
    }))
    .unwrap();
    let page = page_with(&common::settings(), &perf).unwrap();
    let data = common::dataset();
    let cal = WorkingDayCalendar::england_and_wales();
    let m = compute_period(
        &data,
        Period::rolling_year(2022, 1).unwrap(),
        &common::settings(),
        &cal,
    );
    let ceased = m.breakdown("ceased.by_reason").unwrap();
    let sgo: u64 = ["E43", "E44", "E47", "E48"]
        .iter()
        .map(|k| ceased.value(k))
        .sum();
    assert_eq!(page.rows[0].months[2].value.number(), Some(sgo as f64));
    assert_eq!(page.rows[0].unit, performance::Unit::Count);
    let adopted = ceased.value("E11") + ceased.value("E12");
    let total = m.count("ceased.total").unwrap();
    let expected =
        footprint_domain::measures::percent(adopted, total).map(|x| (x * 10.0).round() / 10.0);
    assert_eq!(page.rows[1].months[2].value.number(), expected);
    assert_eq!(page.rows[1].unit, performance::Unit::Percent);
    assert_eq!(page.rows[2].unit, performance::Unit::Mean);
}

#[test]
fn an_indicator_naming_no_measure_is_an_error_naming_it() {
    let mut perf = PerformanceSettings::default();
    perf.indicators[0].value = performance::ValueRule::Part {
        measure: "ceased.by_reasons".into(),
        keys: vec!["E43".into()],
    };
    let id = perf.indicators[0].id.clone();
    let e = page_with(&common::settings(), &perf)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("indicator `{id}`")), "{e}");
    assert!(e.contains("`ceased.by_reasons` is not a measure"), "{e}");
    // A measure of the wrong kind is named too.
    perf.indicators[0].value = performance::ValueRule::Count {
        measure: "reviews.in_time_pct".into(),
    };
    let e = page_with(&common::settings(), &perf)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`reviews.in_time_pct` is not a count"), "{e}");
    // An unknown field in the file is refused by name.
    let e = serde_json::from_value::<PerformanceSettings>(serde_json::json!({
        "indicators": [{"id": "x", "name": "x", "definition": "", "basis": "flow",
            "value": {"kind": "count", "measure": "cla.end", "key": "oops"}, "polarity": "info"}]
    }))
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `key`"), "{e}");
}

#[test]
fn a_benchmark_keyed_by_a_measure_id_is_shown_and_an_unknown_key_is_an_error() {
    let mut settings = common::settings();
    let england = Benchmark {
        england: Some(88.0),
        statistical_neighbours: Some(90.0),
        ..Benchmark::default()
    };
    settings
        .benchmarks
        .insert("reviews.in_time_pct".into(), england.clone());
    let page = page_with(&settings, &PerformanceSettings::default()).unwrap();
    let row = page
        .rows
        .iter()
        .find(|r| r.id == "reviews.in_time")
        .unwrap();
    assert_eq!(row.benchmark, england);
    // A key that names nothing: the page and the annual report say which.
    settings
        .benchmarks
        .insert("reviews.on_time".into(), england);
    let e = page_with(&settings, &PerformanceSettings::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`benchmarks` has `reviews.on_time`"), "{e}");
    let mut report = common::report(false);
    report.settings.targets.insert("midway.done".into(), 90.0);
    let e = report
        .render(footprint_report::Format::Json)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`targets` has `midway.done`"), "{e}");
}

#[test]
fn the_default_page_is_rotherhams_31_rows_with_the_iro_services_own_then_health_and_education() {
    let page = page();
    let refs: Vec<&str> = page.rows.iter().map(|r| r.reference.as_str()).collect();
    let expected: Vec<String> = (1..=31).map(|i| format!("4.{i}")).collect();
    assert_eq!(
        &refs[..31],
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let iro: Vec<String> = (1..=7).map(|i| format!("IRO.{i}")).collect();
    assert_eq!(
        &refs[31..38],
        iro.iter().map(String::as_str).collect::<Vec<_>>()
    );
    // Then the health and education records kept in Footprint (issue 15).
    let he: Vec<String> = (1..=8).map(|i| format!("HE.{i}")).collect();
    assert_eq!(
        &refs[38..],
        he.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let peps = page
        .rows
        .iter()
        .find(|r| r.id == "education.peps_held")
        .unwrap();
    assert!(peps.months.iter().all(|m| m.value.number().is_some()));
    // A row whose records Footprint does not hold stays and says so.
    let leavers = page
        .rows
        .iter()
        .find(|r| r.id == "care_leavers.pathway_plans")
        .unwrap();
    assert_eq!(leavers.reference, "4.28");
    assert!(
        leavers
            .months
            .iter()
            .all(|m| m.value == performance::PageValue::NotHeld)
    );
    assert_eq!(leavers.rag, None);
    let json: serde_json::Value = serde_json::from_str(&performance::render_json(&page)).unwrap();
    let row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "care_leavers.pathway_plans")
        .unwrap();
    assert_eq!(row["months"][2]["value"], "not held");
    assert_eq!(row["reference"], "4.28");
    let html = performance::render_html(&page);
    assert!(html.contains(
        r#"<td>4.28</td><td></td><th scope="row">% of eligible looked-after children and care leavers with an up-to-date pathway plan</th><td class="n">not held"#
    ));
    // Care leavers (OC3) are held now: the row shows the year's figure.
    let leavers = page.rows.iter().find(|r| r.id == "care_leavers").unwrap();
    assert_eq!(leavers.reference, "4.27");
    assert!(leavers.months.iter().all(|m| m.value.number().is_some()));
    // SGO and CAO endings are counted from the reasons care ended.
    let sgo = page.rows.iter().find(|r| r.id == "ceased.sgo_cao").unwrap();
    assert!(sgo.months.iter().all(|m| m.value.number().is_some()));
}

#[test]
fn performance_on_a_page_compares_with_the_same_period_last_year() {
    let page = page();
    let ids: Vec<&str> = page.tiles.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "cla.count",
            "admissions",
            "reviews.in_time",
            "health.iha_in_time",
            "ceased",
            "stability.long_term",
            "stability.three_plus",
            "adoption.within_12_months",
            "care_leavers",
            "care_leavers.suitable_accommodation",
            "care_leavers.eet"
        ]
    );
    let data = common::dataset();
    let cal = WorkingDayCalendar::england_and_wales();
    let s = common::settings();
    // A snapshot: January 2022 against January 2021.
    let cla = &page.tiles[0];
    let now = compute_period(&data, Period::month(2022, 1).unwrap(), &s, &cal);
    let then = compute_period(&data, Period::month(2021, 1).unwrap(), &s, &cal);
    let (a, b) = (
        now.count("cla.end").unwrap(),
        then.count("cla.end").unwrap(),
    );
    assert_eq!(cla.value.number(), Some(a as f64));
    assert_eq!(cla.change.number(), Some(a as f64 - b as f64));
    // A flow: April to January, against April to January a year before.
    let adm = &page.tiles[1];
    let now = compute_period(&data, Period::year_to_date(2022, 1).unwrap(), &s, &cal);
    let then = compute_period(&data, Period::year_to_date(2021, 1).unwrap(), &s, &cal);
    let (a, b) = (
        now.count("starts.periods").unwrap(),
        then.count("starts.periods").unwrap(),
    );
    assert_eq!(adm.value.number(), Some(a as f64));
    assert_eq!(adm.change.number(), Some(a as f64 - b as f64));
    assert_eq!(adm.period, "April to Jan 2022");
    // Adoptions within 12 months of the decision (R-PR 4.24, a count of the
    // year to date), against April to January a year before.
    let tile = |id: &str| page.tiles.iter().find(|t| t.id == id).unwrap();
    let adopted = tile("adoption.within_12_months");
    let within = |m: &footprint_domain::measures::Measures| {
        m.percent("adoption.within_12_months_of_shobpa")
            .unwrap()
            .numerator
            .value as f64
    };
    assert_eq!(adopted.unit, performance::Unit::Count);
    assert_eq!(adopted.value.number(), Some(within(&now)));
    assert_eq!(adopted.change.number(), Some(within(&now) - within(&then)));
    let html = performance::render_html(&page);
    assert!(html.contains("Performance on a page"));
    let bytes = performance::render_xlsx(&page).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Performance on a page").unwrap();
    assert_eq!(
        sheet.get_value((1, 2)),
        Some(&Data::Float(cla.value.number().unwrap()))
    );
}

#[test]
fn the_tiles_show_care_leavers_from_the_years_oc3_return() {
    use footprint_domain::codes::{CareLeaverAccommodation, CareLeaverActivity, InTouch};
    use footprint_domain::dates::CollectionYear;
    use footprint_domain::return_tables::CareLeaverOutcome;
    let mut data = common::dataset();
    let oc3 = |c: &str, y: i32, activity, accommodation| CareLeaverOutcome {
        child: c.parse().unwrap(),
        year: CollectionYear::new(y),
        in_touch: Some(InTouch::Yes),
        activity: Some(activity),
        accommodation: Some(accommodation),
    };
    // 2021-22 (the year January 2022 falls in): three care leavers, two in
    // suitable accommodation (U1, U1; S2 is not), one in education (F1 of
    // F1, G5, G6). 2020-21: two, both suitable, both in education.
    use CareLeaverAccommodation::{S2, U1};
    use CareLeaverActivity::{F1, G5, G6};
    data.return_tables.care_leavers = vec![
        oc3("L1", 2021, F1, U1),
        oc3("L2", 2021, G5, U1),
        oc3("L3", 2021, G6, S2),
        oc3("L1", 2020, F1, U1),
        oc3("L4", 2020, F1, U1),
    ];
    let page = performance::compute(
        &data,
        (2022, 1),
        &common::settings(),
        &PerformanceSettings::default(),
        &WorkingDayCalendar::england_and_wales(),
    )
    .unwrap();
    let tile = |id: &str| page.tiles.iter().find(|t| t.id == id).unwrap();
    let leavers = tile("care_leavers");
    assert_eq!(leavers.value.number(), Some(3.0));
    assert_eq!(leavers.change.number(), Some(1.0));
    assert_eq!(leavers.better, None, "a count for information");
    assert_eq!(leavers.period, "the 2021-22 OC3 return (a yearly figure)");
    // 2 of 3 = 66.7% against 2 of 2 = 100%: down 33.3, worse.
    let suitable = tile("care_leavers.suitable_accommodation");
    assert_eq!(suitable.value.number(), Some(66.7));
    assert_eq!(suitable.change.number(), Some(-33.3));
    assert_eq!(suitable.better, Some(false));
    // 1 of 3 = 33.3% against 100%.
    let eet = tile("care_leavers.eet");
    assert_eq!(eet.value.number(), Some(33.3));
    assert_eq!(eet.better, Some(false));
    // In every format.
    let html = performance::render_html(&page);
    assert!(html.contains("% of care leavers in suitable accommodation"));
    let json: serde_json::Value = serde_json::from_str(&performance::render_json(&page)).unwrap();
    let t = json["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "care_leavers")
        .unwrap();
    assert_eq!(t["value"], 3.0);
}

#[test]
#[ignore = "writes the page to /tmp/footprint-performance-sample for a look"]
fn write_sample() {
    let dir = std::path::Path::new("/tmp/footprint-performance-sample");
    std::fs::create_dir_all(dir).unwrap();
    let page = page();
    std::fs::write(dir.join("page.html"), performance::render_html(&page)).unwrap();
    std::fs::write(
        dir.join("page.pdf"),
        performance::render_pdf(&page).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("page.xlsx"),
        performance::render_xlsx(&page).unwrap(),
    )
    .unwrap();
}
