//! Phase B, part 1: the episodes of one period of care.
//!
//! From the plan and dates phase A drew, a period's legal statuses (police
//! protection or an EPO for a few days, section 20, interim then full care
//! order, placement order before adoption) and placements (first placement by
//! age, moves at a rate set by how settled the child is, a foster placement
//! becoming long-term, a move to semi-independent or supported accommodation
//! at 16–17, placement for adoption, a return to parents before an order is
//! discharged, the H5 → K3 change of code in April 2024) are merged into 903
//! episodes with the right RNE and a reason for each placement change, and
//! the last episode ends with a reason consistent with where the child is.

use chrono::NaiveDate;
use footprint_domain::codes::{
    CategoryOfNeed, LegalStatus, PlacementProvider, PlacementType, ReasonEpisodeCeased,
    ReasonNewEpisode, ReasonPlaceChange,
};
use footprint_domain::dates::age_on;
use footprint_domain::model::{ChildId, Episode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::urn;
use crate::population::{ChildRec, PeriodRec, Plan, SiblingGroup};
use crate::postcodes::{AreaKind, Postcodes};
use crate::util::{add_days, birthday, days_between, exp_days, pick, span};

/// The day the supported accommodation code K3 replaces H5 in the return
/// (the 2024-25 collection year).
pub(crate) fn k3_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// Where a child lives: the placement type and who provides it.
#[derive(Debug, Clone)]
struct Carer {
    place: PlacementType,
    provider: Option<PlacementProvider>,
    postcode: Option<String>,
    urn: Option<String>,
}

/// What changes on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PlaceEvent {
    /// Must stay first: ordering decides which event wins on a shared date.
    Adoption,
    HomeWithParents,
    K3Conversion,
    LongTermStatus,
    SemiIndependent,
    Move,
}

/// The context phase B needs for every period.
pub(crate) struct CareContext<'a> {
    pub as_of: NaiveDate,
    pub postcodes: &'a Postcodes,
    /// The sibling groups ([`PeriodRec::group`] indexes them).
    pub groups: &'a [SiblingGroup],
}

/// What brothers and sisters who came into care together share, each drawn
/// from the group's seed so that every one of them draws the same: the
/// legal route, and (when placed together) the first placement.
pub(crate) fn group_rng(group: &SiblingGroup, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(group.seed);
    rng.set_stream(stream);
    rng
}

/// The stream of a group's seed that draws its legal route.
const LEGAL_STREAM: u64 = 1;
/// The stream of a group's seed that draws its first placement.
const PLACEMENT_STREAM: u64 = 2;
/// The stream of a group's seed that draws the family home.
pub(crate) const HOME_STREAM: u64 = 3;

/// The result for one period: its episodes and the days it changed carer.
pub(crate) struct PeriodCare {
    pub episodes: Vec<Episode>,
}

fn semi_independent(date: NaiveDate) -> PlacementType {
    if date < k3_from() {
        PlacementType::H5
    } else {
        PlacementType::K3
    }
}

/// The placement type for a child of `age` starting a placement on `date`.
fn placement_for(
    rng: &mut ChaCha8Rng,
    age: u32,
    plan: Plan,
    uasc: bool,
    date: NaiveDate,
) -> PlacementType {
    use PlacementType::*;
    let semi = semi_independent(date);
    if plan == Plan::Remand {
        return pick(rng, &[(K2, 45), (U6, 30), (K1, 10), (R5, 15)]);
    }
    if uasc {
        return if age >= 16 {
            pick(rng, &[(semi, 50), (U6, 35), (K2, 15)])
        } else {
            pick(rng, &[(U6, 75), (K2, 25)])
        };
    }
    if plan == Plan::Sgo && age < 16 && rng.random_bool(0.6) {
        return U3;
    }
    let adoption = plan == Plan::Adoption;
    match age {
        0 => pick(
            rng,
            &[
                (U6, 62),
                (U3, 15),
                (R3, 8),
                (U5, if adoption { 15 } else { 3 }),
            ],
        ),
        1..=4 => pick(
            rng,
            &[(U6, 68), (U3, 22), (U5, if adoption { 10 } else { 2 })],
        ),
        5..=9 => pick(rng, &[(U6, 63), (U3, 22), (U4, 5), (K2, 8), (S1, 2)]),
        10..=15 => pick(
            rng,
            &[(U6, 50), (U3, 15), (U4, 5), (K2, 25), (S1, 3), (R1, 2)],
        ),
        _ => pick(rng, &[(U6, 35), (U3, 10), (K2, 20), (semi, 35)]),
    }
}

