//! `footprint generate`: a synthetic council for the demo, tests and
//! benchmarks. Writes its 903 returns (`--out DIR`: one folder per collection
//! year, e.g. `DIR/2021-22/episodes.csv`) and/or the whole dataset into a
//! database (`--db URL`, replacing what is there), and prints the headline
//! figures of each year. No child's details are printed: only counts.
//!
//! Exit codes: 0 success; 2 for a bad command line or parameters, an
//! unwritable folder or an unreachable database.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Args;
use footprint_synth::summary::summarise;
use footprint_synth::{CouncilParams, generate_council};

use crate::common::{finish, parse_date_arg, print_stdout};

/// The default "today" of a generated council (not the clock: the same
/// command line must give the same council on any day).
const DEFAULT_AS_OF: &str = "2025-06-01";

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    footprint generate --children-in-care 600 --years 5 --seed 7 --out demo/\n  \
    footprint generate --children-in-care 600 --seed 7 --db sqlite:footprint.db\n\n\
    The same parameters give the same council, byte for byte.")]
pub struct GenerateArgs {
    /// About how many children are looked after at any time.
    #[arg(long, default_value_t = 600, value_name = "N")]
    children_in_care: u32,
    /// How many complete collection years, ending with the latest one that
    /// ended before --as-of.
    #[arg(long, default_value_t = 5, value_name = "N")]
    years: u32,
    /// The random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// "Today" for the council (yyyy-mm-dd or dd/mm/yyyy): nothing is dated
    /// after it. A fixed default, so that the same seed always gives the same
    /// council: the five years then end with 2024-25.
    #[arg(long, value_name = "DATE", default_value = DEFAULT_AS_OF)]
    as_of: String,
    /// Write each year's 903 return as CSV files into DIR/YYYY-YY/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the whole dataset into this database (sqlite:PATH or
    /// postgres://...), replacing the records there; migrates it first.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Add a few deliberate 903 problems for the data-quality screens.
    #[arg(long)]
    with_data_problems: bool,
}

