//! The annual report end to end on a small synthetic council: JSON contract,
//! HTML, Word, Excel, publication mode and the self-checks.

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use footprint_report::checks::CellRef;
use footprint_report::{AnnualReport, Format, ReportError, suppress};
use serde_json::Value;

fn json(report: &AnnualReport) -> Value {
    let bytes = report.render(Format::Json).expect("report renders");
    serde_json::from_slice(&bytes).expect("valid JSON")
}

fn int(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

#[test]
fn the_report_passes_its_own_checks() {
    let r = common::report(false);
    r.check().expect("consistent");
    // The fixture is not trivial: there is something to report.
    assert!(r.this_year.measures.count("cla.end").unwrap() > 20);
    assert!(r.this_year.measures.count("reviews.held").unwrap() > 30);
    assert!(r.this_year.measures.count("reviews.late").unwrap() > 0);
    assert_eq!(r.this_year.measures.count("reviews.unmatched"), Some(1));
}

#[test]
fn json_follows_the_contract() {
    let r = common::report(false);
    let v = json(&r);
    assert_eq!(v["year"], "2021-22");
    assert_eq!(v["publication"], false);
    assert_eq!(v["settings"]["population_0_17"], 40_000);
    let m = &v["measures"];
    // Counts are integers and agree with the measure set.
    assert_eq!(
        int(&m["cla.end"]),
        r.this_year.measures.count("cla.end").unwrap()
    );
    // A breakdown is an object code → integer, in code-list order, summing
    // to its total.
    let by_code = m["participation.by_code"].as_object().unwrap();
    let sum: u64 = by_code.values().map(int).sum();
    assert_eq!(sum, int(&m["reviews.held"]));
    assert!(by_code.contains_key("PN0") && by_code.contains_key("none"));
    let text = String::from_utf8(r.render(Format::Json).unwrap()).unwrap();
    let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(
        pos("PN0") < pos("PN1") && pos("PN7") < pos("none"),
        "code-list order kept"
    );
    // by_month: 12 objects, April first.
    let months = m["reviews.by_month"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], "2021-04");
    assert_eq!(months[11]["month"], "2022-03");
    let held: u64 = months.iter().map(|x| int(&x["held"])).sum();
    assert_eq!(held, int(&m["reviews.held"]));
    // by_quarter: Q1..Q4.
    let q = m["participation.by_quarter"].as_object().unwrap();
    assert_eq!(
        q.keys().cloned().collect::<Vec<_>>(),
        ["Q1", "Q2", "Q3", "Q4"]
    );
    // A percentage carries its counts; the value is computed from them.
    let p = &m["reviews.in_time_pct"];
    let expected = int(&p["numerator"]) as f64 * 100.0 / int(&p["denominator"]) as f64;
    assert!((p["percent"].as_f64().unwrap() - expected).abs() < 0.051);
    // Last year is there, and the children behind each count (internal).
    assert_eq!(v["previous_year"]["year"], "2020-21");
    assert!(v["drilldown"]["cla.end"][""].as_array().unwrap().len() as u64 == int(&m["cla.end"]));
    assert_eq!(v["unmatched_reviews"].as_array().unwrap().len(), 1);
}

