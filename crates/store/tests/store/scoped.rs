//! Scoped loading: `load_scoped` gives exactly the records of the children
//! its scope chooses that `load_dataset` gives, sorted the same way.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use footprint_domain::model::{ChildId, Dataset, IroId};
use footprint_store::{Scope, Store};
use footprint_synth::{CouncilParams, generate_council};

use crate::both;
use crate::common::Env;
use crate::fixtures::{d, id};

/// A generated council, stored; returns what `load_dataset` gives back.
async fn stored_council(store: &Store) -> Dataset {
    let council = generate_council(&CouncilParams {
        children_in_care: 60,
        years: 2,
        seed: 23,
        as_of: NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
        with_data_problems: false,
    })
    .expect("a council");
    store
        .replace_dataset(&council.dataset)
        .await
        .expect("stored");
    store.load_dataset().await.expect("loaded")
}

/// `full` cut down to the children in `ids` (sibling groups holding one of
/// them stay whole; IROs and `reviews_known_from` stay as they are).
fn restrict(full: &Dataset, ids: &BTreeSet<ChildId>) -> Dataset {
    let keep = |c: &ChildId| ids.contains(c);
    Dataset {
        children: full
            .children
            .iter()
            .filter(|c| keep(&c.id))
            .cloned()
            .collect(),
        episodes: full
            .episodes
            .iter()
            .filter(|e| keep(&e.child))
            .cloned()
            .collect(),
        reviews: full
            .reviews
            .iter()
            .filter(|r| keep(&r.child))
            .cloned()
            .collect(),
        missing: full
            .missing
            .iter()
            .filter(|m| keep(&m.child))
            .cloned()
            .collect(),
        iros: full.iros.clone(),
        allocations: full
            .allocations
            .iter()
            .filter(|a| keep(&a.child))
            .cloned()
            .collect(),
        midway_checks: full
            .midway_checks
            .iter()
            .filter(|m| keep(&m.child))
            .cloned()
            .collect(),
        visits: full
            .visits
            .iter()
            .filter(|v| keep(&v.child))
            .cloned()
            .collect(),
        challenges: full
            .challenges
            .iter()
            .filter(|c| keep(&c.child))
            .cloned()
            .collect(),
        reviews_known_from: full.reviews_known_from,
        sibling_groups: full
            .sibling_groups
            .iter()
            .filter(|g| g.iter().any(keep))
            .cloned()
            .collect(),
        health_outcomes: full
            .health_outcomes
            .iter()
            .filter(|h| keep(&h.child))
            .cloned()
            .collect(),
        review_date_changes: full
            .review_date_changes
            .iter()
            .filter(|c| keep(&c.child))
            .cloned()
            .collect(),
        health_assessments: mine(&full.health_assessments, |h| &h.child, &keep),
        dental_checks: mine(&full.dental_checks, |h| &h.child, &keep),
        sdq_scores: mine(&full.sdq_scores, |h| &h.child, &keep),
        immunisations: mine(&full.immunisations, |h| &h.child, &keep),
        education_plans: mine(&full.education_plans, |h| &h.child, &keep),
        return_tables: {
            let mut t = full.return_tables.clone();
            t.retain_children(keep);
            t
        },
        case_records: {
            let mut r = full.case_records.clone();
            r.retain_children(keep);
            r
        },
    }
}

/// [`restrict`] as a page's read gives it (`Scope::Children`,
/// `Scope::Caseload`): without the foster carer households' reviews, which
/// no child's page shows.
fn page_read(full: &Dataset, ids: &BTreeSet<ChildId>) -> Dataset {
    let mut d = restrict(full, ids);
    d.case_records.foster_carer_reviews.clear();
    d
}

/// The records of the kept children.
fn mine<T: Clone>(
    rows: &[T],
    child: impl Fn(&T) -> &ChildId,
    keep: &impl Fn(&ChildId) -> bool,
) -> Vec<T> {
    rows.iter().filter(|r| keep(child(r))).cloned().collect()
}

