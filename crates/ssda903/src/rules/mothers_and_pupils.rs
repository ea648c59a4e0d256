//! The Header's motherhood items (MOTHER, MC_DOB) and unique pupil number
//! (UPN): against the child's sex, age and episodes, and last year's
//! return.

use foldhash::{HashMap, HashMapExt, HashSet};

use chrono::{Datelike, NaiveDate};

use super::{At, Check, Cmp, Cond::*, Ctx, RowsByChild, Rule, Years, date, plus_years};
use crate::problem::Severity::Warning;
use crate::raw::RawRow;
use crate::tables::Table::*;

/// The codes for a UPN not known.
const UN: &[&str] = &["UN1", "UN2", "UN3", "UN4", "UN5"];

pub(super) const RULES: &[Rule] = &[
    Rule::error("165", Header, "MOTHER", "Whether the child is a mother (MOTHER) is wrongly recorded: it must be 0 or 1, blank for a boy, and given for a girl looked after during the year (not only on short breaks).", Check::Rows(rule_165)),
    Rule::error("168", Header, "UPN", "The unique pupil number (UPN) is not valid: a letter (not I, O or S) and 12 digits, or 11 digits and a letter; UN1–UN5 when unknown.", Check::Rows(rule_168)),
    Rule::error("207", Header, "MOTHER", "The child was recorded as a mother (MOTHER 1) last year but is not this year.", Check::Rows(rule_207)).previous(),
    Rule::error("208", Header, "UPN", "The unique pupil number (UPN) differs from last year's (other than an unknown code becoming known, or UN1 becoming UN2–UN5).", Check::Rows(rule_208)).previous(),
    Rule::error("209", Header, "UPN", "The child is of school age (4 by 31 August before the collection year) and cannot have UPN code UN1.", Check::Rows(rule_209)),
    Rule::error("210", Header, "UPN", "The child was looked after for more than a week at 31 March, so the UPN cannot be UN4 (newly looked after).", Check::Rows(rule_210)),
    Rule::error("393", Header, "MOTHER", "The child is female and looked after (not only on short breaks) but whether she is a mother (MOTHER) is blank.", Check::Rows(rule_393)),
    Rule::error("442", Header, "UPN", "The unique pupil number (UPN) is blank for a child looked after (not only on short breaks); use UN1–UN5 when unknown.", Check::Rows(rule_442)),
    Rule::error("444", Header, "UPN", "The same unique pupil number (UPN) is given for more than one child.", Check::Rows(rule_444)).years(Years::from(2025)),
    Rule::error("607", Header, "MOTHER", "The child is female and stopped being looked after during the year, but whether she is a mother (MOTHER) is blank.", Check::Rows(rule_607)),
    Rule::error("611", Header, "MC_DOB", "The child is a mother (MOTHER 1) but the date of birth of her first child (MC_DOB) is blank.", Check::Row(&[In("MOTHER", &["1"]), Blank("MC_DOB")])),
    Rule::error("612", Header, "MC_DOB", "A date of birth of the first child (MC_DOB) is given but the child is not recorded as a mother.", Check::Row(&[BlankOrIn("MOTHER", &["0"]), In("SEX", &["2"]), Filled("MC_DOB")])).years(Years::until(2023)),
    Rule::error("612", Header, "MC_DOB", "A date of birth of the first child (MC_DOB) is given but the child is not recorded as a mother.", Check::Row(&[BlankOrIn("MOTHER", &["0"]), In("SEX", &["F"]), Filled("MC_DOB")])).years(Years::from(2024)),
    Rule::error("620", Header, "MOTHER", "The child is recorded as a mother but was under 11 at the start of the collection year.", Check::Row(&[In("MOTHER", &["1"]), Age(11, Cmp::Gt, At::Start)])),
    Rule::error("621", Header, "MC_DOB", "The date of birth of the mother's child (MC_DOB) is on or before the mother's own.", Check::Row(&[NotAfter("MC_DOB", "DOB")])),
    Rule::error("624", Header, "MC_DOB", "The date of birth of the first child (MC_DOB) differs from the one in last year's return.", Check::Rows(rule_624)).previous(),
    Rule::error("625", Header, "MC_DOB", "The date of birth of the first child (MC_DOB) is after the end of the collection year or after the mother stopped being looked after.", Check::Rows(rule_625)),
    Rule::error("626", Header, "MC_DOB", "The child is a mother this year but was not last year, yet her first child was born before this year.", Check::Rows(rule_626)).previous(),
    Rule::error("EPI", Header, "CHILD", "The child has no episodes and no care leaver information: the DfE's system needs episodes before it checks the child further.", Check::Rows(rule_epi)).severity(Warning),
    Rule::error("INT32", Header, "CHILD", "The child has more than one row in the Header.", Check::Repeated),
];

