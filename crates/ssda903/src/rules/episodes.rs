//! Episodes: dates and codes, how episodes chain into periods of care, and
//! whether the reason for a new episode matches what changed (434–436).

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;

use super::{Check, Cmp, Cond::*, Ctx, Rule, Years, date};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::RawRow;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error("141", Episodes, "DECOM", "The date the episode began (DECOM) is blank or not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("142", Episodes, "DEC", "A new episode has started but the episode before it has no end date (DEC).", Check::Records).severity(Fatal),
    Rule::error("143", Episodes, "RNE", "The reason for new episode (RNE) is blank or not a valid code.", Check::Reading).severity(Fatal),
    Rule::error("145", Episodes, "CIN", "The category of need (CIN) is not a valid code (blank is a warning).", Check::Reading).severity(Fatal),
    Rule::error("147", Episodes, "DEC", "The date the episode ceased (DEC) is not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("148", Episodes, "REC", "The date the episode ceased (DEC) and the reason it ceased (REC) must both be filled in or both be blank.", Check::Records).severity(Warning),
    Rule::error("149", Episodes, "REC", "The reason the episode ceased (REC) is not a valid code.", Check::Reading).severity(Fatal),
    Rule::error("302", Episodes, "DECOM", "The child's first episode starts before the child's date of birth.", Check::Records).severity(Warning),
    Rule::error("357", Episodes, "RNE", "The child's first episode must start a period of care (RNE S): check whether an episode just before it was left out.", Check::Records).severity(Warning),
    Rule::error("388", Episodes, "REC", "The episode ended with REC X1 (a new episode begins the same day) but no episode starts that day, or it is followed the same day and does not end X1.", Check::Records).severity(Warning),
    Rule::error("431", Episodes, "RNE", "The episode starts a new period of care (RNE S) on the day the previous episode ended.", Check::Records).severity(Warning),
    Rule::error("433", Episodes, "RNE", "The reason for new episode says it continues a period of care, but it does not start on the day the previous episode ended.", Check::Records).severity(Warning),
    Rule::error("434", Episodes, "RNE", "The reason for new episode is a change of legal status only (RNE L), but the legal status is the same as the previous episode's, or the placement (PLACE, PL_POST, URN or PLACE_PROVIDER) changed.", Check::Rows(rule_434)),
    Rule::error("435", Episodes, "RNE", "The reason for new episode is a change of placement only (RNE P or T), but the legal status changed, or nothing about the placement (PLACE, PL_POST, URN, PLACE_PROVIDER) changed.", Check::Rows(rule_435)),
    Rule::error("436", Episodes, "RNE", "The reason for new episode is a change of both placement and legal status (RNE U or B), but the legal status is unchanged, or nothing about the placement changed.", Check::Rows(rule_436)),
    Rule::error("352", Episodes, "RNE", "The child started to be looked after (RNE S) aged 18 or over.", Check::Row(&[In("RNE", &["S"]), HeaderAge(18, Cmp::Le, "DECOM")])),
    Rule::error("353", Episodes, "DECOM", "No episode in a return can start before 14 October 1991.", Check::Row(&[DateBefore("DECOM", (14, 10, 1991))])),
    Rule::error("354", Episodes, "DECOM", "The episode starts after the end of the collection year.", Check::Row(&[AfterYearEnd("DECOM")])),
    Rule::error("355", Episodes, "DEC", "The episode ends the day it starts (it lasted less than 24 hours).", Check::Row(&[Same("DECOM", "DEC")])),
    Rule::error("356", Episodes, "DEC", "The episode ends (DEC) before it starts (DECOM).", Check::Records).severity(Fatal),
    Rule::error("385", Episodes, "DEC", "The episode ends after the end of the collection year.", Check::Row(&[AfterYearEnd("DEC")])),
    Rule::error("386", Episodes, "REC", "The episode ended with adoption (REC E11 or E12) but the child had reached 18.", Check::Row(&[In("REC", &["E11", "E12"]), HeaderAge(18, Cmp::Le, "DEC")])),
    Rule::error("387", Episodes, "REC", "The episode ended with a move to independent living (REC E5 or E6) but the child was under 14.", Check::Row(&[In("REC", &["E5", "E6"]), HeaderAge(14, Cmp::Gt, "DEC")])),
    Rule::error("389", Episodes, "REC", "The episode ended with a transfer to adult social care (REC E7) but the child was under 16.", Check::Row(&[In("REC", &["E7"]), HeaderAge(16, Cmp::Gt, "DEC")])),
    Rule::error("407", Episodes, "REC", "The episode ended with a special guardianship order (REC E45–E48) but the child had reached 18.", Check::Row(&[In("REC", &["E45", "E46", "E47", "E48"]), HeaderAge(18, Cmp::Lt, "DEC")])),
    Rule::error("432", Episodes, "RNE", "The previous episode ended the child's period of care (a REC other than X1), so this episode must start a new one (RNE S).", Check::Rows(rule_432)),
    Rule::error("437", Episodes, "REC", "The episode ended because the child died or is 18 or over (REC E2 or E15), but there are later episodes.", Check::Rows(rule_437)),
    Rule::error("460", Episodes, "REC", "The episode ended with the child staying with their carers at 18 or over (REC E17), but the child was under 18.", Check::Row(&[In("REC", &["E17"]), HeaderAge(18, Cmp::Gt, "DEC")])),
    Rule::error("501", Episodes, "DECOM", "A new episode started before the previous episode ended (episodes overlap).", Check::Records).severity(Fatal),
    Rule::error("1009", Episodes, "REASON_PLACE_CHANGE", "The reason for placement change is not a valid code.", Check::Reading).severity(Fatal),

    Rule::error("199", Episodes, "REC", "The episodes show the child was adopted from care before (an earlier episode, this year or last, ended E11/E12).", Check::Rows(rule_199)),
    Rule::error("234", Episodes, "REASON_PLACE_CHANGE", "A child under 10 cannot change placement because of being admitted to custody (CUSTOD).", Check::Row(&[In("REASON_PLACE_CHANGE", &["CUSTOD"]), HeaderAge(10, Cmp::Gt, "DECOM")])).years(Years::from(2025)),
    Rule::error("365", Episodes, "LS", "A single short-term respite placement (LS V3) lasted more than 17 days (an open one counts to the end of the year).", Check::Rows(rule_365)),
    Rule::error("367", Episodes, "LS", "The child had more than 75 days of respite care (LS V3) in the collection year.", Check::Rows(rule_367)),
    Rule::error("504", Episodes, "CIN", "The category of need (CIN) differs from the one at the start of the period of care.", Check::Rows(rule_504)),
];

const PLACEMENT: [&str; 4] = ["PLACE", "PL_POST", "URN", "PLACE_PROVIDER"];

/// Each episode with the one before it (same child, by DECOM).
fn with_previous<'a>(ctx: &Ctx<'a>) -> Vec<(&'a RawRow, &'a RawRow)> {
    ctx.episodes_by_child()
        .iter()
        .flat_map(|eps| eps.windows(2).map(|w| (w[1], w[0])).collect::<Vec<_>>())
        .collect()
}

