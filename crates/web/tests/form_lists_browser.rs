//! In a real headless Chromium: an administrator opens the council's
//! reasons a review was held late from the settings screen, is refused a
//! name listed twice, then adds a reason and retires another; an IRO then
//! finds the new reason on the review form and not the retired one. The
//! administrator adds a way a child's views reach a review too, which the
//! IRO finds on the case records form.
//! axe-core checks the list's page (in its error state too) and the form.
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
        sign_in(&c, &base, Role::Admin).await;
        c.goto(&format!("{base}/admin/settings"))
            .await
            .expect("settings");
        click(&c, "a[href='/admin/settings/lists/late_reasons']").await;
        wait_for_path(&c, "/admin/settings/lists/late_reasons").await;
        assert_accessible(&c, "the late reasons list").await;

        // The ten default reasons, then the spare rows: row 11 is empty.
        type_into(&c, "label-11", "Clashed with a court hearing").await;
        click(&c, "#save-list").await;
        wait_for_error_page(&c).await;
        assert!(
            c.find(Locator::Css("#label-11.govuk-input--error"))
                .await
                .is_ok(),
            "the repeated name is refused on its row"
        );
        assert_accessible(&c, "the late reasons list, with errors").await;

        type_into(&c, "label-11", "Heavy snow").await;
        type_into(&c, "position-11", "1").await;
        // Retire "Child unwell" (row 7 of the default list).
        click(&c, "tr[data-key='child_unwell'] input[type=checkbox]").await;
        click(&c, "#save-list").await;
        // Saved: the same page again, with the notice.
        let notice = text_of(&c, ".govuk-notification-banner__heading").await;
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
        click(&c, "a[href='/admin/settings/lists/views_routes']").await;
        wait_for_path(&c, "/admin/settings/lists/views_routes").await;
        type_into(&c, "label-7", "Postcard home").await;
        click(&c, "#save-list").await;
        let notice = text_of(&c, ".govuk-notification-banner__heading").await;
        assert!(notice.contains("saved"), "{notice}");
        sign_out(&c).await;

        sign_in(&c, &base, Role::Iro).await;
        c.goto(&format!("{base}/children/C2/reviews/new"))
            .await
            .expect("review form");
        let options = text_of(&c, "#late_reason").await;
        assert!(options.contains("Heavy snow"), "{options}");
        assert!(!options.contains("Child unwell"), "{options}");
        assert_accessible(&c, "the review form with the council's reasons").await;
        c.goto(&format!("{base}/children/C2/case-records/new?kind=views"))
            .await
            .expect("views form");
        let routes = text_of(&c, "#route").await;
        assert!(routes.contains("Postcard home"), "{routes}");
        assert!(routes.contains("Mind of My Own"), "{routes}");
        assert_accessible(&c, "the child's views form with the council's list").await;
    }
    .await;
    let _ = c.close().await;
    server.abort();
    result
}
