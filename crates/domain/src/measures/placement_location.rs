//! Where children in care are placed, from the home and placement postcodes
//! of the episode open on the period's last day, as the DfE derives PL_LA
//! and PL_DISTANCE (`footprint_postcodes::derive`, the one home of that
//! derivation, from the ONS postcode directory):
//!
//! - `placements.end.distance_over_20_miles`: children in care by
//!   placement group (rows), more than 20 miles from home (PL_DISTANCE over
//!   20.0), 20 miles or less, or distance not known (a postcode missing or
//!   not in the directory); the row `all` adds the groups up, so every
//!   child in care is in one cell of the groups and the table adds up to
//!   `cla.end`;
//! - `placements.end.out_of_area` (only when the council's local authority
//!   code is set): children in care in the council's area (PL_LA is the
//!   council's code: for a county, any of its districts), out of it, or
//!   not known (no placement postcode the directory places), each with
//!   those more than 100 miles from home; the row `all` is `cla.end`.

use super::care::CareIndex;
use super::{Breakdown, Count, Grid, Measure, MeasureSettings, Measures, Period};
use crate::codes::PlacementType;
use footprint_postcodes::{InOut, derive};

/// The placement groups of `measures.md` (R21-T7), in its order.
pub const PLACEMENT_GROUPS: [&str; 8] = [
    "foster_care",
    "placed_for_adoption",
    "childrens_homes",
    "residential_school",
    "independent_living",
    "with_parents",
    "secure_or_custody",
    "other",
];

/// The columns of `placements.end.distance_over_20_miles`.
pub const DISTANCE_COLUMNS: [&str; 3] = ["over_20_miles", "20_miles_or_less", "not_known"];

/// The rows of `placements.end.out_of_area`.
pub const AREA_ROWS: [&str; 4] = ["in_area", "out_of_area", "not_known", "all"];

/// The placement group of a placement type.
pub fn placement_group(p: PlacementType) -> &'static str {
    match p.code() {
        "U1" | "U2" | "U3" | "U4" | "U5" | "U6" => "foster_care",
        "A3" | "A4" | "A5" | "A6" => "placed_for_adoption",
        "K2" | "R1" => "childrens_homes",
        "S1" => "residential_school",
        "P2" | "H5" | "K3" => "independent_living",
        "P1" => "with_parents",
        "K1" | "R5" => "secure_or_custody",
        _ => "other",
    }
}

/// Whether `code` can be the council's local authority code: an upper-tier
/// code of the ONS lookup (a county, unitary, metropolitan district or London
/// borough); the error names it.
pub fn check_local_authority_code(code: &str) -> Result<(), String> {
    if footprint_postcodes::directory().is_upper_tier(code) {
        Ok(())
    } else {
        Err(format!(
            "settings: `local_authority_code` is {code:?}, which is not an upper-tier local authority code of the ONS lookup (E06…, E08…, E09…, or a county's E10…)"
        ))
    }
}

fn postcode(p: &Option<String>) -> &str {
    p.as_deref().unwrap_or("")
}

fn row(grid: &mut Grid, r: &str, col: &str, child: &crate::model::ChildId) {
    if let Some((_, b)) = grid.rows.iter_mut().find(|(k, _)| k == r) {
        b.entry(col).add_child(child);
    }
}

pub(super) fn placement_location(
    care: &CareIndex,
    period: Period,
    settings: &MeasureSettings,
    out: &mut Measures,
) {
    let end = period.end();
    let council = settings
        .local_authority_code
        .as_deref()
        .filter(|c| !c.is_empty());
    let mut distance = Grid::default();
    for g in PLACEMENT_GROUPS.iter().chain(&["all"]) {
        distance
            .rows
            .push(((*g).to_owned(), Breakdown::with_keys(DISTANCE_COLUMNS)));
    }
    let mut area = Grid::default();
    for r in AREA_ROWS {
        area.rows.push((
            r.to_owned(),
            Breakdown::with_keys(["children", "over_100_miles"]),
        ));
    }
    for c in care.looked_after_on(end) {
        let Some((_, e)) = c.episode_on(end) else {
            continue;
        };
        let d = derive(
            postcode(&e.home_postcode),
            postcode(&e.placement_postcode),
            council.unwrap_or(""),
        );
        let col = match d.pl_distance {
            Some(miles) if miles > 20.0 => "over_20_miles",
            Some(_) => "20_miles_or_less",
            None => "not_known",
        };
        row(&mut distance, placement_group(e.placement), col, &c.id);
        row(&mut distance, "all", col, &c.id);
        let place = match d.pl_location {
            Some(InOut::In) => "in_area",
            Some(InOut::Out) => "out_of_area",
            None => "not_known",
        };
        for r in [place, "all"] {
            row(&mut area, r, "children", &c.id);
            if d.pl_distance.is_some_and(|m| m > 100.0) {
                row(&mut area, r, "over_100_miles", &c.id);
            }
        }
    }
    out.push(
        "placements.end.distance_over_20_miles",
        Measure::Grid(distance),
    );
    if council.is_some() {
        out.push("placements.end.out_of_area", Measure::Grid(area));
    }
}

/// Children in placements the council marks as unregistered (the placement
/// types of `review_policy.unregistered_placements`, the list the
/// monthly-review rule reads), only when it marks any:
/// `placements.end.unregistered`, of the children looked after on the
/// period's last day, those whose open episode's PLACE is one of them; and
/// `placements.unregistered.children`, the distinct children with a
/// looked-after (not short-break) episode in one open on any day of the
/// period.
pub(super) fn unregistered(
    care: &CareIndex,
    period: Period,
    settings: &MeasureSettings,
    out: &mut Measures,
) {
    let marked = &settings.review_policy.unregistered_placements;
    if marked.is_empty() {
        return;
    }
    let end = period.end();
    let mut on_last_day = Count::default();
    let mut in_period = Count::default();
    for c in care.children.values() {
        if c.episode_on(end)
            .is_some_and(|(_, e)| marked.contains(&e.placement))
        {
            on_last_day.add_child(&c.id);
        }
        if c.periods.iter().flat_map(|p| &p.episodes).any(|e| {
            !e.is_short_break() && marked.contains(&e.placement) && e.overlaps(period.start(), end)
        }) {
            in_period.add_child(&c.id);
        }
    }
    out.push("placements.end.unregistered", Measure::Count(on_last_day));
    out.push(
        "placements.unregistered.children",
        Measure::Count(in_period),
    );
}
