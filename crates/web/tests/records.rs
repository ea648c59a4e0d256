//! Daily records an IRO service can trust and correct (issue 14): a review
//! is corrected, never silently replaced; every version is kept; everything
//! recorded is shown; an approved change of review date moves the due date
//! wherever the council's schedule is shown.

mod common;

use axum::http::StatusCode;
use common::*;
use footprint_domain::model::{
    AttendeeRole, LateReason, QualityGrade, Recommendation, ReviewDetails, SocialWorkerReport,
};
use footprint_store::AuditQuery;
use footprint_web::Role;

/// Gives C1's review of 10 Dec 2024 its details, as recorded in Footprint:
/// participation PN5, decisions 12 Dec, record 20 Dec, three
/// recommendations, a social worker's report, attendance and a grade.
async fn recorded_review(t: &TestApp) {
    let mut r = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read")
        .expect("review exists");
    r.participation = Some("PN5".parse().expect("pn"));
    let rec = |text: &str| Recommendation {
        text: text.into(),
        owner: "Social worker".into(),
        due: d("2025-05-01"),
        completed: None,
    };
    r.details = Some(ReviewDetails {
        chair: Some(footprint_domain::model::IroId("IRO1".into())),
        attendance: vec![AttendeeRole::Carer, AttendeeRole::SocialWorker],
        social_worker_report: SocialWorkerReport::Received(d("2024-12-02")),
        decisions_issued: Some(d("2024-12-12")),
        record_circulated: Some(d("2024-12-20")),
        quality: Some(QualityGrade::Good),
        late_reason: None,
        inadequate_reason: None,
        recommendations: vec![
            rec("Book the Quillfeather dental check"),
            rec("Arrange contact with grandparents"),
            rec("Review the school transport"),
        ],
        ..ReviewDetails::default()
    });
    t.store.update_review(&r).await.expect("update");
}

#[tokio::test]
async fn recording_a_review_on_a_date_already_recorded_opens_the_correction_and_replaces_nothing() {
    let t = app().await;
    recorded_review(&t).await;
    let before = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read");
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1/reviews/new").await;
    let res = c
        .post(
            "/children/C1/reviews",
            &[("date", "2024-12-10"), ("participation", "PN7")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location.as_deref(),
        Some("/children/C1/reviews/2024-12-10/edit"),
        "the correction opens instead"
    );
    let after = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read");
    assert_eq!(after, before, "nothing replaced");
    // The correction form shows what is held and says why it opened.
    let form = c.get("/children/C1/reviews/2024-12-10/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("already recorded"), "{}", form.body);
    assert!(form.body.contains("Book the Quillfeather dental check"));
    assert!(form.body.contains("value=\"PN5\" selected"));
    assert!(
        form.body.contains(
            "name=\"decisions_issued-day\" type=\"text\" inputmode=\"numeric\" value=\"12\""
        ),
        "the three-field date input holds the date"
    );
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(!log.iter().any(|e| e.action == "review.record"));
}

#[tokio::test]
async fn a_correction_is_a_new_version_with_who_when_and_why_and_the_audit_names_the_fields() {
    let t = app().await;
    recorded_review(&t).await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1/reviews/2024-12-10/edit").await;
    let fields = [
        ("participation", "PN7"),
        ("attendance", "carer"),
        ("sw_report", "received"),
        ("sw_report_date", "2024-12-02"),
        ("decisions_issued", "2024-12-12"),
        ("record_circulated", "2024-12-20"),
        ("quality", "good"),
        ("rec_text_0", "Book the Quillfeather dental check"),
        ("rec_owner_0", "Social worker"),
        ("rec_due_0", "2025-05-01"),
    ];
    // Without a reason: refused on the form, nothing written.
    let res = c.post("/children/C1/reviews/2024-12-10", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("<title>Error: "), "error in the title");
    assert!(res.body.contains("id=\"correction_reason-error\""));
    assert!(
        res.body
            .contains("aria-describedby=\"correction_reason-hint correction_reason-error\"")
    );
    assert!(
        t.store
            .record_versions(&child_id("C1"), "review", "2024-12-10")
            .await
            .expect("versions")
            .is_empty()
    );

    let mut with_reason = fields.to_vec();
    with_reason.push(("correction_reason", "Recorded the wrong code for Kestrel"));
    let res = c
        .post("/children/C1/reviews/2024-12-10", &with_reason)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location.as_deref(),
        Some("/children/C1/reviews/2024-12-10")
    );

    let stored = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read")
        .expect("held");
    assert_eq!(stored.participation, Some("PN7".parse().expect("pn")));
    let details = stored.details.expect("details");
    assert_eq!(details.recommendations.len(), 1);
    assert_eq!(details.attendance, vec![AttendeeRole::Carer]);

    let versions = t
        .store
        .record_versions(&child_id("C1"), "review", "2024-12-10")
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1);
    let v = &versions[0];
    assert_eq!(v.replaced_by, "iro1");
    assert_eq!(v.reason, "Recorded the wrong code for Kestrel");
    assert_eq!(
        v.changed,
        ["participation", "attendance", "recommendations"]
    );
    assert!(
        v.earlier
            .to_string()
            .contains("Arrange contact with grandparents")
    );

    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            action_prefix: Some("review.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].detail,
        "review of 2024-12-10;changed=participation,attendance,recommendations"
    );

    // The manager sees the earlier version, with who and why; the IRO does
    // not.
    let page = c.get("/children/C1/reviews/2024-12-10").await;
    assert!(!page.body.contains("Earlier versions"));
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = m.get("/children/C1/reviews/2024-12-10").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Earlier versions"));
    assert!(page.body.contains("Recorded the wrong code for Kestrel"));
    assert!(page.body.contains("Arrange contact with grandparents"));
    assert!(
        page.body
            .contains("participation, attendance, recommendations")
    );

    // Saving the same again changes nothing and keeps no version.
    let res = c
        .post("/children/C1/reviews/2024-12-10", &with_reason)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.store
            .record_versions(&child_id("C1"), "review", "2024-12-10")
            .await
            .expect("versions")
            .len(),
        1
    );
}

