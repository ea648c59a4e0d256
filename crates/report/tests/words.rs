//! The manager's words (issue 16, item 3) in every format of the annual
//! report, and refused when they name a part the report does not have.

mod common;

use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx, open_workbook_from_rs};
use footprint_report::words::{
    ActionProgress, ActionStatus, Feedback, PlannedAction, Post, Words, YouSaidWeDid,
};
use footprint_report::{AnnualReport, Format, Narrative, ReportError};

fn words() -> Words {
    let mut w = Words::default();
    w.sections.insert(
        "reviews".into(),
        "Reviews intro: timeliness held up.".into(),
    );
    w.sections
        .insert("stability".into(), "Stability intro: fewer moves.".into());
    w.last_year_actions = vec![
        ActionProgress {
            action: "Midway checks for every child".into(),
            target: "90% by March".into(),
            owner: "Service manager".into(),
            status: Some(ActionStatus::InProgress),
            progress: "Reached 78.7%".into(),
        },
        ActionProgress {
            action: "Consult children on their reviews".into(),
            ..ActionProgress::default()
        },
    ];
    w.next_year_actions = vec![PlannedAction {
        action: "Records circulated within 15 working days".into(),
        target: "90%".into(),
        owner: "Team manager".into(),
    }];
    w.you_said_we_did = vec![YouSaidWeDid {
        you_said: "Reviews are too long".into(),
        we_did: "Shorter reviews, chaired by the child where they wish".into(),
    }];
    w.feedback = vec![Feedback {
        from: "a young person aged 15".into(),
        text: "My IRO listened to me.".into(),
    }];
    w.staffing = vec![
        Post {
            post: "Independent Reviewing Officer".into(),
            fte: 7.5,
        },
        Post {
            post: "Service manager".into(),
            fte: 1.0,
        },
    ];
    w
}

fn report() -> AnnualReport {
    let mut r = common::report(false);
    r.words = words();
    r
}

const PHRASES: [&str; 12] = [
    "Reviews intro: timeliness held up.",
    "Stability intro: fewer moves.",
    "Midway checks for every child",
    "Reached 78.7%",
    "In progress",
    "Not yet reported",
    "Records circulated within 15 working days",
    "Reviews are too long",
    "Shorter reviews, chaired by the child where they wish",
    "My IRO listened to me.",
    "Independent Reviewing Officer",
    "Reviews are held on time",
];

#[test]
fn every_part_of_the_managers_words_is_in_every_format() {
    let r = report();
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    for p in PHRASES {
        assert!(html.contains(p), "HTML lacks {p:?}");
    }
    // In their sections, in order: progress after the summary, the plan
    // for next year before the method.
    let at = |id: &str| html.find(&format!(r#"<section id="{id}""#)).unwrap();
    assert!(at("summary") < at("action-plan-progress"));
    assert!(at("action-plan-progress") < at("service"));
    assert!(at("short-breaks") < at("feedback"));
    assert!(at("feedback") < at("action-plan"));
    assert!(at("action-plan") < at("method"));
    let reviews = &html[at("reviews")..];
    assert!(reviews.find("Reviews intro").unwrap() < reviews.find("<table").unwrap());

    // Word.
    let bytes = r.render(Format::Docx).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for p in PHRASES {
        assert!(xml.contains(p), "Word lacks {p:?}");
    }

    // Excel: the tables on their own sheets, every narrative on one.
    let bytes = r.render(Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                all.push_str(&c.to_string());
                all.push('\n');
            }
        }
    }
    for p in PHRASES {
        assert!(all.contains(p), "Excel lacks {p:?}");
    }
    assert!(all.contains("8.5"), "the staffing total");

    // JSON: every part, the stored section texts with the file's.
    let v: serde_json::Value = serde_json::from_slice(&r.render(Format::Json).unwrap()).unwrap();
    let w = &v["words"];
    assert_eq!(
        w["sections"]["reviews"],
        "Reviews intro: timeliness held up."
    );
    assert_eq!(
        w["sections"]["working_well"],
        "Reviews are held on time & children take part."
    );
    assert_eq!(w["last_year_actions"][0]["status"], "in_progress");
    assert_eq!(w["last_year_actions"][1]["status"], serde_json::Value::Null);
    assert_eq!(w["next_year_actions"][0]["owner"], "Team manager");
    assert_eq!(w["you_said_we_did"][0]["you_said"], "Reviews are too long");
    assert_eq!(w["feedback"][0]["from"], "a young person aged 15");
    assert_eq!(w["staffing"][1]["fte"], 1.0);
    let back: Words = serde_json::from_value(w.clone()).unwrap();
    assert_eq!(back.staffing, words().staffing);
}

