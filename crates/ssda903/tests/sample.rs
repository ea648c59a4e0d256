//! The published sample return (tests/fixtures/ssda903-sample, MIT, from
//! data-to-insight/csc-validator-be-903): every bad row reported, no panic.

use std::path::PathBuf;

use footprint_ssda903::{Problem, Severity, read_paths};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ssda903-sample")
}

fn find<'a>(problems: &'a [Problem], file: &str, line: u64, rule: Option<&str>) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.file.ends_with(file) && p.line == Some(line) && p.rule.as_deref() == rule)
        .unwrap_or_else(|| panic!("no problem at {file}:{line} rule {rule:?}"))
}

#[test]
fn the_sample_csv_folder_reads_with_every_bad_row_reported() {
    let parsed = read_paths(&[sample()], None).expect("read");
    let ret = &parsed.ret;
    assert_eq!(ret.year.map(|y| y.to_string()).as_deref(), Some("2017-18"));
    assert!(parsed.year_inferred);
    // header.csv has 2675 children; line 1273 has MOTHER "1.0".
    assert_eq!(ret.children.len(), 2674);
    let mother = find(&parsed.problems, "header.csv", 1273, None);
    assert_eq!(mother.column.as_deref(), Some("MOTHER"));
    assert_eq!(mother.value.as_deref(), Some("1.0"));
    assert_eq!(mother.severity, Severity::Fatal);
    // episodes.csv line 313: child 708102's episode from 11/01/2018 starts
    // while the one from 11/03/2017 (to 10/03/2018) is open.
    let overlap = find(&parsed.problems, "episodes.csv", 313, Some("501"));
    assert!(overlap.message.contains("708102"), "{}", overlap.message);
    // missing.csv line 36: 20/11/2017 while line 37's period (from
    // 02/11/2017 to 22/12/2017) is open.
    let missing = find(&parsed.problems, "missing.csv", 36, Some("574"));
    assert!(missing.message.contains("line 37"), "{}", missing.message);
    // Tables Footprint does not use are kept as rows.
    // (ad1, oc3, placed_for_adoption, previous_permanence).
    assert_eq!(ret.other_tables.len(), 4);
    // oc2.csv: all 2675 rows can be read and become health outcomes
    // (the DfE's rules on the 12-month cohort flag many: errors, kept).
    assert_eq!(ret.health_outcomes.len(), 2675);
    assert!(
        !parsed
            .problems
            .iter()
            .any(|p| p.file.ends_with("oc2.csv") && p.severity != Severity::Error),
        "no reading problem in oc2.csv"
    );
    let first = &ret.health_outcomes[0];
    assert_eq!(first.source.line, 2);
    assert_eq!(first.record.child.as_str(), "566910");
    assert_eq!(first.record.sdq_score, Some(39));
    assert_eq!(first.record.convicted, Some(true));
    assert_eq!(first.record.substance_misuse, Some(true));
    assert_eq!(first.record.health_check, Some(false));
    assert_eq!(ret.to_dataset().health_outcomes.len(), 2675);
    assert!(parsed.is_fatal());
    // Every problem names a file and (but for whole-file ones) a line.
    assert!(parsed.problems.iter().all(|p| p.line.is_some()));
}

#[test]
fn the_sample_xml_reads_with_every_bad_row_reported() {
    let parsed = read_paths(&[sample().join("sample-903.xml")], None).expect("read");
    assert_eq!(parsed.ret.children.len(), 253);
    assert_eq!(parsed.ret.episodes.len(), 459);
    // Every child's OC2 element becomes health outcomes.
    let oc2 = &parsed.ret.health_outcomes;
    assert_eq!(oc2.len(), 253);
    assert_eq!(oc2[0].record.child.as_str(), "907440");
    assert_eq!(oc2[0].record.sdq_score, Some(21));
    assert_eq!(oc2[0].record.health_assessment, Some(false));
    assert_eq!(oc2[1].record.child.as_str(), "228005");
    assert_eq!(oc2[1].record.sdq_reason.map(|r| r.code()), Some("SDQ4"));
    assert_eq!(oc2[1].record.intervention_received, Some(true));
    let overlaps: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.rule.as_deref() == Some("501"))
        .collect();
    // 9, as a separate count of episodes starting before the latest DEC of
    // the child's earlier episodes gives.
    assert_eq!(overlaps.len(), 9);
    assert!(
        overlaps.iter().all(|p| p.line == Some(2)),
        "the file is one line after the declaration"
    );
    assert!(overlaps.iter().any(|p| p.message.contains("child 325294")));
}

fn lines(problems: &[Problem], file: &str, rule: &str) -> Vec<u64> {
    let mut out: Vec<u64> = problems
        .iter()
        .filter(|p| p.file.ends_with(file) && p.rule.as_deref() == Some(rule))
        .filter_map(|p| p.line)
        .collect();
    out.sort_unstable();
    out
}

