//! footprint-synth: a synthetic council for the demo, the tests and the
//! benchmarks.
//!
//! [`generate`] turns a few parameters ([`CouncilParams`]: children in care,
//! years, seed, "today") into one council's records
//! ([`footprint_domain::model::Dataset`]): children, episodes, reviews,
//! missing episodes, IROs, allocations, midway checks, visits, challenges,
//! sibling groups (about a third of the children come into care with
//! brothers or sisters, who keep one IRO) and health outcomes (903 OC2) for
//! the children looked after 12 months or more at each 31 March (drawn from
//! a random stream of their own, so they change nothing else), and the 903's
//! other tables ([`other_tables`]: care leavers' outcomes, adoptions and
//! decisions to place for adoption, previous permanence, social workers and
//! deprivation of liberty orders), from another stream of their own.
//! It is pure (no I/O, no clock) and deterministic: the same parameters give
//! the same council, byte for byte.
//!
//! How it works, in two phases:
//! 1. **Who is in care when** ([`population`]): a day-by-day simulation from
//!    a warm-up 18 years before the first reported year, so the council starts
//!    in a steady state (children already in care, their periods spread back
//!    over years). Each new period's plan (return home, adoption, special
//!    guardianship, long-term care to 18, remand, UASC...) and end are drawn on
//!    the day it starts; entries follow a rate that keeps the number looked
//!    after near the target. The IRO team (sized to the 50–70 children per FTE
//!    guideline, with leavers and replacements) is allocated children from a
//!    year before the first reported year.
//! 2. **What happened in each period** (`care`, `reviews`): episodes
//!    with legal statuses and placements, reviews placed against the domain's
//!    statutory schedule, and the IRO's records, drawn from a seed kept with
//!    each period, so only periods that reach the reported years are built.
//!
//! The Header and Episodes fields that 903 validators check beyond the chain
//! of episodes follow the DfE's rules: MOTHER for every girl in care (a few
//! are mothers), a UPN with a valid check letter from school age (UN1 only
//! for under-fives), real postcodes from a fixed sample around the council
//! ([`postcodes`]), and no location for short breaks.
//!
//! With [`CouncilParams::with_data_problems`] a few deliberate 903 problems
//! are added (listed in [`SyntheticCouncil::injected_problems`]) for the
//! data-quality screens; without it the data are clean.

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::codes::{MissingKind, Sex};
use footprint_domain::dates::{CollectionYear, age_on};
use footprint_domain::model::{
    Allocation, Child, ChildId, Dataset, Episode, Iro, IroId, MissingEpisode, UascStatus,
};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

mod care;
mod case_records;
mod health;
mod health_education;
mod ids;
mod names;
mod other_tables;
mod population;
pub mod postcodes;
mod problems;
mod reviews;
pub mod summary;
mod util;

pub use problems::{InjectedProblem, InjectedProblemKind};

use crate::care::{CareContext, HOME_STREAM, group_rng, period_episodes, short_break_episodes};
use crate::ids::{UpnFacts, iro_name, upn_for};
use crate::population::{Plan, PopulationParams};
use crate::postcodes::Postcodes;
use crate::reviews::{Habits, ReviewContext, period_reviews};
use crate::util::{add_days, april_first, birthday, days_between, exp_days, pick};

/// What kind of council to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilParams {
    /// About how many children are looked after at any time (on each
    /// 31 March).
    pub children_in_care: u32,
    /// How many complete collection years to report, ending with the latest
    /// one that ended before `as_of`.
    pub years: u32,
    pub seed: u64,
    /// "Today": nothing is dated after it. A parameter, never the clock.
    pub as_of: NaiveDate,
    /// Add a few deliberate 903 problems.
    pub with_data_problems: bool,
}

impl CouncilParams {
    /// Clean data, as of `as_of`.
    pub fn new(children_in_care: u32, years: u32, seed: u64, as_of: NaiveDate) -> Self {
        Self {
            children_in_care,
            years,
            seed,
            as_of,
            with_data_problems: false,
        }
    }

    /// The latest collection year that ended before `as_of`.
    pub fn latest_year(&self) -> CollectionYear {
        CollectionYear::of(self.as_of).previous()
    }

