//! What the browser tests share: Chromium through chromedriver and the real
//! server on free ports (`with_browser`, which every browser test runs in,
//! on top of `launch`), axe-core (`assert_accessible`), and small steps
//! (signing in and out, waiting for a page, screenshots).
//!
//! Without Chromium and chromedriver `launch` fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set (then it gives `None`, and
//! `with_browser` runs nothing).

#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use footprint_web::Role;
use serde_json::json;

use crate::common::*;

pub const AXE: &str = include_str!("../vendor/axe.min.js");

pub fn find_program(names: &[&str]) -> Option<PathBuf> {
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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

pub fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("screenshots")
}

/// chromedriver, killed when dropped.
pub struct Driver(tokio::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// Waits for the browser to be on `path`, on a page loaded since the last
/// `click`. A form that posts back to the page it is on (saving a record,
/// issuing its decisions) leaves the path as it was, so the path alone
/// would let the test read the old page before the new one replaced it:
/// `click` marks the page it clicked on, and this waits for a page without
/// the mark.
pub async fn wait_for_path(c: &Client, path: &str) {
    for _ in 0..200 {
        if c.current_url().await.expect("url").path() == path && !on_clicked_page(c).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stale = if on_clicked_page(c).await {
        " (still the page clicked on: did the click load a page?)"
    } else {
        ""
    };
    panic!(
        "the browser did not reach {path}; it is at {}{stale}",
        c.current_url().await.expect("url")
    );
}

/// Waits for the page a `click` loads (a form sent back to the same page,
/// whose old page may still hold the element the test reads next).
pub async fn wait_for_new_page(c: &Client) {
    for _ in 0..200 {
        if !on_clicked_page(c).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no new page came after the click; the browser is on {}",
        c.current_url().await.expect("url")
    );
}

/// Whether the page is the one `click` last clicked on and marked, and
/// finished loading otherwise. A page being replaced may not answer; that
/// counts as not yet loaded.
async fn on_clicked_page(c: &Client) -> bool {
    match c
        .execute(
            "return window.__footprintClicked === true || document.readyState !== 'complete';",
            vec![],
        )
        .await
    {
        Ok(value) => value.as_bool().unwrap_or(true),
        Err(_) => true,
    }
}

/// Waits for the page (after a form was sent) to be one whose title says
/// "Error:", and fails if none comes: reading the title straight after the
/// click may still see the page the form was on.
pub async fn wait_for_error_page(c: &Client) {
    for _ in 0..200 {
        if c.title().await.expect("title").starts_with("Error: ") && !on_clicked_page(c).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no error page came; the title is {:?}",
        c.title().await.expect("title")
    );
}

/// Runs axe-core on the page and fails on any serious or critical violation.
pub async fn assert_accessible(c: &Client, page: &str) {
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

/// The text of the first element `css` finds. An element replaced between
/// finding it and reading it (the page still loading after a form was
/// sent) is found again, for up to ten seconds.
pub async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(text) => return text,
                Err(err) => last = err.to_string(),
            },
            Err(err) => last = err.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Where the browser was, so that a failure says which page lacked it
    // (an error page, or another page than the test expected).
    let url = c
        .current_url()
        .await
        .map_or_else(|e| e.to_string(), |u| u.to_string());
    let heading = match c.find(Locator::Css("h1")).await {
        Ok(h) => h.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    screenshot(c, "text-of-failed.png").await;
    panic!("{css}: {last} (the browser is on {url}, headed {heading:?})")
}

/// Types `text` into the field with this id (emptied first).
pub async fn type_into(c: &Client, id: &str, text: &str) {
    let field = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// Clicks the first element `css` finds, marking the page first so that
/// `wait_for_path` can tell the page the click loads from this one.
pub async fn click(c: &Client, css: &str) {
    c.execute("window.__footprintClicked = true;", vec![])
        .await
        .expect("the page marked before the click");
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

/// Signs in as `user` and waits for `home`.
pub async fn sign_in_with(c: &Client, base: &str, user: &str, password: &str, home: &str) {
    c.goto(&format!("{base}/sign-in"))
        .await
        .expect("sign-in page");
    type_into(c, "username", user).await;
    type_into(c, "password", password).await;
    click(c, "main button[type=submit]").await;
    wait_for_path(c, home).await;
}

/// Signs in as the test user of `role`.
pub async fn sign_in(c: &Client, base: &str, role: Role) {
    sign_in_with(c, base, username(role), PASSWORD, role.home()).await;
}

pub async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/sign-out'] button"))
        .await
        .expect("sign out button")
        .click()
        .await
        .expect("click");
    wait_for_path(c, "/sign-in").await;
}

pub async fn screenshot(c: &Client, name: &str) {
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(name), png).expect("screenshot written");
}

/// Chromium through chromedriver, and the real server on a free port.
/// `None` when FOOTPRINT_SKIP_BROWSER=1 and they are not installed.
pub struct Browser {
    pub c: Client,
    pub base: String,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
    pub _driver: Driver,
    pub _profile: tempfile::TempDir,
}

/// Where the browser puts what it downloads.
pub fn downloads_dir(profile: &tempfile::TempDir) -> PathBuf {
    profile.path().join("downloads")
}

/// Waits for a file whose name ends with `suffix` to be downloaded whole
/// into `dir`, and gives its path.
pub async fn wait_for_download(dir: &Path, suffix: &str) -> PathBuf {
    for _ in 0..600 {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(suffix) {
                    return e.path();
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {suffix} file was downloaded into {}", dir.display());
}

/// Waits for the background job whose page the browser is on to finish
/// (the page refreshes itself while it runs) and gives its state.
pub async fn wait_for_job(c: &Client) -> String {
    for _ in 0..1200 {
        if let Ok(e) = c.find(Locator::Id("job")).await
            && let Ok(Some(state)) = e.attr("data-state").await
            && state != "running"
        {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the job did not finish; the page is {}",
        c.current_url().await.expect("url")
    );
}

pub async fn launch(t: &TestApp) -> Option<Browser> {
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
            // Downloads go, without asking, to downloads/ in the profile
            // (`downloads_dir`).
            "prefs": {
                "download.default_directory": profile.path().join("downloads"),
                "download.prompt_for_download": false,
            },
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

/// Runs a browser test: Chromium on the real server of `t` ([`launch`]),
/// `test` with it, then the browser closed and the server stopped — also
/// when `test` panics (a failed assertion), whose panic is then raised
/// again, so the test fails as it would have. Runs nothing when the
/// browser is skipped (FOOTPRINT_SKIP_BROWSER=1 without Chromium).
pub async fn with_browser(t: &TestApp, test: impl AsyncFnOnce(&Browser)) {
    let Some(browser) = launch(t).await else {
        return;
    };
    run_then_clean_up(test(&browser), async {
        let _ = browser.c.clone().close().await;
        browser.server.abort();
    })
    .await;
}

/// Runs `test`, then `clean_up` whether `test` finished or panicked; a
/// panic of `test` is raised again once `clean_up` is done.
pub async fn run_then_clean_up(test: impl Future<Output = ()>, clean_up: impl Future<Output = ()>) {
    let outcome = CatchUnwind(Box::pin(test)).await;
    clean_up.await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A future whose panic is caught and given as its output's error.
pub struct CatchUnwind<F>(pub Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
