//! Ofsted's lists of providers (children's homes and other social care
//! providers), as the DfE's validator reads them for the rules that compare
//! an episode's URN with Ofsted's register (219, 221, 224, 227, 228, 229,
//! 241, 1008).
//!
//! The file is a CSV with a header line: Ofsted's combined "social care
//! providers and children's homes" list saved as CSV, or any file with the
//! same columns. The columns are found by name, in any case and order; a
//! name in brackets is the one in Ofsted's separate children's homes list,
//! also accepted:
//!
//! * `URN` (required): the provider's unique reference number;
//! * `Placement code` (`Provider Placement Code`; required): the placement
//!   types (PLACE) the provider offers, separated by commas or slashes;
//! * `Placement provider code` (`Provider Code`; required): the placement
//!   provider codes (PLACE_PROVIDER), the same way;
//! * `Setting address postcode` (`Setting Postcode`; required): where the
//!   provider is; its local authority is worked out from it with the ONS
//!   postcode directory, as the DfE's validator does;
//! * `Deregistration date` (`Closed Date`; optional): when the
//!   registration ended, `dd/mm/yyyy` or `yyyy-mm-dd`, blank while open;
//! * `Local authority` (optional): the name Ofsted gives; read, not used.
//!
//! A provider may have several rows (premises in several places). Rows
//! with a blank URN are left out, as the DfE's validator leaves them out;
//! a row whose deregistration date is not a date is refused with its file,
//! line and column, and so is a file without a required column.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::problem::{Problem, Severity, SourceRef};

/// One row of Ofsted's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    pub urn: String,
    /// Placement types (PLACE) offered.
    pub place_codes: Vec<String>,
    /// Placement provider codes (PLACE_PROVIDER).
    pub provider_codes: Vec<String>,
    /// Upper case, no spaces (as the DfE's validator matches postcodes).
    pub postcode: String,
    /// When the registration ended (`None` while open).
    pub registration_end: Option<NaiveDate>,
}

/// Ofsted's providers by URN, and the file they came from.
#[derive(Debug, Clone, Default)]
pub struct Providers {
    /// The file's name, as problems and the rule set name it.
    pub file: String,
    by_urn: HashMap<String, Vec<Provider>>,
}

/// A logical column of the file: the names it may have (compared without
/// regard to case or surrounding spaces), and whether it must be there.
struct Column {
    names: &'static [&'static str],
    required: bool,
}

const URN: Column = Column {
    names: &["URN"],
    required: true,
};
const PLACE: Column = Column {
    names: &["Placement code", "Provider Placement Code"],
    required: true,
};
const PROVIDER: Column = Column {
    names: &["Placement provider code", "Provider Code"],
    required: true,
};
const POSTCODE: Column = Column {
    names: &[
        "Setting address postcode",
        "Setting Postcode",
        "Setting postcode",
    ],
    required: true,
};
const END: Column = Column {
    names: &["Deregistration date", "Closed Date"],
    required: false,
};

impl Providers {
    /// Reads the file at `path` (see the module's documentation).
    pub fn read_path(path: &Path) -> Result<Providers, Vec<Problem>> {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => Providers::read(&name, &bytes),
            Err(e) => Err(vec![Problem::file_level(
                &name,
                Severity::Fatal,
                format!("cannot read the providers file: {e}"),
            )]),
        }
    }

    /// Reads a providers file already in memory, named `name`.
    pub fn read(name: &str, bytes: &[u8]) -> Result<Providers, Vec<Problem>> {
        let file: Arc<str> = Arc::from(name);
        let fatal = |line: u64, column: Option<&str>, value: Option<&str>, message: String| {
            Problem::at(
                &SourceRef {
                    file: file.clone(),
                    line,
                    column: None,
                },
                column,
                value,
                None,
                Severity::Fatal,
                message,
            )
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(vec![fatal(1, None, None, format!("not a CSV file: {e}"))]),
        };
        let find = |c: &Column| {
            headers.iter().position(|h| {
                c.names
                    .iter()
                    .any(|n| h.trim().eq_ignore_ascii_case(n.trim()))
            })
        };
        let mut problems = Vec::new();
        let mut index = |c: &Column| {
            let i = find(c);
            if i.is_none() && c.required {
                problems.push(fatal(
                    1,
                    None,
                    None,
                    format!(
                        "the providers file has no column {} (the header line must name the columns URN, Placement code, Placement provider code and Setting address postcode; Deregistration date is read when there)",
                        c.names.join(" or ")
                    ),
                ));
            }
            i
        };
        let (urn, place, provider, postcode, end) = (
            index(&URN),
            index(&PLACE),
            index(&PROVIDER),
            index(&POSTCODE),
            index(&END),
        );
        let (Some(urn), Some(place), Some(provider), Some(postcode)) =
            (urn, place, provider, postcode)
        else {
            return Err(problems);
        };
        let end_name = end.map(|i| headers.get(i).unwrap_or("").trim().to_owned());
        let mut by_urn: HashMap<String, Vec<Provider>> = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push(fatal(
                        line,
                        None,
                        None,
                        format!("cannot read the line: {e}"),
                    ));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let get = |i: usize| record.get(i).unwrap_or("").trim();
            let id = get(urn);
            if id.is_empty() {
                continue;
            }
            let registration_end = match end {
                None => None,
                Some(i) => match parse_date(get(i)) {
                    Ok(d) => d,
                    Err(()) => {
                        problems.push(fatal(
                            line,
                            end_name.as_deref(),
                            Some(get(i)),
                            "the deregistration date is not a date (dd/mm/yyyy or yyyy-mm-dd; blank while the provider is registered)".to_owned(),
                        ));
                        continue;
                    }
                },
            };
            by_urn.entry(id.to_owned()).or_default().push(Provider {
                urn: id.to_owned(),
                place_codes: codes(get(place)),
                provider_codes: codes(get(provider)),
                postcode: normalise_postcode(get(postcode)),
                registration_end,
            });
        }
        if problems.is_empty() {
            Ok(Providers {
                file: name.to_owned(),
                by_urn,
            })
        } else {
            Err(problems)
        }
    }

    /// The rows of the provider with this URN (none when it is not in the
    /// list).
    pub fn get(&self, urn: &str) -> &[Provider] {
        self.by_urn.get(urn.trim()).map_or(&[], Vec::as_slice)
    }

    /// Whether the URN is in the list.
    pub fn contains(&self, urn: &str) -> bool {
        !self.get(urn).is_empty()
    }

    /// The number of providers (URNs).
    pub fn len(&self) -> usize {
        self.by_urn.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_urn.is_empty()
    }
}

