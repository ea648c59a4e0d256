//! Children's names from the council's case-management system, all or
//! nothing (`footprint import names FILE` and the web's import screen).
//!
//! The 903 return holds no names, so a council that wants its IROs to see
//! names on their caseload imports them from an extract: a CSV file with a
//! header row naming the columns `CHILD` (the 903 child identifier), a given
//! name (`GIVEN_NAME`, `FORENAME` or `FIRST_NAME`) and a family name
//! (`FAMILY_NAME`, `SURNAME` or `LAST_NAME`), in any order and any case;
//! other columns are ignored. Every problem names the file, line and column
//! (never the name itself: names are personal data) and nothing is written
//! unless every row is good. Names already recorded for children not in the
//! file stay.

use std::collections::HashMap;

use footprint_domain::model::{ChildId, ChildName};
use footprint_store::Store;

use crate::rows::{CaseFile, at_header, unknown_children};
use crate::{Error, Outcome, RowProblem};

const GIVEN: &[&str] = &["GIVEN_NAME", "FORENAME", "FIRST_NAME"];
const FAMILY: &[&str] = &["FAMILY_NAME", "SURNAME", "LAST_NAME"];

/// Reads the names file. `Err` holds every problem found (or, for a file
/// that cannot be read as a whole, one message).
pub fn read_names(
    file: &str,
    text: &str,
) -> Result<Vec<(u64, ChildId, ChildName)>, Vec<RowProblem>> {
    let mut file_rows = CaseFile::open(text)?;
    let (Some(child_col), Some(given_col), Some(family_col)) = (
        file_rows.column(&["CHILD"]),
        file_rows.column(GIVEN),
        file_rows.column(FAMILY),
    ) else {
        return Err(at_header(format!(
            "{}: the header row needs the columns CHILD, a given name ({}) and a family name ({}); it has {}",
            file,
            GIVEN.join(", "),
            FAMILY.join(", "),
            file_rows.header_list()
        )));
    };
    let headers = file_rows.headers.clone();
    let mut problems = Vec::new();
    let mut names = Vec::new();
    let mut seen: HashMap<ChildId, u64> = HashMap::new();
    for row in file_rows.rows() {
        let (line, record) = match row {
            Ok(r) => r,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let field = |i: usize| record.get(i).unwrap_or("");
        let child = match field(child_col).parse::<ChildId>() {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(RowProblem {
                    line,
                    column: headers[child_col].to_owned(),
                    message: e.to_string(),
                });
                None
            }
        };
        let name = match ChildName::new(field(given_col), field(family_col)) {
            Ok(n) => Some(n),
            Err(e) => {
                let column = if e.part() == "given name" {
                    &headers[given_col]
                } else {
                    &headers[family_col]
                };
                problems.push(RowProblem {
                    line,
                    column: column.to_owned(),
                    message: e.to_string(),
                });
                None
            }
        };
        if let (Some(child), Some(name)) = (child, name) {
            if let Some(first) = seen.get(&child) {
                problems.push(RowProblem {
                    line,
                    column: headers[child_col].to_owned(),
                    message: format!("child {child} is named again (first on line {first})"),
                });
            } else {
                seen.insert(child.clone(), line);
                names.push((line, child, name));
            }
        }
    }
    if problems.is_empty() {
        Ok(names)
    } else {
        Err(problems)
    }
}

/// Imports the names in `text` (the file `file`): every problem of the
/// file, or every child it names that the store does not hold, refuses it
/// whole and nothing is written; otherwise the names are recorded in one
/// transaction and the import audited (`names.import`, how many; never a
/// name). Names recorded for children not in the file stay.
pub async fn import_names(
    store: &Store,
    actor: &str,
    file: &str,
    text: &str,
) -> Result<Outcome<usize>, Error> {
    let names = match read_names(file, text) {
        Ok(n) => n,
        Err(problems) => return Ok(Outcome::Refused(problems)),
    };
    let unknown = unknown_children(store, names.iter().map(|(l, c, _)| (*l, c))).await?;
    if !unknown.is_empty() {
        return Ok(Outcome::Refused(unknown));
    }
    let pairs: Vec<(ChildId, ChildName)> = names.into_iter().map(|(_, c, n)| (c, n)).collect();
    store.import_child_names(&pairs).await?;
    store
        .audit(
            actor,
            "names.import",
            None,
            &format!("{} children's names", pairs.len()),
        )
        .await?;
    Ok(Outcome::Imported(pairs.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(u64, ChildId, ChildName)>, Vec<RowProblem>> {
        read_names("names.csv", text)
    }

    #[test]
    fn columns_are_found_by_any_of_their_names_in_any_order_and_case() {
        let got =
            read("surname,Child,forename,extra\nOkafor,A1,Amara,x\nSmith,B2,Sam,y\n").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 2);
        assert_eq!(got[0].1.as_str(), "A1");
        assert_eq!(got[0].2.to_string(), "Amara Okafor");
        assert_eq!(got[1].2.to_string(), "Sam Smith");
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_column_without_the_name() {
        let problems = read(
            "CHILD,GIVEN_NAME,FAMILY_NAME\nA1,Amara,\nbad id!,Sam,Smith\nB2,Jo,Bloggs\nB2,Jo,Bloggs\n",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(
            (problems[0].line, problems[0].column.as_str()),
            (2, "FAMILY_NAME")
        );
        assert!(problems[0].message.contains("family name is blank"));
        assert_eq!(
            (problems[1].line, problems[1].column.as_str()),
            (3, "CHILD")
        );
        assert_eq!(
            (problems[2].line, problems[2].column.as_str()),
            (5, "CHILD")
        );
        assert!(problems[2].message.contains("first on line 4"));
        for p in &problems {
            assert!(
                !p.message.contains("Amara") && !p.message.contains("Bloggs"),
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_file_without_the_columns_is_refused_at_its_header() {
        let problems = read("CHILD,NAME\nA1,Amara Okafor\n").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 1);
        assert!(
            problems[0].message.contains("FAMILY_NAME"),
            "{}",
            problems[0].message
        );
    }
}