/// A new carer (provider, postcode, URN) for a placement of type `place`.
fn new_carer(
    rng: &mut ChaCha8Rng,
    place: PlacementType,
    home: Option<&str>,
    leaving: Option<&str>,
    postcodes: &Postcodes,
) -> Carer {
    use PlacementProvider::*;
    use PlacementType::*;
    let provider = match place {
        U1 | U2 | U3 => PR1,
        U4 | U5 | U6 => pick(rng, &[(PR1, 60), (PR4, 35), (PR5, 5)]),
        K2 => pick(rng, &[(PR4, 70), (PR1, 25), (PR5, 5)]),
        K1 => pick(rng, &[(PR1, 50), (PR2, 50)]),
        H5 | K3 => pick(rng, &[(PR4, 80), (PR5, 20)]),
        S1 => pick(rng, &[(PR4, 70), (PR5, 30)]),
        R1 => PR4,
        R3 => pick(rng, &[(PR4, 60), (PR3, 40)]),
        A3 | A4 | A5 | A6 => pick(rng, &[(PR1, 60), (PR2, 15), (PR5, 25)]),
        P1 => PR0,
        _ => PR3,
    };
    let fostering_or_adoption =
        matches!(place, A3 | A4 | A5 | A6 | U1 | U2 | U3 | U4 | U5 | U6 | K3);
    // In-area share by provider: own carers live locally, private and
    // residential provision is often further away. The council's own
    // children's homes (and other own provision that is not fostering or
    // adoption) are in its area (DfE rule 1015), and so is supported
    // accommodation (rule 241 reads a K3 provider's area as the council's).
    let local = match (place, provider) {
        (H5 | K3, _) => 1.0,
        (_, PR1) if !fostering_or_adoption => 1.0,
        (U1 | U2 | U3, _) => 0.8,
        (_, PR1) => 0.9,
        (U4 | U5 | U6, _) => 0.55,
        _ => 0.3,
    };
    let postcode = match (place, home) {
        (P1, Some(home)) => home.to_owned(),
        _ => {
            let kind = if rng.random_bool(local) {
                AreaKind::Own
            } else {
                Postcodes::out_of_area_kind(rng)
            };
            let avoid: Vec<&str> = home.into_iter().chain(leaving).collect();
            postcodes.draw(rng, kind, &avoid).to_owned()
        }
    };
    // No Ofsted URN where Ofsted does not register the setting (DfE rule
    // 222): with parents, residential employment, care homes and health
    // settings (CQC), young offender institutions and temporary moves.
    let urn = match place {
        P1 | P3 | R1 | R2 | R5 | T0 | T1 | T2 | T3 | T4 => None,
        _ => Some(urn(rng, place, provider)),
    };
    Carer {
        place,
        provider: Some(provider),
        postcode: Some(postcode),
        urn,
    }
}

/// The same carer under another placement type (long-term fostering,
/// placed for adoption with the current foster carers, H5 → K3).
fn same_carer(current: &Carer, place: PlacementType) -> Carer {
    Carer {
        place,
        ..current.clone()
    }
}

fn entry_status(rng: &mut ChaCha8Rng, plan: Plan) -> LegalStatus {
    use LegalStatus::*;
    match plan {
        Plan::Remand => J1,
        Plan::Uasc => V2,
        Plan::Home => pick(rng, &[(V2, 55), (L1, 20), (C1, 20), (L2, 5)]),
        Plan::Adoption => pick(rng, &[(C1, 75), (L2, 10), (L1, 10), (V2, 5)]),
        Plan::Sgo => pick(rng, &[(C1, 70), (V2, 15), (L1, 10), (L2, 5)]),
        Plan::LongTerm => pick(rng, &[(C1, 55), (V2, 25), (L1, 10), (L2, 5), (C2, 5)]),
        Plan::ShortBreaks => V3,
        _ => pick(rng, &[(V2, 50), (C1, 35), (L1, 15)]),
    }
}

fn needs_order(plan: Plan) -> bool {
    matches!(plan, Plan::Adoption | Plan::Sgo | Plan::LongTerm)
}

