//! OC2: health outcomes of children looked after for 12 months.

use foldhash::HashSet;

use super::{At::*, Check, Cmp::*, Cond::*, Ctx, Rule};
use crate::problem::Severity::{Fatal, Warning};
use crate::raw::RawRow;
use crate::tables::Table::*;

const FLAGS: &[&str] = &[
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
];

const HEALTH: &[&str] = &[
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
];

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "157",
        Oc2,
        "SDQ_REASON",
        "The reason for no SDQ score is SDQ1 (no form returned because the child is under 4 or over 16) but the child was 4 or over at the start of the year and 16 or under at its end.",
        Check::Row(&[
            Continuously,
            Age(4, Le, Start),
            Age(16, Ge, End),
            Blank("SDQ_SCORE"),
            In("SDQ_REASON", &["SDQ1"]),
        ]),
    ),
    Rule::error(
        "158",
        Oc2,
        "INTERVENTION_OFFERED",
        "The child received an intervention for substance misuse, so whether one was offered (INTERVENTION_OFFERED) is left blank.",
        Check::Row(&[
            In("INTERVENTION_RECEIVED", &["1"]),
            Filled("INTERVENTION_OFFERED"),
        ]),
    ),
    Rule::error(
        "159",
        Oc2,
        "INTERVENTION_OFFERED",
        "The child has a substance misuse problem and received no intervention, so whether one was offered (INTERVENTION_OFFERED) must be filled in.",
        Check::Row(&[
            In("SUBSTANCE_MISUSE", &["1"]),
            In("INTERVENTION_RECEIVED", &["0"]),
            Blank("INTERVENTION_OFFERED"),
        ]),
    ),
    Rule::error(
        "181",
        Oc2,
        "CONVICTED",
        "A yes/no health outcome must be 1 (yes), 0 (no) or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "185",
        Oc2,
        "SDQ_SCORE",
        "An SDQ score is given for a child not looked after continuously for 12 months at 31 March.",
        Check::Row(&[Filled("SDQ_SCORE"), NotContinuously]),
    ),
    Rule::error(
        "186",
        Oc2,
        "SDQ_SCORE",
        "A child aged 4 or over at the start of the year and under 17 at its end, looked after continuously for 12 months, needs an SDQ score or a reason for none.",
        Check::Row(&[
            Age(4, Le, Start),
            Age(17, Gt, End),
            Continuously,
            Blank("SDQ_SCORE"),
            Blank("SDQ_REASON"),
        ]),
    ),
    Rule::error(
        "188",
        Oc2,
        "SDQ_SCORE",
        "The child is under 4 at the end of the year, so no SDQ score or reason for none is given.",
        Check::Row(&[Age(4, Gt, End), AnyFilled(&["SDQ_SCORE", "SDQ_REASON"])]),
    ),
    Rule::error(
        "189",
        Oc2,
        "SDQ_SCORE",
        "The child is 17 or over at the start of the year, so no SDQ score or reason for none is given.",
        Check::Row(&[Age(17, Lt, Start), AnyFilled(&["SDQ_SCORE", "SDQ_REASON"])]),
    ),
    Rule::error(
        "190",
        Oc2,
        "CONVICTED",
        "The child was not looked after continuously for 12 months at 31 March, so the 12-month outcomes (convictions, health checks, substance misuse) are left blank.",
        Check::Row(&[NotContinuously, AnyFilled(FLAGS)]),
    ),
    Rule::error(
        "191",
        Oc2,
        "IMMUNISATIONS",
        "The child was looked after continuously for 12 months at 31 March, so immunisations, teeth check, health assessment and substance misuse must be filled in (an OC2 row is needed).",
        Check::Rows(rule_191),
    ),
    Rule::error(
        "192",
        Oc2,
        "INTERVENTION_RECEIVED",
        "The child has a substance misuse problem, so whether an intervention was received must be filled in.",
        Check::Row(&[
            In("SUBSTANCE_MISUSE", &["1"]),
            Blank("INTERVENTION_RECEIVED"),
        ]),
    ),
    Rule::error(
        "193",
        Oc2,
        "INTERVENTION_RECEIVED",
        "The child has no substance misuse problem recorded, so whether an intervention was received or offered is left blank.",
        Check::Row(&[
            BlankOrIn("SUBSTANCE_MISUSE", &["0"]),
            AnyFilled(&["INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]),
        ]),
    ),
    Rule::error(
        "196",
        Oc2,
        "SDQ_REASON",
        "The reason for no SDQ score is not a valid code SDQ1–SDQ5.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "197a",
        Oc2,
        "SDQ_REASON",
        "A reason for no SDQ score is not needed when there is a score.",
        Check::Reading,
    )
    .severity(Warning),
    Rule::error(
        "197B",
        Oc2,
        "SDQ_SCORE",
        "The child turned 4 or 17 during the year and was looked after continuously for 12 months: check whether an SDQ score or a reason for none should be given.",
        Check::Rows(rule_197b),
    )
    .severity(Warning),
    Rule::error(
        "198",
        Oc2,
        "SDQ_REASON",
        "A reason for no SDQ score is given for a child not looked after continuously for 12 months at 31 March.",
        Check::Row(&[Filled("SDQ_REASON"), NotContinuously]),
    ),
    Rule::error(
        "542",
        Oc2,
        "CONVICTED",
        "The child is under 10 at 31 March, so conviction information is left blank.",
        Check::Row(&[Age(10, Gt, End), Filled("CONVICTED")]),
    ),
    Rule::error(
        "543",
        Oc2,
        "CONVICTED",
        "The child is 10 or over at 31 March and was looked after continuously for 12 months, so conviction information must be filled in.",
        Check::Row(&[Age(10, Lt, End), Continuously, Blank("CONVICTED")]),
    ),
    Rule::error(
        "544",
        Oc2,
        "CONVICTED",
        "A child with a conviction also needs immunisations, teeth check, health assessment and substance misuse filled in.",
        Check::Row(&[In("CONVICTED", &["1"]), AnyBlank(HEALTH)]),
    ),
    Rule::error(
        "545",
        Oc2,
        "HEALTH_CHECK",
        "The child is under 5 at 31 March and was looked after continuously for 12 months, so the health check (HEALTH_CHECK) must be filled in.",
        Check::Row(&[Age(5, Gt, End), Continuously, Blank("HEALTH_CHECK")]),
    ),
    Rule::error(
        "546",
        Oc2,
        "HEALTH_CHECK",
        "The child is 5 or over at 31 March, so the health check for under-fives (HEALTH_CHECK) is left blank.",
        Check::Row(&[Age(5, Le, End), Continuously, Filled("HEALTH_CHECK")]),
    ),
    Rule::error(
        "547",
        Oc2,
        "HEALTH_CHECK",
        "A child with a health check also needs immunisations, teeth check, health assessment and substance misuse filled in.",
        Check::Row(&[In("HEALTH_CHECK", &["1"]), AnyBlank(HEALTH)]),
    ),

    Rule::error("180", Oc2, "SDQ_SCORE", "The strengths and difficulties questionnaire score (SDQ_SCORE) is not a whole number from 0 to 40.", Check::Reading).severity(Fatal),
    Rule::error("182", Oc2, "IMMUNISATIONS", "Immunisations, teeth check, health assessment and substance misuse must all be given, or every OC2 item left blank.", Check::Row(&[AnyBlank(&["IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"]), AnyFilled(&["CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"])])),
    Rule::error("INT33", Oc2, "CHILD", "The child has more than one row in OC2.", Check::Repeated),
];

/// 197B: a warning (the DfE's validator reports it as an error): whether a
/// child who turned 4 or 17 during the year was due an SDQ depends on the
/// date of the assessment, which the return does not hold.
fn rule_197b<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    ctx.this
        .rows(Oc2)
        .iter()
        .filter(|r| {
            let Some(dob) = super::date(r, "DOB") else {
                return false;
            };
            let turns = |n: u32| {
                let b = super::plus_years(dob, n);
                b >= ctx.start() && b <= ctx.end()
            };
            (turns(4) || turns(17))
                && ctx.continuously.contains(r.get("CHILD"))
                && r.get("SDQ_SCORE").is_empty()
                && r.get("SDQ_REASON").is_empty()
        })
        .collect()
}

