//! Health outcomes (903 OC2) for the children looked after continuously for
//! 12 months or more at each 31 March of the reported years.
//!
//! Drawn from their own random stream (seeded from the council's seed), so
//! adding them changes nothing else in the council. Rates are near the
//! national figures for children looked after 12 months or more: annual
//! health assessment about 88%, immunisations about 86%, teeth checked about
//! 75%, health (development) checks of under-5s about 88%; an SDQ score for
//! about 75% of those aged 4–16 (scores spread over 0–40, mean about 14),
//! otherwise a reason; convictions and substance misuse a few per cent of
//! those aged 10 or over. Ages are on 31 March.

use std::collections::BTreeMap;

use footprint_domain::codes::SdqReason;
use footprint_domain::dates::{CollectionYear, age_on};
use footprint_domain::measures::sdq_eligible;
use footprint_domain::model::{Child, ChildId, Episode, HealthOutcomes};
use footprint_domain::periods::assemble_periods;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::util::pick;

/// Mixed into the council's seed for the OC2 stream.
const OC2_STREAM: u64 = 0x0C2_4EA1_7B0D_5EED;

/// One OC2 record per child in each year's cohort, sorted by child then
/// year.
pub(crate) fn outcomes(
    seed: u64,
    children: &[Child],
    episodes: &[Episode],
    years: &[CollectionYear],
) -> Vec<HealthOutcomes> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ OC2_STREAM);
    // Each child's episodes, children in identifier order (the order the
    // outcomes are drawn in): a sorted list of references, so only one
    // child's episodes are copied at a time (assembling periods takes a
    // slice), not the whole council's.
    let mut sorted: Vec<&Episode> = episodes.iter().collect();
    sorted.sort_by(|a, b| a.child.cmp(&b.child));
    let dobs: BTreeMap<&ChildId, _> = children.iter().map(|c| (&c.id, c.date_of_birth)).collect();
    let mut out = Vec::new();
    let mut eps: Vec<Episode> = Vec::new();
    for group in sorted.chunk_by(|a, b| a.child == b.child) {
        let child = &group[0].child;
        let Some(&dob) = dobs.get(child) else {
            continue;
        };
        eps.clear();
        eps.extend(group.iter().map(|e| (*e).clone()));
        let periods = assemble_periods(&eps).periods;
        for &year in years {
            let continuous = periods
                .iter()
                .any(|p| p.is_looked_after_on(year.start()) && p.is_looked_after_on(year.end()));
            if continuous {
                out.push(one(&mut rng, child, year, age_on(dob, year.end())));
            }
        }
    }
    out
}

fn one(rng: &mut ChaCha8Rng, child: &ChildId, year: CollectionYear, age: u32) -> HealthOutcomes {
    let sdq_eligible = sdq_eligible(age);
    let score = (sdq_eligible && rng.random_bool(0.75)).then(|| sdq_score(rng));
    let reason = (sdq_eligible && score.is_none()).then(|| {
        pick(
            rng,
            &[
                (SdqReason::CarerRefused, 3),
                (SdqReason::Disability, 2),
                (SdqReason::Other, 4),
                (SdqReason::YoungPersonRefused, 3),
            ],
        )
    });
    // A child who turned 17 during the year was over 16 when the SDQ was
    // due (DfE rule 197B asks): SDQ1. No draw, so the rest is unchanged.
    let reason = reason.or((age == 17).then_some(SdqReason::UnderFourOrOverSixteen));
    let older = age >= 10;
    let substance_misuse = older && rng.random_bool(0.04);
    let convicted = older.then(|| rng.random_bool(0.03));
    let health_check = (age < 5).then(|| rng.random_bool(0.88));
    let immunisations = Some(rng.random_bool(0.86));
    let teeth_check = Some(rng.random_bool(0.75));
    let health_assessment = Some(rng.random_bool(0.88));
    let intervention_received = substance_misuse.then(|| rng.random_bool(0.6));
    let offered = substance_misuse.then(|| rng.random_bool(0.85));
    HealthOutcomes {
        child: child.clone(),
        year,
        sdq_score: score,
        sdq_reason: reason,
        convicted,
        health_check,
        immunisations,
        teeth_check,
        health_assessment,
        substance_misuse: Some(substance_misuse),
        intervention_received,
        // Whether an intervention was offered is asked only of a child who
        // did not receive one (DfE rules 158 and 159); the draw is made
        // either way, so the rest of the council is unchanged.
        intervention_offered: if intervention_received == Some(true) {
            None
        } else {
            offered
        },
    }
}

/// An SDQ total score: roughly normal around 14 (sd 7), within 0–40.
pub(crate) fn sdq_score(rng: &mut ChaCha8Rng) -> u8 {
    // Box–Muller.
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (14.0 + 7.0 * z).round().clamp(0.0, 40.0) as u8
}