/// Whether anything about the placement differs (a blank is equal to a
/// blank, as the rule text reads).
fn placement_changed(a: &RawRow, b: &RawRow) -> bool {
    PLACEMENT.iter().any(|c| a.get(c) != b.get(c))
}

/// The REC codes that end a period of care (432).
const LEAVES_CARE: &[&str] = &[
    "E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13", "E14", "E15",
    "E16", "E17", "E41", "E45", "E46", "E47", "E48",
];

fn rule_432<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    with_previous(ctx)
        .into_iter()
        .filter(|(e, p)| LEAVES_CARE.contains(&p.get("REC")) && e.get("RNE") != "S")
        .map(|(e, _)| e)
        .collect()
}

/// 437: an episode with REC E2 or E15 followed by another of the child's
/// (with a valid DECOM; the DfE's validator leaves out episodes without one).
fn rule_437<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.episodes_by_child()
        .iter()
        .flat_map(|eps| {
            let eps: Vec<&RawRow> = eps
                .iter()
                .copied()
                .filter(|e| super::date(e, "DECOM").is_some())
                .collect();
            let n = eps.len();
            eps.into_iter()
                .enumerate()
                .filter(move |(i, e)| {
                    i + 1 < n && matches!(e.get("REC").to_ascii_uppercase().as_str(), "E2" | "E15")
                })
                .map(|(_, e)| e)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn rule_434<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    with_previous(ctx)
        .into_iter()
        .filter(|(e, p)| {
            e.get("RNE") == "L" && (e.get("LS") == p.get("LS") || placement_changed(e, p))
        })
        .map(|(e, _)| e)
        .collect()
}

/// Rule 435. The DfE's validator compares blank with blank as different (pandas'
/// NaN), so it misses an unchanged placement with a blank PL_POST or URN;
/// the rule text ("at least one of ... must differ") settles it.
fn rule_435<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    with_previous(ctx)
        .into_iter()
        .filter(|(e, p)| {
            matches!(e.get("RNE"), "P" | "T")
                && (e.get("LS") != p.get("LS") || !placement_changed(e, p))
        })
        .map(|(e, _)| e)
        .collect()
}

