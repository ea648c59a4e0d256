//! Corrections kept as versions, and requests to change a review's date.

use footprint_domain::model::{DateChangeReason, DateChangeStatus, Recommendation, ReviewDetails};
use footprint_store::{Correction, NewReviewDateChange, Scope, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id, review};

async fn seed(env: &Env) {
    let s = &env.store;
    s.save_child(&child("A1", "2012-02-02")).await.unwrap();
    s.save_episode(&episode("A1", "2022-05-01", None))
        .await
        .unwrap();
}

fn correction(reason: &str) -> Correction {
    Correction {
        by: "iro1".into(),
        reason: reason.into(),
    }
}

async fn a_correction_keeps_the_version_it_replaces(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let mut r = review("A1", "2022-05-25", "PN1");
    r.details = Some(ReviewDetails {
        recommendations: vec![Recommendation {
            text: "Arrange contact".into(),
            owner: "SW".into(),
            due: d("2022-06-30"),
            completed: None,
        }],
        ..ReviewDetails::default()
    });
    s.record_review(&r).await.unwrap();
    let first = r.clone();

    // A blank reason is refused and nothing is written.
    let mut second = r.clone();
    second.participation = Some("PN3".parse().unwrap());
    let err = s
        .correct_review(&second, &correction("  "))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(
        s.review(&id("A1"), d("2022-05-25")).await.unwrap(),
        Some(first.clone())
    );

    let changed = s
        .correct_review(&second, &correction("Wrong code"))
        .await
        .unwrap();
    assert_eq!(changed, ["participation"]);
    assert_eq!(
        s.review(&id("A1"), d("2022-05-25")).await.unwrap(),
        Some(second.clone())
    );
    // The same again: nothing changed, no version kept.
    assert!(
        s.correct_review(&second, &correction("Again"))
            .await
            .unwrap()
            .is_empty()
    );
    let mut third = second.clone();
    if let Some(d) = third.details.as_mut() {
        d.recommendations.clear();
    }
    s.correct_review(&third, &correction("Recommendation belonged to a sibling"))
        .await
        .unwrap();

    let versions = s
        .record_versions(&id("A1"), "review", "2022-05-25")
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].reason, "Wrong code");
    assert_eq!(versions[0].replaced_by, "iro1");
    assert_eq!(versions[0].changed, ["participation"]);
    let earlier: footprint_domain::model::Review =
        serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, first);
    let earlier: footprint_domain::model::Review =
        serde_json::from_value(versions[1].earlier.clone()).unwrap();
    assert_eq!(earlier, second);
    assert_eq!(versions[1].changed, ["recommendations"]);

    // A review not held cannot be corrected.
    let missing = review("A1", "2022-06-25", "PN1");
    assert!(matches!(
        s.correct_review(&missing, &correction("x")).await,
        Err(StoreError::NotFound(_))
    ));
}
both!(a_correction_keeps_the_version_it_replaces);

async fn review_date_changes_are_requested_once_and_decided_by_someone_else(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let new = NewReviewDateChange {
        child: id("A1"),
        requested_on: d("2022-09-01"),
        proposed: d("2022-12-01"),
        reason: DateChangeReason::COURT,
        requested_by: "iro1".into(),
    };
    let before = s.data_version().await.unwrap();
    let req = s.request_review_date_change(&new).await.unwrap();
    assert_eq!(req.status, DateChangeStatus::Pending);
    // It is a change to the child's records (caches read the child again).
    let changes = s.changes_since(before).await.unwrap();
    assert_eq!(changes.children, [id("A1")]);
    // A second one while the first waits is refused.
    assert!(matches!(
        s.request_review_date_change(&new).await,
        Err(StoreError::AlreadyExists(_))
    ));
    // Nobody decides their own.
    assert!(matches!(
        s.decide_review_date_change(req.id, true, "iro1").await,
        Err(StoreError::Invalid(_))
    ));
    let approved = s
        .decide_review_date_change(req.id, true, "manager")
        .await
        .unwrap();
    assert_eq!(approved.status, DateChangeStatus::Approved);
    assert_eq!(approved.decided_by.as_deref(), Some("manager"));
    // Decided once only.
    assert!(matches!(
        s.decide_review_date_change(req.id, false, "manager2").await,
        Err(StoreError::Invalid(_))
    ));
    // The child's records carry it; a new request may follow.
    let ds = s.load_scoped(Scope::Children(&[id("A1")])).await.unwrap();
    assert_eq!(ds.review_date_changes, std::slice::from_ref(&approved));
    let next = s.request_review_date_change(&new).await.unwrap();
    assert_ne!(next.id, approved.id);
    assert_eq!(s.review_date_changes().await.unwrap().len(), 2);
}
both!(review_date_changes_are_requested_once_and_decided_by_someone_else);