fn rule_191<'a>(ctx: &Ctx<'a>) -> Vec<&'a RawRow> {
    if !ctx.this.has(Oc2) {
        return Vec::new();
    }
    let mut out: Vec<&RawRow> = ctx
        .this
        .rows(Oc2)
        .iter()
        .filter(|r| {
            ctx.continuously.contains(r.get("CHILD")) && HEALTH.iter().any(|c| r.get(c).is_empty())
        })
        .collect();
    // A child looked after for 12 months with no OC2 row: their first
    // episode is flagged.
    let with_oc2: HashSet<&str> = ctx.this.rows(Oc2).iter().map(|r| r.get("CHILD")).collect();
    for eps in ctx.episodes_by_child() {
        if let Some(first) = eps.first()
            && ctx.continuously.contains(first.get("CHILD"))
            && !with_oc2.contains(first.get("CHILD"))
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
    const OC2: &str = "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED";

    /// Child 1 in care all year (since 2020), child 2 from June 2024.
    fn ret(oc2: &str) -> Vec<RawRow> {
        let mut r = rows(
            Table::Episodes,
            &format!(
                "{COLS}\n1,01/05/2020,S,C2,N1,U1,PR1,,,,,,\n2,01/06/2024,S,C2,N1,U1,PR1,,,,,,"
            ),
        );
        r.extend(rows(Table::Oc2, &format!("{OC2}\n{oc2}")));
        r
    }

    fn flagged(code: &str, oc2: &str) -> Vec<u64> {
        lines_flagged(code, "2024-25", &ret(oc2), None, Table::Oc2)
    }

    #[test]
    fn the_12_month_cohort_decides_what_is_filled_in() {
        let full = "1,01/01/2012,12,,0,,1,1,1,0,,";
        for code in [
            "157", "158", "159", "185", "186", "188", "189", "190", "191", "192", "193", "198",
            "542", "543", "544", "545", "546", "547",
        ] {
            assert!(flagged(code, full).is_empty(), "{code}");
        }
        assert_eq!(flagged("185", "2,01/01/2012,12,,,,,,,,,"), [2]);
        // Leaving care on 31 March breaks the 12 months (the DfE's
        // definition; its validator counts the child in).
        assert_eq!(flagged("185", "3,01/01/2012,12,,,,,,,,,"), [2]);
        assert_eq!(flagged("198", "2,01/01/2012,,SDQ2,,,,,,,,"), [2]);
        assert_eq!(flagged("190", "2,01/01/2012,,,0,,,,,,,"), [2]);
        assert_eq!(flagged("186", "1,01/01/2012,,,0,,1,1,1,0,,"), [2]);
        assert_eq!(flagged("191", "1,01/01/2012,12,,0,,,1,1,0,,"), [2]);
        assert_eq!(
            lines_flagged(
                "191",
                "2024-25",
                &ret("2,01/01/2012,,,,,,,,,,"),
                None,
                Table::Episodes
            ),
            [2]
        );
        assert_eq!(flagged("157", "1,01/01/2012,,SDQ1,0,,1,1,1,0,,"), [2]);
        assert_eq!(flagged("197B", "1,01/01/2008,,,0,,1,1,1,0,,"), [2]);
        assert!(flagged("197B", "1,01/01/2008,,SDQ1,0,,1,1,1,0,,").is_empty());
        assert!(flagged("197B", "1,01/01/2009,,,0,,1,1,1,0,,").is_empty());
        assert_eq!(flagged("543", "1,01/01/2012,12,,,,1,1,1,0,,"), [2]);
        assert_eq!(flagged("545", "1,01/01/2021,,,,,1,1,1,0,,"), [2]);
        assert_eq!(flagged("546", "1,01/01/2012,12,,0,1,1,1,1,0,,"), [2]);
    }

    #[test]
    fn ages_and_pairs_of_answers() {
        assert_eq!(flagged("188", "1,01/01/2022,,SDQ1,,,,,,,,"), [2]);
        assert_eq!(flagged("189", "1,01/01/2005,10,,,,,,,,,"), [2]);
        assert_eq!(flagged("542", "1,01/01/2016,,,0,,,,,,,"), [2]);
        assert_eq!(flagged("544", "1,01/01/2012,12,,1,,,1,1,0,,"), [2]);
        assert_eq!(flagged("547", "1,01/01/2021,,,,1,1,1,,0,,"), [2]);
        assert_eq!(flagged("192", "1,01/01/2012,12,,0,,1,1,1,1,,"), [2]);
        assert_eq!(flagged("193", "1,01/01/2012,12,,0,,1,1,1,0,1,"), [2]);
        assert_eq!(flagged("158", "1,01/01/2012,12,,0,,1,1,1,1,1,1"), [2]);
        assert_eq!(flagged("159", "1,01/01/2012,12,,0,,1,1,1,1,0,"), [2]);
    }
    #[test]
    fn oc2_items_given_together_once_per_child() {
        let r = rows(
            Table::Oc2,
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n1,01/01/2010,,,0,1,1,1,1,0,,\n2,01/01/2010,,,0,1,,1,1,0,,\n3,01/01/2010,,,,,,,,,,\n3,01/01/2010,,,,,,,,,,",
        );
        let f = |code: &str| lines_flagged(code, "2025-26", &r, None, Table::Oc2);
        assert_eq!(f("182"), [3]);
        assert_eq!(f("INT33"), [4, 5]);
    }
}
