//! Consistency with last year's return (run only when it is given): a child
//! whose episode was open at the end of last year starts this year's return
//! with that episode, unchanged.

use foldhash::{HashMap, HashMapExt, HashSet};

use footprint_domain::codes::Sex;

use super::{Check, Ctx, Rule, Tables, date};
use crate::raw::RawRow;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error("202", Header, "SEX", "The child's sex differs from the sex in last year's return.", Check::Rows(rule_202)).previous(),
    Rule::error("203", Header, "DOB", "The child's date of birth differs from the date of birth in last year's return.", Check::Rows(rule_203)).previous(),
    Rule::error("204", Header, "ETHNIC", "The child's ethnicity differs from the ethnicity in last year's return.", Check::Rows(rule_204)).previous(),
    Rule::error("502", Episodes, "DECOM", "Last year's return ended with this child's episode open, but this year's first episode does not start on that episode's start date.", Check::Rows(rule_502)).previous(),
    Rule::error("503A", Episodes, "RNE", "The reason for new episode of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503a)).previous(),
    Rule::error("503B", Episodes, "LS", "The legal status of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503b)).previous(),
    Rule::error("503C", Episodes, "CIN", "The category of need of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503c)).previous(),
    Rule::error("503D", Episodes, "PLACE", "The placement type of the child's first episode differs from the episode open at the end of last year (H5 to K3 in 2023-24 and 2024-25, and Z1 to Z11–Z14 in 2025-26, are allowed).", Check::Rows(rule_503d)).previous(),
    Rule::error("503E", Episodes, "PLACE_PROVIDER", "The placement provider of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503e)).previous(),
    Rule::error("503F", Episodes, "URN", "The Ofsted URN of the child's first episode differs from the episode open at the end of last year.", Check::Rows(rule_503f)).previous(),
    Rule::error("562", Episodes, "DECOM", "The child's first episode started before this collection year, but it is not the latest episode in last year's return.", Check::Rows(rule_562)).previous(),
    Rule::error("NoE", Episodes, "DECOM", "The episode started before this collection year, but the child has no episodes in last year's return.", Check::Rows(rule_noe)).previous(),
];

/// Header rows of children in last year's Header whose `differs` from a
/// row of last year's.
fn header_differs<'a>(
    ctx: &Ctx<'a>,
    differs: impl Fn(&RawRow, &RawRow) -> bool,
) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    if !ctx.this.has(Header) || !last.has(Header) {
        return Vec::new();
    }
    // Last year's Header by child, made once for the rules that ask.
    let before = last.by_child(Header);
    ctx.this
        .rows(Header)
        .iter()
        .filter(|h| {
            before
                .get(h.get("CHILD"))
                .is_some_and(|b| b.iter().any(|p| differs(h, p)))
        })
        .collect()
}

/// 202 compares the child's sex, not its spelling: the return wrote 1 and 2
/// up to 2023-24 and writes M, F and U from 2024-25, so a boy written 1 last
/// year and M this year is the same (a value of neither list is compared as
/// written).
fn rule_202<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    fn sex(row: &RawRow) -> Result<Sex, &str> {
        let raw = row.get("SEX");
        raw.parse().map_err(|_| raw)
    }
    header_differs(ctx, |h, p| sex(h) != sex(p))
}

fn rule_203<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    header_differs(ctx, |h, p| date(h, "DOB") != date(p, "DOB"))
}

fn rule_204<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    header_differs(ctx, |h, p| {
        !h.get("ETHNIC").eq_ignore_ascii_case(p.get("ETHNIC"))
    })
}

/// Each child's episode this year with the earliest valid DECOM (the first
/// in the file among equals), children in order of their identifier.
fn firsts<'c, 'a>(ctx: &'c Ctx<'a>) -> impl Iterator<Item = (&'a str, &'a RawRow)> + 'c {
    // A child's episodes are by DECOM, those without a valid one last.
    ctx.episodes_by_child().iter().filter_map(|eps| {
        let &e = eps.first()?;
        date(e, "DECOM").map(|_| (e.get("CHILD"), e))
    })
}

