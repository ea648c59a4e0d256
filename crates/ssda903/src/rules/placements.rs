//! Placements: types and providers, ages for a placement type, temporary
//! placements, and reasons for a change of placement.

use super::{Check, Cond::*, Ctx, Rule, Years};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::RawRow;
use crate::tables::Table::*;

const TEMPORARY: &[&str] = &["T0", "T1", "T2", "T3", "T4"];

pub(super) const RULES: &[Rule] = &[
    Rule::error("146", Episodes, "PLACE", "The placement type (PLACE) is blank or not in the collection year's list.", Check::Reading).severity(Fatal),
    Rule::error("178", Episodes, "PLACE_PROVIDER", "The placement provider is not a valid code (an error), or is given for a placement type that has none (a warning).", Check::Reading).severity(Warning),
    Rule::error("217", Episodes, "RNE", "A placement for adoption with the current foster carers (PLACE A3 or A5) starting on or after 1 April 2015 must have RNE S, T or U.", Check::Row(&[In("PLACE", &["A3", "A5"]), DateAfter("DECOM", (31, 3, 2015)), NotIn("RNE", &["S", "T", "U"])])),
    Rule::error("225", Episodes, "REASON_PLACE_CHANGE", "The reason for a change of placement (REASON_PLACE_CHANGE) must be given when the episode ends X1 and the next is a new placement (RNE P, B, T or U), neither temporary.", Check::Rows(rule_225)),
    Rule::error("226", Episodes, "REASON_PLACE_CHANGE", "A reason for a change of placement is not needed for a temporary placement (T0–T4), nor for the episode before it.", Check::Rows(rule_226)),
    Rule::error("233", Episodes, "REASON_PLACE_CHANGE", "A reason for a change of placement is not needed while the episode has not ended (no DEC).", Check::Row(&[Blank("DEC"), Filled("REASON_PLACE_CHANGE")])).years(Years::from(2025)),
    Rule::error("366", Episodes, "RNE", "A child cannot change placement during a short break (LS V3 needs RNE S).", Check::Row(&[In("LS", &["V3"]), NotIn("RNE", &["S"])])),
    Rule::error("371", Episodes, "PLACE", "A child in a semi-independent living placement not subject to children's homes regulations (H5) must be at least 16 when it starts.", Check::YoungerThan { place: &["H5"], years: 16 }).years(Years::until(2023)),
    Rule::error("371", Episodes, "PLACE", "A child in supported accommodation not subject to children's homes regulations (K3) must be at least 16 when it starts.", Check::YoungerThan { place: &["K3"], years: 16 }).years(Years::from(2024)),
    Rule::error("372", Episodes, "PLACE", "A child in youth custody or prison (R5) must be at least 10 when it starts.", Check::YoungerThan { place: &["R5"], years: 10 }),
    Rule::error("373", Episodes, "PLACE", "A child placed in a school (S1) must be at least 4 when it starts.", Check::YoungerThan { place: &["S1"], years: 4 }),
    Rule::error("374", Episodes, "PLACE", "A child in residential employment (P3) must be at least 14 when it starts.", Check::YoungerThan { place: &["P3"], years: 14 }),
    Rule::error("375", Episodes, "PLACE", "A hospital stay coded as a temporary placement (T1) lasted more than six weeks.", Check::LongerThan { place: &["T1"], days: 42 }),
    Rule::error("376", Episodes, "PLACE", "A temporary placement for the usual foster carers' holiday (T3) lasted more than three weeks.", Check::LongerThan { place: &["T3"], days: 21 }),
    Rule::error("377", Episodes, "PLACE", "Only two temporary placements for the usual foster carers' holiday (T3) are allowed in 12 months.", Check::Rows(rule_377)),
    Rule::error("379", Episodes, "PLACE", "A temporary placement for an unspecified reason (T4) lasted more than seven days.", Check::LongerThan { place: &["T4"], days: 7 }),
    Rule::error("380", Episodes, "RNE", "A period of care cannot start with a temporary placement (T0–T4 needs RNE P or B).", Check::Row(&[In("PLACE", TEMPORARY), NotIn("RNE", &["P", "B"])])),
    Rule::error("381", Episodes, "REC", "A period of care cannot end with a temporary placement (T0–T4 can only end X1).", Check::Row(&[In("PLACE", TEMPORARY), Filled("REC"), NotIn("REC", &["X1"])])),
    Rule::error("382", Episodes, "PLACE", "A child on short breaks (LS V3 or V4) cannot be in a temporary placement (T0–T4).", Check::Row(&[In("LS", &["V3", "V4"]), In("PLACE", TEMPORARY)])),
    Rule::error("383", Episodes, "RNE", "After a temporary placement the child must return to the placement before it: RNE P, and the same PLACE as the episode before the temporary one.", Check::Rows(rule_383_to_2024)).years(Years::until(2024)),
    Rule::error("383", Episodes, "RNE", "After a temporary placement the child must return to the placement before it: RNE P, and the same PLACE and PL_POST as the episode before the temporary one.", Check::Rows(rule_383)).years(Years::from(2025)),
    Rule::error("384", Episodes, "PLACE", "A child on short breaks (LS V3 or V4) cannot be in a long-term foster placement (U1 or U4).", Check::Row(&[In("LS", &["V3", "V4"]), In("PLACE", &["U1", "U4"])])),
    Rule::error("526", Episodes, "PLACE_PROVIDER", "The placement provider is missing (every placement other than T0–T4 and Z1 has one).", Check::Row(&[NotIn("PLACE", &["T0", "T1", "T2", "T3", "T4", "Z1"]), Blank("PLACE_PROVIDER")])).years(Years::until(2024)),
    Rule::error("526", Episodes, "PLACE_PROVIDER", "The placement provider is missing (every placement other than T0–T4 and Z11–Z14 has one).", Check::Row(&[NotIn("PLACE", &["T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"]), Blank("PLACE_PROVIDER")])).years(Years::from(2025)),
    Rule::error("527", Episodes, "PLACE_PROVIDER", "Placement provider PR1 (own provision) cannot go with placement types P1, R2 or R5.", Check::Row(&[In("PLACE", &["P1", "R2", "R5"]), In("PLACE_PROVIDER", &["PR1"])])),
    Rule::error("528", Episodes, "PLACE_PROVIDER", "Placement provider PR2 (another council) cannot go with placement types P1, R2 or R5.", Check::Row(&[In("PLACE", &["P1", "R2", "R5"]), In("PLACE_PROVIDER", &["PR2"])])),
    Rule::error("529", Episodes, "PLACE_PROVIDER", "Placement provider PR3 (another public provider) cannot go with placement types P1, A3–A6, K1, K2 or U1–U6.", Check::Row(&[In("PLACE", &["A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"]), In("PLACE_PROVIDER", &["PR3"])])),
    Rule::error("530", Episodes, "PLACE_PROVIDER", "Placement provider PR4 (private provision) cannot go with placement type P1.", Check::Row(&[In("PLACE", &["P1"]), In("PLACE_PROVIDER", &["PR4"])])),
    Rule::error("531", Episodes, "PLACE_PROVIDER", "Placement provider PR5 (voluntary provision) cannot go with placement type P1.", Check::Row(&[In("PLACE", &["P1"]), In("PLACE_PROVIDER", &["PR5"])])),
    Rule::error("550", Episodes, "PLACE_PROVIDER", "Placement provider PR0 (parents) goes only with placement type P1.", Check::Row(&[NotIn("PLACE", &["P1"]), In("PLACE_PROVIDER", &["PR0"])])),

    Rule::error("213", Episodes, "PLACE_PROVIDER", "A placement provider (PLACE_PROVIDER) is given for a temporary placement (T0–T4), where none is needed.", Check::Row(&[In("PLACE", &["T0", "T1", "T2", "T3", "T4"]), Filled("PLACE_PROVIDER")])).years(Years::until(2024)),
    Rule::error("213", Episodes, "PLACE_PROVIDER", "A placement provider (PLACE_PROVIDER) is given for a temporary placement (T0–T4) or a Z11–Z14 placement, where none is needed.", Check::Row(&[In("PLACE", &["T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"]), Filled("PLACE_PROVIDER")])).years(Years::from(2025)),
    Rule::error("217t", Episodes, "PLACE", "Placement type P2 is not valid from 28 October 2023: the episode ended after it or is still open.", Check::Row(&[In("PLACE", &["P2"]), Any(&[Blank("DEC"), DateAfter("DEC", (28, 10, 2023))])])).years(Years::until(2023)),
    Rule::error("370", Episodes, "PLACE", "A child in independent living (P2) must be at least 16 when it starts.", Check::YoungerThan { place: &["P2"], years: 16 }).years(Years::until(2023)),
];