    /// The reported collection years, oldest first.
    pub fn collection_years(&self) -> Vec<CollectionYear> {
        let latest = self.latest_year().start_year();
        let years = i32::try_from(self.years).unwrap_or(i32::MAX);
        (0..years)
            .rev()
            .map(|back| CollectionYear::new(latest - back))
            .collect()
    }

    /// 1 April of the first reported year: reviews are known from then.
    pub fn window_start(&self) -> NaiveDate {
        april_first(self.latest_year().start_year() + 1 - self.years.min(100) as i32)
    }

    /// Checks the parameters can make a council.
    pub fn validate(&self) -> Result<(), SynthError> {
        if self.children_in_care == 0 {
            return Err(SynthError::NoChildren);
        }
        if self.children_in_care > 1_000_000 {
            return Err(SynthError::TooManyChildren(self.children_in_care));
        }
        if self.years == 0 {
            return Err(SynthError::NoYears);
        }
        let calendar = WorkingDayCalendar::england_and_wales();
        let first = april_first(calendar.first_year());
        // The review dates after `as_of` are worked out (to know none is
        // due), and IRO records run to 40 working days after a review.
        let last_as_of = NaiveDate::from_ymd_opt(calendar.last_year(), 10, 31).unwrap_or(first);
        if self.years > 100 || self.window_start() < first || self.as_of > last_as_of {
            return Err(SynthError::OutsideCalendar {
                from: self.window_start_checked(),
                as_of: self.as_of,
                first_year: calendar.first_year(),
                last_year: calendar.last_year(),
            });
        }
        Ok(())
    }

    fn window_start_checked(&self) -> NaiveDate {
        if self.years > 100 {
            NaiveDate::MIN
        } else {
            self.window_start()
        }
    }
}

/// Parameters that cannot make a council.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("--children-in-care must be at least 1")]
    NoChildren,
    #[error("--children-in-care {0} is more than this generator makes (1,000,000)")]
    TooManyChildren(u32),
    #[error("--years must be at least 1")]
    NoYears,
    #[error(
        "the council would run from {from} to {as_of}, but the bank-holiday calendar covers \
         {first_year} to {last_year} only (the first year from 1 April, the last to 31 October): \
         use fewer years or another date"
    )]
    OutsideCalendar {
        from: NaiveDate,
        as_of: NaiveDate,
        first_year: i32,
        last_year: i32,
    },
}

/// A generated council: the dataset plus what the generator knows about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyntheticCouncil {
    pub params: CouncilParams,
    pub dataset: Dataset,
    /// The reported collection years, oldest first.
    pub collection_years: Vec<CollectionYear>,
    /// The deliberate problems added (empty without `with_data_problems`).
    pub injected_problems: Vec<InjectedProblem>,
}

/// Generates the council's dataset.
pub fn generate(params: &CouncilParams) -> Result<Dataset, SynthError> {
    generate_council(params).map(|c| c.dataset)
}

