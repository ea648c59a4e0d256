//! Times the measures engine on a generated council, as the dashboard uses
//! it: this month and the collection year, each to the report date
//! (`compute_as_of`), and a whole year as the annual report does.
//!
//! `cargo run --release -p footprint-synth --example measures_bench [N]`
//! (default 9,600 children in care, five years, seed 7, as of 19/11/2025).

use std::time::Instant;

use chrono::NaiveDate;
use footprint_domain::calendar::WorkingDayCalendar;
use footprint_domain::dates::CollectionYear;
use footprint_domain::measures::{MeasureSettings, Period, compute_as_of, compute_periods_as_of};
use footprint_synth::{CouncilParams, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(9_600);
    let as_of = NaiveDate::from_ymd_opt(2025, 11, 19).ok_or("bad date")?;
    let ds = generate(&CouncilParams::new(n, 5, 7, as_of))?;
    let settings = MeasureSettings::default();
    let calendar = WorkingDayCalendar::england_and_wales();
    println!(
        "{n} in care: {} children, {} episodes, {} reviews",
        ds.children.len(),
        ds.episodes.len(),
        ds.reviews.len()
    );
    for (label, period) in [
        ("month to date", Period::month(2025, 11).ok_or("month")?),
        ("year to date", Period::year(CollectionYear::of(as_of))),
        ("2024-25 whole", Period::year(CollectionYear::new(2024))),
    ] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let m = compute_as_of(&ds, period, as_of, &settings, &calendar);
            times.push(t.elapsed().as_secs_f64());
            std::hint::black_box(m);
        }
        times.sort_by(f64::total_cmp);
        println!("{label}: {:.3}–{:.3} s", times[0], times[2]);
    }
    // The dashboard: month and year to date over one assembly.
    let (month, year) = (
        Period::month(2025, 11).ok_or("month")?,
        Period::year(CollectionYear::of(as_of)),
    );
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let m = compute_periods_as_of(&ds, &[month, year], as_of, &settings, &calendar);
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(m);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "dashboard (month and year to date): {:.3}–{:.3} s",
        times[0], times[2]
    );
    Ok(())
}
