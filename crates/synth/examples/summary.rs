//! Prints the headline figures of a generated council:
//! `cargo run -p footprint-synth --example summary -- 600 5 7 2025-06-01`.

use chrono::NaiveDate;
use footprint_synth::{CouncilParams, generate_council, summary::summarise};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args.first().map_or(Ok(600), |s| s.parse())?;
    let years: u32 = args.get(1).map_or(Ok(5), |s| s.parse())?;
    let seed: u64 = args.get(2).map_or(Ok(7), |s| s.parse())?;
    let as_of = match args.get(3) {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")?,
        None => NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("bad date")?,
    };
    let council = generate_council(&CouncilParams::new(n, years, seed, as_of))?;
    let ds = &council.dataset;
    println!(
        "children {} episodes {} reviews {} missing {} iros {} allocations {} midway {} visits {} challenges {} late {}",
        ds.children.len(),
        ds.episodes.len(),
        ds.reviews.len(),
        ds.missing.len(),
        ds.iros.len(),
        ds.allocations.len(),
        ds.midway_checks.len(),
        ds.visits.len(),
        ds.challenges.len(),
        ds.reviews
            .iter()
            .filter(|r| r.details.as_ref().is_some_and(|d| d.late_reason.is_some()))
            .count()
    );
    for s in summarise(ds, &council.collection_years) {
        println!("{}", serde_json::to_string(&s)?);
        println!(
            "  in time {:.1}% caseload/FTE {:.1}",
            s.in_time_share().unwrap_or(0.0) * 100.0,
            s.caseload_per_fte().unwrap_or(0.0)
        );
    }
    Ok(())
}
