//! End to end in a real headless Chromium (Debian `chromium` and
//! `chromium-driver`): the real server on 127.0.0.1, an IRO records a review
//! and sees the next due date move; the manager sees the dashboard move.
//! axe-core checks each main page for serious or critical accessibility
//! problems; screenshots go to target/screenshots/.
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
async fn an_iro_records_a_review_and_the_manager_sees_the_dashboard_move() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        // The manager's dashboard before.
        sign_in(c, base, Role::Manager).await;
        let overdue_before = text_of(c, "#overdue-now").await;
        let month_before = text_of(c, "#in-time-month").await;
        assert_eq!(overdue_before, "1");
        assert!(month_before.contains("(0 of 0)"), "{month_before}");
        sign_out(c).await;

        // The IRO: sign-in page, caseload, child, review form.
        c.goto(&format!("{base}/sign-in")).await.expect("sign-in");
        assert_accessible(c, "sign in").await;
        sign_in(c, base, Role::Iro).await;
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
        assert_accessible(c, "caseload").await;
        screenshot(c, "caseload.png").await;

        c.find(Locator::Css("a[href='/children/C2']"))
            .await
            .expect("link")
            .click()
            .await
            .expect("click");
        wait_for_path(c, "/children/C2").await;
        assert_eq!(text_of(c, ".fp-next-due").await, "3 Feb 2025");
        assert_accessible(c, "child").await;
        screenshot(c, "child.png").await;

        c.find(Locator::LinkText("Record a review"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        wait_for_path(c, "/children/C2/reviews/new").await;
        assert_accessible(c, "record a review").await;
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
        wait_for_path(c, "/children/C2").await;
        assert_eq!(
            text_of(c, ".fp-next-due").await,
            "10 Jun 2025",
            "review 2 due 3 months after review 1"
        );
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Review of 10 Mar 2025 recorded")
        );
        sign_out(c).await;

        // The manager's dashboard after: no review overdue, one held (late) this month.
        sign_in(c, base, Role::Manager).await;
        assert_eq!(text_of(c, "#overdue-now").await, "0");
        let month_after = text_of(c, "#in-time-month").await;
        assert!(month_after.contains("(0 of 1)"), "{month_after}");
        assert_accessible(c, "dashboard").await;
        screenshot(c, "dashboard.png").await;
        sign_out(c).await;

        // Business support's lists, with the forms that record decisions and
        // records sent, and the children list.
        sign_in(c, base, Role::BusinessSupport).await;
        for (path, name) in [
            ("/outstanding", "decisions and records overdue"),
            ("/due?month=2025-03", "due list"),
            ("/children", "children"),
        ] {
            c.goto(&format!("{base}{path}")).await.expect(path);
            assert_accessible(c, name).await;
        }
    })
    .await;
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
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        c.find(Locator::Css("a[href='/children/C1/reviews/2024-12-10']"))
            .await
            .expect("link to the review")
            .click()
            .await
            .expect("click");
        wait_for_path(c, "/children/C1/reviews/2024-12-10").await;
        assert!(text_of(c, "#review-details").await.contains("12 Dec 2024"));
        assert_accessible(c, "review").await;
        c.find(Locator::LinkText("Correct this review"))
            .await
            .expect("correct")
            .click()
            .await
            .expect("click");
        wait_for_path(c, "/children/C1/reviews/2024-12-10/edit").await;
        assert_accessible(c, "correct a review").await;
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
        wait_for_path(c, "/children/C1/reviews/2024-12-10").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#correction_reason-error")
                .await
                .contains("Enter why the review is being corrected")
        );
        assert_accessible(c, "correct a review, with an error").await;
        screenshot(c, "correction-error.png").await;
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
        wait_for_path(c, "/children/C1/reviews/2024-12-10").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Review of 10 Dec 2024 corrected")
        );
        assert!(text_of(c, "#review-details").await.contains("PN3"));

        // Ask to move the next review (due 10 Jun 2025) to 30 June.
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert_eq!(text_of(c, ".fp-next-due").await, "10 Jun 2025");
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
        wait_for_path(c, "/children/C1").await;
        assert_eq!(
            text_of(c, ".fp-next-due").await,
            "10 Jun 2025",
            "not yet approved"
        );
        sign_out(c).await;

        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/review-date-changes"))
            .await
            .expect("list");
        assert_accessible(c, "date changes").await;
        c.find(Locator::Css("button[value=approve]"))
            .await
            .expect("approve")
            .click()
            .await
            .expect("click");
        // The approval's own answer, not the page it was sent from (which
        // has the same path): leaving before it came could cancel it, or
        // have it land on top of the child's page.
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert_eq!(notice, "Change of review date approved");
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert_eq!(text_of(c, ".fp-next-due").await, "30 Jun 2025");
        assert!(text_of(c, "#next-review").await.contains("Court timetable"));
        // The manager sees the earlier version of the review.
        c.goto(&format!("{base}/children/C1/reviews/2024-12-10"))
            .await
            .expect("review");
        assert!(
            text_of(c, "main")
                .await
                .contains("The participation code was recorded wrongly")
        );
        assert_accessible(c, "review with its versions").await;
        sign_out(c).await;

        sign_in(c, base, Role::Iro).await;
        let row = c
            .find(Locator::Css("#caseload tr[data-child='C1']"))
            .await
            .expect("C1 on the caseload");
        assert_eq!(
            row.attr("data-due").await.expect("attr").as_deref(),
            Some("2025-06-30")
        );
    })
    .await;
}

