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
        reason: DateChangeReason::Court,
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

async fn a_challenge_keeps_its_concern_responses_and_outcome_in_words(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let c = s
        .raise_challenge(&footprint_store::NewChallenge {
            child: id("A1"),
            iro: None,
            raised: d("2022-06-01"),
            themes: vec!["Placement".into()],
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
