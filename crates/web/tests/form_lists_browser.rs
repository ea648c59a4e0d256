//! In a real headless Chromium: an administrator opens the council's
//! reasons a review was held late from the settings screen, is refused a
//! name listed twice, then adds a reason and retires another; an IRO then
//! finds the new reason on the review form and not the retired one. The
//! administrator adds a way a child's views reach a review too, which the
//! IRO finds on the case records form.
//! axe-core checks the list's page (in its error state too) and the form.
//! And an IRO raising a challenge chooses a theme, then a sub-theme within
//! it: one under another theme is refused on its field, axe-checked.
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
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}
