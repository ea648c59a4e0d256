//! Care leavers (OC3) and permanence before care (PrevPerm): who should
//! have care leaver information, and what it may say.

use foldhash::{HashMap, HashSet, HashSetExt};

use chrono::{Datelike, NaiveDate};

use super::{At, Check, Cmp, Cond::*, Ctx, Rule, Years, date, plus_years};
use crate::problem::Severity::Warning;
use crate::raw::RawRow;
use crate::tables::Table::*;

/// The care leaver items of OC3.
pub(super) const OC3_ITEMS: &[&str] = &["IN_TOUCH", "ACTIV", "ACCOM"];
/// The adoption items of AD1.
pub(super) const AD1_ITEMS: &[&str] = &[
    "DATE_INT",
    "DATE_MATCH",
    "FOSTER_CARE",
    "NB_ADOPTR",
    "SEX_ADOPTR",
    "LS_ADOPTR",
];
/// The items of OC2 for children looked after for 12 months.
const OC2_ITEMS: &[&str] = &[
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
];

/// The local authority codes (and the codes for outside England) LA_PERM
/// may hold, as the DfE's validator lists them.
const LA_CODES: &[&str] = &[
    "800", "889", "822", "301", "304", "303", "330", "825", "837", "302", "846", "370", "350",
    "890", "867", "380", "305", "801", "351", "873", "823", "895", "896", "381", "909", "202",
    "908", "331", "306", "841", "830", "831", "878", "371", "835", "332", "840", "307", "308",
    "811", "881", "845", "390", "916", "203", "876", "850", "311", "204", "884", "312", "205",
    "313", "805", "919", "310", "309", "420", "921", "206", "207", "886", "810", "382", "314",
    "340", "888", "208", "856", "383", "855", "209", "925", "341", "201", "821", "352", "806",
    "887", "826", "315", "929", "812", "391", "926", "892", "813", "802", "928", "891", "392",
    "316", "815", "353", "931", "879", "836", "851", "874", "807", "354", "317", "870", "318",
    "372", "857", "333", "935", "343", "803", "373", "342", "893", "356", "355", "871", "394",
    "334", "933", "882", "936", "861", "852", "319", "860", "808", "393", "866", "210", "357",
    "894", "883", "880", "358", "211", "937", "869", "320", "359", "865", "384", "335", "336",
    "212", "868", "872", "885", "344", "877", "213", "938", "816", "999", "WAL", "SCO", "NUK",
    "NIR",
];

