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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_records_a_review_and_the_manager_sees_the_dashboard_move() {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        if std::env::var("FOOTPRINT_SKIP_BROWSER").as_deref() == Ok("1") {
            println!(
                "browser test skipped: FOOTPRINT_SKIP_BROWSER=1 and Chromium/chromedriver are not installed"
            );
            return;
        }
        panic!(
            "the browser test needs Chromium and chromedriver: install Debian's `chromium` and \
             `chromium-driver` packages (apt-get install -y chromium chromium-driver; CI installs \
             them), or set FOOTPRINT_SKIP_BROWSER=1 to skip it"
        );
    };

    // The real server on a free port.
    let t = app().await;
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
        // Date inputs are typed by locale in Chromium; set the value directly.
        c.execute(
            "document.getElementById('date').value = '2025-03-10';",
            vec![],
        )
        .await
        .expect("date");
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