#[test]
fn html_is_self_contained_and_accessible() {
    let r = common::report(false);
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external files"
    );
    assert!(html.contains("@page {\n  size: A4"));
    // Pages are numbered when printed.
    assert!(html.contains(r#"content: "Page " counter(page) " of " counter(pages)"#));
    assert!(html.contains(r#"<table id="participation"><caption>"#));
    assert!(html.contains(r#"<th scope="col">"#) && html.contains(r#"<th scope="row">"#));
    // Charts are inline SVG with a title and description, and their data
    // table follows.
    let chart = html.find(r#"<svg"#).expect("a chart");
    assert!(html[chart..].contains("<title id="));
    assert!(html.contains(r#"<desc id="cla-by-month-chart-desc">"#));
    let svg_pos = html
        .find(r#"aria-labelledby="cla-by-month-chart-title"#)
        .unwrap();
    let table_pos = html.find(r#"<table id="cla-by-month">"#).unwrap();
    assert!(svg_pos < table_pos);
    // The manager's narrative, escaped; the missing slot says so.
    assert!(html.contains("Reviews are held on time &amp; children take part."));
    assert!(html.contains("Midway checks &lt;are&gt; not yet routine."));
    assert!(html.contains("has not written this part yet"));
    // Health: the OC2 table, and the assessments and PEPs held in Footprint.
    assert!(html.contains(r#"<table id="health">"#));
    assert!(html.contains(r#"<table id="health-assessments-peps">"#));
    assert!(!html.contains("Footprint does not hold education records"));
    assert!(!html.contains("No health outcomes (OC2) are recorded"));
    // The figure in the summary table is the measure.
    let cla_end = r.this_year.measures.count("cla.end").unwrap();
    assert!(html.contains(&format!(r#"<td class="n">{cla_end}</td>"#)));
}

#[test]
fn xlsx_reads_back_with_numbers_as_numbers() {
    let r = common::report(false);
    let bytes = r.render(Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid xlsx");
    let names = wb.sheet_names();
    assert_eq!(names[0], "Notes");
    assert!(names.iter().any(|n| n == "participation"));
    assert!(names.iter().any(|n| n == "cla-by-month"));
    let notes = wb.worksheet_range("Notes").unwrap();
    let text: Vec<String> = notes.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("Publication mode")));
    let summary = wb.worksheet_range("summary").unwrap();
    // Row 3 (0-based, after caption, blank, headings) is the first figure:
    // children in care at the start of the year, as a number.
    assert_eq!(
        summary.get_value((3, 1)),
        Some(&Data::Float(
            r.this_year.measures.count("cla.start").unwrap() as f64
        ))
    );
}

#[test]
fn docx_has_headings_and_tables() {
    let r = common::report(false);
    let bytes = r.render(Format::Docx).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"<w:pStyle w:val="Heading1" />"#)
            || xml.contains(r#"<w:pStyle w:val="Heading1"/>"#)
    );
    assert!(xml.contains("Reviews and timeliness"));
    assert!(xml.matches("<w:tbl>").count() > 10);
    let mut styles = String::new();
    zip.by_name("word/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("Heading 1"));
}

#[test]
fn formal_challenges_are_tabled_by_theme_and_sub_theme_with_their_totals() {
    use footprint_domain::model::ChallengeStage;
    // Four of the test council's challenges escalated to stage 1, with
    // themes worked by hand: care planning / drift and delay twice (once
    // held by its name, as before themes had keys), care planning with no
    // sub-theme, and one with no theme.
    let mut data = common::dataset();
    let subs = [
        (vec!["care_planning"], Some("drift_and_delay")),
        (vec!["Care planning"], Some("Drift and delay")),
        (vec!["care_planning"], None),
        (vec![], None),
    ];
    assert!(data.challenges.len() >= subs.len());
    for (c, (themes, sub)) in data.challenges.iter_mut().zip(subs) {
        c.themes = themes.into_iter().map(String::from).collect();
        c.sub_theme = sub.map(String::from);
        let escalated = c.stages[0].responded.expect("answered");
        c.stages.push(ChallengeStage {
            stage: "stage 1".into(),
            started: escalated,
            timescale_working_days: 5,
            responded: Some(escalated),
        });
    }
    let r = AnnualReport::compute(
        &data,
        footprint_domain::dates::CollectionYear::new(2021),
        &common::settings(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        common::narratives(),
        false,
    );
    let m = &r.this_year.measures;
    assert_eq!(m.count("challenges.formal"), Some(4));
    let g = m.grid("challenges.formal_by_theme").unwrap();
    assert_eq!(g.get("care_planning").unwrap().value("drift_and_delay"), 2);
    assert_eq!(g.get("care_planning").unwrap().value("not_recorded"), 1);
    assert_eq!(g.get("not_recorded").unwrap().value("not_recorded"), 1);
    assert_eq!(g.total(), 4);
    // The self-check sums the table to the formal challenges, and refuses
    // a cell that does not add up.
    footprint_report::checks::check(m).expect("the self-checks hold");
    assert!(
        footprint_report::checks::relations(m).iter().any(|rel| matches!(
            rel,
            footprint_report::checks::Relation::Sum { name, .. } if name == "challenges.formal_by_theme"
        ))
    );
    let mut broken = m.clone();
    if let Some(footprint_domain::measures::Measure::Grid(g)) =
        broken.get_mut("challenges.formal_by_theme")
    {
        g.rows[0].1.entry("drift_and_delay").value += 1;
    }
    let err = footprint_report::checks::check(&broken).unwrap_err();
    assert!(
        err.to_string().contains("challenges.formal_by_theme"),
        "{err}"
    );
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "challenges-formal-by-theme")
        .expect("the table");
    let rows: Vec<(&str, String)> = t
        .rows
        .iter()
        .map(|r| (r.header.as_str(), r.cells[0].display()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Care planning", "3".to_owned()),
            ("– Drift and delay", "2".to_owned()),
            ("– Sub-theme not recorded", "1".to_owned()),
            ("Theme not recorded", "1".to_owned()),
            ("– Sub-theme not recorded", "1".to_owned()),
            ("All formal challenges", "4".to_owned()),
        ]
    );
    assert!(t.rows.last().unwrap().total);
    let v = json(&r);
    assert_eq!(
        int(&v["measures"]["challenges.formal_by_theme"]["care_planning"]["drift_and_delay"]),
        2
    );
}

#[test]
fn reasons_reviews_were_late_are_tabled_in_every_format() {
    let r = common::report(false);
    let m = &r.this_year.measures;
    let late = m.count("reviews.late").unwrap();
    let by_reason = m.breakdown("reviews.late_by_reason").unwrap();
    let court = by_reason.value("court_hearing");
    let not_recorded = by_reason.value("not_recorded");
    assert!(court > 0 && not_recorded > 0, "{by_reason:?}");
    assert_eq!(by_reason.total(), late);

    // The model: in the reviews section, this year beside last year.
    let model = r.model();
    let section = model.sections.iter().find(|s| s.id == "reviews").unwrap();
    let t = section
        .blocks
        .iter()
        .find_map(|b| match b {
            footprint_report::model::Block::Table(t) if t.id == "late-by-reason" => Some(t),
            _ => None,
        })
        .expect("the table is in the reviews section");
    assert_eq!(t.caption, "Reasons reviews were held late");
    assert_eq!(
        t.columns,
        ["Category", "2021-22", "% 2021-22", "2020-21", "% 2020-21"]
    );
    let row = |label: &str| {
        t.rows
            .iter()
            .find(|r| r.header == label)
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    assert_eq!(
        row("Clashed with a court hearing").cells[0].display(),
        court.to_string()
    );
    assert_eq!(
        row("Not recorded").cells[0].display(),
        not_recorded.to_string()
    );
    let total = t.rows.last().unwrap();
    assert!(total.total);
    assert_eq!(total.cells[0].display(), late.to_string());
    // Last year no reasons were recorded: every late review is not recorded.
    let last = r.last_year.as_ref().unwrap();
    assert_eq!(
        row("Not recorded").cells[2].display(),
        last.measures.count("reviews.late").unwrap().to_string()
    );

    // Every format carries it.
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(r#"<table id="late-by-reason"><caption>Reasons reviews were held late"#));
    let v = json(&r);
    let reasons = v["measures"]["reviews.late_by_reason"].as_object().unwrap();
    assert_eq!(reasons.values().map(int).sum::<u64>(), late);
    assert_eq!(int(&reasons["court_hearing"]), court);
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(r.render(Format::Xlsx).unwrap())).unwrap();
    let sheet = wb.worksheet_range("late-by-reason").expect("a sheet");
    let court_row = sheet
        .rows()
        .find(|row| {
            row.first().map(|c| c.to_string()).as_deref() == Some("Clashed with a court hearing")
        })
        .expect("the court hearing row");
    assert_eq!(court_row.get(1), Some(&Data::Float(court as f64)));
    let mut zip = zip::ZipArchive::new(Cursor::new(r.render(Format::Docx).unwrap())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("Reasons reviews were held late"));
}

#[test]
fn late_reasons_that_do_not_sum_to_the_late_reviews_are_refused() {
    let mut r = common::report(false);
    let cell = r
        .this_year
        .measures
        .get_mut("reviews.late_by_reason")
        .unwrap()
        .cell_mut(&["child_unwell".to_owned()])
        .unwrap();
    cell.value += 1;
    let err = r.check().unwrap_err().to_string();
    assert!(
        err.contains("reviews.late_by_reason") && err.contains("reviews.late"),
        "{err}"
    );
}

#[test]
fn publication_mode_hides_small_numbers_and_child_detail() {
    let r = common::report(true);
    r.check().expect("no hidden cell can be worked out");
    let text = String::from_utf8(r.render(Format::Json).unwrap()).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["publication"], true);
    assert!(
        v.get("drilldown").is_none()
            && v.get("unmatched_reviews").is_none()
            && v.get("problems").is_none()
    );
    for id in ["C000", "C001", "C039"] {
        assert!(!text.contains(id), "child {id} named in a published report");
    }
    // Every count from 1 to 5 is "c"; zeros stay 0.
    fn walk(v: &Value, small: &mut Vec<u64>, c: &mut usize, zeros: &mut usize) {
        match v {
            Value::Number(n) if n.is_u64() => {
                let x = n.as_u64().unwrap();
                if (1..=5).contains(&x) {
                    small.push(x);
                }
                if x == 0 {
                    *zeros += 1;
                }
            }
            Value::String(s) if s == "c" => *c += 1,
            Value::Array(a) => a.iter().for_each(|x| walk(x, small, c, zeros)),
            Value::Object(o) => o
                .iter()
                .filter(|(k, _)| !["population", "fte"].contains(&k.as_str()))
                .for_each(|(_, x)| walk(x, small, c, zeros)),
            _ => {}
        }
    }
    let (mut small, mut c, mut zeros) = (Vec::new(), 0, 0);
    walk(&v["measures"], &mut small, &mut c, &mut zeros);
    assert!(small.is_empty(), "small counts shown: {small:?}");
    assert!(c > 0 && zeros > 0);
    // Secondary suppression: a breakdown with one hidden cell would give it
    // away; the checker finds none.
    let this = &r.this_year;
    assert!(!this.hidden.is_empty());
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(">c</abbr>"));
    assert!(html.contains("For publication"));
    assert!(!html.contains("C000"));
}

#[test]
fn the_same_figure_is_suppressed_wherever_it_appears() {
    let r = common::report(true);
    let h = &r.this_year.hidden;
    // participation.spoke_for_self is participation.by_code[PN1].
    let a = h.contains(&CellRef::new("participation.spoke_for_self", &[]));
    let b = h.contains(&CellRef::new("participation.by_code", &["PN1"]));
    assert_eq!(a, b);
    let last = r.last_year.as_ref().unwrap();
    let (direct, before) =
        suppress::suppressed(&r.this_year.measures, Some(&last.measures)).unwrap();
    assert_eq!(&direct, h);
    assert_eq!(before, last.hidden);
}

#[test]
fn a_corrupted_measure_set_is_refused_naming_the_figure() {
    let mut r = common::report(false);
    let m = &mut r.this_year.measures;
    let cell = m
        .get_mut("participation.by_code")
        .unwrap()
        .cell_mut(&["PN1".to_owned()])
        .unwrap();
    cell.value += 1;
    let err = r.render(Format::Html).unwrap_err();
    let ReportError::Check(e) = &err else {
        panic!("expected a check failure, got {err}")
    };
    assert!(
        e.failures
            .iter()
            .any(|f| f.figure == "participation.by_code"),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("participation.by_code") && msg.contains("reviews.held"),
        "{msg}"
    );
    // The same figure disagreeing with itself is named too.
    assert!(
        e.failures
            .iter()
            .any(|f| f.figure == "participation.spoke_for_self"),
        "{msg}"
    );
    // And nothing is written in any format.
    for f in [Format::Json, Format::Docx, Format::Xlsx] {
        assert!(r.render(f).is_err());
    }
}

#[test]
fn a_broken_month_series_is_refused() {
    let mut r = common::report(false);
    let m = &mut r.this_year.measures;
    if let Some(footprint_domain::measures::Measure::Months(g)) = m.get_mut("cla.by_month") {
        g.rows.pop();
    }
    let err = r.check().unwrap_err().to_string();
    assert!(err.contains("cla.by_month"), "{err}");
}

#[test]
fn last_year_is_beside_this_year() {
    let r = common::report(false);
    let model = r.model();
    let summary = model.tables().find(|t| t.id == "summary").unwrap();
    assert_eq!(summary.columns, ["Measure", "2021-22", "2020-21"]);
    let last = r.last_year.as_ref().unwrap();
    let end = summary
        .rows
        .iter()
        .find(|r| r.header == "Children in care at the end of the year")
        .unwrap();
    assert_eq!(
        end.cells[1].display(),
        last.measures.count("cla.end").unwrap().to_string()
    );
}

#[test]
#[ignore = "writes sample outputs to /tmp/footprint-report-sample for a look"]
fn write_samples() {
    let dir = std::path::Path::new("/tmp/footprint-report-sample");
    std::fs::create_dir_all(dir).unwrap();
    for (publication, name) in [(false, "internal"), (true, "published")] {
        let r = common::report(publication);
        for (f, ext) in [
            (Format::Html, "html"),
            (Format::Json, "json"),
            (Format::Docx, "docx"),
            (Format::Xlsx, "xlsx"),
            (Format::Pdf, "pdf"),
        ] {
            std::fs::write(dir.join(format!("{name}.{ext}")), r.render(f).unwrap()).unwrap();
        }
    }
}

#[test]
fn reviews_by_iro_are_labelled_with_the_iros_names() {
    use footprint_report::model::Block;
    let model = common::report(false).model();
    let table = model
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Table(t) if t.id == "reviews-by-iro" => Some(t),
            _ => None,
        })
        .expect("a reviews-by-IRO table");
    let labels: Vec<&str> = table.rows.iter().map(|r| r.header.as_str()).collect();
    assert!(labels.contains(&"IRO 1"), "{labels:?}");
    assert!(
        !labels.contains(&"iro1") && !labels.contains(&"iro2"),
        "ids, not names: {labels:?}"
    );
}

#[test]
fn the_health_table_shows_the_oc2_outcomes_beside_last_year() {
    let r = common::report(false);
    let m = &r.this_year.measures;
    let model = r.model();
    let t = model.tables().find(|t| t.id == "health").unwrap();
    assert_eq!(
        t.columns,
        ["Measure", "2021-22", "% 2021-22", "2020-21", "% 2020-21"]
    );
    let cohort = m.count("health.oc2_cohort").unwrap();
    assert!(cohort > 10, "the fixture has a cohort: {cohort}");
    assert_eq!(t.rows[0].cells[0].display(), cohort.to_string());
    let teeth = t
        .rows
        .iter()
        .find(|row| row.header.starts_with("Teeth checked"))
        .unwrap();
    let p = m.percent("health.teeth_check").unwrap();
    assert_eq!(teeth.cells[0].display(), p.numerator.value.to_string());
    assert_eq!(
        teeth.cells[1].display(),
        format!("{:.1}%", p.value().unwrap())
    );
    // Last year has no OC2 records: its counts are 0 and its shares "–".
    assert_eq!(teeth.cells[2].display(), "0");
    assert_eq!(teeth.cells[3].display(), "–");
    let notes: Vec<&str> = model
        .sections
        .iter()
        .find(|s| s.id == "health")
        .unwrap()
        .blocks
        .iter()
        .filter_map(|b| match b {
            footprint_report::model::Block::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(notes.iter().all(|n| !n.contains("No health outcomes")));
    // The health assessments and PEPs recorded in Footprint: each row is its
    // measure.
    let held = model
        .sections
        .iter()
        .find(|s| s.id == "health")
        .unwrap()
        .blocks
        .iter()
        .find_map(|b| match b {
            footprint_report::model::Block::Table(t) if t.id == "health-assessments-peps" => {
                Some(t)
            }
            _ => None,
        })
        .expect("the assessments and PEPs table");
    let initial = m
        .percent("health.assessments.initial_in_time")
        .expect("the measure");
    let first = &held.rows[0];
    assert!(first.header.starts_with("Initial health assessments due"));
    assert_eq!(
        first.cells[0].display(),
        initial.numerator.value.to_string()
    );
    let peps = held.rows.last().unwrap();
    assert_eq!(
        peps.cells[0].display(),
        m.count("education.pep.held").unwrap().to_string()
    );

    // Without OC2 records the table stays (the cohort is still known) and a
    // note says why the rest is empty.
    let mut data = common::dataset();
    data.health_outcomes.clear();
    let bare = footprint_report::AnnualReport::compute(
        &data,
        footprint_domain::dates::CollectionYear::new(2021),
        &common::settings(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        common::narratives(),
        false,
    );
    bare.check().expect("consistent");
    let html = String::from_utf8(bare.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains("No health outcomes (OC2) are recorded for 2021-22"));
    assert!(html.contains(r#"<table id="health">"#));
}

#[test]
fn published_health_figures_hide_small_counts() {
    let r = common::report(true);
    r.check().expect("no hidden cell can be worked out");
    let model = r.model();
    let t = model.tables().find(|t| t.id == "health").unwrap();
    let cells: Vec<String> = t
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().map(|c| c.display()))
        .collect();
    for c in &cells {
        if let Ok(n) = c.parse::<u64>() {
            assert!(n == 0 || n > 5, "small count {n} shown in {cells:?}");
        }
    }
}

#[test]
fn every_published_measure_is_declared_in_a_relation_or_to_stand_alone() {
    let r = common::report(true);
    for y in std::iter::once(&r.this_year).chain(&r.last_year) {
        let missing = footprint_report::checks::undeclared(&y.measures);
        assert!(missing.is_empty(), "undeclared measures: {missing:?}");
    }
}

/// A report for publication with a table, "new.table", that says nothing
/// of how it relates to the others.
fn with_a_table_in_no_relation() -> AnnualReport {
    use footprint_domain::measures::{Breakdown, Measure};
    let mut r = common::report(true);
    let mut b = Breakdown::with_keys(["a", "b"]);
    b.entry("a").value = 12;
    b.entry("b").value = 30;
    r.this_year
        .measures
        .entries
        .push(("new.table".to_owned(), Measure::Breakdown(b)));
    r
}

/// A new table that says nothing of how it relates to the others cannot be
/// published: the audit could not know what a reader can work out from it.
#[test]
fn a_measure_in_no_relation_is_refused_for_publication() {
    let mut r = with_a_table_in_no_relation();
    let err = r.render(Format::Json).unwrap_err().to_string();
    assert!(
        err.contains("new.table") && err.contains("STANDS_ALONE"),
        "{err}"
    );
    // An internal report is not audited.
    r.publication = false;
    r.this_year.hidden.clear();
    if let Some(y) = r.last_year.as_mut() {
        y.hidden.clear();
    }
    assert!(r.render(Format::Json).is_ok());
}

/// The age-by-sex table has each row's total, each column's total and the
/// grand total in its own corner (it used to print the grand total under
/// the first sex and no other totals), and every total adds up.
#[test]
fn the_age_by_sex_table_adds_up_both_ways() {
    let r = common::report(false);
    let model = r.model();
    let t = model.tables().find(|t| t.id == "profile-age-sex").unwrap();
    assert_eq!(t.columns.last().map(String::as_str), Some("All"));
    let n = |c: &footprint_report::model::Cell| c.display().parse::<u64>().expect("a count");
    let (body, total) = t.rows.split_at(t.rows.len() - 1);
    let total = &total[0];
    assert!(total.total && total.header == "All ages");
    let width = t.columns.len() - 1;
    for row in body {
        let (parts, all) = row.cells.split_at(width - 1);
        assert_eq!(
            parts.iter().map(n).sum::<u64>(),
            n(&all[0]),
            "{}",
            row.header
        );
    }
    for col in 0..width {
        let sum: u64 = body.iter().map(|row| n(&row.cells[col])).sum();
        assert_eq!(sum, n(&total.cells[col]), "{}", t.columns[col + 1]);
    }
    let cla_end = r.this_year.measures.count("cla.end").unwrap();
    assert!(cla_end > 0);
    assert_eq!(n(&total.cells[width - 1]), cla_end);
}

#[test]
fn the_added_measures_are_tabled_in_every_format() {
    let r = common::report(false);
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    let json = json(&r);
    for (table, measure) in [
        ("starts-ceased-by-month", "starts.by_month"),
        ("starts-ceased-by-month", "ceased.by_month"),
        ("starts-by-quarter-age", "starts.by_quarter_age_band"),
        (
            "starts-by-quarter-legal-status",
            "starts.by_quarter_legal_status",
        ),
        ("ceased-by-quarter", "ceased.by_quarter_group"),
        ("placements", "placements.new"),
        ("placement-moves-by-reason", "placements.moves_by_reason"),
        (
            "placements-distance",
            "placements.end.distance_over_20_miles",
        ),
        ("placements-out-of-area", "placements.end.out_of_area"),
        ("visits-by-kind", "visits.by_kind"),
        ("footprint", "visits.children_not_seen_12_months"),
        (
            "records-outstanding",
            "reviews.record_outstanding.end.by_lateness",
        ),
    ] {
        assert!(
            html.contains(&format!(r#"<table id="{table}">"#)),
            "{table}"
        );
        assert!(
            !json["measures"][measure].is_null(),
            "{measure} in report.json"
        );
    }
    // The month table's total row is the year's measure.
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "starts-ceased-by-month")
        .unwrap();
    let total = t.rows.last().unwrap();
    assert!(total.total);
    let starts = r.this_year.measures.count("starts.periods").unwrap();
    assert_eq!(total.cells[0].number(), Some(starts as f64));
    // The provisions add up to the children in care on 31 March.
    let t = model
        .tables()
        .find(|t| t.id == "placements-distance")
        .unwrap();
    let total = t.rows.last().unwrap();
    let known: f64 = (0..3).filter_map(|i| total.cells[i].number()).sum();
    let cla_end = r.this_year.measures.count("cla.end").unwrap();
    assert_eq!(known, cla_end as f64);
    for i in 0..3 {
        let body: f64 = t.rows[..t.rows.len() - 1]
            .iter()
            .filter_map(|row| row.cells[i].number())
            .sum();
        assert_eq!(Some(body), total.cells[i].number(), "{}", t.columns[i + 1]);
    }
}

#[test]
fn five_year_trends_for_the_years_held() {
    let data = common::dataset();
    let cal = footprint_domain::calendar::WorkingDayCalendar::england_and_wales();
    let year = footprint_domain::dates::CollectionYear::new(2021);
    let r = AnnualReport::compute_as_of(
        &data,
        year,
        common::d(2022, 6, 1),
        &common::settings(),
        &cal,
        Vec::new(),
        false,
    );
    let t = r.trend.as_ref().expect("a trend");
    // The synthetic council's episodes start in early 2019: 2018-19 on
    // (2017-18, the fifth year back, holds nothing and is left out).
    assert_eq!(t.years, ["2018-19", "2019-20", "2020-21", "2021-22"]);
    let cla: Vec<Option<f64>> = t
        .rows
        .iter()
        .find(|(id, _)| id == "cla.end")
        .unwrap()
        .1
        .iter()
        .map(|c| c.number())
        .collect();
    for (i, y) in [2018, 2019, 2020, 2021].into_iter().enumerate() {
        let m = footprint_domain::measures::compute(
            &data,
            footprint_domain::dates::CollectionYear::new(y),
            &common::settings(),
            &cal,
        );
        assert_eq!(cla[i], m.count("cla.end").map(|v| v as f64), "{y}");
    }
    let j = json(&r);
    assert_eq!(j["trend"]["years"][3], "2021-22");
    assert_eq!(
        j["trend"]["measures"]["cla.end"][3].as_u64(),
        r.this_year.measures.count("cla.end")
    );
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(r#"<table id="trend">"#));
    // Published: no count from 1 to 5 in the trend.
    let p = AnnualReport::compute_as_of(
        &data,
        year,
        common::d(2022, 6, 1),
        &common::settings(),
        &cal,
        Vec::new(),
        true,
    );
    for (_, cells) in &p.trend.as_ref().unwrap().rows {
        for c in cells {
            if let footprint_report::model::Cell::Count(n) = c {
                assert!(*n == 0 || *n > 5, "a count of {n} is shown");
            }
        }
    }
}

/// The trend's three earliest years are computed for their headline figures
/// only (`Extent::Headline`): every figure they hold is the one the whole
/// engine gives, and they hold every figure the trend shows.
#[test]
fn the_trend_s_headline_years_give_the_whole_engine_s_figures() {
    use footprint_domain::measures::{Extent, compute_as_of, compute_extents_as_of};
    let data = common::dataset();
    let cal = footprint_domain::calendar::WorkingDayCalendar::england_and_wales();
    let year = footprint_domain::dates::CollectionYear::new(2021);
    let as_of = common::d(2022, 6, 1);
    let periods = AnnualReport::periods(year);
    assert_eq!(periods.len(), 5);
    assert_eq!(
        periods.iter().map(|(_, e)| *e).collect::<Vec<_>>(),
        [
            Extent::Every,
            Extent::Every,
            Extent::Headline,
            Extent::Headline,
            Extent::Headline
        ]
    );
    let headline: Vec<_> = periods
        .iter()
        .map(|(p, _)| (*p, Extent::Headline))
        .collect();
    let heads = compute_extents_as_of(&data, &headline, as_of, &common::settings(), &cal);
    for ((period, _), head) in periods.iter().zip(&heads) {
        let every = compute_as_of(&data, *period, as_of, &common::settings(), &cal);
        assert!(head.entries.len() < every.entries.len(), "{period:?}");
        for (id, m) in &head.entries {
            assert_eq!(Some(m), every.get(id), "{id} in {period:?}");
        }
        // The review schedules, worked out once for the five years
        // (`ReviewIndex`), say what each year's own would.
        assert_eq!(head.unmatched_reviews, every.unmatched_reviews);
        assert_eq!(head.problems, every.problems, "{period:?}");
        for (id, _) in footprint_report::trend::TREND_MEASURES {
            assert!(head.get(id).is_some(), "{id} in {period:?}");
        }
    }
    // And the report's trend is the one the whole engine's years give.
    let r = AnnualReport::compute_as_of(
        &data,
        year,
        as_of,
        &common::settings(),
        &cal,
        Vec::new(),
        false,
    );
    let every: Vec<_> = periods
        .iter()
        .map(|(p, _)| compute_as_of(&data, *p, as_of, &common::settings(), &cal))
        .collect();
    let years: Vec<_> = every.iter().map(|m| (m, None)).collect();
    let whole = footprint_report::trend::build(&years, false);
    assert_eq!(r.trend.as_ref(), Some(&whole));
}

/// In the internal report each count of this year names the measure and
/// cell whose children `report.json`'s drill-down lists, and the web view
/// links it there; the plain HTML and the report for publication link
/// nothing.
#[test]
fn the_internal_reports_counts_link_to_the_children_its_drilldown_lists() {
    let r = common::report(false);
    let json: Value = serde_json::from_str(&r.to_json()).unwrap();
    let link = |m: &str, c: &str| Some(format!("/figures?measure={m}&cell={c}"));
    let html = r.render_html_linked(&link).unwrap();
    let mut linked = 0;
    for part in html.split("data-behind=\"").skip(1) {
        let behind = &part[..part.find('"').unwrap()];
        let (measure, cell) = behind.split_once('/').unwrap();
        assert!(
            json["drilldown"][measure][cell]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{behind} is not in the drill-down"
        );
        linked += 1;
    }
    assert!(linked > 10, "only {linked} counts link");
    let plain = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(!plain.contains("data-behind"));
    let published = common::report(true);
    let html = published
        .render_html_linked(&|_: &str, _: &str| Some("/figures".to_owned()))
        .unwrap();
    assert!(!html.contains("data-behind"));
}

/// The adoption scorecard's three-year averages (the DfE's A10 and A2, the
/// year and the two before it) and the children in placements the council
/// marks as unregistered, in the report beside last year, in every format,
/// published with their relations.
#[test]
fn three_year_adoption_averages_and_unregistered_placements_are_tabled() {
    use footprint_domain::codes::PlacementType;
    use footprint_domain::measures::{Measure, compute};
    use footprint_domain::model::{Child, Episode};
    use footprint_domain::return_tables::Adoption;
    // The generated children are adopted in 2021-22; one more, adopted in
    // 2019-20: in care 01/06/2018, placed for adoption with authority to
    // place (E1, A4) 01/02/2019, adopted 15/01/2020, matched 01/04/2019.
    let mut data = common::dataset();
    let id: footprint_domain::model::ChildId = "C900".parse().unwrap();
    let mut child: Child = data.children[0].clone();
    child.id = id.clone();
    data.children.push(child);
    let first = data
        .episodes
        .iter()
        .find(|e| e.child.as_str() == "C000")
        .unwrap()
        .clone();
    let episode = |start, end, rne: &str, ls: &str, place: &str, rec: &str| Episode {
        child: id.clone(),
        start,
        end: Some(end),
        reason_new: rne.parse().unwrap(),
        legal_status: ls.parse().unwrap(),
        placement: place.parse().unwrap(),
        reason_ceased: Some(rec.parse().unwrap()),
        reason_place_change: None,
        ..first.clone()
    };
    data.episodes.push(episode(
        common::d(2018, 6, 1),
        common::d(2019, 2, 1),
        "S",
        "C2",
        "U4",
        "X1",
    ));
    data.episodes.push(episode(
        common::d(2019, 2, 1),
        common::d(2020, 1, 15),
        "P",
        "E1",
        "A4",
        "E11",
    ));
    data.return_tables.adoptions.push(Adoption {
        child: id.clone(),
        year: footprint_domain::dates::CollectionYear::new(2019),
        decided: None,
        matched: Some(common::d(2019, 4, 1)),
        by_foster_carer: Some(false),
        adopters: None,
        adopters_sex: None,
        adopters_legal_status: None,
    });
    let cal = footprint_domain::calendar::WorkingDayCalendar::england_and_wales();
    let mut settings = common::settings();
    settings.review_policy.unregistered_placements = vec![PlacementType::K2, PlacementType::U1];
    let build = |publication: bool| {
        AnnualReport::compute_as_of(
            &data,
            footprint_domain::dates::CollectionYear::new(2021),
            common::d(2022, 6, 1),
            &settings,
            &cal,
            Vec::new(),
            publication,
        )
    };
    let r = build(false);
    // By hand from the three years' own scorecards: the total days over
    // the children counted.
    let a10 = |y: i32| match compute(
        &data,
        footprint_domain::dates::CollectionYear::new(y),
        &settings,
        &cal,
    )
    .get("adoption.a10")
    {
        Some(Measure::Average(a)) => (a.count.value, a.total_days),
        _ => panic!("{y}"),
    };
    let years = [a10(2021), a10(2020), a10(2019)];
    let (n, days) = years.iter().fold((0, 0), |(n, t), (c, d)| (n + c, t + d));
    assert!(n > years[0].0, "adoptions in the years before");
    let Some(Measure::Average(three)) = r.this_year.measures.get("adoption.a10_three_year") else {
        panic!("adoption.a10_three_year")
    };
    assert_eq!((three.count.value, three.total_days), (n, days));
    // 2019-20's child: 01/06/2018 → 01/02/2019 = 245 days.
    assert_eq!(years[2], (1, 245));
    // A2: only 2019-20's child has a match recorded: 01/02/2019 →
    // 01/04/2019 = 59 days, within 121.
    let Some(Measure::Average(a2)) = r.this_year.measures.get("adoption.a2_three_year") else {
        panic!("adoption.a2_three_year")
    };
    assert_eq!((a2.count.value, a2.total_days), (1, 59));
    let within = r
        .this_year
        .measures
        .percent("adoption.a2_three_year_within_threshold")
        .unwrap();
    assert_eq!((within.numerator.value, within.denominator.value), (1, 1));
    // Last year's over 2018-19 to 2020-21.
    let before = [a10(2020), a10(2019), a10(2018)];
    let Some(Measure::Average(last)) = r
        .last_year
        .as_ref()
        .unwrap()
        .measures
        .get("adoption.a10_three_year")
    else {
        panic!("last year's adoption.a10_three_year")
    };
    assert_eq!(last.count.value, before.iter().map(|x| x.0).sum::<u64>());
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "adoption-scorecard")
        .unwrap();
    let row = t
        .rows
        .iter()
        .find(|row| row.header.starts_with("A10: three-year average"))
        .expect("the three-year row");
    assert_eq!(row.cells[0].number(), Some(days as f64 / n as f64));
    assert_eq!(
        row.cells[1].number(),
        last.value(),
        "last year beside this year"
    );
    assert!(
        t.rows
            .iter()
            .any(|row| row.header.starts_with("A2: three-year average"))
    );
    // Unregistered placements (K2 and U1 marked, for the test): on 31
    // March, the children in care placed in K2 or U1 (the placement
    // breakdown's counts); in the year, those and the children who moved
    // out of K2 in it (C038, in December 2021).
    let m = &r.this_year.measures;
    let on_end = m.count("placements.end.unregistered").unwrap();
    let by_placement = m.breakdown("profile.end.by_placement").unwrap();
    assert_eq!(on_end, by_placement.value("K2") + by_placement.value("U1"));
    assert!(on_end > 0);
    let during = m.count("placements.unregistered.children").unwrap();
    assert!(during > on_end);
    assert!(
        m.cell("placements.unregistered.children", &[])
            .unwrap()
            .children
            .contains(&"C038".parse().unwrap())
    );
    let t = model
        .tables()
        .find(|t| t.id == "placements-unregistered")
        .unwrap();
    assert_eq!(t.rows[0].cells[0].number(), Some(on_end as f64));
    assert_eq!(t.rows[1].cells[0].number(), Some(during as f64));
    assert_eq!(t.columns.len(), 3, "this year beside last year");
    let json = json(&r);
    for id in [
        "adoption.a10_three_year",
        "adoption.a10_three_year_within_threshold",
        "adoption.a2_three_year",
        "adoption.a2_three_year_within_threshold",
        "placements.end.unregistered",
        "placements.unregistered.children",
    ] {
        assert!(!json["measures"][id].is_null(), "{id} in report.json");
        assert!(
            !json["previous_year"]["measures"][id].is_null(),
            "{id} last year"
        );
    }
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(r#"<table id="placements-unregistered">"#));
    assert!(html.contains("A10: three-year average"));
    for f in [Format::Docx, Format::Xlsx] {
        assert!(!r.render(f).unwrap().is_empty());
    }
    // Published: every new figure is in a relation and the audit passes.
    let p = build(true);
    for y in std::iter::once(&p.this_year).chain(&p.last_year) {
        let missing = footprint_report::checks::undeclared(&y.measures);
        assert!(missing.is_empty(), "undeclared measures: {missing:?}");
    }
    p.render(Format::Json).unwrap();
    // Without a placement type marked, a note says why there is no table.
    let plain = AnnualReport::compute_as_of(
        &data,
        footprint_domain::dates::CollectionYear::new(2021),
        common::d(2022, 6, 1),
        &common::settings(),
        &cal,
        Vec::new(),
        false,
    );
    let html = String::from_utf8(plain.render(Format::Html).unwrap()).unwrap();
    assert!(!html.contains(r#"<table id="placements-unregistered">"#));
    assert!(html.contains("no placement type is marked as unregistered"));
}

/// Section 20 and UASC month by month, sex at each quarter's end, short
/// breaks by quarter, placements on starting with the children, the share
/// of reviews quality-assessed and how children took part in their last
/// review: each a measure in report.json and a table whose figures are the
/// measure's and add up.
#[test]
fn the_year_month_by_month_and_quarter_by_quarter_is_tabled() {
    let r = common::report(false);
    let m = &r.this_year.measures;
    let model = r.model();
    let table = |id: &str| {
        model
            .tables()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let num = |c: &footprint_report::model::Cell| c.number().unwrap_or(0.0) as u64;
    let cla_end = m.count("cla.end").unwrap();
    // Section 20 at each month's end, this year beside last; March's is the
    // children in care under section 20 on 31 March.
    let t = table("section20-by-month");
    assert_eq!(t.rows.len(), 12);
    assert_eq!(t.columns.len(), 3);
    let v2 = m
        .breakdown("profile.end.by_legal_status")
        .unwrap()
        .value("V2");
    assert!(v2 > 0);
    assert_eq!(num(&t.rows[11].cells[0]), v2);
    let g = m.grid("profile.section20.by_month").unwrap();
    for (i, (_, b)) in g.rows.iter().enumerate() {
        assert_eq!(num(&t.rows[i].cells[0]), b.value("section_20"));
    }
    assert_eq!(table("uasc-by-month").rows.len(), 12);
    // Sex at each quarter's end: the sexes add up to the quarter's
    // children; the fourth quarter's are the children in care on 31 March.
    let t = table("sex-by-quarter");
    assert_eq!(t.rows.len(), 4);
    for row in &t.rows {
        let all = num(row.cells.last().unwrap());
        let sexes: u64 = row.cells[..row.cells.len() - 1]
            .iter()
            .step_by(2)
            .map(num)
            .sum();
        assert_eq!(sexes, all, "{}", row.header);
    }
    assert_eq!(num(t.rows[3].cells.last().unwrap()), cla_end);
    // Age on 31 March, this year beside last (counts and shares), each
    // year adding up to its children in care.
    let t = table("profile-age");
    let total = t.rows.last().unwrap();
    let last_end = r
        .last_year
        .as_ref()
        .unwrap()
        .measures
        .count("cla.end")
        .unwrap();
    assert_eq!(
        (num(&total.cells[0]), num(&total.cells[2])),
        (cla_end, last_end)
    );
    for col in [0, 2] {
        let body: u64 = t.rows[..t.rows.len() - 1]
            .iter()
            .map(|r| num(&r.cells[col]))
            .sum();
        assert_eq!(body, num(&total.cells[col]));
    }
    // Placements on starting: periods and children, adding up.
    let t = table("starts-by-placement");
    let total = t.rows.last().unwrap();
    assert!(total.total);
    assert_eq!(num(&total.cells[0]), m.count("starts.periods").unwrap());
    assert_eq!(num(&total.cells[1]), m.count("starts.children").unwrap());
    let body: u64 = t.rows[..t.rows.len() - 1]
        .iter()
        .map(|r| num(&r.cells[0]))
        .sum();
    assert_eq!(body, m.count("starts.periods").unwrap());
    // Quality: the graded reviews and the grades' "not graded" add up to
    // the reviews held.
    let t = table("quality-completion");
    let held = m.count("reviews.held").unwrap();
    let graded = num(&t.rows[1].cells[0]);
    assert_eq!(num(&t.rows[0].cells[0]), held);
    assert_eq!(
        graded + m.breakdown("quality.by_grade").unwrap().value("not_graded"),
        held
    );
    assert!(graded > 0 && graded <= held);
    // The last review of every child in care on 31 March.
    let t = table("participation-last-review");
    let total = t.rows.last().unwrap();
    assert_eq!(num(&total.cells[0]), cla_end);
    let body: u64 = t.rows[..t.rows.len() - 1]
        .iter()
        .map(|r| num(&r.cells[0]))
        .sum();
    assert_eq!(body, cla_end);
    // Short breaks by quarter, two years; reviews by month with the year's
    // total.
    assert_eq!(table("short-breaks-by-quarter").rows.len(), 4);
    let t = table("reviews-by-month");
    let total = t.rows.last().unwrap();
    assert!(total.total);
    assert_eq!(num(&total.cells[0]), held);
    let body: u64 = t.rows[..12].iter().map(|r| num(&r.cells[0])).sum();
    assert_eq!(body, held);
    // Decisions and records in time by quarter (Wok-M): each quarter's
    // percentage from its counts, the unweighted mean of the quarters, and
    // the year's own.
    let t = table("admin-by-quarter");
    assert_eq!(t.rows.len(), 6);
    let g = m.grid("reviews.decisions_in_time.by_quarter").unwrap();
    let mut shares = Vec::new();
    for (i, q) in ["Q1", "Q2", "Q3", "Q4"].iter().enumerate() {
        let row = g.get(q).unwrap();
        let (yes, no) = (row.value("in_time"), row.value("late"));
        let want = footprint_domain::measures::percent(yes, yes + no);
        assert_eq!(t.rows[i].cells[0].number(), want, "{q}");
        shares.extend(want);
    }
    assert!(!shares.is_empty());
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    assert!((t.rows[4].cells[0].number().unwrap() - mean).abs() < 1e-9);
    assert_eq!(
        t.rows[5].cells[0].number(),
        m.percent("reviews.decisions_in_time_pct").unwrap().value()
    );
    // Participation codes as shares of each quarter's reviews (Wok-N).
    let t = table("participation-pct-by-quarter");
    let g = m.grid("participation.by_quarter").unwrap();
    for (i, q) in ["Q1", "Q2", "Q3", "Q4"].iter().enumerate() {
        let row = g.get(q).unwrap();
        assert_eq!(num(t.rows[i].cells.last().unwrap()), row.total(), "{q}");
        let shares: f64 = t.rows[i].cells[..t.rows[i].cells.len() - 1]
            .iter()
            .filter_map(|c| c.number())
            .sum();
        if row.total() > 0 {
            assert!((shares - 100.0).abs() < 1e-6, "{q}: {shares}");
        }
    }
    // Challenges by quarter and outcome (Wok-P): each quarter's informal,
    // formal and no-stage add up to those raised; the year's raised is
    // challenges.raised.
    let t = table("challenges-by-quarter-outcome");
    for row in &t.rows[..4] {
        assert_eq!(
            num(&row.cells[1]) + num(&row.cells[2]) + num(&row.cells[3]),
            num(&row.cells[0]),
            "{}",
            row.header
        );
    }
    let raised: u64 = t.rows[..4].iter().map(|r| num(&r.cells[0])).sum();
    assert_eq!(raised, m.count("challenges.raised").unwrap());
    assert_eq!(num(&t.rows[4].cells[0]), raised);
    let json = json(&r);
    for id in [
        "challenges.by_quarter_outcome",
        "reviews.decisions_in_time.by_quarter",
        "reviews.record_in_time.by_quarter",
        "profile.section20.by_month",
        "profile.uasc.by_month",
        "profile.by_quarter.sex",
        "profile.short_breaks.by_quarter",
        "starts.children_by_placement",
        "quality.completion_pct",
        "participation.children_last_review",
    ] {
        assert!(!json["measures"][id].is_null(), "{id} in report.json");
    }
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    for id in [
        "section20-by-month",
        "uasc-by-month",
        "sex-by-quarter",
        "starts-by-placement",
        "quality-completion",
        "participation-last-review",
        "short-breaks-by-quarter",
        "admin-by-quarter",
        "participation-pct-by-quarter",
        "challenges-by-quarter-outcome",
    ] {
        assert!(html.contains(&format!(r#"<table id="{id}">"#)), "{id}");
    }
}

/// Children in care by census ethnic group beside each group's share of
/// the council's children (a setting); an unknown group in the setting is
/// an error naming it.
#[test]
fn ethnic_groups_are_tabled_beside_the_population() {
    let cal = footprint_domain::calendar::WorkingDayCalendar::england_and_wales();
    let mut settings = common::settings();
    settings.ethnic_population_shares = [("white".to_owned(), 82.4), ("black".to_owned(), 1.6)]
        .into_iter()
        .collect();
    let r = AnnualReport::compute(
        &common::dataset(),
        footprint_domain::dates::CollectionYear::new(2021),
        &settings,
        &cal,
        Vec::new(),
        false,
    );
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "profile-ethnic-group")
        .unwrap();
    assert_eq!(t.columns.last().unwrap(), "% of children aged 0–17");
    // The generated children are WBRI, or BAFR every fifth: White and
    // Black, adding up to the children in care.
    let m = &r.this_year.measures;
    let groups = m.breakdown("profile.end.by_ethnic_group").unwrap();
    let ethnicity = m.breakdown("profile.end.by_ethnicity").unwrap();
    assert_eq!(groups.value("white"), ethnicity.value("WBRI"));
    assert_eq!(groups.value("black"), ethnicity.value("BAFR"));
    assert_eq!(groups.total(), m.count("cla.end").unwrap());
    let white = &t.rows[0];
    assert_eq!(white.header, "White");
    assert_eq!(white.cells[0].number(), Some(groups.value("white") as f64));
    assert_eq!(white.cells.last().unwrap().number(), Some(82.4));
    let total = t.rows.last().unwrap();
    assert_eq!(
        total.cells[0].number(),
        Some(m.count("cla.end").unwrap() as f64)
    );
    r.render(Format::Html).unwrap();
    // A group the census does not have.
    settings
        .ethnic_population_shares
        .insert("whte".into(), 80.0);
    let bad = AnnualReport::compute(
        &common::dataset(),
        footprint_domain::dates::CollectionYear::new(2021),
        &settings,
        &cal,
        Vec::new(),
        false,
    );
    let err = bad.render(Format::Json).unwrap_err().to_string();
    assert!(
        err.contains("ethnic_population_shares") && err.contains("whte"),
        "{err}"
    );
}

/// Each year's rates use that year's 0–17 population: 2021-22 has its own
/// figure, 2020-21 (last year, and the day before this year for the
/// start's rate) has none and no figure for every year is set, so its rates
/// are not shown; the report says which figure it used and which rates it
/// could not show, and `report.json` names the year of each rate's figure.
#[test]
fn each_years_rates_use_that_years_population_and_the_report_says_which() {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::dates::CollectionYear;
    let mut settings = common::settings();
    settings.population_0_17 = None;
    settings.population_0_17_by_year = [("2021-22".parse().unwrap(), 20_000)].into();
    let r = AnnualReport::compute(
        &common::dataset(),
        CollectionYear::new(2021),
        &settings,
        &WorkingDayCalendar::england_and_wales(),
        common::narratives(),
        false,
    );
    r.check().expect("consistent");
    let v = json(&r);
    let rate = &v["measures"]["cla.rate_per_10k.end"];
    assert_eq!(rate["population"], 20_000);
    assert_eq!(rate["population_year"], "2021-22");
    let cla_end = r.this_year.measures.count("cla.end").unwrap();
    assert_eq!(
        v["measures"]["starts.rate_per_10k"]["population_year"],
        "2021-22"
    );
    assert!(
        v["measures"].get("cla.rate_per_10k.start").is_none(),
        "31 March 2021 is in 2020-21, which has no figure"
    );
    let last = r.last_year.as_ref().expect("last year");
    assert!(last.measures.get("cla.rate_per_10k.end").is_none());
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(
        html.contains("2021-22 on 31 March: 20000 (the figure entered for 2021-22)"),
        "the note names the figure"
    );
    assert!(
        html.contains("No rate per 10,000 is shown 2021-22 on 31 March of the year before"),
        "the note names what is not shown"
    );
    let per_10k = rate["per_10k"].as_f64().unwrap();
    assert!((per_10k - cla_end as f64 / 2.0).abs() < 0.05, "{per_10k}");
}

/// A target keyed by an indicator of the council's own list (as the report
/// settings screen lets a manager key it) shows beside its measure in the
/// annual report and is judged with that indicator's polarity; the report
/// used to look only in the default list, so it was not shown.
#[test]
fn a_target_keyed_by_an_indicator_of_the_councils_own_list_is_shown_beside_its_figure() {
    use footprint_report::performance::PerformanceSettings;
    let list: PerformanceSettings = serde_json::from_str(
        r#"{"indicators": [{"id": "timely", "name": "Reviews in time",
            "definition": "Reviews held in time", "basis": "flow",
            "value": {"kind": "percent", "measure": "reviews.in_time_pct"},
            "polarity": "high"}]}"#,
    )
    .unwrap();
    let mut r = common::report(false);
    r.settings.targets.insert("timely".into(), 0.0);
    r.indicators = Some(list);
    r.check()
        .expect("the target names an indicator of the list");
    let model = r.model();
    let t = model.tables().find(|t| t.id == "summary").unwrap();
    let target = t
        .columns
        .iter()
        .position(|c| c == "Target")
        .expect("a Target column")
        - 1;
    let row = t
        .rows
        .iter()
        .find(|row| row.header == "Reviews held in time")
        .unwrap();
    assert_eq!(row.cells[target].display(), "0.0%");
    assert_eq!(row.cells[target + 1].display(), "met");
}

/// `cla.rate_per_10k.by_month` (Wok-A, R20-T3): each month's children in
/// care per 10,000 of the year's 0–17 population, in report.json (a row per
/// month with its count, population and rate), in a table and a chart of
/// the report, this year beside last, and in the self-check: a month whose
/// rate's count is not that month's children in care is refused.
#[test]
fn the_rate_per_10k_by_month_is_reported_and_self_checked() {
    let r = common::report(false);
    r.check().expect("consistent");
    let v = json(&r);
    let rates = v["measures"]["cla.rate_per_10k.by_month"]
        .as_array()
        .expect("twelve months");
    let months = v["measures"]["cla.by_month"].as_array().unwrap();
    assert_eq!(rates.len(), 12);
    for (rate, month) in rates.iter().zip(months) {
        assert_eq!(rate["month"], month["month"]);
        assert_eq!(rate["count"], month["looked_after"]);
        assert_eq!(rate["population"], 40_000);
        assert_eq!(rate["population_year"], Value::Null);
        let expected =
            (int(&month["looked_after"]) as f64 * 10_000.0 / 40_000.0 * 10.0).round() / 10.0;
        assert_eq!(rate["per_10k"].as_f64(), Some(expected));
    }
    assert_eq!(
        v["previous_year"]["measures"]["cla.rate_per_10k.by_month"]
            .as_array()
            .map(Vec::len),
        Some(12)
    );
    // The table: a row per month, this year beside last; and its chart.
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "cla-rate-by-month")
        .expect("the table");
    assert_eq!(t.rows.len(), 12);
    assert_eq!(t.columns.len(), 3, "{:?}", t.columns);
    let march = int(&months[11]["looked_after"]) as f64 / 4.0;
    assert_eq!(t.rows[11].cells[0].number(), Some(march));
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(r#"<table id="cla-rate-by-month">"#));
    assert!(html.contains("cla-rate-by-month-chart"));
    assert!(
        html.contains("2021-22 at the end of each month: 40000"),
        "the note names the figure"
    );
    // Without a population, no table (the note says why).
    let mut settings = common::settings();
    settings.population_0_17 = None;
    let none = AnnualReport::compute(
        &common::dataset(),
        footprint_domain::dates::CollectionYear::new(2021),
        &settings,
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        false,
    );
    assert!(
        none.this_year
            .measures
            .get("cla.rate_per_10k.by_month")
            .is_none()
    );
    assert!(!none.model().tables().any(|t| t.id == "cla-rate-by-month"));
    // The self-check: a month's rate counting one child more.
    let mut bad = common::report(false);
    bad.this_year
        .measures
        .get_mut("cla.rate_per_10k.by_month")
        .unwrap()
        .cell_mut(&["2021-07".to_owned(), "count".to_owned()])
        .unwrap()
        .value += 1;
    let err = bad.check().unwrap_err().to_string();
    assert!(
        err.contains("cla.rate_per_10k.by_month[2021-07][count]")
            && err.contains("cla.by_month[2021-07][looked_after]"),
        "{err}"
    );
}

/// Published, a month's rate is `c` wherever its count is. A council so
/// small that every month's children in care are 1 to 5 (too small to
/// publish whole, so the test reads the suppression's primary cells, and
/// the model and the JSON writer with them hidden, not a written report):
/// each month's rate counts a primary cell of its own, and with the counts
/// hidden the rate is `c` in the table and in report.json.
#[test]
fn a_published_monthly_rate_is_hidden_with_its_count() {
    let mut data = common::dataset();
    let kept: Vec<_> = data.children.iter().take(4).map(|c| c.id.clone()).collect();
    data.episodes.retain(|e| kept.contains(&e.child));
    let mut r = AnnualReport::compute(
        &data,
        footprint_domain::dates::CollectionYear::new(2021),
        &common::settings(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        true,
    );
    let primary = suppress::publication(
        &r.this_year.measures,
        r.last_year.as_ref().map(|y| &y.measures),
    )
    .primary();
    let block = suppress::block(&r.this_year.measures);
    r.this_year.hidden = primary
        .into_iter()
        .filter(|f| f.block == block)
        .map(|f| f.cell)
        .collect();
    let m = &r.this_year.measures;
    let hidden = &r.this_year.hidden;
    let id = "cla.rate_per_10k.by_month";
    let node = footprint_report::json::Writer {
        measures: m,
        hidden,
    }
    .measure(id, m.get(id).expect("the rate by month"));
    let rates = serde_json::to_value(&node).unwrap();
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "cla-rate-by-month")
        .unwrap();
    for (i, (y, mo)) in m.period.months().into_iter().enumerate() {
        let month = format!("{y}-{mo:02}");
        let count = m
            .cell("cla.by_month", &[month.clone(), "looked_after".into()])
            .unwrap()
            .value;
        assert!((1..=5).contains(&count), "{month}: {count}");
        assert!(hidden.contains(&CellRef::new("cla.by_month", &[&month, "looked_after"])));
        assert!(
            hidden.contains(&CellRef::new(id, &[&month, "count"])),
            "{month}"
        );
        let row = &rates[i];
        assert_eq!(row["month"], month.as_str());
        assert_eq!(row["count"], "c", "{row}");
        assert_eq!(row["per_10k"], "c", "{row}");
        assert_eq!(t.rows[i].cells[0].display(), "c");
    }
}

/// The BME total (R20-C2, R21-C2): White British, black and minority
/// ethnic (every other recorded code) and not recorded apart (the census
/// groups' not known), as counts and shares of the children in care, this
/// year beside last, adding up to the children in care; each row the sum of
/// its ethnicity codes (self-checked).
#[test]
fn the_bme_total_is_tabled_and_adds_up_to_the_codes() {
    let r = common::report(false);
    r.check().expect("consistent");
    let m = &r.this_year.measures;
    let codes = m.breakdown("profile.end.by_ethnicity").unwrap();
    let bme = m.breakdown("profile.end.bme").unwrap();
    let cla_end = m.count("cla.end").unwrap();
    assert_eq!(bme.value("white_british"), codes.value("WBRI"));
    let not_known = m
        .breakdown("profile.end.by_ethnic_group")
        .unwrap()
        .value("not_known");
    assert_eq!(not_known, codes.value("REFU") + codes.value("NOBT"));
    assert_eq!(bme.total() + not_known, cla_end);
    assert!(bme.value("bme") > 0, "the fixture has BME children");
    let v = json(&r);
    assert_eq!(v["measures"]["profile.end.bme"]["bme"], bme.value("bme"));
    let model = r.model();
    let t = model.tables().find(|t| t.id == "profile-bme").unwrap();
    assert!(
        t.rows[1]
            .header
            .starts_with("Black and minority ethnic (BME)")
    );
    assert_eq!(t.rows[1].cells[0].number(), Some(bme.value("bme") as f64));
    let share = bme.value("bme") as f64 * 100.0 / cla_end as f64;
    assert_eq!(t.rows[1].cells[1].number(), Some(share));
    assert_eq!(t.rows[3].cells[0].number(), Some(cla_end as f64));
    assert_eq!(t.columns.len(), 5, "this year beside last");
    // Beside the BME share of the council's children, when the settings
    // hold it (`ethnic_population_shares.bme`).
    let mut settings = common::settings();
    settings.ethnic_population_shares = [("bme".to_owned(), 8.1)].into_iter().collect();
    let with_share = AnnualReport::compute(
        &common::dataset(),
        footprint_domain::dates::CollectionYear::new(2021),
        &settings,
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        false,
    );
    with_share
        .render(Format::Json)
        .expect("bme is a known share");
    let model = with_share.model();
    let t = model.tables().find(|t| t.id == "profile-bme").unwrap();
    assert_eq!(t.columns.last().unwrap(), "% of children aged 0–17");
    assert_eq!(t.rows[1].cells.last().unwrap().number(), Some(8.1));
    assert_eq!(
        t.rows[0].cells.last().unwrap(),
        &footprint_report::model::Cell::Blank
    );
    // The self-check: a BME total that is not the sum of its codes.
    let mut bad = common::report(false);
    bad.this_year
        .measures
        .get_mut("profile.end.bme")
        .unwrap()
        .cell_mut(&["bme".to_owned()])
        .unwrap()
        .value += 1;
    let err = bad.check().unwrap_err().to_string();
    assert!(err.contains("profile.end.bme[bme]"), "{err}");
}

/// The five-year trend has the rate of starts per 10,000 (Pet-T3), each
/// year's from its own population, in report.json and the trend table.
#[test]
fn the_trend_has_the_rate_of_starts() {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::dates::CollectionYear;
    let r = AnnualReport::compute_as_of(
        &common::dataset(),
        CollectionYear::new(2021),
        common::d(2022, 6, 1),
        &common::settings(),
        &WorkingDayCalendar::england_and_wales(),
        Vec::new(),
        false,
    );
    let v = json(&r);
    let t = &v["trend"];
    let years = t["years"].as_array().unwrap();
    let rates = t["measures"]["starts.rate_per_10k"].as_array().unwrap();
    assert_eq!(rates.len(), years.len());
    assert!(years.len() > 2, "{years:?}");
    let starts = r.this_year.measures.count("starts.children").unwrap();
    let expected = (starts as f64 * 10_000.0 / 40_000.0 * 10.0).round() / 10.0;
    assert_eq!(rates.last().unwrap().as_f64(), Some(expected));
    let model = r.model();
    let table = model
        .tables()
        .find(|t| t.id == "trend")
        .expect("trend table");
    let row = table
        .rows
        .iter()
        .find(|row| {
            row.header == "Children who started to be looked after per 10,000 children aged 0–17"
        })
        .expect("the rate's row");
    assert_eq!(
        row.cells.last().unwrap().number(),
        Some(starts as f64 / 4.0)
    );
}

#[test]
fn case_file_audits_are_tabled_this_year_beside_last_with_their_totals() {
    use footprint_domain::case_records::{AuditRequester, CaseFileAudit};
    use footprint_domain::model::QualityGrade;
    let d = common::d;
    let before = common::report(false);
    let mut data = common::dataset();
    let audit =
        |n: u32, requested, by, theme: Option<&str>, completed, grade, cancelled| CaseFileAudit {
            id: format!("CFA{n}"),
            child: format!("C{:03}", n % 40).parse().unwrap(),
            requested,
            requested_by: by,
            theme: theme.map(String::from),
            completed,
            grade,
            findings: completed.map(|_| "Synthetic findings".to_owned()),
            cancelled,
        };
    use AuditRequester::{Iro, ServiceManager as Sm};
    data.case_records.case_file_audits = vec![
        // 2021-22: five requested, three completed in the year, one
        // cancelled, one completed in the next year's April (so open on
        // 31 March).
        audit(
            1,
            d(2021, 5, 3),
            Iro,
            Some("care_planning"),
            Some(d(2021, 6, 1)),
            Some(QualityGrade::Good),
            None,
        ),
        audit(
            2,
            d(2021, 7, 3),
            Iro,
            Some("Placement"),
            Some(d(2021, 8, 1)),
            None,
            None,
        ),
        audit(
            3,
            d(2021, 9, 3),
            Sm,
            None,
            Some(d(2021, 10, 1)),
            Some(QualityGrade::Inadequate),
            None,
        ),
        audit(
            4,
            d(2021, 11, 3),
            Sm,
            None,
            None,
            None,
            Some(d(2021, 12, 1)),
        ),
        audit(
            5,
            d(2022, 3, 3),
            Iro,
            None,
            Some(d(2022, 4, 20)),
            Some(QualityGrade::Good),
            None,
        ),
        // 2020-21: one requested and completed.
        audit(
            6,
            d(2020, 6, 3),
            Iro,
            None,
            Some(d(2020, 7, 1)),
            Some(QualityGrade::Outstanding),
            None,
        ),
    ];
    data.case_records.sort();
    let r = AnnualReport::compute(
        &data,
        footprint_domain::dates::CollectionYear::new(2021),
        &common::settings(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        common::narratives(),
        false,
    );
    r.check().expect("consistent");
    let m = &r.this_year.measures;
    assert_eq!(m.count("audits.requested"), Some(5));
    assert_eq!(m.count("audits.completed"), Some(3));
    // Every figure the report had before audits were recorded is the same.
    let (old, new) = (json(&before), json(&r));
    for (id, value) in old["measures"].as_object().unwrap() {
        if !id.starts_with("audits.") {
            assert_eq!(&new["measures"][id], value, "{id}");
        }
    }
    // The self-check sums them, and refuses a cell that does not add up.
    let mut broken = m.clone();
    if let Some(footprint_domain::measures::Measure::Breakdown(b)) =
        broken.get_mut("audits.by_grade")
    {
        b.entry("good").value += 1;
    }
    let err = footprint_report::checks::check(&broken).unwrap_err();
    assert!(err.to_string().contains("audits.by_grade"), "{err}");

    let model = r.model();
    let section = model.sections.iter().find(|s| s.id == "quality").unwrap();
    let table = |id: &str| {
        section
            .blocks
            .iter()
            .find_map(|b| match b {
                footprint_report::model::Block::Table(t) if t.id == id => Some(t),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{id}"))
    };
    let cells = |id: &str| -> Vec<(String, Vec<String>)> {
        table(id)
            .rows
            .iter()
            .map(|r| {
                (
                    r.header.clone(),
                    r.cells.iter().map(|c| c.display()).collect(),
                )
            })
            .collect()
    };
    let row = |id: &str, header: &str| {
        cells(id)
            .into_iter()
            .find(|(h, _)| h == header)
            .unwrap_or_else(|| panic!("{id}: {header}"))
            .1
    };
    assert_eq!(
        table("case-file-audits").columns,
        ["Measure", "2021-22", "2020-21"]
    );
    assert_eq!(row("case-file-audits", "Audits requested"), ["5", "1"]);
    assert_eq!(
        row("case-file-audits", "… completed by the end of the year"),
        ["3", "1"]
    );
    assert_eq!(
        row("case-file-audits", "% of audits requested completed"),
        ["60.0%", "100.0%"]
    );
    assert_eq!(
        row("case-file-audits", "Audits cancelled in the year"),
        ["1", "0"]
    );
    let outcome = cells("case-file-audits-by-outcome");
    assert_eq!(outcome.last().unwrap().0, "All audits requested");
    assert_eq!(outcome.last().unwrap().1[0], "5");
    assert!(
        table("case-file-audits-by-outcome")
            .rows
            .last()
            .unwrap()
            .total
    );
    assert_eq!(row("case-file-audits-by-outcome", "Open")[0], "1");
    assert_eq!(
        row("case-file-audits-by-requester", "The IRO service manager")[0],
        "2"
    );
    assert_eq!(row("case-file-audits-by-theme", "Care planning")[0], "1");
    assert_eq!(row("case-file-audits-by-theme", "Placement")[0], "1");
    assert_eq!(row("case-file-audits-by-theme", "Not recorded")[0], "3");
    let grades = cells("case-file-audits-by-grade");
    assert_eq!(
        grades
            .iter()
            .map(|(h, c)| (h.as_str(), c[0].as_str(), c[2].as_str()))
            .collect::<Vec<_>>(),
        [
            ("Outstanding", "0", "1"),
            ("Good", "1", "0"),
            ("Requires improvement", "0", "0"),
            ("Inadequate", "1", "0"),
            ("Not graded", "1", "0"),
            ("All audits completed", "3", "1"),
        ]
    );

    // In every format.
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    assert!(html.contains(
        r#"<table id="case-file-audits-by-grade"><caption>Case file audits completed in the year, by grade"#
    ));
    let v = json(&r);
    assert_eq!(int(&v["measures"]["audits.requested"]), 5);
    assert_eq!(int(&v["measures"]["audits.by_grade"]["not_graded"]), 1);
    assert_eq!(int(&v["measures"]["audits.completed_pct"]["numerator"]), 3);
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(r.render(Format::Xlsx).unwrap())).unwrap();
    assert!(wb.worksheet_range("case-file-audits-by-grade").is_ok());
}

#[test]
fn reasons_for_inadequate_grades_add_up_to_the_inadequate_grades() {
    let r = common::report(false);
    let m = &r.this_year.measures;
    let inadequate = m.breakdown("quality.by_grade").unwrap().value("inadequate");
    let model = r.model();
    let t = model
        .tables()
        .find(|t| t.id == "inadequate-by-reason")
        .expect("the table");
    let total = t.rows.last().unwrap();
    assert!(total.total);
    assert_eq!(total.header, "All reviews graded inadequate");
    assert_eq!(total.cells[0].display(), inadequate.to_string());
    assert!(t.rows.iter().any(|r| r.header == "Not recorded"));
    assert_eq!(
        m.breakdown("quality.inadequate_by_reason").unwrap().total(),
        inadequate
    );
}

/// `report.json` is written as it is made (`write_json`, which `render`
/// and `render_to` use): the same value as the whole document built in
/// memory (`to_json_node`), byte for byte as serde_json's pretty layout
/// wrote that, but for each drilldown list of children, which is on one
/// line.
#[test]
fn the_streamed_json_is_the_json_built_whole_with_each_list_of_children_on_one_line() {
    for publication in [false, true] {
        let r = common::report(publication);
        let whole = serde_json::to_string_pretty(&r.to_json_node()).unwrap();
        let streamed = String::from_utf8(r.render(Format::Json).unwrap()).unwrap();
        assert_eq!(streamed, r.to_json());
        let (a, b): (Value, Value) = (
            serde_json::from_str(&whole).unwrap(),
            serde_json::from_str(&streamed).unwrap(),
        );
        assert_eq!(a, b, "publication {publication}");
        let split = |text: &str| -> (String, String, String) {
            let Some(at) = text.find("  \"drilldown\": {") else {
                return (text.to_owned(), String::new(), String::new());
            };
            let end = text.find("  \"unmatched_reviews\"").unwrap();
            (
                text[..at].to_owned(),
                text[at..end].to_owned(),
                text[end..].to_owned(),
            )
        };
        let (whole_head, whole_drill, whole_tail) = split(&whole);
        let (head, drill, tail) = split(&streamed);
        assert_eq!(head, whole_head);
        assert_eq!(tail, whole_tail);
        if publication {
            assert!(drill.is_empty() && !streamed.contains("drilldown"));
            continue;
        }
        // Each list of children on one line, as compact JSON.
        let lists: Vec<&str> = drill.lines().filter(|l| l.contains("[")).collect();
        assert!(lists.len() > 20, "{} lists", lists.len());
        for line in lists {
            let list = line.trim().trim_end_matches(',');
            let list = &list[list.find(": ").unwrap() + 2..];
            let children: Vec<String> = serde_json::from_str(list).unwrap();
            assert!(!children.is_empty());
            assert_eq!(list, serde_json::to_string(&children).unwrap());
        }
        assert!(drill.len() < whole_drill.len());
    }
}

/// A report that fails its checks opens nothing to write to; one that
/// passes is written to what `open` gives, as `render` makes it.
#[test]
fn render_to_opens_its_output_only_for_a_report_that_passes() {
    let mut r = common::report(false);
    for format in [Format::Json, Format::Html] {
        let mut out = Vec::new();
        r.render_to(format, || Ok(&mut out)).unwrap();
        assert_eq!(out, r.render(format).unwrap());
    }
    // A table in no relation to the others cannot be published: the
    // checks refuse the report.
    r = with_a_table_in_no_relation();
    let mut opened = false;
    let err = r
        .render_to(Format::Json, || {
            opened = true;
            Ok(Vec::new())
        })
        .unwrap_err();
    assert!(!opened, "opened for a report that failed: {err}");
}
