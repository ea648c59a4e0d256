//! In a real headless Chromium: an IRO opens the private fostering list,
//! records the first review of an arrangement for a
//! child who is not held as a child in care (the child's identifier left
//! out refused on its field first), sees the child's private fostering
//! page with the next review due, and opens the correction form with the
//! version held. Then records the notification of another child's
//! arrangement (who notified left out refused on its field first), sees
//! its first visit overdue, and records the visit on the notification,
//! after which the next visit is due 6 weeks on. axe-core checks each page,
//! the forms in their error state too.
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
async fn an_iro_records_a_private_fostering_review_for_a_child_not_looked_after() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/private-fostering"))
            .await
            .expect("list");
        assert_accessible(c, "the private fostering list, empty").await;
        click(c, "#record-arrangement").await;
        wait_for_path(c, "/private-fostering/new").await;
        assert_accessible(c, "record a new private fostering arrangement").await;
        for (id, value) in [
            ("start", "1"),
            ("start-month", "2"),
            ("start-year", "2024"),
            ("date", "3"),
            ("date-month", "2"),
            ("date-year", "2025"),
        ] {
            type_into(c, id, value).await;
        }
        click(c, "#save-case-record").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#child-error")
                .await
                .contains("Enter the child's identifier")
        );
        assert_accessible(c, "a private fostering review refused").await;
        type_into(c, "child", "PF1").await;
        click(c, "#save-case-record").await;
        wait_for_path(c, "/private-fostering/PF1").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Private fostering review recorded")
        );
        let due = text_of(c, "#arrangements tr[data-start='2024-02-01']").await;
        assert!(due.contains("3 Feb 2026"), "{due}");
        assert_accessible(c, "a privately fostered child's page").await;
        screenshot(c, "private-fostering-child.png").await;

        let link = c
            .find(Locator::Css("#fostering-reviews tr a"))
            .await
            .expect("the correction's link");
        let href = link.attr("href").await.expect("href").expect("an href");
        link.click().await.expect("click");
        wait_for_path(c, &href).await;
        assert!(text_of(c, "#versions").await.contains("Recorded"));
        assert_accessible(c, "correct a private fostering review").await;

        c.goto(&format!("{base}/private-fostering"))
            .await
            .expect("list");
        let row = text_of(c, "#arrangements tr[data-child='PF1']").await;
        assert!(row.contains("3 Feb 2026"), "{row}");
        assert_accessible(c, "the private fostering list").await;

        // A notification, before any review: notified Friday 28 February
        // 2025, the arrangement to begin on 10 March.
        click(c, "#record-notification").await;
        wait_for_path(c, "/private-fostering/new").await;
        assert_accessible(c, "record a private fostering notification").await;
        type_into(c, "child", "PF2").await;
        for (id, value) in [
            ("date", "28"),
            ("date-month", "2"),
            ("date-year", "2025"),
            ("start", "10"),
            ("start-month", "3"),
            ("start-year", "2025"),
        ] {
            type_into(c, id, value).await;
        }
        click(c, "#save-case-record").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#notified_by-error")
                .await
                .contains("Select who notified the council")
        );
        assert_accessible(c, "a private fostering notification refused").await;
        c.find(Locator::Id("notified_by"))
            .await
            .expect("who notified")
            .select_by_value("school")
            .await
            .expect("select");
        click(c, "#save-case-record").await;
        wait_for_path(c, "/private-fostering/PF2").await;
        // The first visit was due within 7 working days: 11 March, overdue
        // today (12 March).
        let row = text_of(c, "#arrangements tr[data-start='2025-03-10']").await;
        assert!(
            row.contains("11 Mar 2025") && row.contains("Overdue"),
            "{row}"
        );
        assert_accessible(c, "a notified arrangement's page").await;

        // The visit is recorded on the notification, as a new version.
        let link = c
            .find(Locator::Css("#fostering-notifications tr a"))
            .await
            .expect("the visit's link");
        let href = link.attr("href").await.expect("href").expect("an href");
        link.click().await.expect("click");
        wait_for_path(c, href.split('?').next().unwrap_or_default()).await;
        assert!(text_of(c, "#versions").await.contains("Recorded"));
        assert_accessible(c, "record a visit on a private fostering notification").await;
        type_into(c, "visits", "11/03/2025").await;
        type_into(c, "correction_reason", "First visit made").await;
        click(c, "#save-case-record").await;
        wait_for_path(c, "/private-fostering/PF2").await;
        let row = text_of(c, "#arrangements tr[data-start='2025-03-10']").await;
        assert!(
            row.contains("22 Apr 2025") && !row.contains("Overdue"),
            "{row}"
        );
        assert!(
            text_of(c, "#fostering-notifications")
                .await
                .contains("11 Mar 2025")
        );
        assert_accessible(c, "a notified arrangement visited").await;
    })
    .await;
}
