//! Adoption and the other tables made into records while reading (AD1,
//! PlacedAdoption, OC3, PrevPerm): the codes the reader must understand to
//! make a record are checked as it reads (`convert.rs`, fatal); the other
//! rules read the rows by column name.

use foldhash::{HashMap, HashSet, HashSetExt};

use chrono::NaiveDate;

use super::care_leavers::{AD1_ITEMS, any_filled};
use super::{Check, Cmp, Cond::*, Ctx, Rule, Years, date};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::RawRow;
use crate::tables::Table::*;

/// The placement types of a child placed for adoption.
const PLACED_FOR_ADOPTION: &[&str] = &["A3", "A4", "A5", "A6"];
/// The reasons an episode ends that mean the child was adopted.
const ADOPTED: &[&str] = &["E11", "E12"];

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "112",
        Ad1,
        "DATE_INT",
        "The date the child should be placed for adoption (DATE_INT) is not a valid date.",
        Check::Row(&[BadDate("DATE_INT")]),
    ),
    Rule::error(
        "113",
        Ad1,
        "DATE_MATCH",
        "The date the child was matched with the adopters (DATE_MATCH) is not a valid date.",
        Check::Row(&[BadDate("DATE_MATCH")]),
    ),
    Rule::error(
        "114",
        Ad1,
        "FOSTER_CARE",
        "Whether the child was adopted by their foster carers (FOSTER_CARE) must be 0, 1 or blank.",
        Check::Row(&[Filled("FOSTER_CARE"), NotIn("FOSTER_CARE", &["0", "1"])]),
    ),
    Rule::error(
        "115",
        PlacedAdoption,
        "DATE_PLACED",
        "The date of the decision that the child should be placed for adoption (DATE_PLACED) is not a valid date.",
        Check::Row(&[BadDate("DATE_PLACED")]),
    ),
    Rule::error(
        "116",
        PlacedAdoption,
        "DATE_PLACED_CEASED",
        "The date of the decision that the child should no longer be placed for adoption (DATE_PLACED_CEASED) is not a valid date.",
        Check::Row(&[BadDate("DATE_PLACED_CEASED")]),
    ),
    Rule::error(
        "119",
        PlacedAdoption,
        "REASON_PLACED_CEASED",
        "The date and the reason of a decision that the child should no longer be placed for adoption must both be given or both be blank.",
        Check::Row(&[OnlyOneFilled("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")]),
    ),
    Rule::error(
        "120",
        PlacedAdoption,
        "REASON_PLACED_CEASED",
        "The reason the decision to place for adoption was reversed must be RD1–RD4 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "175",
        Ad1,
        "NB_ADOPTR",
        "The number of adopters (NB_ADOPTR) must be 1, 2 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "176",
        Ad1,
        "SEX_ADOPTR",
        "The sex of the adopters (SEX_ADOPTR) must be M1, F1, MM, FF, MF or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "177",
        Ad1,
        "LS_ADOPTR",
        "The legal status of the adopters (LS_ADOPTR) must be L0, L11, L12, L2, L3, L4 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "131",
        Oc3,
        "IN_TOUCH",
        "Whether the care leaver is in touch (IN_TOUCH) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "132",
        Oc3,
        "ACTIV",
        "The care leaver's main activity (ACTIV) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "133",
        Oc3,
        "ACCOM",
        "The care leaver's accommodation (ACCOM) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "631",
        PrevPerm,
        "PREV_PERM",
        "The child's permanence before care (PREV_PERM) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "184",
        PlacedAdoption,
        "DATE_PLACED",
        "The decision that the child should be placed for adoption is dated before the child was born.",
        Check::Row(&[HeaderAge(0, Cmp::Gt, "DATE_PLACED")]),
    ),
    Rule::error("117", PlacedAdoption, "DATE_PLACED", "A decision that the child should (or should no longer) be placed for adoption is dated after the end of the collection year or after the child's latest episode ended.", Check::Rows(rule_117)),
    Rule::error("118", PlacedAdoption, "DATE_PLACED_CEASED", "The decision that the child should no longer be placed for adoption is dated before the collection year or before the child's first episode (other than a short break).", Check::Rows(rule_118)),
    Rule::error("151", Ad1, "DATE_INT", "The adoption items of AD1 (DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR) must all be filled in or all be blank.", Check::Row(&[AnyFilled(AD1_ITEMS), AnyBlank(AD1_ITEMS)])),
    Rule::error("331", Ad1, "DATE_MATCH", "The child was matched with the adopters (DATE_MATCH) after the start of the episode that ended in adoption.", Check::Rows(rule_331)),
    Rule::error("333", Ad1, "DATE_INT", "The date the child should be placed for adoption (DATE_INT) must be given and on or before the date of matching (DATE_MATCH).", Check::Row(&[Filled("DATE_MATCH"), Any(&[Blank("DATE_INT"), Earlier("DATE_MATCH", "DATE_INT")])])),
    Rule::error("334", Ad1, "DATE_INT", "The date the child should be placed for adoption (DATE_INT) is before the child started to be looked after in the latest period of care.", Check::Rows(rule_334)),
    Rule::error("335", Ad1, "FOSTER_CARE", "Whether the child was adopted by their foster carers (FOSTER_CARE) contradicts the placement before adoption: 0 with A2, A3 or A5, or 1 with A1, A4 or A6.", Check::Rows(rule_335)),
    Rule::error("336", Episodes, "PLACE", "The child was placed for adoption with their current foster carers (A3 or A5) but the placement before was not a foster placement.", Check::Rows(rule_336)),
    Rule::error("390", Episodes, "REC", "The episode ended in adoption (E11/E12) but the child was not placed for adoption (A3–A6).", Check::Row(&[In("REC", ADOPTED), NotIn("PLACE", PLACED_FOR_ADOPTION)])),
    Rule::error("408", Episodes, "LS", "The child is placed for adoption with a placement order (A5/A6) but the legal status is not a placement order (E1).", Check::Row(&[In("PLACE", &["A5", "A6"]), NotIn("LS", &["E1"])])),
    Rule::error("511", Ad1, "SEX_ADOPTR", "There are two adopters (NB_ADOPTR 2) but their sex is given as a single adopter's (M1/F1).", Check::Row(&[In("NB_ADOPTR", &["2"]), In("SEX_ADOPTR", &["M1", "F1"])])),
    Rule::error("514", Ad1, "SEX_ADOPTR", "The adopter is single (LS_ADOPTR L0) but their sex is given as a couple's.", Check::Row(&[In("LS_ADOPTR", &["L0"]), NotIn("SEX_ADOPTR", &["M1", "F1"])])),
    Rule::error("516", Episodes, "PLACE", "The episode ended with the child staying with former foster carers (E45/E46) but the placement is not with foster carers (U1–U6).", Check::Row(&[In("REC", &["E45", "E46"]), NotIn("PLACE", &["U1", "U2", "U3", "U4", "U5", "U6"])])),
    Rule::error("517", Ad1, "SEX_ADOPTR", "The adopters are a different-sex unmarried couple (LS_ADOPTR L3) but their sex is not MF.", Check::Row(&[In("LS_ADOPTR", &["L3"]), NotIn("SEX_ADOPTR", &["MF"])])),
    Rule::error("518", Ad1, "SEX_ADOPTR", "The adopters are a same-sex unmarried couple (LS_ADOPTR L4) but their sex is not MM or FF.", Check::Row(&[In("LS_ADOPTR", &["L4"]), NotIn("SEX_ADOPTR", &["MM", "FF"])])),
    Rule::error("519", Ad1, "SEX_ADOPTR", "The adopters are civil partners (LS_ADOPTR L2) but their sex is not a couple's (MM, FF or MF).", Check::Row(&[In("LS_ADOPTR", &["L2"]), NotIn("SEX_ADOPTR", &["MM", "FF", "MF"])])),
    Rule::error("520", Ad1, "SEX_ADOPTR", "The adopters are a different-sex married couple (LS_ADOPTR L11) but their sex is not MF.", Check::Row(&[In("LS_ADOPTR", &["L11"]), NotIn("SEX_ADOPTR", &["MF"])])),
    Rule::error("521", Ad1, "DATE_INT", "The date the child should be placed for adoption (DATE_INT) is after the child was placed for adoption (an A3–A6 episode starts before it).", Check::Rows(rule_521)),
    Rule::error("522", PlacedAdoption, "DATE_PLACED_CEASED", "The decision that the child should no longer be placed for adoption is dated before the decision that they should be.", Check::Row(&[Earlier("DATE_PLACED_CEASED", "DATE_PLACED")])),
    Rule::error("523", PlacedAdoption, "DATE_PLACED", "The date of the decision that the child should be placed for adoption (DATE_PLACED) differs from the date adoption was decided to be in the child's best interests (AD1 DATE_INT).", Check::Rows(rule_523)),
    Rule::error("524", Ad1, "SEX_ADOPTR", "The adopters are a same-sex married couple (LS_ADOPTR L12) but their sex is not MM or FF.", Check::Row(&[In("LS_ADOPTR", &["L12"]), NotIn("SEX_ADOPTR", &["MM", "FF"])])),
    Rule::error("525", PlacedAdoption, "DATE_PLACED_CEASED", "The decision to place the child for adoption was reversed, but adoption information (AD1) is given.", Check::Rows(rule_525)),
    Rule::error("551", Episodes, "PLACE", "The child is placed for adoption (A3–A6) but there is no date of the decision that they should be (PlacedAdoption DATE_PLACED).", Check::Rows(rule_551)),
    Rule::error("552", PlacedAdoption, "DATE_PLACED", "The latest decision that the child should be placed for adoption is dated after the child was first placed for adoption.", Check::Rows(rule_552)),
    Rule::error("553", Episodes, "LS", "A placement order was granted (LS E1) but there is no decision that the child should be placed for adoption, or the decision is recorded as reversed while the order is open.", Check::Rows(rule_553)),
    Rule::error("554", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption is dated after the placement order was granted (the first E1 episode).", Check::Rows(rule_554)),
    Rule::error("555", Episodes, "LS", "A freeing order was granted (LS D1) but there is no decision that the child should be placed for adoption, or the decision is recorded as reversed while the order is open.", Check::Rows(rule_555)).years(Years::until(2023)),
    Rule::error("556", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption is dated after the freeing order was granted (the first D1 episode).", Check::Rows(rule_556)).years(Years::until(2023)),
    Rule::error("557", Episodes, "REC", "The child was placed for adoption or had a placement or freeing order and left care without being adopted, but the date and reason the decision to place for adoption ended are not given.", Check::Rows(rule_557)).years(Years::until(2023)),
    Rule::error("557", Episodes, "REC", "The child was placed for adoption or had a placement order and left care without being adopted, but the date and reason the decision to place for adoption ended are not given.", Check::Rows(rule_557)).years(Years::from(2024)),
    Rule::error("558", Episodes, "REC", "The child was adopted, so the decision to place them for adoption was not reversed: it needs no date it ended (DATE_PLACED_CEASED).", Check::Rows(rule_558)),
    Rule::error("559", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption is dated before this year but is not in last year's return.", Check::Rows(rule_559)).previous(),
    Rule::error("560", PlacedAdoption, "DATE_PLACED", "The date of the decision that the child should be placed for adoption differs from last year's, though last year's decision was not reversed.", Check::Rows(rule_560)).previous(),
    Rule::error("561", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption has the same date as last year's, but last year's decision was reversed.", Check::Rows(rule_561)).previous(),
    Rule::error("563", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption was reversed (date and reason given) but its own date (DATE_PLACED) is blank.", Check::Row(&[Filled("REASON_PLACED_CEASED"), Filled("DATE_PLACED_CEASED"), Blank("DATE_PLACED")])),
    Rule::error("579", PlacedAdoption, "DATE_PLACED", "A new decision that the child should be placed for adoption starts while the one before is still open, or before it ended.", Check::Rows(rule_579)),
    Rule::error("582", Episodes, "DEC", "The child was adopted on the day they were matched with the adopters (DEC = DATE_MATCH); matching is normally earlier.", Check::Rows(rule_582)).severity(Warning),
    Rule::error("583", PlacedAdoption, "DATE_PLACED_CEASED", "There is more than one decision that the child should be placed for adoption, and an earlier one has no date it was reversed.", Check::Rows(rule_583)),
    Rule::error("584", PlacedAdoption, "DATE_PLACED", "Last year's decision that the child should be placed for adoption was reversed, but this year's decision is blank or not later than it.", Check::Rows(rule_584)).previous(),
    Rule::error("601", Ad1, "DATE_INT", "The child was adopted during the year but the adoption items of AD1 are not all given.", Check::Rows(rule_601)),
    Rule::error("602", Ad1, "DATE_INT", "Adoption information (AD1) is given but the child's episodes do not show an adoption during the year.", Check::Rows(rule_602)),
    Rule::error("1003", PlacedAdoption, "DATE_PLACED", "The decision that the child should be placed for adoption is dated before the child started to be looked after (their first episode starting a period of care).", Check::Rows(rule_1003)),
    Rule::error("INT31", Ad1, "CHILD", "The child has more than one row in AD1.", Check::Repeated),
];

/// Each child's latest episode (by DECOM) of those `keep` keeps.
fn latest<'a>(ctx: &Ctx<'a>, keep: impl Fn(&RawRow) -> bool) -> HashMap<&'a str, &'a RawRow> {
    ctx.episodes_by_child()
        .iter()
        .filter_map(|eps| {
            let e = *eps
                .iter()
                .rev()
                .find(|e| date(e, "DECOM").is_some() && keep(e))?;
            Some((e.get("CHILD"), e))
        })
        .collect()
}

/// Each child's first episode (by DECOM) of those `keep` keeps.
fn first<'a>(ctx: &Ctx<'a>, keep: impl Fn(&RawRow) -> bool) -> HashMap<&'a str, &'a RawRow> {
    ctx.episodes_by_child()
        .iter()
        .filter_map(|eps| {
            let e = *eps.iter().find(|e| date(e, "DECOM").is_some() && keep(e))?;
            Some((e.get("CHILD"), e))
        })
        .collect()
}

/// The rows of `table` and the child's episodes `by` picks where `bad`
/// holds of the pair: both rows.
fn pairs<'a>(
    ctx: &Ctx<'a>,
    table: crate::tables::Table,
    by: &HashMap<&'a str, &'a RawRow>,
    bad: impl Fn(&RawRow, &RawRow) -> bool,
) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for r in ctx.this.rows(table) {
        if let Some(e) = by.get(r.get("CHILD"))
            && bad(r, e)
        {
            out.push(r);
            out.push(*e);
        }
    }
    out
}

