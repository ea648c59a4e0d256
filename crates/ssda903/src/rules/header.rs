//! The Header: a child's sex, date of birth and ethnicity, and the checks of
//! every other table against it (INT01–INT18).

use super::{At, Check, Cmp, Cond::*, Rule, Years};
use crate::problem::Severity::{Fatal, Warning};
use crate::tables::Table::{self, *};

const fn int(code: &'static str, table: Table, message: &'static str) -> Rule {
    Rule::error(code, table, "CHILD", message, Check::Reading).severity(Fatal)
}

const fn int_dob(code: &'static str, table: Table, message: &'static str) -> Rule {
    Rule::error(code, table, "DOB", message, Check::Reading).severity(Warning)
}

pub(super) const RULES: &[Rule] = &[
    Rule::error("171", Header, "MC_DOB", "The date of birth of the mother's child (MC_DOB) is not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("174", Header, "MC_DOB", "A date of birth of the mother's child is given for a male child (SEX 1).", Check::Row(&[In("SEX", &["1"]), Filled("MC_DOB")])).years(Years::until(2023)),
    Rule::error("174", Header, "MC_DOB", "A date of birth of the mother's child is given for a male child (SEX M).", Check::Row(&[In("SEX", &["M"]), Filled("MC_DOB")])).years(Years::from(2024)),
    Rule::error("232", Header, "SEX", "The child's sex is recorded as unknown (U): check it.", Check::Row(&[In("SEX", &["U", "u"])])).years(Years::from(2024)).severity(Warning),
    Rule::error("351", Header, "DOB", "The child was over 25 at the start of the collection year.", Check::Row(&[Age(25, Cmp::Lt, At::Start)])),
    Rule::error("101", Header, "SEX", "The child's sex is not a valid code (1/2 up to 2023-24; M, F or U from 2024-25).", Check::Reading).severity(Fatal),
    Rule::error("102", Header, "DOB", "The date of birth is blank or not a valid date.", Check::Reading).severity(Fatal),
    Rule::error("103", Header, "ETHNIC", "The ethnicity code is blank or not a valid code.", Check::Reading).severity(Fatal),
    Rule::error("301", Header, "DOB", "The date of birth is after the end of the collection year.", Check::Reading).severity(Warning),
    Rule::error("399", Header, "MOTHER", "MOTHER, a review or a participation code is filled in for a child whose episodes are all short breaks (legal status V3/V4).", Check::Records).severity(Warning),
    int("INT01", Ad1, "The child is in the AD1 table but not in the Header."),
    int("INT02", PlacedAdoption, "The child is in the PlacedAdoption table but not in the Header."),
    int("INT03", Episodes, "The child is in the Episodes table but not in the Header."),
    int("INT04", Missing, "The child is in the Missing table but not in the Header."),
    int("INT05", Oc2, "The child is in the OC2 table but not in the Header."),
    int("INT06", Oc3, "The child is in the OC3 table but not in the Header."),
    int("INT07", PrevPerm, "The child is in the PrevPerm table but not in the Header."),
    int("INT08", Reviews, "The child is in the Reviews table but not in the Header."),
    int("INT09", Uasc, "The child is in the UASC table but not in the Header."),
    int_dob("INT11", Ad1, "The DOB in the AD1 table differs from the Header's."),
    int_dob("INT12", PlacedAdoption, "The DOB in the PlacedAdoption table differs from the Header's."),
    int_dob("INT13", Missing, "The DOB in the Missing table differs from the Header's."),
    int_dob("INT14", Oc2, "The DOB in the OC2 table differs from the Header's."),
    int_dob("INT15", Oc3, "The DOB in the OC3 table differs from the Header's."),
    int_dob("INT16", PrevPerm, "The DOB in the PrevPerm table differs from the Header's."),
    int_dob("INT17", Reviews, "The DOB in the Reviews table differs from the Header's."),
    int_dob("INT18", Uasc, "The DOB in the UASC table differs from the Header's."),
];

#[cfg(test)]
mod tests {
    use super::super::tests::{lines_flagged, rows};
    use crate::tables::Table;

    #[test]
    fn mothers_sex_and_age() {
        let h = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2010,WBRI,,,01/01/2024\n2,F,01/01/2008,WBRI,,1,01/01/2024\n3,U,01/01/1990,WBRI,,,",
        );
        let f = |code: &str| lines_flagged(code, "2024-25", &h, None, Table::Header);
        assert_eq!(f("174"), [2]);
        assert_eq!(f("232"), [4]);
        assert_eq!(f("351"), [4]);
        let old = rows(
            Table::Header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,01/01/2010,WBRI,,,01/01/2024\n2,2,01/01/2008,WBRI,,1,01/01/2024",
        );
        assert_eq!(
            lines_flagged("174", "2023-24", &old, None, Table::Header),
            [2]
        );
    }
}
