//! The 903 import: one transaction, later returns win, idempotent,
//! order-independent.

use footprint_domain::model::{AttendeeRole, ReviewDetails};
use footprint_store::{ImportBatch, ImportProblem, RecordCounts, Severity};

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, d, episode, id, json, missing, review};

/// Two overlapping returns: 2022-23 corrects and extends 2021-22.
fn two_returns() -> (ImportBatch, ImportBatch) {
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.children.push(child("B2", "2012-07-30"));
    let mut a1_old = child("A1", "2010-01-15");
    a1_old.upn = Some("UN1".into());
    y21.children[0] = a1_old;
    y21.episodes.push(episode("A1", "2021-06-01", None));
    y21.episodes
        .push(episode("B2", "2021-09-10", Some("2022-02-01")));
    y21.reviews.push(review("A1", "2021-06-25", "PN1"));
    y21.reviews.push(review("A1", "2021-09-20", "PN2"));
    y21.missing.push(missing("A1", "2021-11-01", None));

    let mut y22 = batch("2022-23");
    let mut a1_new = child("A1", "2010-01-15");
    a1_new.upn = Some("A123456789012".into());
    y22.children.push(a1_new);
    y22.children.push(child("C3", "2018-03-03"));
    // The episode open at the end of 2021-22 has closed in 2022-23.
    y22.episodes
        .push(episode("A1", "2021-06-01", Some("2022-08-01")));
    y22.episodes.push(episode("A1", "2022-08-01", None));
    y22.episodes.push(episode("C3", "2022-10-10", None));
    // A participation code corrected in the later return.
    y22.reviews.push(review("A1", "2021-09-20", "PN3"));
    y22.reviews.push(review("A1", "2022-03-15", "PN1"));
    y22.missing
        .push(missing("A1", "2021-11-01", Some("2021-11-03")));
    (y21, y22)
}

async fn later_returns_win_whatever_the_import_order(env: Env) {
    let (y21, y22) = two_returns();
    let forward = &env.store;
    forward.import_return(&y21).await.unwrap();
    let s = forward.import_return(&y22).await.unwrap();
    assert_eq!(
        s.episodes,
        RecordCounts {
            inserted: 2,
            replaced: 1,
            kept_later: 0,
            skipped: 0
        }
    );

    let backward = env.another().await;
    backward.import_return(&y22).await.unwrap();
    let s = backward.import_return(&y21).await.unwrap();
    // The earlier return's versions of A1, its first episode, the corrected
    // review and the missing episode are all older than what is stored.
    assert_eq!(
        s.children,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 1,
            skipped: 0
        }
    );
    assert_eq!(
        s.episodes,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 1,
            skipped: 0
        }
    );
    assert_eq!(
        s.reviews,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 1,
            skipped: 0
        }
    );
    assert_eq!(s.missing.kept_later, 1);

    let a = forward.load_dataset().await.unwrap();
    let b = backward.load_dataset().await.unwrap();
    assert_eq!(json(&a), json(&b), "import order changed the database");

    // And what is there is the later return's version.
    let a1 = a.children.iter().find(|c| c.id == id("A1")).unwrap();
    assert_eq!(a1.upn.as_deref(), Some("A123456789012"));
    assert_eq!(a.children.len(), 3);
    let first = a
        .episodes
        .iter()
        .find(|e| e.child == id("A1") && e.start == d("2021-06-01"))
        .unwrap();
    assert_eq!(first.end, Some(d("2022-08-01")));
    assert_eq!(a.episodes.len(), 4);
    let corrected = a
        .reviews
        .iter()
        .find(|r| r.date == d("2021-09-20"))
        .unwrap();
    assert_eq!(corrected.participation.map(|p| p.code()), Some("PN3"));
    assert_eq!(a.reviews.len(), 3);
    assert_eq!(a.missing[0].end, Some(d("2021-11-03")));
    // Reviews are known from the start of the earliest year imported.
    assert_eq!(a.reviews_known_from, Some(d("2021-04-01")));
    assert_eq!(b.reviews_known_from, Some(d("2021-04-01")));
}
both!(later_returns_win_whatever_the_import_order);

