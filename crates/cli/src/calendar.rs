//! `footprint calendar`: the England and Wales bank-holiday calendar.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use footprint_domain::calendar::WorkingDayCalendar;

use crate::common::{finish, load_calendar, print_stdout, read_text};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Merge the England and Wales holidays of a GOV.UK bank-holidays JSON
    /// file into a calendar CSV.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The GOV.UK bank-holidays JSON file (only its "england-and-wales"
    /// division is used).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The calendar CSV to merge into and write back; if it does not exist,
    /// the bundled calendar is the starting point. Without it, the merged CSV
    /// is printed on standard output.
    #[arg(long, value_name = "OUT.csv")]
    calendar: Option<PathBuf>,
}

pub fn run(cmd: CalendarCommand) -> ExitCode {
    finish(match cmd {
        CalendarCommand::Import(args) => import(&args),
    })
}

fn import(args: &ImportArgs) -> anyhow::Result<()> {
    let json = read_text(&args.file, "bank-holidays file")?;
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

/// Writes beside the target and renames, so a failure never leaves half a
/// calendar behind.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
