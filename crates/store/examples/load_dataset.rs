//! Times loading a council, or part of one, from an existing database and
//! prints the process's peak memory (for docs/benchmarks.md; not a test):
//!
//!     cargo run --release -p footprint-store --example load_dataset -- URL [SCOPE]
//!
//! SCOPE is `all` (the default), `active FROM TO` (yyyy-mm-dd) or
//! `caseload DATE` (the caseload of the IRO with the most children that
//! day). The database is migrated first. Run it once per measurement: the
//! peak is the whole process's.

use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use footprint_domain::model::IroId;
use footprint_store::{Scope, Store};

/// The process's peak resident memory (`VmHWM`), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn date(s: Option<&String>) -> Result<NaiveDate, String> {
    let s = s.ok_or("a date is missing")?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s}: {e}"))
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .first()
        .ok_or("usage: load_dataset URL [all | active FROM TO | caseload DATE]")?;
    let store = Store::connect(url).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let mode = args.get(1).map(String::as_str).unwrap_or("all");
    let busiest: IroId;
    let scope = match mode {
        "all" => Scope::All,
        "active" => Scope::Active {
            from: date(args.get(2))?,
            to: date(args.get(3))?,
        },
        "caseload" => {
            let on = date(args.get(2))?;
            let mut best = (0, None);
            for iro in store.iros().await.map_err(|e| e.to_string())? {
                let n = store
                    .caseload(&iro.id, on)
                    .await
                    .map_err(|e| e.to_string())?
                    .len();
                if n > best.0 {
                    best = (n, Some(iro.id));
                }
            }
            busiest = best.1.ok_or("nobody has a caseload that day")?;
            Scope::Caseload { iro: &busiest, on }
        }
        other => return Err(format!("unknown scope {other:?}")),
    };
    let before = peak_mib().unwrap_or(0.0);
    let start = Instant::now();
    let ds = store.load_scoped(scope).await.map_err(|e| e.to_string())?;
    let took = start.elapsed();
    println!(
        "{mode}: {} children, {} episodes, {} reviews in {:.0} ms; peak memory {:.0} MiB (before loading {:.0} MiB)",
        ds.children.len(),
        ds.episodes.len(),
        ds.reviews.len(),
        took.as_secs_f64() * 1000.0,
        peak_mib().unwrap_or(0.0),
        before
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
