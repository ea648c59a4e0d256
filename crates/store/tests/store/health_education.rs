//! Health assessments, dental checks, SDQ scores, immunisation status and
//! PEPs (migration 9, file 0012): stored, read back whole and by child,
//! added by an import without duplicates or losses, refused whole when any
//! record is bad, and logged as a change to their child.

use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, HealthEducationRecords,
    ImmunisationStatus, SchoolTerm, SdqScore, TermName,
};
use footprint_domain::model::{Dataset, QualityGrade};
use footprint_store::{HealthEducationAdded, Scope, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id};

fn two_children() -> Dataset {
    Dataset {
        children: vec![child("A1", "2012-01-01"), child("B2", "2019-02-02")],
        episodes: vec![
            episode("A1", "2022-01-10", None),
            episode("B2", "2022-02-10", None),
        ],
        ..Dataset::default()
    }
}

fn records() -> HealthEducationRecords {
    HealthEducationRecords {
        health_assessments: vec![
            HealthAssessment {
                child: id("A1"),
                kind: AssessmentKind::Initial,
                requested: Some(d("2022-01-12")),
                done: Some(d("2022-02-01")),
            },
            HealthAssessment {
                child: id("B2"),
                kind: AssessmentKind::Initial,
                requested: Some(d("2022-02-11")),
                done: None,
            },
        ],
        dental_checks: vec![DentalCheck {
            child: id("B2"),
            date: d("2022-05-01"),
        }],
        sdq_scores: vec![SdqScore {
            child: id("A1"),
            date: d("2023-01-05"),
            score: 0,
        }],
        immunisations: vec![ImmunisationStatus {
            child: id("A1"),
            date: d("2022-02-01"),
            up_to_date: true,
        }],
        education_plans: vec![EducationPlan {
            child: id("A1"),
            date: d("2022-01-20"),
            term: SchoolTerm {
                school_year: 2021,
                term: TermName::Spring,
            },
            quality: Some(QualityGrade::Inadequate),
        }],
    }
}

async fn an_import_adds_records_once_and_keeps_what_is_held(env: Env) {
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let r = records();
    let added = s.add_health_education(&r).await.unwrap();
    assert_eq!(
        added,
        HealthEducationAdded {
            added: 6,
            already_held: 0
        }
    );
    let ds = s.load_dataset().await.unwrap();
    assert_eq!(ds.health_assessments, r.health_assessments);
    assert_eq!(ds.dental_checks, r.dental_checks);
    assert_eq!(ds.sdq_scores, r.sdq_scores);
    assert_eq!(ds.immunisations, r.immunisations);
    assert_eq!(ds.education_plans, r.education_plans);

    // The same extract again, with one new check: only that is added.
    let mut again = records();
    again.dental_checks.push(DentalCheck {
        child: id("A1"),
        date: d("2023-03-01"),
    });
    let added = s.add_health_education(&again).await.unwrap();
    assert_eq!(
        added,
        HealthEducationAdded {
            added: 1,
            already_held: 6
        }
    );
    // One child's records, by scope.
    let one = s.load_scoped(Scope::Children(&[id("B2")])).await.unwrap();
    assert_eq!(one.health_assessments, r.health_assessments[1..]);
    assert_eq!(one.dental_checks, r.dental_checks);
    assert!(one.sdq_scores.is_empty() && one.education_plans.is_empty());

    // Replacing the dataset without them clears them.
    s.replace_dataset(&two_children()).await.unwrap();
    let ds = s.load_dataset().await.unwrap();
    assert!(ds.health_assessments.is_empty() && ds.dental_checks.is_empty());
}
both!(an_import_adds_records_once_and_keeps_what_is_held);

async fn a_bad_record_or_unknown_child_writes_nothing(env: Env) {
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let mut bad = records();
    bad.health_assessments.push(HealthAssessment {
        child: id("A1"),
        kind: AssessmentKind::Review,
        requested: None,
        done: None,
    });
    let e = s.add_health_education(&bad).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("A1"), "{e}");

    let mut bad = records();
    bad.sdq_scores[0].score = 41;
    assert!(matches!(
        s.add_health_education(&bad).await.unwrap_err(),
        StoreError::Invalid(_)
    ));

    let mut unknown = records();
    unknown.dental_checks.push(DentalCheck {
        child: id("Z9"),
        date: d("2022-05-01"),
    });
    let e = s.add_health_education(&unknown).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");

    let ds = s.load_dataset().await.unwrap();
    assert!(ds.health_assessments.is_empty());
    assert!(ds.dental_checks.is_empty());
    assert!(ds.sdq_scores.is_empty());
    assert!(ds.immunisations.is_empty());
    assert!(ds.education_plans.is_empty());

    // replace_dataset refuses them too, and keeps what was there.
    let mut ds = two_children();
    ds.sdq_scores = bad.sdq_scores;
    assert!(s.replace_dataset(&ds).await.is_err());
    assert_eq!(s.load_dataset().await.unwrap().children.len(), 2);
}
both!(a_bad_record_or_unknown_child_writes_nothing);

