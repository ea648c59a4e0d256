//! Deprivation of liberty orders (the DoLo table, from 2026-27).

use foldhash::HashSet;

use chrono::NaiveDate;

use super::{Check, Cond::*, Ctx, Rule, Years, date};
use crate::raw::RawRow;
use crate::tables::Table::*;

const FROM_2026: Years = Years::from(2026);

pub(super) const RULES: &[Rule] = &[
    Rule::error("700", DoLo, "DOLO_START", "The start date of the DoLO (DOLO_START) is blank or not a valid date.", Check::Row(&[Any(&[Blank("DOLO_START"), BadDate("DOLO_START")])])).years(FROM_2026),
    Rule::error("701", DoLo, "DOLO_END", "The end date of the DoLO (DOLO_END) is not a valid date.", Check::Row(&[BadDate("DOLO_END")])).years(FROM_2026),
    Rule::error("702", DoLo, "DOLO_END", "The DoLO ends before it starts.", Check::Row(&[Earlier("DOLO_END", "DOLO_START")])).years(FROM_2026),
    Rule::error("703", DoLo, "DOLO_START", "The DoLO starts after the end of the collection year.", Check::Row(&[AfterYearEnd("DOLO_START")])).years(FROM_2026),
    Rule::error("704", DoLo, "DOLO_END", "The DoLO ends before the start or after the end of the collection year.", Check::Row(&[Any(&[BeforeYearStart("DOLO_END"), AfterYearEnd("DOLO_END")])])).years(FROM_2026),
    Rule::error("705", DoLo, "DOLO_START", "A DoLO starts while the one before it is still open (DoLOs overlap).", Check::Rows(rule_705)).years(FROM_2026),
    Rule::error("706", DoLo, "DOLO_START", "A DoLO open at the end of last year's return has no DoLO with the same start date in this year's.", Check::Rows(rule_706)).years(FROM_2026).previous(),
    Rule::error("707", DoLo, "DOLO_END", "The child has left care but a DoLO has no end date, or it ends outside the period of care.", Check::Rows(rule_707)).years(FROM_2026),
    Rule::error("708", DoLo, "DOLO_START", "The DoLO starts on or before the child's date of birth.", Check::Row(&[NotAfter("DOLO_START", "DOB")])).years(FROM_2026),
    Rule::error("709", DoLo, "DOLO_START", "During a DoLO the child is in a placement type other than K2, Z12 or Z13.", Check::Rows(rule_709)).years(FROM_2026),
    Rule::error("710", DoLo, "DOLO_START", "During a DoLO the child cannot be placed in a secure children's home (K1), with parents (P1), in a young offender institution (R5) or in supported accommodation (K3).", Check::Rows(rule_710)).years(FROM_2026),
];

fn rule_705<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for ds in ctx.this.by_child(DoLo).values() {
        let mut ds = ds.to_vec();
        ds.retain(|d| date(d, "DOLO_START").is_some());
        ds.sort_by_key(|d| {
            let start = date(d, "DOLO_START");
            (date(d, "DOLO_END").or(start), start)
        });
        for pair in ds.windows(2) {
            let (prev, this) = (pair[0], pair[1]);
            let open = date(prev, "DOLO_END").is_none();
            let overlaps = matches!((date(this, "DOLO_START"), date(prev, "DOLO_END")), (Some(s), Some(e)) if s < e);
            if open || overlaps {
                out.push(this);
            }
        }
    }
    out
}

fn rule_706<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let now: HashSet<(&str, &str)> = ctx
        .this
        .rows(DoLo)
        .iter()
        .map(|d| (d.get("CHILD"), d.get("DOLO_START")))
        .collect();
    last.rows(DoLo)
        .iter()
        .filter(|d| d.get("DOLO_END").is_empty())
        .filter(|d| !now.contains(&(d.get("CHILD"), d.get("DOLO_START"))))
        .collect()
}

fn rule_707<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(DoLo)
        .iter()
        .filter(|d| {
            let Some(start) = date(d, "DOLO_START") else {
                return false;
            };
            let end = date(d, "DOLO_END");
            let list = super::missing::periods_of(ctx, d.get("CHILD"));
            if list.is_empty() {
                return false;
            }
            list.iter().all(|&(s, dec)| {
                (end.is_none() && dec.is_some())
                    || (end.is_none() && start < s)
                    || matches!((end, dec), (Some(e), Some(dec)) if e > dec)
                    || end.is_some_and(|e| e < s)
            })
        })
        .collect()
}