#[test]
fn a_narrative_for_a_part_the_report_does_not_have_is_refused_naming_it() {
    let mut r = common::report(false);
    r.narratives.push(Narrative {
        slot: "placements-out-of-area".into(),
        text: "Some words".into(),
    });
    for f in [Format::Json, Format::Html, Format::Xlsx] {
        match r.render(f) {
            Err(ReportError::Words(e)) => assert!(e.contains("`placements-out-of-area`"), "{e}"),
            other => panic!(
                "expected the words refused, got {:?}",
                other.map(|b| b.len())
            ),
        }
    }
    let mut r = report();
    r.words.staffing[0].post = String::new();
    let e = r.render(Format::Html).unwrap_err().to_string();
    assert!(e.contains("staffing[1].post is empty"), "{e}");
}

#[test]
fn without_words_the_report_has_no_empty_parts() {
    let r = common::report(false);
    let ids: Vec<String> = r.model().sections.iter().map(|s| s.id.clone()).collect();
    for id in ["cover", "action-plan-progress", "feedback", "action-plan"] {
        assert!(!ids.iter().any(|s| s == id), "{id} shown empty");
    }
    // Every section the report draws is one the words may introduce.
    for id in &ids {
        assert!(
            footprint_report::SECTION_IDS.iter().any(|(k, _)| k == id),
            "{id} is not in SECTION_IDS"
        );
    }
}

