//! Returns and reports in the web application, through the real router on a
//! real SQLite database: an analyst uploads 903 returns (CSV, XML), names
//! and health records, all or nothing, by the same functions as the
//! command line; a refused upload lists every problem by rule with file,
//! line and column and writes nothing; a year's return is downloaded as a
//! zip of CSVs or as XML; a manager builds reports in the background and
//! downloads them; another user never sees someone's job.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use footprint_domain::dates::CollectionYear;
use footprint_store::AuditQuery;
use footprint_synth::{CouncilParams, generate_council};
use footprint_web::{Role, WebConfig};

/// The job number a POST sent the user to.
fn job_of(res: &Res) -> String {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", excerpt(&res.body));
    let at = res.location.clone().expect("a location");
    assert!(at.starts_with("/jobs/"), "{at}");
    at
}

/// Polls the job's page until it is no longer running.
async fn finished(c: &mut Client<'_>, job: &str) -> Res {
    for _ in 0..600 {
        let page = c.get(job).await;
        assert_eq!(page.status, StatusCode::OK, "{}", excerpt(&page.body));
        if !page.body.contains("data-state=\"running\"") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job {job} did not finish");
}

fn excerpt(body: &str) -> String {
    body.chars().take(3000).collect()
}

/// A small synthetic council: its dataset and each year's return as XML.
fn council() -> (
    footprint_domain::model::Dataset,
    Vec<(CollectionYear, String)>,
) {
    let c = generate_council(&CouncilParams::new(40, 2, 11, today())).expect("council");
    let xml = c
        .collection_years
        .iter()
        .map(|y| (*y, footprint_ssda903::render_xml(&c.dataset, *y)))
        .collect();
    (c.dataset, xml)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_imports_returns_into_an_empty_database_and_the_data_quality_page_fills() {
    let t = app_holding(WebConfig::default(), None).await;
    let (_, returns) = council();
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let page = a.get("/returns").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let files: Vec<(String, Vec<u8>)> = returns
        .iter()
        .map(|(y, x)| (format!("ssda903-{y}.xml"), x.clone().into_bytes()))
        .collect();
    let parts: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(n, b)| ("files", n.as_str(), b.as_slice()))
        .collect();
    let res = a
        .post_multipart("/returns/upload", &[("kind", "ssda903")], &parts)
        .await;
    let job = job_of(&res);
    let done = finished(&mut a, &job).await;
    assert!(
        done.body.contains("data-state=\"done\""),
        "{}",
        excerpt(&done.body)
    );
    let held = t.store.load_dataset().await.expect("read");
    assert!(held.children.len() > 20, "{} children", held.children.len());
    let runs = t.store.import_runs().await.expect("runs");
    assert_eq!(runs.len(), returns.len());
    for (y, _) in &returns {
        assert!(done.body.contains(&format!("the {y} return")), "{y}");
    }
    let dq = a.get("/data-quality").await;
    assert!(!dq.body.contains("nothing imported yet"));
    assert!(dq.body.contains(&format!(
        "{} from ssda903-{}.xml",
        returns[1].0, returns[1].0
    )));
    let audit = t
        .store
        .audit_log(&AuditQuery {
            actor: Some("analyst".into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "ssda903.import")
            .count(),
        returns.len()
    );
    // Every page of everyone else answered while it ran: the job's page is
    // the user's own.
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    assert_eq!(m.get(&job).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_return_shows_every_problem_and_changes_nothing() {
    let t = app().await;
    let before = t.store.load_dataset().await.expect("read");
    let runs_before = t.store.import_runs().await.expect("runs").len();
    let year: CollectionYear = "2024-25".parse().expect("year");
    let csv = footprint_ssda903::render_csv(&before, year);
    // A date that is not one, a sex code that is not one, a review before
    // the child's birth: each a problem of its own.
    let header = csv.header.replacen(",1,", ",7,", 1);
    let mut lines: Vec<String> = csv.episodes.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("/", "x", 1);
    let episodes = lines.join("\n") + "\n";
    let files: Vec<(&str, String)> = vec![
        ("header.csv", header),
        ("episodes.csv", episodes),
        ("reviews.csv", csv.reviews.clone()),
    ];
    let inputs: Vec<footprint_ssda903::Input> = files
        .iter()
        .map(|(n, t)| footprint_ssda903::Input {
            name: (*n).to_owned(),
            format: footprint_ssda903::Format::Csv,
            bytes: t.clone().into_bytes(),
        })
        .collect();
    let expected = footprint_ssda903::read_inputs(&inputs, None);
    assert!(expected.is_fatal(), "the files have errors");
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let parts: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(n, b)| ("files", *n, b.as_bytes()))
        .collect();
    let res = a
        .post_multipart("/returns/upload", &[("kind", "ssda903")], &parts)
        .await;
    let job = job_of(&res);
    let page = finished(&mut a, &job).await;
    assert!(
        page.body.contains("data-state=\"refused\""),
        "{}",
        excerpt(&page.body)
    );
    assert!(page.body.contains("nothing of it was written"));
    assert!(
        page.body
            .contains(&format!("{} problem", expected.problems.len()))
    );
    for p in &expected.problems {
        let place = footprint_interchange::returns::place(
            &footprint_interchange::returns::to_import_problem(p),
        );
        let shown = place.replace('&', "&amp;");
        assert!(page.body.contains(&shown), "{place} not shown");
        if let Some(rule) = &p.rule {
            assert!(
                page.body.contains(&format!("data-rule=\"{rule}\"")),
                "rule {rule}"
            );
        }
    }
    // Nothing written.
    assert_eq!(t.store.load_dataset().await.expect("read"), before);
    assert_eq!(
        t.store.import_runs().await.expect("runs").len(),
        runs_before
    );
    // The data quality page shows the same problems.
    let dq = a.get("/data-quality").await;
    assert!(dq.body.contains("id=\"refused-upload\""));
    assert!(dq.body.contains("episodes.csv line 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_and_health_records_are_imported_all_or_nothing() {
    let t = app().await;
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    // An unknown child refuses the whole file.
    let bad = b"CHILD,GIVEN_NAME,FAMILY_NAME\nC1,Robin,Testname\nZ9,Sam,Nobody\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "names")],
            &[("files", "names.csv", bad)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(page.body.contains("data-state=\"refused\""));
    assert!(
        page.body.contains("names.csv line 3, CHILD"),
        "{}",
        excerpt(&page.body)
    );
    assert!(!page.body.contains("Nobody"), "never the name");
    let ds = t.store.load_dataset().await.expect("read");
    assert!(ds.children.iter().all(|c| c.name.is_none()));
    let good = b"CHILD,GIVEN_NAME,FAMILY_NAME\nC1,Robin,Testname\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "names")],
            &[("files", "names.csv", good)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("The names of 1 children recorded"),
        "{}",
        excerpt(&page.body)
    );
    let health = b"CHILD,RECORD,DATE\nC1,dental_check,01/03/2025\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "health")],
            &[("files", "health.csv", health)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("1 health and education records added"),
        "{}",
        excerpt(&page.body)
    );
    // A case-records extract, as `footprint import case-records` takes it:
    // a bad row refuses it whole, naming line and column.
    let bad = b"RECORD,ID,CHILD,DATE,END,THEME,OUTCOME\ncase_alert,E1,C1,01/02/2025,31/01/2025,care planning,\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "case_records")],
            &[("files", "case-records.csv", bad)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("data-state=\"refused\""),
        "{}",
        excerpt(&page.body)
    );
    assert!(
        page.body.contains("case-records.csv line 2, END"),
        "{}",
        excerpt(&page.body)
    );
    // A case alert's theme comes from the council's challenge themes, as
    // on the form: one not on the list refuses the file, on its column.
    let unlisted =
        b"RECORD,ID,CHILD,DATE,END,THEME,OUTCOME\ncase_alert,E1,C1,01/02/2025,,weather,\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "case_records")],
            &[("files", "case-records.csv", unlisted)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("data-state=\"refused\"")
            && page.body.contains("case-records.csv line 2, THEME"),
        "{}",
        excerpt(&page.body)
    );
    let alert =
        b"RECORD,ID,CHILD,DATE,END,THEME,OUTCOME\ncase_alert,E1,C1,01/02/2025,,care planning,\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "case_records")],
            &[("files", "case-records.csv", alert)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("1 case records added"),
        "{}",
        excerpt(&page.body)
    );
    // Held as the list's own entry, not as the file spells it, so counts by
    // theme stay on one row (the file's "care planning" was held as it was).
    let alerts = t
        .store
        .load_dataset()
        .await
        .expect("read")
        .case_records
        .case_alerts;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].theme, "care_planning");
    // A sub-theme not under the theme: refused on its line and SUB_THEME.
    let other = b"RECORD,ID,CHILD,DATE,END,THEME,SUB_THEME,OUTCOME\n\
case_alert,E2,C1,01/02/2025,,Placement,Drift and delay,\n";
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "case_records")],
            &[("files", "case-records.csv", other)],
        )
        .await;
    let page = finished(&mut a, &job_of(&res)).await;
    assert!(
        page.body.contains("case-records.csv line 2, SUB_THEME"),
        "{}",
        excerpt(&page.body)
    );
    assert_eq!(
        t.store
            .load_dataset()
            .await
            .expect("read")
            .case_records
            .case_alerts
            .len(),
        1,
        "nothing written"
    );
    // A form without a file is a bad request; a business support user may
    // not upload at all.
    let res = a
        .post_multipart("/returns/upload", &[("kind", "names")], &[])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let mut b = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let res = b
        .post_multipart(
            "/returns/upload",
            &[("kind", "names")],
            &[("files", "names.csv", good)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Without the CSRF token the upload is refused.
    a.csrf = Some("not-the-token".into());
    let res = a
        .post_multipart(
            "/returns/upload",
            &[("kind", "names")],
            &[("files", "names.csv", good)],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_years_return_is_downloaded_as_csv_files_or_xml() {
    let t = app().await;
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let ds = t.store.load_dataset().await.expect("read");
    let year: CollectionYear = "2024-25".parse().expect("year");
    let xml = a.get("/returns/export?year=2024-25&form=xml").await;
    assert_eq!(xml.status, StatusCode::OK);
    assert_eq!(xml.body, footprint_ssda903::render_xml(&ds, year));
    let req = axum::http::Request::get("/returns/export?year=2024-25&form=csv")
        .header(axum::http::header::HOST, "footprint.test")
        .header(
            axum::http::header::COOKIE,
            a.cookie.clone().expect("cookie"),
        )
        .body(axum::body::Body::empty())
        .expect("request");
    let res = tower::ServiceExt::oneshot(t.app.clone(), req)
        .await
        .expect("response");
    assert_eq!(
        res.headers()[axum::http::header::CONTENT_DISPOSITION],
        "attachment; filename=\"ssda903-2024-25.zip\""
    );
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .expect("body");
    let expected = footprint_interchange::export::export_return(
        &ds,
        year,
        footprint_interchange::export::ReturnForm::CsvZip,
    )
    .expect("zip");
    assert_eq!(bytes.as_ref(), expected.bytes.as_slice());
    let audit = t
        .store
        .audit_log(&AuditQuery {
            actor: Some("analyst".into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "ssda903.export")
            .count(),
        2
    );
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    assert_eq!(
        s.get("/returns/export?year=2024-25").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_builds_reports_in_the_background_and_downloads_them() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = m.get("/reports").await;
    assert!(
        !page.body.contains("footprint report annual"),
        "no command line"
    );
    for (fields, magic) in [
        (
            vec![
                ("document", "annual"),
                ("year", "2023-24"),
                ("format", "docx"),
            ],
            &b"PK"[..],
        ),
        (
            vec![
                ("document", "annual"),
                ("year", "2024-25"),
                ("format", "pdf"),
                ("publish", "yes"),
            ],
            &b"%PDF"[..],
        ),
        (
            vec![
                ("document", "performance"),
                ("month", "2025-02"),
                ("format", "xlsx"),
            ],
            &b"PK"[..],
        ),
        (
            vec![
                ("document", "performance"),
                ("month", "2025-02"),
                ("format", "json"),
            ],
            &b"{"[..],
        ),
    ] {
        let res = m.post("/reports/documents", &fields).await;
        let job = job_of(&res);
        let page = finished(&mut m, &job).await;
        assert!(
            page.body.contains("data-state=\"done\""),
            "{fields:?}: {}",
            excerpt(&page.body)
        );
        let req = axum::http::Request::get(format!("{job}/file"))
            .header(axum::http::header::HOST, "footprint.test")
            .header(
                axum::http::header::COOKIE,
                m.cookie.clone().expect("cookie"),
            )
            .body(axum::body::Body::empty())
            .expect("request");
        let res = tower::ServiceExt::oneshot(t.app.clone(), req)
            .await
            .expect("response");
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
            .await
            .expect("body");
        assert!(bytes.starts_with(magic), "{fields:?}");
    }
    // A bad month or format is refused, saying why.
    let res = m
        .post(
            "/reports/documents",
            &[
                ("document", "performance"),
                ("month", "2025-13"),
                ("format", "xlsx"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = m
        .post(
            "/reports/documents",
            &[
                ("document", "performance"),
                ("month", "2025-02"),
                ("format", "docx"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let audit = t
        .store
        .audit_log(&AuditQuery {
            actor: Some("manager".into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "report.download")
            .count(),
        4
    );
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "report.compute")
            .count(),
        4
    );
}

/// The children listed on a figure's page.
fn listed(body: &str) -> Vec<String> {
    body.split("data-child=\"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("end")].to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_dashboard_count_leads_to_the_children_the_reports_drilldown_lists() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let dash = m.get("/dashboard").await;
    let mut followed = 0;
    for (figure, measure, cell) in [
        ("overdue_now", "reviews.overdue.end", ""),
        ("in_time_year", "reviews.in_time_pct", "numerator"),
        ("in_time_year", "reviews.in_time_pct", "denominator"),
        ("looked_after", "caseload.per_fte", "children"),
    ] {
        let expected = report_drilldown(&t, measure, cell).await;
        let link = format!("/dashboard/figures/{figure}?cell={cell}");
        if expected.is_empty() {
            continue;
        }
        assert!(
            dash.body.contains(&format!("href=\"{link}\"")),
            "{link} on the dashboard"
        );
        let page = m.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(listed(&page.body), expected, "{figure} {cell}");
        followed += 1;
    }
    assert!(followed >= 3, "only {followed} figures had children");
    let audit = t
        .store
        .audit_log(&AuditQuery {
            actor: Some("manager".into()),
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(
        audit.iter().filter(|e| e.action == "figure.view").count(),
        followed
    );
    assert_eq!(
        m.get("/dashboard/figures/no_such_figure").await.status,
        StatusCode::NOT_FOUND
    );
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    assert_eq!(
        a.get("/dashboard/figures/overdue_now?cell=").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_records_held_are_checked_as_an_import_is_and_listed_by_child() {
    let t = app().await;
    // A review recorded in Footprint with PN0 (for children under 4) for a
    // child older than that: the form refuses it (rule 440); here it is
    // written straight to the store, as an older version of Footprint might
    // have, and the checks find it.
    let ds = t.store.load_dataset().await.expect("read");
    let mut review = ds.reviews[0].clone();
    review.date = d("2025-03-11");
    review.participation = Some("PN0".parse().expect("code"));
    t.store.record_review(&review).await.expect("written");
    let ds = t.store.load_dataset().await.expect("read");
    let year = CollectionYear::of(today());
    let expected = footprint_interchange::records::check_records(&ds, year);
    assert!(
        expected
            .iter()
            .any(|p| p.child.as_ref() == Some(&review.child)),
        "{expected:?}"
    );
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = m.get("/data-quality").await;
    assert_eq!(page.status, StatusCode::OK);
    if expected.is_empty() {
        assert!(page.body.contains("every record held passes the checks"));
    }
    for p in expected.iter().filter(|p| p.child.is_some()) {
        let child = p.child.as_ref().expect("child");
        assert!(
            page.body
                .contains(&format!("href=\"/children/{child}\">{child}</a>")),
            "{p:?}"
        );
    }
    // The analyst sees the identifiers without links to the child's page.
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let page = a.get("/data-quality").await;
    assert!(!page.body.contains("href=\"/children/"));
}

/// A return of one child from Richmond upon Thames (TW1 1AA) in a
/// children's home of the council's own (PR1, K2) in Cambridge (CB2 1TN):
/// outside Richmond's area, so rule 1015 flags it when the council is
/// Richmond (E09000027).
const OWN_HOME_ELSEWHERE: [(&str, &str); 2] = [
    (
        "header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n9001,M,01/06/2012,WBRI,,,\n",
    ),
    (
        "episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         9001,01/05/2024,S,C2,N1,K2,PR1,,,,TW1 1AA,CB2 1TN,SC123456\n",
    ),
];

/// Uploads [`OWN_HOME_ELSEWHERE`] as an analyst and returns the rules the
/// import run recorded problems under.
async fn rules_recorded_on_upload(t: &TestApp) -> Vec<String> {
    let mut a = Client::signed_in_as(&t.app, Role::Analyst).await;
    let parts: Vec<(&str, &str, &[u8])> = OWN_HOME_ELSEWHERE
        .iter()
        .map(|(n, b)| ("files", *n, b.as_bytes()))
        .collect();
    let res = a
        .post_multipart("/returns/upload", &[("kind", "ssda903")], &parts)
        .await;
    let job = job_of(&res);
    let done = finished(&mut a, &job).await;
    assert!(
        done.body.contains("data-state=\"done\""),
        "{}",
        excerpt(&done.body)
    );
    let run = t
        .store
        .import_runs()
        .await
        .expect("runs")
        .into_iter()
        .max_by_key(|r| r.id)
        .expect("a run");
    t.store
        .import_problems(run.id)
        .await
        .expect("problems")
        .into_iter()
        .filter_map(|p| p.rule)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_councils_local_authority_code_set_on_the_settings_form_runs_rule_1015_on_an_upload() {
    // Without the council's code, 1015 checks nothing.
    let without = app().await;
    let rules = rules_recorded_on_upload(&without).await;
    assert!(!rules.is_empty(), "the import recorded its problems");
    assert!(!rules.iter().any(|r| r == "1015"), "{rules:?}");

    // The administrator sets it on the settings form: a code that is not
    // one, and a district's (not a council with children's services), are
    // refused on the field; the borough's, typed in lower case, is kept.
    let with = app().await;
    let mut admin = Client::signed_in_as(&with.app, Role::Admin).await;
    admin.get("/admin/settings").await;
    let form = |code: &'static str| {
        let mut f = STATUTORY_SETTINGS.to_vec();
        f.push(("local_authority_code", code));
        f
    };
    for (code, says) in [
        ("826", "E and 8 digits"),
        ("E07000008", "is not the code of a council with children"),
    ] {
        let res = admin.post("/admin/settings", &form(code)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(
            res.body.contains("id=\"local_authority_code-error\""),
            "{code}"
        );
        assert!(res.body.contains(says), "{code}: {}", excerpt(&res.body));
        assert!(
            res.body.contains(&format!("value=\"{code}\"")),
            "kept as typed"
        );
    }
    assert_eq!(
        with.store
            .measure_settings()
            .await
            .expect("settings")
            .local_authority_code,
        None,
        "nothing saved"
    );
    let res = admin.post("/admin/settings", &form(" e09000027 ")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", excerpt(&res.body));
    assert_eq!(
        with.store
            .measure_settings()
            .await
            .expect("settings")
            .local_authority_code
            .as_deref(),
        Some("E09000027")
    );
    let page = admin.get("/admin/settings").await;
    assert!(page.body.contains("value=\"E09000027\""));
    // The same upload now breaks 1015.
    let rules = rules_recorded_on_upload(&with).await;
    assert!(rules.iter().any(|r| r == "1015"), "{rules:?}");
    // A settings form without the field leaves the code as it is; a blank
    // field clears it.
    let f = STATUTORY_SETTINGS.to_vec();
    assert_eq!(
        admin.post("/admin/settings", &f).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        with.store
            .measure_settings()
            .await
            .expect("settings")
            .local_authority_code
            .as_deref(),
        Some("E09000027")
    );
    assert_eq!(
        admin.post("/admin/settings", &form("")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        with.store
            .measure_settings()
            .await
            .expect("settings")
            .local_authority_code,
        None
    );
}
