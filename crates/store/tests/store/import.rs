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
    // A review of the year before, sent again with another code: the
    // 2021-22 return, whose year holds its date, decides.
    y22.reviews.push(review("A1", "2021-09-20", "PN3"));
    y22.reviews.push(review("A1", "2022-05-15", "PN1"));
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
            skipped: 0,
            removed: 0,
        }
    );

    let backward = env.another().await;
    backward.import_return(&y22).await.unwrap();
    let s = backward.import_return(&y21).await.unwrap();
    // The earlier return's versions of A1, its first episode and the missing
    // episode are overridden by the later return's; the review of 2021-22
    // is the 2021-22 return's.
    assert_eq!(
        s.children,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 1,
            skipped: 0,
            removed: 0,
        }
    );
    assert_eq!(
        s.episodes,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 1,
            skipped: 0,
            removed: 0,
        }
    );
    assert_eq!(
        s.reviews,
        RecordCounts {
            inserted: 1,
            replaced: 1,
            kept_later: 0,
            skipped: 0,
            removed: 0,
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
    assert_eq!(corrected.participation.map(|p| p.code()), Some("PN2"));
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
            skipped: 0,
            removed: 0,
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
    let (y21, _) = two_returns();
    env.store.import_return(&y21).await.unwrap();
    let mut r = review("A1", "2021-09-20", "PN2");
    r.details = Some(ReviewDetails {
        attendance: vec![AttendeeRole::Mother, AttendeeRole::Health],
        ..Default::default()
    });
    env.store.update_review(&r).await.unwrap();
    // The return sent again with the code corrected: the 903 review merges.
    let mut corrected = y21.clone();
    corrected.reviews[1] = review("A1", "2021-09-20", "PN3");
    env.store.import_return(&corrected).await.unwrap();
    let stored = env
        .store
        .review(&id("A1"), d("2021-09-20"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.participation.map(|p| p.code()),
        Some("PN3"),
        "903 field from the corrected return"
    );
    assert_eq!(stored.details, r.details, "details untouched by the import");
    // A return that no longer lists it removes the 903 review without
    // details, never one with details.
    let mut without = y21.clone();
    without.reviews.clear();
    let s = env.store.import_return(&without).await.unwrap();
    assert_eq!(s.reviews.removed, 1);
    let kept = env.store.review(&id("A1"), d("2021-09-20")).await.unwrap();
    assert_eq!(kept.and_then(|k| k.details), r.details);
    assert!(
        env.store
            .review(&id("A1"), d("2021-06-25"))
            .await
            .unwrap()
            .is_none()
    );
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
            skipped: 1,
            removed: 0,
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

async fn a_key_repeated_in_one_return_is_counted_as_upserted_in_turn(env: Env) {
    // A return should not hold a key twice, but the store must not fail on
    // one that does (a multi-row upsert cannot touch one row twice): the
    // last record wins, and the counts are those of upserting each in turn.
    let mut b = batch("2021-22");
    b.children.push(child("A1", "2010-01-15"));
    let mut again = child("A1", "2010-01-15");
    again.upn = Some("A123456789012".into());
    b.children.push(again);
    b.episodes.push(episode("A1", "2021-06-01", None));
    b.episodes
        .push(episode("A1", "2021-06-01", Some("2021-08-01")));
    b.reviews.push(review("A1", "2021-06-25", "PN1"));
    b.reviews.push(review("A1", "2021-06-25", "PN4"));
    b.reviews.push(review("A1", "2021-06-25", "PN2"));
    let s = env.store.import_return(&b).await.unwrap();
    let one_new = |replaced| RecordCounts {
        inserted: 1,
        replaced,
        kept_later: 0,
        skipped: 0,
        removed: 0,
    };
    assert_eq!(s.children, one_new(1));
    assert_eq!(s.episodes, one_new(1));
    assert_eq!(s.reviews, one_new(2));
    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(ds.children.len(), 1);
    assert_eq!(ds.children[0].upn.as_deref(), Some("A123456789012"));
    assert_eq!(ds.episodes.len(), 1);
    assert_eq!(ds.episodes[0].end, Some(d("2021-08-01")));
    assert_eq!(ds.reviews.len(), 1);
    assert_eq!(ds.reviews[0].participation.map(|p| p.code()), Some("PN2"));

    // The same keys again from an earlier return: every copy is kept out.
    let mut older = b.clone();
    older.year = "2020-21".parse().unwrap();
    let s = env.store.import_return(&older).await.unwrap();
    assert_eq!(s.children.kept_later, 2);
    assert_eq!(s.reviews.kept_later, 3);
    let after = env.store.load_dataset().await.unwrap();
    assert_eq!(json(&after.children), json(&ds.children));
    assert_eq!(json(&after.episodes), json(&ds.episodes));
    assert_eq!(json(&after.reviews), json(&ds.reviews));
}
both!(a_key_repeated_in_one_return_is_counted_as_upserted_in_turn);

async fn a_big_return_is_written_whole_with_progress_every_thousand_records(env: Env) {
    // More rows than one multi-row statement holds, so the writes go out in
    // several; part of them already stored from a later return.
    let n = 2_500;
    let mut later = batch("2022-23");
    let mut b = batch("2021-22");
    for i in 0..n {
        let cid = format!("C{i:05}");
        b.children.push(child(&cid, "2012-03-04"));
        for start in ["2021-04-10", "2021-07-10"] {
            b.episodes.push(episode(&cid, start, None));
        }
        b.reviews.push(review(&cid, "2021-05-01", "PN1"));
        if i % 10 == 0 {
            later.children.push(child(&cid, "2012-03-04"));
            let mut e = episode(&cid, "2021-07-10", Some("2022-05-05"));
            e.home_postcode = Some("ZZ9 9ZZ".into());
            later.episodes.push(e);
        }
    }
    env.store.import_return(&later).await.unwrap();
    let mut seen = Vec::new();
    let s = env
        .store
        .import_return_with_progress(&b, &mut |p| seen.push((p.stage, p.done, p.total)))
        .await
        .unwrap();
    assert_eq!(s.children.inserted, n as u64 - 250);
    assert_eq!(s.children.kept_later, 250);
    assert_eq!(s.episodes.inserted, 2 * n as u64 - 250);
    assert_eq!(s.episodes.kept_later, 250);
    assert_eq!(s.reviews.inserted, n as u64);

    let mut expected = Vec::new();
    for (stage, total) in [
        ("children", n),
        ("episodes", 2 * n),
        ("reviews", n),
        ("missing", 0),
        ("health outcomes", 0),
    ] {
        expected.extend((0..=total / 1_000).map(|k| (stage, k * 1_000, total)));
    }
    assert_eq!(seen, expected);

    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(ds.children.len(), n);
    assert_eq!(ds.episodes.len(), 2 * n);
    assert_eq!(ds.reviews.len(), n);
    let kept: Vec<_> = ds
        .episodes
        .iter()
        .filter(|e| e.home_postcode.as_deref() == Some("ZZ9 9ZZ"))
        .collect();
    assert_eq!(kept.len(), 250, "the later return's episodes stay");
    assert!(kept.iter().all(|e| e.end == Some(d("2022-05-05"))));
}
both!(a_big_return_is_written_whole_with_progress_every_thousand_records);

async fn any_text_goes_through_the_import_as_it_was(env: Env) {
    // The rows travel to the database as JSON: quotes, backslashes, control
    // characters and non-ASCII text must come back unchanged.
    let odd = "Q\"uote \\ back\tslash\n new\u{1}line é 😀";
    let mut b = batch("2021-22");
    let mut c = child("A1", "2010-01-15");
    c.upn = Some(odd.to_owned());
    b.children.push(c);
    let mut e = episode("A1", "2021-06-01", None);
    e.home_postcode = Some(odd.to_owned());
    e.urn = Some("\u{7f}\u{1f}".to_owned());
    b.episodes.push(e);
    env.store.import_return(&b).await.unwrap();
    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(ds.children[0].upn.as_deref(), Some(odd));
    assert_eq!(ds.episodes[0].home_postcode.as_deref(), Some(odd));
    assert_eq!(ds.episodes[0].urn.as_deref(), Some("\u{7f}\u{1f}"));
    assert_eq!(json(&ds.episodes[0]), json(&b.episodes[0]));
}
both!(any_text_goes_through_the_import_as_it_was);
