//! Deliberate 903 problems for the data-quality screens
//! (`--with-data-problems`): one of each kind, in the latest reported year.

use chrono::NaiveDate;
use footprint_domain::codes::{ParticipationCode, ReasonNewEpisode};
use footprint_domain::dates::{CollectionYear, age_on};
use footprint_domain::model::{ChildId, Dataset, Review};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::util::add_days;

/// A kind of deliberate problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjectedProblemKind {
    /// A review with no participation code (DfE rule 167).
    ReviewWithoutParticipation,
    /// PN0 for a child of 4 or over (rule 440).
    Pn0ForOlderChild,
    /// An episode continuing a period (RNE not S) that starts a day after
    /// the previous episode ended with X1: the chain is broken.
    EpisodeChainBreak,
    /// A review dated after the child left care.
    ReviewOutsideCare,
    /// An episode recorded twice.
    DuplicateEpisode,
}

/// One deliberate problem: what, whose, and the date it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectedProblem {
    pub kind: InjectedProblemKind,
    pub child: ChildId,
    pub date: NaiveDate,
}

fn choose<T>(rng: &mut ChaCha8Rng, items: &[T]) -> Option<usize> {
    (!items.is_empty()).then(|| rng.random_range(0..items.len()))
}

/// Adds the problems to `ds` and lists them. Each goes to a different child
/// where possible; a kind with no suitable record is skipped.
pub(crate) fn inject(
    ds: &mut Dataset,
    rng: &mut ChaCha8Rng,
    year: CollectionYear,
) -> Vec<InjectedProblem> {
    let mut out = Vec::new();
    let dobs: BTreeMap<ChildId, NaiveDate> = ds
        .children
        .iter()
        .map(|c| (c.id.clone(), c.date_of_birth))
        .collect();
    let mut used: Vec<ChildId> = Vec::new();
    let age_at = |r: &Review| dobs.get(&r.child).map(|&dob| age_on(dob, r.date));

    // A review with no participation code.
    let candidates: Vec<usize> = (0..ds.reviews.len())
        .filter(|&i| {
            year.contains(ds.reviews[i].date) && age_at(&ds.reviews[i]).is_some_and(|a| a >= 4)
        })
        .collect();
    if let Some(k) = choose(rng, &candidates) {
        let r = &mut ds.reviews[candidates[k]];
        r.participation = None;
        used.push(r.child.clone());
        out.push(InjectedProblem {
            kind: InjectedProblemKind::ReviewWithoutParticipation,
            child: r.child.clone(),
            date: r.date,
        });
    }

    // PN0 for a six-year-old (or a child of 5 to 9 if there is none).
    let pick_age = |ds: &Dataset, used: &[ChildId], lo: u32, hi: u32| -> Vec<usize> {
        (0..ds.reviews.len())
            .filter(|&i| {
                let r = &ds.reviews[i];
                year.contains(r.date)
                    && !used.contains(&r.child)
                    && r.participation.is_some()
                    && age_at(r).is_some_and(|a| (lo..=hi).contains(&a))
            })
            .collect()
    };
    let mut candidates = pick_age(ds, &used, 6, 6);
    if candidates.is_empty() {
        candidates = pick_age(ds, &used, 5, 9);
    }
    if let Some(k) = choose(rng, &candidates) {
        let r = &mut ds.reviews[candidates[k]];
        r.participation = Some(ParticipationCode::PN0);
        used.push(r.child.clone());
        out.push(InjectedProblem {
            kind: InjectedProblemKind::Pn0ForOlderChild,
            child: r.child.clone(),
            date: r.date,
        });
    }

    // A chain break: an episode continuing a period starts a day late.
    let candidates: Vec<usize> = (0..ds.episodes.len())
        .filter(|&i| {
            let e = &ds.episodes[i];
            e.reason_new != ReasonNewEpisode::S
                && year.contains(e.start)
                && !used.contains(&e.child)
                && e.end.is_none_or(|end| end > add_days(e.start, 1))
        })
        .collect();
    if let Some(k) = choose(rng, &candidates) {
        let e = &mut ds.episodes[candidates[k]];
        e.start = add_days(e.start, 1);
        used.push(e.child.clone());
        out.push(InjectedProblem {
            kind: InjectedProblemKind::EpisodeChainBreak,
            child: e.child.clone(),
            date: e.start,
        });
    }

    // A review a fortnight after the child left care (and did not return).
    let mut last_end: BTreeMap<&ChildId, (NaiveDate, bool)> = BTreeMap::new();
    for e in &ds.episodes {
        let entry = last_end.entry(&e.child).or_insert((e.start, false));
        if e.start >= entry.0 {
            *entry = match e.end {
                Some(end) => (
                    end,
                    !e.legal_status.is_short_break()
                        && e.reason_ceased.is_some_and(|r| r.ends_period_of_care()),
                ),
                None => (e.start, false),
            };
        }
    }
    let candidates: Vec<(ChildId, NaiveDate)> = last_end
        .iter()
        .filter(|(c, (end, left))| *left && year.contains(add_days(*end, 14)) && !used.contains(c))
        .map(|(c, (end, _))| ((*c).clone(), add_days(*end, 14)))
        .collect();
    if let Some(k) = choose(rng, &candidates) {
        let (child, date) = candidates[k].clone();
        let age = dobs.get(&child).map_or(10, |&dob| age_on(dob, date));
        ds.reviews.push(Review {
            child: child.clone(),
            date,
            participation: Some(if age < 4 {
                ParticipationCode::PN0
            } else {
                ParticipationCode::PN6
            }),
            details: None,
        });
        used.push(child.clone());
        out.push(InjectedProblem {
            kind: InjectedProblemKind::ReviewOutsideCare,
            child,
            date,
        });
    }

    // An episode recorded twice.
    let candidates: Vec<usize> = (0..ds.episodes.len())
        .filter(|&i| {
            let e = &ds.episodes[i];
            year.contains(e.start) && !used.contains(&e.child) && !e.legal_status.is_short_break()
        })
        .collect();
    if let Some(k) = choose(rng, &candidates) {
        let e = ds.episodes[candidates[k]].clone();
        out.push(InjectedProblem {
            kind: InjectedProblemKind::DuplicateEpisode,
            child: e.child.clone(),
            date: e.start,
        });
        ds.episodes.push(e);
    }
    out
}