/// Business support records the initial health assessment of C2 (in care
/// since 6 January 2025, due 3 February, overdue on 12 March) and sees it
/// leave the due list and the child's page, the review assessment due in
/// its place; a date in the future is refused on its field first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_support_records_a_health_assessment_and_the_due_list_moves() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::BusinessSupport).await;
        let row =
            "#health-education-due ~ table tr[data-child='C2'][data-kind='health_assessment']";
        c.goto(&format!("{base}/due?month=2025-03"))
            .await
            .expect("due");
        assert!(text_of(c, row).await.contains("Initial health assessment"));
        assert!(text_of(c, row).await.contains("Overdue"));

        c.goto(&format!("{base}/children/C2")).await.expect("child");
        let due = "#health-due tr[data-kind='health_assessment']";
        assert!(text_of(c, due).await.contains("Initial health assessment"));
        c.find(Locator::Css(
            "a[href='/children/C2/health/new?kind=health_assessment']",
        ))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
        wait_for_path(c, "/children/C2/health/new").await;
        assert_accessible(c, "record a health assessment").await;
        click(c, "#assessment").await;
        for (id, value) in [("done", "10"), ("done-month", "3"), ("done-year", "2026")] {
            type_into(c, id, value).await;
        }
        click(c, "#save-health").await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#done-error")
                .await
                .contains("must be today or in the past")
        );
        assert_accessible(c, "a health assessment refused").await;
        type_into(c, "done-year", "2025").await;
        click(c, "#save-health").await;
        wait_for_path(c, "/children/C2").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Health assessment recorded")
        );
        let now = text_of(c, due).await;
        assert!(now.contains("Review health assessment"), "{now}");
        assert!(now.contains("10 Mar 2026"), "{now}");
        screenshot(c, "child-health.png").await;

        c.goto(&format!("{base}/due?month=2025-03"))
            .await
            .expect("due");
        text_of(c, "#health-education-due").await;
        assert!(
            c.find(Locator::Css(row)).await.is_err(),
            "the initial assessment left the due list"
        );
    })
    .await;
}

/// What every browser test runs in (`with_browser`): a test that fails
/// still fails, after the browser is closed and the server stopped; one
/// that passes passes, cleaned up the same.
#[tokio::test]
async fn a_failing_browser_test_still_fails_after_its_clean_up() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cleaned = AtomicUsize::new(0);
    let clean_up = || async {
        cleaned.fetch_add(1, Ordering::SeqCst);
    };
    let outcome = CatchUnwind(Box::pin(run_then_clean_up(
        async { panic!("the test's own assertion") },
        clean_up(),
    )))
    .await;
    assert_eq!(cleaned.load(Ordering::SeqCst), 1, "cleaned up");
    let panic = outcome.expect_err("the failure is raised again");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the test's own assertion")
    );
    let outcome = CatchUnwind(Box::pin(run_then_clean_up(async {}, clean_up()))).await;
    assert!(outcome.is_ok());
    assert_eq!(cleaned.load(Ordering::SeqCst), 2, "cleaned up");
}