async fn a_date_change_holds_a_key_of_the_councils_list(env: Env) {
    // Migration 22: the reason is any key of a list key's shape, not one
    // of the six fixed ones; the six read as before.
    seed(&env).await;
    let s = &env.store;
    let snow = DateChangeReason::from_key("heavy_snow").expect("a key");
    let new = NewReviewDateChange {
        child: id("A1"),
        requested_on: d("2022-09-01"),
        proposed: d("2022-12-01"),
        reason: snow,
        requested_by: "iro1".into(),
    };
    let req = s.request_review_date_change(&new).await.unwrap();
    s.decide_review_date_change(req.id, false, "manager")
        .await
        .unwrap();
    let court = s
        .request_review_date_change(&NewReviewDateChange {
            reason: DateChangeReason::COURT,
            ..new.clone()
        })
        .await
        .unwrap();
    // Newest first.
    let held = s.review_date_changes().await.unwrap();
    let reasons: Vec<&str> = held.iter().map(|c| c.reason.key()).collect();
    assert_eq!(reasons, ["court", "heavy_snow"]);
    assert_eq!(held[0], court);
    assert_eq!(DateChangeReason::from_key("Heavy snow"), None);

    // The migration's own SQL, run again on a database holding requests:
    // SQLite makes the table again with every row, its indexes and
    // triggers; PostgreSQL changes the constraint.
    let sql = match env.kind {
        footprint_store::DbKind::Sqlite => {
            include_str!("../../migrations/sqlite/0022_date_change_reasons.sql")
        }
        footprint_store::DbKind::Postgres => {
            include_str!("../../migrations/postgres/0022_date_change_reasons.sql")
        }
    };
    env.raw(&format!("BEGIN;\n{sql}\nCOMMIT;")).await.unwrap();
    assert_eq!(s.review_date_changes().await.unwrap(), held);
    assert_eq!(s.integrity_check().await.unwrap(), Vec::<String>::new());
    // The one-pending index is back, and the triggers: a decision still
    // moves the data version.
    assert!(matches!(
        s.request_review_date_change(&new).await,
        Err(StoreError::AlreadyExists(_))
    ));
    let version = s.data_version().await.unwrap();
    s.decide_review_date_change(court.id, true, "manager")
        .await
        .unwrap();
    assert!(s.data_version().await.unwrap() > version);
    // A new request follows the ids held.
    let next = s.request_review_date_change(&new).await.unwrap();
    assert!(next.id > court.id);
    // The column's CHECK takes a key's shape only.
    let err = env
        .raw("UPDATE review_date_changes SET reason = 'Not a key'")
        .await
        .expect_err("the CHECK is back");
    assert!(err.to_string().to_lowercase().contains("check"), "{err}");
}
both!(a_date_change_holds_a_key_of_the_councils_list);

async fn a_challenge_keeps_its_concern_responses_and_outcome_in_words(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let c = s
        .raise_challenge(&footprint_store::NewChallenge {
            child: id("A1"),
            iro: None,
            raised: d("2022-06-01"),
            themes: vec!["Placement".into()],
            sub_theme: None,
            first_stage: footprint_domain::model::ChallengeStage {
                stage: "informal".into(),
                started: d("2022-06-01"),
                timescale_working_days: 5,
                responded: None,
            },
        })
        .await
        .unwrap();
    s.add_challenge_note(c.id, "concern", None, " The plan is late ", "iro1")
        .await
        .unwrap();
    s.add_challenge_note(c.id, "response", Some("informal"), "Done by Friday", "iro1")
        .await
        .unwrap();
    for (kind, body) in [("concern", "   "), ("gossip", "x")] {
        assert!(matches!(
            s.add_challenge_note(c.id, kind, None, body, "iro1").await,
            Err(StoreError::Invalid(_))
        ));
    }
    assert!(matches!(
        s.add_challenge_note(c.id + 100, "concern", None, "x", "iro1")
            .await,
        Err(StoreError::NotFound(_))
    ));
    let notes = s.challenge_notes(c.id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].body, "The plan is late");
    assert_eq!(notes[1].stage.as_deref(), Some("informal"));
    assert_eq!(notes[1].written_by, "iro1");
}
both!(a_challenge_keeps_its_concern_responses_and_outcome_in_words);

