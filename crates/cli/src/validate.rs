//! `footprint validate ssda903 PATH...`: reads a 903 return (a folder of CSV
//! files, CSV files, or an XML file) and lists every problem, grouped by file
//! and line, with a count per DfE rule.
//!
//! Exit codes: 0 when there are no errors (warnings allowed), 1 when there
//! are errors (with `--strict`, warnings count as errors), 2 on a usage error
//! (bad command line, bad `--year`, a path that does not exist).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use footprint_domain::dates::CollectionYear;
use footprint_ssda903::{Parsed, Problem, read_paths};
use serde::Serialize;

use crate::common::{EXIT_USAGE, print_stdout};

#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// Check an SSDA903 return (CSV files, a folder of them, or the XML form).
    #[command(
        after_help = "Exit codes: 0 no errors; 1 errors found (with --strict, warnings too); \
                      2 usage error.\n\n\
                      Example:\n  footprint validate ssda903 returns/2021-22/ --year 2021-22"
    )]
    Ssda903(Ssda903Args),
}

#[derive(Debug, Args)]
pub struct Ssda903Args {
    /// A folder (every .csv and .xlsx file in it), CSV files, a .xml file,
    /// or an Excel workbook (.xlsx, one sheet per table).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_name = "YYYY-YY", help = footprint_ssda903::YEAR_HELP)]
    year: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Print {"errors": [...], "warnings": [...]} as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: Vec<&'a Problem>,
    warnings: Vec<&'a Problem>,
}

pub fn run(cmd: ValidateCommand) -> ExitCode {
    let ValidateCommand::Ssda903(args) = cmd;
    let year = match args.year.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(y)) => Some(y),
        Some(Err(e)) => return usage(&format!("--year: {e}")),
    };
    let parsed = match read_paths(&args.paths, year) {
        Ok(p) => p,
        Err(e) => return usage(&e.to_string()),
    };
    let (errors, warnings): (Vec<&Problem>, Vec<&Problem>) = parsed
        .sorted_problems()
        .into_iter()
        .partition(|p| p.is_fatal() || args.strict);
    let text = if args.json {
        match serde_json::to_string_pretty(&JsonReport {
            errors: errors.clone(),
            warnings,
        }) {
            Ok(s) => s + "\n",
            Err(e) => return usage(&format!("cannot write the JSON report: {e}")),
        }
    } else {
        render_text(&parsed, &errors, &warnings)
    };
    if let Err(e) = print_stdout(&text) {
        eprintln!("footprint: {e:#}");
        return ExitCode::from(EXIT_USAGE);
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("footprint: {message}");
    ExitCode::from(EXIT_USAGE)
}

/// Problems grouped by file then line, then a summary with counts per rule.
pub(crate) fn render_text(parsed: &Parsed, errors: &[&Problem], warnings: &[&Problem]) -> String {
    let mut out = String::new();
    let mut all: Vec<(&Problem, &str)> = errors
        .iter()
        .map(|p| (*p, "error"))
        .chain(warnings.iter().map(|p| (*p, "warning")))
        .collect();
    all.sort_by(|a, b| (&a.0.file, a.0.line, &a.0.column).cmp(&(&b.0.file, b.0.line, &b.0.column)));
    let mut current_file: Option<&str> = None;
    for (p, kind) in &all {
        if current_file != Some(p.file.as_str()) {
            if current_file.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", p.file);
            current_file = Some(p.file.as_str());
        }
        let line = p.line.map_or("-".to_owned(), |l| l.to_string());
        let column = p.column.as_deref().unwrap_or("");
        let rule = p
            .rule
            .as_deref()
            .map_or(String::new(), |r| format!(" [rule {r}]"));
        let _ = writeln!(
            out,
            "  line {line:>6}  {column:<20} {kind}{rule}: {}",
            p.message
        );
    }
    if !all.is_empty() {
        out.push('\n');
    }
    let r = &parsed.ret;
    let year = match (r.year, parsed.year_inferred) {
        (Some(y), false) => format!("collection year {y}"),
        (Some(y), true) => {
            format!("collection year {y} (inferred from the latest DECOM; give --year to set it)")
        }
        (None, _) => "collection year unknown (no dates found)".to_owned(),
    };
    let _ = writeln!(
        out,
        "Read {} children, {} episodes, {} reviews, {} missing periods, {} UASC rows, {} OC2 rows; {year}.",
        r.children.len(),
        r.episodes.len(),
        r.reviews.len(),
        r.missing.len(),
        r.uasc.len(),
        r.health_outcomes.len()
    );
    let mut per_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (p, kind) in &all {
        *per_rule
            .entry((p.rule.as_deref().unwrap_or("(no rule number)"), kind))
            .or_default() += 1;
    }
    let counts: Vec<String> = per_rule
        .iter()
        .map(|((rule, kind), n)| format!("{rule}: {n} {kind}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    let _ = writeln!(
        out,
        "Summary: {} error{}, {} warning{}{}{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" },
        if counts.is_empty() { "" } else { ". By rule: " },
        counts.join("; ")
    );
    out
}
