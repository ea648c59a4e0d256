//! The 903's other tables for the generated council, drawn from a random
//! stream of their own (seeded from the council's seed), so adding them
//! changes nothing else:
//!
//! * **PrevPerm** for each child starting a period of care (RNE S) in a
//!   reported year: mostly none (Z1); an earlier adoption, special
//!   guardianship or child arrangements order with the local authority's
//!   code and the order's date (sometimes only its month) for a few, and
//!   unknown (P4) for some (DfE rules 630–635).
//! * **AD1** and **PlacedAdoption** for each adoption (a period ending E11
//!   or E12): the decision to place for adoption before the placement order
//!   (or the adoption placement), the match before the placement, and the
//!   adopters; a decision that ceased (RD1–RD4) for a period with a
//!   placement order or an adoption placement that did not end in adoption
//!   (rules 331–335, 511–525, 551–558).
//! * **OC3** for care leavers: a young person who left care aged 16 or over
//!   after at least 13 weeks looked after since their 14th birthday, on each
//!   17th to 21st birthday after leaving in a reported year (rules 391,
//!   1016): mostly in touch, in education, training or work and suitably
//!   housed (rules 153, 344, 345, 347, 3001).
//! * **SWEpisodes**: one chain of social workers per child from their first
//!   day in care, a new worker every year or so and at each new period of
//!   care, the last one open (rules SW01–SW19: each change within days of
//!   the last, every episode with a worker and a reason, FCONTA for the
//!   first).
//! * **DoLo**: deprivation of liberty orders for a few young people of 13
//!   to 17 in children's homes, residential schools or care homes, from
//!   2026-27, within the placement (rules 700–710).

