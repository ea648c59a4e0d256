//! Phase A: who is in care when, and which IRO has them.
//!
//! A day-by-day simulation from a warm-up start 18 years before the first
//! reported year (long enough for a child who came into care at birth to reach
//! 18), so the council begins the reported years in a steady state. Each day:
//! periods of care that end today end (a min-heap of end dates), children who
//! return to care come back (a second heap), and new children come into care
//! at a rate that keeps the number looked after near the target (a gentle
//! feedback on the base rate, as thresholds tighten when numbers are high).
//! Each new period's plan and end date are drawn when it starts; its episodes,
//! reviews and the IRO's records are drawn later (phase B) from a seed kept
//! with the period, so phase B can skip the periods that ended long ago.
//!
//! From a year before the first reported year, the IRO team is modelled too:
//! sized to the 50–70 children per FTE guideline, with IROs leaving (their
//! children reallocated the same day) and replacements starting a few weeks
//! later; every period of care open then or starting later gets an IRO.
//!
//! Brothers and sisters: about a third of the children coming into care come
//! with one to three siblings (a group of 2–4). They come in on the same
//! day with the same plan and legal route (the group's seed draws the legal
//! statuses in phase B), mostly leave together, share a family home and are
//! usually placed together; a child is allocated to the IRO of a brother or
//! sister already in care, so a group keeps one IRO (also when an IRO
//! leaves).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use chrono::NaiveDate;
use footprint_domain::codes::{Ethnicity, Sex};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::util::{add_days, birthday, days_between, exp_days, pick, span};

/// What the council plans (and what happens) for a period of care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Returns home (E4A/E4B), possibly after a time placed with parents.
    Home,
    /// Placement order, placed for adoption, adopted (E11/E12).
    Adoption,
    /// Special guardianship order (E45–E48).
    Sgo,
    /// Long-term care, usually until 18.
    LongTerm,
    /// Leaves to live with relatives (E13).
    Relatives,
    /// Child arrangements order (E41).
    ChildArrangements,
    /// Care taken over by another council (E3).
    Transfer,
    /// Ceased for another reason (E8).
    Other,
    /// Remanded (J1), ends E14 or E9.
    Remand,
    /// Unaccompanied asylum-seeking child, usually until 18.
    Uasc,
    /// An agreed series of short breaks (V3), not looked after.
    ShortBreaks,
}

impl Plan {
    /// Plans after which a child may come back into care.
    fn may_return(self) -> bool {
        matches!(
            self,
            Plan::Home | Plan::Relatives | Plan::ChildArrangements | Plan::Other
        )
    }
}

/// A child as phase A knows them.
#[derive(Debug, Clone)]
pub(crate) struct ChildRec {
    pub dob: NaiveDate,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub uasc: bool,
    pub seed: u64,
    pub periods: Vec<u32>,
    pub last_iro: Option<u32>,
    /// The sibling group (index into [`Population::groups`]), if any.
    pub group: Option<u32>,
}

/// Brothers and sisters who came into care together.
#[derive(Debug, Clone)]
pub(crate) struct SiblingGroup {
    /// Draws what they share: the family home, the legal route and, when
    /// placed together, the first placement.
    pub seed: u64,
    /// Child indices, in the order they were drawn.
    pub children: Vec<u32>,
    /// Placed together when they came into care.
    pub placed_together: bool,
    /// The youngest's date of birth: a placement together suits them.
    pub youngest_dob: NaiveDate,
}

/// A period of care (or a series of short breaks) as phase A drew it.
#[derive(Debug, Clone)]
pub(crate) struct PeriodRec {
    pub child: u32,
    pub start: NaiveDate,
    /// The day it ends (not looked after that day); may be after `as_of`.
    pub end: NaiveDate,
    pub plan: Plan,
    pub seed: u64,
    /// The IROs allocated, in order: (from, to, iro index).
    pub allocations: Vec<(NaiveDate, Option<NaiveDate>, u32)>,
    /// The sibling group that came into care together with this period.
    pub group: Option<u32>,
}

/// An IRO as phase A knows them.
#[derive(Debug, Clone)]
pub(crate) struct IroRec {
    pub fte: f64,
    pub started: NaiveDate,
    pub left: Option<NaiveDate>,
    load: u32,
    /// Periods ever allocated (compacted when the IRO leaves).
    open: Vec<u32>,
}

