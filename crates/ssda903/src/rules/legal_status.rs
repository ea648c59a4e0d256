//! Legal status: valid codes, ages, and how long a short order may last.

use super::{Check, Cond::*, Ctx, Rule, Years, date, plus_years};
use crate::problem::Severity::Fatal;
use crate::raw::RawRow;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error("144", Episodes, "LS", "The legal status (LS) is blank or not a valid code.", Check::Reading).severity(Fatal),
    Rule::error("358", Episodes, "LS", "A child under a youth justice legal status (J1, J2 or J3) must be at least 10 when the episode starts.", Check::Rows(rule_358)),
    Rule::error("359", Episodes, "LS", "A child still looked after after their 18th birthday must be accommodated under section 20(5) (LS V2) in a community home (PLACE K2).", Check::Rows(rule_359)),
    Rule::error("361", Episodes, "LS", "Police protection (LS L1) lasted longer than the 72 hours the Children Act 1989 allows.", Check::Rows(rule_361)),
    Rule::error("362", Episodes, "LS", "An emergency protection order (LS L2) lasted longer than 21 days.", Check::Rows(rule_362)),
    Rule::error("363", Episodes, "LS", "A child assessment order (LS L3) lasted longer than the 7 days the Children Act 1989 allows.", Check::Rows(rule_363)),
    Rule::error("364", Episodes, "LS", "Detention in local authority accommodation under PACE (LS J2) lasted longer than 21 days.", Check::Rows(rule_364)),
    Rule::error("378", Episodes, "LS", "A child placed with parents (PLACE P1) cannot be accommodated under section 20 alone (LS V2).", Check::Row(&[In("PLACE", &["P1"]), In("LS", &["V2"])])),
    Rule::error("426", Episodes, "LS", "A child on short breaks cannot have both legal statuses V3 and V4 in the same year.", Check::Rows(rule_426)),
    Rule::error("445", Episodes, "LS", "Legal status D1 (freed for adoption) is not valid for an episode starting after December 2005.", Check::Row(&[In("LS", &["D1"]), DateAfter("DECOM", (31, 12, 2005))])).years(Years::until(2023)),
    Rule::error("446", Episodes, "LS", "Legal status E1 (placement order) is not valid for an episode starting before December 2005.", Check::Row(&[In("LS", &["E1"]), DateBefore("DECOM", (1, 12, 2005))])),
    Rule::error("451", Episodes, "LS", "The child is still freed for adoption (LS D1, no DEC or REC), but freeing orders could not be applied for after 30 December 2005.", Check::Row(&[Blank("DEC"), Blank("REC"), In("LS", &["D1"])])).years(Years::until(2023)),
];

fn rule_358<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for e in ctx.this.rows(Episodes) {
        if matches!(e.get("LS"), "J1" | "J2" | "J3")
            && let (Some(dob), Some(start)) = (ctx.dob(e), date(e, "DECOM"))
            && plus_years(dob, 10) >= start
        {
            out.push(e);
            // The DfE's validator flags the child's Header row too.
            out.extend(
                ctx.this
                    .rows(Header)
                    .iter()
                    .filter(|h| h.get("CHILD") == e.get("CHILD")),
            );
        }
    }
    out
}

fn rule_359<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Episodes)
        .iter()
        .filter(|e| {
            ctx.dob(e).is_some_and(|d| plus_years(d, 18) < ctx.end())
                && e.get("DEC").is_empty()
                && !(e.get("LS") == "V2" && e.get("PLACE") == "K2")
        })
        .collect()
}