fn header<'a>(ctx: &Ctx<'a>, keep: impl Fn(&RawRow) -> bool) -> Vec<&'a RawRow> {
    ctx.this.rows(Header).iter().filter(|h| keep(h)).collect()
}

fn valid_upn(v: &str) -> bool {
    if UN.contains(&v) {
        return true;
    }
    let b = v.as_bytes();
    b.len() == 13
        && b[0].is_ascii_uppercase()
        && !matches!(b[0], b'I' | b'O' | b'S')
        && b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

fn rule_168<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    header(ctx, |h| {
        let v = h.get("UPN");
        !v.is_empty() && !valid_upn(v)
    })
}

/// Last year's Header rows by child.
fn last_headers<'a>(ctx: &Ctx<'a>) -> Option<RowsByChild<'a, 'a>> {
    ctx.last.map(|l| l.by_child(Header))
}

fn rule_207<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let before = last_headers(ctx);
    let eps = ctx.this.children(Episodes);
    header(ctx, |h| {
        eps.contains(h.get("CHILD"))
            && before
                .and_then(|b| b.get(h.get("CHILD")))
                .is_some_and(|ls| {
                    ls.iter()
                        .any(|l| l.get("MOTHER") == "1" && h.get("MOTHER") != "1")
                })
    })
}

fn rule_208<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let before = last_headers(ctx);
    header(ctx, |h| {
        let now = h.get("UPN").to_ascii_uppercase();
        before
            .and_then(|b| b.get(h.get("CHILD")))
            .is_some_and(|ls| {
                ls.iter().any(|l| {
                    let then = l.get("UPN").to_ascii_uppercase();
                    let differs = now != then;
                    let unknown_now = now.is_empty() || UN.contains(&now.as_str());
                    let unknown_then = then.is_empty() || UN.contains(&then.as_str());
                    let un1_to_other =
                        (then == "UN1" || then.is_empty()) && UN[1..].contains(&now.as_str());
                    let became_known = unknown_then && !unknown_now;
                    differs && !un1_to_other && !became_known
                })
            })
    })
}

fn rule_209<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let reference =
        NaiveDate::from_ymd_opt(ctx.start().year() - 1, 8, 31).unwrap_or(NaiveDate::MIN);
    header(ctx, |h| {
        h.get("UPN") == "UN1" && date(h, "DOB").is_some_and(|d| plus_years(d, 4) <= reference)
    })
}

fn rule_210<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let week_before = ctx.end() - chrono::Days::new(7);
    let eps = ctx.this.by_child(Episodes);
    header(ctx, |h| {
        if h.get("UPN") != "UN4" {
            return false;
        }
        let Some(es) = eps.get(h.get("CHILD")) else {
            return false;
        };
        let at_end = es.iter().any(|e| {
            date(e, "DECOM").is_some_and(|d| d <= ctx.end())
                && (e.get("DEC").is_empty() || date(e, "DEC").is_some_and(|d| d > ctx.end()))
        });
        let recent = es
            .iter()
            .any(|e| date(e, "DECOM").is_some_and(|d| d > week_before));
        at_end && !recent
    })
}

/// Whether a Header SEX is female in the rule set's year (2 up to
/// 2023-24, F from 2024-25).
fn female(ctx: &Ctx, sex: &str) -> bool {
    sex == if ctx.rules_year >= 2024 { "F" } else { "2" }
}

/// Whether a Header SEX is male in the rule set's year (1 up to 2023-24, M
/// from 2024-25).
fn male(ctx: &Ctx, sex: &str) -> bool {
    sex == if ctx.rules_year >= 2024 { "M" } else { "1" }
}

/// DfE 165: "If provided <MOTHER> must be a valid value (and child must be
/// female). If not provided <MOTHER> then either <GENDER> is male or no
/// episode record for current year and any of <IN_TOUCH>, <ACTIV> or
/// <ACCOM> have been provided": a MOTHER other than 0 or 1, a MOTHER for a
/// boy, or no MOTHER for a girl looked after during the year. A girl with no
/// episode in the year is a care leaver, whose MOTHER is 628's business.
fn rule_165<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let during = ctx.looked_after_in_year(false);
    header(ctx, |h| {
        let (mother, sex) = (h.get("MOTHER"), h.get("SEX"));
        if mother.is_empty() {
            female(ctx, sex) && during.contains(h.get("CHILD"))
        } else {
            !matches!(mother, "0" | "1") || male(ctx, sex)
        }
    })
}