fn rule_436<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    with_previous(ctx)
        .into_iter()
        .filter(|(e, p)| {
            matches!(e.get("RNE"), "U" | "B")
                && (e.get("LS") == p.get("LS") || !placement_changed(e, p))
        })
        .map(|(e, _)| e)
        .collect()
}

/// This year's episodes after a child's first adoption (REC E11 or E12),
/// this year's and last year's episodes in order of DECOM. Child by child,
/// from the episodes by child (a map of every child's episodes of both
/// years was the largest thing a validation held at its peak).
fn rule_199<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    // (DECOM, this year's, the episode): this year's first, each year's in
    // file order, then a stable sort by DECOM.
    let mut eps: Vec<(NaiveDate, bool, &'a RawRow)> = Vec::new();
    for this in ctx.episodes_by_child() {
        let Some(first) = this.first() else { continue };
        eps.clear();
        // This year's are by DECOM already (equal dates in file order), the
        // undated last.
        eps.extend(
            this.iter()
                .filter_map(|&e| Some((date(e, "DECOM")?, true, e))),
        );
        if let Some(before) = ctx
            .last
            .and_then(|l| l.by_child(Episodes).get(first.get("CHILD")))
        {
            eps.extend(
                before
                    .iter()
                    .filter_map(|&e| Some((date(e, "DECOM")?, false, e))),
            );
        }
        eps.sort_by_key(|(d, _, _)| *d);
        let mut adoptions = 0;
        for &(_, this_year, e) in &eps {
            let adopted = matches!(e.get("REC"), "E11" | "E12");
            if adopted {
                adoptions += 1;
            }
            let first_adoption = adopted && adoptions == 1;
            if adoptions > 0 && !first_adoption && this_year {
                out.push(e);
            }
        }
    }
    out
}

fn rule_365<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| e.get("LS") == "V3")
        .filter(|e| {
            let end = if e.get("DEC").is_empty() {
                Some(ctx.end())
            } else {
                date(e, "DEC")
            };
            matches!((date(e, "DECOM"), end), (Some(s), Some(d)) if d > s + chrono::Days::new(17))
        })
        .collect()
}

fn rule_367<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut by: HashMap<&str, Vec<(&RawRow, i64)>> = HashMap::new();
    for e in ctx.this.rows(Episodes) {
        if e.get("LS") != "V3" {
            continue;
        }
        let Some(s) = date(e, "DECOM") else {
            continue;
        };
        let d = date(e, "DEC")
            .filter(|d| *d <= ctx.end())
            .unwrap_or(ctx.end());
        let days = (d - s.max(ctx.start())).num_days();
        if days > 0 {
            by.entry(e.get("CHILD")).or_default().push((e, days));
        }
    }
    by.into_values()
        .filter(|eps| eps.iter().map(|(_, d)| d).sum::<i64>() > 75)
        .flat_map(|eps| eps.into_iter().map(|(e, _)| e))
        .collect()
}

