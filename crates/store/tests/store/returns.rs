//! Every return kept as it came, and the council's records derived from all
//! of them: a corrected episode leaves no stale one, an episode left open is
//! listed, and any set of returns imported in any order gives the same
//! records.

use footprint_store::{ImportBatch, Store};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, d, episode, id, json, missing, review};

/// The corrected-episode case of issue 12: 2021-22 has the episode from
/// 01/06/2021, open; 2022-23 has it from 15/05/2021, ended 01/09/2022 (E4A).
async fn a_corrected_episode_leaves_no_stale_one(env: Env) {
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.episodes.push(episode("A1", "2021-06-01", None));
    let mut y22 = batch("2022-23");
    y22.children.push(child("A1", "2010-01-15"));
    let mut corrected = episode("A1", "2021-05-15", Some("2022-09-01"));
    corrected.reason_ceased = Some("E4A".parse().unwrap());
    y22.episodes.push(corrected.clone());

    env.store.import_return(&y21).await.unwrap();
    let s = env.store.import_return(&y22).await.unwrap();
    assert_eq!(s.episodes.inserted, 1);
    assert_eq!(s.episodes.removed, 1, "the stale episode goes");
    assert!(s.left_open.is_empty());
    let forward = env.store.load_dataset().await.unwrap();
    assert_eq!(forward.episodes, vec![corrected]);

    let backward = env.another().await;
    backward.import_return(&y22).await.unwrap();
    let s = backward.import_return(&y21).await.unwrap();
    assert_eq!(s.episodes.kept_later, 1);
    assert_eq!(
        json(&forward),
        json(&backward.load_dataset().await.unwrap())
    );

    // Importing 2021-22 again changes nothing: it is replaced, and the
    // later return still wins.
    env.store.import_return(&y21).await.unwrap();
    assert_eq!(
        json(&forward),
        json(&env.store.load_dataset().await.unwrap())
    );
}
both!(a_corrected_episode_leaves_no_stale_one);

/// An episode 2021-22 left open, in a 2022-23 return that does not mention
/// the child: kept as given, and listed.
async fn an_episode_left_open_is_kept_and_listed(env: Env) {
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.children.push(child("B2", "2011-01-15"));
    y21.episodes.push(episode("A1", "2021-06-01", None));
    y21.episodes.push(episode("B2", "2021-06-01", None));
    let mut y22 = batch("2022-23");
    y22.children.push(child("B2", "2011-01-15"));
    y22.episodes
        .push(episode("B2", "2021-06-01", Some("2022-06-01")));
    env.store.import_return(&y21).await.unwrap();
    let s = env.store.import_return(&y22).await.unwrap();
    assert_eq!(s.left_open.len(), 1);
    let left = &s.left_open[0];
    assert_eq!(
        (left.child.clone(), left.start),
        (id("A1"), d("2021-06-01"))
    );
    assert_eq!(left.from_return, "2021-22".parse().unwrap());
    assert_eq!(env.store.open_episodes_left().await.unwrap(), s.left_open);
    let problems = env.store.import_problems(s.run).await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("no later return")),
        "{problems:?}"
    );
    let ds = env.store.load_dataset().await.unwrap();
    assert!(
        ds.episodes
            .iter()
            .any(|e| e.child == id("A1") && e.end.is_none())
    );
}
both!(an_episode_left_open_is_kept_and_listed);

