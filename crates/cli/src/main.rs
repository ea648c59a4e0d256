//! The `footprint` command. Thin: each subcommand lives in its own module and
//! calls the library crates.
//!
//! Exit codes: 0 success; 2 for anything the user can fix (a bad command line,
//! a bad date, a review before the period start, a date outside the
//! bank-holiday calendar, an unreadable file), with a one-line message on
//! standard error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod backup;
mod calendar;
mod case_files;
mod common;
mod db;
mod demo;
mod due;
mod generate;
mod heap;
mod interchange;
mod logging;
mod migrate;
mod report;
mod serve;
mod user;
mod validate;

/// Footprint: the IRO service's records, review schedule, 903 return and reports.
#[derive(Debug, Parser)]
#[command(name = "footprint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A synthetic council in a demo database, served with a sign-in for each role.
    Demo(demo::DemoArgs),
    /// Review due dates for a period of care, and the rule behind each.
    Due(due::DueArgs),
    /// The working-day calendar (England and Wales bank holidays).
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Import data into the database (an SSDA903 return, children's names).
    #[command(subcommand)]
    Import(interchange::ImportCommand),
    /// Export data from the database (an SSDA903 return).
    #[command(subcommand)]
    Export(interchange::ExportCommand),
    /// Check an import file (an SSDA903 return) and list every problem.
    #[command(subcommand)]
    Validate(validate::ValidateCommand),
    /// Generate a synthetic council (903 returns and/or a database).
    Generate(generate::GenerateArgs),
    /// The annual IRO report and the performance page.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Create the database or bring its schema up to date.
    Migrate(migrate::MigrateArgs),
    /// Copy a SQLite database to a file (PostgreSQL: use pg_dump).
    Backup(backup::BackupArgs),
    /// Serve the web application.
    Serve(serve::ServeArgs),
    /// Add or list the web application's users.
    #[command(subcommand)]
    User(user::UserCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Due(args) => due::run(args),
        Command::Calendar(cmd) => calendar::run(cmd),
        Command::Import(cmd) => interchange::run_import(cmd),
        Command::Export(cmd) => interchange::run_export(cmd),
        Command::Validate(cmd) => validate::run(cmd),
        Command::Generate(args) => generate::run(args),
        Command::Report(cmd) => report::run(cmd),
        Command::Migrate(args) => migrate::run(args),
        Command::Backup(args) => backup::run(args),
        Command::Serve(args) => serve::run(args),
        Command::User(cmd) => user::run(cmd),
    }
}
