//! A cached copy of the council takes in a write by replacing the changed
//! children's records (`Dataset::replace_children`): the result must be the
//! council as a fresh read gives it, in the same order.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use footprint_domain::model::{ChildId, Dataset};
use footprint_synth::{CouncilParams, generate};

fn only(ds: &Dataset, ids: &BTreeSet<ChildId>) -> Dataset {
    Dataset {
        children: ds
            .children
            .iter()
            .filter(|c| ids.contains(&c.id))
            .cloned()
            .collect(),
        episodes: ds
            .episodes
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        reviews: ds
            .reviews
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        missing: ds
            .missing
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        allocations: ds
            .allocations
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        midway_checks: ds
            .midway_checks
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        visits: ds
            .visits
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        challenges: ds
            .challenges
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        health_outcomes: ds
            .health_outcomes
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        review_date_changes: ds
            .review_date_changes
            .iter()
            .filter(|x| ids.contains(&x.child))
            .cloned()
            .collect(),
        sibling_groups: ds
            .sibling_groups
            .iter()
            .filter(|g| g.iter().any(|c| ids.contains(c)))
            .cloned()
            .collect(),
        health_assessments: mine(&ds.health_assessments, |x| &x.child, ids),
        dental_checks: mine(&ds.dental_checks, |x| &x.child, ids),
        sdq_scores: mine(&ds.sdq_scores, |x| &x.child, ids),
        immunisations: mine(&ds.immunisations, |x| &x.child, ids),
        education_plans: mine(&ds.education_plans, |x| &x.child, ids),
        return_tables: {
            let mut t = ds.return_tables.clone();
            t.retain_children(|c| ids.contains(c));
            t
        },
        ..Dataset::default()
    }
}

fn mine<T: Clone>(rows: &[T], child: impl Fn(&T) -> &ChildId, ids: &BTreeSet<ChildId>) -> Vec<T> {
    rows.iter()
        .filter(|r| ids.contains(child(r)))
        .cloned()
        .collect()
}

/// The store's order: children by id, the rest by child then date.
fn sorted(mut ds: Dataset) -> Dataset {
    ds.children.sort_by(|a, b| a.id.cmp(&b.id));
    ds.episodes
        .sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    ds.reviews
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.missing
        .sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    ds.allocations
        .sort_by(|a, b| (&a.child, a.from).cmp(&(&b.child, b.from)));
    ds.midway_checks
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.visits
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.challenges.sort_by_key(|c| c.id);
    ds.health_outcomes
        .sort_by(|a, b| (&a.child, a.year).cmp(&(&b.child, b.year)));
    ds.sibling_groups.sort();
    ds
}

#[test]
fn replacing_changed_childrens_records_gives_the_council_as_a_fresh_read() {
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let now = sorted(generate(&CouncilParams::new(150, 2, 5, as_of)).unwrap());
    // Pick children with reviews, one in a sibling group, one with a
    // challenge; the cached copy lost half of their records.
    let mut picked: BTreeSet<ChildId> = BTreeSet::new();
    picked.extend(now.reviews.iter().step_by(97).map(|r| r.child.clone()));
    if let Some(g) = now.sibling_groups.first() {
        picked.extend(g.iter().cloned());
    }
    picked.extend(now.challenges.iter().take(3).map(|c| c.child.clone()));
    assert!(picked.len() > 5);
    let mut cached = now.clone();
    cached
        .reviews
        .retain(|r| !picked.contains(&r.child) || r.date.day0() % 2 == 0);
    cached
        .episodes
        .retain(|e| !picked.contains(&e.child) || e.start.day0() % 3 != 0);
    cached.challenges.retain(|c| !picked.contains(&c.child));
    cached
        .return_tables
        .retain_children(|c| !picked.contains(c));
    cached
        .sibling_groups
        .retain(|g| !g.iter().any(|c| picked.contains(c)));
    assert_ne!(cached, now);

    let ids: Vec<ChildId> = picked.iter().cloned().collect();
    cached.replace_children(&ids, only(&now, &picked));
    assert_eq!(cached, now);

    // A child removed altogether (its records gone) leaves nothing behind.
    let gone = now.children[0].id.clone();
    let mut without = now.clone();
    without.replace_children(std::slice::from_ref(&gone), Dataset::default());
    assert!(without.children.iter().all(|c| c.id != gone));
    assert!(without.episodes.iter().all(|e| e.child != gone));
}

use chrono::Datelike;