fn assert_same(got: &Dataset, want: &Dataset) {
    assert_eq!(got.children, want.children);
    assert_eq!(got.episodes, want.episodes);
    assert_eq!(got.reviews, want.reviews);
    assert_eq!(got.missing, want.missing);
    assert_eq!(got.iros, want.iros);
    assert_eq!(got.allocations, want.allocations);
    assert_eq!(got.midway_checks, want.midway_checks);
    assert_eq!(got.visits, want.visits);
    assert_eq!(got.challenges, want.challenges);
    assert_eq!(got.reviews_known_from, want.reviews_known_from);
    assert_eq!(got.sibling_groups, want.sibling_groups);
    assert_eq!(got.health_outcomes, want.health_outcomes);
    assert_eq!(got.health_assessments, want.health_assessments);
    assert_eq!(got.dental_checks, want.dental_checks);
    assert_eq!(got.sdq_scores, want.sdq_scores);
    assert_eq!(got.immunisations, want.immunisations);
    assert_eq!(got.education_plans, want.education_plans);
    assert_eq!(got.return_tables, want.return_tables);
    assert_eq!(got.case_records, want.case_records);
}

async fn chosen_children_get_exactly_their_records(env: Env) {
    let full = stored_council(&env.store).await;
    // Every fifth child, a child with a challenge, one in a sibling group,
    // one with review details, and an id the store does not hold.
    let mut ids: BTreeSet<ChildId> = full
        .children
        .iter()
        .step_by(5)
        .map(|c| c.id.clone())
        .collect();
    ids.insert(full.challenges.first().expect("a challenge").child.clone());
    let group = full.sibling_groups.first().expect("a sibling group");
    ids.insert(group[0].clone());
    let detailed = full
        .reviews
        .iter()
        .find(|r| {
            r.details
                .as_ref()
                .is_some_and(|d| !d.recommendations.is_empty())
        })
        .expect("a review with recommendations");
    ids.insert(detailed.child.clone());
    let mut asked: Vec<ChildId> = ids.iter().cloned().collect();
    asked.push(id("NOSUCH1"));
    let want = page_read(&full, &ids);
    assert!(want.children.len() < full.children.len());
    assert!(!want.challenges.is_empty() && !want.sibling_groups.is_empty());
    assert!(
        want.sibling_groups
            .iter()
            .any(|g| g.iter().any(|c| !ids.contains(c))),
        "a group is given whole, with a sibling outside the scope"
    );
    let got = env
        .store
        .load_scoped(Scope::Children(&asked))
        .await
        .unwrap();
    assert_same(&got, &want);
}
both!(chosen_children_get_exactly_their_records);

async fn a_caseload_gets_its_childrens_records(env: Env) {
    let full = stored_council(&env.store).await;
    let on = d("2024-11-15");
    // The IRO with the most children that day.
    let mut best: Option<(usize, IroId)> = None;
    for iro in &full.iros {
        let n = full
            .allocations
            .iter()
            .filter(|a| a.iro == iro.id && a.is_current_on(on))
            .count();
        if best.as_ref().is_none_or(|(m, _)| n > *m) {
            best = Some((n, iro.id.clone()));
        }
    }
    let (n, iro) = best.expect("IROs");
    assert!(n > 0, "someone has a caseload on {on}");
    let ids: BTreeSet<ChildId> = full
        .allocations
        .iter()
        .filter(|a| a.iro == iro && a.is_current_on(on))
        .map(|a| a.child.clone())
        .collect();
    let got = env
        .store
        .load_scoped(Scope::Caseload { iro: &iro, on })
        .await
        .unwrap();
    assert_same(&got, &page_read(&full, &ids));
    assert_eq!(
        got.children
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>(),
        env.store.caseload(&iro, on).await.unwrap(),
        "the same children as Store::caseload"
    );
}
both!(a_caseload_gets_its_childrens_records);