/// When the provider's registration ended: the latest deregistration date
/// of its rows, `None` while any row is open (or it is not in the list).
pub fn registration_end(rows: &[Provider]) -> Option<NaiveDate> {
    if rows.iter().any(|p| p.registration_end.is_none()) {
        return None;
    }
    rows.iter().filter_map(|p| p.registration_end).max()
}

/// A postcode as the DfE's validator matches it: upper case, no spaces.
pub fn normalise_postcode(v: &str) -> String {
    v.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Codes separated by commas or slashes ("PR1/PR2", "K1, K2").
fn codes(v: &str) -> Vec<String> {
    v.split([',', '/'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `dd/mm/yyyy` (as the 903 writes dates) or `yyyy-mm-dd` (as a spreadsheet
/// saved as CSV may); blank is no date.
fn parse_date(v: &str) -> Result<Option<NaiveDate>, ()> {
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .map(Some)
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "URN,Local authority,Placement code,Placement provider code,Deregistration date,Setting address postcode";

    #[test]
    fn reads_ofsted_s_columns_in_any_case_and_order() {
        let csv = "setting postcode,urn,provider placement code,PROVIDER CODE,Closed Date\n\
                   tw1 2af,SC1,K2/H5,PR4,\n\
                   CB2 1TN,SC2,\"K1, K2\",PR1/PR2,31/12/2025\n\
                   CB2 1TN,SC2,K2,PR1,2025-06-30\n\
                   ,,,,\n";
        let p = Providers::read("providers.csv", csv.as_bytes()).unwrap();
        assert_eq!(p.len(), 2);
        let sc1 = p.get("SC1");
        assert_eq!(sc1[0].place_codes, ["K2", "H5"]);
        assert_eq!(sc1[0].postcode, "TW12AF");
        assert_eq!(registration_end(sc1), None);
        let sc2 = p.get("SC2");
        assert_eq!(sc2[0].provider_codes, ["PR1", "PR2"]);
        assert_eq!(registration_end(sc2), NaiveDate::from_ymd_opt(2025, 12, 31));
        assert!(!p.contains("SC3"));
    }

    #[test]
    fn a_bad_row_is_named_by_file_line_and_column() {
        let csv =
            format!("{HEAD}\nSC1,Richmond,K2,PR4,,TW1 2AF\nSC2,Richmond,K2,PR4,soon,TW1 2AF\n");
        let e = Providers::read("providers.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].file, "providers.csv");
        assert_eq!(e[0].line, Some(3));
        assert_eq!(e[0].column.as_deref(), Some("Deregistration date"));
        assert_eq!(e[0].value.as_deref(), Some("soon"));
    }

    #[test]
    fn a_file_without_a_required_column_is_refused() {
        let e = Providers::read("p.csv", b"URN,Placement code\nSC1,K2\n").unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].message.contains("Placement provider code"));
        assert!(e[1].message.contains("Setting address postcode"));
        assert_eq!(e[0].line, Some(1));
    }
}
