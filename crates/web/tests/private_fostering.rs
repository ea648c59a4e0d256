//! Privately fostered children (issue 15 follow-up): a child cared for by
//! someone not a relative by private arrangement is usually not looked
//! after, so not held as a child in care. IROs and the manager list every
//! arrangement with its next review due, keep a child's reviews on the
//! child's own private fostering page, record a new arrangement for a
//! child not held, and correct a review as a version; each view and change
//! audited by the child's identifier alone.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_store::AuditQuery;
use footprint_web::Role;

/// The rows of the table with `id` on a page.
fn table<'a>(body: &'a str, id: &str) -> &'a str {
    body.split(&format!("id=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .unwrap_or("")
}

async fn fostering_reviews(
    t: &TestApp,
) -> Vec<footprint_domain::case_records::PrivateFosteringReview> {
    t.store
        .load_dataset()
        .await
        .expect("load")
        .case_records
        .private_fostering_reviews
}

async fn log_of(t: &TestApp, child: &str) -> Vec<footprint_store::AuditEntry> {
    t.store
        .audit_log(&AuditQuery {
            child: Some(child_id(child)),
            ..Default::default()
        })
        .await
        .expect("log")
}

#[tokio::test]
async fn an_iro_records_and_corrects_the_reviews_of_a_child_not_held_as_a_child_in_care() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let list = c.get("/private-fostering").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body
            .contains("No private fostering arrangement is held")
    );
    assert!(
        list.body
            .contains("private-fostering\" aria-current=\"page\""),
        "in the navigation: {}",
        list.body
    );

    let form = c.get("/private-fostering/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("id=\"child\""), "{}", form.body);

    // Refused: no child, a child identifier that is not one, a review
    // before the arrangement began; each on its field, nothing written.
    let refused = c
        .post(
            "/private-fostering",
            &[("start", "2024-02-01"), ("date", "2025-02-03")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"child-error\""),
        "{}",
        refused.body
    );
    let refused = c
        .post(
            "/private-fostering",
            &[("child", "PF 1!"), ("start", "2024-02-01")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"child-error\""));
    assert!(refused.body.contains("id=\"date-error\""), "both at once");
    let refused = c
        .post(
            "/private-fostering",
            &[
                ("child", "PF1"),
                ("start", "2024-02-01"),
                ("date", "2024-01-20"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"date-error\""),
        "{}",
        refused.body
    );
    assert!(fostering_reviews(&t).await.is_empty(), "nothing written");

    // PF1 is not held as a child in care: their arrangement's first review
    // is recorded all the same, and the next is due a year on.
    assert!(
        t.store
            .children_not_held(&[child_id("PF1")])
            .await
            .expect("read")
            .contains(&child_id("PF1"))
    );
    let res = c
        .post(
            "/private-fostering",
            &[
                ("child", "PF1"),
                ("start-day", "1"),
                ("start-month", "2"),
                ("start-year", "2024"),
                ("date", "2025-02-03"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/private-fostering/PF1"));
    let held = fostering_reviews(&t).await;
    assert_eq!(held.len(), 1);
    let rid = held[0].id.clone();
    assert_eq!(held[0].child, child_id("PF1"));
    // Another child's arrangement whose review is overdue (due 10 Jan 2025).
    let res = c
        .post(
            "/private-fostering",
            &[
                ("child", "PF2"),
                ("start", "2023-01-01"),
                ("date", "2024-01-10"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let list = c.get("/private-fostering").await;
    let rows = table(&list.body, "arrangements");
    let pf1 = "data-child=\"PF1\" data-start=\"2024-02-01\" data-due=\"2026-02-03\"";
    let pf2 = "data-child=\"PF2\" data-start=\"2023-01-01\" data-due=\"2025-01-10\"";
    assert!(rows.contains(pf1), "{rows}");
    assert!(rows.contains(pf2), "{rows}");
    assert!(rows.find(pf2) < rows.find(pf1), "overdue first");
    assert!(
        list.body.contains("<strong>1 overdue</strong>"),
        "{}",
        list.body
    );

    let page = c.get("/private-fostering/PF1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(table(&page.body, "fostering-reviews").contains(&format!("data-record=\"{rid}\"")));
    assert!(
        page.body
            .contains("/private-fostering/new?child=PF1&amp;start=2024-02-01")
    );
    assert!(!page.body.contains("id=\"also-in-care\""));

    // A correction needs a reason; refused, nothing changes.
    let edit = c.get(&format!("/private-fostering/PF1/{rid}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("id=\"versions\""));
    let path = format!("/private-fostering/PF1/{rid}");
    let refused = c
        .post(
            &path,
            &[
                ("start", "2024-02-01"),
                ("date", "2025-02-03"),
                ("end", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"correction_reason-error\""));
    // The check: a review after the arrangement ended.
    let refused = c
        .post(
            &path,
            &[
                ("start", "2024-02-01"),
                ("date", "2025-02-03"),
                ("end", "2025-01-31"),
                ("correction_reason", "Ended earlier"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"end-error\""),
        "{}",
        refused.body
    );
    let versions = t
        .store
        .case_record_versions("private_fostering_review", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1, "nothing written");

    // Corrected: the arrangement ended on 1 March; a new version, the
    // first kept; no review is due now.
    let res = c
        .post(
            &path,
            &[
                ("start", "2024-02-01"),
                ("date", "2025-02-03"),
                ("end", "2025-03-01"),
                ("correction_reason", "The arrangement has ended"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/private-fostering/PF1"));
    let versions = t
        .store
        .case_record_versions("private_fostering_review", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].reason, "The arrangement has ended");
    assert_eq!(versions[1].written_by, username(Role::Iro));
    let list = c.get("/private-fostering").await;
    let rows = table(&list.body, "arrangements");
    assert!(
        rows.contains("data-child=\"PF1\" data-start=\"2024-02-01\">"),
        "no review due: {rows}"
    );
    assert!(rows.contains("1 Mar 2025"));

    // Audited by the child's identifier alone: no dates, no names.
    let log = log_of(&t, "PF1").await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "private_fostering.record",
        "private_fostering.view",
        "private_fostering.view_versions",
        "private_fostering.correct",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
    for e in &log {
        assert!(
            !e.detail.contains("2025-") && !e.detail.contains("2024-"),
            "{}",
            e.detail
        );
    }
    assert!(
        log.iter()
            .any(|e| e.action == "private_fostering.correct" && e.detail.contains(";changed="))
    );
}

#[tokio::test]
async fn only_iros_and_the_manager_keep_private_fostering_and_a_refusal_writes_nothing() {
    let t = app().await;
    for role in [Role::BusinessSupport, Role::Analyst, Role::Admin] {
        let mut c = Client::signed_in_as(&t.app, role).await;
        assert_eq!(
            c.get("/private-fostering").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let res = c
            .post(
                "/private-fostering",
                &[
                    ("child", "PF1"),
                    ("start", "2024-02-01"),
                    ("date", "2025-02-03"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
        let page = c.get(role.home()).await;
        assert_eq!(page.status, StatusCode::OK, "{role}");
        assert!(
            !page.body.contains("&#x2f;private-fostering\""),
            "{role}: not in the navigation"
        );
    }
    assert!(fostering_reviews(&t).await.is_empty(), "nothing written");

    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    // A child with no arrangement has no private fostering page.
    assert_eq!(
        iro.get("/private-fostering/NOSUCH").await.status,
        StatusCode::NOT_FOUND
    );
    // C3 is held as a child in care and allocated to another IRO: as on
    // the child's page, recording needs a covering reason.
    let res = iro
        .post(
            "/private-fostering",
            &[
                ("child", "C3"),
                ("start", "2024-02-01"),
                ("date", "2025-02-03"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(fostering_reviews(&t).await.is_empty(), "nothing written");
    let res = iro
        .post(
            "/private-fostering",
            &[
                ("child", "C3"),
                ("start", "2024-02-01"),
                ("date", "2025-02-03"),
                ("covering", "leave"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        log_of(&t, "C3").await.iter().any(
            |e| e.action == "private_fostering.record" && e.detail.ends_with(";covering=leave")
        )
    );
    let page = iro.get("/private-fostering/C3").await;
    assert!(page.body.contains("id=\"also-in-care\""), "{}", page.body);

    // The manager records for any child, without a reason.
    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    let res = manager
        .post(
            "/private-fostering",
            &[
                ("child", "PF3"),
                ("start", "2024-06-01"),
                ("date", "2025-01-06"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(fostering_reviews(&t).await.len(), 2);
    // Another kind of record is not corrected through these pages.
    assert_eq!(
        manager
            .get("/private-fostering/PF3/NOSUCH/edit")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
