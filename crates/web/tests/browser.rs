//! End to end in a real headless Chromium (Debian `chromium` and
//! `chromium-driver`): the real server on 127.0.0.1, an IRO records a review
//! and sees the next due date move; the manager sees the dashboard move.
//! axe-core checks each main page for serious or critical accessibility
//! problems; screenshots go to target/screenshots/.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use footprint_web::Role;
use serde_json::json;

const AXE: &str = include_str!("vendor/axe.min.js");

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("screenshots")
}

/// chromedriver, killed when dropped.
struct Driver(tokio::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

async fn wait_for_path(c: &Client, path: &str) {
    for _ in 0..200 {
        if c.current_url().await.expect("url").path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the browser did not reach {path}; it is at {}",
        c.current_url().await.expect("url")
    );
}

/// Runs axe-core on the page and fails on any serious or critical violation.
async fn assert_accessible(c: &Client, page: &str) {
    c.execute(AXE, vec![]).await.expect("axe-core injected");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                      v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe ran");
    let problems: Vec<String> = serde_json::from_value(result).expect("a list of violations");
    assert!(
        problems.is_empty(),
        "accessibility problems on {page}:\n{}",
        problems.join("\n")
    );
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

async fn sign_in(c: &Client, base: &str, role: Role) {
    c.goto(&format!("{base}/sign-in"))
        .await
        .expect("sign-in page");
    c.find(Locator::Id("username"))
        .await
        .expect("username")
        .send_keys(username(role))
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys(PASSWORD)
        .await
        .expect("type");
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_for_path(c, role.home()).await;
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/sign-out'] button"))
        .await
        .expect("sign out button")
        .click()
        .await
        .expect("click");
    wait_for_path(c, "/sign-in").await;
}

async fn screenshot(c: &Client, name: &str) {
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

/// Chromium through chromedriver, and the real server on a free port.
/// `None` when FOOTPRINT_SKIP_BROWSER=1 and they are not installed.
struct Browser {
    c: Client,
    base: String,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

async fn launch(t: &TestApp) -> Option<Browser> {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        if std::env::var("FOOTPRINT_SKIP_BROWSER").as_deref() == Ok("1") {
            println!(
                "browser test skipped: FOOTPRINT_SKIP_BROWSER=1 and Chromium/chromedriver are not installed"
            );
            return None;
        }
        panic!(
            "the browser test needs Chromium and chromedriver: install Debian's `chromium` and \
             `chromium-driver` packages (apt-get install -y chromium chromium-driver; CI installs \
             them), or set FOOTPRINT_SKIP_BROWSER=1 to skip it"
        );
    };

    // The real server on a free port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = t.state.clone();
    let server = tokio::spawn(async move { footprint_web::serve_on(state, listener).await });

    // chromedriver on another free port.
    let port = free_port();
    let child = tokio::process::Command::new(&driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let _driver = Driver(child);
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..100 {
        match ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("chromedriver accepted a session within 10 s");
    Some(Browser {
        c,
        base,
        server,
        _driver,
        _profile: profile,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_records_a_review_and_the_manager_sees_the_dashboard_move() {
    let t = app().await;
    let Some(Browser {
        c,
        base,
        server,
        _driver,
        _profile,
    }) = launch(&t).await
    else {
        return;
    };

    let result = async {
        // The manager's dashboard before.
        sign_in(&c, &base, Role::Manager).await;
        let overdue_before = text_of(&c, "#overdue-now").await;
        let month_before = text_of(&c, "#in-time-month").await;
        assert_eq!(overdue_before, "1");
        assert!(month_before.contains("(0 of 0)"), "{month_before}");
        sign_out(&c).await;

        // The IRO: sign-in page, caseload, child, review form.
        c.goto(&format!("{base}/sign-in")).await.expect("sign-in");
        assert_accessible(&c, "sign in").await;
        sign_in(&c, &base, Role::Iro).await;
        assert_eq!(c.title().await.expect("title"), "My caseload – Footprint");
        let first = c
            .find(Locator::Css("#caseload tbody tr"))
            .await
            .expect("a row");
        assert_eq!(
            first.attr("data-child").await.expect("attr").as_deref(),
            Some("C2"),
            "overdue first"
        );
        assert_accessible(&c, "caseload").await;
        screenshot(&c, "caseload.png").await;

        c.find(Locator::Css("a[href='/children/C2']"))
            .await
            .expect("link")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C2").await;
        assert_eq!(text_of(&c, ".fp-next-due").await, "3 Feb 2025");
        assert_accessible(&c, "child").await;
        screenshot(&c, "child.png").await;

        c.find(Locator::LinkText("Record a review"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C2/reviews/new").await;
        assert_accessible(&c, "record a review").await;
        // The GOV.UK date input: day, month and year typed.
        for (id, value) in [("date", "10"), ("date-month", "3"), ("date-year", "2025")] {
            c.find(Locator::Id(id))
                .await
                .expect("date field")
                .send_keys(value)
                .await
                .expect("type");
        }
        c.find(Locator::Id("participation"))
            .await
            .expect("select")
            .select_by_value("PN2")
            .await
            .expect("select");
        // 10 March is after the 3 February due date: say why.
        c.find(Locator::Id("late_reason"))
            .await
            .expect("select")
            .select_by_value("iro_unavailable")
            .await
            .expect("select");
        c.find(Locator::Id("attendance-carer"))
            .await
            .expect("checkbox")
            .click()
            .await
            .expect("tick");
        c.find(Locator::Css(
            "form[action='/children/C2/reviews'] button[type=submit]",
        ))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
        wait_for_path(&c, "/children/C2").await;
        assert_eq!(
            text_of(&c, ".fp-next-due").await,
            "10 Jun 2025",
            "review 2 due 3 months after review 1"
        );
        assert!(
            text_of(&c, ".govuk-notification-banner")
                .await
                .contains("Review of 10 Mar 2025 recorded")
        );
        sign_out(&c).await;

        // The manager's dashboard after: no review overdue, one held (late) this month.
        sign_in(&c, &base, Role::Manager).await;
        assert_eq!(text_of(&c, "#overdue-now").await, "0");
        let month_after = text_of(&c, "#in-time-month").await;
        assert!(month_after.contains("(0 of 1)"), "{month_after}");
        assert_accessible(&c, "dashboard").await;
        screenshot(&c, "dashboard.png").await;
        sign_out(&c).await;

        // Business support's lists, with the forms that record decisions and
        // records sent, and the children list.
        sign_in(&c, &base, Role::BusinessSupport).await;
        for (path, name) in [
            ("/outstanding", "decisions and records overdue"),
            ("/due?month=2025-03", "due list"),
            ("/children", "children"),
        ] {
            c.goto(&format!("{base}{path}")).await.expect(path);
            assert_accessible(&c, name).await;
        }
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}

/// Gives C1's review of 10 Dec 2024 details recorded in Footprint.
async fn recorded_review(t: &TestApp) {
    let mut r = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read")
        .expect("review exists");
    r.details = Some(footprint_domain::model::ReviewDetails {
        chair: Some(footprint_domain::model::IroId("IRO1".into())),
        decisions_issued: Some(d("2024-12-12")),
        recommendations: vec![footprint_domain::model::Recommendation {
            text: "Book the Quillfeather dental check".into(),
            owner: "Carer".into(),
            due: d("2025-05-01"),
            completed: None,
        }],
        ..Default::default()
    });
    t.store.update_review(&r).await.expect("update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_corrects_a_review_and_the_manager_approves_a_date_change() {
    let t = app().await;
    recorded_review(&t).await;
    let Some(Browser {
        c,
        base,
        server,
        _driver,
        _profile,
    }) = launch(&t).await
    else {
        return;
    };
    let result = async {
        sign_in(&c, &base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        c.find(Locator::Css("a[href='/children/C1/reviews/2024-12-10']"))
            .await
            .expect("link to the review")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C1/reviews/2024-12-10").await;
        assert!(text_of(&c, "#review-details").await.contains("12 Dec 2024"));
        assert_accessible(&c, "review").await;
        c.find(Locator::LinkText("Correct this review"))
            .await
            .expect("correct")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C1/reviews/2024-12-10/edit").await;
        assert_accessible(&c, "correct a review").await;
        let save = "form[action='/children/C1/reviews/2024-12-10'] button[type=submit]";
        c.find(Locator::Id("participation"))
            .await
            .expect("select")
            .select_by_value("PN3")
            .await
            .expect("select");
        // No reason: the form says so.
        c.find(Locator::Css(save))
            .await
            .expect("save")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C1/reviews/2024-12-10").await;
        assert!(c.title().await.expect("title").starts_with("Error: "));
        assert!(
            text_of(&c, "#correction_reason-error")
                .await
                .contains("Enter why the review is being corrected")
        );
        assert_accessible(&c, "correct a review, with an error").await;
        screenshot(&c, "correction-error.png").await;
        c.find(Locator::Id("correction_reason"))
            .await
            .expect("reason")
            .send_keys("The participation code was recorded wrongly")
            .await
            .expect("type");
        c.find(Locator::Css(save))
            .await
            .expect("save")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/children/C1/reviews/2024-12-10").await;
        assert!(
            text_of(&c, ".govuk-notification-banner")
                .await
                .contains("Review of 10 Dec 2024 corrected")
        );
        assert!(text_of(&c, "#review-details").await.contains("PN3"));

        // Ask to move the next review (due 10 Jun 2025) to 30 June.
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert_eq!(text_of(&c, ".fp-next-due").await, "10 Jun 2025");
        c.execute(
            "const f = document.querySelector(\"form[action='/children/C1/review-date-changes']\");
             f.closest('details').open = true;",
            vec![],
        )
        .await
        .expect("open the request form");
        for (id, value) in [
            ("proposed", "30"),
            ("proposed-month", "6"),
            ("proposed-year", "2025"),
        ] {
            c.find(Locator::Id(id))
                .await
                .expect("date field")
                .send_keys(value)
                .await
                .expect("type");
        }
        c.find(Locator::Id("reason"))
            .await
            .expect("reason")
            .select_by_value("court")
            .await
            .expect("select");
        c.find(Locator::Css(
            "form[action='/children/C1/review-date-changes'] button[type=submit]",
        ))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
        wait_for_path(&c, "/children/C1").await;
        assert_eq!(
            text_of(&c, ".fp-next-due").await,
            "10 Jun 2025",
            "not yet approved"
        );
        sign_out(&c).await;

        sign_in(&c, &base, Role::Manager).await;
        c.goto(&format!("{base}/review-date-changes"))
            .await
            .expect("list");
        assert_accessible(&c, "date changes").await;
        c.find(Locator::Css("button[value=approve]"))
            .await
            .expect("approve")
            .click()
            .await
            .expect("click");
        wait_for_path(&c, "/review-date-changes").await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert_eq!(text_of(&c, ".fp-next-due").await, "30 Jun 2025");
        assert!(
            text_of(&c, "#next-review")
                .await
                .contains("Court timetable")
        );
        // The manager sees the earlier version of the review.
        c.goto(&format!("{base}/children/C1/reviews/2024-12-10"))
            .await
            .expect("review");
        assert!(
            text_of(&c, "main")
                .await
                .contains("The participation code was recorded wrongly")
        );
        assert_accessible(&c, "review with its versions").await;
        sign_out(&c).await;

        sign_in(&c, &base, Role::Iro).await;
        let row = c
            .find(Locator::Css("#caseload tr[data-child='C1']"))
            .await
            .expect("C1 on the caseload");
        assert_eq!(
            row.attr("data-due").await.expect("attr").as_deref(),
            Some("2025-06-30")
        );
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}