/// The legal-status changes of a period: (date, status), the first on the
/// start date. For adoption also the day the child is placed for adoption.
fn legal_timeline(
    rng: &mut ChaCha8Rng,
    period: &PeriodRec,
    plan: Plan,
) -> (Vec<(NaiveDate, LegalStatus)>, Option<NaiveDate>) {
    use LegalStatus::*;
    let (start, end) = (period.start, period.end);
    let mut out = vec![(start, entry_status(rng, plan))];
    let mut placed = None;
    let homeish = !needs_order(plan);
    for _ in 0..6 {
        let (t, ls) = out[out.len() - 1];
        let (next_t, next) = match ls {
            L1 => {
                let next = if homeish {
                    pick(rng, &[(V2, 70), (C1, 30)])
                } else {
                    pick(rng, &[(C1, 85), (L2, 15)])
                };
                (add_days(t, days_between(rng, 1, 2)), next)
            }
            L2 => {
                let next = if homeish {
                    pick(rng, &[(V2, 50), (C1, 50)])
                } else {
                    C1
                };
                (add_days(t, days_between(rng, 3, 8)), next)
            }
            V2 if needs_order(plan) && plan != Plan::Uasc => {
                (add_days(t, days_between(rng, 30, 240)), C1)
            }
            C1 | C2 if plan == Plan::Adoption => {
                if ls == C2 {
                    break;
                }
                // Care and placement orders at the final hearing; placed for
                // adoption some months later; the adoption order at the end.
                let latest_placed = add_days(end, -days_between(rng, 90, 330));
                let e1 = add_days(latest_placed, -days_between(rng, 60, 240)).max(add_days(t, 60));
                let p = latest_placed.max(add_days(e1, 30));
                if add_days(p, 70) <= end {
                    placed = Some(p);
                    (e1, E1)
                } else {
                    (add_days(t, days_between(rng, 180, 450)), C2)
                }
            }
            C1 => {
                if plan == Plan::Sgo && span(t, end) < 500 {
                    break;
                }
                (add_days(t, days_between(rng, 180, 450)), C2)
            }
            _ => break,
        };
        if next_t >= end || next_t <= t {
            break;
        }
        out.push((next_t, next));
    }
    (out, placed)
}

fn move_reason(rng: &mut ChaCha8Rng) -> ReasonPlaceChange {
    use ReasonPlaceChange::*;
    pick(
        rng,
        &[
            (CARPL, 35),
            (CREQB, 15),
            (CREQO, 10),
            (CHILD, 8),
            (LAREQ, 8),
            (CLOSE, 5),
            (STAND, 4),
            (ALLEG, 3),
            (APPRR, 1),
            (OTHER, 11),
        ],
    )
}

fn category_of_need(rng: &mut ChaCha8Rng, plan: Plan) -> CategoryOfNeed {
    use CategoryOfNeed::*;
    match plan {
        Plan::Uasc => N8,
        Plan::ShortBreaks => N2,
        Plan::Remand => pick(rng, &[(N6, 50), (N5, 30), (N1, 20)]),
        _ => pick(
            rng,
            &[
                (N1, 60),
                (N4, 10),
                (N5, 14),
                (N2, 4),
                (N3, 4),
                (N6, 4),
                (N7, 1),
                (N8, 3),
            ],
        ),
    }
}

