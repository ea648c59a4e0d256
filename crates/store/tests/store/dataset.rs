//! The whole dataset: replace_dataset and load_dataset round-trip.

use footprint_domain::codes::{
    CareLeaverAccommodation, CareLeaverActivity, InTouch, SocialWorkerChangeReason,
};
use footprint_domain::health_education::{
    AssessmentKind, DentalCheck, EducationPlan, HealthAssessment, ImmunisationStatus, SchoolTerm,
    SdqScore, TermName,
};
use footprint_domain::model::{
    Allocation, AttendeeRole, Challenge, ChallengeOutcome, ChallengeStage, Dataset, Iro, IroId,
    IroVisit, LateReason, MidwayCheck, QualityGrade, Recommendation, ReviewDetails, ReviewKind,
    SocialWorkerReport, UascStatus, VisitKind,
};
use footprint_domain::return_tables::{CareLeaverOutcome, ReturnTables, SocialWorkerEpisode};
use std::io::Write as _;

use footprint_store::{NewUser, REVIEWS_RECORDED_FROM, Role};

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, d, episode, id, json, missing, review};

fn iro(n: &str) -> Iro {
    Iro {
        id: IroId(n.to_owned()),
        name: format!("IRO {n}"),
        fte: 0.8,
        started: d("2019-09-01"),
        left: None,
    }
}

