//! In a real headless Chromium (as `browser.rs`): an administrator makes a
//! password reset code for an IRO, the IRO sets a new password with it and
//! signs in with that. axe-core checks the users pages, the reset page (in
//! its error state too) and the change-password page.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use footprint_web::Role;
use serde_json::json;

const AXE: &str = include_str!("vendor/axe.min.js");

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
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

async fn type_into(c: &Client, id: &str, text: &str) {
    let field = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

async fn sign_in(c: &Client, base: &str, user: &str, password: &str, home: &str) {
    c.goto(&format!("{base}/sign-in")).await.expect("sign-in");
    type_into(c, "username", user).await;
    type_into(c, "password", password).await;
    click(c, "main button[type=submit]").await;
    wait_for_path(c, home).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_resets_a_password_and_the_user_signs_in_with_the_new_one() {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        if std::env::var("FOOTPRINT_SKIP_BROWSER").as_deref() == Ok("1") {
            println!("browser test skipped: FOOTPRINT_SKIP_BROWSER=1");
            return;
        }
        panic!(
            "the browser test needs Chromium and chromedriver: install Debian's `chromium` and \
             `chromium-driver` packages, or set FOOTPRINT_SKIP_BROWSER=1 to skip it"
        );
    };
    let t = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = t.state.clone();
    let server = tokio::spawn(async move { footprint_web::serve_on(state, listener).await });

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
        // The administrator makes a code for the IRO.
        sign_in(&c, &base, username(Role::Admin), PASSWORD, "/admin/users").await;
        assert_accessible(&c, "users").await;
        click(&c, "tr[data-user='iro1'] a").await;
        let user_page = c.current_url().await.expect("url").path().to_owned();
        assert!(user_page.starts_with("/admin/users/"), "{user_page}");
        assert_accessible(&c, "a user").await;
        click(&c, "form[action$='/password-reset'] button").await;
        let code = c
            .find(Locator::Id("reset-code"))
            .await
            .expect("the code is shown")
            .text()
            .await
            .expect("text");
        assert_eq!(code.len(), 19, "{code}");
        assert_accessible(&c, "a reset code").await;
        click(&c, "form[action='/sign-out'] button").await;
        wait_for_path(&c, "/sign-in").await;

        // The IRO follows the link on the sign-in page and uses the code.
        click(&c, "a[href='/password-reset']").await;
        wait_for_path(&c, "/password-reset").await;
        assert_accessible(&c, "set a new password").await;
        type_into(&c, "code", &code).await;
        type_into(&c, "new_password", "password1234").await;
        type_into(&c, "confirm_password", "password1234").await;
        click(&c, "main button[type=submit]").await;
        let title = c.title().await.expect("title");
        assert!(title.starts_with("Error: "), "{title}");
        assert!(
            c.find(Locator::Css("#new_password.govuk-input--error"))
                .await
                .is_ok()
        );
        assert_accessible(&c, "set a new password, with errors").await;
        let new = "harbour quince lantern";
        type_into(&c, "new_password", new).await;
        type_into(&c, "confirm_password", new).await;
        click(&c, "main button[type=submit]").await;
        wait_for_path(&c, "/sign-in").await;
        let notice = c
            .find(Locator::Css(".govuk-inset-text"))
            .await
            .expect("notice")
            .text()
            .await
            .expect("text");
        assert!(notice.contains("Your password has been set"), "{notice}");
        sign_in(&c, &base, username(Role::Iro), new, "/caseload").await;

        // Their own password, changed from the link in the banner.
        click(&c, "a[href='/account/password']").await;
        wait_for_path(&c, "/account/password").await;
        assert_accessible(&c, "change your password").await;
        click(&c, "main button[type=submit]").await;
        assert!(c.title().await.expect("title").starts_with("Error: "));
        assert_accessible(&c, "change your password, with errors").await;
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}