/// The children with a record touching `from..=to`, from the whole dataset.
fn active(full: &Dataset, from: NaiveDate, to: NaiveDate) -> BTreeSet<ChildId> {
    let within = |x: NaiveDate| from <= x && x <= to;
    let open =
        |start: NaiveDate, end: Option<NaiveDate>| start <= to && end.is_none_or(|e| e >= from);
    let mut out = BTreeSet::new();
    out.extend(
        full.episodes
            .iter()
            .filter(|e| open(e.start, e.end))
            .map(|e| e.child.clone()),
    );
    out.extend(
        full.missing
            .iter()
            .filter(|m| open(m.start, m.end))
            .map(|m| m.child.clone()),
    );
    out.extend(
        full.reviews
            .iter()
            .filter(|r| within(r.date))
            .map(|r| r.child.clone()),
    );
    out.extend(
        full.midway_checks
            .iter()
            .filter(|m| within(m.date))
            .map(|m| m.child.clone()),
    );
    out.extend(
        full.visits
            .iter()
            .filter(|v| within(v.date))
            .map(|v| v.child.clone()),
    );
    out.extend(
        full.challenges
            .iter()
            .filter(|c| open(c.raised, c.resolved))
            .map(|c| c.child.clone()),
    );
    out.extend(
        full.allocations
            .iter()
            .filter(|a| {
                from.iter_days()
                    .take_while(|x| *x <= to)
                    .any(|x| a.is_current_on(x))
            })
            .map(|a| a.child.clone()),
    );
    // A care leaver's OC3 or an adoption's AD1 record of a year starting in it.
    out.extend(
        full.return_tables
            .care_leavers
            .iter()
            .filter(|r| within(r.year.start()))
            .map(|r| r.child.clone()),
    );
    out.extend(
        full.return_tables
            .adoptions
            .iter()
            .filter(|r| within(r.year.start()))
            .map(|r| r.child.clone()),
    );
    // A record of the other meetings (with a child) spanning a day of it.
    out.extend(full.case_records.all().iter().filter_map(|r| {
        let (start, end) = r.span();
        r.child().filter(|_| open(start, end)).cloned()
    }));
    out
}

async fn the_children_active_in_a_period_get_their_records(env: Env) {
    let full = stored_council(&env.store).await;
    for (from, to) in [
        (d("2024-02-01"), d("2024-02-29")),
        (d("2023-04-01"), d("2023-04-01")),
        (d("2025-05-20"), d("2025-06-30")),
    ] {
        let ids = active(&full, from, to);
        assert!(
            !ids.is_empty() && ids.len() < full.children.len(),
            "{from}..{to}: some children, not all"
        );
        let got = env
            .store
            .load_scoped(Scope::Active { from, to })
            .await
            .unwrap();
        assert_same(&got, &restrict(&full, &ids));
    }
    let backwards = env
        .store
        .load_scoped(Scope::Active {
            from: d("2024-03-01"),
            to: d("2024-02-01"),
        })
        .await
        .unwrap();
    assert!(backwards.children.is_empty() && backwards.episodes.is_empty());
}
both!(the_children_active_in_a_period_get_their_records);

async fn an_unknown_child_gets_an_empty_dataset(env: Env) {
    let full = stored_council(&env.store).await;
    let nobody = [id("NOSUCH1")];
    for scope in [Scope::Children(&nobody), Scope::Children(&[])] {
        let got = env.store.load_scoped(scope).await.unwrap();
        assert_same(&got, &page_read(&full, &BTreeSet::new()));
        assert!(got.children.is_empty() && got.episodes.is_empty() && got.reviews.is_empty());
        assert!(!got.iros.is_empty(), "every IRO, whatever the scope");
    }
    let no_iro = IroId("NOSUCH".into());
    let got = env
        .store
        .load_scoped(Scope::Caseload {
            iro: &no_iro,
            on: d("2024-11-15"),
        })
        .await
        .unwrap();
    assert!(got.children.is_empty() && got.allocations.is_empty());
    let all = env.store.load_scoped(Scope::All).await.unwrap();
    assert_same(&all, &full);
}
both!(an_unknown_child_gets_an_empty_dataset);