#[tokio::test]
async fn everything_recorded_about_a_review_is_shown() {
    let t = app().await;
    recorded_review(&t).await;
    let mut r = t
        .store
        .review(&child_id("C1"), d("2024-12-10"))
        .await
        .expect("read")
        .expect("held");
    if let Some(d) = r.details.as_mut() {
        d.late_reason = LateReason::CourtHearing.held();
    }
    t.store.update_review(&r).await.expect("update");
    let mut c = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = c.get("/children/C1/reviews/2024-12-10").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "PN5",
        "Carer, Social worker",
        "Received 2 Dec 2024",
        "12 Dec 2024",
        "20 Dec 2024",
        "Good",
        "Clashed with a court hearing",
        "Arrange contact with grandparents",
        "Alex Example",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown} shown on the review's page"
        );
    }
    // The child's page links to it and shows the details too.
    let child = c.get("/children/C1").await;
    assert!(
        child
            .body
            .contains("href=\"/children/C1/reviews/2024-12-10\"")
    );
    assert!(child.body.contains("Received 2 Dec 2024"));
    assert!(child.body.contains("Quality: Good"));
}

#[tokio::test]
async fn an_approved_date_change_moves_the_due_date_everywhere_with_its_reason() {
    let t = app().await;
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = iro.get("/children/C1").await;
    assert_eq!(next_due(&page.body).as_deref(), Some("10 Jun 2025"));

    // A past date is refused; so is asking again while one waits.
    let res = iro
        .post(
            "/children/C1/review-date-changes",
            &[("proposed", "2025-03-01"), ("reason", "court")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = iro
        .post(
            "/children/C1/review-date-changes",
            &[("proposed", "2025-06-30"), ("reason", "court")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = iro
        .post(
            "/children/C1/review-date-changes",
            &[("proposed", "2025-07-01"), ("reason", "court")],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "a duplicate is refused"
    );
    let requests = t.store.review_date_changes().await.expect("requests");
    assert_eq!(requests.len(), 1);
    let id = requests[0].id;

    // Not moved until approved.
    let page = iro.get("/children/C1").await;
    assert_eq!(next_due(&page.body).as_deref(), Some("10 Jun 2025"));

    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/review-date-changes").await;
    let res = m
        .post(
            &format!("/review-date-changes/{id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    // The child's page, the caseload and the due list all move, with the
    // reason beside the date.
    let page = iro.get("/children/C1").await;
    assert_eq!(next_due(&page.body).as_deref(), Some("30 Jun 2025"));
    assert!(page.body.contains("Court timetable"));
    let caseload = iro.get("/caseload").await;
    assert!(
        caseload
            .body
            .contains("data-child=\"C1\" data-due=\"2025-06-30\"")
    );
    assert!(caseload.body.contains("Court timetable"));
    let june = m.get("/due?month=2025-06").await;
    assert!(june.body.contains("30 Jun 2025"), "{}", june.body);
    assert!(june.body.contains("Court timetable"));

    // The statutory judgement does not move: a review held on 20 June is
    // still late by the statute (due 10 June), though held by the approved
    // date.
    let ds = t
        .store
        .load_scoped(footprint_store::Scope::Children(&[child_id("C1")]))
        .await
        .expect("load");
    let by = footprint_domain::daily::ByChild::new(&ds);
    let t20 = footprint_domain::daily::review_timeliness(
        &by,
        &child_id("C1"),
        d("2025-06-20"),
        &footprint_domain::schedule::SchedulePolicy::statutory(),
        &footprint_domain::calendar::WorkingDayCalendar::england_and_wales(),
    )
    .expect("timeliness");
    assert_eq!(t20.due, Some(d("2025-06-10")));
    assert_eq!(t20.in_time, Some(false));
}

#[tokio::test]
async fn nobody_approves_their_own_request_for_a_date_change() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/children/C1").await;
    let res = m
        .post(
            "/children/C1/review-date-changes",
            &[("proposed", "2025-06-30"), ("reason", "court")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let id = t.store.review_date_changes().await.expect("requests")[0].id;
    let list = m.get("/review-date-changes").await;
    assert!(list.body.contains("Your own request"));
    let res = m
        .post(
            &format!("/review-date-changes/{id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let page = m.get("/children/C1").await;
    assert_eq!(next_due(&page.body).as_deref(), Some("10 Jun 2025"));
    assert_eq!(
        t.store.review_date_changes().await.expect("requests")[0].status,
        footprint_domain::model::DateChangeStatus::Pending
    );
}

#[tokio::test]
async fn the_903_rules_are_checked_when_a_review_is_recorded() {
    let t = app().await;
    // The manager may record on any child. C3 was born in 2010.
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/children/C3/reviews/new").await;
    let res = m
        .post(
            "/children/C3/reviews",
            &[
                ("date", "2025-03-10"),
                ("participation", "PN0"),
                ("late_reason", "other"),
                ("sw_report", "received"),
                ("sw_report_date", "2030-01-01"),
                ("rec_text_0", "Check the Thistledown placement plan"),
                ("rec_owner_0", "Social worker"),
                ("rec_due_0", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("DfE rule 440"), "{}", res.body);
    assert!(res.body.contains("id=\"sw_report_date-error\""));
    assert!(res.body.contains("id=\"rec_due_0-error\""));
    // Each date in error is styled and described by its message, and the
    // title says there is an error.
    assert!(res.body.contains("<title>Error: "));
    assert!(
        res.body
            .contains("aria-describedby=\"sw_report_date-error\"")
    );
    assert!(res.body.contains(
        "govuk-date-input__input govuk-input--width-2 govuk-input--error\" id=\"sw_report_date\""
    ));
    assert_eq!(
        t.store
            .reviews_of(&child_id("C3"))
            .await
            .expect("read")
            .len(),
        2,
        "nothing written"
    );
}

#[tokio::test]
async fn a_visit_outside_care_or_recorded_twice_is_refused() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1").await;
    let res = c
        .post(
            "/children/C1/visits",
            &[("visit_date", "1990-01-01"), ("visit_kind", "in_person")],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let visit = [("visit_date", "2025-03-01"), ("visit_kind", "in_person")];
    assert_eq!(
        c.post("/children/C1/visits", &visit).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        c.post("/children/C1/visits", &visit).await.status,
        StatusCode::BAD_REQUEST,
        "the same visit twice"
    );
    let midway = [("midway_date", "2025-03-01")];
    assert_eq!(
        c.post("/children/C1/midway-checks", &midway).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        c.post("/children/C1/midway-checks", &midway).await.status,
        StatusCode::BAD_REQUEST
    );
    let ds = t
        .store
        .load_scoped(footprint_store::Scope::Children(&[child_id("C1")]))
        .await
        .expect("load");
    assert_eq!(ds.visits.len(), 1);
    assert_eq!(ds.midway_checks.len(), 1);
}

#[tokio::test]
async fn an_iro_records_on_a_colleagues_child_only_saying_why_and_it_is_audited() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    // C3 is allocated to IRO2; the user is IRO1.
    let page = c.get("/children/C3").await;
    assert!(page.body.contains("name=\"covering\""));
    let visit = [("visit_date", "2025-03-01"), ("visit_kind", "phone")];
    let res = c.post("/children/C3/visits", &visit).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let mut covering = visit.to_vec();
    covering.push(("covering", "leave"));
    let res = c.post("/children/C3/visits", &covering).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C3")),
            action_prefix: Some("visit.record".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].detail, "visit of 2025-03-01;covering=leave");
    // On their own child no reason is asked for; the manager records on any.
    let own = c.get("/children/C1").await;
    assert!(!own.body.contains("name=\"covering\""));
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/children/C3").await;
    let res = m
        .post(
            "/children/C3/visits",
            &[("visit_date", "2025-03-02"), ("visit_kind", "phone")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_empty_post_does_not_move_a_challenge() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/challenges/1").await;
    for action in ["escalate", "cafcass", "respond", "close"] {
        let res = c.post(&format!("/challenges/1/{action}"), &[]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{action}");
    }
    let ch = t.store.challenge(1).await.expect("read").expect("held");
    assert_eq!(ch.stages.len(), 1);
    assert_eq!(ch.referred_to_cafcass, None);
    assert_eq!(ch.resolved, None);
    assert_eq!(ch.stages[0].responded, None);
    // With the date and the stage named, it escalates.
    let res = c
        .post(
            "/challenges/1/escalate",
            &[("date", "2025-03-12"), ("to", "stage 1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let ch = t.store.challenge(1).await.expect("read").expect("held");
    assert_eq!(ch.stages.len(), 2);
}

#[tokio::test]
async fn allocations_take_only_children_looked_after_current_iros_and_near_dates_and_can_end() {
    let t = app().await;
    // IRO2 left the service before the allocation date.
    let mut iro2 = t.store.iros().await.expect("iros")[1].clone();
    assert_eq!(iro2.id.0, "IRO2");
    iro2.left = Some(d("2025-03-01"));
    t.store.save_iro(&iro2).await.expect("saved");
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/allocations").await;
    let refused = [
        // Not yet looked after on the date.
        [("child", "C4"), ("iro", "IRO1"), ("from", "2025-01-01")],
        // Left the service.
        [("child", "C4"), ("iro", "IRO2"), ("from", "2025-03-12")],
        // More than a month ahead.
        [("child", "C4"), ("iro", "IRO1"), ("from", "2025-05-01")],
    ];
    for form in refused {
        let res = m.post("/allocations", &form).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(res.body.contains("govuk-error-summary"));
        assert!(res.body.contains("<title>Error: Allocations"));
    }
    let ds = t
        .store
        .load_scoped(footprint_store::Scope::Children(&[child_id("C4")]))
        .await
        .expect("load");
    assert!(ds.allocations.is_empty(), "nothing written");

    let res = m
        .post(
            "/allocations",
            &[("child", "C4"), ("iro", "IRO1"), ("from", "2025-03-01")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = m
        .post("/allocations/end", &[("child", "C4"), ("to", "2025-03-12")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.store
            .current_iro(&child_id("C4"), d("2025-03-12"))
            .await
            .expect("read"),
        None
    );
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C4")),
            action_prefix: Some("allocation.".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.action == "allocation.end" && e.detail == "to=2025-03-12")
    );
}

#[tokio::test]
async fn the_children_list_pages_and_filters_past_500() {
    let t = app().await;
    let mut ds = t.store.load_dataset().await.expect("load");
    let template = ds.children[0].clone();
    for n in 0..520 {
        let mut c = template.clone();
        c.id = child_id(&format!("X{n:04}"));
        ds.children.push(c);
    }
    t.store.replace_dataset(&ds).await.expect("written");
    let mut c = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let first = c.get("/children").await;
    assert!(
        first.body.contains("524 children: 1 to 50 shown"),
        "{}",
        first.body
    );
    assert!(first.body.contains("Page 1 of 11"));
    let last = c.get("/children?page=11").await;
    assert!(last.body.contains("524 children: 501 to 524 shown"));
    assert!(last.body.contains("href=\"/children/X0519\""));
    // Filters: looked after today, and by IRO.
    let looked_after = c.get("/children?status=looked_after").await;
    assert!(
        looked_after.body.contains("4 children"),
        "{}",
        looked_after.body
    );
    let iro2 = c.get("/children?iro=IRO2").await;
    assert!(iro2.body.contains("1 child<"));
    assert!(iro2.body.contains("href=\"/children/C3\""));
    let none = c.get("/children?iro=none&status=looked_after").await;
    assert!(none.body.contains("1 child<"));
    assert!(none.body.contains("href=\"/children/C4\""));
}

#[tokio::test]
async fn the_challenge_form_offers_a_theme_then_a_sub_theme_within_it() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let form = c.get("/children/C1/challenges/new").await;
    // The themes as radios, then the sub-themes grouped under each theme,
    // each naming the theme it is under.
    let theme = form
        .body
        .find("name=\"theme\" type=\"radio\" value=\"care_planning\"")
        .expect("the theme offered");
    let sub = form
        .body
        .find("<option value=\"care_planning.drift_and_delay\">Drift and delay</option>")
        .expect("its sub-theme offered");
    assert!(theme < sub, "the theme first, then the sub-theme");
    assert!(
        form.body
            .contains("<optgroup label=\"Care planning\" data-theme=\"care_planning\">")
    );
    let held = t.store.load_dataset().await.expect("read").challenges.len();
    // A sub-theme under another theme: refused on its field, nothing held.
    let fields = |sub: &'static str| {
        vec![
            ("raised", "2025-03-10"),
            ("stage", "stage 1"),
            ("theme", "placement"),
            ("sub_theme", sub),
            ("concern", "The placement plan has not been reviewed"),
        ]
    };
    let res = c
        .post(
            "/children/C1/challenges",
            &fields("care_planning.drift_and_delay"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"sub_theme-error\""), "{}", res.body);
    assert!(res.body.contains("Select a sub-theme under Placement"));
    // What was chosen is shown again.
    assert!(res.body.contains("value=\"placement\" checked"));
    assert_eq!(
        t.store.load_dataset().await.expect("read").challenges.len(),
        held
    );
    // Within its theme: held as the list's keys, audited, shown in words.
    let res = c
        .post("/children/C1/challenges", &fields("placement.stability"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location.expect("to the challenge");
    let id: i64 = path.rsplit('/').next().expect("id").parse().expect("id");
    let raised = t.store.challenge(id).await.expect("read").expect("held");
    assert_eq!(raised.themes, ["placement"]);
    assert_eq!(raised.sub_theme.as_deref(), Some("stability"));
    let log = t
        .store
        .audit_log(&AuditQuery {
            action_prefix: Some("challenge.raise".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log.len(), 1);
    assert!(!log[0].detail.contains("placement plan"), "no free text");
    let page = c.get(&path).await;
    assert!(page.body.contains("Placement: Placement stability"));
}

#[tokio::test]
async fn a_challenge_holds_its_concern_each_response_and_its_outcome_in_words() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1/challenges/new").await;
    let base = [
        ("raised", "2025-03-10"),
        ("stage", "informal"),
        ("themes", "Care planning"),
    ];
    let res = c.post("/children/C1/challenges", &base).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a concern is needed"
    );
    assert!(res.body.contains("id=\"concern-error\""));
    let mut with = base.to_vec();
    with.push(("concern", "Contact with Wrenfield grandparents has stopped"));
    let res = c.post("/children/C1/challenges", &with).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let path = res.location.expect("to the challenge");
    let id: i64 = path
        .rsplit('/')
        .next()
        .expect("id")
        .parse()
        .expect("number");
    let res = c
        .post(
            &format!("/challenges/{id}/respond"),
            &[("date", "2025-03-11")],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "a response needs its words"
    );
    let res = c
        .post(
            &format!("/challenges/{id}/respond"),
            &[
                ("date", "2025-03-11"),
                ("response", "Contact restarts on Friday"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c
        .post(
            &format!("/challenges/{id}/close"),
            &[
                ("date", "2025-03-12"),
                ("outcome", "resolved"),
                ("outcome_text", "Fortnightly contact agreed"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/challenges/{id}")).await;
    for words in [
        "Contact with Wrenfield grandparents has stopped",
        "Contact restarts on Friday",
        "Fortnightly contact agreed",
    ] {
        assert!(page.body.contains(words), "{words}");
    }
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(
        log.iter()
            .all(|e| !e.detail.contains("Wrenfield") && !e.detail.contains("Friday")),
        "no free text in the audit log"
    );
}

/// The id of C1's only midway check and visit.
async fn held_ids(t: &TestApp, child: &str) -> (i64, i64) {
    (
        t.store
            .midway_checks_held(&child_id(child))
            .await
            .expect("read")[0]
            .id,
        t.store.visits_held(&child_id(child)).await.expect("read")[0].id,
    )
}

#[tokio::test]
async fn a_midway_check_and_a_visit_are_corrected_as_new_versions_never_overwritten() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    c.get("/children/C1").await;
    for (path, form) in [
        (
            "/children/C1/midway-checks",
            vec![("midway_date", "2025-03-01")],
        ),
        (
            "/children/C1/visits",
            vec![("visit_date", "2025-03-02"), ("visit_kind", "in_person")],
        ),
    ] {
        assert_eq!(c.post(path, &form).await.status, StatusCode::SEE_OTHER);
    }
    let (check, visit) = held_ids(&t, "C1").await;
    // The child's page links each to its own page.
    let page = c.get("/children/C1").await;
    assert!(
        page.body
            .contains(&format!("href=\"/children/C1/visits/{visit}\""))
    );
    assert!(
        page.body
            .contains(&format!("href=\"/children/C1/midway-checks/{check}\""))
    );
    // The record's page shows what is held, and offers the correction.
    let shown = c.get(&format!("/children/C1/visits/{visit}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("2 Mar 2025"));
    assert!(shown.body.contains("In person"));
    assert!(shown.body.contains("Alex Example"), "the IRO who made it");
    assert!(
        shown
            .body
            .contains(&format!("/children/C1/visits/{visit}/edit"))
    );
    // The form shows what is held.
    let form = c.get(&format!("/children/C1/visits/{visit}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("name=\"date-year\" type=\"text\" inputmode=\"numeric\" value=\"2025\"")
    );
    assert!(form.body.contains("<option value=\"in_person\" selected>"));

    let path = format!("/children/C1/visits/{visit}");
    // No reason: refused on the form, nothing changed.
    let res = c
        .post(
            &path,
            &[("date", "2025-03-02"), ("kind", "phone"), ("iro", "IRO1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"correction_reason-error\""));
    assert!(res.body.contains("<title>Error: "));
    // The checks a new visit meets: a day outside care, a day in the
    // future, refused on the date field.
    for day in ["1990-01-01", "2025-12-01"] {
        let res = c
            .post(
                &path,
                &[
                    ("date", day),
                    ("kind", "phone"),
                    ("correction_reason", "Wrong day"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}");
        assert!(res.body.contains("id=\"date-error\""), "{day}");
        assert!(res.body.contains("govuk-form-group--error"));
    }
    assert_eq!(
        t.store.visits_of(&child_id("C1")).await.expect("read")[0].kind,
        footprint_domain::model::VisitKind::InPerson
    );
    // With a reason: kept as a new version.
    let res = c
        .post(
            &path,
            &[
                ("date", "2025-03-02"),
                ("kind", "phone"),
                ("iro", "IRO1"),
                ("correction_reason", "It was a phone call"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some(path.as_str()));
    let held = t.store.visits_of(&child_id("C1")).await.expect("read");
    assert_eq!(held.len(), 1, "corrected, not added");
    assert_eq!(held[0].kind, footprint_domain::model::VisitKind::Phone);
    let versions = t
        .store
        .record_versions(&child_id("C1"), "visit", &visit.to_string())
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].reason, "It was a phone call");
    assert_eq!(versions[0].changed, ["kind"]);
    assert_eq!(versions[0].replaced_by, username(Role::Iro));
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            action_prefix: Some("visit.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].detail, format!("visit {visit};changed=kind"));

    // A midway check moved onto a day that has one already is refused; to
    // a free day, corrected.
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/children/C1").await;
    m.post(
        "/children/C1/midway-checks",
        &[("midway_date", "2025-03-05")],
    )
    .await;
    let path = format!("/children/C1/midway-checks/{check}");
    let res = m
        .post(
            &path,
            &[("date", "2025-03-05"), ("correction_reason", "Wrong day")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("already recorded"));
    let res = m
        .post(
            &path,
            &[("date", "2025-03-04"), ("correction_reason", "Wrong day")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            action_prefix: Some("midway_check.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    // The IRO is dropped (left blank on the form): both fields named.
    assert_eq!(log[0].detail, format!("check {check};changed=date,iro"));
    assert!(!log[0].detail.contains("Wrong day"), "never the reason");

    // The manager sees the earlier versions on the record's page; the IRO
    // does not.
    let page = m.get(&path).await;
    assert!(page.body.contains("Earlier versions"));
    assert!(page.body.contains("Wrong day"));
    assert!(page.body.contains("1 Mar 2025"), "the earlier date");
    let page = c.get(&path).await;
    assert!(!page.body.contains("Earlier versions"));
    let page = m.get(&format!("/children/C1/visits/{visit}")).await;
    assert!(page.body.contains("It was a phone call"));

    // Another child's path does not reach it; business support reads it
    // but cannot correct it.
    assert_eq!(
        c.get(&format!("/children/C2/visits/{visit}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/children/C1/visits/abc").await.status,
        StatusCode::NOT_FOUND
    );
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let page = s.get(&format!("/children/C1/visits/{visit}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/edit"));
    assert_eq!(
        s.get(&format!("/children/C1/visits/{visit}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_iro_corrects_a_colleagues_record_only_saying_why() {
    let t = app().await;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    m.get("/children/C3").await;
    m.post(
        "/children/C3/visits",
        &[("visit_date", "2025-03-02"), ("visit_kind", "phone")],
    )
    .await;
    let visit = t.store.visits_held(&child_id("C3")).await.expect("read")[0].id;
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let path = format!("/children/C3/visits/{visit}");
    let form = c.get(&format!("{path}/edit")).await;
    assert!(form.body.contains("name=\"covering\""));
    let body = [
        ("date", "2025-03-03"),
        ("kind", "phone"),
        ("correction_reason", "Wrong day"),
    ];
    assert_eq!(c.post(&path, &body).await.status, StatusCode::FORBIDDEN);
    let mut covering = body.to_vec();
    covering.push(("covering", "sickness"));
    assert_eq!(c.post(&path, &covering).await.status, StatusCode::SEE_OTHER);
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C3")),
            action_prefix: Some("visit.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(
        log[0].detail,
        format!("visit {visit};changed=date;covering=sickness")
    );
}

#[tokio::test]
async fn every_list_is_paged_and_filtered() {
    let t = app().await;
    // 60 users of one role, 5 of another.
    for n in 0..60 {
        footprint_web::auth::add_user(
            &t.store,
            &format!("analyst{n:02}"),
            Role::Analyst,
            None,
            PASSWORD,
        )
        .await
        .expect("added");
    }
    let mut a = Client::signed_in_as(&t.app, Role::Admin).await;
    let users = a.get("/admin/users?role=analyst").await;
    assert!(
        users.body.contains("61 users: 1 to 50 shown"),
        "{}",
        users.body
    );
    assert!(
        users
            .body
            .contains("href=\"&#x2f;admin&#x2f;users?role=analyst&amp;page=2\""),
        "{}",
        users.body
    );
    let second = a.get("/admin/users?role=analyst&page=2").await;
    assert!(second.body.contains("61 users: 51 to 61 shown"));
    let iros = a.get("/admin/users?role=iro").await;
    assert!(iros.body.contains("1 user<"), "{}", iros.body);
    let disabled = a.get("/admin/users?status=disabled").await;
    assert!(disabled.body.contains("0 users"));
    // The audit log, a page at a time.
    for n in 0..70 {
        t.store
            .audit(&format!("someone{n}"), "test.entry", None, "")
            .await
            .expect("audited");
    }
    let log = a.get("/admin/audit?action=test.").await;
    assert!(
        log.body.contains("70 entries: 1 to 50 shown"),
        "{}",
        log.body
    );
    assert!(log.body.contains("someone69"), "newest first");
    let log = a.get("/admin/audit?action=test.&page=2").await;
    assert!(log.body.contains("70 entries: 51 to 70 shown"));
    assert!(log.body.contains("someone0<"));
    assert!(!log.body.contains("someone69"));

    // Challenges: open by default, closed, all, by IRO.
    let mut i = Client::signed_in_as(&t.app, Role::Iro).await;
    let open = i.get("/challenges").await;
    assert!(open.body.contains("1 challenge<"), "{}", open.body);
    let closed = i.get("/challenges?show=closed").await;
    assert!(closed.body.contains("0 challenges"));
    let other = i.get("/challenges?show=all&iro=IRO2").await;
    assert!(other.body.contains("0 challenges"));
    // The caseload, by status.
    let caseload = i.get("/caseload?status=overdue").await;
    assert!(
        caseload.body.contains("data-child=\"C2\""),
        "{}",
        caseload.body
    );
    assert!(!caseload.body.contains("data-child=\"C1\""));
    // Business support's lists, by IRO.
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let due = s.get("/due?month=2025-03&iro=Alex+Example").await;
    assert!(
        !due.body.contains("data-child=\"C3\""),
        "C3 is Sam Sample's"
    );
    let due = s.get("/due?month=2025-03&iro=Sam+Sample").await;
    assert!(due.body.contains("data-child=\"C3\""));
    let out = s.get("/outstanding?what=decisions&iro=Nobody").await;
    assert!(!out.body.contains("/children/C3/reviews/sent"));
}

#[tokio::test]
async fn the_manager_corrects_an_allocation_keeping_the_version_it_replaces() {
    let t = app().await;
    let id = t
        .store
        .allocations_held(&child_id("C1"))
        .await
        .expect("read")[0]
        .id;
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let child = m.get("/children/C1").await;
    assert!(
        child
            .body
            .contains(&format!("href=\"/children/C1/allocations/{id}\""))
    );
    let path = format!("/children/C1/allocations/{id}");
    let form = m.get(&format!("{path}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<option value=\"IRO1\" selected>"));
    // An end before the start, and a start before the child came into care:
    // refused on their fields.
    for (body, field) in [
        (
            [
                ("iro", "IRO1"),
                ("from", "2024-09-02"),
                ("to", "2024-09-01"),
            ],
            "to",
        ),
        (
            [("iro", "IRO1"), ("from", "2024-08-01"), ("to", "")],
            "from",
        ),
    ] {
        let mut body = body.to_vec();
        body.push(("correction_reason", "Wrong IRO"));
        let res = m.post(&path, &body).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
    }
    let res = m
        .post(
            &path,
            &[
                ("iro", "IRO2"),
                ("from", "2024-09-02"),
                ("correction_reason", "Allocated to the wrong IRO"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        t.store
            .current_iro(&child_id("C1"), today())
            .await
            .expect("read")
            .map(|i| i.0),
        Some("IRO2".to_owned())
    );
    let page = m.get(&path).await;
    assert!(page.body.contains("Allocated to the wrong IRO"));
    assert!(page.body.contains("Alex Example"), "the earlier IRO");
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(child_id("C1")),
            action_prefix: Some("allocation.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log[0].detail, format!("allocation {id};changed=iro"));
    // IROs read it on the child's record but do not correct allocations.
    let mut i = Client::signed_in_as(&t.app, Role::Iro).await;
    assert_eq!(i.get(&path).await.status, StatusCode::OK);
    assert_eq!(
        i.get(&format!("{path}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_challenge_is_corrected_as_a_new_version() {
    let t = app().await;
    let held = t.store.challenge(1).await.expect("read").expect("held");
    let mut c = Client::signed_in_as(&t.app, Role::Iro).await;
    let page = c.get("/challenges/1").await;
    assert!(page.body.contains("href=\"/challenges/1/edit\""));
    let form = c.get("/challenges/1/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    let raised = held.raised.to_string();
    let year = &raised[..4];
    assert!(
        form.body.contains(&format!(
            "name=\"raised-year\" type=\"text\" inputmode=\"numeric\" value=\"{year}\""
        )),
        "the form shows what is held"
    );
    // Closed with no outcome and no reason: refused on their fields.
    let res = c
        .post(
            "/challenges/1/correct",
            &[
                ("raised", raised.as_str()),
                ("themes", "Care planning"),
                ("resolved", "2025-03-11"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"outcome-error\""));
    assert!(res.body.contains("id=\"correction_reason-error\""));
    assert_eq!(
        t.store.challenge(1).await.expect("read"),
        Some(held.clone()),
        "nothing written"
    );
    // A sub-theme under another theme than the one chosen, and a theme off
    // the list: each refused on its own field, nothing written.
    for (theme, sub, field) in [
        ("care_planning", "placement.stability", "sub_theme"),
        ("Weather", "", "theme"),
    ] {
        let res = c
            .post(
                "/challenges/1/correct",
                &[
                    ("raised", raised.as_str()),
                    ("theme", theme),
                    ("sub_theme", sub),
                    ("correction_reason", "Placement was part of it too"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains(&format!("id=\"{field}-error\"")),
            "{}",
            res.body
        );
        assert_eq!(
            t.store.challenge(1).await.expect("read"),
            Some(held.clone()),
            "nothing written"
        );
    }
    let res = c
        .post(
            "/challenges/1/correct",
            &[
                ("raised", raised.as_str()),
                ("theme", "care_planning"),
                ("sub_theme", "care_planning.drift_and_delay"),
                ("themes", "placement"),
                ("correction_reason", "Placement was part of it too"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let now = t.store.challenge(1).await.expect("read").expect("held");
    // The list's own entries, its keys: the theme, its sub-theme, another.
    assert_eq!(now.themes, ["care_planning", "placement"]);
    assert_eq!(now.sub_theme.as_deref(), Some("drift_and_delay"));
    let page = c.get("/challenges/1").await;
    assert!(
        page.body
            .contains("Care planning: Drift and delay, Placement"),
        "the themes in words"
    );
    let log = t
        .store
        .audit_log(&AuditQuery {
            child: Some(held.child.clone()),
            action_prefix: Some("challenge.correct".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(log[0].detail, "challenge=1;changed=themes,sub_theme");
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let page = m.get("/challenges/1").await;
    assert!(page.body.contains("Placement was part of it too"));
    assert!(
        !c.get("/challenges/1")
            .await
            .body
            .contains("Earlier versions")
    );
}

/// Health and education records in forms (issue 15): the import's check on
/// the form's fields, a record held never written over, a correction kept
/// as a version with who and why, and what is due on the child's page, the
/// IRO's caseload and business support's list.
#[tokio::test]
async fn a_health_record_is_checked_as_imports_are_and_corrected_as_a_version() {
    let t = app().await;
    let mut c = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    // Before: C2's initial assessment (due 3 Feb 2025) is overdue.
    let page = c.get("/children/C2").await;
    assert!(
        page.body.contains("Initial health assessment"),
        "{}",
        page.body
    );
    let due = c.get("/due?month=2025-03").await;
    assert!(
        due.body
            .contains("data-child=\"C2\" data-kind=\"health_assessment\"")
    );

    c.get("/children/C2/health/new?kind=health_assessment")
        .await;
    let form = |day: &str, year: &str| {
        vec![
            ("kind", "health_assessment".to_owned()),
            ("assessment", "initial".to_owned()),
            ("done-day", day.to_owned()),
            ("done-month", "3".to_owned()),
            ("done-year", year.to_owned()),
        ]
    };
    let post = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    for (day, year, message) in [
        ("10", "2026", "must be today or in the past"),
        (
            "10",
            "2024",
            "must be while the child was in care (from 2025-01-06",
        ),
        ("31", "2", "Enter a real date"),
    ] {
        let fields = post(&form(day, year));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = c.post("/children/C2/health", &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}/{year}");
        assert!(res.body.contains("id=\"done-error\""), "{}", res.body);
        assert!(res.body.contains(message), "{message}: {}", res.body);
    }
    let ds = t.store.load_dataset().await.expect("load");
    assert!(ds.health_assessments.is_empty(), "nothing written");

    let fields = post(&form("10", "2025"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post("/children/C2/health", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Recorded again: refused on the form, nothing written over.
    c.get("/children/C2/health/new?kind=health_assessment")
        .await;
    let res = c.post("/children/C2/health", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("already held"));
    // After: the review assessment is due 12 months on, on every list.
    let page = c.get("/children/C2").await;
    assert!(page.body.contains("Review health assessment"));
    let due_table = page
        .body
        .split("id=\"health-due\"")
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .expect("the due table");
    assert!(due_table.contains("Review health assessment"));
    assert!(
        !due_table.contains(">Initial health assessment<"),
        "{due_table}"
    );
    let due = c.get("/due?month=2025-03").await;
    assert!(
        !due.body
            .contains("data-child=\"C2\" data-kind=\"health_assessment\"")
    );
    let mut iro = Client::signed_in_as(&t.app, Role::Iro).await;
    let caseload = iro.get("/caseload").await;
    assert!(
        caseload
            .body
            .contains("Review health assessment: 10 Mar 2026"),
        "{}",
        caseload.body
    );

    // A correction: a reason is needed to change the date held.
    let key = "initial~~2025-03-10";
    let edit = c
        .get(&format!("/children/C2/health/health_assessment/{key}/edit"))
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let mut changed = post(&form("11", "2025"));
    let fields: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/children/C2/health/health_assessment/{key}");
    let res = c.post(&path, &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"correction_reason-error\""));
    changed.push((
        "correction_reason",
        "The clinic's letter gave the 11th".to_owned(),
    ));
    let fields: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = c.post(&path, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let versions = t
        .store
        .health_education_versions(
            &child_id("C2"),
            footprint_domain::health_education::RecordKind::HealthAssessment,
            "initial~~2025-03-11",
        )
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].replaced_by, username(Role::BusinessSupport));
    assert_eq!(versions[0].changed, vec!["done"]);
    let edit = c
        .get("/children/C2/health/health_assessment/initial~~2025-03-11/edit")
        .await;
    assert!(
        edit.body.contains("The clinic&#x27;s letter gave the 11th")
            || edit.body.contains("The clinic's letter gave the 11th")
    );
    let audit = t
        .store
        .audit_log(&AuditQuery::default())
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.action == "health.record"));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "health.correct" && e.detail.contains("changed=done"))
    );
}

/// The council of `dataset()` and 60 more children (C100 to C159), each
/// looked after from 2 Sep 2024 with one review, of 20 Sep 2024, whose
/// decisions went out on 25 Sep: every one's next review is overdue on
/// 12 Mar 2025.
fn council_of_64() -> footprint_domain::model::Dataset {
    let mut ds = dataset();
    for n in 100..160 {
        let id = format!("C{n}");
        ds.children.push(child(&id, "2012-05-01"));
        ds.episodes.push(episode(&id, "2024-09-02"));
        ds.reviews.push(review(
            &id,
            "2024-09-20",
            Some(ReviewDetails {
                chair: Some(footprint_domain::model::IroId("IRO1".into())),
                decisions_issued: Some(d("2024-09-25")),
                ..ReviewDetails::default()
            }),
        ));
    }
    ds
}

/// `href="…"` as the templates escape it.
fn href(path: &str) -> String {
    format!(
        "href=\"{}\"",
        path.replace('&', "&amp;").replace('/', "&#x2f;")
    )
}

#[tokio::test]
async fn the_drill_down_the_date_changes_and_the_documents_to_send_are_paged() {
    use footprint_domain::model::{AttendeeRole, DateChangeReason};
    use footprint_domain::review_record::{Recipient, ReviewRecord};
    let t = app_holding(footprint_web::WebConfig::default(), Some(council_of_64())).await;

    // The children behind a count of the dashboard, and the overdue
    // reviews beside them: 61 each (C2 and the 60), each list paged on its
    // own, the other list's page kept in the links.
    let mut m = Client::signed_in_as(&t.app, Role::Manager).await;
    let first = m.get("/dashboard/figures/overdue_now?cell=").await;
    assert_eq!(first.status, StatusCode::OK);
    let body = &first.body;
    assert!(
        body.contains("<strong id=\"figure-children-count\">61</strong> children (1 to 50 shown)"),
        "{body}"
    );
    assert_eq!(body.matches("<li data-child=").count(), 50);
    assert!(
        body.contains(&href("/dashboard/figures/overdue_now?page=2")),
        "{body}"
    );
    assert!(body.contains("61 reviews overdue: 1 to 50 shown"), "{body}");
    assert_eq!(body.matches("data-overdue-child=").count(), 50);
    assert!(
        body.contains(&href("/dashboard/figures/overdue_now?reviews_page=2")),
        "{body}"
    );
    let second = m
        .get("/dashboard/figures/overdue_now?page=2&reviews_page=2")
        .await
        .body;
    assert!(second.contains("(51 to 61 shown)"), "{second}");
    assert_eq!(second.matches("<li data-child=").count(), 11);
    assert!(second.contains("61 reviews overdue: 51 to 61 shown"));
    assert!(
        second.contains(&href(
            "/dashboard/figures/overdue_now?reviews_page=2&page=1"
        )),
        "{second}"
    );
    // The annual report's drill-down is the same page, its query kept.
    let annual = m
        .get("/reports/annual/figures?year=2024-25&measure=reviews.overdue.end&cell=")
        .await;
    assert_eq!(annual.status, StatusCode::OK);

    // Requests to change a review's date waiting for a decision.
    for n in 100..160 {
        t.store
            .request_review_date_change(&footprint_store::NewReviewDateChange {
                child: child_id(&format!("C{n}")),
                requested_on: today(),
                proposed: d("2025-04-01"),
                reason: DateChangeReason::COURT,
                requested_by: "iro1".into(),
            })
            .await
            .expect("requested");
    }
    let changes = m.get("/review-date-changes?status=approved").await.body;
    assert!(
        changes.contains("60 requests waiting: 1 to 50 shown"),
        "{changes}"
    );
    assert_eq!(changes.matches("/decision\"").count(), 50);
    assert!(
        changes.contains(&href("/review-date-changes?status=approved&pending_page=2")),
        "the decided list's filter kept: {changes}"
    );
    let changes = m
        .get("/review-date-changes?status=approved&pending_page=2")
        .await
        .body;
    assert!(changes.contains("60 requests waiting: 51 to 60 shown"));
    assert_eq!(changes.matches("/decision\"").count(), 10);

    // Decisions issued and still to send: 20 records, three recipients.
    for n in 100..120 {
        let record = ReviewRecord {
            send_to: vec![
                Recipient::Child,
                Recipient::Role(AttendeeRole::SocialWorker),
                Recipient::Role(AttendeeRole::Carer),
            ],
            ..ReviewRecord::default()
        };
        t.store
            .save_review_record(
                &child_id(&format!("C{n}")),
                d("2024-09-20"),
                &record,
                "iro1",
                Some("Written after the decisions went out"),
            )
            .await
            .expect("saved");
    }
    let mut s = Client::signed_in_as(&t.app, Role::BusinessSupport).await;
    let out = s.get("/outstanding?what=record").await.body;
    assert!(out.contains("60 documents: 1 to 50 shown"), "{out}");
    assert_eq!(out.matches("data-recipient=").count(), 50);
    assert!(
        out.contains(&href("/outstanding?what=record&send_page=2")),
        "the overdue list's filter kept: {out}"
    );
    let out = s.get("/outstanding?what=record&send_page=2").await.body;
    assert!(out.contains("60 documents: 51 to 60 shown"));
    assert_eq!(out.matches("data-recipient=").count(), 10);
}
