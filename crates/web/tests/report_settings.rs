//! The report's settings screen (`/reports/settings`): pre-filled with
//! what is held, every field checked as a `--settings` or `--indicators`
//! file is, nothing saved when anything is refused, what is saved audited
//! with its values before and after, and the reports using it.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_store::AuditQuery;
use footprint_web::{Clock, Role};
use serde_json::{Value, json};

/// A list of one indicator with no thresholds: its RAG is against the
/// council's target.
const IN_CARE_LIST: &str = r#"{"indicators": [{"id": "in_care", "name": "Children in care",
  "definition": "Children looked after on the month's last day", "basis": "snapshot",
  "value": {"kind": "count", "measure": "cla.end"}, "polarity": "low"}]}"#;

/// A whole form as a browser sends it: the targets, one population row,
/// the shares and the indicator list.
fn form<'a>(targets: &[(&'a str, &'a str)], indicators: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = Vec::new();
    for (m, v) in targets {
        f.push(("target_measure", *m));
        f.push(("target_value", *v));
    }
    f.extend([
        ("target_measure", ""),
        ("target_value", ""),
        ("bench_measure", "reviews.in_time_pct"),
        ("bench_statistical_neighbours", "88.1"),
        ("bench_best_neighbour", ""),
        ("bench_england", "86"),
        ("bench_region", ""),
        ("bench_top_quartile", ""),
        ("bench_year", "2023-24"),
        ("population_all", "40000"),
        ("population_year", "2024-25"),
        ("population_value", "56,000"),
        ("population_year", ""),
        ("population_value", ""),
        ("share_white", "82.4"),
        ("share_mixed", ""),
        ("share_asian", ""),
        ("share_black", "1.6"),
        ("share_other", ""),
        ("indicators", indicators),
    ]);
    f
}

async fn setting(t: &TestApp, key: &str) -> Option<Value> {
    t.store.setting(key).await.expect("read")
}

async fn changes(t: &TestApp) -> Vec<String> {
    t.store
        .audit_log(&AuditQuery::default())
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "settings.change")
        .map(|e| e.detail)
        .collect()
}

/// The performance page of February 2025 as JSON, from the settings held.
async fn performance(t: &TestApp) -> Value {
    let inputs = footprint_interchange::reports::load(&t.store, "test", None)
        .await
        .expect("load");
    let (bytes, _) = footprint_interchange::reports::performance_page(
        &inputs,
        "2025-02",
        t.clock.today(),
        &t.state.calendar,
        None,
        false,
        "json",
    )
    .expect("page");
    serde_json::from_slice(&bytes).expect("json")
}