/// Generates the council, with its collection years and the list of any
/// injected problems.
pub fn generate_council(params: &CouncilParams) -> Result<SyntheticCouncil, SynthError> {
    params.validate()?;
    let window_start = params.window_start();
    let calendar = WorkingDayCalendar::england_and_wales();
    let mut master = ChaCha8Rng::seed_from_u64(params.seed);
    let population_seed = master.next_u64();
    let habits = Habits {
        late: master.random_range(0.025..0.07),
        challenge: master.random_range(0.03..0.07),
        midway: master.random_range(0.72..0.88),
    };
    let pop = population::simulate(
        &PopulationParams {
            children_in_care: params.children_in_care,
            window_start,
            as_of: params.as_of,
        },
        population_seed,
    );

    let mut ds = Dataset {
        reviews_known_from: Some(window_start),
        ..Dataset::default()
    };

    // The IROs, from a year before the first reported year.
    let iro_ids: Vec<IroId> = (0..pop.iros.len())
        .map(|i| IroId(format!("IRO{:04}", i + 1)))
        .collect();
    for (i, r) in pop.iros.iter().enumerate() {
        ds.iros.push(Iro {
            id: iro_ids[i].clone(),
            name: iro_name(i),
            fte: r.fte,
            started: r.started,
            left: r.left,
        });
    }

    let postcodes = Postcodes::new();
    let years = params.collection_years();
    let care_ctx = CareContext {
        as_of: params.as_of,
        postcodes: &postcodes,
        groups: &pop.groups,
    };
    // The identifier given to each child of the population that is in the
    // dataset (for the sibling groups).
    let mut child_ids: Vec<Option<ChildId>> = vec![None; pop.children.len()];
    let review_ctx = ReviewContext::new(&calendar, window_start, params.as_of, habits);
    let mut challenge_ids = 0i64;
    let mut next_id = 1_000_001u32;

    for (index, child) in pop.children.iter().enumerate() {
        let relevant = child
            .periods
            .iter()
            .any(|&p| pop.periods[p as usize].end >= window_start);
        if !relevant {
            continue;
        }
        let id: ChildId = match next_id.to_string().parse() {
            Ok(id) => id,
            Err(_) => continue,
        };
        let n = next_id - 1_000_001;
        next_id += 1;
        let mut rng = ChaCha8Rng::seed_from_u64(child.seed);
        // An unaccompanied asylum-seeking child has no family home here: no
        // home postcode, so no distance (DfE rule 406). Brothers and sisters
        // who came into care together share one.
        let home = match child.group.and_then(|g| pop.groups.get(g as usize)) {
            Some(g) => Some(postcodes.home(&mut group_rng(g, HOME_STREAM))),
            None => (!child.uasc).then(|| postcodes.home(&mut rng)),
        };
        let child_episodes_from = ds.episodes.len();

        let mut first_episode_start = None;
        for &p in &child.periods {
            let period = &pop.periods[p as usize];
            let mut prng = ChaCha8Rng::seed_from_u64(period.seed);
            if period.plan == Plan::ShortBreaks {
                let from = add_days(window_start, -90);
                if period.end < from {
                    continue;
                }
                let eps = short_break_episodes(&care_ctx, &mut prng, &id, period, from);
                first_episode_start = first_episode_start.or(eps.first().map(|e| e.start));
                ds.episodes.extend(eps);
                continue;
            }
            let comes_back = child.periods.last() != Some(&p);
            let care = period_episodes(&care_ctx, &mut prng, &id, child, period, home, comes_back);
            let Some(first_ep) = care.episodes.first() else {
                continue;
            };
            first_episode_start = first_episode_start.or(Some(first_ep.start));
            let end = care.episodes.last().and_then(|e| e.end);
            let allocations: Vec<(NaiveDate, Option<NaiveDate>, IroId)> = period
                .allocations
                .iter()
                .filter(|a| a.0 <= params.as_of)
                .map(|&(from, to, iro)| {
                    (
                        from,
                        to.filter(|&t| t <= params.as_of),
                        iro_ids[iro as usize].clone(),
                    )
                })
                .collect();
            if period.end >= window_start {
                let out = period_reviews(
                    &review_ctx,
                    &mut prng,
                    &id,
                    child.dob,
                    &care.episodes,
                    &allocations,
                    &mut challenge_ids,
                );
                ds.reviews.extend(out.reviews);
                ds.visits.extend(out.visits);
                ds.midway_checks.extend(out.midway);
                ds.challenges.extend(out.challenges);
                ds.missing.extend(missing_episodes(
                    &mut prng,
                    &id,
                    child.dob,
                    first_ep.start,
                    end,
                    window_start,
                    params.as_of,
                ));
            }
            for (from, to, iro) in allocations {
                ds.allocations.push(Allocation {
                    child: id.clone(),
                    iro,
                    from,
                    to,
                });
            }
            ds.episodes.extend(care.episodes);
        }
        let Some(_) = first_episode_start else {
            continue;
        };
        let episodes = &ds.episodes[child_episodes_from..];
        let in_returns: Vec<CollectionYear> = years
            .iter()
            .copied()
            .filter(|y| {
                episodes
                    .iter()
                    .any(|e| e.start <= y.end() && e.end.is_none_or(|end| end >= y.start()))
            })
            .collect();
        let upn = upn_for(
            &mut rng,
            &UpnFacts {
                n,
                dob: child.dob,
                uasc: child.uasc,
                last_return_end: in_returns.last().map_or(params.as_of, |y| y.end()),
                not_looked_after_on_any_31_march: in_returns
                    .iter()
                    .all(|y| !episodes.iter().any(|e| e.is_open_on(y.end()))),
            },
        );
        // A few young women in care are mothers.
        let (mother, mothers_child_dob) = mother_status(
            &mut rng,
            child.sex,
            child.dob,
            episodes,
            &in_returns,
            params.as_of,
        );
        let eighteen = birthday(child.dob, 18);
        child_ids[index] = Some(id.clone());
        let name = names::synthetic_name(params.seed, &id, child.sex, child.ethnicity);
        ds.children.push(Child {
            id,
            sex: child.sex,
            date_of_birth: child.dob,
            ethnicity: child.ethnicity,
            upn: Some(upn),
            mother,
            mothers_child_dob,
            uasc: child.uasc.then(|| UascStatus {
                ceased: (eighteen <= params.as_of).then_some(eighteen),
            }),
            name: Some(name),
        });
    }

    // Brothers and sisters recorded as groups: those of each group that are
    // in the dataset, when two or more are.
    for g in &pop.groups {
        let mut members: Vec<ChildId> = g
            .children
            .iter()
            .filter_map(|&c| child_ids.get(c as usize).cloned().flatten())
            .collect();
        if members.len() >= 2 {
            members.sort();
            ds.sibling_groups.push(members);
        }
    }

    // Health outcomes (OC2), from their own random stream.
    ds.health_outcomes = health::outcomes(params.seed, &ds.children, &ds.episodes, &years);
    // The 903's other tables (OC3, AD1, PlacedAdoption, PrevPerm,
    // SWEpisodes, DoLo), from their own random stream too.
    ds.return_tables = other_tables::records(
        params.seed,
        &ds.children,
        &ds.episodes,
        &years,
        params.as_of,
    );

    let mut injected_problems = Vec::new();
    if params.with_data_problems {
        let mut rng = ChaCha8Rng::seed_from_u64(master.next_u64());
        injected_problems = problems::inject(&mut ds, &mut rng, params.latest_year());
    }
    // Health assessments, dental checks, SDQs, immunisations and PEPs, from
    // their own random stream, for the children as they finally are.
    let he = health_education::records(params.seed, &ds, window_start, params.as_of, &calendar);
    ds.health_assessments = he.health_assessments;
    ds.dental_checks = he.dental_checks;
    ds.sdq_scores = he.sdq_scores;
    ds.immunisations = he.immunisations;
    ds.education_plans = he.education_plans;
    // Secure accommodation, private fostering and foster carer reviews,
    // disruption meetings, dual plans, life story, advocacy, views and case
    // alerts, from their own random stream too.
    ds.case_records = case_records::records(params.seed, &ds, window_start, params.as_of);
    sort_dataset(&mut ds);

    Ok(SyntheticCouncil {
        params: params.clone(),
        dataset: ds,
        collection_years: params.collection_years(),
        injected_problems,
    })
}