/// The findings of docs/validator-comparison.md, on the sample's CSV files.
#[test]
fn the_sample_chain_checks_match_the_validator_comparison() {
    let parsed = read_paths(&[sample()], None).expect("read");
    let p = &parsed.problems;
    // 501: every episode that starts before the latest DEC of the child's
    // earlier episodes: the 70 rows either validator flags, including those
    // that overlap only an episode already reported (902 inside 904, 1459,
    // 2403) and those inside a longer earlier episode (904, 2195, 2511).
    let overlaps = lines(p, "episodes.csv", "501");
    assert_eq!(overlaps.len(), 70, "{overlaps:?}");
    for line in [902, 1459, 2403, 904, 2195, 2511] {
        assert!(overlaps.contains(&line), "line {line}: {overlaps:?}");
    }
    // 142: each open episode that is not the child's last, once.
    assert_eq!(lines(p, "episodes.csv", "142").len(), 10);
    // No knock-on warnings from an overlap: the episodes at 314, 683 and
    // 752 continue an episode that ended X1 on their start date (one left
    // out of the periods as overlapping), and the sample has no real 433.
    assert_eq!(lines(p, "episodes.csv", "433"), Vec::<u64>::new());
    // Child 27720 has a V4 and an overlapping L3 episode: not all short
    // breaks, so its reviews (lines 2179-2182) are not 399.
    let short_breaks = lines(p, "reviews.csv", "399");
    assert_eq!(short_breaks.len(), 967);
    assert!(!short_breaks.contains(&2179));
    // Lines 4126-4127: an episode ends E16 on 21/09/2017 and a new period
    // starts that day.
    assert_eq!(lines(p, "episodes.csv", "431"), vec![4127]);
    let same_day = find(p, "episodes.csv", 4127, Some("431"));
    assert!(
        same_day
            .message
            .contains("ended that same day with REC E16"),
        "{}",
        same_day.message
    );
    assert_eq!(same_day.severity, Severity::Warning);
    // 178: a provider on a T0-T4 or Z1 placement (the 2017-18 list).
    let provider = lines(p, "episodes.csv", "178");
    assert_eq!(provider.len(), 1105);
    assert_eq!(provider[..3], [2, 6, 7]);
}

#[test]
fn usage_errors_are_errors_not_problems() {
    assert!(read_paths(&[], None).is_err());
    assert!(read_paths(&[sample().join("no-such-file.csv")], None).is_err());
    let empty = tempfile::tempdir().expect("tempdir");
    assert!(read_paths(&[empty.path().to_path_buf()], None).is_err());
}

/// `footprint validate` checks a return a batch of children at a time
/// without keeping its records (`check_paths`): on the sample, CSV and XML,
/// whose rows (over 25,000 in the CSV) make several batches and whose
/// problems cover every kind of check, it finds every problem the whole
/// return's check finds, and the same counts of records.
#[test]
fn checked_child_by_child_the_sample_has_the_problems_of_the_whole() {
    use footprint_domain::dates::CollectionYear;
    use footprint_ssda903::{CheckOptions, RecordCounts, check_paths, read_paths_with};
    for (paths, year) in [
        (vec![sample()], None),
        (vec![sample()], Some("2021-22")),
        (vec![sample().join("sample-903.xml")], None),
    ] {
        let year = year.map(|y| y.parse::<CollectionYear>().expect("a year"));
        let whole = read_paths_with(&paths, year, &CheckOptions::default()).expect("read");
        let checked = check_paths(&paths, year, CheckOptions::default()).expect("read");
        assert!(whole.problems.len() > 100, "{}", whole.problems.len());
        assert_eq!(
            whole.sorted_problems(),
            checked.sorted_problems(),
            "{paths:?}"
        );
        assert_eq!(RecordCounts::of(&whole.ret), checked.records);
        assert_eq!(whole.summary().year, checked.year);
        assert_eq!(whole.rule_set, checked.rule_set);
    }
}

/// Last year's return read for the rules comparing years keeps only the
/// tables they read (`rules::LAST_YEAR_TABLES`): the sample checked against
/// itself as last year's finds the same problems as with every table of
/// last year kept.
#[test]
fn last_years_other_tables_are_let_go_and_nothing_changes() {
    use footprint_domain::dates::CollectionYear;
    use footprint_ssda903::{CheckOptions, RawReturn, check_paths, rules::LAST_YEAR_TABLES};
    let year = "2021-22".parse::<CollectionYear>().ok();
    let all = RawReturn::read_paths(&[sample()]).expect("read");
    let kept = RawReturn::read_last_year(&[sample()]).expect("read");
    assert!(kept.rows.len() < all.rows.len() && !kept.rows.is_empty());
    assert!(
        kept.rows
            .iter()
            .all(|r| LAST_YEAR_TABLES.contains(&r.table()))
    );
    assert_eq!(kept.tables, all.tables);
    let with = |previous| {
        let options = CheckOptions {
            previous: Some(previous),
            ..CheckOptions::default()
        };
        check_paths(&[sample()], year, options).expect("read")
    };
    let (a, b) = (with(all), with(kept));
    assert!(a.rule_set.as_ref().is_some_and(|r| r.previous_year));
    assert_eq!(a.sorted_problems(), b.sorted_problems());
}
