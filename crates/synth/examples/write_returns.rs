//! Writes a generated council's 903 returns as CSV, one folder per
//! collection year, for checking them with another validator:
//! `cargo run -p footprint-synth --example write_returns -- OUT_DIR 1000 2 7 2026-06-01`
//! (children in care, years, seed, as-of). `--with-data-problems` after the
//! arguments adds the deliberate problems. The `footprint generate` command
//! does the same with more options; this needs only the synth crate.

use std::path::PathBuf;

use chrono::NaiveDate;
use footprint_ssda903::write_csv;
use footprint_synth::{CouncilParams, generate_council};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let problems = args.iter().any(|a| a == "--with-data-problems");
    let args: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let out = PathBuf::from(
        args.first()
            .ok_or("usage: write_returns OUT_DIR [N YEARS SEED AS_OF]")?,
    );
    let n: u32 = args.get(1).map_or(Ok(1000), |s| s.parse())?;
    let years: u32 = args.get(2).map_or(Ok(2), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(7), |s| s.parse())?;
    let as_of = match args.get(4) {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")?,
        None => NaiveDate::from_ymd_opt(2026, 6, 1).ok_or("bad date")?,
    };
    let mut params = CouncilParams::new(n, years, seed, as_of);
    params.with_data_problems = problems;
    let council = generate_council(&params)?;
    for &year in &council.collection_years {
        let dir = out.join(year.to_string());
        write_csv(&council.dataset, year, &dir)?;
        println!("{}", dir.display());
    }
    Ok(())
}
