//! Episodes: dates and codes, how episodes chain into periods of care, and
//! whether the reason for a new episode matches what changed (434–436).

use super::{Check, Ctx, Rule};
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
    Rule::error("501", Episodes, "DECOM", "A new episode started before the previous episode ended (episodes overlap).", Check::Records).severity(Fatal),
    Rule::error("1009", Episodes, "REASON_PLACE_CHANGE", "The reason for placement change is not a valid code.", Check::Reading).severity(Fatal),
];

const PLACEMENT: [&str; 4] = ["PLACE", "PL_POST", "URN", "PLACE_PROVIDER"];

/// Each episode with the one before it (same child, by DECOM).
fn with_previous<'a>(ctx: &Ctx<'a>) -> Vec<(&'a RawRow, &'a RawRow)> {
    ctx.this
        .episodes_by_child()
        .into_iter()
        .flat_map(|eps| eps.windows(2).map(|w| (w[1], w[0])).collect::<Vec<_>>())
        .collect()
}

/// Whether anything about the placement differs (a blank is equal to a
/// blank, as the rule text reads).
fn placement_changed(a: &RawRow, b: &RawRow) -> bool {
    PLACEMENT.iter().any(|c| a.get(c) != b.get(c))
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

/// 435. The DfE's validator compares blank with blank as different (pandas'
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
}