fn rule_504<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for pair in eps.windows(2) {
            let (prev, this) = (pair[0], pair[1]);
            let continues = prev.get("REC") == "X1"
                && date(prev, "DEC").is_some()
                && date(prev, "DEC") == date(this, "DECOM");
            if continues && this.get("CIN") != prev.get("CIN") {
                out.push(this);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::tables::Table;

    const COLS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn eps(body: &str) -> Vec<crate::raw::RawRow> {
        rows(Table::Episodes, &format!("{COLS}\n{body}"))
    }

    #[test]
    fn rne_l_needs_a_new_legal_status_and_the_same_placement() {
        let ok =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,L,C2,N1,U1,PR1,,,,,,");
        assert!(lines_flagged("434", "2024-25", &ok, None, Table::Episodes).is_empty());
        let same_ls =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,L,C1,N1,U1,PR1,,,,,,");
        assert_eq!(
            lines_flagged("434", "2024-25", &same_ls, None, Table::Episodes),
            [3]
        );
        let moved =
            eps("1,10/05/2024,L,C2,N1,U2,PR1,,,,,,\n1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,");
        assert_eq!(
            lines_flagged("434", "2024-25", &moved, None, Table::Episodes),
            [2]
        );
    }

    #[test]
    fn rne_p_needs_the_same_legal_status_and_a_new_placement() {
        let ok =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,P,C1,N1,U2,PR1,,,,,,");
        assert!(lines_flagged("435", "2024-25", &ok, None, Table::Episodes).is_empty());
        let unchanged =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,T,C1,N1,U1,PR1,,,,,,");
        assert_eq!(
            lines_flagged("435", "2024-25", &unchanged, None, Table::Episodes),
            [3]
        );
        let new_ls =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,P,C2,N1,U2,PR1,,,,,,");
        assert_eq!(
            lines_flagged("435", "2024-25", &new_ls, None, Table::Episodes),
            [3]
        );
    }

    fn with_header(dob: &str, body: &str) -> Vec<crate::raw::RawRow> {
        let mut r = rows(
            Table::Header,
            &format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,{dob},WBRI,,,"),
        );
        r.extend(eps(body));
        r
    }

    #[test]
    fn dates_and_ages_of_episodes() {
        let f = |code: &str, dob: &str, body: &str| {
            lines_flagged(
                code,
                "2024-25",
                &with_header(dob, body),
                None,
                Table::Episodes,
            )
        };
        assert_eq!(
            f("352", "01/01/2006", "1,01/05/2024,S,V2,N1,K2,PR1,,,,,,"),
            [2]
        );
        assert!(f("352", "01/01/2007", "1,01/05/2024,S,V2,N1,K2,PR1,,,,,,").is_empty());
        assert_eq!(
            f("353", "01/01/1980", "1,01/05/1990,S,C2,N1,U1,PR1,,,,,,"),
            [2]
        );
        assert_eq!(
            f("354", "01/01/2010", "1,01/05/2025,S,C2,N1,U1,PR1,,,,,,"),
            [2]
        );
        assert!(f("354", "01/01/2010", "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,").is_empty());
        assert_eq!(
            f(
                "355",
                "01/01/2010",
                "1,01/05/2024,S,C2,N1,U1,PR1,01/05/2024,E11,,,,"
            ),
            [2]
        );
        assert_eq!(
            f(
                "385",
                "01/01/2010",
                "1,01/05/2024,S,C2,N1,U1,PR1,01/05/2025,E11,,,,"
            ),
            [2]
        );
        assert_eq!(
            f(
                "386",
                "01/05/2006",
                "1,01/05/2020,S,E1,N1,A4,PR1,01/06/2024,E11,,,,"
            ),
            [2]
        );
        assert!(
            f(
                "386",
                "01/05/2010",
                "1,01/05/2020,S,E1,N1,A4,PR1,01/06/2024,E11,,,,"
            )
            .is_empty()
        );
        assert_eq!(
            f(
                "387",
                "01/05/2012",
                "1,01/05/2020,S,C2,N1,U1,PR1,01/06/2024,E5,,,,"
            ),
            [2]
        );
        assert_eq!(
            f(
                "389",
                "01/05/2012",
                "1,01/05/2020,S,C2,N1,U1,PR1,01/06/2024,E7,,,,"
            ),
            [2]
        );
        assert_eq!(
            f(
                "407",
                "01/05/2006",
                "1,01/05/2020,S,C2,N1,U1,PR1,01/06/2024,E45,,,,"
            ),
            [2]
        );
        assert_eq!(
            f(
                "460",
                "01/05/2008",
                "1,01/05/2020,S,C2,N1,U1,PR1,01/06/2024,E17,,,,"
            ),
            [2]
        );
        assert!(
            f(
                "460",
                "01/05/2006",
                "1,01/05/2020,S,C2,N1,U1,PR1,01/06/2024,E17,,,,"
            )
            .is_empty()
        );
    }

    #[test]
    fn what_follows_leaving_care() {
        let left = eps(
            "1,01/04/2024,S,C2,N1,U1,PR1,10/05/2024,E13,,,,\n1,10/06/2024,P,C2,N1,U1,PR1,,,,,,",
        );
        assert_eq!(
            lines_flagged("432", "2024-25", &left, None, Table::Episodes),
            [3]
        );
        let back = eps(
            "1,01/04/2024,S,C2,N1,U1,PR1,10/05/2024,E13,,,,\n1,10/06/2024,S,C2,N1,U1,PR1,,,,,,",
        );
        assert!(lines_flagged("432", "2024-25", &back, None, Table::Episodes).is_empty());
        let died =
            eps("1,01/04/2024,S,C2,N1,U1,PR1,10/05/2024,E2,,,,\n1,10/06/2024,S,C2,N1,U1,PR1,,,,,,");
        assert_eq!(
            lines_flagged("437", "2024-25", &died, None, Table::Episodes),
            [2]
        );
        assert!(lines_flagged("437", "2024-25", &back, None, Table::Episodes).is_empty());
    }

    #[test]
    fn rne_u_needs_both_to_change() {
        let ok =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,U,C2,N1,U2,PR1,,,,,,");
        assert!(lines_flagged("436", "2024-25", &ok, None, Table::Episodes).is_empty());
        let only_ls =
            eps("1,01/04/2024,S,C1,N1,U1,PR1,10/05/2024,X1,,,,\n1,10/05/2024,B,C2,N1,U1,PR1,,,,,,");
        assert_eq!(
            lines_flagged("436", "2024-25", &only_ls, None, Table::Episodes),
            [3]
        );
    }
    #[test]
    fn adoption_custody_respite_and_category_of_need() {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2018,WBRI,,,\n2,M,01/01/2010,WBRI,,,",
        );
        r.extend(rows(
            Table::Episodes,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1,01/04/2020,S,C2,N1,A5,PR1,01/01/2021,E11,,,,\n1,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,P1,CUSTOD,,,\n2,01/04/2025,S,V3,N1,U1,PR1,01/05/2025,X1,,,,\n2,01/05/2025,P,V3,N2,U1,PR1,01/07/2025,E4A,,,,",
        ));
        let f = |code: &str| lines_flagged(code, "2025-26", &r, None, Table::Episodes);
        assert_eq!(f("199"), [3]);
        assert_eq!(f("234"), [3]);
        assert_eq!(f("365"), [4, 5]);
        assert_eq!(f("367"), [4, 5]);
        assert_eq!(f("504"), [5]);
    }
}
