//! In a real headless Chromium, with the real server: the service manager
//! writes the committee's cover page and the governance and sign-off on the
//! reports screen, is refused (nothing saved) when a meeting has no date,
//! and sees both first in the preview of the annual report. axe-core
//! checks the screen.
//!
//! Without Chromium and chromedriver the test fails, saying what to
//! install, unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use footprint_domain::dates::CollectionYear;
use footprint_web::Role;

/// Sets a date field's value as the browser's date picker would.
async fn set_date(c: &fantoccini::Client, id: &str, date: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![id.into(), date.into()],
    )
    .await
    .expect("date set");
}

/// Waits for the page (after a form was sent) whose title starts so.
async fn wait_for_title(c: &fantoccini::Client, start: &str) {
    for _ in 0..200 {
        if c.title().await.expect("title").starts_with(start) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "no page titled {start:?} came; the title is {:?}",
        c.title().await.expect("title")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_writes_the_cover_page_and_sign_off_and_previews_them() {
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
        sign_in(&c, &base, Role::Manager).await;
        c.goto(&format!("{base}/reports?year=2024-25"))
            .await
            .expect("reports");
        assert_accessible(&c, "reports").await;
        type_into(&c, "cover_committee", "Corporate Parenting Panel").await;
        set_date(&c, "cover_meeting_date", "2025-05-13").await;
        type_into(&c, "cover_author", "Head of Safeguarding").await;
        type_into(&c, "cover_purpose", "To present the IRO annual report.").await;
        click(&c, "select#cover_key_decision option[value='no']").await;
        type_into(&c, "cover_wards", "All wards").await;
        // A meeting without its date is refused; nothing is saved.
        type_into(&c, "governance_meeting-1", "Directorate Leadership Team").await;
        type_into(&c, "governance_outcome-1", "Approved").await;
        click(&c, "button#save-words").await;
        wait_for_title(&c, "There is a problem with your request").await;
        let body = text_of(&c, "main").await;
        assert!(
            body.contains("Governance meeting 1: enter its date"),
            "{body}"
        );
        assert_eq!(
            t.store
                .report_words(CollectionYear::new(2024))
                .await
                .expect("read"),
            None,
            "nothing saved"
        );
        c.back().await.expect("back");
        wait_for_path(&c, "/reports").await;
        set_date(&c, "governance_date-1", "2025-04-22").await;
        click(&c, "button#save-words").await;
        wait_for_path(&c, "/reports").await;
        let banner = text_of(&c, ".govuk-notification-banner").await;
        assert!(banner.contains("were saved"), "{banner}");
        let (_, saved) = t
            .store
            .report_words(CollectionYear::new(2024))
            .await
            .expect("read")
            .expect("saved");
        assert_eq!(saved["cover"]["committee"], "Corporate Parenting Panel");
        assert_eq!(saved["cover"]["meeting_date"], "2025-05-13");
        assert_eq!(saved["cover"]["key_decision"], false);
        assert_eq!(saved["governance"][0]["date"], "2025-04-22");
        // The screen shows what was saved.
        let value = c
            .find(fantoccini::Locator::Id("cover_meeting_date"))
            .await
            .expect("field")
            .prop("value")
            .await
            .expect("value");
        assert_eq!(value.as_deref(), Some("2025-05-13"));

        // The preview: the cover page first, with the sign-off.
        c.goto(&format!("{base}/reports/annual?year=2024-25"))
            .await
            .expect("report");
        let cover = text_of(&c, "section#cover").await;
        for p in [
            "Report to Corporate Parenting Panel",
            "13 May 2025",
            "Head of Safeguarding",
            "To present the IRO annual report.",
            "All wards",
            "Governance and sign-off",
            "Directorate Leadership Team",
            "22 April 2025",
            "Approved",
        ] {
            assert!(cover.contains(p), "{p:?} not in {cover}");
        }
        let first = text_of(&c, "main section").await;
        assert!(
            first.starts_with("Report to Corporate Parenting Panel"),
            "{first}"
        );
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}
