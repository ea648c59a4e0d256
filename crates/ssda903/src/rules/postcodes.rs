//! Where the child is placed: the rules on the home and placement postcodes
//! (HOME_POST, PL_POST) and on what the DfE derives from them (PL_LA,
//! PL_LOCATION, PL_DISTANCE; `footprint_postcodes::derive`, from the ONS
//! postcode directory compiled into Footprint), and the Ofsted URN where
//! whether it is needed turns on the placement being in England.
//!
//! The rules that compare PL_LA with the council's own area (1015, 411) run
//! only when the council's local authority code is known
//! (`CheckOptions::local_authority`, the `local_authority_code` setting).
//! The rules comparing the URN with Ofsted's list of providers are in
//! `ofsted.rs`.
//!
//! "Formerly UASC" (164, 392a, 392b, 406) is read as the DfE's validator
//! reads it: a child in this year's or last year's UASC table, or whose
//! Header says UASC 1 (the XML form); when neither year says who is UASC
//! (no UASC table and no UASC column), 164, 392a and 406 check nothing.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use footprint_postcodes::{Derived, InOut, Location, derive_at, directory};

use super::{Check, Cond::*, Ctx, Rule, Tables, Years, date, previous_year};
use crate::raw::{Col, RawRow};
use crate::tables::Table::{self, *};

const SHORT_BREAKS: &[&str] = &["V3", "V4"];

