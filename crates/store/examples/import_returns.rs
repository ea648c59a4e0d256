//! Times importing 903 returns (CSV folders, one per collection year, as
//! `footprint generate --out DIR` writes them) into a fresh database, the
//! way `footprint import ssda903` does: each return read and checked first,
//! then imported in year order, one transaction each (for
//! docs/benchmarks.md; not a test):
//!
//!     cargo run --release -p footprint-store --example import_returns -- sqlite:///tmp/i.db DIR/*
//!
//! Only the imports are timed, not the reading.

use std::process::ExitCode;
use std::time::Instant;

use footprint_ssda903::{Format, Input, read_inputs};
use footprint_store::{ImportBatch, ImportProblem, Severity, Store};

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, dirs) = args
        .split_first()
        .ok_or("usage: import_returns URL DIR...")?;
    let mut batches = Vec::new();
    for dir in dirs {
        let mut inputs = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            inputs.push(Input {
                name: path.display().to_string(),
                format: Format::Csv,
                bytes: std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            });
        }
        let parsed = read_inputs(&inputs, None);
        if parsed.is_fatal() {
            return Err(format!("{dir}: the return has errors"));
        }
        let year = parsed
            .ret
            .year
            .ok_or_else(|| format!("{dir}: no collection year"))?;
        let ds = parsed.ret.to_dataset();
        batches.push(ImportBatch {
            year,
            source: dir.clone(),
            children: ds.children,
            episodes: ds.episodes,
            reviews: ds.reviews,
            missing: ds.missing,
            health_outcomes: ds.health_outcomes,
            tables: ds.return_tables,
            problems: parsed
                .problems
                .iter()
                .map(|p| ImportProblem {
                    file: p.file.clone(),
                    line: p.line,
                    column: p.column.clone(),
                    value: p.value.clone(),
                    rule: p.rule.clone(),
                    message: p.message.clone(),
                    severity: Severity::Warning,
                })
                .collect(),
        });
    }
    batches.sort_by_key(|b| b.year);
    let store = Store::open_and_migrate(url)
        .await
        .map_err(|e| e.to_string())?;
    let all = Instant::now();
    for b in &batches {
        let start = Instant::now();
        let s = store.import_return(b).await.map_err(|e| e.to_string())?;
        println!(
            "{}: {} children, {} episodes, {} reviews in {:.1} s",
            s.year,
            b.children.len(),
            b.episodes.len(),
            b.reviews.len(),
            start.elapsed().as_secs_f64()
        );
    }
    println!(
        "all {} returns: {:.1} s",
        batches.len(),
        all.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
