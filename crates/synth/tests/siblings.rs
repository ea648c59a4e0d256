//! Brothers and sisters in the generated council: about a third of the
//! children coming into care come with siblings, on the same day, by the
//! same legal route, often placed together, and a group keeps one IRO.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use footprint_domain::model::{ChildId, Episode};
use footprint_synth::{CouncilParams, SyntheticCouncil, generate_council};

fn council() -> &'static SyntheticCouncil {
    static C: OnceLock<SyntheticCouncil> = OnceLock::new();
    C.get_or_init(|| {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 15).expect("date");
        generate_council(&CouncilParams::new(400, 3, 23, as_of)).expect("valid parameters")
    })
}

fn first_episodes(c: &SyntheticCouncil) -> BTreeMap<&ChildId, &Episode> {
    let mut first: BTreeMap<&ChildId, &Episode> = BTreeMap::new();
    for e in &c.dataset.episodes {
        let slot = first.entry(&e.child).or_insert(e);
        if e.start < slot.start {
            *slot = e;
        }
    }
    first
}

#[test]
fn groups_are_of_two_to_four_known_children_each_in_one_group() {
    let ds = &council().dataset;
    let known: BTreeSet<&ChildId> = ds.children.iter().map(|c| &c.id).collect();
    let mut seen = BTreeSet::new();
    assert!(!ds.sibling_groups.is_empty());
    for g in &ds.sibling_groups {
        assert!((2..=4).contains(&g.len()), "{g:?}");
        let mut sorted = g.clone();
        sorted.sort();
        assert_eq!(&sorted, g, "each group sorted");
        for c in g {
            assert!(known.contains(c), "{c} is not a child of the dataset");
            assert!(seen.insert(c), "{c} is in two groups");
        }
    }
    // No unaccompanied asylum-seeking child is in a group.
    for c in ds.children.iter().filter(|c| c.uasc.is_some()) {
        assert!(!seen.contains(&c.id), "{} is UASC", c.id);
    }
}

#[test]
fn about_a_third_of_the_children_coming_into_care_come_with_siblings() {
    let c = council();
    let ds = &c.dataset;
    let grouped: BTreeSet<&ChildId> = ds.sibling_groups.iter().flatten().collect();
    let window = ds.reviews_known_from.expect("window");
    let entrants: Vec<&ChildId> = first_episodes(c)
        .into_iter()
        .filter(|(_, e)| e.start >= window && !e.is_short_break())
        .map(|(c, _)| c)
        .collect();
    assert!(entrants.len() > 200, "{} entrants", entrants.len());
    let with_siblings = entrants.iter().filter(|c| grouped.contains(*c)).count();
    let share = with_siblings as f64 / entrants.len() as f64;
    assert!(
        (0.25..=0.42).contains(&share),
        "{with_siblings} of {} entrants came with siblings ({share:.2})",
        entrants.len()
    );
    // Groups of three and four as well as pairs.
    let sizes: BTreeSet<usize> = ds.sibling_groups.iter().map(Vec::len).collect();
    assert_eq!(sizes, BTreeSet::from([2, 3, 4]));
}

#[test]
fn siblings_come_in_on_the_same_day_by_the_same_legal_route_often_placed_together() {
    let c = council();
    let first = first_episodes(c);
    let mut together = 0;
    for g in &c.dataset.sibling_groups {
        let eps: Vec<&Episode> = g.iter().map(|id| first[id]).collect();
        for e in &eps[1..] {
            assert_eq!(e.start, eps[0].start, "{g:?} came in on different days");
            assert_eq!(e.legal_status, eps[0].legal_status, "{g:?}");
            assert_eq!(
                e.home_postcode, eps[0].home_postcode,
                "{g:?}: one family home"
            );
        }
        let same_carer = eps[1..].iter().all(|e| {
            e.placement == eps[0].placement
                && e.placement_postcode == eps[0].placement_postcode
                && e.urn == eps[0].urn
        });
        if same_carer {
            together += 1;
        }
    }
    let n = c.dataset.sibling_groups.len();
    let share = f64::from(together) / n as f64;
    assert!(
        (0.5..=0.8).contains(&share),
        "{together} of {n} groups placed together at first"
    );
}

#[test]
fn siblings_in_care_on_31_march_share_one_iro() {
    let c = council();
    let ds = &c.dataset;
    let mut checked = 0;
    for y in &c.collection_years {
        let d = y.end();
        for g in &ds.sibling_groups {
            let iros: BTreeSet<_> = ds
                .allocations
                .iter()
                .filter(|a| g.contains(&a.child) && a.is_current_on(d))
                .map(|a| &a.iro)
                .collect();
            let allocated = ds
                .allocations
                .iter()
                .filter(|a| g.contains(&a.child) && a.is_current_on(d))
                .count();
            assert!(iros.len() <= 1, "{g:?} on {d}: IROs {iros:?}");
            if allocated >= 2 {
                checked += 1;
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} groups with two in care on a 31 March"
    );
}