async fn correcting_a_name_keeps_the_name_held(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let first = footprint_domain::model::ChildName::new("Ada", "Quill").unwrap();
    let second = footprint_domain::model::ChildName::new("Ada", "Quillon").unwrap();
    // First recorded: not a correction.
    assert_eq!(
        s.correct_child_name(&id("A1"), Some(&first), None)
            .await
            .unwrap(),
        ["name"]
    );
    // Changing it needs a reason; nothing written without one.
    assert!(matches!(
        s.correct_child_name(&id("A1"), Some(&second), None).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        s.correct_child_name(&id("A1"), Some(&second), Some(&correction("Misspelt")))
            .await
            .unwrap(),
        ["family_name"]
    );
    let versions = s.record_versions(&id("A1"), "name", "A1").await.unwrap();
    assert_eq!(versions.len(), 1);
    let earlier: footprint_domain::model::ChildName =
        serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, first);
    let held = s.child(&id("A1")).await.unwrap().unwrap().child.name;
    assert_eq!(held, Some(second));
}
both!(correcting_a_name_keeps_the_name_held);

async fn midway_checks_and_visits_are_corrected_as_versions(env: Env) {
    use footprint_domain::model::{IroId, IroVisit, MidwayCheck, VisitKind};
    seed(&env).await;
    let s = &env.store;
    let check = MidwayCheck {
        child: id("A1"),
        date: d("2022-08-01"),
        iro: None,
    };
    s.record_midway_check(&check).await.unwrap();
    let visit = IroVisit {
        child: id("A1"),
        date: d("2022-05-20"),
        kind: VisitKind::Virtual,
        iro: None,
    };
    s.record_visit(&visit).await.unwrap();
    let held = s.midway_checks_held(&id("A1")).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].record, check);
    let check_id = held[0].id;
    let visit_id = s.visits_held(&id("A1")).await.unwrap()[0].id;

    let moved = MidwayCheck {
        date: d("2022-08-03"),
        ..check.clone()
    };
    // No reason: refused, nothing written.
    assert!(matches!(
        s.correct_midway_check(check_id, &moved, &correction(" "))
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Another child's id: not found.
    let other = MidwayCheck {
        child: id("B9"),
        ..moved.clone()
    };
    assert!(matches!(
        s.correct_midway_check(check_id, &other, &correction("x"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    // An IRO the council does not hold: refused, nothing written.
    let nobody = MidwayCheck {
        iro: Some(IroId("NOBODY".into())),
        ..moved.clone()
    };
    assert!(
        s.correct_midway_check(check_id, &nobody, &correction("x"))
            .await
            .is_err()
    );
    assert_eq!(
        s.midway_checks_of(&id("A1")).await.unwrap(),
        std::slice::from_ref(&check)
    );
    assert!(
        s.record_versions(&id("A1"), "midway_check", &check_id.to_string())
            .await
            .unwrap()
            .is_empty()
    );

    let before = s.data_version().await.unwrap();
    let changed = s
        .correct_midway_check(check_id, &moved, &correction("Typed the wrong day"))
        .await
        .unwrap();
    assert_eq!(changed, ["date"]);
    assert_eq!(
        s.midway_checks_of(&id("A1")).await.unwrap(),
        std::slice::from_ref(&moved)
    );
    // A change to the child's records: caches read the child again.
    assert_eq!(s.changes_since(before).await.unwrap().children, [id("A1")]);
    // The same again changes nothing and keeps no version.
    assert!(
        s.correct_midway_check(check_id, &moved, &correction("Again"))
            .await
            .unwrap()
            .is_empty()
    );
    let versions = s
        .record_versions(&id("A1"), "midway_check", &check_id.to_string())
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].reason, "Typed the wrong day");
    assert_eq!(versions[0].replaced_by, "iro1");
    assert_eq!(versions[0].changed, ["date"]);
    let earlier: MidwayCheck = serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, check);

    let phoned = IroVisit {
        kind: VisitKind::Phone,
        date: d("2022-05-21"),
        ..visit.clone()
    };
    assert_eq!(
        s.correct_visit(visit_id, &phoned, &correction("It was a phone call"))
            .await
            .unwrap(),
        ["date", "kind"]
    );
    assert_eq!(s.visits_of(&id("A1")).await.unwrap(), [phoned]);
    let versions = s
        .record_versions(&id("A1"), "visit", &visit_id.to_string())
        .await
        .unwrap();
    let earlier: IroVisit = serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, visit);
    assert_eq!(versions[0].changed, ["date", "kind"]);
}
both!(midway_checks_and_visits_are_corrected_as_versions);

async fn an_allocation_is_corrected_as_a_version(env: Env) {
    use footprint_domain::model::{Iro, IroId};
    seed(&env).await;
    let s = &env.store;
    for i in ["I1", "I2"] {
        s.save_iro(&Iro {
            id: IroId(i.into()),
            name: format!("Officer {i}"),
            fte: 1.0,
            started: d("2020-01-01"),
            left: None,
        })
        .await
        .unwrap();
    }
    let held = s
        .allocate(&id("A1"), &IroId("I1".into()), d("2022-05-01"), "test")
        .await
        .unwrap();
    let aid = s.allocations_held(&id("A1")).await.unwrap()[0].id;
    let mut fixed = held.clone();
    fixed.iro = IroId("I2".into());
    fixed.to = Some(d("2022-04-01"));
    assert!(matches!(
        s.correct_allocation(aid, &fixed, &correction("x")).await,
        Err(StoreError::Invalid(_))
    ));
    fixed.to = None;
    assert_eq!(
        s.correct_allocation(aid, &fixed, &correction("Allocated to the wrong IRO"))
            .await
            .unwrap(),
        ["iro"]
    );
    assert_eq!(s.allocations_of(&id("A1")).await.unwrap(), [fixed]);
    let versions = s
        .record_versions(&id("A1"), "allocation", &aid.to_string())
        .await
        .unwrap();
    assert_eq!(versions.len(), 1);
    let earlier: footprint_domain::model::Allocation =
        serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, held);
}
both!(an_allocation_is_corrected_as_a_version);

