//! Unaccompanied asylum-seeking children (the UASC table).

use chrono::NaiveDate;

use super::{Check, Ctx, Rule, Tables, date, plus_years};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::RawRow;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "104",
        Uasc,
        "DUC",
        "The date UASC status ceased (DUC) is not a valid date.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "304",
        Uasc,
        "DUC",
        "UASC status ceased (DUC) after the child's 18th birthday; it must be on or before it.",
        Check::Records,
    )
    .severity(Warning),
    Rule::error("105", Header, "UASC", "The child's UASC status (UASC) must be 0 or 1 (XML returns, where the Header has it).", Check::Rows(rule_105)),
    Rule::error("303", Uasc, "DUC", "A date UASC status ceased (DUC) is given but the child is not recorded as UASC (UASC 1).", Check::Rows(rule_303)),
    Rule::error("205A", Header, "UASC", "The child was UASC last year and is not this year, but the dates UASC status ceased do not show it ending during last year.", Check::Rows(rule_205a)).previous(),
    Rule::error("205B", Uasc, "DUC", "The child is UASC this year and last year, but the dates UASC status ceased do not agree (last year's must be the 18th birthday; this year's in this year or the same as last year's).", Check::Rows(rule_205b)).previous(),
    Rule::error("205C", Uasc, "DUC", "The child is UASC neither this year nor last, but a date UASC status ceased is given.", Check::Rows(rule_205c)).previous(),
    Rule::error("205D", Header, "UASC", "The child is UASC this year but was not recorded as UASC in last year's return.", Check::Rows(rule_205d)).previous(),
    Rule::error("231", Header, "DOB", "The child is UASC but under 11 at the end of the year: UASC are generally older, so check the date of birth (if it is right, the DfE asks for a bypass request).", Check::Rows(rule_231)).years(super::Years::from(2024)).severity(Warning),
    Rule::error("INT21", Uasc, "SEX", "The child's sex in the UASC table differs from the Header.", Check::Rows(rule_int21)),
    Rule::error("INT36", Uasc, "CHILD", "The child has more than one row in the UASC table.", Check::Repeated),
];

/// A child's UASC status in a return, as the DfE's validator works it out:
/// its Header's own UASC (XML returns) or, for CSV returns with a UASC
/// table, whether the child has a row in it; the child's last Header row
/// counts. `None` for a child not in the Header or with no status. (Looked
/// up in the tables' rows by child, made once, rather than a map of every
/// child's status for each rule: two of those at a time were the peak of a
/// validation with last year's return.)
fn status(t: &Tables<'_>, child: &str) -> Option<bool> {
    let h = t.by_child(Header).get(child)?.last()?;
    if h.has("UASC") {
        Some(h.get("UASC") == "1")
    } else if t.has(Uasc) {
        Some(t.by_child(Uasc).contains_key(child))
    } else {
        None
    }
}

fn rule_231<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Header)
        .iter()
        .filter(|h| {
            status(ctx.this, h.get("CHILD")) == Some(true)
                && date(h, "DOB").is_some_and(|d| plus_years(d, 11) > ctx.end())
        })
        .collect()
}

fn rule_105<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Header)
        .iter()
        .filter(|h| h.has("UASC") && !matches!(h.get("UASC"), "0" | "1"))
        .collect()
}

fn rule_303<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let headers = ctx.this.by_child(Header);
    let mut out = Vec::new();
    for u in ctx.this.rows(Uasc) {
        let child = u.get("CHILD");
        if !u.get("DUC").is_empty() && status(ctx.this, child) == Some(false) {
            out.push(u);
            out.extend(headers.get(child).into_iter().flatten().copied());
        }
    }
    out
}

/// This year's and last year's statuses and last year's DUC, by child.
struct Years<'c, 'a> {
    this: &'c Tables<'a>,
    last: &'c Tables<'a>,
}