/// The child's episode in last year's return with the latest valid DECOM
/// (the first in the file among equals). (Found among the child's rows when
/// a rule asks, rather than kept in a map of every child's: this year's
/// first and last year's latest were 1.6 MB at 10,000 children.)
fn latest_last_year<'a>(last: &Tables<'a>, child: &str) -> Option<&'a RawRow> {
    let mut latest: Option<(&'a RawRow, chrono::NaiveDate)> = None;
    for &e in last.by_child(Episodes).get(child)? {
        let Some(d) = date(e, "DECOM") else { continue };
        if latest.is_none_or(|(_, l)| d > l) {
            latest = Some((e, d));
        }
    }
    latest.map(|(e, _)| e)
}

/// This year's first episodes that `differ` (this year's, last year's) from
/// last year's latest episode of the child, when that one has no end date.
pub(super) fn first_differs<'a>(
    ctx: &Ctx<'a>,
    differ: impl Fn(&'a RawRow, &'a RawRow) -> bool,
) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    if !ctx.this.has(Episodes) || !last.has(Episodes) {
        return Vec::new();
    }
    let mut out: Vec<&RawRow> = firsts(ctx)
        .filter_map(|(child, e)| {
            let p = latest_last_year(last, child)?;
            (date(p, "DEC").is_none() && differ(e, p)).then_some(e)
        })
        .collect();
    out.sort_by_key(|e| e.line());
    out
}

/// This year's first episodes whose `field` differs from last year's latest
/// episode of the child, when that one has no end date; `allowed` pairs
/// (last year's value, this year's) are not a difference.
fn differs<'a>(ctx: &Ctx<'a>, field: &str, allowed: &[(&str, &str)]) -> Vec<&'a RawRow> {
    first_differs(ctx, |e, p| {
        let (now, then) = (e.get(field), p.get(field));
        now != then && !allowed.contains(&(then, now))
    })
}

fn rule_503a<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    differs(ctx, "RNE", &[])
}
fn rule_503b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    differs(ctx, "LS", &[])
}
fn rule_503c<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    differs(ctx, "CIN", &[])
}
fn rule_503d<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    // The year of the data, as the DfE's validator reads it.
    match ctx.year.start_year() {
        2023 | 2024 => differs(ctx, "PLACE", &[("H5", "K3")]),
        2025 => differs(
            ctx,
            "PLACE",
            &[("Z1", "Z11"), ("Z1", "Z12"), ("Z1", "Z13"), ("Z1", "Z14")],
        ),
        _ => differs(ctx, "PLACE", &[]),
    }
}
fn rule_503e<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    differs(ctx, "PLACE_PROVIDER", &[])
}
fn rule_503f<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    differs(ctx, "URN", &[])
}

fn rule_502<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    if !ctx.this.has(Episodes) || !last.has(Episodes) {
        return Vec::new();
    }
    let mut open: HashMap<&str, Vec<&RawRow>> = HashMap::new();
    for e in last.rows(Episodes) {
        if e.get("DEC").is_empty() {
            open.entry(e.get("CHILD")).or_default().push(e);
        }
    }
    firsts(ctx)
        .filter(|(child, e)| {
            open.get(*child)
                .is_some_and(|o| o.iter().any(|p| date(p, "DECOM") != date(e, "DECOM")))
        })
        .map(|(_, e)| e)
        .collect()
}

fn rule_562<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    if !ctx.this.has(Episodes) || !last.has(Episodes) {
        return Vec::new();
    }
    let mut firsts: HashMap<&str, (&RawRow, chrono::NaiveDate)> = HashMap::new();
    for e in ctx.this.rows(Episodes) {
        let Some(d) = date(e, "DECOM").filter(|d| *d < ctx.start()) else {
            continue;
        };
        let slot = firsts.entry(e.get("CHILD")).or_insert((e, d));
        if d < slot.1 {
            *slot = (e, d);
        }
    }
    firsts
        .into_iter()
        .filter(|(child, (_, d))| {
            latest_last_year(last, child).is_none_or(|p| date(p, "DECOM") != Some(*d))
        })
        .map(|(_, (e, _))| e)
        .collect()
}