/// The Header's MOTHER and MC_DOB: one value for all the child's returns.
///
/// The DfE wants MOTHER (0 or 1) for every girl looked after in the year
/// (rules 393, 165 and 607 name no age) and never for boys (165, 174) or a
/// child who only has short breaks (399). So every girl with a looked-after
/// episode gets 0 or 1. A few are mothers: about 2–4% of 15- to 17-year-old
/// girls in care, their first child born after their 14th birthday (rule
/// 620 refuses mothers under 11). As the return for each year shows the same
/// values, the child was born by the end of the earliest return the girl is
/// in, and by the latest end of an episode in it (rule 625: MC_DOB not after
/// the year's end or the child's last DEC in it). A girl in no return is
/// judged as of `as_of`.
fn mother_status(
    rng: &mut ChaCha8Rng,
    sex: Sex,
    dob: NaiveDate,
    episodes: &[Episode],
    in_returns: &[CollectionYear],
    as_of: NaiveDate,
) -> (Option<bool>, Option<NaiveDate>) {
    if sex != Sex::Female || episodes.iter().all(|e| e.is_short_break()) {
        return (None, None);
    }
    let bound = in_returns
        .iter()
        .map(|y| {
            episodes
                .iter()
                .filter(|e| e.start <= y.end())
                .filter_map(|e| e.end)
                .filter(|&end| y.contains(end))
                .max()
                .unwrap_or(y.end())
        })
        .min()
        .unwrap_or(as_of)
        .min(as_of);
    let fourteen = birthday(dob, 14);
    if bound < add_days(fourteen, 30) {
        return (Some(false), None);
    }
    let chance = if age_on(dob, bound) >= 15 {
        0.04
    } else {
        0.015
    };
    if !rng.random_bool(chance) {
        return (Some(false), None);
    }
    let from = fourteen.max(add_days(bound, -3 * 365));
    let born = add_days(from, days_between(rng, 0, (bound - from).num_days()));
    (Some(true), Some(born))
}