impl<'a> Years<'_, 'a> {
    fn now(&self, child: &str) -> Option<bool> {
        status(self.this, child)
    }

    fn then(&self, child: &str) -> Option<bool> {
        status(self.last, child)
    }

    /// Last year's DUC as written, as a date, and the DOB of the child's
    /// (last) UASC row.
    fn duc_then(&self, child: &str) -> Option<(&'a str, Option<NaiveDate>, Option<NaiveDate>)> {
        let u = self.last.by_child(Uasc).get(child)?.last()?;
        Some((u.get("DUC"), date(u, "DUC"), date(u, "DOB")))
    }
}

fn years<'c, 'a>(ctx: &'c Ctx<'a>) -> Option<Years<'c, 'a>> {
    Some(Years {
        this: ctx.this,
        last: ctx.last?,
    })
}

fn rule_205a<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(y) = years(ctx) else {
        return Vec::new();
    };
    let (start_last, end_last) = (plus_years_back(ctx.start()), plus_years_back(ctx.end()));
    let ducs = ctx.this.by_child(Uasc);
    let mut out = Vec::new();
    for h in ctx.this.rows(Header) {
        let child = h.get("CHILD");
        if y.now(child) != Some(false) || y.then(child) != Some(true) {
            continue;
        }
        let now_duc = ducs
            .get(child)
            .is_some_and(|us| us.iter().any(|u| !u.get("DUC").is_empty()));
        let ended_last_year = y
            .duc_then(child)
            .and_then(|d| d.1)
            .is_some_and(|d| d >= start_last && d <= end_last);
        if now_duc || !ended_last_year {
            out.push(h);
            out.extend(ducs.get(child).into_iter().flatten().copied());
        }
    }
    out
}

/// The same day a year earlier.
fn plus_years_back(d: NaiveDate) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(12))
        .unwrap_or(NaiveDate::MIN)
}

fn rule_205b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(y) = years(ctx) else {
        return Vec::new();
    };
    ctx.this
        .rows(Uasc)
        .iter()
        .filter(|u| {
            let child = u.get("CHILD");
            if y.now(child) != Some(true) || y.then(child) != Some(true) {
                return false;
            }
            let (duc_last, dob_last) = y.duc_then(child).map_or((None, None), |d| (d.1, d.2));
            let duc = date(u, "DUC");
            let in_year = duc.is_some_and(|d| d >= ctx.start() && d <= ctx.end());
            let same = duc.is_some() && duc == duc_last;
            let last_is_18th =
                matches!((duc_last, dob_last), (Some(d), Some(b)) if d == plus_years(b, 18));
            (!in_year && !same) || !last_is_18th
        })
        .collect()
}

fn rule_205c<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(y) = years(ctx) else {
        return Vec::new();
    };
    ctx.this
        .rows(Uasc)
        .iter()
        .filter(|u| {
            let child = u.get("CHILD");
            let never = y.now(child) != Some(true) && y.then(child) != Some(true);
            let duc =
                !u.get("DUC").is_empty() || y.duc_then(child).is_some_and(|d| !d.0.is_empty());
            never && duc
        })
        .collect()
}

fn rule_205d<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(y) = years(ctx) else {
        return Vec::new();
    };
    ctx.this
        .rows(Header)
        .iter()
        .filter(|h| {
            let child = h.get("CHILD");
            y.now(child) == Some(true) && y.then(child) == Some(false)
        })
        .collect()
}