pub(super) const RULES: &[Rule] = &[
    Rule::error("164", Episodes, "PL_DISTANCE", "The distance between the home and placement postcodes is not between 0 and 999.9 miles: check the postcodes.", Check::Rows(rule_164)),
    Rule::error("169", Episodes, "PL_POST", "The local authority of the placement cannot be worked out: the placement postcode (PL_POST) is missing or not a postcode the ONS directory places in a local authority.", Check::Rows(rule_169)),
    Rule::error("179", Episodes, "PL_POST", "Whether the placement is in or out of the council's area cannot be worked out: the placement postcode (PL_POST) is missing or not a postcode the ONS directory places in a local authority.", Check::Rows(rule_179)),
    Rule::error("214", Episodes, "PL_POST", "A short break (LS V3 or V4) has no placement location: leave PL_POST and URN blank.", Check::Row(&[In("LS", SHORT_BREAKS), AnyFilled(&["PL_POST", "URN"])])),
    Rule::error("218", Episodes, "URN", "The placement's Ofsted unique reference number (URN) is missing: it is needed for a placement in England of this type ending in or after the year.", Check::Rows(rule_218)),
    Rule::error("230", Episodes, "URN", "A placement in England not subject to children's homes regulations (H5) from 28 October 2023 needs its Ofsted URN.", Check::Rows(rule_230)).years(Years::until(2023)),
    Rule::error("392a", Episodes, "PL_DISTANCE", "The child is looked after (and was never UASC) but the distance from home cannot be worked out: both postcodes must be given and known to the ONS directory.", Check::Rows(rule_392a)),
    Rule::error("392b", Episodes, "PL_POST", "The child is looked after (and was never UASC) but the home or placement postcode is missing.", Check::Rows(rule_392b)),
    Rule::error("392c", Episodes, "PL_POST", "A postcode given (HOME_POST or PL_POST) is not in the ONS postcode directory.", Check::Rows(rule_392c)),
    Rule::error("392d", Episodes, "PL_POST", "The home and placement postcodes are the same, but the child is not placed with parents (PLACE P1).", Check::Rows(rule_392d)),
    Rule::error("398", Episodes, "HOME_POST", "A short break (LS V3 or V4) has no distance from home: leave HOME_POST and PL_POST blank.", Check::Row(&[In("LS", SHORT_BREAKS), AnyFilled(&["HOME_POST", "PL_POST"])])),
    Rule::error("406", Episodes, "PL_DISTANCE", "The child is or was UASC, so no distance from home is recorded: leave HOME_POST blank.", Check::Rows(rule_406)),
    Rule::error("411", Episodes, "PL_POST", "The placement is recorded as in the council's area but its local authority is another.", Check::Rows(rule_411)),
    Rule::error("420", Episodes, "PL_POST", "A short break (LS V3 or V4) has no local authority of placement: leave PL_POST blank.", Check::Rows(rule_420)),
    Rule::error("452", Episodes, "PL_POST", "The local authority of the placement in the child's first episode this year differs from last year's open last episode with the same reason for new episode.", Check::Rows(rule_452)).previous(),
    Rule::error("454", Episodes, "PL_DISTANCE", "The placement is more than 350 miles from home: check the postcodes.", Check::Rows(rule_454)).years(Years::from(2025)),
    Rule::error("222", Episodes, "URN", "An Ofsted URN is given for a placement type that has none (P1, P2, P3, R1, R2, R5, T0–T4 or Z1).", Check::Row(&[In("PLACE", NO_URN_2023), Filled("URN"), NotIn("URN", &[NO_URN])])).years(Years::until(2023)),
    Rule::error("222", Episodes, "URN", "An Ofsted URN is given for a placement type that has none (P1, P3, R1, R2, R5, T0–T4 or Z1).", Check::Row(&[In("PLACE", NO_URN_2024), Filled("URN"), NotIn("URN", &[NO_URN])])).years(ONLY_2024_25),
    Rule::error("222", Episodes, "URN", "An Ofsted URN is given for a placement type that has none (P1, P3, R1, R2, R5, T0–T4 or Z11–Z14).", Check::Row(&[In("PLACE", NO_URN_2025), Filled("URN"), NotIn("URN", &[NO_URN])])).years(Years::from(2025)),
    Rule::error("242", Episodes, "URN", "URN XXXXXXX is only for a placement made through a regional adoption agency (PLACE A3–A6 or U1–U6).", Check::Row(&[In("URN", &[NO_URN]), NotIn("PLACE", ADOPTION_AGENCY)])).years(Years::from(2025)),
    Rule::error("243", Episodes, "URN", "An Ofsted URN is given for a placement outside England (PL_LA WAL, SCO or NIR, from the placement postcode): only providers registered with Ofsted have one.", Check::Rows(rule_243)).years(Years::from(2025)),
    Rule::error("453", Episodes, "PL_DISTANCE", "The distance from home of the child's first episode differs (by 0.2 miles or more) from the episode open at the end of last year with the same reason for new episode.", Check::Rows(rule_453)).previous(),
    Rule::error("503G", Episodes, "PL_DISTANCE", "The distance from home of the child's first episode differs (by 0.2 miles or more) from the episode open at the end of last year.", Check::Rows(rule_503g)).previous(),
    Rule::error("503H", Episodes, "PL_POST", "The local authority of the placement (from PL_POST) of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503h)).previous(),
    Rule::error("503J", Episodes, "PL_POST", "Whether the placement is in the council's area (from PL_POST) differs between the child's first episode and the episode open at the end of last year.", Check::Rows(rule_503j)).previous(),
    Rule::error("1015", Episodes, "PL_POST", "The placement provider is the council's own (PR1) but the placement is outside the council's area.", Check::Rows(rule_1015)),
];

/// The URN for a placement through a regional adoption agency, which has
/// none of its own.
const NO_URN: &str = "XXXXXXX";

/// 222: the placement types that have no Ofsted URN, by year.
const NO_URN_2023: &[&str] = &[
    "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1",
];
const NO_URN_2024: &[&str] = &[
    "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1",
];
const NO_URN_2025: &[&str] = &[
    "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14",
];
const ONLY_2024_25: Years = Years {
    first: 2024,
    last: 2024,
};

/// 242: the placements a regional adoption agency makes (URN XXXXXXX).
const ADOPTION_AGENCY: &[&str] = &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];

/// What a rule sees of the postcodes: the council's own local authority
/// code, and the derived fields of each pair of postcodes (HOME_POST,
/// PL_POST) of the episodes, worked out once.
#[derive(Default)]
pub struct Placements<'a> {
    council: Option<&'a str>,
    derived: OnceLock<Derivations<'a>>,
}