pub(crate) struct Population {
    pub children: Vec<ChildRec>,
    pub periods: Vec<PeriodRec>,
    pub iros: Vec<IroRec>,
    pub groups: Vec<SiblingGroup>,
}

/// Settings for phase A, derived from the council parameters.
pub(crate) struct PopulationParams {
    pub children_in_care: u32,
    pub window_start: NaiveDate,
    pub as_of: NaiveDate,
}

/// Share of the looked-after target kept as short-breaks children (V3 only).
const SHORT_BREAKS_SHARE: f64 = 0.06;
/// Warm-up length in years before the first reported year.
const WARM_UP_YEARS: i32 = 18;
/// Share of entries (a child, or brothers and sisters together) that are a
/// sibling group, among those that can be (not UASC or remand: about 91%).
/// With groups of 2, 3 or 4 (weights below, mean 2.52) about a third of the
/// children coming into care come with siblings:
/// 0.91 × 0.2 × 2.52 / (1 + 0.91 × 0.2 × 1.52) ≈ 0.36, a little less once
/// children who came back into care are counted too.
const SIBLING_GROUP_SHARE: f64 = 0.2;
const SIBLING_GROUP_SIZES: [(usize, u32); 3] = [(2, 60), (3, 28), (4, 12)];
/// Sibling groups placed together when they come into care.
const PLACED_TOGETHER: f64 = 0.65;

/// The age, plan and length of a new period, before anything is recorded.
struct Draft {
    dob: NaiveDate,
    plan: Plan,
    end: NaiveDate,
    uasc: bool,
}

/// Date of birth for a child of `years` completed years (plus `extra_days`)
/// on `start`, never 29 February.
fn dob_for(start: NaiveDate, years: i32, extra_days: i64) -> NaiveDate {
    let anniversary = birthday(start, -years);
    let d = add_days(anniversary, -extra_days);
    if d.format("%m-%d").to_string() == "02-29" {
        add_days(d, -1)
    } else {
        d
    }
}

/// A new entrant's age on `start` and their date of birth.
fn draw_entrant(rng: &mut ChaCha8Rng, start: NaiveDate) -> (NaiveDate, bool, bool) {
    // UASC ~6% of entries, remands ~3%.
    if rng.random_bool(0.06) {
        let years = pick(rng, &[(14, 10), (15, 25), (16, 35), (17, 30)]);
        return (
            dob_for(start, years, days_between(rng, 0, 364)),
            true,
            false,
        );
    }
    if rng.random_bool(0.03) {
        let years = pick(rng, &[(12, 5), (13, 10), (14, 20), (15, 30), (16, 35)]);
        return (
            dob_for(start, years, days_between(rng, 0, 364)),
            false,
            true,
        );
    }
    // Age bands at entry: under 1 ~20%, 1–4 ~15%, 5–9 ~17%, 10–15 ~33%,
    // 16–17 ~15% (the UASC entrants above add to the oldest bands).
    let band = pick(rng, &[(0, 21), (1, 16), (5, 18), (10, 33), (16, 12)]);
    let years = match band {
        0 => 0,
        1 => rng.random_range(1..=4),
        5 => rng.random_range(5..=9),
        10 => rng.random_range(10..=15),
        _ => rng.random_range(16..=17),
    };
    let extra = if years == 0 && rng.random_bool(0.35) {
        // Born into care: in the first week of life.
        days_between(rng, 0, 6)
    } else {
        days_between(rng, 0, 364)
    };
    (dob_for(start, years, extra), false, false)
}

/// The plan for a period starting on `start` for a child born on `dob`.
fn draw_plan(rng: &mut ChaCha8Rng, dob: NaiveDate, start: NaiveDate) -> Plan {
    let age = footprint_domain::dates::age_on(dob, start);
    use Plan::*;
    match age {
        0 => pick(
            rng,
            &[
                (Home, 22),
                (Adoption, 35),
                (Sgo, 22),
                (LongTerm, 11),
                (Relatives, 3),
                (ChildArrangements, 3),
                (Transfer, 2),
                (Other, 2),
            ],
        ),
        1..=4 => pick(
            rng,
            &[
                (Home, 30),
                (Adoption, 20),
                (Sgo, 20),
                (LongTerm, 18),
                (Relatives, 4),
                (ChildArrangements, 4),
                (Transfer, 2),
                (Other, 2),
            ],
        ),
        5..=9 => pick(
            rng,
            &[
                (Home, 40),
                (Adoption, 3),
                (Sgo, 17),
                (LongTerm, 28),
                (Relatives, 5),
                (ChildArrangements, 3),
                (Transfer, 2),
                (Other, 2),
            ],
        ),
        10..=15 => pick(
            rng,
            &[
                (Home, 45),
                (Sgo, 7),
                (LongTerm, 32),
                (Relatives, 7),
                (ChildArrangements, 2),
                (Transfer, 3),
                (Other, 4),
            ],
        ),
        _ => pick(
            rng,
            &[
                (Home, 30),
                (LongTerm, 60),
                (Relatives, 5),
                (Transfer, 2),
                (Other, 3),
            ],
        ),
    }
}