pub fn run(args: GenerateArgs) -> ExitCode {
    finish(generate(args))
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let as_of = parse_date_arg("--as-of", &args.as_of)?;
    let params = CouncilParams {
        children_in_care: args.children_in_care,
        years: args.years,
        seed: args.seed,
        as_of,
        with_data_problems: args.with_data_problems,
    };
    let council = generate_council(&params).map_err(|e| anyhow!("{e}"))?;
    let ds = &council.dataset;

    let mut report = String::new();
    let _ = writeln!(
        report,
        "Generated a council as of {as_of} (seed {}): {} children, {} episodes, {} reviews, \
         {} missing episodes, {} OC2 health records, {} IROs, {} allocations, {} midway checks, \
         {} visits, {} challenges; the 903's other tables: {} OC3 (care leavers), {} AD1 \
         (adoptions), {} PlacedAdoption, {} PrevPerm, {} SWEpisodes, {} DoLo",
        params.seed,
        ds.children.len(),
        ds.episodes.len(),
        ds.reviews.len(),
        ds.missing.len(),
        ds.health_outcomes.len(),
        ds.iros.len(),
        ds.allocations.len(),
        ds.midway_checks.len(),
        ds.visits.len(),
        ds.challenges.len(),
        ds.return_tables.care_leavers.len(),
        ds.return_tables.adoptions.len(),
        ds.return_tables.adoption_decisions.len(),
        ds.return_tables.previous_permanence.len(),
        ds.return_tables.social_workers.len(),
        ds.return_tables.deprivation_of_liberty.len(),
    );
    let _ = writeln!(
        report,
        "{:<8} {:>13} {:>7} {:>7} {:>8} {:>8} {:>9}",
        "year", "CLA 31 March", "starts", "ceased", "reviews", "in time", "per FTE"
    );
    for s in summarise(ds, &council.collection_years) {
        let pct = s
            .in_time_share()
            .map_or("–".to_owned(), |p| format!("{:.1}%", p * 100.0));
        let per_fte = s
            .caseload_per_fte()
            .map_or("–".to_owned(), |p| format!("{p:.1}"));
        let _ = writeln!(
            report,
            "{:<8} {:>13} {:>7} {:>7} {:>8} {:>8} {:>9}",
            s.year, s.looked_after_at_end, s.starts, s.ceased, s.reviews_held, pct, per_fte
        );
    }
    for p in &council.injected_problems {
        let _ = writeln!(
            report,
            "Deliberate problem: {:?} (child {}, {})",
            p.kind, p.child, p.date
        );
    }

    if let Some(dir) = &args.out {
        for &year in &council.collection_years {
            let folder = dir.join(year.to_string());
            footprint_ssda903::write_csv(ds, year, &folder).with_context(|| {
                format!("cannot write the {year} return into {}", folder.display())
            })?;
        }
        let _ = writeln!(
            report,
            "Wrote {} returns into {}",
            council.collection_years.len(),
            dir.display()
        );
    }

    if let Some(url) = &args.db {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        // A deliberate problem such as a duplicated episode cannot be stored
        // (its key is taken): the database gets the records it can hold, and
        // the 903 checks of the latest return, problems and all, are kept as
        // an import run, as if the council had imported it, for the data
        // quality page.
        let (storable, left_out) = storable(ds);
        let checked = if args.with_data_problems {
            council.collection_years.last().map(|&year| {
                let inputs: Vec<footprint_ssda903::Input> = footprint_ssda903::render_csv(ds, year)
                    .files()
                    .iter()
                    .map(|(name, text)| footprint_ssda903::Input {
                        name: format!("{year}/{name}"),
                        format: footprint_ssda903::Format::Csv,
                        bytes: text.as_bytes().to_vec(),
                    })
                    .collect();
                let parsed = footprint_ssda903::read_inputs(&inputs, Some(year));
                footprint_store::ImportBatch {
                    year,
                    source: format!("generated {year} return (with deliberate problems)"),
                    children: Vec::new(),
                    episodes: Vec::new(),
                    reviews: Vec::new(),
                    missing: Vec::new(),
                    health_outcomes: Vec::new(),
                    tables: Default::default(),
                    problems: parsed
                        .problems
                        .iter()
                        .map(footprint_interchange::returns::to_import_problem)
                        .collect(),
                }
            })
        } else {
            None
        };
        let written = runtime.block_on(async {
            let store = footprint_store::Store::open_and_migrate(url).await?;
            let mut written = store.replace_dataset(&storable).await;
            if written.is_ok()
                && let Some(batch) = &checked
                && let Err(e) = store.import_return(batch).await
            {
                written = Err(e);
            }
            store.close().await;
            written
        });
        if left_out > 0 {
            let _ = writeln!(
                report,
                "{left_out} deliberately duplicated record(s) left out of the database (their key is taken)"
            );
        }
        if let Some(batch) = &checked {
            let _ = writeln!(
                report,
                "Recorded the 903 checks of the {} return as an import run: {} problem(s), shown on the data quality page",
                batch.year,
                batch.problems.len()
            );
        }
        let w = written.with_context(|| {
            format!(
                "cannot write to the database {}",
                footprint_store::redact_url(url)
            )
        })?;
        let _ = writeln!(
            report,
            "Wrote to {}: {} children, {} episodes, {} reviews, {} IROs, {} challenges",
            footprint_store::redact_url(url),
            w.children,
            w.episodes,
            w.reviews,
            w.iros,
            w.challenges
        );
    }
    print_stdout(&report)
}

/// The dataset less any record whose key an earlier record already holds
/// (episodes by child and start, reviews by child and date, missing periods
/// by child and start), and how many were left out.
fn storable(ds: &footprint_domain::model::Dataset) -> (footprint_domain::model::Dataset, usize) {
    use std::collections::BTreeSet;
    let mut out = ds.clone();
    let before = out.episodes.len() + out.reviews.len() + out.missing.len();
    let mut seen = BTreeSet::new();
    out.episodes
        .retain(|e| seen.insert((e.child.clone(), e.start)));
    let mut seen = BTreeSet::new();
    out.reviews
        .retain(|r| seen.insert((r.child.clone(), r.date)));
    let mut seen = BTreeSet::new();
    out.missing
        .retain(|m| seen.insert((m.child.clone(), m.start)));
    let after = out.episodes.len() + out.reviews.len() + out.missing.len();
    (out, before - after)
}