/// What the postcodes of this year's and last year's episodes give.
struct Derivations<'a> {
    /// What each pair of postcodes (HOME_POST, PL_POST) gives, once a pair.
    derived: Vec<Derived>,
    /// The place in `derived` of each episode's pair, by the episode's
    /// place among this year's rows (`Tables::place_of`; `u32::MAX` for the
    /// rows of other tables): one look-up of a place rather than of two
    /// postcodes each time a rule asks.
    this: Vec<u32>,
    /// The same for last year's rows.
    last: Vec<u32>,
    /// The postcodes given that the ONS directory does not hold.
    unknown: HashSet<&'a str>,
}

impl<'a> Placements<'a> {
    pub fn new(council: Option<&'a str>) -> Self {
        Placements {
            council: council.filter(|c| !c.is_empty()),
            derived: OnceLock::new(),
        }
    }
}

/// The derived fields of every pair of postcodes of this year's and last
/// year's episodes, and the postcodes the directory does not hold, worked
/// out once. Every postcode is looked up in one pass
/// ([`footprint_postcodes::Directory::locate_all`]), which lets each
/// postcode area go once its postcodes are found: the areas kept by looking
/// up postcodes one by one were 9 MB at 10,000 children.
fn derivations<'c, 'a>(ctx: &'c Ctx<'a>) -> &'c Derivations<'a> {
    ctx.placements.derived.get_or_init(|| {
        let council = ctx.placements.council.unwrap_or("");
        let last = ctx.last.map(|l| l.rows(Episodes)).unwrap_or(&[]);
        let episodes = || ctx.this.rows(Episodes).iter().chain(last);
        let mut postcodes: Vec<&str> = episodes()
            .flat_map(|r| [r.get("HOME_POST"), r.get("PL_POST")])
            .filter(|p| !p.is_empty())
            .collect();
        postcodes.sort_unstable();
        postcodes.dedup();
        // Each postcode once: the room for every episode's two let go.
        postcodes.shrink_to_fit();
        // Each postcode's location, by its place among the postcodes; the
        // pairs of postcodes by their places (numbers, not text: the maps
        // by text were the largest thing the rules held while they were
        // made).
        let located: Vec<Option<Location>> = directory().locate_all(&postcodes);
        let unknown = postcodes
            .iter()
            .zip(&located)
            .filter(|(_, l)| l.is_none())
            .map(|(p, _)| *p)
            .collect();
        let place: HashMap<&str, u32> = postcodes
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let place_of = |p: &str| place.get(p).copied().unwrap_or(u32::MAX);
        let location = |i: u32| located.get(i as usize).copied().flatten();
        let mut ids: HashMap<(u32, u32), u32> = HashMap::new();
        let mut derived: Vec<Derived> = Vec::new();
        let mut of = |t: &Tables<'a>| {
            let mut of_row = vec![u32::MAX; t.len()];
            let rows = t.rows(Episodes);
            let col = |name| Col::new(rows.first(), name);
            let (home, pl) = (col("HOME_POST"), col("PL_POST"));
            for r in rows {
                let pair = (place_of(r.at(&home)), place_of(r.at(&pl)));
                let id = *ids.entry(pair).or_insert_with(|| {
                    derived.push(derive_at(location(pair.0), location(pair.1), council));
                    u32::try_from(derived.len() - 1).unwrap_or(u32::MAX)
                });
                if let Some(at) = t.place_of(r).and_then(|i| of_row.get_mut(i)) {
                    *at = id;
                }
            }
            of_row
        };
        let this = of(ctx.this);
        let last = ctx.last.map(&mut of).unwrap_or_default();
        derived.shrink_to_fit();
        Derivations {
            derived,
            this,
            last,
            unknown,
        }
    })
}

/// PL_LA, PL_LOCATION and PL_DISTANCE of an episode of this year's or last
/// year's return. They turn on the episode's two postcodes only, so they
/// are kept by pair of postcodes (not by episode: a map by episode was
/// several MiB at 10,000 children).
fn derived(ctx: &Ctx, row: &RawRow) -> Derived {
    let d = derivations(ctx);
    if row.table() != Episodes {
        return Derived::NONE;
    }
    let id = match (
        ctx.this.place_of(row),
        ctx.last.and_then(|l| l.place_of(row)),
    ) {
        (Some(i), _) => d.this.get(i),
        (None, Some(i)) => d.last.get(i),
        (None, None) => None,
    };
    debug_assert!(id.is_some(), "an episode of neither year's rows");
    id.and_then(|&id| d.derived.get(id as usize))
        .cloned()
        .unwrap_or(Derived::NONE)
}

