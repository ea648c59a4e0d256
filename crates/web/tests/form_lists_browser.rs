//! In a real headless Chromium: an administrator opens the council's
//! reasons a review was held late from the settings screen, is refused a
//! name listed twice, then adds a reason and retires another; an IRO then
//! finds the new reason on the review form and not the retired one. The
//! administrator adds a way a child's views reach a review too, which the
//! IRO finds on the case records form.
//! axe-core checks the list's page (in its error state too) and the form.
//! And an IRO raising a challenge chooses a theme, then a sub-theme within
//! it: one under another theme is refused on its field, axe-checked.
//! And the council's reasons for changing a review's date, its challenge
//! themes (a rename keeping the key, a sub-theme added) and a case
//! records' timescale (refused out of range on its field) are set on the
//! settings screens; the IRO is offered what was set, asks to move a review
//! for the new reason, and the due date's rule names it, by its new name
//! after a rename.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::Locator;
use footprint_domain::lists::FormList;
use footprint_web::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_a_late_reason_and_the_iro_finds_it_on_the_review_form() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Admin).await;
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        click(c, "a[href='/admin/settings/lists/late_reasons']").await;
        wait_for_path(c, "/admin/settings/lists/late_reasons").await;
        assert_accessible(c, "the late reasons list").await;

        // The ten default reasons, then the spare rows: row 11 is empty.
        type_into(c, "label-11", "Clashed with a court hearing").await;
        click(c, "#save-list").await;
        wait_for_new_page(c).await;
        wait_for_error_page(c).await;
        assert!(
            c.find(Locator::Css("#label-11.govuk-input--error"))
                .await
                .is_ok(),
            "the repeated name is refused on its row"
        );
        assert_accessible(c, "the late reasons list, with errors").await;

        type_into(c, "label-11", "Heavy snow").await;
        type_into(c, "position-11", "1").await;
        // Retire "Child unwell" (row 7 of the default list).
        click(c, "tr[data-key='child_unwell'] input[type=checkbox]").await;
        click(c, "#save-list").await;
        wait_for_new_page(c).await;
        // Saved: the same page again, with the notice.
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("saved"), "{notice}");
        let first = c
            .find(Locator::Id("label-1"))
            .await
            .expect("row 1")
            .prop("value")
            .await
            .expect("value");
        assert_eq!(first.as_deref(), Some("Heavy snow"), "added at the top");
        let list = t
            .store
            .form_list(FormList::LateReasons)
            .await
            .expect("list");
        assert!(list.get("child_unwell").expect("kept").retired);

        // The ways a child's views reach a review are a list of the same
        // kind: the six default ways, then the spare rows.
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        click(c, "a[href='/admin/settings/lists/views_routes']").await;
        wait_for_path(c, "/admin/settings/lists/views_routes").await;
        type_into(c, "label-7", "Postcard home").await;
        click(c, "#save-list").await;
        wait_for_new_page(c).await;
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("saved"), "{notice}");
        sign_out(c).await;

        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C2/reviews/new"))
            .await
            .expect("review form");
        let options = text_of(c, "#late_reason").await;
        assert!(options.contains("Heavy snow"), "{options}");
        assert!(!options.contains("Child unwell"), "{options}");
        assert_accessible(c, "the review form with the council's reasons").await;
        c.goto(&format!("{base}/children/C2/case-records/new?kind=views"))
            .await
            .expect("views form");
        let routes = text_of(c, "#route").await;
        assert!(routes.contains("Postcard home"), "{routes}");
        assert!(routes.contains("Mind of My Own"), "{routes}");
        assert_accessible(c, "the child's views form with the council's list").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_chooses_a_challenge_theme_then_a_sub_theme_within_it() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1/challenges/new"))
            .await
            .expect("challenge form");
        assert_accessible(c, "the challenge form with themes and sub-themes").await;
        let before = t.store.load_dataset().await.expect("read").challenges.len();
        // Placement, with a sub-theme from under Care planning: refused.
        click(c, "input[name='theme'][value='placement']").await;
        c.find(Locator::Id("sub_theme"))
            .await
            .expect("the sub-theme")
            .select_by_value("care_planning.drift_and_delay")
            .await
            .expect("chosen");
        type_into(c, "concern", "The placement plan was not reviewed").await;
        click(
            c,
            "form[action='/children/C1/challenges'] button[type='submit']",
        )
        .await;
        wait_for_error_page(c).await;
        assert!(
            c.find(Locator::Css("#sub_theme.govuk-select--error"))
                .await
                .is_ok(),
            "refused on the sub-theme"
        );
        let message = text_of(c, "#sub_theme-error").await;
        assert!(message.contains("under Placement"), "{message}");
        assert_eq!(
            t.store.load_dataset().await.expect("read").challenges.len(),
            before,
            "nothing written"
        );
        assert_accessible(c, "the challenge form, with the sub-theme refused").await;
        // The theme stays chosen; a sub-theme within it is taken.
        c.find(Locator::Id("sub_theme"))
            .await
            .expect("the sub-theme")
            .select_by_value("placement.stability")
            .await
            .expect("chosen");
        type_into(c, "concern", "The placement plan was not reviewed").await;
        click(
            c,
            "form[action='/children/C1/challenges'] button[type='submit']",
        )
        .await;
        // The challenge's own page, which says its themes in words.
        let mut ds = t.store.load_dataset().await.expect("read");
        for _ in 0..100 {
            if ds.challenges.len() > before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            ds = t.store.load_dataset().await.expect("read");
        }
        let themes = text_of(c, "dl.govuk-summary-list").await;
        assert!(
            themes.contains("Placement: Placement stability"),
            "{themes}"
        );
        assert_eq!(ds.challenges.len(), before + 1);
        let raised = ds.challenges.last().expect("raised");
        assert_eq!(raised.themes, ["placement"]);
        assert_eq!(raised.sub_theme.as_deref(), Some("stability"));
    })
    .await;
}