/// A small return of year `2019 + y` from generated rows.
fn a_return() -> impl Strategy<Value = ImportBatch> {
    (
        0i32..4,
        proptest::collection::vec(
            (0usize..3, 0u64..1400, proptest::option::of(1u64..500)),
            0..5,
        ),
        proptest::collection::vec((0usize..3, 0u64..1400, 0usize..3), 0..4),
        proptest::collection::vec(
            (0usize..3, 0u64..1400, proptest::option::of(1u64..30)),
            0..3,
        ),
    )
        .prop_map(|(y, eps, revs, mis)| {
            let names = ["A1", "B2", "C3"];
            let day = |n: u64| (d("2019-04-01") + chrono::Days::new(n)).to_string();
            let mut b = batch(&format!("{}-{:02}", 2019 + y, (20 + y) % 100));
            for n in names {
                b.children.push(child(n, "2008-03-03"));
            }
            for (c, s, len) in eps {
                let end = len.map(|l| day(s + l));
                b.episodes.push(episode(names[c], &day(s), end.as_deref()));
            }
            for (c, s, p) in revs {
                b.reviews
                    .push(review(names[c], &day(s), ["PN1", "PN2", "PN3"][p]));
            }
            for (c, s, len) in mis {
                let end = len.map(|l| day(s + l));
                b.missing.push(missing(names[c], &day(s), end.as_deref()));
            }
            // One record per key, as the reader makes sure.
            b.episodes.sort_by_key(|e| (e.child.clone(), e.start));
            b.episodes.dedup_by_key(|e| (e.child.clone(), e.start));
            b.reviews.sort_by_key(|r| (r.child.clone(), r.date));
            b.reviews.dedup_by_key(|r| (r.child.clone(), r.date));
            b.missing.sort_by_key(|m| (m.child.clone(), m.start));
            b.missing.dedup_by_key(|m| (m.child.clone(), m.start));
            b
        })
}

async fn import_all(store: &Store, returns: &[ImportBatch]) -> serde_json::Value {
    for r in returns {
        store.import_return(r).await.unwrap();
    }
    records_held(store).await
}

async fn records_held(store: &Store) -> serde_json::Value {
    let mut ds = store.load_dataset().await.unwrap();
    // The earliest year imported differs only when a year was imported
    // and replaced; it is not a 903 record.
    ds.reviews_known_from = None;
    json(&ds)
}

/// Any set of returns (a year may come twice: the second replaces the
/// first) imported in any order gives the same records; so do the returns
/// held imported together in one go, and some one by one then the rest
/// together.
async fn any_order_of_returns_gives_the_same_records(env: Env) {
    let mut runner = TestRunner::new(Config {
        cases: 12,
        ..Config::default()
    });
    let strategy = (proptest::collection::vec(a_return(), 1..5), any::<u64>());
    for _ in 0..12 {
        let (returns, seed) = strategy.new_tree(&mut runner).unwrap().current();
        // The set held: the last return of each year.
        let mut held: Vec<ImportBatch> = Vec::new();
        for r in &returns {
            held.retain(|h| h.year != r.year);
            held.push(r.clone());
        }
        let mut shuffled = held.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a = import_all(&env.another().await, &returns).await;
        let b = import_all(&env.another().await, &shuffled).await;
        assert_eq!(a, b, "returns {returns:?}, imported as {shuffled:?}");
        let together = env.another().await;
        let summaries = together.import_returns(shuffled.clone()).await.unwrap();
        assert_eq!(summaries.len(), shuffled.len());
        assert!(summaries.windows(2).all(|w| w[0].year < w[1].year));
        assert_eq!(
            a,
            records_held(&together).await,
            "returns {returns:?}, imported together"
        );
        let split = env.another().await;
        let (first, rest) = shuffled.split_at(shuffled.len() / 2);
        for r in first {
            split.import_return(r).await.unwrap();
        }
        split.import_returns(rest.to_vec()).await.unwrap();
        assert_eq!(
            a,
            records_held(&split).await,
            "returns {returns:?}, {first:?} one by one, then the rest together"
        );
    }
}
both!(any_order_of_returns_gives_the_same_records);

/// Two returns of one year given together are refused, and nothing of
/// either is written.
async fn two_returns_of_one_year_together_are_refused(env: Env) {
    let mut a = batch("2021-22");
    a.children.push(child("A1", "2010-01-15"));
    let mut b = batch("2021-22");
    b.children.push(child("B2", "2011-01-15"));
    let e = env.store.import_returns(vec![a, b]).await.unwrap_err();
    assert!(e.to_string().contains("two returns for 2021-22"), "{e}");
    assert!(env.store.import_runs().await.unwrap().is_empty());
    assert!(env.store.load_dataset().await.unwrap().children.is_empty());
}
both!(two_returns_of_one_year_together_are_refused);