/// Every pair of a row of `table` and an episode of the same child where
/// `bad` holds: both rows.
fn all_pairs<'a>(
    ctx: &Ctx<'a>,
    table: crate::tables::Table,
    episode: impl Fn(&RawRow) -> bool,
    bad: impl Fn(&RawRow, &RawRow) -> bool,
) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    let mut out = Vec::new();
    for r in ctx.this.rows(table) {
        for e in eps.get(r.get("CHILD")).into_iter().flatten() {
            if episode(e) && bad(r, e) {
                out.push(r);
                out.push(*e);
            }
        }
    }
    out
}

fn later(a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a > b)
}

fn rule_117<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let last = latest(ctx, |e| e.get("REC") != "X1");
    let mut out = Vec::new();
    for p in ctx.this.rows(PlacedAdoption) {
        let dates = [date(p, "DATE_PLACED"), date(p, "DATE_PLACED_CEASED")];
        if dates.iter().any(|d| later(*d, Some(ctx.end()))) {
            out.push(p);
        }
        if let Some(e) = last.get(p.get("CHILD"))
            && dates.iter().any(|d| later(*d, date(e, "DEC")))
        {
            out.push(p);
            out.push(*e);
        }
    }
    out
}

fn rule_118<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let first = first(ctx, |e| !matches!(e.get("LS"), "V3" | "V4"));
    let mut out = Vec::new();
    for p in ctx.this.rows(PlacedAdoption) {
        let Some(ceased) = date(p, "DATE_PLACED_CEASED") else {
            continue;
        };
        if ceased < ctx.start() {
            out.push(p);
        }
        if let Some(e) = first.get(p.get("CHILD"))
            && date(e, "DECOM").is_some_and(|s| ceased < s)
        {
            out.push(p);
            out.push(*e);
        }
    }
    out
}

