//! `footprint validate ssda903 PATH...`: reads a 903 return (a folder of CSV
//! files, CSV files, or an XML file) and lists every problem, grouped by file
//! and line, with a count per DfE rule.
//!
//! `--rules` lists the DfE rules Footprint checks (number, years, severity,
//! message); `--year-rules` picks a collection year's set; `--previous`
//! (last year's files) or `--previous-from-db` (last year's return written
//! from the database) runs the rules comparing years.
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
use footprint_ssda903::providers::Providers;
use footprint_ssda903::rules::{self, RuleSetName};
use footprint_ssda903::{
    CheckOptions, Format, Input, Problem, RawReturn, ReturnSummary, Severity, check_paths,
};
use serde::Serialize;

use crate::common::{EXIT_USAGE, print_stdout};
use crate::db::{DbArgs, open, runtime};

#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// Check an SSDA903 return (CSV files, a folder of them, or the XML form).
    #[command(
        after_help = "Exit codes: 0 no errors; 1 errors found (with --strict, warnings too); \
                      2 usage error.\n\n\
                      Examples:\n  footprint validate ssda903 returns/2021-22/ --year 2021-22\n  \
                      footprint validate ssda903 returns/2025-26/ --previous returns/2024-25/\n  \
                      footprint validate ssda903 --rules --year-rules 2025-26"
    )]
    Ssda903(Ssda903Args),
}

#[derive(Debug, Args)]
pub struct Ssda903Args {
    /// A folder (every .csv and .xlsx file in it), CSV files, a .xml file,
    /// or an Excel workbook (.xlsx, one sheet per table).
    #[arg(required_unless_present = "rules", value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_name = "YYYY-YY", help = footprint_ssda903::YEAR_HELP)]
    year: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Print {"rule_set": {...}, "errors": [...], "warnings": [...]} as JSON
    /// (with --rules, the rules).
    #[arg(long)]
    json: bool,
    /// List the DfE rules Footprint checks (number, years, severity,
    /// message) instead of checking files; with --year-rules, that year's.
    #[arg(long)]
    rules: bool,
    /// The collection year whose rule set to use (2023-24 to 2026-27);
    /// default: the return's collection year (the nearest set Footprint has).
    #[arg(long, value_name = "YYYY-YY")]
    year_rules: Option<String>,
    /// Last year's return (a folder, CSV files or an XML file): runs the
    /// rules comparing years (452, 453, 502, 503A-J, 562, NoE).
    #[arg(long, value_name = "PATH", conflicts_with = "previous_from_db")]
    previous: Vec<PathBuf>,
    /// Runs the rules comparing years against last year's return as written
    /// from the database (--db).
    #[arg(long)]
    previous_from_db: bool,
    /// The council's own local authority code (upper tier: E06..., E08...,
    /// E09... or a county's E10...), as the DfE's validator asks for it: runs
    /// the rules comparing the placement's local authority with it (1015,
    /// 411). Default: the code in the database's settings (--db), if it
    /// holds one.
    #[arg(long, value_name = "CODE")]
    local_authority: Option<String>,
    /// Ofsted's list of providers, as CSV (the columns URN, Placement code,
    /// Placement provider code, Setting address postcode and, when there,
    /// Deregistration date): runs the rules comparing the episodes' URNs
    /// with it (219, 221, 224, 227, 228, 229, 241, 1008).
    #[arg(long, value_name = "FILE")]
    providers: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// The DfE rule set used.
    rule_set: Option<&'a RuleSetName>,
    errors: Vec<&'a Problem>,
    warnings: Vec<&'a Problem>,
}

