//! Times the generator: wall time and peak resident memory (VmHWM) for a
//! council of 600 and one of 83,000 children in care over five years.
//!
//! `cargo run --release -p footprint-synth --example generate_bench [N...]`
//! (each size runs in a fresh process so the peak memory is its own).

use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use footprint_synth::{CouncilParams, generate};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn run_one(n: u32) -> Result<(), Box<dyn std::error::Error>> {
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("bad date")?;
    let params = CouncilParams::new(n, 5, 7, as_of);
    let started = Instant::now();
    let ds = generate(&params)?;
    let elapsed = started.elapsed();
    println!(
        "children_in_care={n} years=5: {:.2} s, peak RSS {:.0} MiB; {} children, {} episodes, {} reviews, {} OC2 health records, {} IROs",
        elapsed.as_secs_f64(),
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
        ds.children.len(),
        ds.episodes.len(),
        ds.reviews.len(),
        ds.health_outcomes.len(),
        ds.iros.len(),
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(n) = args.iter().find_map(|a| a.strip_prefix("--one=")) {
        return run_one(n.parse()?);
    }
    let sizes: Vec<u32> = if args.is_empty() {
        vec![600, 83_000]
    } else {
        args.iter().map(|a| a.parse()).collect::<Result<_, _>>()?
    };
    let exe = std::env::current_exe()?;
    for n in sizes {
        let status = Command::new(&exe).arg(format!("--one={n}")).status()?;
        if !status.success() {
            return Err(format!("the run for {n} failed").into());
        }
    }
    Ok(())
}