/// A database from before returns were kept (schema 8) holds records but no
/// returns: the first import copies the records held in as the returns of
/// their years, so deriving again loses none of them.
async fn records_held_before_returns_were_kept_are_not_lost(env: Env) {
    use footprint_store::DbKind;
    use sqlx::Connection as _;
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.children.push(child("B2", "2011-01-15"));
    y21.episodes.push(episode("A1", "2021-06-01", None));
    y21.episodes
        .push(episode("B2", "2021-06-01", Some("2021-09-01")));
    y21.reviews.push(review("A1", "2021-07-01", "PN1"));
    env.store.import_return(&y21).await.unwrap();
    // As schema 8 left it: the records, no returns.
    match env.kind {
        DbKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&env.url).await.unwrap();
            sqlx::query("DELETE FROM returns_held")
                .execute(&mut c)
                .await
                .unwrap();
        }
        DbKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(&env.url).await.unwrap();
            sqlx::query("DELETE FROM returns_held")
                .execute(&mut c)
                .await
                .unwrap();
        }
    }
    let mut y22 = batch("2022-23");
    y22.children.push(child("A1", "2010-01-15"));
    y22.episodes
        .push(episode("A1", "2021-06-01", Some("2022-05-01")));
    let s = env.store.import_return(&y22).await.unwrap();
    assert_eq!(s.episodes.removed, 0);
    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(ds.episodes.len(), 2, "B2's episode is still held");
    assert_eq!(ds.reviews.len(), 1, "A1's 2021-22 review is still held");
    let a1 = ds.episodes.iter().find(|e| e.child == id("A1")).unwrap();
    assert_eq!(a1.end, Some(d("2022-05-01")));
}
both!(records_held_before_returns_were_kept_are_not_lost);

/// The schema as the database lists it: every table, index and trigger
/// with its statement (SQLite), or every index (PostgreSQL).
async fn schema_listed(env: &Env) -> Vec<(String, String)> {
    use footprint_store::DbKind;
    use sqlx::Connection as _;
    match env.kind {
        DbKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&env.url).await.unwrap();
            let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&mut c)
                .await
                .unwrap();
            assert_eq!(check, "ok", "every index holds its table's rows");
            let orphans: Vec<(String, i64)> =
                sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            assert!(
                orphans.is_empty(),
                "every record's child is held: {orphans:?}"
            );
            sqlx::query_as("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        DbKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(&env.url).await.unwrap();
            sqlx::query_as(
                "SELECT indexname::text, indexdef FROM pg_indexes \
                 WHERE schemaname = current_schema() ORDER BY 1",
            )
            .fetch_all(&mut c)
            .await
            .unwrap()
        }
    }
}

/// An import into an empty database writes its tables whole, so SQLite
/// makes their date indexes after the rows rather than row by row: the
/// indexes and triggers are all there after, and hold every row; a later
/// import that writes a little beside much keeps them as they are. SQLite
/// does not look up each record's child during an import (the import
/// does): no record names a child not held.
async fn an_import_leaves_every_index_and_trigger_in_place(env: Env) {
    let schema = schema_listed(&env).await;
    assert!(
        schema.iter().any(|(name, _)| name == "episodes_end_date"),
        "{schema:?}"
    );
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.children.push(child("B2", "2011-01-15"));
    y21.episodes.push(episode("A1", "2021-06-01", None));
    y21.episodes
        .push(episode("B2", "2021-06-01", Some("2021-09-01")));
    y21.reviews.push(review("A1", "2021-07-01", "PN1"));
    y21.missing
        .push(missing("A1", "2021-08-01", Some("2021-08-03")));
    // A child no Header has and none held: skipped, never written.
    y21.episodes.push(episode("Z9", "2021-06-01", None));
    let s = env.store.import_return(&y21).await.unwrap();
    assert_eq!(s.episodes.skipped, 1);
    assert_eq!(schema_listed(&env).await, schema);
    let mut y22 = batch("2022-23");
    y22.children.push(child("A1", "2010-01-15"));
    y22.episodes.push(episode("A1", "2021-06-01", None));
    env.store.import_return(&y22).await.unwrap();
    assert_eq!(schema_listed(&env).await, schema);
    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!((ds.episodes.len(), ds.reviews.len()), (2, 1));
}
both!(an_import_leaves_every_index_and_trigger_in_place);
