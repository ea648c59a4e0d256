//! `footprint import ssda903` and `footprint export ssda903`: the 903 return
//! into and out of the database.
//!
//! Import reads every return given, refuses them all if any has an error
//! (with `--strict`, a warning too), and otherwise stores each return in one
//! transaction of its own, in collection-year order. A folder, an XML file or
//! a workbook is one return; loose CSV files given together are one return.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use footprint_domain::dates::CollectionYear;
use footprint_interchange::returns::{self, Checked};
use footprint_ssda903::{CheckOptions, read_paths_with, write_csv, write_xml};
use footprint_store::{ImportBatch, ImportSummary};

use crate::common::{EXIT_USAGE, finish, print_stdout};
use crate::db::{DbArgs, cli_actor, open, runtime};
use crate::validate::render_text;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import SSDA903 returns: folders of CSV files, CSV files, XML files, or
    /// Excel workbooks (.xlsx, one sheet per table).
    #[command(after_help = "--year applies only when a single return is given.\n\n\
                            Exit codes: 0 imported; 1 refused because of errors in the files \
                            (nothing was written); 2 usage or database error.\n\n\
                            Example:\n  footprint import ssda903 returns/2020-21 returns/2021-22")]
    Ssda903(ImportArgs),
    /// Import children's names (the 903 holds none) from a CSV file: CHILD,
    /// GIVEN_NAME (or FORENAME) and FAMILY_NAME (or SURNAME). All or nothing.
    #[command(
        after_help = "Exit codes: 0 imported; 1 refused because of problems in the file \
                            (nothing was written); 2 usage or database error.\n\n\
                            Example:\n  footprint import names names.csv"
    )]
    Names(crate::case_files::NamesArgs),
    /// Import health assessments, dental checks, SDQ scores, immunisation
    /// status and PEPs from a case-management CSV file (columns CHILD,
    /// RECORD, DATE, REQUESTED, SCORE, UP_TO_DATE, TERM, QUALITY). All or
    /// nothing; records already held are left as they are.
    #[command(
        after_help = "RECORD is initial_health_assessment (IHA), review_health_assessment (RHA), \
                            dental_check, sdq, immunisations or pep. Dates dd/mm/yyyy or yyyy-mm-dd.\n\n\
                            Exit codes: 0 imported; 1 refused because of problems in the file \
                            (nothing was written); 2 usage or database error.\n\n\
                            Example:\n  footprint import health health.csv"
    )]
    Health(crate::case_files::HealthArgs),
    /// Import secure accommodation, private fostering and foster carer
    /// reviews, private fostering notifications and their visits,
    /// disruption meetings, child protection plans and review conferences,
    /// life-story work, advocacy, the child's views, case alerts and case
    /// file audits from a case-management CSV file (columns RECORD, ID, DATE
    /// and as the record needs CHILD, START, END, HOUSEHOLD, KIND, PANEL,
    /// DECISION, STATUS, FORM, ROUTE, CARE_LEAVER, THEME, SUB_THEME, OUTCOME,
    /// NOTIFIED_BY, VISITS, REQUESTED_BY, GRADE, FINDINGS). All or nothing; a
    /// record changed in the extract is kept as a new version.
    #[command(
        name = "case-records",
        after_help = "RECORD is secure_review, private_fostering_review, \
                            private_fostering_notification, foster_carer_review, \
                            disruption_meeting, protection_plan, protection_conference, life_story, \
                            advocacy, views, case_alert or case_file_audit. Dates dd/mm/yyyy or yyyy-mm-dd. \
                            Every column is described in crates/interchange/src/case_records.rs.\n\n\
                            Exit codes: 0 imported; 1 refused because of problems in the file \
                            (nothing was written); 2 usage or database error.\n\n\
                            Example:\n  footprint import case-records records.csv"
    )]
    CaseRecords(crate::case_files::CaseRecordsArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Folders (every .csv and .xlsx in each is one return), XML files and
    /// workbooks (each one return), or CSV files (together one return).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_name = "YYYY-YY", help = footprint_ssda903::YEAR_HELP)]
    year: Option<String>,
    /// Refuse the import if there is any warning, not only errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write a collection year's SSDA903 return from the database.
    Ssda903(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The collection year, e.g. 2021-22.
    #[arg(long, value_name = "YYYY-YY")]
    year: String,
    /// The folder to write into (created if absent).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write the XML form (ssda903.xml) instead of the CSV tables.
    #[arg(long)]
    xml: bool,
    #[command(flatten)]
    db: DbArgs,
}

/// Groups the paths into returns: each folder, XML file or workbook is one;
/// the loose CSV files are one together.
fn returns_of(paths: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut returns = Vec::new();
    let mut loose = Vec::new();
    for p in paths {
        let whole = p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("xlsx"));
        if p.is_dir() || whole {
            returns.push(vec![p.clone()]);
        } else {
            loose.push(p.clone());
        }
    }
    if !loose.is_empty() {
        returns.push(loose);
    }
    returns
}