pub(super) const RULES: &[Rule] = &[
    Rule::error("134", Ad1, "DATE_INT", "Adoption information (AD1) is given for a child who also has care leaver information (OC3): a child is in one cohort or the other.", Check::Rows(rule_134)),
    Rule::error("153", Oc3, "IN_TOUCH", "The care leaver items IN_TOUCH, ACTIV and ACCOM must all be filled in or all be blank.", Check::Row(&[AnyFilled(OC3_ITEMS), AnyBlank(OC3_ITEMS)])),
    Rule::error("187", Oc3, "IN_TOUCH", "The child was looked after continuously for 12 months at 31 March (the OC2 cohort), so adoption (AD1) and care leaver (OC3) items must be blank.", Check::Rows(rule_187)),
    Rule::error("215", Oc3, "IN_TOUCH", "The child has care leaver information (OC3) and also OC2 items for children looked after for 12 months: they cannot be in both.", Check::Rows(rule_215)),
    Rule::error("344", Oc3, "ACTIV", "The young person has died (DIED) or returned home for six months or more (RHOM), so activity and accommodation must be 0.", Check::Row(&[In("IN_TOUCH", &["DIED", "RHOM"]), Any(&[NotIn("ACTIV", &["0"]), NotIn("ACCOM", &["0"])])])),
    Rule::error("345", Oc3, "ACTIV", "The council is in touch with the young person (YES), so activity and accommodation cannot be 0.", Check::Row(&[In("IN_TOUCH", &["YES"]), Any(&[In("ACTIV", &["0"]), In("ACCOM", &["0"])])])),
    Rule::error("347", Oc3, "ACCOM", "A care leaver under 18 at the start of the year cannot be accommodated in a Foyer (ACCOM T).", Check::Row(&[In("ACCOM", &["T"]), Age(18, Cmp::Gt, At::Start)])),
    Rule::error("348", Oc3, "IN_TOUCH", "The care leaver was reported as having died (DIED) in last year's return, but this year's IN_TOUCH is not DIED.", Check::Rows(rule_348)).years(Years::from(2025)).previous(),
    Rule::error("391", Oc3, "IN_TOUCH", "Care leaver information is given for a young person not yet 17 at the end of the year.", Check::Row(&[Age(17, Cmp::Gt, At::End), AnyFilled(OC3_ITEMS)])),
    Rule::error("1000", Oc3, "IN_TOUCH", "The child died in care (an episode ended E2, this year or last), so there should be no care leaver information.", Check::Rows(rule_1000)),
    Rule::error("1001", Oc3, "IN_TOUCH", "Care leaver information is given, but the young person's episodes (this year's and last year's) do not make them a relevant or former relevant child: looked after for at least 13 weeks since their 14th birthday and at least a day since their 16th, and not adopted. Only two years of episodes are seen, so check earlier ones before changing anything.", Check::Rows(rule_1001)).severity(Warning).previous(),
    Rule::error("1002", Oc3, "IN_TOUCH", "The young person has no episodes this year or last, so there should be no care leaver information.", Check::Rows(rule_1002)).previous(),
    Rule::error("1007", Oc3, "IN_TOUCH", "Care leaver information is not required for a 17- or 18-year-old who was still looked after on their 17th or 18th birthday.", Check::Rows(rule_1007)),
    Rule::error("1010", Oc3, "IN_TOUCH", "Care leaver information is given for a young person with no episodes this year although their last episode in last year's return was open.", Check::Rows(rule_1010)).previous(),
    Rule::error("1011", Oc3, "IN_TOUCH", "The child's last episode ended with care transferred to another council (E3), so there should be no care leaver information.", Check::Rows(rule_1011)),
    Rule::error("1012", PlacedAdoption, "CHILD", "The child has care leaver information (OC3) and no episodes this year, so there should be no placed-for-adoption, missing, review, AD1, previous permanence or OC2 rows.", Check::Rows(rule_1012)),
    Rule::error("1014", Uasc, "DUC", "UASC information is not required for a care leaver (care leaver information given, not looked after during the year).", Check::Rows(rule_1014)),
    Rule::error("1016", Oc3, "IN_TOUCH", "Care leaver information is not required for a 17- or 18-year-old who stopped being looked after on or after their 17th (or 18th) birthday.", Check::Rows(rule_1016)),
    Rule::error("3001", Oc3, "ACCOM", "A young person whose 17th birthday is in the year cannot be recorded as living with their former foster carers (ACCOM Z1/Z2).", Check::Row(&[In("ACCOM", &["Z1", "Z2"]), Age(17, Cmp::Ge, At::Start), Age(17, Cmp::Le, At::End)])),
    Rule::error("628", Header, "MOTHER", "Motherhood details (MOTHER) are not required for a care leaver who was not looked after during the year.", Check::Rows(rule_628)),
    Rule::error("630", Episodes, "RNE", "The child started to be looked after this year (RNE S), so previous permanence information (PrevPerm, with LA_PERM and DATE_PERM unless PREV_PERM is Z1) must be given.", Check::Rows(rule_630)),
    Rule::error("632", PrevPerm, "DATE_PERM", "The date of the previous permanence order (DATE_PERM) is not a valid date, or is not before the child's first episode.", Check::Rows(rule_632)),
    Rule::error("633", PrevPerm, "LA_PERM", "The council where the previous permanence option was arranged (LA_PERM) is not a valid council code (or WAL, SCO, NIR, NUK).", Check::Row(&[Filled("LA_PERM"), NotIn("LA_PERM", LA_CODES)])),
    Rule::error("634", PrevPerm, "PREV_PERM", "Previous permanence information is given, but none of the child's episodes started after 1 April 2016.", Check::Rows(rule_634)),
    Rule::error("635", PrevPerm, "PREV_PERM", "The date of order or the council of the previous permanence option is given, but the permanence code is Z1 (none) or blank.", Check::Row(&[AnyFilled(&["LA_PERM", "DATE_PERM"]), BlankOrIn("PREV_PERM", &["Z1"])])),
    Rule::error("INT34", Oc3, "CHILD", "The child has more than one row in OC3.", Check::Repeated),
    Rule::error("INT35", PrevPerm, "CHILD", "The child has more than one row in PrevPerm.", Check::Repeated),
];