/// The children with an episode that is not a short break.
fn looked_after<'a>(ctx: &Ctx<'a>) -> HashSet<&'a str> {
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| !matches!(e.get("LS"), "V3" | "V4"))
        .map(|e| e.get("CHILD"))
        .collect()
}

fn rule_393<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let la = looked_after(ctx);
    header(ctx, |h| {
        female(ctx, h.get("SEX")) && h.get("MOTHER").is_empty() && la.contains(h.get("CHILD"))
    })
}

fn rule_442<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let la = looked_after(ctx);
    header(ctx, |h| {
        h.get("UPN").is_empty() && la.contains(h.get("CHILD"))
    })
}

fn rule_444<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for h in ctx.this.rows(Header) {
        let upn = h.get("UPN");
        if !upn.is_empty() && !UN.contains(&upn) {
            *count.entry(upn).or_default() += 1;
        }
    }
    header(ctx, |h| count.get(h.get("UPN")).is_some_and(|n| *n > 1))
}

fn rule_607<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let heads = ctx.this.by_child(Header);
    let mut out = Vec::new();
    for e in ctx.this.rows(Episodes) {
        let rec = e.get("REC");
        let ceased = !rec.is_empty()
            && rec != "X1"
            && date(e, "DEC").is_some_and(|d| d >= ctx.start() && d <= ctx.end())
            && !matches!(e.get("LS"), "V3" | "V4");
        if !ceased {
            continue;
        }
        for h in heads.get(e.get("CHILD")).into_iter().flatten() {
            if female(ctx, h.get("SEX")) && h.get("MOTHER").is_empty() {
                out.push(*h);
                out.push(e);
            }
        }
    }
    out
}

fn rule_624<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let before = last_headers(ctx);
    header(ctx, |h| {
        before
            .and_then(|b| b.get(h.get("CHILD")))
            .is_some_and(|ls| {
                ls.iter()
                    .any(|l| !l.get("MC_DOB").is_empty() && l.get("MC_DOB") != h.get("MC_DOB"))
            })
    })
}

fn rule_625<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let latest_dec: HashMap<&str, (&RawRow, NaiveDate)> = {
        let mut m: HashMap<&str, (&RawRow, NaiveDate)> = HashMap::new();
        for e in ctx.this.rows(Episodes) {
            if let Some(d) = date(e, "DEC") {
                let slot = m.entry(e.get("CHILD")).or_insert((e, d));
                if d > slot.1 {
                    *slot = (e, d);
                }
            }
        }
        m
    };
    let mut out = Vec::new();
    for h in ctx.this.rows(Header) {
        let Some(mc) = date(h, "MC_DOB") else {
            continue;
        };
        if mc > ctx.end() {
            out.push(h);
        }
        if let Some((e, dec)) = latest_dec.get(h.get("CHILD"))
            && mc > *dec
        {
            out.push(h);
            out.push(*e);
        }
    }
    out
}

fn rule_626<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let before = last_headers(ctx);
    header(ctx, |h| {
        h.get("MOTHER") == "1"
            && date(h, "MC_DOB").is_some_and(|d| d < ctx.start())
            && before
                .and_then(|b| b.get(h.get("CHILD")))
                .is_some_and(|ls| ls.iter().any(|l| l.get("MOTHER") == "0"))
    })
}

