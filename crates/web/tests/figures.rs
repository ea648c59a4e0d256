//! Figures that explain themselves: every count of the internal annual
//! report leads to exactly the children its `report.json` drill-down lists,
//! on the same page as the dashboard's counts (names for the roles that see
//! children's records, identifiers for the others; audited); beside a count
//! of late reviews each one with its reason and the rule that made it due,
//! beside a count of overdue reviews each one with its rule — both from the
//! child's schedule. And the data quality page checks the records once per
//! change, not on every visit.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use footprint_domain::model::{LateReason, Review, ReviewDetails};
use footprint_store::AuditQuery;
use footprint_web::Role;

/// Text as the pages escape it (minijinja's HTML escaping).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The children listed on a figure's page.
fn listed(body: &str) -> Vec<String> {
    body.split("data-child=\"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("end")].to_owned())
        .collect()
}

/// Each link of the annual report to the children behind a count:
/// (address, measure, cell).
fn links(report: &str) -> Vec<(String, String, String)> {
    report
        .split("<a href=\"")
        .skip(1)
        .filter(|s| s.starts_with("/reports/annual/figures?"))
        .map(|s| {
            let href = s[..s.find('"').expect("end")].replace("&amp;", "&");
            let query = href.split_once('?').expect("query").1;
            let q: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
            let get = |k: &str| {
                q.iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            (href.clone(), get("measure"), get("cell"))
        })
        .collect()
}

async fn figure_views(t: &TestApp, actor: &str) -> usize {
    t.store
        .audit_log(&AuditQuery {
            actor: Some(actor.into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "figure.view")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_count_of_the_internal_report_leads_to_the_children_its_drilldown_lists() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let report = m.get("/reports/annual?year=2024-25").await;
    assert_eq!(report.status, StatusCode::OK);
    let links = links(&report.body);
    assert!(links.len() >= 10, "only {} counts link", links.len());
    let views = figure_views(&t, "manager").await;
    for (href, measure, cell) in &links {
        let expected = report_drilldown(&t, measure, cell).await;
        assert!(!expected.is_empty(), "{href} links to no children");
        let page = m.get(href).await;
        assert_eq!(page.status, StatusCode::OK, "{href}");
        assert_eq!(listed(&page.body), expected, "{measure} {cell}");
        let back = format!("href=\"{}\"", escaped("/reports/annual?year=2024-25"));
        assert!(page.body.contains(&back), "the way back to the report");
    }
    // Every view audited, naming the count and never a child.
    assert_eq!(figure_views(&t, "manager").await, views + links.len());
    // The manager sees each child's page linked.
    let (href, _, _) = &links[0];
    assert!(m.get(href).await.body.contains("href=\"/children/"));

    // The analyst follows the same counts to identifiers only.
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let page = a.get(href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!listed(&page.body).is_empty());
    assert!(
        !page.body.contains("href=\"/children/"),
        "no link for an analyst"
    );
    // A count the report does not have is not found; other roles are refused.
    assert_eq!(
        a.get("/reports/annual/figures?year=2024-25&measure=no.such&cell=")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    assert_eq!(iro.get(href).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_and_late_reviews_are_listed_with_their_rule_and_reason() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let settings = t.store.measure_settings().await.expect("settings");
    let calendar = footprint_domain::calendar::WorkingDayCalendar::england_and_wales();

    // C2 has had no review since 6 Jan 2025: overdue, by the first-review rule.
    let ds = t.store.load_dataset().await.expect("read");
    let overdue = footprint_domain::daily::overdue_reviews(
        &ds,
        &[child_id("C2")],
        today(),
        &settings,
        &calendar,
    );
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].due.rule.code(), "first_review");
    let page = m.get("/dashboard/figures/overdue_now?cell=").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-overdue-child=\"C2\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&escaped(&overdue[0].due.rule.to_string())),
        "the rule beside C2: {}",
        overdue[0].due.rule
    );
    // The report's count of reviews overdue shows the same.
    let report = m.get("/reports/annual?year=2024-25").await.body;
    let (href, _, _) = links(&report)
        .into_iter()
        .find(|(_, measure, _)| measure == "reviews.overdue.end")
        .expect("the overdue count links");
    let page = m.get(&href).await;
    assert!(page.body.contains("data-overdue-child=\"C2\""));
    assert!(
        page.body
            .contains(&escaped(&overdue[0].due.rule.to_string()))
    );

    // C2's first review held late, after a court hearing.
    t.store
        .record_review(&Review {
            child: child_id("C2"),
            date: d("2025-03-10"),
            participation: Some("PN1".parse().expect("pn")),
            details: Some(ReviewDetails {
                late_reason: LateReason::CourtHearing.held(),
                ..ReviewDetails::default()
            }),
        })
        .await
        .expect("recorded");
    let ds = t.store.load_dataset().await.expect("read");
    let year = footprint_domain::measures::Period {
        first: d("2024-04-01"),
        last: today(),
    };
    let late =
        footprint_domain::daily::late_reviews(&ds, &[child_id("C2")], year, &settings, &calendar);
    assert_eq!(late.len(), 1);
    let report = m.get("/reports/annual?year=2024-25").await.body;
    let links = links(&report);
    for wanted in [
        ("reviews.late", ""),
        ("reviews.late_by_reason", "court_hearing"),
    ] {
        let (href, _, _) = links
            .iter()
            .find(|(_, measure, cell)| (measure.as_str(), cell.as_str()) == wanted)
            .unwrap_or_else(|| panic!("{wanted:?} links"));
        let page = m.get(href).await;
        assert_eq!(page.status, StatusCode::OK);
        let row = page
            .body
            .split("data-late-child=\"C2\"")
            .nth(1)
            .unwrap_or_else(|| panic!("C2's late review beside {wanted:?}: {}", page.body));
        let row = &row[..row.find("</tr>").expect("row end")];
        assert!(
            row.contains(&escaped(LateReason::CourtHearing.label())),
            "{row}"
        );
        assert!(row.contains(&escaped(&late[0].rule.to_string())), "{row}");
    }
    // Another reason's count does not list it.
    assert!(
        !links
            .iter()
            .any(|(_, measure, cell)| measure == "reviews.late_by_reason" && cell == "child_unwell")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_quality_page_checks_the_records_once_per_change() {
    let t = app().await;
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let kept = || async {
        t.state
            .quality_cache
            .lock()
            .await
            .as_ref()
            .map(|(_, _, q)| q.clone())
            .expect("the checks are kept")
    };
    assert_eq!(a.get("/data-quality").await.status, StatusCode::OK);
    let first = kept().await;
    let again = a.get("/data-quality").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(
        Arc::ptr_eq(&first, &kept().await),
        "a visit with nothing changed checks nothing again"
    );

    // A review with PN0 (for children under 4) for a child older than that,
    // written straight to the store by another process (as an older version
    // of Footprint might have): the next visit checks again and finds it.
    let url = format!("sqlite://{}", t._dir.path().join("footprint.db").display());
    let other = footprint_store::Store::open(&url).await.expect("open");
    other
        .record_review(&Review {
            child: child_id("C1"),
            date: d("2025-03-11"),
            participation: Some("PN0".parse().expect("code")),
            details: None,
        })
        .await
        .expect("written");
    other.close().await;
    let after = a.get("/data-quality").await;
    assert_eq!(after.status, StatusCode::OK);
    let checked = kept().await;
    assert!(
        !Arc::ptr_eq(&first, &checked),
        "checked again after a change"
    );
    let ds = t.store.load_dataset().await.expect("read");
    let expected = footprint_interchange::records::check_records(
        &ds,
        footprint_domain::dates::CollectionYear::of(today()),
    );
    assert_eq!(checked.problems, expected);
    assert!(
        expected.iter().any(|p| p.child == Some(child_id("C1"))),
        "{expected:?}"
    );
}