#[derive(Serialize)]
struct JsonRule {
    rule: &'static str,
    years: String,
    severity: &'static str,
    table: &'static str,
    field: &'static str,
    checked: &'static str,
    message: &'static str,
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Fatal => "error (refuses the import)",
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `--rules`: every rule, or a year's set.
fn list_rules(year_rules: Option<CollectionYear>, json: bool) -> ExitCode {
    let (title, list) = match year_rules {
        Some(y) => {
            let set = rules::for_year(y);
            (
                format!("{} DfE rules in the {} set", set.rules.len(), set.year),
                set.rules,
            )
        }
        None => {
            let all = rules::all();
            (format!("{} DfE rules (all years)", all.len()), all)
        }
    };
    let text = if json {
        let rows: Vec<JsonRule> = list
            .iter()
            .map(|r| JsonRule {
                rule: r.code,
                years: r.years.to_string(),
                severity: severity_word(r.severity),
                table: r.table.name(),
                field: r.field,
                checked: r.checked(),
                message: r.message,
            })
            .collect();
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => s + "\n",
            Err(e) => return usage(&format!("cannot write the JSON list: {e}")),
        }
    } else {
        let mut out = format!("{title}:\n");
        for r in &list {
            let _ = writeln!(
                out,
                "{:<6} {:<20} {:<26} {:<15} {}{}",
                r.code,
                r.years.to_string(),
                severity_word(r.severity),
                format!("{}.{}", r.table.name(), r.field),
                r.message,
                r.needs()
                    .map_or(String::new(), |n| format!(" [runs only with {n}]"))
            );
        }
        out
    };
    if let Err(e) = print_stdout(&text) {
        eprintln!("footprint: {e:#}");
        return ExitCode::from(EXIT_USAGE);
    }
    ExitCode::SUCCESS
}

/// Last year's return as written from the database: the collection year
/// before `year`.
fn previous_from_db(db: &DbArgs, year: CollectionYear) -> anyhow::Result<RawReturn> {
    let rt = runtime()?;
    let dataset = rt.block_on(async {
        let store = open(&db.url()).await?;
        let dataset = store.load_dataset().await?;
        crate::db::audit_cli(
            &store,
            "ssda903.validate",
            &format!(
                "{} return read to check the {year} return against",
                year.previous()
            ),
        )
        .await?;
        store.close().await;
        anyhow::Ok(dataset)
    })?;
    let last = year.previous();
    let csv = footprint_ssda903::render_csv(&dataset, last);
    let inputs: Vec<Input> = csv
        .files()
        .iter()
        .map(|(name, text)| Input {
            name: format!("{last} (database)/{name}"),
            format: Format::Csv,
            bytes: text.as_bytes().to_vec(),
        })
        .collect();
    Ok(RawReturn::read_last_year_inputs(&inputs))
}

