//! The `footprint` command. Thin: each subcommand lives in its own module and
//! calls the library crates.
//!
//! Exit codes: 0 success; 2 for anything the user can fix (a bad command line,
//! a bad date, a review before the period start, a date outside the
//! bank-holiday calendar, an unreadable file), with a one-line message on
//! standard error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod calendar;
mod common;
mod due;

/// Footprint: the IRO service's records, review schedule, 903 return and reports.
#[derive(Debug, Parser)]
#[command(name = "footprint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Review due dates for a period of care, and the rule behind each.
    Due(due::DueArgs),
    /// The working-day calendar (England and Wales bank holidays).
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Due(args) => due::run(args),
        Command::Calendar(cmd) => calendar::run(cmd),
    }
}