pub(super) fn any_filled(r: &RawRow, cols: &[&str]) -> bool {
    cols.iter().any(|c| !r.get(c).is_empty())
}

/// The children with care leaver information (an OC3 row with an item
/// filled in).
fn care_leavers<'a>(ctx: &Ctx<'a>) -> HashSet<&'a str> {
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| any_filled(r, OC3_ITEMS))
        .map(|r| r.get("CHILD"))
        .collect()
}

/// The OC3 rows with an item filled in whose child `pick`s.
fn oc3_where<'a>(ctx: &Ctx<'a>, pick: impl Fn(&RawRow) -> bool) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| any_filled(r, OC3_ITEMS) && pick(r))
        .collect()
}

fn rule_134<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let leavers = care_leavers(ctx);
    ctx.this
        .rows(Ad1)
        .iter()
        .filter(|r| any_filled(r, AD1_ITEMS) && leavers.contains(r.get("CHILD")))
        .collect()
}

fn rule_187<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let cla = |r: &RawRow| ctx.continuously.contains(r.get("CHILD"));
    let mut out = oc3_where(ctx, cla);
    out.extend(
        ctx.this
            .rows(Ad1)
            .iter()
            .filter(|r| any_filled(r, AD1_ITEMS) && cla(r)),
    );
    out
}

fn rule_215<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let oc2: Vec<&RawRow> = ctx
        .this
        .rows(Oc2)
        .iter()
        .filter(|r| any_filled(r, OC2_ITEMS))
        .collect();
    let with_oc2: HashSet<&str> = oc2.iter().map(|r| r.get("CHILD")).collect();
    let leavers = care_leavers(ctx);
    let mut out = oc3_where(ctx, |r| with_oc2.contains(r.get("CHILD")));
    out.extend(oc2.into_iter().filter(|r| leavers.contains(r.get("CHILD"))));
    out
}

fn rule_348<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let died: HashSet<&str> = last
        .rows(Oc3)
        .iter()
        .filter(|r| r.get("IN_TOUCH") == "DIED")
        .map(|r| r.get("CHILD"))
        .collect();
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| died.contains(r.get("CHILD")) && r.get("IN_TOUCH") != "DIED")
        .collect()
}

fn rule_1000<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut died: HashSet<&str> = HashSet::new();
    for t in std::iter::once(ctx.this).chain(ctx.last) {
        died.extend(
            t.rows(Episodes)
                .iter()
                .filter(|e| e.get("REC").eq_ignore_ascii_case("E2"))
                .map(|e| e.get("CHILD")),
        );
    }
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| died.contains(r.get("CHILD")))
        .collect()
}

