//! The other records an IRO service keeps, in forms (issue 15): checked by
//! the import's one check with each refusal on its field and nothing
//! written, recorded, corrected as a version with who, when and why,
//! audited without free text, and what is due moving on the child's page,
//! the caseload and the due list (foster carer reviews on the manager's
//! own page).

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

#[tokio::test]
async fn a_secure_review_is_checked_recorded_corrected_as_a_version_and_moves_on_every_due_list() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = c.get("/children/C1").await;
    assert!(page.body.contains("id=\"case-records-due-none\""));
    assert!(
        page.body
            .contains("/children/C1/case-records/new?kind=secure_review")
    );
    let form = c
        .get("/children/C1/case-records/new?kind=secure_review")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);

    // Refused: a review dated before the placement (the import's check),
    // and no decision; each on its field, in the error summary, nothing
    // written.
    let refused = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "secure_review"),
                ("placed-day", "15"),
                ("placed-month", "1"),
                ("placed-year", "2025"),
                ("date-day", "10"),
                ("date-month", "1"),
                ("date-year", "2025"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("govuk-error-summary"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"decision-error\""));
    // Both problems at once: with a decision, the check's refusal.
    let refused = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "secure_review"),
                ("placed", "2025-01-15"),
                ("date", "2025-01-10"),
                ("decision", "criteria_met"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"date-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("The review is dated before the placement in secure accommodation")
    );
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty(),
        "nothing written"
    );

    // Recorded: placed 15 January, reviewed 10 February; the next review
    // is due 3 months on, 10 May.
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "secure_review"),
                ("placed", "2025-01-15"),
                ("date", "2025-02-10"),
                ("decision", "criteria_met"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some("/children/C1#case-records"));
    let ds = t.store.load_dataset().await.expect("load");
    assert_eq!(ds.case_records.secure_reviews.len(), 1);
    let rid = ds.case_records.secure_reviews[0].id.clone();
    assert!(rid.starts_with("FP-"), "{rid}");

    let page = c.get("/children/C1").await;
    let due = table(&page.body, "case-records-due");
    assert!(
        due.contains("data-kind=\"secure_review\" data-due=\"2025-05-10\""),
        "{due}"
    );
    assert!(
        table(&page.body, "case-records-held").contains(&format!("data-record=\"{rid}\"")),
        "{}",
        page.body
    );
    let caseload = c.get("/caseload").await;
    assert!(
        caseload
            .body
            .contains("Secure accommodation review (placed 15 Jan 2025): 10 May 2025"),
        "{}",
        caseload.body
    );
    let mut support = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let wanted = "data-child=\"C1\" data-kind=\"secure_review\" data-due=\"2025-05-10\"";
    let may = support.get("/due?month=2025-05&iro=Alex+Example").await;
    assert!(may.body.contains(wanted), "{}", may.body);
    let other = support.get("/due?month=2025-05&iro=Sam+Sample").await;
    assert!(!other.body.contains(wanted), "filtered by IRO");
    let march = support.get("/due?month=2025-03").await;
    assert!(!march.body.contains("data-kind=\"secure_review\""));

    // A correction needs a reason: refused without one, nothing written.
    let path = format!("/children/C1/case-records/secure_review/{rid}");
    let edit = c.get(&format!("{path}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("id=\"versions\""));
    let mut fields = vec![
        ("kind", "secure_review"),
        ("placed", "2025-01-15"),
        ("date", "2025-02-20"),
        ("decision", "criteria_met"),
    ];
    let res = c.post(&path, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"correction_reason-error\""));
    let versions = t
        .store
        .case_record_versions("secure_review", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1);
    fields.push(("correction_reason", "The panel sat on the 20th"));
    let res = c.post(&path, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let versions = t
        .store
        .case_record_versions("secure_review", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2, "the earlier version is kept");
    assert_eq!(versions[0].event, "entry");
    assert_eq!(versions[1].event, "correction");
    assert_eq!(versions[1].written_by, username(Role::Iro));
    assert_eq!(versions[1].reason, "The panel sat on the 20th");
    assert_eq!(versions[1].changed, vec!["date"]);
    let edit = c.get(&format!("{path}/edit")).await;
    assert!(edit.body.contains("The panel sat on the 20th"));

    // The due date moves with it: 20 May.
    let may = support.get("/due?month=2025-05").await;
    assert!(
        may.body
            .contains("data-child=\"C1\" data-kind=\"secure_review\" data-due=\"2025-05-20\""),
        "{}",
        may.body
    );
    let caseload = c.get("/caseload").await;
    assert!(caseload.body.contains(": 20 May 2025"));

    // Audited: the record, the versions read and the correction with the
    // fields it changed; never the reason (free text).
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            ..Default::default()
        })
        .await
        .expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"case_record.record"), "{actions:?}");
    assert!(actions.contains(&"case_record.view_versions"));
    assert!(log.iter().any(|e| e.action == "case_record.correct"
        && e.detail == format!("secure_review {rid};changed=date")));
    assert!(!log.iter().any(|e| e.detail.contains("panel sat")));
}

