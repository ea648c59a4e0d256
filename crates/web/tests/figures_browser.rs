//! In a real headless Chromium, with the real server: a manager follows a
//! count of the internal annual report to the children behind it and sees
//! the overdue review with the rule that made it due; an administrator sets
//! the review policy and a challenge stage with form fields, is told on the
//! field what is wrong, adds a challenge theme on the themes' page, and each
//! change is audited with its values before and after.
//!
//! Without Chromium and chromedriver the tests fail, saying what to
//! install, unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::Locator;
use footprint_store::AuditQuery;
use footprint_web::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_follows_a_count_of_the_annual_report_to_the_overdue_review_and_its_rule() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/reports/annual?year=2024-25"))
            .await
            .expect("report");
        let expected = report_drilldown(&t, "reviews.overdue.end", "").await;
        assert_eq!(expected, vec!["C2".to_owned()]);
        click(c, "a[data-behind='reviews.overdue.end/']").await;
        wait_for_path(c, "/reports/annual/figures").await;
        let mut listed = Vec::new();
        for e in c
            .find_all(Locator::Css("#figure-children li"))
            .await
            .expect("children")
        {
            listed.push(e.attr("data-child").await.expect("attr").expect("a child"));
        }
        assert_eq!(listed, expected);
        let settings = t.store.measure_settings().await.expect("settings");
        let ds = t.store.load_dataset().await.expect("read");
        let overdue = footprint_domain::daily::overdue_reviews(
            &ds,
            &[child_id("C2")],
            today(),
            &settings,
            &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
        );
        assert_eq!(
            text_of(
                c,
                "#overdue-reviews tr[data-overdue-child='C2'] .fp-due-rule"
            )
            .await,
            overdue[0].due.rule.to_string()
        );
        assert_accessible(c, "the children behind a count of the annual report").await;
        screenshot(c, "annual-report-figure.png").await;
        // Back to the report.
        click(c, "a.govuk-back-link").await;
        wait_for_path(c, "/reports/annual").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sets_the_review_policy_stages_and_themes() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Admin).await;
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        assert_accessible(c, "settings").await;
        // The statute, as held by default.
        let first = c
            .find(Locator::Id("first_review_number"))
            .await
            .expect("field");
        assert_eq!(
            first.attr("value").await.expect("value").as_deref(),
            Some("20")
        );

        // A stage with days that are not a number: refused on the field.
        let stages = c
            .find_all(Locator::Css("input[name='stage_name']"))
            .await
            .expect("stage rows")
            .len();
        let spare = stages; // the last row is empty
        type_into(c, &format!("stage_name-{spare}"), "stage 5").await;
        type_into(c, &format!("stage_days-{spare}"), "soon").await;
        click(c, "#save-settings").await;
        wait_for_error_page(c).await;
        let message = text_of(c, &format!("#stage_days-{spare}-error")).await;
        assert!(message.contains("whole number"), "{message}");
        assert_accessible(c, "settings with an error").await;
        // The error summary leads to the field.
        click(c, ".govuk-error-summary a").await;

        // Put right, with a local first-review rule.
        type_into(c, &format!("stage_days-{spare}"), "10").await;
        type_into(c, "first_review_number", "28").await;
        click(c, "#first_review_unit-calendar").await;
        click(c, "#save-settings").await;
        for _ in 0..200 {
            if c.source().await.expect("html").contains("Settings saved") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let html = c.source().await.expect("html");
        let summary = html
            .find("govuk-error-summary")
            .map(|i| html[i..].chars().take(1500).collect::<String>());
        assert!(html.contains("Settings saved"), "not saved: {summary:?}");
        screenshot(c, "settings-saved.png").await;

        // A new theme, on the themes' page: the nine default themes, then
        // the spare rows.
        click(c, "a[href='/admin/settings/themes']").await;
        wait_for_path(c, "/admin/settings/themes").await;
        type_into(c, "label-10", "Sibling contact").await;
        click(c, "#save-list").await;
        wait_for_new_page(c).await;
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("saved"), "{notice}");

        let policy = t.store.review_policy().await.expect("policy");
        assert_eq!(
            policy.first_review,
            footprint_domain::schedule::Within::CalendarDays(28)
        );
        let stages = t.store.challenge_stages().await.expect("stages");
        assert_eq!(
            stages.last().map(|s| (s.name.as_str(), s.working_days)),
            Some(("stage 5", 10))
        );
        let audit = t
            .store
            .audit_log(&AuditQuery {
                actor: Some("admin".into()),
                ..AuditQuery::default()
            })
            .await
            .expect("audit");
        let policy_change = audit
            .iter()
            .find(|e| {
                e.action == "settings.change" && e.detail.starts_with("setting=schedule_policy;")
            })
            .expect("the policy change audited");
        assert!(
            policy_change.detail.contains("before=(not set)")
                && policy_change.detail.contains("\"calendar_days\":28"),
            "{}",
            policy_change.detail
        );
        assert!(audit.iter().any(|e| e.action == "settings.change"
            && e.detail.starts_with("setting=challenge_themes;")
            && e.detail.contains("Sibling contact")));
    })
    .await;
}