async fn importing_the_same_return_twice_changes_nothing(env: Env) {
    let (y21, _) = two_returns();
    let first = env.store.import_return(&y21).await.unwrap();
    assert_eq!(first.children.inserted, 2);
    assert_eq!(first.episodes.inserted, 2);
    let before = env.store.load_dataset().await.unwrap();
    let second = env.store.import_return(&y21).await.unwrap();
    assert_eq!(
        second.children,
        RecordCounts {
            inserted: 0,
            replaced: 2,
            kept_later: 0,
            skipped: 0
        }
    );
    assert_eq!(second.reviews.inserted, 0);
    let after = env.store.load_dataset().await.unwrap();
    assert_eq!(json(&before), json(&after));
    // Both runs are on record.
    let runs = env.store.import_runs().await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].inserted, 2 + 2 + 2 + 1);
    assert_eq!(runs[1].replaced, 2 + 2 + 2 + 1);
    assert!(
        runs.iter()
            .all(|r| r.year == y21.year && r.source == "903 2021-22")
    );
}
both!(importing_the_same_return_twice_changes_nothing);

async fn an_import_keeps_the_review_details_recorded_in_footprint(env: Env) {
    let (y21, y22) = two_returns();
    env.store.import_return(&y21).await.unwrap();
    let mut r = review("A1", "2021-09-20", "PN2");
    r.details = Some(ReviewDetails {
        attendance: vec![AttendeeRole::Mother, AttendeeRole::Health],
        ..Default::default()
    });
    env.store.update_review(&r).await.unwrap();
    env.store.import_return(&y22).await.unwrap();
    let stored = env
        .store
        .review(&id("A1"), d("2021-09-20"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.participation.map(|p| p.code()),
        Some("PN3"),
        "903 field from the later return"
    );
    assert_eq!(stored.details, r.details, "details untouched by the import");
}
both!(an_import_keeps_the_review_details_recorded_in_footprint);

async fn problems_are_recorded_and_orphans_skipped(env: Env) {
    let mut b = batch("2023-24");
    b.children.push(child("K1", "2016-02-02"));
    b.episodes.push(episode("K1", "2023-05-05", None));
    b.episodes.push(episode("NOHEADER", "2023-06-06", None));
    b.reviews.push(review("NOHEADER", "2023-07-01", "PN1"));
    b.problems.push(ImportProblem {
        file: "episodes.csv".into(),
        line: Some(7),
        column: Some("PLACE".into()),
        value: Some("X9".into()),
        rule: Some("103".into()),
        message: "X9 is not a placement type".into(),
        severity: Severity::Error,
    });
    let s = env.store.import_return(&b).await.unwrap();
    assert_eq!(
        s.episodes,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 0,
            skipped: 1
        }
    );
    assert_eq!(s.reviews.skipped, 1);
    assert_eq!(s.problems, 3);
    let problems = env.store.import_problems(s.run).await.unwrap();
    assert_eq!(problems.len(), 3);
    assert_eq!(
        problems[0], b.problems[0],
        "the reader's problem round-trips"
    );
    assert!(problems[1].message.contains("NOHEADER"));
    assert_eq!(problems[1].value.as_deref(), Some("NOHEADER"));
    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(ds.episodes.len(), 1);
    assert!(ds.reviews.is_empty());
    let runs = env.store.import_runs().await.unwrap();
    assert_eq!(runs[0].problems, 3);
}
both!(problems_are_recorded_and_orphans_skipped);

async fn a_failed_import_leaves_nothing_behind(env: Env) {
    let (y21, _) = two_returns();
    env.store.import_return(&y21).await.unwrap();
    let before = env.store.load_dataset().await.unwrap();
    // Make the last write of the import (its problems) fail: everything
    // written before it in the transaction must roll back.
    env.raw("DROP TABLE import_problems").await.unwrap();
    let mut b = batch("2022-23");
    b.children.push(child("NEW1", "2019-01-01"));
    b.episodes.push(episode("NEW1", "2022-04-04", None));
    b.episodes
        .push(episode("A1", "2021-06-01", Some("2022-05-05")));
    b.problems.push(ImportProblem {
        file: "header.csv".into(),
        line: Some(2),
        column: None,
        value: None,
        rule: None,
        message: "a warning".into(),
        severity: Severity::Warning,
    });
    let err = env.store.import_return(&b).await.unwrap_err();
    assert!(err.to_string().contains("import_problems"), "{err}");
    let after = env.store.load_dataset().await.unwrap();
    assert_eq!(
        json(&before),
        json(&after),
        "a failed import changed the database"
    );
    assert_eq!(env.store.import_runs().await.unwrap().len(), 1);
}
both!(a_failed_import_leaves_nothing_behind);