/// How the period ends, given where the child is and their legal status.
/// A child who comes back into care later did not die (DfE rule 437).
fn exit_reason(
    rng: &mut ChaCha8Rng,
    plan: Plan,
    comes_back: bool,
    at_eighteen: bool,
    place: PlacementType,
    ls: LegalStatus,
    age: u32,
) -> ReasonEpisodeCeased {
    use ReasonEpisodeCeased::*;
    let foster = place.is_foster_care();
    if at_eighteen {
        return if foster {
            pick(rng, &[(E17, 35), (E5, 35), (E6, 10), (E8, 15), (E13, 5)])
        } else if plan == Plan::Uasc {
            pick(rng, &[(E5, 60), (E6, 20), (E8, 20)])
        } else {
            pick(rng, &[(E5, 60), (E6, 15), (E8, 20), (E7, 2), (E13, 3)])
        };
    }
    match plan {
        Plan::Home => {
            if place == PlacementType::P1 || matches!(ls, LegalStatus::C1 | LegalStatus::C2) {
                E4A
            } else if ls == LegalStatus::L1 {
                pick(rng, &[(E4A, 50), (E4B, 30), (E13, 20)])
            } else {
                pick(rng, &[(E4A, 70), (E4B, 30)])
            }
        }
        Plan::Adoption if place.is_placed_for_adoption() => pick(rng, &[(E11, 80), (E12, 20)]),
        Plan::Adoption | Plan::Sgo => match place {
            PlacementType::U1 | PlacementType::U2 | PlacementType::U3 => {
                pick(rng, &[(E45, 65), (E47, 35)])
            }
            PlacementType::U4 | PlacementType::U5 | PlacementType::U6 => {
                pick(rng, &[(E46, 35), (E47, 45), (E48, 20)])
            }
            _ => pick(rng, &[(E47, 75), (E48, 25)]),
        },
        Plan::LongTerm => {
            if age >= 16 {
                pick(rng, &[(E13, 40), (E4A, 30), (E8, 20), (E6, 10)])
            } else {
                pick(rng, &[(E13, 45), (E4A, 35), (E8, 20)])
            }
        }
        Plan::Relatives => E13,
        Plan::ChildArrangements => E41,
        Plan::Transfer => E3,
        Plan::Other => pick(
            rng,
            &[(E8, 92), (E16, 5), (E2, if comes_back { 0 } else { 3 })],
        ),
        Plan::Remand => pick(rng, &[(E14, 80), (E9, 20)]),
        Plan::Uasc => pick(rng, &[(E15, 40), (E16, 20), (E8, 40)]),
        Plan::ShortBreaks => E4A,
    }
}

