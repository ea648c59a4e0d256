//! In a real headless Chromium: an IRO records a secure accommodation
//! review from the child's page (a review dated before the placement
//! refused on its field first), sees the next review due on the child's
//! page, and opens the correction form with the version held. axe-core
//! checks each form, in its error state too.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::Locator;
use footprint_web::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_records_a_secure_accommodation_review_and_sees_the_next_one_due() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert!(
            text_of(c, "#case-records-due-none")
                .await
                .contains("No secure accommodation review")
        );
        click(
            c,
            "a[href='/children/C1/case-records/new?kind=secure_review']",
        )
        .await;
        wait_for_path(c, "/children/C1/case-records/new").await;
        assert_accessible(c, "record a secure accommodation review").await;
        for (id, value) in [
            ("placed", "15"),
            ("placed-month", "1"),
            ("placed-year", "2025"),
            ("date", "10"),
            ("date-month", "1"),
            ("date-year", "2025"),
        ] {
            type_into(c, id, value).await;
        }
        c.find(Locator::Id("decision"))
            .await
            .expect("select")
            .select_by_value("criteria_met")
            .await
            .expect("select");
        click(c, "#save-case-record").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#date-error")
                .await
                .contains("dated before the placement in secure accommodation")
        );
        assert!(
            text_of(c, ".govuk-error-summary")
                .await
                .contains("dated before the placement")
        );
        assert_accessible(c, "a secure accommodation review refused").await;
        screenshot(c, "secure-review-refused.png").await;
        type_into(c, "date-month", "2").await;
        click(c, "#save-case-record").await;
        wait_for_path(c, "/children/C1").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Secure accommodation review recorded")
        );
        let due = text_of(c, "#case-records-due tr[data-kind='secure_review']").await;
        assert!(due.contains("10 May 2025"), "{due}");
        screenshot(c, "child-case-records.png").await;

        let link = c
            .find(Locator::Css(
                "#case-records-held tr[data-kind='secure_review'] a",
            ))
            .await
            .expect("the correction's link");
        let href = link.attr("href").await.expect("href").expect("an href");
        link.click().await.expect("click");
        wait_for_path(c, &href).await;
        assert!(text_of(c, "#versions").await.contains("Recorded"));
        assert_accessible(c, "correct a secure accommodation review").await;
    })
    .await;
}