fn rule_1003<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let by = first(ctx, |e| e.get("RNE") == "S");
    pairs(ctx, PlacedAdoption, &by, |p, e| {
        later(date(e, "DECOM"), date(p, "DATE_PLACED"))
    })
}

fn rule_331<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    all_pairs(
        ctx,
        Ad1,
        |e| ADOPTED.contains(&e.get("REC")),
        |a, e| later(date(a, "DATE_MATCH"), date(e, "DECOM")),
    )
}

fn rule_334<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let by = latest(ctx, |e| e.get("RNE") == "S");
    pairs(ctx, Ad1, &by, |a, e| {
        later(date(e, "DECOM"), date(a, "DATE_INT"))
    })
}

fn rule_335<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    all_pairs(
        ctx,
        Ad1,
        |e| matches!(e.get("REC"), "E1" | "E11" | "E12"),
        |a, e| match a.get("FOSTER_CARE") {
            "0" => matches!(e.get("PLACE"), "A2" | "A3" | "A5"),
            "1" => matches!(e.get("PLACE"), "A1" | "A4" | "A6"),
            _ => false,
        },
    )
}

fn rule_336<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    const FOSTER_OR_ADOPTION: &[&str] =
        &["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"];
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for pair in eps.windows(2) {
            if matches!(pair[1].get("PLACE"), "A3" | "A5")
                && !FOSTER_OR_ADOPTION.contains(&pair[0].get("PLACE"))
            {
                out.push(pair[1]);
            }
        }
    }
    out
}

