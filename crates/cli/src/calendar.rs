//! `footprint calendar`: the England and Wales bank-holiday calendar.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use footprint_domain::calendar::WorkingDayCalendar;

use crate::common::{finish, load_calendar, print_stdout, read_text};
use crate::db::{DbArgs, open, runtime};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Merge the England and Wales holidays of a GOV.UK bank-holidays JSON
    /// file into the database's calendar (or into a calendar CSV).
    #[command(
        after_help = "Examples:\n  footprint calendar import bank-holidays.json              # into the database\n  footprint calendar import bank-holidays.json --calendar holidays.csv\n  footprint calendar import bank-holidays.json --stdout     # print the merged CSV"
    )]
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The GOV.UK bank-holidays JSON file (only its "england-and-wales"
    /// division is used).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Merge into this calendar CSV instead of the database; if it does not
    /// exist, the bundled calendar is the starting point.
    #[arg(long, value_name = "OUT.csv", conflicts_with = "stdout")]
    calendar: Option<PathBuf>,
    /// Print the merged calendar CSV (bundled calendar + FILE) instead of
    /// writing the database.
    #[arg(long)]
    stdout: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(cmd: CalendarCommand) -> ExitCode {
    finish(match cmd {
        CalendarCommand::Import(args) => import(&args),
    })
}

fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let json = read_text(&args.file, "bank-holidays file")?;
    if args.calendar.is_none() && !args.stdout {
        return import_into_database(args, &json);
    }
    let mut calendar = match &args.calendar {
        Some(path) if path.exists() => load_calendar(Some(path))?,
        _ => WorkingDayCalendar::england_and_wales(),
    };
    let summary = calendar
        .merge_govuk_json(&json)
        .with_context(|| args.file.display().to_string())?;
    let message = format!(
        "Added {} bank holiday{} ({} already listed); the calendar now covers {} to {}.",
        summary.added,
        if summary.added == 1 { "" } else { "s" },
        summary.unchanged,
        summary.first_year,
        summary.last_year
    );
    match &args.calendar {
        Some(path) => {
            write_atomically(path, &calendar.to_csv())?;
            print_stdout(&format!("{message}\nWrote {}.\n", path.display()))
        }
        None => {
            print_stdout(&calendar.to_csv())?;
            eprintln!("{message}");
            Ok(())
        }
    }
}

/// Merges into the bank holidays stored in the database (seeded from the
/// bundled calendar by `footprint migrate`), in one statement.
fn import_into_database(args: &ImportArgs, json: &str) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(&args.db.url()).await?;
        let mut calendar = store
            .calendar()
            .await?
            .unwrap_or_else(WorkingDayCalendar::england_and_wales);
        let summary = calendar
            .merge_govuk_json(json)
            .with_context(|| args.file.display().to_string())?;
        let holidays: Vec<_> = calendar.holidays().collect();
        store.replace_bank_holidays(&holidays).await?;
        store.close().await;
        print_stdout(&format!(
            "Added {} bank holiday{} to the database ({} already listed); its calendar now covers {} to {}.\n",
            summary.added,
            if summary.added == 1 { "" } else { "s" },
            summary.unchanged,
            summary.first_year,
            summary.last_year
        ))
    })
}

/// Writes beside the target and renames, so a failure never leaves half a
/// calendar behind.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
