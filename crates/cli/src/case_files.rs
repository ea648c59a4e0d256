//! `footprint import names FILE`, `footprint import health FILE` and
//! `footprint import case-records FILE`: the council's case-management
//! extracts, all or nothing, read and stored by
//! `footprint_interchange::{names, health, case_records}` (the web's import
//! screen calls the same functions for names and health).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use footprint_interchange::{Outcome, render_row_problems};

use crate::common::{finish, print_stdout, read_text};
use crate::db::{DbArgs, cli_actor, open, runtime};

#[derive(Debug, Args)]
pub struct NamesArgs {
    /// The CSV file: CHILD, GIVEN_NAME (or FORENAME, FIRST_NAME) and
    /// FAMILY_NAME (or SURNAME, LAST_NAME), with a header row.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The CSV file: CHILD, RECORD, DATE and, as the record needs,
    /// REQUESTED, SCORE, UP_TO_DATE, TERM, QUALITY (header row required).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct CaseRecordsArgs {
    /// The CSV file: RECORD, ID, DATE and, as the record needs, CHILD,
    /// START, END, HOUSEHOLD, KIND, PANEL, DECISION, STATUS, FORM, ROUTE,
    /// CARE_LEAVER, THEME, OUTCOME (header row required).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs the import of the other records (exit codes as [`run_names`]).
pub fn run_case_records(args: &CaseRecordsArgs) -> ExitCode {
    run(Kind::CaseRecords, &args.file, &args.db)
}

/// Which extract.
#[derive(Clone, Copy)]
enum Kind {
    Names,
    Health,
    CaseRecords,
}

/// Runs the names import: exit 0 when imported, 1 when the file was refused
/// (every problem printed, nothing written), 2 on a usage or database error.
pub fn run_names(args: &NamesArgs) -> ExitCode {
    run(Kind::Names, &args.file, &args.db)
}

/// Runs the health import (exit codes as [`run_names`]).
pub fn run_health(args: &HealthArgs) -> ExitCode {
    run(Kind::Health, &args.file, &args.db)
}

fn run(kind: Kind, file: &std::path::Path, db: &DbArgs) -> ExitCode {
    match import(kind, file, db) {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(n)) => {
            eprintln!(
                "footprint: {n} problem(s) in {}: import refused, nothing was written",
                file.display()
            );
            ExitCode::from(1)
        }
        Err(e) => finish(Err(e)),
    }
}

/// `Some(problems)` when refused.
fn import(kind: Kind, file: &std::path::Path, db: &DbArgs) -> anyhow::Result<Option<usize>> {
    let text = read_text(file, "file")?;
    let name = file.display().to_string();
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(&db.url()).await?;
        let actor = cli_actor();
        let result = match kind {
            Kind::Names => footprint_interchange::names::import_names(&store, &actor, &name, &text)
                .await
                .map(|o| match o {
                    Outcome::Imported(n) => {
                        Outcome::Imported(format!("Imported the names of {n} children.\n"))
                    }
                    Outcome::Refused(p) => Outcome::Refused(p),
                }),
            Kind::Health => {
                footprint_interchange::health::import_health(
                    &store,
                    &actor,
                    &name,
                    &text,
                    chrono::Local::now().date_naive(),
                )
                    .await
                    .map(|o| match o {
                        Outcome::Imported(a) => Outcome::Imported(format!(
                            "Imported {} health and education records ({} already held, left as they were).\n",
                            a.added, a.already_held
                        )),
                        Outcome::Refused(p) => Outcome::Refused(p),
                    })
            }
            Kind::CaseRecords => footprint_interchange::case_records::import_case_records(
                &store, &actor, &name, &text,
            )
            .await
            .map(|o| match o {
                Outcome::Imported(a) => Outcome::Imported(format!(
                    "Imported {} records; {} changed in the extract (kept as new versions); {} already held, left as they were.\n",
                    a.added, a.changed, a.already_held
                )),
                Outcome::Refused(p) => Outcome::Refused(p),
            }),
        };
        store.close().await;
        match result.context("importing the file; nothing of it was written")? {
            Outcome::Imported(text) => {
                print_stdout(&text)?;
                Ok(None)
            }
            Outcome::Refused(problems) => {
                print_stdout(&render_row_problems(&name, &problems))?;
                Ok(Some(problems.len()))
            }
        }
    })
}