fn rule_noe<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    if !ctx.this.has(Episodes) || !last.has(Episodes) {
        return Vec::new();
    }
    let known: HashSet<&str> = last.rows(Episodes).iter().map(|e| e.get("CHILD")).collect();
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| {
            date(e, "DECOM").is_some_and(|d| d < ctx.start()) && !known.contains(e.get("CHILD"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const COLS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn eps(body: &str) -> Vec<RawRow> {
        rows(Table::Episodes, &format!("{COLS}\n{body}"))
    }

    fn flagged(code: &str, this: &[RawRow], last: &[RawRow]) -> Vec<u64> {
        lines_flagged(code, "2025-26", this, Some(last), Table::Episodes)
    }

    #[test]
    fn this_years_first_episode_continues_last_years_open_one() {
        let last = eps("1,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n2,01/06/2024,S,C2,N1,U1,PR1,,,,,,");
        let same = eps("1,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n2,01/06/2024,S,C2,N1,U1,PR1,,,,,,");
        for code in [
            "502", "503A", "503B", "503C", "503D", "503E", "503F", "562", "NoE",
        ] {
            assert!(flagged(code, &same, &last).is_empty(), "{code}");
        }
        let changed =
            eps("1,02/06/2024,T,C1,N2,U2,PR2,,,,,,1234567\n2,01/06/2024,S,C2,N1,U1,PR1,,,,,,");
        assert_eq!(flagged("502", &changed, &last), [2]);
        assert_eq!(flagged("562", &changed, &last), [2]);
        for code in ["503A", "503B", "503C", "503D", "503E", "503F"] {
            assert_eq!(flagged(code, &changed, &last), [2], "{code}");
        }
        let new_child = eps("3,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n3,01/05/2025,P,C2,N1,U2,PR1,,,,,,");
        assert_eq!(flagged("NoE", &new_child, &last), [2]);
    }

    #[test]
    fn the_child_is_the_same_child_as_last_year() {
        let h = |body: &str| {
            rows(
                Table::Header,
                &format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n{body}"),
            )
        };
        let last = h("1,M,01/06/2012,WBRI,,,\n2,F,01/06/2013,AIND,,,");
        let this = h("1,M,01/06/2012,wbri,,,\n2,M,02/06/2013,WIRI,,,\n3,F,01/06/2014,WBRI,,,");
        let f = |code: &str| lines_flagged(code, "2025-26", &this, Some(&last), Table::Header);
        assert_eq!(f("202"), [3]);
        assert_eq!(f("203"), [3]);
        assert_eq!(f("204"), [3]);
        assert!(lines_flagged("202", "2025-26", &last, Some(&last), Table::Header).is_empty());
    }

    #[test]
    fn the_change_of_code_list_for_sex_is_not_a_change_of_sex() {
        let h = |body: &str| {
            rows(
                Table::Header,
                &format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n{body}"),
            )
        };
        // 2023-24 wrote 1 and 2; 2024-25 writes M, F and U.
        let last = h(
            "1,1,01/06/2012,WBRI,,,\n2,2,01/06/2013,WBRI,,,\n3,1,01/06/2014,WBRI,,,\n4,X,01/06/2015,WBRI,,,",
        );
        let this = h(
            "1,M,01/06/2012,WBRI,,,\n2,F,01/06/2013,WBRI,,,\n3,F,01/06/2014,WBRI,,,\n4,X,01/06/2015,WBRI,,,",
        );
        assert_eq!(
            lines_flagged("202", "2024-25", &this, Some(&last), Table::Header),
            [4],
            "only the child whose sex changed (1 to F); an unknown code is compared as written"
        );
        let unknown = h(
            "1,U,01/06/2012,WBRI,,,\n2,F,01/06/2013,WBRI,,,\n3,M,01/06/2014,WBRI,,,\n4,Y,01/06/2015,WBRI,,,",
        );
        assert_eq!(
            lines_flagged("202", "2024-25", &unknown, Some(&last), Table::Header),
            [2, 5]
        );
    }

    #[test]
    fn the_z1_split_is_not_a_change_of_placement() {
        let last = eps("1,01/06/2024,S,C2,N1,Z1,,,,,,,");
        let this = eps("1,01/06/2024,S,C2,N1,Z12,,,,,,,");
        assert!(flagged("503D", &this, &last).is_empty());
        let other = eps("1,01/06/2024,S,C2,N1,U1,PR1,,,,,,");
        assert_eq!(flagged("503D", &other, &last), [2]);
    }
}
