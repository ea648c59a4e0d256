//! Children's names: recorded in Footprint, kept through 903 imports,
//! imported all or nothing, and carried with the dataset.

use footprint_domain::model::{ChildName, Dataset};
use footprint_store::StoreError;

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, id};

fn name(given: &str, family: &str) -> ChildName {
    ChildName::new(given, family).unwrap()
}

async fn a_name_is_recorded_changed_and_removed(env: Env) {
    let s = &env.store;
    s.save_child(&child("A1", "2014-04-04")).await.unwrap();
    assert_eq!(s.child(&id("A1")).await.unwrap().unwrap().child.name, None);

    s.set_child_name(&id("A1"), Some(&name("Amara", "Okafor")))
        .await
        .unwrap();
    let got = s.child(&id("A1")).await.unwrap().unwrap().child.name;
    assert_eq!(got, Some(name("Amara", "Okafor")));
    assert_eq!(
        s.list_children().await.unwrap()[0].name,
        Some(name("Amara", "Okafor"))
    );

    s.set_child_name(&id("A1"), Some(&name("Amara", "Okafor-Jones")))
        .await
        .unwrap();
    assert_eq!(
        s.load_dataset().await.unwrap().children[0].name,
        Some(name("Amara", "Okafor-Jones"))
    );

    s.set_child_name(&id("A1"), None).await.unwrap();
    assert_eq!(s.child(&id("A1")).await.unwrap().unwrap().child.name, None);

    let err = s
        .set_child_name(&id("ZZ9"), Some(&name("Sam", "Smith")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}
both!(a_name_is_recorded_changed_and_removed);

async fn saving_a_child_saves_its_name(env: Env) {
    let s = &env.store;
    let mut c = child("A1", "2014-04-04");
    c.name = Some(name("Jo", "Bloggs"));
    s.save_child(&c).await.unwrap();
    assert_eq!(s.list_children().await.unwrap()[0].name, c.name);
    c.name = None;
    s.save_child(&c).await.unwrap();
    assert_eq!(s.list_children().await.unwrap()[0].name, None);
}
both!(saving_a_child_saves_its_name);

async fn a_903_import_keeps_the_names_recorded_in_footprint(env: Env) {
    let s = &env.store;
    let mut y = batch("2022-23");
    y.children.push(child("A1", "2014-04-04"));
    s.import_return(&y).await.unwrap();
    s.set_child_name(&id("A1"), Some(&name("Amara", "Okafor")))
        .await
        .unwrap();
    // A later return rewrites the child's 903 fields; the name stays.
    let mut later = batch("2023-24");
    let mut corrected = child("A1", "2014-04-04");
    corrected.upn = Some("A123456789012".into());
    later.children.push(corrected);
    s.import_return(&later).await.unwrap();
    let got = s.child(&id("A1")).await.unwrap().unwrap().child;
    assert_eq!(got.upn.as_deref(), Some("A123456789012"));
    assert_eq!(got.name, Some(name("Amara", "Okafor")));
}
both!(a_903_import_keeps_the_names_recorded_in_footprint);

async fn importing_names_is_all_or_nothing(env: Env) {
    let s = &env.store;
    for c in ["A1", "B2"] {
        s.save_child(&child(c, "2014-04-04")).await.unwrap();
    }
    s.set_child_name(&id("B2"), Some(&name("Old", "Name")))
        .await
        .unwrap();
    let version = s.data_version().await.unwrap();
    // One unknown child: nothing is written.
    let err = s
        .import_child_names(&[
            (id("A1"), name("Amara", "Okafor")),
            (id("ZZ9"), name("Sam", "Smith")),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref w) if w.contains("ZZ9")),
        "{err:?}"
    );
    let ds = s.load_dataset().await.unwrap();
    assert_eq!(ds.children[0].name, None);
    assert_eq!(ds.children[1].name, Some(name("Old", "Name")));
    assert_eq!(s.data_version().await.unwrap(), version);

    s.import_child_names(&[
        (id("A1"), name("Amara", "Okafor")),
        (id("B2"), name("Ben", "Ade")),
    ])
    .await
    .unwrap();
    let ds = s.load_dataset().await.unwrap();
    assert_eq!(ds.children[0].name, Some(name("Amara", "Okafor")));
    assert_eq!(ds.children[1].name, Some(name("Ben", "Ade")));
    // The web pages' cached dataset reloads when a name changes.
    assert!(s.data_version().await.unwrap() > version);
}
both!(importing_names_is_all_or_nothing);

async fn the_dataset_carries_names_both_ways(env: Env) {
    let s = &env.store;
    let mut a = child("A1", "2014-04-04");
    a.name = Some(name("Amara", "Okafor"));
    let ds = Dataset {
        children: vec![a, child("B2", "2015-05-05")],
        ..Dataset::default()
    };
    s.replace_dataset(&ds).await.unwrap();
    let back = s.load_dataset().await.unwrap();
    assert_eq!(back.children, ds.children);
    // Replacing again (a regenerated council) replaces the names too.
    s.replace_dataset(&Dataset {
        children: vec![child("A1", "2014-04-04")],
        ..Dataset::default()
    })
    .await
    .unwrap();
    assert_eq!(s.load_dataset().await.unwrap().children[0].name, None);
}
both!(the_dataset_carries_names_both_ways);
