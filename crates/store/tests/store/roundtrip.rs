//! The 903 return through the database and back, on each database: a
//! generated council's five returns (2022-23 to 2026-27: every table, DoLo
//! included), written as CSV, read, imported year by year, exported again,
//! give the same files; the exports imported into an empty database and
//! exported again give the same files, in CSV and in XML; imported in the
//! opposite order they give the same database.

use chrono::NaiveDate;
use footprint_domain::dates::CollectionYear;
use footprint_domain::model::Dataset;
use footprint_ssda903::{Format, Input, Table, read_inputs, render_csv, render_xml};
use footprint_store::{ImportBatch, Store};
use footprint_synth::{CouncilParams, generate_council};

use crate::both;
use crate::common::Env;

fn council() -> (Dataset, Vec<CollectionYear>) {
    let council = generate_council(&CouncilParams {
        children_in_care: 80,
        years: 5,
        seed: 11,
        as_of: NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
        with_data_problems: false,
    })
    .expect("a council");
    (council.dataset, council.collection_years)
}

/// One year's return as the 903 CSV files, read back as an import batch.
fn batch_for(dataset: &Dataset, year: CollectionYear) -> ImportBatch {
    let csv = render_csv(dataset, year);
    let inputs: Vec<Input> = csv
        .files()
        .iter()
        .map(|(name, text)| Input {
            name: (*name).to_owned(),
            format: Format::Csv,
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    batch_of(&inputs, year)
}

/// One year's return in the XML form, read back as an import batch.
fn xml_batch_for(dataset: &Dataset, year: CollectionYear) -> ImportBatch {
    let inputs = [Input {
        name: format!("{year}.xml"),
        format: Format::Xml,
        bytes: render_xml(dataset, year).into_bytes(),
    }];
    batch_of(&inputs, year)
}

fn batch_of(inputs: &[Input], year: CollectionYear) -> ImportBatch {
    let parsed = read_inputs(inputs, Some(year));
    assert!(
        !parsed.is_fatal(),
        "the generated {year} return reads without errors: {:?}",
        parsed.errors().take(3).collect::<Vec<_>>()
    );
    let ds = parsed.ret.to_dataset();
    ImportBatch {
        year,
        source: format!("{year}"),
        children: ds.children,
        episodes: ds.episodes,
        reviews: ds.reviews,
        missing: ds.missing,
        health_outcomes: ds.health_outcomes,
        tables: ds.return_tables,
        problems: Vec::new(),
    }
}

fn files(dataset: &Dataset, year: CollectionYear) -> Vec<(String, String)> {
    render_csv(dataset, year)
        .files()
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect()
}

/// The same files, or the first line that differs.
fn same_files(got: &[(String, String)], want: &[(String, String)], what: &str) {
    let names = |f: &[(String, String)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{what}: the files");
    for ((name, a), (_, b)) in got.iter().zip(want) {
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        for (i, (x, y)) in la.iter().zip(&lb).enumerate() {
            assert_eq!(x, y, "{what}: {name} line {}", i + 1);
        }
        assert_eq!(la.len(), lb.len(), "{what}: {name} lines");
    }
}

async fn import_years(store: &Store, dataset: &Dataset, years: &[CollectionYear]) {
    for &year in years {
        store
            .import_return(&batch_for(dataset, year))
            .await
            .expect("the import lands");
    }
}

both!(import_export_import_gives_back_the_same_return);
async fn import_export_import_gives_back_the_same_return(env: Env) {
    let (original, years) = council();
    assert_eq!(years.len(), 5);
    // Every table has rows in the returns: DoLo in 2026-27 (its first
    // year), the others in every year.
    let last = render_csv(&original, years[4]);
    for table in [
        Table::Oc3,
        Table::Ad1,
        Table::PlacedAdoption,
        Table::PrevPerm,
        Table::SwEpisodes,
        Table::DoLo,
    ] {
        let text = last.table(table).expect("the table is in 2026-27");
        assert!(text.lines().count() > 1, "{table} has rows");
    }
    import_years(&env.store, &original, &years).await;
    let stored = env.store.load_dataset().await.unwrap();
    for &year in &years {
        same_files(
            &files(&stored, year),
            &files(&original, year),
            &format!("the {year} return exported from the database is the one imported"),
        );
    }

    // Exported, imported into an empty database: the same records again.
    let second = env.another().await;
    import_years(&second, &stored, &years).await;
    let again = second.load_dataset().await.unwrap();
    for &year in &years {
        same_files(
            &files(&again, year),
            &files(&original, year),
            &year.to_string(),
        );
    }

    // The XML exports, imported into an empty database: the same again.
    let fourth = env.another().await;
    for &year in &years {
        fourth
            .import_return(&xml_batch_for(&stored, year))
            .await
            .expect("the XML import lands");
    }
    let from_xml = fourth.load_dataset().await.unwrap();
    for &year in &years {
        same_files(
            &files(&from_xml, year),
            &files(&original, year),
            &format!("XML {year}"),
        );
    }

    // The years in the opposite order: the same database.
    let third = env.another().await;
    let reversed: Vec<_> = years.iter().rev().copied().collect();
    import_years(&third, &original, &reversed).await;
    let other_order = third.load_dataset().await.unwrap();
    assert_eq!(other_order.children, stored.children);
    assert_eq!(other_order.episodes, stored.episodes);
    assert_eq!(other_order.reviews, stored.reviews);
    assert_eq!(other_order.missing, stored.missing);
    // OC2 travels too: the generated council's health outcomes, all years.
    assert!(!stored.health_outcomes.is_empty());
    assert_eq!(stored.health_outcomes, original.health_outcomes);
    assert_eq!(other_order.health_outcomes, stored.health_outcomes);
    assert_eq!(other_order.return_tables, stored.return_tables);
}
