//! Adoption and the other tables made into records while reading (AD1,
//! PlacedAdoption, OC3, PrevPerm): the codes the reader must understand to
//! make a record are checked as it reads (`convert.rs`, fatal); the other
//! rules read the rows by column name.

use super::{Check, Cmp, Cond::*, Rule};
use crate::problem::Severity::Fatal;
use crate::tables::Table::*;

pub(super) const RULES: &[Rule] = &[
    Rule::error(
        "112",
        Ad1,
        "DATE_INT",
        "The date the child should be placed for adoption (DATE_INT) is not a valid date.",
        Check::Row(&[BadDate("DATE_INT")]),
    ),
    Rule::error(
        "113",
        Ad1,
        "DATE_MATCH",
        "The date the child was matched with the adopters (DATE_MATCH) is not a valid date.",
        Check::Row(&[BadDate("DATE_MATCH")]),
    ),
    Rule::error(
        "114",
        Ad1,
        "FOSTER_CARE",
        "Whether the child was adopted by their foster carers (FOSTER_CARE) must be 0, 1 or blank.",
        Check::Row(&[Filled("FOSTER_CARE"), NotIn("FOSTER_CARE", &["0", "1"])]),
    ),
    Rule::error(
        "115",
        PlacedAdoption,
        "DATE_PLACED",
        "The date of the decision that the child should be placed for adoption (DATE_PLACED) is not a valid date.",
        Check::Row(&[BadDate("DATE_PLACED")]),
    ),
    Rule::error(
        "116",
        PlacedAdoption,
        "DATE_PLACED_CEASED",
        "The date of the decision that the child should no longer be placed for adoption (DATE_PLACED_CEASED) is not a valid date.",
        Check::Row(&[BadDate("DATE_PLACED_CEASED")]),
    ),
    Rule::error(
        "119",
        PlacedAdoption,
        "REASON_PLACED_CEASED",
        "The date and the reason of a decision that the child should no longer be placed for adoption must both be given or both be blank.",
        Check::Row(&[OnlyOneFilled("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")]),
    ),
    Rule::error(
        "120",
        PlacedAdoption,
        "REASON_PLACED_CEASED",
        "The reason the decision to place for adoption was reversed must be RD1–RD4 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "175",
        Ad1,
        "NB_ADOPTR",
        "The number of adopters (NB_ADOPTR) must be 1, 2 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "176",
        Ad1,
        "SEX_ADOPTR",
        "The sex of the adopters (SEX_ADOPTR) must be M1, F1, MM, FF, MF or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "177",
        Ad1,
        "LS_ADOPTR",
        "The legal status of the adopters (LS_ADOPTR) must be L0, L11, L12, L2, L3, L4 or blank.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "131",
        Oc3,
        "IN_TOUCH",
        "Whether the care leaver is in touch (IN_TOUCH) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "132",
        Oc3,
        "ACTIV",
        "The care leaver's main activity (ACTIV) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "133",
        Oc3,
        "ACCOM",
        "The care leaver's accommodation (ACCOM) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "631",
        PrevPerm,
        "PREV_PERM",
        "The child's permanence before care (PREV_PERM) is not a valid code.",
        Check::Reading,
    )
    .severity(Fatal),
    Rule::error(
        "184",
        PlacedAdoption,
        "DATE_PLACED",
        "The decision that the child should be placed for adoption is dated before the child was born.",
        Check::Row(&[HeaderAge(0, Cmp::Gt, "DATE_PLACED")]),
    ),
];

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::tables::Table;

    #[test]
    fn ad1_codes_and_dates() {
        let ad1 = rows(
            Table::Ad1,
            "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n1,01/01/2015,01/02/2024,01/03/2024,1,2,MF,L11\n2,01/01/2015,31/02/2024,2024-03-01,2,3,XX,L9",
        );
        // 175-177 are checked while reading (convert.rs).
        for (code, bad) in [("112", 3), ("113", 3), ("114", 3)] {
            assert_eq!(
                lines_flagged(code, "2024-25", &ad1, None, Table::Ad1),
                [bad],
                "{code}"
            );
        }
    }

    #[test]
    fn placed_for_adoption_dates_and_reasons() {
        let mut r = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2015,WBRI,,,\n2,M,01/01/2015,WBRI,,,\n3,M,01/01/2015,WBRI,,,",
        );
        r.extend(rows(Table::PlacedAdoption, "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n1,01/01/2015,01/02/2024,,\n2,01/01/2015,01/02/2014,01/13/2024,RD1\n3,01/01/2015,01/02/2024,,RD9"));
        let f = |code: &str| lines_flagged(code, "2024-25", &r, None, Table::PlacedAdoption);
        assert!(f("115").is_empty());
        assert_eq!(f("116"), [3]);
        assert_eq!(f("119"), [4]);
        assert_eq!(f("184"), [3]);
    }
}