pub fn run(cmd: ValidateCommand) -> ExitCode {
    let ValidateCommand::Ssda903(args) = cmd;
    // One heap for every thread: with an arena per rule thread, what a
    // thread frees stays in its own arena, and the validation's peak at
    // 10,000 children was 7 to 10 MiB higher (`docs/benchmarks.md`, tenth
    // round), at no measurable cost in time.
    crate::heap::limit_arenas(1);
    let year = match args.year.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(y)) => Some(y),
        Some(Err(e)) => return usage(&format!("--year: {e}")),
    };
    let year_rules = match args.year_rules.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(y)) => Some(y),
        Some(Err(e)) => return usage(&format!("--year-rules: {e}")),
    };
    if args.rules {
        return list_rules(year_rules, args.json);
    }
    if let Some(code) = args.local_authority.as_deref()
        && !footprint_postcodes::directory().is_upper_tier(code)
    {
        return usage(&format!(
            "--local-authority: {code:?} is not an upper-tier local authority code of the ONS lookup (E06..., E08..., E09... or E10...)"
        ));
    }
    // Without --local-authority, the council's code from the database's
    // settings, when it holds one (said on standard error).
    let local_authority = match args.local_authority.clone() {
        Some(code) => Some(code),
        None => match crate::db::council_local_authority(&args.db) {
            Ok(held) => {
                if let Some(code) = &held {
                    eprintln!(
                        "footprint: rules 1015 and 411 use the council's local authority code {code}, from the database's settings"
                    );
                }
                held
            }
            Err(e) => return usage(&format!("{e:#}")),
        },
    };
    let providers = match &args.providers {
        None => None,
        Some(path) => match Providers::read_path(path) {
            Ok(p) => Some(p),
            Err(problems) => {
                for p in &problems {
                    eprintln!("footprint: --providers: {p}");
                }
                return ExitCode::from(EXIT_USAGE);
            }
        },
    };
    let mut options = CheckOptions {
        rules_year: year_rules,
        previous: None,
        local_authority,
        providers,
    };
    let mut previous_problems = Vec::new();
    if !args.previous.is_empty() {
        match RawReturn::read_last_year(&args.previous) {
            Ok(mut raw) => {
                // Last year's problems are not this year's: only what
                // stopped its files being read is shown.
                previous_problems = std::mem::take(&mut raw.problems)
                    .into_iter()
                    .filter(Problem::is_fatal)
                    .collect();
                options.previous = Some(raw);
            }
            Err(e) => return usage(&format!("--previous: {e}")),
        }
    }
    let mut checked = if args.previous_from_db {
        // Last year is the year before this return's: read it first.
        let this_year = match year {
            Some(y) => y,
            // The year is inferred from the rows alone: no check is run.
            None => match RawReturn::read_paths(&args.paths) {
                Ok(raw) => match raw.inferred_year() {
                    Some(y) => y,
                    None => {
                        return usage(
                            "--previous-from-db: the return's collection year is not known: give --year",
                        );
                    }
                },
                Err(e) => return usage(&e.to_string()),
            },
        };
        match previous_from_db(&args.db, this_year) {
            Ok(raw) => options.previous = Some(raw),
            Err(e) => return usage(&format!("--previous-from-db: {e:#}")),
        }
        match check_paths(&args.paths, Some(this_year), options) {
            Ok(p) => p,
            Err(e) => return usage(&e.to_string()),
        }
    } else {
        match check_paths(&args.paths, year, options) {
            Ok(p) => p,
            Err(e) => return usage(&e.to_string()),
        }
    };
    checked.problems.extend(previous_problems);
    let (errors, warnings): (Vec<&Problem>, Vec<&Problem>) = checked
        .sorted_problems()
        .into_iter()
        .partition(|p| p.is_error() || args.strict);
    let text = if args.json {
        match serde_json::to_string_pretty(&JsonReport {
            rule_set: checked.rule_set.as_ref(),
            errors: errors.clone(),
            warnings,
        }) {
            Ok(s) => s + "\n",
            Err(e) => return usage(&format!("cannot write the JSON report: {e}")),
        }
    } else {
        render_text(&checked.summary(), &errors, &warnings)
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
pub(crate) fn render_text(
    summary: &ReturnSummary<'_>,
    errors: &[&Problem],
    warnings: &[&Problem],
) -> String {
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
    let r = &summary.records;
    let year = match (summary.year, summary.year_inferred) {
        (Some(y), false) => format!("collection year {y}"),
        (Some(y), true) => {
            format!("collection year {y} (inferred from the latest DECOM; give --year to set it)")
        }
        (None, _) => "collection year unknown (no dates found)".to_owned(),
    };
    let rule_set = match summary.rule_set {
        Some(r) => format!(
            "; checked with the {} ({} rules{}{})",
            r.name,
            r.rules,
            if r.previous_year {
                ", with last year's return"
            } else {
                "; give --previous for the rules comparing years"
            },
            match &r.providers {
                Some(file) => format!(", with Ofsted's list of providers {file}"),
                None =>
                    "; give --providers for the rules comparing URNs with Ofsted's list".to_owned(),
            }
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "Read {} children, {} episodes, {} reviews, {} missing periods, {} UASC rows, {} OC2 rows; {year}{rule_set}.",
        r.children, r.episodes, r.reviews, r.missing, r.uasc, r.health_outcomes
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
