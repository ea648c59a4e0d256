//! The 903 tables and how a CSV file is recognised as one of them: by its
//! exact set of column names (in any order), never by its file name.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

/// A table of the 903 return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Table {
    Header,
    Episodes,
    Reviews,
    Uasc,
    Missing,
    Oc2,
    Oc3,
    Ad1,
    PlacedAdoption,
    PrevPerm,
    SwEpisodes,
    /// Deprivation of liberty orders, from 2026-27.
    DoLo,
}

impl Table {
    pub const ALL: [Table; 12] = [
        Table::Header,
        Table::Episodes,
        Table::Reviews,
        Table::Uasc,
        Table::Missing,
        Table::Oc2,
        Table::Oc3,
        Table::Ad1,
        Table::PlacedAdoption,
        Table::PrevPerm,
        Table::SwEpisodes,
        Table::DoLo,
    ];

    /// The table's name as the DfE validator knows it.
    pub fn name(self) -> &'static str {
        match self {
            Table::Header => "Header",
            Table::Episodes => "Episodes",
            Table::Reviews => "Reviews",
            Table::Uasc => "UASC",
            Table::Missing => "Missing",
            Table::Oc2 => "OC2",
            Table::Oc3 => "OC3",
            Table::Ad1 => "AD1",
            Table::PlacedAdoption => "PlacedAdoption",
            Table::PrevPerm => "PrevPerm",
            Table::SwEpisodes => "SWEpisodes",
            Table::DoLo => "DoLo",
        }
    }

    /// The first collection year whose return has the table (SWEpisodes
    /// from 2023-24, DoLo from 2026-27); `None` for the tables of every year.
    pub fn first_year(self) -> Option<i32> {
        match self {
            Table::SwEpisodes => Some(2023),
            Table::DoLo => Some(2026),
            _ => None,
        }
    }

    /// The file name the CSV form is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Header => "header.csv",
            Table::Episodes => "episodes.csv",
            Table::Reviews => "reviews.csv",
            Table::Uasc => "uasc.csv",
            Table::Missing => "missing.csv",
            Table::Oc2 => "oc2.csv",
            Table::Oc3 => "oc3.csv",
            Table::Ad1 => "ad1.csv",
            Table::PlacedAdoption => "placed_for_adoption.csv",
            Table::PrevPerm => "previous_permanence.csv",
            Table::SwEpisodes => "sw_episodes.csv",
            Table::DoLo => "dolo.csv",
        }
    }

    /// The columns, in the DfE's order (`ssda903.md` §1).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            Table::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            Table::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            Table::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            Table::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            Table::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            Table::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            Table::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            Table::PlacedAdoption => &[
                "CHILD",
                "DOB",
                "DATE_PLACED",
                "DATE_PLACED_CEASED",
                "REASON_PLACED_CEASED",
            ],
            Table::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            Table::SwEpisodes => &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
            Table::DoLo => &["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        }
    }

    /// The DfE validator's rule for a child in this table who is not in the
    /// Header (INT01–INT09; the Header, SWEpisodes and DoLo have none).
    pub fn not_in_header_rule(self) -> Option<&'static str> {
        Some(match self {
            Table::Ad1 => "INT01",
            Table::PlacedAdoption => "INT02",
            Table::Episodes => "INT03",
            Table::Missing => "INT04",
            Table::Oc2 => "INT05",
            Table::Oc3 => "INT06",
            Table::PrevPerm => "INT07",
            Table::Reviews => "INT08",
            Table::Uasc => "INT09",
            Table::Header | Table::SwEpisodes | Table::DoLo => return None,
        })
    }

    /// The DfE validator's rule for a DOB in this table that differs from
    /// the Header's (INT11–INT18; tables without a DOB, the Header,
    /// SWEpisodes and DoLo have none).
    pub fn dob_differs_rule(self) -> Option<&'static str> {
        Some(match self {
            Table::Ad1 => "INT11",
            Table::PlacedAdoption => "INT12",
            Table::Missing => "INT13",
            Table::Oc2 => "INT14",
            Table::Oc3 => "INT15",
            Table::PrevPerm => "INT16",
            Table::Reviews => "INT17",
            Table::Uasc => "INT18",
            Table::Header | Table::Episodes | Table::SwEpisodes | Table::DoLo => return None,
        })
    }

    /// Whether the table's rows become the core records (children,
    /// episodes, reviews, missing periods, OC2). The others (OC3, AD1,
    /// PlacedAdoption, PrevPerm, SWEpisodes, DoLo) are kept as raw rows
    /// too ([`crate::Return903::other_tables`]) and become the records of
    /// [`footprint_domain::return_tables`].
    pub fn is_used(self) -> bool {
        matches!(
            self,
            Table::Header
                | Table::Episodes
                | Table::Reviews
                | Table::Uasc
                | Table::Missing
                | Table::Oc2
        )
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Columns that match no table, with the nearest table and how it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognised {
    pub closest: Table,
    pub missing: Vec<&'static str>,
    pub unexpected: Vec<String>,
}

impl Unrecognised {
    pub fn message(&self, columns: &[String]) -> String {
        let mut msg = format!(
            "the columns {} do not match any 903 table; the closest is {} ({})",
            columns.join(", "),
            self.closest,
            self.closest.columns().join(", ")
        );
        if !self.missing.is_empty() {
            msg.push_str(&format!("; missing: {}", self.missing.join(", ")));
        }
        if !self.unexpected.is_empty() {
            msg.push_str(&format!("; not expected: {}", self.unexpected.join(", ")));
        }
        let upper: BTreeSet<String> = columns.iter().map(|c| c.to_ascii_uppercase()).collect();
        let lower_case_used = columns.iter().any(|c| *c != c.to_ascii_uppercase());
        if lower_case_used && self.closest.columns().iter().all(|c| upper.contains(*c)) {
            msg.push_str("; 903 column names are upper case");
        }
        msg
    }
}

/// Recognises a table by its exact set of column names (any order). The
/// Header table may also carry the derived `UASC` column (0/1) some tools add.
pub fn recognise(columns: &[String]) -> Result<Table, Unrecognised> {
    let set: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    for table in Table::ALL {
        let expected: BTreeSet<&str> = table.columns().iter().copied().collect();
        if set == expected && set.len() == columns.len() {
            return Ok(table);
        }
        if table == Table::Header && set.len() == columns.len() {
            let mut with_uasc = expected.clone();
            with_uasc.insert("UASC");
            if set == with_uasc {
                return Ok(table);
            }
        }
    }
    // Nearest by Jaccard similarity, case-insensitively.
    let upper: BTreeSet<String> = columns.iter().map(|c| c.to_ascii_uppercase()).collect();
    let score = |t: Table| {
        let common = t.columns().iter().filter(|c| upper.contains(**c)).count();
        let union = t.columns().len() + upper.len() - common;
        (common * 1000) / union.max(1)
    };
    let mut closest = Table::Header;
    let mut best = 0;
    for t in Table::ALL {
        let s = score(t);
        if s > best {
            best = s;
            closest = t;
        }
    }
    let missing = closest
        .columns()
        .iter()
        .filter(|c| !set.contains(**c))
        .copied()
        .collect();
    let mut seen = BTreeSet::new();
    let unexpected = columns
        .iter()
        .filter(|c| !closest.columns().contains(&c.as_str()) || !seen.insert(c.as_str()))
        .cloned()
        .collect();
    Err(Unrecognised {
        closest,
        missing,
        unexpected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(s: &str) -> Vec<String> {
        s.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn tables_are_recognised_by_their_column_set_in_any_order() {
        assert_eq!(
            recognise(&cols("REVIEW_CODE,CHILD,REVIEW,DOB")),
            Ok(Table::Reviews)
        );
        assert_eq!(recognise(&cols("CHILD,SEX,DOB,DUC")), Ok(Table::Uasc));
        for t in Table::ALL {
            let c: Vec<String> = t.columns().iter().map(|s| s.to_string()).collect();
            assert_eq!(recognise(&c), Ok(t));
        }
        assert_eq!(
            recognise(&cols("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,UASC")),
            Ok(Table::Header)
        );
    }

    #[test]
    fn the_int_rules_are_numbered_per_table_as_the_dfe_validator_does() {
        assert_eq!(Table::Episodes.not_in_header_rule(), Some("INT03"));
        assert_eq!(Table::Missing.not_in_header_rule(), Some("INT04"));
        assert_eq!(Table::Oc2.not_in_header_rule(), Some("INT05"));
        assert_eq!(Table::Reviews.not_in_header_rule(), Some("INT08"));
        assert_eq!(Table::Uasc.not_in_header_rule(), Some("INT09"));
        assert_eq!(Table::Missing.dob_differs_rule(), Some("INT13"));
        assert_eq!(Table::Oc2.dob_differs_rule(), Some("INT14"));
        assert_eq!(Table::Reviews.dob_differs_rule(), Some("INT17"));
        assert_eq!(Table::Uasc.dob_differs_rule(), Some("INT18"));
        assert_eq!(Table::Header.not_in_header_rule(), None);
        assert_eq!(Table::Episodes.dob_differs_rule(), None);
    }

    #[test]
    fn near_misses_name_the_closest_table_and_the_difference() {
        let c = cols("CHILD,DOB,REVIEW,PARTICIPATION");
        let err = recognise(&c).unwrap_err();
        assert_eq!(err.closest, Table::Reviews);
        assert_eq!(err.missing, vec!["REVIEW_CODE"]);
        assert_eq!(err.unexpected, vec!["PARTICIPATION".to_string()]);
        let msg = err.message(&c);
        assert!(msg.contains("closest is Reviews"), "{msg}");
        assert!(msg.contains("missing: REVIEW_CODE"), "{msg}");

        let lower = cols("child,dob,review,review_code");
        let err = recognise(&lower).unwrap_err();
        assert_eq!(err.closest, Table::Reviews);
        assert!(err.message(&lower).contains("upper case"));

        let dup = cols("CHILD,DOB,REVIEW,REVIEW_CODE,REVIEW");
        let err = recognise(&dup).unwrap_err();
        assert_eq!(err.unexpected, vec!["REVIEW".to_string()]);
    }
}