/// The measures added with the manager's words (the adoption scorecard,
/// care leavers, placement provider, children turning 18) are in
/// `report.json` and in a table of the report, internal and published.
#[test]
fn the_scorecard_care_leavers_provider_and_projection_are_tabled() {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::codes::{CareLeaverAccommodation, CareLeaverActivity, InTouch};
    use footprint_domain::dates::CollectionYear;
    use footprint_domain::return_tables::CareLeaverOutcome;
    let mut data = common::dataset();
    let year = CollectionYear::new(2021);
    for (i, c) in data.children.iter().take(12).enumerate() {
        data.return_tables.care_leavers.push(CareLeaverOutcome {
            child: c.id.clone(),
            year,
            in_touch: Some(if i % 3 == 0 {
                InTouch::No
            } else {
                InTouch::Yes
            }),
            activity: Some(if i % 2 == 0 {
                CareLeaverActivity::F2
            } else {
                CareLeaverActivity::G5
            }),
            accommodation: Some(CareLeaverAccommodation::U1),
        });
    }
    data.return_tables.sort();
    let ids = [
        "adoption.a10",
        "adoption.a10_within_threshold",
        "adoption.a2",
        "adoption.a2_within_threshold",
        "adoption.within_12_months_of_shobpa",
        "care_leavers.count",
        "care_leavers.in_touch",
        "care_leavers.suitable_accommodation_pct",
        "care_leavers.eet_pct",
        "care_leavers.former_uasc",
        "placements.end.by_provider",
        "projection.turning_18",
    ];
    for publication in [false, true] {
        let r = AnnualReport::compute(
            &data,
            year,
            &common::settings(),
            &WorkingDayCalendar::england_and_wales(),
            common::narratives(),
            publication,
        );
        let v: serde_json::Value =
            serde_json::from_slice(&r.render(Format::Json).expect("renders")).unwrap();
        for id in ids {
            assert!(!v["measures"][id].is_null(), "{id} not in report.json");
        }
        if !publication {
            assert_eq!(v["measures"]["care_leavers.count"], 12);
            // 4 of 12 not in touch (i = 0, 3, 6, 9).
            assert_eq!(v["measures"]["care_leavers.in_touch"]["NO"], 4);
        } else {
            assert_eq!(v["measures"]["care_leavers.in_touch"]["NO"], "c");
        }
        let model = r.model();
        for t in [
            "adoption-scorecard",
            "care-leavers",
            "care-leavers-in-touch",
            "profile-provider",
            "projection-turning-18",
        ] {
            assert!(model.tables().any(|x| x.id == t), "no table {t}");
        }
        let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
        assert!(html.contains("A10: average days from entering care"));
        assert!(html.contains(r#"<section id="care-leavers""#));
    }
}

/// The committee's cover page (R20-T0) and the governance and sign-off
/// (Wok-T0): first in every format, each field where the template puts it,
/// kept in `report.json`'s words and read back from a words file.
#[test]
fn the_cover_page_and_sign_off_come_first_in_every_format() {
    use chrono::NaiveDate;
    use footprint_report::words::{Cover, SignOff};
    let mut r = report();
    r.words.cover = Cover {
        committee: "Corporate Parenting Panel".into(),
        meeting_date: NaiveDate::from_ymd_opt(2025, 5, 13),
        author: "Head of Safeguarding and Quality Assurance".into(),
        purpose: "To present the IRO annual report for 2024-25.".into(),
        recommendations: "That the panel notes the report.".into(),
        key_decision: Some(false),
        wards: "All wards".into(),
        appendices: "Appendix A: the performance page".into(),
    };
    r.words.governance = vec![
        SignOff {
            meeting: "Directorate Leadership Team".into(),
            date: NaiveDate::from_ymd_opt(2025, 4, 22),
            outcome: "Approved".into(),
        },
        SignOff {
            meeting: "Corporate Parenting Panel".into(),
            date: NaiveDate::from_ymd_opt(2025, 5, 13),
            outcome: String::new(),
        },
    ];
    let phrases = [
        "Report to Corporate Parenting Panel",
        "13 May 2025",
        "Head of Safeguarding and Quality Assurance",
        "To present the IRO annual report for 2024-25.",
        "That the panel notes the report.",
        "Key decision",
        "All wards",
        "Appendix A: the performance page",
        "Governance and sign-off",
        "Directorate Leadership Team",
        "22 April 2025",
        "Approved",
    ];
    let html = String::from_utf8(r.render(Format::Html).unwrap()).unwrap();
    for p in phrases {
        assert!(html.contains(p), "HTML lacks {p:?}");
    }
    let at = |id: &str| html.find(&format!(r#"<section id="{id}""#)).unwrap();
    assert!(at("cover") < at("summary"), "the cover page comes first");
    let cover = &html[at("cover")..at("summary")];
    assert!(cover.contains(">No<"), "key decision: No");
    // The meeting still to come has no outcome yet, shown as a dash.
    assert!(cover.find("Approved").unwrap() < cover.rfind("–").unwrap());

    let bytes = r.render(Format::Docx).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for p in phrases {
        assert!(xml.contains(p), "Word lacks {p:?}");
    }
    assert!(
        xml.find("Report to Corporate Parenting Panel").unwrap() < xml.rfind(">Summary<").unwrap()
    );

    let bytes = r.render(Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                all.push_str(&c.to_string());
                all.push('\n');
            }
        }
    }
    for p in phrases {
        assert!(all.contains(p), "Excel lacks {p:?}");
    }

    let v: serde_json::Value = serde_json::from_slice(&r.render(Format::Json).unwrap()).unwrap();
    let w = &v["words"];
    assert_eq!(w["cover"]["committee"], "Corporate Parenting Panel");
    assert_eq!(w["cover"]["meeting_date"], "2025-05-13");
    assert_eq!(w["cover"]["key_decision"], false);
    assert_eq!(w["governance"][0]["date"], "2025-04-22");
    assert_eq!(w["governance"][1]["outcome"], "");
    // report.json's words are a words file.
    let back = Words::from_json(&w.to_string()).unwrap();
    assert_eq!(back.cover, r.words.cover);
    assert_eq!(back.governance, r.words.governance);

    // A words file's mistakes are refused naming them.
    for (file, expected) in [
        (r#"{"cover": {"comittee": "Panel"}}"#, "comittee"),
        (r#"{"cover": {"meeting_date": "13/05/2025"}}"#, "13/05/2025"),
        (
            r#"{"governance": [{"meeting": "Panel"}]}"#,
            "governance[1].date is empty",
        ),
        (
            r#"{"governance": [{"meeting": " ", "date": "2025-05-13"}]}"#,
            "governance[1].meeting is empty",
        ),
        (
            r#"{"governance": [{"meeting": "Panel", "date": "2025-05-13", "chair": "x"}]}"#,
            "chair",
        ),
    ] {
        let e = Words::from_json(file).unwrap_err();
        assert!(e.contains(expected), "{file}: {e}");
    }
}
