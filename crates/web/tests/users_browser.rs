//! In a real headless Chromium (as `browser.rs`): an administrator makes a
//! password reset code for an IRO, the IRO sets a new password with it and
//! signs in with that. axe-core checks the users pages, the reset page (in
//! its error state too) and the change-password page.
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
async fn an_administrator_resets_a_password_and_the_user_signs_in_with_the_new_one() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        // The administrator makes a code for the IRO.
        sign_in_with(c, base, username(Role::Admin), PASSWORD, "/admin/users").await;
        assert_accessible(c, "users").await;
        click(c, "tr[data-user='iro1'] a").await;
        let user_page = c.current_url().await.expect("url").path().to_owned();
        assert!(user_page.starts_with("/admin/users/"), "{user_page}");
        assert_accessible(c, "a user").await;
        click(c, "form[action$='/password-reset'] button").await;
        wait_for_new_page(c).await;
        let code = c
            .find(Locator::Id("reset-code"))
            .await
            .expect("the code is shown")
            .text()
            .await
            .expect("text");
        assert_eq!(code.len(), 19, "{code}");
        assert_accessible(c, "a reset code").await;
        click(c, "form[action='/sign-out'] button").await;
        wait_for_path(c, "/sign-in").await;

        // The IRO follows the link on the sign-in page and uses the code.
        click(c, "a[href='/password-reset']").await;
        wait_for_path(c, "/password-reset").await;
        assert_accessible(c, "set a new password").await;
        type_into(c, "code", &code).await;
        type_into(c, "new_password", "password1234").await;
        type_into(c, "confirm_password", "password1234").await;
        click(c, "main button[type=submit]").await;
        wait_for_error_page(c).await;
        assert!(
            c.find(Locator::Css("#new_password.govuk-input--error"))
                .await
                .is_ok()
        );
        assert_accessible(c, "set a new password, with errors").await;
        let new = "harbour quince lantern";
        type_into(c, "new_password", new).await;
        type_into(c, "confirm_password", new).await;
        click(c, "main button[type=submit]").await;
        wait_for_path(c, "/sign-in").await;
        let notice = c
            .find(Locator::Css(".govuk-inset-text"))
            .await
            .expect("notice")
            .text()
            .await
            .expect("text");
        assert!(notice.contains("Your password has been set"), "{notice}");
        sign_in_with(c, base, username(Role::Iro), new, "/caseload").await;

        // Their own password, changed from the link in the banner.
        click(c, "a[href='/account/password']").await;
        wait_for_path(c, "/account/password").await;
        assert_accessible(c, "change your password").await;
        click(c, "main button[type=submit]").await;
        wait_for_error_page(c).await;
        assert_accessible(c, "change your password, with errors").await;
    })
    .await;
}