#[tokio::test]
async fn the_screen_shows_what_is_held_saves_it_audited_and_the_reports_use_it() {
    let t = app().await;
    // A setting from before there were figures by year: one population for
    // every year, and a local authority code this screen does not edit.
    let held = json!({"population_0_17": 40000, "targets": {"cla.end": 10.0},
                      "local_authority_code": "E09000027"});
    t.store
        .set_setting("report_settings", &held)
        .await
        .expect("set");
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let res = m.get("/reports").await;
    assert!(res.body.contains("href=\"/reports/settings\""), "linked");
    let res = m.get("/reports/settings").await;
    assert_eq!(res.status, StatusCode::OK);
    for held in [
        "id=\"population_all\" name=\"population_all\"",
        "value=\"40000\"",
        "value=\"cla.end\"",
        "value=\"10\"",
    ] {
        assert!(res.body.contains(held), "{held} pre-filled");
    }
    // No list held: the default list is shown, in the table and the box.
    assert!(
        res.body.contains("uses Footprint&#x27;s default list")
            || res.body.contains("uses Footprint's default list")
    );
    assert!(res.body.contains("&quot;cla.count&quot;") || res.body.contains("\"cla.count\""));

    let res = m
        .post(
            "/reports/settings",
            &form(
                &[("reviews.in_time_pct", "90"), ("in_care", "1000")],
                IN_CARE_LIST,
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/reports/settings"));
    let saved = setting(&t, "report_settings").await.expect("saved");
    assert_eq!(
        saved["targets"],
        json!({"reviews.in_time_pct": 90.0, "in_care": 1000.0})
    );
    assert_eq!(saved["population_0_17"], 40000);
    assert_eq!(saved["population_0_17_by_year"], json!({"2024-25": 56000}));
    assert_eq!(
        saved["benchmarks"]["reviews.in_time_pct"],
        json!({"statistical_neighbours": 88.1, "best_neighbour": null, "england": 86.0,
               "region": null, "top_quartile": null, "year": "2023-24"})
    );
    assert_eq!(
        saved["ethnic_population_shares"],
        json!({"white": 82.4, "black": 1.6})
    );
    assert_eq!(saved["local_authority_code"], "E09000027", "kept as held");
    let list = setting(&t, "performance_indicators").await.expect("saved");
    assert_eq!(list["indicators"][0]["id"], "in_care");
    // Audited with the values before and after.
    let details = changes(&t).await;
    let report = details
        .iter()
        .find(|d| d.starts_with("setting=report_settings;"))
        .expect("report_settings audited");
    assert!(
        report.contains(&format!("before={held}")) && report.contains("\"in_care\":1000.0"),
        "{report}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("setting=performance_indicators;before=(not set);after=")),
        "{details:?}"
    );
    // The page shows what was saved.
    let res = m.get("/reports/settings").await;
    assert!(res.body.contains("value=\"reviews.in_time_pct\""));
    assert!(res.body.contains("value=\"56000\""));
    assert!(
        res.body.contains("uses the council&#x27;s own list")
            || res.body.contains("uses the council's own list")
    );

    // The annual report shows the target beside the figure, and the year's
    // own population.
    let res = m.get("/reports/annual?year=2024-25").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Against target"), "target column");
    assert!(res.body.contains("90.0%"), "the target beside the figure");
    assert!(
        res.body.contains("the figure entered for 2024-25"),
        "the report says which population it used"
    );
    // The performance page rates the indicator by its target: children in
    // care (lower is better) within 1000 is green; within 0 is red.
    let page = performance(&t).await;
    let row = &page["rows"][0];
    assert_eq!(row["id"], "in_care");
    assert_eq!(row["target"], 1000.0);
    assert_eq!(row["rag"], "green", "{row}");
    let res = m
        .post(
            "/reports/settings",
            &form(&[("in_care", "0")], IN_CARE_LIST),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(performance(&t).await["rows"][0]["rag"], "red");

    // Back to the default list: stored as null, read as no list.
    let mut f = form(&[], IN_CARE_LIST);
    f.push(("indicators_reset", "yes"));
    let res = m.post("/reports/settings", &f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        setting(&t, "performance_indicators").await,
        Some(Value::Null)
    );
    let page = performance(&t).await;
    assert_eq!(page["rows"][0]["id"], "cla.count", "the default list");
    let res = m.get("/reports/settings").await;
    assert!(
        res.body.contains("uses Footprint&#x27;s default list")
            || res.body.contains("uses Footprint's default list")
    );
}

#[tokio::test]
async fn each_refused_field_is_named_and_nothing_is_saved() {
    let t = app().await;
    let held = json!({"population_0_17": 40000, "targets": {"cla.end": 10.0}});
    t.store
        .set_setting("report_settings", &held)
        .await
        .expect("set");
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    a.get("/reports/settings").await;
    /// A form, the field it is refused on and what the error says.
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            form(&[("reviews.in_time_pcnt", "90")], IN_CARE_LIST),
            "target_measure-1",
            "`reviews.in_time_pcnt`",
        ),
        (
            form(&[("reviews.in_time_pct", "150")], IN_CARE_LIST),
            "target_value-1",
            "percentage from 0 to 100",
        ),
        (
            form(&[("cla.end", "lots")], IN_CARE_LIST),
            "target_value-1",
            "as a number",
        ),
        (
            form(&[("cla.end", "1"), ("cla.end", "2")], IN_CARE_LIST),
            "target_measure-2",
            "listed twice",
        ),
        (
            form(&[], r#"{"indicators": [{"id": "x"}]}"#),
            "indicators",
            "not valid JSON of indicators",
        ),
        (
            form(
                &[],
                r#"{"indicators": [{"id": "x", "name": "X", "definition": "X", "basis": "snapshot",
                    "value": {"kind": "count", "measure": "cla.edn"}, "polarity": "low"}]}"#,
            ),
            "indicators",
            "`cla.edn`",
        ),
    ];
    for (fields, field, says) in cases {
        let res = a.post("/reports/settings", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            res.body
        );
        assert!(res.body.contains(says), "{field} says {says}");
        assert!(res.body.contains("<title>Error: "));
        assert_eq!(setting(&t, "report_settings").await, Some(held.clone()));
        assert_eq!(setting(&t, "performance_indicators").await, None);
    }
    // The other fields, refused one at a time, each on its own field.
    let one = |from: &'static str, to: &'static str| {
        let mut f = form(&[("cla.end", "5")], IN_CARE_LIST);
        for p in f.iter_mut() {
            if p.0 == from && !p.1.is_empty() {
                p.1 = to;
                break;
            }
        }
        f
    };
    for (from, to, field) in [
        ("bench_year", "2023", "bench_year-1"),
        ("bench_england", "101", "bench_england-1"),
        ("bench_measure", "nowhere", "bench_measure-1"),
        ("population_all", "0", "population_all"),
        ("population_year", "2023", "population_year-1"),
        ("population_value", "many", "population_value-1"),
        ("share_white", "120", "share_white"),
    ] {
        let res = a.post("/reports/settings", &one(from, to)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert_eq!(setting(&t, "report_settings").await, Some(held.clone()));
        assert_eq!(setting(&t, "performance_indicators").await, None);
    }
    assert!(changes(&t).await.is_empty(), "nothing audited as changed");
}

#[tokio::test]
async fn only_the_manager_and_the_analyst_have_the_screen() {
    let t = app().await;
    for role in Role::ALL {
        let mut c = Client::signed_in_as(&t.app, role).await;
        let res = c.get("/reports/settings").await;
        let allowed = matches!(role, Role::Manager | Role::Analyst);
        assert_eq!(
            res.status,
            if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
            "{role}"
        );
        let res = c
            .post(
                "/reports/settings",
                &form(&[("cla.end", "5")], IN_CARE_LIST),
            )
            .await;
        assert_eq!(
            res.status,
            if allowed {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::FORBIDDEN
            },
            "{role}"
        );
    }
}