fn rule_521<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    all_pairs(
        ctx,
        Ad1,
        |e| PLACED_FOR_ADOPTION.contains(&e.get("PLACE")),
        |a, e| later(date(a, "DATE_INT"), date(e, "DECOM")),
    )
}

fn rule_523<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let ad1 = ctx.this.by_child(Ad1);
    let mut out = Vec::new();
    for p in ctx.this.rows(PlacedAdoption) {
        let placed = p.get("DATE_PLACED");
        if placed.is_empty() {
            continue;
        }
        for a in ad1.get(p.get("CHILD")).into_iter().flatten() {
            let int = a.get("DATE_INT");
            let same = match (date(p, "DATE_PLACED"), date(a, "DATE_INT")) {
                (Some(x), Some(y)) => x == y,
                _ => placed == int,
            };
            if !int.is_empty() && !same {
                out.push(p);
                out.push(*a);
            }
        }
    }
    out
}

fn rule_525<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let ad1 = ctx.this.by_child(Ad1);
    let mut out = Vec::new();
    for p in ctx.this.rows(PlacedAdoption) {
        if p.get("DATE_PLACED_CEASED").is_empty() {
            continue;
        }
        for a in ad1.get(p.get("CHILD")).into_iter().flatten() {
            if any_filled(a, AD1_ITEMS) {
                out.push(p);
                out.push(*a);
            }
        }
    }
    out
}

