//! Health outcomes (903 OC2): stored by (child, collection year), imported
//! in the return's transaction, loaded, cleared and read per child.

use footprint_domain::codes::SdqReason;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::{Dataset, HealthOutcomes};
use footprint_store::RecordCounts;

use crate::both;
use crate::common::Env;
use crate::fixtures::{batch, child, episode, id, json};

fn outcomes(c: &str, year: i32) -> HealthOutcomes {
    HealthOutcomes {
        child: id(c),
        year: CollectionYear::new(year),
        sdq_score: Some(12),
        sdq_reason: None,
        convicted: Some(false),
        health_check: None,
        immunisations: Some(true),
        teeth_check: Some(false),
        health_assessment: Some(true),
        substance_misuse: Some(true),
        intervention_received: Some(false),
        intervention_offered: Some(true),
    }
}

async fn oc2_rows_are_imported_per_year_and_a_corrected_return_replaces_them(env: Env) {
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.episodes.push(episode("A1", "2019-06-01", None));
    y21.health_outcomes.push(outcomes("A1", 2021));
    // A child not in the database nor in the batch: skipped, with a problem.
    y21.health_outcomes.push(outcomes("Z9", 2021));
    let before = env.store.data_version().await.unwrap();
    let s = env.store.import_return(&y21).await.unwrap();
    assert_eq!(
        s.health_outcomes,
        RecordCounts {
            inserted: 1,
            replaced: 0,
            kept_later: 0,
            skipped: 1,
            removed: 0,
        }
    );
    assert!(env.store.data_version().await.unwrap() > before);

    let mut y22 = batch("2022-23");
    y22.children.push(child("A1", "2010-01-15"));
    y22.episodes.push(episode("A1", "2019-06-01", None));
    let mut later = outcomes("A1", 2022);
    later.sdq_score = None;
    later.sdq_reason = Some(SdqReason::YoungPersonRefused);
    y22.health_outcomes.push(later.clone());
    let s = env.store.import_return(&y22).await.unwrap();
    assert_eq!(s.health_outcomes.inserted, 1, "another year is another row");

    let ds = env.store.load_dataset().await.unwrap();
    assert_eq!(
        ds.health_outcomes,
        vec![outcomes("A1", 2021), later.clone()]
    );

    // The 2021-22 return again, corrected: its row is replaced.
    let mut corrected = y21.clone();
    corrected.health_outcomes = vec![HealthOutcomes {
        teeth_check: Some(true),
        ..outcomes("A1", 2021)
    }];
    let s = env.store.import_return(&corrected).await.unwrap();
    assert_eq!(
        s.health_outcomes,
        RecordCounts {
            inserted: 0,
            replaced: 1,
            kept_later: 0,
            skipped: 0,
            removed: 0,
        }
    );
    let record = env.store.child(&id("A1")).await.unwrap().unwrap();
    assert_eq!(record.health_outcomes.len(), 2);
    assert_eq!(record.health_outcomes[0].teeth_check, Some(true));
    assert_eq!(record.health_outcomes[1], later);
}
both!(oc2_rows_are_imported_per_year_and_a_corrected_return_replaces_them);

async fn import_order_does_not_change_the_health_outcomes(env: Env) {
    let mut y21 = batch("2021-22");
    y21.children.push(child("A1", "2010-01-15"));
    y21.health_outcomes.push(outcomes("A1", 2021));
    // An OC2 row carried by a later batch for the earlier year: the return
    // of that year decides, whichever is imported first.
    let mut y22 = batch("2022-23");
    y22.children.push(child("A1", "2010-01-15"));
    y22.health_outcomes.push(HealthOutcomes {
        sdq_score: Some(30),
        ..outcomes("A1", 2021)
    });
    env.store.import_return(&y21).await.unwrap();
    env.store.import_return(&y22).await.unwrap();
    let backward = env.another().await;
    backward.import_return(&y22).await.unwrap();
    let s = backward.import_return(&y21).await.unwrap();
    assert_eq!(s.health_outcomes.replaced, 1);
    let a = env.store.load_dataset().await.unwrap();
    let b = backward.load_dataset().await.unwrap();
    assert_eq!(json(&a), json(&b));
    assert_eq!(
        a.health_outcomes[0].sdq_score,
        outcomes("A1", 2021).sdq_score
    );
}
both!(import_order_does_not_change_the_health_outcomes);

async fn replacing_the_dataset_stores_and_clears_health_outcomes(env: Env) {
    let ds = Dataset {
        children: vec![child("A1", "2010-01-15"), child("B2", "2012-07-30")],
        health_outcomes: vec![
            outcomes("A1", 2021),
            HealthOutcomes {
                sdq_score: None,
                sdq_reason: Some(SdqReason::Disability),
                convicted: None,
                immunisations: None,
                teeth_check: None,
                health_assessment: None,
                substance_misuse: None,
                intervention_received: None,
                intervention_offered: None,
                ..outcomes("B2", 2022)
            },
        ],
        ..Dataset::default()
    };
    let written = env.store.replace_dataset(&ds).await.unwrap();
    assert_eq!(written.health_outcomes, 2);
    let back = env.store.load_dataset().await.unwrap();
    assert_eq!(back.health_outcomes, ds.health_outcomes);

    let empty = Dataset {
        children: vec![child("A1", "2010-01-15")],
        ..Dataset::default()
    };
    env.store.replace_dataset(&empty).await.unwrap();
    assert!(
        env.store
            .load_dataset()
            .await
            .unwrap()
            .health_outcomes
            .is_empty()
    );
}
both!(replacing_the_dataset_stores_and_clears_health_outcomes);
