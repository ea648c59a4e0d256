//! Brothers and sisters: recorded, merged, removed, and kept with the
//! dataset.

use footprint_domain::model::Dataset;
use footprint_store::StoreError;

use crate::both;
use crate::common::Env;
use crate::fixtures::{child, id};

async fn seed(env: &Env, ids: &[&str]) {
    for c in ids {
        env.store.save_child(&child(c, "2014-04-04")).await.unwrap();
    }
}

fn ids(list: &[&str]) -> Vec<footprint_domain::model::ChildId> {
    list.iter().map(|c| id(c)).collect()
}

async fn links_make_groups_and_merge_them(env: Env) {
    seed(&env, &["A1", "B2", "C3", "D4", "E5"]).await;
    let s = &env.store;
    assert!(s.sibling_groups().await.unwrap().is_empty());
    assert!(s.sibling_group_of(&id("A1")).await.unwrap().is_empty());

    assert_eq!(
        s.link_siblings(&id("B2"), &id("A1")).await.unwrap(),
        ids(&["A1", "B2"])
    );
    // A third child joins the group through either member.
    assert_eq!(
        s.link_siblings(&id("C3"), &id("B2")).await.unwrap(),
        ids(&["A1", "B2", "C3"])
    );
    // Linking two children already together changes nothing.
    assert_eq!(
        s.link_siblings(&id("A1"), &id("C3")).await.unwrap(),
        ids(&["A1", "B2", "C3"])
    );
    // A separate group...
    s.link_siblings(&id("E5"), &id("D4")).await.unwrap();
    assert_eq!(
        s.sibling_groups().await.unwrap(),
        vec![ids(&["A1", "B2", "C3"]), ids(&["D4", "E5"])]
    );
    // ...merged with the first when two of their children are linked.
    assert_eq!(
        s.link_siblings(&id("D4"), &id("C3")).await.unwrap(),
        ids(&["A1", "B2", "C3", "D4", "E5"])
    );
    assert_eq!(
        s.sibling_groups().await.unwrap(),
        vec![ids(&["A1", "B2", "C3", "D4", "E5"])]
    );
    assert_eq!(
        s.sibling_group_of(&id("E5")).await.unwrap(),
        ids(&["A1", "B2", "C3", "D4", "E5"])
    );
    // The dataset carries the groups.
    assert_eq!(
        s.load_dataset().await.unwrap().sibling_groups,
        vec![ids(&["A1", "B2", "C3", "D4", "E5"])]
    );
}
both!(links_make_groups_and_merge_them);

async fn unlinking_leaves_the_rest_and_never_a_group_of_one(env: Env) {
    seed(&env, &["A1", "B2", "C3"]).await;
    let s = &env.store;
    s.link_siblings(&id("A1"), &id("B2")).await.unwrap();
    s.link_siblings(&id("A1"), &id("C3")).await.unwrap();
    assert!(s.unlink_sibling(&id("B2")).await.unwrap());
    assert_eq!(s.sibling_groups().await.unwrap(), vec![ids(&["A1", "C3"])]);
    assert!(s.sibling_group_of(&id("B2")).await.unwrap().is_empty());
    // Not in a group: nothing to do.
    assert!(!s.unlink_sibling(&id("B2")).await.unwrap());
    // Taking one of the last two out ends the group for both.
    assert!(s.unlink_sibling(&id("C3")).await.unwrap());
    assert!(s.sibling_groups().await.unwrap().is_empty());
    assert!(s.sibling_group_of(&id("A1")).await.unwrap().is_empty());
    assert!(!s.unlink_sibling(&id("A1")).await.unwrap());
    // A child taken out can join a new group.
    s.link_siblings(&id("C3"), &id("B2")).await.unwrap();
    assert_eq!(s.sibling_groups().await.unwrap(), vec![ids(&["B2", "C3"])]);
}
both!(unlinking_leaves_the_rest_and_never_a_group_of_one);