/// Builds the episodes of a looked-after period (not short breaks).
pub(crate) fn period_episodes(
    ctx: &CareContext<'_>,
    rng: &mut ChaCha8Rng,
    id: &ChildId,
    child: &ChildRec,
    period: &PeriodRec,
    home: Option<&str>,
    comes_back: bool,
) -> PeriodCare {
    let (start, end) = (period.start, period.end);
    let mut plan = period.plan;
    let group = period.group.and_then(|g| ctx.groups.get(g as usize));
    // Brothers and sisters who came in together share the legal route.
    let (legal, placed) = match group {
        Some(g) => legal_timeline(&mut group_rng(g, LEGAL_STREAM), period, plan),
        None => legal_timeline(rng, period, plan),
    };
    if plan == Plan::Adoption && placed.is_none() {
        plan = Plan::Sgo;
    }
    let cin = category_of_need(rng, plan);
    let age_at = |d: NaiveDate| age_on(child.dob, d);

    // Placement events.
    let mut events: Vec<(NaiveDate, PlaceEvent)> = Vec::new();
    // How settled the child is: most rarely move, a few move often (about
    // one child in ten has three or more placements in a year).
    let settled = pick(rng, &[(0, 66), (1, 27), (2, 7)]);
    let mean_gap = match settled {
        0 => 365.0 * 3.0,
        1 => 365.0 * 1.4,
        _ => 365.0 * 0.35,
    };
    let mut t = start;
    loop {
        t = add_days(t, exp_days(rng, mean_gap));
        if t >= end || t > ctx.as_of {
            break;
        }
        events.push((t, PlaceEvent::Move));
    }
    if plan == Plan::LongTerm
        && let Some(&(c2, _)) = legal.iter().find(|(_, ls)| *ls == LegalStatus::C2)
        && rng.random_bool(0.45)
    {
        events.push((
            add_days(c2, days_between(rng, 60, 360)),
            PlaceEvent::LongTermStatus,
        ));
    }
    if matches!(plan, Plan::LongTerm | Plan::Uasc) && rng.random_bool(0.3) {
        let at = add_days(birthday(child.dob, 16), days_between(rng, 60, 600));
        if at > start {
            events.push((at, PlaceEvent::SemiIndependent));
        }
    }
    if let Some(p) = placed {
        events.push((p, PlaceEvent::Adoption));
    }
    if plan == Plan::Home && span(start, end) > 270 {
        let ls_late = legal.last().map(|x| x.1);
        if matches!(ls_late, Some(LegalStatus::C1 | LegalStatus::C2)) && rng.random_bool(0.6) {
            events.push((
                add_days(end, -days_between(rng, 30, 120)),
                PlaceEvent::HomeWithParents,
            ));
        }
    }
    if start < k3_from() && end > k3_from() {
        events.push((k3_from(), PlaceEvent::K3Conversion));
    }
    events.retain(|&(d, _)| d > start && d < end && d <= ctx.as_of);
    events.sort();
    events.dedup_by_key(|e| e.0);

    // Walk the events, working out each placement. Brothers and sisters
    // placed together share the first one: a placement for the youngest.
    let mut carer = match group {
        Some(g) if g.placed_together => {
            let mut grng = group_rng(g, PLACEMENT_STREAM);
            let age = age_on(g.youngest_dob, start);
            let place = placement_for(&mut grng, age, plan, false, start);
            new_carer(&mut grng, place, home, None, ctx.postcodes)
        }
        _ => {
            let first_place = placement_for(rng, age_at(start), plan, child.uasc, start);
            new_carer(rng, first_place, home, None, ctx.postcodes)
        }
    };
    // (date, carer, new carer?, reason for the change)
    let mut placements: Vec<(NaiveDate, Carer, bool, Option<ReasonPlaceChange>)> =
        vec![(start, carer.clone(), true, None)];
    let mut settled_for_good = false;
    for (d, ev) in events {
        let age = age_at(d);
        let change = match ev {
            PlaceEvent::Adoption => {
                settled_for_good = true;
                let with_carers = match carer.place {
                    PlacementType::U5 => rng.random_bool(0.9),
                    PlacementType::U6 | PlacementType::U4 => rng.random_bool(0.15),
                    _ => false,
                };
                if with_carers {
                    Some((
                        same_carer(&carer, PlacementType::A5),
                        false,
                        ReasonPlaceChange::CARPL,
                    ))
                } else {
                    Some((
                        new_carer(
                            rng,
                            PlacementType::A6,
                            home,
                            carer.postcode.as_deref(),
                            ctx.postcodes,
                        ),
                        true,
                        ReasonPlaceChange::CARPL,
                    ))
                }
            }
            _ if settled_for_good => None,
            PlaceEvent::HomeWithParents => {
                settled_for_good = true;
                Some((
                    new_carer(
                        rng,
                        PlacementType::P1,
                        home,
                        carer.postcode.as_deref(),
                        ctx.postcodes,
                    ),
                    true,
                    ReasonPlaceChange::CARPL,
                ))
            }
            PlaceEvent::K3Conversion => (carer.place == PlacementType::H5).then(|| {
                (
                    same_carer(&carer, PlacementType::K3),
                    false,
                    ReasonPlaceChange::PLACE,
                )
            }),
            PlaceEvent::LongTermStatus => {
                let to = match carer.place {
                    PlacementType::U6 => Some(PlacementType::U4),
                    PlacementType::U3 => Some(PlacementType::U1),
                    _ => None,
                };
                to.map(|p| (same_carer(&carer, p), false, ReasonPlaceChange::PLACE))
            }
            PlaceEvent::SemiIndependent => {
                let semi = semi_independent(d);
                (age >= 16 && carer.place != semi).then(|| {
                    (
                        new_carer(rng, semi, home, carer.postcode.as_deref(), ctx.postcodes),
                        true,
                        ReasonPlaceChange::CARPL,
                    )
                })
            }
            PlaceEvent::Move => {
                let mut place = placement_for(rng, age, plan, child.uasc, d);
                if plan == Plan::LongTerm && age < 14 && rng.random_bool(0.4) {
                    place = PlacementType::U4;
                }
                if matches!(place, PlacementType::H5 | PlacementType::K3) && age < 16 {
                    place = PlacementType::U6;
                }
                Some((
                    new_carer(rng, place, home, carer.postcode.as_deref(), ctx.postcodes),
                    true,
                    move_reason(rng),
                ))
            }
        };
        if let Some((c, new, reason)) = change {
            carer = c.clone();
            placements.push((d, c, new, Some(reason)));
        }
    }

    // Merge legal and placement changes into episodes.
    let mut dates: Vec<NaiveDate> = legal
        .iter()
        .map(|x| x.0)
        .chain(placements.iter().map(|x| x.0))
        .filter(|&d| d <= ctx.as_of)
        .collect();
    dates.sort();
    dates.dedup();
    let mut episodes: Vec<Episode> = Vec::with_capacity(dates.len());
    let mut li = 0;
    let mut pi = 0;
    for (n, &d) in dates.iter().enumerate() {
        let ls_changes = legal.get(li + 1).is_some_and(|x| x.0 == d);
        let place_changes = placements.get(pi + 1).filter(|x| x.0 == d);
        let reason_new = if n == 0 {
            ReasonNewEpisode::S
        } else {
            match (ls_changes, place_changes.map(|x| x.2)) {
                (true, None) => ReasonNewEpisode::L,
                (false, Some(true)) => ReasonNewEpisode::P,
                (false, Some(false)) => ReasonNewEpisode::T,
                (true, Some(true)) => ReasonNewEpisode::B,
                (true, Some(false)) => ReasonNewEpisode::U,
                (false, None) => continue,
            }
        };
        if n > 0 {
            if ls_changes {
                li += 1;
            }
            if let Some(p) = place_changes {
                if let Some(prev) = episodes.last_mut() {
                    prev.reason_place_change = p.3;
                }
                pi += 1;
            }
        }
        let c = &placements[pi].1;
        if let Some(prev) = episodes.last_mut() {
            prev.end = Some(d);
            prev.reason_ceased = Some(ReasonEpisodeCeased::X1);
        }
        episodes.push(Episode {
            child: id.clone(),
            start: d,
            end: None,
            reason_new,
            legal_status: legal[li].1,
            category_of_need: Some(cin),
            placement: c.place,
            provider: provider_for(c),
            reason_ceased: None,
            reason_place_change: None,
            home_postcode: home.map(str::to_owned),
            placement_postcode: c.postcode.clone(),
            urn: c.urn.clone(),
        });
    }
    if end <= ctx.as_of
        && let Some(last) = episodes.last_mut()
    {
        let at_eighteen = end == birthday(child.dob, 18);
        last.end = Some(end);
        last.reason_ceased = Some(exit_reason(
            rng,
            plan,
            comes_back,
            at_eighteen,
            last.placement,
            last.legal_status,
            age_at(end),
        ));
    }
    PeriodCare { episodes }
}