fn rule_epi<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let (eps, oc3) = (ctx.this.children(Episodes), ctx.this.children(Oc3));
    header(ctx, |h| {
        !eps.contains(h.get("CHILD")) && !oc3.contains(h.get("CHILD"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB";
    const EPS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn ret(header: &str, eps: &str) -> Vec<RawRow> {
        let mut r = rows(Table::Header, &format!("{HEADER}\n{header}"));
        r.extend(rows(Table::Episodes, &format!("{EPS}\n{eps}")));
        r
    }

    fn f(code: &str, r: &[RawRow], last: Option<&[RawRow]>) -> Vec<u64> {
        lines_flagged(code, "2025-26", r, last, Table::Header)
    }

    #[test]
    fn pupil_numbers() {
        let r = ret(
            "1,F,01/01/2010,WBRI,A12345678901B,0,\n\
             2,M,01/01/2010,WBRI,I12345678901B,,\n\
             3,M,01/01/2010,WBRI,UN1,,\n\
             4,M,01/01/2010,WBRI,UN4,,\n\
             5,M,01/01/2010,WBRI,,,\n\
             6,M,01/01/2010,WBRI,A12345678901B,,\n\
             7,M,01/01/2024,WBRI,UN1,,",
            "1,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n4,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n5,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n7,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n8,01/01/2025,S,V3,N1,U1,PR1,,,,,,",
        );
        assert_eq!(f("168", &r, None), [3]);
        assert_eq!(f("209", &r, None), [4]);
        assert_eq!(f("210", &r, None), [5]);
        assert_eq!(f("442", &r, None), [6]);
        assert_eq!(f("444", &r, None), [2, 7]);
        assert_eq!(f("EPI", &r, None), [3, 4, 7]);
        assert!(f("INT32", &r, None).is_empty());
    }

    #[test]
    fn mothers() {
        let r = ret(
            "1,F,01/01/2008,WBRI,UN1,1,01/01/2024\n\
             2,F,01/01/2008,WBRI,UN1,,\n\
             3,F,01/01/2008,WBRI,UN1,1,\n\
             4,F,01/01/2008,WBRI,UN1,0,01/01/2024\n\
             5,F,01/01/2016,WBRI,UN1,1,01/01/2016\n\
             6,F,01/01/2008,WBRI,UN1,1,01/01/2027",
            "1,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n2,01/01/2025,S,C2,N1,U1,PR1,01/02/2026,E4A,,,,\n6,01/01/2025,S,C2,N1,U1,PR1,01/02/2026,E4A,,,,",
        );
        assert_eq!(f("393", &r, None), [3]);
        assert_eq!(f("607", &r, None), [3]);
        assert_eq!(f("611", &r, None), [4]);
        assert_eq!(f("612", &r, None), [5]);
        assert_eq!(f("620", &r, None), [6]);
        assert_eq!(f("621", &r, None), [6]);
        assert_eq!(f("625", &r, None), [7]);
        // SEX 2 was female up to 2023-24.
        let old = ret("1,2,01/01/2008,WBRI,UN1,0,01/01/2024", "");
        assert_eq!(
            lines_flagged("612", "2023-24", &old, None, Table::Header),
            [2]
        );
    }

    #[test]
    fn mother_status() {
        // 1: a mother; 2: a girl in care in the year with no MOTHER; 3: a
        // value outside 0/1; 4: a boy with MOTHER; 5: a girl whose only
        // episode ended before the year; 6: a boy with none; 7: a girl on
        // short breaks only.
        let r = ret(
            "1,F,01/01/2008,WBRI,UN1,1,01/01/2024\n\
             2,F,01/01/2008,WBRI,UN1,,\n\
             3,F,01/01/2008,WBRI,UN1,2,\n\
             4,M,01/01/2008,WBRI,UN1,0,\n\
             5,F,01/01/2008,WBRI,UN1,,\n\
             6,M,01/01/2008,WBRI,UN1,,\n\
             7,F,01/01/2008,WBRI,UN1,,",
            "1,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n\
             2,01/01/2025,S,C2,N1,U1,PR1,01/05/2025,E4A,,,,\n\
             3,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n\
             4,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n\
             5,01/01/2024,S,C2,N1,U1,PR1,01/03/2025,E4A,,,,\n\
             6,01/01/2025,S,C2,N1,U1,PR1,,,,,,\n\
             7,01/01/2025,S,V3,N1,U1,PR1,,,,,,",
        );
        assert_eq!(f("165", &r, None), [3, 4, 5]);
        // Up to 2023-24 SEX was 1 (male) or 2 (female).
        let old = ret(
            "1,2,01/01/2008,WBRI,UN1,,\n2,1,01/01/2008,WBRI,UN1,1,\n3,M,01/01/2008,WBRI,UN1,1,",
            "1,01/01/2024,S,C2,N1,U1,PR1,,,,,,",
        );
        assert_eq!(
            lines_flagged("165", "2023-24", &old, None, Table::Header),
            [2, 3]
        );
    }

    #[test]
    fn against_last_year() {
        let last = ret(
            "1,F,01/01/2008,WBRI,UN1,1,01/01/2024\n2,F,01/01/2008,WBRI,A12345678901B,0,\n3,F,01/01/2008,WBRI,UN1,0,\n4,F,01/01/2008,WBRI,UN1,0,",
            "",
        );
        let this = ret(
            "1,F,01/01/2008,WBRI,UN1,0,01/02/2024\n2,F,01/01/2008,WBRI,B12345678901B,0,\n3,F,01/01/2008,WBRI,A12345678901B,1,01/01/2024\n4,F,01/01/2008,WBRI,UN2,0,",
            "1,01/01/2025,S,C2,N1,U1,PR1,,,,,,",
        );
        assert_eq!(f("207", &this, Some(&last)), [2]);
        assert_eq!(f("208", &this, Some(&last)), [3]);
        assert_eq!(f("624", &this, Some(&last)), [2]);
        assert_eq!(f("626", &this, Some(&last)), [4]);
    }
}