fn rule_551<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(PlacedAdoption) {
        return Vec::new();
    }
    let decided: HashSet<&str> = ctx
        .this
        .rows(PlacedAdoption)
        .iter()
        .filter(|p| !p.get("DATE_PLACED").is_empty())
        .map(|p| p.get("CHILD"))
        .collect();
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| {
            PLACED_FOR_ADOPTION.contains(&e.get("PLACE")) && !decided.contains(e.get("CHILD"))
        })
        .collect()
}

fn rule_552<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let first = first(ctx, |e| PLACED_FOR_ADOPTION.contains(&e.get("PLACE")));
    let mut out = Vec::new();
    for (child, ps) in ctx.this.by_child(PlacedAdoption) {
        let Some(p) = ps
            .iter()
            .copied()
            .filter(|p| date(p, "DATE_PLACED").is_some())
            .max_by_key(|p| date(p, "DATE_PLACED"))
        else {
            continue;
        };
        if let Some(e) = first.get(child)
            && later(date(p, "DATE_PLACED"), date(e, "DECOM"))
        {
            out.push(p);
            out.push(*e);
        }
    }
    out
}

/// 553 and 555: episodes with the order's legal status of children with no
/// PlacedAdoption row, and the PlacedAdoption rows recorded as reversed of
/// children whose order is open.
fn order_without_decision<'a>(ctx: &Ctx<'a>, ls: &str) -> Vec<&'a RawRow> {
    if !ctx.this.has(PlacedAdoption) {
        return Vec::new();
    }
    let pa = ctx.this.by_child(PlacedAdoption);
    let mut out: Vec<&RawRow> = Vec::new();
    let mut open: HashSet<&str> = HashSet::new();
    for e in ctx.this.rows(Episodes) {
        if e.get("LS") != ls {
            continue;
        }
        if !pa.contains_key(e.get("CHILD")) {
            out.push(e);
        }
        if e.get("DEC").is_empty() {
            open.insert(e.get("CHILD"));
        }
    }
    for p in ctx.this.rows(PlacedAdoption) {
        if open.contains(p.get("CHILD"))
            && any_filled(p, &["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"])
        {
            out.push(p);
        }
    }
    out
}

fn rule_553<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    order_without_decision(ctx, "E1")
}

fn rule_555<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    order_without_decision(ctx, "D1")
}

fn rule_554<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let by = first(ctx, |e| e.get("LS") == "E1");
    pairs(ctx, PlacedAdoption, &by, |p, e| {
        later(date(p, "DATE_PLACED"), date(e, "DECOM"))
    })
}

fn rule_556<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let by = first(ctx, |e| e.get("LS") == "D1");
    pairs(ctx, PlacedAdoption, &by, |p, e| {
        later(date(p, "DATE_PLACED"), date(e, "DECOM"))
    })
}

fn rule_557<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(PlacedAdoption) {
        return Vec::new();
    }
    let orders: &[&str] = if ctx.rules_year >= 2024 {
        &["E1"]
    } else {
        &["D1", "E1"]
    };
    let pa = ctx.this.by_child(PlacedAdoption);
    let mut out = Vec::new();
    for e in ctx.this.rows(Episodes) {
        let rec = e.get("REC");
        let left = !rec.is_empty() && rec != "X1" && !ADOPTED.contains(&rec);
        if !left
            || !(PLACED_FOR_ADOPTION.contains(&e.get("PLACE")) || orders.contains(&e.get("LS")))
        {
            continue;
        }
        match pa.get(e.get("CHILD")) {
            None => out.push(e),
            Some(ps) => {
                let incomplete: Vec<&RawRow> = ps
                    .iter()
                    .copied()
                    .filter(|p| {
                        p.get("DATE_PLACED_CEASED").is_empty()
                            || p.get("REASON_PLACED_CEASED").is_empty()
                    })
                    .collect();
                if !incomplete.is_empty() {
                    out.push(e);
                    out.extend(incomplete);
                }
            }
        }
    }
    out
}