/// Temporary placements T0–T3 carry no provider; every other one does.
fn provider_for(c: &Carer) -> Option<PlacementProvider> {
    if matches!(
        c.place,
        PlacementType::T0 | PlacementType::T1 | PlacementType::T2 | PlacementType::T3
    ) {
        None
    } else {
        c.provider
    }
}

/// Builds the V3 episodes of a series of short breaks: a few nights every few
/// weeks with the same carer, each its own episode (RNE S, REC E4A). Only
/// breaks from `from` on are generated: earlier ones are in no reported year.
///
/// Short breaks are in a children's home (K2) or with short-break foster
/// carers (U6): never a long-term foster placement (U1/U4, DfE rule 384) or
/// a temporary one (T0–T4, rule 382). The DfE wants no location for V3/V4
/// episodes: no home or placement postcode and no URN (rules 214, 398, 420).
pub(crate) fn short_break_episodes(
    ctx: &CareContext<'_>,
    rng: &mut ChaCha8Rng,
    id: &ChildId,
    period: &PeriodRec,
    from: NaiveDate,
) -> Vec<Episode> {
    let place = pick(rng, &[(PlacementType::K2, 55), (PlacementType::U6, 45)]);
    let carer = new_carer(rng, place, None, None, ctx.postcodes);
    let mut out = Vec::new();
    let mut t = period.start;
    if t < from {
        t = add_days(from, days_between(rng, 0, 40));
    }
    while t < period.end && t <= ctx.as_of {
        let nights = days_between(rng, 1, 4);
        let end = add_days(t, nights);
        let closed = end <= ctx.as_of;
        out.push(Episode {
            child: id.clone(),
            start: t,
            end: closed.then_some(end),
            reason_new: ReasonNewEpisode::S,
            legal_status: LegalStatus::V3,
            category_of_need: Some(CategoryOfNeed::N2),
            placement: carer.place,
            provider: carer.provider,
            reason_ceased: closed.then_some(ReasonEpisodeCeased::E4A),
            reason_place_change: None,
            home_postcode: None,
            placement_postcode: None,
            urn: None,
        });
        t = add_days(end, days_between(rng, 12, 45));
    }
    out
}
