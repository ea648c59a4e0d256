//! `footprint validate ssda903`'s work without the rest of the CLI, for the
//! benchmarks in `docs/benchmarks.md` (a release build of this example
//! needs only this crate's dependencies):
//!
//!     cargo run --release -p footprint-ssda903 --example validate903 -- \
//!         THIS_YEAR_DIR [LAST_YEAR_DIR]
//!
//! Reads the return (and last year's, when given), runs every check of the
//! return's rule set, writes the JSON report to standard output as
//! `footprint validate ssda903 --json` does and a count to standard error.

use std::path::PathBuf;

use footprint_ssda903::{CheckOptions, RawReturn, read_paths_with};

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let Some(this) = args.first() else {
        eprintln!("usage: validate903 THIS_YEAR_DIR [LAST_YEAR_DIR]");
        std::process::exit(2);
    };
    let mut options = CheckOptions::default();
    if let Some(last) = args.get(1) {
        match RawReturn::read_last_year(std::slice::from_ref(last)) {
            Ok(raw) => options.previous = Some(raw),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    let parsed = match read_paths_with(std::slice::from_ref(this), None, &options) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let (errors, warnings): (Vec<_>, Vec<_>) = parsed
        .sorted_problems()
        .into_iter()
        .partition(|p| p.is_error());
    let report = serde_json::json!({
        "rule_set": parsed.rule_set,
        "errors": errors,
        "warnings": warnings,
    });
    println!("{report}");
    eprintln!(
        "{} errors, {} warnings ({} rules)",
        errors.len(),
        warnings.len(),
        parsed.rule_set.map_or(0, |r| r.rules)
    );
}
