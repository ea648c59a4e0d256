//! Missing and away from placement without authorisation.

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;

use super::{Check, Cond::*, Ctx, Rule, date, parse_dmy, plus_years};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::{Col, RawRow};
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "567",
        Missing,
        "MIS_END",
        "The missing or away period ends before it starts.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "570",
        Missing,
        "MIS_START",
        "The missing or away period starts after the end of the collection year.",
        Check::Row(&[AfterYearEnd("MIS_START")]),
    ),
    Rule::error(
        "571",
        Missing,
        "MIS_END",
        "The missing or away period ends before the start or after the end of the collection year.",
        Check::Rows(rule_571),
    ),
    Rule::error(
        "574",
        Missing,
        "MIS_START",
        "A missing or away period starts while the one before it is still open (periods overlap).",
        Check::Records,
    )
    .severity(Warning),
    Rule::error(
        "575",
        Missing,
        "MIS_END",
        "The placement the child went missing from has ended, so the missing or away period needs an end date.",
        Check::Rows(rule_575),
    ),
    Rule::error(
        "577",
        Missing,
        "MIS_END",
        "The child has left care but a missing or away period has no end date, or it ends outside the period of care.",
        Check::Rows(rule_577),
    ),
    Rule::error(
        "578",
        Missing,
        "MIS_START",
        "The missing or away period starts outside the child's periods of care (before one starts or after it ended).",
        Check::Rows(rule_578),
    ),
    Rule::error(
        "580",
        Episodes,
        "REC",
        "The child was missing when they left care at 18 (the missing period ends on the 18th birthday, the day the episode ends), so the reason the episode ceased must be E8.",
        Check::Rows(rule_580),
    ),
    Rule::error(
        "581",
        Missing,
        "MIS_START",
        "The child is recorded as missing when not looked after: the missing period starts in none of the child's episodes.",
        Check::Rows(rule_581),
    ),
    Rule::error(
        "586",
        Missing,
        "MIS_START",
        "The missing or away period starts on or before the child's date of birth.",
        Check::Row(&[NotAfter("MIS_START", "DOB")]),
    ),
    Rule::error(
        "1006",
        Missing,
        "MISSING",
        "The missing type (MISSING) is blank or not M (missing) or A (away without authorisation).",
        Check::Reading,
    )
    .severity(Fatal),

    Rule::error("564", Missing, "MIS_START", "The child was missing or away (MISSING M or A) but the date it started (MIS_START) is blank.", Check::Row(&[In("MISSING", &["M", "A", "m", "a"]), Blank("MIS_START")])),
    Rule::error("565", Missing, "MISSING", "The date a missing or away period started is given but whether the child was missing or away (MISSING) is blank.", Check::Row(&[Filled("MIS_START"), Blank("MISSING")])),
    Rule::error("566", Missing, "MISSING", "The date a missing or away period ended is given but whether the child was missing or away (MISSING) is blank.", Check::Row(&[Filled("MIS_END"), Blank("MISSING")])),
    Rule::error("576", Missing, "MIS_START", "A missing or away period open at the end of last year's return does not start this year's periods for the child.", Check::Rows(rule_576)).previous(),
    Rule::error("1004", Missing, "MIS_START", "The date a missing or away period started (MIS_START) is blank or not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("1005", Missing, "MIS_END", "The date a missing or away period ended (MIS_END) is not a valid date.", Check::Reading).severity(Fatal),
];

fn rule_571<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Missing)
        .iter()
        .filter(|m| date(m, "MIS_END").is_some_and(|e| e < ctx.start() || e > ctx.end()))
        .collect()
}

fn rule_575<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    ctx.this
        .rows(Missing)
        .iter()
        .filter(|m| {
            let (Some(start), true) = (date(m, "MIS_START"), m.get("MIS_END").is_empty()) else {
                return false;
            };
            eps.get(m.get("CHILD")).is_some_and(|es| {
                es.iter().any(|e| {
                    matches!((date(e, "DECOM"), date(e, "DEC")), (Some(s), Some(d)) if start >= s && start <= d)
                })
            })
        })
        .collect()
}