fn rule_int21<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let headers = ctx.this.by_child(Header);
    ctx.this
        .rows(Uasc)
        .iter()
        .filter(|u| {
            let sex = u.get("SEX");
            !sex.is_empty()
                && headers.get(u.get("CHILD")).is_some_and(|hs| {
                    hs.iter()
                        .any(|h| !h.get("SEX").is_empty() && h.get("SEX") != sex)
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB";

    fn ret(header: &str, uasc: &str) -> Vec<RawRow> {
        let mut r = rows(Table::Header, &format!("{HEADER}\n{header}"));
        r.extend(rows(Table::Uasc, &format!("CHILD,SEX,DOB,DUC\n{uasc}")));
        r
    }

    #[test]
    fn uasc_this_year() {
        let r = ret(
            "1,M,01/01/2008,WBRI,,,\n2,F,01/01/2008,WBRI,,,",
            "1,M,01/01/2008,01/01/2026\n2,M,01/01/2008,\n2,F,01/01/2008,",
        );
        let f = |code: &str| lines_flagged(code, "2024-25", &r, None, Table::Uasc);
        assert_eq!(f("INT21"), [3]);
        let young = ret(
            "1,M,01/01/2015,WBRI,,,\n2,M,01/01/2008,WBRI,,,",
            "1,M,01/01/2015,\n2,M,01/01/2008,",
        );
        assert_eq!(
            lines_flagged("231", "2024-25", &young, None, Table::Header),
            [2]
        );
        assert_eq!(f("INT36"), [3, 4]);
        // A CSV return: the UASC table says who is UASC.
        assert!(f("303").is_empty());
        assert!(lines_flagged("105", "2024-25", &r, None, Table::Header).is_empty());
        let mut xml = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,UASC\n1,M,01/01/2008,WBRI,,,,0\n2,M,01/01/2008,WBRI,,,,2\n3,M,01/01/2008,WBRI,,,,1",
        );
        xml.extend(rows(
            Table::Uasc,
            "CHILD,SEX,DOB,DUC\n1,M,01/01/2008,01/01/2026\n3,M,01/01/2008,01/01/2026",
        ));
        assert_eq!(
            lines_flagged("105", "2024-25", &xml, None, Table::Header),
            [3]
        );
        assert_eq!(
            lines_flagged("303", "2024-25", &xml, None, Table::Uasc),
            [2]
        );
    }

    #[test]
    fn uasc_against_last_year() {
        // 1: UASC both years, DUC the 18th birthday both years (fine).
        // 2: UASC last year only, DUC last year outside last year (205A).
        // 3: UASC this year only (205D).
        // 4: UASC both years, last year's DUC not the 18th birthday (205B).
        let last = ret(
            "1,M,01/01/2008,WBRI,,,\n2,M,01/01/2008,WBRI,,,\n3,M,01/01/2009,WBRI,,,\n4,M,01/01/2008,WBRI,,,",
            "1,M,01/01/2008,01/01/2026\n2,M,01/01/2008,01/01/2026\n4,M,01/01/2008,01/02/2026",
        );
        let this = ret(
            "1,M,01/01/2008,WBRI,,,\n2,M,01/01/2008,WBRI,,,\n3,M,01/01/2009,WBRI,,,\n4,M,01/01/2008,WBRI,,,",
            "1,M,01/01/2008,01/01/2026\n3,M,01/01/2009,01/01/2027\n4,M,01/01/2008,01/02/2026",
        );
        let f = |code: &str, t: Table| lines_flagged(code, "2025-26", &this, Some(&last), t);
        assert_eq!(f("205A", Table::Header), [3]);
        assert_eq!(f("205D", Table::Header), [4]);
        assert_eq!(f("205B", Table::Uasc), [4]);
        assert!(f("205C", Table::Uasc).is_empty());
        let mut xml_last = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,UASC\n1,M,01/01/2008,WBRI,,,,0",
        );
        xml_last.extend(rows(Table::Uasc, "CHILD,SEX,DOB,DUC"));
        let mut xml = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,UASC\n1,M,01/01/2008,WBRI,,,,0",
        );
        xml.extend(rows(
            Table::Uasc,
            "CHILD,SEX,DOB,DUC\n1,M,01/01/2008,01/01/2026",
        ));
        assert_eq!(
            lines_flagged("205C", "2025-26", &xml, Some(&xml_last), Table::Uasc),
            [2]
        );
    }
}