/// DfE 1001: care leaver information only for a relevant or former relevant
/// child (looked after for 13 weeks, 91 days, since the 14th birthday and
/// for at least a day since the 16th, short breaks not counted), and not
/// for an adopted child (the latest episode ended E11 or E12). Only this
/// year's and last year's episodes can be seen: an episode in both counts
/// once (the row with an end date), the latest open episode runs to 31
/// March. Young people with no episodes in either year (1002's) and those
/// 20 or older at 31 March, whose care may be older than both returns, are
/// left out, as the DfE's validator means to.
fn rule_1001<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    // A care leaver's episodes of both years, one for each DECOM (the first
    // with a DEC, else the first), by DECOM: worked out for the OC3 rows'
    // children only, from the tables' rows by child (a map of every child's
    // episodes of both years was a validation's largest item at its peak).
    let episodes_of = |child: &str| {
        let mut by_start: Vec<(Option<NaiveDate>, &'a RawRow)> = Vec::new();
        let this = ctx.this.by_child(Episodes).get(child).unwrap_or_default();
        let before = last.by_child(Episodes).get(child).unwrap_or_default();
        for &e in this.iter().chain(before) {
            let start = date(e, "DECOM");
            match by_start.iter_mut().find(|(s, _)| *s == start) {
                Some(slot) => {
                    if date(slot.1, "DEC").is_none() && date(e, "DEC").is_some() {
                        slot.1 = e;
                    }
                }
                None => by_start.push((start, e)),
            }
        }
        let mut es: Vec<(NaiveDate, &'a RawRow)> = by_start
            .into_iter()
            .filter_map(|(d, e)| Some((d?, e)))
            .collect();
        es.sort_by_key(|(d, _)| *d);
        es
    };
    let end = ctx.end();
    oc3_where(ctx, |r| {
        let Some(dob) = ctx.dob(r) else {
            return false;
        };
        if plus_years(dob, 20) <= end {
            return false;
        }
        let es = episodes_of(r.get("CHILD"));
        let Some(&(_, latest)) = es.last() else {
            return false;
        };
        if matches!(latest.get("REC"), "E11" | "E12") {
            return true;
        }
        let days_since = |birthday: NaiveDate| -> i64 {
            es.iter()
                .filter(|(_, e)| !matches!(e.get("LS"), "V3" | "V4"))
                .filter_map(|(start, e)| {
                    let stop = match date(e, "DEC") {
                        Some(d) => d,
                        None if std::ptr::eq(*e, latest) => end,
                        None => return None,
                    };
                    Some((stop - (*start).max(birthday)).num_days().max(0))
                })
                .sum()
        };
        days_since(plus_years(dob, 14)) < 91 || days_since(plus_years(dob, 16)) < 1
    })
}

fn rule_1002<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let (now, before) = (ctx.this.children(Episodes), last.children(Episodes));
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| !now.contains(r.get("CHILD")) && !before.contains(r.get("CHILD")))
        .collect()
}

/// The young person's latest birthday on or before `end`.
fn latest_birthday(dob: NaiveDate, end: NaiveDate) -> NaiveDate {
    let years = (end.year() - dob.year()).max(0) as u32;
    let b = plus_years(dob, years);
    if b > end && years > 0 {
        plus_years(dob, years - 1)
    } else {
        b
    }
}

fn rule_1007<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    let end = ctx.end();
    oc3_where(ctx, |r| {
        let Some(dob) = date(r, "DOB") else {
            return false;
        };
        if !(plus_years(dob, 17) <= end && plus_years(dob, 19) > end) {
            return false;
        }
        let bday = latest_birthday(dob, end);
        // Looked after on the birthday: an episode started on or before it
        // and ended after it, or not ended (the DfE's validator leaves
        // open episodes out).
        eps.get(r.get("CHILD")).is_some_and(|es| {
            es.iter().any(|e| {
                date(e, "DECOM").is_some_and(|s| s <= bday)
                    && (e.get("DEC").is_empty() || date(e, "DEC").is_some_and(|d| d > bday))
            })
        })
    })
}

fn rule_1010<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let Some(last) = ctx.last else {
        return Vec::new();
    };
    let open_at_end: HashSet<&str> = last
        .episodes_by_child()
        .iter()
        .filter_map(|eps| {
            let e = eps.iter().rev().find(|e| date(e, "DECOM").is_some())?;
            e.get("DEC").is_empty().then(|| e.get("CHILD"))
        })
        .collect();
    let now = ctx.this.children(Episodes);
    ctx.this
        .rows(Oc3)
        .iter()
        .filter(|r| !now.contains(r.get("CHILD")) && open_at_end.contains(r.get("CHILD")))
        .collect()
}

fn rule_1011<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let transferred: HashSet<&str> = ctx
        .episodes_by_child()
        .iter()
        .filter_map(|eps| {
            let e = eps.iter().rev().find(|e| date(e, "DECOM").is_some())?;
            (e.get("REC") == "E3").then(|| e.get("CHILD"))
        })
        .collect();
    oc3_where(ctx, |r| transferred.contains(r.get("CHILD")))
}

fn rule_1012<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.children(Episodes);
    let leavers: HashSet<&str> = ctx
        .this
        .children(Oc3)
        .into_iter()
        .filter(|c| !eps.contains(c))
        .collect();
    [PlacedAdoption, Missing, Reviews, Ad1, PrevPerm, Oc2]
        .into_iter()
        .flat_map(|t| ctx.this.rows(t).iter())
        .filter(|r| leavers.contains(r.get("CHILD")))
        .collect()
}

