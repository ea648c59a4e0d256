//! The records the web app keeps.

use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{
    AttendeeRole, ChallengeOutcome, ChallengeStage, Iro, IroId, IroVisit, LateReason, MidwayCheck,
    QualityGrade, Recommendation, ReviewDetails, SocialWorkerReport, VisitKind,
};
use footprint_store::{NewChallenge, NewUser, Role, SessionRow, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id, review};

async fn seed(env: &Env) {
    let s = &env.store;
    s.save_child(&child("A1", "2012-02-02")).await.unwrap();
    s.save_child(&child("B2", "2014-04-04")).await.unwrap();
    // A change of placement: two episodes, one period of care.
    let mut first = episode("A1", "2022-05-01", Some("2022-11-01"));
    first.reason_ceased = Some("X1".parse().unwrap());
    let mut second = episode("A1", "2022-11-01", None);
    second.reason_new = "P".parse().unwrap();
    s.save_episode(&first).await.unwrap();
    s.save_episode(&second).await.unwrap();
    for n in ["I1", "I2"] {
        s.save_iro(&Iro {
            id: IroId(n.into()),
            name: format!("Officer {n}"),
            fte: 1.0,
            started: d("2020-01-01"),
            left: None,
        })
        .await
        .unwrap();
    }
}

fn iro(n: &str) -> IroId {
    IroId(n.into())
}