/// A child's periods of care as the DfE's validator builds them for 577,
/// 578 and 707: episodes with a valid DECOM in order, a new period whenever
/// an episode starts after the previous one's (valid) DEC; each period from
/// its first DECOM to its last episode's DEC (`None`: open). Empty when the
/// child has no episode with a valid DECOM. (Worked out for the children
/// these rules ask about, not kept for every child: a map of every child's
/// periods was the largest thing the rules held.)
pub(super) fn periods_of(ctx: &Ctx<'_>, child: &str) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let mut list: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    let Some(eps) = ctx.episodes_of(child) else {
        return list;
    };
    let first = eps.first().copied();
    let (c_decom, c_dec) = (Col::new(first, "DECOM"), Col::new(first, "DEC"));
    let mut prev_dec: Option<NaiveDate> = None;
    for e in eps {
        let Some(start) = parse_dmy(e.at(&c_decom)) else {
            continue;
        };
        let new = list.is_empty() || prev_dec.is_some_and(|d| start > d);
        let dec = parse_dmy(e.at(&c_dec));
        if new {
            list.push((start, dec));
        } else if let Some(last) = list.last_mut() {
            last.1 = dec;
        }
        prev_dec = dec;
    }
    list
}

fn rule_577<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Missing)
        .iter()
        .filter(|m| {
            let Some(start) = date(m, "MIS_START") else {
                return false;
            };
            let end = date(m, "MIS_END");
            let list = periods_of(ctx, m.get("CHILD"));
            if list.is_empty() {
                return false;
            }
            list.iter().all(|&(s, d)| {
                (end.is_none() && d.is_some())
                    || (end.is_none() && start < s)
                    || matches!((end, d), (Some(e), Some(d)) if e > d)
                    || end.is_some_and(|e| e < s)
            })
        })
        .collect()
}

fn rule_578<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Missing)
        .iter()
        .filter(|m| {
            let Some(start) = date(m, "MIS_START") else {
                return false;
            };
            let list = periods_of(ctx, m.get("CHILD"));
            if list.is_empty() {
                return false;
            }
            list.iter()
                .all(|&(s, d)| start < s || d.is_some_and(|d| start > d))
        })
        .collect()
}

fn rule_580<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    let mut out = Vec::new();
    for m in ctx.this.rows(Missing) {
        let (Some(dob), Some(end)) = (date(m, "DOB"), date(m, "MIS_END")) else {
            continue;
        };
        if plus_years(dob, 18) != end {
            continue;
        }
        if let Some(es) = eps.get(m.get("CHILD")) {
            out.extend(
                es.iter()
                    .filter(|e| date(e, "DEC") == Some(end) && e.get("REC") != "E8"),
            );
        }
    }
    out
}

fn rule_581<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    ctx.this
        .rows(Missing)
        .iter()
        .filter(|m| {
            let Some(es) = eps.get(m.get("CHILD")) else {
                return false;
            };
            let start = date(m, "MIS_START");
            !es.iter().any(|e| {
                matches!((start, date(e, "DECOM")), (Some(st), Some(s)) if st >= s
                    && (e.get("DEC").is_empty() || date(e, "DEC").is_some_and(|d| st <= d)))
            })
        })
        .collect()
}