fn rule_1014<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let during = ctx.looked_after_in_year(true);
    let uasc = ctx.this.children(Uasc);
    let leavers: HashSet<&str> = care_leavers(ctx)
        .into_iter()
        .filter(|c| !during.contains(c) && uasc.contains(c))
        .collect();
    let mut out: Vec<&RawRow> = ctx
        .this
        .rows(Uasc)
        .iter()
        .filter(|r| leavers.contains(r.get("CHILD")))
        .collect();
    out.extend(oc3_where(ctx, |r| leavers.contains(r.get("CHILD"))));
    out
}

fn rule_1016<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.by_child(Episodes);
    let end = ctx.end();
    oc3_where(ctx, |r| {
        let Some(dob) = date(r, "DOB") else {
            return false;
        };
        let age = if plus_years(dob, 17) <= end && plus_years(dob, 18) > end {
            17
        } else if plus_years(dob, 18) <= end && plus_years(dob, 19) > end {
            18
        } else {
            return false;
        };
        let birthday = plus_years(dob, age);
        eps.get(r.get("CHILD")).is_some_and(|es| {
            es.iter()
                .any(|e| date(e, "DEC").is_some_and(|d| d >= birthday))
        })
    })
}

fn rule_628<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let eps = ctx.this.children(Episodes);
    let leavers = care_leavers(ctx);
    ctx.this
        .rows(Header)
        .iter()
        .filter(|h| {
            let c = h.get("CHILD");
            !h.get("MOTHER").is_empty() && !eps.contains(c) && leavers.contains(c)
        })
        .collect()
}

fn rule_630<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(PrevPerm) {
        return Vec::new();
    }
    let perm = ctx.this.by_child(PrevPerm);
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| e.get("RNE") == "S" && date(e, "DECOM").is_some_and(|d| d >= ctx.start()))
        .filter(|e| match perm.get(e.get("CHILD")) {
            None => true,
            Some(ps) => ps.iter().any(|p| {
                p.get("PREV_PERM").is_empty()
                    || (p.get("PREV_PERM") != "Z1"
                        && (p.get("LA_PERM").is_empty() || p.get("DATE_PERM").is_empty()))
            }),
        })
        .collect()
}

/// A DATE_PERM, with unknown parts written ZZ taken as late as they can be
/// (the end of the month or year), as the DfE's validator reads it.
fn date_perm(v: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = v.split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let zz = |p: &str| p.eq_ignore_ascii_case("zz") || p.eq_ignore_ascii_case("zzzz");
    if zz(y) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month: u32 = if zz(m) { 12 } else { m.parse().ok()? };
    if zz(d) {
        let first_next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        return first_next.pred_opt();
    }
    super::parse_dmy(&format!("{d}/{m}/{y}"))
}

fn rule_632<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let first: HashMap<&str, &RawRow> = ctx
        .episodes_by_child()
        .iter()
        .filter_map(|eps| {
            let e = *eps.first()?;
            date(e, "DECOM").map(|_| (e.get("CHILD"), e))
        })
        .collect();
    let mut out = Vec::new();
    for p in ctx.this.rows(PrevPerm) {
        let v = p.get("DATE_PERM");
        if v.is_empty() {
            continue;
        }
        let Some(e) = first.get(p.get("CHILD")) else {
            continue;
        };
        let bad = match date_perm(v) {
            None => !v.eq_ignore_ascii_case("zz/zz/zzzz"),
            Some(d) => date(e, "DECOM").is_some_and(|s| d >= s),
        };
        if bad {
            out.push(p);
            out.push(*e);
        }
    }
    out
}

