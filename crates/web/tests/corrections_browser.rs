//! In a real headless Chromium (issue 14): an IRO records a visit and a
//! midway check and corrects them through their edit forms (the error state
//! included); the manager sees the earlier versions with who, when and why.
//! axe-core checks every page of the application a role can open, the
//! lists with their filters and paging, and the error states of the forms
//! and of the error pages.
//!
//! Without Chromium and chromedriver the test fails, saying what to install,
//! unless FOOTPRINT_SKIP_BROWSER=1 is set.

mod browser_kit;
mod common;

use browser_kit::*;
use common::*;
use fantoccini::{Client, Locator};
use footprint_web::Role;
use footprint_web::roles::{Method, ROUTES};

/// Types a GOV.UK date input's three fields (`name`, `name-month`,
/// `name-year`).
async fn type_date(c: &Client, name: &str, day: &str, month: &str, year: &str) {
    type_into(c, name, day).await;
    type_into(c, &format!("{name}-month"), month).await;
    type_into(c, &format!("{name}-year"), year).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_iro_corrects_a_visit_and_a_midway_check_and_the_manager_sees_the_versions() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C1")).await.expect("child");
        // Record a visit in person on 3 March 2025 and a midway check on 4
        // March, from the child's page.
        type_date(c, "visit_date", "3", "3", "2025").await;
        c.find(Locator::Id("visit_kind"))
            .await
            .expect("how")
            .select_by_value("in_person")
            .await
            .expect("select");
        click(c, "form[action='/children/C1/visits'] button[type=submit]").await;
        wait_for_path(c, "/children/C1").await;
        assert!(text_of(c, "#visit-list").await.contains("3 Mar 2025"));
        type_date(c, "midway_date", "4", "3", "2025").await;
        click(
            c,
            "form[action='/children/C1/midway-checks'] button[type=submit]",
        )
        .await;
        wait_for_path(c, "/children/C1").await;
        assert!(text_of(c, "#midway-list").await.contains("4 Mar 2025"));
        assert_accessible(c, "child with a visit and a midway check").await;

        // The visit's own page, then its correction form showing what is held.
        let visit = t.store.visits_held(&child_id("C1")).await.expect("read")[0].id;
        c.find(Locator::Css(&format!(
            "#visit-list a[href='/children/C1/visits/{visit}']"
        )))
        .await
        .expect("link to the visit")
        .click()
        .await
        .expect("click");
        wait_for_path(c, &format!("/children/C1/visits/{visit}")).await;
        assert!(text_of(c, "#held-details").await.contains("In person"));
        assert_accessible(c, "a visit").await;
        click(c, "#correct-link").await;
        let edit = format!("/children/C1/visits/{visit}/edit");
        wait_for_path(c, &edit).await;
        assert!(text_of(c, "#held-now").await.contains("3 Mar 2025"));
        assert_eq!(
            c.find(Locator::Id("date-year"))
                .await
                .expect("year")
                .prop("value")
                .await
                .expect("value")
                .as_deref(),
            Some("2025"),
            "the form shows what is held"
        );
        assert_accessible(c, "correct a visit").await;
        c.find(Locator::Id("kind"))
            .await
            .expect("kind")
            .select_by_value("phone")
            .await
            .expect("select");
        let save = format!("form[action='/children/C1/visits/{visit}'] button[type=submit]");
        // No reason: the form says so, and nothing changes.
        click(c, &save).await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#correction_reason-error")
                .await
                .contains("Enter why the visit is being corrected")
        );
        assert!(
            text_of(c, ".govuk-error-summary")
                .await
                .contains("Enter why the visit is being corrected")
        );
        assert_accessible(c, "correct a visit, with an error").await;
        screenshot(c, "visit-correction-error.png").await;
        type_into(c, "correction_reason", "It was a phone call, not a visit").await;
        click(c, &save).await;
        wait_for_path(c, &format!("/children/C1/visits/{visit}")).await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Visit corrected")
        );
        assert!(text_of(c, "#held-details").await.contains("By phone"));

        // The midway check: a date in the future is refused on the form,
        // then the right day is saved.
        let check = t
            .store
            .midway_checks_held(&child_id("C1"))
            .await
            .expect("read")[0]
            .id;
        c.goto(&format!("{base}/children/C1/midway-checks/{check}/edit"))
            .await
            .expect("edit");
        type_date(c, "date", "5", "3", "2030").await;
        type_into(c, "correction_reason", "Typed the wrong day").await;
        let save = format!("form[action='/children/C1/midway-checks/{check}'] button[type=submit]");
        click(c, &save).await;
        wait_for_error_page(c).await;
        assert!(
            text_of(c, "#date-error")
                .await
                .contains("today or in the past")
        );
        assert_accessible(c, "correct a midway check, with an error").await;
        type_date(c, "date", "5", "3", "2025").await;
        click(c, &save).await;
        wait_for_path(c, &format!("/children/C1/midway-checks/{check}")).await;
        assert!(text_of(c, "#held-details").await.contains("5 Mar 2025"));
        sign_out(c).await;

        // The manager sees the earlier versions, with who, when and why.
        sign_in(c, base, Role::Manager).await;
        c.goto(&format!("{base}/children/C1/visits/{visit}"))
            .await
            .expect("visit");
        let versions = text_of(c, "#versions ~ .fp-version").await;
        assert!(
            versions.contains("It was a phone call, not a visit"),
            "{versions}"
        );
        assert!(versions.contains("kind"), "{versions}");
        assert!(
            versions.contains("In person"),
            "the earlier version: {versions}"
        );
        assert!(versions.contains(username(Role::Iro)), "{versions}");
        assert_accessible(c, "a visit with its earlier version").await;
        c.goto(&format!("{base}/children/C1/midway-checks/{check}"))
            .await
            .expect("check");
        let versions = text_of(c, "#versions ~ .fp-version").await;
        assert!(versions.contains("4 Mar 2025"), "{versions}");
        assert!(versions.contains("Typed the wrong day"), "{versions}");
        assert_accessible(c, "a midway check with its earlier version").await;
    })
    .await;
}