async fn reviews_are_recorded_and_updated(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let mut r = review("A1", "2022-05-25", "PN1");
    r.details = Some(ReviewDetails {
        chair: Some(iro("I1")),
        attendance: vec![
            AttendeeRole::Carer,
            AttendeeRole::Carer,
            AttendeeRole::Health,
        ],
        social_worker_report: SocialWorkerReport::Received(d("2022-05-20")),
        quality: Some(QualityGrade::Good),
        recommendations: vec![Recommendation {
            text: "Arrange contact".into(),
            owner: "SW".into(),
            due: d("2022-06-30"),
            completed: None,
        }],
        ..Default::default()
    });
    s.record_review(&r).await.unwrap();
    let back = s.review(&id("A1"), d("2022-05-25")).await.unwrap().unwrap();
    let details = back.details.as_ref().unwrap();
    assert_eq!(
        details.attendance,
        [AttendeeRole::Carer, AttendeeRole::Health],
        "repeats dropped"
    );
    assert_eq!(
        details.recommendations,
        r.details.as_ref().unwrap().recommendations
    );

    let err = s.record_review(&r).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    let err = s
        .record_review(&review("NOPE", "2022-05-25", "PN1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let err = s
        .update_review(&review("A1", "2022-01-01", "PN1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let mut bad_chair = review("A1", "2022-08-08", "PN1");
    bad_chair.details = Some(ReviewDetails {
        chair: Some(iro("GHOST")),
        ..Default::default()
    });
    let err = s.record_review(&bad_chair).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(
        s.review(&id("A1"), d("2022-08-08"))
            .await
            .unwrap()
            .is_none(),
        "rolled back"
    );

    let mut updated = back.clone();
    updated.participation = Some("PN5".parse().unwrap());
    if let Some(det) = updated.details.as_mut() {
        det.recommendations[0].completed = Some(d("2022-06-15"));
        det.attendance = vec![AttendeeRole::Advocate];
        det.decisions_issued = Some(d("2022-05-27"));
        det.late_reason = LateReason::IroCapacity.held();
    }
    s.update_review(&updated).await.unwrap();
    assert_eq!(s.reviews_of(&id("A1")).await.unwrap(), vec![updated]);
}
both!(reviews_are_recorded_and_updated);

/// The outstanding list reads only the children whose decisions or record
/// have not gone out: reviews with details and a date missing; not a review
/// known only from a 903 import, nor one with both dates.
async fn children_with_records_outstanding_are_found_by_index(env: Env) {
    seed(&env).await;
    let s = &env.store;
    assert!(
        s.children_with_records_outstanding()
            .await
            .unwrap()
            .is_empty()
    );
    // A1: a 903 review (no details) and a Footprint review with both dates.
    s.record_review(&review("A1", "2022-05-25", "PN1"))
        .await
        .unwrap();
    let mut done = review("A1", "2022-11-20", "PN1");
    done.details = Some(ReviewDetails {
        decisions_issued: Some(d("2022-11-22")),
        record_circulated: Some(d("2022-12-01")),
        ..ReviewDetails::default()
    });
    s.record_review(&done).await.unwrap();
    assert!(
        s.children_with_records_outstanding()
            .await
            .unwrap()
            .is_empty()
    );
    // B2: the record has not gone out.
    s.save_episode(&episode("B2", "2022-06-01", None))
        .await
        .unwrap();
    let mut open = review("B2", "2022-06-20", "PN2");
    open.details = Some(ReviewDetails {
        decisions_issued: Some(d("2022-06-21")),
        ..ReviewDetails::default()
    });
    s.record_review(&open).await.unwrap();
    assert_eq!(
        s.children_with_records_outstanding().await.unwrap(),
        vec![id("B2")]
    );
}
both!(children_with_records_outstanding_are_found_by_index);

async fn every_late_reason_is_stored_and_a_malformed_one_refused(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let mut r = review("A1", "2022-09-09", "PN1");
    r.details = Some(ReviewDetails::default());
    s.record_review(&r).await.unwrap();
    // The default list's keys, a key of the council's own list (migration
    // 20), and none.
    let council = Some("heavy_snow_2".to_owned());
    for reason in LateReason::ALL
        .into_iter()
        .map(LateReason::held)
        .chain([council, None])
    {
        if let Some(det) = r.details.as_mut() {
            det.late_reason = reason.clone();
        }
        s.update_review(&r).await.unwrap();
        let back = s.review(&id("A1"), d("2022-09-09")).await.unwrap().unwrap();
        assert_eq!(back.details.and_then(|d| d.late_reason), reason);
    }
    // The column's CHECK refuses what is not the shape of a list's key.
    for bad in ["Bad weather", "", "bad-weather"] {
        let err = env
            .raw(&format!(
                "UPDATE reviews SET late_reason = '{bad}' \
                 WHERE child = 'A1' AND review_date = '2022-09-09'"
            ))
            .await
            .expect_err("malformed key");
        assert!(err.to_string().to_lowercase().contains("check"), "{err}");
    }
}
both!(every_late_reason_is_stored_and_a_malformed_one_refused);

async fn allocations_follow_reallocation(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let a1 = id("A1");
    s.allocate(&a1, &iro("I1"), d("2022-05-02"), "test")
        .await
        .unwrap();
    s.allocate(&id("B2"), &iro("I1"), d("2022-06-01"), "test")
        .await
        .unwrap();
    // Same IRO again: nothing changes.
    s.allocate(&a1, &iro("I1"), d("2022-07-01"), "test")
        .await
        .unwrap();
    s.allocate(&a1, &iro("I2"), d("2022-09-01"), "test")
        .await
        .unwrap();

    let allocs = s.allocations_of(&a1).await.unwrap();
    assert_eq!(allocs.len(), 2);
    assert_eq!(
        (allocs[0].iro.0.as_str(), allocs[0].to),
        ("I1", Some(d("2022-09-01")))
    );
    assert_eq!((allocs[1].iro.0.as_str(), allocs[1].to), ("I2", None));
    assert_eq!(
        s.current_iro(&a1, d("2022-08-31")).await.unwrap(),
        Some(iro("I1"))
    );
    assert_eq!(
        s.current_iro(&a1, d("2022-09-01")).await.unwrap(),
        Some(iro("I2"))
    );
    assert_eq!(s.current_iro(&a1, d("2022-05-01")).await.unwrap(), None);
    assert_eq!(
        s.caseload(&iro("I1"), d("2022-08-01")).await.unwrap(),
        [id("A1"), id("B2")]
    );
    assert_eq!(
        s.caseload(&iro("I1"), d("2022-10-01")).await.unwrap(),
        [id("B2")]
    );

    let err = s
        .allocate(&a1, &iro("I1"), d("2022-08-01"), "test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = s
        .allocate(&a1, &iro("NOBODY"), d("2023-01-01"), "test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");

    // A correction on the first day swaps the IRO without a one-day stint.
    s.allocate(&id("B2"), &iro("I2"), d("2022-06-01"), "test")
        .await
        .unwrap();
    let b2 = s.allocations_of(&id("B2")).await.unwrap();
    assert_eq!(b2.len(), 1);
    assert_eq!(b2[0].iro, iro("I2"));
    // ... and nothing is lost: the allocation to I1 is kept as a version,
    // with who made the change and why.
    let held = s.allocations_held(&id("B2")).await.unwrap();
    let versions = s
        .record_versions(&id("B2"), "allocation", &held[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].replaced_by, "test");
    assert_eq!(versions[0].changed, vec!["iro".to_owned()]);
    assert!(versions[0].reason.contains("Reallocated to IRO I2"));
    assert_eq!(versions[0].earlier["iro"], "I1");

    assert!(s.end_allocation(&a1, d("2023-03-01")).await.unwrap());
    assert_eq!(s.current_iro(&a1, d("2023-03-01")).await.unwrap(), None);
    assert!(!s.end_allocation(&a1, d("2023-04-01")).await.unwrap());
}
both!(allocations_follow_reallocation);

async fn challenges_move_through_their_stages(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let stage = |name: &str, started: &str| ChallengeStage {
        stage: name.into(),
        started: d(started),
        timescale_working_days: 10,
        responded: None,
    };
    let c = s
        .raise_challenge(&NewChallenge {
            child: id("A1"),
            iro: Some(iro("I1")),
            raised: d("2023-01-10"),
            themes: vec!["permanence".into(), "contact".into()],
            sub_theme: Some("delay".into()),
            first_stage: stage("informal", "2023-01-10"),
        })
        .await
        .unwrap();
    s.respond_to_challenge(c.id, d("2023-01-12")).await.unwrap();
    let err = s
        .respond_to_challenge(c.id, d("2023-01-13"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(_)),
        "nothing awaiting: {err}"
    );
    let err = s
        .add_challenge_stage(c.id, &stage("stage 1", "2023-01-01"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    s.add_challenge_stage(c.id, &stage("stage 1", "2023-01-20"))
        .await
        .unwrap();
    s.refer_challenge_to_cafcass(c.id, d("2023-02-20"))
        .await
        .unwrap();
    let done = s
        .resolve_challenge(c.id, d("2023-03-01"), ChallengeOutcome::ReferredToCafcass)
        .await
        .unwrap();
    let stored = s.challenge(c.id).await.unwrap().unwrap();
    assert_eq!(stored, done);
    assert_eq!(stored.themes, ["permanence", "contact"]);
    // The sub-theme is kept under the first theme (migration 20).
    assert_eq!(stored.sub_theme.as_deref(), Some("delay"));
    assert_eq!(stored.stages.len(), 2);
    assert_eq!(stored.stages[0].responded, Some(d("2023-01-12")));
    assert_eq!(stored.stages[1].responded, None);
    assert_eq!(stored.referred_to_cafcass, Some(d("2023-02-20")));
    let err = s
        .add_challenge_stage(c.id, &stage("stage 2", "2023-03-05"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "resolved: {err}");
    assert_eq!(s.challenges_of(&id("A1")).await.unwrap(), vec![stored]);
    assert!(s.challenges_of(&id("B2")).await.unwrap().is_empty());
    assert!(s.challenge(c.id + 100).await.unwrap().is_none());
}
both!(challenges_move_through_their_stages);

async fn the_child_record_has_everything(env: Env) {
    seed(&env).await;
    let s = &env.store;
    s.allocate(&id("A1"), &iro("I1"), d("2022-05-01"), "test")
        .await
        .unwrap();
    s.record_midway_check(&MidwayCheck {
        child: id("A1"),
        date: d("2022-08-01"),
        iro: Some(iro("I1")),
    })
    .await
    .unwrap();
    s.record_visit(&IroVisit {
        child: id("A1"),
        date: d("2022-05-20"),
        kind: VisitKind::Virtual,
        iro: None,
    })
    .await
    .unwrap();
    s.record_review(&review("A1", "2022-05-28", "PN1"))
        .await
        .unwrap();
    let err = s
        .record_visit(&IroVisit {
            child: id("ZZ"),
            date: d("2022-05-20"),
            kind: VisitKind::Phone,
            iro: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");

    let rec = s.child(&id("A1")).await.unwrap().unwrap();
    assert_eq!(rec.child, child("A1", "2012-02-02"));
    assert_eq!(rec.episodes.len(), 2);
    assert_eq!(
        rec.periods.periods.len(),
        1,
        "two episodes, one period of care"
    );
    assert_eq!(rec.periods.periods[0].start(), d("2022-05-01"));
    assert_eq!(rec.reviews.len(), 1);
    assert_eq!(rec.allocations.len(), 1);
    assert_eq!(
        rec.midway_checks,
        s.midway_checks_of(&id("A1")).await.unwrap()
    );
    assert_eq!(rec.visits, s.visits_of(&id("A1")).await.unwrap());
    assert_eq!(rec.visits[0].kind, VisitKind::Virtual);
    assert!(s.child(&id("NOPE")).await.unwrap().is_none());
    let ids: Vec<_> = s
        .list_children()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [id("A1"), id("B2")]);
}
both!(the_child_record_has_everything);

async fn users_settings_narratives(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let u = s
        .add_user(&NewUser {
            name: "mgr".into(),
            role: Role::Manager,
            password_hash: "$argon2id$hash".into(),
            iro: None,
        })
        .await
        .unwrap();
    assert_eq!(u.role, Role::Manager);
    let err = s
        .add_user(&NewUser {
            name: "mgr".into(),
            role: Role::Iro,
            password_hash: "x".into(),
            iro: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    for role in Role::ALL {
        s.add_user(&NewUser {
            name: format!("u-{}", role.key()),
            role,
            password_hash: "h".into(),
            iro: (role == Role::Iro).then(|| iro("I2")),
        })
        .await
        .unwrap();
    }
    let found = s.user_by_name("u-iro").await.unwrap().unwrap();
    assert_eq!((found.role, found.iro), (Role::Iro, Some(iro("I2"))));
    assert_eq!(s.users().await.unwrap().len(), 1 + Role::ALL.len());
    s.set_password_hash("mgr", "$argon2id$new").await.unwrap();
    assert_eq!(
        s.user_by_name("mgr").await.unwrap().unwrap().password_hash,
        "$argon2id$new"
    );
    assert!(matches!(
        s.set_password_hash("nobody", "h").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(s.user_by_name("nobody").await.unwrap().is_none());

    assert_eq!(s.setting("policy").await.unwrap(), None);
    let v = serde_json::json!({"monthly_unregistered": true, "days": [1, 2]});
    s.set_setting("policy", &v).await.unwrap();
    s.set_setting("policy", &v).await.unwrap();
    assert_eq!(s.setting("policy").await.unwrap(), Some(v));

    let y = CollectionYear::new(2022);
    s.set_narrative(y, "foreword", "First draft", "manager")
        .await
        .unwrap();
    s.set_narrative(y, "foreword", "Final text", "manager2")
        .await
        .unwrap();
    // Saving the same text again keeps no copy of it.
    s.set_narrative(y, "foreword", "Final text", "manager2")
        .await
        .unwrap();
    s.set_narrative(y, "priorities", "More visits", "manager")
        .await
        .unwrap();
    s.set_narrative(
        CollectionYear::new(2021),
        "foreword",
        "Last year",
        "manager",
    )
    .await
    .unwrap();
    // The text replaced is kept, with who replaced it.
    assert_eq!(
        s.narrative_versions(y, "foreword").await.unwrap(),
        [("First draft".to_owned(), "manager2".to_owned())]
    );
    assert!(
        s.narrative_versions(y, "priorities")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.narrative(y, "foreword").await.unwrap().as_deref(),
        Some("Final text")
    );
    assert_eq!(s.narrative(y, "missing").await.unwrap(), None);
    let all = s.narratives(y).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all["priorities"], "More visits");
}
both!(users_settings_narratives);

/// The manager's words for a year are kept as versions: each save is a new
/// one, the latest is read, and nothing saved before is lost.
async fn report_words_are_versions(env: Env) {
    let s = &env.store;
    let y = CollectionYear::new(2024);
    assert_eq!(s.report_words(y).await.unwrap(), None);
    let first = serde_json::json!({"staffing": [{"post": "IRO", "fte": 6.0}]});
    let second = serde_json::json!({"staffing": [{"post": "IRO", "fte": 7.5}]});
    assert_eq!(s.save_report_words(y, &first, "manager").await.unwrap(), 1);
    assert_eq!(s.save_report_words(y, &second, "manager").await.unwrap(), 2);
    // Another year's words are numbered on their own.
    assert_eq!(
        s.save_report_words(CollectionYear::new(2023), &first, "manager")
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.report_words(y).await.unwrap(), Some((2, second)));
    assert_eq!(
        s.report_words(CollectionYear::new(2023)).await.unwrap(),
        Some((1, first))
    );
}
both!(report_words_are_versions);

async fn sessions_expire(env: Env) {
    let s = &env.store;
    let row = SessionRow {
        id: "abc".into(),
        data: b"{\"k\":1}".to_vec(),
        expiry: 1_000,
    };
    assert!(s.session_create(&row).await.unwrap());
    assert!(!s.session_create(&row).await.unwrap(), "id taken");
    assert_eq!(s.session_load("abc", 999).await.unwrap(), Some(row.clone()));
    assert_eq!(s.session_load("abc", 1_000).await.unwrap(), None, "expired");
    let later = SessionRow {
        data: vec![0, 255, 7],
        expiry: 5_000,
        ..row.clone()
    };
    s.session_save(&later).await.unwrap();
    assert_eq!(s.session_load("abc", 1_500).await.unwrap(), Some(later));
    s.session_save(&SessionRow {
        id: "old".into(),
        data: vec![],
        expiry: 10,
    })
    .await
    .unwrap();
    assert_eq!(s.session_delete_expired(100).await.unwrap(), 1);
    s.session_delete("abc").await.unwrap();
    assert_eq!(s.session_load("abc", 0).await.unwrap(), None);
}
both!(sessions_expire);

async fn bank_holidays_are_seeded_once(env: Env) {
    let s = &env.store;
    assert!(s.calendar().await.unwrap().is_none());
    let cal = WorkingDayCalendar::england_and_wales();
    assert!(s.seed_bank_holidays(&cal).await.unwrap());
    assert!(!s.seed_bank_holidays(&cal).await.unwrap(), "already seeded");
    let stored = s.calendar().await.unwrap().unwrap();
    assert_eq!(stored, cal);
    assert_eq!(s.bank_holidays().await.unwrap().len(), cal.len());
    let fewer: Vec<_> = cal
        .holidays()
        .filter(|h| h.date < d("2020-01-01"))
        .collect();
    s.replace_bank_holidays(&fewer).await.unwrap();
    assert_eq!(s.bank_holidays().await.unwrap(), fewer);
}
both!(bank_holidays_are_seeded_once);
