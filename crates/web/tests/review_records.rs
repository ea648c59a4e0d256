//! The review's record and the letter to the child, written in Footprint,
//! through the real router on a real SQLite database: an IRO writes the
//! record, issues the decisions (the overdue list and the decisions
//! measure move), writes the letter, which LibreOffice opens; business
//! support records what was sent; the analyst and business support cannot
//! read the text, every view is audited and the audit holds no text.

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::*;
use footprint_domain::model::{ChildName, IroId, Recommendation, ReviewDetails};
use footprint_web::Role;

/// Words that appear only in the record's and the letter's free text.
const VIEWS: &str = "I want to keep going to Marbleford swimming club";
const WORRY: &str = "Contact with dad in Quenbury keeps being cancelled";

/// C1's review of 10 Dec 2024, recorded in Footprint with one decision and
/// nothing issued (overdue on 12 Mar 2025); C1 is named Amira.
async fn seed(t: &TestApp) {
    let c1 = child_id("C1");
    let mut r = t
        .store
        .review(&c1, d("2024-12-10"))
        .await
        .expect("read")
        .expect("review");
    r.details = Some(ReviewDetails {
        chair: Some(IroId("IRO1".into())),
        recommendations: vec![Recommendation {
            text: "Book a dentist visit".into(),
            owner: "Carer".into(),
            due: d("2025-04-30"),
            completed: None,
        }],
        ..ReviewDetails::default()
    });
    t.store.update_review(&r).await.expect("update");
    t.store
        .set_child_name(
            &c1,
            Some(&ChildName::new("Amira", "Testperson").expect("name")),
        )
        .await
        .expect("name");
}

const RECORD: &str = "/children/C1/reviews/2024-12-10/record";

fn record_form(reason: &str) -> Vec<(&str, &str)> {
    vec![
        ("child_views", VIEWS),
        ("views_given", "met_iro_before"),
        ("section_working_well", "Settled with her carers."),
        ("section_worries", WORRY),
        ("section_next_steps", "Keep her swimming going."),
        ("attendees", "Carer\nSocial worker"),
        ("send_to", "child"),
        ("send_to", "social_worker"),
        ("reason", reason),
    ]
}

fn decisions_count(dashboard: &str) -> (String, String) {
    let at = dashboard
        .find("id=\"decisions\"")
        .expect("the decisions figure");
    let tag = &dashboard[at..at + 300];
    let attr = |name: &str| {
        let m = format!("{name}=\"");
        let s = tag.find(&m).expect(name) + m.len();
        tag[s..s + tag[s..].find('"').expect("end")].to_owned()
    };
    (attr("data-count"), attr("data-of"))
}

