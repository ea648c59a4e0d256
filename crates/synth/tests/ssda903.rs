//! The generated council's 903 returns pass the 903 checks, and the
//! deliberate problems are caught by them.

use chrono::NaiveDate;
use footprint_ssda903::{Format, Input, Parsed, read_inputs, render_csv};
use footprint_synth::{CouncilParams, generate_council};

fn returns(with_problems: bool) -> Vec<(String, Parsed)> {
    let mut params = CouncilParams::new(220, 3, 21, NaiveDate::from_ymd_opt(2025, 5, 20).unwrap());
    params.with_data_problems = with_problems;
    let council = generate_council(&params).unwrap();
    council
        .collection_years
        .iter()
        .map(|&year| {
            let csv = render_csv(&council.dataset, year);
            let inputs: Vec<Input> = csv
                .files()
                .iter()
                .map(|(name, text)| Input {
                    name: format!("{year}/{name}"),
                    format: Format::Csv,
                    bytes: text.as_bytes().to_vec(),
                })
                .collect();
            (year.to_string(), read_inputs(&inputs, Some(year)))
        })
        .collect()
}

#[test]
fn clean_council_passes_the_903_checks_with_no_errors() {
    for (year, parsed) in returns(false) {
        let errors: Vec<String> = parsed
            .errors()
            .map(|p| {
                format!(
                    "{}:{:?} {:?} {:?} {}",
                    p.file, p.line, p.column, p.rule, p.message
                )
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{year}: {} errors, e.g. {:#?}",
            errors.len(),
            &errors[..errors.len().min(10)]
        );
        let warnings: Vec<String> = parsed
            .warnings()
            .map(|p| {
                format!(
                    "{}:{:?} {:?} {:?} {}",
                    p.file, p.line, p.column, p.rule, p.message
                )
            })
            .collect();
        assert!(
            warnings.is_empty(),
            "{year}: {} warnings, e.g. {:#?}",
            warnings.len(),
            &warnings[..warnings.len().min(10)]
        );
        assert!(!parsed.ret.episodes.is_empty() && !parsed.ret.reviews.is_empty());
        assert!(
            parsed.ret.health_outcomes.len() > 30,
            "{year}: {} OC2 rows read",
            parsed.ret.health_outcomes.len()
        );
    }
}

#[test]
fn injected_problems_show_up_in_the_latest_return() {
    let all = returns(true);
    let (year, latest) = all.last().unwrap();
    let rules: Vec<String> = latest
        .problems
        .iter()
        .filter_map(|p| p.rule.clone())
        .collect();
    assert!(!latest.problems.is_empty(), "{year}: no problems found");
    // A review without a code (167) and a PN0 for an older child (440).
    assert!(rules.iter().any(|r| r == "167"), "{rules:?}");
    assert!(rules.iter().any(|r| r == "440"), "{rules:?}");
    for (year, parsed) in &all[..all.len() - 1] {
        assert!(
            parsed.problems.is_empty(),
            "{year}: {:?}",
            parsed.problems.first()
        );
    }
}