/// The council's own local authority code, when known.
pub(super) fn council<'a>(ctx: &Ctx<'a>) -> Option<&'a str> {
    ctx.placements.council
}

/// An episode's PL_LA, derived from its PL_POST.
pub(super) fn pl_la(ctx: &Ctx, row: &RawRow) -> Option<&'static str> {
    derived(ctx, row).pl_la
}

fn short_break(row: &RawRow) -> bool {
    SHORT_BREAKS.contains(&row.get("LS"))
}

/// The children who are or were UASC, from this year's and last year's
/// return; `None` when neither says (no UASC table, no UASC column).
fn uasc_children<'a>(ctx: &Ctx<'a>) -> Option<HashSet<&'a str>> {
    fn of<'a>(t: &Tables<'a>) -> Option<HashSet<&'a str>> {
        let header = t.rows(Table::Header);
        let column = header.iter().any(|r| r.has("UASC"));
        if !t.has(Table::Uasc) && !column {
            return None;
        }
        let mut s: HashSet<&str> = t.rows(Table::Uasc).iter().map(|r| r.get("CHILD")).collect();
        s.extend(
            header
                .iter()
                .filter(|r| r.get("UASC") == "1")
                .map(|r| r.get("CHILD")),
        );
        Some(s)
    }
    match (of(ctx.this), ctx.last.and_then(of)) {
        (None, None) => None,
        (a, b) => Some(a.into_iter().chain(b).flatten().collect()),
    }
}

fn episodes<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = &'a RawRow> {
    ctx.this.rows(Episodes).iter()
}

fn rule_164<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(uasc) = uasc_children(ctx) else {
        return Vec::new();
    };
    episodes(ctx)
        .filter(|r| !uasc.contains(r.get("CHILD")))
        .filter(|r| {
            derived(ctx, r)
                .pl_distance
                .is_some_and(|d| !(0.0..=999.9).contains(&d))
        })
        .collect()
}

fn rule_169<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| !short_break(r) && derived(ctx, r).pl_la.is_none())
        .collect()
}

fn rule_179<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| !short_break(r) && derived(ctx, r).pl_location.is_none())
        .collect()
}

/// Whether the placement is outside England (PL_LA WAL, SCO or NIR; the
/// DfE's CON and NUK are never derived from a postcode).
fn outside_england(ctx: &Ctx, row: &RawRow) -> bool {
    derived(ctx, row).outside_england()
}

/// 218: the placement types needing no URN, by year.
fn no_urn_needed(rules_year: i32) -> &'static [&'static str] {
    match rules_year {
        ..=2023 => &[
            "H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1",
        ],
        2024 => &[
            "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1",
        ],
        _ => &[
            "P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14",
        ],
    }
}

/// 218: a placement (not of a type needing no URN) in England, open on or
/// after the start of the year (DEC blank or on or after 1 April), with no
/// URN. Not a short break (V3/V4): 214 says a short break has no URN. The
/// DfE's validator reads a blank PL_LA as outside England in 2023-24 and
/// 2024-25 (the text "nan" starts with N), which is how it leaves short
/// breaks alone, and from 2025-26 flags every short break; the rule text
/// exempts PL_LA CON, NIR, SCO, WAL and NUK, and so does Footprint, with
/// short breaks, and flags a placement whose postcode it cannot place.
fn rule_218<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let exempt = no_urn_needed(ctx.rules_year);
    let start = ctx.start();
    episodes(ctx)
        .filter(|r| {
            let dec = r.get("DEC");
            r.get("URN").is_empty()
                && !short_break(r)
                && !exempt.contains(&r.get("PLACE"))
                && (dec.is_empty() || date(r, "DEC").is_some_and(|d| d >= start))
                && !outside_england(ctx, r)
        })
        .collect()
}

/// 230 (2023-24): an H5 placement open on or after 29 October 2023 (DEC
/// blank, not a date, or on or after it: the DfE's validator's date) in
/// England, with no URN or XXXXXXX.
fn rule_230<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let from = NaiveDate::from_ymd_opt(2023, 10, 29).unwrap_or(NaiveDate::MIN);
    episodes(ctx)
        .filter(|r| {
            r.get("PLACE") == "H5"
                && date(r, "DEC").is_none_or(|d| d >= from)
                && matches!(r.get("URN"), "" | "XXXXXXX")
                && !outside_england(ctx, r)
        })
        .collect()
}