fn rule_576<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let open: HashMap<&str, Vec<&str>> = {
        let mut m: HashMap<&str, Vec<&str>> = HashMap::new();
        for r in last.rows(Missing) {
            if r.get("MIS_END").is_empty() && date(r, "MIS_START").is_some() {
                m.entry(r.get("CHILD"))
                    .or_default()
                    .push(r.get("MIS_START"));
            }
        }
        m
    };
    let mut out = Vec::new();
    for (child, rows) in ctx.this.by_child(Missing) {
        let Some(starts) = open.get(child) else {
            continue;
        };
        let Some(first) = rows
            .iter()
            .copied()
            .min_by_key(|r| date(r, "MIS_START").unwrap_or(NaiveDate::MAX))
        else {
            continue;
        };
        if starts
            .iter()
            .any(|s| super::parse_dmy(s) != date(first, "MIS_START"))
        {
            out.push(first);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const COLS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn ret(eps: &str, missing: &str) -> Vec<RawRow> {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/06/2007,WBRI,,,",
        );
        r.extend(rows(Table::Episodes, &format!("{COLS}\n{eps}")));
        r.extend(rows(
            Table::Missing,
            &format!("CHILD,DOB,MISSING,MIS_START,MIS_END\n{missing}"),
        ));
        r
    }

    fn flagged(code: &str, r: &[RawRow], t: Table) -> Vec<u64> {
        lines_flagged(code, "2024-25", r, None, t)
    }

    #[test]
    fn missing_dates_against_the_year_and_birth() {
        let r = ret(
            "1,01/04/2024,S,C2,N1,U1,PR1,,,,,,",
            "1,01/06/2007,M,01/05/2025,\n1,01/06/2007,M,01/05/2024,01/04/2025\n1,01/06/2007,M,01/05/2007,02/05/2007\n1,01/06/2007,M,01/05/2024,02/05/2024",
        );
        assert_eq!(flagged("570", &r, Table::Missing), [2]);
        assert_eq!(flagged("571", &r, Table::Missing), [3, 4]);
        assert_eq!(flagged("586", &r, Table::Missing), [4]);
    }

    #[test]
    fn missing_periods_against_the_episodes() {
        let closed = "1,01/04/2024,S,C2,N1,U1,PR1,01/09/2024,E11,,,,";
        let r = ret(
            closed,
            "1,01/06/2007,M,01/05/2024,\n1,01/06/2007,M,01/05/2024,02/05/2024\n1,01/06/2007,M,01/10/2024,02/10/2024",
        );
        assert_eq!(flagged("575", &r, Table::Missing), [2]);
        assert_eq!(flagged("577", &r, Table::Missing), [2, 4]);
        assert_eq!(flagged("578", &r, Table::Missing), [4]);
        assert_eq!(flagged("581", &r, Table::Missing), [4]);
        let open = ret(
            "1,01/04/2024,S,C2,N1,U1,PR1,,,,,,",
            "1,01/06/2007,M,01/05/2024,",
        );
        for code in ["575", "577", "578", "581"] {
            assert!(flagged(code, &open, Table::Missing).is_empty(), "{code}");
        }
    }

    #[test]
    fn missing_on_the_18th_birthday_ends_e8() {
        let r = ret(
            "1,01/04/2024,S,C2,N1,U1,PR1,01/06/2025,E11,,,,",
            "1,01/06/2007,M,20/05/2025,01/06/2025",
        );
        assert_eq!(flagged("580", &r, Table::Episodes), [2]);
        let ok = ret(
            "1,01/04/2024,S,C2,N1,U1,PR1,01/06/2025,E8,,,,",
            "1,01/06/2007,M,20/05/2025,01/06/2025",
        );
        assert!(flagged("580", &ok, Table::Episodes).is_empty());
    }
    #[test]
    fn missing_type_and_dates_given_together_and_last_year() {
        let cols = "CHILD,DOB,MISSING,MIS_START,MIS_END";
        let r = rows(
            Table::Missing,
            &format!(
                "{cols}\n1,01/01/2010,M,,\n2,01/01/2010,,01/05/2025,\n3,01/01/2010,,,01/06/2025\n4,01/01/2010,M,01/06/2025,01/07/2025\n5,01/01/2010,A,01/03/2025,01/04/2025"
            ),
        );
        let last = rows(
            Table::Missing,
            &format!("{cols}\n4,01/01/2010,M,01/03/2025,\n5,01/01/2010,A,01/03/2025,"),
        );
        let f = |code: &str| lines_flagged(code, "2025-26", &r, Some(&last), Table::Missing);
        assert_eq!(f("564"), [2]);
        assert_eq!(f("565"), [3]);
        assert_eq!(f("566"), [4]);
        assert_eq!(f("576"), [5]);
    }
}
