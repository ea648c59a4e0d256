//! `footprint import names FILE`: children's names from the council's
//! case-management system, all or nothing.
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

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use footprint_domain::model::{ChildId, ChildName};

use crate::common::{RowProblem, finish, print_stdout, render_row_problems};
use crate::db::{DbArgs, open, runtime};

#[derive(Debug, Args)]
pub struct NamesArgs {
    /// The CSV file: CHILD, GIVEN_NAME (or FORENAME, FIRST_NAME) and
    /// FAMILY_NAME (or SURNAME, LAST_NAME), with a header row.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

const GIVEN: &[&str] = &["GIVEN_NAME", "FORENAME", "FIRST_NAME"];
const FAMILY: &[&str] = &["FAMILY_NAME", "SURNAME", "LAST_NAME"];

/// Reads the names file. `Err` holds every problem found (or, for a file
/// that cannot be read as a whole, one message).
pub fn read_names(
    file: &Path,
    text: &str,
) -> Result<Vec<(u64, ChildId, ChildName)>, Vec<RowProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let at_header = |message: String| {
        vec![RowProblem {
            line: 1,
            column: String::new(),
            message,
        }]
    };
    let headers = reader
        .headers()
        .map_err(|e| at_header(format!("the header row cannot be read: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(child_col), Some(given_col), Some(family_col)) =
        (find(&["CHILD"]), find(GIVEN), find(FAMILY))
    else {
        return Err(at_header(format!(
            "{}: the header row needs the columns CHILD, a given name ({}) and a family name ({}); it has {}",
            file.display(),
            GIVEN.join(", "),
            FAMILY.join(", "),
            headers.iter().collect::<Vec<_>>().join(", ")
        )));
    };
    let mut problems = Vec::new();
    let mut names = Vec::new();
    let mut seen: HashMap<ChildId, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(RowProblem {
                    line,
                    column: String::new(),
                    message: format!("the row cannot be read as CSV: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
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

/// Runs the import: exit 0 when imported, 1 when the file was refused
/// (every problem printed, nothing written), 2 on a usage or database error.
pub fn run(args: &NamesArgs) -> ExitCode {
    match import(args) {
        Ok(Outcome::Imported) => ExitCode::SUCCESS,
        Ok(Outcome::Refused(n)) => {
            eprintln!(
                "footprint: {n} problem(s) in {}: import refused, no name was written",
                args.file.display()
            );
            ExitCode::from(1)
        }
        Err(e) => finish(Err(e)),
    }
}

enum Outcome {
    Imported,
    Refused(usize),
}

fn import(args: &NamesArgs) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let file = args.file.display().to_string();
    let report = |problems: &[RowProblem]| render_row_problems(&file, problems);
    let names = match read_names(&args.file, &text) {
        Ok(n) => n,
        Err(problems) => {
            print_stdout(&report(&problems))?;
            return Ok(Outcome::Refused(problems.len()));
        }
    };
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(&args.db.url()).await?;
        let known: HashSet<ChildId> = store
            .list_children()
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let unknown: Vec<RowProblem> = names
            .iter()
            .filter(|(_, c, _)| !known.contains(c))
            .map(|(line, c, _)| RowProblem {
                line: *line,
                column: "CHILD".into(),
                message: format!("child {c} is not in the database (import the 903 return first)"),
            })
            .collect();
        if !unknown.is_empty() {
            print_stdout(&report(&unknown))?;
            store.close().await;
            return Ok(Outcome::Refused(unknown.len()));
        }
        let pairs: Vec<(ChildId, ChildName)> = names.into_iter().map(|(_, c, n)| (c, n)).collect();
        store
            .import_child_names(&pairs)
            .await
            .context("importing the names; none was written")?;
        crate::db::audit_cli(
            &store,
            "names.import",
            &format!("{} children's names", pairs.len()),
        )
        .await?;
        print_stdout(&format!(
            "Imported the names of {} children.\n",
            pairs.len()
        ))?;
        store.close().await;
        Ok(Outcome::Imported)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(u64, ChildId, ChildName)>, Vec<RowProblem>> {
        read_names(Path::new("names.csv"), text)
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