use chrono::NaiveDate;
use footprint_domain::codes::{
    AdoptersLegalStatus, AdoptersSex, AdoptionDecisionCeased, CareLeaverAccommodation,
    CareLeaverActivity, InTouch, PlacementType, PreviousPermanenceKind, ReasonEpisodeCeased,
    SocialWorkerChangeReason,
};
use footprint_domain::dates::{CollectionYear, age_on, format_uk};
use footprint_domain::model::{Child, Episode};
use footprint_domain::periods::{PeriodOfCare, assemble_periods};
use footprint_domain::return_tables::{
    Adoption, AdoptionDecision, CareLeaverOutcome, DeprivationOfLiberty, PreviousPermanence,
    ReturnTables, SocialWorkerEpisode,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::util::{add_days, birthday, days_between, exp_days, pick};

/// Mixed into the council's seed for this stream.
const STREAM: u64 = 0x000C_3AD1_5EED_0F7B;

/// Local authority codes an earlier permanence order was made by (a few of
/// the DfE's list; rule 633).
const LA_CODES: &[&str] = &["202", "316", "330", "350", "800", "873", "886", "926"];

/// The first day a DoLo is generated from (the table starts in 2026-27).
fn dolo_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// The records of every child, each list sorted by child then key.
pub(crate) fn records(
    seed: u64,
    children: &[Child],
    episodes: &[Episode],
    years: &[CollectionYear],
    as_of: NaiveDate,
) -> ReturnTables {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let mut out = ReturnTables::default();
    let workers = (children.len() / 12).max(10) as u32;
    // Each child's episodes, children in identifier order (the order the
    // records are drawn in).
    let mut sorted: Vec<&Episode> = episodes.iter().collect();
    sorted.sort_by(|a, b| (&a.child, a.start).cmp(&(&b.child, b.start)));
    let mut by_child = sorted.chunk_by(|a, b| a.child == b.child).peekable();
    let mut eps: Vec<Episode> = Vec::new();
    for child in children {
        while by_child.peek().is_some_and(|g| g[0].child < child.id) {
            by_child.next();
        }
        let Some(group) = by_child.peek().filter(|g| g[0].child == child.id) else {
            continue;
        };
        eps.clear();
        eps.extend(group.iter().map(|e| (*e).clone()));
        let periods = assemble_periods(&eps).periods;
        if periods.is_empty() {
            continue;
        }
        previous_permanence(&mut rng, child, &periods, years, &mut out);
        adoption(&mut rng, child, &periods, &mut out);
        care_leaver(&mut rng, child, &periods, years, as_of, &mut out);
        social_workers(&mut rng, child, &periods, as_of, workers, &mut out);
        deprivation_of_liberty(&mut rng, child, &periods, as_of, &mut out);
    }
    out.sort();
    out
}

fn previous_permanence(
    rng: &mut ChaCha8Rng,
    child: &Child,
    periods: &[PeriodOfCare],
    years: &[CollectionYear],
    out: &mut ReturnTables,
) {
    for &year in years {
        // One row a year (rule INT35), for the first period starting in it.
        let Some(p) = periods.iter().find(|p| year.contains(p.start())) else {
            continue;
        };
        use PreviousPermanenceKind::*;
        let mut kind = pick(
            rng,
            &[
                (None, 80),
                (Unknown, 6),
                (Adoption, 3),
                (SpecialGuardianship, 7),
                (ChildArrangements, 4),
            ],
        );
        let (mut la, mut date) = (Option::None, Option::None);
        if kind == Unknown {
            // Every option but none has its authority and date (rule 630):
            // both unknown here.
            la = Some("999".to_owned());
            date = Some("zz/zz/zzzz".to_owned());
        }
        if matches!(kind, Adoption | SpecialGuardianship | ChildArrangements) {
            let from = add_days(child.date_of_birth, 60);
            let to = add_days(p.start(), -60);
            if to > from {
                let d = add_days(from, days_between(rng, 0, (to - from).num_days()));
                let text = format_uk(d);
                // The day is sometimes not known.
                date = Some(if rng.random_bool(0.15) {
                    format!("zz{}", &text[2..])
                } else {
                    text
                });
                la = Some(LA_CODES[rng.random_range(0..LA_CODES.len())].to_owned());
            } else {
                kind = Unknown;
                la = Some("999".to_owned());
                date = Some("zz/zz/zzzz".to_owned());
            }
        }
        out.previous_permanence.push(PreviousPermanence {
            child: child.id.clone(),
            year,
            kind: Some(kind),
            local_authority: la,
            date,
        });
    }
}

fn adoption(rng: &mut ChaCha8Rng, child: &Child, periods: &[PeriodOfCare], out: &mut ReturnTables) {
    for p in periods {
        let placed = p
            .episodes
            .iter()
            .find(|e| e.placement.is_placed_for_adoption())
            .map(|e| e.start);
        let authority = p.adoption_authority();
        let Some(first) = authority.or(placed) else {
            continue;
        };
        // The decision comes before the placement order and any adoption
        // placement, after the period began.
        let before = authority.into_iter().chain(placed).min().unwrap_or(first);
        let decided = add_days(before, -days_between(rng, 20, 120)).max(p.start());
        let adopted = matches!(
            p.reason_ceased(),
            Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
        );
        match (adopted, p.end()) {
            (true, Some(end)) => {
                let placed_on = placed.unwrap_or(end);
                let matched = add_days(placed_on, -days_between(rng, 3, 40))
                    .max(decided)
                    .min(add_days(end, -1));
                let last = p.last_episode().placement;
                let (adopters, adopters_sex, adopters_legal_status) = adopters(rng);
                out.adoptions.push(Adoption {
                    child: child.id.clone(),
                    year: CollectionYear::of(end),
                    decided: Some(decided),
                    matched: Some(matched),
                    by_foster_carer: Some(matches!(last, PlacementType::A3 | PlacementType::A5)),
                    adopters: Some(adopters),
                    adopters_sex: Some(adopters_sex),
                    adopters_legal_status: Some(adopters_legal_status),
                });
                out.adoption_decisions.push(AdoptionDecision {
                    child: child.id.clone(),
                    decided,
                    ceased: None,
                    reason_ceased: None,
                });
            }
            (false, Some(end)) => {
                // Left care without being adopted: the decision ceased on
                // or before the day care ended (rule 557).
                let ceased = add_days(end, -days_between(rng, 0, 60)).max(decided);
                use AdoptionDecisionCeased::*;
                out.adoption_decisions.push(AdoptionDecision {
                    child: child.id.clone(),
                    decided,
                    ceased: Some(ceased),
                    reason_ceased: Some(pick(
                        rng,
                        &[
                            (NeedsChanged, 35),
                            (NoPlacementOrder, 10),
                            (NoAdopters, 25),
                            (Other, 30),
                        ],
                    )),
                });
            }
            (_, None) => out.adoption_decisions.push(AdoptionDecision {
                child: child.id.clone(),
                decided,
                ceased: None,
                reason_ceased: None,
            }),
        }
    }
}

/// The number of adopters, their sex and legal status, consistent with one
/// another (rules 511–524).
fn adopters(rng: &mut ChaCha8Rng) -> (u8, AdoptersSex, AdoptersLegalStatus) {
    use AdoptersLegalStatus as L;
    use AdoptersSex as S;
    if rng.random_bool(0.1) {
        let sex = pick(rng, &[(S::SingleFemale, 80), (S::SingleMale, 20)]);
        return (1, sex, L::Single);
    }
    let sex = pick(
        rng,
        &[(S::MaleAndFemale, 85), (S::TwoFemales, 8), (S::TwoMales, 7)],
    );
    let ls = if sex == S::MaleAndFemale {
        pick(
            rng,
            &[
                (L::MarriedDifferentGender, 70),
                (L::UnmarriedDifferentGender, 30),
            ],
        )
    } else {
        pick(
            rng,
            &[
                (L::MarriedSameGender, 40),
                (L::CivilPartners, 30),
                (L::UnmarriedSameGender, 30),
            ],
        )
    };
    (2, sex, ls)
}

fn care_leaver(
    rng: &mut ChaCha8Rng,
    child: &Child,
    periods: &[PeriodOfCare],
    years: &[CollectionYear],
    as_of: NaiveDate,
    out: &mut ReturnTables,
) {
    let Some(last) = periods.last() else {
        return;
    };
    let Some(left) = last.end() else {
        return;
    };
    use ReasonEpisodeCeased::*;
    if last.is_short_breaks()
        || matches!(last.reason_ceased(), Some(E11 | E12 | E2 | E3 | E15 | E16))
    {
        return;
    }
    let dob = child.date_of_birth;
    // Looked after 13 weeks or more since the 14th birthday, some of it
    // after the 16th: a relevant or former relevant child.
    let weeks_after_14: i64 = periods
        .iter()
        .filter_map(|p| {
            let from = p.start().max(birthday(dob, 14));
            let to = p.end().unwrap_or(as_of);
            (to > from).then(|| (to - from).num_days())
        })
        .sum();
    if age_on(dob, left) < 16 || weeks_after_14 < 91 {
        return;
    }
    for age in 17..=21 {
        let day = birthday(dob, age);
        let year = CollectionYear::of(day);
        if day <= left || day > as_of || !years.contains(&year) {
            continue;
        }
        use CareLeaverAccommodation as C;
        use CareLeaverActivity as A;
        let in_touch = pick(
            rng,
            &[
                (InTouch::Yes, 86),
                (InTouch::No, 5),
                (InTouch::Refused, 4),
                (InTouch::NoLongerRequires, 5),
            ],
        );
        let (activity, accommodation) = if in_touch == InTouch::Yes {
            let activity = pick(
                rng,
                &[
                    (A::F1, 7),
                    (A::P1, 1),
                    (A::F2, 18),
                    (A::P2, 3),
                    (A::F4, 4),
                    (A::P4, 1),
                    (A::F5, 14),
                    (A::P5, 8),
                    (A::G4, 9),
                    (A::G5, 26),
                    (A::G6, 9),
                ],
            );
            // Not with former foster carers at 17 (rule 3001), not in a
            // foyer under 18 (rule 347); about one in ten unsuitable.
            let suitable = rng.random_bool(0.9);
            let older = age >= 18;
            let kinds: Vec<((C, C), u32)> = [
                ((C::B1, C::B2), 14),
                ((C::D1, C::D2), 22),
                ((C::E1, C::E2), 8),
                ((C::K1, C::K2), 4),
                ((C::U1, C::U2), 32),
                ((C::T1, C::T2), if older { 3 } else { 0 }),
                ((C::Z1, C::Z2), if older { 12 } else { 0 }),
                ((C::Y1, C::Y2), 5),
            ]
            .into_iter()
            .filter(|&(_, w)| w > 0)
            .collect();
            let (good, bad) = pick(rng, &kinds);
            (activity, if suitable { good } else { bad })
        } else {
            (A::NotKnown, C::NotKnown)
        };
        out.care_leavers.push(CareLeaverOutcome {
            child: child.id.clone(),
            year,
            in_touch: Some(in_touch),
            activity: Some(activity),
            accommodation: Some(accommodation),
        });
    }
}

fn social_workers(
    rng: &mut ChaCha8Rng,
    child: &Child,
    periods: &[PeriodOfCare],
    as_of: NaiveDate,
    workers: u32,
    out: &mut ReturnTables,
) {
    // Nothing older is in any return that has the table.
    let keep_from = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap_or(NaiveDate::MIN);
    // Short breaks are not care with a social worker of their own here.
    let periods: Vec<&PeriodOfCare> = periods.iter().filter(|p| !p.is_short_breaks()).collect();
    // A worker changes only while the child is looked after (the DfE
    // checks that no worker starts after a child left care, rule SW12), so
    // always in a year a return tells of: a change no return told of could
    // not be known from the returns (the worker before would be held open).
    let in_a_return = |d: NaiveDate| {
        periods
            .iter()
            .any(|p| p.start() <= d && p.end().is_none_or(|end| d < end))
    };
    let Some(first) = periods.first().map(|p| p.start()) else {
        return;
    };
    if periods
        .iter()
        .all(|p| p.end().is_some_and(|e| e < keep_from))
    {
        return;
    }
    let worker = |rng: &mut ChaCha8Rng| format!("SW{:05}", rng.random_range(1..=workers));
    // The days a new period of care starts: a new worker then.
    let restarts: Vec<NaiveDate> = periods.iter().skip(1).map(|p| p.start()).collect();
    let mut start = first;
    let mut reason = SocialWorkerChangeReason::Fconta;
    let mut id = worker(rng);
    loop {
        let mut end = add_days(start, exp_days(rng, 330.0).max(45));
        let mut next_reason = None;
        if !in_a_return(end) {
            // The worker stays until the next period of care, or on.
            end = restarts
                .iter()
                .copied()
                .find(|&r| r > start)
                .unwrap_or(add_days(as_of, 1));
        }
        if let Some(&r) = restarts.iter().find(|&&r| r > start && r <= end) {
            end = r;
            next_reason = Some(SocialWorkerChangeReason::Chchan);
        }
        let open = end > as_of;
        if open || end >= keep_from {
            out.social_workers.push(SocialWorkerEpisode {
                child: child.id.clone(),
                start,
                end: (!open).then_some(end),
                worker: Some(id.clone()),
                reason: Some(reason),
            });
        }
        if open {
            break;
        }
        use SocialWorkerChangeReason::*;
        reason = next_reason.unwrap_or_else(|| {
            pick(
                rng,
                &[
                    (Leftrl, 30),
                    (Manage, 15),
                    (Tsproc, 20),
                    (Orgrst, 8),
                    (Absenc, 7),
                    (Chchan, 8),
                    (Pcchan, 7),
                    (Others, 5),
                ],
            )
        });
        let mut next = worker(rng);
        while next == id && workers > 1 {
            next = worker(rng);
        }
        id = next;
        start = end;
    }
}

fn deprivation_of_liberty(
    rng: &mut ChaCha8Rng,
    child: &Child,
    periods: &[PeriodOfCare],
    as_of: NaiveDate,
    out: &mut ReturnTables,
) {
    let from = dolo_from();
    if as_of < from {
        return;
    }
    let dob = child.date_of_birth;
    for e in periods.iter().flat_map(|p| &p.episodes) {
        let residential = matches!(
            e.placement,
            PlacementType::K2 | PlacementType::S1 | PlacementType::R1
        );
        let start = e.start.max(from).max(birthday(dob, 13));
        let end = e.end.unwrap_or(as_of).min(as_of).min(birthday(dob, 18));
        if !residential || end <= add_days(start, 14) || !rng.random_bool(0.25) {
            continue;
        }
        let dolo_start = add_days(start, days_between(rng, 0, (end - start).num_days() / 2));
        let dolo_end = add_days(dolo_start, days_between(rng, 14, 240));
        // Ends by the end of the placement (rule 707); open while it goes on.
        let dolo_end = match e.end {
            Some(placement_end) => Some(dolo_end.min(placement_end)),
            None => (dolo_end <= as_of).then_some(dolo_end),
        };
        out.deprivation_of_liberty.push(DeprivationOfLiberty {
            child: child.id.clone(),
            start: dolo_start,
            end: dolo_end,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CouncilParams, generate};

    #[test]
    fn every_table_is_generated_and_the_same_for_a_seed() {
        let params = CouncilParams::new(300, 5, 4, NaiveDate::from_ymd_opt(2027, 6, 1).unwrap());
        let ds = generate(&params).unwrap();
        let t = &ds.return_tables;
        assert!(!t.care_leavers.is_empty(), "care leavers");
        assert!(!t.adoptions.is_empty(), "adoptions");
        assert!(!t.adoption_decisions.is_empty(), "decisions");
        assert!(!t.previous_permanence.is_empty(), "previous permanence");
        assert!(!t.social_workers.is_empty(), "social workers");
        assert!(!t.deprivation_of_liberty.is_empty(), "DoLo");
        // Each adoption has its decision, dated as the DfE expects.
        for a in &t.adoptions {
            let d = t
                .adoption_decisions
                .iter()
                .find(|d| d.child == a.child && Some(d.decided) == a.decided)
                .expect("the adoption's decision");
            assert!(d.ceased.is_none());
            assert!(a.decided <= a.matched);
        }
        // One open social worker episode per child at most, the last.
        for chain in t.social_workers.chunk_by(|a, b| a.child == b.child) {
            for w in chain.windows(2) {
                assert_eq!(w[0].end, Some(w[1].start), "{:?}", w[0].child);
            }
        }
        assert_eq!(generate(&params).unwrap().return_tables, *t);
    }
}