fn rule_558<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let pa = ctx.this.by_child(PlacedAdoption);
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| ADOPTED.contains(&e.get("REC")))
        .filter(|e| {
            pa.get(e.get("CHILD"))
                .is_some_and(|ps| ps.iter().all(|p| !p.get("DATE_PLACED_CEASED").is_empty()))
        })
        .collect()
}

/// This year's PlacedAdoption rows with last year's rows of the same
/// child, for which `bad` holds of some pair.
fn against_last_year<'a>(
    ctx: &Ctx<'a>,
    bad: impl Fn(&RawRow, &[&RawRow]) -> bool,
) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let before = last.by_child(PlacedAdoption);
    ctx.this
        .rows(PlacedAdoption)
        .iter()
        .filter(|p| bad(p, before.get(p.get("CHILD")).unwrap_or(&[])))
        .collect()
}

fn rule_559<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let start = ctx.start();
    against_last_year(ctx, |p, last| {
        date(p, "DATE_PLACED").is_some_and(|d| d < start)
            && !last.iter().any(|l| !l.get("DATE_PLACED").is_empty())
    })
}

fn rule_560<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    against_last_year(ctx, |p, last| {
        last.iter().any(|l| {
            !l.get("DATE_PLACED").is_empty()
                && l.get("DATE_PLACED_CEASED").is_empty()
                && date(l, "DATE_PLACED") != date(p, "DATE_PLACED")
        })
    })
}

fn rule_561<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    against_last_year(ctx, |p, last| {
        last.iter().any(|l| {
            date(p, "DATE_PLACED").is_some()
                && date(l, "DATE_PLACED") == date(p, "DATE_PLACED")
                && any_filled(l, &["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"])
        })
    })
}

fn rule_584<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    against_last_year(ctx, |p, last| {
        last.iter().any(|l| {
            any_filled(l, &["DATE_PLACED_CEASED", "REASON_PLACED_CEASED"])
                && (p.get("DATE_PLACED").is_empty()
                    || matches!((date(p, "DATE_PLACED"), date(l, "DATE_PLACED")), (Some(a), Some(b)) if a <= b))
        })
    })
}

/// Each child's PlacedAdoption rows by DATE_PLACED (blank or invalid last).
fn decisions_in_order<'a>(ctx: &Ctx<'a>) -> Vec<Vec<&'a RawRow>> {
    let mut v: Vec<Vec<&RawRow>> = ctx
        .this
        .by_child(PlacedAdoption)
        .values()
        .map(<[_]>::to_vec)
        .collect();
    for ps in &mut v {
        ps.sort_by_key(|p| {
            let d = date(p, "DATE_PLACED");
            (d.is_none(), d)
        });
    }
    v
}

fn rule_579<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for ps in decisions_in_order(ctx) {
        for pair in ps.windows(2) {
            let (prev, this) = (pair[0], pair[1]);
            let ceased = date(prev, "DATE_PLACED_CEASED");
            if ceased.is_none() || later(ceased, date(this, "DATE_PLACED")) {
                out.push(this);
            }
        }
    }
    out
}

fn rule_582<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let ad1 = ctx.this.by_child(Ad1);
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| ADOPTED.contains(&e.get("REC")))
        .filter(|e| {
            let dec = date(e, "DEC");
            dec.is_some()
                && ad1
                    .get(e.get("CHILD"))
                    .is_some_and(|a| a.iter().any(|a| date(a, "DATE_MATCH") == dec))
        })
        .collect()
}

fn rule_583<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    decisions_in_order(ctx)
        .into_iter()
        .flat_map(|ps| {
            // The latest decision is the last with a date (or the first
            // row when none has one).
            let latest = ps
                .iter()
                .rposition(|p| date(p, "DATE_PLACED").is_some())
                .unwrap_or(0);
            ps.into_iter()
                .enumerate()
                .filter(move |(i, p)| *i != latest && p.get("DATE_PLACED_CEASED").is_empty())
                .map(|(_, p)| p)
        })
        .collect()
}

/// The children adopted during the year (an episode ending E11/E12 in it).
fn adopted_in_year<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| {
            ADOPTED.contains(&e.get("REC"))
                && date(e, "DEC").is_some_and(|d| d >= ctx.start() && d <= ctx.end())
        })
        .collect()
}