fn rule_225<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for w in eps.windows(2) {
            let (e, next) = (w[0], w[1]);
            if e.get("REC") == "X1"
                && e.get("REASON_PLACE_CHANGE").is_empty()
                && !TEMPORARY.contains(&e.get("PLACE"))
                && matches!(next.get("RNE"), "P" | "B" | "T" | "U")
                && !TEMPORARY.contains(&next.get("PLACE"))
            {
                out.push(e);
            }
        }
    }
    out
}

fn rule_226<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for (i, e) in eps.iter().enumerate() {
            let before = i.checked_sub(1).and_then(|j| eps.get(j));
            if TEMPORARY.contains(&e.get("PLACE"))
                && (!e.get("REASON_PLACE_CHANGE").is_empty()
                    || before.is_some_and(|b| !b.get("REASON_PLACE_CHANGE").is_empty()))
            {
                out.push(*e);
            }
        }
    }
    out
}

fn rule_377<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.episodes_by_child()
        .iter()
        .flat_map(|eps| {
            let t3: Vec<&RawRow> = eps
                .iter()
                .copied()
                .filter(|e| e.get("PLACE") == "T3")
                .collect();
            if t3.len() > 2 { t3 } else { Vec::new() }
        })
        .collect()
}

/// 383 up to 2024-25: RNE P and the same PLACE as before the temporary
/// placement.
fn rule_383_to_2024<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for w in eps.windows(3) {
            let (before, temp, e) = (w[0], w[1], w[2]);
            if TEMPORARY.contains(&temp.get("PLACE"))
                && (e.get("RNE") != "P" || e.get("PLACE") != before.get("PLACE"))
            {
                out.push(e);
            }
        }
    }
    out
}