fn source_name(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run_import(cmd: ImportCommand) -> ExitCode {
    let args = match cmd {
        ImportCommand::Ssda903(args) => args,
        ImportCommand::Names(args) => return crate::case_files::run_names(&args),
        ImportCommand::Health(args) => return crate::case_files::run_health(&args),
        ImportCommand::CaseRecords(args) => return crate::case_files::run_case_records(&args),
    };
    // A heap for each thread reading a return and one for the import's
    // own: the threads the import starts after share them rather than
    // each keeping a heap of its own (about 50 to 120 MiB of the
    // England-sized import's peak; one heap in all made the readers wait
    // on one another: `docs/benchmarks.md`, fourteenth round).
    crate::heap::limit_arenas(footprint_domain::parallel::cores() + 1);
    let year = match args.year.as_deref().map(str::parse::<CollectionYear>) {
        None => None,
        Some(Ok(y)) => Some(y),
        Some(Err(e)) => {
            eprintln!("footprint: --year: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let groups = returns_of(&args.paths);
    if year.is_some() && groups.len() > 1 {
        eprintln!(
            "footprint: --year applies to one return, but {} were given; leave it out and each return's year is taken from its dates",
            groups.len()
        );
        return ExitCode::from(EXIT_USAGE);
    }

    // Read and check everything before writing anything, the returns side
    // by side on the machine's cores. Each return is kept only as the
    // records to import (the reader's rows and places are dropped as soon
    // as it is checked).
    let strict = args.strict;
    // Checked as the web's upload checks it: with the council's local
    // authority code from the database's settings (rules 1015 and 411).
    let options = match crate::db::council_local_authority(&args.db) {
        Ok(local_authority) => CheckOptions {
            local_authority,
            ..CheckOptions::default()
        },
        Err(e) => {
            eprintln!("footprint: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Stage timings at debug level (`FOOTPRINT_LOG=debug`): see the store.
    crate::logging::start_without_statements();
    let reading = std::time::Instant::now();
    let checked = footprint_domain::parallel::on_cores(&groups, |paths| {
        read_paths_with(paths, year, &options)
            .map(|parsed| returns::check(source_name(paths), parsed, strict))
    });
    // The readers' working memory (freed, but kept by the allocator in
    // each reader thread's heap) goes back to the system before the
    // import's own.
    crate::heap::release_free_memory();
    tracing::debug!(
        "import: returns read and checked: {:.0} ms",
        reading.elapsed().as_secs_f64() * 1e3
    );
    let mut batches: Vec<ImportBatch> = Vec::new();
    let mut refused = false;
    for outcome in checked {
        match outcome {
            Err(e) => {
                eprintln!("footprint: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
            Ok(Checked::Ready(batch)) => batches.push(*batch),
            Ok(Checked::Refused(r)) => {
                refused = true;
                if r.no_year() {
                    eprintln!(
                        "footprint: {}: no dates found to tell the collection year; give --year",
                        r.source
                    );
                } else {
                    let _ = print_stdout(&render_text(
                        &r.parsed.summary(),
                        &r.refusing(),
                        &r.others(),
                    ));
                }
            }
        }
    }
    if refused {
        eprintln!(
            "footprint: import refused: nothing was written (fix the errors above, then import again)"
        );
        return ExitCode::from(1);
    }

    finish(import_all(batches, &args.db))
}

/// Imports the returns together, in one transaction (all or nothing): the
/// council's records are derived once from them all.
fn import_all(batches: Vec<ImportBatch>, db: &DbArgs) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(&db.url()).await?;
        let stored = returns::import_checked(&store, &cli_actor(), batches, &mut |_| {}).await;
        store.close().await;
        for (source, summary) in stored? {
            print_stdout(&describe(&source, &summary))?;
        }
        Ok(())
    })
}

fn describe(source: &str, s: &ImportSummary) -> String {
    let line = |what: &str, c: &footprint_store::RecordCounts| {
        format!(
            "  {what:<10} {:>7} new, {:>7} replaced, {:>7} kept (another return's), {:>5} removed, {:>5} skipped\n",
            c.inserted, c.replaced, c.kept_later, c.removed, c.skipped
        )
    };
    let mut left = String::new();
    if !s.left_open.is_empty() {
        left.push_str(&format!(
            "  {} episodes left open by an earlier return that no later return carries on (kept as given; listed on the data quality page):\n",
            s.left_open.len()
        ));
        for e in s.left_open.iter().take(20) {
            left.push_str(&format!(
                "    child {} from {} (open in the {} return)\n",
                e.child,
                e.start.format("%d/%m/%Y"),
                e.from_return
            ));
        }
        if s.left_open.len() > 20 {
            left.push_str(&format!("    and {} more\n", s.left_open.len() - 20));
        }
    }
    format!(
        "Imported {source} as the {} return (import run {}):\n{}{}{}{}{}{}{left}  {} problems recorded (see the data quality page)\n",
        s.year,
        s.run,
        line("children", &s.children),
        line("episodes", &s.episodes),
        line("reviews", &s.reviews),
        line("missing", &s.missing),
        line("OC2", &s.health_outcomes),
        line("others", &s.other_tables),
        s.problems
    )
}

pub fn run_export(cmd: ExportCommand) -> ExitCode {
    let ExportCommand::Ssda903(args) = cmd;
    finish(export(&args))
}

fn export(args: &ExportArgs) -> anyhow::Result<()> {
    let year: CollectionYear = args.year.parse().map_err(|e| anyhow!("--year: {e}"))?;
    let rt = runtime()?;
    let dataset = rt.block_on(async {
        let store = open(&args.db.url()).await?;
        let dataset = store.load_dataset().await?;
        crate::db::audit_cli(
            &store,
            "ssda903.export",
            &format!("{year} return ({})", if args.xml { "XML" } else { "CSV" }),
        )
        .await?;
        store.close().await;
        anyhow::Ok(dataset)
    })?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    if args.xml {
        let path = args.out.join("ssda903.xml");
        write_xml(&dataset, year, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        print_stdout(&format!("Wrote {}\n", path.display()))?;
    } else {
        let files = write_csv(&dataset, year, &args.out)
            .with_context(|| format!("cannot write into {}", args.out.display()))?;
        let names: Vec<String> = files.iter().map(|f| display_name(f)).collect();
        print_stdout(&format!(
            "Wrote the {year} return to {}: {}\n",
            args.out.display(),
            names.join(", ")
        ))?;
    }
    if dataset.children.is_empty() {
        bail!("the database holds no children: the files written are empty");
    }
    Ok(())
}

fn display_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