/// 361 and 362: spells of one legal status running on from episode to
/// episode (one ends the day the next starts) are put together, an open
/// episode counting to the end of the year; every episode of a spell longer
/// than `days` is flagged.
fn spells_longer_than<'a>(ctx: &Ctx<'a>, ls: &str, days: i64) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        let mut spells: Vec<Vec<&RawRow>> = Vec::new();
        let mut flows = false;
        for (i, e) in eps.iter().enumerate() {
            if e.get("LS") != ls {
                continue;
            }
            if flows && let Some(s) = spells.last_mut() {
                s.push(e);
            } else {
                spells.push(vec![e]);
            }
            let end = date(e, "DEC").unwrap_or(ctx.end());
            flows = eps
                .get(i + 1)
                .is_some_and(|n| date(n, "DECOM") == Some(end));
        }
        for s in spells {
            let first = s.iter().filter_map(|e| date(e, "DECOM")).min();
            let last = s.iter().map(|e| date(e, "DEC").unwrap_or(ctx.end())).max();
            if let (Some(a), Some(b)) = (first, last)
                && (b - a).num_days() > days
            {
                out.extend(s);
            }
        }
    }
    out
}

fn rule_361<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    spells_longer_than(ctx, "L1", 3)
}

fn rule_362<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    spells_longer_than(ctx, "L2", 21)
}

/// 363 and 364: a child's episodes of one legal status in DECOM order, each
/// starting on or before the previous one's end joined into a period (an
/// open episode counting to the end of the year); the lengths of a period's
/// episodes added up. The DfE's validator means to sort them by child and
/// DECOM but drops the sorted result (it reads them in file order); the rule
/// is about the order of the episodes, so Footprint sorts.
fn periods_longer_than<'a>(ctx: &Ctx<'a>, ls: &str, days: i64) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        let eps: Vec<&RawRow> = eps
            .iter()
            .copied()
            .filter(|e| e.get("LS") == ls && date(e, "DECOM").is_some())
            .collect();
        let mut period: Vec<&RawRow> = Vec::new();
        let mut total = 0i64;
        let mut prev_end: Option<chrono::NaiveDate> = None;
        let close = |period: &mut Vec<&'a RawRow>, total: i64, out: &mut Vec<&'a RawRow>| {
            if total > days {
                out.append(period);
            }
            period.clear();
        };
        for e in eps {
            let start = date(e, "DECOM").unwrap_or_default();
            let end = if e.get("DEC").is_empty() {
                Some(ctx.end())
            } else {
                date(e, "DEC")
            };
            if prev_end.is_none_or(|p| start > p) && !period.is_empty() {
                close(&mut period, total, &mut out);
                total = 0;
            }
            period.push(e);
            total += end.map_or(0, |end| (end - start).num_days());
            prev_end = end;
        }
        close(&mut period, total, &mut out);
    }
    out
}

fn rule_363<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    periods_longer_than(ctx, "L3", 7)
}

fn rule_364<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    periods_longer_than(ctx, "J2", 21)
}