fn rule_634<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let cutoff = NaiveDate::from_ymd_opt(2016, 4, 1).unwrap_or(NaiveDate::MIN);
    let eps = ctx.this.by_child(Episodes);
    let mut out = Vec::new();
    for p in ctx.this.rows(PrevPerm) {
        if !any_filled(p, &["PREV_PERM", "LA_PERM", "DATE_PERM"]) {
            continue;
        }
        let Some(es) = eps.get(p.get("CHILD")) else {
            continue;
        };
        let latest = es.iter().filter_map(|e| date(e, "DECOM")).max();
        if latest.is_some_and(|d| d < cutoff) {
            out.push(p);
            out.extend(es.iter().copied());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const EPS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";
    const OC3: &str = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM";

    fn ret(eps: &str, oc3: &str) -> Vec<RawRow> {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/06/2007,WBRI,,,\n2,M,01/06/2007,WBRI,,1,\n3,M,01/06/2014,WBRI,,,",
        );
        r.extend(rows(Table::Episodes, &format!("{EPS}\n{eps}")));
        r.extend(rows(Table::Oc3, &format!("{OC3}\n{oc3}")));
        r
    }

    fn f(code: &str, r: &[RawRow], last: Option<&[RawRow]>, t: Table) -> Vec<u64> {
        lines_flagged(code, "2024-25", r, last, t)
    }

    #[test]
    fn oc3_items_on_one_row() {
        let r = ret(
            "",
            "1,01/06/2007,YES,F2,S\n1,01/06/2007,YES,,\n1,01/06/2007,DIED,F2,0\n1,01/06/2007,YES,0,S\n1,01/06/2007,NO,F2,T\n1,01/06/2007,NO,F2,Z1\n3,01/06/2014,NO,F2,S",
        );
        assert_eq!(f("153", &r, None, Table::Oc3), [3]);
        assert_eq!(f("344", &r, None, Table::Oc3), [4]);
        assert_eq!(f("345", &r, None, Table::Oc3), [5]);
        // Line 6 is 17 at 1 April 2024: under 18.
        assert_eq!(f("347", &r, None, Table::Oc3), [6]);
        // 17th birthday 1 June 2024, in the year.
        assert_eq!(f("3001", &r, None, Table::Oc3), [7]);
        assert_eq!(f("391", &r, None, Table::Oc3), [8]);
        assert_eq!(f("INT34", &r, None, Table::Oc3), [2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn care_leavers_against_their_episodes() {
        // Child 1 (17 on 1 June 2024): looked after on the birthday.
        let r = ret(
            "1,01/01/2020,S,C2,N1,U1,PR1,01/08/2024,E3,,,,\n2,01/01/2020,S,C2,N1,U1,PR1,01/02/2024,E2,,,,",
            "1,01/06/2007,YES,F2,S\n2,01/06/2007,YES,F2,S\n3,01/06/2014,,,",
        );
        assert_eq!(f("1007", &r, None, Table::Oc3), [2]);
        assert_eq!(f("1016", &r, None, Table::Oc3), [2]);
        assert_eq!(f("1011", &r, None, Table::Oc3), [2]);
        assert_eq!(f("1000", &r, None, Table::Oc3), [3]);
        let clean = ret(
            "1,01/01/2020,S,C2,N1,U1,PR1,01/05/2024,E4A,,,,",
            "1,01/06/2007,YES,F2,S",
        );
        for code in ["1007", "1016", "1011", "1000"] {
            assert!(f(code, &clean, None, Table::Oc3).is_empty(), "{code}");
        }
    }

    #[test]
    fn care_leavers_against_last_year() {
        let last = ret("2,01/01/2020,S,C2,N1,U1,PR1,,,,,,", "1,01/06/2007,DIED,0,0");
        let r = ret(
            "",
            "1,01/06/2007,YES,F2,S\n2,01/06/2007,YES,F2,S\n3,01/06/2014,NO,F2,S",
        );
        let y = |code: &str| lines_flagged(code, "2025-26", &r, Some(&last), Table::Oc3);
        assert_eq!(y("348"), [2]);
        assert_eq!(y("1002"), [2, 4]);
        assert_eq!(y("1010"), [3]);
    }

    #[test]
    fn relevant_and_former_relevant_children() {
        // Born 1 June 2007: 14 on 1 June 2021, 16 on 1 June 2023.
        let dobs = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n\
                    1,M,01/06/2007,WBRI,,,\n2,M,01/06/2007,WBRI,,,\n3,M,01/06/2007,WBRI,,,\n\
                    4,M,01/06/2007,WBRI,,,\n5,M,01/06/2007,WBRI,,,\n6,M,01/06/2004,WBRI,,,\n\
                    7,M,01/06/2007,WBRI,,,";
        let ret = |eps: &str, oc3: &str| {
            let mut r = rows(Table::Header, dobs);
            r.extend(rows(Table::Episodes, &format!("{EPS}\n{eps}")));
            r.extend(rows(Table::Oc3, &format!("{OC3}\n{oc3}")));
            r
        };
        // 1: in care from 15 to 17 (open last year, closed this year: the
        // same episode in both); 2: 30 days after 16 only; 3: long enough
        // but adopted; 4: 100 days, all short breaks; 5: 100 days after 14
        // but none after 16; 6: 20 at 31 March (left out); 7: no episodes
        // (1002's).
        let last = ret(
            "1,01/09/2022,S,C2,N1,U1,PR1,,,,,,\n\
             2,01/07/2023,S,C2,N1,U1,PR1,31/07/2023,E4A,,,,\n\
             3,01/09/2022,S,C2,N1,U1,PR1,,,,,,\n\
             4,01/07/2023,S,V3,N1,U1,PR1,09/10/2023,E4A,,,,\n\
             5,01/06/2022,S,C2,N1,U1,PR1,09/09/2022,E4A,,,,\n\
             6,01/06/2021,S,C2,N1,U1,PR1,02/06/2021,E4A,,,,",
            "",
        );
        let this = ret(
            "1,01/09/2022,S,C2,N1,U1,PR1,01/07/2024,E4A,,,,\n\
             3,01/09/2022,S,C2,N1,U1,PR1,01/07/2024,E11,,,,",
            "1,01/06/2007,YES,F2,S\n2,01/06/2007,YES,F2,S\n3,01/06/2007,YES,F2,S\n\
             4,01/06/2007,YES,F2,S\n5,01/06/2007,YES,F2,S\n6,01/06/2004,YES,F2,S\n\
             7,01/06/2007,YES,F2,S",
        );
        let y = |r: &[RawRow], last: Option<&[RawRow]>| {
            lines_flagged("1001", "2024-25", r, last, Table::Oc3)
        };
        assert_eq!(y(&this, Some(&last)), [3, 4, 5, 6]);
        // It needs last year's return.
        assert!(y(&this, None).is_empty());
    }

    #[test]
    fn care_leavers_and_the_other_cohorts() {
        let mut r = ret(
            "",
            "1,01/06/2007,YES,F2,S\n2,01/06/2007,YES,F2,S\n3,01/06/2014,,,",
        );
        r.extend(rows(
            Table::Ad1,
            "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n1,01/06/2007,01/01/2024,,,,,\n3,01/06/2014,01/01/2024,,,,,",
        ));
        r.extend(rows(Table::Oc2, "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n1,01/06/2007,,,0,,,,,,,\n3,01/06/2014,,,0,,,,,,,"));
        r.extend(rows(
            Table::Uasc,
            "CHILD,SEX,DOB,DUC\n1,M,01/06/2007,01/06/2025",
        ));
        assert_eq!(f("134", &r, None, Table::Ad1), [2]);
        assert_eq!(f("215", &r, None, Table::Oc3), [2]);
        assert_eq!(f("215", &r, None, Table::Oc2), [2]);
        assert_eq!(f("1012", &r, None, Table::Ad1), [2, 3]);
        // Child 2 was not looked after during the year and is a mother.
        assert_eq!(f("628", &r, None, Table::Header), [3]);
        assert_eq!(f("1014", &r, None, Table::Uasc), [2]);
    }

    #[test]
    fn previous_permanence() {
        let mut r = ret(
            "1,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n2,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n3,01/06/2015,S,C2,N1,U1,PR1,,,,,,",
            "",
        );
        r.extend(rows(
            Table::PrevPerm,
            "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n1,01/06/2007,P1,800,zz/05/2020\n3,01/06/2014,Z1,ABC,01/07/2015",
        ));
        assert_eq!(f("630", &r, None, Table::Episodes), [3]);
        assert_eq!(f("633", &r, None, Table::PrevPerm), [3]);
        assert_eq!(f("635", &r, None, Table::PrevPerm), [3]);
        assert_eq!(f("632", &r, None, Table::PrevPerm), [3]);
        assert_eq!(f("634", &r, None, Table::PrevPerm), [3]);
        assert!(f("INT35", &r, None, Table::PrevPerm).is_empty());
    }
}
