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

/// The child's log: every view and change of their private fostering
/// records audited, by the identifier alone (no dates in the details).
async fn audited_by_identifier_alone(t: &TestApp, child: &str) -> Vec<footprint_store::AuditEntry> {
    let log = log_of(t, child).await;
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
    log
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
    let log = audited_by_identifier_alone(&t, "PF1").await;
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

async fn notifications(
    t: &TestApp,
) -> Vec<footprint_domain::case_records::PrivateFosteringNotification> {
    t.store
        .load_dataset()
        .await
        .expect("load")
        .case_records
        .private_fostering_notifications
}

const NOTIFICATION: &str = "private_fostering_notification";

#[tokio::test]
async fn an_arrangement_is_held_from_its_notification_and_its_visits_are_kept_as_versions() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = c
        .get("/private-fostering/new?kind=private_fostering_notification&child=PF5")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for f in ["id=\"child\"", "id=\"notified_by\"", "id=\"visits\""] {
        assert!(form.body.contains(f), "{f}: {}", form.body);
    }
    assert!(form.body.contains("value=\"PF5\""));
    let good = [
        ("kind", NOTIFICATION),
        ("child", "PF5"),
        ("date", "2025-02-28"),
        ("notified_by", "school"),
        ("start", "2025-03-10"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, &str)> = good
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
            .copied()
            .collect();
        f.extend(extra.iter().filter(|(_, v)| !v.is_empty()).copied());
        f
    };
    // Refused, each on its field, nothing written: no one named as the
    // notifier; a visit before the notification; a visit that is not a
    // date; an arrangement ending before it was to begin.
    for (fields, field) in [
        (with(&[("notified_by", "")]), "notified_by"),
        (with(&[("visits", "2025-02-27")]), "visits"),
        (with(&[("visits", "31/02/2025")]), "visits"),
        (with(&[("end", "2025-03-01")]), "end"),
    ] {
        let refused = c.post("/private-fostering", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            refused.body.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            refused.body
        );
    }
    assert!(notifications(&t).await.is_empty(), "nothing written");
    assert!(fostering_reviews(&t).await.is_empty(), "nothing written");

    // Notified Friday 28 February 2025 of an arrangement to begin on 10
    // March: the first visit was due within 7 working days, on Tuesday 11
    // March, and today (12 March) it is overdue; the first review is due a
    // year after the start. No review is held yet.
    let res = c.post("/private-fostering", &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/private-fostering/PF5"));
    let held = notifications(&t).await;
    assert_eq!(held.len(), 1);
    let rid = held[0].id.clone();
    let list = c.get("/private-fostering").await;
    let rows = table(&list.body, "arrangements");
    assert!(
        rows.contains(
            "data-child=\"PF5\" data-start=\"2025-03-10\" data-due=\"2026-03-10\" \
             data-visit-due=\"2025-03-11\" data-status=\"overdue\""
        ),
        "{rows}"
    );
    assert!(rows.contains("A school or college"), "{rows}");
    assert!(
        list.body.contains("<strong>1 overdue</strong>"),
        "{}",
        list.body
    );
    let page = c.get("/private-fostering/PF5").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let notices = table(&page.body, "fostering-notifications");
    assert!(
        notices.contains(&format!("data-record=\"{rid}\"")),
        "{notices}"
    );
    let edit_path = format!("/private-fostering/PF5/{rid}/edit?kind={NOTIFICATION}");
    assert!(
        page.body.contains(&edit_path.replace('&', "&amp;")),
        "{}",
        page.body
    );

    // A visit is recorded by adding its date: a correction with a reason,
    // kept as a new version; the next visit is due 6 weeks on.
    let edit = c.get(&edit_path).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("id=\"versions\""));
    let path = format!("/private-fostering/PF5/{rid}");
    let mut visit = with(&[("visits", "11/03/2025")]);
    let refused = c.post(&path, &visit).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"correction_reason-error\""));
    visit.push(("correction_reason", "First visit made"));
    let res = c.post(&path, &visit).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let versions = t
        .store
        .case_record_versions(NOTIFICATION, &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].changed, ["visits"]);
    assert_eq!(versions[1].reason, "First visit made");
    assert_eq!(versions[1].written_by, username(Role::Iro));
    let list = c.get("/private-fostering").await;
    let rows = table(&list.body, "arrangements");
    assert!(
        rows.contains("data-visit-due=\"2025-04-22\" data-status=\"due\""),
        "{rows}"
    );
    assert!(!list.body.contains("overdue</strong>"), "{}", list.body);
    // A correction the check refuses writes nothing.
    let mut bad = with(&[("visits", "11/03/2025"), ("end", "2025-03-05")]);
    bad.push(("correction_reason", "Ended"));
    let refused = c.post(&path, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"end-error\""),
        "{}",
        refused.body
    );
    assert_eq!(
        t.store
            .case_record_versions(NOTIFICATION, &rid)
            .await
            .expect("versions")
            .len(),
        2
    );

    // Audited by the child's identifier alone.
    audited_by_identifier_alone(&t, "PF5").await;

    // Other roles neither see nor record notifications.
    for role in [Role::BusinessSupport, Role::Analyst, Role::Admin] {
        let mut other = Client::signed_in_as(&t.app, role).await;
        let res = other
            .post("/private-fostering", &with(&[("child", "PF6")]))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(
            other.get(&edit_path).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    assert_eq!(notifications(&t).await.len(), 1);
}

#[tokio::test]
async fn a_held_childs_page_links_to_their_private_fostering_page_and_back() {
    let t = app().await;
    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    // No arrangement: no link.
    let page = manager.get("/children/C3").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"private-fostering-link\""));
    let res = manager
        .post(
            "/private-fostering",
            &[
                ("kind", NOTIFICATION),
                ("child", "C3"),
                ("date", "2025-03-03"),
                ("notified_by", "carer"),
                ("start", "2025-03-03"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = manager.get("/children/C3").await;
    assert!(
        page.body.contains("id=\"private-fostering-link\"")
            && page.body.contains("href=\"/private-fostering/C3\""),
        "{}",
        page.body
    );
    // The visit due shows among the child's other records due.
    assert!(
        table(&page.body, "case-records-due").contains("Private fostering visit"),
        "{}",
        page.body
    );
    let back = manager.get("/private-fostering/C3").await;
    assert!(back.body.contains("href=\"/children/C3\""), "{}", back.body);
    // Both reads audited by the child's identifier.
    let log = log_of(&t, "C3").await;
    assert!(log.iter().any(|e| e.action == "private_fostering.view"));
    assert!(log.iter().any(|e| e.action == "child.view"), "{log:?}");
    // Business support sees the child's page but not private fostering:
    // no link.
    let mut bs = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = bs.get("/children/C3").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"private-fostering-link\""));
}