/// Missing and away-from-placement episodes of one period, from the start of
/// the reported years: mostly children of 12 and over, most never, some
/// often. They never overlap and each ends before the period does.
fn missing_episodes(
    rng: &mut ChaCha8Rng,
    child: &ChildId,
    dob: NaiveDate,
    start: NaiveDate,
    end: Option<NaiveDate>,
    window_start: NaiveDate,
    as_of: NaiveDate,
) -> Vec<MissingEpisode> {
    let mut out = Vec::new();
    let rate_per_year = pick(rng, &[(0.0, 74), (0.8, 16), (6.0, 10)]);
    if rate_per_year == 0.0 {
        return out;
    }
    let from = start.max(birthday(dob, 12)).max(window_start);
    let until = end.unwrap_or(add_days(as_of, 1)).min(add_days(as_of, 1));
    let mut t = from;
    loop {
        t = add_days(t, exp_days(rng, 365.0 / rate_per_year));
        if t >= until {
            break;
        }
        let length = pick(rng, &[(0, 40), (1, 35), (2, 20), (3, 5)]);
        let length = match length {
            0 => 0,
            1 => 1,
            2 => days_between(rng, 2, 5),
            _ => days_between(rng, 6, 20),
        };
        let mis_end = add_days(t, length);
        let (mis_end, stop) = if mis_end > as_of && end.is_none() {
            (None, true)
        } else if let Some(e) = end
            && mis_end >= e
        {
            // Back before the period ends.
            (Some(add_days(e, -1)), true)
        } else {
            (Some(mis_end), false)
        };
        if mis_end.is_some_and(|m| m < t) {
            break;
        }
        let kind = if rng.random_bool(0.7) {
            MissingKind::Missing
        } else {
            MissingKind::Away
        };
        out.push(MissingEpisode {
            child: child.clone(),
            kind,
            start: t,
            end: mis_end,
        });
        match mis_end {
            Some(m) if !stop => t = m,
            _ => break,
        }
    }
    out
}

/// Puts every table in a stable order (by child, then date).
fn sort_dataset(ds: &mut Dataset) {
    ds.children.sort_by(|a, b| a.id.cmp(&b.id));
    ds.episodes.sort_by(episode_order);
    ds.reviews
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.missing
        .sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    ds.allocations
        .sort_by(|a, b| (&a.child, a.from, &a.iro).cmp(&(&b.child, b.from, &b.iro)));
    ds.midway_checks
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.visits
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.challenges.sort_by_key(|c| c.id);
    ds.sibling_groups.sort();
    // The store's order (by child, then date).
    ds.health_assessments.sort_by(|a, b| {
        (&a.child, a.done.or(a.requested), a.kind).cmp(&(&b.child, b.done.or(b.requested), b.kind))
    });
    ds.dental_checks
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.sdq_scores
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.immunisations
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
    ds.education_plans
        .sort_by(|a, b| (&a.child, a.date).cmp(&(&b.child, b.date)));
}

fn episode_order(a: &Episode, b: &Episode) -> std::cmp::Ordering {
    (&a.child, a.start, a.end.is_none(), a.end).cmp(&(&b.child, b.start, b.end.is_none(), b.end))
}