/// 383 from 2025-26, which adds PL_POST. A blank PL_POST equals a blank (the rule text: "must = previous
/// episode − 1 PL_POST"); the DfE's validator compares blanks as different.
fn rule_383<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    let mut out = Vec::new();
    for eps in ctx.episodes_by_child() {
        for w in eps.windows(3) {
            let (before, temp, e) = (w[0], w[1], w[2]);
            if TEMPORARY.contains(&temp.get("PLACE"))
                && (e.get("RNE") != "P"
                    || e.get("PLACE") != before.get("PLACE")
                    || e.get("PL_POST") != before.get("PL_POST"))
            {
                out.push(e);
            }
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

    fn with_header(dob: &str, body: &str) -> Vec<RawRow> {
        let mut r = rows(
            Table::Header,
            &format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,{dob},WBRI,,,"),
        );
        r.extend(rows(Table::Episodes, &format!("{COLS}\n{body}")));
        r
    }

    fn flagged(code: &str, year: &str, rows: &[RawRow]) -> Vec<u64> {
        lines_flagged(code, year, rows, None, Table::Episodes)
    }

    #[test]
    fn one_row_code_rules() {
        let one = |code: &str, row: &str| flagged(code, "2025-26", &with_header("01/06/2010", row));
        assert_eq!(one("217", "1,01/05/2025,P,E1,N1,A3,PR1,,,,,,"), [2]);
        assert!(one("217", "1,01/05/2025,S,E1,N1,A3,PR1,,,,,,").is_empty());
        assert_eq!(one("233", "1,01/05/2025,S,C2,N1,U1,PR1,,,CARPL,,,"), [2]);
        assert!(one("233", "1,01/05/2025,S,C2,N1,U1,PR1,01/06/2025,X1,CARPL,,,").is_empty());
        assert_eq!(one("366", "1,01/05/2025,P,V3,N1,U1,PR1,,,,,,"), [2]);
        assert!(one("366", "1,01/05/2025,S,V3,N1,U1,PR1,,,,,,").is_empty());
        assert_eq!(one("380", "1,01/05/2025,S,C2,N1,T1,,,,,,,"), [2]);
        assert!(one("380", "1,01/05/2025,P,C2,N1,T1,,,,,,,").is_empty());
        assert_eq!(
            one("381", "1,01/05/2025,P,C2,N1,T1,,02/05/2025,E11,,,,"),
            [2]
        );
        assert!(one("381", "1,01/05/2025,P,C2,N1,T1,,02/05/2025,X1,,,,").is_empty());
        assert_eq!(one("382", "1,01/05/2025,P,V3,N1,T1,,,,,,,"), [2]);
        assert_eq!(one("384", "1,01/05/2025,S,V4,N1,U4,PR1,,,,,,"), [2]);
        assert!(one("384", "1,01/05/2025,S,V4,N1,U6,PR1,,,,,,").is_empty());
        assert_eq!(one("526", "1,01/05/2025,S,C2,N1,U1,,,,,,,"), [2]);
        assert!(one("526", "1,01/05/2025,S,C2,N1,Z11,,,,,,,").is_empty());
        assert_eq!(one("527", "1,01/05/2025,S,C2,N1,R2,PR1,,,,,,"), [2]);
        assert_eq!(one("528", "1,01/05/2025,S,C2,N1,P1,PR2,,,,,,"), [2]);
        assert_eq!(one("529", "1,01/05/2025,S,C2,N1,U3,PR3,,,,,,"), [2]);
        assert_eq!(one("530", "1,01/05/2025,S,C2,N1,P1,PR4,,,,,,"), [2]);
        assert_eq!(one("531", "1,01/05/2025,S,C2,N1,P1,PR5,,,,,,"), [2]);
        assert_eq!(one("550", "1,01/05/2025,S,C2,N1,U1,PR0,,,,,,"), [2]);
        assert!(one("550", "1,01/05/2025,S,C2,N1,P1,PR0,,,,,,").is_empty());
    }

    #[test]
    fn ages_and_lengths_of_placement_types() {
        assert_eq!(
            flagged(
                "371",
                "2025-26",
                &with_header(
                    "01/06/2012",
                    "1,01/05/2025,S,C2,N1,K3,PR4,01/06/2025,E11,,,,"
                )
            ),
            [2]
        );
        assert!(
            flagged(
                "371",
                "2025-26",
                &with_header(
                    "01/06/2008",
                    "1,01/05/2025,S,C2,N1,K3,PR4,01/06/2025,E11,,,,"
                )
            )
            .is_empty()
        );
        assert_eq!(
            flagged(
                "373",
                "2025-26",
                &with_header(
                    "01/06/2022",
                    "1,01/05/2025,S,C2,N1,S1,PR4,01/06/2025,E11,,,,"
                )
            ),
            [2]
        );
        assert_eq!(
            flagged(
                "375",
                "2025-26",
                &with_header("01/06/2012", "1,01/05/2025,P,C2,N1,T1,,01/07/2025,X1,,,,")
            ),
            [2]
        );
        assert!(
            flagged(
                "375",
                "2025-26",
                &with_header("01/06/2012", "1,01/05/2025,P,C2,N1,T1,,01/06/2025,X1,,,,")
            )
            .is_empty()
        );
        assert_eq!(
            flagged(
                "379",
                "2025-26",
                &with_header("01/06/2012", "1,01/05/2025,P,C2,N1,T4,,09/05/2025,X1,,,,")
            ),
            [2]
        );
    }

    #[test]
    fn rules_across_a_childs_episodes() {
        let eps = "1,01/04/2025,S,C2,N1,U1,PR1,01/05/2025,X1,,,AB1 2CD,\n\
                   1,01/05/2025,P,C2,N1,T3,,05/05/2025,X1,,,,\n\
                   1,05/05/2025,P,C2,N1,U1,PR1,01/06/2025,X1,CARPL,,AB1 2CD,\n\
                   1,01/06/2025,P,C2,N1,T3,,02/06/2025,X1,,,,\n\
                   1,02/06/2025,P,C2,N1,U2,PR1,01/07/2025,X1,,,ZZ1 1ZZ,\n\
                   1,01/07/2025,P,C2,N1,T3,,02/07/2025,X1,,,,\n\
                   1,02/07/2025,P,C2,N1,U2,PR1,,,,,ZZ1 1ZZ,";
        let r = with_header("01/06/2012", eps);
        // 225: the first episode ends X1 into a T3: not needed; none other.
        assert!(flagged("225", "2025-26", &r).is_empty());
        // 226: the T3 after an episode with a reason.
        assert_eq!(flagged("226", "2025-26", &r), [5]);
        assert_eq!(flagged("377", "2025-26", &r), [3, 5, 7]);
        // 383: line 6 returns to U2 but the placement before the T3 was U1.
        assert_eq!(flagged("383", "2025-26", &r), [6]);
        let missing_reason = with_header(
            "01/06/2012",
            "1,01/04/2025,S,C2,N1,U1,PR1,01/05/2025,X1,,,,\n1,01/05/2025,P,C2,N1,U2,PR1,,,,,,",
        );
        assert_eq!(flagged("225", "2025-26", &missing_reason), [2]);
    }
    #[test]
    fn providers_and_postcodes_not_needed() {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n5,M,01/01/2010,WBRI,,,",
        );
        r.extend(rows(
            Table::Episodes,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1,01/04/2025,S,C2,N1,T1,PR1,,,,,,\n2,01/04/2025,S,V3,N1,U1,PR1,,,,AB1,CD2,\n3,01/04/2025,S,C2,N1,Z11,,,,,,,\n4,01/04/2025,S,C2,N1,Z12,PR2,,,,,,\n5,01/04/2023,S,C2,N1,P2,PR1,01/12/2023,E4A,,,,",
        ));
        let f = |code: &str, y: &str| lines_flagged(code, y, &r, None, Table::Episodes);
        assert_eq!(f("213", "2025-26"), [2, 5]);
        assert_eq!(f("213", "2024-25"), [2]);
        assert_eq!(f("217t", "2023-24"), [6]);
        assert_eq!(f("370", "2023-24"), [6]);
    }
}