/// Chooses option `value` of the select `id`.
async fn select(c: &fantoccini::Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("#{id} = {value}: {e}"));
}

/// Saves a list's page and waits for the notice that it was saved.
async fn save_list(c: &fantoccini::Client) {
    click(c, "#save-list").await;
    wait_for_new_page(c).await;
    let notice = text_of(c, ".govuk-notification-banner__heading").await;
    assert!(notice.contains("saved"), "{notice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_council_sets_its_date_change_reasons_renames_a_theme_and_sets_a_timescale() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Admin).await;

        // The reasons for changing a review's date: a list like the others.
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        click(c, "a[href='/admin/settings/lists/date_change_reasons']").await;
        wait_for_path(c, "/admin/settings/lists/date_change_reasons").await;
        assert_accessible(c, "the reasons for changing a review's date").await;
        // The six default reasons, then the spare rows: row 7 is empty.
        type_into(c, "label-7", "Heavy snow").await;
        click(c, "tr[data-key='court'] input[type=checkbox]").await;
        save_list(c).await;
        let reasons = t
            .store
            .form_list(FormList::DateChangeReasons)
            .await
            .expect("list");
        assert!(reasons.get("court").expect("kept").retired);
        assert!(reasons.get("heavy_snow").is_some());

        // A challenge theme renamed (its key, sub-themes and records kept),
        // and a sub-theme added under it.
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        click(c, "a[href='/admin/settings/themes']").await;
        wait_for_path(c, "/admin/settings/themes").await;
        assert_accessible(c, "the challenge themes").await;
        type_into(c, "label-2", "Placements and moves").await;
        save_list(c).await;
        click(c, "a[href='/admin/settings/themes/placement']").await;
        wait_for_path(c, "/admin/settings/themes/placement").await;
        let heading = text_of(c, "h1").await;
        assert_eq!(heading, "Sub-themes of Placements and moves");
        assert_accessible(c, "a theme's sub-themes").await;
        // Two sub-themes, then the spare rows: row 3 is empty.
        type_into(c, "label-3", "Placement stability").await;
        click(c, "#save-list").await;
        wait_for_new_page(c).await;
        wait_for_error_page(c).await;
        assert!(
            c.find(Locator::Css("#label-3.govuk-input--error"))
                .await
                .is_ok(),
            "a sub-theme listed twice is refused on its row"
        );
        assert_accessible(c, "a theme's sub-themes, with errors").await;
        type_into(c, "label-3", "Distance from home").await;
        save_list(c).await;
        let themes = t.store.challenge_themes().await.expect("themes");
        let placement = themes.find("placement").expect("the same key");
        assert_eq!(placement.label, "Placements and moves");
        assert!(placement.sub_themes.get("distance_from_home").is_some());
        assert_eq!(
            themes.0.len(),
            footprint_domain::lists::ThemeList::default_list().0.len(),
            "a rename adds no theme"
        );

        // A case records' timescale: out of range, refused on its field.
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        type_into(c, "timescale_disruption_working_days", "0").await;
        click(c, "#save-settings").await;
        wait_for_new_page(c).await;
        wait_for_error_page(c).await;
        let message = text_of(c, "#timescale_disruption_working_days-error").await;
        assert!(message.contains("from 1 to 100"), "{message}");
        assert_accessible(c, "the settings, with a timescale refused").await;
        type_into(c, "timescale_disruption_working_days", "15").await;
        click(c, "#save-settings").await;
        wait_for_new_page(c).await;
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("saved"), "{notice}");
        let settings = t.store.measure_settings().await.expect("settings");
        assert_eq!(settings.case_records.disruption_working_days, 15);
        sign_out(c).await;

        // The IRO is offered the new reason, not the retired one, and the
        // renamed theme with its new sub-theme.
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        c.execute(
            "document.querySelector(\"form[action='/children/C1/review-date-changes']\")
               .closest('details').open = true;",
            vec![],
        )
        .await
        .expect("open the request form");
        let offered = text_of(c, "#reason").await;
        assert!(offered.contains("Heavy snow"), "{offered}");
        assert!(!offered.contains("Court timetable"), "{offered}");
        for (id, value) in [
            ("proposed", "30"),
            ("proposed-month", "6"),
            ("proposed-year", "2025"),
        ] {
            type_into(c, id, value).await;
        }
        select(c, "reason", "heavy_snow").await;
        click(
            c,
            "form[action='/children/C1/review-date-changes'] button[type=submit]",
        )
        .await;
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("Request"), "{notice}");
        let requests = text_of(c, "#date-change-list").await;
        assert!(requests.contains("Heavy snow"), "{requests}");
        c.goto(&format!("{base}/children/C1/challenges/new"))
            .await
            .expect("challenge form");
        let form = text_of(c, "main form").await;
        assert!(form.contains("Placements and moves"), "{form}");
        let subs = text_of(c, "#sub_theme").await;
        assert!(subs.contains("Distance from home"), "{subs}");
        sign_out(c).await;

        // The manager approves; the due date's rule names the reason, and
        // follows a rename of it.
        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/review-date-changes"))
            .await
            .expect("requests");
        let waiting = text_of(c, "main").await;
        assert!(waiting.contains("Heavy snow"), "{waiting}");
        click(c, "button[value=approve]").await;
        wait_for_new_page(c).await;
        let notice = text_of(c, ".govuk-notification-banner__heading").await;
        assert_eq!(notice, "Change of review date approved");
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        assert_eq!(text_of(c, ".fp-next-due").await, "30 Jun 2025");
        let rule = text_of(c, "#next-review").await;
        assert!(rule.contains("Heavy snow"), "{rule}");
        let mut list = t
            .store
            .form_list(FormList::DateChangeReasons)
            .await
            .expect("list");
        list.0
            .iter_mut()
            .filter(|e| e.key == "heavy_snow")
            .for_each(|e| e.label = "Snow closed the roads".into());
        t.store
            .set_setting(
                FormList::DateChangeReasons.key(),
                &serde_json::to_value(&list).expect("json"),
            )
            .await
            .expect("renamed");
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        let rule = text_of(c, "#next-review").await;
        assert!(rule.contains("Snow closed the roads"), "{rule}");
        let requests = text_of(c, "#date-change-list").await;
        assert!(requests.contains("Snow closed the roads"), "{requests}");
    })
    .await;
}
