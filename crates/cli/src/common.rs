//! Small helpers shared by the subcommands: reading dates and files given on
//! the command line, writing to standard output, and reporting an error.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::{parse_iso_date, parse_uk_date};

/// The exit code for any error the user can fix (bad input, unreadable file),
/// the same as clap's for a bad command line.
pub const EXIT_USAGE: u8 = 2;

/// A date given as `yyyy-mm-dd` or `dd/mm/yyyy`; errors name the option.
pub fn parse_date_arg(option: &str, value: &str) -> anyhow::Result<NaiveDate> {
    let parsed = if value.contains('/') {
        parse_uk_date(value)
    } else {
        parse_iso_date(value)
    };
    parsed.map_err(|e| anyhow!("{option}: {e}"))
}

/// The calendar from a CSV file, or the bundled one.
pub fn load_calendar(path: Option<&Path>) -> anyhow::Result<WorkingDayCalendar> {
    match path {
        None => Ok(WorkingDayCalendar::england_and_wales()),
        Some(path) => {
            let text = read_text(path, "calendar file")?;
            WorkingDayCalendar::from_csv(&text)
                .with_context(|| format!("calendar file {}", path.display()))
        }
    }
}

/// Reads a whole text file; the error names what it is and where.
pub fn read_text(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Turns a subcommand's result into the exit code, printing an error as one
/// line on standard error.
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let message = format!("{e:#}").replace(['\r', '\n'], " ");
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
