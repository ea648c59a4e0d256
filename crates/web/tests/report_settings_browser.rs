//! In a real headless Chromium, with the real server: the service manager
//! opens the report settings from the reports screen, sets a target for
//! reviews held in time, is told on the field when a measure id is
//! mistyped, and sees the target beside the figure in the annual report.
//! axe-core checks the screen, with and without errors.
//!
//! Without Chromium and chromedriver the test fails, saying what to
//! install, unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use footprint_web::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_sets_a_target_and_sees_it_beside_the_figure_on_the_report() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/reports")).await.expect("reports");
        click(c, "a#report-settings").await;
        wait_for_path(c, "/reports/settings").await;
        assert_accessible(c, "report settings").await;

        // A mistyped measure id is refused on its field, naming it.
        type_into(c, "target_measure-1", "reviews.in_time_pcnt").await;
        type_into(c, "target_value-1", "90").await;
        click(c, "button#save").await;
        wait_for_error_page(c).await;
        let error = text_of(c, "#target_measure-1-error").await;
        assert!(error.contains("reviews.in_time_pcnt"), "{error}");
        assert_accessible(c, "report settings, with errors").await;
        assert_eq!(
            t.store.setting("report_settings").await.expect("read"),
            None,
            "nothing saved"
        );

        type_into(c, "target_measure-1", "reviews.in_time_pct").await;
        click(c, "button#save").await;
        wait_for_path(c, "/reports/settings").await;
        let banner = text_of(c, ".govuk-notification-banner").await;
        assert!(banner.contains("Report settings saved"), "{banner}");
        let saved = t
            .store
            .setting("report_settings")
            .await
            .expect("read")
            .expect("saved");
        assert_eq!(saved["targets"]["reviews.in_time_pct"], 90.0);

        // The annual report: the target beside reviews held in time.
        c.goto(&format!("{base}/reports/annual?year=2024-25"))
            .await
            .expect("report");
        let summary = text_of(c, "table#summary").await;
        assert!(summary.contains("Target"), "{summary}");
        let row = summary
            .lines()
            .find(|l| l.starts_with("Reviews held in time"))
            .unwrap_or_else(|| panic!("no row in {summary}"));
        assert!(row.contains("90.0%"), "{row}");
        assert!(row.contains("met"), "against target: {row}");
    })
    .await;
}