/// 243: "If <PL_LA> in ('CON', 'NIR', 'SCO', 'WAL', 'NUK') then <URN>
/// should be null"; PL_LA is derived from PL_POST, which never gives CON or
/// NUK.
fn rule_243<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| !r.get("URN").is_empty() && outside_england(ctx, r))
        .collect()
}

/// 453 and 503G: the distances differ by 0.2 miles or more, or only this
/// year's has one (as the DfE's validator compares them, in floating
/// point).
fn distance_differs(ctx: &Ctx, this: &RawRow, prev: &RawRow) -> bool {
    match (
        derived(ctx, this).pl_distance,
        derived(ctx, prev).pl_distance,
    ) {
        (Some(a), Some(b)) => (a - b).abs() >= 0.2,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn rule_453<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    previous_year::first_differs(ctx, |e, p| {
        e.get("RNE") == p.get("RNE") && distance_differs(ctx, e, p)
    })
}

fn rule_503g<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    previous_year::first_differs(ctx, |e, p| distance_differs(ctx, e, p))
}

fn rule_503h<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    previous_year::first_differs(ctx, |e, p| derived(ctx, e).pl_la != derived(ctx, p).pl_la)
}

fn rule_503j<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    previous_year::first_differs(ctx, |e, p| {
        derived(ctx, e).pl_location != derived(ctx, p).pl_location
    })
}

fn rule_392a<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(uasc) = uasc_children(ctx) else {
        return Vec::new();
    };
    episodes(ctx)
        .filter(|r| !uasc.contains(r.get("CHILD")) && !short_break(r))
        .filter(|r| derived(ctx, r).pl_distance.is_none())
        .collect()
}

/// 392b: when no year says who is UASC, every child is taken as never UASC
/// (as the DfE's validator does).
fn rule_392b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let uasc = uasc_children(ctx).unwrap_or_default();
    episodes(ctx)
        .filter(|r| !uasc.contains(r.get("CHILD")) && !short_break(r))
        .filter(|r| r.get("HOME_POST").is_empty() || r.get("PL_POST").is_empty())
        .collect()
}

fn rule_392c<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let not_held = &derivations(ctx).unknown;
    let unknown = |v: &str| !v.is_empty() && not_held.contains(v);
    episodes(ctx)
        .filter(|r| unknown(r.get("HOME_POST")) || unknown(r.get("PL_POST")))
        .collect()
}

/// 392d: the same postcode (in any case; the DfE's validator upper-cases
/// both before its rules run) on an episode other than with parents.
fn rule_392d<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| {
            let (home, pl) = (r.get("HOME_POST"), r.get("PL_POST"));
            r.get("PLACE") != "P1" && !home.is_empty() && home.eq_ignore_ascii_case(pl)
        })
        .collect()
}

fn rule_406<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(uasc) = uasc_children(ctx) else {
        return Vec::new();
    };
    episodes(ctx)
        .filter(|r| uasc.contains(r.get("CHILD")) && derived(ctx, r).pl_distance.is_some())
        .collect()
}

/// 411: PL_LOCATION IN with a PL_LA other than the council's. Both are
/// derived, and IN means PL_LA is the council's, so this holds only if the
/// derivation were wrong: it is checked so that it would say so.
fn rule_411<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(council) = ctx.placements.council else {
        return Vec::new();
    };
    episodes(ctx)
        .filter(|r| {
            let d = derived(ctx, r);
            d.pl_location == Some(InOut::In) && d.pl_la != Some(council)
        })
        .collect()
}

fn rule_420<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| short_break(r) && derived(ctx, r).pl_la.is_some())
        .collect()
}

/// 452: the child's first episode this year (earliest DECOM) and last
/// year's latest (latest DECOM), when last year's is open and both have the
/// same RNE: their PL_LA must agree (both blank agree).
fn rule_452<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    previous_year::first_differs(ctx, |e, p| {
        e.get("RNE") == p.get("RNE") && derived(ctx, e).pl_la != derived(ctx, p).pl_la
    })
}