#[tokio::test]
async fn refusals_write_nothing_and_only_iros_and_the_manager_record() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1").await;
    // A disruption meeting naming a child not held.
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "disruption_meeting"),
                ("date", "2025-02-10"),
                ("placement_ended", "2025-02-01"),
                ("children", "C1, NOSUCH"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"children-error\""), "{}", res.body);
    assert!(res.body.contains("NOSUCH"));
    // A case alert with an outcome but still open (the import's check).
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "case_alert"),
                ("date", "2025-02-10"),
                ("theme", "Placement"),
                ("outcome", "resolved"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"outcome-error\""), "{}", res.body);
    assert!(
        res.body
            .contains("An outcome and a closing date go together")
    );
    // A plan that ends before it starts.
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "protection_plan"),
                ("start", "2025-02-10"),
                ("end", "2025-02-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"end-error\""));
    // A private fostering review after the arrangement ended.
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "private_fostering_review"),
                ("start", "2024-06-01"),
                ("date", "2025-02-10"),
                ("end", "2025-01-31"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"end-error\""), "{}", res.body);
    assert!(
        res.body
            .contains("The review is dated after the arrangement ended")
    );
    // C3 is another IRO's: recording needs a covering reason.
    let res = c
        .post(
            "/children/C3/case-records",
            &[
                ("kind", "views"),
                ("date", "2024-09-20"),
                ("route", "in_person"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty(),
        "nothing written"
    );
    // The same, saying why: recorded and audited with the reason's code.
    let res = c
        .post(
            "/children/C3/case-records",
            &[
                ("kind", "views"),
                ("date", "2024-09-20"),
                ("route", "in_person"),
                ("covering", "leave"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C3")),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.action == "case_record.record" && e.detail.ends_with(";covering=leave"))
    );

    // Business support sees the records, without the forms.
    let mut support = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = support.get("/children/C3").await;
    assert!(
        page.body.contains("The child&#x27;s views") || page.body.contains("The child's views")
    );
    assert!(!page.body.contains("/children/C3/case-records/new"));
    let res = support
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "views"),
                ("date", "2024-12-10"),
                ("route", "in_person"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        support.get("/foster-carer-reviews").await.status,
        StatusCode::FORBIDDEN
    );
    // A foster carer review is not a child's record.
    let res = c
        .get("/children/C1/case-records/new?kind=foster_carer_review")
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_manager_keeps_foster_carer_reviews_on_their_own_page_with_what_is_due() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = m.get("/foster-carer-reviews").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("foster-carer-reviews\" aria-current=\"page\""),
        "in the navigation: {}",
        page.body
    );
    m.get("/foster-carer-reviews/new").await;
    // No household, reviewed before approval, no panel answer.
    let res = m
        .post(
            "/foster-carer-reviews",
            &[
                ("kind", "foster_carer_review"),
                ("approved", "2024-01-10"),
                ("date", "2023-12-01"),
                ("carer_kind", "first"),
                ("to_panel", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"household-error\""), "{}", res.body);
    let res = m
        .post(
            "/foster-carer-reviews",
            &[
                ("kind", "foster_carer_review"),
                ("household", "FH0001"),
                ("approved", "2024-01-10"),
                ("date", "2023-12-01"),
                ("carer_kind", "first"),
                ("to_panel", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"date-error\""), "{}", res.body);
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty()
    );

    let mut fields = vec![
        ("kind", "foster_carer_review"),
        ("household", "FH0001"),
        ("approved", "2024-01-10"),
        ("date", "2025-01-05"),
        ("carer_kind", "first"),
        ("to_panel", "yes"),
    ];
    let res = m.post("/foster-carer-reviews", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = m.get("/foster-carer-reviews").await;
    assert!(
        table(&page.body, "carer-due")
            .contains("data-household=\"FH0001\" data-due=\"2026-01-05\""),
        "{}",
        page.body
    );
    let rid = t
        .store
        .load_dataset()
        .await
        .expect("load")
        .case_records
        .foster_carer_reviews[0]
        .id
        .clone();
    let path = format!("/foster-carer-reviews/{rid}");
    assert_eq!(m.get(&format!("{path}/edit")).await.status, StatusCode::OK);
    fields[5] = ("to_panel", "no");
    fields.push(("correction_reason", "It was not taken to panel"));
    let res = m.post(&path, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let versions = t
        .store
        .case_record_versions("foster_carer_review", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].changed, vec!["to_panel"]);
    assert_eq!(versions[1].written_by, username(Role::Manager));
    let log = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.action == "foster_carer_review.correct" && e.child.is_none())
    );
    assert!(log.iter().any(|e| e.action == "foster_carer_review.list"));
    // Not on business support's due list (no child), nor for an IRO.
    let mut support = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let due = support.get("/due?month=2026-01").await;
    assert!(!due.body.contains("foster_carer_review"));
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    assert_eq!(
        iro.get("/foster-carer-reviews").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_case_file_audit_is_requested_completed_as_a_version_listed_and_audited_without_its_findings()
 {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = c.get("/children/C1").await;
    assert!(
        page.body
            .contains("/children/C1/case-records/new?kind=case_file_audit"),
        "the child's page offers the form"
    );
    let form = c
        .get("/children/C1/case-records/new?kind=case_file_audit")
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("id=\"requested_by\""));
    assert!(
        form.body.contains("value=\"care_planning\""),
        "the council's themes"
    );

    // Refused, each on its field, nothing written: no one requested it; a
    // grade on an audit still open; completed with no day; completed
    // before it was requested; a theme not on the council's list.
    for (fields, error, message) in [
        (
            vec![("date", "2025-02-10")],
            "requested_by-error",
            "Select who requested the audit",
        ),
        (
            vec![
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("grade", "good"),
            ],
            "grade-error",
            "A grade and findings are given only when the audit is completed",
        ),
        (
            vec![
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("audit_outcome", "completed"),
            ],
            "end-error",
            "Enter the day the audit was completed or cancelled",
        ),
        (
            vec![
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("audit_outcome", "completed"),
                ("end", "2025-02-01"),
            ],
            "end-error",
            "The audit is completed before it was requested",
        ),
        (
            vec![
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("theme", "nonsense"),
            ],
            "theme-error",
            "Select a theme from the list",
        ),
    ] {
        let mut fields = fields;
        fields.push(("kind", "case_file_audit"));
        let res = c.post("/children/C1/case-records", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            res.body.contains(&format!("id=\"{error}\"")),
            "{fields:?}: {}",
            res.body
        );
        assert!(res.body.contains(message), "{fields:?}: {}", res.body);
    }
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty(),
        "nothing written"
    );

    // Requested by the IRO on 10 February, on care planning (by name).
    let res = c
        .post(
            "/children/C1/case-records",
            &[
                ("kind", "case_file_audit"),
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("theme", "care_planning"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let ds = t.store.load_dataset().await.expect("load");
    let audit = &ds.case_records.case_file_audits[0];
    assert_eq!(audit.theme.as_deref(), Some("care_planning"));
    let rid = audit.id.clone();
    let page = c.get("/children/C1").await;
    assert!(
        table(&page.body, "case-records-held").contains("Requested by an IRO; Care planning; open"),
        "{}",
        page.body
    );

    // The manager sees it open on the list of audits, and completes it as
    // a correction: graded good, with findings.
    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    let list = manager.get("/case-file-audits").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let rows = table(&list.body, "audits");
    assert!(
        rows.contains(&format!(
            "data-child=\"C1\" data-id=\"{rid}\" data-requested=\"2025-02-10\" data-status=\"open\""
        )),
        "{rows}"
    );
    assert!(list.body.contains("1 audit open"));
    let path = format!("/children/C1/case-records/case_file_audit/{rid}");
    let res = manager
        .post(
            &path,
            &[
                ("kind", "case_file_audit"),
                ("date", "2025-02-10"),
                ("requested_by", "iro"),
                ("theme", "care_planning"),
                ("audit_outcome", "completed"),
                ("end", "2025-03-03"),
                ("grade", "good"),
                ("findings", "Sensitive finding: the plan was not updated"),
                ("correction_reason", "Audit completed"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let versions = t
        .store
        .case_record_versions("case_file_audit", &rid)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2, "the request is kept as version 1");
    assert_eq!(versions[1].changed, vec!["completed", "findings", "grade"]);
    assert_eq!(versions[1].written_by, username(Role::Manager));
    let list = manager.get("/case-file-audits").await;
    let rows = table(&list.body, "audits");
    assert!(rows.contains("data-status=\"completed\""), "{rows}");
    assert!(rows.contains("Completed 3 Mar 2025: Good"), "{rows}");
    assert!(
        !list.body.contains("Sensitive finding"),
        "no findings on the list"
    );
    let edit = manager.get(&format!("{path}/edit")).await;
    assert!(
        edit.body.contains("Sensitive finding"),
        "the form shows them"
    );

    // Audited: the list read, the record and its correction, never the
    // findings.
    let log = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"case_file_audit.list"), "{actions:?}");
    assert!(actions.contains(&"case_record.record"));
    assert!(log.iter().any(|e| e.action == "case_record.correct"
        && e.detail == format!("case_file_audit {rid};changed=completed,findings,grade")));
    assert!(!log.iter().any(|e| e.detail.contains("Sensitive")));

    // Business support may not see the list.
    let mut support = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let res = support.get("/case-file-audits").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn case_file_audits_are_imported_all_or_nothing_with_their_theme_from_the_council_s_list() {
    use footprint_interchange::Outcome;
    use footprint_interchange::case_records::import_case_records;
    let t = app().await;
    let header = "RECORD,ID,CHILD,DATE,END,OUTCOME,REQUESTED_BY,THEME,GRADE,FINDINGS\n";
    let bad = format!(
        "{header}case_file_audit,X1,C1,01/03/2025,,,iro,Care Planning,,\n\
         case_file_audit,X2,C1,01/03/2025,,,iro,Weather,,\n"
    );
    match import_case_records(&t.store, "cli:test", "audits.csv", &bad)
        .await
        .expect("import")
    {
        Outcome::Refused(p) => {
            let at: Vec<(u64, &str)> = p.iter().map(|x| (x.line, x.column.as_str())).collect();
            assert_eq!(at, [(3, "THEME")], "{p:?}");
            assert!(
                p[0].message.contains("case file audit's theme"),
                "{}",
                p[0].message
            );
        }
        Outcome::Imported(_) => panic!("a bad row refuses the file"),
    }
    assert!(
        t.store
            .load_dataset()
            .await
            .expect("load")
            .case_records
            .is_empty(),
        "nothing written"
    );
    let good = format!("{header}case_file_audit,X1,C1,01/03/2025,,,iro,Care Planning,,\n");
    assert!(matches!(
        import_case_records(&t.store, "cli:test", "audits.csv", &good)
            .await
            .expect("import"),
        Outcome::Imported(_)
    ));
    // The extract again, the audit completed: a new version, the theme
    // held as the list's key.
    let again = format!(
        "{header}case_file_audit,X1,C1,01/03/2025,20/03/2025,completed,iro,care planning,good,Synthetic findings\n"
    );
    assert!(matches!(
        import_case_records(&t.store, "cli:test", "audits.csv", &again)
            .await
            .expect("import"),
        Outcome::Imported(_)
    ));
    let versions = t
        .store
        .case_record_versions("case_file_audit", "X1")
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].changed, ["completed", "findings", "grade"]);
    let ds = t.store.load_dataset().await.expect("load");
    assert_eq!(
        ds.case_records.case_file_audits[0].theme.as_deref(),
        Some("care_planning")
    );
    let log = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("log");
    assert!(!log.iter().any(|e| e.detail.contains("Synthetic findings")));
}