/// The annual report reads only the children whose records touch its two
/// years (`measures::records_window`, `Scope::Active`): every figure, the
/// data problems included, is the same as from the whole council.
async fn a_reports_children_give_the_figures_of_the_whole_council(env: Env) {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::dates::CollectionYear;
    use footprint_domain::measures::{
        MeasureSettings, Period, compute_periods_as_of, records_window,
    };
    let council = generate_council(&CouncilParams {
        children_in_care: 60,
        years: 5,
        seed: 29,
        as_of: d("2025-06-01"),
        with_data_problems: false,
    })
    .expect("a council");
    env.store
        .replace_dataset(&council.dataset)
        .await
        .expect("stored");
    let full = env.store.load_dataset().await.expect("loaded");
    let (settings, calendar) = (
        MeasureSettings::default(),
        WorkingDayCalendar::england_and_wales(),
    );
    let mut fewer = false;
    for start in 2021..=2025 {
        let year = CollectionYear::new(start);
        let periods = [Period::year(year), Period::year(year.previous())];
        let (from, to) = records_window(&periods).expect("a window");
        let scoped = env
            .store
            .load_scoped(Scope::Active { from, to })
            .await
            .unwrap();
        fewer |= scoped.children.len() < full.children.len();
        let as_of = d("2025-06-01");
        assert_eq!(
            compute_periods_as_of(&scoped, &periods, as_of, &settings, &calendar),
            compute_periods_as_of(&full, &periods, as_of, &settings, &calendar),
            "{year}"
        );
    }
    assert!(
        fewer,
        "some year's report reads fewer children than the council"
    );
}
both!(a_reports_children_give_the_figures_of_the_whole_council);

/// The annual report's read (`Scope::Extents`): the children of its two
/// years whole, and the children of the trend's three earlier years with
/// only their care records. Every figure of the five years, computed to
/// each year's extent, is the same as from the whole council, and the read
/// holds less than the whole records of the five years would.
async fn the_reports_extents_give_the_figures_of_the_whole_council(env: Env) {
    use footprint_domain::calendar::WorkingDayCalendar;
    use footprint_domain::dates::CollectionYear;
    use footprint_domain::measures::{
        Extent, MeasureSettings, Period, compute_extents_as_of, records_window,
    };
    let council = generate_council(&CouncilParams {
        children_in_care: 60,
        years: 5,
        seed: 31,
        as_of: d("2025-06-01"),
        with_data_problems: false,
    })
    .expect("a council");
    env.store
        .replace_dataset(&council.dataset)
        .await
        .expect("stored");
    let full = env.store.load_dataset().await.expect("loaded");
    let (settings, calendar) = (
        MeasureSettings::default(),
        WorkingDayCalendar::england_and_wales(),
    );
    let mut lighter = false;
    for start in 2023..=2025 {
        let year = CollectionYear::new(start);
        let mut periods = Vec::new();
        let mut y = year;
        for i in 0..5 {
            let extent = if i < 2 {
                Extent::Every
            } else {
                Extent::Headline
            };
            periods.push((Period::year(y), extent));
            y = y.previous();
        }
        let window = |extent: Extent| {
            let chosen: Vec<Period> = periods
                .iter()
                .filter(|(_, e)| *e == extent)
                .map(|(p, _)| *p)
                .collect();
            records_window(&chosen)
        };
        // The earlier years' adoption scorecards read the AD1 and
        // PlacedAdoption records of their children, which the read holds.
        let scoped = env
            .store
            .load_scoped(Scope::Extents {
                every: window(Extent::Every).unwrap(),
                headline: window(Extent::Headline),
            })
            .await
            .unwrap();
        let (from, to) =
            records_window(&periods.iter().map(|(p, _)| *p).collect::<Vec<_>>()).expect("a window");
        let whole = env
            .store
            .load_scoped(Scope::Active { from, to })
            .await
            .unwrap();
        assert_eq!(scoped.children.len(), whole.children.len(), "{year}");
        assert_eq!(scoped.episodes, whole.episodes, "{year}");
        assert_eq!(scoped.reviews, whole.reviews, "{year}");
        lighter |= scoped.visits.len() < whole.visits.len()
            || scoped.allocations.len() < whole.allocations.len();
        // Of the 903's other tables, only the kinds the measures read
        // (`measures::RETURN_TABLES_READ`).
        let (t, w) = (&scoped.return_tables, &whole.return_tables);
        assert!(
            t.previous_permanence.is_empty()
                && t.social_workers.is_empty()
                && t.deprivation_of_liberty.is_empty(),
            "{year}"
        );
        assert!(!w.previous_permanence.is_empty() && !w.social_workers.is_empty());
        let as_of = d("2025-06-01");
        assert_eq!(
            compute_extents_as_of(&scoped, &periods, as_of, &settings, &calendar),
            compute_extents_as_of(&full, &periods, as_of, &settings, &calendar),
            "{year}"
        );
    }
    assert!(
        lighter,
        "the trend's earlier years are read without their other records"
    );
}
both!(the_reports_extents_give_the_figures_of_the_whole_council);