/// A dataset with one of everything, in the order load_dataset returns.
pub fn full_dataset() -> Dataset {
    let mut c1 = child("A1", "2011-05-05");
    c1.uasc = Some(UascStatus {
        ceased: Some(d("2023-05-04")),
    });
    c1.mother = Some(true);
    c1.mothers_child_dob = Some(d("2027-01-01"));
    c1.upn = Some("UN2".into());
    let mut c2 = child("B2", "2020-12-31");
    c2.uasc = Some(UascStatus { ceased: None });
    let mut detailed = review("A1", "2022-07-01", "PN1");
    detailed.details = Some(ReviewDetails {
        chair: Some(IroId("I1".into())),
        kind: ReviewKind::Additional,
        // Recorded order is kept, not sorted.
        attendance: vec![
            AttendeeRole::SocialWorker,
            AttendeeRole::Mother,
            AttendeeRole::Other,
        ],
        social_worker_report: SocialWorkerReport::Received(d("2022-06-28")),
        decisions_issued: Some(d("2022-07-04")),
        record_circulated: Some(d("2022-07-20")),
        quality: Some(QualityGrade::RequiresImprovement),
        late_reason: LateReason::NoSocialWorkerReport.held(),
        inadequate_reason: Some("outcome_and_impact".into()),
        recommendations: vec![
            Recommendation {
                text: "Second".into(),
                owner: "SW".into(),
                due: d("2022-09-01"),
                completed: None,
            },
            Recommendation {
                text: "First".into(),
                owner: "Carer".into(),
                due: d("2022-08-01"),
                completed: Some(d("2022-07-30")),
            },
        ],
    });
    let mut bare_details = review("B2", "2023-01-15", "PN0");
    bare_details.details = Some(ReviewDetails {
        social_worker_report: SocialWorkerReport::NotReceived,
        ..Default::default()
    });
    let mut no_code = review("B2", "2023-04-01", "PN0");
    no_code.participation = None;
    Dataset {
        children: vec![c1, c2],
        episodes: vec![
            episode("A1", "2022-06-10", Some("2022-09-01")),
            episode("A1", "2022-09-01", None),
            episode("B2", "2022-12-20", None),
        ],
        reviews: vec![
            review("A1", "2022-06-30", "PN2"),
            detailed,
            bare_details,
            no_code,
        ],
        missing: vec![missing("A1", "2022-10-01", Some("2022-10-02"))],
        iros: vec![
            iro("I1"),
            Iro {
                left: Some(d("2024-01-31")),
                ..iro("I2")
            },
        ],
        allocations: vec![
            Allocation {
                child: id("A1"),
                iro: IroId("I1".into()),
                from: d("2022-06-10"),
                to: Some(d("2023-01-01")),
            },
            Allocation {
                child: id("A1"),
                iro: IroId("I2".into()),
                from: d("2023-01-01"),
                to: None,
            },
            Allocation {
                child: id("B2"),
                iro: IroId("I1".into()),
                from: d("2022-12-20"),
                to: None,
            },
        ],
        midway_checks: vec![MidwayCheck {
            child: id("A1"),
            date: d("2022-09-15"),
            iro: Some(IroId("I1".into())),
        }],
        visits: vec![
            IroVisit {
                child: id("A1"),
                date: d("2022-06-20"),
                kind: VisitKind::InPerson,
                iro: Some(IroId("I1".into())),
            },
            IroVisit {
                child: id("B2"),
                date: d("2023-01-10"),
                kind: VisitKind::Phone,
                iro: None,
            },
        ],
        challenges: vec![Challenge {
            id: 7,
            child: id("A1"),
            iro: Some(IroId("I1".into())),
            raised: d("2022-08-01"),
            themes: vec!["placement".into(), "care planning".into()],
            sub_theme: Some("stability".into()),
            stages: vec![
                ChallengeStage {
                    stage: "informal".into(),
                    started: d("2022-08-01"),
                    timescale_working_days: 5,
                    responded: Some(d("2022-08-05")),
                },
                ChallengeStage {
                    stage: "stage 1".into(),
                    started: d("2022-08-10"),
                    timescale_working_days: 10,
                    responded: None,
                },
            ],
            referred_to_cafcass: None,
            resolved: Some(d("2022-09-01")),
            outcome: Some(ChallengeOutcome::Resolved),
        }],
        reviews_known_from: Some(d("2020-04-01")),
        sibling_groups: vec![vec![id("A1"), id("B2")]],
        health_outcomes: vec![],
        review_date_changes: vec![footprint_domain::model::ReviewDateChange {
            id: 1,
            child: "A1".parse().expect("id"),
            requested_on: d("2023-01-10"),
            proposed: d("2023-02-20"),
            reason: footprint_domain::model::DateChangeReason::COURT,
            status: footprint_domain::model::DateChangeStatus::Approved,
            requested_by: "iro1".into(),
            decided_by: Some("manager".into()),
        }],
        health_assessments: vec![
            HealthAssessment {
                child: id("A1"),
                kind: AssessmentKind::Initial,
                requested: Some(d("2022-06-13")),
                done: Some(d("2022-07-05")),
            },
            HealthAssessment {
                child: id("A1"),
                kind: AssessmentKind::Review,
                requested: None,
                done: Some(d("2023-07-01")),
            },
            // Requested, not yet done.
            HealthAssessment {
                child: id("B2"),
                kind: AssessmentKind::Initial,
                requested: Some(d("2022-12-21")),
                done: None,
            },
        ],
        dental_checks: vec![DentalCheck {
            child: id("A1"),
            date: d("2022-11-01"),
        }],
        sdq_scores: vec![SdqScore {
            child: id("A1"),
            date: d("2023-06-01"),
            score: 40,
        }],
        immunisations: vec![
            ImmunisationStatus {
                child: id("A1"),
                date: d("2022-07-05"),
                up_to_date: false,
            },
            ImmunisationStatus {
                child: id("B2"),
                date: d("2023-01-05"),
                up_to_date: true,
            },
        ],
        education_plans: vec![
            EducationPlan {
                child: id("A1"),
                date: d("2022-06-20"),
                term: SchoolTerm {
                    school_year: 2021,
                    term: TermName::Summer,
                },
                quality: Some(QualityGrade::Good),
            },
            EducationPlan {
                child: id("A1"),
                date: d("2022-10-03"),
                term: SchoolTerm {
                    school_year: 2022,
                    term: TermName::Autumn,
                },
                quality: None,
            },
        ],
        return_tables: ReturnTables {
            care_leavers: vec![CareLeaverOutcome {
                child: id("A1"),
                year: "2022-23".parse().expect("year"),
                in_touch: Some(InTouch::Yes),
                activity: Some(CareLeaverActivity::F5),
                accommodation: Some(CareLeaverAccommodation::U1),
            }],
            social_workers: vec![SocialWorkerEpisode {
                child: id("B2"),
                start: d("2023-01-15"),
                end: None,
                worker: Some("SW0001".into()),
                reason: Some(SocialWorkerChangeReason::Manage),
            }],
            ..ReturnTables::default()
        },
        // The other records: their own tests (case_records.rs).
        case_records: Default::default(),
    }
}