fn rule_601<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(Ad1) {
        return Vec::new();
    }
    let ad1 = ctx.this.by_child(Ad1);
    let mut out = Vec::new();
    for e in adopted_in_year(ctx) {
        match ad1.get(e.get("CHILD")) {
            None => out.push(e),
            Some(rows) => {
                let incomplete: Vec<&RawRow> = rows
                    .iter()
                    .copied()
                    .filter(|a| AD1_ITEMS.iter().any(|c| a.get(c).is_empty()))
                    .collect();
                if !incomplete.is_empty() {
                    out.push(e);
                    out.extend(incomplete);
                }
            }
        }
    }
    out
}

fn rule_602<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let adopted: HashSet<&str> = adopted_in_year(ctx)
        .iter()
        .map(|e| e.get("CHILD"))
        .collect();
    ctx.this
        .rows(Ad1)
        .iter()
        .filter(|a| any_filled(a, AD1_ITEMS) && !adopted.contains(a.get("CHILD")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::tables::Table;

    #[test]
    fn ad1_codes_and_dates() {
        let ad1 = rows(
            Table::Ad1,
            "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n1,01/01/2015,01/02/2024,01/03/2024,1,2,MF,L11\n2,01/01/2015,31/02/2024,2024-03-01,2,3,XX,L9",
        );
        // 175-177 are checked while reading (convert.rs).
        for (code, bad) in [("112", 3), ("113", 3), ("114", 3)] {
            assert_eq!(
                lines_flagged(code, "2024-25", &ad1, None, Table::Ad1),
                [bad],
                "{code}"
            );
        }
    }

    #[test]
    fn placed_for_adoption_dates_and_reasons() {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n2,M,01/01/2015,WBRI,,,\n3,M,01/01/2015,WBRI,,,",
        );
        r.extend(rows(Table::PlacedAdoption, "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n1,01/01/2015,01/02/2024,,\n2,01/01/2015,01/02/2014,01/13/2024,RD1\n3,01/01/2015,01/02/2024,,RD9"));
        let f = |code: &str| lines_flagged(code, "2024-25", &r, None, Table::PlacedAdoption);
        assert!(f("115").is_empty());
        assert_eq!(f("116"), [3]);
        assert_eq!(f("119"), [4]);
        assert_eq!(f("184"), [3]);
    }
    const EPS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";
    const AD1: &str = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR";
    const PA: &str = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED";

    #[test]
    fn adopters_on_one_row() {
        let ad1 = rows(
            Table::Ad1,
            &format!(
                "{AD1}\n1,01/01/2015,01/02/2024,01/03/2024,1,2,MF,L11\n2,01/01/2015,01/04/2024,01/03/2024,0,2,M1,L3\n3,01/01/2015,,01/03/2024,,,,\n4,01/01/2015,01/02/2024,01/03/2024,0,2,MF,L4\n5,01/01/2015,01/02/2024,01/03/2024,0,1,MM,L0\n6,01/01/2015,01/02/2024,01/03/2024,0,2,M1,L2\n7,01/01/2015,01/02/2024,01/03/2024,0,2,MM,L11\n8,01/01/2015,01/02/2024,01/03/2024,0,2,MF,L12\n8,01/01/2015,01/02/2024,01/03/2024,0,2,MF,L12"
            ),
        );
        let f = |code: &str| lines_flagged(code, "2024-25", &ad1, None, Table::Ad1);
        assert_eq!(f("151"), [4]);
        assert_eq!(f("333"), [3, 4]);
        assert_eq!(f("511"), [3, 7]);
        assert_eq!(f("514"), [6]);
        assert_eq!(f("517"), [3]);
        assert_eq!(f("518"), [5]);
        assert_eq!(f("519"), [7]);
        assert_eq!(f("520"), [8]);
        assert_eq!(f("524"), [9, 10]);
        assert_eq!(f("INT31"), [9, 10]);
    }

    #[test]
    fn adoption_against_the_episodes() {
        let mut r = rows(
            Table::Episodes,
            &format!(
                "{EPS}\n1,01/05/2023,S,C2,N1,U1,PR1,01/09/2023,P1,,,,\n1,01/09/2023,P,E1,N1,A5,PR1,01/02/2025,E11,,,,\n2,01/05/2023,S,C2,N1,R1,PR1,01/09/2023,P1,,,,\n2,01/09/2023,P,C2,N1,A3,PR1,01/02/2025,E12,,,,\n3,01/05/2024,S,E1,N1,R1,PR1,01/06/2024,E45,,,,\n4,01/05/2024,S,C2,N1,U1,PR1,01/06/2024,E11,,,,\n5,01/05/2024,S,C2,N1,A6,PR1,,,,,,\n6,01/05/2024,S,E1,N1,U1,PR1,,,,,,\n9,01/07/2023,S,C2,N1,U1,PR1,,,,,,"
            ),
        );
        r.extend(rows(
            Table::PlacedAdoption,
            &format!(
                "{PA}\n1,01/01/2015,01/06/2023,,\n3,01/01/2015,01/06/2024,01/03/2024,\n4,01/01/2015,01/03/2024,01/07/2024,RD1\n5,01/01/2015,01/06/2024,,"
            ),
        ));
        r.extend(rows(
            Table::Ad1,
            &format!(
                "{AD1}\n1,01/01/2015,01/06/2023,01/08/2023,1,2,MF,L11\n2,01/01/2015,01/10/2023,01/10/2023,0,2,MF,L11\n9,01/01/2015,01/06/2023,,,,,"
            ),
        ));
        let f = |code: &str, t: Table| lines_flagged(code, "2024-25", &r, None, t);
        assert_eq!(f("336", Table::Episodes), [5]);
        assert_eq!(f("390", Table::Episodes), [7]);
        assert_eq!(f("408", Table::Episodes), [8]);
        assert_eq!(f("516", Table::Episodes), [6]);
        assert_eq!(f("551", Table::Episodes), [5]);
        assert_eq!(f("552", Table::PlacedAdoption), [5]);
        assert_eq!(f("552", Table::Episodes), [8]);
        assert_eq!(f("553", Table::Episodes), [9]);
        assert_eq!(f("554", Table::PlacedAdoption), [3]);
        assert_eq!(f("557", Table::Episodes), [6]);
        assert_eq!(f("557", Table::PlacedAdoption), [3]);
        assert_eq!(f("558", Table::Episodes), [7]);
        assert_eq!(f("522", Table::PlacedAdoption), [3]);
        assert_eq!(f("117", Table::PlacedAdoption), [4]);
        assert_eq!(f("118", Table::PlacedAdoption), [3]);
        // Child 4's decision (March 2024) is before their first episode
        // (May); child 1's (June 2023) follows theirs (May).
        assert_eq!(f("1003", Table::PlacedAdoption), [4]);
        assert_eq!(f("601", Table::Episodes), [7]);
        assert!(f("601", Table::Ad1).is_empty());
        assert_eq!(f("602", Table::Ad1), [4]);
        assert_eq!(f("331", Table::Ad1), [3]);
        assert_eq!(f("521", Table::Ad1), [3]);
        assert_eq!(f("334", Table::Ad1), [4]);
        assert_eq!(f("335", Table::Ad1), [3]);
        // Freeing orders (555, 556) were dropped from 2024-25.
        assert!(super::super::find_in("555", 2024).is_none());
    }

    #[test]
    fn decisions_to_place_for_adoption_in_order_and_against_last_year() {
        let mut r = rows(
            Table::PlacedAdoption,
            &format!(
                "{PA}\n1,01/01/2015,01/01/2023,01/02/2023,RD1\n1,01/01/2015,01/01/2024,,\n2,01/01/2015,01/01/2023,,\n2,01/01/2015,01/01/2024,,\n3,01/01/2015,,01/02/2024,RD1\n4,01/01/2015,01/01/2024,,"
            ),
        );
        r.extend(rows(
            Table::Ad1,
            &format!("{AD1}\n1,01/01/2015,01/01/2024,01/02/2024,1,1,M1,L0"),
        ));
        r.extend(rows(
            Table::Episodes,
            &format!("{EPS}\n1,01/01/2024,S,E1,N1,A5,PR1,01/02/2024,E11,,,,"),
        ));
        let last = rows(
            Table::PlacedAdoption,
            &format!("{PA}\n1,01/01/2015,01/01/2023,01/02/2023,RD1\n2,01/01/2015,01/01/2023,,"),
        );
        let f = |code: &str, t: Table| lines_flagged(code, "2025-26", &r, Some(&last), t);
        let pa = |code: &str| f(code, Table::PlacedAdoption);
        assert_eq!(pa("563"), [6]);
        // Child 1's first decision (January 2023) is before their episode.
        assert_eq!(pa("1003"), [2]);
        assert_eq!(pa("523"), [2]);
        assert_eq!(pa("525"), [2]);
        assert_eq!(pa("579"), [5]);
        assert_eq!(pa("583"), [4]);
        assert_eq!(pa("559"), [7]);
        assert_eq!(pa("560"), [5]);
        assert_eq!(pa("561"), [2]);
        assert_eq!(pa("584"), [2]);
        assert_eq!(f("582", Table::Episodes), [2]);
    }
}