/// How long a period with `plan` lasts, in days (before the cap at 18).
fn draw_length(rng: &mut ChaCha8Rng, plan: Plan, dob: NaiveDate, start: NaiveDate) -> i64 {
    let to_18 = span(start, birthday(dob, 18));
    match plan {
        Plan::Home => match pick(rng, &[(0, 15), (1, 25), (2, 35), (3, 20), (4, 5)]) {
            0 => days_between(rng, 1, 14),
            1 => days_between(rng, 15, 90),
            2 => days_between(rng, 91, 365),
            3 => days_between(rng, 366, 900),
            _ => days_between(rng, 901, 2200),
        },
        Plan::Adoption => days_between(rng, 430, 1000),
        Plan::Sgo => days_between(rng, 250, 950),
        Plan::LongTerm => {
            if rng.random_bool(0.12) {
                // Leaves before 18: at 16 or 17, or after at least six months.
                let at = span(start, birthday(dob, 16)) + days_between(rng, 0, 700);
                at.max(days_between(rng, 180, 700))
            } else {
                to_18
            }
        }
        Plan::Relatives => days_between(rng, 30, 700),
        Plan::ChildArrangements => days_between(rng, 200, 800),
        Plan::Transfer => days_between(rng, 30, 900),
        Plan::Other => days_between(rng, 20, 700),
        Plan::Remand => match pick(rng, &[(0, 50), (1, 35), (2, 15)]) {
            0 => days_between(rng, 2, 30),
            1 => days_between(rng, 31, 100),
            _ => days_between(rng, 101, 240),
        },
        Plan::Uasc => match pick(rng, &[(0, 4), (1, 2), (2, 3), (3, 91)]) {
            0 => days_between(rng, 10, 120),
            1 | 2 => days_between(rng, 30, 500),
            _ => to_18,
        },
        Plan::ShortBreaks => days_between(rng, 365, 6 * 365),
    }
}

/// A whole draft period for a new entrant (or a returner with a known DOB).
fn draft(rng: &mut ChaCha8Rng, start: NaiveDate, returner_dob: Option<NaiveDate>) -> Draft {
    let (dob, uasc, remand) = match returner_dob {
        Some(dob) => (dob, false, false),
        None => draw_entrant(rng, start),
    };
    let plan = if uasc {
        Plan::Uasc
    } else if remand {
        Plan::Remand
    } else {
        draw_plan(rng, dob, start)
    };
    let length = draw_length(rng, plan, dob, start).max(1);
    let eighteen = birthday(dob, 18);
    let end = add_days(start, length)
        .min(eighteen)
        .max(add_days(start, 1));
    Draft {
        dob,
        plan,
        end,
        uasc,
    }
}