async fn a_challenge_is_corrected_as_a_version(env: Env) {
    use footprint_domain::model::{ChallengeOutcome, ChallengeStage};
    use footprint_store::NewChallenge;
    seed(&env).await;
    let s = &env.store;
    let held = s
        .raise_challenge(&NewChallenge {
            child: id("A1"),
            iro: None,
            raised: d("2022-06-01"),
            themes: vec!["Care planning".into()],
            sub_theme: None,
            first_stage: ChallengeStage {
                stage: "informal".into(),
                started: d("2022-06-01"),
                timescale_working_days: 5,
                responded: None,
            },
        })
        .await
        .unwrap();
    let mut fixed = held.clone();
    fixed.raised = d("2022-06-02");
    fixed.stages[0].started = d("2022-06-02");
    fixed.themes = vec!["Placement".into(), "Contact".into()];
    fixed.sub_theme = Some("stability".into());
    fixed.resolved = Some(d("2022-06-20"));
    fixed.outcome = Some(ChallengeOutcome::Withdrawn);
    // A stage renamed: refused, nothing written.
    let mut renamed = fixed.clone();
    renamed.stages[0].stage = "stage 1".into();
    assert!(matches!(
        s.correct_challenge(held.id, &renamed, &correction("x"))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.challenge(held.id).await.unwrap(), Some(held.clone()));
    assert_eq!(
        s.correct_challenge(held.id, &fixed, &correction("Raised a day later"))
            .await
            .unwrap(),
        [
            "raised",
            "themes",
            "sub_theme",
            "stages",
            "resolved",
            "outcome"
        ]
    );
    assert_eq!(s.challenge(held.id).await.unwrap(), Some(fixed));
    let versions = s
        .record_versions(&id("A1"), "challenge", &held.id.to_string())
        .await
        .unwrap();
    let earlier: footprint_domain::model::Challenge =
        serde_json::from_value(versions[0].earlier.clone()).unwrap();
    assert_eq!(earlier, held);
}
both!(a_challenge_is_corrected_as_a_version);