async fn an_import_is_a_change_to_its_children(env: Env) {
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let before = s.data_version().await.unwrap();
    let only_b2 = HealthEducationRecords {
        dental_checks: vec![DentalCheck {
            child: id("B2"),
            date: d("2022-05-01"),
        }],
        ..HealthEducationRecords::default()
    };
    s.add_health_education(&only_b2).await.unwrap();
    let changes = s.changes_since(before).await.unwrap();
    assert!(!changes.council_wide);
    assert_eq!(changes.children, vec![id("B2")]);
}
both!(an_import_is_a_change_to_its_children);

/// A record made in a form is written once; recording it again is
/// refused; a correction keeps the version it replaced with who and why,
/// needs a reason to change a value held (not to fill a blank), and the
/// versions follow the record through a change of date.
async fn a_form_records_and_corrections_keep_versions(env: Env) {
    use footprint_domain::health_education::{HealthEducationRecord, RecordKind};
    let s = &env.store;
    s.replace_dataset(&two_children()).await.unwrap();
    let requested = HealthEducationRecord::HealthAssessment(HealthAssessment {
        child: id("B2"),
        kind: AssessmentKind::Initial,
        requested: Some(d("2022-02-11")),
        done: None,
    });
    s.record_health_education(&requested).await.unwrap();
    assert!(matches!(
        s.record_health_education(&requested).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        s.record_health_education(&HealthEducationRecord::DentalCheck(DentalCheck {
            child: id("NOBODY"),
            date: d("2022-05-01"),
        }))
        .await,
        Err(StoreError::NotFound(_))
    ));
    // Filling the blank done date needs no reason; it is kept as "added".
    let done = HealthEducationRecord::HealthAssessment(HealthAssessment {
        child: id("B2"),
        kind: AssessmentKind::Initial,
        requested: Some(d("2022-02-11")),
        done: Some(d("2022-03-01")),
    });
    let changed = s
        .correct_health_education(&requested.key(), &done, "bs1", None)
        .await
        .unwrap();
    assert_eq!(changed, vec!["done"]);
    // Changing the date done needs a reason, and nothing is written without.
    let moved = HealthEducationRecord::HealthAssessment(HealthAssessment {
        child: id("B2"),
        kind: AssessmentKind::Initial,
        requested: Some(d("2022-02-11")),
        done: Some(d("2022-03-02")),
    });
    assert!(matches!(
        s.correct_health_education(&done.key(), &moved, "bs1", Some("  "))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let changed = s
        .correct_health_education(&done.key(), &moved, "iro1", Some("typed the wrong day"))
        .await
        .unwrap();
    assert_eq!(changed, vec!["done"]);
    // As held now: one assessment of B2, the corrected one.
    let ds = s.load_scoped(Scope::Children(&[id("B2")])).await.unwrap();
    let held: Vec<_> = ds
        .health_assessments
        .iter()
        .filter(|a| a.child == id("B2"))
        .collect();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].done, Some(d("2022-03-02")));
    // Both versions, newest first, followed back through the key changes.
    let v = s
        .health_education_versions(&id("B2"), RecordKind::HealthAssessment, &moved.key())
        .await
        .unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].replaced_by, "iro1");
    assert_eq!(v[0].reason, "typed the wrong day");
    assert_eq!(v[1].reason, "added");
    let earliest: HealthEducationRecord = serde_json::from_value(v[1].earlier.clone()).unwrap();
    assert_eq!(earliest, requested);
    // The same again changes nothing and keeps no version.
    assert!(
        s.correct_health_education(&moved.key(), &moved, "iro1", None)
            .await
            .unwrap()
            .is_empty()
    );
    // A correction onto a date another record holds is refused.
    let sdq = |date: &str, score| {
        HealthEducationRecord::SdqScore(SdqScore {
            child: id("A1"),
            date: d(date),
            score,
        })
    };
    s.record_health_education(&sdq("2023-01-05", 10))
        .await
        .unwrap();
    s.record_health_education(&sdq("2023-06-05", 12))
        .await
        .unwrap();
    assert!(matches!(
        s.correct_health_education("2023-06-05", &sdq("2023-01-05", 12), "x", Some("why"))
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        s.correct_health_education("2023-06-05", &sdq("2023-06-05", 14), "x", Some("misread"))
            .await
            .unwrap(),
        vec!["score"]
    );
}
both!(a_form_records_and_corrections_keep_versions);