#[tokio::test]
async fn an_iro_writes_the_record_issues_the_decisions_and_the_lists_move() {
    let t = app().await;
    seed(&t).await;

    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    let before = decisions_count(&manager.get("/dashboard").await.body);
    let mut support = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let overdue = support.get("/outstanding").await.body;
    assert!(
        overdue.contains("/children/C1"),
        "C1's decisions are overdue"
    );

    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = iro.get(RECORD).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("What is working well"),
        "Signs of Safety sections"
    );
    assert!(page.body.contains("What are we worried about"));
    assert!(
        page.body.contains("Book a dentist visit"),
        "the decisions listed"
    );
    // Issuing before anything is written is refused.
    let res = iro
        .post(&format!("{RECORD}/issue"), &[("what", "decisions")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("Write the record first"), "{}", res.body);

    let res = iro.post(RECORD, &record_form("")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = iro.get(RECORD).await.body;
    assert!(page.contains(VIEWS) && page.contains(WORRY));
    assert!(page.contains("Draft"));
    // The record cannot go before the decisions.
    let res = iro
        .post(&format!("{RECORD}/issue"), &[("what", "record")])
        .await;
    assert!(
        res.body.contains("Issue the decisions before the record"),
        "{}",
        res.body
    );
    // A business support "sent" date cannot stand in for issuing it.
    support.get("/outstanding").await;
    let res = support
        .post(
            "/children/C1/reviews/sent",
            &[
                ("review", "2024-12-10"),
                ("what", "decisions"),
                ("date", "2025-03-11"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("written in Footprint"));

    let res = iro
        .post(&format!("{RECORD}/issue"), &[("what", "decisions")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stored = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.details.unwrap().decisions_issued,
        Some(today()),
        "issuing sets the date the measures read"
    );

    // The decisions measure moves (issued late: one more decided).
    let after = decisions_count(&manager.get("/dashboard").await.body);
    assert_eq!(
        before.1.parse::<u32>().unwrap() + 1,
        after.1.parse::<u32>().unwrap()
    );
    assert_eq!(before.0, after.0, "late, so not in time");

    // The outstanding list: C1's decisions are no longer overdue (its
    // record still is, written in Footprint); they are to be sent.
    let list = support.get("/outstanding").await.body;
    assert!(list.contains("Written in Footprint: the IRO issues it there"));
    assert!(
        list.contains("data-child=\"C1\" data-document=\"decisions\" data-recipient=\"child\"")
    );
    assert!(
        !list.contains(VIEWS) && !list.contains(WORRY),
        "no free text"
    );
    let res = support
        .post(
            "/children/C1/reviews/2024-12-10/sent-to",
            &[
                ("document", "decisions"),
                ("recipient", "child"),
                ("how", "post"),
                ("date", "2025-03-12"),
                ("back", "outstanding"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = support.get("/outstanding").await.body;
    assert!(
        !list.contains("data-child=\"C1\" data-document=\"decisions\" data-recipient=\"child\"")
    );
    assert!(list.contains(
        "data-child=\"C1\" data-document=\"decisions\" data-recipient=\"social_worker\""
    ));
    // Business support sees the status and what was sent, not the text.
    let review = support.get("/children/C1/reviews/2024-12-10").await.body;
    assert!(review.contains("Decisions issued 12 Mar 2025; record in draft"));
    assert!(review.contains("Recorded by") && review.contains("support"));
    assert!(!review.contains(VIEWS) && !review.contains(WORRY));

    // A change after issuing needs a reason; then it is a new version.
    let mut changed = record_form("");
    changed[4] = ("section_next_steps", "Keep her swimming going every week.");
    let res = iro.post(RECORD, &changed).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    changed[8] = ("reason", "Added how often");
    let res = iro.post(RECORD, &changed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let versions = t
        .store
        .review_document_versions(&child_id("C1"), d("2024-12-10"), "record")
        .await
        .unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2].reason, "Added how often");
    assert_eq!(versions[2].written_by, "iro1");
    assert_eq!(versions[2].changed, ["next_steps"]);

    // The record issued.
    let res = iro
        .post(&format!("{RECORD}/issue"), &[("what", "record")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = support.get("/outstanding").await.body;
    assert!(!list.contains("Written in Footprint: the IRO issues it there"));

    // The audit: every view and change, never the text.
    let audit = t
        .store
        .audit_log(&footprint_store::AuditQuery::default())
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    for a in [
        "review_record.view",
        "review_record.save",
        "review_record.issue",
        "review_record.correct",
        "review_document.sent",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    for a in &audit {
        assert!(
            !a.detail.contains("Marbleford") && !a.detail.contains("Quenbury"),
            "{}",
            a.detail
        );
    }
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The text LibreOffice reads from a Word document.
fn libreoffice_text(docx: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.docx");
    std::fs::write(&file, docx).unwrap();
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&file)
        .env("HOME", dir.path())
        .output()
        .expect("soffice runs");
    assert!(
        o.status.success(),
        "LibreOffice failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(dir.path().join("letter.txt")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice wrote no text ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

#[tokio::test]
async fn the_letter_is_drafted_checked_saved_and_opens_in_libreoffice() {
    let t = app().await;
    seed(&t).await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    iro.get(RECORD).await;
    let res = iro.post(RECORD, &record_form("")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let letter = "/children/C1/reviews/2024-12-10/letter";
    let page = iro.get(letter).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Dear Amira,\n\nAt your review on 10 December 2024 we talked about"),
        "drafted from the record, to the child"
    );
    assert!(page.body.contains("Reading age about"));
    assert!(
        page.body
            .contains("Book a dentist visit. Carer will do this by 30 April 2025.")
    );
    let younger = iro.get(&format!("{letter}?draft=younger")).await.body;
    assert!(younger.contains("We had a meeting about you on 10 December."));

    // An IRO's words: a hard sentence is flagged for a 12-year-old.
    let hard = "Dear Amira,\n\nNotwithstanding the considerable deliberations regarding \
                interprofessional communication, the independent reviewing officer determined \
                that the appropriateness of the arrangements necessitated reconsideration.";
    let res = iro
        .post(letter, &[("audience", "standard"), ("text", hard)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        iro.get(letter)
            .await
            .body
            .contains("Harder than the child may read")
    );
    let plain = "Dear Amira,\n\nAt your review on 10 December 2024 we talked about how you are.\n\nYou told me you like swimming. We will keep it going.\n\nFrom Alex";
    let res = iro
        .post(letter, &[("audience", "standard"), ("text", plain)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = iro.get(letter).await.body;
    assert!(page.contains("id=\"reading-ok\""), "plain words pass");
    assert_eq!(
        t.store
            .review_document_versions(&child_id("C1"), d("2024-12-10"), "letter")
            .await
            .unwrap()
            .len(),
        2,
        "each save kept"
    );

    let docx = iro
        .get_bytes("/children/C1/reviews/2024-12-10/documents/letter.docx")
        .await;
    assert_eq!(docx.0, StatusCode::OK);
    assert!(docx.1.starts_with(b"PK"), "a Word package");
    let record = iro
        .get_bytes("/children/C1/reviews/2024-12-10/documents/record.docx")
        .await;
    assert_eq!(record.0, StatusCode::OK);
    let decisions = iro
        .get_bytes("/children/C1/reviews/2024-12-10/documents/decisions.docx")
        .await;
    assert_eq!(decisions.0, StatusCode::OK);
    let audit = t
        .store
        .audit_log(&footprint_store::AuditQuery::default())
        .await
        .unwrap();
    assert!(audit.iter().any(|a| {
        a.action == "review_document.download"
            && a.detail
                .starts_with("letter.docx of the review of 2024-12-10")
    }));
    assert!(audit.iter().any(|a| a.action == "review_letter.view"));

    if std::env::var("FOOTPRINT_SKIP_OFFICE").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED (FOOTPRINT_SKIP_OFFICE=1): opening the letter in LibreOffice");
        return;
    }
    assert!(
        have("soffice"),
        "LibreOffice is not installed: apt-get install libreoffice-writer-nogui, or set FOOTPRINT_SKIP_OFFICE=1"
    );
    let text = libreoffice_text(&docx.1);
    assert!(text.contains("Dear Amira,"), "{text}");
    assert!(text.contains("You told me you like swimming."), "{text}");
    let text = libreoffice_text(&record.1);
    assert!(
        text.contains("Record of the review of 10 December 2024"),
        "{text}"
    );
    assert!(text.contains(VIEWS) && text.contains(WORRY), "{text}");
    assert!(text.contains("Book a dentist visit"), "{text}");
}

#[tokio::test]
async fn the_analyst_and_business_support_cannot_read_the_text() {
    let t = app().await;
    seed(&t).await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    iro.get(RECORD).await;
    iro.post(RECORD, &record_form("")).await;
    iro.post(
        "/children/C1/reviews/2024-12-10/letter",
        &[("audience", "standard"), ("text", VIEWS)],
    )
    .await;
    let text_pages = [
        RECORD.to_owned(),
        "/children/C1/reviews/2024-12-10/letter".to_owned(),
        "/children/C1/reviews/2024-12-10/documents/record.docx".to_owned(),
        "/children/C1/reviews/2024-12-10/documents/decisions.pdf".to_owned(),
        "/children/C1/reviews/2024-12-10/documents/letter.docx".to_owned(),
    ];
    for role in [Role::Analyst, Role::BusinessSupport, Role::Admin] {
        let mut c = Client::signed_in_as(&t.app, role).await;
        for path in &text_pages {
            let res = c.get(path).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert!(!res.body.contains("Marbleford"), "{role} {path}");
        }
        for (path, form) in [
            (RECORD.to_owned(), record_form("x")),
            (format!("{RECORD}/issue"), vec![("what", "decisions")]),
        ] {
            let res = c.post(&path, &form).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role} POST {path}");
        }
        // Where they reach the review at all, no free text of the record.
        let review = c.get("/children/C1/reviews/2024-12-10").await;
        assert!(!review.body.contains("Marbleford") && !review.body.contains("Quenbury"));
        if role == Role::BusinessSupport {
            assert_eq!(review.status, StatusCode::OK);
            assert!(review.body.contains("id=\"record-state\""));
            assert!(!review.body.contains("id=\"record-link\""));
        } else {
            assert_eq!(review.status, StatusCode::FORBIDDEN);
        }
    }
    // The manager reads it; the view is audited.
    let mut manager = Client::signed_in_as(&t.app, Role::Manager).await;
    assert!(manager.get(RECORD).await.body.contains("Marbleford"));
    let audit = t
        .store
        .audit_log(&footprint_store::AuditQuery::default())
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "review_record.view" && a.actor == "manager")
    );
}

#[tokio::test]
async fn the_councils_template_sets_the_sections() {
    let t = app().await;
    seed(&t).await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    t.store
        .set_setting(
            footprint_store::council::REVIEW_RECORD_TEMPLATE,
            &serde_json::json!({"sections": [
                {"key": "strengths", "heading": "Strengths and safety"},
                {"key": "plan", "heading": "The plan", "decisions": true}
            ]}),
        )
        .await
        .unwrap();
    let page = iro.get(RECORD).await.body;
    assert!(page.contains("Strengths and safety") && page.contains("The plan"));
    assert!(!page.contains("What are we worried about"));
    // A template that fails its check is an error page, never a fall-back.
    t.store
        .set_setting(
            footprint_store::council::REVIEW_RECORD_TEMPLATE,
            &serde_json::json!({"sections": []}),
        )
        .await
        .unwrap();
    assert_eq!(
        iro.get(RECORD).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // The administrator's settings form refuses it, naming the field.
    let mut admin = Client::signed_in_as(&t.app, Role::Admin).await;
    admin.get("/admin/settings").await;
    let mut form = common::STATUTORY_SETTINGS.to_vec();
    form.extend([(
        "record_template",
        r#"{"sections": [{"key": "Bad Key", "heading": "x"}]}"#,
    )]);
    let res = admin.post("/admin/settings", &form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("The template for the review&#x27;s record is not valid")
            || res
                .body
                .contains("The template for the review's record is not valid"),
        "{}",
        res.body
    );
}