/// The brothers and sisters coming into care with `first` (whose draft is
/// `d`): one to three more, each one to four years apart from the one
/// before, under 17 on the day (under 8 when the plan is adoption, as
/// siblings adopted together are young). The same plan; the same end, unless
/// a sibling turns 18 first, or the plan is long-term care to 18 (each stays
/// to their own 18th birthday).
fn draft_siblings(rng: &mut ChaCha8Rng, start: NaiveDate, d: &Draft) -> Vec<Draft> {
    let size = pick(rng, &SIBLING_GROUP_SIZES);
    let max_age = if d.plan == Plan::Adoption { 7 } else { 16 };
    let oldest_dob = dob_for(start, max_age, 364);
    let mut dobs = vec![d.dob];
    for _ in 1..size {
        let gap = days_between(rng, 330, 4 * 365);
        let (Some(&young), Some(&old)) = (dobs.iter().max(), dobs.iter().min()) else {
            break;
        };
        let older = add_days(old, -gap);
        let younger = add_days(young, gap);
        let can_older = older > oldest_dob;
        let can_younger = younger <= start;
        let dob = match (can_older, can_younger) {
            (true, true) => {
                if rng.random_bool(0.5) {
                    older
                } else {
                    younger
                }
            }
            (true, false) => older,
            (false, true) => younger,
            (false, false) => break,
        };
        // Never 29 February, like every other date of birth.
        let dob = if dob.format("%m-%d").to_string() == "02-29" {
            add_days(dob, -1)
        } else {
            dob
        };
        dobs.push(dob);
    }
    let to_eighteen = d.plan == Plan::LongTerm && d.end == birthday(d.dob, 18);
    dobs[1..]
        .iter()
        .map(|&dob| {
            let end = if to_eighteen {
                birthday(dob, 18)
            } else {
                d.end.min(birthday(dob, 18))
            };
            Draft {
                dob,
                plan: d.plan,
                end: end.max(add_days(start, 1)),
                uasc: false,
            }
        })
        .collect()
}

/// A short-breaks child: aged 5 to 15 at the first break, with a series
/// lasting one to six years (never past 18).
fn draft_short_breaks(rng: &mut ChaCha8Rng, start: NaiveDate) -> Draft {
    let years = rng.random_range(5..=15);
    let dob = dob_for(start, years, days_between(rng, 0, 364));
    let length = draw_length(rng, Plan::ShortBreaks, dob, start);
    let end = add_days(start, length).min(birthday(dob, 18));
    Draft {
        dob,
        plan: Plan::ShortBreaks,
        end,
        uasc: false,
    }
}

fn draw_sex(rng: &mut ChaCha8Rng, uasc: bool) -> Sex {
    let male = if uasc { 0.92 } else { 0.55 };
    if rng.random_bool(male) {
        Sex::Male
    } else {
        Sex::Female
    }
}

fn draw_ethnicity(rng: &mut ChaCha8Rng, uasc: bool) -> Ethnicity {
    use Ethnicity::*;
    if uasc {
        return pick(
            rng,
            &[
                (AOTH, 30),
                (OOTH, 25),
                (BAFR, 25),
                (BOTH, 8),
                (WOTH, 7),
                (APKN, 3),
                (NOBT, 2),
            ],
        );
    }
    pick(
        rng,
        &[
            (WBRI, 740),
            (MWBC, 40),
            (WOTH, 35),
            (MOTH, 30),
            (MWAS, 20),
            (MWBA, 15),
            (BAFR, 20),
            (BCRB, 15),
            (BOTH, 10),
            (APKN, 15),
            (AOTH, 10),
            (ABAN, 5),
            (AIND, 5),
            (WROM, 10),
            (WIRT, 5),
            (WIRI, 5),
            (CHNE, 2),
            (OOTH, 10),
            (NOBT, 5),
            (REFU, 3),
        ],
    )
}

/// The mean length of a looked-after period, in days, estimated by drawing
/// many periods (from a generator of its own, so the main stream is
/// untouched). The base entry rate is the target divided by it.
fn mean_length_days(seed: u64, on: NaiveDate) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 20_000;
    let total: i64 = (0..n)
        .map(|_| {
            let d = draft(&mut rng, on, None);
            span(on, d.end)
        })
        .sum();
    total as f64 / f64::from(n)
}

/// The feedback on the entry rate: more entries when below target, fewer
/// when above.
fn feedback(target: f64, stock: u32) -> f64 {
    let gap = (target - f64::from(stock)) / target.max(1.0);
    (1.0 + 4.0 * gap).clamp(0.25, 3.0)
}

/// Randomised rounding: `x` entries on average, never far from it.
fn arrivals(rng: &mut ChaCha8Rng, x: f64) -> u32 {
    let whole = x.floor();
    let extra = if rng.random_bool((x - whole).clamp(0.0, 1.0)) {
        1
    } else {
        0
    };
    whole as u32 + extra
}