async fn bad_links_are_refused_and_write_nothing(env: Env) {
    seed(&env, &["A1", "B2"]).await;
    let s = &env.store;
    let Err(StoreError::Invalid(msg)) = s.link_siblings(&id("A1"), &id("A1")).await else {
        panic!("a child linked to itself")
    };
    assert!(msg.contains("A1"), "{msg}");
    let Err(StoreError::NotFound(what)) = s.link_siblings(&id("A1"), &id("Z9")).await else {
        panic!("an unknown child linked")
    };
    assert!(what.contains("Z9"), "{what}");
    assert!(matches!(
        s.link_siblings(&id("Z9"), &id("B2")).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(s.sibling_groups().await.unwrap().is_empty());
}
both!(bad_links_are_refused_and_write_nothing);

async fn every_sibling_change_moves_the_data_version(env: Env) {
    seed(&env, &["A1", "B2", "C3"]).await;
    let s = &env.store;
    let v0 = s.data_version().await.unwrap();
    s.link_siblings(&id("A1"), &id("B2")).await.unwrap();
    let v1 = s.data_version().await.unwrap();
    assert!(v1 > v0, "a link moves it");
    s.unlink_sibling(&id("B2")).await.unwrap();
    let v2 = s.data_version().await.unwrap();
    assert!(v2 > v1, "an unlink moves it");
    // Directly in the database, as another process could.
    env.raw("INSERT INTO sibling_groups (child, group_id) VALUES ('C3', 9)")
        .await
        .unwrap();
    assert!(s.data_version().await.unwrap() > v2, "any insert moves it");
}
both!(every_sibling_change_moves_the_data_version);

async fn a_child_is_in_one_group_only(env: Env) {
    seed(&env, &["A1", "B2"]).await;
    env.raw("INSERT INTO sibling_groups (child, group_id) VALUES ('A1', 1)")
        .await
        .unwrap();
    assert!(
        env.raw("INSERT INTO sibling_groups (child, group_id) VALUES ('A1', 2)")
            .await
            .is_err(),
        "a second group for A1"
    );
    assert!(
        env.raw("INSERT INTO sibling_groups (child, group_id) VALUES ('Q7', 1)")
            .await
            .is_err(),
        "a group member who is not a child"
    );
    // A group of one read from the table is no group.
    assert!(env.store.sibling_groups().await.unwrap().is_empty());
}
both!(a_child_is_in_one_group_only);

async fn replacing_the_dataset_checks_its_groups(env: Env) {
    let base = Dataset {
        children: ["A1", "B2", "C3", "D4"]
            .iter()
            .map(|c| child(c, "2014-04-04"))
            .collect(),
        ..Dataset::default()
    };
    // Unsorted, with a repeat and a group of one: stored tidy.
    let ds = Dataset {
        sibling_groups: vec![
            vec![id("D4"), id("C3")],
            vec![id("B2"), id("A1"), id("B2")],
            vec![],
        ],
        ..base.clone()
    };
    env.store.replace_dataset(&ds).await.unwrap();
    assert_eq!(
        env.store.sibling_groups().await.unwrap(),
        vec![ids(&["A1", "B2"]), ids(&["C3", "D4"])]
    );

    let twice = Dataset {
        sibling_groups: vec![ids(&["A1", "B2"]), ids(&["B2", "C3"])],
        ..base.clone()
    };
    let Err(StoreError::Invalid(msg)) = env.store.replace_dataset(&twice).await else {
        panic!("a child in two groups accepted")
    };
    assert!(msg.contains("B2") && msg.contains("more than one"), "{msg}");

    let unknown = Dataset {
        sibling_groups: vec![ids(&["A1", "X9"])],
        ..base
    };
    let Err(StoreError::Invalid(msg)) = env.store.replace_dataset(&unknown).await else {
        panic!("an unknown child accepted")
    };
    assert!(msg.contains("X9"), "{msg}");
    // Refused before anything was written: the earlier groups stand.
    assert_eq!(
        env.store.sibling_groups().await.unwrap(),
        vec![ids(&["A1", "B2"]), ids(&["C3", "D4"])]
    );
}
both!(replacing_the_dataset_checks_its_groups);

async fn a_generated_council_keeps_its_sibling_groups(env: Env) {
    let council = footprint_synth::generate_council(&footprint_synth::CouncilParams {
        children_in_care: 80,
        years: 2,
        seed: 5,
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
        with_data_problems: false,
    })
    .expect("a council");
    let groups = &council.dataset.sibling_groups;
    assert!(!groups.is_empty(), "the generator records sibling groups");
    env.store.replace_dataset(&council.dataset).await.unwrap();
    assert_eq!(
        &env.store.load_dataset().await.unwrap().sibling_groups,
        groups
    );
}
both!(a_generated_council_keeps_its_sibling_groups);