fn rule_426<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.episodes_by_child()
        .iter()
        .filter(|eps| {
            eps.iter().any(|e| e.get("LS") == "V3") && eps.iter().any(|e| e.get("LS") == "V4")
        })
        .flat_map(|eps| {
            eps.iter()
                .copied()
                .filter(|e| matches!(e.get("LS"), "V3" | "V4"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::raw::RawRow;
    use crate::tables::Table;

    const COLS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";

    fn with_header(dob: &str, body: &str) -> Vec<RawRow> {
        let mut r = rows(
            Table::Header,
            &format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,{dob},WBRI,,,"),
        );
        r.extend(rows(Table::Episodes, &format!("{COLS}\n{body}")));
        r
    }

    fn flagged(code: &str, rows: &[RawRow]) -> Vec<u64> {
        lines_flagged(code, "2024-25", rows, None, Table::Episodes)
    }

    #[test]
    fn youth_justice_status_needs_a_child_of_ten() {
        assert_eq!(
            flagged(
                "358",
                &with_header("01/06/2015", "1,01/05/2024,S,J2,N1,R1,PR1,,,,,,")
            ),
            [2]
        );
        assert!(
            flagged(
                "358",
                &with_header("01/06/2010", "1,01/05/2024,S,J2,N1,R1,PR1,,,,,,")
            )
            .is_empty()
        );
        let header = lines_flagged(
            "358",
            "2024-25",
            &with_header("01/06/2015", "1,01/05/2024,S,J2,N1,R1,PR1,,,,,,"),
            None,
            Table::Header,
        );
        assert_eq!(header, [2]);
    }

    #[test]
    fn over_eighteens_are_v2_in_k2() {
        assert_eq!(
            flagged(
                "359",
                &with_header("01/06/2006", "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,")
            ),
            [2]
        );
        assert!(
            flagged(
                "359",
                &with_header("01/06/2006", "1,01/05/2024,S,V2,N1,K2,PR1,,,,,,")
            )
            .is_empty()
        );
        assert!(
            flagged(
                "359",
                &with_header("01/06/2010", "1,01/05/2024,S,C2,N1,U1,PR1,,,,,,")
            )
            .is_empty()
        );
    }

    #[test]
    fn police_protection_lasts_three_days_across_episodes() {
        let long = with_header(
            "01/06/2010",
            "1,01/05/2024,S,L1,N1,U1,PR1,03/05/2024,X1,,,,\n1,03/05/2024,P,L1,N1,U2,PR1,06/05/2024,E11,,,,",
        );
        assert_eq!(flagged("361", &long), [2, 3]);
        let short = with_header(
            "01/06/2010",
            "1,01/05/2024,S,L1,N1,U1,PR1,03/05/2024,X1,,,,\n1,03/05/2024,L,C2,N1,U1,PR1,,,,,,",
        );
        assert!(flagged("361", &short).is_empty());
        assert_eq!(
            flagged(
                "362",
                &with_header("01/06/2010", "1,01/05/2024,S,L2,N1,U1,PR1,,,,,,")
            ),
            [2]
        );
    }

    #[test]
    fn assessment_orders_and_pace_add_up_their_episodes() {
        let cao = with_header(
            "01/06/2010",
            "1,01/05/2024,S,L3,N1,U1,PR1,05/05/2024,X1,,,,\n1,05/05/2024,P,L3,N1,U2,PR1,10/05/2024,E11,,,,",
        );
        assert_eq!(flagged("363", &cao), [2, 3]);
        let short = with_header(
            "01/06/2010",
            "1,01/05/2024,S,L3,N1,U1,PR1,05/05/2024,E11,,,,",
        );
        assert!(flagged("363", &short).is_empty());
        assert_eq!(
            flagged(
                "364",
                &with_header("01/06/2010", "1,01/05/2024,S,J2,N1,U1,PR1,,,,,,")
            ),
            [2]
        );
        assert!(
            flagged(
                "364",
                &with_header(
                    "01/06/2010",
                    "1,01/05/2024,S,J2,N1,U1,PR1,10/05/2024,E11,,,,"
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn code_pairs_and_dates() {
        assert_eq!(
            flagged(
                "378",
                &with_header("01/06/2010", "1,01/05/2024,S,V2,N1,P1,PR1,,,,,,")
            ),
            [2]
        );
        assert!(
            flagged(
                "378",
                &with_header("01/06/2010", "1,01/05/2024,S,V2,N1,U1,PR1,,,,,,")
            )
            .is_empty()
        );
        let both = with_header(
            "01/06/2010",
            "1,01/05/2024,S,V3,N1,U1,PR1,02/05/2024,E11,,,,\n1,01/06/2024,S,V4,N1,U1,PR1,02/06/2024,E11,,,,",
        );
        assert_eq!(flagged("426", &both), [2, 3]);
        assert_eq!(
            lines_flagged(
                "445",
                "2023-24",
                &with_header("01/06/2010", "1,01/05/2023,S,D1,N1,U1,PR1,,,,,,"),
                None,
                Table::Episodes
            ),
            [2]
        );
        assert!(
            flagged(
                "446",
                &with_header("01/06/2010", "1,01/05/2023,S,E1,N1,U1,PR1,,,,,,")
            )
            .is_empty()
        );
        assert_eq!(
            flagged(
                "446",
                &with_header("01/06/2000", "1,01/05/2004,S,E1,N1,U1,PR1,,,,,,")
            ),
            [2]
        );
        assert_eq!(
            lines_flagged(
                "451",
                "2023-24",
                &with_header("01/06/2000", "1,01/05/2004,S,D1,N1,U1,PR1,,,,,,"),
                None,
                Table::Episodes
            ),
            [2]
        );
    }
}