struct Sim<'a> {
    rng: ChaCha8Rng,
    p: &'a PopulationParams,
    children: Vec<ChildRec>,
    periods: Vec<PeriodRec>,
    iros: Vec<IroRec>,
    active_iros: Vec<u32>,
    /// (end, period) of every open looked-after period.
    ends: BinaryHeap<Reverse<(NaiveDate, u32)>>,
    /// (end, period) of every open short-breaks series.
    sb_ends: BinaryHeap<Reverse<(NaiveDate, u32)>>,
    /// (date, child) of children due to come back into care.
    returns: BinaryHeap<Reverse<(NaiveDate, u32)>>,
    /// (date, iro) of IROs leaving, and (date, iro) of new IROs starting.
    leavers: BinaryHeap<Reverse<(NaiveDate, u32)>>,
    joiners: BinaryHeap<Reverse<(NaiveDate, u32)>>,
    /// Children currently looked after.
    stock: u32,
    sb_stock: u32,
    tracking: bool,
    /// Open looked-after periods (for the team's first allocation).
    in_care: BTreeSet<u32>,
    groups: Vec<SiblingGroup>,
}

impl Sim<'_> {
    fn new_child(&mut self, dob: NaiveDate, uasc: bool) -> u32 {
        let sex = draw_sex(&mut self.rng, uasc);
        let ethnicity = draw_ethnicity(&mut self.rng, uasc);
        let seed = self.rng.next_u64();
        self.children.push(ChildRec {
            dob,
            sex,
            ethnicity,
            uasc,
            seed,
            periods: Vec::new(),
            last_iro: None,
            group: None,
        });
        (self.children.len() - 1) as u32
    }

    /// A child coming into care today, with any brothers and sisters.
    fn new_entry(&mut self, day: NaiveDate) {
        let d = draft(&mut self.rng, day, None);
        let grouped = !d.uasc
            && d.plan != Plan::Remand
            && day < birthday(d.dob, 17)
            && self.rng.random_bool(SIBLING_GROUP_SHARE);
        let siblings = if grouped {
            draft_siblings(&mut self.rng, day, &d)
        } else {
            Vec::new()
        };
        let first = self.new_child(d.dob, d.uasc);
        if siblings.is_empty() {
            self.open_period(first, day, &d);
            return;
        }
        let g = self.groups.len() as u32;
        let seed = self.rng.next_u64();
        let placed_together = self.rng.random_bool(PLACED_TOGETHER);
        let mut children = vec![first];
        for s in &siblings {
            children.push(self.new_child(s.dob, false));
        }
        let youngest_dob = std::iter::once(d.dob)
            .chain(siblings.iter().map(|s| s.dob))
            .max()
            .unwrap_or(d.dob);
        for &c in &children {
            self.children[c as usize].group = Some(g);
        }
        self.groups.push(SiblingGroup {
            seed,
            children: children.clone(),
            placed_together,
            youngest_dob,
        });
        self.open_period_in(first, day, &d, Some(g));
        for (&c, s) in children[1..].iter().zip(&siblings) {
            self.open_period_in(c, day, s, Some(g));
        }
    }

    fn open_period(&mut self, child: u32, day: NaiveDate, d: &Draft) {
        self.open_period_in(child, day, d, None);
    }

    fn open_period_in(&mut self, child: u32, day: NaiveDate, d: &Draft, group: Option<u32>) {
        let seed = self.rng.next_u64();
        let idx = self.periods.len() as u32;
        self.periods.push(PeriodRec {
            child,
            start: day,
            end: d.end,
            plan: d.plan,
            seed,
            allocations: Vec::new(),
            group,
        });
        self.children[child as usize].periods.push(idx);
        if d.plan == Plan::ShortBreaks {
            self.sb_stock += 1;
            self.sb_ends.push(Reverse((d.end, idx)));
        } else {
            self.stock += 1;
            self.ends.push(Reverse((d.end, idx)));
            self.in_care.insert(idx);
            if self.tracking {
                self.allocate(idx, day);
            }
        }
    }

    /// The IRO a brother or sister in care has now (still in post).
    fn siblings_iro(&self, child: usize) -> Option<u32> {
        let g = self.children[child].group?;
        self.groups[g as usize]
            .children
            .iter()
            .filter(|&&c| c as usize != child)
            .filter_map(|&c| self.children[c as usize].periods.last())
            .filter(|&&p| self.in_care.contains(&p))
            .filter_map(|&p| self.periods[p as usize].allocations.last())
            .filter(|a| a.1.is_none())
            .map(|a| a.2)
            .find(|i| self.iros[*i as usize].left.is_none() && self.active_iros.contains(i))
    }

    /// Allocates period `idx` to an IRO from `day`: the IRO of a brother or
    /// sister in care, else the child's last IRO if still in post, otherwise
    /// the least loaded (per FTE) of a few.
    fn allocate(&mut self, idx: u32, day: NaiveDate) {
        if self.active_iros.is_empty() {
            return;
        }
        let child = self.periods[idx as usize].child as usize;
        let previous = self.children[child]
            .last_iro
            .filter(|i| self.iros[*i as usize].left.is_none() && self.active_iros.contains(i));
        let iro = match (self.siblings_iro(child), previous) {
            (Some(i), _) => i,
            (None, Some(i)) if self.rng.random_bool(0.8) => i,
            _ => self.least_loaded(),
        };
        let from = day.max(self.iros[iro as usize].started);
        self.periods[idx as usize]
            .allocations
            .push((from, None, iro));
        let rec = &mut self.iros[iro as usize];
        rec.load += 1;
        rec.open.push(idx);
        self.children[child].last_iro = Some(iro);
    }

    fn least_loaded(&mut self) -> u32 {
        let n = self.active_iros.len();
        let ratio = |s: &Self, i: u32| {
            let r = &s.iros[i as usize];
            f64::from(r.load) / r.fte
        };
        let candidates: Vec<u32> = if n <= 12 {
            self.active_iros.clone()
        } else {
            (0..3)
                .map(|_| self.active_iros[self.rng.random_range(0..n)])
                .collect()
        };
        let mut best = candidates[0];
        for &c in &candidates[1..] {
            if ratio(self, c) < ratio(self, best) {
                best = c;
            }
        }
        best
    }

    fn close_allocation(&mut self, idx: u32, day: NaiveDate) {
        if let Some(last) = self.periods[idx as usize].allocations.last_mut()
            && last.1.is_none()
        {
            last.1 = Some(day.max(last.0));
            let iro = last.2 as usize;
            self.iros[iro].load = self.iros[iro].load.saturating_sub(1);
        }
    }

    fn hire(&mut self, fte: f64, started: NaiveDate) -> u32 {
        let idx = self.iros.len() as u32;
        self.iros.push(IroRec {
            fte,
            started,
            left: None,
            load: 0,
            open: Vec::new(),
        });
        // About one IRO in seven leaves in a year.
        let leaves = add_days(
            started.max(self.p.window_start),
            exp_days(&mut self.rng, 7.0 * 365.0),
        );
        if leaves <= self.p.as_of {
            self.leavers.push(Reverse((leaves, idx)));
        }
        idx
    }

    fn draw_fte(&mut self) -> f64 {
        pick(&mut self.rng, &[(10, 76), (8, 10), (6, 7), (5, 7)]) as f64 / 10.0
    }

    /// The team as it stands a year before the first reported year.
    fn build_team(&mut self, day: NaiveDate) {
        let per_fte = self.rng.random_range(55.0..60.0);
        let target_fte = (f64::from(self.stock) / per_fte).max(0.5);
        let mut fte_sum = 0.0;
        while fte_sum < target_fte - 0.25 || self.active_iros.is_empty() {
            // The last post fills what remains (part-time when that is less
            // than a full post), so small teams land near the target too.
            let remaining = target_fte - fte_sum;
            let fte = if remaining < 1.0 {
                ((remaining * 10.0).round() / 10.0).clamp(0.5, 1.0)
            } else {
                self.draw_fte()
            };
            let started = add_days(day, -days_between(&mut self.rng, 30, 4000));
            let i = self.hire(fte, started);
            self.active_iros.push(i);
            fte_sum += fte;
        }
        self.tracking = true;
        let open: Vec<u32> = self.in_care.iter().copied().collect();
        for idx in open {
            self.allocate(idx, day);
        }
    }

    fn iro_leaves(&mut self, day: NaiveDate, iro: u32) {
        if self.active_iros.len() <= 1 || !self.active_iros.contains(&iro) {
            return;
        }
        self.iros[iro as usize].left = Some(day);
        self.active_iros.retain(|&i| i != iro);
        let open = std::mem::take(&mut self.iros[iro as usize].open);
        for idx in open {
            let current = self.periods[idx as usize]
                .allocations
                .last()
                .is_some_and(|a| a.1.is_none() && a.2 == iro);
            if current {
                self.close_allocation(idx, day);
                let child = self.periods[idx as usize].child as usize;
                self.children[child].last_iro = None;
                self.allocate(idx, day);
            }
        }
        // A replacement with the same hours starts within a month.
        let fte = self.iros[iro as usize].fte;
        let start = add_days(day, days_between(&mut self.rng, 1, 30));
        if start <= self.p.as_of {
            let new = self.hire(fte, start);
            self.joiners.push(Reverse((start, new)));
        }
    }

    fn run(&mut self) {
        let target = f64::from(self.p.children_in_care);
        let sb_target = (target * SHORT_BREAKS_SHARE).round();
        let warm_up = birthday(self.p.window_start, -WARM_UP_YEARS);
        let team_day = birthday(self.p.window_start, -1);
        let mean_days = mean_length_days(self.rng.next_u64(), self.p.window_start);
        // Entries a day: children a day over the children an entry brings.
        let mean_size = SIBLING_GROUP_SIZES
            .iter()
            .map(|&(n, w)| n as f64 * f64::from(w))
            .sum::<f64>()
            / SIBLING_GROUP_SIZES
                .iter()
                .map(|&(_, w)| f64::from(w))
                .sum::<f64>();
        let per_entry = 1.0 + 0.91 * SIBLING_GROUP_SHARE * (mean_size - 1.0);
        let base_rate = target / mean_days.max(1.0) / per_entry;
        let sb_rate = sb_target / (3.5 * 365.0);

        let mut day = warm_up;
        while day <= self.p.as_of {
            while let Some(&Reverse((end, idx))) = self.ends.peek()
                && end <= day
            {
                self.ends.pop();
                self.stock = self.stock.saturating_sub(1);
                self.in_care.remove(&idx);
                if self.tracking {
                    self.close_allocation(idx, end);
                }
                self.maybe_return(idx);
            }
            while let Some(&Reverse((end, _))) = self.sb_ends.peek()
                && end <= day
            {
                self.sb_ends.pop();
                self.sb_stock = self.sb_stock.saturating_sub(1);
            }
            if day == team_day {
                self.build_team(day);
            }
            while let Some(&Reverse((when, iro))) = self.joiners.peek()
                && when <= day
            {
                self.joiners.pop();
                self.active_iros.push(iro);
            }
            while let Some(&Reverse((when, iro))) = self.leavers.peek()
                && when <= day
            {
                self.leavers.pop();
                self.iro_leaves(day, iro);
            }
            while let Some(&Reverse((when, child))) = self.returns.peek()
                && when <= day
            {
                self.returns.pop();
                let dob = self.children[child as usize].dob;
                let d = draft(&mut self.rng, day, Some(dob));
                self.open_period(child, day, &d);
            }

            let n = arrivals(&mut self.rng, base_rate * feedback(target, self.stock));
            for _ in 0..n {
                self.new_entry(day);
            }
            let n = arrivals(&mut self.rng, sb_rate * feedback(sb_target, self.sb_stock));
            for _ in 0..n {
                let d = draft_short_breaks(&mut self.rng, day);
                let child = self.new_child(d.dob, false);
                self.open_period(child, day, &d);
            }
            day = add_days(day, 1);
        }
    }

    /// Some children who go home come back into care later.
    fn maybe_return(&mut self, idx: u32) {
        let p = &self.periods[idx as usize];
        if !p.plan.may_return() {
            return;
        }
        let child = p.child;
        let end = p.end;
        let dob = self.children[child as usize].dob;
        if end >= birthday(dob, 16) || !self.rng.random_bool(0.15) {
            return;
        }
        let back = add_days(end, days_between(&mut self.rng, 60, 900));
        if back < birthday(dob, 17) && back <= self.p.as_of {
            self.returns.push(Reverse((back, child)));
        }
    }
}

/// Runs phase A.
pub(crate) fn simulate(p: &PopulationParams, seed: u64) -> Population {
    let mut sim = Sim {
        rng: ChaCha8Rng::seed_from_u64(seed),
        p,
        children: Vec::new(),
        periods: Vec::new(),
        iros: Vec::new(),
        active_iros: Vec::new(),
        ends: BinaryHeap::new(),
        sb_ends: BinaryHeap::new(),
        returns: BinaryHeap::new(),
        leavers: BinaryHeap::new(),
        joiners: BinaryHeap::new(),
        stock: 0,
        sb_stock: 0,
        tracking: false,
        in_care: BTreeSet::new(),
        groups: Vec::new(),
    };
    sim.run();
    Population {
        children: sim.children,
        periods: sim.periods,
        iros: sim.iros,
        groups: sim.groups,
    }
}
