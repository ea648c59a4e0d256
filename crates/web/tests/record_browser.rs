//! In a real headless Chromium: an IRO records a review, writes its record
//! in Footprint (the Signs of Safety sections), issues the decisions, and
//! drafts the letter to the child; business support sees the decisions on
//! the outstanding list to send and records them sent; the manager sees
//! the decisions measure move. axe-core checks the record and letter pages.
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
async fn an_iro_writes_a_record_issues_the_decisions_and_the_lists_move() {
    let t = app().await;
    with_browser(&t, async |b| {
        let (c, base) = (&b.c, b.base.as_str());
        // The decisions measure before: none decided this year.
        sign_in(c, base, Role::Manager).await;
        let figure = c.find(Locator::Id("decisions")).await.expect("figure");
        assert_eq!(
            figure.attr("data-count").await.expect("attr").as_deref(),
            Some("0")
        );
        assert_eq!(
            figure.attr("data-of").await.expect("attr").as_deref(),
            Some("0")
        );
        sign_out(c).await;

        // The IRO records C2's review of 10 March 2025 with one decision.
        sign_in(c, base, Role::Iro).await;
        c.goto(&format!("{base}/children/C2/reviews/new"))
            .await
            .expect("form");
        for (id, value) in [
            ("date", "10"),
            ("date-month", "3"),
            ("date-year", "2025"),
            ("rec_text_0", "Book a dentist visit"),
            ("rec_owner_0", "Carer"),
            ("rec_due_0", "30"),
            ("rec_due_0-month", "4"),
            ("rec_due_0-year", "2025"),
        ] {
            type_into(c, id, value).await;
        }
        c.find(Locator::Id("participation"))
            .await
            .expect("select")
            .select_by_value("PN2")
            .await
            .expect("select");
        c.find(Locator::Id("late_reason"))
            .await
            .expect("select")
            .select_by_value("iro_unavailable")
            .await
            .expect("select");
        click(c, "form[action='/children/C2/reviews'] button[type=submit]").await;
        wait_for_path(c, "/children/C2").await;

        // The review's page: no record yet; write it.
        c.goto(&format!("{base}/children/C2/reviews/2025-03-10"))
            .await
            .expect("review");
        assert_eq!(text_of(c, "#record-state").await, "Not started");
        click(c, "#record-link").await;
        wait_for_path(c, "/children/C2/reviews/2025-03-10/record").await;
        assert_accessible(c, "write the record").await;
        type_into(
            c,
            "child_views",
            "I like my school and I want to see my brother more.",
        )
        .await;
        click(c, "#views_given-at_review").await;
        type_into(
            c,
            "section_working_well",
            "Settled with the carers; going to school.",
        )
        .await;
        type_into(
            c,
            "section_worries",
            "Contact with the brother is not regular.",
        )
        .await;
        type_into(
            c,
            "section_next_steps",
            "Contact to be set up every two weeks.",
        )
        .await;
        type_into(c, "attendees", "Carer\nSocial worker").await;
        click(c, "#save-record").await;
        wait_for_path(c, "/children/C2/reviews/2025-03-10/record").await;
        assert_eq!(text_of(c, "#status").await, "Draft");
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Record saved")
        );

        click(c, "#issue-decisions").await;
        wait_for_path(c, "/children/C2/reviews/2025-03-10/record").await;
        assert_eq!(
            text_of(c, "#status").await,
            "Decisions issued 12 Mar 2025; record in draft"
        );
        assert_eq!(text_of(c, "#decisions-issued").await, "12 Mar 2025");
        assert_accessible(c, "the record, decisions issued").await;
        screenshot(c, "record.png").await;

        // The letter: drafted from the record, with the reading-age check.
        c.goto(&format!("{base}/children/C2/reviews/2025-03-10/letter"))
            .await
            .expect("letter");
        let draft = c
            .find(Locator::Id("text"))
            .await
            .expect("letter text")
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        assert!(
            draft.contains("At your review on 10 March 2025 we talked about"),
            "{draft}"
        );
        assert!(
            text_of(c, "#reading-check")
                .await
                .contains("Reading age about")
        );
        assert_accessible(c, "the letter").await;
        click(c, "#save-letter").await;
        // The saved letter comes back to the same address: wait for the
        // page after the save (its link to print the letter), not for the
        // address, which the form's page already has.
        wait_for_path(c, "/children/C2/reviews/2025-03-10/letter").await;
        assert!(
            c.wait()
                .at_most(std::time::Duration::from_secs(10))
                .for_element(Locator::Css("a[href$='/documents/letter.docx']"))
                .await
                .is_ok(),
            "the saved letter can be printed"
        );
        screenshot(c, "letter.png").await;
        sign_out(c).await;

        // Business support: the decisions are on the list to send; recording
        // one sent takes it off.
        sign_in(c, base, Role::BusinessSupport).await;
        c.goto(&format!("{base}/outstanding")).await.expect("list");
        let row =
            "#to-send-table tr[data-child='C2'][data-document='decisions'][data-recipient='child']";
        c.find(Locator::Css(row))
            .await
            .expect("to send to the child");
        assert_accessible(c, "outstanding, with documents to send").await;
        click(c, &format!("{row} button[type=submit]")).await;
        wait_for_path(c, "/outstanding").await;
        assert!(
            text_of(c, ".govuk-notification-banner")
                .await
                .contains("Decisions recorded as sent to the child on 12 Mar 2025")
        );
        assert!(
            c.find(Locator::Css(row)).await.is_err(),
            "sent: off the list"
        );
        assert!(
            c.find(Locator::Css(
                "#to-send-table tr[data-child='C2'][data-recipient='social_worker']"
            ))
            .await
            .is_ok()
        );
        // The review's page: the status and what was sent, not the text.
        c.goto(&format!("{base}/children/C2/reviews/2025-03-10"))
            .await
            .expect("review");
        assert!(text_of(c, "#circulation-table").await.contains("The child"));
        assert!(!text_of(c, "main").await.contains("my brother more"));
        sign_out(c).await;

        // The manager: the decisions measure moved (issued in time).
        sign_in(c, base, Role::Manager).await;
        let figure = c.find(Locator::Id("decisions")).await.expect("figure");
        assert_eq!(
            figure.attr("data-count").await.expect("attr").as_deref(),
            Some("1")
        );
        assert_eq!(
            figure.attr("data-of").await.expect("attr").as_deref(),
            Some("1")
        );
    })
    .await;
}