#[tokio::test]
async fn notifications_are_imported_all_or_nothing_by_line_and_column() {
    use footprint_interchange::Outcome;
    use footprint_interchange::case_records::import_case_records;
    let t = app().await;
    let bad = "RECORD,ID,CHILD,DATE,START,END,NOTIFIED_BY,VISITS\n\
               private_fostering_notification,N1,PF8,02/01/2025,06/01/2025,,parent,10/01/2025\n\
               private_fostering_notification,N2,PF9,02/01/2025,06/01/2025,,parent,01/01/2025\n";
    match import_case_records(&t.store, "cli:test", "pf.csv", bad)
        .await
        .expect("import")
    {
        Outcome::Refused(p) => {
            let at: Vec<(u64, &str)> = p.iter().map(|x| (x.line, x.column.as_str())).collect();
            assert_eq!(at, [(3, "VISITS")]);
        }
        Outcome::Imported(_) => panic!("a bad row refuses the file"),
    }
    assert!(notifications(&t).await.is_empty(), "nothing written");
    let good = "RECORD,ID,CHILD,DATE,START,END,NOTIFIED_BY,VISITS\n\
                private_fostering_notification,N1,PF8,02/01/2025,06/01/2025,,parent,10/01/2025\n";
    assert!(matches!(
        import_case_records(&t.store, "cli:test", "pf.csv", good)
            .await
            .expect("import"),
        Outcome::Imported(_)
    ));
    // The extract again with a second visit: a new version.
    let again = "RECORD,ID,CHILD,DATE,START,END,NOTIFIED_BY,VISITS\n\
                 private_fostering_notification,N1,PF8,02/01/2025,06/01/2025,,parent,10/01/2025;20/02/2025\n";
    assert!(matches!(
        import_case_records(&t.store, "cli:test", "pf.csv", again)
            .await
            .expect("import"),
        Outcome::Imported(_)
    ));
    let versions = t
        .store
        .case_record_versions(NOTIFICATION, "N1")
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].changed, ["visits"]);
    // The list shows it, the next visit due 6 weeks after the second.
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let list = c.get("/private-fostering").await;
    assert!(
        table(&list.body, "arrangements").contains("data-visit-due=\"2025-04-03\""),
        "{}",
        list.body
    );
}