/// The DoLOs with both dates and the episodes they overlap whose placement
/// type `wrong` says is wrong: both rows.
fn placements_during<'a>(ctx: &Ctx<'a>, wrong: impl Fn(&str) -> bool) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    let mut out = Vec::new();
    for d in ctx.this.rows(DoLo) {
        let (Some(start), Some(end)) = (date(d, "DOLO_START"), date(d, "DOLO_END")) else {
            continue;
        };
        let Some(es) = eps.get(d.get("CHILD")) else {
            continue;
        };
        for e in es {
            let Some(decom) = date(e, "DECOM") else {
                continue;
            };
            let dec: Option<NaiveDate> = date(e, "DEC");
            let overlaps = dec.is_none_or(|x| start <= x) && end >= decom;
            if overlaps && wrong(e.get("PLACE")) {
                out.push(d);
                out.push(*e);
            }
        }
    }
    out
}

fn rule_709<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    placements_during(ctx, |p| !matches!(p, "K2" | "Z12" | "Z13"))
}

fn rule_710<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    placements_during(ctx, |p| matches!(p, "K1" | "P1" | "R5" | "K3"))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const EPS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn dolo(csv: &str) -> Vec<RawRow> {
        rows(
            Table::DoLo,
            &format!("CHILD,DOB,DOLO_START,DOLO_END\n{csv}"),
        )
    }

    fn f(code: &str, r: &[RawRow], t: Table) -> Vec<u64> {
        lines_flagged(code, "2026-27", r, None, t)
    }

    #[test]
    fn dolo_dates() {
        let r = dolo(
            "1,01/01/2012,01/05/2026,01/06/2026\n\
                      2,01/01/2012,,\n\
                      3,01/01/2012,01/05/2026,31/02/2027\n\
                      4,01/01/2012,01/06/2026,01/05/2026\n\
                      5,01/01/2012,01/05/2027,01/01/2026\n\
                      6,01/01/2012,01/01/2011,",
        );
        assert_eq!(f("700", &r, Table::DoLo), [3]);
        assert_eq!(f("701", &r, Table::DoLo), [4]);
        assert_eq!(f("702", &r, Table::DoLo), [5, 6]);
        assert_eq!(f("703", &r, Table::DoLo), [6]);
        assert_eq!(f("704", &r, Table::DoLo), [6]);
        assert_eq!(f("708", &r, Table::DoLo), [7]);
        // Not a 2025-26 rule.
        assert!(super::super::find_in("700", 2025).is_none());
    }

    #[test]
    fn dolos_in_order_and_against_last_year() {
        let r = dolo(
            "1,01/01/2012,01/05/2026,\n\
                      1,01/01/2012,01/06/2026,01/07/2026\n\
                      2,01/01/2012,01/05/2026,01/06/2026\n\
                      2,01/01/2012,01/06/2026,01/07/2026",
        );
        assert_eq!(f("705", &r, Table::DoLo), [3]);
        let last = dolo("1,01/01/2012,01/05/2026,\n3,01/01/2012,01/02/2026,");
        assert_eq!(
            lines_flagged("706", "2026-27", &r, Some(&last), Table::DoLo),
            [3]
        );
    }

    #[test]
    fn dolos_against_the_episodes() {
        let mut r = rows(
            Table::Episodes,
            &format!(
                "{EPS}\n1,01/04/2026,S,C2,N1,K2,PR1,01/05/2026,P1,,,,\n1,01/05/2026,P,C2,N1,K1,PR1,01/08/2026,E4A,,,,\n2,01/04/2026,S,C2,N1,Z12,PR1,,,,,,"
            ),
        );
        r.extend(dolo("1,01/01/2012,10/05/2026,01/06/2026\n1,01/01/2012,10/06/2026,\n2,01/01/2012,10/05/2026,01/06/2026"));
        assert_eq!(f("709", &r, Table::Episodes), [3]);
        assert_eq!(f("710", &r, Table::Episodes), [3]);
        assert_eq!(f("709", &r, Table::DoLo), [2]);
        // Child 1 left care on 1 August 2026 with a DoLO still open.
        assert_eq!(f("707", &r, Table::DoLo), [3]);
    }
}