/// The role each page is opened as: the first of these allowed.
const ORDER: [Role; 5] = [
    Role::Manager,
    Role::Iro,
    Role::BusinessSupport,
    Role::Admin,
    Role::Analyst,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_on_every_page_and_every_error_state() {
    let t = app().await;
    t.store
        .record_visit(&footprint_domain::model::IroVisit {
            child: child_id("C1"),
            date: d("2025-02-11"),
            kind: footprint_domain::model::VisitKind::InPerson,
            iro: None,
        })
        .await
        .expect("visit");
    t.store
        .record_midway_check(&footprint_domain::model::MidwayCheck {
            child: child_id("C1"),
            date: d("2025-02-10"),
            iro: None,
        })
        .await
        .expect("check");
    let visit = t.store.visits_held(&child_id("C1")).await.expect("read")[0].id;
    let check = t
        .store
        .midway_checks_held(&child_id("C1"))
        .await
        .expect("read")[0]
        .id;
    let allocation = t
        .store
        .allocations_held(&child_id("C1"))
        .await
        .expect("read")[0]
        .id;
    let request = t
        .store
        .request_review_date_change(&footprint_store::NewReviewDateChange {
            child: child_id("C3"),
            requested_on: today(),
            proposed: d("2025-04-20"),
            reason: footprint_domain::model::DateChangeReason::COURT,
            requested_by: "another-iro".into(),
        })
        .await
        .expect("request")
        .id;
    let user = t
        .store
        .user_by_name(username(Role::Iro))
        .await
        .expect("read")
        .expect("held")
        .id;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        // Every page a GET opens (downloads and jobs aside), as the first
        // role allowed to open it.
        let mut checked = 0;
        for role in ORDER {
            sign_in(c, base, role).await;
            for rule in ROUTES.iter().filter(|r| r.method == Method::Get) {
                let first = ORDER.iter().find(|r| rule.access.allows(**r));
                if first != Some(&role)
                    || ["{file}", "{job}", "/export", "/sign-in", "/password-reset"]
                        .iter()
                        .any(|p| rule.path.contains(p))
                {
                    continue;
                }
                let path = rule
                    .path
                    .replace("{child}", "C1")
                    .replace("{review}", "2024-12-10")
                    .replace("{challenge}", "1")
                    .replace("{request}", &request.to_string())
                    .replace("{user}", &user.to_string())
                    .replace("{figure}", "in_time_year")
                    .replace(
                        "{record}",
                        &if rule.path.contains("midway") {
                            check
                        } else if rule.path.contains("allocations") {
                            allocation
                        } else {
                            visit
                        }
                        .to_string(),
                    );
                c.goto(&format!("{base}{path}")).await.expect(rule.path);
                assert_accessible(c, &format!("{path} as {role}")).await;
                checked += 1;
            }
            // The lists with a filter chosen and on a later page.
            let lists: &[&str] = match role {
                Role::Manager => &[
                    "/children?status=looked_after&iro=IRO1&page=2",
                    "/challenges?show=all&iro=IRO1",
                    "/due?month=2025-03&iro=Sam+Sample",
                    "/outstanding?what=record",
                    "/review-date-changes?status=approved",
                    "/data-quality?severity=error",
                    "/allocations?page=2",
                ],
                Role::Iro => &["/caseload?status=overdue&q=C"],
                Role::Admin => &[
                    "/admin/users?role=iro&status=active",
                    "/admin/audit?action=sign_in.&page=2",
                ],
                _ => &[],
            };
            for path in lists {
                c.goto(&format!("{base}{path}")).await.expect(path);
                assert_accessible(c, &format!("{path} as {role}")).await;
            }
            // The error pages: not found, refused, a bad request.
            let errors: &[&str] = match role {
                Role::Manager => &["/children/NOBODY", "/due?month=June", "/admin/users"],
                Role::Iro => &["/challenges/abc", "/dashboard"],
                _ => &[],
            };
            for path in errors {
                c.goto(&format!("{base}{path}")).await.expect(path);
                assert_accessible(c, &format!("the error page of {path}")).await;
            }
            // Forms sent empty or wrong: each shows its errors on the form.
            let forms: &[(&str, &str)] = match role {
                Role::Manager => &[
                    (
                        "/allocations",
                        "form[action='/allocations'] button[type=submit]",
                    ),
                    (
                        "/children/C1/reviews/new",
                        "form[action='/children/C1/reviews'] button[type=submit]",
                    ),
                    (
                        "/children/C1/challenges/new",
                        "form[action='/children/C1/challenges'] button[type=submit]",
                    ),
                ],
                Role::Admin => &[(
                    "/admin/users",
                    "form[method='post'][action='/admin/users'] button[type=submit]",
                )],
                _ => &[],
            };
            for (path, button) in forms {
                c.goto(&format!("{base}{path}")).await.expect(path);
                click(c, button).await;
                wait_for_error_page(c).await;
                assert_accessible(c, &format!("{path} sent empty")).await;
            }
            // The correction forms with an error.
            if role == Role::Manager {
                for (kind, id) in [
                    ("visits", visit),
                    ("midway-checks", check),
                    ("allocations", allocation),
                ] {
                    c.goto(&format!("{base}/children/C1/{kind}/{id}/edit"))
                        .await
                        .expect("edit");
                    click(
                        c,
                        &format!("form[action='/children/C1/{kind}/{id}'] button[type=submit]"),
                    )
                    .await;
                    wait_for_error_page(c).await;
                    assert_accessible(c, &format!("correcting a {kind} with an error")).await;
                }
            }
            // Signing out from an error page works: its sign-out form
            // carries the session's token.
            c.goto(&format!("{base}/children/NOPE"))
                .await
                .expect("not found");
            sign_out(c).await;
        }
        assert!(checked > 30, "{checked} pages checked");
    })
    .await;
}
