//! In a real headless Chromium: an IRO requests an audit of a child's case
//! file from the child's page (marked completed with no day first: refused
//! on its field), then the manager finds it open on the list of audits and
//! completes it with its grade and findings, as a correction with a
//! reason. axe-core checks the form, in its error state too, and the list.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::{Client, Locator};
use footprint_web::Role;

async fn select(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .expect("select")
        .select_by_value(value)
        .await
        .expect("select");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_requests_a_case_file_audit_and_the_manager_completes_it() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        click(
            c,
            "a[href='/children/C1/case-records/new?kind=case_file_audit']",
        )
        .await;
        wait_for_path(c, "/children/C1/case-records/new").await;
        assert_accessible(c, "request a case file audit").await;
        for (id, value) in [("date", "10"), ("date-month", "2"), ("date-year", "2025")] {
            type_into(c, id, value).await;
        }
        select(c, "requested_by", "iro").await;
        select(c, "theme", "care_planning").await;
        select(c, "audit_outcome", "completed").await;
        click(c, "#save-case-record").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#end-error")
                .await
                .contains("Enter the day the audit was completed or cancelled")
        );
        assert_accessible(c, "a case file audit refused").await;
        screenshot(c, "case-file-audit-refused.png").await;
        // Still open: no outcome.
        select(c, "audit_outcome", "").await;
        click(c, "#save-case-record").await;
        wait_for_path(c, "/children/C1").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Case file audit recorded")
        );
        let held = text_of(c, "#case-records-held tr[data-kind='case_file_audit']").await;
        assert!(
            held.contains("Requested by an IRO; Care planning; open"),
            "{held}"
        );
        sign_out(c).await;

        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/case-file-audits"))
            .await
            .expect("the list");
        assert!(text_of(c, "#audits-summary").await.contains("1 audit open"));
        assert_accessible(c, "the case file audits").await;
        let link = c
            .find(Locator::Css(
                "#audits tr[data-status='open'] a[href$='/edit']",
            ))
            .await
            .expect("the correction's link");
        let href = link.attr("href").await.expect("href").expect("an href");
        link.click().await.expect("click");
        wait_for_path(c, &href).await;
        assert!(text_of(c, "#versions").await.contains("Recorded"));
        select(c, "audit_outcome", "completed").await;
        for (id, value) in [("end", "3"), ("end-month", "3"), ("end-year", "2025")] {
            type_into(c, id, value).await;
        }
        select(c, "grade", "good").await;
        type_into(c, "findings", "The plan reflects the child's wishes").await;
        type_into(c, "correction_reason", "Audit completed").await;
        click(c, "#save-case-record").await;
        wait_for_path(c, "/children/C1").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Case file audit corrected")
        );
        c.goto(&format!("{base}/case-file-audits"))
            .await
            .expect("the list");
        let row = text_of(c, "#audits tr[data-status='completed']").await;
        assert!(row.contains("Completed 3 Mar 2025: Good"), "{row}");
        assert!(
            text_of(c, "#audits-summary")
                .await
                .contains("0 audits open")
        );
        screenshot(c, "case-file-audits.png").await;
    })
    .await;
}