fn rule_454<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    episodes(ctx)
        .filter(|r| {
            derived(ctx, r)
                .pl_distance
                .is_some_and(|d| d > 350.0 && d != 999.9)
        })
        .collect()
}

/// 1015: own provision (PR1), not fostering or adoption (A3–A6, U1–U6) and
/// not a short break, placed outside the council's area (PL_LA other than
/// the council's, or none).
fn rule_1015<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    const FOSTERING_OR_ADOPTION: &[&str] =
        &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    let Some(council) = ctx.placements.council else {
        return Vec::new();
    };
    episodes(ctx)
        .filter(|r| {
            r.get("PLACE_PROVIDER") == "PR1"
                && !r.get("LS").is_empty()
                && !r.get("PLACE").is_empty()
                && !short_break(r)
                && !FOSTERING_OR_ADOPTION.contains(&r.get("PLACE"))
                && derived(ctx, r).pl_la != Some(council)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::find_in;
    use super::super::tests::{lines_flagged_with, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const COLS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";
    /// Richmond upon Thames: TW1 1AA and TW1 2AF are in it.
    const COUNCIL: &str = "E09000027";

    fn header(children: &[&str]) -> Vec<RawRow> {
        let mut csv = String::from("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB");
        for c in children {
            csv.push_str(&format!("\n{c},1,01/06/2010,WBRI,,,"));
        }
        rows(Table::Header, &csv)
    }

    fn episodes(body: &str) -> Vec<RawRow> {
        rows(Table::Episodes, &format!("{COLS}\n{body}"))
    }

    /// The Episodes lines `code` flags in 2025-26 (or `year`), with the
    /// council's code, this year's rows and last year's.
    fn flagged_in(
        code: &str,
        year: &str,
        this: &[RawRow],
        last: Option<&[RawRow]>,
        council: Option<&str>,
    ) -> Vec<u64> {
        lines_flagged_with(code, year, this, last, Table::Episodes, council, None)
    }

    fn flagged(code: &str, this: &[RawRow]) -> Vec<u64> {
        flagged_in(code, "2025-26", this, None, Some(COUNCIL))
    }

    fn with(header_children: &[&str], body: &str) -> Vec<RawRow> {
        let mut r = header(header_children);
        r.extend(episodes(body));
        r
    }

    fn with_uasc(body: &str, uasc_children: &[&str]) -> Vec<RawRow> {
        let mut r = with(&["1", "2"], body);
        let mut csv = String::from("CHILD,SEX,DOB,DUC");
        for c in uasc_children {
            csv.push_str(&format!("\n{c},1,01/06/2010,"));
        }
        r.extend(rows(Table::Uasc, &csv));
        r
    }

    #[test]
    fn la_and_location_need_a_placement_postcode_the_directory_places() {
        let r = with(
            &["1"],
            "1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,,SC1\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,ZZ9 9ZZ,SC1\n\
             1,01/05/2025,S,V3,N1,U1,PR1,,,,,,\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,GIR 0AA,SC1\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,GY1 1AA,SC1",
        );
        // Line 3 blank, 4 unknown, 6 in the directory with no district;
        // Guernsey (7) has a pseudo-district, so a location (OUT) and no LA.
        assert_eq!(flagged("169", &r), [3, 4, 6, 7]);
        assert_eq!(flagged("179", &r), [3, 4, 6]);
        assert_eq!(flagged("392c", &r), [4]);
    }

    #[test]
    fn short_breaks_have_no_location() {
        let r = with(
            &["1"],
            "1,01/05/2025,S,V3,N1,U1,PR1,,,,,TW1 2AF,\n\
             1,01/05/2025,S,V4,N1,U1,PR1,,,,,,SC1\n\
             1,01/05/2025,S,V4,N1,U1,PR1,,,,TW1 1AA,,\n\
             1,01/05/2025,S,V4,N1,U1,PR1,,,,,,\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1",
        );
        assert_eq!(flagged("214", &r), [2, 3]);
        assert_eq!(flagged("398", &r), [2, 4]);
        assert_eq!(flagged("420", &r), [2]);
    }

    #[test]
    fn distance_rules_turn_on_uasc_status() {
        // Child 2 is UASC.
        let body = "1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
                    1,01/05/2025,S,C2,N1,U1,PR1,,,,,TW1 2AF,SC1\n\
                    2,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
                    2,01/05/2025,S,C2,N1,U1,PR1,,,,,TW1 2AF,SC1";
        let r = with_uasc(body, &["2"]);
        assert_eq!(flagged("392a", &r), [3]);
        assert_eq!(flagged("392b", &r), [3]);
        assert_eq!(flagged("406", &r), [4]);
        assert!(flagged("164", &r).is_empty());
        // Nobody known to be UASC or not: 392a and 406 check nothing, 392b
        // takes every child as never UASC.
        let r = with(&["1", "2"], body);
        assert!(flagged("392a", &r).is_empty() && flagged("406", &r).is_empty());
        assert_eq!(flagged("392b", &r), [3, 5]);
        // Last year's UASC table counts: formerly UASC.
        let this = with_uasc(body, &[]);
        let last = with_uasc("", &["2"]);
        assert_eq!(
            flagged_in("392a", "2025-26", &this, Some(&last), Some(COUNCIL)),
            [3]
        );
    }

    #[test]
    fn same_postcodes_only_when_placed_with_parents() {
        let r = with(
            &["1"],
            "1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,tw1 1aa,SC1\n\
             1,01/05/2025,S,C2,N1,P1,PR0,,,,TW1 1AA,TW1 1AA,\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,,,SC1\n\
             1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,TW11AA,SC1",
        );
        // Spaces count, as the DfE's validator compares the text.
        assert_eq!(flagged("392d", &r), [2]);
    }

    #[test]
    fn over_350_miles_from_2025_26() {
        // TW1 1AA to EH1 1YZ: 332.5 miles. TR1 1AA (Truro) to EH1 1YZ is
        // further: worked out from their grid references in the test.
        let truro = footprint_postcodes::directory()
            .locate("TR1 1AA")
            .and_then(|l| l.grid)
            .unwrap();
        let edinburgh = (325_597, 673_676);
        let miles = footprint_postcodes::distance_miles(truro, edinburgh);
        assert!(miles > 350.0, "{miles}");
        let r = with(
            &["1"],
            "1,01/05/2025,S,C2,N1,U1,PR4,,,,TW1 1AA,EH1 1YZ,SC1\n\
             1,01/05/2025,S,C2,N1,U1,PR4,,,,TR1 1AA,EH1 1YZ,SC1",
        );
        assert_eq!(flagged("454", &r), [3]);
        assert!(find_in("454", 2024).is_none());
    }

    #[test]
    fn own_provision_outside_the_area() {
        let body = "1,01/05/2025,S,C2,N1,K2,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
                    1,01/05/2025,S,C2,N1,K2,PR1,,,,TW1 1AA,CB2 1TN,SC1\n\
                    1,01/05/2025,S,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1\n\
                    1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,CB2 1TN,SC1\n\
                    1,01/05/2025,S,C2,N1,K2,PR1,,,,TW1 1AA,,SC1";
        let r = with(&["1"], body);
        assert_eq!(flagged("1015", &r), [3, 6]);
        // Cambridgeshire's own children's home in Cambridge is in its area.
        assert_eq!(
            flagged_in("1015", "2025-26", &r, None, Some("E10000003")),
            [2, 6]
        );
        // Without the council's code, 1015 and 411 check nothing.
        assert!(flagged_in("1015", "2025-26", &r, None, None).is_empty());
        assert!(flagged("411", &r).is_empty());
    }

    #[test]
    fn urn_is_needed_in_england() {
        let body = "1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,TW1 2AF,\n\
                    1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,CF10 1EP,\n\
                    1,01/05/2023,S,C2,N1,K2,PR4,31/03/2025,E11,,TW1 1AA,TW1 2AF,\n\
                    1,01/05/2025,S,C2,N1,P1,PR0,,,,TW1 1AA,TW1 1AA,\n\
                    1,01/05/2025,S,C2,N1,H5,PR4,,,,TW1 1AA,TW1 2AF,\n\
                    1,01/05/2025,S,V3,N1,U6,PR1,,,,,,";
        let r = with(&["1"], body);
        // Wales (3) needs none; an episode ending before the year (4) none;
        // P1 (5) none; H5 (6) needs one from 2024-25; a short break (7)
        // has none.
        assert_eq!(flagged("218", &r), [2, 6]);
        // In 2023-24 the episode ending 31 March 2025 (4) is in the year.
        assert_eq!(
            flagged_in("218", "2023-24", &r, None, Some(COUNCIL)),
            [2, 4]
        );
        // 230, 2023-24 only: H5 open on or after 29 October 2023, no URN.
        assert_eq!(flagged_in("230", "2023-24", &r, None, Some(COUNCIL)), [6]);
        assert!(find_in("230", 2024).is_none());
    }

    #[test]
    fn placement_la_agrees_with_last_year_s_open_episode() {
        let last = with(
            &["1", "2", "3"],
            "1,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             2,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             3,01/05/2024,S,C2,N1,U1,PR1,01/06/2024,X1,,TW1 1AA,TW1 2AF,SC1",
        );
        let this = with(
            &["1", "2", "3"],
            "1,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1\n\
             2,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 1AA,SC1\n\
             3,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1",
        );
        assert_eq!(
            flagged_in("452", "2025-26", &this, Some(&last), Some(COUNCIL)),
            [2]
        );
        assert!(flagged_in("452", "2025-26", &this, None, Some(COUNCIL)).is_empty());
    }

    #[test]
    fn urns_only_where_the_placement_has_one() {
        let body = "1,01/05/2025,S,C2,N1,P1,PR0,,,,TW1 1AA,TW1 1AA,SC1\n\
                    1,01/05/2025,S,C2,N1,P1,PR0,,,,TW1 1AA,TW1 1AA,XXXXXXX\n\
                    1,01/05/2025,S,C2,N1,Z11,PR0,,,,TW1 1AA,TW1 2AF,SC1\n\
                    1,01/05/2025,S,C2,N1,Z1,PR0,,,,TW1 1AA,TW1 2AF,SC1\n\
                    1,01/05/2025,S,C2,N1,A3,PR4,,,,TW1 1AA,TW1 2AF,XXXXXXX\n\
                    1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,CF10 1EP,SC1\n\
                    1,01/05/2025,S,C2,N1,K2,PR4,,,,TW1 1AA,TW1 2AF,SC1";
        let r = with(&["1"], body);
        // P1 with a URN (2; XXXXXXX on 3 is not one); Z11 from 2025-26
        // (4), Z1 before (5).
        assert_eq!(flagged("222", &r), [2, 4]);
        assert_eq!(flagged_in("222", "2024-25", &r, None, None), [2, 5]);
        // XXXXXXX for P1 (3), not for A3 (6).
        assert_eq!(flagged("242", &r), [3]);
        // A URN for a placement in Wales (7).
        assert_eq!(flagged("243", &r), [7]);
        for code in ["242", "243"] {
            assert!(find_in(code, 2024).is_none(), "{code}");
        }
    }

    #[test]
    fn distance_la_and_location_agree_with_last_year_s_open_episode() {
        let last = with(
            &["1", "2", "3", "4"],
            "1,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             2,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             3,01/05/2024,S,C2,N1,U1,PR1,01/06/2024,X1,,TW1 1AA,TW1 2AF,SC1\n\
             4,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1",
        );
        // 1: placed in Cambridge this year; 2: the same; 3: last year's
        // closed; 4: in Cambridge, with another RNE.
        let this = with(
            &["1", "2", "3", "4"],
            "1,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1\n\
             2,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,TW1 2AF,SC1\n\
             3,01/05/2024,S,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1\n\
             4,01/05/2024,P,C2,N1,U1,PR1,,,,TW1 1AA,CB2 1TN,SC1",
        );
        let f = |code| flagged_in(code, "2025-26", &this, Some(&last), Some(COUNCIL));
        assert_eq!(f("503G"), [2, 5]);
        assert_eq!(f("453"), [2]);
        assert_eq!(f("503H"), [2, 5]);
        assert_eq!(f("503J"), [2, 5]);
        assert!(flagged_in("503G", "2025-26", &this, None, Some(COUNCIL)).is_empty());
    }
}
