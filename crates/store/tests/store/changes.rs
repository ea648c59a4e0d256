//! Which children changed since a data version (`changes_since`, kept by
//! the triggers of migration 7).

use footprint_domain::model::{ChallengeStage, Dataset, Iro, IroId};
use footprint_store::{Changes, NewChallenge, Store};

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, d, episode, id, review};

fn iro(n: &str) -> Iro {
    Iro {
        id: IroId(n.to_owned()),
        name: format!("IRO {n}"),
        fte: 1.0,
        started: d("2020-01-01"),
        left: None,
    }
}

/// Three children (A1, B2, C3) and an IRO, stored in bulk.
async fn three_children(store: &Store) {
    let ds = Dataset {
        children: vec![
            child("A1", "2012-01-01"),
            child("B2", "2013-02-02"),
            child("C3", "2014-03-03"),
        ],
        episodes: vec![
            episode("A1", "2022-01-10", None),
            episode("B2", "2022-02-10", None),
            episode("C3", "2022-03-10", None),
        ],
        iros: vec![iro("I1")],
        ..Dataset::default()
    };
    store.replace_dataset(&ds).await.expect("stored");
}

async fn since(store: &Store, version: i64) -> Changes {
    store.changes_since(version).await.expect("changes")
}

async fn a_review_recorded_lists_exactly_its_child(env: Env) {
    let store = &env.store;
    three_children(store).await;
    let before = store.data_version().await.unwrap();
    store
        .record_review(&review("A1", "2022-04-01", "PN1"))
        .await
        .unwrap();
    let changes = since(store, before).await;
    assert!(!changes.council_wide);
    assert_eq!(changes.children, vec![id("A1")]);
    assert_eq!(changes.version, store.data_version().await.unwrap());
    assert!(changes.version > before);

    // From the new version on, nothing more.
    let after = since(store, changes.version).await;
    assert_eq!(
        after,
        Changes {
            version: changes.version,
            children: Vec::new(),
            council_wide: false
        }
    );

    // Several writes to several children: each listed once, sorted.
    store
        .allocate(&id("C3"), &IroId("I1".into()), d("2022-03-10"), "test")
        .await
        .unwrap();
    store.link_siblings(&id("C3"), &id("B2")).await.unwrap();
    store
        .record_review(&review("A1", "2022-06-01", "PN2"))
        .await
        .unwrap();
    let changes = since(store, before).await;
    assert!(!changes.council_wide);
    assert_eq!(changes.children, vec![id("A1"), id("B2"), id("C3")]);
}
both!(a_review_recorded_lists_exactly_its_child);

async fn nothing_changed_gives_nothing_and_the_same_version(env: Env) {
    let store = &env.store;
    three_children(store).await;
    let v = store.data_version().await.unwrap();
    // Reads change nothing.
    store.load_dataset().await.unwrap();
    store.child(&id("A1")).await.unwrap();
    let changes = since(store, v).await;
    assert_eq!(
        changes,
        Changes {
            version: v,
            children: Vec::new(),
            council_wide: false
        }
    );
}
both!(nothing_changed_gives_nothing_and_the_same_version);

async fn what_is_not_one_childs_is_council_wide(env: Env) {
    let store = &env.store;
    three_children(store).await;
    let before = store.data_version().await.unwrap();
    store.save_iro(&iro("I2")).await.unwrap();
    let changes = since(store, before).await;
    assert!(changes.council_wide, "an IRO saved");
    assert!(changes.children.is_empty());
    assert_eq!(changes.version, store.data_version().await.unwrap());

    // After it, one child's change is that child's again.
    let v = changes.version;
    store
        .save_episode(&episode("B2", "2022-05-01", None))
        .await
        .unwrap();
    assert_eq!(since(store, v).await.children, vec![id("B2")]);
    // ... but from before the IRO, still everything.
    assert!(since(store, before).await.council_wide);

    let v = store.data_version().await.unwrap();
    store
        .set_setting("some_setting", &serde_json::json!(1))
        .await
        .unwrap();
    assert!(since(store, v).await.council_wide, "a setting saved");

    let v = store.data_version().await.unwrap();
    let mut b = batch("2022-23");
    b.children.push(child("D4", "2015-04-04"));
    store.import_return(&b).await.unwrap();
    let changes = since(store, v).await;
    assert!(changes.council_wide, "an import");
    assert!(
        store
            .load_dataset()
            .await
            .unwrap()
            .children
            .iter()
            .any(|c| c.id == id("D4"))
    );

    // After the import, a child's change is that child's again: the bulk
    // write put back the triggers it set aside (SQLite drops them for the
    // import's own rows).
    let v = changes.version;
    store
        .record_review(&review("D4", "2022-06-01", "PN1"))
        .await
        .unwrap();
    let changes = since(store, v).await;
    assert!(!changes.council_wide);
    assert_eq!(changes.children, vec![id("D4")]);
    // ... and so after replacing the whole dataset.
    three_children(store).await;
    let v = store.data_version().await.unwrap();
    store
        .record_review(&review("B2", "2022-06-01", "PN1"))
        .await
        .unwrap();
    assert_eq!(since(store, v).await.children, vec![id("B2")]);

    // A version from the future (a database restored from a backup, say).
    let now = store.data_version().await.unwrap();
    assert!(since(store, now + 10).await.council_wide);
}
both!(what_is_not_one_childs_is_council_wide);

async fn a_challenges_stages_count_for_its_child(env: Env) {
    let store = &env.store;
    three_children(store).await;
    let v = store.data_version().await.unwrap();
    let c = store
        .raise_challenge(&NewChallenge {
            child: id("B2"),
            iro: Some(IroId("I1".into())),
            raised: d("2022-05-01"),
            themes: vec!["placement".into()],
            sub_theme: None,
            first_stage: ChallengeStage {
                stage: "informal".into(),
                started: d("2022-05-01"),
                timescale_working_days: 10,
                responded: None,
            },
        })
        .await
        .unwrap();
    assert_eq!(since(store, v).await.children, vec![id("B2")]);
    let v = store.data_version().await.unwrap();
    store
        .respond_to_challenge(c.id, d("2022-05-05"))
        .await
        .unwrap();
    let changes = since(store, v).await;
    assert_eq!(
        (changes.children, changes.council_wide),
        (vec![id("B2")], false)
    );
}
both!(a_challenges_stages_count_for_its_child);

async fn history_older_than_what_is_kept_is_council_wide(env: Env) {
    let store = &env.store;
    three_children(store).await;
    // As if 100,999 versions had gone by: the next change reaches 101,000,
    // where the log keeps only the latest 100,000 versions.
    env.raw("UPDATE data_version SET version = 100999, changes_from = 0 WHERE id = 1")
        .await
        .unwrap();
    store
        .record_review(&review("C3", "2022-04-01", "PN1"))
        .await
        .unwrap();
    assert!(since(store, 500).await.council_wide, "older than kept");
    let kept = since(store, 100_999).await;
    assert!(!kept.council_wide);
    assert_eq!(kept.children, vec![id("C3")]);
}
both!(history_older_than_what_is_kept_is_council_wide);