async fn replace_and_load_round_trip(env: Env) {
    let ds = full_dataset();
    let summary = env.store.replace_dataset(&ds).await.unwrap();
    assert_eq!(
        (summary.children, summary.reviews, summary.challenges),
        (2, 4, 1)
    );
    let back = env.store.load_dataset().await.unwrap();
    assert_eq!(json(&back), json(&ds));
    assert_eq!(
        env.store.setting(REVIEWS_RECORDED_FROM).await.unwrap(),
        Some(serde_json::json!("2020-04-01"))
    );

    // New challenges get ids after the ones written.
    let raised = env
        .store
        .raise_challenge(&footprint_store::NewChallenge {
            child: id("B2"),
            iro: None,
            raised: d("2023-02-01"),
            themes: vec![],
            sub_theme: None,
            first_stage: ChallengeStage {
                stage: "informal".into(),
                started: d("2023-02-01"),
                timescale_working_days: 5,
                responded: None,
            },
        })
        .await
        .unwrap();
    assert!(raised.id > 7, "id {} reuses a written one", raised.id);

    // Replacing again leaves only the new records; users and their IROs stay.
    env.store
        .add_user(&NewUser {
            name: "iro.one".into(),
            role: Role::Iro,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            iro: Some(IroId("I1".into())),
        })
        .await
        .unwrap();
    let small = Dataset {
        children: vec![child("Z9", "2015-01-01")],
        episodes: vec![episode("Z9", "2021-01-01", None)],
        iros: vec![iro("I3")],
        ..Default::default()
    };
    env.store.replace_dataset(&small).await.unwrap();
    let back = env.store.load_dataset().await.unwrap();
    assert_eq!(back.children.len(), 1);
    assert_eq!(back.episodes.len(), 1);
    assert!(back.reviews.is_empty() && back.challenges.is_empty() && back.allocations.is_empty());
    assert!(back.sibling_groups.is_empty(), "the old sibling group went");
    let iro_ids: Vec<_> = back.iros.iter().map(|i| i.id.0.as_str()).collect();
    assert_eq!(iro_ids, ["I1", "I3"], "I1 is a user's IRO and stays");
    assert_eq!(back.reviews_known_from, None);
    assert!(env.store.user_by_name("iro.one").await.unwrap().is_some());
}
both!(replace_and_load_round_trip);

/// More rows than fit in one multi-row INSERT, to exercise the chunking.
async fn a_large_dataset_is_written_in_chunks(env: Env) {
    let n = 3_000;
    let mut ds = Dataset::default();
    for i in 0..n {
        let cid = format!("L{i:05}");
        ds.children.push(child(&cid, "2012-03-04"));
        ds.episodes
            .push(episode(&cid, "2020-01-01", Some("2021-01-01")));
        ds.episodes.push(episode(&cid, "2021-01-01", None));
        ds.reviews.push(review(&cid, "2020-01-20", "PN1"));
        ds.reviews.push(review(&cid, "2020-04-15", "PN6"));
    }
    env.store.replace_dataset(&ds).await.unwrap();
    let back = env.store.load_dataset().await.unwrap();
    assert_eq!(back.children.len(), n);
    assert_eq!(back.episodes.len(), 2 * n);
    assert_eq!(json(&back), json(&ds));
}
both!(a_large_dataset_is_written_in_chunks);

/// The size of the largest demo council: run with
/// `cargo test -p footprint-store --release -- --ignored --nocapture`
/// to see how long the bulk write and the load take.
async fn an_83000_child_council_round_trips(env: Env) {
    let n = 83_000;
    let mut ds = Dataset::default();
    for i in 0..n {
        let cid = format!("M{i:06}");
        ds.children.push(child(&cid, "2012-03-04"));
        ds.episodes
            .push(episode(&cid, "2020-01-01", Some("2021-01-01")));
        ds.episodes.push(episode(&cid, "2021-01-01", None));
        for date in ["2020-01-20", "2020-04-15", "2020-10-10", "2021-04-01"] {
            ds.reviews.push(review(&cid, date, "PN1"));
        }
    }
    let t = std::time::Instant::now();
    env.store.replace_dataset(&ds).await.unwrap();
    let written = t.elapsed();
    let back = env.store.load_dataset().await.unwrap();
    let _ = writeln!(
        std::io::stderr(),
        "{:?}: wrote {} children, {} episodes, {} reviews in {written:.2?}; loaded in {:.2?}",
        env.kind,
        n,
        ds.episodes.len(),
        ds.reviews.len(),
        t.elapsed() - written
    );
    assert_eq!(back.children.len(), n);
    assert_eq!(back.reviews.len(), ds.reviews.len());
}
mod an_83000_child_council {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "slow: run with --ignored to time the bulk write"]
    async fn sqlite() {
        crate::common::run_sqlite(super::an_83000_child_council_round_trips).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "slow: run with --ignored to time the bulk write"]
    async fn postgres() {
        crate::common::run_postgres(module_path!(), super::an_83000_child_council_round_trips).await
    }
}
